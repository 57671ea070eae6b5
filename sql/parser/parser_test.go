package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

func mustParse1(t *testing.T, sql string) ast.Stmt {
	t.Helper()
	stmts, err := Parse(sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if len(stmts) != 1 {
		t.Fatalf("%s: %d statements", sql, len(stmts))
	}
	return stmts[0]
}

func firstTarget(t *testing.T, sql string) ast.Expr {
	t.Helper()
	return mustParse1(t, sql).(*ast.SelectStmt).Targets[0].Val
}

// TestPositions checks A1: each node's Pos is the byte offset PostgreSQL
// would use as its location.
func TestPositions(t *testing.T) {
	sel := mustParse1(t, "SELECT a + b AS s, t.c FROM s.t AS x WHERE x.c IS NULL").(*ast.SelectStmt)
	bin := sel.Targets[0].Val.(*ast.BinaryExpr)
	check := func(what string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s: Pos %d, want %d", what, got, want)
		}
	}
	check("select", sel.Pos, 0)
	check("target", sel.Targets[0].Pos, 7)
	check("+", bin.Pos, 9)
	check("a", bin.Left.Position(), 7)
	check("b", bin.Right.Position(), 11)
	check("t.c", sel.Targets[1].Val.Position(), 19)
	check("s.t", sel.From[0].Position(), 28)
	check("alias", sel.From[0].(*ast.RangeVar).Alias.Pos, 32)
	check("IS NULL", sel.Where.Position(), 47)

	check("negated constant", firstTarget(t, "SELECT  -1").Position(), 8)
	check("::", firstTarget(t, "SELECT a::int").Position(), 8)
	check("CAST", firstTarget(t, "SELECT CAST(a AS int)").Position(), 7)
	check("typed literal", firstTarget(t, "SELECT date '2024-01-01'").Position(), 7)
	check("typed literal's string", firstTarget(t, "SELECT date '2024-01-01'").(*ast.TypeCast).Arg.Position(), 12)
	check("func", firstTarget(t, "SELECT  f(1)").Position(), 8)
	check("IN", firstTarget(t, "SELECT a IN (1)").Position(), 9)
	check("NOT IN", firstTarget(t, "SELECT a NOT IN (1)").Position(), 9)
	check("BETWEEN", firstTarget(t, "SELECT a BETWEEN 1 AND 2").Position(), 9)
	check("subquery", firstTarget(t, "SELECT (SELECT 1)").Position(), 7)
	check("param", firstTarget(t, "SELECT $1").Position(), 7)
	check("after multibyte", firstTarget(t, "SELECT 'é' || x").(*ast.BinaryExpr).Right.Position(), 15)

	ins := mustParse1(t, "INSERT INTO t (a, bb) VALUES (1, 2)").(*ast.InsertStmt)
	check("insert column", ins.Columns[1].Pos, 18)
	ct := mustParse1(t, "CREATE TABLE t (id int, name text NOT NULL)").(*ast.CreateTableStmt)
	check("column def", ct.Columns[1].Pos, 24)
	check("constraint", ct.Columns[1].Constraints[0].Pos, 34)
	check("type name", ct.Columns[1].Type.Pos, 29)
}

func TestParseRaw(t *testing.T) {
	sql := "SELECT 1; /* c */ select  2 ;;  SHOW x"
	raw, err := ParseRaw(sql)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range raw {
		got = append(got, r.Text(sql))
	}
	want := []string{"SELECT 1", "select  2", "SHOW x"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("statement texts %q, want %q", got, want)
	}
}

// TestErrors checks P1: the error type, code, message and character
// position.
func TestErrors(t *testing.T) {
	cases := []struct {
		sql  string
		code pgerr.Code
		msg  string
		pos  int
	}{
		{"SELCT 1", pgerr.SyntaxError, `syntax error at or near "SELCT"`, 1},
		{"SELECT 1 FROM", pgerr.SyntaxError, "syntax error at end of input", 14},
		{"SELECT 'abc", pgerr.SyntaxError, `unterminated quoted string at or near "'abc"`, 8},
		// Positions count characters, not bytes.
		{"SELECT 'ééé' selct x", pgerr.SyntaxError, `syntax error at or near "x"`, 20},
		{"SELECT 'é'; SELECT 1 2", pgerr.SyntaxError, `syntax error at or near "2"`, 22},
		// An earlier syntax error wins over a later lexical error (L2).
		{"SELCT 'abc", pgerr.SyntaxError, `syntax error at or near "SELCT"`, 1},
		{"SELECT E'\\xff'", pgerr.CharacterNotInRepertoire, `invalid byte sequence for encoding "UTF8": 0xff`, 0},
		{"SELECT '\xff'", pgerr.CharacterNotInRepertoire, `invalid byte sequence for encoding "UTF8": 0xff`, 0},
		{"SELECT 1\x00", pgerr.CharacterNotInRepertoire, `invalid byte sequence for encoding "UTF8": 0x00`, 0},
		{"GRANT ALL ON t TO u", pgerr.FeatureNotSupported, "GRANT is not supported", 1},
	}
	for _, c := range cases {
		_, err := Parse(c.sql)
		var pe *pgerr.Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v is not a *pgerr.Error", c.sql, err)
			continue
		}
		if pe.Code != c.code || pe.Message != c.msg || pe.Position != c.pos {
			t.Errorf("%q: got %s %q at %d, want %s %q at %d", c.sql, pe.Code, pe.Message, pe.Position, c.code, c.msg, c.pos)
		}
		if !errors.Is(err, &pgerr.Error{Code: c.code}) {
			t.Errorf("%q: errors.Is by code failed", c.sql)
		}
	}
}

