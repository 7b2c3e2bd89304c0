package metric

import (
	"cmp"
	"container/heap"
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/assay-go/assay/internal/kernels"
)

// run is one batch's non-null values, sorted by value (ties by row), with their
// global rows.
type run struct {
	vals []int64 // nil: the values are first, first+1, ..., first+n−1 (a dense key range)
	rows []int64 // nil: the rows are base, base+1, ... (a batch without nulls)
	base int64
	// first and n describe a dense run (vals == nil).
	first int64
	n     int
}

func (r *run) len() int {
	if r.vals == nil {
		return r.n
	}
	return len(r.vals)
}

func (r *run) val(i int) int64 {
	if r.vals == nil {
		return r.first + int64(i)
	}
	return r.vals[i]
}

func (r *run) row(i int) int64 {
	if r.rows == nil {
		return r.base + int64(i)
	}
	return r.rows[i]
}

// UniqueInts checks that an integer, date or timestamp column holds no value twice,
// with Great Expectations' semantics (every row of a repeated value is unexpected), by
// sorting instead of hashing: each batch becomes a sorted run (free when the batch is
// already increasing, as keys usually are), and Finish checks the runs. When the runs'
// value ranges do not overlap — the common case of an increasing key — no value is
// compared twice; otherwise the runs are merged with a heap and equal neighbours are
// the duplicates. Memory is 8 bytes per non-null value in batches without nulls (their
// rows are implicit), 16 in the others; a hash set needs about twice as much.
//
// Columns after the first in each batch are identifying columns: they are kept in
// Keys (see [RowKeys]) and Finish fills the samples' Keys from them.
type UniqueInts struct {
	Unexpected
	// Keys holds the identifying columns when the state was given any.
	Keys     RowKeys
	runs     []run
	typ      arrow.DataType
	scratch  []byte
	finished bool
}

// NewUniqueInts returns an empty state for integer and temporal columns.
func NewUniqueInts(t arrow.DataType, limit int) (*UniqueInts, error) {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16,
		arrow.UINT32, arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
	default:
		return nil, fmt.Errorf("%w: sort-based uniqueness of %s", ErrType, t)
	}
	return &UniqueInts{Unexpected: Unexpected{Limit: limit}, typ: t}, nil
}

// Update implements [State].
func (u *UniqueInts) Update(b *Batch) error {
	col := b.Cols[0]
	if len(b.Cols) > 1 {
		u.Keys.Add(b.Offset, b.Rows, b.Cols[1:])
	}
	valid, nValid := ValidBitmap(col, b, &u.scratch)
	u.Rows += int64(b.SelectedCount)
	u.Missing += int64(b.SelectedCount - nValid)
	if nValid == 0 {
		return nil
	}
	if valid == nil {
		// A batch of consecutive integers (an auto-increment key) is stored as its
		// first value and length: no copy, constant memory.
		if first, ok := denseInts(col); ok {
			u.runs = append(u.runs, run{first: first, n: nValid, base: b.Offset})
			return nil
		}
	}
	r := run{vals: make([]int64, 0, nValid), base: b.Offset}
	if valid != nil {
		r.rows = make([]int64, 0, nValid)
	}
	switch col.DataType().ID() {
	case arrow.INT8:
		collectInts(&r, arrow.GetValues[int8](col.Data(), 1), valid, b.Offset)
	case arrow.INT16:
		collectInts(&r, arrow.GetValues[int16](col.Data(), 1), valid, b.Offset)
	case arrow.INT32, arrow.DATE32:
		collectInts(&r, arrow.GetValues[int32](col.Data(), 1), valid, b.Offset)
	case arrow.UINT8:
		collectInts(&r, arrow.GetValues[uint8](col.Data(), 1), valid, b.Offset)
	case arrow.UINT16:
		collectInts(&r, arrow.GetValues[uint16](col.Data(), 1), valid, b.Offset)
	case arrow.UINT32:
		collectInts(&r, arrow.GetValues[uint32](col.Data(), 1), valid, b.Offset)
	default:
		collectInts(&r, arrow.GetValues[int64](col.Data(), 1), valid, b.Offset)
	}
	sorted := true
	for i := 1; i < len(r.vals); i++ {
		if r.vals[i] <= r.vals[i-1] {
			sorted = false
			break
		}
	}
	if !sorted {
		idx := make([]int, len(r.vals))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, c int) int {
			if x := cmp.Compare(r.vals[a], r.vals[c]); x != 0 {
				return x
			}
			return cmp.Compare(r.row(a), r.row(c))
		})
		vals := make([]int64, len(idx))
		rows := make([]int64, len(idx))
		for i, j := range idx {
			vals[i], rows[i] = r.vals[j], r.row(j)
		}
		r = run{vals: vals, rows: rows}
	}
	u.runs = append(u.runs, r)
	return nil
}

