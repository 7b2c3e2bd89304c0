package readers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

func TestCSV(t *testing.T) {
	tests := []struct {
		reason string
		name   string
		input  string
		opts   []Option
		types  string
		values string // fmt.Sprint of the columns
	}{
		{"inference of every type", "t.csv",
			"i,f,b,d,ts,s\n1,1.5,true,2024-01-02,2024-01-02T03:04:05Z,x\n-2,3,FALSE,2024-02-29,2024-01-02 03:04:05.5,y\n",
			nil,
			"i:int64,f:float64,b:bool,d:date32,ts:timestamp[us, tz=UTC],s:utf8",
			"[[1 -2] [1.5 3] [true false] [2024-01-02 2024-02-29] [2024-01-02 03:04:05Z 2024-01-02 03:04:05.5Z] [x y]]"},
		{"widening int -> float -> utf8, date -> timestamp", "t.csv",
			"a,b,c\n1,1,2024-01-01\n2.5,x,2024-01-01T00:00:01+01:00\n",
			nil,
			"a:float64,b:utf8,c:timestamp[us, tz=UTC]",
			"[[1 2.5] [1 x] [2024-01-01 00:00:00Z 2023-12-31 23:00:01Z]]"},
		{"empty field is the only default null; NA stays a string", "t.csv",
			"a,b\n1,NA\n,\n",
			nil,
			"a:int64,b:utf8",
			"[[1 (null)] [NA (null)]]"},
		{"custom null tokens", "t.csv",
			"a,b\n1,NA\nNULL,\n",
			[]Option{WithNullTokens("NA", "NULL")},
			"a:int64,b:utf8",
			"[[1 (null)] [(null) ]]"},
		{"all-null column is utf8", "t.csv", "a,b\n1,\n2,\n", nil, "a:int64,b:utf8", "[[1 2] [(null) (null)]]"},
		{"RFC 4180 quoting: delimiter, line break, doubled quote, CRLF", "t.csv",
			"a,b\r\n\"x,y\",\"line1\nline2\"\r\n\"say \"\"hi\"\"\",plain\r\n",
			nil,
			"a:utf8,b:utf8",
			"[[x,y say \"hi\"] [line1\nline2 plain]]"},
		{"quote inside an unquoted field is literal", "t.csv", "a\n12\" pipe\n", nil, "a:utf8", "[[12\" pipe]]"},
		{"quoting disabled", "t.csv", "a,b\n\"x,y\"\n", []Option{WithQuoting(false)}, "a:utf8,b:utf8", "[[\"x] [y\"]]"},
		{"no header", "t.csv", "1,a\n2,b\n", []Option{WithHeader(false)}, "column_1:int64,column_2:utf8", "[[1 2] [a b]]"},
		{"semicolon delimiter", "t.csv", "a;b\n1,5;2\n", []Option{WithDelimiter(';')}, "a:utf8,b:int64", "[[1,5] [2]]"},
		{"tsv", "t.tsv", "a\tb\n1\tx y\n", nil, "a:int64,b:utf8", "[[1] [x y]]"},
		{"empty lines skipped, no final newline", "t.csv", "a,b\n\n1,2\n\n3,4", nil, "a:int64,b:int64", "[[1 3] [2 4]]"},
		{"one column: empty line is a null", "t.csv", "a\n1\n\n3\n", nil, "a:int64", "[[1 (null) 3]]"},
		{"duplicate and empty header names", "t.csv", "a,a,\n1,2,3\n", nil, "a:int64,a_2:int64,column_3:int64", "[[1] [2] [3]]"},
		{"trailing delimiter makes an empty field", "t.csv", "a,b\n1,\n", nil, "a:int64,b:utf8", "[[1] [(null)]]"},
		{"quoted field then trailing delimiter", "t.csv", "a,b\n\"1\",\n", nil, "a:int64,b:utf8", "[[1] [(null)]]"},
		{"header only", "t.csv", "a,b\n", nil, "a:utf8,b:utf8", "[[] []]"},
		{"column type overrides", "t.csv",
			"a,b,c,d,e,f\n1,2,3,2024-01-01 00:00:00,7,1\n",
			[]Option{WithColumnTypes(map[string]arrow.DataType{
				"a": arrow.PrimitiveTypes.Int8, "b": arrow.BinaryTypes.String, "c": arrow.PrimitiveTypes.Float32,
				"d": &arrow.TimestampType{Unit: arrow.Second}, "e": arrow.PrimitiveTypes.Uint16, "f": arrow.FixedWidthTypes.Boolean})},
			"a:int8,b:utf8,c:float32,d:timestamp[s],e:uint16,f:bool",
			"[[1] [2] [3] [2024-01-01 00:00:00Z] [7] [true]]"},
		{"large int becomes float", "t.csv", "a\n99999999999999999999\n", nil, "a:float64", "[[1e+20]]"},
		{"NaN and Inf are floats", "t.csv", "a\n1.5\nNaN\n-Inf\n", nil, "a:float64", "[[1.5 NaN -Inf]]"},
		{"leading zeros keep a column utf8", "t.csv", "zip,n\n02134,0\n10001,-0\n", nil, "zip:utf8,n:int64", "[[02134 10001] [0 0]]"},
		{"values are not trimmed", "t.csv", "a\n 1\n", nil, "a:utf8", "[[ 1]]"},
		{"unicode", "t.csv", "名前,値\nä,1\n", nil, "名前:utf8,値:int64", "[[ä] [1]]"},
		{"byte order mark is skipped", "t.csv", "\xef\xbb\xbfa,b\n1,2\n", nil, "a:int64,b:int64", "[[1] [2]]"},
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

func TestCSVErrors(t *testing.T) {
	tests := []struct {
		reason    string
		input     string
		opts      []Option
		fragments []string
	}{
		{"unbalanced quote", "a,b\n1,2\n3,\"open\n4,5\n", nil, []string{"bad.csv:3", `column "b"`, "unbalanced quote"}},
		{"too few fields", "a,b,c\n1,2,3\n4,5\n", nil, []string{"bad.csv:3", `"c"`, "2 fields, want 3"}},
		{"too many fields", "a,b\n1,2\n4,5,6\n", nil, []string{"bad.csv:3", "3 fields, want 2"}},
		{"text after closing quote", "a,b\n\"x\"y,2\n", nil, []string{"bad.csv:2", `column "a"`, "closing quote"}},
		{"value does not fit an override", "a\n300\n", []Option{WithColumnTypes(map[string]arrow.DataType{"a": arrow.PrimitiveTypes.Int8})},
			[]string{"bad.csv:2", `column "a"`, `value "300"`, "int8"}},
		{"override of a missing column", "a\n1\n", []Option{WithColumnTypes(map[string]arrow.DataType{"zz": arrow.PrimitiveTypes.Int8})},
			[]string{"bad.csv", `"zz"`}},
		{"unsupported override type", "a\n1\n", []Option{WithColumnTypes(map[string]arrow.DataType{"a": arrow.ListOf(arrow.PrimitiveTypes.Int8)})},
			[]string{"bad.csv", "not supported"}},
		{"empty file", "", nil, []string{"bad.csv", "empty"}},
		{"bad delimiter", "a\n", []Option{WithDelimiter('é')}, []string{"bad.csv", "delimiter"}},
		{"after the sample", "a,b\n1,x\n2,y\n3.5,z\n", []Option{WithInferRows(2), WithBatchSize(1)},
			[]string{"bad.csv:4", `column "a"`, `value "3.5"`, "int64", "WithInferRows", "WithColumnTypes"}},
	}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "bad.csv", tc.input)
			_, err := readPath(t, p, tc.opts...)
			wantInputErr(t, err, tc.fragments...)
		})
	}
}

