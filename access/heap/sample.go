package heap

import (
	"encoding/binary"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/wal"
)

// Block-at-a-time reads for ANALYZE's two-stage sample
// (heapam_scan_analyze_next_block / _next_tuple): the caller picks the
// blocks, and reads each one's visible tuples.

// NBlocks returns the number of blocks of a heap relation's main fork
// (RelationGetNumberOfBlocks).
func (h *Heap) NBlocks(node base.RelFileNode) (base.BlockNumber, error) {
	return h.pool.Smgr().NBlocks(node, base.MainFork)
}

// ReadBlock appends the tuples of block blk visible to snap to out, in
// item order, and returns it with the number of the block's dead tuples
// (see VisitBlock).
func (h *Heap) ReadBlock(node base.RelFileNode, snap *mvcc.Snapshot, blk base.BlockNumber, out []Tuple) ([]Tuple, int, error) {
	dead, err := h.VisitBlock(node, snap, blk, func(hdr *mvcc.TupleHeader, payload []byte) {
		out = append(out, Tuple{Header: *hdr, Payload: append([]byte(nil), payload...)})
	})
	return out, dead, err
}

// VisitBlock calls fn with each tuple of block blk visible to snap, in
// item order, under the page's share lock: payload is valid only during
// the call. It returns the number of the block's dead tuples (inserted
// by an aborted transaction or deleted by a committed one;
// acquire_sample_rows' deadrows); other invisible tuples (another
// transaction's uncommitted inserts) are not counted.
func (h *Heap) VisitBlock(node base.RelFileNode, snap *mvcc.Snapshot, blk base.BlockNumber, fn func(hdr *mvcc.TupleHeader, payload []byte)) (int, error) {
	buf, err := h.pool.ReadBuffer(base.BufferTag{Node: node, Fork: base.MainFork, Block: blk})
	if err != nil {
		return 0, err
	}
	defer h.pool.Release(buf)
	buf.RLock()
	page := buf.Page()
	var hints []hint
	dead := 0
	if !page.IsNew() {
		n := page.MaxOffset()
		for off := base.OffsetNumber(1); off <= n; off++ {
			_, _, flags := page.ItemID(off)
			if flags != bufmgr.LPNormal {
				continue
			}
			tid := base.ItemPointer{Block: blk, Offset: off}
			item := page.Item(off)
			hdr, err := decodeHeader(item, tid)
			if err != nil {
				buf.RUnlock()
				return 0, err
			}
			vis, hb, err := h.mgr.CheckMVCC(&hdr, snap)
			if err != nil {
				buf.RUnlock()
				return 0, err
			}
			if hb != 0 {
				hints = append(hints, hint{off, hb})
			}
			if vis {
				fn(&hdr, item[HeaderSize:])
				continue
			}
			if st, _, err := h.dirtyState(&hdr, nil); err == nil && st == StateDead {
				dead++
			}
		}
	}
	buf.RUnlock()
	if len(hints) > 0 {
		h.setHints(buf, hints)
	}
	return dead, nil
}

// CountAllVisible returns how many of the first nblocks pages of a relation
// the visibility map marks all-visible (visibilitymap_count).
func (h *Heap) CountAllVisible(node base.RelFileNode, nblocks base.BlockNumber) (int32, error) {
	var n int32
	for blk := base.BlockNumber(0); blk < nblocks; blk++ {
		bits, err := h.VisibilityOf(node, blk)
		if err != nil {
			return 0, err
		}
		if bits&VMAllVisible != 0 {
			n++
		}
	}
	return n, nil
}

// infoInplace is an in-place change of a tuple's payload (block data:
// offset u16, the new payload, as long as the old one).
const infoInplace uint8 = 0x30

// InplaceUpdate overwrites the payload of the tuple at tid with payload of
// the same length, without a new version, and logs it (heap_inplace_update,
// for pg_class.relpages/reltuples/relallvisible): every snapshot sees the
// change at once, and it survives the abort of x. Only fixed-width fields
// may change.
func (h *Heap) InplaceUpdate(node base.RelFileNode, x *mvcc.Xact, tid base.ItemPointer, payload []byte) error {
	xid, err := x.AssignXID()
	if err != nil {
		return err
	}
	buf, err := h.pool.ReadBuffer(base.BufferTag{Node: node, Fork: base.MainFork, Block: tid.Block})
	if err != nil {
		return err
	}
	defer h.pool.Release(buf)
	buf.Lock()
	defer buf.Unlock()
	page := buf.Page()
	item, err := itemAt(page, tid)
	if err != nil {
		return err
	}
	if len(item)-HeaderSize != len(payload) {
		return pgerr.New(pgerr.InternalError, "wrong tuple length in in-place update: %d, want %d", len(payload), len(item)-HeaderSize)
	}
	prevLSN := page.LSN()
	copy(item[HeaderSize:], payload)
	buf.MarkDirty()
	data := make([]byte, 2+len(payload))
	binary.LittleEndian.PutUint16(data, uint16(tid.Offset))
	copy(data[2:], payload)
	rec := &wal.Record{XID: xid, Rmgr: wal.RmgrHeap, Info: infoInplace, Blocks: []wal.BlockRef{{
		Tag: buf.Tag(), PageLSN: prevLSN, Page: page, Data: data,
	}}}
	lsn, err := h.log.Insert(rec)
	if err != nil {
		return err
	}
	page.SetLSN(lsn)
	return nil
}

// redoInplace replays InplaceUpdate on the page (locked by the caller).
func redoInplace(page bufmgr.Page, blk base.BlockNumber, d []byte) error {
	off := base.OffsetNumber(binary.LittleEndian.Uint16(d))
	item, err := itemAt(page, base.ItemPointer{Block: blk, Offset: off})
	if err != nil {
		return err
	}
	if len(item) != HeaderSize+len(d)-2 {
		return pgerr.New(pgerr.DataCorrupted, "heap in-place record for item %d has %d bytes, want %d", off, len(d)-2, len(item)-HeaderSize)
	}
	copy(item[HeaderSize:], d[2:])
	return nil
}
