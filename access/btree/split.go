package btree

import (
	"sort"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/wal"
)

// Fill factors for the split of a rightmost page whose new item goes at
// its end (ascending insertion): the left half keeps this share of the
// items, as PostgreSQL's BTREE_DEFAULT_FILLFACTOR and
// BTREE_NONLEAF_FILLFACTOR.
const (
	leafFillFactor    = 90
	nonleafFillFactor = 70
)

// split splits the exclusively locked page pb, on which itup (destined for
// offset newOff) does not fit, into itself (the left half) and a new right
// page, returned locked; mirrors _bt_split. One WAL record covers the left
// page, the right page, the old right sibling's left-link and, for an
// internal page, the incomplete-split flag of child (BT2). The left half
// is flagged incomplete until its parent has the right half's downlink
// (BT7). pb and child stay locked.
func (ix *Index) split(pb *pageBuf, o opaque, itup []byte, newOff base.OffsetNumber, child *pageBuf, w *work) (*pageBuf, opaque, opaque, error) {
	p := pb.page()
	first, maxoff := o.firstData(), p.MaxOffset()
	if newOff < first || newOff > maxoff+1 {
		return nil, opaque{}, opaque{}, ix.corrupt("new item offset %d out of range on page %d", newOff, pb.blk)
	}
	// The page's data items with the new one in place.
	pos := int(newOff - first)
	items := make([][]byte, 0, int(maxoff-first)+2)
	for off := first; off <= maxoff; off++ {
		if len(items) == pos {
			items = append(items, itup)
		}
		it := p.Item(off)
		if it == nil {
			return nil, opaque{}, opaque{}, ix.corrupt("item %d of page %d has no storage", off, pb.blk)
		}
		items = append(items, it)
	}
	if len(items) == pos {
		items = append(items, itup)
	}
	var origHigh []byte
	if !o.rightmost() {
		if origHigh = p.Item(pHikey); origHigh == nil {
			return nil, opaque{}, opaque{}, ix.corrupt("page %d has no high key", pb.blk)
		}
	}
	k, err := ix.findSplit(items, pos, o, origHigh, w)
	if err != nil {
		return nil, opaque{}, opaque{}, err
	}
	var leftHigh, firstRight []byte
	if o.leaf() {
		if leftHigh, err = ix.truncate(items[k-1], items[k]); err != nil {
			return nil, opaque{}, opaque{}, ix.wrapCorrupt(err)
		}
		firstRight = items[k]
	} else {
		// The first right item's key becomes the left high key; on the
		// right it keeps only its downlink (minus infinity, BT4).
		t, err := parseItup(items[k])
		if err != nil {
			return nil, opaque{}, opaque{}, ix.wrapCorrupt(err)
		}
		leftHigh = withDownlink(items[k], base.InvalidBlock)
		firstRight = minusInfinity(t.blk)
	}
	rightItems := make([][]byte, 0, len(items)-k+1)
	if origHigh != nil {
		rightItems = append(rightItems, origHigh)
	}
	rightItems = append(rightItems, firstRight)
	rightItems = append(rightItems, items[k+1:]...)
	onLeft := pos < k
	firstRightOff := first + base.OffsetNumber(k)
	if onLeft {
		firstRightOff--
	}

	rbuf, err := ix.pool.NewPage(ix.node, base.MainFork)
	if err != nil {
		return nil, opaque{}, opaque{}, err
	}
	right := &pageBuf{buf: rbuf, excl: true, blk: rbuf.Tag().Block}
	rbuf.Lock()
	fail := func(err error) (*pageBuf, opaque, opaque, error) {
		ix.release(right)
		return nil, opaque{}, opaque{}, err
	}
	ro := opaque{prev: pb.blk, next: o.next, level: o.level, flags: rightFlags(o.level)}
	leftTemp, rightTemp := getTemp(), getTemp()
	defer putTemp(leftTemp)
	defer putTemp(rightTemp)
	lo, err := buildLeft(leftTemp, p, right.blk, firstRightOff, newOff, onLeft, itup, leftHigh)
	if err != nil {
		return fail(ix.wrapCorrupt(err))
	}
	if err := fillPage(rightTemp, ro, rightItems); err != nil {
		return fail(ix.wrapCorrupt(err))
	}
	rec := &wal.Record{Info: infoSplitR, Data: encodeSplitMain(splitMain{
		level: o.level, firstRightOff: firstRightOff, newItemOff: newOff, rightNext: o.next,
	})}
	if onLeft {
		rec.Info = infoSplitL
	}
	newItem := itup
	if !onLeft {
		newItem = nil
	}
	rec.Blocks = []wal.BlockRef{
		{Tag: pb.buf.Tag(), Data: encodeSplitLeft(newItem, leftHigh)},
		{Tag: rbuf.Tag(), WillInit: true, Data: encodeItems(rightItems)},
	}
	bufs := []*bufmgr.Buffer{pb.buf, rbuf}
	temps := []bufmgr.Page{leftTemp, rightTemp}
	if !o.rightmost() {
		// BT3: the old right sibling is locked after the pages left of it.
		sib, so, err := ix.lockPage(o.next, true)
		if err != nil {
			return fail(err)
		}
		defer ix.release(sib)
		if so.prev != pb.blk || so.level != o.level {
			return fail(ix.corrupt("right sibling %d of page %d links back to %d", o.next, pb.blk, so.prev))
		}
		st := getTemp()
		defer putTemp(st)
		copy(st, sib.page())
		setPrev(st, right.blk)
		rec.Blocks = append(rec.Blocks, wal.BlockRef{Tag: sib.buf.Tag()})
		bufs = append(bufs, sib.buf)
		temps = append(temps, st)
	}
	if (child != nil) != (o.level > 0) {
		return fail(ix.corrupt("split of page %d at level %d with child %v", pb.blk, o.level, child != nil))
	}
	if child != nil {
		ct := getTemp()
		defer putTemp(ct)
		copy(ct, child.page())
		co, _ := getOpaque(ct)
		setFlags(ct, co.flags&^btpIncompleteSplit)
		rec.Blocks = append(rec.Blocks, wal.BlockRef{Tag: child.buf.Tag()})
		bufs = append(bufs, child.buf)
		temps = append(temps, ct)
	}
	if err := ix.logAndApply(rec, bufs, temps, w.xid); err != nil {
		return fail(err)
	}
	return right, ro, lo, nil
}

