package plan

import (
	"math"
	"math/bits"

	"github.com/tuskdb/tusk/sql/analyze"
)

// joinRel is a set of FROM items joined: its size estimate and paths.
type joinRel struct {
	rtes  map[int]bool
	rows  float64
	width int
	paths []*path
	// unique: the unique-ified inner side of a semi join (its rows are
	// the distinct join keys only; no parameterized scans inside)
	unique bool
	lay    layout
	// startup: paths compete on startup cost too (the query has a
	// LIMIT: PostgreSQL's consider_startup)
	startup bool
	// usefulKeys reports whether the i-th key of an ordering can still
	// serve the query (ORDER BY, GROUP BY, a later merge join); orderings
	// are truncated to their useful prefix (truncate_useless_pathkeys).
	usefulKeys func(i int, k pathKey) bool
}

// item is a unit of the join search: a base relation, or a join planned
// on its own (an outer join, the subquery side of a semi join).
type item struct {
	rtes map[int]bool
	br   *baseRel
	rel  *joinRel
	semi *semiInfo
	uniq *joinRel // the semi join's inner side made unique, once built
	// pending are a semi join inner side's own conditions, distributed
	// when it is planned.
	pending []analyze.Expr
}

// semiInfo describes an item that is the inner side of a semi or anti
// join (a pulled-up EXISTS / IN / NOT EXISTS).
type semiInfo struct {
	kind  JoinKind
	lhs   map[int]bool // outer relations its conditions read
	quals []analyze.Expr
}

// jclause is a join condition with the relations it reads.
type jclause struct {
	e    analyze.Expr
	rtes map[int]bool
	ec   *eclass // an equivalence class: e is generated per join
}

const fuzz = 1.01

// addPath keeps p unless another path is as cheap in startup and total
// cost with an ordering at least as good (add_path).
func addPath(rel *joinRel, p *path) {
	if rel.usefulKeys != nil && len(p.keys) > 0 {
		n := 0
		for n < len(p.keys) && rel.usefulKeys(n, p.keys[n]) {
			n++
		}
		if n < len(p.keys) {
			cp := *p
			cp.keys = p.keys[:n]
			p = &cp
		}
	}
	var keep []*path
	accept := true
	for i, q := range rel.paths {
		removeOld := false
		if p.param == q.param {
			cc := costCmp(p, q, fuzz, rel.startup)
			if cc != costDifferent {
				kc := keysCmp(p.keys, q.keys)
				if kc != keysDifferent {
					switch cc {
					case costEqual:
						switch kc {
						case keysBetter1:
							removeOld = true
						case keysBetter2:
							accept = false
						default:
							switch {
							case p.rows < q.rows:
								removeOld = true
							case p.rows > q.rows:
								accept = false
							case costCmp(p, q, 1.0000000001, rel.startup) == costBetter1:
								removeOld = true
							default:
								accept = false
							}
						}
					case costBetter1:
						if kc != keysBetter2 {
							removeOld = true
						}
					case costBetter2:
						if kc != keysBetter1 {
							accept = false
						}
					}
				}
			}
		}
		if !removeOld {
			keep = append(keep, q)
		}
		if !accept {
			keep = append(keep, rel.paths[i+1:]...)
			break
		}
	}
	if accept {
		keep = append(keep, p)
	}
	rel.paths = keep
}

const (
	costEqual = iota
	costBetter1
	costBetter2
	costDifferent
)

// costCmp is compare_path_costs_fuzzily; startup costs count only
// when startup is set (CONSIDER_PATH_STARTUP_COST).
func costCmp(a, b *path, f float64, startup bool) int {
	switch {
	case a.total > b.total*f:
		if startup && b.startup > a.startup*f {
			return costDifferent
		}
		return costBetter2
	case b.total > a.total*f:
		if startup && a.startup > b.startup*f {
			return costDifferent
		}
		return costBetter1
	case a.startup > b.startup*f:
		return costBetter2
	case b.startup > a.startup*f:
		return costBetter1
	}
	return costEqual
}

const (
	keysEqual = iota
	keysBetter1
	keysBetter2
	keysDifferent
)

