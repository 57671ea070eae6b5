// Command tusk is Tusk's interactive terminal, a small psql: it opens (or
// creates) a data directory and runs the SQL you type.
//
//	go run ./examples/tusk                 # ./tusk-data
//	go run ./examples/tusk -d /tmp/db      # another directory
//	go run ./examples/tusk -c "SELECT 1"   # one command, then exit
//	go run ./examples/tusk -d memory:      # in memory
//
// Statements end with ';'. psql's backslash commands work too: \d, \d NAME,
// \dt, \di, \dv, \ds, \dn, \df, \du, \l, \timing, \x; \? lists them and
// \q quits. They send the catalog queries psql 15 sends (describe.go).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tuskdb/tusk"
)

func main() {
	dir := flag.String("d", "./tusk-data", "data directory (memory: for an in-memory database)")
	command := flag.String("c", "", "run one command and exit")
	flag.Parse()
	// Notices go to stderr as psql prints them.
	db, err := tusk.OpenDSN(*dir, tusk.WithNoticeHandler(func(e *tusk.Error) {
		fmt.Fprintf(os.Stderr, "%s:  %s\n", e.Severity, e.Message)
	}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "tusk:", err)
		os.Exit(2)
	}
	code := 0
	t := &term{db: db, out: os.Stdout, interactive: isTerminal(os.Stdin)}
	if *command != "" {
		if !t.command(*command) {
			code = 1
		}
	} else {
		t.repl(os.Stdin)
	}
	if err := db.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "tusk:", err)
		code = 2
	}
	os.Exit(code)
}

// term is the state of a terminal session: the database, where output
// goes and the \timing and \x toggles.
type term struct {
	db       *tusk.DB
	out      io.Writer
	timing   bool
	expanded bool
	failed   bool // the last backslash command failed
	// interactive prints the banner and prompts; like psql, a script
	// piped into the CLI gets only the results.
	interactive bool
}

