package wal

import (
	"bytes"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

func tag(rel base.OID, blk base.BlockNumber) base.BufferTag {
	return base.BufferTag{Node: base.RelFileNode{Rel: rel}, Fork: base.MainFork, Block: blk}
}

func TestRecordRoundTrip(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789"), 5000)
	cases := []struct {
		name string
		rec  Record
	}{
		{"empty", Record{Rmgr: RmgrXLOG, Info: InfoNoop}},
		{"main data", Record{XID: 7, Rmgr: RmgrXact, Info: 0x10, Data: []byte("commit")}},
		{"large main data", Record{XID: 8, Rmgr: RmgrHeap, Data: big}},
		{"block data", Record{XID: 9, Rmgr: RmgrHeap, Blocks: []BlockRef{
			{Tag: tag(16384, 3), PageLSN: 1 << 40, Data: []byte("tuple")},
		}, Data: []byte{1, 2}}},
		{"will init", Record{XID: 10, Rmgr: RmgrHeap, Blocks: []BlockRef{
			{Tag: tag(16384, 4), WillInit: true, Data: []byte("first tuple")},
		}}},
		{"several blocks", Record{XID: 11, Rmgr: RmgrBtree, Blocks: []BlockRef{
			{Tag: tag(1, 1), PageLSN: 1 << 40},
			{Tag: base.BufferTag{Node: base.RelFileNode{Rel: 2}, Fork: base.VMFork, Block: 0xFFFFFFFE}, PageLSN: 1 << 40, Data: []byte("x")},
			{Tag: tag(3, 9), WillInit: true},
		}, Data: []byte("split")}},
	}
	l := openLog(t, vfs.NewMem(), 0)
	defer l.Close()
	want := make([]*Record, len(cases))
	for i := range cases {
		rec := cases[i].rec
		insert(t, l, &rec)
		want[i] = &rec
	}
	if err := l.Flush(l.InsertLSN()); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, l, FirstLSN)
	if len(got) != len(want) {
		t.Fatalf("read %d records, want %d", len(got), len(want))
	}
	if want[0].LSN != FirstLSN || want[0].Prev != InvalidLSN {
		t.Fatalf("first record at %s prev %s", want[0].LSN, want[0].Prev)
	}
	for i := range got {
		if err := sameRecord(got[i], want[i]); err != nil {
			t.Errorf("%s: %v", cases[i].name, err)
		}
		if i > 0 && want[i].Prev != want[i-1].LSN {
			t.Errorf("%s: prev %s, want %s", cases[i].name, want[i].Prev, want[i-1].LSN)
		}
	}
}

// TestInsertCopies checks that Insert copies the caller's bytes.
func TestInsertCopies(t *testing.T) {
	l := openLog(t, vfs.NewMem(), 0)
	defer l.Close()
	data := []byte("original")
	insert(t, l, &Record{Rmgr: RmgrHeap, Data: data})
	copy(data, "CHANGED!")
	l.Flush(l.InsertLSN())
	if got := readAll(t, l, 0); string(got[0].Data) != "original" {
		t.Fatalf("got %q", got[0].Data)
	}
}

func TestFullPageImageRule(t *testing.T) {
	page := testPage(40, 8000, 5)
	noHole := testPage(40, 8000, 5)
	noHole[5000] = 1 // a byte between pd_lower and pd_upper: not a hole
	odd := make([]byte, base.BlockSize)
	for i := range odd {
		odd[i] = byte(i)
	}
	const redo = LSN(1000)
	cases := []struct {
		name      string
		blk       BlockRef
		wantImage bool
		wantHole  bool
	}{
		{"page before redo", BlockRef{PageLSN: redo - 1, Page: page}, true, true},
		{"page at redo", BlockRef{PageLSN: redo, Page: page}, true, true},
		{"page after redo", BlockRef{PageLSN: redo + 1, Page: page}, false, false},
		{"new page", BlockRef{PageLSN: 0, Page: page}, true, true},
		{"forced", BlockRef{PageLSN: redo + 5, Page: page, ForceImage: true}, true, true},
		{"will init", BlockRef{PageLSN: 0, WillInit: true}, false, false},
		{"will init forced", BlockRef{PageLSN: 0, WillInit: true, ForceImage: true}, false, false},
		{"nonzero gap", BlockRef{PageLSN: 0, Page: noHole}, true, false},
		{"not a standard page", BlockRef{PageLSN: 0, Page: odd}, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := openLog(t, vfs.NewMem(), 0)
			defer l.Close()
			l.SetRedoPointer(redo)
			if l.RedoPointer() != redo {
				t.Fatal("RedoPointer")
			}
			blk := c.blk
			blk.Tag = tag(16384, 0)
			blk.Data = []byte("d")
			rec := &Record{Rmgr: RmgrHeap, Blocks: []BlockRef{blk}}
			insert(t, l, rec)
			l.Flush(l.InsertLSN())
			got := readAll(t, l, 0)[0].Blocks[0]
			if (got.Image != nil) != c.wantImage {
				t.Fatalf("image present = %v, want %v", got.Image != nil, c.wantImage)
			}
			if got.Image != nil && !bytes.Equal(got.Image, blk.Page) {
				t.Fatal("image differs from page")
			}
			size := int(rec.EndLSN - rec.LSN)
			if c.wantImage {
				full := RecordHeaderSize + blockHeaderSize + 4 + 1 + 4 + base.BlockSize
				if hole := size < full; hole != c.wantHole {
					t.Fatalf("record %d bytes (full image %d): hole = %v, want %v", size, full, hole, c.wantHole)
				}
				if l.Stats().FPIs != 1 {
					t.Fatalf("FPIs = %d", l.Stats().FPIs)
				}
			}
		})
	}
}

