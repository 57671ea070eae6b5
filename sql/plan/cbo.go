package plan

import (
	"math"

	"github.com/tuskdb/tusk/sql/analyze"
)

// planFromCBO plans FROM and WHERE cost-based: it returns the final join
// relation's paths, and the conditions left to apply above it (those
// with subqueries, and pseudo-constant ones).
func (p *planner) planFromCBO() (*joinRel, []analyze.Expr, bool, error) {
	q := p.q
	o := p.opt
	where, err := simplifyWhere(p.bindParams(q.Where))
	if err != nil {
		return nil, nil, false, err
	}
	empty := false
	var conj []analyze.Expr
	for _, c := range splitAnd(where) {
		if k, ok := c.(*analyze.Const); ok {
			if k.Val != true {
				empty = true
			}
			continue
		}
		conj = append(conj, c)
	}
	// EXISTS / NOT EXISTS / IN (SELECT ...) become semi and anti joins.
	var semis []*item
	conj, semis, err = p.pullUpSublinks(conj)
	if err != nil {
		return nil, nil, false, err
	}
	q = p.q
	o.collectNeeded(q)
	// outer joins whose nullable side a strict WHERE condition rejects
	// NULLs of are inner joins (reduce_outer_joins).
	from := make([]*analyze.JoinNode, len(q.From))
	for i, jn := range q.From {
		from[i] = reduceOuterJoins(jn, conj)
	}
	var items []*item
	var quals []analyze.Expr
	used := map[analyze.Expr]bool{}
	for _, jn := range from {
		its, qs, err := p.flatten(jn, conj, used)
		if err != nil {
			return nil, nil, false, err
		}
		items = append(items, its...)
		quals = append(quals, qs...)
	}
	for _, c := range conj {
		if !used[c] {
			quals = append(quals, c)
		}
	}
	// the inner sides of semi joins are planned on their own; a semi join
	// whose inner side is unique on its conditions is an inner join
	// (reduce_unique_semijoins)
	var keep []*item
	for _, s := range semis {
		if br := p.uniqueSemi(s); br != nil {
			items = append(items, &item{rtes: s.rtes, br: br})
			quals = append(quals, s.pending...)
			quals = append(quals, s.semi.quals...)
			continue
		}
		keep = append(keep, s)
		items = append(items, s)
	}
	semis = keep
	baseRTEs := map[int]bool{}
	for _, it := range items {
		if it.br != nil {
			baseRTEs[it.br.ri] = true
		}
	}
	quals, ecs := o.buildECs(quals, baseRTEs)
	rest, clauses := o.distribute(items, quals)
	for _, ec := range ecs {
		r := map[int]bool{}
		for _, m := range ec.members {
			r[m.RTE] = true
		}
		clauses = append(clauses, &jclause{rtes: r, ec: ec})
	}
	o.noteMergeCols(clauses)
	for _, s := range semis {
		var cs []*jclause
		for _, q := range s.semi.quals {
			r, _ := refs(q)
			cs = append(cs, &jclause{e: q, rtes: r})
		}
		o.noteMergeCols(cs)
	}
	for _, it := range items {
		if it.br != nil {
			o.sizeRel(it.br)
		}
	}
	for _, s := range semis {
		if err := o.planSemiItem(s); err != nil {
			return nil, nil, false, err
		}
	}
	o.totalPages = 0
	for _, br := range o.rels {
		if br.item == nil {
			o.totalPages += br.pages
		}
	}
	for _, it := range items {
		if it.br != nil && it.rel == nil {
			o.itemRel(it)
		}
	}
	jr := o.searchJoins(items, clauses)
	return jr, rest, empty, nil
}

// sizeRel estimates a base item's rows after its restrictions.
func (o *optimizer) sizeRel(br *baseRel) {
	if br.item == nil {
		br.rows = clampRows(br.tuples * o.clauseListSel(br.quals, JoinInner))
		if br.tuples == 0 {
			br.rows = 1
		}
		return
	}
	c := br.item.node.Est()
	br.tuples = c.Rows
	br.rows = clampRows(c.Rows * o.clauseListSel(br.quals, JoinInner))
	br.width = c.Width
	if br.width == 0 {
		br.width = 8 * br.item.width
	}
}

