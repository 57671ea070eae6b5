package session

import (
	"context"
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/types"
)

// Table constraints: CHECK, PRIMARY KEY, UNIQUE and FOREIGN KEY of CREATE
// TABLE and ALTER TABLE ADD CONSTRAINT (PostgreSQL's
// transformIndexConstraints, AddRelationNewConstraints,
// ATAddForeignKeyConstraint). This records them in pg_constraint and
// checks the rows already in the table; enforcing them on later changes
// is the executor's (catalog.Constraints).

// nextCommand makes the current command's catalog changes visible to the
// next one (CommandCounterIncrement) and returns a snapshot that sees them.
func (s *Session) nextCommand() *mvcc.Snapshot {
	s.xact.CommandCounterIncrement()
	return s.snapshot()
}

// reloadRelation reads rel again under snap.
func (s *Session) reloadRelation(snap *mvcc.Snapshot, oid base.OID) (*catalog.Relation, error) {
	rel, err := s.inst.Catalog.RelationByOID(snap, oid)
	if err == nil && rel == nil {
		err = pgerr.New(pgerr.InternalError, "cache lookup failed for relation %d", oid)
	}
	return rel, err
}

// conAdder adds the constraints of one statement to a table.
type conAdder struct {
	s        *Session
	ctx      context.Context
	snap     *mvcc.Snapshot
	rel      *catalog.Relation
	existing bool            // ALTER TABLE: the table may have rows, which must satisfy the constraint
	create   bool            // CREATE TABLE (wording of duplicate-name errors)
	used     map[string]bool // names taken by this statement's constraints
}

func (s *Session) newConAdder(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, existing bool) *conAdder {
	return &conAdder{s: s, ctx: ctx, snap: snap, rel: rel, existing: existing, create: !existing, used: map[string]bool{}}
}

// step makes the last change visible and reloads the table.
func (b *conAdder) step() error {
	b.snap = b.s.nextCommand()
	rel, err := b.s.reloadRelation(b.snap, b.rel.OID)
	b.rel = rel
	return err
}

// addAll adds constraints in PostgreSQL's order: CHECK, then PRIMARY KEY,
// then UNIQUE, then FOREIGN KEY.
func (b *conAdder) addAll(cons []*ast.Constraint) error {
	var checks, pkeys, uniques, fkeys []*ast.Constraint
	for _, c := range cons {
		switch c.Kind {
		case ast.ConstrCheck:
			checks = append(checks, c)
		case ast.ConstrPrimary:
			pkeys = append(pkeys, c)
		case ast.ConstrUnique:
			uniques = append(uniques, c)
		case ast.ConstrForeign:
			fkeys = append(fkeys, c)
		case ast.ConstrExclusion:
			return pgerr.New(pgerr.FeatureNotSupported, "exclusion constraints are not supported yet").WithPosition(c.Pos + 1)
		default:
			return pgerr.New(pgerr.FeatureNotSupported, "constraint %s is not supported here", c.Kind).WithPosition(c.Pos + 1)
		}
	}
	if len(pkeys) > 1 {
		return b.pos(pgerr.New(pgerr.InvalidTableDefinition, "multiple primary keys for table %q are not allowed", b.rel.Name).WithPosition(pkeys[1].Pos + 1))
	}
	for _, c := range checks {
		if err := b.addCheck(c); err != nil {
			return err
		}
	}
	var made [][]string
	for _, c := range append(pkeys, uniques...) {
		if b.create && c.Name == "" && c.Kind == ast.ConstrUnique && containsKeys(made, c.Keys) {
			continue // a repeated index specification (transformIndexConstraints drops it)
		}
		if err := b.addIndexConstraint(c); err != nil {
			return err
		}
		made = append(made, c.Keys)
	}
	for _, c := range fkeys {
		if err := b.addForeignKey(c); err != nil {
			return err
		}
	}
	return nil
}

// pos drops the position of errors PostgreSQL reports without one in
// ALTER TABLE (see noPosition).
func (b *conAdder) pos(err error) error {
	if b.existing {
		return noPosition(err)
	}
	return err
}

func containsKeys(list [][]string, keys []string) bool {
	for _, k := range list {
		if strings.Join(k, "\x00") == strings.Join(keys, "\x00") {
			return true
		}
	}
	return false
}

