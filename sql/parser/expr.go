package parser

import (
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

// Operator precedence levels, lowest first: gram.y's precedence table (P3).
const (
	precNone = iota
	precOr
	precAnd
	precNot
	precIs    // IS, ISNULL, NOTNULL
	precCmp   // < > = <= >= <>
	precLike  // BETWEEN IN LIKE ILIKE SIMILAR NOT_LA
	precOp    // generic operators and OPERATOR()
	precAdd   // + -
	precMul   // * / %
	precExp   // ^
	precAt    // AT TIME ZONE
	precColl  // COLLATE
	precUnary // unary + -
	precCast  // ::
)

// parseExpr parses a_expr.
func (p *parser) parseExpr() ast.Expr { return p.parseExprPrec(precOr, false) }

// parseBExpr parses b_expr: the restricted expression used where AND, NOT,
// IS NULL, LIKE, IN ... would be ambiguous (DEFAULT values, BETWEEN bounds).
func (p *parser) parseBExpr() ast.Expr { return p.parseExprPrec(precOr, true) }

// parseExprList parses expr_list: a_expr (',' a_expr)*.
func (p *parser) parseExprList() []ast.Expr {
	l := []ast.Expr{p.parseExpr()}
	for p.accept(',') {
		l = append(l, p.parseExpr())
	}
	return l
}

// parseExprPrec parses an expression whose operators all bind at least as
// tightly as min. b selects b_expr.
func (p *parser) parseExprPrec(min int, b bool) ast.Expr {
	p.enter()
	defer p.leave()
	left := p.parsePrefix(b)
	return p.parseInfix(left, min, b)
}

// parsePrefix parses prefix operators and a primary expression.
func (p *parser) parsePrefix(b bool) ast.Expr {
	t := p.tok()
	switch {
	case t.typ == tKeyword && t.kw == kwNOT && !b:
		p.next()
		arg := p.parseExprPrec(precNot, b) // right associative
		return &ast.BoolExpr{Pos: t.pos, Op: ast.Not, Args: []ast.Expr{arg}}
	case t.typ == '-' || t.typ == '+':
		p.next()
		arg := p.parseExprPrec(precUnary, b)
		if t.typ == '-' {
			return doNegate(arg, t.pos)
		}
		return &ast.UnaryExpr{Pos: t.pos, Op: "+", Arg: arg}
	case t.typ == tOp:
		p.next()
		arg := p.parseExprPrec(precOp+1, b)
		return &ast.UnaryExpr{Pos: t.pos, Op: t.str, Arg: arg}
	case t.typ == tKeyword && t.kw == kwOPERATOR && p.peek(1).typ == '(':
		schema, op := p.parseOperatorName()
		arg := p.parseExprPrec(precOp+1, b)
		return &ast.UnaryExpr{Pos: t.pos, Op: op, OpSchema: schema, Arg: arg}
	case t.typ == tKeyword && t.kw == kwDEFAULT && !b:
		p.next()
		return &ast.SetToDefault{Pos: t.pos}
	}
	return p.parsePrimary()
}

// doNegate folds a minus sign into a numeric constant, as gram.y's doNegate
// does; the constant then reports the position of the '-'.
func doNegate(e ast.Expr, pos int) ast.Expr {
	if l, ok := e.(*ast.Literal); ok && (l.Kind == ast.LitInteger || l.Kind == ast.LitNumeric) {
		l.Pos = pos
		if strings.HasPrefix(l.Val, "-") {
			l.Val = l.Val[1:]
		} else {
			l.Val = "-" + l.Val
		}
		return l
	}
	return &ast.UnaryExpr{Pos: pos, Op: "-", Arg: e}
}

// infixPrec returns the precedence of the current token as an infix or
// postfix operator, or precNone if it is not one (in b_expr mode only the
// b_expr operators count).
func (p *parser) infixPrec(b bool) int {
	t := p.tok()
	switch t.typ {
	case '<', '>', '=', tLessEquals, tGreaterEquals, tNotEquals:
		return precCmp
	case tOp:
		return precOp
	case '+', '-':
		return precAdd
	case '*', '/', '%':
		return precMul
	case '^':
		return precExp
	case tTypecast:
		return precCast
	case tKeyword:
	default:
		return precNone
	}
	switch t.kw {
	case kwOPERATOR:
		if p.peek(1).typ == '(' {
			return precOp
		}
	case kwIS:
		if b {
			n := p.peek(1)
			if n.typ == tKeyword && n.kw == kwNOT {
				n = p.peek(2)
			}
			if n.typ == tKeyword && n.kw == kwDISTINCT {
				return precIs
			}
			return precNone
		}
		return precIs
	}
	if b {
		return precNone
	}
	switch t.kw {
	case kwOR:
		return precOr
	case kwAND:
		return precAnd
	case kwISNULL, kwNOTNULL:
		return precIs
	case kwBETWEEN, kwIN, kwLIKE, kwILIKE:
		return precLike
	case kwSIMILAR:
		// SIMILAR without TO belongs to SUBSTRING(x SIMILAR p ESCAPE e).
		if p.peekIsKw(1, kwTO) {
			return precLike
		}
	case kwNOT:
		n := p.peek(1)
		if n.typ == tKeyword {
			switch n.kw {
			case kwBETWEEN, kwIN, kwLIKE, kwILIKE:
				return precLike // NOT_LA
			case kwSIMILAR:
				if p.peekIsKw(2, kwTO) {
					return precLike
				}
			}
		}
	case kwAT:
		if p.peekIsKw(1, kwTIME) {
			return precAt
		}
	case kwCOLLATE:
		return precColl
	}
	return precNone
}

// isNonassocRHS reports whether an operator at this level whose right
// operand is an a_expr makes a following operator of the same level a
// syntax error (%nonassoc in gram.y).
func isNonassoc(prec int) bool {
	return prec == precIs || prec == precCmp || prec == precLike
}

// parseInfix parses infix and postfix operators following left.
func (p *parser) parseInfix(left ast.Expr, min int, b bool) ast.Expr {
	// Each operator applied deepens the tree by one: count it against
	// maxDepth too (P4), so consumers that recurse over the tree are safe.
	built := 0
	defer func() { p.depth -= built }()
	for {
		prec := p.infixPrec(b)
		if prec == precNone || prec < min {
			return left
		}
		p.enter()
		built++
		t := p.tok()
		rhsNonassoc := false // the node built ends with an a_expr at a %nonassoc level
		switch {
		case t.typ == tTypecast:
			p.next()
			tn := p.parseTypename()
			left = &ast.TypeCast{Pos: t.pos, Arg: left, Type: tn}
		case t.typ == tKeyword && t.kw == kwOR, t.typ == tKeyword && t.kw == kwAND:
			p.next()
			right := p.parseExprPrec(prec+1, b)
			op := ast.And
			if t.kw == kwOR {
				op = ast.Or
			}
			// makeAndExpr / makeOrExpr flatten left-nested chains.
			if be, ok := left.(*ast.BoolExpr); ok && be.Op == op {
				be.Args = append(be.Args, right)
				p.leave() // no new level
				built--
			} else {
				left = &ast.BoolExpr{Pos: t.pos, Op: op, Args: []ast.Expr{left, right}}
			}
		case t.typ == tKeyword && (t.kw == kwISNULL || t.kw == kwNOTNULL):
			p.next()
			left = &ast.NullTest{Pos: t.pos, Arg: left, Not: t.kw == kwNOTNULL}
		case t.typ == tKeyword && t.kw == kwIS:
			left, rhsNonassoc = p.parseIsTail(left, b)
		case t.typ == tKeyword && t.kw == kwAT:
			p.next()
			p.expectKw(kwTIME)
			p.expectKw(kwZONE)
			zone := p.parseExprPrec(prec+1, b)
			left = &ast.FuncCall{Pos: t.pos, Names: []string{"pg_catalog", "timezone"}, Args: []ast.Expr{zone, left}}
		case t.typ == tKeyword && t.kw == kwCOLLATE:
			p.next()
			left = &ast.CollateExpr{Pos: t.pos, Arg: left, Collation: p.parseAnyName()}
		case prec == precLike:
			left, rhsNonassoc = p.parseLikeFamily(left)
		default:
			// A binary operator: MathOp, comparison, generic Op or OPERATOR().
			op, schema := t.str, ""
			if t.typ == tKeyword { // OPERATOR(...)
				schema, op = p.parseOperatorName()
			} else {
				p.next()
			}
			if e := p.parseSubqueryOp(left, op, t.pos); e != nil {
				left = e
				break
			}
			right := p.parseExprPrec(prec+1, b)
			left = &ast.BinaryExpr{Pos: t.pos, Op: op, OpSchema: schema, Left: left, Right: right}
			rhsNonassoc = isNonassoc(prec)
		}
		if rhsNonassoc && p.infixPrec(b) == prec {
			p.syntaxError()
		}
	}
}

// parseOperatorName parses OPERATOR '(' [schema '.'] op ')'.
func (p *parser) parseOperatorName() (schema, op string) {
	p.expectKw(kwOPERATOR)
	p.expect('(')
	if isColId(p.tok()) {
		schema = p.next().str
		p.expect('.')
	}
	t := p.tok()
	switch t.typ {
	case tOp, '+', '-', '*', '/', '%', '^', '<', '>', '=', tLessEquals, tGreaterEquals, tNotEquals:
		p.next()
		op = t.str
	default:
		p.syntaxError()
	}
	p.expect(')')
	return schema, op
}

// parseSubqueryOp parses "op ANY|SOME|ALL (subquery or array expr)" when the
// operator just consumed is followed by ANY/SOME/ALL; otherwise nil.
func (p *parser) parseSubqueryOp(left ast.Expr, op string, pos int) ast.Expr {
	t := p.tok()
	if t.typ != tKeyword || (t.kw != kwANY && t.kw != kwSOME && t.kw != kwALL) || p.peek(1).typ != '(' {
		return nil
	}
	p.next()
	all := t.kw == kwALL
	e, sel := p.parseParenOrSelectNoRow()
	if sel != nil {
		kind := ast.AnySubLink
		if all {
			kind = ast.AllSubLink
		}
		return &ast.SubLink{Pos: pos, Kind: kind, Test: left, Op: op, Subquery: sel}
	}
	return &ast.AnyAllExpr{Pos: pos, Op: op, All: all, Left: left, Right: e}
}

// parseIsTail parses IS [NOT] NULL|TRUE|FALSE|UNKNOWN|DISTINCT FROM x.
func (p *parser) parseIsTail(left ast.Expr, b bool) (ast.Expr, bool) {
	is := p.next()
	not := p.acceptKw(kwNOT)
	t := p.tok()
	if t.typ == tKeyword {
		switch t.kw {
		case kwNULL:
			if b {
				break
			}
			p.next()
			return &ast.NullTest{Pos: is.pos, Arg: left, Not: not}, false
		case kwTRUE, kwFALSE, kwUNKNOWN:
			if b {
				break
			}
			p.next()
			k := map[keyword]ast.BoolTestKind{kwTRUE: ast.IsTrue, kwFALSE: ast.IsFalse, kwUNKNOWN: ast.IsUnknown}[t.kw]
			if not {
				k++
			}
			return &ast.BooleanTest{Pos: is.pos, Arg: left, Kind: k}, false
		case kwDISTINCT:
			p.next()
			p.expectKw(kwFROM)
			right := p.parseExprPrec(precIs+1, b)
			return &ast.DistinctExpr{Pos: is.pos, Not: not, Left: left, Right: right}, true
		}
	}
	p.syntaxError()
	return nil, false
}

// parseLikeFamily parses [NOT] BETWEEN / IN / LIKE / ILIKE / SIMILAR TO.
func (p *parser) parseLikeFamily(left ast.Expr) (ast.Expr, bool) {
	first := p.next()
	not := false
	t := first
	if first.kw == kwNOT {
		not = true
		t = p.next()
	}
	switch t.kw {
	case kwBETWEEN:
		sym := false
		if p.acceptKw(kwSYMMETRIC) {
			sym = true
		} else {
			p.acceptKw(kwASYMMETRIC)
		}
		low := p.parseBExpr()
		p.expectKw(kwAND)
		high := p.parseExprPrec(precLike+1, false)
		return &ast.BetweenExpr{Pos: first.pos, Arg: left, Not: not, Symmetric: sym, Low: low, High: high}, true
	case kwIN:
		if !p.is('(') {
			p.syntaxError()
		}
		e, sel := p.parseParenOrSelect()
		if sel != nil {
			var res ast.Expr = &ast.SubLink{Pos: first.pos, Kind: ast.AnySubLink, Test: left, Op: "=", Subquery: sel}
			if not {
				res = &ast.BoolExpr{Pos: first.pos, Op: ast.Not, Args: []ast.Expr{res}}
			}
			return res, false
		}
		var list []ast.Expr
		if r, ok := e.(*ast.RowExpr); ok && !r.Explicit {
			list = r.Args
		} else {
			list = []ast.Expr{e}
		}
		return &ast.InExpr{Pos: first.pos, Arg: left, Not: not, List: list}, false
	case kwLIKE, kwILIKE, kwSIMILAR:
		kind := ast.Like
		op := "~~"
		if t.kw == kwILIKE {
			kind, op = ast.ILike, "~~*"
		} else if t.kw == kwSIMILAR {
			kind = ast.SimilarTo
			p.expectKw(kwTO)
		}
		if kind != ast.SimilarTo {
			if not {
				op = "!" + op
			}
			if e := p.parseSubqueryOp(left, op, first.pos); e != nil {
				return e, false
			}
		}
		pat := p.parseExprPrec(precLike+1, false)
		var esc ast.Expr
		if p.acceptKw(kwESCAPE) {
			esc = p.parseExprPrec(precLike+1, false)
		}
		return &ast.LikeExpr{Pos: first.pos, Kind: kind, Not: not, Arg: left, Pattern: pat, Escape: esc}, true
	}
	p.syntaxErrorAt(t)
	return nil, false
}

// startsSelect reports whether the current token starts a select_no_parens
// (not counting a leading parenthesis).
func (p *parser) startsSelect() bool {
	t := p.tok()
	return t.typ == tKeyword && (t.kw == kwSELECT || t.kw == kwVALUES || t.kw == kwTABLE || t.kw == kwWITH)
}

// startsSelectTail reports whether the current token continues a query that
// began with a parenthesized select (set operation, ORDER BY, LIMIT ...).
func (p *parser) startsSelectTail() bool {
	t := p.tok()
	if t.typ != tKeyword {
		return false
	}
	switch t.kw {
	case kwUNION, kwINTERSECT, kwEXCEPT, kwORDER, kwLIMIT, kwOFFSET, kwFETCH, kwFOR:
		return true
	}
	return false
}

// parseParenOrSelect parses a parenthesized construct that is either
// select_with_parens (sel != nil), a parenthesized a_expr, or an implicit
// row constructor (a, b, ...) returned as a *ast.RowExpr with Explicit false.
func (p *parser) parseParenOrSelect() (e ast.Expr, sel *ast.SelectStmt) {
	return p.parseParenOrSelectRow(true)
}

// parseParenOrSelectNoRow is parseParenOrSelect for '(' a_expr ')' |
// select_with_parens, where a row constructor is a syntax error.
func (p *parser) parseParenOrSelectNoRow() (ast.Expr, *ast.SelectStmt) {
	return p.parseParenOrSelectRow(false)
}

func (p *parser) parseParenOrSelectRow(allowRow bool) (e ast.Expr, sel *ast.SelectStmt) {
	p.enter()
	defer p.leave()
	lp := p.expect('(')
	if p.startsSelect() {
		s := p.parseSelectNoParens()
		p.expect(')')
		return nil, s
	}
	if p.is('(') {
		inner, s := p.parseParenOrSelect()
		if s != nil {
			if p.accept(')') {
				return nil, s
			}
			if p.startsSelectTail() {
				s = p.continueSelect(s)
				p.expect(')')
				return nil, s
			}
			inner = p.parseIndirection(&ast.SubLink{Pos: p.posOfParen(s), Kind: ast.ExprSubLink, Subquery: s})
		} else if r, ok := inner.(*ast.RowExpr); !ok || r.Explicit {
			inner = p.parseIndirection(inner)
		} else {
			inner = p.parseRowOverlaps(inner.(*ast.RowExpr))
		}
		e = p.parseInfix(inner, precOr, false)
	} else {
		e = p.parseExpr()
	}
	if p.is(',') {
		if !allowRow {
			p.syntaxError()
		}
		args := []ast.Expr{e}
		for p.accept(',') {
			args = append(args, p.parseExpr())
		}
		p.expect(')')
		return &ast.RowExpr{Pos: lp.pos, Args: args}, nil
	}
	p.expect(')')
	return e, nil
}

// posOfParen returns the position recorded for a parenthesized subquery: the
// query's own position (its first keyword).
func (p *parser) posOfParen(s *ast.SelectStmt) int { return s.Pos }

// parseIndirection parses opt_indirection after a primary: subscripts
// [i], slices [a:b] and field selections .name / .*.
func (p *parser) parseIndirection(e ast.Expr) ast.Expr {
	for {
		switch p.tok().typ {
		case '[':
			e = p.parseSubscript(e)
		case '.':
			dot := p.next()
			if p.accept('*') {
				e = &ast.FieldSelect{Pos: dot.pos, Arg: e, Star: true}
			} else {
				e = &ast.FieldSelect{Pos: dot.pos, Arg: e, Field: p.parseColLabel()}
			}
		default:
			return e
		}
	}
}

func (p *parser) parseSubscript(e ast.Expr) ast.Expr {
	lb := p.expect('[')
	s := &ast.Subscript{Pos: lb.pos, Arg: e}
	if !p.is(':') {
		s.Upper = p.parseExpr()
	}
	if p.accept(':') {
		s.IsSlice = true
		s.Lower = s.Upper
		s.Upper = nil
		if !p.is(']') {
			s.Upper = p.parseExpr()
		}
	} else if s.Upper == nil {
		p.syntaxError()
	}
	p.expect(']')
	return s
}

// parsePrimary parses c_expr: constants, column references, function calls,
// parenthesized expressions and subqueries, CASE, ARRAY, ROW ...
func (p *parser) parsePrimary() ast.Expr {
	t := p.tok()
	switch t.typ {
	case tInteger:
		p.next()
		return intOrNumeric(t)
	case tNumeric:
		p.next()
		return &ast.Literal{Pos: t.pos, Kind: ast.LitNumeric, Val: t.str}
	case tString:
		p.next()
		return &ast.Literal{Pos: t.pos, Kind: ast.LitString, Val: t.str}
	case tBitString:
		p.next()
		return &ast.Literal{Pos: t.pos, Kind: ast.LitBitString, Val: t.str}
	case tParam:
		p.next()
		return p.parseIndirection(&ast.Param{Pos: t.pos, Number: t.ival})
	case '(':
		e, sel := p.parseParenOrSelect()
		if sel != nil {
			return p.parseIndirection(&ast.SubLink{Pos: t.pos, Kind: ast.ExprSubLink, Subquery: sel})
		}
		if r, ok := e.(*ast.RowExpr); ok && !r.Explicit {
			return p.parseRowOverlaps(r)
		}
		return p.parseIndirection(e)
	case tIdent:
		return p.parseNameExpr()
	case tKeyword:
		return p.parseKeywordExpr(t)
	}
	p.syntaxError()
	return nil
}

// intOrNumeric makes the constant for an integer token: LitInteger when it
// fits in int32 (the scanner's ICONST), else LitNumeric (FCONST), as
// PostgreSQL's scanner does.
func intOrNumeric(t token) *ast.Literal {
	s := strings.TrimLeft(t.str, "0")
	if len(s) < 10 || len(s) == 10 && s <= "2147483647" {
		return &ast.Literal{Pos: t.pos, Kind: ast.LitInteger, Val: t.str}
	}
	return &ast.Literal{Pos: t.pos, Kind: ast.LitNumeric, Val: t.str}
}

// parseRowOverlaps handles "row OVERLAPS row" after a row constructor.
func (p *parser) parseRowOverlaps(r *ast.RowExpr) ast.Expr {
	if !p.isKw(kwOVERLAPS) {
		return r
	}
	ov := p.next()
	var right ast.Expr
	rp := p.tok()
	if p.isKw(kwROW) {
		right = p.parseKeywordExpr(rp)
	} else if p.is('(') {
		e, sel := p.parseParenOrSelect()
		if sel != nil {
			p.syntaxErrorAt(rp)
		}
		right = e
	} else {
		p.syntaxError()
	}
	rr, ok := right.(*ast.RowExpr)
	if !ok {
		p.syntaxErrorAt(rp)
	}
	if len(r.Args) != 2 {
		p.fail(pgerr.SyntaxError, r.Pos, "wrong number of parameters on left side of OVERLAPS expression")
	}
	if len(rr.Args) != 2 {
		p.fail(pgerr.SyntaxError, rr.Pos, "wrong number of parameters on right side of OVERLAPS expression")
	}
	args := append(append([]ast.Expr{}, r.Args...), rr.Args...)
	return &ast.FuncCall{Pos: ov.pos, Names: []string{"pg_catalog", "overlaps"}, Args: args}
}

// parseNameExpr parses an expression starting with a name: a column
// reference, a function call or a typed literal "type 'string'".
func (p *parser) parseNameExpr() ast.Expr {
	first := p.next()
	names := []string{first.str}
	for p.is('.') {
		n := p.peek(1)
		if n.typ == '*' {
			p.next()
			p.next()
			return &ast.ColumnRef{Pos: first.pos, Names: names, Star: true}
		}
		if !isColLabel(n) {
			p.next()
			p.syntaxError()
		}
		p.next()
		names = append(names, p.next().str)
	}
	switch p.tok().typ {
	case '(':
		// func_name: type_function_name | ColId indirection.
		if len(names) == 1 && !isTypeFuncName(first) {
			p.syntaxError()
		}
		if len(names) > 1 && !isColId(first) {
			p.syntaxErrorAt(first)
		}
		fc := p.parseFuncCall(names, first.pos)
		if p.is(tString) && fc.Filter == nil && fc.Over == nil && !fc.Star && !fc.Distinct && !fc.WithinGroup && !fc.Variadic {
			// func_name '(' func_arg_list ')' Sconst: a type with modifiers.
			for _, a := range fc.Args {
				if _, ok := a.(*ast.NamedArgExpr); ok {
					p.fail(pgerr.SyntaxError, a.Position(), "type modifier cannot have parameter name")
				}
			}
			if fc.OrderBy != nil {
				p.fail(pgerr.SyntaxError, p.argOrderPos, "type modifier cannot have ORDER BY")
			}
			s := p.next()
			tn := &ast.TypeName{Pos: first.pos, Names: names, Typmods: fc.Args}
			return &ast.TypeCast{Pos: first.pos, Arg: &ast.Literal{Pos: s.pos, Kind: ast.LitString, Val: s.str}, Type: tn}
		}
		return fc
	case tString:
		// func_name Sconst: a typed literal such as date '2024-01-01'.
		if len(names) == 1 && !isTypeFuncName(first) || len(names) > 1 && !isColId(first) {
			p.syntaxError()
		}
		s := p.next()
		tn := &ast.TypeName{Pos: first.pos, Names: names}
		return &ast.TypeCast{Pos: first.pos, Arg: &ast.Literal{Pos: s.pos, Kind: ast.LitString, Val: s.str}, Type: tn}
	}
	if !isColId(first) {
		p.syntaxErrorAt(p.tok())
	}
	var e ast.Expr = &ast.ColumnRef{Pos: first.pos, Names: names}
	if p.is('[') {
		e = p.parseIndirection(e)
	}
	return e
}

// parseKeywordExpr parses an expression starting with a keyword.
func (p *parser) parseKeywordExpr(t token) ast.Expr {
	next := p.peek(1)
	paren := next.typ == '('
	switch t.kw {
	case kwTRUE, kwFALSE:
		p.next()
		return &ast.Literal{Pos: t.pos, Kind: ast.LitBool, Val: t.str}
	case kwNULL:
		p.next()
		return &ast.Literal{Pos: t.pos, Kind: ast.LitNull, Val: "null"}
	case kwCASE:
		return p.parseCase()
	case kwCAST:
		p.next()
		p.expect('(')
		arg := p.parseExpr()
		p.expectKw(kwAS)
		tn := p.parseTypename()
		p.expect(')')
		return &ast.TypeCast{Pos: t.pos, Arg: arg, Type: tn}
	case kwARRAY:
		p.next()
		if p.is('(') {
			_, sel := p.parseParenOrSelectOnly()
			return &ast.SubLink{Pos: t.pos, Kind: ast.ArraySubLink, Subquery: sel}
		}
		if !p.is('[') {
			p.syntaxError()
		}
		return p.parseArrayExpr(t.pos)
	case kwEXISTS:
		if paren {
			p.next()
			_, sel := p.parseParenOrSelectOnly()
			return &ast.SubLink{Pos: t.pos, Kind: ast.ExistsSubLink, Subquery: sel}
		}
	case kwROW:
		if paren {
			p.next()
			p.next()
			r := &ast.RowExpr{Pos: t.pos, Explicit: true}
			if !p.is(')') {
				r.Args = p.parseExprList()
			}
			p.expect(')')
			return p.parseRowOverlaps(r)
		}
	case kwCURRENT_DATE, kwCURRENT_ROLE, kwCURRENT_USER, kwSESSION_USER, kwUSER, kwCURRENT_CATALOG:
		p.next()
		return &ast.SQLValueFunc{Pos: t.pos, Name: t.str, Precision: -1}
	case kwCURRENT_SCHEMA:
		if !paren {
			p.next()
			return &ast.SQLValueFunc{Pos: t.pos, Name: t.str, Precision: -1}
		}
	case kwCURRENT_TIME, kwCURRENT_TIMESTAMP, kwLOCALTIME, kwLOCALTIMESTAMP:
		p.next()
		f := &ast.SQLValueFunc{Pos: t.pos, Name: t.str, Precision: -1}
		if p.accept('(') {
			f.Precision = p.parseIconst()
			p.expect(')')
		}
		return f
	case kwNULLIF:
		if paren {
			p.next()
			p.next()
			a := p.parseExpr()
			p.expect(',')
			b := p.parseExpr()
			p.expect(')')
			return &ast.NullIfExpr{Pos: t.pos, Left: a, Right: b}
		}
	case kwCOALESCE, kwGREATEST, kwLEAST:
		if paren {
			p.next()
			p.next()
			args := p.parseExprList()
			p.expect(')')
			switch t.kw {
			case kwCOALESCE:
				return &ast.CoalesceExpr{Pos: t.pos, Args: args}
			case kwGREATEST:
				return &ast.MinMaxExpr{Pos: t.pos, Op: ast.Greatest, Args: args}
			}
			return &ast.MinMaxExpr{Pos: t.pos, Op: ast.Least, Args: args}
		}
	case kwGROUPING:
		if paren {
			p.next()
			p.next()
			args := p.parseExprList()
			p.expect(')')
			return &ast.GroupingFunc{Pos: t.pos, Args: args}
		}
	case kwEXTRACT, kwSUBSTRING, kwPOSITION, kwTRIM, kwOVERLAY, kwNORMALIZE:
		if paren {
			return p.parseSpecialFunc(t)
		}
	case kwCOLLATION:
		if p.peekIsKw(1, kwFOR) {
			p.next()
			p.next()
			p.expect('(')
			arg := p.parseExpr()
			p.expect(')')
			return &ast.FuncCall{Pos: t.pos, Names: []string{"pg_catalog", "pg_collation_for"}, Args: []ast.Expr{arg}}
		}
	case kwINTERVAL:
		if paren || next.typ == tString {
			return p.parseConstTypeLiteral()
		}
	case kwINT, kwINTEGER, kwSMALLINT, kwBIGINT, kwREAL, kwBOOLEAN:
		if next.typ == tString {
			return p.parseConstTypeLiteral()
		}
	case kwFLOAT, kwDECIMAL, kwDEC, kwNUMERIC, kwVARCHAR:
		if paren || next.typ == tString {
			return p.parseConstTypeLiteral()
		}
	case kwBIT, kwCHAR, kwCHARACTER, kwNCHAR:
		if paren || next.typ == tString || next.typ == tKeyword && next.kw == kwVARYING {
			return p.parseConstTypeLiteral()
		}
	case kwNATIONAL:
		if next.typ == tKeyword && (next.kw == kwCHAR || next.kw == kwCHARACTER) {
			return p.parseConstTypeLiteral()
		}
	case kwTIME, kwTIMESTAMP:
		if paren || next.typ == tString || next.typ == tKeyword && (next.kw == kwWITH && p.peekIsKw(2, kwTIME) || next.kw == kwWITHOUT) {
			return p.parseConstTypeLiteral()
		}
	case kwDOUBLE:
		if next.typ == tKeyword && next.kw == kwPRECISION {
			return p.parseConstTypeLiteral()
		}
	}
	switch t.kw.category() {
	case unreservedKw, colNameKw, typeFuncNameKw:
		return p.parseNameExpr()
	}
	p.syntaxError()
	return nil
}

// parseParenOrSelectOnly parses select_with_parens.
func (p *parser) parseParenOrSelectOnly() (ast.Expr, *ast.SelectStmt) {
	if !p.is('(') {
		p.syntaxError()
	}
	// Peek through the parentheses: a_expr is not allowed here.
	k := 0
	for p.peek(k).typ == '(' {
		k++
	}
	if t := p.peek(k); !(t.typ == tKeyword && (t.kw == kwSELECT || t.kw == kwVALUES || t.kw == kwTABLE || t.kw == kwWITH)) {
		p.syntaxErrorAt(t)
	}
	return nil, p.parseSelectWithParens()
}

// parseConstTypeLiteral parses ConstTypename Sconst, and the INTERVAL forms.
func (p *parser) parseConstTypeLiteral() ast.Expr {
	start := p.tok()
	tn := p.parseSimpleTypename(true)
	s := p.expect(tString)
	lit := &ast.Literal{Pos: s.pos, Kind: ast.LitString, Val: s.str}
	if start.kw == kwINTERVAL && tn.Typmods == nil {
		tn.IntervalFields, tn.Typmods = p.parseOptInterval()
	}
	return &ast.TypeCast{Pos: start.pos, Arg: lit, Type: tn}
}

// parseArrayExpr parses array_expr: '[' [expr_list | array_expr_list] ']'.
func (p *parser) parseArrayExpr(pos int) ast.Expr {
	p.enter()
	defer p.leave()
	p.expect('[')
	a := &ast.ArrayExpr{Pos: pos}
	if p.is('[') {
		for {
			a.Elems = append(a.Elems, p.parseArrayExpr(p.tok().pos))
			if !p.accept(',') {
				break
			}
			if !p.is('[') {
				p.syntaxError()
			}
		}
	} else if !p.is(']') {
		a.Elems = p.parseExprList()
	}
	p.expect(']')
	return a
}

// parseCase parses case_expr.
func (p *parser) parseCase() ast.Expr {
	t := p.expectKw(kwCASE)
	c := &ast.CaseExpr{Pos: t.pos}
	if !p.isKw(kwWHEN) {
		c.Arg = p.parseExpr()
	}
	if !p.isKw(kwWHEN) {
		p.syntaxError()
	}
	for p.isKw(kwWHEN) {
		w := p.next()
		cond := p.parseExpr()
		p.expectKw(kwTHEN)
		res := p.parseExpr()
		c.Whens = append(c.Whens, &ast.CaseWhen{Pos: w.pos, Cond: cond, Result: res})
	}
	if p.acceptKw(kwELSE) {
		c.Else = p.parseExpr()
	}
	p.expectKw(kwEND)
	return c
}

// parseFuncCall parses func_application within_group_clause filter_clause
// over_clause after the function name.
func (p *parser) parseFuncCall(names []string, pos int) *ast.FuncCall {
	p.enter()
	defer p.leave()
	fc := &ast.FuncCall{Pos: pos, Names: names}
	p.expect('(')
	switch {
	case p.is(')'):
	case p.is('*'):
		p.next()
		fc.Star = true
	default:
		if p.acceptKw(kwDISTINCT) {
			fc.Distinct = true
		} else {
			p.acceptKw(kwALL)
		}
		for {
			if p.isKw(kwVARIADIC) {
				p.next()
				fc.Variadic = true
				fc.Args = append(fc.Args, p.parseFuncArg())
				break
			}
			fc.Args = append(fc.Args, p.parseFuncArg())
			if !p.accept(',') {
				break
			}
		}
		if p.isKw(kwORDER) {
			p.argOrderPos = p.tok().pos
			fc.OrderBy = p.parseSortClause()
		}
	}
	p.expect(')')
	if p.isKw(kwWITHIN) {
		wg := p.next()
		p.expectKw(kwGROUP)
		p.expect('(')
		sort := p.parseSortClause()
		p.expect(')')
		if fc.OrderBy != nil {
			p.fail(pgerr.SyntaxError, wg.pos, "cannot use multiple ORDER BY clauses with WITHIN GROUP")
		}
		if fc.Distinct {
			p.fail(pgerr.SyntaxError, wg.pos, "cannot use DISTINCT with WITHIN GROUP")
		}
		if fc.Variadic {
			p.fail(pgerr.SyntaxError, wg.pos, "cannot use VARIADIC with WITHIN GROUP")
		}
		fc.OrderBy = sort
		fc.WithinGroup = true
	}
	if p.isKw(kwFILTER) {
		p.next()
		p.expect('(')
		p.expectKw(kwWHERE)
		fc.Filter = p.parseExpr()
		p.expect(')')
	}
	if p.isKw(kwOVER) {
		p.next()
		if p.is('(') {
			fc.Over = p.parseWindowSpec()
		} else {
			t := p.tok()
			fc.Over = &ast.WindowDef{Pos: t.pos, RefName: p.parseColId()}
		}
	}
	return fc
}

// parseFuncArg parses func_arg_expr: a_expr | param_name (=> | :=) a_expr.
func (p *parser) parseFuncArg() ast.Expr {
	t := p.tok()
	if isTypeFuncName(t) {
		if n := p.peek(1); n.typ == tEqualsGreater || n.typ == tColonEquals {
			p.next()
			p.next()
			return &ast.NamedArgExpr{Pos: t.pos, Name: t.str, Arg: p.parseExpr()}
		}
	}
	return p.parseExpr()
}

// parseWindowSpec parses window_specification: '(' [existing name]
// [PARTITION BY ...] [ORDER BY ...] [frame] ')'.
func (p *parser) parseWindowSpec() *ast.WindowDef {
	lp := p.expect('(')
	w := &ast.WindowDef{Pos: lp.pos}
	if t := p.tok(); isColId(t) && !(t.typ == tKeyword && (t.kw == kwPARTITION || t.kw == kwRANGE || t.kw == kwROWS || t.kw == kwGROUPS)) {
		w.RefName = p.next().str
	}
	if p.isKw(kwPARTITION) {
		p.next()
		p.expectKw(kwBY)
		w.PartitionBy = p.parseExprList()
	}
	if p.isKw(kwORDER) {
		w.OrderBy = p.parseSortClause()
	}
	if t := p.tok(); t.typ == tKeyword && (t.kw == kwRANGE || t.kw == kwROWS || t.kw == kwGROUPS) {
		w.Frame = p.parseFrame()
	}
	p.expect(')')
	return w
}

// parseFrame parses opt_frame_clause, with the checks of gram.y.
func (p *parser) parseFrame() *ast.WindowFrame {
	t := p.next()
	f := &ast.WindowFrame{Pos: t.pos}
	switch t.kw {
	case kwRANGE:
		f.Mode = ast.FrameRange
	case kwROWS:
		f.Mode = ast.FrameRows
	default:
		f.Mode = ast.FrameGroups
	}
	if p.acceptKw(kwBETWEEN) {
		spos := p.tok().pos
		f.Start = p.parseFrameBound()
		p.expectKw(kwAND)
		epos := p.tok().pos
		f.End = p.parseFrameBound()
		if f.Start.Kind == ast.BoundUnboundedFollowing {
			p.fail(pgerr.WindowingError, spos, "frame start cannot be UNBOUNDED FOLLOWING")
		}
		if f.End.Kind == ast.BoundUnboundedPreceding {
			p.fail(pgerr.WindowingError, epos, "frame end cannot be UNBOUNDED PRECEDING")
		}
		if f.Start.Kind == ast.BoundCurrentRow && f.End.Kind == ast.BoundPreceding {
			p.fail(pgerr.WindowingError, epos, "frame starting from current row cannot have preceding rows")
		}
		if f.Start.Kind == ast.BoundFollowing && (f.End.Kind == ast.BoundPreceding || f.End.Kind == ast.BoundCurrentRow) {
			p.fail(pgerr.WindowingError, epos, "frame starting from following row cannot have preceding rows")
		}
	} else {
		spos := p.tok().pos
		f.Start = p.parseFrameBound()
		f.End = ast.FrameBound{Kind: ast.BoundCurrentRow}
		if f.Start.Kind == ast.BoundUnboundedFollowing {
			p.fail(pgerr.WindowingError, spos, "frame start cannot be UNBOUNDED FOLLOWING")
		}
		if f.Start.Kind == ast.BoundFollowing {
			p.fail(pgerr.WindowingError, spos, "frame starting from following row cannot end with current row")
		}
	}
	if p.acceptKw(kwEXCLUDE) {
		switch {
		case p.acceptKw(kwCURRENT):
			p.expectKw(kwROW)
			f.Exclude = ast.ExcludeCurrentRow
		case p.acceptKw(kwGROUP):
			f.Exclude = ast.ExcludeGroup
		case p.acceptKw(kwTIES):
			f.Exclude = ast.ExcludeTies
		case p.acceptKw(kwNO):
			p.expectKw(kwOTHERS)
		default:
			p.syntaxError()
		}
	}
	return f
}

// parseFrameBound parses frame_bound.
func (p *parser) parseFrameBound() ast.FrameBound {
	if p.isKw(kwUNBOUNDED) {
		p.next()
		if p.acceptKw(kwPRECEDING) {
			return ast.FrameBound{Kind: ast.BoundUnboundedPreceding}
		}
		p.expectKw(kwFOLLOWING)
		return ast.FrameBound{Kind: ast.BoundUnboundedFollowing}
	}
	if p.isKw(kwCURRENT) && p.peekIsKw(1, kwROW) {
		p.next()
		p.next()
		return ast.FrameBound{Kind: ast.BoundCurrentRow}
	}
	off := p.parseExpr()
	if p.acceptKw(kwPRECEDING) {
		return ast.FrameBound{Kind: ast.BoundPreceding, Offset: off}
	}
	p.expectKw(kwFOLLOWING)
	return ast.FrameBound{Kind: ast.BoundFollowing, Offset: off}
}

func sysFunc(pos int, name string, args ...ast.Expr) *ast.FuncCall {
	return &ast.FuncCall{Pos: pos, Names: []string{"pg_catalog", name}, Args: args}
}

// parseSpecialFunc parses EXTRACT, SUBSTRING, POSITION, TRIM, OVERLAY and
// NORMALIZE with their SQL-standard argument syntax (func_expr_common_subexpr).
func (p *parser) parseSpecialFunc(t token) ast.Expr {
	p.next()
	p.expect('(')
	var fc *ast.FuncCall
	switch t.kw {
	case kwEXTRACT:
		a := p.tok()
		var field string
		switch {
		case a.typ == tIdent, a.typ == tString:
			field = a.str
		case a.typ == tKeyword && (a.kw == kwYEAR || a.kw == kwMONTH || a.kw == kwDAY || a.kw == kwHOUR || a.kw == kwMINUTE || a.kw == kwSECOND):
			field = a.str
		default:
			p.syntaxError()
		}
		p.next()
		p.expectKw(kwFROM)
		x := p.parseExpr()
		fc = sysFunc(t.pos, "extract", &ast.Literal{Pos: a.pos, Kind: ast.LitString, Val: field}, x)
	case kwSUBSTRING:
		if p.is(')') {
			fc = &ast.FuncCall{Pos: t.pos, Names: []string{"substring"}}
			break
		}
		x := p.parseExpr()
		switch {
		case p.acceptKw(kwFROM):
			from := p.parseExpr()
			if p.acceptKw(kwFOR) {
				fc = sysFunc(t.pos, "substring", x, from, p.parseExpr())
			} else {
				fc = sysFunc(t.pos, "substring", x, from)
			}
		case p.acceptKw(kwFOR):
			n := p.parseExpr()
			if p.acceptKw(kwFROM) {
				fc = sysFunc(t.pos, "substring", x, p.parseExpr(), n)
			} else {
				fc = sysFunc(t.pos, "substring", x, &ast.Literal{Pos: -1, Kind: ast.LitInteger, Val: "1"}, n)
			}
		case p.acceptKw(kwSIMILAR):
			pat := p.parseExpr()
			p.expectKw(kwESCAPE)
			fc = sysFunc(t.pos, "substring", x, pat, p.parseExpr())
		default:
			args := []ast.Expr{x}
			for p.accept(',') {
				args = append(args, p.parseFuncArg())
			}
			fc = &ast.FuncCall{Pos: t.pos, Names: []string{"substring"}, Args: args}
		}
	case kwPOSITION:
		a := p.parseBExpr()
		p.expectKw(kwIN)
		b := p.parseBExpr()
		fc = sysFunc(t.pos, "position", b, a)
	case kwTRIM:
		name := "btrim"
		switch {
		case p.acceptKw(kwBOTH):
		case p.acceptKw(kwLEADING):
			name = "ltrim"
		case p.acceptKw(kwTRAILING):
			name = "rtrim"
		}
		var args []ast.Expr
		if p.acceptKw(kwFROM) {
			args = p.parseExprList()
		} else {
			first := p.parseExpr()
			if p.acceptKw(kwFROM) {
				args = append(p.parseExprList(), first)
			} else {
				args = []ast.Expr{first}
				for p.accept(',') {
					args = append(args, p.parseExpr())
				}
			}
		}
		fc = sysFunc(t.pos, name, args...)
	case kwOVERLAY:
		if p.is(')') {
			fc = &ast.FuncCall{Pos: t.pos, Names: []string{"overlay"}}
			break
		}
		x := p.parseExpr()
		if p.acceptKw(kwPLACING) {
			repl := p.parseExpr()
			p.expectKw(kwFROM)
			from := p.parseExpr()
			if p.acceptKw(kwFOR) {
				fc = sysFunc(t.pos, "overlay", x, repl, from, p.parseExpr())
			} else {
				fc = sysFunc(t.pos, "overlay", x, repl, from)
			}
		} else {
			args := []ast.Expr{x}
			for p.accept(',') {
				args = append(args, p.parseFuncArg())
			}
			fc = &ast.FuncCall{Pos: t.pos, Names: []string{"overlay"}, Args: args}
		}
	case kwNORMALIZE:
		x := p.parseExpr()
		fc = sysFunc(t.pos, "normalize", x)
		if p.accept(',') {
			f := p.tok()
			if f.typ != tKeyword || (f.kw != kwNFC && f.kw != kwNFD && f.kw != kwNFKC && f.kw != kwNFKD) {
				p.syntaxError()
			}
			p.next()
			fc.Args = append(fc.Args, &ast.Literal{Pos: f.pos, Kind: ast.LitString, Val: upper(f.str)})
		}
	}
	p.expect(')')
	return fc
}
