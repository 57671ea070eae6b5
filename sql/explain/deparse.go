package explain

import (
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/types"
)

// item is a column of the row a plan node produces, as ruleutils sees a
// target list entry: a base column (col set: a Var, printed by name) or
// an expression e over the items in of the node below.
type item struct {
	col string // base column name
	rel string // the reference name of its relation
	e   analyze.Expr
	in  []*item
	// merge: e belongs to the same PostgreSQL node as in (a Projection or
	// Filter merged into its child, E2), so references into in are
	// printed without the parentheses an upper node's reference gets.
	merge bool
	outer [][]*item
	// bind, for a scan whose range table entry the plan does not name,
	// gives rel once a Var reading the column names the entry.
	bind *binding
}

// binding ties the columns of a CTE or function scan to the range table
// entry the Vars above it name (the plan node does not say which of
// several references to the same WITH query or function it is).
type binding struct {
	node  *Node
	ri    *rteInfo
	fixed bool
	ok    func(*rteInfo) bool
}

func (it *item) relName() string {
	if it.bind != nil && it.bind.ri != nil {
		return it.bind.ri.name
	}
	return it.rel
}

// fix binds the scan to the entry Var v names.
func (b *builder) fix(bd *binding, v *analyze.Var) {
	bd.fixed = true
	var found *rteInfo
	for _, ri := range b.nm.all {
		if ri.idx == v.RTE && bd.ok(ri) && v.Col < len(ri.rte.Cols) && ri.rte.Cols[v.Col].Name == v.Name {
			if found == nil || found.used && !ri.used {
				found = ri
			}
		}
	}
	if found == nil || found == bd.ri {
		return
	}
	if bd.ri != nil {
		bd.ri.used = false
	}
	bd.ri, found.used = found, true
	if bd.node != nil {
		bd.node.Alias = found.name
	}
}

func colItem(rel, col string) *item { return &item{rel: rel, col: col} }

// dctx deparses expressions of one node: Vars index in, OuterVars index
// outer (the rows of enclosing levels, innermost last).
type dctx struct {
	b      *builder
	in     []*item
	merge  bool
	outer  [][]*item
	prefix bool
}

func (b *builder) ctx(in []*item, merge bool, outer [][]*item, prefix bool) *dctx {
	return &dctx{b: b, in: in, merge: merge, outer: outer, prefix: prefix}
}

// ref prints a reference to an input item: its name, or its expression,
// parenthesized unless merged (ruleutils' get_variable, E3).
func (d *dctx) ref(it *item, forcePrefix bool) string {
	if it.col != "" {
		if rel := it.relName(); (d.prefix || forcePrefix) && rel != "" {
			return ast.QuoteIdent(rel) + "." + ast.QuoteIdent(it.col)
		}
		return ast.QuoteIdent(it.col)
	}
	sub := &dctx{b: d.b, in: it.in, merge: it.merge, outer: it.outer, prefix: d.prefix || forcePrefix}
	s := sub.expr(it.e)
	if d.merge {
		return s
	}
	if _, isVar := it.e.(*analyze.Var); isVar {
		return s // the parentheses, if any, come from the level below
	}
	return "(" + s + ")"
}

// itemText prints an output item as VERBOSE's Output does.
func (d *dctx) itemText(it *item) string {
	if it.col != "" {
		return d.ref(it, false)
	}
	sub := &dctx{b: d.b, in: it.in, merge: it.merge, outer: it.outer, prefix: d.prefix}
	return sub.expr(it.e)
}

