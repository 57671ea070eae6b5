package exec

import (
	"math/rand"
	"slices"
	"testing"

	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

var allJoinKinds = []plan.JoinKind{plan.JoinInner, plan.JoinLeft, plan.JoinRight, plan.JoinFull, plan.JoinSemi, plan.JoinAnti}

// refJoin computes a join of (a, b) with (c, d) on a = c AND b <= d the
// obvious way.
func refJoin(kind plan.JoinKind, outer, inner [][]any) []string {
	match := func(o, i []any) bool {
		if o[0] == nil || i[0] == nil || o[1] == nil || i[1] == nil {
			return false
		}
		return o[0].(int) == i[0].(int) && o[1].(int) <= i[1].(int)
	}
	conv := func(vs ...any) string {
		var ds []types.Datum
		for _, v := range vs {
			if v == nil {
				ds = append(ds, nil)
			} else {
				ds = append(ds, int64(v.(int)))
			}
		}
		return fmtRow(ds)
	}
	var out []string
	innerMatched := make([]bool, len(inner))
	for _, o := range outer {
		m := false
		for j, i := range inner {
			if match(o, i) {
				m = true
				innerMatched[j] = true
				if kind != plan.JoinSemi && kind != plan.JoinAnti {
					out = append(out, conv(o[0], o[1], i[0], i[1]))
				}
			}
		}
		switch {
		case kind == plan.JoinSemi && m, kind == plan.JoinAnti && !m:
			out = append(out, conv(o[0], o[1]))
		case !m && (kind == plan.JoinLeft || kind == plan.JoinFull):
			out = append(out, conv(o[0], o[1], nil, nil))
		}
	}
	if kind == plan.JoinRight || kind == plan.JoinFull {
		for j, i := range inner {
			if !innerMatched[j] {
				out = append(out, conv(nil, nil, i[0], i[1]))
			}
		}
	}
	return out
}

func randRows(rng *rand.Rand, n, keys int) [][]any {
	rows := make([][]any, n)
	for i := range rows {
		var a, b any = rng.Intn(keys), rng.Intn(10)
		if rng.Intn(8) == 0 {
			a = nil
		}
		if rng.Intn(10) == 0 {
			b = nil
		}
		rows[i] = []any{a, b}
	}
	return rows
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func nestLoopPlan(kind plan.JoinKind, outer, inner plan.Node) *plan.NestLoop {
	qual := &analyze.BoolExpr{Op: analyze.And, Args: []analyze.Expr{op("=", iv(0), iv(2)), op("<=", iv(1), iv(3))}}
	return &plan.NestLoop{Kind: kind, Outer: outer, Inner: inner, Qual: qual, OuterWidth: 2, InnerWidth: 2}
}

func hashJoinPlan(kind plan.JoinKind, outer, inner plan.Node) *plan.HashJoin {
	return &plan.HashJoin{Kind: kind, Outer: outer, Inner: inner, OuterKeys: []analyze.Expr{iv(0)}, InnerKeys: []analyze.Expr{iv(0)},
		Qual: op("<=", iv(1), iv(3)), OuterWidth: 2, InnerWidth: 2}
}

func TestJoinsMatchReference(t *testing.T) {
	seed := int64(7)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	for round := 0; round < 6; round++ {
		outer := randRows(rng, rng.Intn(40), 8)
		inner := randRows(rng, rng.Intn(40), 8)
		if round == 0 {
			inner = nil // empty inner side
		}
		for _, kind := range allJoinKinds {
			want := sorted(refJoin(kind, outer, inner))
			plans := map[string]func() (plan.Node, *Context){
				"nestloop": func() (plan.Node, *Context) {
					return nestLoopPlan(kind, valuesOf(outer...), valuesOf(inner...)), newCtx()
				},
				"nestloop-materialized": func() (plan.Node, *Context) {
					return nestLoopPlan(kind, valuesOf(outer...), &plan.Filter{Child: valuesOf(inner...), Qual: c(true)}), newCtx()
				},
				"hashjoin": func() (plan.Node, *Context) {
					return hashJoinPlan(kind, valuesOf(outer...), valuesOf(inner...)), newCtx()
				},
				"hashjoin-batched": func() (plan.Node, *Context) {
					ec, _ := spillCtx(512)
					return hashJoinPlan(kind, valuesOf(outer...), valuesOf(inner...)), ec
				},
			}
			for name, mk := range plans {
				p, ec := mk()
				got := sorted(run(t, ec, p))
				if !slices.Equal(got, want) {
					t.Fatalf("round %d %s %s join:\n got  %q\n want %q\nouter %v\ninner %v", round, name, kind, got, want, outer, inner)
				}
			}
		}
	}
}

// TestHashJoinSpill joins 20k x 20k rows with 64 kB of work_mem: the hash
// table splits into batches on temporary files, all removed at Close.
func TestHashJoinSpill(t *testing.T) {
	for _, kind := range []plan.JoinKind{plan.JoinInner, plan.JoinFull, plan.JoinAnti} {
		ec, fs := spillCtx(64 << 10)
		// outer: 1..20000, inner: 10001..30000 (keys, payload = key).
		outer := &plan.Projection{Child: genSeries(1, 20000), Targets: []*analyze.Target{{Expr: iv(0)}, {Expr: c(0)}}}
		inner := &plan.Projection{Child: genSeries(10001, 30000), Targets: []*analyze.Target{{Expr: iv(0)}, {Expr: c(5)}}}
		hj := hashJoinPlan(kind, outer, inner)
		rows := run(t, ec, hj)
		st := ec.Stats(hj)
		want := map[plan.JoinKind]int{plan.JoinInner: 10000, plan.JoinFull: 30000, plan.JoinAnti: 10000}[kind]
		if len(rows) != want || st.Batches < 2 || st.DiskKB == 0 {
			t.Fatalf("%s: %d rows, stats %+v", kind, len(rows), st)
		}
		if names := tempFiles(t, fs); len(names) != 0 {
			t.Fatalf("temporary files left: %v", names)
		}
	}
}

// TestHashJoinKeyTypes checks key equality uses the key type (text) and
// NULL keys never match, also for the right side of a full join.
func TestHashJoinKeyTypes(t *testing.T) {
	outer := valuesOf([]any{"a", 1}, []any{nil, 2}, []any{"b", 3})
	inner := valuesOf([]any{"a", 10}, []any{nil, 20}, []any{"c", 30})
	hj := &plan.HashJoin{Kind: plan.JoinFull, Outer: outer, Inner: inner, OuterKeys: []analyze.Expr{tv(0)}, InnerKeys: []analyze.Expr{tv(0)},
		OuterWidth: 2, InnerWidth: 2}
	eq(t, sorted(run(t, newCtx(), hj)), sorted([]string{"a,1,a,10", "NULL,2,NULL,NULL", "b,3,NULL,NULL", "NULL,NULL,NULL,20", "NULL,NULL,c,30"})...)
}

// TestNestLoopParameterizedInner rebuilds an inner side that reads an
// outer-level row (here the row of an enclosing subquery evaluation).
func TestNestLoopParameterizedInner(t *testing.T) {
	// For each x in (1),(2): SELECT count(*) FROM (1),(2),(3) a JOIN (y WHERE y >= x) b ON a = b
	innerSide := &plan.Filter{Child: intRows(1, 2, 3), Qual: op(">=", iv(0), &analyze.OuterVar{Levels: 1, Var: iv(0)})}
	nl := &plan.NestLoop{Kind: plan.JoinInner, Outer: intRows(1, 2, 3), Inner: innerSide, Qual: op("=", iv(0), iv(1)), OuterWidth: 1, InnerWidth: 1}
	agg := &plan.Agg{Strategy: plan.AggPlain, Child: nl, Aggs: []*analyze.Aggref{countStar()}}
	sub := &analyze.SubLink{Kind: analyze.ExprSubLink, Plan: &plan.Stmt{Root: agg}, Correlated: true, T: types.Int8}
	proj := &plan.Projection{Child: intRows(1, 2, 3), Targets: []*analyze.Target{{Expr: sub}}}
	eq(t, run(t, newCtx(), proj), "3", "2", "1")
}
