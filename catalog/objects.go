package catalog

import (
	"context"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// Dependency types (pg_depend.deptype).
const (
	DepNormal byte = 'n' // the dependent cannot exist without the referenced object; DROP needs CASCADE
	DepAuto   byte = 'a' // the dependent goes silently with the referenced object (an index with its table)
)

// CreateView creates view name in schema ns, whose query text is def
// (ast.String of the analyzed SELECT) and whose output columns are cols;
// refs are the relations its query reads (pg_depend, so that DROP of one
// of them fails while the view exists).
func (c *Catalog) CreateView(x *mvcc.Xact, snap *mvcc.Snapshot, ns base.OID, name string, cols []Column, def string, refs []base.OID) (*Relation, error) {
	rel, err := c.CreateRelation(x, snap, ns, name, KindView, cols)
	if err != nil {
		return nil, err
	}
	c.touchClass(x, rel.OID)
	row := make([]types.Datum, len(pgRewrite.cols))
	row[rwOID] = int64(c.NewOID())
	row[rwName] = "_RETURN"
	row[rwEvClass] = int64(rel.OID)
	row[rwEvType] = "1"
	row[rwEvEnabled] = "O"
	row[rwIsInstead] = true
	row[rwEvQual] = "<>"
	row[rwEvAction] = def
	if err := c.insert(x, &pgRewrite, row); err != nil {
		return nil, err
	}
	seen := map[base.OID]bool{}
	for _, r := range refs {
		if seen[r] || r == rel.OID {
			continue
		}
		seen[r] = true
		if err := c.addDepend(x, rel.OID, r, DepNormal); err != nil {
			return nil, err
		}
	}
	return rel, nil
}

func (c *Catalog) addDepend(x *mvcc.Xact, obj, ref base.OID, typ byte) error {
	row := make([]types.Datum, len(pgDepend.cols))
	row[depClassID] = int64(PgClassOID)
	row[depObjID] = int64(obj)
	row[depObjSubID] = int64(0)
	row[depRefClassID] = int64(PgClassOID)
	row[depRefObjID] = int64(ref)
	row[depRefObjSubID] = int64(0)
	row[depType] = string(typ)
	return c.insert(x, &pgDepend, row)
}

// ViewName names a view: its namespace and name.
type ViewName struct {
	NS   base.OID
	Name string
}

// ViewDefinitions returns the query text of every view, by name: two
// catalog scans, where ViewDefinition of each after LookupRelation would
// load every view's columns (what checking the system views at Open
// needs).
func (c *Catalog) ViewDefinitions(snap *mvcc.Snapshot) (map[ViewName]string, error) {
	names := map[base.OID]ViewName{}
	err := c.scan(&pgClass, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if str(row[relKind]) == "v" {
			names[base.OID(i64(row[relOID]))] = ViewName{NS: base.OID(i64(row[relNamespace])), Name: str(row[relName])}
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	defs := make(map[ViewName]string, len(names))
	err = c.scan(&pgRewrite, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if n, ok := names[base.OID(i64(row[rwEvClass]))]; ok {
			defs[n] = str(row[rwEvAction])
		}
		return true, nil
	})
	return defs, err
}

// ViewDefinition returns the query text of a view.
func (c *Catalog) ViewDefinition(snap *mvcc.Snapshot, view base.OID) (string, error) {
	def := ""
	found := false
	err := c.scan(&pgRewrite, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[rwEvClass])) == view {
			def, found = str(row[rwEvAction]), true
			return false, nil
		}
		return true, nil
	})
	if err == nil && !found {
		err = pgerr.New(pgerr.DataCorrupted, "view with OID %d has no definition", view)
	}
	return def, err
}

// Dependency is a pg_depend row between two relations.
type Dependency struct {
	Obj  base.OID
	Ref  base.OID
	Type byte
	// Class is the catalog of Obj (PgClassOID for relations,
	// PgConstraintOID for constraints); ObjSub and RefSub are column
	// numbers when the dependency is on or of a column (0 otherwise).
	Class  base.OID
	ObjSub int32
	RefSub int32
	tid    base.ItemPointer
}

// Dependents lists the objects that depend on ref.
func (c *Catalog) Dependents(snap *mvcc.Snapshot, ref base.OID) ([]Dependency, error) {
	var out []Dependency
	err := c.scan(&pgDepend, snap, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		if base.OID(i64(row[depRefObjID])) == ref {
			out = append(out, Dependency{Obj: base.OID(i64(row[depObjID])), Ref: ref, Type: str(row[depType])[0],
				Class: base.OID(i64(row[depClassID])), ObjSub: int32(i64(row[depObjSubID])), RefSub: int32(i64(row[depRefObjSubID])), tid: tid})
		}
		return true, nil
	})
	return out, err
}

// dropObjectRows deletes the pg_depend rows of obj (as dependent) and its
// pg_rewrite, pg_index, pg_constraint and pg_attrdef rows.
func (c *Catalog) dropObjectRows(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, obj base.OID) error {
	if err := c.dropConstraintsOf(ctx, x, snap, obj); err != nil {
		return err
	}
	if err := c.DeleteStatistics(ctx, x, snap, obj, 0); err != nil {
		return err
	}
	if err := c.dropDescriptions(ctx, x, snap, obj); err != nil { // systables2.go
		return err
	}
	type del struct {
		t   *sysTable
		tid base.ItemPointer
	}
	var dels []del
	if err := c.scan(&pgDepend, snap, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		if base.OID(i64(row[depObjID])) == obj || base.OID(i64(row[depRefObjID])) == obj {
			dels = append(dels, del{&pgDepend, tid})
		}
		return true, nil
	}); err != nil {
		return err
	}
	if err := c.scan(&pgRewrite, snap, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		if base.OID(i64(row[rwEvClass])) == obj {
			dels = append(dels, del{&pgRewrite, tid})
		}
		return true, nil
	}); err != nil {
		return err
	}
	if err := c.scan(&pgIndex, snap, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		if base.OID(i64(row[indIndexRelID])) == obj {
			dels = append(dels, del{&pgIndex, tid})
		}
		return true, nil
	}); err != nil {
		return err
	}
	for _, d := range dels {
		if err := c.delete(ctx, x, d.t, d.tid); err != nil {
			return err
		}
	}
	return nil
}

