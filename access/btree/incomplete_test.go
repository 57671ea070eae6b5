package btree

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

// failLog fails one Insert once armed: the first btree record with the
// given info or, with afterLevel1Split, the first btree record after the
// split of a level-1 page; as a WAL write error or a crash between a split
// and the insertion of its downlink would.
type failLog struct {
	inner            *wal.Log
	info             uint8
	afterLevel1Split bool
	armed            atomic.Bool
	next             bool
}

func (l *failLog) Insert(rec *wal.Record) (wal.LSN, error) {
	if rec.Rmgr == wal.RmgrBtree && l.armed.Load() {
		fail := rec.Info == l.info
		if l.afterLevel1Split {
			fail = l.next
			if rec.Info == infoSplitL || rec.Info == infoSplitR {
				sm, _ := decodeSplitMain(rec.Data)
				l.next = sm.level == 1
			}
		}
		if fail {
			l.armed.Store(false)
			return 0, pgerr.New(pgerr.IoError, "injected WAL failure")
		}
	}
	return l.inner.Insert(rec)
}

// countIncomplete counts pages flagged incomplete-split.
func countIncomplete(t *testing.T, e *env) int {
	t.Helper()
	n, err := e.smgr.NBlocks(testNode, base.MainFork)
	must(t, err)
	c := 0
	for b := base.BlockNumber(1); b < n; b++ {
		p := readPageCopy(t, e.pool, b)
		if o, ok := getOpaque(p); ok && !p.IsNew() && o.incomplete() {
			c++
		}
	}
	return c
}

// TestIncompleteSplit interrupts a split after its own record and before
// the downlink (or the new root) is logged, then checks that the tree is
// still valid and searchable (BT7), that the next inserter finishes the
// split, and that the same holds after a crash and recovery.
func TestIncompleteSplit(t *testing.T) {
	for _, tc := range []struct {
		name       string
		info       uint8
		after      int // inserts before arming the failure
		afterSplit bool
	}{
		{"root", infoNewRoot, 0, false},
		{"leaf", infoInsertUpper, 200, false},
		{"internal", 0, 0, true}, // a level-1 page split, its downlink not logged
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := vfs.NewCrash(1)
			e := newEnv(t, fs, 512, true)
			fl := &failLog{inner: e.log, info: tc.info, afterLevel1Split: tc.afterSplit}
			// Wide keys, so that internal pages split early.
			desc := Desc{Name: "ix", Keys: []KeyCol{textCol("t")}}
			key := func(n int) []byte { return []byte(fmt.Sprintf("%08d%0200d", n, 0)) }
			ix, err := Create(e.pool, fl, testNode, desc)
			must(t, err)
			n := 0
			insert := func() error {
				n++
				return ix.Insert(ctx, nil, [][]byte{key(n)}, tidOf(n))
			}
			for i := 0; i < tc.after; i++ {
				must(t, insert())
			}
			fl.armed.Store(true)
			var failed error
			for failed == nil && n < tc.after+300000 {
				failed = insert()
			}
			if pgerr.CodeOf(failed) != pgerr.IoError {
				t.Fatalf("got %v, want the injected failure", failed)
			}
			if c := countIncomplete(t, e); c == 0 {
				t.Fatalf("no incomplete split after the failure")
			}
			must(t, ix.Check())
			// The entry whose insert failed is in the index (as in
			// PostgreSQL, its transaction aborts and the heap tuple is dead).
			if got := len(scanAll(t, ix, ScanOptions{})); got != n {
				t.Fatalf("scan found %d entries, want %d", got, n)
			}

			// After a crash, recovery leaves the split incomplete and
			// the next insert into that part of the tree finishes it.
			must(t, e.log.Flush(e.log.InsertLSN()))
			e.log.Abandon()
			e2 := recoverEnv(t, fs.Crash(vfs.CrashOptions{TearProb: 0.5}), 512, 0)
			ix2, err := Open(e2.pool, e2.log, testNode, desc)
			must(t, err)
			must(t, ix2.Check())
			if c := countIncomplete(t, e2); c == 0 {
				t.Fatalf("no incomplete split after recovery")
			}
			for i := 0; i < 5; i++ {
				must(t, ix2.Insert(ctx, nil, [][]byte{key(-i)}, tidOf(n+1+i)))
				must(t, ix2.Insert(ctx, nil, [][]byte{key(n - i)}, tidOf(n+100+i)))
			}
			must(t, ix2.Check())
			if c := countIncomplete(t, e2); c != 0 {
				t.Fatalf("%d incomplete splits left after inserting", c)
			}
			if got := len(scanAll(t, ix2, ScanOptions{})); got != n+10 {
				t.Fatalf("scan found %d entries, want %d", got, n+10)
			}

			// Without a crash, the same happens in place.
			fl.inner = nil
			ix.log = nil
			for i := 0; i < 5; i++ {
				must(t, ix.Insert(ctx, nil, [][]byte{key(-i)}, tidOf(n+1+i)))
				must(t, ix.Insert(ctx, nil, [][]byte{key(n - i)}, tidOf(n+100+i)))
			}
			must(t, ix.Check())
			if c := countIncomplete(t, e); c != 0 {
				t.Fatalf("%d incomplete splits left after inserting", c)
			}
		})
	}
}
