package regex

import (
	"unicode/utf8"
	"unsafe"
)

// dense is the whole DFA of a small pattern in one flat transition table, built once
// at compile time by exploring every state of the lazy DFA that the start state can
// reach, one byte class at a time. It is read-only after construction, so concurrent
// matching needs no atomics, and a step is two loads from small arrays instead of an
// atomic load from a 2 KiB state:
//
//	s' = trans[(s + class4[b]) / 4]
//
// where s is a state's byte offset in the table (4·id·nclass) and class4[b] is 4 times
// the class of byte b (byte offsets let the interleaved loop address the table without
// scaling). The match and dead states loop on themselves, so the loop needs no test per
// byte; a value matches when its last state is the match state or an accepting one
// (a pending end-of-text assertion such as $ holds there). States are numbered so
// that both tests are comparisons: dead = 0, then the states that do not accept at
// the end, then those that do, then the match state.
type dense struct {
	class4  [256]int32 // byte -> 4·class
	trans   []int32    // next state's byte offset, indexed by (state offset + class4)/4
	start   int32      // state offsets are 4·id·stride
	match   int32      // offset of the match state
	accepts int32      // offsets >= accepts accept at the end of the text
	stride  int32      // number of classes
}

// Limits of the dense table: beyond them the lazy DFA alone serves the pattern. The
// entry limit bounds the work of building it at compile time (one transition built
// per entry, about a microsecond each): column patterns (emails, dates, UUIDs, codes)
// need a few hundred entries, while large Unicode classes under repetition (\pL+:
// 296 states of about 200 classes, 74 ms to explore) stay on the lazy DFA.
const (
	maxDenseStates  = 1024
	maxDenseEntries = 1 << 12 // 16 KiB of transitions
)

// buildDense explores the DFA from its start state. It returns nil when the DFA has
// more states than the limits allow or the lazy cache was flushed meanwhile.
func (m *Matcher) buildDense() *dense {
	if m.nfa == nil {
		return nil
	}
	d := m.cur.Load()
	ncls := m.nfa.nclass
	rep := make([]byte, ncls) // a byte of each class
	for b := 255; b >= 0; b-- {
		rep[m.nfa.classes[b]] = byte(b)
	}
	// Breadth-first exploration; the match and dead states have no transitions.
	ids := map[*state]int{d.start: 0}
	order := []*state{d.start}
	next := [][]*state{}
	for i := 0; i < len(order); i++ {
		s := order[i]
		row := make([]*state, ncls)
		if s.kind == kindNormal {
			for c := 0; c < ncls; c++ {
				n := s.trans[rep[c]].Load()
				if n == nil {
					if n = m.miss(d, s, rep[c]); n == nil {
						return nil
					}
				}
				row[c] = n
				if _, ok := ids[n]; !ok {
					if len(order) >= maxDenseStates || (len(order)+3)*ncls > maxDenseEntries {
						return nil
					}
					ids[n] = len(order)
					order = append(order, n)
				}
			}
		}
		next = append(next, row)
	}
	// Number: dead, normal non-accepting, normal accepting, match.
	num := make(map[*state]int32, len(order)+2)
	num[d.dead] = 0
	k := int32(1)
	for pass := 0; pass < 2; pass++ {
		for _, s := range order {
			if s.kind == kindNormal && s.atEnd == (pass == 1) {
				num[s] = k
				k++
			}
		}
	}
	nonAccepting := int32(1)
	for _, s := range order {
		if s.kind == kindNormal && !s.atEnd {
			nonAccepting++
		}
	}
	num[d.match] = k
	nstates := k + 1
	stride := int32(ncls)
	off := func(s *state) int32 { return 4 * num[s] * stride }
	t := &dense{
		trans:   make([]int32, int(nstates)*ncls),
		start:   off(d.start),
		match:   off(d.match),
		accepts: 4 * nonAccepting * stride,
		stride:  stride,
	}
	for b := 0; b < 256; b++ {
		t.class4[b] = 4 * int32(m.nfa.classes[b])
	}
	for c := int32(0); c < stride; c++ {
		t.trans[c] = 0                 // dead stays dead
		t.trans[t.match/4+c] = t.match // match stays match
	}
	for i, s := range order {
		if s.kind != kindNormal {
			continue
		}
		base := num[s] * stride
		for c, n := range next[i] {
			t.trans[base+int32(c)] = off(n)
		}
	}
	return t
}

