package types

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// Datums from an Arena are equal, by ==, Compare and Hash, to Decode's,
// and stay intact after the arena has moved on to new slabs and the
// garbage collector has run.
func TestArenaDecode(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var a Arena
	type kept struct {
		t    *T
		b    []byte
		d    Datum
		want Datum
	}
	var all []kept
	for i := 0; i < 20000; i++ {
		var (
			typ *T
			b   []byte
		)
		switch i % 5 {
		case 0:
			typ, b = Int4, binary.LittleEndian.AppendUint32(nil, uint32(rng.Int31()-rng.Int31()))
		case 1:
			typ, b = Int8, binary.LittleEndian.AppendUint64(nil, rng.Uint64())
		case 2:
			typ, b = Int2, binary.LittleEndian.AppendUint16(nil, uint16(rng.Intn(600)))
		case 3:
			typ, b = Text, []byte(fmt.Sprintf("row %d %s", rng.Int(), string(make([]byte, rng.Intn(3)*300))))
		default:
			typ, b = Varchar, nil // empty string
		}
		d, err := a.Decode(typ, b)
		require.NoError(t, err)
		want, err := Decode(typ, b)
		require.NoError(t, err)
		all = append(all, kept{typ, b, d, want})
		if i%5000 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
	for _, k := range all {
		require.Equal(t, k.want, k.d)
		require.True(t, k.want == k.d)
		require.Equal(t, 0, Compare(k.t, k.want, k.d))
		require.Equal(t, Hash(k.t, k.want), Hash(k.t, k.d))
		switch v := k.d.(type) {
		case int64:
			require.Equal(t, k.want.(int64), v)
		case string:
			require.Equal(t, k.want.(string), v)
		default:
			t.Fatalf("arena datum of type %T", v)
		}
	}
	// Errors and other types are Decode's.
	_, err := a.Decode(Text, []byte{0xff})
	require.Error(t, err)
	_, err = a.Decode(Int4, []byte{1, 2})
	require.Error(t, err)
	d, err := a.Decode(Bool, []byte{1})
	require.NoError(t, err)
	require.Equal(t, true, d)
}

func BenchmarkArenaDecodeInt4(b *testing.B) {
	var a Arena
	enc := binary.LittleEndian.AppendUint32(nil, 123456)
	b.ReportAllocs()
	var sink Datum
	for i := 0; i < b.N; i++ {
		sink, _ = a.Decode(Int4, enc)
	}
	_ = sink
}
