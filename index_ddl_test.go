package tusk

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestExpressionPartialIndexesMaintained: expression, partial and INCLUDE
// indexes stay exactly in step with their table through INSERT, UPDATE,
// DELETE, COPY, ON CONFLICT, aborted transactions and REINDEX, as
// bt_index_check(index, heapallindexed => true) verifies.
func TestExpressionPartialIndexesMaintained(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := db.Exec(ctx, sql, args...)
		require.NoError(t, err, sql)
	}
	exec(`CREATE TABLE t (id int PRIMARY KEY, name text, score numeric, tags text)`)
	exec(`INSERT INTO t SELECT g, 'Name' || (g % 50), g / 3.0, CASE WHEN g % 4 = 0 THEN NULL ELSE 'x' END FROM generate_series(1, 800) g`)
	exec(`CREATE INDEX t_lower ON t ((lower(name)), (score * 2) DESC NULLS LAST)`)
	exec(`CREATE INDEX t_part ON t (score) INCLUDE (name) WHERE tags IS NOT NULL AND id % 3 = 0`)
	exec(`CREATE UNIQUE INDEX t_uq_expr ON t ((id * 10 + 1))`)
	check := func() {
		t.Helper()
		for _, ix := range []string{"t_pkey", "t_lower", "t_part", "t_uq_expr"} {
			_, err := db.Exec(ctx, "SELECT bt_index_check($1::regclass, true)", ix)
			require.NoError(t, err, ix)
		}
	}
	check()
	exec(`UPDATE t SET name = upper(name), tags = NULL WHERE id % 7 = 0`)
	exec(`UPDATE t SET tags = 'y' WHERE id % 11 = 0`)
	exec(`DELETE FROM t WHERE id % 13 = 0`)
	exec(`INSERT INTO t VALUES (5, 'conflict', 1, 'z') ON CONFLICT (id) DO UPDATE SET name = 'upd', tags = 'w'`)
	exec(`INSERT INTO t VALUES (2000, 'new', 1, 'z') ON CONFLICT DO NOTHING`)
	_, err = db.CopyFrom(ctx, "COPY t FROM STDIN", strings.NewReader("3001\tCopy\t2.5\tq\n3002\t\\N\t\\N\t\\N\n3003\tcopy\t7\tr\n"))
	require.NoError(t, err)
	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO t SELECT g, 'aborted', g, 'a' FROM generate_series(5000, 5100) g`)
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())
	check()

	_, err = db.Exec(ctx, `INSERT INTO t VALUES (9000, 'dup', 1, NULL), (9001, 'dup', 1, NULL)`)
	require.NoError(t, err)
	// id*10+1 is unique: 9000 -> 90001 collides with nothing; force a collision.
	_, err = db.Exec(ctx, `UPDATE t SET id = 9002 WHERE id = 9001`)
	require.NoError(t, err)
	_, err = db.Exec(ctx, `CREATE UNIQUE INDEX t_uq_name ON t ((lower(name)))`)
	requireCode(t, err, "23505")
	check()

	exec(`REINDEX TABLE t`)
	check()
	exec(`REINDEX INDEX t_part`)
	var dbname string
	require.NoError(t, db.QueryRow(ctx, `SELECT current_database()`).Scan(&dbname))
	exec(`REINDEX DATABASE ` + dbname)
	check()

	var n int
	require.NoError(t, db.QueryRow(ctx, `SELECT count(*) FROM t WHERE lower(name) = 'name7'`).Scan(&n))
	require.Positive(t, n)
}

// TestVacuumSetsVisibilityMap: VACUUM marks pages all-visible and records
// pg_class.relallvisible; a change to a page clears its bit again.
func TestVacuumSetsVisibilityMap(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, `CREATE TABLE v (id int, pad text); INSERT INTO v SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g`)
	require.NoError(t, err)
	var pages, allVisible int
	_, err = db.Exec(ctx, `VACUUM v`)
	require.NoError(t, err)
	require.NoError(t, db.QueryRow(ctx, `SELECT relpages, relallvisible FROM pg_class WHERE relname = 'v'`).Scan(&pages, &allVisible))
	require.Greater(t, pages, 5)
	require.Equal(t, pages, allVisible)
	var tuples float64
	require.NoError(t, db.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE relname = 'v'`).Scan(&tuples))
	require.Equal(t, 2000.0, tuples)

	_, err = db.Exec(ctx, `DELETE FROM v WHERE id = 1`)
	require.NoError(t, err)
	_, err = db.Exec(ctx, `VACUUM (ANALYZE) v`)
	require.NoError(t, err)
	require.NoError(t, db.QueryRow(ctx, `SELECT relallvisible FROM pg_class WHERE relname = 'v'`).Scan(&allVisible))
	require.Equal(t, pages-1, allVisible, "the page with the dead tuple is not all-visible (no pruning yet)")

	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `VACUUM v`)
	requireCode(t, err, "25001")
	require.NoError(t, tx.Rollback())
}
