package types

import (
	"math"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// isSpace is PostgreSQL's scanner_isspace / isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// parseBool mirrors parse_bool_with_len (boolin): case-insensitive
// prefixes of true/false/yes/no, on/off (two letters at least), 1/0.
func parseBool(s string) (Datum, error) {
	v := strings.ToLower(trimSpace(s))
	n := len(v)
	if n > 0 {
		switch v[0] {
		case 't':
			if strings.HasPrefix("true", v) {
				return true, nil
			}
		case 'f':
			if strings.HasPrefix("false", v) {
				return false, nil
			}
		case 'y':
			if strings.HasPrefix("yes", v) {
				return true, nil
			}
		case 'n':
			if strings.HasPrefix("no", v) {
				return false, nil
			}
		case 'o':
			if n >= 2 && strings.HasPrefix("on", v) {
				return true, nil
			}
			if n >= 2 && strings.HasPrefix("off", v) {
				return false, nil
			}
		case '1':
			if n == 1 {
				return true, nil
			}
		case '0':
			if n == 1 {
				return false, nil
			}
		}
	}
	return nil, errSyntax("boolean", s)
}

func formatBool(b bool) string {
	if b {
		return "t"
	}
	return "f"
}

// intRange gives the bounds and message name of each integer type.
func intRange(t *T) (lo, hi int64, name string) {
	switch t.OID {
	case Int2.OID:
		return math.MinInt16, math.MaxInt16, "smallint"
	case Int4.OID:
		return math.MinInt32, math.MaxInt32, "integer"
	}
	return math.MinInt64, math.MaxInt64, "bigint"
}

// parseInt mirrors pg_strtoint16/32/64: optional blanks, sign, at least
// one decimal digit, optional blanks.
func parseInt(t *T, s string) (Datum, error) {
	lo, hi, name := intRange(t)
	v := trimSpace(s)
	neg := false
	if v != "" && (v[0] == '+' || v[0] == '-') {
		neg = v[0] == '-'
		v = v[1:]
	}
	if v == "" {
		return nil, errSyntax(name, s)
	}
	var acc uint64
	overflow := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return nil, errSyntax(name, s)
		}
		if acc > (math.MaxUint64-9)/10 {
			overflow = true
		}
		acc = acc*10 + uint64(c-'0')
	}
	if overflow {
		return nil, errValueRange(s, name)
	}
	var r int64
	if neg {
		if acc > uint64(-(lo+1))+1 {
			return nil, errValueRange(s, name)
		}
		r = -int64(acc-1) - 1
	} else {
		if acc > uint64(hi) {
			return nil, errValueRange(s, name)
		}
		r = int64(acc)
	}
	return r, nil
}

// parseOid mirrors oidin_subr (strtoul semantics: a negative value wraps,
// and is accepted when it fits in an int32).
func parseOid(name, s string) (Datum, error) {
	v := trimSpace(s)
	neg := false
	if v != "" && (v[0] == '+' || v[0] == '-') {
		neg = v[0] == '-'
		v = v[1:]
	}
	if v == "" {
		return nil, errSyntax(name, s)
	}
	var acc uint64
	overflow := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return nil, errSyntax(name, s)
		}
		if acc > (math.MaxUint64-uint64(c-'0'))/10 {
			overflow = true
		}
		acc = acc*10 + uint64(c-'0')
	}
	if neg {
		acc = -acc
	}
	if overflow || (acc > math.MaxUint32 && uint64(int64(int32(acc))) != acc) {
		return nil, errValueRange(s, name)
	}
	return int64(uint32(acc)), nil
}

func floatName(t *T) string {
	if t.OID == Float4.OID {
		return "real"
	}
	return "double precision"
}

