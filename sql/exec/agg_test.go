package exec

import (
	"fmt"
	"slices"
	"testing"

	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
)

// groups of (k, v): k in {1, 2, NULL}.
func aggInput() *plan.ValuesScan {
	return valuesOf([]any{1, 10}, []any{2, 5}, []any{1, nil}, []any{nil, 7}, []any{2, 5}, []any{1, 30}, []any{nil, 1})
}

func TestAggPlain(t *testing.T) {
	agg := &plan.Agg{Strategy: plan.AggPlain, Child: aggInput(),
		Aggs: []*analyze.Aggref{sumAgg(iv(1)), countStar(), countAgg(iv(1))}}
	eq(t, run(t, newCtx(), agg), "58,7,6")
	// Empty input: one row.
	agg.Child = valuesOf()
	eq(t, run(t, newCtx(), agg), "NULL,0,0")
}

func TestAggStrategies(t *testing.T) {
	aggs := func() []*analyze.Aggref { return []*analyze.Aggref{sumAgg(iv(1)), countStar()} }
	sortedIn := &plan.Sort{Child: aggInput(), Keys: []*analyze.SortKey{asc(iv(0))}}
	want := []string{"1,40,3", "2,10,2", "NULL,8,2"}
	sortedAgg := &plan.Agg{Strategy: plan.AggSorted, Child: sortedIn, GroupKeys: []analyze.Expr{iv(0)}, Aggs: aggs()}
	eq(t, run(t, newCtx(), sortedAgg), want...)
	hashed := &plan.Agg{Strategy: plan.AggHashed, Child: aggInput(), GroupKeys: []analyze.Expr{iv(0)}, Aggs: aggs()}
	eq(t, run(t, newCtx(), hashed), "1,40,3", "2,10,2", "NULL,8,2") // first-seen order
	// Empty input with GROUP BY: no rows.
	hashed.Child = valuesOf()
	eq(t, run(t, newCtx(), hashed))
	sortedAgg.Child = valuesOf()
	eq(t, run(t, newCtx(), sortedAgg))
}

func TestAggFilterDistinctOrderBy(t *testing.T) {
	filtered := sumAgg(iv(1))
	filtered.Filter = op(">", iv(1), c(6))
	distinct := sumAgg(iv(1))
	distinct.Distinct = true
	ordered := catAgg(iv(1))
	ordered.OrderBy = []*analyze.SortKey{desc(iv(1))}
	distinctOrdered := catAgg(iv(1))
	distinctOrdered.Distinct = true
	distinctOrdered.OrderBy = []*analyze.SortKey{asc(iv(1))}
	agg := &plan.Agg{Strategy: plan.AggHashed, Child: aggInput(), GroupKeys: []analyze.Expr{iv(0)},
		Aggs: []*analyze.Aggref{filtered, distinct, ordered, distinctOrdered}}
	eq(t, run(t, newCtx(), agg), "1,40,40,30:10,10:30", "2,NULL,5,5:5,5", "NULL,7,8,7:1,1:7")
}

func TestGroupingSets(t *testing.T) {
	// Input sorted by (a, b); ROLLUP(a, b) = sets (a,b), (a), ().
	in := valuesOf([]any{1, 1, 1}, []any{1, 1, 2}, []any{1, 2, 3}, []any{2, 1, 4}, []any{2, nil, 5})
	aggs := []*analyze.Aggref{sumAgg(iv(2))}
	keys := []analyze.Expr{iv(0), iv(1)}
	rollup := [][]int{{0, 1}, {0}, {}}
	sortedAgg := &plan.Agg{Strategy: plan.AggSorted, Child: in, GroupKeys: keys, Aggs: aggs, GroupingSets: rollup}
	// PostgreSQL's rollup order: finest group first at each boundary.
	eq(t, run(t, newCtx(), sortedAgg), "1,1,3", "1,2,3", "1,NULL,6", "2,1,4", "2,NULL,5", "2,NULL,9", "NULL,NULL,15")
	// CUBE adds (b) on a re-sorted pass.
	cube := [][]int{{0, 1}, {0}, {1}, {}}
	sortedAgg.GroupingSets = cube
	want := []string{"1,1,3", "1,2,3", "1,NULL,6", "2,1,4", "2,NULL,5", "2,NULL,9", "NULL,NULL,15", "NULL,1,7", "NULL,2,3", "NULL,NULL,5"}
	eq(t, run(t, newCtx(), sortedAgg), want...)
	hashed := &plan.Agg{Strategy: plan.AggHashed, Child: in, GroupKeys: keys, Aggs: aggs, GroupingSets: cube}
	eq(t, sorted(run(t, newCtx(), hashed)), sorted(want)...)
	// Empty input: only the empty set yields a row.
	sortedAgg.Child = valuesOf()
	eq(t, run(t, newCtx(), sortedAgg), "NULL,NULL,NULL")
	hashed.Child = valuesOf()
	eq(t, run(t, newCtx(), hashed), "NULL,NULL,NULL")
}

