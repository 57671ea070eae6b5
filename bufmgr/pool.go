package bufmgr

import (
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/wal"
)

// Log is what the buffer pool needs from the write-ahead log; *wal.Log
// satisfies it. Tests use a fake.
type Log interface {
	// Insert appends rec and returns its end LSN (used for hint-bit
	// full-page images and for LogCreate/LogTruncate).
	Insert(rec *wal.Record) (wal.LSN, error)
	// Flush makes the log durable through upTo (B3).
	Flush(upTo wal.LSN) error
	// RedoPointer is the redo pointer of the last checkpoint (B8).
	RedoPointer() wal.LSN
}

// PoolOptions configure a Pool.
type PoolOptions struct {
	// NBuffers is the number of 8 KB buffers (shared_buffers / BlockSize);
	// zero means DefaultNBuffers.
	NBuffers int
	// Smgr stores the pages; required.
	Smgr *Smgr
	// WAL is the log the WAL rule flushes; nil means no WAL (unit tests,
	// or a pool used without durability): pages are written without
	// flushing anything and MarkDirtyHint logs nothing.
	WAL Log
}

const (
	// DefaultNBuffers is the pool size when PoolOptions.NBuffers is zero
	// (8 MB).
	DefaultNBuffers = 1024
	// MaxUsageCount caps a buffer's usage count (BM_MAX_USAGE_COUNT).
	MaxUsageCount = 5
	// numPartitions is the number of buffer-table partitions
	// (NUM_BUFFER_PARTITIONS); a power of two.
	numPartitions = 16
)

// Buffer state flags, as in buf_internals.h.
const (
	bmDirty        uint16 = 1 << iota // data needs writing
	bmValid                           // data is valid
	bmTagValid                        // tag is assigned
	bmIOInProgress                    // read or write in progress
	bmIOError                         // previous I/O failed
	bmJustDirtied                     // dirtied since the write started
)

// Buffer is one slot of the pool: a page and its descriptor (BufferDesc).
// A *Buffer handed out by ReadBuffer, NewPage or ReadForRedo is pinned;
// the caller returns it with Pool.Release. Its page may be read only under
// RLock or Lock and changed only under Lock (B2).
type Buffer struct {
	id   int32
	pool *Pool
	page Page

	content sync.RWMutex // the content lock (B2)

	hdr  sync.Mutex // the buffer header lock; guards the fields below
	cond sync.Cond  // on hdr: I/O finished, or pin count dropped
	tag  base.BufferTag
	// flags is a set of bm* bits.
	flags      uint16
	refcount   int32
	usage      uint8
	pinWaiters int32
	// stats are the counters of tag's relation, set with tag: a hit
	// counts there without looking the relation up (stable while pinned).
	stats      *relStats
	onFreeList bool // guarded by Pool.freeMu, not hdr
}

// Page returns the buffer's page. Hold the content lock to use it (B2).
func (b *Buffer) Page() Page { return b.page }

// Tag returns the page the buffer holds; stable while the buffer is pinned.
func (b *Buffer) Tag() base.BufferTag { return b.tag }

// ID returns the buffer's index in the pool (for diagnostics).
func (b *Buffer) ID() int { return int(b.id) }

// Lock takes the content lock exclusively, to modify the page (B2).
func (b *Buffer) Lock() { b.content.Lock() }

// TryLock takes the content lock exclusively if it is free
// (ConditionalLockBuffer).
func (b *Buffer) TryLock() bool { return b.content.TryLock() }

// Unlock releases an exclusive content lock.
func (b *Buffer) Unlock() { b.content.Unlock() }

// RLock takes the content lock shared, to read the page (B2).
func (b *Buffer) RLock() { b.content.RLock() }

// RUnlock releases a shared content lock.
func (b *Buffer) RUnlock() { b.content.RUnlock() }

// LSN returns the page LSN, read under the buffer header lock so that it is
// safe with only a shared content lock while MarkDirtyHint may set it;
// mirrors BufferGetLSNAtomic.
func (b *Buffer) LSN() base.LSN {
	b.hdr.Lock()
	defer b.hdr.Unlock()
	return b.page.LSN()
}

