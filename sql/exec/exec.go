package exec

import (
	"context"
	"fmt"

	"github.com/tuskdb/tusk/access/heap"
	"github.com/tuskdb/tusk/access/tuple"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// Context is what a running statement uses.
type Context struct {
	Ctx    context.Context
	Heap   *heap.Heap
	Xact   *mvcc.Xact
	Snap   *mvcc.Snapshot
	Params []types.Datum
	// SerializableConflicts makes a concurrent update of a row this
	// statement wants to change an error (REPEATABLE READ, SERIALIZABLE)
	// instead of a re-check of the newer version (READ COMMITTED).
	SerializableConflicts bool
}

// Row is a row flowing between iterators.
type Row struct {
	Vals []types.Datum
	TID  base.ItemPointer
}

// Iter is a running plan node.
type Iter interface {
	Next() (*Row, error) // nil, nil at the end
	Close()
}

// Build makes the iterator of a plan node.
func Build(ec *Context, n plan.Node) (Iter, error) {
	switch p := n.(type) {
	case *plan.SeqScan:
		s, err := ec.Heap.NewScan(p.Rel.Node, ec.Snap)
		if err != nil {
			return nil, err
		}
		return &seqScan{ec: ec, p: p, scan: s}, nil
	case *plan.Result:
		return &result{ec: ec, p: p}, nil
	case *plan.Values:
		return &values{ec: ec, p: p}, nil
	case *plan.Projection:
		child, err := Build(ec, p.Child)
		if err != nil {
			return nil, err
		}
		return &projection{ec: ec, p: p, child: child}, nil
	case *plan.ModifyTable:
		child, err := Build(ec, p.Child)
		if err != nil {
			return nil, err
		}
		return &modifyTable{ec: ec, p: p, child: child}, nil
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
		}
	}
	return tuple.Form(raw)
}

func checkCancel(ec *Context) error {
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
		vals, err := DecodeRow(s.p.Cols, t.Payload)
		if err != nil {
			return nil, err
		}
		ok, err := Qual(s.p.Qual, vals, s.ec.Params)
		if err != nil {
			return nil, err
		}
		if ok {
			return &Row{Vals: vals, TID: t.Header.Self}, nil
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
	ok, err := Qual(r.p.Qual, nil, r.ec.Params)
	if err != nil || !ok {
		return nil, err
	}
	return &Row{}, nil
}

func (r *result) Close() {}

type values struct {
	ec *Context
	p  *plan.Values
	i  int
}

func (v *values) Next() (*Row, error) {
	if v.i >= len(v.p.Rows) {
		return nil, nil
	}
	exprs := v.p.Rows[v.i]
	v.i++
	row := make([]types.Datum, len(exprs))
	for k, e := range exprs {
		d, err := Eval(e, nil, v.ec.Params)
		if err != nil {
			return nil, err
		}
		row[k] = d
	}
	return &Row{Vals: row}, nil
}

func (v *values) Close() {}

type projection struct {
	ec    *Context
	p     *plan.Projection
	child Iter
}

func (p *projection) Next() (*Row, error) {
	in, err := p.child.Next()
	if err != nil || in == nil {
		return nil, err
	}
	return project(p.p.Targets, in.Vals, p.ec.Params)
}

func project(targets []*analyze.Target, vals, params []types.Datum) (*Row, error) {
	out := make([]types.Datum, len(targets))
	for i, t := range targets {
		d, err := Eval(t.Expr, vals, params)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return &Row{Vals: out}, nil
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
}

// Affected returns the number of rows an iterator changed, if it is a
// ModifyTable.
func Affected(it Iter) (int64, bool) {
	m, ok := it.(*modifyTable)
	if !ok {
		return 0, false
	}
	return m.Count, true
}

func (m *modifyTable) Next() (*Row, error) {
	for {
		in, err := m.child.Next()
		if err != nil || in == nil {
			return nil, err
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
			return project(m.p.Returning, newVals, m.ec.Params)
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
		_, err := ec.Heap.Insert(node, ec.Xact, EncodeRow(m.p.Cols, in.Vals))
		return in.Vals, err == nil, err
	case analyze.CmdDelete:
		tid, vals := in.TID, in.Vals
		for {
			res, link, err := ec.Heap.Delete(ec.Ctx, node, ec.Xact, tid)
			if err != nil {
				return nil, false, err
			}
			next, nvals, retry, err := m.conflict(res, link, vals)
			if err != nil || !retry {
				return vals, res == mvcc.TMOk, err
			}
			tid, vals = next, nvals
		}
	case analyze.CmdUpdate:
		tid, vals := in.TID, in.Vals
		for {
			newVals := append([]types.Datum(nil), vals...)
			for _, s := range m.p.Set {
				d, err := Eval(s.Expr, vals, ec.Params)
				if err != nil {
					return nil, false, err
				}
				newVals[s.Col] = d
			}
			if err := m.checkNotNull(newVals); err != nil {
				return nil, false, err
			}
			res, link, err := ec.Heap.Update(ec.Ctx, node, ec.Xact, tid, EncodeRow(m.p.Cols, newVals))
			if err != nil {
				return nil, false, err
			}
			next, nvals, retry, err := m.conflict(res, link, vals)
			if err != nil || !retry {
				return newVals, res == mvcc.TMOk, err
			}
			tid, vals = next, nvals
		}
	}
	return nil, false, pgerr.New(pgerr.InternalError, "unknown modify command %d", m.p.Cmd)
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
		}
		ok, err := Qual(qual, nvals, m.ec.Params)
		if err != nil || !ok {
			return link, nil, false, err
		}
		return link, nvals, true, nil
	}
	return link, nil, false, pgerr.New(pgerr.InternalError, "unexpected tuple state %v", fmt.Sprint(res))
}

func (m *modifyTable) Close() { m.child.Close() }
