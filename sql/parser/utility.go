package parser

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

// parseAlter dispatches ALTER statements.
func (p *parser) parseAlter() ast.Stmt {
	t := p.expectKw(kwALTER)
	k := p.tok()
	if k.typ != tKeyword {
		p.syntaxError()
	}
	switch k.kw {
	case kwTABLE:
		p.next()
		return p.parseAlterRelation(t.pos, ast.ObjectTable)
	case kwINDEX:
		p.next()
		return p.parseAlterRelation(t.pos, ast.ObjectIndex)
	case kwVIEW:
		p.next()
		return p.parseAlterRelation(t.pos, ast.ObjectView)
	case kwMATERIALIZED:
		p.next()
		p.expectKw(kwVIEW)
		return p.parseAlterRelation(t.pos, ast.ObjectMatView)
	case kwSEQUENCE:
		p.next()
		return p.parseAlterSequence(t.pos)
	case kwSCHEMA:
		p.next()
		nt := p.tok()
		name := p.parseName()
		if p.acceptKw(kwRENAME) {
			p.expectKw(kwTO)
			return &ast.RenameStmt{Pos: t.pos, Kind: ast.ObjectSchema, SubName: name, NewName: p.parseName()}
		}
		p.expectKw(kwOWNER)
		p.expectKw(kwTO)
		role := p.parseRoleSpec()
		return &ast.AlterTableStmt{Pos: t.pos, Kind: ast.ObjectSchema, Table: &ast.RangeVar{Pos: nt.pos, Name: name},
			Cmds: []*ast.AlterTableCmd{{Pos: nt.pos, Kind: ast.ATOwnerTo, Name: role}}}
	}
	p.fail(pgerr.FeatureNotSupported, t.pos, "ALTER %s is not supported", upper(k.str))
	return nil
}

// parseAlterRelation parses ALTER TABLE|INDEX|VIEW ... after the object
// keyword: RENAME forms, SET SCHEMA, or a list of AlterTableCmds.
func (p *parser) parseAlterRelation(pos int, kind ast.ObjectType) ast.Stmt {
	ifExists := p.parseIfExists()
	var rel *ast.RangeVar
	if kind == ast.ObjectTable {
		rel = p.parseRelationExpr()
	} else {
		rel = p.parseQualifiedName()
	}
	if p.isKw(kwRENAME) {
		p.next()
		rs := &ast.RenameStmt{Pos: pos, Kind: kind, RelKind: kind, Relation: rel, IfExists: ifExists}
		switch {
		case p.acceptKw(kwTO):
			rs.NewName = p.parseName()
			return rs
		case p.isKw(kwCONSTRAINT) && kind == ast.ObjectTable:
			p.next()
			rs.Kind = ast.ObjectConstraint
		default:
			if kind == ast.ObjectIndex {
				p.syntaxError()
			}
			p.acceptKw(kwCOLUMN)
			rs.Kind = ast.ObjectColumn
		}
		rs.SubName = p.parseName()
		p.expectKw(kwTO)
		rs.NewName = p.parseName()
		return rs
	}
	if p.isKw(kwSET) && p.peekIsKw(1, kwSCHEMA) {
		p.next()
		if kind == ast.ObjectIndex && ifExists {
			p.syntaxError() // gram.y has no ALTER INDEX IF EXISTS ... SET SCHEMA
		}
		p.next()
		return &ast.AlterObjectSchemaStmt{Pos: pos, Kind: kind, Relation: rel, NewSchema: p.parseName(), IfExists: ifExists}
	}
	st := &ast.AlterTableStmt{Pos: pos, Kind: kind, Table: rel, IfExists: ifExists}
	for {
		st.Cmds = append(st.Cmds, p.parseAlterTableCmd())
		if !p.accept(',') {
			return st
		}
	}
}