// name returns the constraint's explicit name after checking it is free
// on the table, or chooses one (ChooseConstraintName).
func (b *conAdder) name(c *ast.Constraint, name2, label string) (string, error) {
	if c.Name == "" {
		n, err := b.s.chooseConstraintName(b.snap, b.rel.Namespace, b.rel.Name, name2, label, b.used)
		b.used[n] = true
		return n, err
	}
	if err := b.checkNameFree(c.Name, c.Kind == ast.ConstrCheck); err != nil {
		return "", err
	}
	b.used[c.Name] = true
	return c.Name, nil
}

func (b *conAdder) checkNameFree(name string, check bool) error {
	cons, err := b.s.inst.Catalog.Constraints(b.snap, b.rel.OID)
	if err != nil {
		return err
	}
	taken := b.used[name]
	for _, c := range cons {
		taken = taken || c.Name == name
	}
	if !taken {
		return nil
	}
	if b.create && check {
		return pgerr.New(pgerr.DuplicateObject, "check constraint %q already exists", name)
	}
	return pgerr.New(pgerr.DuplicateObject, "constraint %q for relation %q already exists", name, b.rel.Name)
}

// addCheck adds a CHECK constraint (AddRelationNewConstraints): its
// expression must be boolean over the table's columns; the name uses
// the column when it reads exactly one.
func (b *conAdder) addCheck(c *ast.Constraint) error {
	expr, err := analyze.CheckExpr(b.s.env(b.snap), b.rel, c.Expr)
	if err != nil {
		return b.pos(err)
	}
	cols := analyze.VarColumns(expr)
	name2 := ""
	if len(cols) == 1 {
		name2 = b.rel.Attrs[cols[0]].Name
	}
	name, err := b.name(c, name2, "check")
	if err != nil {
		return err
	}
	validated := !(b.existing && c.NotValid)
	if b.existing && validated {
		if err := b.s.validateCheck(b.ctx, b.snap, b.rel, name, expr); err != nil {
			return err
		}
	}
	con := &catalog.Constraint{Name: name, Namespace: b.rel.Namespace, Type: catalog.ConCheck, Rel: b.rel.OID,
		Check: ast.String(c.Expr), Validated: validated, NoInherit: c.NoInherit}
	for _, ci := range cols {
		con.Keys = append(con.Keys, int16(ci+1))
	}
	if err := b.s.inst.Catalog.AddConstraint(b.s.xact, con); err != nil {
		return err
	}
	return b.step()
}

// validateCheck reports 23514 when a row of rel makes expr false
// (validateCheckConstraint).
func (s *Session) validateCheck(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, name string, expr analyze.Expr) error {
	ec := s.evalContext(ctx, snap)
	defer ec.Close()
	return s.scanRows(ctx, snap, rel, relColumns(rel), func(_ base.ItemPointer, vals []types.Datum) error {
		v, err := ec.Eval(expr, vals)
		if err != nil {
			return err
		}
		if v == false {
			return pgerr.New(pgerr.CheckViolation, "check constraint %q of relation %q is violated by some row", name, rel.Name)
		}
		return nil
	})
}

// keyAttnums resolves the column names of a key (42703, 42701).
func keyAttnums(rel *catalog.Relation, names []string, c *ast.Constraint, what string, alter bool) ([]int16, error) {
	var out []int16
	seen := map[int16]bool{}
	for _, name := range names {
		k := attnumOf(rel, name)
		if k == 0 {
			err := pgerr.New(pgerr.UndefinedColumn, "column %q named in key does not exist", name)
			if !alter {
				err = err.WithPosition(c.Pos + 1)
			}
			return nil, err
		}
		if seen[k] {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q appears twice in %s constraint", name, what).WithPosition(c.Pos + 1)
		}
		seen[k] = true
		out = append(out, k)
	}
	return out, nil
}

// attnumOf returns the number of rel's live column name, 0 if none.
func attnumOf(rel *catalog.Relation, name string) int16 {
	for _, a := range rel.Attrs {
		if !a.Dropped && a.Name == name {
			return a.Num
		}
	}
	return 0
}