// keysCmp is compare_pathkeys: Better1 when a's ordering extends b's.
func keysCmp(a, b []pathKey) int {
	n := len(a)
	if len(b) < n {
		n = len(b)
	}
	for i := 0; i < n; i++ {
		if !keyEqual(a[i], b[i]) {
			return keysDifferent
		}
	}
	switch {
	case len(a) == len(b):
		return keysEqual
	case len(a) > len(b):
		return keysBetter1
	}
	return keysBetter2
}

func cheapestTotal(ps []*path) *path {
	var best *path
	for _, p := range ps {
		if p.param {
			continue
		}
		if best == nil || p.total < best.total || (p.total == best.total && p.startup < best.startup) {
			best = p
		}
	}
	return best
}

func cheapestStartup(ps []*path) *path {
	var best *path
	for _, p := range ps {
		if p.param {
			continue
		}
		if best == nil || p.startup < best.startup || (p.startup == best.startup && p.total < best.total) {
			best = p
		}
	}
	return best
}

// itemRel makes the joinRel of a single item.
func (o *optimizer) itemRel(it *item) *joinRel {
	if it.rel != nil {
		return it.rel
	}
	br := it.br
	jr := &joinRel{startup: o.considerStartup, rtes: it.rtes, rows: br.rows, width: br.width}
	if br.item == nil {
		for _, p := range o.scanPaths(br) {
			addPath(jr, p)
		}
	} else {
		c := br.item.node.Est()
		p := &path{kind: pItem, br: br, node: br.item.node, lay: br.item.lay, width0: br.item.width, rtes: it.rtes,
			startup: c.Startup, total: c.Total, rows: br.rows, width: br.width}
		if len(br.quals) > 0 {
			_, pt := o.qualCost(br.quals)
			p.total += pt * c.Rows
			p.quals = br.quals
		}
		addPath(jr, p)
	}
	it.rel = jr
	return jr
}

// searchJoins plans the join of items under clauses: dynamic programming
// over subsets (up to 12 items), greedy above.
func (o *optimizer) searchJoins(items []*item, clauses []*jclause) *joinRel {
	n := len(items)
	if n == 1 {
		return o.itemRel(items[0])
	}
	rtesOf := func(mask uint64) map[int]bool {
		out := map[int]bool{}
		for i := 0; i < n; i++ {
			if mask&(1<<i) != 0 {
				for k := range items[i].rtes {
					out[k] = true
				}
			}
		}
		return out
	}
	for _, it := range items {
		o.itemRel(it)
	}
	if n > 12 {
		return o.greedyJoins(items, clauses)
	}
	dp := map[uint64]*joinRel{}
	for i, it := range items {
		dp[1<<i] = it.rel
	}
	// items no clause connects to another: joined to anything (a
	// clauseless join, as make_rels_by_clauseless_joins)
	lonely := uint64(0)
	for i, it := range items {
		connected := it.semi != nil
		for _, c := range clauses {
			in, out := false, false
			if c.ec != nil {
				for _, m := range c.ec.members {
					if it.rtes[m.RTE] {
						in = true
					} else {
						out = true
					}
				}
			} else {
				for k := range c.rtes {
					if it.rtes[k] {
						in = true
					} else {
						out = true
					}
				}
			}
			if in && out {
				connected = true
				break
			}
		}
		if !connected {
			lonely |= 1 << i
		}
	}
	full := uint64(1)<<n - 1
	for pass := 0; pass < 2 && dp[full] == nil; pass++ {
		for size := 2; size <= n; size++ {
			for mask := uint64(1); mask <= full; mask++ {
				if bits.OnesCount64(mask) != size {
					continue
				}
				for a := (mask - 1) & mask; a > 0; a = (a - 1) & mask {
					b := mask ^ a
					ra, rb := dp[a], dp[b]
					if ra == nil || rb == nil {
						continue
					}
					kind, ok := o.joinLegal(items, a, b, ra, rb)
					if !ok {
						continue
					}
					conds := joinConds(clauses, ra.rtes, rb.rtes)
					if kind == JoinInner && len(conds) == 0 && pass == 0 && !(bits.OnesCount64(a) == 1 && a&lonely != 0) && !(bits.OnesCount64(b) == 1 && b&lonely != 0) {
						continue
					}
					jr := dp[mask]
					if jr == nil {
						jr = &joinRel{startup: o.considerStartup, rtes: rtesOf(mask), width: ra.width + rb.width}
						jr.usefulKeys = o.keysUseful(jr.rtes, clauses)
						jr.rows = o.joinRows(items, mask, clauses)
						dp[mask] = jr
					}
					var si *semiInfo
					if kind != JoinInner {
						si = items[bits.TrailingZeros64(b)].semi
						conds = si.quals
					}
					o.addJoinPaths(jr, ra, rb, kind, conds, si)
					if kind == JoinSemi {
						if u := o.uniqueRel(items[bits.TrailingZeros64(b)], ra.rtes); u != nil {
							o.addJoinPaths(jr, ra, u, JoinInner, conds, nil)
							o.addJoinPaths(jr, u, ra, JoinInner, conds, nil)
						}
					}
				}
			}
		}
	}
	if dp[full] == nil {
		return o.greedyJoins(items, clauses)
	}
	return dp[full]
}

