package expect_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/assay-go/assay/expect"
)

// c4Run validates one expectation over rr with result format COMPLETE and returns the
// result's public JSON.
func c4Run(t testing.TB, e expect.Expectation, rr array.RecordReader) map[string]any {
	t.Helper()
	return run(t, e, rr, expect.WithResultFormat(expect.ResultFormat{Format: "COMPLETE"}))
}

// c4Case is one table-driven expectation test. want* fields that are nil are not
// checked.
type c4Case struct {
	name   string
	typ    string
	kwargs map[string]any
	cols   []col
	// buildErr: the configuration must be rejected.
	buildErr bool
	// exception: the result must be an exception (wrong column type, missing column).
	exception  bool
	success    bool
	unexpected any // want result.unexpected_list (JSON form)
	observed   any // want result.observed_value (JSON form), "<nil>" for null
	missing    any // want result.missing_count
	reason     string
}

func c4Check(t *testing.T, cases []c4Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := expect.DefaultRegistry.Build(expect.Config{Type: c.typ, Kwargs: c.kwargs})
			if c.buildErr {
				if err == nil {
					t.Fatalf("want a configuration error (%s)", c.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			var first map[string]any
			for _, v := range []struct {
				batch int
				slice bool
			}{{0, false}, {2, true}, {1, false}} {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				rr := table(t, mem, v.batch, v.slice, c.cols...)
				m := c4Run(t, e, rr)
				rr.Release()
				mem.AssertSize(t, 0)
				exc, _ := m["exception_info"].(map[string]any)
				raised, _ := exc["raised_exception"].(bool)
				if raised != c.exception {
					t.Fatalf("batch=%d slice=%v: exception %v, want %v (%s): %v", v.batch, v.slice, raised, c.exception, c.reason, exc["exception_message"])
				}
				if c.exception {
					continue
				}
				if m["success"] != c.success {
					t.Fatalf("batch=%d slice=%v: success %v, want %v (%s); result %v", v.batch, v.slice, m["success"], c.success, c.reason, m["result"])
				}
				res, _ := m["result"].(map[string]any)
				if c.unexpected != nil && !c4JSONEqual(c.unexpected, res["unexpected_list"]) {
					t.Fatalf("batch=%d slice=%v: unexpected_list %s, want %s (%s)", v.batch, v.slice, c4JS(res["unexpected_list"]), c4JS(c.unexpected), c.reason)
				}
				if c.observed != nil {
					want := c.observed
					if want == "<nil>" {
						want = nil
					}
					if !c4JSONEqual(want, res["observed_value"]) {
						t.Fatalf("batch=%d slice=%v: observed_value %s, want %s (%s)", v.batch, v.slice, c4JS(res["observed_value"]), c4JS(want), c.reason)
					}
				}
				if c.missing != nil && !c4JSONEqual(c.missing, res["missing_count"]) {
					t.Fatalf("missing_count %v, want %v", res["missing_count"], c.missing)
				}
				delete(m, "metrics")
				if first == nil {
					first = m
				} else if !reflect.DeepEqual(first["result"], m["result"]) {
					t.Fatalf("batching changed the result:\n%s\n%s", c4JS(first["result"]), c4JS(m["result"]))
				}
			}
		})
	}
}

