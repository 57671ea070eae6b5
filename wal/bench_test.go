package wal

import (
	"sync"
	"testing"
	"time"

	"github.com/tuskdb/tusk/vfs"
)

// benchCommit measures commits (Insert of a small record + Flush) per
// second from `workers` goroutines on the OS file system. Group commit
// (W6) should make 16 workers several times faster than one.
func benchCommit(b *testing.B, workers int) {
	l, err := Open(Options{FS: vfs.Default, Dir: b.TempDir() + "/pg_wal"})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	data := make([]byte, 64)
	st0 := l.Stats()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	per := (b.N + workers - 1) / workers
	for w := range workers {
		n := min(per, b.N-w*per)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range n {
				end, err := l.Insert(&Record{Rmgr: RmgrXact, XID: 5, Data: data})
				if err == nil {
					err = l.Flush(end)
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	el := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N)/el, "commits/s")
	st := l.Stats()
	syncs := max(st.Syncs-st0.Syncs, 1)
	b.ReportMetric(float64(st.Records-st0.Records)/float64(syncs), "commits/fsync")
	b.ReportMetric((st.SyncTime-st0.SyncTime).Seconds()*1e6/float64(syncs), "µs/fsync")
	if workers == 1 {
		b.ReportMetric(100*(st.SyncTime-st0.SyncTime).Seconds()/el, "%fsync")
	}
}

func BenchmarkCommit1(b *testing.B)  { benchCommit(b, 1) }
func BenchmarkCommit16(b *testing.B) { benchCommit(b, 16) }

// BenchmarkInsert measures Insert alone (no fsync), one goroutine.
func BenchmarkInsert(b *testing.B) {
	l, err := Open(Options{FS: vfs.NewMem(), Dir: "/pg_wal"})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	rec := &Record{Rmgr: RmgrHeap, Data: make([]byte, 100)}
	b.SetBytes(100)
	for b.Loop() {
		if _, err := l.Insert(rec); err != nil {
			b.Fatal(err)
		}
	}
}
