package mvcc

import (
	"sort"

	"github.com/tuskdb/tusk/internal/base"
)

// Snapshot is an MVCC snapshot (PostgreSQL's SnapshotData for
// SNAPSHOT_MVCC): which transactions had completed when it was taken.
//
// Every xid that precedes Xmin had completed; every xid at or after Xmax
// had not started; between them, the xids in Xip were running (X5). The
// taking transaction's own xid is never in Xip: its changes are judged by
// command id instead.
type Snapshot struct {
	Xmin base.XID
	Xmax base.XID
	// Xip lists the running xids in [Xmin, Xmax), sorted in xid order
	// (base.XID.Precedes; they all lie within 2^31 of Xmax).
	Xip []base.XID
	// CurXID is the taking transaction's xid when the snapshot was taken,
	// InvalidXID if it had none yet.
	CurXID base.XID
	// CurCID is the command id of the command using the snapshot: tuples
	// this transaction inserted with cmin >= CurCID are not yet visible.
	CurCID base.CommandID

	xact *Xact // the taking transaction; nil for a snapshot outside one
}

// XIDRunning reports whether x was still running (or not yet started) as
// of the snapshot; mirrors XidInMVCCSnapshot. It says nothing of the
// snapshot's own transaction, which callers check first.
func (s *Snapshot) XIDRunning(x base.XID) bool {
	if x.Precedes(s.Xmin) {
		return false
	}
	if !x.Precedes(s.Xmax) {
		return true
	}
	i := sort.Search(len(s.Xip), func(i int) bool { return !s.Xip[i].Precedes(x) })
	return i < len(s.Xip) && s.Xip[i] == x
}

// isCurrent mirrors TransactionIdIsCurrentTransactionId for the snapshot's
// transaction. It also recognizes an xid the transaction was assigned after
// the snapshot was taken.
func (s *Snapshot) isCurrent(x base.XID) bool {
	if !x.IsNormal() {
		return false
	}
	if x == s.CurXID {
		return true
	}
	return s.xact != nil && s.xact.XID() == x
}

// Xact returns the transaction that took the snapshot, or nil.
func (s *Snapshot) Xact() *Xact { return s.xact }