// joinLegal: a semi/anti item joins only as the inner side of its semi
// join, with an outer side holding the relations its conditions read.
func (o *optimizer) joinLegal(items []*item, a, b uint64, ra, rb *joinRel) (JoinKind, bool) {
	if bits.OnesCount64(b) == 1 {
		if s := items[bits.TrailingZeros64(b)].semi; s != nil {
			if !subset(s.lhs, ra.rtes) {
				return 0, false
			}
			return s.kind, true
		}
	}
	if bits.OnesCount64(a) == 1 && items[bits.TrailingZeros64(a)].semi != nil {
		return 0, false
	}
	return JoinInner, true
}

func joinConds(clauses []*jclause, a, b map[int]bool) []analyze.Expr {
	all := union(a, b)
	var out []analyze.Expr
	for _, c := range clauses {
		if c.ec != nil {
			if e := ecJoinClause(c.ec, a, b); e != nil {
				out = append(out, e)
			}
			continue
		}
		if subset(c.rtes, all) && !subset(c.rtes, a) && !subset(c.rtes, b) {
			out = append(out, c.e)
		}
	}
	return out
}

// joinRows estimates the rows of the join of the items in mask.
func (o *optimizer) joinRows(items []*item, mask uint64, clauses []*jclause) float64 {
	rows := 1.0
	all := map[int]bool{}
	for i, it := range items {
		if mask&(1<<i) == 0 {
			continue
		}
		for k := range it.rtes {
			all[k] = true
		}
	}
	var semis []*item
	for i, it := range items {
		if mask&(1<<i) == 0 {
			continue
		}
		if it.semi != nil {
			semis = append(semis, it)
			continue
		}
		rows *= it.rel.rows
	}
	var cs []analyze.Expr
	for _, c := range clauses {
		if c.ec != nil {
			cs = append(cs, ecClausesWithin(c.ec, all)...)
			continue
		}
		if subset(c.rtes, all) {
			cs = append(cs, c.e)
		}
	}
	rows *= o.clauseListSel(cs, JoinInner)
	for _, it := range semis {
		sel := o.semiSel(it)
		if it.semi.kind == JoinAnti {
			sel = 1 - sel
		}
		rows *= sel
	}
	return clampRows(rows)
}

// semiSel is the fraction of outer rows with a match in a semi join's
// inner side.
func (o *optimizer) semiSel(it *item) float64 {
	sel := 1.0
	for _, q := range it.semi.quals {
		if op, ok := q.(*analyze.OpExpr); ok && op.Op.Name == "=" && len(op.Args) == 2 {
			l, r := op.Args[0], op.Args[1]
			lr, _ := o.refs(l)
			if subset(lr, it.rtes) {
				l, r = r, l
			}
			v1, v2 := o.examine(l), o.examine(r)
			if v2.rel != nil && it.rel != nil {
				// the inner side's size is that of the whole item
				cp := *v2.rel
				cp.rows = it.rel.rows
				v2.rel = &cp
			}
			nd1, d1 := o.numDistinct(v1)
			nd2, d2 := o.numDistinct(v2)
			sel *= o.eqJoinSelSemi(v1, v2, nd1, nd2, d1, d2)
			continue
		}
		sel *= o.clauseSel(q, JoinInner)
	}
	return clampProb(sel)
}

