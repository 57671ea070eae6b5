package catalog

import (
	"context"
	"sort"
	"strings"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// PgConstraintOID is pg_constraint's OID (PostgreSQL's).
const PgConstraintOID base.OID = 2606

// Column numbers of pg_constraint (PostgreSQL 15's columns).
const (
	conOID = iota
	conName
	conNamespace
	conType
	conDeferrable
	conDeferred
	conValidated
	conRelID
	conTypID
	conIndID
	conParentID
	conFRelID
	conFUpdType
	conFDelType
	conFMatchType
	conIsLocal
	conInhCount
	conNoInherit
	conKey
	conFKey
	conPFEqOp
	conPPEqOp
	conFFEqOp
	conFDelSetCols
	conExclOp
	conBin
)

// pg_constraint holds CHECK, PRIMARY KEY, UNIQUE and FOREIGN KEY
// constraints of tables (NOT NULL is attnotnull, as in PostgreSQL 15).
// conbin is the CHECK expression as SQL text (C7).
var pgConstraint = sysTable{PgConstraintOID, "pg_constraint", []col{
	{"oid", tOid, true}, {"conname", tName, true}, {"connamespace", tOid, true}, {"contype", tChar, true},
	{"condeferrable", tBool, true}, {"condeferred", tBool, true}, {"convalidated", tBool, true},
	{"conrelid", tOid, true}, {"contypid", tOid, true}, {"conindid", tOid, true}, {"conparentid", tOid, true},
	{"confrelid", tOid, true}, {"confupdtype", tChar, true}, {"confdeltype", tChar, true},
	{"confmatchtype", tChar, true}, {"conislocal", tBool, true}, {"coninhcount", tInt4, true},
	{"connoinherit", tBool, true}, {"conkey", tInt2Array, false}, {"confkey", tInt2Array, false},
	{"conpfeqop", tOidArray, false}, {"conppeqop", tOidArray, false}, {"conffeqop", tOidArray, false},
	{"confdelsetcols", tInt2Array, false}, {"conexclop", tOidArray, false}, {"conbin", tNodeTree, false},
}}

// Array types of catalog columns.
const (
	tInt2Array base.OID = 1005
	tOidArray  base.OID = 1028
)

// Constraint types (pg_constraint.contype).
const (
	ConCheck   byte = 'c'
	ConPrimary byte = 'p'
	ConUnique  byte = 'u'
	ConForeign byte = 'f'
)

// Foreign key actions (confupdtype, confdeltype).
const (
	FKNoAction   byte = 'a'
	FKRestrict   byte = 'r'
	FKCascade    byte = 'c'
	FKSetNull    byte = 'n'
	FKSetDefault byte = 'd'
)

// Foreign key match types (confmatchtype).
const (
	FKMatchSimple  byte = 's'
	FKMatchFull    byte = 'f'
	FKMatchPartial byte = 'p'
)

// DepInternal is a pg_depend type: the dependent is part of the
// referenced object's implementation (a constraint's index) and can only
// be dropped with it.
const DepInternal byte = 'i'

// Constraint is a pg_constraint row: what the executor enforces.
type Constraint struct {
	OID        base.OID
	Name       string
	Namespace  base.OID
	Type       byte     // ConCheck, ConPrimary, ConUnique, ConForeign
	Rel        base.OID // the constrained table (conrelid)
	Keys       []int16  // conkey: key columns; for CHECK the columns the expression uses
	Check      string   // CHECK: the boolean expression as SQL text over the table's columns
	Index      base.OID // PRIMARY KEY/UNIQUE: its index; FOREIGN KEY: the referenced unique index
	RefRel     base.OID // FOREIGN KEY: the referenced table (confrelid)
	RefKeys    []int16  // FOREIGN KEY: referenced columns, parallel to Keys (confkey)
	OnUpdate   byte     // FOREIGN KEY: FKNoAction ... FKSetDefault
	OnDelete   byte
	Match      byte       // FOREIGN KEY: FKMatchSimple, FKMatchFull
	EqOps      []base.OID // FOREIGN KEY: conpfeqop, the pk = fk operators
	Deferrable bool
	Deferred   bool
	Validated  bool // false for NOT VALID constraints not yet validated
	NoInherit  bool
	tid        base.ItemPointer
}

func int2Array(vals []int16) types.Datum {
	if vals == nil {
		return nil
	}
	t, _ := types.ByOID(tInt2Array)
	ds := make([]types.Datum, len(vals))
	for i, v := range vals {
		ds[i] = int64(v)
	}
	return types.NewArray(t.Elem, ds)
}

func oidArray(vals []base.OID) types.Datum {
	if vals == nil {
		return nil
	}
	t, _ := types.ByOID(tOidArray)
	ds := make([]types.Datum, len(vals))
	for i, v := range vals {
		ds[i] = int64(v)
	}
	return types.NewArray(t.Elem, ds)
}

func int2s(d types.Datum) []int16 {
	a, ok := d.(*types.Array)
	if !ok {
		return nil
	}
	out := make([]int16, len(a.Elems))
	for i, e := range a.Elems {
		out[i] = int16(i64(e))
	}
	return out
}

func oids(d types.Datum) []base.OID {
	a, ok := d.(*types.Array)
	if !ok {
		return nil
	}
	out := make([]base.OID, len(a.Elems))
	for i, e := range a.Elems {
		out[i] = base.OID(i64(e))
	}
	return out
}

func constraintRow(con *Constraint) []types.Datum {
	row := make([]types.Datum, len(pgConstraint.cols))
	row[conOID] = int64(con.OID)
	row[conName] = con.Name
	row[conNamespace] = int64(con.Namespace)
	row[conType] = string(con.Type)
	row[conDeferrable] = con.Deferrable
	row[conDeferred] = con.Deferred
	row[conValidated] = con.Validated
	row[conRelID] = int64(con.Rel)
	row[conTypID] = int64(0)
	row[conIndID] = int64(con.Index)
	row[conParentID] = int64(0)
	row[conFRelID] = int64(con.RefRel)
	row[conFUpdType], row[conFDelType], row[conFMatchType] = " ", " ", " "
	if con.Type == ConForeign {
		row[conFUpdType], row[conFDelType], row[conFMatchType] = string(con.OnUpdate), string(con.OnDelete), string(con.Match)
	}
	row[conIsLocal] = true
	row[conInhCount] = int64(0)
	row[conNoInherit] = con.NoInherit
	row[conKey] = int2Array(con.Keys)
	if con.Type == ConForeign {
		row[conFKey] = int2Array(con.RefKeys)
		row[conPFEqOp] = oidArray(con.EqOps)
		row[conPPEqOp] = oidArray(con.EqOps)
		row[conFFEqOp] = oidArray(con.EqOps)
	}
	if con.Type == ConCheck {
		row[conBin] = con.Check
	}
	return row
}

func constraintFromRow(row []types.Datum, tid base.ItemPointer) *Constraint {
	ch := func(d types.Datum) byte {
		if s := str(d); s != "" {
			return s[0]
		}
		return 0
	}
	return &Constraint{
		OID:        base.OID(i64(row[conOID])),
		Name:       str(row[conName]),
		Namespace:  base.OID(i64(row[conNamespace])),
		Type:       ch(row[conType]),
		Rel:        base.OID(i64(row[conRelID])),
		Keys:       int2s(row[conKey]),
		Check:      str(row[conBin]),
		Index:      base.OID(i64(row[conIndID])),
		RefRel:     base.OID(i64(row[conFRelID])),
		RefKeys:    int2s(row[conFKey]),
		OnUpdate:   ch(row[conFUpdType]),
		OnDelete:   ch(row[conFDelType]),
		Match:      ch(row[conFMatchType]),
		EqOps:      oids(row[conPFEqOp]),
		Deferrable: boolean(row[conDeferrable]),
		Deferred:   boolean(row[conDeferred]),
		Validated:  boolean(row[conValidated]),
		NoInherit:  boolean(row[conNoInherit]),
		tid:        tid,
	}
}

// addDependency inserts a pg_depend row (recordDependencyOn).
func (c *Catalog) addDependency(x *mvcc.Xact, classID, obj base.OID, objSub int32, refClassID, ref base.OID, refSub int32, typ byte) error {
	row := make([]types.Datum, len(pgDepend.cols))
	row[depClassID] = int64(classID)
	row[depObjID] = int64(obj)
	row[depObjSubID] = int64(objSub)
	row[depRefClassID] = int64(refClassID)
	row[depRefObjID] = int64(ref)
	row[depRefObjSubID] = int64(refSub)
	row[depType] = string(typ)
	return c.insert(x, &pgDepend, row)
}

// AddConstraint records a constraint in x: its pg_constraint row (with a
// new OID, stored in con.OID) and its pg_depend rows, as
// CreateConstraintEntry does: the constraint depends automatically on its
// table's key columns; a PRIMARY KEY/UNIQUE constraint's index depends
// internally on the constraint; a FOREIGN KEY depends normally on the
// referenced columns and unique index (so that dropping them needs
// CASCADE). The caller has created the index and checked the definition.
func (c *Catalog) AddConstraint(x *mvcc.Xact, con *Constraint) error {
	c.changes(x)
	c.touchClass(x, con.Rel, con.RefRel)
	con.OID = c.NewOID()
	if err := c.insert(x, &pgConstraint, constraintRow(con)); err != nil {
		return err
	}
	if len(con.Keys) == 0 {
		if err := c.addDependency(x, PgConstraintOID, con.OID, 0, PgClassOID, con.Rel, 0, DepAuto); err != nil {
			return err
		}
	}
	for _, k := range con.Keys {
		if err := c.addDependency(x, PgConstraintOID, con.OID, 0, PgClassOID, con.Rel, int32(k), DepAuto); err != nil {
			return err
		}
	}
	switch con.Type {
	case ConPrimary, ConUnique:
		if con.Index != 0 {
			return c.addDependency(x, PgClassOID, con.Index, 0, PgConstraintOID, con.OID, 0, DepInternal)
		}
	case ConForeign:
		for _, k := range con.RefKeys {
			if err := c.addDependency(x, PgConstraintOID, con.OID, 0, PgClassOID, con.RefRel, int32(k), DepNormal); err != nil {
				return err
			}
		}
		if con.Index != 0 {
			return c.addDependency(x, PgConstraintOID, con.OID, 0, PgClassOID, con.Index, 0, DepNormal)
		}
	}
	return nil
}

// Constraints returns the constraints of table rel visible to snap, in
// creation (OID) order: what INSERT/UPDATE must enforce on rel.
func (c *Catalog) Constraints(snap *mvcc.Snapshot, rel base.OID) ([]*Constraint, error) {
	return c.constraintsWhere(snap, func(row []types.Datum) bool { return base.OID(i64(row[conRelID])) == rel })
}

// ForeignKeysReferencing returns the FOREIGN KEY constraints (of any
// table) whose referenced table is rel: what DELETE/UPDATE on rel must
// check or act on.
func (c *Catalog) ForeignKeysReferencing(snap *mvcc.Snapshot, rel base.OID) ([]*Constraint, error) {
	return c.constraintsWhere(snap, func(row []types.Datum) bool {
		return str(row[conType]) == string(ConForeign) && base.OID(i64(row[conFRelID])) == rel
	})
}

// ConstraintByOID returns a constraint, or nil.
func (c *Catalog) ConstraintByOID(snap *mvcc.Snapshot, oid base.OID) (*Constraint, error) {
	cons, err := c.constraintsWhere(snap, func(row []types.Datum) bool { return base.OID(i64(row[conOID])) == oid })
	if err != nil || len(cons) == 0 {
		return nil, err
	}
	return cons[0], nil
}

// ConstraintOfIndex returns the PRIMARY KEY/UNIQUE constraint that owns
// index ix, or nil.
func (c *Catalog) ConstraintOfIndex(snap *mvcc.Snapshot, ix base.OID) (*Constraint, error) {
	cons, err := c.constraintsWhere(snap, func(row []types.Datum) bool {
		t := str(row[conType])
		return (t == string(ConPrimary) || t == string(ConUnique)) && base.OID(i64(row[conIndID])) == ix
	})
	if err != nil || len(cons) == 0 {
		return nil, err
	}
	return cons[0], nil
}

// ConstraintNameExists reports whether schema ns has a constraint named
// name (ConstraintNameIsUsed / ChooseConstraintName's check).
func (c *Catalog) ConstraintNameExists(snap *mvcc.Snapshot, ns base.OID, name string) (bool, error) {
	cons, err := c.constraintsWhere(snap, func(row []types.Datum) bool {
		return base.OID(i64(row[conNamespace])) == ns && str(row[conName]) == name
	})
	return len(cons) > 0, err
}

func (c *Catalog) constraintsWhere(snap *mvcc.Snapshot, match func(row []types.Datum) bool) ([]*Constraint, error) {
	var out []*Constraint
	err := c.scan(&pgConstraint, snap, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		if match(row) {
			out = append(out, constraintFromRow(row, tid))
		}
		return true, nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].OID < out[j].OID })
	return out, err
}

