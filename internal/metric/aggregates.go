package metric

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/assay-go/assay/internal/kernels"
)

// Metric states for column aggregate expectations that [Numeric] does not cover:
// numeric statistics of boolean columns and the extremes of string columns.

// BoolNumeric computes [Numeric] statistics of a boolean column, reading true as 1 and
// false as 0, as pandas does for the mean, sum and standard deviation of a bool
// Series. Each batch's values are widened to a uint8 array that shares the input's
// validity bitmap and offset, and fed to the wrapped Numeric; Merge merges the wrapped
// states, so the order-insensitive contract is Numeric's.
type BoolNumeric struct {
	*Numeric
	buf []byte
}

// NewBoolNumeric returns an empty state; keepAll is as for [NewNumeric].
func NewBoolNumeric(keepAll bool) *BoolNumeric {
	n, _ := NewNumeric(arrow.PrimitiveTypes.Uint8, keepAll)
	return &BoolNumeric{Numeric: n}
}

// Update implements [State].
func (s *BoolNumeric) Update(b *Batch) error {
	col, ok := b.Cols[0].(*array.Boolean)
	if !ok {
		return fmt.Errorf("%w: BoolNumeric needs a boolean column, got %s", ErrType, b.Cols[0].DataType())
	}
	data := col.Data()
	off, n := data.Offset(), data.Len()
	if cap(s.buf) < off+n {
		s.buf = make([]byte, off+n)
	}
	vals := s.buf[:off+n]
	bits := data.Buffers()[1].Bytes()
	for i := off; i < off+n; i++ {
		// Null slots are written too; the validity bitmap hides them.
		vals[i] = 0
		if bitutil.BitIsSet(bits, i) {
			vals[i] = 1
		}
	}
	wide := array.NewData(arrow.PrimitiveTypes.Uint8, n,
		[]*memory.Buffer{data.Buffers()[0], memory.NewBufferBytes(vals)}, nil, data.NullN(), off)
	defer wide.Release()
	u := array.NewUint8Data(wide)
	defer u.Release()
	nb := *b
	nb.Cols = []arrow.Array{u}
	return s.Numeric.Update(&nb)
}

// Merge implements [State].
func (s *BoolNumeric) Merge(other State) error {
	o, ok := other.(*BoolNumeric)
	if !ok {
		return mismatch(s, other)
	}
	return s.Numeric.Merge(o.Numeric)
}

// Extremes keeps the smallest and largest non-null value of a string (utf8,
// large_utf8, binary) column, ordered bytewise, which for UTF-8 is the order of
// Unicode code points: Python's str order, so pandas' min and max of a str column.
// Dictionary-encoded columns are compared through their dictionary. Strings are copied
// only when a batch changes an extreme.
type Extremes struct {
	N        int64
	Rows     int64
	Missing  int64
	Min, Max []byte
	scratch  []byte
}

// NewExtremes returns an empty state for type t, or an error wrapping ErrType when t
// is not a string or binary type.
func NewExtremes(t arrow.DataType) (*Extremes, error) {
	if d, ok := t.(*arrow.DictionaryType); ok {
		t = d.ValueType
	}
	switch t.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY:
		return &Extremes{}, nil
	}
	return nil, fmt.Errorf("%w: string extremes of %s", ErrType, t)
}

