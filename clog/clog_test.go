package clog_test

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"sync"
	"testing"

	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

// fakeLog is an in-memory stand-in for *wal.Log.
type fakeLog struct {
	mu       sync.Mutex
	recs     []*wal.Record
	insert   wal.LSN
	flushed  wal.LSN
	flushes  int
	flushErr error
}

func newFakeLog() *fakeLog { return &fakeLog{insert: 100} }

func (l *fakeLog) Insert(rec *wal.Record) (wal.LSN, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rec.LSN = l.insert
	l.insert += wal.LSN(24 + len(rec.Data))
	rec.EndLSN = l.insert
	l.recs = append(l.recs, rec)
	return rec.EndLSN, nil
}

func (l *fakeLog) Flush(upTo wal.LSN) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.flushErr != nil {
		return l.flushErr
	}
	l.flushes++
	if upTo > l.flushed {
		l.flushed = upTo
	}
	return nil
}

func (l *fakeLog) FlushedLSN() wal.LSN {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.flushed
}

func (l *fakeLog) records() []*wal.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*wal.Record(nil), l.recs...)
}

const dir = "/data/pg_xact"

func open(t *testing.T, fs vfs.FS, log clog.Log, buffers int) *clog.CLOG {
	t.Helper()
	c, err := clog.OpenOptions(clog.Options{FS: fs, Dir: dir, Log: log, Buffers: buffers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// extend calls ExtendTo for every xid in [from, to], as the manager would.
func extend(t *testing.T, c *clog.CLOG, from, to base.XID) {
	t.Helper()
	for x := from; ; x++ {
		if err := c.ExtendTo(x); err != nil {
			t.Fatalf("ExtendTo(%d): %v", x, err)
		}
		if x == to {
			return
		}
	}
}

func mustGet(t *testing.T, c *clog.CLOG, x base.XID) clog.Status {
	t.Helper()
	s, err := c.Get(x)
	if err != nil {
		t.Fatalf("Get(%d): %v", x, err)
	}
	return s
}

func mustSet(t *testing.T, c *clog.CLOG, x base.XID, s clog.Status, lsn wal.LSN) {
	t.Helper()
	if err := c.Set(x, s, lsn); err != nil {
		t.Fatalf("Set(%d, %v): %v", x, s, err)
	}
}

func TestStatusBitsDoNotDisturbNeighbours(t *testing.T) {
	c := open(t, vfs.NewMem(), newFakeLog(), 0)
	extend(t, c, 3, 20)
	// 4..7 share one byte; give each a different status.
	want := map[base.XID]clog.Status{
		4: clog.StatusCommitted, 5: clog.StatusAborted, 6: clog.StatusSubCommitted, 7: clog.StatusInProgress,
		8: clog.StatusAborted, 3: clog.StatusCommitted,
	}
	for x, s := range want {
		if s != clog.StatusInProgress {
			mustSet(t, c, x, s, 0)
		}
	}
	mustSet(t, c, 6, clog.StatusCommitted, 0) // sub-committed -> committed is allowed
	want[6] = clog.StatusCommitted
	for x := base.XID(3); x <= 20; x++ {
		if got := mustGet(t, c, x); got != want[x] {
			t.Errorf("Get(%d) = %v, want %v", x, got, want[x])
		}
	}
}

func TestSpecialXIDs(t *testing.T) { // C4
	c := open(t, vfs.NewMem(), newFakeLog(), 0)
	cases := []struct {
		x    base.XID
		want clog.Status
	}{
		{base.InvalidXID, clog.StatusAborted},
		{base.BootstrapXID, clog.StatusCommitted},
		{base.FrozenXID, clog.StatusCommitted},
	}
	for _, tc := range cases {
		if got := mustGet(t, c, tc.x); got != tc.want {
			t.Errorf("Get(%d) = %v, want %v", tc.x, got, tc.want)
		}
		if err := c.Set(tc.x, clog.StatusCommitted, 0); pgerr.CodeOf(err) != pgerr.InternalError {
			t.Errorf("Set(%d): err %v, want InternalError", tc.x, err)
		}
	}
}

func TestFinalStatusNeverChanges(t *testing.T) { // C3
	c := open(t, vfs.NewMem(), newFakeLog(), 0)
	extend(t, c, 3, 5)
	mustSet(t, c, 3, clog.StatusCommitted, 0)
	mustSet(t, c, 3, clog.StatusCommitted, 0) // redo may repeat
	if err := c.Set(3, clog.StatusAborted, 0); err == nil {
		t.Fatal("committed -> aborted accepted")
	}
	mustSet(t, c, 4, clog.StatusAborted, 0)
	if err := c.Set(4, clog.StatusCommitted, 0); err == nil {
		t.Fatal("aborted -> committed accepted")
	}
	if err := c.Set(5, clog.Status(7), 0); err == nil {
		t.Fatal("bad status accepted")
	}
}

func TestPageBoundaries(t *testing.T) { // C1
	log := newFakeLog()
	fs := vfs.NewMem()
	c := open(t, fs, log, 4)
	cases := []struct {
		x        base.XID
		zeroPage int64 // page zeroed by ExtendTo(x), -1 none
	}{
		{base.FirstNormalXID, 0},
		{4, -1},
		{clog.XactsPerPage - 1, -1},
		{clog.XactsPerPage, 1},
		{clog.XactsPerPage + 1, -1},
		{clog.XactsPerSegment - clog.XactsPerPage, clog.PagesPerSegment - 1},
		{clog.XactsPerSegment - 1, -1},
		{clog.XactsPerSegment, clog.PagesPerSegment},
		{clog.XactsPerSegment + 1, -1},
	}
	for _, tc := range cases {
		before := len(log.records())
		if err := c.ExtendTo(tc.x); err != nil {
			t.Fatal(err)
		}
		recs := log.records()[before:]
		if tc.zeroPage < 0 {
			if len(recs) != 0 {
				t.Errorf("ExtendTo(%d) logged %d records", tc.x, len(recs))
			}
			continue
		}
		if len(recs) != 1 || recs[0].Rmgr != wal.RmgrCLOG || recs[0].Info != clog.InfoZeroPage {
			t.Fatalf("ExtendTo(%d) logged %+v", tc.x, recs)
		}
		p, err := clog.DecodeZeroPage(recs[0].Data)
		if err != nil || int64(p) != tc.zeroPage {
			t.Errorf("ExtendTo(%d) zeroed page %d (%v), want %d", tc.x, p, err, tc.zeroPage)
		}
	}
	// Statuses on both sides of each boundary.
	set := map[base.XID]clog.Status{
		clog.XactsPerPage - 1:    clog.StatusCommitted,
		clog.XactsPerPage:        clog.StatusAborted,
		clog.XactsPerSegment - 1: clog.StatusAborted,
		clog.XactsPerSegment:     clog.StatusCommitted,
	}
	for x, s := range set {
		mustSet(t, c, x, s, 0)
	}
	if err := c.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	for x, s := range set {
		if got := mustGet(t, c, x); got != s {
			t.Errorf("Get(%d) = %v, want %v", x, got, s)
		}
	}
	for _, x := range []base.XID{clog.XactsPerPage - 2, clog.XactsPerPage + 1, clog.XactsPerSegment + 1} {
		if got := mustGet(t, c, x); got != clog.StatusInProgress {
			t.Errorf("Get(%d) = %v, want in progress", x, got)
		}
	}
	// Segment 0 holds pages 0, 1 and 31 (2..30 are holes, never
	// extended); segment 1 holds page 32.
	names, err := fs.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(names) != "[0000 0001]" {
		t.Fatalf("segments %v", names)
	}
	if n, _ := fs.Stat(dir + "/0000"); n != clog.PagesPerSegment*clog.PageSize {
		t.Errorf("0000 has %d bytes", n)
	}
	if n, _ := fs.Stat(dir + "/0001"); n != clog.PageSize {
		t.Errorf("0001 has %d bytes", n)
	}
}

func TestSegmentNames(t *testing.T) {
	cases := []struct {
		x    base.XID
		page uint32
		name string
	}{
		{0, 0, "0000"},
		{clog.XactsPerSegment, 32, "0001"},
		{base.MaxXID, clog.MaxPage, "0FFF"},
	}
	for _, tc := range cases {
		p := clog.PageOf(tc.x)
		if p != tc.page || clog.SegmentName(clog.SegmentOf(p)) != tc.name {
			t.Errorf("xid %d: page %d segment %s, want %d %s", tc.x, p, clog.SegmentName(clog.SegmentOf(p)), tc.page, tc.name)
		}
	}
}

func TestPersistsAcrossCheckpointAndCrash(t *testing.T) { // C5
	fs := vfs.NewCrash(1)
	log := newFakeLog()
	c := open(t, fs, log, 3) // small cache: some pages are evicted before the checkpoint
	rng := rand.New(rand.NewSource(7))
	want := map[base.XID]clog.Status{}
	last := base.XID(5*clog.XactsPerPage + 10)
	extend(t, c, base.FirstNormalXID, last)
	for i := 0; i < 2000; i++ {
		x := base.XID(3 + rng.Intn(int(last)-2))
		if _, ok := want[x]; ok {
			continue
		}
		s := clog.StatusCommitted
		if rng.Intn(3) == 0 {
			s = clog.StatusAborted
		}
		mustSet(t, c, x, s, wal.LSN(1000+i)) // as if asynchronous commits
		want[x] = s
	}
	if err := c.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	if log.FlushedLSN() < wal.LSN(1000+1999) {
		t.Errorf("checkpoint wrote pages without flushing the WAL: flushed %d", log.FlushedLSN())
	}
	// Power cut: only what was synced survives.
	crashed := fs.Crash(vfs.CrashOptions{DropAll: true})
	c2 := open(t, crashed, newFakeLog(), 3)
	for x, s := range want {
		if got := mustGet(t, c2, x); got != s {
			t.Fatalf("after crash Get(%d) = %v, want %v", x, got, s)
		}
	}
	if got := mustGet(t, c2, last); got != clog.StatusInProgress {
		t.Errorf("Get(%d) = %v", last, got)
	}
}

func TestLostPageIsCorruptionUntilRedo(t *testing.T) { // C1, C9
	fs := vfs.NewCrash(2)
	log := newFakeLog()
	c := open(t, fs, log, 0)
	extend(t, c, 3, 10)
	mustSet(t, c, 5, clog.StatusCommitted, 0)
	crashed := fs.Crash(vfs.CrashOptions{DropAll: true}) // nothing checkpointed
	c2 := open(t, crashed, newFakeLog(), 0)
	_, err := c2.Get(5)
	if pgerr.CodeOf(err) != pgerr.DataCorrupted {
		t.Fatalf("Get of a missing page: %v, want DataCorrupted", err)
	}
	// Replaying the zero-page record brings the page back; the commit
	// record (mvcc's redo) would then set xid 5 again.
	rm := c2.Rmgr()
	if rm.ID != wal.RmgrCLOG {
		t.Fatalf("rmgr id %d", rm.ID)
	}
	for _, rec := range log.records() {
		if err := rm.Redo(rec); err != nil {
			t.Fatal(err)
		}
	}
	if got := mustGet(t, c2, 5); got != clog.StatusInProgress {
		t.Fatalf("after redo Get(5) = %v", got)
	}
	mustSet(t, c2, 5, clog.StatusCommitted, 0)
}

func TestRedoZeroPage(t *testing.T) {
	c := open(t, vfs.NewMem(), newFakeLog(), 0)
	extend(t, c, 3, 3)
	mustSet(t, c, 3, clog.StatusCommitted, 0)
	redo := c.Rmgr().Redo
	if err := redo(&wal.Record{Rmgr: wal.RmgrCLOG, Info: clog.InfoZeroPage, Data: clog.EncodeZeroPage(0)}); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, c, 3); got != clog.StatusInProgress {
		t.Fatalf("zero-page redo left %v", got)
	}
	bad := []*wal.Record{
		{Rmgr: wal.RmgrCLOG, Info: clog.InfoZeroPage, Data: []byte{1, 2, 3}},
		{Rmgr: wal.RmgrCLOG, Info: clog.InfoZeroPage, Data: clog.EncodeZeroPage(clog.MaxPage + 1)},
		{Rmgr: wal.RmgrCLOG, Info: clog.InfoTruncate, Data: clog.EncodeZeroPage(0)},
	}
	for i, rec := range bad {
		if err := redo(rec); pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Errorf("bad record %d: %v, want DataCorrupted", i, err)
		}
	}
}

// writeCheckFS fails the test if a CLOG page is written before the WAL is
// flushed past the LSNs the test registered for that page (C2).
type writeCheckFS struct {
	vfs.FS
	t    *testing.T
	log  *fakeLog
	mu   sync.Mutex
	need map[int64]wal.LSN // file offset in segment 0000 -> LSN
	seen int
}

type writeCheckFile struct {
	vfs.File
	fs *writeCheckFS
}

func (fs *writeCheckFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	f, err := fs.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &writeCheckFile{File: f, fs: fs}, nil
}

func (f *writeCheckFile) WriteAt(p []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	need := f.fs.need[off]
	f.fs.seen++
	f.fs.mu.Unlock()
	if got := f.fs.log.FlushedLSN(); got < need {
		f.fs.t.Errorf("page at offset %d written with WAL flushed to %d < group LSN %d", off, got, need)
	}
	return f.File.WriteAt(p, off)
}

func TestEvictionFlushesWALFirst(t *testing.T) { // C2, C8
	log := newFakeLog()
	fs := &writeCheckFS{FS: vfs.NewMem(), t: t, log: log, need: map[int64]wal.LSN{}}
	c := open(t, fs, log, 2)
	extend(t, c, 3, 4*clog.XactsPerPage)
	// Page 4 is the latest page; pages 0..3 went through the two slots.
	fs.need[0] = 5000
	mustSet(t, c, 10, clog.StatusCommitted, 5000) // page 0, async commit
	if log.FlushedLSN() >= 5000 {
		t.Fatal("Set flushed the WAL")
	}
	// Reading page 1 must evict page 0 (page 4, the latest, stays).
	if got := mustGet(t, c, clog.XactsPerPage+1); got != clog.StatusInProgress {
		t.Fatal(got)
	}
	if log.FlushedLSN() < 5000 {
		t.Fatalf("page 0 evicted without flushing WAL to 5000 (flushed %d)", log.FlushedLSN())
	}
	if s, lsn, err := c.GetLSN(10); err != nil || s != clog.StatusCommitted || lsn != 0 {
		t.Fatalf("re-read page 0: %v %d %v", s, lsn, err)
	}
	if fs.seen == 0 {
		t.Fatal("no page written")
	}
	st := c.Stats()
	if st.Reads == 0 || st.Writes == 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestGroupLSN(t *testing.T) { // C2
	c := open(t, vfs.NewMem(), newFakeLog(), 0)
	extend(t, c, 3, 10)
	mustSet(t, c, 3, clog.StatusCommitted, 700)
	mustSet(t, c, 4, clog.StatusCommitted, 500) // lower LSN does not lower the group LSN
	mustSet(t, c, 5, clog.StatusAborted, 0)
	for _, x := range []base.XID{3, 4, 5, 6, 31} {
		if _, lsn, err := c.GetLSN(x); err != nil || lsn != 700 {
			t.Errorf("GetLSN(%d) lsn %d err %v, want 700", x, lsn, err)
		}
	}
	// Another group of 32 xids on the same page has its own LSN.
	extend(t, c, 11, 40)
	mustSet(t, c, 33, clog.StatusCommitted, 0)
	if _, lsn, err := c.GetLSN(33); err != nil || lsn != 0 {
		t.Errorf("GetLSN(33) lsn %d err %v, want 0", lsn, err)
	}
}

func TestTrim(t *testing.T) { // C7
	fs := vfs.NewCrash(3)
	log := newFakeLog()
	c := open(t, fs, log, 0)
	extend(t, c, 3, 40)
	for x := base.XID(3); x <= 40; x++ {
		mustSet(t, c, x, clog.StatusAborted, 0)
	}
	if err := c.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	c2 := open(t, fs.Crash(vfs.CrashOptions{DropAll: true}), newFakeLog(), 0)
	if err := c2.Trim(22); err != nil {
		t.Fatal(err)
	}
	for x := base.XID(3); x <= 40; x++ {
		want := clog.StatusAborted
		if x >= 22 {
			want = clog.StatusInProgress
		}
		if got := mustGet(t, c2, x); got != want {
			t.Errorf("after Trim(22) Get(%d) = %v, want %v", x, got, want)
		}
	}
	// On a fresh directory the page is missing: Trim reads it as zeros.
	c3 := open(t, vfs.NewMem(), newFakeLog(), 0)
	if err := c3.Trim(base.FirstNormalXID); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, c3, 7); got != clog.StatusInProgress {
		t.Fatal(got)
	}
}

func TestFsyncFailureIsSticky(t *testing.T) { // C5
	fs := vfs.NewCrash(4)
	c := open(t, fs, newFakeLog(), 0)
	extend(t, c, 3, 10)
	mustSet(t, c, 3, clog.StatusCommitted, 0)
	boom := errors.New("EIO")
	fs.SetSyncError(boom)
	err := c.Checkpoint()
	if pgerr.CodeOf(err) != pgerr.IoError || !errors.Is(err, boom) {
		t.Fatalf("Checkpoint: %v", err)
	}
	fs.SetSyncError(nil)
	if err := c.Checkpoint(); err == nil {
		t.Fatal("checkpoint retried the fsync")
	}
	if err := c.Set(4, clog.StatusCommitted, 0); err == nil {
		t.Fatal("Set after failed fsync succeeded")
	}
	if c.Failed() == nil {
		t.Fatal("Failed() is nil")
	}
	if got := mustGet(t, c, 3); got != clog.StatusCommitted {
		t.Fatal(got) // reads still work
	}
}

func TestWALFlushFailure(t *testing.T) {
	log := newFakeLog()
	c := open(t, vfs.NewMem(), log, 0)
	extend(t, c, 3, 10)
	mustSet(t, c, 3, clog.StatusCommitted, 900)
	boom := errors.New("wal is dead")
	log.flushErr = boom
	if err := c.Checkpoint(); !errors.Is(err, boom) {
		t.Fatalf("Checkpoint: %v", err)
	}
}

func TestWraparoundReusesPageZero(t *testing.T) { // C6
	fs := vfs.NewMem()
	log := newFakeLog()
	c := open(t, fs, log, 0)
	extend(t, c, 3, 5)
	mustSet(t, c, 4, clog.StatusCommitted, 0)
	// Near the end of the xid space.
	first := base.XID(clog.MaxPage) * clog.XactsPerPage
	extend(t, c, first, first+3)
	mustSet(t, c, base.MaxXID, clog.StatusAborted, 0)
	mustSet(t, c, first, clog.StatusCommitted, 0)
	// The counter wraps to FirstNormalXID: page 0 is zeroed again.
	extend(t, c, base.FirstNormalXID, base.FirstNormalXID)
	if got := mustGet(t, c, 4); got != clog.StatusInProgress {
		t.Fatalf("page 0 not zeroed at wraparound: %v", got)
	}
	mustSet(t, c, 4, clog.StatusAborted, 0)
	if err := c.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, c, base.MaxXID); got != clog.StatusAborted {
		t.Fatal(got)
	}
	if _, err := fs.Stat(dir + "/0FFF"); err != nil {
		t.Fatalf("segment 0FFF: %v", err)
	}
}

