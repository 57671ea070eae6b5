package heap

import (
	"encoding/binary"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/wal"
)

// Rmgr returns the heap's resource manager for recovery (mirrors heap_redo).
func (h *Heap) Rmgr() wal.Rmgr {
	return wal.Rmgr{ID: wal.RmgrHeap, Name: "Heap", Redo: h.redo}
}

func (h *Heap) redo(rec *wal.Record) error {
	if rec.Info == infoVisible {
		return h.redoVisible(rec)
	}
	if len(rec.Blocks) != 1 {
		return pgerr.New(pgerr.DataCorrupted, "heap record at %s has %d blocks", rec.LSN, len(rec.Blocks))
	}
	blk := rec.Blocks[0]
	if rec.Info&infoVMCleared != 0 {
		// H8: the map may be older than the heap page; clear it first
		// (no lock on the heap page is held yet).
		if err := h.redoClearVM(blk.Tag.Node, blk.Tag.Block); err != nil {
			return err
		}
	}
	buf, apply, err := h.pool.ReadForRedo(rec, 0)
	if err != nil {
		return err
	}
	defer h.pool.Release(buf)
	defer buf.Unlock()
	if !apply { // H5
		return nil
	}
	page := buf.Page()
	if rec.Info&infoVMCleared != 0 {
		page.SetFlags(page.Flags() &^ bufmgr.PDAllVisible)
	}
	d := blk.Data
	if len(d) < 2 {
		return pgerr.New(pgerr.DataCorrupted, "heap record at %s is too short", rec.LSN)
	}
	off := base.OffsetNumber(binary.LittleEndian.Uint16(d))
	switch rec.Info &^ infoVMCleared {
	case infoInsert:
		if blk.WillInit || page.IsNew() {
			bufmgr.InitPage(page, 0)
		}
		got, err := page.AddItem(d[2:], off)
		if err != nil {
			return err
		}
		if got != off {
			return pgerr.New(pgerr.DataCorrupted, "heap insert redo at %s placed item %d, want %d", rec.LSN, got, off)
		}
	case infoSetHeader:
		if len(d) != 18 {
			return pgerr.New(pgerr.DataCorrupted, "heap header record at %s has %d bytes", rec.LSN, len(d))
		}
		item, err := itemAt(page, base.ItemPointer{Block: blk.Tag.Block, Offset: off})
		if err != nil {
			return err
		}
		copy(item[4:8], d[2:6])    // xmax
		copy(item[12:16], d[6:10]) // cmax
		copy(item[22:24], d[10:12])
		copy(item[16:22], d[12:18]) // ctid
	case infoInplace:
		if err := redoInplace(page, blk.Tag.Block, d); err != nil {
			return err
		}
	default:
		return pgerr.New(pgerr.DataCorrupted, "unknown heap record info %#x at %s", rec.Info, rec.LSN)
	}
	page.SetLSN(rec.EndLSN)
	buf.MarkDirty()
	return nil
}
