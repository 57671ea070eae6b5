package exec

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// uniqueIter removes duplicates (X11: NULLs equal). Sorted, it drops rows
// equal to the previous one (mirrors ExecUnique); hashed, it returns each
// row the first time its key is seen, and beyond work_mem sends rows of
// unseen keys to partition files that are deduplicated afterwards, one at
// a time (X10). With Keys (DISTINCT ON) only those are compared.
type uniqueIter struct {
	ec    *Context
	p     *plan.Unique
	child Iter
	stats *Stats
	keyT  []*types.T // nil entries: compare by dynamic type

	prev []types.Datum
	seen bool

	table *hashTable[struct{}]
	mem   int64
	parts [hashPartitions]*tempFile
	src   hashSource
	queue []hashSource
	done  bool
}

func newUniqueIter(ec *Context, p *plan.Unique, child Iter) *uniqueIter {
	u := &uniqueIter{ec: ec, p: p, child: child, stats: ec.statsFor(p)}
	if len(p.Keys) > 0 {
		u.keyT = exprTypes(p.Keys)
	}
	u.src = hashSource{next: child.Next}
	return u
}

func (u *uniqueIter) key(r *Row) ([]types.Datum, error) {
	if len(u.p.Keys) == 0 {
		return r.Vals, nil
	}
	return u.ec.evalAll(u.p.Keys, r.Vals)
}

func (u *uniqueIter) Next() (*Row, error) {
	if u.p.Hashed {
		return u.nextHashed()
	}
	for {
		r, err := u.child.Next()
		if err != nil || r == nil {
			return nil, err
		}
		if err := u.ec.tick(); err != nil {
			return nil, err
		}
		k, err := u.key(r)
		if err != nil {
			return nil, err
		}
		if u.seen && keysEqual(u.keyT, u.prev, k) {
			continue
		}
		u.seen, u.prev = true, k
		return r, nil
	}
}

func (u *uniqueIter) nextHashed() (*Row, error) {
	for !u.done {
		if u.table == nil {
			u.table, u.mem = newHashTable[struct{}](u.keyT), 0
			u.stats.Batches++
		}
		r, err := u.src.next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			if err := u.nextSource(); err != nil {
				return nil, err
			}
			continue
		}
		if err := u.ec.tick(); err != nil {
			return nil, err
		}
		k, err := u.key(r)
		if err != nil {
			return nil, err
		}
		h := keysHash(u.keyT, k)
		if u.table.find(h, k) >= 0 {
			continue
		}
		if u.mem >= u.ec.workMem() && u.ec.canSpill() && u.table.len() > 0 {
			p := rehash(h, u.src.depth) % hashPartitions
			if u.parts[p] == nil {
				if u.parts[p], err = u.ec.newTempFile(); err != nil {
					return nil, err
				}
			}
			if err := u.parts[p].appendRow(r); err != nil {
				return nil, err
			}
			continue
		}
		u.table.insert(h, k, struct{}{})
		u.mem += datumsSize(k) + groupOverhead
		u.stats.noteMemory(u.mem)
		return r, nil
	}
	return nil, nil
}

// nextSource finishes one input (the child or a partition) and starts the
// next partition.
func (u *uniqueIter) nextSource() error {
	u.src.file.close()
	for i, f := range u.parts {
		if f != nil {
			if err := f.flush(); err != nil {
				return err
			}
			u.stats.DiskKB += kb(f.bytes())
			u.queue = append(u.queue, hashSource{next: f.reader().nextRow, file: f, depth: u.src.depth + 1})
			u.parts[i] = nil
		}
	}
	u.table = nil
	if len(u.queue) == 0 {
		u.done = true
		u.src = hashSource{}
		return nil
	}
	u.src = u.queue[0]
	u.queue = u.queue[1:]
	return nil
}

func (u *uniqueIter) Close() {
	u.child.Close()
	u.src.file.close()
	for _, s := range u.queue {
		s.file.close()
	}
	for _, f := range u.parts {
		f.close()
	}
}

// setOpIter mirrors nodeSetOp.c with hashing: it counts each distinct row
// (X11: NULLs equal) on both sides and emits, in order of first
// appearance, UNION: each row once (UNION ALL: every row); INTERSECT:
// rows on both sides once (ALL: min(left, right) copies); EXCEPT: rows
// only on the left once (ALL: left - right copies, if positive).
type setOpIter struct {
	ec    *Context
	p     *plan.SetOp
	left  Iter
	right Iter

	table   *hashTable[*setOpEntry]
	started bool
	onRight bool // UNION: streaming the right side
	i       int
	copies  int64
	done    bool
}

type setOpEntry struct {
	row         *Row
	left, right int64
}

func (ec *Context) buildSetOp(p *plan.SetOp) (Iter, error) {
	left, err := ec.build(p.Left)
	if err != nil {
		return nil, err
	}
	right, err := ec.build(p.Right)
	if err != nil {
		left.Close()
		return nil, err
	}
	return &setOpIter{ec: ec, p: p, left: left, right: right, table: newHashTable[*setOpEntry](nil)}, nil
}

// count adds a row to the table; it reports whether the row was new.
func (s *setOpIter) count(r *Row, right bool) bool {
	h := keysHash(nil, r.Vals)
	i := s.table.find(h, r.Vals)
	isNew := i < 0
	if isNew {
		i = s.table.insert(h, r.Vals, &setOpEntry{row: r})
	}
	e := s.table.vals[i]
	if right {
		e.right++
	} else {
		e.left++
	}
	return isNew
}

func (s *setOpIter) Next() (*Row, error) {
	if s.p.Op == plan.SetUnion {
		return s.nextUnion()
	}
	if !s.started {
		s.started = true
		for _, side := range []Iter{s.left, s.right} {
			right := side == s.right
			for {
				r, err := side.Next()
				if err != nil {
					return nil, err
				}
				if r == nil {
					break
				}
				if err := s.ec.tick(); err != nil {
					return nil, err
				}
				if right && s.p.Op == plan.SetIntersect && s.table.find(keysHash(nil, r.Vals), r.Vals) < 0 {
					continue // cannot be in the result
				}
				s.count(r, right)
			}
		}
	}
	for {
		if s.copies > 0 {
			s.copies--
			return s.table.vals[s.i-1].row, nil
		}
		if s.i >= s.table.len() {
			return nil, nil
		}
		e := s.table.vals[s.i]
		s.i++
		var n int64
		switch s.p.Op {
		case plan.SetIntersect:
			n = min(e.left, e.right)
		case plan.SetExcept:
			n = e.left - e.right
			if !s.p.All && e.right > 0 {
				n = 0
			}
		default:
			return nil, pgerr.New(pgerr.InternalError, "unknown set operation %d", s.p.Op)
		}
		if n <= 0 {
			continue
		}
		if !s.p.All {
			n = 1
		}
		s.copies = n
	}
}

// nextUnion streams both sides, dropping rows seen before unless ALL.
func (s *setOpIter) nextUnion() (*Row, error) {
	for !s.done {
		side := s.left
		if s.onRight {
			side = s.right
		}
		r, err := side.Next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			if s.onRight {
				s.done = true
				break
			}
			s.onRight = true
			continue
		}
		if err := s.ec.tick(); err != nil {
			return nil, err
		}
		if s.p.All || s.count(r, s.onRight) {
			return r, nil
		}
	}
	return nil, nil
}

func (s *setOpIter) Close() {
	s.left.Close()
	s.right.Close()
	s.table = nil
}
