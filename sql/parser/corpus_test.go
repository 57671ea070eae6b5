package parser

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var sltDir = flag.String("slt", "", "directory of sqllogictest scripts (e.g. /work/shared/conformance/sqllogictest): parse every statement in them")

// sqliteOnly matches the statements of the sqllogictest corpus that are
// SQLite or MySQL syntax, which PostgreSQL rejects as well.
var sqliteOnly = regexp.MustCompile(`(?i)\bDIV\b|\bIN\s*\(\s*\)|\bIN\s+t\d|NOT INDEXED|INSERT OR REPLACE|^IF EXISTS|DISTINCT \*|\(a\(1\)\)|\bNOT NULL ORDER`)

// TestSQLLogicCorpus parses every statement and query of a sqllogictest
// corpus (opt-in with -slt, it takes a few seconds): all must parse, except
// the SQLite-only ones, and all must round-trip through ast.String.
func TestSQLLogicCorpus(t *testing.T) {
	if *sltDir == "" {
		t.Skip("no -slt directory")
	}
	n, failed := 0, 0
	seen := map[string]bool{}
	err := filepath.WalkDir(*sltDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".test") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
		for i := 0; i < len(lines); i++ {
			if !strings.HasPrefix(lines[i], "statement") && !strings.HasPrefix(lines[i], "query") {
				continue
			}
			var q []string
			for i++; i < len(lines) && lines[i] != "" && lines[i] != "----"; i++ {
				q = append(q, lines[i])
			}
			sql := strings.Join(q, "\n")
			if seen[sql] {
				continue
			}
			seen[sql] = true
			n++
			if _, err := Parse(sql); err != nil {
				if !sqliteOnly.MatchString(sql) {
					failed++
					if failed <= 20 {
						t.Errorf("%s: %s\n  %v", path, sql, err)
					}
				}
				continue
			}
			checkRoundTrip(t, sql)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d distinct statements, %d unexpected failures", n, failed)
}
