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
package instance
