package metric

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/assay-go/assay/internal/kernels"
)

// entry is the per-value record of a frequency table.
type entry struct {
	count int64
	first int64 // smallest global row index holding the value
}

// Frequencies is the exact frequency table of a column's non-null values: each
// distinct value with its count and first row. It answers distinct counts, most
// common values, value sets, and uniqueness (Great Expectations'
// expect_column_values_to_be_unique flags every row whose value occurs more than once,
// pandas' duplicated(keep=False)). Its memory grows with the number of distinct values:
// exact distinct statistics need that (the profile uses a HyperLogLog sketch instead).
//
// Values are keyed by their storage: integers, dates and timestamps as int64,
// unsigned as uint64, floats as float64 (-0 folded into 0, NaNs counted apart), strings
// and binaries as string, booleans as int64 0/1.
type Frequencies struct {
	typ    arrow.DataType
	kind   freqKind
	ints   map[int64]entry
	uints  map[uint64]entry
	floats map[float64]entry
	// strs maps a string to its entry in strE: counting an existing string then
	// updates the slice in place, where writing a map[string]entry back would
	// allocate a new key string for every value.
	strs map[string]int32
	strE []entry
	nan  entry
	// Dups keeps the unexpected rows for uniqueness checks (rows whose value occurs
	// more than once), when tracking is enabled.
	Dups Unexpected
	// Keys holds the identifying columns (the batch columns after the first) of a
	// uniqueness check; FillKeys copies them into the Dups samples.
	Keys    RowKeys
	track   bool
	Rows    int64
	Missing int64
	scratch []byte
}

type freqKind int

const (
	freqInt freqKind = iota
	freqUint
	freqFloat
	freqString
)

// NewFrequencies returns an empty frequency table for type t. With trackDups the state
// also keeps up to limit duplicate rows (limit < 0: all) for uniqueness checks.
func NewFrequencies(t arrow.DataType, trackDups bool, limit int) (*Frequencies, error) {
	f := &Frequencies{typ: t, track: trackDups, Dups: Unexpected{Limit: limit}}
	if !trackDups {
		f.Dups.Limit = 0
	}
	vt := t
	if d, ok := t.(*arrow.DictionaryType); ok {
		vt = d.ValueType
	}
	switch vt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.DATE64,
		arrow.TIMESTAMP, arrow.BOOL, arrow.TIME32, arrow.TIME64, arrow.DURATION:
		f.kind, f.ints = freqInt, map[int64]entry{}
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		f.kind, f.uints = freqUint, map[uint64]entry{}
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		f.kind, f.floats = freqFloat, map[float64]entry{}
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY:
		f.kind, f.strs = freqString, map[string]int32{}
	default:
		return nil, fmt.Errorf("%w: value counts of %s", ErrType, t)
	}
	return f, nil
}

func see[K comparable](f *Frequencies, m map[K]entry, k K, row int64, col arrow.Array, i int) {
	e, ok := m[k]
	if !ok {
		m[k] = entry{count: 1, first: row}
		return
	}
	f.seen(&e, row, col, i)
	m[k] = e
}

// seeString is see for the string table.
func (f *Frequencies) seeString(v []byte, row int64, col arrow.Array, i int) {
	j, ok := f.strs[string(v)]
	if !ok {
		f.strs[string(v)] = int32(len(f.strE))
		f.strE = append(f.strE, entry{count: 1, first: row})
		return
	}
	f.seen(&f.strE[j], row, col, i)
}

// seen counts one more occurrence (row) of a value already in the table, recording
// duplicate rows when tracking.
func (f *Frequencies) seen(e *entry, row int64, col arrow.Array, i int) {
	e.count++
	if f.track {
		if e.count == 2 {
			f.Dups.Count++
			if f.Dups.Wants(e.first) {
				f.Dups.AddSample(Sample{Index: e.first, Value: kernels.ValueAt(col, i)})
			}
		}
		f.Dups.Count++
		if f.Dups.Wants(row) {
			f.Dups.AddSample(Sample{Index: row, Value: kernels.ValueAt(col, i)})
		}
	}
	e.first = min(e.first, row)
}

