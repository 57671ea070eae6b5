package heap

import (
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/vfs"
)

func nblocks(t testing.TB, e *env) base.BlockNumber {
	n, err := e.pool.Smgr().NBlocks(rel, base.MainFork)
	require.NoError(t, err)
	return n
}

// markAll runs MarkAllVisible on every page, returning how many are set.
func markAll(t testing.TB, e *env) int {
	set := 0
	horizon := e.mgr.OldestRunningXmin()
	for b := base.BlockNumber(0); b < nblocks(t, e); b++ {
		ok, err := e.h.MarkAllVisible(rel, b, horizon)
		require.NoError(t, err)
		if ok {
			set++
		}
	}
	return set
}

// checkVM verifies the map's promise (H7): a page whose bit is set has
// PD_ALL_VISIBLE and only tuples visible to everyone.
func checkVM(t testing.TB, e *env) int {
	set := 0
	horizon := e.mgr.OldestRunningXmin()
	for b := base.BlockNumber(0); b < nblocks(t, e); b++ {
		bits, err := e.h.VisibilityOf(rel, b)
		require.NoError(t, err)
		if bits&VMAllVisible == 0 {
			continue
		}
		set++
		buf, err := e.pool.ReadBuffer(base.BufferTag{Node: rel, Fork: base.MainFork, Block: b})
		require.NoError(t, err)
		buf.RLock()
		p := buf.Page()
		require.NotZero(t, p.Flags()&bufmgr.PDAllVisible, "page %d: VM bit without PD_ALL_VISIBLE", b)
		for off := base.OffsetNumber(1); off <= p.MaxOffset(); off++ {
			if _, _, fl := p.ItemID(off); fl != bufmgr.LPNormal {
				continue
			}
			hdr, err := decodeHeader(p.Item(off), base.ItemPointer{Block: b, Offset: off})
			require.NoError(t, err)
			ok, _, err := e.h.visibleToAll(&hdr, horizon)
			require.NoError(t, err)
			require.True(t, ok, "page %d is all-visible but tuple %d (xmin %d xmax %d) is not", b, off, hdr.Xmin, hdr.Xmax)
		}
		buf.RUnlock()
		e.pool.Release(buf)
	}
	return set
}

// TestVisibilityMapSetClear: a page is marked only when every tuple is
// visible to all; any insert, update or delete on it clears the bit.
func TestVisibilityMapSetClear(t *testing.T) {
	e := newEnv(t, vfs.NewMem(), 64, false)
	require.NoError(t, e.h.Create(rel))
	x := begin(e)
	var tids []base.ItemPointer
	for i := 0; i < 600; i++ {
		tid, err := e.h.Insert(rel, x, payload(i, "v"))
		require.NoError(t, err)
		tids = append(tids, tid)
	}
	// Uncommitted: nothing can be marked.
	require.Zero(t, markAll(t, e))
	require.NoError(t, x.Commit())
	// A running transaction whose snapshot predates... none: all pages set.
	n := int(nblocks(t, e))
	require.Greater(t, n, 2)
	require.Equal(t, n, markAll(t, e))
	require.Equal(t, n, checkVM(t, e))

	// A delete clears its page only.
	x = begin(e)
	res, _, err := e.h.Delete(ctx, rel, x, tids[0])
	require.NoError(t, err)
	require.Equal(t, mvcc.TMOk, res)
	bits, err := e.h.VisibilityOf(rel, tids[0].Block)
	require.NoError(t, err)
	require.Zero(t, bits)
	require.Equal(t, n-1, checkVM(t, e))
	// An update clears the old page and the new version's page.
	res, ntid, err := e.h.Update(ctx, rel, x, tids[len(tids)/2], payload(1, "w"))
	require.NoError(t, err)
	require.Equal(t, mvcc.TMOk, res)
	for _, b := range []base.BlockNumber{tids[len(tids)/2].Block, ntid.Block} {
		bits, err := e.h.VisibilityOf(rel, b)
		require.NoError(t, err)
		require.Zero(t, bits, "page %d", b)
	}
	require.NoError(t, x.Commit())
	// A committed delete leaves a dead tuple: the page cannot be marked.
	ok, err := e.h.MarkAllVisible(rel, tids[0].Block, e.mgr.OldestRunningXmin())
	require.NoError(t, err)
	require.False(t, ok)

	// A snapshot older than a commit holds the horizon back.
	old := begin(e)
	_ = e.mgr.GetSnapshot(old)
	x = begin(e)
	tid, err := e.h.Insert(rel, x, payload(9999, "late"))
	require.NoError(t, err)
	require.NoError(t, x.Commit())
	ok, err = e.h.MarkAllVisible(rel, tid.Block, e.mgr.OldestRunningXmin())
	require.NoError(t, err)
	require.False(t, ok, "the old snapshot does not see the late row")
	require.NoError(t, old.Commit())
	checkVM(t, e)
}

