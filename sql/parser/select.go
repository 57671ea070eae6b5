package parser

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

// parseSelectStmt parses a top-level SelectStmt. A simple SELECT ... INTO t
// becomes CREATE TABLE AS, as PostgreSQL's transformStmt makes it.
func (p *parser) parseSelectStmt() ast.Stmt {
	s := p.parseSelectNoParens()
	if s.Into != nil {
		into := s.Into
		s.Into = nil
		return &ast.CreateTableAsStmt{Pos: s.Pos, Table: into.Rel, Persistence: into.Persistence, Query: s}
	}
	return s
}

// parseWithStmt parses a statement starting with WITH: a query or
// INSERT/UPDATE/DELETE.
func (p *parser) parseWithStmt() ast.Stmt {
	with := p.parseWithClause()
	switch {
	case p.isKw(kwINSERT):
		return p.parseInsert(with)
	case p.isKw(kwUPDATE):
		return p.parseUpdate(with)
	case p.isKw(kwDELETE):
		return p.parseDelete(with)
	}
	s := p.parseSelectBody()
	p.insertSelectOptions(s, nil, nil, nil, with)
	return s
}

// parseSelectWithParens parses select_with_parens.
func (p *parser) parseSelectWithParens() *ast.SelectStmt {
	p.enter()
	defer p.leave()
	p.expect('(')
	s := p.parseSelectNoParens()
	p.expect(')')
	return s
}

// parseSelectNoParens parses select_no_parens (also accepting a bare
// select_with_parens): [WITH] set-operation tree [ORDER BY] [LIMIT ...]
// [FOR UPDATE ...].
func (p *parser) parseSelectNoParens() *ast.SelectStmt {
	var with *ast.WithClause
	if p.isKw(kwWITH) {
		with = p.parseWithClause()
	}
	s := p.parseSelectBody()
	if with != nil {
		p.insertSelectOptions(s, nil, nil, nil, with)
	}
	return s
}

// parseSelectBody parses the set-operation tree and the trailing ORDER BY,
// LIMIT and locking clauses.
func (p *parser) parseSelectBody() *ast.SelectStmt {
	p.enter()
	defer p.leave()
	s := p.parseSetOp(nil, 1)
	return p.parseSelectTail(s)
}

// continueSelect continues a query whose first operand, a parenthesized
// select, has already been parsed.
func (p *parser) continueSelect(left *ast.SelectStmt) *ast.SelectStmt {
	s := p.parseSetOp(left, 1)
	return p.parseSelectTail(s)
}

type limitClause struct {
	count, offset ast.Expr
	withTies      bool
	pos           int
}

// parseSelectTail parses opt_sort_clause and the select_limit /
// for_locking_clause combinations and applies them.
func (p *parser) parseSelectTail(s *ast.SelectStmt) *ast.SelectStmt {
	var sort []*ast.SortBy
	if p.isKw(kwORDER) {
		sort = p.parseSortClause()
	}
	var lim *limitClause
	var locking []*ast.LockingClause
	if p.isKw(kwFOR) {
		locking = p.parseLockingClauses()
		lim = p.parseSelectLimit()
	} else {
		lim = p.parseSelectLimit()
		if p.isKw(kwFOR) {
			locking = p.parseLockingClauses()
		}
	}
	p.insertSelectOptions(s, sort, locking, lim, nil)
	return s
}

// insertSelectOptions mirrors gram.y's insertSelectOptions.
func (p *parser) insertSelectOptions(s *ast.SelectStmt, sort []*ast.SortBy, locking []*ast.LockingClause, lim *limitClause, with *ast.WithClause) {
	if sort != nil {
		if s.OrderBy != nil {
			p.fail(pgerr.SyntaxError, sort[0].Pos, "multiple ORDER BY clauses not allowed")
		}
		s.OrderBy = sort
	}
	s.Locking = append(s.Locking, locking...)
	if lim != nil {
		if lim.offset != nil {
			if s.Offset != nil {
				p.fail(pgerr.SyntaxError, lim.offset.Position(), "multiple OFFSET clauses not allowed")
			}
			s.Offset = lim.offset
		}
		if lim.count != nil {
			if s.Limit != nil {
				p.fail(pgerr.SyntaxError, lim.count.Position(), "multiple LIMIT clauses not allowed")
			}
			s.Limit = lim.count
		}
		if lim.withTies {
			if s.LimitWithTies {
				p.fail(pgerr.SyntaxError, -1, "multiple limit options not allowed")
			}
			if s.OrderBy == nil {
				p.fail(pgerr.SyntaxError, -1, "WITH TIES cannot be specified without ORDER BY clause")
			}
			for _, l := range s.Locking {
				if l.Wait == ast.LockWaitSkip {
					p.fail(pgerr.SyntaxError, l.Pos, "SKIP LOCKED and WITH TIES options cannot be used together")
				}
			}
			s.LimitWithTies = true
		}
	}
	if with != nil {
		if s.With != nil {
			p.fail(pgerr.SyntaxError, with.Pos, "multiple WITH clauses not allowed")
		}
		s.With = with
		if with.Pos < s.Pos {
			s.Pos = with.Pos
		}
	}
}

