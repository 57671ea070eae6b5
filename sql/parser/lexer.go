package parser

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// Token types. Single-character tokens ( ) [ ] , ; : . + - * / % ^ < > =
// use the character itself as their type, like PostgreSQL's grammar.
const (
	tEOF           = 0
	tIdent         = 256 + iota // identifier (not a keyword, or quoted); str is the folded name
	tKeyword                    // unquoted keyword; kw set, str lower case
	tString                     // string constant; str is the decoded value
	tBitString                  // B'..' or X'..'; str is "b..." or "x..."
	tInteger                    // integer constant; str is the digits
	tNumeric                    // decimal / real constant; str is the text
	tParam                      // $n; ival is n
	tOp                         // generic operator; str is the operator
	tTypecast                   // ::
	tDotDot                     // ..
	tColonEquals                // :=
	tEqualsGreater              // =>
	tLessEquals                 // <=
	tGreaterEquals              // >=
	tNotEquals                  // <> or !=
	tError                      // lexical error; err set
	tOther                      // any other character (always a syntax error)
)

// NAMEDATALEN-1: identifiers are truncated to this many bytes (L3).
const maxIdentLen = 63

type token struct {
	typ  int
	kw   keyword
	str  string
	ival int
	pos  int // byte offset of the first character (L1)
	end  int // byte offset just past the token
	err  *pgerr.Error
}

// lexer splits a query string into tokens. It mirrors PostgreSQL's scan.l
// with standard_conforming_strings on. Errors become a tError token at the
// point where they occur, so that the parser reports a syntax error that
// comes earlier in the text first (L2).
type lexer struct {
	src string
	pos int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentCont(c byte) bool {
	return isIdentStart(c) || isDigit(c) || c == '$'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isOpChar(c byte) bool {
	return strings.IndexByte("~!@#^&|`?+-*/%<>=", c) >= 0
}

func isSelfChar(c byte) bool {
	return strings.IndexByte(",()[].;:+-*/%^<>=", c) >= 0
}

// errorAt builds a scanner error report, mirroring scanner_yyerror: the
// message is followed by `at or near "<text from pos>"`, or `at end of input`.
func (l *lexer) errorTok(msg string, pos, end int) token {
	return token{typ: tError, pos: pos, end: end, err: errorAt(l.src, msg, pos, end)}
}

func errorAt(src, msg string, pos, end int) *pgerr.Error {
	var e *pgerr.Error
	if pos >= len(src) {
		e = pgerr.New(pgerr.SyntaxError, "%s at end of input", msg)
	} else {
		if end > len(src) {
			end = len(src)
		}
		e = pgerr.New(pgerr.SyntaxError, "%s at or near \"%s\"", msg, src[pos:end])
	}
	return e.WithPosition(cursorPos(src, pos))
}

// cursorPos converts a byte offset into PostgreSQL's 1-based character
// position (pg_mbstrlen_with_len + 1).
func cursorPos(src string, pos int) int {
	if pos > len(src) {
		pos = len(src)
	}
	return utf8.RuneCountInString(src[:pos]) + 1
}

// skipSpace skips whitespace and comments. It returns an error token for an
// unterminated /* comment.
func (l *lexer) skipSpace() *token {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '-' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '-':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' && l.src[l.pos] != '\r' {
				l.pos++
			}
		case c == '/' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '*':
			start := l.pos
			depth := 0
			for {
				if l.pos+1 >= len(l.src) {
					l.pos = len(l.src)
					t := l.errorTok("unterminated /* comment", start, len(l.src))
					return &t
				}
				if l.src[l.pos] == '/' && l.src[l.pos+1] == '*' {
					depth++
					l.pos += 2
				} else if l.src[l.pos] == '*' && l.src[l.pos+1] == '/' {
					depth--
					l.pos += 2
					if depth == 0 {
						break
					}
				} else {
					l.pos++
				}
			}
		default:
			return nil
		}
	}
	return nil
}

