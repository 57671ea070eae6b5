package tusk

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// COMMENT ON writes pg_description (col_description reads it), is
// transactional, is removed by IS NULL / ” and with its object, and
// rejects objects of the wrong kind as PostgreSQL does.
func TestCommentOn(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE t (a int PRIMARY KEY, b text)",
		"CREATE VIEW v AS SELECT a FROM t",
		"CREATE SEQUENCE s",
		"CREATE SCHEMA sch",
	} {
		_, err := db.Exec(ctx, q)
		require.NoError(t, err, q)
	}
	for _, q := range []string{
		"COMMENT ON TABLE t IS 'the table'",
		"COMMENT ON COLUMN t.b IS 'column b'",
		"COMMENT ON COLUMN public.v.a IS 'view column'",
		"COMMENT ON VIEW v IS 'a view'",
		"COMMENT ON INDEX t_pkey IS 'pk'",
		"COMMENT ON SEQUENCE s IS 'seq'",
		"COMMENT ON SCHEMA sch IS 'schema'",
		"COMMENT ON TABLE t IS 'the table, again'",
	} {
		res, err := db.Exec(ctx, q)
		require.NoError(t, err, q)
		require.Equal(t, "COMMENT", res.Tag, q)
	}
	descs := `SELECT c.relname::text, d.objsubid, d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid
		WHERE d.classoid = 'pg_class'::regclass ORDER BY 1, 2`
	require.Equal(t, [][]string{{"s", "0", "seq"}, {"t", "0", "the table, again"}, {"t", "2", "column b"},
		{"t_pkey", "0", "pk"}, {"v", "0", "a view"}, {"v", "1", "view column"}}, queryStrings(t, db, descs))
	require.Equal(t, [][]string{{"column b", "NULL"}},
		queryStrings(t, db, "SELECT col_description(c.oid, 2), col_description(c.oid, 1) FROM pg_class c WHERE relname = 't'"))
	require.Equal(t, [][]string{{"schema"}}, queryStrings(t, db,
		"SELECT description FROM pg_description d JOIN pg_namespace n ON n.oid = d.objoid WHERE n.nspname = 'sch' AND d.classoid = 2615"))

	// Rolled back: the old comment stays.
	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "COMMENT ON COLUMN t.b IS NULL")
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())
	require.Equal(t, [][]string{{"column b"}}, queryStrings(t, db, "SELECT col_description('t'::regclass, 2)"))

	// IS NULL and '' remove; DROP removes the object's comments.
	for _, q := range []string{"COMMENT ON COLUMN t.b IS NULL", "COMMENT ON SEQUENCE s IS ''", "DROP VIEW v", "DROP SCHEMA sch"} {
		_, err := db.Exec(ctx, q)
		require.NoError(t, err, q)
	}
	require.Equal(t, [][]string{{"t", "0", "the table, again"}, {"t_pkey", "0", "pk"}}, queryStrings(t, db, descs))
	_, err = db.Exec(ctx, "DROP TABLE t")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM pg_description WHERE objoid >= 16384"))

	for q, code := range map[string]string{
		"COMMENT ON TABLE nope IS 'x'":           "42P01",
		"COMMENT ON VIEW s IS 'x'":               "42809",
		"COMMENT ON COLUMN s.last_value IS 'x'":  "42809",
		"COMMENT ON SCHEMA nope IS 'x'":          "3F000",
		"COMMENT ON FUNCTION f() IS 'x'":         "0A000",
		"COMMENT ON TABLE s IS 'x'":              "42809",
		"COMMENT ON COLUMN pg_class.nope IS 'x'": "42703",
	} {
		_, err := db.Exec(ctx, q)
		require.Error(t, err, q)
		require.Equal(t, code, ErrorCode(err), q)
	}
}
