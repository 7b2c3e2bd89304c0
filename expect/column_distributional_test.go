package expect_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/assay-go/assay/expect"
)

func TestKLDivergence(t *testing.T) {
	const typ = "expect_column_kl_divergence_to_be_less_than"
	abc := []col{{"c", c4Str, `["A", "A", "A", "A", "A", "B", "B", "B", "C", "C", null]`}}
	third := 1.0 / 3
	x := []col{{"x", c4F64, `[0.5, 1.5, 1.5, 2.5, 5, null]`}}
	c4Check(t, []c4Case{
		// scipy.stats.entropy([.5, .3, .2], [1/3]*3) = 0.06895927460353621 (GX's docstring example)
		{name: "categorical", typ: typ, kwargs: kw("column", "c", "threshold", 0.1,
			"partition_object", map[string]any{"values": []any{"A", "B", "C"}, "weights": []any{third, third, third}}),
			cols: abc, success: true, observed: 0.06895927460353621},
		{name: "categorical unseen value, no holdout", typ: typ, kwargs: kw("column", "c", "threshold", 0.1,
			"partition_object", map[string]any{"values": []any{"A", "B"}, "weights": []any{0.5, 0.5}}),
			cols: abc, success: false, observed: "<nil>", reason: "C has expected weight 0: KL is infinite"},
		// with tail_weight_holdout 0.2: q = [.4, .4, .2], KL = .5 ln(1.25) + .3 ln(.75) = 0.02526...
		{name: "categorical holdout", typ: typ, kwargs: kw("column", "c", "threshold", 0.1, "tail_weight_holdout", 0.2,
			"partition_object", map[string]any{"values": []any{"A", "B"}, "weights": []any{0.5, 0.5}}),
			cols: abc, success: true, observed: 0.5*math.Log(1.25) + 0.3*math.Log(0.75)},
		{name: "categorical internal holdout", typ: typ, kwargs: kw("column", "c", "internal_weight_holdout", 0.1,
			"partition_object", map[string]any{"values": []any{"A"}, "weights": []any{1}}), buildErr: true},
		// expected [.2 .4 .2] with tails [.1 .1]; observed [0 | .2 .4 .2 | .2]: KL = .2 ln 2
		{name: "continuous tail holdout", typ: typ, kwargs: kw("column", "x", "threshold", 0.2, "tail_weight_holdout", 0.2,
			"partition_object", map[string]any{"bins": []any{0, 1, 2, 3}, "weights": []any{0.25, 0.5, 0.25}}),
			cols: x, success: true, observed: 0.2 * math.Ln2},
		{name: "continuous infinite ends", typ: typ, kwargs: kw("column", "x", "threshold", 0.01,
			"partition_object", map[string]any{"bins": []any{math.Inf(-1), 1, 2, "Infinity"}, "weights": []any{0.2, 0.4, 0.4}}),
			cols: x, success: true, observed: 0.0},
		{name: "continuous value outside", typ: typ, kwargs: kw("column", "x", "threshold", 1,
			"partition_object", map[string]any{"bins": []any{0, 1, 2, 3}, "weights": []any{0.25, 0.5, 0.25}}),
			cols: x, success: false, observed: "<nil>"},
		{name: "no data", typ: typ, kwargs: kw("column", "x", "threshold", 1,
			"partition_object", map[string]any{"bins": []any{0, 1}, "weights": []any{1}}),
			cols: []col{{"x", c4Int, `[null]`}}, success: false, observed: "<nil>"},
		{name: "auto partition", typ: typ, kwargs: kw("column", "x", "partition_object", nil, "threshold", nil),
			cols: x, success: true, observed: 0.0},
		{name: "auto categorical", typ: typ, kwargs: kw("column", "c", "partition_object", nil, "bucketize_data", false, "threshold", 0),
			cols: abc, success: true, observed: 0.0},
		{name: "continuous on strings", typ: typ, kwargs: kw("column", "c", "threshold", 1,
			"partition_object", map[string]any{"bins": []any{0, 1}, "weights": []any{1}}), cols: abc, exception: true},
		{name: "weights do not sum to 1", typ: typ, kwargs: kw("column", "x",
			"partition_object", map[string]any{"bins": []any{0, 1, 2}, "weights": []any{0.5, 0.6}}), buildErr: true},
		{name: "bins not increasing", typ: typ, kwargs: kw("column", "x",
			"partition_object", map[string]any{"bins": []any{0, 2, 1}, "weights": []any{0.5, 0.5}}), buildErr: true},
		{name: "holdout with tail_weights", typ: typ, kwargs: kw("column", "x", "tail_weight_holdout", 0.1,
			"partition_object", map[string]any{"bins": []any{0, 1}, "weights": []any{0.8}, "tail_weights": []any{0.1, 0.1}}), buildErr: true},
		{name: "negative threshold", typ: typ, kwargs: kw("column", "x", "threshold", -1,
			"partition_object", map[string]any{"bins": []any{0, 1}, "weights": []any{1}}), buildErr: true},
	})
}

func ExampleKLDivergenceLessThan() {
	rr := floatReader("latency_ms", 12, 15, 18, 22, 25, 31, 45, 80)
	defer rr.Release()
	e := expect.KLDivergenceLessThan("latency_ms", map[string]any{
		"bins":    []any{0, 20, 40, 100},
		"weights": []any{0.4, 0.4, 0.2},
	}, 0.1)
	rep, _ := expect.Validate(context.Background(), expect.NewSuite("latency", e), rr)
	r := rep.Results[0]
	fmt.Printf("%v %.4f\n", r.Success, r.Result.ObservedValue)
	// Output: true 0.0074
}
