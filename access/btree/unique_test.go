package btree

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/vfs"
)

// fakeHeap records which transaction inserted each heap TID and answers
// the unique check's question from the transaction manager, as
// SnapshotDirty would.
type fakeHeap struct {
	mgr *mvcc.Manager
	mu  sync.Mutex
	ins map[base.ItemPointer]base.XID
	// inProgress is signalled (once per value) when a check reports a
	// running inserter.
	inProgress chan base.XID
}

func (h *fakeHeap) add(tid base.ItemPointer, xid base.XID) {
	h.mu.Lock()
	h.ins[tid] = xid
	h.mu.Unlock()
}

func (h *fakeHeap) state(tid base.ItemPointer) (HeapState, base.XID, error) {
	h.mu.Lock()
	xid, ok := h.ins[tid]
	h.mu.Unlock()
	if !ok {
		return HeapDead, 0, nil
	}
	if h.mgr.IsRunning(xid) {
		if h.inProgress != nil {
			select {
			case h.inProgress <- xid:
			default:
			}
		}
		return HeapInProgress, xid, nil
	}
	st, err := h.mgr.Status(xid)
	if err != nil {
		return 0, 0, err
	}
	if st == clog.StatusCommitted {
		return HeapLive, 0, nil
	}
	return HeapDead, 0, nil
}

type uniqueEnv struct {
	*env
	mgr  *mvcc.Manager
	heap *fakeHeap
	ix   *Index
	uc   UniqueCheck
	next int
}

func newUniqueEnv(t *testing.T, desc Desc) *uniqueEnv {
	t.Helper()
	e := newEnv(t, vfs.NewMem(), 256, true)
	c, err := clog.Open(e.fs, "/db/pg_xact", e.log)
	must(t, err)
	t.Cleanup(func() { c.Close() })
	mgr := mvcc.NewManager(c, e.log, base.FullXID(base.FirstNormalXID))
	ix, err := Create(e.pool, e.log, testNode, desc)
	must(t, err)
	h := &fakeHeap{mgr: mgr, ins: map[base.ItemPointer]base.XID{}}
	u := &uniqueEnv{env: e, mgr: mgr, heap: h, ix: ix}
	u.uc = UniqueCheck{
		Name: desc.Name,
		Heap: h.state,
		Describe: func(key [][]byte) (string, string) {
			return "a", fmt.Sprint(geti8(key[0]))
		},
		Xacts: mgr,
	}
	return u
}

// insert adds a heap tuple for x and its index entry.
func (u *uniqueEnv) insert(c context.Context, x *mvcc.Xact, v int64) error {
	xid, err := x.AssignXID()
	if err != nil {
		return err
	}
	u.heap.mu.Lock()
	u.next++
	tid := tidOf(u.next)
	u.heap.mu.Unlock()
	u.heap.add(tid, xid)
	return u.ix.InsertUnique(c, x, [][]byte{i8(v)}, tid, u.uc)
}

func (u *uniqueEnv) begin() *mvcc.Xact { return u.mgr.Begin(mvcc.DefaultXactOptions()) }

func wantViolation(t *testing.T, err error, v int64) {
	t.Helper()
	var pe *pgerr.Error
	if !errors.As(err, &pe) || pe.Code != pgerr.UniqueViolation {
		t.Fatalf("got %v, want a unique violation", err)
	}
	if want := `duplicate key value violates unique constraint "uq"`; pe.Message != want {
		t.Fatalf("message %q, want %q", pe.Message, want)
	}
	if want := fmt.Sprintf("Key (a)=(%d) already exists.", v); pe.Detail != want {
		t.Fatalf("detail %q, want %q", pe.Detail, want)
	}
}

func TestUnique(t *testing.T) {
	u := newUniqueEnv(t, Desc{Name: "uq", Keys: []KeyCol{intCol("a")}})
	x1 := u.begin()
	must(t, u.insert(ctx, x1, 1))
	must(t, x1.Commit())

	// A committed duplicate conflicts.
	x2 := u.begin()
	wantViolation(t, u.insert(ctx, x2, 1), 1)
	must(t, x2.Abort())

	// An aborted one does not.
	x3 := u.begin()
	must(t, u.insert(ctx, x3, 2))
	must(t, x3.Abort())
	x4 := u.begin()
	must(t, u.insert(ctx, x4, 2))
	// Our own earlier insert conflicts.
	wantViolation(t, u.insert(ctx, x4, 2), 2)
	must(t, x4.Commit())

	// NULLs never conflict.
	x5 := u.begin()
	for i := 0; i < 3; i++ {
		xid, _ := x5.AssignXID()
		tid := base.ItemPointer{Block: 900, Offset: base.OffsetNumber(i + 1)}
		u.heap.add(tid, xid)
		must(t, u.ix.InsertUnique(ctx, x5, [][]byte{nil}, tid, u.uc))
	}
	must(t, x5.Commit())
	must(t, u.ix.Check())
}

func TestUniqueMultiColumnNulls(t *testing.T) {
	u := newUniqueEnv(t, Desc{Name: "uq", Keys: []KeyCol{intCol("a"), intCol("b")}})
	x := u.begin()
	xid, _ := x.AssignXID()
	ins := func(n int, a, b []byte) error {
		tid := base.ItemPointer{Block: 1, Offset: base.OffsetNumber(n)}
		u.heap.add(tid, xid)
		return u.ix.InsertUnique(ctx, x, [][]byte{a, b}, tid, u.uc)
	}
	must(t, ins(1, i8(1), nil))
	must(t, ins(2, i8(1), nil))
	must(t, ins(3, i8(1), i8(2)))
	if err := ins(4, i8(1), i8(2)); pgerr.CodeOf(err) != pgerr.UniqueViolation {
		t.Fatalf("got %v, want a unique violation", err)
	}
	must(t, ins(5, i8(2), i8(1)))
	must(t, x.Commit())
}

