package ast

import (
	"strings"
)

func (p *printer) ifExists(b bool) {
	if b {
		p.w("IF EXISTS ")
	}
}

func (p *printer) ifNotExists(b bool) {
	if b {
		p.w("IF NOT EXISTS ")
	}
}

func (p *printer) options(l []*DefElem) {
	p.w("(")
	p.defElems(l, ", ")
	p.w(")")
}

// relOptions prints WITH (name = value, ...) storage options.
func (p *printer) relOptions(l []*DefElem) {
	p.w("(")
	for i, d := range l {
		if i > 0 {
			p.w(", ")
		}
		p.w(d.Name) // may be dotted (namespace.option)
		if d.Arg != nil {
			p.w(" = ")
			p.defArg(d.Arg)
		}
	}
	p.w(")")
}

func (p *printer) txModes(l []*DefElem) {
	for i, d := range l {
		if i > 0 {
			p.w(", ")
		}
		lit, _ := d.Arg.(*Literal)
		val := ""
		if lit != nil {
			val = lit.Val
		}
		switch d.Name {
		case "transaction_isolation":
			p.w("ISOLATION LEVEL ", strings.ToUpper(val))
		case "transaction_read_only":
			if val == "true" {
				p.w("READ ONLY")
			} else {
				p.w("READ WRITE")
			}
		case "transaction_deferrable":
			if val == "true" {
				p.w("DEFERRABLE")
			} else {
				p.w("NOT DEFERRABLE")
			}
		}
	}
}

