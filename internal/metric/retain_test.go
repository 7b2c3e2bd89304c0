package metric

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/stretchr/testify/require"
)

// release releases the states that hold Arrow memory (idempotent).
func release(states ...State) {
	for _, s := range states {
		if r, ok := s.(Releaser); ok {
			r.Release()
		}
	}
}

// heldByReference counts the values a state keeps in retained Arrow buffers, and all
// the values it keeps.
func heldByReference(s State) (byRef, all int) {
	var cs []chunk
	switch s := s.(type) {
	case *Numeric:
		cs = s.chunks
	case *PandasMoments:
		cs = s.rows
	}
	for _, c := range cs {
		all += len(c.vals)
		if c.buf != nil {
			byRef += len(c.vals)
		}
	}
	return byRef, all
}

// ownedFloat64 builds a float64 array whose value buffer is allocated at exactly its
// size (as readers and datagen produce them); null[i] marks nulls when null is non-nil.
func ownedFloat64(mem memory.Allocator, vals []float64, null []bool) arrow.Array {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(8 * len(vals))
	copy(arrow.Float64Traits.CastFromBytes(buf.Bytes()), vals)
	bufs := []*memory.Buffer{nil, buf}
	nulls := 0
	if null != nil {
		bm := memory.NewResizableBuffer(mem)
		bm.Resize(int(bitutil.BytesForBits(int64(len(vals)))))
		clear(bm.Bytes())
		for i, isNull := range null {
			if isNull {
				nulls++
			} else {
				bitutil.SetBit(bm.Bytes(), i)
			}
		}
		bufs[0] = bm
		defer bm.Release()
	}
	defer buf.Release()
	d := array.NewData(arrow.PrimitiveTypes.Float64, len(vals), bufs, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// retainStates are the states that retain: Numeric with KeepAll, Numeric still under
// its exact limit, and PandasMoments.
func retainStates() map[string]func() State {
	return map[string]func() State{
		"numeric/keepall": func() State { return mustState(NewNumeric(arrow.PrimitiveTypes.Float64, true)) },
		"numeric/exact":   func() State { return mustState(NewNumeric(arrow.PrimitiveTypes.Float64, false)) },
		"pandasmoments":   func() State { return mustState(NewPandasMoments(arrow.PrimitiveTypes.Float64)) },
	}
}

// observeExact is what checks read from a retaining state, as exact bit patterns.
func observeExact(s State) string {
	bits := func(v float64) string { return fmt.Sprintf("%016x", math.Float64bits(v)) }
	switch s := s.(type) {
	case *Numeric:
		q, err := s.Quantile(0.3)
		return fmt.Sprintf("n=%d nan=%d rows=%d missing=%d min=%s max=%s sum=%s mean=%s var=%s q=%s err=%v exact=%v",
			s.N, s.NaN, s.Rows, s.Missing, bits(s.Min), bits(s.Max), bits(s.Sum()), bits(s.Mean()), bits(s.Var(1)), bits(q), err, s.Exact())
	case *PandasMoments:
		return fmt.Sprintf("n=%d nan=%d rows=%d missing=%d min=%s max=%s sum=%s mean=%s var=%s exact=%v",
			s.N, s.NaN, s.Rows, s.Missing, bits(s.Min), bits(s.Max), bits(s.Sum()), bits(s.Mean()), bits(s.Var(1)), s.PandasExact())
	}
	panic(fmt.Sprintf("unexpected state %T", s))
}

// TestZeroCopyRetention proves the zero-copy path for an owned float64 array: after the
// caller releases the array, the allocator still holds its value buffer while a state
// keeps it, and nothing once the state is released (or drops its kept values).
func TestZeroCopyRetention(t *testing.T) {
	const n = 1000
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = float64(i%37) - 10.5
	}
	for name, newState := range retainStates() {
		t.Run(name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			s := newState()
			arr := ownedFloat64(mem, vals, nil)
			require.NoError(t, s.Update(&Batch{Cols: []arrow.Array{arr}, Offset: 0, Rows: n, SelectedCount: n}))
			arr.Release()
			byRef, all := heldByReference(s)
			require.Equal(t, n, byRef, "the values are kept by reference")
			require.Equal(t, n, all)
			require.Equal(t, 8*n, mem.CurrentAlloc(), "the state holds the array's value buffer, no copy")
			release(s)
			require.Equal(t, 0, mem.CurrentAlloc(), "Release frees the buffer")
			release(s) // idempotent
		})
	}
	// Exceeding the exact limit drops the kept values and releases them at once.
	t.Run("drop", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		num := mustState(NewNumeric(arrow.PrimitiveTypes.Float64, false))
		num.ExactLimit = n + n/2
		pm := mustState(NewPandasMoments(arrow.PrimitiveTypes.Float64))
		pm.ExactRows = n + n/2
		for i := 0; i < 2; i++ {
			arr := ownedFloat64(mem, vals, nil)
			for _, s := range []State{num, pm} {
				require.NoError(t, s.Update(&Batch{Cols: []arrow.Array{arr}, Offset: int64(i * n), Rows: n, SelectedCount: n}))
			}
			arr.Release()
			if i == 0 {
				require.Equal(t, 8*n, mem.CurrentAlloc(), "both states share the one buffer")
			}
		}
		require.Equal(t, 0, mem.CurrentAlloc(), "the second batch exceeds the limits: kept values released")
		require.False(t, num.Exact())
		require.False(t, pm.PandasExact())
		require.Equal(t, int64(2*n), num.N)
		require.InEpsilon(t, 2*PairwiseSum(vals)/(2*n), num.Mean(), 1e-12)
		release(num, pm)
	})
	// Merge moves the retained buffers: other holds none afterwards.
	t.Run("merge", func(t *testing.T) {
		for name, newState := range retainStates() {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			a, b, seq := newState(), newState(), newState()
			for i := 0; i < 3; i++ {
				arr := ownedFloat64(mem, vals, nil)
				bt := &Batch{Cols: []arrow.Array{arr}, Offset: int64(i * n), Rows: n, SelectedCount: n}
				require.NoError(t, seq.Update(bt))
				if i == 1 {
					require.NoError(t, a.Update(bt))
				} else {
					require.NoError(t, b.Update(bt))
				}
				arr.Release()
			}
			require.NoError(t, a.Merge(b))
			byRef, _ := heldByReference(b)
			require.Zero(t, byRef, "%s: Merge consumes other's retained values", name)
			byRef, all := heldByReference(a)
			require.Equal(t, 3*n, byRef, name)
			require.Equal(t, 3*n, all, name)
			require.Equal(t, observeExact(seq), observeExact(a), name)
			release(b, a, seq, a)
			mem.AssertSize(t, 0)
		}
	})
}

