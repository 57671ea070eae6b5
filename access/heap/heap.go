package heap

import (
	"context"
	"encoding/binary"
	"sync"

	"github.com/tuskdb/tusk/access/tuple"
	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/wal"
)

// HeaderSize is the size of the tuple header.
const HeaderSize = 24

// MaxTupleSize is the largest tuple (header and payload) one page holds:
// the page minus its header and one line pointer (PostgreSQL's
// MaxHeapTupleSize; Tusk has no TOAST yet).
const MaxTupleSize = base.BlockSize - 24 - 4

// WAL record kinds (Info of RmgrHeap records).
const (
	infoInsert    uint8 = 0x00 // block data: offset u16, tuple bytes
	infoSetHeader uint8 = 0x10 // block data: offset u16, xmax u32, cmax u32, infomask u16, ctid 6 bytes
)

// Log is what the heap needs of the write-ahead log (*wal.Log).
type Log interface {
	Insert(rec *wal.Record) (wal.LSN, error)
}

// Heap performs heap operations on relations through one buffer pool.
type Heap struct {
	pool *bufmgr.Pool
	log  Log
	mgr  *mvcc.Manager

	mu     sync.Mutex
	target map[base.RelFileNode]base.BlockNumber // last page an insert used (a poor man's FSM)
	vmSize map[base.RelFileNode]base.BlockNumber // pages of each visibility map fork (visibilitymap.go)

	vmExtend sync.Mutex // serializes visibility map extension
}

// New returns a Heap.
func New(pool *bufmgr.Pool, log Log, mgr *mvcc.Manager) *Heap {
	return &Heap{pool: pool, log: log, mgr: mgr, target: map[base.RelFileNode]base.BlockNumber{},
		vmSize: map[base.RelFileNode]base.BlockNumber{}}
}

// Create makes the file of a new heap relation (WAL-logged).
func (h *Heap) Create(node base.RelFileNode) error {
	return h.pool.LogCreate(node)
}

// Forget drops the insertion target of a relation being dropped or truncated.
func (h *Heap) Forget(node base.RelFileNode) {
	h.mu.Lock()
	delete(h.target, node)
	delete(h.vmSize, node)
	h.mu.Unlock()
}

// Tuple is a tuple read from a page: its header and a copy of its payload.
type Tuple struct {
	Header  mvcc.TupleHeader
	Payload []byte
}

// encodeHeader writes a header into b[:HeaderSize].
func encodeHeader(b []byte, h *mvcc.TupleHeader) {
	binary.LittleEndian.PutUint32(b[0:], uint32(h.Xmin))
	binary.LittleEndian.PutUint32(b[4:], uint32(h.Xmax))
	binary.LittleEndian.PutUint32(b[8:], uint32(h.Cmin))
	binary.LittleEndian.PutUint32(b[12:], uint32(h.Cmax))
	binary.LittleEndian.PutUint32(b[16:], uint32(h.Ctid.Block))
	binary.LittleEndian.PutUint16(b[20:], uint16(h.Ctid.Offset))
	binary.LittleEndian.PutUint16(b[22:], h.Infomask)
}

// decodeHeader reads a header; item must be at least HeaderSize long.
func decodeHeader(item []byte, self base.ItemPointer) (mvcc.TupleHeader, error) {
	if len(item) < HeaderSize {
		return mvcc.TupleHeader{}, pgerr.New(pgerr.DataCorrupted, "heap tuple at %s is too short (%d bytes)", self, len(item))
	}
	return mvcc.TupleHeader{
		Xmin:     base.XID(binary.LittleEndian.Uint32(item[0:])),
		Xmax:     base.XID(binary.LittleEndian.Uint32(item[4:])),
		Cmin:     base.CommandID(binary.LittleEndian.Uint32(item[8:])),
		Cmax:     base.CommandID(binary.LittleEndian.Uint32(item[12:])),
		Ctid:     base.ItemPointer{Block: base.BlockNumber(binary.LittleEndian.Uint32(item[16:])), Offset: base.OffsetNumber(binary.LittleEndian.Uint16(item[20:]))},
		Infomask: binary.LittleEndian.Uint16(item[22:]),
		Self:     self,
	}, nil
}

