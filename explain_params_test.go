package tusk

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// EXPLAIN of a statement with parameter values shows the custom plan made
// for them, as PostgreSQL's EXPLAIN EXECUTE of a prepared statement does:
// the values are constants, folded where they can be ("name = NULL OR
// id = 3" is an index scan on id = 3).
func TestExplainCustomPlanParams(t *testing.T) {
	pg, db := startOracleAndTusk(t)
	execBoth(t, pg, db,
		"CREATE TABLE exp_p (id int PRIMARY KEY, name text, ts timestamptz)",
		"INSERT INTO exp_p SELECT i, 'n' || i, '2020-01-01'::timestamptz + i * interval '1 hour' FROM generate_series(1, 2000) i",
		"ANALYZE exp_p",
	)
	for i, c := range []struct {
		types, sql string
		pgArgs     string
		args       []any
	}{
		{"int", "SELECT * FROM exp_p WHERE id = $1", "5", []any{5}},
		{"int", "SELECT * FROM exp_p WHERE id = $1 + 1", "5", []any{5}},
		{"text, int", "SELECT * FROM exp_p WHERE name = $1 OR id = $2", "'abc', 3", []any{"abc", 3}},
		{"text, int", "SELECT * FROM exp_p WHERE name = $1 OR id = $2", "NULL, 3", []any{nil, 3}},
		{"int, int", "SELECT id FROM exp_p WHERE id BETWEEN $1 AND $2 ORDER BY id LIMIT 3", "10, 1500", []any{10, 1500}},
		{"int", "SELECT count(*) FROM exp_p WHERE id > $1", "1990", []any{1990}},
	} {
		name := fmt.Sprintf("exp_p%d", i)
		_, err := pg.Exec(ctx, fmt.Sprintf("PREPARE %s(%s) AS %s", name, c.types, c.sql))
		require.NoError(t, err)
		var want []string
		for _, r := range pgQueryStrings(t, pg, fmt.Sprintf("EXPLAIN (COSTS OFF) EXECUTE %s(%s)", name, c.pgArgs)) {
			want = append(want, r[0])
		}
		var got []string
		for _, r := range queryStrings(t, db, "EXPLAIN (COSTS OFF) "+c.sql, c.args...) {
			got = append(got, r[0])
		}
		require.Equal(t, strings.Join(want, "\n"), strings.Join(got, "\n"), c.sql)
	}
}

// EXPLAIN of CREATE TABLE AS, CREATE MATERIALIZED VIEW and SELECT INTO
// prints the query's plan, as PostgreSQL does, and creates nothing.
func TestExplainCreateTableAs(t *testing.T) {
	pg, db := startOracleAndTusk(t)
	execBoth(t, pg, db, "CREATE TABLE ctas_src (a int, b text)")
	for _, q := range []string{
		"EXPLAIN (COSTS OFF) CREATE TABLE ctas_x AS SELECT a FROM ctas_src WHERE a > 3",
		"EXPLAIN (COSTS OFF) CREATE MATERIALIZED VIEW ctas_mv AS SELECT count(*) FROM ctas_src",
		"EXPLAIN (COSTS OFF) SELECT a INTO ctas_y FROM ctas_src",
	} {
		require.Equal(t, pgQueryStrings(t, pg, q), queryStrings(t, db, q), q)
	}
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM pg_class WHERE relname IN ('ctas_x', 'ctas_mv', 'ctas_y')"))
}
