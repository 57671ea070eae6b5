package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

var fuzzSeeds = []string{
	"SELECT a, b + 1 AS c FROM t WHERE x = $1 ORDER BY 1 DESC NULLS LAST LIMIT 5",
	"SELECT count(DISTINCT x) FILTER (WHERE y) OVER (PARTITION BY z ROWS 2 PRECEDING) FROM t GROUP BY ROLLUP (a, b)",
	"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r JOIN s USING (n)",
	"INSERT INTO t (a, b) VALUES (1, DEFAULT) ON CONFLICT (a) DO UPDATE SET b = excluded.b RETURNING *",
	"UPDATE t SET (a, b) = (SELECT 1, 2) FROM u WHERE t.id = u.id",
	"CREATE TABLE t (id serial PRIMARY KEY, v varchar(10) NOT NULL DEFAULT 'x', CHECK (id > 0))",
	"ALTER TABLE t ADD COLUMN c int, ALTER c SET NOT NULL; DROP TABLE IF EXISTS t CASCADE",
	"SELECT CASE WHEN a THEN b END, a::int[], E'\\x41', $$q$$, U&'\\0041', B'01', x'1F', 1e5, .5",
	"SELECT (SELECT 1) + ARRAY[1][1], (a).b, a[1:2], EXTRACT(year FROM d), TRIM(BOTH 'x' FROM s)",
	"COPY t FROM STDIN WITH (FORMAT csv); EXPLAIN (ANALYZE) SELECT 1; BEGIN ISOLATION LEVEL SERIALIZABLE",
	"SELECT 'unterminated",
	"SELECT /* nested /* comment */",
	"SELECT ((((1))))",
	"",
}

// FuzzParse checks P2 (no panic, only *pgerr.Error) and A3 (whatever
// parses prints as SQL that parses back to the same text).
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		stmts, err := Parse(sql)
		if err != nil {
			var pe *pgerr.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a *pgerr.Error: %v", err)
			}
			return
		}
		for _, s := range stmts {
			text := ast.String(s)
			if strings.Contains(text, "<?>") || strings.Contains(text, "<nil>") {
				t.Fatalf("unprintable node in %q: %s", sql, text)
			}
			again, err := Parse(text)
			if err != nil {
				t.Fatalf("printed form does not parse: %v\ninput:   %q\nprinted: %s", err, sql, text)
			}
			if len(again) != 1 || ast.String(again[0]) != text {
				t.Fatalf("round trip changed the tree\ninput:   %q\nprinted: %s", sql, text)
			}
		}
		_, _ = ParseExpr(sql)
		_, _ = ParseTypeName(sql)
	})
}
