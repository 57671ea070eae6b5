package explain

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// Hand-built plans of the node types the planner may not produce yet; the
// expected texts are PostgreSQL 15's for the same plans (tables t(a, b, c)
// with indexes t_a, t_b and u(id primary key, name)).

type fixture struct {
	q          *analyze.Query
	t, u       *analyze.RTE
	relT, relU *catalog.Relation
}

func newFixture() *fixture {
	f := &fixture{relT: &catalog.Relation{Name: "t", Namespace: 2200}, relU: &catalog.Relation{Name: "u", Namespace: 2200}}
	f.t = &analyze.RTE{Kind: analyze.RTERelation, Rel: f.relT, Alias: "t", Cols: []analyze.Column{
		{Name: "a", T: types.Int4}, {Name: "b", T: types.Int4}, {Name: "c", T: types.Text}}}
	f.u = &analyze.RTE{Kind: analyze.RTERelation, Rel: f.relU, Alias: "u", Cols: []analyze.Column{
		{Name: "id", T: types.Int4}, {Name: "name", T: types.Text}}}
	f.q = &analyze.Query{Cmd: analyze.CmdSelect, RTable: []*analyze.RTE{f.t, f.u}, Result: -1}
	return f
}

func op(name string, l, r analyze.Expr) *analyze.OpExpr {
	return &analyze.OpExpr{Op: &types.Operator{Name: name}, Args: []analyze.Expr{l, r}, T: types.Bool}
}

func v(rte, col, idx int, name string) *analyze.Var {
	return &analyze.Var{RTE: rte, Col: col, Index: idx, Name: name, T: types.Int4, Mod: -1}
}

func c(n int64) *analyze.Const { return &analyze.Const{T: types.Int4, Mod: -1, Val: n} }

func ix(name string) *plan.IndexRef { return &plan.IndexRef{Rel: &catalog.Relation{Name: name}} }

func check(t *testing.T, root plan.Node, q *analyze.Query, want ...string) {
	t.Helper()
	got := Text(&plan.Stmt{Root: root, Query: q}, Options{})
	if w := strings.Join(want, "\n"); got != w {
		t.Errorf("got:\n%s\nwant:\n%s", got, w)
	}
}

func TestMemoizeParamScan(t *testing.T) {
	f := newFixture()
	seq := &plan.SeqScan{Rel: f.relT, Cols: f.t.Cols, Qual: op("<", v(0, 0, 0, "a"), c(5000))}
	outerB := &analyze.OuterVar{Levels: 1, Var: v(0, 1, 1, "b")}
	scan := &plan.IndexScan{Rel: f.relU, Cols: f.u.Cols, Index: ix("u_pkey"),
		IndexQual: op("=", v(1, 0, 0, "id"), outerB)}
	memo := &plan.Memoize{Child: scan, Keys: []analyze.Expr{outerB}}
	nl := &plan.NestLoop{Outer: seq, Inner: memo, Lateral: true, OuterWidth: 3, InnerWidth: 2}
	check(t, nl, f.q,
		"Nested Loop",
		"  ->  Seq Scan on t",
		"        Filter: (a < 5000)",
		"  ->  Memoize",
		"        Cache Key: t.b",
		"        Cache Mode: logical",
		"        ->  Index Scan using u_pkey on u",
		"              Index Cond: (id = t.b)")
}

