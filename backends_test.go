package tusk

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/sql/session"
)

// Tests of sessions as backends: pg_backend_pid, pg_stat_activity,
// pg_terminate_backend, pg_cancel_backend, context cancellation and a
// backend crash (sql/session S9-S11, internal/instance BK1-BK4).

// longQuery runs until it is cancelled: a cross join of two big series.
const longQuery = "SELECT count(*) FROM generate_series(1, 1000000) a CROSS JOIN generate_series(1, 1000000) b"

// runningHook installs session.TestHookInterrupt for the test: the
// returned channel is closed when a statement whose text contains marker
// reaches its first interrupt check, that is, runs.
func runningHook(t *testing.T, marker string) <-chan struct{} {
	started := make(chan struct{})
	var once sync.Once
	session.TestHookInterrupt = func(pid int32, query string) {
		if strings.Contains(query, marker) {
			once.Do(func() { close(started) })
		}
	}
	t.Cleanup(func() { session.TestHookInterrupt = nil })
	return started
}

// runTargetQuery starts longQuery, marked /*target*/, on tx in a goroutine
// and returns once it runs; the channel receives the query's error.
func runTargetQuery(t *testing.T, tx *Tx) <-chan error {
	started := runningHook(t, "/*target*/")
	done := make(chan error, 1)
	go func() {
		_, err := tx.Exec(ctx, longQuery+" /*target*/")
		done <- err
	}()
	<-started
	return done
}

// signalBackend runs "SELECT call" with pid as $1 (call is
// pg_cancel_backend or pg_terminate_backend) and requires it to say true.
func signalBackend(t *testing.T, db *DB, call string, pid int32) {
	t.Helper()
	var ok bool
	require.NoError(t, db.QueryRow(ctx, "SELECT "+call, pid).Scan(&ok), call)
	require.True(t, ok, call)
}

func backendPID(t *testing.T, tx *Tx) int32 {
	t.Helper()
	var pid int32
	require.NoError(t, tx.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid))
	require.Greater(t, pid, int32(0))
	return pid
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (*Rows, error)
}

func activityOf(t *testing.T, db querier, pid int32) map[string]*string {
	t.Helper()
	rows, err := db.Query(ctx, "SELECT * FROM pg_stat_activity WHERE pid = $1", pid)
	require.NoError(t, err)
	defer rows.Close()
	if !rows.Next() {
		require.NoError(t, rows.Err())
		return nil
	}
	out := map[string]*string{}
	for i, c := range rows.Columns() {
		out[c] = rows.Text()[i]
	}
	require.False(t, rows.Next(), "two backends with pid %d", pid)
	return out
}

func str(p *string) string {
	if p == nil {
		return "NULL"
	}
	return *p
}