func c4JS(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// c4JSONEqual compares JSON-like values, numbers approximately.
func c4JSONEqual(want, got any) bool {
	wb, _ := json.Marshal(want)
	var w any
	_ = json.Unmarshal(wb, &w)
	return c4Approx(w, got)
}

func c4Approx(w, g any) bool {
	switch x := w.(type) {
	case float64:
		y, ok := g.(float64)
		return ok && (x == y || math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(x)))
	case []any:
		y, ok := g.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !c4Approx(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := g.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !c4Approx(x[k], y[k]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(w, g)
}

func kw(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

var (
	c4Str   = arrow.BinaryTypes.String
	c4LStr  = arrow.BinaryTypes.LargeString
	c4Int   = arrow.PrimitiveTypes.Int64
	c4I32   = arrow.PrimitiveTypes.Int32
	c4F64   = arrow.PrimitiveTypes.Float64
	c4Bool  = arrow.FixedWidthTypes.Boolean
	c4Date  = arrow.FixedWidthTypes.Date32
	c4TS    = &arrow.TimestampType{Unit: arrow.Microsecond}
	c4TSUTC = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
)

func TestStrftimeExpectation(t *testing.T) {
	const typ = "expect_column_values_to_match_strftime_format"
	c4Check(t, []c4Case{
		{name: "iso dates", typ: typ, kwargs: kw("column", "a", "strftime_format", "%Y-%m-%d"),
			cols:    []col{{"a", c4Str, `["2019-04-01", null, "2019-4-2", "2019-02-29", "2020-02-29"]`}},
			success: false, unexpected: []any{"2019-02-29"}, missing: 1, reason: "2019 is not a leap year; %m takes one digit"},
		{name: "large_utf8 with mostly", typ: typ, kwargs: kw("column", "a", "strftime_format", "%d/%m/%Y %H:%M", "mostly", 0.5),
			cols:    []col{{"a", c4LStr, `["31/12/2020 23:59", "31/12/2020 24:00", "1/1/2021  0:00"]`}},
			success: true, unexpected: []any{"31/12/2020 24:00"}, reason: "hour 24 is out of range; whitespace runs match"},
		{name: "empty column", typ: typ, kwargs: kw("column", "a", "strftime_format", "%Y"),
			cols: []col{{"a", c4Str, `[]`}}, success: true, unexpected: []any{}, reason: "vacuous"},
		{name: "all null", typ: typ, kwargs: kw("column", "a", "strftime_format", "%Y"),
			cols: []col{{"a", c4Str, `[null, null]`}}, success: true, reason: "nulls are missing"},
		{name: "wrong type", typ: typ, kwargs: kw("column", "a", "strftime_format", "%Y"),
			cols: []col{{"a", c4Int, `[2019]`}}, exception: true, reason: "GX raises for non-string values"},
		{name: "bad directive", typ: typ, kwargs: kw("column", "a", "strftime_format", "%D"), buildErr: true, reason: "strptime rejects %D"},
		{name: "missing column", typ: typ, kwargs: kw("column", "zz", "strftime_format", "%Y"),
			cols: []col{{"a", c4Str, `["2019"]`}}, exception: true},
	})
}

func TestDateutilExpectation(t *testing.T) {
	const typ = "expect_column_values_to_be_dateutil_parseable"
	c4Check(t, []c4Case{
		{name: "mixed", typ: typ, kwargs: kw("column", "a"),
			cols:    []col{{"a", c4Str, `["2019-04-01", "Jan 5, 2020", "cat", null, "01/01/2011 10:00 PM", "2019-13-01"]`}},
			success: false, unexpected: []any{"cat", "2019-13-01"}, reason: "words and month 13 fail"},
		{name: "empty", typ: typ, kwargs: kw("column", "a"), cols: []col{{"a", c4Str, `[]`}}, success: true},
		{name: "wrong type", typ: typ, kwargs: kw("column", "a"), cols: []col{{"a", c4F64, `[1.5]`}}, exception: true},
	})
}

func TestJSONExpectations(t *testing.T) {
	c4Check(t, []c4Case{
		{name: "parseable", typ: "expect_column_values_to_be_json_parseable", kwargs: kw("column", "a"),
			cols:    []col{{"a", c4Str, `["{\"a\":1}", "[1, NaN]", " 3 ", "{a:1}", null, ""]`}},
			success: false, unexpected: []any{"{a:1}", ""}, reason: "Python accepts NaN and surrounding whitespace"},
		{name: "parseable mostly", typ: "expect_column_values_to_be_json_parseable", kwargs: kw("column", "a", "mostly", 0.5),
			cols: []col{{"a", c4Str, `["1", "x"]`}}, success: true},
		{name: "parseable wrong type", typ: "expect_column_values_to_be_json_parseable", kwargs: kw("column", "a"),
			cols: []col{{"a", c4Bool, `[true]`}}, exception: true},
		{name: "schema", typ: "expect_column_values_to_match_json_schema",
			kwargs:  kw("column", "a", "json_schema", map[string]any{"type": "object", "required": []any{"id"}, "properties": map[string]any{"id": map[string]any{"type": "integer"}}}),
			cols:    []col{{"a", c4Str, `["{\"id\": 1}", "{\"id\": \"x\"}", "{}", "not json", null]`}},
			success: false, unexpected: []any{`{"id": "x"}`, "{}", "not json"}},
		{name: "schema empty input", typ: "expect_column_values_to_match_json_schema", kwargs: kw("column", "a", "json_schema", map[string]any{}),
			cols: []col{{"a", c4Str, `[]`}}, success: true},
		{name: "invalid schema", typ: "expect_column_values_to_match_json_schema", kwargs: kw("column", "a", "json_schema", map[string]any{"type": 5}),
			buildErr: true},
	})
}

func TestTypeExpectations(t *testing.T) {
	c4Check(t, []c4Case{
		{name: "of type alias", typ: "expect_column_values_to_be_of_type", kwargs: kw("column", "a", "type_", "int"),
			cols: []col{{"a", c4I32, `[1, null]`}}, success: true, observed: "int32"},
		{name: "of type exact", typ: "expect_column_values_to_be_of_type", kwargs: kw("column", "a", "type_", "int64"),
			cols: []col{{"a", c4I32, `[1]`}}, success: false, observed: "int32"},
		{name: "datetime64", typ: "expect_column_values_to_be_of_type", kwargs: kw("column", "a", "type_", "datetime64[ns]"),
			cols: []col{{"a", c4TS, `["2020-01-01T00:00:00"]`}}, success: true},
		{name: "tz aware", typ: "expect_column_values_to_be_of_type", kwargs: kw("column", "a", "type_", "datetime64[ns, UTC]"),
			cols: []col{{"a", c4TS, `[]`}}, success: false, reason: "a naive timestamp has no zone"},
		{name: "type list", typ: "expect_column_values_to_be_in_type_list", kwargs: kw("column", "a", "type_list", []any{"float", "str"}),
			cols: []col{{"a", c4LStr, `["x"]`}}, success: true, observed: "large_utf8"},
		{name: "type list miss", typ: "expect_column_values_to_be_in_type_list", kwargs: kw("column", "a", "type_list", []any{"bool"}),
			cols: []col{{"a", c4Date, `[]`}}, success: false, observed: "date32"},
		{name: "type list null", typ: "expect_column_values_to_be_in_type_list", kwargs: kw("column", "a", "type_list", nil),
			cols: []col{{"a", c4Date, `[]`}}, success: true},
		{name: "missing column", typ: "expect_column_values_to_be_of_type", kwargs: kw("column", "b", "type_", "int"),
			cols: []col{{"a", c4Int, `[1]`}}, exception: true},
	})
}

func TestZScores(t *testing.T) {
	const typ = "expect_column_value_z_scores_to_be_less_than"
	c4Check(t, []c4Case{
		// mean 0, sample std 1: z = -1, 0, 1; |z| < 1 fails at ±1.
		{name: "double sided", typ: typ, kwargs: kw("column", "a", "threshold", 1, "double_sided", true),
			cols: []col{{"a", c4Int, `[-1, 0, null, 1]`}}, success: false, unexpected: []any{-1, 1}, missing: 1},
		{name: "one sided", typ: typ, kwargs: kw("column", "a", "threshold", 1, "double_sided", false),
			cols: []col{{"a", c4F64, `[-1, 0, 1]`}}, success: false, unexpected: []any{1.0}},
		{name: "outlier", typ: typ, kwargs: kw("column", "a", "threshold", 1.5),
			cols: []col{{"a", c4F64, `[1, 1, 1, 1, 1, 1, 1, 1, 1, 100]`}}, success: false, unexpected: []any{100.0}},
		{name: "mostly", typ: typ, kwargs: kw("column", "a", "threshold", 1.5, "mostly", 0.9),
			cols: []col{{"a", c4F64, `[1, 1, 1, 1, 1, 1, 1, 1, 1, 100]`}}, success: true},
		{name: "empty", typ: typ, kwargs: kw("column", "a", "threshold", 3), cols: []col{{"a", c4F64, `[]`}}, success: true},
		{name: "wrong type", typ: typ, kwargs: kw("column", "a", "threshold", 3), cols: []col{{"a", c4Str, `["1"]`}}, exception: true},
		{name: "no threshold", typ: typ, kwargs: kw("column", "a"), buildErr: true},
	})
}

func TestTypeMatchesAliases(t *testing.T) {
	cases := []struct {
		t    arrow.DataType
		name string
		want bool
	}{
		{c4Int, "int64", true}, {c4Int, "Int64", true}, {c4Int, "integer", true}, {c4Int, "float", false},
		{arrow.PrimitiveTypes.Uint8, "int", true}, {c4F64, "float", true}, {c4F64, "double", true},
		{arrow.PrimitiveTypes.Float32, "float64", false}, {c4Str, "str", true}, {c4Str, "string", true},
		{c4Str, "utf8", true}, {c4LStr, "object", true}, {c4Bool, "bool", true}, {c4Bool, "boolean", true},
		{c4Date, "date", true}, {c4Date, "date32", true}, {c4TS, "timestamp[us]", true}, {c4TSUTC, "timestamptz", true},
		{c4TS, "timestamptz", false}, {arrow.BinaryTypes.Binary, "bytes", true}, {arrow.Null, "null", true},
		{&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: c4Str}, "category", true},
		{&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: c4Str}, "str", true},
		{c4Int, "number", true}, {c4Str, "number", false}, {c4Int, "nonsense", false},
	}
	for _, c := range cases {
		if got := expect.TypeMatches(c.t, c.name); got != c.want {
			t.Errorf("TypeMatches(%s, %q) = %v, want %v", c.t, c.name, got, c.want)
		}
	}
}

func TestJSONParseable(t *testing.T) {
	for s, want := range map[string]bool{
		`{}`: true, `[Infinity, -Infinity, NaN]`: true, `"NaN"`: true, `NaNx`: false, `{"a": NaN}`: true,
		`"unterminated`: false, ``: false, ` true `: true, `{"s": "\"NaN"}`: true,
	} {
		if got := expect.JSONParseable([]byte(s)); got != want {
			t.Errorf("JSONParseable(%q) = %v, want %v", s, got, want)
		}
	}
}

func ExampleMatchStrftime() {
	e := expect.MatchStrftime("day", "%Y-%m-%d")
	if err := expect.ConfigError(e); err != nil {
		panic(err)
	}
	mem := memory.NewGoAllocator()
	b := array.NewStringBuilder(mem)
	b.AppendValues([]string{"2024-02-29", "2023-02-29", "2024-2-1"}, nil)
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "day", Type: arrow.BinaryTypes.String}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{col}, 3)
	defer rec.Release()
	rr, _ := array.NewRecordReader(schema, []arrow.Record{rec})
	defer rr.Release()
	rep, _ := expect.Validate(context.Background(), expect.NewSuite("dates", e), rr)
	r := rep.Results[0]
	fmt.Println(r.Success, *r.Result.UnexpectedCount, r.Result.PartialList)
	// Output: false 1 [2023-02-29]
}

