package parser

import (
	"strings"
	"unicode/utf8"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

// maxDepth bounds the nesting of expressions and queries (P4), standing in
// for PostgreSQL's check_stack_depth.
const maxDepth = 20000

// Parse parses a string of ';'-separated SQL statements. Empty statements
// are skipped. On error it returns a *pgerr.Error (P1) and no statements.
// Mirrors raw_parser.
func Parse(sql string) (stmts []ast.Stmt, err error) {
	raw, err := ParseRaw(sql)
	if err != nil {
		return nil, err
	}
	stmts = make([]ast.Stmt, len(raw))
	for i, r := range raw {
		stmts[i] = r.Stmt
	}
	return stmts, nil
}

// RawStmt is a parsed statement with the byte range of its text (without
// the terminating ';'), like PostgreSQL's RawStmt stmt_location/stmt_len.
// Text(sql) returns that text.
type RawStmt struct {
	Stmt  ast.Stmt
	Start int // byte offset of the statement's first token
	End   int // byte offset just past its last token
}

// Text returns the statement's source text within sql.
func (r RawStmt) Text(sql string) string { return sql[r.Start:r.End] }

// ParseRaw is Parse, also returning where each statement is in the text.
func ParseRaw(sql string) (stmts []RawStmt, err error) {
	if !validText(sql) {
		return nil, invalidEncoding(sql)
	}
	p := &parser{src: sql, lex: lexer{src: sql}}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			stmts, err = nil, b.err
		}
	}()
	return p.parseStmtMulti(), nil
}

// ParseTypeName parses a type name such as "varchar(10)" or "int[]"
// (PostgreSQL's parseTypeString).
func ParseTypeName(s string) (t *ast.TypeName, err error) {
	if !validText(s) {
		return nil, invalidEncoding(s)
	}
	p := &parser{src: s, lex: lexer{src: s}}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			t, err = nil, b.err
		}
	}()
	t = p.parseTypename()
	if p.tok().typ != tEOF {
		p.syntaxError()
	}
	return t, nil
}

// ParseExpr parses a single expression (a_expr), e.g. a column default
// stored in the catalog.
func ParseExpr(sql string) (e ast.Expr, err error) {
	if !validText(sql) {
		return nil, invalidEncoding(sql)
	}
	p := &parser{src: sql, lex: lexer{src: sql}}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			e, err = nil, b.err
		}
	}()
	e = p.parseExpr()
	if p.tok().typ != tEOF {
		p.syntaxError()
	}
	return e, nil
}

// validText reports whether s is valid UTF-8 without NUL bytes, as a
// PostgreSQL query string must be.
func validText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// bailout carries a parse error up to Parse (P2: the only panic value used).
type bailout struct{ err *pgerr.Error }

type parser struct {
	src   string
	lex   lexer
	buf   []token // lookahead tokens; buf[head:] are not yet consumed
	head  int
	prev  token // last consumed token
	depth int

	parenStart  int  // position of the '(' of the last parenthesized FROM subquery
	ctasOnly    bool // CREATE TABLE must be CREATE TABLE AS (under EXPLAIN)
	argOrderPos int  // position of the ORDER of the last aggregate argument ORDER BY
}

// peek returns the k-th token ahead (0 = current). A lexical error is
// raised when the parser first looks at it (L2).
func (p *parser) peek(k int) token {
	for len(p.buf)-p.head <= k {
		var t token
		if n := len(p.buf); n > 0 && (p.buf[n-1].typ == tEOF || p.buf[n-1].typ == tError) {
			t = p.buf[n-1]
		} else {
			t = p.lex.next()
		}
		p.buf = append(p.buf, t)
	}
	t := &p.buf[p.head+k]
	if t.typ == tError {
		panic(bailout{t.err})
	}
	return *t
}

func (p *parser) tok() token { return p.peek(0) }

// next consumes and returns the current token.
func (p *parser) next() token {
	t := p.peek(0)
	if t.typ != tEOF {
		p.head++
		if p.head == len(p.buf) { // reuse the buffer
			p.buf, p.head = p.buf[:0], 0
		}
	}
	p.prev = t
	return t
}

func (p *parser) isKw(k keyword) bool {
	t := p.tok()
	return t.typ == tKeyword && t.kw == k
}

func (p *parser) peekIsKw(n int, k keyword) bool {
	t := p.peek(n)
	return t.typ == tKeyword && t.kw == k
}

