package expect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/assay-go/assay/internal/condition"
	"github.com/assay-go/assay/internal/metric"
	"github.com/assay-go/assay/internal/scan"
)

// Suite is a named list of expectations.
type Suite struct {
	Name         string
	Expectations []Expectation
	Meta         map[string]any
}

// NewSuite returns a suite of the given expectations.
func NewSuite(name string, es ...Expectation) *Suite {
	return &Suite{Name: name, Expectations: es}
}

// Add appends expectations to the suite.
func (s *Suite) Add(es ...Expectation) *Suite {
	s.Expectations = append(s.Expectations, es...)
	return s
}

// Configs returns the configuration of every expectation, in order.
func (s *Suite) Configs() []Config {
	out := make([]Config, len(s.Expectations))
	for i, e := range s.Expectations {
		out[i] = e.Config()
	}
	return out
}

// Option configures [Validate].
type Option func(*options)

type options struct {
	concurrency int
	rf          *ResultFormat
	source      string
}

// WithConcurrency bounds the workers that update metrics (default GOMAXPROCS).
func WithConcurrency(n int) Option { return func(o *options) { o.concurrency = n } }

// WithResultFormat sets the result format of expectations that do not set their own
// (default SUMMARY).
func WithResultFormat(rf ResultFormat) Option { return func(o *options) { o.rf = &rf } }

// WithSource names the data in the report (a file path, a table name).
func WithSource(name string) Option { return func(o *options) { o.source = name } }

// Handle identifies a planned metric.
type Handle int

// Planner is how an expectation declares the metrics it needs.
type Planner struct {
	plan   *scan.Plan
	schema *arrow.Schema
	filter metric.Filter
	rf     ResultFormat
}

// Schema returns the schema of the data.
func (p *Planner) Schema() *arrow.Schema { return p.schema }

// ResultFormat returns the expectation's result format.
func (p *Planner) ResultFormat() ResultFormat { return p.rf }

// Filter returns the expectation's row condition, or nil.
func (p *Planner) Filter() metric.Filter { return p.filter }

// Field returns the field of a column, or an error wrapping ErrColumn.
func (p *Planner) Field(column string) (arrow.Field, error) {
	idx := p.schema.FieldIndices(column)
	if len(idx) == 0 {
		names := make([]string, p.schema.NumFields())
		for i, f := range p.schema.Fields() {
			names[i] = f.Name
		}
		return arrow.Field{}, fmt.Errorf("%w: %q%s", ErrColumn, column, suggest(column, names))
	}
	return p.schema.Field(idx[0]), nil
}

// Need plans a metric over the rows selected by the expectation's row condition.
func (p *Planner) Need(spec metric.Spec) Handle {
	spec.Filter = p.filter
	return Handle(p.plan.Add(spec))
}

// NeedAll plans a metric over all rows, ignoring the row condition.
func (p *Planner) NeedAll(spec metric.Spec) Handle {
	spec.Filter = nil
	return Handle(p.plan.Add(spec))
}

// Evaluator gives an expectation its computed metrics.
type Evaluator struct {
	res *scan.Result
	rf  ResultFormat
}

// State returns a planned metric's state, or the error that kept it from being
// computed (missing column, unsupported type). The state is valid only while Evaluate
// runs: Validate releases the Arrow memory states hold (metric.Releaser) once every
// expectation is evaluated, so an expectation must copy what it needs into its Result
// (as the built-ins do: numbers, boxed values) and not keep the state.
func (e *Evaluator) State(h Handle) (metric.State, error) {
	if err := e.res.Errs[h]; err != nil {
		if errors.Is(err, scan.ErrMissingColumn) {
			return nil, fmt.Errorf("%w: %v", ErrColumn, err)
		}
		return nil, err
	}
	return e.res.States[h], nil
}

// Rows returns the number of rows in the data.
func (e *Evaluator) Rows() int64 { return e.res.Rows }

// Schema returns the schema of the data.
func (e *Evaluator) Schema() *arrow.Schema { return e.res.Schema }

// ResultFormat returns the expectation's result format.
func (e *Evaluator) ResultFormat() ResultFormat { return e.rf }

type planned struct {
	exp     Expectation
	cfg     Config
	rf      ResultFormat
	catch   bool
	planErr error
}

