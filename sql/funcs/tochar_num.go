package funcs

import (
	"math"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// to_char for numbers: formatting.c's NUM_* half. The picture is parsed
// into nodes and a description (NUMDesc: digits before and after the
// point, sign style, fill mode, ...); the number is printed with that
// many decimals (numstr, '#'s when it does not fit) and NUM_processor
// merges the two one picture node at a time. The locale is C: '.'
// decimal point, ',' group separator, blank currency symbol.

func init() {
	proc(1772, "ss", "to_char(numeric, text) text", "numeric_to_char", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return numToChar(numArg{dec: dec(a[0])}, str(a[1]))
	})
	proc(1773, "ss", "to_char(int4, text) text", "int4_to_char", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return numToChar(numArg{i: i64(a[0]), kind: 'i'}, str(a[1]))
	})
	proc(1774, "ss", "to_char(int8, text) text", "int8_to_char", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return numToChar(numArg{i: i64(a[0]), kind: 'l'}, str(a[1]))
	})
	proc(1775, "ss", "to_char(float4, text) text", "float4_to_char", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return numToChar(numArg{f: f64(a[0]), kind: 'f'}, str(a[1]))
	})
	proc(1776, "ss", "to_char(float8, text) text", "float8_to_char", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return numToChar(numArg{f: f64(a[0]), kind: 'd'}, str(a[1]))
	})
}

// numArg is the value being formatted: kind 0 numeric, 'i' int4,
// 'l' int8, 'f' float4, 'd' float8.
type numArg struct {
	dec  *apd.Decimal
	i    int64
	f    float64
	kind byte
}

// picture node kinds
const (
	nComma = iota + 1
	nDec
	n0
	n9
	nB
	nC
	nD
	nE
	nFM
	nG
	nL
	nMI
	nPL
	nPR
	nRN
	nrn
	nSG
	nSP
	nS
	nTH
	nth
	nV
)

var numKeywords = []struct {
	name string
	id   int
}{
	{",", nComma}, {".", nDec}, {"0", n0}, {"9", n9}, {"B", nB}, {"C", nC}, {"D", nD}, {"EEEE", nE},
	{"FM", nFM}, {"G", nG}, {"L", nL}, {"MI", nMI}, {"PL", nPL}, {"PR", nPR}, {"RN", nRN}, {"SG", nSG},
	{"SP", nSP}, {"S", nS}, {"TH", nTH}, {"V", nV},
	{"b", nB}, {"c", nC}, {"d", nD}, {"eeee", nE}, {"fm", nFM}, {"g", nG}, {"l", nL}, {"mi", nMI},
	{"pl", nPL}, {"pr", nPR}, {"rn", nrn}, {"sg", nSG}, {"sp", nSP}, {"s", nS}, {"th", nth}, {"v", nV},
}

// description flags (NUM_F_*)
const (
	fDecimal = 1 << iota
	fLDecimal
	fZero
	fBlank
	fFillMode
	fLSign
	fBracket
	fMinus
	fPlus
	fRoman
	fMulti
	fPlusPost
	fMinusPost
	fEEEE
)

const (
	lsignPre  = -1
	lsignPost = 1
)

type numDesc struct {
	pre, post, lsign, flag, preLsign, multi, zeroStart, zeroEnd int
}

func (d *numDesc) has(f int) bool { return d.flag&f != 0 }

type numNode struct {
	id  int // 0 for a literal
	lit string
}

func errNumFormat(msg string) error { return pgerr.New(pgerr.SyntaxError, "%s", msg) }

