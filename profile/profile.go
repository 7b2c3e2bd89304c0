// Package profile describes the columns of a dataset in one streaming pass, merges
// and serializes those descriptions, and suggests an expectation suite from them.
//
// [Run] plans one profile metric per column (and one over whole rows for the duplicate
// estimate) on the engine's single-pass, parallel scanner, so memory depends on the
// sketch sizes, never on the row count. Per column it reports, by kind:
//
//   - every column: Arrow type, rows, nulls, non-null count, distinct count (exact up
//     to 10,000 distinct values, then HyperLogLog++ with a relative standard error of
//     1.04/√(2^14) = 0.81%), and the most frequent values with their counts (exact while
//     the column has at most 4,096 distinct values, then a Misra-Gries summary whose
//     counts are lower bounds within top_values_max_error ≤ 2·n/4096 of the truth);
//   - numeric: NaN, +Inf, −Inf, zero and negative counts, min, max, mean, sample and
//     population standard deviation, skewness and excess kurtosis (pandas' bias-corrected
//     G1 and G2; moments merged with Pébay's pairwise formulas), quantiles (exact, with
//     numpy's linear interpolation, while at most 100,000 values; then a KLL sketch with
//     k = 400, whose normalized rank error is below 0.86% with 99% confidence), and an
//     equal-width histogram (numpy.histogram's bins and edges);
//   - strings: min and max (byte-wise), min, max and mean length in bytes and in
//     characters, and the fraction of values that look like an integer, a float, a date,
//     an e-mail address, a URL or a UUID;
//   - temporal: min, max, quantiles and a histogram over time;
//   - boolean: true and false counts.
//
// Moments, quantiles and histograms are over the finite values; NaN is neither null nor
// part of the distinct count or the frequent values (pandas' nunique/value_counts
// convention). At table level: rows, columns and an estimate of the duplicate rows.
//
// Profiles merge ([Profile.Merge]): profiling parts and merging equals profiling the
// whole (exactly while the sketches are exact, within their bounds after). They
// serialize to JSON (schema version [SchemaVersion], documented on [Profile] and
// [Column]) with the sketches included, so a saved profile can be merged again or used
// as a drift reference ([Column.QuantileSketch], [Column.Frequencies],
// [Column.Histogram]).
package profile

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/assay-go/assay/internal/kernels"
	"github.com/assay-go/assay/internal/metric"
	"github.com/assay-go/assay/internal/scan"
	"github.com/assay-go/assay/internal/sketch/hist"
	"github.com/assay-go/assay/internal/sketch/kll"
)

// SchemaVersion is the version of the profile JSON schema written by this package.
const SchemaVersion = 1

// DefaultQuantiles are the probabilities reported by default.
var DefaultQuantiles = []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}

// Defaults of the reporting options.
const (
	DefaultBins = 20
	DefaultTopK = 10
)

// Option configures [Run] and [Suggest].
type Option func(*options)

type options struct {
	cfg         metric.ProfileConfig
	concurrency int
	quantiles   []float64
	bins        int
	topK        int
	duplicates  bool
	source      string
	rowLimit    int

	// Suggest
	valueSetMax   int
	rowCountSlack float64
}

