package difftest

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
)

// col is a column reference visible to the expression generator.
type col struct {
	sql string
	typ Type
}

// exprs generates typed scalar expressions over a scope of columns. Its
// expressions never fail on the data of t1..t4 except by 22003 (overflow),
// so a query built from them fails in at most one way (D6): divisors are
// non-zero literals, casts from text are absent, products are depth-limited.
type exprs struct {
	r    *rand.Rand
	cols []col
}

func (x *exprs) pick(ss ...string) string { return ss[x.r.Intn(len(ss))] }

func (x *exprs) chance(n int) bool { return x.r.Intn(n) == 0 }

// colOf returns a random column of type t, or "".
func (x *exprs) colOf(t Type) string {
	var cs []string
	for _, c := range x.cols {
		if c.typ == t {
			cs = append(cs, c.sql)
		}
	}
	if len(cs) == 0 {
		return ""
	}
	return cs[x.r.Intn(len(cs))]
}

// numType returns a random numeric type, weighted to those in scope.
func (x *exprs) numType() Type {
	return []Type{Int4, Int4, Int4, Int8, Numeric, Float8}[x.r.Intn(6)]
}

// lit returns a literal of type t.
func (x *exprs) lit(t Type) string {
	r := x.r
	switch t {
	case Int4:
		if x.chance(8) {
			return "NULL::int4"
		}
		return strconv.Itoa(r.Intn(21) - 5)
	case Int8:
		return x.pick("0::int8", "1::int8", "-3::int8", "100::int8", "5000000000", "-1", "7")
	case Numeric:
		return x.pick("1.5", "2.25", "-0.5", "10.05", "0.00", "3", "100.125", "-7.50")
	case Float8:
		return x.pick("1.5::float8", "'2.25'::float8", "-0.5::float8", "0::float8", "1e3::float8", "'0.125'::float8")
	case Text:
		if x.chance(8) {
			return "NULL::text"
		}
		return quote(Words[r.Intn(len(Words))])
	case Bool:
		return x.pick("true", "false", "NULL::bool")
	}
	return "NULL"
}

// nz returns a non-zero literal divisor of type t.
func (x *exprs) nz(t Type) string {
	switch t {
	case Numeric:
		return x.pick("3", "2.5", "-4", "7", "0.5")
	case Float8:
		return x.pick("3", "2.5", "-4", "8")
	}
	return x.pick("2", "3", "-2", "7", "10")
}

// leaf returns a column of type t (usually) or a literal.
func (x *exprs) leaf(t Type) string {
	if c := x.colOf(t); c != "" && !x.chance(5) {
		return c
	}
	if t.isNum() && !x.chance(3) {
		// a column of another numeric type, cast
		for i := 0; i < 3; i++ {
			if c := x.colOf(x.numType()); c != "" {
				return c + "::" + t.SQL()
			}
		}
	}
	return x.lit(t)
}

// expr returns an expression of (roughly) type t.
func (x *exprs) expr(t Type, depth int) string {
	if depth <= 0 || x.chance(3) {
		return x.leaf(t)
	}
	switch t {
	case Int4, Int8:
		return x.intExpr(t, depth)
	case Numeric:
		return x.numericExpr(depth)
	case Float8:
		return x.floatExpr(depth)
	case Text:
		return x.textExpr(depth)
	case Bool:
		return x.pred(depth)
	}
	return x.leaf(t)
}

// common returns one of the forms every type has: CASE, COALESCE, NULLIF,
// GREATEST, LEAST.
func (x *exprs) common(t Type, depth int) string {
	e := func() string { return x.expr(t, depth-1) }
	switch x.r.Intn(6) {
	case 0:
		return fmt.Sprintf("CASE WHEN %s THEN %s ELSE %s END", x.pred(depth-1), e(), e())
	case 1:
		return fmt.Sprintf("CASE WHEN %s THEN %s WHEN %s THEN %s END", x.pred(depth-1), e(), x.pred(depth-1), e())
	case 2:
		return fmt.Sprintf("COALESCE(%s, %s)", e(), x.leaf(t))
	case 3:
		return fmt.Sprintf("NULLIF(%s, %s)", e(), x.lit(t))
	case 4:
		return fmt.Sprintf("GREATEST(%s, %s)", e(), e())
	default:
		return fmt.Sprintf("LEAST(%s, %s, %s)", e(), e(), x.lit(t))
	}
}