// add mirrors NUMDesc_prepare for one keyword.
func (d *numDesc) add(id int) error {
	if d.has(fEEEE) && id != nE {
		return errNumFormat(`"EEEE" must be the last pattern used`)
	}
	switch id {
	case n9:
		if d.has(fBracket) {
			return errNumFormat(`"9" must be ahead of "PR"`)
		}
		switch {
		case d.has(fMulti):
			d.multi++
		case d.has(fDecimal):
			d.post++
		default:
			d.pre++
		}
	case n0:
		if d.has(fBracket) {
			return errNumFormat(`"0" must be ahead of "PR"`)
		}
		if !d.has(fZero) && !d.has(fDecimal) {
			d.flag |= fZero
			d.zeroStart = d.pre + 1
		}
		if !d.has(fDecimal) {
			d.pre++
		} else {
			d.post++
		}
		d.zeroEnd = d.pre + d.post
	case nB:
		if d.pre == 0 && d.post == 0 && !d.has(fZero) {
			d.flag |= fBlank
		}
	case nD, nDec:
		if id == nD {
			d.flag |= fLDecimal
		}
		if d.has(fDecimal) {
			return errNumFormat("multiple decimal points")
		}
		if d.has(fMulti) {
			return errNumFormat(`cannot use "V" and decimal point together`)
		}
		d.flag |= fDecimal
	case nFM:
		d.flag |= fFillMode
	case nS:
		if d.has(fLSign) {
			return errNumFormat(`cannot use "S" twice`)
		}
		if d.has(fPlus) || d.has(fMinus) || d.has(fBracket) {
			return errNumFormat(`cannot use "S" and "PL"/"MI"/"SG"/"PR" together`)
		}
		if !d.has(fDecimal) {
			d.lsign = lsignPre
			d.preLsign = d.pre
			d.flag |= fLSign
		} else if d.lsign == 0 {
			d.lsign = lsignPost
			d.flag |= fLSign
		}
	case nMI:
		if d.has(fLSign) {
			return errNumFormat(`cannot use "S" and "MI" together`)
		}
		d.flag |= fMinus
		if d.has(fDecimal) {
			d.flag |= fMinusPost
		}
	case nPL:
		if d.has(fLSign) {
			return errNumFormat(`cannot use "S" and "PL" together`)
		}
		d.flag |= fPlus
		if d.has(fDecimal) {
			d.flag |= fPlusPost
		}
	case nSG:
		if d.has(fLSign) {
			return errNumFormat(`cannot use "S" and "SG" together`)
		}
		d.flag |= fMinus | fPlus
	case nPR:
		if d.has(fLSign) || d.has(fPlus) || d.has(fMinus) {
			return errNumFormat(`cannot use "PR" and "S"/"PL"/"MI"/"SG" together`)
		}
		d.flag |= fBracket
	case nRN, nrn:
		d.flag |= fRoman
	case nV:
		if d.has(fDecimal) {
			return errNumFormat(`cannot use "V" and decimal point together`)
		}
		d.flag |= fMulti
	case nE:
		if d.has(fEEEE) {
			return errNumFormat(`cannot use "EEEE" twice`)
		}
		if d.has(fBlank | fFillMode | fLSign | fBracket | fMinus | fPlus | fRoman | fMulti) {
			return pgerr.New(pgerr.SyntaxError, `"EEEE" is incompatible with other formats`).
				WithDetail(`"EEEE" may only be used together with digit and decimal point patterns.`)
		}
		d.flag |= fEEEE
	}
	return nil
}

// parseNum mirrors parse_format for number pictures.
func parseNum(f string) ([]numNode, numDesc, error) {
	var d numDesc
	var nodes []numNode
outer:
	for len(f) > 0 {
		for _, k := range numKeywords {
			if strings.HasPrefix(f, k.name) {
				if err := d.add(k.id); err != nil {
					return nil, d, err
				}
				nodes = append(nodes, numNode{id: k.id})
				f = f[len(k.name):]
				continue outer
			}
		}
		if f[0] == '"' {
			f = f[1:]
			for len(f) > 0 {
				if f[0] == '"' {
					f = f[1:]
					break
				}
				if f[0] == '\\' && len(f) > 1 {
					f = f[1:]
				}
				l := charLen(f)
				nodes = append(nodes, numNode{lit: f[:l]})
				f = f[l:]
			}
			continue
		}
		if f[0] == '\\' && len(f) > 1 && f[1] == '"' {
			f = f[1:]
		}
		l := charLen(f)
		nodes = append(nodes, numNode{lit: f[:l]})
		f = f[l:]
	}
	return nodes, d, nil
}