// Insert adds a tuple with the given payload as a version created by x and
// returns its ctid (mirrors heap_insert). H1.
func (h *Heap) Insert(node base.RelFileNode, x *mvcc.Xact, payload []byte) (base.ItemPointer, error) {
	xid, err := x.AssignXID()
	if err != nil {
		return base.ItemPointer{}, err
	}
	size := HeaderSize + len(payload)
	if size > MaxTupleSize {
		return base.ItemPointer{}, pgerr.New(pgerr.ProgramLimitExceeded, "row is too big: size %d, maximum size %d", size, MaxTupleSize)
	}
	tup := make([]byte, size)
	hdr := mvcc.TupleHeader{Xmin: xid, Cmin: x.CID(), Infomask: mvcc.HeapXmaxInvalid}
	encodeHeader(tup, &hdr)
	copy(tup[HeaderSize:], payload)
	return h.place(node, xid, tup)
}

// place puts tuple bytes on a page with room, logging the insert.
func (h *Heap) place(node base.RelFileNode, xid base.XID, tup []byte) (base.ItemPointer, error) {
	buf, fresh, err := h.pageWithRoom(node, len(tup))
	if err != nil {
		return base.ItemPointer{}, err
	}
	defer h.pool.Release(buf)
	defer buf.Unlock()
	page := buf.Page()
	tag := buf.Tag()
	prevLSN := page.LSN()
	off, err := page.AddItem(tup, base.InvalidOffset)
	if err != nil {
		return base.ItemPointer{}, err
	}
	tid := base.ItemPointer{Block: tag.Block, Offset: off}
	item := page.Item(off)
	binary.LittleEndian.PutUint32(item[16:], uint32(tid.Block))
	binary.LittleEndian.PutUint16(item[20:], uint16(tid.Offset))
	cleared, err := h.clearAllVisible(buf) // H8
	if err != nil {
		return base.ItemPointer{}, err
	}
	buf.MarkDirty()
	data := make([]byte, 2+len(item))
	binary.LittleEndian.PutUint16(data, uint16(off))
	copy(data[2:], item)
	rec := &wal.Record{XID: xid, Rmgr: wal.RmgrHeap, Info: infoInsert | cleared, Blocks: []wal.BlockRef{{
		Tag: tag, PageLSN: prevLSN, Page: page, WillInit: fresh && off == 1, Data: data,
	}}}
	lsn, err := h.log.Insert(rec)
	if err != nil {
		return base.ItemPointer{}, err
	}
	page.SetLSN(lsn)
	return tid, nil
}

// pageWithRoom returns a pinned, exclusively locked page with room for n
// bytes and a line pointer; fresh is true when the page was just added.
func (h *Heap) pageWithRoom(node base.RelFileNode, n int) (*bufmgr.Buffer, bool, error) {
	h.mu.Lock()
	blk, ok := h.target[node]
	h.mu.Unlock()
	if !ok {
		nb, err := h.pool.Smgr().NBlocks(node, base.MainFork)
		if err != nil {
			return nil, false, err
		}
		if nb > 0 {
			blk, ok = nb-1, true
		}
	}
	if ok {
		buf, err := h.pool.ReadBuffer(base.BufferTag{Node: node, Fork: base.MainFork, Block: blk})
		if err != nil {
			return nil, false, err
		}
		buf.Lock()
		p := buf.Page()
		if p.IsNew() {
			bufmgr.InitPage(p, 0)
		}
		if p.FreeSpace() >= (n+bufmgr.MaxAlign-1)&^(bufmgr.MaxAlign-1) { // items are MAXALIGNed
			return buf, false, nil
		}
		buf.Unlock()
		h.pool.Release(buf)
	}
	buf, err := h.pool.NewPage(node, base.MainFork)
	if err != nil {
		return nil, false, err
	}
	buf.Lock()
	bufmgr.InitPage(buf.Page(), 0)
	h.mu.Lock()
	h.target[node] = buf.Tag().Block
	h.mu.Unlock()
	return buf, true, nil
}

