package expect_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/assay-go/assay/expect"
	"github.com/assay-go/assay/internal/datagen"
)

// TestValidateReleasesRetainedBuffers runs the checks whose states keep the price
// column's batch buffers by reference (exact quantiles and median: every value;
// pandas-exact mean, standard deviation and sum: the first rows) through
// expect.Validate over a checked allocator, at one and two workers: once Validate has
// returned, nothing is held, and the report is the same at both worker counts.
func TestValidateReleasesRetainedBuffers(t *testing.T) {
	const rows = 30_000
	suite := expect.NewSuite("retained",
		expect.QuantilesBetween("price", []expect.QuantileRange{{Quantile: 0.1, Min: 0, Max: 1000}, {Quantile: 0.9, Min: 0, Max: 1000}}),
		expect.MedianBetween("price", 95, 105),
		expect.MeanBetween("price", 95, 105),
		expect.StdevBetween("price", 10, 20),
		expect.SumBetween("price", 0, 1e9),
		expect.MeanBetween("score", 0, 1),
		expect.MedianBetween("latency", 0, 1e6),
	)
	var reports []string
	for _, workers := range []int{1, 2} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		rr := datagen.NewReader(datagen.Config{Rows: rows, BatchSize: 4096, Seed: 3, Allocator: mem})
		rep, err := expect.Validate(context.Background(), suite, rr, expect.WithConcurrency(workers))
		rr.Release()
		require.NoError(t, err)
		mem.AssertSize(t, 0)
		require.True(t, rep.Success, "workers=%d: %+v", workers, rep.Results)
		var obs string
		for _, r := range rep.Results {
			obs += fmt.Sprintf("%s %v\n", r.ExpectationConfig.Type, r.Result.ObservedValue)
		}
		reports = append(reports, obs)
	}
	require.Equal(t, reports[0], reports[1], "the observed values do not depend on the worker count")
}
