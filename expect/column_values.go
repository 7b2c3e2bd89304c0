package expect

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/assay-go/assay/internal/kernels"
	"github.com/assay-go/assay/internal/metric"
)

// Column map expectations: each row of one column is checked; nulls are missing,
// neither expected nor unexpected (except for the null checks themselves); mostly is
// the fraction of non-null values that must pass.

var columnKwarg = Kwarg{Name: "column", Required: true, JSONType: "string", Doc: "the column checked"}

func init() {
	Register(Definition{
		Type: "expect_column_values_to_not_be_null", Map: true, Kwargs: []Kwarg{columnKwarg},
		Doc: "values are not null; mostly counts over all rows",
		New: func(cfg Config) (Expectation, error) {
			c, err := Args(cfg).Column()
			if err != nil {
				return nil, err
			}
			return NewMap(cfg, MapCheck{Column: c, Mode: metric.MapNulls})
		},
	})
	Register(Definition{
		Type: "expect_column_values_to_be_null", Map: true, Kwargs: []Kwarg{columnKwarg},
		Doc: "values are null; mostly counts over all rows",
		New: func(cfg Config) (Expectation, error) {
			c, err := Args(cfg).Column()
			if err != nil {
				return nil, err
			}
			return NewMap(cfg, MapCheck{Column: c, Mode: metric.MapNonNulls})
		},
	})
	for _, neg := range []bool{false, true} {
		typ := "expect_column_values_to_be_in_set"
		if neg {
			typ = "expect_column_values_to_not_be_in_set"
		}
		Register(Definition{
			Type: typ, Map: true,
			Kwargs: []Kwarg{columnKwarg, {Name: "value_set", Required: true, JSONType: "array", Doc: "the set of values"},
				{Name: "parse_strings_as_datetimes", JSONType: "boolean", Doc: "deprecated in GX; dates are compared by type"}},
			Doc: "values are (not) in value_set",
			New: func(cfg Config) (Expectation, error) {
				k := Args(cfg)
				c, err := k.Column()
				if err != nil {
					return nil, err
				}
				set, _, err := k.List("value_set", true)
				if err != nil {
					return nil, err
				}
				return NewMap(cfg, MapCheck{Column: c, Kernel: func(t arrow.DataType) (kernels.RowKernel, error) {
					return kernels.InSet(t, set, neg)
				}})
			},
		})
	}
	Register(Definition{
		Type: "expect_column_values_to_be_between", Map: true,
		Kwargs: []Kwarg{columnKwarg,
			{Name: "min_value", JSONType: "number|string|null", Doc: "lower bound (numbers, or ISO dates/timestamps for temporal columns)"},
			{Name: "max_value", JSONType: "number|string|null", Doc: "upper bound"},
			{Name: "strict_min", JSONType: "boolean", Doc: "exclude min_value"},
			{Name: "strict_max", JSONType: "boolean", Doc: "exclude max_value"},
			{Name: "allow_cross_type_comparisons", JSONType: "boolean|null"},
			{Name: "parse_strings_as_datetimes", JSONType: "boolean|null"},
			{Name: "output_strftime_format", JSONType: "string|null"}},
		Doc: "values lie between min_value and max_value",
		New: func(cfg Config) (Expectation, error) {
			k := Args(cfg)
			c, err := k.Column()
			if err != nil {
				return nil, err
			}
			lo, hi, err := bounds(k)
			if err != nil {
				return nil, err
			}
			return NewMap(cfg, MapCheck{Column: c, Kernel: func(t arrow.DataType) (kernels.RowKernel, error) {
				return kernels.Between(t, lo, hi)
			}})
		},
	})
	Register(Definition{
		Type: "expect_column_values_to_be_unique", Map: true, Kwargs: []Kwarg{columnKwarg},
		Doc: "no value occurs twice; every row of a repeated value is unexpected",
		New: func(cfg Config) (Expectation, error) {
			c, err := Args(cfg).Column()
			if err != nil {
				return nil, err
			}
			m, err := NewMap(cfg, MapCheck{Column: c})
			if err != nil {
				return nil, err
			}
			return &uniqueExpectation{mapExpectation: m.(*mapExpectation)}, nil
		},
	})
	regexDefs()
	Register(Definition{
		Type: "expect_column_value_lengths_to_equal", Map: true,
		Kwargs: []Kwarg{columnKwarg, {Name: "value", Required: true, JSONType: "integer", Doc: "the length in characters"}},
		Doc:    "string lengths (in characters) equal value",
		New: func(cfg Config) (Expectation, error) {
			k := Args(cfg)
			c, err := k.Column()
			if err != nil {
				return nil, err
			}
			n, _, err := k.Int("value")
			if err != nil {
				return nil, err
			}
			return NewMap(cfg, MapCheck{Column: c, Kernel: func(t arrow.DataType) (kernels.RowKernel, error) {
				return kernels.Length(t, n, n)
			}})
		},
	})
	Register(Definition{
		Type: "expect_column_value_lengths_to_be_between", Map: true,
		Kwargs: []Kwarg{columnKwarg, {Name: "min_value", JSONType: "integer|null"}, {Name: "max_value", JSONType: "integer|null"},
			{Name: "strict_min", JSONType: "boolean"}, {Name: "strict_max", JSONType: "boolean"}},
		Doc: "string lengths (in characters) lie between min_value and max_value",
		New: func(cfg Config) (Expectation, error) {
			k := Args(cfg)
			c, err := k.Column()
			if err != nil {
				return nil, err
			}
			lo, hasLo, err := k.Int("min_value")
			if err != nil {
				return nil, err
			}
			hi, hasHi, err := k.Int("max_value")
			if err != nil {
				return nil, err
			}
			if !hasLo && !hasHi {
				return nil, k.errf("min_value", "min_value and max_value cannot both be null")
			}
			if hasLo && hasHi && lo > hi {
				return nil, k.errf("min_value", "must be <= max_value")
			}
			if sm, _ := k.Bool("strict_min", false); sm && hasLo {
				lo++
			}
			if sm, _ := k.Bool("strict_max", false); sm && hasHi {
				hi--
			}
			if !hasLo {
				lo = -1
			}
			if !hasHi {
				hi = -1
			}
			return NewMap(cfg, MapCheck{Column: c, Kernel: func(t arrow.DataType) (kernels.RowKernel, error) {
				return kernels.Length(t, lo, hi)
			}})
		},
	})
	for _, dec := range []bool{false, true} {
		typ := "expect_column_values_to_be_increasing"
		if dec {
			typ = "expect_column_values_to_be_decreasing"
		}
		Register(Definition{
			Type: typ, Map: true,
			Kwargs: []Kwarg{columnKwarg, {Name: "strictly", JSONType: "boolean|null", Doc: "require strict monotonicity"},
				{Name: "parse_strings_as_datetimes", JSONType: "boolean|null"}},
			Doc: "each non-null value is >= (<=) the previous non-null value",
			New: func(cfg Config) (Expectation, error) {
				k := Args(cfg)
				c, err := k.Column()
				if err != nil {
					return nil, err
				}
				strict, err := k.Bool("strictly", false)
				if err != nil {
					return nil, err
				}
				m, err := NewMap(cfg, MapCheck{Column: c})
				if err != nil {
					return nil, err
				}
				return &monotonicExpectation{mapExpectation: m.(*mapExpectation), decreasing: dec, strict: strict}, nil
			},
		})
	}
}

