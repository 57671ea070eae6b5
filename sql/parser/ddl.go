package parser

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

// parseIfNotExists parses [IF NOT EXISTS].
func (p *parser) parseIfNotExists() bool {
	if p.isKw(kwIF) && p.peekIsKw(1, kwNOT) {
		p.next()
		p.next()
		p.expectKw(kwEXISTS)
		return true
	}
	return false
}

// parseIfExists parses [IF EXISTS].
func (p *parser) parseIfExists() bool {
	if p.isKw(kwIF) && p.peekIsKw(1, kwEXISTS) {
		p.next()
		p.next()
		return true
	}
	return false
}

// parseCreate dispatches CREATE statements.
func (p *parser) parseCreate() ast.Stmt {
	t := p.expectKw(kwCREATE)
	replace := false
	if p.isKw(kwOR) {
		p.next()
		p.expectKw(kwREPLACE)
		replace = true
	}
	persist := p.parseOptTemp()
	switch {
	case p.isKw(kwTABLE) && !replace:
		return p.parseCreateTable(t.pos, persist)
	case p.isKw(kwVIEW) || p.isKw(kwRECURSIVE):
		return p.parseCreateView(t.pos, replace, persist)
	case p.isKw(kwSEQUENCE) && !replace:
		return p.parseCreateSequence(t.pos, persist)
	case replace || persist != ast.PersistPermanent:
		p.syntaxError()
	case p.isKw(kwSCHEMA):
		return p.parseCreateSchema(t.pos)
	case p.isKw(kwINDEX) || p.isKw(kwUNIQUE):
		return p.parseCreateIndex(t.pos)
	case p.isKw(kwMATERIALIZED):
		p.next()
		p.expectKw(kwVIEW)
		st := &ast.CreateTableAsStmt{Pos: t.pos, Materialized: true}
		st.IfNotExists = p.parseIfNotExists()
		st.Table = p.parseQualifiedName()
		if p.is('(') {
			st.Columns = p.parseParenNameList()
		}
		p.expectKw(kwAS)
		st.Query = p.parseSelectNoParens()
		st.WithNoData = p.parseWithData()
		return st
	}
	if tk := p.tok(); tk.typ == tKeyword {
		switch tk.kw {
		case kwFUNCTION, kwPROCEDURE, kwTRIGGER, kwTYPE, kwDOMAIN, kwEXTENSION, kwDATABASE, kwROLE, kwUSER,
			kwAGGREGATE, kwCOLLATION, kwOPERATOR, kwPOLICY, kwRULE, kwSERVER, kwPUBLICATION, kwSUBSCRIPTION,
			kwTABLESPACE, kwCAST, kwCONVERSION, kwLANGUAGE, kwGROUP, kwFOREIGN, kwEVENT, kwSTATISTICS, kwACCESS,
			kwTEXT, kwTRANSFORM:
			p.fail(pgerr.FeatureNotSupported, t.pos, "CREATE %s is not supported", upper(tk.str))
		}
	}
	p.syntaxError()
	return nil
}

// parseWithData parses [WITH [NO] DATA] and reports WITH NO DATA.
func (p *parser) parseWithData() bool {
	if p.isKw(kwWITH) && (p.peekIsKw(1, kwDATA) || p.peekIsKw(1, kwNO)) {
		p.next()
		no := p.acceptKw(kwNO)
		p.expectKw(kwDATA)
		return no
	}
	return false
}

// parseCreateTable parses CreateStmt and CreateAsStmt after CREATE [temp].
func (p *parser) parseCreateTable(pos int, persist ast.Persistence) ast.Stmt {
	p.expectKw(kwTABLE)
	ifne := p.parseIfNotExists()
	rel := p.parseQualifiedName()
	// CREATE TABLE name [(cols)] AS query
	// A parenthesized plain name list can only be CREATE TABLE AS's column
	// list: a table element needs a type after the name.
	if p.isKw(kwAS) || p.ctasOnly || p.is('(') && isColId(p.peek(1)) && (p.peek(2).typ == ',' || p.peek(2).typ == ')') {
		st := &ast.CreateTableAsStmt{Pos: pos, Table: rel, Persistence: persist, IfNotExists: ifne}
		if p.is('(') {
			st.Columns = p.parseParenNameList()
		}
		p.expectKw(kwAS)
		if p.isKw(kwEXECUTE) {
			st.Query = p.parseExecute()
		} else {
			st.Query = p.parseSelectNoParens()
		}
		st.WithNoData = p.parseWithData()
		return st
	}
	st := &ast.CreateTableStmt{Pos: pos, Table: rel, Persistence: persist, IfNotExists: ifne}
	p.expect('(')
	if !p.is(')') {
		for {
			p.parseTableElement(st)
			if !p.accept(',') {
				break
			}
		}
	}
	p.expect(')')
	if p.acceptKw(kwINHERITS) {
		p.expect('(')
		st.Inherits = p.parseQualifiedNameList()
		p.expect(')')
	}
	if p.isKw(kwPARTITION) {
		p.fail(pgerr.FeatureNotSupported, p.tok().pos, "partitioned tables are not supported")
	}
	if p.isKw(kwUSING) {
		p.next()
		p.parseName() // table access method: only heap exists
	}
	if p.isKw(kwWITH) && p.peek(1).typ == '(' {
		p.next()
		st.Options = p.parseRelOptions()
	} else if p.isKw(kwWITHOUT) && p.peekIsKw(1, kwOIDS) {
		p.next()
		p.next()
	}
	if p.isKw(kwON) && p.peekIsKw(1, kwCOMMIT) {
		p.next()
		p.next()
		switch {
		case p.acceptKw(kwDROP):
			st.OnCommit = ast.OnCommitDrop
		case p.acceptKw(kwDELETE):
			p.expectKw(kwROWS)
			st.OnCommit = ast.OnCommitDeleteRows
		default:
			p.expectKw(kwPRESERVE)
			p.expectKw(kwROWS)
			st.OnCommit = ast.OnCommitPreserveRows
		}
	}
	if p.isKw(kwTABLESPACE) {
		p.next()
		p.parseName()
	}
	return st
}

