package btree

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/wal"
)

// HeapState is what the heap says about the tuple an existing index entry
// points at, as seen by a "dirty" snapshot (PostgreSQL's SnapshotDirty in
// _bt_check_unique).
type HeapState uint8

const (
	// HeapDead: the tuple can never conflict: its inserter aborted, or a
	// committed transaction deleted it, or the entry points at nothing.
	HeapDead HeapState = iota
	// HeapLive: the tuple is live: inserted by a committed transaction (or
	// by the inserting transaction itself) and not deleted by a committed
	// one.
	HeapLive
	// HeapInProgress: a running transaction (the XID) inserted or is
	// deleting the tuple; its outcome decides. The inserter waits for it
	// and looks again.
	HeapInProgress
)

// UniqueCheck is what InsertUnique needs to enforce uniqueness.
type UniqueCheck struct {
	// Name is the constraint (or index) name for the error message.
	Name string
	// Heap tells the state of the heap tuple an existing entry with an
	// equal key points at. It is called with index pages locked: it may
	// read and lock heap pages but must not use this index (BT3).
	Heap func(tid base.ItemPointer) (HeapState, base.XID, error)
	// Describe formats the key for the error detail "Key (cols)=(vals)
	// already exists."; nil uses the column names and hex values.
	Describe func(key [][]byte) (cols, vals string)
	// Xacts is waited on when Heap says HeapInProgress.
	Xacts *mvcc.Manager
}

// work is per-operation state: a scratch slice for key values and the xid
// recorded in WAL records.
type work struct {
	scratch [][]byte
	xid     base.XID
	usage   *bufmgr.Usage // a scan's EXPLAIN BUFFERS counts (nil: none)
	sbuf    [4][]byte     // scratch's backing array for up to 4 key columns
	pbs     [4]pageBuf    // lockPageWork's ring of share-locked page handles
	npb     uint8
}

// bufUsage is w's Usage; nil for a nil w.
func (w *work) bufUsage() *bufmgr.Usage {
	if w == nil {
		return nil
	}
	return w.usage
}

func (ix *Index) newWork(x *mvcc.Xact) *work {
	w := &work{}
	ix.initWork(w, x)
	return w
}

// initWork sets up w, which may be embedded in a longer-lived struct.
func (ix *Index) initWork(w *work, x *mvcc.Xact) {
	if ix.nkeys <= len(w.sbuf) {
		w.scratch = w.sbuf[:ix.nkeys]
	} else {
		w.scratch = make([][]byte, ix.nkeys)
	}
	if x != nil {
		w.xid = x.XID()
	}
}

// Insert adds the entry (vals, tid) to the index: vals holds the key
// columns then the INCLUDE columns (nil = NULL), tid the heap tuple. x is
// the inserting transaction (may be nil; its xid only labels the WAL
// records). Mirrors btinsert with UNIQUE_CHECK_NO.
func (ix *Index) Insert(ctx context.Context, x *mvcc.Xact, vals [][]byte, tid base.ItemPointer) error {
	return ix.insert(ctx, x, vals, tid, nil)
}

// InsertUnique is Insert for a unique index: it first looks for entries
// with an equal key whose heap tuple is live or in progress (BT10). A live
// one is a UniqueViolation error; for one in progress it waits until that
// transaction ends and checks again. A key with a NULL column never
// conflicts (NULLS DISTINCT). Mirrors btinsert with UNIQUE_CHECK_YES and
// _bt_check_unique.
func (ix *Index) InsertUnique(ctx context.Context, x *mvcc.Xact, vals [][]byte, tid base.ItemPointer, uc UniqueCheck) error {
	if uc.Heap == nil {
		return pgerr.New(pgerr.InternalError, "btree: InsertUnique without a heap callback")
	}
	return ix.insert(ctx, x, vals, tid, &uc)
}

