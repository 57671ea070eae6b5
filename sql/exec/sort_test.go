package exec

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

func TestSortOrderAndNulls(t *testing.T) {
	in := valuesOf([]any{3, "a"}, []any{nil, "b"}, []any{1, "c"}, []any{3, "d"}, []any{2, "e"}, []any{nil, "f"}, []any{1, "g"})
	tests := []struct {
		name string
		key  *analyze.SortKey
		want []string
	}{
		{"asc nulls last", &analyze.SortKey{Expr: iv(0)}, []string{"1,c", "1,g", "2,e", "3,a", "3,d", "NULL,b", "NULL,f"}},
		{"asc nulls first", &analyze.SortKey{Expr: iv(0), NullsFirst: true}, []string{"NULL,b", "NULL,f", "1,c", "1,g", "2,e", "3,a", "3,d"}},
		{"desc nulls first", &analyze.SortKey{Expr: iv(0), Desc: true, NullsFirst: true}, []string{"NULL,b", "NULL,f", "3,a", "3,d", "2,e", "1,c", "1,g"}},
		{"desc nulls last", &analyze.SortKey{Expr: iv(0), Desc: true}, []string{"3,a", "3,d", "2,e", "1,c", "1,g", "NULL,b", "NULL,f"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ec := newCtx()
			s := &plan.Sort{Child: in, Keys: []*analyze.SortKey{tt.key}}
			eq(t, run(t, ec, s), tt.want...) // stable: ties keep input order
			if st := ec.Stats(s); st == nil || st.SortMethod != "quicksort" {
				t.Fatalf("stats: %+v", st)
			}
		})
	}
	// Two keys, text desc then int asc.
	s := &plan.Sort{Child: in, Keys: []*analyze.SortKey{{Expr: op("<", iv(0), c(3))}, desc(tv(1))}}
	eq(t, run(t, newCtx(), s), "3,d", "3,a", "1,g", "2,e", "1,c", "NULL,f", "NULL,b")
}

// TestSortSpill sorts 100k rows with 64 kB of work_mem: an external merge
// on the memory file system, equal to the in-memory result, with every
// temporary file gone after Close.
func TestSortSpill(t *testing.T) {
	const n = 100_000
	seed := int64(1)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	keys := make([]int64, n)
	for i := range keys {
		keys[i] = rng.Int63n(n / 4)
	}
	i := 0
	src := &plan.FunctionScan{Name: "rand", SRF: func([]any) (func() (any, bool, error), error) {
		return func() (any, bool, error) {
			if i >= n {
				return nil, false, nil
			}
			i++
			return keys[i-1], true, nil
		}, nil
	}, Ordinality: true}
	s := &plan.Sort{Child: src, Keys: []*analyze.SortKey{asc(iv(0))}}
	ec, fs := spillCtx(64 << 10)
	it, err := Build(ec, s)
	if err != nil {
		t.Fatal(err)
	}
	var prevK, prevOrd int64 = -1, 0
	count := 0
	for {
		r, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if r == nil {
			break
		}
		if count == 0 && len(tempFiles(t, fs)) == 0 {
			t.Fatalf("no temporary files while merging")
		}
		k, ord := r.Vals[0].(int64), r.Vals[1].(int64)
		if k < prevK || (k == prevK && ord <= prevOrd) {
			t.Fatalf("row %d out of order (or unstable): %d/%d after %d/%d", count, k, ord, prevK, prevOrd)
		}
		if keys[ord-1] != k {
			t.Fatalf("row changed: %d has key %d, want %d", ord, k, keys[ord-1])
		}
		prevK, prevOrd = k, ord
		count++
	}
	st := ec.Stats(s)
	if count != n || st.SortMethod != "external merge" || st.DiskKB == 0 {
		t.Fatalf("count %d, stats %+v", count, st)
	}
	t.Logf("stats %+v", *st)
	it.Close()
	if names := tempFiles(t, fs); len(names) != 0 {
		t.Fatalf("temporary files left: %v", names)
	}
}