// rightFlags are the flags of the new right half of a split: it is never
// the root nor incomplete.
func rightFlags(level uint32) uint16 {
	if level == 0 {
		return btpLeaf
	}
	return 0
}

// buildLeft builds into dst the left half of a split of orig: its high
// key, then orig's data items before firstRightOff, with newItem inserted
// before orig's item newItemOff when onLeft. The normal path and redo both
// use it (BT8). It returns the left page's special space.
func buildLeft(dst, orig bufmgr.Page, rightBlk base.BlockNumber, firstRightOff, newItemOff base.OffsetNumber,
	onLeft bool, newItem, highKey []byte) (opaque, error) {
	o, ok := getOpaque(orig)
	if !ok {
		return opaque{}, corrupt("split page has no btree special space")
	}
	first, maxoff := o.firstData(), orig.MaxOffset()
	if firstRightOff < first || firstRightOff > maxoff+1 ||
		(onLeft && (newItemOff < first || newItemOff > firstRightOff)) || (!onLeft && newItemOff < firstRightOff) ||
		len(highKey) == 0 || (onLeft && len(newItem) == 0) {
		return opaque{}, corrupt("invalid split point (first right %d, new item %d on left %v, %d items)",
			firstRightOff, newItemOff, onLeft, maxoff)
	}
	items := make([][]byte, 0, int(firstRightOff-first)+2)
	items = append(items, highKey)
	for off := first; off < firstRightOff; off++ {
		if onLeft && off == newItemOff {
			items = append(items, newItem)
		}
		it := orig.Item(off)
		if it == nil {
			return opaque{}, corrupt("item %d of the split page has no storage", off)
		}
		items = append(items, it)
	}
	if onLeft && newItemOff == firstRightOff {
		items = append(items, newItem)
	}
	lo := opaque{prev: o.prev, next: rightBlk, level: o.level, flags: o.flags&^btpRoot | btpIncompleteSplit}
	return lo, fillPage(dst, lo, items)
}

// findSplit chooses how many of items (the page's data items with the new
// one at pos) stay on the left; mirrors _bt_findsplitloc in a simple form:
// among the split points where both halves fit, those closest to the
// target (an even split by bytes, or the fill factor when a rightmost page
// grows at its end) are candidates, and on a leaf the one whose separator
// keeps the fewest key columns wins (suffix truncation, BT4).
func (ix *Index) findSplit(items [][]byte, pos int, o opaque, origHigh []byte, w *work) (int, error) {
	n := len(items)
	if n < 2 {
		return 0, ix.corrupt("cannot split a page with %d items", n)
	}
	size := func(b []byte) int { return maxAlign(len(b)) + bufmgr.ItemIDSize }
	prefix := make([]int, n+1)
	for i, it := range items {
		prefix[i+1] = prefix[i] + size(it)
	}
	highSize := 0
	if origHigh != nil {
		highSize = size(origHigh)
	}
	total := prefix[n]
	target := total / 2
	if o.rightmost() && pos == n-1 {
		ff := leafFillFactor
		if !o.leaf() {
			ff = nonleafFillFactor
		}
		target = total * ff / 100
	}
	type cand struct{ k, delta int }
	var cands []cand
	for k := 1; k < n; k++ {
		var left, right int
		if o.leaf() {
			// The truncated high key is at most firstright plus a heap TID.
			left = prefix[k] + maxAlign(len(items[k])+tidSize) + bufmgr.ItemIDSize
			right = highSize + prefix[n] - prefix[k]
		} else {
			left = prefix[k] + size(items[k])
			right = highSize + maxAlign(itupHeaderSize+1) + bufmgr.ItemIDSize + prefix[n] - prefix[k+1]
		}
		if left > usableSpace || right > usableSpace {
			continue
		}
		d := prefix[k] - target
		if d < 0 {
			d = -d
		}
		cands = append(cands, cand{k, d})
	}
	if len(cands) == 0 {
		return 0, ix.corrupt("could not find a feasible split point for page with %d items", n)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].delta < cands[j].delta })
	if !o.leaf() {
		return cands[0].k, nil
	}
	window := max(1, n/16)
	if len(cands) < window {
		window = len(cands)
	}
	best, bestKeep := cands[0].k, -1
	lv, rv := make([][]byte, ix.nkeys), make([][]byte, ix.nkeys)
	for _, c := range cands[:window] {
		l, err := parseItup(items[c.k-1])
		if err != nil {
			return 0, ix.wrapCorrupt(err)
		}
		r, err := parseItup(items[c.k])
		if err != nil {
			return 0, ix.wrapCorrupt(err)
		}
		lk, err := ix.keyOf(&l, lv)
		if err != nil {
			return 0, ix.wrapCorrupt(err)
		}
		rk, err := ix.keyOf(&r, rv)
		if err != nil {
			return 0, ix.wrapCorrupt(err)
		}
		if keep := ix.keepAtts(lk, rk); bestKeep < 0 || keep < bestKeep {
			best, bestKeep = c.k, keep
		}
	}
	return best, nil
}
