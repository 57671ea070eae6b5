package pgstat

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/tuskdb/tusk/internal/base"
)

// RelCounts are one relation's cumulative counters (PgStat_StatTabEntry).
// For an index, NumScans is idx_scan, TuplesReturned idx_tup_read and
// TuplesFetched idx_tup_fetch.
type RelCounts struct {
	NumScans       int64 // seq_scan (table) / idx_scan (index)
	TuplesReturned int64 // seq_tup_read / idx_tup_read
	TuplesFetched  int64 // heap tuples fetched by index and bitmap scans

	Inserted, Updated, Deleted, HotUpdated int64 // n_tup_ins/upd/del/hot_upd

	Live, Dead      int64 // n_live_tup, n_dead_tup (PS2)
	ModSinceAnalyze int64 // n_mod_since_analyze
	InsSinceVacuum  int64 // n_ins_since_vacuum

	LastVacuum, LastAutovacuum, LastAnalyze, LastAutoanalyze time.Time // zero: never

	VacuumCount, AutovacuumCount, AnalyzeCount, AutoanalyzeCount int64
}

type relEntry struct {
	mu sync.Mutex
	c  RelCounts
}

// DBCounts are the database-wide counters (PgStat_StatDBEntry) besides the
// buffer counts, which bufmgr keeps.
type DBCounts struct {
	XactCommit, XactRollback                                     int64
	TupReturned, TupFetched, TupInserted, TupUpdated, TupDeleted int64
	Conflicts, TempFiles, TempBytes, Deadlocks                   int64
	Sessions, SessionsAbandoned, SessionsFatal, SessionsKilled   int64
	// SessionTime, ActiveTime and IdleInXactTime are in milliseconds.
	SessionTime, ActiveTime, IdleInXactTime float64
	StatsReset                              time.Time // zero: never reset
}

type dbEntry struct {
	xactCommit, xactRollback                                     atomic.Int64
	tupReturned, tupFetched, tupInserted, tupUpdated, tupDeleted atomic.Int64
	conflicts, tempFiles, tempBytes, deadlocks                   atomic.Int64
	sessions, sessionsAbandoned, sessionsFatal, sessionsKilled   atomic.Int64
	sessionUS, activeUS, idleInXactUS                            atomic.Int64
	statsReset                                                   atomic.Int64 // unix µs, 0 none
	// Buffer hits and reads are bufmgr's since the pool started; a reset
	// remembers where they stood.
	hitsBase, readsBase atomic.Int64
}

// BGWriterCounts are pg_stat_bgwriter's counters that the checkpointer
// reports (PgStat_CheckpointerStats, PgStat_BgWriterStats).
type BGWriterCounts struct {
	CheckpointsTimed, CheckpointsReq int64
	CheckpointWriteTime              float64 // milliseconds
	CheckpointSyncTime               float64 // milliseconds
	BuffersCheckpoint                int64
	BuffersClean, MaxwrittenClean    int64
	StatsReset                       time.Time
}

type bgEntry struct {
	timed, req        atomic.Int64
	writeUS, syncUS   atomic.Int64 // microseconds
	buffersCheckpoint atomic.Int64
	buffersClean      atomic.Int64
	maxwrittenClean   atomic.Int64
	statsReset        atomic.Int64
	// Buffer writes and allocations are counted by bufmgr since the pool
	// started; a reset remembers where they stood.
	writesBase, allocsBase atomic.Int64
}

// Collector holds an instance's cumulative statistics. It is safe for
// concurrent use.
type Collector struct {
	now func() time.Time

	mu   sync.RWMutex
	rels map[base.OID]*relEntry
	// gen changes whenever an entry leaves rels (Reset, Forget, Load), so
	// that an Xact's cached entry pointers are looked up again.
	gen atomic.Uint64

	db dbEntry
	bg bgEntry
}

// New makes an empty collector; now stamps last_analyze and the like
// (time.Now if nil).
func New(now func() time.Time) *Collector {
	if now == nil {
		now = time.Now
	}
	return &Collector{now: now, rels: make(map[base.OID]*relEntry)}
}

func (c *Collector) entry(oid base.OID) *relEntry {
	c.mu.RLock()
	e := c.rels[oid]
	c.mu.RUnlock()
	if e != nil {
		return e
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e = c.rels[oid]; e == nil {
		e = new(relEntry)
		c.rels[oid] = e
	}
	return e
}

// Rel returns a relation's counters; ok is false if nothing was ever
// counted for it (the pg_stat_get_* functions then return 0, or NULL for
// times).
func (c *Collector) Rel(oid base.OID) (rc RelCounts, ok bool) {
	c.mu.RLock()
	e := c.rels[oid]
	c.mu.RUnlock()
	if e == nil {
		return RelCounts{}, false
	}
	e.mu.Lock()
	rc = e.c
	e.mu.Unlock()
	return rc, true
}

// RelOIDs returns the relations that have counters.
func (c *Collector) RelOIDs() []base.OID {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]base.OID, 0, len(c.rels))
	for oid := range c.rels {
		out = append(out, oid)
	}
	return out
}

