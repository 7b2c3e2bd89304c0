package kernels

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/assay-go/assay/internal/regex"
)

// ErrType is returned (wrapped) when a kernel does not apply to a column's type.
var ErrType = errors.New("unsupported column type")

// RowKernel appends to dst the indices of the rows of col that are unexpected, among
// the rows set in valid (bit offset 0; nil = every row), and returns dst. Rows outside
// valid (nulls, rows not selected by a row condition) are never reported.
type RowKernel func(col arrow.Array, valid []byte, dst []int32) []int32

// Bound is one end of a range check. A nil Value leaves that end open.
type Bound struct {
	Value  any // float64, int64, string (also dates and timestamps), time.Time
	Strict bool
}

// Between returns the kernel flagging values outside [lo, hi] (or the open interval at
// an end whose Strict is set) for columns of type t: numbers (bounds compared exactly
// in the column's own domain; NaN is always unexpected), dates and timestamps (bounds
// given as ISO strings or time.Time), strings (byte-wise lexicographic order, as
// Python compares str).
func Between(t arrow.DataType, lo, hi Bound) (RowKernel, error) {
	switch t.ID() {
	case arrow.INT8:
		return betweenInt[int8](lo, hi, math.MinInt8, math.MaxInt8)
	case arrow.INT16:
		return betweenInt[int16](lo, hi, math.MinInt16, math.MaxInt16)
	case arrow.INT32:
		return betweenInt[int32](lo, hi, math.MinInt32, math.MaxInt32)
	case arrow.INT64:
		return betweenInt[int64](lo, hi, math.MinInt64, math.MaxInt64)
	case arrow.UINT8:
		return betweenInt[uint8](lo, hi, 0, math.MaxUint8)
	case arrow.UINT16:
		return betweenInt[uint16](lo, hi, 0, math.MaxUint16)
	case arrow.UINT32:
		return betweenInt[uint32](lo, hi, 0, math.MaxUint32)
	case arrow.UINT64:
		return betweenInt[uint64](lo, hi, 0, math.MaxUint64)
	case arrow.FLOAT32:
		return betweenFloat[float32](lo, hi)
	case arrow.FLOAT64:
		return betweenFloat[float64](lo, hi)
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
		l, err := temporalBound(t, lo, true)
		if err != nil {
			return nil, err
		}
		h, err := temporalBound(t, hi, false)
		if err != nil {
			return nil, err
		}
		if t.ID() == arrow.DATE32 {
			return closedRange[int32](int32(max(l, math.MinInt32)), int32(min(h, math.MaxInt32))), nil
		}
		return closedRange[int64](l, h), nil
	case arrow.STRING, arrow.LARGE_STRING:
		return betweenString(lo, hi)
	case arrow.DICTIONARY:
		inner, err := Between(t.(*arrow.DictionaryType).ValueType, lo, hi)
		if err != nil {
			return nil, err
		}
		return Dictionary(inner), nil
	}
	return nil, fmt.Errorf("%w: range check on %s", ErrType, t)
}

// numBound returns the bound as float64 and whether it is set.
func numBound(b Bound) (float64, bool, error) {
	switch v := b.Value.(type) {
	case nil:
		return 0, false, nil
	case float64:
		if math.IsNaN(v) {
			return 0, false, fmt.Errorf("bound is NaN")
		}
		return v, true, nil
	case int64:
		return float64(v), true, nil
	case int:
		return float64(v), true, nil
	}
	return 0, false, fmt.Errorf("%w: bound %v (%T) is not a number", ErrType, b.Value, b.Value)
}

func betweenInt[T Integer](lo, hi Bound, tmin, tmax float64) (RowKernel, error) {
	l, hasL, err := numBound(lo)
	if err != nil {
		return nil, err
	}
	h, hasH, err := numBound(hi)
	if err != nil {
		return nil, err
	}
	// Convert to a closed integer range [L, H] in T's domain.
	var L, H T
	empty := false
	if hasL {
		c := math.Ceil(l)
		if lo.Strict && c == l {
			c++
		}
		switch {
		case c > tmax:
			empty = true
		case c <= tmin:
			L = T(tmin)
		default:
			L = T(c)
		}
	} else {
		L = T(tmin)
	}
	if hasH {
		f := math.Floor(h)
		if hi.Strict && f == h {
			f--
		}
		switch {
		case f < tmin:
			empty = true
		case f >= tmax:
			H = maxOf[T]()
		default:
			H = T(f)
		}
	} else {
		H = maxOf[T]()
	}
	if empty || L > H {
		return all, nil
	}
	return closedRange[T](L, H), nil
}

func maxOf[T Integer]() T {
	var z T
	switch any(z).(type) {
	case int8:
		v := int64(math.MaxInt8)
		return T(v)
	case int16:
		v := int64(math.MaxInt16)
		return T(v)
	case int32:
		v := int64(math.MaxInt32)
		return T(v)
	case int64:
		v := int64(math.MaxInt64)
		return T(v)
	}
	return ^z
}

