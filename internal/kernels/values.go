// Package kernels holds the typed, null-aware column kernels that metric states run over
// Arrow arrays. A kernel reads the array's buffers directly (offset-aware, through
// arrow.GetValues and the offsets/data buffers of strings), visits only the rows set in
// a validity bitmap (nil meaning every row, the fast path), and never boxes or
// allocates per value. One switch on the Arrow type picks the generic instantiation.
package kernels

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/float16"
)

// Integer is the set of Arrow integer value types.
type Integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// Float is the set of Arrow floating-point value types handled natively.
type Float interface{ ~float32 | ~float64 }

// Number is any integer or float value type.
type Number interface{ Integer | Float }

// Strings gives offset-aware access to the values of a utf8, large_utf8, binary or
// large_binary array without allocating.
type Strings struct {
	off32 []int32
	off64 []int64
	data  []byte
}

// NewStrings returns the string view of a, and false if a holds no variable-width
// binary or string data.
func NewStrings(a arrow.Array) (Strings, bool) {
	d := a.Data()
	switch a.DataType().ID() {
	case arrow.STRING, arrow.BINARY:
		var s Strings
		if d.Len() == 0 || d.Buffers()[1] == nil {
			return Strings{off32: []int32{0}}, true
		}
		s.off32 = arrow.GetOffsets[int32](d, 1)
		if d.Buffers()[2] != nil {
			s.data = d.Buffers()[2].Bytes()
		}
		return s, true
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		var s Strings
		if d.Len() == 0 || d.Buffers()[1] == nil {
			return Strings{off64: []int64{0}}, true
		}
		s.off64 = arrow.GetOffsets[int64](d, 1)
		if d.Buffers()[2] != nil {
			s.data = d.Buffers()[2].Bytes()
		}
		return s, true
	}
	return Strings{}, false
}

// At returns the bytes of value i (not copied; valid while the array is).
func (s Strings) At(i int) []byte {
	if s.off32 != nil {
		return s.data[s.off32[i]:s.off32[i+1]]
	}
	return s.data[s.off64[i]:s.off64[i+1]]
}

// IsString reports whether t is a utf8 or large_utf8 type.
func IsString(t arrow.DataType) bool {
	return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING
}

// IsNumeric reports whether t is an integer or floating-point type.
func IsNumeric(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16,
		arrow.UINT32, arrow.UINT64, arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		return true
	}
	return false
}

// IsTemporal reports whether t is a date or timestamp type.
func IsTemporal(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
		return true
	}
	return false
}

// Float64s calls fn with the values of a numeric array converted to float64, in
// chunks, so callers can run one float64 loop for every numeric type. valid follows
// the kernel convention (bit offset 0, nil = all rows); rows not in valid are skipped.
// buf is scratch space reused between chunks.
func Float64s(a arrow.Array, valid []byte, buf []float64, fn func(vals []float64, rows []int32)) error {
	switch a.DataType().ID() {
	case arrow.FLOAT64:
		vals := arrow.GetValues[float64](a.Data(), 1)
		if valid == nil {
			fn(vals, nil)
			return nil
		}
		return gatherValid(vals, valid, buf, fn)
	case arrow.FLOAT32:
		return convert(arrow.GetValues[float32](a.Data(), 1), valid, buf, fn)
	case arrow.INT8:
		return convert(arrow.GetValues[int8](a.Data(), 1), valid, buf, fn)
	case arrow.INT16:
		return convert(arrow.GetValues[int16](a.Data(), 1), valid, buf, fn)
	case arrow.INT32, arrow.DATE32:
		return convert(arrow.GetValues[int32](a.Data(), 1), valid, buf, fn)
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP, arrow.DURATION, arrow.TIME64:
		return convert(arrow.GetValues[int64](a.Data(), 1), valid, buf, fn)
	case arrow.UINT8:
		return convert(arrow.GetValues[uint8](a.Data(), 1), valid, buf, fn)
	case arrow.UINT16:
		return convert(arrow.GetValues[uint16](a.Data(), 1), valid, buf, fn)
	case arrow.UINT32:
		return convert(arrow.GetValues[uint32](a.Data(), 1), valid, buf, fn)
	case arrow.UINT64:
		return convert(arrow.GetValues[uint64](a.Data(), 1), valid, buf, fn)
	case arrow.FLOAT16:
		f := a.(*array.Float16).Values()
		tmp := make([]float32, len(f))
		for i, v := range f {
			tmp[i] = v.Float32()
		}
		return convert(tmp, valid, buf, fn)
	}
	return fmt.Errorf("%w: %s is not numeric", ErrType, a.DataType())
}

const chunk = 4096

