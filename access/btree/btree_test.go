package btree

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

func TestMaxItemSize(t *testing.T) {
	if MaxItemSize != 2704 {
		t.Fatalf("MaxItemSize = %d, want PostgreSQL's 2704", MaxItemSize)
	}
}

// randRow makes a row for desc: int columns from a small domain (many
// duplicates), text columns of random length, some NULLs.
func randRow(rng *rand.Rand, d *Desc, n int, nullProb float64) row {
	vals := make([][]byte, len(d.Keys)+d.NInclude)
	for i := range vals {
		if i < len(d.Keys) && rng.Float64() < nullProb {
			continue
		}
		if i >= len(d.Keys) {
			vals[i] = []byte(fmt.Sprintf("inc-%d", rng.Intn(1000)))
			continue
		}
		if bytes.Equal([]byte(d.Keys[i].Name), []byte("t")) {
			vals[i] = []byte(strings.Repeat("x", rng.Intn(20)) + fmt.Sprint(rng.Intn(50)))
		} else {
			vals[i] = i8(int64(rng.Intn(300) - 150))
		}
	}
	return row{vals: vals, tid: tidOf(n)}
}

func TestOrderedScans(t *testing.T) {
	cases := []struct {
		name string
		desc Desc
		n    int
		null float64
	}{
		{"int", Desc{Keys: []KeyCol{intCol("a")}}, 12000, 0.05},
		{"int desc", Desc{Keys: []KeyCol{{Name: "a", Compare: cmpI8, Desc: true}}}, 10000, 0.05},
		{"int desc nulls first", Desc{Keys: []KeyCol{{Name: "a", Compare: cmpI8, Desc: true, NullsFirst: true}}}, 10000, 0.05},
		{"int nulls first", Desc{Keys: []KeyCol{{Name: "a", Compare: cmpI8, NullsFirst: true}}}, 5000, 0.1},
		{"multi", Desc{Keys: []KeyCol{intCol("a"), textCol("t"), {Name: "c", Compare: cmpI8, Desc: true}}}, 10000, 0.05},
		{"include", Desc{Keys: []KeyCol{textCol("t")}, NInclude: 2}, 8000, 0.02},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := seedRand(t)
			e := newEnv(t, vfs.NewMem(), 256, true)
			c.desc.Name = "ix"
			ix, err := Create(e.pool, e.btlog(), testNode, c.desc)
			must(t, err)
			var rows []row
			for i := 0; i < c.n; i++ {
				r := randRow(rng, &c.desc, i, c.null)
				must(t, ix.Insert(ctx, nil, r.vals, r.tid))
				rows = append(rows, r)
			}
			must(t, ix.Check())
			h, err := ix.Height()
			must(t, err)
			if h < 2 {
				t.Fatalf("height %d: the test should split pages", h)
			}
			sortRows(&ix.desc, rows)
			sameRows(t, &ix.desc, scanAll(t, ix, ScanOptions{}), rows)
			back := scanAll(t, ix, ScanOptions{Backward: true})
			for i, j := 0, len(back)-1; i < j; i, j = i+1, j-1 {
				back[i], back[j] = back[j], back[i]
			}
			sameRows(t, &ix.desc, back, rows)
			want := map[base.ItemPointer][][]byte{}
			for _, r := range rows {
				want[r.tid] = r.vals
			}
			must(t, ix.CheckHeap(want))
			// Bounded scans on prefixes, both directions.
			for q := 0; q < 60; q++ {
				checkBoundedScan(t, rng, ix, rows)
			}
		})
	}
}

// checkBoundedScan runs a random bounded scan and compares it with the
// model.
func checkBoundedScan(t *testing.T, rng *rand.Rand, ix *Index, rows []row) {
	t.Helper()
	d := &ix.desc
	mk := func() *Bound {
		if rng.Intn(5) == 0 {
			return nil
		}
		r := rows[rng.Intn(len(rows))]
		n := 1 + rng.Intn(len(d.Keys))
		vals := append([][]byte(nil), r.vals[:n]...)
		if rng.Intn(4) == 0 && geti8safe(vals[0]) {
			vals[0] = i8(geti8(vals[0]) + int64(rng.Intn(3)-1)) // a value perhaps absent
		}
		return &Bound{Vals: vals, Inclusive: rng.Intn(2) == 0}
	}
	opts := ScanOptions{Lower: mk(), Upper: mk(), Backward: rng.Intn(2) == 0}
	var want []row
	for _, r := range rows {
		if b := opts.Lower; b != nil {
			c := d.cmpPrefix(r.vals, b.Vals)
			if c < 0 || (c == 0 && !b.Inclusive) {
				continue
			}
		}
		if b := opts.Upper; b != nil {
			c := d.cmpPrefix(r.vals, b.Vals)
			if c > 0 || (c == 0 && !b.Inclusive) {
				continue
			}
		}
		want = append(want, r)
	}
	got := scanAll(t, ix, opts)
	if opts.Backward {
		for i, j := 0, len(got)-1; i < j; i, j = i+1, j-1 {
			got[i], got[j] = got[j], got[i]
		}
	}
	sameRows(t, d, got, want)
}

