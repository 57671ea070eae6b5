package tusk

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/internal/pgoracle"
	"github.com/tuskdb/tusk/sql/session"
	"github.com/tuskdb/tusk/sql/types"
	"github.com/tuskdb/tusk/vfs"
)

// analyzeStatsQuery reads a table's pg_stats rows in a fixed order.
const analyzeStatsQuery = `SELECT attname, null_frac, avg_width, n_distinct, most_common_vals,
 most_common_freqs, histogram_bounds, correlation
 FROM pg_stats WHERE schemaname = 'public' AND tablename = '%s' ORDER BY attname`

// analyzeSmallLoad builds a table smaller than ANALYZE's sample (30000
// rows), so that PostgreSQL's sample is the whole table and its
// statistics are exact: uniform, skewed (Zipf), mostly-NULL, all-NULL,
// text, unique, correlated and anti-correlated columns, and types without
// an ordering (json).
func analyzeSmallLoad(seed int64, n int) []string {
	rng := rand.New(rand.NewSource(seed))
	zipf := rand.NewZipf(rng, 1.3, 1, 5000)
	words := make([]string, 300)
	for i := range words {
		var b strings.Builder
		for k := 0; k < 3+rng.Intn(8); k++ {
			b.WriteByte(byte('a' + rng.Intn(26)))
		}
		words[i] = b.String()
	}
	stmts := []string{
		"DROP TABLE IF EXISTS st",
		`CREATE TABLE st (id int4, u int4, z int4, nul int4, allnull int8, txt text, cor int8, anti int4,
		 f float8, num numeric(8,2), flag bool, d date, js json, vc varchar(20), bp char(5), big text)`,
	}
	var rows []string
	flush := func() {
		if len(rows) > 0 {
			stmts = append(stmts, "INSERT INTO st VALUES "+strings.Join(rows, ","))
			rows = rows[:0]
		}
	}
	for i := 1; i <= n; i++ {
		nul := "NULL"
		if rng.Intn(5) == 0 {
			nul = strconv.Itoa(rng.Intn(50))
		}
		txt := words[int(math.Sqrt(float64(rng.Intn(len(words)*len(words)))))]
		if rng.Intn(10) == 0 {
			txt = fmt.Sprintf("uniq%06d", i)
		}
		big := "NULL"
		if rng.Intn(50) == 0 {
			// Wider than 1024 bytes (left out of MCVs and histograms) but
			// not compressed by PostgreSQL (the row stays under 2032 bytes).
			var b strings.Builder
			for k := 1030 + rng.Intn(700); k > 0; k-- {
				b.WriteByte(byte('a' + rng.Intn(26)))
			}
			big = "'" + b.String() + "'"
		} else if rng.Intn(3) == 0 {
			big = fmt.Sprintf("'%s'", strings.Repeat("x", 120+rng.Intn(20)))
		}
		rows = append(rows, fmt.Sprintf("(%d, %d, %d, %s, NULL, '%s', %d, %d, %g, %d.%02d, %t, date '2020-01-01' + %d, '{\"a\": %d}', '%s', '%s', %s)",
			i, rng.Intn(1000), zipf.Uint64(), nul, txt, int64(i)*3+int64(rng.Intn(40)), n-i+rng.Intn(30),
			float64(rng.Intn(100))/4, rng.Intn(1000), rng.Intn(100), rng.Intn(3) == 0, rng.Intn(2000), rng.Intn(20),
			words[rng.Intn(40)], words[rng.Intn(10)][:3], big))
		if len(rows) == 500 {
			flush()
		}
	}
	flush()
	return stmts
}

