package readers

import (
	"context"
	"errors"
	"io"
	"runtime"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// Parquet files are read with pqarrow: only the leaf columns of the projected fields are
// decoded, batches of WithBatchSize rows span row groups, and the columns of a batch
// are decoded in parallel when there are several columns and several CPUs.

// parquetBufferSize is the initial read buffer of each column chunk stream. Column
// chunks are read as buffered streams (parquet.ReaderProperties.BufferedStreamEnabled)
// rather than whole: unbuffered, the Parquet reader allocates every column chunk of a
// row group in full and then copies it once more into a reader buffer of the same size,
// which on the 10M-row generated table cost a third of `assay validate` (4.06 -> 2.98
// s with a 1 MiB buffer, 2.5-2.6 s with 16-128 KiB, peak RSS 652 -> 440 MB; the
// buffer grows to a page when a page is larger).
const parquetBufferSize = 64 << 10

type parquetSource struct {
	path string
	pf   *file.Reader
	rr   pqarrow.RecordReader
}

func openParquet(ctx context.Context, path string, o *options) (src source, err error) {
	defer func() {
		if p := recover(); p != nil {
			src, err = nil, inputErr(path, nil, "corrupt Parquet file (decoder panic: %v)", p)
		}
	}()
	rp := parquet.NewReaderProperties(o.mem)
	rp.BufferedStreamEnabled = true
	rp.BufferSize = parquetBufferSize
	pf, err := file.OpenParquetFile(path, false, file.WithReadProps(rp))
	if err != nil {
		return nil, inputErr(path, err, "cannot open as Parquet")
	}
	s := &parquetSource{path: path, pf: pf}
	defer func() {
		if err != nil {
			pf.Close()
		}
	}()
	props := pqarrow.ArrowReadProperties{BatchSize: int64(o.batchSize)}
	fr, err := pqarrow.NewFileReader(pf, props, o.mem)
	if err != nil {
		return nil, inputErr(path, err, "cannot read the Parquet schema")
	}
	var leaves []int
	ncols := fr.Manifest.Fields
	if len(o.columns) > 0 {
		sch, err := fr.Schema()
		if err != nil {
			return nil, inputErr(path, err, "cannot read the Parquet schema")
		}
		if _, _, err := project(path, sch, o.columns); err != nil {
			return nil, err
		}
		want := make(map[string]bool, len(o.columns))
		for _, c := range o.columns {
			want[c] = true
		}
		ncols = nil
		for i := range fr.Manifest.Fields {
			f := &fr.Manifest.Fields[i]
			if want[f.Field.Name] {
				ncols = append(ncols, *f)
				leaves = appendLeaves(leaves, f)
			}
		}
	}
	fr.Props.Parallel = len(ncols) > 1 && runtime.GOMAXPROCS(0) > 1
	if pf.NumRows() == 0 || len(ncols) == 0 {
		sch, err := fr.Schema()
		if err != nil {
			return nil, inputErr(path, err, "cannot read the Parquet schema")
		}
		if len(o.columns) > 0 {
			_, sch, _ = project(path, sch, o.columns)
		}
		return &emptySource{sch: sch}, nil
	}
	rr, err := fr.GetRecordReader(ctx, leaves, nil)
	if err != nil {
		return nil, inputErr(path, err, "cannot read Parquet columns")
	}
	s.rr = rr
	return s, nil
}

func appendLeaves(dst []int, f *pqarrow.SchemaField) []int {
	if len(f.Children) == 0 {
		return append(dst, f.ColIndex)
	}
	for i := range f.Children {
		dst = appendLeaves(dst, &f.Children[i])
	}
	return dst
}

func (s *parquetSource) schema() *arrow.Schema { return s.rr.Schema() }

func (s *parquetSource) next() (arrow.Record, error) {
	if s.rr.Next() {
		rec := s.rr.Record()
		rec.Retain()
		return rec, nil
	}
	err := s.rr.Err()
	if err == nil || errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil, err
	}
	return nil, inputErr(s.path, err, "corrupt Parquet data")
}

func (s *parquetSource) close() {
	if s.rr != nil {
		s.rr.Release()
		s.rr = nil
	}
	if s.pf != nil {
		s.pf.Close()
		s.pf = nil
	}
}

// emptySource has a schema and no records.
type emptySource struct{ sch *arrow.Schema }

func (e *emptySource) schema() *arrow.Schema       { return e.sch }
func (e *emptySource) next() (arrow.Record, error) { return nil, io.EOF }
func (e *emptySource) close()                      {}