// distribute gives each condition to the item it restricts, or makes it
// a join clause; conditions with subqueries or no relation are returned.
func (o *optimizer) distribute(items []*item, quals []analyze.Expr) ([]analyze.Expr, []*jclause) {
	var rest []analyze.Expr
	var clauses []*jclause
	for _, c := range quals {
		r, opaque := o.refs(c)
		if opaque || len(r) == 0 {
			rest = append(rest, c)
			continue
		}
		var owner *item
		n := 0
		for _, it := range items {
			for k := range r {
				if it.rtes[k] {
					owner = it
					n++
					break
				}
			}
		}
		if n == 1 && subset(r, owner.rtes) {
			switch {
			case owner.br != nil:
				owner.br.quals = append(owner.br.quals, c)
			default:
				o.filterItem(owner, c)
			}
			continue
		}
		if n == 0 {
			rest = append(rest, c)
			continue
		}
		clauses = append(clauses, &jclause{e: c, rtes: r})
	}
	return rest, clauses
}

// filterItem applies a condition above a composite item's paths.
func (o *optimizer) filterItem(it *item, c analyze.Expr) {
	jr := it.rel
	sel := o.clauseSel(c, JoinInner)
	_, pt := o.qualCost([]analyze.Expr{c})
	nr := &joinRel{startup: o.considerStartup, rtes: jr.rtes, rows: clampRows(jr.rows * sel), width: jr.width}
	for _, p := range jr.paths {
		f := &path{kind: pFilter, child: p, quals: []analyze.Expr{c}, startup: p.startup, total: p.total + pt*p.rows,
			rows: nr.rows, width: p.width, keys: p.keys, rtes: p.rtes}
		addPath(nr, f)
	}
	it.rel = nr
}

// flatten turns a FROM item into join-search items: inner joins are
// flattened (their ON conditions returned), an outer join becomes one
// item planned on its own.
func (p *planner) flatten(jn *analyze.JoinNode, where []analyze.Expr, used map[analyze.Expr]bool) ([]*item, []analyze.Expr, error) {
	o := p.opt
	if jn.Left == nil {
		br, err := p.baseItem(jn.RTE)
		if err != nil {
			return nil, nil, err
		}
		return []*item{{rtes: map[int]bool{jn.RTE: true}, br: br}}, nil, nil
	}
	if jn.Kind == analyze.JoinInner {
		li, lq, err := p.flatten(jn.Left, where, used)
		if err != nil {
			return nil, nil, err
		}
		ri, rq, err := p.flatten(jn.Right, where, used)
		if err != nil {
			return nil, nil, err
		}
		qs := append(append(lq, rq...), splitAnd(jn.Quals)...)
		return append(li, ri...), qs, nil
	}
	left, right := jn.Left, jn.Right
	kind := JoinLeft
	switch jn.Kind {
	case analyze.JoinRight:
		left, right = right, left
	case analyze.JoinFull:
		kind = JoinFull
	}
	lrtes, rrtes := joinRtes(left), joinRtes(right)
	var lq, rq, jq []analyze.Expr
	for _, c := range splitAnd(jn.Quals) {
		r, opaque := refs(c)
		switch {
		case !opaque && kind == JoinLeft && len(r) > 0 && subset(r, rrtes):
			rq = append(rq, c)
		default:
			jq = append(jq, c)
		}
	}
	if kind == JoinLeft {
		// WHERE conditions on the preserved side alone go below the join.
		for _, c := range where {
			r, opaque := refs(c)
			if !used[c] && !opaque && len(r) > 0 && subset(r, lrtes) {
				lq = append(lq, c)
				used[c] = true
			}
		}
	}
	side := func(jn *analyze.JoinNode, extra []analyze.Expr) (*joinRel, error) {
		its, qs, err := p.flatten(jn, nil, used)
		if err != nil {
			return nil, err
		}
		qs = append(qs, extra...)
		rest, clauses := o.distribute(its, qs)
		for _, it := range its {
			if it.br != nil {
				o.sizeRel(it.br)
			}
		}
		o.totalPages = 0
		for _, br := range o.rels {
			if br.item == nil {
				o.totalPages += br.pages
			}
		}
		jr := o.searchJoins(its, clauses)
		if len(rest) > 0 {
			// conditions with subqueries or no relation: above this side
			it := &item{rtes: jr.rtes, rel: jr}
			for _, c := range rest {
				o.filterItem(it, c)
			}
			jr = it.rel
		}
		return jr, nil
	}
	var jcs []*jclause
	for _, c := range jq {
		r, _ := refs(c)
		jcs = append(jcs, &jclause{e: c, rtes: r})
	}
	o.noteMergeCols(jcs)
	lrel, err := side(left, lq)
	if err != nil {
		return nil, nil, err
	}
	rrel, err := side(right, rq)
	if err != nil {
		return nil, nil, err
	}
	all := union(lrtes, rrtes)
	jr := &joinRel{startup: o.considerStartup, rtes: all, width: lrel.width + rrel.width}
	inner := lrel.rows * rrel.rows * o.clauseListSel(jq, JoinInner)
	jr.rows = math.Max(inner, lrel.rows)
	if kind == JoinFull {
		jr.rows = math.Max(jr.rows, rrel.rows)
	}
	jr.rows = clampRows(jr.rows)
	o.addOuterJoinPaths(jr, lrel, rrel, kind, jq)
	return []*item{{rtes: all, rel: jr}}, nil, nil
}

