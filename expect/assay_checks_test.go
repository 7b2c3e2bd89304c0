package expect_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/assay-go/assay/expect"
)

func TestFresh(t *testing.T) {
	const typ = "expect_column_max_to_be_fresh"
	ts := []col{{"ts", c4TS, `["2024-01-01T00:00:00", null, "2024-01-02T00:00:00", "2023-12-31T12:00:00"]`}}
	c4Check(t, []c4Case{
		{name: "fresh", typ: typ, kwargs: kw("column", "ts", "max_age", "1d", "now", "2024-01-03T00:00:00"),
			cols: ts, success: true, observed: "2024-01-02T00:00:00", reason: "age equal to max_age passes"},
		{name: "stale", typ: typ, kwargs: kw("column", "ts", "max_age", "23h59m", "now", "2024-01-03T00:00:00"),
			cols: ts, success: false, observed: "2024-01-02T00:00:00"},
		{name: "seconds", typ: typ, kwargs: kw("column", "ts", "max_age", 86400, "now", "2024-01-03T00:00:00Z"), cols: ts, success: true},
		{name: "zoned timestamps", typ: typ, kwargs: kw("column", "ts", "max_age", "1h", "now", "2024-01-02T01:00:00+01:00"),
			cols: []col{{"ts", c4TSUTC, `["2024-01-01T23:30:00"]`}}, success: true, observed: "2024-01-01T23:30:00"},
		{name: "dates", typ: typ, kwargs: kw("column", "d", "max_age", "2w", "now", "2024-01-15"),
			cols: []col{{"d", c4Date, `["2023-12-01", "2024-01-01"]`}}, success: true, observed: "2024-01-01T00:00:00"},
		{name: "empty", typ: typ, kwargs: kw("column", "ts", "max_age", "1d", "now", "2024-01-01"), cols: []col{{"ts", c4TS, `[]`}},
			success: false, observed: "<nil>", reason: "no timestamp is not fresh"},
		{name: "wrong type", typ: typ, kwargs: kw("column", "ts", "max_age", "1d"), cols: []col{{"ts", c4Str, `["2024-01-01"]`}}, exception: true},
		{name: "bad age", typ: typ, kwargs: kw("column", "ts", "max_age", "soon"), buildErr: true},
		{name: "bad now", typ: typ, kwargs: kw("column", "ts", "max_age", "1d", "now", "yesterday"), buildErr: true},
	})
}

