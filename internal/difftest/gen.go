package difftest

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
)

// Query is one generated query and how its results are compared.
type Query struct {
	// Category names the template family, e.g. "join" or "window".
	Category string
	SQL      string
	// Ordered is true when the query's ORDER BY fixes the order of the
	// output by the columns Keys (0-based, most significant first): rows
	// are compared in order by those columns and as multisets within runs
	// of equal keys (D4). When false, results are compared as multisets.
	Ordered bool
	Keys    []int
}

// Generator makes queries over a Schema from a random source (D1).
type Generator struct {
	r *rand.Rand
	s *Schema
}

// NewGenerator returns a generator over s drawing from r.
func NewGenerator(r *rand.Rand, s *Schema) *Generator { return &Generator{r: r, s: s} }

// category is a template family and its weight.
type category struct {
	name   string
	weight int
	fn     func(g *Generator) Query
}

var categories = []category{
	{"where", 12, (*Generator).where},
	{"expr", 12, (*Generator).exprQuery},
	{"scalar", 9, (*Generator).scalar},
	{"edge", 7, (*Generator).edge},
	{"aggregate", 11, (*Generator).aggregate},
	{"distinct", 4, (*Generator).distinct},
	{"order", 6, (*Generator).order},
	{"join", 10, (*Generator).join},
	{"subquery", 8, (*Generator).subquery},
	{"setop", 5, (*Generator).setop},
	{"values", 3, (*Generator).values},
	{"cte", 4, (*Generator).cte},
	{"window", 6, (*Generator).window},
	{"series", 3, (*Generator).series},
	{"mixed", 8, (*Generator).mixed},
	{"error", 3, (*Generator).semanticError},
}

// Categories returns the names of the template families.
func Categories() []string {
	var out []string
	for _, c := range categories {
		out = append(out, c.name)
	}
	return out
}

// Queries returns n distinct queries (or fewer if the templates cannot
// produce that many distinct texts, which does not happen for n in the
// tens of thousands). Every category gets a share by weight.
func (g *Generator) Queries(n int) []Query {
	total := 0
	for _, c := range categories {
		total += c.weight
	}
	seen := map[string]bool{}
	var out []Query
	misses := 0
	for len(out) < n && misses < 100*n {
		// pick categories round-robin by weight so small runs cover all
		c := categories[0]
		k := len(out) % total
		for _, cc := range categories {
			if k < cc.weight {
				c = cc
				break
			}
			k -= cc.weight
		}
		q := c.fn(g)
		q.Category = c.name
		if seen[q.SQL] {
			misses++
			// fall back to a random category to get past a saturated one
			c = categories[g.r.Intn(len(categories))]
			q = c.fn(g)
			q.Category = c.name
			if seen[q.SQL] {
				continue
			}
		}
		seen[q.SQL] = true
		out = append(out, q)
	}
	return out
}

func (g *Generator) pick(ss ...string) string { return ss[g.r.Intn(len(ss))] }

func (g *Generator) chance(n int) bool { return g.r.Intn(n) == 0 }

// scope returns the columns of table t under the qualifier q ("" for none).
func scope(t *Table, q string) []col {
	var out []col
	for _, c := range t.Cols {
		name := c.Name
		if q != "" {
			name = q + "." + name
		}
		out = append(out, col{sql: name, typ: c.Type})
	}
	return out
}

// plainTables are the tables whose values are safe for general
// expressions (D6).
var plainTables = []string{"t1", "t1", "t1", "t2", "t2", "t4", "t3"}

func (g *Generator) table() *Table { return g.s.Table(g.pick(plainTables...)) }

func (g *Generator) ex(cols []col) *exprs { return &exprs{r: g.r, cols: cols} }

// orderBy returns an ORDER BY over output columns 1..n by ordinal: over
// all of them when total, else over a random non-empty subset. keys lists
// the 0-based columns in order (D4).
func (g *Generator) orderBy(n int, total bool) (string, []int) {
	perm := g.r.Perm(n)
	k := n
	if !total {
		k = 1 + g.r.Intn(n)
	}
	var parts []string
	var keys []int
	for _, i := range perm[:k] {
		parts = append(parts, fmt.Sprintf("%d%s%s", i+1, g.pick("", " ASC", " DESC"), g.pick("", "", " NULLS FIRST", " NULLS LAST")))
		keys = append(keys, i)
	}
	return " ORDER BY " + strings.Join(parts, ", "), keys
}

// finish adds an optional ORDER BY (and LIMIT/OFFSET, only after an ORDER
// BY over every column: D4) to a query with n output columns whose equal
// values print alike (D9).
func (g *Generator) finish(sql string, n int, orderProb int) Query {
	return g.finishExact(sql, n, orderProb, true)
}

// finishExact is finish for a query whose output columns may hold equal
// values printed differently (0 and 0.00, -0 and 0) when exact is false:
// such a query gets no LIMIT, since which of two peers a LIMIT keeps is
// not determined (D9).
func (g *Generator) finishExact(sql string, n int, orderProb int, exact bool) Query {
	q := Query{SQL: sql}
	if g.r.Intn(100) < orderProb {
		total := g.chance(2)
		ob, keys := g.orderBy(n, total)
		q.SQL += ob
		q.Ordered, q.Keys = true, keys
		if total && exact && g.chance(2) {
			q.SQL += g.limit()
		}
	}
	return q
}

// exactType reports whether equal values of expressions of type t always
// print alike (D9): not so for numeric (scales) and float8 (-0).
func exactType(t Type) bool { return !t.isNum() || t == Int4 || t == Int8 }

func (g *Generator) limit() string {
	switch g.r.Intn(7) {
	case 0:
		return fmt.Sprintf(" LIMIT %d", g.r.Intn(6))
	case 1:
		return fmt.Sprintf(" OFFSET %d", g.r.Intn(8))
	case 2:
		return fmt.Sprintf(" LIMIT %d OFFSET %d", 1+g.r.Intn(5), g.r.Intn(40))
	case 3:
		return g.pick(" LIMIT ALL", " LIMIT NULL", " OFFSET 0")
	case 4:
		return fmt.Sprintf(" FETCH FIRST %d ROWS ONLY", 1+g.r.Intn(4))
	case 5:
		return fmt.Sprintf(" OFFSET %d ROWS FETCH NEXT %d ROWS ONLY", g.r.Intn(4), 1+g.r.Intn(3))
	}
	return fmt.Sprintf(" LIMIT %d", 1+g.r.Intn(10))
}

