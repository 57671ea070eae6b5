package wal

import (
	"errors"
	"io"
	"os"
	"path"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

// Defaults for Options.
const (
	DefaultBufferSize  = 4 << 20
	DefaultWriterDelay = 200 * time.Millisecond
)

// Log is the write-ahead log of one data directory: an append-only stream
// of records in segment files, with an in-memory buffer in front of it.
// Insert, Flush and the getters are safe for concurrent use.
type Log struct {
	fs       vfs.FS
	dir      string
	segSize  int64
	bufSize  int
	delay    time.Duration
	now      func() time.Time
	prealloc bool // segments are created whole and zero-filled (W11)

	// insMu guards the insert position and the WAL buffer (PostgreSQL's
	// WAL insertion lock).
	insMu      sync.Mutex
	buf        []byte // inserted, not yet written: the bytes [bufStart, insertPos)
	bufStart   LSN
	insertPos  LSN
	prevLSN    LSN // start of the last inserted record
	redo       LSN // redo pointer of the last checkpoint (W4)
	positioned bool
	replayed   bool // Replay ran (it runs at most once)
	inserted   bool
	closed     bool
	stop       chan struct{} // closed to stop the WAL writer
	writerDone chan struct{} // closed by the WAL writer when it exits

	// flushMu guards flushing: whether a Flush is writing and fsyncing;
	// the others wait on flushCond (group commit, W6).
	flushMu   sync.Mutex
	flushCond *sync.Cond
	flushing  bool

	// writeMu serializes writing and fsyncing (PostgreSQL's WALWriteLock).
	// Lock order: flushMu (released before taking writeMu), writeMu,
	// insMu; writeMu, prealMu.
	writeMu sync.Mutex
	spare   []byte
	segs    map[uint64]vfs.File // segment files open for writing
	dirty   []uint64            // segments written since their last fsync, ascending
	curSeg  uint64              // the segment of the last write
	asked   uint64              // the last segment asked of the preallocator

	// prealMu serializes the creation of segment files (W11) by the
	// writer and the preallocator.
	prealMu sync.Mutex
	pre     preallocator

	mode       atomic.Uint32 // modePositioned, modeClosed: positioned and closed, for Flush
	insertLSN  atomic.Uint64 // = insertPos, for lock-free readers
	writtenLSN atomic.Uint64 // end of what was written to the files
	flushedLSN atomic.Uint64 // end of what is durable
	failed     atomic.Pointer[pgerr.Error]

	nRecords, nBytes, nFPIs, nWrites, nSyncs atomic.Uint64
	nPrealloc, nRemoved, syncNanos           atomic.Uint64

	writerHook func() // tests: called after each WAL writer cycle
}

// Bits of Log.mode.
const (
	modePositioned = 1 << iota
	modeClosed
)

// setMode publishes positioned and closed to Flush. The caller holds
// insMu.
func (l *Log) setMode() {
	var m uint32
	if l.positioned {
		m |= modePositioned
	}
	if l.closed {
		m |= modeClosed
	}
	l.mode.Store(m)
}

// Stats are counters of a Log's activity since Open.
type Stats struct {
	Records uint64 // records inserted
	Bytes   uint64 // bytes inserted
	FPIs    uint64 // full-page images inserted
	Writes  uint64 // write calls to segment files
	Syncs   uint64 // fsyncs of segment files (for records; not counting preallocation)
	// SyncTime is the time spent in those fsyncs, by the Options.Now
	// clock: with Syncs it gives the fsync latency a workload saw.
	SyncTime time.Duration
	// Prealloc counts segment files created zero-filled (W11), Removed
	// those removed by RemoveSegmentsBefore (W12).
	Prealloc uint64
	Removed  uint64
}

var (
	errNotPositioned = func() error {
		return pgerr.New(pgerr.ObjectNotInPrerequisiteState,
			"WAL is not open for writing: replay the existing log first")
	}
	errClosed = func() error {
		return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "WAL is closed")
	}
)