// addIndexConstraint adds a PRIMARY KEY or UNIQUE constraint with its
// unique index (index_create + index_constraint_create); a primary key
// makes its columns NOT NULL.
func (b *conAdder) addIndexConstraint(c *ast.Constraint) error {
	cat := b.s.inst.Catalog
	primary := c.Kind == ast.ConstrPrimary
	what, label, typ := "unique", "key", catalog.ConUnique
	if primary {
		what, label, typ = "primary key", "pkey", catalog.ConPrimary
	}
	if c.IndexName != "" {
		return pgerr.New(pgerr.FeatureNotSupported, "%s ... USING INDEX is not supported yet", c.Kind).WithPosition(c.Pos + 1)
	}
	if c.NullsNotDistinct {
		return pgerr.New(pgerr.FeatureNotSupported, "UNIQUE NULLS NOT DISTINCT is not supported yet").WithPosition(c.Pos + 1)
	}
	keys, err := keyAttnums(b.rel, c.Keys, c, what, b.existing)
	if err != nil {
		return err
	}
	include, err := keyAttnums(b.rel, c.Including, c, what, b.existing)
	if err != nil {
		return err
	}
	cons, err := cat.Constraints(b.snap, b.rel.OID)
	if err != nil {
		return err
	}
	if primary {
		for _, o := range cons {
			if o.Type == catalog.ConPrimary {
				return b.pos(pgerr.New(pgerr.InvalidTableDefinition, "multiple primary keys for table %q are not allowed", b.rel.Name).WithPosition(c.Pos + 1))
			}
		}
	}
	name := c.Name
	if name == "" {
		name2 := ""
		if !primary {
			name2 = nameAddition(c.Keys)
		}
		if name, err = b.s.chooseRelationName(b.snap, b.rel.Namespace, b.rel.Name, name2, label, b.used); err != nil {
			return err
		}
	} else if err := b.checkNameFree(name, false); err != nil {
		return err
	}
	b.used[name] = true
	if primary {
		for _, k := range keys {
			if b.rel.Attrs[k-1].NotNull {
				continue
			}
			if b.existing {
				if err := b.s.checkNoNulls(b.ctx, b.snap, b.rel, k); err != nil {
					return err
				}
			}
			if err := cat.SetNotNull(b.ctx, b.s.xact, b.snap, b.rel, k, true); err != nil {
				return err
			}
		}
	}
	ix := &catalog.Index{Table: b.rel.OID, Keys: append(append([]int16(nil), keys...), include...), NKeys: len(keys),
		Unique: true, Primary: primary}
	ixRel, err := cat.CreateIndex(b.s.xact, b.snap, name, b.rel, ix)
	if err != nil {
		return err
	}
	if err := b.s.buildIndex(b.ctx, b.rel, ixRel, ix); err != nil { // checks existing rows are unique
		return err
	}
	con := &catalog.Constraint{Name: name, Namespace: b.rel.Namespace, Type: typ, Rel: b.rel.OID, Keys: keys,
		Index: ixRel.OID, Deferrable: c.Deferrable, Deferred: c.InitiallyDeferred, Validated: true, NoInherit: true}
	if err := cat.AddConstraint(b.s.xact, con); err != nil {
		return err
	}
	return b.step()
}

func keyNames(rel *catalog.Relation, keys []int16) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = rel.Attrs[k-1].Name
	}
	return strings.Join(names, ", ")
}

func keyValues(cols []analyze.Column, keys []int16, vals []types.Datum) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		if vals[i] == nil {
			out[i] = "null"
		} else {
			out[i] = types.Format(cols[k-1].T, vals[i])
		}
	}
	return strings.Join(out, ", ")
}

var fkActions = map[ast.FKAction]byte{ast.FKNoAction: catalog.FKNoAction, ast.FKRestrict: catalog.FKRestrict,
	ast.FKCascade: catalog.FKCascade, ast.FKSetNull: catalog.FKSetNull, ast.FKSetDefault: catalog.FKSetDefault}

