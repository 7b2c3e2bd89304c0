package expect_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/assay-go/assay/expect"
	"github.com/assay-go/assay/internal/jsonlit"
)

// The Great Expectations conformance test runs every case of testdata/gx/cases.jsonl
// (GX's own expectation test definitions, converted; see testdata/gx/README.md for the
// provenance, the licence and the assertion rules implemented here).
//
//	go test ./expect -run TestGXConformance            # fail on unlisted failures
//	go test ./expect -run TestGXConformance -gx.report # list failures, never fail
//	ASSAY_GX_REPORT=1 go test ./expect -run TestGXConformance
//	ASSAY_GX_STRICT=1 go test ./expect -run TestGXConformance # unregistered types fail too
//
// Cases listed in testdata/gx_quirks.json are skipped with the reason given there.

var gxReport = flag.Bool("gx.report", false, "GX conformance: report failures without failing the test")

// gxStrict makes cases of expectation types that are not registered fail. The whole
// catalogue is registered, so it is on unless ASSAY_GX_STRICT=0.
var gxStrict = os.Getenv("ASSAY_GX_STRICT") != "0"

const gxDir = "testdata/gx"

type gxCase struct {
	ID              string         `json:"id"`
	ExpectationType string         `json:"expectation_type"`
	Category        string         `json:"category"`
	Title           string         `json:"title"`
	Data            string         `json:"data"`
	Kwargs          map[string]any `json:"kwargs"`
	ResultFormat    any            `json:"result_format"`
	Expected        map[string]any `json:"expected"`
	ExactMatchOut   bool           `json:"exact_match_out"`
	Error           map[string]any `json:"error"`
	Tolerance       *float64       `json:"tolerance"`
	IndexColumn     string         `json:"index_column"`
}

type gxQuirkEntry struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// gxInf is what the non-standard literals Infinity and -Infinity are rewritten to
// before decoding, and turned back into ±Inf floats after.
const gxInf, gxNegInf = `"__gx_Infinity__"`, `"__gx_-Infinity__"`

// replaceInfinity rewrites the bare Infinity / -Infinity tokens of a JSON text (those
// outside string literals) into sentinel strings encoding/json accepts.
func replaceInfinity(b []byte) []byte {
	return jsonlit.Rewrite(b, map[string]string{"-Infinity": gxNegInf, "Infinity": gxInf})
}