// closeFloat compares two printed correlations. They depend on where the
// rows lie in the heap, which differs a little between PostgreSQL and
// Tusk (other tuple sizes; PostgreSQL's free space map sends some rows to
// an earlier page), so they match only approximately.
func closeFloat(a, b string) bool {
	if a == b {
		return true
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && math.Abs(x-y) <= 1e-2
}

// ANALYZE of a table smaller than the sample gives PostgreSQL's pg_stats
// rows exactly (correlation within float tolerance) and its reltuples;
// relpages is the table's size in blocks.
func TestAnalyzeMatchesPostgres(t *testing.T) {
	pg, db := startOracleAndTusk(t)

	seed := rand.Int63()
	t.Logf("seed %d", seed)
	for _, n := range []int{3, 6000} {
		load := append(analyzeSmallLoad(seed, n),
			"ALTER TABLE st ALTER COLUMN u SET STATISTICS 5", "ALTER TABLE st ALTER COLUMN vc SET STATISTICS 0", "ANALYZE st")
		execBoth(t, pg, db, load...)
		want := pgQueryStrings(t, pg, fmt.Sprintf(analyzeStatsQuery, "st"))
		got := queryStrings(t, db, fmt.Sprintf(analyzeStatsQuery, "st"))
		require.Len(t, got, len(want))
		for i := range want {
			assert.Equal(t, want[i][:7], got[i][:7], "n=%d column %s", n, want[i][0])
			assert.True(t, closeFloat(want[i][7], got[i][7]), "n=%d column %s correlation: pg %s tusk %s", n, want[i][0], want[i][7], got[i][7])
		}
		const cls = "SELECT reltuples, relallvisible FROM pg_class WHERE relname = 'st'"
		require.Equal(t, pgQueryStrings(t, pg, cls), queryStrings(t, db, cls))
		require.Equal(t, [][]string{{"t"}}, queryStrings(t, db,
			"SELECT relpages::int8 * 8192 = pg_relation_size('st') FROM pg_class WHERE relname = 'st'"))
	}
}

// On a table larger than the sample, estimates are close to
// PostgreSQL's: reltuples (every block is read when the table has fewer
// blocks than the sample has rows), n_distinct within a factor, and the
// MCVs and correlation of simple columns.
func TestAnalyzeLargeTableEstimates(t *testing.T) {
	if testing.Short() {
		t.Skip("large table")
	}
	pg, db := startOracleAndTusk(t)
	load := []string{
		"CREATE TABLE big (id int4, m int4, spread int4, grp int4)",
		"INSERT INTO big SELECT g, g % 1000, (g * 7919) % 50000, g / 10 FROM generate_series(1, 200000) g",
		"ANALYZE big",
	}
	execBoth(t, pg, db, load...)
	const q = "SELECT attname, n_distinct, correlation FROM pg_stats WHERE tablename = 'big' ORDER BY attname"
	want := pgQueryStrings(t, pg, q)
	got := queryStrings(t, db, q)
	require.Len(t, got, len(want))
	abs := func(s string, rows float64) float64 {
		v, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err)
		if v < 0 {
			return -v * rows
		}
		return v
	}
	for i := range want {
		w, g := abs(want[i][1], 200000), abs(got[i][1], 200000)
		require.InDelta(t, 1, g/w, 0.5, "n_distinct of %s: pg %s tusk %s", want[i][0], want[i][1], got[i][1])
		wc, _ := strconv.ParseFloat(want[i][2], 64)
		gc, _ := strconv.ParseFloat(got[i][2], 64)
		require.InDelta(t, wc, gc, 0.05, "correlation of %s", want[i][0])
	}
	require.Equal(t, [][]string{{"-1"}, {"1000"}}, queryStrings(t, db,
		"SELECT n_distinct FROM pg_stats WHERE tablename = 'big' AND attname IN ('id', 'm') ORDER BY attname"))
	require.Equal(t, [][]string{{"200000"}}, queryStrings(t, db, "SELECT reltuples FROM pg_class WHERE relname = 'big'"))
}

func requireCode(t *testing.T, err error, code string) {
	t.Helper()
	require.Error(t, err)
	var pe *pgerr.Error
	require.True(t, errors.As(err, &pe), "%v", err)
	require.Equal(t, code, string(pe.Code), "%v", err)
}