func TestMergeJoinAndIndexScans(t *testing.T) {
	f := newFixture()
	seq := &plan.SeqScan{Rel: f.relT, Cols: f.t.Cols}
	sort := &plan.Sort{Child: seq, Keys: []*analyze.SortKey{{Expr: v(0, 1, 1, "b")}}}
	scan := &plan.IndexScan{Rel: f.relU, Cols: f.u.Cols, Index: ix("u_pkey")}
	mj := &plan.MergeJoin{Kind: plan.JoinLeft, Outer: sort, Inner: scan, OuterKeys: []analyze.Expr{v(0, 1, 1, "b")},
		InnerKeys: []analyze.Expr{v(1, 0, 0, "id")}, OuterWidth: 3, InnerWidth: 2,
		Qual: op("<>", v(0, 2, 2, "c"), v(1, 1, 4, "name"))}
	check(t, mj, f.q,
		"Merge Left Join",
		"  Merge Cond: (t.b = u.id)",
		"  Join Filter: (t.c <> u.name)",
		"  ->  Sort",
		"        Sort Key: t.b",
		"        ->  Seq Scan on t",
		"  ->  Index Scan using u_pkey on u")

	one := &analyze.Query{Cmd: analyze.CmdSelect, RTable: []*analyze.RTE{f.t}, Result: -1}
	back := &plan.IndexScan{Rel: f.relT, Cols: f.t.Cols, Index: ix("t_a"), Backward: true,
		IndexQual: op("<", v(0, 0, 0, "a"), c(100)), Qual: op("=", v(0, 1, 1, "b"), c(-3))}
	check(t, back, one,
		"Index Scan Backward using t_a on t",
		"  Index Cond: (a < 100)",
		"  Filter: (b = '-3'::integer)")
	only := &plan.IndexOnlyScan{Rel: f.relT, Cols: f.t.Cols, Index: ix("t_a"),
		IndexQual: &analyze.BoolExpr{Op: analyze.And, Args: []analyze.Expr{op(">=", v(0, 0, 0, "a"), c(5)), op("<=", v(0, 0, 0, "a"), c(10))}}}
	check(t, only, one,
		"Index Only Scan using t_a on t",
		"  Index Cond: ((a >= 5) AND (a <= 10))")
}

func TestBitmapScans(t *testing.T) {
	f := newFixture()
	one := &analyze.Query{Cmd: analyze.CmdSelect, RTable: []*analyze.RTE{f.t}, Result: -1}
	lt := op("<", v(0, 0, 0, "a"), c(500))
	eq := op("=", v(0, 1, 1, "b"), c(3))
	bh := &plan.BitmapHeapScan{Rel: f.relT, Cols: f.t.Cols,
		Bitmap: &plan.BitmapAnd{Inputs: []plan.Node{
			&plan.BitmapIndexScan{Index: ix("t_a"), IndexQual: lt},
			&plan.BitmapIndexScan{Index: ix("t_b"), IndexQual: eq}}},
		RecheckQual: &analyze.BoolExpr{Op: analyze.And, Args: []analyze.Expr{lt, eq}}}
	check(t, bh, one,
		"Bitmap Heap Scan on t",
		"  Recheck Cond: ((a < 500) AND (b = 3))",
		"  ->  BitmapAnd",
		"        ->  Bitmap Index Scan on t_a",
		"              Index Cond: (a < 500)",
		"        ->  Bitmap Index Scan on t_b",
		"              Index Cond: (b = 3)")

	// ANALYZE: per-loop actuals, "Heap Blocks", a node never executed.
	bh.C = plan.Cost{Startup: 4.5, Total: 35.25, Rows: 120, Width: 13}
	stats := map[plan.Node]*Stats{
		bh: {Rows: 90, Loops: 1, Startup: 1500 * time.Microsecond, Total: 3 * time.Millisecond, ExactBlocks: 12,
			RowsRemovedByRecheck: 0},
	}
	ex := Build(&plan.Stmt{Root: bh, Query: one}, Options{Analyze: true, Costs: true, Timing: true},
		Input{Stats: func(n plan.Node) *Stats { return stats[n] }})
	lines := ex.Lines()
	if lines[0] != "Bitmap Heap Scan on t  (cost=4.50..35.25 rows=120 width=13) (actual time=1.500..3.000 rows=90 loops=1)" {
		t.Errorf("line 0: %q", lines[0])
	}
	if lines[2] != "  Heap Blocks: exact=12" {
		t.Errorf("line 2: %q", lines[2])
	}
	if lines[3] != "  ->  BitmapAnd  (cost=0.00..0.00 rows=0 width=0) (never executed)" {
		t.Errorf("line 3: %q", lines[3])
	}
}

