package btree

import (
	"sync/atomic"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/wal"
)

// Log is what an index needs of the write-ahead log; *wal.Log satisfies
// it. A nil Log makes an unlogged index (tests, benchmarks).
type Log interface {
	Insert(rec *wal.Record) (wal.LSN, error)
}

var _ Log = (*wal.Log)(nil)

// Index is one B-tree index relation, used through a buffer pool. It is
// safe for concurrent use by any number of goroutines (BT3).
type Index struct {
	pool  *bufmgr.Pool
	log   Log
	node  base.RelFileNode
	desc  Desc
	nkeys int // key columns
	natts int // key and INCLUDE columns

	// root caches the root block and level (PostgreSQL's rd_amcache
	// copy of the metapage): level<<32 | block, 0 when unknown.
	root atomic.Uint64
	// hints remember the buffers of inner pages (blk<<32 | buffer id+1 in
	// slot blk % len): a descent pins them with ReadRecentBuffer instead
	// of looking them up. Only pages found at level > 0 are remembered, and
	// a page's level never changes (no page is deleted), so leaves never
	// match a slot.
	hints [32]atomic.Uint64
}

// Create makes a new, empty index in relation node: it creates the file
// (WAL-logged) and writes the metapage (block 0) and an empty root leaf
// (block 1) with one XLOG_BTREE_NEWROOT record. Mirrors btbuildempty and
// _bt_getroot's creation of the first root.
func Create(pool *bufmgr.Pool, log Log, node base.RelFileNode, desc Desc) (*Index, error) {
	ix, err := newIndex(pool, log, node, desc)
	if err != nil {
		return nil, err
	}
	if err := pool.LogCreate(node); err != nil {
		return nil, err
	}
	mbuf, err := pool.NewPage(node, base.MainFork)
	if err != nil {
		return nil, err
	}
	defer pool.Release(mbuf)
	rbuf, err := pool.NewPage(node, base.MainFork)
	if err != nil {
		return nil, err
	}
	defer pool.Release(rbuf)
	if mbuf.Tag().Block != metaBlock || rbuf.Tag().Block != metaBlock+1 {
		return nil, pgerr.New(pgerr.ObjectNotInPrerequisiteState, "index %q: relation %s is not empty", desc.Name, node)
	}
	mbuf.Lock()
	defer mbuf.Unlock()
	rbuf.Lock()
	defer rbuf.Unlock()
	m := meta{root: rbuf.Tag().Block, level: 0, nkeys: ix.nkeys, natts: ix.natts}
	root := opaque{level: 0, flags: btpLeaf | btpRoot}
	rootPage := make(bufmgr.Page, base.BlockSize)
	if err := fillPage(rootPage, root, nil); err != nil {
		return nil, err
	}
	metaPage := make(bufmgr.Page, base.BlockSize)
	fillMeta(metaPage, m)
	rec := newRootRecord(rbuf.Tag(), mbuf.Tag(), nil, 0, m, nil)
	if err := ix.logAndApply(rec, []*bufmgr.Buffer{rbuf, mbuf}, []bufmgr.Page{rootPage, metaPage}, 0); err != nil {
		return nil, err
	}
	ix.setRootCache(m.root, 0)
	return ix, nil
}

// Open returns the index stored in relation node, checking that its
// metapage agrees with desc on the number of key and INCLUDE columns.
func Open(pool *bufmgr.Pool, log Log, node base.RelFileNode, desc Desc) (*Index, error) {
	ix, err := newIndex(pool, log, node, desc)
	if err != nil {
		return nil, err
	}
	m, err := ix.readMetaPage()
	if err != nil {
		return nil, err
	}
	if m.nkeys != ix.nkeys || m.natts != ix.natts {
		return nil, pgerr.New(pgerr.InvalidParameterValue,
			"index %q has %d key columns of %d, but the descriptor has %d of %d",
			desc.Name, m.nkeys, m.natts, ix.nkeys, ix.natts)
	}
	ix.setRootCache(m.root, m.level)
	return ix, nil
}

func newIndex(pool *bufmgr.Pool, log Log, node base.RelFileNode, desc Desc) (*Index, error) {
	if err := desc.validate(); err != nil {
		return nil, err
	}
	if pool == nil {
		return nil, pgerr.New(pgerr.InternalError, "btree: nil buffer pool")
	}
	d := desc
	d.Keys = append([]KeyCol(nil), desc.Keys...)
	return &Index{pool: pool, log: log, node: node, desc: d, nkeys: len(d.Keys), natts: len(d.Keys) + d.NInclude}, nil
}

// Node returns the index's relation.
func (ix *Index) Node() base.RelFileNode { return ix.node }

// Desc returns the index's descriptor.
func (ix *Index) Desc() Desc { return ix.desc }

// Height returns the number of levels (1 for a single leaf), read from
// the metapage.
func (ix *Index) Height() (int, error) {
	m, err := ix.readMetaPage()
	if err != nil {
		return 0, err
	}
	return int(m.level) + 1, nil
}