// expr deparses e as ruleutils does without pretty-printing (E3).
func (d *dctx) expr(e analyze.Expr) string {
	switch x := e.(type) {
	case nil:
		return ""
	case *analyze.Var:
		if x.Index >= 0 && x.Index < len(d.in) && d.in[x.Index] != nil {
			it := d.in[x.Index]
			if it.bind != nil && !it.bind.fixed && x.RTE >= 0 && d.b != nil {
				d.b.fix(it.bind, x)
			}
			return d.ref(it, false)
		}
		return ast.QuoteIdent(x.Name)
	case *analyze.OuterVar:
		k := len(d.outer) - x.Levels
		if x.Levels > 0 && k >= 0 && k < len(d.outer) {
			row := d.outer[k]
			if x.Var.Index >= 0 && x.Var.Index < len(row) && row[x.Var.Index] != nil {
				od := &dctx{b: d.b, in: row, outer: d.outer[:k], prefix: true}
				return od.ref(row[x.Var.Index], true)
			}
		}
		return ast.QuoteIdent(x.Var.Name)
	case *analyze.Const:
		return constText(x.T, x.Mod, x.Val)
	case *analyze.Param:
		return "$" + strconv.Itoa(x.N)
	case *analyze.OpExpr:
		if len(x.Args) == 1 {
			return "(" + x.Op.Name + " " + d.expr(x.Args[0]) + ")"
		}
		return "(" + d.expr(x.Args[0]) + " " + x.Op.Name + " " + d.expr(x.Args[1]) + ")"
	case *analyze.BoolExpr:
		switch x.Op {
		case analyze.Not:
			return "(NOT " + d.expr(x.Args[0]) + ")"
		case analyze.And:
			return "(" + d.list(x.Args, " AND ") + ")"
		default:
			return "(" + d.list(x.Args, " OR ") + ")"
		}
	case *analyze.NullTest:
		if x.Not {
			return "(" + d.expr(x.Arg) + " IS NOT NULL)"
		}
		return "(" + d.expr(x.Arg) + " IS NULL)"
	case *analyze.BoolTest:
		kinds := []string{" IS TRUE", " IS NOT TRUE", " IS FALSE", " IS NOT FALSE", " IS UNKNOWN", " IS NOT UNKNOWN"}
		k := ""
		if x.Kind >= 0 && x.Kind < len(kinds) {
			k = kinds[x.Kind]
		}
		return "(" + d.expr(x.Arg) + k + ")"
	case *analyze.Cast:
		if c, ok := x.Arg.(*analyze.Const); ok && c.Val != nil {
			// A cast of a literal shows the literal in the target type.
			if s, ok := castConstText(c, x.T, x.Mod); ok {
				return s
			}
		}
		return "(" + d.expr(x.Arg) + ")::" + types.FormatType(x.T, x.Mod)
	case *analyze.FuncExpr:
		return funcName(x.Name) + "(" + d.list(x.Args, ", ") + ")"
	case *analyze.Aggref:
		var sb strings.Builder
		sb.WriteString(funcName(x.Name) + "(")
		if x.Star {
			sb.WriteString("*")
		} else {
			if x.Distinct {
				sb.WriteString("DISTINCT ")
			}
			sb.WriteString(d.list(x.Args, ", "))
			if len(x.OrderBy) > 0 {
				sb.WriteString(" ORDER BY " + d.sortKeys(x.OrderBy))
			}
		}
		sb.WriteString(")")
		if x.Filter != nil {
			sb.WriteString(" FILTER (WHERE " + d.expr(x.Filter) + ")")
		}
		return sb.String()
	case *analyze.WindowFunc:
		args := "*"
		if !x.Star {
			args = d.list(x.Args, ", ")
		}
		return funcName(x.Name) + "(" + args + ") OVER (?)"
	case *analyze.CaseExpr:
		if l, r, ok := d.distinctFrom(x); ok {
			return "(" + l + " IS DISTINCT FROM " + r + ")"
		}
		var sb strings.Builder
		sb.WriteString("CASE")
		if x.Arg != nil {
			sb.WriteString(" " + d.expr(x.Arg))
		}
		for _, w := range x.Whens {
			cond := w.Cond
			if x.Arg != nil {
				// WHEN value: the comparison's right side.
				if op, ok := cond.(*analyze.OpExpr); ok && len(op.Args) == 2 {
					if _, ok := op.Args[0].(*analyze.CaseTestExpr); ok {
						cond = op.Args[1]
					}
				}
			}
			sb.WriteString(" WHEN " + d.expr(cond) + " THEN " + d.expr(w.Result))
		}
		if x.Else != nil {
			sb.WriteString(" ELSE " + d.expr(x.Else))
		}
		sb.WriteString(" END")
		return sb.String()
	case *analyze.CaseTestExpr:
		return "CASE_TEST"
	case *analyze.CoalesceExpr:
		return "COALESCE(" + d.list(x.Args, ", ") + ")"
	case *analyze.MinMaxExpr:
		if x.Least {
			return "LEAST(" + d.list(x.Args, ", ") + ")"
		}
		return "GREATEST(" + d.list(x.Args, ", ") + ")"
	case *analyze.NullIfExpr:
		return "NULLIF(" + d.list(x.Eq.Args, ", ") + ")"
	case *analyze.DistinctExpr:
		not := ""
		if x.Not {
			not = "NOT "
		}
		return "(" + d.expr(x.Eq.Args[0]) + " IS " + not + "DISTINCT FROM " + d.expr(x.Eq.Args[1]) + ")"
	case *analyze.ScalarArrayOpExpr:
		q := "ANY"
		if x.All {
			q = "ALL"
		}
		var arr string
		if x.Array != nil {
			arr = d.expr(x.Array)
		} else {
			arr = d.elemArray(x)
		}
		if !strings.HasPrefix(arr, "(") && !strings.HasPrefix(arr, "'") && !strings.HasPrefix(arr, "ARRAY") {
			arr = "(" + arr + ")"
		}
		return "(" + d.expr(x.Left) + " " + x.Op.Name + " " + q + " (" + arr + "))"
	case *analyze.ArrayExpr:
		// An array of constants is folded into one (eval_const_expressions).
		if lit, ok := constArray(x); ok {
			return lit
		}
		return "ARRAY[" + d.list(x.Elems, ", ") + "]"
	case *analyze.RowExpr:
		return "ROW(" + d.list(x.Args, ", ") + ")"
	case *analyze.SubLink:
		return d.b.sublinkText(x)
	}
	return "?"
}

