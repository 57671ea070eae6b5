package vfs

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"sync"
	"testing"
)

// eachFS runs a conformance test against every implementation.
func eachFS(t *testing.T, f func(t *testing.T, fsys FS, root string)) {
	t.Run("OS", func(t *testing.T) { f(t, Default, t.TempDir()) })
	t.Run("Mem", func(t *testing.T) {
		m := NewMem()
		if err := m.MkdirAll("/data", 0o755); err != nil {
			t.Fatal(err)
		}
		f(t, m, "/data")
	})
	t.Run("Crash", func(t *testing.T) {
		c := NewCrash(1)
		if err := c.MkdirAll("/data", 0o755); err != nil {
			t.Fatal(err)
		}
		f(t, c, "/data")
	})
}

func mustWrite(t *testing.T, fsys FS, name string, data []byte) {
	t.Helper()
	f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, fsys FS, name string) []byte {
	t.Helper()
	f, err := fsys.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := f.Size()
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, n)
	if _, err := f.ReadAt(b, 0); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	return b
}

func TestReadWrite(t *testing.T) {
	eachFS(t, func(t *testing.T, fsys FS, root string) {
		name := path.Join(root, "f")
		if _, err := fsys.OpenFile(name, os.O_RDWR, 0); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("open missing: %v", err)
		}
		f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt([]byte("world"), 6); err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt([]byte("hello"), 0); err != nil {
			t.Fatal(err)
		}
		if sz, _ := f.Size(); sz != 11 {
			t.Fatalf("size %d", sz)
		}
		buf := make([]byte, 11)
		if n, err := f.ReadAt(buf, 0); n != 11 || err != nil {
			t.Fatalf("ReadAt = %d, %v", n, err)
		}
		if !bytes.Equal(buf, []byte("hello\x00world")) {
			t.Fatalf("content %q", buf)
		}
		// A short read reports io.EOF with the bytes read.
		if n, err := f.ReadAt(buf, 8); n != 3 || err != io.EOF {
			t.Fatalf("short ReadAt = %d, %v", n, err)
		}
		if n, err := f.ReadAt(buf, 100); n != 0 || err != io.EOF {
			t.Fatalf("ReadAt past end = %d, %v", n, err)
		}
		if err := f.Truncate(5); err != nil {
			t.Fatal(err)
		}
		if sz, _ := fsys.Stat(name); sz != 5 {
			t.Fatalf("stat size %d", sz)
		}
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644); !errors.Is(err, os.ErrExist) {
			t.Fatalf("O_EXCL on existing: %v", err)
		}
		if got := readAll(t, fsys, name); string(got) != "hello" {
			t.Fatalf("reopened %q", got)
		}
		mustWrite(t, fsys, name, []byte("ab"))
		if got := readAll(t, fsys, name); string(got) != "ab" {
			t.Fatalf("after O_TRUNC %q", got)
		}
		ro, err := fsys.OpenFile(name, os.O_RDONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ro.WriteAt([]byte("x"), 0); err == nil {
			t.Fatal("write to read-only file succeeded")
		}
		ro.Close()
	})
}

func TestNamespace(t *testing.T) {
	eachFS(t, func(t *testing.T, fsys FS, root string) {
		sub := path.Join(root, "a", "b")
		if err := fsys.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := fsys.MkdirAll(sub, 0o755); err != nil {
			t.Fatalf("MkdirAll twice: %v", err)
		}
		mustWrite(t, fsys, path.Join(sub, "y"), []byte("1"))
		mustWrite(t, fsys, path.Join(sub, "x"), []byte("22"))
		names, err := fsys.ReadDir(sub)
		if err != nil || len(names) != 2 || names[0] != "x" || names[1] != "y" {
			t.Fatalf("ReadDir = %v, %v", names, err)
		}
		if names, _ := fsys.ReadDir(path.Join(root, "a")); len(names) != 1 || names[0] != "b" {
			t.Fatalf("ReadDir(a) = %v", names)
		}
		if _, err := fsys.ReadDir(path.Join(root, "nope")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("ReadDir missing: %v", err)
		}
		// Rename replaces the target.
		if err := fsys.Rename(path.Join(sub, "x"), path.Join(sub, "y")); err != nil {
			t.Fatal(err)
		}
		if got := readAll(t, fsys, path.Join(sub, "y")); string(got) != "22" {
			t.Fatalf("after rename %q", got)
		}
		if _, err := fsys.Stat(path.Join(sub, "x")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("stat renamed-away: %v", err)
		}
		if err := fsys.Remove(sub); err == nil {
			t.Fatal("removed a non-empty directory")
		}
		if err := fsys.Remove(path.Join(sub, "y")); err != nil {
			t.Fatal(err)
		}
		if err := fsys.Remove(path.Join(sub, "y")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("remove missing: %v", err)
		}
		if err := fsys.Remove(sub); err != nil {
			t.Fatal(err)
		}
		if err := fsys.SyncDir(path.Join(root, "a")); err != nil {
			t.Fatal(err)
		}
		if _, err := fsys.OpenFile(path.Join(root, "nodir", "f"), os.O_RDWR|os.O_CREATE, 0o644); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("create in missing dir: %v", err)
		}
	})
}