// parseFloat mirrors float8in / float4in: strtod syntax (decimal or hex,
// inf, infinity, nan in any case, surrounding blanks). Overflow and
// underflow to zero are 22003; denormals are accepted.
func parseFloat(t *T, s string) (Datum, error) {
	bits := 64
	if t.OID == Float4.OID {
		bits = 32
	}
	name := floatName(t)
	v := trimSpace(s)
	body := v
	sign := ""
	if body != "" && (body[0] == '+' || body[0] == '-') {
		sign = body[:1]
		body = body[1:]
	}
	switch strings.ToLower(body) {
	case "inf", "infinity":
		if sign == "-" {
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	case "nan":
		return math.NaN(), nil
	}
	norm, nonzero, ok := strtodSyntax(body)
	if !ok {
		return nil, errSyntax(name, s)
	}
	f, err := strconv.ParseFloat(sign+norm, bits)
	if err != nil || (f == 0 && nonzero) || math.IsInf(f, 0) {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "\"%s\" is out of range for type %s", v, name)
	}
	return f, nil
}

// strtodSyntax checks an unsigned strtod number and returns it in a form
// strconv.ParseFloat accepts (hex floats get a "p0" exponent), and
// whether any mantissa digit is nonzero.
func strtodSyntax(b string) (norm string, nonzero, ok bool) {
	i := 0
	isHex := len(b) > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X')
	digit := func(c byte) bool {
		if isHex {
			return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
		}
		return c >= '0' && c <= '9'
	}
	if isHex {
		i = 2
	}
	nd := 0
	for i < len(b) && digit(b[i]) {
		nonzero = nonzero || b[i] != '0'
		i++
		nd++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && digit(b[i]) {
			nonzero = nonzero || b[i] != '0'
			i++
			nd++
		}
	}
	if nd == 0 {
		return "", false, false
	}
	exp := byte('e')
	if isHex {
		exp = 'p'
	}
	if i < len(b) && (b[i]|0x20) == exp {
		j := i + 1
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := j
		for k < len(b) && b[k] >= '0' && b[k] <= '9' {
			k++
		}
		if k == j {
			return "", false, false // "5e": strtod stops before the 'e'
		}
		i = k
		if i == len(b) {
			return b, nonzero, true
		}
		return "", false, false
	}
	if i != len(b) {
		return "", false, false
	}
	if isHex {
		return b + "p0", nonzero, true
	}
	return b, nonzero, true
}

// formatFloat mirrors float8out/float4out with extra_float_digits = 1:
// the shortest string that reads back exactly, in %g style with the
// exponent threshold at DBL_DIG (15) or FLT_DIG (6) digits.
func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0"
		}
		return "0"
	}
	e := strconv.FormatFloat(f, 'e', -1, bits) // d.ddddde±XX
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	ep := strings.IndexByte(e, 'e')
	digits := strings.Replace(e[:ep], ".", "", 1)
	x, _ := strconv.Atoi(e[ep+1:])
	maxDig := 15
	if bits == 32 {
		maxDig = 6
	}
	var sb strings.Builder
	if neg {
		sb.WriteByte('-')
	}
	if x < -4 || x >= maxDig {
		sb.WriteByte(digits[0])
		if len(digits) > 1 {
			sb.WriteByte('.')
			sb.WriteString(digits[1:])
		}
		sb.WriteByte('e')
		if x < 0 {
			sb.WriteByte('-')
			x = -x
		} else {
			sb.WriteByte('+')
		}
		if x < 10 {
			sb.WriteByte('0')
		}
		sb.WriteString(strconv.Itoa(x))
		return sb.String()
	}
	if x < 0 {
		sb.WriteString("0.")
		sb.WriteString(strings.Repeat("0", -x-1))
		sb.WriteString(digits)
		return sb.String()
	}
	if len(digits) <= x+1 {
		sb.WriteString(digits)
		sb.WriteString(strings.Repeat("0", x+1-len(digits)))
		return sb.String()
	}
	sb.WriteString(digits[:x+1])
	sb.WriteByte('.')
	sb.WriteString(digits[x+1:])
	return sb.String()
}