// parseRelOptions parses '(' name [= value] (',' ...)* ')'.
func (p *parser) parseRelOptions() []*ast.DefElem {
	p.expect('(')
	var l []*ast.DefElem
	for {
		t := p.tok()
		d := &ast.DefElem{Pos: t.pos, Name: p.parseColLabel()}
		for p.accept('.') {
			d.Name += "." + p.parseColLabel()
		}
		if p.accept('=') {
			d.Arg = p.parseDefArg()
		}
		l = append(l, d)
		if !p.accept(',') {
			break
		}
	}
	p.expect(')')
	return l
}

// parseDefArg parses def_arg: func_type | reserved_keyword | qual_all_Op |
// NumericOnly | Sconst | NONE, simplified: a word, number or string.
func (p *parser) parseDefArg() ast.Node {
	t := p.tok()
	switch t.typ {
	case tString:
		p.next()
		return &ast.Literal{Pos: t.pos, Kind: ast.LitString, Val: t.str}
	case tInteger, tNumeric, '-', '+':
		return p.parseNumericOnly()
	case tIdent, tKeyword:
		if t.typ == tKeyword && (t.kw == kwTRUE || t.kw == kwFALSE) {
			p.next()
			return &ast.Literal{Pos: t.pos, Kind: ast.LitBool, Val: t.str}
		}
		p.next()
		return &ast.Literal{Pos: t.pos, Kind: ast.LitString, Val: t.str}
	}
	p.syntaxError()
	return nil
}

// parseNumericOnly parses NumericOnly: [+|-] FCONST | SignedIconst.
func (p *parser) parseNumericOnly() *ast.Literal {
	t := p.tok()
	neg := false
	if t.typ == '-' || t.typ == '+' {
		neg = t.typ == '-'
		p.next()
	}
	n := p.tok()
	var lit *ast.Literal
	switch n.typ {
	case tInteger:
		lit = intOrNumeric(n)
	case tNumeric:
		lit = &ast.Literal{Pos: n.pos, Kind: ast.LitNumeric, Val: n.str}
	default:
		p.syntaxError()
	}
	p.next()
	if neg {
		doNegate(lit, t.pos)
	}
	return lit
}

// parseTableElement parses TableElement: columnDef | TableConstraint |
// LIKE (unsupported).
func (p *parser) parseTableElement(st *ast.CreateTableStmt) {
	t := p.tok()
	if t.typ == tKeyword {
		switch t.kw {
		case kwCONSTRAINT, kwCHECK, kwUNIQUE, kwPRIMARY, kwFOREIGN, kwEXCLUDE:
			st.Constraints = append(st.Constraints, p.parseTableConstraint())
			return
		case kwLIKE:
			p.fail(pgerr.FeatureNotSupported, t.pos, "CREATE TABLE ... LIKE is not supported")
		}
	}
	st.Columns = append(st.Columns, p.parseColumnDef())
}

// parseColumnDef parses columnDef: ColId Typename [COMPRESSION x] ColQualList.
func (p *parser) parseColumnDef() *ast.ColumnDef {
	t := p.tok()
	cd := &ast.ColumnDef{Pos: t.pos, Name: p.parseColId(), Type: p.parseTypename()}
	if p.isKw(kwCOMPRESSION) {
		p.next()
		if !p.acceptKw(kwDEFAULT) {
			p.parseColId()
		}
	}
	p.parseColQualList(cd)
	return cd
}