// Result tells the caller of Delete or Update what happened
// (PostgreSQL's TM_Result).
type Result = mvcc.TMResult

// Delete marks the tuple at tid deleted by x (mirrors heap_delete). It
// waits for a running transaction that holds the tuple (H3). On
// mvcc.TMUpdated or mvcc.TMDeleted the tuple was changed by a committed
// transaction after the caller's snapshot; newer holds its ctid link.
func (h *Heap) Delete(ctx context.Context, node base.RelFileNode, x *mvcc.Xact, tid base.ItemPointer) (res Result, newer base.ItemPointer, err error) {
	xid, err := x.AssignXID()
	if err != nil {
		return 0, base.ItemPointer{}, err
	}
	return h.lockTuple(ctx, node, x, xid, tid, false)
}

// lockTuple sets xmax on the tuple at tid once it is updatable, waiting on
// concurrent holders. forUpdate marks the version as updated (HEAP_UPDATED
// goes on the new version in PostgreSQL; Tusk marks the old one's xmax with
// HeapKeysUpdated? no: the ctid link tells updated from deleted).
func (h *Heap) lockTuple(ctx context.Context, node base.RelFileNode, x *mvcc.Xact, xid base.XID, tid base.ItemPointer, forUpdate bool) (Result, base.ItemPointer, error) {
	for {
		if err := ctx.Err(); err != nil {
			return 0, base.ItemPointer{}, pgerr.Wrap(pgerr.QueryCanceled, err, "canceling statement due to user request")
		}
		buf, err := h.pool.ReadBuffer(base.BufferTag{Node: node, Fork: base.MainFork, Block: tid.Block})
		if err != nil {
			return 0, base.ItemPointer{}, err
		}
		buf.Lock()
		page := buf.Page()
		item, err := itemAt(page, tid)
		if err != nil {
			buf.Unlock()
			h.pool.Release(buf)
			return 0, base.ItemPointer{}, err
		}
		hdr, err := decodeHeader(item, tid)
		if err != nil {
			buf.Unlock()
			h.pool.Release(buf)
			return 0, base.ItemPointer{}, err
		}
		res, hints, err := x.CheckUpdate(&hdr, x.CID())
		if err != nil {
			buf.Unlock()
			h.pool.Release(buf)
			return 0, base.ItemPointer{}, err
		}
		switch res {
		case mvcc.TMOk:
			hdr.Infomask |= hints
			hdr.Xmax = xid
			hdr.Cmax = x.CID()
			hdr.Infomask &^= mvcc.HeapXmaxInvalid | mvcc.HeapXmaxCommitted | mvcc.HeapXmaxLockOnly
			err := h.setHeader(buf, tid, &hdr, xid)
			buf.Unlock()
			h.pool.Release(buf)
			return mvcc.TMOk, tid, err
		case mvcc.TMBeingModified:
			holder := hdr.Xmax
			buf.Unlock()
			h.pool.Release(buf)
			if err := h.mgr.Wait(ctx, holder); err != nil {
				return 0, base.ItemPointer{}, err
			}
			continue
		default:
			buf.Unlock()
			h.pool.Release(buf)
			return res, hdr.Ctid, nil
		}
	}
}

// setHeader rewrites the mutable header fields of an item and logs it. The
// buffer is locked exclusively by the caller (H1).
func (h *Heap) setHeader(buf *bufmgr.Buffer, tid base.ItemPointer, hdr *mvcc.TupleHeader, xid base.XID) error {
	page := buf.Page()
	item := page.Item(tid.Offset)
	prevLSN := page.LSN()
	encodeHeader(item, hdr)
	cleared, err := h.clearAllVisible(buf) // H8
	if err != nil {
		return err
	}
	buf.MarkDirty()
	data := make([]byte, 2+4+4+2+6)
	binary.LittleEndian.PutUint16(data[0:], uint16(tid.Offset))
	binary.LittleEndian.PutUint32(data[2:], uint32(hdr.Xmax))
	binary.LittleEndian.PutUint32(data[6:], uint32(hdr.Cmax))
	binary.LittleEndian.PutUint16(data[10:], hdr.Infomask)
	binary.LittleEndian.PutUint32(data[12:], uint32(hdr.Ctid.Block))
	binary.LittleEndian.PutUint16(data[16:], uint16(hdr.Ctid.Offset))
	rec := &wal.Record{XID: xid, Rmgr: wal.RmgrHeap, Info: infoSetHeader | cleared, Blocks: []wal.BlockRef{{
		Tag: buf.Tag(), PageLSN: prevLSN, Page: page, Data: data,
	}}}
	lsn, err := h.log.Insert(rec)
	if err != nil {
		return err
	}
	page.SetLSN(lsn)
	return nil
}

