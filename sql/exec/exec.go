package exec

import (
	"strings"

	"context"
	"fmt"
	"github.com/tuskdb/tusk/access/btree"
	"time"

	"github.com/tuskdb/tusk/access/heap"
	"github.com/tuskdb/tusk/access/tuple"
	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/internal/pgstat"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
	"github.com/tuskdb/tusk/vfs"
)

// Context is what a running statement uses. One Context serves one
// statement and one goroutine: its iterators share state through it (X6,
// X8-X13).
type Context struct {
	Ctx    context.Context
	Heap   *heap.Heap
	Xact   *mvcc.Xact
	Snap   *mvcc.Snapshot
	Params []types.Datum
	// Xacts is the transaction manager: unique-index inserters wait on it.
	Xacts *mvcc.Manager
	// SerializableConflicts makes a concurrent update of a row this
	// statement wants to change an error (REPEATABLE READ, SERIALIZABLE)
	// instead of a re-check of the newer version (READ COMMITTED).
	SerializableConflicts bool

	// WorkMem is work_mem in bytes: what one sort, hash table or tuple
	// store may hold before it spills (0: DefaultWorkMem).
	WorkMem int64
	// TempFS and TempDir are where spilled rows go (X10); with TempFS nil
	// nothing spills and nodes keep everything in memory.
	TempFS  vfs.FS
	TempDir string
	// Instrument counts rows and loops per plan node (EXPLAIN ANALYZE);
	// with Clock set too, nodes are timed.
	Instrument bool
	Clock      func() time.Time
	// BufUsage, when set, counts the statement's buffer accesses; with
	// Instrument each node's share (its Next calls, children included)
	// goes to Stats.Buffers (EXPLAIN BUFFERS). Scans pass it to the
	// access methods (heap.Scan.Usage, bufmgr.Pool.ReadBufferUsage).
	BufUsage *bufmgr.Usage
	// PgStat is the backend's pending statistics (internal/pgstat): scans
	// and row changes are counted into it (nil: not counted).
	PgStat *pgstat.Xact
	// OpenIndex opens the B-tree of an index a plan names without an open
	// tree (plan.IndexRef.Tree nil); the session sets it.
	OpenIndex func(*plan.IndexRef) (*btree.Index, error)
	// IndexOpener, when OpenIndex is nil, opens such trees instead (an
	// interface holding a pointer: no closure to allocate per statement).
	IndexOpener IndexOpener
	// Arena, when set, boxes the values scans decode instead of the
	// statement's own (types.Arena): the session lends one that outlives
	// its statements, so a point query does not start a slab each time.
	// Its slabs are never reused, so values stay valid however long they
	// are kept (X31).
	Arena *types.Arena

	st    *stmtState
	frame *Frame // the Frame holding this Context, if any (Frame.Init)
}

// IndexOpener opens the B-tree of an index a plan names without an open
// tree (Context.IndexOpener).
type IndexOpener interface {
	OpenIndex(*plan.IndexRef) (*btree.Index, error)
}

// Row is a row flowing between iterators. A row returned by Next belongs
// to the caller: the producer never changes it afterwards (X5).
type Row struct {
	Vals []types.Datum
	TID  base.ItemPointer
}

// Iter is a running plan node.
type Iter interface {
	Next() (*Row, error) // nil, nil at the end
	Close()
}

// Build makes the iterator of a statement's plan. Closing it closes the
// whole tree and releases the statement's shared state (Context.Close).
func Build(ec *Context, n plan.Node) (Iter, error) {
	it, err := ec.buildProjectedScan(n)
	if it == nil && err == nil {
		ec.planNeeds(n) // prune.go
		it, err = ec.build(n)
	}
	if err != nil {
		ec.Close()
		return nil, err
	}
	return ec.newRoot(it), nil
}

// build makes the iterator of one plan node and its children.
func (ec *Context) build(n plan.Node) (Iter, error) {
	it, err := ec.buildNode(n)
	if err != nil {
		return nil, err
	}
	if ec.Instrument {
		st := ec.statsFor(n)
		st.Loops++
		return &instrumented{it: it, ec: ec, st: st, first: true}, nil
	}
	return it, nil
}