// TestHashAggSpill groups 50k rows into 10k groups with 64 kB of work_mem:
// new groups spill to partitions, and the result equals the in-memory one.
func TestHashAggSpill(t *testing.T) {
	mk := func() *plan.Agg {
		// k = x % 10000, sum(x), count(*), count(DISTINCT x % 3)
		in := &plan.Projection{Child: genSeries(1, 50000), Targets: []*analyze.Target{{Expr: op("%", iv(0), c(10000))}, {Expr: iv(0)}}}
		d := countAgg(op("%", iv(1), c(3)))
		d.Distinct = true
		return &plan.Agg{Strategy: plan.AggHashed, Child: in, GroupKeys: []analyze.Expr{iv(0)},
			Aggs: []*analyze.Aggref{sumAgg(iv(1)), countStar(), d}}
	}
	want := run(t, newCtx(), mk())
	ec, fs := spillCtx(64 << 10)
	a := mk()
	got := run(t, ec, a)
	st := ec.Stats(a)
	if st.Batches < 2 || st.DiskKB == 0 {
		t.Fatalf("did not spill: %+v", st)
	}
	if len(got) != 10000 {
		t.Fatalf("%d groups", len(got))
	}
	if !slices.Equal(sorted(got), sorted(want)) {
		t.Fatalf("spilled result differs")
	}
	for _, r := range got[:3] {
		var k, sum, n, d int64
		fmt.Sscanf(r, "%d,%d,%d,%d", &k, &sum, &n, &d)
		if n != 5 || d != 3 || sum != 5*k+100000 {
			t.Fatalf("group %q", r)
		}
	}
	if names := tempFiles(t, fs); len(names) != 0 {
		t.Fatalf("temporary files left: %v", names)
	}
}

func TestUnique(t *testing.T) {
	in := valuesOf([]any{1, "a"}, []any{1, "a"}, []any{nil, "b"}, []any{nil, "b"}, []any{1, "c"}, []any{2, "a"}, []any{1, "a"})
	eq(t, run(t, newCtx(), &plan.Unique{Child: in}), "1,a", "NULL,b", "1,c", "2,a", "1,a")
	eq(t, run(t, newCtx(), &plan.Unique{Child: in, Hashed: true}), "1,a", "NULL,b", "1,c", "2,a")
	// DISTINCT ON (x): first row per x of sorted input.
	on := &plan.Unique{Child: &plan.Sort{Child: in, Keys: []*analyze.SortKey{asc(iv(0))}}, Keys: []analyze.Expr{iv(0)}}
	eq(t, run(t, newCtx(), on), "1,a", "2,a", "NULL,b")
	// Hashed spill: 30k rows, 10k distinct values.
	mk := func() *plan.Unique {
		in := &plan.Projection{Child: genSeries(1, 30000), Targets: []*analyze.Target{{Expr: op("%", iv(0), c(10000))}}}
		return &plan.Unique{Child: in, Hashed: true}
	}
	ec, fs := spillCtx(32 << 10)
	u := mk()
	got := run(t, ec, u)
	if len(got) != 10000 || ec.Stats(u).Batches < 2 {
		t.Fatalf("%d rows, stats %+v", len(got), ec.Stats(u))
	}
	if !slices.Equal(sorted(got), sorted(run(t, newCtx(), mk()))) {
		t.Fatalf("spilled unique differs")
	}
	if names := tempFiles(t, fs); len(names) != 0 {
		t.Fatalf("temporary files left: %v", names)
	}
}

func TestSetOps(t *testing.T) {
	// left: 1,1,1,2,NULL,NULL,3  right: 1,2,2,NULL,4
	left := intRows(1, 1, 1, 2, nil, nil, 3)
	right := intRows(1, 2, 2, nil, 4)
	tests := []struct {
		op   plan.SetOpKind
		all  bool
		want []string
	}{
		{plan.SetUnion, false, []string{"1", "2", "NULL", "3", "4"}},
		{plan.SetUnion, true, []string{"1", "1", "1", "2", "NULL", "NULL", "3", "1", "2", "2", "NULL", "4"}},
		{plan.SetIntersect, false, []string{"1", "2", "NULL"}},
		{plan.SetIntersect, true, []string{"1", "2", "NULL"}},
		{plan.SetExcept, false, []string{"3"}},
		{plan.SetExcept, true, []string{"1", "1", "NULL", "3"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.op, tt.all), func(t *testing.T) {
			eq(t, run(t, newCtx(), &plan.SetOp{Op: tt.op, All: tt.all, Left: left, Right: right}), tt.want...)
		})
	}
	// INTERSECT ALL keeps min counts: 1 x3 vs x1 -> 1; 2 x1 vs x2 -> 1.
	l2 := intRows(5, 5, 5, 6)
	r2 := intRows(5, 5, 6, 6)
	eq(t, run(t, newCtx(), &plan.SetOp{Op: plan.SetIntersect, All: true, Left: l2, Right: r2}), "5", "5", "6")
	eq(t, run(t, newCtx(), &plan.SetOp{Op: plan.SetExcept, All: true, Left: l2, Right: r2}), "5")
	// Multi-column rows compare column by column, NULLs equal.
	ml := valuesOf([]any{1, nil}, []any{1, "x"})
	mr := valuesOf([]any{1, nil})
	eq(t, run(t, newCtx(), &plan.SetOp{Op: plan.SetExcept, Left: ml, Right: mr}), "1,x")
}
