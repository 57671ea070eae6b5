package plan

import (
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// bindParams replaces $n by its value in a custom plan (Env.Params set):
// the plan is made for one execution (the session's plan cache keeps only
// generic plans, PC4), so, as PostgreSQL's eval_const_expressions does
// with bound parameters, the values become constants that Simplify folds
// ("name = NULL OR id = 3" is "id = 3") and EXPLAIN prints. Parameters of
// subqueries (SubLink) are left to their execution.
func (p *planner) bindParams(e analyze.Expr) analyze.Expr {
	if e == nil || p.shared == nil || p.shared.env == nil || len(p.shared.env.Params) == 0 {
		return e
	}
	has := false
	analyze.Walk(e, func(x analyze.Expr) bool {
		if _, ok := x.(*analyze.Param); ok {
			has = true
		}
		return !has
	})
	if !has {
		return e
	}
	return analyze.MapExpr(e, func(x analyze.Expr) analyze.Expr {
		if pr, ok := x.(*analyze.Param); ok && pr.N >= 1 && pr.N <= len(p.shared.env.Params) {
			return &analyze.Const{T: pr.T, Mod: -1, Val: p.shared.env.Params[pr.N-1]}
		}
		return nil
	})
}

// nullAsFalse rewrites a WHERE or ON condition where a NULL result
// rejects the row just as FALSE does (PostgreSQL's canonicalize_qual with
// is_check false): under the top-level ANDs and ORs, a NULL or FALSE
// constant argument of an OR is dropped, and an AND with one is FALSE.
// A bound parameter that is NULL leaves such constants ("name = NULL OR
// id = 3" is "id = 3").
func nullAsFalse(e analyze.Expr) analyze.Expr {
	b, ok := e.(*analyze.BoolExpr)
	if !ok || b.Op == analyze.Not {
		return e
	}
	falseConst := &analyze.Const{T: types.Bool, Mod: -1, Val: false}
	rejects := func(x analyze.Expr) bool {
		c, ok := x.(*analyze.Const)
		return ok && (c.Val == nil || c.Val == false)
	}
	args := make([]analyze.Expr, 0, len(b.Args))
	for _, a := range b.Args {
		a = nullAsFalse(a)
		if rejects(a) {
			if b.Op == analyze.And {
				return falseConst
			}
			continue
		}
		args = append(args, a)
	}
	switch {
	case len(args) == len(b.Args):
		return e
	case len(args) == 0:
		return falseConst
	case len(args) == 1:
		return args[0]
	}
	return &analyze.BoolExpr{Op: b.Op, Args: args}
}

// simplifyWhere simplifies a WHERE condition (nullAsFalse after Simplify).
func simplifyWhere(e analyze.Expr) (analyze.Expr, error) {
	s, err := analyze.Simplify(e)
	if err != nil || s == nil {
		return s, err
	}
	return nullAsFalse(s), nil
}
