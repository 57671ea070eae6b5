// Package mvcc is Tusk's transaction manager and its tuple visibility
// rules: PostgreSQL's varsup.c (xid assignment), procarray.c (the running
// set and snapshots), the commit and abort half of xact.c, and
// heapam_visibility.c.
//
// A Manager hands out transaction ids lazily, on a transaction's first
// write, counting with a 64-bit FullXID (epoch<<32 | xid) and skipping the
// special xids 0, 1 and 2. It keeps the set of running xids, takes
// snapshots, and ends transactions: Commit writes an RmgrXact commit
// record (flushed before Commit returns when SynchronousCommit is on),
// records the status in the commit log (package clog), then removes the
// xid from the running set and wakes goroutines blocked in Wait on it.
//
// API:
//
//	NewManager(clog, log, next)       (*Manager).NextFullXID, Failed
//	(*Manager).Begin(XactOptions) *Xact, BeginReusing (an ended Xact's memory)
//	(*Xact).AssignXID, XID, CID, CommandCounterIncrement
//	(*Xact).Snapshot()                the transaction snapshot (REPEATABLE READ)
//	(*Manager).GetSnapshot(x)         a fresh snapshot (READ COMMITTED statements)
//	(*Manager).GetSnapshotInto(x, s)  the same into the caller's s (its Xip reused)
//	(*Xact).Commit, Abort
//	(*Manager).Wait(ctx, xid)         block until xid ends (write conflicts)
//	(*Manager).IsRunning, Status, OldestRunningXmin
//	(*Manager).Rmgr()                 redo of commit and abort records
//	(*Manager).SatisfiesMVCC(h, s)    HeapTupleSatisfiesMVCC (CheckMVCC: with errors)
//	(*Xact).SatisfiesUpdate(h, cid)   HeapTupleSatisfiesUpdate (CheckUpdate: with errors)
//
// TupleHeader holds the visibility fields of a heap tuple and the infomask
// bits use PostgreSQL's values; the heap owns their on-disk encoding. The
// visibility functions never modify the header: they return the hint bits
// the caller may OR into the infomask (then marking the buffer dirty with a
// hint), set only when safe (README X3).
//
// Startup: open the clog, NewManager with the checkpoint's NextFullXID,
// replay the WAL with the clog's and the manager's Rmgr (redo advances the
// next xid past every xid it sees), then run. The manager trims the clog
// page of the next xid before its first assignment.
//
// # Transaction id wraparound
//
// Tuples store 32-bit xids and compare them modulo 2^32 (base.XID.Precedes),
// which is right only while every xid still referenced lies within 2^31 of
// the next xid. The manager itself wraps correctly: after 2^32-1 comes
// FirstNormalXID with the epoch plus one, snapshots order their xids with
// Precedes, and the clog reuses its pages (clog C6). What is not done yet,
// and belongs to the vacuum issue: freezing (setting HeapXminFrozen on
// tuples whose xmin precedes a freeze horizon, so no clog lookup or
// comparison is needed for them), tracking each table's oldest unfrozen
// xid (relfrozenxid) and the cluster's (Checkpoint.OldestXID), refusing
// new xids near 2^31 past it as PostgreSQL's xidStopLimit does in
// GetNewTransactionId (the place is marked in AssignXID), and truncating
// clog segments older than it. Until then a database that consumes more
// than 2^31 xids would see old unfrozen rows wrongly.
//
// Not yet supported: subtransactions (savepoints), MultiXacts (shared row
// locks by several transactions; a MultiXact xmax is reported as
// corruption), prepared transactions, combo command ids (cmin and cmax are
// stored separately).
//
// The rules this package keeps are numbered in README.md (X1..X11).
package mvcc
