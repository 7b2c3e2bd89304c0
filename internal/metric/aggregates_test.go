package metric

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/stretchr/testify/require"
)

// The merge contract for the aggregate states, as TestMergeEqualsSequentialScan checks
// it for the others: any partition of the batches, updated and merged in any order,
// observes the same as one sequential scan.
func TestAggregateStatesMerge(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cases := []stateCase{
		{"boolnumeric", []arrow.DataType{arrow.FixedWidthTypes.Boolean}, func(arrow.DataType) State { return NewBoolNumeric(true) },
			func(s State) any {
				n := s.(*BoolNumeric)
				med, _ := n.Quantile(0.5)
				return fmt.Sprintf("%d %d %d %v %v %v %v %v %v", n.N, n.Rows, n.Missing, n.Min, n.Max, n.Sum(), n.Mean(), n.Var(1), med)
			}},
		{"pandasmoments", []arrow.DataType{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64}, func(t arrow.DataType) State { return mustState(NewPandasMoments(t)) },
			func(s State) any {
				p := s.(*PandasMoments)
				is, ok := p.IntSum()
				return fmt.Sprintf("%d %d %d %d %v %v %v %v %v %v %v", p.N, p.Rows, p.Missing, p.NaN, p.Min, p.Max, p.Sum(), p.Mean(), p.Var(1), is, ok)
			}},
		{"extremes", []arrow.DataType{arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString}, func(t arrow.DataType) State { return mustState(NewExtremes(t)) },
			func(s State) any {
				x := s.(*Extremes)
				return fmt.Sprintf("%d %d %d %q %q", x.N, x.Rows, x.Missing, x.Min, x.Max)
			}},
	}
	checkMergeProperty(t, mem, cases, 11)
}

func largeStrings(mem memory.Allocator, rng *rand.Rand, n int) arrow.Array {
	b := array.NewLargeStringBuilder(mem)
	defer b.Release()
	for i := 0; i < n; i++ {
		if rng.IntN(10) == 0 {
			b.AppendNull()
			continue
		}
		b.Append(strings.Repeat("é", rng.IntN(3)) + fmt.Sprintf("w%03d", rng.IntN(500)))
	}
	return b.NewArray()
}

// BoolNumeric reads true as 1 and false as 0 and agrees with a naive loop, on sliced
// input; Extremes agrees with a naive loop.
func TestAggregateStatesNaive(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 50; trial++ {
		full := column(mem, rng, arrow.FixedWidthTypes.Boolean, 20+rng.IntN(200))
		lo := rng.IntN(10)
		col := array.NewSlice(full, int64(lo), int64(full.Len()))
		b := col.(*array.Boolean)
		var n, ones int64
		for i := 0; i < b.Len(); i++ {
			if b.IsValid(i) {
				n++
				if b.Value(i) {
					ones++
				}
			}
		}
		s := NewBoolNumeric(false)
		require.NoError(t, s.Update(&Batch{Cols: []arrow.Array{col}, Rows: col.Len(), SelectedCount: col.Len()}))
		require.Equal(t, n, s.N)
		require.Equal(t, float64(ones), s.Sum())
		require.Equal(t, int64(col.Len())-n, s.Missing)

		strs := column(mem, rng, arrow.BinaryTypes.String, 1+rng.IntN(100))
		x := mustState(NewExtremes(strs.DataType()))
		require.NoError(t, x.Update(&Batch{Cols: []arrow.Array{strs}, Rows: strs.Len(), SelectedCount: strs.Len()}))
		sa := strs.(*array.String)
		var mn, mx string
		first := true
		for i := 0; i < sa.Len(); i++ {
			if sa.IsNull(i) {
				continue
			}
			v := sa.Value(i)
			if first || v < mn {
				mn = v
			}
			if first || v > mx {
				mx = v
			}
			first = false
		}
		if !first {
			require.Equal(t, mn, string(x.Min))
			require.Equal(t, mx, string(x.Max))
		}
		col.Release()
		full.Release()
		strs.Release()
	}
	_, err := NewExtremes(arrow.PrimitiveTypes.Int64)
	require.ErrorIs(t, err, ErrType)
	require.Error(t, NewBoolNumeric(false).Update(&Batch{Cols: []arrow.Array{array.NewNull(3)}, Rows: 3, SelectedCount: 3}))
}

