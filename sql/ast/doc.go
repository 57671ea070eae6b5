// Package ast is the typed syntax tree of Tusk's SQL dialect (PostgreSQL 15),
// produced by package parser and consumed by the analyzer.
//
// It owns only data types and their printing; it does no name resolution
// or type checking. Node shapes follow PostgreSQL's parsenodes.h (SelectStmt,
// RangeVar, ResTarget, FuncCall, SubLink, Constraint, DefElem ...) so that
// analyzer code can mirror parse_*.c, but expressions use one node type per
// construct (BinaryExpr, LikeExpr, InExpr, BetweenExpr ...) instead of
// PostgreSQL's A_Expr with a kind field.
//
// API:
//
//	Node, Stmt, Expr, TableExpr  interfaces; every node has Position()
//	String(n Node) string         canonical SQL text of any node (deparse)
//	Inspect(n, func(Node) bool)   depth-first walk, like go/ast.Inspect
//	QuoteIdent, QuoteString       quoting helpers
//
// Invariants A1..A4 are in README.md: Pos of every node, name folding,
// String round-trips, nil for "not written".
//
// Files: ast.go (interfaces, FROM items), expr.go, query.go (SELECT, INSERT,
// UPDATE, DELETE), ddl.go, utility.go, deparse*.go (String).
package ast