// TestRetentionPaths checks which batches are kept by reference and which are copied,
// and that both paths give bit-identical results: each case is scanned once as built
// and once as a slice of a larger array (always copied), over several batches.
func TestRetentionPaths(t *testing.T) {
	const n = 300
	rng := rand.New(rand.NewPCG(5, 6))
	base := make([]float64, n)
	for i := range base {
		base[i] = math.Round(rng.NormFloat64()*1e4) / 100
	}
	withNaN := append([]float64(nil), base...)
	withNaN[7], withNaN[200] = math.NaN(), math.NaN()
	nulls := make([]bool, n)
	nulls[3], nulls[150] = true, true
	everyOther := make([]byte, bitutil.BytesForBits(n))
	for i := 0; i < n; i += 2 {
		bitutil.SetBit(everyOther, i)
	}

	type build func(mem memory.Allocator) (arr arrow.Array, sel []byte)
	cases := []struct {
		name   string
		build  build
		byRef  map[string]bool // per state: kept by reference?
		reason string
	}{
		{"owned", func(mem memory.Allocator) (arrow.Array, []byte) { return ownedFloat64(mem, base, nil), nil },
			map[string]bool{"numeric/keepall": true, "numeric/exact": true, "pandasmoments": true},
			"an owned float64 buffer without nulls is kept by reference"},
		{"owned-nan", func(mem memory.Allocator) (arrow.Array, []byte) { return ownedFloat64(mem, withNaN, nil), nil },
			map[string]bool{"pandasmoments": true},
			"Numeric excludes NaN, so it copies; PandasMoments keeps NaN as the missing marker"},
		{"nulls", func(mem memory.Allocator) (arrow.Array, []byte) { return ownedFloat64(mem, base, nulls), nil },
			map[string]bool{}, "nulls must be dropped or marked: copied"},
		{"selection", func(mem memory.Allocator) (arrow.Array, []byte) { return ownedFloat64(mem, base, nil), everyOther },
			map[string]bool{}, "a row selection keeps a subset: copied"},
		{"small-slice", func(mem memory.Allocator) (arrow.Array, []byte) {
			big := ownedFloat64(mem, append(append(append([]float64(nil), base...), base...), base...), nil)
			defer big.Release()
			return array.NewSlice(big, n, 2*n), nil
		}, map[string]bool{}, "a slice of a 3x larger buffer would pin it: copied"},
		{"near-full-slice", func(mem memory.Allocator) (arrow.Array, []byte) {
			big := ownedFloat64(mem, append([]float64{1, 2}, base...), nil)
			defer big.Release()
			return array.NewSlice(big, 2, n+2), nil
		}, map[string]bool{"numeric/keepall": true, "numeric/exact": true, "pandasmoments": true},
			"a slice that needs most of its buffer is kept by reference"},
		{"parent-buffer", func(mem memory.Allocator) (arrow.Array, []byte) {
			whole := ownedFloat64(mem, base, nil)
			defer whole.Release()
			sub := memory.SliceBuffer(whole.Data().Buffers()[1], 0, 8*n)
			defer sub.Release()
			d := array.NewData(arrow.PrimitiveTypes.Float64, n, []*memory.Buffer{nil, sub}, nil, 0, 0)
			defer d.Release()
			return array.MakeFromData(d), nil
		}, map[string]bool{}, "a buffer sliced from a parent (IPC body) is copied"},
		{"doubled-capacity", func(mem memory.Allocator) (arrow.Array, []byte) {
			// The Parquet reader's value buffers: grown by doubling, half used.
			buf := memory.NewResizableBuffer(mem)
			defer buf.Release()
			buf.Reserve(2 * 8 * n)
			buf.ResizeNoShrink(8 * n)
			if c := cap(buf.Buf()); c < 2*8*n || c > 2*8*n+64 {
				panic(fmt.Sprintf("test buffer capacity %d, want about %d", c, 2*8*n))
			}
			copy(arrow.Float64Traits.CastFromBytes(buf.Bytes()), base)
			d := array.NewData(arrow.PrimitiveTypes.Float64, n, []*memory.Buffer{nil, buf}, nil, 0, 0)
			defer d.Release()
			return array.MakeFromData(d), nil
		}, map[string]bool{}, "a buffer with twice the capacity it uses is copied"},
		{"builder-spare-capacity", func(mem memory.Allocator) (arrow.Array, []byte) {
			b := array.NewFloat64Builder(mem)
			defer b.Release()
			b.Reserve(4 * n)
			b.AppendValues(base, nil)
			return b.NewArray(), nil
		}, map[string]bool{}, "a builder's buffer with 4x spare capacity is copied"},
	}
	for _, c := range cases {
		for name, newState := range retainStates() {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				got, ref := newState(), newState()
				for batch := 0; batch < 3; batch++ {
					arr, sel := c.build(mem)
					cnt := arr.Len()
					if sel != nil {
						cnt = bitutil.CountSetBits(sel, 0, arr.Len())
					}
					b := &Batch{Cols: []arrow.Array{arr}, Offset: int64(batch * n), Rows: arr.Len(), Selected: sel, SelectedCount: cnt}
					require.NoError(t, got.Update(b))
					// The reference sees the same values through a slice of a larger
					// array, which is always copied.
					pad := array.NewBuilder(mem, arr.DataType()).(*array.Float64Builder)
					for i := 0; i < arr.Len(); i++ {
						if arr.IsNull(i) {
							pad.AppendNull()
						} else {
							pad.Append(arr.(*array.Float64).Value(i))
						}
					}
					pad.AppendValues(make([]float64, 4*n), nil)
					padded := pad.NewArray()
					pad.Release()
					sliced := array.NewSlice(padded, 0, int64(arr.Len()))
					b.Cols = []arrow.Array{sliced}
					require.NoError(t, ref.Update(b))
					sliced.Release()
					padded.Release()
					arr.Release()
				}
				byRef, all := heldByReference(got)
				if c.byRef[name] {
					require.Equal(t, all, byRef, c.reason)
				} else {
					require.Zero(t, byRef, c.reason)
				}
				refByRef, _ := heldByReference(ref)
				require.Zero(t, refByRef, "the reference is copied")
				require.Equal(t, observeExact(ref), observeExact(got), "both paths give the same doubles")
				release(got, ref)
			})
		}
	}
}