// Open opens the log in opts.Dir, creating the directory and the first
// segment for a new log. It does not read the log: a new log is ready for
// Insert at FirstLSN; an existing one accepts Insert and Flush only after
// Replay has found its end.
func Open(opts Options) (*Log, error) {
	l := &Log{
		fs:      opts.FS,
		dir:     opts.Dir,
		segSize: opts.SegmentSize,
		bufSize: opts.BufferSize,
		delay:   opts.WriterDelay,
		now:     opts.Now,
		segs:    map[uint64]vfs.File{},
	}
	l.flushCond = sync.NewCond(&l.flushMu)
	l.pre.cond = sync.NewCond(&l.pre.mu)
	if l.fs == nil {
		l.fs = vfs.Default
	}
	l.prealloc = preallocOn(opts, l.fs)
	if l.dir == "" {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "WAL directory must be set")
	}
	if l.segSize == 0 {
		l.segSize = DefaultSegmentSize
	}
	if l.segSize < MinSegmentSize || l.segSize > MaxSegmentSize || l.segSize&(l.segSize-1) != 0 {
		return nil, pgerr.New(pgerr.InvalidParameterValue,
			"WAL segment size must be a power of two between %d and %d bytes", MinSegmentSize, MaxSegmentSize)
	}
	if l.bufSize <= 0 {
		l.bufSize = DefaultBufferSize
	}
	if l.delay <= 0 {
		l.delay = DefaultWriterDelay
	}
	if l.now == nil {
		l.now = time.Now
	}
	if err := l.fs.MkdirAll(l.dir, 0o700); err != nil {
		return nil, ioErr(err, "could not create directory \"%s\"", l.dir)
	}
	if err := l.fs.SyncDir(path.Dir(l.dir)); err != nil {
		return nil, ioErr(err, "could not fsync directory \"%s\"", path.Dir(l.dir))
	}
	names, err := l.fs.ReadDir(l.dir)
	if err != nil {
		return nil, ioErr(err, "could not read directory \"%s\"", l.dir)
	}
	if err := l.removeTempSegment(names); err != nil {
		return nil, err
	}
	segnos := l.segmentsIn(names)
	fresh := len(segnos) == 0
	if len(segnos) > 0 && segnos[0] == 0 {
		h, err := l.readStreamHeader()
		switch {
		case err != nil:
			return nil, err
		case h == nil && len(segnos) == 1:
			// Segment 0 exists but its header never became durable: a
			// crash while the log was being created.
			fresh = true
		case h == nil:
			return nil, corrupt(0, "WAL segment %s has no stream header", SegmentName(0, l.segSize))
		default:
			ss, err := decodeStreamHeader(h)
			if err != nil {
				return nil, err
			}
			if ss != l.segSize {
				return nil, pgerr.New(pgerr.DataCorrupted,
					"WAL segment size %d of \"%s\" does not match the configured %d", ss, l.dir, l.segSize)
			}
		}
	} else if len(segnos) > 0 {
		if err := l.checkSegmentSizes(segnos); err != nil {
			return nil, err
		}
	}
	if fresh {
		if err := l.create(); err != nil {
			l.closeSegments()
			return nil, err
		}
	}
	return l, nil
}

func ioErr(err error, format string, args ...any) error {
	return pgerr.Wrap(pgerr.IoError, err, format, args...)
}

func (l *Log) segPath(segno uint64) string {
	return path.Join(l.dir, SegmentName(segno, l.segSize))
}

// listSegments returns the segment numbers present, ascending.
func (l *Log) listSegments() ([]uint64, error) {
	names, err := l.fs.ReadDir(l.dir)
	if err != nil {
		return nil, ioErr(err, "could not read directory \"%s\"", l.dir)
	}
	return l.segmentsIn(names), nil
}

// segmentsIn returns the segment numbers among names, ascending.
func (l *Log) segmentsIn(names []string) []uint64 {
	var segnos []uint64
	for _, n := range names {
		if s, ok := parseSegmentName(n, l.segSize); ok {
			segnos = append(segnos, s)
		}
	}
	slices.Sort(segnos)
	return segnos
}

// checkSegmentSizes checks the segment size of a log whose segment 0, and
// with it the stream header, was removed (W12): every segment but the last
// is exactly one segment long and none is longer, as a log written with
// another segment size would not be.
func (l *Log) checkSegmentSizes(segnos []uint64) error {
	for k, s := range segnos {
		size, err := l.fs.Stat(l.segPath(s))
		if err != nil {
			return ioErr(err, "could not stat file \"%s\"", l.segPath(s))
		}
		if size > l.segSize || (size != l.segSize && k < len(segnos)-1) {
			return pgerr.New(pgerr.DataCorrupted,
				"WAL segment \"%s\" is %d bytes long, which does not match the configured segment size %d",
				l.segPath(s), size, l.segSize)
		}
	}
	return nil
}

