// Package session is a backend: the goroutine-owned state of one client
// connection, whatever the entry point (Go API, database/sql, the wire
// server of a later issue). It owns the transaction state, the settings
// (GUCs), the snapshot, and the backend id, and drives each statement
// through parser → analyze → plan → exec, or runs it as a utility command
// (DDL, transaction control, SET/SHOW, CHECKPOINT).
//
// Invariants:
//
//	S1: A Session is used by one goroutine at a time; it is not safe for
//	    concurrent use (like a PostgreSQL backend, one query at a time).
//	S2: Outside a transaction block each statement runs in its own
//	    transaction, committed when its cursor is closed and aborted on
//	    error. Inside a block, an error puts the block in the failed state
//	    where every statement but ROLLBACK/COMMIT fails with 25P02.
//	S3: READ COMMITTED takes a snapshot per statement; REPEATABLE READ and
//	    SERIALIZABLE take one at the first statement and keep it.
//	S4: The command counter is incremented after every statement, so a
//	    statement sees the effects of the earlier ones in its transaction
//	    and never its own.
//	S5: A transaction that changed the catalog holds the instance's DDL
//	    lock until it ends; when it ends the catalog cache is invalidated
//	    (commit) and the relation files it created (abort) or dropped
//	    (commit) are removed.
//	S6: DDL that changes existing rows (ADD COLUMN with a DEFAULT, ALTER
//	    COLUMN TYPE) rewrites them in place with heap updates, decoding
//	    with the old catalog and encoding with the new, then rebuilds the
//	    table's indexes; older snapshots keep seeing the old versions with
//	    the catalog they see (catalog C3). TRUNCATE instead gives tables
//	    new files (catalog C5) and, like PostgreSQL's, is not MVCC-safe.
//	S7: ALTER TABLE runs its subcommands one after another, each its own
//	    command (catalog C6); CREATE TABLE creates CHECK, then PRIMARY KEY,
//	    UNIQUE and FOREIGN KEY constraints with PostgreSQL's names (the
//	    ddl_*.go files).
//	S8: Sequence functions (seq_funcs.go) see the sequence as the statement's
//	    snapshot does, and change its state outside the transaction
//	    (catalog SQ1); a session caches the values CACHE reserves and
//	    remembers currval/lastval until it ends. SERIAL and identity
//	    columns create their sequence before the table, and own it (pg_depend
//	    'a' / 'i') after (seq_columns.go).
//	SP1: The session counts statistics into its own pgstat.Xact
//	    (pgstat_views.go) and flushes it when its transaction ends, commit
//	    or abort (endXact), so any statement that starts after the end
//	    sees the transaction's counts; the views are PostgreSQL 15's
//	    definitions over pg_stat_get_* functions reading the instance's
//	    collector (internal/pgstat) and the buffer pool's hit/read/write
//	    counters. pg_locks is empty until the lock manager sets
//	    LockStatusHook.
//	AZ1: ANALYZE (analyze_*.go) samples like acquire_sample_rows: up to
//	    300 x the largest column statistics target rows (attstattarget, else
//	    default_statistics_target), blocks chosen by Knuth's Algorithm S,
//	    rows by Vitter's reservoir, from one random source seeded per
//	    ANALYZE (AnalyzeRandSeed makes it deterministic); the sample is in
//	    physical order, and a table no larger than the sample is read whole,
//	    so its statistics are exact and equal PostgreSQL's. reltuples is the
//	    live rows seen per sampled block x blocks.
//	AZ2: Per column, compute_scalar_stats (types with "=" and "<"),
//	    compute_distinct_stats ("=" only) or compute_trivial_stats (json),
//	    with PostgreSQL's arithmetic: stanullfrac and stadistinct rounded to
//	    float4 before later steps use them, Haas-Stokes n_distinct (negative
//	    above 10% of the rows), analyze_mcv_list, histograms without the
//	    MCVs, correlation over sample positions. Values wider than 1024
//	    bytes count as distinct and stay out of MCVs and histograms.
//	AZ3: stawidth averages the size PostgreSQL would store: typlen for
//	    fixed-length types, else the varlena size with a 1-byte header up to
//	    126 data bytes (numeric in base-10000 digits, arrays with their
//	    header and aligned elements). Values PostgreSQL would compress
//	    (rows over 2 kB) and jsonb (its binary form) differ.
//	AZ4: ANALYZE runs in the current transaction (it may be in a block): its
//	    pg_statistic rows commit or roll back with it, while relpages,
//	    reltuples and relallvisible (of the table and its indexes; a
//	    partial index gets the share of the sample its predicate accepts;
//	    an expression index's expressions get statistics of their own,
//	    under the index's OID and column numbers, as compute_index_stats)
//	    are updated in place, as PostgreSQL does (catalog ST2); it takes the
//	    DDL lock (S5) and reports each table to the
//	    statistics collector (ReportAnalyze). Views and other non-tables are
//	    skipped (PostgreSQL warns). CREATE INDEX also sets the table's and
//	    index's relpages/reltuples (index_update_stats).
//	I1: Introspection (introspect_*.go): reg* values (regclass, regtype,
//	    regnamespace, regproc, regprocedure, regrole) are OIDs inside the
//	    engine (comparisons and ORDER BY are by OID) and names at the
//	    edges: literals and casts from text resolve names under the
//	    statement's snapshot (analyze.Env.RegIn; 42P01, 3F000, 42704,
//	    42883 as PostgreSQL), casts to text and result values
//	    (Cursor.Text, COPY TO) print names, qualified when not visible
//	    on the search path. The catalog functions (format_type,
//	    pg_get_*def, pg_get_expr, sizes, visibility, has_*_privilege...)
//	    carry PostgreSQL's pg_proc OIDs and are listed in pg_proc; a
//	    missing object gives NULL where PostgreSQL does, never a panic.
//	    pg_get_viewdef, pg_get_expr and CHECK constraints are printed from
//	    the analyzed expression as ruleutils.c does (plain and pretty,
//	    introspect_viewdef.go), or as stored when the printer meets a
//	    construct it does not know. The information_schema views are SQL
//	    over the catalog tables (helpers _pg_view_updatable,
//	    _pg_column_updatable, _pg_fk_position), with base types (name,
//	    varchar, int4) for PostgreSQL's domains.
//	S9: A session is a client backend (backend.go): New registers it in
//	    the instance's backend table (instance BK1) and its pid is its id
//	    (pg_backend_pid); Close, pg_terminate_backend and a crash remove
//	    it. Every exported entry point (Query, Exec, CopyFrom/To, Close,
//	    Status, Usable, Cursor.Next/Close/RowsAffected) runs between
//	    enter and leave: the call reports 'active' with the query text and
//	    the caller's context wrapped in a statement context the backend
//	    can cancel; the outermost leave reports the idle state (idle, idle
//	    in transaction, idle in transaction (aborted)) unless a cursor is
//	    still open (then the statement is still 'active').
//	S10: The owner's outermost call holds s.mu. pg_cancel_backend cancels
//	    the statement context: the executor's interrupt check (X6) and
//	    lock waits stop with 57014 and the session stays usable.
//	    pg_terminate_backend also marks the backend terminated: a running
//	    call ends with 57P01 and shuts the session down on its way out; a
//	    session between calls is shut down at once by the terminating
//	    goroutine under s.mu (open cursor closed, transaction aborted, so
//	    its row locks and the DDL lock are released without waiting for
//	    its owner). Every later call fails with 57P01; Usable is false, so
//	    the DB pool and database/sql (ResetSession, IsValid) drop it.
//	S11: A panic inside a statement (run, Cursor.Next, Cursor.Close) is a
//	    backend crash: the panic value, the query and the stack go to the
//	    instance log (Options.Logf), the statement fails with XX000, and
//	    the session shuts down as in S10 (its iterators closed, releasing
//	    their buffer pins; its transaction aborted) and never runs again;
//	    the other sessions are not touched. A panic while a buffer content
//	    lock is held is not recovered from (nothing records which content
//	    locks a backend holds); TestHookInterrupt panics only at interrupt
//	    checks, where none is held.
//	P1: psql's describe queries (psql_funcs.go, comment.go,
//	    class_flags.go): pg_settings is a view over pg_show_all_settings,
//	    which lists the session's parameters with PostgreSQL 15's
//	    descriptions (guc_meta_gen.go) and values in the parameter's base
//	    unit; pg_roles/pg_user are views over pg_authid; functions of
//	    features Tusk lacks (pg_partition_ancestors, pg_get_triggerdef...)
//	    answer as PostgreSQL does for a database without them. COMMENT ON
//	    writes pg_description (catalog C10). After every successful
//	    statement, the pg_class flags of relations its DDL touched are
//	    brought up to date under a new command (catalog C9).
//	IX1: Every index entry is computed by exec.IndexKey from an
//	    IndexTarget that indexTarget (index_ddl.go) builds: plain columns,
//	    expression columns (pg_index.indexprs: their SQL texts joined by
//	    ", ", analyzed over the table row) and the partial predicate
//	    (indpred); INSERT, UPDATE, COPY, foreign key actions, CREATE INDEX,
//	    REINDEX and bt_index_check(index, heapallindexed) use it, so they
//	    agree. CREATE INDEX and REINDEX index every tuple that is not dead
//	    (heap.ScanAll); a unique build reports 23505 "could not create
//	    unique index". CREATE/DROP INDEX CONCURRENTLY and REINDEX
//	    CONCURRENTLY/SCHEMA/DATABASE/SYSTEM refuse to run in a transaction
//	    block (25001) and otherwise build like the plain commands.
//	IX2: VACUUM (vacuum.go) only sets visibility map bits
//	    (heap.MarkAllVisible with the oldest running xmin as horizon) and
//	    pg_class.relpages/reltuples/relallvisible; pruning dead tuples and
//	    freezing are the maintenance issue's, so a page with a dead tuple
//	    stays not all-visible.
//	S12: What a statement reuses of the previous one's memory is only
//	    what nothing can reach any more (fastpath.go, backend.go): the
//	    statement context once the session reported idle (the backend
//	    calls a cancel function only under its lock, and Idle dropped it)
//	    and no one waited on its Done channel; the transaction after
//	    endXact ended it (mvcc.BeginReusing: committed or aborted, left
//	    the catalog's and manager's tables; others only read its XID); a
//	    READ COMMITTED statement snapshot after the cursor that owned it
//	    closed its iterators (Cursor.Close; a failed or abandoned cursor
//	    gives nothing back). Per statement, the cursor, its executor
//	    context (exec.Frame), the parameter values and the index opener
//	    are one allocation, never reused: rows and the cursor a caller
//	    keeps stay as they were.
//	S13: Notices (notice.go) go to the session's NoticeHandler, in order,
//	    on the statement's goroutine before the statement returns, with
//	    PostgreSQL's severity, SQLSTATE and text; client_min_messages
//	    warning or error drops them. A statement's result never depends on
//	    whether anyone listens.
//	PC1-PC4: The plan cache (plancache.go): a repeated SQL text reuses its
//	    parse tree, and its generic plan while no catalog change has
//	    committed and no setting changed; statements with parameters get
//	    custom plans (the values bound as constants, folded and used by
//	    the estimates) until the generic plan is
//	    shown not to cost more, as PostgreSQL's choose_custom_plan.
package session