func geti8safe(b []byte) bool { return len(b) == 8 }

// TestSplitsEveryLevel grows a tree of small keys to four levels and one
// of near-maximum keys, checking it as it grows.
func TestSplitsEveryLevel(t *testing.T) {
	t.Run("small", func(t *testing.T) {
		e := newEnv(t, vfs.NewMem(), 512, false)
		ix, err := Create(e.pool, nil, testNode, Desc{Name: "ix", Keys: []KeyCol{textCol("t")}})
		must(t, err)
		rng := seedRand(t)
		n := 0
		// Random 400-byte keys: at most 19 per page.
		for h := 1; h < 4; {
			for i := 0; i < 300; i++ {
				k := fmt.Sprintf("%0400d", rng.Int63())
				must(t, ix.Insert(ctx, nil, [][]byte{[]byte(k)}, tidOf(n)))
				n++
			}
			must(t, ix.Check())
			var err error
			h, err = ix.Height()
			must(t, err)
		}
		if got := len(scanAll(t, ix, ScanOptions{})); got != n {
			t.Fatalf("scan found %d of %d", got, n)
		}
	})
	t.Run("big keys", func(t *testing.T) {
		e := newEnv(t, vfs.NewMem(), 256, false)
		ix, err := Create(e.pool, nil, testNode, Desc{Name: "ix", Keys: []KeyCol{textCol("t")}})
		must(t, err)
		rng := seedRand(t)
		// The largest key that fits: header 8 + natts 1 + bitmap 1 + len 2.
		big := MaxItemSize - 12
		var rows []row
		for i := 0; i < 120; i++ {
			k := bytes.Repeat([]byte{byte('a' + rng.Intn(26))}, big)
			copy(k, fmt.Sprintf("%06d", rng.Intn(1000000)))
			r := row{vals: [][]byte{k}, tid: tidOf(i)}
			must(t, ix.Insert(ctx, nil, r.vals, r.tid))
			rows = append(rows, r)
			if i%10 == 0 {
				must(t, ix.Check())
			}
		}
		must(t, ix.Check())
		h, err := ix.Height()
		must(t, err)
		if h < 3 {
			t.Fatalf("height %d with 120 maximum-size keys, want >= 3", h)
		}
		sortRows(&ix.desc, rows)
		sameRows(t, &ix.desc, scanAll(t, ix, ScanOptions{}), rows)
	})
	t.Run("ascending and descending", func(t *testing.T) {
		for _, step := range []int{1, -1} {
			e := newEnv(t, vfs.NewMem(), 256, false)
			ix, err := Create(e.pool, nil, testNode, Desc{Name: "ix", Keys: []KeyCol{intCol("a")}})
			must(t, err)
			for i := 0; i < 20000; i++ {
				must(t, ix.Insert(ctx, nil, [][]byte{i8(int64(i * step))}, tidOf(i)))
			}
			must(t, ix.Check())
			rows := scanAll(t, ix, ScanOptions{})
			if len(rows) != 20000 {
				t.Fatalf("got %d rows", len(rows))
			}
		}
	})
	t.Run("all duplicates", func(t *testing.T) {
		e := newEnv(t, vfs.NewMem(), 256, false)
		ix, err := Create(e.pool, nil, testNode, Desc{Name: "ix", Keys: []KeyCol{intCol("a"), intCol("b")}})
		must(t, err)
		rng := seedRand(t)
		perm := rng.Perm(15000)
		for _, i := range perm {
			must(t, ix.Insert(ctx, nil, [][]byte{i8(7), i8(int64(i % 2))}, tidOf(i)))
		}
		must(t, ix.Check())
		got := scanAll(t, ix, ScanOptions{Lower: &Bound{Vals: [][]byte{i8(7), i8(1)}, Inclusive: true}})
		if len(got) != 7500 {
			t.Fatalf("got %d entries with b = 1, want 7500", len(got))
		}
		for i := 1; i < len(got); i++ {
			if !got[i-1].tid.Less(got[i].tid) {
				t.Fatalf("duplicates not in heap TID order at %d: %s then %s", i, got[i-1].tid, got[i].tid)
			}
		}
	})
}