// greedyJoins joins items left to right, each time adding the item whose
// join is cheapest.
func (o *optimizer) greedyJoins(items []*item, clauses []*jclause) *joinRel {
	cur := items[0].rel
	rest := append([]*item{}, items[1:]...)
	var done []*item
	done = append(done, items[0])
	for len(rest) > 0 {
		var best *joinRel
		bestI := -1
		for i, it := range rest {
			kind := JoinInner
			var conds []analyze.Expr
			if it.semi != nil {
				if !subset(it.semi.lhs, cur.rtes) {
					continue
				}
				kind = it.semi.kind
				conds = it.semi.quals
			} else {
				conds = joinConds(clauses, cur.rtes, it.rtes)
			}
			jr := &joinRel{startup: o.considerStartup, rtes: union(cur.rtes, it.rtes), width: cur.width + it.rel.width}
			var sub []*item
			sub = append(sub, done...)
			sub = append(sub, it)
			jr.rows = o.joinRows(sub, uint64(1)<<len(sub)-1, clauses)
			o.addJoinPaths(jr, cur, it.rel, kind, conds, it.semi)
			if len(jr.paths) == 0 {
				continue
			}
			if best == nil || cheapestTotal(jr.paths).total < cheapestTotal(best.paths).total {
				best, bestI = jr, i
			}
		}
		if best == nil {
			best = cur
			bestI = 0
		}
		done = append(done, rest[bestI])
		rest = append(rest[:bestI:bestI], rest[bestI+1:]...)
		cur = best
	}
	return cur
}

// ---- join paths ----

// addJoinPaths adds the nested loop and hash join paths of outer ⋈ inner
// (and, for inner joins, inner ⋈ outer is tried by the caller's other
// split).
func (o *optimizer) addJoinPaths(jr *joinRel, outer, inner *joinRel, kind JoinKind, conds []analyze.Expr, si *semiInfo) {
	var hashO, hashI, hashC, other []analyze.Expr
	for _, c := range conds {
		if l, r, ok := o.equiKey(c, outer.rtes, inner.rtes); ok {
			hashO, hashI = append(hashO, l), append(hashI, r)
			hashC = append(hashC, c)
			continue
		}
		other = append(other, c)
	}
	innerUnique := kind == JoinInner && o.innerUnique(inner, outer, conds)
	semiLike := kind == JoinSemi || kind == JoinAnti || innerUnique
	var matchFrac, matchCount float64
	if semiLike {
		matchFrac, matchCount = o.semiFactors(outer, inner, kind, conds)
	}
	oc := cheapestTotal(outer.paths)
	ic := cheapestTotal(inner.paths)
	if oc == nil || ic == nil {
		return
	}
	// Hash join: the inner side hashed.
	if len(hashO) > 0 {
		addPath(jr, o.hashJoinPath(jr, kind, oc, ic, hashO, hashI, hashC, other, semiLike, matchFrac, matchCount))
	}
	o.addMergePaths(jr, outer, inner, kind, conds, semiLike)
	// Nested loops over every outer path (keeping its order).
	if kind != JoinRight && kind != JoinFull {
		var inners []*path
		inners = append(inners, ic)
		if o.s.EnableMaterial && ic.kind != pMaterial && ic.kind != pItem {
			inners = append(inners, o.materialPath(ic))
		}
		outers := []*path{oc}
		for _, op := range outer.paths {
			if op != oc && !op.param && len(op.keys) > 0 {
				outers = append(outers, op)
			}
		}
		if cs := cheapestStartup(outer.paths); cs != nil && cs != oc {
			outers = append(outers, cs)
		}
		for _, op := range outers {
			for _, ip := range inners {
				addPath(jr, o.nestLoopPath(jr, kind, op, ip, conds, semiLike, matchFrac, matchCount, false))
			}
			// parameterized inner index scans
			for _, ip := range o.paramPaths(inner, outer, conds, op.rows) {
				addPath(jr, o.nestLoopPath(jr, kind, op, ip, ip.quals2(conds), semiLike, matchFrac, matchCount, true))
				if m := o.memoizePath(kind, ip, op.rows, innerUnique, len(conds)); m != nil {
					addPath(jr, o.nestLoopPath(jr, kind, op, m, ip.quals2(conds), semiLike, matchFrac, matchCount, true))
				}
			}
		}
	}
}

