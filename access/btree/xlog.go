package btree

import (
	"encoding/binary"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/wal"
)

// Info values of RmgrBtree records (nbtxlog.h's XLOG_BTREE_*).
//
//	INSERT_LEAF   block 0: leaf; data offset u16, tuple
//	INSERT_UPPER  block 0: internal page; data offset u16, downlink tuple
//	              block 1: child whose incomplete-split flag is cleared
//	SPLIT_L/R     main: level u32, first right offset u16, new item offset
//	              u16, right page's right sibling u32 (L: the new item
//	              went left)
//	              block 0: left (the page split); data: new item length
//	              u16, new item (SPLIT_L), left high key
//	              block 1: new right page (will init); data: its items
//	              block 2: old right sibling (left-link), if any
//	              block 2 or 3: child, for a split above the leaves
//	NEWROOT       main: level u32, key columns u16, columns u16
//	              block 0: new root (will init); data: its items
//	              block 1: metapage (will init)
//	              block 2: left child, for a root above the leaves
//
// Items are encoded as length u16 then bytes, one after another.
const (
	infoInsertLeaf  uint8 = 0x00
	infoInsertUpper uint8 = 0x10
	infoSplitL      uint8 = 0x30
	infoSplitR      uint8 = 0x40
	infoNewRoot     uint8 = 0xA0
)

func insertRecord(tag base.BufferTag, off base.OffsetNumber, itup []byte, child *pageBuf) *wal.Record {
	data := make([]byte, 2+len(itup))
	binary.LittleEndian.PutUint16(data, uint16(off))
	copy(data[2:], itup)
	rec := &wal.Record{Info: infoInsertLeaf, Blocks: []wal.BlockRef{{Tag: tag, Data: data}}}
	if child != nil {
		rec.Info = infoInsertUpper
		rec.Blocks = append(rec.Blocks, wal.BlockRef{Tag: child.buf.Tag()})
	}
	return rec
}

func newRootRecord(root, metaTag base.BufferTag, left *bufmgr.Buffer, level uint32, m meta, items [][]byte) *wal.Record {
	data := make([]byte, 8)
	binary.LittleEndian.PutUint32(data, level)
	binary.LittleEndian.PutUint16(data[4:], uint16(m.nkeys))
	binary.LittleEndian.PutUint16(data[6:], uint16(m.natts))
	rec := &wal.Record{Info: infoNewRoot, Data: data, Blocks: []wal.BlockRef{
		{Tag: root, WillInit: true, Data: encodeItems(items)},
		{Tag: metaTag, WillInit: true},
	}}
	if left != nil {
		rec.Blocks = append(rec.Blocks, wal.BlockRef{Tag: left.Tag()})
	}
	return rec
}

type splitMain struct {
	level         uint32
	firstRightOff base.OffsetNumber
	newItemOff    base.OffsetNumber
	rightNext     base.BlockNumber
}

func encodeSplitMain(s splitMain) []byte {
	b := make([]byte, 12)
	binary.LittleEndian.PutUint32(b, s.level)
	binary.LittleEndian.PutUint16(b[4:], uint16(s.firstRightOff))
	binary.LittleEndian.PutUint16(b[6:], uint16(s.newItemOff))
	binary.LittleEndian.PutUint32(b[8:], uint32(s.rightNext))
	return b
}

func decodeSplitMain(b []byte) (splitMain, error) {
	if len(b) != 12 {
		return splitMain{}, badRecord("split record main data has %d bytes", len(b))
	}
	return splitMain{
		level:         binary.LittleEndian.Uint32(b),
		firstRightOff: base.OffsetNumber(binary.LittleEndian.Uint16(b[4:])),
		newItemOff:    base.OffsetNumber(binary.LittleEndian.Uint16(b[6:])),
		rightNext:     base.BlockNumber(binary.LittleEndian.Uint32(b[8:])),
	}, nil
}

func encodeSplitLeft(newItem, highKey []byte) []byte {
	b := make([]byte, 2, 2+len(newItem)+len(highKey))
	binary.LittleEndian.PutUint16(b, uint16(len(newItem)))
	b = append(b, newItem...)
	return append(b, highKey...)
}

func decodeSplitLeft(b []byte) (newItem, highKey []byte, err error) {
	if len(b) < 2 {
		return nil, nil, badRecord("split record left data has %d bytes", len(b))
	}
	n := int(binary.LittleEndian.Uint16(b))
	if n > len(b)-2 {
		return nil, nil, badRecord("split record new item of %d bytes in %d", n, len(b)-2)
	}
	if n > 0 {
		newItem = b[2 : 2+n]
	}
	return newItem, b[2+n:], nil
}

