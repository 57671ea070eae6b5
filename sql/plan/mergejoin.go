package plan

import (
	"math"

	"github.com/tuskdb/tusk/sql/analyze"
)

// Merge join paths (sort_inner_and_outer, match_unsorted_outer) and
// cost_mergejoin.

const pSort pathKind = 100
const pMerge pathKind = 101
const pMemoize pathKind = 102

// mergeClauses splits conds into merge keys (outer = inner equalities
// whose sides the executor compares) and the rest.
func (o *optimizer) mergeClauses(conds []analyze.Expr, outer, inner map[int]bool) (mo, mi, mc, other []analyze.Expr) {
	for _, c := range conds {
		op, ok := c.(*analyze.OpExpr)
		if ok && op.Op.Name == "=" && len(op.Args) == 2 && indexableTypes(op.Op) {
			if l, r, ok := o.equiKey(c, outer, inner); ok {
				mo, mi, mc = append(mo, l), append(mi, r), append(mc, c)
				continue
			}
		}
		other = append(other, c)
	}
	return
}

func ascKeys(es []analyze.Expr) []pathKey {
	var out []pathKey
	for _, e := range es {
		out = append(out, pathKey{expr: e})
	}
	return out
}

func (o *optimizer) sortPath(in *path, keys []pathKey) *path {
	if keysSatisfy(in.keys, keys) {
		return in
	}
	st, tot := o.sortCost(in.startup, in.total, in.rows, in.width, -1)
	return &path{kind: pSort, child: in, keys: keys, startup: st, total: tot, rows: in.rows, width: in.width, rtes: in.rtes}
}

// addMergePaths adds merge joins of outer and inner on their mergeable
// equalities.
func (o *optimizer) addMergePaths(jr *joinRel, outer, inner *joinRel, kind JoinKind, conds []analyze.Expr, semiLike bool) {
	if o.env == nil || !o.env.Exec.MergeJoin {
		return
	}
	mo, mi, mc, other := o.mergeClauses(conds, outer.rtes, inner.rtes)
	if len(mo) == 0 {
		return
	}
	ok, ik := ascKeys(mo), ascKeys(mi)
	oc, ic := cheapestTotal(outer.paths), cheapestTotal(inner.paths)
	var outers, inners []*path
	outers = append(outers, oc)
	for _, p := range outer.paths {
		if p != oc && !p.param && keysSatisfy(p.keys, ok) {
			outers = append(outers, p)
		}
	}
	inners = append(inners, ic)
	for _, p := range inner.paths {
		if p != ic && !p.param && keysSatisfy(p.keys, ik) {
			inners = append(inners, p)
		}
	}
	for _, op := range outers {
		for _, ip := range inners {
			if ip != ic && !keysSatisfy(op.keys, ok) {
				// an unsorted outer is sorted with the cheapest inner only
				// (sort_inner_and_outer); presorted inners pair with
				// presorted outers (match_unsorted_outer)
				continue
			}
			addPath(jr, o.mergeJoinPath(jr, kind, o.sortPath(op, ok), o.sortPath(ip, ik), mo, mi, mc, other, semiLike))
		}
	}
}

// varRange is the smallest and largest value statistics know of e.
func (o *optimizer) varRange(e analyze.Expr) (lo, hi any, ok bool) {
	vd := o.examine(e)
	if vd.stats == nil {
		return nil, nil, false
	}
	if h := vd.stats.Histogram; len(h) >= 2 {
		lo, hi = h[0], h[len(h)-1]
		ok = true
	}
	for _, m := range vd.stats.MCVals {
		if !ok {
			lo, hi, ok = m, m, true
			continue
		}
		if datumCmp(vd.t, m, lo) < 0 {
			lo = m
		}
		if datumCmp(vd.t, m, hi) > 0 {
			hi = m
		}
	}
	return lo, hi, ok
}

// mergeScanSel is mergejoinscansel: the fractions of each input a merge
// join reads before it can stop.
func (o *optimizer) mergeScanSel(l, r analyze.Expr) (ls, le, rs, re float64) {
	ls, rs, le, re = 0, 0, 1, 1
	lmin, lmax, ok1 := o.varRange(l)
	rmin, rmax, ok2 := o.varRange(r)
	if !ok1 || !ok2 {
		return
	}
	lv, rv := o.examine(l), o.examine(r)
	le = o.scalarIneqSel(lv, false, true, rmax)
	re = o.scalarIneqSel(rv, false, true, lmax)
	if le < re {
		re = 1
	} else {
		le = 1
	}
	ls = o.scalarIneqSel(lv, false, false, rmin)
	rs = o.scalarIneqSel(rv, false, false, lmin)
	if ls < rs {
		ls = 0
	} else {
		rs = 0
	}
	if ls >= le {
		ls = 0
	}
	if rs >= re {
		rs = 0
	}
	return
}

