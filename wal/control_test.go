package wal

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

func testControl() *Control {
	return &Control{
		SystemID:      0x1234567890ABCDEF,
		State:         StateInProduction,
		CheckpointLSN: 0x1_0000_0040,
		RedoLSN:       0x1_0000_0010,
		Checkpoint: Checkpoint{
			Redo:        0x1_0000_0010,
			NextFullXID: base.MakeFullXID(2, 1000),
			NextOID:     16384,
			OldestXID:   3,
			Time:        time.Date(2024, 5, 6, 7, 8, 9, 10, time.UTC),
			Shutdown:    true,
		},
		Time: time.Date(2024, 5, 6, 7, 8, 10, 0, time.UTC),
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	for _, cp := range []Checkpoint{{}, testControl().Checkpoint} {
		got, err := DecodeCheckpoint(EncodeCheckpoint(cp))
		if err != nil {
			t.Fatal(err)
		}
		if !got.Time.Equal(cp.Time) || got.Time.IsZero() != cp.Time.IsZero() {
			t.Fatalf("time %v, want %v", got.Time, cp.Time)
		}
		got.Time = cp.Time
		if got != cp {
			t.Fatalf("got %+v, want %+v", got, cp)
		}
	}
	if _, err := DecodeCheckpoint(make([]byte, 5)); pgerr.CodeOf(err) != pgerr.DataCorrupted {
		t.Fatalf("short checkpoint: %v", err)
	}
}

func TestControlRoundTrip(t *testing.T) {
	fsys := vfs.NewMem()
	c := testControl()
	if err := WriteControl(fsys, "/pg_control", c); err != nil {
		t.Fatal(err)
	}
	got, err := ReadControl(fsys, "/pg_control")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Time.Equal(c.Time) || !got.Checkpoint.Time.Equal(c.Checkpoint.Time) {
		t.Fatal("times differ")
	}
	got.Time, got.Checkpoint.Time = c.Time, c.Checkpoint.Time
	if *got != *c {
		t.Fatalf("got %+v, want %+v", got, c)
	}
	if got.State.String() != "in production" {
		t.Fatal(got.State.String())
	}
	if names, _ := fsys.ReadDir("/"); len(names) != 1 {
		t.Fatalf("temp file left: %v", names)
	}
}

func TestControlCorruption(t *testing.T) {
	fsys := vfs.NewMem()
	if _, err := ReadControl(fsys, "/pg_control"); !errors.Is(err, os.ErrNotExist) || pgerr.CodeOf(err) != pgerr.IoError {
		t.Fatalf("missing control file: %v", err)
	}
	if err := WriteControl(fsys, "/pg_control", testControl()); err != nil {
		t.Fatal(err)
	}
	f, _ := fsys.OpenFile("/pg_control", os.O_RDWR, 0)
	f.WriteAt([]byte{0xAA}, 30)
	f.Close()
	if _, err := ReadControl(fsys, "/pg_control"); pgerr.CodeOf(err) != pgerr.DataCorrupted {
		t.Fatalf("flipped byte: %v", err)
	}
	f, _ = fsys.OpenFile("/pg_control", os.O_RDWR, 0)
	f.Truncate(100)
	f.Close()
	if _, err := ReadControl(fsys, "/pg_control"); pgerr.CodeOf(err) != pgerr.DataCorrupted {
		t.Fatalf("short file: %v", err)
	}
	b := EncodeControl(testControl())
	for i := range b {
		c := append([]byte(nil), b...)
		c[i] ^= 1
		if _, err := DecodeControl(c); pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
	}
}

// TestControlAtomic: after a crash pg_control is the old or the new
// version, never a mix, and the new one once WriteControl returned (W10).
func TestControlAtomic(t *testing.T) {
	fsys := newCrashFS(t, 5)
	old := testControl()
	if err := WriteControl(fsys, "/data/pg_control", old); err != nil {
		t.Fatal(err)
	}
	next := testControl()
	next.CheckpointLSN = 0x2_0000_0000
	next.State = StateShutdown
	if err := WriteControl(fsys, "/data/pg_control", next); err != nil {
		t.Fatal(err)
	}
	got, err := ReadControl(fsys.Crash(vfs.CrashOptions{TearProb: 1}), "/data/pg_control")
	if err != nil || got.CheckpointLSN != next.CheckpointLSN || got.State != StateShutdown {
		t.Fatalf("after crash: %+v, %v", got, err)
	}

	// Interrupted before the rename became durable: the old file.
	third := testControl()
	third.CheckpointLSN = 0x3_0000_0000
	fail := true
	cfs := &noSyncDirFS{FS: fsys, fail: &fail}
	if err := WriteControl(cfs, "/data/pg_control", third); err == nil {
		t.Fatal("WriteControl ignored a SyncDir failure")
	}
	got, err = ReadControl(fsys.Crash(vfs.CrashOptions{TearProb: 1}), "/data/pg_control")
	if err != nil || got.CheckpointLSN != next.CheckpointLSN {
		t.Fatalf("after interrupted write: %+v, %v", got, err)
	}
}

// noSyncDirFS fails SyncDir when *fail is set.
type noSyncDirFS struct {
	vfs.FS
	fail *bool
}

func (n *noSyncDirFS) SyncDir(dir string) error {
	if *n.fail {
		return errInjected
	}
	return n.FS.SyncDir(dir)
}