// addForeignKey adds a FOREIGN KEY constraint (ATAddForeignKeyConstraint):
// the referenced columns must be those of a primary key or unique
// constraint of the referenced table, and of comparable types.
func (b *conAdder) addForeignKey(c *ast.Constraint) error {
	cat := b.s.inst.Catalog
	if c.Match == ast.MatchPartial {
		return pgerr.New(pgerr.FeatureNotSupported, "MATCH PARTIAL not yet implemented").WithPosition(c.Pos + 1)
	}
	ref, err := b.s.lookupRelation(b.snap, c.RefTable.Schema, c.RefTable.Name)
	if err != nil {
		return err
	}
	if ref == nil {
		return pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", c.RefTable.Name)
	}
	if ref.Kind != catalog.KindTable {
		return pgerr.New(pgerr.WrongObjectType, "referenced relation %q is not a table", ref.Name)
	}
	fkKeys, err := fkColumns(b.rel, c.Keys)
	if err != nil {
		return err
	}
	refCons, err := cat.Constraints(b.snap, ref.OID)
	if err != nil {
		return err
	}
	var pkKeys []int16
	var index base.OID
	if len(c.RefColumns) == 0 { // transformFkeyGetPrimaryKey
		for _, rc := range refCons {
			if rc.Type == catalog.ConPrimary {
				pkKeys, index = rc.Keys, rc.Index
			}
		}
		if pkKeys == nil {
			return pgerr.New(pgerr.UndefinedObject, "there is no primary key for referenced table %q", ref.Name)
		}
	} else { // transformFkeyCheckAttrs
		if pkKeys, err = fkColumns(ref, c.RefColumns); err != nil {
			return err
		}
		for _, rc := range refCons {
			if (rc.Type == catalog.ConPrimary || rc.Type == catalog.ConUnique) && !rc.Deferrable && sameKeySet(rc.Keys, pkKeys) {
				index = rc.Index
				break
			}
		}
		if index == 0 {
			return pgerr.New(pgerr.InvalidForeignKey, "there is no unique constraint matching given keys for referenced table %q", ref.Name)
		}
	}
	if len(fkKeys) != len(pkKeys) {
		return pgerr.New(pgerr.InvalidForeignKey, "number of referencing and referenced columns for foreign key disagree")
	}
	fkNames := make([]string, len(fkKeys))
	for i, k := range fkKeys {
		fkNames[i] = b.rel.Attrs[k-1].Name
	}
	name, err := b.name(c, nameAddition(fkNames), "fkey")
	if err != nil {
		return err
	}
	con := &catalog.Constraint{Name: name, Namespace: b.rel.Namespace, Type: catalog.ConForeign, Rel: b.rel.OID,
		Keys: fkKeys, Index: index, RefRel: ref.OID, RefKeys: pkKeys, OnUpdate: fkActions[c.OnUpdate],
		OnDelete: fkActions[c.OnDelete], Match: catalog.FKMatchSimple, Deferrable: c.Deferrable,
		Deferred: c.InitiallyDeferred, Validated: !(b.existing && c.NotValid), NoInherit: true}
	if c.Match == ast.MatchFull {
		con.Match = catalog.FKMatchFull
	}
	if con.EqOps, err = fkEqOps(con, b.rel, ref); err != nil {
		return err
	}
	if b.existing && con.Validated {
		if err := b.s.validateForeignKey(b.ctx, b.snap, con, b.rel, ref); err != nil {
			return err
		}
	}
	if err := cat.AddConstraint(b.s.xact, con); err != nil {
		return err
	}
	return b.step()
}

// fkColumns resolves the columns of a foreign key (transformColumnNameList).
func fkColumns(rel *catalog.Relation, names []string) ([]int16, error) {
	var out []int16
	for _, n := range names {
		k := attnumOf(rel, n)
		if k == 0 {
			return nil, pgerr.New(pgerr.UndefinedColumn, "column %q referenced in foreign key constraint does not exist", n)
		}
		out = append(out, k)
	}
	return out, nil
}

func sameKeySet(a, b []int16) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[int16]int{}
	for _, k := range a {
		in[k]++
	}
	for _, k := range b {
		if in[k] == 0 {
			return false
		}
		in[k]--
	}
	return true
}

func attrType(a catalog.Attribute) *types.T {
	t, ok := types.ByOID(a.Type)
	if !ok {
		return types.Text
	}
	return t
}

// fkEqOps finds, for each key pair, the equality operator that compares
// a referenced value with a referencing one (conpfeqop): 42804 when the
// types cannot be compared.
func fkEqOps(con *catalog.Constraint, rel, ref *catalog.Relation) ([]base.OID, error) {
	var ops []base.OID
	for i := range con.Keys {
		fa, pa := rel.Attrs[con.Keys[i]-1], ref.Attrs[con.RefKeys[i]-1]
		op := eqOperator(attrType(pa), attrType(fa))
		if op == nil {
			return nil, pgerr.New(pgerr.DatatypeMismatch, "foreign key constraint %q cannot be implemented", con.Name).
				WithDetail("Key columns %q and %q are of incompatible types: %s and %s.", fa.Name, pa.Name,
					types.FormatType(attrType(fa), -1), types.FormatType(attrType(pa), -1))
		}
		ops = append(ops, op.OID)
	}
	return ops, nil
}

