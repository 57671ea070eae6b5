// Package bufmgr is Tusk's page layer: the on-disk page format, the
// storage manager that keeps relation files, and the shared buffer pool
// through which every page is read and written. It mirrors PostgreSQL's
// storage/page (bufpage.c, checksum.c), storage/smgr (md.c) and
// storage/buffer (bufmgr.c, freelist.c, buf_table.c). The rules it keeps
// are numbered B1.. in README.md; code comments cite them.
//
// # Pages
//
// Page is an 8 KB slice in PostgreSQL's slotted layout: a 24-byte
// PageHeaderData (pd_lsn, pd_checksum, pd_flags, pd_lower, pd_upper,
// pd_special, pd_pagesize_version, pd_prune_xid), 4-byte line pointers
// (offset:15 flags:2 length:15) growing up from pd_lower, items growing
// down from pd_upper, and special space at the end. InitPage, AddItem,
// AddItemExtended, Item, ItemID, SetItemID, SetItemFlags,
// RepairFragmentation and the header accessors work on it. Checksum is
// PostgreSQL's pg_checksum_page, bit for bit; VerifyPage checks a page
// read from disk and DecodePage checks the structure of arbitrary bytes.
// Neither they nor the accessors panic on garbage (P1).
//
// # Storage manager
//
// Smgr keeps one file per relation fork under one directory ("16384",
// "16384_fsm", "16384_vm"), extended in 8 KB blocks, through vfs.FS. It
// remembers which files need an fsync for the next checkpoint (SyncAll).
//
// # Buffer pool
//
//	pool := bufmgr.NewPool(bufmgr.PoolOptions{NBuffers: n, Smgr: smgr, WAL: log})
//	b, err := pool.ReadBuffer(tag) // pinned (B1)
//	b.Lock()                       // content lock (B2)
//	... change b.Page(), insert the WAL record, b.Page().SetLSN(end) ...
//	b.MarkDirty()
//	b.Unlock()
//	pool.Release(b)
//
// A *Buffer and the Page it returns are valid only while pinned: after
// Release the slot may hold another page. The pool evicts with the clock
// sweep (usage counts up to 5) and never evicts a pinned buffer (B4);
// before it writes a dirty page it flushes the WAL through the page LSN
// (B3). WAL may be nil (no log, no rule). Pool.FlushAll is the buffer half
// of a checkpoint (FlushDirty, then Smgr().SyncAll()). Pool.Stats,
// TotalStats and Allocs are the hit/read/write and allocation counters the
// pg_statio and pg_stat_bgwriter views read. MarkDirtyHint is for changes that are not WAL-logged
// (hint bits) and logs a full-page image when the checksum would otherwise
// be exposed to a torn write (B8).
//
// Redo: ReadForRedo gives a redo routine the page of a block reference,
// locked, restoring a full-page image or telling whether the record still
// needs applying (B6). Rmgrs returns the redo entries bufmgr owns
// (RmgrXLOG full-page images, RmgrSmgr create/truncate); LogCreate and
// LogTruncate are the WAL-logged file operations.
//
// Caveats for callers: hold at most a few pins at once, and release every
// content lock before calling FlushAll, DropRelation or LockForCleanup.
// Setting hint bits under a shared content lock is a data race in Go's
// memory model if other goroutines read the same bytes; MarkDirtyHint
// itself is safe under a shared lock, but the caller must serialize its
// own byte changes (for example by taking the exclusive lock, or TryLock).
package bufmgr