// parseColQualList parses ColQualList: column constraints, constraint
// attributes (folded into the preceding constraint, as
// transformConstraintAttrs does) and COLLATE.
func (p *parser) parseColQualList(cd *ast.ColumnDef) {
	var last *ast.Constraint
	sawDeferrability, sawInitially := false, false
	for {
		t := p.tok()
		if t.typ != tKeyword {
			return
		}
		// Constraint attributes.
		switch {
		case t.kw == kwDEFERRABLE || t.kw == kwNOT && p.peekIsKw(1, kwDEFERRABLE):
			p.next()
			deferrable := t.kw == kwDEFERRABLE
			if !deferrable {
				p.next()
			}
			if last == nil || !isFKOrUnique(last.Kind) {
				p.fail(pgerr.SyntaxError, t.pos, "misplaced %sDEFERRABLE clause", notPrefix(!deferrable))
			}
			if sawDeferrability {
				p.fail(pgerr.SyntaxError, t.pos, "multiple DEFERRABLE/NOT DEFERRABLE clauses not allowed")
			}
			sawDeferrability = true
			last.Deferrable = deferrable
			if !deferrable && last.InitiallyDeferred {
				p.fail(pgerr.SyntaxError, t.pos, "constraint declared INITIALLY DEFERRED must be DEFERRABLE")
			}
			continue
		case t.kw == kwINITIALLY:
			p.next()
			deferred := false
			if p.acceptKw(kwDEFERRED) {
				deferred = true
			} else {
				p.expectKw(kwIMMEDIATE)
			}
			word := "IMMEDIATE"
			if deferred {
				word = "DEFERRED"
			}
			if last == nil || !isFKOrUnique(last.Kind) {
				p.fail(pgerr.SyntaxError, t.pos, "misplaced INITIALLY %s clause", word)
			}
			if sawInitially {
				p.fail(pgerr.SyntaxError, t.pos, "multiple INITIALLY IMMEDIATE/DEFERRED clauses not allowed")
			}
			sawInitially = true
			last.InitiallyDeferred = deferred
			if deferred {
				if !last.Deferrable && sawDeferrability {
					p.fail(pgerr.SyntaxError, t.pos, "constraint declared INITIALLY DEFERRED must be DEFERRABLE")
				}
				last.Deferrable = true // INITIALLY DEFERRED implies DEFERRABLE
			}
			continue
		case t.kw == kwCOLLATE:
			p.next()
			cd.Collation = p.parseAnyName()
			continue
		}
		c := p.parseColConstraint()
		if c == nil {
			return
		}
		cd.Constraints = append(cd.Constraints, c)
		last = c
		sawDeferrability, sawInitially = false, false
	}
}

func isFKOrUnique(k ast.ConstrType) bool {
	return k == ast.ConstrForeign || k == ast.ConstrUnique || k == ast.ConstrPrimary
}

func notPrefix(b bool) string {
	if b {
		return "NOT "
	}
	return ""
}

// parseColConstraint parses ColConstraint: [CONSTRAINT name]
// ColConstraintElem, or returns nil if none starts here.
func (p *parser) parseColConstraint() *ast.Constraint {
	t := p.tok()
	c := &ast.Constraint{Pos: t.pos}
	if p.isKw(kwCONSTRAINT) {
		p.next()
		c.Name = p.parseName()
	}
	e := p.tok()
	if e.typ != tKeyword {
		if c.Name != "" {
			p.syntaxError()
		}
		return nil
	}
	switch e.kw {
	case kwNOT:
		if !p.peekIsKw(1, kwNULL) {
			p.next()
			p.syntaxError()
		}
		p.next()
		p.next()
		c.Kind = ast.ConstrNotNull
	case kwNULL:
		p.next()
		c.Kind = ast.ConstrNull
	case kwUNIQUE:
		p.next()
		c.Kind = ast.ConstrUnique
		c.NullsNotDistinct = p.parseNullsDistinct()
		p.parseOptDefinition()
		p.parseOptConsTablespace()
	case kwPRIMARY:
		p.next()
		p.expectKw(kwKEY)
		c.Kind = ast.ConstrPrimary
		p.parseOptDefinition()
		p.parseOptConsTablespace()
	case kwCHECK:
		p.next()
		c.Kind = ast.ConstrCheck
		p.expect('(')
		c.Expr = p.parseExpr()
		p.expect(')')
		if p.isKw(kwNO) && p.peekIsKw(1, kwINHERIT) {
			p.next()
			p.next()
			c.NoInherit = true
		}
	case kwDEFAULT:
		p.next()
		c.Kind = ast.ConstrDefault
		c.Expr = p.parseBExpr()
	case kwGENERATED:
		p.next()
		whenPos := p.tok().pos
		if p.acceptKw(kwALWAYS) {
			c.Identity = ast.IdentityAlways
		} else {
			p.expectKw(kwBY)
			p.expectKw(kwDEFAULT)
			c.Identity = ast.IdentityByDefault
		}
		p.expectKw(kwAS)
		if p.acceptKw(kwIDENTITY) {
			c.Kind = ast.ConstrIdentity
			if p.is('(') {
				p.next()
				c.SeqOptions = p.parseSeqOptList()
				p.expect(')')
			}
		} else {
			p.expect('(')
			c.Expr = p.parseExpr()
			p.expect(')')
			p.expectKw(kwSTORED)
			c.Kind = ast.ConstrGenerated
			if c.Identity != ast.IdentityAlways {
				p.fail(pgerr.SyntaxError, whenPos, "for a generated column, GENERATED ALWAYS must be specified")
			}
		}
	case kwREFERENCES:
		p.next()
		c.Kind = ast.ConstrForeign
		p.parseReferences(c)
	default:
		if c.Name != "" {
			p.syntaxError()
		}
		return nil
	}
	return c
}