// Update replaces the tuple at tid with a new version holding payload
// (mirrors heap_update; H2, H4). On TMOk, newTid is the new version.
func (h *Heap) Update(ctx context.Context, node base.RelFileNode, x *mvcc.Xact, tid base.ItemPointer, payload []byte) (res Result, newTid base.ItemPointer, err error) {
	xid, err := x.AssignXID()
	if err != nil {
		return 0, base.ItemPointer{}, err
	}
	size := HeaderSize + len(payload)
	if size > MaxTupleSize {
		return 0, base.ItemPointer{}, pgerr.New(pgerr.ProgramLimitExceeded, "row is too big: size %d, maximum size %d", size, MaxTupleSize)
	}
	res, link, err := h.lockTuple(ctx, node, x, xid, tid, true)
	if err != nil || res != mvcc.TMOk {
		return res, link, err
	}
	tup := make([]byte, size)
	hdr := mvcc.TupleHeader{Xmin: xid, Cmin: x.CID(), Infomask: mvcc.HeapXmaxInvalid | mvcc.HeapUpdated}
	encodeHeader(tup, &hdr)
	copy(tup[HeaderSize:], payload)
	newTid, err = h.place(node, xid, tup)
	if err != nil {
		return 0, base.ItemPointer{}, err
	}
	// Link the old version to the new one.
	buf, err := h.pool.ReadBuffer(base.BufferTag{Node: node, Fork: base.MainFork, Block: tid.Block})
	if err != nil {
		return 0, base.ItemPointer{}, err
	}
	defer h.pool.Release(buf)
	buf.Lock()
	defer buf.Unlock()
	item, err := itemAt(buf.Page(), tid)
	if err != nil {
		return 0, base.ItemPointer{}, err
	}
	old, err := decodeHeader(item, tid)
	if err != nil {
		return 0, base.ItemPointer{}, err
	}
	old.Ctid = newTid
	return mvcc.TMOk, newTid, h.setHeader(buf, tid, &old, xid)
}

// itemAt returns the bytes of a normal item, or a corruption error.
func itemAt(page bufmgr.Page, tid base.ItemPointer) ([]byte, error) {
	if tid.Offset == base.InvalidOffset || tid.Offset > page.MaxOffset() {
		return nil, pgerr.New(pgerr.DataCorrupted, "heap item %s does not exist", tid)
	}
	_, _, flags := page.ItemID(tid.Offset)
	if flags != bufmgr.LPNormal {
		return nil, pgerr.New(pgerr.DataCorrupted, "heap item %s is not a normal item", tid)
	}
	item := page.Item(tid.Offset)
	if len(item) < HeaderSize {
		return nil, pgerr.New(pgerr.DataCorrupted, "heap tuple at %s is too short", tid)
	}
	return item, nil
}

// Fetch returns the tuple at tid if snap sees it (mirrors heap_fetch).
func (h *Heap) Fetch(node base.RelFileNode, snap *mvcc.Snapshot, tid base.ItemPointer) (*Tuple, bool, error) {
	return h.FetchUsage(node, snap, tid, nil)
}

// FetchUsage is Fetch counting the buffer access into u (EXPLAIN
// BUFFERS; nil: not counted).
func (h *Heap) FetchUsage(node base.RelFileNode, snap *mvcc.Snapshot, tid base.ItemPointer, u *bufmgr.Usage) (*Tuple, bool, error) {
	t := new(Tuple)
	vis, err := h.FetchInto(node, snap, tid, u, t, false)
	if err != nil || !vis {
		return nil, vis, err
	}
	return t, true, nil
}

