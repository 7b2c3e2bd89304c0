// Package scan plans metrics and computes them in one pass over a stream of record
// batches.
//
// A [Plan] collects the metric specs that checks ask for and deduplicates them by key.
// [Run] then reads each batch once, computes each row condition's selection once, and
// hands the batch to one task per column group (the metrics reading the same
// columns), so every needed column of every batch is visited by exactly one worker,
// which updates all of that column's metrics while the data is in cache. Column groups
// run in parallel on a bounded pool of workers; when there are fewer groups than
// workers, a group is split into shards that take alternate batches, each with its own
// states, merged at the end (metric states merge order-insensitively; see package
// metric). With [Options.GrowShards] a group that falls behind gets more shards while
// the run goes on.
//
// # Memory
//
// Batches are released as soon as every group has seen them (at most two queued per
// shard), so a run's memory is that of its metric states. Most states are bounded:
// counts, extremes, streaming moments, regex/set/range checks (a count and at most
// the result format's sample of unexpected rows), row counts. Mean, sum and standard
// deviation keep at most metric.DefaultExactLimit values (8 MiB) for pandas-exact
// results, then stream. Checks whose memory grows with the rows: uniqueness (8 bytes
// a value, none for batches of consecutive integers; hash-based for other types,
// one entry per distinct value), exact medians and quantiles (8 bytes a value),
// distinct counts and value-set checks over frequencies (one entry per distinct
// value), and checks asked for complete unexpected lists (result_format COMPLETE).
// Measured: validating a 100M-row generated stream (internal/datagen) with the
// 18 bounded checks of expect's TestValidateMemoryFlat peaks at 74 MiB RSS (November 2026).
//
// States that keep values may keep a batch's float64 value buffer by reference
// instead of copying it (metric.Releaser): such a buffer outlives its batch until
// [Result.Release], and counts as the 8 bytes a value a copy would (at most a quarter
// more: a buffer with more spare capacity is copied). The caller of [Run] releases
// the result when it has read the states; a failed run releases every state itself.
package scan

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"

	"github.com/assay-go/assay/internal/metric"
)

// ErrMissingColumn is returned (wrapped) for a metric on a column the data lacks.
var ErrMissingColumn = errors.New("column not found")

// Plan is a deduplicated set of metric specs.
type Plan struct {
	specs []metric.Spec
	index map[string]int
}

// NewPlan returns an empty plan.
func NewPlan() *Plan { return &Plan{index: map[string]int{}} }

// Add adds spec unless a spec with the same key is already planned, and returns the
// handle of the state that will answer it.
func (p *Plan) Add(spec metric.Spec) int {
	// The columns are part of the identity whatever the spec's key says, so two checks
	// of the same kind on different columns never share a state.
	key := spec.Key + "|cols=" + strings.Join(spec.Columns, "\x00")
	if spec.Filter != nil {
		key += "|where " + spec.Filter.Key()
	}
	if i, ok := p.index[key]; ok {
		return i
	}
	p.specs = append(p.specs, spec)
	p.index[key] = len(p.specs) - 1
	return len(p.specs) - 1
}

// Len returns the number of distinct metrics planned.
func (p *Plan) Len() int { return len(p.specs) }

// Options tune a run.
type Options struct {
	// Concurrency bounds the workers updating metrics; 0 means GOMAXPROCS.
	Concurrency int
	// OnBatch, if set, is called after each batch is read (rows so far).
	OnBatch func(rows int64)
	// GrowShards lets a column group that falls behind the reader (all its queued
	// batches waiting) take another shard, up to one per worker, so that idle workers
	// share its batches. Each extra shard has its own states, merged at the end: worth
	// it when a few groups cost far more than the others and their states are cheap
	// to duplicate (validation: a regex over a long string column); not for sketches
	// whose memory is per state (profiles). Measured on the 20-check suite over 4M
	// in-memory rows at two workers: 120 -> 101-106 ms wall, CPU +5-10%.
	GrowShards bool
}

