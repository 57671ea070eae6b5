package instance

import (
	"errors"
	"io"
	"os"

	"github.com/tuskdb/tusk/internal/pgstat"
	"github.com/tuskdb/tusk/mvcc"
)

// The statistics file (IS1): written at a clean Close, read and removed by
// the next Open; a crash loses the counters, as in PostgreSQL.

func (i *Instance) statsFile() string { return i.path("pg_stat", "pgstat.stat") }

func (i *Instance) poolCounters() pgstat.Pool {
	t := i.Pool.TotalStats()
	return pgstat.Pool{Hits: t.Hits, Reads: t.Reads, Writes: t.Writes, Allocs: i.Pool.Allocs()}
}

// saveStats writes the collector's counters for the next Open.
func (i *Instance) saveStats() error {
	data, err := i.Stats.Save(i.poolCounters())
	if err != nil {
		return err
	}
	if err := i.FS.MkdirAll(i.path("pg_stat"), 0o700); err != nil {
		return err
	}
	tmp := i.statsFile() + ".tmp"
	f, err := i.FS.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteAt(data, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return i.FS.Rename(tmp, i.statsFile())
}

// restoreStats loads the counters a clean Close saved, unless the
// instance recovered from a crash, and removes the file either way.
func (i *Instance) restoreStats() {
	f, err := i.FS.OpenFile(i.statsFile(), os.O_RDONLY, 0)
	if err != nil {
		return
	}
	if !i.Recovered {
		if n, serr := f.Size(); serr == nil {
			data := make([]byte, n)
			if _, rerr := f.ReadAt(data, 0); rerr == nil || errors.Is(rerr, io.EOF) {
				if lerr := i.Stats.Load(data); lerr != nil {
					i.Logf("LOG:  could not read statistics file %q: %v", i.statsFile(), lerr)
				} else {
					i.pruneStats()
				}
			}
		}
	}
	f.Close()
	_ = i.FS.Remove(i.statsFile())
}

// pruneStats forgets the counters of relations that no longer exist.
func (i *Instance) pruneStats() {
	x := i.Xacts.Begin(mvcc.XactOptions{ReadOnly: true})
	defer x.Abort()
	snap := i.Xacts.GetSnapshot(x)
	for _, oid := range i.Stats.RelOIDs() {
		if rel, err := i.Catalog.RelationByOID(snap, oid); err == nil && rel == nil {
			i.Stats.Forget(oid)
		}
	}
}
