package analyze

import (
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/types"
)

// stmtState is shared by every query level of one statement.
type stmtState struct {
	params []*types.T
}

// nsItem is an entry of a query level's namespace (PostgreSQL's
// ParseNamespaceItem): an RTE, the name it is known by, and whether it can
// be named (relVisible) and its columns used unqualified (colsVisible).
type nsItem struct {
	rte         int
	name        string
	relVisible  bool
	colsVisible bool
}

// clause says where an expression is, for aggregate and window rules.
type clause uint8

const (
	clauseNone clause = iota
	clauseWhere
	clauseTarget
	clauseHaving
	clauseGroupBy
	clauseOrderBy
	clauseJoinOn
	clauseValues
	clauseFrom
	clauseLimit
)

var clauseNames = map[clause]string{clauseWhere: "WHERE", clauseGroupBy: "GROUP BY", clauseJoinOn: "JOIN conditions",
	clauseValues: "VALUES", clauseFrom: "functions in FROM", clauseLimit: "LIMIT"}

type analyzer struct {
	env    *Env
	q      *Query
	st     *stmtState
	parent *analyzer
	ns     []nsItem
	clause clause
	inAgg  bool
	// correlated is set on a subquery's analyzer when it refers to an
	// enclosing level.
	correlated bool
	// cteScope lists the CTEs visible at this level (name -> index).
	ctes []*CTE
	// orig is the analyzer this one is a namespace-less copy of
	// (parentWithoutNS): correlation found through the copy is the
	// original's too.
	orig *analyzer
	// windows are the named windows of this level's WINDOW clause.
	windows map[string]*ast.WindowDef
	// setOpBranch: this level is an arm of UNION/INTERSECT/EXCEPT, whose
	// unknown-typed outputs the set operation resolves.
	setOpBranch bool
}

func (a *analyzer) child() *analyzer {
	return &analyzer{env: a.env, q: &Query{Result: -1}, st: a.st, parent: a}
}

// selectStmt analyzes a SELECT, VALUES or set operation at a new level.
func (a *analyzer) selectStmt(s *ast.SelectStmt) (*Query, error) {
	q := a.q
	if s.With != nil {
		if err := a.withClause(s.With); err != nil {
			return nil, err
		}
	}
	switch {
	case s.Op != ast.SetOpNone:
		if err := a.setOperation(s); err != nil {
			return nil, err
		}
	case s.Values != nil:
		if err := a.valuesQuery(s); err != nil {
			return nil, err
		}
	default:
		if err := a.simpleSelect(s); err != nil {
			return nil, err
		}
	}
	if err := a.orderLimit(s); err != nil {
		return nil, err
	}
	if q.SetOp == nil {
		if err := a.checkGrouping(); err != nil {
			return nil, err
		}
	}
	if s.Into != nil {
		return nil, errAt(s.Into.Pos, pgerr.FeatureNotSupported, "SELECT INTO is not supported yet")
	}
	if len(s.Locking) > 0 {
		// FOR UPDATE/SHARE: rows are not locked yet (the lock manager issue); the query runs.
	}
	return q, nil
}

func (a *analyzer) withClause(w *ast.WithClause) error {
	for _, c := range w.CTEs {
		sel, ok := c.Query.(*ast.SelectStmt)
		if !ok {
			return errAt(c.Pos, pgerr.FeatureNotSupported, "data-modifying statements in WITH are not supported yet")
		}
		for _, prev := range a.q.CTEs {
			if prev.Name == c.Name {
				return errAt(c.Pos, pgerr.DuplicateAlias, "WITH query name %q specified more than once", c.Name)
			}
		}
		cte := &CTE{Name: c.Name, Materialized: c.Materialize == ast.MaterializeAlways}
		if w.Recursive && sel.Op == ast.Union && refersTo(sel.Right, c.Name) {
			if countRefs(sel.Right, c.Name) > 1 {
				return errAt(sel.Right.Pos, pgerr.InvalidRecursion, "recursive reference to query %q must not appear more than once", c.Name)
			}
			// WITH RECURSIVE name AS (non-recursive UNION [ALL] recursive)
			cte.Recursive = true
			cte.UnionAll = sel.All
			ca := a.child()
			ca.ctes = a.visibleCTEs()
			nq, err := ca.selectStmt(sel.Left)
			if err != nil {
				return err
			}
			if ca.correlated {
				a.correlated = true
			}
			cte.NonRecursive = nq
			cte.Cols = targetColumns(nq.Targets, c.Columns)
			a.q.CTEs = append(a.q.CTEs, cte)
			ra := a.child()
			ra.ctes = a.visibleCTEs()
			rq, err := ra.selectStmt(sel.Right)
			if err != nil {
				return err
			}
			if len(rq.Targets) != len(nq.Targets) {
				return errAt(sel.Pos, pgerr.SyntaxError, "each UNION query must have the same number of columns")
			}
			for i, t := range rq.Targets {
				want := nq.Targets[i].Expr.Type()
				if t.Expr.Type() != want {
					e, err := ra.coerce(t.Expr, want, -1, 'a', sel.Pos)
					if err != nil {
						return errAt(sel.Pos, pgerr.DatatypeMismatch, "recursive query %q column %d has type %s in non-recursive term but type %s overall",
							c.Name, i+1, types.FormatType(want, -1), types.FormatType(t.Expr.Type(), -1))
					}
					t.Expr = e
				}
			}
			cte.RecursiveQ = rq
			continue
		}
		ca := a.child()
		ca.ctes = a.visibleCTEs()
		cq, err := ca.selectStmt(sel)
		if err != nil {
			return err
		}
		if ca.correlated {
			a.correlated = true
		}
		cte.Query = cq
		if len(c.Columns) > len(cq.Targets) {
			return errAt(c.Pos, pgerr.InvalidColumnReference, "WITH query %q has %d columns available but %d columns specified", c.Name, len(cq.Targets), len(c.Columns))
		}
		cte.Cols = targetColumns(cq.Targets, c.Columns)
		a.q.CTEs = append(a.q.CTEs, cte)
	}
	a.ctes = append(a.ctes, a.q.CTEs...)
	return nil
}

