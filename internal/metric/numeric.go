package metric

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/assay-go/assay/internal/kernels"
)

// DefaultExactLimit is how many values a [Numeric] state keeps to compute its mean and
// standard deviation exactly as numpy and pandas do (pairwise summation, two passes).
// Beyond it the state switches to streaming moments (Chan et al.), which agree to a
// few ulps.
const DefaultExactLimit = 1 << 20

// Numeric summarises a numeric, date or timestamp column's non-null values: count,
// minimum, maximum, sum and the first two central moments. NaN values are counted
// apart (NaN field) and excluded from the statistics.
//
// Moments are merged with the parallel update of Chan, Golub and LeVeque (1979):
//
//	n = na + nb, δ = mean_b − mean_a, mean = mean_a + δ·nb/n,
//	M2 = M2_a + M2_b + δ²·na·nb/n.
//
// While at most ExactLimit values have been seen, the values themselves are kept (in
// row order) and Mean, Var and Sum are computed the way numpy/pandas do: numpy's
// pairwise summation for the sum, mean = sum/n, then the sum of squared deviations
// from that mean over n − ddof. With KeepAll the values are always kept, which exact
// medians and quantiles need (memory: 8 bytes a value).
//
// Zero-copy retention: a batch whose values would be kept is kept by reference when
// the column is float64, the batch has no nulls, no row selection and no NaN, and the
// array owns its value buffer (the rule of [retainable]): the state Retains the buffer
// and reads the values in place instead of copying them. The memory held is the same
// 8 bytes a value as a copy (the rule lets a buffer's capacity exceed that by a
// quarter, plus 64 bytes), but nothing is written, so a scan does not pay for first-touching fresh
// pages. Any other batch is copied (non-NaN values only). A state
// holding buffers must be released ([Numeric.Release], see [Releaser]); dropping the
// kept values (ExactLimit exceeded) releases them at once, and [Numeric.Merge]
// consumes the other state's kept values.
type Numeric struct {
	N       int64
	NaN     int64
	Rows    int64
	Missing int64
	Min     float64
	Max     float64
	// MinInt, MaxInt are exact extremes for integer, date and timestamp storage.
	MinInt, MaxInt int64
	isInt          bool
	intSum         int64 // wrapping sum of the values, with MinInt and MaxInt
	// Streaming moments and Neumaier-compensated sum, not maintained with KeepAll
	// (whose Mean, Var and Sum read the kept values).
	mean, m2  float64
	sum, comp float64

	ExactLimit int
	KeepAll    bool
	chunks     []chunk
	kept       int
	dropped    bool
	sorted     []float64

	typ     arrow.DataType
	scratch []byte
	buf     []float64
}

// NewNumeric returns an empty Numeric state for type t (numeric, date, timestamp).
func NewNumeric(t arrow.DataType, keepAll bool) (*Numeric, error) {
	if !kernels.IsNumeric(t) && !kernels.IsTemporal(t) {
		return nil, fmt.Errorf("%w: numeric statistics of %s", ErrType, t)
	}
	n := &Numeric{typ: t, ExactLimit: DefaultExactLimit, KeepAll: keepAll,
		Min: math.Inf(1), Max: math.Inf(-1), MinInt: math.MaxInt64, MaxInt: math.MinInt64}
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
		n.isInt = true
	}
	return n, nil
}

// Type returns the column type the state summarises.
func (s *Numeric) Type() arrow.DataType { return s.typ }

// IsInt reports whether MinInt and MaxInt hold the exact extremes.
func (s *Numeric) IsInt() bool { return s.isInt }

