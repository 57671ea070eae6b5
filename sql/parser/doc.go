// Package parser turns SQL text into ast statements: a hand-written lexer
// mirroring PostgreSQL 15's scan.l and a recursive-descent parser for the
// part of gram.y that Tusk supports. It does no name resolution or type
// checking: "SELECT naem FROM users" parses.
//
// API:
//
//	Parse(sql) ([]ast.Stmt, error)        ';'-separated statements; empty ones skipped
//	ParseRaw(sql) ([]RawStmt, error)       the same, with each statement's byte range
//	ParseExpr(sql) (ast.Expr, error)       one a_expr (column defaults, CHECK text)
//	ParseTypeName(sql) (*ast.TypeName, error)
//
// Errors are *pgerr.Error, worded and positioned as PostgreSQL reports them:
// `syntax error at or near "SELCT"` (42601) with Position the 1-based
// character offset of the offending token, `syntax error at end of input`,
// `unterminated quoted string at or near "'abc"`, and the checks gram.y
// makes while parsing ("multiple ORDER BY clauses not allowed", "LIMIT #,#
// syntax is not supported", frame and constraint-attribute checks ...).
// Errors PostgreSQL raises during analysis (unknown columns, VALUES lists of
// different lengths, NULL/NOT NULL conflicts, type modifier checks) are
// left to the analyzer.
//
// Statements PostgreSQL has but Tusk does not (GRANT, CREATE FUNCTION,
// TABLESAMPLE, partitioning ...) fail with FeatureNotSupported (0A000).
//
// The rules the code keeps are numbered in README.md (L1..L4, P1..P5).
//
// Files: lexer.go (scan.l), keywords*.go (kwlist.h, generated from a real
// server's pg_get_keywords()), expr.go (a_expr/b_expr/c_expr with gram.y's
// precedence table), types.go (Typename), select.go (SelectStmt, FROM,
// joins), dml.go, ddl.go, utility.go.
package parser