// Forget drops a relation's counters (its relation was dropped).
func (c *Collector) Forget(oid base.OID) {
	c.mu.Lock()
	delete(c.rels, oid)
	c.gen.Add(1)
	c.mu.Unlock()
}

// DB returns the database counters.
func (c *Collector) DB() DBCounts {
	d := &c.db
	return DBCounts{
		XactCommit: d.xactCommit.Load(), XactRollback: d.xactRollback.Load(),
		TupReturned: d.tupReturned.Load(), TupFetched: d.tupFetched.Load(),
		TupInserted: d.tupInserted.Load(), TupUpdated: d.tupUpdated.Load(), TupDeleted: d.tupDeleted.Load(),
		Conflicts: d.conflicts.Load(), TempFiles: d.tempFiles.Load(), TempBytes: d.tempBytes.Load(),
		Deadlocks: d.deadlocks.Load(),
		Sessions:  d.sessions.Load(), SessionsAbandoned: d.sessionsAbandoned.Load(),
		SessionsFatal: d.sessionsFatal.Load(), SessionsKilled: d.sessionsKilled.Load(),
		SessionTime: float64(d.sessionUS.Load()) / 1000, ActiveTime: float64(d.activeUS.Load()) / 1000,
		IdleInXactTime: float64(d.idleInXactUS.Load()) / 1000,
		StatsReset:     fromMicros(d.statsReset.Load()),
	}
}

// BGWriter returns the checkpointer and background writer counters.
func (c *Collector) BGWriter() BGWriterCounts {
	b := &c.bg
	return BGWriterCounts{
		CheckpointsTimed: b.timed.Load(), CheckpointsReq: b.req.Load(),
		CheckpointWriteTime: float64(b.writeUS.Load()) / 1000,
		CheckpointSyncTime:  float64(b.syncUS.Load()) / 1000,
		BuffersCheckpoint:   b.buffersCheckpoint.Load(),
		BuffersClean:        b.buffersClean.Load(), MaxwrittenClean: b.maxwrittenClean.Load(),
		StatsReset: fromMicros(b.statsReset.Load()),
	}
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us)
}

// ReportCheckpoint counts a checkpoint (pg_stat_bgwriter): timed or
// requested, the buffers it wrote and the time spent writing and syncing.
func (c *Collector) ReportCheckpoint(timed bool, buffers int64, write, sync time.Duration) {
	if c == nil {
		return
	}
	if timed {
		c.bg.timed.Add(1)
	} else {
		c.bg.req.Add(1)
	}
	c.bg.buffersCheckpoint.Add(buffers)
	c.bg.writeUS.Add(write.Microseconds())
	c.bg.syncUS.Add(sync.Microseconds())
}

// ReportBGWrites counts buffers a background writer cleaned, and whether
// it stopped a round because it hit its limit (maxwritten_clean).
func (c *Collector) ReportBGWrites(buffers int64, hitLimit bool) {
	if c == nil {
		return
	}
	c.bg.buffersClean.Add(buffers)
	if hitLimit {
		c.bg.maxwrittenClean.Add(1)
	}
}

// ReportTempFile counts a temporary file of size bytes, when it is
// removed (temp_files, temp_bytes).
func (c *Collector) ReportTempFile(size int64) {
	if c == nil {
		return
	}
	c.db.tempFiles.Add(1)
	c.db.tempBytes.Add(size)
}

// ReportDeadlock counts a deadlock detected (pg_stat_database.deadlocks).
// It is a no-op on a nil Collector, as are the other Report functions
// that instance and executor hooks call.
func (c *Collector) ReportDeadlock() {
	if c != nil {
		c.db.deadlocks.Add(1)
	}
}

// ReportConflict counts a query cancelled by a recovery conflict.
func (c *Collector) ReportConflict() { c.db.conflicts.Add(1) }

// Session ends, as pg_stat_database counts them.
const (
	SessionNormal    = iota // the client disconnected
	SessionAbandoned        // the connection was lost
	SessionFatal            // ended by a FATAL error
	SessionKilled           // terminated by pg_terminate_backend
)

// ReportSessionStart counts a session (pg_stat_database.sessions).
func (c *Collector) ReportSessionStart() {
	if c != nil {
		c.db.sessions.Add(1)
	}
}

// ReportSessionEnd counts how a session ended.
func (c *Collector) ReportSessionEnd(how int) {
	if c == nil {
		return
	}
	switch how {
	case SessionAbandoned:
		c.db.sessionsAbandoned.Add(1)
	case SessionFatal:
		c.db.sessionsFatal.Add(1)
	case SessionKilled:
		c.db.sessionsKilled.Add(1)
	}
}

