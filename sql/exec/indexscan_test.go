package exec

import (
	"fmt"
	"math/rand"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// A table t(a int4, b text, c int8) with NULLs, spread over many pages.
func randomTable(t testing.TB, e *ixEnv, n int, seed int64) *ixTable {
	tb := e.table("t", col("a", types.Int4), col("b", types.Text), col("c", types.Int8))
	rnd := rand.New(rand.NewSource(seed))
	var rows [][]types.Datum
	for i := 0; i < n; i++ {
		r := []types.Datum{int64(rnd.Intn(101) - 50), fmt.Sprintf("s%02d", rnd.Intn(30)), int64(rnd.Intn(1000))}
		if rnd.Intn(10) == 0 {
			r[0] = nil
		}
		if rnd.Intn(8) == 0 {
			r[1] = nil
		}
		if rnd.Intn(12) == 0 {
			r[2] = nil
		}
		rows = append(rows, r)
	}
	tb.insert(rows...)
	return tb
}

var keyOps = []plan.ScanKeyOp{plan.KeyLT, plan.KeyLE, plan.KeyEQ, plan.KeyGE, plan.KeyGT}

// randomArg returns a key argument for a column: its own type or, for
// integers, another integer type (sometimes out of the column's range),
// and sometimes NULL.
func randomArg(rnd *rand.Rand, colT *types.T) (*types.T, types.Datum) {
	if rnd.Intn(25) == 0 {
		return colT, nil
	}
	switch colT {
	case types.Int4:
		switch rnd.Intn(6) {
		case 0:
			return types.Int8, int64(rnd.Intn(121) - 60)
		case 1:
			if rnd.Intn(2) == 0 {
				return types.Int8, int64(1) << 40
			}
			return types.Int8, -(int64(1) << 40)
		case 2:
			return types.Int2, int64(rnd.Intn(121) - 60)
		case 3:
			// numeric, sometimes fractional: no int4/numeric operator,
			// the column is cast (and the bound rounded).
			d, err := types.Parse(types.Numeric, -1, fmt.Sprintf("%d.%d", rnd.Intn(121)-60, rnd.Intn(2)*5))
			if err != nil {
				panic(err)
			}
			return types.Numeric, d
		}
		return types.Int4, int64(rnd.Intn(121) - 60)
	case types.Int8:
		if rnd.Intn(3) == 0 {
			return types.Int4, int64(rnd.Intn(1100) - 50)
		}
		return types.Int8, int64(rnd.Intn(1100) - 50)
	case types.Text:
		return types.Text, fmt.Sprintf("s%02d", rnd.Intn(32))
	}
	panic("type")
}

// keyQual is the condition a scan key stands for, over the table row.
func keyQual(ix *ixIndex, tb *ixTable, k plan.ScanKey) analyze.Expr {
	c := ix.cols[k.Col]
	v := vr(c, tb.cols[c].T)
	if k.Array {
		a := k.Arg.(*analyze.Const).Val.(*types.Array)
		var ors []analyze.Expr
		for _, el := range a.Elems {
			ors = append(ors, keyQual(ix, tb, plan.ScanKey{Col: k.Col, Op: k.Op, Arg: tc(a.Elem, el), ArgType: a.Elem}))
		}
		if len(ors) == 0 {
			return tc(types.Bool, false)
		}
		return &analyze.BoolExpr{Op: analyze.Or, Args: ors}
	}
	switch k.Op {
	case plan.KeyIsNull:
		return &analyze.NullTest{Arg: v}
	case plan.KeyIsNotNull:
		return &analyze.NullTest{Arg: v, Not: true}
	}
	if _, ok := types.LookupOperator(keyOpNames[k.Op], v.Type(), k.Arg.Type()); !ok {
		return cmpOp(keyOpNames[k.Op], cmpCast(v, k.Arg.Type()), k.Arg) // int column, numeric arg
	}
	return cmpOp(keyOpNames[k.Op], v, k.Arg)
}

// indexOrder sorts rows (with their TIDs) in the index's order.
func indexOrder(ix *ixIndex, tb *ixTable, rows []*Row) {
	d := ix.ref.Tree.Desc()
	sort.SliceStable(rows, func(i, j int) bool {
		for k, kc := range d.Keys {
			c := ix.cols[k]
			a, b := rows[i].Vals[c], rows[j].Vals[c]
			var cmp int
			switch {
			case a == nil && b == nil:
			case a == nil:
				cmp = map[bool]int{true: -1, false: 1}[kc.NullsFirst]
			case b == nil:
				cmp = map[bool]int{true: 1, false: -1}[kc.NullsFirst]
			default:
				cmp = types.Compare(tb.cols[c].T, a, b)
				if kc.Desc {
					cmp = -cmp
				}
			}
			if cmp != 0 {
				return cmp < 0
			}
		}
		return rows[i].TID.Less(rows[j].TID)
	})
}

func fmtRows(rows []*Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, fmtRow(r.Vals))
	}
	return out
}