// parseNullsDistinct parses opt_unique_null_treatment and reports NULLS NOT DISTINCT.
func (p *parser) parseNullsDistinct() bool {
	if p.isKw(kwNULLS) {
		p.next()
		not := p.acceptKw(kwNOT)
		p.expectKw(kwDISTINCT)
		return not
	}
	return false
}

// parseOptDefinition skips WITH (storage options) of constraints.
func (p *parser) parseOptDefinition() {
	if p.isKw(kwWITH) && p.peek(1).typ == '(' {
		p.next()
		p.parseRelOptions()
	}
}

// parseOptConsTablespace skips USING INDEX TABLESPACE name.
func (p *parser) parseOptConsTablespace() {
	if p.isKw(kwUSING) && p.peekIsKw(1, kwINDEX) && p.peekIsKw(2, kwTABLESPACE) {
		p.next()
		p.next()
		p.next()
		p.parseName()
	}
}

// parseReferences parses qualified_name opt_column_list key_match key_actions.
func (p *parser) parseReferences(c *ast.Constraint) {
	c.RefTable = p.parseQualifiedName()
	if p.is('(') {
		c.RefColumns = p.parseParenNameList()
	}
	if p.isKw(kwMATCH) {
		m := p.next()
		switch {
		case p.acceptKw(kwFULL):
			c.Match = ast.MatchFull
		case p.acceptKw(kwPARTIAL):
			p.fail(pgerr.FeatureNotSupported, m.pos, "MATCH PARTIAL not yet implemented")
		default:
			p.expectKw(kwSIMPLE)
		}
	}
	sawDel, sawUpd := false, false
	for p.isKw(kwON) && (p.peekIsKw(1, kwDELETE) || p.peekIsKw(1, kwUPDATE)) {
		p.next()
		del := p.next().kw == kwDELETE
		if del && sawDel || !del && sawUpd {
			p.syntaxErrorAt(p.prev)
		}
		a := p.parseKeyAction()
		if del {
			sawDel = true
			c.OnDelete = a
		} else {
			sawUpd = true
			c.OnUpdate = a
		}
	}
}

// parseKeyAction parses key_action.
func (p *parser) parseKeyAction() ast.FKAction {
	switch {
	case p.acceptKw(kwNO):
		p.expectKw(kwACTION)
		return ast.FKNoAction
	case p.acceptKw(kwRESTRICT):
		return ast.FKRestrict
	case p.acceptKw(kwCASCADE):
		return ast.FKCascade
	case p.acceptKw(kwSET):
		a := ast.FKSetNull
		if p.acceptKw(kwDEFAULT) {
			a = ast.FKSetDefault
		} else {
			p.expectKw(kwNULL)
		}
		if p.is('(') {
			p.fail(pgerr.FeatureNotSupported, p.tok().pos, "column lists for SET NULL/SET DEFAULT are not supported")
		}
		return a
	}
	p.syntaxError()
	return 0
}

