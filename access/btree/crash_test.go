package btree

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

var crashTrials = flag.Int("btree-crash-trials", 8, "trials of TestCrashRecovery")

var crashDesc = Desc{Name: "crash_ix", Keys: []KeyCol{intCol("a"), textCol("t")}, NInclude: 1}

// crashRow makes a row whose text column is sometimes long, so that pages
// split at every level within a few thousand inserts.
func crashRow(rng *rand.Rand, n int) row {
	t := make([]byte, 1+rng.Intn(40))
	if rng.Intn(10) == 0 {
		t = make([]byte, 200+rng.Intn(1500))
	}
	for i := range t {
		t[i] = byte('a' + rng.Intn(26))
	}
	return row{vals: [][]byte{i8(int64(rng.Intn(2000))), t, []byte(fmt.Sprint(n))}, tid: tidOf(n)}
}

// recoverEnv opens a crashed file system and replays its WAL from redo
// with the bufmgr resource managers and the btree's.
func recoverEnv(t *testing.T, fs vfs.FS, nbuf int, redo wal.LSN) *env {
	t.Helper()
	e := newEnv(t, fs, nbuf, true)
	rmgrs := append(e.pool.Rmgrs(), Rmgr(e.pool))
	_, err := wal.Replay(e.log, redo, rmgrs)
	must(t, err)
	return e
}

// TestCrashRecovery inserts on a crash-testing file system with a real
// WAL and a small pool (so pages are written and evicted), flushing the
// log and taking checkpoints at random points, then cuts the power with
// torn writes, replays the WAL from the last checkpoint and checks: the
// tree passes Check, every entry whose insert's WAL had been flushed is
// there, nothing else is, and inserting goes on (finishing splits
// interrupted by the crash).
func TestCrashRecovery(t *testing.T) {
	for trial := 0; trial < *crashTrials; trial++ {
		seed := rand.Int63()
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			t.Logf("seed %d", seed)
			rng := rand.New(rand.NewSource(seed))
			fs := vfs.NewCrash(seed)
			e := newEnv(t, fs, 16+rng.Intn(32), true)
			ix, err := Create(e.pool, e.log, testNode, crashDesc)
			must(t, err)
			must(t, e.log.Flush(e.log.InsertLSN())) // CREATE INDEX committed
			redo := wal.LSN(0)
			type ins struct {
				r   row
				end wal.LSN
			}
			var done []ins
			n := 500 + rng.Intn(4000)
			for i := 0; i < n; i++ {
				r := crashRow(rng, i)
				must(t, ix.Insert(ctx, nil, r.vals, r.tid))
				done = append(done, ins{r, e.log.InsertLSN()})
				switch x := rng.Intn(1000); {
				case x < 5:
					must(t, e.log.Flush(e.log.InsertLSN()))
				case x < 7:
					// A checkpoint: redo pointer, write everything, fsync.
					redo = checkpoint(t, e)
				}
			}
			flushed := e.log.FlushedLSN()
			e.log.Abandon()
			crashed := fs.Crash(vfs.CrashOptions{TearProb: 0.3, Rand: rng})

			e2 := recoverEnv(t, crashed, 16+rng.Intn(32), redo)
			ix2, err := Open(e2.pool, e2.log, testNode, crashDesc)
			must(t, err)
			must(t, ix2.Check())
			byTID := map[base.ItemPointer][][]byte{}
			for _, d := range done {
				byTID[d.r.tid] = d.r.vals
			}
			found := map[base.ItemPointer]bool{}
			for _, r := range scanAll(t, ix2, ScanOptions{}) {
				want, ok := byTID[r.tid]
				if !ok || !equalVals(want, r.vals) {
					t.Fatalf("entry %s %q after recovery was never inserted", r.tid, r.vals)
				}
				found[r.tid] = true
			}
			lost := 0
			for _, d := range done {
				if d.end <= flushed && !found[d.r.tid] {
					t.Fatalf("entry %s whose WAL was flushed (%s <= %s) is lost", d.r.tid, d.end, flushed)
				}
				if !found[d.r.tid] {
					lost++
				}
			}
			t.Logf("%d inserts, %d not durable, redo from %s", n, lost, redo)
			// Go on inserting: splits interrupted by the crash get finished.
			for i := n; i < n+1500; i++ {
				r := crashRow(rng, i)
				must(t, ix2.Insert(ctx, nil, r.vals, r.tid))
				found[r.tid] = true
				byTID[r.tid] = r.vals
			}
			must(t, ix2.Check())
			want := map[base.ItemPointer][][]byte{}
			for tid := range found {
				want[tid] = byTID[tid]
			}
			must(t, ix2.CheckHeap(want))
		})
	}
}

