package kernels

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestShortStrSetMatchesMap checks the packed short-string set against Go's map on
// members, near misses (prefixes, extensions, one byte changed, embedded zero bytes),
// the empty string, members longer than 8 bytes, and probes at the very end of the
// data buffer (the byte-wise load).
func TestShortStrSetMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, size := range []int{0, 1, 3, 4, 5, 17, 100, 1000} {
		vals := map[string]struct{}{}
		for i := 0; i < size; i++ {
			b := make([]byte, rng.IntN(12))
			for j := range b {
				b[j] = []byte("ab\x00")[rng.IntN(3)]
			}
			vals[string(b)] = struct{}{}
		}
		s := newShortStrSet(vals)
		probe := []string{"", "a", "\x00", "cat_07", "abcdabcd", "abcdabcda"}
		for v := range vals {
			probe = append(probe, v, v+"a", v+"\x00", "x"+v)
			if len(v) > 0 {
				probe = append(probe, v[:len(v)-1], v[:len(v)-1]+"z")
			}
		}
		for _, p := range probe {
			_, want := vals[p]
			// In the middle of a larger buffer (8-byte load) and at its end.
			buf := []byte("0123456789" + p + "0123456789")
			require.Equal(t, want, s.has(buf, 10, 10+len(p)), "size %d probe %q", size, p)
			end := []byte("xy" + p)
			require.Equal(t, want, s.has(end, 2, 2+len(p)), "size %d probe %q at end", size, p)
		}
	}
}

func BenchmarkShortStrSet(b *testing.B) {
	vals := map[string]struct{}{}
	for i := 0; i < 12; i++ {
		vals[fmt.Sprintf("cat_%02d", i)] = struct{}{}
	}
	var data []byte
	var offs []int
	for i := 0; i < 4096; i++ {
		offs = append(offs, len(data))
		data = append(data, "cat_"+strconv.Itoa(10+i%14)...)
	}
	offs = append(offs, len(data))
	s := newShortStrSet(vals)
	b.Run("short", func(b *testing.B) {
		n := 0
		for b.Loop() {
			for i := 0; i+1 < len(offs); i++ {
				if s.has(data, offs[i], offs[i+1]) {
					n++
				}
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		n := 0
		for b.Loop() {
			for i := 0; i+1 < len(offs); i++ {
				if _, ok := vals[string(data[offs[i]:offs[i+1]])]; ok {
					n++
				}
			}
		}
	})
}

// TestInSetStringKernelMatchesMap runs the string InSet kernel (its inline probe and
// the byte-wise path at the end of the data buffer) on random columns of short and
// long values with nulls, over every slice, against a Go map.
func TestInSetStringKernelMatchesMap(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(7, 8))
	word := func() string {
		b := make([]byte, rng.IntN(12))
		for j := range b {
			b[j] = []byte("ab\x00é")[rng.IntN(4)]
		}
		return string(b)
	}
	for round := 0; round < 20; round++ {
		set := map[string]bool{}
		var members []any
		for i := rng.IntN(6); i >= 0; i-- {
			w := word()
			set[w] = true
			members = append(members, w)
		}
		vals := make([]any, 40)
		for i := range vals {
			switch rng.IntN(5) {
			case 0:
				vals[i] = nil
			case 1:
				vals[i] = members[rng.IntN(len(members))]
			default:
				vals[i] = word()
			}
		}
		for _, typ := range []arrow.DataType{arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString} {
			a := build(t, mem, typ, vals)
			for _, negate := range []bool{false, true} {
				k, err := InSet(typ, members, negate)
				require.NoError(t, err)
				checkAllSlices(t, a, k, func(v any) bool {
					return set[v.(string)] == negate
				})
			}
			a.Release()
		}
	}
}