// FetchInto is FetchUsage filling the caller's t when the tuple is
// visible: its payload is copied into t.Payload's array, reused, unless
// headerOnly (then t.Payload is left as it is). The caller owns t and may
// reuse it for the next fetch once it is done with the payload.
func (h *Heap) FetchInto(node base.RelFileNode, snap *mvcc.Snapshot, tid base.ItemPointer, u *bufmgr.Usage, t *Tuple, headerOnly bool) (bool, error) {
	buf, err := h.pool.ReadBufferUsage(base.BufferTag{Node: node, Fork: base.MainFork, Block: tid.Block}, u)
	if err != nil {
		return false, err
	}
	defer h.pool.Release(buf)
	buf.RLock()
	item, err := itemAt(buf.Page(), tid)
	if err != nil {
		buf.RUnlock()
		return false, err
	}
	hdr, err := decodeHeader(item, tid)
	if err != nil {
		buf.RUnlock()
		return false, err
	}
	vis, hints, err := h.mgr.CheckMVCC(&hdr, snap)
	if err != nil {
		buf.RUnlock()
		return false, err
	}
	if vis {
		t.Header = hdr
		if !headerOnly {
			t.Payload = append(t.Payload[:0], item[HeaderSize:]...)
		}
	}
	buf.RUnlock()
	if hints != 0 {
		var hs [1]hint
		hs[0] = hint{tid.Offset, hints}
		h.setHints(buf, hs[:])
	}
	return vis, nil
}

type hint struct {
	off  base.OffsetNumber
	bits uint16
}

// setHints ORs hint bits into tuple headers (H1's exception).
func (h *Heap) setHints(buf *bufmgr.Buffer, hs []hint) {
	buf.Lock()
	page := buf.Page()
	for _, ht := range hs {
		if ht.off > page.MaxOffset() {
			continue
		}
		item := page.Item(ht.off)
		if len(item) < HeaderSize {
			continue
		}
		im := binary.LittleEndian.Uint16(item[22:])
		binary.LittleEndian.PutUint16(item[22:], im|ht.bits)
	}
	// A failure to log the hint's page image only loses the hints: the
	// page stays clean and the bits are recomputed next time.
	_ = buf.MarkDirtyHint()
	buf.Unlock()
}

// Scan is a sequential scan of one heap relation under a snapshot
// (mirrors heapgettup_pagemode).
type Scan struct {
	h      *Heap
	node   base.RelFileNode
	snap   *mvcc.Snapshot
	nblk   base.BlockNumber
	blk    base.BlockNumber
	batch  []Tuple
	pos    int
	err    error
	Pages  int // pages read
	Tuples int // tuples returned
	// Usage, when set, counts the scan's buffer accesses (EXPLAIN
	// BUFFERS).
	Usage *bufmgr.Usage
	// ReusePayloads lets the scan copy every page's payloads into one
	// buffer of its own: a tuple Next returns then stays valid only
	// until a Next reads the following page (the caller copies what it
	// keeps). Off, tuples stay valid until the scan is dropped.
	ReusePayloads bool
	slab          []byte
}

// NewScan starts a sequential scan (H6).
func (h *Heap) NewScan(node base.RelFileNode, snap *mvcc.Snapshot) (*Scan, error) {
	nb, err := h.pool.Smgr().NBlocks(node, base.MainFork)
	if err != nil {
		return nil, err
	}
	return &Scan{h: h, node: node, snap: snap, nblk: nb}, nil
}

// Next returns the next visible tuple, or nil at the end or on error (see Err).
// The returned tuple stays valid until the scan is dropped.
func (s *Scan) Next() *Tuple {
	for s.pos >= len(s.batch) {
		if s.err != nil || s.blk >= s.nblk {
			return nil
		}
		var slab *[]byte
		if s.ReusePayloads {
			slab = &s.slab
		}
		s.batch, s.err = s.h.readPageInto(s.node, s.snap, s.blk, s.batch[:0], s.Usage, slab)
		s.pos = 0
		s.blk++
		s.Pages++
		if s.err != nil {
			return nil
		}
	}
	t := &s.batch[s.pos]
	s.pos++
	s.Tuples++
	return t
}

