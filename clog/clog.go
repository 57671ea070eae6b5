package clog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sync"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

// Layout of the commit log, as PostgreSQL's clog.c and slru.c.
const (
	// PageSize is the size of one CLOG page.
	PageSize = base.BlockSize
	// BitsPerXact is the number of status bits per transaction.
	BitsPerXact = 2
	// XactsPerByte is the number of transactions one byte holds.
	XactsPerByte = 8 / BitsPerXact
	// XactsPerPage is the number of transactions one page holds (32768).
	XactsPerPage = PageSize * XactsPerByte
	// PagesPerSegment is the number of pages in one segment file
	// (SLRU_PAGES_PER_SEGMENT).
	PagesPerSegment = 32
	// XactsPerSegment is the number of transactions one segment file holds.
	XactsPerSegment = XactsPerPage * PagesPerSegment
	// MaxPage is the page of xid 2^32-1; pages run 0..MaxPage and then
	// wrap around to 0 (C6).
	MaxPage = uint32((1<<32)/XactsPerPage - 1)
	// XactsPerLSNGroup is the number of xids that share one group LSN for
	// the hint-bit test (CLOG_XACTS_PER_LSN_GROUP).
	XactsPerLSNGroup = 32
	// LSNGroupsPerPage is the number of group LSNs kept per cached page.
	LSNGroupsPerPage = XactsPerPage / XactsPerLSNGroup
	// DefaultBuffers is the default number of pages in the SLRU cache.
	DefaultBuffers = 32
	// MinBuffers is the smallest cache Open accepts.
	MinBuffers = 2
)

// Info values of RmgrCLOG records (PostgreSQL's CLOG_ZEROPAGE,
// CLOG_TRUNCATE).
const (
	InfoZeroPage uint8 = 0x00
	InfoTruncate uint8 = 0x10 // reserved for the vacuum issue; redo rejects it
)

// Status is the state of a transaction as recorded in the commit log
// (PostgreSQL's XidStatus).
type Status uint8

// Transaction statuses, with PostgreSQL's two-bit values.
const (
	StatusInProgress   Status = 0
	StatusCommitted    Status = 1
	StatusAborted      Status = 2
	StatusSubCommitted Status = 3
)