// ReportSessionTimes adds a session's time (in total, active, and idle
// in a transaction) since its previous report (pgstat_update_dbstats).
func (c *Collector) ReportSessionTimes(session, active, idleInXact time.Duration) {
	if c == nil {
		return
	}
	c.db.sessionUS.Add(session.Microseconds())
	c.db.activeUS.Add(active.Microseconds())
	c.db.idleInXactUS.Add(idleInXact.Microseconds())
}

// ReportAnalyze records an ANALYZE of rel that counted live and dead rows
// (PS5); x is the reporting backend's pending transaction (may be nil),
// whose own changes are left to its flush.
func (c *Collector) ReportAnalyze(x *Xact, rel base.OID, live, dead int64, auto bool) {
	if x != nil {
		if p := x.rels[rel]; p != nil {
			live -= p.Inserted - p.Deleted
			dead -= p.Updated + p.Deleted
		}
	}
	now := c.now()
	e := c.entry(rel)
	e.mu.Lock()
	e.c.Live, e.c.Dead = max(live, 0), max(dead, 0)
	e.c.ModSinceAnalyze = 0
	if auto {
		e.c.LastAutoanalyze = now
		e.c.AutoanalyzeCount++
	} else {
		e.c.LastAnalyze = now
		e.c.AnalyzeCount++
	}
	e.mu.Unlock()
}

// ReportVacuum records a VACUUM of rel that left live and dead rows (PS5).
func (c *Collector) ReportVacuum(rel base.OID, live, dead int64, auto bool) {
	now := c.now()
	e := c.entry(rel)
	e.mu.Lock()
	e.c.Live, e.c.Dead = max(live, 0), max(dead, 0)
	e.c.InsSinceVacuum = 0
	if auto {
		e.c.LastAutovacuum = now
		e.c.AutovacuumCount++
	} else {
		e.c.LastVacuum = now
		e.c.VacuumCount++
	}
	e.mu.Unlock()
}

// DBBlocks turns the pool's buffer hits and reads since it started into
// the database's blks_hit and blks_read since the last reset.
func (c *Collector) DBBlocks(poolHits, poolReads int64) (hits, reads int64) {
	return poolHits - c.db.hitsBase.Load(), poolReads - c.db.readsBase.Load()
}

// BackendBuffers turns the pool's page writes and buffer allocations since
// it started into pg_stat_bgwriter's buffers_backend (writes that were
// neither a checkpoint's nor the background writer's) and buffers_alloc,
// since the last reset.
func (c *Collector) BackendBuffers(poolWrites, poolAllocs int64) (backend, alloc int64) {
	b := &c.bg
	backend = poolWrites - b.writesBase.Load() - b.buffersCheckpoint.Load() - b.buffersClean.Load()
	return max(backend, 0), poolAllocs - b.allocsBase.Load()
}

// Reset zeroes the relation and database counters (pg_stat_reset, PS6);
// poolHits and poolReads are the pool's counters now.
func (c *Collector) Reset(poolHits, poolReads int64) {
	c.db.hitsBase.Store(poolHits)
	c.db.readsBase.Store(poolReads)
	c.mu.Lock()
	c.rels = make(map[base.OID]*relEntry)
	c.gen.Add(1)
	c.mu.Unlock()
	d := &c.db
	for _, a := range []*atomic.Int64{&d.xactCommit, &d.xactRollback, &d.tupReturned, &d.tupFetched,
		&d.tupInserted, &d.tupUpdated, &d.tupDeleted, &d.conflicts, &d.tempFiles, &d.tempBytes,
		&d.deadlocks, &d.sessions, &d.sessionsAbandoned, &d.sessionsFatal, &d.sessionsKilled,
		&d.sessionUS, &d.activeUS, &d.idleInXactUS} {
		a.Store(0)
	}
	d.statsReset.Store(c.now().UnixMicro())
}

// ResetRel zeroes one relation's counters
// (pg_stat_reset_single_table_counters).
func (c *Collector) ResetRel(oid base.OID) {
	c.Forget(oid)
	c.db.statsReset.Store(c.now().UnixMicro())
}

// ResetShared zeroes the shared counters of target ("bgwriter"), as
// pg_stat_reset_shared does; poolWrites and poolAllocs are the pool's
// counters now. It reports whether target is known.
func (c *Collector) ResetShared(target string, poolWrites, poolAllocs int64) bool {
	if target != "bgwriter" {
		return false
	}
	b := &c.bg
	b.writesBase.Store(poolWrites)
	b.allocsBase.Store(poolAllocs)
	for _, a := range []*atomic.Int64{&b.timed, &b.req, &b.writeUS, &b.syncUS, &b.buffersCheckpoint,
		&b.buffersClean, &b.maxwrittenClean} {
		a.Store(0)
	}
	b.statsReset.Store(c.now().UnixMicro())
	return true
}

// Now is the collector's clock.
func (c *Collector) Now() time.Time { return c.now() }
