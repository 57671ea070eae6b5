package exec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path"
	"sync/atomic"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

// TempFilePrefix starts the name of every temporary file the executor
// creates in Context.TempDir; files left by a crash can be removed at
// startup by this prefix (as PostgreSQL removes pgsql_tmp files).
const TempFilePrefix = "tusk_tmp."

// tempBufSize is the write and read buffer of a temporary file, one
// block as PostgreSQL's BufFile.
const tempBufSize = 8192

var tempSeq atomic.Uint64

// tempFile is a temporary file of length-prefixed records (X10): written
// by appending through a buffer, read by any number of tempReaders.
// close removes it; the statement's Context removes any left open.
type tempFile struct {
	ec   *Context
	name string
	f    vfs.File
	w    []byte // pending appended bytes
	size int64  // bytes written to f
	done bool
}

func (ec *Context) newTempFile() (*tempFile, error) {
	fs := ec.TempFS
	if fs == nil {
		return nil, pgerr.New(pgerr.InternalError, "no temporary file space")
	}
	dir := ec.TempDir
	if dir == "" {
		dir = "/"
	}
	if err := fs.MkdirAll(dir, 0o700); err != nil {
		return nil, pgerr.Wrap(pgerr.IoError, err, "could not create temporary file directory %q: %v", dir, err)
	}
	var name string
	var f vfs.File
	var err error
	for try := 0; ; try++ {
		name = path.Join(dir, fmt.Sprintf("%s%d", TempFilePrefix, tempSeq.Add(1)))
		f, err = fs.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		// A file left by an earlier process may hold the name: take the next.
		if err == nil || !errors.Is(err, iofs.ErrExist) || try == 100 {
			break
		}
	}
	if err != nil {
		return nil, pgerr.Wrap(pgerr.IoError, err, "could not create temporary file %q: %v", name, err)
	}
	t := &tempFile{ec: ec, name: name, f: f}
	if st := ec.state(); st.temps == nil {
		st.temps = map[*tempFile]struct{}{}
	}
	ec.state().temps[t] = struct{}{}
	return t, nil
}

// appendRecord adds one record.
func (t *tempFile) appendRecord(rec []byte) error {
	t.w = binary.AppendUvarint(t.w, uint64(len(rec)))
	t.w = append(t.w, rec...)
	if len(t.w) >= tempBufSize {
		return t.flush()
	}
	return nil
}

// appendRow encodes and adds a row (X12).
func (t *tempFile) appendRow(r *Row) error {
	rec, err := appendRow(nil, r)
	if err != nil {
		return err
	}
	return t.appendRecord(rec)
}

func (t *tempFile) flush() error {
	if len(t.w) == 0 {
		return nil
	}
	if _, err := t.f.WriteAt(t.w, t.size); err != nil {
		return pgerr.Wrap(pgerr.IoError, err, "could not write to temporary file %q: %v", t.name, err)
	}
	t.size += int64(len(t.w))
	t.w = t.w[:0]
	return nil
}

// bytes is the file's logical size, buffered bytes included.
func (t *tempFile) bytes() int64 { return t.size + int64(len(t.w)) }

// close closes and removes the file; it may be called more than once.
func (t *tempFile) close() {
	if t == nil || t.done {
		return
	}
	t.done = true
	_ = t.f.Close()
	_ = t.ec.TempFS.Remove(t.name)
	t.ec.PgStat.Collector().ReportTempFile(t.size) // temp_files, temp_bytes
	delete(t.ec.state().temps, t)
	t.w = nil
}

// tempReader reads a tempFile's records in order from an offset.
type tempReader struct {
	t          *tempFile
	off        int64 // file offset of buf[0]
	buf        []byte
	start, end int
}

func (t *tempFile) reader() *tempReader {
	return &tempReader{t: t, buf: make([]byte, tempBufSize)}
}

// fill makes at least n bytes available; false at the end of the file.
func (r *tempReader) fill(n int) (bool, error) {
	for r.end-r.start < n {
		if r.start > 0 {
			copy(r.buf, r.buf[r.start:r.end])
			r.off += int64(r.start)
			r.end -= r.start
			r.start = 0
		}
		if n > len(r.buf) {
			nb := make([]byte, max(n, 2*len(r.buf)))
			copy(nb, r.buf[:r.end])
			r.buf = nb
		}
		pos := r.off + int64(r.end)
		if pos >= r.t.size && len(r.t.w) > 0 {
			if err := r.t.flush(); err != nil {
				return false, err
			}
		}
		if pos >= r.t.size {
			return false, nil
		}
		want := min(int64(len(r.buf)-r.end), r.t.size-pos)
		m, err := r.t.f.ReadAt(r.buf[r.end:r.end+int(want)], pos)
		r.end += m
		if err != nil && !errors.Is(err, io.EOF) {
			return false, pgerr.Wrap(pgerr.IoError, err, "could not read temporary file %q: %v", r.t.name, err)
		}
		if m == 0 {
			return false, errCorruptTemp("short read")
		}
	}
	return true, nil
}

// next returns the next record (valid until the next call), or nil at
// the end of what has been written so far.
func (r *tempReader) next() ([]byte, error) {
	ok, err := r.fill(1)
	if err != nil || !ok {
		return nil, err
	}
	// A uvarint of a record length has at most 10 bytes.
	if _, err := r.fill(binary.MaxVarintLen64); err != nil {
		return nil, err
	}
	n, k := binary.Uvarint(r.buf[r.start:r.end])
	if k <= 0 || n > uint64(r.t.bytes()) {
		return nil, errCorruptTemp("record length")
	}
	r.start += k
	ok, err = r.fill(int(n))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errCorruptTemp("truncated record")
	}
	rec := r.buf[r.start : r.start+int(n)]
	r.start += int(n)
	return rec, nil
}

// nextRow reads and decodes the next row, nil at the end.
func (r *tempReader) nextRow() (*Row, error) {
	rec, err := r.next()
	if err != nil || rec == nil {
		return nil, err
	}
	return decodeRow(rec)
}
