package hist

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/assay-go/assay/internal/sketch/internal/wire"
)

// The reference values below come from numpy 1.24.2 (Debian 12 python3-numpy):
// numpy.histogram(data, bins, range) and numpy.histogram_bin_edges(data, bins=rule).
// The data are exact rational expressions so both sides compute identical doubles.

func d1() []float64 { // numpy: [(i*7919 % 1000)/37.0 for i in range(1000)]
	out := make([]float64, 1000)
	for i := range out {
		out[i] = float64(i*7919%1000) / 37.0
	}
	return out
}

func d2() []float64 { // numpy: [i/100.0 - 2 for i in range(500)]
	out := make([]float64, 500)
	for i := range out {
		out[i] = float64(i)/100.0 - 2
	}
	return out
}

func d3() []float64 { // numpy: [x*x*x/100 for x in d1]
	out := d1()
	for i, x := range out {
		out[i] = x * x * x / 100
	}
	return out
}

func d4() []float64 { // numpy: [i/10 for i in range(11)] + [i/3 for i in range(4)]
	var out []float64
	for i := range 11 {
		out = append(out, float64(i)/10)
	}
	for i := range 4 {
		out = append(out, float64(i)/3)
	}
	return out
}

func TestCountsMatchNumpy(t *testing.T) {
	tests := []struct {
		name   string
		data   []float64
		lo, hi float64
		bins   int
		counts []uint64
		edges  []float64
	}{
		{"d1", d1(), 0, 27, 10, []uint64{100, 100, 100, 100, 100, 100, 100, 100, 100, 100},
			[]float64{0.0, 2.7, 5.4, 8.100000000000001, 10.8, 13.5, 16.200000000000003, 18.900000000000002, 21.6, 24.3, 27.0}},
		{"d2", d2(), -1.3, 2.9, 7, []uint64{60, 60, 60, 60, 60, 60, 60},
			[]float64{-1.3, -0.7000000000000001, -0.10000000000000009, 0.4999999999999998, 1.0999999999999999, 1.7, 2.3, 2.9}},
		{"d3", d3(), 0, 150, 8, []uint64{457, 118, 84, 66, 56, 49, 43, 40}, nil},
		{"d4 edges", d4(), 0, 1, 10, []uint64{2, 1, 2, 1, 1, 2, 2, 0, 1, 3}, nil},
		{"d4 thirds", d4(), 0, 1, 3, []uint64{5, 4, 6}, nil},
	}
	for _, tc := range tests {
		for _, batch := range []bool{false, true} {
			h, err := New(tc.lo, tc.hi, tc.bins)
			if err != nil {
				t.Fatal(err)
			}
			if batch {
				h.AddBatch(tc.data)
			} else {
				for _, x := range tc.data {
					h.Add(x)
				}
			}
			if got := h.Counts(); !slices.Equal(got, tc.counts) {
				t.Errorf("%s (batch %v): counts %v, numpy %v", tc.name, batch, got, tc.counts)
			}
			if tc.edges != nil && !slices.Equal(h.Edges(), tc.edges) {
				t.Errorf("%s: edges %v, numpy %v", tc.name, h.Edges(), tc.edges)
			}
			if h.N() != uint64(len(tc.data)) {
				t.Errorf("%s: N = %d, want %d (values lost)", tc.name, h.N(), len(tc.data))
			}
		}
	}
}

func TestOutOfRange(t *testing.T) {
	h, _ := New(0, 1, 4)
	h.AddBatch([]float64{-1, math.Inf(-1), 0, 1, 1.5, math.Inf(1), math.NaN(), 0.25})
	h.Add(math.NaN())
	h.Add(-0.0)
	if h.Below() != 2 || h.Above() != 2 || h.NaN() != 2 || h.InRange() != 4 || h.N() != 10 {
		t.Errorf("below=%d above=%d nan=%d in=%d n=%d", h.Below(), h.Above(), h.NaN(), h.InRange(), h.N())
	}
	if got := h.Counts(); !slices.Equal(got, []uint64{2, 1, 0, 1}) {
		t.Errorf("counts %v", got)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		lo, hi float64
		bins   int
	}{{0, 1, 0}, {1, 1, 3}, {2, 1, 3}, {math.NaN(), 1, 3}, {0, math.Inf(1), 3}, {-math.MaxFloat64, math.MaxFloat64, 2}, {0, 1, MaxBins + 1}, {0, 5e-324, 2}}
	for _, tc := range tests {
		if _, err := New(tc.lo, tc.hi, tc.bins); err == nil {
			t.Errorf("New(%g, %g, %d) succeeded", tc.lo, tc.hi, tc.bins)
		}
	}
}