// gatherValid passes the values of the rows set in valid to fn in chunks, converted to
// float64, with their row indices. It walks the bitmap a 64-bit word at a time: full
// words are copied as a block, empty words skipped, mixed words visited bit by bit with
// TrailingZeros, so scattered nulls or row selections cost little.
func gatherValid[T Number](vals []T, valid []byte, buf []float64, fn func([]float64, []int32)) error {
	if cap(buf) < chunk+64 {
		buf = make([]float64, 0, chunk+64)
	}
	rows := make([]int32, 0, chunk+64)
	out := buf[:0]
	n := len(vals)
	flush := func() {
		if len(out) > 0 {
			fn(out, rows)
			out, rows = out[:0], rows[:0]
		}
	}
	i := 0
	for ; i+64 <= n; i += 64 {
		j := i >> 3
		w := uint64(valid[j]) | uint64(valid[j+1])<<8 | uint64(valid[j+2])<<16 | uint64(valid[j+3])<<24 |
			uint64(valid[j+4])<<32 | uint64(valid[j+5])<<40 | uint64(valid[j+6])<<48 | uint64(valid[j+7])<<56
		switch w {
		case 0:
			continue
		case ^uint64(0):
			for k, v := range vals[i : i+64] {
				out = append(out, float64(v))
				rows = append(rows, int32(i+k))
			}
		default:
			for w != 0 {
				k := bits.TrailingZeros64(w)
				out = append(out, float64(vals[i+k]))
				rows = append(rows, int32(i+k))
				w &= w - 1
			}
		}
		if len(out) >= chunk {
			flush()
		}
	}
	for ; i < n; i++ {
		if valid[i>>3]&(1<<(uint(i)&7)) != 0 {
			out = append(out, float64(vals[i]))
			rows = append(rows, int32(i))
		}
	}
	flush()
	return nil
}

func convert[T Number](vals []T, valid []byte, buf []float64, fn func([]float64, []int32)) error {
	if valid != nil {
		return gatherValid(vals, valid, buf, fn)
	}
	if cap(buf) < chunk {
		buf = make([]float64, 0, chunk)
	}
	out := buf[:0]
	for lo := 0; lo < len(vals); lo += chunk {
		hi := min(lo+chunk, len(vals))
		out = out[:hi-lo]
		for j, v := range vals[lo:hi] {
			out[j] = float64(v)
		}
		fn(out, nil)
	}
	return nil
}

// ValueAt returns value i of a as a plain Go value suitable for JSON reports: int64,
// uint64, float64, string, bool, []byte; dates as "2006-01-02" and timestamps as ISO
// strings without zone ("2006-01-02T15:04:05", fractional seconds when present), as
// Great Expectations reports them. Nulls are nil. It boxes, so it is for the bounded
// samples of reports, not for hot loops.
func ValueAt(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch c := a.(type) {
	case *array.Int8:
		return int64(c.Value(i))
	case *array.Int16:
		return int64(c.Value(i))
	case *array.Int32:
		return int64(c.Value(i))
	case *array.Int64:
		return c.Value(i)
	case *array.Uint8:
		return uint64(c.Value(i))
	case *array.Uint16:
		return uint64(c.Value(i))
	case *array.Uint32:
		return uint64(c.Value(i))
	case *array.Uint64:
		return c.Value(i)
	case *array.Float16:
		return float64(c.Value(i).Float32())
	case *array.Float32:
		return float64(c.Value(i))
	case *array.Float64:
		return c.Value(i)
	case *array.String:
		// Value aliases the array's buffer; a sample outlives the batch (and, with an
		// allocator other than Go's, the memory), so it gets its own copy.
		return strings.Clone(c.Value(i))
	case *array.LargeString:
		return strings.Clone(c.Value(i))
	case *array.Binary:
		return string(c.Value(i))
	case *array.LargeBinary:
		return string(c.Value(i))
	case *array.Boolean:
		return c.Value(i)
	case *array.Date32:
		return c.Value(i).ToTime().Format("2006-01-02")
	case *array.Date64:
		return c.Value(i).ToTime().Format("2006-01-02")
	case *array.Timestamp:
		unit := c.DataType().(*arrow.TimestampType).Unit
		return FormatTime(c.Value(i).ToTime(unit))
	case *array.Dictionary:
		return ValueAt(c.Dictionary(), c.GetValueIndex(i))
	}
	return a.ValueStr(i)
}

// FormatTime renders t in UTC as an ISO 8601 string without zone, with fractional
// seconds only when present.
func FormatTime(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05")
	}
	return t.Format("2006-01-02T15:04:05.999999999")
}

// FormatFloat renders f the way JSON reports show numbers.
func FormatFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "Infinity"
	}
	if math.IsInf(f, -1) {
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

var _ = float16.New