func BenchmarkBoolNumeric(b *testing.B) {
	mem := memory.NewGoAllocator()
	rng := rand.New(rand.NewPCG(1, 2))
	col := column(mem, rng, arrow.FixedWidthTypes.Boolean, 1<<16)
	defer col.Release()
	b.SetBytes(1 << 16)
	for i := 0; i < b.N; i++ {
		s := NewBoolNumeric(false)
		s.ExactLimit = 0
		if err := s.Update(&Batch{Cols: []arrow.Array{col}, Rows: col.Len(), SelectedCount: col.Len()}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExtremes(b *testing.B) {
	mem := memory.NewGoAllocator()
	rng := rand.New(rand.NewPCG(1, 2))
	col := column(mem, rng, arrow.BinaryTypes.String, 1<<16)
	defer col.Release()
	b.SetBytes(1 << 16)
	for i := 0; i < b.N; i++ {
		s, _ := NewExtremes(col.DataType())
		if err := s.Update(&Batch{Cols: []arrow.Array{col}, Rows: col.Len(), SelectedCount: col.Len()}); err != nil {
			b.Fatal(err)
		}
	}
}

// PandasMoments follows pandas' nanops: missing values are zero-filled in place before
// the pairwise sums, so the result depends on where they sit. Compare with a direct
// transcription of nanops.nansum/nanmean/nanvar over the whole column, scanned in
// random batches with a row selection.
func TestPandasMomentsMatchesNanops(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for trial := 0; trial < 40; trial++ {
		rng := rand.New(rand.NewPCG(uint64(trial), 5))
		col := column(mem, rng, arrow.PrimitiveTypes.Float64, 8+rng.IntN(400))
		pieces := split(rng, col, trial%2 == 1)
		ownSome(mem, pieces)
		s := mustState(NewPandasMoments(col.DataType()))
		for _, p := range pieces {
			require.NoError(t, s.Update(&Batch{Cols: []arrow.Array{p.arr}, Offset: p.off, Rows: p.arr.Len(), Selected: p.sel, SelectedCount: p.cnt}))
		}
		// The selected rows, in order, as pandas' DataFrame.query would leave them.
		f := col.(*array.Float64)
		var x []float64
		var miss []bool
		for i := 0; i < f.Len(); i++ {
			if trial%2 == 1 && i%3 == 0 {
				continue // split's selection drops every third row
			}
			v := f.Value(i)
			m := f.IsNull(i) || v != v
			if m {
				v = 0
			}
			x = append(x, v)
			miss = append(miss, m)
		}
		n := 0
		for _, m := range miss {
			if !m {
				n++
			}
		}
		sum := PairwiseSum(x)
		avg := sum / float64(n)
		sq := make([]float64, len(x))
		for i, v := range x {
			if !miss[i] {
				sq[i] = (avg - v) * (avg - v)
			}
		}
		require.Equal(t, int64(n), s.N)
		require.Equal(t, sum, s.Sum(), "trial %d sum", trial)
		require.Equal(t, avg, s.Mean(), "trial %d mean", trial)
		if n > 1 {
			require.Equal(t, PairwiseSum(sq)/float64(n-1), s.Var(1), "trial %d var", trial)
		}
		s.Release()
		for _, p := range pieces {
			p.arr.Release()
		}
		col.Release()
	}
	// Integer columns without missing values sum exactly in int64.
	b := array.NewInt64Builder(mem)
	b.AppendValues([]int64{1 << 60, 1, 1 << 60, 3}, nil)
	a := b.NewArray()
	b.Release()
	s := mustState(NewPandasMoments(a.DataType()))
	require.NoError(t, s.Update(&Batch{Cols: []arrow.Array{a}, Rows: a.Len(), SelectedCount: a.Len()}))
	is, ok := s.IntSum()
	require.True(t, ok)
	require.Equal(t, int64(1<<61+4), is)
	s.Release()
	a.Release()
	_, err := NewPandasMoments(arrow.BinaryTypes.String)
	require.ErrorIs(t, err, ErrType)
}