// Validate runs the suite over the batches of rr (read to the end, not released) in
// one scan and returns the report. The error is non-nil only when the run itself
// fails: a read error, cancellation, or an exception in an expectation configured
// with catch_exceptions: false.
func Validate(ctx context.Context, s *Suite, rr array.RecordReader, opts ...Option) (*Report, error) {
	o := options{}
	for _, f := range opts {
		f(&o)
	}
	def := DefaultResultFormat
	if o.rf != nil {
		def = *o.rf
	}
	started := time.Now()
	schema := rr.Schema()
	plan := scan.NewPlan()
	items := make([]planned, len(s.Expectations))
	for i, e := range s.Expectations {
		cfg := e.Config()
		it := planned{exp: e, cfg: cfg, catch: true}
		var err error
		it.rf, err = ParseResultFormat(cfg.Kwargs["result_format"], def)
		if err == nil {
			if v, ok := cfg.Kwargs["catch_exceptions"].(bool); ok {
				it.catch = v
			}
		}
		var filter metric.Filter
		if err == nil {
			filter, err = compileCondition(cfg)
		}
		if err == nil {
			p := &Planner{plan: plan, schema: schema, filter: filter, rf: it.rf}
			err = e.Plan(p)
		}
		it.planErr = err
		if err != nil && !it.catch {
			return nil, fmt.Errorf("expectation %d (%s): %w", i, cfg.Type, err)
		}
		items[i] = it
	}
	res, err := scan.Run(ctx, rr, plan, scan.Options{Concurrency: o.concurrency, GrowShards: true})
	if err != nil {
		return nil, err
	}
	defer res.Release() // states may hold batch buffers; results copy what they report
	rep := &Report{Suite: s.Name, Meta: s.Meta, Results: make([]Result, len(items))}
	for i, it := range items {
		var r Result
		err := it.planErr
		if err == nil {
			r, err = safeEvaluate(it.exp, &Evaluator{res: res, rf: it.rf})
		}
		if err != nil {
			if !it.catch {
				return nil, fmt.Errorf("expectation %d (%s): %w", i, it.cfg.Type, err)
			}
			r = Result{ExceptionInfo: ExceptionInfo{Raised: true, Message: err.Error()}}
		}
		r.ExpectationConfig = it.cfg
		if it.cfg.Meta != nil {
			r.Meta = it.cfg.Meta
		}
		if it.rf.Format == "BOOLEAN_ONLY" {
			r.Result = Detail{}
		}
		rep.Results[i] = r
	}
	rep.Statistics.Evaluated = len(rep.Results)
	for _, r := range rep.Results {
		if r.Success {
			rep.Statistics.Successful++
		}
	}
	rep.Statistics.Unsuccessful = rep.Statistics.Evaluated - rep.Statistics.Successful
	if rep.Statistics.Evaluated > 0 {
		rep.Statistics.SuccessPercent = 100 * float64(rep.Statistics.Successful) / float64(rep.Statistics.Evaluated)
	} else {
		rep.Statistics.SuccessPercent = 100
	}
	rep.Success = rep.Statistics.Unsuccessful == 0
	rep.Run = RunStatistics{Rows: res.Rows, Batches: res.Batches, DurationMS: float64(time.Since(started).Microseconds()) / 1000,
		Metrics: plan.Len(), ColumnScans: res.ColumnScans, DataBytes: res.DataBytes, Source: o.source, Started: started.UTC()}
	return rep, nil
}

// safeEvaluate turns a panic in an expectation (a bug, or a user's custom code) into an
// exception result instead of crashing the run.
func safeEvaluate(e Expectation, ev *Evaluator) (r Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("expectation panicked: %v", p)
		}
	}()
	return e.Evaluate(ev)
}

func compileCondition(cfg Config) (metric.Filter, error) {
	cond, _ := cfg.Kwargs["row_condition"].(string)
	if v, ok := cfg.Kwargs["row_condition"]; ok && v != nil {
		if _, isStr := v.(string); !isStr {
			return nil, fmt.Errorf("%w: %s: kwargs.row_condition must be a string", ErrConfig, cfg.Type)
		}
	}
	parser, _ := cfg.Kwargs["condition_parser"].(string)
	if strings.TrimSpace(cond) == "" {
		if parser != "" && parser != "pandas" && parser != "great_expectations" && parser != "python" {
			return nil, fmt.Errorf("%w: %s: unknown condition_parser %q (pandas or great_expectations)", ErrConfig, cfg.Type, parser)
		}
		return nil, nil
	}
	f, err := condition.Compile(parser, cond)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: row_condition: %v", ErrConfig, cfg.Type, err)
	}
	return f, nil
}