// selectList returns 1..max expressions over cols, and whether they are
// all exact (D9).
func (g *Generator) selectList(x *exprs, max int) ([]string, bool) {
	var items []string
	exact := true
	for i := 0; i < 1+g.r.Intn(max); i++ {
		t := Type(g.r.Intn(6))
		if g.chance(2) {
			items = append(items, x.cols[g.r.Intn(len(x.cols))].sql)
			continue
		}
		items = append(items, x.expr(t, 1+g.r.Intn(2)))
		exact = exact && exactType(t)
	}
	return items, exact
}

// where: column lists filtered by random predicates.
func (g *Generator) where() Query {
	t := g.table()
	x := g.ex(scope(t, ""))
	items, exact := g.selectList(x, 3)
	if g.chance(6) {
		items, exact = []string{"*"}, true
	}
	n := len(items)
	if items[0] == "*" {
		n = len(t.Cols)
	}
	sql := fmt.Sprintf("SELECT %s FROM %s WHERE %s", strings.Join(items, ", "), t.Name, x.pred(1+g.r.Intn(2)))
	return g.finishExact(sql, n, 30, exact)
}

// exprQuery: expressions in the select list (arithmetic, casts, CASE,
// functions).
func (g *Generator) exprQuery() Query {
	t := g.table()
	x := g.ex(scope(t, ""))
	var items []string
	exact := true
	for i := 0; i < 1+g.r.Intn(3); i++ {
		ty := Type(g.r.Intn(6))
		items = append(items, x.expr(ty, 1+g.r.Intn(3)))
		exact = exact && exactType(ty)
	}
	sql := fmt.Sprintf("SELECT %s FROM %s", strings.Join(items, ", "), t.Name)
	if g.chance(3) {
		sql += " WHERE " + x.pred(1)
	}
	return g.finishExact(sql, len(items), 20, exact)
}

// scalar: SELECT of literal expressions without FROM: casts, functions,
// operators and their errors. Each query fails in at most one way (D6).
func (g *Generator) scalar() Query {
	x := g.ex(nil)
	var items []string
	if g.chance(3) {
		// a random expression over literals
		for i := 0; i < 1+g.r.Intn(3); i++ {
			items = append(items, x.expr(Type(g.r.Intn(6)), 2))
		}
	} else {
		items = append(items, g.pick(scalarCases...))
		if g.chance(3) {
			// not int8, whose literals can overflow: the case may fail
			// already, and a query fails in at most one way (D6)
			items = append(items, x.expr([]Type{Int4, Numeric, Float8, Text, Bool}[g.r.Intn(5)], 2))
		}
	}
	return Query{SQL: "SELECT " + strings.Join(items, ", ")}
}

// edge: one operation on t5's extreme values, usually restricted to a
// single row so that the outcome (value or SQLSTATE) never depends on row
// order (D6).
func (g *Generator) edge() Query {
	op := g.pick(edgeOps...)
	where := fmt.Sprintf(" WHERE id = %d", 1+g.r.Intn(EdgeRows))
	if g.chance(5) {
		where = ""
		op = g.pick(edgeSafeOps...)
	}
	sql := fmt.Sprintf("SELECT id, %s FROM t5%s", op, where)
	return Query{SQL: sql}
}

// agg returns an aggregate call over x's columns, and whether equal
// results always print alike (D9). Float arguments are columns or integers
// so that sums are exact in any order (D5).
func (g *Generator) agg(x *exprs) (string, bool) {
	exact := true
	num := func() string {
		t := []Type{Int4, Int8, Numeric, Float8}[g.r.Intn(4)]
		if c := x.colOf(t); c != "" && (t == Float8 || !g.chance(4)) {
			return c
		}
		if t == Float8 {
			// exact sums only (D5): integers as float8
			return x.colOf(Int4) + "::float8"
		}
		exact = exact && exactType(t)
		return x.expr(t, 1)
	}
	// min, max and ordered aggregates take columns only: expressions can
	// yield equal values with different texts (0 and 0.00, -0 and 0), and
	// which of them min returns depends on the row order (D9)
	numCol := func() string {
		for {
			if c := x.colOf([]Type{Int4, Int8, Numeric, Float8}[g.r.Intn(4)]); c != "" {
				return c
			}
		}
	}
	text := func() string {
		if c := x.colOf(Text); c != "" {
			return c
		}
		return "'x'"
	}
	boolean := func() string {
		if c := x.colOf(Bool); c != "" {
			return c
		}
		return x.pred(0)
	}
	var a string
	switch g.r.Intn(18) {
	case 0:
		a = "count(*)"
	case 1:
		a = fmt.Sprintf("count(%s)", x.cols[g.r.Intn(len(x.cols))].sql)
	case 2:
		a = fmt.Sprintf("count(DISTINCT %s)", x.cols[g.r.Intn(len(x.cols))].sql)
	case 3, 4:
		a = fmt.Sprintf("sum(%s)", num())
	case 5, 6:
		// the scale of avg's result depends on the values (D9)
		a, exact = fmt.Sprintf("avg(%s)", num()), false
	case 7:
		a = fmt.Sprintf("%s(%s)", g.pick("min", "max"), numCol())
	case 8:
		a = fmt.Sprintf("%s(%s)", g.pick("min", "max"), text())
	case 9:
		a = fmt.Sprintf("%s(%s)", g.pick("bool_and", "bool_or", "every"), boolean())
	case 10:
		c := text()
		a = fmt.Sprintf("string_agg(%s, %s ORDER BY %s%s)", c, g.pick("','", "'|'", "''"), c, g.pick("", " DESC", " NULLS FIRST", " DESC NULLS LAST"))
	case 11:
		c := text()
		a = fmt.Sprintf("string_agg(DISTINCT %s, ',' ORDER BY %s)", c, c)
	case 12:
		c := numCol()
		a = fmt.Sprintf("string_agg(%s::text, ';' ORDER BY %s)", c, c)
	case 13:
		a = fmt.Sprintf("sum(%s) FILTER (WHERE %s)", num(), x.pred(0))
	case 14:
		a = fmt.Sprintf("count(*) FILTER (WHERE %s)", x.pred(0))
	case 15:
		a = fmt.Sprintf("sum(DISTINCT %s)", numCol())
	case 16:
		if hasID(x) {
			// ordered by another column, then the unique id (D4)
			o := fmt.Sprintf("ORDER BY %s%s, id", x.colOf(Int4), g.pick("", " DESC", " NULLS FIRST"))
			if g.chance(2) {
				a = fmt.Sprintf("string_agg(%s, '/' %s)", text(), o)
			} else {
				a = fmt.Sprintf("array_agg(%s %s)", x.cols[g.r.Intn(len(x.cols))].sql, o)
			}
			break
		}
		a = fmt.Sprintf("%s(DISTINCT %s)", g.pick("min", "max", "count"), numCol())
	default:
		c := numCol()
		a = fmt.Sprintf("array_agg(%s ORDER BY %s)", c, c)
	}
	return a, exact
}