func (a *analyzer) visibleCTEs() []*CTE {
	var out []*CTE
	out = append(out, a.ctes...)
	out = append(out, a.q.CTEs...)
	return out
}

func refersTo(s *ast.SelectStmt, name string) bool {
	if s == nil {
		return false
	}
	found := false
	var walk func(t ast.TableExpr)
	walk = func(t ast.TableExpr) {
		switch n := t.(type) {
		case *ast.RangeVar:
			if n.Schema == "" && n.Name == name {
				found = true
			}
		case *ast.JoinExpr:
			walk(n.Left)
			walk(n.Right)
		case *ast.RangeSubselect:
			if refersTo(n.Subquery, name) {
				found = true
			}
		}
	}
	for _, f := range s.From {
		walk(f)
	}
	return found || refersTo(s.Left, name) || refersTo(s.Right, name)
}

func targetColumns(ts []*Target, names []string) []Column {
	var cols []Column
	for i, t := range ts {
		name := t.Name
		if i < len(names) {
			name = names[i]
		}
		cols = append(cols, Column{Name: name, T: t.Expr.Type(), Mod: t.Expr.Typmod()})
	}
	return cols
}

// lookupCTE finds a WITH query by name in this or an enclosing level; it
// returns the CTE, its index in that level's Query.CTEs and how many
// levels up that is.
func (a *analyzer) lookupCTE(name string) (*CTE, int, int) {
	levels := 0
	for l := a; l != nil; l = l.parent {
		for i := len(l.q.CTEs) - 1; i >= 0; i-- {
			if l.q.CTEs[i].Name == name {
				return l.q.CTEs[i], i, levels
			}
		}
		levels++
	}
	return nil, 0, 0
}

func indexOf(list []*CTE, c *CTE) int {
	for i, x := range list {
		if x == c {
			return i
		}
	}
	return -1
}

func (a *analyzer) setOperation(s *ast.SelectStmt) error {
	la := a.child()
	la.ctes = a.visibleCTEs()
	la.setOpBranch = true
	lq, err := la.selectStmt(s.Left)
	if err != nil {
		return err
	}
	ra := a.child()
	ra.ctes = a.visibleCTEs()
	ra.setOpBranch = true
	rq, err := ra.selectStmt(s.Right)
	if err != nil {
		return err
	}
	if la.correlated || ra.correlated {
		a.correlated = true
	}
	op := s.Op.String()
	if len(lq.Targets) != len(rq.Targets) {
		return errAt(s.Pos, pgerr.SyntaxError, "each %s query must have the same number of columns", op)
	}
	q := a.q
	q.Cmd = CmdSelect
	q.SetOp = &SetOperation{Op: uint8(s.Op), All: s.All, Left: lq, Right: rq}
	for i := range lq.Targets {
		lt, rt := lq.Targets[i], rq.Targets[i]
		t, err := commonType([]Expr{lt.Expr, rt.Expr}, op, s.Pos)
		if err != nil {
			return err
		}
		if lt.Expr, err = la.coerce(lt.Expr, t, -1, 'i', s.Pos); err != nil {
			return err
		}
		if rt.Expr, err = ra.coerce(rt.Expr, t, -1, 'i', s.Pos); err != nil {
			return err
		}
		mod := int32(-1)
		if lt.Expr.Typmod() == rt.Expr.Typmod() {
			mod = lt.Expr.Typmod()
		}
		q.Targets = append(q.Targets, &Target{Name: lt.Name, Expr: &Var{RTE: -1, Col: i, Index: i, T: t, Mod: mod, Name: lt.Name}})
	}
	return nil
}

func (a *analyzer) valuesQuery(s *ast.SelectStmt) error {
	q := a.q
	q.Cmd = CmdSelect
	rows, cols, err := a.valuesLists(s.Values)
	if err != nil {
		return err
	}
	rte := &RTE{Kind: RTEValues, Alias: "*VALUES*", Values: rows, Cols: cols}
	q.RTable = append(q.RTable, rte)
	q.From = append(q.From, &JoinNode{RTE: len(q.RTable) - 1})
	for i, c := range cols {
		q.Targets = append(q.Targets, &Target{Name: c.Name, Expr: &Var{RTE: len(q.RTable) - 1, Col: i, Index: i, T: c.T, Mod: c.Mod, Name: c.Name}})
	}
	return nil
}