// DropConstraint removes a constraint's pg_constraint row and the
// pg_depend rows of and on it. The index of a PRIMARY KEY/UNIQUE
// constraint is the caller's to drop (it is a relation).
func (c *Catalog) DropConstraint(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, con *Constraint) error {
	c.changes(x)
	c.touchClass(x, con.Rel, con.RefRel)
	if err := c.delete(ctx, x, &pgConstraint, con.tid); err != nil {
		return err
	}
	_, err := c.deleteRows(ctx, x, snap, &pgDepend, func(row []types.Datum) bool {
		return base.OID(i64(row[depObjID])) == con.OID || base.OID(i64(row[depRefObjID])) == con.OID
	})
	return err
}

// RenameConstraint changes a constraint's name (the caller renames a
// PRIMARY KEY/UNIQUE constraint's index with it, as RenameConstraint).
func (c *Catalog) RenameConstraint(ctx context.Context, x *mvcc.Xact, con *Constraint, name string) error {
	c.changes(x)
	row := constraintRow(con)
	row[conName] = name
	return c.update(ctx, x, &pgConstraint, con.tid, row)
}

// SetConstraintCheck replaces a CHECK constraint's expression text (after
// a rename of a column or table it names).
func (c *Catalog) SetConstraintCheck(ctx context.Context, x *mvcc.Xact, con *Constraint, expr string) error {
	c.changes(x)
	row := constraintRow(con)
	row[conBin] = expr
	return c.update(ctx, x, &pgConstraint, con.tid, row)
}

