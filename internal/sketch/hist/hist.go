// Package hist implements equal-width histograms with fixed edges, and numpy's rules
// for choosing the edges (numpy.histogram_bin_edges).
//
// # Binning
//
// A [Hist] over [lo, hi] with b bins has the edges of numpy.linspace(lo, hi, b+1):
// e_i = lo + i·(hi-lo)/b for i < b, and e_b = hi exactly. Bin i holds e_i <= x < e_{i+1},
// except the last bin, which is closed: e_{b-1} <= x <= hi. This is numpy.histogram's
// rule, including its computation of the bin index (⌊(x-lo)·b/(hi-lo)⌋, then corrected
// by one against the edges), so counts agree with numpy value for value. Values below lo
// and above hi are counted separately ([Hist.Below], [Hist.Above]), as are NaNs
// ([Hist.NaN]); no value is dropped.
//
// # Bin-edge rules
//
// [EqualWidthEdges] is numpy.histogram_bin_edges(a, bins=b, range=(min, max)): when
// min == max the range is widened to [min-0.5, max+0.5]. The rules pick a bin width h
// from the data and then b = ⌈(max-min)/h⌉ bins (1 bin if h is 0):
//
//	sturges: h = (max-min)/(log2(n) + 1)                    (Sturges 1926)
//	fd:      h = 2·IQR·n^(-1/3)                              (Freedman & Diaconis 1981)
//	auto:    h = min(fd, sturges) if the fd width is > 0, else sturges (numpy's default
//	         rule for bins="auto")
//
// with IQR the difference of the linearly interpolated 75th and 25th percentiles
// (numpy.percentile's default). Since numpy 2.1, integer data get h >= 1; pass
// integer = true for that behaviour.
package hist

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/assay-go/assay/internal/sketch/internal/wire"
)

const (
	// MaxBins bounds the number of bins.
	MaxBins = 1 << 20

	magic   = 'G'
	version = 1
)

// Hist is an equal-width histogram. The zero value is not usable; call [New].
type Hist struct {
	lo, hi float64
	scale  float64 // bins/(hi-lo), numpy's norm
	edges  []float64
	counts []uint64
	below  uint64
	above  uint64
	nan    uint64
}

// New returns an empty histogram with bins equal-width bins over [lo, hi]. lo < hi must
// be finite with hi-lo finite, and 1 <= bins <= MaxBins.
func New(lo, hi float64, bins int) (*Hist, error) {
	if err := checkRange(lo, hi, bins); err != nil {
		return nil, err
	}
	h := &Hist{lo: lo, hi: hi, counts: make([]uint64, bins)}
	h.init()
	return h, nil
}

func checkRange(lo, hi float64, bins int) error {
	if bins < 1 || bins > MaxBins {
		return fmt.Errorf("hist: %d bins outside [1, %d]", bins, MaxBins)
	}
	if !(lo < hi) || math.IsInf(hi-lo, 0) {
		return fmt.Errorf("hist: range [%g, %g] is not a finite non-empty interval", lo, hi)
	}
	if math.IsInf(float64(bins)/(hi-lo), 0) {
		return fmt.Errorf("hist: range [%g, %g] is too narrow for %d bins", lo, hi, bins)
	}
	return nil
}

func (h *Hist) init() {
	b := len(h.counts)
	h.scale = float64(b) / (h.hi - h.lo)
	h.edges = linspace(h.lo, h.hi, b)
}

// linspace returns numpy.linspace(lo, hi, bins+1): i·step + lo with step = (hi-lo)/bins,
// the last edge set to hi.
func linspace(lo, hi float64, bins int) []float64 {
	step := (hi - lo) / float64(bins)
	e := make([]float64, bins+1)
	for i := range bins {
		e[i] = float64(float64(i)*step) + lo // the conversion forbids a fused multiply-add
	}
	e[bins] = hi
	return e
}

// Add counts x.
func (h *Hist) Add(x float64) {
	switch {
	case x >= h.lo && x <= h.hi:
		h.counts[h.bin(x)]++
	case x < h.lo:
		h.below++
	case x > h.hi:
		h.above++
	default:
		h.nan++
	}
}

// bin returns numpy.histogram's bin for lo <= x <= hi.
func (h *Hist) bin(x float64) int {
	last := len(h.counts) - 1
	i := int(float64((x - h.lo) * h.scale))
	if i > last {
		i = last
	}
	if x < h.edges[i] {
		i--
	} else if i != last && x >= h.edges[i+1] {
		i++
	}
	return i
}

// AddN counts x w times (a weighted item, such as one of a quantile sketch's).
func (h *Hist) AddN(x float64, w uint64) {
	switch {
	case x >= h.lo && x <= h.hi:
		h.counts[h.bin(x)] += w
	case x < h.lo:
		h.below += w
	case x > h.hi:
		h.above += w
	default:
		h.nan += w
	}
}