// TestVisibilityMapConcurrent marks pages while other goroutines insert,
// update and delete; the map's promise holds at the end (run with -race).
func TestVisibilityMapConcurrent(t *testing.T) {
	e := newEnv(t, vfs.NewMem(), 64, false)
	require.NoError(t, e.h.Create(rel))
	x := begin(e)
	var tids []base.ItemPointer
	for i := 0; i < 400; i++ {
		tid, err := e.h.Insert(rel, x, payload(i, "v"))
		require.NoError(t, err)
		tids = append(tids, tid)
	}
	require.NoError(t, x.Commit())
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(w)))
			for i := 0; i < 60; i++ {
				x := begin(e)
				switch rng.Intn(3) {
				case 0:
					_, err := e.h.Insert(rel, x, payload(10000+w*1000+i, "c"))
					require.NoError(t, err)
				default:
					// Each worker owns every third original row.
					k := (rng.Intn(len(tids)/3))*3 + w
					_, _, err := e.h.Delete(ctx, rel, x, tids[k])
					require.NoError(t, err)
				}
				if rng.Intn(4) == 0 {
					require.NoError(t, x.Abort())
				} else {
					require.NoError(t, x.Commit())
				}
			}
		}(w)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 10; i++ {
			markAll(t, e)
		}
	}()
	wg.Wait()
	checkVM(t, e)
}

// TestVisibilityMapCrash: the map survives crashes without false
// promises: a bit is set only if the records that set it were replayed,
// and a change that reached the WAL clears it again in redo.
func TestVisibilityMapCrash(t *testing.T) {
	for seed := int64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			fs := vfs.NewCrash(seed)
			e := newEnv(t, fs, 8, false)
			require.NoError(t, e.h.Create(rel))
			var tids []base.ItemPointer
			sawSet := 0
			for round := 0; round < 4; round++ {
				// Clean pages: one committed batch, then marked.
				x := begin(e)
				for i := 0; i < 400; i++ {
					tid, err := e.h.Insert(rel, x, payload(round*1000+i, "b"))
					require.NoError(t, err)
					tids = append(tids, tid)
				}
				require.NoError(t, x.Commit())
				markAll(t, e)
				for i := 0; i < 80; i++ {
					x := begin(e)
					switch {
					case len(tids) > 10 && rng.Intn(3) == 0:
						k := rng.Intn(min(len(tids), 60)) // a hot set: the later pages stay clean
						res, ntid, err := e.h.Update(ctx, rel, x, tids[k], payload(i, "u"))
						require.NoError(t, err)
						if res == mvcc.TMOk {
							tids[k] = ntid
						}
					case len(tids) > 10 && rng.Intn(5) == 0:
						k := rng.Intn(min(len(tids), 60)) // a hot set: the later pages stay clean
						_, _, err := e.h.Delete(ctx, rel, x, tids[k])
						require.NoError(t, err)
					default:
						tid, err := e.h.Insert(rel, x, payload(round*1000+i, "v"))
						require.NoError(t, err)
						tids = append(tids, tid)
					}
					if rng.Intn(4) == 0 {
						require.NoError(t, x.Abort())
					} else {
						require.NoError(t, x.Commit())
					}
					if rng.Intn(15) == 0 {
						markAll(t, e)
					}
					if rng.Intn(12) == 0 {
						e.log.SetRedoPointer(e.log.InsertLSN())
						require.NoError(t, e.pool.FlushAll())
					}
				}
				markAll(t, e)
				if rng.Intn(2) == 0 {
					x := begin(e) // a commit flushes the visible records
					_, err := e.h.Insert(rel, x, payload(-1, "f"))
					require.NoError(t, err)
					require.NoError(t, x.Commit())
				}
				e.log.Abandon()
				fs = fs.Crash(vfs.CrashOptions{TearProb: 0.5, Rand: rng})
				e = newEnv(t, fs, 8, true)
				sawSet += checkVM(t, e)
				// Tuples of the crashed round that were lost are gone from
				// tids; keep only those that still exist.
				var keep []base.ItemPointer
				for _, tid := range tids {
					if tid.Block < nblocks(t, e) {
						if _, err := e.h.FetchLatest(rel, tid); err == nil {
							keep = append(keep, tid)
						}
					}
				}
				tids = keep
			}
			require.Greater(t, sawSet, 0, "no bit survived any crash")
		})
	}
}

// TestVisibilityMapClearRedo: the bit reached the disk, the change that
// cleared it only the WAL: redo must clear it again (H8).
func TestVisibilityMapClearRedo(t *testing.T) {
	for _, op := range []string{"insert", "delete", "update"} {
		t.Run(op, func(t *testing.T) {
			fs := vfs.NewCrash(1)
			e := newEnv(t, fs, 64, false)
			require.NoError(t, e.h.Create(rel))
			x := begin(e)
			var tids []base.ItemPointer
			for i := 0; i < 50; i++ {
				tid, err := e.h.Insert(rel, x, payload(i, "v"))
				require.NoError(t, err)
				tids = append(tids, tid)
			}
			require.NoError(t, x.Commit())
			require.Equal(t, 1, markAll(t, e))
			e.log.SetRedoPointer(e.log.InsertLSN())
			require.NoError(t, e.pool.FlushAll())
			x = begin(e)
			switch op {
			case "insert":
				_, err := e.h.Insert(rel, x, payload(99, "new"))
				require.NoError(t, err)
			case "delete":
				_, _, err := e.h.Delete(ctx, rel, x, tids[3])
				require.NoError(t, err)
			case "update":
				_, _, err := e.h.Update(ctx, rel, x, tids[3], payload(3, "w"))
				require.NoError(t, err)
			}
			require.NoError(t, x.Commit()) // the WAL is durable, the pages are not
			e.log.Abandon()
			fs = fs.Crash(vfs.CrashOptions{})
			e = newEnv(t, fs, 64, true)
			bits, err := e.h.VisibilityOf(rel, 0)
			require.NoError(t, err)
			require.Zero(t, bits)
			checkVM(t, e)
		})
	}
}