func TestConcurrentSetGet(t *testing.T) {
	c := open(t, vfs.NewMem(), newFakeLog(), 2)
	last := base.XID(4 * clog.XactsPerPage)
	extend(t, c, 3, last)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				x := base.XID(3+g+4*i) + base.XID(i%4)*clog.XactsPerPage
				if err := c.Set(x, clog.StatusCommitted, wal.LSN(i)); err != nil {
					t.Error(err)
					return
				}
				if s, err := c.Get(x); err != nil || s != clog.StatusCommitted {
					t.Errorf("Get(%d) = %v %v", x, s, err)
					return
				}
			}
		}(g)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			if err := c.Checkpoint(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
}

func FuzzDecodeZeroPage(f *testing.F) {
	f.Add(clog.EncodeZeroPage(0))
	f.Add(clog.EncodeZeroPage(clog.MaxPage))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := clog.DecodeZeroPage(data)
		if err != nil {
			if pgerr.CodeOf(err) != pgerr.DataCorrupted {
				t.Fatalf("error code %s", pgerr.CodeOf(err))
			}
			return
		}
		if p > clog.MaxPage || string(clog.EncodeZeroPage(p)) != string(data) {
			t.Fatalf("round trip of %x gave page %d", data, p)
		}
	})
}

func BenchmarkGetCached(b *testing.B) {
	c, err := clog.Open(vfs.NewMem(), dir, newFakeLog())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	for x := base.XID(3); x < 1000; x++ {
		if err := c.ExtendTo(x); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Get(base.XID(3 + i%997)); err != nil {
			b.Fatal(err)
		}
	}
}
