package bufmgr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/wal"
)

func tagOf(blk base.BlockNumber) base.BufferTag {
	return base.BufferTag{Node: rel1, Fork: base.MainFork, Block: blk}
}

type env struct {
	fs   *memFS
	smgr *Smgr
	log  *fakeLog
	pool *Pool
	ev   *events
}

// newEnv makes a pool of n buffers over a fresh file system with rel1
// created; withWAL adds a fake log.
func newEnv(t testing.TB, n int, withWAL bool) *env {
	t.Helper()
	e := &env{ev: &events{}}
	e.smgr, e.fs = newSmgr(t, e.ev)
	opts := PoolOptions{NBuffers: n, Smgr: e.smgr}
	if withWAL {
		e.log = newFakeLog(e.ev)
		opts.WAL = e.log
	}
	e.pool = NewPool(opts)
	if err := e.pool.LogCreate(rel1); err != nil {
		t.Fatal(err)
	}
	return e
}

// reopen returns a new pool over the same files (a restart without crash).
func (e *env) reopen(n int) *Pool {
	opts := PoolOptions{NBuffers: n, Smgr: e.smgr}
	if e.log != nil {
		opts.WAL = e.log
	}
	return NewPool(opts)
}

// addPages appends n initialized pages, each holding one item "page <blk>"
// and page LSN lsn, and releases them dirty.
func addPages(t testing.TB, p *Pool, n int, lsn base.LSN) {
	t.Helper()
	for range n {
		b, err := p.NewPage(rel1, base.MainFork)
		if err != nil {
			t.Fatal(err)
		}
		b.Lock()
		InitPage(b.Page(), 0)
		if _, err := b.Page().AddItem(fmt.Appendf(nil, "page %d", b.Tag().Block), base.InvalidOffset); err != nil {
			t.Fatal(err)
		}
		b.Page().SetLSN(lsn)
		b.MarkDirty()
		b.Unlock()
		p.Release(b)
	}
}

func readItem(t testing.TB, p *Pool, blk base.BlockNumber) string {
	t.Helper()
	b, err := p.ReadBuffer(tagOf(blk))
	if err != nil {
		t.Fatalf("read block %d: %v", blk, err)
	}
	defer p.Release(b)
	b.RLock()
	defer b.RUnlock()
	return string(b.Page().Item(1))
}

