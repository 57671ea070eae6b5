package tusk

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/vfs"
)

// The issue's "a DDL made in an open transaction is invisible to other
// sessions until commit and gone after rollback" (catalog C2, C3, C5):
// every kind of DDL runs in an open transaction while other sessions look
// at the object and at the catalogs (pg_class, pg_attribute, pg_index,
// pg_namespace, pg_description, information_schema, pg_stats) through
// READ COMMITTED statements and REPEATABLE READ snapshots.

const visBaseSchema = `CREATE TABLE t (a int PRIMARY KEY, b text, c int);
INSERT INTO t SELECT g, 'v' || g, g % 3 FROM generate_series(1, 60) g;
CREATE TABLE other (z int)`

// visObservers are the catalog queries every case compares.
var visObservers = []string{
	`SELECT c.relname, c.relkind, c.relnatts, n.nspname, c.relfilenode FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid >= 16384 AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
	`SELECT c.relname, a.attnum, a.attname, a.atttypid, a.attisdropped, a.atthasdef FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.oid >= 16384 AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) AND a.attnum > 0 ORDER BY 1, 2`,
	`SELECT pg_get_indexdef(i.indexrelid), i.indisprimary FROM pg_index i WHERE i.indrelid >= 16384 ORDER BY 1`,
	`SELECT nspname FROM pg_namespace ORDER BY 1`,
	`SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
	`SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, a.attnum`,
	`SELECT tablename, attname, null_frac, n_distinct FROM pg_stats WHERE schemaname = 'public' ORDER BY 1, 2`,
	`SELECT c.relname, d.objsubid, d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid ORDER BY 1, 2`,
	`SELECT conname, contype FROM pg_constraint ORDER BY 1`,
	`SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c WHERE c.relkind = 'v' AND c.relnamespace = 'public'::regnamespace`,
}

type visCase struct {
	name string
	ddl  string
	// use works on the state before the DDL (and maybe after); useNew
	// only after it. Both run in other sessions; an error shows as its
	// SQLSTATE.
	use, useNew string
	// exclusive DDL takes an AccessExclusiveLock in PostgreSQL, so it
	// waits for the REPEATABLE READ transactions that read the table
	// (they hold AccessShareLock) and those cannot read the table between
	// the DDL and their end. Tusk has no lock manager yet: the DDL goes
	// ahead, and an older snapshot reading the table after the commit
	// finds its file removed (58P01). Such reads are left out.
	exclusive bool
}

