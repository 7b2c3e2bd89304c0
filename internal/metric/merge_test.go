package metric

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/assay-go/assay/internal/kernels"
)

// column builds a random column of type t with nulls.
func column(mem memory.Allocator, rng *rand.Rand, t arrow.DataType, n int) arrow.Array {
	b := array.NewBuilder(mem, t)
	defer b.Release()
	for i := 0; i < n; i++ {
		if rng.IntN(10) == 0 {
			b.AppendNull()
			continue
		}
		switch bb := b.(type) {
		case *array.Int64Builder:
			bb.Append(int64(rng.IntN(50)) - 10)
		case *array.Float64Builder:
			switch rng.IntN(40) {
			case 0:
				bb.Append(math.NaN())
			default:
				bb.Append(math.Round(rng.NormFloat64()*1000) / 100)
			}
		case *array.StringBuilder:
			bb.Append(fmt.Sprintf("v%02d", rng.IntN(30)))
		case *array.BooleanBuilder:
			bb.Append(rng.IntN(2) == 0)
		case *array.Date32Builder:
			bb.Append(arrow.Date32(19000 + rng.IntN(100)))
		case *array.TimestampBuilder:
			bb.Append(arrow.Timestamp(1_700_000_000_000_000 + int64(rng.IntN(1000))*1_000_000))
		}
	}
	return b.NewArray()
}

type stateCase struct {
	name  string
	types []arrow.DataType
	new   func(t arrow.DataType) State
	// observe returns what a check would read from the state, after Finish.
	observe func(s State) any
}

// mustKeyRows panics unless every sample carries the identifying value of its own row
// ("row-<index>", see the keyed cases).
func mustKeyRows(samples []Sample) {
	for _, x := range samples {
		if len(x.Keys) != 1 || x.Keys[0] != fmt.Sprintf("row-%d", x.Index) {
			panic(fmt.Sprintf("sample of row %d has keys %v", x.Index, x.Keys))
		}
	}
}

// keyed reports whether a case's batches also carry an identifying column (a string
// per row, unexpected_index_column_names) that the state reports in its samples: the
// cases named .../keys.
func (sc stateCase) keyed() bool { return strings.HasSuffix(sc.name, "/keys") }

func mustState[T State](s T, err error) T {
	if err != nil {
		panic(err)
	}
	return s
}

func finishedUnexpected(u *Unexpected) any {
	u.Finish()
	return fmt.Sprintf("rows=%d missing=%d unexpected=%d samples=%v", u.Rows, u.Missing, u.Count, u.Samples)
}