// Err returns the error that ended the scan, if any.
func (s *Scan) Err() error { return s.err }

// readPage appends the visible tuples of one page to out.
func (h *Heap) readPage(node base.RelFileNode, snap *mvcc.Snapshot, blk base.BlockNumber, out []Tuple) ([]Tuple, error) {
	return h.readPageUsage(node, snap, blk, out, nil)
}

// readPageUsage is readPage counting the buffer access into u.
func (h *Heap) readPageUsage(node base.RelFileNode, snap *mvcc.Snapshot, blk base.BlockNumber, out []Tuple, u *bufmgr.Usage) ([]Tuple, error) {
	return h.readPageInto(node, snap, blk, out, u, nil)
}

// readPageInto is readPageUsage copying the payloads into *reuse's array
// when reuse is set (overwriting the previous page's), else into a new one.
func (h *Heap) readPageInto(node base.RelFileNode, snap *mvcc.Snapshot, blk base.BlockNumber, out []Tuple, u *bufmgr.Usage, reuse *[]byte) ([]Tuple, error) {
	buf, err := h.pool.ReadBufferUsage(base.BufferTag{Node: node, Fork: base.MainFork, Block: blk}, u)
	if err != nil {
		return out, err
	}
	defer h.pool.Release(buf)
	buf.RLock()
	page := buf.Page()
	var (
		hints []hint
		slab  []byte // the page's visible payloads, copied into one buffer
	)
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
				return out, err
			}
			vis, hb, err := h.mgr.CheckMVCC(&hdr, snap)
			if err != nil {
				buf.RUnlock()
				return out, err
			}
			if hb != 0 {
				hints = append(hints, hint{off, hb})
			}
			if vis {
				if slab == nil {
					// Every item lies between pd_upper and the page's end: one
					// allocation per page instead of one per tuple. Never
					// reused (unless the scan asked, reuse), so a returned
					// payload stays valid.
					need := max(len(page)-page.Upper(), len(item))
					if reuse != nil && cap(*reuse) >= need {
						slab = (*reuse)[:0]
					} else {
						slab = make([]byte, 0, need)
						if reuse != nil {
							*reuse = slab
						}
					}
				}
				start := len(slab)
				slab = append(slab, item[HeaderSize:]...)
				out = append(out, Tuple{Header: hdr, Payload: slab[start:len(slab):len(slab)]})
			}
		}
	}
	buf.RUnlock()
	if len(hints) > 0 {
		h.setHints(buf, hints)
	}
	return out, nil
}

// Deform decodes a tuple's payload into natts attribute values.
func (t *Tuple) Deform(natts int) ([][]byte, error) { return tuple.Deform(t.Payload, natts) }

// FetchLatest returns the tuple at tid whatever its visibility: the caller
// follows an update chain after a concurrent update (EvalPlanQual's
// heap_fetch with SnapshotAny). It is nil if the item is gone.
func (h *Heap) FetchLatest(node base.RelFileNode, tid base.ItemPointer) (*Tuple, error) {
	buf, err := h.pool.ReadBuffer(base.BufferTag{Node: node, Fork: base.MainFork, Block: tid.Block})
	if err != nil {
		return nil, err
	}
	defer h.pool.Release(buf)
	buf.RLock()
	defer buf.RUnlock()
	item, err := itemAt(buf.Page(), tid)
	if err != nil {
		return nil, err
	}
	hdr, err := decodeHeader(item, tid)
	if err != nil {
		return nil, err
	}
	return &Tuple{Header: hdr, Payload: append([]byte(nil), item[HeaderSize:]...)}, nil
}

// State is the liveness of a tuple for uniqueness checks (PostgreSQL's
// SnapshotDirty, as _bt_check_unique uses it).
type State uint8

