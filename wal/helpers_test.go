package wal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/vfs"
)

const testDir = "/data/pg_wal"

func openLog(t testing.TB, fsys vfs.FS, segSize int64) *Log {
	t.Helper()
	l, err := Open(Options{FS: fsys, Dir: testDir, SegmentSize: segSize})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// newCrashFS returns a CrashFS whose /data directory is durable.
func newCrashFS(t testing.TB, seed int64) *vfs.CrashFS {
	t.Helper()
	c := vfs.NewCrash(seed)
	if err := c.MkdirAll("/data", 0o700); err != nil {
		t.Fatal(err)
	}
	if err := c.SyncDir("/"); err != nil {
		t.Fatal(err)
	}
	return c
}

// testRecord builds a record whose content derives from i.
func testRecord(i int, size int) *Record {
	data := make([]byte, size)
	for j := range data {
		data[j] = byte(i*7 + j)
	}
	return &Record{XID: base.XID(i + 3), Rmgr: RmgrHeap, Info: byte(i), Data: data}
}

func insert(t testing.TB, l *Log, rec *Record) LSN {
	t.Helper()
	end, err := l.Insert(rec)
	if err != nil {
		t.Fatal(err)
	}
	return end
}

// readAll returns every record from `from` to the end of the valid log.
func readAll(t testing.TB, l *Log, from LSN) []*Record {
	t.Helper()
	r := l.NewReader(from)
	defer r.Close()
	var recs []*Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
}

// sameRecord compares what a reader returns with what was inserted.
func sameRecord(got, want *Record) error {
	switch {
	case got.LSN != want.LSN || got.EndLSN != want.EndLSN || got.Prev != want.Prev:
		return fmt.Errorf("positions: got %s..%s prev %s, want %s..%s prev %s",
			got.LSN, got.EndLSN, got.Prev, want.LSN, want.EndLSN, want.Prev)
	case got.XID != want.XID || got.Rmgr != want.Rmgr || got.Info != want.Info:
		return fmt.Errorf("header: got %d/%d/%d, want %d/%d/%d", got.XID, got.Rmgr, got.Info, want.XID, want.Rmgr, want.Info)
	case !bytes.Equal(got.Data, want.Data):
		return fmt.Errorf("main data differs (%d vs %d bytes)", len(got.Data), len(want.Data))
	case len(got.Blocks) != len(want.Blocks):
		return fmt.Errorf("got %d blocks, want %d", len(got.Blocks), len(want.Blocks))
	}
	for i := range got.Blocks {
		g, w := got.Blocks[i], want.Blocks[i]
		if g.Tag != w.Tag || g.WillInit != w.WillInit || !bytes.Equal(g.Data, w.Data) {
			return fmt.Errorf("block %d differs: %+v vs %+v", i, g.Tag, w.Tag)
		}
	}
	return nil
}

// testPage returns a standard page: header with pd_lower/pd_upper, line
// pointers and tuple bytes, zeros between.
func testPage(lower, upper int, seed byte) []byte {
	p := make([]byte, base.BlockSize)
	for i := range lower {
		p[i] = seed + byte(i)
	}
	for i := upper; i < base.BlockSize; i++ {
		p[i] = seed ^ byte(i)
	}
	p[pdLowerOff], p[pdLowerOff+1] = byte(lower), byte(lower>>8)
	p[pdUpperOff], p[pdUpperOff+1] = byte(upper), byte(upper>>8)
	return p
}

// hookFS wraps an FS to inject faults or pause in Sync, WriteAt, Rename
// and SyncDir. It is not a *vfs.MemFS, so a log on a hookFS over a MemFS
// preallocates its segments (W11).
type hookFS struct {
	vfs.FS
	onSync    func(name string) error
	onWrite   func(name string) error
	onRename  func(oldname, newname string) error
	onSyncDir func(dir string) error
}

func (h *hookFS) Rename(oldname, newname string) error {
	if h.onRename != nil {
		if err := h.onRename(oldname, newname); err != nil {
			return err
		}
	}
	return h.FS.Rename(oldname, newname)
}

func (h *hookFS) SyncDir(dir string) error {
	if h.onSyncDir != nil {
		if err := h.onSyncDir(dir); err != nil {
			return err
		}
	}
	return h.FS.SyncDir(dir)
}

type hookFile struct {
	vfs.File
	fs   *hookFS
	name string
}

func (h *hookFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	f, err := h.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &hookFile{File: f, fs: h, name: name}, nil
}

func (f *hookFile) Sync() error {
	if f.fs.onSync != nil {
		if err := f.fs.onSync(f.name); err != nil {
			return err
		}
	}
	return f.File.Sync()
}

func (f *hookFile) WriteAt(p []byte, off int64) (int, error) {
	if f.fs.onWrite != nil {
		if err := f.fs.onWrite(f.name); err != nil {
			return 0, err
		}
	}
	return f.File.WriteAt(p, off)
}

var errInjected = errors.New("injected I/O error")

func seededRand(t testing.TB, seed int64) *rand.Rand {
	t.Logf("seed %d", seed)
	return rand.New(rand.NewSource(seed))
}