var visCases = []visCase{
	{name: "create table", ddl: "CREATE TABLE nt (x int PRIMARY KEY, y text DEFAULT 'd' NOT NULL); INSERT INTO nt (x) VALUES (1)",
		useNew: "SELECT * FROM nt"},
	{name: "create index", ddl: "CREATE INDEX t_b ON t (b); CREATE UNIQUE INDEX t_c_a ON t (c, a)",
		use: "SELECT a FROM t WHERE b = 'v7'"},
	{name: "create view", ddl: "CREATE VIEW v AS SELECT a, b FROM t WHERE a > 58",
		use: "SELECT count(*) FROM t", useNew: "SELECT * FROM v ORDER BY a"},
	{name: "add column", ddl: "ALTER TABLE t ADD COLUMN d int DEFAULT 5",
		use: "SELECT * FROM t WHERE a < 3 ORDER BY a", useNew: "SELECT d FROM t WHERE a = 1"},
	{name: "drop column", ddl: "ALTER TABLE t DROP COLUMN c",
		use: "SELECT * FROM t WHERE a < 3 ORDER BY a"},
	{name: "rename column", ddl: "ALTER TABLE t RENAME COLUMN b TO bb",
		use: "SELECT b FROM t WHERE a = 2", useNew: "SELECT bb FROM t WHERE a = 2"},
	{name: "rename table", ddl: "ALTER TABLE t RENAME TO t2",
		use: "SELECT count(*) FROM t", useNew: "SELECT count(*) FROM t2"},
	{name: "alter column type", ddl: "ALTER TABLE t ALTER COLUMN c TYPE bigint",
		use: "SELECT pg_typeof(c) FROM t WHERE a = 1", exclusive: true},
	{name: "drop table", ddl: "DROP TABLE t",
		use: "SELECT count(*) FROM t", exclusive: true},
	{name: "create schema", ddl: "CREATE SCHEMA s2; CREATE TABLE s2.x (a int); INSERT INTO s2.x VALUES (1)",
		useNew: "SELECT * FROM s2.x"},
	{name: "comment", ddl: "COMMENT ON TABLE t IS 'the table'; COMMENT ON COLUMN t.b IS 'bee'",
		use: "SELECT obj_description('t'::regclass, 'pg_class'), col_description('t'::regclass, 2)"},
	{name: "analyze", ddl: "ANALYZE t",
		use: "SELECT count(*) FROM pg_stats WHERE tablename = 't'"},
	{name: "create sequence", ddl: "CREATE SEQUENCE sq START 10",
		useNew: "SELECT last_value FROM sq"},
	{name: "add constraint", ddl: "ALTER TABLE other ADD CONSTRAINT z_pos CHECK (z > 0); ALTER TABLE other ADD COLUMN ta int REFERENCES t",
		use: "SELECT * FROM other"},
	{name: "truncate", ddl: "TRUNCATE t",
		use: "SELECT count(*) FROM t", exclusive: true},
}

// visQuery runs sql through q and renders the result, or the error's
// SQLSTATE.
func visQuery(q func(context.Context, string, ...any) (*Rows, error), sql string) string {
	rows, err := q(ctx, sql)
	if err != nil {
		return "ERROR " + ErrorCode(err)
	}
	var b strings.Builder
	for rows.Next() {
		for _, v := range rows.Text() {
			if v == nil {
				b.WriteString("NULL|")
			} else {
				b.WriteString(*v + "|")
			}
		}
		b.WriteString("\n")
	}
	if err := rows.Close(); err != nil {
		return "ERROR " + ErrorCode(err)
	}
	return b.String()
}

// visObserve runs the observers, and the usage queries when withUse.
func visObserve(q func(context.Context, string, ...any) (*Rows, error), c visCase, withUse bool) []string {
	var out []string
	for _, o := range visObservers {
		out = append(out, visQuery(q, o))
	}
	if withUse {
		for _, u := range []string{c.use, c.useNew} {
			if u != "" {
				out = append(out, visQuery(q, u))
			} else {
				out = append(out, "")
			}
		}
	}
	return out
}

// checkConsistent runs the catalog consistency check (CK1...CK3), the
// B-tree checks of every user index and the page checks.
func checkConsistent(t *testing.T, db *DB) {
	t.Helper()
	res, err := db.inst.CheckCatalog()
	require.NoError(t, err)
	for _, ix := range res.Indexes {
		_, err := db.Exec(ctx, "SELECT bt_index_check($1::oid::regclass, true)", int64(ix))
		require.NoError(t, err, "index %d", ix)
	}
	require.NoError(t, db.inst.Check())
}

func TestDDLVisibility(t *testing.T) {
	for _, c := range visCases {
		for _, commit := range []bool{false, true} {
			name := c.name + "/rollback"
			if commit {
				name = c.name + "/commit"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel() // each case has its own database
				testDDLVisibility(t, c, commit)
			})
		}
	}
}