// eqOperator finds an "=" operator for pk = fk: one taking exactly these
// types, or, when fk casts implicitly to pk, one of pk's (possibly
// through a type pk casts to implicitly, as varchar uses text's).
func eqOperator(pk, fk *types.T) *types.Operator {
	if op, ok := types.LookupOperator("=", pk, fk); ok {
		return op
	}
	if fk.OID != pk.OID && types.CastContext(fk, pk) != types.CastImplicit {
		return nil
	}
	if op, ok := types.LookupOperator("=", pk, pk); ok {
		return op
	}
	for _, op := range types.OperatorsNamed("=") {
		if op.Left != op.Right {
			continue
		}
		if t, ok := types.ByOID(op.Left); ok && types.CastContext(pk, t) == types.CastImplicit && t.Category == pk.Category {
			return op
		}
	}
	return nil
}

// validateForeignKey reports 23503 when a row of rel references no row of
// ref (RI_Initial_Check).
func (s *Session) validateForeignKey(ctx context.Context, snap *mvcc.Snapshot, con *catalog.Constraint, rel, ref *catalog.Relation) error {
	refCols := relColumns(ref)
	pkTypes := make([]*types.T, len(con.RefKeys))
	for i, k := range con.RefKeys {
		pkTypes[i] = refCols[k-1].T
	}
	hashKey := func(key []types.Datum) uint64 {
		var h uint64 = 1469598103934665603
		for i, v := range key {
			h = h*1099511628211 ^ types.Hash(pkTypes[i], v)
		}
		return h
	}
	present := map[uint64][][]types.Datum{}
	err := s.scanRows(ctx, snap, ref, refCols, func(_ base.ItemPointer, vals []types.Datum) error {
		key := make([]types.Datum, len(con.RefKeys))
		for i, k := range con.RefKeys {
			if key[i] = vals[k-1]; key[i] == nil {
				return nil
			}
		}
		h := hashKey(key)
		present[h] = append(present[h], key)
		return nil
	})
	if err != nil {
		return err
	}
	cols := relColumns(rel)
	violation := func() *pgerr.Error {
		return pgerr.New(pgerr.ForeignKeyViolation, "insert or update on table %q violates foreign key constraint %q", rel.Name, con.Name)
	}
	return s.scanRows(ctx, snap, rel, cols, func(_ base.ItemPointer, vals []types.Datum) error {
		key := make([]types.Datum, len(con.Keys))
		nulls := 0
		for i, k := range con.Keys {
			if vals[k-1] == nil {
				nulls++
				continue
			}
			v, err := types.Cast(vals[k-1], cols[k-1].T, cols[k-1].Mod, pkTypes[i], -1, false)
			if err != nil {
				return err
			}
			key[i] = v
		}
		switch {
		case nulls == len(key):
			return nil
		case nulls > 0 && con.Match == catalog.FKMatchFull:
			return violation().WithDetail("MATCH FULL does not allow mixing of null and nonnull key values.")
		case nulls > 0:
			return nil
		}
		for _, cand := range present[hashKey(key)] {
			eq := true
			for i := range key {
				eq = eq && types.Equal(pkTypes[i], key[i], cand[i])
			}
			if eq {
				return nil
			}
		}
		orig := make([]types.Datum, len(con.Keys))
		for i, k := range con.Keys {
			orig[i] = vals[k-1]
		}
		return violation().WithDetail("Key (%s)=(%s) is not present in table %q.", keyNames(rel, con.Keys), keyValues(cols, con.Keys, orig), ref.Name)
	})
}

// constraintByName finds a constraint of rel by name, or nil.
func (s *Session) constraintByName(snap *mvcc.Snapshot, rel *catalog.Relation, name string) (*catalog.Constraint, error) {
	cons, err := s.inst.Catalog.Constraints(snap, rel.OID)
	if err != nil {
		return nil, err
	}
	for _, c := range cons {
		if c.Name == name {
			return c, nil
		}
	}
	return nil, nil
}