func TestRulesMatchNumpy(t *testing.T) {
	tests := []struct {
		name     string
		data     []float64
		auto     []float64
		autoBins int // when the edges are not listed
		sturges  []float64
	}{
		{"d1", d1(), nil, 11, nil},
		{"d2", d2(), []float64{-2.0, -1.501, -1.002, -0.5030000000000001, -0.0040000000000000036, 0.4950000000000001, 0.9939999999999998, 1.4929999999999999, 1.992, 2.4909999999999997, 2.99}, 0,
			[]float64{-2.0, -1.501, -1.002, -0.5030000000000001, -0.0040000000000000036, 0.4950000000000001, 0.9939999999999998, 1.4929999999999999, 1.992, 2.4909999999999997, 2.99}},
		{"d3 (fd narrower than sturges)", d3(),
			[]float64{0.0, 15.140769230769232, 30.281538461538464, 45.4223076923077, 60.56307692307693, 75.70384615384616, 90.8446153846154, 105.98538461538462, 121.12615384615385, 136.2669230769231, 151.40769230769232, 166.54846153846154, 181.6892307692308, 196.83}, 0,
			[]float64{0.0, 17.893636363636364, 35.78727272727273, 53.6809090909091, 71.57454545454546, 89.46818181818182, 107.3618181818182, 125.25545454545455, 143.14909090909092, 161.0427272727273, 178.93636363636364, 196.83}},
		{"small", []float64{1, 2, 3, 4, 5, 100}, nil, 36, []float64{1.0, 25.75, 50.5, 75.25, 100.0}},
		{"constant", []float64{3, 3, 3}, []float64{2.5, 3.5}, 0, []float64{2.5, 3.5}},
		{"two", []float64{0, 1}, []float64{0, 0.5, 1}, 0, []float64{0, 0.5, 1}},
	}
	for _, tc := range tests {
		auto, err := AutoEdges(tc.data)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.auto != nil && !slices.Equal(auto, tc.auto) {
			t.Errorf("%s: auto edges %v, numpy %v", tc.name, auto, tc.auto)
		}
		if tc.autoBins != 0 && len(auto)-1 != tc.autoBins {
			t.Errorf("%s: auto gives %d bins, numpy %d", tc.name, len(auto)-1, tc.autoBins)
		}
		st, err := SturgesEdges(tc.data)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.sturges != nil && !slices.Equal(st, tc.sturges) {
			t.Errorf("%s: sturges edges %v, numpy %v", tc.name, st, tc.sturges)
		}
	}
	// numpy: histogram_bin_edges([0.1, 0.7], bins=3)
	e, err := EqualWidthEdges(0.1, 0.7, 3)
	if err != nil || !slices.Equal(e, []float64{0.1, 0.3, 0.5, 0.7}) {
		t.Errorf("EqualWidthEdges = %v, %v", e, err)
	}
	for _, bad := range [][]float64{nil, {1, math.NaN()}, {math.Inf(1)}} {
		if _, err := AutoEdges(bad); err == nil {
			t.Errorf("AutoEdges(%v) succeeded", bad)
		}
	}
}

func TestAutoBinsInteger(t *testing.T) {
	// n=1000 in [0, 9], quartiles 2 and 7: fd width 2·5·1000^(-1/3) = 1, Sturges width
	// 9/(log2(1000)+1) = 0.820, so auto takes 0.820 and ⌈9/0.820⌉ = 11 bins; integer
	// data clamp the width to 1: 9 bins.
	b, err := AutoBins(1000, 0, 9, 2, 7, false)
	if err != nil || b != 11 {
		t.Errorf("float rule: %d bins, %v; want 11", b, err)
	}
	bi, err := AutoBins(1000, 0, 9, 2, 7, true)
	if err != nil || bi != 9 {
		t.Errorf("integer rule: %d bins, %v; want 9", bi, err)
	}
	if _, err := AutoBins(0, 0, 1, 0, 1, false); err == nil {
		t.Error("AutoBins with n=0 succeeded")
	}
	if _, err := AutoBins(10, 0, 1, 0.7, 0.2, false); err == nil {
		t.Error("AutoBins with reversed quartiles succeeded")
	}
	if _, err := SturgesBins(10, 0, math.Inf(1)); err == nil {
		t.Error("SturgesBins with infinite range succeeded")
	}
}

func TestMergeProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]float64, 20_000)
	for i := range data {
		data[i] = rng.NormFloat64() * 2
		if i%97 == 0 {
			data[i] = math.NaN()
		}
	}
	whole, _ := New(-3, 3, 25)
	whole.AddBatch(data)
	for trial := range 5 {
		parts := 1 + rng.IntN(6)
		hs := make([]*Hist, parts)
		for i := range hs {
			hs[i], _ = New(-3, 3, 25)
		}
		for _, x := range data {
			hs[rng.IntN(parts)].Add(x)
		}
		acc := hs[rng.IntN(parts)]
		for _, o := range hs {
			if o != acc {
				if err := acc.Merge(o); err != nil {
					t.Fatal(err)
				}
			}
		}
		a, _ := acc.MarshalBinary()
		w, _ := whole.MarshalBinary()
		if string(a) != string(w) {
			t.Fatalf("trial %d: merged histogram differs from the whole", trial)
		}
	}
	other, _ := New(-3, 3, 24)
	if whole.Merge(other) == nil {
		t.Error("merging different bins succeeded")
	}
}