func randomKeys(rnd *rand.Rand, ix *ixIndex, tb *ixTable) []plan.ScanKey {
	nkeys := len(ix.ref.Tree.Desc().Keys)
	var keys []plan.ScanKey
	for colIdx := 0; colIdx < nkeys; colIdx++ {
		colT := tb.cols[ix.cols[colIdx]].T
		n := rnd.Intn(3)
		if colIdx > 0 && rnd.Intn(2) == 0 {
			n = 0
		}
		for j := 0; j < n; j++ {
			switch rnd.Intn(12) {
			case 0:
				keys = append(keys, plan.ScanKey{Col: colIdx, Op: plan.KeyIsNull})
				continue
			case 1:
				keys = append(keys, plan.ScanKey{Col: colIdx, Op: plan.KeyIsNotNull})
				continue
			}
			if rnd.Intn(6) == 0 { // col = ANY (array)
				var elems []types.Datum
				var et *types.T
				for n := rnd.Intn(5); n > 0; n-- {
					t, arg := randomArg(rnd, colT)
					if et == nil {
						et = t
					}
					if t != et {
						continue
					}
					elems = append(elems, arg)
				}
				if et == nil {
					et = colT
				}
				at := et.Array()
				keys = append(keys, plan.ScanKey{Col: colIdx, Op: plan.KeyEQ, Arg: tc(at, types.NewArray(et, elems)), ArgType: at, Array: true})
				continue
			}
			at, arg := randomArg(rnd, colT)
			op := keyOps[rnd.Intn(len(keyOps))]
			keys = append(keys, plan.ScanKey{Col: colIdx, Op: op, Arg: tc(at, arg), ArgType: at})
		}
	}
	return keys
}

// TestIndexScanMatchesSeqScan compares index scans (forward and backward)
// with random keys against a sequential scan with the same condition,
// sorted in index order: same rows, same order, NULLs included.
func TestIndexScanMatchesSeqScan(t *testing.T) {
	e := newIxEnv(t)
	tb := randomTable(t, e, 1500, 1)
	ixs := []*ixIndex{
		tb.index("t_a", []keySpec{{col: 0}}),
		tb.index("t_a_desc", []keySpec{{col: 0, desc: true, nfst: true}}),
		tb.index("t_a_nf", []keySpec{{col: 0, nfst: true}}),
		tb.index("t_a_desc_nl", []keySpec{{col: 0, desc: true}}),
		tb.index("t_a_c", []keySpec{{col: 0}, {col: 2, desc: true}}),
		tb.index("t_b_a", []keySpec{{col: 1}, {col: 0, nfst: true}}, 2),
		tb.index("t_c", []keySpec{{col: 2}}),
	}
	// More rows after the indexes exist, and updated versions.
	rnd := rand.New(rand.NewSource(2))
	x := e.begin()
	tids := tb.insertIn(x, []types.Datum{int64(7), "s01", int64(5)}, []types.Datum{nil, nil, nil}, []types.Datum{int64(-50), "s29", int64(999)})
	require.NoError(t, x.CommandCounterIncrement())
	tb.update(x, tids[0], []types.Datum{int64(8), "s02", int64(6)})
	require.NoError(t, x.Commit())

	for iter := 0; iter < 400; iter++ {
		ix := ixs[rnd.Intn(len(ixs))]
		keys := randomKeys(rnd, ix, tb)
		var quals []analyze.Expr
		for _, k := range keys {
			quals = append(quals, keyQual(ix, tb, k))
		}
		want, err := runFull(t, e.ctx(nil), tb.seqScan(and(quals...)))
		require.NoError(t, err)
		indexOrder(ix, tb, want)
		for _, back := range []bool{false, true} {
			p := &plan.IndexScan{Rel: tb.rel, Cols: tb.cols, Index: ix.ref, Keys: keys, Backward: back}
			got, err := runFull(t, e.ctx(nil), p)
			require.NoError(t, err)
			w := fmtRows(want)
			if back {
				for i, j := 0, len(w)-1; i < j; i, j = i+1, j-1 {
					w[i], w[j] = w[j], w[i]
				}
			}
			require.Equal(t, w, fmtRows(got), "index %s keys %s backward %v", ix.ref.Rel.Name, fmtKeys(keys), back)
		}
	}
}