func toRoman(n int64) string {
	if n < 1 || n > 3999 {
		return strings.Repeat("#", 15)
	}
	rm1 := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}
	rm10 := []string{"", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"}
	rm100 := []string{"", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"}
	return strings.Repeat("M", int(n/1000)) + rm100[n/100%10] + rm10[n/10%10] + rm1[n%10]
}

// overflowStr is the picture filled with '#' with its point placed.
func overflowStr(d numDesc) string {
	b := []byte(strings.Repeat("#", d.pre+d.post+1))
	b[d.pre] = '.'
	return string(b)
}

// splitNum returns the digits without sign, the blanks before them and
// the sign of a printed number, or '#'s when the integer part is too
// long for the picture.
func splitNum(d numDesc, printed string) (numstr string, pad int, sign byte) {
	sign = '+'
	numstr = printed
	if strings.HasPrefix(printed, "-") {
		sign = '-'
		numstr = printed[1:]
	}
	preLen := len(numstr)
	if p := strings.IndexByte(numstr, '.'); p >= 0 {
		preLen = p
	}
	if preLen < d.pre {
		pad = d.pre - preLen
	} else if preLen > d.pre {
		numstr = overflowStr(d)
	}
	return
}

// sciNum mirrors numeric_out_sci: one digit before the point, post after.
func sciNum(x *apd.Decimal, post int) string {
	switch {
	case isNaN(x):
		return "NaN"
	case isInf(x) && x.Negative:
		return "-Infinity"
	case isInf(x):
		return "Infinity"
	}
	exp := 0
	if x.Coeff.Sign() != 0 {
		exp = int(x.NumDigits()) + int(x.Exponent) - 1
	}
	// x / 10^exp rounded to post digits
	m := &apd.Decimal{Coeff: x.Coeff, Exponent: x.Exponent - int32(exp), Negative: x.Negative}
	r := roundNum(m, post, false)
	es := strconv.Itoa(abs(exp))
	if len(es) < 2 {
		es = "0" + es
	}
	sign := "+"
	if exp < 0 {
		sign = "-"
	}
	return types.Format(types.Numeric, r) + "e" + sign + es
}

// cFloat mirrors snprintf("%.*f") / ("%.*e", plus) of PostgreSQL's port.
func cFloat(v float64, conv byte, prec int) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	sign := ""
	if math.Signbit(v) {
		sign = "-"
		v = -v
	}
	if math.IsInf(v, 0) {
		return sign + "Infinity"
	}
	return sign + strconv.FormatFloat(v, conv, max(prec, 0), 64)
}

func numToChar(v numArg, format string) (types.Datum, error) {
	if format == "" {
		return "", nil
	}
	nodes, d, err := parseNum(format)
	if err != nil {
		return nil, err
	}
	var numstr string
	pad := 0
	sign := byte('+')
	switch {
	case d.has(fRoman):
		var n int64
		switch v.kind {
		case 0:
			x := roundNum(v.dec, 0, false)
			if x.Form != apd.Finite {
				if isNaN(x) {
					return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot convert NaN to integer")
				}
				return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot convert infinity to integer")
			}
			i, err := x.Int64()
			if err != nil || i < math.MinInt32 || i > math.MaxInt32 {
				return nil, errIntRange()
			}
			n = i
		case 'i':
			n = v.i
		case 'l':
			if v.i < math.MinInt32 || v.i > math.MaxInt32 {
				return nil, errIntRange()
			}
			n = v.i
		default:
			r := math.RoundToEven(v.f)
			if r >= math.MinInt32 && r <= math.MaxInt32 {
				n = int64(r)
			}
		}
		numstr = toRoman(n)
	case d.has(fEEEE):
		var s string
		switch v.kind {
		case 0:
			s = sciNum(v.dec, d.post)
		case 'l':
			s = sciNum(intNum(v.i), d.post)
		default:
			f := v.f
			if v.kind == 'i' {
				f = float64(v.i)
			}
			if math.IsNaN(f) || math.IsInf(f, 0) {
				s = "NaN"
			} else {
				s = cFloat(f, 'e', d.post)
			}
		}
		switch {
		case s == "NaN" || s == "Infinity" || s == "-Infinity":
			b := []byte(strings.Repeat("#", d.pre+d.post+6))
			b[0] = ' '
			b[d.pre+1] = '.'
			numstr = string(b)
		case s[0] != '-':
			numstr = " " + s
		default:
			numstr = s
		}
		return numstr, nil
	default:
		switch v.kind {
		case 0:
			x := v.dec
			if d.has(fMulti) {
				m, err := numPower(intNum(10), intNum(int64(d.multi)))
				if err != nil {
					return nil, err
				}
				if x, err = types.NumericMul(x, m); err != nil {
					return nil, err
				}
				d.pre += d.multi
			}
			x = roundNum(x, min(max(d.post, -maxResultScale), maxResultScale), false)
			numstr, pad, sign = splitNum(d, types.Format(types.Numeric, x))
		case 'i', 'l':
			x := v.i
			if d.has(fMulti) {
				m := int64(math.Pow(10, float64(d.multi)))
				if v.kind == 'i' {
					x = int64(int32(x * m))
				} else {
					p := x * m
					if x != 0 && p/x != m {
						return nil, errBigintRange()
					}
					x = p
				}
				d.pre += d.multi
			}
			s := strconv.FormatInt(x, 10)
			if d.post > 0 {
				s += "." + strings.Repeat("0", d.post)
			}
			numstr, pad, sign = splitNum(d, s)
		default:
			f := v.f
			digits := 15 // DBL_DIG
			if v.kind == 'f' {
				digits = 6 // FLT_DIG
				f = float64(float32(f))
			}
			if d.has(fMulti) {
				f *= math.Pow(10, float64(d.multi))
				if v.kind == 'f' {
					f = float64(float32(f))
				}
				d.pre += d.multi
			}
			preLen := len(cFloat(math.Abs(f), 'f', 0))
			if preLen >= digits {
				d.post = 0
			} else if preLen+d.post > digits {
				d.post = digits - preLen
			}
			numstr, pad, sign = splitNum(d, cFloat(f, 'f', d.post))
		}
	}
	return numProcess(nodes, d, numstr, pad, sign), nil
}

