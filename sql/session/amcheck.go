package session

import (
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// bt_index_check(index regclass), from PostgreSQL's amcheck extension:
// verifies a B-tree index's structure (btree.Index.Check) and fails with
// XX002 (index_corrupted) when it is broken. Crash tests run it after a
// backend crashed.

func init() { RegisterFuncs(amcheckFuncs) }

func amcheckFuncs(s *Session, snap *mvcc.Snapshot, name string, argTypes []*types.T) *analyze.SessionFuncDef {
	if (name != "bt_index_check" && name != "bt_index_parent_check") || len(argTypes) != 1 {
		return nil
	}
	return &analyze.SessionFuncDef{Args: []*types.T{types.Regclass}, Ret: types.Void, Strict: true,
		Fn: func(args []types.Datum) (types.Datum, error) {
			oid, _ := args[0].(int64)
			return nil, s.btIndexCheck(snap, base.OID(uint32(oid)))
		}}
}

func (s *Session) btIndexCheck(snap *mvcc.Snapshot, oid base.OID) error {
	rel, err := s.inst.Catalog.RelationByOID(snap, oid)
	if err != nil {
		return err
	}
	if rel == nil {
		return pgerr.New(pgerr.UndefinedTable, "could not open relation with OID %d", oid)
	}
	if rel.Kind != 'i' {
		return pgerr.New(pgerr.WrongObjectType, "\"%s\" is not an index", rel.Name)
	}
	tables, err := s.inst.Catalog.RelationsOfKind(snap, 'r')
	if err != nil {
		return err
	}
	for _, table := range tables {
		ixs, err := s.inst.Catalog.Indexes(snap, table.OID)
		if err != nil {
			return err
		}
		for _, ix := range ixs {
			if ix.Rel.OID != oid {
				continue
			}
			full, err := s.inst.Catalog.RelationByOID(snap, ix.Table)
			if err != nil {
				return err
			}
			bt, _, err := s.openIndex(full, ix)
			if err != nil {
				return err
			}
			return bt.Check()
		}
	}
	return pgerr.New(pgerr.UndefinedObject, "could not find the table of index \"%s\"", rel.Name)
}
