package drift

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/float16"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// col is a named column builder function for edge-case tables.
type col struct {
	name  string
	build func(mem memory.Allocator) arrow.Array
}

func f64(name string, vals []float64, valid []bool) col {
	return col{name, func(mem memory.Allocator) arrow.Array {
		b := array.NewFloat64Builder(mem)
		defer b.Release()
		b.AppendValues(vals, valid)
		return b.NewArray()
	}}
}

func str(name string, vals []string, valid []bool) col {
	return col{name, func(mem memory.Allocator) arrow.Array {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.AppendValues(vals, valid)
		return b.NewArray()
	}}
}

func i64(name string, vals []int64, valid []bool) col {
	return col{name, func(mem memory.Allocator) arrow.Array {
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.AppendValues(vals, valid)
		return b.NewArray()
	}}
}

func boolean(name string, vals []bool) col {
	return col{name, func(mem memory.Allocator) arrow.Array {
		b := array.NewBooleanBuilder(mem)
		defer b.Release()
		b.AppendValues(vals, nil)
		return b.NewArray()
	}}
}

// sliced wraps a column so the array handed to the reader has a non-zero offset.
func sliced(c col, lo, hi int) col {
	return col{c.name, func(mem memory.Allocator) arrow.Array {
		a := c.build(mem)
		defer a.Release()
		return array.NewSlice(a, int64(lo), int64(hi))
	}}
}

func reader(t *testing.T, mem memory.Allocator, cols ...col) array.RecordReader {
	t.Helper()
	var fields []arrow.Field
	var arrs []arrow.Array
	for _, c := range cols {
		a := c.build(mem)
		fields = append(fields, arrow.Field{Name: c.name, Type: a.DataType(), Nullable: true})
		arrs = append(arrs, a)
	}
	schema := arrow.NewSchema(fields, nil)
	n := int64(0)
	if len(arrs) > 0 {
		n = int64(arrs[0].Len())
	}
	rec := array.NewRecord(schema, arrs, n)
	for _, a := range arrs {
		a.Release()
	}
	defer rec.Release()
	rdr, err := array.NewRecordReader(schema, []arrow.Record{rec})
	if err != nil {
		t.Fatal(err)
	}
	return rdr
}

// poisonAllocator overwrites memory when Arrow frees it, as an allocator that reuses
// or returns memory (a C allocator, a pool) makes it unreadable: compare's callers
// read the report after the batches are released, so a report that pointed into them
// (a category name aliasing a dictionary) would show the poison.
type poisonAllocator struct{ memory.Allocator }

func (p poisonAllocator) Free(b []byte) {
	for i := range b {
		b[i] = '#'
	}
	p.Allocator.Free(b)
}

func compare(t *testing.T, ref, cur []col, opts ...Option) (*Report, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(poisonAllocator{memory.NewGoAllocator()})
	defer mem.AssertSize(t, 0)
	r := reader(t, mem, ref...)
	defer r.Release()
	c := reader(t, mem, cur...)
	defer c.Release()
	return Compare(context.Background(), r, c, opts...)
}