// mergeJoinPath is initial_cost_mergejoin + final_cost_mergejoin.
func (o *optimizer) mergeJoinPath(jr *joinRel, kind JoinKind, outer, inner *path, mo, mi, mc, other []analyze.Expr, semiLike bool) *path {
	p := &path{kind: pMerge, jkind: kind, outer: outer, inner: inner, hashOuter: mo, hashInner: mi, quals: other,
		rows: jr.rows, width: jr.width, rtes: jr.rtes, keys: outer.keys}
	ls, le, rs, re := o.mergeScanSel(mo[0], mi[0])
	if kind == JoinLeft || kind == JoinAnti || kind == JoinFull {
		ls, le = 0, 1
	}
	if kind == JoinRight || kind == JoinFull {
		rs, re = 0, 1
	}
	outerSkip := math.RoundToEven(outer.rows * ls)
	innerSkip := math.RoundToEven(inner.rows * rs)
	outerRows := clampRows(outer.rows * le)
	innerRows := clampRows(inner.rows * re)
	startup := 0.0
	if !o.s.EnableMergeJoin {
		startup += disableCost
	}
	startup += outer.startup + (outer.total-outer.startup)*ls
	run := (outer.total - outer.startup) * (le - ls)
	startup += inner.startup + (inner.total-inner.startup)*rs
	innerRun := (inner.total - inner.startup) * (re - rs)
	tuples := clampRows(o.clauseListSel(mc, JoinInner) * outer.rows * inner.rows)
	rescanned := 0.0
	if !semiLike {
		rescanned = tuples - inner.rows
		if rescanned < 0 {
			rescanned = 0
		}
	}
	ratio := 1 + rescanned/innerRows
	bare := innerRun * ratio
	mat := innerRun + o.s.CPUOperatorCost*innerRows*ratio
	if o.s.EnableMaterial && mat < bare {
		run += mat
		p.inner = &path{kind: pMaterial, child: inner, rows: inner.rows, width: inner.width, keys: inner.keys, rtes: inner.rtes,
			startup: inner.startup, total: inner.total + o.s.CPUOperatorCost*inner.rows}
	} else {
		run += bare
	}
	qc := o.s.CPUOperatorCost * float64(len(mc))
	startup += qc * (outerSkip + innerSkip*ratio)
	run += qc * ((outerRows - outerSkip) + (innerRows-innerSkip)*ratio)
	qs, qp := o.qualCost(other)
	startup += qs
	run += (o.s.CPUTupleCost + qp) * tuples
	p.startup = startup
	p.total = startup + run
	return p
}

// memoizePath puts a Memoize over a parameterized inner path, keyed by
// the outer expressions of its parameters (get_memoize_path).
func (o *optimizer) memoizePath(kind JoinKind, ip *path, outerRows float64, innerUnique bool, nconds int) *path {
	if o.env == nil || !o.env.Exec.Memoize || !o.s.EnableMemoize || outerRows < 2 {
		return nil
	}
	if (kind == JoinSemi || kind == JoinAnti) && !innerUnique {
		return nil // the inner scan stops early: the cache entry is never complete
	}
	var keys []analyze.Expr
	for _, c := range ip.iclauses {
		if !c.param {
			continue
		}
		if c.op != KeyEQ {
			return nil
		}
		keys = append(keys, c.arg)
	}
	if len(keys) == 0 || !isHashableList(keys) {
		return nil
	}
	if innerUnique && len(keys) < nconds {
		return nil
	}
	nd := o.estimateNumGroups(keys, outerRows)
	m := &path{kind: pMemoize, child: ip, uniqueKeys: keys, param: true, rows: ip.rows, width: ip.width, rtes: ip.rtes,
		startup: ip.startup + o.s.CPUTupleCost, total: ip.total + o.s.CPUTupleCost, calls: outerRows, ndistinct: nd}
	return m
}

// memoizeRescan is cost_memoize_rescan.
func (o *optimizer) memoizeRescan(m *path) (float64, float64) {
	in := m.child
	tuples := in.rows
	entry := relationByteSize(tuples, in.width) + 64 + 16*tuples + float64(8*len(m.uniqueKeys))
	mem := o.s.WorkMem * 1024 * o.s.HashMemMultiplier
	entries := math.Floor(mem / entry)
	nd := m.ndistinct
	calls := m.calls
	if nd < 1 {
		nd = 1
	}
	evict := 1 - math.Min(entries, nd)/nd
	hit := ((calls - nd) / calls) * (entries / math.Max(nd, entries))
	if hit < 0 {
		hit = 0
	}
	total := in.total*(1-hit) + o.s.CPUOperatorCost
	total += o.s.CPUTupleCost * evict
	total += o.s.CPUOperatorCost / 10 * evict * tuples
	total += o.s.CPUTupleCost + o.s.CPUOperatorCost*tuples
	startup := in.startup*(1-hit) + o.s.CPUTupleCost
	return startup, total
}