// hasID reports whether x's scope has the unique column id.
func hasID(x *exprs) bool {
	for _, c := range x.cols {
		if c.sql == "id" {
			return true
		}
	}
	return false
}

// aggregate: aggregates with and without GROUP BY and HAVING.
func (g *Generator) aggregate() Query {
	t := g.table()
	cols := scope(t, "")
	x := g.ex(cols)
	var groups []string
	if !g.chance(4) {
		for i := 0; i < 1+g.r.Intn(2); i++ {
			c := cols[g.r.Intn(len(cols))]
			if c.typ == Float8 || c.sql == "id" {
				continue
			}
			if g.chance(4) && c.typ.isNum() {
				groups = append(groups, fmt.Sprintf("(%s %% 3)", c.sql))
				continue
			}
			groups = append(groups, c.sql)
		}
	}
	items := append([]string(nil), groups...)
	exact := true
	for i := 0; i < 1+g.r.Intn(3); i++ {
		a, ex := g.agg(x)
		items = append(items, a)
		exact = exact && ex
	}
	sql := fmt.Sprintf("SELECT %s FROM %s", strings.Join(items, ", "), t.Name)
	if g.chance(3) {
		sql += " WHERE " + x.pred(1)
	}
	if len(groups) > 0 {
		sql += " GROUP BY " + strings.Join(groups, ", ")
		if g.chance(3) {
			sql += " HAVING " + g.pick("count(*) > 1", "count(*) >= 2 AND min("+cols[1].sql+") IS NOT NULL",
				"count(DISTINCT "+cols[1].sql+") > 1", "sum("+x.leaf(Int4)+") > 0", "max("+x.leaf(Text)+") < 'c'", "avg("+x.leaf(Numeric)+") > 0")
		}
	} else if g.chance(8) {
		sql += " HAVING count(*) > 0"
	}
	return g.finishExact(sql, len(items), 30, exact)
}

// distinct: DISTINCT and DISTINCT ON (the latter ordered by every output
// column after the DISTINCT ON keys, so the row kept is determined: D4).
func (g *Generator) distinct() Query {
	t := g.table()
	cols := scope(t, "")
	x := g.ex(cols)
	var items []string
	for i := 0; i < 1+g.r.Intn(3); i++ {
		c := cols[g.r.Intn(len(cols))]
		if c.sql == "id" {
			continue
		}
		if g.chance(3) && exactType(c.typ) {
			// expressions only of types whose equal values print alike (D9)
			items = append(items, x.expr(c.typ, 1))
		} else {
			items = append(items, c.sql)
		}
	}
	if len(items) == 0 {
		items = []string{cols[1].sql}
	}
	items = dedupe(items)
	where := ""
	if g.chance(3) {
		where = " WHERE " + x.pred(1)
	}
	if g.chance(2) {
		return g.finish(fmt.Sprintf("SELECT DISTINCT %s FROM %s%s", strings.Join(items, ", "), t.Name, where), len(items), 40)
	}
	k := 1 + g.r.Intn(len(items))
	var on []string
	for i := 0; i < k; i++ {
		on = append(on, fmt.Sprintf("%d", i+1))
	}
	if g.chance(2) && !hasBareName(items[:k]) {
		on = items[:k]
	}
	extra := g.r.Intn(3) // more output columns, not in DISTINCT ON
	for i := 0; i < extra; i++ {
		items = append(items, cols[g.r.Intn(len(cols))].sql)
	}
	items = dedupe(items)
	var ob []string
	var keys []int
	for i := range items {
		ob = append(ob, fmt.Sprintf("%d%s%s", i+1, g.pick("", " DESC"), g.pick("", " NULLS FIRST", " NULLS LAST")))
		keys = append(keys, i)
	}
	sql := fmt.Sprintf("SELECT DISTINCT ON (%s) %s FROM %s%s ORDER BY %s", strings.Join(on, ", "), strings.Join(items, ", "), t.Name, where, strings.Join(ob, ", "))
	if g.chance(3) {
		sql += g.limit()
	}
	return Query{SQL: sql, Ordered: true, Keys: keys}
}