// ANALYZE's bad input, skipped relations, reltuples before and after, a
// re-ANALYZE replacing the rows, rollback, column lists, catalog API.
func TestAnalyzeBehaviour(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	for _, s := range []string{
		"CREATE TABLE a (x int, y text)",
		"CREATE VIEW av AS SELECT x FROM a",
		"INSERT INTO a SELECT g % 10, 'v' || (g % 3) FROM generate_series(1, 1000) g",
		"CREATE INDEX a_x ON a (x)",
	} {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	// CREATE INDEX sets the table's and index's size (index_update_stats).
	require.Equal(t, [][]string{{"a", "1000"}, {"a_x", "1000"}}, queryStrings(t, db,
		"SELECT relname, reltuples FROM pg_class WHERE relname IN ('a', 'a_x') ORDER BY 1"))
	_, err = db.Exec(ctx, "ANALYZE nosuch")
	requireCode(t, err, "42P01")
	_, err = db.Exec(ctx, "ANALYZE a (x, nosuch)")
	requireCode(t, err, "42703")
	_, err = db.Exec(ctx, "ANALYZE a (x, x)")
	requireCode(t, err, "42701")
	_, err = db.Exec(ctx, "ANALYZE (nosuch) a")
	requireCode(t, err, "42601")
	_, err = db.Exec(ctx, "ALTER TABLE a ALTER COLUMN x SET STATISTICS -2")
	requireCode(t, err, "22023")
	_, err = db.Exec(ctx, "ALTER TABLE a ALTER COLUMN nosuch SET STATISTICS 10")
	requireCode(t, err, "42703")
	_, err = db.Exec(ctx, "ANALYZE av") // a view: skipped with a warning
	require.NoError(t, err)
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM pg_stats WHERE tablename = 'a'"))

	// Only the listed columns; rolled back with the transaction.
	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "ANALYZE VERBOSE a (y)")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"y", "3"}}, queryStringsTx(t, tx, "SELECT attname, n_distinct FROM pg_stats WHERE tablename = 'a'"))
	require.NoError(t, tx.Rollback())
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM pg_stats WHERE tablename = 'a'"))

	_, err = db.Exec(ctx, "ANALYZE a, a")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"x", "10", "{0,1,2,3,4,5,6,7,8,9}", "NULL"}, {"y", "3", "{v1,v0,v2}", "NULL"}}, queryStrings(t, db,
		"SELECT attname, n_distinct, most_common_vals, histogram_bounds FROM pg_stats WHERE tablename = 'a' ORDER BY 1"))
	_, err = db.Exec(ctx, "INSERT INTO a SELECT g, 'w' FROM generate_series(1, 1000) g")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "ANALYZE")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"2", "2000", "2000"}}, queryStrings(t, db,
		"SELECT count(*), min(reltuples), max(reltuples) FROM pg_class WHERE relname IN ('a', 'a_x')"))
	require.Equal(t, [][]string{{"x", "-0.5005"}, {"y", "4"}}, queryStrings(t, db,
		"SELECT attname, n_distinct FROM pg_stats WHERE tablename = 'a' ORDER BY 1"))

	// An empty, never analyzed table has reltuples -1; ANALYZE makes it 0
	// and writes no pg_statistic rows.
	_, err = db.Exec(ctx, "CREATE TABLE e (x int)")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"0", "-1"}}, queryStrings(t, db, "SELECT relpages, reltuples FROM pg_class WHERE relname = 'e'"))
	_, err = db.Exec(ctx, "ANALYZE e")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"0", "0"}}, queryStrings(t, db, "SELECT relpages, reltuples FROM pg_class WHERE relname = 'e'"))

	// DROP TABLE removes the rows.
	_, err = db.Exec(ctx, "DROP TABLE a CASCADE")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM pg_statistic WHERE starelid >= 16384"))
}

