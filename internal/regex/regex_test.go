package regex

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// seedPatterns are common data-quality patterns plus constructs that exercise every
// path of the translation (anchors, folding, Unicode classes, counted repetition, the
// fallbacks).
var seedPatterns = []string{
	`^[^@\s]+@[^@\s]+\.[a-z]+$`,
	`^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$`,
	`^\d{4}-\d{2}-\d{2}$`,
	`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T\d{2}:\d{2}(:\d{2})?)?$`,
	`^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`,
	`(?i)^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$`,
	`^\+?1?[-. ]?\(?\d{3}\)?[-. ]?\d{3}[-. ]?\d{4}$`,
	`^\d+$`, `\d+`, `^-?\d+(\.\d+)?([eE][-+]?\d+)?$`,
	`[A-Z]{2}\d{4}`, `^[A-Z]{2}\d{4}$`,
	`^(cat|dog|bird)$`, `cat|dog`, `^(?:red|green|blue)?$`,
	`(?i)hello`, `(?i)straße`, `(?i)ǅ`, `(?i)k`, `(?i)[a-zé]+x`,
	`[[:alpha:]]+`, `[[:^digit:]]`, `\pL+`, `\p{Greek}`, `\p{Han}+$`, `[^\x00-\x7f]`,
	`[\x{80}-\x{7ff}]`, `[\x{800}-\x{ffff}]`, `[\x{10000}-\x{10ffff}]`, `\x{fffd}`,
	`[^a]`, `.`, `(?s).`, `^.*$`, `^(?s:.*)$`, `a.c`, `^$`, ``, `^`, `$`, `\A\z`, `x*`,
	`a{2,3}b{0,}c{1}`, `(a|b)*abb`, `(ab|a)(bc|c)`, `^(a+)+$`, `a*?b`, `(?U)a+b`,
	`\Aabc\z`, `abc$`, `^abc`, `(^a|b$)`, `(a$)|(^b)`, `$^`, `^$|x`, `(?:^)*a`, `(a|^)b`,
	`x\z|y`, `\n`, `a\nb`, `^\s*$`, `\S+\s\S+`, `[\t ]+$`, `\w+@\w+`,
	// fallbacks: line anchors and word boundaries
	`(?m)^abc$`, `\bword\b`, `\Bx`, `(?m)$`,
}

// seedInputs cover ASCII, multi-byte UTF-8 and invalid UTF-8.
var seedInputs = []string{
	"", "a", "abc", "ab", "abb", "aabb", "xabcx", "abc\n", "\nabc", "a\nb", "x", "y",
	"john.doe@example.com", "a@b.c", "bad@email", "two@@at.com", "sp ace@x.com", "@x.io",
	"2024-01-31", "2024-13-01", "2024-1-1", "2024-01-31T12:30:00", " 2024-01-31",
	"123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000",
	"(555) 123-4567", "+1 555.123.4567", "12345", "-12.5e3", "1.", "AB1234", "ab1234",
	"XAB12345", "cat", "dog", "catalog", "red", "", "Hello", "HELLO", "STRASSE", "straße",
	"ǆ", "Ǆ", "K", "\u212a", "é", "aéx", "日本語", "αβγ", "Ωmega", "\ufffd", "\xef\xbf\xbd",
	"\xff", "a\xffb", "\xc3", "\xc3(", "\xe2\x82", "\xe2\x82\xac", "\xed\xa0\x80",
	"\xf0\x9f\x98\x80", "\xf0\x9f\x98", "\xf4\x90\x80\x80", "\xc0\x80", "\x80\x80abc",
	"word", "a word.", "swordfish", "  ", "\t", "a b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
}

