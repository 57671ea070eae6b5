//go:build unix

package vfs

import (
	"io"
	"io/fs"
	"os"
	"syscall"
)

// lockFile takes flock(LOCK_EX|LOCK_NB) on name, creating it. flock locks
// belong to the open file description, so a second Lock of the same file
// fails even from the same process (V4).
func lockFile(name string) (io.Closer, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	var lerr error
	if err := rc.Control(func(fd uintptr) {
		for {
			lerr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
			if lerr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		f.Close()
		return nil, err
	}
	if lerr != nil {
		f.Close()
		if lerr == syscall.EWOULDBLOCK || lerr == syscall.EAGAIN {
			return nil, &fs.PathError{Op: "lock", Path: name, Err: ErrLocked}
		}
		return nil, &fs.PathError{Op: "lock", Path: name, Err: lerr}
	}
	// Closing the descriptor releases the flock.
	return f, nil
}
