package difftest

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tuskdb/tusk/internal/pgoracle"
	"github.com/tuskdb/tusk/vfs"
)

var (
	flagN         = flag.Int("difftest.n", 3000, "number of generated queries")
	flagSeed      = flag.Int64("difftest.seed", 0, "seed (0: $DIFFTEST_SEED (\"random\" for a clock seed), else 1)")
	flagOut       = flag.String("difftest.out", "", "file to write every mismatch to (default: $TMPDIR/difftest-SEED.out)")
	flagShow      = flag.Int("difftest.show", 40, "mismatches printed in the failure")
	flagSelfCheck = flag.Bool("difftest.selfcheck", true, "also run every query on a second PostgreSQL database loaded in reverse order with other plans (D8)")
)

// openTusk opens the engine under test; tusk_test.go sets it unless the
// package is built with -tags difftest_pgonly (for when package tusk does
// not compile), in which case TestDifferential runs the self-check only.
var openTusk func(ctx context.Context, s *Schema) (Engine, error)

// seed returns the run's seed: the flag, else $DIFFTEST_SEED ("random"
// for the clock), else the fixed default seed 1, so that CI runs the same
// 3,000 queries every time while anyone can explore others (D1).
func seed(t *testing.T) int64 {
	if *flagSeed != 0 {
		return *flagSeed
	}
	if s := os.Getenv("DIFFTEST_SEED"); s == "random" {
		return time.Now().UnixNano()
	} else if s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("DIFFTEST_SEED=%q: %v", s, err)
		}
		return n
	}
	return 1
}

// planSettings make the self-check's second database choose other plans
// (sort-based grouping, merge and nested-loop joins), so that an order
// that only one plan happens to produce shows up as a difference (D8).
var planSettings = []string{
	"SET enable_hashagg = off", "SET enable_hashjoin = off", "SET enable_material = off",
}

