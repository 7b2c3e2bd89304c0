// Package regex is a match/no-match regular expression matcher for column kernels: a
// lazy DFA over bytes with the exact semantics of Go's regexp.Match (unanchored search,
// RE2/Perl syntax as regexp.Compile).
//
// The pattern is parsed and compiled with regexp/syntax, the rune program is turned
// into a byte-level NFA (rune ranges become UTF-8 byte-range chains), and DFA states
// (sets of NFA nodes) are built on demand by subset construction and cached, one
// transition per byte equivalence class (Thompson 1968; Cox, "Regular Expression
// Matching in the Wild", 2010, for RE2's lazy DFA). A search that is not anchored at
// \A runs as if the pattern were prefixed by (?s:.)*?. Empty-width assertions (^ $ \A
// \z, (?m)^ (?m)$, \b \B) are evaluated as RE2 does: a state remembers whether it
// is at the start, after a word byte or after a newline, and keeps the assertions
// that also depend on the next byte pending until that byte (or the end of the text)
// is seen; the truth table is syntax.EmptyOpContext's.
//
// When the whole DFA is small (at most 4,096 state-by-class transitions, which covers
// the patterns columns are checked with: emails, dates, UUIDs, codes), it is explored
// at compile time into one flat table (see dense), and [Filter] walks four values at a
// time through it; larger DFAs stay lazy.
//
// What the DFA does not model is answered by the standard library, transparently, so
// Match always agrees with regexp.Match:
//   - values that the DFA rejects and that are not valid UTF-8 (Go matches each
//     invalid byte as U+FFFD, which a byte DFA over UTF-8 encodings does not model) are
//     re-checked with regexp; a DFA match is always exact, since it consumed a valid
//     UTF-8 prefix which Go decodes the same way;
//   - patterns whose byte NFA would exceed 128k nodes (large Unicode classes under
//     counted repetition) run on regexp entirely;
//   - when the state cache is full (10,000 states or 8 MiB) it is flushed and the
//     value at hand goes to regexp; after 8 flushes the matcher gives up the DFA.
//
// A Matcher is safe for concurrent use: transitions are read with atomic loads and
// only the construction of a missing state takes a lock, so the per-byte loop does no
// locking.
package regex

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"
)

// Matcher reports whether byte strings contain a match of a regular expression.
type Matcher struct {
	re  *regexp.Regexp // reference semantics and fallback
	nfa *nfa           // nil: every value goes to re
	// dense is the complete DFA as a flat table when it is small (most patterns
	// written for column checks); nil otherwise. Read-only once built.
	dense *dense

	cur      atomic.Pointer[dfa]
	disabled atomic.Bool // the DFA thrashed its cache; use re from now on

	mu      sync.Mutex // guards state construction and the fields below
	flushes int
	scratch closure
	end     closure
	buf     []byte
}

// Cache limits. A state costs about 2 KiB (a transition per byte value) plus 4 bytes
// per NFA node it holds, so the byte limit is reached first (about 4,000 states).
const (
	maxStates  = 10000
	maxBytes   = 8 << 20
	maxFlushes = 8
)

// Compile parses a regular expression with the syntax and flags of regexp.Compile
// (Perl flags) and returns its matcher. Errors are those of regexp.Compile.
func Compile(pattern string) (*Matcher, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	return newMatcher(re, pattern)
}

// MustCompile is Compile that panics on a bad pattern, for patterns in source code.
func MustCompile(pattern string) *Matcher {
	m, err := Compile(pattern)
	if err != nil {
		panic("regex: Compile(" + pattern + "): " + err.Error())
	}
	return m
}

// FromRegexp returns the matcher of re, which must have been compiled by
// regexp.Compile or regexp.MustCompile (Perl syntax; POSIX regexps are not told apart
// by the regexp API and would be reparsed with Perl flags). re is kept as the fallback.
func FromRegexp(re *regexp.Regexp) (*Matcher, error) {
	return newMatcher(re, re.String())
}

func newMatcher(re *regexp.Regexp, pattern string) (*Matcher, error) {
	m := &Matcher{re: re}
	parsed, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return nil, err
	}
	if m.nfa = buildNFA(prog); m.nfa != nil {
		m.scratch = newClosure(len(m.nfa.nodes))
		m.end = newClosure(len(m.nfa.nodes))
		m.cur.Store(m.newDFA())
		m.dense = m.buildDense()
	}
	return m, nil
}

// String returns the source text of the pattern.
func (m *Matcher) String() string { return m.re.String() }

// UsesDFA reports whether the matcher runs its lazy DFA (false when the pattern needs
// constructs the DFA does not evaluate, or after the cache thrashed).
func (m *Matcher) UsesDFA() bool { return m.nfa != nil && !m.disabled.Load() }

