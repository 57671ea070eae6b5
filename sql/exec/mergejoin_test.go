package exec

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

func randomKeyRows(rnd *rand.Rand, n, width int) *plan.ValuesScan {
	var rows [][]any
	for i := 0; i < n; i++ {
		r := []any{}
		for c := 0; c < width; c++ {
			if rnd.Intn(8) == 0 {
				r = append(r, nil)
			} else {
				r = append(r, rnd.Intn(12))
			}
		}
		r = append(r, fmt.Sprintf("r%d", i))
		rows = append(rows, r)
	}
	if n == 0 {
		return &plan.ValuesScan{Width: width + 1}
	}
	return valuesOf(rows...)
}

func sortedBy(n plan.Node, ncols int, descending, nullsFirst bool) *plan.Sort {
	var keys []*analyze.SortKey
	for c := 0; c < ncols; c++ {
		keys = append(keys, &analyze.SortKey{Expr: iv(c), Desc: descending, NullsFirst: nullsFirst})
	}
	return &plan.Sort{Child: n, Keys: keys}
}

// TestMergeJoinMatchesHashJoin: every join kind, one and two key columns,
// ascending or descending, NULLS FIRST or LAST, with and without an extra
// join qual, gives the rows of a hash join.
func TestMergeJoinMatchesHashJoin(t *testing.T) {
	rnd := rand.New(rand.NewSource(9))
	kinds := []plan.JoinKind{plan.JoinInner, plan.JoinLeft, plan.JoinRight, plan.JoinFull, plan.JoinSemi, plan.JoinAnti}
	for iter := 0; iter < 300; iter++ {
		nk := 1 + rnd.Intn(2)
		outer := randomKeyRows(rnd, rnd.Intn(40), nk)
		inner := randomKeyRows(rnd, rnd.Intn(40), nk)
		kind := kinds[rnd.Intn(len(kinds))]
		descending, nullsFirst := rnd.Intn(2) == 0, rnd.Intn(2) == 0
		var ok, ik []analyze.Expr
		var desc, nf []bool
		for c := 0; c < nk; c++ {
			ok = append(ok, iv(c))
			ik = append(ik, iv(c))
			desc = append(desc, descending)
			nf = append(nf, nullsFirst)
		}
		var qual analyze.Expr
		if rnd.Intn(3) == 0 && kind != plan.JoinFull {
			// outer's label < inner's label
			qual = cmpOp("<", tv(nk), tv(nk+1+nk))
		}
		w := nk + 1
		mj := &plan.MergeJoin{Kind: kind, Outer: sortedBy(outer, nk, descending, nullsFirst), Inner: sortedBy(inner, nk, descending, nullsFirst),
			OuterKeys: ok, InnerKeys: ik, Desc: desc, NullsFirst: nf, Qual: qual, OuterWidth: w, InnerWidth: w}
		hj := &plan.HashJoin{Kind: kind, Outer: outer, Inner: inner, OuterKeys: ok, InnerKeys: ik, Qual: qual, OuterWidth: w, InnerWidth: w}
		want := runRows(t, newCtx(), hj)
		got := runRows(t, newCtx(), mj)
		require.Equal(t, sorted(want), sorted(got), "iteration %d kind %v desc %v nullsfirst %v", iter, kind, descending, nullsFirst)
	}
}

// TestMergeJoinCrossType joins an int4 key with an int8 key.
func TestMergeJoinCrossType(t *testing.T) {
	outer := &plan.ValuesScan{Width: 1, Rows: [][]analyze.Expr{{tc(types.Int4, int64(1))}, {tc(types.Int4, int64(2))}, {tc(types.Int4, int64(2))}, {tc(types.Int4, int64(5))}}}
	inner := intRows(2, 3, 5, 5)
	mj := &plan.MergeJoin{Kind: plan.JoinFull, Outer: outer, Inner: inner,
		OuterKeys: []analyze.Expr{vr(0, types.Int4)}, InnerKeys: []analyze.Expr{iv(0)}, OuterWidth: 1, InnerWidth: 1}
	require.Equal(t, []string{"1,NULL", "2,2", "2,2", "NULL,3", "5,5", "5,5"}, runRows(t, newCtx(), mj))
}

// TestMergeJoinSpillsLargeGroups: an inner key group larger than
// work_mem goes to a temporary file and is replayed from it; the files are
// gone after Close.
func TestMergeJoinSpillsLargeGroups(t *testing.T) {
	var in, out []any
	for i := 0; i < 600; i++ {
		in = append(in, i%3)
	}
	for i := 0; i < 20; i++ {
		out = append(out, i%4)
	}
	outer, inner := intRows(out...), intRows(in...)
	for _, kind := range []plan.JoinKind{plan.JoinInner, plan.JoinFull, plan.JoinAnti} {
		mj := &plan.MergeJoin{Kind: kind, Outer: sortedBy(outer, 1, false, false), Inner: sortedBy(inner, 1, false, false),
			OuterKeys: []analyze.Expr{iv(0)}, InnerKeys: []analyze.Expr{iv(0)}, OuterWidth: 1, InnerWidth: 1}
		hj := &plan.HashJoin{Kind: kind, Outer: outer, Inner: inner, OuterKeys: []analyze.Expr{iv(0)}, InnerKeys: []analyze.Expr{iv(0)}, OuterWidth: 1, InnerWidth: 1}
		ec, fs := spillCtx(1024)
		ec.Instrument = true
		got := run(t, ec, mj)
		require.Equal(t, sorted(run(t, newCtx(), hj)), sorted(got), "kind %v", kind)
		require.Greater(t, ec.Stats(mj).DiskKB, int64(0), "kind %v", kind)
		require.Empty(t, tempFiles(t, fs))
	}
}