// valuesLists analyzes VALUES rows and resolves each column to a common type.
func (a *analyzer) valuesLists(list [][]ast.Expr) ([][]Expr, []Column, error) {
	saved := a.clause
	a.clause = clauseValues
	defer func() { a.clause = saved }()
	var rows [][]Expr
	for _, row := range list {
		if len(rows) > 0 && len(row) != len(rows[0]) {
			return nil, nil, errAt(row[0].Position(), pgerr.SyntaxError, "VALUES lists must all be the same length")
		}
		var out []Expr
		for _, e := range row {
			x, err := a.expr(e)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, x)
		}
		rows = append(rows, out)
	}
	var cols []Column
	for c := range rows[0] {
		col := make([]Expr, len(rows))
		for r := range rows {
			col[r] = rows[r][c]
		}
		t, err := commonType(col, "VALUES", list[0][c].Position())
		if err != nil {
			return nil, nil, err
		}
		for r := range rows {
			if rows[r][c], err = a.coerce(rows[r][c], t, -1, 'i', list[r][c].Position()); err != nil {
				return nil, nil, err
			}
		}
		for r := range rows {
			col[r] = rows[r][c]
		}
		cols = append(cols, Column{Name: "column" + strconv.Itoa(c+1), T: t, Mod: commonTypmod(col)})
	}
	return rows, cols, nil
}

// commonType resolves the type of a UNION/CASE/VALUES/COALESCE column
// (select_common_type): unknowns become text when all are unknown; else
// the first non-unknown type's category wins, preferring its preferred
// type, and every input must coerce implicitly to the result.
func commonType(es []Expr, context string, pos int) (*types.T, error) {
	var t *types.T
	for _, e := range es {
		et := e.Type()
		if et == types.Unknown {
			continue
		}
		if t == nil {
			t = et
			continue
		}
		if et == t {
			continue
		}
		if et.Category != t.Category {
			return nil, errAt(pos, pgerr.DatatypeMismatch, "%s types %s and %s cannot be matched", context, types.FormatType(t, -1), types.FormatType(et, -1))
		}
		if !t.Preferred && canCoerce(t, et, 'i') && !canCoerce(et, t, 'i') {
			t = et
		} else if et.Preferred && canCoerce(t, et, 'i') {
			t = et
		}
	}
	if t == nil {
		return types.Text, nil
	}
	for _, e := range es {
		if e.Type() != t && e.Type() != types.Unknown && !canCoerce(e.Type(), t, 'i') {
			return nil, errAt(pos, pgerr.DatatypeMismatch, "%s types %s and %s cannot be matched", context, types.FormatType(t, -1), types.FormatType(e.Type(), -1))
		}
	}
	return t, nil
}

func (a *analyzer) simpleSelect(s *ast.SelectStmt) error {
	q := a.q
	q.Cmd = CmdSelect
	for _, f := range s.From {
		jn, items, err := a.fromItem(f)
		if err != nil {
			return err
		}
		for _, it := range items {
			for _, old := range a.ns {
				if old.relVisible && it.relVisible && old.name == it.name {
					return errAt(f.Position(), pgerr.DuplicateAlias, "table name %q specified more than once", it.name)
				}
			}
		}
		a.ns = append(a.ns, items...)
		q.From = append(q.From, jn)
	}
	a.clause = clauseWhere
	if s.Where != nil {
		w, err := a.expr(s.Where)
		if err != nil {
			return err
		}
		if q.Where, err = a.coerceBool(w, s.Where.Position(), "WHERE"); err != nil {
			return err
		}
	}
	for _, w := range s.Windows {
		if a.windows == nil {
			a.windows = map[string]*ast.WindowDef{}
		}
		if _, dup := a.windows[w.Name]; dup {
			return errAt(w.Pos, pgerr.WindowingError, "window %q is already defined", w.Name)
		}
		a.windows[w.Name] = w
	}
	a.clause = clauseTarget
	targets, err := a.targetList(s.Targets)
	if err != nil {
		return err
	}
	q.Targets = targets
	a.clause = clauseGroupBy
	if err := a.groupBy(s); err != nil {
		return err
	}
	a.clause = clauseHaving
	if s.Having != nil {
		h, err := a.expr(s.Having)
		if err != nil {
			return err
		}
		if q.Having, err = a.coerceBool(h, s.Having.Position(), "HAVING"); err != nil {
			return err
		}
		q.HasAggs = true
	}
	a.clause = clauseNone
	if s.Distinct {
		q.Distinct = true
	}
	for _, d := range s.DistinctOn {
		if lit, ok := d.(*ast.Literal); ok && lit.Kind != ast.LitInteger && lit.Kind != ast.LitNull {
			return errAt(lit.Pos, pgerr.SyntaxError, "non-integer constant in DISTINCT ON")
		}
		e, err := a.orderExpr(d)
		if err != nil {
			return err
		}
		q.DistinctOn = append(q.DistinctOn, e)
	}
	return nil
}

func (a *analyzer) groupBy(s *ast.SelectStmt) error {
	q := a.q
	addKey := func(n ast.Expr) (int, error) {
		e, err := a.orderExpr(n)
		if err != nil {
			return 0, err
		}
		for i, g := range q.GroupBy {
			if ExprEqual(g, e) {
				return i, nil
			}
		}
		q.GroupBy = append(q.GroupBy, e)
		return len(q.GroupBy) - 1, nil
	}
	var sets [][]int
	hasSets := false
	for _, g := range s.GroupBy {
		gs, ok := g.(*ast.GroupingSet)
		if !ok {
			i, err := addKey(g)
			if err != nil {
				return err
			}
			if sets == nil {
				sets = [][]int{{}}
			}
			for k := range sets {
				sets[k] = append(sets[k], i)
			}
			continue
		}
		hasSets = true
		expanded, err := a.expandGroupingSet(gs, addKey)
		if err != nil {
			return err
		}
		if sets == nil {
			sets = [][]int{{}}
		}
		var next [][]int
		for _, base := range sets {
			for _, e := range expanded {
				next = append(next, append(append([]int(nil), base...), e...))
			}
		}
		sets = next
	}
	if len(s.GroupBy) > 0 {
		q.HasAggs = true
	}
	if hasSets {
		q.GroupingSets = sets
	}
	return nil
}

