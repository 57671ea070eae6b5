package exec

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// Join output (X15): inner, left, right and full joins produce outer ++
// inner rows, NULL-extended on the side without a match (OuterWidth and
// InnerWidth give the widths); semi and anti joins produce the outer row
// alone.

func concatRow(a, b []types.Datum) []types.Datum {
	out := make([]types.Datum, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

func nullRow(n int) []types.Datum { return make([]types.Datum, n) }

// joinRows makes a join's output rows from slabs (X31). The row of a pair
// the join's Qual rejects never leaves the join: the next pair fills it
// again (spare).
type joinRows struct {
	slab  rowSlab
	spare *Row
}

// concat returns a ++ b in the spare row; keep hands it out.
func (jr *joinRows) concat(a, b []types.Datum) *Row {
	n := len(a) + len(b)
	r := jr.spare
	if r == nil || len(r.Vals) != n {
		r = jr.slab.take(n)
		jr.spare = r
	}
	copy(r.Vals, a)
	copy(r.Vals[len(a):], b)
	return r
}

// keep hands the spare row out: the next pair takes a new one.
func (jr *joinRows) keep() *Row {
	r := jr.spare
	jr.spare = nil
	return r
}

// pad returns a new row of vals with before NULLs in front and after
// NULLs behind (a NULL-extended join row).
func (jr *joinRows) pad(before int, vals []types.Datum, after int) *Row {
	r := jr.slab.take(before + len(vals) + after)
	copy(r.Vals[before:], vals)
	return r
}

func keepsUnmatchedOuter(k plan.JoinKind) bool { return k == plan.JoinLeft || k == plan.JoinFull }
func keepsUnmatchedInner(k plan.JoinKind) bool { return k == plan.JoinRight || k == plan.JoinFull }

// innerSource replays a nested loop's inner rows for each outer row.
type innerSource interface {
	next() (*Row, error)
	rewind(outer []types.Datum) error
	close()
}

// storedInner materializes the inner side once (X7).
type storedInner struct {
	it    Iter
	store *tupleStore
	rd    *storeReader
	done  bool
}

func (s *storedInner) next() (*Row, error) {
	if r, err := s.rd.next(); err != nil || r != nil {
		return r, err
	}
	if s.done {
		return nil, nil
	}
	r, err := s.it.Next()
	if err != nil {
		return nil, err
	}
	if r == nil {
		s.done = true
		s.it.Close()
		return nil, nil
	}
	if err := s.store.add(r); err != nil {
		return nil, err
	}
	_, err = s.rd.next() // the reader has now seen r
	return r, err
}

func (s *storedInner) rewind([]types.Datum) error {
	if !s.done {
		// Read the rest once so every pass sees all rows.
		for {
			r, err := s.next()
			if err != nil {
				return err
			}
			if r == nil {
				break
			}
		}
	}
	s.rd.rewind()
	return nil
}

func (s *storedInner) close() {
	if !s.done {
		s.it.Close()
		s.done = true
	}
	s.store.close()
}

// rescanInner restarts an inner iterator that can rescan itself.
type rescanInner struct {
	it      Iter
	started bool
}

func (s *rescanInner) next() (*Row, error) { return s.it.Next() }
func (s *rescanInner) rewind([]types.Datum) error {
	if !s.started {
		s.started = true
		return nil
	}
	return rescan(s.it)
}
func (s *rescanInner) close() { s.it.Close() }

// rebuiltInner builds the inner plan again for every outer row, for an
// inner side that reads outer-level rows (X7).
type rebuiltInner struct {
	ec *Context
	n  plan.Node
	it Iter
}

func (s *rebuiltInner) next() (*Row, error) { return s.it.Next() }
func (s *rebuiltInner) rewind([]types.Datum) error {
	if s.it != nil && canRescanParams(s.it) {
		return rescanParams(s.it) // X26
	}
	if s.it != nil {
		s.it.Close()
	}
	it, err := s.ec.build(s.n)
	s.it = it
	return err
}
func (s *rebuiltInner) close() {
	if s.it != nil {
		s.it.Close()
		s.it = nil
	}
}

// lateralInner rebuilds (or rescans) a LATERAL or parameterized inner
// side for every outer row, with the outer row pushed on the outer-row
// stack while the inner side is built and each time an inner row is read
// (X7), and popped before the row is returned.
type lateralInner struct {
	ec     *Context
	n      plan.Node
	it     Iter
	row    []types.Datum // the current outer row
	gen    uint64        // its evaluation (stmtState.outerGen)
	pushed bool
}

func (s *lateralInner) push(row []types.Datum) {
	s.ec.state().pushOuter(row, s.gen)
	s.pushed = true
}

func (s *lateralInner) pop() {
	if s.pushed {
		s.ec.state().popOuter()
		s.pushed = false
	}
}

// next reads the next inner row with the outer row pushed only while the
// inner side runs: the joined rows flow up with the stack as the join
// found it, so expressions above the join read the enclosing levels' rows
// (plan P6).
func (s *lateralInner) next() (*Row, error) {
	if s.it == nil {
		return nil, nil
	}
	s.push(s.row)
	r, err := s.it.Next()
	s.pop()
	return r, err
}

func (s *lateralInner) rewind(outer []types.Datum) error {
	s.row = outer
	s.gen = s.ec.state().newGen()
	if s.it != nil && outer != nil && canRescanParams(s.it) {
		// X26: restart the inner side with the new outer row instead of
		// building it again.
		s.push(outer)
		err := rescanParams(s.it)
		s.pop()
		return err
	}
	if s.it != nil {
		s.it.Close()
		s.it = nil
	}
	if outer == nil {
		return nil
	}
	s.push(outer)
	it, err := s.ec.build(s.n)
	s.pop()
	if err != nil {
		return err
	}
	s.it = it
	return nil
}

func (s *lateralInner) close() {
	if s.it != nil {
		s.it.Close()
		s.it = nil
	}
}

// nestLoop mirrors ExecNestLoop: for each outer row it reads the inner
// rows and keeps the pairs that satisfy Qual; right and full joins
// remember which inner rows (by position) matched.
type nestLoop struct {
	ec    *Context
	p     *plan.NestLoop
	outer Iter
	inner innerSource

	cur          *Row
	matched      bool
	idx          int
	innerMatched []bool
	unmatched    bool // emitting unmatched inner rows
	done         bool
	out          joinRows
}

func (ec *Context) buildNestLoop(p *plan.NestLoop) (Iter, error) {
	var inner innerSource
	if p.Lateral {
		if keepsUnmatchedInner(p.Kind) {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "%s join with a LATERAL inner side", p.Kind)
		}
		inner = &lateralInner{ec: ec, n: p.Inner}
	} else if planRefsOuter(p.Inner, 0) {
		if keepsUnmatchedInner(p.Kind) {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "%s join with a parameterized inner side", p.Kind)
		}
		inner = &rebuiltInner{ec: ec, n: p.Inner}
	}
	outer, err := ec.build(p.Outer)
	if err != nil {
		return nil, err
	}
	if inner == nil {
		in, err := ec.build(p.Inner)
		if err != nil {
			outer.Close()
			return nil, err
		}
		if canRescan(in) {
			inner = &rescanInner{it: in}
		} else {
			st := newTupleStore(ec, nil)
			inner = &storedInner{it: in, store: st, rd: st.reader()}
		}
	}
	return &nestLoop{ec: ec, p: p, outer: outer, inner: inner}, nil
}

