package heap

import (
	"encoding/binary"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/wal"
)

// The visibility map (PostgreSQL's visibilitymap.c): fork VMFork of a heap
// relation holds two bits per heap page, all-visible and all-frozen. A set
// all-visible bit promises that every tuple on the page is visible to every
// current and future snapshot, so an index-only scan may skip the heap
// page (H7). The heap page's PD_ALL_VISIBLE flag mirrors the bit; a change
// to the page clears both (H8).

// Visibility map bits of one heap page.
const (
	VMAllVisible uint8 = 0x01
	VMAllFrozen  uint8 = 0x02
)

// vmHeapBlocksPerPage is how many heap pages one VM page covers: two bits
// each in the page after its header (MAPSIZE * HEAPBLOCKS_PER_BYTE).
const vmHeapBlocksPerPage = (base.BlockSize - bufmgr.PageHeaderSize) * 4

// infoVisible is the record that sets bits (XLOG_HEAP2_VISIBLE): block 0
// is the VM page (data: heap block u32, bits u8), block 1 the heap page
// (PD_ALL_VISIBLE is set on it).
const infoVisible uint8 = 0x20

// infoVMCleared is ORed into the Info of an insert or header record whose
// change cleared the page's all-visible state (XLH_*_ALL_VISIBLE_CLEARED):
// redo clears the VM bits too.
const infoVMCleared uint8 = 0x01

func vmLocation(blk base.BlockNumber) (base.BlockNumber, int, uint) {
	off := int(blk % vmHeapBlocksPerPage)
	return blk / vmHeapBlocksPerPage, bufmgr.PageHeaderSize + off/4, uint(off%4) * 2
}

// vmBlocks returns how many pages the VM fork has (cached; 0 if none).
func (h *Heap) vmBlocks(node base.RelFileNode) (base.BlockNumber, error) {
	h.mu.Lock()
	n, ok := h.vmSize[node]
	h.mu.Unlock()
	if ok {
		return n, nil
	}
	exists, err := h.pool.Smgr().Exists(node, base.VMFork)
	if err != nil {
		return 0, err
	}
	if exists {
		if n, err = h.pool.Smgr().NBlocks(node, base.VMFork); err != nil {
			return 0, err
		}
	}
	h.mu.Lock()
	h.vmSize[node] = n
	h.mu.Unlock()
	return n, nil
}

// VisibilityOf returns the visibility map bits of a heap page (0 when the
// map does not cover it); mirrors visibilitymap_get_status. It takes no
// heap page lock: a bit read just before a concurrent change cleared it is
// still a valid promise for any snapshot taken before that change.
func (h *Heap) VisibilityOf(node base.RelFileNode, blk base.BlockNumber) (uint8, error) {
	return h.VisibilityOfUsage(node, blk, nil)
}

// VisibilityOfUsage is VisibilityOf counting the map page access into u
// (nil: not counted; EXPLAIN (ANALYZE, BUFFERS)).
func (h *Heap) VisibilityOfUsage(node base.RelFileNode, blk base.BlockNumber, u *bufmgr.Usage) (uint8, error) {
	vmBlk, byteOff, shift := vmLocation(blk)
	n, err := h.vmBlocks(node)
	if err != nil || vmBlk >= n {
		return 0, err
	}
	buf, err := h.pool.ReadBufferUsage(base.BufferTag{Node: node, Fork: base.VMFork, Block: vmBlk}, u)
	if err != nil {
		return 0, err
	}
	buf.RLock()
	p := buf.Page()
	var bits uint8
	if byteOff < len(p) {
		bits = (p[byteOff] >> shift) & 3
	}
	buf.RUnlock()
	h.pool.Release(buf)
	return bits, nil
}

// clearVM clears the bits of a heap page in the map (visibilitymap_clear).
// The change is not logged itself: the heap record that made it carries
// infoVMCleared and its redo repeats it (H8). A spuriously cleared bit is
// harmless.
func (h *Heap) clearVM(node base.RelFileNode, blk base.BlockNumber) error {
	vmBlk, byteOff, shift := vmLocation(blk)
	n, err := h.vmBlocks(node)
	if err != nil || vmBlk >= n {
		return err
	}
	buf, err := h.pool.ReadBuffer(base.BufferTag{Node: node, Fork: base.VMFork, Block: vmBlk})
	if err != nil {
		return err
	}
	buf.Lock()
	p := buf.Page()
	if byteOff < len(p) && (p[byteOff]>>shift)&3 != 0 {
		p[byteOff] &^= 3 << shift
		buf.MarkDirty()
	}
	buf.Unlock()
	h.pool.Release(buf)
	return nil
}