// run steps from state s over v, stopping early in the match or dead state.
func (t *dense) run(s int32, v []byte) int32 {
	tr, cl := t.trans, &t.class4
	for len(v) >= 8 {
		s = tr[uint32(s+cl[v[0]])>>2]
		s = tr[uint32(s+cl[v[1]])>>2]
		s = tr[uint32(s+cl[v[2]])>>2]
		s = tr[uint32(s+cl[v[3]])>>2]
		s = tr[uint32(s+cl[v[4]])>>2]
		s = tr[uint32(s+cl[v[5]])>>2]
		s = tr[uint32(s+cl[v[6]])>>2]
		s = tr[uint32(s+cl[v[7]])>>2]
		v = v[8:]
		if s == 0 || s == t.match {
			return s
		}
	}
	for _, b := range v {
		s = tr[uint32(s+cl[b])>>2]
	}
	return s
}

// verdict turns the final state of value v into Match's answer; ok is false when
// regexp must decide (a rejected value that is not valid UTF-8).
func (t *dense) verdict(s int32, v []byte) (matched, ok bool) {
	if s >= t.accepts {
		return true, true
	}
	return false, utf8.Valid(v)
}

// Filter appends to dst the indices i in [lo, hi) whose value
// data[offs[i]:offs[i+1]] matches (want true) or does not match (want false), exactly
// as Match would decide each, in ascending order.
//
// With a dense table the values are taken four at a time and their walks advance
// together, one byte of each per step, over the length of the shortest: the four
// chains of dependent table loads then overlap in the CPU instead of running one after
// another, which is where most of the speed over calling Match per value comes from.
// The tails are walked two at a time, then alone.
func Filter[O int32 | int64](m *Matcher, data []byte, offs []O, lo, hi int, want bool, dst []int32) []int32 {
	t := m.dense
	if t == nil || m.disabled.Load() {
		for i := lo; i < hi; i++ {
			if m.Match(data[offs[i]:offs[i+1]]) == want {
				dst = append(dst, int32(i))
			}
		}
		return dst
	}
	i := lo
	for ; i+4 <= hi; i += 4 {
		v0 := data[offs[i]:offs[i+1]]
		v1 := data[offs[i+1]:offs[i+2]]
		v2 := data[offs[i+2]:offs[i+3]]
		v3 := data[offs[i+3]:offs[i+4]]
		n := min(len(v0), len(v1), len(v2), len(v3))
		s0, s1, s2, s3, k := t.lockstep(v0, v1, v2, v3, n)
		// The tails: two walks at a time, then alone.
		s0, s1 = t.pair(s0, s1, v0[k:], v1[k:])
		s2, s3 = t.pair(s2, s3, v2[k:], v3[k:])
		if s0 >= t.accepts && s1 >= t.accepts && s2 >= t.accepts && s3 >= t.accepts {
			if want {
				dst = append(dst, int32(i), int32(i+1), int32(i+2), int32(i+3))
			}
			continue
		}
		dst = t.decide(m, s0, v0, i, want, dst)
		dst = t.decide(m, s1, v1, i+1, want, dst)
		dst = t.decide(m, s2, v2, i+2, want, dst)
		dst = t.decide(m, s3, v3, i+3, want, dst)
	}
	for ; i < hi; i++ {
		v := data[offs[i]:offs[i+1]]
		dst = t.decide(m, t.run(t.start, v), v, i, want, dst)
	}
	return dst
}

