package exec

import (
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
)

// Column pruning (X31): a sequential or bitmap heap scan decodes only the
// columns that something above it reads; the others stay NULL. Build
// works out, before building, which columns of each scan the nodes above
// read (planNeeds), following only nodes whose use of their input is
// plain: Projection, Filter, Sort, Limit, Agg, Materialize, Memoize and
// the joins. Anything else (ModifyTable, Unique, SetOp, WindowAgg,
// Append, a correlated SubLink whose subquery reads the row, a join whose
// inner side reads the outer row, an expression this file does not know)
// makes its input needed whole. A scan not reached this way (a subquery's
// or a CTE's, a plan built without Build) decodes every column.

// scanNeed is what the nodes above a scan read of its columns.
type scanNeed struct {
	n    plan.Node
	need []bool // nil: every column
}

// neededCols returns the columns of scan n that anything above it reads,
// or nil for all of them.
func (ec *Context) neededCols(n plan.Node) []bool {
	for _, e := range ec.state().needed {
		if e.n == n {
			return e.need
		}
	}
	return nil
}

// planNeeds records what the nodes of the tree at root read of its scans'
// columns (neededCols). The statement's client reads every column of
// root.
func (ec *Context) planNeeds(root plan.Node) {
	st := ec.state()
	clear(st.needed)
	st.needed = st.needed[:0]
	if !hasHeapScan(root) {
		return
	}
	w := needWalker{ec: ec}
	w.node(root, nil)
}

// hasHeapScan reports whether a tree has a node whose columns can be pruned.
func hasHeapScan(n plan.Node) bool {
	switch p := n.(type) {
	case nil:
		return false
	case *plan.SeqScan, *plan.BitmapHeapScan:
		return true
	case *plan.CTEScan:
		return hasHeapScan(p.Plan)
	case *plan.IndexScan:
		return true
	case *plan.IndexOnlyScan:
		return false
	}
	for _, c := range n.Children() {
		if hasHeapScan(c) {
			return true
		}
	}
	return false
}

type needWalker struct {
	ec *Context
}

// record notes that a scan's columns need (nil: all) are read; a scan met
// twice reads the union.
func (w *needWalker) record(n plan.Node, need []bool) {
	st := w.ec.state()
	for i := range st.needed {
		e := &st.needed[i]
		if e.n != n {
			continue
		}
		switch {
		case e.need == nil:
		case need == nil || len(need) != len(e.need):
			e.need = nil
		default:
			for k, b := range need {
				e.need[k] = e.need[k] || b
			}
		}
		return
	}
	st.needed = append(st.needed, scanNeed{n: n, need: need})
}

// set is a set of input columns, nil for all of them.
type colSet []bool

// emptySet returns an empty set of width columns (nil, all, when the
// width is not known).
func emptySet(width int) colSet {
	if width < 0 {
		return nil
	}
	return make(colSet, width)
}

// newSet returns an empty set of width columns with out's members (out nil:
// all columns, returned as nil).
func newSet(width int, out colSet, from int) colSet {
	if out == nil || width < 0 {
		return nil
	}
	s := make(colSet, width)
	for i := range s {
		if from+i < len(out) {
			s[i] = out[from+i]
		}
	}
	return s
}

