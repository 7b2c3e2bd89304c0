package kernels

import "encoding/binary"

// shortStrSet is a string set specialised for members of at most 8 bytes (category
// codes, country codes, flags): each such member is packed little-endian into a
// uint64 and stored in the open-addressing table of its length (multiplicative hash,
// linear probing, at most a quarter full), so a lookup is one 8-byte load, a multiply
// and usually one comparison, with no hashing of the bytes and no string compare.
// Longer members go to an ordinary map.
type shortStrSet struct {
	byLen [9]u64Table
	long  map[string]struct{}
}

type u64Table struct {
	keys  []uint64
	occ   []bool
	shift uint
}

const fibMul = 0x9E3779B97F4A7C15

// lenMask[n] keeps the low n bytes of a little-endian 8-byte load.
var lenMask = [9]uint64{0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff, 0xffffffffffffff, ^uint64(0)}

func newShortStrSet(vals map[string]struct{}) *shortStrSet {
	s := &shortStrSet{}
	var groups [9][]uint64
	for v := range vals {
		if len(v) > 8 {
			if s.long == nil {
				s.long = map[string]struct{}{}
			}
			s.long[v] = struct{}{}
			continue
		}
		groups[len(v)] = append(groups[len(v)], pack([]byte(v)))
	}
	for l, g := range groups {
		if len(g) == 0 {
			continue
		}
		bitsN := uint(2)
		for 1<<bitsN < 4*len(g) {
			bitsN++
		}
		t := u64Table{keys: make([]uint64, 1<<bitsN), occ: make([]bool, 1<<bitsN), shift: 64 - bitsN}
		mask := uint64(1)<<bitsN - 1
		for _, k := range g {
			i := (k * fibMul) >> t.shift
			for t.occ[i] {
				i = (i + 1) & mask
			}
			t.keys[i], t.occ[i] = k, true
		}
		s.byLen[l] = t
	}
	return s
}

func pack(b []byte) uint64 {
	var w uint64
	for i, c := range b {
		w |= uint64(c) << (8 * i)
	}
	return w
}

// has reports whether data[lo:hi] is a member.
func (s *shortStrSet) has(data []byte, lo, hi int) bool {
	n := hi - lo
	if n > 8 {
		if s.long == nil {
			return false
		}
		_, ok := s.long[string(data[lo:hi])]
		return ok
	}
	t := &s.byLen[n]
	if t.keys == nil {
		return false
	}
	var k uint64
	if lo+8 <= len(data) {
		k = binary.LittleEndian.Uint64(data[lo:])
		if n < 8 {
			k &= 1<<(8*n) - 1
		}
	} else {
		k = pack(data[lo:hi])
	}
	return t.contains(k)
}

// contains reports whether the packed key k is in the table (small enough to inline
// into kernel loops).
func (t *u64Table) contains(k uint64) bool {
	mask := uint64(len(t.keys) - 1)
	for i := (k * fibMul) >> t.shift; t.occ[i]; i = (i + 1) & mask {
		if t.keys[i] == k {
			return true
		}
	}
	return false
}