// pair finishes two walks: together over their common remaining length, then each
// alone. A walk already in the match or dead state is left there.
func (t *dense) pair(sa, sb int32, a, b []byte) (int32, int32) {
	if t.final(sa) {
		a = nil
	}
	if t.final(sb) {
		b = nil
	}
	n := min(len(a), len(b))
	if n > 0 {
		tr, cl := t.trans, &t.class4
		a, b := a[:n], b[:n]
		for j := range a {
			sa = tr[uint32(sa+cl[a[j]])>>2]
			sb = tr[uint32(sb+cl[b[j]])>>2]
		}
	}
	if len(a) > n && !t.final(sa) {
		sa = t.run(sa, a[n:])
	}
	if len(b) > n && !t.final(sb) {
		sb = t.run(sb, b[n:])
	}
	return sa, sb
}

// final reports whether s is the match or the dead state, which no byte leaves.
func (t *dense) final(s int32) bool { return s == 0 || s == t.match }

// lockstepBlock is how many bytes the four-way loop advances between checks for the
// match and dead states.
const lockstepBlock = 32

// lockstep walks the first n bytes of four values together (n ≤ every length), in
// blocks of lockstepBlock bytes, and stops after a block that left any of them in the
// match or dead state. It returns the four states and how many bytes were consumed.
//
// This loop is the hot path of regex checks and uses unsafe pointer arithmetic: with
// eleven values live at once (four states, four byte cursors, the table, the classes,
// the bound), bounds-checked indexing makes the compiler spill states to the stack,
// and store-to-load forwarding then sits on every step's dependency chain. Safety
// rests on invariants established by buildDense and checked by
// TestDenseTableInvariants (every table entry is a state offset inside the table;
// class4 maps every byte to an offset below the stride) and on j < n ≤ len(v) for the
// cursors.
func (t *dense) lockstep(v0, v1, v2, v3 []byte, n int) (s0, s1, s2, s3 int32, k int) {
	start := uintptr(t.start)
	if n == 0 {
		return t.start, t.start, t.start, t.start, 0
	}
	tr := unsafe.Pointer(unsafe.SliceData(t.trans))
	cl := &t.class4
	p0, p1 := unsafe.Pointer(unsafe.SliceData(v0)), unsafe.Pointer(unsafe.SliceData(v1))
	p2, p3 := unsafe.Pointer(unsafe.SliceData(v2)), unsafe.Pointer(unsafe.SliceData(v3))
	match := uintptr(t.match)
	a, b, c, d := start, start, start, start
	for k < n {
		end := min(k+lockstepBlock, n)
		for j := k; j < end; j++ {
			a = uintptr(*(*uint32)(unsafe.Add(tr, a+uintptr(cl[*(*byte)(unsafe.Add(p0, j))]))))
			b = uintptr(*(*uint32)(unsafe.Add(tr, b+uintptr(cl[*(*byte)(unsafe.Add(p1, j))]))))
			c = uintptr(*(*uint32)(unsafe.Add(tr, c+uintptr(cl[*(*byte)(unsafe.Add(p2, j))]))))
			d = uintptr(*(*uint32)(unsafe.Add(tr, d+uintptr(cl[*(*byte)(unsafe.Add(p3, j))]))))
		}
		k = end
		if a == 0 || a == match || b == 0 || b == match ||
			c == 0 || c == match || d == 0 || d == match {
			break
		}
	}
	return int32(a), int32(b), int32(c), int32(d), k
}

// decide appends index i to dst when the answer for value v, whose walk ended in
// state s, equals want.
func (t *dense) decide(m *Matcher, s int32, v []byte, i int, want bool, dst []int32) []int32 {
	r, ok := t.verdict(s, v)
	if !ok {
		r = m.re.Match(v)
	}
	if r == want {
		dst = append(dst, int32(i))
	}
	return dst
}
