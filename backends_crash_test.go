package tusk

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/sql/session"
)

// A panic inside one session's statement is a backend crash (session S11):
// the statement fails with XX000, the panic and its stack go to the log,
// the transaction rolls back, the session is gone, and the sessions
// writing at the same time all finish and commit. Afterwards no buffer is
// pinned and the heap, the index and the pages check out.
func TestBackendCrashIsolation(t *testing.T) {
	var logMu sync.Mutex
	var logged []string
	db, err := Open("", WithLogf(func(format string, args ...any) {
		logMu.Lock()
		logged = append(logged, fmt.Sprintf(format, args...))
		logMu.Unlock()
	}))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY, w int, v int)")
	require.NoError(t, err)

	// The crashing statement panics at its third interrupt check, that is
	// after some thousands of rows were inserted.
	var checks atomic.Int32
	session.TestHookInterrupt = func(pid int32, query string) {
		if strings.Contains(query, "/*crash*/") && checks.Add(1) == 3 {
			panic("test-only crash in the middle of a statement")
		}
	}
	defer func() { session.TestHookInterrupt = nil }()

	const writers, perWriter = 4, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter+1)
	start := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			<-start
			for i := 0; i < perWriter; i++ {
				tx, err := db.Begin(ctx, TxOptions{})
				if err != nil {
					errs <- err
					return
				}
				id := w*1000 + i
				if _, err := tx.Exec(ctx, "INSERT INTO t VALUES ($1, $2, 0)", id, w); err != nil {
					errs <- err
					tx.Rollback()
					return
				}
				if _, err := tx.Exec(ctx, "UPDATE t SET v = v + 1 WHERE id = $1", id); err != nil {
					errs <- err
					tx.Rollback()
					return
				}
				if err := tx.Commit(); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}

	crashTx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	pid := backendPID(t, crashTx)
	_, err = crashTx.Exec(ctx, "INSERT INTO t VALUES (-1, -1, -1)")
	require.NoError(t, err)
	// The crashing transaction holds the catalog (DDL) lock too.
	_, err = crashTx.Exec(ctx, "CREATE TABLE crash_tmp (a int)")
	require.NoError(t, err)
	close(start)
	_, err = crashTx.Exec(ctx, "INSERT INTO t SELECT g, -1, -1 FROM generate_series(100000, 200000) g /*crash*/")
	require.Equal(t, "XX000", ErrorCode(err), "%v", err)
	require.Contains(t, err.Error(), "test-only crash in the middle of a statement")
	_, err = crashTx.Exec(ctx, "SELECT 1")
	require.Error(t, err, "the crashed session is gone")
	require.Error(t, crashTx.Commit())

	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err, "a concurrent writer failed")
	}

	var n, crashed, sumV, distinct int
	require.NoError(t, db.QueryRow(ctx, "SELECT count(*), count(*) FILTER (WHERE w = -1), coalesce(sum(v), 0), count(DISTINCT id) FROM t").
		Scan(&n, &crashed, &sumV, &distinct))
	require.Equal(t, writers*perWriter, n)
	require.Equal(t, 0, crashed, "the crashed transaction rolled back")
	require.Equal(t, writers*perWriter, sumV)
	require.Equal(t, n, distinct)
	require.Nil(t, activityOf(t, db, pid), "the crashed backend left pg_stat_activity")

	logMu.Lock()
	all := strings.Join(logged, "\n")
	logMu.Unlock()
	require.Contains(t, all, "test-only crash in the middle of a statement")
	require.Contains(t, all, fmt.Sprintf("PID %d", pid))
	require.Contains(t, all, "goroutine", "the stack is logged")
	require.Contains(t, all, "/*crash*/", "the failed query is logged")

	require.NoError(t, db.inst.CheckNoPins())
	require.NoError(t, db.inst.Pool.Check())
	_, err = db.Exec(ctx, "SELECT bt_index_check(c.oid) FROM pg_class c WHERE c.relname = 't_pkey'")
	require.NoError(t, err)
	// Every writer's last row reads back.
	for w := 0; w < writers; w++ {
		var v int
		require.NoError(t, db.QueryRow(ctx, "SELECT v FROM t WHERE id = $1", w*1000+perWriter-1).Scan(&v))
		require.Equal(t, 1, v)
	}
	require.NoError(t, db.inst.Check())
	// Writes and DDL go on after the crash: the DDL lock was released and
	// the crashed transaction's table is gone.
	_, err = db.Exec(ctx, "INSERT INTO t VALUES (-5, 0, 0)")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "SELECT * FROM crash_tmp")
	require.Equal(t, "42P01", ErrorCode(err))
	_, err = db.Exec(ctx, "CREATE TABLE crash_tmp (a int)")
	require.NoError(t, err)
}