// MarkDirty records that the page was changed; the caller holds the
// exclusive content lock and has set the page LSN of its WAL record (B3).
// Mirrors MarkBufferDirty.
func (b *Buffer) MarkDirty() {
	b.hdr.Lock()
	b.flags |= bmDirty | bmJustDirtied
	b.hdr.Unlock()
}

// MarkDirtyHint records a change that is not WAL-logged, such as a hint
// bit, made under at least a shared content lock; mirrors
// MarkBufferDirtyHint with checksums on. Because the page carries a
// checksum, a torn write of it would be unrecoverable: so when the page
// was last WAL-logged at or before the redo pointer, a full-page image is
// logged first and the page LSN advanced to it (B8). If that insert fails
// the page is left clean (the hint is simply not saved) and the error is
// returned.
func (b *Buffer) MarkDirtyHint() error {
	p := b.pool
	b.hdr.Lock()
	if b.flags&(bmDirty|bmJustDirtied) == bmDirty|bmJustDirtied {
		// Already dirty since the last write started: it will be
		// written with a WAL-logged change anyway.
		b.hdr.Unlock()
		return nil
	}
	var lsn base.LSN
	if p.wal != nil {
		pageLSN := b.page.LSN()
		if pageLSN <= p.wal.RedoPointer() {
			// mirrors XLogSaveBufferForHint: image copied under the header lock
			img := make([]byte, base.BlockSize)
			copy(img, b.page)
			tag := b.tag
			b.hdr.Unlock()
			end, err := p.wal.Insert(&wal.Record{
				Rmgr: wal.RmgrXLOG,
				Info: wal.InfoFPI,
				Blocks: []wal.BlockRef{{
					Tag: tag, PageLSN: pageLSN, Page: img, ForceImage: true,
				}},
			})
			if err != nil {
				return err
			}
			lsn = end
			b.hdr.Lock()
		}
	}
	b.flags |= bmDirty | bmJustDirtied
	if lsn > b.page.LSN() {
		b.page.SetLSN(lsn) // under the header lock, as PostgreSQL does
	}
	b.hdr.Unlock()
	return nil
}

// Stats are buffer-access counters (pg_statio's blks_hit / blks_read, plus
// pages written).
type Stats struct {
	Hits   int64 // ReadBuffer found the page in the pool
	Reads  int64 // ReadBuffer read the page from its file
	Writes int64 // pages written to their file
}

type relStats struct {
	hits, reads, writes atomic.Int64
}

func (s *relStats) snapshot() Stats {
	return Stats{Hits: s.hits.Load(), Reads: s.reads.Load(), Writes: s.writes.Load()}
}

type partition struct {
	mu sync.RWMutex
	m  bufTable
}

// Pool is the shared buffer pool: a fixed set of buffers, a buffer table
// from BufferTag to buffer, and clock-sweep replacement (bufmgr.c,
// freelist.c, buf_table.c). It is safe for concurrent use.
type Pool struct {
	smgr *Smgr
	wal  Log
	bufs []Buffer

	parts      [numPartitions]partition
	nextVictim atomic.Uint64 // clock hand (nextVictimBuffer)

	freeMu sync.Mutex
	free   []int32 // buffers known unused, popped from the end

	chunkMu sync.Mutex
	chunks  [][]byte // the pages' memory, chunkBuffers at a time (allocPage)

	statsMu sync.RWMutex
	stats   map[base.RelFileNode]*relStats
	total   relStats
	allocs  atomic.Int64 // buffers given a new page (pg_stat_bgwriter.buffers_alloc)

	writeBufs sync.Pool // *[BlockSize]byte copies of pages being written
}

