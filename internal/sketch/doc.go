// Package sketch groups the mergeable summaries that back assay's profiling metrics and
// sketch-based drift tests. The sketches live in subpackages and depend on plain Go
// types only (no Arrow), so typed kernels can feed them in batches:
//
//   - [github.com/assay-go/assay/internal/sketch/hll]: HyperLogLog++ distinct counting
//     and the Distinct counter that is exact while small.
//   - [github.com/assay-go/assay/internal/sketch/kll]: KLL quantile sketch over float64,
//     exact while small.
//   - [github.com/assay-go/assay/internal/sketch/topk]: exact frequencies while small,
//     then Space-Saving heavy hitters (not used by the profile yet, which keeps its own
//     exact-then-Misra-Gries table in internal/metric, hashed in the same pass as its
//     distinct count).
//   - [github.com/assay-go/assay/internal/sketch/hist]: equal-width histograms and
//     numpy's bin-edge rules.
//
// Every sketch has Merge (an error on incompatible parameters), MarshalBinary /
// UnmarshalBinary (a versioned binary form; decoders validate every field and never
// panic on arbitrary bytes) and MarshalJSON / UnmarshalJSON (a small JSON object with the
// type, version, parameters and, except for histograms, the binary form in base64).
// Sketches are not safe for concurrent use: give each goroutine its own and Merge.
package sketch