// Update implements [State].
func (s *Extremes) Update(b *Batch) error {
	col := b.Cols[0]
	valid, nValid := ValidBitmap(col, b, &s.scratch)
	s.Rows += int64(b.SelectedCount)
	s.Missing += int64(b.SelectedCount - nValid)
	if nValid == 0 {
		return nil
	}
	// Dictionary-encoded strings are compared through their dictionary.
	dict, _ := col.(*array.Dictionary)
	src := col
	if dict != nil {
		src = dict.Dictionary()
	}
	str, ok := kernels.NewStrings(src)
	if !ok {
		return fmt.Errorf("%w: string extremes of %s", ErrType, col.DataType())
	}
	var mn, mx []byte
	first := s.N == 0
	if !first {
		mn, mx = s.Min, s.Max
	}
	Runs(valid, col.Len(), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			j := i
			if dict != nil {
				j = dict.GetValueIndex(i)
			}
			v := str.At(j)
			if first {
				mn, mx, first = v, v, false
				continue
			}
			if bytes.Compare(v, mn) < 0 {
				mn = v
			}
			if bytes.Compare(v, mx) > 0 {
				mx = v
			}
		}
	})
	s.N += int64(nValid)
	// Copy out of the batch's buffers (mn/mx may alias them) when they changed.
	if len(s.Min) != len(mn) || (len(mn) > 0 && &s.Min[0] != &mn[0]) || s.Min == nil {
		s.Min = bytes.Clone(mn)
	}
	if len(s.Max) != len(mx) || (len(mx) > 0 && &s.Max[0] != &mx[0]) || s.Max == nil {
		s.Max = bytes.Clone(mx)
	}
	return nil
}

// Merge implements [State].
func (s *Extremes) Merge(other State) error {
	o, ok := other.(*Extremes)
	if !ok {
		return mismatch(s, other)
	}
	s.Rows += o.Rows
	s.Missing += o.Missing
	if o.N == 0 {
		return nil
	}
	if s.N == 0 || bytes.Compare(o.Min, s.Min) < 0 {
		s.Min = o.Min
	}
	if s.N == 0 || bytes.Compare(o.Max, s.Max) > 0 {
		s.Max = o.Max
	}
	s.N += o.N
	return nil
}

// PandasMoments computes the sum, mean and variance of a numeric column on the same
// doubles as pandas (without bottleneck). pandas' nanops fill missing values (nulls
// and NaN) with 0 in place, sum the whole array with numpy's pairwise summation, and
// for the variance square the deviations from that mean, zero them at the missing
// positions and sum pairwise again:
//
//	sum  = pairwise(x with missing → 0)
//	mean = sum / n
//	var  = pairwise((mean − x)² with missing → 0) / (n − ddof)
//
// (pandas/core/nanops.py: nansum, nanmean, nanvar). Where the missing values sit
// changes the pairwise tree, hence the last bits, so the state keeps the selected rows
// in order with NaN marking the missing ones. An integer column without missing
// values sums exactly in int64, as pandas sums int64 (wrapping on overflow, as numpy
// does). Beyond ExactRows rows it falls back to the wrapped [Numeric]'s streaming
// moments. Min, max, counts and quantiles are the wrapped Numeric's.
//
// The kept rows follow [Numeric]'s zero-copy retention rule, except that NaN does not
// prevent it (a NaN is kept as the missing marker it already is): a float64 batch
// without nulls or row selection whose array owns its value buffer is kept by
// reference (the buffer is Retained), any other batch is copied. Either way the state
// holds 8 bytes a selected row (a retained buffer's capacity may exceed its values by
// a quarter, see [retainable]), up to ExactRows rows; when the column outgrows
// ExactRows the kept rows are dropped and their buffers released at once. A state
// holding buffers must be released ([PandasMoments.Release]); Merge consumes the
// other state's kept rows.
type PandasMoments struct {
	*Numeric
	// ExactRows bounds the rows kept for pandas-exact results (default
	// DefaultExactLimit).
	ExactRows int
	rows      []chunk // selected rows by global offset; NaN = missing
	nRows     int
	dropped   bool
	isInt     bool
	intSum    int64
	buf       []float64
	scratch   []byte
	x         []float64 // cached filled values
	miss      []int     // cached missing positions
}

// NewPandasMoments returns an empty state for an integer or floating-point type.
func NewPandasMoments(t arrow.DataType) (*PandasMoments, error) {
	if !kernels.IsNumeric(t) {
		return nil, fmt.Errorf("%w: pandas moments of %s", ErrType, t)
	}
	n, err := NewNumeric(t, false)
	if err != nil {
		return nil, err
	}
	// The wrapped Numeric only serves the streaming fallback: it need not keep values.
	n.ExactLimit = 0
	s := &PandasMoments{Numeric: n, ExactRows: DefaultExactLimit}
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		s.isInt = true
	}
	return s, nil
}

