package tusk

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/session"
	"github.com/tuskdb/tusk/sql/types"
	"github.com/tuskdb/tusk/vfs"
)

// DDL tests. The golden scripts in testdata/ddl/*.txt are sequences of
//
//	exec [session]
//	SQL
//	----
//	expected output
//
// records, separated by blank lines (and # comments), run in order against one in-memory
// database. Output is the column names and rows of a query (fields
// joined with |), then the command tag; an error prints as ERROR code:
// message with its DETAIL, HINT and POSITION lines, as psql shows
// PostgreSQL's (the expected outputs were checked against PostgreSQL 15).
// A named session (default s1) keeps its transaction between records.
// go test -run TestDDLScripts -rewrite-ddl regenerates the outputs.

var rewriteDDL = flag.Bool("rewrite-ddl", false, "rewrite the expected outputs of testdata/ddl/*.txt")

type ddlRecord struct {
	comment []string // # lines before the record
	session string
	sql     string
	want    string
}

func parseDDLScript(t *testing.T, path string) (head []string, recs []ddlRecord) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	require.NoError(t, sc.Err())
	i := 0
	for ; i < len(lines) && !strings.HasPrefix(lines[i], "exec"); i++ {
		head = append(head, lines[i])
	}
	var comment []string
	for i < len(lines) {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		if strings.HasPrefix(lines[i], "#") {
			comment = append(comment, lines[i])
			i++
			continue
		}
		f := strings.Fields(lines[i])
		require.Equal(t, "exec", f[0], "%s:%d: expected exec", path, i+1)
		r := ddlRecord{session: "s1", comment: comment}
		comment = nil
		if len(f) > 1 {
			r.session = f[1]
		}
		i++
		var sql []string
		for ; i < len(lines) && lines[i] != "----"; i++ {
			sql = append(sql, lines[i])
		}
		require.Less(t, i, len(lines), "%s: record without ----", path)
		i++
		var want []string
		for ; i < len(lines) && lines[i] != ""; i++ {
			want = append(want, lines[i])
		}
		r.sql, r.want = strings.Join(sql, "\n"), strings.Join(want, "\n")
		recs = append(recs, r)
	}
	return head, recs
}

// runDDL runs sql on s and renders the outcome.
func runDDL(s *session.Session, sql string) string {
	var out []string
	c, err := s.Query(ctx, sql, nil)
	if err == nil {
		if cols := c.Columns(); len(cols) > 0 {
			var names []string
			for _, col := range cols {
				names = append(names, col.Name)
			}
			out = append(out, strings.Join(names, "|"))
		}
		for {
			var row []types.Datum
			if row, err = c.Next(); err != nil || row == nil {
				break
			}
			if len(row) == 0 {
				out = append(out, "()") // a row of a table without columns
				continue
			}
			var fields []string
			for i, d := range row {
				if d == nil {
					fields = append(fields, "NULL")
				} else {
					fields = append(fields, types.Format(c.Columns()[i].Type, d))
				}
			}
			out = append(out, strings.Join(fields, "|"))
		}
		if cerr := c.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			out = append(out, c.Tag())
		}
	}
	if err != nil {
		var pe *pgerr.Error
		if !errors.As(err, &pe) {
			return "ERROR " + err.Error()
		}
		out = append(out, fmt.Sprintf("ERROR %s: %s", pe.Code, pe.Message))
		if pe.Detail != "" {
			out = append(out, "DETAIL: "+pe.Detail)
		}
		if pe.Hint != "" {
			out = append(out, "HINT: "+pe.Hint)
		}
		if pe.Position != 0 {
			out = append(out, fmt.Sprintf("POSITION: %d", pe.Position))
		}
	}
	return strings.Join(out, "\n")
}

func TestDDLScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/ddl/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			head, recs := parseDDLScript(t, path)
			db, err := Open("")
			require.NoError(t, err)
			defer db.Close()
			sessions := map[string]*session.Session{}
			defer func() {
				for _, s := range sessions {
					db.release(s)
				}
			}()
			var b strings.Builder
			for _, h := range head {
				b.WriteString(h + "\n")
			}
			for i, r := range recs {
				s := sessions[r.session]
				if s == nil {
					s, err = db.session()
					require.NoError(t, err)
					sessions[r.session] = s
				}
				got := runDDL(s, r.sql)
				if !*rewriteDDL {
					require.Equal(t, r.want, got, "%s record %d:\n%s", path, i+1, r.sql)
				}
				if i > 0 {
					b.WriteString("\n")
				}
				for _, c := range r.comment {
					b.WriteString(c + "\n")
				}
				head := "exec"
				if r.session != "s1" {
					head += " " + r.session
				}
				fmt.Fprintf(&b, "%s\n%s\n----\n%s\n", head, r.sql, got)
			}
			if *rewriteDDL {
				require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
			}
		})
	}
}