// parseTableConstraint parses TableConstraint: [CONSTRAINT name] ConstraintElem.
func (p *parser) parseTableConstraint() *ast.Constraint {
	t := p.tok()
	c := &ast.Constraint{Pos: t.pos}
	if p.acceptKw(kwCONSTRAINT) {
		c.Name = p.parseName()
	}
	e := p.tok()
	if e.typ != tKeyword {
		p.syntaxError()
	}
	switch e.kw {
	case kwCHECK:
		p.next()
		c.Kind = ast.ConstrCheck
		p.expect('(')
		c.Expr = p.parseExpr()
		p.expect(')')
	case kwUNIQUE:
		p.next()
		c.Kind = ast.ConstrUnique
		c.NullsNotDistinct = p.parseNullsDistinct()
		if p.isKw(kwUSING) && p.peekIsKw(1, kwINDEX) {
			p.next()
			p.next()
			c.IndexName = p.parseName()
		} else {
			c.Keys = p.parseParenNameList()
			c.Including = p.parseOptInclude()
			p.parseOptDefinition()
			p.parseOptConsTablespace()
		}
	case kwPRIMARY:
		p.next()
		p.expectKw(kwKEY)
		c.Kind = ast.ConstrPrimary
		if p.isKw(kwUSING) && p.peekIsKw(1, kwINDEX) {
			p.next()
			p.next()
			c.IndexName = p.parseName()
		} else {
			c.Keys = p.parseParenNameList()
			c.Including = p.parseOptInclude()
			p.parseOptDefinition()
			p.parseOptConsTablespace()
		}
	case kwFOREIGN:
		p.next()
		p.expectKw(kwKEY)
		c.Kind = ast.ConstrForeign
		c.Keys = p.parseParenNameList()
		p.expectKw(kwREFERENCES)
		p.parseReferences(c)
	case kwEXCLUDE:
		p.fail(pgerr.FeatureNotSupported, e.pos, "exclusion constraints are not supported")
	default:
		p.syntaxError()
	}
	p.parseConstraintAttributeSpec(c)
	return c
}

// parseOptInclude parses [INCLUDE '(' columnList ')'].
func (p *parser) parseOptInclude() []string {
	if p.acceptKw(kwINCLUDE) {
		return p.parseParenNameList()
	}
	return nil
}

// parseConstraintAttributeSpec parses ConstraintAttributeSpec and applies
// it as processCASbits does.
func (p *parser) parseConstraintAttributeSpec(c *ast.Constraint) {
	const (
		deferrable = 1 << iota
		notDeferrable
		initDeferred
		initImmediate
		notValid
		noInherit
	)
	bits := 0
	for {
		t := p.tok()
		nb := 0
		switch {
		case p.isKw(kwDEFERRABLE):
			p.next()
			nb = deferrable
		case p.isKw(kwNOT) && p.peekIsKw(1, kwDEFERRABLE):
			p.next()
			p.next()
			nb = notDeferrable
		case p.isKw(kwINITIALLY):
			p.next()
			if p.acceptKw(kwDEFERRED) {
				nb = initDeferred
			} else {
				p.expectKw(kwIMMEDIATE)
				nb = initImmediate
			}
		case p.isKw(kwNOT) && p.peekIsKw(1, kwVALID):
			p.next()
			p.next()
			nb = notValid
		case p.isKw(kwNO) && p.peekIsKw(1, kwINHERIT):
			p.next()
			p.next()
			nb = noInherit
		}
		if nb == 0 {
			break
		}
		if (nb|bits)&(deferrable|notDeferrable) == deferrable|notDeferrable ||
			(nb|bits)&(initDeferred|initImmediate) == initDeferred|initImmediate {
			p.fail(pgerr.SyntaxError, t.pos, "conflicting constraint properties")
		}
		if (nb|bits)&(notDeferrable|initDeferred) == notDeferrable|initDeferred {
			p.fail(pgerr.SyntaxError, t.pos, "constraint declared INITIALLY DEFERRED must be DEFERRABLE")
		}
		bits |= nb
	}
	kindName := map[ast.ConstrType]string{ast.ConstrCheck: "CHECK"}[c.Kind]
	if bits&(deferrable|initDeferred) != 0 {
		if c.Kind == ast.ConstrCheck {
			p.fail(pgerr.FeatureNotSupported, -1, "%s constraints cannot be marked DEFERRABLE", kindName)
		}
		c.Deferrable = true
	}
	if bits&initDeferred != 0 {
		c.InitiallyDeferred = true
	}
	if bits&notValid != 0 {
		if c.Kind != ast.ConstrCheck && c.Kind != ast.ConstrForeign {
			p.fail(pgerr.FeatureNotSupported, -1, "%s constraints cannot be marked NOT VALID", c.Kind.String())
		}
		c.NotValid = true
	}
	if bits&noInherit != 0 {
		if c.Kind != ast.ConstrCheck {
			p.fail(pgerr.FeatureNotSupported, -1, "%s constraints cannot be marked NO INHERIT", c.Kind.String())
		}
		c.NoInherit = true
	}
}

// parseSeqOptList parses SeqOptList (one or more SeqOptElem) into DefElems.
func (p *parser) parseSeqOptList() []*ast.DefElem {
	var l []*ast.DefElem
	for {
		d := p.parseSeqOptElem()
		if d == nil {
			if l == nil {
				p.syntaxError()
			}
			return l
		}
		l = append(l, d)
	}
}