// AddBatch counts every value of xs.
func (h *Hist) AddBatch(xs []float64) {
	lo, hi, scale, edges, counts := h.lo, h.hi, h.scale, h.edges, h.counts
	last := len(counts) - 1
	edges = edges[:last+2]
	var below, above, nan uint64
	for _, x := range xs {
		if !(x >= lo && x <= hi) {
			switch {
			case x < lo:
				below++
			case x > hi:
				above++
			default:
				nan++
			}
			continue
		}
		i := min(int(float64((x-lo)*scale)), last)
		if x < edges[i] {
			i--
		} else if i != last && x >= edges[i+1] {
			i++
		}
		counts[i]++
	}
	h.below += below
	h.above += above
	h.nan += nan
}

// Lo returns the lower edge.
func (h *Hist) Lo() float64 { return h.lo }

// Hi returns the upper edge.
func (h *Hist) Hi() float64 { return h.hi }

// Bins returns the number of bins.
func (h *Hist) Bins() int { return len(h.counts) }

// Edges returns a copy of the bins+1 edges.
func (h *Hist) Edges() []float64 { return slices.Clone(h.edges) }

// Counts returns a copy of the per-bin counts.
func (h *Hist) Counts() []uint64 { return slices.Clone(h.counts) }

// Below returns the number of values below lo (-Inf included).
func (h *Hist) Below() uint64 { return h.below }

// Above returns the number of values above hi (+Inf included).
func (h *Hist) Above() uint64 { return h.above }

// NaN returns the number of NaNs.
func (h *Hist) NaN() uint64 { return h.nan }

// InRange returns the number of values in [lo, hi].
func (h *Hist) InRange() uint64 {
	var s uint64
	for _, c := range h.counts {
		s += c
	}
	return s
}

// N returns the number of values added, NaNs included.
func (h *Hist) N() uint64 { return h.InRange() + h.below + h.above + h.nan }

// Merge adds other's counts into h. The edges must be identical (same lo, hi, bins).
func (h *Hist) Merge(other *Hist) error {
	if other == nil {
		return errors.New("hist: merge with nil histogram")
	}
	if other.lo != h.lo || other.hi != h.hi || len(other.counts) != len(h.counts) {
		return fmt.Errorf("hist: cannot merge histogram [%g, %g] with %d bins into [%g, %g] with %d bins",
			other.lo, other.hi, len(other.counts), h.lo, h.hi, len(h.counts))
	}
	for i, c := range other.counts {
		h.counts[i] += c
	}
	h.below += other.below
	h.above += other.above
	h.nan += other.nan
	return nil
}

// Clone returns an independent copy of h.
func (h *Hist) Clone() *Hist {
	c := *h
	c.counts = slices.Clone(h.counts)
	c.edges = slices.Clone(h.edges)
	return &c
}

// MarshalBinary encodes the histogram: 'G', version 1, lo, hi (float64), varints bins,
// below, above, nan, and the bin counts.
func (h *Hist) MarshalBinary() ([]byte, error) {
	w := wire.Writer{}
	w.Byte(magic)
	w.Byte(version)
	w.Float64(h.lo)
	w.Float64(h.hi)
	w.Uvarint(uint64(len(h.counts)))
	w.Uvarint(h.below)
	w.Uvarint(h.above)
	w.Uvarint(h.nan)
	for _, c := range h.counts {
		w.Uvarint(c)
	}
	return w.B, nil
}

// UnmarshalBinary decodes the form written by MarshalBinary, replacing h.
func (h *Hist) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, "hist")
	r.Header(magic, version)
	lo := r.Float64()
	hi := r.Float64()
	bins := r.Len(MaxBins, 1)
	below, above, nan := r.Uvarint(), r.Uvarint(), r.Uvarint()
	if r.Err() != nil {
		return r.Err()
	}
	if err := checkRange(lo, hi, bins); err != nil {
		r.Fail("%v", err)
		return r.Err()
	}
	out := Hist{lo: lo, hi: hi, below: below, above: above, nan: nan, counts: make([]uint64, bins)}
	for i := range out.counts {
		out.counts[i] = r.Uvarint()
	}
	if err := r.Done(); err != nil {
		return err
	}
	out.init()
	*h = out
	return nil
}

type histJSON struct {
	Type    string   `json:"type"`
	Version int      `json:"version"`
	Lo      float64  `json:"lo"`
	Hi      float64  `json:"hi"`
	Bins    int      `json:"bins"`
	Counts  []uint64 `json:"counts"`
	Below   uint64   `json:"below"`
	Above   uint64   `json:"above"`
	NaN     uint64   `json:"nan"`
}

// MarshalJSON encodes the histogram readably: {"type":"hist","version":1,"lo":…,"hi":…,
// "bins":…,"counts":[…],"below":…,"above":…,"nan":…}.
func (h *Hist) MarshalJSON() ([]byte, error) {
	return json.Marshal(histJSON{Type: "hist", Version: version, Lo: h.lo, Hi: h.hi, Bins: len(h.counts),
		Counts: h.counts, Below: h.below, Above: h.above, NaN: h.nan})
}