func TestPoolRoundTrip(t *testing.T) {
	e := newEnv(t, 8, false)
	addPages(t, e.pool, 20, 0) // more pages than buffers: eviction writes some
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	if err := e.pool.Check(); err != nil {
		t.Fatal(err)
	}
	// Every page on disk carries a valid checksum (B7).
	raw := e.fs.raw("data/base/16384")
	if len(raw) != 20*base.BlockSize {
		t.Fatalf("file has %d bytes", len(raw))
	}
	for blk := range 20 {
		pg := Page(raw[blk*base.BlockSize : (blk+1)*base.BlockSize])
		if err := VerifyPage(pg, base.BlockNumber(blk)); err != nil || pg.StoredChecksum() == 0 {
			t.Fatalf("block %d on disk: %v", blk, err)
		}
	}
	p2 := e.reopen(4)
	for blk := range base.BlockNumber(20) {
		if got, want := readItem(t, p2, blk), fmt.Sprintf("page %d", blk); got != want {
			t.Fatalf("block %d: %q, want %q", blk, got, want)
		}
	}
	if err := p2.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestPoolStats(t *testing.T) {
	e := newEnv(t, 8, false)
	addPages(t, e.pool, 3, 0)
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	if s := e.pool.Stats(rel1); s.Writes != 3 || s.Reads != 0 || s.Hits != 0 {
		t.Fatalf("after load: %+v", s)
	}
	p2 := e.reopen(8)
	readItem(t, p2, 0)
	readItem(t, p2, 0)
	readItem(t, p2, 1)
	readItem(t, p2, 0)
	if s := p2.Stats(rel1); s != (Stats{Hits: 2, Reads: 2}) {
		t.Fatalf("rel stats %+v", s)
	}
	if s := p2.TotalStats(); s != (Stats{Hits: 2, Reads: 2}) {
		t.Fatalf("total stats %+v", s)
	}
	if s := p2.Stats(base.RelFileNode{Rel: 1}); s != (Stats{}) {
		t.Fatalf("other relation %+v", s)
	}
}

func TestEvictionNeverPicksPinnedBuffer(t *testing.T) {
	e := newEnv(t, 4, false)
	addPages(t, e.pool, 30, 0)
	p := e.pool
	var pinned []*Buffer
	for blk := range base.BlockNumber(3) {
		b, err := p.ReadBuffer(tagOf(blk))
		if err != nil {
			t.Fatal(err)
		}
		pinned = append(pinned, b)
	}
	// Cycle every other page through the one free buffer, many times.
	for round := range 3 {
		for blk := base.BlockNumber(3); blk < 30; blk++ {
			if got := readItem(t, p, blk); got != fmt.Sprintf("page %d", blk) {
				t.Fatalf("round %d block %d: %q", round, blk, got)
			}
			for i, b := range pinned {
				if b.Tag() != tagOf(base.BlockNumber(i)) {
					t.Fatalf("pinned buffer %d was retagged to %v", i, b.Tag())
				}
			}
		}
	}
	for i, b := range pinned {
		b.RLock()
		got := string(b.Page().Item(1))
		b.RUnlock()
		if got != fmt.Sprintf("page %d", i) {
			t.Fatalf("pinned page %d now holds %q", i, got)
		}
	}
	// With every buffer pinned there is no victim.
	last, err := p.ReadBuffer(tagOf(10))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.ReadBuffer(tagOf(11))
	if pgerr.CodeOf(err) != pgerr.InsufficientResources || !strings.Contains(err.Error(), "no unpinned buffers available") {
		t.Fatalf("all pinned: %v", err)
	}
	p.Release(last)
	for _, b := range pinned {
		p.Release(b)
	}
	if _, err := p.ReadBuffer(tagOf(11)); err != nil {
		t.Fatalf("after release: %v", err)
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestClockSweepOrder drives getVictim (StrategyGetBuffer) from a given
// state of pins, usage counts and clock hand.
func TestClockSweepOrder(t *testing.T) {
	cases := []struct {
		name      string
		usage     []uint8
		pinned    []bool
		hand      uint64
		wantVict  int
		wantUsage []uint8
		wantHand  uint64 // clock position after the sweep
		wantErr   bool
	}{
		{name: "first zero at the hand", usage: []uint8{0, 0, 0}, hand: 0, wantVict: 0, wantUsage: []uint8{0, 0, 0}, wantHand: 1},
		{name: "hand in the middle", usage: []uint8{0, 0, 0}, hand: 1, wantVict: 1, wantUsage: []uint8{0, 0, 0}, wantHand: 2},
		{name: "decrement until zero", usage: []uint8{2, 1, 3}, hand: 0, wantVict: 1, wantUsage: []uint8{0, 0, 2}, wantHand: 5},
		{name: "skips pinned zero", usage: []uint8{0, 1, 1}, pinned: []bool{true, false, false}, hand: 0, wantVict: 1, wantUsage: []uint8{0, 0, 0}, wantHand: 5},
		{name: "wraps around", usage: []uint8{1, 5, 1}, hand: 2, wantVict: 2, wantUsage: []uint8{0, 4, 0}, wantHand: 6},
		{name: "all max", usage: []uint8{5, 5}, hand: 0, wantVict: 0, wantUsage: []uint8{0, 0}, wantHand: 11},
		{name: "only unpinned has high count", usage: []uint8{0, 3, 0}, pinned: []bool{true, false, true}, hand: 0, wantVict: 1, wantUsage: []uint8{0, 0, 0}, wantHand: 11},
		{name: "all pinned", usage: []uint8{1, 2, 3}, pinned: []bool{true, true, true}, hand: 0, wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := newSmgr(t, nil)
			p := NewPool(PoolOptions{NBuffers: len(c.usage), Smgr: s})
			p.free = nil // the free list is empty once the pool has filled
			for i, u := range c.usage {
				b := &p.bufs[i]
				b.onFreeList = false
				b.usage = u
				if c.pinned != nil && c.pinned[i] {
					b.refcount = 1
				}
			}
			p.nextVictim.Store(c.hand)
			v, err := p.getVictim()
			if c.wantErr {
				if pgerr.CodeOf(err) != pgerr.InsufficientResources {
					t.Fatalf("got %v, %v; want InsufficientResources", v, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.ID() != c.wantVict || v.refcount != 1 {
				t.Fatalf("victim %d (refcount %d), want %d", v.ID(), v.refcount, c.wantVict)
			}
			for i, want := range c.wantUsage {
				if p.bufs[i].usage != want {
					t.Errorf("buffer %d usage %d, want %d", i, p.bufs[i].usage, want)
				}
			}
			if got := p.nextVictim.Load(); got != c.wantHand {
				t.Errorf("hand at %d, want %d", got, c.wantHand)
			}
		})
	}
}

func TestFreeListBeforeClock(t *testing.T) {
	s, _ := newSmgr(t, nil)
	p := NewPool(PoolOptions{NBuffers: 3, Smgr: s})
	for want := range 3 {
		v, err := p.getVictim()
		if err != nil || v.ID() != want {
			t.Fatalf("victim %v %v, want %d", v, err, want)
		}
	}
	if p.nextVictim.Load() != 0 {
		t.Fatal("clock moved while the free list had buffers")
	}
}

func TestUsageCountCapped(t *testing.T) {
	e := newEnv(t, 4, false)
	addPages(t, e.pool, 1, 0)
	for range 10 {
		readItem(t, e.pool, 0)
	}
	b, _ := e.pool.ReadBuffer(tagOf(0))
	defer e.pool.Release(b)
	if b.usage != MaxUsageCount {
		t.Fatalf("usage %d, want %d", b.usage, MaxUsageCount)
	}
}

// TestWALRule checks B3: the log is flushed through the page LSN before
// the page is written, by a checkpoint and by an eviction.
func TestWALRule(t *testing.T) {
	t.Run("checkpoint", func(t *testing.T) {
		e := newEnv(t, 4, true)
		addPages(t, e.pool, 1, 5000)
		if err := e.pool.FlushAll(); err != nil {
			t.Fatal(err)
		}
		evs := e.ev.list()
		f, w, s := hasEvent(evs, "flush 5000"), hasEvent(evs, "write 16384 0"), hasEvent(evs, "sync 16384")
		if f < 0 || w < 0 || s < 0 || !(f < w && w < s) {
			t.Fatalf("events %v", evs)
		}
	})
	t.Run("eviction", func(t *testing.T) {
		e := newEnv(t, 2, true)
		addPages(t, e.pool, 4, 7000) // the first two are evicted by the last two
		evs := e.ev.list()
		f, w := hasEvent(evs, "flush 7000"), hasEvent(evs, "write 16384 0")
		if f < 0 || w < 0 || f > w {
			t.Fatalf("events %v", evs)
		}
		if e.log.flushedLSN() < 7000 {
			t.Fatalf("flushed %d", e.log.flushedLSN())
		}
	})
	t.Run("flush failure keeps the page unwritten and dirty", func(t *testing.T) {
		e := newEnv(t, 4, true)
		addPages(t, e.pool, 1, 5000)
		e.log.flushErr = pgerr.New(pgerr.IoError, "injected WAL failure")
		writesBefore := strings.Count(strings.Join(e.ev.list(), "\n"), "write 16384 0")
		if err := e.pool.FlushAll(); pgerr.CodeOf(err) != pgerr.IoError {
			t.Fatalf("FlushAll: %v", err)
		}
		if got := strings.Count(strings.Join(e.ev.list(), "\n"), "write 16384 0"); got != writesBefore {
			t.Fatal("page written although the WAL flush failed")
		}
		e.log.flushErr = nil
		if err := e.pool.FlushAll(); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(strings.Join(e.ev.list(), "\n"), "write 16384 0"); got != writesBefore+1 {
			t.Fatal("dirty page not written by the next checkpoint")
		}
	})
}

func TestChecksumFailureOnRead(t *testing.T) {
	e := newEnv(t, 4, false)
	addPages(t, e.pool, 3, 0)
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	// Flip one bit in the tuple of block 1.
	raw := e.fs.raw("data/base/16384")
	off := base.BlockSize + base.BlockSize - 8
	e.fs.poke("data/base/16384", off, []byte{raw[off] ^ 0x10})

	p2 := e.reopen(4)
	for range 2 { // a failed read leaves nothing behind: the second fails alike
		_, err := p2.ReadBuffer(tagOf(1))
		if pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Fatalf("corrupt page: %v", err)
		}
		if want := "invalid page in block 1 of relation data/base/16384"; pgerr.As(err).Message != want {
			t.Fatalf("message %q, want %q", pgerr.As(err).Message, want)
		}
	}
	if got := readItem(t, p2, 2); got != "page 2" {
		t.Fatalf("neighbour block: %q", got)
	}
	if err := p2.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestTornPageDetected writes a page twice and leaves on disk the first
// sectors of the second version over the first: the checksum catches it.
func TestTornPageDetected(t *testing.T) {
	e := newEnv(t, 4, false)
	addPages(t, e.pool, 1, 100)
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	v1 := e.fs.raw("data/base/16384")
	b, err := e.pool.ReadBuffer(tagOf(0))
	if err != nil {
		t.Fatal(err)
	}
	b.Lock()
	copy(b.Page().Item(1), "PAGE")
	b.Page().SetLSN(200)
	b.MarkDirty()
	b.Unlock()
	e.pool.Release(b)
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	v2 := e.fs.raw("data/base/16384")
	for sectors := 1; sectors < base.BlockSize/512; sectors++ {
		torn := append(append([]byte(nil), v2[:sectors*512]...), v1[sectors*512:]...)
		e.fs.poke("data/base/16384", 0, torn)
		_, err := e.reopen(4).ReadBuffer(tagOf(0))
		if pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Fatalf("torn after %d sectors: %v", sectors, err)
		}
	}
	e.fs.poke("data/base/16384", 0, v2)
	if got := readItem(t, e.reopen(4), 0); got != "PAGE 0" {
		t.Fatalf("intact page: %q", got)
	}
}

func TestMarkDirtyHint(t *testing.T) {
	e := newEnv(t, 4, true)
	addPages(t, e.pool, 1, 500)
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	e.log.setRedo(1000) // a checkpoint happened after the page's last change
	fpis := func() int {
		n := 0
		for _, r := range e.log.records() {
			if r.Rmgr == wal.RmgrXLOG && r.Info == wal.InfoFPI {
				n++
			}
		}
		return n
	}
	hint := func() {
		b, err := e.pool.ReadBuffer(tagOf(0))
		if err != nil {
			t.Fatal(err)
		}
		b.RLock()
		if err := b.MarkDirtyHint(); err != nil {
			t.Fatal(err)
		}
		b.RUnlock()
		e.pool.Release(b)
	}
	hint()
	if fpis() != 1 {
		t.Fatalf("%d FPI records, want 1", fpis())
	}
	rec := e.log.records()[len(e.log.records())-1]
	br := rec.Blocks[0]
	if br.Tag != tagOf(0) || !br.ForceImage || br.PageLSN != 500 || len(br.Image) != base.BlockSize {
		t.Fatalf("FPI block ref %+v", br.Tag)
	}
	b, _ := e.pool.ReadBuffer(tagOf(0))
	if b.LSN() != rec.EndLSN {
		t.Fatalf("page LSN %d, want FPI end %d", b.LSN(), rec.EndLSN)
	}
	e.pool.Release(b)
	hint() // already dirty: nothing more to log
	if fpis() != 1 {
		t.Fatalf("%d FPI records after second hint", fpis())
	}
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	hint() // clean, but the page LSN is now past the redo pointer
	if fpis() != 1 {
		t.Fatalf("%d FPI records after hint past redo", fpis())
	}
	// Without WAL a hint just dirties the page.
	e2 := newEnv(t, 4, false)
	addPages(t, e2.pool, 1, 0)
	b, _ = e2.pool.ReadBuffer(tagOf(0))
	if err := b.MarkDirtyHint(); err != nil {
		t.Fatal(err)
	}
	e2.pool.Release(b)
}

func TestNewPageConcurrent(t *testing.T) {
	e := newEnv(t, 16, false)
	const workers, each = 8, 10
	blocks := make(chan base.BlockNumber, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				b, err := e.pool.NewPage(rel1, base.MainFork)
				if err != nil {
					t.Error(err)
					return
				}
				blocks <- b.Tag().Block
				e.pool.Release(b)
			}
		})
	}
	wg.Wait()
	close(blocks)
	seen := map[base.BlockNumber]bool{}
	for blk := range blocks {
		if seen[blk] {
			t.Fatalf("block %d handed out twice", blk)
		}
		seen[blk] = true
	}
	if n, _ := e.smgr.NBlocks(rel1, base.MainFork); n != workers*each || len(seen) != workers*each {
		t.Fatalf("nblocks %d, distinct %d", n, len(seen))
	}
}

func TestConcurrentLoadOfOneBlockReadsOnce(t *testing.T) {
	e := newEnv(t, 8, false)
	addPages(t, e.pool, 1, 0)
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	p := e.reopen(8)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			b, err := p.ReadBuffer(tagOf(0))
			if err != nil {
				t.Error(err)
				return
			}
			b.RLock()
			if string(b.Page().Item(1)) != "page 0" {
				t.Errorf("item %q", b.Page().Item(1))
			}
			b.RUnlock()
			p.Release(b)
		})
	}
	wg.Wait()
	if s := p.TotalStats(); s.Reads != 1 || s.Hits != 15 {
		t.Fatalf("stats %+v", s)
	}
}

