package vfs

import (
	"io"
	"os"
)

// File is an open file. Reads and writes are positional; there is no file
// offset, so one File may be shared by goroutines (V2).
type File interface {
	io.ReaderAt
	io.WriterAt
	// Sync makes every completed write to this file durable (fdatasync).
	Sync() error
	// Truncate sets the file's size.
	Truncate(size int64) error
	// Size returns the file's current size.
	Size() (int64, error)
	Close() error
}

// FS is the file layer: every byte Tusk reads or writes goes through one
// (V1). Names are slash-separated paths; implementations accept both
// absolute paths and paths relative to their working directory.
type FS interface {
	// OpenFile opens name with os.O_* flags (O_RDONLY, O_RDWR, O_CREATE,
	// O_EXCL, O_TRUNC). A missing file without O_CREATE is an error for
	// which errors.Is(err, os.ErrNotExist) holds.
	OpenFile(name string, flag int, perm os.FileMode) (File, error)
	// Remove deletes a file or an empty directory.
	Remove(name string) error
	// Rename atomically replaces newname with oldname (V3: durable only
	// after SyncDir of the directory).
	Rename(oldname, newname string) error
	// MkdirAll creates a directory and its parents.
	MkdirAll(dir string, perm os.FileMode) error
	// ReadDir lists the names in dir, sorted.
	ReadDir(dir string) ([]string, error)
	// Stat returns the size of name, or an error satisfying os.ErrNotExist.
	Stat(name string) (size int64, err error)
	// SyncDir makes creations, removals and renames in dir durable.
	SyncDir(dir string) error
	// Lock takes an exclusive lock on name (creating it), held until the
	// returned Closer is closed or the process exits; a second Lock of the
	// same name, from this process or another, fails at once with
	// ErrLocked (V4).
	Lock(name string) (io.Closer, error)
}

// ErrLocked is returned by FS.Lock when another holder has the lock.
var ErrLocked = lockedError{}

type lockedError struct{}

func (lockedError) Error() string { return "vfs: file is locked by another holder" }
