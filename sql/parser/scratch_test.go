package parser

import (
	"bufio"
	"fmt"
	"os"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

func TestScratch(t *testing.T) {
	f := os.Getenv("QF")
	if f == "" {
		t.Skip()
	}
	fh, _ := os.Open(f)
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		q := sc.Text()
		if q == "" {
			continue
		}
		stmts, err := Parse(q)
		if err != nil {
			fmt.Printf("%s\n  ERR %v pos=%d\n", q, err, pgerr.As(err).Position)
			continue
		}
		for _, s := range stmts {
			out := ast.String(s)
			st2, err := Parse(out)
			rt := ""
			if err != nil {
				rt = "  !! reparse: " + err.Error()
			} else if len(st2) != 1 || ast.String(st2[0]) != out {
				rt = "  !! roundtrip mismatch"
			}
			fmt.Printf("%s\n  => %s%s\n", q, out, rt)
		}
	}
}