// relFiles lists the relation files (numeric names) of the database
// directory of an in-memory file system.
func relFiles(t *testing.T, fs vfs.FS) []string {
	t.Helper()
	names, err := fs.ReadDir("/tusk/base")
	require.NoError(t, err)
	var out []string
	for _, n := range names {
		if n != "" && n[0] >= '0' && n[0] <= '9' {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// TestDDLRollbackLeavesNoTrace runs DDL in transactions that abort: the
// catalog and the relation files are as before.
func TestDDLRollbackLeavesNoTrace(t *testing.T) {
	fs := vfs.NewMem()
	db, err := Open("/tusk", WithFS(fs))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, `CREATE TABLE p (id int PRIMARY KEY, v text DEFAULT 'x');
		INSERT INTO p (id) VALUES (1), (2);
		CREATE TABLE c (pid int REFERENCES p, n int CHECK (n > 0))`)
	require.NoError(t, err)
	catalogState := func() [][]string {
		return queryStrings(t, db, `SELECT c.relname, c.relfilenode, a.attname, a.atttypid, a.attnotnull, a.atthasdef, a.attisdropped
			FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid WHERE c.oid >= 16384 ORDER BY 1, 3`)
	}
	before, beforeCons, beforeFiles := catalogState(), queryStrings(t, db, "SELECT conname, conbin FROM pg_constraint ORDER BY 1"), relFiles(t, fs)
	beforeDefs := queryStrings(t, db, "SELECT adrelid, adnum, adbin FROM pg_attrdef ORDER BY 1, 2")

	for _, ddl := range []string{
		"CREATE TABLE x (a int PRIMARY KEY, b int REFERENCES p)",
		"ALTER TABLE p ADD COLUMN w int DEFAULT 5 NOT NULL",
		"ALTER TABLE p DROP COLUMN v",
		"ALTER TABLE p ALTER COLUMN id TYPE bigint",
		"ALTER TABLE p ALTER COLUMN v SET DEFAULT 'y'",
		"ALTER TABLE p ALTER COLUMN v DROP DEFAULT",
		"ALTER TABLE p ALTER COLUMN v SET NOT NULL",
		"ALTER TABLE p RENAME TO q",
		"ALTER TABLE p RENAME COLUMN v TO vv",
		"ALTER TABLE c ADD CONSTRAINT n_big CHECK (n > 10)",
		"ALTER TABLE c DROP CONSTRAINT c_n_check",
		"TRUNCATE p, c",
		"CREATE SCHEMA s; CREATE TABLE s.t (a int)",
		"DROP TABLE c",
		"CREATE TABLE ctas AS SELECT id * 2 AS d FROM p",
	} {
		tx, err := db.Begin(ctx, TxOptions{})
		require.NoError(t, err)
		_, err = tx.Exec(ctx, ddl)
		require.NoError(t, err, ddl)
		require.NoError(t, tx.Rollback())
		require.Equal(t, before, catalogState(), ddl)
		require.Equal(t, beforeCons, queryStrings(t, db, "SELECT conname, conbin FROM pg_constraint ORDER BY 1"), ddl)
		require.Equal(t, beforeDefs, queryStrings(t, db, "SELECT adrelid, adnum, adbin FROM pg_attrdef ORDER BY 1, 2"), ddl)
		require.Equal(t, beforeFiles, relFiles(t, fs), ddl)
		require.Equal(t, [][]string{{"1", "x"}, {"2", "x"}}, queryStrings(t, db, "SELECT id, v FROM p ORDER BY id"), ddl)
	}
	require.Empty(t, queryStrings(t, db, "SELECT nspname FROM pg_namespace WHERE nspname = 's'"))

	// A failed statement inside a block rolls back with the block.
	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "ALTER TABLE p ADD COLUMN z int")
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "ALTER TABLE p ADD COLUMN z int")
	require.Equal(t, "42701", ErrorCode(err))
	require.ErrorIs(t, tx.Commit(), ErrTxAborted)
	require.Equal(t, before, catalogState())
}

