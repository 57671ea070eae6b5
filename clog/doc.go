// Package clog is Tusk's commit log (PostgreSQL's pg_xact: clog.c over
// slru.c). It records, for every transaction id, two status bits: in
// progress, committed, aborted or sub-committed.
//
// Layout: 4 statuses per byte, so an 8 KB page holds 32768 xids; 32 pages
// make a segment file, named by its number in hex ("0000" .. "0FFF") inside
// the pg_xact directory. The pages of 2^32 xids form a ring: after xid
// 2^32-1 the counter wraps and page 0 is reused (README C6).
//
// Pages are cached in a small SLRU cache (DefaultBuffers pages, least
// recently used page evicted, never the latest page). Each cached page
// carries a group LSN, the highest commit LSN whose status it holds; a page
// is never written before the WAL is flushed past it, so an asynchronous
// commit cannot become durable in the commit log before its commit record
// (README C2).
//
// API:
//
//	Open(fs, dir, log) / OpenOptions(Options{...})   open pg_xact
//	(*CLOG).Get(x) / GetLSN(x)     status (and page group LSN) of x
//	(*CLOG).Set(x, status, lsn)    record a commit or abort
//	(*CLOG).SetRedo(x, status)     the same during WAL replay
//	(*CLOG).ExtendTo(x)            zero and WAL-log a new page (ExtendCLOG)
//	(*CLOG).Trim(next)             startup: clear statuses >= next (TrimCLOG)
//	(*CLOG).Checkpoint()           write dirty pages and fsync (CheckPointCLOG)
//	(*CLOG).Rmgr()                 redo of zero-page records (clog_redo)
//
// clog depends on a small Log interface (Insert, Flush, FlushedLSN) that
// *wal.Log satisfies. It knows nothing of running transactions: deciding
// that an in-progress status belongs to a crashed transaction is the job
// of package mvcc.
//
// Startup order for the instance: Open, then WAL replay with Rmgr()
// registered, then Trim(nextXID) before handing out xids (mvcc's Manager
// calls Trim itself before its first assignment).
//
// The rules this package keeps are numbered in README.md (C1..C9).
package clog