// parseAlterTableCmd parses alter_table_cmd (the supported subset).
func (p *parser) parseAlterTableCmd() *ast.AlterTableCmd {
	t := p.tok()
	cmd := &ast.AlterTableCmd{Pos: t.pos}
	if t.typ != tKeyword {
		p.syntaxError()
	}
	switch t.kw {
	case kwADD:
		p.next()
		n := p.tok()
		if n.typ == tKeyword {
			switch n.kw {
			case kwCONSTRAINT, kwCHECK, kwUNIQUE, kwPRIMARY, kwFOREIGN, kwEXCLUDE:
				cmd.Kind = ast.ATAddConstraint
				cmd.Def = p.parseTableConstraint()
				return cmd
			}
		}
		p.acceptKw(kwCOLUMN)
		cmd.Kind = ast.ATAddColumn
		cmd.IfNotExists = p.parseIfNotExists()
		cmd.Def = p.parseColumnDef()
		return cmd
	case kwDROP:
		p.next()
		if p.acceptKw(kwCONSTRAINT) {
			cmd.Kind = ast.ATDropConstraint
			cmd.IfExists = p.parseIfExists()
			cmd.Name = p.parseName()
			cmd.Behavior = p.parseDropBehavior()
			return cmd
		}
		p.acceptKw(kwCOLUMN)
		cmd.Kind = ast.ATDropColumn
		cmd.IfExists = p.parseIfExists()
		cmd.Name = p.parseColId()
		cmd.Behavior = p.parseDropBehavior()
		return cmd
	case kwALTER:
		p.next()
		if p.isKw(kwCONSTRAINT) {
			p.fail(pgerr.FeatureNotSupported, t.pos, "ALTER CONSTRAINT is not supported")
		}
		p.acceptKw(kwCOLUMN)
		cmd.Name = p.parseColId()
		p.parseAlterColumnAction(cmd)
		return cmd
	case kwVALIDATE:
		p.next()
		p.expectKw(kwCONSTRAINT)
		cmd.Kind = ast.ATValidateConstraint
		cmd.Name = p.parseName()
		return cmd
	case kwSET:
		p.next()
		switch {
		case p.acceptKw(kwLOGGED):
			cmd.Kind = ast.ATSetLogged
			return cmd
		case p.acceptKw(kwUNLOGGED):
			cmd.Kind = ast.ATSetUnlogged
			return cmd
		}
	case kwOWNER:
		p.next()
		p.expectKw(kwTO)
		cmd.Kind = ast.ATOwnerTo
		cmd.Name = p.parseRoleSpec()
		return cmd
	}
	p.fail(pgerr.FeatureNotSupported, t.pos, "this form of ALTER TABLE is not supported")
	return nil
}

// parseAlterColumnAction parses what follows ALTER [COLUMN] name.
func (p *parser) parseAlterColumnAction(cmd *ast.AlterTableCmd) {
	t := p.tok()
	switch {
	case p.isKw(kwTYPE) || p.isKw(kwSET) && p.peekIsKw(1, kwDATA):
		if p.acceptKw(kwSET) {
			p.expectKw(kwDATA)
		}
		p.expectKw(kwTYPE)
		cmd.Kind = ast.ATAlterColumnType
		cmd.Def = p.parseTypename()
		if p.acceptKw(kwCOLLATE) {
			cmd.Collation = p.parseAnyName()
		}
		if p.acceptKw(kwUSING) {
			cmd.Using = p.parseExpr()
		}
		return
	case p.isKw(kwSET):
		p.next()
		switch {
		case p.acceptKw(kwDEFAULT):
			cmd.Kind = ast.ATSetDefault
			cmd.Def = p.parseExpr()
			return
		case p.isKw(kwNOT):
			p.next()
			p.expectKw(kwNULL)
			cmd.Kind = ast.ATSetNotNull
			return
		case p.acceptKw(kwSTATISTICS):
			cmd.Kind = ast.ATSetStatistics
			cmd.Def = p.parseNumericOnly()
			return
		case p.isKw(kwGENERATED):
			g := p.next()
			d := &ast.DefElem{Pos: g.pos, Name: "generated"}
			if p.acceptKw(kwALWAYS) {
				d.Arg = &ast.Literal{Pos: g.pos, Kind: ast.LitString, Val: "always"}
			} else {
				p.expectKw(kwBY)
				p.expectKw(kwDEFAULT)
				d.Arg = &ast.Literal{Pos: g.pos, Kind: ast.LitString, Val: "by default"}
			}
			cmd.Kind = ast.ATSetIdentity
			cmd.Options = []*ast.DefElem{d}
			p.parseMoreIdentityOptions(cmd)
			return
		}
		if d := p.parseSeqOptElem(); d != nil {
			cmd.Kind = ast.ATSetIdentity
			cmd.Options = []*ast.DefElem{d}
			p.parseMoreIdentityOptions(cmd)
			return
		}
		p.syntaxError()
	case p.isKw(kwRESTART):
		cmd.Kind = ast.ATSetIdentity
		cmd.Options = []*ast.DefElem{p.parseSeqOptElem()}
		p.parseMoreIdentityOptions(cmd)
		return
	case p.isKw(kwDROP):
		p.next()
		switch {
		case p.acceptKw(kwDEFAULT):
			cmd.Kind = ast.ATDropDefault
		case p.acceptKw(kwNOT):
			p.expectKw(kwNULL)
			cmd.Kind = ast.ATDropNotNull
		case p.acceptKw(kwIDENTITY):
			cmd.Kind = ast.ATDropIdentity
			cmd.IfExists = p.parseIfExists()
		default:
			p.syntaxError()
		}
		return
	case p.isKw(kwADD):
		p.next()
		g := p.tok()
		c := p.parseColConstraint()
		if c == nil || c.Kind != ast.ConstrIdentity {
			p.syntaxErrorAt(g)
		}
		cmd.Kind = ast.ATAddIdentity
		cmd.Def = c
		return
	}
	p.syntaxErrorAt(t)
}