// Update implements [State].
func (f *Frequencies) Update(b *Batch) error {
	col := b.Cols[0]
	if len(b.Cols) > 1 {
		f.Keys.Add(b.Offset, b.Rows, b.Cols[1:])
	}
	if d, ok := col.(*array.Dictionary); ok {
		return f.updateDict(d, b)
	}
	valid, nValid := ValidBitmap(col, b, &f.scratch)
	f.Rows += int64(b.SelectedCount)
	f.Missing += int64(b.SelectedCount - nValid)
	off := b.Offset
	switch f.kind {
	case freqString:
		s, _ := kernels.NewStrings(col)
		kernels.Runs(valid, col.Len(), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				v := s.At(i)
				if j, ok := f.strs[string(v)]; ok && !f.track {
					e := &f.strE[j]
					e.count++
					e.first = min(e.first, off+int64(i))
					continue
				}
				f.seeString(v, off+int64(i), col, i)
			}
		})
	case freqFloat:
		return kernels.Float64s(col, valid, nil, func(vals []float64, rows []int32) {
			for j, v := range vals {
				i := j
				if rows != nil {
					i = int(rows[j])
				}
				if v != v {
					row := off + int64(i)
					if f.nan.count == 0 || row < f.nan.first {
						f.nan.first = row
					}
					f.nan.count++
					continue
				}
				if v == 0 {
					v = 0 // fold -0
				}
				see(f, f.floats, v, off+int64(i), col, i)
			}
		})
	case freqUint:
		return kernels.Float64s(col, valid, nil, func(vals []float64, rows []int32) {
			// uint64 above 2^53 would lose precision through float64; read them directly.
			if u, ok := col.(*array.Uint64); ok {
				for j := range vals {
					i := j
					if rows != nil {
						i = int(rows[j])
					}
					see(f, f.uints, u.Value(i), off+int64(i), col, i)
				}
				return
			}
			for j, v := range vals {
				i := j
				if rows != nil {
					i = int(rows[j])
				}
				see(f, f.uints, uint64(v), off+int64(i), col, i)
			}
		})
	case freqInt:
		updateInts(f, col, valid, off)
	}
	return nil
}

func updateInts(f *Frequencies, col arrow.Array, valid []byte, off int64) {
	switch c := col.(type) {
	case *array.Boolean:
		kernels.Runs(valid, col.Len(), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				var k int64
				if c.Value(i) {
					k = 1
				}
				see(f, f.ints, k, off+int64(i), col, i)
			}
		})
	default:
		switch col.DataType().ID() {
		case arrow.INT8:
			intLoop(f, arrow.GetValues[int8](col.Data(), 1), valid, off, col)
		case arrow.INT16:
			intLoop(f, arrow.GetValues[int16](col.Data(), 1), valid, off, col)
		case arrow.INT32, arrow.DATE32, arrow.TIME32:
			intLoop(f, arrow.GetValues[int32](col.Data(), 1), valid, off, col)
		default:
			intLoop(f, arrow.GetValues[int64](col.Data(), 1), valid, off, col)
		}
	}
}

func intLoop[T int8 | int16 | int32 | int64](f *Frequencies, vals []T, valid []byte, off int64, col arrow.Array) {
	m := f.ints
	kernels.Runs(valid, len(vals), func(lo, hi int) {
		if !f.track {
			for i := lo; i < hi; i++ {
				k := int64(vals[i])
				e, ok := m[k]
				if ok {
					e.count++
					e.first = min(e.first, off+int64(i))
					m[k] = e
				} else {
					m[k] = entry{count: 1, first: off + int64(i)}
				}
			}
			return
		}
		for i := lo; i < hi; i++ {
			see(f, m, int64(vals[i]), off+int64(i), col, i)
		}
	})
}

