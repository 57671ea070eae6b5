package btree

import (
	"encoding/binary"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
)

// Special space of every index page (BTPageOpaqueData, 16 bytes):
//
//	0  prev   uint32  left sibling, 0 (P_NONE) if leftmost
//	4  next   uint32  right sibling, 0 if rightmost
//	8  level  uint32  0 for leaves
//	12 flags  uint16  btp* bits
//	14 cycle  uint16  vacuum cycle id (always 0: no vacuum yet)
const opaqueSize = 16

// Page flag bits (btpo_flags), PostgreSQL's values.
const (
	btpLeaf            uint16 = 1 << 0 // leaf page
	btpRoot            uint16 = 1 << 1 // root page (has no parent)
	btpDeleted         uint16 = 1 << 2 // never set: no page deletion yet
	btpMeta            uint16 = 1 << 3 // the metapage
	btpHalfDead        uint16 = 1 << 4 // never set
	btpSplitEnd        uint16 = 1 << 5 // never set
	btpHasGarbage      uint16 = 1 << 6 // never set
	btpIncompleteSplit uint16 = 1 << 7 // the right sibling has no downlink yet (BT7)
	btpKnown                  = btpLeaf | btpRoot | btpMeta | btpIncompleteSplit
)

// pNone is P_NONE: no sibling. Block 0 is the metapage, never a sibling.
const pNone base.BlockNumber = 0

// Offsets of the first items (P_HIKEY, P_FIRSTKEY).
const (
	pHikey    base.OffsetNumber = 1
	pFirstKey base.OffsetNumber = 2
)

// metaBlock is where the metapage lives (BTREE_METAPAGE).
const metaBlock base.BlockNumber = 0

// Metapage contents (BTMetaPageData), right after the page header.
const (
	btreeMagic   = 0x053162 // BTREE_MAGIC
	btreeVersion = 4        // BTREE_VERSION
	metaSize     = 24
)

// usableSpace is what a btree page holds for items and line pointers.
const usableSpace = base.BlockSize - bufmgr.PageHeaderSize - opaqueSize

// MaxItemSize is the largest leaf tuple (MAXALIGNed) an index accepts,
// PostgreSQL's BTMaxItemSize for 8 KB pages: a third of a page less room
// for the heap TID a pivot may add, so that any three tuples fit on a page.
const MaxItemSize = (base.BlockSize-(bufmgr.PageHeaderSize+3*bufmgr.ItemIDSize+7)&^7-opaqueSize)/3&^7 - (tidSize+7)&^7

func maxAlign(n int) int { return (n + bufmgr.MaxAlign - 1) &^ (bufmgr.MaxAlign - 1) }

// opaque is a decoded special space.
type opaque struct {
	prev, next base.BlockNumber
	level      uint32
	flags      uint16
}

func (o opaque) leaf() bool       { return o.flags&btpLeaf != 0 }
func (o opaque) rightmost() bool  { return o.next == pNone }
func (o opaque) leftmost() bool   { return o.prev == pNone }
func (o opaque) incomplete() bool { return o.flags&btpIncompleteSplit != 0 }

// firstData is P_FIRSTDATAKEY: a non-rightmost page starts with its high key.
func (o opaque) firstData() base.OffsetNumber {
	if o.rightmost() {
		return pHikey
	}
	return pFirstKey
}

// getOpaque reads the special space; ok is false if the page has no room
// for it where pd_special says.
func getOpaque(p bufmgr.Page) (opaque, bool) {
	s := p.Special()
	if s != base.BlockSize-opaqueSize || len(p) != base.BlockSize {
		return opaque{}, false
	}
	b := p[s:]
	return opaque{
		prev:  base.BlockNumber(binary.LittleEndian.Uint32(b)),
		next:  base.BlockNumber(binary.LittleEndian.Uint32(b[4:])),
		level: binary.LittleEndian.Uint32(b[8:]),
		flags: binary.LittleEndian.Uint16(b[12:]),
	}, true
}

func setOpaque(p bufmgr.Page, o opaque) {
	b := p[base.BlockSize-opaqueSize:]
	binary.LittleEndian.PutUint32(b, uint32(o.prev))
	binary.LittleEndian.PutUint32(b[4:], uint32(o.next))
	binary.LittleEndian.PutUint32(b[8:], o.level)
	binary.LittleEndian.PutUint16(b[12:], o.flags)
	binary.LittleEndian.PutUint16(b[14:], 0)
}

// setFlags rewrites only btpo_flags.
func setFlags(p bufmgr.Page, flags uint16) {
	binary.LittleEndian.PutUint16(p[base.BlockSize-opaqueSize+12:], flags)
}

// setPrev rewrites only btpo_prev.
func setPrev(p bufmgr.Page, prev base.BlockNumber) {
	binary.LittleEndian.PutUint32(p[base.BlockSize-opaqueSize:], uint32(prev))
}

