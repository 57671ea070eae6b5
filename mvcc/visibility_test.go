package mvcc

import (
	"fmt"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// world is a fixed set of transactions in every state the visibility
// rules distinguish, and a snapshot taken in their midst by xact own.
type world struct {
	e *env
	// xids
	committed  base.XID // committed before the snapshot, commit record flushed
	deleter    base.XID // another such committed transaction
	aborted    base.XID // aborted before the snapshot
	crashed    base.XID // below next, never committed, not running: a crash victim
	running    base.XID // still running
	async      base.XID // committed asynchronously before the snapshot; record not flushed
	commitLate base.XID // running at the snapshot, committed (asynchronously) since
	startLate  base.XID // started and committed after the snapshot
	self       base.XID // the snapshot's own transaction
	own        *Xact
	snap       *Snapshot // own's snapshot at command 5
}

const curCID base.CommandID = 5

// skipToGroup moves the next xid to the start of the next group of 32
// xids, so that clog group LSNs (hint-bit safety) of the groups differ.
func (e *env) skipToGroup() {
	next := e.m.NextFullXID().XID()
	e.m.AdvancePast((next/32+1)*32 - 1)
}

func newWorld(t *testing.T) *world {
	e := newEnv(t, base.MakeFullXID(0, 100))
	w := &world{e: e, crashed: 50}
	sync := DefaultXactOptions()
	async := XactOptions{}
	commit := func(opts XactOptions) base.XID {
		x := e.begin(t, opts)
		must(t, x.Commit())
		return x.XID()
	}
	w.committed = commit(sync)
	w.deleter = commit(sync)
	xa := e.begin(t, sync)
	must(t, xa.Abort())
	w.aborted = xa.XID()
	w.running = e.begin(t, sync).XID()

	// From here on nothing flushes the WAL: the async commit stays
	// unflushed.
	e.skipToGroup()
	w.async = commit(async)
	e.skipToGroup()
	late := e.begin(t, async)
	w.commitLate = late.XID()
	w.own = e.begin(t, sync)
	w.self = w.own.XID()
	for w.own.CID() < curCID {
		must(t, w.own.CommandCounterIncrement())
	}
	w.snap = w.own.Snapshot()
	must(t, late.Commit())
	w.startLate = commit(async)
	if e.log.FlushedLSN() >= e.log.records()[len(e.log.records())-1].EndLSN {
		t.Fatal("setup: WAL flushed past the asynchronous commits")
	}
	return w
}

func TestWorldSnapshot(t *testing.T) {
	w := newWorld(t)
	s := w.snap
	if s.CurXID != w.self || s.CurCID != curCID {
		t.Fatalf("snapshot cur %d/%d", s.CurXID, s.CurCID)
	}
	if s.Xmin != w.running || s.Xmax != w.self+1 {
		t.Fatalf("snapshot xmin %d xmax %d", s.Xmin, s.Xmax)
	}
	if fmt.Sprint(s.Xip) != fmt.Sprint([]base.XID{w.running, w.commitLate}) {
		t.Fatalf("snapshot xip %v", s.Xip)
	}
	for x, want := range map[base.XID]bool{
		w.committed: false, w.aborted: false, w.crashed: false, w.async: false,
		w.running: true, w.commitLate: true, w.startLate: true, base.FrozenXID: false,
	} {
		if got := s.XIDRunning(x); got != want {
			t.Errorf("XIDRunning(%d) = %v, want %v", x, got, want)
		}
	}
}

// TestSatisfiesMVCC checks each rule of HeapTupleSatisfiesMVCC.
func TestSatisfiesMVCC(t *testing.T) {
	w := newWorld(t)
	type row struct {
		name    string
		h       TupleHeader
		visible bool
		hints   uint16
		err     pgerr.Code
	}
	ins := func(xmin base.XID, mask uint16) TupleHeader {
		return TupleHeader{Xmin: xmin, Infomask: mask | HeapXmaxInvalid}
	}
	del := func(xmin, xmax base.XID, mask uint16) TupleHeader {
		return TupleHeader{Xmin: xmin, Xmax: xmax, Infomask: mask | HeapXminCommitted}
	}
	own := func(cmin base.CommandID, xmax base.XID, cmax base.CommandID, mask uint16) TupleHeader {
		return TupleHeader{Xmin: w.self, Cmin: cmin, Xmax: xmax, Cmax: cmax, Infomask: mask}
	}
	rows := []row{
		// Inserting transaction.
		{"xmin committed, no hint", ins(w.committed, 0), true, HeapXminCommitted, ""},
		{"xmin committed, hinted", ins(w.committed, HeapXminCommitted), true, 0, ""},
		{"xmin aborted", ins(w.aborted, 0), false, HeapXminInvalid, ""},
		{"xmin crashed: not running, clog in progress", ins(w.crashed, 0), false, HeapXminInvalid, ""},
		{"xmin hinted invalid", ins(w.committed, HeapXminInvalid), false, 0, ""},
		{"xmin running", ins(w.running, 0), false, 0, ""},
		{"xmin committed after the snapshot", ins(w.commitLate, 0), false, 0, ""},
		{"xmin committed after the snapshot, hinted", ins(w.commitLate, HeapXminCommitted), false, 0, ""},
		{"xmin started after the snapshot", ins(w.startLate, 0), false, 0, ""},
		{"xmin frozen bits override the snapshot", ins(w.commitLate, HeapXminFrozen), true, 0, ""},
		{"xmin FrozenXID", ins(base.FrozenXID, 0), true, HeapXminCommitted, ""},
		{"xmin BootstrapXID", ins(base.BootstrapXID, 0), true, HeapXminCommitted, ""},
		{"xmin InvalidXID", ins(base.InvalidXID, 0), false, HeapXminInvalid, ""},
		{"xmin async commit not flushed: no hint", ins(w.async, 0), true, 0, ""},

		// Own insertions: command ids decide.
		{"own insert, earlier command", own(3, 0, 0, HeapXmaxInvalid), true, 0, ""},
		{"own insert, this command", own(curCID, 0, 0, HeapXmaxInvalid), false, 0, ""},
		{"own insert, later command", own(curCID+2, 0, 0, HeapXmaxInvalid), false, 0, ""},
		{"own insert, own delete earlier", own(1, w.self, 4, 0), false, 0, ""},
		{"own insert, own delete this command", own(1, w.self, curCID, 0), true, 0, ""},
		{"own insert, own delete later", own(1, w.self, curCID+1, 0), true, 0, ""},
		{"own insert, own lock only", own(1, w.self, 2, HeapXmaxLockOnly), true, 0, ""},
		{"own insert, lock by other", own(1, w.running, 0, HeapXmaxLockOnly), true, 0, ""},
		{"own insert, deleter not us: aborted subxact", own(1, w.aborted, 0, 0), true, HeapXmaxInvalid, ""},
		{"own insert, xmax 0 not hinted", own(1, 0, 0, 0), true, HeapXmaxInvalid, ""},

		// Deleting transaction (inserter committed and hinted).
		{"xmax invalid hint", del(w.committed, w.deleter, HeapXmaxInvalid), true, 0, ""},
		{"xmax committed", del(w.committed, w.deleter, 0), false, HeapXmaxCommitted, ""},
		{"xmax committed, hinted", del(w.committed, w.deleter, HeapXmaxCommitted), false, 0, ""},
		{"xmax aborted", del(w.committed, w.aborted, 0), true, HeapXmaxInvalid, ""},
		{"xmax crashed", del(w.committed, w.crashed, 0), true, HeapXmaxInvalid, ""},
		{"xmax 0 not hinted", del(w.committed, 0, 0), true, HeapXmaxInvalid, ""},
		{"xmax running", del(w.committed, w.running, 0), true, 0, ""},
		{"xmax committed after the snapshot", del(w.committed, w.commitLate, 0), true, 0, ""},
		{"xmax committed after the snapshot, hinted", del(w.committed, w.commitLate, HeapXmaxCommitted), true, 0, ""},
		{"xmax started after the snapshot", del(w.committed, w.startLate, 0), true, 0, ""},
		{"xmax async commit not flushed: no hint", del(w.committed, w.async, 0), false, 0, ""},
		{"xmax lock only, committed", del(w.committed, w.deleter, HeapXmaxLockOnly), true, 0, ""},
		{"xmax exclusive lock bit alone is lock only", del(w.committed, w.deleter, HeapXmaxExclLock), true, 0, ""},
		{"xmax own, earlier command", del(w.committed, w.self, 0) /* cmax 0 */, false, 0, ""},
		{"xmax own, lock only", del(w.committed, w.self, HeapXmaxLockOnly), true, 0, ""},
		{"xmax frozen inserter, committed deleter", TupleHeader{Xmin: w.commitLate, Xmax: w.deleter, Infomask: HeapXminFrozen}, false, HeapXmaxCommitted, ""},

		// Both hints at once.
		{"xmin and xmax committed, no hints", TupleHeader{Xmin: w.committed, Xmax: w.deleter}, false, HeapXminCommitted | HeapXmaxCommitted, ""},
		{"xmin committed, xmax aborted, no hints", TupleHeader{Xmin: w.committed, Xmax: w.aborted}, true, HeapXminCommitted | HeapXmaxInvalid, ""},

		// Bits Tusk never writes.
		{"multixact xmax", del(w.committed, w.deleter, HeapXmaxIsMulti), false, 0, pgerr.DataCorrupted},
		{"multixact bit with xmax invalid is ignored", del(w.committed, w.deleter, HeapXmaxIsMulti|HeapXmaxInvalid), true, 0, ""},
		{"HEAP_MOVED", ins(w.committed, HeapMovedOff), false, 0, pgerr.DataCorrupted},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			h := r.h
			vis, hints, err := w.e.m.CheckMVCC(&h, w.snap)
			if r.err != "" {
				if pgerr.CodeOf(err) != r.err {
					t.Fatalf("err %v, want %s", err, r.err)
				}
				if v, hh := w.e.m.SatisfiesMVCC(&h, w.snap); v || hh != 0 {
					t.Fatalf("SatisfiesMVCC on error = %v %#x", v, hh)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if vis != r.visible || hints != r.hints {
				t.Fatalf("visible %v hints %#04x, want %v %#04x", vis, hints, r.visible, r.hints)
			}
			// Setting the hints must not change the answer.
			h.Infomask |= hints
			if vis2, _, err := w.e.m.CheckMVCC(&h, w.snap); err != nil || vis2 != vis {
				t.Fatalf("with hints set: visible %v err %v", vis2, err)
			}
			if v, hh := w.e.m.SatisfiesMVCC(&r.h, w.snap); v != vis || hh != hints {
				t.Fatalf("SatisfiesMVCC = %v %#x", v, hh)
			}
		})
	}
}

// TestSatisfiesUpdate checks each rule of HeapTupleSatisfiesUpdate, for
// the world's own transaction at command curCID.
func TestSatisfiesUpdate(t *testing.T) {
	w := newWorld(t)
	self := base.ItemPointer{Block: 1, Offset: 2}
	other := base.ItemPointer{Block: 3, Offset: 4}
	type row struct {
		name  string
		h     TupleHeader
		want  TMResult
		hints uint16
		err   pgerr.Code
	}
	tup := func(xmin, xmax base.XID, cmin, cmax base.CommandID, mask uint16, ctid base.ItemPointer) TupleHeader {
		return TupleHeader{Xmin: xmin, Xmax: xmax, Cmin: cmin, Cmax: cmax, Infomask: mask, Ctid: ctid, Self: self}
	}
	C := HeapXminCommitted
	rows := []row{
		{"xmin hinted invalid", tup(w.committed, 0, 0, 0, HeapXminInvalid, self), TMInvisible, 0, ""},
		{"xmin aborted", tup(w.aborted, 0, 0, 0, HeapXmaxInvalid, self), TMInvisible, HeapXminInvalid, ""},
		{"xmin crashed", tup(w.crashed, 0, 0, 0, HeapXmaxInvalid, self), TMInvisible, HeapXminInvalid, ""},
		{"xmin running", tup(w.running, 0, 0, 0, HeapXmaxInvalid, self), TMInvisible, 0, ""},
		{"xmin committed", tup(w.committed, 0, 0, 0, HeapXmaxInvalid, self), TMOk, HeapXminCommitted, ""},
		{"xmin committed since our snapshot: now is what counts", tup(w.commitLate, 0, 0, 0, HeapXmaxInvalid, self), TMOk, 0, ""},
		{"xmin async commit not flushed", tup(w.async, 0, 0, 0, HeapXmaxInvalid, self), TMOk, 0, ""},

		{"own insert, this command", tup(w.self, 0, curCID, 0, HeapXmaxInvalid, self), TMInvisible, 0, ""},
		{"own insert, earlier command", tup(w.self, 0, 1, 0, HeapXmaxInvalid, self), TMOk, 0, ""},
		{"own insert, locked by running other", tup(w.self, w.running, 1, 0, HeapXmaxLockOnly, self), TMBeingModified, 0, ""},
		{"own insert, locker gone", tup(w.self, w.aborted, 1, 0, HeapXmaxLockOnly, self), TMOk, 0, ""},
		{"own insert, own update this command", tup(w.self, w.self, 1, curCID, 0, other), TMSelfModified, 0, ""},
		{"own insert, own update earlier", tup(w.self, w.self, 1, 2, 0, other), TMInvisible, 0, ""},
		{"own insert, other deleter: aborted subxact", tup(w.self, w.aborted, 1, 0, 0, self), TMOk, HeapXmaxInvalid, ""},

		{"xmax hinted invalid", tup(w.committed, w.deleter, 0, 0, C|HeapXmaxInvalid, self), TMOk, 0, ""},
		{"xmax hinted committed, lock only", tup(w.committed, w.deleter, 0, 0, C|HeapXmaxCommitted|HeapXmaxLockOnly, self), TMOk, 0, ""},
		{"xmax hinted committed, updated", tup(w.committed, w.deleter, 0, 0, C|HeapXmaxCommitted, other), TMUpdated, 0, ""},
		{"xmax hinted committed, deleted", tup(w.committed, w.deleter, 0, 0, C|HeapXmaxCommitted, self), TMDeleted, 0, ""},
		{"xmax own lock", tup(w.committed, w.self, 0, 1, C|HeapXmaxLockOnly, self), TMBeingModified, 0, ""},
		{"xmax own, this command", tup(w.committed, w.self, 0, curCID, C, other), TMSelfModified, 0, ""},
		{"xmax own, later command", tup(w.committed, w.self, 0, curCID+1, C, other), TMSelfModified, 0, ""},
		{"xmax own, earlier command", tup(w.committed, w.self, 0, 1, C, other), TMInvisible, 0, ""},
		{"xmax running", tup(w.committed, w.running, 0, 0, C, other), TMBeingModified, 0, ""},
		{"xmax running lock", tup(w.committed, w.running, 0, 0, C|HeapXmaxLockOnly, self), TMBeingModified, 0, ""},
		{"xmax aborted", tup(w.committed, w.aborted, 0, 0, C, other), TMOk, HeapXmaxInvalid, ""},
		{"xmax crashed", tup(w.committed, w.crashed, 0, 0, C, other), TMOk, HeapXmaxInvalid, ""},
		{"xmax committed locker gone", tup(w.committed, w.deleter, 0, 0, C|HeapXmaxLockOnly, self), TMOk, HeapXmaxInvalid, ""},
		{"xmax committed, updated", tup(w.committed, w.deleter, 0, 0, C, other), TMUpdated, HeapXmaxCommitted, ""},
		{"xmax committed, deleted", tup(w.committed, w.deleter, 0, 0, C, self), TMDeleted, HeapXmaxCommitted, ""},
		{"xmax committed since our snapshot", tup(w.committed, w.commitLate, 0, 0, C, self), TMDeleted, 0, ""},
		{"xmax async commit not flushed: no hint", tup(w.committed, w.async, 0, 0, C, other), TMUpdated, 0, ""},
		{"both unhinted", tup(w.committed, w.deleter, 0, 0, 0, self), TMDeleted, HeapXminCommitted | HeapXmaxCommitted, ""},
		{"multixact", tup(w.committed, w.deleter, 0, 0, C|HeapXmaxIsMulti, self), TMInvisible, 0, pgerr.DataCorrupted},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			h := r.h
			got, hints, err := w.own.CheckUpdate(&h, curCID)
			if r.err != "" {
				if pgerr.CodeOf(err) != r.err {
					t.Fatalf("err %v, want %s", err, r.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != r.want || hints != r.hints {
				t.Fatalf("got %v hints %#04x, want %v %#04x", got, hints, r.want, r.hints)
			}
			if g, hh := w.own.SatisfiesUpdate(&h, curCID); g != got || hh != hints {
				t.Fatalf("SatisfiesUpdate = %v %#x", g, hh)
			}
		})
	}
}

// TestHintAfterAsyncFlush: once the WAL writer flushes an asynchronous
// commit record, its committed hint may be set (X3).
func TestHintAfterAsyncFlush(t *testing.T) {
	w := newWorld(t)
	h := TupleHeader{Xmin: w.async, Infomask: HeapXmaxInvalid}
	if _, hints := w.e.m.SatisfiesMVCC(&h, w.snap); hints != 0 {
		t.Fatalf("hint before flush: %#x", hints)
	}
	w.e.log.flushAll()
	if vis, hints := w.e.m.SatisfiesMVCC(&h, w.snap); !vis || hints != HeapXminCommitted {
		t.Fatalf("after flush: %v %#x", vis, hints)
	}
}

// TestCommandIDs: within one transaction, a command does not see its own
// insertions; the next command does (Halloween protection).
func TestCommandIDs(t *testing.T) {
	e := newEnv(t, base.MakeFullXID(0, 100))
	x := e.m.Begin(DefaultXactOptions())
	snap0 := x.Snapshot() // taken before the xid exists
	id, err := x.AssignXID()
	must(t, err)
	h := TupleHeader{Xmin: id, Cmin: x.CID(), Infomask: HeapXmaxInvalid}
	if vis, _ := e.m.SatisfiesMVCC(&h, snap0); vis {
		t.Fatal("command sees its own insertion")
	}
	if vis, _ := e.m.SatisfiesMVCC(&h, e.m.GetSnapshot(x)); vis {
		t.Fatal("fresh snapshot of the same command sees the insertion")
	}
	must(t, x.CommandCounterIncrement())
	if vis, _ := e.m.SatisfiesMVCC(&h, x.Snapshot()); !vis {
		t.Fatal("next command does not see the insertion")
	}
	// An old snapshot object still recognizes the xid assigned after it.
	snap0.CurCID = x.CID()
	if vis, _ := e.m.SatisfiesMVCC(&h, snap0); !vis {
		t.Fatal("snapshot taken before the xid does not know it as its own")
	}
	// Other transactions do not see it until commit.
	y := e.m.Begin(DefaultXactOptions())
	if vis, _ := e.m.SatisfiesMVCC(&h, e.m.GetSnapshot(y)); vis {
		t.Fatal("uncommitted insertion visible to another transaction")
	}
	must(t, x.Commit())
	if vis, _ := e.m.SatisfiesMVCC(&h, e.m.GetSnapshot(y)); !vis {
		t.Fatal("committed insertion invisible to a new snapshot")
	}
	if vis, _ := e.m.SatisfiesMVCC(&h, y.Snapshot()); !vis {
		t.Fatal("transaction snapshot taken after commit does not see it")
	}
}

// TestRepeatableReadSnapshot: Xact.Snapshot keeps the first snapshot;
// GetSnapshot takes a fresh one (READ COMMITTED).
func TestRepeatableReadSnapshot(t *testing.T) {
	e := newEnv(t, base.MakeFullXID(0, 100))
	reader := e.m.Begin(DefaultXactOptions())
	first := reader.Snapshot()
	w := e.begin(t, DefaultXactOptions())
	h := TupleHeader{Xmin: w.XID(), Infomask: HeapXmaxInvalid}
	must(t, w.Commit())
	if vis, _ := e.m.SatisfiesMVCC(&h, reader.Snapshot()); vis {
		t.Fatal("transaction snapshot sees a later commit")
	}
	if vis, _ := e.m.SatisfiesMVCC(&h, first); vis {
		t.Fatal("first snapshot sees a later commit")
	}
	if vis, _ := e.m.SatisfiesMVCC(&h, e.m.GetSnapshot(reader)); !vis {
		t.Fatal("statement snapshot does not see the commit")
	}
}
