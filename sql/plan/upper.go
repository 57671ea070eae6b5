package plan

import (
	"math"

	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// The upper part of the cost-based planner (grouping_planner): which of
// the FROM paths to use given ORDER BY / LIMIT, and how to aggregate.

// upperChoice is what chooseFinal decided for planSelect.
type upperChoice struct {
	keys      []pathKey // ordering of the chosen path
	aggSorted bool      // GroupAggregate over input sorted by groupKeys
	groupKeys []pathKey // the order the sorted aggregation needs
	numGroups float64
	skipSort  bool // the ORDER BY is already satisfied
	sortNeeds bool // aggSorted and the input must be sorted first
}

func hasAggOrWindow(e analyze.Expr) bool {
	found := false
	analyze.Walk(e, func(x analyze.Expr) bool {
		switch x.(type) {
		case *analyze.Aggref, *analyze.WindowFunc, *analyze.SubLink:
			found = true
		case *analyze.FuncExpr:
			if x.(*analyze.FuncExpr).SRF != nil {
				found = true
			}
		}
		return !found
	})
	return found
}

// queryOrder is the ORDER BY as path keys, nil when it cannot be given
// by a scan (aggregates, window functions in it).
func queryOrder(q *analyze.Query) []pathKey {
	var out []pathKey
	for _, k := range q.Sort {
		if hasAggOrWindow(k.Expr) {
			return nil
		}
		out = append(out, pathKey{expr: k.Expr, desc: k.Desc, nullsFirst: k.NullsFirst})
	}
	return out
}

// groupOrder is the order a sorted aggregation sorts by: GROUP BY items
// in ORDER BY's order and directions where ORDER BY names them
// (preprocess_groupclause), then the rest ascending.
func groupOrder(q *analyze.Query) []pathKey {
	var out []pathKey
	used := make([]bool, len(q.GroupBy))
	for _, k := range q.Sort {
		found := -1
		for i, g := range q.GroupBy {
			if !used[i] && analyze.ExprEqual(g, k.Expr) {
				found = i
				break
			}
		}
		if found < 0 {
			break
		}
		used[found] = true
		out = append(out, pathKey{expr: q.GroupBy[found], desc: k.Desc, nullsFirst: k.NullsFirst})
	}
	for i, g := range q.GroupBy {
		if !used[i] {
			out = append(out, pathKey{expr: g})
		}
	}
	return out
}

// constCount reads a LIMIT / OFFSET constant; -1 when absent or unknown.
func constCount(e analyze.Expr) float64 {
	if e == nil {
		return -1
	}
	s, err := analyze.Simplify(e)
	if err != nil {
		return -1
	}
	if c, ok := s.(*analyze.Const); ok {
		if n, ok := numericValue(c.Val); ok {
			return n
		}
		if c.Val == nil {
			return -1
		}
	}
	return 10 // a parameter: PostgreSQL assumes 10% of rows; close enough for a choice
}

// chooseFinal picks the path of the FROM relation the upper plan reads.
func (p *planner) chooseFinal(jr *joinRel) (*path, *upperChoice) {
	q := p.q
	o := p.opt
	uc := &upperChoice{}
	var cands []*path
	for _, pa := range jr.paths {
		if !pa.param {
			cands = append(cands, pa)
		}
	}
	cheapest := cheapestTotal(cands)
	count, offset := constCount(q.Limit), constCount(q.Offset)
	if q.Limit == nil {
		count = -1
	}
	if offset < 0 {
		offset = 0
	}
	bound := -1.0
	if count >= 0 {
		bound = count + offset
	}
	plain := !q.HasAggs && len(q.WindowFuncs) == 0 && !q.Distinct && len(q.DistinctOn) == 0
	if plain {
		want := queryOrder(q)
		if len(q.Sort) > 0 && want == nil {
			return cheapest, uc
		}
		var best *path
		var bestTot, bestSt float64
		for _, pa := range cands {
			st, tot := pa.startup, pa.total
			if len(want) > 0 && !keysSatisfy(pa.keys, want) {
				if pa != cheapest {
					continue
				}
				st, tot = o.sortCost(st, tot, pa.rows, pa.width, bound)
			}
			rows := pa.rows
			if count >= 0 || offset > 0 {
				st, tot, rows = limitCost(st, tot, rows, count, offset)
			}
			_ = rows
			if best == nil || tot < bestTot*0.9999999 || (math.Abs(tot-bestTot) <= bestTot*1e-7 && st < bestSt) {
				best, bestTot, bestSt = pa, tot, st
			}
		}
		if best == nil {
			best = cheapest
		}
		uc.keys = best.keys
		uc.skipSort = len(want) > 0 && keysSatisfy(best.keys, want)
		return best, uc
	}
	if q.HasAggs && len(q.GroupBy) > 0 && q.GroupingSets == nil {
		gk := groupOrder(q)
		for _, k := range gk {
			if hasAggOrWindow(k.expr) {
				return cheapest, uc
			}
		}
		ngroups := o.estimateNumGroups(q.GroupBy, cheapest.rows)
		uc.numGroups = ngroups
		ncols := float64(len(q.GroupBy))
		_, transPer := o.aggTransCost(q.Aggs)
		want := queryOrder(q)
		finalSorted := len(q.Sort) > 0 && want != nil && keysSatisfy(gk, want)
		type choice struct {
			pa      *path
			sorted  bool
			needSrt bool
			st, tot float64
		}
		var best *choice
		consider := func(c *choice) {
			st, tot := c.st, c.tot
			if len(q.Sort) > 0 && !(c.sorted && finalSorted) {
				st, tot = o.sortCost(st, tot, ngroups, 8*len(q.Targets), bound)
			}
			if count >= 0 || offset > 0 {
				st, tot, _ = limitCost(st, tot, ngroups, count, offset)
			}
			c.st, c.tot = st, tot
			if best == nil || tot < best.tot*0.9999999 {
				best = c
			}
		}
		// hashed
		if isHashableList(q.GroupBy) {
			in := cheapest
			st := in.total + transPer*in.rows + o.s.CPUOperatorCost*ncols*in.rows
			if !o.s.EnableHashAgg {
				st += disableCost
			}
			tot := st + o.s.CPUTupleCost*ngroups
			consider(&choice{pa: in, st: st, tot: tot})
		}
		// sorted, over presorted paths or the cheapest one sorted
		for _, pa := range cands {
			presorted := keysSatisfy(pa.keys, gk)
			if !presorted && pa != cheapest {
				continue
			}
			st, tot := pa.startup, pa.total
			if !presorted {
				st, tot = o.sortCost(st, tot, pa.rows, pa.width, -1)
			}
			tot += transPer*pa.rows + o.s.CPUOperatorCost*ncols*pa.rows + o.s.CPUTupleCost*ngroups
			consider(&choice{pa: pa, sorted: true, needSrt: !presorted, st: st, tot: tot})
		}
		if best == nil {
			return cheapest, uc
		}
		uc.aggSorted = best.sorted
		uc.sortNeeds = best.needSrt
		uc.groupKeys = gk
		uc.skipSort = best.sorted && finalSorted
		uc.keys = best.pa.keys
		return best.pa, uc
	}
	if q.HasAggs {
		uc.numGroups = 1
	}
	return cheapest, uc
}

func isHashableList(es []analyze.Expr) bool {
	for _, e := range es {
		if _, ok := types.LookupOperator("=", e.Type(), e.Type()); !ok {
			return false
		}
	}
	return true
}

// aggTransCost is the per-input-row cost of the aggregates' transition
// functions and arguments.
func (o *optimizer) aggTransCost(aggs []*analyze.Aggref) (float64, float64) {
	per := 0.0
	for _, a := range aggs {
		per += o.s.CPUOperatorCost
		_, pt := o.qualCost(a.Args)
		per += pt
	}
	return 0, per
}

// estimateNumGroups is estimate_num_groups.
func (o *optimizer) estimateNumGroups(exprs []analyze.Expr, inputRows float64) float64 {
	type vinfo struct {
		e   analyze.Expr
		rel *baseRel
		nd  float64
	}
	var infos []vinfo
	addVar := func(e analyze.Expr) {
		for _, x := range infos {
			if sameVar(x.e, e) {
				return
			}
		}
		vd := o.examine(e)
		nd, _ := o.numDistinct(vd)
		infos = append(infos, vinfo{e: e, rel: vd.rel, nd: nd})
	}
	for _, e := range exprs {
		vd := o.examine(e)
		if vd.isVar || vd.stats != nil {
			addVar(e)
			continue
		}
		var vars []analyze.Expr
		analyze.Walk(e, func(x analyze.Expr) bool {
			if v, ok := x.(*analyze.Var); ok && v.RTE >= 0 {
				vars = append(vars, v)
			}
			return true
		})
		if len(vars) == 0 {
			continue
		}
		for _, v := range vars {
			addVar(v)
		}
	}
	if len(infos) == 0 {
		return 1
	}
	num := 1.0
	done := make([]bool, len(infos))
	for i := range infos {
		if done[i] {
			continue
		}
		rel := infos[i].rel
		reld, relmax := 1.0, 0.0
		cnt := 0
		for j := i; j < len(infos); j++ {
			if done[j] || infos[j].rel != rel {
				continue
			}
			done[j] = true
			reld *= infos[j].nd
			if cnt == 0 || infos[j].nd > relmax {
				relmax = infos[j].nd
			}
			cnt++
		}
		if rel != nil && rel.tuples > 0 {
			clamp := rel.tuples
			if cnt > 1 {
				clamp *= 0.1
				if clamp < relmax {
					clamp = relmax
					if clamp > rel.tuples {
						clamp = rel.tuples
					}
				}
			}
			if reld > clamp {
				reld = clamp
			}
			if reld > 0 && rel.rows < rel.tuples {
				reld *= 1 - math.Pow((rel.tuples-rel.rows)/rel.tuples, rel.tuples/reld)
			}
			reld = clampRows(reld)
		}
		num *= reld
	}
	if num > inputRows {
		num = inputRows
	}
	return clampRows(math.Ceil(num))
}
