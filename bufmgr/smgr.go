package bufmgr

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"sync"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

// Smgr is the storage manager: one file per relation fork under one
// directory, "<dir>/<relfilenode>" for the main fork and "_fsm", "_vm"
// suffixes for the others, grown in BlockSize blocks. It mirrors md.c
// without segments (a fork is one file, whatever its size).
//
// Smgr remembers which files were written, extended or truncated since they
// were last synced, and whether the directory changed, so that SyncAll
// makes exactly those durable (the checkpointer's pending-ops table, B9).
// After a failed fsync every later write and sync fails (B10).
// Smgr is safe for concurrent use.
type Smgr struct {
	fs  vfs.FS
	dir string

	mu       sync.Mutex
	files    map[fileKey]*smgrFile
	pending  map[fileKey]struct{} // written since their last sync
	dirDirty bool                 // a file was created or removed since the last SyncDir
	failed   error                // sticky fsync failure (B10)
}

type fileKey struct {
	node base.RelFileNode
	fork base.ForkNumber
}

type smgrFile struct {
	// mu is held shared for reads and writes of blocks (positional I/O is
	// safe concurrently, V2) and exclusively to extend or truncate, so
	// that two extensions never pick the same block number.
	mu sync.RWMutex
	f  vfs.File
}

// NewSmgr returns a storage manager for the relation files in dir,
// creating dir if it does not exist and syncing its parent directory.
func NewSmgr(fs vfs.FS, dir string) (*Smgr, error) {
	if err := fs.MkdirAll(dir, 0o755); err != nil {
		return nil, pgerr.Wrap(pgerr.IoError, err, "could not create directory %q: %v", dir, err)
	}
	// Make dir's own entry durable, as wal.Open does for pg_wal (B9).
	if err := fs.SyncDir(path.Dir(dir)); err != nil {
		return nil, pgerr.Wrap(pgerr.IoError, err, "could not fsync directory %q: %v", path.Dir(dir), err)
	}
	return &Smgr{
		fs:      fs,
		dir:     dir,
		files:   make(map[fileKey]*smgrFile),
		pending: make(map[fileKey]struct{}),
	}, nil
}

// Dir returns the directory of the relation files.
func (s *Smgr) Dir() string { return s.dir }

var forkSuffix = [...]string{base.MainFork: "", base.FSMFork: "_fsm", base.VMFork: "_vm"}

// RelPath returns the file name of a fork relative to the directory, e.g.
// "16384" or "16384_fsm"; mirrors relpath.
func RelPath(node base.RelFileNode, fork base.ForkNumber) string {
	if int(fork) < len(forkSuffix) {
		return node.String() + forkSuffix[fork]
	}
	return fmt.Sprintf("%s_fork%d", node, fork)
}

// Path returns the file name of a fork.
func (s *Smgr) Path(node base.RelFileNode, fork base.ForkNumber) string {
	return path.Join(s.dir, RelPath(node, fork))
}

func fileError(code pgerr.Code, err error, op, name string) error {
	if errors.Is(err, os.ErrNotExist) {
		code = pgerr.UndefinedFile
	} else if errors.Is(err, os.ErrExist) {
		code = pgerr.DuplicateFile
	}
	return pgerr.Wrap(code, err, "could not %s file %q: %v", op, name, err)
}

// open returns the open file of a fork; with create it creates a missing
// file (and excl makes an existing one an error).
func (s *Smgr) open(node base.RelFileNode, fork base.ForkNumber, create, excl bool) (*smgrFile, error) {
	key := fileKey{node, fork}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sf, ok := s.files[key]; ok {
		if excl {
			return nil, pgerr.New(pgerr.DuplicateFile, "could not create file %q: file exists", s.Path(node, fork))
		}
		return sf, nil
	}
	flag := os.O_RDWR
	if create {
		flag |= os.O_CREATE
		if excl {
			flag |= os.O_EXCL
		}
	}
	name := s.Path(node, fork)
	f, err := s.fs.OpenFile(name, flag, 0o600)
	if err != nil {
		if create && excl && errors.Is(err, os.ErrExist) {
			return nil, fileError(pgerr.DuplicateFile, err, "create", name)
		}
		return nil, fileError(pgerr.IoError, err, "open", name)
	}
	if create {
		// The new directory entry is made durable by the next SyncAll (B9);
		// until then the WAL record of the creation (LogCreate) covers it.
		s.dirDirty = true
	}
	sf := &smgrFile{f: f}
	s.files[key] = sf
	return sf, nil
}