func stateCases() []stateCase {
	numeric := []arrow.DataType{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, arrow.FixedWidthTypes.Date32, &arrow.TimestampType{Unit: arrow.Microsecond}}
	all := append(append([]arrow.DataType{}, numeric...), arrow.BinaryTypes.String, arrow.FixedWidthTypes.Boolean)
	return []stateCase{
		{"map/between", []arrow.DataType{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64}, func(t arrow.DataType) State {
			k, err := kernels.Between(t, kernels.Bound{Value: 0.0}, kernels.Bound{Value: 5.5, Strict: true})
			if err != nil {
				panic(err)
			}
			return NewMap(MapValues, k, 7)
		}, func(s State) any { return finishedUnexpected(&s.(*Map).Unexpected) }},
		{"map/inset", []arrow.DataType{arrow.BinaryTypes.String}, func(t arrow.DataType) State {
			k, err := kernels.InSet(t, []any{"v01", "v02", "v03"}, false)
			if err != nil {
				panic(err)
			}
			return NewMap(MapValues, k, -1)
		}, func(s State) any { return finishedUnexpected(&s.(*Map).Unexpected) }},
		{"map/nulls", all, func(t arrow.DataType) State { return NewMap(MapNulls, nil, 3) },
			func(s State) any { return finishedUnexpected(&s.(*Map).Unexpected) }},
		{"map/nonnulls", all, func(t arrow.DataType) State { return NewMap(MapNonNulls, nil, 5) },
			func(s State) any { return finishedUnexpected(&s.(*Map).Unexpected) }},
		{"frequencies", all, func(t arrow.DataType) State { return mustState(NewFrequencies(t, false, 0)) },
			func(s State) any {
				f := s.(*Frequencies)
				return fmt.Sprintf("%d %d %d %v %v", f.Rows, f.Missing, f.Distinct(), f.Values(), f.MostCommon())
			}},
		{"frequencies/dups", all, func(t arrow.DataType) State { return mustState(NewFrequencies(t, true, 9)) },
			func(s State) any {
				f := s.(*Frequencies)
				return fmt.Sprintf("%d %v ", f.Distinct(), f.Values()) + finishedUnexpected(&f.Dups).(string)
			}},
		{"unique-ints", numeric[:1], func(t arrow.DataType) State { return mustState(NewUniqueInts(t, 6)) },
			func(s State) any {
				u := s.(*UniqueInts)
				u.Finish()
				return finishedUnexpected(&u.Unexpected)
			}},
		{"unique-ints/all", []arrow.DataType{arrow.FixedWidthTypes.Date32, &arrow.TimestampType{Unit: arrow.Microsecond}}, func(t arrow.DataType) State { return mustState(NewUniqueInts(t, -1)) },
			func(s State) any {
				u := s.(*UniqueInts)
				u.Finish()
				return finishedUnexpected(&u.Unexpected)
			}},
		{"unique-ints/keys", numeric[:1], func(t arrow.DataType) State { return mustState(NewUniqueInts(t, 6)) },
			func(s State) any {
				u := s.(*UniqueInts)
				u.Finish()
				mustKeyRows(u.Samples)
				return finishedUnexpected(&u.Unexpected)
			}},
		{"frequencies/dups/keys", []arrow.DataType{arrow.BinaryTypes.String, arrow.PrimitiveTypes.Float64}, func(t arrow.DataType) State { return mustState(NewFrequencies(t, true, 9)) },
			func(s State) any {
				f := s.(*Frequencies)
				f.Dups.Finish()
				f.FillKeys()
				mustKeyRows(f.Dups.Samples)
				return finishedUnexpected(&f.Dups)
			}},
		{"numeric/exact", numeric, func(t arrow.DataType) State { return mustState(NewNumeric(t, true)) },
			func(s State) any {
				n := s.(*Numeric)
				q, _ := n.Quantile(0.3)
				return fmt.Sprintf("%d %d %d %v %v %v %v %v %v %v %v", n.N, n.NaN, n.Missing, n.Min, n.Max, n.MinInt, n.MaxInt, n.Sum(), n.Mean(), n.Var(1), q)
			}},
		{"monotonic", numeric, func(t arrow.DataType) State { return mustState(NewMonotonic(t, false, false, 11)) },
			func(s State) any {
				m := s.(*Monotonic)
				m.Finish()
				return finishedUnexpected(&m.Unexpected)
			}},
		{"monotonic/strict-dec", numeric, func(t arrow.DataType) State { return mustState(NewMonotonic(t, true, true, -1)) },
			func(s State) any {
				m := s.(*Monotonic)
				m.Finish()
				return finishedUnexpected(&m.Unexpected)
			}},
		{"rowcount", all, func(t arrow.DataType) State { return &RowCount{} },
			func(s State) any { return s.(*RowCount).Rows }},
	}
}

// batches slices col into consecutive batches of random sizes, returning (offset, slice).
type piece struct {
	off int64
	arr arrow.Array
	sel []byte
	cnt int
}

func split(rng *rand.Rand, col arrow.Array, withSel bool) []piece {
	var out []piece
	for lo := 0; lo < col.Len(); {
		hi := min(col.Len(), lo+1+rng.IntN(90))
		p := piece{off: int64(lo), arr: array.NewSlice(col, int64(lo), int64(hi))}
		n := hi - lo
		p.cnt = n
		if withSel {
			p.sel = make([]byte, bitutil.BytesForBits(int64(n)))
			p.cnt = 0
			for i := 0; i < n; i++ {
				if (lo+i)%3 != 0 {
					bitutil.SetBit(p.sel, i)
					p.cnt++
				}
			}
		}
		out = append(out, p)
		lo = hi
	}
	return out
}

// ownSome replaces every other float64 piece by an owned copy of it (its value buffer
// exactly its size), so that states which retain owned buffers take their zero-copy
// path on some batches and copy others.
func ownSome(mem memory.Allocator, pieces []piece) {
	for i := range pieces {
		f, ok := pieces[i].arr.(*array.Float64)
		if !ok || i%2 == 1 {
			continue
		}
		var null []bool
		if f.NullN() > 0 {
			null = make([]bool, f.Len())
			for j := range null {
				null[j] = f.IsNull(j)
			}
		}
		owned := ownedFloat64(mem, f.Float64Values(), null)
		f.Release()
		pieces[i].arr = owned
	}
}