// NewPool makes a pool of opts.NBuffers buffers, all on the free list.
func NewPool(opts PoolOptions) *Pool {
	if opts.Smgr == nil {
		panic("bufmgr: NewPool needs a Smgr")
	}
	n := opts.NBuffers
	if n <= 0 {
		n = DefaultNBuffers
	}
	log := opts.WAL
	if log != nil {
		// A nil *wal.Log in the interface means no WAL too.
		if v := reflect.ValueOf(log); v.Kind() == reflect.Pointer && v.IsNil() {
			log = nil
		}
	}
	p := &Pool{
		smgr:  opts.Smgr,
		wal:   log,
		bufs:  make([]Buffer, n),
		free:  make([]int32, n),
		stats: make(map[base.RelFileNode]*relStats),
	}
	p.writeBufs.New = func() any { return new([base.BlockSize]byte) }
	p.chunks = make([][]byte, (n+chunkBuffers-1)/chunkBuffers)
	for i := range p.bufs {
		b := &p.bufs[i]
		b.id = int32(i)
		b.pool = p
		b.cond.L = &b.hdr
		b.onFreeList = true
		p.free[n-1-i] = int32(i) // buffer 0 is handed out first
	}
	for i := range p.parts {
		p.parts[i].m = newBufTable(2*n/numPartitions + 8)
	}
	return p
}

// NBuffers returns the number of buffers.
func (p *Pool) NBuffers() int { return len(p.bufs) }

// Smgr returns the pool's storage manager.
func (p *Pool) Smgr() *Smgr { return p.smgr }

func partOf(tag base.BufferTag) int {
	return int(tagHash(tag) >> 60) // numPartitions == 16
}

func (p *Pool) relStats(node base.RelFileNode) *relStats {
	p.statsMu.RLock()
	s := p.stats[node]
	p.statsMu.RUnlock()
	if s != nil {
		return s
	}
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	if s = p.stats[node]; s == nil {
		s = new(relStats)
		p.stats[node] = s
	}
	return s
}

// Stats returns the counters of one relation (all forks).
func (p *Pool) Stats(node base.RelFileNode) Stats {
	p.statsMu.RLock()
	s := p.stats[node]
	p.statsMu.RUnlock()
	if s == nil {
		return Stats{}
	}
	return s.snapshot()
}

// TotalStats returns the counters summed over all relations.
func (p *Pool) TotalStats() Stats { return p.total.snapshot() }

// pin adds a pin and bumps the usage count (PinBuffer); B4 relies on the
// pin being taken under the header lock.
func pin(b *Buffer) {
	b.hdr.Lock()
	b.pinLocked()
	b.hdr.Unlock()
}

// pinLocked adds a pin and bumps the usage count; the caller holds hdr.
func (b *Buffer) pinLocked() {
	b.refcount++
	if b.usage < MaxUsageCount { // B5
		b.usage++
	}
}

// pinValid is pin that also reports whether the page is valid (the hit
// path of BufferAlloc: one header lock instead of two).
func pinValid(b *Buffer) bool {
	b.hdr.Lock()
	b.pinLocked()
	valid := b.flags&bmValid != 0
	b.hdr.Unlock()
	return valid
}

// unpin drops a pin (UnpinBuffer) and wakes anyone waiting for the pin
// count to drop (DropRelation, LockForCleanup).
func unpin(b *Buffer) {
	b.hdr.Lock()
	b.refcount--
	if b.refcount < 0 {
		b.hdr.Unlock()
		panic(fmt.Sprintf("bufmgr: buffer %d released more often than pinned", b.id))
	}
	if b.pinWaiters > 0 && b.refcount <= 1 {
		b.cond.Broadcast()
	}
	b.hdr.Unlock()
}

// Release unpins a buffer (ReleaseBuffer). The caller must have released
// its content lock first.
func (p *Pool) Release(b *Buffer) { unpin(b) }

// startInputIO decides who reads a pinned buffer's page (StartBufferIO for
// input): false if the page is valid (perhaps after waiting for another
// reader), true if the caller must read it now.
func startInputIO(b *Buffer) bool {
	b.hdr.Lock()
	defer b.hdr.Unlock()
	for {
		if b.flags&bmValid != 0 {
			return false
		}
		if b.flags&bmIOInProgress == 0 {
			b.flags |= bmIOInProgress
			return true
		}
		b.cond.Wait()
	}
}

// terminateIO ends an input I/O (TerminateBufferIO): the page is valid if
// ok, and waiters are woken either way.
func terminateIO(b *Buffer, ok bool) {
	b.hdr.Lock()
	b.flags &^= bmIOInProgress
	if ok {
		b.flags = b.flags&^bmIOError | bmValid
	} else {
		b.flags |= bmIOError
	}
	b.cond.Broadcast()
	b.hdr.Unlock()
}