// UnmarshalJSON decodes the form written by MarshalJSON.
func (h *Hist) UnmarshalJSON(data []byte) error {
	var j histJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("hist: %w", err)
	}
	if err := wire.CheckJSON(j.Type, j.Version, "hist", version); err != nil {
		return err
	}
	if err := checkRange(j.Lo, j.Hi, j.Bins); err != nil {
		return fmt.Errorf("%w: %v", wire.ErrCorrupt, err)
	}
	if len(j.Counts) != j.Bins {
		return fmt.Errorf("%w: hist JSON has %d counts for %d bins", wire.ErrCorrupt, len(j.Counts), j.Bins)
	}
	out := Hist{lo: j.Lo, hi: j.Hi, counts: j.Counts, below: j.Below, above: j.Above, nan: j.NaN}
	out.init()
	*h = out
	return nil
}

// EqualWidthEdges returns numpy.histogram_bin_edges(a, bins, range=(min, max)): bins+1
// equal-width edges, the range widened to [min-0.5, max+0.5] when min == max.
func EqualWidthEdges(min, max float64, bins int) ([]float64, error) {
	if min == max {
		min, max = min-0.5, max+0.5
	}
	if err := checkRange(min, max, bins); err != nil {
		return nil, err
	}
	return linspace(min, max, bins), nil
}

// SturgesBins returns the number of bins numpy's "sturges" rule gives n values spanning
// [min, max]: ⌈(max-min)/h⌉ with h = (max-min)/(log2(n)+1); 1 when max == min.
func SturgesBins(n uint64, min, max float64) (int, error) {
	if err := checkData(n, min, max); err != nil {
		return 0, err
	}
	return binsForWidth(min, max, sturgesWidth(n, min, max), false)
}

// AutoBins returns the number of bins numpy's "auto" rule gives n values spanning
// [min, max] with quartiles q25 and q75 (linear interpolation, numpy.percentile's
// default): width min(fd, sturges) if the Freedman–Diaconis width 2·(q75-q25)·n^(-1/3)
// is positive, else the Sturges width; at least 1 when integer is true (numpy >= 2.1
// for integer arrays).
func AutoBins(n uint64, min, max, q25, q75 float64, integer bool) (int, error) {
	if err := checkData(n, min, max); err != nil {
		return 0, err
	}
	if !(q25 <= q75) || math.IsInf(q75-q25, 0) {
		return 0, fmt.Errorf("hist: quartiles %g and %g are not ordered finite values", q25, q75)
	}
	fd := 2 * (q75 - q25) * math.Pow(float64(n), -1.0/3.0)
	st := sturgesWidth(n, min, max)
	w := st
	if fd > 0 {
		w = math.Min(fd, st)
	}
	return binsForWidth(min, max, w, integer)
}

func checkData(n uint64, min, max float64) error {
	if n == 0 {
		return errors.New("hist: no values to choose bins for")
	}
	if !(min <= max) || math.IsInf(max-min, 0) {
		return fmt.Errorf("hist: data range [%g, %g] is not finite", min, max)
	}
	return nil
}

func sturgesWidth(n uint64, min, max float64) float64 {
	return (max - min) / (math.Log2(float64(n)) + 1.0)
}

func binsForWidth(lo, hi, w float64, integer bool) (int, error) {
	if w == 0 {
		return 1, nil
	}
	if integer && w < 1 {
		w = 1
	}
	b := math.Ceil((hi - lo) / w)
	if b > MaxBins {
		return 0, fmt.Errorf("hist: the rule asks for %g bins, more than %d", b, MaxBins)
	}
	return max(1, int(b)), nil
}

// AutoEdges returns numpy.histogram_bin_edges(data, bins="auto") for float data. It
// returns an error for empty data or data holding NaN or ±Inf (numpy raises too).
func AutoEdges(data []float64) ([]float64, error) {
	return ruleEdges(data, true)
}

// SturgesEdges returns numpy.histogram_bin_edges(data, bins="sturges").
func SturgesEdges(data []float64) ([]float64, error) {
	return ruleEdges(data, false)
}

func ruleEdges(data []float64, auto bool) ([]float64, error) {
	if len(data) == 0 {
		return nil, errors.New("hist: no values to choose bins for")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, x := range data {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("hist: value %d is %g; bin rules need finite data", i, x)
		}
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	n := uint64(len(data))
	var b int
	var err error
	if auto {
		s := slices.Clone(data)
		slices.Sort(s)
		b, err = AutoBins(n, lo, hi, percentile7(s, 0.25), percentile7(s, 0.75), false)
	} else {
		b, err = SturgesBins(n, lo, hi)
	}
	if err != nil {
		return nil, err
	}
	return EqualWidthEdges(lo, hi, b)
}

// percentile7 is the linearly interpolated quantile of sorted data (Hyndman & Fan type 7).
func percentile7(s []float64, q float64) float64 {
	h := float64(len(s)-1) * q
	i := int(h)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (h-float64(i))*(s[i+1]-s[i])
}
