package wal

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

// This file holds the life cycle of segment files: creation, whole and
// zero-filled, before the log enters them (W11), and removal once a
// checkpoint no longer needs them (W12).

const (
	// tempSegmentName is the file a segment is built in before it is
	// renamed into place (PostgreSQL's "xlogtemp.<pid>"). Open removes a
	// leftover one.
	tempSegmentName = "xlogtemp"
	// zeroChunk is the size of one write when zero-filling a segment and
	// of one read when scanning a tail for stale bytes.
	zeroChunk = 256 << 10
	// zeroSyncEvery is how many zero bytes a fill writes between fsyncs:
	// the zeros go to the disk in small batches, so a commit's fsync never
	// queues behind a whole segment of them.
	zeroSyncEvery = 1 << 20
)

// zeros is never written: a source of zero bytes.
var zeros [zeroChunk]byte

// preallocOn decides whether a log zero-fills its segments (W11): always,
// unless the options turn it off or the file system is a plain MemFS,
// where a file costs memory and there is no file-size metadata to flush.
func preallocOn(opts Options, fsys vfs.FS) bool {
	if opts.NoPreallocate {
		return false
	}
	_, mem := fsys.(*vfs.MemFS)
	return !mem
}

// preallocator is the background goroutine that creates the next segment
// before the log needs it, so a commit does not wait for a zero-fill.
// Writes ask for a segment with request; the goroutine creates it
// through ensureSegment.
type preallocator struct {
	mu      sync.Mutex
	cond    *sync.Cond
	want    uint64 // highest segment asked for
	done    uint64 // highest segment handled (created, found, or failed)
	running bool
	stopped bool        // no goroutine may start any more
	stop    atomic.Bool // tells a running zero-fill to give up
	exited  chan struct{}
}

// requestSegment asks the preallocator for segment segno (W11). It never
// waits. The caller holds writeMu.
func (l *Log) requestSegment(segno uint64) {
	p := &l.pre
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || segno <= p.want {
		return
	}
	p.want = segno
	if !p.running {
		p.running = true
		p.exited = make(chan struct{})
		go l.preallocLoop(p.exited)
	}
	p.cond.Broadcast()
}

func (l *Log) preallocLoop(exited chan<- struct{}) {
	defer close(exited)
	p := &l.pre
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		for !p.stopped && p.want <= p.done {
			p.cond.Wait()
		}
		if p.stopped {
			p.running = false
			p.cond.Broadcast()
			return
		}
		segno := p.want
		p.mu.Unlock()
		l.prealMu.Lock()
		// A failure here is not the log's failure: no record is in the
		// file. The writer creates the segment itself when it gets there,
		// and fails the log if it cannot (W7).
		_, _ = l.ensureSegment(segno, &p.stop)
		l.prealMu.Unlock()
		p.mu.Lock()
		p.done = max(p.done, segno)
		p.cond.Broadcast()
	}
}

// stopPrealloc stops the preallocator for good and waits for it: an
// unfinished zero-fill is abandoned (its temporary file is removed by the
// next Open).
func (l *Log) stopPrealloc() {
	p := &l.pre
	p.mu.Lock()
	p.stopped = true
	p.stop.Store(true)
	p.cond.Broadcast()
	exited := p.exited
	running := p.running
	p.mu.Unlock()
	if running {
		<-exited
	}
}

// waitPrealloc waits until the preallocator has handled every request
// (tests use it to make a crash point deterministic).
func (l *Log) waitPrealloc() {
	p := &l.pre
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.running && !p.stopped && p.done < p.want {
		p.cond.Wait()
	}
}

// ensureSegment creates segment segno (zero-filled, durably) unless it
// exists. The caller holds prealMu, so two creations never share the
// temporary file and a segment is never renamed over an existing one.
// stop, if not nil, abandons the creation when set.
func (l *Log) ensureSegment(segno uint64, stop *atomic.Bool) (created bool, err error) {
	name := l.segPath(segno)
	if _, err := l.fs.Stat(name); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, ioErr(err, "could not stat file \"%s\"", name)
	}
	if err := l.initSegment(segno, nil, stop); err != nil {
		return false, err
	}
	return true, nil
}

