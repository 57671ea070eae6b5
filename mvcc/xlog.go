package mvcc

import (
	"encoding/binary"
	"time"

	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/wal"
)

// Info values of RmgrXact records (PostgreSQL's XLOG_XACT_COMMIT and
// XLOG_XACT_ABORT). The record's XID field names the transaction; the
// payload is the commit or abort time (xl_xact_commit.xact_time).
const (
	InfoCommit uint8 = 0x00
	InfoAbort  uint8 = 0x20
	infoOpMask uint8 = 0x70
)

// pgEpoch is PostgreSQL's timestamp origin, 2000-01-01 00:00:00 UTC.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// EncodeXactTime encodes t as a PostgreSQL TimestampTz: microseconds since
// 2000-01-01 UTC, 8 bytes little-endian.
func EncodeXactTime(t time.Time) []byte {
	us := t.Sub(pgEpoch).Microseconds()
	return binary.LittleEndian.AppendUint64(nil, uint64(us))
}

// XactRecord is a decoded commit or abort record.
type XactRecord struct {
	Commit bool // false: abort
	Time   time.Time
}

// DecodeXactRecord parses the info and payload of an RmgrXact record.
func DecodeXactRecord(info uint8, data []byte) (XactRecord, error) {
	var r XactRecord
	switch info & infoOpMask {
	case InfoCommit:
		r.Commit = true
	case InfoAbort:
	default:
		return r, pgerr.New(pgerr.DataCorrupted, "xact_redo: unknown op code %#x", info)
	}
	if len(data) != 8 {
		return r, pgerr.New(pgerr.DataCorrupted, "invalid transaction record: length %d", len(data))
	}
	us := int64(binary.LittleEndian.Uint64(data))
	r.Time = time.Unix(pgEpoch.Unix()+us/1e6, us%1e6*1e3).UTC()
	return r, nil
}

// Rmgr returns the transaction resource manager: redo of commit and abort
// records (xact_redo).
func (m *Manager) Rmgr() wal.Rmgr {
	return wal.Rmgr{ID: wal.RmgrXact, Name: "Transaction", Redo: m.redo}
}

// redo mirrors xact_redo_commit and xact_redo_abort: the clog status of
// the record's xid is set, and the next xid moves past it (X10).
func (m *Manager) redo(rec *wal.Record) error {
	r, err := DecodeXactRecord(rec.Info, rec.Data)
	if err != nil {
		return err
	}
	if !rec.XID.IsNormal() {
		return pgerr.New(pgerr.DataCorrupted, "transaction record for invalid xid %d", rec.XID)
	}
	m.AdvancePast(rec.XID)
	st := clog.StatusAborted
	if r.Commit {
		st = clog.StatusCommitted
	}
	return m.clog.SetRedo(rec.XID, st)
}

// AdvancePast makes the next xid follow xid, if it does not already; redo
// calls it for every xid it replays (mirrors
// AdvanceNextFullTransactionIdPastXid). An xid numerically below the next
// one but logically after it lies in the next epoch.
func (m *Manager) AdvancePast(xid base.XID) {
	if !xid.IsNormal() {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.next.XID()
	if xid.Precedes(n) {
		return
	}
	epoch := m.next.Epoch()
	if xid < n {
		epoch++
	}
	m.next = advance(base.MakeFullXID(epoch, xid))
	m.trimmed = false
}
