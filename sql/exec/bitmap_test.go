package exec

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

func orExpr(es ...analyze.Expr) analyze.Expr { return &analyze.BoolExpr{Op: analyze.Or, Args: es} }

// bitmapCase is a random bitmap tree over the table's indexes and the
// condition it stands for.
func randomBitmap(rnd *rand.Rand, tb *ixTable, ixs []*ixIndex, depth int) (plan.Node, analyze.Expr) {
	if depth == 0 || rnd.Intn(3) == 0 {
		ix := ixs[rnd.Intn(len(ixs))]
		keys := randomKeys(rnd, ix, tb)
		var quals []analyze.Expr
		for _, k := range keys {
			quals = append(quals, keyQual(ix, tb, k))
		}
		q := and(quals...)
		if q == nil {
			q = tc(types.Bool, true)
		}
		return &plan.BitmapIndexScan{Index: ix.ref, Keys: keys}, q
	}
	n := 2 + rnd.Intn(2)
	var nodes []plan.Node
	var quals []analyze.Expr
	for i := 0; i < n; i++ {
		nd, q := randomBitmap(rnd, tb, ixs, depth-1)
		nodes = append(nodes, nd)
		quals = append(quals, q)
	}
	if rnd.Intn(2) == 0 {
		return &plan.BitmapAnd{Inputs: nodes}, and(quals...)
	}
	return &plan.BitmapOr{Inputs: nodes}, orExpr(quals...)
}

// TestBitmapHeapScanMatchesSeqScan: random BitmapAnd/Or trees give the
// rows of a sequential scan with the same condition, in physical order,
// with a large work_mem (exact) and a tiny one (lossy pages, rechecked).
func TestBitmapHeapScanMatchesSeqScan(t *testing.T) {
	e := newIxEnv(t)
	tb := randomTable(t, e, 3000, 5)
	ixs := []*ixIndex{
		tb.index("t_a", []keySpec{{col: 0}}),
		tb.index("t_b_a", []keySpec{{col: 1}, {col: 0, nfst: true}}, 2),
		tb.index("t_c", []keySpec{{col: 2, desc: true}}),
	}
	rnd := rand.New(rand.NewSource(6))
	sawLossy, sawExact := false, false
	for iter := 0; iter < 150; iter++ {
		bm, q := randomBitmap(rnd, tb, ixs, 2)
		want := runRows(t, e.ctx(nil), tb.seqScan(q))
		for _, wm := range []int64{0, 1024} {
			ec := e.ctx(nil)
			ec.WorkMem = wm
			p := &plan.BitmapHeapScan{Rel: tb.rel, Cols: tb.cols, Bitmap: bm, RecheckQual: q}
			got := runRows(t, ec, p)
			require.Equal(t, want, got, "iteration %d work_mem %d", iter, wm)
			st := ec.Stats(p)
			if st.LossyBlocks > 0 {
				sawLossy = true
			}
			if st.ExactBlocks > 0 {
				sawExact = true
			}
			if wm == 0 {
				require.Zero(t, st.LossyBlocks)
				require.Zero(t, st.RowsRemovedByRecheck)
			}
		}
	}
	require.True(t, sawLossy)
	require.True(t, sawExact)
}

// TestBitmapLossyRecheck: with work_mem below the bitmap's size pages
// turn lossy, every tuple of them is rechecked, and the counts say so.
func TestBitmapLossyRecheck(t *testing.T) {
	e := newIxEnv(t)
	tb := randomTable(t, e, 4000, 7)
	ix := tb.index("t_c", []keySpec{{col: 2}})
	keys := []plan.ScanKey{{Col: 0, Op: plan.KeyLT, Arg: tc(types.Int8, int64(100)), ArgType: types.Int8}}
	q := cmpOp("<", vr(2, types.Int8), tc(types.Int8, int64(100)))
	want := runRows(t, e.ctx(nil), tb.seqScan(q))
	require.NotEmpty(t, want)
	ec := e.ctx(nil)
	ec.WorkMem = 16 * tbmEntryBytes // 16 entries
	p := &plan.BitmapHeapScan{Rel: tb.rel, Cols: tb.cols, Bitmap: &plan.BitmapIndexScan{Index: ix.ref, Keys: keys}, RecheckQual: q}
	require.Equal(t, want, runRows(t, ec, p))
	st := ec.Stats(p)
	require.Greater(t, st.LossyBlocks, int64(0))
	require.Greater(t, st.RowsRemovedByRecheck, int64(0))
	nblk, err := e.pool.Smgr().NBlocks(tb.rel.Node, base.MainFork)
	require.NoError(t, err)
	require.LessOrEqual(t, st.LossyBlocks+st.ExactBlocks, int64(nblk))
}

// TestTIDBitmapSetOps checks union and intersection of exact and lossy
// bitmaps against plain sets.
func TestTIDBitmapSetOps(t *testing.T) {
	rnd := rand.New(rand.NewSource(8))
	for iter := 0; iter < 200; iter++ {
		mk := func() (*tidBitmap, map[base.ItemPointer]bool) {
			b := newTIDBitmap(int64(16+rnd.Intn(64)) * tbmEntryBytes)
			set := map[base.ItemPointer]bool{}
			for i := rnd.Intn(400); i > 0; i-- {
				tid := base.ItemPointer{Block: base.BlockNumber(rnd.Intn(600)), Offset: base.OffsetNumber(1 + rnd.Intn(20))}
				b.add(tid, false)
				set[tid] = true
			}
			return b, set
		}
		a, sa := mk()
		b, sb := mk()
		// Every TID of the set is covered (exactly or by a lossy page).
		covers := func(m *tidBitmap, want map[base.ItemPointer]bool, exactWant func(base.ItemPointer) bool) {
			got := map[base.ItemPointer]bool{}
			lossy := map[base.BlockNumber]bool{}
			for _, blk := range m.blocks() {
				if blk.lossy {
					lossy[blk.blk] = true
					continue
				}
				for _, off := range blk.offsets {
					tid := base.ItemPointer{Block: blk.blk, Offset: off}
					got[tid] = true
					if !blk.recheck {
						require.True(t, exactWant(tid), "exact TID %s not in the result", tid)
					}
				}
			}
			for tid := range want {
				require.True(t, got[tid] || lossy[tid.Block], "TID %s lost", tid)
			}
		}
		if rnd.Intn(2) == 0 {
			a.union(b)
			want := map[base.ItemPointer]bool{}
			for k := range sa {
				want[k] = true
			}
			for k := range sb {
				want[k] = true
			}
			covers(a, want, func(tid base.ItemPointer) bool { return want[tid] })
		} else {
			a.intersect(b)
			want := map[base.ItemPointer]bool{}
			for k := range sa {
				if sb[k] {
					want[k] = true
				}
			}
			covers(a, want, func(tid base.ItemPointer) bool { return want[tid] })
		}
	}
}