// Update implements [State].
func (s *Numeric) Update(b *Batch) error {
	col := b.Cols[0]
	valid, nValid := ValidBitmap(col, b, &s.scratch)
	s.Rows += int64(b.SelectedCount)
	s.Missing += int64(b.SelectedCount - nValid)
	if nValid == 0 {
		return nil
	}
	if s.isInt {
		s.intExtremes(col, valid)
	}
	keep := s.KeepAll || (!s.dropped && s.kept+nValid <= s.ExactLimit)
	if !keep && !s.dropped {
		s.dropValues()
	}
	if keep {
		if vals, buf, ok := retainable(col, b); ok {
			if s.add(vals) == len(vals) {
				buf.Retain()
				s.keepChunk(chunk{offset: b.Offset, vals: vals, buf: buf})
				return nil
			}
			// NaN present: copy the other values.
			s.keepChunk(chunk{offset: b.Offset, vals: appendNotNaN(make([]float64, 0, len(vals)), vals)})
			return nil
		}
	}
	var kept []float64
	if keep {
		kept = make([]float64, 0, nValid)
	}
	err := kernels.Float64s(col, valid, s.buf, func(vals []float64, _ []int32) {
		n := s.add(vals)
		if keep {
			if n == len(vals) {
				kept = append(kept, vals...) // no NaN: one copy
			} else {
				kept = appendNotNaN(kept, vals)
			}
		}
	})
	if err != nil {
		return err
	}
	if keep {
		s.keepChunk(chunk{offset: b.Offset, vals: kept})
	}
	return nil
}

// add adds the non-NaN values of vals to the count, extremes, sum and moments (NaN to
// the NaN count) and returns how many there were.
//
// The batch's extremes follow Go's min and max (−0 < +0), its sum is the sequential
// sum of its values and its M2 the sum of squared deviations from the batch mean
// (second pass), merged into the state as Chan et al. describe. The common case (no
// NaN, no infinities of both signs) runs on one branch-predicted loop: a NaN turns the
// sequential sum into NaN, which sends the chunk through the general loop, so the
// results are the same doubles either way. A KeepAll state reads Mean, Var and Sum
// from its kept values, so it skips the M2 pass and the streaming moments.
func (s *Numeric) add(vals []float64) int {
	if len(vals) == 0 {
		return 0
	}
	sum, mn, mx := sumMinMax(vals)
	if sum != sum { // a NaN (or +Inf and −Inf)
		return s.addGeneral(vals)
	}
	n := len(vals)
	s.Min = min(s.Min, mn)
	s.Max = max(s.Max, mx)
	if s.KeepAll {
		s.N += int64(n)
		return n
	}
	bm := sum / float64(n)
	var m2 float64
	for _, v := range vals {
		d := v - bm
		m2 += d * d
	}
	s.mergeMoments(int64(n), bm, m2)
	s.addSum(sum)
	return n
}

// addGeneral is add for a chunk that may hold NaN: they are counted apart and skipped.
func (s *Numeric) addGeneral(vals []float64) int {
	var n int
	var sum, mn, mx = 0.0, math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		if v != v {
			s.NaN++
			continue
		}
		n++
		sum += v
		mn = min(mn, v)
		mx = max(mx, v)
	}
	if n == 0 {
		return 0
	}
	bm := sum / float64(n)
	var m2 float64
	if !s.KeepAll {
		for _, v := range vals {
			if v == v {
				d := v - bm
				m2 += d * d
			}
		}
	}
	s.mergeMoments(int64(n), bm, m2)
	s.addSum(sum)
	s.Min = min(s.Min, mn)
	s.Max = max(s.Max, mx)
	return n
}

// sumMinMax returns the sequential sum of vals and, when it is not NaN (no NaN in
// vals), their minimum and maximum as Go's min and max give them.
func sumMinMax(vals []float64) (sum, mn, mx float64) {
	mn, mx = vals[0], vals[0]
	for _, v := range vals {
		sum += v
		// Comparisons rather than min/max: a new extreme is rare, so the branches are
		// predicted and the extremes carry no dependency chain.
		if v < mn {
			mn = v
		}
		if v > mx {
			mx = v
		}
	}
	mn, mx = signedZeros(vals, mn, mx)
	return sum, mn, mx
}

// signedZeros fixes the sign of a zero extreme found by comparisons, which do not
// order −0 and +0: Go's min of a set whose least value is zero is −0 if the set holds
// a −0, and its max of a set whose greatest value is zero is +0 if it holds a +0.
func signedZeros(vals []float64, mn, mx float64) (float64, float64) {
	if mn != 0 && mx != 0 {
		return mn, mx
	}
	var neg, pos bool
	for _, v := range vals {
		if v == 0 {
			if math.Signbit(v) {
				neg = true
			} else {
				pos = true
			}
		}
	}
	if mn == 0 {
		mn = 0
		if neg {
			mn = math.Copysign(0, -1)
		}
	}
	if mx == 0 {
		mx = math.Copysign(0, -1)
		if pos {
			mx = 0
		}
	}
	return mn, mx
}

