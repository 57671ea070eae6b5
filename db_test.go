package tusk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var ctx = context.Background()

// checkNoLeaks fails if goroutines started by Tusk outlive Close.
func checkNoLeaks(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		var leaked []string
		for _, g := range strings.Split(string(buf[:n]), "\n\n") {
			if strings.Contains(g, "github.com/tuskdb/tusk/") && !strings.Contains(g, "testing.tRunner") &&
				!strings.Contains(g, "checkNoLeaks") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines leaked after Close:\n%s", strings.Join(leaked, "\n\n"))
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

func queryStrings(t *testing.T, db *DB, sql string, args ...any) [][]string {
	t.Helper()
	rows, err := db.Query(ctx, sql, args...)
	require.NoError(t, err)
	var out [][]string
	for rows.Next() {
		var line []string
		for _, v := range rows.Text() {
			if v == nil {
				line = append(line, "NULL")
			} else {
				line = append(line, *v)
			}
		}
		out = append(out, line)
	}
	require.NoError(t, rows.Close())
	return out
}

func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	require.NoError(t, err)
	_, err = db.Exec(ctx, "CREATE TABLE users (id int8 PRIMARY KEY, name text NOT NULL, age int4, active bool)")
	require.NoError(t, err)
	res, err := db.Exec(ctx, "INSERT INTO users VALUES (1, 'ada', 36, true), (2, 'bob', NULL, false), (3, 'cy', 20, true)")
	require.NoError(t, err)
	require.Equal(t, "INSERT 0 3", res.Tag)
	require.Equal(t, [][]string{{"ada", "36"}}, queryStrings(t, db, "SELECT name, age FROM users WHERE id = 1"))
	require.Equal(t, [][]string{{"1"}, {"3"}}, queryStrings(t, db, "SELECT id FROM users WHERE active"))

	res, err = db.Exec(ctx, "UPDATE users SET age = age + 1 WHERE active = true")
	require.NoError(t, err)
	require.Equal(t, int64(2), res.RowsAffected)
	require.Equal(t, [][]string{{"1", "37"}, {"2", "NULL"}, {"3", "21"}}, sortRows(queryStrings(t, db, "SELECT id, age FROM users")))

	res, err = db.Exec(ctx, "DELETE FROM users WHERE name = $1", "bob")
	require.NoError(t, err)
	require.Equal(t, "DELETE 1", res.Tag)

	var name string
	var age int
	require.NoError(t, db.QueryRow(ctx, "SELECT name, age FROM users WHERE id = $1", 3).Scan(&name, &age))
	require.Equal(t, "cy", name)
	require.Equal(t, 21, age)
	require.ErrorIs(t, db.QueryRow(ctx, "SELECT name FROM users WHERE id = 99").Scan(&name), ErrNoRows)

	// Durable across Close and Open.
	require.NoError(t, db.Close())
	checkNoLeaks(t)
	db, err = Open(dir)
	require.NoError(t, err)
	defer db.Close()
	require.Equal(t, [][]string{{"1", "ada"}, {"3", "cy"}}, sortRows(queryStrings(t, db, "SELECT id, name FROM users")))
}

func sortRows(rows [][]string) [][]string {
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && strings.Join(rows[j], "\x00") < strings.Join(rows[j-1], "\x00"); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
	return rows
}

func TestTransactions(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE t (k int4, v text)")
	require.NoError(t, err)

	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "INSERT INTO t VALUES (1, 'a')")
	require.NoError(t, err)
	// Uncommitted rows are invisible to other sessions.
	require.Empty(t, queryStrings(t, db, "SELECT k FROM t"))
	require.NoError(t, tx.Rollback())
	require.Empty(t, queryStrings(t, db, "SELECT k FROM t"))

	tx, err = db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "INSERT INTO t VALUES (2, 'b')")
	require.NoError(t, err)
	var n int
	require.NoError(t, tx.QueryRow(ctx, "SELECT k FROM t WHERE v = 'b'").Scan(&n))
	require.Equal(t, 2, n)
	require.NoError(t, tx.Commit())
	require.Equal(t, [][]string{{"2", "b"}}, queryStrings(t, db, "SELECT k, v FROM t"))

	// An error inside a block fails the block until ROLLBACK (25P02).
	tx, err = db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "INSERT INTO t VALUES ('x', 'c')")
	require.Equal(t, "22P02", ErrorCode(err))
	_, err = tx.Exec(ctx, "INSERT INTO t VALUES (3, 'c')")
	require.Equal(t, "25P02", ErrorCode(err))
	require.ErrorIs(t, tx.Commit(), ErrTxAborted)
	require.Equal(t, [][]string{{"2"}}, queryStrings(t, db, "SELECT k FROM t"))

	// DDL is transactional.
	tx, err = db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "CREATE TABLE u (a int4)")
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "INSERT INTO u VALUES (1)")
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())
	_, err = db.Exec(ctx, "SELECT a FROM u")
	require.Equal(t, "42P01", ErrorCode(err))
}

