package parser

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
)

var pgURL = flag.String("pg", "", "PostgreSQL URL: rewrite testdata/pgcheck.txt from that server's verdicts (see README.md)")

// pgDeviations are the testdata/pgcheck.txt cases where Tusk knowingly
// differs from PostgreSQL's parser, with the reason.
var pgDeviations = map[string]string{
	"select a from t tablesample system (10)":                        "TABLESAMPLE is not supported",
	"select * from t tablesample bernoulli (1)":                      "TABLESAMPLE is not supported",
	"create table t (a int references u on delete set null (a))":     "column lists for SET NULL are not supported",
	"create table t (like u)":                                        "CREATE TABLE LIKE is not supported",
	"create table t (a int) partition by range (a)":                  "partitioning is not supported",
	"create schema s create table t (a int)":                         "schema elements are not supported",
	"drop function f":                                                "functions are not supported",
	"alter table t enable trigger all":                               "triggers are not supported",
	"update t set a = 1 where current of c":                          "cursors are not supported",
	"grant select on t to joe":                                       "privileges are not supported",
	"create function f() returns int as $$ select 1 $$ language sql": "functions are not supported",
	"select a is document":                                           "XML is not supported",
	// Raised during PostgreSQL's parse analysis, not by its grammar: the
	// analyzer's job.
	"values (1, 2), (3)":                   "analysis: transformValuesClause",
	"values (1, default)":                  "analysis: DEFAULT is not allowed in this context",
	"alter function f() owner to joe":      "functions are not supported",
	"create table t (a int not null null)": "analysis: transformColumnDefinition",
	"create table t (a int4(5))":           "analysis: typenameTypeMod",
	"explain (foo bar) select 1":           "analysis: ExplainQuery option check",
	"select 'x'::a.b.c.d":                  "analysis: LookupTypeName",
	"select a.b.c.d.e":                     "analysis: transformColumnRef",
	"select t.*.a":                         "PostgreSQL accepts it in the grammar, then reports improper use of \"*\" during analysis",
}

type pgCase struct {
	query, want string
}

// readPGCheck reads testdata/pgcheck.txt: header comment lines, then cases
// of a query line, "----" and the expected verdict line.
func readPGCheck(t *testing.T) (header string, cases []pgCase) {
	data, err := os.ReadFile("testdata/pgcheck.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	i := 0
	var hb strings.Builder
	for ; i < len(lines) && strings.HasPrefix(lines[i], "#"); i++ {
		hb.WriteString(lines[i] + "\n")
	}
	for i < len(lines) {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		if i+2 >= len(lines) || lines[i+1] != "----" {
			t.Fatalf("pgcheck.txt line %d: want query, ----, verdict", i+1)
		}
		cases = append(cases, pgCase{lines[i], lines[i+2]})
		i += 3
	}
	return hb.String(), cases
}

// verdict formats Parse's outcome like the file: ok or CODE|POS|MESSAGE.
func verdict(q string) string {
	_, err := Parse(q)
	if err == nil {
		return "ok"
	}
	e := pgerr.As(err)
	return fmt.Sprintf("%s|%d|%s", e.Code, e.Position, e.Message)
}

// parserCodes are the SQLSTATEs PostgreSQL's raw parser raises; any other
// error happened later, so the parser accepted the statement.
var parserCodes = map[string]bool{"42601": true, "22025": true, "22021": true, "42P20": true, "54001": true}

func TestPGCompat(t *testing.T) {
	header, cases := readPGCheck(t)
	if *pgURL != "" {
		rewritePGCheck(t, header, cases)
		return
	}
	for _, c := range cases {
		if _, ok := pgDeviations[strings.ToLower(c.query)]; ok {
			continue
		}
		got := verdict(c.query)
		want := c.want
		if strings.Contains(want, "|?|") { // position not known: compare the rest
			g := strings.SplitN(got, "|", 3)
			w := strings.SplitN(want, "|", 3)
			if len(g) == 3 && g[0] == w[0] && g[2] == w[2] {
				continue
			}
		}
		if got != want {
			t.Errorf("%s\n  got  %s\n  want %s (PostgreSQL 15)", c.query, got, want)
		}
	}
}

var caretLine = regexp.MustCompile(`^LINE 1: `)

// rewritePGCheck asks a real PostgreSQL for each query's verdict, in a
// rolled-back transaction, and rewrites testdata/pgcheck.txt.
func rewritePGCheck(t *testing.T, header string, cases []pgCase) {
	var out bytes.Buffer
	out.WriteString(header)
	for _, c := range cases {
		cmd := exec.Command("psql", *pgURL, "-X", "-q", "-v", "VERBOSITY=verbose", "-c", "BEGIN", "-c", c.query, "-c", "ROLLBACK")
		b, _ := cmd.CombinedOutput()
		v := "ok"
		lines := strings.Split(string(b), "\n")
		for i, l := range lines {
			m := regexp.MustCompile(`^ERROR:  ([0-9A-Z]{5}): (.*)$`).FindStringSubmatch(l)
			if m == nil {
				continue
			}
			if !parserCodes[m[1]] && !isParserLevel0A000(m[1], m[2]) {
				break
			}
			pos := "0"
			for j := i + 1; j+1 < len(lines); j++ {
				if caretLine.MatchString(lines[j]) {
					if strings.HasPrefix(lines[j], "LINE 1: ...") {
						pos = "?"
					} else {
						pos = strconv.Itoa(strings.IndexByte(lines[j+1], '^') - len("LINE 1: ") + 1)
					}
					break
				}
				if strings.HasPrefix(lines[j], "ERROR:") {
					break
				}
			}
			v = m[1] + "|" + pos + "|" + m[2]
			break
		}
		fmt.Fprintf(&out, "%s\n----\n%s\n\n", c.query, v)
	}
	if err := os.WriteFile("testdata/pgcheck.txt", out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// isParserLevel0A000 tells the feature/parameter errors gram.y raises from
// the ones raised later.
func isParserLevel0A000(code, msg string) bool {
	switch code {
	case "0A000":
		return strings.Contains(msg, "cannot be marked") || strings.Contains(msg, "not yet implemented")
	case "22023":
		return strings.HasPrefix(msg, "precision for type float")
	}
	return false
}