// quals2 returns the join conditions a parameterized inner path leaves to
// the nested loop.
func (p *path) quals2(conds []analyze.Expr) []analyze.Expr {
	used := map[analyze.Expr]bool{}
	if p.kind == pMemoize {
		p = p.child
	}
	for _, c := range p.iclauses {
		if c.param {
			used[c.clause] = true
		}
	}
	var out []analyze.Expr
	for _, c := range conds {
		if !used[c] {
			out = append(out, c)
		}
	}
	return out
}

// innerUnique: the inner side is a table with a unique index whose key
// columns the join equates to the outer side (innerrel_is_unique).
func (o *optimizer) innerUnique(inner, outer *joinRel, conds []analyze.Expr) bool {
	if len(inner.rtes) != 1 {
		return false
	}
	var br *baseRel
	for k := range inner.rtes {
		br = o.rels[k]
	}
	if br == nil || br.item != nil {
		return false
	}
	for _, ix := range br.indexes {
		if !ix.info.Unique {
			continue
		}
		all := true
		for k := 0; k < ix.nkeys; k++ {
			found := false
			for _, c := range conds {
				if _, i, ok := o.equiKey(c, outer.rtes, inner.rtes); ok && isCol(i, br.ri, ix.cols[k]) {
					found = true
				}
			}
			for _, q := range br.quals {
				if cl, ok := o.matchClause(br, ix.cols[k], q, nil); ok && cl.op == KeyEQ && !cl.array {
					found = true
				}
			}
			if !found {
				all = false
			}
		}
		if all {
			return true
		}
	}
	return false
}

// semiFactors is compute_semi_anti_join_factors.
func (o *optimizer) semiFactors(outer, inner *joinRel, kind JoinKind, conds []analyze.Expr) (float64, float64) {
	var jsel float64
	if kind == JoinSemi || kind == JoinAnti {
		jsel = 1
		for _, q := range conds {
			if op, ok := q.(*analyze.OpExpr); ok && op.Op.Name == "=" && len(op.Args) == 2 {
				l, r := op.Args[0], op.Args[1]
				lr, _ := o.refs(l)
				if subset(lr, inner.rtes) {
					l, r = r, l
				}
				v1, v2 := o.examine(l), o.examine(r)
				if v2.rel != nil {
					cp := *v2.rel
					cp.rows = inner.rows
					v2.rel = &cp
				}
				nd1, d1 := o.numDistinct(v1)
				nd2, d2 := o.numDistinct(v2)
				jsel *= o.eqJoinSelSemi(v1, v2, nd1, nd2, d1, d2)
				continue
			}
			jsel *= o.clauseSel(q, JoinInner)
		}
	} else {
		jsel = o.clauseListSel(conds, JoinInner)
		// inner unique: each outer row matches at most one
		nsel := jsel
		avg := nsel * inner.rows / math.Max(jsel, 1e-10)
		_ = avg
		return math.Min(1, jsel*inner.rows), 1
	}
	nsel := o.clauseListSel(conds, JoinInner)
	if jsel <= 0 {
		return 0, 1
	}
	avg := nsel * inner.rows / jsel
	if avg < 1 {
		avg = 1
	}
	return jsel, avg
}

func (o *optimizer) materialPath(in *path) *path {
	st, tot := o.materialCost(in.startup, in.total, in.rows, in.width)
	return &path{kind: pMaterial, child: in, startup: st, total: tot, rows: in.rows, width: in.width, keys: in.keys, rtes: in.rtes}
}

// rescanCost is cost_rescan: the cost of reading a path again.
func (o *optimizer) rescanCost(p *path) (float64, float64) {
	switch p.kind {
	case pMaterial:
		run := o.s.CPUOperatorCost * p.rows
		nbytes := relationByteSize(p.rows, p.width)
		if nbytes > o.s.WorkMem*1024 {
			run += o.s.SeqPageCost * math.Ceil(nbytes/blockSize)
		}
		return 0, run
	case pMemoize:
		return o.memoizeRescan(p)
	case pItem:
		if _, ok := p.node.(*CTEScan); ok {
			return 0, o.s.CPUOperatorCost * p.rows
		}
	}
	return p.startup, p.total
}

