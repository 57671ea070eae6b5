// Package unittest shows how to use Tusk in a Go project's unit tests: a
// real PostgreSQL-compatible database in the test process, no server, no
// Docker, no mocks.
//
// The package is a tiny data layer, Users (store.go), written against
// *tusk.DB. Its tests (store_test.go) follow one pattern:
//
//   - newTestDB(t) opens a fresh in-memory database for each test
//     (tusk.Open(""), a few milliseconds: it copies a template made once
//     per process), loads the schema, and closes the database in
//     t.Cleanup. Tests share nothing, so every test can call t.Parallel().
//   - Table-driven tests run many cases over one database; subtests that
//     write use their own rows (or their own database) so order does not
//     matter.
//   - Errors are asserted by SQLSTATE (tusk.ErrorCode(err) == "23505"), the
//     codes PostgreSQL reports, so the same assertions hold against a real
//     PostgreSQL server.
//   - db.Explain returns the plan of a query as a Go tree: a test can pin
//     down that a lookup uses an index (plan.Uses("users_email_key")) and
//     fail when a schema change makes it a sequential scan.
//
// Code written against database/sql works the same way with the "tusk"
// driver (TestDatabaseSQL): sql.Open("tusk", "memory:?application_name=X").
// Every distinct DSN is its own database, and an in-memory one lives while
// the sql.DB has a connection open, so give each test its own DSN and
// close the sql.DB in t.Cleanup.
package unittest
