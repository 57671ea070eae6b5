package exec

import (
	"container/list"

	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// memoize mirrors nodeMemoize (X29): the inner side of a parameterized
// NestLoop, cached by the values of Keys (evaluated over the current outer
// row at each rescan). A hit replays the cached rows; a miss runs the
// child and caches its rows as they pass. The cache holds at most
// work_mem; the least recently used entries are evicted to make room, and
// an entry that alone exceeds it is not kept (an "overflow"). An entry
// whose rows were not all read (a semi join stops at the first match) is
// not reused.
type memoize struct {
	ec    *Context
	p     *plan.Memoize
	stats *Stats
	keyT  []*types.T
	child Iter

	table *hashTable[*memoEntry]
	lru   *list.List // of *memoEntry, most recent first
	mem   int64

	started bool
	hit     *memoEntry // replaying
	pos     int
	fill    *memoEntry // being filled from the child
	over    bool       // the entry being filled overflowed
}

type memoEntry struct {
	key      []types.Datum
	h        uint64
	idx      int
	rows     []*Row
	mem      int64
	complete bool
	elem     *list.Element
	dead     bool
}

func (ec *Context) buildMemoize(p *plan.Memoize) (Iter, error) {
	child, err := ec.build(p.Child)
	if err != nil {
		return nil, err
	}
	kt := exprTypes(p.Keys)
	return &memoize{ec: ec, p: p, stats: ec.statsFor(p), keyT: kt, child: child,
		table: newHashTable[*memoEntry](kt), lru: list.New()}, nil
}

// lookup evaluates the keys and either finds a complete entry or restarts
// the child to fill a new one.
func (m *memoize) lookup() error {
	m.hit, m.fill, m.pos, m.over = nil, nil, 0, false
	key, err := m.ec.evalAll(m.p.Keys, nil)
	if err != nil {
		return err
	}
	h := keysHash(m.keyT, key)
	if i := m.table.find(h, key); i >= 0 {
		e := m.table.vals[i]
		if e != nil && !e.dead && e.complete {
			m.stats.CacheHits++
			m.lru.MoveToFront(e.elem)
			m.hit = e
			return nil
		}
		if e != nil && !e.dead {
			m.evict(e) // incomplete: run again
		}
	}
	m.stats.CacheMisses++
	if err := m.restartChild(); err != nil {
		return err
	}
	e := &memoEntry{key: key, h: h, mem: rowOverhead + datumsSize(key)}
	m.fill = e
	return nil
}

// restartChild runs the child again for the current outer row: in place
// when it re-reads its parameters, otherwise built anew (X26).
func (m *memoize) restartChild() error {
	if !m.started {
		m.started = true
		return nil // the child was just built with this outer row
	}
	if canRescanParams(m.child) {
		return rescanParams(m.child)
	}
	m.child.Close()
	child, err := m.ec.build(m.p.Child)
	if err != nil {
		m.child = nopIter{}
		return err
	}
	m.child = child
	return nil
}

type nopIter struct{}

func (nopIter) Next() (*Row, error) { return nil, nil }
func (nopIter) Close()              {}

// evict removes an entry from the cache.
func (m *memoize) evict(e *memoEntry) {
	if e.dead {
		return
	}
	e.dead = true
	m.mem -= e.mem
	if e.elem != nil {
		m.lru.Remove(e.elem)
	}
	m.table.vals[e.idx] = nil
	e.rows = nil
}

// store makes room for a completed entry and keeps it.
func (m *memoize) store(e *memoEntry) {
	limit := m.ec.workMem()
	if e.mem > limit {
		m.stats.CacheOverflows++
		return
	}
	for m.mem+e.mem > limit && m.lru.Len() > 0 {
		old := m.lru.Back().Value.(*memoEntry)
		m.evict(old)
		m.stats.CacheEvictions++
	}
	if i := m.table.find(e.h, e.key); i >= 0 {
		e.idx = i
		m.table.vals[i] = e
	} else {
		e.idx = m.table.insert(e.h, e.key, e)
	}
	e.complete = true
	e.elem = m.lru.PushFront(e)
	m.mem += e.mem
	m.stats.noteMemory(m.mem)
	m.compact()
}

// compact rebuilds the key table when evicted slots dominate it.
func (m *memoize) compact() {
	if m.table.len() < 1024 || m.table.len() < 4*m.lru.Len() {
		return
	}
	t := newHashTable[*memoEntry](m.keyT)
	for el := m.lru.Back(); el != nil; el = el.Prev() {
		e := el.Value.(*memoEntry)
		e.idx = t.insert(e.h, e.key, e)
	}
	m.table = t
}

func (m *memoize) Next() (*Row, error) {
	if m.hit == nil && m.fill == nil {
		if err := m.lookup(); err != nil {
			return nil, err
		}
	}
	if m.hit != nil {
		if m.pos >= len(m.hit.rows) {
			return nil, nil
		}
		r := m.hit.rows[m.pos]
		m.pos++
		return r, nil
	}
	e := m.fill
	if e.complete || e.dead {
		return nil, nil
	}
	r, err := m.child.Next()
	if err != nil {
		return nil, err
	}
	if r == nil {
		if !m.over {
			m.store(e)
		} else {
			m.stats.CacheOverflows++
		}
		e.dead = e.dead || m.over
		e.complete = true
		return nil, nil
	}
	if !m.over {
		e.rows = append(e.rows, r) // X5: rows are immutable
		e.mem += rowSize(r)
		if e.mem > m.ec.workMem() {
			m.over, e.rows = true, nil
		}
	}
	return r, nil
}

// RescanParams looks the new outer row's keys up (X26).
func (m *memoize) RescanParams() error {
	m.hit, m.fill = nil, nil
	return nil
}

// Rescan is RescanParams: the keys are read again either way.
func (m *memoize) Rescan() error { return m.RescanParams() }

func (m *memoize) Close() { m.child.Close() }