// TestCSVBadValueAfterSample: row 50,000 holds "abc" in an int64 column; the default
// sample is 10,000 rows, so the type is int64 and the value must be an error that
// names the file, line, column and value — not a null.
func TestCSVBadValueAfterSample(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,qty\n")
	for i := 1; i <= 60_000; i++ {
		if i == 50_000 {
			fmt.Fprintf(&b, "%d,abc\n", i)
			continue
		}
		fmt.Fprintf(&b, "%d,%d\n", i, i%7)
	}
	p := writeFile(t, t.TempDir(), "big.csv", b.String())
	_, err := readPath(t, p, WithBatchSize(8192))
	wantInputErr(t, err, "big.csv:50001", `column "qty"`, `value "abc"`, "int64")

	// With a large enough sample the column is utf8 and everything loads.
	tb, err := readPath(t, p, WithInferRows(60_000))
	if err != nil || tb.rows != 60_000 || tb.schema.Field(1).Type.ID() != arrow.STRING {
		t.Errorf("rows=%d schema=%v err=%v", tb.rows, tb.schema, err)
	}
	// Or with an override.
	tb, err = readPath(t, p, WithColumnTypes(map[string]arrow.DataType{"qty": arrow.BinaryTypes.String}))
	if err != nil || tb.rows != 60_000 || tb.col("qty")[49_999] != "abc" {
		t.Errorf("override: rows=%d err=%v", tb.rows, err)
	}
}