// all flags every valid row.
func all(col arrow.Array, valid []byte, dst []int32) []int32 {
	runs(valid, col.Len(), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dst = append(dst, int32(i))
		}
	})
	return dst
}

func closedRange[T Number](L, H T) RowKernel {
	return func(col arrow.Array, valid []byte, dst []int32) []int32 {
		vals := arrow.GetValues[T](col.Data(), 1)
		if valid == nil {
			for i, v := range vals {
				if !(v >= L && v <= H) {
					dst = append(dst, int32(i))
				}
			}
			return dst
		}
		// Compare every slot (values under nulls or unselected rows are still valid
		// memory) and test the bitmap only for the rare out-of-range values: no run
		// decomposition, so scattered nulls or row selections cost nothing extra.
		for i, v := range vals {
			if !(v >= L && v <= H) && valid[i>>3]&(1<<(uint(i)&7)) != 0 {
				dst = append(dst, int32(i))
			}
		}
		return dst
	}
}

func betweenFloat[T Float](lo, hi Bound) (RowKernel, error) {
	l, hasL, err := numBound(lo)
	if err != nil {
		return nil, err
	}
	h, hasH, err := numBound(hi)
	if err != nil {
		return nil, err
	}
	L, H := T(math.Inf(-1)), T(math.Inf(1))
	if hasL {
		L = T(l)
		if float64(L) < l { // rounding of the bound into float32
			L = T(math.Nextafter32(float32(L), float32(math.Inf(1))))
		}
		if lo.Strict && float64(L) == l {
			L = nextUp(L)
		}
	}
	if hasH {
		H = T(h)
		if float64(H) > h {
			H = T(math.Nextafter32(float32(H), float32(math.Inf(-1))))
		}
		if hi.Strict && float64(H) == h {
			H = nextDown(H)
		}
	}
	return closedRange[T](L, H), nil
}

func nextUp[T Float](v T) T {
	if _, ok := any(v).(float32); ok {
		return T(math.Nextafter32(float32(v), float32(math.Inf(1))))
	}
	return T(math.Nextafter(float64(v), math.Inf(1)))
}

func nextDown[T Float](v T) T {
	if _, ok := any(v).(float32); ok {
		return T(math.Nextafter32(float32(v), float32(math.Inf(-1))))
	}
	return T(math.Nextafter(float64(v), math.Inf(-1)))
}

// temporalBound converts a bound to the column's storage unit as a closed bound.
func temporalBound(t arrow.DataType, b Bound, isLow bool) (int64, error) {
	if b.Value == nil {
		if isLow {
			return math.MinInt64, nil
		}
		return math.MaxInt64, nil
	}
	tm, err := ToTime(b.Value)
	if err != nil {
		return 0, err
	}
	var v int64
	var exact bool
	switch t.ID() {
	case arrow.DATE32:
		d := tm.Unix() / 86400
		if tm.Unix()%86400 < 0 {
			d--
		}
		v = d
		exact = tm.Equal(time.Unix(d*86400, 0))
	case arrow.DATE64:
		v = tm.UnixMilli()
		exact = tm.Equal(time.UnixMilli(v))
	case arrow.TIMESTAMP:
		switch t.(*arrow.TimestampType).Unit {
		case arrow.Second:
			v = tm.Unix()
			exact = tm.Equal(time.Unix(v, 0))
		case arrow.Millisecond:
			v = tm.UnixMilli()
			exact = tm.Equal(time.UnixMilli(v))
		case arrow.Microsecond:
			v = tm.UnixMicro()
			exact = tm.Equal(time.UnixMicro(v))
		default:
			v = tm.UnixNano()
			exact = true
		}
	}
	// v is floor(bound) in the column's unit.
	if isLow {
		if !exact || b.Strict {
			v++
		}
	} else if exact && b.Strict {
		v--
	}
	return v, nil
}

// ToTime interprets v (time.Time or an ISO 8601 date or date-time string; a string
// without zone is UTC) as an instant.
func ToTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case string:
		return ParseTime(x)
	}
	return time.Time{}, fmt.Errorf("%w: %v (%T) is not a date or timestamp", ErrType, v, v)
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// ParseTime parses an ISO 8601 date or date-time; without a zone it is UTC.
func ParseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date or timestamp", s)
}

