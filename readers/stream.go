package readers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// source is one opened file (or in-memory data) producing records.
type source interface {
	schema() *arrow.Schema
	// next returns the next record, owned by the caller, or io.EOF at the end.
	next() (arrow.Record, error)
	close()
}

// Open returns a stream of record batches read from path: a file, a directory or a
// glob pattern (see the package documentation). The caller must Release the reader.
// Errors caused by the input wrap ErrInput and name the file.
func Open(ctx context.Context, path string, opts ...Option) (array.RecordReader, error) {
	return OpenAll(ctx, []string{path}, opts...)
}

// OpenAll reads the files (each may also be a directory or glob) as one stream. All
// files must have the same format and, after projection, the same column names and
// types; text files after the first are read with the first file's column types.
func OpenAll(ctx context.Context, paths []string, opts ...Option) (array.RecordReader, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	o := newOptions(opts)
	if len(paths) == 0 {
		return nil, fmt.Errorf("readers: %w: no input files", ErrInput)
	}
	var files []string
	var spool string
	for _, p := range paths {
		if p == Stdin {
			if spool != "" {
				removeSpool(spool)
				return nil, fmt.Errorf("readers: %w: standard input (-) given twice", ErrInput)
			}
			var err error
			if spool, err = spoolStdin(os.Stdin); err != nil {
				return nil, err
			}
			files = append(files, spool)
			continue
		}
		fs, err := expand(p)
		if err != nil {
			removeSpool(spool)
			return nil, err
		}
		files = append(files, fs...)
	}
	r := &reader{ctx: ctx, o: o, files: files, batchSize: int64(o.batchSize), spool: spool}
	r.refs.Store(1)
	if err := r.openFile(0); err != nil {
		removeSpool(spool)
		return nil, r.named(err)
	}
	return r, nil
}

// FormatOf returns the format of the data a reader from Open or OpenAll reads (as
// detected from the first file, or set with WithFormat), and Auto for other readers.
func FormatOf(rr array.RecordReader) Format {
	if r, ok := rr.(*reader); ok {
		return r.format
	}
	return Auto
}

// Stdin is the path that Open and OpenAll read from standard input.
//
// Standard input is first copied to a temporary file (Parquet and Arrow IPC files need
// random access, and the format is detected from the first bytes), which the reader
// removes when it is released; errors name it "stdin". Formats are detected from the
// content as for a file without an extension (or set with WithFormat).
const Stdin = "-"

// stdinName is how errors name standard input.
const stdinName = "stdin"

// spoolStdin copies in to a new temporary file and returns its path.
func spoolStdin(in io.Reader) (string, error) {
	f, err := os.CreateTemp("", "assay-stdin-*")
	if err != nil {
		return "", inputErr(stdinName, err, "cannot create a temporary file to hold standard input")
	}
	if _, err := io.Copy(f, in); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", inputErr(stdinName, err, "cannot read")
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", inputErr(stdinName, err, "cannot write the temporary copy")
	}
	return f.Name(), nil
}

func removeSpool(path string) {
	if path != "" {
		os.Remove(path)
	}
}

// named returns err with the temporary copy of standard input named "stdin".
func (r *reader) named(err error) error {
	if err == nil || r.spool == "" {
		return err
	}
	var e *Error
	if errors.As(err, &e) && e.File == r.spool {
		e.File = stdinName
	}
	return err
}

// detectPath resolves a directory or glob to its first file.
func detectPath(path string) (string, error) {
	files, err := expand(path)
	if err != nil {
		return "", err
	}
	return files[0], nil
}

// reader is the RecordReader returned by Open: it opens the files one after the
// other, checks their schemas, projects and slices batches to the batch size.
type reader struct {
	refs      atomic.Int64
	ctx       context.Context
	o         *options
	files     []string
	idx       int
	format    Format
	src       source
	srcName   string
	sch       *arrow.Schema // output schema (first file's, after projection)
	proj      []int         // columns of the source's records to output, nil for all
	batchSize int64

	pending arrow.Record
	off     int64
	cur     arrow.Record
	err     error
	done    bool
	spool   string // temporary copy of standard input, removed on Release
}

func (r *reader) openFile(i int) (err error) {
	path := r.files[i]
	defer func() {
		if p := recover(); p != nil {
			err = inputErr(path, nil, "corrupt or unsupported file (decoder panic: %v)", p)
		}
	}()
	format, comp, err := r.detect(path)
	if err != nil {
		return err
	}
	if i == 0 {
		r.format = format
	} else if format != r.format {
		return inputErr(path, nil, "format %s differs from %s of %s", format, r.format, r.files[0])
	}
	var inherit *arrow.Schema // text files after the first take the first one's types
	if i > 0 && format.text() {
		inherit = r.sch
	}
	var src source
	switch format {
	case CSV, TSV:
		src, err = openCSV(path, comp, format, r.o, inherit)
	case JSON, NDJSON:
		src, err = openJSON(path, comp, r.o, inherit)
	case Parquet:
		if comp != noCompression {
			return inputErr(path, nil, "compressed Parquet files are not supported (Parquet compresses its pages itself)")
		}
		src, err = openParquet(r.ctx, path, r.o)
	case Arrow:
		if comp != noCompression {
			return inputErr(path, nil, "a compressed Arrow IPC file cannot be read (it needs random access); decompress it or use the stream format (.arrows)")
		}
		src, err = openIPCFile(path, r.o)
	case Arrows:
		src, err = openIPCStream(path, comp, r.o)
	default:
		return inputErr(path, nil, "unknown format")
	}
	if err != nil {
		return err
	}
	proj, sch, err := project(path, src.schema(), r.o.columns)
	if err != nil {
		src.close()
		return err
	}
	if i == 0 {
		r.sch = sch
	} else if msg := schemaDiff(r.sch, sch); msg != "" {
		src.close()
		return inputErr(path, nil, "schema differs from %s: %s", r.files[0], msg)
	}
	r.src, r.srcName, r.proj, r.idx = src, path, proj, i
	return nil
}