func (x *exprs) intExpr(t Type, depth int) string {
	e := func() string { return x.expr(t, depth-1) }
	switch x.r.Intn(14) {
	case 0:
		return fmt.Sprintf("(%s + %s)", e(), e())
	case 1:
		return fmt.Sprintf("(%s - %s)", e(), x.leaf(t))
	case 2:
		return fmt.Sprintf("(%s * %s)", e(), x.leaf(t))
	case 3:
		return fmt.Sprintf("(%s / %s)", e(), x.nz(t))
	case 4:
		return fmt.Sprintf("(%s %% %s)", e(), x.nz(t))
	case 5:
		return fmt.Sprintf("abs(%s)", e())
	case 6:
		return fmt.Sprintf("(- %s)", e())
	case 7:
		if t == Int4 {
			return fmt.Sprintf("%s(%s)", x.pick("length", "char_length", "octet_length"), x.expr(Text, depth-1))
		}
		return fmt.Sprintf("(%s)::int8", x.expr(Int4, depth-1))
	case 8:
		return fmt.Sprintf("mod(%s, %s)", e(), x.nz(t))
	case 9:
		if t == Int4 {
			return fmt.Sprintf("strpos(%s, %s)", x.expr(Text, depth-1), x.pick("'a'", "'an'", "'p'", "''"))
		}
		return fmt.Sprintf("(%s + %s)", x.expr(Int4, depth-1), x.leaf(Int8))
	case 10:
		// numeric and float to integer casts: rounding rules differ
		return fmt.Sprintf("(%s)::%s", x.expr(x.pick2(Numeric, Float8), depth-1), t.SQL())
	case 11:
		if t == Int4 {
			return fmt.Sprintf("position(%s in %s)", x.pick("'a'", "'e'", "' '"), x.expr(Text, depth-1))
		}
		return fmt.Sprintf("(%s * %s)", x.leaf(Int4), x.leaf(Int8))
	}
	return x.common(t, depth)
}

func (x *exprs) pick2(a, b Type) Type {
	if x.chance(2) {
		return a
	}
	return b
}

func (x *exprs) numericExpr(depth int) string {
	e := func() string { return x.expr(Numeric, depth-1) }
	switch x.r.Intn(16) {
	case 0:
		// not float8: numeric + float8 is float8, and these feed exact sums (D5)
		return fmt.Sprintf("(%s + %s)", e(), x.expr([]Type{Int4, Int8, Numeric}[x.r.Intn(3)], depth-1))
	case 1:
		return fmt.Sprintf("(%s - %s)", e(), x.leaf(Numeric))
	case 2:
		return fmt.Sprintf("(%s * %s)", e(), x.pick("1.5", "2", "-0.25", "3.333"))
	case 3:
		return fmt.Sprintf("(%s / %s)", e(), x.nz(Numeric))
	case 4:
		return fmt.Sprintf("round(%s)", e())
	case 5:
		return fmt.Sprintf("round(%s, %d)", e(), x.r.Intn(5)-1)
	case 6:
		return fmt.Sprintf("trunc(%s, %d)", e(), x.r.Intn(3))
	case 7:
		return fmt.Sprintf("%s(%s)", x.pick("ceil", "floor", "abs", "sign", "ceiling"), e())
	case 8:
		return fmt.Sprintf("(%s)::numeric(%s)", e(), x.pick("8,1", "12,3", "10,0"))
	case 9:
		return fmt.Sprintf("(%s::numeric / %s)", x.expr(Int4, depth-1), x.nz(Int4))
	case 10:
		return fmt.Sprintf("(%s %% %s)", e(), x.pick("2.5", "3", "-0.7"))
	case 11:
		return fmt.Sprintf("(%s * %s)", x.expr(Int4, depth-1), x.leaf(Numeric))
	}
	return x.common(Numeric, depth)
}

