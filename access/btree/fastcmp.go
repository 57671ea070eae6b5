package btree

import (
	"encoding/binary"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
)

// cmpFast is cmpItem for a binary search (_bt_compare on the hot path):
// the same answer for every well-formed tuple, read straight from the page
// without building an itup or an error. ok is false for anything it does
// not expect (a line pointer that is not normal, bad flags, an attribute
// count that does not fit the index, a malformed payload); the caller then
// takes cmpItem, which reports the corruption (BT12: no panic, an error).
func (ix *Index) cmpFast(sk *scanKey, p bufmgr.Page, off base.OffsetNumber, scratch [][]byte) (c int, ok bool) {
	pos := bufmgr.PageHeaderSize + (int(off)-1)*bufmgr.ItemIDSize
	if off < 1 || pos+bufmgr.ItemIDSize > p.Lower() || p.Lower() > len(p) {
		return 0, false
	}
	w := binary.LittleEndian.Uint32(p[pos:])
	lpOff, lpLen := int(w&0x7FFF), int(w>>17)
	if uint8(w>>15)&3 != bufmgr.LPNormal || lpOff < bufmgr.PageHeaderSize || lpOff+lpLen > len(p) || lpLen < itupHeaderSize+1 {
		return 0, false
	}
	b := p[lpOff : lpOff+lpLen : lpOff+lpLen]
	flags := binary.LittleEndian.Uint16(b[6:])
	end := len(b)
	var (
		hasTID bool
		tid    base.ItemPointer
	)
	switch flags {
	case 0: // a leaf tuple: all columns, the heap TID in the header
		hasTID = true
		tid = base.ItemPointer{
			Block:  base.BlockNumber(binary.LittleEndian.Uint32(b)),
			Offset: base.OffsetNumber(binary.LittleEndian.Uint16(b[4:])),
		}
	case itPivot:
		if binary.LittleEndian.Uint16(b[4:]) != 0 {
			return 0, false
		}
	case itPivot | itHeapTID:
		end -= tidSize
		if end < itupHeaderSize+1 || binary.LittleEndian.Uint16(b[4:]) != 0 {
			return 0, false
		}
		hasTID = true
		tid = base.ItemPointer{
			Block:  base.BlockNumber(binary.LittleEndian.Uint32(b[end:])),
			Offset: base.OffsetNumber(binary.LittleEndian.Uint16(b[end+4:])),
		}
	default:
		return 0, false
	}
	kv, ok := ix.fastKey(b[itupHeaderSize:end], flags, scratch)
	if !ok {
		return 0, false
	}
	return ix.desc.compareKey(sk, kv, hasTID, tid), true
}

// fastKey deforms the key columns of a tuple payload into scratch, with
// keyOf's attribute-count checks and tuple.DeformInto's bounds checks
// (every attribute is walked, so trailing garbage is caught too); ok is
// false where those would report an error.
func (ix *Index) fastKey(pl []byte, flags uint16, scratch [][]byte) ([][]byte, bool) {
	n64, k := binary.Uvarint(pl)
	if k <= 0 || n64 > MaxColumns {
		return nil, false
	}
	natts := int(n64)
	if flags == 0 {
		if natts != ix.natts {
			return nil, false
		}
	} else if natts > ix.nkeys || (flags&itHeapTID != 0 && natts != ix.nkeys) {
		return nil, false
	}
	nk := min(natts, ix.nkeys)
	out := scratch[:nk]
	bmLen := (natts + 7) / 8
	pos := k
	if len(pl)-pos < bmLen {
		return nil, false
	}
	bm := pl[pos : pos+bmLen]
	pos += bmLen
	for i := 0; i < natts; i++ {
		if bm[i>>3]&(1<<(i&7)) == 0 {
			if i < nk {
				out[i] = nil
			}
			continue
		}
		var l uint64
		if pos < len(pl) && pl[pos] < 0x80 { // one-byte length, the usual case
			l, k = uint64(pl[pos]), 1
		} else {
			l, k = binary.Uvarint(pl[pos:])
		}
		if k <= 0 || l > uint64(len(pl)-pos-k) {
			return nil, false
		}
		pos += k
		if i < nk {
			out[i] = pl[pos : pos+int(l) : pos+int(l)]
		}
		pos += int(l)
	}
	return out, pos == len(pl)
}
