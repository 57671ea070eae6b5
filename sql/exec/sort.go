package exec

import (
	"container/heap"
	"slices"

	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// sortKey is how one key orders: by types.Compare of its type, reversed
// with desc; NULLs first or last as nullsFirst says, whatever the
// direction (X14).
type sortKey struct {
	t          *types.T
	desc       bool
	nullsFirst bool
}

func sortKeysOf(keys []*analyze.SortKey) []sortKey {
	out := make([]sortKey, len(keys))
	for i, k := range keys {
		out[i] = sortKey{t: k.Expr.Type(), desc: k.Desc, nullsFirst: k.NullsFirst}
	}
	return out
}

func compareKeys(ks []sortKey, a, b []types.Datum) int {
	for i, k := range ks {
		x, y := a[i], b[i]
		switch {
		case x == nil && y == nil:
			continue
		case x == nil:
			if k.nullsFirst {
				return -1
			}
			return 1
		case y == nil:
			if k.nullsFirst {
				return 1
			}
			return -1
		}
		c := types.Compare(k.t, x, y)
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

type sortItem struct {
	keys []types.Datum
	row  *Row
}

// sortItemOverhead is the bookkeeping counted per sorted row.
const sortItemOverhead = 48

// sorter is a stable sort of rows by precomputed keys (mirrors
// tuplesort.c): in memory while the rows fit in work_mem, else an
// external merge sort (X10, X14). Runs are written in input order and
// merged with ties going to the earlier run, so the sort stays stable.
type sorter struct {
	ec    *Context
	keys  []sortKey
	stats *Stats

	items []sortItem
	mem   int64
	runs  []*tempFile
	disk  int64 // bytes in live runs; Stats.DiskKB keeps the peak

	finished bool
	pos      int
	merge    *mergeHeap
}

func newSorter(ec *Context, keys []sortKey, stats *Stats) *sorter {
	if stats == nil {
		stats = &Stats{}
	}
	return &sorter{ec: ec, keys: keys, stats: stats}
}

func (s *sorter) add(keys []types.Datum, r *Row) error {
	s.items = append(s.items, sortItem{keys: keys, row: r})
	s.mem += datumsSize(keys) + rowSize(r) + sortItemOverhead
	s.stats.noteMemory(s.mem)
	if s.mem > s.ec.workMem() && s.ec.canSpill() {
		return s.dumpRun()
	}
	return nil
}

func (s *sorter) sortMem() {
	slices.SortStableFunc(s.items, func(a, b sortItem) int { return compareKeys(s.keys, a.keys, b.keys) })
}

// dumpRun sorts the rows held in memory and writes them as a run.
func (s *sorter) dumpRun() error {
	s.sortMem()
	f, err := s.ec.newTempFile()
	if err != nil {
		return err
	}
	s.runs = append(s.runs, f)
	for _, it := range s.items {
		if err := f.appendRow(&Row{Vals: append(append([]types.Datum{}, it.keys...), it.row.Vals...), TID: it.row.TID}); err != nil {
			return err
		}
	}
	if err := f.flush(); err != nil {
		return err
	}
	s.disk += f.bytes()
	s.stats.noteDisk(s.disk)
	s.items, s.mem = nil, 0
	return nil
}

// mergeFanIn is how many runs one merge pass reads at once: work_mem
// divided among the runs' read buffers, at least 6 (as tuplesort's
// MINORDER).
func (s *sorter) mergeFanIn() int {
	n := int(s.ec.workMem() / (2 * tempBufSize))
	return max(6, min(n, 512))
}

// finish ends the input: sorts in memory, or writes the last run and
// merges runs until one pass can merge the rest.
func (s *sorter) finish() error {
	s.finished = true
	if len(s.runs) == 0 {
		s.sortMem()
		s.stats.SortMethod = "quicksort"
		return nil
	}
	s.stats.SortMethod = "external merge"
	if len(s.items) > 0 {
		if err := s.dumpRun(); err != nil {
			return err
		}
	}
	fan := s.mergeFanIn()
	for len(s.runs) > fan {
		var next []*tempFile
		for i := 0; i < len(s.runs); i += fan {
			group := s.runs[i:min(i+fan, len(s.runs))]
			if len(group) == 1 {
				next = append(next, group[0])
				continue
			}
			out, err := s.mergeRuns(group)
			if err != nil {
				return err
			}
			next = append(next, out)
		}
		s.runs = next
	}
	return s.startMerge()
}

// mergeRuns merges consecutive runs into a new one and removes them.
func (s *sorter) mergeRuns(group []*tempFile) (*tempFile, error) {
	h, err := s.newMerge(group)
	if err != nil {
		return nil, err
	}
	out, err := s.ec.newTempFile()
	if err != nil {
		return nil, err
	}
	for {
		if err := s.ec.tick(); err != nil {
			return nil, err
		}
		it, err := h.pop()
		if err != nil {
			return nil, err
		}
		if it == nil {
			break
		}
		if err := out.appendRow(&Row{Vals: append(append([]types.Datum{}, it.keys...), it.row.Vals...), TID: it.row.TID}); err != nil {
			return nil, err
		}
	}
	if err := out.flush(); err != nil {
		return nil, err
	}
	s.disk += out.bytes()
	s.stats.noteDisk(s.disk)
	for _, f := range group {
		s.disk -= f.bytes()
		f.close()
	}
	return out, nil
}

func (s *sorter) startMerge() error {
	h, err := s.newMerge(s.runs)
	s.merge = h
	return err
}

// next returns the next row in order, nil at the end.
func (s *sorter) next() (*sortItem, error) {
	if s.merge != nil {
		return s.merge.pop()
	}
	if s.pos >= len(s.items) {
		return nil, nil
	}
	it := &s.items[s.pos]
	s.pos++
	return it, nil
}

// rewind starts the output again.
func (s *sorter) rewind() error {
	s.pos = 0
	if s.merge != nil {
		return s.startMerge()
	}
	return nil
}

func (s *sorter) close() {
	for _, f := range s.runs {
		f.close()
	}
	s.runs, s.items, s.merge = nil, nil, nil
}

// mergeHeap merges sorted runs; ties go to the lower run index.
type mergeHeap struct {
	s    *sorter
	curs []*runCursor
}

type runCursor struct {
	r    *tempReader
	idx  int
	item sortItem
}

func (s *sorter) newMerge(runs []*tempFile) (*mergeHeap, error) {
	h := &mergeHeap{s: s}
	for i, f := range runs {
		c := &runCursor{r: f.reader(), idx: i}
		ok, err := c.advance(len(s.keys))
		if err != nil {
			return nil, err
		}
		if ok {
			h.curs = append(h.curs, c)
		}
	}
	heap.Init(h)
	return h, nil
}

func (c *runCursor) advance(nk int) (bool, error) {
	r, err := c.r.nextRow()
	if err != nil || r == nil {
		return false, err
	}
	if len(r.Vals) < nk {
		return false, errCorruptTemp("sort run row")
	}
	c.item = sortItem{keys: r.Vals[:nk:nk], row: &Row{Vals: r.Vals[nk:], TID: r.TID}}
	return true, nil
}

func (h *mergeHeap) pop() (*sortItem, error) {
	if len(h.curs) == 0 {
		return nil, nil
	}
	c := h.curs[0]
	it := c.item
	ok, err := c.advance(len(h.s.keys))
	if err != nil {
		return nil, err
	}
	if ok {
		heap.Fix(h, 0)
	} else {
		heap.Pop(h)
	}
	return &it, nil
}

func (h *mergeHeap) Len() int { return len(h.curs) }
func (h *mergeHeap) Less(i, j int) bool {
	a, b := h.curs[i], h.curs[j]
	if c := compareKeys(h.s.keys, a.item.keys, b.item.keys); c != 0 {
		return c < 0
	}
	return a.idx < b.idx
}
func (h *mergeHeap) Swap(i, j int) { h.curs[i], h.curs[j] = h.curs[j], h.curs[i] }
func (h *mergeHeap) Push(x any)    { h.curs = append(h.curs, x.(*runCursor)) }
func (h *mergeHeap) Pop() any {
	c := h.curs[len(h.curs)-1]
	h.curs = h.curs[:len(h.curs)-1]
	return c
}

// sortIter is the Sort node: it reads its whole input on the first Next.
type sortIter struct {
	ec      *Context
	p       *plan.Sort
	child   Iter
	s       *sorter
	started bool
}

func newSortIter(ec *Context, p *plan.Sort, child Iter) *sortIter {
	return &sortIter{ec: ec, p: p, child: child, s: newSorter(ec, sortKeysOf(p.Keys), ec.statsFor(p))}
}

func (it *sortIter) fill() error {
	it.started = true
	for {
		r, err := it.child.Next()
		if err != nil {
			return err
		}
		if r == nil {
			break
		}
		if err := it.ec.tick(); err != nil {
			return err
		}
		keys := make([]types.Datum, len(it.p.Keys))
		for i, k := range it.p.Keys {
			if keys[i], err = it.ec.Eval(k.Expr, r.Vals); err != nil {
				return err
			}
		}
		if err := it.s.add(keys, r); err != nil {
			return err
		}
	}
	return it.s.finish()
}

func (it *sortIter) Next() (*Row, error) {
	if !it.started {
		if err := it.fill(); err != nil {
			return nil, err
		}
	}
	x, err := it.s.next()
	if err != nil || x == nil {
		return nil, err
	}
	return x.row, nil
}

// Rescan returns the sorted rows again without re-sorting (X7).
func (it *sortIter) Rescan() error {
	if !it.started {
		return nil
	}
	return it.s.rewind()
}

func (it *sortIter) Close() {
	it.child.Close()
	it.s.close()
}