// lockParts takes one or two partition locks in index order (B12).
func (p *Pool) lockParts(a, b int) {
	if b >= 0 && b != a {
		if b < a {
			a, b = b, a
		}
		p.parts[a].mu.Lock()
		p.parts[b].mu.Lock()
		return
	}
	p.parts[a].mu.Lock()
}

func (p *Pool) unlockParts(a, b int) {
	p.parts[a].mu.Unlock()
	if b >= 0 && b != a {
		p.parts[b].mu.Unlock()
	}
}

// bufferAlloc returns a pinned buffer for tag (B1) and whether the caller
// must fill it (its I/O is then in progress); mirrors BufferAlloc.
func (p *Pool) bufferAlloc(tag base.BufferTag) (*Buffer, bool, error) {
	h := tagHash(tag)
	newPart := int(h >> 60)
	part := &p.parts[newPart]
	part.mu.RLock()
	if id, ok := part.m.get(tag, h); ok {
		b := &p.bufs[id]
		valid := pinValid(b) // under the partition lock, so the buffer cannot be retagged first
		part.mu.RUnlock()
		if valid {
			return b, false, nil
		}
		return b, startInputIO(b), nil
	}
	part.mu.RUnlock()
	st := p.relStats(tag.Node)

	for {
		v, err := p.getVictim() // pinned by us
		if err != nil {
			return nil, false, err
		}
		v.hdr.Lock()
		oldTag, oldFlags := v.tag, v.flags
		v.hdr.Unlock()
		if oldFlags&bmDirty != 0 {
			// A conditional lock: whoever holds it may be waiting for a
			// buffer we hold (the deadlock PostgreSQL avoids the same way).
			if !v.content.TryLock() {
				unpin(v)
				continue
			}
			if err := p.flushLocked(v); err != nil {
				unpin(v)
				return nil, false, err
			}
		}
		oldPart := -1
		if oldFlags&bmTagValid != 0 {
			oldPart = partOf(oldTag)
		}
		p.lockParts(newPart, oldPart)
		if id, ok := p.parts[newPart].m.get(tag, h); ok {
			// Someone else loaded the page meanwhile: use theirs.
			b := &p.bufs[id]
			pin(b)
			p.unlockParts(newPart, oldPart)
			unpin(v)
			return b, startInputIO(b), nil
		}
		v.hdr.Lock()
		if v.refcount != 1 || v.flags&bmDirty != 0 || v.tag != oldTag ||
			v.flags&bmTagValid != oldFlags&bmTagValid {
			// Pinned or dirtied by someone else since: find another (B4).
			v.hdr.Unlock()
			p.unlockParts(newPart, oldPart)
			unpin(v)
			continue
		}
		if oldPart >= 0 {
			p.parts[oldPart].m.del(oldTag)
		}
		p.parts[newPart].m.put(tag, v.id)
		v.tag = tag
		v.stats = st
		v.flags = bmTagValid | bmIOInProgress
		v.usage = 1
		if v.pinWaiters > 0 {
			v.cond.Broadcast() // a DropRelation waiting on the old tag
		}
		v.hdr.Unlock()
		p.unlockParts(newPart, oldPart)
		return v, true, nil
	}
}

// getVictim returns an unpinned buffer, now pinned by the caller; mirrors
// StrategyGetBuffer: the free list first, then the clock sweep, which
// decrements the usage count of each unpinned buffer it passes and takes
// the first unpinned one whose count is zero (B5). A pinned buffer is
// never taken (B4); when the hand passes NBuffers pinned buffers in a row
// the pool is exhausted.
func (p *Pool) getVictim() (*Buffer, error) {
	b, err := p.sweep()
	if err == nil && b.page == nil {
		p.allocPage(b)
	}
	return b, err
}

// chunkBuffers is how many buffers' pages are allocated together, when
// the first of them is first used: a pool costs its memory as it fills,
// not at Open (an in-memory database for a test uses a few pages of its
// 128 MB). 4 MB, so a chunk can be backed by huge pages.
const chunkBuffers = 512

