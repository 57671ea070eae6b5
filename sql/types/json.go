package types

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// jsonb value kinds, numbered as PostgreSQL's enum jbvType so that the
// type-defined order of compareJsonbContainers falls out (J2).
const (
	jbvNull    = 0x0
	jbvString  = 0x1
	jbvNumeric = 0x2
	jbvBool    = 0x3
	jbvArray   = 0x10
	jbvObject  = 0x11
)

// jv is a parsed JSON value. Objects built for jsonb have their keys
// sorted and unique (J1).
type jv struct {
	kind  int
	str   string
	num   *apd.Decimal
	b     bool
	elems []*jv    // array elements
	keys  []string // object keys
	vals  []*jv    // object values
	raw   bool     // top-level scalar (PostgreSQL's raw scalar pseudo array)
	text  string   // the value's source text (json keeps it verbatim)
}

type jsonLexer struct {
	s   string
	pos int
}

func errJSON(detail string, args ...any) error {
	return pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type json").WithDetail(detail, args...)
}

func (l *jsonLexer) skipWS() {
	for l.pos < len(l.s) {
		switch l.s[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

// tokenAt returns the text of the (invalid) token starting at i, as
// PostgreSQL reports it: a run of letters, digits, '_' and non-ASCII.
func (l *jsonLexer) tokenAt(i int) string {
	j := i
	for j < len(l.s) {
		c := l.s[j]
		if isAlnum(c) || c == '_' || c >= 0x80 || (j > i && (c == '.' || c == '+' || c == '-')) {
			j++
			continue
		}
		break
	}
	if j == i && i < len(l.s) {
		_, n := utf8.DecodeRuneInString(l.s[i:])
		j = i + n
	}
	return l.s[i:j]
}

// found describes the next token for "Expected ..., but found ..." errors.
func (l *jsonLexer) found() error {
	if l.pos >= len(l.s) {
		return errJSON("The input string ended unexpectedly.")
	}
	return nil
}

func (l *jsonLexer) nextTokenText() string {
	c := l.s[l.pos]
	switch c {
	case '{', '}', '[', ']', ',', ':':
		return l.s[l.pos : l.pos+1]
	case '"':
		j := l.pos + 1
		for j < len(l.s) && l.s[j] != '"' {
			if l.s[j] == '\\' {
				j++
			}
			j++
		}
		return l.s[l.pos:min(j+1, len(l.s))]
	}
	return l.tokenAt(l.pos)
}

func (l *jsonLexer) expected(what string) error {
	if e := l.found(); e != nil {
		return e
	}
	return errJSON("Expected %s, but found \"%s\".", what, l.nextTokenText())
}

// parseJSON parses a whole JSON text (PostgreSQL's json lexer and
// recursive-descent parser); sortKeys builds jsonb's normalized objects.
func parseJSON(s string, forJSONB bool) (*jv, error) {
	l := &jsonLexer{s: s}
	v, err := l.value(forJSONB, 0)
	if err != nil {
		return nil, err
	}
	l.skipWS()
	if l.pos < len(l.s) {
		return nil, l.expected("end of input")
	}
	if v.kind != jbvArray && v.kind != jbvObject {
		v.raw = true
	}
	return v, nil
}

const maxJSONDepth = 6400

func (l *jsonLexer) value(forJSONB bool, depth int) (*jv, error) {
	l.skipWS()
	start := l.pos
	v, err := l.value1(forJSONB, depth)
	if err == nil && !forJSONB {
		v.text = l.s[start:l.pos]
	}
	return v, err
}

func (l *jsonLexer) value1(forJSONB bool, depth int) (*jv, error) {
	if depth > maxJSONDepth {
		return nil, pgerr.New(pgerr.StatementTooComplex, "stack depth limit exceeded")
	}
	l.skipWS()
	if l.pos >= len(l.s) {
		return nil, errJSON("The input string ended unexpectedly.")
	}
	switch c := l.s[l.pos]; {
	case c == '{':
		l.pos++
		obj := &jv{kind: jbvObject}
		l.skipWS()
		if l.pos < len(l.s) && l.s[l.pos] == '}' {
			l.pos++
			return obj, nil
		}
		for {
			l.skipWS()
			if l.pos >= len(l.s) || l.s[l.pos] != '"' {
				if len(obj.keys) == 0 {
					return nil, l.expected("string or \"}\"")
				}
				return nil, l.expected("string")
			}
			k, err := l.str()
			if err != nil {
				return nil, err
			}
			l.skipWS()
			if l.pos >= len(l.s) || l.s[l.pos] != ':' {
				return nil, l.expected("\":\"")
			}
			l.pos++
			v, err := l.value(forJSONB, depth+1)
			if err != nil {
				return nil, err
			}
			obj.keys = append(obj.keys, k)
			obj.vals = append(obj.vals, v)
			l.skipWS()
			if l.pos < len(l.s) && l.s[l.pos] == ',' {
				l.pos++
				continue
			}
			if l.pos < len(l.s) && l.s[l.pos] == '}' {
				l.pos++
				break
			}
			return nil, l.expected("\",\" or \"}\"")
		}
		if forJSONB {
			uniqueifyObject(obj)
		}
		return obj, nil
	case c == '[':
		l.pos++
		arr := &jv{kind: jbvArray}
		l.skipWS()
		if l.pos < len(l.s) && l.s[l.pos] == ']' {
			l.pos++
			return arr, nil
		}
		for {
			v, err := l.value(forJSONB, depth+1)
			if err != nil {
				return nil, err
			}
			arr.elems = append(arr.elems, v)
			l.skipWS()
			if l.pos < len(l.s) && l.s[l.pos] == ',' {
				l.pos++
				continue
			}
			if l.pos < len(l.s) && l.s[l.pos] == ']' {
				l.pos++
				return arr, nil
			}
			return nil, l.expected("\",\" or \"]\"")
		}
	case c == '"':
		s, err := l.str()
		if err != nil {
			return nil, err
		}
		return &jv{kind: jbvString, str: s}, nil
	case c == '-' || isDigit(c):
		return l.number()
	case c == ']' || c == '}' || c == ',' || c == ':':
		return nil, l.expected("JSON value")
	default:
		tok := l.tokenAt(l.pos)
		switch tok {
		case "true", "false":
			l.pos += len(tok)
			return &jv{kind: jbvBool, b: tok == "true"}, nil
		case "null":
			l.pos += len(tok)
			return &jv{kind: jbvNull}, nil
		}
		return nil, errJSON("Token \"%s\" is invalid.", tok)
	}
}

// number mirrors json_lex_number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
func (l *jsonLexer) number() (*jv, error) {
	start := l.pos
	i := l.pos
	bad := func() (*jv, error) {
		return nil, errJSON("Token \"%s\" is invalid.", l.tokenAt(start))
	}
	if l.s[i] == '-' {
		i++
	}
	if i >= len(l.s) || !isDigit(l.s[i]) {
		return bad()
	}
	if l.s[i] == '0' {
		i++
	} else {
		for i < len(l.s) && isDigit(l.s[i]) {
			i++
		}
	}
	if i < len(l.s) && l.s[i] == '.' {
		i++
		if i >= len(l.s) || !isDigit(l.s[i]) {
			return bad()
		}
		for i < len(l.s) && isDigit(l.s[i]) {
			i++
		}
	}
	if i < len(l.s) && (l.s[i] == 'e' || l.s[i] == 'E') {
		i++
		if i < len(l.s) && (l.s[i] == '+' || l.s[i] == '-') {
			i++
		}
		if i >= len(l.s) || !isDigit(l.s[i]) {
			return bad()
		}
		for i < len(l.s) && isDigit(l.s[i]) {
			i++
		}
	}
	if i < len(l.s) && (isAlnum(l.s[i]) || l.s[i] == '_' || l.s[i] >= 0x80) {
		return bad()
	}
	l.pos = i
	d, err := parseNumeric(l.s[start:i], NoTypmod)
	if err != nil {
		return nil, err
	}
	return &jv{kind: jbvNumeric, num: d.(*apd.Decimal)}, nil
}

// str lexes a JSON string, resolving escapes (J3).
func (l *jsonLexer) str() (string, error) {
	l.pos++ // opening quote
	var b strings.Builder
	hiSurrogate := rune(-1)
	for {
		if l.pos >= len(l.s) {
			return "", errJSON("The input string ended unexpectedly.")
		}
		c := l.s[l.pos]
		if c == '"' {
			if hiSurrogate != -1 {
				return "", errJSON("Unicode low surrogate must follow a high surrogate.")
			}
			l.pos++
			return b.String(), nil
		}
		if c < 0x20 {
			return "", errJSON("Character with value 0x%02x must be escaped.", c)
		}
		if c != '\\' {
			if hiSurrogate != -1 {
				return "", errJSON("Unicode low surrogate must follow a high surrogate.")
			}
			b.WriteByte(c)
			l.pos++
			continue
		}
		l.pos++
		if l.pos >= len(l.s) {
			return "", errJSON("The input string ended unexpectedly.")
		}
		e := l.s[l.pos]
		if e == 'u' {
			if l.pos+5 > len(l.s) {
				return "", errJSON("\"\\u\" must be followed by four hexadecimal digits.")
			}
			v, err := strconv.ParseUint(l.s[l.pos+1:l.pos+5], 16, 32)
			if err != nil || strings.ContainsAny(l.s[l.pos+1:l.pos+5], "+-") {
				return "", errJSON("\"\\u\" must be followed by four hexadecimal digits.")
			}
			l.pos += 5
			r := rune(v)
			switch {
			case r >= 0xd800 && r <= 0xdbff:
				if hiSurrogate != -1 {
					return "", errJSON("Unicode high surrogate must not follow a high surrogate.")
				}
				hiSurrogate = r
				continue
			case r >= 0xdc00 && r <= 0xdfff:
				if hiSurrogate == -1 {
					return "", errJSON("Unicode low surrogate must follow a high surrogate.")
				}
				r = ((hiSurrogate & 0x3ff) << 10) + (r & 0x3ff) + 0x10000
				hiSurrogate = -1
			default:
				if hiSurrogate != -1 {
					return "", errJSON("Unicode low surrogate must follow a high surrogate.")
				}
			}
			if r == 0 {
				return "", pgerr.New(pgerr.UntranslatableCharacter, "unsupported Unicode escape sequence").
					WithDetail("\\u0000 cannot be converted to text.")
			}
			b.WriteRune(r)
			continue
		}
		if hiSurrogate != -1 {
			return "", errJSON("Unicode low surrogate must follow a high surrogate.")
		}
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		default:
			_, n := utf8.DecodeRuneInString(l.s[l.pos:])
			return "", errJSON("Escape sequence \"\\%s\" is invalid.", l.s[l.pos:l.pos+n])
		}
		l.pos++
	}
}

// jsonbKeyLess orders object keys as lengthCompareJsonbStringValue:
// shorter keys first, then bytewise.
func jsonbKeyLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// uniqueifyObject sorts keys and keeps the last value of duplicates, as
// uniqueifyJsonbObject (J1).
func uniqueifyObject(o *jv) {
	n := len(o.keys)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	// stable insertion order for equal keys keeps "last wins" simple
	sortStable(idx, func(a, b int) bool { return jsonbKeyLess(o.keys[a], o.keys[b]) })
	keys := make([]string, 0, n)
	vals := make([]*jv, 0, n)
	for i := 0; i < n; i++ {
		j := idx[i]
		if len(keys) > 0 && keys[len(keys)-1] == o.keys[j] {
			vals[len(vals)-1] = o.vals[j]
			continue
		}
		keys = append(keys, o.keys[j])
		vals = append(vals, o.vals[j])
	}
	o.keys, o.vals = keys, vals
}

func sortStable(idx []int, less func(a, b int) bool) {
	// merge sort on indexes
	if len(idx) < 2 {
		return
	}
	tmp := make([]int, len(idx))
	var rec func(lo, hi int)
	rec = func(lo, hi int) {
		if hi-lo < 2 {
			return
		}
		mid := (lo + hi) / 2
		rec(lo, mid)
		rec(mid, hi)
		i, j, k := lo, mid, lo
		for i < mid && j < hi {
			if less(idx[j], idx[i]) {
				tmp[k] = idx[j]
				j++
			} else {
				tmp[k] = idx[i]
				i++
			}
			k++
		}
		k += copy(tmp[k:], idx[i:mid])
		copy(tmp[k:], idx[j:hi])
		copy(idx[lo:hi], tmp[lo:hi])
	}
	rec(0, len(idx))
}

// appendJSONString mirrors escape_json.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

// appendJSONB renders a value as jsonb_out does: ", " between items and
// ": " after keys.
func appendJSONB(b []byte, v *jv) []byte {
	switch v.kind {
	case jbvNull:
		return append(b, "null"...)
	case jbvBool:
		if v.b {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case jbvNumeric:
		return append(b, formatNumeric(v.num)...)
	case jbvString:
		return appendJSONString(b, v.str)
	case jbvArray:
		b = append(b, '[')
		for i, e := range v.elems {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJSONB(b, e)
		}
		return append(b, ']')
	default:
		b = append(b, '{')
		for i, k := range v.keys {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJSONString(b, k)
			b = append(b, ": "...)
			b = appendJSONB(b, v.vals[i])
		}
		return append(b, '}')
	}
}

// parseJSONText mirrors json_in: the text is validated and kept as is.
func parseJSONText(s string) (Datum, error) {
	if _, err := parseJSON(s, false); err != nil {
		return nil, err
	}
	return s, nil
}

// parseJSONB mirrors jsonb_in; the datum is the normalized text (D3).
func parseJSONB(s string) (Datum, error) {
	v, err := parseJSON(s, true)
	if err != nil {
		return nil, err
	}
	return string(appendJSONB(nil, v)), nil
}

// jsonbToken is one step of PostgreSQL's JsonbIterator walk.
type jsonbToken struct {
	tok int // 1 begin array, 2 begin object, 3 key, 4 value/elem, 5 end
	v   *jv
}

func jsonbTokens(v *jv, out []jsonbToken) []jsonbToken {
	switch v.kind {
	case jbvArray:
		out = append(out, jsonbToken{1, v})
		for _, e := range v.elems {
			out = jsonbElem(e, out)
		}
		return append(out, jsonbToken{5, nil})
	case jbvObject:
		out = append(out, jsonbToken{2, v})
		for i, k := range v.keys {
			out = append(out, jsonbToken{3, &jv{kind: jbvString, str: k}})
			out = jsonbElem(v.vals[i], out)
		}
		return append(out, jsonbToken{5, nil})
	}
	// raw scalar: a one-element pseudo array
	out = append(out, jsonbToken{1, &jv{kind: jbvArray, raw: true, elems: []*jv{v}}})
	out = append(out, jsonbToken{4, v})
	return append(out, jsonbToken{5, nil})
}

func jsonbElem(e *jv, out []jsonbToken) []jsonbToken {
	if e.kind == jbvArray || e.kind == jbvObject {
		return jsonbTokens(e, out)
	}
	return append(out, jsonbToken{4, e})
}

// compareJSONB mirrors compareJsonbContainers (J2).
func compareJSONB(a, b *jv) int {
	ta := jsonbTokens(a, nil)
	tb := jsonbTokens(b, nil)
	for i := 0; i < len(ta) && i < len(tb); i++ {
		x, y := ta[i], tb[i]
		if x.tok == y.tok {
			if x.tok == 5 {
				continue
			}
			if x.v.kind != y.v.kind {
				return cmpInt(x.v.kind, y.v.kind)
			}
			res := 0
			switch x.v.kind {
			case jbvArray:
				if x.v.raw != y.v.raw {
					if x.v.raw {
						res = -1
					} else {
						res = 1
					}
				}
				if len(x.v.elems) != len(y.v.elems) {
					res = cmpInt(len(x.v.elems), len(y.v.elems))
				}
			case jbvObject:
				res = cmpInt(len(x.v.keys), len(y.v.keys))
			default:
				res = compareJSONBScalar(x.v, y.v)
			}
			if res != 0 {
				return res
			}
			continue
		}
		kx, ky := jbvNull, jbvNull
		if x.v != nil {
			kx = x.v.kind
		}
		if y.v != nil {
			ky = y.v.kind
		}
		if kx == ky {
			return cmpInt(x.tok, y.tok)
		}
		return cmpInt(kx, ky)
	}
	return cmpInt(len(ta), len(tb))
}

func compareJSONBScalar(a, b *jv) int {
	switch a.kind {
	case jbvString:
		return strings.Compare(a.str, b.str)
	case jbvNumeric:
		return compareNumeric(a.num, b.num)
	case jbvBool:
		switch {
		case a.b == b.b:
			return 0
		case a.b:
			return 1
		}
		return -1
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// appendJSONBCanonical renders v for hashing: numbers reduced so that
// values that compare equal hash equal (H1).
func appendJSONBCanonical(b []byte, v *jv) []byte {
	switch v.kind {
	case jbvNumeric:
		return append(b, numericReduced(v.num)...)
	case jbvArray:
		b = append(b, '[')
		for _, e := range v.elems {
			b = appendJSONBCanonical(b, e)
			b = append(b, ',')
		}
		return append(b, ']')
	case jbvObject:
		b = append(b, '{')
		for i, k := range v.keys {
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSONBCanonical(b, v.vals[i])
			b = append(b, ',')
		}
		return append(b, '}')
	}
	return appendJSONB(b, v)
}