func TestFullPageImageAfterCheckpoint(t *testing.T) {
	l := openLog(t, vfs.NewMem(), 0)
	defer l.Close()
	page := testPage(40, 8000, 1)
	lsn := insert(t, l, &Record{Rmgr: RmgrHeap, Data: []byte("x")})
	// The page was last changed at lsn, after the redo pointer (0 until a
	// checkpoint other than 0... here FirstLSN): no image.
	l.SetRedoPointer(FirstLSN)
	insert(t, l, &Record{Rmgr: RmgrHeap, Blocks: []BlockRef{{Tag: tag(1, 0), PageLSN: lsn, Page: page}}})
	// A checkpoint moves the redo pointer past the page's LSN: the next
	// change of the page carries its image (W4).
	redo := l.BeginCheckpoint()
	if redo != l.InsertLSN() || l.RedoPointer() != redo {
		t.Fatalf("BeginCheckpoint = %s, insert %s", redo, l.InsertLSN())
	}
	insert(t, l, &Record{Rmgr: RmgrHeap, Blocks: []BlockRef{{Tag: tag(1, 0), PageLSN: lsn, Page: page}}})
	l.Flush(l.InsertLSN())
	recs := readAll(t, l, 0)
	if recs[1].Blocks[0].Image != nil || recs[2].Blocks[0].Image == nil {
		t.Fatalf("images: before checkpoint %v, after %v", recs[1].Blocks[0].Image != nil, recs[2].Blocks[0].Image != nil)
	}
}

func TestInsertErrors(t *testing.T) {
	l := openLog(t, vfs.NewMem(), 0)
	defer l.Close()
	_, err := l.Insert(&Record{Rmgr: RmgrHeap, Blocks: []BlockRef{{Tag: tag(1, 0), PageLSN: 0, Page: make([]byte, 10)}}})
	if pgerr.CodeOf(err) != pgerr.InternalError {
		t.Fatalf("short page: %v", err)
	}
	_, err = l.Insert(&Record{Rmgr: RmgrHeap, Blocks: make([]BlockRef, MaxBlockRefs+1)})
	if pgerr.CodeOf(err) != pgerr.ProgramLimitExceeded {
		t.Fatalf("too many blocks: %v", err)
	}
	_, err = l.Insert(&Record{Rmgr: RmgrHeap, Data: make([]byte, MaxRecordSize)})
	if pgerr.CodeOf(err) != pgerr.ProgramLimitExceeded {
		t.Fatalf("too large: %v", err)
	}
	if l.InsertLSN() != FirstLSN {
		t.Fatalf("failed inserts moved the insert position to %s", l.InsertLSN())
	}
}

func TestDecodeRecordCorruption(t *testing.T) {
	rec := &Record{XID: 5, Rmgr: RmgrHeap, Data: []byte("payload"),
		Blocks: []BlockRef{{Tag: tag(1, 2), Data: []byte("bd"), PageLSN: 0, Page: testPage(40, 8000, 3)}}}
	imgs := []blockImage{{take: true, holeOff: 40, holeLen: 8000 - 40}}
	b := make([]byte, encodedSize(rec, imgs))
	encodeRecord(b, rec, 77, imgs)
	if _, err := decodeRecord(b, 100); err != nil {
		t.Fatal(err)
	}
	for i := range b {
		c := bytes.Clone(b)
		c[i] ^= 0x40
		if _, err := decodeRecord(c, 100); pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Fatalf("flipped byte %d: %v", i, err)
		}
	}
	for n := range len(b) {
		if _, err := decodeRecord(b[:n], 100); pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
}

func TestSegmentName(t *testing.T) {
	cases := []struct {
		segno   uint64
		segSize int64
		want    string
	}{
		{0, 16 << 20, "000000010000000000000000"},
		{3, 16 << 20, "000000010000000000000003"},
		{255, 16 << 20, "0000000100000000000000FF"},
		{256, 16 << 20, "000000010000000100000000"},
		{0x1234, 1 << 30, "000000010000048D00000000"},
		{9, 512, "000000010000000000000009"},
	}
	for _, c := range cases {
		got := SegmentName(c.segno, c.segSize)
		if got != c.want {
			t.Errorf("SegmentName(%d, %d) = %s, want %s", c.segno, c.segSize, got, c.want)
		}
		if s, ok := parseSegmentName(got, c.segSize); !ok || s != c.segno {
			t.Errorf("parse %s = %d, %v", got, s, ok)
		}
	}
	for _, bad := range []string{"000000020000000000000000", "00000001000000000000000g", "0000000100000000", "000000010000000001000000x"} {
		if _, ok := parseSegmentName(bad, 16<<20); ok {
			t.Errorf("parsed %q", bad)
		}
	}
}