// bounds reads min_value/max_value/strict_min/strict_max.
func bounds(k Kwargs) (kernels.Bound, kernels.Bound, error) {
	var lo, hi kernels.Bound
	var err error
	if lo.Value, err = k.Value("min_value"); err != nil {
		return lo, hi, err
	}
	if hi.Value, err = k.Value("max_value"); err != nil {
		return lo, hi, err
	}
	if lo.Value == nil && hi.Value == nil {
		return lo, hi, k.errf("min_value", "min_value and max_value cannot both be null")
	}
	if lf, ok := lo.Value.(float64); ok {
		if hf, ok := hi.Value.(float64); ok && lf > hf {
			return lo, hi, k.errf("min_value", "min_value %v is greater than max_value %v", lf, hf)
		}
	}
	if lo.Strict, err = k.Bool("strict_min", false); err != nil {
		return lo, hi, err
	}
	if hi.Strict, err = k.Bool("strict_max", false); err != nil {
		return lo, hi, err
	}
	return lo, hi, nil
}

func regexDefs() {
	type variant struct {
		typ      string
		list     bool
		negate   bool
		matchAll bool
	}
	for _, v := range []variant{
		{"expect_column_values_to_match_regex", false, false, false},
		{"expect_column_values_to_not_match_regex", false, true, false},
		{"expect_column_values_to_match_regex_list", true, false, false},
		{"expect_column_values_to_not_match_regex_list", true, true, false},
	} {
		kw := []Kwarg{columnKwarg}
		if v.list {
			kw = append(kw, Kwarg{Name: "regex_list", Required: true, JSONType: "array", Doc: "regular expressions"})
			if !v.negate {
				kw = append(kw, Kwarg{Name: "match_on", JSONType: "string", Doc: "any (default) or all"})
			}
		} else {
			kw = append(kw, Kwarg{Name: "regex", Required: true, JSONType: "string", Doc: "a regular expression (RE2 syntax; Python's (?P<name>) groups work)"})
		}
		Register(Definition{
			Type: v.typ, Map: true, Kwargs: kw,
			Doc: "string values (do not) match regular expressions (unanchored search, as Python's re.search)",
			New: func(cfg Config) (Expectation, error) {
				k := Args(cfg)
				c, err := k.Column()
				if err != nil {
					return nil, err
				}
				var pats []string
				if v.list {
					if pats, err = k.Strings("regex_list", true); err != nil {
						return nil, err
					}
					if len(pats) == 0 {
						return nil, k.errf("regex_list", "must not be empty")
					}
				} else {
					p, err := k.String("regex", true)
					if err != nil {
						return nil, err
					}
					pats = []string{p}
				}
				res := make([]*regexp.Regexp, len(pats))
				for i, p := range pats {
					re, err := CompileRegex(p)
					if err != nil {
						name := "regex"
						if v.list {
							name = fmt.Sprintf("regex_list[%d]", i)
						}
						return nil, k.errf(name, "%v", err)
					}
					res[i] = re
				}
				matchAll := false
				if v.list && !v.negate {
					on, err := k.String("match_on", false)
					if err != nil {
						return nil, err
					}
					switch on {
					case "", "any":
					case "all":
						matchAll = true
					default:
						return nil, k.errf("match_on", "must be any or all, got %q", on)
					}
				}
				// not_match_regex_list: unexpected when the value matches any pattern.
				return NewMap(cfg, MapCheck{Column: c, Kernel: func(t arrow.DataType) (kernels.RowKernel, error) {
					return kernels.Regex(t, res, matchAll, v.negate)
				}})
			},
		})
	}
}

