package scan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/assay-go/assay/internal/metric"
)

// floatTable returns batches of a float64 column "x" whose value buffers are allocated
// at exactly their size (so metric states keep them by reference) and an int64 column
// "a" (row numbers).
func floatTable(t *testing.T, mem memory.Allocator, batches, rows int) (*arrow.Schema, []arrow.Record) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
		{Name: "a", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	var recs []arrow.Record
	for i := 0; i < batches; i++ {
		buf := memory.NewResizableBuffer(mem)
		buf.Resize(8 * rows)
		x := arrow.Float64Traits.CastFromBytes(buf.Bytes())
		ib := array.NewInt64Builder(mem)
		for j := range x {
			x[j] = math.Sin(float64(i*rows+j)) * 100
			ib.Append(int64(i*rows + j))
		}
		d := array.NewData(arrow.PrimitiveTypes.Float64, rows, []*memory.Buffer{nil, buf}, nil, 0, 0)
		xa := array.MakeFromData(d)
		ia := ib.NewArray()
		recs = append(recs, array.NewRecord(schema, []arrow.Array{xa, ia}, int64(rows)))
		xa.Release()
		ia.Release()
		d.Release()
		buf.Release()
		ib.Release()
	}
	return schema, recs
}

func retainingPlan() (*Plan, []int) {
	p := NewPlan()
	hs := []int{
		p.Add(metric.Spec{Key: "keepall", Columns: []string{"x"}, New: func(t []arrow.DataType) (metric.State, error) { return metric.NewNumeric(t[0], true) }}),
		p.Add(metric.Spec{Key: "exact", Columns: []string{"x"}, New: func(t []arrow.DataType) (metric.State, error) { return metric.NewNumeric(t[0], false) }}),
		p.Add(metric.Spec{Key: "pandas", Columns: []string{"x"}, New: func(t []arrow.DataType) (metric.State, error) { return metric.NewPandasMoments(t[0]) }}),
	}
	return p, hs
}

// TestRunReleasesRetainedBuffers checks that states keeping batch buffers by reference
// (at one, two and three workers, so with shard states merged) hold them until
// Result.Release and no longer, and give the results of a direct sequential update.
func TestRunReleasesRetainedBuffers(t *testing.T) {
	for _, workers := range []int{1, 2, 3} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		schema, recs := floatTable(t, mem, 6, 1000)
		// The reference: one state of each kind updated directly, in order.
		ref := []metric.State{}
		p, hs := retainingPlan()
		for _, h := range hs {
			st, err := p.specs[h].New([]arrow.DataType{arrow.PrimitiveTypes.Float64})
			require.NoError(t, err)
			for i, rec := range recs {
				require.NoError(t, st.Update(&metric.Batch{Cols: []arrow.Array{rec.Column(0)}, Offset: int64(i * 1000), Rows: 1000, SelectedCount: 1000}))
			}
			ref = append(ref, st)
		}
		rr, err := array.NewRecordReader(schema, recs)
		require.NoError(t, err)
		res, err := Run(context.Background(), rr, p, Options{Concurrency: workers})
		require.NoError(t, err)
		rr.Release()
		for _, r := range recs {
			r.Release()
		}
		for _, st := range ref {
			st.(metric.Releaser).Release()
		}
		require.Equal(t, 6*1000*8, mem.CurrentAlloc(), "workers=%d: the states hold the x buffers (shared), nothing else", workers)
		for _, h := range hs {
			switch st := res.States[h].(type) {
			case *metric.Numeric:
				require.True(t, st.Exact())
				q, err := st.Quantile(0.25)
				require.NoError(t, err)
				require.False(t, math.IsNaN(q))
				require.Equal(t, int64(6000), st.N)
			case *metric.PandasMoments:
				require.True(t, st.PandasExact())
				require.Equal(t, int64(6000), st.N)
			}
		}
		res.Release()
		res.Release() // idempotent
		mem.AssertSize(t, 0)
	}
}

// TestRunReleasesStatesOnError checks that a failed run (an update error, a read error,
// a cancelled context) releases what its states retained.
func TestRunReleasesStatesOnError(t *testing.T) {
	run := func(ctx context.Context, rr array.RecordReader, p *Plan, workers int) error {
		_, err := Run(ctx, rr, p, Options{Concurrency: workers})
		return err
	}
	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("update/workers=%d", workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			schema, recs := floatTable(t, mem, 8, 10)
			rr, _ := array.NewRecordReader(schema, recs)
			p, _ := retainingPlan()
			p.Add(metric.Spec{Key: "f", Columns: []string{"a"}, New: func([]arrow.DataType) (metric.State, error) { return &failing{}, nil }})
			err := run(context.Background(), rr, p, workers)
			require.ErrorContains(t, err, "boom")
			rr.Release()
			for _, r := range recs {
				r.Release()
			}
		})
		t.Run(fmt.Sprintf("read/workers=%d", workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			schema, recs := floatTable(t, mem, 8, 10)
			inner, _ := array.NewRecordReader(schema, recs)
			rr := &brokenReader{RecordReader: inner, after: 5}
			p, _ := retainingPlan()
			err := run(context.Background(), rr, p, workers)
			require.ErrorIs(t, err, errBroken)
			inner.Release()
			for _, r := range recs {
				r.Release()
			}
		})
		t.Run(fmt.Sprintf("cancel/workers=%d", workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			schema, recs := floatTable(t, mem, 8, 10)
			inner, _ := array.NewRecordReader(schema, recs)
			ctx, cancel := context.WithCancel(context.Background())
			rr := &brokenReader{RecordReader: inner, after: 5, cancel: cancel}
			p, _ := retainingPlan()
			err := run(ctx, rr, p, workers)
			require.ErrorIs(t, err, context.Canceled)
			inner.Release()
			for _, r := range recs {
				r.Release()
			}
		})
	}
}

var errBroken = errors.New("broken reader")

// brokenReader stops after `after` batches: with cancel set it cancels the context
// there (and goes on), otherwise it reports errBroken.
type brokenReader struct {
	array.RecordReader
	after  int
	n      int
	cancel context.CancelFunc
}

func (r *brokenReader) Next() bool {
	if r.n == r.after {
		if r.cancel != nil {
			r.cancel()
		} else {
			return false
		}
	}
	r.n++
	return r.RecordReader.Next()
}

func (r *brokenReader) Err() error {
	if r.cancel == nil && r.n == r.after {
		return errBroken
	}
	return r.RecordReader.Err()
}
