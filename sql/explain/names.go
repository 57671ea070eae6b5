package explain

import (
	"strconv"

	"github.com/tuskdb/tusk/sql/analyze"
)

// rteInfo is a range table entry of some query level with the name
// EXPLAIN calls it (E4).
type rteInfo struct {
	rte  *analyze.RTE
	idx  int
	q    *analyze.Query
	name string
	cte  *analyze.CTE // RTECTE: the WITH query it reads
	used bool         // matched to a plan node already
	// scanned: a scan node reads it already (builder.scanRTE).
	scanned bool
}

// cteDef is a WITH query in the planner's numbering (CTEScan.ID).
type cteDef struct {
	cte  *analyze.CTE
	refs []*rteInfo
}

// names maps the statement's range table entries to PostgreSQL's
// reference names (set_rtable_names): every entry of every query level,
// numbered like PostgreSQL's flattened range table, a repeated name
// getting a "_N" suffix.
type names struct {
	all    []*rteInfo
	byCols map[*analyze.Column]*rteInfo
	count  int // the flattened range table's length
	ctes   []*cteDef
	used   map[string]int
}

func newNames(q *analyze.Query) *names {
	nm := &names{byCols: map[*analyze.Column]*rteInfo{}, used: map[string]int{}}
	if q == nil {
		return nm
	}
	type pending struct {
		q       *analyze.Query
		parents []*analyze.Query
	}
	var deferred []pending
	var visit func(q *analyze.Query, parents []*analyze.Query)
	visit = func(q *analyze.Query, parents []*analyze.Query) {
		if q == nil {
			return
		}
		chain := append(append([]*analyze.Query(nil), parents...), q)
		if q.SetOp != nil {
			// The branches are subquery entries "*SELECT* n" of this level.
			n := 0
			var branches func(q *analyze.Query)
			branches = func(b *analyze.Query) {
				if b.SetOp != nil && len(b.RTable) == 0 {
					branches(b.SetOp.Left)
					branches(b.SetOp.Right)
					return
				}
				n++
				nm.count++
				nm.unique("*SELECT* " + strconv.Itoa(n))
			}
			branches(q.SetOp.Left)
			branches(q.SetOp.Right)
		}
		if q.SetOp == nil && len(q.From) == 0 && (q.Cmd == analyze.CmdSelect || q.Cmd == analyze.CmdInsert && len(q.Values) <= 1 && q.Source == nil) {
			nm.count++ // the RTE_RESULT PostgreSQL gives an empty FROM (replace_empty_jointree)
		}
		for i, rte := range q.RTable {
			nm.count++
			ri := &rteInfo{rte: rte, idx: i, q: q}
			if rte.Kind != analyze.RTEJoin {
				ri.name = nm.unique(refName(rte))
			}
			if len(rte.Cols) > 0 {
				nm.byCols[&rte.Cols[0]] = ri
			}
			if rte.Kind == analyze.RTECTE {
				lv := len(chain) - 1 - rte.CTELevel
				if lv >= 0 && rte.CTE < len(chain[lv].CTEs) {
					ri.cte = chain[lv].CTEs[rte.CTE]
				}
			}
			nm.all = append(nm.all, ri)
		}
		for _, rte := range q.RTable {
			if rte.Kind == analyze.RTESubquery {
				visit(rte.Subquery, chain)
			}
		}
		if q.SetOp != nil {
			visit(q.SetOp.Left, chain)
			visit(q.SetOp.Right, chain)
		}
		visit(q.Source, chain)
		for _, c := range q.CTEs {
			for _, cq := range []*analyze.Query{c.Query, c.NonRecursive, c.RecursiveQ} {
				if cq != nil {
					deferred = append(deferred, pending{cq, chain})
				}
			}
		}
		for _, e := range queryExprs(q) {
			analyze.Walk(e, func(x analyze.Expr) bool {
				if s, ok := x.(*analyze.SubLink); ok && s.Query != nil {
					deferred = append(deferred, pending{s.Query, chain})
				}
				return true
			})
		}
	}
	visit(q, nil)
	if q.Cmd == analyze.CmdInsert && len(q.Values) > 1 {
		nm.count++ // PostgreSQL's "*VALUES*" entry
	}
	// Subplans (WITH queries, sublinks) come after the main query's
	// entries, as PostgreSQL appends their range tables.
	for len(deferred) > 0 {
		d := deferred[0]
		deferred = deferred[1:]
		visit(d.q, d.parents)
	}
	nm.numberCTEs(q)
	return nm
}