func TestJSONIndexKeys(t *testing.T) {
	f := newFixture()
	one := &analyze.Query{Cmd: analyze.CmdSelect, RTable: []*analyze.RTE{f.t}, Result: -1}
	scan := &plan.IndexScan{Rel: f.relT, Cols: f.t.Cols, Index: ix("t_a"), Backward: true,
		IndexQual: op("=", v(0, 0, 0, "a"), c(42)), C: plan.Cost{Startup: 0.29, Total: 8.3, Rows: 1, Width: 13}}
	ex := Build(&plan.Stmt{Root: scan, Query: one}, Options{Costs: true, Format: FormatJSON}, Input{})
	doc := ex.Lines()[0]
	var out []map[string]map[string]any
	if err := json.Unmarshal([]byte(doc), &out); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	p := out[0]["Plan"]
	want := map[string]any{"Node Type": "Index Scan", "Scan Direction": "Backward", "Index Name": "t_a",
		"Relation Name": "t", "Alias": "t", "Index Cond": "(a = 42)", "Startup Cost": 0.29, "Total Cost": 8.3,
		"Plan Rows": 1.0, "Plan Width": 13.0, "Parallel Aware": false, "Async Capable": false}
	for k, w := range want {
		if p[k] != w {
			t.Errorf("%s = %v, want %v", k, p[k], w)
		}
	}
	if len(p) != len(want) {
		t.Errorf("keys: %v", p)
	}
	// PostgreSQL's order: Node Type, ..., Scan Direction, Index Name, Relation Name, Alias, costs, details.
	order := []string{`"Node Type"`, `"Parallel Aware"`, `"Scan Direction"`, `"Index Name"`, `"Relation Name"`, `"Alias"`, `"Startup Cost"`, `"Plan Width"`, `"Index Cond"`}
	last := -1
	for _, k := range order {
		i := strings.Index(doc, k)
		if i < last {
			t.Errorf("%s out of order in\n%s", k, doc)
		}
		last = i
	}
}

func TestConstants(t *testing.T) {
	d := &dctx{}
	for _, tc := range []struct {
		e    analyze.Expr
		want string
	}{
		{c(5), "5"},
		{c(-5), "'-5'::integer"},
		{&analyze.Const{T: types.Int8, Mod: -1, Val: int64(5)}, "'5'::bigint"},
		{&analyze.Const{T: types.Text, Mod: -1, Val: "it's"}, "'it''s'::text"},
		{&analyze.Const{T: types.Bool, Mod: -1, Val: true}, "true"},
		{&analyze.Const{T: types.Int4, Mod: -1}, "NULL::integer"},
		{&analyze.Cast{Arg: &analyze.Const{T: types.Unknown, Mod: -1, Val: "2024-01-01"}, T: types.Date, Mod: -1}, "'2024-01-01'::date"},
		{&analyze.Cast{Arg: v(0, 0, -1, "v"), T: types.Text, Mod: -1}, "(v)::text"},
		{&analyze.Param{N: 2, T: types.Int4}, "$2"},
		{&analyze.ScalarArrayOpExpr{Op: &types.Operator{Name: "="}, Left: v(0, 0, -1, "id"), Elems: []analyze.Expr{c(1), c(2)}}, "(id = ANY ('{1,2}'::integer[]))"},
		{&analyze.NullTest{Arg: v(0, 0, -1, "x"), Not: true}, "(x IS NOT NULL)"},
		{&analyze.BoolExpr{Op: analyze.Not, Args: []analyze.Expr{op("=", v(0, 0, -1, "x"), c(1))}}, "(NOT (x = 1))"},
		{&analyze.CoalesceExpr{Args: []analyze.Expr{v(0, 0, -1, "x"), c(0)}}, "COALESCE(x, 0)"},
	} {
		if got := d.expr(tc.e); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
}