// TestMergeEqualsSequentialScan is the property test of the merge contract: for every
// state, scanning the batches in order into one state and scanning a random partition
// of them (in random order, into several states merged in random order) give the same
// observable result.
func TestMergeEqualsSequentialScan(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	checkMergeProperty(t, mem, stateCases(), 7)
}

// checkMergeProperty runs the merge property test of the cases (25 trials per type,
// with and without a row selection; seed varies the random tables): any partition of
// the batches, updated and merged in any order, observes the same as one sequential
// scan. Keyed cases also carry an identifying column.
func checkMergeProperty(t *testing.T, mem memory.Allocator, cases []stateCase, seed uint64) {
	for _, sc := range cases {
		for _, typ := range sc.types {
			for _, withSel := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/sel=%v", sc.name, typ, withSel), func(t *testing.T) {
					for trial := 0; trial < 25; trial++ {
						rng := rand.New(rand.NewPCG(uint64(trial), seed))
						var col arrow.Array
						if typ.ID() == arrow.LARGE_STRING {
							col = largeStrings(mem, rng, 1+rng.IntN(600))
						} else {
							col = column(mem, rng, typ, 1+rng.IntN(600))
						}
						pieces := split(rng, col, withSel)
						ownSome(mem, pieces)
						var keys arrow.Array
						if sc.keyed() {
							kb := array.NewStringBuilder(mem)
							for i := 0; i < col.Len(); i++ {
								kb.Append(fmt.Sprintf("row-%d", i))
							}
							keys = kb.NewArray()
							kb.Release()
							defer keys.Release()
						}
						update := func(s State, p piece) {
							b := &Batch{Cols: []arrow.Array{p.arr}, Offset: p.off, Rows: p.arr.Len(), Selected: p.sel, SelectedCount: p.cnt}
							if keys != nil {
								k := array.NewSlice(keys, p.off, p.off+int64(p.arr.Len()))
								defer k.Release()
								b.Cols = append(b.Cols, k)
							}
							require.NoError(t, s.Update(b))
						}
						seq := sc.new(typ)
						for _, p := range pieces {
							update(seq, p)
						}
						parts := make([]State, 1+rng.IntN(4))
						for i := range parts {
							parts[i] = sc.new(typ)
						}
						for _, i := range rng.Perm(len(pieces)) {
							update(parts[rng.IntN(len(parts))], pieces[i])
						}
						order := rng.Perm(len(parts))
						merged := parts[order[0]]
						for _, i := range order[1:] {
							require.NoError(t, merged.Merge(parts[i]))
						}
						want, got := sc.observe(seq), sc.observe(merged)
						if !reflect.DeepEqual(want, got) {
							t.Fatalf("trial %d: merged state differs from sequential scan\nsequential: %v\nmerged:     %v", trial, want, got)
						}
						release(seq)
						release(parts...)
						for _, p := range pieces {
							p.arr.Release()
						}
						col.Release()
					}
				})
			}
		}
	}
}

// TestNumericStreamingMerge checks that beyond the exact limit the streaming moments
// still agree with the sequential scan to rounding.
func TestNumericStreamingMerge(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(1, 2))
	col := column(mem, rng, arrow.PrimitiveTypes.Float64, 5000)
	defer col.Release()
	pieces := split(rng, col, false)
	newS := func() *Numeric {
		s, _ := NewNumeric(arrow.PrimitiveTypes.Float64, false)
		s.ExactLimit = 100
		return s
	}
	seq := newS()
	parts := []*Numeric{newS(), newS(), newS()}
	for i, p := range pieces {
		b := &Batch{Cols: []arrow.Array{p.arr}, Offset: p.off, Rows: p.arr.Len(), SelectedCount: p.arr.Len()}
		require.NoError(t, seq.Update(b))
		require.NoError(t, parts[i%3].Update(b))
	}
	require.NoError(t, parts[2].Merge(parts[0]))
	require.NoError(t, parts[2].Merge(parts[1]))
	m := parts[2]
	require.False(t, m.Exact())
	require.Equal(t, seq.N, m.N)
	require.InEpsilon(t, seq.Mean(), m.Mean(), 1e-12)
	require.InEpsilon(t, seq.Var(1), m.Var(1), 1e-12)
	require.InEpsilon(t, seq.Sum(), m.Sum(), 1e-12)
	for _, p := range pieces {
		p.arr.Release()
	}
}

