package instance

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
	"github.com/tuskdb/tusk/vfs"
)

func open(t *testing.T, fs vfs.FS) *Instance {
	t.Helper()
	i, err := Open(Options{FS: fs, Dir: "/data", SharedBuffers: 1 << 20})
	require.NoError(t, err)
	return i
}

func TestBootstrapCatalogDescribesItself(t *testing.T) { // C1
	i := open(t, vfs.NewMem())
	defer i.Close()
	x := i.Xacts.Begin(mvcc.XactOptions{})
	defer x.Abort()
	snap := i.Xacts.GetSnapshot(x)
	for name, oid := range map[string]base.OID{"pg_class": 1259, "pg_attribute": 1249, "pg_type": 1247, "pg_namespace": 2615} {
		rel, err := i.Catalog.LookupRelation(x, snap, catalog.PgCatalogNamespace, name)
		require.NoError(t, err)
		require.NotNil(t, rel, name)
		require.Equal(t, oid, rel.OID)
		require.Equal(t, byte('r'), rel.Kind)
	}
	cls, err := i.Catalog.LookupRelation(x, snap, catalog.PgCatalogNamespace, "pg_class")
	require.NoError(t, err)
	require.Equal(t, "relname", cls.Attrs[1].Name)
	require.Equal(t, types.Name.OID, cls.Attrs[1].Type)
	ns, ok, err := i.Catalog.LookupNamespace(snap, "public")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, catalog.PublicNamespace, ns)
}

func TestDDLIsTransactionalAndDurable(t *testing.T) {
	fs := vfs.NewMem()
	i := open(t, fs)
	cols := []catalog.Column{{Name: "a", Type: types.Int4.OID, Typmod: -1}}

	// Rolled back: gone, and its file removed by the caller's XactDone list.
	x := i.Xacts.Begin(mvcc.XactOptions{SynchronousCommit: true})
	rel, err := i.Catalog.CreateRelation(x, i.Xacts.GetSnapshot(x), catalog.PublicNamespace, "t", 'r', cols)
	require.NoError(t, err)
	require.GreaterOrEqual(t, rel.OID, catalog.FirstNormalObjectID)
	other := i.Xacts.Begin(mvcc.XactOptions{})
	r2, err := i.Catalog.LookupRelation(other, i.Xacts.GetSnapshot(other), catalog.PublicNamespace, "t")
	require.NoError(t, err)
	require.Nil(t, r2, "uncommitted DDL is invisible to others (C2)")
	require.NoError(t, other.Abort())
	require.NoError(t, x.Abort())
	require.Equal(t, []base.RelFileNode{rel.Node}, i.Catalog.XactDone(x, false))

	// Committed: visible after reopen.
	x = i.Xacts.Begin(mvcc.XactOptions{SynchronousCommit: true})
	_, err = i.Catalog.CreateRelation(x, i.Xacts.GetSnapshot(x), catalog.PublicNamespace, "t", 'r', cols)
	require.NoError(t, err)
	x.CommandCounterIncrement()
	_, err = i.Catalog.CreateRelation(x, i.Xacts.GetSnapshot(x), catalog.PublicNamespace, "t", 'r', cols)
	require.Equal(t, pgerr.DuplicateTable, pgerr.CodeOf(err))
	require.NoError(t, x.Commit())
	i.Catalog.XactDone(x, true)
	require.NoError(t, i.Close())

	i = open(t, fs)
	defer i.Close()
	y := i.Xacts.Begin(mvcc.XactOptions{})
	rel, err = i.Catalog.LookupRelation(y, i.Xacts.GetSnapshot(y), catalog.PublicNamespace, "t")
	require.NoError(t, err)
	require.NotNil(t, rel)
	require.Equal(t, "a", rel.Attrs[0].Name)
	require.Greater(t, i.Catalog.NextOID(), rel.OID, "OIDs are not reused after restart (C4)")
	require.NoError(t, y.Abort())
	require.NoError(t, i.Check())
}

func TestSecondOpenFails(t *testing.T) { // I1
	fs := vfs.NewMem()
	i := open(t, fs)
	_, err := Open(Options{FS: fs, Dir: "/data"})
	require.Equal(t, pgerr.ObjectInUse, pgerr.CodeOf(err))
	require.NoError(t, i.Close())
	i = open(t, fs)
	require.NoError(t, i.Close())
}

func TestRecoveryAfterCrash(t *testing.T) { // I2
	fs := vfs.NewCrash(1)
	i := open(t, fs)
	x := i.Xacts.Begin(mvcc.XactOptions{SynchronousCommit: true})
	_, err := i.Catalog.CreateRelation(x, i.Xacts.GetSnapshot(x), catalog.PublicNamespace, "kept", 'r', nil)
	require.NoError(t, err)
	require.NoError(t, x.Commit())
	y := i.Xacts.Begin(mvcc.XactOptions{SynchronousCommit: true})
	_, err = i.Catalog.CreateRelation(y, i.Xacts.GetSnapshot(y), catalog.PublicNamespace, "lost", 'r', nil)
	require.NoError(t, err)
	i.Crash() // y never committed
	fs = fs.Crash(vfs.CrashOptions{TearProb: 0.5})

	i = open(t, fs)
	defer i.Close()
	require.True(t, i.Recovered)
	z := i.Xacts.Begin(mvcc.XactOptions{})
	snap := i.Xacts.GetSnapshot(z)
	kept, err := i.Catalog.LookupRelation(z, snap, catalog.PublicNamespace, "kept")
	require.NoError(t, err)
	require.NotNil(t, kept)
	lost, err := i.Catalog.LookupRelation(z, snap, catalog.PublicNamespace, "lost")
	require.NoError(t, err)
	require.Nil(t, lost)
	require.NoError(t, z.Abort())
	require.NoError(t, i.Check())
}