func TestParseAge(t *testing.T) {
	for in, want := range map[any]time.Duration{
		"36h": 36 * time.Hour, "7d": 7 * 24 * time.Hour, "1d12h": 36 * time.Hour, "1w": 168 * time.Hour,
		"1.5d": 36 * time.Hour, 90.0: 90 * time.Second, "90m": 90 * time.Minute,
	} {
		got, err := expect.ParseAge(in)
		if err != nil || got != want {
			t.Errorf("ParseAge(%v) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []any{"", "d", "-1h", -5.0, true, "7 days"} {
		if _, err := expect.ParseAge(in); err == nil {
			t.Errorf("ParseAge(%v): want an error", in)
		}
	}
}

func writeCSV(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInOtherDataset(t *testing.T) {
	const typ = "expect_column_values_to_be_in_other_dataset"
	users := writeCSV(t, "users.csv", "id,name,score\n1,ann,1.5\n2,bob,2\n3,cy,3.25\n,nobody,\n")
	ids := []col{{"user_id", c4I32, `[1, 2, null, 5, 3, 5]`}, {"who", c4Str, `["ann", "bob", "x", "eve", "cy", "ann"]`}}
	c4Check(t, []c4Case{
		{name: "orphans", typ: typ, kwargs: kw("column", "user_id", "other_path", users, "other_column", "id"),
			cols: ids, success: false, unexpected: []any{5, 5}, missing: 1, reason: "int32 and CSV int64 compare by value"},
		{name: "mostly", typ: typ, kwargs: kw("column", "user_id", "other_path", users, "other_column", "id", "mostly", 0.6),
			cols: ids, success: true},
		{name: "strings", typ: typ, kwargs: kw("column", "who", "other_path", users, "other_column", "name"),
			cols: ids, success: false, unexpected: []any{"x", "eve"}},
		{name: "floats", typ: typ, kwargs: kw("column", "s", "other_path", users, "other_column", "score"),
			cols: []col{{"s", c4F64, `[1.5, 2.0, 2.5, null, 3.25]`}}, success: false, unexpected: []any{2.5}, reason: "integral and fractional keys"},
		{name: "ints against floats", typ: typ, kwargs: kw("column", "s", "other_path", users, "other_column", "score"),
			cols: []col{{"s", c4Int, `[2, 3]`}}, success: false, unexpected: []any{3}},
		{name: "empty", typ: typ, kwargs: kw("column", "user_id", "other_path", users, "other_column", "id"),
			cols: []col{{"user_id", c4Int, `[]`}}, success: true},
		{name: "kind mismatch", typ: typ, kwargs: kw("column", "who", "other_path", users, "other_column", "id"), cols: ids, exception: true},
		{name: "other column missing", typ: typ, kwargs: kw("column", "user_id", "other_path", users), cols: ids, exception: true,
			reason: "other_column defaults to user_id, which users.csv lacks"},
		{name: "other file missing", typ: typ, kwargs: kw("column", "user_id", "other_path", filepath.Join(t.TempDir(), "nope.csv")), cols: ids, exception: true},
		{name: "no path", typ: typ, kwargs: kw("column", "user_id"), buildErr: true},
	})
}

func TestRowCountEqualsOther(t *testing.T) {
	const typ = "expect_table_row_count_to_equal_other_dataset"
	other := writeCSV(t, "other.csv", "a\n1\n2\n3\n")
	c4Check(t, []c4Case{
		{name: "equal", typ: typ, kwargs: kw("other_path", other), cols: []col{{"x", c4Int, `[1, null, 3]`}}, success: true, observed: 3},
		{name: "differ", typ: typ, kwargs: kw("other_path", other), cols: []col{{"x", c4Int, `[]`}}, success: false, observed: 0},
		{name: "missing file", typ: typ, kwargs: kw("other_path", other+".gone"), cols: []col{{"x", c4Int, `[]`}}, exception: true},
	})
}

func TestSchemaMatch(t *testing.T) {
	const typ = "expect_table_schema_to_match"
	cols := []col{{"id", c4Int, `[1]`}, {"name", c4Str, `["a"]`}, {"ts", c4TS, `[null]`}}
	list := func(kv ...string) []any {
		var out []any
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, map[string]any{"name": kv[i], "type": kv[i+1]})
		}
		return out
	}
	c4Check(t, []c4Case{
		{name: "exact", typ: typ, kwargs: kw("schema", list("id", "int64", "name", "utf8", "ts", "timestamp[us]")), cols: cols, success: true},
		{name: "aliases unordered", typ: typ, kwargs: kw("schema", map[string]any{"ts": "datetime64", "name": "str", "id": "int"}), cols: cols, success: true},
		{name: "ordered wrong order", typ: typ, kwargs: kw("schema", list("name", "str", "id", "int", "ts", "timestamp"), "ordered", true), cols: cols, success: false},
		{name: "extra not allowed", typ: typ, kwargs: kw("schema", list("id", "int")), cols: cols, success: false},
		{name: "extra allowed ordered", typ: typ, kwargs: kw("schema", list("id", "int", "ts", "timestamp"), "ordered", true, "allow_extra_columns", true), cols: cols, success: true},
		{name: "type mismatch", typ: typ, kwargs: kw("schema", list("id", "float", "name", "str", "ts", "timestamp")), cols: cols, success: false},
		{name: "missing column", typ: typ, kwargs: kw("schema", list("id", "int", "name", "str", "ts", "timestamp", "extra", "int"), "allow_extra_columns", true), cols: cols, success: false},
		{name: "empty table", typ: typ, kwargs: kw("schema", list("id", "int64")), cols: []col{{"id", c4Int, `[]`}}, success: true},
		{name: "both schema and path", typ: typ, kwargs: kw("schema", list("id", "int"), "schema_path", "x.arrow"), buildErr: true},
		{name: "neither", typ: typ, kwargs: kw(), buildErr: true},
		{name: "object with ordered", typ: typ, kwargs: kw("schema", map[string]any{"id": "int"}, "ordered", true), buildErr: true},
		{name: "bad entry", typ: typ, kwargs: kw("schema", []any{map[string]any{"name": "id"}}), buildErr: true},
	})
}

func TestSchemaMatchesGo(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	s := arrow.NewSchema([]arrow.Field{{Name: "id", Type: c4Int}, {Name: "name", Type: c4Str}}, nil)
	e := expect.SchemaMatches(s, true, false)
	if err := expect.ConfigError(e); err != nil {
		t.Fatal(err)
	}
	rr := table(t, mem, 0, false, col{"id", c4Int, `[1]`}, col{"name", c4LStr, `["x"]`})
	defer rr.Release()
	m := c4Run(t, e, rr)
	if m["success"] != false {
		t.Fatalf("large_utf8 is not utf8 exactly: %v", m)
	}
	details := m["result"].(map[string]any)["details"].(map[string]any)
	if fmt.Sprint(details["type_mismatches"]) != "[map[column:name expected:utf8 observed:large_utf8]]" {
		t.Fatalf("type_mismatches %v", details["type_mismatches"])
	}
}

func TestOpenOtherErrorWraps(t *testing.T) {
	e := expect.InOtherDataset("a", filepath.Join(t.TempDir(), "missing.parquet"), "", expect.With("catch_exceptions", false))
	if err := expect.ConfigError(e); err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rr := table(t, mem, 0, false, col{"a", c4Int, `[1]`})
	defer rr.Release()
	_, err := expect.Validate(context.Background(), expect.NewSuite("t", e), rr)
	if !errors.Is(err, expect.ErrOtherDataset) {
		t.Fatalf("want ErrOtherDataset, got %v", err)
	}
}

func ExampleInOtherDataset() {
	dir, _ := os.MkdirTemp("", "assay-example")
	defer os.RemoveAll(dir)
	customers := filepath.Join(dir, "customers.csv")
	_ = os.WriteFile(customers, []byte("customer_id\n10\n11\n12\n"), 0o644)

	e := expect.InOtherDataset("customer_id", customers, "")
	rr := floatReader("customer_id", 10, 12, 13, 10)
	defer rr.Release()
	rep, _ := expect.Validate(context.Background(), expect.NewSuite("orders", e), rr)
	r := rep.Results[0]
	fmt.Println(r.Success, r.Result.PartialList, r.Result.PartialIndexList)
	// Output: false [13] [2]
}

func ExampleFresh() {
	e := expect.Fresh("updated_at", 6*time.Hour, expect.With("now", "2024-05-01T12:00:00Z"))
	typ := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	col, _, _ := array.FromJSON(memory.NewGoAllocator(), typ, strings.NewReader(`["2024-05-01T03:00:00", "2024-05-01T07:30:00"]`))
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "updated_at", Type: typ}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{col}, 2)
	defer rec.Release()
	rr, _ := array.NewRecordReader(schema, []arrow.Record{rec})
	defer rr.Release()
	rep, _ := expect.Validate(context.Background(), expect.NewSuite("feed", e), rr)
	r := rep.Results[0]
	fmt.Println(r.Success, r.Result.ObservedValue, r.Result.Details["age_seconds"])
	// Output: true 2024-05-01T07:30:00 16200
}

// FuzzParseAge: never panics; accepted ages are non-negative and agree with
// time.ParseDuration on plain Go durations.
func FuzzParseAge(f *testing.F) {
	for _, s := range []string{"7d", "1d12h", "1.5w", "90m", "-1h", "d", "1e9d", "9999999999w"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := expect.ParseAge(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("ParseAge(%q) = %v < 0", s, d)
		}
		if g, gerr := time.ParseDuration(s); gerr == nil && g != d {
			t.Fatalf("ParseAge(%q) = %v, time.ParseDuration = %v", s, d, g)
		}
	})
}
