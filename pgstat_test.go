package tusk

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgoracle"
)

// The cumulative statistics views (internal/pgstat, sql/session/pgstat_views.go).

// statWorkload is the script on a table without indexes: insert
// 100, update 10, delete 5, a rolled-back insert of 7, and a scan.
var statWorkload = []string{
	"INSERT INTO st SELECT g, 'v' || g FROM generate_series(1, 100) g",
	"UPDATE st SET v = 'u' WHERE id <= 10",
	"DELETE FROM st WHERE id > 95",
	"BEGIN; INSERT INTO st SELECT g, 'r' FROM generate_series(101, 107) g; ROLLBACK",
	"SELECT count(*) FROM st",
}

// statAnalyzeWorkload follows statWorkload: ANALYZE sets n_live_tup and
// n_dead_tup from what it saw and resets n_mod_since_analyze; an ANALYZE
// inside a transaction leaves the transaction's own changes to its flush.
// (PostgreSQL flushes the earlier counts asynchronously: they are forced
// out first, or they would be added on top of what ANALYZE reported.)
var statAnalyzeWorkload = []string{
	"SELECT pg_stat_force_next_flush()",
	"ANALYZE st",
	"INSERT INTO st VALUES (1000, 'z')",
	"SELECT pg_stat_force_next_flush()",
	"BEGIN; INSERT INTO st VALUES (1001, 'z'); ANALYZE st; COMMIT",
}

const statAnalyzeQuery = `SELECT n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum, analyze_count,
  last_analyze IS NOT NULL, vacuum_count, last_vacuum FROM pg_stat_user_tables WHERE relname = 'st'`

// statTableQuery reads the deterministic counters of table st (not
// n_tup_hot_upd: Tusk does no HOT updates).
const statTableQuery = `SELECT relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_tup_ins, n_tup_upd, n_tup_del,
  n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum, last_vacuum, last_analyze, vacuum_count, analyze_count
FROM pg_stat_user_tables WHERE relname = 'st'`

const statDBQuery = `SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()`

func TestPgStatTableCounters(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE st (id int, v text)")
	require.NoError(t, err)
	before := queryStrings(t, db, statDBQuery)
	for _, s := range statWorkload {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	got := queryStrings(t, db, statTableQuery)
	require.Equal(t, [][]string{{"st", "3", "295", "NULL", "NULL", "107", "10", "5",
		"95", "22", "115", "107", "NULL", "NULL", "0", "0"}}, got)
	after := queryStrings(t, db, statDBQuery)
	// The workload's four committed statements, the two queries.
	require.Equal(t, int64(4+2), atoi(t, after[0][0])-atoi(t, before[0][0]))
	require.Equal(t, int64(1), atoi(t, after[0][1])-atoi(t, before[0][1]))

	// The same table in pg_stat_all_tables, not in pg_stat_sys_tables;
	// catalogs are in pg_stat_sys_tables.
	require.Equal(t, [][]string{{"1"}}, queryStrings(t, db, "SELECT count(*) FROM pg_stat_all_tables WHERE relname = 'st'"))
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM pg_stat_sys_tables WHERE relname = 'st'"))
	require.Equal(t, [][]string{{"1"}}, queryStrings(t, db, "SELECT count(*) FROM pg_stat_sys_tables WHERE relname = 'pg_class'"))

	// Inside a transaction the pending counts show in pg_stat_xact_*, and
	// reach pg_stat_user_tables only at commit.
	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "INSERT INTO st VALUES (200, 'x'), (201, 'y')")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"2", "0"}}, queryStringsTx(t, tx, "SELECT n_tup_ins, seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'st'"))
	var ins int64
	require.NoError(t, db.QueryRow(ctx, "SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'st'").Scan(&ins))
	require.Equal(t, int64(107), ins)
	require.NoError(t, tx.Commit())
	require.Equal(t, [][]string{{"109", "97"}}, queryStrings(t, db, "SELECT n_tup_ins, n_live_tup FROM pg_stat_user_tables WHERE relname = 'st'"))

	// VACUUM counts; it sets n_live_tup to what it found and resets
	// n_ins_since_vacuum (it prunes nothing yet, so n_dead_tup stays).
	_, err = db.Exec(ctx, "VACUUM st")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"97", "0", "1", "t", "0"}}, queryStrings(t, db,
		"SELECT n_live_tup, n_ins_since_vacuum, vacuum_count, last_vacuum IS NOT NULL, autovacuum_count FROM pg_stat_user_tables WHERE relname = 'st'"))

	// TRUNCATE resets the live and dead counts; pg_stat_reset everything.
	_, err = db.Exec(ctx, "TRUNCATE st")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"109", "0", "0", "0"}}, queryStrings(t, db,
		"SELECT n_tup_ins, n_live_tup, n_dead_tup, n_ins_since_vacuum FROM pg_stat_user_tables WHERE relname = 'st'"))
	_, err = db.Exec(ctx, "SELECT pg_stat_reset()")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"0", "0", "t"}}, queryStrings(t, db,
		"SELECT s.n_tup_ins, s.seq_scan, d.stats_reset IS NOT NULL FROM pg_stat_user_tables s, pg_stat_database d WHERE s.relname = 'st' AND d.datname = current_database()"))
}

