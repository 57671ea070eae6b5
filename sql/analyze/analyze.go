package analyze

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/funcs"
	"github.com/tuskdb/tusk/sql/parser"
	"github.com/tuskdb/tusk/sql/types"
)

// CmdType is the kind of a Query.
type CmdType uint8

// Query kinds.
const (
	CmdSelect CmdType = iota
	CmdInsert
	CmdUpdate
	CmdDelete
)

// Env is what the analyzer needs from the session.
type Env struct {
	// LookupRelation resolves a possibly schema-qualified name; nil, nil
	// when there is no such relation.
	LookupRelation func(schema, name string) (*catalog.Relation, error)
	// ParamTypes gives the types of $n the caller already knows (may be
	// shorter than the number of parameters, or contain nil).
	ParamTypes []*types.T
	// ColumnDefault returns the DEFAULT expression of a column as SQL
	// text ("" for none): pg_attrdef.adbin. The analyzer parses it.
	ColumnDefault func(rel *catalog.Relation, col int) (string, error)
	// SessionFunc resolves functions that need the session or the catalog
	// (nextval, currval, pg_backend_pid, pg_relation_size...): nil when
	// name with these argument types is not one of them.
	SessionFunc func(name string, argTypes []*types.T) *SessionFuncDef
	// ViewQuery returns the analyzed query of a view (the rewriter's job).
	ViewQuery func(rel *catalog.Relation) (*Query, error)
	// RegclassIn resolves a relation name written as a regclass literal
	// ('t'::regclass, nextval('s')): its OID, or 42P01 (regclassin). Nil
	// leaves only numeric regclass input.
	RegclassIn func(name string) (base.OID, error)
	// RegIn resolves the other reg* types written by name ('public'::
	// regnamespace, 'int4'::regtype, 'now'::regproc; regclass too when
	// RegclassIn is nil), for literals and at run time for casts from
	// text: the OID, or PostgreSQL's error (3F000, 42704, 42883...).
	RegIn func(t *types.T, name string) (base.OID, error)
	// RegOut prints a reg* value as its output function does with the
	// catalog (regclassout: the relation's name, qualified when not
	// visible). Casts from reg* types to text types use it; nil prints
	// the OID.
	RegOut func(t *types.T, oid base.OID) (string, error)
	// FuncContext is the session's context for function calls (clock,
	// time zone); nil gives UTC and the wall clock.
	FuncContext *funcs.FuncContext
}

// SessionFuncDef is a function provided by the session (Env.SessionFunc).
type SessionFuncDef struct {
	OID    uint32
	Args   []*types.T // argument types the call's arguments are coerced to
	Ret    *types.T
	Strict bool
	Fn     func(args []types.Datum) (types.Datum, error)
	// SRF makes the function set-returning (allowed in FROM only): it
	// starts the function, and next yields values until ok is false. With
	// OutCols, each value is a []types.Datum row of those columns.
	SRF     func(args []types.Datum) (next func() (types.Datum, bool, error), err error)
	OutCols []Column
}

// Analyze analyzes a SELECT, INSERT, UPDATE or DELETE statement.
func Analyze(stmt ast.Stmt, env *Env) (*Query, error) {
	a := &analyzer{env: env, q: &Query{Result: -1}, st: &stmtState{}}
	a.st.params = append(a.st.params, env.ParamTypes...)
	var err error
	switch s := stmt.(type) {
	case *ast.SelectStmt:
		a.q, err = a.selectStmt(s)
	case *ast.InsertStmt:
		err = a.insertStmt(s)
	case *ast.UpdateStmt:
		err = a.updateStmt(s)
	case *ast.DeleteStmt:
		err = a.deleteStmt(s)
	default:
		return nil, pgerr.New(pgerr.FeatureNotSupported, "statement %T is not supported", stmt)
	}
	if err != nil {
		return nil, err
	}
	for i, t := range a.st.params {
		if t == nil || t == types.Unknown {
			a.st.params[i] = types.Text
		}
	}
	a.q.Params = a.st.params
	return a.q, nil
}

// withPos reports err, an error found without a position (operator or
// function resolution), at the 0-based offset pos of the query text.
func withPos(pos int, err error) *pgerr.Error {
	pe := *pgerr.As(err)
	pe.Position = pos + 1
	return &pe
}

func errAt(pos int, code pgerr.Code, format string, args ...any) *pgerr.Error {
	return pgerr.New(code, format, args...).WithPosition(pos + 1)
}