// nestLoopPath is initial_cost_nestloop + final_cost_nestloop.
func (o *optimizer) nestLoopPath(jr *joinRel, kind JoinKind, outer, inner *path, quals []analyze.Expr, semiLike bool, matchFrac, matchCount float64, param bool) *path {
	p := &path{kind: pNestLoop, jkind: kind, outer: outer, inner: inner, quals: quals, rows: jr.rows, width: jr.width, keys: outer.keys, rtes: jr.rtes}
	startup := outer.startup + inner.startup
	if !o.s.EnableNestLoop {
		startup += disableCost
	}
	run := outer.total - outer.startup
	rsStart, rsTotal := o.rescanCost(inner)
	outerRows := outer.rows
	innerRows := inner.rows
	if outerRows > 1 {
		run += (outerRows - 1) * rsStart
	}
	innerRun := inner.total - inner.startup
	innerRescanRun := rsTotal - rsStart
	var ntuples float64
	if semiLike {
		matched := math.RoundToEven(outerRows * matchFrac)
		unmatched := outerRows - matched
		scanFrac := 2 / (matchCount + 1)
		ntuples = matched * innerRows * scanFrac
		if param {
			run += innerRun * scanFrac
			if matched > 1 {
				run += (matched - 1) * innerRescanRun * scanFrac
			}
			run += unmatched * innerRescanRun / math.Max(innerRows, 1)
		} else {
			ntuples += unmatched * innerRows
			run += innerRun
			if unmatched >= 1 {
				unmatched--
			} else {
				matched--
			}
			if matched > 0 {
				run += matched * innerRescanRun * scanFrac
			}
			if unmatched > 0 {
				run += unmatched * innerRescanRun
			}
		}
	} else {
		run += innerRun
		if outerRows > 1 {
			run += (outerRows - 1) * innerRescanRun
		}
		ntuples = outerRows * innerRows
	}
	qs, qp := o.qualCost(quals)
	startup += qs
	run += (o.s.CPUTupleCost + qp) * ntuples
	p.startup = startup
	p.total = startup + run
	return p
}

// hashJoinPath is initial_cost_hashjoin + final_cost_hashjoin.
func (o *optimizer) hashJoinPath(jr *joinRel, kind JoinKind, outer, inner *path, ho, hi, hc, other []analyze.Expr, semiLike bool, matchFrac, matchCount float64) *path {
	p := &path{kind: pHashJoin, jkind: kind, outer: outer, inner: inner, hashOuter: ho, hashInner: hi, quals: other, rows: jr.rows, width: jr.width, rtes: jr.rtes}
	nh := float64(len(ho))
	startup := outer.startup
	if !o.s.EnableHashJoin {
		startup += disableCost
	}
	run := outer.total - outer.startup
	startup += inner.total
	startup += (o.s.CPUOperatorCost*nh + o.s.CPUTupleCost) * inner.rows
	run += o.s.CPUOperatorCost * nh * outer.rows
	nbuckets, nbatch := o.hashTableSize(inner.rows, inner.width)
	if nbatch > 1 {
		op := pageSize(outer.rows, outer.width)
		ip := pageSize(inner.rows, inner.width)
		startup += o.s.SeqPageCost * ip
		run += o.s.SeqPageCost * (ip + 2*op)
	}
	// bucket size of the inner key
	bucketFrac, mcvFreq := 1.0, 0.0
	for i := range hi {
		bf, mf := o.bucketStats(hi[i], nbuckets)
		if bf < bucketFrac {
			bucketFrac = bf
			mcvFreq = mf
		}
	}
	if relationByteSize(clampRows(inner.rows*mcvFreq), inner.width) > o.s.WorkMem*1024*o.s.HashMemMultiplier {
		startup += disableCost
	}
	hashQualCost := o.s.CPUOperatorCost * nh
	var tuples float64
	if semiLike {
		matched := math.RoundToEven(outer.rows * matchFrac)
		scanFrac := 2 / (matchCount + 1)
		run += hashQualCost * matched * clampRows(inner.rows*bucketFrac*scanFrac) * 0.5
		run += hashQualCost * (outer.rows - matched) * clampRows(inner.rows/(nbuckets*nbatch)) * 0.05
		if kind == JoinAnti {
			tuples = outer.rows - matched
		} else {
			tuples = matched
		}
	} else {
		run += hashQualCost * outer.rows * clampRows(inner.rows*bucketFrac) * 0.5
		tuples = clampRows(o.clauseListSel(hc, JoinInner) * outer.rows * inner.rows)
	}
	qs, qp := o.qualCost(other)
	startup += qs
	run += (o.s.CPUTupleCost + qp) * tuples
	p.startup = startup
	p.total = startup + run
	return p
}