func TestLock(t *testing.T) {
	eachFS(t, func(t *testing.T, fsys FS, root string) {
		name := path.Join(root, "LOCK")
		l1, err := fsys.Lock(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fsys.Lock(name); !errors.Is(err, ErrLocked) {
			t.Fatalf("second Lock: %v", err)
		}
		if err := l1.Close(); err != nil {
			t.Fatal(err)
		}
		l2, err := fsys.Lock(name)
		if err != nil {
			t.Fatalf("Lock after release: %v", err)
		}
		l2.Close()
	})
}

// TestConcurrentWriteAt checks V2 under -race: distinct ranges of one File
// written from several goroutines.
func TestConcurrentWriteAt(t *testing.T) {
	eachFS(t, func(t *testing.T, fsys FS, root string) {
		f, err := fsys.OpenFile(path.Join(root, "c"), os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		const n, size = 8, 1000
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.WriteAt(bytes.Repeat([]byte{byte('a' + i)}, size), int64(i*size)); err != nil {
					t.Error(err)
				}
				buf := make([]byte, size)
				if _, err := f.ReadAt(buf, int64(i*size)); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		buf := make([]byte, n*size)
		if _, err := f.ReadAt(buf, 0); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if buf[i*size] != byte('a'+i) || buf[i*size+size-1] != byte('a'+i) {
				t.Fatalf("range %d corrupted", i)
			}
		}
	})
}

func TestClosedFile(t *testing.T) {
	m := NewMem()
	f, err := m.OpenFile("x", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := f.ReadAt(make([]byte, 1), 0); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("read after close: %v", err)
	}
	// Relative paths are relative to "/".
	if _, err := m.Stat("/x"); err != nil {
		t.Fatal(err)
	}
}

func TestMemRenameDir(t *testing.T) {
	m := NewMem()
	if err := m.MkdirAll("/d/e", 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, m, "/d/e/f", []byte("x"))
	if err := m.Rename("/d", "/g"); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, m, "/g/e/f"); string(got) != "x" {
		t.Fatalf("got %q", got)
	}
	if _, err := m.Stat("/d"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("old dir still there: %v", err)
	}
}

// A clone has the files and directories of its source; writes, growth
// and truncation on either side do not show on the other (V5).
func TestMemClone(t *testing.T) {
	m := NewMem()
	if err := m.MkdirAll("/d", 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := m.OpenFile("/d/a", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("hello"), 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	read := func(fs FS, name string) string {
		t.Helper()
		f, err := fs.OpenFile(name, os.O_RDONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		n, _ := f.Size()
		b := make([]byte, n)
		if _, err := f.ReadAt(b, 0); err != nil && n > 0 {
			t.Fatal(err)
		}
		return string(b)
	}
	write := func(fs FS, name string, off int64, s string) {
		t.Helper()
		f, err := fs.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteAt([]byte(s), off); err != nil {
			t.Fatal(err)
		}
	}
	c1, c2 := m.Clone(), m.Clone()
	write(c1, "/d/a", 0, "J")
	write(c2, "/d/a", 5, " world") // grows into spare capacity it must not share
	write(c1, "/d/a", 5, "!!")
	if got := read(m, "/d/a"); got != "hello" {
		t.Fatalf("source: %q", got)
	}
	if got := read(c1, "/d/a"); got != "Jello!!" {
		t.Fatalf("clone 1: %q", got)
	}
	if got := read(c2, "/d/a"); got != "hello world" {
		t.Fatalf("clone 2: %q", got)
	}
	write(m, "/d/a", 0, "H")
	if got := read(c2, "/d/a"); got != "hello world" {
		t.Fatalf("clone 2 after a source write: %q", got)
	}
	f, err = c1.OpenFile("/d/a", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := read(m, "/d/a"); got != "Hello" {
		t.Fatalf("source after a clone's truncate: %q", got)
	}
	if names, err := c2.ReadDir("/d"); err != nil || len(names) != 1 {
		t.Fatalf("clone 2 dir: %v %v", names, err)
	}
}
