package difftest

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Value is one result value in PostgreSQL's text output form.
type Value struct {
	S    string
	Null bool
}

func (v Value) String() string {
	if v.Null {
		return "NULL"
	}
	return v.S
}

// Result is what an engine returned for a query: column types and rows,
// or an error with its SQLSTATE.
type Result struct {
	// Types are the column types as format_type prints them, e.g.
	// "integer", "numeric(10,2)".
	Types []string
	Rows  [][]Value
	// Failed is true when the query raised an error; Code is its SQLSTATE
	// and Message its text.
	Failed  bool
	Code    string
	Message string
}

// String renders r for a report, with at most maxRows rows.
func (r Result) String(maxRows int) string {
	if r.Failed {
		return fmt.Sprintf("ERROR %s: %s", r.Code, r.Message)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "(%s) %d rows", strings.Join(r.Types, ", "), len(r.Rows))
	for i, row := range r.Rows {
		if i == maxRows {
			fmt.Fprintf(&b, "\n    ... %d more", len(r.Rows)-maxRows)
			break
		}
		var vs []string
		for _, v := range row {
			if v.Null {
				vs = append(vs, "NULL")
			} else {
				vs = append(vs, fmt.Sprintf("%q", v.S))
			}
		}
		b.WriteString("\n    " + strings.Join(vs, " | "))
	}
	return b.String()
}

// Engine is a database the queries run on.
type Engine interface {
	// Exec runs a statement that returns no rows.
	Exec(ctx context.Context, sql string) error
	// Query runs a query. A SQL error is reported in the Result; the error
	// return is for failures of the engine itself (a lost connection).
	Query(ctx context.Context, sql string) (Result, error)
}

// Load runs the schema's statements on e (D2).
func Load(ctx context.Context, e Engine, s *Schema, reverse bool) error {
	for _, st := range s.Statements(reverse) {
		if err := e.Exec(ctx, st); err != nil {
			return fmt.Errorf("%s: %w", st, err)
		}
	}
	return nil
}

// Mismatch kinds.
const (
	KindMissingError    = "missing error"    // PostgreSQL failed, the engine did not
	KindWrongSQLSTATE   = "wrong SQLSTATE"   // both failed, with different codes
	KindUnexpectedError = "unexpected error" // the engine failed, PostgreSQL did not
	KindColumnTypes     = "column types"     // different column count or type names
	KindRowCount        = "row count"
	KindValues          = "values"
	KindOrder           = "order" // same rows, order differs where the ORDER BY fixes it
)

// Mismatch is a query whose results differ.
type Mismatch struct {
	Query Query
	Kind  string
	// Detail says what differs, briefly.
	Detail string
	Want   Result // PostgreSQL's
	Got    Result // the engine's
}

// Compare compares the engine's result got with PostgreSQL's want (D3):
// errors by SQLSTATE only; otherwise column types by name and rows by their
// text form, in order where q's ORDER BY fixes it and as multisets
// elsewhere (D4, D5). It returns nil when they match.
func Compare(q Query, want, got Result) *Mismatch {
	m := &Mismatch{Query: q, Want: want, Got: got}
	switch {
	case want.Failed && !got.Failed:
		m.Kind, m.Detail = KindMissingError, "want SQLSTATE "+want.Code
		return m
	case want.Failed && got.Code != want.Code:
		m.Kind, m.Detail = KindWrongSQLSTATE, fmt.Sprintf("want %s, got %s", want.Code, got.Code)
		return m
	case want.Failed:
		return nil
	case got.Failed:
		m.Kind, m.Detail = KindUnexpectedError, got.Code+": "+got.Message
		return m
	}
	if len(want.Types) != len(got.Types) {
		m.Kind, m.Detail = KindColumnTypes, fmt.Sprintf("want %d columns, got %d", len(want.Types), len(got.Types))
		return m
	}
	for i := range want.Types {
		if want.Types[i] != got.Types[i] {
			m.Kind, m.Detail = KindColumnTypes, fmt.Sprintf("column %d: want %s, got %s", i+1, want.Types[i], got.Types[i])
			return m
		}
	}
	if len(want.Rows) != len(got.Rows) {
		m.Kind, m.Detail = KindRowCount, fmt.Sprintf("want %d rows, got %d", len(want.Rows), len(got.Rows))
		return m
	}
	for _, row := range got.Rows {
		if len(row) != len(want.Types) {
			m.Kind, m.Detail = KindColumnTypes, fmt.Sprintf("a row has %d values for %d columns", len(row), len(want.Types))
			return m
		}
	}
	if d := diffMultiset(want.Rows, got.Rows); d != "" {
		m.Kind, m.Detail = KindValues, d
		return m
	}
	if q.Ordered {
		if d := diffOrdered(q.Keys, want.Types, want.Rows, got.Rows); d != "" {
			m.Kind, m.Detail = KindOrder, d
			return m
		}
	}
	return nil
}

