package drift

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
)

// Reference is the baseline side of a comparison. FromReader wraps a record reader;
// other baselines (a saved profile, a cached sample) implement the same interface, so
// CompareWith takes them without any change to this package's API.
type Reference interface {
	// Baseline returns the reference data of the requested columns (all supported
	// columns when columns is empty). types forces column types as WithColumnType does.
	Baseline(ctx context.Context, columns []string, types map[string]ColumnType) (*Baseline, error)
}

// Baseline holds per-column reference data.
type Baseline struct {
	// Columns in schema order.
	Columns []*ColumnData
	// Skipped lists columns of unsupported types.
	Skipped []SkippedColumn
}

// ColumnData is one column reduced to what the drift tests need.
type ColumnData struct {
	Name string
	Type ColumnType
	// Values holds the non-missing values of a numerical column, in any order. The
	// comparison sorts it in place.
	Values []float64
	// Histogram summarizes a numerical column when its values are not available (a
	// saved profile). It is used only when Values is nil: then the binned methods (PSI,
	// PSIDeciles, JensenShannon, JSDivergence, Hellinger, KL, TotalVariation,
	// LInfinity) compare on its bins, the current values being counted into the same
	// bins (values outside the edges fall into the first or last bin); PSI is the
	// default method in every mode; and the methods that need raw values report a
	// column error.
	Histogram *Histogram
	// sketch, set by FromProfile beside Histogram, summarizes the reference values by
	// their quantile sketch: KS and Evidently's bins are then computed from it (see
	// FromProfile) instead of on Histogram's bins.
	sketch *sketchRef
	// Note is copied into the column's result (e.g. that a profile's category counts
	// are not exact).
	Note string
	// Categories and Counts hold the distinct categories of a categorical column (in any
	// order, each once) and the count of each.
	Categories []string
	Counts     []int64
	// Missing counts nulls (and NaN for numerical columns).
	Missing int64
	// arrowType is the column's Arrow type (for mismatch messages).
	arrowType arrow.DataType
}

// Histogram is a binned numerical distribution: bin i is [Edges[i], Edges[i+1]), the
// last bin closed, with Counts[i] values.
type Histogram struct {
	Edges  []float64
	Counts []int64
}

// Count returns the number of non-missing values.
func (c *ColumnData) Count() int64 {
	if c.Type == Numerical && c.Values == nil && c.Histogram != nil {
		var n int64
		for _, v := range c.Histogram.Counts {
			n += v
		}
		return n
	}
	if c.Type == Numerical {
		return int64(len(c.Values))
	}
	var n int64
	for _, v := range c.Counts {
		n += v
	}
	return n
}

// FromReader returns a Reference that reads rdr when asked for its Baseline. It reads
// every value of numerical columns into memory (the exact tests need them all: 8 bytes
// per value) and counts categories (memory proportional to the number of categories).
// The reader is consumed but not released.
func FromReader(rdr array.RecordReader) Reference { return readerRef{rdr} }

type readerRef struct{ rdr array.RecordReader }

func (r readerRef) Baseline(ctx context.Context, columns []string, types map[string]ColumnType) (*Baseline, error) {
	return readColumns(ctx, r.rdr, columns, types, "reference")
}

// classify returns the comparison type of an Arrow type, or "" if unsupported.
func classify(t arrow.DataType) ColumnType {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		return Numerical
	case arrow.STRING, arrow.LARGE_STRING, arrow.BOOL:
		return Categorical
	case arrow.DICTIONARY:
		vt := t.(*arrow.DictionaryType).ValueType
		switch vt.ID() {
		case arrow.STRING, arrow.LARGE_STRING:
			return Categorical
		}
	}
	return ""
}

