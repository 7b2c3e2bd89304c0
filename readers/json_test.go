package readers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

func TestJSON(t *testing.T) {
	tests := []struct {
		reason string
		name   string
		input  string
		opts   []Option
		types  string
		values string
	}{
		{"array of records, key order kept, missing keys null", "t.json",
			`[{"b": 1, "a": "x"}, {"a": "y", "c": true}]`, nil,
			"b:int64,a:utf8,c:bool", "[[1 (null)] [x y] [(null) true]]"},
		{"ndjson", "t.ndjson", "{\"a\":1}\n{\"a\":2}\n\n{\"a\":null}\n", nil, "a:int64", "[[1 2 (null)]]"},
		{"jsonl with objects spanning lines", "t.jsonl", "{\"a\":\n 1}\n{\"a\":2}", nil, "a:int64", "[[1 2]]"},
		{"int widens to float", "t.json", `[{"a":1},{"a":2.5},{"a":1e3}]`, nil, "a:float64", "[[1 2.5 1000]]"},
		{"mixed types become utf8 with JSON text", "t.json", `[{"a":1},{"a":"x"},{"a":true},{"a":{"k":[1, 2]}},{"a":[1]}]`, nil,
			"a:utf8", `[[1 x true {"k":[1,2]} [1]]]`},
		{"nested objects are structs, arrays lists", "t.json",
			`[{"o":{"x":1,"y":"a"},"l":[1,2]},{"o":{"y":"b","z":false},"l":[]},{"o":null,"l":null}]`, nil,
			"o:struct<x: int64, y: utf8, z: bool>,l:list<item: int64, nullable>",
			`[[{"x":1,"y":"a","z":null} {"x":null,"y":"b","z":false} (null)] [[1,2] [] (null)]]`},
		{"list of structs", "t.json", `[{"l":[{"a":1},{"b":2}]}]`, nil,
			"l:list<item: struct<a: int64, b: int64>, nullable>", `[[[{"a":1,"b":null},{"a":null,"b":2}]]]`},
		{"dates and timestamps in strings", "t.json",
			`[{"d":"2024-01-02","t":"2024-01-02T03:04:05Z","s":"2024-01-02"},{"d":"2024-03-01","t":"2024-01-02","s":"Jan 1"}]`, nil,
			"d:date32,t:timestamp[us, tz=UTC],s:utf8", "[[2024-01-02 2024-03-01] [2024-01-02 03:04:05Z 2024-01-02 00:00:00Z] [2024-01-02 Jan 1]]"},
		{"escapes", "t.json", `[{"a":"q\"\\\/\n\u00e9\ud83d\ude00","k\u0062":1}]`, nil,
			"a:utf8,kb:int64", "[[q\"\\/\né😀] [1]]"},
		{"all-null column is utf8; empty array", "t.json", `[{"a":null,"b":[]}]`, nil, "a:utf8,b:list<item: utf8, nullable>", "[[(null)] [[]]]"},
		{"projection skips other keys", "t.json", `[{"a":1,"b":{"x":1},"c":"z"},{"a":2,"zz":5}]`,
			[]Option{WithColumns([]string{"c", "a"})}, "c:utf8,a:int64", "[[z (null)] [1 2]]"},
		{"override types", "t.json", `[{"a":1,"b":2.0,"c":"2024-01-01T00:00:00Z","d":5}]`,
			[]Option{WithColumnTypes(map[string]arrow.DataType{"a": arrow.PrimitiveTypes.Float64, "b": arrow.PrimitiveTypes.Int32,
				"c": &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, "d": arrow.BinaryTypes.String, "e": arrow.PrimitiveTypes.Int64})},
			"a:float64,b:int32,c:timestamp[ms, tz=UTC],d:utf8,e:int64", "[[1] [2] [2024-01-01 00:00:00Z] [5] [(null)]]"},
		{"empty array", "t.json", `[]`, nil, "", "[]"},
		{"BOM", "t.json", "\xef\xbb\xbf[{\"a\":1}]", nil, "a:int64", "[[1]]"},
		{"integral float in an int64 column after the sample", "t.json", `[{"a":1},{"a":2.0}]`, []Option{WithInferRows(1)}, "a:int64", "[[1 2]]"},
		{"key only seen as null after the sample is fine", "t.json", `[{"a":1},{"a":2,"b":null}]`, []Option{WithInferRows(1)}, "a:int64", "[[1 2]]"},
		{"big integer becomes float", "t.json", `[{"a":123456789012345678901234}]`, nil, "a:float64", "[[1.2345678901234569e+23]]"},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), tc.name, tc.input)
			tb, err := readPath(t, p, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got := tb.types(); got != tc.types {
				t.Errorf("types %s\nwant  %s", got, tc.types)
			}
			if got := fmt.Sprint(tb.cols); got != tc.values {
				t.Errorf("values %q\nwant   %q", got, tc.values)
			}
		})
	}
}

