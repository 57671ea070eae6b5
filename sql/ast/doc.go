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
//
// Invariants (see README.md):
//
//	A1: every node carries Pos, the 0-based byte offset into the statement
//	    text of the first token of the construct (for operators: of the
//	    operator token, as PostgreSQL's A_Expr location).
//	A2: names are stored as the parser resolved them: unquoted identifiers
//	    folded to lower case, quoted ones verbatim, both truncated to 63 bytes.
//	A3: String output re-parses to an identical tree (positions aside);
//	    expressions print fully parenthesized, so the printed form shows the
//	    tree's shape.
//	A4: nil slices and zero values mean "not written"; the parser never
//	    stores empty non-nil slices for optional lists.
package ast
