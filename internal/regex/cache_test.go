package regex

import (
	"fmt"
	"regexp"
	"sync"
	"testing"
)

// TestShared returns one matcher per pattern, concurrently, agrees with FromRegexp,
// and stays bounded.
func TestShared(t *testing.T) {
	re := regexp.MustCompile(`^[a-z]+@[a-z]+\.com$`)
	var wg sync.WaitGroup
	got := make([]*Matcher, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := Shared(regexp.MustCompile(re.String()))
			if err != nil {
				t.Error(err)
			}
			got[i] = m
		}()
	}
	wg.Wait()
	for _, m := range got[1:] {
		if m != got[0] {
			t.Fatal("the same pattern gave two matchers")
		}
	}
	for _, s := range []string{"ada@example.com", "Ada@example.com", "ada@example.org", ""} {
		if got[0].MatchString(s) != re.MatchString(s) {
			t.Fatalf("%q: shared matcher disagrees with regexp", s)
		}
	}
	for i := 0; i < 2*cacheLimit; i++ {
		if _, err := Shared(regexp.MustCompile(fmt.Sprintf("x%dy", i))); err != nil {
			t.Fatal(err)
		}
	}
	cacheMu.Lock()
	n := len(cache)
	cacheMu.Unlock()
	if n > cacheLimit {
		t.Fatalf("cache holds %d matchers, limit %d", n, cacheLimit)
	}
}