// parseMoreIdentityOptions parses further SET seq-option / RESTART items of
// alter_identity_column_option_list.
func (p *parser) parseMoreIdentityOptions(cmd *ast.AlterTableCmd) {
	for {
		if p.isKw(kwRESTART) {
			cmd.Options = append(cmd.Options, p.parseSeqOptElem())
			continue
		}
		if p.isKw(kwSET) && !p.peekIsKw(1, kwDATA) && !p.peekIsKw(1, kwDEFAULT) && !p.peekIsKw(1, kwNOT) {
			p.next()
			d := p.parseSeqOptElem()
			if d == nil {
				p.syntaxError()
			}
			cmd.Options = append(cmd.Options, d)
			continue
		}
		return
	}
}

// parseAlterSequence parses ALTER SEQUENCE [IF EXISTS] name options | RENAME
// TO | SET SCHEMA | OWNER TO.
func (p *parser) parseAlterSequence(pos int) ast.Stmt {
	ifExists := p.parseIfExists()
	rel := p.parseQualifiedName()
	if p.acceptKw(kwRENAME) {
		p.expectKw(kwTO)
		return &ast.RenameStmt{Pos: pos, Kind: ast.ObjectSequence, RelKind: ast.ObjectSequence, Relation: rel, NewName: p.parseName(), IfExists: ifExists}
	}
	if p.isKw(kwSET) && p.peekIsKw(1, kwSCHEMA) {
		p.next()
		p.next()
		return &ast.AlterObjectSchemaStmt{Pos: pos, Kind: ast.ObjectSequence, Relation: rel, NewSchema: p.parseName(), IfExists: ifExists}
	}
	if p.isKw(kwOWNER) {
		cmd := p.parseAlterTableCmd()
		return &ast.AlterTableStmt{Pos: pos, Kind: ast.ObjectSequence, Table: rel, IfExists: ifExists, Cmds: []*ast.AlterTableCmd{cmd}}
	}
	st := &ast.AlterSeqStmt{Pos: pos, Seq: rel, IfExists: ifExists}
	st.Options = p.parseSeqOptList()
	return st
}

// parseTransaction parses TransactionStmt.
func (p *parser) parseTransaction() ast.Stmt {
	t := p.next()
	st := &ast.TransactionStmt{Pos: t.pos}
	optWork := func() {
		if !p.acceptKw(kwWORK) {
			p.acceptKw(kwTRANSACTION)
		}
	}
	chain := func() {
		if p.isKw(kwAND) {
			p.next()
			st.Chain = !p.acceptKw(kwNO)
			p.expectKw(kwCHAIN)
		}
	}
	switch t.kw {
	case kwBEGIN:
		st.Kind = ast.TransBegin
		optWork()
		st.Options = p.parseTransactionModes(false)
	case kwSTART:
		st.Kind = ast.TransStart
		p.expectKw(kwTRANSACTION)
		st.Options = p.parseTransactionModes(false)
	case kwCOMMIT, kwEND:
		st.Kind = ast.TransCommit
		if t.kw == kwCOMMIT && p.acceptKw(kwPREPARED) {
			st.Kind = ast.TransCommitPrepared
			st.Gid = p.parseSconst()
			return st
		}
		optWork()
		chain()
	case kwROLLBACK, kwABORT:
		st.Kind = ast.TransRollback
		if t.kw == kwROLLBACK && p.acceptKw(kwPREPARED) {
			st.Kind = ast.TransRollbackPrepared
			st.Gid = p.parseSconst()
			return st
		}
		optWork()
		if t.kw == kwROLLBACK && p.acceptKw(kwTO) {
			p.acceptKw(kwSAVEPOINT)
			st.Kind = ast.TransRollbackTo
			st.Savepoint = p.parseColId()
			return st
		}
		chain()
	case kwSAVEPOINT:
		st.Kind = ast.TransSavepoint
		st.Savepoint = p.parseColId()
	case kwRELEASE:
		st.Kind = ast.TransRelease
		p.acceptKw(kwSAVEPOINT)
		st.Savepoint = p.parseColId()
	case kwPREPARE:
		p.expectKw(kwTRANSACTION)
		st.Kind = ast.TransPrepare
		st.Gid = p.parseSconst()
	}
	return st
}

