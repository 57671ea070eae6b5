package funcs

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// JSON construction and inspection (json.c, jsonb.c, jsonfuncs.c). A
// json datum is its text as written; a jsonb datum is its canonical text
// (keys sorted by length then bytes, duplicates resolved to the last,
// ", " and ": " separators), the form jsonb_out prints (J1).

func init() {
	proc(3787, "ss", "to_jsonb(anyelement) jsonb", "to_jsonb", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		n, err := toJSONNode(ctx, ctx.argType(0, guessType(a[0])), a[0])
		if err != nil {
			return nil, err
		}
		return jsonbText(n), nil
	})
	proc(3176, "ss", "to_json(anyelement) json", "to_json", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		return toJSONText(ctx, ctx.argType(0, guessType(a[0])), a[0])
	})
	proc(3273, "s", "jsonb_build_object(VARIADIC any) jsonb", "jsonb_build_object", buildObject(true))
	proc(3274, "s", "jsonb_build_object() jsonb", "jsonb_build_object_noargs", buildObject(true))
	proc(3271, "s", "jsonb_build_array(VARIADIC any) jsonb", "jsonb_build_array", buildArray(true))
	proc(3272, "s", "jsonb_build_array() jsonb", "jsonb_build_array_noargs", buildArray(true))
	proc(3200, "s", "json_build_object(VARIADIC any) json", "json_build_object", buildObject(false))
	proc(3201, "s", "json_build_object() json", "json_build_object_noargs", buildObject(false))
	proc(3198, "s", "json_build_array(VARIADIC any) json", "json_build_array", buildArray(false))
	proc(3199, "s", "json_build_array() json", "json_build_array_noargs", buildArray(false))
	proc(3210, "is", "jsonb_typeof(jsonb) text", "jsonb_typeof", jsonTypeof)
	proc(3968, "is", "json_typeof(json) text", "json_typeof", jsonTypeof)
	proc(3207, "is", "jsonb_array_length(jsonb) int4", "jsonb_array_length", jsonArrayLength(true))
	proc(3956, "is", "json_array_length(json) int4", "json_array_length", jsonArrayLength(false))
}

// jnode is a parsed JSON value.
type jnode struct {
	kind  byte   // 'n' null, 's' string, 'd' number, 'b' bool, 'a' array, 'o' object
	s     string // string value, or number text
	b     bool
	elems []*jnode
	keys  []string
	vals  []*jnode
}

var jnull = &jnode{kind: 'n'}

// canonObject sorts keys as jsonb does (length, then bytes) keeping the
// last of duplicate keys (J1).
func canonObject(n *jnode) {
	idx := make([]int, len(n.keys))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ka, kb := n.keys[idx[a]], n.keys[idx[b]]
		if len(ka) != len(kb) {
			return len(ka) < len(kb)
		}
		return ka < kb
	})
	var keys []string
	var vals []*jnode
	for _, i := range idx {
		if len(keys) > 0 && keys[len(keys)-1] == n.keys[i] {
			vals[len(vals)-1] = n.vals[i]
			continue
		}
		keys = append(keys, n.keys[i])
		vals = append(vals, n.vals[i])
	}
	n.keys, n.vals = keys, vals
}

// jsonbText renders n in jsonb's canonical form (objects must already
// be canonical).
func jsonbText(n *jnode) string {
	var b strings.Builder
	writeJSONB(&b, n)
	return b.String()
}

func writeJSONB(b *strings.Builder, n *jnode) {
	switch n.kind {
	case 'n':
		b.WriteString("null")
	case 'b':
		if n.b {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case 'd':
		b.WriteString(n.s)
	case 's':
		escapeJSON(b, n.s)
	case 'a':
		b.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONB(b, e)
		}
		b.WriteByte(']')
	case 'o':
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			escapeJSON(b, k)
			b.WriteString(": ")
			writeJSONB(b, n.vals[i])
		}
		b.WriteByte('}')
	}
}

// escapeJSON mirrors escape_json.
func escapeJSON(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[c>>4])
				b.WriteByte("0123456789abcdef"[c&15])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

func quoteJSON(s string) string {
	var b strings.Builder
	escapeJSON(&b, s)
	return b.String()
}

// --- parsing json / jsonb text ---

type jparser struct {
	s     string
	i     int
	depth int
}

func errJSONText(detail string) error {
	return pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type json").WithDetail("%s", detail)
}

// parseJSONNode parses JSON text; forJSONB canonicalizes objects and
// numbers as jsonb_in does.
func parseJSONNode(s string, forJSONB bool) (*jnode, error) {
	p := &jparser{s: s}
	n, err := p.value(forJSONB)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.s) {
		return nil, errJSONText("Expected end of input.")
	}
	return n, nil
}

