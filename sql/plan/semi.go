package plan

import (
	"github.com/tuskdb/tusk/sql/analyze"
)

// pullUpSublinks turns WHERE conjuncts EXISTS (SELECT ...), NOT EXISTS
// (SELECT ...) and x IN (SELECT ...) over simple subqueries into semi and
// anti joins (PostgreSQL's pull_up_sublinks): the subquery's range table
// entries are appended to this level's (p.q becomes a copy), and the
// subquery becomes an item of the join search.
func (p *planner) pullUpSublinks(conj []analyze.Expr) ([]analyze.Expr, []*item, error) {
	var out []analyze.Expr
	var semis []*item
	for _, c := range conj {
		it, ok := p.tryPullUp(c)
		if !ok {
			out = append(out, c)
			continue
		}
		semis = append(semis, it)
	}
	return out, semis, nil
}

func simpleSubquery(sq *analyze.Query) bool {
	if sq == nil || sq.Cmd != analyze.CmdSelect || sq.SetOp != nil || len(sq.CTEs) > 0 || sq.HasAggs ||
		len(sq.WindowFuncs) > 0 || len(sq.GroupBy) > 0 || sq.Having != nil || sq.Limit != nil || sq.Offset != nil ||
		len(sq.DistinctOn) > 0 || sq.GroupingSets != nil || len(sq.From) == 0 {
		return false
	}
	for _, jn := range sq.From {
		if jn.Left != nil {
			return false
		}
		if sq.RTable[jn.RTE].Kind != analyze.RTERelation {
			return false
		}
	}
	ok := true
	check := func(e analyze.Expr) {
		analyze.Walk(e, func(x analyze.Expr) bool {
			switch v := x.(type) {
			case *analyze.SubLink, *analyze.Aggref, *analyze.WindowFunc:
				ok = false
			case *analyze.OuterVar:
				if v.Levels != 1 {
					ok = false
				}
			case *analyze.FuncExpr:
				if v.SRF != nil {
					ok = false
				}
			}
			return ok
		})
	}
	check(sq.Where)
	for _, t := range sq.Targets {
		check(t.Expr)
	}
	return ok
}

func (p *planner) tryPullUp(c analyze.Expr) (*item, bool) {
	kind := JoinSemi
	e := c
	if b, ok := e.(*analyze.BoolExpr); ok && b.Op == analyze.Not && len(b.Args) == 1 {
		kind = JoinAnti
		e = b.Args[0]
	}
	sl, ok := e.(*analyze.SubLink)
	if !ok || !simpleSubquery(sl.Query) {
		return nil, false
	}
	sq := sl.Query
	var test analyze.Expr
	switch sl.Kind {
	case analyze.ExistsSubLink:
	case analyze.AnySubLink:
		if kind == JoinAnti || sl.Op == nil || sl.Op.Name != "=" || len(sq.Targets) != 1 || sl.Correlated {
			return nil, false
		}
		if _, isRow := sl.Test.(*analyze.RowExpr); isRow {
			return nil, false
		}
		if hasOuterRefs(sl.Test) {
			return nil, false
		}
		test = sl.Test
		// the subquery must not read this level
		for _, t := range sq.Targets {
			if hasOuterRefs(t.Expr) {
				return nil, false
			}
		}
		if hasOuterRefs(sq.Where) {
			return nil, false
		}
	default:
		return nil, false
	}
	base := len(p.q.RTable)
	conv := func(e analyze.Expr) analyze.Expr {
		return analyze.MapExpr(e, func(x analyze.Expr) analyze.Expr {
			switch v := x.(type) {
			case *analyze.Var:
				if v.RTE >= 0 {
					cp := *v
					cp.RTE += base
					return &cp
				}
			case *analyze.OuterVar:
				cp := *v.Var
				return &cp
			}
			return nil
		})
	}
	var inner, semiQuals []analyze.Expr
	where, err := simplifyWhere(p.bindParams(sq.Where))
	if err != nil {
		return nil, false
	}
	for _, w := range splitAnd(where) {
		if hasOuterVar(w) {
			semiQuals = append(semiQuals, conv(w))
		} else {
			inner = append(inner, conv(w))
		}
	}
	if test != nil {
		t := conv(sq.Targets[0].Expr)
		semiQuals = append(semiQuals, &analyze.OpExpr{Op: sl.Op, Args: []analyze.Expr{test, t}, T: sl.T})
	}
	if len(semiQuals) == 0 {
		return nil, false
	}
	// semi conditions must read both sides, and this level only through
	// its own range table
	lhs := map[int]bool{}
	rhs := map[int]bool{}
	for _, jn := range sq.From {
		rhs[jn.RTE+base] = true
	}
	for _, sqq := range semiQuals {
		r, opaque := refs(sqq)
		if opaque {
			return nil, false
		}
		for k := range r {
			if !rhs[k] {
				lhs[k] = true
			}
		}
	}
	if len(lhs) == 0 {
		return nil, false
	}
	// extend this level's range table (a copy: the analyzed query stays
	// as it was, P1)
	nq := *p.q
	nq.RTable = append(append([]*analyze.RTE{}, p.q.RTable...), sq.RTable...)
	p.q = &nq
	o := p.opt
	if o.pulled == nil {
		o.pulled = map[*analyze.SubLink]bool{}
	}
	o.pulled[sl] = true
	it := &item{rtes: rhs, semi: &semiInfo{kind: kind, lhs: lhs, quals: semiQuals}}
	it.pending = inner
	for _, e := range semiQuals {
		o.extraNeeded = append(o.extraNeeded, e)
	}
	for _, e := range inner {
		o.extraNeeded = append(o.extraNeeded, e)
	}
	if kind == JoinSemi && test != nil {
		o.extraNeeded = append(o.extraNeeded, conv(sq.Targets[0].Expr))
	}
	return it, true
}

func hasOuterVar(e analyze.Expr) bool {
	found := false
	analyze.Walk(e, func(x analyze.Expr) bool {
		if _, ok := x.(*analyze.OuterVar); ok {
			found = true
		}
		return !found
	})
	return found
}

// planSemiItem plans the relations of a semi join's inner side.
func (o *optimizer) planSemiItem(it *item) error {
	p := o.p
	var items []*item
	for ri := range it.rtes {
		br, err := p.baseItem(ri)
		if err != nil {
			return err
		}
		items = append(items, &item{rtes: map[int]bool{ri: true}, br: br})
	}
	// a stable order: by RTE
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j].br.ri < items[j-1].br.ri; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
	rest, clauses := o.distribute(items, it.pending)
	for _, c := range rest {
		it.semi.quals = append(it.semi.quals, c)
	}
	for _, x := range items {
		o.sizeRel(x.br)
	}
	o.totalPages = 0
	for _, br := range o.rels {
		if br.item == nil {
			o.totalPages += br.pages
		}
	}
	it.rel = o.searchJoins(items, clauses)
	return nil
}
