package catalog_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/instance"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/vfs"
)

func seqInstance(t *testing.T, fs vfs.FS) *instance.Instance {
	t.Helper()
	i, err := instance.Open(instance.Options{FS: fs, Dir: "/data", SharedBuffers: 1 << 20})
	require.NoError(t, err)
	return i
}

// createSeq creates and commits sequence name with parameters seq, its
// state page starting at start.
func createSeq(t *testing.T, i *instance.Instance, name string, seq *catalog.Sequence, start int64) *catalog.Relation {
	t.Helper()
	x := i.Xacts.Begin(mvcc.XactOptions{SynchronousCommit: true})
	rel, err := i.Catalog.CreateSequence(x, i.Xacts.GetSnapshot(x), catalog.PublicNamespace, name, seq)
	require.NoError(t, err)
	require.NoError(t, catalog.NewSeqStore(i.Pool, i.Log).Init(rel.Node, catalog.SeqState{LastValue: start}))
	require.NoError(t, x.Commit())
	i.Catalog.XactDone(x, true)
	return rel
}

func ascending(cache int64) *catalog.Sequence {
	return &catalog.Sequence{Type: 20, Start: 1, Increment: 1, Min: 1, Max: 1 << 62, Cache: cache}
}

// TestSeqStoreLogsAhead checks SQ2: the first nextval logs SeqLogVals
// values ahead and the next ones write no WAL until they are used up or a
// checkpoint passes.
func TestSeqStoreLogsAhead(t *testing.T) {
	i := seqInstance(t, vfs.NewMem())
	defer i.Close()
	rel := createSeq(t, i, "s", ascending(1), 1)
	st := catalog.NewSeqStore(i.Pool, i.Log)
	seq, err := i.Catalog.SequenceParams(i.Xacts.GetSnapshot(nil), rel.OID)
	require.NoError(t, err)
	require.NotNil(t, seq)

	walGrew := func(f func()) bool {
		before := i.Log.InsertLSN()
		f()
		return i.Log.InsertLSN() != before
	}
	next := func() int64 {
		r, last, err := st.Next(rel.Node, rel.Name, seq, true)
		require.NoError(t, err)
		require.Equal(t, r, last) // CACHE 1
		return r
	}
	require.True(t, walGrew(func() { require.Equal(t, int64(1), next()) }))
	state, err := st.Read(rel.Node)
	require.NoError(t, err)
	require.Equal(t, catalog.SeqState{LastValue: 1, LogCnt: catalog.SeqLogVals, IsCalled: true}, state)
	for v := int64(2); v <= catalog.SeqLogVals+1; v++ {
		require.False(t, walGrew(func() { require.Equal(t, v, next()) }), "value %d", v)
	}
	require.True(t, walGrew(func() { next() }), "log_cnt used up")
	require.NoError(t, i.Checkpoint(false))
	require.True(t, walGrew(func() { next() }), "first nextval after a checkpoint")
	require.False(t, walGrew(func() { next() }))
}

// TestSeqStoreCache: with CACHE n, Next reserves n values.
func TestSeqStoreCache(t *testing.T) {
	i := seqInstance(t, vfs.NewMem())
	defer i.Close()
	seq := &catalog.Sequence{Type: 20, Start: 10, Increment: 5, Min: 1, Max: 60, Cache: 4}
	rel := createSeq(t, i, "s", seq, 10)
	st := catalog.NewSeqStore(i.Pool, i.Log)
	for _, want := range [][2]int64{{10, 25}, {30, 45}, {50, 60}} {
		r, last, err := st.Next(rel.Node, rel.Name, seq, false)
		require.NoError(t, err)
		require.Equal(t, want, [2]int64{r, last})
	}
	_, _, err := st.Next(rel.Node, rel.Name, seq, false)
	require.Equal(t, pgerr.SequenceGeneratorLimitExceeded, pgerr.CodeOf(err))

	require.NoError(t, st.Set(rel.Node, 20, false, false))
	r, last, err := st.Next(rel.Node, rel.Name, seq, false)
	require.NoError(t, err)
	require.Equal(t, [2]int64{20, 35}, [2]int64{r, last})
}