func encodeItems(items [][]byte) []byte {
	n := 0
	for _, it := range items {
		n += 2 + len(it)
	}
	b := make([]byte, 0, n)
	for _, it := range items {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(it)))
		b = append(b, it...)
	}
	return b
}

func decodeItems(b []byte) ([][]byte, error) {
	var items [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, badRecord("truncated item list")
		}
		n := int(binary.LittleEndian.Uint16(b))
		if n == 0 || n > len(b)-2 {
			return nil, badRecord("item of %d bytes in an item list of %d", n, len(b)-2)
		}
		items = append(items, b[2:2+n])
		b = b[2+n:]
	}
	return items, nil
}

func badRecord(format string, args ...any) error {
	e := pgerr.New(pgerr.DataCorrupted, format, args...)
	e.Message = "btree redo: " + e.Message
	return e
}

// Rmgr returns the B-tree resource manager for recovery: its redo routine
// rebuilds pages exactly from RmgrBtree records (BT8); mirrors btree_redo.
// Redo needs no key descriptor: it is physical.
func Rmgr(pool *bufmgr.Pool) wal.Rmgr {
	return wal.Rmgr{ID: wal.RmgrBtree, Name: "Btree", Redo: func(rec *wal.Record) error { return redo(pool, rec) }}
}

func redo(pool *bufmgr.Pool, rec *wal.Record) error {
	switch rec.Info {
	case infoInsertLeaf, infoInsertUpper:
		return redoInsert(pool, rec)
	case infoSplitL, infoSplitR:
		return redoSplit(pool, rec)
	case infoNewRoot:
		return redoNewRoot(pool, rec)
	}
	return badRecord("unknown op code %#x in record at %s", rec.Info, rec.LSN)
}

// redoBlock applies fn to block i of rec if redo must (BT8, H5 style:
// ReadForRedo decides from the page LSN and restores full-page images).
func redoBlock(pool *bufmgr.Pool, rec *wal.Record, i int, fn func(p bufmgr.Page) error) error {
	b, apply, err := pool.ReadForRedo(rec, i)
	if err != nil {
		return err
	}
	defer pool.Release(b)
	defer b.Unlock()
	if !apply {
		return nil
	}
	if err := fn(b.Page()); err != nil {
		return err
	}
	b.Page().SetLSN(rec.EndLSN)
	b.MarkDirty()
	return nil
}

// btreePage checks that a page to be redone is a btree page.
func btreePage(p bufmgr.Page, rec *wal.Record) (opaque, error) {
	if err := bufmgr.DecodePage(p); err != nil || p.IsNew() {
		return opaque{}, badRecord("record at %s applies to a page that is not a valid index page", rec.LSN)
	}
	o, ok := getOpaque(p)
	if !ok || o.flags&btpMeta != 0 {
		return opaque{}, badRecord("record at %s applies to a page that is not a btree page", rec.LSN)
	}
	return o, nil
}

func clearIncomplete(rec *wal.Record) func(p bufmgr.Page) error {
	return func(p bufmgr.Page) error {
		o, err := btreePage(p, rec)
		if err != nil {
			return err
		}
		setFlags(p, o.flags&^btpIncompleteSplit)
		return nil
	}
}

func redoInsert(pool *bufmgr.Pool, rec *wal.Record) error {
	want := 1
	if rec.Info == infoInsertUpper {
		want = 2
	}
	if len(rec.Blocks) != want || len(rec.Blocks[0].Data) < 2+itupHeaderSize+1 {
		return badRecord("insert record at %s has %d blocks", rec.LSN, len(rec.Blocks))
	}
	d := rec.Blocks[0].Data
	off := base.OffsetNumber(binary.LittleEndian.Uint16(d))
	err := redoBlock(pool, rec, 0, func(p bufmgr.Page) error {
		if _, err := btreePage(p, rec); err != nil {
			return err
		}
		if off == base.InvalidOffset || off > p.MaxOffset()+1 {
			return badRecord("insert record at %s has offset %d on a page of %d items", rec.LSN, off, p.MaxOffset())
		}
		got, err := p.AddItem(d[2:], off)
		if err != nil {
			return badRecord("failed to add item in record at %s: %v", rec.LSN, err)
		}
		if got != off {
			return badRecord("insert record at %s placed item at %d, want %d", rec.LSN, got, off)
		}
		return nil
	})
	if err != nil || want == 1 {
		return err
	}
	return redoBlock(pool, rec, 1, clearIncomplete(rec))
}

