package mvcc

import "github.com/tuskdb/tusk/internal/base"

// Infomask bits of a tuple header, with PostgreSQL's values
// (htup_details.h). Tusk does not use every bit yet; they are all defined
// so that the layout stays PostgreSQL's.
const (
	HeapHasNull       uint16 = 0x0001 // has null attribute(s)
	HeapHasVarWidth   uint16 = 0x0002 // has variable-width attribute(s)
	HeapHasExternal   uint16 = 0x0004 // has external stored attribute(s)
	HeapXmaxKeyshrLck uint16 = 0x0010 // xmax is a key-shared locker
	HeapComboCID      uint16 = 0x0020 // t_cid is a combo cid (unused: Tusk keeps cmin and cmax)
	HeapXmaxExclLock  uint16 = 0x0040 // xmax is an exclusive locker
	HeapXmaxLockOnly  uint16 = 0x0080 // xmax, if valid, is only a locker
	HeapXmaxShrLock   uint16 = HeapXmaxExclLock | HeapXmaxKeyshrLck
	HeapLockMask      uint16 = HeapXmaxShrLock | HeapXmaxExclLock | HeapXmaxKeyshrLck
	HeapXminCommitted uint16 = 0x0100 // t_xmin committed (hint)
	HeapXminInvalid   uint16 = 0x0200 // t_xmin invalid/aborted (hint)
	HeapXminFrozen    uint16 = HeapXminCommitted | HeapXminInvalid
	HeapXmaxCommitted uint16 = 0x0400 // t_xmax committed (hint)
	HeapXmaxInvalid   uint16 = 0x0800 // t_xmax invalid/aborted (hint)
	HeapXmaxIsMulti   uint16 = 0x1000 // t_xmax is a MultiXactId (never set by Tusk yet)
	HeapUpdated       uint16 = 0x2000 // this is an UPDATEd version of a row
	HeapMovedOff      uint16 = 0x4000 // pre-9.0 VACUUM FULL (never set by Tusk)
	HeapMovedIn       uint16 = 0x8000 // pre-9.0 VACUUM FULL (never set by Tusk)
	HeapXactMask      uint16 = 0xFFF0 // visibility-related bits

	// HintMask is the set of bits SatisfiesMVCC and SatisfiesUpdate may
	// return as hints.
	HintMask = HeapXminCommitted | HeapXminInvalid | HeapXmaxCommitted | HeapXmaxInvalid
)

// TupleHeader is the visibility part of a heap tuple's header
// (HeapTupleHeaderData's t_xmin, t_xmax, t_cid, t_infomask, t_ctid, plus
// the tuple's own address t_self). Tusk stores cmin and cmax separately
// instead of PostgreSQL's combo command id; the heap decides the on-disk
// encoding.
type TupleHeader struct {
	Xmin, Xmax base.XID
	Cmin, Cmax base.CommandID
	Infomask   uint16
	// Ctid is the newer version of an updated row, or Self when the row
	// was not updated (or was deleted).
	Ctid base.ItemPointer
	// Self is where this tuple is stored.
	Self base.ItemPointer
}

// XminCommitted mirrors HeapTupleHeaderXminCommitted (true for frozen too).
func (h *TupleHeader) XminCommitted() bool { return h.Infomask&HeapXminCommitted != 0 }

// XminInvalid mirrors HeapTupleHeaderXminInvalid (false for frozen).
func (h *TupleHeader) XminInvalid() bool {
	return h.Infomask&(HeapXminCommitted|HeapXminInvalid) == HeapXminInvalid
}

// XminFrozen mirrors HeapTupleHeaderXminFrozen.
func (h *TupleHeader) XminFrozen() bool { return h.Infomask&HeapXminFrozen == HeapXminFrozen }

// XmaxIsLockedOnly mirrors HEAP_XMAX_IS_LOCKED_ONLY: the xmax only locked
// the row and never deleted or updated it.
func (h *TupleHeader) XmaxIsLockedOnly() bool { return XmaxIsLockedOnly(h.Infomask) }

// XmaxIsLockedOnly is HEAP_XMAX_IS_LOCKED_ONLY on an infomask.
func XmaxIsLockedOnly(infomask uint16) bool {
	return infomask&HeapXmaxLockOnly != 0 ||
		infomask&(HeapXmaxIsMulti|HeapLockMask) == HeapXmaxExclLock
}

// TMResult is the outcome of SatisfiesUpdate (PostgreSQL's TM_Result).
type TMResult uint8

// Results of SatisfiesUpdate, in PostgreSQL's order.
const (
	// TMOk: the tuple is visible and may be updated or deleted.
	TMOk TMResult = iota
	// TMInvisible: the tuple did not exist when the command started (its
	// inserter aborted, is another running transaction, or is a later
	// command of this one; or this transaction deleted it earlier).
	TMInvisible
	// TMSelfModified: this transaction updated or deleted the tuple in
	// this command or a later one (Halloween protection).
	TMSelfModified
	// TMUpdated: a committed transaction updated the tuple (Ctid points
	// to the newer version).
	TMUpdated
	// TMDeleted: a committed transaction deleted the tuple.
	TMDeleted
	// TMBeingModified: another running transaction updated, deleted or
	// locked the tuple; wait for it (Manager.Wait) and look again.
	TMBeingModified
	// TMWouldBlock: reserved for lock waits with NOWAIT/SKIP LOCKED.
	TMWouldBlock
)

var tmNames = [...]string{"TM_Ok", "TM_Invisible", "TM_SelfModified", "TM_Updated", "TM_Deleted", "TM_BeingModified", "TM_WouldBlock"}

// String returns PostgreSQL's name of the result.
func (r TMResult) String() string {
	if int(r) < len(tmNames) {
		return tmNames[r]
	}
	return "TM_Result(?)"
}
