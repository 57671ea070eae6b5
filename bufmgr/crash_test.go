package bufmgr

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

// *wal.Log is what the pool is meant to run with.
var _ Log = (*wal.Log)(nil)

// A "counter" resource manager for the crash test: each page holds two
// copies of a counter; a record sets both to the value in its block data.
const (
	infoCounterInit uint8 = 0x00
	infoCounterSet  uint8 = 0x10
)

func setCounter(t testing.TB, pg Page, v uint64) {
	t.Helper()
	for off := base.OffsetNumber(1); off <= 2; off++ {
		it := pg.Item(off)
		if len(it) != 8 {
			t.Fatalf("counter item %d has %d bytes", off, len(it))
		}
		binary.LittleEndian.PutUint64(it, v)
	}
}

func counterOf(pg Page) (uint64, uint64) {
	a, b := pg.Item(1), pg.Item(2)
	if len(a) != 8 || len(b) != 8 {
		return ^uint64(0), 0
	}
	return binary.LittleEndian.Uint64(a), binary.LittleEndian.Uint64(b)
}

func initCounterPage(pg Page) error {
	InitPage(pg, 0)
	for range 2 {
		if _, err := pg.AddItem(make([]byte, 8), base.InvalidOffset); err != nil {
			return err
		}
	}
	// Item 3 stands for hint bits: changed without WAL, far from the
	// header, so a torn write of a hint-only change is detectable.
	_, err := pg.AddItem(make([]byte, 8), base.InvalidOffset)
	return err
}

func redoCounter(t testing.TB, p *Pool) func(*wal.Record) error {
	return func(rec *wal.Record) error {
		b, apply, err := p.ReadForRedo(rec, 0)
		if err != nil {
			return err
		}
		defer p.Release(b)
		defer b.Unlock()
		if !apply {
			return nil
		}
		if rec.Info == infoCounterInit {
			if err := initCounterPage(b.Page()); err != nil {
				return err
			}
		}
		setCounter(t, b.Page(), binary.LittleEndian.Uint64(rec.Blocks[0].Data))
		b.Page().SetLSN(rec.EndLSN)
		b.MarkDirty()
		return nil
	}
}

// TestCrashRecoveryWithWAL runs a workload through the real WAL on a
// CrashFS, with checkpoints, evictions and hint-style changes, cuts the
// power (tearing unsynced writes at 512-byte sectors), and recovers by
// replaying from the last checkpoint: every page must verify (torn pages
// are repaired by full-page images, B8 and W4), and hold a counter at
// least as new as the last flushed one and no newer than the last set.
func TestCrashRecoveryWithWAL(t *testing.T) {
	seeds := 40
	if testing.Short() {
		seeds = 5
	}
	for seed := range int64(seeds) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { runCrash(t, seed) })
	}
}

