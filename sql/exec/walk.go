package exec

import (
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
)

// planRefsOuter reports whether plan n reads a row of a query level above
// it: an OuterVar reaching more levels up than the sublinks it sits in
// (depth). Such a subtree's rows depend on the outer-row stack (X8).
func planRefsOuter(n plan.Node, depth int) bool {
	found := false
	var expr func(e analyze.Expr, depth int)
	var node func(n plan.Node, depth int)
	exprs := func(es []analyze.Expr, depth int) {
		for _, e := range es {
			expr(e, depth)
		}
	}
	expr = func(e analyze.Expr, depth int) {
		if e == nil || found {
			return
		}
		switch x := e.(type) {
		case *analyze.OuterVar:
			if x.Levels > depth {
				found = true
			}
		case *analyze.OpExpr:
			exprs(x.Args, depth)
		case *analyze.BoolExpr:
			exprs(x.Args, depth)
		case *analyze.NullTest:
			expr(x.Arg, depth)
		case *analyze.BoolTest:
			expr(x.Arg, depth)
		case *analyze.Cast:
			expr(x.Arg, depth)
		case *analyze.FuncExpr:
			exprs(x.Args, depth)
		case *analyze.Aggref:
			exprs(x.Args, depth)
			expr(x.Filter, depth)
			for _, k := range x.OrderBy {
				expr(k.Expr, depth)
			}
		case *analyze.WindowFunc:
			exprs(x.Args, depth)
			if x.Agg != nil {
				expr(x.Agg, depth)
			}
		case *analyze.CaseExpr:
			expr(x.Arg, depth)
			for _, w := range x.Whens {
				expr(w.Cond, depth)
				expr(w.Result, depth)
			}
			expr(x.Else, depth)
		case *analyze.CoalesceExpr:
			exprs(x.Args, depth)
		case *analyze.MinMaxExpr:
			exprs(x.Args, depth)
		case *analyze.NullIfExpr:
			expr(x.Eq, depth)
		case *analyze.ScalarArrayOpExpr:
			expr(x.Left, depth)
			exprs(x.Elems, depth)
			expr(x.Array, depth)
		case *analyze.ArrayExpr:
			exprs(x.Elems, depth)
		case *analyze.RowExpr:
			exprs(x.Args, depth)
		case *analyze.SubLink:
			expr(x.Test, depth)
			if s, ok := x.Plan.(*plan.Stmt); ok && s != nil && s.Root != nil {
				node(s.Root, depth+1)
			}
		}
	}
	sortKeys := func(ks []*analyze.SortKey, depth int) {
		for _, k := range ks {
			expr(k.Expr, depth)
		}
	}
	scanKeys := func(ks []plan.ScanKey, depth int) {
		for _, k := range ks {
			expr(k.Arg, depth)
		}
	}
	node = func(n plan.Node, depth int) {
		if n == nil || found {
			return
		}
		switch p := n.(type) {
		case *plan.SeqScan:
			expr(p.Qual, depth)
		case *plan.Result:
			expr(p.Qual, depth)
		case *plan.Values:
			for _, r := range p.Rows {
				exprs(r, depth)
			}
		case *plan.ValuesScan:
			for _, r := range p.Rows {
				exprs(r, depth)
			}
		case *plan.Projection:
			for _, t := range p.Targets {
				expr(t.Expr, depth)
			}
		case *plan.Filter:
			expr(p.Qual, depth)
		case *plan.FunctionScan:
			exprs(p.Args, depth)
		case *plan.NestLoop:
			expr(p.Qual, depth)
		case *plan.HashJoin:
			exprs(p.OuterKeys, depth)
			exprs(p.InnerKeys, depth)
			expr(p.Qual, depth)
		case *plan.Sort:
			sortKeys(p.Keys, depth)
		case *plan.Limit:
			expr(p.Offset, depth)
			expr(p.Count, depth)
			sortKeys(p.Keys, depth)
		case *plan.Agg:
			exprs(p.GroupKeys, depth)
			for _, a := range p.Aggs {
				expr(a, depth)
			}
		case *plan.Unique:
			exprs(p.Keys, depth)
		case *plan.WindowAgg:
			if p.Spec != nil {
				exprs(p.Spec.PartitionBy, depth)
				sortKeys(p.Spec.OrderBy, depth)
				expr(p.Spec.StartOffset, depth)
				expr(p.Spec.EndOffset, depth)
			}
			for _, f := range p.Funcs {
				expr(f, depth)
			}
		case *plan.CTEScan:
			node(p.Plan, depth)
		case *plan.IndexScan:
			scanKeys(p.Keys, depth)
			expr(p.Qual, depth)
		case *plan.IndexOnlyScan:
			scanKeys(p.Keys, depth)
			expr(p.Qual, depth)
		case *plan.BitmapIndexScan:
			scanKeys(p.Keys, depth)
		case *plan.BitmapHeapScan:
			expr(p.RecheckQual, depth)
			expr(p.Qual, depth)
		case *plan.MergeJoin:
			exprs(p.OuterKeys, depth)
			exprs(p.InnerKeys, depth)
			expr(p.Qual, depth)
		case *plan.Memoize:
			exprs(p.Keys, depth)
		}
		for _, c := range n.Children() {
			node(c, depth)
		}
	}
	node(n, depth)
	return found
}