// next returns the next token; at the end of input it returns tEOF with pos
// = len(src).
func (l *lexer) next() token {
	if t := l.skipSpace(); t != nil {
		return *t
	}
	if l.pos >= len(l.src) {
		return token{typ: tEOF, pos: len(l.src), end: len(l.src)}
	}
	start := l.pos
	c := l.src[l.pos]
	var c1 byte
	if l.pos+1 < len(l.src) {
		c1 = l.src[l.pos+1]
	}
	switch {
	case c == '\'':
		return l.scanString(start, start+1, false)
	case (c == 'e' || c == 'E') && c1 == '\'':
		return l.scanString(start, start+2, true)
	case (c == 'b' || c == 'B') && c1 == '\'':
		return l.scanBitString(start, 'b', "unterminated bit string literal")
	case (c == 'x' || c == 'X') && c1 == '\'':
		return l.scanBitString(start, 'x', "unterminated hexadecimal string literal")
	case (c == 'n' || c == 'N') && c1 == '\'':
		// National character literal: PostgreSQL returns the keyword NCHAR
		// and then lexes the string (xnstart).
		l.pos++
		return token{typ: tKeyword, kw: kwNCHAR, str: "nchar", pos: start, end: start + 1}
	case (c == 'u' || c == 'U') && c1 == '&' && l.pos+2 < len(l.src) && (l.src[l.pos+2] == '\'' || l.src[l.pos+2] == '"'):
		return l.scanUnicode(start)
	case c == '"':
		return l.scanQuotedIdent(start, start+1)
	case c == '$':
		return l.scanDollar(start)
	case isDigit(c) || c == '.' && isDigit(c1):
		return l.scanNumber(start)
	case isIdentStart(c):
		return l.scanIdent(start)
	}
	// Fixed multi-character tokens (they precede {operator} in scan.l and win
	// ties of length).
	if c1 != 0 {
		two := l.src[l.pos : l.pos+2]
		typ := 0
		switch two {
		case "::":
			typ = tTypecast
		case "..":
			typ = tDotDot
		case ":=":
			typ = tColonEquals
		}
		if typ != 0 {
			l.pos += 2
			return token{typ: typ, str: two, pos: start, end: l.pos}
		}
	}
	if isOpChar(c) {
		return l.scanOperator(start)
	}
	if isSelfChar(c) {
		l.pos++
		return token{typ: int(c), str: string(c), pos: start, end: l.pos}
	}
	// Any other character is returned as itself by PostgreSQL and rejected
	// by the grammar: a syntax error at that character.
	_, size := utf8.DecodeRuneInString(l.src[l.pos:])
	l.pos += size
	return token{typ: tOther, str: l.src[start:l.pos], pos: start, end: l.pos}
}

// scanOperator mirrors the {operator} rule of scan.l.
func (l *lexer) scanOperator(start int) token {
	end := start
	for end < len(l.src) && isOpChar(l.src[end]) {
		end++
	}
	text := l.src[start:end]
	nchars := len(text)
	// An embedded /* or -- starts a comment.
	if i := strings.Index(text, "/*"); i > 0 {
		nchars = i
	}
	if i := strings.Index(text, "--"); i > 0 && i < nchars {
		nchars = i
	}
	// '+' and '-' cannot end a multi-character operator unless it contains
	// one of ~!@#^&|`?% .
	if nchars > 1 && (text[nchars-1] == '+' || text[nchars-1] == '-') {
		if !strings.ContainsAny(text[:nchars-1], "~!@#^&|`?%") {
			for nchars > 1 && (text[nchars-1] == '+' || text[nchars-1] == '-') {
				nchars--
			}
		}
	}
	text = text[:nchars]
	l.pos = start + nchars
	if nchars == 1 && isSelfChar(text[0]) {
		return token{typ: int(text[0]), str: text, pos: start, end: l.pos}
	}
	if nchars == 2 {
		switch text {
		case "=>":
			return token{typ: tEqualsGreater, str: text, pos: start, end: l.pos}
		case ">=":
			return token{typ: tGreaterEquals, str: text, pos: start, end: l.pos}
		case "<=":
			return token{typ: tLessEquals, str: text, pos: start, end: l.pos}
		case "<>", "!=":
			return token{typ: tNotEquals, str: "<>", pos: start, end: l.pos}
		}
	}
	if nchars >= maxIdentLen+1 {
		return l.errorTok("operator too long", start, l.pos)
	}
	return token{typ: tOp, str: text, pos: start, end: l.pos}
}

// scanIdent scans an identifier or keyword (L3).
func (l *lexer) scanIdent(start int) token {
	end := start + 1
	for end < len(l.src) && isIdentCont(l.src[end]) {
		end++
	}
	l.pos = end
	text := l.src[start:end]
	lower := downcase(text)
	if kw := lookupKeyword(lower); kw != kwNone {
		return token{typ: tKeyword, kw: kw, str: lower, pos: start, end: end}
	}
	return token{typ: tIdent, str: truncateIdent(lower), pos: start, end: end}
}