// parseTransactionModes parses transaction_mode_list (required when
// required, else optional).
func (p *parser) parseTransactionModes(required bool) []*ast.DefElem {
	var l []*ast.DefElem
	for {
		t := p.tok()
		var d *ast.DefElem
		switch {
		case p.isKw(kwISOLATION):
			p.next()
			p.expectKw(kwLEVEL)
			level := ""
			switch {
			case p.acceptKw(kwREAD):
				if p.acceptKw(kwUNCOMMITTED) {
					level = "read uncommitted"
				} else {
					p.expectKw(kwCOMMITTED)
					level = "read committed"
				}
			case p.acceptKw(kwREPEATABLE):
				p.expectKw(kwREAD)
				level = "repeatable read"
			default:
				p.expectKw(kwSERIALIZABLE)
				level = "serializable"
			}
			d = &ast.DefElem{Pos: t.pos, Name: "transaction_isolation", Arg: &ast.Literal{Pos: t.pos, Kind: ast.LitString, Val: level}}
		case p.isKw(kwREAD):
			p.next()
			ro := "true"
			if p.acceptKw(kwWRITE) {
				ro = "false"
			} else {
				p.expectKw(kwONLY)
			}
			d = &ast.DefElem{Pos: t.pos, Name: "transaction_read_only", Arg: &ast.Literal{Pos: t.pos, Kind: ast.LitBool, Val: ro}}
		case p.isKw(kwDEFERRABLE):
			p.next()
			d = &ast.DefElem{Pos: t.pos, Name: "transaction_deferrable", Arg: &ast.Literal{Pos: t.pos, Kind: ast.LitBool, Val: "true"}}
		case p.isKw(kwNOT) && p.peekIsKw(1, kwDEFERRABLE):
			p.next()
			p.next()
			d = &ast.DefElem{Pos: t.pos, Name: "transaction_deferrable", Arg: &ast.Literal{Pos: t.pos, Kind: ast.LitBool, Val: "false"}}
		}
		if d == nil {
			if l != nil || required {
				p.syntaxError() // after a ',' (or nothing where required)
			}
			return nil
		}
		l = append(l, d)
		if !p.accept(',') {
			// Items may also be separated by whitespace alone.
			if nt := p.tok(); nt.typ == tKeyword && (nt.kw == kwISOLATION || nt.kw == kwREAD || nt.kw == kwDEFERRABLE ||
				nt.kw == kwNOT && p.peekIsKw(1, kwDEFERRABLE)) {
				continue
			}
			return l
		}
	}
}

// parsePrepare parses PrepareStmt.
func (p *parser) parsePrepare() ast.Stmt {
	t := p.expectKw(kwPREPARE)
	st := &ast.PrepareStmt{Pos: t.pos, Name: p.parseName()}
	if p.accept('(') {
		for {
			st.ArgTypes = append(st.ArgTypes, p.parseTypename())
			if !p.accept(',') {
				break
			}
		}
		p.expect(')')
	}
	p.expectKw(kwAS)
	st.Query = p.parsePreparableStmt()
	return st
}

// parseExecute parses ExecuteStmt.
func (p *parser) parseExecute() *ast.ExecuteStmt {
	t := p.expectKw(kwEXECUTE)
	st := &ast.ExecuteStmt{Pos: t.pos, Name: p.parseName()}
	if p.accept('(') {
		st.Params = p.parseExprList()
		p.expect(')')
	}
	return st
}

// parseDeallocate parses DeallocateStmt.
func (p *parser) parseDeallocate() ast.Stmt {
	t := p.expectKw(kwDEALLOCATE)
	p.acceptKw(kwPREPARE)
	if p.acceptKw(kwALL) {
		return &ast.DeallocateStmt{Pos: t.pos}
	}
	return &ast.DeallocateStmt{Pos: t.pos, Name: p.parseName()}
}

// parseVarName parses var_name: ColId ('.' ColId)*.
func (p *parser) parseVarName() string {
	s := p.parseColId()
	for p.accept('.') {
		s += "." + p.parseColId()
	}
	return s
}