func (n *nestLoop) Next() (*Row, error) {
	kind := n.p.Kind
	for !n.done {
		if err := n.ec.tick(); err != nil {
			return nil, err
		}
		if n.unmatched {
			ir, err := n.inner.next()
			if err != nil {
				return nil, err
			}
			if ir == nil {
				n.done = true
				break
			}
			i := n.idx
			n.idx++
			if i >= len(n.innerMatched) || !n.innerMatched[i] {
				return n.out.pad(n.p.OuterWidth, ir.Vals, 0), nil
			}
			continue
		}
		if n.cur == nil {
			r, err := n.outer.Next()
			if err != nil {
				return nil, err
			}
			if r == nil {
				if keepsUnmatchedInner(kind) {
					n.unmatched, n.idx = true, 0
					if err := n.inner.rewind(nil); err != nil {
						return nil, err
					}
					continue
				}
				n.done = true
				break
			}
			n.cur, n.matched, n.idx = r, false, 0
			if err := n.inner.rewind(r.Vals); err != nil {
				return nil, err
			}
		}
		ir, err := n.inner.next()
		if err != nil {
			return nil, err
		}
		if ir == nil {
			o := n.cur
			n.cur = nil
			if !n.matched {
				switch {
				case keepsUnmatchedOuter(kind):
					return n.out.pad(0, o.Vals, n.p.InnerWidth), nil
				case kind == plan.JoinAnti:
					return o, nil
				}
			}
			continue
		}
		i := n.idx
		n.idx++
		joinedRow := n.out.concat(n.cur.Vals, ir.Vals)
		ok, err := n.ec.Qual(n.p.Qual, joinedRow.Vals)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		n.matched = true
		if keepsUnmatchedInner(kind) {
			for len(n.innerMatched) <= i {
				n.innerMatched = append(n.innerMatched, false)
			}
			n.innerMatched[i] = true
		}
		switch kind {
		case plan.JoinSemi:
			o := n.cur
			n.cur = nil
			return o, nil
		case plan.JoinAnti:
			n.cur = nil
			continue
		}
		return n.out.keep(), nil
	}
	return nil, nil
}