func (ix *Index) insert(ctx context.Context, x *mvcc.Xact, vals [][]byte, tid base.ItemPointer, uc *UniqueCheck) error {
	if len(vals) != ix.natts {
		return pgerr.New(pgerr.InternalError, "index %q has %d columns, got %d values", ix.desc.Name, ix.natts, len(vals))
	}
	if !tid.IsValid() {
		return pgerr.New(pgerr.InternalError, "index %q: invalid heap TID %s", ix.desc.Name, tid)
	}
	itup := formLeaf(vals, tid)
	if sz := maxAlign(len(itup)); sz > MaxItemSize {
		// mirrors _bt_check_third_page
		e := pgerr.New(pgerr.ProgramLimitExceeded, "index row size %d exceeds btree version %d maximum %d for index \"%s\"",
			sz, btreeVersion, MaxItemSize, ix.desc.Name)
		e.Detail = fmt.Sprintf("Index row references tuple %s in relation \"%s\".", tid, ix.desc.Table)
		e.Hint = "Values larger than 1/3 of a buffer page cannot be indexed.\n" +
			"Consider a function index of an MD5 hash of the value, or use full text indexing."
		return e
	}
	w := ix.newWork(x)
	keys := vals[:ix.nkeys]
	unique := uc != nil
	for _, k := range keys {
		if k == nil {
			unique = false // BT10: NULLs never conflict
		}
	}
	full := &scanKey{vals: keys, tid: tid, hasTID: true, fill: -1}
	for {
		if err := ctx.Err(); err != nil {
			return pgerr.Wrap(pgerr.QueryCanceled, err, "canceling statement due to user request")
		}
		if !unique {
			pb, o, stack, err := ix.search(full, true, w)
			if err != nil {
				return err
			}
			return ix.insertAt(pb, o, stack, full, itup, w)
		}
		// Position on the first page where the key could be (the heap
		// TID left out), check it and the pages right of it, then move
		// right to where key+TID goes, never letting go of a lock in
		// between (BT10).
		sk := &scanKey{vals: keys, fill: -1}
		pb, o, stack, err := ix.search(sk, true, w)
		if err != nil {
			return err
		}
		xwait, err := ix.checkUnique(pb, o, sk, uc, x, w)
		if err != nil {
			ix.release(pb)
			return err
		}
		if xwait.IsValid() {
			ix.release(pb)
			if uc.Xacts == nil {
				return pgerr.New(pgerr.InternalError, "btree: unique check must wait for transaction %d but has no transaction manager", xwait)
			}
			if err := uc.Xacts.Wait(ctx, xwait); err != nil { // XactLockTableWait
				return err
			}
			continue
		}
		pb, o, err = ix.stepRight(pb, o, full, stack, w)
		if err != nil {
			return err
		}
		return ix.insertAt(pb, o, stack, full, itup, w)
	}
}

// checkUnique looks for a conflicting entry with key sk.vals starting on
// the locked leaf pb, moving right (share-locking each next page while pb
// stays locked) while the high key says equal keys may continue; mirrors
// _bt_check_unique. It returns the xid to wait for, or a UniqueViolation.
func (ix *Index) checkUnique(pb *pageBuf, o opaque, sk *scanKey, uc *UniqueCheck, x *mvcc.Xact, w *work) (base.XID, error) {
	off, err := ix.binsrchLeaf(sk, pb, o, w)
	if err != nil {
		return 0, err
	}
	cur, co := pb, o
	defer func() {
		if cur != pb {
			ix.release(cur)
		}
	}()
	for {
		p := cur.page()
		for maxoff := p.MaxOffset(); off <= maxoff; off++ {
			t, err := ix.item(p, cur.blk, off)
			if err != nil {
				return 0, err
			}
			kv, err := ix.keyOf(&t, w.scratch)
			if err != nil {
				return 0, ix.wrapCorrupt(err)
			}
			if ix.desc.cmpPrefix(kv, sk.vals) != 0 {
				return 0, nil // past the equal keys
			}
			state, xid, err := uc.Heap(t.tid())
			if err != nil {
				return 0, err
			}
			switch state {
			case HeapDead:
				continue
			case HeapInProgress:
				if !xid.IsValid() {
					return 0, pgerr.New(pgerr.InternalError, "btree: heap tuple %s in progress without an xid", t.tid())
				}
				if x == nil || xid != x.XID() {
					return xid, nil
				}
				// Our own transaction's tuple is live to us.
				return 0, ix.uniqueViolation(uc, sk.vals)
			case HeapLive:
				return 0, ix.uniqueViolation(uc, sk.vals)
			default:
				return 0, pgerr.New(pgerr.InternalError, "btree: invalid heap state %d", state)
			}
		}
		if co.rightmost() {
			return 0, nil
		}
		// Equal keys continue on the right only if the high key keeps all
		// key columns and they are equal (only the heap TID separates).
		t, err := ix.item(p, cur.blk, pHikey)
		if err != nil {
			return 0, err
		}
		hv, err := ix.keyOf(&t, w.scratch)
		if err != nil {
			return 0, ix.wrapCorrupt(err)
		}
		if len(hv) < ix.nkeys || ix.desc.cmpPrefix(hv, sk.vals) != 0 {
			return 0, nil
		}
		nb, no, err := ix.lockPage(co.next, false) // BT3: left to right
		if err != nil {
			return 0, err
		}
		if cur != pb {
			ix.release(cur)
		}
		cur, co = nb, no
		off = co.firstData()
	}
}