// parseSetOp parses set operations with INTERSECT binding tighter than
// UNION and EXCEPT, all left-associative (min is the lowest level to accept:
// 1 = UNION/EXCEPT, 2 = INTERSECT).
func (p *parser) parseSetOp(left *ast.SelectStmt, min int) *ast.SelectStmt {
	if left == nil {
		left = p.parseSelectPrimary()
	}
	for {
		t := p.tok()
		if t.typ != tKeyword {
			return left
		}
		var op ast.SetOp
		prec := 0
		switch t.kw {
		case kwUNION:
			op, prec = ast.Union, 1
		case kwEXCEPT:
			op, prec = ast.Except, 1
		case kwINTERSECT:
			op, prec = ast.Intersect, 2
		default:
			return left
		}
		if prec < min {
			return left
		}
		p.next()
		all := false
		if p.acceptKw(kwALL) {
			all = true
		} else {
			p.acceptKw(kwDISTINCT)
		}
		right := p.parseSetOp(nil, prec+1)
		left = &ast.SelectStmt{Pos: left.Pos, Op: op, All: all, Left: left, Right: right}
		p.enter() // the tree deepens with each operation (P4)
		defer p.leave()
	}
}

// parseSelectPrimary parses simple_select without set operations, or a
// select_with_parens.
func (p *parser) parseSelectPrimary() *ast.SelectStmt {
	t := p.tok()
	if t.typ == '(' {
		return p.parseSelectWithParens()
	}
	if t.typ == tKeyword {
		switch t.kw {
		case kwSELECT:
			return p.parseSimpleSelect()
		case kwVALUES:
			return p.parseValues()
		case kwTABLE:
			p.next()
			rv := p.parseRelationExpr()
			return &ast.SelectStmt{Pos: t.pos, Targets: []*ast.ResTarget{{Pos: -1, Val: &ast.ColumnRef{Pos: -1, Star: true}}},
				From: []ast.TableExpr{rv}}
		}
	}
	p.syntaxError()
	return nil
}

// parseValues parses values_clause.
func (p *parser) parseValues() *ast.SelectStmt {
	t := p.expectKw(kwVALUES)
	s := &ast.SelectStmt{Pos: t.pos}
	for {
		p.expect('(')
		row := p.parseExprList()
		p.expect(')')
		s.Values = append(s.Values, row)
		if !p.accept(',') {
			return s
		}
	}
}

// canStartTarget reports whether the current token can begin a target list
// entry (opt_target_list may be empty: SELECT FROM t is valid).
func (p *parser) canStartTarget() bool {
	t := p.tok()
	switch t.typ {
	case tIdent, tString, tBitString, tInteger, tNumeric, tParam, '(', '+', '-', '*', tOp:
		return true
	case tKeyword:
		if t.kw.category() != reservedKw {
			return true
		}
		switch t.kw {
		case kwCASE, kwCAST, kwTRUE, kwFALSE, kwNULL, kwNOT, kwARRAY, kwCURRENT_DATE, kwCURRENT_TIME,
			kwCURRENT_TIMESTAMP, kwLOCALTIME, kwLOCALTIMESTAMP, kwCURRENT_ROLE, kwCURRENT_USER,
			kwSESSION_USER, kwUSER, kwCURRENT_CATALOG, kwDEFAULT:
			return true
		}
	}
	return false
}