func newOptions(opts []Option) options {
	o := options{quantiles: DefaultQuantiles, bins: DefaultBins, topK: DefaultTopK, duplicates: true,
		rowLimit: metric.DefaultRowSampleLimit, valueSetMax: DefaultValueSetMax, rowCountSlack: 0.5}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// WithConcurrency bounds the scanning workers (default GOMAXPROCS).
func WithConcurrency(n int) Option { return func(o *options) { o.concurrency = n } }

// WithQuantiles sets the reported quantile probabilities (each in [0, 1]).
func WithQuantiles(qs ...float64) Option {
	return func(o *options) { o.quantiles = slices.Clone(qs) }
}

// WithBins sets the number of histogram bins (default 20).
func WithBins(n int) Option { return func(o *options) { o.bins = n } }

// WithTopK sets how many frequent values are reported per column (default 10).
func WithTopK(k int) Option { return func(o *options) { o.topK = k } }

// WithSketches sets the sketch parameters (exact limits, HLL precision, KLL k, top-k
// capacity); zero fields keep the defaults.
func WithSketches(cfg metric.ProfileConfig) Option { return func(o *options) { o.cfg = cfg } }

// WithDuplicates turns the duplicate-row estimate on (default) or off; it hashes every
// row, which costs one extra pass over the columns in memory.
func WithDuplicates(on bool) Option { return func(o *options) { o.duplicates = on } }

// WithSource names the data in the profile.
func WithSource(name string) Option { return func(o *options) { o.source = name } }

// Settings are the reporting settings a profile was summarised with.
type Settings struct {
	Quantiles []float64 `json:"quantiles"`
	Bins      int       `json:"bins"`
	TopK      int       `json:"top_k"`
}

// Profile describes a dataset. Its JSON form (schema_version 1) is:
//
//	schema_version        1
//	source                what was profiled (optional)
//	rows                  number of rows
//	column_count          number of columns
//	duplicate_rows        estimated rows equal to an earlier row (pandas' duplicated().sum())
//	duplicate_rows_exact  whether duplicate_rows is exact (≤ 2^20 distinct rows)
//	settings              quantiles, bins and top_k used for the summaries
//	columns               one [Column] each, in schema order
//	row_state             the mergeable row-hash counter (absent when disabled)
type Profile struct {
	SchemaVersion      int       `json:"schema_version"`
	Source             string    `json:"source,omitempty"`
	Rows               int64     `json:"rows"`
	ColumnCount        int       `json:"column_count"`
	DuplicateRows      *int64    `json:"duplicate_rows,omitempty"`
	DuplicateRowsExact bool      `json:"duplicate_rows_exact"`
	Settings           Settings  `json:"settings"`
	Columns            []*Column `json:"columns"`

	RowState *metric.ProfileRows `json:"row_state,omitempty"`
}

// Column describes one column. JSON fields (absent when they do not apply or are
// undefined, e.g. the standard deviation of one value):
//
//	name, type, kind        column name, Arrow type, numeric|temporal|string|boolean|other
//	count, null_count       non-null values and nulls (Arrow nulls; NaN is a value)
//	distinct_count          distinct non-null values (NaN excluded)
//	distinct_exact          false when from HyperLogLog++ (distinct_std_error: relative)
//	min, max                numbers (integers exact), ISO dates/times, or strings
//	mean, stddev, stddev_pop, skewness, kurtosis   over finite values; stddev has ddof 1,
//	                        stddev_pop ddof 0; skewness G1, kurtosis G2 (excess), as pandas
//	nan_count, pos_inf_count, neg_inf_count, zero_count, negative_count   numeric only
//	quantiles               {"0.25": …} linear interpolation (exact) or KLL (sketch);
//	quantiles_exact         false when from the sketch, quantiles_rank_error its bound
//	histogram               {edges, counts, exact}: numpy.histogram(bins, range=(min,max))
//	                        over finite values; temporal edges also as ISO (edges_time)
//	top_values              [{value, count}] most frequent first, ties by value;
//	top_values_exact        false when from the summary: counts are then lower bounds,
//	                        each within top_values_max_error of the truth
//	length_bytes, length_chars   {min, max, mean} of string lengths
//	hints                   fraction of string values matching each shape (metric.Hint)
//	true_count, false_count boolean only
//	state                   the complete mergeable state (sketches included)
type Column struct {
	Name             string             `json:"name"`
	Type             string             `json:"type"`
	Kind             metric.ProfileKind `json:"kind"`
	Count            int64              `json:"count"`
	NullCount        int64              `json:"null_count"`
	DistinctCount    int64              `json:"distinct_count"`
	DistinctExact    bool               `json:"distinct_exact"`
	DistinctStdError float64            `json:"distinct_std_error,omitempty"`

	Min       any      `json:"min,omitempty"`
	Max       any      `json:"max,omitempty"`
	Mean      *float64 `json:"mean,omitempty"`
	StdDev    *float64 `json:"stddev,omitempty"`
	StdDevPop *float64 `json:"stddev_pop,omitempty"`
	Skewness  *float64 `json:"skewness,omitempty"`
	Kurtosis  *float64 `json:"kurtosis,omitempty"`

	NaNCount      *int64 `json:"nan_count,omitempty"`
	PosInfCount   *int64 `json:"pos_inf_count,omitempty"`
	NegInfCount   *int64 `json:"neg_inf_count,omitempty"`
	ZeroCount     *int64 `json:"zero_count,omitempty"`
	NegativeCount *int64 `json:"negative_count,omitempty"`

	Quantiles          map[string]any `json:"quantiles,omitempty"`
	QuantilesExact     *bool          `json:"quantiles_exact,omitempty"`
	QuantilesRankError float64        `json:"quantiles_rank_error,omitempty"`
	Histogram          *Histogram     `json:"histogram,omitempty"`

	TopValues         []ValueCount `json:"top_values,omitempty"`
	TopValuesExact    bool         `json:"top_values_exact"`
	TopValuesMaxError int64        `json:"top_values_max_error,omitempty"`

	LengthBytes *Lengths           `json:"length_bytes,omitempty"`
	LengthChars *Lengths           `json:"length_chars,omitempty"`
	Hints       map[string]float64 `json:"hints,omitempty"`

	TrueCount  *int64 `json:"true_count,omitempty"`
	FalseCount *int64 `json:"false_count,omitempty"`

	State *metric.ProfileColumn `json:"state,omitempty"`
}

// Histogram is an equal-width histogram: Counts[i] values fall in [Edges[i],
// Edges[i+1]), the last bin closed. Edges are in the column's storage units (numbers; for
// temporal columns the storage integer, also rendered in EdgesTime). In sketch mode
// (Exact false) the counts come from the KLL items' weights and each cumulative count is
// within the sketch's rank error (times the count) of the truth.
type Histogram struct {
	Edges     []float64 `json:"edges"`
	EdgesTime []string  `json:"edges_time,omitempty"`
	Counts    []int64   `json:"counts"`
	Exact     bool      `json:"exact"`
}

// ValueCount is a value with its count.
type ValueCount struct {
	Value any   `json:"value"`
	Count int64 `json:"count"`
}

// Lengths summarises string lengths.
type Lengths struct {
	Min  int64   `json:"min"`
	Max  int64   `json:"max"`
	Mean float64 `json:"mean"`
}

// Run profiles the batches of rr in one pass (rr is read to the end, not released).
func Run(ctx context.Context, rr array.RecordReader, opts ...Option) (*Profile, error) {
	o := newOptions(opts)
	if err := o.check(); err != nil {
		return nil, err
	}
	schema := rr.Schema()
	plan := scan.NewPlan()
	handles := make([]int, schema.NumFields())
	names := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		names[i] = f.Name
		cfg := o.cfg
		cfg.Seed += uint64(i)
		handles[i] = plan.Add(metric.Spec{
			Key:     fmt.Sprintf("profile:%d:%s", i, f.Name),
			Columns: []string{f.Name},
			New: func(types []arrow.DataType) (metric.State, error) {
				return metric.NewProfileColumn(types[0], cfg)
			},
		})
	}
	rowsH := -1
	if o.duplicates && len(names) > 0 {
		// The row hash reads every column; its group is keyed by the last column so
		// that the first column's task is not the busiest.
		cols := append([]string{names[len(names)-1]}, names[:len(names)-1]...)
		rowsH = plan.Add(metric.Spec{
			Key:     "profile:rows",
			Columns: cols,
			New: func([]arrow.DataType) (metric.State, error) {
				return metric.NewProfileRows(o.rowLimit)
			},
		})
	}
	if len(names) == 0 {
		// No column to scan: count the rows alone.
		plan.Add(metric.Spec{Key: "profile:count",
			New: func([]arrow.DataType) (metric.State, error) { return &metric.RowCount{}, nil }})
	}
	res, err := scan.Run(ctx, rr, plan, scan.Options{Concurrency: o.concurrency})
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	for _, e := range res.Errs {
		if e != nil {
			return nil, fmt.Errorf("profile: %w", e)
		}
	}
	p := &Profile{SchemaVersion: SchemaVersion, Source: o.source, Rows: res.Rows, ColumnCount: len(names),
		Settings: Settings{Quantiles: o.quantiles, Bins: o.bins, TopK: o.topK}}
	if rowsH >= 0 {
		p.RowState = res.States[rowsH].(*metric.ProfileRows)
	}
	for i, name := range names {
		c := &Column{Name: name, State: res.States[handles[i]].(*metric.ProfileColumn)}
		p.Columns = append(p.Columns, c)
	}
	p.summarise()
	return p, nil
}

