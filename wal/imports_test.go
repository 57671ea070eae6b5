package wal

import (
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"github.com/tuskdb/tusk/vfs"
)

// TestImports checks W5: wal imports only the standard library, vfs,
// internal/base and internal/pgerr.
func TestImports(t *testing.T) {
	allowed := map[string]bool{
		"github.com/tuskdb/tusk/vfs":            true,
		"github.com/tuskdb/tusk/internal/base":  true,
		"github.com/tuskdb/tusk/internal/pgerr": true,
	}
	names, err := vfs.Default.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, n := range names {
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(p, ".") && !allowed[p] {
				t.Errorf("%s imports %s (W5)", n, p)
			}
		}
	}
}