// TestDepthLimit checks P4: deep nesting and long operator chains fail
// cleanly instead of exhausting the stack.
func TestDepthLimit(t *testing.T) {
	for _, sql := range []string{
		"SELECT " + strings.Repeat("(", 50000) + "1" + strings.Repeat(")", 50000),
		"SELECT 1" + strings.Repeat(" + 1", 50000),
		"SELECT " + strings.Repeat("NOT ", 50000) + "true",
		"SELECT * FROM a" + strings.Repeat(" JOIN a", 50000),
		"SELECT ARRAY" + strings.Repeat("[", 50000),
		strings.Repeat("(", 50000) + "SELECT 1",
	} {
		_, err := Parse(sql)
		if pgerr.CodeOf(err) != pgerr.StatementTooComplex {
			t.Errorf("%.30s...: got %v, want stack depth limit exceeded", sql, err)
		}
	}
	// What PostgreSQL accepts with its default 2MB stack still parses.
	if _, err := Parse("SELECT " + strings.Repeat("(", 3000) + "1" + strings.Repeat(")", 3000)); err != nil {
		t.Errorf("3000 parentheses: %v", err)
	}
	if _, err := Parse("SELECT 1" + strings.Repeat(" AND true", 50000)); err != nil {
		t.Errorf("long AND chain (flattened): %v", err)
	}
}

func TestIdentifiers(t *testing.T) {
	long := strings.Repeat("x", 70)
	ref := firstTarget(t, "SELECT "+long+", \"MiXed\"").(*ast.ColumnRef)
	if got := ref.Names[0]; got != long[:63] {
		t.Errorf("identifier truncated to %d bytes, want 63", len(got))
	}
	// Truncation keeps whole characters (L3): 31 'é' (62 bytes) + 'é' = 64 bytes -> 62.
	ref = firstTarget(t, `SELECT "`+strings.Repeat("é", 32)+`"`).(*ast.ColumnRef)
	if got := ref.Names[0]; got != strings.Repeat("é", 31) {
		t.Errorf("multibyte truncation: %q", got)
	}
	sel := mustParse1(t, `SELECT Abc, "Abc", ÄBC FROM T`).(*ast.SelectStmt)
	var names []string
	for _, tg := range sel.Targets {
		names = append(names, tg.Val.(*ast.ColumnRef).Names[0])
	}
	if strings.Join(names, ",") != "abc,Abc,Äbc" {
		t.Errorf("folding: %v (only ASCII letters fold)", names)
	}
}

func TestLiterals(t *testing.T) {
	cases := []struct {
		sql  string
		kind ast.LiteralKind
		val  string
	}{
		{"SELECT 2147483647", ast.LitInteger, "2147483647"},
		{"SELECT 2147483648", ast.LitNumeric, "2147483648"},
		{"SELECT -2147483648", ast.LitNumeric, "-2147483648"},
		{"SELECT - 5", ast.LitInteger, "-5"},
		{"SELECT -1.5", ast.LitNumeric, "-1.5"},
		{"SELECT 1e3", ast.LitNumeric, "1e3"},
		{"SELECT 'a''b'", ast.LitString, "a'b"},
		{"SELECT E'a\\tb\\x41\\u00e9\\\\'", ast.LitString, "a\tbAé\\"},
		{"SELECT 'a\\n'", ast.LitString, "a\\n"},
		{"SELECT $x$a'b$x$", ast.LitString, "a'b"},
		{"SELECT 'a'\n  'b'", ast.LitString, "ab"},
		{"SELECT U&'d\\0061t\\+000061'", ast.LitString, "data"},
		{"SELECT B'0101'", ast.LitBitString, "b0101"},
		{"SELECT x'1F'", ast.LitBitString, "x1F"},
		{"SELECT NULL", ast.LitNull, "null"},
		{"SELECT TRUE", ast.LitBool, "true"},
	}
	for _, c := range cases {
		l, ok := firstTarget(t, c.sql).(*ast.Literal)
		if !ok || l.Kind != c.kind || l.Val != c.val {
			t.Errorf("%s: got %#v, want kind %d %q", c.sql, firstTarget(t, c.sql), c.kind, c.val)
		}
	}
}

