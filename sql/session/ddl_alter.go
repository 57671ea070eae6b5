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
	"github.com/tuskdb/tusk/sql/parser"
	"github.com/tuskdb/tusk/sql/types"
)

// ALTER TABLE (AlterTable / ATController): the subcommands run one after
// another, each a separate command of the transaction, so each sees the
// catalog the previous one left (C6). Rewrites happen per subcommand (S6).

// alterTagFor is the command tag of ALTER TABLE|VIEW|INDEX.
func alterTagFor(k ast.ObjectType) string {
	switch k {
	case ast.ObjectView:
		return "ALTER VIEW"
	case ast.ObjectIndex:
		return "ALTER INDEX"
	case ast.ObjectSequence:
		return "ALTER SEQUENCE"
	}
	return "ALTER TABLE"
}

// alterTarget resolves the relation of ALTER ... name; nil when it does
// not exist and IF EXISTS was written.
func (s *Session) alterTarget(snap *mvcc.Snapshot, rv *ast.RangeVar, ifExists bool) (*catalog.Relation, error) {
	rel, err := s.lookupRelation(snap, rv.Schema, rv.Name)
	if err != nil {
		return nil, err
	}
	if rel == nil {
		if ifExists {
			s.notice(pgerr.SuccessfulCompletion, "relation %q does not exist, skipping", rv.Name)
			return nil, nil
		}
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", rv.Name)
	}
	if rel.Namespace == catalog.PgCatalogNamespace {
		return nil, pgerr.New(pgerr.InsufficientPrivilege, "permission denied: %q is a system catalog", rel.Name)
	}
	return rel, nil
}

var atActionNames = map[ast.AlterTableKind]string{
	ast.ATAddColumn: "ADD COLUMN", ast.ATDropColumn: "DROP COLUMN", ast.ATAlterColumnType: "ALTER COLUMN ... SET DATA TYPE",
	ast.ATSetNotNull: "ALTER COLUMN ... SET NOT NULL", ast.ATDropNotNull: "ALTER COLUMN ... DROP NOT NULL",
	ast.ATAddConstraint: "ADD CONSTRAINT", ast.ATDropConstraint: "DROP CONSTRAINT", ast.ATValidateConstraint: "VALIDATE CONSTRAINT",
}

// alterTable executes ALTER TABLE name subcommands.
func (s *Session) alterTable(ctx context.Context, n *ast.AlterTableStmt) (*Cursor, error) {
	tag := alterTagFor(n.Kind)
	s.takeDDL()
	snap := s.snapshot()
	rel, err := s.alterTarget(snap, n.Table, n.IfExists)
	if err != nil || rel == nil {
		if err != nil {
			return nil, err
		}
		return s.utilityDone(tag)
	}
	oid := rel.OID
	for _, cmd := range n.Cmds {
		if rel, err = s.reloadRelation(snap, oid); err != nil {
			return nil, err
		}
		if rel.Kind != catalog.KindTable && !(rel.Kind == catalog.KindView && (cmd.Kind == ast.ATSetDefault || cmd.Kind == ast.ATDropDefault)) {
			action := atActionNames[cmd.Kind]
			if action == "" {
				action = cmd.Kind.String()
			}
			return nil, pgerr.New(pgerr.WrongObjectType, "ALTER action %s cannot be performed on relation %q", action, rel.Name).
				WithDetail("This operation is not supported for %s.", kindName(rel.Kind))
		}
		if err := s.alterCmd(ctx, snap, rel, cmd); err != nil {
			return nil, err
		}
		snap = s.nextCommand()
	}
	return s.utilityDone(tag)
}

