package mvcc

import (
	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// The visibility rules of PostgreSQL's heapam_visibility.c. Hint bits are
// not written here: they are returned, and the caller ORs them into the
// tuple's infomask and marks the buffer dirty with a hint (PostgreSQL's
// SetHintBits followed by MarkBufferDirtyHint).

// SatisfiesMVCC reports whether the tuple is visible to snapshot s, and
// the hint bits the caller may set on it; mirrors HeapTupleSatisfiesMVCC.
// A clog read error makes the tuple invisible here: callers that can
// report errors should use CheckMVCC.
func (m *Manager) SatisfiesMVCC(h *TupleHeader, s *Snapshot) (visible bool, setHints uint16) {
	v, hints, err := m.CheckMVCC(h, s)
	if err != nil {
		return false, 0
	}
	return v, hints
}

// SatisfiesUpdate classifies the tuple for an UPDATE, DELETE or row lock
// by transaction x running command cid, and returns the hint bits the
// caller may set; mirrors HeapTupleSatisfiesUpdate. Unlike SatisfiesMVCC
// it judges other transactions by whether they are running now, not by a
// snapshot. A clog read error gives TMInvisible: callers that can report
// errors should use CheckUpdate.
func (x *Xact) SatisfiesUpdate(h *TupleHeader, cid base.CommandID) (TMResult, uint16) {
	r, hints, err := x.CheckUpdate(h, cid)
	if err != nil {
		return TMInvisible, 0
	}
	return r, hints
}

// checkHeader rejects infomask bits Tusk never writes (X8).
func checkHeader(h *TupleHeader) error {
	if h.Infomask&(HeapXmaxIsMulti|HeapXmaxInvalid) == HeapXmaxIsMulti {
		return pgerr.New(pgerr.DataCorrupted, "tuple %s has a MultiXact xmax %d, which Tusk does not support", h.Self, h.Xmax)
	}
	if h.Infomask&(HeapMovedOff|HeapMovedIn) != 0 {
		return pgerr.New(pgerr.DataCorrupted, "tuple %s has HEAP_MOVED bits set", h.Self)
	}
	return nil
}

// didCommit returns whether a completed xid committed and, if so, whether
// its commit record is durable so that a committed hint may be set (X3);
// mirrors TransactionIdDidCommit plus SetHintBits' LSN test. A completed
// xid that did not commit aborted or crashed.
func (m *Manager) didCommit(xid base.XID) (committed, hintOK bool, err error) {
	st, lsn, err := m.clog.GetLSN(xid)
	if err != nil {
		return false, false, err
	}
	if st != clog.StatusCommitted {
		return false, true, nil
	}
	return true, lsn == 0 || lsn <= m.log.FlushedLSN(), nil
}

// CheckMVCC is SatisfiesMVCC returning clog and header errors.
func (m *Manager) CheckMVCC(h *TupleHeader, s *Snapshot) (visible bool, setHints uint16, err error) {
	if err := checkHeader(h); err != nil {
		return false, 0, err
	}
	mask := h.Infomask
	var hints uint16

	if !h.XminCommitted() {
		if h.XminInvalid() {
			return false, 0, nil
		}
		switch {
		case s.isCurrent(h.Xmin):
			// Inserted by this transaction: judged by command ids (X9).
			if h.Cmin >= s.CurCID {
				return false, 0, nil // inserted after scan started
			}
			if mask&HeapXmaxInvalid != 0 {
				return true, 0, nil
			}
			if h.XmaxIsLockedOnly() {
				return true, 0, nil
			}
			if !s.isCurrent(h.Xmax) {
				// A deleter other than ourselves can only have been an
				// aborted subtransaction.
				return true, HeapXmaxInvalid, nil
			}
			return h.Cmax >= s.CurCID, 0, nil // deleted after / before scan started
		case s.XIDRunning(h.Xmin): // X1: ask "running?" before the clog
			return false, 0, nil
		default:
			ok, hintOK, err := m.didCommit(h.Xmin)
			if err != nil {
				return false, 0, err
			}
			if !ok {
				return false, HeapXminInvalid, nil // aborted or crashed
			}
			if hintOK {
				hints |= HeapXminCommitted
			}
		}
	} else if !h.XminFrozen() && s.XIDRunning(h.Xmin) {
		return false, 0, nil // committed, but not as of our snapshot
	}

	// The inserter committed as of the snapshot.
	if mask&HeapXmaxInvalid != 0 {
		return true, hints, nil
	}
	if h.XmaxIsLockedOnly() {
		return true, hints, nil
	}
	if mask&HeapXmaxCommitted == 0 {
		if s.isCurrent(h.Xmax) {
			return h.Cmax >= s.CurCID, hints, nil
		}
		if s.XIDRunning(h.Xmax) {
			return true, hints, nil
		}
		ok, hintOK, err := m.didCommit(h.Xmax)
		if err != nil {
			return false, 0, err
		}
		if !ok {
			return true, hints | HeapXmaxInvalid, nil // deleter aborted or crashed
		}
		if hintOK {
			hints |= HeapXmaxCommitted
		}
	} else if s.XIDRunning(h.Xmax) {
		return true, hints, nil // committed, but not as of our snapshot
	}
	return false, hints, nil
}

// updatedOrDeleted tells an update (Ctid points elsewhere) from a delete.
func updatedOrDeleted(h *TupleHeader) TMResult {
	if h.Ctid != h.Self {
		return TMUpdated
	}
	return TMDeleted
}

// CheckUpdate is SatisfiesUpdate returning clog and header errors.
func (x *Xact) CheckUpdate(h *TupleHeader, cid base.CommandID) (TMResult, uint16, error) {
	if err := checkHeader(h); err != nil {
		return TMInvisible, 0, err
	}
	m := x.m
	own := x.XID()
	current := func(id base.XID) bool { return id.IsNormal() && id == own }
	mask := h.Infomask
	var hints uint16

	if !h.XminCommitted() {
		if h.XminInvalid() {
			return TMInvisible, 0, nil
		}
		switch {
		case current(h.Xmin): // X9
			if h.Cmin >= cid {
				return TMInvisible, 0, nil // inserted after scan started
			}
			if mask&HeapXmaxInvalid != 0 {
				return TMOk, 0, nil
			}
			if h.XmaxIsLockedOnly() {
				// Even our own row may be locked by someone else.
				if !m.IsRunning(h.Xmax) {
					return TMOk, 0, nil
				}
				return TMBeingModified, 0, nil
			}
			if !current(h.Xmax) {
				return TMOk, HeapXmaxInvalid, nil // deleting subtransaction aborted
			}
			if h.Cmax >= cid {
				return TMSelfModified, 0, nil // updated after scan started
			}
			return TMInvisible, 0, nil // updated before scan started
		case m.IsRunning(h.Xmin): // X1
			return TMInvisible, 0, nil
		default:
			ok, hintOK, err := m.didCommit(h.Xmin)
			if err != nil {
				return TMInvisible, 0, err
			}
			if !ok {
				return TMInvisible, HeapXminInvalid, nil
			}
			if hintOK {
				hints |= HeapXminCommitted
			}
		}
	}

	// The inserter committed.
	if mask&HeapXmaxInvalid != 0 {
		return TMOk, hints, nil
	}
	if mask&HeapXmaxCommitted != 0 {
		if h.XmaxIsLockedOnly() {
			return TMOk, hints, nil
		}
		return updatedOrDeleted(h), hints, nil
	}
	if current(h.Xmax) {
		if h.XmaxIsLockedOnly() {
			return TMBeingModified, hints, nil
		}
		if h.Cmax >= cid {
			return TMSelfModified, hints, nil
		}
		return TMInvisible, hints, nil
	}
	if m.IsRunning(h.Xmax) {
		return TMBeingModified, hints, nil
	}
	ok, hintOK, err := m.didCommit(h.Xmax)
	if err != nil {
		return TMInvisible, 0, err
	}
	if !ok {
		return TMOk, hints | HeapXmaxInvalid, nil // aborted or crashed
	}
	if h.XmaxIsLockedOnly() {
		return TMOk, hints | HeapXmaxInvalid, nil // the locker is gone
	}
	if hintOK {
		hints |= HeapXmaxCommitted
	}
	return updatedOrDeleted(h), hints, nil
}
