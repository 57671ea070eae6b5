package pgstat

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/base"
)

const tab = base.OID(16384)

// The script: insert 100, update 10, delete 5, a rolled-back
// insert of 7 (PS2).
func TestTransactionalCounts(t *testing.T) {
	c := New(nil)
	x := c.NewXact()
	x.Rel(tab).Inserted += 100
	x.Flush(true)
	x.Rel(tab).Updated += 10
	x.Flush(true)
	x.Rel(tab).Deleted += 5
	x.Flush(true)
	x.Rel(tab).Inserted += 7
	x.Flush(false)
	rc, ok := c.Rel(tab)
	require.True(t, ok)
	require.Equal(t, int64(107), rc.Inserted)
	require.Equal(t, int64(10), rc.Updated)
	require.Equal(t, int64(5), rc.Deleted)
	require.Equal(t, int64(95), rc.Live)
	require.Equal(t, int64(10+5+7), rc.Dead)
	require.Equal(t, int64(115), rc.ModSinceAnalyze)
	require.Equal(t, int64(107), rc.InsSinceVacuum)
	db := c.DB()
	require.Equal(t, int64(3), db.XactCommit)
	require.Equal(t, int64(1), db.XactRollback)
	require.Equal(t, int64(107), db.TupInserted)
	require.Nil(t, x.Pending(tab), "flush starts the next transaction empty")
}

// An aborted update leaves a dead version; an aborted delete changes
// nothing but n_tup_del; scans count either way (PS2, PS4).
func TestAbortAndScans(t *testing.T) {
	c := New(nil)
	x := c.NewXact()
	x.Rel(tab).Inserted = 3
	x.Flush(true)
	r := x.Rel(tab)
	r.Updated, r.Deleted, r.NumScans, r.TuplesReturned = 2, 1, 2, 6
	x.Flush(false)
	rc, _ := c.Rel(tab)
	require.Equal(t, RelCounts{NumScans: 2, TuplesReturned: 6, Inserted: 3, Updated: 2, Deleted: 1,
		Live: 3, Dead: 2, ModSinceAnalyze: 3, InsSinceVacuum: 3}, rc)
	require.Equal(t, int64(6), c.DB().TupReturned)
}

// TRUNCATE forgets the transaction's earlier changes and the live and dead
// counts if it commits, and is invisible if it aborts (PS3).
func TestTruncate(t *testing.T) {
	c := New(nil)
	x := c.NewXact()
	x.Rel(tab).Inserted = 10
	x.Rel(tab).Deleted = 2
	x.Flush(true)
	r := x.Rel(tab)
	r.Inserted = 4
	r.CountTruncate()
	r.Inserted = 1
	x.Flush(false)
	rc, _ := c.Rel(tab)
	require.Equal(t, int64(14), rc.Inserted)
	require.Equal(t, int64(8), rc.Live)
	require.Equal(t, int64(2+4), rc.Dead)

	r = x.Rel(tab)
	r.Inserted = 4
	r.CountTruncate()
	r.Inserted = 1
	x.Flush(true)
	rc, _ = c.Rel(tab)
	require.Equal(t, int64(15), rc.Inserted)
	require.Equal(t, int64(1), rc.Live)
	require.Equal(t, int64(0), rc.Dead)
	require.Equal(t, int64(1), rc.InsSinceVacuum)
}

func TestAnalyzeVacuumReset(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := New(func() time.Time { return now })
	x := c.NewXact()
	x.Rel(tab).Inserted = 10
	x.Flush(true)
	// ANALYZE in a transaction that inserted 2 more: it saw 12 live rows,
	// the flush adds the 2 (PS5).
	x.Rel(tab).Inserted = 2
	c.ReportAnalyze(x, tab, 12, 1, false)
	x.Flush(true)
	rc, _ := c.Rel(tab)
	require.Equal(t, int64(12), rc.Live)
	require.Equal(t, int64(1), rc.Dead)
	require.Equal(t, int64(2), rc.ModSinceAnalyze)
	require.Equal(t, int64(1), rc.AnalyzeCount)
	require.Equal(t, now, rc.LastAnalyze)
	require.True(t, rc.LastAutoanalyze.IsZero())
	c.ReportVacuum(tab, 12, 0, true)
	rc, _ = c.Rel(tab)
	require.Equal(t, int64(0), rc.Dead)
	require.Equal(t, int64(0), rc.InsSinceVacuum)
	require.Equal(t, int64(1), rc.AutovacuumCount)
	require.Equal(t, now, rc.LastAutovacuum)

	c.ReportCheckpoint(false, 5, time.Millisecond, 2*time.Millisecond)
	c.ReportCheckpoint(true, 1, 0, 0)
	bg := c.BGWriter()
	require.Equal(t, int64(1), bg.CheckpointsTimed)
	require.Equal(t, int64(1), bg.CheckpointsReq)
	require.Equal(t, int64(6), bg.BuffersCheckpoint)
	require.Equal(t, 1.0, bg.CheckpointWriteTime)
	require.Equal(t, 2.0, bg.CheckpointSyncTime)
	backend, alloc := c.BackendBuffers(10, 7)
	require.Equal(t, int64(4), backend)
	require.Equal(t, int64(7), alloc)
	require.True(t, c.ResetShared("bgwriter", 10, 7))
	require.False(t, c.ResetShared("nonsense", 0, 0))
	bg = c.BGWriter()
	require.True(t, bg.StatsReset.Equal(now))
	bg.StatsReset = time.Time{}
	require.Equal(t, BGWriterCounts{}, bg)
	backend, alloc = c.BackendBuffers(12, 8)
	require.Equal(t, int64(2), backend)
	require.Equal(t, int64(1), alloc)

	c.Reset(100, 10)
	_, ok := c.Rel(tab)
	require.False(t, ok)
	db := c.DB()
	require.True(t, db.StatsReset.Equal(now))
	db.StatsReset = time.Time{}
	require.Equal(t, DBCounts{}, db)
	h, r := c.DBBlocks(105, 11)
	require.Equal(t, int64(5), h)
	require.Equal(t, int64(1), r)
}

