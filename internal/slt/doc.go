// Package slt runs sqllogictest scripts (SQLite's sqllogictest format, see
// README.md beside this file and /work/shared/conformance/README.md) against
// a SQL engine and counts how many records pass.
//
// It owns the record parser, the rendering of result values, the sort
// modes, result hashing, the per-file counts and the PostgreSQL engine used
// as the reference (an adapter over pgx's pgconn, simple protocol). The Tusk
// engine lives in cmd/sqllogictest, because package tusk sits at the same
// layer as this package.
//
// API:
//
//	Parse(name, src) (*Script, error)         records of one script (S1–S5)
//	Render(v Value, typ byte) string          one value as sqllogictest prints it (S6–S8)
//	SortValues(vals, ncols, mode)             nosort / rowsort / valuesort (S9)
//	HashValues(vals), HashLine(vals)          md5 of the values, each + "\n" (S10)
//	Result(rows, types, mode, threshold)      the lines a query result is compared by
//	Engine, OpenFunc                          what a Runner drives; one Engine per file (S11)
//	Runner.RunFile / RunScript -> FileResult  executed, passed, failed, skipped (S12–S14);
//	                                          Runner.OnFailure receives each *Failure
//	ErrEngineDown, ErrTimeout                 engine errors that fail the rest of a file (S13)
//	CollectFiles(fs, paths)                   *.test files, directories recursively
//	ReadBaseline, LoadBaseline, FindBaseline  PG15_BASELINE.tsv rows by file
//	NewPostgres(ctx, url) -> *Postgres        engine factory (Postgres.Open): a fresh database per file
//	KindOfType, KindOfOID                     column type -> ValueKind
//
// The mirrored C code is SQLite's src/sqllogictest.c (the record loop) and
// src/slt_sqlite.c (value rendering).
package slt
