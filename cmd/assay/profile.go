package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/assay-go/assay/profile"
	"github.com/assay-go/assay/readers"
)

func init() {
	commands["profile"] = command{run: runProfile, summary: "describe every column in one pass (text or JSON with mergeable sketches)"}
}

// profileFlags are the flags shared by profile and suggest.
type profileFlags struct {
	concurrency *int
	quantiles   *string
	bins        *int
	topK        *int
	noDup       *bool
	rf          *readerFlags
}

func addProfileFlags(fs flagDefiner) *profileFlags {
	return &profileFlags{
		concurrency: fs.Int("concurrency", 0, "workers updating metrics (default: number of CPUs)"),
		quantiles:   fs.String("quantiles", "", "comma-separated quantile probabilities (default 0.01,0.05,0.25,0.5,0.75,0.95,0.99)"),
		bins:        fs.Int("bins", profile.DefaultBins, "histogram bins"),
		topK:        fs.Int("top", profile.DefaultTopK, "frequent values reported per column"),
		noDup:       fs.Bool("no-duplicates", false, "skip the duplicate-row estimate (saves hashing every row)"),
		rf:          addReaderFlags(fs),
	}
}

func (f *profileFlags) options(source string) ([]profile.Option, error) {
	opts := []profile.Option{profile.WithConcurrency(*f.concurrency), profile.WithBins(*f.bins),
		profile.WithTopK(*f.topK), profile.WithDuplicates(!*f.noDup), profile.WithSource(source)}
	if *f.quantiles != "" {
		var qs []float64
		for _, s := range strings.Split(*f.quantiles, ",") {
			q, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || !(q >= 0 && q <= 1) {
				return nil, fmt.Errorf("%w: --quantiles: %q is not a probability in [0, 1]", errUsage, s)
			}
			qs = append(qs, q)
		}
		opts = append(opts, profile.WithQuantiles(qs...))
	}
	if *f.bins < 1 {
		return nil, fmt.Errorf("%w: --bins must be at least 1", errUsage)
	}
	if *f.topK < 0 {
		return nil, fmt.Errorf("%w: --top must not be negative", errUsage)
	}
	return opts, nil
}

// profileData profiles the files of paths as one dataset.
func profileData(ctx context.Context, paths []string, f *profileFlags) (*profile.Profile, error) {
	source := strings.Join(paths, ", ")
	popts, err := f.options(source)
	if err != nil {
		return nil, err
	}
	ropts, err := f.rf.options()
	if err != nil {
		return nil, err
	}
	rr, err := readers.OpenAll(ctx, paths, ropts...)
	if err != nil {
		return nil, err
	}
	defer rr.Release()
	return profile.Run(ctx, rr, popts...)
}

func runProfile(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("profile", "[--format text|json] [--no-state] DATA...", stderr)
	format := fs.String("format", "text", "output format: text or json")
	noState := fs.Bool("no-state", false, "json: leave out the mergeable sketch states (smaller, but cannot be merged or used as a drift reference)")
	pf := addProfileFlags(fs)
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
	p, err := profileData(ctx, paths, pf)
	if err != nil {
		return exitError, err
	}
	if *format == "json" {
		if *noState {
			p.RowState = nil
			for _, c := range p.Columns {
				c.State = nil
			}
		}
		err = p.WriteJSON(stdout)
	} else {
		err = writeProfileText(stdout, p)
	}
	if err != nil {
		return exitError, err
	}
	return exitOK, nil
}

