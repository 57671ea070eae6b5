package parser

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata/deparse.txt with the current output")

// render returns what a deparse.txt case expects for an input: each
// statement's canonical text on its own line, or the error.
func render(sql string) string {
	stmts, err := Parse(sql)
	if err != nil {
		e := pgerr.As(err)
		return fmt.Sprintf("error %s at %d: %s", e.Code, e.Position, e.Message)
	}
	var b strings.Builder
	for i, s := range stmts {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(ast.String(s))
	}
	if len(stmts) == 0 {
		b.WriteString("(no statements)")
	}
	return b.String()
}

type goldenCase struct {
	comment []string // comment lines before the case
	input   string
	want    string
	line    int
}

// readGolden parses testdata/deparse.txt: optional "#" comment lines, the
// input (one or more lines), "----", the expected output up to a blank line.
func readGolden(t *testing.T, path string) []goldenCase {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	var cases []goldenCase
	for i := 0; i < len(lines); {
		var c goldenCase
		for i < len(lines) && (lines[i] == "" || strings.HasPrefix(lines[i], "#")) {
			if lines[i] != "" {
				c.comment = append(c.comment, lines[i])
			}
			i++
		}
		if i >= len(lines) {
			break
		}
		c.line = i + 1
		var in []string
		for i < len(lines) && lines[i] != "----" {
			in = append(in, lines[i])
			i++
		}
		if i >= len(lines) {
			t.Fatalf("%s:%d: missing ----", path, c.line)
		}
		i++
		var out []string
		for i < len(lines) && lines[i] != "" {
			out = append(out, lines[i])
			i++
		}
		c.input = strings.Join(in, "\n")
		c.want = strings.Join(out, "\n")
		cases = append(cases, c)
	}
	return cases
}

// TestDeparse checks the canonical form of many statements (the printed
// tree shows precedence and normalization) and that each printed statement
// parses back to the same text (A3).
func TestDeparse(t *testing.T) {
	const path = "testdata/deparse.txt"
	cases := readGolden(t, path)
	var out strings.Builder
	for _, c := range cases {
		got := render(c.input)
		if *rewrite {
			for _, l := range c.comment {
				out.WriteString(l + "\n")
			}
			fmt.Fprintf(&out, "%s\n----\n%s\n\n", c.input, got)
		} else if got != c.want {
			t.Errorf("%s:%d: %s\n got: %s\nwant: %s", path, c.line, c.input, got, c.want)
		}
		checkRoundTrip(t, c.input)
	}
	if *rewrite {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkRoundTrip verifies A3 for every statement of sql that parses.
func checkRoundTrip(t *testing.T, sql string) {
	t.Helper()
	stmts, err := Parse(sql)
	if err != nil {
		return
	}
	for _, s := range stmts {
		text := ast.String(s)
		again, err := Parse(text)
		if err != nil {
			t.Errorf("printed form does not parse: %v\n  input:   %s\n  printed: %s", err, sql, text)
			continue
		}
		if len(again) != 1 || ast.String(again[0]) != text {
			got := ""
			if len(again) > 0 {
				got = ast.String(again[0])
			}
			t.Errorf("round trip changed the tree\n  input:   %s\n  printed: %s\n  again:   %s", sql, text, got)
		}
	}
}
