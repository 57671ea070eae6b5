package mvcc

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"runtime"
	"sync"
	"testing"

	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

func TestLazyXIDAndReadOnly(t *testing.T) { // X6
	e := newEnv(t, base.MakeFullXID(0, 100))
	x := e.m.Begin(DefaultXactOptions())
	if x.XID().IsValid() {
		t.Fatal("xid assigned at Begin")
	}
	_ = x.Snapshot()
	must(t, x.Commit())
	if n := len(e.log.records()); n != 0 {
		t.Fatalf("transaction without xid wrote %d records", n)
	}
	ro := e.m.Begin(XactOptions{SynchronousCommit: true, ReadOnly: true})
	if _, err := ro.AssignXID(); pgerr.CodeOf(err) != pgerr.ReadOnlySqlTransaction {
		t.Fatalf("read-only AssignXID: %v", err)
	}
	must(t, ro.Commit())
	if err := ro.Commit(); pgerr.CodeOf(err) != pgerr.InvalidTransactionState {
		t.Fatalf("second Commit: %v", err)
	}
	if err := ro.Abort(); pgerr.CodeOf(err) != pgerr.InvalidTransactionState {
		t.Fatalf("Abort after Commit: %v", err)
	}
	// Xids are handed out in order, skipping none.
	a, b := e.begin(t, XactOptions{}), e.begin(t, XactOptions{})
	if a.XID() != 100 || b.XID() != 101 {
		t.Fatalf("xids %d %d", a.XID(), b.XID())
	}
	if id, _ := a.AssignXID(); id != 100 {
		t.Fatal("AssignXID is not idempotent")
	}
	if got := e.m.NextFullXID(); got != base.MakeFullXID(0, 102) {
		t.Fatalf("next %d", got)
	}
}

func TestCommitRecords(t *testing.T) { // X2
	cases := []struct {
		name    string
		opts    XactOptions
		commit  bool
		flushed bool
		status  clog.Status
	}{
		{"synchronous commit", XactOptions{SynchronousCommit: true}, true, true, clog.StatusCommitted},
		{"asynchronous commit", XactOptions{}, true, false, clog.StatusCommitted},
		{"abort", XactOptions{SynchronousCommit: true}, false, false, clog.StatusAborted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, base.MakeFullXID(0, 100))
			x := e.begin(t, tc.opts)
			before := len(e.log.records())
			if tc.commit {
				must(t, x.Commit())
			} else {
				must(t, x.Abort())
				must(t, x.Abort()) // idempotent
			}
			recs := e.log.records()[before:]
			if len(recs) != 1 {
				t.Fatalf("%d records", len(recs))
			}
			rec := recs[0]
			r, err := DecodeXactRecord(rec.Info, rec.Data)
			if err != nil || rec.Rmgr != wal.RmgrXact || rec.XID != x.XID() || r.Commit != tc.commit || !r.Time.Equal(testNow) {
				t.Fatalf("record %+v decoded %+v %v", rec, r, err)
			}
			if flushed := e.log.FlushedLSN() >= rec.EndLSN; flushed != tc.flushed {
				t.Fatalf("record flushed = %v", flushed)
			}
			st, lsn, err := e.c.GetLSN(x.XID())
			must(t, err)
			if st != tc.status {
				t.Fatalf("clog %v", st)
			}
			// Asynchronous commit: the clog group LSN holds the commit
			// record, so the page cannot reach disk before it (clog C2).
			if tc.commit && !tc.flushed && lsn != rec.EndLSN {
				t.Fatalf("group LSN %d, want %d", lsn, rec.EndLSN)
			}
			if e.m.IsRunning(x.XID()) {
				t.Fatal("still running")
			}
		})
	}
}