func (r *reader) detect(path string) (Format, compression, error) {
	f, err := openFileChecked(path)
	if err != nil {
		return Auto, 0, err
	}
	defer f.Close()
	format, comp, err := detect(path, f)
	if err != nil {
		return Auto, 0, err
	}
	if r.o.format != Auto {
		format = r.o.format
	}
	return format, comp, nil
}

// project returns the indices of the named columns in sch (nil when names is empty or
// selects every column in order) and the projected schema.
func project(path string, sch *arrow.Schema, names []string) ([]int, *arrow.Schema, error) {
	if len(names) == 0 {
		return nil, sch, nil
	}
	idx := make([]int, len(names))
	fields := make([]arrow.Field, len(names))
	identity := len(names) == sch.NumFields()
	for i, n := range names {
		j := sch.FieldIndices(n)
		if len(j) == 0 {
			have := make([]string, sch.NumFields())
			for k, f := range sch.Fields() {
				have[k] = f.Name
			}
			return nil, nil, inputErr(path, nil, "no column %q (columns: %s)", n, strings.Join(have, ", "))
		}
		idx[i], fields[i] = j[0], sch.Field(j[0])
		identity = identity && j[0] == i
	}
	if identity {
		return nil, sch, nil
	}
	md := sch.Metadata()
	return idx, arrow.NewSchema(fields, &md), nil
}

// schemaDiff describes the first difference between two schemas (names and types), or "".
func schemaDiff(a, b *arrow.Schema) string {
	if a.NumFields() != b.NumFields() {
		return fmt.Sprintf("%d columns instead of %d", b.NumFields(), a.NumFields())
	}
	for i := range a.NumFields() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name {
			return fmt.Sprintf("column %d is %q instead of %q", i+1, fb.Name, fa.Name)
		}
		if !arrow.TypeEqual(fa.Type, fb.Type) {
			return fmt.Sprintf("column %q has type %s instead of %s", fa.Name, fb.Type, fa.Type)
		}
	}
	return ""
}

func (r *reader) Retain() { r.refs.Add(1) }

func (r *reader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	r.releaseCur()
	if r.pending != nil {
		r.pending.Release()
		r.pending = nil
	}
	if r.src != nil {
		r.src.close()
		r.src = nil
	}
	removeSpool(r.spool)
	r.spool = ""
	r.done = true
}

func (r *reader) releaseCur() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}

func (r *reader) Schema() *arrow.Schema { return r.sch }
func (r *reader) Record() arrow.Record  { return r.cur }
func (r *reader) Err() error            { return r.err }

func (r *reader) fail(err error) bool {
	r.err = r.named(err)
	r.done = true
	if r.pending != nil {
		r.pending.Release()
		r.pending = nil
	}
	if r.src != nil {
		r.src.close()
		r.src = nil
	}
	return false
}

func (r *reader) Next() bool {
	r.releaseCur()
	if r.done {
		return false
	}
	if err := r.ctx.Err(); err != nil {
		return r.fail(fmt.Errorf("readers: %s: %w", r.srcName, err))
	}
	for {
		if r.pending != nil {
			n := r.pending.NumRows()
			if r.off < n {
				end := min(r.off+r.batchSize, n)
				if r.off == 0 && end == n {
					r.cur, r.pending = r.pending, nil
				} else {
					r.cur = r.pending.NewSlice(r.off, end)
					r.off = end
				}
				return true
			}
			r.pending.Release()
			r.pending = nil
		}
		rec, err := r.safeNext()
		if err == io.EOF {
			r.src.close()
			r.src = nil
			if r.idx+1 >= len(r.files) {
				r.done = true
				return false
			}
			if err := r.openFile(r.idx + 1); err != nil {
				return r.fail(err)
			}
			continue
		}
		if err != nil {
			return r.fail(err)
		}
		if rec.NumRows() == 0 {
			rec.Release()
			continue
		}
		r.pending, r.off = r.conform(rec), 0
	}
}

// conform projects rec and gives it the output schema.
func (r *reader) conform(rec arrow.Record) arrow.Record {
	if r.proj == nil && rec.Schema() == r.sch {
		return rec
	}
	var cols []arrow.Array
	if r.proj == nil {
		cols = rec.Columns()
	} else {
		cols = make([]arrow.Array, len(r.proj))
		for i, j := range r.proj {
			cols[i] = rec.Column(j)
		}
	}
	out := array.NewRecord(r.sch, cols, rec.NumRows())
	rec.Release()
	return out
}

func (r *reader) safeNext() (rec arrow.Record, err error) {
	defer func() {
		if p := recover(); p != nil {
			rec, err = nil, inputErr(r.srcName, nil, "corrupt or unsupported data (decoder panic: %v)", p)
		}
	}()
	rec, err = r.src.next()
	if err != nil && err != io.EOF {
		var ie *Error
		if !errors.As(err, &ie) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			err = inputErr(r.srcName, err, "read failed")
		}
	}
	return rec, err
}
