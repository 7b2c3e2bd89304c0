package expect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/xeipuuv/gojsonschema"
	"gopkg.in/yaml.v3"

	"github.com/assay-go/assay/internal/jsonlit"
)

// Load reads a suite file in Great Expectations' format, JSON or YAML (by extension,
// else by content), validates it against the suite JSON Schema and the registry, and
// builds its expectations from [DefaultRegistry].
//
// Both generations of GX suites load unchanged:
//
//	GX 1.x: {"name": "...", "expectations": [{"type": "...", "kwargs": {...}, "meta": {...}}]}
//	GX 0.x: {"expectation_suite_name": "...", "expectations": [{"expectation_type": "...", "kwargs": {...}}]}
//
// Every problem is reported, each with its path in the document
// ("expectations[3].kwargs.min_value: ..."), in one error wrapping [ErrConfig].
func Load(path string) (*Suite, error) {
	return DefaultRegistry.Load(path)
}

// Load is [Load] with this registry.
func (r *Registry) Load(path string) (*Suite, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	s, err := r.Parse(b, filepath.Ext(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Parse reads a suite from data. format is "json", "yaml"/"yml" (a leading dot is
// ignored) or "" to guess from the content.
func Parse(data []byte, format string) (*Suite, error) { return DefaultRegistry.Parse(data, format) }

// Parse is [Parse] with this registry.
func (r *Registry) Parse(data []byte, format string) (*Suite, error) {
	doc, err := decodeDocument(data, strings.TrimPrefix(strings.ToLower(format), "."))
	if err != nil {
		return nil, err
	}
	var problems []string
	schemaProblems, err := r.validateSchema(doc)
	if err != nil {
		return nil, err
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, configErrors(schemaProblems)
	}
	s := &Suite{}
	if n, ok := root["name"].(string); ok {
		s.Name = n
	} else if n, ok := root["expectation_suite_name"].(string); ok {
		s.Name = n
	}
	if m, ok := root["meta"].(map[string]any); ok {
		s.Meta = m
	}
	list, _ := root["expectations"].([]any)
	for i, item := range list {
		obj, ok := item.(map[string]any)
		if !ok {
			continue // reported by the schema
		}
		cfg := Config{}
		if t, ok := obj["type"].(string); ok {
			cfg.Type = t
		} else if t, ok := obj["expectation_type"].(string); ok {
			cfg.Type = t
		}
		if kw, ok := obj["kwargs"].(map[string]any); ok {
			cfg.Kwargs = kw
		} else {
			cfg.Kwargs = map[string]any{}
		}
		if m, ok := obj["meta"].(map[string]any); ok {
			cfg.Meta = m
		}
		if cfg.Type == "" {
			continue // reported by the schema
		}
		e, err := r.Build(cfg)
		if err != nil {
			prefix := fmt.Sprintf("expectations[%d]", i)
			for _, line := range splitErrors(err) {
				if rest, ok := strings.CutPrefix(line, cfg.Type+": kwargs."); ok {
					// "type: kwargs.name: msg" -> "expectations[i].kwargs.name: msg"
					problems = append(problems, prefix+".kwargs."+rest)
					continue
				}
				problems = append(problems, prefix+": "+line)
			}
			continue
		}
		s.Expectations = append(s.Expectations, e)
	}
	// Where the registry explains a kwarg, its message (which names the expectation's
	// own rule) replaces the schema's generic one for the same path.
	explained := map[string]bool{}
	for _, p := range problems {
		if i := strings.Index(p, ": "); i > 0 {
			explained[p[:i]] = true
		}
	}
	for _, p := range schemaProblems {
		if i := strings.Index(p, ": "); i > 0 && explained[p[:i]] {
			continue
		}
		problems = append(problems, p)
	}
	if len(problems) > 0 {
		return nil, configErrors(problems)
	}
	return s, nil
}

// splitErrors flattens a joined error into lines without the ErrConfig prefix.
func splitErrors(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		out = append(out, strings.TrimPrefix(e.Error(), ErrConfig.Error()+": "))
	}
	walk(err)
	return out
}

func configErrors(problems []string) error {
	sort.SliceStable(problems, func(i, j int) bool { return pathLess(problems[i], problems[j]) })
	uniq := problems[:0]
	for i, p := range problems {
		if i == 0 || p != problems[i-1] {
			uniq = append(uniq, p)
		}
	}
	if len(uniq) == 1 {
		return fmt.Errorf("%w: %s", ErrConfig, uniq[0])
	}
	return fmt.Errorf("%w: %d problems:\n  %s", ErrConfig, len(uniq), strings.Join(uniq, "\n  "))
}

var indexRe = regexp.MustCompile(`^expectations\[(\d+)\]`)

// pathLess orders problems by expectation index, then text.
func pathLess(a, b string) bool {
	ma, mb := indexRe.FindStringSubmatch(a), indexRe.FindStringSubmatch(b)
	if ma != nil && mb != nil {
		ia, _ := strconv.Atoi(ma[1])
		ib, _ := strconv.Atoi(mb[1])
		if ia != ib {
			return ia < ib
		}
	}
	return a < b
}

// decodeDocument decodes JSON or YAML into plain JSON values.
func decodeDocument(data []byte, format string) (any, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: the suite is empty", ErrConfig)
	}
	if format == "" {
		if trimmed[0] == '{' || trimmed[0] == '[' {
			format = "json"
		} else {
			format = "yaml"
		}
	}
	switch format {
	case "json":
		// Python's json module (and so GX) writes NaN, Infinity and -Infinity as bare
		// literals, e.g. in KL-divergence partition objects; read them as the strings
		// "NaN", "Infinity" and "-Infinity", which the expectations accept.
		data = pythonLiterals(data)
		dec := json.NewDecoder(bytes.NewReader(data))
		var doc any
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("%w: invalid JSON%s: %v", ErrConfig, jsonErrorPos(data, err), err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, fmt.Errorf("%w: invalid JSON: unexpected data after the suite object", ErrConfig)
		}
		return doc, nil
	case "yaml", "yml":
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%w: invalid YAML: %v", ErrConfig, err)
		}
		return normalizeYAML(doc), nil
	}
	return nil, fmt.Errorf("%w: unknown suite format %q (json or yaml)", ErrConfig, format)
}

// pythonLiterals quotes the bare NaN, Infinity and -Infinity tokens of a JSON text
// (those outside string literals).
func pythonLiterals(b []byte) []byte {
	return jsonlit.Rewrite(b, map[string]string{"-Infinity": `"-Infinity"`, "Infinity": `"Infinity"`, "NaN": `"NaN"`})
}

// jsonErrorPos returns " at line L, column C" for JSON syntax errors.
func jsonErrorPos(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return ""
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Sprintf(" at line %d, column %d", line, col)
}

// normalizeYAML turns yaml.v3 values into JSON-like ones (map[string]any, []any,
// float64 for numbers other than ints).
func normalizeYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeYAML(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalizeYAML(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = normalizeYAML(e)
		}
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return v
}

// validateSchema checks doc against the registry's suite schema and returns the
// problems, each prefixed with its path.
func (r *Registry) validateSchema(doc any) ([]string, error) {
	schema, err := r.compiledSchema()
	if err != nil {
		return nil, err
	}
	res, err := schema.Validate(gojsonschema.NewGoLoader(doc))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	var out []string
	for _, e := range res.Errors() {
		switch e.Type() {
		case "number_any_of", "number_one_of", "number_all_of", "condition_then", "condition_else":
			continue // summaries of errors reported on their own
		case "required":
			if strings.Contains(e.Field(), "kwargs") {
				continue // the registry reports missing kwargs with the expectation type
			}
		}
		field := e.Field()
		if field == "(root)" {
			field = ""
		}
		desc := e.Description()
		if e.Type() == "required" && (desc == "type is required" || desc == "expectation_type is required") {
			desc = "type (GX 1.x) or expectation_type (GX 0.x) is required"
		}
		out = append(out, fmt.Sprintf("%s: %s", jsonPath(field), desc))
	}
	return out, nil
}

var dotIndex = regexp.MustCompile(`\.(\d+)(\.|$)`)

// jsonPath turns gojsonschema's "expectations.3.kwargs" into "expectations[3].kwargs".
func jsonPath(f string) string {
	if f == "" {
		return "(root)"
	}
	for dotIndex.MatchString(f) {
		f = dotIndex.ReplaceAllString(f, "[$1]$2")
	}
	return f
}

func (r *Registry) compiledSchema() (*gojsonschema.Schema, error) {
	r.mu.RLock()
	s := r.schema
	r.mu.RUnlock()
	if s != nil {
		return s, nil
	}
	b, err := json.Marshal(r.JSONSchema())
	if err != nil {
		return nil, err
	}
	s, err = gojsonschema.NewSchema(gojsonschema.NewBytesLoader(b))
	if err != nil {
		return nil, fmt.Errorf("suite schema: %v", err)
	}
	r.mu.Lock()
	r.schema = s
	r.mu.Unlock()
	return s, nil
}

// JSONSchema returns the JSON Schema (draft-07) of suite files for the registered
// expectation types: the document's structure, and per type the kwargs' JSON types
// and which are required. The published copy is expect/suite.schema.json.
func (r *Registry) JSONSchema() map[string]any {
	var conds []any
	for _, t := range r.Types() {
		d, _ := r.Lookup(t)
		props := map[string]any{}
		var req []string
		for _, k := range d.allowed() {
			p := map[string]any{}
			if k.JSONType != "" {
				types := strings.Split(k.JSONType, "|")
				if len(types) == 1 {
					p["type"] = types[0]
				} else {
					p["type"] = types
				}
			}
			if k.Doc != "" {
				p["description"] = k.Doc
			}
			props[k.Name] = p
			if k.Required {
				req = append(req, k.Name)
			}
		}
		if d.Map {
			props["mostly"] = map[string]any{"type": "number", "minimum": 0, "maximum": 1, "description": "the fraction of values that must pass"}
		}
		kw := map[string]any{"type": "object", "properties": props}
		if len(req) > 0 {
			kw["required"] = req
		}
		for _, key := range []string{"type", "expectation_type"} {
			conds = append(conds, map[string]any{
				"if": map[string]any{
					"properties": map[string]any{key: map[string]any{"const": t}},
					"required":   []string{key},
				},
				"then": map[string]any{"properties": map[string]any{"kwargs": kw}},
			})
		}
	}
	expectation := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"type":             map[string]any{"type": "string", "description": "GX 1.x expectation type"},
			"expectation_type": map[string]any{"type": "string", "description": "GX 0.x expectation type"},
			"kwargs":           map[string]any{"type": "object"},
			"meta":             map[string]any{"type": []string{"object", "null"}},
			"id":               map[string]any{},
			"notes":            map[string]any{},
			"description":      map[string]any{},
			"rendered_content": map[string]any{},
			"severity":         map[string]any{},
		},
		"additionalProperties": false,
		"anyOf": []any{
			map[string]any{"required": []string{"type"}},
			map[string]any{"required": []string{"expectation_type"}},
		},
		"allOf": conds,
	}
	return map[string]any{
		"$schema":     "http://json-schema.org/draft-07/schema#",
		"$id":         "https://github.com/assay-go/assay/expect/suite.schema.json",
		"title":       "assay expectation suite (Great Expectations 0.x and 1.x format)",
		"type":        "object",
		"required":    []string{"expectations"},
		"definitions": map[string]any{"expectation": expectation},
		"properties": map[string]any{
			"name":                   map[string]any{"type": "string"},
			"expectation_suite_name": map[string]any{"type": "string"},
			"expectations":           map[string]any{"type": "array", "items": map[string]any{"$ref": "#/definitions/expectation"}},
			"meta":                   map[string]any{"type": []string{"object", "null"}},
			"id":                     map[string]any{},
			"ge_cloud_id":            map[string]any{},
			"data_asset_type":        map[string]any{},
			"notes":                  map[string]any{},
			"suite_parameters":       map[string]any{},
			"evaluation_parameters":  map[string]any{},
		},
		"additionalProperties": false,
	}
}

// MarshalYAML renders the suite in GX 1.x form as YAML.
func (s *Suite) MarshalYAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(s.document()); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// MarshalJSON renders the suite in GX 1.x form as JSON.
func (s *Suite) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.document())
}

type suiteDoc struct {
	Name         string         `json:"name" yaml:"name"`
	Expectations []Config       `json:"expectations" yaml:"expectations"`
	Meta         map[string]any `json:"meta,omitempty" yaml:"meta,omitempty"`
}

func (s *Suite) document() suiteDoc {
	cfgs := s.Configs()
	if cfgs == nil {
		cfgs = []Config{}
	}
	return suiteDoc{Name: s.Name, Expectations: cfgs, Meta: s.Meta}
}
