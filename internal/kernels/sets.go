package kernels

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// InSet returns the kernel flagging values that are not in values (or, with negate,
// that are in values). Set elements are matched in the column's own domain, as
// Python compares them: numbers numerically (an integer column matches 2.0 but never
// 2.5), strings exactly, booleans as booleans, dates and timestamps from ISO strings.
// Elements of another kind never match. Lookups use a hash set specialised by type.
func InSet(t arrow.DataType, values []any, negate bool) (RowKernel, error) {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32:
		set := map[int64]struct{}{}
		for _, v := range values {
			if f, ok := AsFloat(v); ok && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
				set[int64(f)] = struct{}{}
			}
		}
		switch t.ID() {
		case arrow.INT8:
			return intSet[int8](set, negate), nil
		case arrow.INT16:
			return intSet[int16](set, negate), nil
		case arrow.INT32:
			return intSet[int32](set, negate), nil
		case arrow.INT64:
			return intSet[int64](set, negate), nil
		case arrow.UINT8:
			return intSet[uint8](set, negate), nil
		case arrow.UINT16:
			return intSet[uint16](set, negate), nil
		case arrow.UINT32:
			return intSet[uint32](set, negate), nil
		}
	case arrow.UINT64:
		set := map[int64]struct{}{}
		for _, v := range values {
			if f, ok := AsFloat(v); ok && f == math.Trunc(f) && f >= 0 && f < 1<<63 {
				set[int64(f)] = struct{}{}
			}
		}
		return intSet[uint64](set, negate), nil
	case arrow.FLOAT32, arrow.FLOAT64:
		set := map[float64]struct{}{}
		for _, v := range values {
			if f, ok := AsFloat(v); ok {
				set[f] = struct{}{}
			}
		}
		if t.ID() == arrow.FLOAT32 {
			return floatSet[float32](set, negate), nil
		}
		return floatSet[float64](set, negate), nil
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY:
		set := map[string]struct{}{}
		for _, v := range values {
			if s, ok := v.(string); ok {
				set[s] = struct{}{}
			}
		}
		short := newShortStrSet(set)
		return func(col arrow.Array, valid []byte, dst []int32) []int32 {
			s, _ := NewStrings(col)
			if s.off32 != nil {
				// utf8/binary: the packed short-string set straight off the offsets.
				// Every slot is looked up (offsets are valid under nulls too) and the
				// bitmap is tested only for the rare unexpected values.
				off, data := s.off32, s.data
				n := col.Len()
				i := 0
				// Values at least 8 bytes before the end of the data buffer: the
				// packed key is one unaligned 8-byte load and a mask, probed inline.
				for ; i < n && int(off[i])+8 <= len(data); i++ {
					lo, ln := int(off[i]), int(off[i+1]-off[i])
					var in bool
					if t := &short.byLen[min(ln, 8)]; ln <= 8 && t.keys != nil {
						in = t.contains(binary.LittleEndian.Uint64(data[lo:]) & lenMask[ln])
					} else if ln > 8 {
						in = short.has(data, lo, lo+ln)
					}
					if in == negate && isSet(valid, i) {
						dst = append(dst, int32(i))
					}
				}
				for ; i < n; i++ {
					if short.has(data, int(off[i]), int(off[i+1])) == negate && isSet(valid, i) {
						dst = append(dst, int32(i))
					}
				}
				return dst
			}
			runs(valid, col.Len(), func(lo, hi int) {
				for i := lo; i < hi; i++ {
					_, in := set[string(s.At(i))]
					if in == negate {
						dst = append(dst, int32(i))
					}
				}
			})
			return dst
		}, nil
	case arrow.BOOL:
		var hasT, hasF bool
		for _, v := range values {
			if b, ok := v.(bool); ok {
				if b {
					hasT = true
				} else {
					hasF = true
				}
			}
		}
		return func(col arrow.Array, valid []byte, dst []int32) []int32 {
			c := col.(*array.Boolean)
			if hasT == hasF && hasT != negate {
				// Both values (or neither, negated) are allowed: no row can be
				// unexpected.
				return dst
			}
			runs(valid, col.Len(), func(lo, hi int) {
				for i := lo; i < hi; i++ {
					in := hasF
					if c.Value(i) {
						in = hasT
					}
					if in == negate {
						dst = append(dst, int32(i))
					}
				}
			})
			return dst
		}, nil
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
		set := map[int64]struct{}{}
		for _, v := range values {
			tm, err := ToTime(v)
			if err != nil {
				continue
			}
			lo, err := temporalBound(t, Bound{Value: tm}, true)
			if err != nil {
				return nil, err
			}
			hi, _ := temporalBound(t, Bound{Value: tm}, false)
			if lo == hi { // the instant is representable exactly in the column's unit
				set[lo] = struct{}{}
			}
		}
		if t.ID() == arrow.DATE32 {
			return intSet[int32](set, negate), nil
		}
		return intSet[int64](set, negate), nil
	case arrow.DICTIONARY:
		inner, err := InSet(t.(*arrow.DictionaryType).ValueType, values, negate)
		if err != nil {
			return nil, err
		}
		return Dictionary(inner), nil
	}
	return nil, fmt.Errorf("%w: set membership on %s", ErrType, t)
}

// AsFloat converts a Go number (float64, float32, int, int64, int32, uint64) to float64;
// ok is false for anything else.
func AsFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

func intSet[T Integer](set map[int64]struct{}, negate bool) RowKernel {
	return func(col arrow.Array, valid []byte, dst []int32) []int32 {
		vals := arrow.GetValues[T](col.Data(), 1)
		for i := range vals {
			if _, in := set[int64(vals[i])]; in == negate && isSet(valid, i) {
				dst = append(dst, int32(i))
			}
		}
		return dst
	}
}

func floatSet[T Float](set map[float64]struct{}, negate bool) RowKernel {
	return func(col arrow.Array, valid []byte, dst []int32) []int32 {
		vals := arrow.GetValues[T](col.Data(), 1)
		for i := range vals {
			if _, in := set[float64(vals[i])]; in == negate && isSet(valid, i) {
				dst = append(dst, int32(i))
			}
		}
		return dst
	}
}

// isSet reports whether row i is in valid (nil: every row).
func isSet(valid []byte, i int) bool {
	return valid == nil || valid[i>>3]&(1<<(uint(i)&7)) != 0
}
