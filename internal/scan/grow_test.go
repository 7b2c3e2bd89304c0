package scan

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/assay-go/assay/internal/metric"
)

// slowNumeric is a Numeric state whose updates take a while, standing for an
// expensive check (a regex over a long string column).
type slowNumeric struct{ *metric.Numeric }

func (s slowNumeric) Update(b *metric.Batch) error {
	time.Sleep(2 * time.Millisecond)
	return s.Numeric.Update(b)
}

func (s slowNumeric) Merge(o metric.State) error { return s.Numeric.Merge(o.(slowNumeric).Numeric) }

// TestGrowShards: with GrowShards, a group that falls behind the reader gets more
// shards (more states are made) while a cheap group keeps one, and the merged results
// are those of a run without growth; without GrowShards no state is added. Whether a
// group falls behind depends on timing, so growth is asserted only for a group that
// sleeps in every update while the other is instant.
func TestGrowShards(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	run := func(grow bool) (made int64, sum, mean float64, rows int64) {
		var n atomic.Int64
		p := NewPlan()
		hs := p.Add(metric.Spec{Key: "slow", Columns: []string{"a"}, New: func(ts []arrow.DataType) (metric.State, error) {
			n.Add(1)
			st, err := metric.NewNumeric(ts[0], true)
			return slowNumeric{st}, err
		}})
		hr := p.Add(rowCount("rows", "b"))
		rr := table(t, mem, 40)
		res, err := Run(context.Background(), rr, p, Options{Concurrency: 2, GrowShards: grow})
		rr.Release()
		require.NoError(t, err)
		defer res.Release()
		st := res.States[hs].(slowNumeric)
		return n.Load(), st.Sum(), st.Mean(), res.States[hr].(*metric.RowCount).Rows
	}
	made, sum, mean, rows := run(true)
	require.Greater(t, made, int64(1), "the slow group got more shards")
	require.LessOrEqual(t, made, int64(2), "at most one shard per worker")
	made0, sum0, mean0, rows0 := run(false)
	require.Equal(t, int64(1), made0)
	require.Equal(t, sum0, sum)
	require.Equal(t, mean0, mean)
	require.Equal(t, rows0, rows)
	require.Equal(t, int64(400), rows)
}
