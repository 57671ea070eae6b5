package tusk

import (
	"fmt"
	"math/rand"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/vfs"
)

// Sequences end to end. Their SQL semantics (bounds, CYCLE, CACHE, the
// errors of CREATE/ALTER/DROP SEQUENCE, SERIAL and IDENTITY columns) are
// golden scripts checked against PostgreSQL 15: testdata/ddl/sequences*.txt,
// serial.txt and identity.txt (TestDDLScripts). Here: what needs several
// sessions, goroutines or a crash.

func dbNextval(t *testing.T, db *DB, seq string) int64 {
	t.Helper()
	var v int64
	require.NoError(t, db.QueryRow(ctx, "SELECT nextval($1)", seq).Scan(&v))
	return v
}

func txNextval(t *testing.T, tx *Tx, seq string) int64 {
	t.Helper()
	var v int64
	require.NoError(t, tx.QueryRow(ctx, "SELECT nextval($1)", seq).Scan(&v))
	return v
}

// TestSequenceNotTransactional: a rolled-back nextval is not given back;
// currval and lastval are per session.
func TestSequenceNotTransactional(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE SEQUENCE s")
	require.NoError(t, err)

	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(1), txNextval(t, tx, "s"))
	require.Equal(t, int64(2), txNextval(t, tx, "s"))
	require.NoError(t, tx.Rollback())
	require.Equal(t, int64(3), dbNextval(t, db, "s"))

	// currval belongs to the session that called nextval.
	t1, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	defer t1.Rollback()
	t2, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	defer t2.Rollback()
	v := txNextval(t, t1, "s")
	var cur, last int64
	require.NoError(t, t1.QueryRow(ctx, "SELECT currval('s'), lastval()").Scan(&cur, &last))
	require.Equal(t, v, cur)
	require.Equal(t, v, last)
	err = t2.QueryRow(ctx, "SELECT currval('s')").Scan(&cur)
	require.Error(t, err)
	require.Equal(t, "55000", ErrorCode(err))
	require.Contains(t, err.Error(), `currval of sequence "s" is not yet defined in this session`)
	t3, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	defer t3.Rollback()
	err = t3.QueryRow(ctx, "SELECT lastval()").Scan(&cur)
	require.Equal(t, "55000", ErrorCode(err))
}

// TestSequenceParams: a regclass parameter given as a string is resolved
// as a relation name, as Bind does with regclassin.
func TestSequenceParams(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, `CREATE SCHEMA x; CREATE SEQUENCE x."Odd Name"`)
	require.NoError(t, err)
	require.Equal(t, int64(1), dbNextval(t, db, `x."Odd Name"`))
	var v int64
	require.NoError(t, db.QueryRow(ctx, "SELECT setval($1, $2, false)", `x."Odd Name"`, 10).Scan(&v))
	require.Equal(t, int64(10), dbNextval(t, db, `x."Odd Name"`))
	err = db.QueryRow(ctx, "SELECT nextval($1)", "nosuch").Scan(&v)
	require.Equal(t, "42P01", ErrorCode(err))
	err = db.QueryRow(ctx, "SELECT nextval($1)", "x.odd name").Scan(&v)
	require.Equal(t, "42602", ErrorCode(err))
}

// TestSequenceMaxValue checks the 2200H error and that a sequence at its
// limit stays there.
func TestSequenceMaxValue(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE SEQUENCE s MAXVALUE 2; CREATE SEQUENCE c MINVALUE 5 MAXVALUE 7 CYCLE")
	require.NoError(t, err)
	require.Equal(t, int64(1), dbNextval(t, db, "s"))
	require.Equal(t, int64(2), dbNextval(t, db, "s"))
	for i := 0; i < 2; i++ {
		var v int64
		err = db.QueryRow(ctx, "SELECT nextval('s')").Scan(&v)
		require.Equal(t, "2200H", ErrorCode(err))
		require.Contains(t, err.Error(), `nextval: reached maximum value of sequence "s" (2)`)
	}
	var got []int64
	for i := 0; i < 7; i++ {
		got = append(got, dbNextval(t, db, "c"))
	}
	require.Equal(t, []int64{5, 6, 7, 5, 6, 7, 5}, got)
}

