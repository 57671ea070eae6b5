package tusk

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSQLFeatures runs small scripts and checks their results; the
// expected values are PostgreSQL 15's for the same statements.
func TestSQLFeatures(t *testing.T) {
	cases := []struct {
		name  string
		setup string
		query string
		want  [][]string
		code  string
	}{
		{"update from", `CREATE TABLE a (id int4 PRIMARY KEY, v int4); CREATE TABLE b (id int4, w int4);
			INSERT INTO a VALUES (1, 10), (2, 20), (3, 30); INSERT INTO b VALUES (1, 100), (2, 200);
			UPDATE a SET v = a.v + b.w FROM b WHERE a.id = b.id`,
			"SELECT id, v FROM a ORDER BY id", [][]string{{"1", "110"}, {"2", "220"}, {"3", "30"}}, ""},
		{"delete using", `CREATE TABLE a (id int4, v int4); CREATE TABLE b (id int4);
			INSERT INTO a VALUES (1, 10), (2, 20), (3, 30); INSERT INTO b VALUES (2), (3);
			DELETE FROM a USING b WHERE a.id = b.id AND a.v > 25`,
			"SELECT id FROM a ORDER BY id", [][]string{{"1"}, {"2"}}, ""},
		{"on conflict do nothing", `CREATE TABLE kv (k text PRIMARY KEY, v int4);
			INSERT INTO kv VALUES ('a', 1); INSERT INTO kv VALUES ('a', 2), ('b', 3) ON CONFLICT DO NOTHING`,
			"SELECT k, v FROM kv ORDER BY k", [][]string{{"a", "1"}, {"b", "3"}}, ""},
		{"on conflict do update", `CREATE TABLE kv (k text PRIMARY KEY, v int4, n int4 NOT NULL);
			INSERT INTO kv VALUES ('a', 1, 0);
			INSERT INTO kv VALUES ('a', 7, 0) ON CONFLICT (k) DO UPDATE SET v = excluded.v, n = kv.n + 1`,
			"SELECT k, v, n FROM kv", [][]string{{"a", "7", "1"}}, ""},
		{"on conflict twice", `CREATE TABLE kv (k text PRIMARY KEY, v int4)`,
			"INSERT INTO kv VALUES ('d', 1), ('d', 2) ON CONFLICT (k) DO UPDATE SET v = excluded.v", nil, "21000"},
		{"on conflict no arbiter", `CREATE TABLE kv (k text PRIMARY KEY, v int4)`,
			"INSERT INTO kv VALUES ('d', 1) ON CONFLICT (v) DO NOTHING", nil, "42P10"},
		{"unique violation", `CREATE TABLE u (a int4 UNIQUE); INSERT INTO u VALUES (1)`,
			"INSERT INTO u VALUES (1)", nil, "23505"},
		{"unique allows nulls", `CREATE TABLE u (a int4 UNIQUE); INSERT INTO u VALUES (NULL), (NULL)`,
			"SELECT count(*) FROM u", [][]string{{"2"}}, ""},
		{"create unique index on duplicates", `CREATE TABLE u (a int4); INSERT INTO u VALUES (1), (1)`,
			"CREATE UNIQUE INDEX ui ON u (a)", nil, "23505"},
		{"prepare execute", `CREATE TABLE p (a int4, b text); INSERT INTO p VALUES (1, 'x'), (2, 'y');
			PREPARE q(int4) AS SELECT b FROM p WHERE a = $1`,
			"EXECUTE q(2)", [][]string{{"y"}}, ""},
		{"view over join", `CREATE TABLE a (id int4, v int4); CREATE TABLE b (id int4, w int4);
			INSERT INTO a VALUES (1, 10), (2, 20); INSERT INTO b VALUES (1, 5);
			CREATE VIEW ab AS SELECT a.id, v, w FROM a LEFT JOIN b USING (id)`,
			"SELECT * FROM ab ORDER BY id", [][]string{{"1", "10", "5"}, {"2", "20", "NULL"}}, ""},
		{"drop table with view", `CREATE TABLE a (id int4); CREATE VIEW va AS SELECT id FROM a`,
			"DROP TABLE a", nil, "2BP01"},
		{"recursive cte", "", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 4) SELECT sum(n) FROM r",
			[][]string{{"10"}}, ""},
		{"window", `CREATE TABLE w (g int4, x int4); INSERT INTO w VALUES (1, 3), (1, 1), (2, 5)`,
			"SELECT g, x, row_number() OVER (PARTITION BY g ORDER BY x), sum(x) OVER (PARTITION BY g) FROM w ORDER BY g, x",
			[][]string{{"1", "1", "1", "4"}, {"1", "3", "2", "4"}, {"2", "5", "1", "5"}}, ""},
		{"coalesce short circuit", "", "SELECT COALESCE(1, 1 / 0)", [][]string{{"1"}}, ""},
		{"false where skips errors", `CREATE TABLE z (a int4); INSERT INTO z VALUES (0)`,
			"SELECT a FROM z WHERE 1 / a > 0 AND NULL", nil, ""},
		{"lateral function", `CREATE TABLE t (a int4, n int4); INSERT INTO t VALUES (1, 2), (2, 3)`,
			"SELECT a, g FROM t, generate_series(1, t.n) g ORDER BY 1, 2",
			[][]string{{"1", "1"}, {"1", "2"}, {"2", "1"}, {"2", "2"}, {"2", "3"}}, ""},
		{"left join lateral", `CREATE TABLE t (a int4); INSERT INTO t VALUES (1), (2)`,
			"SELECT a, s.c FROM t LEFT JOIN LATERAL (SELECT count(*) AS c FROM t t2 WHERE t2.a <= t.a) s ON true ORDER BY 1",
			[][]string{{"1", "1"}, {"2", "2"}}, ""},
		{"empty text is not null", `CREATE TABLE e (s text); INSERT INTO e VALUES ('')`,
			"SELECT s IS NULL, length(s) FROM e", [][]string{{"f", "0"}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, err := Open("")
			require.NoError(t, err)
			defer db.Close()
			if c.setup != "" {
				_, err = db.Exec(ctx, c.setup)
				require.NoError(t, err)
			}
			if c.code != "" {
				_, err := db.Exec(ctx, c.query)
				require.Equal(t, c.code, ErrorCode(err), "%v", err)
				return
			}
			require.Equal(t, c.want, queryStrings(t, db, c.query))
		})
	}
}