func (s *Smgr) markPending(node base.RelFileNode, fork base.ForkNumber) {
	s.mu.Lock()
	s.pending[fileKey{node, fork}] = struct{}{}
	s.mu.Unlock()
}

func (s *Smgr) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed
}

// Failed returns the fsync failure that put the Smgr into its failed state
// (B10), or nil.
func (s *Smgr) Failed() error { return s.failure() }

// Create creates the file of a fork; it is an error (DuplicateFile) if it
// exists. Mirrors mdcreate with isRedo = false.
func (s *Smgr) Create(node base.RelFileNode, fork base.ForkNumber) error {
	_, err := s.open(node, fork, true, true)
	return err
}

// createIfMissing is mdcreate with isRedo = true.
func (s *Smgr) createIfMissing(node base.RelFileNode, fork base.ForkNumber) error {
	_, err := s.open(node, fork, true, false)
	return err
}

// Exists reports whether the file of a fork exists; mirrors mdexists.
func (s *Smgr) Exists(node base.RelFileNode, fork base.ForkNumber) (bool, error) {
	s.mu.Lock()
	_, ok := s.files[fileKey{node, fork}]
	s.mu.Unlock()
	if ok {
		return true, nil
	}
	name := s.Path(node, fork)
	if _, err := s.fs.Stat(name); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
		return false, fileError(pgerr.IoError, err, "stat", name)
	}
	return true, nil
}

func nblocksOf(sf *smgrFile, name string) (base.BlockNumber, error) {
	size, err := sf.f.Size()
	if err != nil {
		return 0, fileError(pgerr.IoError, err, "stat", name)
	}
	// A trailing partial block (a torn extension) does not count.
	return base.BlockNumber(size / base.BlockSize), nil
}

// NBlocks returns the number of whole blocks in a fork; mirrors mdnblocks.
func (s *Smgr) NBlocks(node base.RelFileNode, fork base.ForkNumber) (base.BlockNumber, error) {
	sf, err := s.open(node, fork, false, false)
	if err != nil {
		return 0, err
	}
	sf.mu.RLock()
	defer sf.mu.RUnlock()
	return nblocksOf(sf, s.Path(node, fork))
}

var zeroBlock [base.BlockSize]byte

// Extend appends one zeroed block to a fork and returns its number; mirrors
// mdextend. Concurrent calls get distinct blocks.
func (s *Smgr) Extend(node base.RelFileNode, fork base.ForkNumber) (base.BlockNumber, error) {
	if err := s.failure(); err != nil {
		return 0, err
	}
	sf, err := s.open(node, fork, false, false)
	if err != nil {
		return 0, err
	}
	name := s.Path(node, fork)
	sf.mu.Lock()
	defer sf.mu.Unlock()
	n, err := nblocksOf(sf, name)
	if err != nil {
		return 0, err
	}
	if n == base.InvalidBlock {
		return 0, pgerr.New(pgerr.ProgramLimitExceeded, "cannot extend file %q beyond %d blocks", name, base.InvalidBlock)
	}
	if _, err := sf.f.WriteAt(zeroBlock[:], int64(n)*base.BlockSize); err != nil {
		return 0, fileError(pgerr.IoError, err, "extend", name)
	}
	s.markPending(node, fork)
	return n, nil
}

