package heap

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/access/tuple"
	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

var ctx = context.Background()

// env is the storage stack under a heap, built the way internal/instance
// builds it.
type env struct {
	fs   vfs.FS
	log  *wal.Log
	pool *bufmgr.Pool
	smgr *bufmgr.Smgr
	clog *clog.CLOG
	mgr  *mvcc.Manager
	h    *Heap
}

func newEnv(t testing.TB, fs vfs.FS, nbuf int, recover bool) *env {
	t.Helper()
	for _, d := range []string{"/d", "/d/wal", "/d/base", "/d/xact"} {
		require.NoError(t, fs.MkdirAll(d, 0o700))
		require.NoError(t, fs.SyncDir(d))
	}
	require.NoError(t, fs.SyncDir("/"))
	e := &env{fs: fs}
	var err error
	e.log, err = wal.Open(wal.Options{FS: fs, Dir: "/d/wal", SegmentSize: 1 << 20})
	require.NoError(t, err)
	e.smgr, err = bufmgr.NewSmgr(fs, "/d/base")
	require.NoError(t, err)
	e.pool = bufmgr.NewPool(bufmgr.PoolOptions{NBuffers: nbuf, Smgr: e.smgr, WAL: e.log})
	e.clog, err = clog.Open(fs, "/d/xact", e.log)
	require.NoError(t, err)
	e.mgr = mvcc.NewManager(e.clog, e.log, base.MakeFullXID(0, base.FirstNormalXID))
	e.h = New(e.pool, e.log, e.mgr)
	if recover {
		rmgrs := append(e.pool.Rmgrs(), e.clog.Rmgr(), e.mgr.Rmgr(), e.h.Rmgr())
		for k := range rmgrs {
			redo := rmgrs[k].Redo
			rmgrs[k].Redo = func(rec *wal.Record) error { e.mgr.AdvancePast(rec.XID); return redo(rec) }
		}
		_, err := wal.Replay(e.log, wal.FirstLSN, rmgrs)
		require.NoError(t, err)
	}
	return e
}

var rel = base.RelFileNode{Rel: 16384}

func payload(k int, s string) []byte {
	return tuple.Form([][]byte{[]byte(fmt.Sprint(k)), []byte(s)})
}

func scanAll(t testing.TB, e *env, snap *mvcc.Snapshot) []string {
	t.Helper()
	s, err := e.h.NewScan(rel, snap)
	require.NoError(t, err)
	var out []string
	for tup := s.Next(); tup != nil; tup = s.Next() {
		vals, err := tup.Deform(2)
		require.NoError(t, err)
		out = append(out, string(vals[0])+"="+string(vals[1]))
	}
	require.NoError(t, s.Err())
	sort.Strings(out)
	return out
}

func begin(e *env) *mvcc.Xact { return e.mgr.Begin(mvcc.XactOptions{SynchronousCommit: true}) }

func TestInsertUpdateDeleteVisibility(t *testing.T) {
	e := newEnv(t, vfs.NewMem(), 64, false)
	require.NoError(t, e.h.Create(rel))
	x := begin(e)
	var tids []base.ItemPointer
	for k := 0; k < 3; k++ {
		tid, err := e.h.Insert(rel, x, payload(k, "a"))
		require.NoError(t, err)
		tids = append(tids, tid)
	}
	// The inserting command does not see its own rows; the next command does.
	require.Empty(t, scanAll(t, e, e.mgr.GetSnapshot(x)))
	require.NoError(t, x.CommandCounterIncrement())
	require.Equal(t, []string{"0=a", "1=a", "2=a"}, scanAll(t, e, e.mgr.GetSnapshot(x)))
	// Another transaction sees nothing until commit.
	y := begin(e)
	require.Empty(t, scanAll(t, e, e.mgr.GetSnapshot(y)))
	require.NoError(t, x.Commit())
	snapBefore := e.mgr.GetSnapshot(y)
	require.Equal(t, []string{"0=a", "1=a", "2=a"}, scanAll(t, e, snapBefore))

	// Update and delete in y; an older snapshot still sees the old versions.
	res, newTid, err := e.h.Update(ctx, rel, y, tids[1], payload(1, "b"))
	require.NoError(t, err)
	require.Equal(t, mvcc.TMOk, res)
	require.NotEqual(t, tids[1], newTid)
	res, _, err = e.h.Delete(ctx, rel, y, tids[2])
	require.NoError(t, err)
	require.Equal(t, mvcc.TMOk, res)
	require.NoError(t, y.CommandCounterIncrement())
	require.Equal(t, []string{"0=a", "1=b"}, scanAll(t, e, e.mgr.GetSnapshot(y)))
	z := begin(e)
	require.Equal(t, []string{"0=a", "1=a", "2=a"}, scanAll(t, e, e.mgr.GetSnapshot(z)))
	require.NoError(t, y.Commit())
	require.Equal(t, []string{"0=a", "1=a", "2=a"}, scanAll(t, e, snapBefore), "old snapshot")
	require.Equal(t, []string{"0=a", "1=b"}, scanAll(t, e, e.mgr.GetSnapshot(z)), "new snapshot")

	// z updating the old version of row 1 sees it was updated by y.
	res, link, err := e.h.Update(ctx, rel, z, tids[1], payload(1, "c"))
	require.NoError(t, err)
	require.Equal(t, mvcc.TMUpdated, res)
	require.Equal(t, newTid, link)
	latest, err := e.h.FetchLatest(rel, link)
	require.NoError(t, err)
	vals, err := latest.Deform(2)
	require.NoError(t, err)
	require.Equal(t, "b", string(vals[1]))
	require.NoError(t, z.Abort())

	// Aborted changes are invisible.
	w := begin(e)
	_, err = e.h.Insert(rel, w, payload(9, "z"))
	require.NoError(t, err)
	require.NoError(t, w.Abort())
	v := begin(e)
	require.Equal(t, []string{"0=a", "1=b"}, scanAll(t, e, e.mgr.GetSnapshot(v)))
}

