package exec

import (
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgstat"
)

// Statistics counting (internal/pgstat, X-PS): plan nodes take their
// relation's pending counters once, when they are built, and bump plain
// fields per row; the session flushes them when the transaction ends.

// RelStats returns the statement's pending statistics of relation oid (a
// table or an index) to count into; it is never nil. Index scan nodes use
// it: NumScans++ when a scan starts (and on each rescan), TuplesReturned++
// per index entry returned, TuplesFetched++ per heap tuple fetched through
// the index (PostgreSQL's pgstat_count_index_scan, _index_tuples,
// _heap_fetch). A bitmap heap scan counts TuplesFetched on the table's own
// RelStats.
func (ec *Context) RelStats(oid base.OID) *pgstat.Rel { return ec.PgStat.Rel(oid) }

// countScan counts a sequential scan of a table starting
// (pgstat_count_heap_scan) and returns its counters.
func (ec *Context) countScan(oid base.OID) *pgstat.Rel {
	r := ec.PgStat.Rel(oid)
	r.NumScans++
	return r
}

// stats returns the counters of the table a ModifyTable changes.
func (m *modifyTable) stats() *pgstat.Rel {
	if m.st == nil {
		m.st = m.ec.PgStat.Rel(m.p.Rel.OID)
	}
	return m.st
}
