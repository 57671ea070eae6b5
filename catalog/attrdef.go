package catalog

import (
	"context"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// PgAttrdefOID is pg_attrdef's OID (PostgreSQL's).
const PgAttrdefOID base.OID = 2604

// Column numbers of pg_attrdef.
const (
	adOID = iota
	adRelID
	adNum
	adBin
)

// pg_attrdef holds column defaults. Tusk keeps adbin as the expression's
// SQL text (ast.String of the parsed DEFAULT; PostgreSQL stores a node
// tree); the analyzer parses it again where a default is used (C7).
var pgAttrdef = sysTable{PgAttrdefOID, "pg_attrdef", []col{
	{"oid", tOid, true}, {"adrelid", tOid, true}, {"adnum", tInt2, true}, {"adbin", tNodeTree, true},
}}

// insertDefault adds the pg_attrdef row of a column (StoreAttrDefault);
// the caller sets atthasdef.
func (c *Catalog) insertDefault(x *mvcc.Xact, rel base.OID, attnum int16, expr string) error {
	row := make([]types.Datum, len(pgAttrdef.cols))
	row[adOID] = int64(c.NewOID())
	row[adRelID] = int64(rel)
	row[adNum] = int64(attnum)
	row[adBin] = expr
	return c.insert(x, &pgAttrdef, row)
}

// deleteDefaults removes the pg_attrdef rows of relation rel: of column
// attnum, or of every column when attnum is 0 (RemoveAttrDefault).
func (c *Catalog) deleteDefaults(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID, attnum int16) error {
	ads := map[base.OID]bool{}
	if _, err := c.deleteRows(ctx, x, snap, &pgAttrdef, func(row []types.Datum) bool {
		if base.OID(i64(row[adRelID])) == rel && (attnum == 0 || int16(i64(row[adNum])) == attnum) {
			ads[base.OID(i64(row[adOID]))] = true
			return true
		}
		return false
	}); err != nil || len(ads) == 0 {
		return err
	}
	// And their dependencies (on the sequences they use): pg_depend rows
	// of a default that is gone would be dangling (CK1).
	_, err := c.deleteRows(ctx, x, snap, &pgDepend, func(row []types.Datum) bool {
		return base.OID(i64(row[depClassID])) == PgAttrdefOID && ads[base.OID(i64(row[depObjID]))]
	})
	return err
}

// SetColumnDefault sets the DEFAULT of column attnum of rel to expr (SQL
// text), or removes it when expr is "": the pg_attrdef row and atthasdef
// (mirrors StoreAttrDefault / RemoveAttrDefault). The caller has checked
// that expr analyzes and coerces to the column's type.
func (c *Catalog) SetColumnDefault(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID, attnum int16, expr string) error {
	c.changes(x)
	if err := c.deleteDefaults(ctx, x, snap, rel, attnum); err != nil {
		return err
	}
	if expr != "" {
		if err := c.insertDefault(x, rel, attnum, expr); err != nil {
			return err
		}
	}
	return c.modifyAttr(ctx, x, snap, rel, attnum, func(row []types.Datum) { row[attHasDef] = expr != "" })
}

// ColumnDefault returns the DEFAULT expression of column attnum of rel as
// SQL text, "" when it has none, as snap sees pg_attrdef.
func (c *Catalog) ColumnDefault(snap *mvcc.Snapshot, rel base.OID, attnum int16) (string, error) {
	def := ""
	err := c.scan(&pgAttrdef, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[adRelID])) == rel && int16(i64(row[adNum])) == attnum {
			def = str(row[adBin])
			return false, nil
		}
		return true, nil
	})
	return def, err
}

// loadDefaults fills Attribute.Default of the columns that have one.
func (c *Catalog) loadDefaults(snap *mvcc.Snapshot, rel *Relation) error {
	any := false
	for _, a := range rel.Attrs {
		any = any || a.HasDefault
	}
	if !any {
		return nil
	}
	return c.scan(&pgAttrdef, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[adRelID])) != rel.OID {
			return true, nil
		}
		if n := int(i64(row[adNum])); n >= 1 && n <= len(rel.Attrs) && rel.Attrs[n-1].HasDefault {
			rel.Attrs[n-1].Default = str(row[adBin])
		}
		return true, nil
	})
}