// isTerminal reports whether f is a terminal (a character device).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// repl reads statements and backslash commands until \q or the end of in.
func (t *term) repl(in io.Reader) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	var buf strings.Builder
	prompt := func() {
		if !t.interactive {
			return
		}
		if buf.Len() == 0 {
			fmt.Fprint(t.out, "tusk=# ")
		} else {
			fmt.Fprint(t.out, "tusk-# ")
		}
	}
	if t.interactive {
		fmt.Fprintln(t.out, "tusk (PostgreSQL 15 dialect). Type \\? for help, \\q to quit.")
	}
	prompt()
	for sc.Scan() {
		line := sc.Text()
		if trimmed := strings.TrimSpace(line); strings.HasPrefix(trimmed, `\`) {
			// As in psql, a backslash command runs at once; a statement
			// being typed stays in the buffer.
			if !t.meta(trimmed) {
				return
			}
			prompt()
			continue
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			t.run(buf.String())
			buf.Reset()
		}
		prompt()
	}
	if strings.TrimSpace(buf.String()) != "" {
		t.run(buf.String())
	}
}

// command runs the argument of -c: SQL or one backslash command.
func (t *term) command(c string) bool {
	if c = strings.TrimSpace(c); strings.HasPrefix(c, `\`) {
		t.failed = false
		t.meta(c)
		return !t.failed
	}
	return t.run(c)
}

// run executes sql and prints its result like psql; false on error.
func (t *term) run(sql string) bool {
	start := time.Now()
	res, err := t.query(sql)
	if err != nil {
		printErr(t.out, err)
		return false
	}
	if len(res.cols) == 0 {
		fmt.Fprintln(t.out, res.tag)
	} else {
		t.print(res)
	}
	if t.timing {
		d := time.Since(start)
		fmt.Fprintf(t.out, "Time: %.3f ms\n", float64(d.Microseconds())/1000)
	}
	return true
}

// result is a query's result as text: NULL is "".
type result struct {
	title   string
	cols    []string
	right   []bool // right-aligned (numeric) columns, as psql aligns them
	rows    [][]string
	footers []string
	noCount bool // no "(n rows)" line (psql's describe output)
	tag     string
}

// query runs sql and collects its rows as text.
func (t *term) query(sql string) (*result, error) {
	rows, err := t.db.Query(context.Background(), sql)
	if err != nil {
		return nil, err
	}
	res := &result{cols: rows.Columns()}
	for _, typ := range rows.ColumnTypes() {
		res.right = append(res.right, numericType(typ))
	}
	for rows.Next() {
		var line []string
		for _, v := range rows.Text() {
			if v == nil {
				line = append(line, "")
			} else {
				line = append(line, *v)
			}
		}
		res.rows = append(res.rows, line)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	res.tag = rows.Tag()
	return res, nil
}

// numericType reports whether psql right-aligns a column of type typ.
func numericType(typ string) bool {
	switch typ {
	case "smallint", "integer", "bigint", "real", "double precision", "oid", "money", "xid", "cid":
		return true
	}
	return typ == "numeric" || strings.HasPrefix(typ, "numeric(")
}

func printErr(out io.Writer, err error) {
	if e, ok := err.(*tusk.Error); ok {
		fmt.Fprintf(out, "ERROR:  %s\n", e.Message)
		if e.Detail != "" {
			fmt.Fprintf(out, "DETAIL:  %s\n", e.Detail)
		}
		if e.Hint != "" {
			fmt.Fprintf(out, "HINT:  %s\n", e.Hint)
		}
		return
	}
	fmt.Fprintf(out, "ERROR:  %v\n", err)
}

// print prints a result in psql's aligned format, or its expanded format
// after \x.
func (t *term) print(res *result) {
	if t.expanded {
		printExpanded(t.out, res)
	} else {
		printTable(t.out, res)
	}
}

// cellLines splits every value of a row into its lines.
func cellLines(row []string) ([][]string, int) {
	cells := make([][]string, len(row))
	height := 1
	for i, v := range row {
		cells[i] = strings.Split(v, "\n")
		height = max(height, len(cells[i]))
	}
	return cells, height
}

func width(s string) int { return utf8.RuneCountInString(s) }

// printTable prints rows in psql's aligned format: a title centred above
// the table, headers centred, numbers right-aligned, a value of several
// lines continued with '+', then the footers or the row count.
func printTable(out io.Writer, res *result) {
	cols := res.cols
	w := make([]int, len(cols))
	for i, c := range cols {
		w[i] = width(c)
	}
	for _, r := range res.rows {
		cells, _ := cellLines(r)
		for i, lines := range cells {
			for _, l := range lines {
				w[i] = max(w[i], width(l))
			}
		}
	}
	total := len(cols) - 1
	for _, n := range w {
		total += n + 2
	}
	if res.title != "" {
		fmt.Fprintln(out, strings.Repeat(" ", max(0, (total-width(res.title))/2))+res.title)
	}
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString("|")
		}
		pad := w[i] - width(c)
		b.WriteString(" " + strings.Repeat(" ", pad/2) + c + strings.Repeat(" ", pad-pad/2) + " ")
	}
	fmt.Fprintln(out, b.String())
	b.Reset()
	for i := range cols {
		if i > 0 {
			b.WriteString("+")
		}
		b.WriteString(strings.Repeat("-", w[i]+2))
	}
	fmt.Fprintln(out, b.String())
	for _, r := range res.rows {
		cells, height := cellLines(r)
		for l := range height {
			b.Reset()
			for i, lines := range cells {
				if i > 0 {
					b.WriteString("|")
				}
				v := ""
				if l < len(lines) {
					v = lines[l]
				}
				// As psql: the last column is not padded on the right,
				// nor on a line below its value.
				last := i == len(cells)-1
				pad := strings.Repeat(" ", w[i]-width(v))
				switch {
				case last && l >= len(lines):
					b.WriteString(" ")
				case i < len(res.right) && res.right[i]:
					b.WriteString(" " + pad + v)
				case last:
					b.WriteString(" " + v)
				default:
					b.WriteString(" " + v + pad)
				}
				if l+1 < len(lines) {
					b.WriteString("+")
				} else if !last {
					b.WriteString(" ")
				}
			}
			fmt.Fprintln(out, b.String())
		}
	}
	for _, f := range res.footers {
		fmt.Fprintln(out, f)
	}
	if !res.noCount {
		printCount(out, len(res.rows))
	}
	fmt.Fprintln(out)
}

func printCount(out io.Writer, n int) {
	if n == 1 {
		fmt.Fprintln(out, "(1 row)")
	} else {
		fmt.Fprintf(out, "(%d rows)\n", n)
	}
}

// printExpanded prints one "-[ RECORD n ]" block per row, a line per
// column, as psql does after \x.
func printExpanded(out io.Writer, res *result) {
	if res.title != "" {
		fmt.Fprintln(out, res.title)
	}
	if len(res.rows) == 0 {
		if !res.noCount {
			fmt.Fprintln(out, "(0 rows)")
		}
		fmt.Fprintln(out)
		return
	}
	hw, dw := 0, 0
	for _, c := range res.cols {
		hw = max(hw, width(c))
	}
	for _, r := range res.rows {
		for _, v := range r {
			for _, l := range strings.Split(v, "\n") {
				dw = max(dw, width(l))
			}
		}
	}
	for n, r := range res.rows {
		head := fmt.Sprintf("-[ RECORD %d ]", n+1)
		if width(head) < hw+1 {
			head += strings.Repeat("-", hw+1-width(head)) + "+" + strings.Repeat("-", dw+1)
		} else if width(head) < hw+dw+3 {
			head += strings.Repeat("-", hw+dw+3-width(head))
		}
		fmt.Fprintln(out, head)
		for i, v := range r {
			lines := strings.Split(v, "\n")
			for j, l := range lines {
				name := ""
				if j == 0 {
					name = res.cols[i]
				}
				line := name + strings.Repeat(" ", hw-width(name)) + " | " + l
				if j+1 < len(lines) {
					line += strings.Repeat(" ", dw-width(l)) + "+"
				}
				fmt.Fprintln(out, strings.TrimRight(line, " "))
			}
		}
	}
	for _, f := range res.footers {
		fmt.Fprintln(out, f)
	}
	fmt.Fprintln(out)
}