// allocPage gives a buffer that never held a page its memory (B4 keeps it
// ours: we hold its only pin).
func (p *Pool) allocPage(b *Buffer) {
	p.chunkMu.Lock()
	defer p.chunkMu.Unlock()
	c := int(b.id) / chunkBuffers
	if p.chunks[c] == nil {
		n := min(chunkBuffers, len(p.bufs)-c*chunkBuffers)
		p.chunks[c] = newChunk(n * base.BlockSize)
	}
	off := (int(b.id) - c*chunkBuffers) * base.BlockSize
	b.page = Page(p.chunks[c][off : off+base.BlockSize : off+base.BlockSize])
}

// sweep finds a victim buffer: see getVictim.
func (p *Pool) sweep() (*Buffer, error) {
	for {
		p.freeMu.Lock()
		if len(p.free) == 0 {
			p.freeMu.Unlock()
			break
		}
		id := p.free[len(p.free)-1]
		p.free = p.free[:len(p.free)-1]
		b := &p.bufs[id]
		b.onFreeList = false
		p.freeMu.Unlock()
		b.hdr.Lock()
		if b.refcount == 0 && b.usage == 0 {
			b.refcount = 1
			b.hdr.Unlock()
			return b, nil
		}
		b.hdr.Unlock()
	}
	tries := len(p.bufs)
	for {
		b := &p.bufs[p.clockTick()]
		b.hdr.Lock()
		if b.refcount == 0 {
			if b.usage > 0 {
				b.usage--
				tries = len(p.bufs)
			} else {
				b.refcount = 1
				b.hdr.Unlock()
				return b, nil
			}
		} else if tries--; tries == 0 {
			b.hdr.Unlock()
			return nil, pgerr.New(pgerr.InsufficientResources, "no unpinned buffers available")
		}
		b.hdr.Unlock()
	}
}

// clockTick advances the clock hand (ClockSweepTick).
func (p *Pool) clockTick() int {
	return int((p.nextVictim.Add(1) - 1) % uint64(len(p.bufs)))
}

func (p *Pool) pushFree(b *Buffer) {
	p.freeMu.Lock()
	if !b.onFreeList {
		b.onFreeList = true
		p.free = append(p.free, b.id)
	}
	p.freeMu.Unlock()
}

type readMode int

const (
	readNormal readMode = iota // read the page from its file (RBM_NORMAL)
	readZero                   // zero-fill instead of reading (RBM_ZERO_AND_LOCK, without the lock)
	readExtend                 // a block just added by Extend: zero-fill; a valid page must be new
)

// ReadBuffer returns the buffer holding tag's page, pinned (B1), reading
// it from its file if it is not in the pool; mirrors ReadBuffer. The page
// read is verified (checksum and header): a bad page is DataCorrupted
// "invalid page in block N of relation R", and is not entered as valid.
func (p *Pool) ReadBuffer(tag base.BufferTag) (*Buffer, error) {
	return p.readBuffer(tag, readNormal)
}

// NewPage extends a relation fork by one zeroed block and returns its
// buffer, pinned; the caller initializes it (InitPage) under Lock and
// WAL-logs it. Concurrent calls get distinct blocks.
func (p *Pool) NewPage(node base.RelFileNode, fork base.ForkNumber) (*Buffer, error) {
	blk, err := p.smgr.Extend(node, fork)
	if err != nil {
		return nil, err
	}
	return p.readBuffer(base.BufferTag{Node: node, Fork: fork, Block: blk}, readExtend)
}

func (p *Pool) readBuffer(tag base.BufferTag, mode readMode) (*Buffer, error) {
	return p.readBufferUsage(tag, mode, nil)
}

// Usage counts the buffer accesses of one statement (or plan node) for
// EXPLAIN (ANALYZE, BUFFERS), like PostgreSQL's BufferUsage: pages found
// in the pool (Hit) and read from their file (Read). One goroutine owns a
// Usage: it is not synchronized.
//
// Consecutive accesses to the same page count once, as a PostgreSQL scan
// keeps its current page pinned (ReleaseAndReadBuffer) and touches the
// buffer again only when it moves to another page.
type Usage struct {
	Hit, Read, Dirtied, Written int64

	last    base.BufferTag
	hasLast bool
}

