// Package difftest is Tusk's differential test of the SQL engine: it
// generates tables and queries from a seed, runs each query on Tusk and on
// PostgreSQL 15, and compares the outcomes. PostgreSQL's results are the
// expected ones; nothing here hard-codes a result (D3). README.md lists
// the invariants (D1–D9) that make the comparison sound.
//
// It owns the schema and data generator, the query generator (templates
// and a small expression grammar in sixteen categories), the comparison
// and the PostgreSQL engine. TestDifferential (difftest_test.go) wires
// them to the oracle of internal/pgoracle; the Tusk engine lives in
// tusk_test.go, because package tusk ranks with this one in the import
// layers and may only be imported from tests.
//
// API:
//
//	Generate(r) *Schema                     tables t1..t5 and their rows (D1, D5, D6)
//	(*Schema).Statements(reverse) []string  CREATE TABLE + one INSERT per row (D2)
//	NewGenerator(r, s).Queries(n) []Query   n distinct queries; Query{Category, SQL, Ordered, Keys}
//	Categories(), Distinct(qs), CategoryCounts(qs)
//	Engine, Load(ctx, e, s, reverse)        what the test drives
//	OpenPostgres(ctx, url, db, settings...) the reference engine (simple protocol, text values)
//	Result, Value                           an outcome: column types + rows, or SQLSTATE
//	Compare(q, want, got) *Mismatch         nil when the outcomes match (D4, D5)
//	(*Mismatch).Class(), Report(...)       grouping and rendering for the failure list
//
// Running it:
//
//	go test ./internal/difftest                           3000 queries, random seed
//	DIFFTEST_SEED=42 go test ./internal/difftest          repeat a run
//	go test ./internal/difftest -difftest.n=20000 -difftest.out=/tmp/diff.txt
//	go test -tags difftest_pgonly ./internal/difftest     PostgreSQL self-check only (D8),
//	                                                      for when package tusk does not compile
package difftest
