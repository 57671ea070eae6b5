package tusk

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/session"
)

// Enforcement of CHECK and FOREIGN KEY constraints. The golden scripts
// testdata/constraints/*.txt have the format of testdata/ddl (see
// ddl_test.go); their expected outputs are PostgreSQL 15's, produced by
// running the same records on a PostgreSQL server, so they are not
// rewritten from Tusk's output. The tests below them cover what a script
// cannot: the API's error values and concurrent sessions.

func TestConstraintScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/constraints/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			_, recs := parseDDLScript(t, path)
			db, err := Open("")
			require.NoError(t, err)
			defer db.Close()
			sessions := map[string]*session.Session{}
			defer func() {
				for _, s := range sessions {
					db.release(s)
				}
			}()
			for i, r := range recs {
				s := sessions[r.session]
				if s == nil {
					s, err = db.session()
					require.NoError(t, err)
					sessions[r.session] = s
				}
				require.Equal(t, r.want, runDDL(s, r.sql), "%s record %d:\n%s", path, i+1, r.sql)
			}
		})
	}
}

// pgError returns err as a *pgerr.Error, failing t if it is not one.
func pgError(t *testing.T, err error) *pgerr.Error {
	t.Helper()
	var pe *pgerr.Error
	require.True(t, errors.As(err, &pe), "not a *pgerr.Error: %v", err)
	return pe
}

// TestConstraintErrorValues checks the errors through the API: SQLSTATE,
// message and detail as PostgreSQL 15 reports them, and that a failed
// statement leaves no row behind. COPY FROM goes through the same checks;
// a foreign key is checked after the last row, out of COPY's line context.
func TestConstraintErrorValues(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, `CREATE TABLE p (a int PRIMARY KEY);
		CREATE TABLE t (id int CHECK (id > 0), b int REFERENCES p ON DELETE CASCADE);
		CREATE TABLE r (b int REFERENCES p);
		INSERT INTO p VALUES (1), (2)`)
	require.NoError(t, err)
	s, err := db.session()
	require.NoError(t, err)
	defer db.release(s)
	copyIn := func(sql, data string) error {
		_, err := s.CopyFrom(ctx, sql, strings.NewReader(data))
		return err
	}
	for _, tc := range []struct {
		name, code, msg, detail string
		run                     func() error
	}{
		{"check", "23514", `new row for relation "t" violates check constraint "t_id_check"`, "Failing row contains (0, 1).",
			func() error { _, err := db.Exec(ctx, "INSERT INTO t VALUES (1, 1), (0, 1)"); return err }},
		{"fk insert", "23503", `insert or update on table "t" violates foreign key constraint "t_b_fkey"`, `Key (b)=(5) is not present in table "p".`,
			func() error { _, err := db.Exec(ctx, "INSERT INTO t VALUES ($1, $2)", 1, 5); return err }},
		{"fk restrict", "23503", `update or delete on table "p" violates foreign key constraint "r_b_fkey" on table "r"`, `Key (a)=(2) is still referenced from table "r".`,
			func() error {
				if _, err := db.Exec(ctx, "INSERT INTO r VALUES (2)"); err != nil {
					return err
				}
				_, err := db.Exec(ctx, "DELETE FROM p WHERE a = 2")
				return err
			}},
		{"copy check", "23514", `new row for relation "t" violates check constraint "t_id_check"`, "Failing row contains (-1, 1).\nCOPY t, line 2: \"-1\t1\"",
			func() error { return copyIn("COPY t FROM STDIN", "1\t1\n-1\t1\n") }},
		{"copy fk", "23503", `insert or update on table "t" violates foreign key constraint "t_b_fkey"`, `Key (b)=(9) is not present in table "p".`,
			func() error { return copyIn("COPY t FROM STDIN", "1\t1\n2\t9\n3\t2\n") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			require.Error(t, err)
			require.Equal(t, tc.code, ErrorCode(err))
			pe := pgError(t, err)
			require.Equal(t, tc.msg, pe.Message)
			require.Equal(t, tc.detail, pe.Detail)
		})
	}
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM t"))
	require.Equal(t, [][]string{{"1"}, {"2"}}, queryStrings(t, db, "SELECT a FROM p ORDER BY a"))
	// COPY rows that pass are checked and kept; a cascade reaches them.
	require.NoError(t, copyIn("COPY t FROM STDIN", "1\t1\n2\t\\N\n3\t2\n"))
	_, err = db.Exec(ctx, "DELETE FROM p WHERE a = 1")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"2", "NULL"}, {"3", "2"}}, queryStrings(t, db, "SELECT * FROM t ORDER BY id"))
}