// downcase folds ASCII letters only, like downcase_identifier in a UTF8
// database.
func downcase(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// truncateIdent cuts an identifier to NAMEDATALEN-1 bytes at a character
// boundary (truncate_identifier; PostgreSQL only raises a NOTICE).
func truncateIdent(s string) string {
	if len(s) <= maxIdentLen {
		return s
	}
	n := maxIdentLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func (l *lexer) scanQuotedIdent(start, body int) token {
	var sb strings.Builder
	i := body
	for {
		j := strings.IndexByte(l.src[i:], '"')
		if j < 0 {
			l.pos = len(l.src)
			return l.errorTok("unterminated quoted identifier", start, len(l.src))
		}
		sb.WriteString(l.src[i : i+j])
		i += j + 1
		if i < len(l.src) && l.src[i] == '"' {
			sb.WriteByte('"')
			i++
			continue
		}
		break
	}
	l.pos = i
	if sb.Len() == 0 {
		return l.errorTok("zero-length delimited identifier", start, i)
	}
	return token{typ: tIdent, str: truncateIdent(sb.String()), pos: start, end: i}
}

func (l *lexer) invalidUTF8(start, end int, s string) token {
	return token{typ: tError, pos: start, end: end, err: invalidEncoding(s)}
}

// invalidEncoding reports the first invalid UTF-8 sequence of s as
// report_invalid_encoding does (no cursor position).
func invalidEncoding(s string) *pgerr.Error {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 || r == 0 { // PostgreSQL text cannot hold NUL
			break
		}
		i += size
	}
	n := 1 // pg_utf_mblen
	switch c := s[min(i, len(s)-1)]; {
	case c&0xe0 == 0xc0:
		n = 2
	case c&0xf0 == 0xe0:
		n = 3
	case c&0xf8 == 0xf0:
		n = 4
	}
	var b strings.Builder
	for k := 0; k < n && i+k < len(s); k++ {
		if k > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "0x%02x", s[i+k])
	}
	return pgerr.New(pgerr.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": %s", b.String())
}

// scanString scans '...' (and E'...' when escapes) starting at body, the
// offset just after the opening quote. Adjacent literals separated by
// whitespace that includes a newline are concatenated (xqcat).
func (l *lexer) scanString(start, body int, escapes bool) token {
	var sb strings.Builder
	i := body
	for {
		// Scan one quoted segment.
		for {
			if i >= len(l.src) {
				l.pos = len(l.src)
				return l.errorTok("unterminated quoted string", start, len(l.src))
			}
			c := l.src[i]
			if c == '\'' {
				if i+1 < len(l.src) && l.src[i+1] == '\'' {
					sb.WriteByte('\'')
					i += 2
					continue
				}
				i++
				break
			}
			if c == '\\' && escapes {
				n, err := decodeEscape(l.src, i, &sb)
				switch err {
				case "":
				case "invalid Unicode escape":
					l.pos = len(l.src)
					t := l.errorTok(err, i, i+n)
					t.err = pgerr.New(pgerr.InvalidEscapeSequence, "invalid Unicode escape").
						WithHint("Unicode escapes must be \\uXXXX or \\UXXXXXXXX.").WithPosition(cursorPos(l.src, i))
					return t
				case "invalid Unicode escape value":
					l.pos = len(l.src)
					return l.errorTok(err, i, i+n)
				default: // surrogate pair: reported at the character after the escape
					l.pos = len(l.src)
					_, size := utf8.DecodeRuneInString(l.src[min(i+n, len(l.src)):])
					return l.errorTok(err, i+n, i+n+size)
				}
				i += n
				continue
			}
			sb.WriteByte(c)
			i++
		}
		// Continuation: whitespace with a newline, then another quote.
		j, sawNewline := i, false
		for j < len(l.src) {
			c := l.src[j]
			if c == '\n' || c == '\r' {
				sawNewline = true
				j++
			} else if isSpace(c) {
				j++
			} else if c == '-' && j+1 < len(l.src) && l.src[j+1] == '-' && sawNewline {
				for j < len(l.src) && l.src[j] != '\n' && l.src[j] != '\r' {
					j++
				}
			} else {
				break
			}
		}
		if sawNewline && j < len(l.src) && l.src[j] == '\'' {
			i = j + 1
			continue
		}
		break
	}
	l.pos = i
	s := sb.String()
	if escapes && (!utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0) {
		return l.invalidUTF8(start, i, s)
	}
	return token{typ: tString, str: s, pos: start, end: i}
}

