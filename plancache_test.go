package tusk

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The session's plan cache (sql/session/plancache.go, PC1-PC3): the same
// SQL text runs its cached plan with new parameter values, and a
// committed catalog change, a SET, or the transaction's own DDL makes the
// statement analyzed again.
func TestPlanCacheInvalidation(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE pc (id int PRIMARY KEY, v text)")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "INSERT INTO pc SELECT i, 'v' || i FROM generate_series(1, 100) i")
	require.NoError(t, err)

	one := func(q string, args ...any) []any {
		t.Helper()
		rows, err := db.Query(ctx, q, args...)
		require.NoError(t, err)
		defer rows.Close()
		require.True(t, rows.Next(), "no row for %s", q)
		vals := rows.Values()
		require.NoError(t, rows.Err())
		return vals
	}
	// Same text, new parameters: new results.
	for i := 1; i <= 5; i++ {
		require.Equal(t, []any{"v" + string(rune('0'+i))}, one("SELECT v FROM pc WHERE id = $1", i))
	}
	// A committed ALTER changes the columns * expands to.
	require.Len(t, one("SELECT * FROM pc WHERE id = $1", 1), 2)
	_, err = db.Exec(ctx, "ALTER TABLE pc ADD COLUMN w int DEFAULT 7")
	require.NoError(t, err)
	require.Equal(t, []any{int64(1), "v1", int64(7)}, one("SELECT * FROM pc WHERE id = $1", 1))

	// A rename: the cached plan must not keep reading the old name.
	_, err = db.Exec(ctx, "ALTER TABLE pc RENAME COLUMN w TO w2")
	require.NoError(t, err)
	_, err = db.Query(ctx, "SELECT w FROM pc WHERE id = $1", 1)
	require.Error(t, err)

	// DROP and re-create under the same name: the new table is read.
	_, err = db.Exec(ctx, "DROP TABLE pc")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "CREATE TABLE pc (id int PRIMARY KEY, v text)")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "INSERT INTO pc VALUES (1, 'new')")
	require.NoError(t, err)
	require.Equal(t, []any{"new"}, one("SELECT v FROM pc WHERE id = $1", 1))

	// The transaction's own DDL is seen by the same text inside it.
	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "ALTER TABLE pc ADD COLUMN z int DEFAULT 3")
	require.NoError(t, err)
	rows, err := tx.Query(ctx, "SELECT * FROM pc WHERE id = $1", 1)
	require.NoError(t, err)
	require.True(t, rows.Next())
	vals := rows.Values()
	rows.Close()
	require.Len(t, vals, 3)
	require.NoError(t, tx.Rollback())
	require.Len(t, one("SELECT * FROM pc WHERE id = $1", 1), 2)

	// SET search_path changes what an unqualified name means.
	for _, q := range []string{"CREATE SCHEMA other", "CREATE TABLE other.pc (id int, v text)", "INSERT INTO other.pc VALUES (1, 'other')"} {
		_, err = db.Exec(ctx, q)
		require.NoError(t, err)
	}
	conn, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	defer conn.Rollback()
	get := func() string {
		var v string
		require.NoError(t, conn.QueryRow(ctx, "SELECT v FROM pc WHERE id = $1", 1).Scan(&v))
		return v
	}
	require.Equal(t, "new", get())
	_, err = conn.Exec(ctx, "SET search_path = other, public")
	require.NoError(t, err)
	require.Equal(t, "other", get())
}

// PC4: a statement with parameters gets custom plans whose estimates use
// the values; the generic plan (default selectivities) replaces them only
// when it is not dearer. A selective $1 keeps its index plan however often
// the same text runs: the generic plan here would hash-join whole tables.
func TestPlanCacheCustomPlans(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE users (id int PRIMARY KEY, country int NOT NULL, created int NOT NULL)",
		"CREATE TABLE orders (id int PRIMARY KEY, user_id int NOT NULL, total int NOT NULL)",
		"CREATE INDEX orders_user ON orders (user_id)",
		"CREATE TABLE items (id int PRIMARY KEY, order_id int NOT NULL, price int NOT NULL)",
		"CREATE INDEX items_order ON items (order_id)",
		"INSERT INTO users SELECT i, i % 50, (i * 31) % 1000 FROM generate_series(1, 2000) AS s(i)",
		"INSERT INTO orders SELECT i, 1 + (i * 7) % 2000, i % 500 FROM generate_series(1, 20000) AS s(i)",
		"INSERT INTO items SELECT i, 1 + (i * 13) % 20000, i % 100 FROM generate_series(1, 60000) AS s(i)",
		"ANALYZE",
	} {
		_, err := db.Exec(ctx, q)
		require.NoError(t, err)
	}
	const q = `SELECT count(*), sum(i.price) FROM users u JOIN orders o ON o.user_id = u.id
		JOIN items i ON i.order_id = o.id WHERE u.created < $1`
	p, err := db.Explain(ctx, q, 5)
	require.NoError(t, err)
	require.False(t, p.Uses("items") && len(p.Find("Seq Scan")) > 0 && p.Find("Seq Scan")[0].Relation == "items",
		"a selective value must not scan all items:\n%s", p)
	seqScans := func() (n int64) {
		require.NoError(t, db.QueryRow(ctx, "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'items'").Scan(&n))
		return
	}
	before := seqScans()
	var want int64
	for i := 0; i < 3*customPlansFirstForTest; i++ {
		var n, sum int64
		require.NoError(t, db.QueryRow(ctx, q, 5).Scan(&n, &sum))
		if i == 0 {
			want = n
		}
		require.Equal(t, want, n)
	}
	require.Positive(t, want)
	require.Equal(t, before, seqScans(), "every run must keep the custom (index) plan")
}

const customPlansFirstForTest = 5
