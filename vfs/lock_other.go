//go:build !unix

package vfs

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Without flock, locks are only exclusive within this process.
var (
	osLocksMu sync.Mutex
	osLocks   = map[string]bool{}
)

type osLock struct {
	name string
	f    *os.File
	once sync.Once
}

func (l *osLock) Close() error {
	var err error
	l.once.Do(func() {
		osLocksMu.Lock()
		delete(osLocks, l.name)
		osLocksMu.Unlock()
		err = l.f.Close()
	})
	return err
}

func lockFile(name string) (io.Closer, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	osLocksMu.Lock()
	defer osLocksMu.Unlock()
	if osLocks[abs] {
		f.Close()
		return nil, &fs.PathError{Op: "lock", Path: name, Err: ErrLocked}
	}
	osLocks[abs] = true
	return &osLock{name: abs, f: f}, nil
}
