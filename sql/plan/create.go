package plan

import (
	"github.com/tuskdb/tusk/sql/analyze"
)

// create turns a chosen path into plan nodes (create_plan), fixing every
// expression against the row layout of the node that evaluates it (P2).
// outer is the layout of the outer row a parameterized scan reads.
func (o *optimizer) create(pa *path, outer layout, outerRtes map[int]bool) (Node, layout, int, error) {
	p := o.p
	cost := Cost{Startup: pa.startup, Total: pa.total, Rows: pa.rows, Width: pa.width}
	switch pa.kind {
	case pSeq, pIndex, pIndexOnly, pBitmap:
		br := pa.br
		rte := br.rte
		lay := layoutOf(br.ri, len(rte.Cols))
		width := len(rte.Cols)
		if br.emitCTID {
			lay[varKey{br.ri, len(rte.Cols)}] = len(rte.Cols)
			width++
		}
		qual, err := p.fix(andOf(pa.quals), lay)
		if err != nil {
			return nil, nil, 0, err
		}
		qual = shiftOuter(qual, outerRtes)
		switch pa.kind {
		case pSeq:
			return &SeqScan{Rel: rte.Rel, Cols: rte.Cols, Qual: qual, EmitCTID: br.emitCTID, C: cost}, lay, width, nil
		case pIndex, pIndexOnly:
			keys, iq, err := o.scanKeys(pa.iclauses, lay, outer, outerRtes)
			if err != nil {
				return nil, nil, 0, err
			}
			if pa.kind == pIndexOnly {
				return &IndexOnlyScan{Rel: rte.Rel, Cols: rte.Cols, Index: pa.ix.ref, Keys: keys, IndexQual: iq, Qual: qual, Backward: pa.backward, C: cost}, lay, width, nil
			}
			return &IndexScan{Rel: rte.Rel, Cols: rte.Cols, Index: pa.ix.ref, Keys: keys, IndexQual: iq, Qual: qual, Backward: pa.backward, EmitCTID: br.emitCTID, C: cost}, lay, width, nil
		default:
			bm, recheck, err := o.createBitmap(pa.bitmap, lay, outer, outerRtes)
			if err != nil {
				return nil, nil, 0, err
			}
			return &BitmapHeapScan{Rel: rte.Rel, Cols: rte.Cols, Bitmap: bm, RecheckQual: recheck, Qual: qual, EmitCTID: br.emitCTID, C: cost}, lay, width, nil
		}
	case pItem:
		n, lay, width := pa.node, pa.lay, pa.width0
		if len(pa.quals) > 0 {
			q, err := p.fix(andOf(pa.quals), lay)
			if err != nil {
				return nil, nil, 0, err
			}
			n = &Filter{Child: n, Qual: q, C: cost}
		}
		return n, lay, width, nil
	case pFilter:
		child, lay, width, err := o.create(pa.child, outer, outerRtes)
		if err != nil {
			return nil, nil, 0, err
		}
		q, err := p.fix(andOf(pa.quals), lay)
		if err != nil {
			return nil, nil, 0, err
		}
		return &Filter{Child: child, Qual: shiftOuter(q, outerRtes), C: cost}, lay, width, nil
	case pMaterial:
		child, lay, width, err := o.create(pa.child, outer, outerRtes)
		if err != nil {
			return nil, nil, 0, err
		}
		return &Materialize{Child: child, C: cost}, lay, width, nil
	case pUnique:
		child, lay, _, err := o.create(pa.child, outer, outerRtes)
		if err != nil {
			return nil, nil, 0, err
		}
		keys, err := p.fixAll(pa.uniqueKeys, lay)
		if err != nil {
			return nil, nil, 0, err
		}
		ulay := layout{}
		for i, k := range pa.uniqueKeys {
			v, _ := varOf(k)
			ulay[varKey{v.RTE, v.Col}] = i
		}
		return &Agg{Strategy: AggHashed, Child: child, GroupKeys: keys, C: cost}, ulay, len(keys), nil
	case pMemoize:
		child, lay, width, err := o.create(pa.child, outer, outerRtes)
		if err != nil {
			return nil, nil, 0, err
		}
		var keys []analyze.Expr
		for _, k := range pa.uniqueKeys {
			e, err := o.paramFix(k, layout{}, outer, outerRtes)
			if err != nil {
				return nil, nil, 0, err
			}
			keys = append(keys, e)
		}
		return &Memoize{Child: child, Keys: keys, EstEntries: pa.ndistinct, C: cost}, lay, width, nil
	case pSort:
		child, lay, width, err := o.create(pa.child, outer, outerRtes)
		if err != nil {
			return nil, nil, 0, err
		}
		var sk []*analyze.SortKey
		for _, k := range pa.keys {
			fe, err := p.fix(k.expr, lay)
			if err != nil {
				return nil, nil, 0, err
			}
			sk = append(sk, &analyze.SortKey{Expr: fe, Desc: k.desc, NullsFirst: k.nullsFirst})
		}
		return &Sort{Child: child, Keys: sk, C: cost}, lay, width, nil
	case pNestLoop, pHashJoin, pMerge:
		on, olay, ow, err := o.create(pa.outer, outer, outerRtes)
		if err != nil {
			return nil, nil, 0, err
		}
		var in Node
		var ilay layout
		var iw int
		if pa.kind == pNestLoop && pa.inner.param {
			in, ilay, iw, err = o.create(pa.inner, olay, pa.outer.rtes)
		} else {
			in, ilay, iw, err = o.create(pa.inner, outer, outerRtes)
		}
		if err != nil {
			return nil, nil, 0, err
		}
		jlay := layout{}
		for k, v := range olay {
			jlay[k] = v
		}
		for k, v := range ilay {
			jlay[k] = v + ow
		}
		q, err := p.fix(andOf(pa.quals), jlay)
		if err != nil {
			return nil, nil, 0, err
		}
		outLay, outW := jlay, ow+iw
		if pa.jkind == JoinSemi || pa.jkind == JoinAnti {
			outLay, outW = olay, ow
		}
		if pa.kind == pNestLoop {
			return &NestLoop{Kind: pa.jkind, Outer: on, Inner: in, Qual: q, OuterWidth: ow, InnerWidth: iw, Lateral: pa.inner.param, C: cost}, outLay, outW, nil
		}
		if pa.kind == pMerge {
			mo, err := p.fixAll(pa.hashOuter, olay)
			if err != nil {
				return nil, nil, 0, err
			}
			mi, err := p.fixAll(pa.hashInner, ilay)
			if err != nil {
				return nil, nil, 0, err
			}
			return &MergeJoin{Kind: pa.jkind, Outer: on, Inner: in, OuterKeys: mo, InnerKeys: mi, Desc: make([]bool, len(mo)),
				NullsFirst: make([]bool, len(mo)), Qual: q, OuterWidth: ow, InnerWidth: iw, C: cost}, outLay, outW, nil
		}
		ok, err := p.fixAll(pa.hashOuter, olay)
		if err != nil {
			return nil, nil, 0, err
		}
		ik, err := p.fixAll(pa.hashInner, ilay)
		if err != nil {
			return nil, nil, 0, err
		}
		return &HashJoin{Kind: pa.jkind, Outer: on, Inner: in, OuterKeys: ok, InnerKeys: ik, Qual: q, OuterWidth: ow, InnerWidth: iw, C: cost}, outLay, outW, nil
	}
	return nil, nil, 0, nil
}