// blockCtx is a context that reports when a statement first blocks on
// another transaction: the engine calls Done only in mvcc.Manager.Wait,
// just before it sleeps on the transaction's end.
type blockCtx struct {
	context.Context
	once    sync.Once
	blocked chan struct{}
}

func newBlockCtx() *blockCtx {
	return &blockCtx{Context: context.Background(), blocked: make(chan struct{})}
}

func (c *blockCtx) Done() <-chan struct{} {
	c.once.Do(func() { close(c.blocked) })
	return c.Context.Done()
}

// TestForeignKeyConcurrent runs a statement of session B against an open
// transaction of session A and checks whether B waits for A, then B's
// outcome after A commits or rolls back: PostgreSQL's outcomes (B waits
// where its FOR KEY SHARE lock would conflict with A's change).
func TestForeignKeyConcurrent(t *testing.T) {
	const keys, refs = "SELECT a FROM p ORDER BY a", "SELECT b FROM t ORDER BY b"
	for _, tc := range []struct {
		name   string
		a      string // A's statement, in an open transaction
		b      string // B's statement
		commit bool   // A commits (else rolls back)
		waits  bool   // B blocks until A ends
		code   string // B's SQLSTATE, "" for success
		query  string // then the first column of query's rows is want
		want   string
	}{
		// The referenced row is being deleted: B waits, and fails if the
		// delete commits.
		{"delete commits", "DELETE FROM p WHERE a = 1", "INSERT INTO t VALUES (1)", true, true, "23503", refs, "2"},
		{"delete rolls back", "DELETE FROM p WHERE a = 1", "INSERT INTO t VALUES (1)", false, true, "", refs, "1 2"},
		{"key update commits", "UPDATE p SET a = 10 WHERE a = 1", "INSERT INTO t VALUES (1)", true, true, "23503", keys, "2 3 10"},
		// An update that keeps the key does not conflict with KEY SHARE.
		{"non-key update", "UPDATE p SET n = 'x' WHERE a = 1", "INSERT INTO t VALUES (1)", true, false, "", refs, "1 2"},
		// A referenced row not yet committed is not seen: no wait.
		{"uncommitted insert", "INSERT INTO p VALUES (4)", "INSERT INTO t VALUES (4)", true, false, "23503", keys, "1 2 3 4"},
		{"uncommitted key update", "UPDATE p SET a = 4 WHERE a = 3", "UPDATE t SET b = 4", true, false, "23503", refs, "2"},
		// The referenced side: a referencing row being deleted is waited
		// for.
		{"referencing delete commits", "DELETE FROM t WHERE b = 2", "DELETE FROM p WHERE a = 2", true, true, "", keys, "1 3"},
		{"referencing delete rolls back", "DELETE FROM t WHERE b = 2", "DELETE FROM p WHERE a = 2", false, true, "23503", keys, "1 2 3"},
		// CASCADE waits for a referencing row being updated, then deletes
		// its newest version.
		{"cascade after update", "UPDATE cc SET x = 1", "DELETE FROM c WHERE a = 2", true, true, "", "SELECT count(*) FROM cc", "0"},
		{"cascade after key update", "UPDATE cc SET b = NULL", "DELETE FROM c WHERE a = 2", true, true, "", "SELECT count(*) FROM cc", "1"},
		{"cascade update after update", "UPDATE cc SET x = 1", "UPDATE c SET a = 3", true, true, "", "SELECT b || ',' || x FROM cc", "3,1"},
		{"cascade update after rollback", "UPDATE cc SET x = 1", "UPDATE c SET a = 3", false, true, "", "SELECT b || ',' || coalesce(x, -1) FROM cc", "3,-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open("")
			require.NoError(t, err)
			defer db.Close()
			_, err = db.Exec(ctx, `CREATE TABLE p (a int PRIMARY KEY, n text);
				CREATE TABLE t (b int REFERENCES p, x int);
				CREATE TABLE c (a int PRIMARY KEY);
				CREATE TABLE cc (b int REFERENCES c ON DELETE CASCADE ON UPDATE CASCADE, x int);
				INSERT INTO p VALUES (1), (2), (3); INSERT INTO t VALUES (2);
				INSERT INTO c VALUES (2); INSERT INTO cc VALUES (2)`)
			require.NoError(t, err)
			a, err := db.Begin(ctx, TxOptions{})
			require.NoError(t, err)
			_, err = a.Exec(ctx, tc.a)
			require.NoError(t, err)
			bctx := newBlockCtx()
			done := make(chan error, 1)
			go func() {
				_, err := db.Exec(bctx, tc.b)
				done <- err
			}()
			if tc.waits {
				<-bctx.blocked
			} else {
				err := <-done // B finishes while A is still open
				done <- err
				select {
				case <-bctx.blocked:
					t.Fatalf("%s waited for A", tc.b)
				default:
				}
			}
			if tc.commit {
				require.NoError(t, a.Commit())
			} else {
				require.NoError(t, a.Rollback())
			}
			err = <-done
			if tc.code == "" {
				require.NoError(t, err)
			} else {
				require.Equal(t, tc.code, ErrorCode(err), "%v", err)
			}
			require.Equal(t, tc.want, column(queryStrings(t, db, tc.query)))
		})
	}
}