func (p *jparser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *jparser) value(forJSONB bool) (*jnode, error) {
	p.ws()
	if p.i >= len(p.s) {
		return nil, errJSONText("The input string ended unexpectedly.")
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 6400 {
		return nil, pgerr.New(pgerr.StatementTooComplex, "stack depth limit exceeded")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		p.i++
		n := &jnode{kind: 'o'}
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return n, nil
		}
		for {
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return nil, errJSONText("Expected string.")
			}
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, errJSONText("Expected \":\".")
			}
			p.i++
			v, err := p.value(forJSONB)
			if err != nil {
				return nil, err
			}
			n.keys = append(n.keys, k)
			n.vals = append(n.vals, v)
			p.ws()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				break
			}
			return nil, errJSONText("Expected \",\" or \"}\".")
		}
		if forJSONB {
			canonObject(n)
		}
		return n, nil
	case c == '[':
		p.i++
		n := &jnode{kind: 'a'}
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return n, nil
		}
		for {
			v, err := p.value(forJSONB)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, v)
			p.ws()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == ']' {
				p.i++
				return n, nil
			}
			return nil, errJSONText("Expected \",\" or \"]\".")
		}
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &jnode{kind: 's', s: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		j := p.i
		if p.s[j] == '-' {
			j++
		}
		k := j
		for k < len(p.s) && (p.s[k] >= '0' && p.s[k] <= '9' || p.s[k] == '.' || p.s[k] == 'e' || p.s[k] == 'E' ||
			((p.s[k] == '+' || p.s[k] == '-') && (p.s[k-1] == 'e' || p.s[k-1] == 'E'))) {
			k++
		}
		txt := p.s[p.i:k]
		p.i = k
		d, err := types.Parse(types.Numeric, -1, txt)
		if err != nil || k == j {
			return nil, errJSONText("Token \"" + txt + "\" is invalid.")
		}
		if forJSONB {
			txt = types.Format(types.Numeric, d)
		}
		return &jnode{kind: 'd', s: txt}, nil
	default:
		for _, lit := range []struct {
			w string
			n *jnode
		}{{"true", &jnode{kind: 'b', b: true}}, {"false", &jnode{kind: 'b'}}, {"null", jnull}} {
			if strings.HasPrefix(p.s[p.i:], lit.w) {
				p.i += len(lit.w)
				return lit.n, nil
			}
		}
		return nil, errJSONText("Token is invalid.")
	}
}

func (p *jparser) str() (string, error) {
	p.i++ // opening quote
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return "", errJSONText("The input string ended unexpectedly.")
			}
			e := p.s[p.i+1]
			p.i += 2
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
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", errJSONText("\"\\u\" must be followed by four hexadecimal digits.")
				}
				if r >= 0xD800 && r <= 0xDBFF && strings.HasPrefix(p.s[p.i:], `\u`) {
					p.i += 2
					lo, ok := p.hex4()
					if !ok || lo < 0xDC00 || lo > 0xDFFF {
						return "", errJSONText("Unicode low surrogate must follow a high surrogate.")
					}
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
				}
				if r == 0 {
					return "", pgerr.New(pgerr.UntranslatableCharacter, "unsupported Unicode escape sequence").
						WithDetail("\\u0000 cannot be converted to text.")
				}
				b.WriteRune(r)
			default:
				return "", errJSONText("Escape sequence is invalid.")
			}
		case c < 0x20:
			return "", errJSONText("Character with value 0x" + strconv.FormatInt(int64(c), 16) + " must be escaped.")
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", errJSONText("The input string ended unexpectedly.")
}

func (p *jparser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}

// --- datum to JSON ---

// toJSONNode mirrors datum_to_jsonb: the JSON value of a datum of type t.
func toJSONNode(ctx *FuncContext, t *types.T, d types.Datum) (*jnode, error) {
	if d == nil {
		return jnull, nil
	}
	switch v := d.(type) {
	case bool:
		return &jnode{kind: 'b', b: v}, nil
	case int64:
		if t.OID == types.Int2.OID || t.OID == types.Int4.OID || t.OID == types.Int8.OID {
			return &jnode{kind: 'd', s: strconv.FormatInt(v, 10)}, nil
		}
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &jnode{kind: 's', s: ctx.sess().Format(t, v)}, nil
		}
		num, err := types.Parse(types.Numeric, -1, ctx.sess().Format(t, v))
		if err != nil {
			return nil, err
		}
		return &jnode{kind: 'd', s: types.Format(types.Numeric, num)}, nil
	case *apd.Decimal:
		if v.Form != apd.Finite {
			return &jnode{kind: 's', s: types.Format(types.Numeric, v)}, nil
		}
		return &jnode{kind: 'd', s: types.Format(types.Numeric, v)}, nil
	case string:
		switch t.OID {
		case types.JSON.OID, types.JSONB.OID:
			return parseJSONNode(v, true)
		}
		return &jnode{kind: 's', s: v}, nil
	case types.DateVal, types.TimestampVal, types.TimeVal:
		return &jnode{kind: 's', s: jsonDateTime(ctx, t, d)}, nil
	case *types.Array:
		return arrayToJSON(ctx, t, v)
	}
	return &jnode{kind: 's', s: ctx.sess().Format(t, d)}, nil
}