// TestConcurrentReadersAndWriters runs goroutines that read and update
// pages through a pool smaller than the data, with checkpoints mixed in.
// Each page holds two copies of a counter, always changed together under
// the exclusive lock, so a reader under the shared lock must see them
// equal (B2). At the end the counters add up to the number of updates.
func TestConcurrentReadersAndWriters(t *testing.T) {
	// 16 buffers for 40 pages: most reads evict. A worker pins at most
	// two buffers at a time (a victim and, after a collision, the winner),
	// so 7 others can never pin all 16 and exhaust the pool.
	const pages, workers = 40, 8
	ops := 400
	if testing.Short() {
		ops = 100
	}
	e := newEnv(t, 16, true)
	for range pages {
		b, err := e.pool.NewPage(rel1, base.MainFork)
		if err != nil {
			t.Fatal(err)
		}
		b.Lock()
		InitPage(b.Page(), 0)
		for range 2 {
			if _, err := b.Page().AddItem(make([]byte, 8), base.InvalidOffset); err != nil {
				t.Fatal(err)
			}
		}
		b.MarkDirty()
		b.Unlock()
		e.pool.Release(b)
	}
	var updates sync.Map
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			seed := int64(w)
			rng := rand.New(rand.NewSource(seed))
			n := 0
			for i := range ops {
				blk := base.BlockNumber(rng.Intn(pages))
				b, err := e.pool.ReadBuffer(tagOf(blk))
				if err != nil {
					t.Errorf("seed %d op %d: %v", seed, i, err)
					return
				}
				switch r := rng.Intn(10); {
				case r < 5:
					b.RLock()
					a, c := binary.LittleEndian.Uint64(b.Page().Item(1)), binary.LittleEndian.Uint64(b.Page().Item(2))
					b.RUnlock()
					if a != c {
						t.Errorf("seed %d: block %d torn in memory: %d != %d", seed, blk, a, c)
					}
				case r < 9:
					b.Lock()
					pg := b.Page()
					v := binary.LittleEndian.Uint64(pg.Item(1)) + 1
					binary.LittleEndian.PutUint64(pg.Item(1), v)
					binary.LittleEndian.PutUint64(pg.Item(2), v)
					lsn, _ := e.log.Insert(&wal.Record{Rmgr: wal.RmgrHeap})
					pg.SetLSN(lsn)
					b.MarkDirty()
					b.Unlock()
					n++
				default:
					b.RLock()
					if err := b.MarkDirtyHint(); err != nil {
						t.Error(err)
					}
					b.RUnlock()
				}
				e.pool.Release(b)
				if rng.Intn(100) == 0 {
					if err := e.pool.FlushAll(); err != nil {
						t.Errorf("seed %d: FlushAll: %v", seed, err)
					}
				}
			}
			updates.Store(w, n)
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if err := e.pool.Check(); err != nil {
		t.Fatal(err)
	}
	if s := e.pool.TotalStats(); s.Reads == 0 || s.Writes == 0 {
		t.Fatalf("no eviction happened: %+v", s)
	}
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	want := 0
	updates.Range(func(_, v any) bool { want += v.(int); return true })
	p2 := e.reopen(4)
	got := 0
	for blk := range base.BlockNumber(pages) {
		b, err := p2.ReadBuffer(tagOf(blk))
		if err != nil {
			t.Fatal(err)
		}
		b.RLock()
		got += int(binary.LittleEndian.Uint64(b.Page().Item(1)))
		b.RUnlock()
		p2.Release(b)
	}
	if got != want {
		t.Fatalf("counters sum to %d, want %d", got, want)
	}
}

