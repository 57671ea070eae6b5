package bufmgr

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/base"
)

// The buffer table agrees with a Go map through random puts, deletes and
// growth, with tags chosen to collide often (few relations, few blocks).
func TestBufTableMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	tb := newBufTable(4)
	want := map[base.BufferTag]int32{}
	randTag := func() base.BufferTag {
		return base.BufferTag{Node: base.RelFileNode{Rel: base.OID(rng.Intn(3))}, Fork: base.ForkNumber(rng.Intn(2)), Block: base.BlockNumber(rng.Intn(400))}
	}
	for i := 0; i < 200000; i++ {
		tag := randTag()
		switch rng.Intn(3) {
		case 0, 1:
			id := int32(rng.Intn(1 << 20))
			tb.put(tag, id)
			want[tag] = id
		default:
			tb.del(tag)
			delete(want, tag)
		}
		if i%1000 == 0 {
			require.Equal(t, len(want), tb.n)
			got := map[base.BufferTag]int32{}
			require.NoError(t, tb.each(func(tag base.BufferTag, id int32) error { got[tag] = id; return nil }))
			require.Equal(t, want, got)
		}
		probe := randTag()
		id, ok := tb.get(probe, tagHash(probe))
		wid, wok := want[probe]
		require.Equal(t, wok, ok)
		require.Equal(t, wid, id)
	}
}
