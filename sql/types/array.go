package types

import (
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// MaxArrayDims is MAXDIM: arrays have at most six dimensions.
const MaxArrayDims = 6

func errArray(s, detail string, args ...any) error {
	return pgerr.New(pgerr.InvalidTextRepresentation, "malformed array literal: \"%s\"", s).WithDetail(detail, args...)
}

// arrayParser reads the array_in syntax: optional "[lb:ub]..." dimension
// decoration and "=", then nested braces of elements.
type arrayParser struct {
	src   string
	s     string
	pos   int
	dims  []int32 // discovered lengths per depth (-1 unknown)
	elems []string
	nulls []bool
	leaf  int // depth at which elements appear, once known (0 = unknown)
}

func (p *arrayParser) skipSpace() {
	for p.pos < len(p.s) && isSpace(p.s[p.pos]) {
		p.pos++
	}
}

// parseArray mirrors array_in; elements go through elem's input
// function with typmod (A1).
func (sess *Session) parseArray(elem *T, typmod int32, s string) (Datum, error) {
	p := &arrayParser{src: s, s: s}
	p.skipSpace()
	var givenDims, givenLB []int32
	if p.pos < len(p.s) && p.s[p.pos] == '[' {
		for p.pos < len(p.s) && p.s[p.pos] == '[' {
			p.pos++
			if len(givenDims) >= MaxArrayDims {
				return nil, pgerr.New(pgerr.ProgramLimitExceeded, "number of array dimensions (%d) exceeds the maximum allowed (%d)", len(givenDims)+1, MaxArrayDims)
			}
			lb, rest, ok, _ := strtoi(p.s[p.pos:])
			if !ok {
				return nil, errArray(s, "\"[\" must introduce explicitly-specified array dimensions.")
			}
			p.pos = len(p.s) - len(rest)
			ub := lb
			if strings.HasPrefix(rest, ":") {
				p.pos++
				ub, rest, ok, _ = strtoi(p.s[p.pos:])
				if !ok {
					return nil, errArray(s, "Missing array dimension value.")
				}
				p.pos = len(p.s) - len(rest)
			} else {
				lb = 1
			}
			if !strings.HasPrefix(p.s[p.pos:], "]") {
				return nil, errArray(s, "Missing \"%s\" after array dimensions.", "]")
			}
			p.pos++
			if ub < lb {
				return nil, errArray(s, "Upper bound cannot be less than lower bound.")
			}
			givenDims = append(givenDims, int32(ub-lb+1))
			givenLB = append(givenLB, int32(lb))
		}
		p.skipSpace()
		if !strings.HasPrefix(p.s[p.pos:], "=") {
			return nil, errArray(s, "Missing \"=\" after array dimensions.")
		}
		p.pos++
		p.skipSpace()
	}
	if p.pos >= len(p.s) || p.s[p.pos] != '{' {
		return nil, errArray(s, "Array value must start with \"{\" or dimension information.")
	}
	if err := p.level(0); err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(p.s) {
		return nil, errArray(s, "Junk after closing right brace.")
	}
	arr := &Array{Elem: elem}
	if len(p.elems) == 0 && (len(p.dims) == 0 || p.dims[0] == 0) {
		if givenDims != nil {
			return nil, errArray(s, "Specified array dimensions do not match array contents.")
		}
		return arr, nil
	}
	arr.Dims = p.dims
	arr.LBounds = make([]int32, len(p.dims))
	for i := range arr.LBounds {
		arr.LBounds[i] = 1
	}
	if givenDims != nil {
		if len(givenDims) != len(p.dims) {
			return nil, errArray(s, "Specified array dimensions do not match array contents.")
		}
		for i := range givenDims {
			if givenDims[i] != p.dims[i] {
				return nil, errArray(s, "Specified array dimensions do not match array contents.")
			}
		}
		arr.LBounds = givenLB
	}
	arr.Elems = make([]Datum, len(p.elems))
	for i, e := range p.elems {
		if p.nulls[i] {
			continue
		}
		d, err := sess.Parse(elem, typmod, e)
		if err != nil {
			return nil, err
		}
		arr.Elems[i] = d
	}
	return arr, nil
}

// level parses one brace level starting at '{'.
func (p *arrayParser) level(depth int) error {
	if depth >= MaxArrayDims {
		return pgerr.New(pgerr.ProgramLimitExceeded, "number of array dimensions (%d) exceeds the maximum allowed (%d)", depth+1, MaxArrayDims)
	}
	p.pos++ // '{'
	if len(p.dims) <= depth {
		p.dims = append(p.dims, -1)
	}
	count := int32(0)
	sawSub, sawElem := false, false
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		// "{}" is only valid as the whole array
		if depth > 0 {
			return errArray(p.src, "Unexpected \"}\" character.")
		}
		p.pos++
		p.dims = p.dims[:0]
		return nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			return errArray(p.src, "Unexpected end of input.")
		}
		c := p.s[p.pos]
		switch {
		case c == '{':
			if sawElem {
				return errArray(p.src, "Unexpected \"{\" character.")
			}
			sawSub = true
			if p.leaf != 0 && p.leaf <= depth+1 {
				return errArray(p.src, "Multidimensional arrays must have sub-arrays with matching dimensions.")
			}
			if err := p.level(depth + 1); err != nil {
				return err
			}
		case c == '}' || c == ',':
			return errArray(p.src, "Unexpected \"%c\" character.", c)
		default:
			if sawSub {
				return errArray(p.src, "Unexpected array element.")
			}
			if p.leaf == 0 {
				p.leaf = depth + 1
			}
			if p.leaf != depth+1 || len(p.dims) > depth+1 {
				return errArray(p.src, "Multidimensional arrays must have sub-arrays with matching dimensions.")
			}
			sawElem = true
			if err := p.element(); err != nil {
				return err
			}
		}
		count++
		p.skipSpace()
		if p.pos >= len(p.s) {
			return errArray(p.src, "Unexpected end of input.")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
			continue
		case '}':
			p.pos++
			if p.dims[depth] == -1 {
				p.dims[depth] = count
			} else if p.dims[depth] != count {
				return errArray(p.src, "Multidimensional arrays must have sub-arrays with matching dimensions.")
			}
			if sawElem && len(p.dims) > depth+1 {
				return errArray(p.src, "Multidimensional arrays must have sub-arrays with matching dimensions.")
			}
			return nil
		default:
			return errArray(p.src, "Unexpected array element.")
		}
	}
}

