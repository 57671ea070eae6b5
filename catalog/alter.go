package catalog

import (
	"context"
	"fmt"
	"sort"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// ALTER TABLE's catalog side. Each function changes catalog rows of one
// relation in x, read under snap (which must see x's earlier commands),
// and registers the change so the relation cache is bypassed by x and
// emptied when x commits (C3). Rows are rewritten, if at all, by the
// caller. Each function updates a given row at most once (C6).

// MaxColumns is the most columns a table can have (MaxHeapAttributeNumber).
const MaxColumns = 1600

// AddColumn appends a column to rel (mirrors ATExecAddColumn's catalog
// part): its pg_attribute row, its default (col.Default) and relnatts.
// It fails with 42701 when a live column has that name.
func (c *Catalog) AddColumn(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel *Relation, col Column) (*Attribute, error) {
	for _, a := range rel.Attrs {
		if !a.Dropped && a.Name == col.Name {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q of relation %q already exists", col.Name, rel.Name)
		}
	}
	if len(rel.Attrs) >= MaxColumns {
		return nil, pgerr.New(pgerr.TooManyColumns, "tables can have at most %d columns", MaxColumns)
	}
	c.changes(x)
	a := &Attribute{Name: col.Name, Num: int16(len(rel.Attrs) + 1), Type: col.Type, Typmod: col.Typmod,
		NotNull: col.NotNull, HasDefault: col.Default != "", Default: col.Default, Collation: col.Collation}
	if err := c.insert(x, &pgAttribute, attrRow(rel.OID, a)); err != nil {
		return nil, err
	}
	if a.HasDefault {
		if err := c.insertDefault(x, rel.OID, a.Num, a.Default); err != nil {
			return nil, err
		}
	}
	err := c.modifyClass(ctx, x, snap, rel.OID, func(row []types.Datum) { row[relNatts] = int64(a.Num) })
	return a, err
}

// DroppedColumnName is the name a dropped column gets (as PostgreSQL's
// RemoveAttributeById), so that its old name is free again.
func DroppedColumnName(attnum int16) string {
	return fmt.Sprintf("........pg.dropped.%d........", attnum)
}

// DropColumn marks column attnum of rel dropped (RemoveAttributeById):
// attisdropped, the reserved name, no type, no default. Rows keep their
// bytes for it; readers skip dropped columns. Dependent objects
// (indexes, constraints, views) are the caller's to drop first.
func (c *Catalog) DropColumn(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel *Relation, attnum int16) error {
	c.changes(x)
	if err := c.deleteDefaults(ctx, x, snap, rel.OID, attnum); err != nil {
		return err
	}
	if err := c.DeleteStatistics(ctx, x, snap, rel.OID, attnum); err != nil {
		return err
	}
	return c.modifyAttr(ctx, x, snap, rel.OID, attnum, func(row []types.Datum) {
		row[attIsDropped] = true
		row[attName] = DroppedColumnName(attnum)
		row[attTypID] = int64(0)
		row[attNotNull] = false
		row[attHasDef] = false
		row[attHasMissing] = false
		row[attStatTarget] = int64(0)
		row[attGenerated] = "\x00"
		row[attMissingVal] = nil
	})
}

// RenameColumn renames column attnum of rel (renameatt); 42701 when the
// new name is taken.
func (c *Catalog) RenameColumn(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel *Relation, attnum int16, name string) error {
	for _, a := range rel.Attrs {
		if a.Name == name && a.Num != attnum {
			return pgerr.New(pgerr.DuplicateColumn, "column %q of relation %q already exists", name, rel.Name)
		}
	}
	return c.modifyAttr(ctx, x, snap, rel.OID, attnum, func(row []types.Datum) { row[attName] = name })
}

// RenameRelation renames a table, view or index (RenameRelationInternal);
// 42P07 when its schema has a relation of that name.
func (c *Catalog) RenameRelation(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel *Relation, name string) error {
	if other, err := c.LookupRelation(x, snap, rel.Namespace, name); err != nil {
		return err
	} else if other != nil {
		return pgerr.New(pgerr.DuplicateTable, "relation %q already exists", name)
	}
	c.changes(x)
	return c.modifyClass(ctx, x, snap, rel.OID, func(row []types.Datum) { row[relName] = name })
}

// SetNotNull sets or clears attnotnull of a column. SET NOT NULL's check
// of the existing rows is the caller's.
func (c *Catalog) SetNotNull(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel *Relation, attnum int16, notNull bool) error {
	return c.modifyAttr(ctx, x, snap, rel.OID, attnum, func(row []types.Datum) { row[attNotNull] = notNull })
}

// SetColumnType changes the type of column attnum of rel (the catalog
// part of ATExecAlterColumnType): atttypid, atttypmod and the columns
// that follow from the type. The rows are rewritten by the caller.
func (c *Catalog) SetColumnType(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel *Relation, attnum int16, typ base.OID, typmod int32) error {
	fresh := attrRow(rel.OID, &Attribute{Type: typ, Typmod: typmod})
	if err := c.DeleteStatistics(ctx, x, snap, rel.OID, attnum); err != nil {
		return err
	}
	return c.modifyAttr(ctx, x, snap, rel.OID, attnum, func(row []types.Datum) {
		for _, i := range []int{attTypID, attTypMod, attLen, attByVal, attAlign, attStorage, attNDims, attCollation} {
			row[i] = fresh[i]
		}
	})
}

// NewRelFileNode gives rel a new, empty relation file
// (RelationSetNewRelfilenode, for TRUNCATE and rewrites): a table's file
// is created now, an index's by the caller's access method build; the
// new file is removed if x aborts; the old one is removed when x commits (C5);
// pg_class.relfilenode points at the new one.
func (c *Catalog) NewRelFileNode(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel *Relation) (base.RelFileNode, error) {
	if rel.Node.Rel == base.InvalidOID {
		return base.RelFileNode{}, pgerr.New(pgerr.InternalError, "relation %q has no storage", rel.Name)
	}
	node := base.RelFileNode{Rel: c.NewOID()}
	ch := c.changes(x)
	if rel.Kind != KindIndex { // an index's file is made by its access method (btree.Create)
		if err := c.heap.Create(node); err != nil {
			return base.RelFileNode{}, err
		}
	}
	c.mu.Lock()
	ch.created = append(ch.created, node)
	c.mu.Unlock()
	if err := c.modifyClass(ctx, x, snap, rel.OID, func(row []types.Datum) {
		row[relFilenode] = int64(node.Rel)
		if rel.Kind != KindSequence { // empty until further notice (ST2)
			row[relPages], row[relTuples], row[relAllVisible] = int64(0), float64(-1), int64(0)
		}
	}); err != nil {
		return base.RelFileNode{}, err
	}
	c.mu.Lock()
	ch.dropped = append(ch.dropped, rel.Node)
	c.mu.Unlock()
	return node, nil
}

// CreateNamespace creates a schema (NamespaceCreate); 42P06 when one of
// that name exists.
func (c *Catalog) CreateNamespace(x *mvcc.Xact, snap *mvcc.Snapshot, name string) (base.OID, error) {
	if _, ok, err := c.LookupNamespace(snap, name); err != nil {
		return 0, err
	} else if ok {
		return 0, pgerr.New(pgerr.DuplicateSchema, "schema %q already exists", name)
	}
	c.changes(x)
	oid := c.NewOID()
	row := make([]types.Datum, len(pgNamespace.cols))
	row[nspOID], row[nspName], row[nspOwner] = int64(oid), name, int64(BootstrapSuperuser)
	return oid, c.insert(x, &pgNamespace, row)
}

// DropNamespace removes a schema's pg_namespace row; its relations are
// the caller's to drop first.
func (c *Catalog) DropNamespace(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, ns base.OID) error {
	n, err := c.deleteRows(ctx, x, snap, &pgNamespace, func(row []types.Datum) bool { return base.OID(i64(row[nspOID])) == ns })
	if err == nil && n == 0 {
		err = pgerr.New(pgerr.InternalError, "cache lookup failed for namespace %d", ns)
	}
	if err == nil {
		err = c.dropDescriptions(ctx, x, snap, ns) // systables2.go
	}
	return err
}

// NamespaceName returns the name of schema ns ("" if there is none).
func (c *Catalog) NamespaceName(snap *mvcc.Snapshot, ns base.OID) (string, error) {
	name := ""
	err := c.scan(&pgNamespace, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[nspOID])) == ns {
			name = str(row[nspName])
			return false, nil
		}
		return true, nil
	})
	return name, err
}

// RelationsInNamespace lists the relations of schema ns in OID order.
func (c *Catalog) RelationsInNamespace(snap *mvcc.Snapshot, ns base.OID) ([]*Relation, error) {
	var out []*Relation
	err := c.scan(&pgClass, snap, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		if base.OID(i64(row[relNamespace])) == ns {
			out = append(out, relFromRow(row, tid))
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range out {
		if err := c.loadAttrs(snap, r); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OID < out[j].OID })
	return out, nil
}
