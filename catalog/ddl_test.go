package catalog_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/instance"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
	"github.com/tuskdb/tusk/vfs"
)

var ctx = context.Background()

func openInstance(t *testing.T, fs vfs.FS) *instance.Instance {
	t.Helper()
	i, err := instance.Open(instance.Options{FS: fs, Dir: "/data", SharedBuffers: 1 << 20})
	require.NoError(t, err)
	return i
}

// tx is a transaction with a snapshot that sees its earlier commands.
type tx struct {
	t *testing.T
	i *instance.Instance
	x *mvcc.Xact
}

func begin(t *testing.T, i *instance.Instance) *tx {
	return &tx{t, i, i.Xacts.Begin(mvcc.XactOptions{SynchronousCommit: true})}
}

// snap ends the current command (C6) and returns a snapshot of the next.
func (x *tx) snap() *mvcc.Snapshot {
	x.x.CommandCounterIncrement()
	return x.i.Xacts.GetSnapshot(x.x)
}

func (x *tx) rel(name string) *catalog.Relation {
	x.t.Helper()
	r, err := x.i.Catalog.LookupRelation(x.x, x.snap(), catalog.PublicNamespace, name)
	require.NoError(x.t, err)
	return r
}

func (x *tx) end(commit bool) []base.RelFileNode {
	x.t.Helper()
	if commit {
		require.NoError(x.t, x.x.Commit())
	} else {
		require.NoError(x.t, x.x.Abort())
	}
	return x.i.Catalog.XactDone(x.x, commit)
}

func int4Col(name string) catalog.Column {
	return catalog.Column{Name: name, Type: types.Int4.OID, Typmod: -1}
}

func TestNewCatalogTablesDescribeThemselves(t *testing.T) { // C1
	i := openInstance(t, vfs.NewMem())
	defer i.Close()
	x := begin(t, i)
	defer x.end(false)
	for name, want := range map[string]struct {
		oid  base.OID
		cols string
	}{
		"pg_attrdef": {catalog.PgAttrdefOID, "oid adrelid adnum adbin"},
		"pg_constraint": {catalog.PgConstraintOID, "oid conname connamespace contype condeferrable condeferred convalidated " +
			"conrelid contypid conindid conparentid confrelid confupdtype confdeltype confmatchtype conislocal coninhcount " +
			"connoinherit conkey confkey conpfeqop conppeqop conffeqop confdelsetcols conexclop conbin"},
	} {
		rel, err := i.Catalog.LookupRelation(x.x, x.snap(), catalog.PgCatalogNamespace, name)
		require.NoError(t, err)
		require.NotNil(t, rel, name)
		require.Equal(t, want.oid, rel.OID)
		var names []string
		for _, a := range rel.Attrs {
			names = append(names, a.Name)
		}
		require.Equal(t, want.cols, strings.Join(names, " "))
	}
}

func TestAlterColumns(t *testing.T) {
	i := openInstance(t, vfs.NewMem())
	defer i.Close()
	cat := i.Catalog
	x := begin(t, i)
	cols := []catalog.Column{int4Col("a"), {Name: "b", Type: types.Text.OID, Typmod: -1, Default: "'x'"}}
	_, err := cat.CreateRelation(x.x, x.snap(), catalog.PublicNamespace, "t", catalog.KindTable, cols)
	require.NoError(t, err)
	rel := x.rel("t")
	require.True(t, rel.Attrs[1].HasDefault)
	require.Equal(t, "'x'", rel.Attrs[1].Default)

	a, err := cat.AddColumn(ctx, x.x, x.snap(), rel, catalog.Column{Name: "c", Type: types.Int4.OID, Typmod: -1, NotNull: true, Default: "(1 + 1)"})
	require.NoError(t, err)
	require.Equal(t, int16(3), a.Num)
	_, err = cat.AddColumn(ctx, x.x, x.snap(), x.rel("t"), int4Col("c"))
	require.Equal(t, pgerr.DuplicateColumn, pgerr.CodeOf(err))
	rel = x.rel("t")
	require.Len(t, rel.Attrs, 3)
	require.True(t, rel.Attrs[2].NotNull)
	def, err := cat.ColumnDefault(x.snap(), rel.OID, 3)
	require.NoError(t, err)
	require.Equal(t, "(1 + 1)", def)

	require.NoError(t, cat.RenameColumn(ctx, x.x, x.snap(), rel, 1, "id"))
	require.Equal(t, pgerr.DuplicateColumn, pgerr.CodeOf(cat.RenameColumn(ctx, x.x, x.snap(), x.rel("t"), 1, "b")))
	require.NoError(t, cat.SetNotNull(ctx, x.x, x.snap(), rel, 1, true))
	require.NoError(t, cat.SetColumnType(ctx, x.x, x.snap(), rel, 2, types.Int8.OID, -1))
	require.NoError(t, cat.SetColumnDefault(ctx, x.x, x.snap(), rel.OID, 2, "42"))
	rel = x.rel("t")
	require.Equal(t, "id", rel.Attrs[0].Name)
	require.True(t, rel.Attrs[0].NotNull)
	require.Equal(t, types.Int8.OID, rel.Attrs[1].Type)
	require.Equal(t, "42", rel.Attrs[1].Default)

	require.NoError(t, cat.DropColumn(ctx, x.x, x.snap(), rel, 2))
	rel = x.rel("t")
	b := rel.Attrs[1]
	require.True(t, b.Dropped)
	require.Equal(t, "........pg.dropped.2........", b.Name)
	require.Equal(t, base.OID(0), b.Type)
	require.False(t, b.HasDefault)
	def, err = cat.ColumnDefault(x.snap(), rel.OID, 2)
	require.NoError(t, err)
	require.Empty(t, def)
	// The name of a dropped column is free again.
	_, err = cat.AddColumn(ctx, x.x, x.snap(), rel, int4Col("b"))
	require.NoError(t, err)
	require.Len(t, x.rel("t").Attrs, 4)

	require.NoError(t, cat.RenameRelation(ctx, x.x, x.snap(), x.rel("t"), "u"))
	require.Nil(t, x.rel("t"))
	_, err = cat.CreateRelation(x.x, x.snap(), catalog.PublicNamespace, "v", catalog.KindTable, cols)
	require.NoError(t, err)
	require.Equal(t, pgerr.DuplicateTable, pgerr.CodeOf(cat.RenameRelation(ctx, x.x, x.snap(), x.rel("u"), "v")))
	x.end(true)

	// Other transactions see the committed state (the cache was emptied, C3).
	y := begin(t, i)
	defer y.end(false)
	u := y.rel("u")
	require.NotNil(t, u)
	require.Equal(t, "id", u.Attrs[0].Name)
	require.Equal(t, "(1 + 1)", u.Attrs[2].Default)
}