// readStreamHeader returns segment 0's header bytes, or nil when they are
// all zero or missing (never written).
func (l *Log) readStreamHeader() ([]byte, error) {
	name := l.segPath(0)
	f, err := l.fs.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, ioErr(err, "could not open file \"%s\"", name)
	}
	defer f.Close()
	h := make([]byte, FirstLSN)
	n, err := f.ReadAt(h, 0)
	if n < len(h) && !isEOF(err) {
		return nil, ioErr(err, "could not read file \"%s\"", name)
	}
	for _, c := range h[:n] {
		if c != 0 {
			if n < len(h) {
				return nil, corrupt(0, "truncated WAL stream header")
			}
			return h, nil
		}
	}
	return nil, nil
}

// create starts a new log: segment 0 with the stream header, durable
// before Open returns. With preallocation segment 0 is built whole and
// renamed into place (W11), so it exists only with its header.
func (l *Log) create() error {
	name := l.segPath(0)
	if l.prealloc {
		l.prealMu.Lock()
		err := l.initSegment(0, encodeStreamHeader(l.segSize), nil)
		l.prealMu.Unlock()
		if err != nil {
			return err
		}
		f, err := l.fs.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			return ioErr(err, "could not open file \"%s\"", name)
		}
		l.segs[0] = f
		l.setPosition(FirstLSN, InvalidLSN)
		return nil
	}
	f, err := l.fs.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return ioErr(err, "could not create file \"%s\"", name)
	}
	l.segs[0] = f
	if _, err := f.WriteAt(encodeStreamHeader(l.segSize), 0); err != nil {
		return ioErr(err, "could not write to file \"%s\"", name)
	}
	if err := f.Sync(); err != nil {
		return ioErr(err, "could not fsync file \"%s\"", name)
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		return ioErr(err, "could not fsync directory \"%s\"", l.dir)
	}
	l.setPosition(FirstLSN, InvalidLSN)
	return nil
}

// setPosition makes the log append at end; prev is the start of the record
// ending there. Everything before end is durable.
func (l *Log) setPosition(end, prev LSN) {
	l.insMu.Lock()
	l.buf = l.buf[:0]
	l.bufStart, l.insertPos, l.prevLSN = end, end, prev
	l.positioned = true
	l.setMode()
	l.insMu.Unlock()
	l.insertLSN.Store(uint64(end))
	l.writtenLSN.Store(uint64(end))
	l.flushedLSN.Store(uint64(end))
}

// InvalidLSN is the zero LSN; no record starts there.
const InvalidLSN = base.InvalidLSN

// Failed returns the error that put the log in the failed state, or nil.
// After a failed write or fsync every Insert and Flush returns it: an
// fsync is never retried (W7).
func (l *Log) Failed() error {
	if e := l.failed.Load(); e != nil {
		return e
	}
	return nil
}

// fail enters the failed state (W7) and returns the error that did it.
func (l *Log) fail(err error, format string, args ...any) error {
	return l.failWith(pgerr.Wrap(pgerr.IoError, err, format, args...))
}

// failWith enters the failed state (W7) with e.
func (l *Log) failWith(e *pgerr.Error) error {
	e.Severity = "PANIC"
	l.failed.CompareAndSwap(nil, e)
	return l.failed.Load()
}

// InsertLSN returns the end of the last inserted record: where the next
// one will start. It is 0 on an existing log until Replay has run.
func (l *Log) InsertLSN() LSN { return LSN(l.insertLSN.Load()) }

// FlushedLSN returns how far the log is durable.
func (l *Log) FlushedLSN() LSN { return LSN(l.flushedLSN.Load()) }

// RedoPointer returns the redo pointer Insert compares page LSNs with (W4).
func (l *Log) RedoPointer() LSN {
	l.insMu.Lock()
	defer l.insMu.Unlock()
	return l.redo
}

// SetRedoPointer sets the redo pointer (W4).
func (l *Log) SetRedoPointer(lsn LSN) {
	l.insMu.Lock()
	l.redo = lsn
	l.insMu.Unlock()
}

