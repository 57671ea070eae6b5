package plan

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// rel is a planned FROM item: its node, the layout of its rows, and the
// range table entries whose columns it produces.
type rel struct {
	node  Node
	lay   layout
	width int
	rtes  map[int]bool
	// lateral is a LATERAL item not planned yet (it needs the layout of
	// the items before it); isLateral marks a planned one.
	lateral   *analyze.JoinNode
	isLateral bool
}

// isLateral reports whether a FROM item reads columns of the items before
// it: a LATERAL subquery, or a function whose arguments do.
func (p *planner) isLateral(jn *analyze.JoinNode) bool {
	if jn.Left != nil {
		return false
	}
	rte := p.q.RTable[jn.RTE]
	switch rte.Kind {
	case analyze.RTESubquery:
		return rte.Lateral
	case analyze.RTEFunction:
		for _, a := range rte.Func.Args {
			if r, _ := refs(a); len(r) > 0 {
				return true
			}
		}
	}
	return false
}

// planLateral plans a LATERAL item over outer rows laid out as outer:
// its references to them become OuterVar{Levels: 1}, read from the row
// the NestLoop pushes (plan.NestLoop.Lateral).
func (p *planner) planLateral(ri int, outer layout) (*rel, error) {
	rte := p.q.RTable[ri]
	if rte.Kind == analyze.RTEFunction {
		var args []analyze.Expr
		for _, a := range rte.Func.Args {
			s, err := analyze.Simplify(a)
			if err != nil {
				return nil, err
			}
			var ferr error
			args = append(args, analyze.MapExpr(s, func(x analyze.Expr) analyze.Expr {
				v, ok := x.(*analyze.Var)
				if !ok || v.RTE < 0 {
					return nil
				}
				i, ok := outer[varKey{v.RTE, v.Col}]
				if !ok {
					ferr = pgerr.New(pgerr.InternalError, "LATERAL reference to %s not found", v.Name)
					return nil
				}
				v.Index = i
				return &analyze.OuterVar{Levels: 1, Var: v}
			}))
			if ferr != nil {
				return nil, ferr
			}
		}
		out := &rel{lay: layoutOf(ri, len(rte.Cols)), width: len(rte.Cols), rtes: map[int]bool{ri: true}, isLateral: true}
		out.node = functionScan(rte, args)
		return out, nil
	}
	saved := p.cur
	p.cur = outer
	defer func() { p.cur = saved }()
	cp := &planner{q: rte.Subquery, parent: p, shared: p.shared, push: true}
	root, err := cp.planSelect()
	if err != nil {
		return nil, err
	}
	return &rel{node: root, lay: layoutOf(ri, len(rte.Cols)), width: len(rte.Cols), rtes: map[int]bool{ri: true}, isLateral: true}, nil
}

// qual is a WHERE conjunct with the entries it references.
type qual struct {
	e      analyze.Expr
	rtes   map[int]bool
	opaque bool // contains a subquery: applied last, over the whole row
	used   bool
}

// splitAnd flattens a conjunction.
func splitAnd(e analyze.Expr) []analyze.Expr {
	if e == nil {
		return nil
	}
	if b, ok := e.(*analyze.BoolExpr); ok && b.Op == analyze.And {
		var out []analyze.Expr
		for _, a := range b.Args {
			out = append(out, splitAnd(a)...)
		}
		return out
	}
	return []analyze.Expr{e}
}

func andOf(es []analyze.Expr) analyze.Expr {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	return &analyze.BoolExpr{Op: analyze.And, Args: es}
}

// refs returns the range table entries of this level that e references,
// and whether it contains a subquery.
func refs(e analyze.Expr) (map[int]bool, bool) {
	out := map[int]bool{}
	opaque := false
	analyze.Walk(e, func(x analyze.Expr) bool {
		switch v := x.(type) {
		case *analyze.Var:
			if v.RTE >= 0 {
				out[v.RTE] = true
			}
		case *analyze.SubLink:
			opaque = true
		}
		return true
	})
	return out, opaque
}

