package analyze

import (
	"sort"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/types"
)

// Helpers for DDL: the expressions a table definition carries (DEFAULT,
// CHECK, ALTER COLUMN TYPE ... USING), analyzed under PostgreSQL's rules
// for those places (EXPR_KIND_COLUMN_DEFAULT, EXPR_KIND_CHECK_CONSTRAINT,
// EXPR_KIND_ALTER_COL_TRANSFORM).

// DDLExprKind says where a DDL expression is, for the errors that
// forbid subqueries, aggregates and window functions there.
type DDLExprKind uint8

// DDL expression kinds.
const (
	ExprDefault   DDLExprKind = iota // a column DEFAULT
	ExprCheck                        // a CHECK constraint
	ExprTransform                    // ALTER COLUMN TYPE ... USING
	ExprIndex                        // an index expression column
	ExprIndexPred                    // a partial index predicate
)

var ddlExprWords = [...]struct{ one, many string }{
	ExprDefault:   {"DEFAULT expression", "DEFAULT expressions"},
	ExprCheck:     {"check constraint", "check constraints"},
	ExprTransform: {"transform expression", "transform expressions"},
	ExprIndex:     {"index expression", "index expressions"},
	ExprIndexPred: {"index predicate", "index predicate"},
}

// checkDDLExpr rejects what PostgreSQL rejects before analysis: subqueries,
// parameters, and (in a DEFAULT) column references.
func checkDDLExpr(e ast.Expr, kind DDLExprKind) error {
	var err error
	ast.Inspect(e, func(n ast.Node) bool {
		if err != nil {
			return false
		}
		switch x := n.(type) {
		case *ast.SubLink:
			err = errAt(x.Pos, pgerr.FeatureNotSupported, "cannot use subquery in %s", ddlExprWords[kind].one)
			return false
		case *ast.Param:
			err = errAt(x.Pos, pgerr.UndefinedParameter, "there is no parameter $%d", x.Number)
		case *ast.ColumnRef:
			if kind == ExprDefault {
				err = errAt(x.Pos, pgerr.FeatureNotSupported, "cannot use column reference in DEFAULT expression")
			}
		}
		return err == nil
	})
	return err
}

// ddlExpr analyzes e in a's scope with aggregates and window functions
// forbidden, reporting them in the words of kind.
func (a *analyzer) ddlExpr(e ast.Expr, kind DDLExprKind) (Expr, error) {
	if err := checkDDLExpr(e, kind); err != nil {
		return nil, err
	}
	a.clause = clauseWhere // no aggregates or window functions
	x, err := a.expr(e)
	if err != nil {
		if pe, ok := err.(*pgerr.Error); ok {
			switch pe.Code {
			case pgerr.GroupingError:
				return nil, pgerr.New(pe.Code, "aggregate functions are not allowed in %s", ddlExprWords[kind].many).WithPosition(pe.Position)
			case pgerr.WindowingError:
				return nil, pgerr.New(pe.Code, "window functions are not allowed in %s", ddlExprWords[kind].many).WithPosition(pe.Position)
			}
		}
		return nil, err
	}
	return x, nil
}

// DefaultExpr analyzes a column's DEFAULT expression and coerces it by
// assignment to the column's type t/mod (mirrors cookDefault): 42804 when
// no assignment cast exists. The result has no Vars.
func DefaultExpr(env *Env, e ast.Expr, column string, t *types.T, mod int32) (Expr, error) {
	a := &analyzer{env: env, q: &Query{Result: -1}, st: &stmtState{}}
	x, err := a.ddlExpr(e, ExprDefault)
	if err != nil {
		return nil, err
	}
	if !canCoerce(x.Type(), t, 'a') {
		return nil, pgerr.New(pgerr.DatatypeMismatch, "column %q is of type %s but default expression is of type %s",
			column, types.FormatType(t, -1), types.FormatType(x.Type(), -1)).
			WithHint("You will need to rewrite or cast the expression.")
	}
	return a.coerce(x, t, mod, 'a', e.Position())
}

// RelationExpr analyzes an expression over the columns of one relation
// (a CHECK constraint, a USING clause), which may be named unqualified or
// as rel.col. Its Vars have RTE 0 and Index = Col = the column's
// position in rel.Attrs, so the executor evaluates it on a table row
// (exec.Context.Eval with the decoded row).
func RelationExpr(env *Env, rel *catalog.Relation, e ast.Expr, kind DDLExprKind) (Expr, error) {
	renv := *env
	renv.LookupRelation = func(schema, name string) (*catalog.Relation, error) {
		if schema == "" && name == rel.Name {
			return rel, nil
		}
		return nil, nil
	}
	a := &analyzer{env: &renv, q: &Query{Result: -1}, st: &stmtState{}}
	if _, err := a.addRTE(&ast.RangeVar{Name: rel.Name}); err != nil {
		return nil, err
	}
	return a.ddlExpr(e, kind)
}

// CheckExpr analyzes a CHECK constraint of rel: a RelationExpr that must
// be boolean (42804 "argument of CHECK must be type boolean").
func CheckExpr(env *Env, rel *catalog.Relation, e ast.Expr) (Expr, error) {
	x, err := RelationExpr(env, rel, e, ExprCheck)
	if err != nil {
		return nil, err
	}
	a := &analyzer{env: env, q: &Query{Result: -1}, st: &stmtState{}}
	return a.coerceBool(x, leftmost(e), "CHECK")
}

// leftmost is the position of the leftmost token of e, where PostgreSQL's
// exprLocation points.
func leftmost(e ast.Expr) int {
	pos := e.Position()
	ast.Inspect(e, func(n ast.Node) bool {
		if p, ok := n.(interface{ Position() int }); ok && p.Position() >= 0 && p.Position() < pos {
			pos = p.Position()
		}
		_, sub := n.(*ast.SelectStmt)
		return !sub
	})
	return pos
}

// AssignCoerce coerces e to t/mod as an assignment does
// (coerce_to_target_type with COERCION_ASSIGNMENT). ok is false when no
// such cast exists; the caller words that error.
func AssignCoerce(e Expr, t *types.T, mod int32) (x Expr, ok bool, err error) {
	if !canCoerce(e.Type(), t, 'a') {
		return nil, false, nil
	}
	a := &analyzer{q: &Query{Result: -1}, st: &stmtState{}}
	x, err = a.coerce(e, t, mod, 'a', 0)
	return x, err == nil, err
}

// VarColumns returns the columns (0-based, ascending, without duplicates)
// that the Vars of a RelationExpr refer to.
func VarColumns(e Expr) []int {
	seen := map[int]bool{}
	var out []int
	Walk(e, func(x Expr) bool {
		if v, ok := x.(*Var); ok && !seen[v.Col] {
			seen[v.Col] = true
			out = append(out, v.Col)
		}
		return true
	})
	sort.Ints(out)
	return out
}