// Regexp returns the standard-library regexp the matcher agrees with.
func (m *Matcher) Regexp() *regexp.Regexp { return m.re }

// Match reports whether b contains any match of the pattern, exactly as
// regexp.Regexp.Match.
func (m *Matcher) Match(b []byte) bool {
	if t := m.dense; t != nil {
		r, ok := t.verdict(t.run(t.start, b), b)
		if ok {
			return r
		}
		return m.re.Match(b)
	}
	r, ok := m.dfaMatch(b)
	if ok {
		return r
	}
	return m.re.Match(b)
}

// MatchString is Match on a string.
func (m *Matcher) MatchString(s string) bool {
	return m.Match(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// dfaMatch runs the DFA; ok is false when the answer must come from regexp.
func (m *Matcher) dfaMatch(b []byte) (matched, ok bool) {
	if m.nfa == nil || m.disabled.Load() {
		return false, false
	}
	d := m.cur.Load()
	s := d.start
	for i := 0; i < len(b); i++ {
		n := s.trans[b[i]].Load()
		if n == nil {
			// Not built yet, or s is the match or dead state, whose transitions
			// stay nil so that the loop tests one pointer per byte.
			if s.kind != kindNormal {
				break
			}
			if n = m.miss(d, s, b[i]); n == nil {
				return false, false
			}
		}
		s = n
	}
	switch {
	case s.kind == kindMatch || s.kind == kindNormal && s.atEnd:
		return true, true
	case utf8.Valid(b):
		return false, true
	}
	return false, false
}

// State kinds: a state holding the match node is final (the search only asks whether
// a match exists), a state holding no node is dead.
const (
	kindNormal uint8 = iota
	kindMatch
	kindDead
)

// Context bits of a state: what the byte before its offset says for the empty-width
// assertions still pending in it (Go's syntax.EmptyOpContext needs the runes on both
// sides; the rune after is the byte of the next transition, or the end of the text).
const (
	ctxStart   uint8 = 1 << iota // offset 0
	ctxWord                      // after an ASCII word byte [0-9A-Za-z_]
	ctxNewline                   // after '\n'
)

// beginOps are the assertions decided by the byte before an offset alone.
const beginOps = syntax.EmptyBeginText | syntax.EmptyBeginLine

type state struct {
	// trans is indexed by byte, so the search loop is one dependent load per byte;
	// the transition of a byte class is stored under each of its bytes. nil = not
	// built yet.
	trans   [256]atomic.Pointer[state]
	kind    uint8
	ctx     uint8 // context bits, 0 when no assertion is pending
	pending bool  // some node is an assertion waiting for the next byte
	atEnd   bool  // matches if the text ends here
	nodes   []int32
}

// dfa is one generation of the state cache.
type dfa struct {
	states      map[string]*state
	start       *state // at offset 0
	match, dead *state
	bytes       int
}

func (m *Matcher) newDFA() *dfa {
	d := &dfa{
		states: make(map[string]*state),
		match:  &state{kind: kindMatch},
		dead:   &state{kind: kindDead},
	}
	c := &m.scratch
	c.reset()
	c.add(m.nfa, m.nfa.start, beginOps, false)
	d.start = m.makeState(d, c.list, ctxStart)
	return d
}

// contextOps returns the assertions that hold between a byte before (given by the
// context bits) and the rune starting with byte next (next < 0: end of text), as
// syntax.EmptyOpContext. A byte >= 0x80 starts a non-ASCII rune: neither a word
// character nor a newline in Go's definitions.
func contextOps(ctx uint8, next int) syntax.EmptyOp {
	r1 := rune(' ')
	switch {
	case ctx&ctxStart != 0:
		r1 = -1
	case ctx&ctxWord != 0:
		r1 = 'a'
	case ctx&ctxNewline != 0:
		r1 = '\n'
	}
	r2 := rune(next)
	if next >= utf8.RuneSelf {
		r2 = utf8.RuneSelf
	}
	return syntax.EmptyOpContext(r1, r2)
}

// miss builds the transition of s on byte c under the lock. It returns nil when the
// cache was flushed (or belongs to an older generation): the caller then asks regexp.
func (m *Matcher) miss(d *dfa, s *state, c byte) *state {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cur.Load() != d {
		return nil
	}
	if n := s.trans[c].Load(); n != nil {
		return n
	}
	if len(d.states) >= maxStates || d.bytes >= maxBytes {
		m.flushes++
		if m.flushes > maxFlushes {
			m.disabled.Store(true)
		} else {
			m.cur.Store(m.newDFA())
		}
		return nil
	}
	// Resolve the pending assertions now that the next byte is known.
	e := &m.end
	e.reset()
	if s.pending {
		ops := contextOps(s.ctx, int(c))
		for _, id := range s.nodes {
			if nd := &m.nfa.nodes[id]; nd.op == opEmpty && nd.empty&^ops == 0 {
				e.add(m.nfa, nd.out, ops, true)
			}
		}
	}
	n := d.match
	if !e.hasMatch(m.nfa) {
		// Step every byte node on c, then close under the assertions known after c.
		var known syntax.EmptyOp
		if c == '\n' {
			known = syntax.EmptyBeginLine
		}
		cl := &m.scratch
		cl.reset()
		for _, list := range [2][]int32{s.nodes, e.list} {
			for _, id := range list {
				if nd := &m.nfa.nodes[id]; nd.op == opByte && nd.lo <= c && c <= nd.hi {
					cl.add(m.nfa, nd.out, known, false)
				}
			}
		}
		var ctx uint8
		if isWordByte(c) {
			ctx = ctxWord
		} else if c == '\n' {
			ctx = ctxNewline
		}
		n = m.makeState(d, cl.list, ctx)
	}
	cls := m.nfa.classes[c]
	for i := int(c); i >= 0 && m.nfa.classes[i] == cls; i-- {
		s.trans[i].Store(n)
	}
	for i := int(c) + 1; i < 256 && m.nfa.classes[i] == cls; i++ {
		s.trans[i].Store(n)
	}
	return n
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// makeState returns the state for the closure list (which it sorts) with the context
// bits of its offset.
func (m *Matcher) makeState(d *dfa, list []int32, ctx uint8) *state {
	if len(list) == 0 {
		return d.dead
	}
	pending := false
	for _, id := range list {
		switch m.nfa.nodes[id].op {
		case opMatch:
			return d.match
		case opEmpty:
			pending = true
		}
	}
	if !pending {
		ctx = 0 // nothing left that the context could decide
	}
	slices.Sort(list)
	m.buf = append(m.buf[:0], ctx)
	for _, id := range list {
		m.buf = append(m.buf, byte(id), byte(id>>8), byte(id>>16), byte(id>>24))
	}
	if s, ok := d.states[string(m.buf)]; ok {
		return s
	}
	s := &state{nodes: slices.Clone(list), ctx: ctx, pending: pending}
	if pending {
		// At the end of the text the remaining assertions are decided.
		e := &m.end
		e.reset()
		ops := contextOps(ctx, -1)
		for _, id := range list {
			if nd := &m.nfa.nodes[id]; nd.op == opEmpty && nd.empty&^ops == 0 {
				e.add(m.nfa, nd.out, ops, true)
			}
		}
		s.atEnd = e.hasMatch(m.nfa)
	}
	d.states[string(m.buf)] = s
	d.bytes += int(unsafe.Sizeof(*s)) + 4*len(s.nodes) + 2*len(m.buf) + 64
	return s
}

// closure is a sparse set of NFA nodes with a work stack, for epsilon closures.
type closure struct {
	mark  []uint32
	gen   uint32
	list  []int32
	stack []int32
}

func newClosure(n int) closure { return closure{mark: make([]uint32, n)} }

func (c *closure) reset() {
	c.list = c.list[:0]
	c.gen++
	if c.gen == 0 {
		clear(c.mark)
		c.gen = 1
	}
}

func (c *closure) hasMatch(n *nfa) bool {
	for _, id := range c.list {
		if n.nodes[id].op == opMatch {
			return true
		}
	}
	return false
}

// add puts into the set the byte and match nodes reachable from id by epsilon moves.
// With full set, ops holds every assertion true at this offset and the others are
// false. Otherwise only the begin assertions (\A, (?m)^) are known, ops holding those
// that are true; an assertion needing a false one is dropped, one needing only true
// ones is followed, and the rest are kept in the set, pending until the next byte.
func (c *closure) add(n *nfa, id int32, ops syntax.EmptyOp, full bool) {
	c.stack = append(c.stack[:0], id)
	for len(c.stack) > 0 {
		id := c.stack[len(c.stack)-1]
		c.stack = c.stack[:len(c.stack)-1]
		if c.mark[id] == c.gen {
			continue
		}
		c.mark[id] = c.gen
		nd := &n.nodes[id]
		switch nd.op {
		case opByte, opMatch:
			c.list = append(c.list, id)
		case opSplit:
			for i := len(nd.alts) - 1; i >= 0; i-- {
				c.stack = append(c.stack, nd.alts[i])
			}
		case opEmpty:
			switch {
			case nd.empty&^ops == 0:
				c.stack = append(c.stack, nd.out)
			case full || nd.empty&beginOps&^ops != 0:
			default:
				c.list = append(c.list, id)
			}
		}
	}
}