// parseSimpleSelect parses SELECT [ALL | DISTINCT [ON (...)]] targets [INTO
// ...] [FROM ...] [WHERE ...] [GROUP BY ...] [HAVING ...] [WINDOW ...].
func (p *parser) parseSimpleSelect() *ast.SelectStmt {
	t := p.expectKw(kwSELECT)
	s := &ast.SelectStmt{Pos: t.pos}
	if p.isKw(kwDISTINCT) {
		p.next()
		if p.acceptKw(kwON) {
			p.expect('(')
			s.DistinctOn = p.parseExprList()
			p.expect(')')
		} else {
			s.Distinct = true
		}
		s.Targets = p.parseTargetList()
	} else {
		p.acceptKw(kwALL)
		if p.canStartTarget() {
			s.Targets = p.parseTargetList()
		}
	}
	if p.isKw(kwINTO) {
		s.Into = p.parseIntoClause()
	}
	if p.acceptKw(kwFROM) {
		s.From = p.parseFromList()
	}
	if p.acceptKw(kwWHERE) {
		s.Where = p.parseExpr()
	}
	if p.isKw(kwGROUP) {
		p.next()
		p.expectKw(kwBY)
		if p.acceptKw(kwDISTINCT) {
			s.GroupByDistinct = true
		} else {
			p.acceptKw(kwALL)
		}
		s.GroupBy = p.parseGroupByList()
	}
	if p.acceptKw(kwHAVING) {
		s.Having = p.parseExpr()
	}
	if p.acceptKw(kwWINDOW) {
		for {
			nt := p.tok()
			name := p.parseColId()
			p.expectKw(kwAS)
			w := p.parseWindowSpec()
			w.Name = name
			w.Pos = nt.pos
			s.Windows = append(s.Windows, w)
			if !p.accept(',') {
				break
			}
		}
	}
	return s
}

// parseIntoClause parses INTO [TEMP|TEMPORARY|UNLOGGED|...] [TABLE] name.
func (p *parser) parseIntoClause() *ast.IntoClause {
	t := p.expectKw(kwINTO)
	ic := &ast.IntoClause{Pos: t.pos}
	ic.Persistence = p.parseOptTemp()
	p.acceptKw(kwTABLE)
	ic.Rel = p.parseQualifiedName()
	return ic
}

// parseOptTemp parses OptTempTableName's persistence prefix.
func (p *parser) parseOptTemp() ast.Persistence {
	switch {
	case p.acceptKw(kwTEMPORARY), p.acceptKw(kwTEMP):
		return ast.PersistTemp
	case p.isKw(kwLOCAL) || p.isKw(kwGLOBAL):
		n := p.peek(1)
		if n.typ == tKeyword && (n.kw == kwTEMP || n.kw == kwTEMPORARY) {
			p.next()
			p.next()
			return ast.PersistTemp
		}
	case p.acceptKw(kwUNLOGGED):
		return ast.PersistUnlogged
	}
	return ast.PersistPermanent
}

// parseTargetList parses target_list.
func (p *parser) parseTargetList() []*ast.ResTarget {
	l := []*ast.ResTarget{p.parseTarget()}
	for p.accept(',') {
		l = append(l, p.parseTarget())
	}
	return l
}

// parseTarget parses target_el: a_expr [AS ColLabel | BareColLabel] | '*'.
func (p *parser) parseTarget() *ast.ResTarget {
	t := p.tok()
	if t.typ == '*' {
		p.next()
		return &ast.ResTarget{Pos: t.pos, Val: &ast.ColumnRef{Pos: t.pos, Star: true}}
	}
	rt := &ast.ResTarget{Pos: t.pos, Val: p.parseExpr()}
	if p.acceptKw(kwAS) {
		rt.Name = p.parseColLabel()
	} else if isBareColLabel(p.tok()) {
		rt.Name = p.next().str
	}
	return rt
}

// parseReturning parses [RETURNING target_list].
func (p *parser) parseReturning() []*ast.ResTarget {
	if p.acceptKw(kwRETURNING) {
		return p.parseTargetList()
	}
	return nil
}