// The same seed gives the same sample.
func TestAnalyzeDeterministicSample(t *testing.T) {
	defer func(f func() uint64) { session.AnalyzeRandSeed = f }(session.AnalyzeRandSeed)
	session.AnalyzeRandSeed = func() uint64 { return 42 }
	var res [][][]string
	for round := 0; round < 2; round++ {
		db, err := Open("")
		require.NoError(t, err)
		for _, s := range []string{
			"CREATE TABLE r (x int8)",
			"INSERT INTO r SELECT (g * 2654435761) % 100000 FROM generate_series(1, 60000) g",
			"ANALYZE r",
		} {
			_, err := db.Exec(ctx, s)
			require.NoError(t, err, s)
		}
		res = append(res, queryStrings(t, db, "SELECT n_distinct, histogram_bounds FROM pg_stats WHERE tablename = 'r'"))
		require.NoError(t, db.Close())
	}
	require.Equal(t, res[0], res[1])
}

func BenchmarkAnalyze1M(b *testing.B) {
	db, err := Open("")
	require.NoError(b, err)
	defer db.Close()
	for _, s := range []string{
		"CREATE TABLE bm (id int8, k int4, s text)",
		"INSERT INTO bm SELECT g, g % 5000, 'name' || (g % 777) FROM generate_series(1, 1000000) g",
	} {
		_, err := db.Exec(ctx, s)
		require.NoError(b, err, s)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := db.Exec(ctx, "ANALYZE bm")
		require.NoError(b, err)
	}
}

// More types, and arrays with their element statistics (most common
// elements, distinct-element-count histogram), match PostgreSQL too.
func TestAnalyzeTypesMatchPostgres(t *testing.T) {
	pg, db := startOracleAndTusk(t)
	seed := rand.Int63()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	load := []string{`CREATE TABLE ty (a int4[], ta text[], ts timestamptz, iv interval, u uuid, by bytea, nm name,
		r real, s int2, n numeric, i8 int8[], xd xid)`}
	var rows []string
	for i := 0; i < 2000; i++ {
		var a, ta []string
		for k := rng.Intn(6); k > 0; k-- {
			a = append(a, strconv.Itoa(int(math.Sqrt(float64(rng.Intn(400))))))
			if rng.Intn(10) == 0 {
				ta = append(ta, "NULL")
			} else {
				ta = append(ta, fmt.Sprintf("w%d", rng.Intn(30)))
			}
		}
		arr := "NULL"
		if rng.Intn(8) != 0 {
			arr = "'{" + strings.Join(a, ",") + "}'"
		}
		rows = append(rows, fmt.Sprintf("(%s, '{%s}', timestamptz '2021-03-04 05:06:07+00' + %d * interval '37 minutes', %d * interval '5 hours', "+
			"'00000000-0000-0000-0000-%012d', '\\x%04x', 'n%d', %d / 7.0, %d, %d.%d, '{%d,%d}', '%d')",
			arr, strings.Join(ta, ","), rng.Intn(300), rng.Intn(50), rng.Intn(40), rng.Intn(70), rng.Intn(25), rng.Intn(90), rng.Intn(5)-2,
			rng.Intn(100), rng.Intn(1000), rng.Intn(3), rng.Intn(3), rng.Intn(1500)))
	}
	load = append(load, "INSERT INTO ty VALUES "+strings.Join(rows, ","), "ANALYZE ty")
	execBoth(t, pg, db, load...)
	const q = `SELECT attname, null_frac, avg_width, n_distinct, most_common_vals, most_common_freqs, histogram_bounds,
	 most_common_elems, most_common_elem_freqs, elem_count_histogram, correlation
	 FROM pg_stats WHERE tablename = 'ty' ORDER BY attname`
	want := pgQueryStrings(t, pg, q)
	got := queryStrings(t, db, q)
	require.Len(t, got, len(want))
	for i := range want {
		if want[i][0] == "xd" {
			// xid has "=" but no ordering: compute_distinct_stats tracks
			// values in sample (physical) order, which differs a little
			// between PostgreSQL and Tusk, so n_distinct is close, not equal.
			w, err1 := strconv.ParseFloat(want[i][3], 64)
			g, err2 := strconv.ParseFloat(got[i][3], 64)
			require.NoError(t, err1)
			require.NoError(t, err2)
			assert.InDelta(t, w, g, 0.02, "xd n_distinct")
			assert.Equal(t, want[i][:3], got[i][:3])
			continue
		}
		assert.Equal(t, want[i][:10], got[i][:10], "column %s", want[i][0])
		assert.True(t, closeFloat(want[i][10], got[i][10]), "column %s correlation: pg %s tusk %s", want[i][0], want[i][10], got[i][10])
	}
}