func (a *analyzer) where(w ast.Expr) error {
	if w == nil {
		return nil
	}
	e, err := a.expr(w)
	if err != nil {
		return err
	}
	e, err = a.coerceBool(e, w.Position(), "WHERE")
	if err != nil {
		return err
	}
	a.q.Where = e
	return nil
}

func (a *analyzer) coerceBool(e Expr, pos int, clause string) (Expr, error) {
	if e.Type() == types.Bool {
		return e, nil
	}
	if e.Type() == types.Unknown {
		return a.coerce(e, types.Bool, -1, 'i', pos)
	}
	return nil, errAt(pos, pgerr.DatatypeMismatch, "argument of %s must be type boolean, not type %s", clause, types.FormatType(e.Type(), -1))
}

// columnName mirrors FigureColname.
func columnName(e ast.Expr) string {
	switch n := e.(type) {
	case *ast.ColumnRef:
		if len(n.Names) > 0 {
			return n.Names[len(n.Names)-1]
		}
	case *ast.TypeCast:
		// A cast's column is named after the innermost non-cast argument
		// when that has a strong name (FigureColnameInternal), else after
		// the outermost type: 'users'::regclass::text is "text".
		inner := n.Arg
		for {
			c, ok := inner.(*ast.TypeCast)
			if !ok {
				break
			}
			inner = c.Arg
		}
		switch c := inner.(type) {
		case *ast.CaseExpr:
			if name, ok := caseColumnName(c); ok {
				return name
			}
		case *ast.ArrayExpr:
		default:
			if name := columnName(inner); name != "?column?" {
				return name
			}
		}
		if len(n.Type.Names) > 0 {
			return typeNameOf(n.Type)
		}
	case *ast.FuncCall:
		return n.Names[len(n.Names)-1]
	case *ast.CaseExpr:
		name, _ := caseColumnName(n)
		return name
	case *ast.CoalesceExpr:
		return "coalesce"
	case *ast.Subscript: // A_Indirection: named after the subscripted expression
		return columnName(n.Arg)
	case *ast.MinMaxExpr:
		if n.Op == ast.Least {
			return "least"
		}
		return "greatest"
	case *ast.SubLink:
		switch n.Kind {
		case ast.ExistsSubLink:
			return "exists"
		case ast.ArraySubLink:
			return "array"
		case ast.ExprSubLink:
			if n.Subquery != nil && len(n.Subquery.Targets) == 1 && n.Subquery.Op == ast.SetOpNone {
				t := n.Subquery.Targets[0]
				if t.Name != "" {
					return t.Name
				}
				return columnName(t.Val)
			}
		}
	case *ast.ArrayExpr:
		return "array"
	case *ast.SQLValueFunc:
		return n.Name
	case *ast.BooleanTest, *ast.NullTest:
		return "?column?"
	case *ast.NullIfExpr:
		return "nullif"
	}
	return "?column?"
}

// caseColumnName names a CASE column after its ELSE result when that has
// a strong name (a column, a function, a cast of one, a CASE whose ELSE
// has one), else "case" (FigureColnameInternal); ok reports a strong name.
func caseColumnName(c *ast.CaseExpr) (string, bool) {
	e := c.Else
	for {
		tc, ok := e.(*ast.TypeCast)
		if !ok {
			break
		}
		e = tc.Arg
	}
	switch n := e.(type) {
	case nil:
	case *ast.CaseExpr:
		if name, ok := caseColumnName(n); ok {
			return name, true
		}
	case *ast.ArrayExpr:
	default:
		if name := columnName(n); name != "?column?" {
			return name, true
		}
	}
	return "case", false
}

func typeNameOf(tn *ast.TypeName) string {
	n := tn.Names[len(tn.Names)-1]
	if t, ok := types.ByName(n); ok {
		return t.Name
	}
	return n
}

