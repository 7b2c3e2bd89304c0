package metric

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// orderKey maps a non-NaN float64 to a uint64 whose unsigned order is the order
// [sortFloats] puts values in: negative values have every bit inverted, the others
// the sign bit set (so −0 sorts just before +0, as in the radix sort).
func orderKey(v float64) uint64 {
	b := math.Float64bits(v)
	// Branch-free: the mask is all ones for a negative value, the sign bit otherwise.
	return b ^ (uint64(int64(b)>>63) | 1<<63)
}

func orderFloat(b uint64) float64 {
	if b>>63 != 0 {
		return math.Float64frombits(b &^ (1 << 63))
	}
	return math.Float64frombits(^b)
}

// OrderStats returns the values at the given ranks (0-based positions in ascending
// order) of the kept values, exactly the elements Sorted()[rank] would hold, without
// sorting them all. It is a most-significant-digit radix select on the order-preserving
// bit keys of [sortFloats]. The keys of all kept values lie between those of Min and
// Max, so the bits above their highest differing bit are common and skipped: the first
// digit is the 16 bits below that prefix, which spreads the values over up to 65,536
// buckets whatever their range. One histogram pass counts the buckets, a second
// gathers the keys of the (few) buckets holding a requested rank, and those are
// refined 16 bits at a time down to buckets small enough to sort. A handful of
// quantiles thus costs about two passes over the data instead of a full sort. When the
// values are already sorted (an earlier Sorted call) they are indexed directly. Ranks
// must be in [0, N); the state must be exact (KeepAll or still under ExactLimit).
func (s *Numeric) OrderStats(ranks []int) ([]float64, error) {
	if !s.Exact() {
		return nil, fmt.Errorf("metric: exact quantiles need every value (KeepAll)")
	}
	out := make([]float64, len(ranks))
	for _, r := range ranks {
		if r < 0 || r >= s.kept {
			return nil, fmt.Errorf("metric: order statistic %d out of range [0, %d)", r, s.kept)
		}
	}
	if s.sorted != nil {
		for i, r := range ranks {
			out[i] = s.sorted[r]
		}
		return out, nil
	}
	if s.kept < 1<<14 || s.kept > math.MaxUint32 { // small, or beyond uint32 counts
		x, _ := s.Sorted()
		for i, r := range ranks {
			out[i] = x[r]
		}
		return out, nil
	}
	// Distinct wanted ranks, ascending.
	want := slices.Clone(ranks)
	slices.Sort(want)
	want = slices.Compact(want)

	// The first digit: the 16 bits below the prefix common to every key.
	kmin, kmax := orderKey(s.Min), orderKey(s.Max)
	if kmin == kmax { // every value is the same
		for i := range out {
			out[i] = orderFloat(kmin)
		}
		return out, nil
	}
	above := uint(bits.Len64(kmin ^ kmax))
	width := min(above, 16)
	shift := above - width
	mask := uint64(1)<<width - 1

	// Pass 1: histogram of the first digit.
	counts := make([]uint32, 1<<16)
	for _, c := range s.chunks {
		for _, v := range c.vals {
			counts[(orderKey(v)>>shift)&mask]++
		}
	}
	// Bucket of each wanted rank; slot per needed bucket.
	type bucket struct {
		digit uint64
		start int // rank of the bucket's first element
		keys  []uint64
	}
	var buckets []bucket
	wantBucket := make([]int, len(want))
	cum, d := 0, 0
	for w, r := range want {
		for cum+int(counts[d]) <= r {
			cum += int(counts[d])
			d++
		}
		if len(buckets) == 0 || buckets[len(buckets)-1].digit != uint64(d) {
			buckets = append(buckets, bucket{digit: uint64(d), start: cum, keys: make([]uint64, 0, counts[d])})
		}
		wantBucket[w] = len(buckets) - 1
	}
	// Pass 2: gather the keys of the needed buckets (a handful: compared in turn, the
	// test almost always fails at the first digit).
	digits := make([]uint64, len(buckets))
	for i, b := range buckets {
		digits[i] = b.digit
	}
	for _, c := range s.chunks {
		for _, v := range c.vals {
			k := orderKey(v)
			dk := (k >> shift) & mask
			for j, bd := range digits {
				if dk == bd {
					buckets[j].keys = append(buckets[j].keys, k)
					break
				}
			}
		}
	}
	got := make(map[int]float64, len(want))
	for bi, b := range buckets {
		var ranksIn []int
		for w, r := range want {
			if wantBucket[w] == bi {
				ranksIn = append(ranksIn, r-b.start)
			}
		}
		selectKeys(b.keys, shift, ranksIn, func(rank int, k uint64) { got[rank+b.start] = orderFloat(k) })
	}
	for i, r := range ranks {
		out[i] = got[r]
	}
	return out, nil
}

// selectKeys reports keys' elements at the ascending ranks want (relative to keys),
// refining on the (up to) 16-bit digit below bit `above` (the higher bits are equal
// across keys). Small sets are sorted.
func selectKeys(keys []uint64, above uint, want []int, emit func(rank int, k uint64)) {
	if len(keys) <= 1<<12 || above == 0 {
		slices.Sort(keys)
		for _, r := range want {
			emit(r, keys[r])
		}
		return
	}
	width := min(above, 16)
	shift := above - width
	mask := uint64(1)<<width - 1
	var counts [1 << 16]int
	for _, k := range keys {
		counts[(k>>shift)&mask]++
	}
	cum, d := 0, 0
	for i := 0; i < len(want); {
		r := want[i]
		for cum+counts[d] <= r {
			cum += counts[d]
			d++
		}
		// Every wanted rank in digit d.
		j := i
		var sub []int
		for j < len(want) && want[j] < cum+counts[d] {
			sub = append(sub, want[j]-cum)
			j++
		}
		part := make([]uint64, 0, counts[d])
		for _, k := range keys {
			if (k>>shift)&mask == uint64(d) {
				part = append(part, k)
			}
		}
		base := cum
		selectKeys(part, shift, sub, func(rank int, k uint64) { emit(rank+base, k) })
		i = j
	}
}