func (s *Session) alterCmd(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, cmd *ast.AlterTableCmd) error {
	switch cmd.Kind {
	case ast.ATAddColumn:
		return s.addColumn(ctx, snap, rel, cmd)
	case ast.ATDropColumn:
		return s.dropColumn(ctx, snap, rel, cmd)
	case ast.ATAlterColumnType:
		return s.alterColumnType(ctx, snap, rel, cmd)
	case ast.ATSetNotNull, ast.ATDropNotNull:
		return s.setNotNull(ctx, snap, rel, cmd)
	case ast.ATSetDefault, ast.ATDropDefault:
		return s.setDefault(ctx, snap, rel, cmd)
	case ast.ATAddConstraint:
		con, ok := cmd.Def.(*ast.Constraint)
		if !ok {
			return pgerr.New(pgerr.InternalError, "ADD CONSTRAINT without a constraint")
		}
		return s.newConAdder(ctx, snap, rel, true).addAll([]*ast.Constraint{con})
	case ast.ATDropConstraint:
		con, err := s.constraintByName(snap, rel, cmd.Name)
		if err != nil {
			return err
		}
		if con == nil {
			if cmd.IfExists {
				s.notice(pgerr.SuccessfulCompletion, "constraint %q of relation %q does not exist, skipping", cmd.Name, rel.Name)
				return nil
			}
			return pgerr.New(pgerr.UndefinedObject, "constraint %q of relation %q does not exist", cmd.Name, rel.Name)
		}
		return s.dropConstraint(ctx, snap, rel, con, cmd.Behavior == ast.DropCascade, map[base.OID]bool{})
	case ast.ATValidateConstraint:
		return s.validateConstraint(ctx, snap, rel, cmd.Name)
	case ast.ATSetStatistics:
		return s.setStatistics(ctx, snap, rel, cmd)
	}
	return pgerr.New(pgerr.FeatureNotSupported, "ALTER TABLE ... %s is not supported yet", cmd.Kind)
}

// liveColumn finds a column to alter: 42703 when there is none.
func liveColumn(rel *catalog.Relation, name string) (*catalog.Attribute, error) {
	if k := attnumOf(rel, name); k != 0 {
		return &rel.Attrs[k-1], nil
	}
	return nil, pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", name, rel.Name)
}

// addColumn executes ADD COLUMN (ATExecAddColumn): the new column, then a
// rewrite that gives the existing rows its default (PostgreSQL stores a
// constant default as attmissingval instead; the rows read the same),
// then its constraints, checked against the rows.
func (s *Session) addColumn(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, cmd *ast.AlterTableCmd) error {
	cd, ok := cmd.Def.(*ast.ColumnDef)
	if !ok {
		return pgerr.New(pgerr.InternalError, "ADD COLUMN without a column definition")
	}
	if attnumOf(rel, cd.Name) != 0 {
		if cmd.IfNotExists {
			s.notice(pgerr.DuplicateColumn, "column %q of relation %q already exists, skipping", cd.Name, rel.Name)
			return nil
		}
		return pgerr.New(pgerr.DuplicateColumn, "column %q of relation %q already exists", cd.Name, rel.Name)
	}
	// SERIAL and identity: the sequence first, owned by the column once
	// it exists (seq_columns.go).
	cd, own, err := s.prepareSeqColumn(snap, rel, cd)
	if err != nil {
		return err
	}
	if own != nil {
		snap = s.nextCommand()
	}
	col, cons, err := s.columnDef(snap, rel.Name, cd, true)
	if err != nil {
		return err
	}
	for _, c := range cons {
		if c.Kind == ast.ConstrPrimary {
			col.NotNull = true
		}
	}
	a, err := s.inst.Catalog.AddColumn(ctx, s.xact, snap, rel, col)
	if err != nil {
		return err
	}
	snap = s.nextCommand()
	if rel, err = s.reloadRelation(snap, rel.OID); err != nil {
		return err
	}
	if own != nil {
		if err := own(ctx, snap, rel); err != nil {
			return err
		}
		snap = s.nextCommand()
		if rel, err = s.reloadRelation(snap, rel.OID); err != nil {
			return err
		}
	}
	if col.Default != "" || own != nil {
		var def analyze.Expr
		if col.Default != "" {
			def, err = s.defaultExpr(snap, rel, a.Num)
		} else {
			def, err = s.identityDefaultExpr(snap, rel, a.Num)
		}
		if err != nil {
			return err
		}
		if def == nil {
			return pgerr.New(pgerr.InternalError, "identity column %q has no sequence", a.Name)
		}
		// DROP SEQUENCE of a sequence the default uses needs CASCADE.
		if col.Default != "" {
			if err := s.recordDefaultSequences(snap, rel.OID, a.Num, def); err != nil {
				return err
			}
		}
		cols := relColumns(rel)
		ec := s.evalContext(ctx, snap)
		defer ec.Close()
		err = s.rewriteRows(ctx, snap, rel, cols, cols, func(vals []types.Datum) ([]types.Datum, error) {
			v, err := ec.Eval(def, nil)
			if err != nil {
				return nil, err
			}
			if v == nil && a.NotNull {
				return nil, notNullsErr(rel, a.Name)
			}
			vals[a.Num-1] = v
			return vals, nil
		})
		if err != nil {
			return err
		}
		if err := s.reindexTable(ctx, snap, rel); err != nil {
			return err
		}
		snap = s.nextCommand()
	} else if a.NotNull {
		if err := s.checkNoNulls(ctx, snap, rel, a.Num); err != nil {
			return err
		}
	}
	if len(cons) == 0 {
		return nil
	}
	return s.newConAdder(ctx, snap, rel, true).addAll(cons)
}

