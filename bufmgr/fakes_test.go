package bufmgr

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

// events records the order of interesting operations across the fake FS
// and the fake WAL, so tests can check the WAL rule (B3).
type events struct {
	mu  sync.Mutex
	log []string
}

func (e *events) add(format string, args ...any) {
	if e == nil {
		return
	}
	e.mu.Lock()
	e.log = append(e.log, fmt.Sprintf(format, args...))
	e.mu.Unlock()
}

func (e *events) list() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.log...)
}

// memFS is a small in-memory vfs.FS for bufmgr's tests (kept here so the
// tests do not depend on package vfs's implementations).
type memFS struct {
	mu      sync.Mutex
	files   map[string]*memFile
	dirs    map[string]bool
	ev      *events
	syncErr error
	syncs   map[string]int
}

type memFile struct {
	fs   *memFS
	name string
	data []byte
}

func newMemFS(ev *events) *memFS {
	return &memFS{files: map[string]*memFile{}, dirs: map[string]bool{}, ev: ev, syncs: map[string]int{}}
}

func clean(name string) string { return path.Clean(name) }

func (fs *memFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	name = clean(name)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.files[name]
	if ok && flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0 {
		return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrExist}
	}
	if !ok {
		if flag&os.O_CREATE == 0 {
			return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrNotExist}
		}
		f = &memFile{fs: fs, name: name}
		fs.files[name] = f
		fs.ev.add("create %s", name)
	}
	if flag&os.O_TRUNC != 0 {
		f.data = nil
	}
	return f, nil
}

func (fs *memFS) Remove(name string) error {
	name = clean(name)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if _, ok := fs.files[name]; !ok {
		return &os.PathError{Op: "remove", Path: name, Err: os.ErrNotExist}
	}
	delete(fs.files, name)
	fs.ev.add("remove %s", name)
	return nil
}

func (fs *memFS) Rename(oldname, newname string) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.files[clean(oldname)]
	if !ok {
		return &os.PathError{Op: "rename", Path: oldname, Err: os.ErrNotExist}
	}
	delete(fs.files, clean(oldname))
	f.name = clean(newname)
	fs.files[clean(newname)] = f
	return nil
}

func (fs *memFS) MkdirAll(dir string, perm os.FileMode) error {
	fs.mu.Lock()
	fs.dirs[clean(dir)] = true
	fs.mu.Unlock()
	return nil
}

func (fs *memFS) ReadDir(dir string) ([]string, error) {
	dir = clean(dir)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var names []string
	for n := range fs.files {
		if path.Dir(n) == dir {
			names = append(names, path.Base(n))
		}
	}
	sort.Strings(names)
	return names, nil
}

func (fs *memFS) Stat(name string) (int64, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.files[clean(name)]
	if !ok {
		return 0, &os.PathError{Op: "stat", Path: name, Err: os.ErrNotExist}
	}
	return int64(len(f.data)), nil
}

func (fs *memFS) SyncDir(dir string) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.ev.add("syncdir %s", clean(dir))
	fs.syncs["dir:"+clean(dir)]++
	return nil
}

func (fs *memFS) Lock(name string) (io.Closer, error) { return io.NopCloser(nil), nil }

// raw returns a copy of a file's bytes.
func (fs *memFS) raw(name string) []byte {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := fs.files[clean(name)]
	if f == nil {
		return nil
	}
	return append([]byte(nil), f.data...)
}

// poke overwrites bytes of a file directly (to simulate corruption).
func (fs *memFS) poke(name string, off int, b []byte) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	copy(fs.files[clean(name)].data[off:], b)
}

func (fs *memFS) syncCount(name string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.syncs[clean(name)]
}

func (f *memFile) ReadAt(b []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if off >= int64(len(f.data)) {
		return 0, io.EOF
	}
	n := copy(b, f.data[off:])
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) WriteAt(b []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if end := int(off) + len(b); end > len(f.data) {
		f.data = append(f.data, make([]byte, end-len(f.data))...)
	}
	copy(f.data[off:], b)
	kind := "write"
	if Page(b).IsNew() {
		kind = "zero" // an extension
	}
	f.fs.ev.add("%s %s %d", kind, path.Base(f.name), off/base.BlockSize)
	return len(b), nil
}

func (f *memFile) Sync() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.fs.syncErr != nil {
		return f.fs.syncErr
	}
	f.fs.syncs[f.name]++
	f.fs.ev.add("sync %s", path.Base(f.name))
	return nil
}

func (f *memFile) Truncate(size int64) error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if size < int64(len(f.data)) {
		f.data = f.data[:size]
	} else {
		f.data = append(f.data, make([]byte, int(size)-len(f.data))...)
	}
	return nil
}

func (f *memFile) Size() (int64, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	return int64(len(f.data)), nil
}

func (f *memFile) Close() error { return nil }

// fakeLog is a Log for tests: LSNs grow by 100 per record.
type fakeLog struct {
	mu       sync.Mutex
	ev       *events
	next     base.LSN
	flushed  base.LSN
	redo     base.LSN
	recs     []*wal.Record
	flushErr error
}

func newFakeLog(ev *events) *fakeLog { return &fakeLog{ev: ev, next: 1000} }

func (l *fakeLog) Insert(rec *wal.Record) (wal.LSN, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rec.LSN = l.next
	l.next += 100
	rec.EndLSN = l.next
	// Like wal.Log: an image is stored when forced or when the page was
	// last logged at or before the redo pointer (W4).
	for i := range rec.Blocks {
		br := &rec.Blocks[i]
		if br.Page != nil && (br.ForceImage || br.PageLSN <= l.redo) {
			br.Image = append([]byte(nil), br.Page...)
		}
	}
	l.recs = append(l.recs, rec)
	l.ev.add("insert %d/%d", rec.Rmgr, rec.Info)
	return rec.EndLSN, nil
}

func (l *fakeLog) Flush(upTo wal.LSN) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.flushErr != nil {
		return l.flushErr
	}
	if upTo > l.flushed {
		l.flushed = upTo
	}
	l.ev.add("flush %d", upTo)
	return nil
}

func (l *fakeLog) RedoPointer() wal.LSN {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.redo
}

func (l *fakeLog) setRedo(lsn base.LSN) {
	l.mu.Lock()
	l.redo = lsn
	l.mu.Unlock()
}

func (l *fakeLog) records() []*wal.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*wal.Record(nil), l.recs...)
}

func (l *fakeLog) flushedLSN() base.LSN {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.flushed
}

// hasPrefix reports whether any event starts with prefix.
func hasEvent(evs []string, prefix string) int {
	for i, e := range evs {
		if strings.HasPrefix(e, prefix) {
			return i
		}
	}
	return -1
}

var errSync = errors.New("injected fsync failure")
