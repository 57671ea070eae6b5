package slt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/vfs"
)

// fakeResp is what the fake engine answers to one SQL text.
type fakeResp struct {
	rows  [][]Value
	err   error
	panic bool
	block bool // answers only when its context ends
	stuck bool // never answers (until the test ends)
}

// fakeDB is an engine factory whose engines answer from a table; an SQL
// text not in the table succeeds with no rows. It counts opens and closes
// and records every SQL text run.
type fakeDB struct {
	mu      sync.Mutex
	resp    map[string]fakeResp
	opens   int
	closes  int
	ran     []string
	openErr error
	release chan struct{}
	// slowOpen makes Open answer only after its context ends (too late);
	// closed then receives a value at each Close.
	slowOpen bool
	closed   chan struct{}
}

func newFake(t *testing.T, resp map[string]fakeResp) *fakeDB {
	f := &fakeDB{resp: resp, release: make(chan struct{})}
	t.Cleanup(func() { close(f.release) })
	return f
}

func (f *fakeDB) Open(ctx context.Context) (Engine, error) {
	if f.slowOpen {
		<-ctx.Done()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.openErr != nil {
		return nil, f.openErr
	}
	f.opens++
	return &fakeEngine{db: f, tables: map[string]bool{}}, nil
}

type fakeEngine struct {
	db *fakeDB
	// tables shows that state does not leak between files: CREATE TABLE x
	// fails when x exists in this engine.
	tables map[string]bool
}

func (e *fakeEngine) answer(ctx context.Context, sql string) ([][]Value, error) {
	e.db.mu.Lock()
	e.db.ran = append(e.db.ran, sql)
	r := e.db.resp[sql]
	e.db.mu.Unlock()
	if name, ok := strings.CutPrefix(sql, "CREATE TABLE "); ok {
		if e.tables[name] {
			return nil, fmt.Errorf("relation %q already exists", name)
		}
		e.tables[name] = true
	}
	switch {
	case r.panic:
		panic("boom")
	case r.block:
		<-ctx.Done()
		return nil, ctx.Err()
	case r.stuck:
		<-e.db.release
		return nil, errors.New("released")
	}
	return r.rows, r.err
}

func (e *fakeEngine) Exec(ctx context.Context, sql string) error {
	_, err := e.answer(ctx, sql)
	return err
}

func (e *fakeEngine) Query(ctx context.Context, sql string) ([][]Value, error) {
	return e.answer(ctx, sql)
}

func (e *fakeEngine) Close() error {
	e.db.mu.Lock()
	defer e.db.mu.Unlock()
	e.db.closes++
	if e.db.closed != nil {
		e.db.closed <- struct{}{}
	}
	return nil
}

func ints(vals ...string) [][]Value {
	var rows [][]Value
	for _, v := range vals {
		rows = append(rows, []Value{Text(KindInt, v)})
	}
	return rows
}

func run(t *testing.T, r *Runner, src string) (FileResult, []*Failure) {
	t.Helper()
	s, err := Parse("t.test", []byte(src))
	require.NoError(t, err)
	var fails []*Failure
	r.OnFailure = func(f *Failure) { fails = append(fails, f) }
	res, err := r.RunScript(context.Background(), s)
	require.NoError(t, err)
	require.Equal(t, res.Executed, res.Passed+res.Failed, "S12: executed = passed + failed")
	return res, fails
}

func TestRunCounts(t *testing.T) {
	fake := newFake(t, map[string]fakeResp{
		"BAD":               {err: errors.New("syntax error")},
		"SELECT a FROM t":   {rows: ints("3", "1", "2")},
		"SELECT 1.5":        {rows: [][]Value{{Text(KindNumeric, "1.5")}}},
		"SELECT nine":       {rows: ints("1", "2", "3", "4", "5", "6", "7", "8", "9")},
		"SELECT t":          {rows: [][]Value{{Text(KindBool, "t"), Text(KindFloat, "2.5")}}},
		"SELECT wrong cols": {rows: [][]Value{{Text(KindInt, "1"), Text(KindInt, "2")}}},
	})
	src := `
statement ok
CREATE TABLE t

statement error
BAD

# fails: succeeds although an error is expected
statement error
SELECT 1

# fails: errors
statement ok
BAD

query I rowsort
SELECT a FROM t
----
1
2
3

# fails: order kept
query I nosort
SELECT a FROM t
----
1
2
3

query I
SELECT 1.5
----
1

query IR
SELECT t
----
1
2.500

# fails: the query errors
query I
BAD
----

query I
SELECT nine
----
9 values hashing to ` + HashValues([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}) + `

# fails: wrong column count
query I
SELECT wrong cols
----
1

skipif postgresql
statement ok
SKIPPED 1

onlyif mysql
query I
SKIPPED 2
----

onlyif postgresql
statement ok
SELECT 1

onlyif mysql
halt

hash-threshold 100

query I
SELECT nine
----
1
2
3
4
5
6
7
8
9

skipif mysql
halt

statement ok
AFTER HALT
`
	res, fails := run(t, &Runner{Open: fake.Open}, src)
	require.Equal(t, FileResult{File: "t.test", Executed: 13, Passed: 8, Failed: 5, Skipped: 2}, res)
	require.Equal(t, 1, fake.opens)
	require.Equal(t, 1, fake.closes)
	for _, sql := range fake.ran {
		require.NotContains(t, sql, "SKIPPED")
		require.NotContains(t, sql, "AFTER HALT")
	}
	var lines []int
	for _, f := range fails {
		lines = append(lines, f.Line)
	}
	require.Equal(t, []int{9, 13, 24, 43, 53}, lines)

	nosort := fails[2]
	require.Equal(t, Query, nosort.Kind)
	require.Equal(t, []string{"1", "2", "3"}, nosort.Expected)
	require.Equal(t, []string{"3", "1", "2"}, nosort.Got)
	require.NoError(t, nosort.Err)
	require.ErrorContains(t, fails[1].Err, "syntax error")
	require.ErrorContains(t, fails[4].Err, "columns")

	var buf bytes.Buffer
	nosort.Format(&buf)
	require.Contains(t, buf.String(), "t.test:24: query\nSELECT a FROM t\nexpected:\n    1\n")
	require.Contains(t, buf.String(), "got:\n    3\n    1\n    2\n")
}

func TestRunFreshEnginePerFile(t *testing.T) {
	fake := newFake(t, nil)
	r := &Runner{Open: fake.Open}
	for i := 0; i < 2; i++ {
		res, _ := run(t, r, "statement ok\nCREATE TABLE t\n")
		require.Equal(t, 1, res.Passed, "run %d: the table of the first file must not exist in the second (S11)", i)
	}
	require.Equal(t, 2, fake.opens)
	require.Equal(t, 2, fake.closes)
}

const crashScript = `
statement ok
CREATE TABLE t

statement ok
CRASH

skipif postgresql
statement ok
SKIPPED

query I
SELECT 1
----
1

statement error
NEVER RUN
`

func TestRunCrashFailsRest(t *testing.T) {
	for name, resp := range map[string]fakeResp{
		"panic":      {panic: true},
		"engineDown": {err: fmt.Errorf("%w: connection reset", ErrEngineDown)},
		"timeout":    {block: true},
		"stuck":      {stuck: true},
	} {
		t.Run(name, func(t *testing.T) {
			fake := newFake(t, map[string]fakeResp{"CRASH": resp})
			res, fails := run(t, &Runner{Open: fake.Open, Timeout: 50 * time.Millisecond}, crashScript)
			require.Equal(t, 4, res.Executed)
			require.Equal(t, 1, res.Passed)
			require.Equal(t, 3, res.Failed, "S13: the crash and every later record fail")
			require.Equal(t, 1, res.Skipped)
			require.Equal(t, 5, res.CrashLine)
			require.Error(t, res.Crash)
			if name == "timeout" || name == "stuck" {
				require.ErrorIs(t, res.Crash, ErrTimeout)
			} else {
				require.ErrorIs(t, res.Crash, ErrEngineDown)
			}
			require.Len(t, fails, 3)
			require.Contains(t, fails[2].Err.Error(), "not run")
			fake.mu.Lock()
			defer fake.mu.Unlock()
			require.Equal(t, []string{"CREATE TABLE t", "CRASH"}, fake.ran, "nothing runs after the crash")
			if name == "stuck" {
				require.Equal(t, 0, fake.closes, "an engine still busy in an abandoned call is not closed")
			} else {
				require.Equal(t, 1, fake.closes)
			}
		})
	}
}

func TestRunOpenFails(t *testing.T) {
	fake := newFake(t, nil)
	fake.openErr = errors.New("no server")
	res, fails := run(t, &Runner{Open: fake.Open}, crashScript)
	require.Equal(t, FileResult{File: "t.test", Executed: 4, Failed: 4, Skipped: 1, Crash: res.Crash, CrashLine: 2}, res)
	require.ErrorIs(t, res.Crash, ErrEngineDown)
	require.Len(t, fails, 4)
}

func TestRunOpenTooLate(t *testing.T) {
	fake := newFake(t, nil)
	fake.slowOpen = true
	fake.closed = make(chan struct{}, 1)
	res, _ := run(t, &Runner{Open: fake.Open, Timeout: 20 * time.Millisecond}, crashScript)
	require.ErrorIs(t, res.Crash, ErrTimeout)
	require.Equal(t, 4, res.Failed)
	<-fake.closed // the engine that arrived late is closed, not leaked
}

func TestRunCanceled(t *testing.T) {
	fake := newFake(t, nil)
	s, err := Parse("t.test", []byte("statement ok\nSELECT 1\n"))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = (&Runner{Open: fake.Open}).RunScript(ctx, s)
	require.ErrorIs(t, err, context.Canceled)
}

func TestRunFileAndCollect(t *testing.T) {
	fsys := vfs.NewMem()
	write := func(name, content string) {
		require.NoError(t, fsys.MkdirAll(name[:strings.LastIndex(name, "/")], 0o755))
		f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
		require.NoError(t, err)
		_, err = f.WriteAt([]byte(content), 0)
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	write("/c/sqllogictest/b.test", "statement ok\nSELECT 1\n")
	write("/c/sqllogictest/sub/a.test", "query I\nSELECT 1\n----\n1\n")
	write("/c/sqllogictest/sub/notes.txt", "not a script")
	write("/c/sqllogictest/bad.test", "nonsense\n")
	write("/c/sqllogictest/"+BaselineName, "file\trecords_run\tpassed\tskipped_by_directives\tpass_pct\tmain_failure_kinds\n"+
		"sub/a.test\t1\t1\t0\t100.00\t\nb.test\t1\t0\t2\t0.00\tstmt:x x1\nTOTAL\t2\t1\t2\t50.0\t\n")
	write("/c/other.txt", "given by name, so taken")

	files, err := CollectFiles(fsys, []string{"/c/sqllogictest", "/c/other.txt"})
	require.NoError(t, err)
	require.Equal(t, []string{"/c/sqllogictest/b.test", "/c/sqllogictest/bad.test", "/c/sqllogictest/sub/a.test", "/c/other.txt"}, files)
	_, err = CollectFiles(fsys, []string{"/c/missing"})
	require.Error(t, err)

	fake := newFake(t, map[string]fakeResp{"SELECT 1": {rows: ints("1")}})
	r := &Runner{Open: fake.Open, FS: fsys}
	res, err := r.RunFile(context.Background(), "/c/sqllogictest/sub/a.test")
	require.NoError(t, err)
	require.Equal(t, 1, res.Passed)
	_, err = r.RunFile(context.Background(), "/c/sqllogictest/bad.test")
	var pe *ParseError
	require.ErrorAs(t, err, &pe)

	bpath, rel, ok := FindBaseline(fsys, "/c/sqllogictest/sub/a.test")
	require.True(t, ok)
	require.Equal(t, "/c/sqllogictest/"+BaselineName, bpath)
	require.Equal(t, "sub/a.test", rel)
	_, _, ok = FindBaseline(fsys, "/c/other.txt")
	require.False(t, ok)

	base, err := LoadBaseline(fsys, bpath)
	require.NoError(t, err)
	require.Equal(t, map[string]BaselineEntry{
		"sub/a.test": {File: "sub/a.test", Executed: 1, Passed: 1},
		"b.test":     {File: "b.test", Executed: 1, Passed: 0, Skipped: 2, Failures: "stmt:x x1"},
	}, base)
}
