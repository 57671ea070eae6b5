package difftest

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
)

// Type is the SQL type of a generated column or expression, by family.
type Type int

// The column types the generator knows.
const (
	Int4 Type = iota
	Int8
	Numeric
	Float8
	Text
	Bool
)

// SQL returns the type's name in a CREATE TABLE or a cast.
func (t Type) SQL() string {
	return [...]string{"int4", "int8", "numeric", "float8", "text", "bool"}[t]
}

// isNum reports whether t is one of the numeric types.
func (t Type) isNum() bool { return t <= Float8 }

// Column is a column of a generated table.
type Column struct {
	Name string
	Type Type
	// Decl is the declared type when it carries a typmod, e.g.
	// "numeric(10,2)"; empty means Type.SQL().
	Decl string
}

// Table is a generated table and its rows, as SQL literals ("NULL" for a
// null value).
type Table struct {
	Name string
	Cols []Column
	Rows [][]string
}

// Schema is the generated database: every table and its data (D1).
type Schema struct {
	Tables []*Table
}

// Table returns the table called name, or nil.
func (s *Schema) Table(name string) *Table {
	for _, t := range s.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// Statements returns the SQL that creates and loads the schema: one
// CREATE TABLE per table, then one single-row INSERT per row (D2). With
// reverse, each table's rows are inserted in the opposite order, which the
// self-check uses to show that no expected result depends on the physical
// row order (D8).
func (s *Schema) Statements(reverse bool) []string {
	var out []string
	for _, t := range s.Tables {
		var defs []string
		for _, c := range t.Cols {
			decl := c.Decl
			if decl == "" {
				decl = c.Type.SQL()
			}
			defs = append(defs, c.Name+" "+decl)
		}
		out = append(out, fmt.Sprintf("CREATE TABLE %s (%s)", t.Name, strings.Join(defs, ", ")))
	}
	for _, t := range s.Tables {
		for i := range t.Rows {
			row := t.Rows[i]
			if reverse {
				row = t.Rows[len(t.Rows)-1-i]
			}
			out = append(out, fmt.Sprintf("INSERT INTO %s VALUES (%s)", t.Name, strings.Join(row, ", ")))
		}
	}
	return out
}

// Words is the pool of text values: case variants, duplicates, the empty
// string, blanks, LIKE metacharacters, a quote and non-ASCII letters.
var Words = []string{
	"apple", "Apple", "APPLE", "apple pie", "banana", "cherry", "date", "",
	" pad ", "a_b", "50%", "x%y", "O'Brien", "zebra", "Émile", "naïve", "kiwi",
	"b", "ab", "Banana",
}

// quote renders s as a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// nullOr returns "NULL" with probability p, otherwise v().
func nullOr(r *rand.Rand, p float64, v func() string) string {
	if r.Float64() < p {
		return "NULL"
	}
	return v()
}

// dyadic returns k/8 for a small k as a float8 literal: every sum of such
// values is exact in any order, which lets floats be compared as text (D5).
func dyadic(r *rand.Rand) string {
	pool := []float64{0, 0.5, 1.5, 2.5, -2.5, 0.125, 1024, -3.75, 100}
	var v float64
	if r.Intn(3) == 0 {
		v = pool[r.Intn(len(pool))]
	} else {
		v = float64(r.Intn(16001)-8000) / 8
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func cents(r *rand.Rand) string {
	pool := []string{"0.00", "1.50", "2.50", "-2.50", "10.05", "999.99", "-0.50", "0.01", "-999.99", "3.00"}
	if r.Intn(3) == 0 {
		return pool[r.Intn(len(pool))]
	}
	c := r.Intn(200001) - 100000
	neg := ""
	if c < 0 {
		neg, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", neg, c/100, c%100)
}

func small(r *rand.Rand) string { return strconv.Itoa(r.Intn(21) - 5) }

func medium(r *rand.Rand) string {
	switch r.Intn(4) {
	case 0:
		return []string{"0", "1", "-1", "42", "100", "1000000"}[r.Intn(6)]
	default:
		return strconv.Itoa(r.Intn(20001) - 10000)
	}
}

func word(r *rand.Rand) string { return quote(Words[r.Intn(len(Words))]) }

func boolean(r *rand.Rand) string { return []string{"true", "false"}[r.Intn(2)] }

// shuffledIDs returns 1..n in random order, so that ids do not follow the
// physical order.
func shuffledIDs(r *rand.Rand, n int) []int {
	ids := r.Perm(n)
	for i := range ids {
		ids[i]++
	}
	return ids
}

// Edge value pools of t5, the only table with extreme values (D6).
var (
	edgeInt4 = []string{"2147483647", "-2147483648", "0", "1", "-1", "NULL", "46341", "65536", "-7"}
	edgeInt8 = []string{"9223372036854775807", "-9223372036854775808", "0", "-1", "3037000500", "4294967296", "NULL", "7"}
	edgeNum  = []string{"0", "100000000000000000000", "-0.5", "0.005", "12345678.9", "NULL", "'NaN'", "2.5", "-2.5"}
	edgeFlt  = []string{"'NaN'", "'Infinity'", "'-Infinity'", "0.1", "'-0'", "1e300", "1e-300", "3.14159", "2.5", "NULL", "-0.5"}
	edgeText = []string{"'12'", "' 7 '", "'abc'", "'1e3'", "'3.7'", "'-0'", "'true'", "''", "NULL", "'2147483648'", "'NaN'", "'t'", "'  -12  '", "'0x1F'"}
)

// Generate makes the schema and data for a seed's random source:
//
//	t1(id, a int4, b int8, c text, d bool, e numeric(10,2), f float8)  ~30 rows
//	t2(id, a int4, b int8, c text, f float8, g int4)                  ~20 rows, keys overlapping t1's
//	t3 like t1                                                        empty
//	t4(k int4, v text, n numeric, x int8)                             many duplicates and NULLs
//	t5(id, i4 int4, i8 int8, n numeric, fl float8, s text)            extreme values, NaN, infinities
//
// Only t5 holds values whose arithmetic can overflow or whose float sums
// are inexact (D5, D6).
func Generate(r *rand.Rand) *Schema {
	s := &Schema{}
	t1 := &Table{Name: "t1", Cols: []Column{
		{Name: "id", Type: Int4}, {Name: "a", Type: Int4}, {Name: "b", Type: Int8}, {Name: "c", Type: Text},
		{Name: "d", Type: Bool}, {Name: "e", Type: Numeric, Decl: "numeric(10,2)"}, {Name: "f", Type: Float8},
	}}
	n := 24 + r.Intn(13)
	for _, id := range shuffledIDs(r, n) {
		t1.Rows = append(t1.Rows, []string{
			strconv.Itoa(id),
			nullOr(r, 0.15, func() string { return small(r) }),
			nullOr(r, 0.1, func() string { return medium(r) }),
			nullOr(r, 0.15, func() string { return word(r) }),
			nullOr(r, 0.2, func() string { return boolean(r) }),
			nullOr(r, 0.15, func() string { return cents(r) }),
			nullOr(r, 0.15, func() string { return dyadic(r) }),
		})
	}
	s.Tables = append(s.Tables, t1)

	t2 := &Table{Name: "t2", Cols: []Column{
		{Name: "id", Type: Int4}, {Name: "a", Type: Int4}, {Name: "b", Type: Int8}, {Name: "c", Type: Text},
		{Name: "f", Type: Float8}, {Name: "g", Type: Int4},
	}}
	n = 15 + r.Intn(11)
	for _, id := range shuffledIDs(r, n) {
		t2.Rows = append(t2.Rows, []string{
			strconv.Itoa(id),
			nullOr(r, 0.15, func() string {
				if r.Intn(4) == 0 {
					return strconv.Itoa(20 + r.Intn(10)) // keys t1 does not have
				}
				return small(r)
			}),
			nullOr(r, 0.15, func() string { return medium(r) }),
			nullOr(r, 0.15, func() string { return word(r) }),
			nullOr(r, 0.15, func() string { return dyadic(r) }),
			nullOr(r, 0.2, func() string { return strconv.Itoa(r.Intn(4)) }),
		})
	}
	s.Tables = append(s.Tables, t2)

	s.Tables = append(s.Tables, &Table{Name: "t3", Cols: append([]Column(nil), t1.Cols...)})

	t4 := &Table{Name: "t4", Cols: []Column{
		{Name: "k", Type: Int4}, {Name: "v", Type: Text}, {Name: "n", Type: Numeric}, {Name: "x", Type: Int8},
	}}
	n = 30 + r.Intn(15)
	for i := 0; i < n; i++ {
		t4.Rows = append(t4.Rows, []string{
			nullOr(r, 0.25, func() string { return strconv.Itoa(1 + r.Intn(3)) }),
			nullOr(r, 0.25, func() string { return quote([]string{"x", "y", "z"}[r.Intn(3)]) }),
			nullOr(r, 0.25, func() string { return []string{"1", "2.5", "-1", "0", "10", "1.25"}[r.Intn(6)] }),
			nullOr(r, 0.25, func() string { return []string{"1", "2", "100", "-7"}[r.Intn(4)] }),
		})
	}
	s.Tables = append(s.Tables, t4)

	t5 := &Table{Name: "t5", Cols: []Column{
		{Name: "id", Type: Int4}, {Name: "i4", Type: Int4}, {Name: "i8", Type: Int8}, {Name: "n", Type: Numeric},
		{Name: "fl", Type: Float8}, {Name: "s", Type: Text},
	}}
	for id := 1; id <= EdgeRows; id++ {
		pick := func(pool []string) string { return pool[r.Intn(len(pool))] }
		t5.Rows = append(t5.Rows, []string{
			strconv.Itoa(id), pick(edgeInt4), pick(edgeInt8), pick(edgeNum), pick(edgeFlt), pick(edgeText),
		})
	}
	s.Tables = append(s.Tables, t5)
	return s
}

// EdgeRows is the number of rows of t5 (ids 1..EdgeRows).
const EdgeRows = 14
