package regex

import (
	"regexp"
	"sync"
)

// cacheLimit bounds the shared matcher cache; when it is full it is emptied and
// refilled (patterns of a suite are few; a process that generates patterns without end
// must not grow without end).
const cacheLimit = 512

var (
	cacheMu sync.Mutex
	cache   = map[string]*Matcher{}
)

// Shared returns a matcher for re like FromRegexp, shared by every caller that asks for
// the same pattern: a Matcher is safe for concurrent use, so a suite validated again
// and again (unit tests, an ETL gate over many files) builds each pattern's DFA table
// once and keeps its lazy states warm. The fallback regexp of the shared matcher is the
// one of the first caller, which is equivalent.
func Shared(re *regexp.Regexp) (*Matcher, error) {
	key := re.String()
	cacheMu.Lock()
	m, ok := cache[key]
	cacheMu.Unlock()
	if ok {
		return m, nil
	}
	m, err := FromRegexp(re)
	if err != nil {
		return nil, err
	}
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if old, ok := cache[key]; ok {
		return old, nil
	}
	if len(cache) >= cacheLimit {
		clear(cache)
	}
	cache[key] = m
	return m, nil
}
