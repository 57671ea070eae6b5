package tusk

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDriverPointQueryReuse: the database/sql point-query path (a
// prepared statement by primary key: the cached plan, the fused index
// scan lending its row to driverRows.Next, the session's reused statement
// memory) returns the right values every time, values scanned earlier
// stay as they were, and each Rows has its own Columns slice.
func TestDriverPointQueryReuse(t *testing.T) {
	sdb, err := sql.Open("tusk", "memory:?shared_buffers=16MB")
	require.NoError(t, err)
	defer sdb.Close()
	for _, q := range []string{
		"CREATE TABLE t (id int PRIMARY KEY, k int NOT NULL, v int, pad text, b bytea)",
		"INSERT INTO t SELECT i, i * 7919 % 1000, CASE WHEN i % 5 = 0 THEN NULL ELSE i % 1000 END, 'row ' || i, CAST('x' || i AS bytea) FROM generate_series(1, 2000) AS s(i)",
		"ANALYZE t",
	} {
		_, err := sdb.Exec(q)
		require.NoError(t, err, q)
	}
	st, err := sdb.Prepare("SELECT k, v, pad, b FROM t WHERE id = $1")
	require.NoError(t, err)
	defer st.Close()
	type res struct {
		k   int
		v   sql.NullInt64
		pad string
		b   []byte
	}
	var got []res
	for i := 1; i <= 300; i++ {
		id := i * 37 % 2000
		if id == 0 {
			id = 2000
		}
		var r res
		require.NoError(t, st.QueryRow(id).Scan(&r.k, &r.v, &r.pad, &r.b))
		got = append(got, r)
	}
	for i, r := range got {
		id := (i + 1) * 37 % 2000
		if id == 0 {
			id = 2000
		}
		want := res{k: id * 7919 % 1000, pad: fmt.Sprintf("row %d", id), b: []byte(fmt.Sprintf("x%d", id))}
		if id%5 != 0 {
			want.v = sql.NullInt64{Int64: int64(id % 1000), Valid: true}
		}
		require.Equal(t, want, r, "id %d", id)
	}
	var k int
	require.ErrorIs(t, st.QueryRow(99999).Scan(&k, new(any), new(any), new(any)), sql.ErrNoRows)

	// Columns: the names of each query's own columns, whatever ran
	// between.
	rows1, err := st.Query(1)
	require.NoError(t, err)
	cols1, err := rows1.Columns()
	require.NoError(t, err)
	require.Equal(t, []string{"k", "v", "pad", "b"}, cols1)
	require.NoError(t, rows1.Close())
	rows3, err := sdb.Query("SELECT pad AS p, id FROM t WHERE id = $1", 3)
	require.NoError(t, err)
	cols3, err := rows3.Columns()
	require.NoError(t, err)
	require.Equal(t, []string{"p", "id"}, cols3)
	require.NoError(t, rows3.Close())
	rows2, err := st.Query(2)
	require.NoError(t, err)
	cols2, err := rows2.Columns()
	require.NoError(t, err)
	require.Equal(t, []string{"k", "v", "pad", "b"}, cols2)
	require.Equal(t, []string{"k", "v", "pad", "b"}, cols1)
	require.Equal(t, []string{"p", "id"}, cols3)
	require.True(t, rows2.Next())
	var r res
	require.NoError(t, rows2.Scan(&r.k, &r.v, &r.pad, &r.b))
	require.False(t, rows2.Next())
	require.NoError(t, rows2.Err())
	require.Equal(t, "row 2", r.pad)
}