// parseSeqOptElem parses SeqOptElem, or returns nil.
func (p *parser) parseSeqOptElem() *ast.DefElem {
	t := p.tok()
	if t.typ != tKeyword {
		return nil
	}
	d := &ast.DefElem{Pos: t.pos}
	switch t.kw {
	case kwAS:
		p.next()
		d.Name = "as"
		d.Arg = p.parseSimpleTypename(false)
	case kwCACHE:
		p.next()
		d.Name = "cache"
		d.Arg = p.parseNumericOnly()
	case kwCYCLE:
		p.next()
		d.Name = "cycle"
		d.Arg = &ast.Literal{Pos: t.pos, Kind: ast.LitBool, Val: "true"}
	case kwNO:
		n := p.peek(1)
		if n.typ != tKeyword {
			return nil
		}
		switch n.kw {
		case kwCYCLE:
			d.Name = "cycle"
			d.Arg = &ast.Literal{Pos: t.pos, Kind: ast.LitBool, Val: "false"}
		case kwMINVALUE:
			d.Name = "minvalue"
		case kwMAXVALUE:
			d.Name = "maxvalue"
		default:
			return nil
		}
		p.next()
		p.next()
	case kwINCREMENT:
		p.next()
		p.acceptKw(kwBY)
		d.Name = "increment"
		d.Arg = p.parseNumericOnly()
	case kwMAXVALUE, kwMINVALUE:
		p.next()
		d.Name = t.str
		d.Arg = p.parseNumericOnly()
	case kwOWNED:
		p.next()
		p.expectKw(kwBY)
		d.Name = "owned_by"
		ct := p.tok()
		d.Arg = &ast.ColumnRef{Pos: ct.pos, Names: p.parseAnyName()}
	case kwSEQUENCE:
		if !p.peekIsKw(1, kwNAME) {
			return nil
		}
		p.next()
		p.next()
		d.Name = "sequence_name"
		ct := p.tok()
		d.Arg = &ast.ColumnRef{Pos: ct.pos, Names: p.parseAnyName()}
	case kwSTART:
		p.next()
		p.acceptKw(kwWITH)
		d.Name = "start"
		d.Arg = p.parseNumericOnly()
	case kwRESTART:
		p.next()
		d.Name = "restart"
		if p.acceptKw(kwWITH) {
			d.Arg = p.parseNumericOnly()
		} else if n := p.tok(); n.typ == tInteger || n.typ == tNumeric || n.typ == '-' || n.typ == '+' {
			d.Arg = p.parseNumericOnly()
		}
	default:
		return nil
	}
	return d
}

// parseCreateSequence parses CreateSeqStmt.
func (p *parser) parseCreateSequence(pos int, persist ast.Persistence) ast.Stmt {
	p.expectKw(kwSEQUENCE)
	st := &ast.CreateSeqStmt{Pos: pos, Persistence: persist}
	st.IfNotExists = p.parseIfNotExists()
	st.Seq = p.parseQualifiedName()
	for {
		d := p.parseSeqOptElem()
		if d == nil {
			break
		}
		st.Options = append(st.Options, d)
	}
	return st
}

// parseCreateSchema parses CreateSchemaStmt (without schema elements).
func (p *parser) parseCreateSchema(pos int) ast.Stmt {
	p.expectKw(kwSCHEMA)
	st := &ast.CreateSchemaStmt{Pos: pos}
	st.IfNotExists = p.parseIfNotExists()
	if p.isKw(kwAUTHORIZATION) {
		p.next()
		st.Authorization = p.parseRoleSpec()
	} else {
		st.Name = p.parseColId()
		if p.acceptKw(kwAUTHORIZATION) {
			st.Authorization = p.parseRoleSpec()
		}
	}
	if t := p.tok(); t.typ == tKeyword && (t.kw == kwCREATE || t.kw == kwGRANT) {
		p.fail(pgerr.FeatureNotSupported, t.pos, "CREATE SCHEMA elements are not supported")
	}
	return st
}

// parseRoleSpec parses RoleSpec: NonReservedWord | CURRENT_ROLE |
// CURRENT_USER | SESSION_USER.
func (p *parser) parseRoleSpec() string {
	t := p.tok()
	if t.typ == tKeyword && (t.kw == kwCURRENT_ROLE || t.kw == kwCURRENT_USER || t.kw == kwSESSION_USER) {
		p.next()
		return t.str
	}
	return p.parseNonReservedWord()
}

