package exec

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// filter keeps the rows that satisfy qual (a qual of NULL fails).
type filter struct {
	ec    *Context
	qual  analyze.Expr
	child Iter
}

func (f *filter) Next() (*Row, error) {
	for {
		r, err := f.child.Next()
		if err != nil || r == nil {
			return nil, err
		}
		if err := f.ec.tick(); err != nil {
			return nil, err
		}
		ok, err := f.ec.Qual(f.qual, r.Vals)
		if err != nil {
			return nil, err
		}
		if ok {
			return r, nil
		}
	}
}

func (f *filter) Close() { f.child.Close() }

// rescan restarts a child that can be restarted (X7).
func rescan(it Iter) error {
	if rs, ok := it.(Rescanner); ok {
		return rs.Rescan()
	}
	return pgerr.New(pgerr.InternalError, "plan node %T cannot be rescanned", it)
}

// functionScan runs a set-returning function in FROM (mirrors
// FunctionNext): its arguments are evaluated once, with no input row.
type functionScan struct {
	ec      *Context
	p       *plan.FunctionScan
	next    func() (any, bool, error)
	ord     int64
	started bool
	done    bool
}

func (f *functionScan) Next() (*Row, error) {
	if f.done {
		return nil, nil
	}
	if !f.started {
		f.started = true
		if f.p.SRF == nil {
			return nil, pgerr.New(pgerr.InternalError, "function %s has no implementation", f.p.Name)
		}
		args, err := f.ec.evalAll(f.p.Args, nil)
		if err != nil {
			return nil, err
		}
		if f.next, err = f.p.SRF(args); err != nil {
			return nil, err
		}
	}
	if err := f.ec.tick(); err != nil {
		return nil, err
	}
	v, ok, err := f.next()
	if err != nil {
		return nil, err
	}
	if !ok {
		f.done = true
		return nil, nil
	}
	f.ord++
	var vals []types.Datum
	if f.p.Record {
		r, ok := v.([]types.Datum)
		if !ok || len(r) != f.p.Width {
			return nil, pgerr.New(pgerr.InternalError, "function %s returned a row of the wrong shape", f.p.Name)
		}
		vals = append(make([]types.Datum, 0, len(r)+1), r...)
	} else {
		vals = []types.Datum{v}
	}
	if f.p.Ordinality {
		vals = append(vals, f.ord)
	}
	return &Row{Vals: vals}, nil
}

func (f *functionScan) Close() {}

// appendIter returns the rows of each input in turn; each input is built
// when reached and closed when done.
type appendIter struct {
	ec     *Context
	inputs []plan.Node
	i      int
	cur    Iter
}

func (a *appendIter) Next() (*Row, error) {
	for a.i < len(a.inputs) {
		if a.cur == nil {
			it, err := a.ec.build(a.inputs[a.i])
			if err != nil {
				return nil, err
			}
			a.cur = it
		}
		r, err := a.cur.Next()
		if err != nil || r != nil {
			return r, err
		}
		a.cur.Close()
		a.cur = nil
		a.i++
	}
	return nil, nil
}

func (a *appendIter) Close() {
	if a.cur != nil {
		a.cur.Close()
		a.cur = nil
	}
}

// materialize stores its child's rows as they pass (mirrors
// ExecMaterial); a rescan replays them, then continues with the child.
type materialize struct {
	ec       *Context
	child    Iter
	store    *tupleStore
	rd       *storeReader
	done     bool
	replayed bool
}

func (m *materialize) Next() (*Row, error) {
	if m.rd == nil {
		m.rd = m.store.reader()
	}
	if m.replayed {
		r, err := m.rd.next()
		if err != nil || r != nil {
			return r, err
		}
	}
	if m.done {
		return nil, nil
	}
	r, err := m.child.Next()
	if err != nil {
		return nil, err
	}
	if r == nil {
		m.done = true
		m.child.Close()
		return nil, nil
	}
	if err := m.store.add(r); err != nil {
		return nil, err
	}
	if m.replayed {
		// Keep the reader in step with the rows it now has seen.
		if _, err := m.rd.next(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Rescan replays the stored rows (X7).
func (m *materialize) Rescan() error {
	if m.rd == nil {
		m.rd = m.store.reader()
	}
	m.rd.rewind()
	m.replayed = true
	return nil
}

func (m *materialize) Close() {
	if !m.done {
		m.child.Close()
		m.done = true
	}
	m.store.close()
}

// limit mirrors ExecLimit: OFFSET and the count are evaluated once, with
// no input row; NULL means none.
type limit struct {
	ec       *Context
	p        *plan.Limit
	child    Iter
	started  bool
	count    int64 // -1: no limit
	returned int64
	last     []types.Datum // WITH TIES: the keys of the last counted row
	done     bool
}

func (l *limit) bound(e analyze.Expr, what string, code pgerr.Code) (int64, bool, error) {
	if e == nil {
		return 0, false, nil
	}
	v, err := l.ec.Eval(e, nil)
	if err != nil || v == nil {
		return 0, false, err
	}
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	default:
		c, err := types.Cast(v, e.Type(), e.Typmod(), types.Int8, -1, false)
		if err != nil {
			return 0, false, err
		}
		n = c.(int64)
	}
	if n < 0 {
		return 0, false, pgerr.New(code, "%s must not be negative", what)
	}
	return n, true, nil
}

func (l *limit) start() error {
	l.started = true
	off, _, err := l.bound(l.p.Offset, "OFFSET", pgerr.InvalidRowCountInResultOffsetClause)
	if err != nil {
		return err
	}
	cnt, ok, err := l.bound(l.p.Count, "LIMIT", pgerr.InvalidRowCountInLimitClause)
	if err != nil {
		return err
	}
	l.count = -1
	if ok {
		l.count = cnt
	}
	for i := int64(0); i < off; i++ {
		if err := l.ec.tick(); err != nil {
			return err
		}
		r, err := l.child.Next()
		if err != nil {
			return err
		}
		if r == nil {
			l.done = true
			return nil
		}
	}
	return nil
}

func (l *limit) Next() (*Row, error) {
	if !l.started {
		if err := l.start(); err != nil {
			return nil, err
		}
	}
	if l.done {
		return nil, nil
	}
	if l.count >= 0 && l.returned >= l.count && (!l.p.WithTies || l.count == 0) {
		l.done = true
		return nil, nil
	}
	r, err := l.child.Next()
	if err != nil {
		return nil, err
	}
	if r == nil {
		l.done = true
		return nil, nil
	}
	if l.count >= 0 && l.returned >= l.count {
		// WITH TIES: past the count, keep only rows that tie the last.
		keys, err := l.keys(r)
		if err != nil {
			return nil, err
		}
		if !keysEqual(sortKeyTypes(l.p.Keys), keys, l.last) {
			l.done = true
			return nil, nil
		}
		return r, nil
	}
	l.returned++
	if l.p.WithTies && l.returned == l.count {
		if l.last, err = l.keys(r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (l *limit) keys(r *Row) ([]types.Datum, error) {
	out := make([]types.Datum, len(l.p.Keys))
	for i, k := range l.p.Keys {
		v, err := l.ec.Eval(k.Expr, r.Vals)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (l *limit) Close() { l.child.Close() }

func sortKeyTypes(keys []*analyze.SortKey) []*types.T {
	out := make([]*types.T, len(keys))
	for i, k := range keys {
		out[i] = k.Expr.Type()
	}
	return out
}
