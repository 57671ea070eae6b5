// Package btree is Tusk's B-tree index access method, PostgreSQL's nbtree
// at the storage level: Lehman and Yao's high-key and right-link tree on
// 8 KB pages of the buffer pool, WAL-logged under wal.RmgrBtree, with
// suffix truncation of pivot keys and the heap TID as the last key column
// (PostgreSQL 12+ "heapkeyspace" indexes, version 4). The rules it keeps
// are numbered BT1..BT13 in README.md and cited in the code.
//
// # API
//
//	Create(pool, log, node, desc)      a new empty index (metapage + root leaf)
//	Open(pool, log, node, desc)        an existing one
//	Build(pool, log, node, desc, entries)
//	                                   CREATE INDEX: sort, fill pages bottom-up
//	(*Index).Insert(ctx, x, vals, tid) add an entry (btinsert)
//	(*Index).InsertUnique(ctx, x, vals, tid, UniqueCheck)
//	                                   add an entry to a unique index
//	(*Index).NewScan(ScanOptions)      entries between two bounds, forward or
//	                                   backward; (*Scan).Next, Err
//	(*Index).Check()                   amcheck's bt_index_parent_check
//	(*Index).CheckHeap(want)           the entries are exactly the given heap tuples
//	(*Index).Height()
//	Rmgr(pool)                         the redo routine for wal.Replay
//
// A Desc gives the key columns (KeyCol: a comparison function over the raw
// attribute bytes, Desc, NullsFirst) and the number of INCLUDE columns. An
// entry's values are the key columns then the INCLUDE columns, raw bytes
// as the type system encodes them, nil for NULL; they are stored with
// package access/tuple. Ordering (BT5, BT6): by the key columns, NULLs
// first or last as NullsFirst says, non-NULL values by Compare reversed
// for Desc, then by heap TID, so duplicates are in TID order. INCLUDE
// columns are stored in leaf tuples only and never compared.
//
// Scan bounds (Bound) are prefixes of the key columns, inclusive or
// exclusive, in index order. A Scan holds no lock between calls; entries
// inserted during a scan may or may not be seen (the caller's MVCC
// snapshot judges the heap tuples anyway), entries present when it starts
// are returned exactly once (BT11).
//
// A unique index checks conflicts through a caller callback that reports
// the state of the heap tuple an equal-keyed entry points at (dead, live,
// or in progress by an xid, as PostgreSQL's SnapshotDirty); an inserter
// waits for an in-progress xid with mvcc.Manager.Wait and checks again,
// and reports a live one as SQLSTATE 23505 "duplicate key value violates
// unique constraint" (BT10). The callback runs with index pages locked: it
// may lock heap pages but must not use the index.
//
// # On disk
//
// Block 0 is the metapage (magic, version 4, root block, tree level, the
// number of key and total columns). Every other page is a bufmgr.Page with
// a 16-byte special space (BTPageOpaqueData: left and right sibling, level,
// flags). On a page that is not the rightmost of its level, item 1 is the
// high key; data items follow. Internal pages hold pivot tuples whose
// block field is a downlink; their first data item is "minus infinity" (a
// pivot with no key). The index tuple format is in itup.go and the WAL
// record formats in xlog.go.
//
// Entries larger than MaxItemSize (2704 bytes, a third of a page, as in
// PostgreSQL) are refused with SQLSTATE 54000 "index row size %d exceeds
// btree version 4 maximum 2704 for index ...".
//
// # Caveats
//
//   - No deletion: entries are never removed and pages never deleted or
//     recycled; vacuum (and LP_DEAD hints) is a later issue (BT13).
//   - If Insert fails after its entry reached a leaf (a failure while
//     inserting the downlink of a split), the entry stays, as in
//     PostgreSQL: the caller's transaction aborts, so it points at a dead
//     heap tuple. The split is finished by a later inserter (BT7).
//   - Check and CheckHeap assume no concurrent inserts.
//   - Errors are *pgerr.Error; corruption found on an index page is
//     IndexCorrupted (XX002), a malformed WAL record DataCorrupted.
package btree