func (p *printer) utilityStmt(s Stmt) {
	switch s := s.(type) {
	case *CreateTableStmt:
		p.w("CREATE ")
		p.persistence(s.Persistence)
		p.w("TABLE ")
		p.ifNotExists(s.IfNotExists)
		p.rangeVar(s.Table)
		p.w(" (")
		n := 0
		for _, c := range s.Columns {
			if n > 0 {
				p.w(", ")
			}
			p.columnDef(c)
			n++
		}
		for _, c := range s.Constraints {
			if n > 0 {
				p.w(", ")
			}
			p.constraint(c, true)
			n++
		}
		p.w(")")
		if s.Inherits != nil {
			p.w(" INHERITS (")
			for i, r := range s.Inherits {
				if i > 0 {
					p.w(", ")
				}
				p.rangeVar(r)
			}
			p.w(")")
		}
		if s.Options != nil {
			p.w(" WITH ")
			p.relOptions(s.Options)
		}
		switch s.OnCommit {
		case OnCommitPreserveRows:
			p.w(" ON COMMIT PRESERVE ROWS")
		case OnCommitDeleteRows:
			p.w(" ON COMMIT DELETE ROWS")
		case OnCommitDrop:
			p.w(" ON COMMIT DROP")
		}
	case *CreateTableAsStmt:
		p.w("CREATE ")
		if s.Materialized {
			p.w("MATERIALIZED VIEW ")
		} else {
			p.persistence(s.Persistence)
			p.w("TABLE ")
		}
		p.ifNotExists(s.IfNotExists)
		p.rangeVar(s.Table)
		if s.Columns != nil {
			p.w(" (")
			p.identList(s.Columns)
			p.w(")")
		}
		p.w(" AS ")
		p.stmt(s.Query)
		if s.WithNoData {
			p.w(" WITH NO DATA")
		}
	case *DropStmt:
		p.w("DROP ", s.Kind.String(), " ")
		if s.Concurrently {
			p.w("CONCURRENTLY ")
		}
		p.ifExists(s.IfExists)
		for i, o := range s.Objects {
			if i > 0 {
				p.w(", ")
			}
			p.rangeVar(o)
		}
		p.behavior(s.Behavior)
	case *CreateSchemaStmt:
		p.w("CREATE SCHEMA ")
		p.ifNotExists(s.IfNotExists)
		if s.Name != "" {
			p.ident(s.Name)
			if s.Authorization != "" {
				p.w(" ")
			}
		}
		if s.Authorization != "" {
			p.w("AUTHORIZATION ")
			p.ident(s.Authorization)
		}
	case *CreateViewStmt:
		p.w("CREATE ")
		if s.Replace {
			p.w("OR REPLACE ")
		}
		p.persistence(s.Persistence)
		p.w("VIEW ")
		p.rangeVar(s.View)
		if s.Columns != nil {
			p.w(" (")
			p.identList(s.Columns)
			p.w(")")
		}
		if s.Options != nil {
			p.w(" WITH ")
			p.relOptions(s.Options)
		}
		p.w(" AS ")
		p.selectStmt(s.Query)
		switch s.CheckOption {
		case LocalCheckOption:
			p.w(" WITH LOCAL CHECK OPTION")
		case CascadedCheckOption:
			p.w(" WITH CASCADED CHECK OPTION")
		}
	case *AlterTableStmt:
		p.w("ALTER ", s.Kind.String(), " ")
		p.ifExists(s.IfExists)
		p.rangeVar(s.Table)
		p.w(" ")
		for i, c := range s.Cmds {
			if i > 0 {
				p.w(", ")
			}
			p.alterCmd(c)
		}
	case *RenameStmt:
		p.w("ALTER ")
		switch s.Kind {
		case ObjectSchema:
			p.w("SCHEMA ")
			p.ident(s.SubName)
			p.w(" RENAME TO ")
			p.ident(s.NewName)
			return
		case ObjectColumn, ObjectConstraint:
			p.w(s.RelKind.String(), " ")
		default:
			p.w(s.Kind.String(), " ")
		}
		p.ifExists(s.IfExists)
		p.rangeVar(s.Relation)
		p.w(" RENAME ")
		switch s.Kind {
		case ObjectColumn:
			p.w("COLUMN ")
			p.ident(s.SubName)
			p.w(" ")
		case ObjectConstraint:
			p.w("CONSTRAINT ")
			p.ident(s.SubName)
			p.w(" ")
		}
		p.w("TO ")
		p.ident(s.NewName)
	case *AlterObjectSchemaStmt:
		p.w("ALTER ", s.Kind.String(), " ")
		p.ifExists(s.IfExists)
		p.rangeVar(s.Relation)
		p.w(" SET SCHEMA ")
		p.ident(s.NewSchema)
	case *CreateIndexStmt:
		p.w("CREATE ")
		if s.Unique {
			p.w("UNIQUE ")
		}
		p.w("INDEX ")
		if s.Concurrently {
			p.w("CONCURRENTLY ")
		}
		p.ifNotExists(s.IfNotExists)
		if s.Name != "" {
			p.ident(s.Name)
			p.w(" ")
		}
		p.w("ON ")
		p.rangeVar(s.Table)
		if s.Method != "" {
			p.w(" USING ")
			p.ident(s.Method)
		}
		p.w(" (")
		p.indexElems(s.Params)
		p.w(")")
		if s.Include != nil {
			p.w(" INCLUDE (")
			p.indexElems(s.Include)
			p.w(")")
		}
		if s.NullsNotDistinct {
			p.w(" NULLS NOT DISTINCT")
		}
		if s.Options != nil {
			p.w(" WITH ")
			p.relOptions(s.Options)
		}
		if s.Where != nil {
			p.w(" WHERE ")
			p.expr(s.Where)
		}
	case *ReindexStmt:
		p.w("REINDEX ")
		if s.Options != nil {
			p.options(s.Options)
			p.w(" ")
		}
		p.w([...]string{"INDEX", "TABLE", "SCHEMA", "SYSTEM", "DATABASE"}[s.Kind])
		if s.Concurrently {
			p.w(" CONCURRENTLY")
		}
		if s.Relation != nil {
			p.w(" ")
			p.rangeVar(s.Relation)
		} else if s.Name != "" {
			p.w(" ")
			p.ident(s.Name)
		}
	case *CreateSeqStmt:
		p.w("CREATE ")
		p.persistence(s.Persistence)
		p.w("SEQUENCE ")
		p.ifNotExists(s.IfNotExists)
		p.rangeVar(s.Seq)
		if s.Options != nil {
			p.w(" ")
			p.seqOptions(s.Options)
		}
	case *AlterSeqStmt:
		p.w("ALTER SEQUENCE ")
		p.ifExists(s.IfExists)
		p.rangeVar(s.Seq)
		p.w(" ")
		p.seqOptions(s.Options)
	case *TruncateStmt:
		p.w("TRUNCATE ")
		for i, t := range s.Tables {
			if i > 0 {
				p.w(", ")
			}
			p.rangeVar(t)
		}
		if s.RestartIdentity {
			p.w(" RESTART IDENTITY")
		}
		p.behavior(s.Behavior)
	case *TransactionStmt:
		switch s.Kind {
		case TransBegin, TransStart:
			if s.Kind == TransBegin {
				p.w("BEGIN")
			} else {
				p.w("START TRANSACTION")
			}
			if s.Options != nil {
				p.w(" ")
				p.txModes(s.Options)
			}
		case TransCommit, TransRollback:
			if s.Kind == TransCommit {
				p.w("COMMIT")
			} else {
				p.w("ROLLBACK")
			}
			if s.Chain {
				p.w(" AND CHAIN")
			}
		case TransSavepoint:
			p.w("SAVEPOINT ")
			p.ident(s.Savepoint)
		case TransRelease:
			p.w("RELEASE SAVEPOINT ")
			p.ident(s.Savepoint)
		case TransRollbackTo:
			p.w("ROLLBACK TO SAVEPOINT ")
			p.ident(s.Savepoint)
		case TransPrepare:
			p.w("PREPARE TRANSACTION ", QuoteString(s.Gid))
		case TransCommitPrepared:
			p.w("COMMIT PREPARED ", QuoteString(s.Gid))
		case TransRollbackPrepared:
			p.w("ROLLBACK PREPARED ", QuoteString(s.Gid))
		}
	case *CommentStmt:
		p.commentStmt(s)
	case *CheckpointStmt:
		p.w("CHECKPOINT")
	case *VariableSetStmt:
		p.varSet(s)
	case *VariableShowStmt:
		p.w("SHOW ")
		switch s.Name {
		case "all":
			p.w("ALL")
		default:
			p.varName(s.Name)
		}
	case *CopyStmt:
		p.w("COPY ")
		if s.Query != nil {
			p.w("(")
			p.stmt(s.Query)
			p.w(")")
		} else {
			p.rangeVar(s.Table)
			if s.Columns != nil {
				p.w(" (")
				p.identList(s.Columns)
				p.w(")")
			}
		}
		if s.IsFrom {
			p.w(" FROM ")
		} else {
			p.w(" TO ")
		}
		if s.IsProgram {
			p.w("PROGRAM ")
		}
		switch {
		case s.Filename != "" || s.IsProgram:
			p.w(QuoteString(s.Filename))
		case s.IsFrom:
			p.w("STDIN")
		default:
			p.w("STDOUT")
		}
		if s.Options != nil {
			p.w(" WITH ")
			p.options(s.Options)
		}
		if s.Where != nil {
			p.w(" WHERE ")
			p.expr(s.Where)
		}
	case *PrepareStmt:
		p.w("PREPARE ")
		p.ident(s.Name)
		if s.ArgTypes != nil {
			p.w(" (")
			for i, t := range s.ArgTypes {
				if i > 0 {
					p.w(", ")
				}
				p.typeName(t)
			}
			p.w(")")
		}
		p.w(" AS ")
		p.stmt(s.Query)
	case *ExecuteStmt:
		p.w("EXECUTE ")
		p.ident(s.Name)
		if s.Params != nil {
			p.w("(")
			p.exprs(s.Params)
			p.w(")")
		}
	case *DeallocateStmt:
		p.w("DEALLOCATE ")
		if s.Name == "" {
			p.w("ALL")
		} else {
			p.ident(s.Name)
		}
	case *ExplainStmt:
		p.w("EXPLAIN ")
		if s.Options != nil {
			p.options(s.Options)
			p.w(" ")
		}
		p.stmt(s.Query)
	case *VacuumStmt:
		if s.IsVacuum {
			p.w("VACUUM")
		} else {
			p.w("ANALYZE")
		}
		if s.Options != nil {
			p.w(" ")
			p.options(s.Options)
		}
		for i, r := range s.Rels {
			if i > 0 {
				p.w(",")
			}
			p.w(" ")
			p.rangeVar(r.Relation)
			if r.Columns != nil {
				p.w(" (")
				p.identList(r.Columns)
				p.w(")")
			}
		}
	case *LockStmt:
		p.w("LOCK TABLE ")
		for i, t := range s.Tables {
			if i > 0 {
				p.w(", ")
			}
			p.rangeVar(t)
		}
		p.w(" IN ", s.Mode, " MODE")
		if s.NoWait {
			p.w(" NOWAIT")
		}
	case *DiscardStmt:
		p.w("DISCARD ", s.Target)
	default:
		p.w("<?>")
	}
}