func TestCatalogRowUpdatedTwiceInOneCommand(t *testing.T) { // C6
	i := openInstance(t, vfs.NewMem())
	defer i.Close()
	x := begin(t, i)
	defer x.end(false)
	_, err := i.Catalog.CreateRelation(x.x, x.snap(), catalog.PublicNamespace, "t", catalog.KindTable, []catalog.Column{int4Col("a")})
	require.NoError(t, err)
	rel, snap := x.rel("t"), x.snap()
	require.NoError(t, i.Catalog.SetNotNull(ctx, x.x, snap, rel, 1, true))
	require.Equal(t, pgerr.InternalError, pgerr.CodeOf(i.Catalog.SetNotNull(ctx, x.x, snap, rel, 1, false)))
}

func TestConstraints(t *testing.T) {
	i := openInstance(t, vfs.NewMem())
	defer i.Close()
	cat := i.Catalog
	x := begin(t, i)
	_, err := cat.CreateRelation(x.x, x.snap(), catalog.PublicNamespace, "p", catalog.KindTable, []catalog.Column{int4Col("id"), int4Col("v")})
	require.NoError(t, err)
	p := x.rel("p")
	ix, err := cat.CreateIndex(x.x, x.snap(), "p_pkey", p, &catalog.Index{Table: p.OID, Keys: []int16{1}, NKeys: 1, Unique: true, Primary: true})
	require.NoError(t, err)
	pk := &catalog.Constraint{Name: "p_pkey", Namespace: p.Namespace, Type: catalog.ConPrimary, Rel: p.OID, Keys: []int16{1},
		Index: ix.OID, Validated: true, NoInherit: true}
	require.NoError(t, cat.AddConstraint(x.x, pk))
	check := &catalog.Constraint{Name: "p_v_check", Namespace: p.Namespace, Type: catalog.ConCheck, Rel: p.OID, Keys: []int16{2},
		Check: "(v > 0)", Validated: false}
	require.NoError(t, cat.AddConstraint(x.x, check))
	_, err = cat.CreateRelation(x.x, x.snap(), catalog.PublicNamespace, "c", catalog.KindTable, []catalog.Column{int4Col("pid")})
	require.NoError(t, err)
	c := x.rel("c")
	fk := &catalog.Constraint{Name: "c_pid_fkey", Namespace: c.Namespace, Type: catalog.ConForeign, Rel: c.OID, Keys: []int16{1},
		Index: ix.OID, RefRel: p.OID, RefKeys: []int16{1}, OnUpdate: catalog.FKNoAction, OnDelete: catalog.FKCascade,
		Match: catalog.FKMatchFull, EqOps: []base.OID{96}, Deferrable: true, Deferred: true, Validated: true, NoInherit: true}
	require.NoError(t, cat.AddConstraint(x.x, fk))

	snap := x.snap()
	cons, err := cat.Constraints(snap, p.OID)
	require.NoError(t, err)
	require.Len(t, cons, 2)
	require.Equal(t, "p_pkey", cons[0].Name)
	require.Equal(t, "(v > 0)", cons[1].Check)
	require.False(t, cons[1].Validated)
	refs, err := cat.ForeignKeysReferencing(snap, p.OID)
	require.NoError(t, err)
	require.Len(t, refs, 1)
	got := refs[0]
	require.Equal(t, []int16{1}, got.Keys)
	require.Equal(t, []int16{1}, got.RefKeys)
	require.Equal(t, catalog.FKCascade, got.OnDelete)
	require.Equal(t, catalog.FKMatchFull, got.Match)
	require.Equal(t, []base.OID{96}, got.EqOps)
	owner, err := cat.ConstraintOfIndex(snap, ix.OID)
	require.NoError(t, err)
	require.Equal(t, "p_pkey", owner.Name)
	used, err := cat.ConstraintNameExists(snap, catalog.PublicNamespace, "c_pid_fkey")
	require.NoError(t, err)
	require.True(t, used)

	quote := func(s string) string { return s }
	name := func(r *catalog.Relation) string { return r.Name }
	for con, want := range map[*catalog.Constraint]string{
		cons[0]: "PRIMARY KEY (id)",
		cons[1]: "CHECK ((v > 0)) NOT VALID",
		got:     "FOREIGN KEY (pid) REFERENCES p(id) MATCH FULL ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
	} {
		def, err := cat.ConstraintDef(snap, con, quote, name)
		require.NoError(t, err)
		require.Equal(t, want, def)
	}

	// Dropping a constraint removes its pg_depend rows; dropping a table
	// removes its constraints.
	require.NoError(t, cat.DropConstraint(ctx, x.x, snap, got))
	snap = x.snap()
	deps, err := cat.Dependents(snap, p.OID)
	require.NoError(t, err)
	for _, d := range deps {
		require.NotEqual(t, got.OID, d.Obj)
	}
	require.NoError(t, cat.DropRelation(ctx, x.x, snap, x.rel("p")))
	snap = x.snap()
	cons, err = cat.Constraints(snap, p.OID)
	require.NoError(t, err)
	require.Empty(t, cons)
	x.end(true)
}