// BeginCheckpoint sets the redo pointer to the current insert position and
// returns it, atomically with respect to Insert: every record inserted
// after it compares page LSNs with the new pointer (W4). A checkpoint uses
// this rather than InsertLSN+SetRedoPointer, between which a record could
// slip in without the images the checkpoint's redo needs.
// mirrors the RedoRecPtr update in CreateCheckPoint.
func (l *Log) BeginCheckpoint() LSN {
	l.insMu.Lock()
	defer l.insMu.Unlock()
	l.redo = l.insertPos
	return l.redo
}

// SegmentSize returns the size of one segment file.
func (l *Log) SegmentSize() int64 { return l.segSize }

// Dir returns the log's directory.
func (l *Log) Dir() string { return l.dir }

// Stats returns the log's counters.
func (l *Log) Stats() Stats {
	return Stats{
		Records:  l.nRecords.Load(),
		Bytes:    l.nBytes.Load(),
		FPIs:     l.nFPIs.Load(),
		Writes:   l.nWrites.Load(),
		Syncs:    l.nSyncs.Load(),
		SyncTime: time.Duration(l.syncNanos.Load()),
		Prealloc: l.nPrealloc.Load(),
		Removed:  l.nRemoved.Load(),
	}
}

// Insert appends rec to the log and returns its end LSN; it sets rec.LSN,
// rec.EndLSN and rec.Prev. The bytes of rec (data, pages) are copied: the
// caller may reuse them at once. A block ref gets a full-page image of its
// Page when !WillInit && (ForceImage || PageLSN <= RedoPointer()) (W4).
// The record is durable only after Flush(rec.EndLSN) (W1).
// mirrors XLogInsert / XLogRecordAssemble / XLogInsertRecord.
func (l *Log) Insert(rec *Record) (LSN, error) {
	if err := l.Failed(); err != nil {
		return InvalidLSN, err
	}
	if len(rec.Blocks) > MaxBlockRefs {
		return InvalidLSN, pgerr.New(pgerr.ProgramLimitExceeded,
			"too many block references in WAL record: %d (max %d)", len(rec.Blocks), MaxBlockRefs)
	}
	var imgArr [8]blockImage
	imgs := imgArr[:0]
	if len(rec.Blocks) > len(imgArr) {
		imgs = make([]blockImage, 0, len(rec.Blocks))
	}
	imgs = imgs[:len(rec.Blocks)]

	l.insMu.Lock()
	if l.closed {
		l.insMu.Unlock()
		return InvalidLSN, errClosed()
	}
	if !l.positioned {
		l.insMu.Unlock()
		return InvalidLSN, errNotPositioned()
	}
	nfpi := 0
	for i := range rec.Blocks {
		b := &rec.Blocks[i]
		if b.WillInit || (!b.ForceImage && b.PageLSN > l.redo) { // W4
			continue
		}
		if len(b.Page) != base.BlockSize {
			l.insMu.Unlock()
			return InvalidLSN, pgerr.New(pgerr.InternalError,
				"WAL block reference %d needs a full-page image but has a %d-byte page", i, len(b.Page))
		}
		off, hl := pageHole(b.Page)
		imgs[i] = blockImage{take: true, holeOff: off, holeLen: hl}
		nfpi++
	}
	size := encodedSize(rec, imgs)
	if size > MaxRecordSize {
		l.insMu.Unlock()
		return InvalidLSN, pgerr.New(pgerr.ProgramLimitExceeded,
			"WAL record is too large: %d bytes (max %d)", size, MaxRecordSize)
	}
	start := len(l.buf)
	l.buf = slices.Grow(l.buf, size)[:start+size]
	encodeRecord(l.buf[start:], rec, l.prevLSN, imgs)
	rec.LSN = l.insertPos
	rec.Prev = l.prevLSN
	rec.EndLSN = l.insertPos + LSN(size)
	l.prevLSN = rec.LSN
	l.insertPos = rec.EndLSN // W3: LSNs only grow
	l.insertLSN.Store(uint64(rec.EndLSN))
	l.inserted = true
	full := len(l.buf) >= l.bufSize
	l.insMu.Unlock()

	l.nRecords.Add(1)
	l.nBytes.Add(uint64(size))
	l.nFPIs.Add(uint64(nfpi))
	if full {
		// The WAL buffer is full: write it out (no fsync), as
		// AdvanceXLInsertBuffer does.
		l.writeMu.Lock()
		err := l.Failed()
		if err == nil {
			err = l.writeLocked(false)
		}
		l.writeMu.Unlock()
		if err != nil {
			return rec.EndLSN, err
		}
	}
	return rec.EndLSN, nil
}