func (x *exprs) floatExpr(depth int) string {
	e := func() string { return x.expr(Float8, depth-1) }
	switch x.r.Intn(14) {
	case 0:
		return fmt.Sprintf("(%s + %s)", e(), x.expr(x.pick2(Float8, Int4), depth-1))
	case 1:
		return fmt.Sprintf("(%s - %s)", e(), x.leaf(Float8))
	case 2:
		return fmt.Sprintf("(%s * %s)", e(), x.nz(Float8))
	case 3:
		return fmt.Sprintf("(%s / %s)", e(), x.nz(Float8))
	case 4:
		return fmt.Sprintf("%s(%s)", x.pick("round", "trunc", "ceil", "floor", "abs", "sign"), e())
	case 5:
		return fmt.Sprintf("sqrt(abs(%s))", e())
	case 6:
		return fmt.Sprintf("power(%s, 2)", e())
	case 7:
		return fmt.Sprintf("(%s)::float8", x.expr(Numeric, depth-1))
	case 8:
		return fmt.Sprintf("(%s * %s)", x.expr(Int4, depth-1), x.leaf(Float8))
	case 9:
		return fmt.Sprintf("(%s / 3)", e())
	}
	return x.common(Float8, depth)
}

func (x *exprs) textExpr(depth int) string {
	e := func() string { return x.expr(Text, depth-1) }
	n := func() int { return x.r.Intn(7) - 1 }
	switch x.r.Intn(26) {
	case 0:
		return fmt.Sprintf("lower(%s)", e())
	case 1:
		return fmt.Sprintf("upper(%s)", e())
	case 2:
		return fmt.Sprintf("%s(%s)", x.pick("trim", "ltrim", "rtrim", "btrim"), e())
	case 3:
		return fmt.Sprintf("trim(%s %s from %s)", x.pick("both", "leading", "trailing"), x.pick("'a'", "'e'", "' '", "'AEa'"), e())
	case 4:
		return fmt.Sprintf("substring(%s from %d for %d)", e(), n(), x.r.Intn(5))
	case 5:
		return fmt.Sprintf("substring(%s from %d)", e(), n())
	case 6:
		return fmt.Sprintf("substr(%s, %d, %d)", e(), n(), x.r.Intn(4))
	case 7:
		return fmt.Sprintf("replace(%s, %s, %s)", e(), x.pick("'a'", "'p'", "'an'", "' '"), x.pick("'X'", "''", "'--'"))
	case 8:
		return fmt.Sprintf("(%s || %s)", e(), x.pick("'!'", "'-'", "' '", "''"))
	case 9:
		return fmt.Sprintf("(%s || %s)", e(), x.expr(x.numType(), depth-1))
	case 10:
		return fmt.Sprintf("concat(%s, %s)", e(), x.expr(x.numType(), depth-1))
	case 11:
		return fmt.Sprintf("concat_ws(%s, %s, %s)", x.pick("','", "'-'"), e(), x.expr(Int4, depth-1))
	case 12:
		return fmt.Sprintf("%s(%s, %d)", x.pick("left", "right"), e(), x.r.Intn(7)-3)
	case 13:
		return fmt.Sprintf("%s(%s, %d, %s)", x.pick("lpad", "rpad"), e(), x.r.Intn(9), x.pick("'*'", "'xy'", "' '"))
	case 14:
		return fmt.Sprintf("reverse(%s)", e())
	case 15:
		return fmt.Sprintf("initcap(%s)", e())
	case 16:
		return fmt.Sprintf("repeat(%s, %d)", e(), x.r.Intn(4)-1)
	case 17:
		return fmt.Sprintf("(%s)::text", x.expr(x.pick2(x.numType(), Bool), depth-1))
	case 18:
		return fmt.Sprintf("split_part(%s, %s, %d)", e(), x.pick("' '", "'a'", "'_'"), 1+x.r.Intn(2))
	case 19:
		return fmt.Sprintf("md5(%s)", e())
	case 20:
		return fmt.Sprintf("%s(%s)", x.pick("lpad", "rpad"), e()+", 6")
	}
	return x.common(Text, depth)
}