// Update implements [State].
func (s *PandasMoments) Update(b *Batch) error {
	s.x, s.miss = nil, nil
	if err := s.Numeric.Update(b); err != nil {
		return err
	}
	col := b.Cols[0]
	if s.isInt && !s.Numeric.isInt {
		// Unsigned: the wrapped Numeric sums signed integers only (with its extremes).
		s.intSum += intSum(col, b, &s.scratch)
	}
	if s.dropped {
		return nil
	}
	if s.nRows+b.SelectedCount > s.ExactRows {
		s.drop()
		return nil
	}
	if b.SelectedCount == 0 {
		return nil
	}
	if vals, buf, ok := retainable(col, b); ok {
		buf.Retain()
		s.rows = append(s.rows, chunk{offset: b.Offset, vals: vals, buf: buf})
		s.nRows += len(vals)
		return nil
	}
	out := make([]float64, 0, b.SelectedCount)
	base := 0
	hasNulls := col.NullN() > 0
	// Without a row selection every row is copied and the null slots are marked from
	// the validity bitmap afterwards, a word at a time; with one, row by row.
	allRows := !hasNulls || b.Selected == nil
	err := kernels.Float64s(col, b.Selected, s.buf, func(vals []float64, rows []int32) {
		if allRows {
			out = append(out, vals...) // one copy
			if rows == nil {
				base += len(vals)
			}
			return
		}
		for j, v := range vals {
			i := base + j
			if rows != nil {
				i = int(rows[j])
			}
			if hasNulls && col.IsNull(i) {
				v = math.NaN()
			}
			out = append(out, v)
		}
		if rows == nil {
			base += len(vals)
		}
	})
	if err != nil {
		return err
	}
	if hasNulls && b.Selected == nil {
		valid, _ := ValidBitmap(col, b, &s.scratch)
		markMissing(out, valid)
	}
	if len(out) > 0 {
		s.rows = append(s.rows, chunk{offset: b.Offset, vals: out})
		s.nRows += len(out)
	}
	return nil
}

// markMissing sets to NaN the values of x whose bit in valid (bit offset 0) is clear.
func markMissing(x []float64, valid []byte) {
	next := 0
	Runs(valid, len(x), func(lo, hi int) {
		for i := next; i < lo; i++ {
			x[i] = math.NaN()
		}
		next = hi
	})
	for i := next; i < len(x); i++ {
		x[i] = math.NaN()
	}
}

// intSum is the wrapping int64 sum of the selected non-null values of an integer
// column.
func intSum(col arrow.Array, b *Batch, scratch *[]byte) int64 {
	valid, _ := ValidBitmap(col, b, scratch)
	d := col.Data()
	switch col.DataType().ID() {
	case arrow.INT8:
		return sumInts(arrow.GetValues[int8](d, 1), valid)
	case arrow.INT16:
		return sumInts(arrow.GetValues[int16](d, 1), valid)
	case arrow.INT32:
		return sumInts(arrow.GetValues[int32](d, 1), valid)
	case arrow.INT64:
		return sumInts(arrow.GetValues[int64](d, 1), valid)
	case arrow.UINT8:
		return sumInts(arrow.GetValues[uint8](d, 1), valid)
	case arrow.UINT16:
		return sumInts(arrow.GetValues[uint16](d, 1), valid)
	case arrow.UINT32:
		return sumInts(arrow.GetValues[uint32](d, 1), valid)
	case arrow.UINT64:
		return sumInts(arrow.GetValues[uint64](d, 1), valid)
	}
	return 0
}

func sumInts[T kernels.Integer](vals []T, valid []byte) int64 {
	var sum int64
	Runs(valid, len(vals), func(lo, hi int) {
		for _, v := range vals[lo:hi] {
			sum += int64(v)
		}
	})
	return sum
}