func (n *nestLoop) Close() {
	n.outer.Close()
	n.inner.close()
}

// hashJoin mirrors ExecHashJoin with PostgreSQL's hybrid hash join: the
// inner side goes into a hash table on InnerKeys; beyond work_mem the
// rows are split into batches by hash (nbatch doubles as needed), batch 0
// stays in memory and the others wait in temporary files with the outer
// rows of the same batch (X10, X16). NULL keys never match; an inner row
// with a NULL key is kept aside for right and full joins.
type hashJoin struct {
	ec     *Context
	p      *plan.HashJoin
	stats  *Stats
	outer  Iter
	inner  Iter
	outerT []*types.T
	innerT []*types.T

	nbatch   int
	curBatch int
	noGrow   bool
	// The table: entries chained per bucket (heads, tails: first and
	// last entry of each of len(heads) buckets, -1 for none; hjEntry.next)
	// in insertion order.
	heads      []int32
	tails      []int32
	entries    []hjEntry
	keySlab    rowSlab // inner keys (X31)
	out        joinRows
	mem        int64
	innerFiles []*tempFile
	outerFiles []*tempFile
	nullInner  *tupleStore
	disk       int64

	phase    int // hjBuild, hjProbe, hjUnmatched, hjNullInner, hjDone
	outerRd  *tempReader
	cur      *Row
	curKeys  []types.Datum
	okBuf    []types.Datum // the outer row's keys (curKeys), refilled per outer row
	curH     uint64
	ci       int32 // the next candidate entry of cur's bucket, -1 none
	matched  bool
	uidx     int
	nullRd   *storeReader
	outerEOF bool
}

type hjEntry struct {
	row     *Row
	keys    []types.Datum
	h       uint64
	next    int32 // the next entry of the bucket, -1 at its end
	matched bool
}

// minHashBuckets is the table's first size; it doubles as entries come.
const minHashBuckets = 64