// pg_stat_activity shows each session's state as another session sees it:
// idle in transaction, idle in transaction (aborted), active for the
// querying backend itself; the WAL writer is a background backend.
func TestStatActivityStates(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY, v text)")
	require.NoError(t, err)

	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	pid := backendPID(t, tx)
	_, err = tx.Exec(ctx, "INSERT INTO t VALUES (1, 'a')")
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "SET application_name = 'tusk-test'")
	require.NoError(t, err)

	a := activityOf(t, db, pid)
	require.NotNil(t, a)
	require.Equal(t, "idle in transaction", str(a["state"]))
	require.Equal(t, "SET application_name = 'tusk-test'", str(a["query"]))
	require.Equal(t, "tusk-test", str(a["application_name"]))
	require.Equal(t, "client backend", str(a["backend_type"]))
	require.Equal(t, "postgres", str(a["usename"]))
	require.Equal(t, "tusk", str(a["datname"]))
	require.Equal(t, "NULL", str(a["client_addr"]))
	require.NotEqual(t, "NULL", str(a["backend_xid"]), "the insert assigned an xid")
	require.NotEqual(t, "NULL", str(a["xact_start"]))
	require.NotEqual(t, "NULL", str(a["backend_start"]))
	require.Equal(t, "NULL", str(a["wait_event"]))
	var xactBefore bool
	require.NoError(t, db.QueryRow(ctx, "SELECT xact_start <= query_start AND query_start <= state_change FROM pg_stat_activity WHERE pid = $1", pid).Scan(&xactBefore))
	require.True(t, xactBefore)

	_, err = tx.Exec(ctx, "SELECT 1/0")
	require.Error(t, err)
	a = activityOf(t, db, pid)
	require.Equal(t, "idle in transaction (aborted)", str(a["state"]))
	require.NoError(t, tx.Rollback())

	// The querying backend sees itself active, running this very query.
	var state, query string
	var self int32
	require.NoError(t, db.QueryRow(ctx, "SELECT pid, state, query FROM pg_stat_activity WHERE pid = pg_backend_pid()").Scan(&self, &state, &query))
	require.Equal(t, "active", state)
	require.Equal(t, "SELECT pid, state, query FROM pg_stat_activity WHERE pid = pg_backend_pid()", query)

	// Idle after the transaction ended, as an observer on another session
	// sees it: xact_start and backend_xid are gone.
	obs, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	defer obs.Rollback()
	if backendPID(t, obs) == pid { // the pool handed the session out again
		other, err := db.Begin(ctx, TxOptions{})
		require.NoError(t, err)
		require.NoError(t, obs.Rollback())
		obs = other
	}
	a = activityOf(t, obs, pid)
	require.Equal(t, "idle", str(a["state"]))
	require.Equal(t, "NULL", str(a["xact_start"]))
	require.Equal(t, "NULL", str(a["backend_xid"]))
	require.Equal(t, "NULL", str(a["backend_xmin"]))
	require.NoError(t, obs.Rollback())

	var walwriters int
	require.NoError(t, db.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walwriter' AND state IS NULL AND datid IS NULL AND wait_event = 'WalWriterMain'").Scan(&walwriters))
	require.Equal(t, 1, walwriters)

	// pids are unique among live backends.
	var dup int
	require.NoError(t, db.QueryRow(ctx, "SELECT count(*) - count(DISTINCT pid) FROM pg_stat_activity").Scan(&dup))
	require.Equal(t, 0, dup)

	// Unknown pids: false (with a WARNING in the log), NULL for NULL.
	var ok1, ok2 bool
	require.NoError(t, db.QueryRow(ctx, "SELECT pg_cancel_backend(1), pg_terminate_backend(1)").Scan(&ok1, &ok2))
	require.False(t, ok1)
	require.False(t, ok2)
	var isNull bool
	require.NoError(t, db.QueryRow(ctx, "SELECT pg_terminate_backend(NULL) IS NULL").Scan(&isNull))
	require.True(t, isNull)
	_, err = db.Exec(ctx, "SELECT pg_terminate_backend(1, -1)")
	require.Equal(t, "22023", ErrorCode(err))
}

// pg_terminate_backend ends a session running a long query: the query
// stops with 57P01, its transaction rolls back, later calls fail with
// 57P01 and the backend leaves pg_stat_activity.
func TestTerminateRunningQuery(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY)")
	require.NoError(t, err)

	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	pid := backendPID(t, tx)
	_, err = tx.Exec(ctx, "INSERT INTO t SELECT generate_series(1, 100)")
	require.NoError(t, err)
	done := runTargetQuery(t, tx)
	a := activityOf(t, db, pid)
	require.Equal(t, "active", str(a["state"]))
	require.Equal(t, longQuery+" /*target*/", str(a["query"]))

	signalBackend(t, db, "pg_terminate_backend($1)", pid)
	err = <-done
	require.Equal(t, "57P01", ErrorCode(err), "%v", err)
	require.Contains(t, err.Error(), "terminating connection due to administrator command")

	_, err = tx.Exec(ctx, "SELECT 1")
	require.Equal(t, "57P01", ErrorCode(err))
	require.Error(t, tx.Rollback())

	var n int
	require.NoError(t, db.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n))
	require.Equal(t, 0, n, "the terminated transaction rolled back")
	require.Nil(t, activityOf(t, db, pid))
	require.NoError(t, db.inst.CheckNoPins())
}

// pg_terminate_backend of a session idle in a transaction rolls the
// transaction back at once: a session waiting for its row lock goes on.
func TestTerminateIdleInTransaction(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY, v int)")
	require.NoError(t, err)
	_, err = db.Exec(ctx, "INSERT INTO t VALUES (1, 0)")
	require.NoError(t, err)

	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	pid := backendPID(t, tx)
	_, err = tx.Exec(ctx, "UPDATE t SET v = 100 WHERE id = 1")
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "INSERT INTO t VALUES (2, 2)")
	require.NoError(t, err)

	// Another session waits for the row lock the idle transaction holds.
	waiter := make(chan error, 1)
	go func() {
		_, err := db.Exec(ctx, "UPDATE t SET v = v + 1 WHERE id = 1")
		waiter <- err
	}()

	signalBackend(t, db, "pg_terminate_backend($1)", pid)
	require.NoError(t, <-waiter)

	var v, n int
	require.NoError(t, db.QueryRow(ctx, "SELECT v FROM t WHERE id = 1").Scan(&v))
	require.Equal(t, 1, v, "the terminated update rolled back; the waiter's applied")
	require.NoError(t, db.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n))
	require.Equal(t, 1, n)
	require.Nil(t, activityOf(t, db, pid))

	_, err = tx.Exec(ctx, "SELECT 1")
	require.Equal(t, "57P01", ErrorCode(err))
	require.Error(t, tx.Commit())
	// The pool dropped the session: new calls work.
	require.NoError(t, db.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n))
	require.NoError(t, db.inst.CheckNoPins())
}

