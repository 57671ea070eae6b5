package mvcc

import (
	"testing"

	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

// TestWithRealWAL runs the manager on *wal.Log, cuts the power, and
// recovers with wal.Replay: a synchronous commit survives; an asynchronous
// commit and an abort whose records were never flushed are lost, and count
// as aborted.
func TestWithRealWAL(t *testing.T) {
	fs := vfs.NewCrash(11)
	// The instance creates the data directory durably (initdb).
	must(t, fs.MkdirAll("/db", 0o700))
	must(t, fs.SyncDir("/"))
	open := func(fs vfs.FS) (*wal.Log, *clog.CLOG) {
		l, err := wal.Open(wal.Options{FS: fs, Dir: "/db/pg_wal", SegmentSize: 64 << 10})
		must(t, err)
		c, err := clog.Open(fs, "/db/pg_xact", l)
		must(t, err)
		return l, c
	}
	l, c := open(fs)
	m := NewManager(c, l, base.MakeFullXID(0, base.FirstNormalXID))
	x1 := m.Begin(DefaultXactOptions())
	id1, err := x1.AssignXID()
	must(t, err)
	must(t, x1.Commit())
	if l.FlushedLSN() < l.InsertLSN() {
		t.Fatal("synchronous commit returned before its record was flushed")
	}
	x2 := m.Begin(XactOptions{})
	id2, err := x2.AssignXID()
	must(t, err)
	must(t, x2.Commit())
	x3 := m.Begin(DefaultXactOptions())
	id3, err := x3.AssignXID()
	must(t, err)
	must(t, x3.Abort())
	if l.FlushedLSN() >= l.InsertLSN() {
		t.Fatal("asynchronous commit or abort flushed")
	}

	crashed := fs.Crash(vfs.CrashOptions{DropAll: true})
	must(t, c.Close())
	must(t, l.Close())

	l2, c2 := open(crashed)
	defer l2.Close()
	defer c2.Close()
	m2 := NewManager(c2, l2, base.MakeFullXID(0, base.FirstNormalXID))
	if _, err := wal.Replay(l2, wal.InvalidLSN, []wal.Rmgr{c2.Rmgr(), m2.Rmgr()}); err != nil {
		t.Fatal(err)
	}
	want := map[base.XID]clog.Status{id1: clog.StatusCommitted, id2: clog.StatusInProgress, id3: clog.StatusInProgress}
	for id, st := range want {
		if got, err := m2.Status(id); err != nil || got != st {
			t.Errorf("xid %d: %v %v, want %v", id, got, err, st)
		}
	}
	s := m2.GetSnapshot(nil)
	for id, vis := range map[base.XID]bool{id1: true, id2: false, id3: false} {
		h := TupleHeader{Xmin: id, Infomask: HeapXmaxInvalid}
		if got, _, err := m2.CheckMVCC(&h, s); err != nil || got != vis {
			t.Errorf("row of xid %d: visible %v err %v, want %v", id, got, err, vis)
		}
	}
	// The lost xids are handed out again, with fresh clog entries.
	y := m2.Begin(DefaultXactOptions())
	id, err := y.AssignXID()
	must(t, err)
	if id != id2 {
		t.Fatalf("next xid %d, want %d", id, id2)
	}
	must(t, y.Commit())
	must(t, c2.Checkpoint())
}