// fillPage formats p as an index page with special space o holding items
// in order (the first is the high key when o is not rightmost). Both the
// normal path and redo build pages with it, so they come out byte for byte
// the same (BT8). Mirrors _bt_pageinit plus PageAddItem calls.
func fillPage(p bufmgr.Page, o opaque, items [][]byte) error {
	bufmgr.InitPage(p, opaqueSize)
	setOpaque(p, o)
	for i, it := range items {
		off, err := p.AddItem(it, base.InvalidOffset)
		if err != nil {
			return corrupt("could not add item %d of %d to index page: %v", i+1, len(items), err)
		}
		if int(off) != i+1 {
			return corrupt("item %d added at offset %d", i+1, off)
		}
	}
	return nil
}

// meta is the decoded metapage (BTMetaPageData without the fast root and
// vacuum fields, which Tusk does not use).
type meta struct {
	root  base.BlockNumber
	level uint32
	nkeys int // key columns
	natts int // key and INCLUDE columns
}

// fillMeta formats p as the metapage (_bt_initmetapage).
func fillMeta(p bufmgr.Page, m meta) {
	bufmgr.InitPage(p, opaqueSize)
	setOpaque(p, opaque{flags: btpMeta})
	b := p[bufmgr.PageHeaderSize:]
	binary.LittleEndian.PutUint32(b, btreeMagic)
	binary.LittleEndian.PutUint32(b[4:], btreeVersion)
	binary.LittleEndian.PutUint32(b[8:], uint32(m.root))
	binary.LittleEndian.PutUint32(b[12:], m.level)
	binary.LittleEndian.PutUint32(b[16:], uint32(m.nkeys))
	binary.LittleEndian.PutUint32(b[20:], uint32(m.natts))
	// pd_lower past the metadata, so full-page images keep it (as
	// PostgreSQL does since 11).
	binary.LittleEndian.PutUint16(p[12:], uint16(bufmgr.PageHeaderSize+metaSize))
}

// readMeta decodes the metapage.
func readMeta(p bufmgr.Page) (meta, error) {
	o, ok := getOpaque(p)
	if !ok || o.flags != btpMeta || p.Lower() < bufmgr.PageHeaderSize+metaSize {
		return meta{}, corrupt("block 0 is not a btree metapage")
	}
	b := p[bufmgr.PageHeaderSize:]
	if m := binary.LittleEndian.Uint32(b); m != btreeMagic {
		return meta{}, corrupt("metapage has bad magic number %#x (want %#x)", m, btreeMagic)
	}
	if v := binary.LittleEndian.Uint32(b[4:]); v != btreeVersion {
		return meta{}, corrupt("metapage has btree version %d (want %d)", v, btreeVersion)
	}
	m := meta{
		root:  base.BlockNumber(binary.LittleEndian.Uint32(b[8:])),
		level: binary.LittleEndian.Uint32(b[12:]),
		nkeys: int(binary.LittleEndian.Uint32(b[16:])),
		natts: int(binary.LittleEndian.Uint32(b[20:])),
	}
	if m.root == metaBlock || m.root == base.InvalidBlock || m.nkeys < 1 || m.natts < m.nkeys || m.natts > MaxColumns {
		return meta{}, corrupt("metapage is invalid (root %d, level %d, %d key of %d columns)", m.root, m.level, m.nkeys, m.natts)
	}
	return m, nil
}

// checkPageHeader rejects a page whose header or special space cannot be a
// btree page (_bt_checkpage). It is cheap enough for every page access:
// line pointers are checked as items are read (Page.Item never reads out
// of the page, parseItup checks the tuple); decodePage checks them all.
func checkPageHeader(p bufmgr.Page, blk base.BlockNumber) (opaque, error) {
	if len(p) != base.BlockSize {
		return opaque{}, corrupt("index page %d has size %d", blk, len(p))
	}
	lower, upper := p.Lower(), p.Upper()
	if lower < bufmgr.PageHeaderSize || lower > upper || upper > p.Special() || (lower-bufmgr.PageHeaderSize)%bufmgr.ItemIDSize != 0 {
		if p.IsNew() {
			return opaque{}, corrupt("index page %d is uninitialized", blk)
		}
		return opaque{}, corrupt("index page %d has corrupted page pointers: lower = %d, upper = %d, special = %d",
			blk, lower, upper, p.Special())
	}
	o, ok := getOpaque(p)
	if !ok {
		return opaque{}, corrupt("index page %d has corrupted special space (pd_special %d)", blk, p.Special())
	}
	if o.flags&^btpKnown != 0 || o.flags&btpMeta != 0 {
		return opaque{}, corrupt("index page %d has unexpected flags %#x", blk, o.flags)
	}
	if (o.level == 0) != o.leaf() {
		return opaque{}, corrupt("index page %d has level %d but leaf flag %v", blk, o.level, o.leaf())
	}
	if o.prev == blk || o.next == blk {
		return opaque{}, corrupt("index page %d links to itself", blk)
	}
	return o, nil
}
