package session

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tuskdb/tusk/internal/instance"
	"github.com/tuskdb/tusk/vfs"
)

// testClock is an instance clock that moves only when told.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// dbSessionStats reads pg_stat_database's session columns through their
// functions (the views come with the database's bootstrap, above this
// package).
const dbSessionStats = "SELECT pg_stat_get_db_sessions(d.oid), pg_stat_get_db_session_time(d.oid), " +
	"pg_stat_get_db_active_time(d.oid), pg_stat_get_db_idle_in_transaction_time(d.oid), " +
	"pg_stat_get_db_sessions_abandoned(d.oid), pg_stat_get_db_sessions_fatal(d.oid), " +
	"pg_stat_get_db_sessions_killed(d.oid) FROM pg_database d WHERE datname = current_database()"

// TestSessionEndStats: pg_stat_database counts the time sessions spent in
// all, active and idle in a transaction, from their state changes, and
// how they ended: terminated (killed), crashed (fatal), closed inside a
// transaction block (abandoned).
func TestSessionEndStats(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	inst, err := instance.Open(instance.Options{FS: vfs.NewMem(), Dir: "/data", SharedBuffers: 1 << 20, Now: clock.now})
	require.NoError(t, err)
	defer inst.Close()
	newSession := func() *Session {
		st, err := NewSettings(nil)
		require.NoError(t, err)
		return New(inst, st)
	}
	var slowOnce sync.Once
	TestHookInterrupt = func(pid int32, query string) {
		if strings.Contains(query, "/*slow*/") {
			slowOnce.Do(func() { clock.advance(5 * time.Second) })
		}
		if strings.Contains(query, "/*crash*/") {
			panic("test-only crash")
		}
	}
	defer func() { TestHookInterrupt = nil }()

	s1 := newSession()
	clock.advance(time.Second) // idle: only session time
	seqExec(t, s1, "BEGIN")
	clock.advance(2 * time.Second)                                           // idle in transaction
	seqExec(t, s1, "SELECT count(*) FROM generate_series(1, 5000) /*slow*/") // active 5s
	clock.advance(4 * time.Second)                                           // idle in transaction
	seqExec(t, s1, "COMMIT")                                                 // reported when idle

	s2 := newSession()
	defer s2.Close()
	require.Equal(t, "2|12000|5000|6000|0|0|0", seqExec(t, s2, dbSessionStats))

	// Closed inside a transaction block: abandoned.
	seqExec(t, s1, "BEGIN")
	clock.advance(time.Second)
	require.NoError(t, s1.Close())
	require.Equal(t, "2|13000|5000|7000|1|0|0", seqExec(t, s2, dbSessionStats))

	// Terminated: killed.
	s3 := newSession()
	seqExec(t, s3, "SELECT 1")
	pid := strconv.Itoa(int(s3.Backend().PID))
	require.Equal(t, "t", seqExec(t, s2, "SELECT pg_terminate_backend("+pid+")"))
	require.True(t, s3.Terminated())
	// s2 lived 1s more: its time is added after its query above.
	require.Equal(t, "3|14000|5000|7000|1|0|1", seqExec(t, s2, dbSessionStats))

	// Crashed: fatal.
	s4 := newSession()
	seqExec(t, s4, "SELECT 1")
	_, err = s4.Query(context.Background(), "SELECT count(*) FROM generate_series(1, 5000) /*crash*/", nil)
	if err == nil {
		c := s4.cursor
		if c != nil {
			_, err = c.Next()
		}
	}
	require.Error(t, err)
	require.False(t, s4.Usable())
	require.Equal(t, "4|14000|5000|7000|1|1|1", seqExec(t, s2, dbSessionStats))

	// A normal close counts nothing more; a second close nothing either.
	s5 := newSession()
	seqExec(t, s5, "SELECT 1")
	require.NoError(t, s5.Close())
	require.NoError(t, s5.Close())
	require.NoError(t, s4.Close())
	require.Equal(t, "5|14000|5000|7000|1|1|1", seqExec(t, s2, dbSessionStats))
}
