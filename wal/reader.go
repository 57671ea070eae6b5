package wal

import (
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

// readAhead is how much a Reader reads from the files at a time.
const readAhead = 64 << 10

// Reader reads records from the segment files in LSN order. It sees what
// has been written to the files: call Flush first to read everything
// inserted. It is not safe for concurrent use.
// mirrors XLogReaderState / XLogReadRecord.
type Reader struct {
	fs      vfs.FS
	dir     string
	segSize int64

	pos       LSN  // where the next record starts
	last      LSN  // start of the last record returned
	checkPrev bool // whether the next record's prev must equal last

	buf      []byte // read-ahead: the stream bytes [bufStart, bufStart+len(buf))
	bufStart LSN
	seg      uint64
	f        vfs.File

	err       error // sticky: io.EOF or an I/O error
	endReason error
}

// NewReader returns a Reader starting at from, which must be the start of
// a record (or InvalidLSN, meaning FirstLSN).
func (l *Log) NewReader(from LSN) *Reader {
	r := &Reader{fs: l.fs, dir: l.dir, segSize: l.segSize, pos: from}
	switch {
	case from == InvalidLSN:
		r.pos = FirstLSN
		r.checkPrev = true
	case from < FirstLSN:
		r.err = pgerr.New(pgerr.InternalError, "invalid WAL start position %s", from)
	case from == FirstLSN:
		r.checkPrev = true // the first record has no predecessor
	}
	return r
}

// Pos returns where the next record would start; after Next returned
// io.EOF, the end of the valid log.
func (r *Reader) Pos() LSN { return r.pos }

// LastLSN returns the start of the last record Next returned.
func (r *Reader) LastLSN() LSN { return r.last }

// EndReason says why Next returned io.EOF: a pgerr.DataCorrupted error
// describing the invalid bytes that end the log (a bad length, a bad CRC,
// a wrong prev-link), or nil if the log ended cleanly: the files end, or
// the next record header is all zeros, as in the unwritten part of a
// preallocated segment (W11).
func (r *Reader) EndReason() error { return r.endReason }

// Close releases the Reader's open file.
func (r *Reader) Close() error {
	if r.f != nil {
		err := r.f.Close()
		r.f = nil
		return err
	}
	return nil
}

// Next returns the next record, or io.EOF at the end of the valid log (W8):
// the files end, or the bytes at Pos are not a whole, valid record that
// follows the previous one. I/O errors are pgerr.IoError.
func (r *Reader) Next() (*Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
		r.Close()
	}
	return rec, err
}

func (r *Reader) stop(reason error) error {
	r.endReason = reason
	return io.EOF
}

func (r *Reader) next() (*Record, error) {
	h, ok, err := r.read(r.pos, RecordHeaderSize)
	if err != nil {
		return nil, err
	}
	if !ok || allZero(h) {
		// The files end, or the log runs into the zero-filled part of a
		// preallocated segment (W11): a clean end.
		return nil, r.stop(nil)
	}
	tot, valid := recordLength(h)
	if !valid {
		return nil, r.stop(corrupt(r.pos, "invalid record length %d", binary.LittleEndian.Uint32(h)))
	}
	if tot > readAhead {
		// Do not allocate what a garbage length claims unless the files
		// hold that many bytes.
		ok, err := r.available(r.pos, tot)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, r.stop(nil)
		}
	}
	raw, ok, err := r.read(r.pos, tot)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, r.stop(nil)
	}
	rec, err := decodeRecord(slices.Clone(raw), r.pos)
	if err != nil {
		return nil, r.stop(err)
	}
	if r.checkPrev && rec.Prev != r.last {
		return nil, r.stop(corrupt(r.pos, "record with incorrect prev-link %s, expected %s", rec.Prev, r.last))
	}
	r.last, r.pos, r.checkPrev = rec.LSN, rec.EndLSN, true
	return rec, nil
}

// segment returns the open file of segment segno, or ok=false if there is
// none.
func (r *Reader) segment(segno uint64) (vfs.File, bool, error) {
	if r.f != nil && r.seg == segno {
		return r.f, true, nil
	}
	r.Close()
	name := path.Join(r.dir, SegmentName(segno, r.segSize))
	f, err := r.fs.OpenFile(name, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, ioErr(err, "could not open file \"%s\"", name)
	}
	r.f, r.seg = f, segno
	return f, true, nil
}

// available reports whether the files hold the n stream bytes at pos.
func (r *Reader) available(pos LSN, n int) (bool, error) {
	end := uint64(pos) + uint64(n)
	for p := uint64(pos); p < end; {
		segno := p / uint64(r.segSize)
		segEnd := min((segno+1)*uint64(r.segSize), end)
		name := path.Join(r.dir, SegmentName(segno, r.segSize))
		size, err := r.fs.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, ioErr(err, "could not stat file \"%s\"", name)
		}
		if uint64(size) < segEnd-segno*uint64(r.segSize) {
			return false, nil
		}
		p = segEnd
	}
	return true, nil
}

// read returns the n stream bytes at pos, or ok=false if the files end
// first. The slice is valid until the next read.
func (r *Reader) read(pos LSN, n int) ([]byte, bool, error) {
	if pos >= r.bufStart && uint64(pos)+uint64(n) <= uint64(r.bufStart)+uint64(len(r.buf)) {
		o := int(pos - r.bufStart)
		return r.buf[o : o+n], true, nil
	}
	want := max(n, readAhead)
	if cap(r.buf) < want {
		r.buf = make([]byte, want)
	}
	r.buf = r.buf[:want]
	filled := 0
	for filled < want {
		p := uint64(pos) + uint64(filled)
		segno := p / uint64(r.segSize)
		off := int64(p % uint64(r.segSize))
		chunk := int(min(int64(want-filled), r.segSize-off))
		f, ok, err := r.segment(segno)
		if err != nil {
			r.buf = r.buf[:0]
			return nil, false, err
		}
		if !ok {
			break
		}
		k, err := f.ReadAt(r.buf[filled:filled+chunk], off)
		filled += k
		if !isEOF(err) {
			r.buf = r.buf[:0]
			return nil, false, ioErr(err, "could not read file \"%s\"", SegmentName(segno, r.segSize))
		}
		if k < chunk {
			break
		}
	}
	r.buf, r.bufStart = r.buf[:filled], pos
	if filled < n {
		return nil, false, nil
	}
	return r.buf[:n], true, nil
}