// catalog.ColumnStats and Relation.Pages/Tuples give the planner the
// decoded statistics; a second read comes from the cache, and a new
// ANALYZE's commit replaces it.
func TestAnalyzeColumnStatsAPI(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	for _, s := range []string{
		"CREATE TABLE cs (k int8, v text)",
		"INSERT INTO cs SELECT g % 4, 'v' || g FROM generate_series(1, 400) g",
	} {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	cat := db.inst.Catalog
	rel := func() *catalog.Relation {
		snap := db.inst.Xacts.GetSnapshot(nil)
		r, err := cat.LookupRelation(nil, snap, catalog.PublicNamespace, "cs")
		require.NoError(t, err)
		require.NotNil(t, r)
		return r
	}
	require.Equal(t, float64(-1), rel().Tuples)
	st, err := cat.ColumnStats(db.inst.Xacts.GetSnapshot(nil), rel().OID, 1)
	require.NoError(t, err)
	require.Nil(t, st)

	_, err = db.Exec(ctx, "ANALYZE cs")
	require.NoError(t, err)
	r := rel()
	require.Equal(t, float64(400), r.Tuples)
	require.Positive(t, r.Pages)
	snap := db.inst.Xacts.GetSnapshot(nil)
	k, err := cat.ColumnStats(snap, r.OID, 1)
	require.NoError(t, err)
	require.NotNil(t, k)
	require.Equal(t, float64(4), k.NDistinct)
	require.Equal(t, []types.Datum{int64(0), int64(1), int64(2), int64(3)}, k.MCVals)
	require.Equal(t, []float64{0.25, 0.25, 0.25, 0.25}, k.MCFreqs)
	require.Nil(t, k.Histogram)
	require.True(t, k.HasCorrelation)
	v, err := cat.ColumnStats(snap, r.OID, 2)
	require.NoError(t, err)
	require.Equal(t, float64(-1), v.NDistinct)
	require.Len(t, v.Histogram, 101)
	require.Equal(t, "v1", v.Histogram[0])
	require.Equal(t, "v99", v.Histogram[100])
	again, err := cat.ColumnStats(snap, r.OID, 1)
	require.NoError(t, err)
	require.Same(t, k, again) // cached

	_, err = db.Exec(ctx, "INSERT INTO cs SELECT 7, 'x' FROM generate_series(1, 400)")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "ANALYZE cs (k)")
	require.NoError(t, err)
	k2, err := cat.ColumnStats(db.inst.Xacts.GetSnapshot(nil), r.OID, 1)
	require.NoError(t, err)
	require.Equal(t, float64(5), k2.NDistinct)
	require.Equal(t, types.Datum(int64(7)), k2.MCVals[0])
	require.Equal(t, 0.5, k2.MCFreqs[0])
}