func betweenString(lo, hi Bound) (RowKernel, error) {
	var l, h string
	hasL, hasH := lo.Value != nil, hi.Value != nil
	if hasL {
		s, ok := lo.Value.(string)
		if !ok {
			return nil, fmt.Errorf("%w: cannot compare strings with %v", ErrType, lo.Value)
		}
		l = s
	}
	if hasH {
		s, ok := hi.Value.(string)
		if !ok {
			return nil, fmt.Errorf("%w: cannot compare strings with %v", ErrType, hi.Value)
		}
		h = s
	}
	return func(col arrow.Array, valid []byte, dst []int32) []int32 {
		s, _ := NewStrings(col)
		runs(valid, col.Len(), func(a, b int) {
			for i := a; i < b; i++ {
				v := s.At(i)
				bad := false
				if hasL {
					c := compareBytesString(v, l)
					bad = c < 0 || (lo.Strict && c == 0)
				}
				if !bad && hasH {
					c := compareBytesString(v, h)
					bad = c > 0 || (hi.Strict && c == 0)
				}
				if bad {
					dst = append(dst, int32(i))
				}
			}
		})
		return dst
	}, nil
}

func compareBytesString(b []byte, s string) int {
	n := min(len(b), len(s))
	for i := 0; i < n; i++ {
		if b[i] != s[i] {
			if b[i] < s[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(b) < len(s):
		return -1
	case len(b) > len(s):
		return 1
	}
	return 0
}

// Dictionary lifts a kernel over a dictionary's value type to dictionary-encoded
// columns: the kernel runs once over the dictionary, then each row looks up its index.
// A regex over a dictionary-encoded column thus runs once per distinct value.
func Dictionary(inner RowKernel) RowKernel {
	return func(col arrow.Array, valid []byte, dst []int32) []int32 {
		d := col.(*array.Dictionary)
		dict := d.Dictionary()
		bad := inner(dict, nil, nil)
		if len(bad) == 0 {
			return dst
		}
		flag := make([]bool, dict.Len())
		for _, i := range bad {
			flag[i] = true
		}
		runs(valid, col.Len(), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if flag[d.GetValueIndex(i)] {
					dst = append(dst, int32(i))
				}
			}
		})
		return dst
	}
}

// StringPredicate returns a kernel over utf8/large_utf8 (and dictionary-encoded
// strings) columns flagging the values for which bad returns true. Results are cached
// per distinct value while the number of distinct values seen stays small, so costly
// predicates (regular expressions, parsers) run about once per distinct value on
// low-cardinality columns.
func StringPredicate(t arrow.DataType, bad func([]byte) bool) (RowKernel, error) {
	if t.ID() == arrow.DICTIONARY {
		inner, err := StringPredicate(t.(*arrow.DictionaryType).ValueType, bad)
		if err != nil {
			return nil, err
		}
		return Dictionary(inner), nil
	}
	if !IsString(t) && t.ID() != arrow.BINARY && t.ID() != arrow.LARGE_BINARY {
		return nil, fmt.Errorf("%w: %s is not a string column", ErrType, t)
	}
	return func(col arrow.Array, valid []byte, dst []int32) []int32 {
		s, _ := NewStrings(col)
		cache := newBoolCache()
		runs(valid, col.Len(), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				v := s.At(i)
				r, ok := cache.get(v)
				if !ok {
					r = bad(v)
					cache.put(v, r)
				}
				if r {
					dst = append(dst, int32(i))
				}
			}
		})
		return dst
	}, nil
}

// boolCache memoizes a predicate per distinct value, up to a bound, and gives up
// caching when the values turn out to be mostly distinct.
type boolCache struct {
	m      map[string]bool
	misses int
	off    bool
}

const cacheMax = 4096

func newBoolCache() *boolCache { return &boolCache{m: make(map[string]bool, 64)} }

func (c *boolCache) get(v []byte) (bool, bool) {
	if c.off {
		return false, false
	}
	r, ok := c.m[string(v)]
	if !ok {
		c.misses++
	}
	return r, ok
}

func (c *boolCache) put(v []byte, r bool) {
	if c.off {
		return
	}
	if len(c.m) >= cacheMax {
		c.off = true
		c.m = nil
		return
	}
	if len(v) <= 256 {
		c.m[string(v)] = r
	}
}