// column joins the first column of rows with spaces.
func column(rows [][]string) string {
	var out []string
	for _, r := range rows {
		out = append(out, r[0])
	}
	return strings.Join(out, " ")
}

// TestForeignKeyRepeatableRead: a REPEATABLE READ transaction checks a
// referencing row against its snapshot; a referenced row changed since
// is a serialization failure, as is a CASCADE reaching a row it cannot
// see (PostgreSQL's crosscheck snapshot).
func TestForeignKeyRepeatableRead(t *testing.T) {
	for _, tc := range []struct {
		name, other, stmt, code string
	}{
		{"referenced row deleted", "DELETE FROM p WHERE a = 1", "INSERT INTO t VALUES (1)", "40001"},
		{"referenced row inserted", "INSERT INTO p VALUES (9)", "INSERT INTO t VALUES (9)", "23503"},
		{"non-key update", "UPDATE p SET n = 'z' WHERE a = 2", "INSERT INTO t VALUES (2)", ""},
		{"cascade to a new row", "INSERT INTO t VALUES (3)", "DELETE FROM p WHERE a = 3", "40001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open("")
			require.NoError(t, err)
			defer db.Close()
			_, err = db.Exec(ctx, `CREATE TABLE p (a int PRIMARY KEY, n text);
				CREATE TABLE t (b int REFERENCES p ON DELETE CASCADE);
				INSERT INTO p VALUES (1), (2), (3)`)
			require.NoError(t, err)
			tx, err := db.Begin(ctx, TxOptions{Isolation: "repeatable read"})
			require.NoError(t, err)
			defer tx.Rollback()
			require.Equal(t, [][]string{{"3"}}, queryStringsTx(t, tx, "SELECT count(*) FROM p")) // takes the snapshot
			_, err = db.Exec(ctx, tc.other)
			require.NoError(t, err)
			_, err = tx.Exec(ctx, tc.stmt)
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			require.Equal(t, tc.code, ErrorCode(err), "%v", err)
			if tc.code == "40001" {
				require.Equal(t, "could not serialize access due to concurrent update", pgError(t, err).Message)
			}
		})
	}
}

func queryStringsTx(t *testing.T, tx *Tx, sql string) [][]string {
	t.Helper()
	rows, err := tx.Query(ctx, sql)
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
