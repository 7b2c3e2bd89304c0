package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/assay-go/assay/readers"
)

func init() {
	commands["schema"] = command{run: runSchema, summary: "print each input's schema and exact row count"}
}

type schemaColumn struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable bool   `json:"nullable"`
}

type schemaInput struct {
	Path    string         `json:"path"`
	Format  string         `json:"format"`
	Rows    int64          `json:"rows"`
	Columns []schemaColumn `json:"columns"`
}

func runSchema(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("schema", "[--format text|json] DATA...", stderr)
	format := fs.String("format", "text", "output format: text or json")
	rf := addReaderFlags(fs)
	paths, err := parseFlags(fs, args)
	if err != nil {
		return exitError, err
	}
	if err := oneOf("format", *format, "text", "json"); err != nil {
		return exitError, err
	}
	if len(paths) == 0 {
		fs.Usage()
		return exitError, fmt.Errorf("%w: no DATA given", errUsage)
	}
	var out struct {
		Inputs []schemaInput `json:"inputs"`
	}
	for _, p := range paths {
		in, err := describeInput(ctx, p, rf)
		if err != nil {
			return exitError, err
		}
		out.Inputs = append(out.Inputs, in)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return exitOK, enc.Encode(out)
	}
	for i, in := range out.Inputs {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "%s (%s, %d rows, %d columns)\n", in.Path, in.Format, in.Rows, len(in.Columns))
		w := 0
		for _, c := range in.Columns {
			w = max(w, len(c.Name))
		}
		for _, c := range in.Columns {
			null := ""
			if !c.Nullable {
				null = " not null"
			}
			fmt.Fprintf(stdout, "  %-*s  %s%s\n", w, c.Name, c.Type, null)
		}
	}
	return exitOK, nil
}

func describeInput(ctx context.Context, path string, rf *readerFlags) (schemaInput, error) {
	in := schemaInput{Path: path}
	opts, err := rf.options()
	if err != nil {
		return in, err
	}
	rr, err := readers.Open(ctx, path, opts...)
	if err != nil {
		return in, err
	}
	defer rr.Release()
	in.Format = readers.FormatOf(rr).String()
	for _, fl := range rr.Schema().Fields() {
		in.Columns = append(in.Columns, schemaColumn{Name: fl.Name, Type: fl.Type.String(), Nullable: fl.Nullable})
	}
	for rr.Next() {
		in.Rows += rr.Record().NumRows()
	}
	if err := rr.Err(); err != nil {
		return in, err
	}
	return in, nil
}

// flagDefiner is the part of flag.FlagSet that the shared flag groups use.
type flagDefiner interface {
	String(string, string, string) *string
	Int(string, int, string) *int
	Bool(string, bool, string) *bool
}

// readerFlags are the input options shared by the subcommands that read data.
type readerFlags struct {
	format    *string
	batch     *int
	delimiter *string
	noHeader  *bool
	nulls     *string
	columns   *string
}

func addReaderFlags(fs flagDefiner) *readerFlags {
	return &readerFlags{
		format:    fs.String("input-format", "", "force the input format (csv, tsv, parquet, json, ndjson, arrow, arrows); default: by extension and magic bytes"),
		batch:     fs.Int("batch-size", readers.DefaultBatchSize, "rows per record batch"),
		delimiter: fs.String("delimiter", "", "CSV field delimiter (default ',' or tab for .tsv)"),
		noHeader:  fs.Bool("no-header", false, "CSV files have no header row"),
		nulls:     fs.String("null", "", "comma-separated CSV tokens read as null, in addition to the empty field"),
		columns:   fs.String("columns", "", "comma-separated columns to read (default all)"),
	}
}

func (r *readerFlags) options() ([]readers.Option, error) {
	opts := []readers.Option{readers.WithBatchSize(*r.batch)}
	if *r.format != "" {
		f, err := readers.ParseFormat(*r.format)
		if err != nil {
			return nil, fmt.Errorf("%w: --input-format: %v", errUsage, err)
		}
		opts = append(opts, readers.WithFormat(f))
	}
	if *r.delimiter != "" {
		d := []rune(*r.delimiter)
		if *r.delimiter == `\t` {
			d = []rune{'\t'}
		}
		if len(d) != 1 {
			return nil, fmt.Errorf("%w: --delimiter must be one character", errUsage)
		}
		opts = append(opts, readers.WithDelimiter(d[0]))
	}
	if *r.noHeader {
		opts = append(opts, readers.WithHeader(false))
	}
	if *r.nulls != "" {
		opts = append(opts, readers.WithNullTokens(append([]string{""}, strings.Split(*r.nulls, ",")...)...))
	}
	if *r.columns != "" {
		opts = append(opts, readers.WithColumns(strings.Split(*r.columns, ",")))
	}
	return opts, nil
}