func seq(n int, f func(i int) float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func TestColumnErrors(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name      string
		reason    string
		ref, cur  []col
		opts      []Option
		wantError string // substring of the column error
	}{
		{"missing in current", "a reference column absent from current is a column error",
			[]col{f64("a", []float64{1, 2, 3}, nil), f64("b", []float64{1, 2, 3}, nil)},
			[]col{f64("a", []float64{1, 2, 3}, nil)}, nil, "missing in current"},
		{"type mismatch", "numbers vs strings cannot be compared",
			[]col{f64("b", []float64{1, 2, 3}, nil)}, []col{str("b", []string{"x", "y", "z"}, nil)}, nil, "type mismatch"},
		{"all null current", "no values to compare",
			[]col{f64("b", []float64{1, 2, 3}, nil)}, []col{f64("b", []float64{1, 2, 3}, []bool{false, false, false})}, nil,
			"no non-missing values in current"},
		{"all NaN reference", "NaN counts as missing",
			[]col{f64("b", []float64{nan, nan}, nil)}, []col{f64("b", []float64{1, 2}, nil)}, nil,
			"no non-missing values in reference"},
		{"only infinities in current", "±Inf counts as missing, as Evidently drops it",
			[]col{f64("b", []float64{1, 2}, nil)}, []col{f64("b", []float64{math.Inf(1), math.Inf(-1)}, nil)}, nil,
			"no non-missing values in current"},
		{"method not applicable", "KS needs numbers",
			[]col{str("b", []string{"x", "y"}, nil)}, []col{str("b", []string{"x", "y"}, nil)},
			[]Option{WithMethod(KS, "b")}, "does not apply to categorical"},
		{"cvm too small", "SciPy needs two observations per sample",
			[]col{f64("b", []float64{1}, nil)}, []col{f64("b", []float64{1, 2}, nil)},
			[]Option{WithMethod(CramerVonMises)}, "at least two observations"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := compare(t, tc.ref, tc.cur, tc.opts...)
			if err != nil {
				t.Fatalf("%s: %v", tc.reason, err)
			}
			var found bool
			for _, c := range rep.Columns {
				if c.Column == "b" {
					found = true
					if !strings.Contains(c.Error, tc.wantError) {
						t.Errorf("%s: error %q, want it to contain %q", tc.reason, c.Error, tc.wantError)
					}
				}
			}
			if !found {
				t.Errorf("%s: column b not reported", tc.reason)
			}
			for _, c := range rep.Columns {
				if c.Error != "" && rep.ColumnsTotal == len(rep.Columns) {
					t.Errorf("%s: a column with an error was counted in ColumnsTotal", tc.reason)
				}
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	a := []col{f64("a", []float64{1, 2, 3}, nil)}
	tests := []struct {
		name   string
		opts   []Option
		target error
	}{
		{"unknown method", []Option{WithMethod("t-test")}, ErrConfig},
		{"unknown mode", []Option{WithMode("whylogs")}, ErrConfig},
		{"bad share", []Option{WithDriftShare(0)}, ErrConfig},
		{"negative threshold", []Option{WithThreshold(-1)}, ErrConfig},
		{"NaN threshold", []Option{WithThreshold(math.NaN())}, ErrConfig},
		{"unknown correction", []Option{WithCorrection("holm")}, ErrConfig},
		{"zero workers", []Option{WithWorkers(0)}, ErrConfig},
		{"unknown column", []Option{WithColumns("zzz")}, ErrColumnNotFound},
		{"string as numerical", []Option{WithColumnType(Numerical, "s")}, ErrConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ref := append(slices.Clone(a), str("s", []string{"x", "y", "z"}, nil))
			_, err := compare(t, ref, ref, tc.opts...)
			if !errors.Is(err, tc.target) {
				t.Errorf("err = %v, want %v", err, tc.target)
			}
		})
	}
}

func TestTypesAndOffsets(t *testing.T) {
	n := 300
	vals := seq(n, func(i int) float64 { return float64(i % 37) })
	shift := seq(n, func(i int) float64 { return float64(i%37) + 10 })
	ints := make([]int64, n)
	for i := range ints {
		ints[i] = int64(i % 3)
	}
	bools := make([]bool, n)
	for i := range bools {
		bools[i] = i%3 == 0
	}
	f16 := col{"h", func(mem memory.Allocator) arrow.Array {
		b := array.NewFloat16Builder(mem)
		defer b.Release()
		for _, v := range vals {
			b.Append(float16.New(float32(v)))
		}
		b.AppendNull()
		return b.NewArray()
	}}
	dict := col{"d", func(mem memory.Allocator) arrow.Array {
		b := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
		defer b.Release()
		for i := 0; i < n; i++ {
			_ = b.AppendString([]string{"p", "q", "r"}[i%3])
		}
		b.AppendNull()
		return b.NewArray()
	}}
	words := make([]string, n+2)
	for i := range words {
		words[i] = []string{"alpha", "beta", "gamma"}[i%3]
	}
	words[0], words[n+1] = "before-slice", "after-slice"
	ref := []col{sliced(f64("x", append([]float64{-99}, vals...), nil), 1, n+1), i64("code", ints, nil), boolean("flag", bools), f16, dict,
		sliced(str("w", words, nil), 1, n+1)}
	cur := []col{f64("x", shift, nil), i64("code", ints, nil), boolean("flag", bools), f16, dict, sliced(str("w", words, nil), 1, n+1)}
	rep, err := compare(t, ref, cur, WithColumnType(Categorical, "code"))
	if err != nil {
		t.Fatal(err)
	}
	got := byColumn(rep)
	if c := got["x"]; c.Error != "" || c.ReferenceCount != int64(n) || c.Method != KS || !c.DriftDetected {
		t.Errorf("sliced float column: %+v (the value before the slice offset must not be read)", c)
	}
	if c := got["x"]; c.Reference.Edges == nil || slices.Min(floatsOf(c.Reference.Edges)) != 0 {
		t.Errorf("sliced column edges start at %v, want 0", c.Reference.Edges)
	}
	if c := got["code"]; c.Type != Categorical || c.Method != ChiSquare || !slices.Equal(c.Reference.Categories, []string{"0", "1", "2"}) || c.DriftDetected {
		t.Errorf("int column as categorical: %+v", c)
	}
	if c := got["flag"]; c.Type != Categorical || c.Method != ZTest || float64(*c.PValue) != 1 ||
		!slices.Equal(c.Reference.Categories, []string{"false", "true"}) {
		t.Errorf("bool column: %+v", c)
	}
	if c := got["h"]; c.Type != Numerical || c.ReferenceMissing != 1 || c.ReferenceCount != int64(n) || c.DriftDetected {
		t.Errorf("float16 column: %+v", c)
	}
	if c := got["w"]; c.Error != "" || !slices.Equal(c.Reference.Categories, []string{"alpha", "beta", "gamma"}) || c.ReferenceCount != int64(n) {
		t.Errorf("sliced string column: %+v", c)
	}
	if c := got["d"]; c.Type != Categorical || c.ReferenceMissing != 1 || c.ReferenceCount != int64(n) || c.Method != ChiSquare ||
		!slices.Equal(c.Reference.Categories, []string{"p", "q", "r"}) {
		t.Errorf("dictionary column (categories must be copies, not views of released batches): %+v", c)
	}
}

// TestLowCardinalityInt checks Evidently's type inference: an integer column with at most
// five distinct reference values is categorical, a float column never is.
func TestLowCardinalityInt(t *testing.T) {
	n := 120
	ints := make([]int64, n)
	curInts := make([]int64, n)
	for i := range ints {
		ints[i] = int64(i % 3)
		curInts[i] = int64(i % 7) // new values in current: pooled distinct = 7
	}
	fl := seq(n, func(i int) float64 { return float64(i % 3) })
	rep, err := compare(t, []col{i64("k", ints, nil), f64("f", fl, nil)}, []col{i64("k", curInts, nil), f64("f", fl, nil)})
	if err != nil {
		t.Fatal(err)
	}
	got := byColumn(rep)
	if c := got["k"]; c.Type != Categorical || c.Method != ChiSquare || len(c.Reference.Categories) != 7 || !c.DriftDetected {
		t.Errorf("int column with 3 reference values: %+v", c)
	}
	if c := got["f"]; c.Type != Numerical || c.Method != ChiSquare {
		t.Errorf("float column with 3 values: %+v", c)
	}
	// A per-column method keeps the column numerical.
	rep, err = compare(t, []col{i64("k", ints, nil)}, []col{i64("k", curInts, nil)}, WithMethod(KS, "k"))
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Columns[0]; c.Type != Numerical || c.Method != KS || c.Error != "" {
		t.Errorf("int column with KS requested: %+v", c)
	}
}

func floatsOf(fs []Float) []float64 {
	out := make([]float64, len(fs))
	for i, f := range fs {
		out[i] = float64(f)
	}
	return out
}

func TestAllEqualAndNewCategory(t *testing.T) {
	same := seq(50, func(int) float64 { return 7 })
	rs := make([]string, 50)
	cs := make([]string, 50)
	for i := range rs {
		rs[i] = []string{"a", "a", "b", "b"}[i%4]
		cs[i] = []string{"a", "b", "c", "c"}[i%4]
	}
	rep, err := compare(t, []col{f64("c", same, nil), str("s", rs, nil)}, []col{f64("c", same, nil), str("s", cs, nil)})
	if err != nil {
		t.Fatal(err)
	}
	got := byColumn(rep)
	// One distinct value: Evidently's choice is the Z-test, which reports p = 1.
	if c := got["c"]; c.Method != ZTest || float64(*c.PValue) != 1 || c.DriftDetected {
		t.Errorf("constant column: %+v", c)
	}
	// A category new in current makes chi-square infinite: p = 0, drift, JSON null statistic.
	c := got["s"]
	if c.Method != ChiSquare || !math.IsInf(float64(c.Statistic), 1) || float64(*c.PValue) != 0 || !c.DriftDetected {
		t.Errorf("new category: %+v", c)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"statistic":null`) {
		t.Errorf("infinite statistic not encoded as null: %s", b)
	}
}

func TestCorrectionThresholdShare(t *testing.T) {
	// Three numerical columns with different shifts; KS p-values are small, medium, large.
	n := 200
	base := seq(n, func(i int) float64 { return float64((i * 37) % 101) })
	mk := func(d float64) []float64 { return seq(n, func(i int) float64 { return base[i] + d }) }
	ref := []col{f64("a", base, nil), f64("b", base, nil), f64("c", base, nil)}
	cur := []col{f64("a", mk(30), nil), f64("b", mk(9), nil), f64("c", mk(0.5), nil)}
	raw, err := compare(t, ref, cur)
	if err != nil {
		t.Fatal(err)
	}
	var ps []float64
	for _, c := range raw.Columns {
		ps = append(ps, float64(*c.PValue))
	}
	for _, k := range []Correction{BH, Bonferroni} {
		rep, err := compare(t, ref, cur, WithCorrection(k))
		if err != nil {
			t.Fatal(err)
		}
		m := 3.0
		for i, c := range rep.Columns {
			adj := float64(*c.PValueAdjusted)
			if adj < ps[i]*(1-1e-15) || (k == Bonferroni && math.Abs(adj-math.Min(ps[i]*m, 1)) > 1e-15) {
				t.Errorf("%s %s: adjusted %g from %g", k, c.Column, adj, ps[i])
			}
			if c.DriftDetected != (adj < c.Threshold) {
				t.Errorf("%s %s: decision not on the adjusted p-value", k, c.Column)
			}
		}
	}
	rep, err := compare(t, ref, cur, WithThreshold(1e-300, "b"), WithDriftShare(1))
	if err != nil {
		t.Fatal(err)
	}
	got := byColumn(rep)
	if got["b"].Threshold != 1e-300 || got["a"].Threshold != 0.05 {
		t.Errorf("thresholds: a %g b %g", got["a"].Threshold, got["b"].Threshold)
	}
	if rep.DriftDetected {
		t.Errorf("share %g with WithDriftShare(1) must not drift", rep.DriftShare)
	}
}

func TestJSONShape(t *testing.T) {
	rep, err := compare(t, []col{f64("x", seq(20, func(i int) float64 { return float64(i) }), nil)},
		[]col{f64("x", seq(20, func(i int) float64 { return float64(i) + 0.5 }), nil)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"columns", "drift_share", "drift_detected", "columns_drifted", "columns_total", "method_mode"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report JSON lacks %q: %s", k, b)
		}
	}
	c := m["columns"].([]any)[0].(map[string]any)
	for _, k := range []string{"column", "type", "method", "statistic", "p_value", "threshold", "drift_detected",
		"effect_size", "reference", "current", "reference_count", "current_count"} {
		if _, ok := c[k]; !ok {
			t.Errorf("column JSON lacks %q: %s", k, b)
		}
	}
	refd := c["reference"].(map[string]any)
	if len(refd["edges"].([]any)) != len(refd["proportions"].([]any))+1 {
		t.Errorf("edges/proportions mismatch: %v", refd)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("report does not round-trip: %v", err)
	}
}

func TestCancel(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := reader(t, mem, f64("x", []float64{1, 2, 3}, nil))
	defer r.Release()
	c := reader(t, mem, f64("x", []float64{1, 2, 3}, nil))
	defer c.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Compare(ctx, r, c); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// FuzzCompare feeds arbitrary small samples through every method: no panic, p-values in
// [0, 1], statistics not NaN unless the column reports an error.
func FuzzCompare(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7}, []byte{3, 3, 9, 0}, uint8(0))
	f.Add([]byte{7, 7}, []byte{7}, uint8(3))
	f.Fuzz(func(t *testing.T, a, b []byte, mi uint8) {
		if len(a) > 300 || len(b) > 300 {
			return
		}
		methods := Methods()
		m := methods[int(mi)%len(methods)]
		toF := func(bs []byte) ([]float64, []bool) {
			v := make([]float64, len(bs))
			ok := make([]bool, len(bs))
			for i, x := range bs {
				v[i] = float64(x % 32)
				ok[i] = x%17 != 0
				if x == 255 {
					v[i] = math.NaN()
				}
			}
			return v, ok
		}
		toS := func(bs []byte) []string {
			s := make([]string, len(bs))
			for i, x := range bs {
				s[i] = string(rune('a' + x%5))
			}
			return s
		}
		av, aok := toF(a)
		bv, bok := toF(b)
		rep, err := compare(t, []col{f64("x", av, aok), str("s", toS(a), nil)},
			[]col{f64("x", bv, bok), str("s", toS(b), nil)}, WithMethod(m))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range rep.Columns {
			if c.Error != "" {
				continue
			}
			if c.PValue != nil && !(*c.PValue >= 0 && *c.PValue <= 1) {
				t.Fatalf("%s %s: p = %v", c.Column, c.Method, *c.PValue)
			}
			if math.IsNaN(float64(c.Statistic)) {
				t.Fatalf("%s %s: NaN statistic", c.Column, c.Method)
			}
		}
	})
}

func TestDecisionRules(t *testing.T) {
	tests := []struct {
		m         Method
		threshold float64
		stat, p   float64
		drift     bool
		reason    string
	}{
		{ChiSquare, 0.05, 3, 0.05, false, "chi-square: drift only when p < threshold"},
		{ZTest, 0.05, 3, 0.0499, true, "p below the threshold"},
		{KS, 0.05, 0.3, 0.05, true, "Evidently's ks uses p <= threshold"},
		{CramerVonMises, 0.1, 0.3, 0.1, true, "Evidently's cramer_von_mises uses p <= threshold"},
		{Anderson, 0.1, 3, 0.1, false, "anderson uses p < threshold"},
		{WassersteinNormed, 0.1, 0.1, math.NaN(), true, "distances: drift when statistic >= threshold"},
		{JensenShannon, 0.1, 0.0999, math.NaN(), false, "distance below the threshold"},
	}
	for _, tc := range tests {
		if got := tc.m.drifted(tc.stat, tc.p, tc.threshold); got != tc.drift {
			t.Errorf("%s stat=%g p=%g threshold=%g: drift %v, want %v (%s)", tc.m, tc.stat, tc.p, tc.threshold, got, tc.drift, tc.reason)
		}
	}
	want := map[Method]float64{KS: 0.05, ChiSquare: 0.05, ZTest: 0.05, Anderson: 0.1, CramerVonMises: 0.1,
		WassersteinNormed: 0.1, JensenShannon: 0.1, PSI: 0.1, KL: 0.1, Hellinger: 0.1, PSIDeciles: 0.25}
	for m, th := range want {
		if got := m.DefaultThreshold(); got != th {
			t.Errorf("%s default threshold %g, want %g (Evidently's default_threshold)", m, got, th)
		}
	}
}

// failingReader yields its inner reader's batches, then fails.
type failingReader struct {
	array.RecordReader
	err error
}

func (f *failingReader) Next() bool { return f.RecordReader.Next() }
func (f *failingReader) Err() error { return f.err }

func TestReadError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	boom := errors.New("disk on fire")
	for _, side := range []string{"reference", "current"} {
		r := reader(t, mem, f64("x", []float64{1, 2, 3}, nil))
		c := reader(t, mem, f64("x", []float64{1, 2, 3}, nil))
		var ref, cur array.RecordReader = r, c
		if side == "reference" {
			ref = &failingReader{r, boom}
		} else {
			cur = &failingReader{c, boom}
		}
		_, err := Compare(context.Background(), ref, cur)
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), side) {
			t.Errorf("%s read error: got %v, want it wrapped and naming the side", side, err)
		}
		r.Release()
		c.Release()
	}
}

func TestEmptyBatches(t *testing.T) {
	// Zero-length arrays (an empty batch) must be read without error.
	rep, err := compare(t, []col{f64("x", []float64{}, nil), str("s", []string{}, nil)},
		[]col{f64("x", []float64{}, nil), str("s", []string{}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Columns {
		if !strings.Contains(c.Error, "no non-missing values") {
			t.Errorf("%s: error %q", c.Column, c.Error)
		}
	}
	if rep.ColumnsTotal != 0 || rep.DriftDetected {
		t.Errorf("empty tables: %+v", rep)
	}
}