// ReadRecentBuffer pins buffer id if it still holds tag's page, valid
// (PostgreSQL's ReadRecentBuffer): a caller that remembers where a hot
// page was (a B-tree's root and inner pages) skips the buffer table.
// Under the header lock with our pin taken the buffer cannot be retagged
// (B4); false means the hint is stale and the caller reads as usual. It
// counts a hit like ReadBufferUsage.
func (p *Pool) ReadRecentBuffer(tag base.BufferTag, id int32, u *Usage) (*Buffer, bool) {
	if id < 0 || int(id) >= len(p.bufs) {
		return nil, false
	}
	b := &p.bufs[id]
	b.hdr.Lock()
	if b.flags&(bmTagValid|bmValid) != bmTagValid|bmValid || b.tag != tag {
		b.hdr.Unlock()
		return nil, false
	}
	b.pinLocked()
	b.hdr.Unlock()
	p.countHit(b, u.access(tag))
	return b, true
}

// access applies u's same-page rule to an access of tag: u, or nil when
// tag is the page u counted last (not a new access).
func (u *Usage) access(tag base.BufferTag) *Usage {
	if u == nil || u.hasLast && u.last == tag {
		return nil
	}
	u.last, u.hasLast = tag, true
	return u
}

// countHit counts a buffer hit on b's page: its relation's, the pool's
// and u's (nil: not counted there).
func (p *Pool) countHit(b *Buffer, u *Usage) {
	b.stats.hits.Add(1)
	p.total.hits.Add(1)
	if u != nil {
		u.Hit++
	}
}

// ReadBufferUsage is ReadBuffer counting the access into u (nil: not
// counted).
func (p *Pool) ReadBufferUsage(tag base.BufferTag, u *Usage) (*Buffer, error) {
	return p.readBufferUsage(tag, readNormal, u)
}

func (p *Pool) readBufferUsage(tag base.BufferTag, mode readMode, u *Usage) (*Buffer, error) {
	u = u.access(tag)
	b, needIO, err := p.bufferAlloc(tag)
	if err != nil {
		return nil, err
	}
	if !needIO {
		if mode == readExtend {
			b.content.RLock()
			isNew := b.page.IsNew()
			b.content.RUnlock()
			if !isNew {
				unpin(b)
				return nil, pgerr.New(pgerr.InternalError, "unexpected data beyond EOF in block %d of relation %s",
					tag.Block, p.smgr.Path(tag.Node, tag.Fork))
			}
		}
		p.countHit(b, u)
		return b, nil
	}
	p.allocs.Add(1)
	// We own the I/O: nobody else touches the page until terminateIO.
	if mode == readNormal {
		err = p.smgr.Read(tag, b.page)
		if err == nil {
			if verr := VerifyPage(b.page, tag.Block); verr != nil {
				err = pgerr.Wrap(pgerr.DataCorrupted, verr, "invalid page in block %d of relation %s",
					tag.Block, p.smgr.Path(tag.Node, tag.Fork))
			}
		}
		if err != nil {
			clear(b.page)
			terminateIO(b, false)
			unpin(b)
			return nil, err
		}
		b.stats.reads.Add(1)
		p.total.reads.Add(1)
		if u != nil {
			u.Read++
		}
	} else {
		clear(b.page)
	}
	terminateIO(b, true)
	return b, nil
}

// flushLocked writes b's page if it is dirty; mirrors FlushBuffer. The
// caller has b pinned and exclusively content-locked; flushLocked releases
// the content lock as soon as it has copied the page, so the write itself
// runs unlocked (a change made meanwhile sets bmJustDirtied and keeps the
// buffer dirty, B13).
func (p *Pool) flushLocked(b *Buffer) error {
	b.hdr.Lock()
	for b.flags&bmIOInProgress != 0 {
		b.cond.Wait()
	}
	if b.flags&(bmDirty|bmValid) != bmDirty|bmValid {
		b.hdr.Unlock()
		b.content.Unlock()
		return nil
	}
	b.flags |= bmIOInProgress // B13
	b.flags &^= bmJustDirtied
	tag := b.tag
	b.hdr.Unlock()

	buf := p.writeBufs.Get().(*[base.BlockSize]byte)
	copy(buf[:], b.page)
	b.content.Unlock()
	err := p.writePage(tag, Page(buf[:]))
	p.writeBufs.Put(buf)

	b.hdr.Lock()
	b.flags &^= bmIOInProgress
	if err == nil && b.flags&bmJustDirtied == 0 {
		b.flags &^= bmDirty
	}
	b.cond.Broadcast()
	b.hdr.Unlock()
	return err
}