// parseSortClause parses ORDER BY sortby_list.
func (p *parser) parseSortClause() []*ast.SortBy {
	p.expectKw(kwORDER)
	p.expectKw(kwBY)
	var l []*ast.SortBy
	for {
		t := p.tok()
		sb := &ast.SortBy{Pos: t.pos, Expr: p.parseExpr()}
		switch {
		case p.acceptKw(kwASC):
			sb.Dir = ast.SortAsc
		case p.acceptKw(kwDESC):
			sb.Dir = ast.SortDesc
		case p.acceptKw(kwUSING):
			sb.Dir = ast.SortUsing
			o := p.tok()
			switch o.typ {
			case tOp, '+', '-', '*', '/', '%', '^', '<', '>', '=', tLessEquals, tGreaterEquals, tNotEquals:
				p.next()
				sb.UsingOp = o.str
			case tKeyword:
				if o.kw != kwOPERATOR {
					p.syntaxError()
				}
				schema, op := p.parseOperatorName()
				sb.UsingOp = op
				if schema != "" {
					sb.UsingOp = schema + "." + op
				}
			default:
				p.syntaxError()
			}
		}
		if p.isKw(kwNULLS) {
			n := p.peek(1)
			if n.typ == tKeyword && (n.kw == kwFIRST || n.kw == kwLAST) {
				p.next()
				p.next()
				if n.kw == kwFIRST {
					sb.Nulls = ast.NullsFirst
				} else {
					sb.Nulls = ast.NullsLast
				}
			}
		}
		l = append(l, sb)
		if !p.accept(',') {
			return l
		}
	}
}

// parseSelectLimit parses select_limit: LIMIT/OFFSET/FETCH in the orders
// gram.y allows, or nil.
func (p *parser) parseSelectLimit() *limitClause {
	var lim *limitClause
	if p.isKw(kwLIMIT) || p.isKw(kwFETCH) {
		lim = p.parseLimitClause()
		if p.isKw(kwOFFSET) {
			lim.offset = p.parseOffsetClause()
		}
	} else if p.isKw(kwOFFSET) {
		lim = &limitClause{offset: p.parseOffsetClause()}
		if p.isKw(kwLIMIT) || p.isKw(kwFETCH) {
			l2 := p.parseLimitClause()
			lim.count, lim.withTies, lim.pos = l2.count, l2.withTies, l2.pos
		}
	}
	return lim
}

func (p *parser) parseLimitClause() *limitClause {
	t := p.next()
	lim := &limitClause{pos: t.pos}
	if t.kw == kwLIMIT {
		if a := p.tok(); a.typ == tKeyword && a.kw == kwALL {
			p.next()
			lim.count = &ast.Literal{Pos: a.pos, Kind: ast.LitNull, Val: "null"}
		} else {
			lim.count = p.parseExpr()
		}
		if p.is(',') {
			p.fail(pgerr.SyntaxError, t.pos, "LIMIT #,# syntax is not supported")
		}
		return lim
	}
	// FETCH {FIRST|NEXT} [n] {ROW|ROWS} {ONLY|WITH TIES}
	if !p.acceptKw(kwFIRST) {
		p.expectKw(kwNEXT)
	}
	if p.isKw(kwROW) || p.isKw(kwROWS) {
		lim.count = &ast.Literal{Pos: p.tok().pos, Kind: ast.LitInteger, Val: "1"}
	} else {
		lim.count = p.parseFetchFirstValue()
	}
	if !p.acceptKw(kwROW) {
		p.expectKw(kwROWS)
	}
	if p.acceptKw(kwWITH) {
		p.expectKw(kwTIES)
		lim.withTies = true
	} else {
		p.expectKw(kwONLY)
	}
	return lim
}

// parseFetchFirstValue parses select_fetch_first_value: c_expr | '+'
// I_or_F_const | '-' I_or_F_const.
func (p *parser) parseFetchFirstValue() ast.Expr {
	t := p.tok()
	if t.typ == '+' || t.typ == '-' {
		p.next()
		n := p.tok()
		if n.typ != tInteger && n.typ != tNumeric {
			p.syntaxError()
		}
		lit := p.parsePrimary()
		if t.typ == '-' {
			return doNegate(lit, t.pos)
		}
		return lit
	}
	return p.parsePrimary()
}

func (p *parser) parseOffsetClause() ast.Expr {
	p.expectKw(kwOFFSET)
	e := p.parseExpr()
	if !p.acceptKw(kwROW) {
		p.acceptKw(kwROWS)
	}
	return e
}