// check compares m with regexp on b and reports a mismatch.
func check(t *testing.T, pattern string, m *Matcher, re *regexp.Regexp, b []byte) {
	t.Helper()
	if got, want := m.Match(b), re.Match(b); got != want {
		t.Fatalf("pattern %q input %q: Match = %v, regexp.Match = %v", pattern, b, got, want)
	}
	// A valid UTF-8 input must be answered by the DFA itself, not the fallback.
	if m.UsesDFA() && utf8.Valid(b) {
		got, ok := m.dfaMatch(b)
		if !ok || got != re.Match(b) {
			t.Fatalf("pattern %q input %q: DFA = %v (answered %v), want %v", pattern, b, got, ok, re.Match(b))
		}
	}
}

func TestMatchTable(t *testing.T) {
	for _, p := range seedPatterns {
		m, err := Compile(p)
		if err != nil {
			t.Fatalf("Compile(%q): %v", p, err)
		}
		re := regexp.MustCompile(p)
		for _, in := range seedInputs {
			check(t, p, m, re, []byte(in))
			check(t, p, m, re, []byte(in+in))
			check(t, p, m, re, []byte("zz"+in+"\n"))
		}
	}
}

// TestExpected pins a few answers independently of regexp, so that the comparison
// tests cannot pass by both sides being wrong in the same way.
func TestExpected(t *testing.T) {
	tests := []struct {
		pattern, input string
		want           bool
		reason         string
	}{
		{`^[^@\s]+@[^@\s]+\.[a-z]+$`, "john.doe@example.com", true, "plain email"},
		{`^[^@\s]+@[^@\s]+\.[a-z]+$`, "john doe@example.com", false, "space in local part"},
		{`^[^@\s]+@[^@\s]+\.[a-z]+$`, "jöhn@exämple.com", true, "non-ASCII runes are not @ or space"},
		{`^[^@\s]+@[^@\s]+\.[a-z]+$`, "john@example.com\n", false, "$ is end of text, not before a final newline"},
		{`^\d{4}-\d{2}-\d{2}$`, "2024-01-31", true, "ISO date"},
		{`^\d{4}-\d{2}-\d{2}$`, "x2024-01-31", false, "anchored at the start"},
		{`\d{4}-\d{2}`, "on 2024-01-31 at", true, "unanchored search"},
		{`(?i)straße`, "STRAßE", true, "case folding of ASCII letters"},
		{`(?i)k`, "\u212a", true, "Kelvin sign folds to k"},
		{`^.$`, "日", true, ". is one rune, three bytes"},
		{`^.$`, "\xff", true, "an invalid byte is one rune (U+FFFD)"},
		{`^..$`, "\xe2\x82", true, "a truncated sequence is one U+FFFD per byte"},
		{`\x{fffd}`, "a\x80", true, "an invalid byte matches U+FFFD"},
		{`^\pL+$`, "αβγ", true, "Unicode letters"},
		{`^a$|^$`, "", true, "empty text"},
		{`\bcat\b`, "a cat!", true, "word boundary (fallback)"},
		{`(?m)^b$`, "a\nb\nc", true, "multi-line anchors (fallback)"},
	}
	for _, tc := range tests {
		m := MustCompile(tc.pattern)
		if got := m.Match([]byte(tc.input)); got != tc.want {
			t.Errorf("%s: %q on %q = %v, want %v", tc.reason, tc.pattern, tc.input, got, tc.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for _, p := range []string{`(`, `[a-`, `a{2,1}`, `x{1001}`, `(?<`, `\8`, "\xff"} {
		_, err := Compile(p)
		_, want := regexp.Compile(p)
		if (err == nil) != (want == nil) {
			t.Errorf("Compile(%q) error = %v, regexp.Compile error = %v", p, err, want)
		}
		if err != nil && want != nil && err.Error() != want.Error() {
			t.Errorf("Compile(%q) error %q, want %q", p, err, want)
		}
	}
}

func TestUsesDFA(t *testing.T) {
	for p, want := range map[string]bool{
		`^\d+$`: true, `(?i)abc`: true, `\pL`: true, `\z`: true,
		`\b`: true, `(?m)^x$`: true, `\B`: true, `\pL{100}`: false,
	} {
		if got := MustCompile(p).UsesDFA(); got != want {
			t.Errorf("UsesDFA(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestUTF8Sequences checks, for every rune boundary of interest, that the byte
// sequences of a range accept exactly the encodings of the runes in it.
func TestUTF8Sequences(t *testing.T) {
	edges := []rune{0, 1, 0x7e, 0x7f, 0x80, 0x81, 0x7ff, 0x800, 0x801, 0xfff, 0x1000,
		0xd7ff, 0xd800, 0xdfff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x3ffff, 0x40000, 0x10fffe, 0x10ffff}
	for _, lo := range edges {
		for _, hi := range edges {
			if lo > hi {
				continue
			}
			var seqs [][]byteRange
			utf8Sequences(lo, hi, func(s []byteRange) { seqs = append(seqs, append([]byteRange(nil), s...)) })
			in := func(b []byte) int {
				n := 0
				for _, s := range seqs {
					if len(s) != len(b) {
						continue
					}
					ok := true
					for i := range s {
						ok = ok && s[i].lo <= b[i] && b[i] <= s[i].hi
					}
					if ok {
						n++
					}
				}
				return n
			}
			for _, r := range edges {
				for _, d := range []rune{-1, 0, 1} {
					r := r + d
					if r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff) {
						continue
					}
					want := 0
					if lo <= r && r <= hi {
						want = 1
					}
					if got := in(utf8.AppendRune(nil, r)); got != want {
						t.Fatalf("range %#x-%#x: rune %#x covered by %d sequences, want %d", lo, hi, r, got, want)
					}
				}
			}
		}
	}
}

// gen is a small random regular-expression generator over an alphabet chosen to
// collide with the inputs of randInput (ASCII letters, digits, @ . -, newline,
// multi-byte runes).
type gen struct{ next func(n int) int }

var genAtoms = []string{
	`a`, `b`, `c`, `@`, `\.`, `-`, `\d`, `\w`, `\s`, `\S`, `.`, `[a-c]`, `[^ab]`, `[^@\s]`,
	`[0-9]`, `[[:alpha:]]`, `\pL`, `\p{Greek}`, `é`, `日`, `[é-ü]`, `\n`, `\x{fffd}`,
	`(?i:a)`, `(?i:é)`, `(?i)[a-b]`, `(?s:.)`, `[^\n]`, `[\x{80}-\x{10ffff}]`,
}

func (g gen) expr(depth int) string {
	if depth <= 0 {
		return genAtoms[g.next(len(genAtoms))]
	}
	switch g.next(12) {
	case 0, 1, 2:
		return g.expr(depth-1) + g.expr(depth-1)
	case 3:
		return g.expr(depth-1) + `|` + g.expr(depth-1)
	case 4:
		return `(` + g.expr(depth-1) + `)` + []string{`*`, `+`, `?`, `*?`, `+?`, `??`}[g.next(6)]
	case 5:
		lo := g.next(3)
		return `(?:` + g.expr(depth-1) + `){` + string(rune('0'+lo)) + `,` + string(rune('0'+lo+g.next(3))) + `}`
	case 6:
		return []string{`^`, `$`, `\A`, `\z`, `(?m:^)`, `\b`, `\B`, `(?m:$)`}[g.next(8)] + g.expr(depth-1)
	case 7:
		return g.expr(depth-1) + []string{`$`, `\z`, `^`, `\b`, `\B`, `(?m:$)`, `(?m:^)`}[g.next(7)]
	case 8:
		return `(?i:` + g.expr(depth-1) + `)`
	default:
		return genAtoms[g.next(len(genAtoms))]
	}
}

var inputPieces = []string{"a", "b", "c", "A", "@", ".", "-", "1", "9", " ", "\n", "é", "É", "日",
	"α", "\ufffd", "\xff", "\xc3", "\x80", "\xe2\x82", "\xf0\x9f\x98\x80", "x", "_", "\n"}

func randInput(next func(int) int) []byte {
	var sb strings.Builder
	for n := next(9); n > 0; n-- {
		sb.WriteString(inputPieces[next(len(inputPieces))])
	}
	return []byte(sb.String())
}

// TestRandom compares the matcher with regexp on generated patterns and inputs.
func TestRandom(t *testing.T) {
	n := 1000
	if testing.Short() || raceEnabled {
		n = 200
	}
	r := rand.New(rand.NewPCG(1, 2))
	next := func(k int) int { return r.IntN(k) }
	for i := 0; i < n; i++ {
		p := gen{next}.expr(1 + next(4))
		re, err := regexp.Compile(p)
		if err != nil {
			continue
		}
		m, err := Compile(p)
		if err != nil {
			t.Fatalf("Compile(%q): %v", p, err)
		}
		for j := 0; j < 25; j++ {
			check(t, p, m, re, randInput(next))
		}
	}
}

// FuzzMatchAgainstRegexp checks Match against regexp.Match on a raw pattern and on a
// pattern generated from the fuzzer's bytes, over raw inputs (invalid UTF-8 included).
func FuzzMatchAgainstRegexp(f *testing.F) {
	for i, p := range seedPatterns {
		f.Add(p, []byte{byte(i), byte(i * 7)}, []byte(seedInputs[i%len(seedInputs)]))
	}
	f.Fuzz(func(t *testing.T, pattern string, g []byte, input []byte) {
		if len(pattern) > 200 || len(input) > 1000 {
			return
		}
		pos := 0
		next := func(k int) int {
			if pos >= len(g) {
				return 0
			}
			pos++
			return int(g[pos-1]) % k
		}
		generated := gen{next}.expr(int(next(5)))
		for _, p := range []string{pattern, generated} {
			re, err := regexp.Compile(p)
			m, err2 := Compile(p)
			if (err == nil) != (err2 == nil) {
				t.Fatalf("Compile(%q) error = %v, regexp.Compile error = %v", p, err2, err)
			}
			if err != nil {
				continue
			}
			check(t, p, m, re, input)
			checkFilter(t, p, m, re, [][]byte{input, nil, input, []byte(p), input, input, input[:len(input)/2]})
			for k := 0; k <= len(input) && k < 8; k++ {
				check(t, p, m, re, input[k:])
				check(t, p, m, re, input[:len(input)-k])
			}
		}
	})
}

// TestConcurrent runs one matcher from several goroutines (run with -race); each must
// see the answers of regexp while the shared cache is being filled.
func TestConcurrent(t *testing.T) {
	const p = `^[^@\s]+@[^@\s]+\.[a-z]+$|\pL{3}\d`
	m := MustCompile(p)
	re := regexp.MustCompile(p)
	inputs := make([][]byte, 0, 2000)
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < cap(inputs); i++ {
		inputs = append(inputs, randInput(func(k int) int { return r.IntN(k) }))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := range inputs {
				in := inputs[(i*(g+1))%len(inputs)]
				if m.Match(in) != re.Match(in) {
					errs <- string(in)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for in := range errs {
		t.Errorf("mismatch on %q", in)
	}
}

// TestCacheFlush forces the state cache to fill: (a|b)*a(a|b){12} needs 2^13 states
// on adversarial input, so small caches flush and finally give up; answers stay exact.
func TestCacheFlush(t *testing.T) {
	const p = `(a|b)*a(a|b){14}c`
	m := MustCompile(p)
	re := regexp.MustCompile(p)
	r := rand.New(rand.NewPCG(5, 6))
	buf := make([]byte, 400)
	for i := 0; i < 400; i++ {
		for j := range buf {
			buf[j] = "ab"[r.IntN(2)]
		}
		if r.IntN(2) == 0 {
			buf[len(buf)-1] = 'c'
		}
		if got, want := m.Match(buf), re.Match(buf); got != want {
			t.Fatalf("input %q: Match = %v, want %v", buf, got, want)
		}
	}
	m.mu.Lock()
	flushes := m.flushes
	m.mu.Unlock()
	if flushes == 0 {
		t.Errorf("expected the state cache to flush at least once")
	}
}
