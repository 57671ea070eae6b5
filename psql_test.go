package tusk

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/pgoracle"
)

// psqlQuery is one query psql 15 sent for a backslash command (captured
// with psql -E against PostgreSQL 15, testdata/psql/describe.txt).
type psqlQuery struct {
	cmd string // the backslash command, e.g. `\d+ users`
	n   int    // its position among the command's queries, from 1
	sql string // with {{oid NAME}} standing for the OID of relation NAME
}

func (q psqlQuery) name() string {
	return fmt.Sprintf("%s#%d", strings.ReplaceAll(q.cmd, " ", "_"), q.n)
}

// loadPsqlQueries reads testdata/psql/describe.txt: blocks that start with
// a line "== <command> #<n>" followed by the query text.
func loadPsqlQueries(t *testing.T) []psqlQuery {
	b, err := os.ReadFile("testdata/psql/describe.txt")
	require.NoError(t, err)
	var out []psqlQuery
	head := regexp.MustCompile(`^== (.*) #(\d+)$`)
	for _, line := range strings.Split(string(b), "\n") {
		if m := head.FindStringSubmatch(line); m != nil {
			var n int
			fmt.Sscan(m[2], &n)
			out = append(out, psqlQuery{cmd: m[1], n: n})
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].sql += line + "\n"
		}
	}
	for i := range out {
		out[i].sql = strings.TrimSpace(out[i].sql)
	}
	return out
}

// psqlSide is one of the two databases the describe queries run on.
type psqlSide struct {
	query func(sql string) (cols []string, rows [][]string, err error)
	// oids maps relation names to their OIDs; names maps the OIDs of
	// user objects (relations, schemas, constraints, rules, ...) to
	// stable tokens.
	oids  map[string]string
	names map[string]string
}

var oidPlaceholder = regexp.MustCompile(`\{\{oid ([a-z_]+)\}\}`)

// prepare reads the OIDs of the user objects of the side's schema.
func (s *psqlSide) prepare(t *testing.T) {
	s.oids, s.names = map[string]string{}, map[string]string{}
	_, rows, err := s.query(`SELECT c.oid::text, c.relname::text, n.nspname::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid >= 16384`)
	require.NoError(t, err)
	for _, r := range rows {
		s.oids[r[1]] = r[0]
		s.names[r[0]] = "<oid of " + r[2] + "." + r[1] + ">"
	}
	for _, q := range []string{
		`SELECT oid::text, 'schema ' || nspname::text FROM pg_catalog.pg_namespace WHERE oid >= 16384`,
		`SELECT oid::text, 'constraint ' || conname::text FROM pg_catalog.pg_constraint WHERE oid >= 16384`,
		`SELECT oid::text, 'rule ' || ev_class::text FROM pg_catalog.pg_rewrite WHERE oid >= 16384`,
	} {
		_, rows, err := s.query(q)
		require.NoError(t, err, q)
		for _, r := range rows {
			s.names[r[0]] = "<oid of " + r[1] + ">"
		}
	}
}

// run runs a captured query with the side's OIDs substituted and
// normalizes its result: OIDs of user objects become tokens.
func (s *psqlSide) run(q psqlQuery) ([]string, [][]string, error) {
	sql := oidPlaceholder.ReplaceAllStringFunc(q.sql, func(m string) string {
		return s.oids[oidPlaceholder.FindStringSubmatch(m)[1]]
	})
	cols, rows, err := s.query(sql)
	for _, r := range rows {
		for i, v := range r {
			if n, ok := s.names[v]; ok {
				r[i] = n
			}
		}
	}
	return cols, rows, err
}

// TestPsqlDescribe runs the queries psql 15 sends for \d, \dt, \d+ users,
// \di, \dv, \dn, \df, \l (and a few more describe commands) on Tusk and on
// PostgreSQL 15 over the same schema (testdata/psql/schema.sql) and
// requires the same column names and rows, one subtest per query.
//
// Normalization: OIDs differ between the two (PostgreSQL also gives OIDs
// to TOAST tables and array types), so the queries name relations as
// {{oid NAME}}, replaced by each side's own OID, and result cells that are
// the OID of a user object (a relation, schema, constraint or rule,
// OID >= 16384) are replaced by a token naming the object on both sides.
// PostgreSQL runs in a database named as Tusk's (tusk), and \l's rows are
// compared for that database only: PostgreSQL also lists postgres,
// template0 and template1, which a Tusk database does not have.
func TestPsqlDescribe(t *testing.T) {
	queries := loadPsqlQueries(t)
	require.NotEmpty(t, queries)
	schemaText, err := os.ReadFile("testdata/psql/schema.sql")
	require.NoError(t, err)
	var schema []string
	for _, s := range strings.Split(string(schemaText), ";\n") {
		if s = strings.TrimSpace(s); s != "" {
			schema = append(schema, s)
		}
	}

	url := pgoracle.Start(t)
	admin, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	_, err = admin.Exec(ctx, "CREATE DATABASE tusk")
	require.NoError(t, err)
	require.NoError(t, admin.Close(ctx))
	cfg, err := pgx.ParseConfig(url)
	require.NoError(t, err)
	cfg.Database = "tusk"
	pg, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(t, err)
	defer pg.Close(ctx)
	for _, s := range schema {
		_, err := pg.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	pgSide := &psqlSide{query: func(sql string) ([]string, [][]string, error) {
		rows, err := pg.Query(ctx, sql, pgx.QueryExecModeSimpleProtocol)
		if err != nil {
			return nil, nil, err
		}
		return pgRowStrings(rows)
	}}

	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	for _, s := range schema {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	tuskSide := &psqlSide{query: func(sql string) (cols []string, out [][]string, err error) {
		rows, err := db.Query(ctx, sql)
		if err != nil {
			return nil, nil, err
		}
		cols = rows.Columns()
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
		return cols, out, rows.Close()
	}}

	pgSide.prepare(t)
	tuskSide.prepare(t)

	var passed, failed []string
	for _, q := range queries {
		ok := t.Run(q.name(), func(t *testing.T) {
			wantCols, want, err := pgSide.run(q)
			require.NoError(t, err, "PostgreSQL: %s", q.sql)
			gotCols, got, err := tuskSide.run(q)
			require.NoError(t, err, "Tusk: %s", q.sql)
			if q.cmd == `\l` {
				want = onlyDatabase(want, "tusk")
			}
			require.Equal(t, wantCols, gotCols, "columns of %s", q.sql)
			require.Equal(t, want, got, "rows of %s", q.sql)
		})
		if ok {
			passed = append(passed, q.name())
		} else {
			failed = append(failed, q.name())
		}
	}
	sort.Strings(passed)
	t.Logf("psql describe queries: %d of %d pass", len(passed), len(queries))
	t.Logf("pass: %s", strings.Join(passed, " "))
	t.Logf("fail: %s", strings.Join(failed, " "))
}

// onlyDatabase keeps the \l rows of database name (the first column).
func onlyDatabase(rows [][]string, name string) [][]string {
	var out [][]string
	for _, r := range rows {
		if r[0] == name {
			out = append(out, r)
		}
	}
	return out
}