func (ix *Index) readMetaPage() (meta, error) {
	b, err := ix.pool.ReadBuffer(ix.tag(metaBlock))
	if err != nil {
		return meta{}, err
	}
	defer ix.pool.Release(b)
	b.RLock()
	defer b.RUnlock()
	m, err := readMeta(b.Page())
	if err != nil {
		return meta{}, ix.wrapCorrupt(err)
	}
	return m, nil
}

func (ix *Index) tag(blk base.BlockNumber) base.BufferTag {
	return base.BufferTag{Node: ix.node, Fork: base.MainFork, Block: blk}
}

func (ix *Index) setRootCache(blk base.BlockNumber, level uint32) {
	ix.root.Store(uint64(level)<<32 | uint64(blk))
}

// pageBuf is a pinned, content-locked index page.
type pageBuf struct {
	buf  *bufmgr.Buffer
	excl bool
	blk  base.BlockNumber
	held bool // locked and pinned (a handle of a work's ring is reused only when not)
}

func (pb *pageBuf) page() bufmgr.Page { return pb.buf.Page() }

// lockPage pins and locks block blk and checks that it is a sane btree
// page (_bt_getbuf + _bt_checkpage).
func (ix *Index) lockPage(blk base.BlockNumber, excl bool) (*pageBuf, opaque, error) {
	return ix.lockPageUsage(blk, excl, nil)
}

// lockPageUsage is lockPage counting the access into u (nil: not
// counted) for EXPLAIN (ANALYZE, BUFFERS). Every access counts, as each
// _bt_getbuf is a ReadBuffer in PostgreSQL; u's same-page memory (kept
// for the heap accesses of the scan) is left alone.
func (ix *Index) lockPageUsage(blk base.BlockNumber, excl bool, u *bufmgr.Usage) (*pageBuf, opaque, error) {
	return ix.lockInto(nil, blk, excl, u)
}

// lockPageWork is lockPageUsage for a descent with work w: a share-locked
// page's handle comes from w's small ring instead of the heap (a reader
// holds one page at a time, BT3; a handle still held is never reused).
func (ix *Index) lockPageWork(blk base.BlockNumber, excl bool, w *work) (*pageBuf, opaque, error) {
	var pb *pageBuf
	if w != nil && !excl {
		for range len(w.pbs) {
			c := &w.pbs[w.npb%uint8(len(w.pbs))]
			w.npb++
			if !c.held {
				pb = c
				break
			}
		}
	}
	return ix.lockInto(pb, blk, excl, w.bufUsage())
}

// lockInto locks blk into handle pb (a new one when nil).
func (ix *Index) lockInto(pb *pageBuf, blk base.BlockNumber, excl bool, u *bufmgr.Usage) (*pageBuf, opaque, error) {
	if blk == metaBlock || blk == base.InvalidBlock {
		return nil, opaque{}, ix.corrupt("link to invalid block %d", blk)
	}
	var (
		b   *bufmgr.Buffer
		err error
	)
	slot := &ix.hints[int(blk)%len(ix.hints)]
	if h := slot.Load(); h>>32 == uint64(blk) && h&0xFFFFFFFF != 0 {
		var one bufmgr.Usage
		if hb, ok := ix.pool.ReadRecentBuffer(ix.tag(blk), int32(h&0xFFFFFFFF)-1, &one); ok {
			b = hb
			if u != nil {
				u.Hit += one.Hit
			}
		}
	}
	if b == nil {
		if b, err = ix.readBuffer(blk, u); err != nil {
			return nil, opaque{}, err
		}
	}
	if pb == nil {
		pb = new(pageBuf)
	}
	*pb = pageBuf{buf: b, excl: excl, blk: blk, held: true}
	if excl {
		b.Lock()
	} else {
		b.RLock()
	}
	o, err := checkPageHeader(b.Page(), blk)
	if err != nil {
		ix.release(pb)
		return nil, opaque{}, ix.wrapCorrupt(err)
	}
	if o.level > 0 {
		slot.Store(uint64(blk)<<32 | uint64(b.ID()+1))
	}
	return pb, o, nil
}

// readBuffer pins block blk, counting the access into u (when set) as a
// ReadBuffer of its own.
func (ix *Index) readBuffer(blk base.BlockNumber, u *bufmgr.Usage) (*bufmgr.Buffer, error) {
	if u == nil {
		return ix.pool.ReadBuffer(ix.tag(blk))
	}
	var one bufmgr.Usage
	b, err := ix.pool.ReadBufferUsage(ix.tag(blk), &one)
	u.Hit += one.Hit
	u.Read += one.Read
	return b, err
}

// release unlocks and unpins (_bt_relbuf).
func (ix *Index) release(pb *pageBuf) {
	if pb == nil {
		return
	}
	if pb.excl {
		pb.buf.Unlock()
	} else {
		pb.buf.RUnlock()
	}
	pb.held = false
	ix.pool.Release(pb.buf)
}