// distinctFrom recognizes the CASE analyze makes of a IS DISTINCT FROM
// b (WHEN a IS NULL ... WHEN b IS NULL ... ELSE NOT (a = b)), also after
// constant folding dropped arms, and returns a and b.
func (d *dctx) distinctFrom(x *analyze.CaseExpr) (string, string, bool) {
	if x.Arg != nil || x.T != types.Bool || len(x.Whens) == 0 || len(x.Whens) > 2 {
		return "", "", false
	}
	not, ok := x.Else.(*analyze.BoolExpr)
	if !ok || not.Op != analyze.Not || len(not.Args) != 1 {
		return "", "", false
	}
	eq, ok := not.Args[0].(*analyze.OpExpr)
	if !ok || eq.Op == nil || eq.Op.Name != "=" || len(eq.Args) != 2 {
		return "", "", false
	}
	l, r := d.expr(eq.Args[0]), d.expr(eq.Args[1])
	for _, w := range x.Whens {
		nt, ok := w.Cond.(*analyze.NullTest)
		if !ok || nt.Not {
			return "", "", false
		}
		if a := d.expr(nt.Arg); a != l && a != r {
			return "", "", false
		}
	}
	return l, r, true
}

func (d *dctx) list(es []analyze.Expr, sep string) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = d.expr(e)
	}
	return strings.Join(parts, sep)
}

