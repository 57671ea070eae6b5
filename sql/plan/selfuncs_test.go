package plan

import (
	"math"
	"testing"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// A table of 10 000 rows whose column 0 has a uniform histogram 0..100
// and column 1 two MCVs; the expected values are PostgreSQL's formulas
// worked by hand.

func testOptimizer(t *testing.T) (*optimizer, *baseRel) {
	t.Helper()
	rel := &catalog.Relation{Name: "t"}
	rte := &analyze.RTE{Kind: analyze.RTERelation, Rel: rel, Cols: []analyze.Column{{Name: "a", T: types.Int4}, {Name: "b", T: types.Int4}}}
	hist := make([]types.Datum, 101)
	for i := range hist {
		hist[i] = int64(i)
	}
	stats := map[int16]*ColStats{
		1: {NDistinct: -0.01, Histogram: hist},
		2: {NDistinct: 12, NullFrac: 0.1, MCVals: []types.Datum{int64(1), int64(2)}, MCFreqs: []float64{0.5, 0.2}},
	}
	env := &Env{S: DefaultSettings(),
		Stats: func(_ *catalog.Relation, attnum int16) *ColStats { return stats[attnum] },
		Class: func(*catalog.Relation) (float64, float64, float64) { return 100, 10000, 0 },
	}
	o := &optimizer{}
	o.init(&planner{q: &analyze.Query{}, shared: &shared{env: env}}, env)
	br := &baseRel{ri: 0, rte: rte}
	o.rels[0] = br
	o.setupRel(br)
	return o, br
}

func col(i int) *analyze.Var {
	return &analyze.Var{RTE: 0, Col: i, T: types.Int4}
}

func op(name string, l, r analyze.Expr) *analyze.OpExpr {
	o, ok := types.LookupOperator(name, types.Int4, types.Int4)
	if !ok {
		panic(name)
	}
	return &analyze.OpExpr{Op: o, Args: []analyze.Expr{l, r}, T: types.Bool}
}

func k(v int64) *analyze.Const { return &analyze.Const{T: types.Int4, Val: v, Mod: -1} }

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s: got %.10g, want %.10g", what, got, want)
	}
}

func TestSelectivity(t *testing.T) {
	o, br := testOptimizer(t)
	near(t, "tuples", br.tuples, 10000)
	// histogram interpolation: x < 50 is half the histogram, minus the
	// "= 50" share for a strict inequality (1 / 100 distinct)
	near(t, "a < 50", o.clauseSel(op("<", col(0), k(50)), JoinInner), 0.5-0.01)
	near(t, "a <= 50", o.clauseSel(op("<=", col(0), k(50)), JoinInner), 0.5)
	near(t, "a > 25", o.clauseSel(op(">", col(0), k(25)), JoinInner), 0.75)
	// commuted: 25 < a is a > 25
	near(t, "25 < a", o.clauseSel(op("<", k(25), col(0)), JoinInner), 0.75)
	// below the histogram: clamped to a hundredth of a bucket
	near(t, "a < -5", o.clauseSel(op("<", col(0), k(-5)), JoinInner), 0.01/100)
	// a range pair: hi + lo - 1
	near(t, "a >= 10 AND a <= 20", o.clauseListSel([]analyze.Expr{op(">=", col(0), k(10)), op("<=", col(0), k(20))}, JoinInner),
		(1-0.1+0.01)+0.2-1)
	// MCV hit, and a value outside the MCVs: (1 - 0.7 - 0.1) / (12 - 2)
	near(t, "b = 1", o.clauseSel(op("=", col(1), k(1)), JoinInner), 0.5)
	near(t, "b = 7", o.clauseSel(op("=", col(1), k(7)), JoinInner), 0.02)
	near(t, "b <> 1", o.clauseSel(op("<>", col(1), k(1)), JoinInner), 1-0.5-0.1)
	near(t, "b IS NULL", o.clauseSel(&analyze.NullTest{Arg: col(1)}, JoinInner), 0.1)
	// a = b within the row: var_eq_non_const on a (100 distinct)
	near(t, "a = b", o.clauseSel(op("=", col(0), col(1)), JoinInner), 0.01)
	// IN list: disjoint equalities add up
	in := &analyze.ScalarArrayOpExpr{Op: op("=", col(1), k(0)).Op, Left: col(1), Elems: []analyze.Expr{k(1), k(2)}}
	near(t, "b IN (1, 2)", o.clauseSel(in, JoinInner), 0.7)
	// no statistics: PostgreSQL's defaults
	o.env.Stats = func(*catalog.Relation, int16) *ColStats { return nil }
	o.statsCache = nil
	near(t, "default ineq", o.clauseSel(op("<", col(0), k(5)), JoinInner), 1.0/3)
	near(t, "default eq", o.clauseSel(op("=", col(0), k(5)), JoinInner), 0.005)
	near(t, "default range", o.clauseListSel([]analyze.Expr{op(">", col(0), k(1)), op("<", col(0), k(5))}, JoinInner), 0.005)
}

func TestCostFormulas(t *testing.T) {
	o, br := testOptimizer(t)
	// cost_seqscan: 100 pages + 10 000 tuples, one operator per tuple
	br.quals = []analyze.Expr{op("<", col(0), k(50))}
	o.sizeRel(br)
	seq := o.seqPath(br)
	near(t, "seq scan", seq.total, 100*1+10000*(0.01+0.0025))
	near(t, "rows", br.rows, 4900)
	// index_pages_fetched: a few tuples on a big table, no cache pressure
	o.totalPages = 100
	near(t, "pages fetched", o.indexPagesFetched(10, 100, 10), math.Ceil(2*100*10/(2*100+10.0)))
	// a bounded sort is cheaper than a full one
	_, full := o.sortCost(0, 10, 10000, 8, -1)
	_, top := o.sortCost(0, 10, 10000, 8, 10)
	if top >= full {
		t.Errorf("top-N sort %g not cheaper than full sort %g", top, full)
	}
	st, tot, rows := limitCost(0, 100, 1000, 10, 0)
	near(t, "limit startup", st, 0)
	near(t, "limit total", tot, 1)
	near(t, "limit rows", rows, 10)
}