// Result holds the outcome of a run.
type Result struct {
	// States are the merged metric states, by plan handle; nil where Errs is set.
	States []metric.State
	// Errs holds, by plan handle, why a metric could not be computed (missing
	// column, unsupported type); nil where the metric succeeded.
	Errs []error
	// Schema is the schema of the data.
	Schema *arrow.Schema
	// Rows and Batches count what was read.
	Rows    int64
	Batches int
	// Duration is the wall time of the scan.
	Duration time.Duration
	// ColumnScans counts, per column group (keyed by its primary column; "" for
	// table metrics), how many batch visits the group's tasks made: one per batch
	// when every needed column is scanned once.
	ColumnScans map[string]int64
	// DataBytes is the size of the column buffers scanned (each visited column of each
	// batch counted once).
	DataBytes int64
}

// Release releases every state that holds Arrow memory (metric.Releaser). Call it
// once the states have been read; it is idempotent, and afterwards the states must
// not be read.
func (r *Result) Release() {
	if r == nil {
		return
	}
	for _, st := range r.States {
		release(st)
	}
}

func release(st metric.State) {
	if rel, ok := st.(metric.Releaser); ok {
		rel.Release()
	}
}

type group struct {
	key     string
	cols    []int   // column indices in the record
	members []int   // plan handles
	filters []int   // filter index per member (-1 none)
	colIdx  [][]int // per member, the indices into cols of its columns
	shards  []*shard
	next    int           // shard to try first for the next batch
	visits  *atomic.Int64 // batches the group's shards have updated
}

type shard struct {
	states []metric.State // per member
	ch     chan *work
	err    error
}

type work struct {
	rec     arrow.Record
	offset  int64
	masks   [][]byte
	counts  []int
	pending atomic.Int32
}

func (w *work) done() {
	if w.pending.Add(-1) == 0 {
		w.rec.Release()
	}
}