func (f *Frequencies) updateDict(d *array.Dictionary, b *Batch) error {
	// Count dictionary indices first, then fold the counts per dictionary value.
	valid, nValid := ValidBitmap(d, b, &f.scratch)
	f.Rows += int64(b.SelectedCount)
	f.Missing += int64(b.SelectedCount - nValid)
	dict := d.Dictionary()
	if f.track {
		// Row-level duplicate tracking needs the row of every occurrence.
		kernels.Runs(valid, d.Len(), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				f.seeValue(dict, d.GetValueIndex(i), b.Offset+int64(i), d, i)
			}
		})
		return nil
	}
	counts := make([]int64, dict.Len())
	first := make([]int64, dict.Len())
	kernels.Runs(valid, d.Len(), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			k := d.GetValueIndex(i)
			if counts[k] == 0 {
				first[k] = b.Offset + int64(i)
			}
			counts[k]++
		}
	})
	for k, c := range counts {
		if c == 0 {
			continue
		}
		f.addCount(dict, k, c, first[k])
	}
	return nil
}

func (f *Frequencies) seeValue(dict arrow.Array, k int, row int64, col arrow.Array, i int) {
	switch f.kind {
	case freqString:
		s, _ := kernels.NewStrings(dict)
		f.seeString(s.At(k), row, col, i)
	default:
		v := kernels.ValueAt(dict, k)
		switch x := v.(type) {
		case int64:
			see(f, f.ints, x, row, col, i)
		case uint64:
			see(f, f.uints, x, row, col, i)
		case float64:
			see(f, f.floats, x, row, col, i)
		}
	}
}

func (f *Frequencies) addCount(dict arrow.Array, k int, c, first int64) {
	add := func(e entry, ok bool) entry {
		if !ok {
			return entry{count: c, first: first}
		}
		e.count += c
		e.first = min(e.first, first)
		return e
	}
	switch f.kind {
	case freqString:
		s, _ := kernels.NewStrings(dict)
		v := s.At(k)
		if j, ok := f.strs[string(v)]; ok {
			f.strE[j] = add(f.strE[j], true)
		} else {
			f.strs[string(v)] = int32(len(f.strE))
			f.strE = append(f.strE, add(entry{}, false))
		}
	default:
		switch x := kernels.ValueAt(dict, k).(type) {
		case int64:
			e, ok := f.ints[x]
			f.ints[x] = add(e, ok)
		case uint64:
			e, ok := f.uints[x]
			f.uints[x] = add(e, ok)
		case float64:
			e, ok := f.floats[x]
			f.floats[x] = add(e, ok)
		}
	}
}

func mergeMaps[K comparable](f *Frequencies, dst, src map[K]entry, val func(K) any) {
	for k, e := range src {
		d, ok := dst[k]
		if !ok {
			dst[k] = e
			continue
		}
		f.mergeEntry(&d, e, func() any { return val(k) })
		dst[k] = d
	}
}

// mergeStrings is mergeMaps for the string tables.
func (f *Frequencies) mergeStrings(o *Frequencies) {
	for k, j := range o.strs {
		e := o.strE[j]
		i, ok := f.strs[k]
		if !ok {
			f.strs[k] = int32(len(f.strE))
			f.strE = append(f.strE, e)
			continue
		}
		f.mergeEntry(&f.strE[i], e, func() any { return k })
	}
}

// mergeEntry adds e, the other side's entry of a value, to d.
func (f *Frequencies) mergeEntry(d *entry, e entry, val func() any) {
	if f.track {
		// A value seen once on each side becomes a duplicate now: both rows are
		// unexpected. Sides with count > 1 already hold their rows as samples.
		if d.count == 1 {
			f.Dups.Count++
			f.Dups.AddSample(Sample{Index: d.first, Value: val()})
		}
		if e.count == 1 {
			f.Dups.Count++
			f.Dups.AddSample(Sample{Index: e.first, Value: val()})
		}
	}
	d.count += e.count
	d.first = min(d.first, e.first)
}