func TestUpdateWaitsForRunningHolder(t *testing.T) {
	e := newEnv(t, vfs.NewMem(), 64, false)
	require.NoError(t, e.h.Create(rel))
	x := begin(e)
	tid, err := e.h.Insert(rel, x, payload(1, "a"))
	require.NoError(t, err)
	require.NoError(t, x.Commit())

	a, b := begin(e), begin(e)
	res, _, err := e.h.Update(ctx, rel, a, tid, payload(1, "from a"))
	require.NoError(t, err)
	require.Equal(t, mvcc.TMOk, res)
	done := make(chan mvcc.TMResult)
	go func() {
		res, _, err := e.h.Update(ctx, rel, b, tid, payload(1, "from b"))
		require.NoError(t, err)
		done <- res
	}()
	require.NoError(t, a.Commit()) // b was waiting for a (or had not started); either way it must see the update
	require.Equal(t, mvcc.TMUpdated, <-done)
	require.NoError(t, b.Abort())

	// Cancelling the wait returns 57014.
	c, d := begin(e), begin(e)
	s := e.mgr.GetSnapshot(c)
	s2, err := e.h.NewScan(rel, s)
	require.NoError(t, err)
	cur := s2.Next()
	require.NotNil(t, cur)
	res, _, err = e.h.Delete(ctx, rel, c, cur.Header.Self)
	require.NoError(t, err)
	require.Equal(t, mvcc.TMOk, res)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, _, err = e.h.Delete(cctx, rel, d, cur.Header.Self)
	require.Error(t, err)
	require.NoError(t, c.Abort())
	require.NoError(t, d.Abort())
}

func TestManyPagesConcurrentInserts(t *testing.T) {
	e := newEnv(t, vfs.NewMem(), 16, false) // small pool: eviction and the WAL rule in play
	require.NoError(t, e.h.Create(rel))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				x := begin(e)
				_, err := e.h.Insert(rel, x, payload(g*1000+i, fmt.Sprintf("%0100d", i)))
				if err != nil {
					t.Error(err)
					return
				}
				if err := x.Commit(); err != nil {
					t.Error(err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	x := begin(e)
	require.Len(t, scanAll(t, e, e.mgr.GetSnapshot(x)), 1200)
	nb, err := e.smgr.NBlocks(rel, base.MainFork)
	require.NoError(t, err)
	require.Greater(t, int(nb), 10)
}

func TestRowTooBig(t *testing.T) {
	e := newEnv(t, vfs.NewMem(), 16, false)
	require.NoError(t, e.h.Create(rel))
	x := begin(e)
	_, err := e.h.Insert(rel, x, make([]byte, MaxTupleSize))
	require.Error(t, err)
	require.Contains(t, err.Error(), "54000")
}

// TestCrashRecovery writes through a crash-simulating file system, cuts the
// power at random points, and checks that replay restores exactly the
// committed transactions, whatever was torn.
func TestCrashRecovery(t *testing.T) {
	for seed := int64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			fs := vfs.NewCrash(seed)
			e := newEnv(t, fs, 8, false)
			require.NoError(t, e.h.Create(rel))
			committed := map[string]bool{}
			for round := 0; round < 3; round++ {
				for i := 0; i < 40; i++ {
					x := begin(e)
					k := round*1000 + i
					_, err := e.h.Insert(rel, x, payload(k, "v"))
					require.NoError(t, err)
					if rng.Intn(4) == 0 {
						require.NoError(t, x.Abort())
						continue
					}
					require.NoError(t, x.Commit())
					committed[fmt.Sprintf("%d=v", k)] = true
					if rng.Intn(10) == 0 {
						e.log.SetRedoPointer(e.log.InsertLSN()) // make later first changes log page images
						require.NoError(t, e.pool.FlushAll())
					}
				}
				e.log.Abandon()
				fs = fs.Crash(vfs.CrashOptions{TearProb: 0.5, Rand: rng})
				e = newEnv(t, fs, 8, true)
				x := begin(e)
				var want []string
				for k := range committed {
					want = append(want, k)
				}
				sort.Strings(want)
				require.Equal(t, want, scanAll(t, e, e.mgr.GetSnapshot(x)))
				require.NoError(t, x.Abort())
			}
		})
	}
}
