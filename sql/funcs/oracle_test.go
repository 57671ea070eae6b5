package funcs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/tuskdb/tusk/sql/types"
	"github.com/tuskdb/tusk/vfs"
)

// TestOracle checks every case of testdata/cases.txt against a live
// PostgreSQL 15. It runs when TUSK_FUNCS_ORACLE is set:
//
//	TUSK_FUNCS_ORACLE=1        compare the recorded answers with the server's
//	TUSK_FUNCS_ORACLE=rewrite  replace the recorded answers with the server's
//
// The server is TUSK_FUNCS_ORACLE_URL, or one started with the shared
// tool ../shared/tools/pg-oracle (port 57011) and stopped afterwards.
func TestOracle(t *testing.T) {
	mode := os.Getenv("TUSK_FUNCS_ORACLE")
	if mode == "" {
		t.Skip("TUSK_FUNCS_ORACLE not set; the recorded answers are checked by TestCases")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn := oracleConn(ctx, t)
	defer conn.Close(ctx)

	cases := loadCases(t)
	lines := strings.Split(casesFile, "\n")
	for _, c := range cases {
		got := oracleAnswer(ctx, conn, c)
		if mode == "rewrite" {
			lines[c.line-1] = c.raw + " => " + got
			continue
		}
		if got != c.want {
			t.Errorf("cases.txt:%d %s\nPostgreSQL: %s\n  recorded: %s", c.line, c.raw, got, c.want)
		}
	}
	if mode == "rewrite" {
		f, err := vfs.Default.OpenFile("testdata/cases.txt", os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt([]byte(strings.Join(lines, "\n")), 0); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// oracleConn connects to TUSK_FUNCS_ORACLE_URL, or to a server started
// with the shared pg-oracle tool (stopped when the test ends).
func oracleConn(ctx context.Context, t *testing.T) *pgx.Conn {
	t.Helper()
	url := os.Getenv("TUSK_FUNCS_ORACLE_URL")
	if url == "" {
		tool, err := filepath.Abs("../../../shared/tools/pg-oracle")
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(tool, "start", "57011").Output()
		if err != nil {
			t.Fatalf("pg-oracle start: %v", err)
		}
		url = strings.TrimSpace(string(out))
		t.Cleanup(func() { _ = exec.Command(tool, "stop", "57011").Run() })
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	return conn
}

func sqlLit(t *types.T, v *string) string {
	typ := types.FormatType(t, -1)
	if t.OID == types.Char.OID {
		typ = `"char"`
	}
	if v == nil {
		return "CAST(NULL AS " + typ + ")"
	}
	return "CAST('" + strings.ReplaceAll(*v, "'", "''") + "' AS " + typ + ")"
}

func litList(ts []*types.T, vals []*string) string {
	var parts []string
	for i, v := range vals {
		parts = append(parts, sqlLit(ts[i], v))
	}
	return strings.Join(parts, ", ")
}

// caseSQL renders a case as a query whose rows are the answer's text.
func caseSQL(c *tcase) string {
	fn := `pg_catalog."` + c.name + `"`
	switch c.kind {
	case "":
		return "SELECT coalesce((" + fn + "(" + litList(c.types, c.vals) + "))::text, 'NULL')"
	case "setof":
		return "SELECT coalesce(x::text, 'NULL') FROM " + fn + "(" + litList(c.types, c.vals) + ") AS x"
	}
	var cols []string
	for i := range c.types {
		cols = append(cols, fmt.Sprintf("c%d", i+1))
	}
	var rows []string
	for i, r := range c.rows {
		vals := litList(c.types, r)
		if c.kind == "win" {
			prefix := fmt.Sprintf("%d, %d", i, c.keys[i])
			if len(r) > 0 {
				vals = prefix + ", " + vals
			} else {
				vals = prefix
			}
		} else if len(r) == 0 {
			vals = "1"
		}
		rows = append(rows, "("+vals+")")
	}
	if c.kind == "agg" {
		from := "(VALUES " + strings.Join(rows, ", ") + ") v(" + strings.Join(cols, ", ") + ")"
		if len(cols) == 0 {
			from = "(VALUES " + strings.Join(rows, ", ") + ") v(d)"
		}
		if len(rows) == 0 {
			var sel []string
			for i, t := range c.types {
				sel = append(sel, sqlLit(t, nil)+" AS "+cols[i])
			}
			if len(sel) == 0 {
				sel = []string{"1 AS d"}
			}
			from = "(SELECT " + strings.Join(sel, ", ") + " WHERE false) v"
		}
		call := fn + "(" + strings.Join(cols, ", ") + ")"
		if len(cols) == 0 {
			call = fn + "(*)"
		}
		return "SELECT coalesce(" + call + "::text, 'NULL') FROM " + from
	}
	frame := ""
	if c.full {
		frame = " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
	}
	return "SELECT coalesce(string_agg(coalesce(r::text, 'NULL'), ' | ' ORDER BY id), '(empty)') FROM (SELECT id, " +
		fn + "(" + strings.Join(cols, ", ") + ") OVER (ORDER BY k" + frame + ") AS r FROM (VALUES " +
		strings.Join(rows, ", ") + ") v(" + strings.Join(append([]string{"id", "k"}, cols...), ", ") + ")) s"
}

func oracleAnswer(ctx context.Context, conn *pgx.Conn, c *tcase) string {
	tz := c.tz
	if tz == "" {
		tz = "UTC"
	}
	if _, err := conn.Exec(ctx, "SET TimeZone = '"+tz+"'"); err != nil {
		return "SET TimeZone: " + err.Error()
	}
	rows, err := conn.Query(ctx, caseSQL(c))
	var out []string
	if err == nil {
		for rows.Next() {
			var s string
			if err = rows.Scan(&s); err != nil {
				break
			}
			out = append(out, s)
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return fmt.Sprintf("ERROR %s %s", pe.Code, pe.Message)
	}
	if err != nil {
		return "ERROR " + err.Error()
	}
	if c.kind == "setof" && len(out) == 0 {
		return "(empty)"
	}
	return strings.Join(out, " | ")
}

// TestOracleCatalog compares every registered function's metadata with
// PostgreSQL's pg_proc row of the same OID (run with TUSK_FUNCS_ORACLE).
func TestOracleCatalog(t *testing.T) {
	if os.Getenv("TUSK_FUNCS_ORACLE") == "" {
		t.Skip("TUSK_FUNCS_ORACLE not set")
	}
	ctx := context.Background()
	conn := oracleConn(ctx, t)
	defer conn.Close(ctx)
	for _, f := range All() {
		var name, args, ret, kind, vol, variadic string
		var strict, retset bool
		var ndefaults int
		err := conn.QueryRow(ctx, `SELECT proname, pg_get_function_identity_arguments(oid), prorettype::regtype::text,
			prokind::text, provolatile::text, proisstrict, proretset, provariadic::regtype::text, pronargdefaults
			FROM pg_proc WHERE oid = $1`, uint32(f.OID)).Scan(&name, &args, &ret, &kind, &vol, &strict, &retset, &variadic, &ndefaults)
		if err != nil {
			t.Errorf("%s (oid %d): %v", f.Signature(), f.OID, err)
			continue
		}
		want := name + "(" + args + ")"
		if got := f.SQLSignature(); got != want {
			t.Errorf("oid %d: signature %s, PostgreSQL has %s", f.OID, got, want)
		}
		if got := sqlTypeName(f.Ret); got != ret {
			t.Errorf("%s: returns %s, PostgreSQL %s", want, got, ret)
		}
		if string(rune(f.Kind)) != kind || string(rune(f.Volatility)) != vol || f.Strict != strict || f.RetSet != retset {
			t.Errorf("%s: kind/volatility/strict/retset %c %c %v %v, PostgreSQL %s %s %v %v", want,
				f.Kind, f.Volatility, f.Strict, f.RetSet, kind, vol, strict, retset)
		}
		gotVar := "-"
		if f.Variadic != nil {
			gotVar = sqlTypeName(f.Variadic)
		}
		if gotVar != variadic {
			t.Errorf("%s: variadic %s, PostgreSQL %s", want, gotVar, variadic)
		}
		if len(f.Defaults) != ndefaults {
			t.Errorf("%s: %d defaults, PostgreSQL %d", want, len(f.Defaults), ndefaults)
		}
	}
}