// rowKey is a row's canonical text, for sorting and counting.
func rowKey(row []Value) string {
	var b strings.Builder
	for _, v := range row {
		if v.Null {
			b.WriteString("\x01N")
		} else {
			b.WriteString("\x01V" + v.S)
		}
	}
	return b.String()
}

// diffMultiset compares rows as multisets (D4) and describes the first
// difference.
func diffMultiset(want, got [][]Value) string {
	count := map[string]int{}
	rows := map[string][]Value{}
	for _, r := range want {
		k := rowKey(r)
		count[k]++
		rows[k] = r
	}
	for _, r := range got {
		k := rowKey(r)
		count[k]--
		rows[k] = r
	}
	var missing, extra []string
	for k, n := range count {
		switch {
		case n > 0:
			missing = append(missing, fmtRow(rows[k]))
		case n < 0:
			extra = append(extra, fmtRow(rows[k]))
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	sort.Strings(missing)
	sort.Strings(extra)
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("%d missing rows, e.g. %s", len(missing), missing[0]))
	}
	if len(extra) > 0 {
		parts = append(parts, fmt.Sprintf("%d unexpected rows, e.g. %s", len(extra), extra[0]))
	}
	return strings.Join(parts, "; ")
}

func fmtRow(row []Value) string {
	var vs []string
	for _, v := range row {
		if v.Null {
			vs = append(vs, "NULL")
		} else {
			vs = append(vs, fmt.Sprintf("%q", v.S))
		}
	}
	return "(" + strings.Join(vs, ", ") + ")"
}

// diffOrdered checks that the key columns come in the same sequence; rows
// whose keys sort as equal (peers) may come in any order among themselves
// (D4). Numbers are peers by value, not text: 0.00 and 0, or -0 and 0, tie
// in an ORDER BY. The rows are already known to be equal as multisets, so
// the text of each value is checked too.
func diffOrdered(keys []int, types []string, want, got [][]Value) string {
	key := func(row []Value) string {
		var ks []Value
		for _, k := range keys {
			if k < len(row) {
				v := row[k]
				if !v.Null && k < len(types) && isNumberType(types[k]) {
					v.S = sortValue(v.S)
				}
				ks = append(ks, v)
			}
		}
		return rowKey(ks)
	}
	for i := range want {
		if key(want[i]) != key(got[i]) {
			return fmt.Sprintf("row %d: want %s, got %s (ORDER BY columns %v)", i+1, fmtRow(want[i]), fmtRow(got[i]), plusOne(keys))
		}
	}
	return ""
}

// isNumberType reports whether values of the type named t can be equal
// with different texts.
func isNumberType(t string) bool {
	return strings.HasPrefix(t, "numeric") || t == "double precision" || t == "real"
}

// sortValue is a number's text reduced to its value: trailing fraction
// zeros dropped, -0 as 0.
func sortValue(s string) string {
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == 0 {
		return "0"
	}
	if strings.Contains(s, ".") && !strings.ContainsAny(s, "eE") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func plusOne(keys []int) []int {
	out := make([]int, len(keys))
	for i, k := range keys {
		out[i] = k + 1
	}
	return out
}

var (
	quotedRE = regexp.MustCompile(`"[^"]*"|'[^']*'`)
	numberRE = regexp.MustCompile(`\b\d+\b`)
)

// Class groups mismatches that probably share a cause, for the summary:
// the engine's error code and message with names and numbers blanked, or
// the kind and what differs.
func (m *Mismatch) Class() string {
	norm := func(s string) string {
		s = quotedRE.ReplaceAllString(s, "…")
		s = numberRE.ReplaceAllString(s, "N")
		if len(s) > 90 {
			s = s[:90]
		}
		return s
	}
	switch m.Kind {
	case KindUnexpectedError:
		return fmt.Sprintf("unexpected error %s: %s", m.Got.Code, norm(m.Got.Message))
	case KindMissingError:
		return fmt.Sprintf("missing error %s (%s)", m.Want.Code, norm(m.Want.Message))
	case KindWrongSQLSTATE:
		return fmt.Sprintf("wrong SQLSTATE: want %s (%s), got %s (%s)", m.Want.Code, norm(m.Want.Message), m.Got.Code, norm(m.Got.Message))
	case KindColumnTypes:
		d := m.Detail // "column 2: want numeric(10,2), got numeric"
		if i := strings.Index(d, ": "); i >= 0 {
			d = d[i+2:]
		}
		return "column types: " + numberRE.ReplaceAllString(d, "N")
	}
	return fmt.Sprintf("%s (%s)", m.Kind, m.Query.Category)
}

// Report renders m for the failure list, naming the engine compared with
// PostgreSQL (e.g. "tusk").
func (m *Mismatch) Report(maxRows int, engine string) string {
	return fmt.Sprintf("[%s] %s: %s\n  query: %s\n  postgres: %s\n  %-9s %s",
		m.Query.Category, m.Kind, m.Detail, m.Query.SQL, indent(m.Want.String(maxRows)), engine+":", indent(m.Got.String(maxRows)))
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }
