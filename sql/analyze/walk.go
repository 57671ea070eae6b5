package analyze

import (
	"github.com/tuskdb/tusk/sql/types"
)

// mapExpr rebuilds e bottom-up: fn sees each node (children already
// mapped) and returns a replacement, or nil to keep a copy of the node.
// The result shares no node with e (so the planner may set Var.Index).
func mapExpr(e Expr, fn func(Expr) Expr) Expr {
	if e == nil {
		return nil
	}
	c := rebuild(e, func(x Expr) Expr { return mapExpr(x, fn) })
	if r := fn(c); r != nil {
		return r
	}
	return c
}

// MapTopDown rebuilds e top-down: fn sees each node first and may replace
// it whole (ok true); otherwise its children are mapped.
func MapTopDown(e Expr, fn func(Expr) (Expr, bool)) Expr {
	if e == nil {
		return nil
	}
	if r, ok := fn(e); ok {
		return r
	}
	return rebuild(e, func(x Expr) Expr { return MapTopDown(x, fn) })
}

// rebuild returns a shallow copy of e with m applied to its children.
func rebuild(e Expr, m func(Expr) Expr) Expr {
	ms := func(xs []Expr) []Expr {
		if xs == nil {
			return nil
		}
		out := make([]Expr, len(xs))
		for i, x := range xs {
			out[i] = m(x)
		}
		return out
	}
	mm := func(x Expr) Expr {
		if x == nil {
			return nil
		}
		return m(x)
	}
	var c Expr
	switch x := e.(type) {
	case *Const:
		cp := *x
		c = &cp
	case *Var:
		cp := *x
		c = &cp
	case *Param:
		cp := *x
		c = &cp
	case *OuterVar:
		cp := *x
		v := *x.Var
		cp.Var = &v
		c = &cp
	case *OpExpr:
		cp := *x
		cp.Args = ms(x.Args)
		c = &cp
	case *BoolExpr:
		cp := *x
		cp.Args = ms(x.Args)
		c = &cp
	case *NullTest:
		cp := *x
		cp.Arg = mm(x.Arg)
		c = &cp
	case *BoolTest:
		cp := *x
		cp.Arg = mm(x.Arg)
		c = &cp
	case *Cast:
		cp := *x
		cp.Arg = mm(x.Arg)
		c = &cp
	case *FuncExpr:
		cp := *x
		cp.Args = ms(x.Args)
		c = &cp
	case *Aggref:
		cp := *x
		cp.Args = ms(x.Args)
		cp.Filter = mm(x.Filter)
		cp.OrderBy = mapKeys(x.OrderBy, mm)
		c = &cp
	case *WindowFunc:
		cp := *x
		cp.Args = ms(x.Args)
		if x.Agg != nil {
			ag := *x.Agg
			ag.Args = cp.Args
			cp.Agg = &ag
		}
		c = &cp
	case *CaseExpr:
		cp := *x
		cp.Arg = mm(x.Arg)
		cp.Whens = make([]*CaseWhen, len(x.Whens))
		for i, w := range x.Whens {
			cp.Whens[i] = &CaseWhen{Cond: mm(w.Cond), Result: mm(w.Result)}
		}
		cp.Else = mm(x.Else)
		c = &cp
	case *CaseTestExpr:
		cp := *x
		c = &cp
	case *CoalesceExpr:
		cp := *x
		cp.Args = ms(x.Args)
		c = &cp
	case *MinMaxExpr:
		cp := *x
		cp.Args = ms(x.Args)
		c = &cp
	case *NullIfExpr:
		cp := *x
		cp.Eq = mm(x.Eq).(*OpExpr)
		c = &cp
	case *DistinctExpr:
		cp := *x
		cp.Eq = mm(x.Eq).(*OpExpr)
		c = &cp
	case *ScalarArrayOpExpr:
		cp := *x
		cp.Left = mm(x.Left)
		cp.Elems = ms(x.Elems)
		cp.Array = mm(x.Array)
		c = &cp
	case *ArrayExpr:
		cp := *x
		cp.Elems = ms(x.Elems)
		c = &cp
	case *SubLink:
		cp := *x
		cp.Test = mm(x.Test)
		c = &cp
	case *RowExpr:
		cp := *x
		cp.Args = ms(x.Args)
		c = &cp
	default:
		c = e
	}
	return c
}