func ExampleZScoresLessThan() {
	e := expect.ZScoresLessThan("x", 2, true)
	rr := floatReader("x", 10, 11, 9, 10, 12, 8, 10, 11, 9, 60)
	defer rr.Release()
	rep, _ := expect.Validate(context.Background(), expect.NewSuite("z", e), rr)
	r := rep.Results[0]
	fmt.Println(r.Success, r.Result.PartialList, r.Result.PartialIndexList)
	// Output: false [60] [9]
}

// floatReader is a one-column float64 record reader for examples.
func floatReader(name string, vals ...float64) array.RecordReader {
	b := array.NewFloat64Builder(memory.NewGoAllocator())
	defer b.Release()
	b.AppendValues(vals, nil)
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: name, Type: arrow.PrimitiveTypes.Float64}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{col}, int64(len(vals)))
	defer rec.Release()
	rr, _ := array.NewRecordReader(schema, []arrow.Record{rec})
	return rr
}

func TestUserCheckBuilders(t *testing.T) {
	even := func(cfg expect.Config) expect.Expectation {
		e, err := expect.FloatCheck(cfg, "n", func(x float64) bool { return math.Mod(x, 2) != 0 })
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	upper := func(cfg expect.Config) expect.Expectation {
		e, _ := expect.StringCheck(cfg, "s", func(v []byte) bool { return strings.ToUpper(string(v)) != string(v) })
		return e
	}
	weekend := func(cfg expect.Config) expect.Expectation {
		e, _ := expect.ValueCheck(cfg, "d", func(v any) bool { return v.(string) < "2024-01-06" })
		return e
	}
	cfg := expect.Config{Type: "user_check", Kwargs: map[string]any{"mostly": 0.5}}
	for _, c := range []struct {
		e          expect.Expectation
		cols       []col
		unexpected string
		exception  bool
	}{
		{even(cfg), []col{{"n", c4I32, `[2, 3, null, 4, 5]`}}, `[3,5]`, false},
		{even(cfg), []col{{"n", c4F64, `[]`}}, `[]`, false},
		{even(cfg), []col{{"n", c4Str, `["2"]`}}, ``, true},
		{upper(cfg), []col{{"s", c4LStr, `["AB", "aB", null]`}}, `["aB"]`, false},
		{upper(cfg), []col{{"s", c4Int, `[1]`}}, ``, true},
		{weekend(cfg), []col{{"d", c4Date, `["2024-01-06", "2024-01-05", null]`}}, `["2024-01-05"]`, false},
	} {
		for _, slice := range []bool{false, true} {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			rr := table(t, mem, 2, slice, c.cols...)
			m := c4Run(t, c.e, rr)
			rr.Release()
			mem.AssertSize(t, 0)
			exc := m["exception_info"].(map[string]any)["raised_exception"].(bool)
			if exc != c.exception {
				t.Fatalf("%v: exception %v, want %v", c.cols, exc, c.exception)
			}
			if !exc && c4JS(m["result"].(map[string]any)["unexpected_list"]) != c.unexpected {
				t.Fatalf("%v slice=%v: unexpected_list %s, want %s", c.cols, slice, c4JS(m["result"].(map[string]any)["unexpected_list"]), c.unexpected)
			}
		}
	}
}

// benchTable is a 200k-row table: id (int64, unique), k (int64, 1000 distinct), x
// (float64, normal), ts (ISO timestamp strings), cat (4 strings), in batches of 64k.
func benchTable(b *testing.B, n int) (*arrow.Schema, []arrow.Record) {
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: c4Int}, {Name: "k", Type: c4Int}, {Name: "x", Type: c4F64},
		{Name: "ts", Type: c4Str}, {Name: "cat", Type: c4Str}}, nil)
	var recs []arrow.Record
	rb := array.NewRecordBuilder(mem, schema)
	defer rb.Release()
	seed := uint64(1)
	next := func() uint64 { seed = seed*6364136223846793005 + 1442695040888963407; return seed >> 11 }
	cats := []string{"sun", "rain", "fog", "snow"}
	for lo := 0; lo < n; lo += 65536 {
		hi := min(n, lo+65536)
		for i := lo; i < hi; i++ {
			rb.Field(0).(*array.Int64Builder).Append(int64(i))
			rb.Field(1).(*array.Int64Builder).Append(int64(next() % 1000))
			u1, u2 := float64(next()%1e6+1)/1e6, float64(next()%1e6)/1e6
			rb.Field(2).(*array.Float64Builder).Append(math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2))
			rb.Field(3).(*array.StringBuilder).Append(fmt.Sprintf("2024-%02d-%02dT%02d:%02d:%02d", 1+i%12, 1+i%28, i%24, i%60, i%60))
			rb.Field(4).(*array.StringBuilder).Append(cats[next()%4])
		}
		recs = append(recs, rb.NewRecord())
	}
	return schema, recs
}

