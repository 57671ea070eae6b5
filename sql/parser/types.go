package parser

import (
	"strconv"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

// parseTypename parses Typename: [SETOF] SimpleTypename [array bounds | ARRAY [n]].
func (p *parser) parseTypename() *ast.TypeName {
	setofPos := -1
	if p.isKw(kwSETOF) {
		setofPos = p.next().pos
	}
	tn := p.parseSimpleTypename(false)
	if setofPos >= 0 {
		tn.Setof = true
		tn.Pos = setofPos
	}
	if p.isKw(kwARRAY) {
		p.next()
		if p.accept('[') {
			n := p.parseIconst()
			p.expect(']')
			tn.ArrayBounds = []int{n}
		} else {
			tn.ArrayBounds = []int{-1}
		}
		return tn
	}
	for p.is('[') {
		p.next()
		n := -1
		if !p.is(']') {
			n = p.parseIconst()
		}
		p.expect(']')
		tn.ArrayBounds = append(tn.ArrayBounds, n)
	}
	return tn
}

func sysType(pos int, name string) *ast.TypeName {
	return &ast.TypeName{Pos: pos, Names: []string{"pg_catalog", name}}
}

func intConst(pos, v int) ast.Expr {
	return &ast.Literal{Pos: pos, Kind: ast.LitInteger, Val: strconv.Itoa(v)}
}

// parseSimpleTypename parses SimpleTypename, or ConstTypename when isConst
// (in typed literals, where a missing length means "unlimited").
func (p *parser) parseSimpleTypename(isConst bool) *ast.TypeName {
	t := p.tok()
	if t.typ == tKeyword {
		switch t.kw {
		case kwINT, kwINTEGER:
			p.next()
			return sysType(t.pos, "int4")
		case kwSMALLINT:
			p.next()
			return sysType(t.pos, "int2")
		case kwBIGINT:
			p.next()
			return sysType(t.pos, "int8")
		case kwREAL:
			p.next()
			return sysType(t.pos, "float4")
		case kwBOOLEAN:
			p.next()
			return sysType(t.pos, "bool")
		case kwFLOAT:
			p.next()
			if p.accept('(') {
				np := p.tok().pos
				n := p.parseIconst()
				p.expect(')')
				switch {
				case n < 1:
					p.fail(pgerr.InvalidParameterValue, np, "precision for type float must be at least 1 bit")
				case n <= 24:
					return sysType(t.pos, "float4")
				case n <= 53:
					return sysType(t.pos, "float8")
				default:
					p.fail(pgerr.InvalidParameterValue, np, "precision for type float must be less than 54 bits")
				}
			}
			return sysType(t.pos, "float8")
		case kwDOUBLE:
			if p.peekIsKw(1, kwPRECISION) {
				p.next()
				p.next()
				return sysType(t.pos, "float8")
			}
		case kwDECIMAL, kwDEC, kwNUMERIC:
			p.next()
			tn := sysType(t.pos, "numeric")
			tn.Typmods = p.parseOptTypeModifiers()
			return tn
		case kwBIT:
			p.next()
			tn := sysType(t.pos, "bit")
			if p.acceptKw(kwVARYING) {
				tn.Names[1] = "varbit"
			}
			tn.Typmods = p.parseOptTypeModifiers()
			if tn.Typmods == nil && !isConst && tn.Names[1] == "bit" {
				tn.Typmods = []ast.Expr{intConst(-1, 1)} // bit defaults to bit(1)
			}
			return tn
		case kwCHARACTER, kwCHAR, kwVARCHAR, kwNATIONAL, kwNCHAR:
			p.next()
			varying := t.kw == kwVARCHAR
			if t.kw == kwNATIONAL {
				if !p.acceptKw(kwCHARACTER) {
					p.expectKw(kwCHAR)
				}
			}
			if t.kw != kwVARCHAR && p.acceptKw(kwVARYING) {
				varying = true
			}
			tn := sysType(t.pos, "bpchar")
			if varying {
				tn.Names[1] = "varchar"
			}
			if p.accept('(') {
				np := p.tok().pos
				tn.Typmods = []ast.Expr{intConst(np, p.parseIconst())}
				p.expect(')')
			} else if !isConst && !varying {
				tn.Typmods = []ast.Expr{intConst(-1, 1)} // char defaults to char(1)
			}
			return tn
		case kwTIMESTAMP, kwTIME:
			p.next()
			var typmods []ast.Expr
			if p.accept('(') {
				np := p.tok().pos
				typmods = []ast.Expr{intConst(np, p.parseIconst())}
				p.expect(')')
			}
			tz := false
			if p.isKw(kwWITH) && p.peekIsKw(1, kwTIME) {
				p.next()
				p.next()
				p.expectKw(kwZONE)
				tz = true
			} else if p.acceptKw(kwWITHOUT) {
				p.expectKw(kwTIME)
				p.expectKw(kwZONE)
			}
			name := t.str
			if tz {
				name += "tz"
			}
			tn := sysType(t.pos, name)
			tn.Typmods = typmods
			return tn
		case kwINTERVAL:
			p.next()
			tn := sysType(t.pos, "interval")
			if p.accept('(') {
				np := p.tok().pos
				tn.Typmods = []ast.Expr{intConst(np, p.parseIconst())}
				p.expect(')')
				return tn
			}
			if !isConst {
				tn.IntervalFields, tn.Typmods = p.parseOptInterval()
			}
			return tn
		}
	}
	// GenericType: type_function_name [attrs] [opt_type_modifiers].
	if !isTypeFuncName(t) {
		p.syntaxError()
	}
	p.next()
	names := []string{t.str}
	for p.is('.') {
		p.next()
		names = append(names, p.parseColLabel())
	}
	tn := &ast.TypeName{Pos: t.pos, Names: names}
	if p.is('%') && p.peekIsKw(1, kwTYPE) {
		p.next()
		p.next()
		tn.PctType = true
		return tn
	}
	tn.Typmods = p.parseOptTypeModifiers()
	return tn
}

// parseOptTypeModifiers parses opt_type_modifiers: '(' expr_list ')'.
func (p *parser) parseOptTypeModifiers() []ast.Expr {
	if !p.accept('(') {
		return nil
	}
	l := p.parseExprList()
	p.expect(')')
	return l
}

// parseOptInterval parses opt_interval: YEAR | MONTH | ... | DAY TO SECOND(p).
// It returns the INTERVAL_MASK bits and the precision typmod, if any.
func (p *parser) parseOptInterval() (int, []ast.Expr) {
	t := p.tok()
	if t.typ != tKeyword {
		return 0, nil
	}
	second := func() []ast.Expr {
		if p.accept('(') {
			np := p.tok().pos
			n := p.parseIconst()
			p.expect(')')
			return []ast.Expr{intConst(np, n)}
		}
		return nil
	}
	switch t.kw {
	case kwYEAR:
		p.next()
		if p.acceptKw(kwTO) {
			p.expectKw(kwMONTH)
			return ast.IntervalYear | ast.IntervalMonth, nil
		}
		return ast.IntervalYear, nil
	case kwMONTH:
		p.next()
		return ast.IntervalMonth, nil
	case kwDAY:
		p.next()
		if p.acceptKw(kwTO) {
			switch {
			case p.acceptKw(kwHOUR):
				return ast.IntervalDay | ast.IntervalHour, nil
			case p.acceptKw(kwMINUTE):
				return ast.IntervalDay | ast.IntervalHour | ast.IntervalMinute, nil
			default:
				p.expectKw(kwSECOND)
				return ast.IntervalDay | ast.IntervalHour | ast.IntervalMinute | ast.IntervalSecond, second()
			}
		}
		return ast.IntervalDay, nil
	case kwHOUR:
		p.next()
		if p.acceptKw(kwTO) {
			if p.acceptKw(kwMINUTE) {
				return ast.IntervalHour | ast.IntervalMinute, nil
			}
			p.expectKw(kwSECOND)
			return ast.IntervalHour | ast.IntervalMinute | ast.IntervalSecond, second()
		}
		return ast.IntervalHour, nil
	case kwMINUTE:
		p.next()
		if p.acceptKw(kwTO) {
			p.expectKw(kwSECOND)
			return ast.IntervalMinute | ast.IntervalSecond, second()
		}
		return ast.IntervalMinute, nil
	case kwSECOND:
		p.next()
		return ast.IntervalSecond, second()
	}
	return 0, nil
}