// order: ORDER BY with NULLS FIRST/LAST, by expression and position, with
// LIMIT/OFFSET.
func (g *Generator) order() Query {
	t := g.table()
	cols := scope(t, "")
	x := g.ex(cols)
	var items []string
	exact := true
	for i := 0; i < 1+g.r.Intn(3); i++ {
		if g.chance(3) {
			ty := Type(g.r.Intn(6))
			items = append(items, x.expr(ty, 1))
			exact = exact && exactType(ty)
		} else {
			items = append(items, cols[g.r.Intn(len(cols))].sql)
		}
	}
	sql := fmt.Sprintf("SELECT %s FROM %s", strings.Join(items, ", "), t.Name)
	if g.chance(3) {
		sql += " WHERE " + x.pred(1)
	}
	if t.Name != "t4" && g.chance(3) {
		// top-N: ORDER BY keys that need not be output columns, ended by
		// the unique id, fix the order of whole rows, so any LIMIT keeps
		// determined rows (D4)
		// keys are qualified, so that no output column of the same name
		// captures them, and never bare literals (which would be positions)
		var ob []string
		for i := 0; i < g.r.Intn(3); i++ {
			key := t.Name + "." + cols[1+g.r.Intn(len(cols)-1)].sql
			if e := x.expr(Type(g.r.Intn(6)), 1); g.chance(2) && strings.Contains(e, "(") {
				key = e
			}
			ob = append(ob, key+g.pick("", " DESC", " NULLS FIRST", " DESC NULLS LAST"))
		}
		ob = append(ob, t.Name+".id"+g.pick("", " DESC"))
		keys := make([]int, len(items))
		for i := range keys {
			keys[i] = i
		}
		sql += " ORDER BY " + strings.Join(ob, ", ")
		if g.chance(3) {
			return Query{SQL: sql, Ordered: true, Keys: keys}
		}
		return Query{SQL: sql + g.limit(), Ordered: true, Keys: keys}
	}
	if i := g.r.Intn(len(items)); g.chance(3) && strings.Contains(items[i], "(") {
		// order by an expression that is also an output column
		q := Query{SQL: sql + fmt.Sprintf(" ORDER BY %s %s %s", items[i], g.pick("ASC", "DESC"), g.pick("NULLS FIRST", "NULLS LAST")), Ordered: true, Keys: []int{i}}
		return q
	}
	return g.finishExact(sql, len(items), 100, exact)
}

// join: every join kind, ON / USING / NATURAL, over the plain tables and
// derived tables.
func (g *Generator) join() Query {
	lt, rt := g.s.Table(g.pick("t1", "t1", "t2", "t4")), g.s.Table(g.pick("t2", "t2", "t1", "t3", "t4"))
	la, ra := "l", "r"
	cols := append(scope(lt, la), scope(rt, ra)...)
	x := g.ex(cols)
	kind := g.pick("JOIN", "INNER JOIN", "LEFT JOIN", "LEFT OUTER JOIN", "RIGHT JOIN", "FULL JOIN", "FULL OUTER JOIN", "CROSS JOIN", ",")
	key := func(t *Table, a string) string {
		for _, c := range []string{"a", "k"} {
			for _, tc := range t.Cols {
				if tc.Name == c {
					return a + "." + c
				}
			}
		}
		return a + "." + t.Cols[0].Name
	}
	from := fmt.Sprintf("%s %s %s %s %s", lt.Name, la, kind, rt.Name, ra)
	var where string
	switch kind {
	case "CROSS JOIN", ",":
		where = " WHERE " + g.pick(key(lt, la)+" < "+key(rt, ra), x.pred(1), key(lt, la)+" = "+key(rt, ra))
	default:
		on := key(lt, la) + " = " + key(rt, ra)
		if g.chance(3) {
			on += " AND " + x.pred(0)
		}
		if strings.HasPrefix(kind, "FULL") {
			on = key(lt, la) + " = " + key(rt, ra)
		}
		from += " ON " + on
		if g.chance(4) {
			where = " WHERE " + x.pred(1)
		}
	}
	items, exact := g.selectList(x, 4)
	if g.chance(5) {
		return g.usingJoin()
	}
	if g.chance(8) {
		// three-way
		from += fmt.Sprintf(" %s t4 z ON z.k = %s", g.pick("JOIN", "LEFT JOIN", "FULL JOIN"), key(rt, ra))
		items = append(items, "z.v")
	}
	sql := fmt.Sprintf("SELECT %s FROM %s%s", strings.Join(items, ", "), from, where)
	if g.chance(5) {
		a, _ := g.agg(x)
		return Query{SQL: fmt.Sprintf("SELECT count(*), %s FROM %s%s", a, from, where)}
	}
	return g.finishExact(sql, len(items), 20, exact)
}

// usingJoin: USING and NATURAL joins, whose merged columns come first in
// SELECT *.
func (g *Generator) usingJoin() Query {
	kind := g.pick("JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN")
	var sql string
	switch g.r.Intn(5) {
	case 0:
		using := g.pick("a", "c", "a, c", "id")
		sql = fmt.Sprintf("SELECT * FROM t1 %s t2 USING (%s)", kind, using)
		if !strings.Contains(using, "a") {
			return Query{SQL: sql}
		}
	case 1:
		sql = fmt.Sprintf("SELECT a, t1.c, t2.c FROM t1 %s t2 USING (a)", kind)
	case 2:
		sql = fmt.Sprintf("SELECT * FROM (SELECT a, c FROM t1) x NATURAL %s (SELECT a, g FROM t2) y", kind)
	case 3:
		sql = fmt.Sprintf("SELECT * FROM (SELECT k AS a, v FROM t4) x NATURAL %s t2", kind)
	default:
		sql = fmt.Sprintf("SELECT a, count(*) FROM t1 %s t3 USING (a)%s GROUP BY a", kind, g.pick("", " WHERE a IS NOT NULL"))
		return Query{SQL: sql}
	}
	if g.chance(2) {
		sql += " WHERE a IS NOT NULL"
	}
	return Query{SQL: sql}
}