func readColumns(ctx context.Context, rdr array.RecordReader, columns []string, types map[string]ColumnType, side string) (*Baseline, error) {
	schema := rdr.Schema()
	b := &Baseline{}
	var idx []int
	want := map[string]bool{}
	for _, c := range columns {
		want[c] = true
	}
	for i, f := range schema.Fields() {
		if len(columns) > 0 && !want[f.Name] {
			continue
		}
		kind := classify(f.Type)
		if kind == "" {
			b.Skipped = append(b.Skipped, SkippedColumn{Column: f.Name, Reason: "unsupported type " + f.Type.String()})
			continue
		}
		if t, ok := types[f.Name]; ok {
			if t == Numerical && kind == Categorical {
				return nil, fmt.Errorf("%w: %s column %q (%s) cannot be compared as numerical", ErrConfig, side, f.Name, f.Type)
			}
			if t == Categorical && f.Type.ID() == arrow.FLOAT16 {
				return nil, fmt.Errorf("%w: %s column %q (%s) cannot be compared as categorical", ErrConfig, side, f.Name, f.Type)
			}
			kind = t
		}
		cd := &ColumnData{Name: f.Name, Type: kind, arrowType: f.Type}
		b.Columns = append(b.Columns, cd)
		idx = append(idx, i)
	}
	// Numerical values are gathered in one exact-size chunk per batch and concatenated
	// once at the end, so the final slice has no spare capacity (a doubling append would
	// hold up to twice the memory for the whole comparison).
	chunks := make([][][]float64, len(b.Columns))
	cats := make([]catCounter, len(b.Columns))
	for i, cd := range b.Columns {
		if cd.Type == Categorical {
			cats[i] = catCounter{idx: map[string]int32{}}
		}
	}
	var row int64
	for rdr.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec := rdr.Record()
		for i, cd := range b.Columns {
			col := rec.Column(idx[i])
			var err error
			if cd.Type == Numerical {
				cd.Values = make([]float64, 0, col.Len()-col.NullN())
				err = appendNumeric(cd, col)
				if len(cd.Values) > 0 {
					chunks[i] = append(chunks[i], cd.Values)
				}
				cd.Values = nil
			} else {
				err = cats[i].add(cd, col)
			}
			if err != nil {
				return nil, fmt.Errorf("drift: %s column %q, rows %d–%d: %w", side, cd.Name, row, row+rec.NumRows()-1, err)
			}
		}
		row += rec.NumRows()
	}
	if err := rdr.Err(); err != nil {
		return nil, fmt.Errorf("drift: reading %s: %w", side, err)
	}
	for i, cd := range b.Columns {
		if cd.Type == Categorical {
			cd.Categories, cd.Counts = cats[i].cats, cats[i].counts
			continue
		}
		n := 0
		for _, c := range chunks[i] {
			n += len(c)
		}
		cd.Values = make([]float64, 0, n)
		for _, c := range chunks[i] {
			cd.Values = append(cd.Values, c...)
		}
		chunks[i] = nil
	}
	return b, nil
}

func isValid(bitmap []byte, off, i int) bool {
	return bitmap == nil || bitutil.BitIsSet(bitmap, off+i)
}

// appendNumeric appends the valid, finite values of col to cd.Values; nulls, NaN and
// ±Inf count as missing (Evidently replaces ±Inf by NaN and drops them).
func appendNumeric(cd *ColumnData, col arrow.Array) error {
	switch a := col.(type) {
	case *array.Float64:
		appendFloats(cd, a.Float64Values(), col)
	case *array.Float32:
		appendFloats(cd, a.Float32Values(), col)
	case *array.Float16:
		vals := a.Values()
		bm, off := col.NullBitmapBytes(), col.Data().Offset()
		for i, v := range vals {
			f := float64(v.Float32())
			if (col.NullN() > 0 && !isValid(bm, off, i)) || f != f || math.IsInf(f, 0) {
				cd.Missing++
				continue
			}
			cd.Values = append(cd.Values, f)
		}
	case *array.Int8:
		appendInts(cd, a.Int8Values(), col)
	case *array.Int16:
		appendInts(cd, a.Int16Values(), col)
	case *array.Int32:
		appendInts(cd, a.Int32Values(), col)
	case *array.Int64:
		appendInts(cd, a.Int64Values(), col)
	case *array.Uint8:
		appendInts(cd, a.Uint8Values(), col)
	case *array.Uint16:
		appendInts(cd, a.Uint16Values(), col)
	case *array.Uint32:
		appendInts(cd, a.Uint32Values(), col)
	case *array.Uint64:
		appendInts(cd, a.Uint64Values(), col)
	default:
		return fmt.Errorf("type %s is not numerical", col.DataType())
	}
	return nil
}

func appendFloats[T float32 | float64](cd *ColumnData, vals []T, col arrow.Array) {
	add := func(vals []T) {
		for _, v := range vals {
			f := float64(v)
			if f != f || f > math.MaxFloat64 || f < -math.MaxFloat64 {
				cd.Missing++
				continue
			}
			cd.Values = append(cd.Values, f)
		}
	}
	if col.NullN() == 0 {
		add(vals)
		return
	}
	cd.Missing += int64(col.NullN())
	validRuns(col.NullBitmapBytes(), col.Data().Offset(), len(vals), func(lo, hi int) { add(vals[lo:hi]) })
}

func appendInts[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64](cd *ColumnData, vals []T, col arrow.Array) {
	if col.NullN() == 0 {
		for _, v := range vals {
			cd.Values = append(cd.Values, float64(v))
		}
		return
	}
	cd.Missing += int64(col.NullN())
	validRuns(col.NullBitmapBytes(), col.Data().Offset(), len(vals), func(lo, hi int) {
		for _, v := range vals[lo:hi] {
			cd.Values = append(cd.Values, float64(v))
		}
	})
}

// catCounter counts categories without allocating a string per value: lookups use the
// byte slice directly (the compiler does not copy it) and only a new category
// allocates its key.
type catCounter struct {
	idx    map[string]int32
	cats   []string
	counts []int64
	dict   []int64 // per-batch counts of dictionary indices
}

func (c *catCounter) bump(key []byte) {
	if i, ok := c.idx[string(key)]; ok {
		c.counts[i]++
		return
	}
	c.newCategory(string(key), 1)
}