// SetConstraintValidated marks a NOT VALID constraint validated
// (ALTER TABLE ... VALIDATE CONSTRAINT).
func (c *Catalog) SetConstraintValidated(ctx context.Context, x *mvcc.Xact, con *Constraint) error {
	c.changes(x)
	row := constraintRow(con)
	row[conValidated] = true
	return c.update(ctx, x, &pgConstraint, con.tid, row)
}

// dropConstraintsOf removes the constraints of relation rel (with their
// pg_depend rows) and its column defaults, when rel is dropped.
func (c *Catalog) dropConstraintsOf(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID) error {
	cons, err := c.Constraints(snap, rel)
	if err != nil {
		return err
	}
	for _, con := range cons {
		if err := c.DropConstraint(ctx, x, snap, con); err != nil {
			return err
		}
	}
	return c.deleteDefaults(ctx, x, snap, rel, 0)
}

var fkActionWords = map[byte]string{FKRestrict: "RESTRICT", FKCascade: "CASCADE", FKSetNull: "SET NULL", FKSetDefault: "SET DEFAULT"}

// ConstraintDef renders a constraint as pg_get_constraintdef does, e.g.
// "PRIMARY KEY (id)", "CHECK ((v > 0))", "FOREIGN KEY (pid) REFERENCES
// p(id) ON DELETE CASCADE". quote quotes an identifier (ast.QuoteIdent);
// refName names the referenced table as seen from the current
// search_path (qualified when it is not visible).
func (c *Catalog) ConstraintDef(snap *mvcc.Snapshot, con *Constraint, quote func(string) string, refName func(*Relation) string) (string, error) {
	rel, err := c.RelationByOID(snap, con.Rel)
	if err != nil {
		return "", err
	}
	if rel == nil {
		return "", pgerr.New(pgerr.InternalError, "cache lookup failed for relation %d", con.Rel)
	}
	var b strings.Builder
	switch con.Type {
	case ConCheck:
		b.WriteString("CHECK (" + con.Check + ")")
		if con.NoInherit {
			b.WriteString(" NO INHERIT")
		}
	case ConPrimary, ConUnique:
		if con.Type == ConPrimary {
			b.WriteString("PRIMARY KEY (")
		} else {
			b.WriteString("UNIQUE (")
		}
		b.WriteString(columnList(rel, con.Keys, quote) + ")")
	case ConForeign:
		ref, err := c.RelationByOID(snap, con.RefRel)
		if err != nil {
			return "", err
		}
		if ref == nil {
			return "", pgerr.New(pgerr.InternalError, "cache lookup failed for relation %d", con.RefRel)
		}
		b.WriteString("FOREIGN KEY (" + columnList(rel, con.Keys, quote) + ") REFERENCES " + refName(ref) +
			"(" + columnList(ref, con.RefKeys, quote) + ")")
		if con.Match == FKMatchFull {
			b.WriteString(" MATCH FULL")
		}
		if w, ok := fkActionWords[con.OnUpdate]; ok {
			b.WriteString(" ON UPDATE " + w)
		}
		if w, ok := fkActionWords[con.OnDelete]; ok {
			b.WriteString(" ON DELETE " + w)
		}
	}
	if con.Deferrable {
		b.WriteString(" DEFERRABLE")
		if con.Deferred {
			b.WriteString(" INITIALLY DEFERRED")
		}
	}
	if !con.Validated {
		b.WriteString(" NOT VALID")
	}
	return b.String(), nil
}

func columnList(rel *Relation, keys []int16, quote func(string) string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		if k >= 1 && int(k) <= len(rel.Attrs) {
			names[i] = quote(rel.Attrs[k-1].Name)
		}
	}
	return strings.Join(names, ", ")
}