// add adds the input columns expressions read to s; false when s must
// become every column (an expression reads the row in a way not followed
// here).
func (s colSet) add(e analyze.Expr) bool {
	if s == nil {
		return true
	}
	switch x := e.(type) {
	case nil, *analyze.Const, *analyze.Param, *analyze.CaseTestExpr, *analyze.OuterVar:
		// OuterVar reads a pushed row: whoever pushes it keeps it whole.
		return true
	case *analyze.Var:
		return s.mark(x.Index)
	case *analyze.Aggref:
		return s.mark(x.Index) // the column its Agg computed
	case *analyze.WindowFunc:
		return s.mark(x.Index)
	case *analyze.OpExpr:
		return s.addAll(x.Args)
	case *analyze.BoolExpr:
		return s.addAll(x.Args)
	case *analyze.NullTest:
		return s.add(x.Arg)
	case *analyze.BoolTest:
		return s.add(x.Arg)
	case *analyze.Cast:
		return s.add(x.Arg)
	case *analyze.FuncExpr:
		if x.SRF != nil {
			return false
		}
		return s.addAll(x.Args)
	case *analyze.CaseExpr:
		if !s.add(x.Arg) || !s.add(x.Else) {
			return false
		}
		for _, c := range x.Whens {
			if !s.add(c.Cond) || !s.add(c.Result) {
				return false
			}
		}
		return true
	case *analyze.CoalesceExpr:
		return s.addAll(x.Args)
	case *analyze.MinMaxExpr:
		return s.addAll(x.Args)
	case *analyze.NullIfExpr:
		return x.Eq != nil && s.add(x.Eq)
	case *analyze.DistinctExpr:
		return x.Eq != nil && s.add(x.Eq)
	case *analyze.ScalarArrayOpExpr:
		return s.add(x.Left) && s.addAll(x.Elems) && s.add(x.Array)
	case *analyze.ArrayExpr:
		return s.addAll(x.Elems)
	case *analyze.RowExpr:
		return s.addAll(x.Args)
	case *analyze.SubLink:
		// A correlated subquery reads the row through the outer-row stack.
		return !x.Correlated && s.add(x.Test)
	}
	return false
}

func (s colSet) addAll(es []analyze.Expr) bool {
	for _, e := range es {
		if !s.add(e) {
			return false
		}
	}
	return true
}

func (s colSet) mark(i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	s[i] = true
	return true
}

func (s colSet) addSortKeys(ks []*analyze.SortKey) bool {
	for _, k := range ks {
		if !s.add(k.Expr) {
			return false
		}
	}
	return true
}

// node walks n, whose output columns out are read (nil: all).
func (w *needWalker) node(n plan.Node, out colSet) {
	switch p := n.(type) {
	case nil:
	case *plan.SeqScan:
		w.scan(p, len(p.Cols), out, p.Qual)
	case *plan.BitmapHeapScan:
		w.scan(p, len(p.Cols), out, p.Qual, p.RecheckQual)
	case *plan.IndexScan:
		// The index conditions are evaluated on the index entries, not on
		// the decoded heap row: only the filter and the nodes above read it.
		w.scan(p, len(p.Cols), out, p.Qual)
	case *plan.Projection:
		s := emptySet(width(p.Child))
		for _, t := range p.Targets {
			if !s.add(t.Expr) {
				s = nil
				break
			}
		}
		w.node(p.Child, s)
	case *plan.Filter:
		s := newSet(width(p.Child), out, 0)
		if !s.add(p.Qual) {
			s = nil
		}
		w.node(p.Child, s)
	case *plan.Sort:
		w.sorted(p.Child, p.Keys, out)
	case *plan.Limit:
		w.sorted(p.Child, p.Keys, out)
	case *plan.Materialize:
		w.node(p.Child, newSet(width(p.Child), out, 0))
	case *plan.Memoize:
		w.node(p.Child, newSet(width(p.Child), out, 0))
	case *plan.Agg:
		s := emptySet(width(p.Child))
		ok := s.addAll(p.GroupKeys)
		for _, a := range p.Aggs {
			ok = ok && s.addAll(a.Args) && s.add(a.Filter) && s.addSortKeys(a.OrderBy)
		}
		if !ok {
			s = nil
		}
		w.node(p.Child, s)
	case *plan.HashJoin:
		w.join(p.Kind, p.Outer, p.Inner, p.OuterWidth, p.InnerWidth, p.OuterKeys, p.InnerKeys, p.Qual, false, out)
	case *plan.MergeJoin:
		w.join(p.Kind, p.Outer, p.Inner, p.OuterWidth, p.InnerWidth, p.OuterKeys, p.InnerKeys, p.Qual, false, out)
	case *plan.NestLoop:
		w.join(p.Kind, p.Outer, p.Inner, p.OuterWidth, p.InnerWidth, nil, nil, p.Qual, p.Lateral, out)
	case *plan.CTEScan:
		w.node(p.Plan, nil)
	default:
		for _, c := range n.Children() {
			w.node(c, nil)
		}
	}
}

