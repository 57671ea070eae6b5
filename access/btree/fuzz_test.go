package btree

import (
	"encoding/binary"
	"testing"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

// fuzzIndex is a small index whose pages seed the fuzzers.
func fuzzIndex(t testing.TB) (*env, *Index) {
	e := newEnv(t, vfs.NewMem(), 64, false)
	ix, err := Create(e.pool, nil, testNode, Desc{Name: "fz", Keys: []KeyCol{intCol("a"), textCol("t")}, NInclude: 1})
	must(t, err)
	for i := 0; i < 400; i++ {
		var v [][]byte
		if i%17 == 0 {
			v = [][]byte{nil, []byte("n"), nil}
		} else {
			v = [][]byte{i8(int64(i % 50)), []byte("some text value"), []byte("inc")}
		}
		must(t, ix.Insert(ctx, nil, v, tidOf(i)))
	}
	return e, ix
}

// pageFromFuzz builds a page from a compact fuzz input: a little-endian
// length h, then h bytes for the start of the page (header and line
// pointers), then the bytes for the end of the page (tuples and special
// space); zeros in between. Small inputs keep the fuzzer fast.
func pageFromFuzz(data []byte) bufmgr.Page {
	p := make(bufmgr.Page, base.BlockSize)
	if len(data) < 2 {
		return p
	}
	h := min(int(binary.LittleEndian.Uint16(data)), len(data)-2, base.BlockSize)
	copy(p, data[2:2+h])
	tail := data[2+h:]
	if len(tail) > base.BlockSize-h {
		tail = tail[:base.BlockSize-h]
	}
	copy(p[base.BlockSize-len(tail):], tail)
	return p
}

// pageToFuzz is the inverse of pageFromFuzz for a well-formed page.
func pageToFuzz(p bufmgr.Page) []byte {
	b := binary.LittleEndian.AppendUint16(nil, uint16(p.Lower()))
	b = append(b, p[:p.Lower()]...)
	return append(b, p[p.Upper():]...)
}

// FuzzDecodePage feeds arbitrary bytes as an index page to the decoders
// (the checker's page decoder, the tuple parser and the metapage reader):
// they must return an error or a result, never panic (BT12).
func FuzzDecodePage(f *testing.F) {
	e, ix := fuzzIndex(f)
	// Seeds: the metapage, a small root leaf, a leaf with a high key and
	// an internal page.
	f.Add(pageToFuzz(readPageCopy2(f, e.pool, 0)))
	leaf := make(bufmgr.Page, base.BlockSize)
	must(f, fillPage(leaf, opaque{prev: 3, next: 4, flags: btpLeaf}, [][]byte{
		formPivot([][]byte{i8(9)}, base.InvalidBlock, false, base.ItemPointer{}),
		formLeaf([][]byte{i8(1), []byte("a"), nil}, tidOf(1)),
		formLeaf([][]byte{nil, []byte("b"), []byte("c")}, tidOf(2)),
	}))
	f.Add(pageToFuzz(leaf))
	inner := make(bufmgr.Page, base.BlockSize)
	must(f, fillPage(inner, opaque{level: 1, flags: btpRoot}, [][]byte{
		minusInfinity(1),
		formPivot([][]byte{i8(5)}, 2, false, base.ItemPointer{}),
		formPivot([][]byte{i8(5), []byte("x")}, 3, true, tidOf(7)),
	}))
	f.Add(pageToFuzz(inner))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := pageFromFuzz(data)
		if cp, err := ix.decodePage(p, 1); err == nil {
			// A decoded page can be compared and described.
			for i := 1; i < len(cp.items); i++ {
				ix.cmpTup(cp.items[i-1], cp.items[i])
			}
			if cp.high != nil && len(cp.items) > 0 {
				ix.cmpTup(cp.items[0], cp.high)
				_ = ix.describe(cp.high)
			}
		}
		_, _ = readMeta(p)
		if o, err := checkPageHeader(p, 1); err == nil {
			pb := &pageBuf{blk: 1}
			_ = o
			for off := base.OffsetNumber(1); off <= p.MaxOffset() && off < 50; off++ {
				if tup, err := ix.item(p, pb.blk, off); err == nil {
					_, _ = ix.keyOf(&tup, make([][]byte, ix.nkeys))
				}
			}
		}
	})
}

func readPageCopy2(t testing.TB, pool *bufmgr.Pool, blk base.BlockNumber) bufmgr.Page {
	b, err := pool.ReadBuffer(base.BufferTag{Node: testNode, Fork: base.MainFork, Block: blk})
	must(t, err)
	defer pool.Release(b)
	b.RLock()
	defer b.RUnlock()
	return append(bufmgr.Page(nil), b.Page()...)
}

// FuzzRedo replays arbitrary btree records onto the pages of an index:
// redo must apply them or return an error, never panic (BT12).
func FuzzRedo(f *testing.F) {
	f.Add(infoInsertLeaf, []byte{}, []byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, []byte{}, uint8(0))
	f.Add(infoSplitL, encodeSplitMain(splitMain{level: 0, firstRightOff: 3, newItemOff: 2}),
		encodeSplitLeft([]byte{1, 2, 3, 4, 5, 6, 7, 8, 1, 0}, []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0x80, 0}),
		encodeItems([][]byte{{1, 0, 0, 0, 1, 0, 0, 0, 0}}), uint8(2))
	f.Add(infoNewRoot, []byte{1, 0, 0, 0, 2, 0, 3, 0}, []byte{}, encodeItems([][]byte{minusInfinity(1)}), uint8(3))
	e, _ := fuzzIndex(f) // pages change from one input to the next: fine
	f.Fuzz(func(t *testing.T, info uint8, main, d0, d1 []byte, blocks uint8) {
		rec := &wal.Record{Rmgr: wal.RmgrBtree, Info: info, Data: main, LSN: 1 << 40, EndLSN: 1<<40 + 100}
		for i := 0; i < int(blocks%5); i++ {
			blk := base.BlockNumber(binary.LittleEndian.Uint16([]byte{byte(i) ^ blocks, 0}) % 8)
			ref := wal.BlockRef{Tag: base.BufferTag{Node: testNode, Fork: base.MainFork, Block: blk}, WillInit: blocks&(16<<i%4) != 0}
			switch i {
			case 0:
				ref.Data = d0
			case 1:
				ref.Data = d1
			}
			rec.Blocks = append(rec.Blocks, ref)
		}
		_ = redo(e.pool, rec)
	})
}