// parseSet parses VariableSetStmt.
func (p *parser) parseSet() ast.Stmt {
	t := p.expectKw(kwSET)
	st := &ast.VariableSetStmt{Pos: t.pos}
	if p.isKw(kwLOCAL) {
		p.next()
		st.Local = true
	} else if p.isKw(kwSESSION) && !p.peekIsKw(1, kwAUTHORIZATION) && !p.peekIsKw(1, kwCHARACTERISTICS) {
		p.next()
	}
	n := p.tok()
	// Unreserved keywords that start special forms are plain variable
	// names when TO or = follows (generic_set).
	if nx := p.peek(1); nx.typ == '=' || nx.typ == tKeyword && nx.kw == kwTO {
		goto generic
	}
	switch {
	case p.isKw(kwTRANSACTION) && !p.peekIsKw(1, kwSNAPSHOT):
		p.next()
		st.Kind, st.Name = ast.VarSetMulti, "TRANSACTION"
		st.Options = p.parseTransactionModes(true)
		return st
	case p.isKw(kwSESSION) && p.peekIsKw(1, kwCHARACTERISTICS):
		p.next()
		p.next()
		p.expectKw(kwAS)
		p.expectKw(kwTRANSACTION)
		st.Kind, st.Name = ast.VarSetMulti, "SESSION CHARACTERISTICS"
		st.Options = p.parseTransactionModes(true)
		return st
	case p.isKw(kwTIME) && p.peekIsKw(1, kwZONE):
		p.next()
		p.next()
		st.Name = "timezone"
		p.parseZoneValue(st)
		return st
	case p.isKw(kwSCHEMA):
		p.next()
		s := p.expect(tString)
		st.Name = "search_path"
		st.Args = []ast.Expr{&ast.Literal{Pos: s.pos, Kind: ast.LitString, Val: s.str}}
		return st
	case p.isKw(kwNAMES):
		p.next()
		st.Name = "client_encoding"
		if v := p.tok(); v.typ == tString {
			p.next()
			st.Args = []ast.Expr{&ast.Literal{Pos: v.pos, Kind: ast.LitString, Val: v.str}}
		} else {
			p.acceptKw(kwDEFAULT)
			st.Kind = ast.VarSetDefault
		}
		return st
	case p.isKw(kwROLE):
		p.next()
		st.Name = "role"
		st.Args = []ast.Expr{p.parseWordOrString()}
		return st
	case p.isKw(kwSESSION) && p.peekIsKw(1, kwAUTHORIZATION):
		p.next()
		p.next()
		st.Name = "session_authorization"
		if p.acceptKw(kwDEFAULT) {
			st.Kind = ast.VarSetDefault
			return st
		}
		st.Args = []ast.Expr{p.parseWordOrString()}
		return st
	case p.isKw(kwCATALOG):
		p.fail(pgerr.FeatureNotSupported, n.pos, "current database cannot be changed")
	case p.isKw(kwTRANSACTION), p.isKw(kwXML):
		p.unsupported(n)
	}
generic:
	st.Name = p.parseVarName()
	if p.isKw(kwFROM) && p.peekIsKw(1, kwCURRENT) {
		p.next()
		p.next()
		st.Kind = ast.VarSetCurrent
		return st
	}
	if !p.acceptKw(kwTO) {
		p.expect('=')
	}
	if p.acceptKw(kwDEFAULT) {
		st.Kind = ast.VarSetDefault
		return st
	}
	for {
		st.Args = append(st.Args, p.parseVarValue())
		if !p.accept(',') {
			return st
		}
	}
}

// parseWordOrString parses NonReservedWord_or_Sconst as a string literal.
func (p *parser) parseWordOrString() ast.Expr {
	v := p.tok()
	if v.typ != tString && !isNonReservedWord(v) {
		p.syntaxError()
	}
	p.next()
	return &ast.Literal{Pos: v.pos, Kind: ast.LitString, Val: v.str}
}

// parseVarValue parses var_value: opt_boolean_or_string | NumericOnly.
func (p *parser) parseVarValue() ast.Expr {
	v := p.tok()
	switch {
	case v.typ == tInteger || v.typ == tNumeric || v.typ == '-' || v.typ == '+':
		return p.parseNumericOnly()
	case v.typ == tKeyword && (v.kw == kwTRUE || v.kw == kwFALSE || v.kw == kwON):
		p.next()
		return &ast.Literal{Pos: v.pos, Kind: ast.LitString, Val: v.str}
	}
	return p.parseWordOrString()
}

// parseZoneValue parses zone_value of SET TIME ZONE.
func (p *parser) parseZoneValue(st *ast.VariableSetStmt) {
	v := p.tok()
	switch {
	case v.typ == tString || v.typ == tIdent:
		p.next()
		st.Args = []ast.Expr{&ast.Literal{Pos: v.pos, Kind: ast.LitString, Val: v.str}}
	case v.typ == tKeyword && (v.kw == kwDEFAULT || v.kw == kwLOCAL):
		p.next()
		st.Kind = ast.VarSetDefault
	case v.typ == tKeyword && v.kw == kwINTERVAL:
		e := p.parseConstTypeLiteral()
		st.Args = []ast.Expr{e}
	case v.typ == tInteger || v.typ == tNumeric || v.typ == '-' || v.typ == '+':
		st.Args = []ast.Expr{p.parseNumericOnly()}
	default:
		p.syntaxError()
	}
}

// parseReset parses RESET name | RESET ALL and the special forms.
func (p *parser) parseReset() ast.Stmt {
	t := p.expectKw(kwRESET)
	st := &ast.VariableSetStmt{Pos: t.pos, Kind: ast.VarReset}
	switch {
	case p.acceptKw(kwALL):
		st.Kind = ast.VarResetAll
	case p.isKw(kwTIME) && p.peekIsKw(1, kwZONE):
		p.next()
		p.next()
		st.Name = "timezone"
	case p.isKw(kwTRANSACTION) && p.peekIsKw(1, kwISOLATION):
		p.next()
		p.next()
		p.expectKw(kwLEVEL)
		st.Name = "transaction_isolation"
	case p.isKw(kwSESSION) && p.peekIsKw(1, kwAUTHORIZATION):
		p.next()
		p.next()
		st.Name = "session_authorization"
	default:
		st.Name = p.parseVarName()
	}
	return st
}

