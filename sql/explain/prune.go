package explain

import (
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
)

// exprRef is an expression of a node over the items in.
type exprRef struct {
	e  analyze.Expr
	in []*item
}

// outputMode is what a parent asks of its child's target list, as
// createplan.c's flags: exactly the columns it needs (CP_EXACT_TLIST,
// CP_SMALL_TLIST), or anything, so a scan returns its table's whole row
// (use_physical_tlist).
type outputMode uint8

const (
	outAny outputMode = iota
	outExact
	outSmall
)

// smallChild are the node types that ask their child for the columns they
// need only: they store rows (Sort, Hash, Materialize, Memoize) or pass
// them on (WindowAgg).
var smallChild = map[string]bool{"Sort": true, "Hash": true, "Materialize": true, "Memoize": true, "WindowAgg": true, "Incremental Sort": true}

// isScan reports whether n reads a relation, function, VALUES or CTE.
func isScan(n *Node) bool { return n.phys != nil }

// prune computes VERBOSE's Output of n given the columns want its parent
// needs (E8): scans asked for anything show their whole row when they
// compute nothing, other nodes show what is needed of them (a WindowAgg
// adds the columns its window needs); then the children are asked for
// the columns n's output and n's own expressions read.
func (b *builder) prune(n *Node, want []*item, mode outputMode) {
	n.mode = mode
	switch {
	case isScan(n) && mode == outAny && onlyColumns(want, n.phys) && !hasCTID(want):
		n.out = n.phys
	case n.Type == "WindowAgg":
		n.out = append([]*item(nil), want...)
		seen := map[*item]bool{}
		for _, it := range want {
			seen[it] = true
		}
		for _, r := range n.own {
			analyze.Walk(r.e, func(x analyze.Expr) bool {
				if v, ok := x.(*analyze.Var); ok && v.Index >= 0 && v.Index < len(r.in) {
					if it := r.in[v.Index]; it != nil && !seen[it] {
						seen[it] = true
						n.out = append(n.out, it)
					}
				}
				return true
			})
		}
	default:
		n.out = want
	}
	if n.out == nil {
		n.out = []*item{}
	}
	for _, c := range n.Children {
		set := map[*item]bool{}
		for _, it := range c.items {
			set[it] = true
		}
		var refs []*item
		seen := map[*item]bool{}
		var deps func(it *item, depth int)
		deps = func(it *item, depth int) {
			if it == nil || depth > 64 {
				return
			}
			if set[it] {
				if !seen[it] {
					seen[it] = true
					refs = append(refs, it)
				}
				return
			}
			if it.e != nil {
				walkVars(it.e, it.in, func(x *item) { deps(x, depth+1) })
			}
		}
		for _, it := range n.out {
			deps(it, 0)
		}
		for _, r := range n.own {
			walkVars(r.e, r.in, func(x *item) { deps(x, 0) })
		}
		cm := outAny
		switch {
		case smallChild[n.Type]:
			cm = outSmall
		case n.Type == "Limit":
			cm = mode
		case n.Type == "Aggregate" && mode != outAny && isUniquify(n):
			cm = outExact // a semi join's inner side made unique (create_unique_plan)
		case c.Relationship == "Subquery" || c.Relationship == "Member" && n.Type == "Append" || n.Type == "Recursive Union" || n.Type == "ModifyTable":
			cm = outExact
		}
		if n.Type == "Append" || n.Type == "Recursive Union" || c.Relationship == "Subquery" {
			refs = c.items
		}
		if n.Type == "ModifyTable" {
			refs = c.items
			// UPDATE reads the new values and the ctid, DELETE the ctid.
			if mt, ok := n.Plan.(*plan.ModifyTable); ok && mt.Cmd != analyze.CmdInsert {
				refs = nil
				seen = map[*item]bool{}
				for _, set := range mt.Set {
					walkVars(set.Expr, c.items, func(x *item) { deps(x, 0) })
				}
				if mt.TargetCols != nil && mt.CTIDIndex >= 0 && mt.CTIDIndex < len(c.items) {
					deps(c.items[mt.CTIDIndex], 0)
				}
			}
		}
		b.prune(c, refs, cm)
	}
	if x, ok := b.extras[n]; ok {
		for _, c := range append(append([]*Node(nil), x.pre...), x.post...) {
			b.prune(c, c.items, outExact)
		}
	}
}

// isUniquify reports whether an Aggregate computes no aggregate: the
// de-duplication of a semi join's inner side.
func isUniquify(n *Node) bool {
	a, ok := n.Plan.(*plan.Agg)
	return ok && len(a.Aggs) == 0 && a.GroupingSets == nil
}

// walkVars calls f with the item each Var of e reads from in.
func walkVars(e analyze.Expr, in []*item, f func(*item)) {
	analyze.Walk(e, func(x analyze.Expr) bool {
		if v, ok := x.(*analyze.Var); ok && v.Index >= 0 && v.Index < len(in) {
			f(in[v.Index])
		}
		return true
	})
}

// hasCTID reports whether a system column is wanted: a scan then returns
// exactly what is needed.
func hasCTID(want []*item) bool {
	for _, it := range want {
		if it != nil && it.col == "ctid" && it.e == nil {
			return true
		}
	}
	return false
}

// onlyColumns reports whether every wanted item is one of the scan's
// own columns (nothing computed).
func onlyColumns(want, phys []*item) bool {
	set := map[*item]bool{}
	for _, it := range phys {
		set[it] = true
	}
	for _, it := range want {
		if it != nil && !set[it] {
			return false
		}
	}
	return true
}