func TestRowTooBig(t *testing.T) {
	e := newEnv(t, vfs.NewMem(), 64, false)
	ix, err := Create(e.pool, nil, testNode, Desc{Name: "big_ix", Table: "t", Keys: []KeyCol{textCol("t")}})
	must(t, err)
	ok := make([]byte, MaxItemSize-12)
	must(t, ix.Insert(ctx, nil, [][]byte{ok}, tidOf(1)))
	err = ix.Insert(ctx, nil, [][]byte{make([]byte, MaxItemSize-11)}, base.ItemPointer{Block: 3, Offset: 4})
	var pe *pgerr.Error
	if !errors.As(err, &pe) || pe.Code != pgerr.ProgramLimitExceeded {
		t.Fatalf("got %v, want ProgramLimitExceeded", err)
	}
	if want := `index row size 2712 exceeds btree version 4 maximum 2704 for index "big_ix"`; pe.Message != want {
		t.Fatalf("message %q, want %q", pe.Message, want)
	}
	if want := `Index row references tuple (3,4) in relation "t".`; pe.Detail != want {
		t.Fatalf("detail %q, want %q", pe.Detail, want)
	}
	must(t, ix.Check())
}

func TestInsertErrors(t *testing.T) {
	e := newEnv(t, vfs.NewMem(), 64, false)
	ix, err := Create(e.pool, nil, testNode, Desc{Name: "ix", Keys: []KeyCol{intCol("a")}, NInclude: 1})
	must(t, err)
	must(t, ix.Insert(ctx, nil, [][]byte{i8(1), nil}, tidOf(1)))
	if err := ix.Insert(ctx, nil, [][]byte{i8(1), []byte("x")}, tidOf(1)); pgerr.CodeOf(err) != pgerr.InternalError {
		t.Fatalf("duplicate (key, tid): %v", err)
	}
	if err := ix.Insert(ctx, nil, [][]byte{i8(1)}, tidOf(2)); pgerr.CodeOf(err) != pgerr.InternalError {
		t.Fatalf("wrong column count: %v", err)
	}
	if err := ix.Insert(ctx, nil, [][]byte{i8(1), nil}, base.ItemPointer{}); pgerr.CodeOf(err) != pgerr.InternalError {
		t.Fatalf("invalid tid: %v", err)
	}
	if _, err := ix.NewScan(ScanOptions{Lower: &Bound{Vals: [][]byte{i8(1), nil}}}); pgerr.CodeOf(err) != pgerr.InvalidParameterValue {
		t.Fatalf("bound on an INCLUDE column: %v", err)
	}
	if _, err := Open(e.pool, nil, testNode, Desc{Name: "ix", Keys: []KeyCol{intCol("a")}}); pgerr.CodeOf(err) != pgerr.InvalidParameterValue {
		t.Fatalf("open with a different descriptor: %v", err)
	}
	if _, err := Create(e.pool, nil, testNode, Desc{Name: "ix"}); pgerr.CodeOf(err) != pgerr.InvalidParameterValue {
		t.Fatalf("no key columns: %v", err)
	}
	ix2, err := Open(e.pool, nil, testNode, Desc{Name: "ix", Keys: []KeyCol{intCol("a")}, NInclude: 1})
	must(t, err)
	if got := scanAll(t, ix2, ScanOptions{}); len(got) != 1 || got[0].vals[1] != nil {
		t.Fatalf("reopened index has %v", got)
	}
	// An empty non-NULL value is not NULL.
	must(t, ix.Insert(ctx, nil, [][]byte{i8(2), {}}, tidOf(3)))
	got := scanAll(t, ix, ScanOptions{Lower: &Bound{Vals: [][]byte{i8(2)}, Inclusive: true}})
	if len(got) != 1 || got[0].vals[1] == nil || len(got[0].vals[1]) != 0 {
		t.Fatalf("empty INCLUDE value came back as %#v", got)
	}
}
