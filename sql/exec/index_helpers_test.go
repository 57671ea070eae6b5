package exec

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/access/btree"
	"github.com/tuskdb/tusk/access/heap"
	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

// ixEnv is a storage stack (WAL, buffer pool, clog, transactions, heap) for
// executor tests over real tables and B-trees.
type ixEnv struct {
	t    testing.TB
	log  *wal.Log
	pool *bufmgr.Pool
	mgr  *mvcc.Manager
	h    *heap.Heap
	next base.OID
}

func newIxEnv(t testing.TB) *ixEnv {
	t.Helper()
	fs := vfs.NewMem()
	for _, d := range []string{"/d", "/d/wal", "/d/base", "/d/xact"} {
		require.NoError(t, fs.MkdirAll(d, 0o700))
	}
	e := &ixEnv{t: t, next: 16384}
	var err error
	e.log, err = wal.Open(wal.Options{FS: fs, Dir: "/d/wal", SegmentSize: 1 << 20})
	require.NoError(t, err)
	t.Cleanup(func() { e.log.Close() })
	smgr, err := bufmgr.NewSmgr(fs, "/d/base")
	require.NoError(t, err)
	e.pool = bufmgr.NewPool(bufmgr.PoolOptions{NBuffers: 256, Smgr: smgr, WAL: e.log})
	cl, err := clog.Open(fs, "/d/xact", e.log)
	require.NoError(t, err)
	e.mgr = mvcc.NewManager(cl, e.log, base.MakeFullXID(0, base.FirstNormalXID))
	e.h = heap.New(e.pool, e.log, e.mgr)
	return e
}

func (e *ixEnv) begin() *mvcc.Xact { return e.mgr.Begin(mvcc.XactOptions{SynchronousCommit: true}) }

// ctx returns an executor context reading under a fresh snapshot of x
// (a new transaction when x is nil).
func (e *ixEnv) ctx(x *mvcc.Xact) *Context {
	if x == nil {
		x = e.begin()
	}
	return &Context{Ctx: context.Background(), Heap: e.h, Xact: x, Snap: x.Snapshot(), Xacts: e.mgr}
}

// ixTable is a heap table with its columns and indexes.
type ixTable struct {
	e       *ixEnv
	rel     *catalog.Relation
	cols    []analyze.Column
	indexes []*ixIndex
}

type ixIndex struct {
	ref  *plan.IndexRef
	cols []int // table columns of the index columns (keys then INCLUDE)
}

func (e *ixEnv) table(name string, cols ...analyze.Column) *ixTable {
	e.next++
	rel := &catalog.Relation{OID: e.next, Name: name, Kind: 'r', Node: base.RelFileNode{Rel: e.next}}
	for i, c := range cols {
		rel.Attrs = append(rel.Attrs, catalog.Attribute{Name: c.Name, Num: int16(i + 1), Type: c.T.OID, Typmod: -1})
	}
	require.NoError(e.t, e.h.Create(rel.Node))
	return &ixTable{e: e, rel: rel, cols: cols}
}

func col(name string, t *types.T) analyze.Column { return analyze.Column{Name: name, T: t, Mod: -1} }

// keySpec is one index key column: table column, DESC, NULLS FIRST.
type keySpec struct {
	col        int
	desc, nfst bool
}

func cmpDecoded(t *types.T) func(a, b []byte) int {
	return func(a, b []byte) int {
		x, err1 := types.Decode(t, a)
		y, err2 := types.Decode(t, b)
		if err1 != nil || err2 != nil {
			return 0
		}
		return types.Compare(t, x, y)
	}
}

// index creates a B-tree on the table (filled with its current rows).
func (tb *ixTable) index(name string, keys []keySpec, include ...int) *ixIndex {
	e := tb.e
	e.next++
	ixRel := &catalog.Relation{OID: e.next, Name: name, Kind: 'i', Node: base.RelFileNode{Rel: e.next}}
	info := &catalog.Index{Rel: ixRel, Table: tb.rel.OID, NKeys: len(keys)}
	d := btree.Desc{Name: name, Table: tb.rel.Name, NInclude: len(include)}
	var cols []int
	for i, k := range keys {
		c := tb.cols[k.col]
		d.Keys = append(d.Keys, btree.KeyCol{Name: c.Name, Compare: cmpDecoded(c.T), Desc: k.desc, NullsFirst: k.nfst})
		var opt int16
		if k.desc {
			opt |= 1
		}
		if k.nfst {
			opt |= 2
		}
		info.Options = append(info.Options, opt)
		info.Keys = append(info.Keys, int16(k.col+1))
		ixRel.Attrs = append(ixRel.Attrs, catalog.Attribute{Name: c.Name, Num: int16(i + 1), Type: c.T.OID, Typmod: -1})
		cols = append(cols, k.col)
	}
	for _, ic := range include {
		c := tb.cols[ic]
		info.Keys = append(info.Keys, int16(ic+1))
		ixRel.Attrs = append(ixRel.Attrs, catalog.Attribute{Name: c.Name, Num: int16(len(ixRel.Attrs) + 1), Type: c.T.OID, Typmod: -1})
		cols = append(cols, ic)
	}
	var entries []btree.Entry
	x := e.begin()
	err := e.h.ScanAll(tb.rel.Node, x, func(t *heap.Tuple, st heap.State) error {
		vals, err := DecodeRow(tb.cols, t.Payload)
		if err != nil {
			return err
		}
		entries = append(entries, btree.Entry{Vals: tb.key(cols, vals), TID: t.Header.Self})
		return nil
	})
	require.NoError(e.t, err)
	require.NoError(e.t, x.Commit())
	tree, err := btree.Build(e.pool, e.log, ixRel.Node, d, entries)
	require.NoError(e.t, err)
	ix := &ixIndex{ref: &plan.IndexRef{Rel: ixRel, Info: info, Tree: tree}, cols: cols}
	tb.indexes = append(tb.indexes, ix)
	return ix
}

