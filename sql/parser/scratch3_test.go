package parser

import (
	"bufio"
	"fmt"
	"os"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
)

func TestScratchErr(t *testing.T) {
	f := os.Getenv("QE")
	if f == "" {
		t.Skip()
	}
	fh, _ := os.Open(f)
	out, _ := os.Create(f + ".mine")
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		_, err := Parse(sc.Text())
		if err == nil {
			fmt.Fprintln(out, "OK")
			continue
		}
		e := pgerr.As(err)
		fmt.Fprintf(out, "%s|%d|%s\n", e.Code, e.Position, e.Message)
	}
	out.Close()
}
