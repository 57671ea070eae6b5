package wal

import (
	"io"
	"path"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

// segmentSizes returns the size of every file in the log directory.
func segmentSizes(t *testing.T, fsys vfs.FS) map[string]int64 {
	t.Helper()
	names, err := fsys.ReadDir(testDir)
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	for _, n := range names {
		size, err := fsys.Stat(path.Join(testDir, n))
		if err != nil {
			t.Fatal(err)
		}
		sizes[n] = size
	}
	return sizes
}

// checkWholeSegments fails unless the log directory holds exactly the
// segments want (by number), each one segment long, and no temporary file.
func checkWholeSegments(t *testing.T, fsys vfs.FS, segSize int64, want ...uint64) {
	t.Helper()
	sizes := segmentSizes(t, fsys)
	if len(sizes) != len(want) {
		t.Fatalf("files %v, want segments %v", sizes, want)
	}
	for _, s := range want {
		size, ok := sizes[SegmentName(s, segSize)]
		if !ok || size != segSize {
			t.Fatalf("files %v: segment %d missing or not %d bytes", sizes, s, segSize)
		}
	}
}

// fillTo inserts records of about 100 bytes until the log reaches at
// least lsn, and returns them.
func fillTo(t *testing.T, l *Log, lsn LSN, first int) []*Record {
	t.Helper()
	var recs []*Record
	for i := first; l.InsertLSN() < lsn; i++ {
		rec := testRecord(i, 100)
		insert(t, l, rec)
		recs = append(recs, rec)
	}
	return recs
}

// replayAll reopens the log on fsys, replays it from FirstLSN and returns
// the records and the log, positioned at the end.
func replayAll(t *testing.T, fsys vfs.FS, segSize int64) ([]*Record, *Log) {
	t.Helper()
	l := openLog(t, fsys, segSize)
	var c collector
	if _, err := Replay(l, FirstLSN, c.rmgrs()); err != nil {
		t.Fatal(err)
	}
	return c.recs, l
}

func sameRecords(t *testing.T, got, want []*Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i := range want {
		if err := sameRecord(got[i], want[i]); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
}

// TestPreallocateAhead: segment 0 is created whole; once writing passes
// half of a segment the next one is made in the background, zero-filled,
// and the log then writes into it without creating anything (W11).
func TestPreallocateAhead(t *testing.T) {
	const segSize = 4096
	fsys := newCrashFS(t, 1)
	l := openLog(t, fsys, segSize)
	defer l.Close()
	checkWholeSegments(t, fsys, segSize, 0)
	if st := l.Stats(); st.Prealloc != 1 {
		t.Fatalf("Prealloc = %d after Open", st.Prealloc)
	}
	recs := fillTo(t, l, LSN(segSize/2-200), 0)
	if err := l.Flush(l.InsertLSN()); err != nil {
		t.Fatal(err)
	}
	l.waitPrealloc()
	checkWholeSegments(t, fsys, segSize, 0) // not past half yet

	recs = append(recs, fillTo(t, l, segSize/2+1, len(recs))...)
	if err := l.Flush(l.InsertLSN()); err != nil {
		t.Fatal(err)
	}
	l.waitPrealloc()
	checkWholeSegments(t, fsys, segSize, 0, 1)
	if zero, err := l.isZeroSegment(1); err != nil || !zero {
		t.Fatalf("segment 1 is not all zeros: %v %v", zero, err)
	}
	syncs := l.Stats().Syncs

	// Into segment 1, short of its half: no file is created.
	recs = append(recs, fillTo(t, l, segSize+segSize/2-200, len(recs))...)
	if err := l.Flush(l.InsertLSN()); err != nil {
		t.Fatal(err)
	}
	l.waitPrealloc()
	checkWholeSegments(t, fsys, segSize, 0, 1)
	if st := l.Stats(); st.Prealloc != 2 || st.Syncs != syncs+2 {
		t.Fatalf("stats %+v: want 2 segments made and 2 more fsyncs (segments 0 and 1)", st)
	}
	sameRecords(t, readAll(t, l, FirstLSN), recs)
}

// TestReadPreallocatedTail: a log that ends inside a zero-filled segment,
// or exactly at the end of one with the next preallocated, reads to its
// end cleanly (EndReason nil), replays, and appends on (W8, W11).
func TestReadPreallocatedTail(t *testing.T) {
	const segSize = 2048
	for _, atBoundary := range []bool{false, true} {
		t.Run(map[bool]string{false: "mid-segment", true: "segment boundary"}[atBoundary], func(t *testing.T) {
			fsys := newCrashFS(t, 2)
			l := openLog(t, fsys, segSize)
			recs := fillTo(t, l, segSize-300, 0)
			if atBoundary {
				// One record that ends exactly at the segment's end.
				rec := testRecord(len(recs), int(segSize-l.InsertLSN())-RecordHeaderSize)
				insert(t, l, rec)
				recs = append(recs, rec)
				if rec.EndLSN != segSize {
					t.Fatalf("record ends at %s", rec.EndLSN)
				}
			}
			if err := l.Flush(l.InsertLSN()); err != nil {
				t.Fatal(err)
			}
			l.waitPrealloc()
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			checkWholeSegments(t, fsys, segSize, 0, 1)

			l = openLog(t, fsys, segSize)
			r := l.NewReader(FirstLSN)
			got := 0
			for {
				if _, err := r.Next(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatal(err)
				}
				got++
			}
			r.Close()
			end := recs[len(recs)-1].EndLSN
			if got != len(recs) || r.Pos() != end || r.EndReason() != nil {
				t.Fatalf("reader: %d of %d records, end %s (want %s), reason %v", got, len(recs), r.Pos(), end, r.EndReason())
			}
			var c collector
			if e, err := Replay(l, FirstLSN, c.rmgrs()); err != nil || e != end {
				t.Fatalf("Replay = %s, %v", e, err)
			}
			checkWholeSegments(t, fsys, segSize, 0, 1) // the zero segment 1 is kept
			more := fillTo(t, l, segSize+700, 100)
			if more[0].LSN != end || more[0].Prev != recs[len(recs)-1].LSN {
				t.Fatalf("appended at %s prev %s", more[0].LSN, more[0].Prev)
			}
			if err := l.Flush(l.InsertLSN()); err != nil {
				t.Fatal(err)
			}
			l.Abandon()
			all, l2 := replayAll(t, fsys.Crash(vfs.CrashOptions{DropAll: true}), segSize)
			defer l2.Close()
			sameRecords(t, all, append(recs, more...))
		})
	}
}

// TestCrashDuringPreallocation crashes before each step of making a
// segment and after the last,
// for segment 0 (in Open) and for segment 1 (in the background): a crash
// leaves no segment or the whole one, the temporary file is removed, and
// the log works on (W11).
func TestCrashDuringPreallocation(t *testing.T) {
	const segSize = 4096
	steps := []string{"write", "fsync", "rename", "dir fsync", "done"}
	for _, segno := range []uint64{0, 1} {
		for _, step := range steps {
			t.Run(SegmentName(segno, segSize)+" at "+step, func(t *testing.T) {
				for seed := range int64(4) {
					crashDuringPrealloc(t, seed, segno, step, segSize)
				}
			})
		}
	}
}

func crashDuringPrealloc(t *testing.T, seed int64, segno uint64, step string, segSize int64) {
	cfs := newCrashFS(t, seed)
	h := &hookFS{FS: cfs}
	var crashed *vfs.CrashFS
	var once sync.Once
	at := func(s string) {
		if s == step {
			once.Do(func() { crashed = cfs.Crash(vfs.CrashOptions{TearProb: 0.5}) })
		}
	}
	// arm makes the file system crash at step while segment segno is made.
	arm := func() {
		isTemp := func(name string) bool { return path.Base(name) == tempSegmentName }
		renamed := false
		h.onWrite = func(name string) error {
			if isTemp(name) {
				at("write")
			}
			return nil
		}
		h.onSync = func(name string) error {
			if isTemp(name) {
				at("fsync")
			}
			return nil
		}
		h.onRename = func(oldname, newname string) error {
			if isTemp(oldname) && path.Base(newname) == SegmentName(segno, segSize) {
				at("rename")
				renamed = true
			}
			return nil
		}
		h.onSyncDir = func(string) error {
			if renamed {
				at("dir fsync")
			}
			return nil
		}
	}
	if segno == 0 {
		arm()
	}
	l, err := Open(Options{FS: h, Dir: testDir, SegmentSize: segSize})
	if err != nil {
		t.Fatal(err)
	}
	if segno == 0 {
		at("done")
	}
	var durable []*Record
	if segno != 0 {
		durable = fillTo(t, l, LSN(segSize/2-200), 0)
		if err := l.Flush(l.InsertLSN()); err != nil {
			t.Fatal(err)
		}
		arm()
		fillTo(t, l, LSN(segSize/2+100), len(durable))
		if err := l.Flush(l.InsertLSN()); err != nil { // past half: segment 1 is made
			t.Fatal(err)
		}
		l.waitPrealloc()
		at("done")
	}
	l.Abandon()
	if crashed == nil {
		t.Fatalf("seed %d: the crash point was never reached", seed)
	}

	l = openLog(t, crashed, segSize)
	var c collector
	if _, err := Replay(l, FirstLSN, c.rmgrs()); err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	if len(c.recs) < len(durable) {
		t.Fatalf("seed %d: %d records survived, %d were flushed", seed, len(c.recs), len(durable))
	}
	sameRecords(t, c.recs[:len(durable)], durable)
	for name, size := range segmentSizes(t, crashed) {
		if strings.HasPrefix(name, tempSegmentName) || size != segSize {
			t.Fatalf("seed %d: after recovery %s is %d bytes", seed, name, size)
		}
	}
	// The log goes on through segment 1 and into 2; all of it survives a
	// crash once flushed.
	kept := c.recs
	more := fillTo(t, l, LSN(2*segSize+100), 1000)
	if err := l.Flush(l.InsertLSN()); err != nil {
		t.Fatal(err)
	}
	l.Abandon()
	all, l2 := replayAll(t, crashed.Crash(vfs.CrashOptions{DropAll: true}), segSize)
	defer l2.Close()
	sameRecords(t, all, append(kept, more...))
}

// TestStaleBytesInPreallocatedSegment is TestStaleRecordNotResurrected in
// a preallocated log whose tail spans into the next segment: Replay zeroes
// the bytes after the end instead of cutting the file, keeps the segment
// whole, and a same-size record cannot make the stale successor valid
// (W9, W11).
func TestStaleBytesInPreallocatedSegment(t *testing.T) {
	const segSize = 1024
	fsys := &hookFS{FS: vfs.NewMem()} // not a *MemFS: preallocates
	l := openLog(t, fsys, segSize)
	var recs []*Record
	for i := range 14 {
		rec := testRecord(i, 150)
		insert(t, l, rec)
		recs = append(recs, rec)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// The damaged record and its successors are in segment 1, the log
	// reaches into segment 2.
	bad := 7
	if recs[bad].LSN/segSize != 1 || recs[len(recs)-1].EndLSN/segSize != 2 {
		t.Fatalf("layout: record %d at %s, end %s", bad, recs[bad].LSN, recs[len(recs)-1].EndLSN)
	}
	corruptAt(t, fsys, segSize, recs[bad].LSN+RecordHeaderSize+3)

	l = openLog(t, fsys, segSize)
	var c collector
	end, err := Replay(l, FirstLSN, c.rmgrs())
	if err != nil || end != recs[bad].LSN || len(c.recs) != bad {
		t.Fatalf("Replay = %s, %v, %d records", end, err, len(c.recs))
	}
	// Segment 2 held records: removed. Segment 1 is whole, zero after end.
	checkWholeSegments(t, fsys, segSize, 0, 1)
	if zero, err := l.isZeroSegment(2); err == nil || zero {
		t.Fatalf("segment 2 still there: %v %v", zero, err)
	}
	repl := testRecord(42, 150)
	insert(t, l, repl)
	if repl.EndLSN != recs[bad+1].LSN {
		t.Fatalf("replacement ends at %s, record %d was at %s", repl.EndLSN, bad+1, recs[bad+1].LSN)
	}
	l.Close()
	got, l := replayAll(t, fsys, segSize)
	defer l.Close()
	sameRecords(t, got, append(append([]*Record{}, recs[:bad]...), repl))
}

// TestMixedSegmentFormats: a log written with segments that grow is
// opened with preallocation and the other way round; replay and appending
// work either way.
func TestMixedSegmentFormats(t *testing.T) {
	const segSize = 1024
	for _, first := range []bool{false, true} { // preallocate in the first run?
		name := map[bool]string{false: "grown then preallocated", true: "preallocated then grown"}[first]
		t.Run(name, func(t *testing.T) {
			fsys := newCrashFS(t, 5)
			open := func(fs vfs.FS, prealloc bool) *Log {
				l, err := Open(Options{FS: fs, Dir: testDir, SegmentSize: segSize, NoPreallocate: !prealloc})
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			l := open(fsys, first)
			recs := fillTo(t, l, 2*segSize+300, 0)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			l = open(fsys, !first)
			var c collector
			if _, err := Replay(l, FirstLSN, c.rmgrs()); err != nil {
				t.Fatal(err)
			}
			sameRecords(t, c.recs, recs)
			if !first {
				checkWholeSegments(t, fsys, segSize, 0, 1, 2) // the end's segment was extended
			}
			recs = append(recs, fillTo(t, l, 4*segSize+300, 100)...)
			if err := l.Flush(l.InsertLSN()); err != nil {
				t.Fatal(err)
			}
			l.Abandon()
			l2 := open(fsys.Crash(vfs.CrashOptions{DropAll: true}), first)
			defer l2.Close()
			c = collector{}
			if _, err := Replay(l2, FirstLSN, c.rmgrs()); err != nil {
				t.Fatal(err)
			}
			sameRecords(t, c.recs, recs)
		})
	}
}

// TestPreallocStops: Abandon (and Close) stop a zero-fill in progress;
// the next Open removes the temporary file and makes the segment when it
// is needed.
func TestPreallocStops(t *testing.T) {
	const segSize = 4 * zeroChunk
	h := &hookFS{FS: vfs.NewMem()}
	l := openLog(t, h, segSize)
	entered := make(chan struct{})
	var once sync.Once
	h.onWrite = func(name string) error {
		if path.Base(name) == tempSegmentName {
			once.Do(func() { close(entered) })
			for !l.pre.stop.Load() { // wait for Abandon to ask the fill to stop
				runtime.Gosched()
			}
		}
		return nil
	}
	big := testRecord(1, segSize/2+100)
	insert(t, l, big)
	if err := l.Flush(big.EndLSN); err != nil {
		t.Fatal(err)
	}
	<-entered
	l.Abandon()
	sizes := segmentSizes(t, h)
	if _, ok := sizes[tempSegmentName]; !ok || len(sizes) != 2 {
		t.Fatalf("after Abandon: %v, want segment 0 and an unfinished %s", sizes, tempSegmentName)
	}
	if l.Stats().Prealloc != 1 {
		t.Fatalf("Prealloc = %d", l.Stats().Prealloc)
	}
	h.onWrite = nil
	got, l := replayAll(t, h, segSize)
	defer l.Close()
	sameRecords(t, got, []*Record{big})
	checkWholeSegments(t, h, segSize, 0)
	more := testRecord(2, segSize)
	insert(t, l, more)
	if err := l.Flush(more.EndLSN); err != nil {
		t.Fatal(err)
	}
	// The reopened log may already be preparing the segment after 1 in
	// the background: wait for it, then every file must be whole.
	l.waitPrealloc()
	want := []uint64{0, 1}
	if _, ok := segmentSizes(t, h)[SegmentName(2, segSize)]; ok {
		want = append(want, 2)
	}
	checkWholeSegments(t, h, segSize, want...)
}

// TestRemoveSegmentsBefore: the segments wholly before a checkpoint's
// redo pointer go; replay from the redo pointer still works, replay from
// the start reports the missing segment, and the segment size is still
// checked without segment 0 (W12).
func TestRemoveSegmentsBefore(t *testing.T) {
	const segSize = 1024
	for _, prealloc := range []bool{true, false} {
		t.Run(map[bool]string{true: "preallocated", false: "grown"}[prealloc], func(t *testing.T) {
			fsys := newCrashFS(t, 7)
			open := func(fs vfs.FS, segSize int64) (*Log, error) {
				return Open(Options{FS: fs, Dir: testDir, SegmentSize: segSize, NoPreallocate: !prealloc})
			}
			l, err := open(fsys, segSize)
			if err != nil {
				t.Fatal(err)
			}
			recs := fillTo(t, l, 6*segSize+500, 0)
			if err := l.RemoveSegmentsBefore(l.InsertLSN()); pgerr.CodeOf(err) != pgerr.InternalError {
				t.Fatalf("removal past the flushed end: %v", err)
			}
			if err := l.Flush(l.InsertLSN()); err != nil {
				t.Fatal(err)
			}
			// The redo pointer: the first record starting in segment 3.
			k := 0
			for recs[k].LSN < 3*segSize {
				k++
			}
			redo := recs[k].LSN
			if err := l.RemoveSegmentsBefore(redo); err != nil {
				t.Fatal(err)
			}
			if err := l.RemoveSegmentsBefore(redo); err != nil { // again: nothing to do
				t.Fatal(err)
			}
			if st := l.Stats(); st.Removed != 3 {
				t.Fatalf("Removed = %d, want 3", st.Removed)
			}
			names, _ := fsys.ReadDir(testDir)
			if names[0] != SegmentName(3, segSize) {
				t.Fatalf("segments after removal: %v", names)
			}
			// The log goes on after a removal.
			recs = append(recs, fillTo(t, l, 7*segSize+100, 1000)...)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if err := l.RemoveSegmentsBefore(redo); pgerr.CodeOf(err) != pgerr.ObjectNotInPrerequisiteState {
				t.Fatalf("removal on a closed log: %v", err)
			}

			if _, err := open(fsys, 2*segSize); pgerr.CodeOf(err) != pgerr.DataCorrupted {
				t.Fatalf("open with another segment size: %v", err)
			}
			l, err = open(fsys, segSize)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.RemoveSegmentsBefore(redo); pgerr.CodeOf(err) != pgerr.ObjectNotInPrerequisiteState {
				t.Fatalf("removal before replay: %v", err)
			}
			if _, err := Replay(l, FirstLSN, nil); pgerr.CodeOf(err) != pgerr.DataCorrupted {
				t.Fatalf("replay from a removed segment: %v", err)
			}
			l.Close()
			// After a power cut (which may bring removed segments back:
			// removal is not made durable) replay from redo finds it all.
			l, err = open(fsys.Crash(vfs.CrashOptions{DropAll: true}), segSize)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			var c collector
			if _, err := Replay(l, redo, c.rmgrs()); err != nil {
				t.Fatal(err)
			}
			sameRecords(t, c.recs, recs[k:])
		})
	}
}