func TestDropRelation(t *testing.T) {
	e := newEnv(t, 8, false)
	addPages(t, e.pool, 2, 0)
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	b, _ := e.pool.ReadBuffer(tagOf(0))
	b.Lock()
	copy(b.Page().Item(1), "DROP")
	b.MarkDirty()
	b.Unlock()
	e.pool.Release(b)
	e.pool.DropRelation(rel1)
	if err := e.pool.Check(); err != nil {
		t.Fatal(err)
	}
	writes := e.pool.TotalStats().Writes
	if err := e.pool.FlushAll(); err != nil {
		t.Fatal(err)
	}
	if e.pool.TotalStats().Writes != writes {
		t.Fatal("a dropped buffer was written")
	}
	if got := readItem(t, e.pool, 0); got != "page 0" {
		t.Fatalf("after drop: %q (the dirty change must be gone)", got)
	}
	if err := e.smgr.Unlink(rel1); err != nil {
		t.Fatal(err)
	}
}

func TestDropRelationWaitsForPins(t *testing.T) {
	e := newEnv(t, 4, false)
	addPages(t, e.pool, 1, 0)
	b, _ := e.pool.ReadBuffer(tagOf(0))
	done := make(chan struct{})
	go func() {
		e.pool.DropRelation(rel1)
		close(done)
	}()
	e.pool.Release(b)
	<-done
	if err := e.pool.Check(); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.pool.parts[partOf(tagOf(0))].m.get(tagOf(0), tagHash(tagOf(0))); ok {
		t.Fatal("buffer still mapped")
	}
}

