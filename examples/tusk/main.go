// Command tusk is Tusk's interactive terminal, a small psql: it opens (or
// creates) a data directory and runs the SQL you type.
//
//	go run ./examples/tusk                 # ./tusk-data
//	go run ./examples/tusk -d /tmp/db      # another directory
//	go run ./examples/tusk -c "SELECT 1"   # one command, then exit
//	go run ./examples/tusk -d memory:      # in memory
//
// Statements end with ';'. \q quits.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/tuskdb/tusk"
)

func main() {
	dir := flag.String("d", "./tusk-data", "data directory (memory: for an in-memory database)")
	command := flag.String("c", "", "run one command and exit")
	flag.Parse()
	db, err := tusk.OpenDSN(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tusk:", err)
		os.Exit(2)
	}
	code := 0
	if *command != "" {
		if !run(db, *command, os.Stdout) {
			code = 1
		}
	} else {
		repl(db, os.Stdin, os.Stdout)
	}
	if err := db.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "tusk:", err)
		code = 2
	}
	os.Exit(code)
}

func repl(db *tusk.DB, in io.Reader, out io.Writer) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	var buf strings.Builder
	prompt := func() {
		if buf.Len() == 0 {
			fmt.Fprint(out, "tusk=# ")
		} else {
			fmt.Fprint(out, "tusk-# ")
		}
	}
	fmt.Fprintln(out, "tusk (PostgreSQL 15 dialect). Type \\q to quit.")
	prompt()
	for sc.Scan() {
		line := sc.Text()
		if buf.Len() == 0 && strings.HasPrefix(strings.TrimSpace(line), `\q`) {
			return
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			run(db, buf.String(), out)
			buf.Reset()
		}
		prompt()
	}
	if strings.TrimSpace(buf.String()) != "" {
		run(db, buf.String(), out)
	}
}

// run executes sql and prints its result like psql; false on error.
func run(db *tusk.DB, sql string, out io.Writer) bool {
	rows, err := db.Query(context.Background(), sql)
	if err != nil {
		printErr(out, err)
		return false
	}
	cols := rows.Columns()
	var data [][]string
	for rows.Next() {
		var line []string
		for _, v := range rows.Text() {
			if v == nil {
				line = append(line, "")
			} else {
				line = append(line, *v)
			}
		}
		data = append(data, line)
	}
	if err := rows.Close(); err != nil {
		printErr(out, err)
		return false
	}
	if len(cols) == 0 {
		fmt.Fprintln(out, rows.Tag())
		return true
	}
	printTable(out, cols, data)
	return true
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

// printTable prints rows in psql's aligned format.
func printTable(out io.Writer, cols []string, data [][]string) {
	w := make([]int, len(cols))
	for i, c := range cols {
		w[i] = utf8.RuneCountInString(c)
	}
	for _, r := range data {
		for i, v := range r {
			if n := utf8.RuneCountInString(v); n > w[i] {
				w[i] = n
			}
		}
	}
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString("|")
		}
		pad := w[i] - utf8.RuneCountInString(c)
		b.WriteString(" " + strings.Repeat(" ", pad/2) + c + strings.Repeat(" ", pad-pad/2) + " ")
	}
	fmt.Fprintln(out, strings.TrimRight(b.String(), " "))
	b.Reset()
	for i := range cols {
		if i > 0 {
			b.WriteString("+")
		}
		b.WriteString(strings.Repeat("-", w[i]+2))
	}
	fmt.Fprintln(out, b.String())
	for _, r := range data {
		b.Reset()
		for i, v := range r {
			if i > 0 {
				b.WriteString("|")
			}
			b.WriteString(" " + v + strings.Repeat(" ", w[i]-utf8.RuneCountInString(v)) + " ")
		}
		fmt.Fprintln(out, strings.TrimRight(b.String(), " "))
	}
	if len(data) == 1 {
		fmt.Fprintln(out, "(1 row)")
	} else {
		fmt.Fprintf(out, "(%d rows)\n", len(data))
	}
	fmt.Fprintln(out)
}