// shiftOuter adjusts e for evaluation inside the inner side of a
// parameterized NestLoop (outerRtes set): the executor pushes the join's
// outer row on the outer-row stack there, so references to enclosing
// query levels are one level further (OuterVar.Levels + 1). e holds no
// SubLink (paramPaths checks), whose plan would read those levels too.
func shiftOuter(e analyze.Expr, outerRtes map[int]bool) analyze.Expr {
	if e == nil || outerRtes == nil {
		return e
	}
	return analyze.MapExpr(e, func(x analyze.Expr) analyze.Expr {
		if v, ok := x.(*analyze.OuterVar); ok {
			return &analyze.OuterVar{Levels: v.Levels + 1, Var: v.Var}
		}
		return nil
	})
}

// paramFix fixes e over lay, its Vars of the outer relations becoming
// OuterVar{Levels: 1} over the outer row, and its references to
// enclosing query levels one level further (shiftOuter).
func (o *optimizer) paramFix(e analyze.Expr, lay, outer layout, outerRtes map[int]bool) (analyze.Expr, error) {
	if e == nil {
		return nil, nil
	}
	comb := layout{}
	for k, v := range lay {
		comb[k] = v
	}
	for k, v := range outer {
		if outerRtes[k[0]] {
			comb[k] = v
		}
	}
	f, err := o.p.fix(e, comb)
	if err != nil {
		return nil, err
	}
	if outerRtes == nil {
		return f, nil
	}
	return analyze.MapExpr(f, func(x analyze.Expr) analyze.Expr {
		if v, ok := x.(*analyze.Var); ok && v.RTE >= 0 && outerRtes[v.RTE] {
			return &analyze.OuterVar{Levels: 1, Var: v}
		}
		if v, ok := x.(*analyze.OuterVar); ok {
			return &analyze.OuterVar{Levels: v.Levels + 1, Var: v.Var}
		}
		return nil
	}), nil
}

func (o *optimizer) scanKeys(cs []idxClause, lay, outer layout, outerRtes map[int]bool) ([]ScanKey, analyze.Expr, error) {
	var keys []ScanKey
	var exprs []analyze.Expr
	for _, c := range cs {
		k := ScanKey{Col: c.col, Op: c.op, Array: c.array}
		if c.arg != nil {
			a, err := o.paramFix(c.arg, layout{}, outer, outerRtes)
			if err != nil {
				return nil, nil, err
			}
			k.Arg = a
			k.ArgType = c.arg.Type()
		}
		keys = append(keys, k)
		if c.shown != nil {
			exprs = append(exprs, c.shown)
		} else {
			exprs = append(exprs, c.clause)
		}
	}
	iq, err := o.paramFix(andOf(exprs), lay, outer, outerRtes)
	return keys, iq, err
}

func (o *optimizer) createBitmap(bm *bmNode, lay, outer layout, outerRtes map[int]bool) (Node, analyze.Expr, error) {
	c := Cost{Total: bm.cost, Rows: bm.rows}
	switch {
	case bm.and != nil || bm.or != nil:
		var kids []Node
		var conds []analyze.Expr
		list := bm.and
		if bm.or != nil {
			list = bm.or
		}
		for _, k := range list {
			n, rc, err := o.createBitmap(k, lay, outer, outerRtes)
			if err != nil {
				return nil, nil, err
			}
			kids = append(kids, n)
			conds = append(conds, rc)
		}
		if bm.or != nil {
			return &BitmapOr{Inputs: kids, C: c}, &analyze.BoolExpr{Op: analyze.Or, Args: conds}, nil
		}
		return &BitmapAnd{Inputs: kids, C: c}, andOf(conds), nil
	}
	keys, iq, err := o.scanKeys(bm.clauses, lay, outer, outerRtes)
	if err != nil {
		return nil, nil, err
	}
	return &BitmapIndexScan{Index: bm.ix.ref, Keys: keys, IndexQual: iq, C: c}, iq, nil
}
