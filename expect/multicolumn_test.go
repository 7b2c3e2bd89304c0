package expect_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/assay-go/assay/expect"
)

func TestMulticolumn(t *testing.T) {
	abc := []col{
		{"a", c4Int, `[1, 1, 2, 1, null, null]`},
		{"b", c4F64, `[1.0, 2, 2, 1, null, null]`},
		{"c", c4Str, `["x", "y", "x", "x", null, "x"]`},
	}
	c4Check(t, []c4Case{
		{name: "compound unique", typ: "expect_compound_columns_to_be_unique", kwargs: kw("column_list", []any{"a", "b"}),
			cols: abc, success: false, missing: 2,
			unexpected: []any{map[string]any{"a": 1, "b": 1.0}, map[string]any{"a": 1, "b": 1.0}},
			reason:     "rows 0 and 3 repeat (1, 1); all-null rows are skipped"},
		{name: "compound unique never", typ: "expect_compound_columns_to_be_unique", kwargs: kw("column_list", []any{"a", "b"}, "ignore_row_if", "never"),
			cols: abc, success: false, missing: 0,
			unexpected: []any{map[string]any{"a": 1, "b": 1.0}, map[string]any{"a": 1, "b": 1.0}, map[string]any{"a": nil, "b": nil}, map[string]any{"a": nil, "b": nil}},
			reason:     "null tuples equal each other"},
		{name: "compound unique mostly", typ: "expect_compound_columns_to_be_unique", kwargs: kw("column_list", []any{"a", "b", "c"}, "mostly", 0.5),
			cols: abc, success: true, unexpected: []any{map[string]any{"a": 1, "b": 1.0, "c": "x"}, map[string]any{"a": 1, "b": 1.0, "c": "x"}}},
		{name: "compound unique empty", typ: "expect_compound_columns_to_be_unique", kwargs: kw("column_list", []any{"a", "b"}),
			cols: []col{{"a", c4Int, `[]`}, {"b", c4Int, `[]`}}, success: true},
		{name: "compound wrong type", typ: "expect_compound_columns_to_be_unique", kwargs: kw("column_list", []any{"a"}),
			cols: []col{{"a", arrow.ListOf(c4Int), `[[1]]`}}, exception: true},
		{name: "compound duplicate column", typ: "expect_compound_columns_to_be_unique", kwargs: kw("column_list", []any{"a", "a"}), buildErr: true},
		{name: "within record", typ: "expect_select_column_values_to_be_unique_within_record", kwargs: kw("column_list", []any{"a", "b"}),
			cols: abc, success: false, unexpected: []any{map[string]any{"a": 1, "b": 1.0}, map[string]any{"a": 2, "b": 2.0}, map[string]any{"a": 1, "b": 1.0}},
			missing: 2},
		{name: "within record any missing", typ: "expect_select_column_values_to_be_unique_within_record",
			kwargs: kw("column_list", []any{"a", "c"}, "ignore_row_if", "any_value_is_missing"), cols: abc, success: true, missing: 2,
			reason: "numbers never equal strings"},
		{name: "within record nulls equal", typ: "expect_select_column_values_to_be_unique_within_record",
			kwargs: kw("column_list", []any{"a", "b", "c"}, "ignore_row_if", "never"), cols: abc, success: false,
			unexpected: []any{map[string]any{"a": 1, "b": 1.0, "c": "x"}, map[string]any{"a": 2, "b": 2.0, "c": "x"}, map[string]any{"a": 1, "b": 1.0, "c": "x"}, map[string]any{"a": nil, "b": nil, "c": nil}, map[string]any{"a": nil, "b": nil, "c": "x"}}},
		{name: "within record one column", typ: "expect_select_column_values_to_be_unique_within_record", kwargs: kw("column_list", []any{"a"}), buildErr: true},
		{name: "sum", typ: "expect_multicolumn_sum_to_equal", kwargs: kw("column_list", []any{"a", "b"}, "sum_total", 2),
			cols: abc, success: false, unexpected: []any{map[string]any{"a": 1, "b": 2.0}, map[string]any{"a": 2, "b": 2.0}}, missing: 2},
		{name: "sum ints nulls as zero", typ: "expect_multicolumn_sum_to_equal", kwargs: kw("column_list", []any{"x", "y"}, "sum_total", 3),
			cols: []col{{"x", c4Int, `[1, 3, null]`}, {"y", c4I32, `[2, null, 3]`}}, success: true},
		{name: "sum wrong type", typ: "expect_multicolumn_sum_to_equal", kwargs: kw("column_list", []any{"a", "c"}, "sum_total", 2),
			cols: abc, exception: true},
		{name: "sum missing total", typ: "expect_multicolumn_sum_to_equal", kwargs: kw("column_list", []any{"a", "c"}), buildErr: true},
		{name: "bad mostly", typ: "expect_multicolumn_sum_to_equal", kwargs: kw("column_list", []any{"a"}, "sum_total", 1, "mostly", 1.5), buildErr: true},
	})
}