// TestSequenceConcurrent: sessions on 8 goroutines never get the same
// value, and together get exactly the values handed out (CACHE 1), also
// through a SERIAL column and with CACHE 10.
func TestSequenceConcurrent(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE SEQUENCE s; CREATE SEQUENCE c CACHE 10; CREATE TABLE t (id serial, g int)")
	require.NoError(t, err)
	const workers, per = 8, 100
	var mu sync.Mutex
	seen := map[string]map[int64]int{"s": {}, "c": {}}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				for _, seq := range []string{"s", "c"} {
					var v int64
					if err := db.QueryRow(ctx, "SELECT nextval($1)", seq).Scan(&v); err != nil {
						errs <- err
						return
					}
					mu.Lock()
					seen[seq][v]++
					mu.Unlock()
				}
				if _, err := db.Exec(ctx, "INSERT INTO t (g) VALUES ($1)", w); err != nil {
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
	for seq, vals := range seen {
		require.Len(t, vals, workers*per, "sequence %s", seq)
		for v, n := range vals {
			require.Equal(t, 1, n, "sequence %s handed out %d %d times", seq, v, n)
		}
	}
	for v := int64(1); v <= workers*per; v++ {
		require.Contains(t, seen["s"], v, "CACHE 1 skipped %d", v)
	}
	var n, distinct, lo, hi int64
	require.NoError(t, db.QueryRow(ctx, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM t").Scan(&n, &distinct, &lo, &hi))
	require.Equal(t, int64(workers*per), n)
	require.Equal(t, n, distinct)
	require.Equal(t, int64(1), lo)
	require.Equal(t, n, hi)
}

// TestSequencePersists: a clean restart continues where the sequence
// stopped, with no gap; SERIAL and IDENTITY columns keep working.
func TestSequencePersists(t *testing.T) {
	fs := vfs.NewMem()
	db, err := Open("/db", WithFS(fs))
	require.NoError(t, err)
	_, err = db.Exec(ctx, `CREATE SEQUENCE s INCREMENT 3;
CREATE TABLE t (id bigserial, v text);
CREATE TABLE i (id int GENERATED ALWAYS AS IDENTITY, v text)`)
	require.NoError(t, err)
	for k := 0; k < 5; k++ {
		dbNextval(t, db, "s")
	}
	_, err = db.Exec(ctx, "INSERT INTO t (v) VALUES ('a'), ('b'); INSERT INTO i (v) VALUES ('a')")
	require.NoError(t, err)
	require.NoError(t, db.Close())

	db, err = Open("/db", WithFS(fs))
	require.NoError(t, err)
	defer db.Close()
	require.Equal(t, int64(16), dbNextval(t, db, "s"))
	_, err = db.Exec(ctx, "INSERT INTO t (v) VALUES ('c'); INSERT INTO i (v) VALUES ('b')")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"1", "a"}, {"2", "b"}, {"3", "c"}}, queryStrings(t, db, "SELECT id, v FROM t ORDER BY id"))
	require.Equal(t, [][]string{{"1", "a"}, {"2", "b"}}, queryStrings(t, db, "SELECT id, v FROM i ORDER BY id"))
	_, err = db.Exec(ctx, "INSERT INTO i VALUES (5, 'x')")
	require.Equal(t, "428C9", ErrorCode(err))
	// The first nextval after the restart logged 32 values ahead (SQ2).
	require.Equal(t, [][]string{{"16", "32", "t"}}, queryStrings(t, db, "SELECT * FROM s"))
}

// TestSequenceCrash: after a power cut a sequence never hands out a value
// it handed out before, whether the transaction that got the value
// committed or not, across checkpoints and torn pages (SQ2, SQ3).
func TestSequenceCrash(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	fs := vfs.NewCrash(seed)
	trials := 12
	if testing.Short() {
		trials = 4
	}
	var handed []int64
	maxSeen := int64(0)
	for trial := 0; trial < trials; trial++ {
		db, err := Open("/db", WithFS(fs), WithSharedBuffers(128<<10))
		require.NoError(t, err, "trial %d", trial)
		if trial == 0 {
			_, err = db.Exec(ctx, "CREATE SEQUENCE s CACHE 1; CREATE SEQUENCE c CACHE 7; CREATE TABLE t (id serial, v int)")
			require.NoError(t, err)
		}
		n := rng.Intn(120)
		var tx *Tx
		for k := 0; k < n; k++ {
			var v int64
			switch rng.Intn(4) {
			case 0: // in a transaction that may never commit
				if tx == nil {
					tx, err = db.Begin(ctx, TxOptions{})
					require.NoError(t, err)
				}
				v = txNextval(t, tx, "s")
			case 1:
				v = dbNextval(t, db, "s")
			case 2:
				handed = append(handed, dbNextval(t, db, "c"))
				continue
			case 3:
				require.NoError(t, db.QueryRow(ctx, "INSERT INTO t (v) VALUES (1) RETURNING id").Scan(&v))
				handed = append(handed, -v) // serial values in their own space
				continue
			}
			require.Greater(t, v, maxSeen, "trial %d: sequence went back", trial)
			maxSeen = v
			if rng.Intn(30) == 0 {
				require.NoError(t, db.Checkpoint())
			}
			if tx != nil && rng.Intn(10) == 0 {
				if rng.Intn(2) == 0 {
					require.NoError(t, tx.Commit())
				} else {
					require.NoError(t, tx.Rollback())
				}
				tx = nil
			}
		}
		if trial > 0 && rng.Intn(3) == 0 {
			require.NoError(t, db.inst.Check())
		}
		// A burst of nextval alone, so that the crash comes soon after a
		// batch was logged and nothing else flushed the WAL.
		for k := rng.Intn(70); k > 0; k-- {
			v := dbNextval(t, db, "s")
			require.Greater(t, v, maxSeen, "trial %d: sequence went back", trial)
			maxSeen = v
		}
		db.crash()
		fs = fs.Crash(vfs.CrashOptions{TearProb: 0.5, Rand: rng})
	}
	db, err := Open("/db", WithFS(fs))
	require.NoError(t, err)
	defer db.Close()
	require.Greater(t, dbNextval(t, db, "s"), maxSeen)
	sort.Slice(handed, func(i, j int) bool { return handed[i] < handed[j] })
	for i := 1; i < len(handed); i++ {
		require.NotEqual(t, handed[i-1], handed[i], "value %d handed out twice", handed[i])
	}
	require.NoError(t, db.inst.Check())
}

// BenchmarkNextval measures nextval through the Go API.
func BenchmarkNextval(b *testing.B) {
	for _, sync := range []bool{true, false} {
		b.Run(fmt.Sprintf("sync=%v", sync), func(b *testing.B) {
			db, err := Open("", WithSynchronousCommit(sync))
			require.NoError(b, err)
			defer db.Close()
			_, err = db.Exec(ctx, "CREATE SEQUENCE s")
			require.NoError(b, err)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var v int64
				if err := db.QueryRow(ctx, "SELECT nextval('s')").Scan(&v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
