package tusk

import (
	"fmt"
	"math/rand"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIndexPlansMatchSeqScans runs queries the planner answers with index,
// index-only, bitmap and merge join plans, and again with those disabled
// (sequential scans, hash joins): the rows must be the same.
func TestIndexPlansMatchSeqScans(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	exec := func(sql string) {
		t.Helper()
		_, err := db.Exec(ctx, sql)
		require.NoError(t, err, sql)
	}
	exec(`CREATE TABLE a (id int PRIMARY KEY, k int, s text, n numeric)`)
	exec(`INSERT INTO a SELECT g, g % 97, 's' || (g % 13), (g % 50) / 4.0 FROM generate_series(1, 20000) g`)
	exec(`UPDATE a SET k = NULL WHERE id % 31 = 0`)
	exec(`CREATE INDEX a_k ON a (k)`)
	exec(`CREATE INDEX a_s_k ON a (s, k DESC)`)
	exec(`CREATE INDEX a_lower ON a ((lower(s)))`)
	exec(`CREATE TABLE b (id int, a_id int, v int)`)
	exec(`INSERT INTO b SELECT g, (g * 7) % 20000 + 1, g % 10 FROM generate_series(1, 3000) g`)
	exec(`CREATE INDEX b_a ON b (a_id)`)
	exec(`VACUUM a`)
	exec(`ANALYZE`)

	rnd := rand.New(rand.NewSource(1))
	var queries []string
	for i := 0; i < 25; i++ {
		k := rnd.Intn(100)
		queries = append(queries,
			fmt.Sprintf(`SELECT id, k, s FROM a WHERE k = %d`, k),
			fmt.Sprintf(`SELECT id FROM a WHERE id BETWEEN %d AND %d ORDER BY id DESC`, k*100, k*100+rnd.Intn(300)),
			fmt.Sprintf(`SELECT k FROM a WHERE k < %d ORDER BY k LIMIT 20`, k),
			fmt.Sprintf(`SELECT id, s FROM a WHERE s = 's%d' AND k > %d`, rnd.Intn(14), k),
			fmt.Sprintf(`SELECT id FROM a WHERE k IN (%d, %d, NULL) OR id < %d`, k, k+3, k),
			fmt.Sprintf(`SELECT id FROM a WHERE k = %d AND s = 's%d'`, k, rnd.Intn(13)),
			fmt.Sprintf(`SELECT count(*) FROM a WHERE lower(s) = 's%d'`, rnd.Intn(13)),
			fmt.Sprintf(`SELECT a.id, b.v FROM a JOIN b ON b.a_id = a.id WHERE a.k = %d`, k),
			fmt.Sprintf(`SELECT b.id FROM b WHERE EXISTS (SELECT 1 FROM a WHERE a.id = b.a_id AND a.k < %d)`, k),
			fmt.Sprintf(`SELECT id FROM a WHERE k = %d::int8 OR k = %d::int2`, k, k+1),
			// "= ANY" index conditions: duplicates, NULLs, both orders,
			// on a later (DESC) index column
			fmt.Sprintf(`SELECT k FROM a WHERE k IN (%d, %d, NULL, %d) ORDER BY k DESC LIMIT 40`, k+2, k, k+2),
			fmt.Sprintf(`SELECT id, k FROM a WHERE k = ANY (ARRAY[%d, %d]) AND id < 9000`, k, k+1),
			fmt.Sprintf(`SELECT id FROM a WHERE s = 's%d' AND k = ANY ('{%d,%d,%d}')`, rnd.Intn(13), k, k+5, k+9),
			fmt.Sprintf(`SELECT id FROM a WHERE id IN (%d, %d, %d, -1) ORDER BY id`, k, k*7, k*13),
			fmt.Sprintf(`SELECT s, k FROM a WHERE s >= 's%d' AND k IN (%d, %d) ORDER BY s, k DESC LIMIT 15`, rnd.Intn(13), k, k+1),
		)
	}
	queries = append(queries,
		`SELECT id FROM a WHERE k IS NULL`,
		`SELECT k, count(*) FROM a GROUP BY k ORDER BY k NULLS FIRST`,
		`SELECT a.id, b.id FROM a JOIN b ON a.id = b.a_id ORDER BY a.id, b.id`,
		`SELECT max(id), min(k) FROM a`,
	)
	run := func(q string) []string {
		t.Helper()
		out := printedRows(t, db, q)
		if !strings.Contains(q, "ORDER BY") {
			sort.Strings(out)
		}
		return out
	}
	want := map[string][]string{}
	exec(`SET enable_indexscan = off`)
	exec(`SET enable_bitmapscan = off`)
	exec(`SET enable_indexonlyscan = off`)
	exec(`SET enable_mergejoin = off`)
	for _, q := range queries {
		want[q] = run(q)
	}
	for _, g := range []string{"indexscan", "bitmapscan", "indexonlyscan", "mergejoin"} {
		exec(`SET enable_` + g + ` = on`)
	}
	for _, q := range queries {
		require.Equal(t, want[q], run(q), q)
	}
	exec(`SET enable_seqscan = off`)
	exec(`SET enable_hashjoin = off`)
	for _, q := range queries {
		require.Equal(t, want[q], run(q), q)
	}
}

// TestIndexScanUpdateRecheck: under READ COMMITTED, an UPDATE whose rows
// come from an index scan waits for a concurrent update of a row and
// re-checks the index condition on the new version (EvalPlanQual): a row
// that no longer matches is skipped.
func TestIndexScanUpdateRecheck(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, `CREATE TABLE r (id int, k int, v int); INSERT INTO r SELECT g, g % 100, 0 FROM generate_series(1, 5000) g; CREATE INDEX r_k ON r (k); ANALYZE r`)
	require.NoError(t, err)
	for _, scan := range []string{"enable_bitmapscan", "enable_indexscan"} {
		tx1, err := db.Begin(ctx, TxOptions{})
		require.NoError(t, err)
		_, err = tx1.Exec(ctx, `UPDATE r SET k = 1000 WHERE id = 5`) // k was 5
		require.NoError(t, err)
		done := make(chan int64, 1)
		go func() {
			tx2, err := db.Begin(ctx, TxOptions{})
			if err != nil {
				done <- -1
				return
			}
			defer tx2.Rollback()
			for _, s := range []string{"SET enable_seqscan = off", "SET " + scan + " = off"} {
				if _, err := tx2.Exec(ctx, s); err != nil {
					done <- -1
					return
				}
			}
			res, err := tx2.Exec(ctx, `UPDATE r SET v = v + 1 WHERE k = 5`)
			if err != nil {
				done <- -1
				return
			}
			n := res.RowsAffected
			if err := tx2.Commit(); err != nil {
				done <- -1
				return
			}
			done <- n
		}()
		for db.inst.Xacts.Waiters() == 0 { // tx2 waits for tx1's row lock
			select {
			case n := <-done:
				t.Fatalf("the concurrent UPDATE ended (%d) before waiting", n)
			default:
			}
			runtime.Gosched()
		}
		require.NoError(t, tx1.Commit())
		require.EqualValues(t, 49, <-done, "with %s off: the row moved to k=1000 is not updated", scan)
		_, err = db.Exec(ctx, `UPDATE r SET k = 5, v = 0 WHERE id = 5; UPDATE r SET v = 0`)
		require.NoError(t, err)
	}
}