// restoreInfinity replaces the sentinel strings by float64 infinities.
func restoreInfinity(v any) any {
	switch x := v.(type) {
	case string:
		switch `"` + x + `"` {
		case gxInf:
			return math.Inf(1)
		case gxNegInf:
			return math.Inf(-1)
		}
	case []any:
		for i := range x {
			x[i] = restoreInfinity(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = restoreInfinity(x[k])
		}
	}
	return v
}

func loadGXCases(t testing.TB) []gxCase {
	t.Helper()
	f, err := os.Open(filepath.Join(gxDir, "cases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []gxCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var c gxCase
		if err := json.Unmarshal(replaceInfinity(sc.Bytes()), &c); err != nil {
			t.Fatalf("cases.jsonl:%d: %v", line, err)
		}
		c.Kwargs, _ = restoreInfinity(c.Kwargs).(map[string]any)
		c.Expected, _ = restoreInfinity(c.Expected).(map[string]any)
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func loadGXQuirks(t testing.TB) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "gx_quirks.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var qs []gxQuirkEntry
	if err := json.Unmarshal(b, &qs); err != nil {
		t.Fatalf("gx_quirks.json: %v", err)
	}
	out := map[string]string{}
	for _, q := range qs {
		if q.Reason == "" {
			t.Fatalf("gx_quirks.json: %s has no reason", q.ID)
		}
		out[q.ID] = q.Reason
	}
	return out
}

// openGXData reads an Arrow IPC file into a record reader; release it when done.
func openGXData(mem memory.Allocator, path string) (array.RecordReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer r.Close()
	var recs []arrow.Record
	defer func() {
		for _, rec := range recs {
			rec.Release()
		}
	}()
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.RecordAt(i)
		if err != nil {
			return nil, fmt.Errorf("%s: batch %d: %w", path, i, err)
		}
		recs = append(recs, rec)
	}
	return array.NewRecordReader(r.Schema(), recs)
}

type gxOutcome int

const (
	gxPass gxOutcome = iota
	gxFail
	gxUnregistered
	gxQuirk
	gxNotRun // filtered out by -run
)

type gxTally struct {
	pass, total int
}

func TestGXConformance(t *testing.T) {
	cases := loadGXCases(t)
	quirks := loadGXQuirks(t)
	report := *gxReport || os.Getenv("ASSAY_GX_REPORT") == "1"
	byType := map[string]*gxTally{}
	var passed, unregistered, skipped int
	var failures []string
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.ID] {
			t.Fatalf("duplicate case id %s", c.ID)
		}
		seen[c.ID] = true
		tl := byType[c.ExpectationType]
		if tl == nil {
			tl = &gxTally{}
			byType[c.ExpectationType] = tl
		}
		tl.total++
		outcome, msg := gxNotRun, ""

		t.Run(c.ID, func(t *testing.T) {
			outcome, msg = runGXCase(t, c, quirks)
			switch outcome {
			case gxPass:
			case gxQuirk:
				t.Skipf("GX quirk: %s", msg)
			case gxUnregistered:
				if gxStrict && !report {
					t.Errorf("%s", msg)
					return
				}
				t.Skip(msg)
			case gxFail:
				if report {
					t.Logf("FAIL (report mode): %s", msg)
					return
				}
				t.Errorf("%s", msg)
			}
		})
		switch outcome {
		case gxNotRun:
			tl.total--
			continue
		case gxPass:
			passed++
			tl.pass++
		case gxQuirk:
			skipped++
		case gxUnregistered:
			unregistered++
			failures = append(failures, fmt.Sprintf("%s: %s", c.ID, msg))
		case gxFail:
			failures = append(failures, fmt.Sprintf("%s: %s", c.ID, firstLine(msg)))
		}
	}
	types := make([]string, 0, len(byType))
	for k := range byType {
		types = append(types, k)
	}
	sort.Strings(types)
	var sb strings.Builder
	ran := 0
	for _, tl := range byType {
		ran += tl.total
	}
	fmt.Fprintf(&sb, "GX conformance: %d/%d passed (%.1f%%); %d quirks skipped, %d of unregistered types\n",
		passed, ran, 100*float64(passed)/float64(max(1, ran)), skipped, unregistered)
	for _, typ := range types {
		tl := byType[typ]
		if tl.total == 0 {
			continue
		}
		mark := ""
		if _, ok := expect.DefaultRegistry.Lookup(typ); !ok {
			mark = " (not registered)"
		}
		fmt.Fprintf(&sb, "  %-60s %3d/%-3d%s\n", typ, tl.pass, tl.total, mark)
	}
	if report && len(failures) > 0 {
		fmt.Fprintf(&sb, "failures:\n")
		for _, f := range failures {
			fmt.Fprintf(&sb, "  %s\n", f)
		}
	}
	fmt.Print(sb.String())
	t.Log(sb.String())
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

// runGXCase runs one case and says how it went; msg explains failures.
func runGXCase(t *testing.T, c gxCase, quirks map[string]string) (gxOutcome, string) {
	if r, ok := quirks[c.ID]; ok {
		return gxQuirk, r
	}
	if _, ok := expect.DefaultRegistry.Lookup(c.ExpectationType); !ok {
		return gxUnregistered, fmt.Sprintf("expectation type %s is not registered", c.ExpectationType)
	}
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)

	kw := map[string]any{}
	for k, v := range c.Kwargs {
		kw[k] = v
	}
	if _, ok := kw["result_format"]; !ok && c.ResultFormat != nil {
		kw["result_format"] = c.ResultFormat
	}
	wantErr := c.Error != nil
	traceback := ""
	if c.Error != nil {
		traceback, _ = c.Error["traceback_substring"].(string)
	}
	if s, ok := c.Expected["traceback_substring"].(string); ok {
		wantErr, traceback = true, s
	}

	e, err := expect.DefaultRegistry.Build(expect.Config{Type: c.ExpectationType, Kwargs: kw})
	if err != nil {
		if wantErr {
			return gxPass, ""
		}
		return gxFail, fmt.Sprintf("build: %v", err)
	}
	rr, err := openGXData(mem, filepath.Join(gxDir, c.Data))
	if err != nil {
		t.Fatalf("data: %v", err)
	}
	defer rr.Release()
	rep, err := expect.Validate(context.Background(), expect.NewSuite(c.ID, e), rr)
	if err != nil {
		if wantErr {
			return gxPass, ""
		}
		return gxFail, fmt.Sprintf("validate: %v", err)
	}
	raw, err := json.Marshal(rep.Results[0])
	if err != nil {
		return gxFail, fmt.Sprintf("marshal result: %v", err)
	}
	var res map[string]any
	if err := json.Unmarshal(raw, &res); err != nil {
		return gxFail, fmt.Sprintf("unmarshal result: %v", err)
	}
	exc, _ := res["exception_info"].(map[string]any)
	raised, _ := exc["raised_exception"].(bool)
	excMsg, _ := exc["exception_message"].(string)
	if wantErr {
		if !raised {
			return gxFail, fmt.Sprintf("want an error (reference: %q), got none; result %s", traceback, raw)
		}
		if s, ok := c.Expected["success"].(bool); ok && s != res["success"] {
			return gxFail, fmt.Sprintf("success: want %v, got %v", s, res["success"])
		}
		return gxPass, ""
	}
	if raised {
		return gxFail, fmt.Sprintf("unexpected exception: %s", excMsg)
	}
	detail, _ := res["result"].(map[string]any)
	if detail == nil {
		detail = map[string]any{}
	}
	var problems []string
	check := func(key string, ok bool, want, got any) {
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: want %s, got %s", key, js(want), js(got)))
		}
	}
	if c.ExactMatchOut {
		check("success", c.Expected["success"] == res["success"], c.Expected["success"], res["success"])
		want, _ := c.Expected["result"].(map[string]any)
		for k, w := range want {
			g, ok := detail[k]
			if !ok {
				continue // the reference compares only keys both sides have
			}
			check("result."+k, approxEqual(w, g, 0), w, g)
		}
	} else {
		for k, w := range c.Expected {
			switch k {
			case "success":
				check(k, w == res["success"], w, res["success"])
			case "observed_value":
				tol := 0.0
				if c.Tolerance != nil {
					tol = *c.Tolerance
				}
				g, ok := detail["observed_value"]
				check(k, ok && approxEqual(w, g, tol), w, detail["observed_value"])
			case "unexpected_list", "partial_unexpected_list":
				g, ok := detail[k]
				check(k, ok && multisetEqual(w, g), w, detail[k])
			case "unexpected_index_list":
				g, ok := detail[k]
				check(k, ok && indexListEqual(w, g, c.IndexColumn), w, detail[k])
			case "details":
				check(k, approxEqual(w, detail["details"], 0), w, detail["details"])
			case "value_counts":
				d, _ := detail["details"].(map[string]any)
				check(k, containsAll(w, d["value_counts"]), w, d["value_counts"])
			case "observed_partition", "expected_partition":
				d, _ := detail["details"].(map[string]any)
				check(k, partitionEqual(w, d[k]), w, d[k])
			default:
				problems = append(problems, fmt.Sprintf("harness: unknown expected key %q", k))
			}
		}
	}
	if len(problems) > 0 {
		return gxFail, strings.Join(problems, "; ") + "\nkwargs: " + js(kw) + "\nresult: " + string(raw)
	}
	return gxPass, ""
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// asNumber reads JSON numbers, and the strings jsonSafe writes for non-finite floats.
func asNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		switch x {
		case "Infinity", "inf":
			return math.Inf(1), true
		case "-Infinity", "-inf":
			return math.Inf(-1), true
		case "NaN":
			return math.NaN(), true
		}
	}
	return 0, false
}