func (a *analyzer) insertStmt(s *ast.InsertStmt) error {
	if s.With != nil {
		return errAt(s.Pos, pgerr.FeatureNotSupported, "this form of INSERT is not supported yet")
	}
	a.q.Cmd = CmdInsert
	ri, err := a.addRTE(s.Table)
	if err != nil {
		return err
	}
	a.q.Result = ri
	rte := a.q.RTable[ri]
	// Target columns.
	var cols []int
	if len(s.Columns) == 0 {
		for i, c := range rte.Cols {
			if !c.Dropped {
				cols = append(cols, i)
			}
		}
	} else {
		seen := map[int]bool{}
		for _, rt := range s.Columns {
			ci := a.findColumn(rte, rt.Name)
			if ci < 0 {
				return errAt(rt.Pos, pgerr.UndefinedColumn, "column %q of relation %q does not exist", rt.Name, rte.Rel.Name)
			}
			if seen[ci] {
				return errAt(rt.Pos, pgerr.DuplicateColumn, "column %q specified more than once", rt.Name)
			}
			seen[ci] = true
			cols = append(cols, ci)
		}
	}
	var rows [][]ast.Expr
	switch {
	case s.Source == nil:
		rows = [][]ast.Expr{nil}
	case s.Source.Values != nil && s.Source.Op == ast.SetOpNone && len(s.Source.OrderBy) == 0 && s.Source.Limit == nil:
		rows = s.Source.Values
	default:
		return a.insertSelect(s, rte, cols)
	}
	for _, row := range rows {
		if s.Source != nil {
			if len(row) > len(cols) {
				return errAt(row[len(cols)].Position(), pgerr.SyntaxError, "INSERT has more expressions than target columns")
			}
			if len(row) < len(cols) && len(s.Columns) == 0 {
				// Without a column list, missing trailing columns take their defaults.
				cols = cols[:len(row)]
			}
			if len(row) < len(cols) {
				pos := s.Pos
				if len(s.Columns) > len(row) {
					pos = s.Columns[len(row)].Pos
				}
				return errAt(pos, pgerr.SyntaxError, "INSERT has more target columns than expressions")
			}
		}
		out := make([]Expr, len(rte.Cols))
		for i := range out {
			d, err := a.columnDefault(rte, i)
			if err != nil {
				return err
			}
			out[i] = d
		}
		for k, ci := range cols {
			if s.Source == nil {
				break
			}
			if _, ok := row[k].(*ast.SetToDefault); ok {
				continue // out[ci] holds the default already
			}
			e, err := a.assign(rte, ci, row[k])
			if err != nil {
				return err
			}
			if def, err := identityInsert(rte, ci, s.Overriding); err != nil {
				return err
			} else if def {
				continue // OVERRIDING USER VALUE: out[ci] holds the default
			}
			out[ci] = e
		}
		a.q.Values = append(a.q.Values, out)
	}
	if s.OnConflict != nil {
		if err := a.onConflict(s.OnConflict, ri); err != nil {
			return err
		}
	}
	return a.returning(s.Returning)
}

// insertSelect analyzes INSERT ... SELECT: the source is a subquery whose
// columns are assigned to the target columns.
func (a *analyzer) insertSelect(s *ast.InsertStmt, rte *RTE, cols []int) error {
	sa := a.child()
	sa.parent = nil
	src, err := sa.selectStmt(s.Source)
	if err != nil {
		return err
	}
	if len(src.Targets) > len(cols) {
		return errAt(s.Source.Pos, pgerr.SyntaxError, "INSERT has more expressions than target columns")
	}
	if len(src.Targets) < len(cols) {
		return errAt(s.Pos, pgerr.SyntaxError, "INSERT has more target columns than expressions")
	}
	for k, ci := range cols {
		c := rte.Cols[ci]
		t := src.Targets[k]
		if t.Expr.Type() != c.T && t.Expr.Type() != types.Unknown && !canCoerce(t.Expr.Type(), c.T, 'a') {
			return errAt(s.Source.Pos, pgerr.DatatypeMismatch, "column %q is of type %s but expression is of type %s",
				c.Name, types.FormatType(c.T, -1), types.FormatType(t.Expr.Type(), -1)).
				WithHint("You will need to rewrite or cast the expression.")
		}
		if t.Expr, err = sa.coerce(t.Expr, c.T, c.Mod, 'a', s.Source.Pos); err != nil {
			return err
		}
		if _, err := identityInsert(rte, ci, s.Overriding); err != nil {
			return err
		}
	}
	a.q.Source = src
	a.q.InsertCols = cols
	for ci := range rte.Cols {
		d, err := a.columnDefault(rte, ci)
		if err != nil {
			return err
		}
		a.q.InsertDefaults = append(a.q.InsertDefaults, d)
	}
	return a.returning(s.Returning)
}