func TestNewRelFileNode(t *testing.T) { // C5
	fs := vfs.NewMem()
	i := openInstance(t, fs)
	x := begin(t, i)
	_, err := i.Catalog.CreateRelation(x.x, x.snap(), catalog.PublicNamespace, "t", catalog.KindTable, []catalog.Column{int4Col("a")})
	require.NoError(t, err)
	x.end(true)

	// Aborted: the new file is removed, the old one stays.
	x = begin(t, i)
	old := x.rel("t").Node
	node, err := i.Catalog.NewRelFileNode(ctx, x.x, x.snap(), x.rel("t"))
	require.NoError(t, err)
	require.NotEqual(t, old, node)
	require.Equal(t, node, x.rel("t").Node)
	require.Equal(t, []base.RelFileNode{node}, x.end(false))

	// Committed: the old file is removed, pg_class points at the new one.
	x = begin(t, i)
	node, err = i.Catalog.NewRelFileNode(ctx, x.x, x.snap(), x.rel("t"))
	require.NoError(t, err)
	require.Equal(t, []base.RelFileNode{old}, x.end(true))
	y := begin(t, i)
	require.Equal(t, node, y.rel("t").Node)
	y.end(false)
	require.NoError(t, i.Close())

	// C4: after a restart new OIDs start above the relfilenode too.
	i = openInstance(t, fs)
	defer i.Close()
	require.Greater(t, i.Catalog.NextOID(), node.Rel)
}

func TestNamespaces(t *testing.T) {
	i := openInstance(t, vfs.NewMem())
	defer i.Close()
	cat := i.Catalog
	x := begin(t, i)
	ns, err := cat.CreateNamespace(x.x, x.snap(), "s")
	require.NoError(t, err)
	_, err = cat.CreateNamespace(x.x, x.snap(), "s")
	require.Equal(t, pgerr.DuplicateSchema, pgerr.CodeOf(err))
	_, err = cat.CreateRelation(x.x, x.snap(), ns, "b", catalog.KindTable, []catalog.Column{int4Col("a")})
	require.NoError(t, err)
	_, err = cat.CreateRelation(x.x, x.snap(), ns, "a", catalog.KindTable, []catalog.Column{int4Col("a")})
	require.NoError(t, err)
	rels, err := cat.RelationsInNamespace(x.snap(), ns)
	require.NoError(t, err)
	require.Len(t, rels, 2)
	require.Equal(t, "b", rels[0].Name)
	name, err := cat.NamespaceName(x.snap(), ns)
	require.NoError(t, err)
	require.Equal(t, "s", name)
	x.end(true)

	// Other transactions see it only after commit; a rolled back drop keeps it.
	y := begin(t, i)
	require.NoError(t, cat.DropNamespace(ctx, y.x, y.snap(), ns))
	_, ok, err := cat.LookupNamespace(y.snap(), "s")
	require.NoError(t, err)
	require.False(t, ok)
	z := begin(t, i)
	_, ok, err = cat.LookupNamespace(z.snap(), "s")
	require.NoError(t, err)
	require.True(t, ok)
	z.end(false)
	y.end(false)
	w := begin(t, i)
	defer w.end(false)
	_, ok, err = cat.LookupNamespace(w.snap(), "s")
	require.NoError(t, err)
	require.True(t, ok)
}
