package session

import (
	"errors"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/parser"
	"github.com/tuskdb/tusk/sql/types"
)

// pg_get_viewdef's text: the view's analyzed query printed as
// PostgreSQL 15's ruleutils.c prints it without pretty-printing (columns
// qualified, every operator parenthesized, implicit casts shown, one
// target per line). Queries using what this printer does not know
// (subqueries, window functions, set operations...) print as stored.

// errNoDeparse stops the printer at a construct it does not handle.
var errNoDeparse = errors.New("not deparsable")

// viewDeparser prints one view query.
type viewDeparser struct {
	s     *Session
	snap  *mvcc.Snapshot
	q     *analyze.Query   // the query being printed
	outer []*analyze.Query // enclosing query levels, innermost last (OuterVar)
	depth int              // subquery nesting: keywords move right 8 per level
	// noPrefix prints columns unqualified (an expression over one
	// relation: defaults, CHECK constraints); pretty drops the
	// parentheses PostgreSQL's pretty mode drops; nowKeyword prints now()
	// as CURRENT_TIMESTAMP (the source said so).
	noPrefix, pretty, nowKeyword bool
}

// deparseExpr prints text, an expression over relation rel stored as SQL
// (a column default, a CHECK constraint, an index predicate), as
// pg_get_expr does: analyzed, with constants typed and implicit casts
// shown. colType, when not nil, is the type an untyped literal takes (a
// default's column). ok is false when the printer does not handle it.
func (s *Session) deparseExpr(snap *mvcc.Snapshot, rel *catalog.Relation, text string, colType *types.T, colMod int32, pretty bool) (string, bool) {
	stmts, err := parser.Parse("SELECT " + text)
	if err != nil || len(stmts) != 1 {
		return "", false
	}
	sel, ok := stmts[0].(*ast.SelectStmt)
	if !ok || len(sel.Targets) != 1 || sel.From != nil {
		return "", false
	}
	env := s.env(snap)
	var x analyze.Expr
	if rel != nil {
		x, err = analyze.RelationExpr(env, rel, sel.Targets[0].Val, analyze.ExprCheck)
	} else {
		x, err = analyze.RelationExpr(env, &catalog.Relation{Name: "?"}, sel.Targets[0].Val, analyze.ExprCheck)
	}
	if err != nil {
		return "", false
	}
	if c, ok := x.(*analyze.Const); ok && c.T == types.Unknown && colType != nil {
		if x, err = analyze.DefaultExpr(env, sel.Targets[0].Val, "?", colType, colMod); err != nil {
			return "", false
		}
	}
	q := &analyze.Query{}
	if rel != nil {
		q.RTable = []*analyze.RTE{{Kind: analyze.RTERelation, Rel: rel}}
	}
	up := strings.ToUpper(text)
	d := &viewDeparser{s: s, snap: snap, q: q, noPrefix: true, pretty: pretty,
		nowKeyword: strings.Contains(up, "CURRENT_TIMESTAMP") && !strings.Contains(up, "NOW(")}
	out, err := d.expr(x, 0)
	if err != nil {
		return "", false
	}
	return out, true
}

// deparseView returns def printed as pg_get_viewdef does, or def itself
// (with PostgreSQL's leading space and trailing semicolon) when the
// printer does not handle it.
func (s *Session) deparseView(snap *mvcc.Snapshot, def string, pretty bool) string {
	fallback := " " + def + ";"
	stmts, err := parser.Parse(def)
	if err != nil || len(stmts) != 1 {
		return fallback
	}
	sel, ok := stmts[0].(*ast.SelectStmt)
	if !ok {
		return fallback
	}
	q, err := analyze.Analyze(sel, s.env(snap))
	if err != nil {
		return fallback
	}
	d := &viewDeparser{s: s, snap: snap, q: q, pretty: pretty}
	out, err := d.query(q, sel)
	if err != nil {
		return fallback
	}
	return out + ";"
}