// relock changes the lock mode of pb (unlock, then lock again: the page
// may change in between) and re-reads its special space.
func (ix *Index) relock(pb *pageBuf, excl bool) (opaque, error) {
	if pb.excl {
		pb.buf.Unlock()
	} else {
		pb.buf.RUnlock()
	}
	pb.excl = excl
	if excl {
		pb.buf.Lock()
	} else {
		pb.buf.RLock()
	}
	o, err := checkPageHeader(pb.page(), pb.blk)
	return o, ix.wrapCorrupt(err)
}

func (ix *Index) corrupt(format string, args ...any) error {
	e := pgerr.New(pgerr.IndexCorrupted, format, args...)
	e.Message = "index \"" + ix.desc.Name + "\": " + e.Message
	return e
}

// wrapCorrupt prefixes a corruption error with the index name.
func (ix *Index) wrapCorrupt(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*pgerr.Error); ok && e.Code == pgerr.IndexCorrupted {
		c := *e
		c.Message = "index \"" + ix.desc.Name + "\": " + e.Message
		return &c
	}
	return err
}

// item parses the tuple at off of a locked page.
func (ix *Index) item(p bufmgr.Page, blk base.BlockNumber, off base.OffsetNumber) (itup, error) {
	_, _, flags := p.ItemID(off)
	b := p.Item(off)
	if flags != bufmgr.LPNormal || b == nil {
		return itup{}, ix.corrupt("item %d of block %d is not a normal item", off, blk)
	}
	t, err := parseItup(b)
	if err != nil {
		return itup{}, ix.corrupt("item %d of block %d: %s", off, blk, pgerr.As(err).Message)
	}
	return t, nil
}

// cmpItem compares sk with the tuple at off (_bt_compare); scratch holds
// nkeys values.
func (ix *Index) cmpItem(sk *scanKey, p bufmgr.Page, blk base.BlockNumber, off base.OffsetNumber, scratch [][]byte) (int, error) {
	if c, ok := ix.cmpFast(sk, p, off, scratch); ok {
		return c, nil
	}
	t, err := ix.item(p, blk, off)
	if err != nil {
		return 0, err
	}
	kv, err := ix.keyOf(&t, scratch)
	if err != nil {
		return 0, ix.wrapCorrupt(err)
	}
	return ix.desc.compareKey(sk, kv, t.hasTID(), t.tid()), nil
}

// binsrchLeaf returns the first data offset of a leaf page whose tuple is
// >= sk, or maxoff+1 (_bt_binsrch on a leaf).
func (ix *Index) binsrchLeaf(sk *scanKey, pb *pageBuf, o opaque, w *work) (base.OffsetNumber, error) {
	p := pb.page()
	lo, hi := o.firstData(), p.MaxOffset()+1
	for lo < hi {
		mid := lo + (hi-lo)/2
		c, err := ix.cmpItem(sk, p, pb.blk, mid, w.scratch)
		if err != nil {
			return 0, err
		}
		if c > 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// binsrchInternal returns the offset of the last pivot <= sk on an
// internal page (_bt_binsrch on an internal page). The first data item is
// minus infinity and is never compared.
func (ix *Index) binsrchInternal(sk *scanKey, pb *pageBuf, o opaque, w *work) (base.OffsetNumber, error) {
	p := pb.page()
	first := o.firstData()
	if p.MaxOffset() < first {
		return 0, ix.corrupt("internal page %d has no items", pb.blk)
	}
	// Find the first pivot > sk among first+1..maxoff; the answer is the
	// one before it.
	lo, hi := first+1, p.MaxOffset()+1
	for lo < hi {
		mid := lo + (hi-lo)/2
		c, err := ix.cmpItem(sk, p, pb.blk, mid, w.scratch)
		if err != nil {
			return 0, err
		}
		if c >= 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo - 1, nil
}

// downlink returns the child block of the pivot at off.
func (ix *Index) downlink(pb *pageBuf, off base.OffsetNumber) (base.BlockNumber, error) {
	t, err := ix.item(pb.page(), pb.blk, off)
	if err != nil {
		return 0, err
	}
	if !t.pivot() || t.blk == metaBlock || t.blk == base.InvalidBlock {
		return 0, ix.corrupt("item %d of internal page %d is not a downlink", off, pb.blk)
	}
	return t.blk, nil
}

// highKeyBelow reports whether sk sorts before the page's high key, i.e.
// the page can hold sk (always true on a rightmost page).
func (ix *Index) highKeyBelow(sk *scanKey, pb *pageBuf, o opaque, w *work) (bool, error) {
	if o.rightmost() {
		return true, nil
	}
	c, err := ix.cmpItem(sk, pb.page(), pb.blk, pHikey, w.scratch)
	return c < 0, err
}