func fmtKeys(keys []plan.ScanKey) string {
	s := ""
	for _, k := range keys {
		arg := "-"
		if c, ok := k.Arg.(*analyze.Const); ok {
			arg = fmt.Sprintf("%v::%s", c.Val, c.T)
		}
		s += fmt.Sprintf("[col%d op%d %s] ", k.Col, k.Op, arg)
	}
	return s
}

// TestIndexScanQualAndSnapshot: the Qual filters (counted as Rows Removed
// by Filter), and only the version the snapshot sees is returned.
func TestIndexScanQualAndSnapshot(t *testing.T) {
	e := newIxEnv(t)
	tb := e.table("t", col("a", types.Int4), col("b", types.Text))
	ix := tb.index("t_a", []keySpec{{col: 0}})
	x := e.begin()
	tids := tb.insertIn(x, []types.Datum{int64(1), "one"}, []types.Datum{int64(2), "two"}, []types.Datum{int64(3), "three"})
	require.NoError(t, x.Commit())

	old := e.ctx(nil) // snapshot before the update
	x = e.begin()
	tb.update(x, tids[1], []types.Datum{int64(2), "TWO"})
	require.NoError(t, x.Commit())

	keys := []plan.ScanKey{{Col: 0, Op: plan.KeyGE, Arg: tc(types.Int4, int64(2)), ArgType: types.Int4}}
	require.Equal(t, []string{"2,two", "3,three"}, runRows(t, old, &plan.IndexScan{Rel: tb.rel, Cols: tb.cols, Index: ix.ref, Keys: keys}))
	now := e.ctx(nil)
	now.Instrument = true
	p := &plan.IndexScan{Rel: tb.rel, Cols: tb.cols, Index: ix.ref, Keys: keys,
		Qual: cmpOp("<>", vr(1, types.Text), tc(types.Text, "three"))}
	require.Equal(t, []string{"2,TWO"}, runRows(t, now, p))
	require.EqualValues(t, 1, now.Stats(p).RowsRemovedByFilter)
	require.EqualValues(t, 1, now.Stats(p).Rows)
}

