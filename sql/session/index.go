package session

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	"github.com/tuskdb/tusk/access/btree"
	"github.com/tuskdb/tusk/access/heap"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// indexDesc builds the B-tree descriptor of an index on table: one key
// column per index key, compared with the column type's ordering.
func indexDesc(name string, table *catalog.Relation, ix *catalog.Index) (btree.Desc, []int, error) {
	d := btree.Desc{Name: name, Table: table.Name, NInclude: len(ix.Keys) - ix.NKeys}
	var cols []int
	for i, k := range ix.Keys {
		var a catalog.Attribute
		switch {
		case k == 0 && ix.Rel != nil && i < len(ix.Rel.Attrs):
			a = ix.Rel.Attrs[i] // an expression column: its type is the index's attribute's (index_ddl.go)
			cols = append(cols, -1)
		case k > 0 && int(k) <= len(table.Attrs):
			a = table.Attrs[k-1]
			cols = append(cols, int(k)-1)
		default:
			return d, nil, pgerr.New(pgerr.DataCorrupted, "index %q has an invalid column %d", name, k)
		}
		if i >= ix.NKeys {
			continue
		}
		t, ok := types.ByOID(a.Type)
		if !ok {
			return d, nil, pgerr.New(pgerr.UndefinedObject, "type %d of column %q has no ordering", a.Type, a.Name)
		}
		var opt int16
		if i < len(ix.Options) {
			opt = ix.Options[i]
		}
		d.Keys = append(d.Keys, btree.KeyCol{Name: a.Name, Compare: compareEncoded(t), Desc: opt&1 != 0, NullsFirst: opt&2 != 0})
	}
	return d, cols, nil
}

// compareEncoded orders two encoded datums of type t; undecodable bytes
// sort after decodable ones instead of panicking (BT12).
func compareEncoded(t *types.T) func(a, b []byte) int {
	// Fast paths for the common key types: their encodings are
	// little-endian integers (types.Encode) or UTF-8 bytes in C order.
	// Each is one function (the B-tree descent calls it per key).
	switch t {
	case types.Int2:
		return compareInt2
	case types.Int4, types.Date:
		return compareInt4
	case types.Int8, types.Timestamp, types.Timestamptz:
		return compareInt8
	case types.Text, types.Varchar:
		return bytes.Compare
	}
	return func(a, b []byte) int {
		da, ea := types.Decode(t, a)
		db, eb := types.Decode(t, b)
		switch {
		case ea != nil && eb != nil:
			return 0
		case ea != nil:
			return 1
		case eb != nil:
			return -1
		}
		return types.Compare(t, da, db)
	}
}

func compareInt2(a, b []byte) int {
	if len(a) != 2 || len(b) != 2 {
		return cmpLen(len(a) == 2, len(b) == 2)
	}
	return cmpInt(int64(int16(binary.LittleEndian.Uint16(a))), int64(int16(binary.LittleEndian.Uint16(b))))
}

func compareInt4(a, b []byte) int {
	if len(a) != 4 || len(b) != 4 {
		return cmpLen(len(a) == 4, len(b) == 4)
	}
	return cmpInt(int64(int32(binary.LittleEndian.Uint32(a))), int64(int32(binary.LittleEndian.Uint32(b))))
}

func compareInt8(a, b []byte) int {
	if len(a) != 8 || len(b) != 8 {
		return cmpLen(len(a) == 8, len(b) == 8)
	}
	return cmpInt(int64(binary.LittleEndian.Uint64(a)), int64(binary.LittleEndian.Uint64(b)))
}

func cmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// cmpLen orders well-formed values before malformed ones (BT12).
func cmpLen(aOK, bOK bool) int {
	switch {
	case aOK == bOK:
		return 0
	case aOK:
		return -1
	}
	return 1
}

// openIndex returns the B-tree of an index relation, cached per
// relfilenode by the instance.
func (s *Session) openIndex(table *catalog.Relation, ix *catalog.Index) (*btree.Index, []int, error) {
	desc, cols, err := indexDesc(ix.Rel.Name, table, ix)
	if err != nil {
		return nil, nil, err
	}
	bt, err := s.inst.OpenIndex(ix.Rel.Node, func() (*btree.Index, error) {
		return btree.Open(s.inst.Pool, s.inst.Log, ix.Rel.Node, desc)
	})
	return bt, cols, err
}

// attachIndexes gives a ModifyTable plan the indexes it must maintain,
// then the constraints it must enforce (attachConstraints).
func (s *Session) attachIndexes(snap *mvcc.Snapshot, root plan.Node) error {
	if err := s.attachIndexList(snap, root); err != nil {
		return err
	}
	return s.attachConstraints(snap, root)
}

func (s *Session) attachIndexList(snap *mvcc.Snapshot, root plan.Node) error {
	m, ok := root.(*plan.ModifyTable)
	if !ok || m.Cmd == analyze.CmdDelete { // DELETE adds no entries
		return nil
	}
	ixs, err := s.indexesOf(snap, m.Rel.OID)
	if err != nil {
		return err
	}
	for _, ix := range ixs {
		it, err := s.indexTarget(snap, m.Rel, ix) // index_ddl.go
		if err != nil {
			return err
		}
		m.Indexes = append(m.Indexes, it)
	}
	if oc := m.OnConflict; oc != nil {
		for k, ix := range ixs {
			t := m.Indexes[k]
			if !ix.Unique {
				continue
			}
			switch {
			case oc.Constraint != "":
				if ix.Rel.Name == oc.Constraint {
					oc.Arbiters = append(oc.Arbiters, t)
				}
			case len(oc.ArbiterCols) > 0:
				if t.Exprs == nil && t.Pred == nil && sameSet(oc.ArbiterCols, t.Cols[:ix.NKeys]) {
					oc.Arbiters = append(oc.Arbiters, t)
				}
			default:
				oc.Arbiters = append(oc.Arbiters, t)
			}
		}
		if len(oc.Arbiters) == 0 {
			if oc.Constraint != "" {
				return pgerr.New(pgerr.UndefinedObject, "constraint %q for table %q does not exist", oc.Constraint, m.Rel.Name)
			}
			if len(oc.ArbiterCols) > 0 {
				return pgerr.New(pgerr.InvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification")
			}
		}
	}
	return nil
}

func sameSet(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[int]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		if seen[x] == 0 {
			return false
		}
		seen[x]--
	}
	return true
}

