package regex

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"
)

// TestDenseTableInvariants checks what the unsafe walk of Filter relies on, for every
// seed pattern and generated ones: each transition is the byte offset of a state in
// the table, each byte maps to a class offset below the stride, and the match and dead
// states loop on themselves.
func TestDenseTableInvariants(t *testing.T) {
	patterns := slices.Clone(seedPatterns)
	r := rand.New(rand.NewPCG(3, 4))
	n := 300
	if raceEnabled {
		n = 60
	}
	for i := 0; i < n; i++ {
		patterns = append(patterns, gen{func(k int) int { return r.IntN(k) }}.expr(1+r.IntN(4)))
	}
	built := 0
	for _, p := range patterns {
		m, err := Compile(p)
		if err != nil {
			continue
		}
		d := m.dense
		if d == nil {
			continue
		}
		built++
		size := int32(4 * len(d.trans))
		row := 4 * d.stride
		if size%row != 0 {
			t.Fatalf("%q: table of %d bytes is not whole rows of %d", p, size, row)
		}
		for b, c := range d.class4 {
			if c < 0 || c >= row || c%4 != 0 {
				t.Fatalf("%q: class4[%d] = %d outside [0, %d)", p, b, c, row)
			}
		}
		for i, s := range d.trans {
			if s < 0 || s >= size || s%row != 0 {
				t.Fatalf("%q: trans[%d] = %d is not a state offset below %d", p, i, s, size)
			}
		}
		for _, s := range []int32{d.start, d.match, d.accepts} {
			if s < 0 || s > size || s%row != 0 {
				t.Fatalf("%q: state offset %d outside the table", p, s)
			}
		}
		for c := int32(0); c < d.stride; c++ {
			if d.trans[c] != 0 || d.trans[d.match/4+c] != d.match {
				t.Fatalf("%q: the dead or match state does not loop on class %d", p, c)
			}
		}
	}
	if built < len(patterns)/3 {
		t.Fatalf("only %d of %d patterns got a dense table", built, len(patterns))
	}
}

// column lays values out as an Arrow string column does: one data buffer, offsets.
func column(vals [][]byte) ([]byte, []int32, []int64) {
	var data []byte
	o32, o64 := []int32{0}, []int64{0}
	for _, v := range vals {
		data = append(data, v...)
		o32 = append(o32, int32(len(data)))
		o64 = append(o64, int64(len(data)))
	}
	return data, o32, o64
}

// checkFilter compares Filter, over every sub-range and both offset widths, with
// regexp.Match per value.
func checkFilter(t *testing.T, p string, m *Matcher, re *regexp.Regexp, vals [][]byte) {
	t.Helper()
	data, o32, o64 := column(vals)
	for _, want := range []bool{true, false} {
		var exp []int32
		for i, v := range vals {
			if re.Match(v) == want {
				exp = append(exp, int32(i))
			}
		}
		for lo := 0; lo <= min(len(vals), 5); lo++ {
			sub := exp[:0:0]
			for _, i := range exp {
				if int(i) >= lo {
					sub = append(sub, i)
				}
			}
			got := Filter(m, data, o32, lo, len(vals), want, []int32{-1})
			got64 := Filter(m, data, o64, lo, len(vals), want, nil)
			if !slices.Equal(got[1:], sub) || got[0] != -1 || !slices.Equal(got64, sub) {
				t.Fatalf("pattern %q want=%v lo=%d over %q:\nFilter = %v / %v, regexp = %v", p, want, lo, vals, got[1:], got64, sub)
			}
		}
	}
}

// TestFilter runs Filter over columns of the seed inputs (valid and invalid UTF-8,
// empty values, values of very different lengths, long values) for every seed pattern.
func TestFilter(t *testing.T) {
	long := []byte{}
	for len(long) < 5000 {
		long = append(long, "john.doe@example.com a\xffb 日本語 "...)
	}
	var vals [][]byte
	for _, s := range seedInputs {
		vals = append(vals, []byte(s))
	}
	vals = append(vals, long, long[:4097], []byte("x@y.zz"), nil, nil, nil, nil, long[1:])
	r := rand.New(rand.NewPCG(5, 6))
	for _, p := range seedPatterns {
		re := regexp.MustCompile(p)
		m := MustCompile(p)
		checkFilter(t, p, m, re, vals)
		shuffled := slices.Clone(vals)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		checkFilter(t, p, m, re, shuffled)
	}
}
