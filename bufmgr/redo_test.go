package bufmgr

import (
	"bytes"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/wal"
)

// heapRecord is a stand-in for a heap record in these tests: redo adds
// Data as an item to the page (WillInit: to a freshly initialized page).
func heapRecord(tag base.BufferTag, data string, willInit bool) *wal.Record {
	return &wal.Record{
		Rmgr:   wal.RmgrHeap,
		Blocks: []wal.BlockRef{{Tag: tag, WillInit: willInit, Data: []byte(data)}},
	}
}

func redoHeap(p *Pool, rec *wal.Record) error {
	b, apply, err := p.ReadForRedo(rec, 0)
	if err != nil {
		return err
	}
	defer p.Release(b)
	defer b.Unlock()
	if !apply {
		return nil
	}
	if rec.Blocks[0].WillInit {
		InitPage(b.Page(), 0)
	}
	if _, err := b.Page().AddItem(rec.Blocks[0].Data, base.InvalidOffset); err != nil {
		return err
	}
	b.Page().SetLSN(rec.EndLSN)
	b.MarkDirty()
	return nil
}

// doHeap performs a heap-like change the normal way: lock, change, log
// (with the page, so the log can add a full-page image), set the LSN.
func doHeap(t *testing.T, e *env, blk base.BlockNumber, data string) {
	t.Helper()
	b, err := e.pool.ReadBuffer(tagOf(blk))
	if err != nil {
		t.Fatal(err)
	}
	b.Lock()
	old := b.Page().LSN()
	if _, err := b.Page().AddItem([]byte(data), base.InvalidOffset); err != nil {
		t.Fatal(err)
	}
	rec := heapRecord(tagOf(blk), data, false)
	rec.Blocks[0].PageLSN = old
	rec.Blocks[0].Page = b.Page()
	end, err := e.log.Insert(rec)
	if err != nil {
		t.Fatal(err)
	}
	b.Page().SetLSN(end)
	b.MarkDirty()
	b.Unlock()
	e.pool.Release(b)
}

func pageItems(t *testing.T, p *Pool, blk base.BlockNumber) []string {
	t.Helper()
	b, err := p.ReadBuffer(tagOf(blk))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Release(b)
	b.RLock()
	defer b.RUnlock()
	var items []string
	for o := base.OffsetNumber(1); o <= b.Page().MaxOffset(); o++ {
		items = append(items, string(b.Page().Item(o)))
	}
	return items
}

