package slt

import (
	"fmt"
	"strconv"
	"strings"
)

// RecordKind is what a record does.
type RecordKind uint8

const (
	// Statement runs SQL and checks only whether it succeeded.
	Statement RecordKind = iota + 1
	// Query runs SQL and compares its result.
	Query
	// HashThreshold changes the hash threshold for the rest of the file.
	HashThreshold
	// Halt stops the file.
	Halt
)

func (k RecordKind) String() string {
	switch k {
	case Statement:
		return "statement"
	case Query:
		return "query"
	case HashThreshold:
		return "hash-threshold"
	case Halt:
		return "halt"
	}
	return fmt.Sprintf("RecordKind(%d)", uint8(k))
}

// SortMode is how a query's values are ordered before comparing (S9).
type SortMode uint8

const (
	NoSort SortMode = iota
	RowSort
	ValueSort
)

func (m SortMode) String() string {
	switch m {
	case RowSort:
		return "rowsort"
	case ValueSort:
		return "valuesort"
	}
	return "nosort"
}

// Condition is one skipif/onlyif line of a record.
type Condition struct {
	// Only is true for onlyif, false for skipif.
	Only   bool
	Engine string
}

// Record is one record of a script.
type Record struct {
	// Line is the 1-based line of the record's first line (its first
	// condition, if any).
	Line       int
	Kind       RecordKind
	Conditions []Condition

	// SQL of a statement or query, lines joined by "\n".
	SQL string
	// ExpectError is set for "statement error".
	ExpectError bool

	// Types is the query's column types, one of I, R, T per column.
	Types string
	Sort  SortMode
	Label string
	// Expected is the lines after "----" (values, or one hash line).
	Expected []string

	// Threshold is the value of a hash-threshold record.
	Threshold int
}

// Applies reports whether the record runs on the named engine (S5).
func (r *Record) Applies(engine string) bool {
	for _, c := range r.Conditions {
		if c.Only != (c.Engine == engine) {
			return false
		}
	}
	return true
}

// Script is a parsed sqllogictest file.
type Script struct {
	Name    string
	Records []Record
}

// ParseError is a malformed record.
type ParseError struct {
	Name string
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Msg) }

type line struct {
	n    int
	text string
}

// Parse reads a script; name is used in error messages. It mirrors the
// record loop of SQLite's sqllogictest.c.
func Parse(name string, src []byte) (*Script, error) {
	s := &Script{Name: name}
	var block []line
	flush := func() error {
		if len(block) == 0 {
			return nil
		}
		rec, err := parseRecord(name, block)
		block = block[:0]
		if err != nil {
			return err
		}
		s.Records = append(s.Records, rec)
		return nil
	}
	text := string(src)
	for n := 1; len(text) > 0; n++ {
		var l string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			l, text = text[:i], text[i+1:]
		} else {
			l, text = text, ""
		}
		l = strings.TrimSuffix(l, "\r") // S1
		switch {
		case strings.HasPrefix(l, "#"): // S2
		case strings.TrimSpace(l) == "": // S1
			if err := flush(); err != nil {
				return nil, err
			}
		default:
			block = append(block, line{n, l})
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return s, nil
}

func parseRecord(name string, block []line) (Record, error) {
	bad := func(l line, format string, args ...any) (Record, error) {
		return Record{}, &ParseError{Name: name, Line: l.n, Msg: fmt.Sprintf(format, args...)}
	}
	rec := Record{Line: block[0].n}
	i := 0
	for ; i < len(block); i++ { // S3
		f := strings.Fields(block[i].text)
		if f[0] != "skipif" && f[0] != "onlyif" {
			break
		}
		if len(f) < 2 {
			return bad(block[i], "%s without an engine name", f[0])
		}
		rec.Conditions = append(rec.Conditions, Condition{Only: f[0] == "onlyif", Engine: f[1]})
	}
	if i == len(block) {
		return bad(block[len(block)-1], "skipif/onlyif without a record")
	}
	head, body := block[i], block[i+1:]
	f := strings.Fields(head.text)
	switch f[0] {
	case "statement":
		if len(f) < 2 || (f[1] != "ok" && f[1] != "error") {
			return bad(head, "want \"statement ok\" or \"statement error\", got %q", head.text)
		}
		rec.Kind = Statement
		rec.ExpectError = f[1] == "error"
		if len(body) == 0 {
			return bad(head, "statement without SQL")
		}
		rec.SQL = joinLines(body)
	case "query":
		if len(f) < 2 {
			return bad(head, "query without column types")
		}
		rec.Kind = Query
		rec.Types = f[1]
		for _, c := range rec.Types {
			if c != 'I' && c != 'R' && c != 'T' {
				return bad(head, "unknown column type %q in %q", c, rec.Types)
			}
		}
		if len(f) >= 3 {
			switch f[2] {
			case "nosort":
				rec.Sort = NoSort
			case "rowsort":
				rec.Sort = RowSort
			case "valuesort":
				rec.Sort = ValueSort
			default:
				return bad(head, "unknown sort method %q", f[2])
			}
		}
		if len(f) >= 4 {
			rec.Label = f[3]
		}
		sep := len(body) // S4
		for j, l := range body {
			if l.text == "----" {
				sep = j
				break
			}
		}
		if sep == 0 {
			return bad(head, "query without SQL")
		}
		rec.SQL = joinLines(body[:sep])
		if sep < len(body) {
			for _, l := range body[sep+1:] {
				rec.Expected = append(rec.Expected, l.text)
			}
		}
	case "hash-threshold":
		if len(f) < 2 {
			return bad(head, "hash-threshold without a value")
		}
		n, err := strconv.Atoi(f[1])
		if err != nil || n < 0 {
			return bad(head, "bad hash-threshold %q", f[1])
		}
		rec.Kind = HashThreshold
		rec.Threshold = n
	case "halt":
		rec.Kind = Halt
	default:
		return bad(head, "unknown record type %q", f[0])
	}
	return rec, nil
}

func joinLines(ls []line) string {
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.text)
	}
	return b.String()
}