func testDDLVisibility(t *testing.T, c visCase, commit bool) {
	fs := vfs.NewMem()
	db, err := Open("/tusk", WithFS(fs))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, visBaseSchema)
	require.NoError(t, err)
	checkConsistent(t, db)
	filesBefore := relFiles(t, fs)

	before := visObserve(db.Query, c, true)
	// The usage queries also fill the relation caches with the old state.
	require.Equal(t, before, visObserve(db.Query, c, true))
	if c.use != "" {
		require.NotContains(t, before[len(visObservers)], "ERROR", c.use)
	}
	if c.useNew != "" {
		require.Contains(t, before[len(visObservers)+1], "ERROR", c.useNew)
	}
	// A REPEATABLE READ snapshot taken before the DDL.
	rr1, err := db.Begin(ctx, TxOptions{Isolation: "repeatable read"})
	require.NoError(t, err)
	defer rr1.Rollback()
	rrUse := func(tx *Tx) []string {
		out := visObserve(tx.Query, c, false)
		if c.use != "" && !strings.HasPrefix(before[len(visObservers)], "ERROR") {
			out = append(out, visQuery(tx.Query, c.use))
		}
		return out
	}
	rrBefore := rrUse(rr1)
	require.Equal(t, before[:len(visObservers)], rrBefore[:len(visObservers)])

	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	defer tx.Rollback()
	_, err = tx.Exec(ctx, c.ddl)
	require.NoError(t, err, c.ddl)
	inside := visObserve(tx.Query, c, false)
	require.NotEqual(t, before[:len(visObservers)], inside, "the DDL changes what its own transaction sees")
	if c.useNew != "" {
		require.NotContains(t, visQuery(tx.Query, c.useNew), "ERROR", "the transaction uses its own new object")
	}

	// Other sessions see nothing of it: statements and snapshots.
	require.Equal(t, before, visObserve(db.Query, c, true), "uncommitted DDL seen by another session")
	require.Equal(t, rrBefore, rrUse(rr1))
	rr2, err := db.Begin(ctx, TxOptions{Isolation: "repeatable read"})
	require.NoError(t, err)
	defer rr2.Rollback()
	require.Equal(t, rrBefore, rrUse(rr2), "a snapshot taken while the DDL is uncommitted")

	if !commit {
		require.NoError(t, tx.Rollback())
		require.Equal(t, before, visObserve(db.Query, c, true), "rolled-back DDL left a trace")
		require.Equal(t, rrBefore, rrUse(rr1))
		require.Equal(t, filesBefore, relFiles(t, fs), "rolled-back DDL left relation files")
		require.NoError(t, rr1.Commit())
		require.NoError(t, rr2.Commit())
		checkConsistent(t, db)
		return
	}
	require.NoError(t, tx.Commit())
	after := visObserve(db.Query, c, true)
	require.Equal(t, inside, after[:len(visObservers)], "committed DDL is seen as its transaction saw it")
	if c.useNew != "" {
		require.NotContains(t, after[len(visObservers)+1], "ERROR", c.useNew)
	}
	// Snapshots taken before the commit keep not seeing it.
	if c.exclusive {
		require.Equal(t, rrBefore[:len(visObservers)], visObserve(rr1.Query, c, false), "REPEATABLE READ snapshot from before the DDL")
		require.Equal(t, rrBefore[:len(visObservers)], visObserve(rr2.Query, c, false), "REPEATABLE READ snapshot from before the commit")
	} else {
		require.Equal(t, rrBefore, rrUse(rr1), "REPEATABLE READ snapshot from before the DDL")
		require.Equal(t, rrBefore, rrUse(rr2), "REPEATABLE READ snapshot from before the commit")
	}
	require.NoError(t, rr1.Commit())
	require.NoError(t, rr2.Commit())
	rr3, err := db.Begin(ctx, TxOptions{Isolation: "repeatable read"})
	require.NoError(t, err)
	require.Equal(t, after[:len(visObservers)], visObserve(rr3.Query, c, false))
	require.NoError(t, rr3.Commit())
	checkConsistent(t, db)
	// And it is durable.
	require.NoError(t, db.Close())
	db, err = Open("/tusk", WithFS(fs))
	require.NoError(t, err)
	require.Equal(t, after, visObserve(db.Query, c, true), "after reopening")
	checkConsistent(t, db)
}