func TestJSONErrors(t *testing.T) {
	tests := []struct {
		reason    string
		input     string
		opts      []Option
		fragments []string
	}{
		{"syntax error", "[\n{\"a\":1},\n{\"a\" 2}\n]", nil, []string{"bad.json:3", "byte 16", "syntax", "invalid character '2'"}},
		{"truncated array", "[\n{\"a\":1},\n{\"a\":2}", nil, []string{"bad.json", "syntax", "truncated"}},
		{"truncated object", "[{\"a\":1},{\"a\":", nil, []string{"bad.json:1", "syntax"}},
		{"ndjson syntax error", "{\"a\":1}\n{\"a\":}\n", nil, []string{"bad.json:2", "syntax"}},
		{"record is not an object", "[1,2]", nil, []string{"bad.json:1", "not a JSON object"}},
		{"data after the array", "[{\"a\":1}] x", nil, []string{"bad.json", "syntax"}},
		{"string in an int64 column after the sample", "[{\"a\":1},\n{\"a\":\"x\"}]", []Option{WithInferRows(1)},
			[]string{"bad.json:2", `column "a"`, `value "\"x\""`, "int64", "WithInferRows"}},
		{"fraction in an int64 column after the sample", "[{\"a\":1},{\"a\":1.5}]", []Option{WithInferRows(1)},
			[]string{"bad.json:1", "byte 14", `"1.5"`}},
		{"new key after the sample", "{\"a\":1}\n{\"a\":2,\"b\":3}\n", []Option{WithInferRows(1)},
			[]string{"bad.json:2", `column "b"`, "first 1 records"}},
		{"new nested key after the sample", "{\"o\":{\"x\":1}}\n{\"o\":{\"y\":3}}\n", []Option{WithInferRows(1)},
			[]string{"bad.json:2", `"o.y"`}},
		{"duplicate key", "[{\"a\":1,\"a\":2}]", nil, []string{"bad.json", "duplicate"}},
		{"list element does not fit", "[{\"l\":[1]},{\"l\":[\"x\"]}]", []Option{WithInferRows(1)}, []string{`"l[]"`, `"\"x\""`}},
		{"missing projected column", "[{\"a\":1}]", []Option{WithColumns([]string{"b"})}, []string{"bad.json", `"b"`}},
		{"unsupported override", "[{\"a\":1}]", []Option{WithColumnTypes(map[string]arrow.DataType{"a": arrow.BinaryTypes.Binary})},
			[]string{"bad.json", "not supported"}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "bad.json", tc.input)
			_, err := readPath(t, p, tc.opts...)
			wantInputErr(t, err, tc.fragments...)
		})
	}
}

// TestJSONStreamsInBatches checks that a large array is read in batches after the sample.
func TestJSONStreamsInBatches(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := range 30_000 {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"i":%d,"s":"v%d","f":%d.25}`, i, i%10, i)
	}
	b.WriteString("]")
	p := writeFile(t, t.TempDir(), "big.json", b.String())
	tb, err := readPath(t, p, WithBatchSize(4096), WithInferRows(100))
	if err != nil {
		t.Fatal(err)
	}
	if tb.rows != 30_000 || tb.batches != 8 || tb.col("i")[29_999] != "29999" || tb.col("f")[7] != "7.25" {
		t.Errorf("rows=%d batches=%d", tb.rows, tb.batches)
	}
}

// TestJSONStream reads several JSON files as one stream: later files take the first
// file's column order and types.
func TestJSONStream(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.ndjson", "{\"x\":1,\"y\":\"a\"}\n")
	writeFile(t, dir, "b.ndjson", "{\"y\":\"b\"}\n{\"x\":2.0,\"y\":\"c\"}\n")
	tb, err := readPath(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if tb.types() != "x:int64,y:utf8" || fmt.Sprint(tb.cols) != "[[1 (null) 2] [a b c]]" {
		t.Errorf("%s %v", tb.types(), tb.cols)
	}
	writeFile(t, dir, "c.ndjson", "{\"x\":3,\"z\":true}\n")
	_, err = readPath(t, dir)
	wantInputErr(t, err, "c.ndjson", "a.ndjson", "3 columns instead of 2")
}

// TestJSONPipeline covers the splitter goroutine that runs after the sample: the
// first error in record order wins, and a reader released mid-stream stops it.
func TestJSONPipeline(t *testing.T) {
	var b strings.Builder
	for i := range 30_000 {
		switch i {
		case 20_000:
			b.WriteString("{\"a\":\"oops\"}\n") // value error first...
		case 20_010:
			b.WriteString("{\"a\":}\n") // ...then a syntax error in the same batch
		default:
			fmt.Fprintf(&b, "{\"a\":%d}\n", i)
		}
	}
	p := writeFile(t, t.TempDir(), "pipe.ndjson", b.String())
	_, err := readPath(t, p, WithInferRows(100), WithBatchSize(1000))
	wantInputErr(t, err, "pipe.ndjson:20001", `"\"oops\""`, "int64")

	releaseEarly(t, p)
}
