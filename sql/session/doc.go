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
package session
