package tusk

import (
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/pgoracle"
)

// Helpers shared by the tests that compare Tusk with the PostgreSQL
// oracle (internal/pgoracle: skipped locally without the oracle, failed
// when CI=true).

// startOracleAndTusk starts the oracle and connects to it, and opens an
// in-memory Tusk DB; both are closed when the test ends.
func startOracleAndTusk(t *testing.T) (*pgx.Conn, *DB) {
	t.Helper()
	url := pgoracle.Start(t)
	pg, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { pg.Close(ctx) })
	db, err := Open("")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return pg, db
}

// pgRowStrings reads the rest of rows as text, NULL as "NULL" (as
// queryStrings prints Tusk's rows), with the result's column names, and
// closes rows.
func pgRowStrings(rows pgx.Rows) (cols []string, out [][]string, err error) {
	defer rows.Close()
	for _, f := range rows.FieldDescriptions() {
		cols = append(cols, f.Name)
	}
	for rows.Next() {
		var line []string
		for _, v := range rows.RawValues() {
			if v == nil {
				line = append(line, "NULL")
			} else {
				line = append(line, string(v))
			}
		}
		out = append(out, line)
	}
	return cols, out, rows.Err()
}

// pgQueryStrings runs sql on PostgreSQL with the simple protocol (text
// results) and returns its rows as pgRowStrings does.
func pgQueryStrings(t *testing.T, pg *pgx.Conn, sql string) [][]string {
	t.Helper()
	_, out := pgQueryColsStrings(t, pg, sql)
	return out
}

// pgQueryColsStrings is pgQueryStrings that also returns the column names.
func pgQueryColsStrings(t *testing.T, pg *pgx.Conn, sql string) ([]string, [][]string) {
	t.Helper()
	rows, err := pg.Query(ctx, sql, pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err, sql)
	cols, out, err := pgRowStrings(rows)
	require.NoError(t, err, sql)
	return cols, out
}

// execBoth runs each statement on PostgreSQL and on Tusk, failing on the
// first error of either.
func execBoth(t *testing.T, pg *pgx.Conn, db *DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		_, err := pg.Exec(ctx, s)
		require.NoError(t, err, s)
		_, err = db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
}

// connectSimple connects to the oracle at url with the simple protocol as
// the default (text results, several statements in one Exec); the
// connection is closed when the test ends.
func connectSimple(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	require.NoError(t, err)
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	pg, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { pg.Close(ctx) })
	return pg
}

// openTuskWith opens an in-memory Tusk DB, closed when the test ends, and
// runs stmts on it.
func openTuskWith(t *testing.T, stmts ...string) *DB {
	t.Helper()
	db, err := Open("")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	for _, s := range stmts {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	return db
}

// printedRows runs q on db and returns each row's values printed with
// fmt.Sprint, in the order the query returns them.
func printedRows(t *testing.T, db *DB, q string) []string {
	t.Helper()
	rows, err := db.Query(ctx, q)
	require.NoError(t, err, q)
	defer rows.Close()
	var out []string
	for rows.Next() {
		out = append(out, fmt.Sprint(rows.Values()...))
	}
	require.NoError(t, rows.Err(), q)
	return out
}
