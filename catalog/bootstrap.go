package catalog

import (
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// Bootstrap creates the catalog of a new database in transaction x: the
// files of the bootstrap relations and their rows (initdb's bootstrap
// mode, C1). The caller commits x.
func (c *Catalog) Bootstrap(x *mvcc.Xact) error {
	for _, t := range sysTables {
		if err := c.heap.Create(base.RelFileNode{Rel: t.oid}); err != nil {
			return err
		}
	}
	for _, ns := range []struct {
		oid  base.OID
		name string
	}{{PgCatalogNamespace, "pg_catalog"}, {PublicNamespace, "public"}, {99, "pg_toast"}} {
		row := make([]types.Datum, len(pgNamespace.cols))
		row[nspOID], row[nspName], row[nspOwner] = int64(ns.oid), ns.name, int64(BootstrapSuperuser)
		if ns.oid == PublicNamespace {
			row[nspOwner] = int64(DatabaseOwnerRole) // PostgreSQL 15: public belongs to pg_database_owner
			row[nspACL] = types.NewArray(types.Text, []types.Datum{"pg_database_owner=UC/pg_database_owner", "=U/pg_database_owner"})
		}
		if err := c.insert(x, &pgNamespace, row); err != nil {
			return err
		}
	}
	for _, t := range sysTables {
		rel := &Relation{OID: t.oid, Name: t.name, Namespace: PgCatalogNamespace, Kind: KindTable, Node: base.RelFileNode{Rel: t.oid}}
		if err := c.insert(x, &pgClass, classRow(rel, len(t.cols))); err != nil {
			return err
		}
		for i, cl := range t.cols {
			a := Attribute{Name: cl.name, Num: int16(i + 1), Type: cl.typ, Typmod: -1, NotNull: cl.notNull}
			if err := c.insert(x, &pgAttribute, attrRow(t.oid, &a)); err != nil {
				return err
			}
		}
	}
	for _, ty := range types.All() {
		if err := c.insert(x, &pgType, typeRow(ty)); err != nil {
			return err
		}
	}
	for _, step := range bootstrapRows {
		if err := step(c, x); err != nil {
			return err
		}
	}
	return nil
}

func typeRow(t *types.T) []types.Datum {
	row := make([]types.Datum, len(pgType.cols))
	row[typOID] = int64(t.OID)
	row[typName] = t.Name
	row[typNamespace] = int64(PgCatalogNamespace)
	row[typOwner] = int64(BootstrapSuperuser)
	row[typLen] = int64(t.Len)
	row[typByVal] = t.ByVal
	tt := "b"
	if t.Pseudo {
		tt = "p"
	}
	row[typType] = tt
	row[typCategory] = string(t.Category)
	row[typIsPreferred] = t.Preferred
	row[typIsDefined] = true
	row[typDelim] = ","
	row[typRelID] = int64(0)
	row[typSubscript] = int64(0)
	row[typElem] = int64(0)
	if t.Elem != nil {
		row[typElem] = int64(t.Elem.OID)
	}
	row[typArray] = int64(t.ArrayOID)
	for _, i := range []int{typInput, typOutput, typReceive, typSend, typModIn, typModOut, typAnalyze} {
		row[i] = int64(0)
	}
	row[typAlign] = string(t.Align)
	storage := "p"
	if t.Len == -1 {
		storage = "x"
	}
	if t.OID == 1700 { // numeric is typstorage 'm' (main)
		storage = "m"
	}
	row[typStorage] = storage
	row[typNotNull] = false
	row[typBaseType] = int64(0)
	row[typTypMod] = int64(-1)
	row[typNDims] = int64(0)
	row[typCollation] = int64(0)
	if t.Category == 'S' {
		row[typCollation] = int64(100)
	}
	return row
}

// Load prepares the catalog of an existing database after recovery: the
// OID counter restarts above every OID in use (C4).
func (c *Catalog) Load(snap *mvcc.Snapshot) error {
	max := FirstNormalObjectID
	for _, t := range []*sysTable{&pgClass, &pgNamespace, &pgType, &pgRewrite, &pgAttrdef, &pgConstraint} {
		err := c.scan(t, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
			if o := base.OID(i64(row[0])); o >= max {
				max = o + 1
			}
			if t == &pgClass { // TRUNCATE gives relations relfilenodes from the OID counter
				if o := base.OID(i64(row[relFilenode])); o >= max {
					max = o + 1
				}
			}
			return true, nil
		})
		if err != nil {
			return err
		}
	}
	c.SetNextOID(max)
	return nil
}