// ExtendTo extends a fork with zeroed blocks until it has at least nblocks
// blocks (used by redo, which may meet a block past the end of a file).
func (s *Smgr) ExtendTo(node base.RelFileNode, fork base.ForkNumber, nblocks base.BlockNumber) error {
	if err := s.failure(); err != nil {
		return err
	}
	sf, err := s.open(node, fork, false, false)
	if err != nil {
		return err
	}
	name := s.Path(node, fork)
	sf.mu.Lock()
	defer sf.mu.Unlock()
	n, err := nblocksOf(sf, name)
	if err != nil {
		return err
	}
	for ; n < nblocks; n++ {
		if _, err := sf.f.WriteAt(zeroBlock[:], int64(n)*base.BlockSize); err != nil {
			return fileError(pgerr.IoError, err, "extend", name)
		}
		s.markPending(node, fork)
	}
	return nil
}

// Read reads block tag.Block of its fork into buf (BlockSize bytes); mirrors
// mdread. A block past the end of the file is DataCorrupted ("read only N
// of 8192 bytes"), as in PostgreSQL.
func (s *Smgr) Read(tag base.BufferTag, buf []byte) error {
	if len(buf) != base.BlockSize {
		return pgerr.New(pgerr.InternalError, "read buffer has size %d, want %d", len(buf), base.BlockSize)
	}
	sf, err := s.open(tag.Node, tag.Fork, false, false)
	if err != nil {
		return err
	}
	sf.mu.RLock()
	n, err := sf.f.ReadAt(buf, int64(tag.Block)*base.BlockSize)
	sf.mu.RUnlock()
	if n == base.BlockSize {
		return nil
	}
	name := s.Path(tag.Node, tag.Fork)
	if err != nil && !errors.Is(err, io.EOF) {
		return fileError(pgerr.IoError, err, fmt.Sprintf("read block %d in", tag.Block), name)
	}
	return pgerr.New(pgerr.DataCorrupted, "could not read block %d in file %q: read only %d of %d bytes",
		tag.Block, name, n, base.BlockSize)
}

// Write writes buf (BlockSize bytes) to block tag.Block of its fork;
// mirrors mdwrite. The file is remembered for the next SyncAll (B9).
func (s *Smgr) Write(tag base.BufferTag, buf []byte) error {
	if len(buf) != base.BlockSize {
		return pgerr.New(pgerr.InternalError, "write buffer has size %d, want %d", len(buf), base.BlockSize)
	}
	if err := s.failure(); err != nil {
		return err
	}
	sf, err := s.open(tag.Node, tag.Fork, false, false)
	if err != nil {
		return err
	}
	sf.mu.RLock()
	_, err = sf.f.WriteAt(buf, int64(tag.Block)*base.BlockSize)
	sf.mu.RUnlock()
	if err != nil {
		return fileError(pgerr.IoError, err, fmt.Sprintf("write block %d in", tag.Block), s.Path(tag.Node, tag.Fork))
	}
	s.markPending(tag.Node, tag.Fork)
	return nil
}

// Truncate cuts a fork down to nblocks blocks (a fork already that short is
// left alone); mirrors mdtruncate. Buffers of the removed blocks must have
// been dropped first (Pool.LogTruncate does both).
func (s *Smgr) Truncate(node base.RelFileNode, fork base.ForkNumber, nblocks base.BlockNumber) error {
	if err := s.failure(); err != nil {
		return err
	}
	sf, err := s.open(node, fork, false, false)
	if err != nil {
		return err
	}
	name := s.Path(node, fork)
	sf.mu.Lock()
	defer sf.mu.Unlock()
	size, err := sf.f.Size()
	if err != nil {
		return fileError(pgerr.IoError, err, "stat", name)
	}
	if size <= int64(nblocks)*base.BlockSize {
		return nil
	}
	if err := sf.f.Truncate(int64(nblocks) * base.BlockSize); err != nil {
		return fileError(pgerr.IoError, err, "truncate", name)
	}
	s.markPending(node, fork)
	return nil
}

