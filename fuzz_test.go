package tusk

import (
	"context"
	"testing"
	"time"
)

// FuzzExec sends arbitrary text through the whole Exec path: parser,
// analyzer, planner, executor. Any outcome but a panic is fine; errors
// must carry a SQLSTATE.
//
//	go test -run '^$' -fuzz FuzzExec -fuzztime 10m .
func FuzzExec(f *testing.F) {
	for _, s := range []string{
		"SELECT 1",
		"SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1 ORDER BY 1",
		"INSERT INTO t VALUES (1, 'x') ON CONFLICT DO NOTHING",
		"UPDATE t SET b = b || 'y' WHERE a IN (SELECT a FROM t)",
		"WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
		"SELECT t1.a FROM t t1 LEFT JOIN t t2 USING (a) WHERE t2.b IS NULL",
		"SELECT row_number() OVER (ORDER BY a), lag(b) OVER (PARTITION BY a) FROM t",
		"SELECT CASE WHEN a > 1 THEN 1/0 END FROM t",
		"DELETE FROM t WHERE a = 1 RETURNING *",
		"CREATE INDEX ON t (b DESC NULLS LAST)",
	} {
		f.Add(s)
	}
	db, err := Open("")
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(ctx, "CREATE TABLE t (a int4 PRIMARY KEY, b text); INSERT INTO t VALUES (1, 'a'), (2, NULL), (3, 'c')"); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		if len(sql) > 2000 {
			return
		}
		// A query may legitimately run forever (WITH RECURSIVE without an
		// end); cancellation must stop it.
		qctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		rows, err := db.Query(qctx, sql)
		if err != nil {
			if ErrorCode(err) == "" {
				t.Fatalf("error without SQLSTATE: %v", err)
			}
			return
		}
		for n := 0; rows.Next() && n < 1000; n++ {
		}
		rows.Close()
	})
}
