package plan

import (
	"github.com/tuskdb/tusk/sql/analyze"
)

// inlineCTEs returns q with its inlinable WITH queries turned into
// subqueries in FROM (PostgreSQL 12+'s inline_cte): a non-recursive
// SELECT referenced once, from this level's own FROM, holding no function
// that is not immutable (Tusk does not tell stable from volatile). The
// Query is not changed (P1): a copy with a new range table is returned,
// and inlined[i] is set for the CTEs it no longer reads.
func inlineCTEs(q *analyze.Query) (*analyze.Query, []bool) {
	if q.Cmd != analyze.CmdSelect || len(q.CTEs) == 0 {
		return q, nil
	}
	var out *analyze.Query
	var inlined []bool
	for idx, c := range q.CTEs {
		if c.Recursive || c.Query == nil || c.Query.Cmd != analyze.CmdSelect || c.Materialized || hasNonImmutable(c.Query) {
			continue
		}
		at, n := -1, 0
		walkQuery(q, 0, func(analyze.Expr, int) {}, func(r *analyze.RTE, depth int) {
			if r.Kind == analyze.RTECTE && r.CTE == idx && r.CTELevel == depth {
				n++
				if depth == 0 {
					at = 0
				}
			}
		})
		if n != 1 || at < 0 {
			continue
		}
		if out == nil {
			cp := *q
			cp.RTable = append([]*analyze.RTE(nil), q.RTable...)
			out = &cp
			inlined = make([]bool, len(q.CTEs))
		}
		for i, r := range out.RTable {
			if r.Kind == analyze.RTECTE && r.CTE == idx && r.CTELevel == 0 {
				nr := *r
				nr.Kind = analyze.RTESubquery
				nr.Subquery = c.Query
				out.RTable[i] = &nr
			}
		}
		inlined[idx] = true
	}
	if out == nil {
		return q, nil
	}
	return out, inlined
}

// hasNonImmutable reports whether q (or a query inside it) calls a
// function that is not immutable.
func hasNonImmutable(q *analyze.Query) bool {
	found := false
	walkQuery(q, 0, func(e analyze.Expr, _ int) {
		analyze.Walk(e, func(x analyze.Expr) bool {
			if f, ok := x.(*analyze.FuncExpr); ok && !f.Immutable {
				found = true
			}
			return !found
		})
	}, func(r *analyze.RTE, _ int) {
		if r.Kind == analyze.RTEFunction && r.Func != nil && !r.Func.Immutable {
			found = true
		}
	})
	return found
}

// forClauseExprs calls fn once for each expression of q's own target list,
// WHERE, HAVING, GROUP BY, ORDER BY and DISTINCT ON, and for each window
// function with its PARTITION BY and ORDER BY expressions (some may be
// nil). It does not go into sublinks, FROM, LIMIT/OFFSET, frame offsets,
// q.Aggs, RETURNING or SET.
func forClauseExprs(q *analyze.Query, fn func(analyze.Expr)) {
	for _, t := range q.Targets {
		fn(t.Expr)
	}
	fn(q.Where)
	fn(q.Having)
	for _, g := range q.GroupBy {
		fn(g)
	}
	for _, k := range q.Sort {
		fn(k.Expr)
	}
	for _, d := range q.DistinctOn {
		fn(d)
	}
	for _, w := range q.WindowFuncs {
		fn(w)
		for _, e := range w.Window.PartitionBy {
			fn(e)
		}
		for _, k := range w.Window.OrderBy {
			fn(k.Expr)
		}
	}
}

// forJoinQuals calls fn for the join conditions of q's FROM tree.
func forJoinQuals(q *analyze.Query, fn func(analyze.Expr)) {
	var walk func(j *analyze.JoinNode)
	walk = func(j *analyze.JoinNode) {
		if j == nil || j.Left == nil {
			return
		}
		fn(j.Quals)
		walk(j.Left)
		walk(j.Right)
	}
	for _, j := range q.From {
		walk(j)
	}
}

// walkQuery calls onExpr for every expression of q and of the queries
// inside it (sublinks, subqueries in FROM, WITH queries, set operation
// branches), and onRTE for every range table entry, with depth the query
// level below q (as OuterVar.Levels and RTE.CTELevel count).
func walkQuery(q *analyze.Query, depth int, onExpr func(analyze.Expr, int), onRTE func(*analyze.RTE, int)) {
	if q == nil {
		return
	}
	visit := func(e analyze.Expr) {
		if e == nil {
			return
		}
		onExpr(e, depth)
		analyze.Walk(e, func(x analyze.Expr) bool {
			if sl, ok := x.(*analyze.SubLink); ok {
				walkQuery(sl.Query, depth+1, onExpr, onRTE)
			}
			return true
		})
	}
	forClauseExprs(q, visit)
	for _, w := range q.WindowFuncs {
		visit(w.Window.StartOffset)
		visit(w.Window.EndOffset)
	}
	visit(q.Limit)
	visit(q.Offset)
	forJoinQuals(q, visit)
	for _, r := range q.RTable {
		onRTE(r, depth)
		switch r.Kind {
		case analyze.RTESubquery:
			walkQuery(r.Subquery, depth+1, onExpr, onRTE)
		case analyze.RTEFunction:
			if r.Func != nil {
				for _, a := range r.Func.Args {
					visit(a)
				}
			}
		case analyze.RTEValues:
			for _, row := range r.Values {
				for _, e := range row {
					visit(e)
				}
			}
		}
	}
	for _, c := range q.CTEs {
		walkQuery(c.Query, depth+1, onExpr, onRTE)
		walkQuery(c.NonRecursive, depth+1, onExpr, onRTE)
		walkQuery(c.RecursiveQ, depth+1, onExpr, onRTE)
	}
	if q.SetOp != nil {
		walkQuery(q.SetOp.Left, depth+1, onExpr, onRTE)
		walkQuery(q.SetOp.Right, depth+1, onExpr, onRTE)
	}
}
