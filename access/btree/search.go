package btree

import (
	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
)

// stackEntry is one step of a descent (BTStackData): the internal page
// and the offset of the downlink followed, with the step above it.
type stackEntry struct {
	blk    base.BlockNumber
	off    base.OffsetNumber
	parent *stackEntry
}

// getRoot returns the root page locked (exclusively when excl) and its
// level; mirrors _bt_getroot. The cached root is used when its page still
// says it is the root at that level; a page that was the root and has
// split since is still a valid place to start (BT1: moving right finds
// every key), but the cache is then refreshed from the metapage.
func (ix *Index) getRoot(excl bool, u *bufmgr.Usage, w *work) (*pageBuf, opaque, error) {
	for attempt := 0; ; attempt++ {
		c := ix.root.Load()
		blk, level := base.BlockNumber(uint32(c)), uint32(c>>32)
		if c == 0 || attempt > 0 {
			m, err := ix.readMetaPage()
			if err != nil {
				return nil, opaque{}, err
			}
			blk, level = m.root, m.level
			ix.setRootCache(blk, level)
		}
		// Only a root leaf is locked exclusively by an inserter (BT3).
		var (
			pb  *pageBuf
			o   opaque
			err error
		)
		if w != nil {
			pb, o, err = ix.lockPageWork(blk, excl && level == 0, w)
		} else {
			pb, o, err = ix.lockPageUsage(blk, excl && level == 0, u)
		}
		if err != nil {
			return nil, opaque{}, err
		}
		if o.level != level {
			ix.release(pb)
			if attempt > 0 {
				return nil, opaque{}, ix.corrupt("root page %d has level %d, metapage says %d", blk, o.level, level)
			}
			continue
		}
		if o.flags&btpRoot == 0 && attempt == 0 {
			// The root split after we cached it: use the metapage.
			ix.release(pb)
			continue
		}
		if !o.leftmost() {
			ix.release(pb)
			return nil, opaque{}, ix.corrupt("root page %d has a left sibling %d", blk, o.prev)
		}
		return pb, o, nil
	}
}

// search descends from the root to the leaf page that holds sk (the page
// whose key range [left sibling's high key, high key) contains it) and
// returns it locked, with the stack of internal pages passed (nil unless write); mirrors
// _bt_search. Pages are locked one at a time, each released before the
// next is taken (BT3). With write the leaf is locked exclusively and every
// incomplete split met on the way is finished first (BT7).
func (ix *Index) search(sk *scanKey, write bool, w *work) (*pageBuf, opaque, *stackEntry, error) {
	pb, o, err := ix.getRoot(write, w.bufUsage(), w)
	if err != nil {
		return nil, opaque{}, nil, err
	}
	var stack *stackEntry
	for {
		pb, o, err = ix.moveRight(pb, o, sk, write, stack, w)
		if err != nil {
			return nil, opaque{}, nil, err
		}
		if o.leaf() {
			return pb, o, stack, nil
		}
		off, err := ix.binsrchInternal(sk, pb, o, w)
		if err != nil {
			ix.release(pb)
			return nil, opaque{}, nil, err
		}
		child, err := ix.downlink(pb, off)
		if err != nil {
			ix.release(pb)
			return nil, opaque{}, nil, err
		}
		if write { // a reader never climbs back up: no stack to build
			stack = &stackEntry{blk: pb.blk, off: off, parent: stack}
		}
		level, from := o.level, pb.blk
		ix.release(pb)
		pb, o, err = ix.lockPageWork(child, write && level == 1, w)
		if err != nil {
			return nil, opaque{}, nil, err
		}
		if o.level != level-1 {
			ix.release(pb)
			return nil, opaque{}, nil, ix.corrupt("downlink from page %d at level %d to page %d at level %d",
				from, level, child, o.level)
		}
	}
}

// moveRight steps right from pb while sk is not below the page's high key
// (BT1: a key concurrently moved right by a split is found by following
// right-links); mirrors _bt_moveright. Each page is released before the
// next is locked. For a writer, a page with an incomplete split is
// finished first (upgrading the lock if needed), stack being the path to
// its parent level.
func (ix *Index) moveRight(pb *pageBuf, o opaque, sk *scanKey, write bool, stack *stackEntry, w *work) (*pageBuf, opaque, error) {
	mode := pb.excl
	for {
		if write && o.incomplete() {
			if !pb.excl {
				var err error
				if o, err = ix.relock(pb, true); err != nil {
					ix.release(pb)
					return nil, opaque{}, err
				}
			}
			if o.incomplete() {
				blk := pb.blk
				if err := ix.finishSplit(pb, o, stack, w); err != nil {
					return nil, opaque{}, err
				}
				var err error
				if pb, o, err = ix.lockPageUsage(blk, mode, w.bufUsage()); err != nil {
					return nil, opaque{}, err
				}
				continue
			}
			if !mode {
				var err error
				if o, err = ix.relock(pb, false); err != nil {
					ix.release(pb)
					return nil, opaque{}, err
				}
				continue
			}
		}
		below, err := ix.highKeyBelow(sk, pb, o, w)
		if err != nil {
			ix.release(pb)
			return nil, opaque{}, err
		}
		if below {
			return pb, o, nil
		}
		next, level := o.next, o.level
		ix.release(pb)
		if pb, o, err = ix.lockPageWork(next, mode, w); err != nil {
			return nil, opaque{}, err
		}
		if o.level != level {
			ix.release(pb)
			return nil, opaque{}, ix.corrupt("right sibling %d of a page at level %d is at level %d", next, level, o.level)
		}
	}
}

// endpoint returns the leftmost (or rightmost) page of a level, share
// locked, descending along the first (last) downlinks; mirrors
// _bt_get_endpoint. Leftmost pages never change (no page is deleted and a
// split keeps the left half in place), so no moving right is needed for
// them.
func (ix *Index) endpoint(level uint32, rightmost bool, u *bufmgr.Usage) (*pageBuf, opaque, error) {
	pb, o, err := ix.getRoot(false, u, nil)
	if err != nil {
		return nil, opaque{}, err
	}
	if o.level < level {
		ix.release(pb)
		return nil, opaque{}, ix.corrupt("no level %d below root at level %d", level, o.level)
	}
	for {
		if rightmost {
			for !o.rightmost() {
				next := o.next
				ix.release(pb)
				if pb, o, err = ix.lockPageUsage(next, false, u); err != nil {
					return nil, opaque{}, err
				}
			}
		}
		if o.level == level {
			return pb, o, nil
		}
		off := o.firstData()
		if rightmost {
			off = pb.page().MaxOffset()
		}
		if off < o.firstData() || off > pb.page().MaxOffset() {
			ix.release(pb)
			return nil, opaque{}, ix.corrupt("internal page %d has no items", pb.blk)
		}
		child, err := ix.downlink(pb, off)
		if err != nil {
			ix.release(pb)
			return nil, opaque{}, err
		}
		plevel := o.level
		ix.release(pb)
		if pb, o, err = ix.lockPageUsage(child, false, u); err != nil {
			return nil, opaque{}, err
		}
		if o.level != plevel-1 {
			ix.release(pb)
			return nil, opaque{}, ix.corrupt("downlink to page %d at level %d from level %d", child, o.level, plevel)
		}
	}
}