// writePage writes a private copy of a page: WAL first (B3), then the
// checksum (B7), then the file.
func (p *Pool) writePage(tag base.BufferTag, page Page) error {
	if p.wal != nil {
		if lsn := page.LSN(); lsn != base.InvalidLSN {
			if err := p.wal.Flush(lsn); err != nil { // B3, mirrors XLogFlush in FlushBuffer
				return err
			}
		}
	}
	setChecksum(page, tag.Block) // B7
	if err := p.smgr.Write(tag, page); err != nil {
		return err
	}
	p.relStats(tag.Node).writes.Add(1)
	p.total.writes.Add(1)
	return nil
}

// flushMatching writes every valid dirty buffer whose tag matches.
func (p *Pool) flushMatching(match func(base.BufferTag) bool) error {
	for i := range p.bufs {
		b := &p.bufs[i]
		b.hdr.Lock()
		if b.flags&(bmDirty|bmValid) != bmDirty|bmValid || (match != nil && !match(b.tag)) {
			b.hdr.Unlock()
			continue
		}
		b.refcount++ // PinBuffer_Locked: no usage-count bump
		b.hdr.Unlock()
		b.content.Lock()
		err := p.flushLocked(b)
		unpin(b)
		if err != nil {
			return err
		}
	}
	return nil
}

// FlushAll writes every dirty buffer, honoring the WAL rule (B3), then
// fsyncs every file written since the last sync (B9); the buffer part of a
// checkpoint (BufferSync + ProcessSyncRequests). The caller must hold no
// content lock.
func (p *Pool) FlushAll() error {
	if err := p.flushMatching(nil); err != nil {
		return err
	}
	return p.smgr.SyncAll()
}

// FlushDirty writes every dirty buffer, honoring the WAL rule (B3),
// without the fsync: FlushAll is FlushDirty then Smgr().SyncAll() (a
// checkpoint times the two apart).
func (p *Pool) FlushDirty() error { return p.flushMatching(nil) }

// Allocs returns how many times a buffer was given a page that was not in
// the pool (read, zero-filled or extended): buffers_alloc.
func (p *Pool) Allocs() int64 { return p.allocs.Load() }

// FlushRelation writes the dirty buffers of one relation and fsyncs its
// files (FlushRelationBuffers + smgrimmedsync).
func (p *Pool) FlushRelation(node base.RelFileNode) error {
	if err := p.flushMatching(func(t base.BufferTag) bool { return t.Node == node }); err != nil {
		return err
	}
	for fork := range base.ForkNumber(len(forkSuffix)) {
		if err := p.smgr.Sync(node, fork); err != nil {
			return err
		}
	}
	return nil
}

// invalidate removes b from the pool without writing it if its tag
// matches, waiting for other pins to go first; mirrors InvalidateBuffer.
func (p *Pool) invalidate(b *Buffer, match func(base.BufferTag) bool) {
	for {
		b.hdr.Lock()
		if b.flags&bmTagValid == 0 || !match(b.tag) {
			b.hdr.Unlock()
			return
		}
		tag := b.tag
		if b.refcount != 0 || b.flags&bmIOInProgress != 0 {
			b.pinWaiters++
			b.cond.Wait()
			b.pinWaiters--
			b.hdr.Unlock()
			continue
		}
		b.hdr.Unlock()
		part := &p.parts[partOf(tag)]
		part.mu.Lock()
		b.hdr.Lock()
		if b.tag != tag || b.flags&bmTagValid == 0 || b.refcount != 0 || b.flags&bmIOInProgress != 0 {
			b.hdr.Unlock()
			part.mu.Unlock()
			continue
		}
		part.m.del(tag)
		b.tag = base.BufferTag{}
		b.flags = 0
		b.usage = 0
		b.hdr.Unlock()
		part.mu.Unlock()
		p.pushFree(b)
		return
	}
}

