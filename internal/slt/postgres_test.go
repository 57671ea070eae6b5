package slt

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/pgoracle"
	"github.com/tuskdb/tusk/vfs"
)

// baselineFiles are small corpus files, chosen to include PostgreSQL's own
// failures (in1, slt_lang_update, slt_lang_createview) and a classic file.
var baselineFiles = []string{
	"evidence/in1.test",
	"evidence/slt_lang_update.test",
	"evidence/slt_lang_createview.test",
	"select1.test",
}

// TestPostgres runs the PostgreSQL engine on a real server: the counts of a
// few corpus files must equal PG15_BASELINE.tsv, and the engine must render,
// time out and clean up as the README says.
func TestPostgres(t *testing.T) {
	corpus := filepath.Join(pgoracle.SharedDir(t), "conformance", "sqllogictest")
	base, err := LoadBaseline(vfs.Default, filepath.Join(corpus, BaselineName))
	if err != nil {
		pgoracle.Unavailable(t, "the conformance corpus is missing: %v", err)
	}
	url := pgoracle.Start(t)
	ctx := context.Background()
	pg, err := NewPostgres(ctx, url)
	require.NoError(t, err)
	defer pg.Close()

	t.Run("baseline", func(t *testing.T) {
		r := &Runner{Open: pg.Open, Timeout: 30 * time.Second}
		for _, file := range baselineFiles {
			want, ok := base[file]
			require.True(t, ok, "%s is not in the baseline", file)
			res, err := r.RunFile(ctx, filepath.Join(corpus, file))
			require.NoError(t, err)
			require.NoError(t, res.Crash)
			require.Equal(t, [3]int{want.Executed, want.Passed, want.Skipped},
				[3]int{res.Executed, res.Passed, res.Skipped}, "%s: executed, passed, skipped", file)
		}
	})

	t.Run("render", func(t *testing.T) {
		// S6, S7 on PostgreSQL's own column types
		src := `
hash-threshold 0

statement ok
CREATE TABLE t(i INTEGER, n NUMERIC, f DOUBLE PRECISION, b BOOLEAN, s TEXT)

statement ok
INSERT INTO t VALUES(7, -12.75, 2.9, true, ''), (NULL, 1.5, -0.1, false, 'a' || chr(9) || 'b')

query IIIIT rowsort
SELECT i, n, f, b, s FROM t
----
7
-12
2
1
(empty)
NULL
1
0
0
a@b

query RRRRT rowsort
SELECT i, n, f, b, i > 3 FROM t
----
7.000
-12.750
2.900
1.000
1
NULL
1.500
-0.100
0.000
NULL

statement error
SELECT nope FROM t
`
		s, err := Parse("render.test", []byte(src))
		require.NoError(t, err)
		var fails []*Failure
		r := &Runner{Open: pg.Open, OnFailure: func(f *Failure) { fails = append(fails, f) }}
		res, err := r.RunScript(ctx, s)
		require.NoError(t, err)
		for _, f := range fails {
			t.Errorf("line %d: got %q, err %v", f.Line, f.Got, f.Err)
		}
		require.Equal(t, 5, res.Passed)
	})

	t.Run("timeout", func(t *testing.T) {
		// S13: a record that does not answer fails with the rest of the file
		s, err := Parse("slow.test", []byte("statement ok\nSELECT pg_sleep(60)\n\nquery I\nSELECT 1\n----\n1\n"))
		require.NoError(t, err)
		r := &Runner{Open: pg.Open, Timeout: 300 * time.Millisecond}
		res, err := r.RunScript(ctx, s)
		require.NoError(t, err)
		require.ErrorIs(t, res.Crash, ErrTimeout)
		require.Equal(t, FileResult{File: "slow.test", Executed: 2, Failed: 2, Crash: res.Crash, CrashLine: 1}, res)
	})

	// S11: every per-file database was dropped, even the timed-out one.
	admin, err := pgconn.Connect(ctx, url)
	require.NoError(t, err)
	defer admin.Close(ctx)
	results, err := admin.Exec(ctx, "SELECT datname FROM pg_database WHERE datname LIKE 'slt%'").ReadAll()
	require.NoError(t, err)
	require.Empty(t, results[0].Rows, "leftover databases")
}
