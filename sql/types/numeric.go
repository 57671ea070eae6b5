package types

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// Numeric limits, as PostgreSQL's numeric.c: at most 131072 digits
// before the decimal point and a display scale of at most 16383.
const (
	numericMaxIntDigits = 131072
	numericMaxDScale    = 16383
	// NumericMinSigDigits is NUMERIC_MIN_SIG_DIGITS (division results
	// carry at least this many significant digits).
	NumericMinSigDigits = 16
	// NumericMaxDisplayScale is NUMERIC_MAX_DISPLAY_SCALE.
	NumericMaxDisplayScale = 1000
)

// exact is an apd context for the exact operations (add, subtract,
// multiply, quantize): precision 0 means no rounding.
var exact = apd.Context{
	Precision:   0,
	MaxExponent: apd.MaxExponent,
	MinExponent: apd.MinExponent,
	Traps:       apd.DefaultTraps,
	Rounding:    apd.RoundHalfUp, // half away from zero, as PostgreSQL's round_var
}

// quant rounds with Quantize, which needs a precision bound: larger than
// any numeric's digit count (131072 + 16383).
var quant = apd.Context{
	Precision:   1 << 20,
	MaxExponent: apd.MaxExponent,
	MinExponent: apd.MinExponent,
	Traps:       apd.DefaultTraps,
	Rounding:    apd.RoundHalfUp,
}

// NumericDScale returns the display scale (digits after the point) of a
// finite numeric datum (D2).
func NumericDScale(d *apd.Decimal) int {
	if d.Exponent >= 0 {
		return 0
	}
	return int(-d.Exponent)
}

// normNumeric brings d to the datum invariant D2: exponent <= 0, no
// negative zero, NaN unsigned. It checks the format limits.
func normNumeric(d *apd.Decimal) (*apd.Decimal, error) {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return &apd.Decimal{Form: apd.NaN}, nil
	case apd.Infinite:
		return &apd.Decimal{Form: apd.Infinite, Negative: d.Negative}, nil
	}
	if d.Exponent > 0 {
		var r apd.Decimal
		if _, err := quant.Quantize(&r, d, 0); err != nil {
			return nil, errNumericOverflow()
		}
		d = &r
	}
	if d.Coeff.Sign() == 0 {
		d.Negative = false
	}
	if -int64(d.Exponent) > numericMaxDScale {
		return nil, errNumericOverflow()
	}
	if d.Coeff.Sign() != 0 && int64(d.NumDigits())+int64(d.Exponent) > numericMaxIntDigits {
		return nil, errNumericOverflow()
	}
	return d, nil
}

func errNumericOverflow() error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
}

// parseNumeric mirrors numeric_in: blanks, NaN / [sign]Infinity / [sign]inf,
// or [sign]digits[.digits][e[sign]digits], blanks; then the typmod.
func parseNumeric(s string, typmod int32) (Datum, error) {
	v := trimSpace(s)
	body := v
	neg := false
	signed := false
	if body != "" && (body[0] == '+' || body[0] == '-') {
		neg = body[0] == '-'
		signed = true
		body = body[1:]
	}
	var d *apd.Decimal
	switch strings.ToLower(body) {
	case "nan":
		if signed {
			return nil, errSyntax("numeric", s)
		}
		d = &apd.Decimal{Form: apd.NaN}
	case "inf", "infinity":
		d = &apd.Decimal{Form: apd.Infinite, Negative: neg}
	default:
		i, nd := 0, 0
		for i < len(body) && body[i] >= '0' && body[i] <= '9' {
			i++
			nd++
		}
		if i < len(body) && body[i] == '.' {
			i++
			for i < len(body) && body[i] >= '0' && body[i] <= '9' {
				i++
				nd++
			}
		}
		if nd == 0 {
			return nil, errSyntax("numeric", s)
		}
		if i < len(body) && (body[i] == 'e' || body[i] == 'E') {
			j := i + 1
			if j < len(body) && (body[j] == '+' || body[j] == '-') {
				j++
			}
			k := j
			for k < len(body) && body[k] >= '0' && body[k] <= '9' {
				k++
			}
			if k == j {
				return nil, errSyntax("numeric", s)
			}
			if k-j > 9 {
				return nil, errNumericOverflow()
			}
			i = k
		}
		if i != len(body) {
			return nil, errSyntax("numeric", s)
		}
		var err error
		d, _, err = apd.NewFromString(body)
		if err != nil {
			return nil, errNumericOverflow()
		}
		d.Negative = neg
		if d, err = normNumeric(d); err != nil {
			return nil, err
		}
	}
	return applyNumericTypmod(d, typmod)
}