func arrayToJSON(ctx *FuncContext, t *types.T, a *types.Array) (*jnode, error) {
	elem := a.Elem
	if t != nil && t.Elem != nil {
		elem = t.Elem
	}
	if elem == nil {
		elem = types.Text
	}
	if len(a.Dims) == 0 {
		return &jnode{kind: 'a'}, nil
	}
	pos := 0
	var build func(dim int) (*jnode, error)
	build = func(dim int) (*jnode, error) {
		n := &jnode{kind: 'a'}
		for i := int32(0); i < a.Dims[dim]; i++ {
			if dim == len(a.Dims)-1 {
				if pos >= len(a.Elems) {
					return n, nil
				}
				e, err := toJSONNode(ctx, elem, a.Elems[pos])
				if err != nil {
					return nil, err
				}
				pos++
				n.elems = append(n.elems, e)
				continue
			}
			e, err := build(dim + 1)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, e)
		}
		return n, nil
	}
	return build(0)
}

// jsonDateTime mirrors JsonEncodeDateTime: ISO 8601 with a "T".
func jsonDateTime(ctx *FuncContext, t *types.T, d types.Datum) string {
	s := ctx.sess().Format(t, d)
	switch t.OID {
	case types.Timestamp.OID, types.Timestamptz.OID:
		ts, _ := d.(types.TimestampVal)
		if !ts.IsFinite() {
			return s
		}
		if t.OID == types.Timestamptz.OID {
			_, off := ts.Time().In(ctx.loc()).Zone()
			tm := localParts(ts, off)
			return bcSuffix(isoTimestamp(tm)+isoOffset(off), tm)
		}
		tm := localParts(ts, 0)
		return bcSuffix(isoTimestamp(tm), tm)
	}
	return s
}

func isoTimestamp(tm dtParts) string {
	var b []byte
	b = appendYear(b, tm.year)
	b = append(b, '-')
	b = appendInt(b, tm.mon, 2)
	b = append(b, '-')
	b = appendInt(b, tm.mday, 2)
	b = append(b, 'T')
	b = appendInt(b, tm.hour, 2)
	b = append(b, ':')
	b = appendInt(b, tm.min, 2)
	b = append(b, ':')
	b = appendSecs(b, tm.sec, tm.usec)
	return string(b)
}

// bcSuffix appends " BC" for years before 1 AD, after any offset.
func bcSuffix(s string, tm dtParts) string {
	if tm.year <= 0 {
		return s + " BC"
	}
	return s
}

func isoOffset(off int) string {
	sign := byte('+')
	if off < 0 {
		sign = '-'
		off = -off
	}
	b := []byte{sign}
	b = appendInt(b, off/3600, 2)
	b = append(b, ':')
	b = appendInt(b, off/60%60, 2)
	if off%60 != 0 {
		b = append(b, ':')
		b = appendInt(b, off%60, 2)
	}
	return string(b)
}

// toJSONText mirrors datum_to_json: like jsonb, but json values are
// embedded as written and arrays print without blanks.
func toJSONText(ctx *FuncContext, t *types.T, d types.Datum) (string, error) {
	var b strings.Builder
	if err := writeJSONText(ctx, &b, t, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeJSONText(ctx *FuncContext, b *strings.Builder, t *types.T, d types.Datum) error {
	if d == nil {
		b.WriteString("null")
		return nil
	}
	switch v := d.(type) {
	case string:
		switch t.OID {
		case types.JSON.OID, types.JSONB.OID:
			b.WriteString(v)
			return nil
		}
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			escapeJSON(b, ctx.sess().Format(t, v))
		} else {
			b.WriteString(ctx.sess().Format(t, v))
		}
		return nil
	case *types.Array:
		elem := v.Elem
		if t != nil && t.Elem != nil {
			elem = t.Elem
		}
		if elem == nil {
			elem = types.Text
		}
		if len(v.Dims) == 0 {
			b.WriteString("[]")
			return nil
		}
		pos := 0
		var walk func(dim int) error
		walk = func(dim int) error {
			b.WriteByte('[')
			for i := int32(0); i < v.Dims[dim]; i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				if dim == len(v.Dims)-1 {
					if pos < len(v.Elems) {
						if err := writeJSONText(ctx, b, elem, v.Elems[pos]); err != nil {
							return err
						}
					}
					pos++
					continue
				}
				if err := walk(dim + 1); err != nil {
					return err
				}
			}
			b.WriteByte(']')
			return nil
		}
		return walk(0)
	}
	n, err := toJSONNode(ctx, t, d)
	if err != nil {
		return err
	}
	writeJSONB(b, n)
	return nil
}