// Flush makes the log durable through upTo (W1). It returns only once
// that is so. Concurrent callers share fsyncs (group commit, W6): one
// writes and fsyncs everything inserted so far while the others wait.
// mirrors XLogFlush.
func (l *Log) Flush(upTo LSN) error {
	if err := l.Failed(); err != nil {
		return err
	}
	if upTo <= l.FlushedLSN() {
		return nil
	}
	mode, end := l.mode.Load(), l.InsertLSN()
	switch {
	case mode&modeClosed != 0:
		return errClosed()
	case mode&modePositioned == 0:
		return errNotPositioned()
	case upTo > end:
		return pgerr.New(pgerr.InternalError,
			"WAL flush request %s is not satisfied: the log ends at %s", upTo, end)
	}
	// Group commit (W6): one caller at a time is the flusher; the others
	// wait for it to finish and then look again, most finding their
	// records flushed. They do not queue on writeMu one by one, which
	// would keep callers whose records are durable waiting behind the
	// next fsync (PostgreSQL uses LWLockAcquireOrWait for this).
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	for {
		if err := l.Failed(); err != nil {
			return err
		}
		if upTo <= l.FlushedLSN() {
			return nil
		}
		if l.flushing {
			l.flushCond.Wait()
			continue
		}
		l.flushing = true
		l.flushMu.Unlock()
		l.writeMu.Lock()
		err := l.Failed()
		if err == nil && upTo > l.FlushedLSN() {
			err = l.writeLocked(true) // everything inserted so far
		}
		l.writeMu.Unlock()
		l.flushMu.Lock()
		l.flushing = false
		l.flushCond.Broadcast()
		if err != nil {
			return err
		}
	}
}

// writeLocked writes the whole WAL buffer to the segment files and, if
// fsync, makes everything written durable. The caller holds writeMu.
// mirrors XLogWrite.
func (l *Log) writeLocked(fsync bool) error {
	l.insMu.Lock()
	data, start := l.buf, l.bufStart
	l.buf, l.bufStart = l.spare[:0], l.insertPos
	end := l.insertPos
	l.insMu.Unlock()
	if len(data) > 0 {
		if err := l.writeRange(start, data); err != nil {
			return err
		}
		l.writtenLSN.Store(uint64(end))
	}
	if cap(data) <= 2*l.bufSize {
		l.spare = data[:0]
	} else {
		l.spare = nil
	}
	if !fsync {
		return nil
	}
	written := LSN(l.writtenLSN.Load())
	if written <= l.FlushedLSN() {
		return nil
	}
	for i, s := range l.dirty {
		t0 := l.now()
		err := l.segs[s].Sync()
		l.syncNanos.Add(uint64(max(l.now().Sub(t0), 0)))
		if err != nil {
			l.dirty = l.dirty[i:]
			return l.fail(err, "could not fsync file \"%s\"", l.segPath(s)) // W7
		}
		l.nSyncs.Add(1)
	}
	l.dirty = l.dirty[:0]
	l.flushedLSN.Store(uint64(written))
	if len(l.segs) > 1 {
		// Segments before the one written last are complete and synced:
		// close them.
		for s, f := range l.segs {
			if s < l.curSeg {
				f.Close()
				delete(l.segs, s)
			}
		}
	}
	return nil
}

// writeRange writes data at LSN start, across segment files.
func (l *Log) writeRange(start LSN, data []byte) error {
	for len(data) > 0 {
		segno := uint64(start) / uint64(l.segSize)
		off := int64(start) % l.segSize
		n := int(min(l.segSize-off, int64(len(data))))
		f, err := l.segmentForWrite(segno, off == 0)
		if err != nil {
			return err
		}
		if _, err := f.WriteAt(data[:n], off); err != nil {
			return l.fail(err, "could not write to file \"%s\" at offset %d", l.segPath(segno), off)
		}
		l.nWrites.Add(1)
		if k := len(l.dirty); k == 0 || l.dirty[k-1] != segno {
			l.dirty = append(l.dirty, segno) // writes go forward: stays ascending
		}
		l.curSeg = segno
		if l.prealloc && segno+1 > l.asked && off+int64(n) > l.segSize/2 {
			// Past half of this segment: have the next one made in the
			// background before the log gets there (W11).
			l.asked = segno + 1
			l.requestSegment(segno + 1)
		}
		start += LSN(n)
		data = data[n:]
	}
	return nil
}