// expandGroupingSet turns ROLLUP/CUBE/GROUPING SETS into lists of key indexes.
func (a *analyzer) expandGroupingSet(gs *ast.GroupingSet, addKey func(ast.Expr) (int, error)) ([][]int, error) {
	item := func(e ast.Expr) ([]int, error) {
		if r, ok := e.(*ast.RowExpr); ok && !r.Explicit {
			var out []int
			for _, x := range r.Args {
				i, err := addKey(x)
				if err != nil {
					return nil, err
				}
				out = append(out, i)
			}
			return out, nil
		}
		if g, ok := e.(*ast.GroupingSet); ok && g.Kind == ast.GroupingEmpty {
			return []int{}, nil
		}
		i, err := addKey(e)
		return []int{i}, err
	}
	switch gs.Kind {
	case ast.GroupingEmpty:
		return [][]int{{}}, nil
	case ast.GroupingRollup:
		var items [][]int
		for _, e := range gs.Items {
			it, err := item(e)
			if err != nil {
				return nil, err
			}
			items = append(items, it)
		}
		var out [][]int
		for n := len(items); n >= 0; n-- {
			var set []int
			for _, it := range items[:n] {
				set = append(set, it...)
			}
			out = append(out, set)
		}
		return out, nil
	case ast.GroupingCube:
		var items [][]int
		for _, e := range gs.Items {
			it, err := item(e)
			if err != nil {
				return nil, err
			}
			items = append(items, it)
		}
		var out [][]int
		for mask := (1 << len(items)) - 1; mask >= 0; mask-- {
			var set []int
			for k, it := range items {
				if mask&(1<<k) != 0 {
					set = append(set, it...)
				}
			}
			out = append(out, set)
		}
		return out, nil
	case ast.GroupingSets, ast.GroupingSimple:
		var out [][]int
		for _, e := range gs.Items {
			if sub, ok := e.(*ast.GroupingSet); ok && sub.Kind != ast.GroupingEmpty {
				inner, err := a.expandGroupingSet(sub, addKey)
				if err != nil {
					return nil, err
				}
				out = append(out, inner...)
				continue
			}
			it, err := item(e)
			if err != nil {
				return nil, err
			}
			out = append(out, it)
		}
		return out, nil
	}
	return nil, errAt(gs.Pos, pgerr.FeatureNotSupported, "unsupported grouping set")
}

// orderExpr analyzes a GROUP BY / ORDER BY / DISTINCT ON item: an output
// column number, an output column name, or an expression over the input.
func (a *analyzer) orderExpr(n ast.Expr) (Expr, error) {
	q := a.q
	if lit, ok := n.(*ast.Literal); ok && lit.Kind != ast.LitInteger && lit.Kind != ast.LitNull && (a.clause == clauseOrderBy || a.clause == clauseGroupBy) {
		what := "ORDER BY"
		if a.clause == clauseGroupBy {
			what = "GROUP BY"
		}
		return nil, errAt(lit.Pos, pgerr.SyntaxError, "non-integer constant in %s", what)
	}
	if lit, ok := n.(*ast.Literal); ok && lit.Kind == ast.LitInteger {
		k, _ := strconv.Atoi(lit.Val)
		if k < 1 || k > len(q.Targets) {
			what := "ORDER BY"
			if a.clause == clauseGroupBy {
				what = "GROUP BY"
			}
			return nil, errAt(lit.Pos, pgerr.InvalidColumnReference, "%s position %d is not in select list", what, k)
		}
		return q.Targets[k-1].Expr, nil
	}
	if cr, ok := n.(*ast.ColumnRef); ok && len(cr.Names) == 1 && !cr.Star {
		name := cr.Names[0]
		if a.clause == clauseGroupBy {
			// GROUP BY prefers an input column; an output name only when no input column has it.
			if _, err := a.columnRef(cr); err == nil {
				return a.expr(n)
			}
		}
		var match Expr
		for _, t := range q.Targets {
			if t.Name == name {
				if match != nil && !ExprEqual(match, t.Expr) {
					return nil, errAt(cr.Pos, pgerr.AmbiguousColumn, "ORDER BY %q is ambiguous", name)
				}
				match = t.Expr
			}
		}
		if match != nil {
			return match, nil
		}
	}
	return a.expr(n)
}

