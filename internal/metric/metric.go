// Package metric defines metric states: small, mergeable summaries of the columns of a
// dataset that checks are decided on.
//
// A check is planned into the metrics it needs ([Spec]); identical metrics (same
// [Spec.Key]) are computed once. The scanner (internal/scan) reads each record batch
// once and calls [State.Update] on every state with the batch's columns. States built
// over different parts of the data are combined with [State.Merge]. The contract that
// makes parallel scanning safe:
//
//	Merge is order-insensitive: for any partition of the rows into batches, and any
//	order of Update and Merge calls over those batches, the final state is the same as
//	the state of one sequential scan.
//
// States that depend on row order (first unexpected rows, monotonicity) achieve this by
// keying what they keep on the global row index ([Batch.Offset] + position), never on
// the order of calls. The property test in this package checks the contract for every
// state.
package metric

import (
	"errors"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/bitutil"

	"github.com/assay-go/assay/internal/kernels"
)

// ErrType is returned (wrapped) when a metric cannot be computed on a column's type.
var ErrType = errors.New("unsupported column type")

// Batch is the input of one [State.Update]: the columns of one record batch that the
// metric reads, and which of its rows are selected.
//
// Cols are owned by the caller and valid only during Update; a state that keeps data
// beyond the call must either copy it or Retain the arrays or buffers it keeps and
// implement [Releaser] to let them go (as [Numeric] and [RowKeys] do).
type Batch struct {
	// Cols holds the metric's columns in the order of [Spec.Columns].
	Cols []arrow.Array
	// Offset is the global row index of the batch's first row.
	Offset int64
	// Rows is the number of rows in the batch.
	Rows int
	// Selected is the row-selection bitmap of a row condition (bit i set = row i
	// selected, bit offset 0), or nil when every row is selected.
	Selected []byte
	// SelectedCount is the number of selected rows (Rows when Selected is nil).
	SelectedCount int
}

// State is a metric's mergeable state.
type State interface {
	// Update adds the rows of one batch.
	Update(b *Batch) error
	// Merge adds the rows summarised by other, a state of the same Spec built over
	// other rows. Merge is order-insensitive (see the package documentation).
	Merge(other State) error
}

// Filter selects rows of a batch: the compiled form of a row condition.
type Filter interface {
	// Key identifies the filter; filters with equal keys select the same rows.
	Key() string
	// Columns are the columns the filter reads.
	Columns() []string
	// Select writes the selection bitmap of the batch's rows into dst (len >=
	// bitutil.BytesForBits(rows)), cols in the order of Columns, and returns the
	// number of selected rows.
	Select(cols []arrow.Array, rows int, dst []byte) (int, error)
}

// Spec describes one metric a check needs.
type Spec struct {
	// Key identifies the metric; specs with the same key share one state. It must
	// encode everything that changes the result (kind, columns, parameters, filter).
	Key string
	// Columns are the columns the metric reads; nil for metrics of the table alone.
	Columns []string
	// Filter restricts the rows the metric sees; nil for all rows.
	Filter Filter
	// New creates an empty state for columns of the given types.
	New func(types []arrow.DataType) (State, error)
}

// ValidBitmap returns the rows of column a that are both non-null and selected by the
// batch, as a bitmap at bit offset 0 of length b.Rows, and the number of such rows.
// It returns (nil, n) when every row qualifies, so kernels can take a fast path.
// *scratch is reused (and grown) for the bitmaps it has to build.
func ValidBitmap(a arrow.Array, b *Batch, scratchp *[]byte) ([]byte, int) {
	n := a.Len()
	nulls := a.NullN()
	if nulls == 0 && b.Selected == nil {
		return nil, n
	}
	nb := int(bitutil.BytesForBits(int64(n)))
	if cap(*scratchp) < nb {
		*scratchp = make([]byte, nb)
	}
	scratch := (*scratchp)[:nb]
	switch {
	case nulls == 0:
		copy(scratch, b.Selected[:nb])
		return scratch, b.SelectedCount
	case b.Selected == nil && a.Data().Offset()%8 == 0 && nulls < n:
		off := a.Data().Offset() / 8
		return a.NullBitmapBytes()[off : off+nb], n - nulls
	case nulls == n:
		clear(scratch)
		return scratch, 0
	case b.Selected == nil:
		bitutil.CopyBitmap(a.NullBitmapBytes(), a.Data().Offset(), n, scratch, 0)
		return scratch, n - nulls
	default:
		// Not bitutil.BitmapAnd: in arrow v17 its byte-aligned path leaves the last
		// output byte unwritten when offset+length is a multiple of 8.
		if off := a.Data().Offset(); off%8 == 0 {
			copy(scratch, a.NullBitmapBytes()[off/8:off/8+nb])
		} else {
			bitutil.CopyBitmap(a.NullBitmapBytes(), off, n, scratch, 0)
		}
		for i := range scratch {
			scratch[i] &= b.Selected[i]
		}
		return scratch, bitutil.CountSetBits(scratch, 0, n)
	}
}

// Runs calls fn(lo, hi) for every maximal run [lo, hi) of set bits among the first n
// bits of valid; a nil valid is one run [0, n). It is kernels.Runs (64-bit words at a
// time, so dense and empty stretches cost one test per word).
func Runs(valid []byte, n int, fn func(lo, hi int)) { kernels.Runs(valid, n, fn) }

// mismatch returns an error for merging states of different kinds.
func mismatch(a, b State) error {
	return fmt.Errorf("metric: cannot merge %T into %T", b, a)
}
