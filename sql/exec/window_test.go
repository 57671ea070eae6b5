package exec

import (
	"context"
	"strings"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// windowInput is (p, o, v) sorted by p, o (NULLs last).
func windowInput() *plan.ValuesScan {
	return valuesOf([]any{1, 1, 10}, []any{1, 2, 20}, []any{1, 2, 30}, []any{1, 3, 40}, []any{1, nil, 50}, []any{2, 5, 1})
}

func wf(name string, spec *analyze.WindowSpec, args ...analyze.Expr) *analyze.WindowFunc {
	return &analyze.WindowFunc{Name: name, Args: args, T: types.Int8, Window: spec}
}

func wagg(spec *analyze.WindowSpec, a *analyze.Aggref) *analyze.WindowFunc {
	return &analyze.WindowFunc{Name: a.Name, Args: a.Args, T: a.T, Window: spec, Agg: a}
}

// windowColumn runs one function and returns its values per row.
func windowColumn(t *testing.T, spec *analyze.WindowSpec, f *analyze.WindowFunc) string {
	t.Helper()
	rows := run(t, newCtx(), &plan.WindowAgg{Child: windowInput(), Spec: spec, Funcs: []*analyze.WindowFunc{f}})
	var out []string
	for _, r := range rows {
		out = append(out, r[strings.LastIndex(r, ",")+1:])
	}
	return strings.Join(out, " ")
}

func TestWindowFunctions(t *testing.T) {
	spec := &analyze.WindowSpec{PartitionBy: []analyze.Expr{iv(0)}, OrderBy: []*analyze.SortKey{asc(iv(1))}}
	tests := []struct {
		f    *analyze.WindowFunc
		want string
	}{
		{wf("row_number", spec), "1 2 3 4 5 1"},
		{wf("rank", spec), "1 2 2 4 5 1"},
		{wf("dense_rank", spec), "1 2 2 3 4 1"},
		{wf("percent_rank", spec), "0 0.25 0.25 0.75 1 0"},
		{wf("cume_dist", spec), "0.2 0.6 0.6 0.8 1 1"},
		{wf("ntile", spec, c(2)), "1 1 1 2 2 1"},
		{wf("ntile", spec, c(nil)), "NULL NULL NULL NULL NULL NULL"},
		{wf("lag", spec, iv(2)), "NULL 10 20 30 40 NULL"},
		{wf("lead", spec, iv(2), c(2), c(-1)), "30 40 50 -1 -1 -1"},
		{wf("first_value", spec, iv(2)), "10 10 10 10 10 1"},
		{wf("last_value", spec, iv(2)), "10 30 30 40 50 1"},
		{wf("nth_value", spec, iv(2), c(2)), "NULL 20 20 20 20 NULL"},
		{wagg(spec, sumAgg(iv(2))), "10 60 60 100 150 1"},
		{wagg(spec, countStar()), "1 3 3 4 5 1"},
	}
	for _, tt := range tests {
		t.Run(tt.f.Name, func(t *testing.T) {
			if got := windowColumn(t, spec, tt.f); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	// Several functions at once: the output is the child row ++ values.
	w := &plan.WindowAgg{Child: windowInput(), Spec: spec, Funcs: []*analyze.WindowFunc{wf("row_number", spec), wagg(spec, sumAgg(iv(2)))}}
	eq(t, run(t, newCtx(), w)[:2], "1,1,10,1,10", "1,2,20,2,60")
}

func TestWindowFrames(t *testing.T) {
	part := []analyze.Expr{iv(0)}
	ord := []*analyze.SortKey{asc(iv(1))}
	filtered := sumAgg(iv(2))
	filtered.Filter = op(">", iv(2), c(15))
	tests := []struct {
		name string
		spec *analyze.WindowSpec
		agg  *analyze.Aggref
		want string
	}{
		{"no order by: whole partition", &analyze.WindowSpec{PartitionBy: part}, sumAgg(iv(2)), "150 150 150 150 150 1"},
		{"rows 1 preceding 1 following", &analyze.WindowSpec{PartitionBy: part, OrderBy: ord, FrameMode: frameRows,
			StartKind: boundPreceding, StartOffset: c(1), EndKind: boundFollowing, EndOffset: c(1)}, sumAgg(iv(2)), "30 60 90 120 90 1"},
		{"rows unbounded to 1 preceding", &analyze.WindowSpec{PartitionBy: part, OrderBy: ord, FrameMode: frameRows,
			StartKind: boundUnboundedPreceding, EndKind: boundPreceding, EndOffset: c(1)}, sumAgg(iv(2)), "NULL 10 30 60 100 NULL"},
		{"rows current to unbounded", &analyze.WindowSpec{PartitionBy: part, OrderBy: ord, FrameMode: frameRows,
			StartKind: boundCurrentRow, EndKind: boundUnboundedFollowing}, sumAgg(iv(2)), "150 140 120 90 50 1"},
		{"groups 1 preceding", &analyze.WindowSpec{PartitionBy: part, OrderBy: ord, FrameMode: frameGroups,
			StartKind: boundPreceding, StartOffset: c(1), EndKind: boundCurrentRow}, sumAgg(iv(2)), "10 60 60 90 90 1"},
		{"range offset", &analyze.WindowSpec{PartitionBy: part, OrderBy: ord, FrameMode: frameRange,
			StartKind: boundPreceding, StartOffset: c(1), EndKind: boundFollowing, EndOffset: c(1)}, sumAgg(iv(2)), "60 100 100 90 50 1"},
		{"range current row", &analyze.WindowSpec{PartitionBy: part, OrderBy: ord, FrameMode: frameRange,
			StartKind: boundCurrentRow, EndKind: boundCurrentRow}, sumAgg(iv(2)), "10 50 50 40 50 1"},
		{"filter", &analyze.WindowSpec{PartitionBy: part, OrderBy: ord}, filtered, "NULL 50 50 90 140 NULL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := windowColumn(t, tt.spec, wagg(tt.spec, tt.agg)); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	// Descending RANGE offsets count the other way.
	dspec := &analyze.WindowSpec{OrderBy: []*analyze.SortKey{{Expr: iv(0), Desc: true}}, FrameMode: frameRange,
		StartKind: boundPreceding, StartOffset: c(1), EndKind: boundCurrentRow}
	w := &plan.WindowAgg{Child: intRows(5, 4, 3, 1), Spec: dspec, Funcs: []*analyze.WindowFunc{wagg(dspec, sumAgg(iv(0)))}}
	eq(t, run(t, newCtx(), w), "5,5", "4,9", "3,7", "1,1")
	// RANGE over dates with an interval offset (date + interval is a
	// timestamp).
	dates := &plan.ValuesScan{Rows: [][]analyze.Expr{{tc(types.Date, types.DateVal(0))}, {tc(types.Date, types.DateVal(1))},
		{tc(types.Date, types.DateVal(3))}, {tc(types.Date, nil)}}}
	day := types.IntervalVal{Days: 1}
	dspec = &analyze.WindowSpec{OrderBy: []*analyze.SortKey{asc(tyv(0, types.Date))}, FrameMode: frameRange,
		StartKind: boundPreceding, StartOffset: tc(types.Interval, day), EndKind: boundCurrentRow}
	w = &plan.WindowAgg{Child: dates, Spec: dspec, Funcs: []*analyze.WindowFunc{wagg(dspec, countStar())}}
	eq(t, run(t, newCtx(), w), "0,1", "1,2", "3,1", "NULL,1") // days since 2000-01-01
	// last_value / first_value over a ROWS frame.
	rspec := &analyze.WindowSpec{OrderBy: ord, FrameMode: frameRows, StartKind: boundPreceding, StartOffset: c(1), EndKind: boundFollowing, EndOffset: c(1)}
	w = &plan.WindowAgg{Child: windowInput(), Spec: rspec, Funcs: []*analyze.WindowFunc{wf("first_value", rspec, iv(2)), wf("last_value", rspec, iv(2))}}
	got := run(t, newCtx(), w)
	eq(t, got[:2], "1,1,10,10,20", "1,2,20,10,30")
}

func TestWindowErrors(t *testing.T) {
	spec := &analyze.WindowSpec{OrderBy: []*analyze.SortKey{asc(iv(1))}}
	_, err := tryRun(newCtx(), &plan.WindowAgg{Child: windowInput(), Spec: spec, Funcs: []*analyze.WindowFunc{wf("ntile", spec, c(0))}})
	codeOf(t, err, pgerr.InvalidArgumentForNtileFunction)
	_, err = tryRun(newCtx(), &plan.WindowAgg{Child: windowInput(), Spec: spec, Funcs: []*analyze.WindowFunc{wf("nth_value", spec, iv(2), c(0))}})
	codeOf(t, err, pgerr.InvalidArgumentForNthValueFunction)
	neg := &analyze.WindowSpec{OrderBy: spec.OrderBy, FrameMode: frameRows, StartKind: boundPreceding, StartOffset: c(-1), EndKind: boundCurrentRow}
	_, err = tryRun(newCtx(), &plan.WindowAgg{Child: windowInput(), Spec: neg, Funcs: []*analyze.WindowFunc{wagg(neg, sumAgg(iv(2)))}})
	codeOf(t, err, pgerr.InvalidPrecedingOrFollowingSize)
	null := &analyze.WindowSpec{OrderBy: spec.OrderBy, FrameMode: frameRows, StartKind: boundPreceding, StartOffset: c(nil), EndKind: boundCurrentRow}
	_, err = tryRun(newCtx(), &plan.WindowAgg{Child: windowInput(), Spec: null, Funcs: []*analyze.WindowFunc{wagg(null, sumAgg(iv(2)))}})
	codeOf(t, err, pgerr.NullValueNotAllowed)
	_, err = tryRun(newCtx(), &plan.WindowAgg{Child: windowInput(), Spec: spec, Funcs: []*analyze.WindowFunc{wf("nope", spec)}})
	codeOf(t, err, pgerr.FeatureNotSupported)
}

func TestCTEScanShared(t *testing.T) {
	runs := 0
	cte := &plan.FunctionScan{Name: "f", SRF: func([]any) (func() (any, bool, error), error) {
		runs++
		i := int64(0)
		return func() (any, bool, error) {
			i++
			return i, i <= 3, nil
		}, nil
	}}
	scan := func() *plan.CTEScan { return &plan.CTEScan{ID: 1, Plan: cte, Width: 1} }
	// Two scans of one CTE, interleaved by a nested loop: the CTE runs once.
	nl := &plan.NestLoop{Kind: plan.JoinInner, Outer: scan(), Inner: scan(), Qual: op("<=", iv(0), iv(1)), OuterWidth: 1, InnerWidth: 1}
	eq(t, run(t, newCtx(), nl), "1,1", "1,2", "1,3", "2,2", "2,3", "3,3")
	if runs != 1 {
		t.Fatalf("CTE ran %d times", runs)
	}
	// A CTE read by a correlated subquery is still computed once.
	runs = 0
	sub := &plan.Filter{Child: scan(), Qual: op("=", iv(0), &analyze.OuterVar{Levels: 1, Var: iv(0)})}
	link := &analyze.SubLink{Kind: analyze.ExistsSubLink, Plan: &plan.Stmt{Root: sub}, Correlated: true, T: types.Bool}
	eq(t, run(t, newCtx(), &plan.Filter{Child: intRows(0, 1, 2, 5), Qual: link}), "1", "2")
	if runs != 1 {
		t.Fatalf("CTE ran %d times under a correlated subquery", runs)
	}
	// A CTE no scan reads is never computed.
	runs = 0
	eq(t, run(t, newCtx(), &plan.Limit{Child: scan(), Count: c(0)}))
	if runs != 0 {
		t.Fatalf("unread CTE ran")
	}
}

// countTo is WITH RECURSIVE t(n) AS (VALUES (1) UNION [ALL] SELECT n + 1
// FROM t WHERE n < limit).
func countTo(limit int, all bool) *plan.RecursiveUnion {
	rec := &plan.Projection{Child: &plan.Filter{Child: &plan.WorkTableScan{ID: 1, Width: 1}, Qual: op("<", iv(0), c(limit))},
		Targets: []*analyze.Target{{Expr: op("+", iv(0), c(1))}}}
	return &plan.RecursiveUnion{ID: 1, NonRecursive: intRows(1), Recursive: rec, All: all, Width: 1}
}

func TestRecursiveUnion(t *testing.T) {
	sum := &plan.Agg{Strategy: plan.AggPlain, Child: countTo(100, true), Aggs: []*analyze.Aggref{sumAgg(iv(0)), countStar()}}
	eq(t, run(t, newCtx(), sum), "5050,100")
	// UNION drops rows seen before, so a cycle ends: n -> (n + 1) % 5.
	rec := &plan.Projection{Child: &plan.WorkTableScan{ID: 7, Width: 1}, Targets: []*analyze.Target{{Expr: op("%", op("+", iv(0), c(1)), c(5))}}}
	cyc := &plan.RecursiveUnion{ID: 7, NonRecursive: intRows(3, 3), Recursive: rec, Width: 1}
	eq(t, run(t, newCtx(), cyc), "3", "4", "0", "1", "2")
	// Rounds of 2000 rows spill the work table; UNION checks duplicates.
	big := &plan.Projection{Child: &plan.Filter{Child: &plan.WorkTableScan{ID: 3, Width: 1}, Qual: op("<=", iv(0), c(8000))},
		Targets: []*analyze.Target{{Expr: op("+", iv(0), c(2000))}}}
	bru := &plan.RecursiveUnion{ID: 3, NonRecursive: genSeries(1, 2000), Recursive: big, Width: 1}
	ec, fs := spillCtx(8 << 10)
	eq(t, run(t, ec, &plan.Agg{Strategy: plan.AggPlain, Child: bru, Aggs: []*analyze.Aggref{countStar(), sumAgg(iv(0))}}), "10000,50005000")
	if st := ec.Stats(bru); st.DiskKB == 0 {
		t.Fatalf("work table did not spill: %+v", st)
	}
	if names := tempFiles(t, fs); len(names) != 0 {
		t.Fatalf("temporary files left: %v", names)
	}
	// Each round reads only the previous round: a round of k rows.
	// (1) -> (2),(2) doubling four times: 1+2+4+8+16 rows.
	dbl := &plan.Append{Inputs: []plan.Node{
		&plan.Filter{Child: &plan.WorkTableScan{ID: 2, Width: 1}, Qual: op("<", iv(0), c(5))},
		&plan.Filter{Child: &plan.WorkTableScan{ID: 2, Width: 1}, Qual: op("<", iv(0), c(5))}}}
	inc := &plan.Projection{Child: dbl, Targets: []*analyze.Target{{Expr: op("+", iv(0), c(1))}}}
	ru := &plan.RecursiveUnion{ID: 2, NonRecursive: intRows(1), Recursive: inc, All: true, Width: 1}
	eq(t, run(t, newCtx(), &plan.Agg{Strategy: plan.AggPlain, Child: ru, Aggs: []*analyze.Aggref{countStar()}}), "31")
}

// TestRecursiveUnionRunaway cancels a recursion without end.
func TestRecursiveUnionRunaway(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ec := &Context{Ctx: ctx}
	rec := &plan.Projection{Child: &plan.WorkTableScan{ID: 1, Width: 1}, Targets: []*analyze.Target{{Expr: op("+", iv(0), c(1))}}}
	it, err := Build(ec, &plan.RecursiveUnion{ID: 1, NonRecursive: intRows(1), Recursive: rec, All: true, Width: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	for i := 0; ; i++ {
		if i == 10000 {
			cancel()
		}
		r, err := it.Next()
		if err != nil {
			codeOf(t, err, pgerr.QueryCanceled)
			return
		}
		if r == nil || i > 20000 {
			t.Fatalf("recursion ended at row %d without cancellation", i)
		}
	}
}
