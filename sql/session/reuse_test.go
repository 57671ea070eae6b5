package session

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/instance"
	"github.com/tuskdb/tusk/sql/types"
	"github.com/tuskdb/tusk/vfs"
)

// TestStatementReuse (S12): a statement reuses the memory of the previous
// one (executor frame, snapshot, transaction, statement context) only
// once nothing can reach it: rows and closed cursors a caller kept stay
// as they were, each READ COMMITTED statement sees the commits before it,
// and a reused transaction is a new one (its own xid, its changes
// invisible to others until it commits).
func TestStatementReuse(t *testing.T) {
	ctx := context.Background()
	inst, err := instance.Open(instance.Options{FS: vfs.NewMem(), Dir: "/data", SharedBuffers: 1 << 20})
	require.NoError(t, err)
	defer inst.Close()
	newSession := func() *Session {
		st, err := NewSettings(nil)
		require.NoError(t, err)
		return New(inst, st)
	}
	s1, s2 := newSession(), newSession()
	defer s1.Close()
	defer s2.Close()

	seqExec(t, s1, "CREATE TABLE t (id int PRIMARY KEY, k int NOT NULL, pad text)")
	seqExec(t, s1, "INSERT INTO t SELECT i, i * 7, 'row ' || i FROM generate_series(1, 300) AS s(i)")
	seqExec(t, s1, "ANALYZE t")

	const point = "SELECT k, pad FROM t WHERE id = $1"
	// Rows kept from many executions (custom plans, then the cached
	// generic one) are not overwritten by the later ones.
	var kept [][]types.Datum
	var cursors []*Cursor
	for i := 1; i <= 40; i++ {
		c, err := s1.Query(ctx, point, []any{i * 7 % 300})
		require.NoError(t, err)
		row, err := c.Next()
		require.NoError(t, err)
		require.NotNil(t, row)
		kept = append(kept, row)
		end, err := c.Next()
		require.NoError(t, err)
		require.Nil(t, end)
		require.NoError(t, c.Close())
		cursors = append(cursors, c)
	}
	// The executions reused memory (what this test is about).
	require.NotNil(t, s1.memFree)
	require.NotNil(t, s1.snapFree)
	require.NotNil(t, s1.xactFree)
	for i, row := range kept {
		id := int64((i + 1) * 7 % 300)
		require.Equal(t, []types.Datum{id * 7, fmt.Sprintf("row %d", id)}, row, "execution %d", i+1)
		require.Equal(t, "SELECT 1", cursors[i].Tag())
	}

	// A cursor that lends its rows: each is right when read.
	c, err := s1.QueryCursor(ctx, "SELECT id, k FROM t WHERE id = $1", []any{5}, new(Cursor))
	require.NoError(t, err)
	c.LendRows()
	row, err := c.Next()
	require.NoError(t, err)
	require.Equal(t, []types.Datum{int64(5), int64(35)}, row)
	require.NoError(t, c.Close())

	// Each READ COMMITTED statement takes its snapshot anew (into reused
	// memory): it sees what committed before it and nothing after.
	count := func(s *Session) string { return seqExec(t, s, "SELECT count(*) FROM t WHERE id > 1000") }
	for i := 1; i <= 5; i++ {
		require.Equal(t, fmt.Sprint(i-1), count(s1))
		seqExec(t, s2, fmt.Sprintf("INSERT INTO t VALUES (%d, 0, 'x')", 1000+i))
		require.Equal(t, fmt.Sprint(i), count(s1))
	}

	// A reused transaction is a new one: its writes stay invisible to
	// s2 until it commits, and each gets its own xid.
	var xids []base.XID
	for i := 1; i <= 3; i++ {
		seqExec(t, s1, "BEGIN")
		seqExec(t, s1, fmt.Sprintf("INSERT INTO t VALUES (%d, 0, 'y')", 2000+i))
		xid := s1.Backend().Status().XID // backend_xid, idle in transaction
		require.True(t, xid.IsValid())
		xids = append(xids, xid)
		require.Equal(t, fmt.Sprint(i-1), seqExec(t, s2, "SELECT count(*) FROM t WHERE id > 2000"))
		require.Equal(t, fmt.Sprint(i), seqExec(t, s1, "SELECT count(*) FROM t WHERE id > 2000"))
		if i == 2 {
			seqExec(t, s1, "ROLLBACK")
			require.Equal(t, "1", seqExec(t, s2, "SELECT count(*) FROM t WHERE id > 2000"))
			seqExec(t, s1, fmt.Sprintf("INSERT INTO t VALUES (%d, 0, 'y')", 2000+i)) // implicit
			continue
		}
		seqExec(t, s1, "COMMIT")
		require.Equal(t, fmt.Sprint(i), seqExec(t, s2, "SELECT count(*) FROM t WHERE id > 2000"))
	}
	require.NotEqual(t, xids[0], xids[1])
	require.NotEqual(t, xids[1], xids[2])

	// A statement that fails gives nothing back; the next ones still run.
	_, err = s1.Query(ctx, "SELECT 1/0 FROM t WHERE id = $1", []any{1})
	if err == nil {
		t.Fatal("division by zero did not fail")
	}
	require.Equal(t, "7|row 1", seqExec(t, s1, "SELECT k, pad FROM t WHERE id = 1"))
}