// TestSyncCommitInvisibleUntilFlushed: while the commit record's flush is
// in progress, the transaction is still running for everyone (X1, X2).
func TestSyncCommitInvisibleUntilFlushed(t *testing.T) {
	e := newEnv(t, base.MakeFullXID(0, 100))
	x := e.begin(t, DefaultXactOptions())
	inFlush := make(chan struct{})
	release := make(chan struct{})
	e.log.mu.Lock()
	e.log.onFlush = func(wal.LSN) {
		close(inFlush)
		<-release
	}
	e.log.mu.Unlock()
	done := make(chan error)
	go func() { done <- x.Commit() }()
	<-inFlush
	if !e.m.IsRunning(x.XID()) {
		t.Fatal("xid left the running set before its commit record was flushed")
	}
	if s := e.m.GetSnapshot(nil); !s.XIDRunning(x.XID()) {
		t.Fatal("snapshot sees an unflushed synchronous commit")
	}
	if st, _ := e.m.Status(x.XID()); st != clog.StatusInProgress {
		t.Fatalf("clog says %v before the flush", st)
	}
	close(release)
	must(t, <-done)
	if e.m.IsRunning(x.XID()) || e.m.GetSnapshot(nil).XIDRunning(x.XID()) {
		t.Fatal("still running after Commit returned")
	}
}

// waitForWaiters spins until n goroutines block in Wait (no sleeps).
func waitForWaiters(m *Manager, n int) {
	for {
		m.mu.Lock()
		w := m.waiters
		m.mu.Unlock()
		if w >= n {
			return
		}
		runtime.Gosched()
	}
}

func TestWait(t *testing.T) {
	cases := []struct {
		name string
		end  func(e *env, x *Xact, cancel context.CancelFunc) error
		code pgerr.Code
	}{
		{"commit wakes", func(e *env, x *Xact, _ context.CancelFunc) error { return x.Commit() }, ""},
		{"abort wakes", func(e *env, x *Xact, _ context.CancelFunc) error { return x.Abort() }, ""},
		{"cancel", func(e *env, x *Xact, cancel context.CancelFunc) error { cancel(); return nil }, pgerr.QueryCanceled},
		{"manager failure", func(e *env, x *Xact, _ context.CancelFunc) error {
			e.log.mu.Lock()
			e.log.flushErr = errors.New("fsync: EIO")
			e.log.mu.Unlock()
			if err := x.Commit(); err == nil {
				return errors.New("commit succeeded")
			}
			return nil
		}, pgerr.InternalError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, base.MakeFullXID(0, 100))
			x := e.begin(t, DefaultXactOptions())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			const n = 3
			errs := make(chan error, n)
			for i := 0; i < n; i++ {
				go func() { errs <- e.m.Wait(ctx, x.XID()) }()
			}
			waitForWaiters(e.m, n)
			must(t, tc.end(e, x, cancel))
			for i := 0; i < n; i++ {
				err := <-errs
				if pgerr.CodeOf(err) != tc.code {
					t.Fatalf("Wait: %v, want code %q", err, tc.code)
				}
				if tc.code == pgerr.QueryCanceled && !errors.Is(err, context.Canceled) {
					t.Fatalf("Wait: %v does not wrap context.Canceled", err)
				}
			}
		})
	}
	t.Run("not running returns at once", func(t *testing.T) {
		e := newEnv(t, base.MakeFullXID(0, 100))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		must(t, e.m.Wait(ctx, 42))
	})
}

