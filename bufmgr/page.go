package bufmgr

import (
	"encoding/binary"
	"errors"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// Page is one 8 KB page in PostgreSQL's slotted layout (bufpage.h):
//
//	+----------------+---------------------------------+
//	| PageHeaderData | linp1 linp2 linp3 ...           |
//	+-----------+----+---------------------------------+
//	| ... linpN |                                      |
//	+-----------+--------------------------------------+
//	|           ^ pd_lower                             |
//	|                                                  |
//	|             v pd_upper                           |
//	+-------------+------------------------------------+
//	|             | tupleN ...                         |
//	+-------------+------------------+-----------------+
//	|       ... tuple3 tuple2 tuple1 | "special space" |
//	+--------------------------------+-----------------+
//	                                 ^ pd_special
//
// All multi-byte fields are little-endian. Accessors never panic on a
// malformed page (P1): out-of-range offsets read as empty, and mutators
// return an error.
type Page []byte

// Page header layout (PageHeaderData, 24 bytes).
const (
	offLSN             = 0  // pd_lsn: xlogid (high 32 bits) then xrecoff (low 32 bits)
	offChecksum        = 8  // pd_checksum
	offFlags           = 10 // pd_flags
	offLower           = 12 // pd_lower
	offUpper           = 14 // pd_upper
	offSpecial         = 16 // pd_special
	offPageSizeVersion = 18 // pd_pagesize_version
	offPruneXID        = 20 // pd_prune_xid

	// PageHeaderSize is SizeOfPageHeaderData.
	PageHeaderSize = 24
	// ItemIDSize is sizeof(ItemIdData): one line pointer.
	ItemIDSize = 4
	// MaxAlign is MAXIMUM_ALIGNOF: items and special space are aligned to it.
	MaxAlign = 8
	// LayoutVersion is PG_PAGE_LAYOUT_VERSION.
	LayoutVersion = 4
	// MaxItemSize is the largest item AddItem accepts (lp_len is 15 bits
	// and the item must fit on an empty page).
	MaxItemSize = base.BlockSize - PageHeaderSize - ItemIDSize
	// MaxHeapTuplesPerPage bounds the line pointers of a heap page
	// (PostgreSQL's value for 8 KB pages); AddItemExtended with PAIIsHeap
	// enforces it.
	MaxHeapTuplesPerPage = 291
)

// Page flag bits (pd_flags).
const (
	PDHasFreeLines uint16 = 0x0001 // are there any unused line pointers?
	PDPageFull     uint16 = 0x0002 // not enough free space for a new tuple?
	PDAllVisible   uint16 = 0x0004 // all tuples on page are visible to everyone
	pdValidFlags   uint16 = 0x0007
)

// Line pointer states (lp_flags).
const (
	LPUnused   uint8 = 0 // unused (lp_len must be 0)
	LPNormal   uint8 = 1 // used (lp_len > 0)
	LPRedirect uint8 = 2 // HOT redirect (lp_off is the target offset, lp_len 0)
	LPDead     uint8 = 3 // dead, may or may not have storage
)

// Flags for AddItemExtended (PAI_OVERWRITE, PAI_IS_HEAP).
const (
	PAIOverwrite = 1 << iota // place the item at off, which must be unused; never shuffle
	PAIIsHeap                // enforce MaxHeapTuplesPerPage
)

// ErrNoSpace is the cause (errors.Is) of the error AddItem returns when the
// page has no room for the item.
var ErrNoSpace = errors.New("no space on page")

func maxAlign(n int) int { return (n + MaxAlign - 1) &^ (MaxAlign - 1) }

func (p Page) u16(off int) uint16 {
	if len(p) < off+2 {
		return 0
	}
	return binary.LittleEndian.Uint16(p[off:])
}

func (p Page) setU16(off int, v uint16) {
	if len(p) >= off+2 {
		binary.LittleEndian.PutUint16(p[off:], v)
	}
}

func (p Page) u32(off int) uint32 {
	if len(p) < off+4 {
		return 0
	}
	return binary.LittleEndian.Uint32(p[off:])
}

func (p Page) setU32(off int, v uint32) {
	if len(p) >= off+4 {
		binary.LittleEndian.PutUint32(p[off:], v)
	}
}

// InitPage formats p as an empty page with specialSize bytes (rounded up to
// MaxAlign) of special space at its end; mirrors PageInit. specialSize is
// clamped to what fits.
func InitPage(p Page, specialSize int) {
	clear(p)
	if len(p) < PageHeaderSize {
		return
	}
	specialSize = maxAlign(max(specialSize, 0))
	if specialSize > len(p)-PageHeaderSize {
		specialSize = (len(p) - PageHeaderSize) &^ (MaxAlign - 1)
	}
	size := len(p)
	p.setU16(offLower, PageHeaderSize)
	p.setU16(offUpper, uint16(size-specialSize))
	p.setU16(offSpecial, uint16(size-specialSize))
	p.setU16(offPageSizeVersion, uint16(size&0xFF00)|LayoutVersion)
}

// IsNew reports whether p is all zeros: a page that was extended but never
// initialized (a valid state on disk).
func (p Page) IsNew() bool {
	b := []byte(p)
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b) != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// LSN returns pd_lsn: the end of the WAL record that last changed the page.
func (p Page) LSN() base.LSN {
	return base.LSN(uint64(p.u32(offLSN))<<32 | uint64(p.u32(offLSN+4)))
}

// SetLSN sets pd_lsn.
func (p Page) SetLSN(lsn base.LSN) {
	p.setU32(offLSN, uint32(lsn>>32))
	p.setU32(offLSN+4, uint32(lsn))
}

// StoredChecksum returns pd_checksum as stored on the page.
func (p Page) StoredChecksum() uint16 { return p.u16(offChecksum) }

func (p Page) setStoredChecksum(c uint16) { p.setU16(offChecksum, c) }

// Flags returns pd_flags.
func (p Page) Flags() uint16 { return p.u16(offFlags) }

// SetFlags sets pd_flags.
func (p Page) SetFlags(f uint16) { p.setU16(offFlags, f) }

// Lower returns pd_lower, the offset of the start of free space.
func (p Page) Lower() int { return int(p.u16(offLower)) }

// Upper returns pd_upper, the offset of the end of free space.
func (p Page) Upper() int { return int(p.u16(offUpper)) }

// Special returns pd_special, the offset of the special space.
func (p Page) Special() int { return int(p.u16(offSpecial)) }

// PageSizeVersion returns pd_pagesize_version (page size | layout version).
func (p Page) PageSizeVersion() uint16 { return p.u16(offPageSizeVersion) }

// PruneXID returns pd_prune_xid, the oldest prunable xid on the page.
func (p Page) PruneXID() base.XID { return base.XID(p.u32(offPruneXID)) }

// SetPruneXID sets pd_prune_xid.
func (p Page) SetPruneXID(x base.XID) { p.setU32(offPruneXID, uint32(x)) }

// SpecialSpace returns the special space, a slice into the page; empty when
// the header is not sane.
func (p Page) SpecialSpace() []byte {
	s := p.Special()
	if s < PageHeaderSize || s > len(p) {
		return nil
	}
	return p[s:]
}

// MaxOffset returns the number of line pointers (PageGetMaxOffsetNumber).
func (p Page) MaxOffset() base.OffsetNumber {
	lower := p.Lower()
	if lower <= PageHeaderSize || lower > len(p) {
		return 0
	}
	return base.OffsetNumber((lower - PageHeaderSize) / ItemIDSize)
}

func itemIDPos(off base.OffsetNumber) int {
	return PageHeaderSize + (int(off)-1)*ItemIDSize
}

// decodeItemID splits an ItemIdData word: lp_off:15, lp_flags:2, lp_len:15.
func decodeItemID(w uint32) (lpOff, lpLen int, flags uint8) {
	return int(w & 0x7FFF), int(w >> 17), uint8(w>>15) & 3
}

func encodeItemID(lpOff, lpLen int, flags uint8) uint32 {
	return uint32(lpOff)&0x7FFF | uint32(flags&3)<<15 | uint32(lpLen&0x7FFF)<<17
}

// ItemID returns line pointer off (1-based). An offset outside 1..MaxOffset
// reads as an unused line pointer.
func (p Page) ItemID(off base.OffsetNumber) (lpOff, lpLen int, flags uint8) {
	if off < 1 || off > p.MaxOffset() {
		return 0, 0, LPUnused
	}
	return decodeItemID(p.u32(itemIDPos(off)))
}

// SetItemID overwrites line pointer off (ItemIdSetNormal, ItemIdSetRedirect,
// ItemIdSetDead, ItemIdSetUnused); off must be in 1..MaxOffset.
func (p Page) SetItemID(off base.OffsetNumber, lpOff, lpLen int, flags uint8) error {
	if off < 1 || off > p.MaxOffset() {
		return pgerr.New(pgerr.InternalError, "line pointer %d out of range 1..%d", off, p.MaxOffset())
	}
	if lpOff < 0 || lpOff > 0x7FFF || lpLen < 0 || lpLen > 0x7FFF || flags > 3 {
		return pgerr.New(pgerr.InternalError, "invalid line pointer (%d,%d,%d)", lpOff, lpLen, flags)
	}
	p.setU32(itemIDPos(off), encodeItemID(lpOff, lpLen, flags))
	return nil
}

// SetItemFlags changes only the state of line pointer off. Setting LPUnused
// also clears offset and length, as ItemIdSetUnused does.
func (p Page) SetItemFlags(off base.OffsetNumber, flags uint8) error {
	lpOff, lpLen, _ := p.ItemID(off)
	if flags == LPUnused {
		lpOff, lpLen = 0, 0
	}
	return p.SetItemID(off, lpOff, lpLen, flags)
}

// Item returns the bytes of item off, a slice into the page (so changes
// write through). It is nil for a line pointer without storage or one that
// points outside the page.
func (p Page) Item(off base.OffsetNumber) []byte {
	lpOff, lpLen, flags := p.ItemID(off)
	if flags == LPRedirect || lpLen == 0 {
		return nil
	}
	if lpOff < PageHeaderSize || lpOff+lpLen > len(p) {
		return nil
	}
	return p[lpOff : lpOff+lpLen : lpOff+lpLen]
}

// checkHeader reports whether the header bounds are sane enough to modify
// the page: the checks of PageIsVerifiedExtended plus pd_lower's minimum.
func (p Page) checkHeader() error {
	if len(p) != base.BlockSize {
		return pgerr.New(pgerr.DataCorrupted, "page has size %d, want %d", len(p), base.BlockSize)
	}
	lower, upper, special := p.Lower(), p.Upper(), p.Special()
	if p.Flags()&^pdValidFlags != 0 || lower < PageHeaderSize || lower > upper ||
		upper > special || special > len(p) || special != maxAlign(special) {
		return pgerr.New(pgerr.DataCorrupted,
			"corrupted page pointers: lower = %d, upper = %d, special = %d", lower, upper, special)
	}
	return nil
}

// ExactFreeSpace returns pd_upper - pd_lower (PageGetExactFreeSpace).
func (p Page) ExactFreeSpace() int {
	if d := p.Upper() - p.Lower(); d > 0 {
		return d
	}
	return 0
}

// FreeSpace returns the space available for one new item, after the line
// pointer it needs (PageGetFreeSpace).
func (p Page) FreeSpace() int {
	if d := p.ExactFreeSpace() - ItemIDSize; d > 0 {
		return d
	}
	return 0
}

// HeapFreeSpace is FreeSpace, but 0 when a heap page already has
// MaxHeapTuplesPerPage line pointers and none is unused
// (PageGetHeapFreeSpace).
func (p Page) HeapFreeSpace() int {
	space := p.FreeSpace()
	if space == 0 {
		return 0
	}
	nline := p.MaxOffset()
	if nline < MaxHeapTuplesPerPage {
		return space
	}
	if p.Flags()&PDHasFreeLines != 0 {
		for off := base.OffsetNumber(1); off <= nline; off++ {
			if _, lpLen, flags := p.ItemID(off); flags == LPUnused && lpLen == 0 {
				return space
			}
		}
	}
	return 0
}

// AddItem adds data as a new item and returns its offset; mirrors
// PageAddItem with overwrite=false. With off == InvalidOffset the first
// recyclable line pointer (or a new one) is used; otherwise the item is
// placed at off, moving the line pointers at off and after up by one (the
// B-tree way). A page without room returns an error wrapping ErrNoSpace.
func (p Page) AddItem(data []byte, off base.OffsetNumber) (base.OffsetNumber, error) {
	return p.AddItemExtended(data, off, 0)
}

// AddItemExtended mirrors PageAddItemExtended. flags is a set of PAI*
// bits: with PAIOverwrite the line pointer at off must be unused and is
// reused in place (heap redo places tuples this way).
func (p Page) AddItemExtended(data []byte, off base.OffsetNumber, flags int) (base.OffsetNumber, error) {
	if err := p.checkHeader(); err != nil {
		return base.InvalidOffset, err
	}
	size := len(data)
	if size == 0 || size > MaxItemSize {
		return base.InvalidOffset, pgerr.New(pgerr.ProgramLimitExceeded, "item size %d out of range 1..%d", size, MaxItemSize)
	}
	limit := p.MaxOffset() + 1
	needShuffle := false
	if off != base.InvalidOffset {
		if flags&PAIOverwrite != 0 {
			if off < limit {
				if _, lpLen, f := p.ItemID(off); f != LPUnused || lpLen != 0 {
					return base.InvalidOffset, pgerr.New(pgerr.InternalError, "will not overwrite a used ItemId %d", off)
				}
			}
		} else if off < limit {
			needShuffle = true
		}
	} else {
		off = limit
		if p.Flags()&PDHasFreeLines != 0 {
			for o := base.OffsetNumber(1); o < limit; o++ {
				if _, lpLen, f := p.ItemID(o); f == LPUnused && lpLen == 0 {
					off = o
					break
				}
			}
			if off == limit { // the hint was wrong
				p.SetFlags(p.Flags() &^ PDHasFreeLines)
			}
		}
	}
	if off > limit {
		return base.InvalidOffset, pgerr.New(pgerr.InternalError, "specified item offset %d is too large (max %d)", off, limit)
	}
	if flags&PAIIsHeap != 0 && off > MaxHeapTuplesPerPage {
		return base.InvalidOffset, pgerr.New(pgerr.ProgramLimitExceeded, "can't put more than MaxHeapTuplesPerPage items in a heap page")
	}
	lower := p.Lower()
	if off == limit || needShuffle {
		lower += ItemIDSize
	}
	upper := p.Upper() - maxAlign(size)
	if lower > upper {
		return base.InvalidOffset, pgerr.Wrap(pgerr.ProgramLimitExceeded, ErrNoSpace,
			"no space on page for item of %d bytes (free %d)", size, p.FreeSpace())
	}
	pos := itemIDPos(off)
	if needShuffle {
		end := itemIDPos(limit)
		copy(p[pos+ItemIDSize:end+ItemIDSize], p[pos:end])
	}
	p.setU32(pos, encodeItemID(upper, size, LPNormal))
	n := copy(p[upper:], data)
	clear(p[upper+n : upper+maxAlign(size)])
	p.setU16(offLower, uint16(lower))
	p.setU16(offUpper, uint16(upper))
	return off, nil
}

// RepairFragmentation compacts the storage of the items that have it, so
// that all free space is one hole between pd_lower and pd_upper, and sets
// PDHasFreeLines when an unused line pointer remains; mirrors
// PageRepairFragmentation. Line pointer numbers do not change. A line
// pointer that points outside the item area is reported as DataCorrupted.
func (p Page) RepairFragmentation() error {
	if err := p.checkHeader(); err != nil {
		return err
	}
	type item struct {
		off          base.OffsetNumber
		lpOff, lpLen int
	}
	nline := p.MaxOffset()
	items := make([]item, 0, nline)
	total := 0
	unused := false
	for off := base.OffsetNumber(1); off <= nline; off++ {
		lpOff, lpLen, flags := p.ItemID(off)
		if lpLen == 0 || flags == LPRedirect || flags == LPUnused {
			if flags == LPUnused {
				unused = true
				p.setU32(itemIDPos(off), 0) // unused entries have lp_len 0
			}
			continue
		}
		if lpOff < p.Upper() || lpOff+lpLen > p.Special() {
			return pgerr.New(pgerr.DataCorrupted, "corrupted line pointer: offset = %d, size = %d", lpOff, lpLen)
		}
		items = append(items, item{off, lpOff, lpLen})
		total += maxAlign(lpLen)
	}
	if total > p.Special()-p.Lower() {
		return pgerr.New(pgerr.DataCorrupted, "corrupted item lengths: total %d, available space %d", total, p.Special()-p.Lower())
	}
	// Copy the items out, then pack them down from pd_special in line
	// pointer order.
	buf := make([]byte, 0, total)
	for _, it := range items {
		buf = append(buf, p[it.lpOff:it.lpOff+it.lpLen]...)
	}
	upper := p.Special()
	src := 0
	for _, it := range items {
		upper -= maxAlign(it.lpLen)
		copy(p[upper:], buf[src:src+it.lpLen])
		clear(p[upper+it.lpLen : upper+maxAlign(it.lpLen)])
		src += it.lpLen
		_, _, flags := p.ItemID(it.off)
		p.setU32(itemIDPos(it.off), encodeItemID(upper, it.lpLen, flags))
	}
	clear(p[p.Lower():upper])
	p.setU16(offUpper, uint16(upper))
	if unused {
		p.SetFlags(p.Flags() | PDHasFreeLines)
	} else {
		p.SetFlags(p.Flags() &^ PDHasFreeLines)
	}
	return nil
}