// Tuple states.
const (
	// StateDead: the inserter aborted, or a committed transaction (or the
	// asking one) deleted it: it can never conflict.
	StateDead State = iota
	// StateLive: inserted by a committed transaction or the asking one,
	// and not deleted.
	StateLive
	// StateInProgress: another running transaction inserted or is
	// deleting it; XID tells which.
	StateInProgress
)

// DirtyState reports the state of the tuple at tid for transaction x.
func (h *Heap) DirtyState(node base.RelFileNode, tid base.ItemPointer, x *mvcc.Xact) (State, base.XID, error) {
	t, err := h.FetchLatest(node, tid)
	if err != nil {
		return StateDead, 0, err
	}
	return h.dirtyState(&t.Header, x)
}

func (h *Heap) dirtyState(hdr *mvcc.TupleHeader, x *mvcc.Xact) (State, base.XID, error) {
	own := func(xid base.XID) bool { return x != nil && xid.IsValid() && xid == x.XID() }
	committed := func(xid base.XID, bits uint16) (bool, bool, error) { // committed, running
		if hdr.Infomask&bits != 0 {
			return true, false, nil
		}
		if h.mgr.IsRunning(xid) {
			return false, true, nil
		}
		st, err := h.mgr.Status(xid)
		if err != nil {
			return false, false, err
		}
		return st == clog.StatusCommitted, false, nil
	}
	if hdr.Infomask&mvcc.HeapXminFrozen != mvcc.HeapXminFrozen && !own(hdr.Xmin) {
		if hdr.Infomask&mvcc.HeapXminInvalid != 0 && hdr.Infomask&mvcc.HeapXminCommitted == 0 {
			return StateDead, 0, nil
		}
		c, running, err := committed(hdr.Xmin, mvcc.HeapXminCommitted)
		if err != nil {
			return StateDead, 0, err
		}
		if running {
			return StateInProgress, hdr.Xmin, nil
		}
		if !c {
			return StateDead, 0, nil
		}
	}
	if !hdr.Xmax.IsValid() || hdr.Infomask&mvcc.HeapXmaxInvalid != 0 || mvcc.XmaxIsLockedOnly(hdr.Infomask) {
		return StateLive, 0, nil
	}
	if own(hdr.Xmax) {
		return StateDead, 0, nil
	}
	c, running, err := committed(hdr.Xmax, mvcc.HeapXmaxCommitted)
	if err != nil {
		return StateDead, 0, err
	}
	if running {
		return StateInProgress, hdr.Xmax, nil
	}
	if c {
		return StateDead, 0, nil
	}
	return StateLive, 0, nil
}

// ScanAll calls fn with every tuple of a relation that is not dead for x
// (live or in progress), whatever the snapshot: what CREATE INDEX must
// index (IndexBuildHeapScan).
func (h *Heap) ScanAll(node base.RelFileNode, x *mvcc.Xact, fn func(t *Tuple, st State) error) error {
	nb, err := h.pool.Smgr().NBlocks(node, base.MainFork)
	if err != nil {
		return err
	}
	for blk := base.BlockNumber(0); blk < nb; blk++ {
		var batch []Tuple
		buf, err := h.pool.ReadBuffer(base.BufferTag{Node: node, Fork: base.MainFork, Block: blk})
		if err != nil {
			return err
		}
		buf.RLock()
		page := buf.Page()
		if !page.IsNew() {
			for off := base.OffsetNumber(1); off <= page.MaxOffset(); off++ {
				if _, _, flags := page.ItemID(off); flags != bufmgr.LPNormal {
					continue
				}
				tid := base.ItemPointer{Block: blk, Offset: off}
				item := page.Item(off)
				hdr, err := decodeHeader(item, tid)
				if err != nil {
					buf.RUnlock()
					h.pool.Release(buf)
					return err
				}
				batch = append(batch, Tuple{Header: hdr, Payload: append([]byte(nil), item[HeaderSize:]...)})
			}
		}
		buf.RUnlock()
		h.pool.Release(buf)
		for k := range batch {
			st, _, err := h.dirtyState(&batch[k].Header, x)
			if err != nil {
				return err
			}
			if st == StateDead {
				continue
			}
			if err := fn(&batch[k], st); err != nil {
				return err
			}
		}
	}
	return nil
}