func (tb *ixTable) key(cols []int, vals []types.Datum) [][]byte {
	key := make([][]byte, len(cols))
	for i, c := range cols {
		if vals[c] != nil {
			key[i] = types.Encode(tb.cols[c].T, vals[c])
			if key[i] == nil {
				key[i] = []byte{}
			}
		}
	}
	return key
}

// insert adds rows in one committed transaction (indexes maintained).
func (tb *ixTable) insert(rows ...[]types.Datum) {
	x := tb.e.begin()
	tb.insertIn(x, rows...)
	require.NoError(tb.e.t, x.Commit())
}

func (tb *ixTable) insertIn(x *mvcc.Xact, rows ...[]types.Datum) []base.ItemPointer {
	var tids []base.ItemPointer
	for _, r := range rows {
		tid, err := tb.e.h.Insert(tb.rel.Node, x, EncodeRow(tb.cols, r))
		require.NoError(tb.e.t, err)
		for _, ix := range tb.indexes {
			require.NoError(tb.e.t, ix.ref.Tree.Insert(context.Background(), x, tb.key(ix.cols, r), tid))
		}
		tids = append(tids, tid)
	}
	return tids
}

// update replaces the row at tid (indexes get the new version).
func (tb *ixTable) update(x *mvcc.Xact, tid base.ItemPointer, r []types.Datum) base.ItemPointer {
	res, ntid, err := tb.e.h.Update(context.Background(), tb.rel.Node, x, tid, EncodeRow(tb.cols, r))
	require.NoError(tb.e.t, err)
	require.Equal(tb.e.t, mvcc.TMOk, res)
	for _, ix := range tb.indexes {
		require.NoError(tb.e.t, ix.ref.Tree.Insert(context.Background(), x, tb.key(ix.cols, r), ntid))
	}
	return ntid
}

func (tb *ixTable) seqScan(qual analyze.Expr) *plan.SeqScan {
	return &plan.SeqScan{Rel: tb.rel, Cols: tb.cols, Qual: qual}
}

// runRows runs a plan and returns its rows formatted.
func runRows(t testing.TB, ec *Context, n plan.Node) []string {
	t.Helper()
	it, err := Build(ec, n)
	require.NoError(t, err)
	defer it.Close()
	var out []string
	for {
		r, err := it.Next()
		require.NoError(t, err)
		if r == nil {
			return out
		}
		out = append(out, fmtRow(r.Vals))
	}
}

// runTIDs runs a plan and returns the rows' TIDs and formatted values.
func runFull(t testing.TB, ec *Context, n plan.Node) ([]*Row, error) {
	it, err := Build(ec, n)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []*Row
	for {
		r, err := it.Next()
		if err != nil {
			return out, err
		}
		if r == nil {
			return out, nil
		}
		out = append(out, r)
	}
}

func vr(i int, t *types.T) *analyze.Var { return &analyze.Var{Index: i, T: t, Mod: -1} }

// cmpOp builds "l op r" with the operator for their types.
func cmpOp(name string, l, r analyze.Expr) analyze.Expr {
	o, ok := types.LookupOperator(name, l.Type(), r.Type())
	if !ok {
		panic(fmt.Sprintf("no operator %s(%s,%s)", name, l.Type(), r.Type()))
	}
	return &analyze.OpExpr{Op: o, Args: []analyze.Expr{l, r}, T: types.Bool}
}

func and(es ...analyze.Expr) analyze.Expr {
	var args []analyze.Expr
	for _, e := range es {
		if e != nil {
			args = append(args, e)
		}
	}
	switch len(args) {
	case 0:
		return nil
	case 1:
		return args[0]
	}
	return &analyze.BoolExpr{Op: analyze.And, Args: args}
}
