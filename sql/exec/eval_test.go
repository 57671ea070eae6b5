package exec

import (
	"errors"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

func evalOK(t *testing.T, ec *Context, e analyze.Expr, row ...types.Datum) string {
	t.Helper()
	v, err := ec.Eval(e, row)
	if err != nil {
		t.Fatalf("eval %T: %v", e, err)
	}
	return fmtDatum(v)
}

func codeOf(t *testing.T, err error, want pgerr.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error %s, got none", want)
	}
	if got := pgerr.CodeOf(err); got != want {
		t.Fatalf("want SQLSTATE %s, got %s (%v)", want, got, err)
	}
}

func TestEvalExpressions(t *testing.T) {
	ec := newCtx()
	eqInt := eqOp(types.Int8)
	calls := 0
	plus := &analyze.FuncExpr{Name: "plus", Args: []analyze.Expr{iv(0), c(1)}, T: types.Int8, Strict: true,
		Fn: func(a []types.Datum) (types.Datum, error) { calls++; return a[0].(int64) + a[1].(int64), nil }}
	lax := &analyze.FuncExpr{Name: "isnull", Args: []analyze.Expr{iv(0)}, T: types.Bool,
		Fn: func(a []types.Datum) (types.Datum, error) { return a[0] == nil, nil }}
	caseArg := &analyze.CaseExpr{Arg: iv(0), T: types.Text, Else: c("other"), Whens: []*analyze.CaseWhen{
		{Cond: &analyze.OpExpr{Op: eqInt, Args: []analyze.Expr{&analyze.CaseTestExpr{T: types.Int8}, c(1)}, T: types.Bool}, Result: c("one")},
		{Cond: &analyze.OpExpr{Op: eqInt, Args: []analyze.Expr{&analyze.CaseTestExpr{T: types.Int8}, c(2)}, T: types.Bool}, Result: c("two")},
	}}
	caseNoElse := &analyze.CaseExpr{T: types.Text, Whens: []*analyze.CaseWhen{{Cond: op(">", iv(0), c(5)), Result: c("big")}}}
	in := func(all bool, elems ...analyze.Expr) *analyze.ScalarArrayOpExpr {
		return &analyze.ScalarArrayOpExpr{Op: eqInt, All: all, Left: iv(0), Elems: elems}
	}
	arr := func(vals ...types.Datum) *analyze.Const { return tc(types.Int8Array, types.NewArray(types.Int8, vals)) }
	anyArr := func(all bool, a analyze.Expr) *analyze.ScalarArrayOpExpr {
		return &analyze.ScalarArrayOpExpr{Op: eqInt, All: all, Left: iv(0), Array: a}
	}
	tests := []struct {
		name string
		e    analyze.Expr
		row  []types.Datum
		want string
	}{
		{"func", plus, []types.Datum{int64(4)}, "5"},
		{"strict func NULL", plus, []types.Datum{nil}, "NULL"},
		{"non-strict func NULL", lax, []types.Datum{nil}, "true"},
		{"case 1", caseArg, []types.Datum{int64(1)}, "one"},
		{"case 2", caseArg, []types.Datum{int64(2)}, "two"},
		{"case else", caseArg, []types.Datum{int64(3)}, "other"},
		{"case NULL arg", caseArg, []types.Datum{nil}, "other"},
		{"case no else", caseNoElse, []types.Datum{int64(1)}, "NULL"},
		{"case searched", caseNoElse, []types.Datum{int64(9)}, "big"},
		{"coalesce", &analyze.CoalesceExpr{Args: []analyze.Expr{c(nil), iv(0), c(7)}, T: types.Int8}, []types.Datum{nil}, "7"},
		{"coalesce all null", &analyze.CoalesceExpr{Args: []analyze.Expr{c(nil), iv(0)}, T: types.Int8}, []types.Datum{nil}, "NULL"},
		{"greatest", &analyze.MinMaxExpr{Args: []analyze.Expr{c(3), c(nil), c(9), c(1)}, T: types.Int8}, nil, "9"},
		{"least", &analyze.MinMaxExpr{Least: true, Args: []analyze.Expr{c(3), c(nil), c(9), c(1)}, T: types.Int8}, nil, "1"},
		{"greatest all null", &analyze.MinMaxExpr{Args: []analyze.Expr{c(nil), c(nil)}, T: types.Int8}, nil, "NULL"},
		{"nullif equal", &analyze.NullIfExpr{Eq: &analyze.OpExpr{Op: eqInt, Args: []analyze.Expr{c(1), c(1)}}}, nil, "NULL"},
		{"nullif differ", &analyze.NullIfExpr{Eq: &analyze.OpExpr{Op: eqInt, Args: []analyze.Expr{c(1), c(2)}}}, nil, "1"},
		{"nullif null b", &analyze.NullIfExpr{Eq: &analyze.OpExpr{Op: eqInt, Args: []analyze.Expr{c(1), c(nil)}}}, nil, "1"},
		{"in match", in(false, c(1), c(2)), []types.Datum{int64(2)}, "true"},
		{"in no match", in(false, c(1), c(2)), []types.Datum{int64(3)}, "false"},
		{"in null no match", in(false, c(1), c(nil)), []types.Datum{int64(3)}, "NULL"},
		{"in null but match", in(false, c(3), c(nil)), []types.Datum{int64(3)}, "true"},
		{"in null left", in(false, c(1)), []types.Datum{nil}, "NULL"},
		{"all true", in(true, c(1), c(1)), []types.Datum{int64(1)}, "true"},
		{"all false", in(true, c(1), c(nil), c(2)), []types.Datum{int64(1)}, "false"},
		{"all null", in(true, c(1), c(nil)), []types.Datum{int64(1)}, "NULL"},
		{"any array", anyArr(false, arr(int64(1), int64(2))), []types.Datum{int64(2)}, "true"},
		{"any array null elem", anyArr(false, arr(int64(1), nil)), []types.Datum{int64(2)}, "NULL"},
		{"any empty array null left", anyArr(false, arr()), []types.Datum{nil}, "false"},
		{"all empty array", anyArr(true, arr()), []types.Datum{int64(5)}, "true"},
		{"any null array", anyArr(false, tc(types.Int8Array, nil)), []types.Datum{int64(5)}, "NULL"},
		{"array expr", &analyze.ArrayExpr{Elems: []analyze.Expr{c(1), c(nil), iv(0)}, T: types.Int8Array}, []types.Datum{int64(3)}, "{1,NULL,3}"},
		{"array 2d", &analyze.ArrayExpr{T: types.Int8Array, Elems: []analyze.Expr{
			&analyze.ArrayExpr{Elems: []analyze.Expr{c(1), c(2)}, T: types.Int8Array},
			&analyze.ArrayExpr{Elems: []analyze.Expr{c(3), c(4)}, T: types.Int8Array}}}, nil, "{{1,2},{3,4}}"},
		{"aggref reads column", &analyze.Aggref{Index: 1}, []types.Datum{int64(1), int64(42)}, "42"},
		{"windowfunc reads column", &analyze.WindowFunc{Index: 0}, []types.Datum{"w"}, "w"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := evalOK(t, ec, tt.e, tt.row...); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	calls = 0
	evalOK(t, ec, plus, nil)
	if calls != 0 {
		t.Fatalf("strict function called with NULL")
	}
	// Nested CASE restores the outer CASE value.
	inner := &analyze.CaseExpr{Arg: c(2), T: types.Bool, Else: c(false), Whens: []*analyze.CaseWhen{
		{Cond: &analyze.OpExpr{Op: eqInt, Args: []analyze.Expr{&analyze.CaseTestExpr{}, c(2)}}, Result: c(true)}}}
	outer := &analyze.CaseExpr{Arg: c(1), T: types.Text, Whens: []*analyze.CaseWhen{
		{Cond: &analyze.BoolExpr{Op: analyze.And, Args: []analyze.Expr{inner,
			&analyze.OpExpr{Op: eqInt, Args: []analyze.Expr{&analyze.CaseTestExpr{}, c(1)}}}}, Result: c("ok")}}}
	if got := evalOK(t, ec, outer); got != "ok" {
		t.Fatalf("nested case: %s", got)
	}
	_, err := ec.Eval(&analyze.ArrayExpr{T: types.Int8Array, Elems: []analyze.Expr{
		&analyze.ArrayExpr{Elems: []analyze.Expr{c(1), c(2)}, T: types.Int8Array},
		&analyze.ArrayExpr{Elems: []analyze.Expr{c(3)}, T: types.Int8Array}}}, nil)
	codeOf(t, err, pgerr.ArraySubscriptError)
	_, err = ec.Eval(&analyze.RowExpr{Args: []analyze.Expr{c(1)}}, nil)
	codeOf(t, err, pgerr.FeatureNotSupported)
	_, err = ec.Eval(iv(3), []types.Datum{int64(1)})
	codeOf(t, err, pgerr.InternalError)
	// The exported function form still works.
	v, err := Eval(&analyze.Param{N: 1, T: types.Int8}, nil, []types.Datum{int64(8)})
	if err != nil || v != int64(8) {
		t.Fatalf("Eval param: %v %v", v, err)
	}
	ok, err := Qual(op("<", c(1), c(2)), nil, nil)
	if err != nil || !ok {
		t.Fatalf("Qual: %v %v", ok, err)
	}
}

// sublink wraps a plan as a subquery expression.
func sublink(kind analyze.SubLinkKind, root plan.Node, correlated bool) *analyze.SubLink {
	return &analyze.SubLink{Kind: kind, Plan: &plan.Stmt{Root: root, Columns: []*analyze.Target{{Expr: iv(0)}}},
		Correlated: correlated, T: types.Int8}
}

func TestSubLinks(t *testing.T) {
	ec := newCtx()
	// EXISTS, scalar, ARRAY, ANY/ALL over constants.
	tests := []struct {
		name string
		e    analyze.Expr
		row  []types.Datum
		want string
	}{
		{"exists", sublink(analyze.ExistsSubLink, intRows(1), false), nil, "true"},
		{"not exists", sublink(analyze.ExistsSubLink, &plan.Filter{Child: intRows(1), Qual: c(false)}, false), nil, "false"},
		{"scalar", sublink(analyze.ExprSubLink, intRows(7), false), nil, "7"},
		{"scalar empty", sublink(analyze.ExprSubLink, &plan.Filter{Child: intRows(1), Qual: c(false)}, false), nil, "NULL"},
		{"array", &analyze.SubLink{Kind: analyze.ArraySubLink, Plan: &plan.Stmt{Root: intRows(1, 2, nil)}, T: types.Int8Array}, nil, "{1,2,NULL}"},
		{"array empty", &analyze.SubLink{Kind: analyze.ArraySubLink, Plan: &plan.Stmt{Root: valuesOf()}, T: types.Int8Array}, nil, "{}"},
	}
	anyLink := func(all, corr bool, root plan.Node) *analyze.SubLink {
		k := analyze.AnySubLink
		if all {
			k = analyze.AllSubLink
		}
		return &analyze.SubLink{Kind: k, Test: iv(0), Op: eqOp(types.Int8), Plan: &plan.Stmt{Root: root}, T: types.Bool, Correlated: corr}
	}
	for _, corr := range []bool{false, true} {
		tests = append(tests, []struct {
			name string
			e    analyze.Expr
			row  []types.Datum
			want string
		}{
			{"in", anyLink(false, corr, intRows(1, 2)), []types.Datum{int64(2)}, "true"},
			{"in no match", anyLink(false, corr, intRows(1, 2)), []types.Datum{int64(3)}, "false"},
			{"in null no match", anyLink(false, corr, intRows(1, nil)), []types.Datum{int64(3)}, "NULL"},
			{"in empty null", anyLink(false, corr, valuesOf()), []types.Datum{nil}, "false"},
			{"in null test", anyLink(false, corr, intRows(1)), []types.Datum{nil}, "NULL"},
			{"all", anyLink(true, corr, intRows(1, 1)), []types.Datum{int64(1)}, "true"},
			{"all false", anyLink(true, corr, intRows(1, nil, 2)), []types.Datum{int64(1)}, "false"},
			{"all null", anyLink(true, corr, intRows(1, nil)), []types.Datum{int64(1)}, "NULL"},
			{"all empty", anyLink(true, corr, valuesOf()), []types.Datum{int64(1)}, "true"},
		}...)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ec := newCtx()
			if got := evalOK(t, ec, tt.e, tt.row...); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	_, err := ec.Eval(sublink(analyze.ExprSubLink, intRows(1, 2), false), nil)
	codeOf(t, err, pgerr.CardinalityViolation)
	if err.(*pgerr.Error).Message != "more than one row returned by a subquery used as an expression" {
		t.Fatalf("message: %v", err)
	}
}

// TestSubLinkCaching checks an uncorrelated subquery runs once per
// statement and a correlated one per evaluation, reading the outer row.
func TestSubLinkCaching(t *testing.T) {
	runs := 0
	counted := func() *plan.FunctionScan {
		return &plan.FunctionScan{Name: "f", SRF: func([]any) (func() (any, bool, error), error) {
			runs++
			done := false
			return func() (any, bool, error) {
				if done {
					return nil, false, nil
				}
				done = true
				return int64(10), true, nil
			}, nil
		}}
	}
	// SELECT x + (SELECT 10) FROM (1),(2),(3)
	unc := sublink(analyze.ExprSubLink, counted(), false)
	proj := &plan.Projection{Child: intRows(1, 2, 3), Targets: []*analyze.Target{{Expr: op("+", iv(0), unc)}}}
	eq(t, run(t, newCtx(), proj), "11", "12", "13")
	if runs != 1 {
		t.Fatalf("uncorrelated subquery ran %d times", runs)
	}
	// SELECT (SELECT y * 10 FROM (x) WHERE ...) correlated: reads the outer row.
	runs = 0
	inner := &plan.Projection{Child: counted(), Targets: []*analyze.Target{{Expr: op("*", iv(0), &analyze.OuterVar{Levels: 1, Var: iv(0)})}}}
	cor := sublink(analyze.ExprSubLink, inner, true)
	proj = &plan.Projection{Child: intRows(1, 2, 3), Targets: []*analyze.Target{{Expr: cor}}}
	eq(t, run(t, newCtx(), proj), "10", "20", "30")
	if runs != 3 {
		t.Fatalf("correlated subquery ran %d times", runs)
	}
	// Two levels: SELECT (SELECT (SELECT outer2.x + outer1.y)) ...
	lvl2 := &plan.Projection{Child: &plan.Result{}, Targets: []*analyze.Target{{Expr: op("+",
		&analyze.OuterVar{Levels: 2, Var: iv(0)}, &analyze.OuterVar{Levels: 1, Var: iv(0)})}}}
	mid := &plan.Projection{Child: intRows(100), Targets: []*analyze.Target{{Expr: sublink(analyze.ExprSubLink, lvl2, true)}}}
	proj = &plan.Projection{Child: intRows(1, 2), Targets: []*analyze.Target{{Expr: sublink(analyze.ExprSubLink, mid, true)}}}
	eq(t, run(t, newCtx(), proj), "101", "102")
	// EXISTS correlated as a filter: WHERE EXISTS (SELECT 1 FROM (1),(3) v WHERE v = x)
	sub := &plan.Filter{Child: intRows(1, 3), Qual: op("=", iv(0), &analyze.OuterVar{Levels: 1, Var: iv(0)})}
	f := &plan.Filter{Child: intRows(1, 2, 3, 4), Qual: sublink(analyze.ExistsSubLink, sub, true)}
	eq(t, run(t, newCtx(), f), "1", "3")
	// An OuterVar with no outer row is an error, not a panic.
	_, err := newCtx().Eval(&analyze.OuterVar{Levels: 1, Var: iv(0)}, nil)
	if !errors.Is(err, &pgerr.Error{Code: pgerr.InternalError}) {
		t.Fatalf("outer var without row: %v", err)
	}
}
