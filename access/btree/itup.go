package btree

import (
	"encoding/binary"

	"github.com/tuskdb/tusk/access/tuple"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// Index tuple layout (Tusk's IndexTupleData), little-endian:
//
//	0 block   uint32  leaf: heap TID block; pivot: downlink (child block),
//	                  InvalidBlock in a high key
//	4 offset  uint16  leaf: heap TID offset; pivot: 0
//	6 flags   uint16  itPivot, itHeapTID
//	8 payload         access/tuple payload of the attribute values
//	  [heap TID]      pivot with itHeapTID: block uint32, offset uint16
//
// A leaf tuple holds every key and INCLUDE column. A pivot tuple (high key
// or internal-page item) holds a prefix of the key columns only, cut by
// suffix truncation (BT4); it carries a heap TID only when it keeps all key
// columns.
const (
	itupHeaderSize = 8
	tidSize        = 6

	itPivot   uint16 = 0x8000 // a pivot tuple (PostgreSQL's INDEX_ALT_TID_MASK)
	itHeapTID uint16 = 0x4000 // the pivot keeps a heap TID at its end (BT_PIVOT_HEAP_TID_ATTR)
	itValid          = itPivot | itHeapTID
)

// itup is a parsed index tuple; its slices alias the bytes parsed.
type itup struct {
	blk     base.BlockNumber
	off     base.OffsetNumber
	flags   uint16
	natts   int    // attributes stored
	payload []byte // tuple.Form bytes
	htid    base.ItemPointer
}

func (t *itup) pivot() bool { return t.flags&itPivot != 0 }

// hasTID reports whether the tuple has a heap TID: always for a leaf
// tuple, and for a pivot that kept one.
func (t *itup) hasTID() bool { return t.flags&itPivot == 0 || t.flags&itHeapTID != 0 }

// tid returns the heap TID (valid when hasTID).
func (t *itup) tid() base.ItemPointer {
	if t.flags&itPivot == 0 {
		return base.ItemPointer{Block: t.blk, Offset: t.off}
	}
	return t.htid
}

func corrupt(format string, args ...any) error {
	return pgerr.New(pgerr.IndexCorrupted, format, args...)
}

// parseItup checks an index tuple's header and attribute count; the
// payload is deformed later by keys or vals (which check it too).
func parseItup(b []byte) (itup, error) {
	var t itup
	if len(b) < itupHeaderSize+1 {
		return t, corrupt("index tuple too short (%d bytes)", len(b))
	}
	t.blk = base.BlockNumber(binary.LittleEndian.Uint32(b))
	t.off = base.OffsetNumber(binary.LittleEndian.Uint16(b[4:]))
	t.flags = binary.LittleEndian.Uint16(b[6:])
	if t.flags&^itValid != 0 || t.flags == itHeapTID {
		return t, corrupt("index tuple has invalid flags %#x", t.flags)
	}
	end := len(b)
	if t.flags&itHeapTID != 0 {
		end -= tidSize
		if end < itupHeaderSize+1 {
			return t, corrupt("pivot tuple too short for its heap TID (%d bytes)", len(b))
		}
		t.htid = base.ItemPointer{
			Block:  base.BlockNumber(binary.LittleEndian.Uint32(b[end:])),
			Offset: base.OffsetNumber(binary.LittleEndian.Uint16(b[end+4:])),
		}
	}
	t.payload = b[itupHeaderSize:end]
	n, err := tuple.Natts(t.payload)
	if err != nil {
		return t, corrupt("index tuple payload is invalid: %v", err)
	}
	t.natts = n
	if t.pivot() && t.off != 0 {
		return t, corrupt("pivot tuple has offset %d", t.off)
	}
	return t, nil
}

// vals deforms the first len(out) stored attributes into out (U3: they
// alias the tuple), which must not be longer than natts.
func (t *itup) vals(out [][]byte) error {
	if len(out) > t.natts {
		return corrupt("index tuple has %d attributes, want %d", t.natts, len(out))
	}
	if err := tuple.DeformInto(t.payload, out); err != nil {
		return corrupt("index tuple payload is invalid: %v", err)
	}
	return nil
}

// formLeaf builds a leaf tuple: all columns and the heap TID.
func formLeaf(vals [][]byte, tid base.ItemPointer) []byte {
	b := make([]byte, itupHeaderSize, itupHeaderSize+16+len(vals)*8)
	binary.LittleEndian.PutUint32(b, uint32(tid.Block))
	binary.LittleEndian.PutUint16(b[4:], uint16(tid.Offset))
	return tuple.AppendForm(b, vals)
}

// formPivot builds a pivot tuple of key values (a prefix of the key
// columns), with a downlink (InvalidBlock for a high key) and a heap TID
// when withTID.
func formPivot(vals [][]byte, down base.BlockNumber, withTID bool, htid base.ItemPointer) []byte {
	b := make([]byte, itupHeaderSize, itupHeaderSize+16+len(vals)*8+tidSize)
	binary.LittleEndian.PutUint32(b, uint32(down))
	flags := itPivot
	if withTID {
		flags |= itHeapTID
	}
	binary.LittleEndian.PutUint16(b[6:], flags)
	b = tuple.AppendForm(b, vals)
	if withTID {
		b = binary.LittleEndian.AppendUint32(b, uint32(htid.Block))
		b = binary.LittleEndian.AppendUint16(b, uint16(htid.Offset))
	}
	return b
}

// withDownlink returns a copy of pivot tuple b pointing at blk.
func withDownlink(b []byte, blk base.BlockNumber) []byte {
	c := append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(c, uint32(blk))
	return c
}

// minusInfinity is the first data item of an internal page: no key
// attributes, only the downlink (BT4).
func minusInfinity(down base.BlockNumber) []byte {
	return formPivot(nil, down, false, base.ItemPointer{})
}

// keyOf deforms the key part of a tuple into scratch (capacity >= nkeys)
// and returns it: nkeys values for a leaf tuple, the stored prefix for a
// pivot.
func (ix *Index) keyOf(t *itup, scratch [][]byte) ([][]byte, error) {
	n := min(t.natts, ix.nkeys)
	if !t.pivot() && t.natts != ix.natts {
		return nil, corrupt("leaf tuple in index %q has %d attributes, want %d", ix.desc.Name, t.natts, ix.natts)
	}
	if t.pivot() && (t.natts > ix.nkeys || (t.flags&itHeapTID != 0 && t.natts != ix.nkeys)) {
		return nil, corrupt("pivot tuple in index %q has %d attributes (heap TID %v) for %d key columns",
			ix.desc.Name, t.natts, t.flags&itHeapTID != 0, ix.nkeys)
	}
	out := scratch[:n]
	if err := t.vals(out); err != nil {
		return nil, err
	}
	return out, nil
}

// truncate builds the high key separating lastleft from firstright, two
// adjacent leaf tuples (lastleft < firstright): the shortest prefix of
// firstright's key columns that is still greater than lastleft, with the
// heap TID of firstright only when all key columns are equal. So lastleft
// < pivot <= firstright (BT4); mirrors _bt_truncate (whose convention puts
// the pivot at lastleft instead).
func (ix *Index) truncate(lastleft, firstright []byte) ([]byte, error) {
	l, err := parseItup(lastleft)
	if err != nil {
		return nil, err
	}
	r, err := parseItup(firstright)
	if err != nil {
		return nil, err
	}
	lv, err := ix.keyOf(&l, make([][]byte, ix.nkeys))
	if err != nil {
		return nil, err
	}
	rv, err := ix.keyOf(&r, make([][]byte, ix.nkeys))
	if err != nil {
		return nil, err
	}
	keep := ix.keepAtts(lv, rv)
	if keep <= ix.nkeys {
		return formPivot(rv[:keep], base.InvalidBlock, false, base.ItemPointer{}), nil
	}
	return formPivot(rv, base.InvalidBlock, true, r.tid()), nil
}

// keepAtts returns how many key columns a separator between key values l
// and r needs: one past the first column where they differ, or nkeys+1
// (all columns and the heap TID) if none differs (_bt_keep_natts).
func (ix *Index) keepAtts(l, r [][]byte) int {
	for i := 0; i < ix.nkeys; i++ {
		if ix.desc.cmpCol(i, l[i], r[i]) != 0 {
			return i + 1
		}
	}
	return ix.nkeys + 1
}