// Keeping a column's values for an exact median: the state holds the batch's value
// buffer (no copy) until it is released.
func ExampleNumeric_Release() {
	mem := memory.NewGoAllocator()
	b := array.NewFloat64Builder(mem)
	b.AppendValues([]float64{4, 1, 3, 2, 5}, nil)
	col := b.NewArray()
	b.Release()

	s, _ := NewNumeric(col.DataType(), true)
	_ = s.Update(&Batch{Cols: []arrow.Array{col}, Rows: col.Len(), SelectedCount: col.Len()})
	col.Release() // the state retained what it needs
	med, _ := s.Quantile(0.5)
	fmt.Println(med, s.Mean())
	s.Release() // done with the state: its retained buffers go back to the allocator
	// Output: 3 3
}

// benchColumn returns 2M normal values in 64K-row owned batches, and the same batches
// as slices of larger arrays (which the states copy).
func benchColumn(b *testing.B) (owned, sliced []arrow.Array) {
	mem := memory.NewGoAllocator()
	rng := rand.New(rand.NewPCG(1, 2))
	const rows, batch = 2_000_000, 1 << 16
	for lo := 0; lo < rows; lo += batch {
		m := min(batch, rows-lo)
		vals := make([]float64, 3*m)
		for i := range vals {
			vals[i] = 100 + 15*rng.NormFloat64()
		}
		owned = append(owned, ownedFloat64(mem, vals[:m], nil))
		big := ownedFloat64(mem, vals, nil)
		sliced = append(sliced, array.NewSlice(big, 0, int64(m)))
		big.Release()
	}
	b.Cleanup(func() {
		for i := range owned {
			owned[i].Release()
			sliced[i].Release()
		}
	})
	return owned, sliced
}