// TestSortSpillEarlyClose closes a spilled sort before reading it all.
func TestSortSpillEarlyClose(t *testing.T) {
	s := &plan.Sort{Child: genSeries(1, 20000), Keys: []*analyze.SortKey{desc(iv(0))}}
	ec, fs := spillCtx(64 << 10)
	it, err := Build(ec, s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := it.Next()
	if err != nil || r.Vals[0] != int64(20000) {
		t.Fatalf("first row %v %v", r, err)
	}
	it.Close()
	if names := tempFiles(t, fs); len(names) != 0 {
		t.Fatalf("temporary files left: %v", names)
	}
}

func TestSortTypes(t *testing.T) {
	// Sorting text, float with NaN, and arrays by types.Compare.
	in := &plan.ValuesScan{Rows: [][]analyze.Expr{
		{tc(types.Float8, 1.5)}, {tc(types.Float8, nanF())}, {tc(types.Float8, -2.0)}, {tc(types.Float8, nil)},
	}}
	s := &plan.Sort{Child: in, Keys: []*analyze.SortKey{asc(tyv(0, types.Float8))}}
	eq(t, run(t, newCtx(), s), "-2", "1.5", "NaN", "NULL")
}

func TestLimit(t *testing.T) {
	in := genSeries(1, 10)
	tests := []struct {
		name          string
		offset, count analyze.Expr
		want          []string
	}{
		{"limit", nil, c(3), []string{"1", "2", "3"}},
		{"offset", c(8), nil, []string{"9", "10"}},
		{"both", c(2), c(2), []string{"3", "4"}},
		{"null count", c(nil), c(nil), []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}},
		{"zero", nil, c(0), nil},
		{"offset past end", c(20), c(5), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eq(t, run(t, newCtx(), &plan.Limit{Child: in, Offset: tt.offset, Count: tt.count}), tt.want...)
		})
	}
	_, err := tryRun(newCtx(), &plan.Limit{Child: in, Count: c(-1)})
	codeOf(t, err, pgerr.InvalidRowCountInLimitClause)
	if err.(*pgerr.Error).Message != "LIMIT must not be negative" {
		t.Fatalf("message %q", err.(*pgerr.Error).Message)
	}
	_, err = tryRun(newCtx(), &plan.Limit{Child: in, Offset: c(-1)})
	codeOf(t, err, pgerr.InvalidRowCountInResultOffsetClause)
	// WITH TIES: 1,2,2,2,3 limit 2 keeps the tying 2s.
	ties := &plan.Limit{Child: intRows(1, 2, 2, 2, 3), Count: c(2), WithTies: true, Keys: []*analyze.SortKey{asc(iv(0))}}
	eq(t, run(t, newCtx(), ties), "1", "2", "2", "2")
	ties.Count = c(0)
	eq(t, run(t, newCtx(), ties))
}

func nanF() float64 {
	var z float64
	return z / z
}

func TestAppendMaterializeFunctionScan(t *testing.T) {
	a := &plan.Append{Inputs: []plan.Node{intRows(1, 2), valuesOf(), intRows(3)}}
	eq(t, run(t, newCtx(), a), "1", "2", "3")
	f := genSeries(1, 3)
	f.Ordinality = true
	eq(t, run(t, newCtx(), f), "1,1", "2,2", "3,3")
	// Materialize replays its rows on rescan, also after spilling.
	ec, fs := spillCtx(8 << 10)
	m := &plan.Materialize{Child: genSeries(1, 2000)}
	it, err := ec.build(m)
	if err != nil {
		t.Fatal(err)
	}
	read := func(k int) string {
		s := ""
		for i := 0; i < k; i++ {
			r, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			if r == nil {
				return s + "end"
			}
			s += fmt.Sprint(r.Vals[0]) + " "
		}
		return s
	}
	if got := read(2); got != "1 2 " {
		t.Fatalf("first read %q", got)
	}
	if err := it.(Rescanner).Rescan(); err != nil {
		t.Fatal(err)
	}
	if got := read(3); got != "1 2 3 " {
		t.Fatalf("after rescan %q", got)
	}
	n := 3
	for {
		r, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if r == nil {
			break
		}
		n++
	}
	if n != 2000 || len(tempFiles(t, fs)) == 0 {
		t.Fatalf("read %d, files %v", n, tempFiles(t, fs))
	}
	if err := it.(Rescanner).Rescan(); err != nil {
		t.Fatal(err)
	}
	if got := read(2001); len(got) < 4 || got[len(got)-3:] != "end" {
		t.Fatalf("replay of spilled rows ended badly: ...%q", got[max(0, len(got)-20):])
	}
	it.Close()
	ec.Close()
	if names := tempFiles(t, fs); len(names) != 0 {
		t.Fatalf("temporary files left: %v", names)
	}
}

func TestCancel(t *testing.T) {
	ec := newCtx()
	ctx, cancel := context.WithCancel(context.Background())
	ec.Ctx = ctx
	cancel()
	_, err := tryRun(ec, &plan.Sort{Child: genSeries(1, 5000), Keys: []*analyze.SortKey{asc(iv(0))}})
	codeOf(t, err, pgerr.QueryCanceled)
}