// parseLockingClauses parses for_locking_clause: FOR READ ONLY or one or
// more FOR UPDATE/SHARE items.
func (p *parser) parseLockingClauses() []*ast.LockingClause {
	if p.isKw(kwFOR) && p.peekIsKw(1, kwREAD) {
		p.next()
		p.next()
		p.expectKw(kwONLY)
		return nil
	}
	var l []*ast.LockingClause
	for p.isKw(kwFOR) {
		t := p.next()
		lc := &ast.LockingClause{Pos: t.pos}
		switch {
		case p.acceptKw(kwUPDATE):
			lc.Strength = ast.ForUpdate
		case p.acceptKw(kwNO):
			p.expectKw(kwKEY)
			p.expectKw(kwUPDATE)
			lc.Strength = ast.ForNoKeyUpdate
		case p.acceptKw(kwSHARE):
			lc.Strength = ast.ForShare
		case p.acceptKw(kwKEY):
			p.expectKw(kwSHARE)
			lc.Strength = ast.ForKeyShare
		default:
			p.syntaxError()
		}
		if p.acceptKw(kwOF) {
			lc.Tables = p.parseQualifiedNameList()
		}
		if p.acceptKw(kwNOWAIT) {
			lc.Wait = ast.LockWaitError
		} else if p.acceptKw(kwSKIP) {
			p.expectKw(kwLOCKED)
			lc.Wait = ast.LockWaitSkip
		}
		l = append(l, lc)
	}
	return l
}

// parseWithClause parses WITH [RECURSIVE] cte (',' cte)*.
func (p *parser) parseWithClause() *ast.WithClause {
	t := p.expectKw(kwWITH)
	w := &ast.WithClause{Pos: t.pos}
	w.Recursive = p.acceptKw(kwRECURSIVE)
	for {
		nt := p.tok()
		cte := &ast.CTE{Pos: nt.pos, Name: p.parseName()}
		if p.is('(') {
			cte.Columns = p.parseParenNameList()
		}
		p.expectKw(kwAS)
		if p.isKw(kwMATERIALIZED) {
			p.next()
			cte.Materialize = ast.MaterializeAlways
		} else if p.isKw(kwNOT) && p.peekIsKw(1, kwMATERIALIZED) {
			p.next()
			p.next()
			cte.Materialize = ast.MaterializeNever
		}
		p.expect('(')
		cte.Query = p.parsePreparableStmt()
		p.expect(')')
		if p.isKw(kwSEARCH) || p.isKw(kwCYCLE) {
			p.fail(pgerr.FeatureNotSupported, p.tok().pos, "%s clause of WITH is not supported", upper(p.tok().str))
		}
		w.CTEs = append(w.CTEs, cte)
		if !p.accept(',') {
			return w
		}
	}
}

// parsePreparableStmt parses PreparableStmt: SelectStmt | InsertStmt |
// UpdateStmt | DeleteStmt.
func (p *parser) parsePreparableStmt() ast.Stmt {
	t := p.tok()
	if t.typ == tKeyword {
		switch t.kw {
		case kwINSERT:
			return p.parseInsert(nil)
		case kwUPDATE:
			return p.parseUpdate(nil)
		case kwDELETE:
			return p.parseDelete(nil)
		case kwWITH:
			return p.parseWithStmt()
		}
	}
	return p.parseSelectNoParens()
}

// parseGroupByList parses group_by_list.
func (p *parser) parseGroupByList() []ast.Expr {
	l := []ast.Expr{p.parseGroupByItem()}
	for p.accept(',') {
		l = append(l, p.parseGroupByItem())
	}
	return l
}

// parseGroupByItem parses group_by_item: a_expr | () | CUBE (...) |
// ROLLUP (...) | GROUPING SETS (...).
func (p *parser) parseGroupByItem() ast.Expr {
	t := p.tok()
	if t.typ == '(' && p.peek(1).typ == ')' {
		p.next()
		p.next()
		return &ast.GroupingSet{Pos: t.pos, Kind: ast.GroupingEmpty}
	}
	if t.typ == tKeyword && p.peek(1).typ == '(' {
		switch t.kw {
		case kwCUBE, kwROLLUP:
			p.next()
			p.next()
			kind := ast.GroupingCube
			if t.kw == kwROLLUP {
				kind = ast.GroupingRollup
			}
			items := p.parseExprList()
			p.expect(')')
			return &ast.GroupingSet{Pos: t.pos, Kind: kind, Items: items}
		}
	}
	if t.typ == tKeyword && t.kw == kwGROUPING && p.peekIsKw(1, kwSETS) {
		p.next()
		p.next()
		p.expect('(')
		items := p.parseGroupByList()
		p.expect(')')
		return &ast.GroupingSet{Pos: t.pos, Kind: ast.GroupingSets, Items: items}
	}
	return p.parseExpr()
}

