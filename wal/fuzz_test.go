package wal

import (
	"io"
	"os"
	"path"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

func encodedSeed(rec *Record, imgs []blockImage) []byte {
	b := make([]byte, encodedSize(rec, imgs))
	encodeRecord(b, rec, 16, imgs)
	return b
}

// FuzzDecodeRecord: garbage never panics; what decodes re-encodes to the
// same bytes.
func FuzzDecodeRecord(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, RecordHeaderSize))
	f.Add(encodedSeed(&Record{Rmgr: RmgrHeap, Data: []byte("abc")}, nil))
	f.Add(encodedSeed(&Record{Rmgr: RmgrHeap, Blocks: []BlockRef{{Tag: tag(1, 2), Data: []byte("x")}}}, make([]blockImage, 1)))
	f.Add(encodedSeed(&Record{Rmgr: RmgrHeap, Blocks: []BlockRef{{Tag: tag(1, 2), Page: testPage(40, 8000, 1)}}},
		[]blockImage{{take: true, holeOff: 40, holeLen: 7960}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := decodeRecord(b, 16)
		if err != nil {
			if pgerr.CodeOf(err) != pgerr.DataCorrupted {
				t.Fatalf("error code %s", pgerr.CodeOf(err))
			}
			return
		}
		if rec.EndLSN-rec.LSN != LSN(len(b)) {
			t.Fatal("length mismatch")
		}
	})
}

// FuzzReadLog: arbitrary bytes after the stream header end the log
// cleanly, and Replay positions the log so a new record reads back.
func FuzzReadLog(f *testing.F) {
	f.Add([]byte{}, []byte{})
	f.Add(encodedSeed(&Record{Rmgr: RmgrHeap, Data: []byte("abc")}, nil), []byte{1, 2, 3})
	f.Add(make([]byte, 40), make([]byte, 600))
	f.Fuzz(fuzzReadLogBody)
}

func fuzzReadLogBody(t *testing.T, seg0, seg1 []byte) {
	const segSize = 512
	fsys := vfs.NewMem()
	l := openLog(t, fsys, segSize)
	l.Close()
	write := func(segno uint64, off int64, b []byte) {
		f, err := fsys.OpenFile(path.Join(testDir, SegmentName(segno, segSize)), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteAt(b, off)
		f.Close()
	}
	if len(seg0) > segSize-int(FirstLSN) {
		seg0 = seg0[:segSize-int(FirstLSN)]
	}
	if len(seg1) > segSize {
		seg1 = seg1[:segSize]
	}
	write(0, int64(FirstLSN), seg0)
	if len(seg1) > 0 {
		write(1, 0, seg1)
	}
	l = openLog(t, fsys, segSize)
	r := l.NewReader(FirstLSN)
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	end, err := Replay(l, FirstLSN, []Rmgr{{ID: RmgrHeap, Name: "Heap", Redo: func(*Record) error { return nil }}})
	if err != nil {
		// Only records of other resource managers may stop it.
		if pgerr.CodeOf(err) != pgerr.InternalError {
			t.Fatal(err)
		}
		return
	}
	if end != r.Pos() {
		t.Fatalf("Replay end %s, reader end %s", end, r.Pos())
	}
	rec := testRecord(1, 30)
	insert(t, l, rec)
	l.Close()
	got := readAll(t, l, FirstLSN)
	if last := got[len(got)-1]; last.LSN != rec.LSN || last.XID != rec.XID {
		t.Fatal("new record not the last one read")
	}
}

func FuzzDecodeControl(f *testing.F) {
	f.Add(EncodeControl(testControl()))
	f.Add(make([]byte, ControlFileSize))
	f.Add([]byte("TUSKCTRL"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeControl(b)
		if err != nil {
			if pgerr.CodeOf(err) != pgerr.DataCorrupted {
				t.Fatalf("error code %s", pgerr.CodeOf(err))
			}
			return
		}
		if _, err := DecodeControl(EncodeControl(c)); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzDecodeCheckpoint(f *testing.F) {
	f.Add(EncodeCheckpoint(testControl().Checkpoint))
	f.Add([]byte{1, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		cp, err := DecodeCheckpoint(b)
		if err != nil {
			return
		}
		cp2, err := DecodeCheckpoint(EncodeCheckpoint(cp))
		if err != nil || !cp2.Time.Equal(cp.Time) || cp2.Redo != cp.Redo || cp2.NextFullXID != cp.NextFullXID {
			t.Fatalf("re-encode: %+v %v", cp2, err)
		}
	})
}