// decodeEscape decodes one backslash escape of an E” string at src[i]
// ('\\'), appending to sb; it returns the bytes consumed, or an error
// message.
func decodeEscape(src string, i int, sb *strings.Builder) (int, string) {
	if i+1 >= len(src) {
		return 1, "unterminated quoted string"
	}
	c := src[i+1]
	switch c {
	case 'b':
		sb.WriteByte('\b')
	case 'f':
		sb.WriteByte('\f')
	case 'n':
		sb.WriteByte('\n')
	case 'r':
		sb.WriteByte('\r')
	case 't':
		sb.WriteByte('\t')
	case '0', '1', '2', '3', '4', '5', '6', '7':
		n, v := 1, int(c-'0')
		for n < 3 && i+1+n < len(src) && src[i+1+n] >= '0' && src[i+1+n] <= '7' {
			v = v*8 + int(src[i+1+n]-'0')
			n++
		}
		sb.WriteByte(byte(v))
		return 1 + n, ""
	case 'x':
		n, v := 0, 0
		for n < 2 && i+2+n < len(src) && isHex(src[i+2+n]) {
			v = v*16 + hexVal(src[i+2+n])
			n++
		}
		if n == 0 {
			sb.WriteByte('x')
			return 2, ""
		}
		sb.WriteByte(byte(v))
		return 2 + n, ""
	case 'u', 'U':
		want := 4
		if c == 'U' {
			want = 8
		}
		if i+2+want > len(src) {
			return 2, "invalid Unicode escape"
		}
		v := 0
		for k := 0; k < want; k++ {
			h := src[i+2+k]
			if !isHex(h) {
				return 2, "invalid Unicode escape"
			}
			v = v*16 + hexVal(h)
		}
		n := 2 + want
		if v >= 0xD800 && v <= 0xDBFF { // surrogate pair: \uD83D\uDE00
			if i+n+6 <= len(src) && src[i+n] == '\\' && src[i+n+1] == 'u' {
				lo := 0
				for k := 0; k < 4; k++ {
					h := src[i+n+2+k]
					if !isHex(h) {
						return n, "invalid Unicode surrogate pair"
					}
					lo = lo*16 + hexVal(h)
				}
				if lo >= 0xDC00 && lo <= 0xDFFF {
					sb.WriteRune(rune((v-0xD800)<<10 + (lo - 0xDC00) + 0x10000))
					return n + 6, ""
				}
			}
			return n, "invalid Unicode surrogate pair"
		}
		if v == 0 || v > 0x10FFFF || v >= 0xDC00 && v <= 0xDFFF {
			return n, "invalid Unicode escape value"
		}
		sb.WriteRune(rune(v))
		return n, ""
	default:
		// Any other character stands for itself; copy a whole UTF-8 sequence.
		_, size := utf8.DecodeRuneInString(src[i+1:])
		sb.WriteString(src[i+1 : i+1+size])
		return 1 + size, ""
	}
	return 2, ""
}

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	default:
		return int(c-'A') + 10
	}
}

// scanBitString scans B'0101' / X'1F' (PostgreSQL checks the digits later,
// in bit_in).
func (l *lexer) scanBitString(start int, kind byte, unterminated string) token {
	i := start + 2
	j := strings.IndexByte(l.src[i:], '\'')
	if j < 0 {
		l.pos = len(l.src)
		return l.errorTok(unterminated, start, len(l.src))
	}
	l.pos = i + j + 1
	return token{typ: tBitString, str: string(kind) + l.src[i:i+j], pos: start, end: l.pos}
}