func (p *parser) acceptKw(k keyword) bool {
	if p.isKw(k) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectKw(k keyword) token {
	if !p.isKw(k) {
		p.syntaxError()
	}
	return p.next()
}

func (p *parser) is(typ int) bool { return p.tok().typ == typ }

func (p *parser) accept(typ int) bool {
	if p.tok().typ == typ {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(typ int) token {
	if p.tok().typ != typ {
		p.syntaxError()
	}
	return p.next()
}

// syntaxError reports "syntax error" at the current token (P1).
func (p *parser) syntaxError() {
	p.syntaxErrorAt(p.tok())
}

func (p *parser) syntaxErrorAt(t token) {
	panic(bailout{errorAt(p.src, "syntax error", t.pos, t.end)})
}

// fail reports an error with a message and cursor position at byte offset pos.
func (p *parser) fail(code pgerr.Code, pos int, format string, args ...any) {
	e := pgerr.New(code, format, args...)
	if pos >= 0 {
		e.Position = cursorPos(p.src, pos)
	}
	panic(bailout{e})
}

// enter/leave bound recursion depth (P4).
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		e := pgerr.New(pgerr.StatementTooComplex, "stack depth limit exceeded").
			WithHint("Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate.")
		panic(bailout{e})
	}
}

func (p *parser) leave() { p.depth-- }

// Identifier classes of gram.y.

func isKwCat(t token, cats ...kwCategory) bool {
	if t.typ != tKeyword {
		return false
	}
	c := t.kw.category()
	for _, x := range cats {
		if c == x {
			return true
		}
	}
	return false
}

// isColId: IDENT | unreserved_keyword | col_name_keyword.
func isColId(t token) bool {
	return t.typ == tIdent || isKwCat(t, unreservedKw, colNameKw)
}

// isTypeFuncName: IDENT | unreserved_keyword | type_func_name_keyword.
func isTypeFuncName(t token) bool {
	return t.typ == tIdent || isKwCat(t, unreservedKw, typeFuncNameKw)
}

// isNonReservedWord: IDENT | any non-reserved keyword.
func isNonReservedWord(t token) bool {
	return t.typ == tIdent || isKwCat(t, unreservedKw, colNameKw, typeFuncNameKw)
}

// isColLabel: IDENT | any keyword.
func isColLabel(t token) bool { return t.typ == tIdent || t.typ == tKeyword }

// isBareColLabel: IDENT | bare_label_keyword.
func isBareColLabel(t token) bool {
	return t.typ == tIdent || t.typ == tKeyword && t.kw.bareLabel()
}

func (p *parser) parseColId() string {
	if !isColId(p.tok()) {
		p.syntaxError()
	}
	return p.next().str
}

func (p *parser) parseColLabel() string {
	if !isColLabel(p.tok()) {
		p.syntaxError()
	}
	return p.next().str
}

func (p *parser) parseNonReservedWord() string {
	if !isNonReservedWord(p.tok()) {
		p.syntaxError()
	}
	return p.next().str
}

// parseName parses name: ColId.
func (p *parser) parseName() string { return p.parseColId() }

// parseNameList parses name (',' name)*.
func (p *parser) parseNameList() []string {
	names := []string{p.parseColId()}
	for p.accept(',') {
		names = append(names, p.parseColId())
	}
	return names
}

// parseParenNameList parses '(' name_list ')'.
func (p *parser) parseParenNameList() []string {
	p.expect('(')
	l := p.parseNameList()
	p.expect(')')
	return l
}

// parseAnyName parses any_name: ColId attrs (attrs are ColLabels).
func (p *parser) parseAnyName() []string {
	names := []string{p.parseColId()}
	for p.is('.') {
		p.next()
		names = append(names, p.parseColLabel())
	}
	return names
}

// parseQualifiedName parses qualified_name: ColId | ColId indirection into
// a RangeVar (makeRangeVarFromQualifiedName).
func (p *parser) parseQualifiedName() *ast.RangeVar {
	pos := p.tok().pos
	names := p.parseAnyName()
	return p.rangeVarFromNames(names, pos)
}

func (p *parser) rangeVarFromNames(names []string, pos int) *ast.RangeVar {
	rv := &ast.RangeVar{Pos: pos}
	switch len(names) {
	case 1:
		rv.Name = names[0]
	case 2:
		rv.Schema, rv.Name = names[0], names[1]
	case 3:
		rv.Catalog, rv.Schema, rv.Name = names[0], names[1], names[2]
	default:
		p.fail(pgerr.SyntaxError, pos, "improper qualified name (too many dotted names): %s", joinNames(names))
	}
	return rv
}

// parseQualifiedNameList parses qualified_name (',' qualified_name)*.
func (p *parser) parseQualifiedNameList() []*ast.RangeVar {
	l := []*ast.RangeVar{p.parseQualifiedName()}
	for p.accept(',') {
		l = append(l, p.parseQualifiedName())
	}
	return l
}

// joinNames joins a name list with dots, as NameListToString does.
func joinNames(names []string) string { return strings.Join(names, ".") }

// parseIconst parses Iconst: an integer constant that fits in int32 (the
// scanner's ICONST).
func (p *parser) parseIconst() int {
	t := p.tok()
	if t.typ != tInteger {
		p.syntaxError()
	}
	var v int64
	for _, c := range t.str {
		v = v*10 + int64(c-'0')
		if v > 1<<31-1 {
			p.syntaxError() // FCONST in PostgreSQL: not an Iconst
		}
	}
	p.next()
	return int(v)
}

// parseSconst parses Sconst.
func (p *parser) parseSconst() string {
	return p.expect(tString).str
}

// parseStmtMulti parses stmtmulti: stmt (';' stmt)*, dropping empty ones.
func (p *parser) parseStmtMulti() []RawStmt {
	var stmts []RawStmt
	for {
		for p.accept(';') {
		}
		if p.is(tEOF) {
			return stmts
		}
		start := p.tok().pos
		s := p.parseStmt()
		if !p.is(';') && !p.is(tEOF) {
			p.syntaxError()
		}
		stmts = append(stmts, RawStmt{Stmt: s, Start: start, End: p.prev.end})
	}
}

// parseStmt dispatches on the first keyword of a statement.
func (p *parser) parseStmt() ast.Stmt {
	t := p.tok()
	if t.typ == '(' {
		return p.parseSelectStmt()
	}
	if t.typ != tKeyword {
		p.syntaxError()
	}
	switch t.kw {
	case kwSELECT, kwVALUES, kwTABLE:
		return p.parseSelectStmt()
	case kwWITH:
		return p.parseWithStmt()
	case kwINSERT:
		return p.parseInsert(nil)
	case kwUPDATE:
		return p.parseUpdate(nil)
	case kwDELETE:
		return p.parseDelete(nil)
	case kwCREATE:
		return p.parseCreate()
	case kwDROP:
		return p.parseDrop()
	case kwALTER:
		return p.parseAlter()
	case kwTRUNCATE:
		return p.parseTruncate()
	case kwBEGIN, kwSTART, kwCOMMIT, kwEND, kwROLLBACK, kwABORT, kwSAVEPOINT, kwRELEASE:
		return p.parseTransaction()
	case kwPREPARE:
		if p.peekIsKw(1, kwTRANSACTION) {
			return p.parseTransaction()
		}
		return p.parsePrepare()
	case kwEXECUTE:
		return p.parseExecute()
	case kwDEALLOCATE:
		return p.parseDeallocate()
	case kwCHECKPOINT:
		p.next()
		return &ast.CheckpointStmt{Pos: t.pos}
	case kwSET:
		return p.parseSet()
	case kwRESET:
		return p.parseReset()
	case kwSHOW:
		return p.parseShow()
	case kwCOPY:
		return p.parseCopy()
	case kwEXPLAIN:
		return p.parseExplain()
	case kwVACUUM, kwANALYZE, kwANALYSE:
		return p.parseVacuum()
	case kwREINDEX:
		return p.parseReindex()
	case kwLOCK:
		return p.parseLock()
	case kwDISCARD:
		return p.parseDiscard()
	case kwCOMMENT:
		return p.parseComment()
	case kwGRANT, kwREVOKE, kwDO, kwCALL, kwLISTEN, kwNOTIFY, kwUNLISTEN, kwMERGE,
		kwCLUSTER, kwDECLARE, kwFETCH, kwMOVE, kwCLOSE, kwREFRESH, kwSECURITY, kwIMPORT, kwLOAD, kwREASSIGN:
		p.unsupported(t)
	}
	p.syntaxError()
	return nil
}

// unsupported reports a statement PostgreSQL has but Tusk does not parse.
func (p *parser) unsupported(t token) {
	p.fail(pgerr.FeatureNotSupported, t.pos, "%s is not supported", upper(t.str))
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
