package vfs

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand"
	"os"
	"testing"
)

func crashSetup(t *testing.T) *CrashFS {
	t.Helper()
	c := NewCrash(42)
	if err := c.MkdirAll("/d", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.SyncDir("/"); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCrashSyncedWritesSurvive(t *testing.T) {
	c := crashSetup(t)
	f, err := c.OpenFile("/d/f", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SyncDir("/d"); err != nil {
		t.Fatal(err)
	}
	synced := bytes.Repeat([]byte("s"), 1024)
	f.WriteAt(synced, 0)
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	f.WriteAt(bytes.Repeat([]byte("u"), 1024), 1024) // never synced
	f.WriteAt([]byte("OVER"), 0)                     // unsynced overwrite of synced data

	// DropAll: exactly the synced content.
	d := c.Crash(CrashOptions{DropAll: true})
	if got := readAll(t, d, "/d/f"); !bytes.Equal(got, synced) {
		t.Fatalf("after DropAll crash: %d bytes %q...", len(got), got[:8])
	}
	// The running FS still sees everything.
	if sz, _ := c.Stat("/d/f"); sz != 2048 {
		t.Fatalf("live size %d", sz)
	}
	// Random crashes: the synced bytes 4..1024 always survive, unsynced
	// bytes are either absent or equal to what was written.
	sawTorn := false
	for seed := range int64(200) {
		d := c.Crash(CrashOptions{TearProb: 0.5, Rand: rand.New(rand.NewSource(seed))})
		got := readAll(t, d, "/d/f")
		if len(got) < 1024 || !bytes.Equal(got[4:1024], synced[4:]) {
			t.Fatalf("seed %d: synced data lost", seed)
		}
		if h := string(got[:4]); h != "ssss" && h != "OVER" {
			t.Fatalf("seed %d: header %q", seed, h)
		}
		if len(got) != 1024 && len(got) != 1536 && len(got) != 2048 {
			t.Fatalf("seed %d: size %d is not sector-aligned", seed, len(got))
		}
		for i := 1024; i < len(got); i++ {
			if got[i] != 'u' && got[i] != 0 {
				t.Fatalf("seed %d: byte %d = %q", seed, i, got[i])
			}
		}
		if len(got) == 2048 && got[1024] == 0 {
			sawTorn = true // second sector kept, first lost
		}
	}
	if !sawTorn {
		t.Fatal("no torn write in 200 crashes with TearProb 0.5")
	}
}

func TestCrashDirectoryEntries(t *testing.T) {
	c := crashSetup(t)
	mustWrite(t, c, "/d/a", []byte("A")) // synced content, entry not synced
	d := c.Crash(CrashOptions{})
	if _, err := d.Stat("/d/a"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("file without SyncDir survived: %v", err)
	}
	if err := c.SyncDir("/d"); err != nil {
		t.Fatal(err)
	}
	d = c.Crash(CrashOptions{})
	if got := readAll(t, d, "/d/a"); string(got) != "A" {
		t.Fatalf("after SyncDir: %q", got)
	}

	// Rename (temp file + rename) without SyncDir: the old name survives.
	mustWrite(t, c, "/d/b.tmp", []byte("B"))
	if err := c.Rename("/d/b.tmp", "/d/a"); err != nil {
		t.Fatal(err)
	}
	d = c.Crash(CrashOptions{})
	if got := readAll(t, d, "/d/a"); string(got) != "A" {
		t.Fatalf("rename durable without SyncDir: %q", got)
	}
	if err := c.SyncDir("/d"); err != nil {
		t.Fatal(err)
	}
	d = c.Crash(CrashOptions{})
	if got := readAll(t, d, "/d/a"); string(got) != "B" {
		t.Fatalf("after rename+SyncDir: %q", got)
	}
	if names, _ := d.ReadDir("/d"); len(names) != 1 {
		t.Fatalf("entries after crash: %v", names)
	}

	// Remove without SyncDir: the file comes back with its synced content.
	if err := c.Remove("/d/a"); err != nil {
		t.Fatal(err)
	}
	d = c.Crash(CrashOptions{})
	if got := readAll(t, d, "/d/a"); string(got) != "B" {
		t.Fatalf("removed file after crash: %q", got)
	}

	// A directory that was never made durable takes its files with it.
	if err := c.MkdirAll("/e", 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, c, "/e/f", []byte("F"))
	if err := c.SyncDir("/e"); err != nil {
		t.Fatal(err)
	}
	d = c.Crash(CrashOptions{})
	if _, err := d.Stat("/e/f"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("file in non-durable directory survived: %v", err)
	}
	if err := c.SyncDir("/"); err != nil {
		t.Fatal(err)
	}
	d = c.Crash(CrashOptions{})
	if got := readAll(t, d, "/e/f"); string(got) != "F" {
		t.Fatalf("after SyncDir of parent: %q", got)
	}
}

func TestCrashSyncError(t *testing.T) {
	c := crashSetup(t)
	f, err := c.OpenFile("/d/f", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	c.SyncDir("/d")
	boom := errors.New("EIO")
	c.SetSyncError(boom)
	f.WriteAt([]byte("x"), 0)
	if err := f.Sync(); !errors.Is(err, boom) {
		t.Fatalf("Sync = %v", err)
	}
	if err := c.SyncDir("/d"); !errors.Is(err, boom) {
		t.Fatalf("SyncDir = %v", err)
	}
	if got := readAll(t, c.Crash(CrashOptions{DropAll: true}), "/d/f"); len(got) != 0 {
		t.Fatalf("write durable after failed Sync: %q", got)
	}
	c.SetSyncError(nil)
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, c.Crash(CrashOptions{DropAll: true}), "/d/f"); string(got) != "x" {
		t.Fatalf("after successful Sync: %q", got)
	}
}

func TestCrashDeterministic(t *testing.T) {
	build := func() *CrashFS {
		c := crashSetup(t)
		for _, n := range []string{"/d/a", "/d/b", "/d/c"} {
			f, _ := c.OpenFile(n, os.O_RDWR|os.O_CREATE, 0o644)
			for i := range 20 {
				f.WriteAt(bytes.Repeat([]byte{byte(i + 1)}, 700), int64(i*700))
			}
			f.Close()
		}
		c.SyncDir("/d")
		return c
	}
	snap := func(c *CrashFS) string {
		var b bytes.Buffer
		for _, n := range []string{"/d/a", "/d/b", "/d/c"} {
			b.Write(readAll(t, c, n))
		}
		return b.String()
	}
	a := build().Crash(CrashOptions{TearProb: 0.3})
	b := build().Crash(CrashOptions{TearProb: 0.3})
	if snap(a) != snap(b) {
		t.Fatal("same seed gave different crashes")
	}
	// A crashed FS can itself crash; what it holds is all durable.
	if snap(a.Crash(CrashOptions{})) != snap(a) {
		t.Fatal("crash of a crashed FS lost data")
	}
}

func TestCrashTruncate(t *testing.T) {
	c := crashSetup(t)
	mustWrite(t, c, "/d/f", bytes.Repeat([]byte("x"), 100))
	c.SyncDir("/d")
	f, _ := c.OpenFile("/d/f", os.O_RDWR, 0)
	f.Truncate(10)
	if got := readAll(t, c.Crash(CrashOptions{DropAll: true}), "/d/f"); len(got) != 100 {
		t.Fatalf("unsynced truncate durable: %d", len(got))
	}
	f.Sync()
	if got := readAll(t, c.Crash(CrashOptions{DropAll: true}), "/d/f"); len(got) != 10 {
		t.Fatalf("synced truncate lost: %d", len(got))
	}
}