// uniqueViolation builds PostgreSQL's error for a duplicate key.
func (ix *Index) uniqueViolation(uc *UniqueCheck, key [][]byte) error {
	var cols, vals string
	if uc.Describe != nil {
		cols, vals = uc.Describe(key)
	} else {
		cn := make([]string, len(key))
		vs := make([]string, len(key))
		for i, v := range key {
			cn[i] = ix.desc.Keys[i].Name
			if cn[i] == "" {
				cn[i] = fmt.Sprintf("column%d", i+1)
			}
			vs[i] = fmt.Sprintf("\\x%x", v)
		}
		cols, vals = strings.Join(cn, ", "), strings.Join(vs, ", ")
	}
	name := uc.Name
	if name == "" {
		name = ix.desc.Name
	}
	return pgerr.New(pgerr.UniqueViolation, "duplicate key value violates unique constraint \"%s\"", name).
		WithDetail("Key (%s)=(%s) already exists.", cols, vals)
}

// stepRight moves an inserter from the leaf where its key's first
// duplicate could be to the leaf where key+TID belongs, locking each right
// sibling before releasing the page left of it and finishing incomplete
// splits on the way; mirrors _bt_findinsertloc / _bt_stepright.
func (ix *Index) stepRight(pb *pageBuf, o opaque, full *scanKey, stack *stackEntry, w *work) (*pageBuf, opaque, error) {
	for {
		below, err := ix.highKeyBelow(full, pb, o, w)
		if err != nil {
			ix.release(pb)
			return nil, opaque{}, err
		}
		if below {
			return pb, o, nil
		}
		next := o.next
		for {
			rb, ro, err := ix.lockPage(next, true)
			if err != nil {
				ix.release(pb)
				return nil, opaque{}, err
			}
			if ro.incomplete() {
				if err := ix.finishSplit(rb, ro, stack, w); err != nil {
					ix.release(pb)
					return nil, opaque{}, err
				}
				continue
			}
			ix.release(pb)
			pb, o = rb, ro
			break
		}
	}
}

// insertAt inserts a leaf tuple into the locked leaf pb that covers full.
func (ix *Index) insertAt(pb *pageBuf, o opaque, stack *stackEntry, full *scanKey, itup []byte, w *work) error {
	off, err := ix.binsrchLeaf(full, pb, o, w)
	if err != nil {
		ix.release(pb)
		return err
	}
	if off <= pb.page().MaxOffset() {
		c, err := ix.cmpItem(full, pb.page(), pb.blk, off, w.scratch)
		if err != nil {
			ix.release(pb)
			return err
		}
		if c == 0 {
			ix.release(pb)
			return pgerr.New(pgerr.InternalError, "index %q already has an entry for heap TID %s with this key", ix.desc.Name, full.tid)
		}
	}
	return ix.insertOnPage(pb, o, stack, itup, off, nil, w)
}

// insertOnPage puts itup at off of the exclusively locked page pb,
// splitting it when it is full, and releases pb. child, when not nil, is
// the locked left half of a split one level down whose downlink itup is:
// its incomplete-split flag is cleared by the same WAL record (BT7), and
// it is released too. Mirrors _bt_insertonpg.
func (ix *Index) insertOnPage(pb *pageBuf, o opaque, stack *stackEntry, itup []byte, off base.OffsetNumber, child *pageBuf, w *work) error {
	if o.incomplete() {
		ix.release(pb)
		ix.release(child)
		return ix.corrupt("cannot insert to incompletely split page %d", pb.blk)
	}
	if maxAlign(len(itup)) <= pb.page().FreeSpace() {
		temp := getTemp()
		defer putTemp(temp)
		copy(temp, pb.page())
		err := ix.insertSimple(pb, temp, itup, off, child, w)
		ix.release(pb)
		ix.release(child)
		return err
	}
	isRoot := o.flags&btpRoot != 0
	right, ro, lo, err := ix.split(pb, o, itup, off, child, w)
	ix.release(child)
	if err != nil {
		ix.release(pb)
		return err
	}
	return ix.insertParent(pb, lo, right, ro, stack, isRoot, w)
}