func equalVals(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if (a[i] == nil) != (b[i] == nil) || !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// TestRedoRebuildsExactly replays the whole WAL of a workload onto the
// files as they were before any page was written and compares every page
// with the pages the workload left in the pool: redo must rebuild them
// byte for byte (BT8), full-page images included.
func TestRedoRebuildsExactly(t *testing.T) {
	rng := seedRand(t)
	fs := vfs.NewCrash(rng.Int63())
	e := newEnv(t, fs, 4096, true) // nothing is evicted
	ix, err := Create(e.pool, e.log, testNode, crashDesc)
	must(t, err)
	for i := 0; i < 6000; i++ {
		r := crashRow(rng, i)
		must(t, ix.Insert(ctx, nil, r.vals, r.tid))
		if i == 3000 {
			// A checkpoint's redo pointer without the checkpoint: the next
			// change of each page carries a full-page image.
			e.log.SetRedoPointer(e.log.InsertLSN())
		}
	}
	must(t, e.log.Flush(e.log.InsertLSN()))
	nblocks, err := e.smgr.NBlocks(testNode, base.MainFork)
	must(t, err)
	before := make([]bufmgr.Page, nblocks)
	for b := base.BlockNumber(0); b < nblocks; b++ {
		before[b] = readPageCopy(t, e.pool, b)
	}
	e.log.Abandon()
	crashed := fs.Crash(vfs.CrashOptions{DropAll: true})
	e2 := recoverEnv(t, crashed, 4096, 0)
	for b := base.BlockNumber(0); b < nblocks; b++ {
		after := readPageCopy(t, e2.pool, b)
		// pd_checksum is set when a page is written, not in the pool.
		copy(after[8:10], before[b][8:10])
		if !bytes.Equal(before[b], after) {
			i := 0
			for before[b][i] == after[i] {
				i++
			}
			t.Fatalf("block %d differs after redo at byte %d", b, i)
		}
	}
	ix2, err := Open(e2.pool, e2.log, testNode, crashDesc)
	must(t, err)
	must(t, ix2.Check())
}

func readPageCopy(t *testing.T, pool *bufmgr.Pool, blk base.BlockNumber) bufmgr.Page {
	t.Helper()
	b, err := pool.ReadBuffer(base.BufferTag{Node: testNode, Fork: base.MainFork, Block: blk})
	must(t, err)
	defer pool.Release(b)
	b.RLock()
	defer b.RUnlock()
	return append(bufmgr.Page(nil), b.Page()...)
}

// checkpoint takes an online checkpoint: redo pointer, write and fsync
// every page, log the checkpoint record (which starts at the redo pointer
// when nothing was inserted meanwhile) and flush it. It returns the redo
// pointer.
func checkpoint(t *testing.T, e *env) wal.LSN {
	t.Helper()
	r := e.log.BeginCheckpoint()
	must(t, e.pool.FlushAll())
	end, err := e.log.Insert(&wal.Record{Rmgr: wal.RmgrXLOG, Info: wal.InfoCheckpointOnline,
		Data: wal.EncodeCheckpoint(wal.Checkpoint{Redo: r})})
	must(t, err)
	must(t, e.log.Flush(end))
	return r
}

// TestCrashConcurrent cuts the power while several goroutines insert (so
// splits are in flight at the crash) and the WAL writer flushes in the
// background; after recovery the same properties hold as in
// TestCrashRecovery.
func TestCrashConcurrent(t *testing.T) {
	for trial := 0; trial < 4; trial++ {
		seed := rand.Int63()
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			t.Logf("seed %d", seed)
			rng := rand.New(rand.NewSource(seed))
			fs := vfs.NewCrash(seed)
			e := newEnv(t, fs, 24+rng.Intn(32), true)
			ix, err := Create(e.pool, e.log, testNode, crashDesc)
			must(t, err)
			must(t, e.log.Flush(e.log.InsertLSN()))
			e.log.StartWriter()
			type ins struct {
				r   row
				end wal.LSN
			}
			const workers = 3
			var (
				mu    sync.Mutex
				done  []ins
				count atomic.Int64
				stop  atomic.Bool
				wg    sync.WaitGroup
				errs  = make(chan error, workers)
			)
			for g := 0; g < workers; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					r := rand.New(rand.NewSource(seed + int64(g)))
					for i := g; !stop.Load(); i += workers {
						row := crashRow(r, i)
						if err := ix.Insert(ctx, nil, row.vals, row.tid); err != nil {
							errs <- err
							return
						}
						end := e.log.InsertLSN()
						mu.Lock()
						done = append(done, ins{row, end})
						mu.Unlock()
						count.Add(1)
					}
				}(g)
			}
			target := int64(300 + rng.Intn(3000))
			for count.Load() < target && len(errs) == 0 {
				runtime.Gosched()
			}
			flushed := e.log.FlushedLSN()
			crashed := fs.Crash(vfs.CrashOptions{TearProb: 0.3, Rand: rng})
			stop.Store(true)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			e.log.Abandon()

			e2 := recoverEnv(t, crashed, 32, 0)
			ix2, err := Open(e2.pool, e2.log, testNode, crashDesc)
			must(t, err)
			must(t, ix2.Check())
			byTID := map[base.ItemPointer][][]byte{}
			for _, d := range done {
				byTID[d.r.tid] = d.r.vals
			}
			found := map[base.ItemPointer]bool{}
			for _, r := range scanAll(t, ix2, ScanOptions{}) {
				if want, ok := byTID[r.tid]; !ok || !equalVals(want, r.vals) {
					t.Fatalf("entry %s after recovery was never inserted", r.tid)
				}
				found[r.tid] = true
			}
			for _, d := range done {
				if d.end <= flushed && !found[d.r.tid] {
					t.Fatalf("entry %s whose WAL was flushed is lost", d.r.tid)
				}
			}
			t.Logf("%d inserts before the crash, %d after recovery", target, len(found))
			for i := 0; i < 500; i++ {
				r := crashRow(rng, 1<<20+i)
				must(t, ix2.Insert(ctx, nil, r.vals, r.tid))
			}
			must(t, ix2.Check())
		})
	}
}
