package metric

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

// addReference is Numeric's per-chunk update as it was written before the
// branch-predicted fast path: one loop with Go's min and max skipping NaN, then the
// M2 pass. add must leave exactly the same state.
func addReference(s *Numeric, vals []float64) {
	var n int64
	var sum, mn, mx = 0.0, math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		if v != v {
			s.NaN++
			continue
		}
		n++
		sum += v
		mn = min(mn, v)
		mx = max(mx, v)
	}
	if n == 0 {
		return
	}
	bm := sum / float64(n)
	var m2 float64
	if !s.KeepAll {
		for _, v := range vals {
			if v == v {
				d := v - bm
				m2 += d * d
			}
		}
	}
	s.mergeMoments(n, bm, m2)
	s.addSum(sum)
	s.Min = min(s.Min, mn)
	s.Max = max(s.Max, mx)
}

// sameState compares what add maintains, bit for bit (the streaming moments only
// without KeepAll, which does not maintain them).
func sameState(t testing.TB, want, got *Numeric, vals []float64) {
	t.Helper()
	b := math.Float64bits
	if want.N != got.N || want.NaN != got.NaN || b(want.Min) != b(got.Min) || b(want.Max) != b(got.Max) {
		t.Fatalf("keepAll=%v %v: counts/extremes differ: want n=%d nan=%d min=%v max=%v, got n=%d nan=%d min=%v max=%v",
			want.KeepAll, vals, want.N, want.NaN, want.Min, want.Max, got.N, got.NaN, got.Min, got.Max)
	}
	if want.KeepAll {
		return
	}
	same := func(x, y float64) bool { return b(x) == b(y) || (x != x && y != y) }
	if !same(want.mean, got.mean) || !same(want.m2, got.m2) || !same(want.sum, got.sum) || !same(want.comp, got.comp) {
		t.Fatalf("%v: moments differ: want mean=%v m2=%v sum=%v comp=%v, got mean=%v m2=%v sum=%v comp=%v",
			vals, want.mean, want.m2, want.sum, want.comp, got.mean, got.m2, got.sum, got.comp)
	}
}

func checkAdd(t testing.TB, chunks [][]float64) {
	for _, keepAll := range []bool{false, true} {
		want, _ := NewNumeric(arrow.PrimitiveTypes.Float64, keepAll)
		got, _ := NewNumeric(arrow.PrimitiveTypes.Float64, keepAll)
		for _, c := range chunks {
			addReference(want, c)
			got.add(c)
			sameState(t, want, got, c)
		}
	}
}

// TestAddMatchesReference checks the fast per-chunk update against the reference
// loop on chunks rich in the cases it treats apart: NaN, signed zeros as extremes,
// infinities of one or both signs.
func TestAddMatchesReference(t *testing.T) {
	specials := []float64{math.NaN(), 0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), 1.5, -2.25, 1e300, -1e-300}
	rng := rand.New(rand.NewPCG(8, 9))
	for trial := 0; trial < 3000; trial++ {
		var chunks [][]float64
		for range 1 + rng.IntN(4) {
			c := make([]float64, rng.IntN(12))
			for i := range c {
				if rng.IntN(3) == 0 {
					c[i] = specials[rng.IntN(len(specials))]
				} else {
					c[i] = math.Round(rng.NormFloat64()*100) / 8
				}
			}
			chunks = append(chunks, c)
		}
		checkAdd(t, chunks)
	}
}

// FuzzAdd feeds arbitrary float64 bit patterns (8 bytes each, chunks split at a
// length byte) through the fast update and the reference loop.
func FuzzAdd(f *testing.F) {
	f.Add([]byte{3, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f, 1, 0, 0, 0, 0, 0, 0, 0xf0, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		var chunks [][]float64
		for len(data) > 0 {
			n := int(data[0] % 16)
			data = data[1:]
			c := make([]float64, 0, n)
			for len(c) < n && len(data) >= 8 {
				c = append(c, math.Float64frombits(binary.LittleEndian.Uint64(data)))
				data = data[8:]
			}
			chunks = append(chunks, c)
		}
		checkAdd(t, chunks)
	})
}