// parseCreateView parses ViewStmt after CREATE [OR REPLACE] [temp].
func (p *parser) parseCreateView(pos int, replace bool, persist ast.Persistence) ast.Stmt {
	recursive := p.acceptKw(kwRECURSIVE)
	p.expectKw(kwVIEW)
	st := &ast.CreateViewStmt{Pos: pos, Replace: replace, Persistence: persist}
	st.View = p.parseQualifiedName()
	if p.is('(') {
		st.Columns = p.parseParenNameList()
	} else if recursive {
		p.syntaxError()
	}
	if p.isKw(kwWITH) && p.peek(1).typ == '(' {
		p.next()
		st.Options = p.parseRelOptions()
	}
	p.expectKw(kwAS)
	st.Query = p.parseSelectNoParens()
	if recursive {
		st.Query = makeRecursiveViewSelect(st.View, st.Columns, st.Query)
	}
	if p.isKw(kwWITH) {
		p.next()
		st.CheckOption = ast.CascadedCheckOption
		if p.acceptKw(kwLOCAL) {
			st.CheckOption = ast.LocalCheckOption
		} else {
			p.acceptKw(kwCASCADED)
		}
		p.expectKw(kwCHECK)
		p.expectKw(kwOPTION)
	}
	return st
}

// makeRecursiveViewSelect mirrors gram.y's function of that name.
func makeRecursiveViewSelect(view *ast.RangeVar, cols []string, q *ast.SelectStmt) *ast.SelectStmt {
	s := &ast.SelectStmt{Pos: q.Pos}
	s.With = &ast.WithClause{Pos: -1, Recursive: true, CTEs: []*ast.CTE{{Pos: -1, Name: view.Name, Columns: cols, Query: q}}}
	for _, c := range cols {
		s.Targets = append(s.Targets, &ast.ResTarget{Pos: -1, Val: &ast.ColumnRef{Pos: -1, Names: []string{c}}})
	}
	s.From = []ast.TableExpr{&ast.RangeVar{Pos: -1, Name: view.Name}}
	return s
}

// parseCreateIndex parses IndexStmt.
func (p *parser) parseCreateIndex(pos int) ast.Stmt {
	st := &ast.CreateIndexStmt{Pos: pos}
	st.Unique = p.acceptKw(kwUNIQUE)
	p.expectKw(kwINDEX)
	st.Concurrently = p.acceptKw(kwCONCURRENTLY)
	if p.isKw(kwIF) {
		st.IfNotExists = p.parseIfNotExists()
		if !st.IfNotExists {
			p.syntaxError()
		}
		st.Name = p.parseName()
	} else if !p.isKw(kwON) {
		st.Name = p.parseName()
	}
	p.expectKw(kwON)
	st.Table = p.parseRelationExpr()
	if p.acceptKw(kwUSING) {
		st.Method = p.parseName()
	}
	p.expect('(')
	for {
		st.Params = append(st.Params, p.parseIndexElem())
		if !p.accept(',') {
			break
		}
	}
	p.expect(')')
	if p.acceptKw(kwINCLUDE) {
		p.expect('(')
		for {
			st.Include = append(st.Include, p.parseIndexElem())
			if !p.accept(',') {
				break
			}
		}
		p.expect(')')
	}
	st.NullsNotDistinct = p.parseNullsDistinct()
	if p.isKw(kwWITH) && p.peek(1).typ == '(' {
		p.next()
		st.Options = p.parseRelOptions()
	}
	if p.isKw(kwTABLESPACE) {
		p.next()
		p.parseName()
	}
	if p.acceptKw(kwWHERE) {
		st.Where = p.parseExpr()
	}
	return st
}

// parseIndexElem parses index_elem: ColId | func_expr_windowless |
// '(' a_expr ')', then opt_collate opt_class opt_asc_desc opt_nulls_order.
func (p *parser) parseIndexElem() *ast.IndexElem {
	t := p.tok()
	ie := &ast.IndexElem{Pos: t.pos}
	switch {
	case t.typ == '(':
		p.next()
		ie.Expr = p.parseExpr()
		p.expect(')')
	case isFuncTableStart(p):
		ie.Expr = p.parseFuncExprWindowless()
	default:
		ie.Name = p.parseColId()
	}
	if p.acceptKw(kwCOLLATE) {
		ie.Collation = p.parseAnyName()
	}
	// opt_class: any_name, but not ASC/DESC/NULLS.
	if c := p.tok(); isColId(c) && !(c.typ == tKeyword && c.kw == kwNULLS) {
		ie.Opclass = p.parseAnyName()
	}
	switch {
	case p.acceptKw(kwASC):
		ie.Dir = ast.SortAsc
	case p.acceptKw(kwDESC):
		ie.Dir = ast.SortDesc
	}
	if p.isKw(kwNULLS) {
		n := p.peek(1)
		if n.typ == tKeyword && (n.kw == kwFIRST || n.kw == kwLAST) {
			p.next()
			p.next()
			ie.Nulls = ast.NullsLast
			if n.kw == kwFIRST {
				ie.Nulls = ast.NullsFirst
			}
		}
	}
	return ie
}