// TestUniqueWait: a duplicate inserted by a running transaction makes the
// second inserter wait; the first one's commit makes it a violation, its
// abort lets the insert through; cancelling stops the wait.
func TestUniqueWait(t *testing.T) {
	for _, outcome := range []string{"commit", "abort", "cancel"} {
		t.Run(outcome, func(t *testing.T) {
			u := newUniqueEnv(t, Desc{Name: "uq", Keys: []KeyCol{intCol("a")}})
			u.heap.inProgress = make(chan base.XID, 1)
			x1 := u.begin()
			must(t, u.insert(ctx, x1, 7))
			x2 := u.begin()
			_, err := x2.AssignXID()
			must(t, err)
			c, cancel := context.WithCancel(ctx)
			defer cancel()
			res := make(chan error, 1)
			go func() { res <- u.insert(c, x2, 7) }()
			if got := <-u.heap.inProgress; got != x1.XID() {
				t.Fatalf("unique check saw %d in progress, want %d", got, x1.XID())
			}
			// x2 cannot finish while x1 runs.
			select {
			case err := <-res:
				t.Fatalf("insert returned %v while the other inserter was running", err)
			default:
			}
			switch outcome {
			case "commit":
				must(t, x1.Commit())
				wantViolation(t, <-res, 7)
			case "abort":
				must(t, x1.Abort())
				must(t, <-res)
				must(t, x2.Commit())
				got := scanAll(t, u.ix, ScanOptions{})
				if len(got) != 2 {
					t.Fatalf("%d entries, want 2 (one dead)", len(got))
				}
			case "cancel":
				cancel()
				if err := <-res; pgerr.CodeOf(err) != pgerr.QueryCanceled {
					t.Fatalf("got %v, want QueryCanceled", err)
				}
				must(t, x1.Commit())
			}
			must(t, u.ix.Check())
		})
	}
}

// TestUniqueAcrossPages: a key with enough dead duplicates to fill several
// leaves is still checked to its last entry.
func TestUniqueAcrossPages(t *testing.T) {
	u := newUniqueEnv(t, Desc{Name: "uq", Keys: []KeyCol{textCol("a")}, NInclude: 1})
	u.uc.Describe = nil
	key := []byte("k")
	dead := u.begin()
	dxid, err := dead.AssignXID()
	must(t, err)
	pad := make([]byte, 300)
	for i := 0; i < 200; i++ { // ~25 per page
		tid := base.ItemPointer{Block: base.BlockNumber(10 + i), Offset: 1}
		u.heap.add(tid, dxid)
		must(t, u.ix.Insert(ctx, dead, [][]byte{key, pad}, tid))
	}
	must(t, dead.Abort())
	live := u.begin()
	lxid, err := live.AssignXID()
	must(t, err)
	tid := base.ItemPointer{Block: 5000, Offset: 1} // sorts after every dead one
	u.heap.add(tid, lxid)
	must(t, u.ix.InsertUnique(ctx, live, [][]byte{key, pad}, tid, u.uc))
	must(t, live.Commit())
	h, err := u.ix.Height()
	must(t, err)
	if h < 2 {
		t.Fatalf("duplicates fit on one page")
	}
	x := u.begin()
	xid, _ := x.AssignXID()
	tid2 := base.ItemPointer{Block: 1, Offset: 1} // sorts before every one
	u.heap.add(tid2, xid)
	err = u.ix.InsertUnique(ctx, x, [][]byte{key, nil}, tid2, u.uc)
	var pe *pgerr.Error
	if !errors.As(err, &pe) || pe.Code != pgerr.UniqueViolation || pe.Detail != `Key (a)=(\x6b) already exists.` {
		t.Fatalf("got %v (detail %q), want a unique violation", err, pe.Detail)
	}
	must(t, x.Abort())
	must(t, u.ix.Check())
}

// TestUniqueConcurrent: goroutines race to insert the same keys, each in
// its own transaction that commits right away; exactly one wins per key.
func TestUniqueConcurrent(t *testing.T) {
	u := newUniqueEnv(t, Desc{Name: "uq", Keys: []KeyCol{intCol("a")}})
	const workers, keys = 4, 150
	var wg sync.WaitGroup
	wins := make([][]int64, workers)
	errs := make(chan error, workers)
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := 0; k < keys; k++ {
				v := int64((k*7 + g) % keys)
				x := u.begin()
				err := u.insert(ctx, x, v)
				switch pgerr.CodeOf(err) {
				case "":
					if err := x.Commit(); err != nil {
						errs <- err
						return
					}
					wins[g] = append(wins[g], v)
				case pgerr.UniqueViolation:
					if err := x.Abort(); err != nil {
						errs <- err
						return
					}
				default:
					errs <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	count := map[int64]int{}
	for _, w := range wins {
		for _, v := range w {
			count[v]++
		}
	}
	for v := int64(0); v < keys; v++ {
		if count[v] != 1 {
			t.Fatalf("key %d inserted %d times", v, count[v])
		}
	}
	must(t, u.ix.Check())
}