// The same script on PostgreSQL 15 gives the same counters, and the same
// number of transactions.
func TestPgStatMatchesPostgres(t *testing.T) {
	url := pgoracle.Start(t)
	pg := connectSimple(t, url)
	pgExec := func(s string) {
		_, err := pg.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	pgQuery := func(q string) [][]string { return pgQueryStrings(t, pg, q) }
	pgExec("DROP TABLE IF EXISTS st")
	pgExec("CREATE TABLE st (id int, v text) WITH (autovacuum_enabled = false)")
	// PostgreSQL flushes a backend's counts at most once a second unless
	// told to; measuring forces it first.
	pgMeasure := func(q string) [][]string {
		pgExec("SELECT pg_stat_force_next_flush()")
		return pgQuery(q)
	}
	pgBefore := pgMeasure(statDBQuery)
	for _, s := range statWorkload {
		pgExec(s)
	}
	pgTable := pgMeasure(statTableQuery)
	pgAfter := pgMeasure(statDBQuery)
	for _, s := range statAnalyzeWorkload {
		pgExec(s)
	}
	pgAnalyzed := pgMeasure(statAnalyzeQuery)

	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE st (id int, v text)")
	require.NoError(t, err)
	measure := func(q string) [][]string {
		_, err := db.Exec(ctx, "SELECT pg_stat_force_next_flush()")
		require.NoError(t, err)
		return queryStrings(t, db, q)
	}
	before := measure(statDBQuery)
	for _, s := range statWorkload {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	table := measure(statTableQuery)
	after := measure(statDBQuery)
	for _, s := range statAnalyzeWorkload {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	analyzed := measure(statAnalyzeQuery)
	require.Equal(t, pgTable, table)
	require.Equal(t, pgAnalyzed, analyzed)
	require.Equal(t, [][]string{{"97", "22", "1", "109", "2", "t", "0", "NULL"}}, analyzed)
	for i := range 2 {
		require.Equal(t, atoi(t, pgAfter[0][i])-atoi(t, pgBefore[0][i]), atoi(t, after[0][i])-atoi(t, before[0][i]),
			"delta of %s", []string{"xact_commit", "xact_rollback"}[i])
	}
}

// The seed article's two statistics queries run unchanged and give
// PostgreSQL 15's columns and types; the pg_stat_user_tables one gives
// its rows too.
func TestPgStatSeedQueries(t *testing.T) {
	const hitRatio = `SELECT
sum(blks_hit) AS cache_hits,
sum(blks_read) AS disk_reads,
round(sum(blks_hit) / nullif(sum(blks_hit) + sum(blks_read), 0) * 100, 2) AS hit_ratio
FROM pg_stat_database;`
	const deadTuples = `SELECT relname, last_autovacuum, last_autoanalyze,
n_dead_tup, n_live_tup
FROM pg_stat_user_tables
ORDER BY n_dead_tup DESC
LIMIT 10;`
	setup := []string{
		"CREATE TABLE users (id int8 PRIMARY KEY, name text)",
		"CREATE TABLE orders (id int8 PRIMARY KEY, user_id int8, amount numeric)",
		"CREATE TABLE events (id int8, kind text)",
		"CREATE TABLE plain (a int, b varchar(10), c numeric(10,2))",
		"INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 50) g",
		"INSERT INTO orders SELECT g, g % 50 + 1, g FROM generate_series(1, 200) g",
		"INSERT INTO events SELECT g, 'k' FROM generate_series(1, 30) g",
		"UPDATE orders SET amount = amount + 1 WHERE id <= 40",
		"DELETE FROM users WHERE id > 45",
		"DELETE FROM events WHERE id <= 3",
	}
	url := pgoracle.Start(t)
	pg := connectSimple(t, url)
	for _, s := range []string{"DROP TABLE IF EXISTS users, orders, events, plain"} {
		_, err := pg.Exec(ctx, s)
		require.NoError(t, err)
	}
	for _, s := range setup {
		if len(s) > 12 && s[:12] == "CREATE TABLE" {
			s += " WITH (autovacuum_enabled = false)"
		}
		_, err := pg.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	_, err := pg.Exec(ctx, "SELECT pg_stat_force_next_flush()")
	require.NoError(t, err)
	pgCols := func(q string) [][]string {
		_, err := pg.Exec(ctx, "CREATE OR REPLACE TEMP VIEW seed_q AS "+q)
		require.NoError(t, err)
		rows, err := pg.Query(ctx, "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'seed_q'::regclass AND attnum > 0 ORDER BY attnum")
		require.NoError(t, err)
		defer rows.Close()
		var out [][]string
		for rows.Next() {
			var n, ty string
			require.NoError(t, rows.Scan(&n, &ty))
			out = append(out, []string{n, ty})
		}
		_, err = pg.Exec(ctx, "DROP VIEW seed_q")
		require.NoError(t, err)
		return out
	}
	wantHit := pgCols(hitRatio[:len(hitRatio)-1])
	wantDead := pgCols(deadTuples[:len(deadTuples)-1])
	pgRows := func(q string) [][]string { return pgQueryStrings(t, pg, q) }
	wantDeadRows := pgRows(deadTuples)
	// Where PostgreSQL has a TOAST table the toast columns are 0, else NULL.
	const statio = `SELECT relname, toast_blks_read, toast_blks_hit, tidx_blks_read, tidx_blks_hit, idx_blks_read IS NULL
FROM pg_statio_user_tables ORDER BY relname`
	wantStatio := pgRows(statio)

	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	for _, s := range setup {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	cols := func(q string) [][]string {
		r, err := db.Query(ctx, q)
		require.NoError(t, err, q)
		var out [][]string
		for i, n := range r.Columns() {
			out = append(out, []string{n, r.ColumnTypes()[i]})
		}
		for r.Next() {
		}
		require.NoError(t, r.Close())
		return out
	}
	require.Equal(t, wantHit, cols(hitRatio))
	require.Equal(t, wantDead, cols(deadTuples))
	require.Equal(t, wantDeadRows, queryStrings(t, db, deadTuples))
	require.Equal(t, wantStatio, queryStrings(t, db, statio))
	require.Equal(t, [][]string{{"events", "0", "0", "0", "0", "t"}, {"orders", "0", "0", "0", "0", "f"},
		{"plain", "NULL", "NULL", "NULL", "NULL", "t"}, {"users", "0", "0", "0", "0", "f"}}, wantStatio)
	hit := queryStrings(t, db, hitRatio)
	require.Len(t, hit, 1)
	require.NotEqual(t, "NULL", hit[0][0])
	require.NotEqual(t, "0", hit[0][0])
}

// Every pg_stat view has PostgreSQL 15's columns, in order, with its types.
func TestPgStatViewColumns(t *testing.T) {
	pg, db := startOracleAndTusk(t)
	for _, v := range []string{"pg_stat_database", "pg_stat_all_tables", "pg_stat_user_tables", "pg_stat_sys_tables",
		"pg_stat_xact_all_tables", "pg_stat_xact_user_tables", "pg_stat_xact_sys_tables",
		"pg_stat_all_indexes", "pg_stat_user_indexes", "pg_stat_sys_indexes",
		"pg_statio_all_tables", "pg_statio_user_tables", "pg_statio_sys_tables",
		"pg_statio_all_indexes", "pg_statio_user_indexes", "pg_statio_sys_indexes",
		"pg_stat_bgwriter", "pg_locks"} {
		q := fmt.Sprintf("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'pg_catalog.%s'::regclass AND attnum > 0 ORDER BY attnum", v)
		rows, err := pg.Query(ctx, q)
		require.NoError(t, err)
		var want [][]string
		for rows.Next() {
			var n, ty string
			require.NoError(t, rows.Scan(&n, &ty))
			want = append(want, []string{n, ty})
		}
		require.NoError(t, rows.Err())
		require.NotEmpty(t, want, v)
		r, err := db.Query(ctx, "SELECT * FROM pg_catalog."+v+" LIMIT 0")
		require.NoError(t, err, v)
		var got [][]string
		for i, n := range r.Columns() {
			got = append(got, []string{n, r.ColumnTypes()[i]})
		}
		require.NoError(t, r.Close())
		require.Equal(t, want, got, v)
	}
}

// Buffer hits and reads move as pages are found in the pool or read.
func TestPgStatBlocks(t *testing.T) {
	db, err := Open(t.TempDir(), WithSharedBuffers(256*1024))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE big (id int, pad text)")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "INSERT INTO big SELECT g, repeat('x', 500) FROM generate_series(1, 8000) g")
	require.NoError(t, err)
	require.NoError(t, db.Checkpoint())
	blocks := func() (hit, read, dbHit, dbRead int64) {
		require.NoError(t, db.QueryRow(ctx, `SELECT s.heap_blks_hit, s.heap_blks_read, d.blks_hit, d.blks_read
			FROM pg_statio_user_tables s, pg_stat_database d WHERE s.relname = 'big' AND d.datname = current_database()`).
			Scan(&hit, &read, &dbHit, &dbRead))
		return
	}
	h0, r0, dh0, dr0 := blocks()
	var n int64
	require.NoError(t, db.QueryRow(ctx, "SELECT count(*) FROM big").Scan(&n))
	require.Equal(t, int64(8000), n)
	h1, r1, dh1, dr1 := blocks()
	// About 550 pages, 32 buffers: most of a scan is read from the file.
	require.Greater(t, r1-r0, int64(400))
	require.GreaterOrEqual(t, (h1-h0)+(r1-r0), int64(500))
	require.GreaterOrEqual(t, dr1-dr0, r1-r0)
	require.GreaterOrEqual(t, dh1-dh0, h1-h0)

	// A small table stays in the pool: its second scan only hits.
	_, err = db.Exec(ctx, "CREATE TABLE small (id int)")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "INSERT INTO small VALUES (1), (2)")
	require.NoError(t, err)
	small := func() (hit, read int64) {
		require.NoError(t, db.QueryRow(ctx, "SELECT heap_blks_hit, heap_blks_read FROM pg_statio_user_tables WHERE relname = 'small'").Scan(&hit, &read))
		return
	}
	sh0, sr0 := small()
	require.NoError(t, db.QueryRow(ctx, "SELECT count(*) FROM small").Scan(&n))
	sh1, sr1 := small()
	require.Equal(t, int64(1), sh1-sh0)
	require.Equal(t, int64(0), sr1-sr0)
}

// CHECKPOINT counts in pg_stat_bgwriter; a spilling sort in temp_files.
func TestPgStatBgwriterAndTempFiles(t *testing.T) {
	db, err := Open(t.TempDir())
	require.NoError(t, err)
	defer db.Close()
	bg := func() (req, bufs int64) {
		require.NoError(t, db.QueryRow(ctx, "SELECT checkpoints_req, buffers_checkpoint FROM pg_stat_bgwriter").Scan(&req, &bufs))
		return
	}
	req0, bufs0 := bg()
	_, err = db.Exec(ctx, "CREATE TABLE c (id int)")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "INSERT INTO c SELECT generate_series(1, 1000)")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "CHECKPOINT")
	require.NoError(t, err)
	req1, bufs1 := bg()
	require.Equal(t, req0+1, req1)
	require.Greater(t, bufs1, bufs0)
	var alloc int64
	require.NoError(t, db.QueryRow(ctx, "SELECT buffers_alloc FROM pg_stat_bgwriter").Scan(&alloc))
	require.Greater(t, alloc, int64(0))
	_, err = db.Exec(ctx, "SELECT pg_stat_reset_shared('bgwriter')")
	require.NoError(t, err)
	req2, bufs2 := bg()
	require.Equal(t, [2]int64{0, 0}, [2]int64{req2, bufs2})
	_, err = db.Exec(ctx, "SELECT pg_stat_reset_shared('nonsense')")
	require.Equal(t, "22023", ErrorCode(err))

	temp := func() (files, bytes int64) {
		require.NoError(t, db.QueryRow(ctx, "SELECT temp_files, temp_bytes FROM pg_stat_database WHERE datname = current_database()").Scan(&files, &bytes))
		return
	}
	f0, b0 := temp()
	_, err = db.Exec(ctx, "SET work_mem = '64kB'")
	require.NoError(t, err)
	rows, err := db.Query(ctx, "SELECT g, md5(g::text) FROM generate_series(1, 20000) g ORDER BY 2")
	require.NoError(t, err)
	for rows.Next() {
	}
	require.NoError(t, rows.Close())
	f1, b1 := temp()
	require.Greater(t, f1, f0)
	require.Greater(t, b1, b0+int64(100_000))
}

// Several sessions counting at once: the totals are exact (run with -race).
func TestPgStatConcurrentSessions(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE cs (w int, i int)")
	require.NoError(t, err)
	const workers, rounds = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				tx, err := db.Begin(ctx, TxOptions{})
				if err != nil {
					errs <- err
					return
				}
				if _, err := tx.Exec(ctx, "INSERT INTO cs VALUES ($1, $2), ($1, $2)", w, i); err != nil {
					errs <- err
					return
				}
				if i%5 == 0 {
					err = tx.Rollback()
				} else {
					err = tx.Commit()
				}
				if err != nil {
					errs <- err
					return
				}
				if _, err := db.Exec(ctx, "SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'cs'"); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	commits := workers * rounds * 4 / 5
	require.Equal(t, [][]string{{strconv.Itoa(2 * workers * rounds), strconv.Itoa(2 * commits), strconv.Itoa(2 * (workers*rounds - commits))}},
		queryStrings(t, db, "SELECT n_tup_ins, n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname = 'cs'"))
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err, s)
	return n
}

// The counters survive a clean restart and are lost in a crash (PS7).
func TestPgStatRestart(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	require.NoError(t, err)
	_, err = db.Exec(ctx, "CREATE TABLE r (id int)")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "CREATE TABLE gone (id int)")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "INSERT INTO r SELECT generate_series(1, 10)")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "INSERT INTO gone VALUES (1)")
	require.NoError(t, err)
	var gone int64
	require.NoError(t, db.QueryRow(ctx, "SELECT 'gone'::regclass::oid::int8").Scan(&gone))
	_, ok := db.inst.Stats.Rel(base.OID(gone))
	require.True(t, ok)
	_, err = db.Exec(ctx, "DROP TABLE gone")
	require.NoError(t, err)
	var commits, hits int64
	require.NoError(t, db.QueryRow(ctx, "SELECT xact_commit, blks_hit FROM pg_stat_database WHERE datname = current_database()").Scan(&commits, &hits))
	require.NoError(t, db.Close())

	db, err = Open(dir)
	require.NoError(t, err)
	require.Equal(t, [][]string{{"10", "10"}}, queryStrings(t, db, "SELECT n_tup_ins, n_live_tup FROM pg_stat_user_tables WHERE relname = 'r'"))
	var commits2, hits2 int64
	require.NoError(t, db.QueryRow(ctx, "SELECT xact_commit, blks_hit FROM pg_stat_database WHERE datname = current_database()").Scan(&commits2, &hits2))
	require.Greater(t, commits2, commits)
	require.GreaterOrEqual(t, hits2, hits)
	_, ok = db.inst.Stats.Rel(base.OID(gone))
	require.False(t, ok, "the dropped table's counters are gone")
	db.crash()

	db, err = Open(dir)
	require.NoError(t, err)
	defer db.Close()
	require.Equal(t, [][]string{{"0", "0"}}, queryStrings(t, db, "SELECT n_tup_ins, n_live_tup FROM pg_stat_user_tables WHERE relname = 'r'"))
}

