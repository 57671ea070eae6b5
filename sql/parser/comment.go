package parser

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

// parseComment parses CommentStmt: COMMENT ON object_type any_name IS
// comment_text, for the object types Tusk has (TABLE, VIEW, INDEX,
// SEQUENCE, SCHEMA, COLUMN); others are 0A000.
func (p *parser) parseComment() ast.Stmt {
	t := p.expectKw(kwCOMMENT)
	p.expectKw(kwON)
	st := &ast.CommentStmt{Pos: t.pos}
	k := p.next()
	if k.typ != tKeyword {
		p.syntaxErrorAt(k)
	}
	switch k.kw {
	case kwTABLE:
		st.Kind = ast.ObjectTable
	case kwVIEW:
		st.Kind = ast.ObjectView
	case kwINDEX:
		st.Kind = ast.ObjectIndex
	case kwSEQUENCE:
		st.Kind = ast.ObjectSequence
	case kwSCHEMA:
		st.Kind = ast.ObjectSchema
	case kwCOLUMN:
		st.Kind = ast.ObjectColumn
	default:
		p.fail(pgerr.FeatureNotSupported, k.pos, "COMMENT ON %s is not supported", upper(k.str))
	}
	pos := p.tok().pos
	st.Object = p.parseAnyName()
	switch {
	case st.Kind == ast.ObjectSchema && len(st.Object) != 1:
		p.fail(pgerr.SyntaxError, pos, "schema name cannot be qualified")
	case st.Kind == ast.ObjectColumn && len(st.Object) < 2:
		p.fail(pgerr.SyntaxError, pos, "column name must be qualified")
	case st.Kind != ast.ObjectColumn && len(st.Object) > 3 || len(st.Object) > 4:
		p.fail(pgerr.SyntaxError, pos, "improper qualified name (too many dotted names): %s", joinNames(st.Object))
	}
	p.expectKw(kwIS)
	if !p.acceptKw(kwNULL) {
		s := p.parseSconst()
		st.Comment = &s
	}
	return st
}
