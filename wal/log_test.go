package wal

import (
	"errors"
	"io"
	"os"
	"path"
	"sync"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

// collector is a resource manager that records what it redoes.
type collector struct{ recs []*Record }

func (c *collector) rmgrs() []Rmgr {
	return []Rmgr{
		{ID: RmgrHeap, Name: "Heap", Redo: func(r *Record) error { c.recs = append(c.recs, r); return nil }},
		{ID: RmgrXLOG, Name: "XLOG", Redo: func(r *Record) error { c.recs = append(c.recs, r); return nil }},
	}
}

func TestReplayAcrossSegments(t *testing.T) {
	const segSize = 512
	fsys := vfs.NewMem()
	l := openLog(t, fsys, segSize)
	rng := seededRand(t, 1)
	var want []*Record
	for i := range 60 {
		size := rng.Intn(200)
		if i%10 == 9 {
			size = 1500 // spans several segments
		}
		rec := testRecord(i, size)
		insert(t, l, rec)
		want = append(want, rec)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	names, _ := fsys.ReadDir(testDir)
	last := uint64(want[len(want)-1].EndLSN-1) / segSize
	if uint64(len(names)) != last+1 || names[0] != "000000010000000000000000" || names[len(names)-1] != SegmentName(last, segSize) {
		t.Fatalf("segment files %v, want 0..%d", names, last)
	}

	l = openLog(t, fsys, segSize)
	if _, err := l.Insert(testRecord(0, 1)); pgerr.CodeOf(err) != pgerr.ObjectNotInPrerequisiteState {
		t.Fatalf("Insert before Replay: %v", err)
	}
	var c collector
	end, err := Replay(l, FirstLSN, c.rmgrs())
	if err != nil {
		t.Fatal(err)
	}
	if end != want[len(want)-1].EndLSN || l.InsertLSN() != end || l.FlushedLSN() != end {
		t.Fatalf("end %s insert %s flushed %s, want %s", end, l.InsertLSN(), l.FlushedLSN(), want[len(want)-1].EndLSN)
	}
	if len(c.recs) != len(want) {
		t.Fatalf("replayed %d records, want %d", len(c.recs), len(want))
	}
	for i := range want {
		if err := sameRecord(c.recs[i], want[i]); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	if l.RedoPointer() != FirstLSN {
		t.Fatalf("redo pointer %s", l.RedoPointer())
	}
	// Replay runs once.
	if _, err := Replay(l, FirstLSN, nil); err == nil {
		t.Fatal("second Replay succeeded")
	}
	// Appending continues the chain.
	more := testRecord(100, 700)
	insert(t, l, more)
	if more.Prev != want[len(want)-1].LSN || more.LSN != end {
		t.Fatalf("appended at %s prev %s", more.LSN, more.Prev)
	}
	want = append(want, more)
	l.Close()

	// Replay from the middle (a checkpoint's redo pointer).
	l = openLog(t, fsys, segSize)
	c = collector{}
	if _, err := Replay(l, want[30].LSN, c.rmgrs()); err != nil {
		t.Fatal(err)
	}
	if len(c.recs) != len(want)-30 || c.recs[0].LSN != want[30].LSN {
		t.Fatalf("replay from middle: %d records", len(c.recs))
	}
	l.Close()
}

// TestTornTailCrash crashes a log with unsynced, torn writes at its tail:
// every flushed record survives, the log ends cleanly after some prefix of
// the rest, and what is appended after replay is read back exactly (W8,
// W9).
func TestTornTailCrash(t *testing.T) {
	const segSize = 1024
	seeds := 60
	if testing.Short() {
		seeds = 15
	}
	for seed := range int64(seeds) {
		rng := seededRand(t, seed)
		fsys := newCrashFS(t, seed)
		l, err := Open(Options{FS: fsys, Dir: testDir, SegmentSize: segSize, BufferSize: 300})
		if err != nil {
			t.Fatal(err)
		}
		var all []*Record
		nflushed := 0
		for i := range 40 {
			rec := testRecord(i, rng.Intn(400))
			insert(t, l, rec)
			all = append(all, rec)
			if i == 19 {
				if err := l.Flush(rec.EndLSN); err != nil {
					t.Fatal(err)
				}
				nflushed = len(all)
			}
		}
		// Records 20.. were partly written (the buffer is small) but not
		// synced. The preallocator is idle, so the seed decides the crash.
		l.waitPrealloc()
		crashed := fsys.Crash(vfs.CrashOptions{TearProb: 0.4})

		l2 := openLog(t, crashed, segSize)
		var c collector
		end, err := Replay(l2, FirstLSN, c.rmgrs())
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(c.recs) < nflushed {
			t.Fatalf("seed %d: %d records survived, %d were flushed", seed, len(c.recs), nflushed)
		}
		for i, r := range c.recs {
			if err := sameRecord(r, all[i]); err != nil {
				t.Fatalf("seed %d record %d: %v", seed, i, err)
			}
		}
		t.Logf("seed %d: %d of %d records survived (%d flushed)", seed, len(c.recs), len(all), nflushed)
		kept := c.recs
		// Append new records, flush, crash again dropping everything
		// unsynced: exactly the survivors plus the new records remain.
		var added []*Record
		for i := range 5 {
			rec := testRecord(1000+i, rng.Intn(300))
			insert(t, l2, rec)
			added = append(added, rec)
		}
		if err := l2.Flush(l2.InsertLSN()); err != nil {
			t.Fatal(err)
		}
		if added[0].LSN != end {
			t.Fatalf("seed %d: appended at %s, end was %s", seed, added[0].LSN, end)
		}
		l2.waitPrealloc()
		l3 := openLog(t, crashed.Crash(vfs.CrashOptions{DropAll: true}), segSize)
		c = collector{}
		if _, err := Replay(l3, FirstLSN, c.rmgrs()); err != nil {
			t.Fatal(err)
		}
		want := append(append([]*Record{}, kept...), added...)
		if len(c.recs) != len(want) {
			t.Fatalf("seed %d: after second crash %d records, want %d", seed, len(c.recs), len(want))
		}
		for i := range want {
			if err := sameRecord(c.recs[i], want[i]); err != nil {
				t.Fatalf("seed %d: after second crash, record %d: %v", seed, i, err)
			}
		}
		l.Close()
		l2.Close()
		l3.Close()
	}
}

// corruptAt flips a byte of the stream at lsn.
func corruptAt(t *testing.T, fsys vfs.FS, segSize int64, lsn LSN) {
	t.Helper()
	name := path.Join(testDir, SegmentName(uint64(lsn)/uint64(segSize), segSize))
	f, err := fsys.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	off := int64(lsn) % segSize
	f.ReadAt(b, off)
	b[0] ^= 0xFF
	f.WriteAt(b, off)
}

// TestStaleRecordNotResurrected: after replay stops at a bad record, the
// bytes after it are removed, so a new record of the same size cannot
// make the old successor valid again (W9).
func TestStaleRecordNotResurrected(t *testing.T) {
	const segSize = 4096
	fsys := vfs.NewMem()
	l := openLog(t, fsys, segSize)
	var recs []*Record
	for i := range 5 {
		rec := testRecord(i, 50)
		insert(t, l, rec)
		recs = append(recs, rec)
	}
	l.Close()
	corruptAt(t, fsys, segSize, recs[2].LSN+RecordHeaderSize+3) // bad CRC in record 2

	l = openLog(t, fsys, segSize)
	r := l.NewReader(FirstLSN)
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		n++
	}
	if n != 2 || r.Pos() != recs[2].LSN || pgerr.CodeOf(r.EndReason()) != pgerr.DataCorrupted {
		t.Fatalf("reader: %d records, end %s, reason %v", n, r.Pos(), r.EndReason())
	}
	var c collector
	end, err := Replay(l, FirstLSN, c.rmgrs())
	if err != nil || end != recs[2].LSN || len(c.recs) != 2 {
		t.Fatalf("Replay = %s, %v, %d records", end, err, len(c.recs))
	}
	// Same size as the lost record 2: it ends where record 3 began, and
	// record 3's prev-link points at its start.
	repl := testRecord(42, 50)
	insert(t, l, repl)
	if repl.EndLSN != recs[3].LSN {
		t.Fatalf("replacement ends at %s, record 3 was at %s", repl.EndLSN, recs[3].LSN)
	}
	l.Close()
	l = openLog(t, fsys, segSize)
	c = collector{}
	if _, err := Replay(l, FirstLSN, c.rmgrs()); err != nil {
		t.Fatal(err)
	}
	if len(c.recs) != 3 || c.recs[2].XID != repl.XID {
		t.Fatalf("after rewrite: %d records", len(c.recs))
	}
	l.Close()
}

// TestEndOfLog checks the kinds of tail that end the valid log.
func TestEndOfLog(t *testing.T) {
	const segSize = 1024
	cases := []struct {
		name   string
		damage func(t *testing.T, fsys vfs.FS, recs []*Record)
		want   int // records read
	}{
		{"clean", func(*testing.T, vfs.FS, []*Record) {}, 6},
		{"zeroed tail", func(t *testing.T, fsys vfs.FS, recs []*Record) {
			f, _ := fsys.OpenFile(path.Join(testDir, SegmentName(0, segSize)), os.O_RDWR, 0)
			f.WriteAt(make([]byte, 100), int64(recs[4].LSN))
			f.Close()
		}, 4},
		{"truncated record", func(t *testing.T, fsys vfs.FS, recs []*Record) {
			f, _ := fsys.OpenFile(path.Join(testDir, SegmentName(0, segSize)), os.O_RDWR, 0)
			f.Truncate(int64(recs[5].EndLSN) - 1)
			f.Close()
		}, 5},
		{"garbage length", func(t *testing.T, fsys vfs.FS, recs []*Record) {
			f, _ := fsys.OpenFile(path.Join(testDir, SegmentName(0, segSize)), os.O_RDWR, 0)
			f.WriteAt([]byte{0xFF, 0xFF, 0xFF, 0x0F}, int64(recs[3].LSN))
			f.Close()
		}, 3},
		{"huge plausible length", func(t *testing.T, fsys vfs.FS, recs []*Record) {
			f, _ := fsys.OpenFile(path.Join(testDir, SegmentName(0, segSize)), os.O_RDWR, 0)
			f.WriteAt([]byte{0, 0, 0, 0x0F}, int64(recs[3].LSN)) // 240 MB
			f.Close()
		}, 3},
		{"wrong prev-link", func(t *testing.T, fsys vfs.FS, recs []*Record) {
			// Copy record 1 over record 4's place: a valid record whose
			// prev-link does not point at record 3.
			f, _ := fsys.OpenFile(path.Join(testDir, SegmentName(0, segSize)), os.O_RDWR, 0)
			b := make([]byte, recs[1].EndLSN-recs[1].LSN)
			f.ReadAt(b, int64(recs[1].LSN))
			f.WriteAt(b, int64(recs[4].LSN))
			f.Close()
		}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := vfs.NewMem()
			l := openLog(t, fsys, segSize)
			var recs []*Record
			for i := range 6 {
				rec := testRecord(i, 80)
				insert(t, l, rec)
				recs = append(recs, rec)
			}
			l.Close()
			c.damage(t, fsys, recs)
			l = openLog(t, fsys, segSize)
			defer l.Close()
			if got := readAll(t, l, FirstLSN); len(got) != c.want {
				t.Fatalf("read %d records, want %d", len(got), c.want)
			}
		})
	}
}

func TestReplayErrors(t *testing.T) {
	fsys := vfs.NewMem()
	l := openLog(t, fsys, 1024)
	insert(t, l, &Record{Rmgr: RmgrXLOG, Info: InfoCheckpointShutdown, Data: EncodeCheckpoint(Checkpoint{Shutdown: true})})
	insert(t, l, testRecord(1, 10))
	l.Close()

	// Checkpoint records need no routine; a heap record does.
	l = openLog(t, fsys, 1024)
	if _, err := Replay(l, FirstLSN, nil); pgerr.CodeOf(err) != pgerr.InternalError {
		t.Fatalf("unregistered rmgr: %v", err)
	}
	l.Close()
	// A redo error stops replay and is returned.
	l = openLog(t, fsys, 1024)
	boom := pgerr.New(pgerr.DataCorrupted, "boom")
	_, err := Replay(l, FirstLSN, []Rmgr{{ID: RmgrHeap, Name: "Heap", Redo: func(*Record) error { return boom }}})
	if !errors.Is(err, boom) {
		t.Fatalf("redo error: %v", err)
	}
	l.Close()
	// No record where replay starts.
	l = openLog(t, fsys, 1024)
	if _, err := Replay(l, 100000, nil); pgerr.CodeOf(err) != pgerr.DataCorrupted {
		t.Fatalf("bad start: %v", err)
	}
	l.Close()
	// Duplicate registration.
	l = openLog(t, fsys, 1024)
	h := Rmgr{ID: RmgrHeap, Name: "Heap", Redo: func(*Record) error { return nil }}
	if _, err := Replay(l, FirstLSN, []Rmgr{h, h}); err == nil {
		t.Fatal("duplicate rmgr accepted")
	}
	l.Close()
}

// TestFlushDuringReplay: a redo routine may flush up to its record's end
// (a buffer eviction during recovery), but not beyond.
func TestFlushDuringReplay(t *testing.T) {
	fsys := vfs.NewMem()
	l := openLog(t, fsys, 0)
	for i := range 3 {
		insert(t, l, testRecord(i, 10))
	}
	l.Close()
	l = openLog(t, fsys, 0)
	defer l.Close()
	_, err := Replay(l, FirstLSN, []Rmgr{{ID: RmgrHeap, Name: "Heap", Redo: func(r *Record) error {
		if err := l.Flush(r.EndLSN); err != nil {
			return err
		}
		if l.FlushedLSN() < r.EndLSN {
			t.Errorf("FlushedLSN %s < %s during replay", l.FlushedLSN(), r.EndLSN)
		}
		if err := l.Flush(r.EndLSN + 1000); err == nil {
			t.Error("flush past the replayed records succeeded")
		}
		return nil
	}}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenNewLogReplay(t *testing.T) {
	// A new log may be "replayed" too: there is nothing, and it stays at
	// FirstLSN.
	l := openLog(t, vfs.NewMem(), 0)
	defer l.Close()
	end, err := Replay(l, FirstLSN, nil)
	if err != nil || end != FirstLSN {
		t.Fatalf("Replay of a new log = %s, %v", end, err)
	}
	insert(t, l, testRecord(1, 1))
}

func TestOpenSegmentSizeMismatch(t *testing.T) {
	fsys := vfs.NewMem()
	l := openLog(t, fsys, 1024)
	l.Close()
	if _, err := Open(Options{FS: fsys, Dir: testDir, SegmentSize: 2048}); pgerr.CodeOf(err) != pgerr.DataCorrupted {
		t.Fatalf("mismatched segment size: %v", err)
	}
	for _, bad := range []int64{100, 1000, 3 << 20} {
		if _, err := Open(Options{FS: fsys, Dir: "/other", SegmentSize: bad}); pgerr.CodeOf(err) != pgerr.InvalidParameterValue {
			t.Fatalf("segment size %d: %v", bad, err)
		}
	}
}

// TestCrashDuringCreate: if segment 0's header never became durable, the
// log is created anew.
func TestCrashDuringCreate(t *testing.T) {
	fsys := newCrashFS(t, 3)
	if err := fsys.MkdirAll(testDir, 0o700); err != nil {
		t.Fatal(err)
	}
	f, _ := fsys.OpenFile(path.Join(testDir, SegmentName(0, DefaultSegmentSize)), os.O_RDWR|os.O_CREATE, 0o600)
	f.Close()
	l := openLog(t, fsys, 0)
	defer l.Close()
	if l.InsertLSN() != FirstLSN {
		t.Fatalf("insert at %s", l.InsertLSN())
	}
	insert(t, l, testRecord(1, 1))
}

// TestFlushDurable: after Flush returns, a power cut keeps the records; a
// new segment's directory entry is durable too.
func TestFlushDurable(t *testing.T) {
	const segSize = 512
	fsys := newCrashFS(t, 9)
	l := openLog(t, fsys, segSize)
	var want []*Record
	for i := range 20 {
		rec := testRecord(i, 100)
		insert(t, l, rec)
		want = append(want, rec)
	}
	if err := l.Flush(l.InsertLSN()); err != nil {
		t.Fatal(err)
	}
	insert(t, l, testRecord(99, 10)) // not flushed
	l.waitPrealloc()
	l2 := openLog(t, fsys.Crash(vfs.CrashOptions{DropAll: true}), segSize)
	defer l2.Close()
	var c collector
	if _, err := Replay(l2, FirstLSN, c.rmgrs()); err != nil {
		t.Fatal(err)
	}
	if len(c.recs) != len(want) {
		t.Fatalf("%d records survived, want %d", len(c.recs), len(want))
	}
	l.Close()
}

func TestFlushBeyondEnd(t *testing.T) {
	l := openLog(t, vfs.NewMem(), 0)
	defer l.Close()
	end := insert(t, l, testRecord(1, 10))
	if err := l.Flush(end + 1); pgerr.CodeOf(err) != pgerr.InternalError {
		t.Fatalf("Flush beyond end: %v", err)
	}
	if err := l.Flush(end); err != nil || l.FlushedLSN() != end {
		t.Fatalf("Flush = %v, flushed %s", err, l.FlushedLSN())
	}
	if err := l.Flush(InvalidLSN); err != nil {
		t.Fatal(err)
	}
}

// TestFailedFsync: a failed fsync puts the log in the failed state for
// good, even if fsync would now succeed (W7).
func TestFailedFsync(t *testing.T) {
	fsys := newCrashFS(t, 1)
	l := openLog(t, fsys, 0)
	first := insert(t, l, testRecord(1, 10))
	if err := l.Flush(first); err != nil {
		t.Fatal(err)
	}
	fsys.SetSyncError(errInjected)
	end := insert(t, l, testRecord(2, 10))
	err := l.Flush(end)
	if !errors.Is(err, errInjected) || pgerr.CodeOf(err) != pgerr.IoError {
		t.Fatalf("Flush = %v", err)
	}
	if l.Failed() == nil || l.FlushedLSN() != first {
		t.Fatalf("Failed() = %v, flushed %s", l.Failed(), l.FlushedLSN())
	}
	fsys.SetSyncError(nil)
	if err := l.Flush(end); err == nil {
		t.Fatal("Flush after failure succeeded")
	}
	if _, err := l.Insert(testRecord(3, 1)); err == nil {
		t.Fatal("Insert after failure succeeded")
	}
	if err := l.Close(); err == nil {
		t.Fatal("Close of a failed log returned nil")
	}
	if l.Stats().Syncs != 1 {
		t.Fatalf("fsync retried: %d syncs", l.Stats().Syncs)
	}
}

func TestFailedWrite(t *testing.T) {
	h := &hookFS{FS: vfs.NewMem()}
	l := openLog(t, h, 0)
	h.onWrite = func(string) error { return errInjected }
	end := insert(t, l, testRecord(1, 10))
	if err := l.Flush(end); !errors.Is(err, errInjected) {
		t.Fatalf("Flush = %v", err)
	}
	h.onWrite = nil
	if _, err := l.Insert(testRecord(2, 1)); !errors.Is(err, errInjected) || l.Failed() == nil {
		t.Fatalf("Insert after failed write: %v", err)
	}
	l.Close()
}

// TestGroupCommit: while one Flush is in fsync, the others queue; the next
// fsync covers them all (W6). Exactly two fsyncs for 16 commits.
func TestGroupCommit(t *testing.T) {
	const n = 16
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	var once sync.Once
	h := &hookFS{FS: newCrashFS(t, 1)}
	l := openLog(t, h, 0)
	syncs0 := l.Stats().Syncs
	h.onSync = func(string) error {
		once.Do(func() { entered <- struct{}{} })
		<-release
		return nil
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := l.Flush(insert(t, l, testRecord(0, 20))); err != nil {
			t.Error(err)
		}
	}()
	<-entered // the first commit is in fsync
	var inserted sync.WaitGroup
	ends := make([]LSN, n)
	for i := 1; i < n; i++ {
		wg.Add(1)
		inserted.Add(1)
		go func() {
			defer wg.Done()
			ends[i] = insert(t, l, testRecord(i, 20))
			inserted.Done()
			if err := l.Flush(ends[i]); err != nil {
				t.Error(err)
			}
			if l.FlushedLSN() < ends[i] {
				t.Errorf("Flush returned before %s was durable", ends[i])
			}
		}()
	}
	inserted.Wait()
	close(release)
	wg.Wait()
	if got := l.Stats().Syncs - syncs0; got != 2 {
		t.Fatalf("%d fsyncs for %d commits, want 2", got, n)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, l, FirstLSN); len(got) != n {
		t.Fatalf("%d records", len(got))
	}
}

// TestConcurrentCommits stresses Insert+Flush from many goroutines (run
// with -race): every record is read back, in a single prev-linked chain.
func TestConcurrentCommits(t *testing.T) {
	const workers, each = 32, 40
	fsys := vfs.NewMem()
	l, err := Open(Options{FS: fsys, Dir: testDir, SegmentSize: 4096, BufferSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				rec := testRecord(w*1000+i, 10+i)
				end, err := l.Insert(rec)
				if err != nil {
					t.Error(err)
					return
				}
				if i%3 != 0 {
					if err := l.Flush(end); err != nil {
						t.Error(err)
						return
					}
					if l.FlushedLSN() < end {
						t.Errorf("not durable after Flush")
					}
				}
			}
		}()
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, fsys, 4096)
	defer l.Close()
	var c collector
	if _, err := Replay(l, FirstLSN, c.rmgrs()); err != nil {
		t.Fatal(err)
	}
	if len(c.recs) != workers*each {
		t.Fatalf("%d records, want %d", len(c.recs), workers*each)
	}
	seen := map[uint32]bool{}
	for _, r := range c.recs {
		seen[uint32(r.XID)] = true
	}
	if len(seen) != workers*each {
		t.Fatalf("%d distinct records", len(seen))
	}
}

// TestWALWriter: the background writer flushes without anyone calling
// Flush, and Close stops it.
func TestWALWriter(t *testing.T) {
	l, err := Open(Options{FS: vfs.NewMem(), Dir: testDir, WriterDelay: 1})
	if err != nil {
		t.Fatal(err)
	}
	cycles := make(chan struct{}, 1)
	l.writerHook = func() {
		select {
		case cycles <- struct{}{}:
		default:
		}
	}
	l.StartWriter()
	l.StartWriter() // no second goroutine
	end := insert(t, l, testRecord(1, 10))
	for l.FlushedLSN() < end {
		<-cycles
	}
	done := l.writerDone
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	default:
		t.Fatal("WAL writer still running after Close")
	}
	if _, err := l.Insert(testRecord(2, 1)); pgerr.CodeOf(err) != pgerr.ObjectNotInPrerequisiteState {
		t.Fatalf("Insert after Close: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestCloseFlushes(t *testing.T) {
	fsys := newCrashFS(t, 2)
	l := openLog(t, fsys, 0)
	insert(t, l, testRecord(1, 10))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, fsys.Crash(vfs.CrashOptions{DropAll: true}), 0)
	defer l.Close()
	if got := readAll(t, l, FirstLSN); len(got) != 1 {
		t.Fatalf("%d records after Close+crash", len(got))
	}
}
