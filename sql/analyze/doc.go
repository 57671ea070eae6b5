// Package analyze is the second stage of Tusk's SQL pipeline (PostgreSQL's
// parse analysis, parser/analyze.c and parse_*.c): it turns the parser's
// untyped AST into a Query whose names are resolved against the catalog
// and whose every expression is typed with PostgreSQL's rules.
//
// What it does:
//   - resolves tables (42P01) and columns (42703, 42702 when ambiguous);
//   - types literals: integers as int4, int8 or numeric by size, decimals
//     as numeric, strings as "unknown" until context gives them a type;
//   - resolves operators like oper_select_candidate: exact match, unknown
//     literals take the other side's type, then implicit casts (42883 when
//     none fits, 42725 when several do);
//   - coerces INSERT/UPDATE values to column types in assignment context
//     (42804 when no assignment cast exists);
//   - infers the types of $n parameters from their context (text when none).
//
// Invariants:
//
//	A1: Every Expr has a non-nil type after analysis; "unknown" survives
//	    only in a top-level SELECT output column, where it becomes text.
//	A2: Analysis reads the catalog through the statement's snapshot only.
//	A3: Errors carry the SQLSTATE and the 1-based position of the offending
//	    token, as PostgreSQL reports them.
package analyze