// approxEqual compares JSON values; numbers within tol relative (a default of a few
// ulps when tol is 0), lists element-wise, objects key-wise.
func approxEqual(want, got any, tol float64) bool {
	if wf, ok := asNumber(want); ok {
		gf, ok := asNumber(got)
		if !ok {
			return false
		}
		if math.IsNaN(wf) || math.IsNaN(gf) {
			return math.IsNaN(wf) && math.IsNaN(gf)
		}
		if wf == gf {
			return true
		}
		if math.IsInf(wf, 0) || math.IsInf(gf, 0) {
			return false
		}
		if tol == 0 {
			tol = 1e-9
		}
		return math.Abs(wf-gf) <= tol*math.Max(math.Abs(wf), math.Abs(gf))
	}
	switch w := want.(type) {
	case nil:
		return got == nil
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !approxEqual(w[i], g[i], tol) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok || !approxEqual(wv, gv, tol) {
				return false
			}
		}
		return true
	}
	return want == got
}

// multisetEqual compares two lists ignoring order.
func multisetEqual(want, got any) bool {
	w, ok1 := want.([]any)
	g, ok2 := got.([]any)
	if !ok1 || !ok2 || len(w) != len(g) {
		return false
	}
	used := make([]bool, len(g))
outer:
	for _, wv := range w {
		for j, gv := range g {
			if !used[j] && approxEqual(wv, gv, 0) {
				used[j] = true
				continue outer
			}
		}
		return false
	}
	return true
}