func joinRtes(jn *analyze.JoinNode) map[int]bool {
	out := map[int]bool{}
	var walk func(j *analyze.JoinNode)
	walk = func(j *analyze.JoinNode) {
		if j.Left == nil {
			out[j.RTE] = true
			return
		}
		walk(j.Left)
		walk(j.Right)
	}
	walk(jn)
	return out
}

// addOuterJoinPaths: a left join as a nested loop or hash join with the
// nullable side inner, or a hash right join hashing the preserved side;
// a full join as a hash join.
func (o *optimizer) addOuterJoinPaths(jr *joinRel, l, r *joinRel, kind JoinKind, conds []analyze.Expr) {
	if kind == JoinLeft {
		o.addJoinPaths(jr, l, r, JoinLeft, conds, nil)
		// Hash Right Join: the preserved side hashed.
		var ho, hi, hc, other []analyze.Expr
		for _, c := range conds {
			if a, b, ok := o.equiKey(c, r.rtes, l.rtes); ok {
				ho, hi = append(ho, a), append(hi, b)
				hc = append(hc, c)
				continue
			}
			other = append(other, c)
		}
		if len(ho) > 0 {
			rc, lc := cheapestTotal(r.paths), cheapestTotal(l.paths)
			addPath(jr, o.hashJoinPath(jr, JoinRight, rc, lc, ho, hi, hc, other, false, 0, 0))
		}
		o.addMergePaths(jr, r, l, JoinRight, conds, false)
	} else {
		o.addJoinPaths(jr, l, r, JoinFull, conds, nil)
		o.addJoinPaths(jr, r, l, JoinFull, conds, nil)
		if len(jr.paths) == 0 {
			lc, rc := cheapestTotal(l.paths), cheapestTotal(r.paths)
			addPath(jr, o.nestLoopPath(jr, JoinFull, lc, o.materialPath(rc), conds, false, 0, 0, false))
		}
	}
	if len(jr.paths) == 0 {
		lc, rc := cheapestTotal(l.paths), cheapestTotal(r.paths)
		addPath(jr, o.nestLoopPath(jr, kind, lc, rc, conds, false, 0, 0, false))
	}
}

// reduceOuterJoins turns LEFT/RIGHT joins into inner joins when a WHERE
// condition is strict in the nullable side (it rejects the NULL rows).
func reduceOuterJoins(jn *analyze.JoinNode, where []analyze.Expr) *analyze.JoinNode {
	if jn.Left == nil {
		return jn
	}
	cp := *jn
	cp.Left = reduceOuterJoins(jn.Left, where)
	cp.Right = reduceOuterJoins(jn.Right, where)
	var nullable map[int]bool
	switch jn.Kind {
	case analyze.JoinLeft:
		nullable = joinRtes(jn.Right)
	case analyze.JoinRight:
		nullable = joinRtes(jn.Left)
	default:
		return &cp
	}
	for _, c := range where {
		if strictIn(c, nullable) {
			cp.Kind = analyze.JoinInner
			break
		}
	}
	return &cp
}