func TestParseExprAndType(t *testing.T) {
	e, err := ParseExpr("nextval('s'::regclass) + 1")
	if err != nil || ast.String(e) != "(nextval('s'::regclass) + 1)" {
		t.Errorf("ParseExpr: %v %v", e, err)
	}
	if _, err := ParseExpr("1 2"); pgerr.CodeOf(err) != pgerr.SyntaxError {
		t.Errorf("ParseExpr trailing garbage: %v", err)
	}
	tn, err := ParseTypeName("character varying(10)[]")
	if err != nil || strings.Join(tn.Names, ".") != "pg_catalog.varchar" || len(tn.ArrayBounds) != 1 || len(tn.Typmods) != 1 {
		t.Errorf("ParseTypeName: %#v %v", tn, err)
	}
}

// TestKeywordTable checks the generated table against the counts of
// PostgreSQL 15's kwlist.h.
func TestKeywordTable(t *testing.T) {
	counts := map[kwCategory]int{}
	for k := keyword(1); int(k) < len(keywordInfo); k++ {
		counts[k.category()]++
		if lookupKeyword(k.String()) != k {
			t.Errorf("lookup %q", k.String())
		}
	}
	want := map[kwCategory]int{unreservedKw: 309, colNameKw: 51, typeFuncNameKw: 23, reservedKw: 77}
	for c, n := range want {
		if counts[c] != n {
			t.Errorf("category %d: %d keywords, want %d", c, counts[c], n)
		}
	}
	if lookupKeyword("select") != kwSELECT || lookupKeyword("SELECT") != kwNone || lookupKeyword("foo") != kwNone {
		t.Error("lookupKeyword")
	}
}

// TestShapes spot-checks tree shapes that the printed form cannot show.
func TestShapes(t *testing.T) {
	// x NOT IN (subquery) is NOT (x = ANY (subquery)), as in PostgreSQL.
	not := firstTarget(t, "SELECT x NOT IN (SELECT 1)").(*ast.BoolExpr)
	if sl := not.Args[0].(*ast.SubLink); not.Op != ast.Not || sl.Kind != ast.AnySubLink || sl.Op != "=" {
		t.Errorf("NOT IN subquery: %#v", not)
	}
	// AND chains are flattened (makeAndExpr).
	and := firstTarget(t, "SELECT a AND b AND c").(*ast.BoolExpr)
	if len(and.Args) != 3 {
		t.Errorf("AND chain has %d args, want 3", len(and.Args))
	}
	// SET (a, b) = src is one MultiAssignRef per column.
	up := mustParse1(t, "UPDATE t SET (a, b) = (SELECT 1, 2)").(*ast.UpdateStmt)
	m := up.Set[1].Val.(*ast.MultiAssignRef)
	if len(up.Set) != 2 || m.Colno != 2 || m.Ncols != 2 || up.Set[0].Val.(*ast.MultiAssignRef).Source != m.Source {
		t.Errorf("multi-assignment: %#v", up.Set)
	}
	// SQL-standard type names are normalized (A2); char without length is char(1).
	ct := mustParse1(t, "CREATE TABLE t (a INTEGER, b CHAR, c DOUBLE PRECISION, d serial)").(*ast.CreateTableStmt)
	var got []string
	for _, c := range ct.Columns {
		got = append(got, strings.Join(c.Type.Names, "."))
	}
	if strings.Join(got, " ") != "pg_catalog.int4 pg_catalog.bpchar pg_catalog.float8 serial" {
		t.Errorf("type names %v", got)
	}
	if l := ct.Columns[1].Type.Typmods[0].(*ast.Literal); l.Val != "1" {
		t.Errorf("char typmod %v", l)
	}
	// LIMIT ALL is a NULL limit (A4); FETCH FIRST n ROWS ONLY is LIMIT n.
	if l := mustParse1(t, "SELECT 1 LIMIT ALL").(*ast.SelectStmt).Limit.(*ast.Literal); l.Kind != ast.LitNull {
		t.Errorf("LIMIT ALL: %#v", l)
	}
	// SELECT INTO is CREATE TABLE AS.
	if _, ok := mustParse1(t, "SELECT 1 INTO TEMP x").(*ast.CreateTableAsStmt); !ok {
		t.Error("SELECT INTO is not CREATE TABLE AS")
	}
	// Interval fields.
	tc := firstTarget(t, "SELECT INTERVAL '1' DAY TO SECOND(3)").(*ast.TypeCast)
	if tc.Type.IntervalFields != ast.IntervalDay|ast.IntervalHour|ast.IntervalMinute|ast.IntervalSecond || len(tc.Type.Typmods) != 1 {
		t.Errorf("interval: %#v", tc.Type)
	}
}