// Index scans, bitmap scans and index-only scans count idx_scan,
// idx_tup_read and idx_tup_fetch as PostgreSQL's do; building the primary
// key's index counts one sequential scan of the table.
func TestPgStatIndexCounters(t *testing.T) {
	const off = "SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_indexscan = on; "
	workload := []string{
		"INSERT INTO it SELECT g, g FROM generate_series(1, 100) g",
		off + "SELECT v FROM it WHERE id = 5",
		off + "SELECT count(v) FROM it WHERE id BETWEEN 10 AND 19",
		"SET enable_seqscan = off; SET enable_indexscan = off; SET enable_bitmapscan = on; SELECT count(v) FROM it WHERE id < 30",
		off + "SELECT count(id) FROM it WHERE id < 50",
		"RESET enable_seqscan; RESET enable_bitmapscan; RESET enable_indexscan",
	}
	const q1 = "SELECT indexrelname, idx_scan, idx_tup_read, idx_tup_fetch FROM pg_stat_user_indexes WHERE relname = 'it'"
	const q2 = "SELECT seq_scan, seq_tup_read, idx_scan, idx_tup_fetch FROM pg_stat_user_tables WHERE relname = 'it'"
	const q3 = "SELECT indexrelname, idx_blks_read + idx_blks_hit > 0 FROM pg_statio_user_indexes WHERE relname = 'it'"

	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE it (id int PRIMARY KEY, v int)")
	require.NoError(t, err)
	for _, s := range workload {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	got1, got2, got3 := queryStrings(t, db, q1), queryStrings(t, db, q2), queryStrings(t, db, q3)
	require.Equal(t, [][]string{{"it_pkey", "4", "89", "60"}}, got1)
	require.Equal(t, [][]string{{"1", "0", "4", "89"}}, got2)
	require.Equal(t, [][]string{{"it_pkey", "t"}}, got3)

	url := pgoracle.Start(t)
	pg := connectSimple(t, url)
	for _, s := range append([]string{"DROP TABLE IF EXISTS it", "CREATE TABLE it (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = false)"},
		append(workload, "SELECT pg_stat_force_next_flush()")...) {
		_, err := pg.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	for i, q := range []string{q1, q2} {
		want := pgQueryStrings(t, pg, q)
		require.Equal(t, want, [][][]string{got1, got2}[i], q)
	}
}

// A random script of inserts, updates, deletes, rolled-back blocks and
// failing statements on small tables gives PostgreSQL's table counters
// and transaction counts. The tables stay small enough that PostgreSQL
// never prunes a page (which would lower its n_dead_tup).
func TestPgStatRandomWorkloadMatchesPostgres(t *testing.T) {
	url := pgoracle.Start(t)
	seed := rand.Int63()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	tables := []string{"wa", "wb", "wc"}
	next := map[string]int{}
	var script []string
	stmt := func() string {
		tb := tables[rng.Intn(len(tables))]
		switch rng.Intn(6) {
		case 0, 1:
			k, n := next[tb], 1+rng.Intn(6)
			next[tb] += n
			return fmt.Sprintf("INSERT INTO %s SELECT g, g FROM generate_series(%d, %d) g", tb, k, k+n-1)
		case 2:
			return fmt.Sprintf("UPDATE %s SET v = v + 1 WHERE id = %d", tb, rng.Intn(next[tb]+1))
		case 3:
			return fmt.Sprintf("DELETE FROM %s WHERE id = %d", tb, rng.Intn(next[tb]+1))
		case 4:
			return fmt.Sprintf("SELECT count(*) FROM %s WHERE v > %d", tb, rng.Intn(20))
		default:
			// Fails on its third row: two rows are inserted, then aborted.
			k := next[tb]
			next[tb] += 5
			return fmt.Sprintf("INSERT INTO %s SELECT g, 1 / (g - %d) FROM generate_series(%d, %d) g", tb, k+2, k, k+4)
		}
	}
	for i := 0; i < 40; i++ {
		if rng.Intn(5) == 0 {
			end := "COMMIT"
			if rng.Intn(2) == 0 {
				end = "ROLLBACK"
			}
			script = append(script, "BEGIN; "+stmt()+"; "+stmt()+"; "+end)
			continue
		}
		script = append(script, stmt())
	}
	const q = `SELECT relname, seq_scan, seq_tup_read, n_tup_ins, n_tup_upd, n_tup_del, n_live_tup, n_dead_tup,
  n_mod_since_analyze, n_ins_since_vacuum FROM pg_stat_user_tables ORDER BY relname`

	run := func(exec func(string) error, query func(string) [][]string) (stats [][]string, commits, rollbacks int64) {
		for _, tb := range tables {
			require.NoError(t, exec(fmt.Sprintf("CREATE TABLE %s (id int, v int)", tb)))
		}
		require.NoError(t, exec("SELECT pg_stat_force_next_flush()"))
		before := query(statDBQuery)
		for _, s := range script {
			_ = exec(s) // the failing ones fail on both
		}
		// Right after the forced flush: PostgreSQL would not flush the
		// next query's own commit within a second.
		require.NoError(t, exec("SELECT pg_stat_force_next_flush()"))
		after := query(statDBQuery)
		stats = query(q)
		return stats, atoi(t, after[0][0]) - atoi(t, before[0][0]), atoi(t, after[0][1]) - atoi(t, before[0][1])
	}

	pg := connectSimple(t, url)
	_, err := pg.Exec(ctx, "DROP TABLE IF EXISTS wa, wb, wc")
	require.NoError(t, err)
	_, err = pg.Exec(ctx, "ALTER SYSTEM SET autovacuum = off")
	require.NoError(t, err)
	_, err = pg.Exec(ctx, "SELECT pg_reload_conf()")
	require.NoError(t, err)
	pgStats, pgCommits, pgRollbacks := run(func(s string) error {
		_, err := pg.Exec(ctx, s)
		// A failing statement skips the rest of its query string, so a
		// block stays open and failed; Tusk's DB ends such a session, which
		// rolls it back.
		if pg.PgConn().TxStatus() == 'E' {
			_, rerr := pg.Exec(ctx, "ROLLBACK")
			require.NoError(t, rerr)
		}
		return err
	}, func(q string) [][]string { return pgQueryStrings(t, pg, q) })

	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	stats, commits, rollbacks := run(func(s string) error {
		_, err := db.Exec(ctx, s)
		return err
	}, func(q string) [][]string { return queryStrings(t, db, q) })
	require.Equal(t, pgStats, stats, "script:\n%s", strings.Join(script, "\n"))
	require.Equal(t, pgCommits, commits, "xact_commit delta")
	require.Equal(t, pgRollbacks, rollbacks, "xact_rollback delta")
}