// clearAllVisible drops the all-visible state of a heap page about to be
// changed under the caller's exclusive lock; it returns the record Info
// bit to log with the change.
func (h *Heap) clearAllVisible(buf *bufmgr.Buffer) (uint8, error) {
	p := buf.Page()
	if p.Flags()&bufmgr.PDAllVisible == 0 {
		return 0, nil
	}
	p.SetFlags(p.Flags() &^ bufmgr.PDAllVisible)
	tag := buf.Tag()
	return infoVMCleared, h.clearVM(tag.Node, tag.Block)
}

// MarkAllVisible sets the all-visible bit of a heap page if every tuple on
// it is visible to everyone: its inserter committed before horizon (pass
// mvcc.Manager.OldestRunningXmin) and no live deleter, updater or locker
// holds it. It is what VACUUM does for each page it scans (PostgreSQL's
// lazy_scan_prune + visibilitymap_set); it reports whether the bit is set
// afterwards. An all-frozen bit is set too when every xmin is frozen.
func (h *Heap) MarkAllVisible(node base.RelFileNode, blk base.BlockNumber, horizon base.XID) (bool, error) {
	buf, err := h.pool.ReadBuffer(base.BufferTag{Node: node, Fork: base.MainFork, Block: blk})
	if err != nil {
		return false, err
	}
	defer h.pool.Release(buf)
	buf.Lock()
	defer buf.Unlock()
	page := buf.Page()
	if page.IsNew() {
		return false, nil
	}
	frozen := true
	for off := base.OffsetNumber(1); off <= page.MaxOffset(); off++ {
		if _, _, flags := page.ItemID(off); flags != bufmgr.LPNormal {
			if flags == bufmgr.LPUnused {
				continue
			}
			return false, nil
		}
		hdr, err := decodeHeader(page.Item(off), base.ItemPointer{Block: blk, Offset: off})
		if err != nil {
			return false, err
		}
		ok, isFrozen, err := h.visibleToAll(&hdr, horizon)
		if err != nil || !ok {
			return false, err
		}
		frozen = frozen && isFrozen
	}
	bits := VMAllVisible
	if frozen {
		bits |= VMAllFrozen
	}
	old, err := h.VisibilityOf(node, blk)
	if err != nil {
		return false, err
	}
	if page.Flags()&bufmgr.PDAllVisible != 0 && old == bits {
		return true, nil
	}
	return true, h.setVM(buf, bits)
}

// visibleToAll reports whether a tuple is visible to every snapshot now
// and later (HeapTupleSatisfiesVacuum's HEAPTUPLE_LIVE with xmin before
// the horizon) and whether its xmin is frozen.
func (h *Heap) visibleToAll(hdr *mvcc.TupleHeader, horizon base.XID) (bool, bool, error) {
	if hdr.Infomask&mvcc.HeapXminFrozen != mvcc.HeapXminFrozen {
		if hdr.Infomask&mvcc.HeapXminInvalid != 0 && hdr.Infomask&mvcc.HeapXminCommitted == 0 {
			return false, false, nil // aborted inserter: dead, needs pruning
		}
		if !hdr.Xmin.Precedes(horizon) || h.mgr.IsRunning(hdr.Xmin) {
			return false, false, nil
		}
		if hdr.Infomask&mvcc.HeapXminCommitted == 0 {
			st, err := h.mgr.Status(hdr.Xmin)
			if err != nil {
				return false, false, err
			}
			if st != clog.StatusCommitted {
				return false, false, nil
			}
		}
	}
	frozen := hdr.Infomask&mvcc.HeapXminFrozen == mvcc.HeapXminFrozen
	if !hdr.Xmax.IsValid() || hdr.Infomask&mvcc.HeapXmaxInvalid != 0 {
		return true, frozen, nil
	}
	if h.mgr.IsRunning(hdr.Xmax) {
		return false, false, nil
	}
	if mvcc.XmaxIsLockedOnly(hdr.Infomask) {
		return true, false, nil
	}
	if hdr.Infomask&mvcc.HeapXmaxCommitted != 0 {
		return false, false, nil
	}
	st, err := h.mgr.Status(hdr.Xmax)
	if err != nil {
		return false, false, err
	}
	// A committed deleter leaves a dead tuple; an aborted one a live one.
	return st != clog.StatusCommitted, false, nil
}

