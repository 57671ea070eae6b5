package tusk

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/vfs"
)

// Durable single-row commits (synchronous_commit=on) from 1 and from 16
// goroutines: group commit makes the 16-goroutine rate a multiple of the
// single one. Compare with pg_test_fsync's fdatasync rate (BENCHMARKS.md).
// Besides commits/s it reports, from the WAL's counters, commits per
// fsync, the mean fsync latency the run saw, and the share of the run's
// time spent in WAL fsyncs: with one goroutine that share is the commit
// rate as a fraction of the fdatasync rate of the same moment, which a
// shared machine's noise moves far less than either rate.
func benchCommits(b *testing.B, goroutines int) {
	db, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(ctx, "CREATE TABLE c (id int8, v text)"); err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	st0 := db.inst.Log.Stats()
	b.ResetTimer()
	if goroutines == 1 {
		for i := 0; i < b.N; i++ {
			if _, err := db.Exec(ctx, "INSERT INTO c VALUES ($1, 'x')", i); err != nil {
				b.Fatal(err)
			}
		}
	} else {
		b.SetParallelism((goroutines + 1) / 2) // RunParallel starts parallelism × GOMAXPROCS goroutines
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := db.Exec(ctx, "INSERT INTO c VALUES ($1, 'x')", next.Add(1)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	el := b.Elapsed()
	b.StopTimer()
	st := db.inst.Log.Stats()
	syncs, syncTime := max(st.Syncs-st0.Syncs, 1), st.SyncTime-st0.SyncTime
	b.ReportMetric(float64(b.N)/el.Seconds(), "commits/s")
	b.ReportMetric(float64(b.N)/float64(syncs), "commits/fsync")
	b.ReportMetric(syncTime.Seconds()*1e6/float64(syncs), "µs/fsync")
	if goroutines == 1 {
		b.ReportMetric(100*syncTime.Seconds()/el.Seconds(), "%fsync")
	}
}

func BenchmarkCommitDurable1(b *testing.B)  { benchCommits(b, 1) }
func BenchmarkCommitDurable16(b *testing.B) { benchCommits(b, 16) }

// BenchmarkCommitInMemory is BenchmarkCommitDurable1 on an in-memory
// database, where an fsync costs nothing: what a durable commit costs
// besides its fsync (profile it with -cpuprofile; BENCHMARKS.md).
func BenchmarkCommitInMemory(b *testing.B) {
	db, err := Open("")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(ctx, "CREATE TABLE c (id int8, v text)"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := db.Exec(ctx, "INSERT INTO c VALUES ($1, 'x')", i); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

// BenchmarkFdatasync is the yardstick for BenchmarkCommitDurable1: what
// pg_test_fsync's "fdatasync" line measures (one 8 kB write at offset 0 of
// a 16 MB zero-filled file, then fdatasync), through vfs.Default in the
// same test binary, so it can be interleaved with the commit benchmarks
// on a noisy machine (BENCHMARKS.md).
func BenchmarkFdatasync(b *testing.B) {
	name := b.TempDir() + "/fsync.out"
	f, err := vfs.Default.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zeros := make([]byte, 1<<20)
	for off := int64(0); off < 16<<20; off += int64(len(zeros)) {
		if _, err := f.WriteAt(zeros, off); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 8192)
	for i := range buf {
		buf[i] = byte(i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.WriteAt(buf, 0); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

func loadRows(b *testing.B, db *DB, n int) {
	b.Helper()
	if _, err := db.Exec(ctx, "CREATE TABLE t (id int8, name text, flag bool)"); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin(ctx, TxOptions{})
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	for i := 0; i < n; i += 1000 {
		sb.Reset()
		sb.WriteString("INSERT INTO t VALUES ")
		for k := i; k < i+1000 && k < n; k++ {
			if k > i {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, "(%d, 'name %d', %v)", k, k, k%2 == 0)
		}
		if _, err := tx.Exec(ctx, sb.String()); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// Point lookup of a heap tuple by ctid, through the buffer pool.
func BenchmarkFetchByCTID(b *testing.B) {
	db, err := Open(b.TempDir(), WithSynchronousCommit(false))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	loadRows(b, db, 100_000)
	inst := db.inst
	x := inst.Xacts.Begin(mvcc.XactOptions{ReadOnly: true})
	defer x.Abort()
	snap := inst.Xacts.GetSnapshot(x)
	rel, err := inst.Catalog.LookupRelation(x, snap, 2200, "t")
	if err != nil || rel == nil {
		b.Fatal(err)
	}
	var tids []base.ItemPointer
	s, err := inst.Heap.NewScan(rel.Node, snap)
	if err != nil {
		b.Fatal(err)
	}
	for t := s.Next(); t != nil; t = s.Next() {
		tids = append(tids, t.Header.Self)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tid := tids[(i*7919)%len(tids)]
		if _, ok, err := inst.Heap.Fetch(rel.Node, snap, tid); err != nil || !ok {
			b.Fatal(err)
		}
	}
}

// Sequential scan of 1 M rows (a WHERE that matches none, so the scan and
// the qual are what is measured).
func BenchmarkSeqScan1M(b *testing.B) {
	db, err := Open(b.TempDir(), WithSynchronousCommit(false))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	loadRows(b, db, 1_000_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rows, err := db.Query(ctx, "SELECT id FROM t WHERE id = -1")
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*1e6/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkOpenInMemory: what tusk.Open("") costs a test that wants a
// fresh database (bootstrap, system views, shutdown).
func BenchmarkOpenInMemory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		db, err := Open("")
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
