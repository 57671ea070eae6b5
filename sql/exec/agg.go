package exec

import (
	"slices"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// Aggregation (X17) mirrors nodeAgg.c. A group holds one AggState per
// Aggref; an input row passes FILTER, then DISTINCT (argument tuples
// already seen in the group are dropped, NULLs equal) and is fed with
// Add. An aggregate with ORDER BY buffers its group's inputs and feeds
// them sorted (stable) when the group ends. Add receives NULL arguments
// too: skipping them is the aggregate's business (strict transition).

const (
	groupOverhead = 64 // per group: keys slice, map bucket
	accOverhead   = 64 // per aggregate state
)

type aggAcc struct {
	ref   *analyze.Aggref
	st    analyze.AggState
	seen  *hashTable[struct{}]
	buf   []sortItem
	argTs []*types.T
}

type aggGroup struct {
	keys []types.Datum // the grouping set's key values
	accs []*aggAcc
}

func newAggGroup(aggs []*analyze.Aggref, keys []types.Datum) (*aggGroup, int64, error) {
	g := &aggGroup{keys: keys, accs: make([]*aggAcc, len(aggs))}
	mem := int64(groupOverhead) + datumsSize(keys)
	for i, a := range aggs {
		if a.New == nil {
			return nil, 0, pgerr.New(pgerr.InternalError, "aggregate %s has no implementation", a.Name)
		}
		acc := &aggAcc{ref: a, st: a.New()}
		if a.Distinct {
			acc.argTs = exprTypes(a.Args)
			if len(a.OrderBy) == 0 {
				acc.seen = newHashTable[struct{}](acc.argTs)
			}
		}
		g.accs[i] = acc
		mem += accOverhead
	}
	return g, mem, nil
}

// add feeds one input row; it returns the memory the group grew by.
func (g *aggGroup) add(ec *Context, row []types.Datum) (int64, error) {
	var grew int64
	for _, acc := range g.accs {
		a := acc.ref
		if a.Filter != nil {
			ok, err := ec.Qual(a.Filter, row)
			if err != nil {
				return 0, err
			}
			if !ok {
				continue
			}
		}
		// The arguments come from the statement's slab (X31): never
		// reused, so an aggregate or a DISTINCT table may keep them.
		args := ec.state().argSlab.takeVals(len(a.Args))
		for i, e := range a.Args {
			v, err := ec.Eval(e, row)
			if err != nil {
				return 0, err
			}
			args[i] = v
		}
		var err error
		switch {
		case len(a.OrderBy) > 0:
			keys := make([]types.Datum, len(a.OrderBy))
			for i, k := range a.OrderBy {
				if keys[i], err = ec.Eval(k.Expr, row); err != nil {
					return 0, err
				}
			}
			acc.buf = append(acc.buf, sortItem{keys: keys, row: &Row{Vals: args}})
			grew += datumsSize(keys) + datumsSize(args) + sortItemOverhead
		case acc.seen != nil:
			h := keysHash(acc.argTs, args)
			if acc.seen.find(h, args) >= 0 {
				continue
			}
			acc.seen.insert(h, args, struct{}{})
			grew += datumsSize(args) + 16
			if err := acc.st.Add(args); err != nil {
				return 0, err
			}
		default:
			if err := acc.st.Add(args); err != nil {
				return 0, err
			}
		}
	}
	return grew, nil
}

// results finishes the group's aggregates.
func (g *aggGroup) results() ([]types.Datum, error) {
	out := make([]types.Datum, len(g.accs))
	for i, acc := range g.accs {
		if acc.buf != nil {
			ks := sortKeysOf(acc.ref.OrderBy)
			slices.SortStableFunc(acc.buf, func(a, b sortItem) int { return compareKeys(ks, a.keys, b.keys) })
			var seen *hashTable[struct{}]
			if acc.ref.Distinct {
				seen = newHashTable[struct{}](acc.argTs)
			}
			for _, it := range acc.buf {
				args := it.row.Vals
				if seen != nil {
					h := keysHash(acc.argTs, args)
					if seen.find(h, args) >= 0 {
						continue
					}
					seen.insert(h, args, struct{}{})
				}
				if err := acc.st.Add(args); err != nil {
					return nil, err
				}
			}
			acc.buf = nil
		}
		v, err := acc.st.Result()
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// aggIter is the Agg node. Its work is a list of passes (one per grouping
// set, or one rollup pass over several); each pass yields output rows.
type aggIter struct {
	ec    *Context
	p     *plan.Agg
	child Iter
	stats *Stats
	keyT  []*types.T

	started bool
	passes  []aggPass
	store   *tupleStore // input kept for several passes
	out     []*Row
	pos     int
}

// aggPass produces output rows in chunks; nil, nil when it is done.
type aggPass interface {
	step() ([]*Row, error)
	close()
}

func newAggIter(ec *Context, p *plan.Agg, child Iter) *aggIter {
	return &aggIter{ec: ec, p: p, child: child, stats: ec.statsFor(p), keyT: exprTypes(p.GroupKeys)}
}

// outputRow makes keys ++ aggregate values, NULL for keys outside set.
func (a *aggIter) outputRow(set []int, g *aggGroup) (*Row, error) {
	res, err := g.results()
	if err != nil {
		return nil, err
	}
	vals := make([]types.Datum, len(a.p.GroupKeys), len(a.p.GroupKeys)+len(res))
	for i, k := range set {
		if k >= 0 && k < len(vals) {
			vals[k] = g.keys[i]
		}
	}
	return &Row{Vals: append(vals, res...)}, nil
}

func allKeys(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// isPrefixSet reports whether set is {0, ..., len(set)-1}.
func isPrefixSet(set []int) bool {
	s := slices.Clone(set)
	slices.Sort(s)
	for i, k := range s {
		if k != i {
			return false
		}
	}
	return true
}

func (a *aggIter) childSource() func() (*Row, error) {
	return func() (*Row, error) { return a.child.Next() }
}

func (a *aggIter) storeSource() func() (*Row, error) {
	rd := a.store.reader()
	return rd.next
}

func (a *aggIter) start() error {
	a.started = true
	sets := a.p.GroupingSets
	if sets == nil {
		if a.p.Strategy == plan.AggPlain {
			sets = [][]int{{}}
		} else {
			sets = [][]int{allKeys(len(a.p.GroupKeys))}
		}
	}
	if len(sets) == 1 {
		set := sets[0]
		if a.p.Strategy == plan.AggHashed && len(set) > 0 {
			a.passes = []aggPass{a.newHashPass(set, a.childSource())}
		} else {
			a.passes = []aggPass{a.newSortedPass([][]int{set}, set, a.childSource())}
		}
		return nil
	}
	// Several grouping sets: keep the input for one pass per set.
	a.store = newTupleStore(a.ec, nil)
	for {
		r, err := a.child.Next()
		if err != nil {
			return err
		}
		if r == nil {
			break
		}
		if err := a.ec.tick(); err != nil {
			return err
		}
		if err := a.store.add(r); err != nil {
			return err
		}
	}
	if a.p.Strategy == plan.AggHashed {
		for _, set := range sets {
			if len(set) == 0 {
				a.passes = append(a.passes, a.newSortedPass([][]int{set}, set, a.storeSource()))
			} else {
				a.passes = append(a.passes, a.newHashPass(set, a.storeSource()))
			}
		}
		return nil
	}
	// Sorted: the sets that are prefixes of the sort order roll up in one
	// pass over the input as it is (finest first at each boundary, as
	// PostgreSQL's rollup); each other set sorts the input by its keys.
	var chain [][]int
	var others [][]int
	for _, set := range sets {
		if isPrefixSet(set) {
			chain = append(chain, set)
		} else {
			others = append(others, set)
		}
	}
	if chain != nil {
		slices.SortStableFunc(chain, func(x, y []int) int { return len(y) - len(x) })
		a.passes = append(a.passes, a.newSortedPass(chain, allKeys(len(chain[0])), a.storeSource()))
	}
	for _, set := range others {
		a.passes = append(a.passes, &resortPass{a: a, set: set})
	}
	return nil
}

func (a *aggIter) Next() (*Row, error) {
	if !a.started {
		if err := a.start(); err != nil {
			return nil, err
		}
	}
	for {
		if a.pos < len(a.out) {
			r := a.out[a.pos]
			a.out[a.pos] = nil
			a.pos++
			return r, nil
		}
		if len(a.passes) == 0 {
			return nil, nil
		}
		rows, err := a.passes[0].step()
		if err != nil {
			return nil, err
		}
		if rows == nil {
			a.passes[0].close()
			a.passes = a.passes[1:]
			continue
		}
		a.out, a.pos = rows, 0
	}
}

func (a *aggIter) Close() {
	for _, p := range a.passes {
		p.close()
	}
	a.passes = nil
	a.child.Close()
	a.store.close()
}

// sortedPass groups input sorted on order (GroupKeys indexes) for a chain
// of grouping sets that are prefixes of order, finest first (mirrors
// agg_retrieve_direct). A chain of the one empty set is plain
// aggregation: one row, even for empty input.
type sortedPass struct {
	a      *aggIter
	chain  [][]int
	order  []int
	src    func() (*Row, error)
	groups []*aggGroup
	prev   []types.Datum
	mem    int64
	done   bool
	seen   bool
}

func (a *aggIter) newSortedPass(chain [][]int, order []int, src func() (*Row, error)) *sortedPass {
	return &sortedPass{a: a, chain: chain, order: order, src: src, groups: make([]*aggGroup, len(chain))}
}

func (sp *sortedPass) setKeys(set []int, keys []types.Datum) []types.Datum {
	out := make([]types.Datum, len(set))
	for i, k := range set {
		out[i] = keys[k]
	}
	return out
}

func (sp *sortedPass) emit(i int, rows []*Row) ([]*Row, error) {
	g := sp.groups[i]
	if g == nil {
		return rows, nil
	}
	r, err := sp.a.outputRow(sp.chain[i], g)
	if err != nil {
		return nil, err
	}
	sp.groups[i] = nil
	return append(rows, r), nil
}

func (sp *sortedPass) step() ([]*Row, error) {
	if sp.done {
		return nil, nil
	}
	a := sp.a
	for {
		r, err := sp.src()
		if err != nil {
			return nil, err
		}
		if r == nil {
			sp.done = true
			var rows []*Row
			for i, set := range sp.chain {
				if sp.groups[i] == nil && !sp.seen && len(set) == 0 {
					// An empty grouping set yields a row for empty input.
					g, _, err := newAggGroup(a.p.Aggs, nil)
					if err != nil {
						return nil, err
					}
					sp.groups[i] = g
				}
				if rows, err = sp.emit(i, rows); err != nil {
					return nil, err
				}
			}
			if rows == nil {
				rows = []*Row{}
			}
			return rows, nil
		}
		if err := a.ec.tick(); err != nil {
			return nil, err
		}
		keys, err := a.ec.evalAll(a.p.GroupKeys, r.Vals)
		if err != nil {
			return nil, err
		}
		var rows []*Row
		if sp.seen {
			d := len(sp.order)
			for i, k := range sp.order {
				if !datumEqual(a.keyT[k], sp.prev[k], keys[k]) {
					d = i
					break
				}
			}
			for i, set := range sp.chain {
				if len(set) > d {
					if rows, err = sp.emit(i, rows); err != nil {
						return nil, err
					}
				}
			}
		}
		sp.seen, sp.prev = true, keys
		for i, set := range sp.chain {
			if sp.groups[i] == nil {
				g, _, err := newAggGroup(a.p.Aggs, sp.setKeys(set, keys))
				if err != nil {
					return nil, err
				}
				sp.groups[i] = g
			}
			if _, err := sp.groups[i].add(a.ec, r.Vals); err != nil {
				return nil, err
			}
		}
		if rows != nil {
			return rows, nil
		}
	}
}

func (sp *sortedPass) close() {}

// resortPass sorts the kept input by one grouping set's keys, then groups
// it with a sortedPass.
type resortPass struct {
	a     *aggIter
	set   []int
	s     *sorter
	inner *sortedPass
}

func (rp *resortPass) step() ([]*Row, error) {
	a := rp.a
	if rp.inner == nil {
		ks := make([]sortKey, len(rp.set))
		for i, k := range rp.set {
			ks[i] = sortKey{t: a.keyT[k]}
		}
		rp.s = newSorter(a.ec, ks, nil)
		rd := a.store.reader()
		for {
			r, err := rd.next()
			if err != nil {
				return nil, err
			}
			if r == nil {
				break
			}
			keys := make([]types.Datum, len(rp.set))
			for i, k := range rp.set {
				if keys[i], err = a.ec.Eval(a.p.GroupKeys[k], r.Vals); err != nil {
					return nil, err
				}
			}
			if err := rp.s.add(keys, r); err != nil {
				return nil, err
			}
		}
		if err := rp.s.finish(); err != nil {
			return nil, err
		}
		src := func() (*Row, error) {
			it, err := rp.s.next()
			if err != nil || it == nil {
				return nil, err
			}
			return it.row, nil
		}
		rp.inner = a.newSortedPass([][]int{rp.set}, rp.set, src)
	}
	return rp.inner.step()
}

func (rp *resortPass) close() {
	if rp.s != nil {
		rp.s.close()
	}
}

// hashPass groups by one grouping set in a hash table (mirrors
// agg_fill_hash_table and hash aggregation's spilling, X10): once the
// table holds work_mem, rows of new groups go to partition files by hash
// and are aggregated by later passes of their own, one partition at a
// time, each splitting again if it still does not fit.
type hashPass struct {
	a     *aggIter
	set   []int
	setT  []*types.T
	queue []hashSource
	out   bool
	// keyBuf holds a row's group keys while its group is looked up.
	keyBuf []types.Datum
}

type hashSource struct {
	next  func() (*Row, error)
	file  *tempFile
	depth int
}

// hashPartitions is how many files a spilling hash pass writes.
const hashPartitions = 8

func (a *aggIter) newHashPass(set []int, src func() (*Row, error)) *hashPass {
	ts := make([]*types.T, len(set))
	for i, k := range set {
		ts[i] = a.keyT[k]
	}
	return &hashPass{a: a, set: set, setT: ts, queue: []hashSource{{next: src}}}
}

func (hp *hashPass) step() ([]*Row, error) {
	if len(hp.queue) == 0 {
		return nil, nil
	}
	a := hp.a
	src := hp.queue[0]
	hp.queue = hp.queue[1:]
	defer src.file.close()
	a.stats.Batches++
	table := newHashTable[*aggGroup](hp.setT)
	var mem int64
	var parts [hashPartitions]*tempFile
	for {
		r, err := src.next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			break
		}
		if err := a.ec.tick(); err != nil {
			return nil, err
		}
		// The keys go to a scratch buffer; a new group gets its own copy.
		if cap(hp.keyBuf) < len(hp.set) {
			hp.keyBuf = make([]types.Datum, len(hp.set))
		}
		keys := hp.keyBuf[:len(hp.set)]
		for i, k := range hp.set {
			if keys[i], err = a.ec.Eval(a.p.GroupKeys[k], r.Vals); err != nil {
				return nil, err
			}
		}
		h := keysHash(hp.setT, keys)
		i := table.find(h, keys)
		if i < 0 {
			keys = append([]types.Datum(nil), keys...)
			if mem >= a.ec.workMem() && a.ec.canSpill() && table.len() > 0 {
				p := rehash(h, src.depth) % hashPartitions
				if parts[p] == nil {
					if parts[p], err = a.ec.newTempFile(); err != nil {
						return nil, err
					}
				}
				if err := parts[p].appendRow(r); err != nil {
					return nil, err
				}
				continue
			}
			g, gm, err := newAggGroup(a.p.Aggs, keys)
			if err != nil {
				return nil, err
			}
			mem += gm
			i = table.insert(h, keys, g)
		}
		grew, err := table.vals[i].add(a.ec, r.Vals)
		if err != nil {
			return nil, err
		}
		mem += grew
		a.stats.noteMemory(mem)
	}
	var disk int64
	for _, f := range parts {
		if f != nil {
			if err := f.flush(); err != nil {
				return nil, err
			}
			disk += f.bytes()
			hp.queue = append(hp.queue, hashSource{next: f.reader().nextRow, file: f, depth: src.depth + 1})
		}
	}
	a.stats.DiskKB += kb(disk)
	rows := make([]*Row, 0, table.len())
	for _, g := range table.vals {
		r, err := a.outputRow(hp.set, g)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func (hp *hashPass) close() {
	for _, s := range hp.queue {
		s.file.close()
	}
	hp.queue = nil
}