// varName prints a configuration variable name (dotted names allowed).
func (p *printer) varName(name string) {
	for i, part := range strings.Split(name, ".") {
		if i > 0 {
			p.w(".")
		}
		p.ident(part)
	}
}

func (p *printer) varSet(s *VariableSetStmt) {
	switch s.Kind {
	case VarReset:
		p.w("RESET ")
		p.varName(s.Name)
		return
	case VarResetAll:
		p.w("RESET ALL")
		return
	}
	p.w("SET ")
	if s.Local {
		p.w("LOCAL ")
	}
	switch s.Kind {
	case VarSetMulti:
		if s.Name == "TRANSACTION" {
			p.w("TRANSACTION ")
		} else {
			p.w("SESSION CHARACTERISTICS AS TRANSACTION ")
		}
		p.txModes(s.Options)
		return
	case VarSetCurrent:
		p.varName(s.Name)
		p.w(" FROM CURRENT")
		return
	}
	if len(s.Args) == 1 && s.Name == "timezone" {
		if tc, ok := s.Args[0].(*TypeCast); ok {
			// SET TIME ZONE INTERVAL '...' [fields] has no generic spelling.
			p.w("TIME ZONE INTERVAL ")
			p.expr(tc.Arg)
			if f := intervalFieldNames[tc.Type.IntervalFields]; f != "" {
				p.w(" ", f)
			}
			if n, ok := singleIntTypmod(tc.Type); ok {
				p.w("(", n, ")")
			}
			return
		}
	}
	p.varName(s.Name)
	if s.Kind == VarSetDefault {
		p.w(" TO DEFAULT")
		return
	}
	p.w(" TO ")
	for i, a := range s.Args {
		if i > 0 {
			p.w(", ")
		}
		p.expr(a)
	}
}

