package catalog

import (
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// IndexByOID returns the index whose relation is oid (its pg_index row,
// with Rel set), or nil when oid is not an index: what pg_get_indexdef
// reads.
func (c *Catalog) IndexByOID(snap *mvcc.Snapshot, oid base.OID) (*Index, error) {
	var table base.OID
	found := false
	err := c.scan(&pgIndex, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[indIndexRelID])) == oid {
			table, found = base.OID(i64(row[indRelID])), true
			return false, nil
		}
		return true, nil
	})
	if err != nil || !found {
		return nil, err
	}
	ixs, err := c.Indexes(snap, table)
	if err != nil {
		return nil, err
	}
	for _, ix := range ixs {
		if ix.Rel != nil && ix.Rel.OID == oid {
			return ix, nil
		}
	}
	return nil, nil
}
