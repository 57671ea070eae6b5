package tusk

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLateralOuterRowInSubquery: a NestLoop whose inner side is read per
// outer row (LATERAL, or a parameterized index scan) inside a correlated
// subquery. Conditions and outputs above the join read the enclosing
// query's row (OuterVar); the executor must not leave the join's outer row
// on that stack while joined rows flow up (sql/plan P6). Each query is
// compared with an equivalent one without LATERAL or parameters.
func TestLateralOuterRowInSubquery(t *testing.T) {
	db := openTuskWith(t,
		`CREATE TABLE lo (id int PRIMARY KEY, v int)`,
		`INSERT INTO lo SELECT g, g * 10 FROM generate_series(1, 6) g`,
		`CREATE TABLE la (x int, w int)`,
		`INSERT INTO la SELECT g % 6 + 1, g FROM generate_series(1, 60) g`,
		`CREATE INDEX la_x ON la (x)`,
		`CREATE TABLE lb (id int PRIMARY KEY, x int)`,
		`INSERT INTO lb SELECT g, g % 6 + 1 FROM generate_series(1, 3000) g`,
		`CREATE INDEX lb_x ON lb (x)`,
		`ANALYZE`,
	)
	run := func(q string) string {
		t.Helper()
		return strings.Join(printedRows(t, db, q), "\n")
	}
	pairs := [][2]string{
		// join condition above a LATERAL join reads the enclosing row
		{`SELECT o.id, (SELECT count(*) FROM la a, LATERAL (SELECT a.x + 0 AS y) l WHERE l.y = o.id) FROM lo o ORDER BY o.id`,
			`SELECT o.id, (SELECT count(*) FROM la a WHERE a.x = o.id) FROM lo o ORDER BY o.id`},
		// output above the join reads the enclosing row
		{`SELECT o.id, (SELECT max(o.v + l.y) FROM la a, LATERAL (SELECT a.w AS y) l WHERE a.x = 2) FROM lo o ORDER BY o.id`,
			`SELECT o.id, (SELECT max(o.v + a.w) FROM la a WHERE a.x = 2) FROM lo o ORDER BY o.id`},
		// a semi join (EXISTS) with a LATERAL inner side, then the enclosing row
		{`SELECT o.id, (SELECT count(*) FROM la a WHERE EXISTS (SELECT 1 FROM LATERAL (SELECT a.x AS y) l WHERE l.y = a.x) AND a.w % 6 = o.id % 6) FROM lo o ORDER BY o.id`,
			`SELECT o.id, (SELECT count(*) FROM la a WHERE a.w % 6 = o.id % 6) FROM lo o ORDER BY o.id`},
		// parameterized nested loops (index scans on lb) inside a correlated subquery
		{`SELECT o.id, (SELECT count(*) FROM la a JOIN lb b ON b.x = a.x WHERE a.w = o.id AND b.id < o.v) FROM lo o ORDER BY o.id`,
			`SELECT o.id, (SELECT count(*) FROM la a, lb b WHERE b.x + 0 = a.x + 0 AND a.w = o.id AND b.id < o.v) FROM lo o ORDER BY o.id`},
		{`SELECT o.id FROM lo o WHERE EXISTS (SELECT 1 FROM la a JOIN lb b ON b.x = a.x WHERE a.w = o.id + 1 AND b.id = o.v)`,
			`SELECT o.id FROM lo o WHERE o.v % 6 + 1 = (o.id + 1) % 6 + 1`},
		// a LATERAL subquery holding a join, correlated to the enclosing row
		{`SELECT o.id, s.n FROM lo o, LATERAL (SELECT count(*) AS n FROM la a JOIN lb b ON b.x = a.x WHERE a.w = o.id AND b.id <= o.v) s ORDER BY o.id`,
			`SELECT o.id, (SELECT count(*) FROM la a, lb b WHERE b.x + 0 = a.x + 0 AND a.w = o.id AND b.id <= o.v) FROM lo o ORDER BY o.id`},
	}
	for _, p := range pairs {
		require.Equal(t, run(p[1]), run(p[0]), p[0])
	}
}

// TestCTEInline: a WITH query read once is planned as a subquery in FROM
// (PostgreSQL 12+), unless written AS MATERIALIZED, recursive, read more
// than once or calling a non-immutable function; the rows are the same
// as with the CTE materialized.
func TestCTEInline(t *testing.T) {
	db := openTuskWith(t,
		`CREATE TABLE ci (id int PRIMARY KEY, grp int, v int)`,
		`INSERT INTO ci SELECT g, g % 7, g * 3 FROM generate_series(1, 500) g`,
		`ANALYZE`,
	)
	run := func(q string) string {
		t.Helper()
		return strings.Join(printedRows(t, db, q), "\n")
	}
	queries := []string{
		`WITH c AS %s (SELECT grp, count(*) n FROM ci GROUP BY grp) SELECT * FROM c JOIN ci s ON s.id = c.grp ORDER BY 1`,
		`WITH c(g, total) AS %s (SELECT grp, sum(v) FROM ci GROUP BY grp) SELECT g, total FROM c WHERE g > 2 ORDER BY g`,
		`WITH a AS %s (SELECT id, v FROM ci WHERE id < 50), b AS (SELECT id FROM a WHERE v %% 2 = 0) SELECT count(*) FROM b`,
		`WITH c AS %s (SELECT id FROM ci WHERE grp = 3) SELECT count(*) FROM ci WHERE id IN (SELECT id FROM c)`,
	}
	for _, q := range queries {
		inl := fmt.Sprintf(q, "")
		require.Equal(t, run(fmt.Sprintf(q, "MATERIALIZED")), run(inl), inl)
	}
	// a WITH query reading the enclosing row, inlined
	require.Equal(t,
		run(`SELECT o.id, (SELECT max(o.v + i.v) FROM ci i WHERE i.id = o.grp + 1) FROM ci o WHERE o.id < 20 ORDER BY o.id`),
		run(`SELECT o.id, (WITH c AS (SELECT o.v + i.v AS x FROM ci i WHERE i.id = o.grp + 1) SELECT max(x) FROM c) FROM ci o WHERE o.id < 20 ORDER BY o.id`))
	plan := func(q string) string { return run("EXPLAIN (COSTS OFF) " + q) }
	require.NotContains(t, plan(fmt.Sprintf(queries[0], "")), "CTE")
	require.Contains(t, plan(fmt.Sprintf(queries[0], "MATERIALIZED")), "CTE Scan")
	require.Contains(t, plan(`WITH c AS (SELECT id FROM ci) SELECT * FROM c a JOIN c b ON a.id = b.id`), "CTE Scan")
	require.Contains(t, plan(`WITH c AS (SELECT random() r FROM ci) SELECT * FROM c`), "CTE Scan")
}
