// Package jsonlit rewrites the non-standard numeric literals that Python's json module
// writes by default (NaN, Infinity and -Infinity, as in Great Expectations' suites and
// test files) into text encoding/json accepts. Only bare tokens are rewritten: text
// inside string literals (with their backslash escapes) is copied unchanged.
package jsonlit

import "bytes"

// Tokens are the literals Rewrite recognizes, longest first so that -Infinity is not
// read as a minus sign and Infinity.
var Tokens = []string{"-Infinity", "Infinity", "NaN"}

// Rewrite returns b with every bare token of Tokens that repl maps replaced by its
// mapping (typically a quoted string); tokens repl lacks are copied. When b contains
// none of the tokens it is returned as is.
func Rewrite(b []byte, repl map[string]string) []byte {
	found := false
	for _, t := range Tokens {
		if _, ok := repl[t]; ok && bytes.Contains(b, []byte(t)) {
			found = true
		}
	}
	if !found {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + 16)
	inStr, esc := false, false
next:
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			out.WriteByte(c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		if c == '"' {
			inStr = true
			out.WriteByte(c)
			continue
		}
		for _, t := range Tokens {
			if r, ok := repl[t]; ok && bytes.HasPrefix(b[i:], []byte(t)) {
				out.WriteString(r)
				i += len(t) - 1
				continue next
			}
		}
		out.WriteByte(c)
	}
	return out.Bytes()
}