// TestCommitFlushFailure: when the commit record cannot be flushed, the
// outcome is unknown: the manager fails and the xid stays running (X7).
func TestCommitFlushFailure(t *testing.T) {
	e := newEnv(t, base.MakeFullXID(0, 100))
	other := e.begin(t, DefaultXactOptions())
	x := e.begin(t, DefaultXactOptions())
	boom := errors.New("fsync: EIO")
	e.log.flushErr = boom
	err := x.Commit()
	if !errors.Is(err, boom) {
		t.Fatalf("Commit: %v", err)
	}
	if !e.m.IsRunning(x.XID()) {
		t.Fatal("xid of an unknown outcome left the running set")
	}
	must(t, x.Abort()) // no-op: the outcome is for recovery to decide
	if st, _ := e.m.Status(x.XID()); st != clog.StatusInProgress {
		t.Fatalf("clog %v", st)
	}
	if _, err := e.m.Begin(DefaultXactOptions()).AssignXID(); !errors.Is(err, boom) {
		t.Fatalf("AssignXID after failure: %v", err)
	}
	// A transaction that had not written its commit record aborts.
	if err := other.Commit(); !errors.Is(err, boom) {
		t.Fatalf("Commit after failure: %v", err)
	}
	if e.m.IsRunning(other.XID()) {
		t.Fatal("other still running")
	}
	if e.m.Failed() == nil {
		t.Fatal("Failed() is nil")
	}
}

func TestOldestRunningXmin(t *testing.T) {
	e := newEnv(t, base.MakeFullXID(0, 100))
	if got := e.m.OldestRunningXmin(); got != 100 {
		t.Fatalf("idle: %d", got)
	}
	a := e.begin(t, DefaultXactOptions()) // 100
	reader := e.m.Begin(DefaultXactOptions())
	_ = reader.Snapshot()                 // xmin 100
	b := e.begin(t, DefaultXactOptions()) // 101
	must(t, a.Commit())
	if got := e.m.OldestRunningXmin(); got != 100 {
		t.Fatalf("reader's snapshot holds 100: got %d", got)
	}
	must(t, reader.Commit())
	if got := e.m.OldestRunningXmin(); got != 101 {
		t.Fatalf("got %d, want 101", got)
	}
	must(t, b.Abort())
	if got := e.m.OldestRunningXmin(); got != 102 {
		t.Fatalf("got %d, want 102", got)
	}
}

// TestWraparound starts the manager just below 2^32 and checks that xids
// wrap to FirstNormalXID with the next epoch, and that snapshots and
// visibility work across the wrap (X4).
func TestWraparound(t *testing.T) {
	fs := vfs.NewMem()
	e := newEnvFS(t, fs, base.MakeFullXID(7, base.MaxXID-3))
	var xs []*Xact
	var ids []base.XID
	for i := 0; i < 7; i++ {
		x := e.begin(t, XactOptions{SynchronousCommit: true})
		xs = append(xs, x)
		ids = append(ids, x.XID())
	}
	want := []base.XID{base.MaxXID - 3, base.MaxXID - 2, base.MaxXID - 1, base.MaxXID, 3, 4, 5}
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Fatalf("xids %v, want %v", ids, want)
	}
	if got := e.m.NextFullXID(); got != base.MakeFullXID(8, 6) {
		t.Fatalf("next %#x, want epoch 8 xid 6", uint64(got))
	}
	// Commit MaxXID-3 and 4, abort MaxXID; keep MaxXID-1 and 3 running.
	must(t, xs[0].Commit())
	must(t, xs[5].Commit())
	must(t, xs[3].Abort())
	must(t, xs[1].Commit())
	must(t, xs[6].Commit())
	s := e.m.GetSnapshot(nil)
	if s.Xmin != base.MaxXID-1 || s.Xmax != 6 {
		t.Fatalf("snapshot xmin %d xmax %d", s.Xmin, s.Xmax)
	}
	if fmt.Sprint(s.Xip) != fmt.Sprint([]base.XID{base.MaxXID - 1, 3}) {
		t.Fatalf("xip %v not in xid order across the wrap", s.Xip)
	}
	cases := []struct {
		xmin    base.XID
		visible bool
	}{
		{base.MaxXID - 3, true},  // committed before the wrap
		{base.MaxXID - 2, true},  // committed before the wrap
		{base.MaxXID - 1, false}, // running
		{base.MaxXID, false},     // aborted
		{3, false},               // running, after the wrap
		{4, true},                // committed after the wrap
		{5, true},
		{6, false},              // not yet assigned
		{base.MaxXID - 9, true}, // long ago, before the snapshot's xmin: clog decides
	}
	// MaxXID-9 was never assigned here: make it a committed xid.
	must(t, e.c.Set(base.MaxXID-9, clog.StatusCommitted, 0))
	for _, tc := range cases {
		h := TupleHeader{Xmin: tc.xmin, Infomask: HeapXmaxInvalid}
		vis, _, err := e.m.CheckMVCC(&h, s)
		if err != nil || vis != tc.visible {
			t.Errorf("xmin %d: visible %v err %v, want %v", tc.xmin, vis, err, tc.visible)
		}
	}
	// Deleted before the wrap by an xid after it.
	h := TupleHeader{Xmin: base.MaxXID - 3, Xmax: 4}
	if vis, hints := e.m.SatisfiesMVCC(&h, s); vis || hints != HeapXminCommitted|HeapXmaxCommitted {
		t.Fatalf("deleted across the wrap: %v %#x", vis, hints)
	}
	if got := e.m.OldestRunningXmin(); got != base.MaxXID-1 {
		t.Fatalf("oldest %d", got)
	}
	// Both ends of the xid space are in their own segments.
	must(t, e.c.Checkpoint())
	names, err := fs.ReadDir("/db/pg_xact")
	must(t, err)
	if fmt.Sprint(names) != "[0000 0FFF]" {
		t.Fatalf("segments %v", names)
	}
	must(t, xs[2].Commit())
	must(t, xs[4].Commit())
}