// applyNumericTypmod mirrors apply_typmod / apply_typmod_special: round
// to the declared scale (half away from zero) and check the precision.
func applyNumericTypmod(d *apd.Decimal, typmod int32) (*apd.Decimal, error) {
	p, s, ok := NumericPrecScale(typmod)
	if !ok {
		return d, nil
	}
	switch d.Form {
	case apd.NaN:
		return d, nil
	case apd.Infinite:
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "numeric field overflow").
			WithDetail("A field with precision %d, scale %d cannot hold an infinite value.", p, s)
	}
	var r apd.Decimal
	if _, err := quant.Quantize(&r, d, int32(-s)); err != nil {
		return nil, errNumericOverflow()
	}
	if r.Coeff.Sign() != 0 {
		maxDigits := p - s
		if int64(r.NumDigits())+int64(r.Exponent) > int64(maxDigits) {
			e := pgerr.New(pgerr.NumericValueOutOfRange, "numeric field overflow")
			if maxDigits != 0 {
				return nil, e.WithDetail("A field with precision %d, scale %d must round to an absolute value less than 10^%d.", p, s, maxDigits)
			}
			return nil, e.WithDetail("A field with precision %d, scale %d must round to an absolute value less than 1.", p, s)
		}
	}
	return normNumeric(&r)
}

// formatNumeric mirrors numeric_out: plain notation with dscale digits.
func formatNumeric(d *apd.Decimal) string {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return "NaN"
	case apd.Infinite:
		if d.Negative {
			return "-Infinity"
		}
		return "Infinity"
	}
	if d.Coeff.Sign() == 0 && d.Negative {
		c := *d
		c.Negative = false
		return c.Text('f')
	}
	return d.Text('f')
}

// NumericFromInt returns the numeric datum for an integer.
func NumericFromInt(v int64) *apd.Decimal { return apd.New(v, 0) }

// numericReduced returns d without trailing fractional zeros, the
// canonical form used for hashing (H1).
func numericReduced(d *apd.Decimal) string {
	if d.Form != apd.Finite {
		return formatNumeric(d)
	}
	var r apd.Decimal
	r.Reduce(d)
	if r.Coeff.Sign() == 0 {
		return "0"
	}
	return r.Text('e')
}

// numericFromFloat mirrors float8_numeric / float4_numeric: print with
// DBL_DIG (FLT_DIG) significant digits, as "%.*g", then read that.
func numericFromFloat(f float64, digits int) (*apd.Decimal, error) {
	s := formatFloatG(f, digits)
	d, err := parseNumeric(s, NoTypmod)
	if err != nil {
		return nil, err
	}
	return d.(*apd.Decimal), nil
}

func formatFloatG(f float64, digits int) string {
	switch s := strconv.FormatFloat(f, 'g', digits, 64); s {
	case "+Inf":
		return "Infinity"
	case "-Inf":
		return "-Infinity"
	default:
		return s
	}
}

// bigOf returns the signed coefficient of a finite decimal as a big.Int.
func bigOf(d *apd.Decimal) *big.Int {
	b := d.Coeff.MathBigInt()
	if d.Negative {
		b.Neg(b)
	}
	return b
}

// decOf builds a decimal from a signed coefficient and an exponent.
func decOf(b *big.Int, exp int32) *apd.Decimal {
	d := &apd.Decimal{Exponent: exp}
	d.Coeff.SetMathBigInt(b)
	if d.Coeff.Sign() < 0 {
		d.Coeff.Neg(&d.Coeff)
		d.Negative = true
	}
	return d
}

var bigTen = big.NewInt(10)

func pow10(n int) *big.Int {
	return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
}

// roundQuo returns a/b rounded half away from zero to an integer.
func roundQuo(a, b *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(a, b, new(big.Int))
	if r.Sign() == 0 {
		return q
	}
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if r2.Cmp(new(big.Int).Abs(b)) >= 0 {
		if (a.Sign() < 0) != (b.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// numericWeight returns PostgreSQL's base-10000 weight and first digit of
// a nonzero finite decimal (as in select_div_scale); 0, 0 for zero.
func numericWeight(d *apd.Decimal) (weight int, first int64) {
	if d.Coeff.Sign() == 0 {
		return 0, 0
	}
	msd := int(d.NumDigits()) + int(d.Exponent) - 1 // power of ten of the leading digit
	weight = floorDiv(msd, 4)
	c := d.Coeff.MathBigInt()
	shift := 4*weight - int(d.Exponent)
	if shift >= 0 {
		c.Quo(c, pow10(shift))
	} else {
		c.Mul(c, pow10(-shift))
	}
	return weight, c.Int64()
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// selectDivScale mirrors select_div_scale.
func selectDivScale(a, b *apd.Decimal) int {
	w1, f1 := numericWeight(a)
	w2, f2 := numericWeight(b)
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	rscale := NumericMinSigDigits - qweight*4
	rscale = max(rscale, NumericDScale(a), NumericDScale(b), 0)
	return min(rscale, NumericMaxDisplayScale)
}
