package tusk

import (
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/pgoracle"
)

// The statements PostgreSQL answers with a NOTICE ("... already exists,
// skipping", "... does not exist, skipping") hand the same message and
// SQLSTATE to WithNoticeHandler, in order; client_min_messages = warning
// silences them.
func TestNotices(t *testing.T) {
	url := pgoracle.Start(t)
	var got []string
	db, err := Open("", WithNoticeHandler(func(e *Error) {
		got = append(got, e.Severity+" "+string(e.Code)+" "+e.Message)
	}))
	require.NoError(t, err)
	defer db.Close()
	stmts := []string{
		"CREATE TABLE nt_t (a int)",
		"CREATE TABLE IF NOT EXISTS nt_t (a int)",
		"DROP TABLE IF EXISTS nt_nx1",
		"DROP VIEW IF EXISTS nt_nx2",
		"DROP INDEX IF EXISTS nt_nx3",
		"DROP SEQUENCE IF EXISTS nt_nx4",
		"ALTER TABLE IF EXISTS nt_nx5 ADD COLUMN b int",
		"ALTER TABLE nt_t ADD COLUMN IF NOT EXISTS a int",
		"ALTER TABLE nt_t DROP COLUMN IF EXISTS zz",
		"ALTER TABLE nt_t DROP CONSTRAINT IF EXISTS cc",
		"CREATE INDEX IF NOT EXISTS nt_t_a_idx ON nt_t (a)",
		"CREATE INDEX IF NOT EXISTS nt_t_a_idx ON nt_t (a)",
		"DROP SCHEMA IF EXISTS nt_nxs",
		"CREATE SCHEMA IF NOT EXISTS public",
		"CREATE SEQUENCE IF NOT EXISTS nt_s",
		"CREATE SEQUENCE IF NOT EXISTS nt_s",
	}
	var want []string
	cfg, err := pgx.ParseConfig(url)
	require.NoError(t, err)
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		want = append(want, n.Severity+" "+n.Code+" "+n.Message)
	}
	pgc, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(t, err)
	defer pgc.Close(ctx)
	for _, s := range []string{"DROP SCHEMA IF EXISTS nt_nxs", "DROP TABLE IF EXISTS nt_t", "DROP SEQUENCE IF EXISTS nt_s"} {
		_, err := pgc.Exec(ctx, s)
		require.NoError(t, err)
	}
	want = nil
	for _, s := range stmts {
		_, err := pgc.Exec(ctx, s)
		require.NoError(t, err, s)
		_, err = db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	require.NotEmpty(t, want)
	require.Equal(t, want, got)
	got = nil
	_, err = db.Exec(ctx, "SET client_min_messages = warning")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "DROP TABLE IF EXISTS nt_nx1")
	require.NoError(t, err)
	require.Empty(t, got)
}
