package btree

import (
	"math/rand"
	"testing"

	"github.com/tuskdb/tusk/vfs"
)

func benchIndex(b *testing.B, withWAL bool) (*env, *Index) {
	e := newEnv(b, vfs.NewMem(), 4096, withWAL)
	ix, err := Create(e.pool, e.btlog(), testNode, Desc{Name: "bench", Keys: []KeyCol{intCol("a")}})
	must(b, err)
	return e, ix
}

func BenchmarkInsertRandom(b *testing.B) {
	_, ix := benchIndex(b, true)
	rng := rand.New(rand.NewSource(1))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ix.Insert(ctx, nil, [][]byte{i8(rng.Int63())}, tidOf(i)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInsertSequential(b *testing.B) {
	_, ix := benchIndex(b, true)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ix.Insert(ctx, nil, [][]byte{i8(int64(i))}, tidOf(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPointLookup looks up single keys in a 100k-entry index.
func BenchmarkPointLookup(b *testing.B) {
	_, ix := benchIndex(b, false)
	benchLookups(b, ix, 100_000)
}

// BenchmarkPointLookup2M looks up single keys in a 2M-entry index, larger
// than the CPU's last-level cache: the leaf pages come from memory, as in
// a point select on a big table.
func BenchmarkPointLookup2M(b *testing.B) {
	e := newEnv(b, vfs.NewMem(), 16384, false)
	ix, err := Create(e.pool, e.btlog(), testNode, Desc{Name: "bench", Keys: []KeyCol{intCol("a")}})
	must(b, err)
	benchLookups(b, ix, 2_000_000)
}

// benchLookups fills ix with keys 0, 3, ... 3(n-1), then times lookups of
// random ones.
func benchLookups(b *testing.B, ix *Index, n int) {
	for i := 0; i < n; i++ {
		must(b, ix.Insert(ctx, nil, [][]byte{i8(int64(i * 3))}, tidOf(i)))
	}
	rng := rand.New(rand.NewSource(1))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := [][]byte{i8(int64(rng.Intn(n) * 3))}
		s, err := ix.NewScan(ScanOptions{Lower: &Bound{Vals: k, Inclusive: true}, Upper: &Bound{Vals: k, Inclusive: true}})
		if err != nil {
			b.Fatal(err)
		}
		if s.Next() == nil || s.Next() != nil {
			b.Fatal("lookup did not find exactly one entry", s.Err())
		}
	}
}