// setVM sets PD_ALL_VISIBLE on the locked heap page and bits in the map,
// in one WAL record (log_heap_visible), extending the map as needed.
func (h *Heap) setVM(heapBuf *bufmgr.Buffer, bits uint8) error {
	tag := heapBuf.Tag()
	vmBlk, byteOff, shift := vmLocation(tag.Block)
	if err := h.extendVM(tag.Node, vmBlk); err != nil {
		return err
	}
	vm, err := h.pool.ReadBuffer(base.BufferTag{Node: tag.Node, Fork: base.VMFork, Block: vmBlk})
	if err != nil {
		return err
	}
	defer h.pool.Release(vm)
	vm.Lock()
	defer vm.Unlock()
	vp := vm.Page()
	if vp.IsNew() {
		bufmgr.InitPage(vp, 0)
	}
	hp := heapBuf.Page()
	vmPrev, heapPrev := vp.LSN(), hp.LSN()
	vp[byteOff] = vp[byteOff]&^(3<<shift) | bits<<shift
	hp.SetFlags(hp.Flags() | bufmgr.PDAllVisible)
	vm.MarkDirty()
	heapBuf.MarkDirty()
	data := make([]byte, 5)
	binary.LittleEndian.PutUint32(data, uint32(tag.Block))
	data[4] = bits
	rec := &wal.Record{Rmgr: wal.RmgrHeap, Info: infoVisible, Blocks: []wal.BlockRef{
		{Tag: vm.Tag(), PageLSN: vmPrev, Page: vp, Data: data},
		{Tag: tag, PageLSN: heapPrev, Page: hp},
	}}
	lsn, err := h.log.Insert(rec)
	if err != nil {
		return err
	}
	vp.SetLSN(lsn)
	hp.SetLSN(lsn)
	return nil
}

// extendVM makes the map at least vmBlk+1 pages long (vm_extend).
func (h *Heap) extendVM(node base.RelFileNode, vmBlk base.BlockNumber) error {
	h.vmExtend.Lock()
	defer h.vmExtend.Unlock()
	n, err := h.vmBlocks(node)
	if err != nil || vmBlk < n {
		return err
	}
	exists, err := h.pool.Smgr().Exists(node, base.VMFork)
	if err != nil {
		return err
	}
	if !exists {
		if err := h.pool.LogCreateFork(node, base.VMFork); err != nil {
			return err
		}
	}
	if err := h.pool.Smgr().ExtendTo(node, base.VMFork, vmBlk+1); err != nil {
		return err
	}
	h.mu.Lock()
	h.vmSize[node] = vmBlk + 1
	h.mu.Unlock()
	return nil
}

// redoVisible replays infoVisible (heap_xlog_visible).
func (h *Heap) redoVisible(rec *wal.Record) error {
	if len(rec.Blocks) != 2 || len(rec.Blocks[0].Data) != 5 {
		return pgerr.New(pgerr.DataCorrupted, "heap visible record at %s is malformed", rec.LSN)
	}
	heapBlk := base.BlockNumber(binary.LittleEndian.Uint32(rec.Blocks[0].Data))
	bits := rec.Blocks[0].Data[4]
	vmBlk, byteOff, shift := vmLocation(heapBlk)
	if rec.Blocks[0].Tag.Block != vmBlk || rec.Blocks[0].Tag.Fork != base.VMFork {
		return pgerr.New(pgerr.DataCorrupted, "heap visible record at %s names the wrong map page", rec.LSN)
	}
	h.forgetVM(rec.Blocks[0].Tag.Node)
	buf, apply, err := h.pool.ReadForRedo(rec, 0)
	if err != nil {
		return err
	}
	if apply {
		p := buf.Page()
		if p.IsNew() {
			bufmgr.InitPage(p, 0)
		}
		p[byteOff] = p[byteOff]&^(3<<shift) | bits<<shift
		p.SetLSN(rec.EndLSN)
		buf.MarkDirty()
	}
	buf.Unlock()
	h.pool.Release(buf)
	buf, apply, err = h.pool.ReadForRedo(rec, 1)
	if err != nil {
		return err
	}
	if apply {
		p := buf.Page()
		if !p.IsNew() {
			p.SetFlags(p.Flags() | bufmgr.PDAllVisible)
		}
		p.SetLSN(rec.EndLSN)
		buf.MarkDirty()
	}
	buf.Unlock()
	h.pool.Release(buf)
	return nil
}

