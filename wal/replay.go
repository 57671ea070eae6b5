package wal

import (
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// Replay reads the log from `from` and calls the redo routine of each
// record's resource manager, in LSN order, until the end of the valid log
// (W8). It then positions l to append at that end, removing or zeroing
// what follows it so no stale byte can later be read as a record (W9),
// sets the redo pointer to from, and returns the end.
//
// from must be the start of a record, such as a checkpoint's Redo (always
// a record start), or FirstLSN (or InvalidLSN) to read the whole log of a
// log whose segments were never removed. Replay must run before anything
// is inserted through l. Records of RmgrXLOG with InfoCheckpoint* or
// InfoNoop and no block refs are skipped if no RmgrXLOG routine is given;
// any other record of an unregistered resource manager is an error (W5).
//
// While Replay runs, the records read so far count as flushed, so Redo may
// call Flush (e.g. a buffer eviction) for LSNs up to the current record's
// end: Replay first fsyncs the segments it reads, as PostgreSQL fsyncs the
// data directory before crash recovery.
// mirrors the redo loop of PerformWalRecovery.
func Replay(l *Log, from LSN, rmgrs []Rmgr) (LSN, error) {
	var table [256]*Rmgr
	for i := range rmgrs {
		rm := &rmgrs[i]
		if table[rm.ID] != nil {
			return InvalidLSN, pgerr.New(pgerr.InternalError, "resource manager %d (%s) registered twice", rm.ID, rm.Name)
		}
		if rm.Redo == nil {
			return InvalidLSN, pgerr.New(pgerr.InternalError, "resource manager %d (%s) has no redo routine", rm.ID, rm.Name)
		}
		table[rm.ID] = rm
	}
	if from == InvalidLSN {
		from = FirstLSN
	}
	if from < FirstLSN {
		return InvalidLSN, pgerr.New(pgerr.InternalError, "invalid WAL replay start %s", from)
	}
	l.insMu.Lock()
	var state error
	switch {
	case l.closed:
		state = errClosed()
	case l.inserted || l.replayed:
		state = pgerr.New(pgerr.ObjectNotInPrerequisiteState, "WAL replay must run once, before any record is inserted")
	}
	if state != nil {
		l.insMu.Unlock()
		return InvalidLSN, state
	}
	l.replayed, l.positioned = true, false
	l.setMode()
	l.insMu.Unlock()
	if err := l.Failed(); err != nil {
		return InvalidLSN, err
	}

	first := uint64(from) / uint64(l.segSize)
	if err := l.syncSegmentsFrom(first); err != nil {
		return InvalidLSN, err
	}
	l.flushedLSN.Store(uint64(from))
	l.insertLSN.Store(uint64(from))

	r := l.NewReader(from)
	defer r.Close()
	nread := 0
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return InvalidLSN, err
		}
		nread++
		l.flushedLSN.Store(uint64(rec.EndLSN))
		l.insertLSN.Store(uint64(rec.EndLSN))
		rm := table[rec.Rmgr]
		if rm == nil {
			if rec.Rmgr == RmgrXLOG && len(rec.Blocks) == 0 &&
				(rec.Info == InfoCheckpointShutdown || rec.Info == InfoCheckpointOnline || rec.Info == InfoNoop) {
				continue
			}
			return InvalidLSN, pgerr.New(pgerr.InternalError,
				"no redo routine for resource manager %d, record at %s", rec.Rmgr, rec.LSN)
		}
		if err := rm.Redo(rec); err != nil {
			return InvalidLSN, err
		}
	}
	if nread == 0 && from != FirstLSN {
		e := pgerr.New(pgerr.DataCorrupted, "could not locate a valid WAL record at %s", from)
		if reason := r.EndReason(); reason != nil {
			e.Err = reason
		}
		return InvalidLSN, e
	}
	end, prev := r.Pos(), r.LastLSN()
	if nread == 0 {
		prev = InvalidLSN
	}
	l.writeMu.Lock()
	err := l.resetTail(end)
	l.writeMu.Unlock()
	if err != nil {
		return InvalidLSN, err
	}
	l.setPosition(end, prev)
	l.SetRedoPointer(from)
	return end, nil
}

// syncSegmentsFrom fsyncs every segment from first on, so the records
// replayed are durable before any page changed by them can be written
// (W1). The segment holding the start must exist if any later one does.
func (l *Log) syncSegmentsFrom(first uint64) error {
	segnos, err := l.listSegments()
	if err != nil {
		return err
	}
	sawFirst := false
	for _, s := range segnos {
		if s < first {
			continue
		}
		if s == first {
			sawFirst = true
		} else if !sawFirst {
			return pgerr.New(pgerr.DataCorrupted, "WAL segment %s, where replay starts, is missing",
				SegmentName(first, l.segSize))
		}
		name := l.segPath(s)
		f, err := l.fs.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			return ioErr(err, "could not open file \"%s\"", name)
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return l.fail(err, "could not fsync file \"%s\"", name)
		}
	}
	return nil
}

// resetTail makes end the end of the log's bytes (W9), durably. Without
// preallocation the files end there: later segments are removed and end's
// segment is cut at end. With preallocation (W11) the bytes from end to
// the end of its segment are zeroed (only where they are not zero
// already) and the file kept whole; a later segment is kept if it is a
// whole segment of zeros (one preallocated ahead and never reached), and
// removed otherwise. The caller holds writeMu.
func (l *Log) resetTail(end LSN) error {
	segno := uint64(end) / uint64(l.segSize)
	off := int64(end) % l.segSize
	segnos, err := l.listSegments()
	if err != nil {
		return err
	}
	removed := false
	for _, s := range segnos {
		if s <= segno {
			continue
		}
		if l.prealloc {
			zero, err := l.isZeroSegment(s)
			if err != nil {
				return l.failWith(pgerr.As(err))
			}
			if zero {
				continue
			}
		}
		if f := l.segs[s]; f != nil {
			f.Close()
			delete(l.segs, s)
		}
		if err := l.fs.Remove(l.segPath(s)); err != nil {
			return l.fail(err, "could not remove file \"%s\"", l.segPath(s))
		}
		removed = true
	}
	if removed {
		if err := l.fs.SyncDir(l.dir); err != nil {
			return l.fail(err, "could not fsync directory \"%s\"", l.dir)
		}
	}
	name := l.segPath(segno)
	f := l.segs[segno]
	if f == nil {
		f, err = l.fs.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			if off == 0 && errors.Is(err, fs.ErrNotExist) {
				return nil // the next write creates it
			}
			return l.fail(err, "could not open file \"%s\"", name)
		}
		l.segs[segno] = f
	}
	if l.prealloc {
		if _, err := l.zeroTail(f, name, off); err != nil {
			return l.failWith(pgerr.As(err))
		}
		return nil
	}
	size, err := f.Size()
	if err != nil {
		return l.fail(err, "could not stat file \"%s\"", name)
	}
	if size > off {
		if err := f.Truncate(off); err != nil {
			return l.fail(err, "could not truncate file \"%s\"", name)
		}
		if err := f.Sync(); err != nil {
			return l.fail(err, "could not fsync file \"%s\"", name)
		}
	}
	return nil
}