func BenchmarkMoreCatalog(b *testing.B) {
	const n = 200_000
	schema, recs := benchTable(b, n)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	dir := b.TempDir()
	ids := filepath.Join(dir, "ids.csv")
	var sb strings.Builder
	sb.WriteString("id\n")
	for i := 0; i < n/2; i++ {
		fmt.Fprintf(&sb, "%d\n", i*2)
	}
	if err := os.WriteFile(ids, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		cfg  expect.Config
	}{
		{"strftime", expect.Config{Type: "expect_column_values_to_match_strftime_format", Kwargs: kw("column", "ts", "strftime_format", "%Y-%m-%dT%H:%M:%S")}},
		{"dateutil", expect.Config{Type: "expect_column_values_to_be_dateutil_parseable", Kwargs: kw("column", "ts")}},
		{"z_scores", expect.Config{Type: "expect_column_value_z_scores_to_be_less_than", Kwargs: kw("column", "x", "threshold", 3)}},
		{"pair_greater", expect.Config{Type: "expect_column_pair_values_a_to_be_greater_than_b", Kwargs: kw("column_A", "id", "column_B", "k", "or_equal", true)}},
		{"pair_in_set", expect.Config{Type: "expect_column_pair_values_to_be_in_set", Kwargs: kw("column_A", "cat", "column_B", "cat", "value_pairs_set", []any{[]any{"sun", "sun"}, []any{"rain", "rain"}, []any{"fog", "fog"}, []any{"snow", "snow"}})}},
		{"compound_unique", expect.Config{Type: "expect_compound_columns_to_be_unique", Kwargs: kw("column_list", []any{"id", "cat"})}},
		{"multicolumn_sum", expect.Config{Type: "expect_multicolumn_sum_to_equal", Kwargs: kw("column_list", []any{"x", "k"}, "sum_total", 1, "mostly", 0)}},
		{"kl_continuous", expect.Config{Type: "expect_column_kl_divergence_to_be_less_than", Kwargs: kw("column", "x", "threshold", 0.1,
			"partition_object", map[string]any{"bins": []any{math.Inf(-1), -2, -1, 0, 1, 2, math.Inf(1)}, "weights": []any{0.0228, 0.1359, 0.3413, 0.3413, 0.1359, 0.0228}})}},
		{"in_other_dataset", expect.Config{Type: "expect_column_values_to_be_in_other_dataset", Kwargs: kw("column", "id", "other_path", ids, "mostly", 0)}},
	} {
		e, err := expect.DefaultRegistry.Build(c.cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				rr, _ := array.NewRecordReader(schema, recs)
				rep, err := expect.Validate(context.Background(), expect.NewSuite("b", e), rr)
				rr.Release()
				if err != nil || rep.Results[0].ExceptionInfo.Raised {
					b.Fatal(err, rep.Results[0].ExceptionInfo.Message)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
		})
	}
}

// FuzzJSONParseable: never panics, and accepts everything encoding/json accepts.
func FuzzJSONParseable(f *testing.F) {
	for _, s := range []string{`{"a": [1, NaN]}`, `-Infinity`, `"\"NaN"`, `[`, `nul`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := expect.JSONParseable([]byte(s))
		if json.Valid([]byte(s)) && !got {
			t.Fatalf("JSONParseable(%q) = false for valid JSON", s)
		}
	})
}