// strictIn: the condition is false or NULL when every column of rtes is
// NULL (an operator over one of them, IS NOT NULL of one).
func strictIn(c analyze.Expr, rtes map[int]bool) bool {
	switch x := c.(type) {
	case *analyze.OpExpr:
		for _, a := range x.Args {
			if v, ok := stripRelabel(a).(*analyze.Var); ok && rtes[v.RTE] {
				return true
			}
			if op, ok := a.(*analyze.OpExpr); ok && strictIn(op, rtes) {
				return true
			}
		}
	case *analyze.NullTest:
		if v, ok := stripRelabel(x.Arg).(*analyze.Var); ok && x.Not && rtes[v.RTE] {
			return true
		}
	case *analyze.ScalarArrayOpExpr:
		if v, ok := stripRelabel(x.Left).(*analyze.Var); ok && rtes[v.RTE] {
			return true
		}
	case *analyze.BoolExpr:
		if x.Op == analyze.And {
			for _, a := range x.Args {
				if strictIn(a, rtes) {
					return true
				}
			}
		}
		if x.Op == analyze.Or {
			for _, a := range x.Args {
				if !strictIn(a, rtes) {
					return false
				}
			}
			return len(x.Args) > 0
		}
	}
	return false
}

// baseItem creates the baseRel of a FROM entry.
func (p *planner) baseItem(ri int) (*baseRel, error) {
	o := p.opt
	rte := p.q.RTable[ri]
	br := &baseRel{ri: ri, rte: rte, needed: o.neededOf(ri)}
	o.rels[ri] = br
	if rte.Kind == analyze.RTERelation {
		if p.ctidFor == ri+1 {
			br.emitCTID = true
		}
		o.setupRel(br)
		return br, nil
	}
	r, err := p.planRTE(ri)
	if err != nil {
		return nil, err
	}
	br.item = r
	return br, nil
}

// paramPaths are the inner index scans of a nested loop parameterized by
// the outer side's join conditions.
func (o *optimizer) paramPaths(inner, outer *joinRel, conds []analyze.Expr, loops float64) []*path {
	if o.env == nil || !o.env.Exec.ParamScan || !o.env.Exec.IndexScan || len(inner.rtes) != 1 {
		return nil
	}
	var br *baseRel
	for k := range inner.rtes {
		br = o.rels[k]
	}
	if br == nil || br.item != nil || len(br.indexes) == 0 {
		return nil
	}
	for _, q := range br.quals {
		if hasSubLink(q) {
			return nil // its plan would read enclosing levels with the outer row pushed (P6)
		}
	}
	if inner.unique {
		return nil
	}
	var out []*path
	for _, ix := range br.indexes {
		pc := o.matchIndexClauses(br, ix, conds, outer.rtes)
		if len(pc) == 0 {
			continue
		}
		if o.env.Exec.BitmapScan {
			cs := append(o.matchIndexClauses(br, ix, br.quals, nil), pc...)
			lc := o.loopCount(pc)
			bm := o.bitmapIndex(br, ix, cs, lc)
			bp := o.bitmapHeapPath(br, bm, lc)
			bp.param = true
			bp.rtes = inner.rtes
			bp.iclauses = pc
			var all []analyze.Expr
			all = append(all, br.quals...)
			all = append(all, clauseExprs(pc)...)
			bp.rows = clampRows(br.tuples * o.clauseListSel(all, JoinInner))
			out = append(out, bp)
		}
		cs := append(o.matchIndexClauses(br, ix, br.quals, nil), pc...)
		loops = o.loopCount(pc)
		ip := o.indexPath(br, ix, cs, false, o.indexOnlyOK(br, ix), math.Max(loops, 1))
		ip.param = true
		ip.rtes = inner.rtes
		var all []analyze.Expr
		all = append(all, br.quals...)
		all = append(all, clauseExprs(pc)...)
		ip.rows = clampRows(br.tuples * o.clauseListSel(all, JoinInner))
		out = append(out, ip)
	}
	return out
}