// element reads one quoted or unquoted element (A2).
func (p *arrayParser) element() error {
	var b strings.Builder
	quoted, escaped := false, false
	if p.s[p.pos] == '"' {
		quoted = true
		p.pos++
		for {
			if p.pos >= len(p.s) {
				return errArray(p.src, "Unexpected end of input.")
			}
			c := p.s[p.pos]
			if c == '\\' {
				p.pos++
				if p.pos >= len(p.s) {
					return errArray(p.src, "Unexpected end of input.")
				}
				b.WriteByte(p.s[p.pos])
				p.pos++
				continue
			}
			if c == '"' {
				p.pos++
				break
			}
			b.WriteByte(c)
			p.pos++
		}
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] != ',' && p.s[p.pos] != '}' {
			return errArray(p.src, "Incorrectly quoted array element.")
		}
	} else {
		trail := 0 // length of b without trailing unescaped blanks
		for p.pos < len(p.s) {
			c := p.s[p.pos]
			if c == ',' || c == '}' {
				break
			}
			if c == '{' || c == '"' {
				return errArray(p.src, "Unexpected \"%c\" character.", c)
			}
			if c == '\\' {
				p.pos++
				if p.pos >= len(p.s) {
					return errArray(p.src, "Unexpected end of input.")
				}
				b.WriteByte(p.s[p.pos])
				p.pos++
				escaped = true
				trail = b.Len()
				continue
			}
			b.WriteByte(c)
			p.pos++
			if !isSpace(c) {
				trail = b.Len()
			}
		}
		v := b.String()[:trail]
		b.Reset()
		b.WriteString(v)
	}
	v := b.String()
	p.elems = append(p.elems, v)
	p.nulls = append(p.nulls, !quoted && !escaped && strings.EqualFold(v, "NULL"))
	return nil
}

// needsQuote mirrors array_out's quoting rule.
func needsQuote(s string) bool {
	if s == "" || strings.EqualFold(s, "NULL") {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '{', '}', '"', ',', '\\':
			return true
		default:
			if isSpace(c) {
				return true
			}
		}
	}
	return false
}

// formatArray mirrors array_out.
func (sess *Session) formatArray(a *Array) string {
	if a == nil || len(a.Dims) == 0 {
		return "{}"
	}
	var b strings.Builder
	nonDefault := false
	for _, lb := range a.LBounds {
		if lb != 1 {
			nonDefault = true
		}
	}
	if nonDefault {
		for i, d := range a.Dims {
			lb := a.LBounds[i]
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(int(lb)))
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(int(lb + d - 1)))
			b.WriteByte(']')
		}
		b.WriteByte('=')
	}
	idx := 0
	var rec func(dim int)
	rec = func(dim int) {
		b.WriteByte('{')
		for i := int32(0); i < a.Dims[dim]; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			if dim+1 < len(a.Dims) {
				rec(dim + 1)
				continue
			}
			if idx >= len(a.Elems) {
				b.WriteString("NULL")
				continue
			}
			e := a.Elems[idx]
			idx++
			if e == nil {
				b.WriteString("NULL")
				continue
			}
			s := sess.Format(a.Elem, e)
			if needsQuote(s) {
				b.WriteByte('"')
				for j := 0; j < len(s); j++ {
					if s[j] == '"' || s[j] == '\\' {
						b.WriteByte('\\')
					}
					b.WriteByte(s[j])
				}
				b.WriteByte('"')
			} else {
				b.WriteString(s)
			}
		}
		b.WriteByte('}')
	}
	rec(0)
	return b.String()
}