// DropRelation discards every buffer of a relation (all forks) without
// writing them, even dirty ones; mirrors DropRelFileNodesAllBuffers. Use
// it when the relation's files are about to be removed (then call
// Smgr().Unlink). It waits for other goroutines' pins on those buffers;
// the caller must hold none itself.
func (p *Pool) DropRelation(node base.RelFileNode) {
	match := func(t base.BufferTag) bool { return t.Node == node }
	for i := range p.bufs {
		p.invalidate(&p.bufs[i], match)
	}
	p.statsMu.Lock()
	delete(p.stats, node)
	p.statsMu.Unlock()
}

// dropBuffersFrom discards the buffers of blocks >= first of one fork
// (DropRelFileNodeBuffers), before a truncation.
func (p *Pool) dropBuffersFrom(node base.RelFileNode, fork base.ForkNumber, first base.BlockNumber) {
	match := func(t base.BufferTag) bool { return t.Node == node && t.Fork == fork && t.Block >= first }
	for i := range p.bufs {
		p.invalidate(&p.bufs[i], match)
	}
}

// LockForCleanup takes the exclusive content lock of a pinned buffer once
// the caller's pin is the only one (LockBufferForCleanup), as pruning and
// vacuum need to move tuples.
func (p *Pool) LockForCleanup(b *Buffer) {
	for {
		b.content.Lock()
		b.hdr.Lock()
		if b.refcount == 1 {
			b.hdr.Unlock()
			return
		}
		b.content.Unlock()
		b.pinWaiters++
		for b.refcount > 1 {
			b.cond.Wait()
		}
		b.pinWaiters--
		b.hdr.Unlock()
	}
}

// TryLockForCleanup is LockForCleanup without waiting
// (ConditionalLockBufferForCleanup).
func (p *Pool) TryLockForCleanup(b *Buffer) bool {
	if !b.content.TryLock() {
		return false
	}
	b.hdr.Lock()
	ok := b.refcount == 1
	b.hdr.Unlock()
	if !ok {
		b.content.Unlock()
	}
	return ok
}

// Check verifies the pool's bookkeeping: the buffer table and the buffer
// descriptors agree, and no pin count is negative. For tests; it takes
// every partition lock.
func (p *Pool) Check() error {
	for i := range p.parts {
		p.parts[i].mu.Lock()
		defer p.parts[i].mu.Unlock()
	}
	mapped := 0
	for i := range p.parts {
		err := p.parts[i].m.each(func(tag base.BufferTag, id int32) error {
			if partOf(tag) != i {
				return pgerr.New(pgerr.InternalError, "tag %v in partition %d, want %d", tag, i, partOf(tag))
			}
			if id < 0 || int(id) >= len(p.bufs) {
				return pgerr.New(pgerr.InternalError, "tag %v maps to buffer %d of %d", tag, id, len(p.bufs))
			}
			if got, ok := p.parts[i].m.get(tag, tagHash(tag)); !ok || got != id {
				return pgerr.New(pgerr.InternalError, "tag %v is not found at its place in partition %d", tag, i)
			}
			b := &p.bufs[id]
			b.hdr.Lock()
			ok := b.flags&bmTagValid != 0 && b.tag == tag
			b.hdr.Unlock()
			if !ok {
				return pgerr.New(pgerr.InternalError, "tag %v maps to buffer %d holding %v", tag, id, b.tag)
			}
			mapped++
			return nil
		})
		if err != nil {
			return err
		}
	}
	tagged := 0
	for i := range p.bufs {
		b := &p.bufs[i]
		b.hdr.Lock()
		rc, fl, u := b.refcount, b.flags, b.usage
		b.hdr.Unlock()
		if rc < 0 || u > MaxUsageCount {
			return pgerr.New(pgerr.InternalError, "buffer %d has refcount %d usage %d", i, rc, u)
		}
		if fl&bmTagValid != 0 {
			tagged++
		} else if fl&(bmValid|bmDirty) != 0 {
			return pgerr.New(pgerr.InternalError, "buffer %d without a tag has flags %#x", i, fl)
		}
	}
	if tagged != mapped {
		return pgerr.New(pgerr.InternalError, "%d tagged buffers but %d table entries", tagged, mapped)
	}
	return nil
}
