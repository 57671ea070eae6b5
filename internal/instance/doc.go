// Package instance starts, checkpoints and stops one Tusk database: what
// PostgreSQL's postmaster, startup process and checkpointer do. It owns the
// data directory layout, the lock file, the control file, the order in
// which subsystems open, crash recovery, and the background goroutines; it
// hands sessions (package sql/session) the shared services.
//
// Data directory layout (PostgreSQL's names):
//
//	postmaster.pid   lock file: one Instance per directory (I1)
//	global/pg_control control file: last checkpoint, state
//	pg_wal/          WAL segments
//	pg_xact/         CLOG segments
//	base/            relation files, one per relfilenode (+ _fsm, _vm forks)
//
// Invariants:
//
//	I1: At most one Instance has a data directory open; a second Open fails
//	    with SQLSTATE 55006 while the first holds the lock file.
//	I2: Startup: read pg_control; if the database was not shut down cleanly,
//	    replay WAL from the last checkpoint's redo pointer through every
//	    resource manager, then take an end-of-recovery checkpoint before any
//	    session runs.
//	I3: Checkpoint: set the redo pointer, write CLOG and every dirty buffer
//	    (each after WAL is flushed to its LSN, B3), write and flush a
//	    checkpoint record, then write pg_control. pg_control is written last,
//	    so a crash mid-checkpoint recovers from the previous one.
//	I4: Close stops every goroutine the instance started, takes a shutdown
//	    checkpoint, and releases the lock file.
//	I5: Open of a cleanly shut down database writes pg_control "in
//	    production" before any session runs, so a crash is always seen as
//	    one by the next Open. At the end of crash recovery, before the
//	    end-of-recovery checkpoint, the files of relations no committed
//	    pg_class row names are removed (check.go): Tusk's commit and abort
//	    records do not list files to remove as PostgreSQL's do, so a crash
//	    leaves the files of running transactions' new relations (PostgreSQL
//	    leaves those too), of relations dropped or rolled back just before
//	    it, and replay makes dropped relations' files again from their WAL.
//	    When the catalog fails catalog.Check, nothing is removed. Check
//	    (pages) and CheckCatalog (catalog CK1...CK3) are what tests run
//	    after a crash.
//	IS1: Stats (internal/pgstat) is the instance's statistics collector.
//	    A clean Close writes it to pg_stat/pgstat.stat after the shutdown
//	    checkpoint; Open reads that file back unless it recovered from a
//	    crash, and removes it either way (a crash loses the counters, as
//	    in PostgreSQL). Every Checkpoint counts one requested checkpoint,
//	    with the buffers it wrote and its write and sync times
//	    (pg_stat_bgwriter).
//	BK1: Backends (backends.go) is the backend table, PostgreSQL's PGPROC
//	    array plus PgBackendStatus: every session and background worker
//	    registers with a pid unique among the live backends (positive,
//	    from 1000, reused only after it left) and a backend_type ('client
//	    backend', 'walwriter', ...). Open registers the WAL writer
//	    goroutine; Close and Crash remove it. pg_stat_activity reads
//	    Backends.List.
//	BK2: A backend's entry is written by its owner (state, query, times,
//	    xact, xmin, application_name) and read by anyone under its own
//	    mutex; Cancel calls the running statement's cancel function (under
//	    that mutex, so a function Idle or StartStatement replaced is never
//	    called afterwards) and does nothing to an idle backend.
//	    A client backend sums the time it spends active and idle in a
//	    transaction from its state changes; TakeTimes (or IdleTimes, as it
//	    goes idle) hands those sums and the time since the previous call
//	    to pg_stat_database.
//	BK3: Terminate marks the backend terminated, cancels its statement
//	    with ErrTerminated (57P01) and calls the owner's OnTerminate hook,
//	    which ends the owner's transaction if the owner is between calls
//	    (session S10). Done is closed once the backend left the table.
//	BK4: A backend that ended, was cancelled or crashed holds no buffer
//	    pin: with no statement running, CheckNoPins finds none.
//	    Options.Logf is the server log (a crashed backend's panic and
//	    stack, WARNINGs).
package instance
