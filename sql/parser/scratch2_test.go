package parser

import (
	"bufio"
	"fmt"
	"os"
	"testing"

	"github.com/tuskdb/tusk/sql/ast"
)

func TestScratchCorpus(t *testing.T) {
	f := os.Getenv("QC")
	if f == "" {
		t.Skip()
	}
	fh, _ := os.Open(f)
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	n, bad, rt := 0, 0, 0
	for sc.Scan() {
		q := sc.Text()
		n++
		stmts, err := Parse(q)
		if err != nil {
			bad++
			if bad < 400 {
				fmt.Printf("ERR %s\n   %v\n", q, err)
			}
			continue
		}
		for _, s := range stmts {
			out := ast.String(s)
			st2, err := Parse(out)
			if err != nil || len(st2) != 1 || ast.String(st2[0]) != out {
				rt++
				if rt < 20 {
					fmt.Printf("RT %s\n   %s\n   %v\n", q, out, err)
				}
			}
		}
	}
	fmt.Println("total", n, "errors", bad, "roundtrip", rt)
}