// pg_cancel_backend stops the running query with 57014; the session stays
// usable (its transaction block is aborted, as in PostgreSQL).
func TestCancelBackend(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()

	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	pid := backendPID(t, tx)
	done := runTargetQuery(t, tx)
	signalBackend(t, db, "pg_cancel_backend($1)", pid)
	err = <-done
	require.Equal(t, "57014", ErrorCode(err), "%v", err)
	require.Contains(t, err.Error(), "canceling statement due to user request")

	a := activityOf(t, db, pid)
	require.Equal(t, "idle in transaction (aborted)", str(a["state"]))
	_, err = tx.Exec(ctx, "ROLLBACK")
	require.NoError(t, err)
	require.Equal(t, pid, backendPID(t, tx), "same backend after the cancel")
	// Cancelling an idle backend does nothing to it.
	signalBackend(t, db, "pg_cancel_backend($1)", pid)
	var one int
	require.NoError(t, tx.QueryRow(ctx, "SELECT 1").Scan(&one))
	require.NoError(t, tx.Commit())
	require.NoError(t, db.inst.CheckNoPins())
}

// A query stops when its context is cancelled (57014); a sort and a hash
// join stop too, and nothing stays pinned.
func TestContextCancel(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	for i, q := range []string{
		longQuery,
		"SELECT a FROM generate_series(1, 100000000) a ORDER BY a DESC",
		"SELECT count(*) FROM generate_series(1, 100000000) a JOIN generate_series(1, 100000000) b ON a = b",
	} {
		marker := fmt.Sprintf("/*ctx%d*/", i)
		started := runningHook(t, marker)
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := db.Exec(cctx, q+" "+marker)
			done <- err
		}()
		<-started
		cancel()
		err := <-done
		require.Equal(t, "57014", ErrorCode(err), "%s: %v", q, err)
		require.NoError(t, db.inst.CheckNoPins())
	}
}

// The database/sql driver: a terminated conn reports 57P01, then
// database/sql drops it (driver.ErrBadConn semantics) and the pool goes on.
func TestDriverTerminate(t *testing.T) {
	dsn := t.TempDir()
	sdb, err := sql.Open("tusk", dsn)
	require.NoError(t, err)
	defer sdb.Close()
	conn, err := sdb.Conn(ctx)
	require.NoError(t, err)
	var pid int32
	require.NoError(t, conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid))
	var ok bool
	require.NoError(t, sdb.QueryRowContext(ctx, "SELECT pg_terminate_backend($1)", pid).Scan(&ok))
	require.True(t, ok)
	_, err = conn.ExecContext(ctx, "SELECT 1")
	require.Equal(t, "57P01", ErrorCode(err))
	require.NoError(t, conn.Close())
	var n int
	for i := 0; i < 3; i++ {
		require.NoError(t, sdb.QueryRowContext(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid).Scan(&n))
		require.Equal(t, 0, n)
	}
}

// pg_terminate_backend(pid, timeout) waits for the backend to be gone; a
// backend may terminate itself (its next call fails with 57P01).
func TestTerminateWithTimeoutAndSelf(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	pid := backendPID(t, tx)
	done := runTargetQuery(t, tx)
	var ok bool
	signalBackend(t, db, "pg_terminate_backend($1, 60000)", pid)
	require.Nil(t, activityOf(t, db, pid), "gone when pg_terminate_backend returned")
	require.Equal(t, "57P01", ErrorCode(<-done))

	self, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	spid := backendPID(t, self)
	// As in PostgreSQL, the statement itself ends with the FATAL 57P01.
	err = self.QueryRow(ctx, "SELECT pg_terminate_backend(pg_backend_pid())").Scan(&ok)
	require.Equal(t, "57P01", ErrorCode(err))
	_, err = self.Exec(ctx, "SELECT 1")
	require.Equal(t, "57P01", ErrorCode(err))
	require.Error(t, self.Rollback())
	require.Nil(t, activityOf(t, db, spid))
}