var errPreallocStopped = errors.New("segment preallocation stopped")

// initSegment creates segment segno durably, zero-filled to the segment
// size, with head (if any) at its start: it fills a temporary file,
// fsyncs it, renames it into place and fsyncs the directory (W11). A
// crash leaves either no segment or the whole one. The caller holds
// prealMu and has checked that the segment does not exist.
// mirrors XLogFileInit (wal_init_zero = on) with durable_rename.
func (l *Log) initSegment(segno uint64, head []byte, stop *atomic.Bool) error {
	tmp := path.Join(l.dir, tempSegmentName)
	name := l.segPath(segno)
	f, err := l.fs.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return ioErr(err, "could not create file \"%s\"", tmp)
	}
	err = l.zeroFill(f, tmp, head, stop)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = ioErr(cerr, "could not close file \"%s\"", tmp)
	}
	if err == nil && stop != nil && stop.Load() {
		err = pgerr.Wrap(pgerr.IoError, errPreallocStopped, "WAL segment preallocation stopped")
	}
	if err != nil {
		return err
	}
	if err := l.fs.Rename(tmp, name); err != nil {
		return ioErr(err, "could not rename file \"%s\" to \"%s\"", tmp, name)
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		return ioErr(err, "could not fsync directory \"%s\"", l.dir)
	}
	l.nPrealloc.Add(1)
	return nil
}

// zeroFill writes head at offset 0 of f and zeros after it up to the
// segment size, and fsyncs f.
func (l *Log) zeroFill(f vfs.File, name string, head []byte, stop *atomic.Bool) error {
	if len(head) > 0 {
		if _, err := f.WriteAt(head, 0); err != nil {
			return ioErr(err, "could not write to file \"%s\"", name)
		}
	}
	unsynced := int64(0)
	for off := int64(len(head)); off < l.segSize; {
		if stop != nil && stop.Load() {
			return pgerr.Wrap(pgerr.IoError, errPreallocStopped, "WAL segment preallocation stopped")
		}
		n := min(int64(len(zeros)), l.segSize-off)
		if _, err := f.WriteAt(zeros[:n], off); err != nil {
			return ioErr(err, "could not write to file \"%s\"", name)
		}
		off += n
		if unsynced += n; unsynced >= zeroSyncEvery && off < l.segSize {
			if err := f.Sync(); err != nil {
				return ioErr(err, "could not fsync file \"%s\"", name)
			}
			unsynced = 0
		}
	}
	if err := f.Sync(); err != nil {
		return ioErr(err, "could not fsync file \"%s\"", name)
	}
	return nil
}

// removeTempSegment removes a temporary segment file left by a crash or
// an abandoned preallocation.
func (l *Log) removeTempSegment(names []string) error {
	for _, n := range names {
		if strings.HasPrefix(n, tempSegmentName) {
			p := path.Join(l.dir, n)
			if err := l.fs.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return ioErr(err, "could not remove file \"%s\"", p)
			}
		}
	}
	return nil
}