func TestCSVCompressed(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("n,sq\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "%d,%d\n", i, i*i)
	}
	data := []byte(b.String())
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"t.csv.gz", gz(t, data)},
		{"t.csv.zst", zst(t, data)},
		{"t.tsv.gz", gz(t, []byte(strings.ReplaceAll(b.String(), ",", "\t")))},
		{"renamed.dat", gz(t, data)},
	} {
		p := filepath.Join(dir, tc.name)
		if err := os.WriteFile(p, tc.data, 0o644); err != nil {
			t.Fatal(err)
		}
		tb, err := readPath(t, p, WithBatchSize(1000))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tb.rows != 5000 || tb.batches != 5 || tb.col("sq")[4999] != "24990001" || tb.types() != "n:int64,sq:int64" {
			t.Errorf("%s: rows=%d batches=%d types=%s", tc.name, tb.rows, tb.batches, tb.types())
		}
	}
	// A truncated gzip stream is an input error naming the file.
	gzData := gz(t, data)
	p := filepath.Join(dir, "cut.csv.gz")
	os.WriteFile(p, gzData[:len(gzData)/2], 0o644)
	_, err := readPath(t, p)
	wantInputErr(t, err, "cut.csv.gz")
}

// TestCSVLongLines covers records longer than the read buffer and quoted fields
// spanning many lines.
func TestCSVLongLines(t *testing.T) {
	long := strings.Repeat("x", 3<<20)
	multi := strings.Repeat("l\n", 1000)
	input := "a,b\n" + long + ",1\n\"" + multi + "\",2\n"
	p := writeFile(t, t.TempDir(), "long.csv", input)
	tb, err := readPath(t, p)
	if err != nil {
		t.Fatal(err)
	}
	if tb.rows != 2 || len(tb.col("a")[0]) != len(long) || tb.col("a")[1] != multi || tb.col("b")[1] != "2" {
		t.Errorf("rows=%d", tb.rows)
	}
	// Line numbers after a multi-line field count physical lines.
	p = writeFile(t, t.TempDir(), "long2.csv", "a,b\n\"x\ny\nz\",1\nq,w\n")
	_, err = readPath(t, p, WithInferRows(1))
	wantInputErr(t, err, "long2.csv:5", `column "b"`, `"w"`)
}

// TestCSVParallelBuild reads enough rows for the parallel column conversion and checks
// values and memory accounting.
func TestCSVParallelBuild(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b,c,d\n")
	for i := range 20_000 {
		fmt.Fprintf(&b, "%d,%d.5,s%d,%v\n", i, i, i%3, i%2 == 0)
	}
	p := writeFile(t, t.TempDir(), "par.csv", b.String())
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rr, err := Open(context.Background(), p, WithAllocator(mem), WithBatchSize(8000))
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	tb, err := drain(t, rr, 8000)
	if err != nil {
		t.Fatal(err)
	}
	if tb.rows != 20_000 || tb.batches != 3 || tb.col("a")[19_999] != "19999" || tb.col("b")[5] != "5.5" ||
		tb.col("c")[4] != "s1" || tb.col("d")[3] != "false" {
		t.Errorf("rows=%d batches=%d", tb.rows, tb.batches)
	}
}

// TestCSVPipeline covers the tokenizer goroutine that runs after the sample: errors
// found by it, and a reader released mid-stream (the goroutine must stop).
func TestCSVPipeline(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := range 50_000 {
		if i == 40_000 {
			b.WriteString("1,2,3\n")
			continue
		}
		fmt.Fprintf(&b, "%d,x%d\n", i, i)
	}
	p := writeFile(t, t.TempDir(), "pipe.csv", b.String())
	_, err := readPath(t, p, WithInferRows(100), WithBatchSize(1000))
	wantInputErr(t, err, "pipe.csv:40002", "3 fields, want 2")

	releaseEarly(t, p)
}

// releaseEarly opens path five times, reads three batches and releases the reader:
// no Arrow memory is left and the background parsing goroutines stop.
func releaseEarly(t *testing.T, path string) {
	t.Helper()
	before := runtime.NumGoroutine()
	for range 5 {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		rr, err := Open(context.Background(), path, WithInferRows(100), WithBatchSize(1000), WithAllocator(mem))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3 && rr.Next(); i++ {
		}
		rr.Release()
		mem.AssertSize(t, 0)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after releasing the readers, %d before", n, before)
	}
}
