package bufmgr

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

var rel1 = base.RelFileNode{Rel: 16384}

func newSmgr(t testing.TB, ev *events) (*Smgr, *memFS) {
	t.Helper()
	fs := newMemFS(ev)
	s, err := NewSmgr(fs, "data/base")
	if err != nil {
		t.Fatal(err)
	}
	return s, fs
}

func TestSmgrPaths(t *testing.T) {
	s, _ := newSmgr(t, nil)
	cases := []struct {
		fork base.ForkNumber
		want string
	}{
		{base.MainFork, "data/base/16384"},
		{base.FSMFork, "data/base/16384_fsm"},
		{base.VMFork, "data/base/16384_vm"},
	}
	for _, c := range cases {
		if got := s.Path(rel1, c.fork); got != c.want {
			t.Errorf("fork %d: %s, want %s", c.fork, got, c.want)
		}
	}
}

func TestSmgrLifecycle(t *testing.T) {
	s, fs := newSmgr(t, nil)
	if ok, err := s.Exists(rel1, base.MainFork); ok || err != nil {
		t.Fatalf("exists before create: %v %v", ok, err)
	}
	if _, err := s.NBlocks(rel1, base.MainFork); pgerr.CodeOf(err) != pgerr.UndefinedFile {
		t.Fatalf("nblocks of missing file: %v", err)
	}
	if err := s.Create(rel1, base.MainFork); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(rel1, base.MainFork); pgerr.CodeOf(err) != pgerr.DuplicateFile {
		t.Fatalf("second create: %v", err)
	}
	if ok, _ := s.Exists(rel1, base.MainFork); !ok {
		t.Fatal("not exists after create")
	}
	for want := base.BlockNumber(0); want < 3; want++ {
		blk, err := s.Extend(rel1, base.MainFork)
		if err != nil || blk != want {
			t.Fatalf("extend: %d %v, want %d", blk, err, want)
		}
	}
	page := bytes.Repeat([]byte{7}, base.BlockSize)
	tag := base.BufferTag{Node: rel1, Block: 1}
	if err := s.Write(tag, page); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, base.BlockSize)
	if err := s.Read(tag, got); err != nil || !bytes.Equal(got, page) {
		t.Fatalf("read back: %v", err)
	}
	if err := s.Read(base.BufferTag{Node: rel1, Block: 9}, got); pgerr.CodeOf(err) != pgerr.DataCorrupted {
		t.Fatalf("read past EOF: %v", err)
	}
	// A torn extension (partial block) does not count.
	if f, _ := fs.OpenFile("data/base/16384", os.O_RDWR, 0); f != nil {
		_, _ = f.WriteAt(make([]byte, 512), 3*base.BlockSize)
	}
	if n, _ := s.NBlocks(rel1, base.MainFork); n != 3 {
		t.Fatalf("nblocks with partial block = %d", n)
	}
	if blk, _ := s.Extend(rel1, base.MainFork); blk != 3 {
		t.Fatalf("extend over partial block gave %d", blk)
	}
	if err := s.Truncate(rel1, base.MainFork, 1); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.NBlocks(rel1, base.MainFork); n != 1 {
		t.Fatalf("nblocks after truncate = %d", n)
	}
	if err := s.ExtendTo(rel1, base.MainFork, 5); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.NBlocks(rel1, base.MainFork); n != 5 {
		t.Fatalf("nblocks after ExtendTo = %d", n)
	}
	if err := s.Create(rel1, base.FSMFork); err != nil {
		t.Fatal(err)
	}
	if err := s.Unlink(rel1); err != nil {
		t.Fatal(err)
	}
	for _, fork := range []base.ForkNumber{base.MainFork, base.FSMFork} {
		if ok, _ := s.Exists(rel1, fork); ok {
			t.Fatalf("fork %d exists after unlink", fork)
		}
	}
	if s.PendingSyncs() != 0 {
		t.Fatalf("pending syncs after unlink: %d", s.PendingSyncs())
	}
}

func TestSmgrSyncAllSyncsOnlyWrittenFiles(t *testing.T) {
	ev := &events{}
	s, fs := newSmgr(t, ev)
	rel2 := base.RelFileNode{Rel: 16385}
	for _, r := range []base.RelFileNode{rel1, rel2} {
		if err := s.Create(r, base.MainFork); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Extend(r, base.MainFork); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SyncAll(); err != nil {
		t.Fatal(err)
	}
	if fs.syncCount("data/base/16384") != 1 || fs.syncCount("data/base/16385") != 1 || fs.syncCount("dir:data/base") != 1 {
		t.Fatalf("syncs %v", fs.syncs)
	}
	// Only rel2 is written now; the directory did not change.
	if err := s.Write(base.BufferTag{Node: rel2}, make([]byte, base.BlockSize)); err != nil {
		t.Fatal(err)
	}
	if err := s.SyncAll(); err != nil {
		t.Fatal(err)
	}
	if fs.syncCount("data/base/16384") != 1 || fs.syncCount("data/base/16385") != 2 || fs.syncCount("dir:data/base") != 1 {
		t.Fatalf("syncs %v", fs.syncs)
	}
	if s.PendingSyncs() != 0 {
		t.Fatal("pending after SyncAll")
	}
}

func TestSmgrSyncFailureIsFinal(t *testing.T) {
	s, fs := newSmgr(t, nil)
	if err := s.Create(rel1, base.MainFork); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Extend(rel1, base.MainFork); err != nil {
		t.Fatal(err)
	}
	fs.syncErr = errSync
	err := s.SyncAll()
	if pgerr.CodeOf(err) != pgerr.IoError || !errors.Is(err, errSync) {
		t.Fatalf("SyncAll: %v", err)
	}
	fs.syncErr = nil // the disk "recovers": we must not believe it (B10)
	if err := s.SyncAll(); err == nil {
		t.Fatal("SyncAll succeeded after a failed fsync")
	}
	if err := s.Write(base.BufferTag{Node: rel1}, make([]byte, base.BlockSize)); err == nil {
		t.Fatal("Write succeeded after a failed fsync")
	}
	if s.Failed() == nil {
		t.Fatal("Failed() is nil")
	}
}
