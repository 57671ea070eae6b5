// Command sqllogictest runs sqllogictest scripts on Tusk or on a real
// PostgreSQL server and counts the records that pass (see internal/slt and
// /work/shared/conformance/README.md).
//
//	go run ./cmd/sqllogictest [flags] FILE_OR_DIR...
//
// Directories are searched recursively for *.test files. Without -url the
// scripts run on Tusk, each file on a fresh in-memory database
// (tusk.Open("")); with -url postgres://... each file runs in a fresh
// database created on that server and dropped afterwards.
//
// Output: one line per file,
//
//	FILE: executed N, passed N, failed N, skipped N
//
// and a closing line "N passed, N failed, N skipped".
//
// Flags:
//
//	-url URL       run on the PostgreSQL server at URL instead of Tusk
//	-v             print each failing record's location and reason
//	-failures F    write every failing record (file:line, SQL, expected and got) to F
//	-baseline      compare each file's counts with PG15_BASELINE.tsv, found
//	               beside the corpus (the file's folder or a parent); exit 1 on a difference
//	-baseline-file use this baseline file instead of searching for one
//	-timeout D     time allowed for one record (default 60s); past it the
//	               rest of the file fails
//
// Exit status: 2 when a file cannot be read or parsed, or the engine
// cannot be reached; 1 when -baseline found a difference; 0 otherwise
// (failing records alone do not change it).
//
// The Tusk engine is in tusk.go; main.go builds without it
// (go run ./cmd/sqllogictest/main.go -url ...) when package tusk does not
// compile.
package main