func TestNewManagerSkipsSpecialXIDs(t *testing.T) {
	for _, next := range []base.FullXID{0, 1, 2, 3} {
		e := newEnv(t, next)
		if got := e.begin(t, XactOptions{}).XID(); got != base.FirstNormalXID {
			t.Fatalf("next %d: first xid %d", next, got)
		}
	}
}

func TestAdvancePast(t *testing.T) {
	cases := []struct {
		next base.FullXID
		xid  base.XID
		want base.FullXID
	}{
		{base.MakeFullXID(0, 100), 150, base.MakeFullXID(0, 151)},
		{base.MakeFullXID(0, 100), 50, base.MakeFullXID(0, 100)},
		{base.MakeFullXID(0, 100), 100, base.MakeFullXID(0, 101)},
		{base.MakeFullXID(2, base.MaxXID-1), 5, base.MakeFullXID(3, 6)},
		{base.MakeFullXID(2, base.MaxXID-1), base.MaxXID, base.MakeFullXID(3, base.FirstNormalXID)},
		{base.MakeFullXID(2, 10), base.MaxXID - 5, base.MakeFullXID(2, 10)}, // long ago
		{base.MakeFullXID(2, 10), base.FrozenXID, base.MakeFullXID(2, 10)},
	}
	for _, tc := range cases {
		m := NewManager(nil, nil, tc.next)
		m.AdvancePast(tc.xid)
		if got := m.NextFullXID(); got != tc.want {
			t.Errorf("next %#x AdvancePast(%d) = %#x, want %#x", uint64(tc.next), tc.xid, uint64(got), uint64(tc.want))
		}
	}
}