// elemArray prints an IN list: an array literal when every element is
// a constant (PostgreSQL folds it so), else ARRAY[...].
func (d *dctx) elemArray(x *analyze.ScalarArrayOpExpr) string {
	var vals []string
	var et *types.T
	for _, e := range x.Elems {
		c, ok := e.(*analyze.Const)
		if !ok {
			return "ARRAY[" + d.list(x.Elems, ", ") + "]"
		}
		et = c.T
		if c.Val == nil {
			vals = append(vals, "NULL")
			continue
		}
		vals = append(vals, arrayElemText(types.Format(c.T, c.Val)))
	}
	if et == nil {
		return "ARRAY[]"
	}
	lit := "{" + strings.Join(vals, ",") + "}"
	return ast.QuoteString(lit) + "::" + types.FormatType(et, -1) + "[]"
}

// constArray prints ARRAY[1, 2] of constants as '{1,2}'::integer[].
func constArray(x *analyze.ArrayExpr) (string, bool) {
	if len(x.Elems) == 0 || x.T == nil || x.T.Elem == nil {
		return "", false
	}
	var vals []string
	for _, e := range x.Elems {
		c, ok := e.(*analyze.Const)
		if !ok {
			return "", false
		}
		if c.Val == nil {
			vals = append(vals, "NULL")
			continue
		}
		vals = append(vals, arrayElemText(types.Format(c.T, c.Val)))
	}
	return ast.QuoteString("{"+strings.Join(vals, ",")+"}") + "::" + types.FormatType(x.T, -1), true
}

// arrayElemText quotes an array element as array_out does.
func arrayElemText(s string) string {
	if s == "" || strings.EqualFold(s, "null") || strings.ContainsAny(s, "{},\"\\ \t\n") {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	}
	return s
}

func (d *dctx) sortKeys(keys []*analyze.SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = d.expr(k.Expr) + sortSuffix(k)
	}
	return strings.Join(parts, ", ")
}

// sortSuffix is DESC / NULLS FIRST / NULLS LAST where they differ from
// the default.
func sortSuffix(k *analyze.SortKey) string {
	s := ""
	if k.Desc {
		s = " DESC"
		if !k.NullsFirst {
			s += " NULLS LAST"
		}
	} else if k.NullsFirst {
		s = " NULLS FIRST"
	}
	return s
}

// funcName quotes a function name when needed.
func funcName(n string) string {
	if i := strings.LastIndexByte(n, '.'); i >= 0 {
		return n
	}
	return ast.QuoteIdent(n)
}

// constText prints a constant as ruleutils' get_const_expr.
func constText(t *types.T, mod int32, v types.Datum) string {
	if t == nil {
		t = types.Unknown
	}
	if v == nil {
		return "NULL::" + types.FormatType(t, mod)
	}
	s := types.Format(t, v)
	switch t.OID {
	case types.Int4.OID:
		if !strings.HasPrefix(s, "-") {
			return s
		}
		return "'" + s + "'::integer"
	case types.Numeric.OID:
		if s != "" && s[0] >= '0' && s[0] <= '9' && strings.Trim(s, "0123456789+-eE.") == "" {
			if strings.ContainsAny(s, "eE.") {
				if mod < 0 {
					return s
				}
				return s + "::" + types.FormatType(t, mod)
			}
		}
		return ast.QuoteString(s) + "::" + types.FormatType(t, mod)
	case types.Bool.OID:
		if v == true {
			return "true"
		}
		return "false"
	case types.Unknown.OID:
		return ast.QuoteString(s)
	}
	return quoteLiteral(s) + "::" + types.FormatType(t, mod)
}

// quoteLiteral is simple_quote_literal with standard_conforming_strings
// on: quotes doubled.
func quoteLiteral(s string) string { return ast.QuoteString(s) }

// castConstText folds a cast of a literal: '2024-01-01'::date.
func castConstText(c *analyze.Const, t *types.T, mod int32) (string, bool) {
	if c.T == nil || c.T.OID != types.Unknown.OID {
		return "", false
	}
	s, ok := c.Val.(string)
	if !ok {
		return "", false
	}
	v, err := types.Parse(t, mod, s)
	if err != nil {
		return "", false
	}
	return constText(t, mod, v), true
}