func mapKeys(ks []*SortKey, m func(Expr) Expr) []*SortKey {
	if ks == nil {
		return nil
	}
	out := make([]*SortKey, len(ks))
	for i, k := range ks {
		out[i] = &SortKey{Expr: m(k.Expr), Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	return out
}

// MapExpr is mapExpr for the planner.
func MapExpr(e Expr, fn func(Expr) Expr) Expr { return mapExpr(e, fn) }

// copyExpr returns a deep copy of e.
func copyExpr(e Expr) Expr { return mapExpr(e, func(Expr) Expr { return nil }) }

// Walk calls fn for e and every sub-expression (not descending into
// subqueries); fn returns false to stop descending below a node.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	w := func(x Expr) { Walk(x, fn) }
	ws := func(xs []Expr) {
		for _, x := range xs {
			Walk(x, fn)
		}
	}
	switch x := e.(type) {
	case *OpExpr:
		ws(x.Args)
	case *BoolExpr:
		ws(x.Args)
	case *NullTest:
		w(x.Arg)
	case *BoolTest:
		w(x.Arg)
	case *Cast:
		w(x.Arg)
	case *FuncExpr:
		ws(x.Args)
	case *Aggref:
		ws(x.Args)
		w(x.Filter)
		for _, k := range x.OrderBy {
			w(k.Expr)
		}
	case *WindowFunc:
		ws(x.Args)
	case *CaseExpr:
		w(x.Arg)
		for _, cw := range x.Whens {
			w(cw.Cond)
			w(cw.Result)
		}
		w(x.Else)
	case *CoalesceExpr:
		ws(x.Args)
	case *MinMaxExpr:
		ws(x.Args)
	case *NullIfExpr:
		w(x.Eq)
	case *DistinctExpr:
		w(x.Eq)
	case *ScalarArrayOpExpr:
		w(x.Left)
		ws(x.Elems)
		w(x.Array)
	case *ArrayExpr:
		ws(x.Elems)
	case *SubLink:
		w(x.Test)
	case *RowExpr:
		ws(x.Args)
	}
}

// ExprEqual reports whether two expressions are the same computation
// (equal() in PostgreSQL), used to match GROUP BY and ORDER BY items.
func ExprEqual(a, b Expr) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch x := a.(type) {
	case *Const:
		y, ok := b.(*Const)
		if !ok || x.T != y.T {
			return false
		}
		if x.Val == nil || y.Val == nil {
			return x.Val == nil && y.Val == nil
		}
		if x.T == types.Unknown {
			return x.Val == y.Val
		}
		return types.Compare(x.T, x.Val, y.Val) == 0
	case *Var:
		y, ok := b.(*Var)
		return ok && x.RTE == y.RTE && x.Col == y.Col
	case *OuterVar:
		y, ok := b.(*OuterVar)
		return ok && x.Levels == y.Levels && ExprEqual(x.Var, y.Var)
	case *Param:
		y, ok := b.(*Param)
		return ok && x.N == y.N
	case *OpExpr:
		y, ok := b.(*OpExpr)
		return ok && x.Op == y.Op && exprsEqual(x.Args, y.Args)
	case *BoolExpr:
		y, ok := b.(*BoolExpr)
		return ok && x.Op == y.Op && exprsEqual(x.Args, y.Args)
	case *NullTest:
		y, ok := b.(*NullTest)
		return ok && x.Not == y.Not && ExprEqual(x.Arg, y.Arg)
	case *BoolTest:
		y, ok := b.(*BoolTest)
		return ok && x.Kind == y.Kind && ExprEqual(x.Arg, y.Arg)
	case *Cast:
		y, ok := b.(*Cast)
		return ok && x.T == y.T && x.Mod == y.Mod && ExprEqual(x.Arg, y.Arg)
	case *FuncExpr:
		y, ok := b.(*FuncExpr)
		return ok && x.Name == y.Name && x.OID == y.OID && exprsEqual(x.Args, y.Args)
	case *Aggref:
		return a == b
	case *WindowFunc:
		return a == b
	case *CaseExpr:
		y, ok := b.(*CaseExpr)
		if !ok || len(x.Whens) != len(y.Whens) || !ExprEqual(x.Arg, y.Arg) || !ExprEqual(x.Else, y.Else) {
			return false
		}
		for i := range x.Whens {
			if !ExprEqual(x.Whens[i].Cond, y.Whens[i].Cond) || !ExprEqual(x.Whens[i].Result, y.Whens[i].Result) {
				return false
			}
		}
		return true
	case *CaseTestExpr:
		_, ok := b.(*CaseTestExpr)
		return ok
	case *CoalesceExpr:
		y, ok := b.(*CoalesceExpr)
		return ok && exprsEqual(x.Args, y.Args)
	case *MinMaxExpr:
		y, ok := b.(*MinMaxExpr)
		return ok && x.Least == y.Least && exprsEqual(x.Args, y.Args)
	case *NullIfExpr:
		y, ok := b.(*NullIfExpr)
		return ok && ExprEqual(x.Eq, y.Eq)
	case *DistinctExpr:
		y, ok := b.(*DistinctExpr)
		return ok && x.Not == y.Not && ExprEqual(x.Eq, y.Eq)
	case *ScalarArrayOpExpr:
		y, ok := b.(*ScalarArrayOpExpr)
		return ok && x.Op == y.Op && x.All == y.All && ExprEqual(x.Left, y.Left) && exprsEqual(x.Elems, y.Elems) && ExprEqual(x.Array, y.Array)
	case *ArrayExpr:
		y, ok := b.(*ArrayExpr)
		return ok && exprsEqual(x.Elems, y.Elems)
	case *SubLink:
		return a == b
	}
	return false
}

func exprsEqual(a, b []Expr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !ExprEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}