// TestSeqStoreRecovery: after a crash the sequence is at or past the
// logged value: it never goes back (SQ1, SQ2, SQ3).
func TestSeqStoreRecovery(t *testing.T) {
	fs := vfs.NewCrash(1)
	i := seqInstance(t, fs)
	rel := createSeq(t, i, "s", ascending(1), 1)
	seq := ascending(1)
	st := catalog.NewSeqStore(i.Pool, i.Log)
	var last int64
	for k := 0; k < 40; k++ {
		var err error
		last, _, err = st.Next(rel.Node, rel.Name, seq, true)
		require.NoError(t, err)
	}
	i.Crash()
	i = seqInstance(t, fs.Crash(vfs.CrashOptions{DropAll: true}))
	defer i.Close()
	r, _, err := catalog.NewSeqStore(i.Pool, i.Log).Next(rel.Node, rel.Name, seq, true)
	require.NoError(t, err)
	require.Greater(t, r, last)
	require.NoError(t, i.Check())
}

// TestDropSequenceRemovesParams: pg_sequence goes with the relation.
func TestDropSequenceRemovesParams(t *testing.T) {
	i := seqInstance(t, vfs.NewMem())
	defer i.Close()
	rel := createSeq(t, i, "s", ascending(1), 1)
	x := i.Xacts.Begin(mvcc.XactOptions{SynchronousCommit: true})
	snap := i.Xacts.GetSnapshot(x)
	rel, err := i.Catalog.LookupRelation(x, snap, catalog.PublicNamespace, "s")
	require.NoError(t, err)
	require.NoError(t, i.Catalog.DropRelation(ctx, x, snap, rel))
	require.NoError(t, x.Commit())
	i.Catalog.XactDone(x, true)
	seq, err := i.Catalog.SequenceParams(i.Xacts.GetSnapshot(nil), rel.OID)
	require.NoError(t, err)
	require.Nil(t, seq)
}

// seqPage builds a sequence page the way SeqStore.Init does, by running it.
func seqPage(t testing.TB) []byte {
	i, err := instance.Open(instance.Options{FS: vfs.NewMem(), Dir: "/data", SharedBuffers: 1 << 20})
	require.NoError(t, err)
	defer i.Close()
	node := base.RelFileNode{Rel: 50000}
	require.NoError(t, i.Pool.LogCreate(node))
	require.NoError(t, catalog.NewSeqStore(i.Pool, i.Log).Init(node, catalog.SeqState{LastValue: 7, LogCnt: 3, IsCalled: true}))
	b, err := i.Pool.ReadBuffer(base.BufferTag{Node: node, Fork: base.MainFork, Block: 0})
	require.NoError(t, err)
	defer i.Pool.Release(b)
	b.RLock()
	defer b.RUnlock()
	return append([]byte(nil), b.Page()...)
}

func TestDecodeSeqPage(t *testing.T) {
	page := seqPage(t)
	st, err := catalog.DecodeSeqPage(page)
	require.NoError(t, err)
	require.Equal(t, catalog.SeqState{LastValue: 7, LogCnt: 3, IsCalled: true}, st)

	bad := append([]byte(nil), page...)
	special := int(binary.LittleEndian.Uint16(bad[16:]))
	bad[special] ^= 0xff // the magic number
	_, err = catalog.DecodeSeqPage(bad)
	require.Equal(t, pgerr.DataCorrupted, pgerr.CodeOf(err))
	_, err = catalog.DecodeSeqPage(make([]byte, base.BlockSize))
	require.Equal(t, pgerr.DataCorrupted, pgerr.CodeOf(err))
	_, err = catalog.DecodeSeqPage(page[:100])
	require.Equal(t, pgerr.DataCorrupted, pgerr.CodeOf(err))
}

func FuzzDecodeSeqPage(f *testing.F) {
	page := seqPage(f)
	f.Add(page)
	f.Add(make([]byte, base.BlockSize))
	f.Add([]byte("not a page"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < base.BlockSize && len(b) > 0 && len(b) < 64 {
			// also try short inputs spread over a real page
			p := append([]byte(nil), page...)
			copy(p[24:], b)
			b = p
		}
		st, err := catalog.DecodeSeqPage(b)
		if err != nil {
			require.Equal(t, pgerr.DataCorrupted, pgerr.CodeOf(err), "%v", err)
			return
		}
		_ = st
	})
}
