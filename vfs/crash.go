package vfs

import (
	"math/rand"
	"path"
	"sort"
)

// SectorSize is the unit in which CrashFS tears a write: a power cut keeps
// or loses each 512-byte sector of an unsynced write independently.
const SectorSize = 512

// CrashFS is an in-memory FS that remembers what is durable (V3): for each
// file the content as of its last Sync plus the writes made since, and for
// each directory the entries as of its last SyncDir. Crash returns the state
// a power cut would leave. While running it behaves like MemFS.
//
// Sync and SyncDir fail with the error given to SetSyncError, to test the
// fsync-failure path.
type CrashFS struct {
	memFS
}

// CrashOptions choose what happens to each unsynced write at Crash.
type CrashOptions struct {
	// DropAll loses every unsynced write and truncation: only synced
	// content survives.
	DropAll bool
	// TearProb is the probability that an unsynced write is torn: each of
	// its 512-byte sectors (aligned to the file) is then kept or lost
	// independently. A write that is not torn is kept or lost whole, with
	// equal odds. Truncations are kept or lost whole.
	TearProb float64
	// Rand drives the choices; nil uses the CrashFS's own seeded source.
	Rand *rand.Rand
}

// NewCrash returns an empty crash-testing file system whose random choices
// derive from seed.
func NewCrash(seed int64) *CrashFS {
	c := &CrashFS{}
	c.init(true, seed)
	return c
}

// SetSyncError makes every later File.Sync and SyncDir fail with err (nil
// restores success). Writes pending at a failed Sync stay pending.
func (c *CrashFS) SetSyncError(err error) {
	c.mu.Lock()
	c.syncErr = err
	c.mu.Unlock()
}

// Crash returns a new CrashFS holding what survives a power cut now: the
// directory entries made durable by SyncDir (and reachable through durable
// directories), each file's synced content, and each unsynced write kept,
// lost or torn per opts. c itself is unchanged and may go on being used.
func (c *CrashFS) Crash(opts CrashOptions) *CrashFS {
	c.mu.Lock()
	defer c.mu.Unlock()
	rng := opts.Rand
	if rng == nil {
		rng = c.rng
	}
	n := NewCrash(rng.Int63())
	reachable := func(p string) bool {
		for d := path.Dir(p); ; d = path.Dir(d) {
			if !c.ddirs[d] {
				return false
			}
			if d == "/" {
				return true
			}
		}
	}
	for d := range c.ddirs {
		if d == "/" || reachable(d) {
			n.dirs[d] = true
			n.ddirs[d] = true
		}
	}
	// Visit files in a fixed order so a seed replays the same crash.
	names := make([]string, 0, len(c.dfiles))
	for p := range c.dfiles {
		names = append(names, p)
	}
	sort.Strings(names)
	done := map[*inode]*inode{}
	for _, p := range names {
		if !reachable(p) {
			continue
		}
		old := c.dfiles[p]
		ino := done[old]
		if ino == nil {
			data := old.survivors(rng, opts)
			ino = &inode{data: data, durable: append([]byte(nil), data...)}
			done[old] = ino
		}
		n.files[p] = ino
		n.dfiles[p] = ino
	}
	return n
}

// survivors computes the content of the inode after a power cut.
func (ino *inode) survivors(rng *rand.Rand, opts CrashOptions) []byte {
	ino.mu.RLock()
	defer ino.mu.RUnlock()
	data := append([]byte(nil), ino.durable...)
	if opts.DropAll {
		return data
	}
	apply := func(off int64, p []byte) {
		if end := off + int64(len(p)); end > int64(len(data)) {
			data = resizeBytes(data, end)
		}
		copy(data[off:], p)
	}
	for _, op := range ino.pending {
		if op.trunc {
			if rng.Intn(2) == 0 {
				data = resizeBytes(data, op.size)
			}
			continue
		}
		switch {
		case rng.Float64() < opts.TearProb:
			end := op.off + int64(len(op.data))
			for s := op.off; s < end; {
				e := min((s/SectorSize+1)*SectorSize, end)
				if rng.Intn(2) == 0 {
					apply(s, op.data[s-op.off:e-op.off])
				}
				s = e
			}
		case rng.Intn(2) == 0:
			apply(op.off, op.data)
		}
	}
	return data
}
