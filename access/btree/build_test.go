package btree

import (
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

func TestBuild(t *testing.T) {
	for _, n := range []int{0, 1, 300, 20000} {
		rng := seedRand(t)
		fs := vfs.NewCrash(rng.Int63())
		e := newEnv(t, fs, 256, true)
		desc := Desc{Name: "bix", Keys: []KeyCol{intCol("a"), {Name: "t", Compare: textCol("t").Compare, Desc: true, NullsFirst: true}}, NInclude: 1}
		var rows []row
		var entries []Entry
		for i := 0; i < n; i++ {
			r := randRow(rng, &desc, i, 0.05)
			rows = append(rows, r)
			entries = append(entries, Entry{Vals: r.vals, TID: r.tid})
		}
		ix, err := Build(e.pool, e.log, testNode, desc, entries)
		must(t, err)
		must(t, ix.Check())
		sortRows(&ix.desc, rows)
		sameRows(t, &ix.desc, scanAll(t, ix, ScanOptions{}), rows)
		for q := 0; q < 20 && n > 0; q++ {
			checkBoundedScan(t, rng, ix, rows)
		}
		// The build is crash-safe once its WAL is flushed.
		must(t, e.log.Flush(e.log.InsertLSN()))
		e.log.Abandon()
		e2 := recoverEnv(t, fs.Crash(vfs.CrashOptions{DropAll: true}), 256, 0)
		ix2, err := Open(e2.pool, e2.log, testNode, desc)
		must(t, err)
		must(t, ix2.Check())
		sameRows(t, &ix.desc, scanAll(t, ix2, ScanOptions{}), rows)
		// Inserts go on after a build.
		for i := n; i < n+3000; i++ {
			r := randRow(rng, &desc, i, 0.05)
			must(t, ix2.Insert(ctx, nil, r.vals, r.tid))
			rows = append(rows, r)
		}
		must(t, ix2.Check())
		sortRows(&ix.desc, rows)
		sameRows(t, &ix.desc, scanAll(t, ix2, ScanOptions{}), rows)
	}
}

func TestBuildErrors(t *testing.T) {
	e := newEnv(t, vfs.NewMem(), 64, false)
	desc := Desc{Name: "bix", Keys: []KeyCol{intCol("a")}}
	dup := []Entry{{Vals: [][]byte{i8(1)}, TID: tidOf(1)}, {Vals: [][]byte{i8(1)}, TID: tidOf(1)}}
	if _, err := Build(e.pool, nil, testNode, desc, dup); pgerr.CodeOf(err) != pgerr.InternalError {
		t.Fatalf("duplicate entry: %v", err)
	}
	big := []Entry{{Vals: [][]byte{make([]byte, 3000)}, TID: tidOf(1)}}
	if _, err := Build(e.pool, nil, base.RelFileNode{Rel: 2}, Desc{Name: "b", Keys: []KeyCol{textCol("t")}}, big); pgerr.CodeOf(err) != pgerr.ProgramLimitExceeded {
		t.Fatalf("entry too big: %v", err)
	}
}

// TestBuildThreeLevels builds from wide keys so that internal levels fill
// and split too.
func TestBuildThreeLevels(t *testing.T) {
	e := newEnv(t, vfs.NewMem(), 512, false)
	rng := seedRand(t)
	desc := Desc{Name: "bix", Keys: []KeyCol{textCol("t")}}
	var entries []Entry
	var rows []row
	for i := 0; i < 20000; i++ {
		k := make([]byte, 100)
		for j := range k {
			k[j] = byte('a' + rng.Intn(26))
		}
		entries = append(entries, Entry{Vals: [][]byte{k}, TID: tidOf(i)})
		rows = append(rows, row{vals: [][]byte{k}, tid: tidOf(i)})
	}
	ix, err := Build(e.pool, nil, testNode, desc, entries)
	must(t, err)
	must(t, ix.Check())
	if h, _ := ix.Height(); h < 3 {
		t.Fatalf("height %d, want 3", h)
	}
	sortRows(&ix.desc, rows)
	sameRows(t, &ix.desc, scanAll(t, ix, ScanOptions{}), rows)
}
