package btree

import (
	"bytes"
	"context"
	"encoding/binary"
	"math/rand"
	"sort"
	"testing"
	"time"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

var ctx = context.Background()

// env is a buffer pool (and maybe a WAL) on a file system.
type env struct {
	fs   vfs.FS
	log  *wal.Log
	smgr *bufmgr.Smgr
	pool *bufmgr.Pool
}

func newEnv(t testing.TB, fs vfs.FS, nbuf int, withWAL bool) *env {
	t.Helper()
	e := &env{fs: fs}
	// The data directory exists durably, as after initdb.
	must(t, fs.MkdirAll("/db", 0o700))
	must(t, fs.SyncDir("/"))
	if withWAL {
		l, err := wal.Open(wal.Options{FS: fs, Dir: "/db/pg_wal", SegmentSize: 1 << 20, WriterDelay: 2 * time.Millisecond})
		must(t, err)
		e.log = l
		t.Cleanup(func() { l.Close() })
	}
	sm, err := bufmgr.NewSmgr(fs, "/db/base")
	must(t, err)
	e.smgr = sm
	opts := bufmgr.PoolOptions{NBuffers: nbuf, Smgr: sm}
	if e.log != nil {
		opts.WAL = e.log
	}
	e.pool = bufmgr.NewPool(opts)
	return e
}

func (e *env) btlog() Log {
	if e.log == nil {
		return nil
	}
	return e.log
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var testNode = base.RelFileNode{Rel: 16384}

// Test column types: int8 (8 bytes, little-endian) and text (bytes).
func i8(v int64) []byte { return binary.LittleEndian.AppendUint64(nil, uint64(v)) }

func geti8(b []byte) int64 { return int64(binary.LittleEndian.Uint64(b)) }

// cmpI8 compares int8 values; like any Compare it must not panic on
// malformed bytes from a corrupted page (it orders them bytewise).
func cmpI8(a, b []byte) int {
	if len(a) != 8 || len(b) != 8 {
		return bytes.Compare(a, b)
	}
	x, y := geti8(a), geti8(b)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func intCol(name string) KeyCol  { return KeyCol{Name: name, Compare: cmpI8} }
func textCol(name string) KeyCol { return KeyCol{Name: name, Compare: bytes.Compare} }

// row is a model index entry.
type row struct {
	vals [][]byte
	tid  base.ItemPointer
}

// modelCmp orders rows as the index must, written independently of
// Desc.cmpCol: NULL placement by NullsFirst, then value order, reversed
// for Desc; then the heap TID.
func modelCmp(d *Desc, a, b row) int {
	for i, k := range d.Keys {
		x, y := a.vals[i], b.vals[i]
		var c int
		switch {
		case x == nil && y == nil:
			c = 0
		case x == nil || y == nil:
			xnull := x == nil
			if xnull == k.NullsFirst {
				c = -1
			} else {
				c = 1
			}
		default:
			c = k.Compare(x, y)
			if k.Desc {
				c = -c
			}
		}
		if c != 0 {
			return c
		}
	}
	if a.tid == b.tid {
		return 0
	}
	if a.tid.Less(b.tid) {
		return -1
	}
	return 1
}

func sortRows(d *Desc, rows []row) {
	sort.Slice(rows, func(i, j int) bool { return modelCmp(d, rows[i], rows[j]) < 0 })
}

// scanAll returns the entries of a scan.
func scanAll(t testing.TB, ix *Index, opts ScanOptions) []row {
	t.Helper()
	s, err := ix.NewScan(opts)
	must(t, err)
	var out []row
	for e := s.Next(); e != nil; e = s.Next() {
		out = append(out, row{vals: e.Vals, tid: e.TID})
	}
	must(t, s.Err())
	return out
}

func sameRows(t testing.TB, d *Desc, got, want []row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d", len(got), len(want))
	}
	for i := range got {
		if modelCmp(d, got[i], want[i]) != 0 || got[i].tid != want[i].tid || len(got[i].vals) != len(want[i].vals) {
			t.Fatalf("entry %d: got %v %s, want %v %s", i, got[i].vals, got[i].tid, want[i].vals, want[i].tid)
		}
		for j := range got[i].vals {
			if (got[i].vals[j] == nil) != (want[i].vals[j] == nil) || !bytes.Equal(got[i].vals[j], want[i].vals[j]) {
				t.Fatalf("entry %d column %d: got %x, want %x", i, j, got[i].vals[j], want[i].vals[j])
			}
		}
	}
}

// tidOf makes distinct heap TIDs.
func tidOf(n int) base.ItemPointer {
	return base.ItemPointer{Block: base.BlockNumber(n / 200), Offset: base.OffsetNumber(n%200 + 1)}
}

func seedRand(t testing.TB) *rand.Rand {
	seed := rand.Int63()
	t.Logf("seed %d", seed)
	return rand.New(rand.NewSource(seed))
}
