package session

import (
	"strings"

	"time"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/internal/pgstat"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// The cumulative statistics views (PostgreSQL 15's system_views.sql) and
// the pg_stat_get_* functions they are made of (pgstatfuncs.c), over the
// instance's internal/pgstat collector and the buffer pool's counters.
// The session counts into its own pgstat.Xact and flushes it when its
// transaction ends (endXact).

// pgStat returns the session's pending statistics.
func (s *Session) pgStat() *pgstat.Xact {
	if s.pgstat == nil {
		s.pgstat = s.inst.Stats.NewXact()
		// A session counts in pg_stat_database.sessions when it first
		// runs a statement.
		s.inst.Stats.ReportSessionStart()
	}
	return s.pgstat
}

// ReportAnalyze records that ANALYZE of relation rel counted live and dead
// rows: last_analyze, analyze_count, n_live_tup, n_dead_tup, and
// n_mod_since_analyze reset (internal/pgstat PS5). auto is for autovacuum.
func (s *Session) ReportAnalyze(rel base.OID, live, dead int64, auto bool) {
	s.inst.Stats.ReportAnalyze(s.pgStat(), rel, live, dead, auto)
}

// ReportVacuum records that VACUUM of relation rel left live and dead
// rows: last_vacuum, vacuum_count, n_live_tup, n_dead_tup, and
// n_ins_since_vacuum reset (PS5).
func (s *Session) ReportVacuum(rel base.OID, live, dead int64, auto bool) {
	if s.inst.Stats != nil {
		s.inst.Stats.ReportVacuum(rel, live, dead, auto)
	}
}

// CountTruncate counts a TRUNCATE of relation rel in the current
// transaction (PS3).
func (s *Session) CountTruncate(rel base.OID) { s.pgStat().Rel(rel).CountTruncate() }

type statKind int

const (
	statRel         statKind = iota // f(oid) int8 over a relation's counters
	statRelTime                     // f(oid) timestamptz over a relation's counters
	statXactRel                     // f(oid) int8 over the running transaction's counters
	statDB                          // f(oid) int8 over the database's counters
	statDBFloat                     // f(oid) float8
	statDBTime                      // f(oid) timestamptz
	statShared                      // f() int8 over the checkpointer's counters
	statSharedFloat                 // f() float8
	statSharedTime                  // f() timestamptz
)

type statFunc struct {
	oid  uint32
	kind statKind
	rel  func(c *pgstat.RelCounts) int64
	relT func(c *pgstat.RelCounts) time.Time
	db   func(s *Session, c *pgstat.DBCounts) types.Datum
	sh   func(s *Session, c *pgstat.BGWriterCounts) types.Datum
}

func relF(oid uint32, f func(c *pgstat.RelCounts) int64) statFunc {
	return statFunc{oid: oid, kind: statRel, rel: f}
}

func relT(oid uint32, f func(c *pgstat.RelCounts) time.Time) statFunc {
	return statFunc{oid: oid, kind: statRelTime, relT: f}
}

func xactF(oid uint32, f func(c *pgstat.RelCounts) int64) statFunc {
	return statFunc{oid: oid, kind: statXactRel, rel: f}
}

func dbF(oid uint32, f func(c *pgstat.DBCounts) int64) statFunc {
	return statFunc{oid: oid, kind: statDB, db: func(_ *Session, c *pgstat.DBCounts) types.Datum { return f(c) }}
}

// dbMS is a float8 database counter (milliseconds).
func dbMS(oid uint32, f func(c *pgstat.DBCounts) float64) statFunc {
	return statFunc{oid: oid, kind: statDBFloat, db: func(_ *Session, c *pgstat.DBCounts) types.Datum { return f(c) }}
}

func dbZero(oid uint32, kind statKind) statFunc {
	return statFunc{oid: oid, kind: kind, db: func(*Session, *pgstat.DBCounts) types.Datum {
		if kind == statDBFloat {
			return float64(0)
		}
		if kind == statDBTime {
			return nil
		}
		return int64(0)
	}}
}

func shF(oid uint32, kind statKind, f func(s *Session, c *pgstat.BGWriterCounts) types.Datum) statFunc {
	return statFunc{oid: oid, kind: kind, sh: f}
}

// statFuncs are the pg_stat_get_* functions, with PostgreSQL's pg_proc
// OIDs. For an index, numscans is idx_scan, tuples_returned idx_tup_read
// and tuples_fetched idx_tup_fetch.
var statFuncs = map[string]statFunc{
	"pg_stat_get_numscans":           relF(1928, func(c *pgstat.RelCounts) int64 { return c.NumScans }),
	"pg_stat_get_tuples_returned":    relF(1929, func(c *pgstat.RelCounts) int64 { return c.TuplesReturned }),
	"pg_stat_get_tuples_fetched":     relF(1930, func(c *pgstat.RelCounts) int64 { return c.TuplesFetched }),
	"pg_stat_get_tuples_inserted":    relF(1931, func(c *pgstat.RelCounts) int64 { return c.Inserted }),
	"pg_stat_get_tuples_updated":     relF(1932, func(c *pgstat.RelCounts) int64 { return c.Updated }),
	"pg_stat_get_tuples_deleted":     relF(1933, func(c *pgstat.RelCounts) int64 { return c.Deleted }),
	"pg_stat_get_tuples_hot_updated": relF(1972, func(c *pgstat.RelCounts) int64 { return c.HotUpdated }),
	"pg_stat_get_live_tuples":        relF(2878, func(c *pgstat.RelCounts) int64 { return c.Live }),
	"pg_stat_get_dead_tuples":        relF(2879, func(c *pgstat.RelCounts) int64 { return c.Dead }),
	"pg_stat_get_mod_since_analyze":  relF(3177, func(c *pgstat.RelCounts) int64 { return c.ModSinceAnalyze }),
	"pg_stat_get_ins_since_vacuum":   relF(5053, func(c *pgstat.RelCounts) int64 { return c.InsSinceVacuum }),
	"pg_stat_get_vacuum_count":       relF(3054, func(c *pgstat.RelCounts) int64 { return c.VacuumCount }),
	"pg_stat_get_autovacuum_count":   relF(3055, func(c *pgstat.RelCounts) int64 { return c.AutovacuumCount }),
	"pg_stat_get_analyze_count":      relF(3056, func(c *pgstat.RelCounts) int64 { return c.AnalyzeCount }),
	"pg_stat_get_autoanalyze_count":  relF(3057, func(c *pgstat.RelCounts) int64 { return c.AutoanalyzeCount }),
	// blocks: read from the buffer pool, see relBlocks.
	"pg_stat_get_blocks_fetched": {oid: 1934, kind: statRel},
	"pg_stat_get_blocks_hit":     {oid: 1935, kind: statRel},

	"pg_stat_get_last_vacuum_time":      relT(2781, func(c *pgstat.RelCounts) time.Time { return c.LastVacuum }),
	"pg_stat_get_last_autovacuum_time":  relT(2782, func(c *pgstat.RelCounts) time.Time { return c.LastAutovacuum }),
	"pg_stat_get_last_analyze_time":     relT(2783, func(c *pgstat.RelCounts) time.Time { return c.LastAnalyze }),
	"pg_stat_get_last_autoanalyze_time": relT(2784, func(c *pgstat.RelCounts) time.Time { return c.LastAutoanalyze }),

	"pg_stat_get_xact_numscans":           xactF(3037, func(c *pgstat.RelCounts) int64 { return c.NumScans }),
	"pg_stat_get_xact_tuples_returned":    xactF(3038, func(c *pgstat.RelCounts) int64 { return c.TuplesReturned }),
	"pg_stat_get_xact_tuples_fetched":     xactF(3039, func(c *pgstat.RelCounts) int64 { return c.TuplesFetched }),
	"pg_stat_get_xact_tuples_inserted":    xactF(3040, func(c *pgstat.RelCounts) int64 { return c.Inserted }),
	"pg_stat_get_xact_tuples_updated":     xactF(3041, func(c *pgstat.RelCounts) int64 { return c.Updated }),
	"pg_stat_get_xact_tuples_deleted":     xactF(3042, func(c *pgstat.RelCounts) int64 { return c.Deleted }),
	"pg_stat_get_xact_tuples_hot_updated": xactF(3043, func(c *pgstat.RelCounts) int64 { return c.HotUpdated }),
	"pg_stat_get_xact_blocks_fetched":     xactF(3044, func(*pgstat.RelCounts) int64 { return 0 }),
	"pg_stat_get_xact_blocks_hit":         xactF(3045, func(*pgstat.RelCounts) int64 { return 0 }),

	"pg_stat_get_db_numbackends": {oid: 1941, kind: statDB, db: func(s *Session, _ *pgstat.DBCounts) types.Datum {
		n := int64(0)
		if s.inst.Backends() != nil {
			for _, b := range s.inst.Backends().List() {
				if b.Client {
					n++
				}
			}
		}
		return n
	}},
	"pg_stat_get_db_xact_commit":        dbF(1942, func(c *pgstat.DBCounts) int64 { return c.XactCommit }),
	"pg_stat_get_db_xact_rollback":      dbF(1943, func(c *pgstat.DBCounts) int64 { return c.XactRollback }),
	"pg_stat_get_db_tuples_returned":    dbF(2758, func(c *pgstat.DBCounts) int64 { return c.TupReturned }),
	"pg_stat_get_db_tuples_fetched":     dbF(2759, func(c *pgstat.DBCounts) int64 { return c.TupFetched }),
	"pg_stat_get_db_tuples_inserted":    dbF(2760, func(c *pgstat.DBCounts) int64 { return c.TupInserted }),
	"pg_stat_get_db_tuples_updated":     dbF(2761, func(c *pgstat.DBCounts) int64 { return c.TupUpdated }),
	"pg_stat_get_db_tuples_deleted":     dbF(2762, func(c *pgstat.DBCounts) int64 { return c.TupDeleted }),
	"pg_stat_get_db_conflict_all":       dbF(3070, func(c *pgstat.DBCounts) int64 { return c.Conflicts }),
	"pg_stat_get_db_temp_files":         dbF(3150, func(c *pgstat.DBCounts) int64 { return c.TempFiles }),
	"pg_stat_get_db_temp_bytes":         dbF(3151, func(c *pgstat.DBCounts) int64 { return c.TempBytes }),
	"pg_stat_get_db_deadlocks":          dbF(3152, func(c *pgstat.DBCounts) int64 { return c.Deadlocks }),
	"pg_stat_get_db_sessions":           dbF(6188, func(c *pgstat.DBCounts) int64 { return c.Sessions }),
	"pg_stat_get_db_sessions_abandoned": dbF(6189, func(c *pgstat.DBCounts) int64 { return c.SessionsAbandoned }),
	"pg_stat_get_db_sessions_fatal":     dbF(6190, func(c *pgstat.DBCounts) int64 { return c.SessionsFatal }),
	"pg_stat_get_db_sessions_killed":    dbF(6191, func(c *pgstat.DBCounts) int64 { return c.SessionsKilled }),
	"pg_stat_get_db_blocks_fetched": {oid: 1944, kind: statDB, db: func(s *Session, _ *pgstat.DBCounts) types.Datum {
		h, r := s.dbBlocks()
		return h + r
	}},
	"pg_stat_get_db_blocks_hit": {oid: 1945, kind: statDB, db: func(s *Session, _ *pgstat.DBCounts) types.Datum {
		h, _ := s.dbBlocks()
		return h
	}},
	"pg_stat_get_db_stat_reset_time": {oid: 3074, kind: statDBTime, db: func(_ *Session, c *pgstat.DBCounts) types.Datum {
		return statTime(c.StatsReset)
	}},
	// Tusk checksums every page (bufmgr B7); a failure is an error, not counted yet.
	"pg_stat_get_db_checksum_failures":         dbZero(3426, statDB),
	"pg_stat_get_db_checksum_last_failure":     dbZero(3428, statDBTime),
	"pg_stat_get_db_conflict_tablespace":       dbZero(3065, statDB),
	"pg_stat_get_db_conflict_lock":             dbZero(3066, statDB),
	"pg_stat_get_db_conflict_snapshot":         dbZero(3067, statDB),
	"pg_stat_get_db_conflict_bufferpin":        dbZero(3068, statDB),
	"pg_stat_get_db_conflict_startup_deadlock": dbZero(3069, statDB),
	// track_io_timing is off, and session times are not kept yet.
	"pg_stat_get_db_blk_read_time":            dbZero(2844, statDBFloat),
	"pg_stat_get_db_blk_write_time":           dbZero(2845, statDBFloat),
	"pg_stat_get_db_session_time":             dbMS(6185, func(c *pgstat.DBCounts) float64 { return c.SessionTime }),
	"pg_stat_get_db_active_time":              dbMS(6186, func(c *pgstat.DBCounts) float64 { return c.ActiveTime }),
	"pg_stat_get_db_idle_in_transaction_time": dbMS(6187, func(c *pgstat.DBCounts) float64 { return c.IdleInXactTime }),

	"pg_stat_get_bgwriter_timed_checkpoints":       shF(2769, statShared, func(_ *Session, c *pgstat.BGWriterCounts) types.Datum { return c.CheckpointsTimed }),
	"pg_stat_get_bgwriter_requested_checkpoints":   shF(2770, statShared, func(_ *Session, c *pgstat.BGWriterCounts) types.Datum { return c.CheckpointsReq }),
	"pg_stat_get_bgwriter_buf_written_checkpoints": shF(2771, statShared, func(_ *Session, c *pgstat.BGWriterCounts) types.Datum { return c.BuffersCheckpoint }),
	"pg_stat_get_bgwriter_buf_written_clean":       shF(2772, statShared, func(_ *Session, c *pgstat.BGWriterCounts) types.Datum { return c.BuffersClean }),
	"pg_stat_get_bgwriter_maxwritten_clean":        shF(2773, statShared, func(_ *Session, c *pgstat.BGWriterCounts) types.Datum { return c.MaxwrittenClean }),
	"pg_stat_get_buf_written_backend": shF(2775, statShared, func(s *Session, _ *pgstat.BGWriterCounts) types.Datum {
		b, _ := s.backendBuffers()
		return b
	}),
	"pg_stat_get_buf_fsync_backend": shF(3063, statShared, func(*Session, *pgstat.BGWriterCounts) types.Datum { return int64(0) }),
	"pg_stat_get_buf_alloc": shF(2859, statShared, func(s *Session, _ *pgstat.BGWriterCounts) types.Datum {
		_, a := s.backendBuffers()
		return a
	}),
	"pg_stat_get_checkpoint_write_time": shF(3160, statSharedFloat, func(_ *Session, c *pgstat.BGWriterCounts) types.Datum { return c.CheckpointWriteTime }),
	"pg_stat_get_checkpoint_sync_time":  shF(3161, statSharedFloat, func(_ *Session, c *pgstat.BGWriterCounts) types.Datum { return c.CheckpointSyncTime }),
	"pg_stat_get_bgwriter_stat_reset_time": shF(3075, statSharedTime, func(_ *Session, c *pgstat.BGWriterCounts) types.Datum {
		return statTime(c.StatsReset)
	}),
}

// pgEpoch is PostgreSQL's timestamp epoch.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// statTime is a timestamptz datum, NULL for the zero time.
func statTime(t time.Time) types.Datum {
	if t.IsZero() {
		return nil
	}
	return types.TimestampVal(t.Sub(pgEpoch) / time.Microsecond)
}

// dbBlocks returns blks_hit and blks_read of the database.
func (s *Session) dbBlocks() (hits, reads int64) {
	t := s.inst.Pool.TotalStats()
	return s.inst.Stats.DBBlocks(t.Hits, t.Reads)
}

// backendBuffers returns buffers_backend and buffers_alloc.
func (s *Session) backendBuffers() (backend, alloc int64) {
	return s.inst.Stats.BackendBuffers(s.inst.Pool.TotalStats().Writes, s.inst.Pool.Allocs())
}

// relBlocks returns the buffer hits and reads of a relation's current
// relfilenode (pg_statio_*).
func (s *Session) relBlocks(snap *mvcc.Snapshot, oid base.OID) (hits, reads int64) {
	cat := s.inst.Catalog
	m, err := cat.Memo(s.xact, snap, "pgstat.relfilenodes", func() (any, error) { return cat.RelFileNodes(snap) })
	if err != nil {
		return 0, 0
	}
	node, ok := m.(map[base.OID]base.RelFileNode)[oid]
	if !ok {
		return 0, 0
	}
	st := s.inst.Pool.Stats(node)
	return st.Hits, st.Reads
}

func statOID(d types.Datum) base.OID {
	v, _ := d.(int64)
	return base.OID(v)
}

func init() {
	RegisterFuncs(pgstatFuncs)
}

// Function OIDs of the functions that are not counters.
const (
	oidPgStatReset            = 2274
	oidPgStatResetShared      = 3775
	oidPgStatResetSingleTable = 3776
	oidPgStatClearSnapshot    = 2230
	oidPgStatForceNextFlush   = 2137
	oidPgLockStatus           = 1371
	oidPgStatGetDBNumbackends = 1941
)

func pgstatFuncs(s *Session, snap *mvcc.Snapshot, name string, argTypes []*types.T) *analyze.SessionFuncDef {
	if len(name) < 3 || name[:3] != "pg_" {
		return nil
	}
	if s.inst.Stats == nil {
		return nil
	}
	c := s.inst.Stats
	if f, ok := statFuncs[name]; ok {
		switch f.kind {
		case statRel, statRelTime, statXactRel, statDB, statDBFloat, statDBTime:
			if len(argTypes) != 1 {
				return nil
			}
		default:
			if len(argTypes) != 0 {
				return nil
			}
		}
		def := &analyze.SessionFuncDef{OID: f.oid, Strict: true}
		switch f.kind {
		case statRel, statRelTime, statXactRel, statDB, statDBFloat, statDBTime:
			def.Args = []*types.T{types.Oid}
		}
		switch f.kind {
		case statRel:
			def.Ret = types.Int8
			switch name {
			case "pg_stat_get_blocks_fetched":
				def.Fn = func(a []types.Datum) (types.Datum, error) {
					h, r := s.relBlocks(snap, statOID(a[0]))
					return h + r, nil
				}
			case "pg_stat_get_blocks_hit":
				def.Fn = func(a []types.Datum) (types.Datum, error) {
					h, _ := s.relBlocks(snap, statOID(a[0]))
					return h, nil
				}
			default:
				def.Fn = func(a []types.Datum) (types.Datum, error) {
					rc, _ := c.Rel(statOID(a[0]))
					return f.rel(&rc), nil
				}
			}
		case statRelTime:
			def.Ret = types.Timestamptz
			def.Fn = func(a []types.Datum) (types.Datum, error) {
				rc, _ := c.Rel(statOID(a[0]))
				return statTime(f.relT(&rc)), nil
			}
		case statXactRel:
			def.Ret = types.Int8
			def.Fn = func(a []types.Datum) (types.Datum, error) {
				var rc pgstat.RelCounts
				if p := s.pgStat().Pending(statOID(a[0])); p != nil {
					rc = pgstat.RelCounts{NumScans: p.NumScans, TuplesReturned: p.TuplesReturned, TuplesFetched: p.TuplesFetched,
						Inserted: p.Inserted, Updated: p.Updated, Deleted: p.Deleted, HotUpdated: p.HotUpdated}
				}
				return f.rel(&rc), nil
			}
		case statDB, statDBFloat, statDBTime:
			def.Ret = types.Int8
			if f.kind == statDBFloat {
				def.Ret = types.Float8
			} else if f.kind == statDBTime {
				def.Ret = types.Timestamptz
			}
			if f.oid == oidPgStatGetDBNumbackends {
				def.Ret = types.Int4
			}
			def.Fn = func(a []types.Datum) (types.Datum, error) {
				// Tusk has one database; the shared objects' row (datid 0)
				// counts nothing.
				if statOID(a[0]) != catalog.DatabaseOID {
					switch f.kind {
					case statDBFloat:
						return float64(0), nil
					case statDBTime:
						return nil, nil
					}
					return int64(0), nil
				}
				dc := c.DB()
				return f.db(s, &dc), nil
			}
		case statShared, statSharedFloat, statSharedTime:
			def.Ret = types.Int8
			if f.kind == statSharedFloat {
				def.Ret = types.Float8
			} else if f.kind == statSharedTime {
				def.Ret = types.Timestamptz
			}
			def.Fn = func([]types.Datum) (types.Datum, error) {
				bc := c.BGWriter()
				return f.sh(s, &bc), nil
			}
		}
		return def
	}
	switch name {
	case "pg_stat_reset":
		if len(argTypes) != 0 {
			return nil
		}
		return &analyze.SessionFuncDef{OID: oidPgStatReset, Ret: types.Void, Fn: func([]types.Datum) (types.Datum, error) {
			t := s.inst.Pool.TotalStats()
			c.Reset(t.Hits, t.Reads)
			return "", nil
		}}
	case "pg_stat_reset_shared":
		if len(argTypes) != 1 {
			return nil
		}
		return &analyze.SessionFuncDef{OID: oidPgStatResetShared, Args: []*types.T{types.Text}, Ret: types.Void, Strict: true,
			Fn: func(a []types.Datum) (types.Datum, error) {
				target, _ := a[0].(string)
				if !c.ResetShared(target, s.inst.Pool.TotalStats().Writes, s.inst.Pool.Allocs()) {
					if target == "archiver" || target == "wal" || target == "recovery_prefetch" {
						return "", nil // nothing Tusk counts yet
					}
					return nil, pgerr.New(pgerr.InvalidParameterValue, "unrecognized reset target: \"%s\"", target).
						WithHint("Target must be \"archiver\", \"bgwriter\", \"recovery_prefetch\", or \"wal\".")
				}
				return "", nil
			}}
	case "pg_stat_reset_single_table_counters":
		if len(argTypes) != 1 {
			return nil
		}
		return &analyze.SessionFuncDef{OID: oidPgStatResetSingleTable, Args: []*types.T{types.Oid}, Ret: types.Void, Strict: true,
			Fn: func(a []types.Datum) (types.Datum, error) {
				c.ResetRel(statOID(a[0]))
				return "", nil
			}}
	case "pg_stat_clear_snapshot", "pg_stat_force_next_flush":
		// Tusk reads the counters live and flushes at every transaction
		// end: nothing to clear or force.
		if len(argTypes) != 0 {
			return nil
		}
		oid := uint32(oidPgStatClearSnapshot)
		if name == "pg_stat_force_next_flush" {
			oid = oidPgStatForceNextFlush
		}
		return &analyze.SessionFuncDef{OID: oid, Ret: types.Void, Fn: func([]types.Datum) (types.Datum, error) { return "", nil }}
	case "pg_lock_status":
		if len(argTypes) != 0 {
			return nil
		}
		return &analyze.SessionFuncDef{OID: oidPgLockStatus, Ret: types.Record, OutCols: lockStatusCols,
			SRF: func([]types.Datum) (func() (types.Datum, bool, error), error) {
				rows := LockStatus(s)
				return func() (types.Datum, bool, error) {
					if len(rows) == 0 {
						return nil, false, nil
					}
					r := rows[0]
					rows = rows[1:]
					return r, true, nil
				}, nil
			}}
	}
	return nil
}

// lockStatusCols are pg_lock_status's OUT parameters (PostgreSQL 15).
var lockStatusCols = []analyze.Column{
	{Name: "locktype", T: types.Text, Mod: -1},
	{Name: "database", T: types.Oid, Mod: -1},
	{Name: "relation", T: types.Oid, Mod: -1},
	{Name: "page", T: types.Int4, Mod: -1},
	{Name: "tuple", T: types.Int2, Mod: -1},
	{Name: "virtualxid", T: types.Text, Mod: -1},
	{Name: "transactionid", T: types.Xid, Mod: -1},
	{Name: "classid", T: types.Oid, Mod: -1},
	{Name: "objid", T: types.Oid, Mod: -1},
	{Name: "objsubid", T: types.Int2, Mod: -1},
	{Name: "virtualtransaction", T: types.Text, Mod: -1},
	{Name: "pid", T: types.Int4, Mod: -1},
	{Name: "mode", T: types.Text, Mod: -1},
	{Name: "granted", T: types.Bool, Mod: -1},
	{Name: "fastpath", T: types.Bool, Mod: -1},
	{Name: "waitstart", T: types.Timestamptz, Mod: -1},
}

// LockStatus yields pg_locks' rows, in lockStatusCols' order. Tusk has no
// lock manager yet, so there are none; the lock manager issue replaces
// this function's body (or sets LockStatusHook).
func LockStatus(s *Session) [][]types.Datum {
	if LockStatusHook != nil {
		return LockStatusHook(s)
	}
	return nil
}

// LockStatusHook, when set, yields pg_locks' rows (see LockStatus).
var LockStatusHook func(s *Session) [][]types.Datum

func init() {
	// PostgreSQL 15's definitions (system_views.sql), with the same
	// columns, order and types.
	RegisterSystemView("pg_catalog", "pg_stat_all_tables", `
SELECT c.oid AS relid, n.nspname AS schemaname, c.relname,
    pg_stat_get_numscans(c.oid) AS seq_scan,
    pg_stat_get_tuples_returned(c.oid) AS seq_tup_read,
    sum(pg_stat_get_numscans(i.indexrelid))::bigint AS idx_scan,
    sum(pg_stat_get_tuples_fetched(i.indexrelid))::bigint + pg_stat_get_tuples_fetched(c.oid) AS idx_tup_fetch,
    pg_stat_get_tuples_inserted(c.oid) AS n_tup_ins,
    pg_stat_get_tuples_updated(c.oid) AS n_tup_upd,
    pg_stat_get_tuples_deleted(c.oid) AS n_tup_del,
    pg_stat_get_tuples_hot_updated(c.oid) AS n_tup_hot_upd,
    pg_stat_get_live_tuples(c.oid) AS n_live_tup,
    pg_stat_get_dead_tuples(c.oid) AS n_dead_tup,
    pg_stat_get_mod_since_analyze(c.oid) AS n_mod_since_analyze,
    pg_stat_get_ins_since_vacuum(c.oid) AS n_ins_since_vacuum,
    pg_stat_get_last_vacuum_time(c.oid) AS last_vacuum,
    pg_stat_get_last_autovacuum_time(c.oid) AS last_autovacuum,
    pg_stat_get_last_analyze_time(c.oid) AS last_analyze,
    pg_stat_get_last_autoanalyze_time(c.oid) AS last_autoanalyze,
    pg_stat_get_vacuum_count(c.oid) AS vacuum_count,
    pg_stat_get_autovacuum_count(c.oid) AS autovacuum_count,
    pg_stat_get_analyze_count(c.oid) AS analyze_count,
    pg_stat_get_autoanalyze_count(c.oid) AS autoanalyze_count
FROM pg_catalog.pg_class c
    LEFT JOIN pg_catalog.pg_index i ON c.oid = i.indrelid
    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 't', 'm', 'p')
GROUP BY c.oid, n.nspname, c.relname`)
	RegisterSystemView("pg_catalog", "pg_stat_xact_all_tables", `
SELECT c.oid AS relid, n.nspname AS schemaname, c.relname,
    pg_stat_get_xact_numscans(c.oid) AS seq_scan,
    pg_stat_get_xact_tuples_returned(c.oid) AS seq_tup_read,
    sum(pg_stat_get_xact_numscans(i.indexrelid))::bigint AS idx_scan,
    sum(pg_stat_get_xact_tuples_fetched(i.indexrelid))::bigint + pg_stat_get_xact_tuples_fetched(c.oid) AS idx_tup_fetch,
    pg_stat_get_xact_tuples_inserted(c.oid) AS n_tup_ins,
    pg_stat_get_xact_tuples_updated(c.oid) AS n_tup_upd,
    pg_stat_get_xact_tuples_deleted(c.oid) AS n_tup_del,
    pg_stat_get_xact_tuples_hot_updated(c.oid) AS n_tup_hot_upd
FROM pg_catalog.pg_class c
    LEFT JOIN pg_catalog.pg_index i ON c.oid = i.indrelid
    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 't', 'm', 'p')
GROUP BY c.oid, n.nspname, c.relname`)
	registerSysAndUser("pg_stat_all_tables")
	registerSysAndUser("pg_stat_xact_all_tables")
	RegisterSystemView("pg_catalog", "pg_stat_all_indexes", `
SELECT c.oid AS relid, i.oid AS indexrelid, n.nspname AS schemaname, c.relname, i.relname AS indexrelname,
    pg_stat_get_numscans(i.oid) AS idx_scan,
    pg_stat_get_tuples_returned(i.oid) AS idx_tup_read,
    pg_stat_get_tuples_fetched(i.oid) AS idx_tup_fetch
FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_index x ON c.oid = x.indrelid
    JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 't', 'm')`)
	registerSysAndUser("pg_stat_all_indexes")
	// Tusk has no TOAST tables (rows are never out of line): the toast and
	// tidx columns are 0 where PostgreSQL would have made a TOAST table (a
	// column of unbounded variable length that is not storage plain,
	// needs_toast_table) and NULL elsewhere, as PostgreSQL shows them.
	RegisterSystemView("pg_catalog", "pg_statio_all_tables", `
SELECT c.oid AS relid, n.nspname AS schemaname, c.relname,
    pg_stat_get_blocks_fetched(c.oid) - pg_stat_get_blocks_hit(c.oid) AS heap_blks_read,
    pg_stat_get_blocks_hit(c.oid) AS heap_blks_hit,
    (SELECT sum(pg_stat_get_blocks_fetched(x.indexrelid) - pg_stat_get_blocks_hit(x.indexrelid))::bigint
       FROM pg_catalog.pg_index x WHERE x.indrelid = c.oid) AS idx_blks_read,
    (SELECT sum(pg_stat_get_blocks_hit(x.indexrelid))::bigint
       FROM pg_catalog.pg_index x WHERE x.indrelid = c.oid) AS idx_blks_hit,
    CASE WHEN t.attrelid IS NOT NULL THEN 0::bigint END AS toast_blks_read,
    CASE WHEN t.attrelid IS NOT NULL THEN 0::bigint END AS toast_blks_hit,
    CASE WHEN t.attrelid IS NOT NULL THEN 0::bigint END AS tidx_blks_read,
    CASE WHEN t.attrelid IS NOT NULL THEN 0::bigint END AS tidx_blks_hit
FROM pg_catalog.pg_class c
    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN (SELECT DISTINCT a.attrelid FROM pg_catalog.pg_attribute a
               WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attlen = -1 AND a.attstorage <> 'p'
                 AND NOT (a.atttypmod >= 0 AND a.atttypid IN (1042, 1043, 1560, 1562, 1700))) t
        ON t.attrelid = c.oid AND c.relkind IN ('r', 'm')
WHERE c.relkind IN ('r', 't', 'm')`)
	registerSysAndUser("pg_statio_all_tables")
	RegisterSystemView("pg_catalog", "pg_statio_all_indexes", `
SELECT c.oid AS relid, i.oid AS indexrelid, n.nspname AS schemaname, c.relname, i.relname AS indexrelname,
    pg_stat_get_blocks_fetched(i.oid) - pg_stat_get_blocks_hit(i.oid) AS idx_blks_read,
    pg_stat_get_blocks_hit(i.oid) AS idx_blks_hit
FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_index x ON c.oid = x.indrelid
    JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 't', 'm')`)
	registerSysAndUser("pg_statio_all_indexes")
	RegisterSystemView("pg_catalog", "pg_stat_database", `
SELECT d.oid AS datid, d.datname,
    CASE WHEN d.oid = 0::oid THEN 0 ELSE pg_stat_get_db_numbackends(d.oid) END AS numbackends,
    pg_stat_get_db_xact_commit(d.oid) AS xact_commit,
    pg_stat_get_db_xact_rollback(d.oid) AS xact_rollback,
    pg_stat_get_db_blocks_fetched(d.oid) - pg_stat_get_db_blocks_hit(d.oid) AS blks_read,
    pg_stat_get_db_blocks_hit(d.oid) AS blks_hit,
    pg_stat_get_db_tuples_returned(d.oid) AS tup_returned,
    pg_stat_get_db_tuples_fetched(d.oid) AS tup_fetched,
    pg_stat_get_db_tuples_inserted(d.oid) AS tup_inserted,
    pg_stat_get_db_tuples_updated(d.oid) AS tup_updated,
    pg_stat_get_db_tuples_deleted(d.oid) AS tup_deleted,
    pg_stat_get_db_conflict_all(d.oid) AS conflicts,
    pg_stat_get_db_temp_files(d.oid) AS temp_files,
    pg_stat_get_db_temp_bytes(d.oid) AS temp_bytes,
    pg_stat_get_db_deadlocks(d.oid) AS deadlocks,
    pg_stat_get_db_checksum_failures(d.oid) AS checksum_failures,
    pg_stat_get_db_checksum_last_failure(d.oid) AS checksum_last_failure,
    pg_stat_get_db_blk_read_time(d.oid) AS blk_read_time,
    pg_stat_get_db_blk_write_time(d.oid) AS blk_write_time,
    pg_stat_get_db_session_time(d.oid) AS session_time,
    pg_stat_get_db_active_time(d.oid) AS active_time,
    pg_stat_get_db_idle_in_transaction_time(d.oid) AS idle_in_transaction_time,
    pg_stat_get_db_sessions(d.oid) AS sessions,
    pg_stat_get_db_sessions_abandoned(d.oid) AS sessions_abandoned,
    pg_stat_get_db_sessions_fatal(d.oid) AS sessions_fatal,
    pg_stat_get_db_sessions_killed(d.oid) AS sessions_killed,
    pg_stat_get_db_stat_reset_time(d.oid) AS stats_reset
FROM (SELECT 0::oid AS oid, NULL::name AS datname
      UNION ALL
      SELECT oid, datname FROM pg_catalog.pg_database) d`)
	RegisterSystemView("pg_catalog", "pg_stat_bgwriter", `
SELECT pg_stat_get_bgwriter_timed_checkpoints() AS checkpoints_timed,
    pg_stat_get_bgwriter_requested_checkpoints() AS checkpoints_req,
    pg_stat_get_checkpoint_write_time() AS checkpoint_write_time,
    pg_stat_get_checkpoint_sync_time() AS checkpoint_sync_time,
    pg_stat_get_bgwriter_buf_written_checkpoints() AS buffers_checkpoint,
    pg_stat_get_bgwriter_buf_written_clean() AS buffers_clean,
    pg_stat_get_bgwriter_maxwritten_clean() AS maxwritten_clean,
    pg_stat_get_buf_written_backend() AS buffers_backend,
    pg_stat_get_buf_fsync_backend() AS buffers_backend_fsync,
    pg_stat_get_buf_alloc() AS buffers_alloc,
    pg_stat_get_bgwriter_stat_reset_time() AS stats_reset`)
	RegisterSystemView("pg_catalog", "pg_locks", `
SELECT l.locktype, l.database, l.relation, l.page, l.tuple, l.virtualxid, l.transactionid,
    l.classid, l.objid, l.objsubid, l.virtualtransaction, l.pid, l.mode, l.granted, l.fastpath, l.waitstart
FROM pg_catalog.pg_lock_status() l`)
}

// registerSysAndUser registers the _sys_ and _user_ views of a statistics
// view over all relations (pg_stat_all_tables: pg_stat_sys_tables and
// pg_stat_user_tables), split on the schema as PostgreSQL's are.
func registerSysAndUser(all string) {
	RegisterSystemView("pg_catalog", strings.Replace(all, "_all_", "_sys_", 1), `
SELECT * FROM pg_catalog.`+all+`
WHERE schemaname IN ('pg_catalog', 'information_schema') OR schemaname ~ '^pg_toast'`)
	RegisterSystemView("pg_catalog", strings.Replace(all, "_all_", "_user_", 1), `
SELECT * FROM pg_catalog.`+all+`
WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname !~ '^pg_toast'`)
}
