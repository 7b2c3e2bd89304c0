package metric

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Releaser is implemented by metric states that may hold references to Arrow memory
// beyond [State.Update] (zero-copy retention of a batch's value buffer, see
// [Numeric]). Release drops those references; it is idempotent, and after it the
// state must not be read. Whoever owns a state (the scanner's caller, a test) calls
// Release when done with it; [State.Merge] of such states moves the retained buffers
// from the merged-in state to the receiver, so releasing both afterwards is safe.
type Releaser interface {
	Release()
}

// chunk is a run of values kept by a state, keyed by the global row index of its
// batch. buf, when non-nil, is the Arrow value buffer vals points into, retained by
// the state (zero-copy); otherwise vals is the state's own copy.
type chunk struct {
	offset int64
	vals   []float64
	buf    *memory.Buffer
}

// retainSlack is the absolute slack of the retention rule: a buffer's Go capacity may
// exceed 1.25 times the bytes the array needs by this much (64-byte alignment padding
// of arrow's allocators).
const retainSlack = 64

// retainable returns the float64 values of col and its value buffer when a state may
// keep the values by reference instead of copying them. The rule: col is a FLOAT64
// array without nulls, the batch has no row selection, and col owns its value buffer:
// the buffer is not a slice of a parent buffer (an IPC message body, a memory-mapped
// file) and its Go capacity is at most 1.25·8·len + 64 bytes, so holding it cannot pin
// a larger allocation (a column the array was sliced from, a builder's spare capacity;
// the Parquet reader's buffers, grown by doubling, often have twice the capacity they
// use and are copied). The caller Retains buf when it keeps vals. Holding the buffer
// costs about the 8 bytes a value a copy would (at most a quarter more, by the rule),
// without writing (and first-touching) new memory.
//
// Arrow arrays are immutable once built and reference-counted; retention relies on
// that, as the scanner already does when it hands a Retained batch to a worker after
// the reader has moved on.
func retainable(col arrow.Array, b *Batch) ([]float64, *memory.Buffer, bool) {
	if col.DataType().ID() != arrow.FLOAT64 || b.Selected != nil || col.NullN() != 0 || col.Len() == 0 {
		return nil, nil, false
	}
	bufs := col.Data().Buffers()
	if len(bufs) < 2 || bufs[1] == nil {
		return nil, nil, false
	}
	buf := bufs[1]
	need := 8 * col.Len()
	if buf.Parent() != nil || cap(buf.Buf()) > need+need/4+retainSlack {
		return nil, nil, false
	}
	return arrow.GetValues[float64](col.Data(), 1), buf, true
}

// releaseChunks releases the buffers retained by cs and forgets them, so that a second
// call releases nothing.
func releaseChunks(cs []chunk) {
	for i := range cs {
		if cs[i].buf != nil {
			cs[i].buf.Release()
			cs[i].buf = nil
		}
		cs[i].vals = nil
	}
}
