package session

import (
	"context"

	"github.com/tuskdb/tusk/access/btree"
	"github.com/tuskdb/tusk/access/heap"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/exec"
	"github.com/tuskdb/tusk/sql/types"
)

// bt_index_check(index regclass, heapallindexed boolean) and
// bt_index_parent_check(index, heapallindexed), amcheck's two-argument
// forms: the structure check of amcheck.go (btree.Index.Check: keys
// ordered, sibling links and downlinks consistent), and with
// heapallindexed also the heap check: every tuple whose inserter did not
// abort has exactly one entry with the key its row gives (expressions and
// the partial index predicate evaluated again), and every entry points at
// a tuple of the table (btree.Index.CheckHeap). XX002 when broken. The
// crash tests run it on every index after recovery.

func init() { RegisterFuncs(amcheckHeapFuncs) }

func amcheckHeapFuncs(s *Session, snap *mvcc.Snapshot, name string, argTypes []*types.T) *analyze.SessionFuncDef {
	if (name != "bt_index_check" && name != "bt_index_parent_check") || len(argTypes) != 2 {
		return nil
	}
	return &analyze.SessionFuncDef{Args: []*types.T{types.Regclass, types.Bool}, Ret: types.Void, Strict: true,
		Fn: func(args []types.Datum) (types.Datum, error) {
			oid, _ := args[0].(int64)
			if err := s.btIndexCheck(snap, base.OID(uint32(oid))); err != nil {
				return nil, err
			}
			if args[1] == true {
				return nil, s.btHeapAllIndexed(snap, base.OID(uint32(oid)))
			}
			return nil, nil
		}}
}

// btHeapAllIndexed compares an index with its table's tuples.
func (s *Session) btHeapAllIndexed(snap *mvcc.Snapshot, oid base.OID) error {
	rel, err := s.inst.Catalog.RelationByOID(snap, oid)
	if err != nil {
		return err
	}
	if rel == nil {
		return pgerr.New(pgerr.UndefinedTable, "could not open relation with OID %d", oid)
	}
	ix, table, err := s.indexOf(snap, rel)
	if err != nil {
		return err
	}
	if ix == nil {
		return pgerr.New(pgerr.UndefinedObject, "could not find the table of index %q", rel.Name)
	}
	it, err := s.indexTarget(snap, table, ix)
	if err != nil {
		return err
	}
	// The TIDs the index has, to accept entries of aborted inserters.
	present := map[base.ItemPointer]bool{}
	sc, err := it.Index.NewScan(btreeAll)
	if err != nil {
		return err
	}
	for e := sc.Next(); e != nil; e = sc.Next() {
		present[e.TID] = true
	}
	if err := sc.Err(); err != nil {
		return err
	}
	cols := relColumns(table)
	ec := s.evalContext(context.Background(), snap)
	want := map[base.ItemPointer][][]byte{}
	err = s.inst.Heap.ScanIndexable(table.Node, func(t *heap.Tuple, required bool) error {
		if !required && !present[t.Header.Self] {
			return nil
		}
		vals, err := exec.DecodeRow(cols, t.Payload)
		if err != nil {
			return err
		}
		key, ok, err := exec.IndexKey(ec, it, cols, vals)
		if err != nil {
			if !required {
				return nil
			}
			return err
		}
		if ok {
			want[t.Header.Self] = key
		}
		return nil
	})
	if err != nil {
		return err
	}
	return it.Index.CheckHeap(want)
}

// btreeAll scans a whole index.
var btreeAll = btree.ScanOptions{}