// identityDefaultExpr analyzes the default of identity column attnum of
// rel: nextval of its sequence (Env.ColumnDefault of sequenceEnv).
func (s *Session) identityDefaultExpr(snap *mvcc.Snapshot, rel *catalog.Relation, attnum int16) (analyze.Expr, error) {
	a := rel.Attrs[attnum-1]
	env := s.env(snap)
	text, err := env.ColumnDefault(rel, int(attnum-1))
	if err != nil || text == "" {
		return nil, err
	}
	e, err := parser.ParseExpr(text)
	if err != nil {
		return nil, err
	}
	return analyze.DefaultExpr(env, e, a.Name, attrType(a), a.Typmod)
}

// defaultExpr analyzes the stored DEFAULT of a column of rel.
func (s *Session) defaultExpr(snap *mvcc.Snapshot, rel *catalog.Relation, attnum int16) (analyze.Expr, error) {
	a := rel.Attrs[attnum-1]
	text, err := s.columnDefault(snap, rel, int(attnum-1))
	if err != nil || text == "" {
		return nil, err
	}
	e, err := parser.ParseExpr(text)
	if err != nil {
		return nil, err
	}
	return analyze.DefaultExpr(s.env(snap), e, a.Name, attrType(a), a.Typmod)
}

// columnDefault implements analyze.Env.ColumnDefault: the DEFAULT of
// column col (0-based) of rel as SQL text, "" for none. The relation was
// read under the statement's snapshot with its pg_attrdef rows.
func (s *Session) columnDefault(snap *mvcc.Snapshot, rel *catalog.Relation, col int) (string, error) {
	if col < 0 || col >= len(rel.Attrs) || !rel.Attrs[col].HasDefault || rel.Attrs[col].Dropped {
		return "", nil
	}
	if d := rel.Attrs[col].Default; d != "" {
		return d, nil
	}
	return s.inst.Catalog.ColumnDefault(snap, rel.OID, rel.Attrs[col].Num)
}

// dropColumn executes DROP COLUMN (ATExecDropColumn + the dependency
// walk): indexes and constraints on the column go with it; views reading
// it and foreign keys referencing it need CASCADE (2BP01).
func (s *Session) dropColumn(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, cmd *ast.AlterTableCmd) error {
	cat := s.inst.Catalog
	k := attnumOf(rel, cmd.Name)
	if k == 0 {
		if cmd.IfExists {
			s.notice(pgerr.SuccessfulCompletion, "column %q of relation %q does not exist, skipping", cmd.Name, rel.Name)
			return nil
		}
		return pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", cmd.Name, rel.Name)
	}
	cascade := cmd.Behavior == ast.DropCascade
	done := map[base.OID]bool{rel.OID: true}
	views, err := s.viewsUsingColumn(snap, rel, k)
	if err != nil {
		return err
	}
	refs, err := cat.ForeignKeysReferencing(snap, rel.OID)
	if err != nil {
		return err
	}
	var fks []*catalog.Constraint
	for _, fk := range refs {
		// A self-reference through this column goes with it below.
		if hasKey(fk.RefKeys, k) && !(fk.Rel == rel.OID && hasKey(fk.Keys, k)) {
			fks = append(fks, fk)
		}
	}
	if !cascade && len(views)+len(fks) > 0 {
		var lines []string
		what := "column " + cmd.Name + " of table " + rel.Name
		for _, v := range views {
			lines = append(lines, "view "+v.Name+" depends on "+what)
		}
		if len(fks) > 0 {
			fkl, err := s.fkLines(snap, fks, what)
			if err != nil {
				return err
			}
			lines = append(lines, fkl)
		}
		return pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop column %s of table %s because other objects depend on it", cmd.Name, rel.Name).
			WithDetail("%s", strings.Join(lines, "\n")).WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
	}
	for _, v := range views {
		if err := s.dropCascade(ctx, snap, v, true, done); err != nil {
			return err
		}
	}
	for _, fk := range fks {
		done[fk.OID] = true
		if err := cat.DropConstraint(ctx, s.xact, snap, fk); err != nil {
			return err
		}
	}
	cons, err := cat.Constraints(snap, rel.OID)
	if err != nil {
		return err
	}
	for _, con := range cons {
		if hasKey(con.Keys, k) {
			if err := s.dropConstraint(ctx, snap, rel, con, cascade, done); err != nil {
				return err
			}
		}
	}
	ixs, err := cat.Indexes(snap, rel.OID)
	if err != nil {
		return err
	}
	for _, ix := range ixs {
		if (hasKey(ix.Keys, k) || indexRefsColumn(ix, cmd.Name)) && !done[ix.Rel.OID] { // index_ddl.go
			if err := s.dropCascade(ctx, snap, ix.Rel, cascade, done); err != nil {
				return err
			}
		}
	}
	// SERIAL, identity and OWNED BY sequences go with the column.
	if err := s.dropColumnSequences(ctx, snap, rel, k, cascade); err != nil {
		return err
	}
	return cat.DropColumn(ctx, s.xact, snap, rel, k)
}