func subset(a, b map[int]bool) bool {
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func union(a, b map[int]bool) map[int]bool {
	out := map[int]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// planFrom plans FROM and WHERE: each item, single-item conditions pushed
// into it, then the items joined left to right, preferring an item that an
// equality connects to what is joined so far (hash join), else a nested loop.
func (p *planner) planFrom() (Node, layout, error) {
	if node, lay, ok, err := p.planFromTop(); ok || err != nil {
		return node, lay, err
	}
	q := p.q
	var quals []*qual
	where, err := simplifyWhere(p.bindParams(q.Where))
	if err != nil {
		return nil, nil, err
	}
	empty := false
	for _, c := range splitAnd(where) {
		if k, ok := c.(*analyze.Const); ok {
			if k.Val != true {
				empty = true // constantly false or NULL: no row qualifies
			}
			continue
		}
		r, opaque := refs(c)
		quals = append(quals, &qual{e: c, rtes: r, opaque: opaque})
	}
	if len(q.From) == 0 {
		if empty {
			return &ValuesScan{Width: 0}, layout{}, nil
		}
		var es []analyze.Expr
		for _, ql := range quals {
			es = append(es, ql.e)
		}
		w, err := p.fix(andOf(es), layout{})
		if err != nil {
			return nil, nil, err
		}
		return &Result{Qual: w, C: Cost{Total: CPUTupleCost, Rows: 1}}, layout{}, nil
	}
	var items []*rel
	hasLateral := false
	for k, jn := range q.From {
		if k > 0 && p.isLateral(jn) {
			hasLateral = true
			items = append(items, &rel{rtes: map[int]bool{jn.RTE: true}, lateral: jn})
			continue
		}
		r, err := p.planJoinTree(jn)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, r)
	}
	// Push single-item conditions down.
	for _, it := range items {
		if it.lateral != nil {
			continue
		}
		var mine []analyze.Expr
		for _, ql := range quals {
			if !ql.used && !ql.opaque && len(ql.rtes) > 0 && subset(ql.rtes, it.rtes) {
				mine = append(mine, ql.e)
				ql.used = true
			}
		}
		if err := p.addFilter(it, mine); err != nil {
			return nil, nil, err
		}
	}
	cur := items[0]
	rest := items[1:]
	for len(rest) > 0 {
		pick := 0
		if hasLateral {
			// LATERAL items see the items before them: keep FROM order.
			inner := rest[0]
			rest = rest[1:]
			if inner.lateral != nil {
				lr, err := p.planLateral(inner.lateral.RTE, cur.lay)
				if err != nil {
					return nil, nil, err
				}
				inner = lr
			}
			all := union(cur.rtes, inner.rtes)
			var conds []analyze.Expr
			for _, ql := range quals {
				if !ql.used && !ql.opaque && subset(ql.rtes, all) {
					conds = append(conds, ql.e)
					ql.used = true
				}
			}
			j, err := p.join(JoinInner, cur, inner, conds)
			if err != nil {
				return nil, nil, err
			}
			cur = j
			continue
		}
	search:
		for j, it := range rest {
			for _, ql := range quals {
				if ql.used || ql.opaque {
					continue
				}
				if _, _, ok := equiKey(ql.e, cur.rtes, it.rtes); ok {
					pick = j
					break search
				}
			}
		}
		inner := rest[pick]
		rest = append(rest[:pick:pick], rest[pick+1:]...)
		all := union(cur.rtes, inner.rtes)
		var conds []analyze.Expr
		for _, ql := range quals {
			if !ql.used && !ql.opaque && subset(ql.rtes, all) {
				conds = append(conds, ql.e)
				ql.used = true
			}
		}
		j, err := p.join(JoinInner, cur, inner, conds)
		if err != nil {
			return nil, nil, err
		}
		cur = j
	}
	if empty {
		// A One-Time Filter that is false: nothing below is evaluated.
		return &ValuesScan{Width: cur.width, C: Cost{}}, cur.lay, nil
	}
	var restQuals []analyze.Expr
	for _, ql := range quals {
		if !ql.used {
			restQuals = append(restQuals, ql.e)
		}
	}
	if len(restQuals) > 0 {
		w, err := p.fix(andOf(restQuals), cur.lay)
		if err != nil {
			return nil, nil, err
		}
		c := *cur.node.Est()
		c.Rows /= 3
		cur.node = &Filter{Child: cur.node, Qual: w, C: c}
	}
	return cur.node, cur.lay, nil
}

// addFilter applies conditions to a planned item: into a Seq Scan's
// qual, or as a Filter node.
func (p *planner) addFilter(it *rel, conds []analyze.Expr) error {
	if len(conds) == 0 {
		return nil
	}
	w, err := p.fix(andOf(conds), it.lay)
	if err != nil {
		return err
	}
	if s, ok := it.node.(*SeqScan); ok {
		if s.Qual != nil {
			w = &analyze.BoolExpr{Op: analyze.And, Args: []analyze.Expr{s.Qual, w}}
		}
		s.Qual = w
		s.C.Total += s.C.Rows * CPUOperatorCost
		s.C.Rows /= 3
		return nil
	}
	c := *it.node.Est()
	c.Rows /= 3
	it.node = &Filter{Child: it.node, Qual: w, C: c}
	return nil
}

// hashable reports whether an equality's two sides hash alike: the same
// type, or types whose datums share a Go representation and order.
func hashable(op *types.Operator) bool {
	if op.Left == op.Right {
		return true
	}
	l, _ := types.ByOID(op.Left)
	r, _ := types.ByOID(op.Right)
	ints := map[*types.T]bool{types.Int2: true, types.Int4: true, types.Int8: true}
	floats := map[*types.T]bool{types.Float4: true, types.Float8: true}
	texts := map[*types.T]bool{types.Text: true, types.Varchar: true, types.Name: true}
	return (ints[l] && ints[r]) || (floats[l] && floats[r]) || (texts[l] && texts[r])
}

// equiKey recognizes outer_expr = inner_expr usable as a hash key.
func equiKey(e analyze.Expr, outer, inner map[int]bool) (analyze.Expr, analyze.Expr, bool) {
	op, ok := e.(*analyze.OpExpr)
	if !ok || op.Op.Name != "=" || len(op.Args) != 2 || !hashable(op.Op) {
		return nil, nil, false
	}
	lr, lo := refs(op.Args[0])
	rr, ro := refs(op.Args[1])
	if lo || ro || len(lr) == 0 || len(rr) == 0 {
		return nil, nil, false
	}
	if subset(lr, outer) && subset(rr, inner) {
		return op.Args[0], op.Args[1], true
	}
	if subset(lr, inner) && subset(rr, outer) {
		return op.Args[1], op.Args[0], true
	}
	return nil, nil, false
}

// join builds a join of two planned items under conds.
func (p *planner) join(kind JoinKind, outer, inner *rel, conds []analyze.Expr) (*rel, error) {
	lay := layout{}
	for k, v := range outer.lay {
		lay[k] = v
	}
	for k, v := range inner.lay {
		lay[k] = v + outer.width
	}
	out := &rel{lay: lay, width: outer.width + inner.width, rtes: union(outer.rtes, inner.rtes)}
	var okeys, ikeys []analyze.Expr
	var other []analyze.Expr
	for _, c := range conds {
		if inner.isLateral {
			other = append(other, c) // a LATERAL inner side is read per outer row: no hashing
			continue
		}
		if o, i, ok := equiKey(c, outer.rtes, inner.rtes); ok {
			fo, err := p.fix(o, outer.lay)
			if err != nil {
				return nil, err
			}
			fi, err := p.fix(i, inner.lay)
			if err != nil {
				return nil, err
			}
			okeys, ikeys = append(okeys, fo), append(ikeys, fi)
			continue
		}
		other = append(other, c)
	}
	q, err := p.fix(andOf(other), lay)
	if err != nil {
		return nil, err
	}
	oc, ic := outer.node.Est(), inner.node.Est()
	rows := oc.Rows * ic.Rows
	if len(okeys) > 0 {
		rows = maxf(oc.Rows, ic.Rows)
		out.node = &HashJoin{Kind: kind, Outer: outer.node, Inner: inner.node, OuterKeys: okeys, InnerKeys: ikeys, Qual: q,
			OuterWidth: outer.width, InnerWidth: inner.width,
			C: Cost{Startup: ic.Total, Total: oc.Total + ic.Total + (oc.Rows+ic.Rows)*CPUOperatorCost, Rows: rows}}
		return out, nil
	}
	if q != nil {
		rows /= 3
	}
	out.node = &NestLoop{Kind: kind, Outer: outer.node, Inner: inner.node, Qual: q, OuterWidth: outer.width, InnerWidth: inner.width,
		Lateral: inner.isLateral, C: Cost{Total: oc.Total + oc.Rows*ic.Total, Rows: rows}}
	return out, nil
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

// planJoinTree plans a FROM item.
func (p *planner) planJoinTree(jn *analyze.JoinNode) (*rel, error) {
	if jn.Left == nil {
		return p.planRTE(jn.RTE)
	}
	l, err := p.planJoinTree(jn.Left)
	if err != nil {
		return nil, err
	}
	var r *rel
	if p.isLateral(jn.Right) {
		r, err = p.planLateral(jn.Right.RTE, l.lay)
	} else {
		r, err = p.planJoinTree(jn.Right)
	}
	if err != nil {
		return nil, err
	}
	kind := map[analyze.JoinKind]JoinKind{analyze.JoinInner: JoinInner, analyze.JoinLeft: JoinLeft, analyze.JoinRight: JoinRight, analyze.JoinFull: JoinFull}[jn.Kind]

	conds := splitAnd(jn.Quals)
	for _, c := range conds {
		if _, opaque := refs(c); opaque {
			// A subquery in ON is evaluated over the joined row by the join qual.
			continue
		}
	}
	return p.join(kind, l, r, conds)
}

// planRTE plans a base FROM item.
func (p *planner) planRTE(ri int) (*rel, error) {
	rte := p.q.RTable[ri]
	lay := layoutOf(ri, len(rte.Cols))
	out := &rel{lay: lay, width: len(rte.Cols), rtes: map[int]bool{ri: true}}
	switch rte.Kind {
	case analyze.RTERelation:
		scan := seqScan(rte, nil)
		if p.ctidFor == ri+1 {
			scan.EmitCTID = true
			out.lay[varKey{ri, len(rte.Cols)}] = len(rte.Cols)
			out.width++
		}
		out.node = scan
	case analyze.RTESubquery:
		cp := &planner{q: rte.Subquery, parent: p, shared: p.shared}
		root, err := cp.planSelect()
		if err != nil {
			return nil, err
		}
		out.node = root
	case analyze.RTEValues:
		rows := make([][]analyze.Expr, len(rte.Values))
		for i, r := range rte.Values {
			fr, err := p.fixAll(r, layout{})
			if err != nil {
				return nil, err
			}
			rows[i] = fr
		}
		out.node = &ValuesScan{Rows: rows, Width: len(rte.Cols), C: Cost{Total: float64(len(rows)) * CPUOperatorCost, Rows: float64(len(rows))}}
	case analyze.RTEFunction:
		args, err := p.fixAll(rte.Func.Args, layout{})
		if err != nil {
			return nil, err
		}
		out.node = functionScan(rte, args)
	case analyze.RTECTE:
		n, err := p.cteRef(rte.CTE, rte.CTELevel)
		if err != nil {
			return nil, err
		}
		out.node = n
	default:
		return nil, pgerr.New(pgerr.FeatureNotSupported, "this FROM item cannot be planned yet")
	}
	return out, nil
}

// functionScan plans a function in FROM; PostgreSQL estimates 1000 rows
// for a set-returning function it knows nothing about.
func functionScan(rte *analyze.RTE, args []analyze.Expr) *FunctionScan {
	width := 1
	if rte.Func.OutCols != nil {
		width = len(rte.Func.OutCols)
	}
	return &FunctionScan{Name: rte.Func.Name, Args: args, SRF: rte.Func.SRF, Ordinality: len(rte.Cols) > width,
		Record: rte.Func.OutCols != nil, Width: width, C: Cost{Total: 10, Rows: 1000}}
}
