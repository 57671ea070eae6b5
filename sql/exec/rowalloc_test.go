package exec

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// scanTable makes a table of n rows (id int8, name text, grp int4, pad
// text) spread over many pages.
func scanTable(t *testing.T, n int) (*ixEnv, *ixTable) {
	e := newIxEnv(t)
	tb := e.table("t", col("id", types.Int8), col("name", types.Text), col("grp", types.Int4), col("pad", types.Text))
	var rows [][]types.Datum
	for i := 0; i < n; i++ {
		var pad types.Datum
		if i%7 != 0 {
			pad = strings.Repeat("p", i%50)
		}
		rows = append(rows, []types.Datum{int64(i * 1000), fmt.Sprintf("name %d", i), int64(i % 13), pad})
	}
	tb.insert(rows...)
	return e, tb
}

// TestScanRowsOutliveTheScan (X31): rows a sequential scan returned stay
// intact while the scan goes on filling slabs (a Sort keeps them all, a
// hash join keeps the inner ones), and a qual's rejected rows, whose Row
// the scan fills again, never show up.
func TestScanRowsOutliveTheScan(t *testing.T) {
	const n = 3000
	e, tb := scanTable(t, n)
	want := func(i int) string {
		pad := "NULL"
		if i%7 != 0 {
			pad = strings.Repeat("p", i%50)
		}
		return fmtRow([]types.Datum{int64(i * 1000), fmt.Sprintf("name %d", i), int64(i % 13), pad})
	}

	// Sort descending by id over a scan whose qual drops some groups.
	qual := cmpOp("<", vr(2, types.Int4), c(7))
	sorted := &plan.Sort{Child: tb.seqScan(qual), Keys: []*analyze.SortKey{desc(vr(0, types.Int8))}}
	got := runRows(t, e.ctx(nil), sorted)
	var exp []string
	for i := n - 1; i >= 0; i-- {
		if i%13 < 7 {
			exp = append(exp, want(i))
		}
	}
	require.Equal(t, exp, got)

	// A hash join of the table with itself on name: the inner rows are
	// kept in the table while the outer scan runs; every row meets itself.
	hj := &plan.HashJoin{Kind: plan.JoinInner, Outer: tb.seqScan(nil), Inner: tb.seqScan(nil),
		OuterKeys: []analyze.Expr{vr(1, types.Text)}, InnerKeys: []analyze.Expr{vr(1, types.Text)},
		OuterWidth: 4, InnerWidth: 4}
	rows, err := runFull(t, e.ctx(nil), hj)
	require.NoError(t, err)
	require.Len(t, rows, n)
	for i, r := range rows {
		require.Equal(t, want(i)+", "+want(i), fmtRow(r.Vals[:4])+", "+fmtRow(r.Vals[4:]), "row %d", i)
	}
}

// TestArenaValuesCompareAndHash: values a scan boxes in its arena compare,
// hash and group like the ones types.Decode makes, and the executor's
// fast hash of integers and text is types.Hash.
func TestArenaValuesCompareAndHash(t *testing.T) {
	var a types.Arena
	for _, v := range []int64{0, 1, 255, 256, -1, -300, 1 << 40, -(1 << 62)} {
		for _, ty := range []*types.T{types.Int8, types.Int4, types.Int2} {
			b := types.Encode(ty, v)
			if b == nil {
				continue
			}
			plain, err := types.Decode(ty, b)
			require.NoError(t, err)
			boxed, err := a.Decode(ty, b)
			require.NoError(t, err)
			require.Equal(t, plain, boxed)
			require.True(t, datumEqual(ty, plain, boxed))
			require.Equal(t, types.Hash(ty, plain), datumHash(ty, boxed))
			require.Equal(t, types.Hash(ty, plain), datumHash(nil, boxed))
		}
	}
	for _, s := range []string{"", "a", "name 17", strings.Repeat("x", 2000)} {
		for _, ty := range []*types.T{types.Text, types.Varchar, types.Bpchar} {
			b := types.Encode(ty, s)
			plain, err := types.Decode(ty, b)
			require.NoError(t, err)
			boxed, err := a.Decode(ty, b)
			require.NoError(t, err)
			require.Equal(t, plain, boxed)
			require.Equal(t, types.Hash(ty, plain), datumHash(ty, boxed))
			require.Zero(t, types.Compare(ty, plain, boxed))
		}
	}
}

// TestScanDecodesWhatIsRead (X31): a scan under a Projection decodes only
// the columns read above it; one under a node that reads whole rows
// (Unique) decodes them all.
func TestScanDecodesWhatIsRead(t *testing.T) {
	e, tb := scanTable(t, 50)
	scan := tb.seqScan(cmpOp("<", vr(0, types.Int8), c(5000)))
	proj := &plan.Projection{Child: scan, Targets: []*analyze.Target{{Expr: vr(2, types.Int4)}}}
	ec := e.ctx(nil)
	ec.planNeeds(proj)
	require.Equal(t, []bool{true, false, true, false}, ec.neededCols(scan))
	eq(t, runRows(t, e.ctx(nil), proj), "0", "1", "2", "3", "4")

	// Unique compares whole rows: every column is decoded.
	u := &plan.Unique{Child: scan}
	ec = e.ctx(nil)
	ec.planNeeds(&plan.Projection{Child: u, Targets: []*analyze.Target{{Expr: vr(2, types.Int4)}}})
	require.Nil(t, ec.neededCols(scan))

	// A correlated sublink reads the row through the outer-row stack.
	sub := &analyze.SubLink{Kind: analyze.ExprSubLink, Correlated: true, T: types.Int8}
	ec = e.ctx(nil)
	ec.planNeeds(&plan.Projection{Child: scan, Targets: []*analyze.Target{{Expr: sub}}})
	require.Nil(t, ec.neededCols(scan))

	// A join passes down what each side's columns are read for.
	inner := tb.seqScan(nil)
	hj := &plan.HashJoin{Kind: plan.JoinInner, Outer: scan, Inner: inner,
		OuterKeys: []analyze.Expr{vr(2, types.Int4)}, InnerKeys: []analyze.Expr{vr(2, types.Int4)},
		OuterWidth: 4, InnerWidth: 4}
	ec = e.ctx(nil)
	ec.planNeeds(&plan.Projection{Child: hj, Targets: []*analyze.Target{{Expr: vr(5, types.Text)}}})
	require.Equal(t, []bool{true, false, true, false}, ec.neededCols(scan))
	require.Equal(t, []bool{false, true, true, false}, ec.neededCols(inner))
}
