package btree

import (
	"sort"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/wal"
)

// Build creates a new index in relation node holding entries, which it
// sorts, filling pages bottom-up from the leaves as PostgreSQL's nbtsort.c
// does for CREATE INDEX: leaves 90% full, internal pages 70%, high keys
// suffix-truncated (BT4), the metapage last. Each page is WAL-logged as a
// full-page image (log_newpage: an RmgrXLOG InfoFPI record, replayed by
// bufmgr). Build checks no uniqueness: build a unique index with
// InsertUnique. The entries' slices are not retained.
func Build(pool *bufmgr.Pool, log Log, node base.RelFileNode, desc Desc, entries []Entry) (*Index, error) {
	ix, err := newIndex(pool, log, node, desc)
	if err != nil {
		return nil, err
	}
	sorted := make([]Entry, len(entries))
	copy(sorted, entries)
	for i := range sorted {
		if len(sorted[i].Vals) != ix.natts {
			return nil, pgerr.New(pgerr.InternalError, "index %q has %d columns, got %d values", desc.Name, ix.natts, len(sorted[i].Vals))
		}
		if !sorted[i].TID.IsValid() {
			return nil, pgerr.New(pgerr.InternalError, "index %q: invalid heap TID %s", desc.Name, sorted[i].TID)
		}
	}
	cmp := func(a, b *Entry) int {
		sk := scanKey{vals: a.Vals[:ix.nkeys], tid: a.TID, hasTID: true, fill: -1}
		return ix.desc.compareKey(&sk, b.Vals[:ix.nkeys], true, b.TID)
	}
	sort.SliceStable(sorted, func(i, j int) bool { return cmp(&sorted[i], &sorted[j]) < 0 })
	for i := 1; i < len(sorted); i++ {
		if cmp(&sorted[i-1], &sorted[i]) == 0 {
			return nil, pgerr.New(pgerr.InternalError, "index %q: two entries for heap TID %s with equal keys", desc.Name, sorted[i].TID)
		}
	}
	if err := pool.LogCreate(node); err != nil {
		return nil, err
	}
	b := &builder{ix: ix, next: metaBlock + 1}
	for i := range sorted {
		e := &sorted[i]
		itup := formLeaf(e.Vals, e.TID)
		if sz := maxAlign(len(itup)); sz > MaxItemSize {
			return nil, pgerr.New(pgerr.ProgramLimitExceeded, "index row size %d exceeds btree version %d maximum %d for index \"%s\"",
				sz, btreeVersion, MaxItemSize, desc.Name).
				WithDetail("Index row references tuple %s in relation \"%s\".", e.TID, desc.Table)
		}
		if err := b.add(0, itup); err != nil {
			return nil, err
		}
	}
	root, level, err := b.finish()
	if err != nil {
		return nil, err
	}
	metaPage := make(bufmgr.Page, base.BlockSize)
	fillMeta(metaPage, meta{root: root, level: level, nkeys: ix.nkeys, natts: ix.natts})
	if err := b.write(metaBlock, metaPage); err != nil {
		return nil, err
	}
	ix.setRootCache(root, level)
	return ix, nil
}

// builder fills one page per level at a time (BTPageState).
type builder struct {
	ix     *Index
	next   base.BlockNumber // next block to hand out
	levels []*buildPage
}

type buildPage struct {
	blk   base.BlockNumber
	prev  base.BlockNumber
	items [][]byte // data items
	used  int      // bytes of items and line pointers
}

func (b *builder) alloc() base.BlockNumber {
	blk := b.next
	b.next++
	return blk
}