func appendNotNaN(dst, vals []float64) []float64 {
	for _, v := range vals {
		if v == v {
			dst = append(dst, v)
		}
	}
	return dst
}

// keepChunk adds a chunk of kept values (an empty one releases its buffer).
func (s *Numeric) keepChunk(c chunk) {
	if len(c.vals) == 0 {
		if c.buf != nil {
			c.buf.Release()
		}
		return
	}
	s.chunks = append(s.chunks, c)
	s.kept += len(c.vals)
	s.sorted = nil
}

func (s *Numeric) intExtremes(col arrow.Array, valid []byte) {
	switch col.DataType().ID() {
	case arrow.INT8:
		intMinMax(s, arrow.GetValues[int8](col.Data(), 1), valid)
	case arrow.INT16:
		intMinMax(s, arrow.GetValues[int16](col.Data(), 1), valid)
	case arrow.INT32, arrow.DATE32:
		intMinMax(s, arrow.GetValues[int32](col.Data(), 1), valid)
	default:
		intMinMax(s, arrow.GetValues[int64](col.Data(), 1), valid)
	}
}

// intMinMax adds the valid values to the exact integer extremes and the wrapping int64
// sum (one loop; the sum is what [PandasMoments.IntSum] reports).
func intMinMax[T int8 | int16 | int32 | int64](s *Numeric, vals []T, valid []byte) {
	mn, mx, sum := s.MinInt, s.MaxInt, s.intSum
	kernels.Runs(valid, len(vals), func(lo, hi int) {
		for _, v := range vals[lo:hi] {
			x := int64(v)
			mn = min(mn, x)
			mx = max(mx, x)
			sum += x
		}
	})
	s.MinInt, s.MaxInt, s.intSum = mn, mx, sum
}

func (s *Numeric) mergeMoments(n int64, mean, m2 float64) {
	if s.N == 0 {
		s.N, s.mean, s.m2 = n, mean, m2
		return
	}
	tot := s.N + n
	d := mean - s.mean
	s.mean += d * float64(n) / float64(tot)
	s.m2 += m2 + d*d*float64(s.N)*float64(n)/float64(tot)
	s.N = tot
}

func (s *Numeric) addSum(x float64) {
	t := s.sum + x
	if math.Abs(s.sum) >= math.Abs(x) {
		s.comp += (s.sum - t) + x
	} else {
		s.comp += (x - t) + s.sum
	}
	s.sum = t
}

func (s *Numeric) dropValues() {
	s.dropped = true
	releaseChunks(s.chunks)
	s.chunks = nil
	s.kept = 0
	s.sorted = nil
}

// Merge implements [State]. It consumes other's kept values: they move to s (or are
// released when s drops its values), so other must not be read for exact results
// afterwards, and releasing both states is safe.
func (s *Numeric) Merge(other State) error {
	o, ok := other.(*Numeric)
	if !ok {
		return mismatch(s, other)
	}
	s.Rows += o.Rows
	s.Missing += o.Missing
	s.NaN += o.NaN
	if o.N > 0 {
		s.mergeMoments(o.N, o.mean, o.m2)
		s.addSum(o.sum)
		s.addSum(o.comp)
		s.Min = min(s.Min, o.Min)
		s.Max = max(s.Max, o.Max)
		s.MinInt = min(s.MinInt, o.MinInt)
		s.MaxInt = max(s.MaxInt, o.MaxInt)
		s.intSum += o.intSum
	}
	switch {
	case s.KeepAll:
		s.chunks = append(s.chunks, o.chunks...)
		s.kept += o.kept
	case s.dropped:
		releaseChunks(o.chunks)
	case o.dropped || s.kept+o.kept > s.ExactLimit:
		s.dropValues()
		releaseChunks(o.chunks)
	default:
		s.chunks = append(s.chunks, o.chunks...)
		s.kept += o.kept
	}
	o.chunks, o.kept, o.sorted = nil, 0, nil
	s.sorted = nil
	return nil
}

// Release implements [Releaser]: it releases the Arrow buffers the state retained and
// forgets the kept values. It is idempotent; the state must not be read afterwards.
func (s *Numeric) Release() {
	releaseChunks(s.chunks)
	s.chunks, s.kept, s.sorted = nil, 0, nil
}

// Exact reports whether Mean, Var and Sum are computed from the kept values.
func (s *Numeric) Exact() bool { return !s.dropped || s.KeepAll }

