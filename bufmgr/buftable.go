package bufmgr

import "github.com/tuskdb/tusk/internal/base"

// bufTable maps the tags of one partition to buffer ids (buf_table.c's
// hash table): open addressing with linear probing, each slot holding the
// tag and the id inline, so a lookup reads one cache line where a Go map
// reads a control word and a slot apart; it is on the path of every page
// access. Deletion shifts the following entries back (no tombstones). The
// table grows past 3/4 full. Guarded by its partition's lock.
type bufTable struct {
	slots []bufSlot // a power of two
	n     int
}

type bufSlot struct {
	tag base.BufferTag
	id1 int32 // buffer id + 1; 0 is an empty slot
}

// tagHash mixes a tag's fields (murmur3's finalizer): the top bits pick
// the partition, the low bits the slot.
func tagHash(t base.BufferTag) uint64 {
	x := uint64(t.Node.Rel)<<32 | uint64(t.Block)
	x ^= uint64(t.Fork+1) * 0x9E3779B97F4A7C15
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

func newBufTable(capacity int) bufTable {
	n := 16
	for n*3 < capacity*4 {
		n *= 2
	}
	return bufTable{slots: make([]bufSlot, n)}
}

// get returns the buffer of tag (h is tagHash(tag)).
func (t *bufTable) get(tag base.BufferTag, h uint64) (int32, bool) {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.id1 == 0 {
			return 0, false
		}
		if s.tag == tag {
			return s.id1 - 1, true
		}
	}
}

// put maps tag to buffer id, replacing any mapping it had.
func (t *bufTable) put(tag base.BufferTag, id int32) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := tagHash(tag) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.id1 == 0 {
			*s = bufSlot{tag: tag, id1: id + 1}
			t.n++
			return
		}
		if s.tag == tag {
			s.id1 = id + 1
			return
		}
	}
}

func (t *bufTable) grow() {
	old := t.slots
	t.slots = make([]bufSlot, 2*len(old))
	t.n = 0
	for _, s := range old {
		if s.id1 != 0 {
			t.put(s.tag, s.id1-1)
		}
	}
}

// del removes tag's mapping, if any.
func (t *bufTable) del(tag base.BufferTag) {
	mask := uint64(len(t.slots) - 1)
	i := tagHash(tag) & mask
	for {
		s := &t.slots[i]
		if s.id1 == 0 {
			return
		}
		if s.tag == tag {
			break
		}
		i = (i + 1) & mask
	}
	// Shift back the entries after the hole that may not stay after it: an
	// entry at j whose home slot k is not cyclically within (i, j] would be
	// cut off from its home by the hole.
	for j := (i + 1) & mask; t.slots[j].id1 != 0; j = (j + 1) & mask {
		k := tagHash(t.slots[j].tag) & mask
		if (i < j && (k <= i || k > j)) || (i > j && k <= i && k > j) {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = bufSlot{}
	t.n--
}

// each calls fn for every mapping.
func (t *bufTable) each(fn func(tag base.BufferTag, id int32) error) error {
	for _, s := range t.slots {
		if s.id1 != 0 {
			if err := fn(s.tag, s.id1-1); err != nil {
				return err
			}
		}
	}
	return nil
}