// buildIndex creates the B-tree of a new index and fills it with the
// table's rows that are not dead (index_build); a unique index reports
// duplicates as PostgreSQL's "could not create unique index".
func (s *Session) buildIndex(ctx context.Context, table *catalog.Relation, rel *catalog.Relation, ix *catalog.Index) error {
	ix.Rel = rel
	desc, cols, err := indexDesc(rel.Name, table, ix)
	if err != nil {
		return err
	}
	snap := s.snapshot()
	it := &plan.IndexTarget{Name: rel.Name, Cols: cols, Unique: ix.Unique}
	if ix.Exprs != "" || ix.Pred != "" {
		if it.Exprs, it.ExprText, it.Pred, err = s.indexExprs(snap, table, ix); err != nil {
			return err
		}
	}
	entries, err := s.indexEntries(ctx, snap, table, it) // index_ddl.go
	if err != nil {
		return err
	}
	// index_build's heap scan counts as a sequential scan (pgstat, SP1).
	st := s.pgStat().Rel(table.OID)
	st.NumScans++
	st.TuplesReturned += int64(len(entries))
	if !ix.Unique {
		bt, err := btree.Build(s.inst.Pool, s.inst.Log, rel.Node, desc, entries)
		if err != nil {
			return err
		}
		s.inst.CacheIndex(rel.Node, bt)
		return nil
	}
	bt, err := btree.Create(s.inst.Pool, s.inst.Log, rel.Node, desc)
	if err != nil {
		return err
	}
	s.inst.CacheIndex(rel.Node, bt)
	for _, e := range entries {
		uc := btree.UniqueCheck{Name: rel.Name, Xacts: s.inst.Xacts,
			Heap: func(t base.ItemPointer) (btree.HeapState, base.XID, error) {
				st, xid, err := s.inst.Heap.DirtyState(table.Node, t, s.xact)
				switch st {
				case heap.StateLive:
					return btree.HeapLive, 0, err
				case heap.StateInProgress:
					return btree.HeapInProgress, xid, err
				}
				return btree.HeapDead, 0, err
			},
			Describe: func(k [][]byte) (string, string) { return describeTarget(table, it, ix.NKeys, k) },
		}
		if err := bt.InsertUnique(ctx, s.xact, e.Vals, e.TID, uc); err != nil {
			if pe, ok := err.(*pgerr.Error); ok && pe.Code == pgerr.UniqueViolation {
				c, v := describeTarget(table, it, ix.NKeys, e.Vals)
				return pgerr.New(pgerr.UniqueViolation, "could not create unique index %q", rel.Name).
					WithDetail("Key (%s)=(%s) is duplicated.", c, v)
			}
			return err
		}
	}
	return nil
}

func describeKey(table *catalog.Relation, cols []int, key [][]byte) (string, string) {
	c, v := "", ""
	for i, col := range cols {
		if i >= len(key) {
			break
		}
		if i > 0 {
			c, v = c+", ", v+", "
		}
		a := table.Attrs[col]
		c += a.Name
		if key[i] == nil {
			v += "null"
			continue
		}
		t, _ := types.ByOID(a.Type)
		d, err := types.Decode(t, key[i])
		if err != nil {
			v += "?"
			continue
		}
		v += types.Format(t, d)
	}
	return c, v
}

// indexesOf returns a table's indexes through the catalog's memo cache.
func (s *Session) indexesOf(snap *mvcc.Snapshot, table base.OID) ([]*catalog.Index, error) {
	v, err := s.inst.Catalog.Memo(s.xact, snap, fmt.Sprintf("indexes:%d", table), func() (any, error) {
		return s.inst.Catalog.Indexes(snap, table)
	})
	if err != nil {
		return nil, err
	}
	return v.([]*catalog.Index), nil
}

// constraintsOf returns a table's constraints through the memo cache.
func (s *Session) constraintsOf(snap *mvcc.Snapshot, table base.OID) ([]*catalog.Constraint, error) {
	v, err := s.inst.Catalog.Memo(s.xact, snap, fmt.Sprintf("constraints:%d", table), func() (any, error) {
		return s.inst.Catalog.Constraints(snap, table)
	})
	if err != nil {
		return nil, err
	}
	return v.([]*catalog.Constraint), nil
}

// foreignKeysTo returns the foreign keys referencing a table, memoized.
func (s *Session) foreignKeysTo(snap *mvcc.Snapshot, table base.OID) ([]*catalog.Constraint, error) {
	v, err := s.inst.Catalog.Memo(s.xact, snap, fmt.Sprintf("fkeys-to:%d", table), func() (any, error) {
		return s.inst.Catalog.ForeignKeysReferencing(snap, table)
	})
	if err != nil {
		return nil, err
	}
	return v.([]*catalog.Constraint), nil
}