func TestRoundTrip(t *testing.T) {
	h, _ := New(-1.5, 2.25, 9)
	h.AddBatch(d2())
	h.Add(math.NaN())
	b, _ := h.MarshalBinary()
	var hb Hist
	if err := hb.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	j, _ := json.Marshal(h)
	var hj Hist
	if err := json.Unmarshal(j, &hj); err != nil {
		t.Fatal(err)
	}
	for _, g := range []*Hist{&hb, &hj} {
		if !slices.Equal(g.Counts(), h.Counts()) || !slices.Equal(g.Edges(), h.Edges()) ||
			g.Below() != h.Below() || g.Above() != h.Above() || g.NaN() != h.NaN() {
			t.Fatal("round trip differs")
		}
	}
	t.Logf("9 bins: binary %d bytes, JSON %d bytes: %s", len(b), len(j), j)
}

func TestUnmarshalErrors(t *testing.T) {
	h, _ := New(0, 1, 2)
	good, _ := h.MarshalBinary()
	for name, data := range map[string][]byte{
		"empty": nil, "truncated": good[:len(good)-1], "trailing": append(slices.Clone(good), 0),
		"magic": append([]byte{'Z'}, good[1:]...),
	} {
		var x Hist
		if err := x.UnmarshalBinary(data); err == nil || !errors.Is(err, wire.ErrCorrupt) {
			t.Errorf("%s: error = %v", name, err)
		}
	}
	for _, js := range []string{`{"type":"hist","version":1,"lo":0,"hi":1,"bins":2,"counts":[1]}`,
		`{"type":"hist","version":1,"lo":1,"hi":1,"bins":1,"counts":[1]}`, `{"type":"kll","version":1}`, `[`} {
		var x Hist
		if err := x.UnmarshalJSON([]byte(js)); err == nil {
			t.Errorf("UnmarshalJSON(%s) succeeded", js)
		}
	}
}

func FuzzUnmarshalBinary(f *testing.F) {
	h, _ := New(-1, 1, 3)
	h.AddBatch([]float64{-2, 0, 0.5, 2, math.NaN()})
	b, _ := h.MarshalBinary()
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		var h Hist
		if h.UnmarshalBinary(data) != nil {
			return
		}
		h.AddBatch([]float64{h.Lo(), h.Hi(), (h.Lo() + h.Hi()) / 2, math.NaN()})
		_ = h.Merge(h.Clone())
	})
}

func FuzzUnmarshalJSON(f *testing.F) {
	h, _ := New(-1, 1, 3)
	h.AddBatch([]float64{-2, 0, 0.5})
	j, _ := json.Marshal(h)
	f.Add(j)
	f.Fuzz(func(t *testing.T, data []byte) {
		var h Hist
		if h.UnmarshalJSON(data) != nil {
			return
		}
		h.AddBatch([]float64{h.Lo(), h.Hi(), math.Nextafter(h.Hi(), h.Lo())})
	})
}

// FuzzBin checks every in-range value lands in the bin whose edges hold it.
func FuzzBin(f *testing.F) {
	f.Add(0.0, 1.0, 7, 0.3)
	f.Add(-1.3, 2.9, 7, 0.4999999999999998)
	f.Add(0.0, 1e-310, 3, 0.0)
	f.Fuzz(func(t *testing.T, lo, hi float64, bins int, x float64) {
		h, err := New(lo, hi, bins%1000+1)
		if err != nil || !(x >= lo && x <= hi) {
			return
		}
		h.Add(x)
		e := h.Edges()
		for i, c := range h.Counts() {
			if c == 1 {
				if x < e[i] || x > e[i+1] || (x == e[i+1] && i != len(e)-2) {
					t.Fatalf("x=%g in bin %d = [%g, %g)", x, i, e[i], e[i+1])
				}
				return
			}
		}
		t.Fatalf("x=%g not counted", x)
	})
}

// TestAddNEqualsRepeatedAdd: a weighted item counts as that many single ones, in the
// bins and in the below/above/NaN counters.
func TestAddNEqualsRepeatedAdd(t *testing.T) {
	xs := []float64{-1, 0, 0.1, 2.5, 3, 9.99, 10, 10.5, math.NaN(), math.Inf(1)}
	for _, w := range []uint64{0, 1, 3, 1000} {
		a, err := New(0, 10, 4)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := New(0, 10, 4)
		for _, x := range xs {
			a.AddN(x, w)
			for range w {
				b.Add(x)
			}
		}
		if !slices.Equal(a.Counts(), b.Counts()) || a.Below() != b.Below() || a.Above() != b.Above() || a.NaN() != b.NaN() {
			t.Fatalf("w=%d: AddN %v %d %d %d, repeated Add %v %d %d %d", w,
				a.Counts(), a.Below(), a.Above(), a.NaN(), b.Counts(), b.Below(), b.Above(), b.NaN())
		}
	}
}