func redoSplit(pool *bufmgr.Pool, rec *wal.Record) error {
	sm, err := decodeSplitMain(rec.Data)
	if err != nil {
		return err
	}
	want := 2
	if sm.rightNext != pNone {
		want++
	}
	if sm.level > 0 {
		want++
	}
	if len(rec.Blocks) != want || !rec.Blocks[1].WillInit {
		return badRecord("split record at %s has %d blocks, want %d", rec.LSN, len(rec.Blocks), want)
	}
	onLeft := rec.Info == infoSplitL
	newItem, highKey, err := decodeSplitLeft(rec.Blocks[0].Data)
	if err != nil {
		return err
	}
	leftBlk, rightBlk := rec.Blocks[0].Tag.Block, rec.Blocks[1].Tag.Block
	if leftBlk == rightBlk || leftBlk == metaBlock || rightBlk == metaBlock {
		return badRecord("split record at %s has blocks %d and %d", rec.LSN, leftBlk, rightBlk)
	}
	err = redoBlock(pool, rec, 0, func(p bufmgr.Page) error {
		o, err := btreePage(p, rec)
		if err != nil {
			return err
		}
		if o.level != sm.level || o.next != sm.rightNext {
			return badRecord("split record at %s does not match its page (level %d, next %d)", rec.LSN, o.level, o.next)
		}
		temp := getTemp()
		defer putTemp(temp)
		if _, err := buildLeft(temp, p, rightBlk, sm.firstRightOff, sm.newItemOff, onLeft, newItem, highKey); err != nil {
			return badRecord("split record at %s: %v", rec.LSN, pgerr.As(err).Message)
		}
		copy(p, temp)
		return nil
	})
	if err != nil {
		return err
	}
	items, err := decodeItems(rec.Blocks[1].Data)
	if err != nil {
		return err
	}
	err = redoBlock(pool, rec, 1, func(p bufmgr.Page) error {
		ro := opaque{prev: leftBlk, next: sm.rightNext, level: sm.level, flags: rightFlags(sm.level)}
		if err := fillPage(p, ro, items); err != nil {
			return badRecord("split record at %s: %v", rec.LSN, pgerr.As(err).Message)
		}
		return nil
	})
	if err != nil {
		return err
	}
	i := 2
	if sm.rightNext != pNone {
		if rec.Blocks[i].Tag.Block != sm.rightNext {
			return badRecord("split record at %s names right sibling %d but block %d", rec.LSN, sm.rightNext, rec.Blocks[i].Tag.Block)
		}
		err = redoBlock(pool, rec, i, func(p bufmgr.Page) error {
			if _, err := btreePage(p, rec); err != nil {
				return err
			}
			setPrev(p, rightBlk)
			return nil
		})
		if err != nil {
			return err
		}
		i++
	}
	if sm.level > 0 {
		return redoBlock(pool, rec, i, clearIncomplete(rec))
	}
	return nil
}

func redoNewRoot(pool *bufmgr.Pool, rec *wal.Record) error {
	if len(rec.Data) != 8 {
		return badRecord("newroot record at %s has %d bytes of data", rec.LSN, len(rec.Data))
	}
	level := binary.LittleEndian.Uint32(rec.Data)
	m := meta{level: level, nkeys: int(binary.LittleEndian.Uint16(rec.Data[4:])), natts: int(binary.LittleEndian.Uint16(rec.Data[6:]))}
	want := 2
	if level > 0 {
		want = 3
	}
	if len(rec.Blocks) != want || !rec.Blocks[0].WillInit || !rec.Blocks[1].WillInit ||
		rec.Blocks[1].Tag.Block != metaBlock || rec.Blocks[0].Tag.Block == metaBlock {
		return badRecord("newroot record at %s has invalid blocks", rec.LSN)
	}
	m.root = rec.Blocks[0].Tag.Block
	items, err := decodeItems(rec.Blocks[0].Data)
	if err != nil {
		return err
	}
	flags := btpRoot
	if level == 0 {
		flags |= btpLeaf
	}
	err = redoBlock(pool, rec, 0, func(p bufmgr.Page) error {
		if err := fillPage(p, opaque{level: level, flags: flags}, items); err != nil {
			return badRecord("newroot record at %s: %v", rec.LSN, pgerr.As(err).Message)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = redoBlock(pool, rec, 1, func(p bufmgr.Page) error {
		fillMeta(p, m)
		return nil
	})
	if err != nil || level == 0 {
		return err
	}
	return redoBlock(pool, rec, 2, clearIncomplete(rec))
}
