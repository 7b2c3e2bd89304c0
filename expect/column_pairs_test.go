package expect_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/assay-go/assay/expect"
)

func TestColumnPairs(t *testing.T) {
	ab := func(a, b string, ta, tb arrow.DataType) []col {
		return []col{{"a", ta, a}, {"b", tb, b}}
	}
	c4Check(t, []c4Case{
		{name: "equal default ignore", typ: "expect_column_pair_values_to_be_equal", kwargs: kw("column_A", "a", "column_B", "b"),
			cols:    ab(`[1, 2, null, 4, null]`, `[1.0, 3, 3, null, null]`, c4Int, c4F64),
			success: false, unexpected: []any{[]any{2, 3}, []any{nil, 3}, []any{4, nil}}, missing: 1,
			reason: "int and float compare by value; one null is unexpected; both null is skipped"},
		{name: "equal either missing", typ: "expect_column_pair_values_to_be_equal", kwargs: kw("column_A", "a", "column_B", "b", "ignore_row_if", "either_value_is_missing"),
			cols: ab(`[1, null, 4]`, `[1, 3, null]`, c4Int, c4Int), success: true, missing: 2},
		{name: "equal neither", typ: "expect_column_pair_values_to_be_equal", kwargs: kw("column_A", "a", "column_B", "b", "ignore_row_if", "neither"),
			cols: ab(`["x", null]`, `["x", null]`, c4Str, c4LStr), success: false, unexpected: []any{[]any{nil, nil}}, missing: 0,
			reason: "as pandas NaN, null never equals null"},
		{name: "equal strings dates", typ: "expect_column_pair_values_to_be_equal", kwargs: kw("column_A", "a", "column_B", "b"),
			cols: ab(`["2020-01-02", "2020-01-03"]`, `["2020-01-02T00:00:00", "2020-01-03T00:00:01"]`, c4Date, c4TS), success: false,
			unexpected: []any{[]any{"2020-01-03", "2020-01-03T00:00:01"}}, reason: "dates and timestamps compare as instants"},
		{name: "equal empty", typ: "expect_column_pair_values_to_be_equal", kwargs: kw("column_A", "a", "column_B", "b"),
			cols: ab(`[]`, `[]`, c4Int, c4Int), success: true},
		{name: "equal kinds differ", typ: "expect_column_pair_values_to_be_equal", kwargs: kw("column_A", "a", "column_B", "b"),
			cols: ab(`[1]`, `["1"]`, c4Int, c4Str), exception: true},
		{name: "greater", typ: "expect_column_pair_values_a_to_be_greater_than_b", kwargs: kw("column_A", "a", "column_B", "b"),
			cols: ab(`[2, 2, 1, null]`, `[1, 2, 3, 0]`, c4Int, c4F64), success: false, unexpected: []any{[]any{2, 2}, []any{1, 3}, []any{nil, 0}}},
		{name: "greater or equal mostly", typ: "expect_column_pair_values_a_to_be_greater_than_b", kwargs: kw("column_A", "a", "column_B", "b", "or_equal", true, "mostly", 0.5),
			cols: ab(`["b", "a", "a"]`, `["a", "a", "b"]`, c4Str, c4Str), success: true, unexpected: []any{[]any{"a", "b"}}},
		{name: "greater wrong type", typ: "expect_column_pair_values_a_to_be_greater_than_b", kwargs: kw("column_A", "a", "column_B", "b"),
			cols: ab(`[[1]]`, `[1]`, arrow.ListOf(c4Int), c4Int), exception: true},
		{name: "in set", typ: "expect_column_pair_values_to_be_in_set",
			kwargs:  kw("column_A", "a", "column_B", "b", "value_pairs_set", []any{[]any{1, "x"}, []any{2, nil}}),
			cols:    ab(`[1, 2, 2, 1, null]`, `["x", null, "x", "y", null]`, c4Int, c4Str),
			success: false, unexpected: []any{[]any{2, "x"}, []any{1, "y"}}, missing: 1, reason: "null in the set matches null"},
		{name: "in set bad pair", typ: "expect_column_pair_values_to_be_in_set", kwargs: kw("column_A", "a", "column_B", "b", "value_pairs_set", []any{[]any{1}}),
			buildErr: true},
		{name: "missing column", typ: "expect_column_pair_values_to_be_equal", kwargs: kw("column_A", "a", "column_B", "zz"),
			cols: ab(`[1]`, `[1]`, c4Int, c4Int), exception: true},
		{name: "bad ignore_row_if", typ: "expect_column_pair_values_to_be_equal", kwargs: kw("column_A", "a", "column_B", "b", "ignore_row_if", "sometimes"),
			buildErr: true},
	})
}

func TestPairIndexColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rr := table(t, mem, 2, true, col{"a", c4Int, `[1, 5, 3]`}, col{"b", c4Int, `[1, 2, 3]`}, col{"id", c4Str, `["r0", "r1", "r2"]`})
	defer rr.Release()
	e := expect.PairEqual("a", "b", expect.With("result_format", map[string]any{"result_format": "COMPLETE", "unexpected_index_column_names": []any{"id"}}))
	if err := expect.ConfigError(e); err != nil {
		t.Fatal(err)
	}
	m := c4Run(t, e, rr)
	res := m["result"].(map[string]any)
	want := []any{map[string]any{"a": 5, "b": 2, "id": "r1"}}
	if !c4JSONEqual(want, res["unexpected_index_list"]) {
		t.Fatalf("unexpected_index_list %s, want %s", c4JS(res["unexpected_index_list"]), c4JS(want))
	}
}

func ExamplePairGreater() {
	mem := memory.NewGoAllocator()
	ship, deliver := array.NewInt64Builder(mem), array.NewInt64Builder(mem)
	ship.AppendValues([]int64{1, 5, 7}, nil)
	deliver.AppendValues([]int64{3, 4, 9}, nil)
	s, d := ship.NewArray(), deliver.NewArray()
	schema := arrow.NewSchema([]arrow.Field{{Name: "shipped", Type: arrow.PrimitiveTypes.Int64}, {Name: "delivered", Type: arrow.PrimitiveTypes.Int64}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{s, d}, 3)
	s.Release()
	d.Release()
	rr, _ := array.NewRecordReader(schema, []arrow.Record{rec})
	rec.Release()
	defer rr.Release()

	e := expect.PairGreater("delivered", "shipped", true)
	rep, _ := expect.Validate(context.Background(), expect.NewSuite("orders", e), rr)
	r := rep.Results[0]
	fmt.Println(r.Success, r.Result.PartialList)
	// Output: false [[4 5]]
}