// TestPairwiseSumMatchesNumpy checks the summation order against values computed with
// numpy 1.x (np.add.reduce over a float64 array): for sequences whose naive sum
// differs in the last bits, the pairwise order gives numpy's double.
func TestPairwiseSumMatchesNumpy(t *testing.T) {
	x := make([]float64, 1000)
	for i := range x {
		x[i] = 0.1 * float64(i%7+1)
	}
	// Reference: the same recursion written directly from numpy's C source.
	var ref func([]float64) float64
	ref = func(a []float64) float64 {
		if len(a) < 8 {
			s := 0.0
			for _, v := range a {
				s += v
			}
			return s
		}
		if len(a) <= 128 {
			r := [8]float64{a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]}
			i := 8
			for ; i < len(a)-len(a)%8; i += 8 {
				for j := 0; j < 8; j++ {
					r[j] += a[i+j]
				}
			}
			s := (r[0] + r[1]) + (r[2] + r[3]) + ((r[4] + r[5]) + (r[6] + r[7]))
			for ; i < len(a); i++ {
				s += a[i]
			}
			return s
		}
		n2 := len(a) / 2
		n2 -= n2 % 8
		return ref(a[:n2]) + ref(a[n2:])
	}
	for _, n := range []int{0, 1, 7, 8, 9, 127, 128, 129, 1000} {
		require.Equal(t, ref(x[:n]), PairwiseSum(x[:n]), "n=%d", n)
	}
	naive := 0.0
	for _, v := range x {
		naive += v
	}
	require.NotEqual(t, naive, PairwiseSum(x), "test data should distinguish pairwise from naive summation")
}

func TestRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		n := rng.IntN(300)
		bm := make([]byte, bitutil.BytesForBits(int64(n))+8)
		dense := rng.IntN(3)
		for i := 0; i < n; i++ {
			set := rng.IntN(10) < 5
			if dense == 1 {
				set = rng.IntN(100) < 98
			} else if dense == 2 {
				set = rng.IntN(100) < 2
			}
			if set {
				bitutil.SetBit(bm, i)
			}
		}
		var got []int
		Runs(bm, n, func(lo, hi int) {
			require.Less(t, lo, hi)
			for i := lo; i < hi; i++ {
				got = append(got, i)
			}
		})
		var want []int
		for i := 0; i < n; i++ {
			if bitutil.BitIsSet(bm, i) {
				want = append(want, i)
			}
		}
		require.Equal(t, want, got)
	}
}

// TestUniqueIntsAgreesWithFrequencies checks the sort-based uniqueness state against
// the hash-based one on random data with duplicates, increasing keys and nulls.
func TestUniqueIntsAgreesWithFrequencies(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for trial := 0; trial < 50; trial++ {
		rng := rand.New(rand.NewPCG(uint64(trial), 99))
		b := array.NewInt64Builder(mem)
		n := 1 + rng.IntN(800)
		increasing := trial%2 == 0
		for i := 0; i < n; i++ {
			switch {
			case rng.IntN(20) == 0:
				b.AppendNull()
			case increasing && rng.IntN(100) > 0:
				b.Append(int64(i))
			default:
				b.Append(int64(rng.IntN(n)))
			}
		}
		col := b.NewArray()
		b.Release()
		u, _ := NewUniqueInts(col.DataType(), 10)
		f, _ := NewFrequencies(col.DataType(), true, 10)
		for _, p := range split(rng, col, trial%3 == 0) {
			bt := &Batch{Cols: []arrow.Array{p.arr}, Offset: p.off, Rows: p.arr.Len(), Selected: p.sel, SelectedCount: p.cnt}
			require.NoError(t, u.Update(bt))
			require.NoError(t, f.Update(bt))
			p.arr.Release()
		}
		u.Finish()
		f.Dups.Finish()
		require.Equal(t, f.Dups.Count, u.Count, "trial %d", trial)
		require.Equal(t, f.Dups.Samples, u.Samples, "trial %d", trial)
		require.Equal(t, f.Rows, u.Rows)
		require.Equal(t, f.Missing, u.Missing)
		col.Release()
	}
}