var (
	cmpOps       = []string{"=", "<>", "!=", "<", "<=", ">", ">="}
	likePatterns = []string{"'a%'", "'%e'", "'_a%'", "'%an%'", "'A%'", "'%\\%%'", "'%\\_%'", "''", "'%'", "'b_'", "'%É%'"}
	regexps      = []string{"'^a'", "'e$'", "'an+a'", "'^[A-Z]'", "'p{2}'", "'^.?.?$'"}
)

// pred returns a boolean expression.
func (x *exprs) pred(depth int) string {
	if depth <= 0 {
		return x.atom(0)
	}
	switch x.r.Intn(8) {
	case 0:
		return fmt.Sprintf("(%s AND %s)", x.pred(depth-1), x.pred(depth-1))
	case 1:
		return fmt.Sprintf("(%s OR %s)", x.pred(depth-1), x.pred(depth-1))
	case 2:
		return fmt.Sprintf("NOT (%s)", x.pred(depth-1))
	}
	return x.atom(depth - 1)
}

// atom returns a boolean expression without AND/OR/NOT at its top.
func (x *exprs) atom(depth int) string {
	t := x.numType()
	if x.chance(3) {
		t = Text
	}
	e := func() string { return x.expr(t, depth) }
	switch x.r.Intn(16) {
	case 0, 1, 2:
		if t == Text {
			return fmt.Sprintf("%s %s %s", e(), x.pick(cmpOps...), x.pick(x.lit(Text), x.leaf(Text)))
		}
		return fmt.Sprintf("%s %s %s", e(), x.pick(cmpOps...), x.expr(x.numType(), depth))
	case 3:
		return fmt.Sprintf("%s IS %sNULL", e(), x.pick("", "NOT "))
	case 4:
		return fmt.Sprintf("%s %sBETWEEN %s%s AND %s", e(), x.pick("", "NOT "), x.pick("", "SYMMETRIC "), x.lit(t), x.lit(t))
	case 5:
		var items []string
		for i := 0; i < 1+x.r.Intn(4); i++ {
			items = append(items, x.lit(t))
		}
		return fmt.Sprintf("%s %sIN (%s)", e(), x.pick("", "NOT "), strings.Join(items, ", "))
	case 6:
		return fmt.Sprintf("%s %s %s", x.expr(Text, depth), x.pick("LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE"), x.pick(likePatterns...))
	case 7:
		return fmt.Sprintf("%s IS %sDISTINCT FROM %s", e(), x.pick("", "NOT "), x.pick(x.lit(t), x.leaf(t)))
	case 8:
		if c := x.colOf(Bool); c != "" {
			return fmt.Sprintf("%s IS %s%s", c, x.pick("", "NOT "), x.pick("TRUE", "FALSE", "UNKNOWN"))
		}
		return fmt.Sprintf("%s IS NOT NULL", e())
	case 9:
		if c := x.colOf(Bool); c != "" {
			return x.pick(c, "NOT "+c, c+" = "+x.lit(Bool))
		}
		return x.lit(Bool)
	case 10:
		return fmt.Sprintf("%s %s %s", x.expr(Text, depth), x.pick("~", "~*", "!~"), x.pick(regexps...))
	case 11:
		return fmt.Sprintf("starts_with(%s, %s)", x.expr(Text, depth), x.pick("'a'", "'A'", "''", "'b'"))
	}
	return fmt.Sprintf("%s %s %s", e(), x.pick(cmpOps...), x.lit(t))
}