// segmentForWrite returns the open file of segment segno. A segment
// entered at its first byte is new. With preallocation (W11) it is a
// zero-filled file made by the preallocator, or made now if the
// preallocator is not done, durable with its directory entry before any
// record in it can be reported flushed; a file of that name is never
// stale, as Replay removed or zeroed everything past the end of the log
// (W9). Without preallocation any old file of that name holds only stale
// bytes and is truncated, and the new directory entry is made durable.
func (l *Log) segmentForWrite(segno uint64, fresh bool) (vfs.File, error) {
	if f := l.segs[segno]; f != nil {
		return f, nil
	}
	name := l.segPath(segno)
	if l.prealloc {
		if fresh {
			l.prealMu.Lock()
			_, err := l.ensureSegment(segno, nil)
			l.prealMu.Unlock()
			if err != nil {
				return nil, l.failWith(pgerr.As(err))
			}
		}
		f, err := l.fs.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			return nil, l.fail(err, "could not open file \"%s\"", name)
		}
		l.segs[segno] = f
		return f, nil
	}
	flag := os.O_RDWR
	if fresh {
		flag |= os.O_CREATE | os.O_TRUNC
	}
	f, err := l.fs.OpenFile(name, flag, 0o600)
	if err != nil {
		return nil, l.fail(err, "could not open file \"%s\"", name)
	}
	if fresh {
		if err := l.fs.SyncDir(l.dir); err != nil {
			f.Close()
			return nil, l.fail(err, "could not fsync directory \"%s\"", l.dir)
		}
	}
	l.segs[segno] = f
	return f, nil
}

func (l *Log) closeSegments() {
	for s, f := range l.segs {
		f.Close()
		delete(l.segs, s)
	}
}

// StartWriter starts the WAL writer: a goroutine that flushes the log every
// WriterDelay, so asynchronous commits become durable soon. Close stops it.
// Calling it again while it runs does nothing.
// mirrors WalWriterMain / XLogBackgroundFlush.
func (l *Log) StartWriter() {
	l.insMu.Lock()
	defer l.insMu.Unlock()
	if l.closed || l.stop != nil {
		return
	}
	l.stop = make(chan struct{})
	l.writerDone = make(chan struct{})
	go l.writerLoop(l.stop, l.writerDone)
}

func (l *Log) writerLoop(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(l.delay)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		l.insMu.Lock()
		positioned := l.positioned
		l.insMu.Unlock()
		if positioned {
			if err := l.Flush(l.InsertLSN()); err != nil && l.Failed() != nil {
				return // W7: the log has failed; nothing more to do
			}
		}
		if l.writerHook != nil {
			l.writerHook()
		}
	}
}

// Close stops the WAL writer, flushes the log and closes its files. It
// returns the failure if the log has failed. Later calls of Insert and
// Flush (beyond what is flushed) return an error.
func (l *Log) Close() error {
	l.insMu.Lock()
	if l.closed {
		l.insMu.Unlock()
		return nil
	}
	l.closed = true
	l.setMode()
	stop, done := l.stop, l.writerDone
	positioned := l.positioned
	l.insMu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	err := l.Failed()
	if err == nil && positioned {
		err = l.writeLocked(true)
	}
	l.stopPrealloc()
	l.closeSegments()
	return err
}

// isEOF reports whether a read error only says the file ended.
func isEOF(err error) bool { return err == nil || errors.Is(err, io.EOF) }

// Abandon stops the log as a power failure would, for crash tests: the WAL
// writer goroutine stops, nothing more is written or synced, and every
// later call fails. What reached the file system stays as it is.
func (l *Log) Abandon() {
	l.insMu.Lock()
	if l.closed {
		l.insMu.Unlock()
		return
	}
	l.closed = true
	l.setMode()
	stop, done := l.stop, l.writerDone
	l.insMu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	l.stopPrealloc()
	l.closeSegments()
}
