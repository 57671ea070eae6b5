package slt

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ValueKind is the kind of a result column, which decides how a value is
// converted for an I or R column.
type ValueKind uint8

const (
	KindText ValueKind = iota
	KindBool
	KindInt
	KindFloat
	KindNumeric
)

func (k ValueKind) String() string {
	switch k {
	case KindBool:
		return "bool"
	case KindInt:
		return "int"
	case KindFloat:
		return "float"
	case KindNumeric:
		return "numeric"
	}
	return "text"
}

// KindOfType maps a PostgreSQL type name as format_type prints it
// ("integer", "numeric(10,2)", "double precision", ...) to a ValueKind.
func KindOfType(name string) ValueKind {
	base, _, _ := strings.Cut(name, "(")
	switch strings.TrimSpace(base) {
	case "boolean", "bool":
		return KindBool
	case "smallint", "integer", "bigint", "int2", "int4", "int8", "oid":
		return KindInt
	case "real", "double precision", "float4", "float8":
		return KindFloat
	case "numeric", "decimal":
		return KindNumeric
	}
	return KindText
}

// Value is one result value: NULL, or the PostgreSQL text form of the value
// with its column's kind.
type Value struct {
	Null bool
	Text string
	Kind ValueKind
}

// Null is the NULL value.
var Null = Value{Null: true}

// Text returns a non-NULL value of the given kind.
func Text(kind ValueKind, s string) Value { return Value{Text: s, Kind: kind} }

// Render prints v as sqllogictest does for a column of type typ ('I', 'R'
// or 'T'). It mirrors the value loop of slt_sqlite.c's sqliteQuery.
func Render(v Value, typ byte) string {
	if v.Null {
		return "NULL" // S6
	}
	if v.Kind == KindBool { // S6
		b := "0"
		if v.Text == "t" || v.Text == "true" {
			b = "1"
		}
		if typ == 'R' {
			return b + ".000"
		}
		return b
	}
	switch typ {
	case 'I':
		return renderInt(v)
	case 'R':
		return fmt.Sprintf("%.3f", toFloat(v))
	}
	return renderText(v.Text)
}

// renderText applies S8.
func renderText(s string) string {
	if s == "" {
		return "(empty)"
	}
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] < ' ' || b[j] > '~' {
					b[j] = '@'
				}
			}
			return string(b)
		}
	}
	return s
}

// renderInt applies S7 for an I column.
func renderInt(v Value) string {
	s := strings.TrimSpace(v.Text)
	switch v.Kind {
	case KindInt:
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return strconv.FormatInt(n, 10)
		}
	case KindNumeric:
		if d, ok := decimalIntPart(s); ok {
			return d
		}
	case KindText:
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return strconv.FormatInt(n, 10)
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return floatToInt(f)
		}
		return strconv.FormatInt(leadingInt(s), 10)
	}
	f, _ := strconv.ParseFloat(s, 64)
	return floatToInt(f)
}

// decimalIntPart returns the integer part of a plain decimal string
// ("-12.75" -> "-12", "-0.5" -> "0"), or false when s is not one.
func decimalIntPart(s string) (string, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	ip, frac, _ := strings.Cut(s, ".")
	if ip == "" && frac == "" {
		return "", false
	}
	for _, c := range ip + frac {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	ip = strings.TrimLeft(ip, "0")
	if ip == "" {
		return "0", true
	}
	if neg {
		return "-" + ip, true
	}
	return ip, true
}

// floatToInt truncates toward zero, saturating like SQLite's
// sqlite3RealToI64 (NaN is 0).
func floatToInt(f float64) string {
	switch {
	case math.IsNaN(f):
		return "0"
	case f <= math.MinInt64:
		return strconv.FormatInt(math.MinInt64, 10)
	case f >= math.MaxInt64:
		return strconv.FormatInt(math.MaxInt64, 10)
	}
	return strconv.FormatInt(int64(f), 10) // Go's conversion truncates toward zero
}

// leadingInt is C's atoll: optional blanks and sign, then digits.
func leadingInt(s string) int64 {
	s = strings.TrimLeft(s, " \t\n\r\f\v")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var n int64
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		d := int64(s[i] - '0')
		if n > (math.MaxInt64-d)/10 {
			if neg {
				return math.MinInt64
			}
			return math.MaxInt64
		}
		n = n*10 + d
	}
	if neg {
		return -n
	}
	return n
}

// toFloat converts a value for an R column (S7).
func toFloat(v Value) float64 {
	s := strings.TrimSpace(v.Text)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	// C's atof: the longest prefix that is a number.
	for end := len(s); end > 0; end-- {
		if f, err := strconv.ParseFloat(s[:end], 64); err == nil {
			return f
		}
	}
	return 0
}

// SortValues orders rendered values in place by mode (S9); ncols is the
// number of columns per row.
func SortValues(vals []string, ncols int, mode SortMode) {
	switch mode {
	case ValueSort:
		slices.Sort(vals)
	case RowSort:
		if ncols <= 0 || len(vals)%ncols != 0 {
			return
		}
		rows := make([][]string, 0, len(vals)/ncols)
		for i := 0; i < len(vals); i += ncols {
			rows = append(rows, vals[i:i+ncols:i+ncols])
		}
		slices.SortStableFunc(rows, slices.Compare[[]string])
		out := make([]string, 0, len(vals))
		for _, r := range rows {
			out = append(out, r...)
		}
		copy(vals, out)
	}
}

// HashValues is the lowercase hex md5 of the values, each followed by
// "\n" (S10).
func HashValues(vals []string) string {
	h := md5.New()
	for _, v := range vals {
		h.Write([]byte(v))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// HashLine is the expected-output line for hashed values (S10).
func HashLine(vals []string) string {
	return fmt.Sprintf("%d values hashing to %s", len(vals), HashValues(vals))
}

// Result renders, sorts and (past threshold) hashes a query result the
// way the expected lines are written. It fails when a row's width differs
// from types (S9).
func Result(rows [][]Value, types string, mode SortMode, threshold int) ([]string, error) {
	vals := make([]string, 0, len(rows)*len(types))
	for i, row := range rows {
		if len(row) != len(types) {
			return nil, fmt.Errorf("row %d has %d columns, query expects %d (%s)", i+1, len(row), len(types), types)
		}
		for j, v := range row {
			vals = append(vals, Render(v, types[j]))
		}
	}
	SortValues(vals, len(types), mode)
	if threshold > 0 && len(vals) > threshold { // S10
		return []string{HashLine(vals)}, nil
	}
	return vals, nil
}