// String names the status.
func (s Status) String() string {
	switch s {
	case StatusInProgress:
		return "in progress"
	case StatusCommitted:
		return "committed"
	case StatusAborted:
		return "aborted"
	case StatusSubCommitted:
		return "sub-committed"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Log is the part of the write-ahead log the commit log uses; *wal.Log
// satisfies it.
type Log interface {
	Insert(rec *wal.Record) (wal.LSN, error)
	Flush(upTo wal.LSN) error
	FlushedLSN() wal.LSN
}

// *wal.Log is the production Log.
var _ Log = (*wal.Log)(nil)

// PageOf returns the page that holds x's status.
func PageOf(x base.XID) uint32 { return uint32(x) / XactsPerPage }

// SegmentOf returns the segment file that holds page p.
func SegmentOf(p uint32) uint32 { return p / PagesPerSegment }

// SegmentName returns the file name of segment seg, e.g. "0000" or "0FFF"
// (four or more upper-case hex digits, like pg_xact).
func SegmentName(seg uint32) string { return fmt.Sprintf("%04X", seg) }

// Options configure a CLOG.
type Options struct {
	FS  vfs.FS
	Dir string // the pg_xact directory; created if missing
	Log Log
	// Buffers is the number of pages cached; DefaultBuffers when zero,
	// at least MinBuffers.
	Buffers int
}

// Stats counts cache activity.
type Stats struct {
	Hits   uint64 // lookups that found the page cached
	Reads  uint64 // pages read from a segment file
	Writes uint64 // pages written to a segment file
	Syncs  uint64 // segment files fsynced by checkpoints
}

// slot is one page of the SLRU cache (PostgreSQL's SlruShared arrays).
type slot struct {
	idx    int // position in CLOG.slots
	valid  bool
	pageno uint32
	dirty  bool
	// lsn is the highest commit LSN whose status this page holds. The
	// page is written only once the WAL is flushed past it (C2).
	lsn base.LSN
	// groups holds, per group of XactsPerLSNGroup xids, the highest commit
	// LSN of the group (for GetLSN); lsn is their maximum.
	groups []base.LSN
	lru    uint64
	data   []byte
}

// CLOG is the commit log: two status bits per transaction in 8 KB pages,
// cached in a small LRU cache and stored in segment files (clog.c over
// slru.c). It is safe for concurrent use, except Close.
type CLOG struct {
	fs  vfs.FS
	dir string
	log Log

	ckptMu sync.Mutex // serializes Checkpoint

	mu         sync.Mutex // guards everything below; held during page I/O
	slots      []slot
	index      map[uint32]int // pageno -> slot
	clock      uint64         // LRU clock
	latestPage int64          // page of the newest xid, never evicted; -1 unknown
	files      map[uint32]vfs.File
	unsynced   map[uint32]bool // segments written since the last checkpoint
	dirDirty   bool            // a segment file was created since the last SyncDir
	failed     error           // set when an fsync failed (C5)
	closed     bool
	stats      Stats
}

// Open opens the commit log in dir (creating the directory if needed) with
// the default cache size. No page is read until needed.
func Open(fs vfs.FS, dir string, log Log) (*CLOG, error) {
	return OpenOptions(Options{FS: fs, Dir: dir, Log: log})
}

// OpenOptions is Open with options.
func OpenOptions(opts Options) (*CLOG, error) {
	if opts.FS == nil || opts.Log == nil {
		return nil, pgerr.New(pgerr.InternalError, "clog: Open needs a file system and a WAL")
	}
	n := opts.Buffers
	if n == 0 {
		n = DefaultBuffers
	}
	if n < MinBuffers {
		n = MinBuffers
	}
	if err := makeDir(opts.FS, opts.Dir); err != nil {
		return nil, err
	}
	c := &CLOG{
		fs:         opts.FS,
		dir:        opts.Dir,
		log:        opts.Log,
		slots:      make([]slot, n),
		index:      make(map[uint32]int, n),
		latestPage: -1,
		files:      map[uint32]vfs.File{},
		unsynced:   map[uint32]bool{},
	}
	buf := make([]byte, n*PageSize)
	for i := range c.slots {
		c.slots[i].idx = i
		c.slots[i].data = buf[i*PageSize : (i+1)*PageSize : (i+1)*PageSize]
		c.slots[i].groups = make([]base.LSN, LSNGroupsPerPage)
	}
	return c, nil
}

// makeDir creates dir and any missing parents, durably: the parent of each
// directory created is synced (vfs V3).
func makeDir(fs vfs.FS, dir string) error {
	var created []string
	for d := dir; ; d = path.Dir(d) {
		if _, err := fs.ReadDir(d); err == nil || !errors.Is(err, os.ErrNotExist) {
			break
		}
		created = append(created, d)
		if d == path.Dir(d) {
			break
		}
	}
	if len(created) == 0 {
		return nil
	}
	if err := fs.MkdirAll(dir, 0o700); err != nil {
		return pgerr.Wrap(pgerr.IoError, err, "could not create directory \"%s\": %v", dir, err)
	}
	for i := len(created) - 1; i >= 0; i-- {
		parent := path.Dir(created[i])
		if err := fs.SyncDir(parent); err != nil {
			return pgerr.Wrap(pgerr.IoError, err, "could not fsync directory \"%s\": %v", parent, err)
		}
	}
	return nil
}

// position returns the byte index and bit shift of x's status in its page.
func position(x base.XID) (int, uint) {
	i := uint32(x) % XactsPerPage
	return int(i / XactsPerByte), uint(i%XactsPerByte) * BitsPerXact
}

// group returns the index of x's LSN group in its page.
func group(x base.XID) int { return int(uint32(x) % XactsPerPage / XactsPerLSNGroup) }

// special answers for the xids that have no clog entry (C4); ok is false
// for normal xids. Mirrors the special cases of TransactionLogFetch.
func special(x base.XID) (Status, bool) {
	switch x {
	case base.InvalidXID:
		return StatusAborted, true
	case base.BootstrapXID, base.FrozenXID:
		return StatusCommitted, true
	}
	return 0, false
}

// Get returns the recorded status of x; mirrors TransactionIdGetStatus.
// A transaction that was in progress at a crash stays StatusInProgress
// forever: callers decide it aborted when it is not running (see mvcc).
func (c *CLOG) Get(x base.XID) (Status, error) {
	s, _, err := c.GetLSN(x)
	return s, err
}

// GetLSN returns the status of x and the group LSN of its group of
// XactsPerLSNGroup xids: the WAL must be flushed past that LSN before a
// hint bit derived from a commit may be set (PostgreSQL's
// TransactionIdGetCommitLSN). The LSN is zero for special xids and for
// groups whose statuses are all durable (read back from disk).
func (c *CLOG) GetLSN(x base.XID) (Status, base.LSN, error) {
	if s, ok := special(x); ok {
		return s, 0, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, 0, errClosed()
	}
	sl, err := c.readPage(PageOf(x), x, false)
	if err != nil {
		return 0, 0, err
	}
	bi, shift := position(x)
	return Status(sl.data[bi]>>shift) & 3, sl.groups[group(x)], nil
}

// Set records status s for x; mirrors TransactionIdSetStatusBit. commitLSN
// is the end of the commit record of an asynchronous commit (or zero when
// the record is already flushed, or during redo): the page's group LSN
// becomes at least commitLSN (C2). A final status never changes to a
// different one (C3); setting the same status again (redo) is allowed.
func (c *CLOG) Set(x base.XID, s Status, commitLSN base.LSN) error {
	if !x.IsNormal() {
		return pgerr.New(pgerr.InternalError, "cannot set status of special transaction %d", x)
	}
	if s > StatusSubCommitted {
		return pgerr.New(pgerr.InternalError, "invalid transaction status %d for transaction %d", s, x)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.usable(); err != nil {
		return err
	}
	sl, err := c.readPage(PageOf(x), x, false)
	if err != nil {
		return err
	}
	bi, shift := position(x)
	cur := Status(sl.data[bi]>>shift) & 3
	if cur != s && (cur == StatusCommitted || cur == StatusAborted) { // C3
		return pgerr.New(pgerr.InternalError, "cannot mark transaction %d %s: it is already %s", x, s, cur)
	}
	sl.data[bi] = sl.data[bi]&^(3<<shift) | byte(s)<<shift
	sl.dirty = true
	if commitLSN > sl.lsn { // C2
		sl.lsn = commitLSN
	}
	if g := group(x); commitLSN > sl.groups[g] {
		sl.groups[g] = commitLSN
	}
	return nil
}

// SetRedo records status s for x while replaying the WAL: records are
// applied in log order, so the status is overwritten whatever it was (a
// stale status can survive on disk for an xid handed out again after a
// crash, C7), and no group LSN is needed since the record is already in
// the log. As in PostgreSQL's recovery, a page missing from disk reads as
// zeros (C9).
func (c *CLOG) SetRedo(x base.XID, s Status) error {
	if !x.IsNormal() || s > StatusSubCommitted {
		return pgerr.New(pgerr.DataCorrupted, "invalid transaction status %d for transaction %d in WAL", s, x)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.usable(); err != nil {
		return err
	}
	sl, err := c.readPage(PageOf(x), x, true)
	if err != nil {
		return err
	}
	bi, shift := position(x)
	sl.data[bi] = sl.data[bi]&^(3<<shift) | byte(s)<<shift
	sl.dirty = true
	return nil
}

// ExtendTo makes room for x: when x is the first xid of its page (or
// FirstNormalXID), it WAL-logs a zero-page record and zeroes the page in
// the cache (C1); otherwise it does nothing. Mirrors ExtendCLOG. The
// transaction manager calls it for every new xid, before the xid is
// handed out, one call at a time.
func (c *CLOG) ExtendTo(x base.XID) error {
	if uint32(x)%XactsPerPage != 0 && x != base.FirstNormalXID {
		return nil
	}
	pageno := PageOf(x)
	c.mu.Lock()
	if err := c.usable(); err != nil {
		c.mu.Unlock()
		return err
	}
	c.mu.Unlock()
	rec := &wal.Record{Rmgr: wal.RmgrCLOG, Info: InfoZeroPage, Data: EncodeZeroPage(pageno)}
	end, err := c.log.Insert(rec)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	sl, err := c.zeroPage(pageno)
	if err != nil {
		return err
	}
	// C1: the zero page is not written before its record is flushed.
	sl.lsn = end
	return nil
}

// Trim prepares the page of next, the first xid the transaction manager
// will hand out, after startup or recovery: it reads the page (a page
// missing from disk reads as zeros, the state a lost zero-page record
// leaves) and clears the statuses of next and every later xid on it, which
// no surviving transaction can own (C7). Mirrors TrimCLOG.
func (c *CLOG) Trim(next base.XID) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.usable(); err != nil {
		return err
	}
	pageno := PageOf(next)
	c.latestPage = int64(pageno)
	if uint32(next)%XactsPerPage == 0 {
		return nil // ExtendTo zeroes the whole page
	}
	sl, err := c.readPage(pageno, next, true)
	if err != nil {
		return err
	}
	bi, shift := position(next)
	b := sl.data[bi] & (1<<shift - 1)
	changed := b != sl.data[bi]
	sl.data[bi] = b
	for i := bi + 1; i < PageSize; i++ {
		if sl.data[i] != 0 {
			sl.data[i] = 0
			changed = true
		}
	}
	if changed {
		sl.dirty = true
	}
	return nil
}

// Checkpoint makes every status set before the call durable: it writes each
// dirty page, flushing the WAL up to the page's group LSN first (C2), then
// fsyncs every segment file written since the last checkpoint and the
// directory if a segment was created (C5). Mirrors CheckPointCLOG.
func (c *CLOG) Checkpoint() error {
	c.ckptMu.Lock()
	defer c.ckptMu.Unlock()

	// Flush the WAL once, without the cache lock, for all dirty pages.
	c.mu.Lock()
	if err := c.usable(); err != nil {
		c.mu.Unlock()
		return err
	}
	var maxLSN base.LSN
	for i := range c.slots {
		if sl := &c.slots[i]; sl.valid && sl.dirty && sl.lsn > maxLSN {
			maxLSN = sl.lsn
		}
	}
	c.mu.Unlock()
	if maxLSN > c.log.FlushedLSN() {
		if err := c.log.Flush(maxLSN); err != nil {
			return err
		}
	}

	c.mu.Lock()
	for i := range c.slots {
		if sl := &c.slots[i]; sl.valid && sl.dirty {
			if err := c.writePage(sl); err != nil {
				c.mu.Unlock()
				return err
			}
		}
	}
	var files []vfs.File
	var names []string
	for seg := range c.unsynced {
		files = append(files, c.files[seg])
		names = append(names, SegmentName(seg))
	}
	c.unsynced = map[uint32]bool{}
	syncDir := c.dirDirty
	c.dirDirty = false
	c.mu.Unlock()

	// fsync without the cache lock: files stay open until Close.
	for i, f := range files {
		if err := f.Sync(); err != nil {
			return c.fail(pgerr.Wrap(pgerr.IoError, err, "could not fsync file \"%s\": %v", path.Join(c.dir, names[i]), err))
		}
		c.mu.Lock()
		c.stats.Syncs++
		c.mu.Unlock()
	}
	if syncDir {
		if err := c.fs.SyncDir(c.dir); err != nil {
			return c.fail(pgerr.Wrap(pgerr.IoError, err, "could not fsync directory \"%s\": %v", c.dir, err))
		}
	}
	return nil
}

// Stats returns the cache counters.
func (c *CLOG) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Failed returns the error that put the commit log in the failed state
// (C5), or nil.
func (c *CLOG) Failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failed
}

// Close closes the segment files. It does not write dirty pages: call
// Checkpoint first (statuses not checkpointed are recovered from the WAL).
// Close must not run concurrently with other calls.
func (c *CLOG) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	var first error
	for seg, f := range c.files {
		if err := f.Close(); err != nil && first == nil {
			first = pgerr.Wrap(pgerr.IoError, err, "could not close file \"%s\": %v", path.Join(c.dir, SegmentName(seg)), err)
		}
	}
	c.files = nil
	return first
}

// Rmgr returns the CLOG resource manager: redo of zero-page records.
func (c *CLOG) Rmgr() wal.Rmgr {
	return wal.Rmgr{ID: wal.RmgrCLOG, Name: "CLOG", Redo: c.redo}
}

// redo mirrors clog_redo.
func (c *CLOG) redo(rec *wal.Record) error {
	switch rec.Info & 0xF0 {
	case InfoZeroPage:
		pageno, err := DecodeZeroPage(rec.Data)
		if err != nil {
			return err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if err := c.usable(); err != nil {
			return err
		}
		// The record is already in the WAL on disk: no group LSN.
		_, err = c.zeroPage(pageno)
		return err
	default:
		return pgerr.New(pgerr.DataCorrupted, "clog_redo: unknown op code %#x", rec.Info)
	}
}

// EncodeZeroPage returns the payload of a zero-page record.
func EncodeZeroPage(pageno uint32) []byte {
	return binary.LittleEndian.AppendUint32(nil, pageno)
}

// DecodeZeroPage parses the payload of a zero-page record.
func DecodeZeroPage(data []byte) (uint32, error) {
	if len(data) != 4 {
		return 0, pgerr.New(pgerr.DataCorrupted, "invalid CLOG zero-page record: length %d", len(data))
	}
	p := binary.LittleEndian.Uint32(data)
	if p > MaxPage {
		return 0, pgerr.New(pgerr.DataCorrupted, "invalid CLOG zero-page record: page %d", p)
	}
	return p, nil
}

// --- the SLRU cache; every function below runs with c.mu held ---

func errClosed() error { return pgerr.New(pgerr.InternalError, "clog: use after Close") }

// usable returns the error that forbids changes, if any.
func (c *CLOG) usable() error {
	if c.closed {
		return errClosed()
	}
	return c.failed
}

// fail enters the failed state (C5) and returns err.
func (c *CLOG) fail(err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failed == nil {
		c.failed = err
	}
	return c.failed
}

// touch marks sl most recently used.
func (c *CLOG) touch(sl *slot) {
	c.clock++
	sl.lru = c.clock
}

// readPage returns the cached page, reading it into a slot if needed;
// mirrors SimpleLruReadPage. A page missing from its segment is an error
// unless allowMissing, when it reads as zeros.
func (c *CLOG) readPage(pageno uint32, x base.XID, allowMissing bool) (*slot, error) {
	if i, ok := c.index[pageno]; ok {
		c.stats.Hits++
		sl := &c.slots[i]
		c.touch(sl)
		return sl, nil
	}
	sl, err := c.victim()
	if err != nil {
		return nil, err
	}
	name := path.Join(c.dir, SegmentName(SegmentOf(pageno)))
	off := int64(pageno%PagesPerSegment) * PageSize
	f, err := c.file(SegmentOf(pageno), false)
	n := 0
	if err == nil && f != nil {
		n, err = f.ReadAt(sl.data, off)
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	if err != nil {
		return nil, pgerr.Wrap(pgerr.IoError, err, "could not access status of transaction %d", x).
			WithDetail("Could not read from file \"%s\" at offset %d: %v.", name, off, err)
	}
	if n < PageSize { // C9
		if !allowMissing {
			return nil, pgerr.New(pgerr.DataCorrupted, "could not access status of transaction %d", x).
				WithDetail("Could not read from file \"%s\" at offset %d: read too few bytes.", name, off)
		}
		clear(sl.data)
	}
	c.stats.Reads++
	c.install(sl, pageno)
	return sl, nil
}

// zeroPage puts an all-zero, dirty page in the cache; mirrors
// SimpleLruZeroPage. The page becomes the latest page.
func (c *CLOG) zeroPage(pageno uint32) (*slot, error) {
	var sl *slot
	if i, ok := c.index[pageno]; ok {
		sl = &c.slots[i]
		c.touch(sl)
	} else {
		var err error
		if sl, err = c.victim(); err != nil {
			return nil, err
		}
		c.install(sl, pageno)
	}
	clear(sl.data)
	clear(sl.groups)
	sl.dirty = true
	c.latestPage = int64(pageno)
	return sl, nil
}

func (c *CLOG) install(sl *slot, pageno uint32) {
	sl.valid = true
	sl.pageno = pageno
	sl.dirty = false
	sl.lsn = 0
	clear(sl.groups)
	c.index[pageno] = sl.idx
	c.touch(sl)
}

// victim frees a slot: an empty one, or the least recently used page other
// than the latest page, written first if dirty (C8); mirrors
// SlruSelectLRUPage.
func (c *CLOG) victim() (*slot, error) {
	best := -1
	for i := range c.slots {
		sl := &c.slots[i]
		if !sl.valid {
			return sl, nil
		}
		if int64(sl.pageno) == c.latestPage {
			continue
		}
		if best < 0 || sl.lru < c.slots[best].lru {
			best = i
		}
	}
	sl := &c.slots[best] // MinBuffers >= 2, so there is a candidate
	if sl.dirty {
		if err := c.usable(); err != nil {
			return nil, err
		}
		if err := c.writePage(sl); err != nil {
			return nil, err
		}
	}
	delete(c.index, sl.pageno)
	sl.valid = false
	return sl, nil
}

// writePage writes a dirty page to its segment; mirrors
// SlruPhysicalWritePage, including its WAL flush (C2).
func (c *CLOG) writePage(sl *slot) error {
	if sl.lsn > c.log.FlushedLSN() {
		if err := c.log.Flush(sl.lsn); err != nil { // C2
			return err
		}
	}
	seg := SegmentOf(sl.pageno)
	f, err := c.file(seg, true)
	if err == nil {
		_, err = f.WriteAt(sl.data, int64(sl.pageno%PagesPerSegment)*PageSize)
	}
	if err != nil {
		name := path.Join(c.dir, SegmentName(seg))
		return pgerr.Wrap(pgerr.IoError, err, "could not write to file \"%s\": %v", name, err)
	}
	c.stats.Writes++
	c.unsynced[seg] = true
	sl.dirty = false
	return nil
}

// file returns the open segment file, opening it; a missing file is
// (nil, nil) unless create.
func (c *CLOG) file(seg uint32, create bool) (vfs.File, error) {
	if f, ok := c.files[seg]; ok {
		return f, nil
	}
	name := path.Join(c.dir, SegmentName(seg))
	f, err := c.fs.OpenFile(name, os.O_RDWR, 0o600)
	if errors.Is(err, os.ErrNotExist) {
		if !create {
			return nil, nil
		}
		f, err = c.fs.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
		if err == nil {
			c.dirDirty = true
		}
	}
	if err != nil {
		return nil, err
	}
	c.files[seg] = f
	return f, nil
}