// values returns the kept values in row order.
func (s *Numeric) values() []float64 {
	slices.SortFunc(s.chunks, func(a, b chunk) int { return cmp.Compare(a.offset, b.offset) })
	out := make([]float64, 0, s.kept)
	for _, c := range s.chunks {
		out = append(out, c.vals...)
	}
	return out
}

// Sum returns the sum of the values (numpy pairwise summation while exact).
func (s *Numeric) Sum() float64 {
	if s.N == 0 {
		return 0
	}
	if s.Exact() {
		return PairwiseSum(s.values())
	}
	return s.sum + s.comp
}

// Mean returns the arithmetic mean, NaN when there are no values.
func (s *Numeric) Mean() float64 {
	if s.N == 0 {
		return math.NaN()
	}
	if s.Exact() {
		return PairwiseSum(s.values()) / float64(s.N)
	}
	return s.mean
}

// Var returns Σ(x − mean)² / (n − ddof): ddof 1 is the sample variance (pandas'
// default), ddof 0 the population variance. NaN when n ≤ ddof.
func (s *Numeric) Var(ddof int) float64 {
	if s.N <= int64(ddof) {
		return math.NaN()
	}
	if s.Exact() {
		vals := s.values()
		mean := PairwiseSum(vals) / float64(len(vals))
		sq := make([]float64, len(vals))
		for i, v := range vals {
			d := mean - v
			sq[i] = d * d
		}
		return PairwiseSum(sq) / float64(s.N-int64(ddof))
	}
	return s.m2 / float64(s.N-int64(ddof))
}

// Std returns sqrt(Var(ddof)).
func (s *Numeric) Std(ddof int) float64 { return math.Sqrt(s.Var(ddof)) }

// Sorted returns the kept values in ascending order (KeepAll states only).
func (s *Numeric) Sorted() ([]float64, error) {
	if !s.Exact() {
		return nil, fmt.Errorf("metric: exact quantiles need every value (KeepAll)")
	}
	if s.sorted == nil {
		s.sorted = s.values()
		sortFloats(s.sorted)
	}
	return s.sorted, nil
}

// Quantile returns the q-quantile of the values with linear interpolation between
// order statistics (numpy's default, "type 7" of Hyndman and Fan 1996):
// h = (n−1)q, Q = x[⌊h⌋] + (h−⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]). The median is Quantile(0.5).
func (s *Numeric) Quantile(q float64) (float64, error) {
	x, err := s.Sorted()
	if err != nil || len(x) == 0 {
		return math.NaN(), err
	}
	return QuantileLinear(x, q), nil
}

// QuantileLinear is numpy's linear quantile of sorted x.
func QuantileLinear(x []float64, q float64) float64 {
	h := float64(len(x)-1) * q
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(x) {
		return x[len(x)-1]
	}
	return x[i] + (h-lo)*(x[i+1]-x[i])
}

// QuantileNearest is numpy's "nearest" quantile of sorted x: the order statistic at
// index round((n−1)q), ties to even (as numpy's around).
func QuantileNearest(x []float64, q float64) float64 {
	h := math.RoundToEven(float64(len(x)-1) * q)
	return x[int(h)]
}

// PairwiseSum sums x exactly as numpy's pairwise summation does for a contiguous
// float64 array (numpy/core/src/umath/loops_utils.h.src, pairwise_sum): sequential
// below 8 values, eight interleaved accumulators up to a block of 128, and recursive
// halving (split rounded down to a multiple of 8) above. Matching numpy bit for bit
// lets results land on the same double as pandas.
func PairwiseSum(x []float64) float64 {
	n := len(x)
	switch {
	case n < 8:
		var res float64
		for _, v := range x {
			res += v
		}
		return res
	case n <= 128:
		var r [8]float64
		copy(r[:], x[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			r[0] += x[i]
			r[1] += x[i+1]
			r[2] += x[i+2]
			r[3] += x[i+3]
			r[4] += x[i+4]
			r[5] += x[i+5]
			r[6] += x[i+6]
			r[7] += x[i+7]
		}
		res := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			res += x[i]
		}
		return res
	default:
		n2 := n / 2
		n2 -= n2 % 8
		return PairwiseSum(x[:n2]) + PairwiseSum(x[n2:])
	}
}