// query prints q; sel is its syntax tree when known (for JOIN ... USING),
// else nil.
func (d *viewDeparser) query(q *analyze.Query, sel *ast.SelectStmt) (string, error) {
	if q.Cmd != analyze.CmdSelect || q.SetOp != nil || len(q.CTEs) > 0 || len(q.DistinctOn) > 0 ||
		q.WithTies || len(q.GroupingSets) > 0 || sel != nil && (len(sel.From) != len(q.From) || len(sel.Windows) > 0) {
		return "", errNoDeparse
	}
	pad := strings.Repeat(" ", 8*d.depth)
	var b strings.Builder
	b.WriteString(" SELECT")
	if q.Distinct {
		b.WriteString(" DISTINCT")
	}
	for i, t := range q.Targets {
		e, err := d.expr(t.Expr, 8*d.depth+4)
		if err != nil {
			return "", err
		}
		if v, ok := t.Expr.(*analyze.Var); (!ok || d.colName(v) != t.Name) && t.Name != "?column?" {
			e += " AS " + ast.QuoteIdent(t.Name)
		}
		switch {
		case i == 0:
			b.WriteString(" " + strings.TrimLeft(e, "\n "))
		case strings.HasPrefix(e, "\n"):
			b.WriteString("," + e)
		default:
			b.WriteString(",\n    " + pad + e)
		}
	}
	if len(q.From) > 0 {
		b.WriteString("\n   " + pad + "FROM ")
		for i, jn := range q.From {
			if i > 0 {
				b.WriteString(",\n    " + pad)
			}
			var node ast.TableExpr
			if sel != nil {
				node = sel.From[i]
			}
			s, err := d.fromItem(jn, node)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
	}
	if q.Where != nil {
		s, err := d.expr(q.Where, 8*d.depth+2)
		if err != nil {
			return "", err
		}
		b.WriteString("\n  " + pad + "WHERE " + s)
	}
	if len(q.GroupBy) > 0 {
		var parts []string
		for _, g := range q.GroupBy {
			s, err := d.sortGroupExpr(g)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		b.WriteString("\n  " + pad + "GROUP BY " + strings.Join(parts, ", "))
	}
	if q.Having != nil {
		s, err := d.expr(q.Having, 1)
		if err != nil {
			return "", err
		}
		b.WriteString("\n " + pad + "HAVING " + s)
	}
	if len(q.Sort) > 0 {
		var parts []string
		for _, k := range q.Sort {
			s, err := d.sortGroupExpr(k.Expr)
			if err != nil {
				return "", err
			}
			if k.Desc {
				s += " DESC"
				if !k.NullsFirst {
					s += " NULLS LAST"
				}
			} else if k.NullsFirst {
				s += " NULLS FIRST"
			}
			parts = append(parts, s)
		}
		b.WriteString("\n  " + pad + "ORDER BY " + strings.Join(parts, ", "))
	}
	if q.Limit != nil {
		if c, ok := q.Limit.(*analyze.Const); !ok || c.Val != nil {
			s, err := d.limitExpr(q.Limit)
			if err != nil {
				return "", err
			}
			b.WriteString("\n " + pad + "LIMIT " + s)
		}
	}
	if q.Offset != nil {
		s, err := d.limitExpr(q.Offset)
		if err != nil {
			return "", err
		}
		b.WriteString("\n " + pad + "OFFSET " + s)
	}
	return b.String(), nil
}

// limitExpr prints a LIMIT or OFFSET count: a literal bare, as the
// int4 constant PostgreSQL keeps under its implicit cast to bigint.
func (d *viewDeparser) limitExpr(e analyze.Expr) (string, error) {
	if c, ok := e.(*analyze.Const); ok && c.Val != nil {
		if v, ok := c.Val.(int64); ok && v >= 0 {
			return strconv.FormatInt(v, 10), nil
		}
	}
	return d.expr(e, 1)
}

// sortGroupExpr prints a GROUP BY or ORDER BY item
// (get_rule_sortgroupclause): function calls and aggregates in
// parentheses, so they cannot be read as output column names.
func (d *viewDeparser) sortGroupExpr(e analyze.Expr) (string, error) {
	s, err := d.expr(e, 2)
	if err != nil {
		return "", err
	}
	switch e.(type) {
	case *analyze.FuncExpr, *analyze.Aggref:
		return "(" + s + ")", nil
	case *analyze.Var, *analyze.Const:
	default:
		if d.pretty {
			return "(" + s + ")", nil
		}
	}
	return s, nil
}

// fromItem prints a FROM item: a relation with its alias, or a join.
func (d *viewDeparser) fromItem(jn *analyze.JoinNode, node ast.TableExpr) (string, error) {
	if jn.Left == nil {
		rte := d.q.RTable[jn.RTE]
		if rte.Kind == analyze.RTESubquery && rte.Rel == nil && rte.Subquery != nil {
			// A derived table: ( SELECT ...) alias.
			if rte.Alias == "" {
				return "", errNoDeparse
			}
			if ss, ok := node.(*ast.RangeSubselect); ok && ss.Alias != nil && len(ss.Alias.Columns) > 0 {
				return "", errNoDeparse
			}
			sub, err := d.subquery(rte.Subquery)
			if err != nil {
				return "", err
			}
			return "(" + sub + ") " + ast.QuoteIdent(rte.Alias), nil
		}
		if rte.Rel == nil || rte.Kind != analyze.RTERelation && rte.Kind != analyze.RTESubquery {
			return "", errNoDeparse
		}
		s := d.s.relationDisplayName(d.snap, rte.Rel)
		if rte.Alias != "" && rte.Alias != rte.Rel.Name {
			if rv, ok := node.(*ast.RangeVar); ok && rv.Alias != nil && len(rv.Alias.Columns) > 0 {
				return "", errNoDeparse
			}
			s += " " + ast.QuoteIdent(rte.Alias)
		}
		return s, nil
	}
	je, _ := node.(*ast.JoinExpr)
	if je != nil && (je.Alias != nil || je.Natural) {
		return "", errNoDeparse
	}
	var ln, rn ast.TableExpr
	if je != nil {
		ln, rn = je.Left, je.Right
	}
	l, err := d.fromItem(jn.Left, ln)
	if err != nil {
		return "", err
	}
	r, err := d.fromItem(jn.Right, rn)
	if err != nil {
		return "", err
	}
	kw := map[analyze.JoinKind]string{analyze.JoinInner: "JOIN", analyze.JoinLeft: "LEFT JOIN",
		analyze.JoinRight: "RIGHT JOIN", analyze.JoinFull: "FULL JOIN"}[jn.Kind]
	s := l + "\n     " + strings.Repeat(" ", 8*d.depth) + kw + " " + r
	switch {
	case je != nil && len(je.Using) > 0:
		var cols []string
		for _, c := range je.Using {
			cols = append(cols, ast.QuoteIdent(c))
		}
		s += " USING (" + strings.Join(cols, ", ") + ")"
	case jn.Quals != nil:
		on, err := d.expr(jn.Quals, 2)
		if err != nil {
			return "", err
		}
		if d.pretty {
			s += " ON " + on
		} else {
			s += " ON (" + on + ")"
		}
	case jn.Kind == analyze.JoinInner:
		s = l + "\n     " + strings.Repeat(" ", 8*d.depth) + "CROSS JOIN " + r
	}
	if d.pretty {
		return s, nil
	}
	return "(" + s + ")", nil
}

// subquery prints a query nested in the current one (a sublink or a
// derived table), its keywords 8 columns further right.
func (d *viewDeparser) subquery(q *analyze.Query) (string, error) {
	saved := d.q
	d.outer = append(d.outer, d.q)
	d.q = q
	d.depth++
	out, err := d.query(q, nil)
	d.depth--
	d.q = saved
	d.outer = d.outer[:len(d.outer)-1]
	return out, err
}

// refName is the name a column of rte is qualified with.
func (d *viewDeparser) refName(rte *analyze.RTE) (string, error) {
	if rte.Alias != "" {
		return ast.QuoteIdent(rte.Alias), nil
	}
	if rte.Rel != nil {
		return ast.QuoteIdent(rte.Rel.Name), nil
	}
	return "", errNoDeparse
}

// colName is the column name a Var prints as.
func (d *viewDeparser) colName(v *analyze.Var) string {
	if v.RTE < 0 || v.RTE >= len(d.q.RTable) {
		return v.Name
	}
	rte := d.q.RTable[v.RTE]
	if v.Col >= 0 && v.Col < len(rte.Cols) {
		return rte.Cols[v.Col].Name
	}
	return v.Name
}

// expr prints an expression; indent is the current indentation (for
// CASE, which PostgreSQL lays out over several lines).
func (d *viewDeparser) expr(e analyze.Expr, indent int) (string, error) {
	switch x := e.(type) {
	case *analyze.Var:
		if d.noPrefix && len(d.q.RTable) == 1 && d.q.RTable[0].Rel != nil {
			if a := d.q.RTable[0].Rel.Attrs; x.Col >= 0 && x.Col < len(a) {
				return ast.QuoteIdent(a[x.Col].Name), nil
			}
		}
		if x.RTE < 0 || x.RTE >= len(d.q.RTable) {
			return "", errNoDeparse
		}
		rte := d.q.RTable[x.RTE]
		if rte.Kind == analyze.RTEJoin {
			if x.Col < len(rte.JoinCols) {
				if v, ok := rte.JoinCols[x.Col].(*analyze.Var); ok {
					return d.expr(v, indent)
				}
			}
			return "", errNoDeparse
		}
		if d.noPrefix {
			return ast.QuoteIdent(d.colName(x)), nil
		}
		ref, err := d.refName(rte)
		if err != nil {
			return "", err
		}
		return ref + "." + ast.QuoteIdent(d.colName(x)), nil
	case *analyze.OuterVar:
		if x.Var == nil || x.Levels < 1 || x.Levels > len(d.outer) {
			return "", errNoDeparse
		}
		saved := d.q
		d.q = d.outer[len(d.outer)-x.Levels]
		savedOuter := d.outer
		d.outer = d.outer[:len(d.outer)-x.Levels]
		out, err := d.expr(x.Var, indent)
		d.q, d.outer = saved, savedOuter
		return out, err
	case *analyze.SubLink:
		if x.Query == nil {
			return "", errNoDeparse
		}
		sub, err := d.subquery(x.Query)
		if err != nil {
			return "", err
		}
		switch x.Kind {
		case analyze.ExistsSubLink:
			return d.paren("EXISTS (" + sub + ")"), nil
		case analyze.ExprSubLink:
			return "(" + sub + ")", nil
		case analyze.ArraySubLink:
			return "ARRAY(" + sub + ")", nil
		case analyze.AnySubLink, analyze.AllSubLink:
			if x.Test == nil || x.Op == nil {
				return "", errNoDeparse
			}
			t, err := d.child(x.Test, x, true, indent)
			if err != nil {
				return "", err
			}
			if x.Kind == analyze.AnySubLink && x.Op.Name == "=" {
				return d.paren(t + " IN (" + sub + ")"), nil
			}
			kw := map[analyze.SubLinkKind]string{analyze.AnySubLink: "ANY", analyze.AllSubLink: "ALL"}[x.Kind]
			return d.paren(t + " " + x.Op.Name + " " + kw + " (" + sub + ")"), nil
		}
		return "", errNoDeparse
	case *analyze.Const:
		if analyze.IsRegType(x.T) && x.Val != nil {
			v, _ := x.Val.(int64)
			name := d.s.regOut(d.snap, x.T, base.OID(uint32(v)))
			return "'" + strings.ReplaceAll(name, "'", "''") + "'::" + types.FormatType(x.T, -1), nil
		}
		c := constText(x)
		if d.pretty && strings.HasPrefix(c, "(") {
			c = strings.Replace(strings.TrimPrefix(c, "("), ")::", "::", 1)
		}
		return c, nil
	case *analyze.OpExpr:
		if x.Op == nil {
			return "", errNoDeparse
		}
		var parts []string
		for i, a := range x.Args {
			s, err := d.child(a, x, i == 0, indent)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		if len(parts) == 1 {
			return d.paren(x.Op.Name + " " + parts[0]), nil
		}
		if len(parts) != 2 {
			return "", errNoDeparse
		}
		return d.paren(parts[0] + " " + x.Op.Name + " " + parts[1]), nil
	case *analyze.BoolExpr:
		var parts []string
		for i, a := range x.Args {
			s, err := d.child(a, x, i == 0, indent)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		switch x.Op {
		case analyze.And:
			return d.paren(strings.Join(parts, " AND ")), nil
		case analyze.Or:
			return d.paren(strings.Join(parts, " OR ")), nil
		default:
			return d.paren("NOT " + parts[0]), nil
		}
	case *analyze.NullTest:
		s, err := d.child(x.Arg, x, true, indent)
		if err != nil {
			return "", err
		}
		if x.Not {
			return d.paren(s + " IS NOT NULL"), nil
		}
		return d.paren(s + " IS NULL"), nil
	case *analyze.BoolTest:
		s, err := d.child(x.Arg, x, true, indent)
		if err != nil {
			return "", err
		}
		kinds := []string{"IS TRUE", "IS NOT TRUE", "IS FALSE", "IS NOT FALSE", "IS UNKNOWN", "IS NOT UNKNOWN"}
		if x.Kind < 0 || x.Kind >= len(kinds) {
			return "", errNoDeparse
		}
		return d.paren(s + " " + kinds[x.Kind]), nil
	case *analyze.Cast:
		s, err := d.expr(x.Arg, indent)
		if err != nil {
			return "", err
		}
		if d.pretty && isSimple(x.Arg, x, true) {
			return s + "::" + types.FormatType(x.T, x.Mod), nil
		}
		return "(" + s + ")::" + types.FormatType(x.T, x.Mod), nil
	case *analyze.FuncExpr:
		if x.SRF != nil {
			return "", errNoDeparse
		}
		args, err := d.exprList(x.Args, indent)
		if err != nil {
			return "", err
		}
		if x.OID == 0 && len(x.Args) == 1 && x.T != nil && x.Name == x.T.Name {
			return "(" + args + ")::" + types.FormatType(x.T, x.Mod), nil // a reg* cast (regtypes.go)
		}
		if len(x.Args) == 0 {
			switch x.Name {
			case "current_date", "current_time", "localtime", "localtimestamp":
				return strings.ToUpper(x.Name), nil
			case "now":
				if d.nowKeyword {
					return "CURRENT_TIMESTAMP", nil
				}
			}
		}
		return funcName(x.Name) + "(" + args + ")", nil
	case *analyze.Aggref:
		if x.Filter != nil || len(x.OrderBy) > 0 {
			return "", errNoDeparse
		}
		if x.Star {
			return funcName(x.Name) + "(*)", nil
		}
		args, err := d.exprList(x.Args, indent)
		if err != nil {
			return "", err
		}
		if x.Distinct {
			args = "DISTINCT " + args
		}
		return funcName(x.Name) + "(" + args + ")", nil
	case *analyze.ScalarArrayOpExpr:
		if x.Op == nil {
			return "", errNoDeparse
		}
		l, err := d.child(x.Left, x, true, indent)
		if err != nil {
			return "", err
		}
		var arr string
		if x.Array != nil {
			if arr, err = d.expr(x.Array, indent); err != nil {
				return "", err
			}
		} else {
			elems, err := d.exprList(x.Elems, indent)
			if err != nil {
				return "", err
			}
			arr = "ARRAY[" + elems + "]"
		}
		kw := "ANY"
		if x.All {
			kw = "ALL"
		}
		return d.paren(l + " " + x.Op.Name + " " + kw + " (" + arr + ")"), nil
	case *analyze.ArrayExpr:
		elems, err := d.exprList(x.Elems, indent)
		if err != nil {
			return "", err
		}
		return "ARRAY[" + elems + "]", nil
	case *analyze.WindowFunc:
		w := x.Window
		if w == nil || w.FrameMode != 0 || x.Agg != nil && (x.Agg.Filter != nil || x.Agg.Distinct || len(x.Agg.OrderBy) > 0) {
			return "", errNoDeparse
		}
		var call string
		if x.Star || x.Agg != nil && x.Agg.Star {
			call = funcName(x.Name) + "(*)"
		} else {
			args := x.Args
			if x.Agg != nil && len(args) == 0 {
				args = x.Agg.Args
			}
			a, err := d.exprList(args, indent)
			if err != nil {
				return "", err
			}
			call = funcName(x.Name) + "(" + a + ")"
		}
		var parts []string
		if len(w.PartitionBy) > 0 {
			p, err := d.exprList(w.PartitionBy, indent)
			if err != nil {
				return "", err
			}
			parts = append(parts, "PARTITION BY "+p)
		}
		if len(w.OrderBy) > 0 {
			var keys []string
			for _, k := range w.OrderBy {
				ks, err := d.expr(k.Expr, indent)
				if err != nil {
					return "", err
				}
				if k.Desc {
					ks += " DESC"
					if !k.NullsFirst {
						ks += " NULLS LAST"
					}
				} else if k.NullsFirst {
					ks += " NULLS FIRST"
				}
				keys = append(keys, ks)
			}
			parts = append(parts, "ORDER BY "+strings.Join(keys, ", "))
		}
		return call + " OVER (" + strings.Join(parts, " ") + ")", nil
	case *analyze.CoalesceExpr:
		args, err := d.exprList(x.Args, indent)
		if err != nil {
			return "", err
		}
		return "COALESCE(" + args + ")", nil
	case *analyze.MinMaxExpr:
		args, err := d.exprList(x.Args, indent)
		if err != nil {
			return "", err
		}
		if x.Least {
			return "LEAST(" + args + ")", nil
		}
		return "GREATEST(" + args + ")", nil
	case *analyze.NullIfExpr:
		if x.Eq == nil {
			return "", errNoDeparse
		}
		args, err := d.exprList(x.Eq.Args, indent)
		if err != nil {
			return "", err
		}
		return "NULLIF(" + args + ")", nil
	case *analyze.CaseExpr:
		if x.Arg != nil {
			return "", errNoDeparse
		}
		pad := strings.Repeat(" ", indent+4)
		var b strings.Builder
		b.WriteString("\n" + pad + "CASE")
		for _, w := range x.Whens {
			c, err := d.expr(w.Cond, indent+8)
			if err != nil {
				return "", err
			}
			r, err := d.expr(w.Result, indent+8)
			if err != nil {
				return "", err
			}
			b.WriteString("\n" + pad + "    WHEN " + c + " THEN " + r)
		}
		if x.Else != nil {
			el, err := d.expr(x.Else, indent+8)
			if err != nil {
				return "", err
			}
			b.WriteString("\n" + pad + "    ELSE " + el)
		}
		b.WriteString("\n" + pad + "END")
		return b.String(), nil
	}
	return "", errNoDeparse
}

// paren wraps an operator expression in the parentheses it always
// carries when not pretty-printing; in pretty mode the parent adds them
// where needed (child).
func (d *viewDeparser) paren(s string) string {
	if d.pretty {
		return s
	}
	return "(" + s + ")"
}

// child prints an argument of parent, in pretty mode parenthesized when
// it is not simple there (ruleutils' get_rule_expr_paren).
func (d *viewDeparser) child(e, parent analyze.Expr, first bool, indent int) (string, error) {
	s, err := d.expr(e, indent)
	if err != nil {
		return "", err
	}
	if d.pretty && !isSimple(e, parent, first) {
		return "(" + s + ")", nil
	}
	return s, nil
}

// isSimple mirrors ruleutils' isSimpleNode: whether node needs no
// parentheses as an argument of parent in pretty mode.
func isSimple(node, parent analyze.Expr, first bool) bool {
	switch n := node.(type) {
	case *analyze.Var, *analyze.OuterVar, *analyze.Const, *analyze.Param, *analyze.CoalesceExpr, *analyze.MinMaxExpr,
		*analyze.Aggref, *analyze.WindowFunc, *analyze.CaseExpr, *analyze.Cast:
		return true
	case *analyze.FuncExpr:
		return !(n.OID == 0 && n.T != nil && n.Name == n.T.Name) // a reg* cast is not
	case *analyze.OpExpr:
		if p, ok := parent.(*analyze.OpExpr); ok {
			op, pop := binaryOp(n), binaryOp(p)
			if op == "" || pop == "" {
				return false
			}
			tight, loose := strings.Contains("*/%", op), strings.Contains("+-", op)
			ptight, ploose := strings.Contains("*/%", pop), strings.Contains("+-", pop)
			switch {
			case !tight && !loose || !ptight && !ploose:
				return false
			case loose && ptight:
				return false
			case tight && ploose:
				return true
			}
			return first
		}
		_, ok := parent.(*analyze.BoolExpr)
		return ok
	case *analyze.BoolExpr:
		p, ok := parent.(*analyze.BoolExpr)
		if !ok {
			return false
		}
		switch n.Op {
		case analyze.Not, analyze.And:
			return p.Op == analyze.And || p.Op == analyze.Or
		default:
			return p.Op == analyze.Or
		}
	case *analyze.NullTest, *analyze.BoolTest:
		_, ok := parent.(*analyze.BoolExpr)
		return ok
	}
	return false
}

// binaryOp is the name of a one-character binary operator, "" for others.
func binaryOp(e *analyze.OpExpr) string {
	if e.Op == nil || len(e.Args) != 2 || len(e.Op.Name) != 1 {
		return ""
	}
	return e.Op.Name
}

func (d *viewDeparser) exprList(es []analyze.Expr, indent int) (string, error) {
	var parts []string
	for _, a := range es {
		s, err := d.expr(a, indent)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", "), nil
}

// funcName quotes a function name as ruleutils does.
func funcName(name string) string { return ast.QuoteIdent(name) }

// constText prints a constant as get_const_expr does: integers and
// decimal numbers bare, everything else a quoted literal with its type.
func constText(c *analyze.Const) string {
	// Constants carry no typmod in PostgreSQL's trees (a length
	// coercion above them is an implicit cast, not shown).
	typ := types.FormatType(c.T, -1)
	if c.Val == nil {
		return "NULL::" + typ
	}
	s := types.Format(c.T, c.Val)
	switch c.T {
	case types.Int4:
		if !strings.HasPrefix(s, "-") {
			return s
		}
	case types.Int8, types.Int2, types.Float8, types.Float4:
		// An integer or decimal literal coerced to the type: PostgreSQL
		// keeps the int4/numeric constant under a cast.
		if s != "" && s[0] >= '0' && s[0] <= '9' {
			if _, err := strconv.ParseInt(s, 10, 32); err == nil || c.T == types.Float8 || c.T == types.Float4 {
				return "(" + s + ")::" + typ
			}
		}
	case types.Numeric:
		if s != "" && s[0] >= '0' && s[0] <= '9' {
			if strings.ContainsAny(s, ".eE") {
				return s
			}
			// An integer literal coerced to numeric: PostgreSQL keeps
			// the int4 constant under a cast.
			if _, err := strconv.ParseInt(s, 10, 32); err == nil {
				return "(" + s + ")::" + typ
			}
		}
	case types.Bool:
		if c.Val == true {
			return "true"
		}
		return "false"
	case types.Unknown:
		typ = "unknown"
	}
	if strings.ContainsRune(s, '\\') {
		return "E'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'::" + typ
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'::" + typ
}