// writeProfileText writes a readable per-column summary.
func writeProfileText(w io.Writer, p *profile.Profile) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", p.Source)
	fmt.Fprintf(&b, "rows %d, columns %d", p.Rows, p.ColumnCount)
	if p.DuplicateRows != nil {
		fmt.Fprintf(&b, ", duplicate rows %s", approx(*p.DuplicateRows, p.DuplicateRowsExact))
	}
	b.WriteString("\n")
	for _, c := range p.Columns {
		fmt.Fprintf(&b, "\n%s  %s (%s)\n", c.Name, c.Type, c.Kind)
		fmt.Fprintf(&b, "  count %d, nulls %d (%s), distinct %s\n", c.Count, c.NullCount,
			pct(c.NullCount, p.Rows), approx(c.DistinctCount, c.DistinctExact))
		if c.NaNCount != nil && (*c.NaNCount > 0 || *c.PosInfCount > 0 || *c.NegInfCount > 0) {
			fmt.Fprintf(&b, "  NaN %d, +Inf %d, -Inf %d\n", *c.NaNCount, *c.PosInfCount, *c.NegInfCount)
		}
		if c.ZeroCount != nil {
			fmt.Fprintf(&b, "  zeros %d, negatives %d\n", *c.ZeroCount, *c.NegativeCount)
		}
		if c.Min != nil {
			fmt.Fprintf(&b, "  min %s, max %s\n", show(c.Min), show(c.Max))
		}
		if c.Mean != nil {
			fmt.Fprintf(&b, "  mean %s, stddev %s, skewness %s, kurtosis %s\n", fnum(c.Mean), fnum(c.StdDev), fnum(c.Skewness), fnum(c.Kurtosis))
		}
		if len(c.Quantiles) > 0 {
			b.WriteString("  quantiles")
			if c.QuantilesExact != nil && !*c.QuantilesExact {
				fmt.Fprintf(&b, " (sketch, rank error ≤ %.2g%%)", c.QuantilesRankError*100)
			}
			b.WriteString(":")
			for _, q := range p.Settings.Quantiles {
				fmt.Fprintf(&b, " p%s=%s", strconv.FormatFloat(q*100, 'g', 4, 64), show(c.Quantiles[profile.QuantileKey(q)]))
			}
			b.WriteString("\n")
		}
		if h := c.Histogram; h != nil {
			fmt.Fprintf(&b, "  histogram [%s, %s] %s\n", show(h.Edges[0]), show(h.Edges[len(h.Edges)-1]), spark(h.Counts))
		}
		if c.LengthChars != nil {
			fmt.Fprintf(&b, "  length (chars) min %d, max %d, mean %.2f; (bytes) mean %.2f\n",
				c.LengthChars.Min, c.LengthChars.Max, c.LengthChars.Mean, c.LengthBytes.Mean)
		}
		var hints []string
		for _, name := range []string{"integer", "float", "date", "email", "url", "uuid"} {
			if f := c.Hints[name]; f > 0 {
				hints = append(hints, fmt.Sprintf("%s %.1f%%", name, f*100))
			}
		}
		if len(hints) > 0 {
			fmt.Fprintf(&b, "  looks like: %s\n", strings.Join(hints, ", "))
		}
		if c.TrueCount != nil {
			fmt.Fprintf(&b, "  true %d, false %d\n", *c.TrueCount, *c.FalseCount)
		}
		if len(c.TopValues) > 0 {
			b.WriteString("  top:")
			if !c.TopValuesExact {
				fmt.Fprintf(&b, " (counts ≥, within %d)", c.TopValuesMaxError)
			}
			for i, v := range c.TopValues {
				if i == 5 {
					break
				}
				fmt.Fprintf(&b, " %s (%d)", show(v.Value), v.Count)
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func approx(n int64, exact bool) string {
	if exact {
		return strconv.FormatInt(n, 10)
	}
	return "~" + strconv.FormatInt(n, 10)
}

func pct(n, of int64) string {
	if of == 0 {
		return "0%"
	}
	return strconv.FormatFloat(float64(n)*100/float64(of), 'f', 2, 64) + "%"
}

func fnum(f *float64) string {
	if f == nil {
		return "-"
	}
	return strconv.FormatFloat(*f, 'g', 6, 64)
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case float64:
		return strconv.FormatFloat(x, 'g', 6, 64)
	case string:
		if len(x) > 40 {
			x = x[:37] + "..."
		}
		return strconv.Quote(x)
	}
	return fmt.Sprint(v)
}

// spark renders counts as a bar of eighth blocks.
func spark(counts []int64) string {
	bars := []rune(" ▁▂▃▄▅▆▇█")
	var mx int64
	for _, c := range counts {
		mx = max(mx, c)
	}
	out := make([]rune, len(counts))
	for i, c := range counts {
		j := 0
		if mx > 0 {
			j = int(math.Ceil(float64(c) * 8 / float64(mx)))
		}
		out[i] = bars[j]
	}
	return string(out)
}
