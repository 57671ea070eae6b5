package tusk

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A MATERIALIZED CTE inside a correlated subquery or a LATERAL subquery
// reads the current outer row: it is computed again for each one (as
// PostgreSQL's CTE scan is rescanned when the parameters it depends on
// change), while the scans of it within one evaluation share its rows.
// An uncorrelated CTE stays computed once.
func TestCorrelatedMaterializedCTE(t *testing.T) {
	pg, db := startOracleAndTusk(t)
	execBoth(t, pg, db,
		"CREATE TABLE cte_t (x int)",
		"INSERT INTO cte_t VALUES (1), (2), (3)",
		"CREATE TABLE cte_u (x int, v int)",
		"INSERT INTO cte_u SELECT i % 3 + 1, i FROM generate_series(1, 12) i",
	)
	for _, q := range []string{
		"SELECT x, (WITH c AS MATERIALIZED (SELECT cte_t.x * 10 AS y) SELECT y FROM c) FROM cte_t ORDER BY x",
		"SELECT x, (WITH c AS MATERIALIZED (SELECT cte_t.x + g AS y FROM generate_series(1, 2) g) SELECT sum(a.y + b.y) FROM c a, c b) FROM cte_t ORDER BY x",
		"SELECT x, l.s FROM cte_t, LATERAL (WITH c AS MATERIALIZED (SELECT cte_t.x * 2 AS y) SELECT y AS s FROM c) l ORDER BY x",
		"SELECT x, (WITH c AS MATERIALIZED (SELECT v FROM cte_u WHERE cte_u.x = cte_t.x) SELECT string_agg(v::text, ',' ORDER BY v) FROM c) FROM cte_t ORDER BY x",
		"SELECT x FROM cte_t WHERE EXISTS (WITH c AS MATERIALIZED (SELECT v FROM cte_u WHERE cte_u.x = cte_t.x AND v > 10) SELECT 1 FROM c) ORDER BY x",
		"SELECT x, (WITH c AS MATERIALIZED (SELECT count(*) AS n FROM cte_u) SELECT n + cte_t.x FROM c) FROM cte_t ORDER BY x",
		"WITH o AS MATERIALIZED (SELECT x FROM cte_t) SELECT x, (SELECT count(*) FROM o WHERE o.x <= cte_t.x) FROM cte_t ORDER BY x",
		"SELECT x, (WITH c AS MATERIALIZED (SELECT random() AS r) SELECT count(*) FROM c) FROM cte_t ORDER BY x",
	} {
		want := pgQueryStrings(t, pg, q)
		require.Equal(t, want, queryStrings(t, db, q), q)
	}
}
