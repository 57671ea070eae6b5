package exec

import (
	"slices"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// cteState is one common table expression of a statement (X19): its plan
// runs at most once, lazily, as CTE scans ask for rows it has not produced
// yet; the rows go to a tuple store that every scan of the CTE reads.
type cteState struct {
	ec    *Context
	plan  plan.Node
	it    Iter
	store *tupleStore
	done  bool
	// correlated: the plan reads rows of enclosing query levels, so its
	// rows belong to the evaluation named by gens (the outer-row stack's
	// outerGen when it was made); a scan built under another evaluation
	// starts it afresh (PostgreSQL rescans a CTE whose parameters changed).
	correlated bool
	gens       []uint64
}

func (st *stmtState) pushOuter(row []types.Datum, gen uint64) {
	st.outer = append(st.outer, row)
	st.outerGen = append(st.outerGen, gen)
}

func (st *stmtState) popOuter() {
	st.outer = st.outer[:len(st.outer)-1]
	st.outerGen = st.outerGen[:len(st.outerGen)-1]
}

// newGen names a new evaluation for pushOuter.
func (st *stmtState) newGen() uint64 {
	st.gen++
	return st.gen
}

func (c *cteState) close() {
	if c.it != nil {
		c.it.Close()
		c.it = nil
	}
	c.store.close()
}

// pull computes one more row of the CTE into the store; false at the end.
func (c *cteState) pull() (bool, error) {
	if c.done {
		return false, nil
	}
	if c.it == nil {
		it, err := c.ec.build(c.plan)
		if err != nil {
			return false, err
		}
		c.it = it
	}
	r, err := c.it.Next()
	if err != nil {
		return false, err
	}
	if r == nil {
		c.done = true
		c.it.Close()
		c.it = nil
		return false, nil
	}
	return true, c.store.add(r)
}

func (ec *Context) buildCTEScan(p *plan.CTEScan) Iter {
	st := ec.state()
	c := st.ctes[p.ID]
	if c != nil && c.correlated && !slices.Equal(c.gens, st.outerGen) {
		c.close() // the scans of the last evaluation are closed by now
		c = nil
	}
	if c == nil {
		c = &cteState{ec: ec, plan: p.Plan, store: newTupleStore(ec, ec.statsFor(p))}
		if c.correlated = planRefsOuter(p.Plan, 0); c.correlated {
			c.gens = slices.Clone(st.outerGen)
		}
		if st.ctes == nil {
			st.ctes = map[int]*cteState{}
		}
		st.ctes[p.ID] = c
	}
	return &cteScan{ec: ec, c: c, rd: c.store.reader()}
}

// cteScan reads a CTE's rows, asking for more when it has read all there
// are.
type cteScan struct {
	ec *Context
	c  *cteState
	rd *storeReader
}

func (s *cteScan) Next() (*Row, error) {
	for {
		r, err := s.rd.next()
		if err != nil || r != nil {
			return r, err
		}
		more, err := s.c.pull()
		if err != nil || !more {
			return nil, err
		}
	}
}

// Rescan reads the CTE from its first row again (X7).
func (s *cteScan) Rescan() error {
	s.rd.rewind()
	return nil
}

// Close ends this scan; the CTE itself lives until the statement ends.
func (s *cteScan) Close() {}

// recursiveUnion mirrors ExecRecursiveUnion (X20): the non-recursive term
// runs once, then the recursive term runs again and again, each time
// reading (through WorkTableScan) the rows the previous round produced,
// until a round produces none. Without ALL, a row equal to one produced
// before (NULLs equal) is dropped. A runaway recursion ends only by
// cancellation (X6).
type recursiveUnion struct {
	ec      *Context
	p       *plan.RecursiveUnion
	stats   *Stats
	cur     Iter
	working *tupleStore
	next    *tupleStore
	seen    *hashTable[struct{}]
	done    bool
}

func (ec *Context) buildRecursiveUnion(p *plan.RecursiveUnion) (Iter, error) {
	cur, err := ec.build(p.NonRecursive)
	if err != nil {
		return nil, err
	}
	st := ec.statsFor(p)
	ru := &recursiveUnion{ec: ec, p: p, stats: st, cur: cur, next: newTupleStore(ec, st)}
	if !p.All {
		ru.seen = newHashTable[struct{}](nil)
	}
	return ru, nil
}

func (ru *recursiveUnion) Next() (*Row, error) {
	for !ru.done {
		if ru.cur == nil {
			if ru.next.len() == 0 {
				ru.done = true
				break
			}
			if err := checkCancel(ru.ec); err != nil {
				return nil, err
			}
			ru.working.close()
			ru.working, ru.next = ru.next, newTupleStore(ru.ec, ru.stats)
			if st := ru.ec.state(); st.work == nil {
				st.work = map[int]*tupleStore{}
			}
			ru.ec.state().work[ru.p.ID] = ru.working
			it, err := ru.ec.build(ru.p.Recursive)
			if err != nil {
				return nil, err
			}
			ru.cur = it
		}
		r, err := ru.cur.Next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			ru.cur.Close()
			ru.cur = nil
			continue
		}
		if err := ru.ec.tick(); err != nil {
			return nil, err
		}
		if ru.seen != nil {
			h := keysHash(nil, r.Vals)
			if ru.seen.find(h, r.Vals) >= 0 {
				continue
			}
			ru.seen.insert(h, r.Vals, struct{}{})
		}
		if err := ru.next.add(r); err != nil {
			return nil, err
		}
		return r, nil
	}
	return nil, nil
}

func (ru *recursiveUnion) Close() {
	if ru.cur != nil {
		ru.cur.Close()
		ru.cur = nil
	}
	st := ru.ec.state()
	if st.work[ru.p.ID] == ru.working {
		delete(st.work, ru.p.ID)
	}
	ru.working.close()
	ru.next.close()
	ru.seen = nil
}

func (ec *Context) buildWorkTableScan(p *plan.WorkTableScan) (Iter, error) {
	w := ec.state().work[p.ID]
	if w == nil {
		return nil, pgerr.New(pgerr.InternalError, "work table %d is not available", p.ID)
	}
	return &workTableScan{rd: w.reader()}, nil
}

// workTableScan reads the previous round of a recursive union.
type workTableScan struct {
	rd *storeReader
}

func (w *workTableScan) Next() (*Row, error) { return w.rd.next() }

// Rescan reads the round's rows again (X7).
func (w *workTableScan) Rescan() error {
	w.rd.rewind()
	return nil
}

func (w *workTableScan) Close() {}