// subquery: scalar, IN, EXISTS, correlated, ANY/ALL, derived tables.
func (g *Generator) subquery() Query {
	x := g.ex(scope(g.s.Table("t1"), "t1"))
	y := g.ex(scope(g.s.Table("t2"), "t2"))
	sub := func() string {
		w := ""
		if g.chance(2) {
			w = " WHERE " + y.pred(0)
		}
		return w
	}
	var sql string
	n := 2
	switch g.r.Intn(14) {
	case 12:
		sql = fmt.Sprintf("SELECT t1.id, s.m FROM t1, LATERAL (SELECT %s(t2.b) AS m FROM t2 WHERE t2.a = t1.a) s", g.pick("max", "min", "count", "sum"))
	case 13:
		sql = fmt.Sprintf("SELECT t1.id, t1.a FROM t1 WHERE t1.a %s ALL (SELECT t2.a FROM t2 WHERE t2.g = t1.a %% 4 AND t2.a IS NOT NULL)", g.pick(cmpOps...))
	case 0:
		sql = fmt.Sprintf("SELECT t1.id, t1.a FROM t1 WHERE t1.a %sIN (SELECT t2.a FROM t2%s)", g.pick("", "NOT "), sub())
	case 1:
		n = 1
		sql = fmt.Sprintf("SELECT t1.id FROM t1 WHERE %sEXISTS (SELECT 1 FROM t2 WHERE t2.a = t1.a%s)", g.pick("", "NOT "), strings.Replace(sub(), " WHERE ", " AND ", 1))
	case 2:
		sql = fmt.Sprintf("SELECT t1.id, (SELECT %s(t2.%s) FROM t2 WHERE t2.a = t1.a) FROM t1", g.pick("max", "min", "count", "sum"), g.pick("b", "id", "g"))
	case 3:
		sql = fmt.Sprintf("SELECT t1.id, (SELECT count(*) FROM t2%s) FROM t1 WHERE %s", sub(), x.pred(0))
	case 4:
		sql = fmt.Sprintf("SELECT t1.id, t1.a FROM t1 WHERE t1.a %s %s (SELECT t2.a FROM t2%s)", g.pick(cmpOps...), g.pick("ANY", "ALL", "SOME"), sub())
	case 5:
		sql = fmt.Sprintf("SELECT t1.id, t1.a %s (SELECT t2.a FROM t2%s) FROM t1", g.pick("IN", "NOT IN"), sub())
	case 6:
		sql = fmt.Sprintf("SELECT t1.id, t1.b > (SELECT avg(t2.b) FROM t2 WHERE t2.g = t1.a %% 4) FROM t1")
	case 7:
		sql = fmt.Sprintf("SELECT s.x, count(*) FROM (SELECT t1.a %% 3 AS x, t1.c FROM t1 WHERE %s) s GROUP BY s.x", x.pred(0))
	case 8:
		// can fail with 21000 (more than one row): the only way it fails
		sql = fmt.Sprintf("SELECT t1.id, (SELECT t2.c FROM t2 WHERE t2.a = t1.a) FROM t1")
	case 9:
		n = 1
		sql = fmt.Sprintf("SELECT t1.id FROM t1 WHERE t1.b > (SELECT min(t2.b) FROM t2 WHERE t2.c = t1.c) OR t1.d")
	case 10:
		sql = fmt.Sprintf("SELECT t1.id, EXISTS (SELECT 1 FROM t4 WHERE t4.k = t1.a) FROM t1 WHERE %s", x.pred(0))
	default:
		sql = fmt.Sprintf("SELECT t1.c, t1.a FROM t1 WHERE (t1.a, t1.c) %sIN (SELECT t2.a, t2.c FROM t2)", g.pick("", "NOT "))
	}
	return g.finish(sql, n, 15)
}

// setop: UNION / INTERSECT / EXCEPT [ALL], with type unification.
func (g *Generator) setop() Query {
	shapes := [][2]string{
		{"a, c", "a, c"}, {"a", "a"}, {"a", "b"}, {"e", "f"}, {"c", "c"}, {"a, b", "g, a"}, {"d, a", "a > 0, g"},
		{"round(e)", "a"}, {"a, NULL", "NULL, c"}, {"c, f", "v, n"}, {"e", "e"},
	}
	sh := shapes[g.r.Intn(len(shapes))]
	rt := g.pick("t2", "t2", "t3")
	switch {
	case sh[1] == "v, n":
		rt = "t4"
	case strings.Contains(sh[1], "g"):
		rt = "t2"
	case strings.Contains(sh[1], "e"):
		rt = "t3"
	}
	lw := ""
	if g.chance(2) {
		lw = " WHERE a " + g.pick("> 0", "< 5", "IS NOT NULL", "IS NULL")
	}
	rw := ""
	if g.chance(2) && rt != "t4" {
		rw = " WHERE id " + g.pick("> 5", "< 10", "% 2 = 0")
	}
	op := g.pick("UNION", "UNION ALL", "INTERSECT", "INTERSECT ALL", "EXCEPT", "EXCEPT ALL")
	sql := fmt.Sprintf("SELECT %s FROM t1%s %s SELECT %s FROM %s%s", sh[0], lw, op, sh[1], rt, rw)
	if g.chance(4) {
		sql = fmt.Sprintf("(%s) %s SELECT %s FROM t1 WHERE id %% 3 = 0", sql, g.pick("UNION", "EXCEPT", "INTERSECT ALL"), sh[0])
	}
	n := strings.Count(sh[0], ",") + 1
	return g.finish(sql, n, 40)
}

// values: VALUES lists, standalone, as derived tables and in joins.
func (g *Generator) values() Query {
	x := g.ex(nil)
	row := func(ts []Type) string {
		var vs []string
		for _, t := range ts {
			vs = append(vs, x.expr(t, 1))
		}
		return "(" + strings.Join(vs, ", ") + ")"
	}
	ts := []Type{Type(g.r.Intn(6))}
	if g.chance(2) {
		ts = append(ts, Type(g.r.Intn(6)))
	}
	exact := true
	for _, t := range ts {
		exact = exact && exactType(t)
	}
	var rows []string
	for i := 0; i < 1+g.r.Intn(4); i++ {
		rows = append(rows, row(ts))
	}
	vals := "VALUES " + strings.Join(rows, ", ")
	switch g.r.Intn(4) {
	case 0:
		return g.finishExact(vals, len(ts), 30, exact)
	case 1:
		names := []string{"x", "y"}[:len(ts)]
		return g.finishExact(fmt.Sprintf("SELECT * FROM (%s) AS v(%s) WHERE x IS NOT NULL", vals, strings.Join(names, ", ")), len(ts), 30, exact)
	case 2:
		var vs []string
		for i := 0; i < 2+g.r.Intn(3); i++ {
			vs = append(vs, fmt.Sprintf("(%d, %s)", g.r.Intn(12)-3, quote(Words[g.r.Intn(len(Words))])))
		}
		return g.finish(fmt.Sprintf("SELECT t1.id, v.name FROM t1 %s (VALUES %s) v(n, name) ON t1.a = v.n", g.pick("JOIN", "LEFT JOIN", "RIGHT JOIN"), strings.Join(vs, ", ")), 2, 20)
	}
	mixed := g.pick("(1), (2.5), (NULL)", "(1, 'a'), (2, NULL), (NULL, 'c')", "(1), ('2')", "(1), ('a')", "(1::int8), (2)",
		"(true), (NULL)", "('x'), (NULL), ('x')", "(1.5::float8), (2)", "(1, 2), (3)", "(NULL), (NULL)")
	return g.finish("VALUES "+mixed, strings.Count(strings.SplitN(mixed, ")", 2)[0], ",")+1, 20)
}

