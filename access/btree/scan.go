package btree

import (
	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// Bound limits a scan: a prefix of the key columns (1..number of key
// columns values; nil is NULL, which compares as its place in the index
// order) and whether entries equal to it on those columns are included.
type Bound struct {
	Vals      [][]byte
	Inclusive bool
}

// ScanOptions select the entries of a scan. Lower and Upper are in index
// order (for a DESC column, Lower is the larger value); nil means
// unbounded. Backward returns entries from the upper end down.
type ScanOptions struct {
	Lower, Upper *Bound
	Backward     bool
	// Usage, when set, counts the B-tree pages the scan reads (EXPLAIN
	// (ANALYZE, BUFFERS)).
	Usage *bufmgr.Usage
}

// Entry is one index entry: the key then INCLUDE column values, and the
// heap TID. Its slices are the scan's own copies.
type Entry struct {
	Vals [][]byte
	TID  base.ItemPointer
}

// Scan walks the entries between two bounds in index order, forward or
// backward; mirrors btgettuple with _bt_first / _bt_next. It copies the
// matching entries of one leaf page at a time under a share lock and
// holds no lock between calls (BT11). A forward scan follows the right-link
// saved when the page was read, a backward scan the left-link, re-checked
// against concurrent splits (_bt_walk_left). Entries inserted during the
// scan may or may not be returned; entries present when the scan started
// are returned exactly once. A Scan is for one goroutine.
type Scan struct {
	ix   *Index
	opts ScanOptions
	w    *work // &wbuf
	wbuf work

	batch1 [1]Entry // the first batch's backing array (never reused)
	raw1   [48]byte // the first entry's values (never reused; keep)
	vals1  [4][]byte
	kept1  bool

	started bool
	done    bool // no more pages to read
	batch   []Entry
	pos     int
	next    base.BlockNumber // forward: right sibling of the page read
	prev    base.BlockNumber // backward: left sibling of the page read
	cur     base.BlockNumber // backward: the page read
	err     error

	// Pages counts the leaf pages read.
	Pages int
}

func (ix *Index) checkBounds(opts ScanOptions) error {
	for _, b := range [2]*Bound{opts.Lower, opts.Upper} {
		if b != nil && (len(b.Vals) == 0 || len(b.Vals) > ix.nkeys) {
			return pgerr.New(pgerr.InvalidParameterValue, "index %q: a scan bound needs 1 to %d values, got %d",
				ix.desc.Name, ix.nkeys, len(b.Vals))
		}
	}
	return nil
}

// NewScan starts a scan (nothing is read until Next).
func (ix *Index) NewScan(opts ScanOptions) (*Scan, error) {
	if err := ix.checkBounds(opts); err != nil {
		return nil, err
	}
	s := new(Scan) // one allocation for the scan and its work
	ix.initScan(s, opts)
	return s, nil
}

// InitScan is NewScan in memory the caller owns (a scan node reusing one
// Scan for its rescans). Whatever s held is dropped: the entries its last
// scan returned are no longer valid.
func (ix *Index) InitScan(s *Scan, opts ScanOptions) error {
	if err := ix.checkBounds(opts); err != nil {
		return err
	}
	ix.initScan(s, opts)
	return nil
}

func (ix *Index) initScan(s *Scan, opts ScanOptions) {
	*s = Scan{ix: ix, opts: opts}
	s.w = &s.wbuf
	ix.initWork(s.w, nil)
	s.w.usage = opts.Usage
}

// Next returns the next entry, or nil at the end or on error (see Err).
// The entry stays valid after later calls.
func (s *Scan) Next() *Entry {
	for s.pos >= len(s.batch) {
		if s.err != nil || (s.started && s.done) {
			return nil
		}
		s.batch, s.pos = nil, 0 // returned entries stay valid
		if !s.started {
			s.started = true
			s.batch = s.batch1[:0] // a point lookup's one entry needs no allocation
			s.err = s.first()
		} else {
			s.err = s.step()
		}
	}
	e := &s.batch[s.pos]
	s.pos++
	return e
}

// Err returns the error that ended the scan, if any.
func (s *Scan) Err() error { return s.err }

// first positions the scan and reads its first page (_bt_first).
func (s *Scan) first() error {
	ix := s.ix
	var (
		pb    *pageBuf
		o     opaque
		err   error
		start base.OffsetNumber
	)
	if !s.opts.Backward {
		if b := s.opts.Lower; b == nil {
			if pb, o, err = ix.endpoint(0, false, s.opts.Usage); err != nil {
				return err
			}
			start = o.firstData()
		} else {
			sk := &scanKey{vals: b.Vals, fill: -1}
			if !b.Inclusive {
				sk.fill = 1
			}
			if pb, o, _, err = ix.search(sk, false, s.w); err != nil {
				return err
			}
			if start, err = ix.binsrchLeaf(sk, pb, o, s.w); err != nil {
				ix.release(pb)
				return err
			}
		}
		return s.readForward(pb, o, start)
	}
	if b := s.opts.Upper; b == nil {
		if pb, o, err = ix.endpoint(0, true, s.opts.Usage); err != nil {
			return err
		}
		start = pb.page().MaxOffset()
	} else {
		sk := &scanKey{vals: b.Vals, fill: 1}
		if !b.Inclusive {
			sk.fill = -1
		}
		if pb, o, _, err = ix.search(sk, false, s.w); err != nil {
			return err
		}
		if start, err = ix.binsrchLeaf(sk, pb, o, s.w); err != nil {
			ix.release(pb)
			return err
		}
		start-- // the last entry before the first one past the bound
	}
	return s.readBackward(pb, o, start)
}

// step reads the next page in the scan direction (_bt_steppage).
func (s *Scan) step() error {
	ix := s.ix
	if !s.opts.Backward {
		pb, o, err := ix.lockPageUsage(s.next, false, s.opts.Usage)
		if err != nil {
			return err
		}
		if !o.leaf() {
			ix.release(pb)
			return ix.corrupt("right sibling %d of a leaf is not a leaf", s.next)
		}
		return s.readForward(pb, o, o.firstData())
	}
	pb, o, err := s.walkLeft()
	if err != nil {
		return err
	}
	return s.readBackward(pb, o, pb.page().MaxOffset())
}

// walkLeft locks the page left of s.cur: the saved left-link, then right
// from there until the page whose right-link is s.cur, since the left
// sibling may have split since (_bt_walk_left; no page is ever deleted).
func (s *Scan) walkLeft() (*pageBuf, opaque, error) {
	ix := s.ix
	blk := s.prev
	for {
		pb, o, err := ix.lockPageUsage(blk, false, s.opts.Usage)
		if err != nil {
			return nil, opaque{}, err
		}
		if !o.leaf() {
			ix.release(pb)
			return nil, opaque{}, ix.corrupt("left sibling %d of a leaf is not a leaf", blk)
		}
		if o.next == s.cur {
			return pb, o, nil
		}
		if o.rightmost() {
			ix.release(pb)
			return nil, opaque{}, ix.corrupt("could not find left sibling of block %d", s.cur)
		}
		blk = o.next
		ix.release(pb)
	}
}

// readForward copies the entries of leaf pb from start on that are within
// the upper bound, then releases the page (_bt_readpage).
func (s *Scan) readForward(pb *pageBuf, o opaque, start base.OffsetNumber) error {
	defer s.ix.release(pb)
	s.Pages++
	p := pb.page()
	up := s.opts.Upper
	for off, maxoff := max(start, o.firstData()), p.MaxOffset(); off <= maxoff; off++ {
		t, kv, err := s.leafItem(pb, off)
		if err != nil {
			return err
		}
		if up != nil {
			c := s.ix.desc.cmpPrefix(kv, up.Vals)
			if c > 0 || (c == 0 && !up.Inclusive) {
				s.done = true
				return nil
			}
		}
		if err := s.keep(&t); err != nil {
			return err
		}
	}
	s.next = o.next
	s.done = o.rightmost()
	return nil
}

// readBackward copies the entries of leaf pb from start down to the
// first data item that are within the lower bound, in descending order,
// then releases the page.
func (s *Scan) readBackward(pb *pageBuf, o opaque, start base.OffsetNumber) error {
	defer s.ix.release(pb)
	s.Pages++
	p := pb.page()
	lo := s.opts.Lower
	s.prev, s.cur = o.prev, pb.blk
	s.done = o.leftmost()
	for off := min(start, p.MaxOffset()); off >= o.firstData(); off-- {
		t, kv, err := s.leafItem(pb, off)
		if err != nil {
			return err
		}
		if lo != nil {
			c := s.ix.desc.cmpPrefix(kv, lo.Vals)
			if c < 0 || (c == 0 && !lo.Inclusive) {
				s.done = true
				break
			}
		}
		if err := s.keep(&t); err != nil {
			return err
		}
	}
	return nil
}

// leafItem parses the leaf tuple at off and returns it with its key
// values, which alias the page (valid while it is locked).
func (s *Scan) leafItem(pb *pageBuf, off base.OffsetNumber) (itup, [][]byte, error) {
	ix := s.ix
	t, err := ix.item(pb.page(), pb.blk, off)
	if err != nil {
		return itup{}, nil, err
	}
	if t.pivot() || t.natts != ix.natts {
		return itup{}, nil, ix.corrupt("item %d of leaf %d is not a leaf tuple", off, pb.blk)
	}
	kv, err := ix.keyOf(&t, s.w.scratch)
	if err != nil {
		return itup{}, nil, ix.wrapCorrupt(err)
	}
	return t, kv, nil
}

// keep appends a copy of leaf tuple t to the batch: its values share one
// buffer. The first entry of a scan (all of a point lookup) is copied into
// the Scan's own arrays when it fits, which are never reused (entries stay
// valid after later calls).
func (s *Scan) keep(t *itup) error {
	ix := s.ix
	var (
		raw  []byte
		vals [][]byte
	)
	if !s.kept1 && len(t.payload) <= len(s.raw1) && ix.natts <= len(s.vals1) {
		s.kept1 = true
		raw = append(s.raw1[:0:len(s.raw1)], t.payload...)
		vals = s.vals1[:ix.natts:ix.natts]
	} else {
		raw = append([]byte(nil), t.payload...)
		vals = make([][]byte, ix.natts)
	}
	c := *t
	c.payload = raw
	if err := c.vals(vals); err != nil {
		return ix.wrapCorrupt(err)
	}
	s.batch = append(s.batch, Entry{Vals: vals, TID: t.tid()})
	return nil
}