func TestLockForCleanup(t *testing.T) {
	e := newEnv(t, 4, false)
	addPages(t, e.pool, 1, 0)
	b1, _ := e.pool.ReadBuffer(tagOf(0))
	b2, _ := e.pool.ReadBuffer(tagOf(0))
	if e.pool.TryLockForCleanup(b1) {
		t.Fatal("cleanup lock with two pins")
	}
	got := make(chan struct{})
	go func() {
		e.pool.LockForCleanup(b1)
		close(got)
	}()
	e.pool.Release(b2)
	<-got
	b1.Unlock()
	if !e.pool.TryLockForCleanup(b1) {
		t.Fatal("no cleanup lock with one pin")
	}
	b1.Unlock()
	e.pool.Release(b1)
}

func TestReadPastEndIsError(t *testing.T) {
	e := newEnv(t, 4, false)
	_, err := e.pool.ReadBuffer(tagOf(3))
	if pgerr.CodeOf(err) != pgerr.DataCorrupted {
		t.Fatalf("read past EOF: %v", err)
	}
	// The block can still be added afterwards.
	addPages(t, e.pool, 4, 0)
	if got := readItem(t, e.pool, 3); got != "page 3" {
		t.Fatalf("got %q", got)
	}
	_, err = e.pool.ReadBuffer(base.BufferTag{Node: base.RelFileNode{Rel: 999}})
	if pgerr.CodeOf(err) != pgerr.UndefinedFile {
		t.Fatalf("missing relation: %v", err)
	}
	if err := e.pool.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestWriteErrorPropagates(t *testing.T) {
	e := newEnv(t, 4, false)
	addPages(t, e.pool, 1, 0)
	e.fs.syncErr = errSync
	err := e.pool.FlushAll()
	if !errors.Is(err, errSync) {
		t.Fatalf("FlushAll with failing fsync: %v", err)
	}
	if e.pool.FlushAll() == nil {
		t.Fatal("FlushAll succeeded after a failed fsync")
	}
}

func BenchmarkReadBufferHit(b *testing.B) {
	e := newEnv(b, 64, false)
	addPages(b, e.pool, 32, 0)
	p := e.pool
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		buf, err := p.ReadBuffer(tagOf(base.BlockNumber(i % 32)))
		if err != nil {
			b.Fatal(err)
		}
		p.Release(buf)
	}
}

func BenchmarkReadBufferHitParallel(b *testing.B) {
	e := newEnv(b, 64, false)
	addPages(b, e.pool, 32, 0)
	p := e.pool
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			buf, err := p.ReadBuffer(tagOf(base.BlockNumber(i % 32)))
			if err != nil {
				b.Error(err)
				return
			}
			p.Release(buf)
			i++
		}
	})
}