// redoClearVM repeats the clearing of a page's map bits during redo,
// whether or not the heap page itself needed the record: the map page may
// be older than the heap page (heap_xlog_insert's visibilitymap_clear).
func (h *Heap) redoClearVM(node base.RelFileNode, blk base.BlockNumber) error {
	h.forgetVM(node)
	return h.clearVM(node, blk)
}

func (h *Heap) forgetVM(node base.RelFileNode) {
	h.mu.Lock()
	delete(h.vmSize, node)
	h.mu.Unlock()
}

// ReadPage returns the tuples of one heap page that snap sees, in offset
// order (a bitmap heap scan's lossy page: heapam_scan_bitmap_next_block).
func (h *Heap) ReadPage(node base.RelFileNode, snap *mvcc.Snapshot, blk base.BlockNumber) ([]Tuple, error) {
	return h.readPage(node, snap, blk, nil)
}

// ReadPageUsage is ReadPage counting the buffer access into u (EXPLAIN
// BUFFERS; nil: not counted).
func (h *Heap) ReadPageUsage(node base.RelFileNode, snap *mvcc.Snapshot, blk base.BlockNumber, u *bufmgr.Usage) ([]Tuple, error) {
	return h.readPageUsage(node, snap, blk, nil, u)
}

// ScanIndexable calls fn with every tuple of a relation, whatever its
// visibility, and whether an index of the relation must have an entry for
// it: every tuple that is not dead (live or in progress, as ScanAll and
// CREATE INDEX see them). Dead tuples (aborted inserter, committed
// deleter) may have entries or not: a transaction may fail before its
// index inserts, REINDEX leaves dead tuples out. For index checkers
// (amcheck's heapallindexed); the relation must be quiescent.
func (h *Heap) ScanIndexable(node base.RelFileNode, fn func(t *Tuple, required bool) error) error {
	nb, err := h.pool.Smgr().NBlocks(node, base.MainFork)
	if err != nil {
		return err
	}
	for blk := base.BlockNumber(0); blk < nb; blk++ {
		ts, err := h.pageTuples(node, blk)
		if err != nil {
			return err
		}
		for k := range ts {
			st, _, err := h.dirtyState(&ts[k].Header, nil)
			if err != nil {
				return err
			}
			if err := fn(&ts[k], st != StateDead); err != nil {
				return err
			}
		}
	}
	return nil
}

// pageTuples copies every normal tuple of a page.
func (h *Heap) pageTuples(node base.RelFileNode, blk base.BlockNumber) ([]Tuple, error) {
	buf, err := h.pool.ReadBuffer(base.BufferTag{Node: node, Fork: base.MainFork, Block: blk})
	if err != nil {
		return nil, err
	}
	defer h.pool.Release(buf)
	buf.RLock()
	defer buf.RUnlock()
	page := buf.Page()
	var out []Tuple
	if page.IsNew() {
		return nil, nil
	}
	for off := base.OffsetNumber(1); off <= page.MaxOffset(); off++ {
		if _, _, flags := page.ItemID(off); flags != bufmgr.LPNormal {
			continue
		}
		tid := base.ItemPointer{Block: blk, Offset: off}
		item := page.Item(off)
		hdr, err := decodeHeader(item, tid)
		if err != nil {
			return nil, err
		}
		out = append(out, Tuple{Header: hdr, Payload: append([]byte(nil), item[HeaderSize:]...)})
	}
	return out, nil
}