func TestDifferential(t *testing.T) {
	sd := seed(t)
	t.Logf("difftest: seed %d (repeat with DIFFTEST_SEED=%d or -difftest.seed=%d)", sd, sd, sd)
	r := rand.New(rand.NewSource(sd))
	schema := Generate(r)
	queries := NewGenerator(r, schema).Queries(*flagN)
	t.Logf("difftest: %d queries: %s", len(queries), strings.Join(CategoryCounts(queries), " "))

	ctx := context.Background()
	url := pgoracle.Start(t)
	pg, err := OpenPostgres(ctx, url, "difftest_a")
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer pg.Close()
	if err := Load(ctx, pg, schema, false); err != nil {
		t.Fatalf("postgres: loading: %v", err)
	}
	var pg2 *Postgres
	if *flagSelfCheck {
		if pg2, err = OpenPostgres(ctx, url, "difftest_b", planSettings...); err != nil {
			t.Fatalf("postgres: %v", err)
		}
		defer pg2.Close()
		if err := Load(ctx, pg2, schema, true); err != nil {
			t.Fatalf("postgres: loading: %v", err)
		}
	}
	var engine Engine
	if openTusk != nil {
		if engine, err = openTusk(ctx, schema); err != nil {
			t.Fatalf("tusk: %v", err)
		}
		if c, ok := engine.(interface{ Close() error }); ok {
			defer c.Close()
		}
	} else {
		t.Logf("difftest: built with -tags difftest_pgonly: checking the generator against PostgreSQL only")
	}

	start := time.Now()
	var unstable, mismatches []*Mismatch
	match := 0
	perCat := map[string][2]int{} // category -> (queries, matches)
	pgErrors := map[string]int{}  // "category SQLSTATE" -> count
	for _, q := range queries {
		want, err := pg.Query(ctx, q.SQL)
		if err != nil {
			t.Fatalf("postgres: %s: %v", q.SQL, err)
		}
		if want.Failed {
			pgErrors[q.Category+" "+want.Code]++
		}
		if pg2 != nil {
			other, err := pg2.Query(ctx, q.SQL)
			if err != nil {
				t.Fatalf("postgres: %s: %v", q.SQL, err)
			}
			if m := Compare(q, want, other); m != nil {
				unstable = append(unstable, m)
				continue
			}
		}
		if engine == nil {
			continue
		}
		got, err := engine.Query(ctx, q.SQL)
		if err != nil {
			t.Fatalf("tusk: %s: %v", q.SQL, err)
		}
		c := perCat[q.Category]
		c[0]++
		if m := Compare(q, want, got); m != nil {
			mismatches = append(mismatches, m)
		} else {
			match++
			c[1]++
		}
		perCat[q.Category] = c
	}
	elapsed := time.Since(start)
	var errs []string
	for k, n := range pgErrors {
		errs = append(errs, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(errs)
	t.Logf("difftest: PostgreSQL errors by category and SQLSTATE: %s", strings.Join(errs, " "))

	// D8: a query whose PostgreSQL result depends on the row order or the
	// plan is a generator bug, not an engine bug.
	for i, m := range unstable {
		if i == *flagShow {
			t.Errorf("... %d more unstable queries", len(unstable)-i)
			break
		}
		t.Errorf("generator bug (D8): PostgreSQL's result depends on row order or plan:\n%s", m.Report(10, "second"))
	}
	if engine == nil {
		t.Logf("difftest: %d queries, %d stable on PostgreSQL (%v)", len(queries), len(queries)-len(unstable), elapsed)
		return
	}

	report := summarize(mismatches, perCat)
	out := *flagOut
	if out == "" {
		// not t.TempDir(): the file must outlive the test to be read
		out = filepath.Join(os.TempDir(), fmt.Sprintf("difftest-%d.out", sd))
	}
	writeReport(t, out, sd, mismatches, report)
	summary := fmt.Sprintf("difftest: %d queries, %d match", len(queries)-len(unstable), match)
	t.Log(summary + fmt.Sprintf(" (%v; seed %d; all mismatches in %s)", elapsed, sd, out))
	fmt.Println(summary)
	if len(mismatches) == 0 {
		return
	}
	var b strings.Builder
	for i, m := range mismatches {
		if i == *flagShow {
			fmt.Fprintf(&b, "\n... %d more in %s", len(mismatches)-i, out)
			break
		}
		b.WriteString("\n" + m.Report(10, "tusk"))
	}
	t.Errorf("%s; %d mismatches (seed %d):\n%s\n%s", summary, len(mismatches), sd, report, b.String())
}

// summarize counts matches per category and mismatches per class, biggest
// first, with one example query each.
func summarize(ms []*Mismatch, perCat map[string][2]int) string {
	var b strings.Builder
	b.WriteString("matches per category:")
	var cats []string
	for c := range perCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, c := range cats {
		fmt.Fprintf(&b, " %s %d/%d", c, perCat[c][1], perCat[c][0])
	}
	count := map[string]int{}
	example := map[string]*Mismatch{}
	for _, m := range ms {
		k := m.Class()
		if count[k] == 0 {
			example[k] = m
		}
		count[k]++
	}
	var classes []string
	for k := range count {
		classes = append(classes, k)
	}
	sort.Slice(classes, func(i, j int) bool {
		if count[classes[i]] != count[classes[j]] {
			return count[classes[i]] > count[classes[j]]
		}
		return classes[i] < classes[j]
	})
	b.WriteString("\nmismatches by kind:")
	for _, k := range classes {
		fmt.Fprintf(&b, "\n%5d  %s\n       e.g. %s", count[k], k, example[k].Query.SQL)
	}
	return b.String()
}

func writeReport(t *testing.T, path string, sd int64, ms []*Mismatch, summary string) {
	var b strings.Builder
	fmt.Fprintf(&b, "difftest seed %d: %d mismatches\n%s\n\n", sd, len(ms), summary)
	for _, m := range ms {
		b.WriteString(m.Report(50, "tusk") + "\n\n")
	}
	f, err := vfs.Default.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err == nil {
		_, err = f.WriteAt([]byte(b.String()), 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		t.Errorf("writing %s: %v", path, err)
	}
}
