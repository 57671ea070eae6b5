package difftest

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

func generate(seed int64, n int) (*Schema, []Query) {
	r := rand.New(rand.NewSource(seed))
	s := Generate(r)
	return s, NewGenerator(r, s).Queries(n)
}

// D1: a seed fixes the schema, the data and the queries.
func TestSeedRepeats(t *testing.T) {
	s1, q1 := generate(42, 300)
	s2, q2 := generate(42, 300)
	if !reflect.DeepEqual(s1.Statements(false), s2.Statements(false)) || !reflect.DeepEqual(q1, q2) {
		t.Fatal("the same seed generated different schemas or queries")
	}
	_, q3 := generate(43, 300)
	if reflect.DeepEqual(q1, q3) {
		t.Fatal("different seeds generated the same queries")
	}
}

func TestQueriesDistinctAndCovering(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		_, qs := generate(seed, 1000)
		if len(qs) != 1000 || Distinct(qs) != 1000 {
			t.Fatalf("seed %d: %d queries, %d distinct; want 1000 distinct", seed, len(qs), Distinct(qs))
		}
		counts := map[string]int{}
		for _, q := range qs {
			counts[q.Category]++
		}
		for _, c := range Categories() {
			if counts[c] < 10 {
				t.Errorf("seed %d: category %s has %d queries", seed, c, counts[c])
			}
		}
	}
}

// The feature list: each appears in the generated SQL.
func TestFeaturesCovered(t *testing.T) {
	_, qs := generate(7, 5000)
	var all strings.Builder
	for _, q := range qs {
		all.WriteString(q.SQL + "\n")
	}
	text := all.String()
	for _, f := range []string{
		" AND ", " OR ", "NOT ", "IS NULL", "IS NOT NULL", "BETWEEN", " IN (", " LIKE ", " ILIKE ", "IS DISTINCT FROM",
		"2147483647", "/0", "::int4", "::numeric(", "CASE WHEN", "COALESCE(", "NULLIF(", "GREATEST(", "LEAST(",
		"length(", "substring(", "lower(", "upper(", "trim(", "replace(", "abs(", "round(", "mod(",
		"count(*)", "sum(", "avg(", "min(", "max(", "bool_and(", "string_agg(", "GROUP BY", "HAVING", "DISTINCT ",
		"DISTINCT ON", "NULLS FIRST", "NULLS LAST", "LIMIT", "OFFSET", " JOIN ", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN",
		"CROSS JOIN", "USING (", "NATURAL", "EXISTS (", " ANY (", " ALL (", "UNION", "INTERSECT", "EXCEPT", "UNION ALL",
		"INTERSECT ALL", "EXCEPT ALL", "VALUES", "WITH ", "WITH RECURSIVE", "row_number()", "rank()", "dense_rank()",
		"lag(", "lead(", "OVER (PARTITION BY", "generate_series(", "FROM t3", "t4", "EXCLUDE CURRENT ROW", "WINDOW w AS",
		"LATERAL", "MATERIALIZED", "SELECT generate_series(", "RANGE BETWEEN", "FILTER (WHERE", "ORDER BY t1.id",
	} {
		if !strings.Contains(text, f) {
			t.Errorf("no generated query contains %q", f)
		}
	}
}

// D4: LIMIT/OFFSET and DISTINCT ON only with an ORDER BY over every
// output column (or ending with the unique id), so the rows kept are
// determined.
func TestLimitOnlyWithTotalOrder(t *testing.T) {
	_, qs := generate(11, 3000)
	for _, q := range qs {
		limited := strings.Contains(q.SQL, " LIMIT ") || strings.Contains(q.SQL, " OFFSET ") || strings.Contains(q.SQL, " FETCH ")
		if q.Category == "error" {
			continue
		}
		// an inner LIMIT after ORDER BY the unique id is determined too
		if (limited || strings.Contains(q.SQL, "DISTINCT ON")) && !q.Ordered && !strings.Contains(q.SQL, "ORDER BY id") {
			t.Errorf("limited query without ORDER BY: %s", q.SQL)
		}
	}
}

// D2: plain CREATE TABLE and single-row INSERT; reversing keeps the rows.
func TestStatements(t *testing.T) {
	s, _ := generate(5, 0)
	fwd, rev := s.Statements(false), s.Statements(true)
	if len(fwd) != len(rev) {
		t.Fatalf("%d statements forward, %d reversed", len(fwd), len(rev))
	}
	creates := 0
	for _, st := range fwd {
		switch {
		case strings.HasPrefix(st, "CREATE TABLE "):
			creates++
		case strings.HasPrefix(st, "INSERT INTO "):
		default:
			t.Errorf("unexpected statement %q", st)
		}
	}
	if creates != 5 || s.Table("t3") == nil || len(s.Table("t3").Rows) != 0 {
		t.Errorf("want 5 tables with t3 empty; got %d CREATE TABLE", creates)
	}
	if fwd[5] == rev[5] && len(s.Table("t1").Rows) > 1 {
		t.Errorf("reverse did not change the insert order")
	}
}