// parseShow parses VariableShowStmt.
func (p *parser) parseShow() ast.Stmt {
	t := p.expectKw(kwSHOW)
	st := &ast.VariableShowStmt{Pos: t.pos}
	switch {
	case p.acceptKw(kwALL):
		st.Name = "all"
	case p.isKw(kwTIME) && p.peekIsKw(1, kwZONE):
		p.next()
		p.next()
		st.Name = "timezone"
	case p.isKw(kwTRANSACTION) && p.peekIsKw(1, kwISOLATION):
		p.next()
		p.next()
		p.expectKw(kwLEVEL)
		st.Name = "transaction_isolation"
	case p.isKw(kwSESSION) && p.peekIsKw(1, kwAUTHORIZATION):
		p.next()
		p.next()
		st.Name = "session_authorization"
	default:
		st.Name = p.parseVarName()
	}
	return st
}

// parseCopy parses CopyStmt.
func (p *parser) parseCopy() ast.Stmt {
	t := p.expectKw(kwCOPY)
	st := &ast.CopyStmt{Pos: t.pos}
	var legacy []*ast.DefElem
	if p.is('(') {
		p.next()
		st.Query = p.parsePreparableStmt()
		p.expect(')')
		p.expectKw(kwTO)
	} else {
		if b := p.tok(); p.acceptKw(kwBINARY) {
			legacy = append(legacy, &ast.DefElem{Pos: b.pos, Name: "format", Arg: &ast.Literal{Pos: b.pos, Kind: ast.LitString, Val: "binary"}})
		}
		st.Table = p.parseQualifiedName()
		if p.is('(') {
			st.Columns = p.parseParenNameList()
		}
		if p.acceptKw(kwFROM) {
			st.IsFrom = true
		} else {
			p.expectKw(kwTO)
		}
	}
	st.IsProgram = p.acceptKw(kwPROGRAM)
	f := p.tok()
	switch {
	case f.typ == tString:
		p.next()
		st.Filename = f.str
	case f.typ == tKeyword && (f.kw == kwSTDIN || f.kw == kwSTDOUT):
		p.next()
		if st.IsProgram {
			p.fail(pgerr.SyntaxError, -1, "STDIN/STDOUT not allowed with PROGRAM")
		}
	default:
		p.syntaxError()
	}
	if st.Query == nil && (p.isKw(kwUSING) || p.isKw(kwDELIMITERS)) {
		p.acceptKw(kwUSING)
		d := p.expectKw(kwDELIMITERS)
		s := p.expect(tString)
		legacy = append(legacy, &ast.DefElem{Pos: d.pos, Name: "delimiter", Arg: &ast.Literal{Pos: s.pos, Kind: ast.LitString, Val: s.str}})
	}
	p.acceptKw(kwWITH)
	if p.is('(') {
		st.Options = append(legacy, p.parseCopyGenericOptions()...)
	} else {
		st.Options = append(legacy, p.parseCopyLegacyOptions()...)
	}
	if st.Query == nil && p.isKw(kwWHERE) {
		w := p.next()
		if !st.IsFrom {
			p.fail(pgerr.SyntaxError, w.pos, "WHERE clause not allowed with COPY TO")
		}
		st.Where = p.parseExpr()
	}
	return st
}

// parseCopyGenericOptions parses '(' copy_generic_opt_list ')'.
func (p *parser) parseCopyGenericOptions() []*ast.DefElem {
	p.expect('(')
	var l []*ast.DefElem
	for {
		t := p.tok()
		d := &ast.DefElem{Pos: t.pos, Name: p.parseColLabel()}
		a := p.tok()
		switch {
		case a.typ == '*':
			p.next()
			d.Arg = &ast.ColumnRef{Pos: a.pos, Star: true}
		case a.typ == '(':
			p.next()
			r := &ast.RowExpr{Pos: a.pos}
			for {
				r.Args = append(r.Args, p.parseVarValue())
				if !p.accept(',') {
					break
				}
			}
			p.expect(')')
			d.Arg = r
		case a.typ == ',' || a.typ == ')':
		default:
			d.Arg = p.parseVarValue()
		}
		l = append(l, d)
		if !p.accept(',') {
			break
		}
	}
	p.expect(')')
	return l
}

