// Package heap is the MVCC heap access method: PostgreSQL's heapam. A heap
// relation is a file of 8 KB slotted pages (bufmgr.Page); each item is a
// tuple: a 24-byte header followed by the payload of access/tuple.
//
// Tuple header (little-endian), Tusk's HeapTupleHeaderData:
//
//	0  xmin     uint32  inserting transaction
//	4  xmax     uint32  deleting / updating / locking transaction, 0 if none
//	8  cmin     uint32  command id of the insert within xmin
//	12 cmax     uint32  command id of the delete within xmax
//	16 ctid     block uint32, offset uint16: this tuple, or its newer version
//	22 infomask uint16  hint bits and flags (mvcc.Heap* values, PostgreSQL's)
//
// Tusk keeps cmin and cmax apart instead of PostgreSQL's combo command id:
// 4 bytes more per tuple, no per-backend combo-cid map.
//
// API: Heap.Create, Insert, Delete, Update, Fetch, NewScan, and Rmgr for redo.
// The visibility map (visibilitymap.go, H7, H8): VisibilityOf reads a
// page's bits (VMAllVisible, VMAllFrozen), MarkAllVisible sets them when
// every tuple is visible to all (what VACUUM does; pruning and freezing
// are the maintenance issue's), and every change to a page clears them.
// ReadPage returns one page's visible tuples (bitmap heap scans).
// For ANALYZE (sample.go): NBlocks, VisitBlock / ReadBlock (one block's
// visible tuples and its dead count, for the two-stage sample),
// CountAllVisible (relallvisible), and InplaceUpdate (pg_class's size
// statistics, H2).
// See README.md for the invariants (H1...).
package heap
