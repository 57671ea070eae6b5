package pgstat

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/tuskdb/tusk/internal/base"
)

// savedStats is the file format of Save and Load (PostgreSQL keeps
// pg_stat/pgstat.stat across a clean shutdown, PS7).
type savedStats struct {
	Version  int
	Rels     map[base.OID]RelCounts
	DB       DBCounts
	BGWriter BGWriterCounts
	// The pool-kept counters as the views showed them.
	BlksHit, BlksRead, BuffersBackend, BuffersAlloc int64
}

const savedVersion = 1

// Pool holds the buffer pool's counters since it started, which Save and
// Load carry over a restart.
type Pool struct {
	Hits, Reads, Writes, Allocs int64
}

// Save encodes the counters; pool is the buffer pool's counters now.
func (c *Collector) Save(pool Pool) ([]byte, error) {
	st := savedStats{Version: savedVersion, Rels: make(map[base.OID]RelCounts), DB: c.DB(), BGWriter: c.BGWriter()}
	c.mu.RLock()
	for oid, e := range c.rels {
		e.mu.Lock()
		st.Rels[oid] = e.c
		e.mu.Unlock()
	}
	c.mu.RUnlock()
	st.BlksHit, st.BlksRead = c.DBBlocks(pool.Hits, pool.Reads)
	st.BuffersBackend, st.BuffersAlloc = c.BackendBuffers(pool.Writes, pool.Allocs)
	return json.Marshal(&st)
}

// Load replaces the counters of a collector whose pool has just started
// (all its counters zero) with what Save encoded.
func (c *Collector) Load(data []byte) error {
	var st savedStats
	if err := json.Unmarshal(data, &st); err != nil {
		return err
	}
	if st.Version != savedVersion {
		return fmt.Errorf("pgstat: statistics file version %d, want %d", st.Version, savedVersion)
	}
	c.mu.Lock()
	c.rels = make(map[base.OID]*relEntry, len(st.Rels))
	for oid, rc := range st.Rels {
		c.rels[oid] = &relEntry{c: rc}
	}
	c.gen.Add(1)
	c.mu.Unlock()
	d, s := &c.db, st.DB
	d.xactCommit.Store(s.XactCommit)
	d.xactRollback.Store(s.XactRollback)
	d.tupReturned.Store(s.TupReturned)
	d.tupFetched.Store(s.TupFetched)
	d.tupInserted.Store(s.TupInserted)
	d.tupUpdated.Store(s.TupUpdated)
	d.tupDeleted.Store(s.TupDeleted)
	d.conflicts.Store(s.Conflicts)
	d.tempFiles.Store(s.TempFiles)
	d.tempBytes.Store(s.TempBytes)
	d.deadlocks.Store(s.Deadlocks)
	d.sessions.Store(s.Sessions)
	d.sessionsAbandoned.Store(s.SessionsAbandoned)
	d.sessionsFatal.Store(s.SessionsFatal)
	d.sessionsKilled.Store(s.SessionsKilled)
	d.sessionUS.Store(int64(s.SessionTime * 1000))
	d.activeUS.Store(int64(s.ActiveTime * 1000))
	d.idleInXactUS.Store(int64(s.IdleInXactTime * 1000))
	d.statsReset.Store(micros(s.StatsReset))
	d.hitsBase.Store(-st.BlksHit)
	d.readsBase.Store(-st.BlksRead)
	b, g := &c.bg, st.BGWriter
	b.timed.Store(g.CheckpointsTimed)
	b.req.Store(g.CheckpointsReq)
	b.writeUS.Store(int64(g.CheckpointWriteTime * 1000))
	b.syncUS.Store(int64(g.CheckpointSyncTime * 1000))
	b.buffersCheckpoint.Store(g.BuffersCheckpoint)
	b.buffersClean.Store(g.BuffersClean)
	b.maxwrittenClean.Store(g.MaxwrittenClean)
	b.statsReset.Store(micros(g.StatsReset))
	// buffers_backend = writes - base - checkpoint - clean: with no writes
	// yet it must read st.BuffersBackend.
	b.writesBase.Store(-(st.BuffersBackend + g.BuffersCheckpoint + g.BuffersClean))
	b.allocsBase.Store(-st.BuffersAlloc)
	return nil
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}
