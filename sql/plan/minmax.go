package plan

import (
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// planMinMax is PostgreSQL's preprocess_minmax_aggregates (planagg.c):
// SELECT min(x), max(y) FROM t [WHERE ...] where an index gives x and y
// in order becomes one InitPlan per aggregate,
// (SELECT x FROM t WHERE ... AND x IS NOT NULL ORDER BY x [DESC] LIMIT 1),
// when reading those index ends costs less than aggregating the table.
func (p *planner) planMinMax() (Node, bool, error) {
	q := p.q
	env := p.shared.env
	if env == nil || !env.Exec.IndexScan || q.Cmd != analyze.CmdSelect || !q.HasAggs || len(q.Aggs) == 0 ||
		len(q.GroupBy) > 0 || q.GroupingSets != nil || q.Having != nil || len(q.WindowFuncs) > 0 ||
		len(q.Sort) > 0 || q.Limit != nil || q.Offset != nil || q.Distinct || len(q.DistinctOn) > 0 ||
		len(q.CTEs) > 0 || len(q.From) != 1 || q.From[0].Left != nil {
		return nil, false, nil
	}
	rte := q.RTable[q.From[0].RTE]
	if rte.Kind != analyze.RTERelation {
		return nil, false, nil
	}
	if q.Where != nil && hasOuterRefs(q.Where) {
		return nil, false, nil
	}
	for _, t := range q.Targets {
		if hasSubLink(t.Expr) {
			return nil, false, nil
		}
	}
	type mm struct {
		agg  *analyze.Aggref
		desc bool
		sub  *analyze.Query
	}
	var aggs []*mm
	for _, a := range q.Aggs {
		if (a.Name != "min" && a.Name != "max") || len(a.Args) != 1 || a.Distinct || a.Filter != nil || len(a.OrderBy) > 0 {
			return nil, false, nil
		}
		v, ok := varOf(a.Args[0])
		if !ok || v.RTE != q.From[0].RTE {
			return nil, false, nil
		}
		aggs = append(aggs, &mm{agg: a, desc: a.Name == "max"})
	}
	// plan each "ORDER BY x LIMIT 1" subquery; give up unless its scan
	// is an index giving the order (no Sort)
	total := 0.0
	for _, m := range aggs {
		arg := m.agg.Args[0]
		sub := *q
		sub.Targets = []*analyze.Target{{Expr: arg, Name: m.agg.Name}}
		sub.Aggs, sub.HasAggs = nil, false
		notNull := &analyze.NullTest{Arg: arg, Not: true}
		if q.Where != nil {
			sub.Where = &analyze.BoolExpr{Op: analyze.And, Args: []analyze.Expr{q.Where, notNull}}
		} else {
			sub.Where = notNull
		}
		sub.Sort = []*analyze.SortKey{{Expr: arg, Desc: m.desc, NullsFirst: m.desc}}
		sub.Limit = &analyze.Const{T: types.Int8, Val: int64(1), Mod: -1}
		m.sub = &sub
		probe := &planner{q: &sub, parent: p, shared: &shared{env: env}, push: true}
		root, err := probe.planSelect()
		if err != nil {
			return nil, false, nil
		}
		if hasSort(root) {
			return nil, false, nil
		}
		total += root.Est().Total
	}
	// the plain aggregate's cost
	plain := &planner{q: q, parent: p.parent, shared: &shared{env: env}, push: p.push}
	pr, err := plain.planFromOnlyCost()
	if err != nil || pr == nil {
		return nil, false, nil
	}
	aggCost := pr.total + float64(len(q.Aggs))*plain.opt.s.CPUOperatorCost*pr.rows
	if total >= aggCost {
		return nil, false, nil
	}
	// SELECT <targets with each aggregate replaced by its subquery>
	outer := *q
	outer.From, outer.Where = nil, nil
	outer.Aggs, outer.HasAggs = nil, false
	outer.Targets = nil
	for _, t := range q.Targets {
		e := analyze.MapTopDown(t.Expr, func(x analyze.Expr) (analyze.Expr, bool) {
			if a, ok := x.(*analyze.Aggref); ok {
				for _, m := range aggs {
					if m.agg.ID == a.ID {
						return &analyze.SubLink{Kind: analyze.ExprSubLink, Query: m.sub, T: a.T}, true
					}
				}
			}
			return nil, false
		})
		outer.Targets = append(outer.Targets, &analyze.Target{Expr: e, Name: t.Name})
	}
	op := &planner{q: &outer, parent: p.parent, shared: p.shared, push: p.push}
	n, err := op.planSelect()
	if err != nil {
		return nil, true, err
	}
	p.outCols = op.outCols
	return n, true, nil
}

// planFromOnlyCost plans FROM and WHERE and returns the cheapest path.
func (p *planner) planFromOnlyCost() (*path, error) {
	p.opt = &optimizer{}
	p.opt.init(p, p.shared.env)
	jr, _, _, err := p.planFromCBO()
	if err != nil {
		return nil, err
	}
	return cheapestTotal(jr.paths), nil
}

func hasSort(n Node) bool {
	if _, ok := n.(*Sort); ok {
		return true
	}
	for _, c := range n.Children() {
		if hasSort(c) {
			return true
		}
	}
	return false
}

func hasSubLink(e analyze.Expr) bool {
	found := false
	analyze.Walk(e, func(x analyze.Expr) bool {
		if _, ok := x.(*analyze.SubLink); ok {
			found = true
		}
		return !found
	})
	return found
}
