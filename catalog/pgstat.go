package catalog

import (
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// RelFileNodes maps every relation snap sees to its relfilenode, from one
// pg_class scan: the pg_statio views read each relation's buffer counters
// by relfilenode (sql/session/pgstat_views.go caches it with Memo).
func (c *Catalog) RelFileNodes(snap *mvcc.Snapshot) (map[base.OID]base.RelFileNode, error) {
	m := map[base.OID]base.RelFileNode{}
	err := c.scan(&pgClass, snap, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		rel := relFromRow(row, tid)
		m[rel.OID] = rel.Node
		return true, nil
	})
	return m, err
}