// drop gives up pandas-exact results: the kept rows are released and forgotten.
func (s *PandasMoments) drop() {
	releaseChunks(s.rows)
	s.dropped, s.rows, s.nRows = true, nil, 0
	s.x, s.miss = nil, nil
}

// Release implements [Releaser]: it releases the Arrow buffers the state retained and
// forgets the kept rows. It is idempotent; the state must not be read afterwards.
func (s *PandasMoments) Release() {
	releaseChunks(s.rows)
	s.rows, s.nRows = nil, 0
	s.x, s.miss = nil, nil
	s.Numeric.Release()
}

// Merge implements [State]. It consumes other's kept rows: they move to s (or are
// released when s gives up exact results), so other must not be read afterwards, and
// releasing both states is safe.
func (s *PandasMoments) Merge(other State) error {
	o, ok := other.(*PandasMoments)
	if !ok {
		return mismatch(s, other)
	}
	if err := s.Numeric.Merge(o.Numeric); err != nil {
		return err
	}
	s.x, s.miss = nil, nil
	s.intSum += o.intSum
	switch {
	case s.dropped:
		releaseChunks(o.rows)
	case o.dropped || s.nRows+o.nRows > s.ExactRows:
		s.drop()
		releaseChunks(o.rows)
	default:
		s.rows = append(s.rows, o.rows...)
		s.nRows += o.nRows
	}
	o.rows, o.nRows, o.x, o.miss = nil, 0, nil, nil
	return nil
}

// PandasExact reports whether Sum, Mean and Var follow pandas bit for bit.
func (s *PandasMoments) PandasExact() bool { return !s.dropped }

// filled returns the selected rows in order with the missing ones set to 0, and the
// positions of the missing ones; both are cached until the next Update or Merge.
func (s *PandasMoments) filled() ([]float64, []int) {
	if s.x != nil {
		return s.x, s.miss
	}
	slices.SortFunc(s.rows, func(a, b chunk) int { return cmp.Compare(a.offset, b.offset) })
	x := make([]float64, 0, s.nRows)
	var miss []int
	for _, c := range s.rows {
		for _, v := range c.vals {
			if v != v {
				miss = append(miss, len(x))
				v = 0
			}
			x = append(x, v)
		}
	}
	s.x, s.miss = x, miss
	return x, miss
}

// Sum returns pandas' sum: exact int64 for an integer column without missing values
// (IntSum reports it), else the pairwise sum of the zero-filled values.
func (s *PandasMoments) Sum() float64 {
	if s.N == 0 {
		return 0
	}
	if s.dropped {
		return s.Numeric.Sum()
	}
	x, _ := s.filled()
	return PairwiseSum(x)
}

// IntSum returns the int64 sum and true for an integer column without missing values,
// where pandas sums in int64.
func (s *PandasMoments) IntSum() (int64, bool) {
	return s.intSum + s.Numeric.intSum, s.isInt && s.Missing == 0 && s.NaN == 0
}

// Mean returns pandas' mean (NaN without values).
func (s *PandasMoments) Mean() float64 {
	if s.N == 0 {
		return math.NaN()
	}
	if s.dropped {
		return s.Numeric.Mean()
	}
	return s.Sum() / float64(s.N)
}

// Var returns pandas' variance with ddof (NaN when n ≤ ddof).
func (s *PandasMoments) Var(ddof int) float64 {
	if s.N <= int64(ddof) {
		return math.NaN()
	}
	if s.dropped {
		return s.Numeric.Var(ddof)
	}
	x, miss := s.filled()
	avg := PairwiseSum(x) / float64(s.N)
	sq := make([]float64, len(x))
	for i, v := range x {
		d := avg - v
		sq[i] = d * d
	}
	for _, i := range miss {
		sq[i] = 0
	}
	return PairwiseSum(sq) / float64(s.N-int64(ddof))
}

// Std returns sqrt(Var(ddof)).
func (s *PandasMoments) Std(ddof int) float64 { return math.Sqrt(s.Var(ddof)) }