// Regex returns the kernel for regex checks on string columns. Each value is
// searched (unanchored, as Python's re.search and pandas' str.contains). With
// matchAll false a value is expected when it matches at least one pattern (any), with
// matchAll true when it matches every pattern; negate flips which values are
// unexpected (the "not match" family: unexpected when it matches any/all).
//
// The patterns (compiled by regexp.Compile) run on the DFA of internal/regex, which
// answers exactly as regexp.Match; the matchers are shared by every call of the
// kernel, concurrent ones included, and by later kernels of the same pattern
// (regex.Shared), so a suite validated again does not rebuild them. Values are
// matched directly on the data buffer, four at a time (regex.Filter), without the
// per-value memo of StringPredicate (a DFA pass over a short value costs about as much
// as hashing it); dictionary-encoded columns run once per dictionary value.
func Regex(t arrow.DataType, res []*regexp.Regexp, matchAll, negate bool) (RowKernel, error) {
	if t.ID() == arrow.DICTIONARY {
		inner, err := Regex(t.(*arrow.DictionaryType).ValueType, res, matchAll, negate)
		if err != nil {
			return nil, err
		}
		return Dictionary(inner), nil
	}
	ms := make([]*regex.Matcher, len(res))
	for i, re := range res {
		m, err := regex.Shared(re)
		if err != nil {
			return nil, fmt.Errorf("regex %q: %w", re, err)
		}
		ms[i] = m
	}
	bad := func(v []byte) bool {
		ok := matchAll
		for _, m := range ms {
			if m.Match(v) != matchAll {
				ok = !matchAll
				break
			}
		}
		return ok == negate
	}
	if !IsString(t) && t.ID() != arrow.BINARY && t.ID() != arrow.LARGE_BINARY {
		return nil, fmt.Errorf("%w: %s is not a string column", ErrType, t)
	}
	if len(ms) == 1 {
		// One pattern: the matcher's interleaved batch walk (regex.Filter) flags the
		// values whose match result equals negate.
		m := ms[0]
		return func(col arrow.Array, valid []byte, dst []int32) []int32 {
			s, _ := NewStrings(col)
			runs(valid, col.Len(), func(lo, hi int) {
				if s.off32 != nil {
					dst = regex.Filter(m, s.data, s.off32, lo, hi, negate, dst)
				} else {
					dst = regex.Filter(m, s.data, s.off64, lo, hi, negate, dst)
				}
			})
			return dst
		}, nil
	}
	return func(col arrow.Array, valid []byte, dst []int32) []int32 {
		s, _ := NewStrings(col)
		runs(valid, col.Len(), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if bad(s.At(i)) {
					dst = append(dst, int32(i))
				}
			}
		})
		return dst
	}, nil
}

// Length returns the kernel flagging strings whose length in characters (Unicode code
// points, as Python's len) is outside [lo, hi]; lo < 0 or hi < 0 leaves that end open.
func Length(t arrow.DataType, lo, hi int64) (RowKernel, error) {
	if t.ID() == arrow.DICTIONARY {
		inner, err := Length(t.(*arrow.DictionaryType).ValueType, lo, hi)
		if err != nil {
			return nil, err
		}
		return Dictionary(inner), nil
	}
	if !IsString(t) {
		return nil, fmt.Errorf("%w: value lengths of %s", ErrType, t)
	}
	return func(col arrow.Array, valid []byte, dst []int32) []int32 {
		s, _ := NewStrings(col)
		runs(valid, col.Len(), func(a, b int) {
			for i := a; i < b; i++ {
				v := s.At(i)
				n := int64(len(v))
				for _, c := range v {
					if c >= utf8.RuneSelf {
						n = int64(utf8.RuneCount(v))
						break
					}
				}
				if (lo >= 0 && n < lo) || (hi >= 0 && n > hi) {
					dst = append(dst, int32(i))
				}
			}
		})
		return dst
	}, nil
}

// Generic returns a slow but universal kernel that boxes each value with [ValueAt] and
// flags those for which bad returns true. It serves user-defined expectations on any
// type; built-in checks use typed kernels.
func Generic(bad func(v any) bool) RowKernel {
	return func(col arrow.Array, valid []byte, dst []int32) []int32 {
		runs(valid, col.Len(), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if bad(ValueAt(col, i)) {
					dst = append(dst, int32(i))
				}
			}
		})
		return dst
	}
}

// runs calls fn for each maximal run of set bits in the first n bits of valid (nil =
// one run over all rows), testing a 64-bit word at a time.
func runs(valid []byte, n int, fn func(lo, hi int)) {
	if valid == nil {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	start := -1
	i := 0
	for i < n {
		if i&63 == 0 && i+64 <= n {
			j := i >> 3
			w := uint64(valid[j]) | uint64(valid[j+1])<<8 | uint64(valid[j+2])<<16 | uint64(valid[j+3])<<24 |
				uint64(valid[j+4])<<32 | uint64(valid[j+5])<<40 | uint64(valid[j+6])<<48 | uint64(valid[j+7])<<56
			if w == ^uint64(0) {
				if start < 0 {
					start = i
				}
				i += 64
				continue
			}
			if w == 0 {
				if start >= 0 {
					fn(start, i)
					start = -1
				}
				i += 64
				continue
			}
		}
		if valid[i>>3]&(1<<(uint(i)&7)) != 0 {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			fn(start, i)
			start = -1
		}
		i++
	}
	if start >= 0 {
		fn(start, n)
	}
}

// Runs is the exported form of the validity-run walker used by the kernels.
func Runs(valid []byte, n int, fn func(lo, hi int)) { runs(valid, n, fn) }