// parseFromList parses from_list.
func (p *parser) parseFromList() []ast.TableExpr {
	l := []ast.TableExpr{p.parseTableRef()}
	for p.accept(',') {
		l = append(l, p.parseTableRef())
	}
	return l
}

// parseTableRef parses table_ref including any joins that follow it.
func (p *parser) parseTableRef() ast.TableExpr {
	p.enter()
	defer p.leave()
	left := p.parseTablePrimary()
	for p.startsJoin() {
		left = p.parseJoin(left)
	}
	return left
}

// startsJoin reports whether the current token begins a join of joined_table.
func (p *parser) startsJoin() bool {
	t := p.tok()
	if t.typ != tKeyword {
		return false
	}
	switch t.kw {
	case kwJOIN, kwCROSS, kwNATURAL, kwINNER, kwLEFT, kwRIGHT, kwFULL:
		return true
	}
	return false
}

// parseJoin parses one join with left as its left operand. A qualified join
// takes a right operand that may itself contain joins (a JOIN b JOIN c ON x
// ON y), as bison's shift preference gives.
func (p *parser) parseJoin(left ast.TableExpr) ast.TableExpr {
	p.enter()
	defer p.leave()
	t := p.next()
	j := &ast.JoinExpr{Pos: t.pos, Left: left}
	if t.kw == kwCROSS {
		p.expectKw(kwJOIN)
		j.Type = ast.JoinCross
		j.Right = p.parseTablePrimary()
		return j
	}
	if t.kw == kwNATURAL {
		j.Natural = true
		t = p.next()
	}
	switch t.kw {
	case kwJOIN:
	case kwINNER:
		p.expectKw(kwJOIN)
	case kwLEFT, kwRIGHT, kwFULL:
		p.acceptKw(kwOUTER)
		p.expectKw(kwJOIN)
		j.Type = map[keyword]ast.JoinType{kwLEFT: ast.JoinLeft, kwRIGHT: ast.JoinRight, kwFULL: ast.JoinFull}[t.kw]
	default:
		p.syntaxErrorAt(t)
	}
	if j.Natural {
		j.Right = p.parseTablePrimary()
		return j
	}
	right := p.parseTablePrimary()
	for p.startsJoin() {
		right = p.parseJoin(right)
	}
	j.Right = right
	switch {
	case p.acceptKw(kwON):
		j.On = p.parseExpr()
	case p.acceptKw(kwUSING):
		j.Using = p.parseParenNameList()
		if p.isKw(kwAS) {
			at := p.next()
			j.UsingAlias = &ast.Alias{Pos: at.pos, Name: p.parseColId()}
		}
	default:
		p.syntaxError()
	}
	return j
}

// parseTablePrimary parses a table_ref without trailing joins: a relation,
// a function, a subquery or a parenthesized joined table.
func (p *parser) parseTablePrimary() ast.TableExpr {
	t := p.tok()
	if t.typ == tKeyword && t.kw == kwLATERAL {
		p.next()
		if p.is('(') {
			sub, sel := p.parseParenTable()
			if sel == nil {
				p.syntaxErrorAt(p.tok())
			}
			_ = sub
			rs := &ast.RangeSubselect{Pos: t.pos, Lateral: true, Subquery: sel}
			rs.Alias = p.parseOptAlias(false)
			if rs.Alias == nil {
				p.subqueryAliasError(sel)
			}
			return rs
		}
		rf := p.parseFuncTable()
		rf.Lateral = true
		rf.Pos = t.pos
		return rf
	}
	if t.typ == '(' {
		te, sel := p.parseParenTable()
		if sel != nil {
			rs := &ast.RangeSubselect{Pos: t.pos, Subquery: sel}
			rs.Alias = p.parseOptAlias(false)
			if rs.Alias == nil {
				p.subqueryAliasError(sel)
			}
			return rs
		}
		// '(' joined_table ')' [alias_clause]
		if j, ok := te.(*ast.JoinExpr); ok {
			if a := p.parseOptAlias(false); a != nil {
				if j.Alias != nil {
					p.syntaxErrorAt(p.prev)
				}
				j.Alias = a
			}
		}
		return te
	}
	if t.typ == tKeyword && t.kw == kwROWS && p.peekIsKw(1, kwFROM) {
		return p.parseFuncTable()
	}
	// A function call is a name followed by '('.
	if isFuncTableStart(p) {
		return p.parseFuncTable()
	}
	rv := p.parseRelationExpr()
	rv.Alias = p.parseOptAlias(false)
	if p.isKw(kwTABLESAMPLE) {
		p.fail(pgerr.FeatureNotSupported, p.tok().pos, "TABLESAMPLE is not supported")
	}
	return rv
}