// bucketStats is estimate_hash_bucket_stats.
func (o *optimizer) bucketStats(e analyze.Expr, nbuckets float64) (float64, float64) {
	vd := o.examine(e)
	nd, isDefault := o.numDistinct(vd)
	mcv := 0.0
	if vd.stats != nil && len(vd.stats.MCFreqs) > 0 {
		mcv = vd.stats.MCFreqs[0]
	}
	if isDefault {
		return math.Max(0.1, 1/nbuckets), mcv
	}
	avg := (1 - nullFrac(vd)) / nd
	if vd.rel != nil && vd.rel.tuples > 0 {
		nd *= vd.rel.rows / vd.rel.tuples
		nd = clampRows(nd)
	}
	var est float64
	if nd > nbuckets {
		est = 1 / nbuckets
	} else {
		est = 1 / nd
	}
	if avg > 0 && mcv > avg {
		est *= mcv / avg
	}
	if est < 1e-6 {
		est = 1e-6
	} else if est > 1 {
		est = 1
	}
	return est, mcv
}

// uniqueRel is a semi join's inner side made unique on its join keys
// (create_unique_path, hashed): when every semi condition is
// outer_expr = inner column, the semi join can be an inner join with it.
func (o *optimizer) uniqueRel(it *item, outer map[int]bool) *joinRel {
	if it.uniq != nil {
		return it.uniq
	}
	var keys []analyze.Expr
	for _, q := range it.semi.quals {
		_, r, ok := o.equiKey(q, outer, it.rtes)
		if !ok {
			return nil
		}
		if _, isVar := varOf(r); !isVar {
			return nil
		}
		keys = append(keys, r)
	}
	if len(keys) == 0 || !isHashableList(keys) {
		return nil
	}
	in := cheapestTotal(it.rel.paths)
	if in == nil {
		return nil
	}
	ngroups := o.estimateNumGroups(keys, in.rows)
	st := in.total + o.s.CPUOperatorCost*float64(len(keys))*in.rows
	if !o.s.EnableHashAgg {
		st += disableCost
	}
	tot := st + o.s.CPUTupleCost*ngroups
	u := &joinRel{startup: o.considerStartup, rtes: it.rtes, rows: ngroups, width: 8 * len(keys), unique: true}
	u.paths = []*path{{kind: pUnique, child: in, uniqueKeys: keys, startup: st, total: tot, rows: ngroups, width: 8 * len(keys), rtes: it.rtes}}
	it.uniq = u
	return u
}

// keysUseful builds a joinRel's test of useful orderings: a key is useful
// when it is the query's wanted key at that position, or the column of a
// join condition with a relation not yet joined.
func (o *optimizer) keysUseful(rtes map[int]bool, clauses []*jclause) func(int, pathKey) bool {
	open := map[varKey]bool{}
	for _, c := range clauses {
		if subset(c.rtes, rtes) {
			continue
		}
		if c.ec != nil {
			for _, m := range c.ec.members {
				open[varKey{m.RTE, m.Col}] = true
			}
			continue
		}
		analyze.Walk(c.e, func(x analyze.Expr) bool {
			if v, ok := x.(*analyze.Var); ok && v.RTE >= 0 {
				open[varKey{v.RTE, v.Col}] = true
			}
			return true
		})
	}
	return func(i int, k pathKey) bool {
		if i < len(o.queryKeys) && keyEqual(o.queryKeys[i], k) {
			return true
		}
		v, ok := varOf(k.expr)
		return ok && !k.desc && open[varKey{v.RTE, v.Col}]
	}
}
