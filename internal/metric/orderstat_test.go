package metric

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestOrderStatsMatchSorted checks that the radix select returns exactly (bit for bit,
// −0 and +0 included) what indexing the fully sorted values gives, over inputs that
// exercise the small path, the one-level select, and buckets refined several times.
func TestOrderStatsMatchSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	gens := map[string]func(i int) float64{
		"normal":    func(int) float64 { return 100 + 15*rng.NormFloat64() },
		"ties":      func(int) float64 { return float64(rng.IntN(5)) },
		"zeros":     func(int) float64 { return []float64{math.Copysign(0, -1), 0, -1, 1}[rng.IntN(4)] },
		"mixedsign": func(int) float64 { return rng.NormFloat64() * 1e-300 },
		"narrow":    func(int) float64 { return 1 + float64(rng.IntN(1<<20))*0x1p-52 },
		"constant":  func(int) float64 { return 3.5 },
		"inf":       func(i int) float64 { return []float64{math.Inf(-1), math.Inf(1), 2}[i%3] },
		// Signed zeros as the extremes (Min −0, Max +0), and as the minimum.
		"zero-extremes": func(int) float64 { return []float64{math.Copysign(0, -1), 0}[rng.IntN(2)] },
		"zero-min":      func(int) float64 { return []float64{math.Copysign(0, -1), 0, 0.5, 3, 1e-9}[rng.IntN(5)] },
		"negative":      func(int) float64 { return -1000 - 15*rng.NormFloat64() },
	}
	for _, n := range []int{1, 100, 20_000, 150_000} {
		for name, gen := range gens {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			st, err := NewNumeric(arrow.PrimitiveTypes.Float64, true)
			require.NoError(t, err)
			bld := array.NewFloat64Builder(mem)
			const batch = 7000
			for lo := 0; lo < n; lo += batch {
				for i := lo; i < min(n, lo+batch); i++ {
					bld.Append(gen(i))
				}
				arr := bld.NewArray()
				require.NoError(t, st.Update(&Batch{Cols: []arrow.Array{arr}, Offset: int64(lo), Rows: arr.Len(), SelectedCount: arr.Len()}))
				arr.Release()
			}
			bld.Release()
			ranks := []int{n - 1, 0, n / 2, (n - 1) / 2, n * 99 / 100, n / 4, n / 2}
			got, err := st.OrderStats(ranks)
			require.NoError(t, err)
			ref := &Numeric{}
			*ref = *st
			ref.sorted = nil
			x, err := ref.Sorted()
			require.NoError(t, err)
			for i, r := range ranks {
				require.Equal(t, math.Float64bits(x[r]), math.Float64bits(got[i]), "%s n=%d rank %d", name, n, r)
			}
			_, err = st.OrderStats([]int{n})
			require.Error(t, err)
			st.Release()
			mem.AssertSize(t, 0)
		}
	}
}

func BenchmarkOrderStats(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	st, _ := NewNumeric(arrow.PrimitiveTypes.Float64, true)
	const n = 2_000_000
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = 100 + 15*rng.NormFloat64()
	}
	st.chunks = []chunk{{vals: vals}}
	st.kept, st.N = n, n
	st.Min, st.Max = slices.Min(vals), slices.Max(vals)
	ranks := []int{n / 2, n/2 + 1, n * 99 / 100, n*99/100 + 1}
	b.Run("select", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.OrderStats(ranks); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sort", func(b *testing.B) {
		for b.Loop() {
			st.sorted = nil
			if _, err := st.Sorted(); err != nil {
				b.Fatal(err)
			}
		}
		st.sorted = nil
	})
}