// TRUNCATE empties the relation's size statistics (reltuples -1, as
// RelationSetNewRelfilenode) and keeps pg_statistic's rows.
func TestAnalyzeTruncateResets(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	for _, s := range []string{
		"CREATE TABLE tr (x int)",
		"INSERT INTO tr SELECT g FROM generate_series(1, 100) g",
		"ANALYZE tr",
		"TRUNCATE tr",
	} {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	require.Equal(t, [][]string{{"0", "-1", "0"}}, queryStrings(t, db, "SELECT relpages, reltuples, relallvisible FROM pg_class WHERE relname = 'tr'"))
	require.Equal(t, [][]string{{"1"}}, queryStrings(t, db, "SELECT count(*) FROM pg_stats WHERE tablename = 'tr'"))
}

// pg_class.reltuples through a table's life matches PostgreSQL's: -1
// before anything counted it, set by CREATE INDEX (0 for a new empty
// index) and ANALYZE, -1 again after TRUNCATE.
func TestAnalyzeRelTuplesMatchPostgres(t *testing.T) {
	pg, db := startOracleAndTusk(t)
	const q = "SELECT relname, reltuples FROM pg_class WHERE relname IN ('rt', 'rt_i', 'rt_j', 'rt_p', 'rt_q') ORDER BY 1"
	for _, s := range []string{
		"CREATE TABLE rt (x int)",
		"CREATE INDEX rt_i ON rt (x)",
		"CREATE INDEX rt_p ON rt (x) WHERE x % 3 = 0",
		"INSERT INTO rt SELECT g FROM generate_series(1, 500) g",
		"CREATE INDEX rt_j ON rt (x)",
		"CREATE INDEX rt_q ON rt (x) WHERE x < 100",
		"INSERT INTO rt SELECT g FROM generate_series(1, 100) g",
		"ANALYZE rt",
		"DELETE FROM rt WHERE x > 50",
		"ANALYZE rt",
		"TRUNCATE rt",
	} {
		execBoth(t, pg, db, s)
		require.Equal(t, pgQueryStrings(t, pg, q), queryStrings(t, db, q), "after %s", s)
	}
	// relpages/reltuples are updated in place: an ANALYZE rolled back
	// leaves them (its pg_statistic rows go).
	ptx, err := pg.Begin(ctx)
	require.NoError(t, err)
	ttx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	for _, s := range []string{"INSERT INTO rt SELECT g FROM generate_series(1, 70) g", "ANALYZE rt"} {
		_, err := ptx.Exec(ctx, s)
		require.NoError(t, err, s)
		_, err = ttx.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	require.NoError(t, ptx.Rollback(ctx))
	require.NoError(t, ttx.Rollback())
	require.Equal(t, pgQueryStrings(t, pg, q), queryStrings(t, db, q), "after a rolled back ANALYZE")
	const st = "SELECT count(*) FROM pg_stats WHERE tablename = 'rt'"
	require.Equal(t, pgQueryStrings(t, pg, st), queryStrings(t, db, st))
}

// ANALYZE while other sessions insert and read statistics: no race, and
// the final statistics count every committed row.
func TestAnalyzeConcurrent(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE cc1 (x int)")
	require.NoError(t, err)
	done := make(chan error, 3)
	go func() {
		for i := 0; i < 20; i++ {
			if _, err := db.Exec(ctx, fmt.Sprintf("INSERT INTO cc1 SELECT g FROM generate_series(1, 50) g -- %d", i)); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for w := 0; w < 2; w++ {
		go func() {
			for i := 0; i < 10; i++ {
				if _, err := db.Exec(ctx, "ANALYZE cc1"); err != nil {
					done <- err
					return
				}
				rows, err := db.Query(ctx, "SELECT n_distinct FROM pg_stats WHERE tablename = 'cc1'")
				if err != nil {
					done <- err
					return
				}
				for rows.Next() {
				}
				if err := rows.Close(); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for i := 0; i < 3; i++ {
		require.NoError(t, <-done)
	}
	_, err = db.Exec(ctx, "ANALYZE cc1")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"1000", "50"}}, queryStrings(t, db,
		"SELECT c.reltuples, s.n_distinct FROM pg_class c, pg_stats s WHERE c.relname = 'cc1' AND s.tablename = 'cc1'"))
}

// ANALYZE's pg_statistic rows and its in-place pg_class update survive a
// crash (torn pages included) once a later commit flushed the WAL, even
// when the ANALYZE itself rolled back.
func TestAnalyzeCrash(t *testing.T) {
	seed := rand.Int63()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	fs := vfs.NewCrash(seed)
	db, err := Open("/db", WithFS(fs), WithSharedBuffers(128<<10))
	require.NoError(t, err)
	for _, s := range []string{
		"CREATE TABLE k (x int, y text)",
		"INSERT INTO k SELECT g % 10, 'y' || g FROM generate_series(1, 3000) g",
		"ANALYZE k",
		"CHECKPOINT",
		"INSERT INTO k SELECT g % 10, 'z' FROM generate_series(1, 1000) g",
	} {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "ANALYZE k")
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())
	_, err = db.Exec(ctx, "CREATE TABLE flush (x int)") // a commit flushes the WAL
	require.NoError(t, err)
	db.crash()
	fs = fs.Crash(vfs.CrashOptions{TearProb: 0.5, Rand: rng})
	db, err = Open("/db", WithFS(fs))
	require.NoError(t, err)
	defer db.Close()
	require.Equal(t, [][]string{{"4000"}}, queryStrings(t, db, "SELECT reltuples FROM pg_class WHERE relname = 'k'"))
	require.Equal(t, [][]string{{"x", "10"}, {"y", "-1"}}, queryStrings(t, db,
		"SELECT attname, n_distinct FROM pg_stats WHERE tablename = 'k' ORDER BY 1"))
	require.NoError(t, db.inst.Check())
}

// default_statistics_target sizes the sample (300 x target rows), the MCV
// list and the histogram; a table within the sample still matches
// PostgreSQL exactly.
func TestAnalyzeStatisticsTargetMatchesPostgres(t *testing.T) {
	url := pgoracle.Start(t)
	pg, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer pg.Close(ctx)
	db, err := Open("", WithSetting("default_statistics_target", "7"))
	require.NoError(t, err)
	defer db.Close()
	_, err = pg.Exec(ctx, "SET default_statistics_target = 7")
	require.NoError(t, err)
	execBoth(t, pg, db, analyzeSmallLoad(rand.Int63(), 2000)...)
	for _, s := range []string{"ALTER TABLE st ALTER COLUMN u SET STATISTICS 30", "ANALYZE st"} {
		execBoth(t, pg, db, s)
	}
	want := pgQueryStrings(t, pg, fmt.Sprintf(analyzeStatsQuery, "st"))
	got := queryStrings(t, db, fmt.Sprintf(analyzeStatsQuery, "st"))
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i][:7], got[i][:7], "column %s", want[i][0])
	}
}