// scanUnicode scans U&'...' and U&"..." with \XXXX and \+XXXXXX escapes
// (the default escape character; UESCAPE is not supported).
func (l *lexer) scanUnicode(start int) token {
	quote := l.src[start+2]
	var t token
	if quote == '\'' {
		t = l.scanString(start, start+3, false)
	} else {
		t = l.scanQuotedIdent(start, start+3)
	}
	if t.typ == tError {
		return t
	}
	// Decode the Unicode escapes (str_udeescape). Error positions are the
	// body start plus the offset in the de-quoted text, as PostgreSQL does.
	var sb strings.Builder
	s := t.str
	bad := func(i int, msg string) token {
		e := pgerr.New(pgerr.SyntaxError, "%s", msg).WithPosition(cursorPos(l.src, start+3) + utf8.RuneCountInString(s[:i]))
		if msg == "invalid Unicode escape" {
			e.Hint = "Unicode escapes must be \\XXXX or \\+XXXXXX."
		}
		return token{typ: tError, pos: start, end: t.end, err: e}
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			sb.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\\' {
			sb.WriteByte('\\')
			i++
			continue
		}
		n := 4
		off := 1
		if i+1 < len(s) && s[i+1] == '+' {
			n, off = 6, 2
		}
		if i+off+n > len(s) {
			return bad(i, "invalid Unicode escape")
		}
		v, err := strconv.ParseUint(s[i+off:i+off+n], 16, 32)
		if err != nil || strings.ContainsAny(s[i+off:i+off+n], "+-") {
			return bad(i, "invalid Unicode escape")
		}
		if v == 0 || v > 0x10FFFF || v >= 0xD800 && v <= 0xDFFF {
			return bad(i, "invalid Unicode escape value")
		}
		sb.WriteRune(rune(v))
		i += off + n - 1
	}
	t.str = sb.String()
	if quote == '"' {
		t.str = truncateIdent(t.str)
	}
	return t
}

// scanDollar scans $n parameters and $tag$...$tag$ strings.
func (l *lexer) scanDollar(start int) token {
	i := start + 1
	if i < len(l.src) && isDigit(l.src[i]) {
		for i < len(l.src) && isDigit(l.src[i]) {
			i++
		}
		if i < len(l.src) && isIdentStart(l.src[i]) {
			for i < len(l.src) && isIdentCont(l.src[i]) {
				i++
			}
			l.pos = i
			return l.errorTok("trailing junk after parameter", start, i)
		}
		l.pos = i
		n, err := strconv.Atoi(l.src[start+1 : i])
		if err != nil || n > 1<<31-1 {
			n = 0 // the analyzer reports "there is no parameter $0"
		}
		return token{typ: tParam, ival: n, str: l.src[start:i], pos: start, end: i}
	}
	// Dollar quote delimiter: $tag$ with tag = ident_start ident_cont* minus '$'.
	if i < len(l.src) && isIdentStart(l.src[i]) {
		for i < len(l.src) && (isIdentStart(l.src[i]) || isDigit(l.src[i])) {
			i++
		}
	}
	if i >= len(l.src) || l.src[i] != '$' {
		// dolqfailed: return '$' alone, which the grammar rejects.
		l.pos = start + 1
		return token{typ: '$', str: "$", pos: start, end: start + 1}
	}
	delim := l.src[start : i+1]
	body := i + 1
	j := strings.Index(l.src[body:], delim)
	if j < 0 {
		l.pos = len(l.src)
		return l.errorTok("unterminated dollar-quoted string", start, len(l.src))
	}
	l.pos = body + j + len(delim)
	return token{typ: tString, str: l.src[body : body+j], pos: start, end: l.pos}
}

// scanNumber scans integer, decimal and real constants, rejecting trailing
// junk as PostgreSQL 15 does ("123abc").
func (l *lexer) scanNumber(start int) token {
	i := start
	for i < len(l.src) && isDigit(l.src[i]) {
		i++
	}
	typ := tInteger
	if i < len(l.src) && l.src[i] == '.' {
		if i+1 < len(l.src) && l.src[i+1] == '.' {
			// decimalfail: "1..": return the integer, leave ".." for later.
			goto done
		}
		typ = tNumeric
		i++
		for i < len(l.src) && isDigit(l.src[i]) {
			i++
		}
	}
	if i < len(l.src) && (l.src[i] == 'e' || l.src[i] == 'E') {
		j := i + 1
		if j < len(l.src) && (l.src[j] == '+' || l.src[j] == '-') {
			j++
			if j >= len(l.src) || !isDigit(l.src[j]) {
				// realfail
				l.pos = j
				return l.errorTok("trailing junk after numeric literal", start, j)
			}
		}
		if j < len(l.src) && isDigit(l.src[j]) {
			for j < len(l.src) && isDigit(l.src[j]) {
				j++
			}
			typ = tNumeric
			i = j
		}
	}
done:
	if i < len(l.src) && isIdentStart(l.src[i]) {
		for i < len(l.src) && isIdentCont(l.src[i]) {
			i++
		}
		l.pos = i
		return l.errorTok("trailing junk after numeric literal", start, i)
	}
	l.pos = i
	return token{typ: typ, str: l.src[start:i], pos: start, end: i}
}
