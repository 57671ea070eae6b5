package exec

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// memoPlan is outer NestLoop(Lateral) Memoize(IndexScan t_a = outer.0).
func memoPlan(tb *ixTable, ix *ixIndex, outer plan.Node, kind plan.JoinKind) (*plan.NestLoop, *plan.Memoize, *plan.IndexScan) {
	ov := &analyze.OuterVar{Levels: 1, Var: iv(0)}
	scan := &plan.IndexScan{Rel: tb.rel, Cols: tb.cols, Index: ix.ref,
		Keys: []plan.ScanKey{{Col: 0, Op: plan.KeyEQ, Arg: ov, ArgType: types.Int8}}}
	memo := &plan.Memoize{Child: scan, Keys: []analyze.Expr{ov}}
	return &plan.NestLoop{Kind: kind, Outer: outer, Inner: memo, Lateral: true, OuterWidth: 1, InnerWidth: 3}, memo, scan
}

// TestMemoizeHitsAndMisses: repeated outer keys are served from the
// cache; results equal a hash join's; the counts are PostgreSQL's.
func TestMemoizeHitsAndMisses(t *testing.T) {
	e := newIxEnv(t)
	tb := randomTable(t, e, 1500, 10)
	ix := tb.index("t_a", []keySpec{{col: 0}})
	outer := intRows(3, 4, 3, nil, 3, 4, 99, 99, nil, -7)
	for _, kind := range []plan.JoinKind{plan.JoinInner, plan.JoinLeft, plan.JoinSemi, plan.JoinAnti} {
		nl, memo, scan := memoPlan(tb, ix, outer, kind)
		ec := e.ctx(nil)
		ec.Instrument = true
		got := runRows(t, ec, nl)
		hj := &plan.HashJoin{Kind: kind, Outer: outer, Inner: tb.seqScan(nil),
			OuterKeys: []analyze.Expr{iv(0)}, InnerKeys: []analyze.Expr{cmpCast(vr(0, types.Int4), types.Int8)}, OuterWidth: 1, InnerWidth: 3}
		want := runRows(t, e.ctx(nil), hj)
		require.Equal(t, sorted(want), sorted(got), "kind %v", kind)
		st := ec.Stats(memo)
		require.EqualValues(t, 10, st.CacheHits+st.CacheMisses)
		if kind == plan.JoinInner || kind == plan.JoinLeft {
			// distinct keys: 3, 4, NULL, 99, -7
			require.EqualValues(t, 5, st.CacheMisses, "kind %v", kind)
			require.EqualValues(t, 5, st.CacheHits)
			require.EqualValues(t, 5, ec.Stats(scan).Loops)
		}
	}
}

// TestMemoizeEvicts: with a tiny work_mem the cache evicts (LRU) and
// overflows but results stay right.
func TestMemoizeEvicts(t *testing.T) {
	e := newIxEnv(t)
	tb := randomTable(t, e, 1500, 11)
	ix := tb.index("t_a", []keySpec{{col: 0}})
	var keys []any
	for r := 0; r < 3; r++ {
		for k := -5; k <= 5; k++ {
			keys = append(keys, k)
		}
	}
	outer := intRows(keys...)
	nl, memo, _ := memoPlan(tb, ix, outer, plan.JoinInner)
	want := runRows(t, e.ctx(nil), nl)
	ec := e.ctx(nil)
	ec.WorkMem = 3000 // a few entries of ~15 rows
	got := runRows(t, ec, nl)
	require.Equal(t, want, got)
	st := ec.Stats(memo)
	require.Greater(t, st.CacheEvictions, int64(0))
	require.EqualValues(t, len(keys), st.CacheHits+st.CacheMisses)
	require.Greater(t, st.CacheMisses, int64(11))

	ec = e.ctx(nil)
	ec.WorkMem = 100 // no entry fits
	require.Equal(t, want, runRows(t, ec, nl))
	require.Greater(t, ec.Stats(memo).CacheOverflows, int64(0))
	require.Zero(t, ec.Stats(memo).CacheHits)
}
