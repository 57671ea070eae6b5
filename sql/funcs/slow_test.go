package funcs

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

func TestSlowest(t *testing.T) {
	type r struct {
		seed uint64
		d    time.Duration
		name string
	}
	var rs []r
	for s := 0; s < 20000; s++ {
		g := &datumGen{r: rand.New(rand.NewPCG(uint64(s), uint64(s)^0x9e3779b97f4a7c15))}
		fs := All()
		f := fs[g.r.IntN(len(fs))]
		st := time.Now()
		fuzzOne(t, uint64(s))
		rs = append(rs, r{uint64(s), time.Since(st), f.Signature()})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].d > rs[j].d })
	for _, x := range rs[:15] {
		t.Log(x.seed, x.d, x.name)
	}
}