// numProc is NUMProc for to_char.
type numProc struct {
	d            *numDesc
	sign         byte
	signWrote    bool
	numCount     int
	numIn        bool
	numCurr      int
	prePad       int
	number       string
	pos          int // index into number (number_p)
	lastRelevant int // index into number, -1 for none
	out          cutBuilder
	cut          bool
}

// cutBuilder stops taking text once the processor has written a NUL
// (the C result string ends at its first NUL).
type cutBuilder struct {
	b   strings.Builder
	cut *bool
}

func (c *cutBuilder) put(b byte) {
	if !*c.cut {
		c.b.WriteByte(b)
	}
}

func (c *cutBuilder) puts(s string) {
	if !*c.cut {
		c.b.WriteString(s)
	}
}

func (c *cutBuilder) String() string { return c.b.String() }

func (np *numProc) at(i int) byte {
	if i >= 0 && i < len(np.number) {
		return np.number[i]
	}
	return 0
}

func (np *numProc) predecSpace() bool {
	return !np.d.has(fZero) && np.pos == 0 && np.at(0) == '0' && np.d.post != 0
}

func (np *numProc) lastIsDot() bool { return np.lastRelevant >= 0 && np.at(np.lastRelevant) == '.' }

// digit mirrors NUM_numpart_to_char.
func (np *numProc) digit(id int) {
	d := np.d
	if d.has(fRoman) {
		return
	}
	np.numIn = false
	if !np.signWrote && (np.numCurr >= np.prePad || (d.has(fZero) && d.zeroStart == np.numCurr)) &&
		(!np.predecSpace() || np.lastIsDot()) {
		switch {
		case d.has(fLSign):
			if d.lsign == lsignPre {
				np.out.put(np.sign)
				np.signWrote = true
			}
		case d.has(fBracket):
			if np.sign == '+' {
				np.out.put(' ')
			} else {
				np.out.put('<')
			}
			np.signWrote = true
		case np.sign == '+':
			if !d.has(fFillMode) {
				np.out.put(' ')
			}
			np.signWrote = true
		case np.sign == '-':
			np.out.put('-')
			np.signWrote = true
		}
	}
	switch {
	case np.numCurr < np.prePad && (d.zeroStart > np.numCurr || !d.has(fZero)):
		if !d.has(fFillMode) {
			np.out.put(' ')
		}
	case d.has(fZero) && np.numCurr < np.prePad && d.zeroStart <= np.numCurr:
		np.out.put('0')
		np.numIn = true
	default:
		if np.at(np.pos) == '.' {
			if !np.lastIsDot() || d.has(fFillMode) {
				np.out.put('.')
			}
		} else {
			switch {
			case np.lastRelevant >= 0 && np.pos > np.lastRelevant && id != n0:
			case np.predecSpace():
				if !d.has(fFillMode) {
					np.out.put(' ')
				} else if np.lastIsDot() {
					np.out.put('0')
				}
			default:
				if c := np.at(np.pos); c != 0 {
					np.out.put(c)
				} else {
					np.cut = true // C wrote a NUL: the text ends here
				}
				np.numIn = true
			}
		}
		if np.at(np.pos) != 0 {
			np.pos++
		}
	}
	end := np.numCount
	if np.prePad != 0 {
		end++
	}
	if d.has(fDecimal) {
		end++
	}
	if np.lastRelevant >= 0 && np.lastRelevant == np.pos {
		end = np.numCurr
	}
	if np.numCurr+1 == end {
		if np.signWrote && d.has(fBracket) {
			if np.sign == '+' {
				np.out.put(' ')
			} else {
				np.out.put('>')
			}
		} else if d.has(fLSign) && d.lsign == lsignPost {
			np.out.put(np.sign)
		}
	}
	np.numCurr++
}