// TestRedoAfterCrash runs transactions, loses everything not checkpointed
// in a power cut, and replays the WAL: committed and aborted transactions
// get their status back, the one in progress stays in progress (so counts
// as aborted), and the next xid moves past all of them (X10).
func TestRedoAfterCrash(t *testing.T) {
	fs := vfs.NewCrash(1)
	e := newEnvFS(t, fs, base.MakeFullXID(0, clog.XactsPerPage-2))
	var committed, aborted []base.XID
	var inProgress base.XID
	for i := 0; i < 6; i++ { // crosses a clog page boundary
		x := e.begin(t, XactOptions{SynchronousCommit: i%2 == 0})
		switch i % 3 {
		case 0, 1:
			must(t, x.Commit())
			committed = append(committed, x.XID())
		case 2:
			must(t, x.Abort())
			aborted = append(aborted, x.XID())
		}
	}
	inProgress = e.begin(t, DefaultXactOptions()).XID()
	recs := e.log.records()

	crashed := fs.Crash(vfs.CrashOptions{DropAll: true})
	log2 := newFakeLog()
	c2, err := clog.Open(crashed, "/db/pg_xact", log2)
	must(t, err)
	defer c2.Close()
	m2 := NewManager(c2, log2, base.MakeFullXID(0, clog.XactsPerPage-2))
	rmgrs := map[wal.RmgrID]wal.Rmgr{}
	for _, r := range []wal.Rmgr{c2.Rmgr(), m2.Rmgr()} {
		rmgrs[r.ID] = r
	}
	for _, rec := range recs {
		must(t, rmgrs[rec.Rmgr].Redo(rec))
	}
	for _, id := range committed {
		if st, err := m2.Status(id); err != nil || st != clog.StatusCommitted {
			t.Errorf("xid %d: %v %v, want committed", id, st, err)
		}
	}
	for _, id := range aborted {
		if st, err := m2.Status(id); err != nil || st != clog.StatusAborted {
			t.Errorf("xid %d: %v %v, want aborted", id, st, err)
		}
	}
	if st, err := m2.Status(inProgress); err != nil || st != clog.StatusInProgress {
		t.Errorf("xid %d: %v %v, want in progress", inProgress, st, err)
	}
	// Redo advanced next past the last xid with a record; the crashed xid
	// wrote none, so it may be handed out again: Trim clears its status.
	if got := m2.NextFullXID().XID(); got != inProgress {
		t.Fatalf("next after redo %d, want %d", got, inProgress)
	}
	y := m2.Begin(DefaultXactOptions())
	id, err := y.AssignXID()
	must(t, err)
	if id != inProgress {
		t.Fatalf("xid %d", id)
	}
	must(t, y.Commit())
	h := TupleHeader{Xmin: committed[0], Infomask: HeapXmaxInvalid}
	if vis, _ := m2.SatisfiesMVCC(&h, m2.GetSnapshot(nil)); !vis {
		t.Fatal("committed row invisible after recovery")
	}
	// Replaying the same records again is harmless (redo is idempotent).
	for _, rec := range recs {
		must(t, rmgrs[rec.Rmgr].Redo(rec))
	}
}

// TestCheckpointPersistsStatuses: statuses checkpointed before a crash
// survive it without any WAL.
func TestCheckpointPersistsStatuses(t *testing.T) {
	fs := vfs.NewCrash(2)
	e := newEnvFS(t, fs, base.MakeFullXID(0, 100))
	a := e.begin(t, XactOptions{}) // asynchronous
	must(t, a.Commit())
	b := e.begin(t, DefaultXactOptions())
	must(t, b.Abort())
	must(t, e.c.Checkpoint())
	if e.log.FlushedLSN() < e.log.records()[len(e.log.records())-1].LSN {
		t.Fatal("checkpoint did not flush the asynchronous commit record first")
	}
	c2, err := clog.Open(fs.Crash(vfs.CrashOptions{DropAll: true}), "/db/pg_xact", newFakeLog())
	must(t, err)
	defer c2.Close()
	for id, want := range map[base.XID]clog.Status{a.XID(): clog.StatusCommitted, b.XID(): clog.StatusAborted} {
		if st, err := c2.Get(id); err != nil || st != want {
			t.Errorf("xid %d: %v %v, want %v", id, st, err, want)
		}
	}
}

