// Package pgoracle gives tests a throwaway PostgreSQL 15 server to compare
// Tusk with, through the shared tool ../shared/tools/pg-oracle (relative to
// the repository root).
//
// API:
//
//	RepoRoot() (string, error)  the directory holding go.mod above the working directory
//	SharedDir(t) string         the shared/ folder beside the repository root
//	Port(name) int              the first port Start tries for a test name (O2)
//	Start(t) (url string)       a fresh server for t, stopped by t.Cleanup
//	Unavailable(t, format, ...) skip, or fail when CI=true (O1)
//
// Invariants:
//
//	O1: When shared/ or the PostgreSQL binaries are missing, the test is
//	    skipped with a message saying what is missing, except when the
//	    environment variable CI is "true": there it fails, so a CI machine
//	    without them cannot pass by skipping.
//	O2: The port is 56000 + (FNV-1a of the test name mod 1000), never the
//	    tool's default 55432, so tests and manual runs do not collide; when
//	    that port is taken the next ones are tried.
//	O3: Every server started is stopped (and its directory removed) when
//	    the test ends.
package pgoracle