func (a *analyzer) assign(rte *RTE, ci int, src ast.Expr) (Expr, error) {
	c := rte.Cols[ci]
	e, err := a.expr(src)
	if err != nil {
		return nil, err
	}
	if e.Type() != c.T && e.Type() != types.Unknown && !canCoerce(e.Type(), c.T, 'a') {
		return nil, errAt(src.Position(), pgerr.DatatypeMismatch, "column %q is of type %s but expression is of type %s",
			c.Name, types.FormatType(c.T, -1), types.FormatType(e.Type(), -1)).
			WithHint("You will need to rewrite or cast the expression.")
	}
	return a.coerce(e, c.T, c.Mod, 'a', src.Position())
}

// columnDefault returns the default expression of column ci of a table:
// its DEFAULT, or a NULL of the column's type (build_column_default).
func (a *analyzer) columnDefault(rte *RTE, ci int) (Expr, error) {
	c := rte.Cols[ci]
	if a.env.ColumnDefault != nil && rte.Rel != nil && !c.Dropped {
		text, err := a.env.ColumnDefault(rte.Rel, ci)
		if err != nil {
			return nil, err
		}
		if text != "" {
			n, err := parser.ParseExpr(text)
			if err != nil {
				return nil, err
			}
			da := &analyzer{env: a.env, q: &Query{Result: -1}, st: a.st}
			e, err := da.expr(n)
			if err != nil {
				return nil, err
			}
			return da.coerce(e, c.T, c.Mod, 'a', 0)
		}
	}
	return &Const{T: c.T, Mod: c.Mod}, nil
}

func (a *analyzer) findColumn(rte *RTE, name string) int {
	for i, c := range rte.Cols {
		if !c.Dropped && c.Name == name {
			return i
		}
	}
	return -1
}

func (a *analyzer) returning(list []*ast.ResTarget) error {
	if len(list) == 0 {
		return nil
	}
	t, err := a.targetList(list)
	a.q.Returning = t
	return err
}

func (a *analyzer) updateStmt(s *ast.UpdateStmt) error {
	if s.With != nil {
		return errAt(s.Pos, pgerr.FeatureNotSupported, "WITH in UPDATE is not supported yet")
	}
	a.q.Cmd = CmdUpdate
	ri, err := a.addRTE(s.Table)
	if err != nil {
		return err
	}
	a.q.Result = ri
	if err := a.dmlFrom(ri, s.From); err != nil {
		return err
	}
	rte := a.q.RTable[ri]
	assigned := map[int]bool{}
	for _, rt := range s.Set {
		ci := a.findColumn(rte, rt.Name)
		if ci >= 0 && assigned[ci] {
			return errAt(rt.Pos, pgerr.SyntaxError, "multiple assignments to same column %q", rt.Name)
		}
		assigned[ci] = true
		if ci < 0 {
			return errAt(rt.Pos, pgerr.UndefinedColumn, "column %q of relation %q does not exist", rt.Name, rte.Rel.Name)
		}
		if len(rt.Indirection) > 0 {
			return errAt(rt.Pos, pgerr.FeatureNotSupported, "assignment to subscripts is not supported yet")
		}
		var e Expr
		if _, ok := rt.Val.(*ast.SetToDefault); ok {
			if e, err = a.columnDefault(rte, ci); err != nil {
				return err
			}
		} else if e, err = a.assign(rte, ci, rt.Val); err != nil {
			return err
		} else if err := identityUpdate(rte, ci); err != nil {
			return err
		}
		a.q.Set = append(a.q.Set, SetItem{Col: ci, Expr: e})
	}
	if err := a.where(s.Where); err != nil {
		return err
	}
	return a.returning(s.Returning)
}

// dmlFrom adds UPDATE's FROM or DELETE's USING items: the statement
// joins the target table with them.
func (a *analyzer) dmlFrom(target int, items []ast.TableExpr) error {
	if len(items) == 0 {
		return nil
	}
	a.q.From = []*JoinNode{{RTE: target}}
	for _, f := range items {
		jn, ns, err := a.fromItem(f)
		if err != nil {
			return err
		}
		for _, it := range ns {
			for _, old := range a.ns {
				if old.relVisible && it.relVisible && old.name == it.name {
					return errAt(f.Position(), pgerr.DuplicateAlias, "table name %q specified more than once", it.name)
				}
			}
		}
		a.ns = append(a.ns, ns...)
		a.q.From = append(a.q.From, jn)
	}
	return nil
}

func (a *analyzer) deleteStmt(s *ast.DeleteStmt) error {
	if s.With != nil {
		return errAt(s.Pos, pgerr.FeatureNotSupported, "WITH in DELETE is not supported yet")
	}
	a.q.Cmd = CmdDelete
	ri, err := a.addRTE(s.Table)
	if err != nil {
		return err
	}
	a.q.Result = ri
	if err := a.dmlFrom(ri, s.Using); err != nil {
		return err
	}
	if err := a.where(s.Where); err != nil {
		return err
	}
	return a.returning(s.Returning)
}