// TestDDLVisibilityDatabaseSQL: the same through database/sql, whose
// connections are sessions: a Tx's DDL is invisible to the other
// connections until Commit, and gone after Rollback.
func TestDDLVisibilityDatabaseSQL(t *testing.T) {
	dir := t.TempDir()
	sqldb, err := sql.Open("tusk", dir)
	require.NoError(t, err)
	defer sqldb.Close()
	_, err = sqldb.Exec(visBaseSchema)
	require.NoError(t, err)
	count := func(q string) int {
		var n int
		require.NoError(t, sqldb.QueryRow(q).Scan(&n))
		return n
	}
	const tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
	const cols = "SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 AND NOT attisdropped"
	for _, commit := range []bool{false, true} {
		tx, err := sqldb.BeginTx(ctx, nil)
		require.NoError(t, err)
		_, err = tx.Exec(fmt.Sprintf("CREATE TABLE n%v (a int); ALTER TABLE t ADD COLUMN d%v int; CREATE INDEX ON t (b)", commit, commit))
		require.NoError(t, err)
		var inTx int
		require.NoError(t, tx.QueryRow(tables).Scan(&inTx))
		require.Equal(t, 3, inTx)
		require.Equal(t, 2, count(tables), "another connection sees the uncommitted table")
		require.Equal(t, 3, count(cols), "another connection sees the uncommitted column")
		if commit {
			require.NoError(t, tx.Commit())
			require.Equal(t, 3, count(tables))
			require.Equal(t, 4, count(cols))
		} else {
			require.NoError(t, tx.Rollback())
			require.Equal(t, 2, count(tables))
			require.Equal(t, 3, count(cols))
			_, err := sqldb.Exec("SELECT * FROM nfalse")
			require.Error(t, err)
		}
	}
}

// TestDefaultSequenceDependencies: a DEFAULT using nextval('s') depends
// on s (pg_depend, as PostgreSQL's recordDependencyOnExpr), whether set
// by CREATE TABLE, ADD COLUMN or SET DEFAULT: DROP SEQUENCE fails with
// 2BP01 while it exists, CASCADE drops the default, and no pg_depend row
// outlives the default.
func TestDefaultSequenceDependencies(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	code := func(sql string) string {
		_, err := db.Exec(ctx, sql)
		return ErrorCode(err)
	}
	require.Empty(t, code("CREATE SEQUENCE s1; CREATE SEQUENCE s2; CREATE SEQUENCE s3; CREATE TABLE t (a int DEFAULT nextval('s1'), k serial)"))
	require.Equal(t, "2BP01", code("DROP SEQUENCE s1"))
	require.Empty(t, code("ALTER TABLE t ADD COLUMN b int DEFAULT nextval('s2')"))
	require.Equal(t, "2BP01", code("DROP SEQUENCE s2"))
	require.Empty(t, code("ALTER TABLE t ALTER COLUMN a SET DEFAULT nextval('s3')"))
	require.Empty(t, code("DROP SEQUENCE s1"), "the replaced default's dependency is gone")
	require.Equal(t, "2BP01", code("DROP SEQUENCE s3"))
	require.Empty(t, code("ALTER TABLE t DROP COLUMN b"))
	require.Empty(t, code("DROP SEQUENCE s2"), "the dropped column's default's dependency is gone")
	require.Empty(t, code("DROP SEQUENCE s3 CASCADE"))
	require.Equal(t, [][]string{{"f"}}, queryStrings(t, db, "SELECT atthasdef FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'a'"))
	require.Equal(t, "2BP01", code("DROP SEQUENCE t_k_seq"))
	checkConsistent(t, db)
	require.Empty(t, code("DROP TABLE t"))
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM pg_depend WHERE objid >= 16384 AND classid <> 'pg_class'::regclass"))
	checkConsistent(t, db)
}
