// Package tusk is an embeddable SQL database built the way PostgreSQL is
// built, in one process: 8 KB pages under a buffer manager, a write-ahead
// log with crash recovery, CLOG-based MVCC, and a parser → analyzer →
// planner → executor pipeline that speaks PostgreSQL's SQL.
//
//	db, err := tusk.Open("./tusk-data")
//	defer db.Close()
//	db.Exec(ctx, "CREATE TABLE users (id int8 PRIMARY KEY, name text)")
//	db.Exec(ctx, "INSERT INTO users VALUES ($1, $2)", 1, "ada")
//	row := db.QueryRow(ctx, "SELECT name FROM users WHERE id = $1", 1)
//
// Open("") gives an in-memory database. The database/sql driver is
// registered as "tusk"; its DSN is the data directory, optionally followed
// by settings: "./tusk-data?synchronous_commit=off&shared_buffers=16MB".
//
// Caveats a user must know:
//   - A directory is opened by one DB at a time (a lock file, like
//     postmaster.pid); a second Open fails with SQLSTATE 55006.
//   - Rows hold their session and transaction until closed: always Close
//     them (or read them to the end).
//   - Errors are *tusk.Error values carrying PostgreSQL's SQLSTATE in Code.
package tusk