func (ix *Index) insertSimple(pb *pageBuf, temp bufmgr.Page, itup []byte, off base.OffsetNumber, child *pageBuf, w *work) error {
	got, err := temp.AddItem(itup, off)
	if err != nil {
		return ix.corrupt("failed to add new item to block %d: %v", pb.blk, err)
	}
	if got != off {
		return ix.corrupt("new item added at offset %d of block %d, want %d", got, pb.blk, off)
	}
	rec := insertRecord(pb.buf.Tag(), off, itup, child)
	bufs := []*bufmgr.Buffer{pb.buf}
	temps := []bufmgr.Page{temp}
	if child != nil {
		ct := getTemp()
		defer putTemp(ct)
		copy(ct, child.page())
		co, _ := getOpaque(ct)
		setFlags(ct, co.flags&^btpIncompleteSplit)
		bufs = append(bufs, child.buf)
		temps = append(temps, ct)
	}
	return ix.logAndApply(rec, bufs, temps, w.xid)
}

// logAndApply inserts rec, whose block i is bufs[i] with its new contents
// in temps[i], then copies the new contents into the buffers and sets
// their LSN (BT9: no page changes unless its record is in the log). The
// buffers are locked exclusively by the caller.
func (ix *Index) logAndApply(rec *wal.Record, bufs []*bufmgr.Buffer, temps []bufmgr.Page, xid base.XID) error {
	rec.Rmgr = wal.RmgrBtree
	rec.XID = xid
	for i := range rec.Blocks {
		b := &rec.Blocks[i]
		if !b.WillInit {
			b.PageLSN = bufs[i].Page().LSN()
			b.Page = temps[i]
		}
	}
	var lsn wal.LSN
	if ix.log != nil {
		var err error
		if lsn, err = ix.log.Insert(rec); err != nil {
			return err
		}
	}
	for i, b := range bufs {
		p := b.Page()
		copy(p, temps[i])
		if ix.log != nil {
			p.SetLSN(lsn)
		}
		b.MarkDirty()
	}
	return nil
}

var tempPages = sync.Pool{New: func() any { return make(bufmgr.Page, base.BlockSize) }}

func getTemp() bufmgr.Page  { return tempPages.Get().(bufmgr.Page) }
func putTemp(p bufmgr.Page) { tempPages.Put(p) }

// insertParent inserts the downlink for right, the new right half of a
// split of left (both locked exclusively, consumed), into the parent
// level; mirrors _bt_insert_parent. The left page stays locked until the
// parent is locked and its incomplete-split flag is cleared with the
// downlink's insertion (BT2, BT7).
func (ix *Index) insertParent(left *pageBuf, lo opaque, right *pageBuf, ro opaque, stack *stackEntry, isRoot bool, w *work) error {
	if isRoot {
		return ix.newRoot(left, lo, right, ro, w)
	}
	hk := left.page().Item(pHikey)
	if hk == nil {
		ix.release(left)
		ix.release(right)
		return ix.corrupt("split page %d has no high key", left.blk)
	}
	pivot := withDownlink(hk, right.blk)
	if stack == nil {
		// The root split after our descent passed it: find the parent
		// level's leftmost page and search right from there.
		pb, _, err := ix.endpoint(lo.level+1, false, nil)
		if err != nil {
			ix.release(left)
			ix.release(right)
			return err
		}
		stack = &stackEntry{blk: pb.blk}
		ix.release(pb)
	}
	parent, po, err := ix.getStackBuf(stack, left.blk, lo.level+1, w)
	ix.release(right)
	if err != nil {
		ix.release(left)
		return err
	}
	return ix.insertOnPage(parent, po, stack.parent, pivot, stack.off+1, left, w)
}