// numberCTEs lists the WITH queries in the order the planner gives them
// ids: a level's WITH list first, each followed by what its body defines,
// then the levels below.
func (nm *names) numberCTEs(q *analyze.Query) {
	seen := map[*analyze.Query]bool{}
	var walk func(q *analyze.Query)
	walk = func(q *analyze.Query) {
		if q == nil || seen[q] {
			return
		}
		seen[q] = true
		for _, c := range q.CTEs {
			d := &cteDef{cte: c}
			nm.ctes = append(nm.ctes, d)
			if c.Recursive {
				walk(c.NonRecursive)
				walk(c.RecursiveQ)
			} else {
				walk(c.Query)
			}
		}
		if q.SetOp != nil {
			walk(q.SetOp.Left)
			walk(q.SetOp.Right)
		}
		for _, rte := range q.RTable {
			if rte.Kind == analyze.RTESubquery {
				walk(rte.Subquery)
			}
		}
		walk(q.Source)
		for _, e := range queryExprs(q) {
			analyze.Walk(e, func(x analyze.Expr) bool {
				if s, ok := x.(*analyze.SubLink); ok {
					walk(s.Query)
				}
				return true
			})
		}
	}
	walk(q)
	for _, ri := range nm.all {
		if ri.cte == nil {
			continue
		}
		for _, d := range nm.ctes {
			if d.cte == ri.cte {
				d.refs = append(d.refs, ri)
			}
		}
	}
}

// refName is the name an entry is known by before de-duplication.
func refName(rte *analyze.RTE) string {
	if rte.Alias != "" {
		return rte.Alias
	}
	if rte.Rel != nil {
		return rte.Rel.Name
	}
	return "unnamed_subquery"
}

// unique returns name, or name_N when name was given out before.
func (nm *names) unique(name string) string {
	n, ok := nm.used[name]
	if !ok {
		nm.used[name] = 0
		return name
	}
	for {
		n++
		cand := name + "_" + strconv.Itoa(n)
		if _, taken := nm.used[cand]; !taken {
			nm.used[name] = n
			nm.used[cand] = 0
			return cand
		}
	}
}

// forCols finds the entry whose column list cols is (a scan's Cols).
func (nm *names) forCols(cols []analyze.Column) *rteInfo {
	if len(cols) == 0 {
		return nil
	}
	return nm.byCols[&cols[0]]
}

// next returns the first entry not matched yet that ok accepts, marking
// it; or the first accepted one when all were matched.
func (nm *names) next(ok func(*rteInfo) bool) *rteInfo {
	var first *rteInfo
	for _, ri := range nm.all {
		if !ok(ri) {
			continue
		}
		if !ri.used {
			ri.used = true
			return ri
		}
		if first == nil {
			first = ri
		}
	}
	return first
}

// queryExprs lists the expressions of one query level (not descending
// into its subqueries).
func queryExprs(q *analyze.Query) []analyze.Expr {
	var out []analyze.Expr
	add := func(es ...analyze.Expr) {
		for _, e := range es {
			if e != nil {
				out = append(out, e)
			}
		}
	}
	for _, t := range q.Targets {
		add(t.Expr)
	}
	var joins func(j *analyze.JoinNode)
	joins = func(j *analyze.JoinNode) {
		if j == nil {
			return
		}
		add(j.Quals)
		joins(j.Left)
		joins(j.Right)
	}
	for _, j := range q.From {
		joins(j)
	}
	add(q.Where)
	add(q.GroupBy...)
	add(q.Having)
	for _, k := range q.Sort {
		add(k.Expr)
	}
	add(q.DistinctOn...)
	add(q.Limit, q.Offset)
	for _, r := range q.Values {
		add(r...)
	}
	for _, s := range q.Set {
		add(s.Expr)
	}
	for _, t := range q.Returning {
		add(t.Expr)
	}
	for _, rte := range q.RTable {
		if rte.Func != nil {
			add(rte.Func.Args...)
		}
		for _, r := range rte.Values {
			add(r...)
		}
	}
	return out
}