// BenchmarkRetain updates the retaining states with a 2M-row float64 column, kept by
// reference (owned batches) or copied (sliced batches).
//
// Measured (2 shared cores, November 2026): numeric/keepall/zerocopy 2.0-2.1 ms,
// pandasmoments/zerocopy 3.5-3.6 ms. Effect on expect's BenchmarkSuite20InMemory
// (workers=1, cpu-ns/op, this package, scan and Validate at their state before the
// retention work vs after, same binary otherwise, interleaved runs): 2M rows
// 157-169 ms -> 88-93 ms with BareSum/all-buffers 31-33 ms in the same runs
// (allocation 28.6 MB -> 0.54 MB per op); 10M rows 867 ms -> 498 ms with
// BareSum/all-buffers 173-214 ms (101 MB -> 0.76 MB per op).
func BenchmarkRetain(b *testing.B) {
	owned, sliced := benchColumn(b)
	for _, name := range []string{"numeric/keepall", "pandasmoments"} {
		for _, path := range []string{"zerocopy", "copy"} {
			batches := owned
			if path == "copy" {
				batches = sliced
			}
			b.Run(name+"/"+path, func(b *testing.B) {
				newState := retainStates()[name]
				b.SetBytes(2_000_000 * 8)
				for b.Loop() {
					s := newState()
					var off int64
					for _, a := range batches {
						if err := s.Update(&Batch{Cols: []arrow.Array{a}, Offset: off, Rows: a.Len(), SelectedCount: a.Len()}); err != nil {
							b.Fatal(err)
						}
						off += int64(a.Len())
					}
					release(s)
				}
			})
		}
	}
}

// BenchmarkPandasMoments updates a PandasMoments state with 2M rows in 64K batches of
// an int64 column, a float64 column with 1% nulls, and an owned float64 column.
func BenchmarkPandasMoments(b *testing.B) {
	mem := memory.NewGoAllocator()
	rng := rand.New(rand.NewPCG(3, 4))
	const rows, batch = 2_000_000, 1 << 16
	cols := map[string][]arrow.Array{}
	for lo := 0; lo < rows; lo += batch {
		m := min(batch, rows-lo)
		ib := array.NewInt64Builder(mem)
		fb := array.NewFloat64Builder(mem)
		vals := make([]float64, m)
		for i := range vals {
			vals[i] = 100 + 15*rng.NormFloat64()
			ib.Append(int64(vals[i]))
			if rng.IntN(100) == 0 {
				fb.AppendNull()
			} else {
				fb.Append(vals[i])
			}
		}
		cols["int64"] = append(cols["int64"], ib.NewArray())
		cols["float64-nulls"] = append(cols["float64-nulls"], fb.NewArray())
		cols["float64-owned"] = append(cols["float64-owned"], ownedFloat64(mem, vals, nil))
		ib.Release()
		fb.Release()
	}
	for _, name := range []string{"int64", "float64-nulls", "float64-owned"} {
		batches := cols[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(rows * 8)
			for b.Loop() {
				s := mustState(NewPandasMoments(batches[0].DataType()))
				var off int64
				for _, a := range batches {
					if err := s.Update(&Batch{Cols: []arrow.Array{a}, Offset: off, Rows: a.Len(), SelectedCount: a.Len()}); err != nil {
						b.Fatal(err)
					}
					off += int64(a.Len())
				}
				s.Release()
			}
		})
		for _, a := range batches {
			a.Release()
		}
	}
}
