package parser

import (
	"github.com/tuskdb/tusk/sql/ast"
)

// parseInsert parses InsertStmt after an optional WITH clause.
func (p *parser) parseInsert(with *ast.WithClause) ast.Stmt {
	t := p.expectKw(kwINSERT)
	p.expectKw(kwINTO)
	st := &ast.InsertStmt{Pos: t.pos, With: with}
	if with != nil {
		st.Pos = with.Pos
	}
	st.Table = p.parseQualifiedName()
	if p.isKw(kwAS) {
		at := p.next()
		st.Table.Alias = &ast.Alias{Pos: at.pos, Name: p.parseColId()}
	}
	// '(' insert_column_list ')' unless the parenthesis opens a query.
	if p.is('(') {
		n := p.peek(1)
		if !(n.typ == '(' || n.typ == tKeyword && (n.kw == kwSELECT || n.kw == kwVALUES || n.kw == kwWITH || n.kw == kwTABLE)) {
			p.next()
			for {
				st.Columns = append(st.Columns, p.parseSetTarget())
				if !p.accept(',') {
					break
				}
			}
			p.expect(')')
		}
	}
	if p.isKw(kwOVERRIDING) {
		p.next()
		if p.acceptKw(kwUSER) {
			st.Overriding = ast.OverridingUser
		} else {
			p.expectKw(kwSYSTEM)
			st.Overriding = ast.OverridingSystem
		}
		p.expectKw(kwVALUE)
	}
	if p.isKw(kwDEFAULT) && p.peekIsKw(1, kwVALUES) && st.Columns == nil && st.Overriding == ast.OverridingNotSet {
		p.next()
		p.next()
	} else {
		st.Source = p.parseSelectNoParens()
	}
	if p.isKw(kwON) {
		st.OnConflict = p.parseOnConflict()
	}
	st.Returning = p.parseReturning()
	return st
}

// parseSetTarget parses set_target / insert_column_item: ColId opt_indirection.
func (p *parser) parseSetTarget() *ast.ResTarget {
	t := p.tok()
	rt := &ast.ResTarget{Pos: t.pos, Name: p.parseColId()}
	for {
		switch p.tok().typ {
		case '[':
			rt.Indirection = append(rt.Indirection, p.parseSubscript(nil))
			continue
		case '.':
			d := p.next()
			if p.is('*') {
				p.syntaxError()
			}
			rt.Indirection = append(rt.Indirection, &ast.FieldSelect{Pos: d.pos, Field: p.parseColLabel()})
			continue
		}
		return rt
	}
}

// parseOnConflict parses ON CONFLICT [target] DO NOTHING | DO UPDATE SET ...
func (p *parser) parseOnConflict() *ast.OnConflict {
	t := p.expectKw(kwON)
	p.expectKw(kwCONFLICT)
	oc := &ast.OnConflict{Pos: t.pos}
	if p.is('(') {
		p.next()
		for {
			oc.Columns = append(oc.Columns, p.parseIndexElem())
			if !p.accept(',') {
				break
			}
		}
		p.expect(')')
		if p.acceptKw(kwWHERE) {
			oc.IndexWhere = p.parseExpr()
		}
	} else if p.isKw(kwON) {
		p.next()
		p.expectKw(kwCONSTRAINT)
		oc.Constraint = p.parseName()
	}
	p.expectKw(kwDO)
	if p.acceptKw(kwNOTHING) {
		oc.Action = ast.DoNothing
		return oc
	}
	p.expectKw(kwUPDATE)
	p.expectKw(kwSET)
	oc.Action = ast.DoUpdate
	oc.Set = p.parseSetClauseList()
	if p.acceptKw(kwWHERE) {
		oc.UpdateWhere = p.parseExpr()
	}
	return oc
}

// parseSetClauseList parses set_clause_list: target = expr | (targets) = expr.
func (p *parser) parseSetClauseList() []*ast.ResTarget {
	var l []*ast.ResTarget
	for {
		if p.is('(') {
			lp := p.next()
			var cols []*ast.ResTarget
			for {
				cols = append(cols, p.parseSetTarget())
				if !p.accept(',') {
					break
				}
			}
			p.expect(')')
			p.expect('=')
			src := p.parseExpr()
			for i, c := range cols {
				c.Val = &ast.MultiAssignRef{Pos: lp.pos, Source: src, Colno: i + 1, Ncols: len(cols)}
				l = append(l, c)
			}
		} else {
			rt := p.parseSetTarget()
			p.expect('=')
			rt.Val = p.parseExpr()
			l = append(l, rt)
		}
		if !p.accept(',') {
			return l
		}
	}
}

// parseUpdate parses UpdateStmt.
func (p *parser) parseUpdate(with *ast.WithClause) ast.Stmt {
	t := p.expectKw(kwUPDATE)
	st := &ast.UpdateStmt{Pos: t.pos, With: with}
	if with != nil {
		st.Pos = with.Pos
	}
	st.Table = p.parseRelationExpr()
	st.Table.Alias = p.parseOptAlias(true)
	p.expectKw(kwSET)
	st.Set = p.parseSetClauseList()
	if p.acceptKw(kwFROM) {
		st.From = p.parseFromList()
	}
	if p.acceptKw(kwWHERE) {
		p.rejectCurrentOf()
		st.Where = p.parseExpr()
	}
	st.Returning = p.parseReturning()
	return st
}

func (p *parser) rejectCurrentOf() {
	if p.isKw(kwCURRENT) && p.peekIsKw(1, kwOF) {
		p.unsupported(p.tok())
	}
}

// parseDelete parses DeleteStmt.
func (p *parser) parseDelete(with *ast.WithClause) ast.Stmt {
	t := p.expectKw(kwDELETE)
	p.expectKw(kwFROM)
	st := &ast.DeleteStmt{Pos: t.pos, With: with}
	if with != nil {
		st.Pos = with.Pos
	}
	st.Table = p.parseRelationExpr()
	st.Table.Alias = p.parseOptAlias(true)
	if p.acceptKw(kwUSING) {
		st.Using = p.parseFromList()
	}
	if p.acceptKw(kwWHERE) {
		p.rejectCurrentOf()
		st.Where = p.parseExpr()
	}
	st.Returning = p.parseReturning()
	return st
}
