package expect_test

import (
	"encoding/json"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/assay-go/assay/expect"
)

// The rows of a duplicated value are known only once every value has been seen, so the
// uniqueness check keeps the identifying columns (unexpected_index_column_names) of
// every batch and reports the identifiers of the duplicate rows, not their row
// numbers: across batches, with a row condition, at any concurrency, for the
// sort-based integer state and the hashing state alike, leaving no Arrow memory held.
func TestUniqueReportsIdentifyingColumns(t *testing.T) {
	const (
		ids    = `[10, 11, 12, 10, 13, 14, 11, null, 15, 10]`
		names  = `["a", "b", "c", "a", "d", "e", "b", null, "f", "a"]`
		orders = `["o-9", "o-8", "o-7", "o-6", "o-5", "o-4", "o-3", "o-2", "o-1", "o-0"]`
	)
	rf := expect.ResultFormatOpt(expect.ResultFormat{Format: "COMPLETE", UnexpectedIndexColumnNames: []string{"order"}})
	for _, tc := range []struct {
		name string
		e    expect.Expectation
		want string
	}{
		{"ints", expect.Unique("id", rf),
			`[{"id":10,"order":"o-9"},{"id":11,"order":"o-8"},{"id":10,"order":"o-6"},{"id":11,"order":"o-3"},{"id":10,"order":"o-0"}]`},
		{"strings", expect.Unique("name", rf),
			`[{"name":"a","order":"o-9"},{"name":"b","order":"o-8"},{"name":"a","order":"o-6"},{"name":"b","order":"o-3"},{"name":"a","order":"o-0"}]`},
		{"condition", expect.Unique("id", rf, expect.Where(`order != "o-0"`)),
			`[{"id":10,"order":"o-9"},{"id":11,"order":"o-8"},{"id":10,"order":"o-6"},{"id":11,"order":"o-3"}]`},
	} {
		for _, batch := range []int{0, 3} {
			for _, conc := range []int{1, 2, 8} {
				mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
				rr := table(t, mem, batch, batch > 0, col{"id", arrow.PrimitiveTypes.Int64, ids},
					col{"name", arrow.BinaryTypes.String, names}, col{"order", arrow.BinaryTypes.String, orders})
				m := run(t, tc.e, rr, expect.WithConcurrency(conc))
				rr.Release()
				mem.AssertSize(t, 0)
				res, _ := m["result"].(map[string]any)
				got, _ := json.Marshal(res["unexpected_index_list"])
				if m["success"] != false || string(got) != tc.want {
					t.Errorf("%s batch=%d concurrency=%d: success %v unexpected_index_list\n got %s\nwant %s",
						tc.name, batch, conc, m["success"], got, tc.want)
				}
			}
		}
	}
}
