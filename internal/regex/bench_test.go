package regex

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"syscall"
	"testing"
)

// cpuTime is the process's user+system CPU time in ns: on a shared, loaded machine
// it is steadier than wall time.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// benchColumn returns n generated values of a column kind, about 10% of them not
// matching its pattern.
func benchColumn(kind string, n int) [][]byte {
	r := rand.New(rand.NewPCG(7, 8))
	const lower = "abcdefghijklmnopqrstuvwxyz"
	word := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = lower[r.IntN(len(lower))]
		}
		return string(b)
	}
	out := make([][]byte, n)
	for i := range out {
		bad := r.IntN(10) == 0
		var s string
		switch kind {
		case "email":
			s = word(4+r.IntN(8)) + "." + word(3+r.IntN(5)) + "@" + word(5+r.IntN(6)) + "." + []string{"com", "org", "io", "net"}[r.IntN(4)]
			if bad {
				s = word(6) + " " + word(5) + "@" + word(4)
			}
		case "date":
			s = fmt.Sprintf("%04d-%02d-%02d", 1950+r.IntN(80), 1+r.IntN(12), 1+r.IntN(28))
			if bad {
				s = fmt.Sprintf("%02d/%02d/%04d", 1+r.IntN(12), 1+r.IntN(28), 1950+r.IntN(80))
			}
		case "uuid":
			s = fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), 0x8000|r.IntN(1<<14), r.Uint64()&(1<<48-1))
			if bad {
				s = s[:len(s)-1] + "g"
			}
		}
		out[i] = []byte(s)
	}
	return out
}

var benchCases = []struct{ name, kind, pattern string }{
	{"email", "email", `^[^@\s]+@[^@\s]+\.[a-z]+$`},
	{"isodate", "date", `^\d{4}-\d{2}-\d{2}$`},
	{"uuid", "uuid", `^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
	{"email-unanchored", "email", `[a-z]+@[a-z]+\.(com|org)`},
}

// BenchmarkMatch matches a 1M-value column (ns/value reported) with this package and
// with regexp.Match.
func BenchmarkMatch(b *testing.B) {
	const n = 1 << 20
	for _, bc := range benchCases {
		col := benchColumn(bc.kind, n)
		m := MustCompile(bc.pattern)
		re := regexp.MustCompile(bc.pattern)
		for _, eng := range []struct {
			name  string
			match func([]byte) bool
		}{{"dfa", m.Match}, {"regexp", re.Match}} {
			b.Run(bc.name+"/"+eng.name, func(b *testing.B) {
				hits := 0
				cpu0 := cpuTime()
				for b.Loop() {
					for _, v := range col {
						if eng.match(v) {
							hits++
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/value")
				b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/n, "cpu-ns/value")
				if hits == 0 {
					b.Fatal("no value matched")
				}
			})
		}
	}
}

// BenchmarkMatchParallel runs one shared matcher from every core.
func BenchmarkMatchParallel(b *testing.B) {
	col := benchColumn("email", 1<<16)
	m := MustCompile(benchCases[0].pattern)
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			m.Match(col[i&(len(col)-1)])
			i++
		}
	})
}

func BenchmarkCompile(b *testing.B) {
	for b.Loop() {
		MustCompile(benchCases[0].pattern)
	}
}

// BenchmarkFilter runs Filter over the same 1M-value columns laid out as an Arrow
// string column (one data buffer, int32 offsets): the four-way interleaved walk.
func BenchmarkFilter(b *testing.B) {
	const n = 1 << 20
	for _, bc := range benchCases {
		col := benchColumn(bc.kind, n)
		var data []byte
		offs := []int32{0}
		for _, v := range col {
			data = append(data, v...)
			offs = append(offs, int32(len(data)))
		}
		m := MustCompile(bc.pattern)
		b.Run(bc.name, func(b *testing.B) {
			var dst []int32
			cpu0 := cpuTime()
			for b.Loop() {
				dst = Filter(m, data, offs, 0, n, false, dst[:0])
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/value")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/n, "cpu-ns/value")
			if len(dst) == 0 || len(dst) == n {
				b.Fatalf("%d of %d values rejected", len(dst), n)
			}
		})
	}
}