// add appends itup to the page being filled at level, finishing the page
// first when itup would take it past its fill factor (_bt_buildadd).
func (b *builder) add(level int, itup []byte) error {
	if level == len(b.levels) {
		st := &buildPage{blk: b.alloc()}
		b.levels = append(b.levels, st)
		if level > 0 {
			// The first page of the level below gets the minus infinity
			// downlink (BT4).
			first := minusInfinity(b.levels[level-1].firstBlk(b))
			st.items = append(st.items, first)
			st.used += maxAlign(len(first)) + bufmgr.ItemIDSize
		}
	}
	st := b.levels[level]
	ff := leafFillFactor
	if level > 0 {
		ff = nonleafFillFactor
	}
	sz := maxAlign(len(itup)) + bufmgr.ItemIDSize
	highReserve := maxAlign(len(itup)+tidSize) + bufmgr.ItemIDSize
	full := st.used+sz+highReserve > usableSpace ||
		(len(st.items) >= 2 && st.used+sz > usableSpace*ff/100)
	if full && len(st.items) > 0 {
		var hk []byte
		if level == 0 {
			var err error
			if hk, err = b.ix.truncate(st.items[len(st.items)-1], itup); err != nil {
				return b.ix.wrapCorrupt(err)
			}
		} else {
			t, err := parseItup(itup)
			if err != nil {
				return b.ix.wrapCorrupt(err)
			}
			hk = withDownlink(itup, base.InvalidBlock)
			itup = minusInfinity(t.blk)
			sz = maxAlign(len(itup)) + bufmgr.ItemIDSize
		}
		newBlk := b.alloc()
		if err := b.writeLevelPage(level, st, hk, newBlk); err != nil {
			return err
		}
		old := st.blk
		st = &buildPage{blk: newBlk, prev: old}
		b.levels[level] = st
		if err := b.add(level+1, withDownlink(hk, newBlk)); err != nil {
			return err
		}
	}
	st.items = append(st.items, itup)
	st.used += sz
	return nil
}

// firstBlk is the leftmost page of a level: the page being filled when the
// level above is created (it is the level's second page at the earliest,
// whose left sibling is then the first).
func (st *buildPage) firstBlk(b *builder) base.BlockNumber {
	if st.prev != pNone {
		return st.prev
	}
	return st.blk
}

// writeLevelPage writes a finished page of the given level.
func (b *builder) writeLevelPage(level int, st *buildPage, hk []byte, next base.BlockNumber) error {
	o := opaque{prev: st.prev, next: next, level: uint32(level)}
	if level == 0 {
		o.flags |= btpLeaf
	}
	items := st.items
	if hk != nil {
		items = append([][]byte{hk}, items...)
	}
	if hk == nil && level == len(b.levels)-1 {
		o.flags |= btpRoot
	}
	p := make(bufmgr.Page, base.BlockSize)
	if err := fillPage(p, o, items); err != nil {
		return b.ix.wrapCorrupt(err)
	}
	return b.write(st.blk, p)
}

// finish writes the last page of every level, bottom up, and returns the
// root (_bt_uppershutdown).
func (b *builder) finish() (base.BlockNumber, uint32, error) {
	if len(b.levels) == 0 {
		b.levels = append(b.levels, &buildPage{blk: b.alloc()})
	}
	for level, st := range b.levels {
		if err := b.writeLevelPage(level, st, nil, pNone); err != nil {
			return 0, 0, err
		}
	}
	top := len(b.levels) - 1
	return b.levels[top].blk, uint32(top), nil
}

// write puts a built page in block blk and logs it as a full-page image
// first (BT9; mirrors log_newpage).
func (b *builder) write(blk base.BlockNumber, p bufmgr.Page) error {
	ix := b.ix
	if err := ix.pool.Smgr().ExtendTo(ix.node, base.MainFork, blk+1); err != nil {
		return err
	}
	buf, err := ix.pool.ReadBuffer(ix.tag(blk))
	if err != nil {
		return err
	}
	defer ix.pool.Release(buf)
	buf.Lock()
	defer buf.Unlock()
	var lsn wal.LSN
	if ix.log != nil {
		if lsn, err = ix.log.Insert(&wal.Record{Rmgr: wal.RmgrXLOG, Info: wal.InfoFPI, Blocks: []wal.BlockRef{{
			Tag: buf.Tag(), Page: p, ForceImage: true,
		}}}); err != nil {
			return err
		}
	}
	copy(buf.Page(), p)
	if ix.log != nil {
		buf.Page().SetLSN(lsn)
	}
	buf.MarkDirty()
	return nil
}