// TestIndexOnlyScanVisibilityMap: with every page all-visible an index-only
// scan reads no heap page; a change to a page clears its bit and its
// entries are checked in the heap again (Heap Fetches).
func TestIndexOnlyScanVisibilityMap(t *testing.T) {
	e := newIxEnv(t)
	tb := randomTable(t, e, 2000, 3)
	ix := tb.index("t_a_incl", []keySpec{{col: 0}}, 2)
	keys := []plan.ScanKey{{Col: 0, Op: plan.KeyGE, Arg: tc(types.Int8, int64(10)), ArgType: types.Int8}}
	want, err := runFull(t, e.ctx(nil), tb.seqScan(cmpOp(">=", vr(0, types.Int4), tc(types.Int8, int64(10)))))
	require.NoError(t, err)
	indexOrder(ix, tb, want)
	var wantVals []string
	for _, r := range want {
		wantVals = append(wantVals, fmtRow([]types.Datum{r.Vals[0], nil, r.Vals[2]}))
	}
	run := func() ([]string, *Stats) {
		ec := e.ctx(nil)
		p := &plan.IndexOnlyScan{Rel: tb.rel, Cols: tb.cols, Index: ix.ref, Keys: keys}
		got := runRows(t, ec, p)
		return got, ec.Stats(p)
	}
	got, st := run()
	require.Equal(t, wantVals, got)
	require.EqualValues(t, len(want), st.HeapFetches, "no page is all-visible yet")

	nblk, err := e.pool.Smgr().NBlocks(tb.rel.Node, base.MainFork)
	require.NoError(t, err)
	require.Greater(t, int(nblk), 3)
	horizon := e.mgr.OldestRunningXmin()
	for b := base.BlockNumber(0); b < nblk; b++ {
		ok, err := e.h.MarkAllVisible(tb.rel.Node, b, horizon)
		require.NoError(t, err)
		require.True(t, ok)
	}
	got, st = run()
	require.Equal(t, wantVals, got)
	require.EqualValues(t, 0, st.HeapFetches)

	// A new row lands on the last page: its bit is cleared.
	x := e.begin()
	tids := tb.insertIn(x, []types.Datum{int64(49), "new", int64(1)})
	bits, err := e.h.VisibilityOf(tb.rel.Node, tids[0].Block)
	require.NoError(t, err)
	require.Zero(t, bits)
	for b := base.BlockNumber(0); b < tids[0].Block; b++ {
		bits, err := e.h.VisibilityOf(tb.rel.Node, b)
		require.NoError(t, err)
		require.Equal(t, heap_allVisible, bits&heap_allVisible)
	}
	got, st = run() // the uncommitted row is not seen
	require.Equal(t, wantVals, got)
	onLast := 0
	for _, r := range want {
		if r.TID.Block == tids[0].Block {
			onLast++
		}
	}
	require.EqualValues(t, onLast+1, st.HeapFetches)
	require.NoError(t, x.Commit())
	got, _ = run()
	require.Len(t, got, len(wantVals)+1)
}

// TestIndexScanRescanWithOuterParams: a LATERAL NestLoop restarts a
// parameterized index scan per outer row (no rebuild) with the outer
// row's value as key; results match a hash join.
func TestIndexScanRescanWithOuterParams(t *testing.T) {
	e := newIxEnv(t)
	tb := randomTable(t, e, 1000, 4)
	ix := tb.index("t_a", []keySpec{{col: 0}})
	outer := valuesOf([]any{int64(3)}, []any{nil}, []any{int64(-50)}, []any{int64(3)}, []any{int64(999)}, []any{int64(0)})
	ov := &analyze.OuterVar{Levels: 1, Var: iv(0)}
	inner := &plan.IndexScan{Rel: tb.rel, Cols: tb.cols, Index: ix.ref,
		Keys: []plan.ScanKey{{Col: 0, Op: plan.KeyEQ, Arg: ov, ArgType: types.Int8}}}
	nl := &plan.NestLoop{Kind: plan.JoinLeft, Outer: outer, Inner: inner, Lateral: true, OuterWidth: 1, InnerWidth: 3}
	ec := e.ctx(nil)
	ec.Instrument = true
	got := runRows(t, ec, nl)
	hj := &plan.HashJoin{Kind: plan.JoinLeft, Outer: outer, Inner: tb.seqScan(nil),
		OuterKeys: []analyze.Expr{iv(0)}, InnerKeys: []analyze.Expr{cmpCast(vr(0, types.Int4), types.Int8)}, OuterWidth: 1, InnerWidth: 3}
	want := runRows(t, e.ctx(nil), hj)
	require.Equal(t, sorted(want), sorted(got))
	require.EqualValues(t, 6, ec.Stats(inner).Loops)
}

func cmpCast(e analyze.Expr, to *types.T) analyze.Expr {
	return &analyze.Cast{Arg: e, T: to, Mod: -1}
}

const heap_allVisible = uint8(1)