func (p *parser) subqueryAliasError(sel *ast.SelectStmt) {
	msg := "subquery in FROM must have an alias"
	hint := "For example, FROM (SELECT ...) [AS] foo."
	if sel.Values != nil && sel.Op == ast.SetOpNone {
		msg = "VALUES in FROM must have an alias"
		hint = "For example, FROM (VALUES ...) [AS] foo."
	}
	e := pgerr.New(pgerr.SyntaxError, "%s", msg).WithHint("%s", hint)
	e.Position = cursorPos(p.src, p.parenStart)
	panic(bailout{e})
}

// isFuncTableStart reports whether the tokens ahead are func_name '('.
func isFuncTableStart(p *parser) bool {
	t := p.tok()
	if !(isTypeFuncName(t) || isColId(t)) {
		// special functions such as COALESCE(...) or CURRENT_DATE
		if t.typ == tKeyword && (t.kw == kwCAST || t.kw == kwCURRENT_DATE || t.kw == kwCURRENT_TIMESTAMP || t.kw == kwLOCALTIMESTAMP ||
			t.kw == kwCURRENT_TIME || t.kw == kwLOCALTIME || t.kw == kwCURRENT_USER || t.kw == kwSESSION_USER ||
			t.kw == kwUSER || t.kw == kwCURRENT_ROLE || t.kw == kwCURRENT_CATALOG) {
			return true
		}
		return false
	}
	k := 1
	for p.peek(k).typ == '.' && isColLabel(p.peek(k+1)) {
		k += 2
	}
	return p.peek(k).typ == '('
}

// parseFuncTable parses func_table [func_alias_clause]: f(args) [WITH
// ORDINALITY] or ROWS FROM (f(...), ...) [WITH ORDINALITY].
func (p *parser) parseFuncTable() *ast.RangeFunction {
	t := p.tok()
	rf := &ast.RangeFunction{Pos: t.pos}
	if t.typ == tKeyword && t.kw == kwROWS {
		p.next()
		p.expectKw(kwFROM)
		p.expect('(')
		rf.RowsFrom = true
		for {
			e := p.parseFuncExprWindowless()
			rf.Funcs = append(rf.Funcs, e)
			if p.isKw(kwAS) {
				p.fail(pgerr.FeatureNotSupported, p.tok().pos, "column definition lists in ROWS FROM are not supported")
			}
			if !p.accept(',') {
				break
			}
		}
		p.expect(')')
	} else {
		rf.Funcs = []ast.Expr{p.parseFuncExprWindowless()}
	}
	if p.isKw(kwWITH) && p.peekIsKw(1, kwORDINALITY) {
		p.next()
		p.next()
		rf.WithOrdinality = true
	}
	// func_alias_clause: alias_clause | AS '(' TableFuncElementList ')' |
	// AS ColId '(' TableFuncElementList ')' | ColId '(' TableFuncElementList ')'.
	if p.isKw(kwAS) && p.peek(1).typ == '(' {
		at := p.next()
		rf.Alias = &ast.Alias{Pos: at.pos}
		rf.ColDefs = p.parseColDefList()
		return rf
	}
	startAs := p.isKw(kwAS)
	at := p.tok()
	if startAs {
		p.next()
	}
	if !startAs && !isColId(p.tok()) {
		return rf
	}
	name := p.parseColId()
	rf.Alias = &ast.Alias{Pos: at.pos, Name: name}
	if p.is('(') {
		// Either a column alias list or a column definition list.
		if isColId(p.peek(1)) && (p.peek(2).typ == ',' || p.peek(2).typ == ')') {
			rf.Alias.Columns = p.parseParenNameList()
		} else {
			rf.ColDefs = p.parseColDefList()
		}
	}
	return rf
}