// jsonKey mirrors the key checks of json(b)_build_object and
// json(b)_object_agg: keys must be scalars and are used as text.
func jsonKey(ctx *FuncContext, t *types.T, d types.Datum, argno int, agg, jsonb bool) (string, error) {
	if d == nil {
		switch {
		case agg:
			return "", errParam("field name must not be null")
		case jsonb:
			return "", errParam("argument %d: key must not be null", argno)
		}
		return "", pgerr.New(pgerr.InvalidParameterValue, "argument %d cannot be null", argno).
			WithHint("Object keys should be text.")
	}
	if _, isArr := d.(*types.Array); isArr || t.OID == types.JSON.OID || t.OID == types.JSONB.OID || t.OID == types.Record.OID {
		return "", errParam("key value must be scalar, not array, composite, or json")
	}
	n, err := toJSONNode(ctx, t, d)
	if err != nil {
		return "", err
	}
	switch n.kind {
	case 's', 'd':
		return n.s, nil
	case 'b':
		if n.b {
			return "true", nil
		}
		return "false", nil
	}
	return ctx.sess().Format(t, d), nil
}

func buildObject(jsonb bool) Impl {
	return func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		name := "json_build_object"
		if jsonb {
			name = "jsonb_build_object"
		}
		if len(a)%2 != 0 {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "argument list must have even number of elements").
				WithHint("The arguments of %s() must consist of alternating keys and values.", name)
		}
		if jsonb {
			n := &jnode{kind: 'o'}
			for i := 0; i < len(a); i += 2 {
				k, err := jsonKey(ctx, ctx.argType(i, guessType(a[i])), a[i], i+1, false, true)
				if err != nil {
					return nil, err
				}
				v, err := toJSONNode(ctx, ctx.argType(i+1, guessType(a[i+1])), a[i+1])
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k)
				n.vals = append(n.vals, v)
			}
			canonObject(n)
			return jsonbText(n), nil
		}
		var b strings.Builder
		b.WriteByte('{')
		for i := 0; i < len(a); i += 2 {
			k, err := jsonKey(ctx, ctx.argType(i, guessType(a[i])), a[i], i+1, false, false)
			if err != nil {
				return nil, err
			}
			if i > 0 {
				b.WriteString(", ")
			}
			escapeJSON(&b, k)
			b.WriteString(" : ")
			if err := writeJSONText(ctx, &b, ctx.argType(i+1, guessType(a[i+1])), a[i+1]); err != nil {
				return nil, err
			}
		}
		b.WriteByte('}')
		return b.String(), nil
	}
}

func buildArray(jsonb bool) Impl {
	return func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		if jsonb {
			n := &jnode{kind: 'a'}
			for i, d := range a {
				v, err := toJSONNode(ctx, ctx.argType(i, guessType(d)), d)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, v)
			}
			return jsonbText(n), nil
		}
		var b strings.Builder
		b.WriteByte('[')
		for i, d := range a {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := writeJSONText(ctx, &b, ctx.argType(i, guessType(d)), d); err != nil {
				return nil, err
			}
		}
		b.WriteByte(']')
		return b.String(), nil
	}
}

func jsonTypeof(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s := strings.TrimLeft(str(a[0]), " \t\n\r")
	if s == "" {
		return nil, errJSONText("The input string ended unexpectedly.")
	}
	switch s[0] {
	case '{':
		return "object", nil
	case '[':
		return "array", nil
	case '"':
		return "string", nil
	case 't', 'f':
		return "boolean", nil
	case 'n':
		return "null", nil
	}
	return "number", nil
}

func jsonArrayLength(jsonb bool) Impl {
	return func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		n, err := parseJSONNode(str(a[0]), false)
		if err != nil {
			return nil, err
		}
		if n.kind != 'a' {
			if n.kind == 'o' {
				return nil, errParam("cannot get array length of a non-array")
			}
			return nil, errParam("cannot get array length of a scalar")
		}
		return int64(len(n.elems)), nil
	}
}