// chain appends entry i to its bucket.
func (j *hashJoin) chain(i int32) {
	e := &j.entries[i]
	e.next = -1
	b := e.h & uint64(len(j.heads)-1)
	if j.heads[b] < 0 {
		j.heads[b] = i
	} else {
		j.entries[j.tails[b]].next = i
	}
	j.tails[b] = i
}

// rebucket sizes the table for the entries and chains them all again.
func (j *hashJoin) rebucket() {
	n := minHashBuckets
	for n < len(j.entries) {
		n *= 2
	}
	if cap(j.heads) >= n {
		j.heads, j.tails = j.heads[:n], j.tails[:n]
	} else {
		j.heads, j.tails = make([]int32, n), make([]int32, n)
	}
	for i := range j.heads {
		j.heads[i] = -1
	}
	for i := range j.entries {
		j.chain(int32(i))
	}
}

// first returns the first entry of h's bucket, -1 for none.
func (j *hashJoin) first(h uint64) int32 {
	if len(j.heads) == 0 {
		return -1
	}
	return j.heads[h&uint64(len(j.heads)-1)]
}

const (
	hjBuild = iota
	hjProbe
	hjUnmatched
	hjNullInner
	hjDone
)

// maxBatches bounds batch doubling.
const maxBatches = 1 << 16

func (ec *Context) buildHashJoin(p *plan.HashJoin) (Iter, error) {
	outer, err := ec.build(p.Outer)
	if err != nil {
		return nil, err
	}
	inner, err := ec.build(p.Inner)
	if err != nil {
		outer.Close()
		return nil, err
	}
	return &hashJoin{ec: ec, p: p, stats: ec.statsFor(p), outer: outer, inner: inner,
		outerT: exprTypes(p.OuterKeys), innerT: exprTypes(p.InnerKeys), nbatch: 1}, nil
}

func hasNull(ds []types.Datum) bool {
	for _, d := range ds {
		if d == nil {
			return true
		}
	}
	return false
}

func (j *hashJoin) batchOf(h uint64) int { return int(rehash(h, 0) & uint64(j.nbatch-1)) }

// keys evaluates the inner (or, with outer, the outer) join keys of r and
// their hash.
func (j *hashJoin) keys(r *Row, outer bool) ([]types.Datum, uint64, error) {
	es, ts := j.p.InnerKeys, j.innerT
	var ks []types.Datum
	if outer {
		// An outer row's keys are used until the next outer row is read:
		// one buffer serves them all.
		es, ts = j.p.OuterKeys, j.outerT
		if cap(j.okBuf) < len(es) {
			j.okBuf = make([]types.Datum, len(es))
		}
		ks = j.okBuf[:len(es)]
	} else {
		ks = j.keySlab.takeVals(len(es)) // kept in the table (X31)
	}
	for i, e := range es {
		var err error
		if ks[i], err = j.ec.Eval(e, r.Vals); err != nil {
			return nil, 0, err
		}
	}
	if hasNull(ks) {
		return ks, 0, nil
	}
	return ks, keysHash(ts, ks), nil
}

func (j *hashJoin) spill(files *[]*tempFile, b int, r *Row) error {
	for len(*files) <= b {
		*files = append(*files, nil)
	}
	f := (*files)[b]
	if f == nil {
		var err error
		if f, err = j.ec.newTempFile(); err != nil {
			return err
		}
		(*files)[b] = f
	}
	before := f.bytes()
	if err := f.appendRow(r); err != nil {
		return err
	}
	j.disk += f.bytes() - before
	return nil
}