func runCrash(t *testing.T, seed int64) {
	const pages = 10
	rng := rand.New(rand.NewSource(seed))
	fs := vfs.NewCrash(seed)
	log, err := wal.Open(wal.Options{FS: fs, Dir: "/pg_wal"})
	if err != nil {
		t.Fatal(err)
	}
	smgr, err := NewSmgr(fs, "/base")
	if err != nil {
		t.Fatal(err)
	}
	pool := NewPool(PoolOptions{NBuffers: 4, Smgr: smgr, WAL: log})
	if err := pool.LogCreate(rel1); err != nil {
		t.Fatal(err)
	}
	var model, durable [pages]uint64
	ckptRedo := wal.FirstLSN // what pg_control would say

	logCounter := func(b *Buffer, info uint8, v uint64, old base.LSN) {
		data := binary.LittleEndian.AppendUint64(nil, v)
		ref := wal.BlockRef{Tag: b.Tag(), PageLSN: old, Page: b.Page(), Data: data}
		if info == infoCounterInit {
			ref = wal.BlockRef{Tag: b.Tag(), WillInit: true, Data: data}
		}
		end, err := log.Insert(&wal.Record{Rmgr: wal.RmgrHeap, Info: info, Blocks: []wal.BlockRef{ref}})
		if err != nil {
			t.Fatal(err)
		}
		b.Page().SetLSN(end)
		b.MarkDirty()
	}
	flushAll := func() {
		if err := log.Flush(log.InsertLSN()); err != nil {
			t.Fatal(err)
		}
		durable = model
	}
	// hint makes a change that is not WAL-logged, like setting hint bits.
	hint := func(b *Buffer) {
		b.Lock()
		b.Page().Item(3)[0]++
		if err := b.MarkDirtyHint(); err != nil {
			t.Fatal(err)
		}
		b.Unlock()
	}
	checkpoint := func() {
		redo := log.BeginCheckpoint()
		if err := pool.FlushAll(); err != nil {
			t.Fatal(err)
		}
		ck := wal.Checkpoint{Redo: redo}
		if _, err := log.Insert(&wal.Record{Rmgr: wal.RmgrXLOG, Info: wal.InfoCheckpointOnline, Data: wal.EncodeCheckpoint(ck)}); err != nil {
			t.Fatal(err)
		}
		flushAll()
		ckptRedo = redo
	}

	for range pages {
		b, err := pool.NewPage(rel1, base.MainFork)
		if err != nil {
			t.Fatal(err)
		}
		b.Lock()
		if err := initCounterPage(b.Page()); err != nil {
			t.Fatal(err)
		}
		logCounter(b, infoCounterInit, 0, 0)
		b.Unlock()
		pool.Release(b)
	}
	checkpoint()

	for range 300 {
		blk := base.BlockNumber(rng.Intn(pages))
		b, err := pool.ReadBuffer(tagOf(blk))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		switch r := rng.Intn(100); {
		case r < 80:
			b.Lock()
			old := b.Page().LSN()
			model[blk]++
			setCounter(t, b.Page(), model[blk])
			logCounter(b, infoCounterSet, model[blk], old)
			b.Unlock()
		case r < 92:
			hint(b)
		case r < 97:
			pool.Release(b)
			flushAll()
			continue
		default:
			pool.Release(b)
			checkpoint()
			continue
		}
		pool.Release(b)
	}

	// A checkpoint, then hint-only changes to every page: with 4 buffers
	// most are evicted, unsynced, so a torn write is repaired only by the
	// images MarkDirtyHint logged (B8).
	checkpoint()
	for blk := range base.BlockNumber(pages) {
		b, err := pool.ReadBuffer(tagOf(blk))
		if err != nil {
			t.Fatal(err)
		}
		hint(b)
		pool.Release(b)
	}

	// Power cut.
	fs2 := fs.Crash(vfs.CrashOptions{TearProb: 0.5, Rand: rand.New(rand.NewSource(seed))})
	log2, err := wal.Open(wal.Options{FS: fs2, Dir: "/pg_wal"})
	if err != nil {
		t.Fatal(err)
	}
	smgr2, err := NewSmgr(fs2, "/base")
	if err != nil {
		t.Fatal(err)
	}
	pool2 := NewPool(PoolOptions{NBuffers: 4, Smgr: smgr2, WAL: log2})
	rmgrs := append(pool2.Rmgrs(), wal.Rmgr{ID: wal.RmgrHeap, Name: "counter", Redo: redoCounter(t, pool2)})
	if _, err := wal.Replay(log2, ckptRedo, rmgrs); err != nil {
		t.Fatalf("seed %d: replay: %v", seed, err)
	}
	for blk := range base.BlockNumber(pages) {
		b, err := pool2.ReadBuffer(tagOf(blk))
		if err != nil {
			t.Fatalf("seed %d: block %d after recovery: %v", seed, blk, err)
		}
		b.RLock()
		a, c := counterOf(b.Page())
		b.RUnlock()
		pool2.Release(b)
		if a != c || a < durable[blk] || a > model[blk] {
			t.Fatalf("seed %d: block %d counter %d/%d, want between %d and %d", seed, blk, a, c, durable[blk], model[blk])
		}
	}
	if err := pool2.FlushAll(); err != nil {
		t.Fatal(err)
	}
	if err := pool2.Check(); err != nil {
		t.Fatal(err)
	}
	_ = log2.Close()
	_ = log.Close()
}
