package tusk

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/pgoracle"
)

// TestSeedQueryMatchesPostgres runs the seed article's query on a
// generated users/orders schema in Tusk and in PostgreSQL 15 and requires
// the same rows in the same order.
func TestSeedQueryMatchesPostgres(t *testing.T) {
	url := pgoracle.Start(t)
	seed := rand.Int63()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	schema := []string{
		"DROP TABLE IF EXISTS orders",
		"DROP TABLE IF EXISTS users",
		"CREATE TABLE users (id int8 PRIMARY KEY, name text NOT NULL, created_at timestamp NOT NULL)",
		"CREATE TABLE orders (id int8 PRIMARY KEY, user_id int8 NOT NULL, amount numeric(10,2))",
		"CREATE INDEX idx_users_created ON users (created_at)",
	}
	var users, orders []string
	for i := 1; i <= 300; i++ {
		day := rng.Intn(900)
		// Names repeat, so GROUP BY u.name merges users; order counts tie.
		users = append(users, fmt.Sprintf("(%d, 'user%d', timestamp '2023-06-01' + interval '%d days')", i, rng.Intn(120), day))
	}
	for i := 1; i <= 2000; i++ {
		orders = append(orders, fmt.Sprintf("(%d, %d, %d.%02d)", i, 1+rng.Intn(300), rng.Intn(500), rng.Intn(100)))
	}
	load := append(schema,
		"INSERT INTO users VALUES "+strings.Join(users, ","),
		"INSERT INTO orders VALUES "+strings.Join(orders, ","))
	// Ties on order_count are broken by name so that the order is defined.
	const query = `SELECT u.name, count(o.id) AS order_count
FROM users u
JOIN orders o ON o.user_id = u.id
WHERE u.created_at > '2024-01-01'
GROUP BY u.name
ORDER BY order_count DESC, u.name`

	pg, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer pg.Close(ctx)
	for _, s := range load {
		_, err := pg.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	rows, err := pg.Query(ctx, query, pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
	var want [][]string
	for rows.Next() {
		vals := rows.RawValues()
		want = append(want, []string{string(vals[0]), string(vals[1])})
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, want)

	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	for _, s := range load {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	got := queryStrings(t, db, query)
	require.Equal(t, want, got)
	r, err := db.Query(ctx, query)
	require.NoError(t, err)
	require.Equal(t, []string{"text", "bigint"}, r.ColumnTypes())
	require.NoError(t, r.Close())
}