// addInner puts one inner row of the current batch in the table, or in
// its batch file.
func (j *hashJoin) addInner(r *Row) error {
	ks, h, err := j.keys(r, false)
	if err != nil {
		return err
	}
	if hasNull(ks) {
		if keepsUnmatchedInner(j.p.Kind) {
			if j.nullInner == nil {
				j.nullInner = newTupleStore(j.ec, nil)
			}
			return j.nullInner.add(r)
		}
		return nil
	}
	if b := j.batchOf(h); b != j.curBatch {
		return j.spill(&j.innerFiles, b, r)
	}
	j.entries = append(j.entries, hjEntry{row: r, keys: ks, h: h})
	if len(j.entries) > len(j.heads) {
		j.rebucket()
	} else {
		j.chain(int32(len(j.entries) - 1))
	}
	j.mem += rowSize(r) + datumsSize(ks) + 48
	j.stats.noteMemory(j.mem)
	if j.mem > j.ec.workMem() && j.ec.canSpill() && !j.noGrow && j.nbatch < maxBatches {
		return j.grow()
	}
	return nil
}

// grow doubles the number of batches and moves the rows of the current
// batch that now belong to a later one out to its file (mirrors
// ExecHashIncreaseNumBatches).
func (j *hashJoin) grow() error {
	j.nbatch *= 2
	kept := j.entries[:0]
	mem := int64(0)
	moved := 0
	for _, e := range j.entries {
		if b := j.batchOf(e.h); b != j.curBatch {
			if err := j.spill(&j.innerFiles, b, e.row); err != nil {
				return err
			}
			moved++
			continue
		}
		kept = append(kept, e)
		mem += rowSize(e.row) + datumsSize(e.keys) + 48
	}
	clear(j.entries[len(kept):])
	j.entries, j.mem = kept, mem
	j.rebucket()
	if moved == 0 {
		// Every row hashes alike: splitting cannot help this batch.
		j.noGrow = true
	}
	j.stats.noteDisk(j.disk)
	return nil
}

// loadBatch fills the table with the inner rows of batch b.
func (j *hashJoin) loadBatch(b int) error {
	j.curBatch = b
	clear(j.entries)
	j.entries, j.mem, j.noGrow = j.entries[:0], 0, false
	j.rebucket()
	if b == 0 {
		for {
			r, err := j.inner.Next()
			if err != nil {
				return err
			}
			if r == nil {
				break
			}
			if err := j.ec.tick(); err != nil {
				return err
			}
			if err := j.addInner(r); err != nil {
				return err
			}
		}
		j.inner.Close()
		j.inner = nil
		return nil
	}
	if b >= len(j.innerFiles) || j.innerFiles[b] == nil {
		return nil
	}
	f := j.innerFiles[b]
	rd := f.reader()
	for {
		r, err := rd.nextRow()
		if err != nil {
			return err
		}
		if r == nil {
			break
		}
		if err := j.ec.tick(); err != nil {
			return err
		}
		if err := j.addInner(r); err != nil {
			return err
		}
	}
	f.close()
	j.innerFiles[b] = nil
	return nil
}

// nextOuter returns the next outer row of the current batch, sending rows
// of later batches to their files.
func (j *hashJoin) nextOuter() (*Row, []types.Datum, uint64, error) {
	for {
		if err := j.ec.tick(); err != nil {
			return nil, nil, 0, err
		}
		var r *Row
		var err error
		if j.curBatch == 0 {
			if j.outerEOF {
				return nil, nil, 0, nil
			}
			if r, err = j.outer.Next(); err == nil && r == nil {
				j.outerEOF = true
			}
		} else if j.outerRd != nil {
			r, err = j.outerRd.nextRow()
		}
		if err != nil || r == nil {
			return nil, nil, 0, err
		}
		ks, h, err := j.keys(r, true)
		if err != nil {
			return nil, nil, 0, err
		}
		if hasNull(ks) {
			return r, ks, 0, nil
		}
		if b := j.batchOf(h); b != j.curBatch {
			if err := j.spill(&j.outerFiles, b, r); err != nil {
				return nil, nil, 0, err
			}
			continue
		}
		return r, ks, h, nil
	}
}