func (p *printer) alterCmd(c *AlterTableCmd) {
	switch c.Kind {
	case ATAddColumn:
		p.w("ADD COLUMN ")
		p.ifNotExists(c.IfNotExists)
		p.columnDef(c.Def.(*ColumnDef))
	case ATDropColumn:
		p.w("DROP COLUMN ")
		p.ifExists(c.IfExists)
		p.ident(c.Name)
		p.behavior(c.Behavior)
	case ATAlterColumnType:
		p.w("ALTER COLUMN ")
		p.ident(c.Name)
		p.w(" TYPE ")
		p.typeName(c.Def.(*TypeName))
		if c.Collation != nil {
			p.w(" COLLATE ")
			p.names(c.Collation)
		}
		if c.Using != nil {
			p.w(" USING ")
			p.expr(c.Using)
		}
	case ATSetNotNull:
		p.w("ALTER COLUMN ")
		p.ident(c.Name)
		p.w(" SET NOT NULL")
	case ATDropNotNull:
		p.w("ALTER COLUMN ")
		p.ident(c.Name)
		p.w(" DROP NOT NULL")
	case ATSetDefault:
		p.w("ALTER COLUMN ")
		p.ident(c.Name)
		p.w(" SET DEFAULT ")
		p.node(c.Def)
	case ATDropDefault:
		p.w("ALTER COLUMN ")
		p.ident(c.Name)
		p.w(" DROP DEFAULT")
	case ATAddConstraint:
		p.w("ADD ")
		p.constraint(c.Def.(*Constraint), true)
	case ATDropConstraint:
		p.w("DROP CONSTRAINT ")
		p.ifExists(c.IfExists)
		p.ident(c.Name)
		p.behavior(c.Behavior)
	case ATValidateConstraint:
		p.w("VALIDATE CONSTRAINT ")
		p.ident(c.Name)
	case ATAddIdentity:
		p.w("ALTER COLUMN ")
		p.ident(c.Name)
		p.w(" ADD ")
		p.constraint(c.Def.(*Constraint), false)
	case ATDropIdentity:
		p.w("ALTER COLUMN ")
		p.ident(c.Name)
		p.w(" DROP IDENTITY")
		if c.IfExists {
			p.w(" IF EXISTS")
		}
	case ATSetIdentity:
		p.w("ALTER COLUMN ")
		p.ident(c.Name)
		for _, d := range c.Options {
			p.w(" ")
			if d.Name != "restart" && d.Name != "generated" {
				p.w("SET ")
			}
			p.seqOptions([]*DefElem{d})
		}
	case ATSetStatistics:
		p.w("ALTER COLUMN ")
		p.ident(c.Name)
		p.w(" SET STATISTICS ")
		p.node(c.Def)
	case ATSetLogged:
		p.w("SET LOGGED")
	case ATSetUnlogged:
		p.w("SET UNLOGGED")
	case ATOwnerTo:
		p.w("OWNER TO ")
		p.ident(c.Name)
	}
}