// scanWidth is the width of a scan's rows: its columns and the ctid.
func scanWidth(cols []analyze.Column, emitCTID bool) int {
	if emitCTID {
		return len(cols) + 1
	}
	return len(cols)
}

// scan records what is read of a scan of ncols columns: out and what its
// conditions read.
func (w *needWalker) scan(n plan.Node, ncols int, out colSet, conds ...analyze.Expr) {
	s := newSet(ncols, out, 0)
	for _, c := range conds {
		if !s.add(c) {
			s = nil
			break
		}
	}
	w.record(n, s)
}

// sorted walks the child of a node that passes its rows through ordered
// by keys (Sort, Limit).
func (w *needWalker) sorted(child plan.Node, keys []*analyze.SortKey, out colSet) {
	s := newSet(width(child), out, 0)
	if !s.addSortKeys(keys) {
		s = nil
	}
	w.node(child, s)
}

// join walks the inputs of a join (X15: output outer ++ inner, or outer
// alone for semi and anti joins).
func (w *needWalker) join(kind plan.JoinKind, outer, inner plan.Node, ow, iw int, okeys, ikeys []analyze.Expr, qual analyze.Expr, lateral bool, out colSet) {
	if width(outer) != ow || width(inner) != iw {
		out = nil // widths not as expected: prune nothing
	}
	os := newSet(ow, out, 0)
	var is colSet
	if kind == plan.JoinSemi || kind == plan.JoinAnti {
		if out != nil {
			is = emptySet(iw)
		}
	} else {
		is = newSet(iw, out, ow)
	}
	if os != nil && is != nil {
		both := emptySet(ow + iw)
		if both.add(qual) && os.addAll(okeys) && is.addAll(ikeys) {
			for i, b := range both {
				if i < ow {
					os[i] = os[i] || b
				} else {
					is[i-ow] = is[i-ow] || b
				}
			}
		} else {
			os, is = nil, nil
		}
	}
	if lateral || planRefsOuter(inner, 0) {
		os = nil // the inner side reads the outer row (X8)
	}
	w.node(outer, os)
	w.node(inner, is)
}

// width returns the number of columns of n's rows where this file can
// tell, else -1.
func width(n plan.Node) int {
	switch p := n.(type) {
	case *plan.SeqScan:
		return scanWidth(p.Cols, p.EmitCTID)
	case *plan.BitmapHeapScan:
		return scanWidth(p.Cols, p.EmitCTID)
	case *plan.IndexScan:
		return scanWidth(p.Cols, p.EmitCTID)
	case *plan.Projection:
		return len(p.Targets)
	case *plan.Filter, *plan.Sort, *plan.Limit, *plan.Materialize, *plan.Memoize:
		return width(n.Children()[0]) // rows pass through unchanged
	case *plan.Agg:
		return len(p.GroupKeys) + len(p.Aggs)
	case *plan.HashJoin:
		return joinWidth(p.Kind, p.OuterWidth, p.InnerWidth)
	case *plan.MergeJoin:
		return joinWidth(p.Kind, p.OuterWidth, p.InnerWidth)
	case *plan.NestLoop:
		return joinWidth(p.Kind, p.OuterWidth, p.InnerWidth)
	}
	return -1
}

func joinWidth(k plan.JoinKind, ow, iw int) int {
	if k == plan.JoinSemi || k == plan.JoinAnti {
		return ow
	}
	return ow + iw
}
