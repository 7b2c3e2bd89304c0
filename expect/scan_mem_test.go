package expect_test

import (
	"context"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/assay-go/assay/expect"
	"github.com/assay-go/assay/internal/datagen"
)

// boundedSuite is benchSuite without the checks whose state grows with the rows
// (unique: every value; exact quantiles: every value). Mean and standard deviation
// keep at most metric.DefaultExactLimit values (8 MiB) for pandas-exact results and
// stream beyond; every other check keeps counts and at most the sample limit of rows.
func boundedSuite(rows int64) *expect.Suite {
	var es []expect.Expectation
	for _, e := range benchSuite(rows).Expectations {
		switch e.Config().Type {
		case "expect_column_values_to_be_unique", "expect_column_quantile_values_to_be_between":
		default:
			es = append(es, e)
		}
	}
	return expect.NewSuite("generated-bounded", es...)
}

// TestValidateMemoryFlat streams a generated table through Validate with the bounded
// suite and samples the Go runtime's memory (Sys: everything obtained from the OS)
// every 50 ms: it must stay under 1 GiB however many rows pass. 100M rows by default
// with ASSAY_BIG=1 (ASSAY_BIG_ROWS overrides); skipped otherwise, as generating the
// data takes minutes.
func TestValidateMemoryFlat(t *testing.T) {
	if os.Getenv("ASSAY_BIG") != "1" {
		t.Skip("set ASSAY_BIG=1 to validate a 100M-row stream")
	}
	rows := int64(100_000_000)
	if s := os.Getenv("ASSAY_BIG_ROWS"); s != "" {
		rows = benchRowsFrom(s, rows)
	}
	var peakSys, peakHeap atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.Sys > peakSys.Load() {
				peakSys.Store(ms.Sys)
			}
			if ms.HeapInuse > peakHeap.Load() {
				peakHeap.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	rr := datagen.NewReader(datagen.Config{Rows: rows, Seed: 1})
	rep, err := expect.Validate(context.Background(), boundedSuite(rows), rr)
	rr.Release()
	close(stop)
	wg.Wait()
	require.NoError(t, err)
	require.True(t, rep.Success, "%+v", failed(rep))
	require.Equal(t, rows, rep.Run.Rows)
	t.Logf("%d rows in %v: peak Sys %.1f MiB, peak HeapInuse %.1f MiB", rows, time.Since(start).Round(time.Millisecond),
		float64(peakSys.Load())/(1<<20), float64(peakHeap.Load())/(1<<20))
	require.Less(t, peakSys.Load(), uint64(1<<30), "memory stays under 1 GiB")
}

func benchRowsFrom(s string, def int64) int64 {
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return def
		}
		n = n*10 + int64(c-'0')
	}
	if n <= 0 {
		return def
	}
	return n
}