// Expression indexes get statistics of their expressions (rows under the
// index, as pg_stats shows them), over the rows a partial index's
// predicate accepts; partial indexes' reltuples is that share of the rows.
func TestAnalyzeIndexStatsMatchPostgres(t *testing.T) {
	pg, db := startOracleAndTusk(t)
	for _, s := range []string{
		"CREATE TABLE ex (x int, e text)",
		"INSERT INTO ex SELECT g, 'Mail' || (g % 37) FROM generate_series(1, 3000) g",
		"CREATE INDEX ex_l ON ex (lower(e))",
		"CREATE INDEX ex_p ON ex ((x % 10), x) WHERE x > 100",
		"ANALYZE ex",
	} {
		execBoth(t, pg, db, s)
	}
	q := `SELECT tablename, attname, null_frac, avg_width, n_distinct, most_common_vals, most_common_freqs,
	 histogram_bounds, correlation FROM pg_stats WHERE tablename LIKE 'ex%' ORDER BY 1, 2`
	want := pgQueryStrings(t, pg, q)
	got := queryStrings(t, db, q)
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i][:8], got[i][:8])
		assert.True(t, closeFloat(want[i][8], got[i][8]), "correlation of %s.%s", want[i][0], want[i][1])
	}
	q = "SELECT relname, reltuples FROM pg_class WHERE relname LIKE 'ex%' ORDER BY 1"
	require.Equal(t, pgQueryStrings(t, pg, q), queryStrings(t, db, q))
}