// collectNeeded notes which columns of each relation the query reads
// (for index-only scans).
func (o *optimizer) collectNeeded(q *analyze.Query) {
	o.needed = map[int]map[int]bool{}
	add := func(e analyze.Expr) {
		analyze.Walk(e, func(x analyze.Expr) bool {
			switch v := x.(type) {
			case *analyze.Var:
				if v.RTE >= 0 {
					m := o.needed[v.RTE]
					if m == nil {
						m = map[int]bool{}
						o.needed[v.RTE] = m
					}
					m[v.Col] = true
				}
			case *analyze.SubLink:
				if o.pulled[v] {
					return false // its conditions are in extraNeeded
				}
				if v.Correlated {
					o.outerRefs(v.Query, 1)
				}
			case *analyze.Aggref:
				if v.Star {
					return true
				}
			}
			return true
		})
	}
	forClauseExprs(q, add)
	for _, a := range q.Aggs {
		add(a)
	}
	for _, t := range q.Returning {
		add(t.Expr)
	}
	for _, s := range q.Set {
		add(s.Expr)
	}
	forJoinQuals(q, add)
	for _, e := range o.extraNeeded {
		add(e)
	}
	if q.Cmd != analyze.CmdSelect {
		o.noIOS = true
	}
}

func (o *optimizer) neededOf(ri int) map[int]bool {
	m := o.needed[ri]
	if m == nil {
		m = map[int]bool{}
	}
	return m
}

// planFromTop plans FROM and WHERE cost-based when it can (ok false:
// LATERAL items, or no FROM, which the rule-based planFrom handles).
func (p *planner) planFromTop() (Node, layout, bool, error) {
	q := p.q
	if len(q.From) == 0 {
		return nil, nil, false, nil
	}
	for k, jn := range q.From {
		if k > 0 && p.isLateral(jn) {
			return nil, nil, false, nil
		}
		if hasLateralJoin(p, jn) {
			return nil, nil, false, nil
		}
	}
	p.opt = &optimizer{}
	p.opt.init(p, p.shared.env)
	p.opt.considerStartup = q.Limit != nil || p.push
	p.opt.queryKeys = queryOrder(q)
	if q.HasAggs && len(q.GroupBy) > 0 {
		p.opt.queryKeys = groupOrder(q)
	}
	if len(q.WindowFuncs) > 0 || q.Distinct || len(q.DistinctOn) > 0 {
		p.opt.queryKeys = nil
	}
	jr, rest, empty, err := p.planFromCBO()
	if err != nil {
		return nil, nil, true, err
	}
	pa, uc := p.chooseFinal(jr)
	p.upper = uc
	node, lay, width, err := p.opt.create(pa, nil, nil)
	if err != nil {
		return nil, nil, true, err
	}
	if empty {
		return &ValuesScan{Width: width, C: Cost{}}, lay, true, nil
	}
	if len(rest) > 0 {
		w, err := p.fix(andOf(rest), lay)
		if err != nil {
			return nil, nil, true, err
		}
		c := *node.Est()
		c.Rows = clampRows(c.Rows * p.opt.clauseListSel(rest, JoinInner))
		node = &Filter{Child: node, Qual: w, C: c}
	}
	return node, lay, true, nil
}

func hasLateralJoin(p *planner, jn *analyze.JoinNode) bool {
	if jn.Left == nil {
		return false
	}
	return p.isLateral(jn.Right) || hasLateralJoin(p, jn.Left) || hasLateralJoin(p, jn.Right)
}

// loopCount is get_loop_count: the smallest row count among the base
// relations a parameterized scan's arguments read.
func (o *optimizer) loopCount(pc []idxClause) float64 {
	res := 0.0
	for _, c := range pc {
		r, _ := o.refs(c.arg)
		for k := range r {
			if br := o.rels[k]; br != nil && (res == 0 || br.rows < res) {
				res = br.rows
			}
		}
	}
	if res <= 0 {
		return 1
	}
	return res
}

// noteMergeCols records the columns of mergeable join equalities.
func (o *optimizer) noteMergeCols(cs []*jclause) {
	if o.mergeCols == nil {
		o.mergeCols = map[varKey]bool{}
	}
	for _, c := range cs {
		if c.ec != nil {
			for _, m := range c.ec.members {
				o.mergeCols[varKey{m.RTE, m.Col}] = true
			}
			continue
		}
		op, ok := c.e.(*analyze.OpExpr)
		if !ok || op.Op.Name != "=" || len(op.Args) != 2 {
			continue
		}
		l, lok := varOf(op.Args[0])
		r, rok := varOf(op.Args[1])
		if lok && rok && l.RTE != r.RTE {
			o.mergeCols[varKey{l.RTE, l.Col}] = true
			o.mergeCols[varKey{r.RTE, r.Col}] = true
		}
	}
}

