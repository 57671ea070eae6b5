package parser

import (
	"errors"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

// COMMENT ON parses into a CommentStmt that deparses back to the same
// statement; other object kinds are 0A000 and bad names 42601.
func TestCommentStmt(t *testing.T) {
	for sql, want := range map[string]string{
		"comment on table public.users is 'it''s'": "COMMENT ON TABLE public.users IS 'it''s'",
		"COMMENT ON COLUMN users.email IS NULL":    "COMMENT ON COLUMN users.email IS NULL",
		`COMMENT ON SCHEMA "Sales" IS ''`:          `COMMENT ON SCHEMA "Sales" IS ''`,
		"COMMENT ON VIEW v IS 'x'":                 "COMMENT ON VIEW v IS 'x'",
		"COMMENT ON INDEX s.i IS 'x'":              "COMMENT ON INDEX s.i IS 'x'",
		"COMMENT ON SEQUENCE q IS 'x'":             "COMMENT ON SEQUENCE q IS 'x'",
	} {
		st, ok := mustParse1(t, sql).(*ast.CommentStmt)
		if !ok {
			t.Fatalf("%s: not a CommentStmt", sql)
		}
		if got := ast.String(st); got != want {
			t.Errorf("%s: deparsed %q, want %q", sql, got, want)
		}
	}
	for sql, code := range map[string]pgerr.Code{
		"COMMENT ON FUNCTION f() IS 'x'":  pgerr.FeatureNotSupported,
		"COMMENT ON SCHEMA a.b IS 'x'":    pgerr.SyntaxError,
		"COMMENT ON COLUMN c IS 'x'":      pgerr.SyntaxError,
		"COMMENT ON TABLE t IS 42":        pgerr.SyntaxError,
		"COMMENT ON TABLE a.b.c.d IS 'x'": pgerr.SyntaxError,
	} {
		_, err := Parse(sql)
		var pe *pgerr.Error
		if !errors.As(err, &pe) || pe.Code != code {
			t.Errorf("%s: got %v, want %s", sql, err, code)
		}
	}
}