// Run computes the plan's metrics over the batches of rr, which it reads to the end
// (and does not release). Metrics that cannot be set up (missing column, wrong type)
// get an error in Result.Errs and do not stop the others; a read error, an update
// error or a cancelled context stops the run.
func Run(ctx context.Context, rr array.RecordReader, p *Plan, opt Options) (*Result, error) {
	start := time.Now()
	schema := rr.Schema()
	res := &Result{
		States:      make([]metric.State, len(p.specs)),
		Errs:        make([]error, len(p.specs)),
		Schema:      schema,
		ColumnScans: map[string]int64{},
	}
	workers := opt.Concurrency
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}

	// Resolve filters (dedup by key) and column groups.
	var filters []metric.Filter
	var filterCols [][]int
	filterIdx := map[string]int{}
	groups := map[string]*group{}
	var order []*group
	for h, spec := range p.specs {
		cols := make([]int, len(spec.Columns))
		types := make([]arrow.DataType, len(spec.Columns))
		var err error
		for i, name := range spec.Columns {
			idx := schema.FieldIndices(name)
			if len(idx) == 0 {
				err = fmt.Errorf("%w: %q", ErrMissingColumn, name)
				break
			}
			cols[i] = idx[0]
			types[i] = schema.Field(idx[0]).Type
		}
		fi := -1
		if err == nil && spec.Filter != nil {
			fk := spec.Filter.Key()
			if j, ok := filterIdx[fk]; ok {
				fi = j
			} else {
				var fc []int
				for _, name := range spec.Filter.Columns() {
					idx := schema.FieldIndices(name)
					if len(idx) == 0 {
						err = fmt.Errorf("%w: %q (in row condition %s)", ErrMissingColumn, name, fk)
						break
					}
					fc = append(fc, idx[0])
				}
				if err == nil {
					filters = append(filters, spec.Filter)
					filterCols = append(filterCols, fc)
					fi = len(filters) - 1
					filterIdx[fk] = fi
				}
			}
		}
		var st metric.State
		if err == nil {
			st, err = spec.New(types)
		}
		if err != nil {
			res.Errs[h] = err
			continue
		}
		// Group by the primary column: every metric whose first column is c runs in
		// the same task, which visits c once per batch; the other columns a metric
		// reads (pairs, row identifiers) join the group's column list.
		gkey := ""
		if len(spec.Columns) > 0 {
			gkey = spec.Columns[0]
		}
		g, ok := groups[gkey]
		if !ok {
			g = &group{key: gkey}
			groups[gkey] = g
			order = append(order, g)
		}
		ci := make([]int, len(cols))
		for i, c := range cols {
			j := slices.Index(g.cols, c)
			if j < 0 {
				g.cols = append(g.cols, c)
				j = len(g.cols) - 1
			}
			ci[i] = j
		}
		g.members = append(g.members, h)
		g.filters = append(g.filters, fi)
		g.colIdx = append(g.colIdx, ci)
		res.States[h] = st
	}

	// Shards: split groups so that there are at least as many tasks as workers.
	nshards := 1
	if len(order) > 0 && len(order) < workers {
		nshards = (workers + len(order) - 1) / len(order)
	}
	// newShard returns a shard of g with fresh states.
	newShard := func(g *group) (*shard, error) {
		sh := &shard{ch: make(chan *work, 2)}
		for i, h := range g.members {
			types := make([]arrow.DataType, len(g.colIdx[i]))
			for j, c := range g.colIdx[i] {
				types[j] = schema.Field(g.cols[c]).Type
			}
			st, err := p.specs[h].New(types)
			if err != nil {
				for _, st := range sh.states {
					release(st)
				}
				return nil, err
			}
			sh.states = append(sh.states, st)
		}
		return sh, nil
	}
	for _, g := range order {
		g.shards = make([]*shard, nshards)
		for s := range g.shards {
			if s == 0 {
				sh := &shard{ch: make(chan *work, 2)}
				for _, h := range g.members {
					sh.states = append(sh.states, res.States[h])
				}
				g.shards[s] = sh
				continue
			}
			sh, err := newShard(g)
			if err != nil {
				releaseAll(res, order)
				return nil, err
			}
			g.shards[s] = sh
		}
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	var scans sync.Map
	var dataBytes atomic.Int64
	startShard := func(g *group, sh *shard, visits *atomic.Int64) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range sh.ch {
				if sh.err == nil && ctx.Err() == nil {
					sem <- struct{}{}
					sh.err = runGroup(g, sh, w)
					<-sem
					visits.Add(1)
					if sh.err != nil {
						cancel(sh.err)
					}
				}
				w.done()
			}
		}()
	}
	for _, g := range order {
		g.visits = new(atomic.Int64)
		scans.Store(g.key, g.visits)
		for _, sh := range g.shards {
			startShard(g, sh, g.visits)
		}
	}
	// send hands batch w to a shard of g, the first with room in its queue. With
	// GrowShards, a group whose shards are all busy gets another shard, up to one per
	// worker, so that idle workers can take its batches; cheap groups keep one shard
	// and one set of states.
	send := func(g *group, w *work) {
		for range g.shards {
			sh := g.shards[g.next%len(g.shards)]
			g.next++
			select {
			case sh.ch <- w:
				return
			default:
			}
		}
		if opt.GrowShards && workers > 1 && len(g.shards) < workers {
			if sh, err := newShard(g); err == nil {
				g.shards = append(g.shards, sh)
				startShard(g, sh, g.visits)
				sh.ch <- w
				return
			}
		}
		sh := g.shards[g.next%len(g.shards)]
		g.next++
		select {
		case sh.ch <- w:
		case <-ctx.Done():
			// Account for the task that will never run.
			w.done()
		}
	}

	readErr := func() error {
		var offset int64
		var maskBuf [][]byte
		for rr.Next() {
			if err := context.Cause(ctx); err != nil {
				return err
			}
			rec := rr.Record()
			n := int(rec.NumRows())
			w := &work{rec: rec, offset: offset}
			if len(filters) > 0 {
				w.masks = make([][]byte, len(filters))
				w.counts = make([]int, len(filters))
				_ = maskBuf
				for i, f := range filters {
					cols := make([]arrow.Array, len(filterCols[i]))
					for j, c := range filterCols[i] {
						cols[j] = rec.Column(c)
					}
					w.masks[i] = make([]byte, bitutil.BytesForBits(int64(n)))
					cnt, err := f.Select(cols, n, w.masks[i])
					if err != nil {
						return fmt.Errorf("row condition %s at rows %d-%d: %w", f.Key(), offset, offset+int64(n), err)
					}
					w.counts[i] = cnt
				}
			}
			for _, g := range order {
				for _, c := range g.cols {
					dataBytes.Add(arrayBytes(rec.Column(c)))
				}
			}
			tasks := int32(len(order))
			if tasks == 0 {
				offset += int64(n)
				res.Batches++
				continue
			}
			rec.Retain()
			w.pending.Store(tasks)
			for _, g := range order {
				send(g, w)
			}
			offset += int64(n)
			res.Batches++
			if opt.OnBatch != nil {
				opt.OnBatch(offset)
			}
		}
		res.Rows = offset
		return rr.Err()
	}()
	for _, g := range order {
		for _, sh := range g.shards {
			close(sh.ch)
		}
	}
	wg.Wait()
	if readErr != nil {
		releaseAll(res, order)
		return nil, readErr
	}
	if err := context.Cause(ctx); err != nil {
		releaseAll(res, order)
		return nil, err
	}
	// Merge shards. Merge consumes the shard's kept values; the shard state is then
	// released anyway, in case a state type does not move everything it holds.
	for _, g := range order {
		for _, sh := range g.shards[1:] {
			for i, h := range g.members {
				if err := res.States[h].Merge(sh.states[i]); err != nil {
					releaseAll(res, order)
					return nil, err
				}
				release(sh.states[i])
			}
		}
		v, _ := scans.Load(g.key)
		res.ColumnScans[g.key] = v.(*atomic.Int64).Load()
	}
	// Metrics of the table alone with no column (row counts) have group "".
	res.DataBytes = dataBytes.Load()
	res.Duration = time.Since(start)
	return res, nil
}