// bumpN counts a category n times. key may alias Arrow memory (a dictionary value):
// a new category is stored as a copy, since the table outlives the batch.
func (c *catCounter) bumpN(key string, n int64) {
	if i, ok := c.idx[key]; ok {
		c.counts[i] += n
		return
	}
	c.newCategory(strings.Clone(key), n)
}

func (c *catCounter) newCategory(key string, n int64) {
	c.idx[key] = int32(len(c.cats))
	c.cats = append(c.cats, key)
	c.counts = append(c.counts, n)
}

func (c *catCounter) add(cd *ColumnData, col arrow.Array) error {
	bm, off := col.NullBitmapBytes(), col.Data().Offset()
	nulls := col.NullN() > 0
	cd.Missing += int64(col.NullN())
	switch a := col.(type) {
	case *array.String:
		countStrings(c, a.ValueOffsets(), stringData(col), bm, off, nulls)
	case *array.LargeString:
		countStrings(c, a.ValueOffsets(), stringData(col), bm, off, nulls)
	case *array.Boolean:
		var t, f int64
		for i := 0; i < a.Len(); i++ {
			if nulls && !bitutil.BitIsSet(bm, off+i) {
				continue
			}
			if a.Value(i) {
				t++
			} else {
				f++
			}
		}
		if t > 0 {
			c.bumpN("true", t)
		}
		if f > 0 {
			c.bumpN("false", f)
		}
	case *array.Dictionary:
		dict := a.Dictionary()
		c.dict = c.dict[:0]
		for range dict.Len() {
			c.dict = append(c.dict, 0)
		}
		for i := 0; i < a.Len(); i++ {
			if nulls && !bitutil.BitIsSet(bm, off+i) {
				continue
			}
			c.dict[a.GetValueIndex(i)]++
		}
		for j, n := range c.dict {
			if n == 0 {
				continue
			}
			if dict.IsNull(j) {
				cd.Missing += n
				continue
			}
			switch d := dict.(type) {
			case *array.String:
				c.bumpN(d.Value(j), n)
			case *array.LargeString:
				c.bumpN(d.Value(j), n)
			default:
				return fmt.Errorf("dictionary values of type %s are not supported", dict.DataType())
			}
		}
	case *array.Int8:
		countInts(c, a.Int8Values(), col)
	case *array.Int16:
		countInts(c, a.Int16Values(), col)
	case *array.Int32:
		countInts(c, a.Int32Values(), col)
	case *array.Int64:
		countInts(c, a.Int64Values(), col)
	case *array.Uint8:
		countInts(c, a.Uint8Values(), col)
	case *array.Uint16:
		countInts(c, a.Uint16Values(), col)
	case *array.Uint32:
		countInts(c, a.Uint32Values(), col)
	case *array.Uint64:
		countInts(c, a.Uint64Values(), col)
	case *array.Float64:
		countFloats(c, cd, a.Float64Values(), col)
	case *array.Float32:
		countFloats(c, cd, a.Float32Values(), col)
	default:
		return fmt.Errorf("type %s cannot be compared as categorical", col.DataType())
	}
	return nil
}

// stringData returns the whole data buffer of a string array (offsets index into it).
func stringData(col arrow.Array) []byte {
	if b := col.Data().Buffers()[2]; b != nil {
		return b.Bytes()
	}
	return nil
}

// countStrings counts the values of a string array from its offsets (offset-aware:
// offs starts at the array's first value) and data buffer.
func countStrings[O int32 | int64](c *catCounter, offs []O, data []byte, bm []byte, off int, nulls bool) {
	run := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			c.bump(data[offs[i]:offs[i+1]])
		}
	}
	if !nulls {
		run(0, len(offs)-1)
		return
	}
	validRuns(bm, off, len(offs)-1, run)
}

func countInts[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64](c *catCounter, vals []T, col arrow.Array) {
	bm, off := col.NullBitmapBytes(), col.Data().Offset()
	nulls := col.NullN() > 0
	counts := map[T]int64{}
	for i, v := range vals {
		if nulls && !bitutil.BitIsSet(bm, off+i) {
			continue
		}
		counts[v]++
	}
	var buf []byte
	for v, n := range counts {
		buf = buf[:0]
		if T(0)-1 > 0 { // unsigned
			buf = strconv.AppendUint(buf, uint64(v), 10)
		} else {
			buf = strconv.AppendInt(buf, int64(v), 10)
		}
		c.bumpN(string(buf), n)
	}
}

func countFloats[T float32 | float64](c *catCounter, cd *ColumnData, vals []T, col arrow.Array) {
	bm, off := col.NullBitmapBytes(), col.Data().Offset()
	nulls := col.NullN() > 0
	counts := map[float64]int64{}
	for i, v := range vals {
		if nulls && !bitutil.BitIsSet(bm, off+i) {
			continue
		}
		if v != v {
			cd.Missing++
			continue
		}
		counts[float64(v)]++
	}
	for v, n := range counts {
		c.bumpN(formatFloat(v), n)
	}
}

func formatFloat(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