// parseCopyLegacyOptions parses copy_opt_list, mapping each item to the
// generic option it stands for.
func (p *parser) parseCopyLegacyOptions() []*ast.DefElem {
	var l []*ast.DefElem
	str := func(pos int, s string) ast.Node { return &ast.Literal{Pos: pos, Kind: ast.LitString, Val: s} }
	// PostgreSQL uses a Boolean node here; a "true" string is what the
	// generic syntax gives and defGetBoolean accepts both.
	boolTrue := func(pos int) ast.Node { return &ast.Literal{Pos: pos, Kind: ast.LitString, Val: "true"} }
	strArg := func() ast.Node {
		p.acceptKw(kwAS)
		s := p.expect(tString)
		return str(s.pos, s.str)
	}
	cols := func() ast.Node {
		lp := p.tok()
		r := &ast.RowExpr{Pos: lp.pos}
		for _, c := range p.parseNameList() {
			r.Args = append(r.Args, &ast.Literal{Pos: lp.pos, Kind: ast.LitString, Val: c})
		}
		return r
	}
	for {
		t := p.tok()
		if t.typ != tKeyword {
			return l
		}
		var d *ast.DefElem
		switch t.kw {
		case kwBINARY:
			p.next()
			d = &ast.DefElem{Pos: t.pos, Name: "format", Arg: str(t.pos, "binary")}
		case kwFREEZE:
			p.next()
			d = &ast.DefElem{Pos: t.pos, Name: "freeze", Arg: boolTrue(t.pos)}
		case kwDELIMITER:
			p.next()
			d = &ast.DefElem{Pos: t.pos, Name: "delimiter", Arg: strArg()}
		case kwNULL:
			p.next()
			d = &ast.DefElem{Pos: t.pos, Name: "null", Arg: strArg()}
		case kwCSV:
			p.next()
			d = &ast.DefElem{Pos: t.pos, Name: "format", Arg: str(t.pos, "csv")}
		case kwHEADER:
			p.next()
			d = &ast.DefElem{Pos: t.pos, Name: "header", Arg: boolTrue(t.pos)}
		case kwQUOTE:
			p.next()
			d = &ast.DefElem{Pos: t.pos, Name: "quote", Arg: strArg()}
		case kwESCAPE:
			p.next()
			d = &ast.DefElem{Pos: t.pos, Name: "escape", Arg: strArg()}
		case kwENCODING:
			p.next()
			s := p.expect(tString)
			d = &ast.DefElem{Pos: t.pos, Name: "encoding", Arg: str(s.pos, s.str)}
		case kwFORCE:
			p.next()
			switch {
			case p.acceptKw(kwQUOTE):
				if a := p.tok(); a.typ == '*' {
					p.next()
					d = &ast.DefElem{Pos: t.pos, Name: "force_quote", Arg: &ast.ColumnRef{Pos: a.pos, Star: true}}
				} else {
					d = &ast.DefElem{Pos: t.pos, Name: "force_quote", Arg: cols()}
				}
			case p.acceptKw(kwNOT):
				p.expectKw(kwNULL)
				d = &ast.DefElem{Pos: t.pos, Name: "force_not_null", Arg: cols()}
			default:
				p.expectKw(kwNULL)
				d = &ast.DefElem{Pos: t.pos, Name: "force_null", Arg: cols()}
			}
		default:
			return l
		}
		l = append(l, d)
	}
}

// parseUtilityOptionList parses '(' utility_option_elem (',' ...)* ')' of
// EXPLAIN, VACUUM, ANALYZE and REINDEX.
func (p *parser) parseUtilityOptionList() []*ast.DefElem {
	p.expect('(')
	var l []*ast.DefElem
	for {
		t := p.tok()
		if !isNonReservedWord(t) && !(t.typ == tKeyword && (t.kw == kwANALYZE || t.kw == kwANALYSE)) {
			p.syntaxError()
		}
		p.next()
		name := t.str
		if t.kw == kwANALYSE {
			name = "analyze"
		}
		d := &ast.DefElem{Pos: t.pos, Name: name}
		if a := p.tok(); a.typ != ',' && a.typ != ')' {
			d.Arg = p.parseVarValue()
		}
		l = append(l, d)
		if !p.accept(',') {
			break
		}
	}
	p.expect(')')
	return l
}