// Unlink removes every fork file of a relation (missing ones are fine) and
// forgets pending syncs for them; mirrors mdunlink. The caller must have
// dropped the relation's buffers (Pool.DropRelation).
func (s *Smgr) Unlink(node base.RelFileNode) error {
	var firstErr error
	for fork := range base.ForkNumber(len(forkSuffix)) {
		key := fileKey{node, fork}
		s.mu.Lock()
		sf := s.files[key]
		delete(s.files, key)
		delete(s.pending, key)
		s.mu.Unlock()
		if sf != nil {
			sf.mu.Lock()
			_ = sf.f.Close()
			sf.mu.Unlock()
		}
		name := s.Path(node, fork)
		if err := s.fs.Remove(name); err != nil {
			if !errors.Is(err, os.ErrNotExist) && firstErr == nil {
				firstErr = fileError(pgerr.IoError, err, "remove", name)
			}
			continue
		}
		s.mu.Lock()
		s.dirDirty = true
		s.mu.Unlock()
	}
	return firstErr
}

func (s *Smgr) syncFile(key fileKey) error {
	s.mu.Lock()
	if s.failed != nil {
		s.mu.Unlock()
		return s.failed
	}
	sf, ok := s.files[key]
	_, pend := s.pending[key]
	// Forget the pending entry before the fsync: a write that lands during
	// the fsync re-adds it, so it is never lost.
	delete(s.pending, key)
	s.mu.Unlock()
	if !ok || !pend {
		return nil
	}
	if err := sf.f.Sync(); err != nil {
		return s.fail(fileError(pgerr.IoError, err, "fsync", s.Path(key.node, key.fork)))
	}
	return nil
}

// fail records a sync failure for good (B10) and returns it.
func (s *Smgr) fail(err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed == nil {
		s.failed = err
	}
	return s.failed
}

// Sync makes the writes to one fork durable, if it has any pending;
// mirrors mdimmedsync.
func (s *Smgr) Sync(node base.RelFileNode, fork base.ForkNumber) error {
	return s.syncFile(fileKey{node, fork})
}

// SyncAll makes durable every file written since its last sync and, when a
// file was created or removed, the directory (B9); the checkpointer's
// ProcessSyncRequests. A failure is final (B10).
func (s *Smgr) SyncAll() error {
	s.mu.Lock()
	if s.failed != nil {
		s.mu.Unlock()
		return s.failed
	}
	keys := make([]fileKey, 0, len(s.pending))
	for k := range s.pending {
		keys = append(keys, k)
	}
	dirDirty := s.dirDirty
	s.dirDirty = false
	s.mu.Unlock()
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].node.Rel != keys[j].node.Rel {
			return keys[i].node.Rel < keys[j].node.Rel
		}
		return keys[i].fork < keys[j].fork
	})
	for _, k := range keys {
		if err := s.syncFile(k); err != nil {
			return err
		}
	}
	if dirDirty {
		if err := s.fs.SyncDir(s.dir); err != nil {
			return s.fail(fileError(pgerr.IoError, err, "fsync directory", s.dir))
		}
	}
	return nil
}

// PendingSyncs returns how many files wait for SyncAll.
func (s *Smgr) PendingSyncs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// Close closes every open file. Pending syncs are forgotten: call SyncAll
// first to keep them.
func (s *Smgr) Close() error {
	s.mu.Lock()
	files := s.files
	s.files = make(map[fileKey]*smgrFile)
	s.pending = make(map[fileKey]struct{})
	s.mu.Unlock()
	var firstErr error
	for k, sf := range files {
		sf.mu.Lock()
		if err := sf.f.Close(); err != nil && firstErr == nil {
			firstErr = fileError(pgerr.IoError, err, "close", s.Path(k.node, k.fork))
		}
		sf.mu.Unlock()
	}
	return firstErr
}
