package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/slt"
	"github.com/tuskdb/tusk/vfs"
)

// fakeEngine answers SELECT 1 with 1 and fails on anything with BAD.
type fakeEngine struct{}

func (fakeEngine) Exec(_ context.Context, sql string) error {
	if strings.Contains(sql, "BAD") {
		return errors.New("syntax error")
	}
	return nil
}

func (e fakeEngine) Query(ctx context.Context, sql string) ([][]slt.Value, error) {
	if err := e.Exec(ctx, sql); err != nil {
		return nil, err
	}
	return [][]slt.Value{{slt.Text(slt.KindInt, "1")}}, nil
}

func (fakeEngine) Close() error { return nil }

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	require.NoError(t, vfs.Default.MkdirAll(filepath.Dir(name), 0o755))
	f, err := vfs.Default.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	require.NoError(t, err)
	_, err = f.WriteAt([]byte(content), 0)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

func TestRun(t *testing.T) {
	saved := openTusk
	openTusk = func(context.Context) (slt.Engine, error) { return fakeEngine{}, nil }
	t.Cleanup(func() { openTusk = saved })

	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.test"), "query I\nSELECT 1\n----\n1\n\nstatement ok\nBAD\n\nskipif postgresql\nstatement ok\nX\n")
	writeFile(t, filepath.Join(dir, "sub", "b.test"), "statement error\nBAD\n")
	writeFile(t, filepath.Join(dir, "sub", "readme.txt"), "not a script")
	writeFile(t, filepath.Join(dir, slt.BaselineName),
		"file\trecords_run\tpassed\tskipped_by_directives\tpass_pct\tmain_failure_kinds\n"+
			"a.test\t2\t2\t1\t100.00\t\nsub/b.test\t1\t1\t0\t100.00\t\n")
	failures := filepath.Join(dir, "failures.txt")

	var stdout, stderr bytes.Buffer
	code := run([]string{"-baseline", "-failures", failures, dir}, &stdout, &stderr)
	require.Equal(t, 1, code, "a baseline difference exits 1; stderr: %s", stderr.String())
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	require.Equal(t, []string{
		dir + "/a.test: executed 2, passed 1, failed 1, skipped 1",
		"baseline: " + dir + "/a.test: passed 1 (PG15 2, -1), executed 2 (PG15 2), skipped 1 (PG15 1)",
		dir + "/sub/b.test: executed 1, passed 1, failed 0, skipped 0",
		"baseline: 1 files match PG15, 1 differ, 0 not in the baseline",
		"2 passed, 1 failed, 1 skipped",
	}, lines)

	got, err := slt.ReadFile(vfs.Default, failures)
	require.NoError(t, err)
	require.Equal(t, dir+"/a.test:6: statement\nBAD\nexpected: ok\ngot error: syntax error\n\n", string(got))

	// without -baseline, failing records alone exit 0
	stdout.Reset()
	require.Equal(t, 0, run([]string{filepath.Join(dir, "a.test")}, &stdout, &stderr))
	require.True(t, strings.HasSuffix(stdout.String(), "\n1 passed, 1 failed, 1 skipped\n"), stdout.String())

	// a script that does not parse, and a missing path, exit 2
	writeFile(t, filepath.Join(dir, "bad.test"), "nonsense\n")
	stdout.Reset()
	require.Equal(t, 2, run([]string{filepath.Join(dir, "bad.test")}, &stdout, &stderr))
	require.Contains(t, stdout.String(), "unknown record type")
	require.Equal(t, 2, run([]string{filepath.Join(dir, "missing")}, &stdout, &stderr))
	require.Equal(t, 2, run(nil, &stdout, &stderr))
}

// TestTuskEngine runs a tiny script on the real Tusk engine: the adapter
// must map Tusk's rows and errors to what the runner expects.
func TestTuskEngine(t *testing.T) {
	src := "statement ok\nCREATE TABLE t1(a INTEGER, b INTEGER)\n\n" +
		"statement ok\nINSERT INTO t1 VALUES(2, 20), (1, NULL)\n\n" +
		"query II rowsort\nSELECT a, b FROM t1\n----\n1\nNULL\n2\n20\n\n" +
		"query T\nSELECT 'x'\n----\nx\n\n" +
		"statement error\nSELEC 1\n"
	s, err := slt.Parse("tusk.test", []byte(src))
	require.NoError(t, err)
	r := &slt.Runner{Open: openTuskEngine, OnFailure: func(f *slt.Failure) {
		t.Errorf("line %d: got %q, error %v", f.Line, f.Got, f.Err)
	}}
	res, err := r.RunScript(context.Background(), s)
	require.NoError(t, err)
	require.Equal(t, slt.FileResult{File: "tusk.test", Executed: 5, Passed: 5}, res)
}
