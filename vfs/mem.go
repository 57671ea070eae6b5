package vfs

import (
	"errors"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// MemFS is an in-memory FS: tusk.Open("") and most tests run on it. Its
// Sync and SyncDir succeed at once and durability is not modelled (use
// CrashFS for that). Paths are slash-separated; relative paths are taken
// relative to "/".
type MemFS struct {
	memFS
}

// NewMem returns an empty in-memory file system holding only "/".
func NewMem() *MemFS {
	m := &MemFS{}
	m.init(false, 0)
	return m
}

var (
	errIsDir    = errors.New("is a directory")
	errNotDir   = errors.New("not a directory")
	errNotEmpty = errors.New("directory not empty")
	errReadOnly = errors.New("file not open for writing")
	errWriteOly = errors.New("file not open for reading")
	errNegative = errors.New("negative offset or size")
)

// inode is the content of one in-memory file. Several names (the current
// and the durable namespace of a CrashFS) may share one inode.
type inode struct {
	mu   sync.RWMutex
	data []byte
	// shared: data (and its spare capacity) also belongs to another MemFS
	// made by Clone; the first change copies it (copy on write).
	shared bool
	// Crash tracking (CrashFS only, V3): the content as of the last
	// successful Sync, and the writes and truncations made since, in order.
	durable []byte
	pending []pendingOp
}

// pendingOp is a write (data != nil) or truncation not yet synced.
type pendingOp struct {
	off   int64
	data  []byte
	trunc bool
	size  int64
}

// memFS is the namespace shared by MemFS and CrashFS.
type memFS struct {
	mu    sync.Mutex
	files map[string]*inode
	dirs  map[string]bool
	locks map[string]bool

	// Crash tracking; track is false for MemFS. dfiles and ddirs are the
	// durable directory entries: those as of the last SyncDir of their
	// parent (V3).
	track   bool
	dfiles  map[string]*inode
	ddirs   map[string]bool
	syncErr error
	rng     *rand.Rand
}

func (m *memFS) init(track bool, seed int64) {
	m.files = map[string]*inode{}
	m.dirs = map[string]bool{"/": true}
	m.locks = map[string]bool{}
	m.track = track
	if track {
		m.dfiles = map[string]*inode{}
		m.ddirs = map[string]bool{"/": true}
		m.rng = rand.New(rand.NewSource(seed))
	}
}

// clean makes name an absolute, clean slash path.
func clean(name string) string {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	return path.Clean(name)
}

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// OpenFile opens name; see FS.OpenFile.
func (m *memFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	p := clean(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dirs[p] {
		return nil, pathErr("open", name, errIsDir)
	}
	acc := flag & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR)
	writable := acc != os.O_RDONLY
	ino := m.files[p]
	switch {
	case ino == nil:
		if flag&os.O_CREATE == 0 {
			return nil, pathErr("open", name, fs.ErrNotExist)
		}
		if !m.dirs[path.Dir(p)] {
			return nil, pathErr("open", name, fs.ErrNotExist)
		}
		ino = &inode{}
		m.files[p] = ino
	case flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0:
		return nil, pathErr("open", name, fs.ErrExist)
	case flag&os.O_TRUNC != 0 && writable:
		ino.mu.Lock()
		ino.truncate(0, m.track)
		ino.mu.Unlock()
	}
	return &memFile{fs: m, ino: ino, name: p, read: acc != os.O_WRONLY, write: writable}, nil
}

// Remove deletes a file or an empty directory.
func (m *memFS) Remove(name string) error {
	p := clean(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.files[p]; ok {
		delete(m.files, p)
		return nil
	}
	if !m.dirs[p] {
		return pathErr("remove", name, fs.ErrNotExist)
	}
	if p == "/" || m.hasChildren(p) {
		return pathErr("remove", name, errNotEmpty)
	}
	delete(m.dirs, p)
	return nil
}

func (m *memFS) hasChildren(dir string) bool {
	for k := range m.files {
		if path.Dir(k) == dir {
			return true
		}
	}
	for k := range m.dirs {
		if k != "/" && path.Dir(k) == dir {
			return true
		}
	}
	return false
}

// Rename moves a file (replacing newname) or a directory.
func (m *memFS) Rename(oldname, newname string) error {
	op, np := clean(oldname), clean(newname)
	m.mu.Lock()
	defer m.mu.Unlock()
	if op == np {
		if m.files[op] == nil && !m.dirs[op] {
			return pathErr("rename", oldname, fs.ErrNotExist)
		}
		return nil
	}
	if !m.dirs[path.Dir(np)] {
		return pathErr("rename", newname, fs.ErrNotExist)
	}
	if ino := m.files[op]; ino != nil {
		if m.dirs[np] {
			return pathErr("rename", newname, errIsDir)
		}
		m.files[np] = ino
		delete(m.files, op)
		return nil
	}
	if !m.dirs[op] || op == "/" {
		return pathErr("rename", oldname, fs.ErrNotExist)
	}
	if m.files[np] != nil {
		return pathErr("rename", newname, errNotDir)
	}
	if strings.HasPrefix(np, op+"/") {
		return pathErr("rename", newname, fs.ErrInvalid)
	}
	if m.dirs[np] && m.hasChildren(np) {
		return pathErr("rename", newname, errNotEmpty)
	}
	moved := func(k string) (string, bool) {
		if k == op {
			return np, true
		}
		if strings.HasPrefix(k, op+"/") {
			return np + k[len(op):], true
		}
		return "", false
	}
	for k, ino := range m.files {
		if nk, ok := moved(k); ok {
			delete(m.files, k)
			m.files[nk] = ino
		}
	}
	for k := range m.dirs {
		if nk, ok := moved(k); ok {
			delete(m.dirs, k)
			m.dirs[nk] = true
		}
	}
	return nil
}

// MkdirAll creates dir and its parents.
func (m *memFS) MkdirAll(dir string, perm os.FileMode) error {
	p := clean(dir)
	m.mu.Lock()
	defer m.mu.Unlock()
	var todo []string
	for d := p; !m.dirs[d]; d = path.Dir(d) {
		if m.files[d] != nil {
			return pathErr("mkdir", dir, errNotDir)
		}
		todo = append(todo, d)
	}
	for _, d := range todo {
		m.dirs[d] = true
	}
	return nil
}

// ReadDir lists the names in dir, sorted.
func (m *memFS) ReadDir(dir string) ([]string, error) {
	p := clean(dir)
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.dirs[p] {
		if m.files[p] != nil {
			return nil, pathErr("readdir", dir, errNotDir)
		}
		return nil, pathErr("readdir", dir, fs.ErrNotExist)
	}
	var names []string
	for k := range m.files {
		if path.Dir(k) == p {
			names = append(names, path.Base(k))
		}
	}
	for k := range m.dirs {
		if k != "/" && path.Dir(k) == p {
			names = append(names, path.Base(k))
		}
	}
	sort.Strings(names)
	return names, nil
}

// Stat returns the size of a file (0 for a directory).
func (m *memFS) Stat(name string) (int64, error) {
	p := clean(name)
	m.mu.Lock()
	ino := m.files[p]
	isDir := m.dirs[p]
	m.mu.Unlock()
	if ino != nil {
		ino.mu.RLock()
		defer ino.mu.RUnlock()
		return int64(len(ino.data)), nil
	}
	if isDir {
		return 0, nil
	}
	return 0, pathErr("stat", name, fs.ErrNotExist)
}

// SyncDir makes the entries of dir durable (V3). On a MemFS it only checks
// that dir exists.
func (m *memFS) SyncDir(dir string) error {
	p := clean(dir)
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.dirs[p] {
		return pathErr("syncdir", dir, fs.ErrNotExist)
	}
	if !m.track {
		return nil
	}
	if m.syncErr != nil {
		return pathErr("syncdir", dir, m.syncErr)
	}
	for k := range m.dfiles {
		if path.Dir(k) == p && m.files[k] == nil {
			delete(m.dfiles, k)
		}
	}
	for k := range m.ddirs {
		if k != "/" && path.Dir(k) == p && !m.dirs[k] {
			delete(m.ddirs, k)
		}
	}
	for k, ino := range m.files {
		if path.Dir(k) == p {
			m.dfiles[k] = ino
		}
	}
	for k := range m.dirs {
		if k != "/" && path.Dir(k) == p {
			m.ddirs[k] = true
		}
	}
	return nil
}

// Lock takes an exclusive in-process lock on name, creating the file.
func (m *memFS) Lock(name string) (io.Closer, error) {
	p := clean(name)
	f, err := m.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	f.Close()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.locks[p] {
		return nil, pathErr("lock", name, ErrLocked)
	}
	m.locks[p] = true
	return &memLock{fs: m, name: p}, nil
}

type memLock struct {
	fs   *memFS
	name string
	once sync.Once
}

func (l *memLock) Close() error {
	l.once.Do(func() {
		l.fs.mu.Lock()
		delete(l.fs.locks, l.name)
		l.fs.mu.Unlock()
	})
	return nil
}

// write applies a write to the inode; the caller holds ino.mu.
func (ino *inode) write(off int64, p []byte, track bool) {
	ino.unshare()
	end := off + int64(len(p))
	if end > int64(len(ino.data)) {
		ino.resize(end)
	}
	copy(ino.data[off:], p)
	if track {
		ino.pending = append(ino.pending, pendingOp{off: off, data: append([]byte(nil), p...)})
	}
}

// truncate sets the size; the caller holds ino.mu.
func (ino *inode) truncate(size int64, track bool) {
	ino.unshare()
	ino.resize(size)
	if track {
		ino.pending = append(ino.pending, pendingOp{trunc: true, size: size})
	}
}

func (ino *inode) resize(size int64) {
	ino.data = resizeBytes(ino.data, size)
}

// resizeBytes grows b with zeros or cuts it to size.
func resizeBytes(b []byte, size int64) []byte {
	n := int(size)
	if n <= len(b) {
		return b[:n]
	}
	if n <= cap(b) {
		old := len(b)
		b = b[:n]
		clear(b[old:])
		return b
	}
	nb := make([]byte, n, max(n, 2*cap(b)))
	copy(nb, b)
	return nb
}

// unshare gives a shared inode data of its own; the caller holds ino.mu.
func (ino *inode) unshare() {
	if ino.shared {
		ino.data = append(make([]byte, 0, cap(ino.data)), ino.data...)
		ino.shared = false
	}
}

// Clone returns a copy of the file system: the same directories and
// files, which the copy and m then change independently. File contents
// are shared until either side writes to them (copy on write), so a clone
// costs little: tusk.Open("") clones a template database this way.
func (m *MemFS) Clone() *MemFS {
	c := NewMem()
	m.mu.Lock()
	defer m.mu.Unlock()
	for d := range m.dirs {
		c.dirs[d] = true
	}
	for name, ino := range m.files {
		ino.mu.Lock()
		ino.shared = true
		c.files[name] = &inode{data: ino.data, shared: true}
		ino.mu.Unlock()
	}
	return c
}

// memFile is an open file of a MemFS or CrashFS.
type memFile struct {
	fs          *memFS
	ino         *inode
	name        string
	read, write bool
	closed      atomic.Bool
}

func (f *memFile) check(op string, off int64) error {
	if f.closed.Load() {
		return pathErr(op, f.name, fs.ErrClosed)
	}
	if off < 0 {
		return pathErr(op, f.name, errNegative)
	}
	return nil
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.check("read", off); err != nil {
		return 0, err
	}
	if !f.read {
		return 0, pathErr("read", f.name, errWriteOly)
	}
	f.ino.mu.RLock()
	defer f.ino.mu.RUnlock()
	if off >= int64(len(f.ino.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.ino.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.check("write", off); err != nil {
		return 0, err
	}
	if !f.write {
		return 0, pathErr("write", f.name, errReadOnly)
	}
	f.ino.mu.Lock()
	f.ino.write(off, p, f.fs.track)
	f.ino.mu.Unlock()
	return len(p), nil
}

func (f *memFile) Sync() error {
	if err := f.check("sync", 0); err != nil {
		return err
	}
	if !f.fs.track {
		return nil
	}
	f.fs.mu.Lock()
	serr := f.fs.syncErr
	f.fs.mu.Unlock()
	if serr != nil {
		// Like Linux after a failed fsync, the pending writes may or may
		// not reach the disk; they stay pending (kept or lost at Crash).
		return pathErr("sync", f.name, serr)
	}
	f.ino.mu.Lock()
	f.ino.durable = append(f.ino.durable[:0], f.ino.data...)
	f.ino.pending = nil
	f.ino.mu.Unlock()
	return nil
}

func (f *memFile) Truncate(size int64) error {
	if err := f.check("truncate", size); err != nil {
		return err
	}
	if !f.write {
		return pathErr("truncate", f.name, errReadOnly)
	}
	f.ino.mu.Lock()
	f.ino.truncate(size, f.fs.track)
	f.ino.mu.Unlock()
	return nil
}

func (f *memFile) Size() (int64, error) {
	if err := f.check("stat", 0); err != nil {
		return 0, err
	}
	f.ino.mu.RLock()
	defer f.ino.mu.RUnlock()
	return int64(len(f.ino.data)), nil
}

func (f *memFile) Close() error {
	if f.closed.Swap(true) {
		return pathErr("close", f.name, fs.ErrClosed)
	}
	return nil
}