// numProcess mirrors NUM_processor's to_char direction.
func numProcess(nodes []numNode, d numDesc, number string, prePad int, sign byte) string {
	np := &numProc{d: &d, number: number, lastRelevant: -1, sign: sign}
	np.out.cut = &np.cut
	if d.zeroStart != 0 {
		d.zeroStart--
	}
	if d.has(fRoman) {
		d.lsign, d.preLsign, d.post, d.pre = 0, 0, 0, 0
		d.flag &= fFillMode
		d.flag |= fRoman
		np.sign = 0
	}
	if d.has(fPlus) || d.has(fMinus) {
		np.signWrote = !(d.has(fPlus) && !d.has(fMinus))
	} else {
		if np.sign != '-' {
			if d.has(fBracket) && d.has(fFillMode) {
				d.flag &^= fBracket
			}
			d.flag &^= fMinus
		} else if np.sign != '+' {
			d.flag &^= fPlus
		}
		np.signWrote = np.sign == '+' && d.has(fFillMode) && !d.has(fLSign)
		if d.lsign == lsignPre && d.pre == d.preLsign {
			d.lsign = lsignPost
		}
	}
	np.numCount = d.post + d.pre - 1
	np.prePad = prePad
	if d.has(fFillMode) && d.has(fDecimal) {
		if p := strings.IndexByte(number, '.'); p >= 0 {
			np.lastRelevant = p
			for i := p + 1; i < len(number); i++ {
				if number[i] != '0' {
					np.lastRelevant = i
				}
			}
		}
		if np.lastRelevant >= 0 && d.zeroEnd > prePad {
			lastZero := min(len(number)-1, d.zeroEnd-prePad)
			if np.lastRelevant < lastZero {
				np.lastRelevant = lastZero
			}
		}
	}
	if !np.signWrote && prePad == 0 {
		np.numCount++
	}
	for _, n := range nodes {
		if n.id == 0 {
			np.out.puts(n.lit)
			continue
		}
		switch n.id {
		case n9, n0, nDec, nD:
			np.digit(n.id)
		case nComma, nG:
			if !np.numIn {
				if !d.has(fFillMode) {
					np.out.put(' ')
				}
			} else {
				np.out.put(',')
			}
		case nL:
			np.out.put(' ')
		case nRN, nrn:
			s := number[min(np.pos, len(number)):]
			if n.id == nrn {
				s = strings.ToLower(s)
			}
			if !d.has(fFillMode) && len(s) < 15 {
				s = strings.Repeat(" ", 15-len(s)) + s
			}
			np.out.puts(s)
		case nTH, nth:
			if d.has(fRoman) || np.at(0) == '#' || np.sign == '-' || d.has(fDecimal) {
				continue
			}
			np.out.puts(ordinal(number, n.id == nTH))
		case nMI:
			switch {
			case np.sign == '-':
				np.out.put('-')
			case !d.has(fFillMode):
				np.out.put(' ')
			}
		case nPL:
			switch {
			case np.sign == '+':
				np.out.put('+')
			case !d.has(fFillMode):
				np.out.put(' ')
			}
		case nSG:
			np.out.put(np.sign)
		}
	}
	return np.out.String()
}