// parseExplain parses ExplainStmt.
func (p *parser) parseExplain() ast.Stmt {
	t := p.expectKw(kwEXPLAIN)
	st := &ast.ExplainStmt{Pos: t.pos}
	switch {
	case p.is('('):
		st.Options = p.parseUtilityOptionList()
	case p.isKw(kwANALYZE) || p.isKw(kwANALYSE):
		a := p.next()
		st.Options = append(st.Options, &ast.DefElem{Pos: a.pos, Name: "analyze"})
		if v := p.tok(); p.acceptKw(kwVERBOSE) {
			st.Options = append(st.Options, &ast.DefElem{Pos: v.pos, Name: "verbose"})
		}
	case p.isKw(kwVERBOSE):
		v := p.next()
		st.Options = append(st.Options, &ast.DefElem{Pos: v.pos, Name: "verbose"})
	}
	q := p.tok()
	switch {
	case q.typ == '(' || q.typ == tKeyword && (q.kw == kwSELECT || q.kw == kwVALUES || q.kw == kwTABLE):
		st.Query = p.parseSelectStmt()
	case q.typ == tKeyword && q.kw == kwWITH:
		st.Query = p.parseWithStmt()
	case q.typ == tKeyword && q.kw == kwINSERT:
		st.Query = p.parseInsert(nil)
	case q.typ == tKeyword && q.kw == kwUPDATE:
		st.Query = p.parseUpdate(nil)
	case q.typ == tKeyword && q.kw == kwDELETE:
		st.Query = p.parseDelete(nil)
	case q.typ == tKeyword && q.kw == kwEXECUTE:
		st.Query = p.parseExecute()
	case q.typ == tKeyword && q.kw == kwCREATE:
		p.ctasOnly = true // ExplainableStmt has CreateAsStmt, not CreateStmt
		c := p.parseCreate()
		p.ctasOnly = false
		if _, ok := c.(*ast.CreateTableAsStmt); !ok {
			p.syntaxErrorAt(q)
		}
		st.Query = c
	default:
		p.syntaxError()
	}
	return st
}

// parseVacuum parses VacuumStmt and AnalyzeStmt.
func (p *parser) parseVacuum() ast.Stmt {
	t := p.next()
	st := &ast.VacuumStmt{Pos: t.pos, IsVacuum: t.kw == kwVACUUM}
	if p.is('(') {
		st.Options = p.parseUtilityOptionList()
	} else if st.IsVacuum {
		for _, k := range []keyword{kwFULL, kwFREEZE, kwVERBOSE} {
			if o := p.tok(); p.acceptKw(k) {
				st.Options = append(st.Options, &ast.DefElem{Pos: o.pos, Name: k.String()})
			}
		}
		if o := p.tok(); p.acceptKw(kwANALYZE) || p.acceptKw(kwANALYSE) {
			st.Options = append(st.Options, &ast.DefElem{Pos: o.pos, Name: "analyze"})
		}
	} else if o := p.tok(); p.acceptKw(kwVERBOSE) {
		st.Options = append(st.Options, &ast.DefElem{Pos: o.pos, Name: "verbose"})
	}
	if isColId(p.tok()) {
		for {
			r := p.tok()
			vr := &ast.VacuumRelation{Pos: r.pos, Relation: p.parseQualifiedName()}
			if p.is('(') {
				vr.Columns = p.parseParenNameList()
			}
			st.Rels = append(st.Rels, vr)
			if !p.accept(',') {
				break
			}
		}
	}
	return st
}

// parseLock parses LockStmt.
func (p *parser) parseLock() ast.Stmt {
	t := p.expectKw(kwLOCK)
	p.acceptKw(kwTABLE)
	st := &ast.LockStmt{Pos: t.pos, Mode: "ACCESS EXCLUSIVE"}
	for {
		st.Tables = append(st.Tables, p.parseRelationExpr())
		if !p.accept(',') {
			break
		}
	}
	if p.acceptKw(kwIN) {
		switch {
		case p.acceptKw(kwACCESS):
			if p.acceptKw(kwSHARE) {
				st.Mode = "ACCESS SHARE"
			} else {
				p.expectKw(kwEXCLUSIVE)
				st.Mode = "ACCESS EXCLUSIVE"
			}
		case p.acceptKw(kwROW):
			if p.acceptKw(kwSHARE) {
				st.Mode = "ROW SHARE"
			} else {
				p.expectKw(kwEXCLUSIVE)
				st.Mode = "ROW EXCLUSIVE"
			}
		case p.acceptKw(kwSHARE):
			st.Mode = "SHARE"
			if p.acceptKw(kwUPDATE) {
				p.expectKw(kwEXCLUSIVE)
				st.Mode = "SHARE UPDATE EXCLUSIVE"
			} else if p.acceptKw(kwROW) {
				p.expectKw(kwEXCLUSIVE)
				st.Mode = "SHARE ROW EXCLUSIVE"
			}
		default:
			p.expectKw(kwEXCLUSIVE)
			st.Mode = "EXCLUSIVE"
		}
		p.expectKw(kwMODE)
	}
	st.NoWait = p.acceptKw(kwNOWAIT)
	return st
}

// parseDiscard parses DiscardStmt.
func (p *parser) parseDiscard() ast.Stmt {
	t := p.expectKw(kwDISCARD)
	st := &ast.DiscardStmt{Pos: t.pos}
	switch {
	case p.acceptKw(kwALL):
		st.Target = "ALL"
	case p.acceptKw(kwTEMP), p.acceptKw(kwTEMPORARY):
		st.Target = "TEMP"
	case p.acceptKw(kwPLANS):
		st.Target = "PLANS"
	case p.acceptKw(kwSEQUENCES):
		st.Target = "SEQUENCES"
	default:
		p.syntaxError()
	}
	return st
}