// cte: WITH, several CTEs, WITH RECURSIVE (always terminating).
func (g *Generator) cte() Query {
	k := 3 + g.r.Intn(10)
	switch g.r.Intn(8) {
	case 0:
		return g.finish(fmt.Sprintf("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < %d) SELECT n, n * n FROM r", k), 2, 50)
	case 1:
		return Query{SQL: fmt.Sprintf("WITH RECURSIVE r(n) AS (VALUES (1) UNION ALL SELECT n + %d FROM r WHERE n < 50) SELECT sum(n), count(*), max(n) FROM r", 1+g.r.Intn(7))}
	case 2:
		return g.finish(fmt.Sprintf("WITH RECURSIVE f(i, a, b) AS (SELECT 1, 0::int8, 1::int8 UNION ALL SELECT i + 1, b, a + b FROM f WHERE i < %d) SELECT i, a FROM f", 10+k*5), 2, 50)
	case 3:
		return g.finish(fmt.Sprintf("WITH RECURSIVE r(x) AS (SELECT a FROM t1 WHERE a < %d UNION SELECT x + 3 FROM r WHERE x < 20) SELECT x FROM r", g.r.Intn(5)), 1, 50)
	case 4:
		return g.finish(fmt.Sprintf("WITH RECURSIVE s(i, str) AS (SELECT 1, 'a'::text UNION ALL SELECT i + 1, str || chr(97 + i) FROM s WHERE i < %d) SELECT i, str, length(str) FROM s", k), 3, 50)
	case 5:
		x := g.ex(scope(g.s.Table("t1"), ""))
		return g.finish(fmt.Sprintf("WITH x AS (SELECT a, count(*) AS n FROM t1 WHERE %s GROUP BY a) SELECT x.a, x.n, t2.c FROM x JOIN t2 ON t2.a = x.a", x.pred(0)), 3, 30)
	case 6:
		return g.finish(fmt.Sprintf("WITH x AS (SELECT * FROM t1 WHERE a > %d), y AS (SELECT a, sum(b) AS s FROM x GROUP BY a) SELECT y.a, y.s, (SELECT count(*) FROM x) FROM y", g.r.Intn(6)-2), 3, 30)
	}
	return g.finish(fmt.Sprintf("WITH x AS (SELECT c FROM t1 UNION ALL SELECT c FROM t2) SELECT c, count(*) FROM x GROUP BY c HAVING count(*) > %d", g.r.Intn(3)), 2, 30)
}

// window: ranking, offset and aggregate window functions. Functions whose
// value depends on the order among peers get a unique last ORDER BY key
// (D7).
func (g *Generator) window() Query {
	t := g.s.Table(g.pick("t1", "t1", "t2"))
	cols := scope(t, "")
	x := g.ex(cols)
	var parts []string
	pcol := func() string {
		for {
			c := cols[g.r.Intn(len(cols))]
			if c.sql != "id" && c.typ != Float8 {
				return c.sql
			}
		}
	}
	ocol := func() string {
		c := cols[1+g.r.Intn(len(cols)-1)].sql
		return c + g.pick("", " DESC", " NULLS FIRST", " DESC NULLS LAST")
	}
	part := ""
	if !g.chance(4) {
		part = "PARTITION BY " + pcol() + " "
	}
	ord := ocol()
	exact := true
	var items []string
	items = append(items, pcol())
	num := x.colOf([]Type{Int4, Int8, Float8}[g.r.Intn(3)])
	window := ""
	switch g.r.Intn(17) {
	case 0:
		parts = append(parts, fmt.Sprintf("row_number() OVER (%sORDER BY %s, id)", part, ord))
	case 1:
		parts = append(parts, fmt.Sprintf("rank() OVER (%sORDER BY %s)", part, ord))
	case 2:
		parts = append(parts, fmt.Sprintf("dense_rank() OVER (%sORDER BY %s)", part, ord))
	case 3:
		parts = append(parts, fmt.Sprintf("lag(%s) OVER (%sORDER BY %s, id)", num, part, ord))
	case 4:
		parts = append(parts, fmt.Sprintf("lead(%s, %d, %s) OVER (%sORDER BY %s, id)", num, 1+g.r.Intn(2), g.pick("0", "NULL", "-1"), part, ord))
	case 5:
		parts = append(parts, fmt.Sprintf("sum(%s) OVER (%sORDER BY %s)", num, part, ord))
	case 6:
		parts = append(parts, fmt.Sprintf("sum(%s) OVER (%s)", num, strings.TrimSpace(part)))
	case 7:
		parts = append(parts, fmt.Sprintf("count(*) OVER (%s)", strings.TrimSpace(part)))
	case 8:
		parts = append(parts, fmt.Sprintf("avg(%s) OVER (%sORDER BY %s)", x.colOf(Int4), part, ord))
		exact = false
	case 9:
		parts = append(parts, fmt.Sprintf("sum(%s) OVER (%sORDER BY %s, id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)", num, part, ord))
	case 10:
		parts = append(parts, fmt.Sprintf("%s(%s) OVER (%sORDER BY %s, id)", g.pick("first_value", "last_value"), num, part, ord))
	case 11:
		parts = append(parts, fmt.Sprintf("ntile(%d) OVER (%sORDER BY %s, id)", 2+g.r.Intn(3), part, ord))
	case 12:
		parts = append(parts, fmt.Sprintf("%s() OVER (%sORDER BY %s)", g.pick("percent_rank", "cume_dist"), part, ord))
	case 13:
		parts = append(parts, fmt.Sprintf("nth_value(%s, %d) OVER (%sORDER BY %s, id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)", num, 1+g.r.Intn(3), part, ord))
	case 14:
		// RANGE offsets over an integer key: frames of peers by value
		parts = append(parts, fmt.Sprintf("%s OVER (%sORDER BY a RANGE BETWEEN %d PRECEDING AND %s)", g.pick("count(*)", "sum(id)", "min(id)"), part, g.r.Intn(3), g.pick("CURRENT ROW", "1 FOLLOWING", "UNBOUNDED FOLLOWING")))
	case 15:
		parts = append(parts, fmt.Sprintf("sum(%s) OVER w, row_number() OVER w FROM_WINDOW", num))
	default:
		parts = append(parts, fmt.Sprintf("count(%s) OVER (%sORDER BY %s, id ROWS BETWEEN %d PRECEDING AND %d FOLLOWING%s)", num, part, ord, g.r.Intn(3), g.r.Intn(3), g.pick("", " EXCLUDE CURRENT ROW", " EXCLUDE TIES")))
	}
	if g.chance(3) {
		parts = append(parts, fmt.Sprintf("%s() OVER (ORDER BY %s)", g.pick("rank", "dense_rank"), ocol()))
	}
	if g.chance(8) {
		// window functions over grouped rows
		p := pcol()
		sql := fmt.Sprintf("SELECT %s, sum(%s), %s() OVER (ORDER BY sum(%s)%s), count(*) OVER () FROM %s GROUP BY %s",
			p, x.colOf(Int4), g.pick("rank", "dense_rank"), x.colOf(Int4), g.pick("", " DESC", " NULLS FIRST"), t.Name, p)
		return g.finish(sql, 4, 25)
	}
	items = append(items, parts...)
	list := strings.Join(items, ", ")
	if strings.Contains(list, " FROM_WINDOW") {
		// a named window shared by two functions
		list = strings.Replace(list, " FROM_WINDOW", "", 1)
		window = fmt.Sprintf(" WINDOW w AS (%sORDER BY %s, id)", part, ord)
	}
	n := strings.Count(list, " OVER ") + 1
	sql := fmt.Sprintf("SELECT %s FROM %s", list, t.Name)
	if g.chance(4) {
		sql += " WHERE " + x.pred(0)
	}
	return g.finishExact(sql+window, n, 25, exact)
}

