package exec

import (
	"testing"
	"time"

	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
)

func TestInstrumentStats(t *testing.T) {
	now := time.Unix(0, 0)
	ec := newCtx()
	ec.Instrument = true
	ec.Clock = func() time.Time { now = now.Add(time.Millisecond); return now }
	// A correlated subquery is built once per outer row: loops = 3.
	inner := &plan.Filter{Child: intRows(1, 2, 3, 4), Qual: op("<=", iv(0), &analyze.OuterVar{Levels: 1, Var: iv(0)})}
	link := sublink(analyze.ExprSubLink, &plan.Agg{Strategy: plan.AggPlain, Child: inner, Aggs: []*analyze.Aggref{countStar()}}, true)
	outer := intRows(1, 2, 3)
	proj := &plan.Projection{Child: outer, Targets: []*analyze.Target{{Expr: link}}}
	eq(t, run(t, ec, proj), "1", "2", "3")
	if st := ec.Stats(proj); st.Rows != 3 || st.Loops != 1 || st.Total <= 0 || st.Startup <= 0 {
		t.Fatalf("projection stats %+v", st)
	}
	if st := ec.Stats(inner); st.Rows != 6 || st.Loops != 3 {
		t.Fatalf("inner filter stats %+v", st)
	}
	if ec.Stats(valuesOf()) != nil {
		t.Fatalf("stats of a node never built")
	}
	// A nested loop rescans a rescannable inner side: loops count rescans.
	ec = newCtx()
	ec.Instrument = true
	in := intRows(1, 2)
	nl := &plan.NestLoop{Kind: plan.JoinInner, Outer: intRows(1, 2, 3), Inner: in, OuterWidth: 1, InnerWidth: 1}
	if got := run(t, ec, nl); len(got) != 6 {
		t.Fatalf("cross join: %v", got)
	}
	if st := ec.Stats(in); st.Loops != 3 || st.Rows != 6 {
		t.Fatalf("inner stats %+v", st)
	}
}

// TestNestLoopStoredInnerSpill materializes a large inner side that spills.
func TestNestLoopStoredInnerSpill(t *testing.T) {
	ec, fs := spillCtx(8 << 10)
	inner := &plan.Filter{Child: genSeries(1, 3000), Qual: c(true)}
	nl := &plan.NestLoop{Kind: plan.JoinRight, Outer: intRows(5, 2999), Inner: inner, Qual: op("=", iv(0), iv(1)), OuterWidth: 1, InnerWidth: 1}
	got := run(t, ec, nl)
	if len(got) != 3000 || got[0] != "5,5" || got[1] != "2999,2999" || got[2] != "NULL,1" {
		t.Fatalf("%d rows: %v", len(got), got[:3])
	}
	if names := tempFiles(t, fs); len(names) != 0 {
		t.Fatalf("temporary files left: %v", names)
	}
}

// TestRescanSpilledSort rescans an externally sorted inner side once per
// outer row: the merge restarts from the runs.
func TestRescanSpilledSort(t *testing.T) {
	ec, fs := spillCtx(16 << 10)
	s := &plan.Sort{Child: genSeries(1, 3000), Keys: []*analyze.SortKey{desc(iv(0))}}
	nl := &plan.NestLoop{Kind: plan.JoinFull, Outer: intRows(7, 2999, 9999), Inner: s, Qual: op("=", iv(0), iv(1)), OuterWidth: 1, InnerWidth: 1}
	got := run(t, ec, nl)
	if len(got) != 3001 || got[0] != "7,7" || got[1] != "2999,2999" || got[2] != "9999,NULL" || got[3] != "NULL,3000" {
		t.Fatalf("%d rows: %v", len(got), got[:4])
	}
	if ec.Stats(s).SortMethod != "external merge" {
		t.Fatalf("sort stats %+v", ec.Stats(s))
	}
	if names := tempFiles(t, fs); len(names) != 0 {
		t.Fatalf("temporary files left: %v", names)
	}
}
