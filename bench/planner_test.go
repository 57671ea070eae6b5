package bench

import (
	"database/sql"
	"fmt"
	"math/rand"
	"sync"
	"testing"

	_ "github.com/tuskdb/tusk"
	_ "modernc.org/sqlite"
)

// The shared data set: t (1M rows, primary key id, index on k), and a
// users / orders / items schema for the join.
const (
	nRows   = 1_000_000
	nUsers  = 10_000
	nOrders = 100_000
	nItems  = 300_000
)

var schema = []string{
	"CREATE TABLE t (id int PRIMARY KEY, k int NOT NULL, v int NOT NULL, pad text)",
	"CREATE INDEX t_k ON t (k)",
	"CREATE TABLE users (id int PRIMARY KEY, country int NOT NULL, created int NOT NULL)",
	"CREATE TABLE orders (id int PRIMARY KEY, user_id int NOT NULL, total int NOT NULL)",
	"CREATE INDEX orders_user ON orders (user_id)",
	"CREATE TABLE items (id int PRIMARY KEY, order_id int NOT NULL, price int NOT NULL)",
	"CREATE INDEX items_order ON items (order_id)",
}

// load fills the tables with the same rows on both engines: k and the
// foreign keys are a fixed permutation of the ids (i * prime mod n).
func load(db *sql.DB, series func(n int) string) error {
	for _, s := range schema {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	loads := []string{
		fmt.Sprintf("INSERT INTO t SELECT i, CAST((CAST(i AS bigint) * 7919) %% %d AS int), i %% 1000, 'row ' || i FROM %s", nRows, series(nRows)),
		fmt.Sprintf("INSERT INTO users SELECT i, i %% 50, (i * 31) %% 1000 FROM %s", series(nUsers)),
		fmt.Sprintf("INSERT INTO orders SELECT i, 1 + (i * 7) %% %d, i %% 500 FROM %s", nUsers, series(nOrders)),
		fmt.Sprintf("INSERT INTO items SELECT i, 1 + (i * 13) %% %d, i %% 100 FROM %s", nOrders, series(nItems)),
	}
	for _, s := range loads {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

type engine struct {
	name string
	once sync.Once
	db   *sql.DB
	err  error
	open func() (*sql.DB, error)
}

var engines = []*engine{
	{name: "tusk", open: func() (*sql.DB, error) {
		db, err := sql.Open("tusk", "memory:?shared_buffers=1GB")
		if err != nil {
			return nil, err
		}
		if err := load(db, func(n int) string { return fmt.Sprintf("generate_series(1, %d) AS s(i)", n) }); err != nil {
			return nil, err
		}
		_, err = db.Exec("ANALYZE")
		return db, err
	}},
	{name: "sqlite", open: func() (*sql.DB, error) {
		db, err := sql.Open("sqlite", ":memory:")
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(1) // one :memory: database
		if err := load(db, func(n int) string {
			return fmt.Sprintf("(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) SELECT i FROM s) AS s", n)
		}); err != nil {
			return nil, err
		}
		_, err = db.Exec("ANALYZE")
		return db, err
	}},
}

func (e *engine) get(b *testing.B) *sql.DB {
	b.Helper()
	e.once.Do(func() { e.db, e.err = e.open() })
	if e.err != nil {
		b.Fatalf("%s: %v", e.name, e.err)
	}
	return e.db
}

// BenchmarkPointSelect: one row by primary key, a prepared statement.
func BenchmarkPointSelect(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			db := e.get(b)
			st, err := db.Prepare("SELECT k, v, pad FROM t WHERE id = $1")
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			rng := rand.New(rand.NewSource(1))
			var k, v int
			var pad string
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := st.QueryRow(1+rng.Intn(nRows)).Scan(&k, &v, &pad); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRangeScan1Pct: sum over 1 % of the 1M rows by a range of the
// secondary index k.
func BenchmarkRangeScan1Pct(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			db := e.get(b)
			st, err := db.Prepare("SELECT count(*), sum(v) FROM t WHERE k >= $1 AND k < $2")
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			rng := rand.New(rand.NewSource(1))
			var n, sum int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				lo := rng.Intn(nRows - nRows/100)
				if err := st.QueryRow(lo, lo+nRows/100).Scan(&n, &sum); err != nil {
					b.Fatal(err)
				}
				if n != nRows/100 {
					b.Fatalf("%s: %d rows in range, want %d", e.name, n, nRows/100)
				}
			}
		})
	}
}

// BenchmarkJoin3Agg: users ⋈ orders ⋈ items for 2 % of the users, grouped.
func BenchmarkJoin3Agg(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			db := e.get(b)
			st, err := db.Prepare(`SELECT u.country, count(*), sum(i.price)
				FROM users u JOIN orders o ON o.user_id = u.id JOIN items i ON i.order_id = o.id
				WHERE u.created < $1 GROUP BY u.country ORDER BY u.country`)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rows, err := st.Query(20)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for rows.Next() {
					n++
				}
				if err := rows.Err(); err != nil {
					b.Fatal(err)
				}
				rows.Close()
				if n == 0 {
					b.Fatal("no groups")
				}
			}
		})
	}
}