// series: generate_series in FROM, alone, joined and lateral.
func (g *Generator) series() Query {
	lo, hi := g.r.Intn(7)-3, g.r.Intn(12)
	switch g.r.Intn(8) {
	case 0:
		return g.finish(fmt.Sprintf("SELECT * FROM generate_series(%d, %d) g", lo, hi), 1, 50)
	case 1:
		return g.finish(fmt.Sprintf("SELECT g, g * 2 FROM generate_series(%d, %d, %d) AS g", hi, lo, -1-g.r.Intn(3)), 2, 50)
	case 2:
		return g.finish(fmt.Sprintf("SELECT g FROM generate_series(%d, %d) g WHERE g %% %d = 0", lo, hi+10, 2+g.r.Intn(3)), 1, 50)
	case 3:
		return g.finish(fmt.Sprintf("SELECT g, t1.id FROM generate_series(%d, %d) g %s t1 ON t1.a = g", lo, hi, g.pick("JOIN", "LEFT JOIN")), 2, 30)
	case 4:
		return Query{SQL: fmt.Sprintf("SELECT sum(g), count(*), avg(g) FROM generate_series(%d, %d) g", lo, hi*10)}
	case 5:
		return g.finish(fmt.Sprintf("SELECT * FROM generate_series(%s) AS g", g.pick("0.5, 3, 0.5", "1::int8, 4", "1, 3, 0", "5, 1", "1, NULL", "1.0, 2.0", "10, 1, -3")), 1, 50)
	case 6:
		return g.finish(fmt.Sprintf("SELECT t4.k, g FROM t4, generate_series(1, t4.k) g WHERE t4.x > %d", g.r.Intn(3)), 2, 30)
	}
	return g.finish(fmt.Sprintf("SELECT g.x, count(t2.id) FROM generate_series(%d, %d) AS g(x) LEFT JOIN t2 ON t2.g = g.x GROUP BY g.x", lo, hi%5), 2, 30)
}