// dropConstraint drops a constraint (ATExecDropConstraint): a PRIMARY
// KEY/UNIQUE constraint takes its index along, and with it the foreign
// keys that reference that index (2BP01 unless cascade).
func (s *Session) dropConstraint(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, con *catalog.Constraint, cascade bool, done map[base.OID]bool) error {
	if done[con.OID] {
		return nil
	}
	done[con.OID] = true
	cat := s.inst.Catalog
	var index *catalog.Relation
	if con.Type == catalog.ConPrimary || con.Type == catalog.ConUnique {
		var err error
		if index, err = cat.RelationByOID(snap, con.Index); err != nil {
			return err
		}
		fks, err := cat.ForeignKeysReferencing(snap, rel.OID)
		if err != nil {
			return err
		}
		var blocking []*catalog.Constraint
		for _, fk := range fks {
			if fk.Index == con.Index && !done[fk.OID] && fk.OID != con.OID {
				blocking = append(blocking, fk)
			}
		}
		if len(blocking) > 0 && !cascade {
			lines, err := s.fkLines(snap, blocking, "index "+con.Name)
			if err != nil {
				return err
			}
			return pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop constraint %s on table %s because other objects depend on it", con.Name, rel.Name).
				WithDetail("%s", lines).WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
		}
		for _, fk := range blocking { // NOTICE: drop cascades to constraint ... on table ...
			done[fk.OID] = true
			if err := cat.DropConstraint(ctx, s.xact, snap, fk); err != nil {
				return err
			}
		}
	}
	if err := cat.DropConstraint(ctx, s.xact, snap, con); err != nil {
		return err
	}
	if index != nil && !done[index.OID] {
		done[index.OID] = true
		return cat.DropRelation(ctx, s.xact, snap, index)
	}
	return nil
}

// dropReferencingConstraints is the foreign-key part of DROP TABLE: the
// foreign keys of other tables that reference rel block the drop (2BP01)
// unless cascade, which drops them (and only them, not their tables).
func (s *Session) dropReferencingConstraints(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, cascade bool, done map[base.OID]bool) error {
	if rel.Kind != catalog.KindTable {
		return nil
	}
	fks, err := s.inst.Catalog.ForeignKeysReferencing(snap, rel.OID)
	if err != nil {
		return err
	}
	var blocking []*catalog.Constraint
	for _, fk := range fks {
		if fk.Rel != rel.OID && !done[fk.OID] && !done[fk.Rel] && !s.dropping[fk.Rel] { // else it goes with its own table
			blocking = append(blocking, fk)
		}
	}
	if len(blocking) > 0 && !cascade {
		lines, err := s.fkLines(snap, blocking, "table "+rel.Name)
		if err != nil {
			return err
		}
		return pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop table %s because other objects depend on it", rel.Name).
			WithDetail("%s", lines).WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
	}
	for _, fk := range blocking {
		done[fk.OID] = true
		if err := s.inst.Catalog.DropConstraint(ctx, s.xact, snap, fk); err != nil {
			return err
		}
	}
	return nil
}

// fkLines lists foreign keys that depend on an object, one
// "constraint c on table t depends on <what>" line each, as
// reportDependentObjects does.
func (s *Session) fkLines(snap *mvcc.Snapshot, fks []*catalog.Constraint, what string) (string, error) {
	var lines []string
	for _, fk := range fks {
		other, err := s.reloadRelation(snap, fk.Rel)
		if err != nil {
			return "", err
		}
		lines = append(lines, "constraint "+fk.Name+" on table "+other.Name+" depends on "+what)
	}
	return strings.Join(lines, "\n"), nil
}

// checkDropIndex refuses DROP INDEX of a constraint's index (2BP01).
func (s *Session) checkDropIndex(snap *mvcc.Snapshot, rel *catalog.Relation) error {
	if rel.Kind != catalog.KindIndex {
		return nil
	}
	con, err := s.inst.Catalog.ConstraintOfIndex(snap, rel.OID)
	if err != nil || con == nil {
		return err
	}
	table, err := s.reloadRelation(snap, con.Rel)
	if err != nil {
		return err
	}
	return pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop index %s because constraint %s on table %s requires it", rel.Name, con.Name, table.Name).
		WithHint("You can drop constraint %s on table %s instead.", con.Name, table.Name)
}

// constraintDef renders a constraint as pg_get_constraintdef.
func (s *Session) constraintDef(snap *mvcc.Snapshot, con *catalog.Constraint) (string, error) {
	return s.inst.Catalog.ConstraintDef(snap, con, ast.QuoteIdent, func(r *catalog.Relation) string {
		return s.relationDisplayName(snap, r)
	})
}