// Index describes an index: its relation and its pg_index row.
type Index struct {
	Rel     *Relation
	Table   base.OID
	Keys    []int16 // table attnums of the key columns (0 for an expression)
	NKeys   int     // key columns; the rest of Keys are INCLUDE columns
	Unique  bool
	Primary bool
	Options []int16 // per key column: bit 1 DESC, bit 2 NULLS FIRST (pg_index.indoption)
	Exprs   string  // expression columns, as SQL text ("" when none)
	Pred    string  // partial index predicate, as SQL text
	// ExprCols names and types the expression columns (Keys 0), in order,
	// for the index relation's pg_attribute rows; used by CreateIndex only.
	ExprCols []Column
}

// CreateIndex creates the catalog entry and file of an index on table.
func (c *Catalog) CreateIndex(x *mvcc.Xact, snap *mvcc.Snapshot, name string, table *Relation, ix *Index) (*Relation, error) {
	c.touchClass(x, table.OID)
	var cols []Column
	nexpr := 0
	for i, k := range ix.Keys {
		cl := Column{Name: "expr", Type: tText, Typmod: -1}
		if k == 0 && nexpr < len(ix.ExprCols) {
			cl = ix.ExprCols[nexpr]
			nexpr++
		}
		if k > 0 && int(k) <= len(table.Attrs) {
			a := table.Attrs[k-1]
			cl = Column{Name: a.Name, Type: a.Type, Typmod: a.Typmod}
		}
		if i > 0 {
			for _, prev := range cols {
				if prev.Name == cl.Name {
					cl.Name = cl.Name + "1"
				}
			}
		}
		cols = append(cols, cl)
	}
	rel, err := c.CreateRelation(x, snap, table.Namespace, name, KindIndex, cols)
	if err != nil {
		return nil, err
	}
	row := make([]types.Datum, len(pgIndex.cols))
	row[indIndexRelID] = int64(rel.OID)
	row[indRelID] = int64(table.OID)
	row[indNatts] = int64(len(ix.Keys))
	row[indNKeyAtts] = int64(ix.NKeys)
	row[indIsUnique] = ix.Unique
	row[indNullsNotDistinct] = false
	row[indIsPrimary] = ix.Primary
	row[indIsExclusion] = false
	row[indImmediate] = true
	row[indIsClustered] = false
	row[indIsValid] = true
	row[indCheckXmin] = false
	row[indIsReady] = true
	row[indIsLive] = true
	row[indIsReplident] = false
	int2Arr, _ := types.ByOID(1005)
	oidArr, _ := types.ByOID(1028)
	var keys, opts, colls, classes []types.Datum
	for i, k := range ix.Keys {
		keys = append(keys, int64(k))
		o := int16(0)
		if i < len(ix.Options) {
			o = ix.Options[i]
		}
		opts = append(opts, int64(o))
		colls = append(colls, int64(0))
		classes = append(classes, int64(0))
	}
	row[indKey] = types.NewArray(int2Arr.Elem, keys)
	row[indCollation] = types.NewArray(oidArr.Elem, colls)
	row[indClass] = types.NewArray(oidArr.Elem, classes)
	row[indOption] = types.NewArray(int2Arr.Elem, opts)
	if ix.Exprs != "" {
		row[indExprs] = ix.Exprs
	}
	if ix.Pred != "" {
		row[indPred] = ix.Pred
	}
	if err := c.insert(x, &pgIndex, row); err != nil {
		return nil, err
	}
	if err := c.addDepend(x, rel.OID, table.OID, DepAuto); err != nil {
		return nil, err
	}
	return rel, nil
}

// Indexes lists the indexes of a table.
func (c *Catalog) Indexes(snap *mvcc.Snapshot, table base.OID) ([]*Index, error) {
	var out []*Index
	err := c.scan(&pgIndex, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[indRelID])) != table {
			return true, nil
		}
		ix := &Index{Table: table, NKeys: int(i64(row[indNKeyAtts])), Unique: boolean(row[indIsUnique]), Primary: boolean(row[indIsPrimary])}
		if a, ok := row[indKey].(*types.Array); ok {
			for _, k := range a.Elems {
				ix.Keys = append(ix.Keys, int16(i64(k)))
			}
		}
		if a, ok := row[indOption].(*types.Array); ok {
			for _, k := range a.Elems {
				ix.Options = append(ix.Options, int16(i64(k)))
			}
		}
		ix.Exprs, ix.Pred = str(row[indExprs]), str(row[indPred])
		ix.Rel = &Relation{OID: base.OID(i64(row[indIndexRelID]))}
		out = append(out, ix)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	for _, ix := range out {
		rel, err := c.RelationByOID(snap, ix.Rel.OID)
		if err != nil {
			return nil, err
		}
		if rel != nil {
			ix.Rel = rel
		}
	}
	return out, nil
}