// uniqueSemi returns the base relation of a semi join's inner side when
// it is one table with a unique index whose every key column the semi
// conditions equate to the outer side; nil otherwise.
func (p *planner) uniqueSemi(it *item) *baseRel {
	o := p.opt
	if it.semi.kind != JoinSemi || len(it.rtes) != 1 || o.env == nil {
		return nil
	}
	var ri int
	for k := range it.rtes {
		ri = k
	}
	if p.q.RTable[ri].Kind != analyze.RTERelation {
		return nil
	}
	lhs := it.semi.lhs
	cols := map[int]bool{}
	for _, q := range it.semi.quals {
		_, r, ok := equiKey(q, lhs, it.rtes)
		if !ok {
			return nil
		}
		v, isVar := varOf(r)
		if !isVar {
			return nil
		}
		cols[v.Col] = true
	}
	br := &baseRel{ri: ri, rte: p.q.RTable[ri], needed: o.neededOf(ri)}
	o.setupRel(br)
	for _, ix := range br.indexes {
		if !ix.info.Unique {
			continue
		}
		all := true
		for k := 0; k < ix.nkeys; k++ {
			if !cols[ix.cols[k]] {
				all = false
			}
		}
		if all {
			o.rels[ri] = br
			return br
		}
	}
	return nil
}

// planModifyScan plans the scan of a single-table UPDATE or DELETE
// cost-based (an index can find the rows); ok false when the WHERE has a
// subquery (the rule-based scan handles it).
func (p *planner) planModifyScan() (Node, bool, error) {
	q := p.q
	where, err := simplifyWhere(p.bindParams(q.Where))
	if err != nil {
		return nil, true, err
	}
	var quals []analyze.Expr
	for _, c := range splitAnd(where) {
		if _, opaque := refs(c); opaque {
			return nil, false, nil
		}
		if k, ok := c.(*analyze.Const); ok {
			if k.Val == true {
				continue
			}
			return nil, false, nil
		}
		quals = append(quals, c)
	}
	p.opt = &optimizer{}
	p.opt.init(p, p.shared.env)
	o := p.opt
	o.collectNeeded(q)
	br, err := p.baseItem(q.Result)
	if err != nil {
		return nil, true, err
	}
	br.quals = quals
	o.sizeRel(br)
	o.totalPages = br.pages
	best := cheapestTotal(o.scanPaths(br))
	node, _, _, err := o.create(best, nil, nil)
	return node, true, err
}

// outerRefs adds to needed the columns of this level that a subquery
// (depth levels below) reads through OuterVar.
func (o *optimizer) outerRefs(q *analyze.Query, depth int) {
	if q == nil {
		return
	}
	var visit func(e analyze.Expr)
	visit = func(e analyze.Expr) {
		analyze.Walk(e, func(x analyze.Expr) bool {
			switch v := x.(type) {
			case *analyze.OuterVar:
				if v.Levels == depth && v.Var != nil {
					m := o.needed[v.Var.RTE]
					if m == nil {
						m = map[int]bool{}
						o.needed[v.Var.RTE] = m
					}
					m[v.Var.Col] = true
				}
			case *analyze.SubLink:
				o.outerRefs(v.Query, depth+1)
			}
			return true
		})
	}
	forClauseExprs(q, visit)
	for _, a := range q.Aggs {
		visit(a)
	}
	for _, w := range q.WindowFuncs {
		visit(w.Window.StartOffset)
		visit(w.Window.EndOffset)
	}
	visit(q.Limit)
	visit(q.Offset)
	forJoinQuals(q, visit)
	for _, r := range q.RTable {
		switch r.Kind {
		case analyze.RTESubquery:
			o.outerRefs(r.Subquery, depth+1)
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
		o.outerRefs(c.Query, depth+1)
		o.outerRefs(c.NonRecursive, depth+1)
		o.outerRefs(c.RecursiveQ, depth+1)
	}
	for _, d := range q.DistinctOn {
		visit(d)
	}
	if q.SetOp != nil {
		o.outerRefs(q.SetOp.Left, depth+1)
		o.outerRefs(q.SetOp.Right, depth+1)
	}
}
