package tusk

import (
	"os/exec"
	"strings"
	"testing"
)

// layer ranks Tusk's packages: a package may import only packages of a
// lower rank ("dependencies point down", ARCHITECTURE.md). Prefix match on
// the path below the module; the longest prefix wins.
var layer = map[string]int{
	"internal/base":     0,
	"internal/pgerr":    0,
	"internal/pgstat":   1,
	"vfs":               1,
	"sql/types":         1,
	"sql/funcs":         2,
	"internal/slt":      2,
	"internal/pgoracle": 2,
	"internal/difftest": 13,
	"access/tuple":      1,
	"sql/ast":           1,
	"sql/parser":        2,
	"wal":               2,
	"clog":              3,
	"bufmgr":            3,
	"mvcc":              4,
	"lockmgr":           4,
	"access":            5,
	"access/heap":       5,
	"catalog":           6,
	"internal/instance": 7,
	"sql/analyze":       8,
	"sql/plan":          9,
	"sql/exec":          10,
	"sql/explain":       10, // formats plan (9) with exec's statistics; imported by session
	"sql/session":       11,
	"":                  12, // package tusk
	"examples":          13,
	"cmd":               13,
}

const module = "github.com/tuskdb/tusk"

func rankOf(pkg string) (int, bool) {
	if !strings.HasPrefix(pkg, module) {
		return 0, false
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
	best, rank := -1, 0
	for prefix, r := range layer {
		if (rel == prefix || strings.HasPrefix(rel, prefix+"/") || prefix == "") && len(prefix) > best {
			best, rank = len(prefix), r
		}
	}
	if strings.Contains(rel, "/internal/") || strings.HasSuffix(rel, "/gen") {
		// a package's own internal helpers rank with it
		return rank, true
	}
	return rank, true
}

// TestImportDirection enforces the import arrows with go list.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		from := f[0]
		fr, _ := rankOf(from)
		for _, to := range f[1:] {
			tr, ok := rankOf(to)
			if !ok {
				continue
			}
			if strings.HasPrefix(to, from+"/") {
				continue // a package's own sub-packages (e.g. sql/parser/internal)
			}
			if tr >= fr {
				t.Errorf("%s (layer %d) imports %s (layer %d): dependencies must point down", from, fr, to, tr)
			}
		}
	}
}
