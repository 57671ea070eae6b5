package instance

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
	"github.com/tuskdb/tusk/vfs"
)

// TestCheckCatalogFindsProblems: CheckCatalog passes on a fresh database
// and reports dangling catalog references (CK1) and relation files that
// disagree with the catalog (CK3).
func TestCheckCatalogFindsProblems(t *testing.T) {
	ctx := context.Background()
	i := open(t, vfs.NewMem())
	defer i.Close()
	_, err := i.CheckCatalog()
	require.NoError(t, err)

	commit := func(x *mvcc.Xact) {
		i.Catalog.PreCommit(x)
		require.NoError(t, x.Commit())
		i.Catalog.XactDone(x, true)
	}
	x := i.Xacts.Begin(mvcc.XactOptions{SynchronousCommit: true})
	snap := i.Xacts.GetSnapshot(x)
	ns, err := i.Catalog.CreateNamespace(x, snap, "s")
	require.NoError(t, err)
	x.CommandCounterIncrement()
	rel, err := i.Catalog.CreateRelation(x, i.Xacts.GetSnapshot(x), ns, "t", catalog.KindTable,
		[]catalog.Column{{Name: "a", Type: types.Int4.OID, Typmod: -1}})
	require.NoError(t, err)
	x.CommandCounterIncrement()
	comment := "c"
	require.NoError(t, i.Catalog.SetDescription(ctx, x, i.Xacts.GetSnapshot(x), rel.OID, catalog.PgClassOID, 1, &comment))
	commit(x)
	res, err := i.CheckCatalog()
	require.NoError(t, err)
	require.Equal(t, "t", res.Nodes[rel.Node.Rel])

	// A relation file that no relation owns, and one that is missing.
	orphan := base.RelFileNode{Rel: 99999}
	require.NoError(t, i.Heap.Create(orphan))
	_, err = i.CheckCatalog()
	require.Equal(t, pgerr.DataCorrupted, pgerr.CodeOf(err))
	require.ErrorContains(t, err, "file 99999 belongs to no relation")
	require.NoError(t, i.Smgr.Unlink(orphan))
	i.Pool.DropRelation(rel.Node)
	require.NoError(t, i.Smgr.Unlink(rel.Node))
	_, err = i.CheckCatalog()
	require.ErrorContains(t, err, `relation "t": file`)
	require.NoError(t, i.Heap.Create(rel.Node))

	// The schema dropped under its table (the session refuses that).
	x = i.Xacts.Begin(mvcc.XactOptions{SynchronousCommit: true})
	require.NoError(t, i.Catalog.DropNamespace(ctx, x, i.Xacts.GetSnapshot(x), ns))
	commit(x)
	_, err = i.CheckCatalog()
	require.Equal(t, pgerr.DataCorrupted, pgerr.CodeOf(err))
	require.ErrorContains(t, err, "schema")
	require.ErrorContains(t, err, "does not exist")
}

// TestRecoveryRemovesOrphanFiles (I5): a crash after a clean Open is
// recovered as one, and recovery removes relation files no relation owns.
func TestRecoveryRemovesOrphanFiles(t *testing.T) {
	fs := vfs.NewCrash(1)
	i := open(t, fs)
	require.NoError(t, i.Close())
	i = open(t, fs)
	require.False(t, i.Recovered)
	orphan := base.RelFileNode{Rel: 99999}
	require.NoError(t, i.Heap.Create(orphan))
	require.NoError(t, i.Checkpoint(false)) // the file is durable
	i.Crash()
	fs = fs.Crash(vfs.CrashOptions{})

	i = open(t, fs)
	defer i.Close()
	require.True(t, i.Recovered, "a crash after a clean Open is a crash")
	ok, err := i.Smgr.Exists(orphan, base.MainFork)
	require.NoError(t, err)
	require.False(t, ok, "recovery removes orphan files")
	_, err = i.CheckCatalog()
	require.NoError(t, err)
	require.NoError(t, i.Check())
}
