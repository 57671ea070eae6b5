// Package pgstat is Tusk's cumulative statistics system: what
// PostgreSQL 15's pgstat (utils/activity/pgstat*.c) keeps for the
// pg_stat_* and pg_statio_* views. It is a leaf package (it imports only
// internal/base), so any layer may report to it; sql/session defines the
// views and their pg_stat_get_* functions over it (pgstat_views.go).
//
// One Collector per instance holds the shared counters: per relation
// (tables and indexes, keyed by pg_class OID), per database and for the
// background writer / checkpointer. A backend (session) owns one Xact, a
// private, unlocked accumulator for its current transaction; the executor
// bumps plain int64 fields of the *Rel it got once per plan node, and the
// session flushes the Xact into the Collector when the transaction ends.
//
// Buffer hits and reads are not counted here: bufmgr.Pool already keeps
// them per relfilenode with atomics, and the views read them from there
// (so they follow the relation's current relfilenode: a TRUNCATE or a
// rewrite starts them again at zero).
//
// Invariants:
//
//	PS1: Counting is cheap: no lock and no atomic per row. A row costs one
//	     increment of a field of the backend's own Rel; a transaction end
//	     takes the entry mutex of each relation it touched (the Rel caches
//	     the entry; the Collector's map is locked only to find it the first
//	     time, or again after a Reset), and adds to the database atomics.
//	     A backend's Rels are reused from one transaction to the next.
//	PS2: Transactional counts follow PostgreSQL's AtEOXact_PgStat_Relations:
//	     n_tup_ins/upd/del count attempted changes whether the transaction
//	     commits or aborts; at commit n_live_tup += ins - del,
//	     n_dead_tup += upd + del, n_mod_since_analyze += ins + upd + del; at
//	     abort n_dead_tup += ins + upd (the aborted versions are dead) and
//	     nothing else moves. n_ins_since_vacuum += ins either way.
//	     n_live_tup and n_dead_tup never go below zero.
//	PS3: A TRUNCATE in a transaction that commits forgets the transaction's
//	     earlier ins/upd/del and resets n_live_tup, n_dead_tup and
//	     n_ins_since_vacuum of the relation; if it aborts, nothing of it is
//	     seen (pgstat_count_truncate).
//	PS4: Scan counters (seq_scan, seq_tup_read, idx_scan, idx_tup_read,
//	     idx_tup_fetch) are not transactional: they are flushed at the
//	     transaction's end whether it commits or aborts. Other sessions see
//	     a transaction's counts only after it ended (PostgreSQL flushes
//	     later still, at most once a second, unless
//	     pg_stat_force_next_flush() was called).
//	PS5: ReportAnalyze sets n_live_tup and n_dead_tup to what ANALYZE
//	     counted (less what the reporting transaction itself changed and
//	     will flush later), resets n_mod_since_analyze, and stamps
//	     last_analyze / analyze_count (or the auto* pair). ReportVacuum does
//	     the same for VACUUM, resetting n_ins_since_vacuum instead.
//	PS6: Reset (pg_stat_reset) zeroes every relation and database counter
//	     and stamps stats_reset; ResetShared("bgwriter") zeroes the
//	     checkpoint counters. The per-relation block counts (pg_statio) are
//	     bufmgr's and are not reset.
//	PS7: Save and Load carry every counter, the pool-kept database and
//	     bgwriter ones included, across a clean restart (the instance
//	     writes pg_stat/pgstat.stat at Close; a crash loses them, as in
//	     PostgreSQL). Per-relation block counts start again at zero.
//
// Entries of dropped relations are kept while the instance runs (OIDs are
// not reused, so they are only unreachable); the instance drops them when
// it loads the statistics file.
package pgstat