func (ec *Context) buildNode(n plan.Node) (Iter, error) {
	switch p := n.(type) {
	case *plan.SeqScan:
		s, err := ec.Heap.NewScan(p.Rel.Node, ec.Snap)
		if err != nil {
			return nil, err
		}
		s.Usage = ec.BufUsage
		s.ReusePayloads = true // the scanDecoder copies what it keeps
		ss := &seqScan{ec: ec, p: p, scan: s, st: ec.countScan(p.Rel.OID)}
		ec.newScanDecoder(&ss.dec, p, p.Cols, p.EmitCTID)
		return ss, nil
	case *plan.Result:
		return &result{ec: ec, p: p}, nil
	case *plan.Values:
		return &values{ec: ec, rows: p.Rows}, nil
	case *plan.ValuesScan:
		return &values{ec: ec, rows: p.Rows}, nil
	case *plan.ProjectSet:
		child, err := ec.build(p.Child)
		if err != nil {
			return nil, err
		}
		return &projectSet{ec: ec, p: p, child: child}, nil
	case *plan.Projection:
		child, err := ec.build(p.Child)
		if err != nil {
			return nil, err
		}
		return &projection{ec: ec, p: p, child: child}, nil
	case *plan.ModifyTable:
		child, err := ec.build(p.Child)
		if err != nil {
			return nil, err
		}
		return &modifyTable{ec: ec, p: p, child: child}, nil
	case *plan.Filter:
		child, err := ec.build(p.Child)
		if err != nil {
			return nil, err
		}
		return &filter{ec: ec, qual: p.Qual, child: child}, nil
	case *plan.FunctionScan:
		return &functionScan{ec: ec, p: p}, nil
	case *plan.Append:
		return &appendIter{ec: ec, inputs: p.Inputs}, nil
	case *plan.Materialize:
		child, err := ec.build(p.Child)
		if err != nil {
			return nil, err
		}
		return &materialize{ec: ec, child: child, store: newTupleStore(ec, ec.statsFor(p))}, nil
	case *plan.Limit:
		child, err := ec.build(p.Child)
		if err != nil {
			return nil, err
		}
		return &limit{ec: ec, p: p, child: child}, nil
	case *plan.Sort:
		child, err := ec.build(p.Child)
		if err != nil {
			return nil, err
		}
		return newSortIter(ec, p, child), nil
	case *plan.NestLoop:
		return ec.buildNestLoop(p)
	case *plan.HashJoin:
		return ec.buildHashJoin(p)
	case *plan.Agg:
		child, err := ec.build(p.Child)
		if err != nil {
			return nil, err
		}
		return newAggIter(ec, p, child), nil
	case *plan.Unique:
		child, err := ec.build(p.Child)
		if err != nil {
			return nil, err
		}
		return newUniqueIter(ec, p, child), nil
	case *plan.SetOp:
		return ec.buildSetOp(p)
	case *plan.WindowAgg:
		child, err := ec.build(p.Child)
		if err != nil {
			return nil, err
		}
		return newWindowIter(ec, p, child), nil
	case *plan.CTEScan:
		return ec.buildCTEScan(p), nil
	case *plan.RecursiveUnion:
		return ec.buildRecursiveUnion(p)
	case *plan.WorkTableScan:
		return ec.buildWorkTableScan(p)
	case *plan.IndexScan:
		return ec.buildIndexScan(p)
	case *plan.IndexOnlyScan:
		return ec.buildIndexOnlyScan(p)
	case *plan.BitmapHeapScan:
		return ec.buildBitmapHeapScan(p)
	case *plan.MergeJoin:
		return ec.buildMergeJoin(p)
	case *plan.Memoize:
		return ec.buildMemoize(p)
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot execute plan node %T", n)
}

// DecodeRow decodes a heap payload into datums of cols.
func DecodeRow(cols []analyze.Column, payload []byte) ([]types.Datum, error) {
	raw, err := tuple.Deform(payload, len(cols))
	if err != nil {
		return nil, err
	}
	out := make([]types.Datum, len(cols))
	for i, b := range raw {
		if b == nil || cols[i].Dropped {
			continue
		}
		if out[i], err = types.Decode(cols[i].T, b); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EncodeRow encodes datums of cols into a heap payload.
func EncodeRow(cols []analyze.Column, vals []types.Datum) []byte {
	raw := make([][]byte, len(cols))
	for i, v := range vals {
		if v != nil && !cols[i].Dropped {
			raw[i] = types.Encode(cols[i].T, v)
			if raw[i] == nil {
				raw[i] = []byte{} // an empty value is not NULL (U1)
			}
		}
	}
	return tuple.Form(raw)
}

// checkCancel reports a canceled statement as 57014 (X6).
func checkCancel(ec *Context) error {
	if ec.Ctx == nil {
		return nil
	}
	if err := ec.Ctx.Err(); err != nil {
		return pgerr.Wrap(pgerr.QueryCanceled, err, "canceling statement due to user request")
	}
	return nil
}

type seqScan struct {
	ec   *Context
	p    *plan.SeqScan
	scan *heap.Scan
	n    int
	st   *pgstat.Rel // seq_scan, seq_tup_read
	dec  scanDecoder
}

func (s *seqScan) Next() (*Row, error) {
	for {
		s.n++
		if s.n%1024 == 0 {
			if err := checkCancel(s.ec); err != nil {
				return nil, err
			}
		}
		t := s.scan.Next()
		if t == nil {
			return nil, s.scan.Err()
		}
		s.st.TuplesReturned++
		row, err := s.dec.decode(t.Payload)
		if err != nil {
			return nil, err
		}
		ok, err := s.ec.Qual(s.p.Qual, row.Vals[:len(s.p.Cols)])
		if err != nil {
			return nil, err
		}
		if ok {
			if s.p.EmitCTID {
				row.Vals[len(s.p.Cols)] = t.Header.Self
			}
			row.TID = t.Header.Self
			s.dec.keep()
			return row, nil
		}
		if s.ec.Instrument {
			s.ec.statsFor(s.p).RowsRemovedByFilter++ // EXPLAIN ANALYZE's Rows Removed by Filter
		}
	}
}

func (s *seqScan) Close() {}

type result struct {
	ec   *Context
	p    *plan.Result
	done bool
}

func (r *result) Next() (*Row, error) {
	if r.done {
		return nil, nil
	}
	r.done = true
	ok, err := r.ec.Qual(r.p.Qual, nil)
	if err != nil || !ok {
		return nil, err
	}
	return &Row{}, nil
}

// Rescan produces the row again (X7).
func (r *result) Rescan() error {
	r.done = false
	return nil
}

func (r *result) Close() {}

// values produces the rows of a VALUES list (Values, ValuesScan); each
// expression is evaluated with no input row.
type values struct {
	ec   *Context
	rows [][]analyze.Expr
	i    int
}

func (v *values) Next() (*Row, error) {
	if v.i >= len(v.rows) {
		return nil, nil
	}
	exprs := v.rows[v.i]
	v.i++
	row, err := v.ec.evalAll(exprs, nil)
	if err != nil {
		return nil, err
	}
	return &Row{Vals: row}, nil
}

// Rescan starts the list again (X7).
func (v *values) Rescan() error {
	v.i = 0
	return nil
}

func (v *values) Close() {}

type projection struct {
	ec    *Context
	p     *plan.Projection
	child Iter
	slab  rowSlab // the output rows (X31)
}

func (p *projection) Next() (*Row, error) {
	in, err := p.child.Next()
	if err != nil || in == nil {
		return nil, err
	}
	row := p.slab.take(len(p.p.Targets))
	for i, t := range p.p.Targets {
		d, err := p.ec.Eval(t.Expr, in.Vals)
		if err != nil {
			return nil, err
		}
		row.Vals[i] = d
	}
	return row, nil
}

func (ec *Context) project(targets []*analyze.Target, vals []types.Datum) (*Row, error) {
	row := newRow(len(targets))
	for i, t := range targets {
		d, err := ec.Eval(t.Expr, vals)
		if err != nil {
			return nil, err
		}
		row.Vals[i] = d
	}
	return row, nil
}

func (p *projection) Close() { p.child.Close() }

// modifyTable applies INSERT, UPDATE or DELETE to each child row (X2, X3)
// and yields RETURNING rows.
type modifyTable struct {
	ec    *Context
	p     *plan.ModifyTable
	child Iter
	// Count is the number of rows changed.
	Count int64
	st    *pgstat.Rel // n_tup_ins/upd/del (pgstat.go)
	con   conState    // foreign key events (constraints.go)
}

// Affected returns the number of rows an iterator changed, if it is a
// ModifyTable.
func Affected(it Iter) (int64, bool) {
	if r, ok := it.(*root); ok {
		it = r.Iter
	}
	if w, ok := it.(*instrumented); ok {
		it = w.it
	}
	m, ok := it.(*modifyTable)
	if !ok {
		return 0, false
	}
	return m.Count, true
}

func (m *modifyTable) Next() (*Row, error) {
	for {
		in, err := m.child.Next()
		if err != nil {
			return nil, err
		}
		if in == nil {
			return nil, m.finish() // X23
		}
		newVals, done, err := m.apply(in)
		if err != nil {
			return nil, err
		}
		if !done {
			continue
		}
		m.Count++
		if len(m.p.Returning) > 0 {
			return m.ec.project(m.p.Returning, newVals)
		}
	}
}

func (m *modifyTable) checkNotNull(vals []types.Datum) error {
	for i, c := range m.p.Cols {
		if c.NotNull && !c.Dropped && vals[i] == nil {
			return pgerr.New(pgerr.NotNullViolation, "null value in column %q of relation %q violates not-null constraint", c.Name, m.p.Rel.Name).
				WithDetail("Failing row contains %s.", rowString(m.p.Cols, vals))
		}
	}
	return nil
}

func rowString(cols []analyze.Column, vals []types.Datum) string {
	s := "("
	first := true
	for i, v := range vals {
		if cols[i].Dropped {
			continue
		}
		if !first {
			s += ", "
		}
		first = false
		if v == nil {
			s += "null"
		} else {
			s += types.Format(cols[i].T, v)
		}
	}
	return s + ")"
}

// apply changes one row; done is false when the row vanished under a
// concurrent delete (READ COMMITTED skips it).
func (m *modifyTable) apply(in *Row) ([]types.Datum, bool, error) {
	ec, node := m.ec, m.p.Rel.Node
	switch m.p.Cmd {
	case analyze.CmdInsert:
		if err := m.checkNotNull(in.Vals); err != nil {
			return nil, false, err
		}
		if err := m.checkConstraints(in.Vals); err != nil {
			return nil, false, err
		}
		if m.p.OnConflict != nil {
			vals, handled, done, err := m.onConflict(in.Vals)
			if err != nil || handled {
				return vals, done, err
			}
		}
		tid, err := ec.Heap.Insert(node, ec.Xact, EncodeRow(m.p.Cols, in.Vals))
		if err == nil {
			m.stats().Inserted++
			err = m.insertIndexes(in.Vals, tid)
		}
		if err == nil {
			m.afterInsert(tid, in.Vals)
		}
		return in.Vals, err == nil, err
	case analyze.CmdDelete:
		full := in.Vals
		tid, vals := m.target(in)
		for {
			res, link, err := ec.Heap.Delete(ec.Ctx, node, ec.Xact, tid)
			if err != nil {
				return nil, false, err
			}
			if res == mvcc.TMOk {
				m.stats().Deleted++
				m.afterDelete(vals)
			}
			next, nvals, retry, err := m.conflict(res, link, vals)
			if err != nil || !retry {
				return full, res == mvcc.TMOk, err
			}
			tid, vals, full = next, nvals, m.withTarget(full, nvals)
		}
	case analyze.CmdUpdate:
		full := in.Vals
		tid, vals := m.target(in)
		for {
			newVals := append([]types.Datum(nil), vals...)
			for _, s := range m.p.Set {
				d, err := ec.Eval(s.Expr, full)
				if err != nil {
					return nil, false, err
				}
				newVals[s.Col] = d
			}
			if err := m.checkNotNull(newVals); err != nil {
				return nil, false, err
			}
			if err := m.checkConstraints(newVals); err != nil {
				return nil, false, err
			}
			res, link, err := ec.Heap.Update(ec.Ctx, node, ec.Xact, tid, EncodeRow(m.p.Cols, newVals))
			if err != nil {
				return nil, false, err
			}
			if res == mvcc.TMOk {
				m.stats().Updated++
				if err := m.insertIndexes(newVals, link); err != nil {
					return nil, false, err
				}
				m.afterUpdate(vals, link, newVals)
			}
			next, nvals, retry, err := m.conflict(res, link, vals)
			if err != nil || !retry {
				// RETURNING sees the new values (and the FROM items' columns).
				return m.withTarget(full, newVals), res == mvcc.TMOk, err
			}
			tid, vals, full = next, nvals, m.withTarget(full, nvals)
		}
	}
	return nil, false, pgerr.New(pgerr.InternalError, "unknown modify command %d", m.p.Cmd)
}

// onConflict looks for an existing row that conflicts with the proposed
// one on an arbiter index (ExecCheckIndexConstraints): none, and the
// caller inserts; with DO NOTHING the row is skipped; with DO UPDATE the
// existing row is updated (ExecOnConflictUpdate). A conflicting row still
// being inserted or deleted by another transaction is waited for.
func (m *modifyTable) onConflict(proposed []types.Datum) (vals []types.Datum, handled, done bool, err error) {
	ec, oc := m.ec, m.p.OnConflict
	for _, ix := range oc.Arbiters {
		nkeys := len(ix.Index.Desc().Keys)
		key, inIndex, err := IndexKey(ec, ix, m.p.Cols, proposed) // indexkey.go
		if err != nil {
			return nil, false, false, err
		}
		hasNull := !inIndex
		for _, k := range key[:nkeys] {
			hasNull = hasNull || k == nil
		}
		if hasNull {
			continue // NULLs never conflict; nor do rows outside a partial index
		}
	retry:
		sc, err := ix.Index.NewScan(btree.ScanOptions{Lower: &btree.Bound{Vals: key[:nkeys], Inclusive: true}, Upper: &btree.Bound{Vals: key[:nkeys], Inclusive: true}})
		if err != nil {
			return nil, false, false, err
		}
		for e := sc.Next(); e != nil; e = sc.Next() {
			st, xid, err := ec.Heap.DirtyState(m.p.Rel.Node, e.TID, ec.Xact)
			if err != nil {
				return nil, false, false, err
			}
			switch st {
			case heap.StateDead:
				continue
			case heap.StateInProgress:
				if err := ec.Xacts.Wait(ec.Ctx, xid); err != nil {
					return nil, false, false, err
				}
				goto retry
			}
			// A live conflicting row.
			if !oc.DoUpdate {
				return nil, true, false, nil
			}
			return m.conflictUpdate(e.TID, proposed)
		}
		if err := sc.Err(); err != nil {
			return nil, false, false, err
		}
	}
	return nil, false, false, nil
}

// conflictUpdate applies ON CONFLICT DO UPDATE to the existing row at tid.
func (m *modifyTable) conflictUpdate(tid base.ItemPointer, proposed []types.Datum) ([]types.Datum, bool, bool, error) {
	ec, oc := m.ec, m.p.OnConflict
	t, err := ec.Heap.FetchLatest(m.p.Rel.Node, tid)
	if err != nil {
		return nil, false, false, err
	}
	if t.Header.Xmin == ec.Xact.XID() && t.Header.Cmin == ec.Xact.CID() {
		return nil, false, false, pgerr.New(pgerr.CardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time").
			WithHint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values.")
	}
	existing, err := DecodeRow(m.p.Cols, t.Payload)
	if err != nil {
		return nil, false, false, err
	}
	both := append(append([]types.Datum(nil), existing...), proposed...)
	ok, err := ec.Qual(oc.Where, both)
	if err != nil || !ok {
		return nil, true, false, err
	}
	newVals := append([]types.Datum(nil), existing...)
	for _, s := range oc.Set {
		d, err := ec.Eval(s.Expr, both)
		if err != nil {
			return nil, false, false, err
		}
		newVals[s.Col] = d
	}
	if err := m.checkNotNull(newVals); err != nil {
		return nil, false, false, err
	}
	if err := m.checkConstraints(newVals); err != nil {
		return nil, false, false, err
	}
	res, link, err := ec.Heap.Update(ec.Ctx, m.p.Rel.Node, ec.Xact, tid, EncodeRow(m.p.Cols, newVals))
	if err != nil {
		return nil, false, false, err
	}
	if res != mvcc.TMOk {
		if ec.SerializableConflicts || res != mvcc.TMSelfModified {
			return nil, false, false, pgerr.New(pgerr.SerializationFailure, "could not serialize access due to concurrent update")
		}
		return nil, true, false, nil
	}
	m.stats().Updated++
	if err := m.insertIndexes(newVals, link); err != nil {
		return nil, false, false, err
	}
	m.afterUpdate(existing, link, newVals)
	return newVals, true, true, nil
}

// target extracts the target table's row and ctid from an input row: the
// row itself, or, when the statement joins other tables (UPDATE ... FROM,
// DELETE ... USING), the columns at TargetCols and the ctid at CTIDIndex.
func (m *modifyTable) target(in *Row) (base.ItemPointer, []types.Datum) {
	if m.p.TargetCols == nil {
		return in.TID, in.Vals
	}
	vals := make([]types.Datum, len(m.p.TargetCols))
	for i, c := range m.p.TargetCols {
		vals[i] = in.Vals[c]
	}
	tid, _ := in.Vals[m.p.CTIDIndex].(base.ItemPointer)
	return tid, vals
}

// withTarget returns the input row with the target table's columns replaced.
func (m *modifyTable) withTarget(full, vals []types.Datum) []types.Datum {
	if m.p.TargetCols == nil {
		return vals
	}
	out := append([]types.Datum(nil), full...)
	for i, c := range m.p.TargetCols {
		out[c] = vals[i]
	}
	return out
}

// insertIndexes adds the entries of a new row version to every index of
// the table; a unique index checks for a live or in-progress duplicate
// (23505), waiting for an in-progress inserter (X21).
func (m *modifyTable) insertIndexes(vals []types.Datum, tid base.ItemPointer) error {
	ec := m.ec
	for _, ix := range m.p.Indexes {
		key, ok, err := IndexKey(ec, ix, m.p.Cols, vals) // indexkey.go
		if err != nil {
			return err
		}
		if !ok {
			continue // a partial index the row is not in
		}
		if !ix.Unique {
			if err := ix.Index.Insert(ec.Ctx, ec.Xact, key, tid); err != nil {
				return err
			}
			continue
		}
		uc := btree.UniqueCheck{Name: ix.Name, Xacts: ec.Xacts,
			Heap: func(t base.ItemPointer) (btree.HeapState, base.XID, error) {
				st, xid, err := ec.Heap.DirtyState(m.p.Rel.Node, t, ec.Xact)
				switch st {
				case heap.StateLive:
					return btree.HeapLive, 0, err
				case heap.StateInProgress:
					return btree.HeapInProgress, xid, err
				}
				return btree.HeapDead, 0, err
			},
			Describe: func(k [][]byte) (string, string) { return m.describeKey(ix, k) },
		}
		if err := ix.Index.InsertUnique(ec.Ctx, ec.Xact, key, tid, uc); err != nil {
			return err
		}
	}
	return nil
}

// describeKey renders "(a, b)", "(1, x)" for a duplicate key error detail.
func (m *modifyTable) describeKey(ix *plan.IndexTarget, key [][]byte) (string, string) {
	var cols, vals []string
	for i, c := range ix.Cols {
		if i >= len(key) {
			break
		}
		if c < 0 { // an expression column (indexkey.go)
			name, val := describeExprKey(ix, i, key[i])
			cols, vals = append(cols, name), append(vals, val)
			continue
		}
		col := m.p.Cols[c]
		cols = append(cols, col.Name)
		if key[i] == nil {
			vals = append(vals, "null")
			continue
		}
		d, err := types.Decode(col.T, key[i])
		if err != nil {
			vals = append(vals, "?")
			continue
		}
		vals = append(vals, types.Format(col.T, d))
	}
	return strings.Join(cols, ", "), strings.Join(vals, ", ")
}

// conflict decides what to do after heap.Update/Delete reported res: with
// READ COMMITTED a concurrently updated row is re-checked in its newest
// version (EvalPlanQual); otherwise it is a serialization failure.
func (m *modifyTable) conflict(res mvcc.TMResult, link base.ItemPointer, vals []types.Datum) (base.ItemPointer, []types.Datum, bool, error) {
	switch res {
	case mvcc.TMOk, mvcc.TMSelfModified:
		return link, nil, false, nil
	case mvcc.TMUpdated, mvcc.TMDeleted:
		if m.ec.SerializableConflicts {
			return link, nil, false, pgerr.New(pgerr.SerializationFailure, "could not serialize access due to concurrent %s", map[bool]string{true: "update", false: "delete"}[res == mvcc.TMUpdated])
		}
		if res == mvcc.TMDeleted {
			return link, nil, false, nil
		}
		t, err := m.ec.Heap.FetchLatest(m.p.Rel.Node, link)
		if err != nil {
			return link, nil, false, err
		}
		nvals, err := DecodeRow(m.p.Cols, t.Payload)
		if err != nil {
			return link, nil, false, err
		}
		var qual analyze.Expr
		if s, ok := m.p.Child.(*plan.SeqScan); ok {
			qual = s.Qual
		} else {
			qual = scanRecheckQual(m.p.Child) // indexscan.go
		}
		ok, err := m.ec.Qual(qual, nvals)
		if err != nil || !ok {
			return link, nil, false, err
		}
		return link, nvals, true, nil
	}
	return link, nil, false, pgerr.New(pgerr.InternalError, "unexpected tuple state %v", fmt.Sprint(res))
}

func (m *modifyTable) Close() { m.child.Close() }

// projectSet runs the set-returning targets of each input row in lockstep
// (ExecProjectSet).
type projectSet struct {
	ec    *Context
	p     *plan.ProjectSet
	child Iter
	in    *Row
	nexts []func() (types.Datum, bool, error) // per target; nil for plain targets
	done  []bool
}

func (ps *projectSet) Next() (*Row, error) {
	for {
		if ps.in == nil {
			in, err := ps.child.Next()
			if err != nil || in == nil {
				return nil, err
			}
			ps.in = in
			ps.nexts = make([]func() (types.Datum, bool, error), len(ps.p.Targets))
			ps.done = make([]bool, len(ps.p.Targets))
			for i, t := range ps.p.Targets {
				f, ok := t.Expr.(*analyze.FuncExpr)
				if !ok || f.SRF == nil {
					continue
				}
				args := make([]types.Datum, len(f.Args))
				isNull := false
				for k, a := range f.Args {
					if args[k], err = ps.ec.Eval(a, in.Vals); err != nil {
						return nil, err
					}
					if args[k] == nil {
						isNull = true
					}
				}
				if isNull && f.Strict {
					ps.done[i] = true // a strict SRF of NULL returns no rows
					ps.nexts[i] = func() (types.Datum, bool, error) { return nil, false, nil }
					continue
				}
				next, err := f.SRF(args)
				if err != nil {
					return nil, err
				}
				ps.nexts[i] = next
			}
		}
		out := make([]types.Datum, len(ps.p.Targets))
		any := false
		for i, t := range ps.p.Targets {
			if ps.nexts[i] == nil {
				continue
			}
			if ps.done[i] {
				continue
			}
			v, ok, err := ps.nexts[i]()
			if err != nil {
				return nil, err
			}
			if !ok {
				ps.done[i] = true
				continue
			}
			out[i] = v
			any = true
			_ = t
		}
		if !any {
			ps.in = nil
			continue
		}
		for i, t := range ps.p.Targets {
			if ps.nexts[i] != nil {
				continue
			}
			v, err := ps.ec.Eval(t.Expr, ps.in.Vals)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return &Row{Vals: out}, nil
	}
}

func (ps *projectSet) Close() { ps.child.Close() }
