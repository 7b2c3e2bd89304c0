package metric

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/montanaflynn/stats"
	"github.com/stretchr/testify/require"
)

// TestNumericAgainstMontanaflynnStats cross-checks the Numeric state's descriptive
// statistics with an independent implementation (github.com/montanaflynn/stats) on
// random data with nulls, scanned in batches.
func TestNumericAgainstMontanaflynnStats(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, n := range []int{1, 2, 17, 1000, 5003} {
		rng := rand.New(rand.NewPCG(uint64(n), 5))
		b := array.NewFloat64Builder(mem)
		var vals []float64
		for i := 0; i < n; i++ {
			if i > 0 && rng.IntN(8) == 0 {
				b.AppendNull()
				continue
			}
			v := rng.NormFloat64()*20 + 3
			vals = append(vals, v)
			b.Append(v)
		}
		col := b.NewArray()
		b.Release()
		s, err := NewNumeric(arrow.PrimitiveTypes.Float64, true)
		require.NoError(t, err)
		for lo := 0; lo < n; lo += 97 {
			hi := min(n, lo+97)
			sl := array.NewSlice(col, int64(lo), int64(hi))
			require.NoError(t, s.Update(&Batch{Cols: []arrow.Array{sl}, Offset: int64(lo), Rows: hi - lo, SelectedCount: hi - lo}))
			sl.Release()
		}
		col.Release()
		data := stats.Float64Data(vals)
		mean, _ := data.Mean()
		minV, _ := data.Min()
		maxV, _ := data.Max()
		med, _ := data.Median()
		require.InEpsilon(t, mean, s.Mean(), 1e-12, "n=%d", n)
		require.Equal(t, minV, s.Min)
		require.Equal(t, maxV, s.Max)
		q, err := s.Quantile(0.5)
		require.NoError(t, err)
		require.InDelta(t, med, q, 1e-12*math.Max(1, math.Abs(med)))
		if len(vals) > 1 {
			sv, _ := data.SampleVariance()
			pv, _ := data.PopulationVariance()
			require.InEpsilon(t, sv, s.Var(1), 1e-10, "n=%d", n)
			require.InEpsilon(t, pv, s.Var(0), 1e-10, "n=%d", n)
		}
		s.Release()
	}
}
