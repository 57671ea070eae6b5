package ast_test

import (
	"strings"
	"testing"

	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/parser"
)

func TestQuoteIdent(t *testing.T) {
	for in, want := range map[string]string{
		"abc":    "abc",
		"a_1$":   `"a_1$"`,
		"Abc":    `"Abc"`,
		"1a":     `"1a"`,
		"select": `"select"`, // reserved
		"int":    `"int"`,    // col_name keyword
		"left":   `"left"`,   // type_func_name keyword
		"day":    "day",      // unreserved
		`a"b`:    `"a""b"`,
		"é":      `"é"`,
		"":       `""`,
	} {
		if got := ast.QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

func lit(kind ast.LiteralKind, v string) *ast.Literal { return &ast.Literal{Kind: kind, Val: v} }

func col(names ...string) *ast.ColumnRef { return &ast.ColumnRef{Names: names} }

// TestStringHandBuilt prints trees built by hand, the way the analyzer or
// planner may build them, including shapes that need extra parentheses.
func TestStringHandBuilt(t *testing.T) {
	sys := func(name string, mods ...ast.Expr) *ast.TypeName {
		return &ast.TypeName{Names: []string{"pg_catalog", name}, Typmods: mods}
	}
	cases := []struct {
		n    ast.Node
		want string
	}{
		{&ast.TypeCast{Arg: lit(ast.LitInteger, "-1"), Type: sys("int8")}, "(-1)::bigint"},
		{&ast.FieldSelect{Arg: col("a"), Field: "b"}, "(a).b"},
		{&ast.Subscript{Arg: col("a"), Upper: lit(ast.LitInteger, "1")}, "a[1]"},
		{&ast.Subscript{Arg: &ast.FuncCall{Names: []string{"f"}}, Upper: lit(ast.LitInteger, "1")}, "(f())[1]"},
		{sys("varchar", lit(ast.LitInteger, "3")), "character varying(3)"},
		{sys("varchar", col("n")), "pg_catalog.varchar(n)"},
		{sys("bpchar"), "pg_catalog.bpchar"},
		{sys("bit"), "pg_catalog.bit"},
		{sys("timestamptz", lit(ast.LitInteger, "6")), "timestamp(6) with time zone"},
		{&ast.TypeName{Names: []string{"pg_catalog", "interval"}, IntervalFields: ast.IntervalYear | ast.IntervalMonth}, "interval year to month"},
		{&ast.TypeName{Names: []string{"text"}, ArrayBounds: []int{-1, 3}}, "text[][3]"},
		{&ast.Literal{Kind: ast.LitString, Val: "it's"}, "'it''s'"},
		{&ast.Literal{Kind: ast.LitBitString, Val: "x1F"}, "X'1F'"},
		{&ast.BoolExpr{Op: ast.Not, Args: []ast.Expr{col("a")}}, "(NOT a)"},
		{&ast.UnaryExpr{Op: "-", Arg: col("a")}, "(- a)"},
		{&ast.ColumnRef{Names: []string{"t"}, Star: true}, "t.*"},
		{&ast.RangeVar{Schema: "S", Name: "select"}, `"S"."select"`},
	}
	for _, c := range cases {
		if got := ast.String(c.n); got != c.want {
			t.Errorf("String(%#v) = %s, want %s", c.n, got, c.want)
		}
	}
}

func TestInspect(t *testing.T) {
	stmts, err := parser.Parse(`WITH w AS (SELECT a FROM t) SELECT b, (SELECT c FROM u WHERE d = $1), count(e) FILTER (WHERE f)
		OVER (ORDER BY g ROWS BETWEEN h PRECEDING AND CURRENT ROW) FROM w JOIN v ON i = j GROUP BY ROLLUP (k)
		ORDER BY l LIMIT m`)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	params := 0
	ast.Inspect(stmts[0], func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ColumnRef:
			cols = append(cols, strings.Join(n.Names, "."))
		case *ast.Param:
			params++
		}
		return true
	})
	if got := strings.Join(cols, " "); got != "a b c d e f g h i j k l m" {
		t.Errorf("visited columns %q", got)
	}
	if params != 1 {
		t.Errorf("visited %d params", params)
	}
	// Returning false prunes: stay out of subqueries.
	cols = nil
	ast.Inspect(stmts[0], func(n ast.Node) bool {
		if c, ok := n.(*ast.ColumnRef); ok {
			cols = append(cols, c.Names[0])
		}
		_, sub := n.(*ast.SubLink)
		_, cte := n.(*ast.WithClause)
		return !sub && !cte
	})
	if got := strings.Join(cols, " "); got != "b e f g h i j k l m" {
		t.Errorf("pruned walk visited %q", got)
	}
}
