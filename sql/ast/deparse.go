package ast

import (
	"strconv"
	"strings"
)

// String returns canonical SQL text for any node (A3): keywords in upper
// case, identifiers quoted when needed, every compound expression in
// parentheses. Parsing the result gives the same tree, positions aside.
func String(n Node) string {
	var p printer
	p.node(n)
	return p.String()
}

// QuoteIdent quotes an identifier if it would not otherwise read back as the
// same name (mirrors quote_identifier).
func QuoteIdent(s string) string {
	safe := s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] == '_')
	for i := 0; safe && i < len(s); i++ {
		c := s[i]
		safe = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
	}
	if safe && !reservedWords[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// QuoteString returns s as a standard-conforming string literal.
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

type printer struct {
	strings.Builder
}

func (p *printer) w(ss ...string) {
	for _, s := range ss {
		p.WriteString(s)
	}
}

func (p *printer) ident(s string) { p.WriteString(QuoteIdent(s)) }

// names prints a dotted name. Parts after the first are ColLabels, where
// keywords need no quotes.
func (p *printer) names(ns []string) {
	for i, n := range ns {
		if i > 0 {
			p.WriteByte('.')
			p.label(n)
			continue
		}
		p.ident(n)
	}
}

// label prints a name in a position where any keyword is accepted.
func (p *printer) label(s string) {
	if q := QuoteIdent(s); q[0] == '"' && reservedWords[s] {
		p.WriteString(s)
	} else {
		p.WriteString(q)
	}
}

func (p *printer) identList(ns []string) {
	for i, n := range ns {
		if i > 0 {
			p.w(", ")
		}
		p.ident(n)
	}
}

func (p *printer) exprs(es []Expr) {
	for i, e := range es {
		if i > 0 {
			p.w(", ")
		}
		p.expr(e)
	}
}

func (p *printer) node(n Node) {
	switch n := n.(type) {
	case nil:
	case Expr:
		p.expr(n)
	case Stmt:
		p.stmt(n)
	case TableExpr:
		p.tableExpr(n)
	case *TypeName:
		p.typeName(n)
	case *ResTarget:
		p.target(n)
	case *SortBy:
		p.sortBy(n)
	case *WindowDef:
		p.windowDef(n)
	case *ColumnDef:
		p.columnDef(n)
	case *Constraint:
		p.constraint(n, true)
	case *IndexElem:
		p.indexElem(n)
	case *DefElem:
		p.defElem(n)
	case *WithClause:
		p.with(n)
	case *Alias:
		p.alias(n)
	case *CaseWhen:
		p.w("WHEN ")
		p.expr(n.Cond)
		p.w(" THEN ")
		p.expr(n.Result)
	default:
		p.w("<?>")
	}
}

// isNegLiteral reports a literal that prints with a leading '-', which
// needs parentheses before a postfix operator.
func isNegLiteral(e Expr) bool {
	l, ok := e.(*Literal)
	return ok && strings.HasPrefix(l.Val, "-") && (l.Kind == LitInteger || l.Kind == LitNumeric)
}

func (p *printer) expr(e Expr) {
	switch e := e.(type) {
	case nil:
		p.w("<nil>")
	case *Literal:
		switch e.Kind {
		case LitNull:
			p.w("NULL")
		case LitBool:
			p.w(strings.ToUpper(e.Val))
		case LitInteger, LitNumeric:
			p.w(e.Val)
		case LitString:
			p.w(QuoteString(e.Val))
		case LitBitString:
			if e.Val != "" {
				p.w(strings.ToUpper(e.Val[:1]), QuoteString(e.Val[1:]))
			}
		}
	case *Param:
		p.w("$", strconv.Itoa(e.Number))
	case *ColumnRef:
		p.names(e.Names)
		if e.Star {
			if len(e.Names) > 0 {
				p.w(".")
			}
			p.w("*")
		}
	case *TypeCast:
		if isNegLiteral(e.Arg) {
			p.w("(")
			p.expr(e.Arg)
			p.w(")")
		} else {
			p.expr(e.Arg)
		}
		p.w("::")
		p.typeName(e.Type)
	case *CollateExpr:
		p.w("(")
		p.expr(e.Arg)
		p.w(" COLLATE ")
		p.names(e.Collation)
		p.w(")")
	case *UnaryExpr:
		p.w("(")
		p.op(e.OpSchema, e.Op)
		p.w(" ")
		p.expr(e.Arg)
		p.w(")")
	case *BinaryExpr:
		p.w("(")
		p.expr(e.Left)
		p.w(" ")
		p.op(e.OpSchema, e.Op)
		p.w(" ")
		p.expr(e.Right)
		p.w(")")
	case *BoolExpr:
		p.w("(")
		if e.Op == Not {
			p.w("NOT ")
			p.expr(e.Args[0])
		} else {
			sep := " AND "
			if e.Op == Or {
				sep = " OR "
			}
			for i, a := range e.Args {
				if i > 0 {
					p.w(sep)
				}
				p.expr(a)
			}
		}
		p.w(")")
	case *NullTest:
		p.w("(")
		p.expr(e.Arg)
		if e.Not {
			p.w(" IS NOT NULL)")
		} else {
			p.w(" IS NULL)")
		}
	case *BooleanTest:
		p.w("(")
		p.expr(e.Arg)
		p.w(" ", e.Kind.String(), ")")
	case *DistinctExpr:
		p.w("(")
		p.expr(e.Left)
		if e.Not {
			p.w(" IS NOT DISTINCT FROM ")
		} else {
			p.w(" IS DISTINCT FROM ")
		}
		p.expr(e.Right)
		p.w(")")
	case *BetweenExpr:
		p.w("(")
		p.expr(e.Arg)
		p.not(e.Not)
		p.w(" BETWEEN ")
		if e.Symmetric {
			p.w("SYMMETRIC ")
		}
		p.expr(e.Low)
		p.w(" AND ")
		p.expr(e.High)
		p.w(")")
	case *InExpr:
		p.w("(")
		p.expr(e.Arg)
		p.not(e.Not)
		p.w(" IN (")
		p.exprs(e.List)
		p.w("))")
	case *LikeExpr:
		p.w("(")
		p.expr(e.Arg)
		p.not(e.Not)
		p.w(" ", e.Kind.String(), " ")
		p.expr(e.Pattern)
		if e.Escape != nil {
			p.w(" ESCAPE ")
			p.expr(e.Escape)
		}
		p.w(")")
	case *AnyAllExpr:
		p.w("(")
		p.expr(e.Left)
		p.w(" ", e.Op, " ")
		p.anyAll(e.All)
		p.w(" (")
		p.expr(e.Right)
		p.w("))")
	case *SubLink:
		switch e.Kind {
		case ExprSubLink:
			p.w("(")
			p.selectStmt(e.Subquery)
			p.w(")")
		case ExistsSubLink:
			p.w("EXISTS (")
			p.selectStmt(e.Subquery)
			p.w(")")
		case ArraySubLink:
			p.w("ARRAY(")
			p.selectStmt(e.Subquery)
			p.w(")")
		default:
			p.w("(")
			p.expr(e.Test)
			p.w(" ", e.Op, " ")
			p.anyAll(e.Kind == AllSubLink)
			p.w(" (")
			p.selectStmt(e.Subquery)
			p.w("))")
		}
	case *FuncCall:
		p.funcCall(e)
	case *NamedArgExpr:
		p.ident(e.Name)
		p.w(" => ")
		p.expr(e.Arg)
	case *CaseExpr:
		p.w("CASE")
		if e.Arg != nil {
			p.w(" ")
			p.expr(e.Arg)
		}
		for _, w := range e.Whens {
			p.w(" WHEN ")
			p.expr(w.Cond)
			p.w(" THEN ")
			p.expr(w.Result)
		}
		if e.Else != nil {
			p.w(" ELSE ")
			p.expr(e.Else)
		}
		p.w(" END")
	case *CoalesceExpr:
		p.w("COALESCE(")
		p.exprs(e.Args)
		p.w(")")
	case *NullIfExpr:
		p.w("NULLIF(")
		p.expr(e.Left)
		p.w(", ")
		p.expr(e.Right)
		p.w(")")
	case *MinMaxExpr:
		if e.Op == Greatest {
			p.w("GREATEST(")
		} else {
			p.w("LEAST(")
		}
		p.exprs(e.Args)
		p.w(")")
	case *ArrayExpr:
		p.w("ARRAY[")
		p.exprs(e.Elems)
		p.w("]")
	case *RowExpr:
		if e.Explicit {
			p.w("ROW")
		}
		p.w("(")
		p.exprs(e.Args)
		p.w(")")
	case *Subscript:
		p.postfixArg(e.Arg, false)
		p.w("[")
		if e.IsSlice {
			if e.Lower != nil {
				p.expr(e.Lower)
			}
			p.w(":")
			if e.Upper != nil {
				p.expr(e.Upper)
			}
		} else {
			p.expr(e.Upper)
		}
		p.w("]")
	case *FieldSelect:
		p.postfixArg(e.Arg, true)
		p.w(".")
		if e.Star {
			p.w("*")
		} else {
			p.ident(e.Field)
		}
	case *SQLValueFunc:
		p.w(strings.ToUpper(e.Name))
		if e.Precision >= 0 {
			p.w("(", strconv.Itoa(e.Precision), ")")
		}
	case *SetToDefault:
		p.w("DEFAULT")
	case *GroupingSet:
		switch e.Kind {
		case GroupingEmpty:
			p.w("()")
			return
		case GroupingRollup:
			p.w("ROLLUP(")
		case GroupingCube:
			p.w("CUBE(")
		case GroupingSets:
			p.w("GROUPING SETS(")
		default:
			p.w("(")
		}
		p.exprs(e.Items)
		p.w(")")
	case *GroupingFunc:
		p.w("GROUPING(")
		p.exprs(e.Args)
		p.w(")")
	case *MultiAssignRef:
		p.expr(e.Source)
	default:
		p.w("<?>")
	}
}

// postfixArg prints the operand of a subscript (field=false) or a field
// selection, parenthesized unless it already is a valid indirection base.
func (p *printer) postfixArg(e Expr, field bool) {
	switch e := e.(type) {
	case nil:
		return
	case *Subscript, *FieldSelect, *Param:
		p.expr(e)
		return
	case *ColumnRef:
		if !field && !e.Star {
			p.expr(e)
			return
		}
	}
	p.w("(")
	p.expr(e)
	p.w(")")
}

func (p *printer) not(b bool) {
	if b {
		p.w(" NOT")
	}
}

func (p *printer) anyAll(all bool) {
	if all {
		p.w("ALL")
	} else {
		p.w("ANY")
	}
}

func (p *printer) op(schema, op string) {
	if schema != "" {
		p.w("OPERATOR(")
		p.ident(schema)
		p.w(".", op, ")")
		return
	}
	p.w(op)
}

func (p *printer) funcCall(f *FuncCall) {
	p.names(f.Names)
	p.w("(")
	switch {
	case f.Star:
		p.w("*")
	default:
		if f.Distinct {
			p.w("DISTINCT ")
		}
		for i, a := range f.Args {
			if i > 0 {
				p.w(", ")
			}
			if f.Variadic && i == len(f.Args)-1 {
				p.w("VARIADIC ")
			}
			p.expr(a)
		}
		if f.OrderBy != nil && !f.WithinGroup {
			p.w(" ")
			p.orderBy(f.OrderBy)
		}
	}
	p.w(")")
	if f.WithinGroup {
		p.w(" WITHIN GROUP (")
		p.orderBy(f.OrderBy)
		p.w(")")
	}
	if f.Filter != nil {
		p.w(" FILTER (WHERE ")
		p.expr(f.Filter)
		p.w(")")
	}
	if f.Over != nil {
		p.w(" OVER ")
		if f.Over.RefName != "" && f.Over.PartitionBy == nil && f.Over.OrderBy == nil && f.Over.Frame == nil {
			p.ident(f.Over.RefName)
		} else {
			p.windowSpec(f.Over)
		}
	}
}

func (p *printer) orderBy(l []*SortBy) {
	p.w("ORDER BY ")
	for i, s := range l {
		if i > 0 {
			p.w(", ")
		}
		p.sortBy(s)
	}
}

func (p *printer) sortBy(s *SortBy) {
	p.expr(s.Expr)
	switch s.Dir {
	case SortAsc:
		p.w(" ASC")
	case SortDesc:
		p.w(" DESC")
	case SortUsing:
		p.w(" USING ")
		if i := strings.LastIndexByte(s.UsingOp, '.'); i > 0 {
			p.w("OPERATOR(")
			p.ident(s.UsingOp[:i])
			p.w(".", s.UsingOp[i+1:], ")")
		} else {
			p.w(s.UsingOp)
		}
	}
	p.nulls(s.Nulls)
}

func (p *printer) nulls(n NullsOrder) {
	switch n {
	case NullsFirst:
		p.w(" NULLS FIRST")
	case NullsLast:
		p.w(" NULLS LAST")
	}
}

func (p *printer) windowDef(w *WindowDef) {
	if w.Name != "" {
		p.ident(w.Name)
		p.w(" AS ")
	}
	p.windowSpec(w)
}

func (p *printer) windowSpec(w *WindowDef) {
	p.w("(")
	sep := ""
	if w.RefName != "" {
		p.ident(w.RefName)
		sep = " "
	}
	if w.PartitionBy != nil {
		p.w(sep, "PARTITION BY ")
		p.exprs(w.PartitionBy)
		sep = " "
	}
	if w.OrderBy != nil {
		p.w(sep)
		p.orderBy(w.OrderBy)
		sep = " "
	}
	if f := w.Frame; f != nil {
		p.w(sep)
		switch f.Mode {
		case FrameRange:
			p.w("RANGE")
		case FrameRows:
			p.w("ROWS")
		default:
			p.w("GROUPS")
		}
		p.w(" BETWEEN ")
		p.frameBound(f.Start)
		p.w(" AND ")
		p.frameBound(f.End)
		switch f.Exclude {
		case ExcludeCurrentRow:
			p.w(" EXCLUDE CURRENT ROW")
		case ExcludeGroup:
			p.w(" EXCLUDE GROUP")
		case ExcludeTies:
			p.w(" EXCLUDE TIES")
		}
	}
	p.w(")")
}

func (p *printer) frameBound(b FrameBound) {
	switch b.Kind {
	case BoundUnboundedPreceding:
		p.w("UNBOUNDED PRECEDING")
	case BoundUnboundedFollowing:
		p.w("UNBOUNDED FOLLOWING")
	case BoundCurrentRow:
		p.w("CURRENT ROW")
	case BoundPreceding:
		p.expr(b.Offset)
		p.w(" PRECEDING")
	case BoundFollowing:
		p.expr(b.Offset)
		p.w(" FOLLOWING")
	}
}

// singleIntTypmod reports a single integer-constant typmod (what the
// SQL-standard spellings such as VARCHAR(n) accept).
func singleIntTypmod(t *TypeName) (string, bool) {
	if len(t.Typmods) != 1 {
		return "", false
	}
	l, ok := t.Typmods[0].(*Literal)
	if !ok || l.Kind != LitInteger || strings.HasPrefix(l.Val, "-") {
		return "", false
	}
	return l.Val, true
}

var intervalFieldNames = map[int]string{
	IntervalYear:                 "YEAR",
	IntervalMonth:                "MONTH",
	IntervalDay:                  "DAY",
	IntervalHour:                 "HOUR",
	IntervalMinute:               "MINUTE",
	IntervalSecond:               "SECOND",
	IntervalYear | IntervalMonth: "YEAR TO MONTH",
	IntervalDay | IntervalHour:   "DAY TO HOUR",
	IntervalDay | IntervalHour | IntervalMinute:                  "DAY TO MINUTE",
	IntervalDay | IntervalHour | IntervalMinute | IntervalSecond: "DAY TO SECOND",
	IntervalHour | IntervalMinute:                                "HOUR TO MINUTE",
	IntervalHour | IntervalMinute | IntervalSecond:               "HOUR TO SECOND",
	IntervalMinute | IntervalSecond:                              "MINUTE TO SECOND",
}

// sqlTypeName returns the SQL-standard spelling of a pg_catalog type that
// reads back as the same TypeName, or "".
func sqlTypeName(t *TypeName) string {
	if len(t.Names) != 2 || t.Names[0] != "pg_catalog" || t.PctType {
		return ""
	}
	n, hasN := singleIntTypmod(t)
	none := len(t.Typmods) == 0
	switch t.Names[1] {
	case "int4":
		if none {
			return "integer"
		}
	case "int2":
		if none {
			return "smallint"
		}
	case "int8":
		if none {
			return "bigint"
		}
	case "float4":
		if none {
			return "real"
		}
	case "float8":
		if none {
			return "double precision"
		}
	case "bool":
		if none {
			return "boolean"
		}
	case "numeric":
		return "numeric"
	case "varbit":
		return "bit varying"
	case "bit":
		if !none {
			return "bit"
		}
	case "varchar":
		if none {
			return "character varying"
		}
		if hasN {
			return "character varying(" + n + ")"
		}
	case "bpchar":
		if hasN {
			return "character(" + n + ")"
		}
	case "timestamp", "timestamptz", "time", "timetz":
		base := strings.TrimSuffix(t.Names[1], "tz")
		if hasN {
			base += "(" + n + ")"
		} else if !none {
			return ""
		}
		if strings.HasSuffix(t.Names[1], "tz") {
			return base + " with time zone"
		}
		return base + " without time zone"
	case "interval":
		if t.IntervalFields == 0 {
			if none {
				return "interval"
			}
			if hasN {
				return "interval(" + n + ")"
			}
			return ""
		}
		f, ok := intervalFieldNames[t.IntervalFields]
		if !ok {
			return ""
		}
		s := "interval " + strings.ToLower(f)
		if hasN && t.IntervalFields&IntervalSecond != 0 {
			return s + "(" + n + ")"
		}
		if none {
			return s
		}
	}
	return ""
}

func (p *printer) typeName(t *TypeName) {
	if t.Setof {
		p.w("SETOF ")
	}
	if s := sqlTypeName(t); s != "" {
		p.w(s)
		if s == "numeric" || s == "bit" || s == "bit varying" {
			if t.Typmods != nil {
				p.w("(")
				p.exprs(t.Typmods)
				p.w(")")
			}
		}
	} else {
		p.names(t.Names)
		if t.PctType {
			p.w("%TYPE")
		}
		if t.Typmods != nil {
			p.w("(")
			p.exprs(t.Typmods)
			p.w(")")
		}
	}
	for _, b := range t.ArrayBounds {
		if b < 0 {
			p.w("[]")
		} else {
			p.w("[", strconv.Itoa(b), "]")
		}
	}
}

// funcExpr prints a func_expr_windowless: casts must use the CAST syntax.
func (p *printer) funcExpr(e Expr) {
	if tc, ok := e.(*TypeCast); ok {
		p.w("CAST(")
		p.expr(tc.Arg)
		p.w(" AS ")
		p.typeName(tc.Type)
		p.w(")")
		return
	}
	p.expr(e)
}

func (p *printer) alias(a *Alias) {
	p.w(" AS ")
	p.ident(a.Name)
	if a.Columns != nil {
		p.w("(")
		p.identList(a.Columns)
		p.w(")")
	}
}

func (p *printer) rangeVar(r *RangeVar) {
	if r.Only {
		p.w("ONLY ")
	}
	if r.Catalog != "" {
		p.ident(r.Catalog)
		p.w(".")
	}
	if r.Schema != "" {
		p.ident(r.Schema)
		p.w(".")
	}
	p.ident(r.Name)
}

func (p *printer) tableExpr(t TableExpr) {
	switch t := t.(type) {
	case *RangeVar:
		p.rangeVar(t)
		if t.Alias != nil {
			p.alias(t.Alias)
		}
	case *RangeSubselect:
		if t.Lateral {
			p.w("LATERAL ")
		}
		p.w("(")
		p.selectStmt(t.Subquery)
		p.w(")")
		if t.Alias != nil {
			p.alias(t.Alias)
		}
	case *RangeFunction:
		if t.Lateral {
			p.w("LATERAL ")
		}
		if t.RowsFrom {
			p.w("ROWS FROM (")
			for i, f := range t.Funcs {
				if i > 0 {
					p.w(", ")
				}
				p.funcExpr(f)
			}
			p.w(")")
		} else if len(t.Funcs) == 1 {
			p.funcExpr(t.Funcs[0])
		}
		if t.WithOrdinality {
			p.w(" WITH ORDINALITY")
		}
		if t.Alias != nil {
			p.w(" AS ")
			if t.Alias.Name != "" {
				p.ident(t.Alias.Name)
			}
			if t.Alias.Columns != nil {
				p.w("(")
				p.identList(t.Alias.Columns)
				p.w(")")
			}
		}
		if t.ColDefs != nil {
			p.w("(")
			for i, c := range t.ColDefs {
				if i > 0 {
					p.w(", ")
				}
				p.ident(c.Name)
				p.w(" ")
				p.typeName(c.Type)
				if c.Collation != nil {
					p.w(" COLLATE ")
					p.names(c.Collation)
				}
			}
			p.w(")")
		}
	case *JoinExpr:
		p.w("(")
		p.tableExpr(t.Left)
		p.w(" ")
		if t.Natural {
			p.w("NATURAL ")
		}
		p.w(t.Type.String(), " ")
		p.tableExpr(t.Right)
		if t.On != nil {
			p.w(" ON ")
			p.expr(t.On)
		}
		if t.Using != nil {
			p.w(" USING (")
			p.identList(t.Using)
			p.w(")")
			if t.UsingAlias != nil {
				p.w(" AS ")
				p.ident(t.UsingAlias.Name)
			}
		}
		p.w(")")
		if t.Alias != nil {
			p.alias(t.Alias)
		}
	}
}

func (p *printer) target(t *ResTarget) {
	if t.Val != nil {
		p.expr(t.Val)
		if t.Name != "" {
			p.w(" AS ")
			p.ident(t.Name)
		}
		return
	}
	p.ident(t.Name)
	p.indirection(t.Indirection)
}

func (p *printer) indirection(ind []Expr) {
	for _, e := range ind {
		switch e := e.(type) {
		case *Subscript:
			s := *e
			s.Arg = nil
			p.expr(&s)
		case *FieldSelect:
			p.w(".")
			p.ident(e.Field)
		}
	}
}

func (p *printer) targets(ts []*ResTarget) {
	for i, t := range ts {
		if i > 0 {
			p.w(", ")
		}
		p.target(t)
	}
}

func (p *printer) with(w *WithClause) {
	p.w("WITH ")
	if w.Recursive {
		p.w("RECURSIVE ")
	}
	for i, c := range w.CTEs {
		if i > 0 {
			p.w(", ")
		}
		p.ident(c.Name)
		if c.Columns != nil {
			p.w("(")
			p.identList(c.Columns)
			p.w(")")
		}
		p.w(" AS ")
		switch c.Materialize {
		case MaterializeAlways:
			p.w("MATERIALIZED ")
		case MaterializeNever:
			p.w("NOT MATERIALIZED ")
		}
		p.w("(")
		p.stmt(c.Query)
		p.w(")")
	}
	p.w(" ")
}

// hasOptions reports whether a query carries clauses that force
// parentheses when it is an operand of a set operation.
func hasOptions(s *SelectStmt) bool {
	return s.With != nil || s.OrderBy != nil || s.Limit != nil || s.Offset != nil || s.Locking != nil || s.Into != nil
}

func (p *printer) setOperand(s *SelectStmt) {
	if s.Op != SetOpNone || hasOptions(s) {
		p.w("(")
		p.selectStmt(s)
		p.w(")")
		return
	}
	p.selectStmt(s)
}

func (p *printer) selectStmt(s *SelectStmt) {
	if s.With != nil {
		p.with(s.With)
	}
	switch {
	case s.Op != SetOpNone:
		p.setOperand(s.Left)
		p.w(" ", s.Op.String(), " ")
		if s.All {
			p.w("ALL ")
		}
		p.setOperand(s.Right)
	case s.Values != nil:
		p.w("VALUES ")
		for i, row := range s.Values {
			if i > 0 {
				p.w(", ")
			}
			p.w("(")
			p.exprs(row)
			p.w(")")
		}
	default:
		p.w("SELECT")
		if s.Distinct {
			p.w(" DISTINCT")
		}
		if s.DistinctOn != nil {
			p.w(" DISTINCT ON (")
			p.exprs(s.DistinctOn)
			p.w(")")
		}
		if s.Targets != nil {
			p.w(" ")
			p.targets(s.Targets)
		}
		if s.Into != nil {
			p.w(" INTO ")
			switch s.Into.Persistence {
			case PersistTemp:
				p.w("TEMP ")
			case PersistUnlogged:
				p.w("UNLOGGED ")
			}
			p.rangeVar(s.Into.Rel)
		}
		if s.From != nil {
			p.w(" FROM ")
			p.tableExprs(s.From)
		}
		if s.Where != nil {
			p.w(" WHERE ")
			p.expr(s.Where)
		}
		if s.GroupBy != nil {
			p.w(" GROUP BY ")
			if s.GroupByDistinct {
				p.w("DISTINCT ")
			}
			p.exprs(s.GroupBy)
		}
		if s.Having != nil {
			p.w(" HAVING ")
			p.expr(s.Having)
		}
		if s.Windows != nil {
			p.w(" WINDOW ")
			for i, w := range s.Windows {
				if i > 0 {
					p.w(", ")
				}
				p.windowDef(w)
			}
		}
	}
	if s.OrderBy != nil {
		p.w(" ")
		p.orderBy(s.OrderBy)
	}
	if s.Offset != nil {
		p.w(" OFFSET ")
		p.expr(s.Offset)
	}
	if s.Limit != nil {
		if s.LimitWithTies {
			p.w(" FETCH FIRST ")
			p.fetchValue(s.Limit)
			p.w(" ROWS WITH TIES")
		} else if l, ok := s.Limit.(*Literal); ok && l.Kind == LitNull {
			p.w(" LIMIT ALL")
		} else {
			p.w(" LIMIT ")
			p.expr(s.Limit)
		}
	}
	for _, l := range s.Locking {
		p.w(" ", l.Strength.String())
		if l.Tables != nil {
			p.w(" OF ")
			for i, t := range l.Tables {
				if i > 0 {
					p.w(", ")
				}
				p.rangeVar(t)
			}
		}
		switch l.Wait {
		case LockWaitError:
			p.w(" NOWAIT")
		case LockWaitSkip:
			p.w(" SKIP LOCKED")
		}
	}
}

// fetchValue prints a FETCH FIRST count, which must be a c_expr.
func (p *printer) fetchValue(e Expr) {
	if isNegLiteral(e) {
		p.expr(e)
		return
	}
	switch e.(type) {
	case *Literal, *Param, *ColumnRef:
		p.expr(e)
	default:
		p.w("(")
		p.expr(e)
		p.w(")")
	}
}

func (p *printer) tableExprs(l []TableExpr) {
	for i, t := range l {
		if i > 0 {
			p.w(", ")
		}
		p.tableExpr(t)
	}
}

func (p *printer) returning(l []*ResTarget) {
	if l != nil {
		p.w(" RETURNING ")
		p.targets(l)
	}
}

// setClauses prints UPDATE SET items, regrouping multi-column assignments.
func (p *printer) setClauses(l []*ResTarget) {
	for i := 0; i < len(l); i++ {
		if i > 0 {
			p.w(", ")
		}
		if m, ok := l[i].Val.(*MultiAssignRef); ok {
			p.w("(")
			j := i
			for ; j < len(l) && j < i+m.Ncols; j++ {
				if j > i {
					p.w(", ")
				}
				p.ident(l[j].Name)
				p.indirection(l[j].Indirection)
			}
			p.w(") = ")
			p.expr(m.Source)
			i = j - 1
			continue
		}
		p.ident(l[i].Name)
		p.indirection(l[i].Indirection)
		p.w(" = ")
		p.expr(l[i].Val)
	}
}

func (p *printer) relWithAlias(r *RangeVar) {
	p.rangeVar(r)
	if r.Alias != nil {
		p.w(" AS ")
		p.ident(r.Alias.Name)
	}
}

func (p *printer) indexElem(e *IndexElem) {
	if e.Expr != nil {
		if _, ok := e.Expr.(*FuncCall); ok {
			p.expr(e.Expr)
		} else {
			p.w("(")
			p.expr(e.Expr)
			p.w(")")
		}
	} else {
		p.ident(e.Name)
	}
	if e.Collation != nil {
		p.w(" COLLATE ")
		p.names(e.Collation)
	}
	if e.Opclass != nil {
		p.w(" ")
		p.names(e.Opclass)
	}
	switch e.Dir {
	case SortAsc:
		p.w(" ASC")
	case SortDesc:
		p.w(" DESC")
	}
	p.nulls(e.Nulls)
}

func (p *printer) indexElems(l []*IndexElem) {
	for i, e := range l {
		if i > 0 {
			p.w(", ")
		}
		p.indexElem(e)
	}
}

func (p *printer) defElem(d *DefElem) {
	p.label(d.Name)
	if d.Arg != nil {
		p.w(" ")
		p.defArg(d.Arg)
	}
}

func (p *printer) defArg(n Node) {
	switch a := n.(type) {
	case *RowExpr:
		p.w("(")
		for i, x := range a.Args {
			if i > 0 {
				p.w(", ")
			}
			p.defArg(x)
		}
		p.w(")")
	case *Literal:
		if a.Kind == LitString {
			p.w(QuoteString(a.Val))
		} else {
			p.expr(a)
		}
	case *ColumnRef:
		p.expr(a)
	case *TypeName:
		p.typeName(a)
	default:
		p.node(n)
	}
}

func (p *printer) defElems(l []*DefElem, sep string) {
	for i, d := range l {
		if i > 0 {
			p.w(sep)
		}
		p.defElem(d)
	}
}

func (p *printer) persistence(x Persistence) {
	switch x {
	case PersistTemp:
		p.w("TEMP ")
	case PersistUnlogged:
		p.w("UNLOGGED ")
	}
}

func (p *printer) behavior(b DropBehavior) {
	switch b {
	case DropCascade:
		p.w(" CASCADE")
	case DropRestrict:
		p.w(" RESTRICT")
	}
}

func (p *printer) columnDef(c *ColumnDef) {
	p.ident(c.Name)
	p.w(" ")
	p.typeName(c.Type)
	if c.Collation != nil {
		p.w(" COLLATE ")
		p.names(c.Collation)
	}
	for _, k := range c.Constraints {
		p.w(" ")
		p.constraint(k, false)
	}
}

var fkActionSQL = [...]string{"", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"}

// constraint prints a column constraint (table=false) or a table constraint.
func (p *printer) constraint(c *Constraint, table bool) {
	if c.Name != "" {
		p.w("CONSTRAINT ")
		p.ident(c.Name)
		p.w(" ")
	}
	switch c.Kind {
	case ConstrNull:
		p.w("NULL")
	case ConstrNotNull:
		p.w("NOT NULL")
	case ConstrDefault:
		p.w("DEFAULT ")
		p.expr(c.Expr)
	case ConstrIdentity:
		p.w("GENERATED ")
		if c.Identity == IdentityAlways {
			p.w("ALWAYS")
		} else {
			p.w("BY DEFAULT")
		}
		p.w(" AS IDENTITY")
		if c.SeqOptions != nil {
			p.w(" (")
			p.seqOptions(c.SeqOptions)
			p.w(")")
		}
	case ConstrGenerated:
		p.w("GENERATED ALWAYS AS (")
		p.expr(c.Expr)
		p.w(") STORED")
	case ConstrCheck:
		p.w("CHECK (")
		p.expr(c.Expr)
		p.w(")")
		if c.NoInherit {
			p.w(" NO INHERIT")
		}
	case ConstrPrimary, ConstrUnique:
		if c.Kind == ConstrPrimary {
			p.w("PRIMARY KEY")
		} else {
			p.w("UNIQUE")
			if c.NullsNotDistinct {
				p.w(" NULLS NOT DISTINCT")
			}
		}
		if c.IndexName != "" {
			p.w(" USING INDEX ")
			p.ident(c.IndexName)
		} else if table {
			p.w(" (")
			p.identList(c.Keys)
			p.w(")")
			if c.Including != nil {
				p.w(" INCLUDE (")
				p.identList(c.Including)
				p.w(")")
			}
		}
	case ConstrForeign:
		if table {
			p.w("FOREIGN KEY (")
			p.identList(c.Keys)
			p.w(") ")
		}
		p.w("REFERENCES ")
		p.rangeVar(c.RefTable)
		if c.RefColumns != nil {
			p.w(" (")
			p.identList(c.RefColumns)
			p.w(")")
		}
		if c.Match == MatchFull {
			p.w(" MATCH FULL")
		}
		if c.OnDelete != FKNoAction {
			p.w(" ON DELETE ", fkActionSQL[c.OnDelete])
		}
		if c.OnUpdate != FKNoAction {
			p.w(" ON UPDATE ", fkActionSQL[c.OnUpdate])
		}
	}
	if c.Deferrable && !(c.InitiallyDeferred && !table) {
		p.w(" DEFERRABLE")
	}
	if c.InitiallyDeferred {
		p.w(" INITIALLY DEFERRED")
	}
	if c.NotValid {
		p.w(" NOT VALID")
	}
	if table && c.NoInherit && c.Kind != ConstrCheck {
		p.w(" NO INHERIT")
	}
}

func (p *printer) seqOptions(l []*DefElem) {
	for i, d := range l {
		if i > 0 {
			p.w(" ")
		}
		lit, _ := d.Arg.(*Literal)
		switch d.Name {
		case "cycle":
			if lit != nil && lit.Val == "false" {
				p.w("NO CYCLE")
			} else {
				p.w("CYCLE")
			}
		case "minvalue", "maxvalue":
			if d.Arg == nil {
				p.w("NO ", strings.ToUpper(d.Name))
			} else {
				p.w(strings.ToUpper(d.Name), " ")
				p.defArg(d.Arg)
			}
		case "owned_by":
			p.w("OWNED BY ")
			if c, ok := d.Arg.(*ColumnRef); ok && len(c.Names) == 1 && c.Names[0] == "none" {
				p.w("NONE")
			} else {
				p.defArg(d.Arg)
			}
		case "sequence_name":
			p.w("SEQUENCE NAME ")
			p.defArg(d.Arg)
		case "restart":
			p.w("RESTART")
			if d.Arg != nil {
				p.w(" WITH ")
				p.defArg(d.Arg)
			}
		case "generated":
			p.w("SET GENERATED ")
			if lit != nil && lit.Val == "always" {
				p.w("ALWAYS")
			} else {
				p.w("BY DEFAULT")
			}
		default: // as, increment, start, cache
			p.w(strings.ToUpper(d.Name), " ")
			p.defArg(d.Arg)
		}
	}
}

func (p *printer) stmt(s Stmt) {
	switch s := s.(type) {
	case *SelectStmt:
		p.selectStmt(s)
	case *InsertStmt:
		if s.With != nil {
			p.with(s.With)
		}
		p.w("INSERT INTO ")
		p.relWithAlias(s.Table)
		if s.Columns != nil {
			p.w(" (")
			p.targets(s.Columns)
			p.w(")")
		}
		switch s.Overriding {
		case OverridingSystem:
			p.w(" OVERRIDING SYSTEM VALUE")
		case OverridingUser:
			p.w(" OVERRIDING USER VALUE")
		}
		if s.Source == nil {
			p.w(" DEFAULT VALUES")
		} else {
			p.w(" ")
			p.selectStmt(s.Source)
		}
		if oc := s.OnConflict; oc != nil {
			p.w(" ON CONFLICT")
			if oc.Columns != nil {
				p.w(" (")
				p.indexElems(oc.Columns)
				p.w(")")
				if oc.IndexWhere != nil {
					p.w(" WHERE ")
					p.expr(oc.IndexWhere)
				}
			}
			if oc.Constraint != "" {
				p.w(" ON CONSTRAINT ")
				p.ident(oc.Constraint)
			}
			if oc.Action == DoNothing {
				p.w(" DO NOTHING")
			} else {
				p.w(" DO UPDATE SET ")
				p.setClauses(oc.Set)
				if oc.UpdateWhere != nil {
					p.w(" WHERE ")
					p.expr(oc.UpdateWhere)
				}
			}
		}
		p.returning(s.Returning)
	case *UpdateStmt:
		if s.With != nil {
			p.with(s.With)
		}
		p.w("UPDATE ")
		p.relWithAlias(s.Table)
		p.w(" SET ")
		p.setClauses(s.Set)
		if s.From != nil {
			p.w(" FROM ")
			p.tableExprs(s.From)
		}
		if s.Where != nil {
			p.w(" WHERE ")
			p.expr(s.Where)
		}
		p.returning(s.Returning)
	case *DeleteStmt:
		if s.With != nil {
			p.with(s.With)
		}
		p.w("DELETE FROM ")
		p.relWithAlias(s.Table)
		if s.Using != nil {
			p.w(" USING ")
			p.tableExprs(s.Using)
		}
		if s.Where != nil {
			p.w(" WHERE ")
			p.expr(s.Where)
		}
		p.returning(s.Returning)
	default:
		p.utilityStmt(s)
	}
}