// CompileRegex compiles a Python-style regular expression with Go's RE2 engine. The
// common Python spellings are translated (\Z to \z); constructs RE2 cannot run in
// linear time (lookaround, backreferences) are configuration errors.
func CompileRegex(p string) (*regexp.Regexp, error) {
	q := strings.ReplaceAll(p, `\Z`, `\z`)
	re, err := regexp.Compile(q)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %q: %v", p, err)
	}
	return re, nil
}

// uniqueExpectation flags every row whose value occurs more than once.
type uniqueExpectation struct {
	*mapExpectation
}

func (u *uniqueExpectation) Plan(p *Planner) error {
	f, err := p.Field(u.check.Column)
	if err != nil {
		return err
	}
	if _, err := metric.NewFrequencies(f.Type, false, 0); err != nil {
		return fmt.Errorf("column %q: %w", u.check.Column, err)
	}
	rf := p.ResultFormat()
	limit := rf.SampleLimit()
	// Identifying columns ride along with the checked one: a row is known to be a
	// duplicate only at the end, so the state keeps them (metric.RowKeys).
	cols := []string{u.check.Column}
	for _, c := range rf.UnexpectedIndexColumnNames {
		if _, err := p.Field(c); err != nil {
			return fmt.Errorf("unexpected_index_column_names: %w", err)
		}
		cols = append(cols, c)
	}
	idx := strings.Join(rf.UnexpectedIndexColumnNames, ",")
	if _, err := metric.NewUniqueInts(f.Type, 0); err == nil {
		// Integer, date and timestamp keys: sort-based, free for increasing keys.
		u.h = p.Need(metric.Spec{
			Key:     fmt.Sprintf("unique-ints|limit=%d|idx=%s", limit, idx),
			Columns: cols,
			New: func(t []arrow.DataType) (metric.State, error) {
				return metric.NewUniqueInts(t[0], limit)
			},
		})
		return nil
	}
	u.h = p.Need(metric.Spec{
		Key:     fmt.Sprintf("freq|dups|limit=%d|idx=%s", limit, idx),
		Columns: cols,
		New: func(t []arrow.DataType) (metric.State, error) {
			return metric.NewFrequencies(t[0], true, limit)
		},
	})
	return nil
}