func hasKey(keys []int16, k int16) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

// setNotNull executes ALTER COLUMN SET/DROP NOT NULL: SET checks that no
// row has NULL there (23502); DROP refuses a primary key column (42P16).
func (s *Session) setNotNull(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, cmd *ast.AlterTableCmd) error {
	a, err := liveColumn(rel, cmd.Name)
	if err != nil {
		return err
	}
	on := cmd.Kind == ast.ATSetNotNull
	if a.NotNull == on {
		return nil
	}
	if on {
		if err := s.checkNoNulls(ctx, snap, rel, a.Num); err != nil {
			return err
		}
	} else {
		cons, err := s.inst.Catalog.Constraints(snap, rel.OID)
		if err != nil {
			return err
		}
		for _, c := range cons {
			if c.Type == catalog.ConPrimary && hasKey(c.Keys, a.Num) {
				return pgerr.New(pgerr.InvalidTableDefinition, "column %q is in a primary key", a.Name)
			}
		}
	}
	return s.inst.Catalog.SetNotNull(ctx, s.xact, snap, rel, a.Num, on)
}

// setDefault executes ALTER COLUMN SET/DROP DEFAULT.
func (s *Session) setDefault(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, cmd *ast.AlterTableCmd) error {
	a, err := liveColumn(rel, cmd.Name)
	if err != nil {
		return err
	}
	text := ""
	if cmd.Kind == ast.ATSetDefault && cmd.Def != nil {
		e, ok := cmd.Def.(ast.Expr)
		if !ok {
			return pgerr.New(pgerr.InternalError, "SET DEFAULT without an expression")
		}
		x, err := analyze.DefaultExpr(s.env(snap), e, a.Name, attrType(*a), a.Typmod)
		if err != nil {
			return noPosition(err)
		}
		if !isNullConst(x) {
			text = ast.String(e)
		}
	}
	if text == "" && !a.HasDefault {
		return nil
	}
	if err := s.inst.Catalog.SetColumnDefault(ctx, s.xact, snap, rel.OID, a.Num, text); err != nil || text == "" {
		return err
	}
	// DROP SEQUENCE of a sequence the new default uses needs CASCADE.
	snap = s.nextCommand()
	if rel, err = s.reloadRelation(snap, rel.OID); err != nil {
		return err
	}
	def, err := s.defaultExpr(snap, rel, a.Num)
	if err != nil {
		return err
	}
	return s.recordDefaultSequences(snap, rel.OID, a.Num, def)
}