// TestDDLIsolation: other sessions see DDL only once it commits.
func TestDDLIsolation(t *testing.T) {
	fs := vfs.NewMem()
	db, err := Open("/tusk", WithFS(fs))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2)")
	require.NoError(t, err)
	filesBefore := relFiles(t, fs)

	// A REPEATABLE READ transaction that started before the DDL keeps
	// seeing the table as it was, rows and catalog alike (S6, C3).
	old, err := db.Begin(ctx, TxOptions{Isolation: "repeatable read"})
	require.NoError(t, err)
	require.Equal(t, [][]string{{"1"}, {"2"}}, txStrings(t, old, "SELECT a FROM t ORDER BY a"))

	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	for _, ddl := range []string{
		"ALTER TABLE t ADD COLUMN b int DEFAULT 7",
		"ALTER TABLE t ALTER COLUMN a TYPE text USING 'v' || a::text",
		"ALTER TABLE t ADD CONSTRAINT b_pos CHECK (b > 0)",
		"CREATE SCHEMA s",
		"CREATE TABLE s.u AS SELECT a, b FROM t",
	} {
		_, err = tx.Exec(ctx, ddl)
		require.NoError(t, err, ddl)
	}
	require.Equal(t, [][]string{{"v1", "7"}, {"v2", "7"}}, txStrings(t, tx, "SELECT a, b FROM t ORDER BY a"))
	// Another session still sees the old table, its old rows, no schema.
	require.Equal(t, [][]string{{"1"}, {"2"}}, queryStrings(t, db, "SELECT * FROM t ORDER BY a"))
	require.Equal(t, [][]string{{"int4"}}, queryStrings(t, db, "SELECT t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = (SELECT oid FROM pg_class WHERE relname = 't') AND a.attnum > 0"))
	require.Empty(t, queryStrings(t, db, "SELECT conname FROM pg_constraint"))
	_, err = db.Exec(ctx, "SELECT * FROM s.u")
	require.Equal(t, "3F000", ErrorCode(err))
	require.NoError(t, tx.Commit())
	require.Equal(t, [][]string{{"v1", "7"}, {"v2", "7"}}, queryStrings(t, db, "SELECT * FROM t ORDER BY a"))
	require.Equal(t, [][]string{{"1"}, {"2"}}, txStrings(t, old, "SELECT * FROM t ORDER BY a"))
	require.Equal(t, [][]string{{"2"}}, txStrings(t, old, "SELECT a + 1 FROM t WHERE a = 1"))
	require.NoError(t, old.Commit())
	require.Equal(t, [][]string{{"v1", "7"}, {"v2", "7"}}, queryStrings(t, db, "SELECT * FROM s.u ORDER BY a"))
	require.Equal(t, [][]string{{"b_pos"}}, queryStrings(t, db, "SELECT conname FROM pg_constraint"))

	// TRUNCATE: new file now, the old one goes at commit.
	tx, err = db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "TRUNCATE t")
	require.NoError(t, err)
	require.Empty(t, txStrings(t, tx, "SELECT * FROM t"))
	require.Len(t, queryStrings(t, db, "SELECT * FROM t"), 2)
	require.NoError(t, tx.Commit())
	require.Empty(t, queryStrings(t, db, "SELECT * FROM t"))
	// One table file more than at the start (s.u), none left over.
	require.Len(t, relFiles(t, fs), len(filesBefore)+1)
}

// txStrings is queryStrings inside a transaction.
func txStrings(t *testing.T, tx *Tx, sql string) [][]string {
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

// TestDDLPersists: the effect of each DDL statement survives Close/Open.
func TestDDLPersists(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	require.NoError(t, err)
	_, err = db.Exec(ctx, `CREATE SCHEMA app;
		CREATE TABLE app.p (id int PRIMARY KEY, name text NOT NULL DEFAULT 'anon', tag text UNIQUE);
		CREATE TABLE app.c (id int, pid int REFERENCES app.p ON DELETE CASCADE, qty int CHECK (qty > 0));
		INSERT INTO app.p (id) VALUES (1), (2);
		INSERT INTO app.c VALUES (10, 1, 5);
		ALTER TABLE app.p ADD COLUMN score numeric DEFAULT 1.5;
		ALTER TABLE app.p ALTER COLUMN id TYPE bigint;
		ALTER TABLE app.p RENAME COLUMN tag TO label;
		ALTER TABLE app.c DROP COLUMN id;
		ALTER TABLE app.c RENAME TO child;
		CREATE TABLE app.gone (a int);
		INSERT INTO app.gone VALUES (1);
		TRUNCATE app.gone;
		CREATE TABLE app.copy AS SELECT id, name FROM app.p;
		CREATE SCHEMA dropped; DROP SCHEMA dropped`)
	require.NoError(t, err)
	snapshot := func(db *DB) [][][]string {
		return [][][]string{
			queryStrings(t, db, "SELECT * FROM app.p ORDER BY id"),
			queryStrings(t, db, "SELECT * FROM app.child"),
			queryStrings(t, db, "SELECT * FROM app.gone"),
			queryStrings(t, db, "SELECT * FROM app.copy ORDER BY id"),
			queryStrings(t, db, "SELECT conname, contype, conkey, confkey, confdeltype, conbin FROM pg_constraint ORDER BY conname"),
			queryStrings(t, db, "SELECT adnum, adbin FROM pg_attrdef ORDER BY adrelid, adnum"),
			queryStrings(t, db, "SELECT nspname FROM pg_namespace ORDER BY nspname"),
		}
	}
	want := snapshot(db)
	require.Equal(t, [][]string{{"1", "anon", "NULL", "1.5"}, {"2", "anon", "NULL", "1.5"}}, want[0])
	require.Equal(t, [][]string{{"1", "5"}}, want[1])
	require.NoError(t, db.Close())
	db, err = Open(dir)
	require.NoError(t, err)
	defer db.Close()
	require.Equal(t, want, snapshot(db))
	// The defaults still apply, and new OIDs do not collide.
	_, err = db.Exec(ctx, "INSERT INTO app.p (id) VALUES (3); CREATE TABLE app.more (a int DEFAULT 1); INSERT INTO app.more VALUES (DEFAULT)")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"anon", "1.5"}}, queryStrings(t, db, "SELECT name, score FROM app.p WHERE id = 3"))
	require.Equal(t, [][]string{{"1"}}, queryStrings(t, db, "SELECT a FROM app.more"))
}