// expr analyzes an expression (transformExpr).
func (a *analyzer) expr(n ast.Expr) (Expr, error) {
	switch e := n.(type) {
	case *ast.Literal:
		return literal(e)
	case *ast.Param:
		if e.Number < 1 || e.Number > 65535 {
			return nil, errAt(e.Pos, pgerr.UndefinedParameter, "there is no parameter $%d", e.Number)
		}
		for len(a.st.params) < e.Number {
			a.st.params = append(a.st.params, nil)
		}
		t := a.st.params[e.Number-1]
		if t == nil {
			t = types.Unknown
		}
		return &Param{N: e.Number, T: t}, nil
	case *ast.ColumnRef:
		return a.columnRef(e)
	case *ast.Subscript:
		return a.subscript(e) // array_ops.go
	case *ast.TypeCast:
		arg, err := a.expr(e.Arg)
		if err != nil {
			return nil, err
		}
		t, mod, err := ResolveType(e.Type)
		if err != nil {
			return nil, err
		}
		if arg.Type() != types.Unknown && arg.Type() != t && types.CastContext(arg.Type(), t) == 0 {
			return nil, errAt(e.Pos, pgerr.CannotCoerce, "cannot cast type %s to %s", types.FormatType(arg.Type(), -1), types.FormatType(t, mod))
		}
		return a.coerce(arg, t, mod, 'e', e.Arg.Position())
	case *ast.BinaryExpr:
		if lr, ok := e.Left.(*ast.RowExpr); ok {
			if rr, ok := e.Right.(*ast.RowExpr); ok {
				return a.rowCompare(e, lr, rr)
			}
		}
		l, err := a.expr(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := a.expr(e.Right)
		if err != nil {
			return nil, err
		}
		return a.operator(e.Op, l, r, e.Pos)
	case *ast.UnaryExpr:
		arg, err := a.expr(e.Arg)
		if err != nil {
			return nil, err
		}
		if c, ok := arg.(*Const); ok && e.Op == "-" && c.Val != nil {
			// Fold -literal so that -2147483648 is an int4, as PostgreSQL's grammar does.
			if lit, ok := e.Arg.(*ast.Literal); ok && (lit.Kind == ast.LitInteger || lit.Kind == ast.LitNumeric) {
				return literal(&ast.Literal{Pos: e.Pos, Kind: lit.Kind, Val: "-" + lit.Val})
			}
		}
		return a.operator(e.Op, nil, arg, e.Pos)
	case *ast.BoolExpr:
		out := &BoolExpr{Op: BoolOp(e.Op)}
		name := map[ast.BoolOp]string{ast.And: "AND", ast.Or: "OR", ast.Not: "NOT"}[e.Op]
		for _, arg := range e.Args {
			x, err := a.expr(arg)
			if err != nil {
				return nil, err
			}
			if x, err = a.coerceBool(x, arg.Position(), name); err != nil {
				return nil, err
			}
			out.Args = append(out.Args, x)
		}
		return out, nil
	case *ast.NullTest:
		if row, ok := e.Arg.(*ast.RowExpr); ok {
			// ROW(...) IS NULL: every field is NULL; IS NOT NULL: none is.
			var tests []Expr
			for _, x := range row.Args {
				v, err := a.expr(x)
				if err != nil {
					return nil, err
				}
				tests = append(tests, &NullTest{Arg: v, Not: e.Not})
			}
			if len(tests) == 1 {
				return tests[0], nil
			}
			return &BoolExpr{Op: And, Args: tests}, nil
		}
		arg, err := a.expr(e.Arg)
		if err != nil {
			return nil, err
		}
		return &NullTest{Arg: arg, Not: e.Not}, nil
	case *ast.BooleanTest:
		arg, err := a.expr(e.Arg)
		if err != nil {
			return nil, err
		}
		if arg, err = a.coerceBool(arg, e.Arg.Position(), e.Kind.String()); err != nil {
			return nil, err
		}
		return &BoolTest{Arg: arg, Kind: int(e.Kind)}, nil
	}
	return a.moreExpr(n)
}

// literal types a constant as PostgreSQL's make_const does.
func literal(l *ast.Literal) (Expr, error) {
	switch l.Kind {
	case ast.LitNull:
		return &Const{T: types.Unknown, Mod: -1, Pos: l.Pos}, nil
	case ast.LitBool:
		return &Const{T: types.Bool, Mod: -1, Val: l.Val == "true", Pos: l.Pos}, nil
	case ast.LitInteger:
		if v, err := strconv.ParseInt(l.Val, 10, 64); err == nil {
			if v >= -1<<31 && v < 1<<31 {
				return &Const{T: types.Int4, Mod: -1, Val: v, Pos: l.Pos}, nil
			}
			return &Const{T: types.Int8, Mod: -1, Val: v, Pos: l.Pos}, nil
		}
		if _, ok := new(big.Int).SetString(l.Val, 10); !ok {
			return nil, errAt(l.Pos, pgerr.SyntaxError, "invalid integer literal %q", l.Val)
		}
		fallthrough
	case ast.LitNumeric:
		// An integer too big for int4 arrives here; it is int8 when it
		// fits, as make_const does for such T_Float values.
		if v, err := strconv.ParseInt(l.Val, 10, 64); err == nil {
			if v >= -1<<31 && v < 1<<31 {
				return &Const{T: types.Int4, Mod: -1, Val: v, Pos: l.Pos}, nil
			}
			return &Const{T: types.Int8, Mod: -1, Val: v, Pos: l.Pos}, nil
		}
		d, err := types.Parse(types.Numeric, -1, l.Val)
		if err != nil {
			return nil, err
		}
		return &Const{T: types.Numeric, Mod: -1, Val: d, Pos: l.Pos}, nil
	case ast.LitString:
		return &Const{T: types.Unknown, Mod: -1, Val: l.Val, Pos: l.Pos}, nil
	}
	return nil, errAt(l.Pos, pgerr.FeatureNotSupported, "bit string literals are not supported yet")
}

// ResolveType resolves a type name and its typmod (typenameTypeIdAndMod).
func ResolveType(tn *ast.TypeName) (*types.T, int32, error) {
	name := tn.Names[len(tn.Names)-1]
	if len(tn.Names) > 1 && tn.Names[0] != "pg_catalog" {
		return nil, 0, errAt(tn.Pos, pgerr.UndefinedObject, "type %q does not exist", strings.Join(tn.Names, "."))
	}
	t, ok := types.ByName(name)
	if !ok {
		return nil, 0, errAt(tn.Pos, pgerr.UndefinedObject, "type %q does not exist", name)
	}
	mod := int32(-1)
	if len(tn.Typmods) > 0 {
		var ints []int32
		for _, m := range tn.Typmods {
			lit, ok := m.(*ast.Literal)
			if !ok || lit.Kind != ast.LitInteger {
				return nil, 0, errAt(m.Position(), pgerr.SyntaxError, "type modifiers must be simple constants or identifiers")
			}
			v, _ := strconv.Atoi(lit.Val)
			ints = append(ints, int32(v))
		}
		var err error
		mod, _, err = types.TypmodIn(t, ints)
		if err != nil {
			if pe, ok := err.(*pgerr.Error); ok && pe.Position == 0 {
				pe.Position = tn.Pos + 1
			}
			return nil, 0, err
		}
	}
	if len(tn.ArrayBounds) > 0 {
		arr := t.Array()
		if arr == nil {
			return nil, 0, errAt(tn.Pos, pgerr.UndefinedObject, "could not find array type for data type %s", types.FormatType(t, -1))
		}
		t = arr
	}
	return t, mod, nil
}

// canCoerce reports whether from converts to to in context ctx ('i'
// implicit, 'a' assignment, 'e' explicit).
func canCoerce(from, to *types.T, ctx byte) bool {
	if from == to || from == types.Unknown {
		return true
	}
	c := types.CastContext(from, to)
	switch ctx {
	case 'i':
		return c == 'i'
	case 'a':
		return c == 'i' || c == 'a'
	}
	return c != 0
}

// coerce converts e to t/mod (coerce_to_target_type). Unknown constants
// are parsed now; unknown parameters take the type.
func (a *analyzer) coerce(e Expr, t *types.T, mod int32, ctx byte, pos int) (Expr, error) {
	switch x := e.(type) {
	case *Const:
		if x.T == types.Unknown {
			if x.Val == nil {
				return &Const{T: t, Mod: mod, Pos: x.Pos}, nil
			}
			v, err := a.parseUnknown(t, mod, x.Val.(string))
			if err != nil {
				if pe, ok := err.(*pgerr.Error); ok && pe.Position == 0 {
					pe.Position = x.Pos + 1
				}
				return nil, err
			}
			return &Const{T: t, Mod: mod, Val: v, Pos: x.Pos}, nil
		}
	case *Param:
		if x.T == types.Unknown {
			a.st.params[x.N-1] = t
			return &Param{N: x.N, T: t}, nil
		}
	}
	if e.Type() == t && e.Typmod() == mod {
		return e, nil
	}
	if e.Type() == t && mod < 0 {
		if ctx != 'e' {
			return e, nil
		}
		// An explicit cast to the bare type drops the typmod
		// (numeric(10,2)::numeric is numeric).
		if c, ok := e.(*Const); ok {
			return &Const{T: t, Mod: -1, Val: c.Val, Pos: c.Pos}, nil
		}
		return &Cast{Arg: e, T: t, Mod: -1, Explicit: true}, nil
	}
	if e.Type() != t && !canCoerce(e.Type(), t, ctx) {
		return nil, errAt(pos, pgerr.CannotCoerce, "cannot cast type %s to %s", types.FormatType(e.Type(), -1), types.FormatType(t, mod))
	}
	if rc := a.regCast(e, t, mod); rc != nil {
		return rc, nil
	}
	if c, ok := e.(*Const); ok {
		// Fold casts of constants now, so errors point at the literal.
		v, err := types.Cast(c.Val, c.T, c.Mod, t, mod, ctx == 'e')
		if err != nil {
			return nil, err
		}
		return &Const{T: t, Mod: mod, Val: v, Pos: c.Pos}, nil
	}
	return &Cast{Arg: e, T: t, Mod: mod, Explicit: ctx == 'e'}, nil
}

// operator resolves and applies an operator (make_op, oper_select_candidate).
func (a *analyzer) operator(name string, l, r Expr, pos int) (Expr, error) {
	if e, ok, err := a.arrayOperator(name, l, r, pos); ok || err != nil {
		return e, err
	}
	return a.operatorExpr(name, l, r, pos)
}

// operatorExpr is operator without constant folding.
func (a *analyzer) operatorExpr(name string, l, r Expr, pos int) (*OpExpr, error) {
	var lt *types.T
	if l != nil {
		lt = l.Type()
	}
	rt := r.Type()
	op, err := selectOperator(name, lt, rt)
	if err != nil && name == "||" && l != nil {
		// textanycat / anytextcat: text || any non-array value is
		// concatenation with the value's text form.
		textish := func(t *types.T) bool { return t.Category == 'S' || t == types.Unknown }
		switch {
		case textish(lt) && !rt.IsArray() && rt != types.Unknown:
			return a.operatorExpr(name, l, a.textCast(r), pos)
		case textish(rt) && !lt.IsArray() && lt != types.Unknown:
			return a.operatorExpr(name, a.textCast(l), r, pos)
		}
	}
	if err != nil {
		return nil, withPos(pos, err)
	}
	out := &OpExpr{Op: op}
	out.T, _ = types.ByOID(op.Result)
	if l != nil {
		lt, _ := types.ByOID(op.Left)
		if l, err = a.coerce(l, lt, -1, 'i', pos); err != nil {
			return nil, err
		}
		out.Args = append(out.Args, l)
	}
	rtt, _ := types.ByOID(op.Right)
	if r, err = a.coerce(r, rtt, -1, 'i', pos); err != nil {
		return nil, err
	}
	out.Args = append(out.Args, r)
	return out, nil
}

// foldOp simplifies an operator over constants as eval_const_expressions
// does: a NULL argument of a strict operator gives NULL, and an immutable
// operator over constants is computed now (so its errors come at
// planning, as in PostgreSQL).
func foldOp(op *OpExpr) (Expr, error) {
	allConst := true
	for _, a := range op.Args {
		c, ok := a.(*Const)
		if !ok {
			allConst = false
			continue
		}
		if c.Val == nil {
			return &Const{T: op.T, Mod: -1}, nil
		}
	}
	if !allConst || !immutableOp(op.Op) {
		return op, nil
	}
	var l, r types.Datum
	if len(op.Args) == 2 {
		l, r = op.Args[0].(*Const).Val, op.Args[1].(*Const).Val
	} else {
		r = op.Args[0].(*Const).Val
	}
	v, err := op.Op.Fn(l, r)
	if err != nil {
		return nil, err
	}
	return &Const{T: op.T, Mod: -1, Val: v}, nil
}

// immutableOp reports whether an operator's result depends only on its
// arguments (not on the session time zone).
func immutableOp(op *types.Operator) bool {
	for _, o := range []base.OID{op.Left, op.Right, op.Result} {
		if o == types.Timestamptz.OID {
			return false
		}
	}
	return true
}

func typeLabel(t *types.T) string {
	if t == nil {
		return "unknown"
	}
	return types.FormatType(t, -1)
}

// selectOperator picks the operator for argument types (nil left: prefix).
func selectOperator(name string, lt, rt *types.T) (*types.Operator, error) {
	unknown := func(t *types.T) bool { return t == types.Unknown }
	// Exact match, with an unknown side taking the other side's type.
	l, r := lt, rt
	if lt != nil && unknown(lt) && !unknown(rt) {
		l = rt
	}
	if lt != nil && unknown(rt) && !unknown(lt) {
		r = lt
	}
	if lt != nil && unknown(lt) && unknown(rt) {
		l, r = types.Text, types.Text
	}
	if lt == nil && unknown(rt) {
		r = types.Text
	}
	if op, ok := types.LookupOperator(name, l, r); ok {
		return op, nil
	}
	// Candidates reachable by implicit coercion.
	var cands []*types.Operator
	for _, op := range types.OperatorsNamed(name) {
		if (op.Left == 0) != (lt == nil) {
			continue
		}
		if lt != nil && !coercibleTo(lt, op.Left) {
			continue
		}
		if !coercibleTo(rt, op.Right) {
			continue
		}
		cands = append(cands, op)
	}
	if len(cands) > 1 {
		cands = bestCandidates(cands, lt, rt)
	}
	sig := fmt.Sprintf("%s %s", name, typeLabel(rt))
	if lt != nil {
		sig = fmt.Sprintf("%s %s %s", typeLabel(lt), name, typeLabel(rt))
	}
	switch len(cands) {
	case 1:
		return cands[0], nil
	case 0:
		return nil, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s", sig).
			WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
	}
	return nil, pgerr.New(pgerr.AmbiguousFunction, "operator is not unique: %s", sig).
		WithHint("Could not choose a best candidate operator. You might need to add explicit type casts.")
}

func coercibleTo(from *types.T, to base.OID) bool {
	toT, ok := types.ByOID(to)
	return ok && canCoerce(from, toT, 'i')
}

// bestCandidates narrows operator candidates as func_select_candidate does:
// most exact matches, then most preferred types where a coercion is needed,
// then, for unknown inputs, the string category.
func bestCandidates(cands []*types.Operator, lt, rt *types.T) []*types.Operator {
	args := func(op *types.Operator) []base.OID {
		if lt == nil {
			return []base.OID{op.Right}
		}
		return []base.OID{op.Left, op.Right}
	}
	in := []*types.T{rt}
	if lt != nil {
		in = []*types.T{lt, rt}
	}
	keepMax := func(score func(*types.Operator) int) {
		best, out := -1, cands[:0:0]
		for _, c := range cands {
			s := score(c)
			if s > best {
				best, out = s, out[:0]
			}
			if s == best {
				out = append(out, c)
			}
		}
		cands = out
	}
	keepMax(func(op *types.Operator) int {
		n := 0
		for i, o := range args(op) {
			if in[i] != types.Unknown && in[i].OID == o {
				n++
			}
		}
		return n
	})
	if len(cands) > 1 {
		keepMax(func(op *types.Operator) int {
			n := 0
			for i, o := range args(op) {
				t, _ := types.ByOID(o)
				if in[i] != types.Unknown && (in[i].OID == o || (t != nil && t.Preferred)) {
					n++
				}
			}
			return n
		})
	}
	if len(cands) > 1 {
		// Unknown inputs: prefer the string category, then preferred types.
		keepMax(func(op *types.Operator) int {
			n := 0
			for i, o := range args(op) {
				t, _ := types.ByOID(o)
				if in[i] == types.Unknown && t != nil {
					if t.Category == 'S' {
						n += 2
					}
					if t.Preferred {
						n++
					}
				}
			}
			return n
		})
	}
	if len(cands) > 1 {
		// Known and unknown mixed: assume the unknown is of the known type.
		var known *types.T
		for _, t := range in {
			if t != types.Unknown {
				known = t
			}
		}
		if known != nil {
			keepMax(func(op *types.Operator) int {
				n := 0
				for _, o := range args(op) {
					if o == known.OID {
						n++
					}
				}
				return n
			})
		}
	}
	return cands
}