// indexListEqual compares unexpected_index_list entries ordered by the index column
// (plain row indices when the entries are numbers).
func indexListEqual(want, got any, idxCol string) bool {
	w, ok1 := want.([]any)
	g, ok2 := got.([]any)
	if !ok1 || !ok2 || len(w) != len(g) {
		return false
	}
	if idxCol == "" {
		idxCol = "pk_index"
	}
	key := func(v any) float64 {
		if f, ok := asNumber(v); ok {
			return f
		}
		if m, ok := v.(map[string]any); ok {
			if f, ok := asNumber(m[idxCol]); ok {
				return f
			}
		}
		return math.Inf(1)
	}
	w, g = slices.Clone(w), slices.Clone(g)
	sort.SliceStable(w, func(i, j int) bool { return key(w[i]) < key(w[j]) })
	sort.SliceStable(g, func(i, j int) bool { return key(g[i]) < key(g[j]) })
	for i := range w {
		wm, wIsMap := w[i].(map[string]any)
		gm, gIsMap := g[i].(map[string]any)
		if wIsMap != gIsMap {
			return false
		}
		if !wIsMap {
			if !approxEqual(w[i], g[i], 0) {
				return false
			}
			continue
		}
		for k, wv := range wm {
			if !approxEqual(wv, gm[k], 0) {
				return false
			}
		}
	}
	return true
}

// containsAll reports whether every entry of want appears in got.
func containsAll(want, got any) bool {
	w, ok1 := want.([]any)
	g, ok2 := got.([]any)
	if !ok1 || !ok2 {
		return false
	}
outer:
	for _, wv := range w {
		for _, gv := range g {
			if approxEqual(wv, gv, 0) {
				continue outer
			}
		}
		return false
	}
	return true
}

// partitionEqual compares bins, weights and (when expected) tail_weights
// approximately.
func partitionEqual(want, got any) bool {
	w, ok1 := want.(map[string]any)
	g, ok2 := got.(map[string]any)
	if !ok1 || !ok2 {
		return false
	}
	for _, k := range []string{"bins", "values", "weights", "tail_weights"} {
		wv, ok := w[k]
		if !ok {
			continue
		}
		if !approxEqual(wv, g[k], 1e-6) {
			return false
		}
	}
	return true
}

// FuzzReplaceInfinity: JSON without the Infinity literals passes through unchanged, and
// whatever replaceInfinity returns for a document with them decodes.
func FuzzReplaceInfinity(f *testing.F) {
	for _, s := range []string{`{"a": [1, -Infinity, Infinity], "b": "Infinity \" x"}`, `[]`, `"Infinity"`, `{"k": -Infinity}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		out := replaceInfinity(b)
		if json.Valid(b) && !bytes.Contains(b, []byte("Infinity")) && !bytes.Equal(out, b) {
			t.Fatalf("changed valid JSON without Infinity: %q -> %q", b, out)
		}
		// Replacing the literals in a document that is valid apart from them makes it
		// valid JSON.
		plain := bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("-Infinity"), []byte("null")), []byte("Infinity"), []byte("null"))
		if json.Valid(plain) && !json.Valid(out) {
			t.Fatalf("not valid after replacement: %q -> %q", b, out)
		}
	})
}
