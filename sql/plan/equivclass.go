package plan

import (
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// Equivalence classes (PostgreSQL's EquivalenceClass, simplified): the
// WHERE / inner-join equalities a.x = b.y = ... make one class of
// columns. A class with a constant becomes "member = constant" on every
// member (and no join clause); one without gives, for a join of two
// sets of relations, one equality between a member of each.

type eclass struct {
	members []*analyze.Var
	konst   analyze.Expr
}

func varOf(e analyze.Expr) (*analyze.Var, bool) {
	v, ok := stripRelabel(e).(*analyze.Var)
	if !ok || v.RTE < 0 {
		return nil, false
	}
	return v, true
}

func isEqConstArg(e analyze.Expr) bool {
	switch e.(type) {
	case *analyze.Const, *analyze.Param:
		return true
	}
	return false
}

func eqOperator(l, r *types.T) (*types.Operator, bool) {
	return types.LookupOperator("=", l, r)
}

// buildECs takes the equalities out of quals into classes; it returns
// the other conditions plus the member = constant ones, and the classes
// without a constant.
func (o *optimizer) buildECs(quals []analyze.Expr, base map[int]bool) ([]analyze.Expr, []*eclass) {
	type key = [2]int
	parent := map[key]key{}
	vars := map[key]*analyze.Var{}
	var find func(k key) key
	find = func(k key) key {
		for parent[k] != k {
			k = parent[k]
		}
		return k
	}
	add := func(v *analyze.Var) key {
		k := key{v.RTE, v.Col}
		if _, ok := parent[k]; !ok {
			parent[k] = k
			vars[k] = v
		}
		return k
	}
	consts := map[key]analyze.Expr{}
	var order []key
	var rest []analyze.Expr
	var taken []analyze.Expr
	for _, q := range quals {
		op, ok := q.(*analyze.OpExpr)
		if !ok || op.Op.Name != "=" || len(op.Args) != 2 || !indexableTypes(op.Op) {
			rest = append(rest, q)
			continue
		}
		l, lok := varOf(op.Args[0])
		r, rok := varOf(op.Args[1])
		if (lok && !base[l.RTE]) || (rok && !base[r.RTE]) {
			rest = append(rest, q)
			continue
		}
		switch {
		case lok && rok && l.RTE != r.RTE:
			a, b := add(l), add(r)
			order = append(order, a, b)
			ra, rb := find(a), find(b)
			if ra != rb {
				parent[rb] = ra
			}
			taken = append(taken, q)
		case lok && !rok && isEqConstArg(op.Args[1]):
			k := add(l)
			order = append(order, k)
			consts[k] = op.Args[1]
			taken = append(taken, q)
		case rok && !lok && isEqConstArg(op.Args[0]):
			k := add(r)
			order = append(order, k)
			consts[k] = op.Args[0]
			taken = append(taken, q)
		default:
			rest = append(rest, q)
		}
	}
	if len(taken) == 0 {
		return quals, nil
	}
	classes := map[key]*eclass{}
	var list []*eclass
	seen := map[key]bool{}
	for _, k := range order {
		if seen[k] {
			continue
		}
		seen[k] = true
		root := find(k)
		ec := classes[root]
		if ec == nil {
			ec = &eclass{}
			classes[root] = ec
			list = append(list, ec)
		}
		ec.members = append(ec.members, vars[k])
		if c, ok := consts[k]; ok && ec.konst == nil {
			ec.konst = c
		}
	}
	var out []*eclass
	for _, ec := range list {
		if ec.konst == nil {
			if len(ec.members) > 1 {
				out = append(out, ec)
			}
			continue
		}
		ok := true
		var gen []analyze.Expr
		for _, m := range ec.members {
			op, found := eqOperator(m.T, ec.konst.Type())
			if !found {
				ok = false
				break
			}
			gen = append(gen, &analyze.OpExpr{Op: op, Args: []analyze.Expr{m, ec.konst}, T: types.Bool})
		}
		if !ok {
			// keep the written conditions of this class
			for _, q := range taken {
				if refsAny(q, ec.members) {
					rest = append(rest, q)
				}
			}
			continue
		}
		rest = append(rest, gen...)
	}
	return rest, out
}

func refsAny(q analyze.Expr, ms []*analyze.Var) bool {
	found := false
	analyze.Walk(q, func(x analyze.Expr) bool {
		if v, ok := x.(*analyze.Var); ok {
			for _, m := range ms {
				if m.RTE == v.RTE && m.Col == v.Col {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// ecJoinClause is the equality a class gives between the relations of a
// and of b (nil when it has no member on one side).
func ecJoinClause(ec *eclass, a, b map[int]bool) analyze.Expr {
	var ma, mb *analyze.Var
	for _, m := range ec.members {
		if ma == nil && a[m.RTE] {
			ma = m
		}
		if mb == nil && b[m.RTE] {
			mb = m
		}
	}
	if ma == nil || mb == nil {
		return nil
	}
	op, ok := eqOperator(ma.T, mb.T)
	if !ok {
		return nil
	}
	return &analyze.OpExpr{Op: op, Args: []analyze.Expr{ma, mb}, T: types.Bool}
}

// ecRestrictions: equalities between members of one item (when two
// members belong to the same relation or item).
func ecClausesWithin(ec *eclass, s map[int]bool) []analyze.Expr {
	var in []*analyze.Var
	rels := map[int]bool{}
	for _, m := range ec.members {
		if s[m.RTE] && !rels[m.RTE] {
			rels[m.RTE] = true
			in = append(in, m)
		}
	}
	var out []analyze.Expr
	for i := 1; i < len(in); i++ {
		if op, ok := eqOperator(in[i-1].T, in[i].T); ok {
			out = append(out, &analyze.OpExpr{Op: op, Args: []analyze.Expr{in[i-1], in[i]}, T: types.Bool})
		}
	}
	return out
}
