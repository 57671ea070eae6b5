// Package bench compares Tusk with SQLite (modernc.org/sqlite, pure Go)
// on the same tables and queries, in the same `go test -bench` run. It is
// a module of its own so that SQLite is a dependency of the benchmarks
// only, never of Tusk.
//
//	cd bench && go test -run '^$' -bench . -benchtime 2s -count 5 | tee /tmp/bench.txt
//	benchstat /tmp/bench.txt
//
// Both engines run in memory (Tusk on its in-memory file system, SQLite
// with :memory:) through database/sql with prepared statements, so the
// numbers compare the engines, not the disks. BENCHMARKS.md records the
// results.
package bench