func (a *analyzer) orderLimit(s *ast.SelectStmt) error {
	q := a.q
	saved := a.clause
	a.clause = clauseOrderBy
	for _, sb := range s.OrderBy {
		var e Expr
		var err error
		if q.SetOp != nil || s.Values != nil {
			// Over a set operation only output columns can be named.
			e, err = a.setOpOrderExpr(sb.Expr)
		} else {
			e, err = a.orderExpr(sb.Expr)
		}
		if err != nil {
			return err
		}
		if sb.Dir == ast.SortUsing {
			return errAt(sb.Pos, pgerr.FeatureNotSupported, "ORDER BY USING is not supported yet")
		}
		if _, ok := types.LookupOperator("<", e.Type(), e.Type()); !ok && e.Type() != types.Unknown && !orderableArray(e.Type()) && !IsRegType(e.Type()) {
			return errAt(sb.Expr.Position(), pgerr.UndefinedFunction, "could not identify an ordering operator for type %s", types.FormatType(e.Type(), -1)).
				WithHint("Use an explicit ordering operator or modify the query.")
		}
		if e.Type() == types.Unknown {
			if e, err = a.coerce(e, types.Text, -1, 'i', sb.Pos); err != nil {
				return err
			}
		}
		q.Sort = append(q.Sort, sortKey(sb, e))
	}
	if q.Distinct && len(q.DistinctOn) == 0 {
		// With DISTINCT, ORDER BY expressions must appear in the select list.
		for i, k := range q.Sort {
			found := false
			for _, t := range q.Targets {
				if ExprEqual(t.Expr, k.Expr) {
					found = true
				}
			}
			if !found {
				return errAt(s.OrderBy[i].Pos, pgerr.InvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
			}
		}
	}
	if len(q.DistinctOn) > 0 && len(q.Sort) > 0 {
		for i := 0; i < len(q.Sort) && i < len(q.DistinctOn); i++ {
			found := false
			for _, d := range q.DistinctOn {
				if ExprEqual(d, q.Sort[i].Expr) {
					found = true
				}
			}
			if !found {
				return errAt(s.DistinctOn[0].Position(), pgerr.InvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
			}
		}
	}
	a.clause = clauseLimit
	lim := func(n ast.Expr) (Expr, error) {
		if n == nil {
			return nil, nil
		}
		e, err := a.expr(n)
		if err != nil {
			return nil, err
		}
		if e.Type() == types.Unknown || e.Type() == types.Int4 || e.Type() == types.Int2 || canCoerce(e.Type(), types.Int8, 'i') {
			return a.coerce(e, types.Int8, -1, 'i', n.Position())
		}
		return nil, errAt(n.Position(), pgerr.DatatypeMismatch, "argument of LIMIT must be type bigint, not type %s", types.FormatType(e.Type(), -1))
	}
	var err error
	if q.Limit, err = lim(s.Limit); err != nil {
		return err
	}
	if q.Offset, err = lim(s.Offset); err != nil {
		return err
	}
	q.WithTies = s.LimitWithTies
	a.clause = saved
	return nil
}

// setOpOrderExpr resolves ORDER BY over UNION/VALUES: a column number or name.
func (a *analyzer) setOpOrderExpr(n ast.Expr) (Expr, error) {
	q := a.q
	if lit, ok := n.(*ast.Literal); ok && lit.Kind == ast.LitInteger {
		k, _ := strconv.Atoi(lit.Val)
		if k < 1 || k > len(q.Targets) {
			return nil, errAt(lit.Pos, pgerr.InvalidColumnReference, "ORDER BY position %d is not in select list", k)
		}
		return q.Targets[k-1].Expr, nil
	}
	if cr, ok := n.(*ast.ColumnRef); ok && len(cr.Names) == 1 {
		for _, t := range q.Targets {
			if t.Name == cr.Names[0] {
				return t.Expr, nil
			}
		}
		return nil, errAt(cr.Pos, pgerr.UndefinedColumn, "column %q does not exist", cr.Names[0])
	}
	if q.SetOp == nil {
		return a.expr(n)
	}
	return nil, errAt(n.Position(), pgerr.FeatureNotSupported, "invalid UNION/INTERSECT/EXCEPT ORDER BY clause").
		WithDetail("Only result column names can be used, not expressions or functions.")
}

// targetList analyzes a SELECT list or RETURNING list.
func (a *analyzer) targetList(list []*ast.ResTarget) ([]*Target, error) {
	var out []*Target
	for _, rt := range list {
		if cr, ok := rt.Val.(*ast.ColumnRef); ok && cr.Star {
			vars, err := a.expandStar(cr)
			if err != nil {
				return nil, err
			}
			out = append(out, vars...)
			continue
		}
		e, err := a.expr(rt.Val)
		if err != nil {
			return nil, err
		}
		if e.Type() == types.Unknown && !(a.setOpBranch && a.clause == clauseTarget) {
			if e, err = a.coerce(e, types.Text, -1, 'i', rt.Val.Position()); err != nil {
				return nil, err
			}
		}
		if err := checkSRFPlacement(e, rt.Val.Position()); err != nil {
			return nil, err
		}
		name := rt.Name
		if name == "" {
			name = columnName(rt.Val)
		}
		out = append(out, &Target{Expr: e, Name: name})
	}
	return out, nil
}

func (a *analyzer) expandStar(cr *ast.ColumnRef) ([]*Target, error) {
	var out []*Target
	if len(cr.Names) > 0 {
		name := cr.Names[len(cr.Names)-1]
		for _, it := range a.ns {
			if it.relVisible && it.name == name {
				return a.rteTargets(it.rte), nil
			}
		}
		return nil, errAt(cr.Pos, pgerr.UndefinedTable, "missing FROM-clause entry for table %q", name)
	}
	if len(a.ns) == 0 {
		return nil, errAt(cr.Pos, pgerr.SyntaxError, "SELECT * with no tables specified is not valid")
	}
	for _, it := range a.ns {
		if it.colsVisible {
			out = append(out, a.rteTargets(it.rte)...)
		}
	}
	return out, nil
}

func (a *analyzer) rteTargets(ri int) []*Target {
	var out []*Target
	rte := a.q.RTable[ri]
	for ci, c := range rte.Cols {
		if c.Dropped {
			continue
		}
		out = append(out, &Target{Expr: a.columnVar(ri, ci), Name: c.Name})
	}
	return out
}

// columnVar returns the expression for column ci of RTE ri: a Var, or for
// a join RTE the expression the join column stands for.
func (a *analyzer) columnVar(ri, ci int) Expr {
	rte := a.q.RTable[ri]
	if rte.Kind == RTEJoin {
		return copyExpr(rte.JoinCols[ci])
	}
	c := rte.Cols[ci]
	return &Var{RTE: ri, Col: ci, Index: ci, T: c.T, Mod: c.Mod, Name: c.Name}
}

// columnRef resolves a column reference in this level or an enclosing one.
func (a *analyzer) columnRef(cr *ast.ColumnRef) (Expr, error) {
	if cr.Star {
		return nil, errAt(cr.Pos, pgerr.FeatureNotSupported, "row expansion via \"*\" is not supported here")
	}
	name := cr.Names[len(cr.Names)-1]
	qual := ""
	if len(cr.Names) > 1 {
		qual = cr.Names[len(cr.Names)-2]
	}
	levels := 0
	qualSeen := false
	for l := a; l != nil; l = l.parent {
		e, found, err := l.lookupColumn(qual, name, cr.Pos, &qualSeen)
		if err != nil {
			return nil, err
		}
		if found {
			if levels == 0 {
				return e, nil
			}
			for k, m := 0, a; k < levels; k++ {
				m.correlated = true
				if m.orig != nil {
					m.orig.correlated = true
				}
				m = m.parent
			}
			v, ok := e.(*Var)
			if !ok {
				// A join alias column of an outer level: wrap each Var.
				return mapExpr(e, func(x Expr) Expr {
					if vv, ok := x.(*Var); ok {
						return &OuterVar{Levels: levels, Var: vv}
					}
					return nil
				}), nil
			}
			return &OuterVar{Levels: levels, Var: v}, nil
		}
		levels++
	}
	if qual != "" && !qualSeen {
		return nil, errAt(cr.Pos, pgerr.UndefinedTable, "missing FROM-clause entry for table %q", qual)
	}
	if qual != "" {
		return nil, errAt(cr.Pos, pgerr.UndefinedColumn, "column %s.%s does not exist", qual, name)
	}
	return nil, errAt(cr.Pos, pgerr.UndefinedColumn, "column %q does not exist", name)
}

func (a *analyzer) lookupColumn(qual, name string, pos int, qualSeen *bool) (Expr, bool, error) {
	var found Expr
	for _, it := range a.ns {
		if qual != "" {
			if !it.relVisible || it.name != qual {
				continue
			}
			*qualSeen = true
		} else if !it.colsVisible {
			continue
		}
		rte := a.q.RTable[it.rte]
		for ci, c := range rte.Cols {
			if c.Dropped || c.Name != name {
				continue
			}
			if found != nil {
				return nil, false, errAt(pos, pgerr.AmbiguousColumn, "column reference %q is ambiguous", name)
			}
			found = a.columnVar(it.rte, ci)
		}
	}
	return found, found != nil, nil
}

// fromItem analyzes one FROM item; it returns its join tree and the
// namespace items it adds.
func (a *analyzer) fromItem(f ast.TableExpr) (*JoinNode, []nsItem, error) {
	q := a.q
	add := func(rte *RTE) (*JoinNode, []nsItem) {
		q.RTable = append(q.RTable, rte)
		ri := len(q.RTable) - 1
		return &JoinNode{RTE: ri}, []nsItem{{rte: ri, name: rte.Alias, relVisible: true, colsVisible: true}}
	}
	applyAlias := func(rte *RTE, al *ast.Alias) error {
		if al == nil {
			return nil
		}
		rte.Alias = al.Name
		if len(al.Columns) > len(rte.Cols) {
			return errAt(al.Pos, pgerr.InvalidColumnReference, "table %q has %d columns available but %d columns specified", al.Name, len(rte.Cols), len(al.Columns))
		}
		for i, c := range al.Columns {
			rte.Cols[i].Name = c
		}
		return nil
	}
	switch n := f.(type) {
	case *ast.RangeVar:
		if n.Schema == "" {
			if cte, idx, levels := a.lookupCTE(n.Name); cte != nil {
				rte := &RTE{Kind: RTECTE, Alias: n.Name, CTE: idx, CTELevel: levels, Cols: append([]Column(nil), cte.Cols...)}
				if err := applyAlias(rte, n.Alias); err != nil {
					return nil, nil, err
				}
				jn, items := add(rte)
				return jn, items, nil
			}
		}
		rel, err := a.env.LookupRelation(n.Schema, n.Name)
		if err != nil {
			return nil, nil, err
		}
		if rel == nil {
			name := n.Name
			if n.Schema != "" {
				name = n.Schema + "." + n.Name
			}
			return nil, nil, errAt(n.Pos, pgerr.UndefinedTable, "relation %q does not exist", name)
		}
		rte := &RTE{Kind: RTERelation, Rel: rel, Alias: n.Name}
		for _, at := range rel.Attrs {
			t, ok := types.ByOID(at.Type)
			if !ok {
				t = catalogColumnType(at.Type)
			}
			rte.Cols = append(rte.Cols, Column{Name: at.Name, T: t, Mod: at.Typmod, NotNull: at.NotNull, Dropped: at.Dropped})
		}
		if rel.Kind == 'v' {
			if a.env.ViewQuery == nil {
				return nil, nil, errAt(n.Pos, pgerr.FeatureNotSupported, "views are not supported here")
			}
			vq, err := a.env.ViewQuery(rel)
			if err != nil {
				return nil, nil, err
			}
			rte.Kind, rte.Subquery = RTESubquery, vq
		}
		if err := applyAlias(rte, n.Alias); err != nil {
			return nil, nil, err
		}
		jn, items := add(rte)
		return jn, items, nil
	case *ast.RangeSubselect:
		if n.Alias == nil {
			return nil, nil, errAt(n.Pos, pgerr.SyntaxError, "subquery in FROM must have an alias").
				WithHint("For example, FROM (SELECT ...) [AS] foo.")
		}
		sa := a.child()
		sa.ctes = a.visibleCTEs()
		if !n.Lateral {
			// Without LATERAL the subquery cannot see this level's FROM items.
			sa.parent = a.parentWithoutNS()
		}
		sq, err := sa.selectStmt(n.Subquery)
		if err != nil {
			return nil, nil, err
		}
		rte := &RTE{Kind: RTESubquery, Subquery: sq, Alias: n.Alias.Name, Cols: targetColumns(sq.Targets, nil), Lateral: n.Lateral || sa.correlated}
		if err := applyAlias(rte, n.Alias); err != nil {
			return nil, nil, err
		}
		jn, items := add(rte)
		return jn, items, nil
	case *ast.RangeFunction:
		return a.rangeFunction(n, add, applyAlias)
	case *ast.JoinExpr:
		return a.joinExpr(n)
	}
	return nil, nil, errAt(f.Position(), pgerr.FeatureNotSupported, "this FROM item is not supported yet")
}

// parentWithoutNS returns an analyzer chain for a non-LATERAL subquery:
// the enclosing levels, but not this level's FROM items.
func (a *analyzer) parentWithoutNS() *analyzer {
	p := *a
	p.ns = nil
	p.orig = a
	return &p
}

func (a *analyzer) joinExpr(n *ast.JoinExpr) (*JoinNode, []nsItem, error) {
	q := a.q
	lj, litems, err := a.fromItem(n.Left)
	if err != nil {
		return nil, nil, err
	}
	// The right side of a LATERAL item sees the left side's names.
	saved := a.ns
	a.ns = append(append([]nsItem(nil), a.ns...), litems...)
	rj, ritems, err := a.fromItem(n.Right)
	a.ns = saved
	if err != nil {
		return nil, nil, err
	}
	kind := map[ast.JoinType]JoinKind{ast.JoinInner: JoinInner, ast.JoinLeft: JoinLeft, ast.JoinRight: JoinRight, ast.JoinFull: JoinFull, ast.JoinCross: JoinInner}[n.Type]
	jn := &JoinNode{Kind: kind, Left: lj, Right: rj}
	lrte, rrte := q.RTable[lj.RTE], q.RTable[rj.RTE]
	jrte := &RTE{Kind: RTEJoin}
	using := n.Using
	if n.Natural {
		for _, lc := range lrte.Cols {
			if lc.Dropped {
				continue
			}
			for _, rc := range rrte.Cols {
				if !rc.Dropped && rc.Name == lc.Name {
					using = append(using, lc.Name)
				}
			}
		}
	}
	a.ns = append(append(append([]nsItem(nil), saved...), litems...), ritems...)
	defer func() { a.ns = saved }()
	usedL, usedR := map[int]bool{}, map[int]bool{}
	var quals []Expr
	for _, name := range using {
		li, ri := findCol(lrte, name), findCol(rrte, name)
		if li < 0 {
			return nil, nil, errAt(n.Pos, pgerr.UndefinedColumn, "column %q specified in USING clause does not exist in left table", name)
		}
		if ri < 0 {
			return nil, nil, errAt(n.Pos, pgerr.UndefinedColumn, "column %q specified in USING clause does not exist in right table", name)
		}
		usedL[li], usedR[ri] = true, true
		lv, rv := a.columnVar(lj.RTE, li), a.columnVar(rj.RTE, ri)
		eq, err := a.operator("=", lv, rv, n.Pos)
		if err != nil {
			return nil, nil, err
		}
		quals = append(quals, eq)
		t, err := commonType([]Expr{lv, rv}, "JOIN/USING", n.Pos)
		if err != nil {
			return nil, nil, err
		}
		var col Expr
		switch kind {
		case JoinRight:
			col, _ = a.coerce(rv, t, -1, 'i', n.Pos)
		case JoinFull:
			l, _ := a.coerce(lv, t, -1, 'i', n.Pos)
			r, _ := a.coerce(rv, t, -1, 'i', n.Pos)
			col = &CoalesceExpr{Args: []Expr{l, r}, T: t}
		default:
			col, _ = a.coerce(lv, t, -1, 'i', n.Pos)
		}
		jrte.Cols = append(jrte.Cols, Column{Name: name, T: t, Mod: -1})
		jrte.JoinCols = append(jrte.JoinCols, col)
	}
	for ci, c := range lrte.Cols {
		if !usedL[ci] {
			jrte.Cols = append(jrte.Cols, c)
			jrte.JoinCols = append(jrte.JoinCols, a.columnVar(lj.RTE, ci))
		}
	}
	for ci, c := range rrte.Cols {
		if !usedR[ci] {
			jrte.Cols = append(jrte.Cols, c)
			jrte.JoinCols = append(jrte.JoinCols, a.columnVar(rj.RTE, ci))
		}
	}
	if n.On != nil {
		savedClause := a.clause
		a.clause = clauseJoinOn
		on, err := a.expr(n.On)
		a.clause = savedClause
		if err != nil {
			return nil, nil, err
		}
		if on, err = a.coerceBool(on, n.On.Position(), "JOIN/ON"); err != nil {
			return nil, nil, err
		}
		quals = append(quals, on)
	}
	switch len(quals) {
	case 0:
	case 1:
		jn.Quals = quals[0]
	default:
		jn.Quals = &BoolExpr{Op: And, Args: quals}
	}
	q.RTable = append(q.RTable, jrte)
	jn.RTE = len(q.RTable) - 1
	// Unqualified names resolve through the join's columns; the inputs stay
	// nameable unless the join has an alias.
	var items []nsItem
	for _, it := range append(litems, ritems...) {
		it.colsVisible = false
		if n.Alias != nil {
			it.relVisible = false
		}
		items = append(items, it)
	}
	ji := nsItem{rte: jn.RTE, colsVisible: true}
	if n.Alias != nil {
		ji.name, ji.relVisible = n.Alias.Name, true
		jrte.Alias = n.Alias.Name
		for i, c := range n.Alias.Columns {
			if i < len(jrte.Cols) {
				jrte.Cols[i].Name = c
			}
		}
	}
	items = append(items, ji)
	return jn, items, nil
}

func findCol(rte *RTE, name string) int {
	for i, c := range rte.Cols {
		if !c.Dropped && c.Name == name {
			return i
		}
	}
	return -1
}

// lowerName is the default alias of a function in FROM.
func lowerName(names []string) string { return strings.ToLower(names[len(names)-1]) }

// addRTE adds the target table of INSERT/UPDATE/DELETE to the range table
// and namespace.
func (a *analyzer) addRTE(rv *ast.RangeVar) (int, error) {
	jn, items, err := a.fromItem(rv)
	if err != nil {
		return 0, err
	}
	rte := a.q.RTable[jn.RTE]
	if rte.Kind != RTERelation {
		return 0, errAt(rv.Pos, pgerr.WrongObjectType, "cannot change relation %q", rv.Name).
			WithDetail("Only tables can be changed.")
	}
	if err := checkResultRel(rte); err != nil {
		return 0, err
	}
	a.ns = append(a.ns, items...)
	return jn.RTE, nil
}

// checkGrouping enforces that, in a grouped query, output expressions use
// input columns only inside aggregates or as GROUP BY items (42803).
func (a *analyzer) checkGrouping() error {
	q := a.q
	if !q.HasAggs {
		return nil
	}
	var bad *Var
	check := func(e Expr) {
		Walk(e, func(x Expr) bool {
			if bad != nil {
				return false
			}
			for _, g := range q.GroupBy {
				if ExprEqual(g, x) {
					return false
				}
			}
			switch v := x.(type) {
			case *Aggref:
				return false
			case *Var:
				bad = v
				return false
			case *SubLink:
				// Outer references inside a subquery are checked loosely.
				return false
			}
			return true
		})
	}
	for _, t := range q.Targets {
		check(t.Expr)
	}
	check(q.Having)
	for _, k := range q.Sort {
		check(k.Expr)
	}
	if bad != nil {
		name := bad.Name
		if bad.RTE >= 0 && bad.RTE < len(q.RTable) && q.RTable[bad.RTE].Alias != "" {
			name = q.RTable[bad.RTE].Alias + "." + bad.Name
		}
		return pgerr.New(pgerr.GroupingError, "column %q must appear in the GROUP BY clause or be used in an aggregate function", name)
	}
	return nil
}

// orderableArray reports whether arrays of t's element type can be sorted
// (array_lt compares element by element).
func orderableArray(t *types.T) bool {
	if !t.IsArray() {
		return false
	}
	_, ok := types.LookupOperator("<", t.Elem, t.Elem)
	return ok
}

// checkSRFPlacement allows a set-returning function only as a whole
// output column (ProjectSet), not nested in another expression.
func checkSRFPlacement(e Expr, pos int) error {
	top := e
	var bad bool
	Walk(e, func(x Expr) bool {
		if f, ok := x.(*FuncExpr); ok && f.SRF != nil && x != top {
			bad = true
		}
		_, sub := x.(*SubLink)
		return !sub
	})
	if bad {
		return errAt(pos, pgerr.FeatureNotSupported, "set-returning functions inside other expressions are not supported yet")
	}
	return nil
}

// countRefs counts the FROM items of s (not of its subqueries) that name
// the WITH query name.
func countRefs(s *ast.SelectStmt, name string) int {
	n := 0
	var walk func(t ast.TableExpr)
	walk = func(t ast.TableExpr) {
		switch x := t.(type) {
		case *ast.RangeVar:
			if x.Schema == "" && x.Name == name {
				n++
			}
		case *ast.JoinExpr:
			walk(x.Left)
			walk(x.Right)
		}
	}
	for _, f := range s.From {
		walk(f)
	}
	return n
}

// sortKey makes the key of an ORDER BY item over e: NULLS LAST for ASC
// and NULLS FIRST for DESC unless written otherwise, as PostgreSQL.
func sortKey(sb *ast.SortBy, e Expr) *SortKey {
	k := &SortKey{Expr: e, Desc: sb.Dir == ast.SortDesc}
	k.NullsFirst = k.Desc
	switch sb.Nulls {
	case ast.NullsFirst:
		k.NullsFirst = true
	case ast.NullsLast:
		k.NullsFirst = false
	}
	return k
}