// releaseAll releases the states of a run that will not return them: the result's
// and every shard's (shard 0's states are the result's; Release is idempotent).
func releaseAll(res *Result, order []*group) {
	res.Release()
	for _, g := range order {
		for _, sh := range g.shards {
			if sh == nil { // set-up failed before this shard
				continue
			}
			for _, st := range sh.states {
				release(st)
			}
		}
	}
}

func runGroup(g *group, sh *shard, w *work) error {
	n := int(w.rec.NumRows())
	cols := make([]arrow.Array, len(g.cols))
	for i, c := range g.cols {
		cols[i] = w.rec.Column(c)
	}
	b := metric.Batch{Offset: w.offset, Rows: n}
	for i, st := range sh.states {
		ci := g.colIdx[i]
		mc := make([]arrow.Array, len(ci))
		for j, c := range ci {
			mc[j] = cols[c]
		}
		b.Cols = mc
		if f := g.filters[i]; f >= 0 {
			b.Selected, b.SelectedCount = w.masks[f], w.counts[f]
		} else {
			b.Selected, b.SelectedCount = nil, n
		}
		if err := st.Update(&b); err != nil {
			return fmt.Errorf("column %s, rows %d-%d: %w", g.key, w.offset, w.offset+int64(n), err)
		}
	}
	return nil
}

func arrayBytes(a arrow.Array) int64 {
	var n int64
	for _, b := range a.Data().Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	return n
}