// The duplicate table keeps Limit rows per tuple but counts all of them.
func TestCompoundUniqueSummaryLimit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rr := table(t, mem, 3, false, col{"a", c4Int, `[1, 1, 1, 1, 1, 2, 2, 3]`}, col{"b", c4Str, `["x", "x", "x", "x", "x", "y", "y", "z"]`})
	defer rr.Release()
	e := expect.CompoundUnique([]string{"a", "b"}, expect.With("result_format", map[string]any{"result_format": "SUMMARY", "partial_unexpected_count": 3}))
	rep, err := expect.Validate(context.Background(), expect.NewSuite("t", e), rr)
	if err != nil {
		t.Fatal(err)
	}
	d := rep.Results[0].Result
	if *d.UnexpectedCount != 7 || len(d.PartialList) != 3 {
		t.Fatalf("unexpected_count %d, partial %v", *d.UnexpectedCount, d.PartialList)
	}
	if got := d.PartialIndexList; fmt.Sprint(got) != "[0 1 2]" {
		t.Fatalf("partial_unexpected_index_list %v, want the smallest rows", got)
	}
}

func ExampleCompoundUnique() {
	mem := memory.NewGoAllocator()
	ids, days := array.NewInt64Builder(mem), array.NewStringBuilder(mem)
	ids.AppendValues([]int64{7, 7, 8}, nil)
	days.AppendValues([]string{"mon", "mon", "mon"}, nil)
	a, b := ids.NewArray(), days.NewArray()
	schema := arrow.NewSchema([]arrow.Field{{Name: "store", Type: arrow.PrimitiveTypes.Int64}, {Name: "day", Type: arrow.BinaryTypes.String}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{a, b}, 3)
	a.Release()
	b.Release()
	rr, _ := array.NewRecordReader(schema, []arrow.Record{rec})
	rec.Release()
	defer rr.Release()

	e := expect.CompoundUnique([]string{"store", "day"})
	rep, _ := expect.Validate(context.Background(), expect.NewSuite("stores", e), rr)
	r := rep.Results[0]
	fmt.Println(r.Success, *r.Result.UnexpectedCount, r.Result.PartialList)
	// Output: false 2 [map[day:mon store:7] map[day:mon store:7]]
}

// Metrics are shared only between identical checks: expectations of the same type on
// different columns in one suite keep separate states.
func TestSameTypeDifferentColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rr := table(t, mem, 2, true,
		col{"x", c4F64, `[0, 0, 0, 0, 0, 0, 0, 0, 0, 100]`}, col{"y", c4F64, `[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]`},
		col{"tx", c4TS, `["2024-01-01T00:00:00", null, null, null, null, null, null, null, null, null]`},
		col{"ty", c4TS, `["2020-01-01T00:00:00", null, null, null, null, null, null, null, null, null]`})
	defer rr.Release()
	z1 := expect.ZScoresLessThan("x", 2, true)
	z2 := expect.ZScoresLessThan("y", 2, true)
	f1 := expect.Fresh("tx", 48*time.Hour, expect.With("now", "2024-01-02"))
	f2 := expect.Fresh("ty", 48*time.Hour, expect.With("now", "2024-01-02"))
	part := map[string]any{"bins": []any{0, 50, 100}, "weights": []any{0.9, 0.1}}
	k1 := expect.KLDivergenceLessThan("x", part, 0.01)
	k2 := expect.KLDivergenceLessThan("y", part, 0.01)
	rep, err := expect.Validate(context.Background(), expect.NewSuite("t", z1, z2, f1, f2, k1, k2), rr)
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, r := range rep.Results {
		got += fmt.Sprint(r.Success, " ")
	}
	if got != "false true true false true false " {
		t.Fatalf("results %s", got)
	}
}