// zeroTail makes the bytes of segment file f from off to the segment size
// all zero and the file exactly one segment long, durably (W9, W11): it
// reads the tail and rewrites only the chunks that are not zero, so the
// common case, a tail that is already zero, costs only the reads. It
// reports whether it changed the file.
func (l *Log) zeroTail(f vfs.File, name string, off int64) (bool, error) {
	size, err := f.Size()
	if err != nil {
		return false, ioErr(err, "could not stat file \"%s\"", name)
	}
	changed := false
	if size > l.segSize {
		if err := f.Truncate(l.segSize); err != nil {
			return false, ioErr(err, "could not truncate file \"%s\"", name)
		}
		size, changed = l.segSize, true
	}
	buf := make([]byte, zeroChunk)
	for p := off; p < size; {
		n := min(int64(len(buf)), size-p)
		k, err := f.ReadAt(buf[:n], p)
		if !isEOF(err) {
			return false, ioErr(err, "could not read file \"%s\"", name)
		}
		if !allZero(buf[:k]) {
			if _, err := f.WriteAt(zeros[:k], p); err != nil {
				return false, ioErr(err, "could not write to file \"%s\"", name)
			}
			changed = true
		}
		if int64(k) < n {
			size = p + int64(k)
			break
		}
		p += n
	}
	// Extend a short file (one written before preallocation, or cut by
	// an older replay) to the full segment.
	for p := max(size, off); p < l.segSize; {
		n := min(int64(len(zeros)), l.segSize-p)
		if _, err := f.WriteAt(zeros[:n], p); err != nil {
			return false, ioErr(err, "could not write to file \"%s\"", name)
		}
		p += n
		changed = true
	}
	if changed {
		if err := f.Sync(); err != nil {
			return false, ioErr(err, "could not fsync file \"%s\"", name)
		}
	}
	return changed, nil
}

// isZeroSegment reports whether segment segno is a whole segment of zeros:
// one preallocated and never written.
func (l *Log) isZeroSegment(segno uint64) (bool, error) {
	name := l.segPath(segno)
	f, err := l.fs.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		return false, ioErr(err, "could not open file \"%s\"", name)
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return false, ioErr(err, "could not stat file \"%s\"", name)
	}
	if size != l.segSize {
		return false, nil
	}
	buf := make([]byte, zeroChunk)
	for p := int64(0); p < size; {
		n := min(int64(len(buf)), size-p)
		k, err := f.ReadAt(buf[:n], p)
		if !isEOF(err) {
			return false, ioErr(err, "could not read file \"%s\"", name)
		}
		if int64(k) < n || !allZero(buf[:k]) {
			return false, nil
		}
		p += n
	}
	return true, nil
}

func allZero(b []byte) bool {
	for len(b) >= 8 {
		if b[0]|b[1]|b[2]|b[3]|b[4]|b[5]|b[6]|b[7] != 0 {
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

// RemoveSegmentsBefore removes the segment files that hold only bytes
// before lsn (W12): those a checkpoint whose redo pointer is lsn no longer
// needs for crash recovery. lsn must be durable (at most FlushedLSN); the
// segment holding lsn is kept. Removal is not made durable: a segment that
// comes back after a crash is before the redo pointer, is never read, and
// goes at the next checkpoint.
// mirrors RemoveOldXlogFiles (without recycling: see W12).
func (l *Log) RemoveSegmentsBefore(lsn LSN) error {
	if err := l.Failed(); err != nil {
		return err
	}
	l.insMu.Lock()
	positioned, closed := l.positioned, l.closed
	l.insMu.Unlock()
	switch {
	case closed:
		return errClosed()
	case !positioned:
		return errNotPositioned()
	case lsn > l.FlushedLSN():
		return pgerr.New(pgerr.InternalError,
			"WAL segments before %s cannot be removed: the log is durable only through %s", lsn, l.FlushedLSN())
	}
	cut := uint64(lsn) / uint64(l.segSize)
	segnos, err := l.listSegments()
	if err != nil {
		return err
	}
	// The log never writes before lsn again: close what it has open
	// there, then remove the files without holding up commits.
	l.writeMu.Lock()
	for s, f := range l.segs {
		if s < cut {
			f.Close()
			delete(l.segs, s)
		}
	}
	l.writeMu.Unlock()
	for _, s := range segnos {
		if s >= cut {
			break
		}
		name := l.segPath(s)
		if err := l.fs.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return ioErr(err, "could not remove file \"%s\"", name)
		}
		l.nRemoved.Add(1)
	}
	return nil
}
