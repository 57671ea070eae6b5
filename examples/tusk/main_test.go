package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tuskdb/tusk"
	"github.com/tuskdb/tusk/internal/pgoracle"
)

func newTerm(t *testing.T) (*term, *bytes.Buffer) {
	t.Helper()
	db, err := tusk.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	var out bytes.Buffer
	return &term{db: db, out: &out}, &out
}

// TestREPL types statements and backslash commands into the REPL and
// checks what it prints.
func TestREPL(t *testing.T) {
	t.Parallel()
	term, out := newTerm(t)
	term.repl(strings.NewReader(`CREATE TABLE t(a int primary key, b text NOT NULL UNIQUE CHECK (b <> ''));
CREATE VIEW tv AS
  SELECT a FROM t;
\d t
\dt
\di
\dv
\ds
\d nothere
\x
SELECT 1 AS one, 'x' AS two;
\x off
\timing on
SELECT 42 AS answer;
\bogus
\q
SELECT 'not run';
`))
	got := out.String()
	for _, want := range []string{
		"CREATE TABLE\n",
		"CREATE VIEW\n",
		// \d t
		"                 Table \"public.t\"\n",
		" Column |  Type   | Collation | Nullable | Default \n",
		"--------+---------+-----------+----------+---------\n",
		" a      | integer |           | not null | \n",
		" b      | text    |           | not null | \n",
		"Indexes:\n    \"t_pkey\" PRIMARY KEY, btree (a)\n    \"t_b_key\" UNIQUE CONSTRAINT, btree (b)\n",
		"Check constraints:\n    \"t_b_check\" CHECK (b <> ''::text)\n",
		// \dt
		"        List of relations\n Schema | Name | Type  |  Owner   \n",
		" public | t    | table | postgres\n(1 row)\n",
		// \di
		" Schema |  Name   | Type  |  Owner   | Table \n",
		" public | t_b_key | index | postgres | t\n",
		" public | t_pkey  | index | postgres | t\n(2 rows)\n",
		// \dv
		" public | tv   | view | postgres\n",
		// \ds, \d nothere
		"Did not find any relations.\n",
		"Did not find any relation named \"nothere\".\n",
		// \x
		"Expanded display is on.\n-[ RECORD 1 ]\none | 1\ntwo | x\n",
		"Expanded display is off.\n",
		// \timing: numbers are right-aligned
		"Timing is on.\n",
		" answer \n--------\n     42\n(1 row)\n\nTime: ",
		"invalid command \\bogus\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n--- output:\n%s", want, got)
		}
	}
	if strings.Contains(got, "not run") {
		t.Errorf("a statement after \\q ran:\n%s", got)
	}
}

// TestDescribeSequenceAndIndex checks \d of a sequence and of an index,
// and \d on a schema-qualified name.
func TestDescribeSequenceAndIndex(t *testing.T) {
	t.Parallel()
	term, out := newTerm(t)
	if !term.run(`CREATE SCHEMA s; CREATE TABLE s.items (id serial PRIMARY KEY, code text); CREATE INDEX items_code_idx ON s.items (lower(code)) WHERE code IS NOT NULL`) {
		t.Fatal(out.String())
	}
	out.Reset()
	for _, c := range []string{`\d s.items_id_seq`, `\d s.items_code_idx`, `\dt s.*`, `\d items`} {
		if !term.command(c) && c != `\d items` {
			t.Fatalf("%s failed:\n%s", c, out.String())
		}
	}
	got := out.String()
	for _, want := range []string{
		"Sequence \"s.items_id_seq\"\n",
		" integer |     1 |       1 | 2147483647 |         1 | no      |     1\nOwned by: s.items.id\n",
		"Index \"s.items_code_idx\"\n",
		" Column | Type | Key? | Definition  \n",
		" lower  | text | yes  | lower(code)\nbtree, for table \"s.items\", predicate (code IS NOT NULL)\n",
		" s      | items | table | postgres\n",
		// s is not on the search path.
		"Did not find any relation named \"items\".\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n--- output:\n%s", want, got)
		}
	}
}