// Merge implements [State].
func (f *Frequencies) Merge(other State) error {
	o, ok := other.(*Frequencies)
	if !ok || o.kind != f.kind {
		return mismatch(f, other)
	}
	f.Rows += o.Rows
	f.Missing += o.Missing
	f.Dups.MergeUnexpected(&o.Dups)
	f.Keys.Merge(&o.Keys)
	switch f.kind {
	case freqInt:
		mergeMaps(f, f.ints, o.ints, func(k int64) any { return f.display(k) })
	case freqUint:
		mergeMaps(f, f.uints, o.uints, func(k uint64) any { return k })
	case freqFloat:
		mergeMaps(f, f.floats, o.floats, func(k float64) any { return k })
	case freqString:
		f.mergeStrings(o)
	}
	if o.nan.count > 0 {
		if f.nan.count == 0 || o.nan.first < f.nan.first {
			f.nan.first = o.nan.first
		}
		f.nan.count += o.nan.count
	}
	return nil
}

// Release implements [Releaser]: it drops the identifying columns.
func (f *Frequencies) Release() { f.Keys.Release() }

// FillKeys sets the Keys of the Dups samples from the identifying columns.
func (f *Frequencies) FillKeys() { f.Keys.Fill(f.Dups.Samples) }

// Distinct returns the number of distinct non-null values (all NaNs count as one).
func (f *Frequencies) Distinct() int64 {
	n := int64(len(f.ints) + len(f.uints) + len(f.floats) + len(f.strs))
	if f.nan.count > 0 {
		n++
	}
	return n
}

// NonNull returns the number of non-null values counted.
func (f *Frequencies) NonNull() int64 { return f.Rows - f.Missing }

// ValueCount is one distinct value and how often it occurs.
type ValueCount struct {
	Value any   `json:"value"`
	Count int64 `json:"count"`
	First int64 `json:"-"`
}

// Values returns every distinct value with its count, sorted by value. Dates and
// timestamps are rendered as ISO strings, booleans as bool.
func (f *Frequencies) Values() []ValueCount {
	out := make([]ValueCount, 0, f.Distinct())
	switch f.kind {
	case freqInt:
		keys := make([]int64, 0, len(f.ints))
		for k := range f.ints {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			e := f.ints[k]
			out = append(out, ValueCount{Value: f.display(k), Count: e.count, First: e.first})
		}
	case freqUint:
		keys := make([]uint64, 0, len(f.uints))
		for k := range f.uints {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			e := f.uints[k]
			out = append(out, ValueCount{Value: k, Count: e.count, First: e.first})
		}
	case freqFloat:
		keys := make([]float64, 0, len(f.floats))
		for k := range f.floats {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			e := f.floats[k]
			out = append(out, ValueCount{Value: k, Count: e.count, First: e.first})
		}
		if f.nan.count > 0 {
			out = append(out, ValueCount{Value: math.NaN(), Count: f.nan.count, First: f.nan.first})
		}
	case freqString:
		keys := make([]string, 0, len(f.strs))
		for k := range f.strs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			e := f.strE[f.strs[k]]
			out = append(out, ValueCount{Value: k, Count: e.count, First: e.first})
		}
	}
	return out
}

// MostCommon returns the values with the highest count, sorted by value.
func (f *Frequencies) MostCommon() []ValueCount {
	vals := f.Values()
	var best int64
	for _, v := range vals {
		best = max(best, v.Count)
	}
	out := vals[:0:0]
	for _, v := range vals {
		if v.Count == best {
			out = append(out, v)
		}
	}
	return out
}

// TopK returns the k most frequent values, ties broken by first occurrence.
func (f *Frequencies) TopK(k int) []ValueCount {
	vals := f.Values()
	slices.SortStableFunc(vals, func(a, b ValueCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.First, b.First)
	})
	if len(vals) > k {
		vals = vals[:k]
	}
	return vals
}

func (f *Frequencies) display(k int64) any {
	t := f.typ
	if d, ok := t.(*arrow.DictionaryType); ok {
		t = d.ValueType
	}
	switch t.ID() {
	case arrow.BOOL:
		return k != 0
	case arrow.DATE32:
		return time.Unix(k*86400, 0).UTC().Format("2006-01-02")
	case arrow.DATE64:
		return time.UnixMilli(k).UTC().Format("2006-01-02")
	case arrow.TIMESTAMP:
		return kernels.FormatTime(arrow.Timestamp(k).ToTime(t.(*arrow.TimestampType).Unit))
	}
	return k
}