// unmatchedOuter is what an outer row without a match produces, if any.
func (j *hashJoin) unmatchedOuter(o *Row) *Row {
	switch {
	case keepsUnmatchedOuter(j.p.Kind):
		return j.out.pad(0, o.Vals, j.p.InnerWidth)
	case j.p.Kind == plan.JoinAnti:
		return o
	}
	return nil
}

func (j *hashJoin) Next() (*Row, error) {
	kind := j.p.Kind
	for {
		switch j.phase {
		case hjBuild:
			if err := j.loadBatch(0); err != nil {
				return nil, err
			}
			j.phase = hjProbe
		case hjProbe:
			if j.cur == nil {
				r, ks, h, err := j.nextOuter()
				if err != nil {
					return nil, err
				}
				if r == nil {
					j.phase, j.uidx = hjUnmatched, 0
					continue
				}
				j.cur, j.curKeys, j.curH, j.matched, j.ci = r, ks, h, false, -1
				if !hasNull(ks) {
					j.ci = j.first(h)
				}
			}
			if j.ci < 0 {
				o := j.cur
				j.cur = nil
				if !j.matched {
					if out := j.unmatchedOuter(o); out != nil {
						return out, nil
					}
				}
				continue
			}
			e := &j.entries[j.ci]
			j.ci = e.next
			if e.h != j.curH || !keysEqual(j.outerT, j.curKeys, e.keys) {
				continue
			}
			joined := j.out.concat(j.cur.Vals, e.row.Vals)
			ok, err := j.ec.Qual(j.p.Qual, joined.Vals)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			j.matched = true
			e.matched = true
			switch kind {
			case plan.JoinSemi:
				o := j.cur
				j.cur = nil
				return o, nil
			case plan.JoinAnti:
				j.cur = nil
				continue
			}
			return j.out.keep(), nil
		case hjUnmatched:
			if keepsUnmatchedInner(kind) {
				for j.uidx < len(j.entries) {
					e := &j.entries[j.uidx]
					j.uidx++
					if !e.matched {
						return j.out.pad(j.p.OuterWidth, e.row.Vals, 0), nil
					}
				}
			}
			if err := j.nextBatch(); err != nil {
				return nil, err
			}
		case hjNullInner:
			if j.nullInner == nil {
				j.phase = hjDone
				continue
			}
			if j.nullRd == nil {
				j.nullRd = j.nullInner.reader()
			}
			r, err := j.nullRd.next()
			if err != nil {
				return nil, err
			}
			if r == nil {
				j.phase = hjDone
				continue
			}
			return j.out.pad(j.p.OuterWidth, r.Vals, 0), nil
		default:
			return nil, nil
		}
	}
}

// nextBatch moves to the next batch that has rows, or to the end.
func (j *hashJoin) nextBatch() error {
	if j.outerRd != nil {
		j.outerFiles[j.curBatch].close()
		j.outerFiles[j.curBatch] = nil
		j.outerRd = nil
	}
	for b := j.curBatch + 1; b < j.nbatch; b++ {
		hasInner := b < len(j.innerFiles) && j.innerFiles[b] != nil
		hasOuter := b < len(j.outerFiles) && j.outerFiles[b] != nil
		if !hasInner && !hasOuter {
			continue
		}
		if err := j.loadBatch(b); err != nil {
			return err
		}
		if hasOuter {
			j.outerRd = j.outerFiles[b].reader()
		}
		j.phase = hjProbe
		return nil
	}
	j.stats.Batches = j.nbatch
	j.stats.noteDisk(j.disk)
	j.heads, j.tails, j.entries = nil, nil, nil
	j.phase = hjNullInner
	return nil
}

func (j *hashJoin) Close() {
	j.outer.Close()
	if j.inner != nil {
		j.inner.Close()
	}
	for _, f := range j.innerFiles {
		f.close()
	}
	for _, f := range j.outerFiles {
		f.close()
	}
	j.nullInner.close()
	j.heads, j.tails, j.entries = nil, nil, nil
}