// mixed: features combined: joins with grouping, nested and correlated
// subqueries in several clauses, typmods through derived tables, row
// comparisons, set-returning functions in the select list.
func (g *Generator) mixed() Query {
	x := g.ex(scope(g.s.Table("t1"), "l"))
	k := g.r.Intn(8) - 2
	switch g.r.Intn(16) {
	case 0:
		return g.finish(fmt.Sprintf("SELECT l.a, count(*), sum(r.b), max(r.c) FROM t1 l %s t2 r ON l.a = r.a%s GROUP BY l.a%s",
			g.pick("JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN"), g.pick("", " WHERE "+x.pred(0)), g.pick("", " HAVING count(*) > 1", " HAVING sum(r.b) IS NULL")), 4, 40)
	case 1:
		return g.finish(fmt.Sprintf("SELECT l.id, r.id, z.v FROM t1 l JOIN t2 r ON l.a = r.a AND l.c %s r.c LEFT JOIN t4 z ON z.k = r.g WHERE l.a > %d", g.pick("<", "<>", "=", "IS DISTINCT FROM"), k), 3, 40)
	case 2:
		return g.finish(fmt.Sprintf("SELECT id FROM t1 WHERE a IN (SELECT a FROM t2 WHERE b > (SELECT avg(b) FROM t2 x WHERE x.g = t2.g)) OR b < %d", k*1000), 1, 30)
	case 3:
		return g.finish(fmt.Sprintf("SELECT a, count(*) FROM t1 GROUP BY a HAVING count(*) %s (SELECT count(*) FROM t4 WHERE t4.k = t1.a)", g.pick(">", "<", "=", ">=")), 2, 40)
	case 4:
		return g.finish(fmt.Sprintf("SELECT l.id, r.id FROM t1 l JOIN t2 r ON r.a = l.a AND r.b > (SELECT min(x) FROM t4 WHERE k = %d)", 1+g.r.Intn(3)), 2, 40)
	case 5:
		// typmods survive derived tables, CTEs, set operations and CASE
		return Query{SQL: g.pick("SELECT e FROM (SELECT e FROM t1) s", "WITH w AS (SELECT e FROM t1) SELECT e FROM w",
			"SELECT e FROM t1 UNION ALL SELECT e FROM t3", "SELECT CASE WHEN d THEN e ELSE e END FROM t1", "SELECT COALESCE(e, e) FROM t1",
			"SELECT e::numeric(12,3) FROM t1", "SELECT e::numeric FROM t1", "SELECT NULLIF(e, 0) FROM t1", "SELECT GREATEST(e, e) FROM t1",
			"SELECT max(e), min(e) FROM t1", "SELECT s.e FROM (VALUES (1)) v(x) LEFT JOIN t1 s ON s.a = v.x", "SELECT -e, +e, abs(e) FROM t1",
			"SELECT e FROM t1 INTERSECT SELECT e FROM t1", "SELECT (SELECT e FROM t1 ORDER BY id LIMIT 1)", "SELECT ARRAY[e] FROM t1")}
	case 6:
		return g.finish(fmt.Sprintf("SELECT a FROM t1 WHERE a %s (SELECT k FROM t4%s)", g.pick("NOT IN", "IN", "= ANY", "<> ALL"), g.pick("", " WHERE k IS NOT NULL", " WHERE v = 'x'")), 1, 30)
	case 7:
		return g.finish(fmt.Sprintf("SELECT id, (a, b) %s (%d, %d), ROW(a, c) IS %sNULL FROM t1", g.pick(cmpOps...), k, k*100, g.pick("", "NOT ")), 3, 30)
	case 8:
		return g.finish(fmt.Sprintf("SELECT id, CASE a WHEN %d THEN 'one' WHEN %d THEN 'two' WHEN NULL THEN 'null' ELSE 'many' END FROM t1", k, k+1), 2, 30)
	case 9:
		// set-returning functions in the select list (ProjectSet)
		if g.chance(4) {
			return g.finish("SELECT generate_series(1, a) FROM t1 WHERE a BETWEEN 1 AND 3", 1, 30)
		}
		return g.finish(g.pick(fmt.Sprintf("SELECT a, generate_series(1, %d) FROM t1 WHERE a > %d", 1+g.r.Intn(3), k+5),
			fmt.Sprintf("SELECT generate_series(1, %d), generate_series(1, %d)", 1+g.r.Intn(4), 1+g.r.Intn(4)),
			fmt.Sprintf("SELECT k, generate_series(k, %d) FROM t4 WHERE x = 100", 2+g.r.Intn(3))), 2, 30)
	case 10:
		return g.finish(fmt.Sprintf("SELECT l.id, r.id, z.k, w.x FROM t1 l JOIN t2 r ON l.a = r.a JOIN t4 z ON z.k = r.g %s (SELECT DISTINCT x FROM t4) w ON w.x = l.b WHERE l.a < %d", g.pick("LEFT JOIN", "JOIN", "FULL JOIN"), k+8), 4, 30)
	case 11:
		return g.finish(fmt.Sprintf("(SELECT a, c FROM t1 ORDER BY id LIMIT %d) UNION ALL (SELECT a, c FROM t2 ORDER BY id DESC LIMIT %d)", 1+g.r.Intn(5), g.r.Intn(5)), 2, 50)
	case 12:
		return g.finish(fmt.Sprintf("SELECT id FROM t1 l WHERE EXISTS (SELECT 1 FROM t2 r WHERE r.a = l.a AND EXISTS (SELECT 1 FROM t4 z WHERE z.k = r.g AND z.x > %d))", k), 1, 30)
	case 13:
		return g.finish(fmt.Sprintf("WITH RECURSIVE walk(k, depth) AS (SELECT k, 0 FROM t4 WHERE k = %d UNION SELECT (t4.x %% 4)::int4, walk.depth + 1 FROM walk JOIN t4 ON t4.k = walk.k WHERE walk.depth < %d) SELECT k, depth FROM walk", 1+g.r.Intn(3), 1+g.r.Intn(3)), 2, 40)
	case 14:
		return g.finish(fmt.Sprintf("WITH x AS %sMATERIALIZED (SELECT a, b FROM t1 WHERE a > %d) SELECT x.a, y.b FROM x JOIN x y ON x.a = y.a + 1", g.pick("", "NOT "), k), 2, 40)
	}
	return g.finish(fmt.Sprintf("SELECT d, count(*), count(d), bool_and(a > %d), bool_or(c LIKE 'a%%') FROM t1 GROUP BY d", k), 5, 40)
}

// semanticError: queries PostgreSQL rejects, to compare SQLSTATEs.
func (g *Generator) semanticError() Query {
	return Query{SQL: g.pick(errorCases...) + g.pick("", " ", "  ")}
}

// hasBareName reports whether an item is a plain column name, which
// DISTINCT ON and ORDER BY would match against output column names first.
func hasBareName(items []string) bool {
	for _, it := range items {
		if !strings.ContainsAny(it, "()+-*/:' ") {
			return true
		}
	}
	return false
}

// dedupe drops repeated items, keeping the first.
func dedupe(items []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		if !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	return out
}

// Distinct reports how many distinct SQL texts qs holds (for tests).
func Distinct(qs []Query) int {
	seen := map[string]bool{}
	for _, q := range qs {
		seen[q.SQL] = true
	}
	return len(seen)
}

// CategoryCounts returns the number of queries per category, sorted by
// name.
func CategoryCounts(qs []Query) []string {
	m := map[string]int{}
	for _, q := range qs {
		m[q.Category]++
	}
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(out)
	return out
}