func TestReadForRedo(t *testing.T) {
	image := newPage(0)
	if _, err := image.AddItem([]byte("from image"), base.InvalidOffset); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		pageLSN   base.LSN // LSN of the page on disk before redo (0: no page)
		ref       wal.BlockRef
		endLSN    base.LSN
		wantApply bool
		wantLSN   base.LSN
		wantItem  string
	}{
		{name: "older page needs redo", pageLSN: 100, endLSN: 200, wantApply: true, wantLSN: 100, wantItem: "old"},
		{name: "page already has the change", pageLSN: 200, endLSN: 200, wantApply: false, wantLSN: 200, wantItem: "old"},
		{name: "page newer than record", pageLSN: 300, endLSN: 200, wantApply: false, wantLSN: 300, wantItem: "old"},
		{name: "image restored whatever the LSN", pageLSN: 300, ref: wal.BlockRef{Image: image}, endLSN: 200, wantApply: false, wantLSN: 200, wantItem: "from image"},
		{name: "missing block is added zeroed", pageLSN: 0, endLSN: 200, wantApply: true, wantLSN: 0},
		{name: "will-init does not read the page", pageLSN: 0, ref: wal.BlockRef{WillInit: true}, endLSN: 200, wantApply: true, wantLSN: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, 4, false)
			if c.pageLSN != 0 {
				b, _ := e.pool.NewPage(rel1, base.MainFork)
				b.Lock()
				InitPage(b.Page(), 0)
				_, _ = b.Page().AddItem([]byte("old"), base.InvalidOffset)
				b.Page().SetLSN(c.pageLSN)
				b.MarkDirty()
				b.Unlock()
				e.pool.Release(b)
				if err := e.pool.FlushAll(); err != nil {
					t.Fatal(err)
				}
			}
			p := e.reopen(4)
			ref := c.ref
			ref.Tag = tagOf(0)
			rec := &wal.Record{LSN: c.endLSN - 50, EndLSN: c.endLSN, Blocks: []wal.BlockRef{ref}}
			b, apply, err := p.ReadForRedo(rec, 0)
			if err != nil {
				t.Fatal(err)
			}
			if b.TryLock() {
				t.Fatal("buffer is not exclusively locked")
			}
			if apply != c.wantApply || b.Page().LSN() != c.wantLSN {
				t.Fatalf("apply %v lsn %d, want %v %d", apply, b.Page().LSN(), c.wantApply, c.wantLSN)
			}
			if got := string(b.Page().Item(1)); got != c.wantItem {
				t.Fatalf("item %q, want %q", got, c.wantItem)
			}
			b.Unlock()
			p.Release(b)
			if err := p.Check(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestReadForRedoCreatesRelation(t *testing.T) {
	e := newEnv(t, 4, false)
	other := base.RelFileNode{Rel: 20000}
	rec := &wal.Record{EndLSN: 100, Blocks: []wal.BlockRef{{Tag: base.BufferTag{Node: other, Block: 3}}}}
	b, apply, err := e.pool.ReadForRedo(rec, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !apply || !b.Page().IsNew() {
		t.Fatalf("apply %v new %v", apply, b.Page().IsNew())
	}
	b.Unlock()
	e.pool.Release(b)
	if n, err := e.smgr.NBlocks(other, base.MainFork); err != nil || n != 4 {
		t.Fatalf("nblocks %d %v", n, err)
	}
	bad := []*wal.Record{
		{Blocks: nil},
		{Blocks: []wal.BlockRef{{Tag: base.BufferTag{Node: other, Fork: 9}}}},
		{Blocks: []wal.BlockRef{{Tag: base.BufferTag{Node: other}, Image: []byte("short")}}},
	}
	for i, r := range bad {
		if _, _, err := e.pool.ReadForRedo(r, 0); err == nil {
			t.Errorf("bad record %d accepted", i)
		}
	}
}

// TestCrashRecovery logs a history of changes with the fake WAL, loses
// every data file ("crash" before any checkpoint), and replays the log
// through Rmgrs and ReadForRedo: the pages come back.
func TestCrashRecovery(t *testing.T) {
	e := newEnv(t, 4, true) // LogCreate(rel1) is the first record
	for range 3 {
		b, err := e.pool.NewPage(rel1, base.MainFork)
		if err != nil {
			t.Fatal(err)
		}
		b.Lock()
		InitPage(b.Page(), 0)
		rec := heapRecord(b.Tag(), "first", true)
		_, _ = b.Page().AddItem([]byte("first"), base.InvalidOffset)
		end, _ := e.log.Insert(rec)
		b.Page().SetLSN(end)
		b.MarkDirty()
		b.Unlock()
		e.pool.Release(b)
	}
	doHeap(t, e, 0, "second")
	doHeap(t, e, 2, "second")
	// A checkpoint: the redo pointer moves, so the next change to each
	// page logs a full-page image (W4); a hint does too (B8).
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	e.log.setRedo(e.log.next)
	doHeap(t, e, 1, "third")
	b, _ := e.pool.ReadBuffer(tagOf(2))
	b.RLock()
	if err := b.MarkDirtyHint(); err != nil {
		t.Fatal(err)
	}
	b.RUnlock()
	e.pool.Release(b)
	if err := e.pool.LogTruncate(rel1, 2); err != nil {
		t.Fatal(err)
	}
	// Rebuild from nothing: new files, new pool, replay everything.
	recs := e.log.records()
	s2, _ := newSmgr(t, nil)
	p2 := NewPool(PoolOptions{NBuffers: 4, Smgr: s2})
	rmgrs := map[wal.RmgrID]func(*wal.Record) error{}
	for _, rm := range p2.Rmgrs() {
		rmgrs[rm.ID] = rm.Redo
	}
	rmgrs[wal.RmgrHeap] = func(r *wal.Record) error { return redoHeap(p2, r) }
	replay := func() {
		for _, r := range recs {
			if err := rmgrs[r.Rmgr](r); err != nil {
				t.Fatalf("redo of %d/%#x at %d: %v", r.Rmgr, r.Info, r.LSN, err)
			}
		}
	}
	replay()
	check := func(p *Pool) {
		if n, _ := p.Smgr().NBlocks(rel1, base.MainFork); n != 2 {
			t.Fatalf("nblocks %d after replayed truncate", n)
		}
		want := [][]string{{"first", "second"}, {"first", "third"}}
		for blk, w := range want {
			if got := pageItems(t, p, base.BlockNumber(blk)); !equalStrings(got, w) {
				t.Fatalf("block %d items %q, want %q", blk, got, w)
			}
		}
	}
	check(p2)
	// Replaying again over the recovered state changes nothing (B6).
	replay()
	check(p2)
	if err := p2.FlushAll(); err != nil {
		t.Fatal(err)
	}
	check(NewPool(PoolOptions{NBuffers: 4, Smgr: s2}))
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLogTruncateFlushesFirst(t *testing.T) {
	e := newEnv(t, 4, true)
	addPages(t, e.pool, 3, 0)
	if err := e.pool.LogTruncate(rel1, 1); err != nil {
		t.Fatal(err)
	}
	recs := e.log.records()
	last := recs[len(recs)-1]
	if last.Rmgr != wal.RmgrSmgr || last.Info != InfoSmgrTruncate || e.log.flushedLSN() < last.EndLSN {
		t.Fatalf("last record %d/%#x, flushed %d < %d", last.Rmgr, last.Info, e.log.flushedLSN(), last.EndLSN)
	}
	tr, err := DecodeSmgrTruncate(last.Data)
	if err != nil || tr != (SmgrTruncate{Node: rel1, Fork: base.MainFork, NBlocks: 1}) {
		t.Fatalf("decoded %+v %v", tr, err)
	}
	if err := e.pool.Check(); err != nil {
		t.Fatal(err)
	}
	// The dropped dirty buffers must not come back on the next checkpoint.
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.smgr.NBlocks(rel1, base.MainFork); n != 1 {
		t.Fatalf("nblocks %d", n)
	}
}

func TestRedoGarbage(t *testing.T) {
	e := newEnv(t, 4, false)
	recs := []*wal.Record{
		{Rmgr: wal.RmgrSmgr, Info: InfoSmgrCreate, Data: []byte{1}},
		{Rmgr: wal.RmgrSmgr, Info: InfoSmgrCreate, Data: []byte{1, 0, 0, 0, 7}},
		{Rmgr: wal.RmgrSmgr, Info: InfoSmgrTruncate, Data: nil},
		{Rmgr: wal.RmgrSmgr, Info: 0x70},
		{Rmgr: wal.RmgrXLOG, Info: wal.InfoFPI, Blocks: []wal.BlockRef{{Tag: tagOf(0)}}},
	}
	for i, r := range recs {
		var err error
		if r.Rmgr == wal.RmgrSmgr {
			err = e.pool.RedoSmgr(r)
		} else {
			err = e.pool.RedoFPI(r)
		}
		if pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Errorf("record %d: %v", i, err)
		}
	}
	// Checkpoint and no-op records change no page.
	if err := e.pool.RedoFPI(&wal.Record{Rmgr: wal.RmgrXLOG, Info: wal.InfoCheckpointOnline}); err != nil {
		t.Fatal(err)
	}
}

func FuzzSmgrRecords(f *testing.F) {
	f.Add(EncodeSmgrCreate(SmgrCreate{Node: rel1, Fork: base.VMFork}))
	f.Add(EncodeSmgrTruncate(SmgrTruncate{Node: rel1, NBlocks: 7}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if c, err := DecodeSmgrCreate(b); err == nil {
			if !bytes.Equal(EncodeSmgrCreate(c), b) {
				t.Fatalf("create round trip %x", b)
			}
		} else if pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Fatal(err)
		}
		if tr, err := DecodeSmgrTruncate(b); err == nil {
			if !bytes.Equal(EncodeSmgrTruncate(tr), b) {
				t.Fatalf("truncate round trip %x", b)
			}
		} else if pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Fatal(err)
		}
	})
}