// parseColDefList parses '(' ColId Typename [COLLATE ...] (',' ...)* ')'.
func (p *parser) parseColDefList() []*ast.ColumnDef {
	p.expect('(')
	var l []*ast.ColumnDef
	for {
		t := p.tok()
		cd := &ast.ColumnDef{Pos: t.pos, Name: p.parseColId(), Type: p.parseTypename()}
		if p.acceptKw(kwCOLLATE) {
			cd.Collation = p.parseAnyName()
		}
		l = append(l, cd)
		if !p.accept(',') {
			break
		}
	}
	p.expect(')')
	return l
}

// parseFuncExprWindowless parses func_expr_windowless: a function call or
// one of the special SQL functions.
func (p *parser) parseFuncExprWindowless() ast.Expr {
	t := p.tok()
	e := p.parsePrimary()
	switch f := e.(type) {
	case *ast.FuncCall:
		if f.Over != nil {
			p.syntaxErrorAt(t)
		}
		return f
	case *ast.SQLValueFunc, *ast.CoalesceExpr, *ast.MinMaxExpr, *ast.NullIfExpr:
		return e
	case *ast.TypeCast:
		if t.typ == tKeyword && t.kw == kwCAST {
			return e
		}
		p.syntaxErrorAt(p.prev) // a typed literal such as foo(1) 'x'
	}
	p.syntaxErrorAt(t)
	return nil
}

// parseRelationExpr parses relation_expr: name [*] | ONLY name | ONLY (name).
func (p *parser) parseRelationExpr() *ast.RangeVar {
	if p.isKw(kwONLY) {
		t := p.next()
		var rv *ast.RangeVar
		if p.accept('(') {
			rv = p.parseQualifiedName()
			p.expect(')')
		} else {
			rv = p.parseQualifiedName()
		}
		rv.Only = true
		rv.Pos = t.pos
		return rv
	}
	rv := p.parseQualifiedName()
	p.accept('*')
	return rv
}

// parseOptAlias parses opt_alias_clause: [AS] ColId ['(' name_list ')'].
// forUpdate stops at SET (UPDATE t SET ...: relation_expr_opt_alias).
func (p *parser) parseOptAlias(forUpdate bool) *ast.Alias {
	t := p.tok()
	if p.isKw(kwAS) {
		p.next()
	} else if !isColId(t) || forUpdate && t.typ == tKeyword && t.kw == kwSET {
		return nil
	}
	a := &ast.Alias{Pos: t.pos, Name: p.parseColId()}
	if p.is('(') && !forUpdate {
		a.Columns = p.parseParenNameList()
	}
	return a
}

// parseParenTable parses a parenthesized FROM item: a select_with_parens
// (sel != nil) or a parenthesized joined table.
func (p *parser) parseParenTable() (ast.TableExpr, *ast.SelectStmt) {
	p.enter()
	defer p.leave()
	lp := p.expect('(')
	p.parenStart = lp.pos
	if p.startsSelect() {
		s := p.parseSelectNoParens()
		p.expect(')')
		p.parenStart = lp.pos
		return nil, s
	}
	var left ast.TableExpr
	if p.is('(') {
		inner, s := p.parseParenTable()
		if s != nil {
			if p.accept(')') {
				p.parenStart = lp.pos
				return nil, s
			}
			if p.startsSelectTail() {
				s = p.continueSelect(s)
				p.expect(')')
				p.parenStart = lp.pos
				return nil, s
			}
			rs := &ast.RangeSubselect{Pos: p.parenStart, Subquery: s}
			rs.Alias = p.parseOptAlias(false)
			if rs.Alias == nil {
				p.subqueryAliasError(s)
			}
			inner = rs
		} else if j, ok := inner.(*ast.JoinExpr); ok {
			if p.accept(')') { // '(' joined_table ')' nested
				return j, nil
			}
			if a := p.parseOptAlias(false); a != nil {
				j.Alias = a
			}
		}
		left = inner
	} else {
		left = p.parseTablePrimary()
	}
	if !p.startsJoin() {
		// '(' table_ref ')' without a join is not valid.
		p.syntaxError()
	}
	for p.startsJoin() {
		left = p.parseJoin(left)
	}
	p.expect(')')
	return left, nil
}