// Several backends flushing at once (run with -race).
func TestConcurrentFlush(t *testing.T) {
	c := New(nil)
	const workers, xacts = 8, 200
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			x := c.NewXact()
			for i := 0; i < xacts; i++ {
				x.Rel(tab).Inserted++
				x.Rel(tab+base.OID(w+1)).NumScans++
				x.Flush(i%4 != 0)
				if i%50 == 0 {
					c.Rel(tab)
					c.DB()
				}
			}
		}(w)
	}
	wg.Wait()
	rc, _ := c.Rel(tab)
	require.Equal(t, int64(workers*xacts), rc.Inserted)
	require.Equal(t, int64(workers*xacts*3/4), rc.Live)
	require.Equal(t, int64(workers*xacts/4), rc.Dead)
	db := c.DB()
	require.Equal(t, int64(workers*xacts*3/4), db.XactCommit)
	require.Equal(t, int64(workers*xacts/4), db.XactRollback)
	for w := 0; w < workers; w++ {
		rc, _ := c.Rel(tab + base.OID(w+1))
		require.Equal(t, int64(xacts), rc.NumScans)
	}
}

func TestNil(t *testing.T) {
	var c *Collector
	x := c.NewXact()
	require.Nil(t, x)
	x.Rel(tab).Inserted++
	x.Flush(true)
	x.Collector().ReportTempFile(10)
	c.ReportCheckpoint(true, 1, 0, 0)
}

// BenchmarkInsertCommit is what one single-row INSERT's transaction adds
// to a commit: the Rel lookup, the count, the flush.
func BenchmarkInsertCommit(b *testing.B) {
	c := New(nil)
	x := c.NewXact()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		x.Rel(tab).Inserted++
		x.Flush(true)
	}
}

// BenchmarkInsertCommitParallel is BenchmarkInsertCommit from every
// core at once, on the same table.
func BenchmarkInsertCommitParallel(b *testing.B) {
	c := New(nil)
	b.RunParallel(func(pb *testing.PB) {
		x := c.NewXact()
		for pb.Next() {
			x.Rel(tab).Inserted++
			x.Flush(true)
		}
	})
}

// A Rel's cached entry is looked up again after a reset; Save and Load
// carry everything, the pool-kept counters included (PS6, PS7).
func TestResetAndPersist(t *testing.T) {
	c := New(nil)
	x := c.NewXact()
	x.Rel(tab).Inserted = 5
	x.Flush(true)
	c.Reset(0, 0)
	x.Rel(tab).Inserted = 2
	x.Flush(true)
	rc, _ := c.Rel(tab)
	require.Equal(t, int64(2), rc.Inserted)

	c.ReportAnalyze(nil, tab, 7, 1, false)
	c.ReportCheckpoint(false, 3, time.Millisecond, 0)
	data, err := c.Save(Pool{Hits: 50, Reads: 5, Writes: 9, Allocs: 11})
	require.NoError(t, err)
	d := New(nil)
	require.NoError(t, d.Load(data))
	got, ok := d.Rel(tab)
	require.True(t, ok)
	got.LastAnalyze, rc.LastAnalyze = time.Time{}, time.Time{}
	rc, _ = c.Rel(tab)
	rc.LastAnalyze = time.Time{}
	require.Equal(t, rc, got)
	require.Equal(t, c.DB().XactCommit, d.DB().XactCommit)
	require.Equal(t, c.BGWriter().BuffersCheckpoint, d.BGWriter().BuffersCheckpoint)
	h, r := d.DBBlocks(0, 0)
	require.Equal(t, [2]int64{50, 5}, [2]int64{h, r})
	backend, alloc := d.BackendBuffers(0, 0)
	require.Equal(t, [2]int64{9 - 3, 11}, [2]int64{backend, alloc})
	// A backend's cached entry of the loaded-over collector is not used.
	x2 := d.NewXact()
	x2.Rel(tab).Inserted = 1
	x2.Flush(true)
	got, _ = d.Rel(tab)
	require.Equal(t, rc.Inserted+1, got.Inserted)
	require.Error(t, d.Load([]byte(`{"Version": 99}`)))
}
