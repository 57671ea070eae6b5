package exec

import (
	"time"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// DefaultWorkMem is PostgreSQL's default work_mem, 4 MB.
const DefaultWorkMem int64 = 4 << 20

// cancelEvery is how many rows pass between checks of Context.Ctx (X6).
const cancelEvery = 1024

// stmtState is what one statement's iterators share through their Context
// (PostgreSQL's EState): the outer-row stack of sublinks, the CASE value,
// cached sublink results, CTE and work tables, statistics and temp files.
type stmtState struct {
	outer [][]types.Datum // X8: rows of the enclosing query levels
	// outerGen names each outer row's evaluation (a sublink run, a
	// LATERAL outer row): a CTE reading outer rows is computed per
	// evaluation (cte.go).
	outerGen []uint64
	gen      uint64
	caseVal  types.Datum // X9: value of CaseTestExpr while a CASE runs
	inCase   bool

	// The maps are made on first write (a point query needs none).
	sublinks map[*analyze.SubLink]*sublinkResult
	ctes     map[int]*cteState
	work     map[int]*tupleStore
	// stats is looked up linearly while a statement has few nodes;
	// statsMap takes over past statsLinear of them. statsSlab hands out
	// Stats in small batches.
	stats     []nodeStats
	statsMap  map[plan.Node]*Stats
	statsSlab []Stats
	statsBuf  [3]nodeStats // stats' first backing array
	slabBuf   [2]Stats     // statsSlab's first backing array

	tick    int
	tempSeq int
	temps   map[*tempFile]struct{}

	// arena boxes the values scans decode (X31); needed is what the
	// plan's nodes read of the scans' columns (prune.go).
	arena  types.Arena
	needed []scanNeed
	// argSlab holds aggregates' argument lists (agg.go, X31).
	argSlab rowSlab
}

func (ec *Context) state() *stmtState {
	if ec.st == nil {
		st := &stmtState{}
		st.stats = st.statsBuf[:0]
		st.statsSlab = st.slabBuf[:]
		ec.st = st
	}
	return ec.st
}

// workMem returns work_mem in bytes.
func (ec *Context) workMem() int64 {
	if ec.WorkMem > 0 {
		return ec.WorkMem
	}
	return DefaultWorkMem
}

// canSpill reports whether nodes may write temporary files (X10).
func (ec *Context) canSpill() bool { return ec.TempFS != nil }

// tick counts a row of work and checks for cancellation every
// cancelEvery rows (X6), as CHECK_FOR_INTERRUPTS.
func (ec *Context) tick() error {
	st := ec.state()
	st.tick++
	if st.tick%cancelEvery == 0 {
		return checkCancel(ec)
	}
	return nil
}

// Close releases what the statement still holds: CTE iterators, work
// tables and any temporary file a node left behind. The iterator returned
// by Build calls it when closed; calling it again is harmless.
func (ec *Context) Close() {
	st := ec.st
	if st == nil {
		return
	}
	for id, c := range st.ctes {
		c.close()
		delete(st.ctes, id)
	}
	for id, w := range st.work {
		w.close()
		delete(st.work, id)
	}
	for f := range st.temps {
		f.close()
	}
	st.sublinks = nil
	st.outer = nil
	st.outerGen = nil
}

// Stats is what a plan node did, for EXPLAIN ANALYZE (PostgreSQL's
// Instrumentation plus the sort and hash reports). Rows, Loops and the
// times are counted only with Context.Instrument; the rest always.
type Stats struct {
	Rows  int64 // rows returned, over all loops
	Loops int64 // times the node was started or rescanned
	// Startup is the time to the first row and Total the time spent in
	// the node, summed over loops (with Context.Clock).
	Startup, Total time.Duration

	SortMethod string // "quicksort" or "external merge"
	MemoryKB   int64  // peak memory held by the node's sort or hash table
	DiskKB     int64  // temporary file space written
	Batches    int    // hash batches (hash join) or partitions processed (hash aggregate)

	// Index and bitmap scans, joins, Memoize (indexscan.go, bitmap.go,
	// mergejoin.go, memoize.go): what EXPLAIN ANALYZE prints as "Rows
	// Removed by Filter", "Rows Removed by Index Recheck", "Heap Fetches",
	// "Heap Blocks: exact=N lossy=N", "Rows Removed by Join Filter" and
	// Memoize's "Hits: N  Misses: N  Evictions: N  Overflows: N".
	RowsRemovedByFilter      int64
	RowsRemovedByRecheck     int64
	RowsRemovedByJoinFilter  int64
	HeapFetches              int64
	ExactBlocks, LossyBlocks int64
	CacheHits, CacheMisses   int64
	CacheEvictions           int64
	CacheOverflows           int64

	// Buffers are the buffer accesses made while the node ran (its
	// children's included), with Context.BufUsage.
	Buffers bufmgr.Usage
}

// Stats returns the statistics of a plan node run under ec, or nil if it
// was never built.
func (ec *Context) Stats(n plan.Node) *Stats {
	if ec.st == nil {
		return nil
	}
	return ec.st.lookupStats(n)
}

// nodeStats pairs a plan node with its statistics.
type nodeStats struct {
	n plan.Node
	s *Stats
}

// statsLinear is how many nodes stmtState.stats holds before a map.
const statsLinear = 16

func (st *stmtState) lookupStats(n plan.Node) *Stats {
	if st.statsMap != nil {
		return st.statsMap[n]
	}
	for i := range st.stats {
		if st.stats[i].n == n {
			return st.stats[i].s
		}
	}
	return nil
}

func (ec *Context) statsFor(n plan.Node) *Stats {
	st := ec.state()
	if s := st.lookupStats(n); s != nil {
		return s
	}
	if len(st.statsSlab) == 0 {
		st.statsSlab = make([]Stats, 2)
	}
	s := &st.statsSlab[0]
	st.statsSlab = st.statsSlab[1:]
	switch {
	case st.statsMap != nil:
		st.statsMap[n] = s
	case len(st.stats) < statsLinear:
		st.stats = append(st.stats, nodeStats{n, s})
	default:
		st.statsMap = make(map[plan.Node]*Stats, 2*statsLinear)
		for _, e := range st.stats {
			st.statsMap[e.n] = e.s
		}
		st.statsMap[n] = s
		st.stats = nil
	}
	return s
}

func kb(bytes int64) int64 { return (bytes + 1023) / 1024 }

func (s *Stats) noteMemory(bytes int64) {
	if k := kb(bytes); k > s.MemoryKB {
		s.MemoryKB = k
	}
}

func (s *Stats) noteDisk(bytes int64) {
	if k := kb(bytes); k > s.DiskKB {
		s.DiskKB = k
	}
}

// instrumented counts rows, loops and time of one node (Instrument).
type instrumented struct {
	it    Iter
	ec    *Context
	st    *Stats
	first bool
}

func (w *instrumented) Next() (*Row, error) {
	var t0 time.Time
	if w.ec.Clock != nil {
		t0 = w.ec.Clock()
	}
	var u0 bufmgr.Usage
	if w.ec.BufUsage != nil {
		u0 = *w.ec.BufUsage
	}
	r, err := w.it.Next()
	if u := w.ec.BufUsage; u != nil {
		b := &w.st.Buffers
		b.Hit += u.Hit - u0.Hit
		b.Read += u.Read - u0.Read
		b.Dirtied += u.Dirtied - u0.Dirtied
		b.Written += u.Written - u0.Written
	}
	if w.ec.Clock != nil {
		d := w.ec.Clock().Sub(t0)
		w.st.Total += d
		if w.first {
			w.st.Startup += d
		}
	}
	w.first = false
	if r != nil {
		w.st.Rows++
	}
	return r, err
}

func (w *instrumented) Close() { w.it.Close() }

// Rescan restarts the wrapped iterator when it can (X7).
func (w *instrumented) Rescan() error {
	rs, ok := w.it.(Rescanner)
	if !ok {
		return pgerr.New(pgerr.InternalError, "plan node cannot be rescanned")
	}
	w.st.Loops++
	w.first = true
	return rs.Rescan()
}

func canRescan(it Iter) bool {
	if w, ok := it.(*instrumented); ok {
		it = w.it
	}
	_, ok := it.(Rescanner)
	return ok
}

// Rescanner is an Iter that can start again from its first row and give
// the same rows in the same order (ExecReScan, X7).
type Rescanner interface {
	Iter
	Rescan() error
}

// root is the iterator Build returns: closing it ends the statement's
// shared state (Context.Close).
type root struct {
	Iter
	ec *Context
}

func (r *root) Close() {
	if r.Iter == nil {
		return
	}
	r.Iter.Close()
	r.ec.Close()
	r.Iter = nil // a Frame kept with its cursor does not keep the closed tree
}