// getStackBuf locks exclusively the parent page holding the downlink to
// child, starting where the descent saw it and moving right (the downlink
// can only have moved right, BT1), and updates stack; mirrors
// _bt_getstackbuf. An incomplete split of the parent is finished first.
func (ix *Index) getStackBuf(stack *stackEntry, child base.BlockNumber, level uint32, w *work) (*pageBuf, opaque, error) {
	blk, start := stack.blk, stack.off
	for {
		pb, o, err := ix.lockPage(blk, true)
		if err != nil {
			return nil, opaque{}, err
		}
		if o.level != level {
			ix.release(pb)
			return nil, opaque{}, ix.corrupt("parent page %d is at level %d, want %d", blk, o.level, level)
		}
		if o.incomplete() {
			if err := ix.finishSplit(pb, o, stack.parent, w); err != nil {
				return nil, opaque{}, err
			}
			continue
		}
		first, maxoff := o.firstData(), pb.page().MaxOffset()
		start = min(max(start, first), maxoff+1)
		found := base.InvalidOffset
		for off := start; off <= maxoff && found == 0; off++ {
			if d, err := ix.downlink(pb, off); err == nil && d == child {
				found = off
			}
		}
		for off := start - 1; off >= first && found == 0; off-- {
			if d, err := ix.downlink(pb, off); err == nil && d == child {
				found = off
			}
		}
		if found != base.InvalidOffset {
			stack.blk, stack.off = blk, found
			return pb, o, nil
		}
		if o.rightmost() {
			ix.release(pb)
			return nil, opaque{}, ix.corrupt("failed to re-find parent key for split page %d", child)
		}
		blk, start = o.next, 0
		ix.release(pb)
	}
}

// finishSplit completes an interrupted split of pb's page (locked
// exclusively, flagged incomplete): it inserts the missing downlink for
// the right sibling, or makes a new root if the page was the root; it
// releases pb. Mirrors _bt_finish_split.
func (ix *Index) finishSplit(pb *pageBuf, o opaque, stack *stackEntry, w *work) error {
	rb, ro, err := ix.lockPage(o.next, true)
	if err != nil {
		ix.release(pb)
		return err
	}
	if ro.prev != pb.blk || ro.level != o.level {
		ix.release(rb)
		ix.release(pb)
		return ix.corrupt("right sibling %d of page %d links back to %d at level %d", o.next, pb.blk, ro.prev, ro.level)
	}
	m, err := ix.readMetaPage() // the metapage is locked last (BT3)
	if err != nil {
		ix.release(rb)
		ix.release(pb)
		return err
	}
	return ix.insertParent(pb, o, rb, ro, stack, m.root == pb.blk, w)
}

// newRoot makes a new root above left and right, the two halves of the
// old root (locked, consumed); mirrors _bt_newroot. One record creates the
// root, rewrites the metapage and clears left's incomplete-split flag.
func (ix *Index) newRoot(left *pageBuf, lo opaque, right *pageBuf, ro opaque, w *work) (err error) {
	defer func() {
		ix.release(left)
		ix.release(right)
	}()
	hk := left.page().Item(pHikey)
	if hk == nil {
		return ix.corrupt("split root %d has no high key", left.blk)
	}
	rbuf, err := ix.pool.NewPage(ix.node, base.MainFork)
	if err != nil {
		return err
	}
	root := &pageBuf{buf: rbuf, excl: true, blk: rbuf.Tag().Block}
	rbuf.Lock()
	defer ix.release(root)
	mbuf, err := ix.pool.ReadBuffer(ix.tag(metaBlock))
	if err != nil {
		return err
	}
	mb := &pageBuf{buf: mbuf, excl: true, blk: metaBlock}
	mbuf.Lock()
	defer ix.release(mb)
	m, err := readMeta(mbuf.Page())
	if err != nil {
		return ix.wrapCorrupt(err)
	}
	if m.root != left.blk {
		return ix.corrupt("metapage root is %d while splitting root %d", m.root, left.blk)
	}
	level := lo.level + 1
	items := [][]byte{minusInfinity(left.blk), withDownlink(hk, right.blk)}
	rootTemp, metaTemp, leftTemp := getTemp(), getTemp(), getTemp()
	defer func() { putTemp(rootTemp); putTemp(metaTemp); putTemp(leftTemp) }()
	if err := fillPage(rootTemp, opaque{level: level, flags: btpRoot}, items); err != nil {
		return err
	}
	nm := meta{root: root.blk, level: level, nkeys: ix.nkeys, natts: ix.natts}
	fillMeta(metaTemp, nm)
	copy(leftTemp, left.page())
	setFlags(leftTemp, lo.flags&^btpIncompleteSplit)
	rec := newRootRecord(rbuf.Tag(), mbuf.Tag(), left.buf, level, nm, items)
	if err := ix.logAndApply(rec, []*bufmgr.Buffer{rbuf, mbuf, left.buf},
		[]bufmgr.Page{rootTemp, metaTemp, leftTemp}, w.xid); err != nil {
		return err
	}
	ix.setRootCache(root.blk, level)
	return nil
}