func TestSplitPattern(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, schema, name string
		qualified        bool
	}{
		{"users", "^()$", "^(users)$", false},
		{"Users", "^()$", "^(users)$", false},
		{`"Users"`, "^()$", "^(Users)$", false},
		{"sales.*", "^(sales)$", "^(.*)$", true},
		{"u?er*", "^()$", "^(u.er.*)$", false},
		{`"a.b"`, "^()$", `^(a\.b)$`, false},
		{"a$", "^()$", `^(a\$)$`, false},
	} {
		schema, name, q := splitPattern(tc.in)
		if schema != tc.schema || name != tc.name || q != tc.qualified {
			t.Errorf("splitPattern(%q) = %q, %q, %v; want %q, %q, %v", tc.in, schema, name, q, tc.schema, tc.name, tc.qualified)
		}
	}
}

// TestDescribeMatchesPsql runs the same backslash commands in psql 15
// against PostgreSQL 15 and in this CLI against Tusk, over the schema of
// testdata/psql/schema.sql: the output must be the same, byte for byte.
func TestDescribeMatchesPsql(t *testing.T) {
	url := pgoracle.Start(t)
	psql, err := findPsql()
	if err != nil {
		pgoracle.Unavailable(t, "%v", err)
	}
	root, err := pgoracle.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	schemaFile := filepath.Join(root, "testdata", "psql", "schema.sql")
	schema, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	commands := []string{
		`\d`, `\dt`, `\di`, `\dv`, `\ds`, `\dn`, `\df`, `\du`,
		`\d users`, `\d orders`, `\d active_users`, `\d invoice_seq`, `\d users_id_seq`,
		`\d users_pkey`, `\d users_email_key`, `\dt sales.*`, `\d sales.regions`, `\d *.regions`,
		`\dt user*`, `\di users*`, `\d nothere`, `\dt nothere`,
		`\x`, `SELECT 1 AS a, 'two' AS bb, E'multi\nline' AS ml;`, `\x`,
		`SELECT 12 AS n, E'a\nbcd' AS ml, 3.5 AS x;`,
	}

	if out, err := exec.Command(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", schemaFile, url).CombinedOutput(); err != nil {
		t.Fatalf("psql schema: %v\n%s", err, out)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "commands.sql")
	if err := os.WriteFile(script, []byte(strings.Join(commands, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(psql, "-X", "-f", script, url)
	var want, wantErr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &want, &wantErr
	if err := cmd.Run(); err != nil {
		t.Fatalf("psql: %v\n%s", err, wantErr.String())
	}
	// psql reports "not found" on stderr, with the script's position.
	wantNotFound := psqlErrPrefix.ReplaceAllString(wantErr.String(), "")

	term, got := newTerm(t)
	if !term.run(string(schema)) {
		t.Fatalf("schema: %s", got.String())
	}
	got.Reset()
	for _, c := range commands {
		if strings.HasPrefix(c, `\`) {
			term.meta(c)
		} else {
			term.run(c)
		}
	}
	// The CLI prints everything on one stream.
	var gotOut, gotNotFound strings.Builder
	for _, line := range strings.SplitAfter(got.String(), "\n") {
		if strings.HasPrefix(line, "Did not find any relation") {
			gotNotFound.WriteString(line)
		} else {
			gotOut.WriteString(line)
		}
	}
	if gotOut.String() != want.String() {
		t.Errorf("output differs from psql's\n--- psql:\n%s\n--- tusk:\n%s", want.String(), gotOut.String())
	}
	if gotNotFound.String() != wantNotFound {
		t.Errorf("messages differ from psql's\n--- psql:\n%s\n--- tusk:\n%s", wantNotFound, gotNotFound.String())
	}
}

var psqlErrPrefix = regexp.MustCompile(`(?m)^psql:[^:]+:\d+: error: `)

// findPsql finds psql 15 where Debian installs it, or on PATH.
func findPsql() (string, error) {
	if matches, _ := filepath.Glob("/usr/lib/postgresql/15/bin/psql"); len(matches) > 0 {
		return matches[0], nil
	}
	return exec.LookPath("psql")
}