// parseDrop parses DropStmt for tables, views, indexes, sequences, schemas
// and a few other object kinds.
func (p *parser) parseDrop() ast.Stmt {
	t := p.expectKw(kwDROP)
	st := &ast.DropStmt{Pos: t.pos}
	k := p.tok()
	if k.typ != tKeyword {
		p.syntaxError()
	}
	schemaLike := false
	switch k.kw {
	case kwTABLE:
		st.Kind = ast.ObjectTable
	case kwVIEW:
		st.Kind = ast.ObjectView
	case kwSEQUENCE:
		st.Kind = ast.ObjectSequence
	case kwINDEX:
		st.Kind = ast.ObjectIndex
	case kwSCHEMA:
		st.Kind = ast.ObjectSchema
		schemaLike = true
	case kwMATERIALIZED:
		p.next()
		st.Kind = ast.ObjectMatView
		k = p.tok()
		if !p.isKw(kwVIEW) {
			p.syntaxError()
		}
	case kwTYPE, kwDOMAIN:
		st.Kind = ast.ObjectDataType
	case kwDATABASE:
		st.Kind = ast.ObjectDatabase
		schemaLike = true
	case kwFUNCTION, kwPROCEDURE, kwTRIGGER, kwEXTENSION, kwROLE, kwUSER, kwAGGREGATE, kwCOLLATION, kwOPERATOR,
		kwPOLICY, kwRULE, kwSERVER, kwPUBLICATION, kwSUBSCRIPTION, kwTABLESPACE, kwCAST, kwLANGUAGE, kwOWNED,
		kwGROUP, kwFOREIGN, kwEVENT, kwSTATISTICS, kwACCESS, kwTEXT, kwTRANSFORM, kwCONVERSION:
		p.fail(pgerr.FeatureNotSupported, t.pos, "DROP %s is not supported", upper(k.str))
	default:
		p.syntaxError()
	}
	p.next()
	if st.Kind == ast.ObjectIndex && p.acceptKw(kwCONCURRENTLY) {
		st.Concurrently = true
	}
	st.IfExists = p.parseIfExists()
	for {
		if schemaLike {
			nt := p.tok()
			st.Objects = append(st.Objects, &ast.RangeVar{Pos: nt.pos, Name: p.parseName()})
		} else {
			st.Objects = append(st.Objects, p.parseQualifiedName())
		}
		if !p.accept(',') {
			break
		}
		if st.Kind == ast.ObjectDatabase {
			p.syntaxErrorAt(p.prev)
		}
	}
	st.Behavior = p.parseDropBehavior()
	if st.Kind == ast.ObjectDatabase && p.is('(') {
		p.fail(pgerr.FeatureNotSupported, p.tok().pos, "DROP DATABASE options are not supported")
	}
	return st
}

// parseDropBehavior parses [CASCADE | RESTRICT].
func (p *parser) parseDropBehavior() ast.DropBehavior {
	switch {
	case p.acceptKw(kwCASCADE):
		return ast.DropCascade
	case p.acceptKw(kwRESTRICT):
		return ast.DropRestrict
	}
	return ast.DropDefault
}

// parseTruncate parses TruncateStmt.
func (p *parser) parseTruncate() ast.Stmt {
	t := p.expectKw(kwTRUNCATE)
	st := &ast.TruncateStmt{Pos: t.pos}
	p.acceptKw(kwTABLE)
	for {
		st.Tables = append(st.Tables, p.parseRelationExpr())
		if !p.accept(',') {
			break
		}
	}
	if p.isKw(kwRESTART) || p.isKw(kwCONTINUE) {
		st.RestartIdentity = p.next().kw == kwRESTART
		p.expectKw(kwIDENTITY)
	}
	st.Behavior = p.parseDropBehavior()
	return st
}

// parseReindex parses ReindexStmt.
func (p *parser) parseReindex() ast.Stmt {
	t := p.expectKw(kwREINDEX)
	st := &ast.ReindexStmt{Pos: t.pos}
	if p.is('(') {
		st.Options = p.parseUtilityOptionList()
	}
	k := p.next()
	if k.typ != tKeyword {
		p.syntaxErrorAt(k)
	}
	switch k.kw {
	case kwINDEX, kwTABLE:
		st.Kind = ast.ReindexIndex
		if k.kw == kwTABLE {
			st.Kind = ast.ReindexTable
		}
		st.Concurrently = p.acceptKw(kwCONCURRENTLY)
		st.Relation = p.parseQualifiedName()
	case kwSCHEMA:
		st.Kind = ast.ReindexSchema
		st.Concurrently = p.acceptKw(kwCONCURRENTLY)
		st.Name = p.parseName()
	case kwSYSTEM, kwDATABASE:
		st.Kind = ast.ReindexSystem
		if k.kw == kwDATABASE {
			st.Kind = ast.ReindexDatabase
		}
		st.Concurrently = p.acceptKw(kwCONCURRENTLY)
		st.Name = p.parseName()
	default:
		p.syntaxErrorAt(k)
	}
	return st
}