// alterColumnType executes ALTER COLUMN TYPE (ATPrepAlterColumnType +
// ATExecAlterColumnType + ATRewriteTable): each row's value goes through
// the USING expression (default: the column) cast by assignment to the
// new type; the default, foreign keys and CHECK constraints must still
// fit; indexes are rebuilt.
func (s *Session) alterColumnType(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, cmd *ast.AlterTableCmd) error {
	cat := s.inst.Catalog
	a, err := liveColumn(rel, cmd.Name)
	if err != nil {
		return err
	}
	tn, ok := cmd.Def.(*ast.TypeName)
	if !ok {
		return pgerr.New(pgerr.InternalError, "ALTER COLUMN TYPE without a type")
	}
	t, mod, err := analyze.ResolveType(tn)
	if err != nil {
		return noPosition(err)
	}
	views, err := s.viewsUsingColumn(snap, rel, a.Num)
	if err != nil {
		return err
	}
	if len(views) > 0 {
		return pgerr.New(pgerr.FeatureNotSupported, "cannot alter type of a column used by a view or rule").
			WithDetail("rule _RETURN on view %s depends on column %q", views[0].Name, a.Name)
	}
	// The transform: USING expression or the column itself.
	var src ast.Expr = &ast.ColumnRef{Pos: cmd.Pos, Names: []string{a.Name}}
	if cmd.Using != nil {
		src = cmd.Using
	}
	x, err := analyze.RelationExpr(s.env(snap), rel, src, analyze.ExprTransform)
	if err != nil {
		return err
	}
	x, ok, err = analyze.AssignCoerce(x, t, mod)
	if err != nil {
		return noPosition(err)
	}
	if !ok {
		if cmd.Using != nil {
			return pgerr.New(pgerr.DatatypeMismatch, "result of USING clause for column %q cannot be cast automatically to type %s", a.Name, types.FormatType(t, -1)).
				WithHint("You might need to add an explicit cast.")
		}
		return pgerr.New(pgerr.DatatypeMismatch, "column %q cannot be cast automatically to type %s", a.Name, types.FormatType(t, -1)).
			WithHint("You might need to specify \"USING %s::%s\".", ast.QuoteIdent(a.Name), types.FormatType(t, mod))
	}
	if a.HasDefault {
		text, err := s.columnDefault(snap, rel, int(a.Num-1))
		if err != nil {
			return err
		}
		if e, perr := parser.ParseExpr(text); perr == nil {
			if _, err := analyze.DefaultExpr(s.env(snap), e, a.Name, t, mod); err != nil {
				if pgerr.CodeOf(err) == pgerr.DatatypeMismatch {
					return pgerr.New(pgerr.DatatypeMismatch, "default for column %q cannot be cast automatically to type %s", a.Name, types.FormatType(t, -1))
				}
				return err
			}
		}
	}
	// Foreign keys on either side of the column must still compare.
	newRel := *rel
	newRel.Attrs = append([]catalog.Attribute(nil), rel.Attrs...)
	newRel.Attrs[a.Num-1].Type, newRel.Attrs[a.Num-1].Typmod = t.OID, mod
	if err := s.checkForeignKeyTypes(snap, &newRel, a.Num); err != nil {
		return err
	}
	// Rewrite the rows: decode with the old type, encode with the new.
	oldCols, newCols := relColumns(rel), relColumns(&newRel)
	ec := s.evalContext(ctx, snap)
	defer ec.Close()
	err = s.rewriteRows(ctx, snap, rel, oldCols, newCols, func(vals []types.Datum) ([]types.Datum, error) {
		v, err := ec.Eval(x, vals)
		if err != nil {
			return nil, err
		}
		if v == nil && a.NotNull {
			return nil, notNullsErr(rel, a.Name)
		}
		out := append([]types.Datum(nil), vals...)
		out[a.Num-1] = v
		return out, nil
	})
	if err != nil {
		return err
	}
	if err := cat.SetColumnType(ctx, s.xact, snap, rel, a.Num, t.OID, mod); err != nil {
		return err
	}
	ixs, err := cat.Indexes(snap, rel.OID)
	if err != nil {
		return err
	}
	for _, ix := range ixs {
		for i, k := range ix.Keys {
			if k == a.Num {
				if err := cat.SetColumnType(ctx, s.xact, snap, ix.Rel, int16(i+1), t.OID, mod); err != nil {
					return err
				}
			}
		}
	}
	snap = s.nextCommand()
	if rel, err = s.reloadRelation(snap, rel.OID); err != nil {
		return err
	}
	if err := s.reindexTable(ctx, snap, rel); err != nil {
		return err
	}
	// CHECK constraints on the column are analyzed again and rechecked.
	cons, err := cat.Constraints(snap, rel.OID)
	if err != nil {
		return err
	}
	for _, con := range cons {
		if con.Type != catalog.ConCheck || !hasKey(con.Keys, a.Num) {
			continue
		}
		e, err := parser.ParseExpr(con.Check)
		if err != nil {
			return err
		}
		expr, err := analyze.CheckExpr(s.env(snap), rel, e)
		if err != nil {
			return err
		}
		if con.Validated {
			if err := s.validateCheck(ctx, snap, rel, con.Name, expr); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkForeignKeyTypes checks that the foreign keys through column attnum
// of rel (given with its new type) can still compare their keys (42804).
func (s *Session) checkForeignKeyTypes(snap *mvcc.Snapshot, rel *catalog.Relation, attnum int16) error {
	cat := s.inst.Catalog
	own, err := cat.Constraints(snap, rel.OID)
	if err != nil {
		return err
	}
	refs, err := cat.ForeignKeysReferencing(snap, rel.OID)
	if err != nil {
		return err
	}
	for _, fk := range append(own, refs...) {
		if fk.Type != catalog.ConForeign {
			continue
		}
		fkRel, refRel := rel, rel
		if fk.Rel != rel.OID {
			if fkRel, err = s.reloadRelation(snap, fk.Rel); err != nil {
				return err
			}
		}
		if fk.RefRel != rel.OID {
			if refRel, err = s.reloadRelation(snap, fk.RefRel); err != nil {
				return err
			}
		}
		if (fk.Rel == rel.OID && hasKey(fk.Keys, attnum)) || (fk.RefRel == rel.OID && hasKey(fk.RefKeys, attnum)) {
			if _, err := fkEqOps(fk, fkRel, refRel); err != nil {
				return err
			}
		}
	}
	return nil
}

// validateConstraint executes VALIDATE CONSTRAINT: checks the rows
// against a NOT VALID CHECK or FOREIGN KEY and marks it valid.
func (s *Session) validateConstraint(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, name string) error {
	con, err := s.constraintByName(snap, rel, name)
	if err != nil {
		return err
	}
	if con == nil {
		return pgerr.New(pgerr.UndefinedObject, "constraint %q of relation %q does not exist", name, rel.Name)
	}
	if con.Type != catalog.ConCheck && con.Type != catalog.ConForeign {
		return pgerr.New(pgerr.WrongObjectType, "constraint %q of relation %q is not a foreign key or check constraint", name, rel.Name)
	}
	if con.Validated {
		return nil
	}
	switch con.Type {
	case catalog.ConCheck:
		e, err := parser.ParseExpr(con.Check)
		if err != nil {
			return err
		}
		expr, err := analyze.CheckExpr(s.env(snap), rel, e)
		if err != nil {
			return err
		}
		if err := s.validateCheck(ctx, snap, rel, con.Name, expr); err != nil {
			return err
		}
	case catalog.ConForeign:
		ref, err := s.reloadRelation(snap, con.RefRel)
		if err != nil {
			return err
		}
		if err := s.validateForeignKey(ctx, snap, con, rel, ref); err != nil {
			return err
		}
	}
	return s.inst.Catalog.SetConstraintValidated(ctx, s.xact, con)
}

// rename executes ALTER ... RENAME (ExecRenameStmt): of a table, view or
// index, of a column, or of a constraint.
func (s *Session) rename(ctx context.Context, n *ast.RenameStmt) (*Cursor, error) {
	relKind := n.Kind
	if n.Kind == ast.ObjectColumn || n.Kind == ast.ObjectConstraint {
		relKind = n.RelKind
	}
	tag := alterTagFor(relKind)
	if n.Kind == ast.ObjectSchema {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "ALTER SCHEMA ... RENAME is not supported yet")
	}
	s.takeDDL()
	snap := s.snapshot()
	rel, err := s.alterTarget(snap, n.Relation, n.IfExists)
	if err != nil || rel == nil {
		if err != nil {
			return nil, err
		}
		return s.utilityDone(tag)
	}
	cat := s.inst.Catalog
	switch n.Kind {
	case ast.ObjectColumn:
		k := attnumOf(rel, n.SubName)
		if k == 0 {
			return nil, pgerr.New(pgerr.UndefinedColumn, "column %q does not exist", n.SubName)
		}
		if attnumOf(rel, n.NewName) != 0 {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q of relation %q already exists", n.NewName, rel.Name)
		}
		if views, err := s.viewsUsingColumn(snap, rel, k); err != nil {
			return nil, err
		} else if len(views) > 0 {
			return nil, viewTextErr("column "+n.SubName+" of table "+rel.Name, views[0])
		}
		if err := cat.RenameColumn(ctx, s.xact, snap, rel, k, n.NewName); err != nil {
			return nil, err
		}
		if err := s.renameInChecks(ctx, snap, rel, "", n.SubName, n.NewName); err != nil {
			return nil, err
		}
		if err := s.renameInIndexes(ctx, snap, rel, n.SubName, n.NewName); err != nil { // index_ddl.go
			return nil, err
		}
	case ast.ObjectConstraint:
		con, err := s.constraintByName(snap, rel, n.SubName)
		if err != nil {
			return nil, err
		}
		if con == nil {
			return nil, pgerr.New(pgerr.UndefinedObject, "constraint %q for table %q does not exist", n.SubName, rel.Name)
		}
		if con.Type == catalog.ConPrimary || con.Type == catalog.ConUnique { // the index first (rename_constraint_internal)
			ix, err := s.reloadRelation(snap, con.Index)
			if err != nil {
				return nil, err
			}
			if err := cat.RenameRelation(ctx, s.xact, snap, ix, n.NewName); err != nil {
				return nil, err
			}
		}
		if other, err := s.constraintByName(snap, rel, n.NewName); err != nil {
			return nil, err
		} else if other != nil {
			return nil, pgerr.New(pgerr.DuplicateObject, "constraint %q for relation %q already exists", n.NewName, rel.Name)
		}
		if err := cat.RenameConstraint(ctx, s.xact, con, n.NewName); err != nil {
			return nil, err
		}
	default:
		if rel.Kind != catalog.KindIndex {
			if views, err := s.viewsUsingColumn(snap, rel, 0); err != nil {
				return nil, err
			} else if len(views) > 0 {
				return nil, viewTextErr(kindWord(rel.Kind)+" "+rel.Name, views[0])
			}
		}
		if err := cat.RenameRelation(ctx, s.xact, snap, rel, n.NewName); err != nil {
			return nil, err
		}
		if rel.Kind == catalog.KindIndex { // a constraint's index renames its constraint (RenameRelationInternal)
			con, err := cat.ConstraintOfIndex(snap, rel.OID)
			if err != nil {
				return nil, err
			}
			if con != nil {
				if err := cat.RenameConstraint(ctx, s.xact, con, n.NewName); err != nil {
					return nil, err
				}
			}
		}
		if rel.Kind == catalog.KindTable {
			if err := s.renameInChecks(ctx, snap, rel, n.NewName, "", ""); err != nil {
				return nil, err
			}
		}
	}
	return s.utilityDone(tag)
}

// viewTextErr refuses a rename that would break a view: Tusk keeps a
// view's query as SQL text (pg_rewrite.ev_action), which names columns
// and tables, where PostgreSQL keeps a tree that refers to them by number.
func viewTextErr(what string, v *catalog.Relation) error {
	return pgerr.New(pgerr.FeatureNotSupported, "cannot rename %s because view %s uses it", what, v.Name).
		WithHint("Drop the view, rename, and create the view again.")
}

// renameInChecks keeps the CHECK constraints of rel valid after a rename:
// their SQL text (conbin) names columns, and may qualify them with the
// table's name. newTable renames qualifiers; oldCol/newCol a column.
func (s *Session) renameInChecks(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, newTable, oldCol, newCol string) error {
	cons, err := s.inst.Catalog.Constraints(snap, rel.OID)
	if err != nil {
		return err
	}
	for _, con := range cons {
		if con.Type != catalog.ConCheck {
			continue
		}
		e, err := parser.ParseExpr(con.Check)
		if err != nil {
			return err
		}
		changed := false
		ast.Inspect(e, func(n ast.Node) bool {
			cr, ok := n.(*ast.ColumnRef)
			if !ok || cr.Star || len(cr.Names) == 0 {
				return true
			}
			last := len(cr.Names) - 1
			if oldCol != "" && cr.Names[last] == oldCol && (last == 0 || cr.Names[last-1] == rel.Name) {
				cr.Names[last], changed = newCol, true
			}
			if newTable != "" && last >= 1 && cr.Names[last-1] == rel.Name {
				cr.Names[last-1], changed = newTable, true
			}
			return true
		})
		if !changed {
			continue
		}
		text := ast.String(e)
		if strings.TrimSpace(text) == "" {
			continue
		}
		if err := s.inst.Catalog.SetConstraintCheck(ctx, s.xact, con, text); err != nil {
			return err
		}
	}
	return nil
}