func (u *uniqueExpectation) Evaluate(e *Evaluator) (Result, error) {
	st, err := e.State(u.h)
	if err != nil {
		return Result{}, err
	}
	var un metric.Unexpected
	switch f := st.(type) {
	case *metric.UniqueInts:
		f.Finish()
		un = f.Unexpected
	case *metric.Frequencies:
		f.Dups.Finish()
		f.FillKeys()
		un = f.Dups
		un.Rows, un.Missing = f.Rows, f.Missing
	}
	return MapResult(e.ResultFormat(), u.check.Column, &un, metric.MapValues, u.mostly, u.mostlyAll), nil
}

// monotonicExpectation checks increasing or decreasing values.
type monotonicExpectation struct {
	*mapExpectation
	decreasing, strict bool
}

func (m *monotonicExpectation) Plan(p *Planner) error {
	f, err := p.Field(m.check.Column)
	if err != nil {
		return err
	}
	if _, err := metric.NewMonotonic(f.Type, m.decreasing, m.strict, 0); err != nil {
		return fmt.Errorf("column %q: %w", m.check.Column, err)
	}
	rf := p.ResultFormat()
	limit := rf.SampleLimit()
	cols := []string{m.check.Column}
	for _, c := range rf.UnexpectedIndexColumnNames {
		if _, err := p.Field(c); err != nil {
			return fmt.Errorf("unexpected_index_column_names: %w", err)
		}
		cols = append(cols, c)
	}
	dec, strict := m.decreasing, m.strict
	m.h = p.Need(metric.Spec{
		Key:     fmt.Sprintf("monotonic|dec=%v|strict=%v|limit=%d|idx=%s", dec, strict, limit, strings.Join(rf.UnexpectedIndexColumnNames, ",")),
		Columns: cols,
		New: func(t []arrow.DataType) (metric.State, error) {
			return metric.NewMonotonic(t[0], dec, strict, limit)
		},
	})
	return nil
}

func (m *monotonicExpectation) Evaluate(e *Evaluator) (Result, error) {
	st, err := e.State(m.h)
	if err != nil {
		return Result{}, err
	}
	ms := st.(*metric.Monotonic)
	ms.Finish()
	return MapResult(e.ResultFormat(), m.check.Column, &ms.Unexpected, metric.MapValues, m.mostly, m.mostlyAll), nil
}