// denseInts reports whether the integer column (no nulls) holds x, x+1, ..., x+n−1,
// and x.
func denseInts(col arrow.Array) (int64, bool) {
	switch col.DataType().ID() {
	case arrow.INT32, arrow.DATE32:
		return dense(arrow.GetValues[int32](col.Data(), 1))
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP:
		return dense(arrow.GetValues[int64](col.Data(), 1))
	}
	return 0, false
}

func dense[T int32 | int64](vals []T) (int64, bool) {
	if len(vals) == 0 {
		return 0, false
	}
	x := int64(vals[0])
	if x+int64(len(vals)-1) < x {
		return 0, false // would overflow
	}
	for i, v := range vals {
		if int64(v) != x+int64(i) {
			return 0, false
		}
	}
	return x, true
}

func collectInts[T kernels.Integer](r *run, vals []T, valid []byte, off int64) {
	// r.vals and r.rows have capacity for every valid value: fill by index (no append
	// bookkeeping); without a validity bitmap the rows stay implicit (r.base + i).
	if valid == nil {
		rv := r.vals[:len(vals)]
		for i, v := range vals {
			rv[i] = int64(v)
		}
		r.vals = rv
		return
	}
	kernels.Runs(valid, len(vals), func(lo, hi int) {
		k := len(r.vals)
		rv, rr := r.vals[k:k+hi-lo], r.rows[k:k+hi-lo]
		for i, v := range vals[lo:hi] {
			rv[i] = int64(v)
			rr[i] = off + int64(lo+i)
		}
		r.vals, r.rows = r.vals[:k+hi-lo], r.rows[:k+hi-lo]
	})
}

// Merge implements [State].
func (u *UniqueInts) Merge(other State) error {
	o, ok := other.(*UniqueInts)
	if !ok {
		return mismatch(u, other)
	}
	u.MergeUnexpected(&o.Unexpected)
	u.runs = append(u.runs, o.runs...)
	u.Keys.Merge(&o.Keys)
	return nil
}

// Release implements [Releaser]: it drops the identifying columns.
func (u *UniqueInts) Release() { u.Keys.Release() }

type runHeap struct {
	runs []run
	pos  []int
	idx  []int // run indices in the heap
}

func (h *runHeap) Len() int { return len(h.idx) }
func (h *runHeap) Less(i, j int) bool {
	a, b := h.idx[i], h.idx[j]
	va, vb := h.runs[a].val(h.pos[a]), h.runs[b].val(h.pos[b])
	if va != vb {
		return va < vb
	}
	return h.runs[a].row(h.pos[a]) < h.runs[b].row(h.pos[b])
}
func (h *runHeap) Swap(i, j int) { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *runHeap) Push(x any)    { h.idx = append(h.idx, x.(int)) }
func (h *runHeap) Pop() any {
	x := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return x
}

// Finish finds the duplicates. Call once, after all updates and merges.
func (u *UniqueInts) Finish() {
	if u.finished {
		return
	}
	u.finished = true
	slices.SortFunc(u.runs, func(a, b run) int { return cmp.Compare(a.val(0), b.val(0)) })
	overlap := false
	for i, r := range u.runs {
		if hasDupWithin(r) || (i > 0 && u.runs[i-1].val(u.runs[i-1].len()-1) >= r.val(0)) {
			overlap = true
			break
		}
	}
	if overlap {
		u.mergeRuns()
	}
	u.runs = nil
	u.Unexpected.Finish()
	if len(u.Keys.batches) > 0 {
		u.Keys.Fill(u.Samples)
	}
}

func hasDupWithin(r run) bool {
	for i := 1; i < len(r.vals); i++ {
		if r.vals[i] == r.vals[i-1] {
			return true
		}
	}
	return false
}

func (u *UniqueInts) mergeRuns() {
	h := &runHeap{runs: u.runs, pos: make([]int, len(u.runs))}
	for i := range u.runs {
		h.idx = append(h.idx, i)
	}
	heap.Init(h)
	var group []int64 // rows of the current value
	var cur int64
	flush := func() {
		if len(group) > 1 {
			u.Count += int64(len(group))
			for _, row := range group {
				if u.Wants(row) {
					u.AddSample(Sample{Index: row, Value: u.display(cur)})
				}
			}
		}
		group = group[:0]
	}
	for h.Len() > 0 {
		ri := h.idx[0]
		r := u.runs[ri]
		v, row := r.val(h.pos[ri]), r.row(h.pos[ri])
		if len(group) > 0 && v != cur {
			flush()
		}
		cur = v
		group = append(group, row)
		h.pos[ri]++
		if h.pos[ri] == r.len() {
			heap.Pop(h)
		} else {
			heap.Fix(h, 0)
		}
	}
	flush()
}

func (u *UniqueInts) display(k int64) any {
	f := Frequencies{typ: u.typ}
	return f.display(k)
}