func (o *options) check() error {
	for _, q := range o.quantiles {
		if !(q >= 0 && q <= 1) {
			return fmt.Errorf("profile: quantile probability %v outside [0, 1]", q)
		}
	}
	if o.bins < 1 || o.bins > 1<<16 {
		return fmt.Errorf("profile: %d histogram bins outside [1, 65536]", o.bins)
	}
	if o.topK < 0 {
		return fmt.Errorf("profile: negative top-k %d", o.topK)
	}
	return nil
}

// Column returns the column named name, or nil.
func (p *Profile) Column(name string) *Column {
	for _, c := range p.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Merge adds the profile of other rows of the same schema (columns matched by position,
// name and type) into p; both must have been made with the same sketch parameters
// (WithSketches), or Merge fails and p must be discarded. Profiling parts of a dataset and merging them gives the profile of the
// whole: exactly while every sketch is exact, within the sketches' bounds otherwise.
func (p *Profile) Merge(other *Profile) error {
	if len(p.Columns) != len(other.Columns) {
		return fmt.Errorf("profile: cannot merge a profile of %d columns into one of %d", len(other.Columns), len(p.Columns))
	}
	for i, c := range p.Columns {
		oc := other.Columns[i]
		if oc.Name != c.Name || oc.State.TypeName != c.State.TypeName {
			return fmt.Errorf("profile: column %d is %s %s here but %s %s in the merged profile",
				i, c.Name, c.State.TypeName, oc.Name, oc.State.TypeName)
		}
	}
	if (p.RowState == nil) != (other.RowState == nil) && p.Rows > 0 && other.Rows > 0 {
		// One side lacks the row hashes: the duplicate estimate is lost.
		p.RowState = nil
	} else if p.RowState != nil && other.RowState != nil {
		if err := p.RowState.Merge(other.RowState); err != nil {
			return fmt.Errorf("profile: rows: %w", err)
		}
	} else if p.RowState == nil && p.Rows == 0 {
		p.RowState = other.RowState
	}
	for i, c := range p.Columns {
		if err := c.State.Merge(other.Columns[i].State); err != nil {
			return fmt.Errorf("profile: column %s: %w", c.Name, err)
		}
	}
	p.Rows += other.Rows
	if p.Source != other.Source {
		p.Source = ""
	}
	p.summarise()
	return nil
}

// summarise recomputes every derived field from the states.
func (p *Profile) summarise() {
	p.SchemaVersion = SchemaVersion
	p.ColumnCount = len(p.Columns)
	p.DuplicateRows, p.DuplicateRowsExact = nil, false
	if p.RowState != nil {
		d, exact := p.RowState.Duplicates()
		p.DuplicateRows, p.DuplicateRowsExact = &d, exact
	}
	for _, c := range p.Columns {
		c.summarise(p.Settings)
	}
}

func f64(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

func i64(n int64) *int64 { return &n }

// number renders a float for JSON: ±Inf as the strings "Infinity"/"-Infinity".
func number(f float64) any {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return nil
	}
	return f
}

// QuantileKey is the JSON key of probability q in Column.Quantiles.
func QuantileKey(q float64) string { return strconv.FormatFloat(q, 'g', -1, 64) }

func (c *Column) summarise(set Settings) {
	s := c.State
	*c = Column{Name: c.Name, State: s, Type: s.TypeName, Kind: s.Kind, Count: s.NonNull(), NullCount: s.Nulls}
	if s.Kind == metric.KindOther {
		return
	}
	d, exact := s.Distinct.Estimate()
	c.DistinctCount, c.DistinctExact = int64(d), exact
	if !exact {
		c.DistinctStdError = 1.04 / math.Sqrt(float64(uint64(1)<<s.Distinct.Precision()))
	}
	switch s.Kind {
	case metric.KindNumeric:
		c.NaNCount, c.PosInfCount, c.NegInfCount = i64(s.NaN), i64(s.PosInf), i64(s.NegInf)
		c.ZeroCount, c.NegativeCount = i64(s.Zeros), i64(s.Negatives)
		if s.NonNull() > s.NaN {
			if s.HasInt {
				c.Min, c.Max = s.MinInt, s.MaxInt
			} else {
				c.Min, c.Max = number(s.Min), number(s.Max)
			}
		}
		m := s.Moments
		if m.N > 0 {
			c.Mean = f64(m.Mean)
		}
		c.StdDev = f64(math.Sqrt(m.Var(1)))
		c.StdDevPop = f64(math.Sqrt(m.Var(0)))
		c.Skewness = f64(m.Skewness())
		c.Kurtosis = f64(m.Kurtosis())
		c.quantiles(set, nil)
	case metric.KindTemporal:
		if s.NonNull() > 0 {
			c.Min, c.Max = fmtTime(s, s.MinInt), fmtTime(s, s.MaxInt)
		}
		c.quantiles(set, s)
	case metric.KindString:
		if s.StrN > 0 {
			c.Min, c.Max = s.MinStr, s.MaxStr
			n := float64(s.StrN)
			c.LengthBytes = &Lengths{Min: s.LenBytes.Min, Max: s.LenBytes.Max, Mean: float64(s.LenBytes.Sum) / n}
			c.LengthChars = &Lengths{Min: s.LenChars.Min, Max: s.LenChars.Max, Mean: float64(s.LenChars.Sum) / n}
			c.Hints = map[string]float64{}
			for i, name := range metric.HintNames {
				c.Hints[name] = float64(s.Hints[i]) / n
			}
		}
	case metric.KindBool:
		c.TrueCount, c.FalseCount = i64(s.True), i64(s.False)
	}
	vals, exactTop, maxErr := c.Frequencies()
	if len(vals) > set.TopK {
		vals = vals[:set.TopK]
	}
	c.TopValues, c.TopValuesExact, c.TopValuesMaxError = vals, exactTop, maxErr
}

func fmtTime(s *metric.ProfileColumn, v int64) string {
	t := s.Time(v)
	if s.TimeUnit == "d" {
		return t.Format("2006-01-02")
	}
	return kernels.FormatTime(t)
}

func (c *Column) quantiles(set Settings, temporal *metric.ProfileColumn) {
	sk := c.State.Quantiles
	if sk == nil || sk.N() == 0 {
		return
	}
	exact := sk.Exact()
	c.QuantilesExact = &exact
	if !exact {
		c.QuantilesRankError = kll.RankErrorBound(sk.K())
	}
	c.Quantiles = map[string]any{}
	for _, q := range set.Quantiles {
		v := sk.Quantile(q)
		if temporal != nil {
			c.Quantiles[QuantileKey(q)] = kernels.FormatTime(temporal.Time(int64(math.Round(v))))
		} else {
			c.Quantiles[QuantileKey(q)] = number(v)
		}
	}
	c.Histogram = histogram(sk, set.Bins)
	if temporal != nil && c.Histogram != nil {
		for _, e := range c.Histogram.Edges {
			c.Histogram.EdgesTime = append(c.Histogram.EdgesTime, kernels.FormatTime(temporal.Time(int64(math.Round(e)))))
		}
	}
}

// histogram bins the sketch's items exactly as numpy.histogram(a, bins) does with
// range (min, max), through internal/sketch/hist (edges = numpy.linspace(min, max,
// bins+1), numpy's bin index with its one-off correction, the maximum in the last
// bin). When min = max the range is (min − 0.5, max + 0.5).
func histogram(sk *kll.Sketch, bins int) *Histogram {
	vals, weights := sk.Items()
	if len(vals) == 0 {
		return nil
	}
	lo, hi := sk.Min(), sk.Max() // exact even in sketch mode
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	h, err := hist.New(lo, hi, bins)
	if err != nil {
		return nil // a range that overflows float64: no histogram rather than a wrong one
	}
	for j, x := range vals {
		h.AddN(x, weights[j])
	}
	counts := make([]int64, bins)
	for i, c := range h.Counts() {
		counts[i] = int64(c)
	}
	return &Histogram{Edges: h.Edges(), Counts: counts, Exact: sk.Exact()}
}

// QuantileSketch returns the KLL sketch of the column's finite values (numeric and
// temporal columns; nil otherwise). It is exact (every value kept) while Exact()
// reports so. For drift tests: Rank/CDF give the reference distribution function.
// Temporal values are their storage integers (days, or units since the epoch).
func (c *Column) QuantileSketch() *kll.Sketch { return c.State.Quantiles }

// Frequencies returns every counted value with its count, most frequent first (ties by
// value), whether the counts are exact and complete (the column had at most the
// summary's capacity of distinct values), and otherwise the largest underestimate of
// any count. Values are rendered as in JSON: int64, uint64, float64, string, bool,
// ISO dates and times. For drift tests of categorical columns.
func (c *Column) Frequencies() (vals []ValueCount, exact bool, maxErr int64) {
	s := c.State
	switch s.Kind {
	case metric.KindOther:
		return nil, true, 0
	case metric.KindBool:
		if s.True > 0 {
			vals = append(vals, ValueCount{Value: true, Count: s.True})
		}
		if s.False > 0 {
			vals = append(vals, ValueCount{Value: false, Count: s.False})
		}
		if len(vals) == 2 && (s.False > s.True) {
			vals[0], vals[1] = vals[1], vals[0]
		}
		return vals, true, 0
	}
	for _, kc := range s.Top.Counts() {
		v := kc.Key
		if s.Kind == metric.KindTemporal {
			v = fmtTime(s, kc.Key.(int64))
		}
		vals = append(vals, ValueCount{Value: v, Count: kc.Count})
	}
	return vals, s.Top.Exact(), s.Top.MaxError()
}

// WriteJSON writes the profile as indented JSON.
func (p *Profile) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// Read decodes a profile written by WriteJSON (or json.Marshal), rebuilding every
// summary from the saved states so that the result can be merged and compared.
func Read(r io.Reader) (*Profile, error) {
	var p Profile
	dec := json.NewDecoder(r)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("profile: decode: %w", err)
	}
	if p.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("profile: unsupported schema_version %d (want %d)", p.SchemaVersion, SchemaVersion)
	}
	if p.Rows < 0 {
		return nil, fmt.Errorf("profile: negative rows %d", p.Rows)
	}
	o := newOptions(nil)
	o.quantiles, o.bins, o.topK = p.Settings.Quantiles, p.Settings.Bins, p.Settings.TopK
	if err := o.check(); err != nil {
		return nil, err
	}
	for i, c := range p.Columns {
		if c == nil || c.State == nil {
			return nil, fmt.Errorf("profile: column %d lacks its state", i)
		}
		if c.State.Rows != p.Rows {
			return nil, fmt.Errorf("profile: column %s has %d rows, the profile %d", c.Name, c.State.Rows, p.Rows)
		}
	}
	if p.RowState != nil && p.RowState.Rows != p.Rows {
		return nil, fmt.Errorf("profile: row_state has %d rows, the profile %d", p.RowState.Rows, p.Rows)
	}
	p.summarise()
	return &p, nil
}

// Load reads a profile JSON file.
func Load(path string) (*Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