func TestErrorsCarrySQLSTATE(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE users (id int4 NOT NULL, name text)")
	require.NoError(t, err)
	cases := []struct {
		sql, code string
	}{
		{"SELCT name FROM users", "42601"},
		{"SELECT naem FROM users", "42703"},
		{"SELECT name FROM nosuch", "42P01"},
		{"CREATE TABLE users (a int4)", "42P07"},
		{"INSERT INTO users VALUES (NULL, 'x')", "23502"},
		{"INSERT INTO users VALUES ('abc', 'x')", "22P02"},
		{"INSERT INTO users VALUES (99999999999, 'x')", "22003"},
		{"SELECT name FROM users WHERE id = 'a'", "22P02"},
		{"SELECT name FROM users WHERE id", "42804"},
		{"SELECT name FROM users WHERE name = 1", "42883"},
		{"SELECT 1 / 0", "22012"},
		{"SHOW no_such_setting", "42704"},
	}
	for _, c := range cases {
		_, err := db.Exec(ctx, c.sql)
		require.Error(t, err, c.sql)
		var te *Error
		require.True(t, errors.As(err, &te), "%s: %T", c.sql, err)
		require.Equal(t, c.code, string(te.Code), "%s: %v", c.sql, err)
	}
}

func TestSecondOpenIsRefused(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	require.NoError(t, err)
	_, err = Open(dir)
	require.Equal(t, "55006", ErrorCode(err))
	require.NoError(t, db.Close())
	db, err = Open(dir)
	require.NoError(t, err)
	require.NoError(t, db.Close())
}

func TestDatabaseSQLDriver(t *testing.T) {
	dir := t.TempDir()
	sdb, err := sql.Open("tusk", dir+"?synchronous_commit=off&shared_buffers=16MB")
	require.NoError(t, err)
	_, err = sdb.Exec("CREATE TABLE kv (k text, v int8)")
	require.NoError(t, err)
	for i := 0; i < 10; i++ {
		_, err = sdb.Exec("INSERT INTO kv VALUES ($1, $2)", fmt.Sprint("k", i), i*i)
		require.NoError(t, err)
	}
	var v int64
	require.NoError(t, sdb.QueryRow("SELECT v FROM kv WHERE k = $1", "k7").Scan(&v))
	require.Equal(t, int64(49), v)
	var setting string
	require.NoError(t, sdb.QueryRow("SHOW synchronous_commit").Scan(&setting))
	require.Equal(t, "off", setting)

	tx, err := sdb.Begin()
	require.NoError(t, err)
	_, err = tx.Exec("DELETE FROM kv WHERE v > 10")
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())
	rows, err := sdb.Query("SELECT k FROM kv")
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		n++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, 10, n)
	require.NoError(t, sdb.Close())
	checkNoLeaks(t)
}