// TestConcurrentTransactions runs transactions from several goroutines
// while others take snapshots and check them against what is known to have
// finished (run with -race).
func TestConcurrentTransactions(t *testing.T) {
	seed := rand.Int63()
	t.Logf("seed %d", seed)
	e := newEnv(t, base.MakeFullXID(0, clog.XactsPerPage-50))
	var finished sync.Map // xid -> clog.Status, stored after Commit/Abort returned
	const workers, perWorker = 4, 300
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed + int64(g)))
			for i := 0; i < perWorker; i++ {
				x := e.m.Begin(XactOptions{SynchronousCommit: rng.Intn(2) == 0})
				if rng.Intn(4) == 0 { // read-only
					_ = x.Snapshot()
					if err := x.Commit(); err != nil {
						t.Error(err)
					}
					continue
				}
				id, err := x.AssignXID()
				if err != nil {
					t.Error(err)
					return
				}
				if rng.Intn(3) == 0 {
					if err := x.Abort(); err != nil {
						t.Error(err)
					}
					finished.Store(id, clog.StatusAborted)
				} else {
					if err := x.Commit(); err != nil {
						t.Error(err)
					}
					finished.Store(id, clog.StatusCommitted)
				}
			}
		}(g)
	}
	var checkers sync.WaitGroup
	for c := 0; c < 2; c++ {
		checkers.Add(1)
		go func() {
			defer checkers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				known := map[base.XID]clog.Status{}
				finished.Range(func(k, v any) bool {
					known[k.(base.XID)] = v.(clog.Status)
					return true
				})
				s := e.m.GetSnapshot(nil)
				for i := 1; i < len(s.Xip); i++ {
					if !s.Xip[i-1].Precedes(s.Xip[i]) {
						t.Errorf("xip not sorted: %v", s.Xip)
						return
					}
				}
				for _, id := range s.Xip {
					if id.Precedes(s.Xmin) || !id.Precedes(s.Xmax) {
						t.Errorf("xip %d outside [%d, %d)", id, s.Xmin, s.Xmax)
						return
					}
				}
				for id, want := range known {
					if s.XIDRunning(id) {
						t.Errorf("xid %d finished before the snapshot but is running in it", id)
						return
					}
					h := TupleHeader{Xmin: id, Infomask: HeapXmaxInvalid}
					vis, _, err := e.m.CheckMVCC(&h, s)
					if err != nil || vis != (want == clog.StatusCommitted) {
						t.Errorf("xid %d (%v): visible %v err %v", id, want, vis, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	checkers.Wait()
	if n := len(e.m.GetSnapshot(nil).Xip); n != 0 {
		t.Fatalf("%d xids still running", n)
	}
	if got := e.m.OldestRunningXmin(); got != e.m.NextFullXID().XID() {
		t.Fatalf("oldest %d next %d", got, e.m.NextFullXID().XID())
	}
}

func FuzzDecodeXactRecord(f *testing.F) {
	f.Add(InfoCommit, EncodeXactTime(testNow))
	f.Add(InfoAbort, EncodeXactTime(testNow))
	f.Add(uint8(0x70), []byte{1, 2, 3})
	f.Add(InfoCommit, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, info uint8, data []byte) {
		r, err := DecodeXactRecord(info, data)
		if err != nil {
			if pgerr.CodeOf(err) != pgerr.DataCorrupted {
				t.Fatalf("code %s", pgerr.CodeOf(err))
			}
			return
		}
		if r.Commit != (info&infoOpMask == InfoCommit) {
			t.Fatal("wrong kind")
		}
	})
}

func BenchmarkBeginAssignCommit(b *testing.B) {
	e := newEnv(b, base.MakeFullXID(0, 100))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := e.m.Begin(XactOptions{})
		if _, err := x.AssignXID(); err != nil {
			b.Fatal(err)
		}
		if err := x.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSatisfiesMVCCHinted(b *testing.B) {
	e := newEnv(b, base.MakeFullXID(0, 100))
	s := e.m.GetSnapshot(nil)
	h := TupleHeader{Xmin: 50, Infomask: HeapXminCommitted | HeapXmaxInvalid}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.m.SatisfiesMVCC(&h, s)
	}
}