// TestIndexScanConcurrentInserts scans while other goroutines insert and
// commit: each scan sees exactly the rows committed before its snapshot,
// in order (run with -race).
func TestIndexScanConcurrentInserts(t *testing.T) {
	e := newIxEnv(t)
	tb := e.table("t", col("a", types.Int4), col("b", types.Text))
	ix := tb.index("t_a", []keySpec{{col: 0}})
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 150; i++ {
				x := e.begin()
				mu.Lock() // insertIn uses require on the shared t
				tb.insertIn(x, []types.Datum{int64(i*2 + w), fmt.Sprint(w)})
				mu.Unlock()
				require.NoError(t, x.Commit())
			}
		}(w)
	}
	go func() { wg.Wait(); close(done) }()
	keys := []plan.ScanKey{{Col: 0, Op: plan.KeyGE, Arg: tc(types.Int8, int64(0)), ArgType: types.Int8}}
	for scans := 0; ; scans++ {
		ec := e.ctx(nil)
		want := runRows(t, ec, &plan.Sort{Child: tb.seqScan(nil), Keys: []*analyze.SortKey{asc(vr(0, types.Int4))}})
		got := runRows(t, ec, &plan.IndexScan{Rel: tb.rel, Cols: tb.cols, Index: ix.ref, Keys: keys})
		require.Equal(t, want, got)
		select {
		case <-done:
			require.Len(t, runRows(t, e.ctx(nil), &plan.IndexScan{Rel: tb.rel, Cols: tb.cols, Index: ix.ref, Keys: keys}), 300)
			return
		default:
		}
	}
}

// TestIndexScanArrayKeys: "col = ANY (array)" keys on leading and later
// columns, with NULL and duplicate elements, forward and backward, give the
// rows of the equivalent OR in index order.
func TestIndexScanArrayKeys(t *testing.T) {
	e := newIxEnv(t)
	tb := randomTable(t, e, 1200, 12)
	ix := tb.index("t_a_c", []keySpec{{col: 0}, {col: 2, desc: true}})
	arr := func(t *types.T, vals ...any) *analyze.Const {
		var ds []types.Datum
		for _, v := range vals {
			if v == nil {
				ds = append(ds, nil)
			} else {
				ds = append(ds, int64(v.(int)))
			}
		}
		return tc(t.Array(), types.NewArray(t, ds))
	}
	cases := [][]plan.ScanKey{
		{{Col: 0, Op: plan.KeyEQ, Array: true, Arg: arr(types.Int4, 5, -3, nil, 5, 40), ArgType: types.Int4.Array()}},
		{{Col: 0, Op: plan.KeyGE, Arg: tc(types.Int4, int64(10)), ArgType: types.Int4},
			{Col: 1, Op: plan.KeyEQ, Array: true, Arg: arr(types.Int8, 100, 7, 500, 999, 3), ArgType: types.Int8}},
		{{Col: 0, Op: plan.KeyEQ, Array: true, Arg: arr(types.Int8, 1, 2, 3, 1<<40), ArgType: types.Int8},
			{Col: 1, Op: plan.KeyEQ, Array: true, Arg: arr(types.Int8, manyInts(0, 999, 3)...), ArgType: types.Int8}},
		{{Col: 0, Op: plan.KeyEQ, Array: true, Arg: arr(types.Int4, nil), ArgType: types.Int4}},
	}
	for i, keys := range cases {
		var quals []analyze.Expr
		for _, k := range keys {
			quals = append(quals, keyQual(ix, tb, k))
		}
		want, err := runFull(t, e.ctx(nil), tb.seqScan(and(quals...)))
		require.NoError(t, err)
		indexOrder(ix, tb, want)
		w := fmtRows(want)
		got := runRows(t, e.ctx(nil), &plan.IndexScan{Rel: tb.rel, Cols: tb.cols, Index: ix.ref, Keys: keys})
		require.Equal(t, w, got, "case %d", i)
		if i != 3 {
			require.NotEmpty(t, got, "case %d", i)
		}
		for l, r := 0, len(w)-1; l < r; l, r = l+1, r-1 {
			w[l], w[r] = w[r], w[l]
		}
		got = runRows(t, e.ctx(nil), &plan.IndexScan{Rel: tb.rel, Cols: tb.cols, Index: ix.ref, Keys: keys, Backward: true})
		require.Equal(t, w, got, "case %d backward", i)
	}
}

func manyInts(from, to, step int) []any {
	var out []any
	for i := from; i <= to; i += step {
		out = append(out, i)
	}
	return out
}
