package btree

import (
	"bytes"
	"fmt"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// checkPage is a decoded page held by Check.
type checkPage struct {
	blk   base.BlockNumber
	o     opaque
	high  *checkTup   // nil on a rightmost page
	items []*checkTup // data items
}

// checkTup is a decoded tuple: key values (copied), heap TID, downlink.
type checkTup struct {
	off    base.OffsetNumber
	vals   [][]byte // key columns (all of them for a leaf tuple, a prefix for a pivot)
	all    [][]byte // leaf: key and INCLUDE columns
	hasTID bool
	tid    base.ItemPointer
	down   base.BlockNumber
}

// Check verifies the whole index, like amcheck's bt_index_parent_check
// (README BT1-BT7): the metapage; every page's header, special space and
// tuples; keys strictly ascending within each page and across siblings
// and below each page's high key; sibling links that agree both ways and
// levels that match; every downlink pointing at a child one level down
// whose key range lies between the downlink's key and the next one, and
// every page of a level reached by exactly one downlink or by the
// right-link of a page flagged incomplete-split. Pages that are reachable
// from nowhere must be new (all zero: extended by a split whose WAL record
// was lost in a crash). Errors are pgerr.IndexCorrupted.
//
// Check reads each page under a share lock but assumes the index is
// quiescent: run it with no concurrent inserts.
func (ix *Index) Check() error {
	m, err := ix.readMetaPage()
	if err != nil {
		return err
	}
	if m.nkeys != ix.nkeys || m.natts != ix.natts {
		return ix.corrupt("metapage has %d key columns of %d, descriptor %d of %d", m.nkeys, m.natts, ix.nkeys, ix.natts)
	}
	nblocks, err := ix.pool.Smgr().NBlocks(ix.node, base.MainFork)
	if err != nil {
		return err
	}
	if m.root >= nblocks {
		return ix.corrupt("root block %d is past the end of the index (%d blocks)", m.root, nblocks)
	}
	pages := make(map[base.BlockNumber]*checkPage)
	isNew := make(map[base.BlockNumber]bool)
	for blk := metaBlock + 1; blk < nblocks; blk++ {
		cp, fresh, err := ix.checkReadPage(blk)
		if err != nil {
			return err
		}
		if fresh {
			isNew[blk] = true
			continue
		}
		pages[blk] = cp
	}
	reached := make(map[base.BlockNumber]bool)
	// Walk each level from its leftmost page, top down.
	var upper []*checkPage
	leftmost := m.root
	for level := int(m.level); level >= 0; level-- {
		chain, err := ix.checkLevel(pages, reached, leftmost, uint32(level), m)
		if err != nil {
			return err
		}
		if upper != nil {
			if err := ix.checkDownlinks(upper, chain); err != nil {
				return err
			}
		}
		if level > 0 {
			if len(chain[0].items) == 0 {
				return ix.corrupt("internal page %d has no items", chain[0].blk)
			}
			leftmost = chain[0].items[0].down
		}
		upper = chain
	}
	for blk := range pages {
		if !reached[blk] {
			return ix.corrupt("block %d is not reachable from the root", blk)
		}
	}
	return nil
}

// checkReadPage reads and decodes one page (BT4's tuple rules included).
func (ix *Index) checkReadPage(blk base.BlockNumber) (*checkPage, bool, error) {
	b, err := ix.pool.ReadBuffer(ix.tag(blk))
	if err != nil {
		return nil, false, err
	}
	b.RLock()
	p := append(bufmgr.Page(nil), b.Page()...)
	b.RUnlock()
	ix.pool.Release(b)
	if p.IsNew() {
		return nil, true, nil
	}
	cp, err := ix.decodePage(p, blk)
	return cp, false, ix.wrapCorrupt(err)
}

// decodePage checks and decodes a btree page (not the metapage).
func (ix *Index) decodePage(p bufmgr.Page, blk base.BlockNumber) (*checkPage, error) {
	if err := bufmgr.DecodePage(p); err != nil {
		return nil, corrupt("index page %d has a corrupted header: %v", blk, pgerr.As(err).Message)
	}
	o, err := checkPageHeader(p, blk)
	if err != nil {
		return nil, err
	}
	cp := &checkPage{blk: blk, o: o}
	maxoff := p.MaxOffset()
	for off := base.OffsetNumber(1); off <= maxoff; off++ {
		_, _, flags := p.ItemID(off)
		b := p.Item(off)
		if flags != bufmgr.LPNormal || b == nil {
			return nil, corrupt("item %d of block %d is not a normal item", off, blk)
		}
		t, err := parseItup(b)
		if err != nil {
			return nil, corrupt("item %d of block %d: %s", off, blk, pgerr.As(err).Message)
		}
		isHigh := off == pHikey && !o.rightmost()
		wantPivot := isHigh || !o.leaf()
		if t.pivot() != wantPivot {
			return nil, corrupt("item %d of block %d: pivot flag %v, want %v", off, blk, t.pivot(), wantPivot)
		}
		ct := &checkTup{off: off, hasTID: t.hasTID(), tid: t.tid()}
		if t.pivot() {
			if t.natts > ix.nkeys || (t.flags&itHeapTID != 0 && t.natts != ix.nkeys) {
				return nil, corrupt("pivot %d of block %d has %d attributes (heap TID %v)", off, blk, t.natts, t.flags&itHeapTID != 0)
			}
			ct.vals = make([][]byte, t.natts)
			if err := t.vals(ct.vals); err != nil {
				return nil, corrupt("item %d of block %d: %s", off, blk, pgerr.As(err).Message)
			}
			if isHigh {
				if t.blk != base.InvalidBlock {
					return nil, corrupt("high key of block %d has a downlink %d", blk, t.blk)
				}
				if t.natts == 0 {
					return nil, corrupt("high key of block %d has no attributes", blk)
				}
			} else {
				ct.down = t.blk
				if t.blk == metaBlock || t.blk == base.InvalidBlock || t.blk == blk {
					return nil, corrupt("item %d of block %d has invalid downlink %d", off, blk, t.blk)
				}
				first := off == o.firstData()
				if first != (t.natts == 0 && t.flags&itHeapTID == 0) {
					return nil, corrupt("item %d of internal block %d: minus infinity item must be first and only first", off, blk)
				}
			}
		} else {
			if t.natts != ix.natts {
				return nil, corrupt("leaf tuple %d of block %d has %d attributes, want %d", off, blk, t.natts, ix.natts)
			}
			if !ct.tid.IsValid() {
				return nil, corrupt("leaf tuple %d of block %d has invalid heap TID %s", off, blk, ct.tid)
			}
			all := make([][]byte, t.natts)
			if err := t.vals(all); err != nil {
				return nil, corrupt("item %d of block %d: %s", off, blk, pgerr.As(err).Message)
			}
			ct.all = all
			ct.vals = all[:ix.nkeys]
		}
		if isHigh {
			cp.high = ct
		} else {
			cp.items = append(cp.items, ct)
		}
	}
	if !o.leaf() && len(cp.items) == 0 {
		return nil, corrupt("internal block %d has no items", blk)
	}
	return cp, nil
}

// cmpTup compares two decoded tuples in key space (truncated attributes
// and a missing heap TID being minus infinity).
func (ix *Index) cmpTup(a, b *checkTup) int {
	sk := scanKey{vals: a.vals, tid: a.tid, hasTID: a.hasTID, fill: -1}
	return ix.desc.compareKey(&sk, b.vals, b.hasTID, b.tid)
}

func (ix *Index) describe(t *checkTup) string {
	var buf bytes.Buffer
	buf.WriteByte('(')
	for i, v := range t.vals {
		if i > 0 {
			buf.WriteString(", ")
		}
		if v == nil {
			buf.WriteString("null")
		} else {
			fmt.Fprintf(&buf, "%x", v)
		}
	}
	if t.hasTID {
		fmt.Fprintf(&buf, "; tid %s", t.tid)
	}
	buf.WriteByte(')')
	return buf.String()
}

// checkLevel walks one level from its leftmost page along right-links
// (BT1, BT6) and returns its pages in order.
func (ix *Index) checkLevel(pages map[base.BlockNumber]*checkPage, reached map[base.BlockNumber]bool,
	leftmost base.BlockNumber, level uint32, m meta) ([]*checkPage, error) {
	var chain []*checkPage
	prev := pNone
	var prevPage *checkPage
	for blk := leftmost; ; {
		cp := pages[blk]
		if cp == nil {
			return nil, ix.corrupt("block %d at level %d is missing or uninitialized", blk, level)
		}
		if reached[blk] {
			return nil, ix.corrupt("block %d is reached twice (a cycle or a shared child)", blk)
		}
		reached[blk] = true
		o := cp.o
		if o.level != level {
			return nil, ix.corrupt("block %d has level %d, want %d", blk, o.level, level)
		}
		if o.prev != prev {
			return nil, ix.corrupt("left-link of block %d is %d, want %d", blk, o.prev, prev)
		}
		if o.flags&btpRoot != 0 && (blk != m.root || !o.leftmost() || !o.rightmost()) {
			return nil, ix.corrupt("block %d is flagged root but the root is %d", blk, m.root)
		}
		if blk == m.root && o.rightmost() && o.flags&btpRoot == 0 {
			return nil, ix.corrupt("root block %d is not flagged root", blk)
		}
		// Keys ascend strictly within the page and stay below its high
		// key (BT1).
		for i, t := range cp.items {
			// (The minus infinity item of an internal page sorts first.)
			if i > 0 && ix.cmpTup(cp.items[i-1], t) >= 0 {
				return nil, ix.corrupt("item %d of block %d %s does not follow item %d %s",
					t.off, blk, ix.describe(t), cp.items[i-1].off, ix.describe(cp.items[i-1]))
			}
			if cp.high != nil && ix.cmpTup(t, cp.high) >= 0 {
				return nil, ix.corrupt("item %d of block %d %s is not below the high key %s",
					t.off, blk, ix.describe(t), ix.describe(cp.high))
			}
		}
		// ...and are not below the left sibling's high key (BT1).
		if prevPage != nil {
			ph := prevPage.high
			if cp.high != nil && ix.cmpTup(ph, cp.high) >= 0 {
				return nil, ix.corrupt("high key of block %d does not follow its left sibling's", blk)
			}
			for i, t := range cp.items {
				if !o.leaf() && i == 0 {
					continue
				}
				if ix.cmpTup(t, ph) < 0 {
					return nil, ix.corrupt("item %d of block %d %s is below the left sibling's high key %s",
						t.off, blk, ix.describe(t), ix.describe(ph))
				}
				break
			}
		}
		chain = append(chain, cp)
		if o.rightmost() {
			return chain, nil
		}
		prev, prevPage, blk = blk, cp, o.next
	}
}

// checkDownlinks matches the downlinks of one level with the pages of the
// level below (BT2, BT7): each downlink's child is the next page of the
// lower level, followed by the pages that hang off it through
// incomplete-split right-links; the child's first key is at least the
// downlink's key and the high key of the last page of the group equals the
// next downlink's key (or the parent's high key, or is absent at the right
// end).
func (ix *Index) checkDownlinks(upper, lower []*checkPage) error {
	j := 0
	for _, pp := range upper {
		for i, t := range pp.items {
			if j >= len(lower) {
				return ix.corrupt("downlink %d of block %d to %d: the level below has only %d pages", t.off, pp.blk, t.down, len(lower))
			}
			if lower[j].blk != t.down {
				return ix.corrupt("downlink %d of block %d points to %d, but the next page of the level below is %d",
					t.off, pp.blk, t.down, lower[j].blk)
			}
			var hi *checkTup // nil = +infinity
			switch {
			case i+1 < len(pp.items):
				hi = pp.items[i+1]
			case pp.high != nil:
				hi = pp.high
			}
			first := lower[j]
			if i > 0 {
				// The child's keys are >= the downlink's key.
				for k, ct := range first.items {
					if !first.o.leaf() && k == 0 {
						continue
					}
					if ix.cmpTup(ct, t) < 0 {
						return ix.corrupt("item %d of block %d %s is below its downlink's key %s in block %d",
							ct.off, first.blk, ix.describe(ct), ix.describe(t), pp.blk)
					}
					break
				}
			}
			for lower[j].o.incomplete() {
				j++
				if j >= len(lower) {
					return ix.corrupt("block %d is flagged incomplete-split but is rightmost", lower[j-1].blk)
				}
			}
			last := lower[j]
			j++
			switch {
			case hi == nil && last.high != nil:
				return ix.corrupt("block %d under the last downlink of block %d is not rightmost", last.blk, pp.blk)
			case hi != nil && (last.high == nil || ix.cmpTup(last.high, hi) != 0 || last.high.hasTID != hi.hasTID ||
				len(last.high.vals) != len(hi.vals)):
				return ix.corrupt("high key of block %d does not match key %d of its parent %d", last.blk, hi.off, pp.blk)
			}
		}
	}
	if j != len(lower) {
		return ix.corrupt("block %d at level %d has no downlink", lower[j].blk, lower[j].o.level)
	}
	return nil
}

// CheckHeap verifies that the index holds exactly one entry for each heap
// tuple in want (heap TID to its column values, key then INCLUDE columns)
// with equal key columns (by Compare) and identical INCLUDE values, and no
// other entry; a simple form of amcheck's heapallindexed. The index must
// be quiescent. Errors are pgerr.IndexCorrupted.
func (ix *Index) CheckHeap(want map[base.ItemPointer][][]byte) error {
	s, err := ix.NewScan(ScanOptions{})
	if err != nil {
		return err
	}
	seen := make(map[base.ItemPointer]bool, len(want))
	for e := s.Next(); e != nil; e = s.Next() {
		vals, ok := want[e.TID]
		if !ok {
			return ix.corrupt("index entry for heap TID %s has no heap tuple", e.TID)
		}
		if seen[e.TID] {
			return ix.corrupt("heap TID %s has more than one index entry", e.TID)
		}
		seen[e.TID] = true
		if len(vals) != ix.natts {
			return pgerr.New(pgerr.InvalidParameterValue, "heap tuple %s has %d values, index %q has %d columns",
				e.TID, len(vals), ix.desc.Name, ix.natts)
		}
		for i := range vals {
			same := false
			if i < ix.nkeys {
				same = ix.desc.cmpCol(i, vals[i], e.Vals[i]) == 0
			} else {
				same = (vals[i] == nil) == (e.Vals[i] == nil) && bytes.Equal(vals[i], e.Vals[i])
			}
			if !same {
				return ix.corrupt("index entry for heap TID %s has a different value in column %d", e.TID, i+1)
			}
		}
	}
	if err := s.Err(); err != nil {
		return err
	}
	for tid := range want {
		if !seen[tid] {
			return ix.corrupt("heap tuple %s has no index entry", tid)
		}
	}
	return nil
}
