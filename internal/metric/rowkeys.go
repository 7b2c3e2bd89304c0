package metric

import (
	"cmp"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/assay-go/assay/internal/kernels"
)

// RowKeys keeps the identifying columns (Great Expectations'
// unexpected_index_column_names) of every batch a state sees, so that rows found
// unexpected only after the scan — the rows of a duplicated value, which a uniqueness
// check knows only once every value has been seen — can still report their
// identifiers. The columns are kept by reference (each batch's arrays are Retained,
// not copied) until Release. Memory: the identifying columns' own buffers for the
// whole dataset; when a reader decodes several columns into one shared buffer (an
// Arrow IPC stream body) the retained arrays keep that buffer alive, so ask for
// identifying columns on uniqueness checks only when they are needed.
type RowKeys struct {
	batches []keyBatch
	sorted  bool
}

type keyBatch struct {
	offset int64
	rows   int
	cols   []arrow.Array
}

// Add retains the identifying columns of the batch starting at global row offset.
func (k *RowKeys) Add(offset int64, rows int, cols []arrow.Array) {
	kb := keyBatch{offset: offset, rows: rows, cols: make([]arrow.Array, len(cols))}
	for i, c := range cols {
		c.Retain()
		kb.cols[i] = c
	}
	k.batches = append(k.batches, kb)
	k.sorted = false
}

// Merge moves the batches of o into k (o is left empty).
func (k *RowKeys) Merge(o *RowKeys) {
	if o == nil || len(o.batches) == 0 {
		return
	}
	k.batches = append(k.batches, o.batches...)
	k.sorted = false
	o.batches = nil
}

// Lookup returns the identifying values of global row, or nil when no batch holds it.
func (k *RowKeys) Lookup(row int64) []any {
	if !k.sorted {
		slices.SortFunc(k.batches, func(a, b keyBatch) int { return cmp.Compare(a.offset, b.offset) })
		k.sorted = true
	}
	i, _ := slices.BinarySearchFunc(k.batches, row, func(b keyBatch, r int64) int {
		switch {
		case b.offset+int64(b.rows) <= r:
			return -1
		case b.offset > r:
			return 1
		}
		return 0
	})
	if i >= len(k.batches) {
		return nil
	}
	b := k.batches[i]
	if row < b.offset || row >= b.offset+int64(b.rows) {
		return nil
	}
	out := make([]any, len(b.cols))
	for j, c := range b.cols {
		out[j] = kernels.ValueAt(c, int(row-b.offset))
	}
	return out
}

// Fill sets the Keys of every sample from the identifying columns.
func (k *RowKeys) Fill(samples []Sample) {
	for i := range samples {
		samples[i].Keys = k.Lookup(samples[i].Index)
	}
}

// Release releases the retained columns (idempotent).
func (k *RowKeys) Release() {
	for _, b := range k.batches {
		for _, c := range b.cols {
			c.Release()
		}
	}
	k.batches = nil
}
