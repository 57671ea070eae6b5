package tusk

import (
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// The seed's pg_stat_activity query runs unchanged on Tusk and gives the
// columns PostgreSQL 15 gives, with the same names and types; so does the
// whole view (the rows differ by nature: other backends, other pids).
func TestStatActivityMatchesPostgres(t *testing.T) {
	pg, db := startOracleAndTusk(t)

	// pgTypes returns the names and format_type names of a query's result
	// columns in PostgreSQL.
	pgTypes := func(query string) (names, typs []string) {
		rows, err := pg.Query(ctx, query, pgx.QueryExecModeSimpleProtocol)
		require.NoError(t, err, query)
		fds := rows.FieldDescriptions()
		rows.Close()
		require.NoError(t, rows.Err())
		for _, fd := range fds {
			var typ string
			require.NoError(t, pg.QueryRow(ctx, "SELECT format_type($1, NULL)", fd.DataTypeOID).Scan(&typ))
			names = append(names, fd.Name)
			typs = append(typs, typ)
		}
		return names, typs
	}
	tuskTypes := func(query string) (names, typs []string) {
		rows, err := db.Query(ctx, query)
		require.NoError(t, err, query)
		defer rows.Close()
		for rows.Next() {
		}
		require.NoError(t, rows.Err(), query)
		return rows.Columns(), rows.ColumnTypes()
	}
	for _, query := range []string{
		// /work/shared/seed/000_0b5882661caa4a05.txt, unchanged.
		`SELECT pid, usename, application_name, client_addr, state, query
FROM pg_stat_activity
WHERE backend_type = 'client backend';`,
		"SELECT * FROM pg_stat_activity",
		"SELECT * FROM pg_stat_get_activity(NULL)",
		"SELECT pg_backend_pid(), pg_cancel_backend(0), pg_terminate_backend(0), pg_terminate_backend(0, 10)",
	} {
		wantNames, wantTypes := pgTypes(query)
		gotNames, gotTypes := tuskTypes(query)
		require.Equal(t, wantNames, gotNames, query)
		require.Equal(t, wantTypes, gotTypes, query)
	}

	// The seed query's rows: this session, active, running it.
	rows := queryStrings(t, db, `SELECT pid = pg_backend_pid(), usename, application_name, client_addr, state, query
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND pid = pg_backend_pid()`)
	require.Equal(t, [][]string{{"t", "postgres", "", "NULL", "active", `SELECT pid = pg_backend_pid(), usename, application_name, client_addr, state, query
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND pid = pg_backend_pid()`}}, rows)
}
