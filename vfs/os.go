package vfs

import (
	"io"
	"io/fs"
	"os"
)

// Default is the operating system's file system. Paths are used as given
// (relative to the process's working directory when not absolute).
var Default FS = osFS{}

type osFS struct{}

type osFile struct {
	f *os.File
}

func (osFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &osFile{f: f}, nil
}

func (osFS) Remove(name string) error { return os.Remove(name) }

func (osFS) Rename(oldname, newname string) error { return os.Rename(oldname, newname) }

func (osFS) MkdirAll(dir string, perm os.FileMode) error { return os.MkdirAll(dir, perm) }

func (osFS) ReadDir(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		return nil, err
	}
	names := make([]string, len(ents))
	for i, e := range ents {
		names[i] = e.Name()
	}
	return names, nil
}

func (osFS) Stat(name string) (int64, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// SyncDir fsyncs the directory itself, which makes the entries created,
// renamed or removed in it durable (V3).
func (osFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	serr := d.Sync()
	cerr := d.Close()
	if serr != nil {
		return &fs.PathError{Op: "syncdir", Path: dir, Err: serr}
	}
	return cerr
}

// Lock takes a flock(2) lock on name (V4); see lock_unix.go.
func (osFS) Lock(name string) (io.Closer, error) { return lockFile(name) }

func (f *osFile) ReadAt(p []byte, off int64) (int, error)  { return f.f.ReadAt(p, off) }
func (f *osFile) WriteAt(p []byte, off int64) (int, error) { return f.f.WriteAt(p, off) }
func (f *osFile) Truncate(size int64) error                { return f.f.Truncate(size) }
func (f *osFile) Close() error                             { return f.f.Close() }

// Sync makes the file's completed writes durable: fdatasync where the
// platform has it (sync_linux.go), fsync otherwise.
func (f *osFile) Sync() error { return datasync(f.f) }

func (f *osFile) Size() (int64, error) {
	fi, err := f.f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
