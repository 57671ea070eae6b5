package funcs

import (
	"math"
	"math/big"
	"strconv"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// Numeric transcendental functions with PostgreSQL's result scales
// (numeric.c: sqrt_var, exp_var, ln_var, log_var, power_var). The scale
// rules use NumericVar's base-10000 weight and digits, recomputed here
// from apd's decimal form (types keeps its own copy private).

const (
	minSigDigits      = 16   // NUMERIC_MIN_SIG_DIGITS
	minDisplayScale   = 0    // NUMERIC_MIN_DISPLAY_SCALE
	maxDisplayScale   = 1000 // NUMERIC_MAX_DISPLAY_SCALE
	maxResultScale    = 2000 // NUMERIC_MAX_RESULT_SCALE
	numericMaxDScale  = 16383
	numericMaxWeight  = 32767 // NUMERIC_WEIGHT_MAX (base-10000 digits)
	numericMaxIntDigs = (numericMaxWeight + 1) * 4
)

func errNumOverflow() error { return errRange("value overflows numeric format") }

func clampScale(r int) int { return min(max(r, minDisplayScale), maxDisplayScale) }

// dscale is the display scale of a finite decimal.
func dscale(d *apd.Decimal) int {
	if d.Exponent >= 0 {
		return 0
	}
	return int(-d.Exponent)
}

func isNaN(d *apd.Decimal) bool { return d.Form == apd.NaN || d.Form == apd.NaNSignaling }
func isInf(d *apd.Decimal) bool { return d.Form == apd.Infinite }

func nanNum() *apd.Decimal           { return &apd.Decimal{Form: apd.NaN} }
func infNum(neg bool) *apd.Decimal   { return &apd.Decimal{Form: apd.Infinite, Negative: neg} }
func zeroNum(scale int) *apd.Decimal { return &apd.Decimal{Exponent: int32(-scale)} }
func intNum(v int64) *apd.Decimal    { return apd.New(v, 0) }
func bigNum(b *big.Int, exp int32) *apd.Decimal {
	d := &apd.Decimal{Exponent: exp}
	d.Coeff.SetMathBigInt(b)
	if d.Coeff.Sign() < 0 {
		d.Coeff.Neg(&d.Coeff)
		d.Negative = true
	}
	return normNum(d)
}

// normNum drops a negative zero's sign (datum invariant N1 of types).
func normNum(d *apd.Decimal) *apd.Decimal {
	if d.Form == apd.Finite && d.Coeff.Sign() == 0 {
		d.Negative = false
	}
	return d
}

// signedCoeff returns the signed coefficient of a finite decimal.
func signedCoeff(d *apd.Decimal) *big.Int {
	b := d.Coeff.MathBigInt()
	if d.Negative {
		b.Neg(b)
	}
	return b
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// nvar describes a finite nonzero decimal as NumericVar would: weight
// (base 10000), ndigits and the first two base-10000 digits.
type nvar struct {
	weight  int
	ndigits int
	d0, d1  int64
}

func toNvar(d *apd.Decimal) nvar {
	if d.Form != apd.Finite || d.Coeff.Sign() == 0 {
		return nvar{}
	}
	c := d.Coeff.MathBigInt()
	e := int(d.Exponent)
	// strip trailing decimal zeros so ndigits counts significant groups
	ten := big.NewInt(10)
	r := new(big.Int)
	for {
		q, m := new(big.Int).QuoRem(c, ten, r)
		if m.Sign() != 0 {
			break
		}
		c = q
		e++
	}
	nd := len(c.String())
	msd := nd + e - 1 // power of ten of the leading digit
	w := floorDiv(msd, 4)
	lsdGroup := floorDiv(e, 4) // group of the last significant digit
	v := nvar{weight: w, ndigits: w - lsdGroup + 1}
	// scale c so that its units are 10^(4*(w-1)) (two leading groups)
	shift := e - 4*(w-1)
	x := new(big.Int).Set(c)
	if shift >= 0 {
		x.Mul(x, pow10(shift))
	} else {
		x.Quo(x, pow10(-shift))
	}
	v.d0 = new(big.Int).Quo(x, big.NewInt(10000)).Int64()
	v.d1 = new(big.Int).Rem(x, big.NewInt(10000)).Int64()
	return v
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// selectDivScale mirrors select_div_scale.
func selectDivScale(a, b *apd.Decimal) int {
	va, vb := toNvar(a), toNvar(b)
	w1, f1 := va.weight, va.d0
	w2, f2 := vb.weight, vb.d0
	if a.Coeff.Sign() == 0 {
		w1, f1 = 0, 0
	}
	if b.Coeff.Sign() == 0 {
		w2, f2 = 0, 0
	}
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	rscale := minSigDigits - qweight*4
	rscale = max(rscale, dscale(a), dscale(b), minDisplayScale)
	return min(rscale, maxDisplayScale)
}

// divScale divides finite a by nonzero finite b, rounding half away from
// zero at rscale digits (div_var with round = true).
func divScale(a, b *apd.Decimal, rscale int) (*apd.Decimal, error) {
	num, den := signedCoeff(a), signedCoeff(b)
	shift := int(a.Exponent) + rscale - int(b.Exponent)
	if shift >= 0 {
		num.Mul(num, pow10(shift))
	} else {
		den.Mul(den, pow10(-shift))
	}
	return checkNum(bigNum(roundQuo(num, den), int32(-rscale)))
}

// numDiv mirrors numeric_div for finite operands.
func numDiv(a, b *apd.Decimal) (*apd.Decimal, error) {
	if b.Form == apd.Finite && b.Coeff.Sign() == 0 {
		return nil, pgerr.New(pgerr.DivisionByZero, "division by zero")
	}
	return types.NumericDiv(a, b)
}

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

// checkNum enforces the numeric format limits on a computed result.
func checkNum(d *apd.Decimal) (*apd.Decimal, error) {
	if d.Form != apd.Finite {
		return d, nil
	}
	if d.Coeff.Sign() != 0 && int64(d.NumDigits())+int64(d.Exponent) > numericMaxIntDigs {
		return nil, errNumOverflow()
	}
	if -d.Exponent > numericMaxDScale {
		return nil, errNumOverflow()
	}
	return normNum(d), nil
}

// roundNum rounds d half away from zero to scale digits after the point
// (round_var); a negative scale rounds to tens, hundreds, ... and the
// result's display scale is max(scale, 0).
func roundNum(d *apd.Decimal, scale int, trunc bool) *apd.Decimal {
	if d.Form != apd.Finite {
		return d
	}
	c := signedCoeff(d)
	e := int(d.Exponent)
	if e >= -scale {
		// already exact at this scale: pad with zeros to the display scale
		ds := max(scale, 0)
		if e > -ds {
			c.Mul(c, pow10(e+ds))
			e = -ds
		}
		return bigNum(c, int32(e))
	}
	div := pow10(-scale - e)
	var q *big.Int
	if trunc {
		q = new(big.Int).Quo(c, div)
	} else {
		q = roundQuo(c, div)
	}
	if scale < 0 {
		q.Mul(q, pow10(-scale))
		return bigNum(q, 0)
	}
	return bigNum(q, int32(-scale))
}

// numToFloat converts a decimal to float64 without overflow errors
// (numericvar_to_double_no_overflow).
func numToFloat(d *apd.Decimal) float64 {
	f, err := strconv.ParseFloat(d.Text('e'), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0
	}
	return f
}

// apdCtx returns a context computing prec significant digits.
func apdCtx(prec int) *apd.Context {
	c := apd.BaseContext.WithPrecision(uint32(max(prec, 1)))
	c.Rounding = apd.RoundHalfUp
	return c
}

// intDigits estimates the digits before the point of a value whose
// decimal weight is about w.
func precFor(weight float64, rscale int) int {
	return max(int(weight), 0) + rscale + 8
}

// numSqrt mirrors numeric_sqrt.
func numSqrt(x *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(x) {
		return nanNum(), nil
	}
	if x.Negative && !(x.Form == apd.Finite && x.Coeff.Sign() == 0) {
		return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "cannot take square root of a negative number")
	}
	if isInf(x) {
		return infNum(false), nil
	}
	v := toNvar(x)
	sweight := (v.weight+1)*4/2 - 1
	if x.Coeff.Sign() == 0 {
		sweight = (0+1)*4/2 - 1
	}
	rscale := clampScale(max(minSigDigits-sweight, dscale(x)))
	// floor(sqrt(x * 10^(2*(rscale+1)))) then round the extra digit
	c := x.Coeff.MathBigInt()
	shift := 2*(rscale+1) + int(x.Exponent)
	if shift >= 0 {
		c.Mul(c, pow10(shift))
	} else {
		c.Quo(c, pow10(-shift))
	}
	r := new(big.Int).Sqrt(c)
	r = roundQuo(r, big.NewInt(10))
	return checkNum(bigNum(r, int32(-rscale)))
}

// estimateLnDweight mirrors estimate_ln_dweight.
func estimateLnDweight(x *apd.Decimal) int {
	if x.Negative || x.Coeff.Sign() == 0 {
		return 0
	}
	lo, hi := apd.New(9, -1), apd.New(11, -1)
	if x.Cmp(lo) >= 0 && x.Cmp(hi) <= 0 {
		var d apd.Decimal
		_, _ = apd.BaseContext.Sub(&d, x, apd.New(1, 0))
		if d.Coeff.Sign() == 0 {
			return 0
		}
		v := toNvar(&d)
		return v.weight*4 + int(math.Log10(float64(v.d0)))
	}
	v := toNvar(x)
	digits := float64(v.d0)
	dweight := v.weight * 4
	if v.ndigits > 1 {
		digits = digits*10000 + float64(v.d1)
		dweight -= 4
	}
	lnv := math.Log(digits) + float64(dweight)*math.Ln10
	return int(math.Log10(math.Abs(lnv)))
}

// lnAt computes ln(x) for finite positive x rounded to rscale digits.
func lnAt(x *apd.Decimal, rscale int) (*apd.Decimal, error) {
	v := toNvar(x)
	w := math.Log10(math.Abs(float64(v.weight*4)*math.Ln10+3)) + 2
	var r apd.Decimal
	if _, err := apdCtx(precFor(w, rscale)).Ln(&r, x); err != nil {
		return nil, errNumOverflow()
	}
	return roundNum(&r, rscale, false), nil
}

func errLog(x *apd.Decimal) error {
	if x.Coeff.Sign() == 0 && x.Form == apd.Finite {
		return pgerr.New(pgerr.InvalidArgumentForLogarithm, "cannot take logarithm of zero")
	}
	return pgerr.New(pgerr.InvalidArgumentForLogarithm, "cannot take logarithm of a negative number")
}

// numLn mirrors numeric_ln.
func numLn(x *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(x) {
		return nanNum(), nil
	}
	if x.Negative || (x.Form == apd.Finite && x.Coeff.Sign() == 0) {
		return nil, errLog(x)
	}
	if isInf(x) {
		return infNum(false), nil
	}
	rscale := clampScale(max(minSigDigits-estimateLnDweight(x), dscale(x)))
	return lnAt(x, rscale)
}

// numLog mirrors numeric_log (log_var): log of num to base.
func numLog(base, num *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(base) || isNaN(num) {
		return nanNum(), nil
	}
	for _, x := range []*apd.Decimal{base, num} {
		if x.Negative || (x.Form == apd.Finite && x.Coeff.Sign() == 0) {
			return nil, errLog(x)
		}
	}
	if isInf(base) || isInf(num) {
		switch {
		case isInf(base) && isInf(num):
			return nanNum(), nil
		case isInf(num):
			if base.Cmp(apd.New(1, 0)) < 0 {
				return infNum(true), nil
			}
			if base.Cmp(apd.New(1, 0)) == 0 {
				return nil, pgerr.New(pgerr.DivisionByZero, "division by zero")
			}
			return infNum(false), nil
		default:
			return zeroNum(0), nil
		}
	}
	rdw := estimateLnDweight(num) - estimateLnDweight(base)
	rscale := clampScale(max(minSigDigits-rdw, dscale(base), dscale(num)))
	if base.Cmp(apd.New(1, 0)) == 0 {
		return nil, pgerr.New(pgerr.DivisionByZero, "division by zero")
	}
	prec := precFor(math.Abs(float64(rdw)), rscale) + 10
	c := apdCtx(prec)
	var lb, ln, q apd.Decimal
	if _, err := c.Ln(&lb, base); err != nil {
		return nil, errNumOverflow()
	}
	if _, err := c.Ln(&ln, num); err != nil {
		return nil, errNumOverflow()
	}
	if _, err := c.Quo(&q, &ln, &lb); err != nil {
		return nil, errNumOverflow()
	}
	return roundNum(&q, rscale, false), nil
}

// numExp mirrors numeric_exp.
func numExp(x *apd.Decimal) (*apd.Decimal, error) {
	if isNaN(x) {
		return nanNum(), nil
	}
	if isInf(x) {
		if x.Negative {
			return zeroNum(0), nil
		}
		return infNum(false), nil
	}
	val := numToFloat(x) * 0.434294481903252
	val = min(max(val, -maxResultScale), maxResultScale)
	rscale := clampScale(max(minSigDigits-int(val), dscale(x)))
	return expAt(x, rscale)
}

// expAt mirrors exp_var: e^x rounded to rscale digits.
func expAt(x *apd.Decimal, rscale int) (*apd.Decimal, error) {
	f := numToFloat(x)
	if math.Abs(f) >= maxResultScale*3 {
		if f > 0 {
			return nil, errNumOverflow()
		}
		return zeroNum(rscale), nil
	}
	w := f * 0.434294481903252
	var r apd.Decimal
	if _, err := apdCtx(precFor(w, rscale)).Exp(&r, x); err != nil {
		return nil, errNumOverflow()
	}
	return checkNum(roundNum(&r, rscale, false))
}

func isIntegral(d *apd.Decimal) bool {
	if d.Form != apd.Finite {
		return false
	}
	if d.Exponent >= 0 || d.Coeff.Sign() == 0 {
		return true
	}
	var r apd.Decimal
	r.Reduce(d)
	return r.Exponent >= 0
}

// isOddInt reports whether an integral decimal is odd.
func isOddInt(d *apd.Decimal) bool {
	c := signedCoeff(d)
	if d.Exponent > 0 {
		return false
	}
	c.Quo(c, pow10(int(-d.Exponent)))
	return c.Bit(0) == 1
}

// numPower mirrors numeric_power (PostgreSQL 15).
func numPower(b, e *apd.Decimal) (*apd.Decimal, error) {
	one := apd.New(1, 0)
	if isNaN(b) {
		if !isNaN(e) && !isInf(e) && e.Coeff.Sign() == 0 {
			return intNum(1), nil
		}
		return nanNum(), nil
	}
	if isNaN(e) {
		if !isInf(b) && b.Cmp(one) == 0 {
			return intNum(1), nil
		}
		return nanNum(), nil
	}
	bzero := b.Form == apd.Finite && b.Coeff.Sign() == 0
	sign2 := e.Sign()
	if isInf(e) {
		sign2 = 1
		if e.Negative {
			sign2 = -1
		}
	}
	if bzero && sign2 < 0 {
		return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "zero raised to a negative power is undefined")
	}
	if b.Negative && !bzero && !isInf(e) && !isIntegral(e) {
		return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "a negative number raised to a non-integer power yields a complex result")
	}
	if isInf(b) || isInf(e) {
		if isInf(e) {
			abs := new(apd.Decimal).Abs(b)
			c := abs.Cmp(one)
			if isInf(b) {
				c = 1
			}
			switch {
			case c == 0:
				return intNum(1), nil
			case (c > 0) == (sign2 > 0):
				return infNum(false), nil
			default:
				return zeroNum(0), nil
			}
		}
		// infinite base, finite exponent
		switch {
		case sign2 == 0:
			return intNum(1), nil
		case sign2 < 0:
			return zeroNum(0), nil
		case b.Negative && isOddInt(e):
			return infNum(true), nil
		}
		return infNum(false), nil
	}
	if isIntegral(e) {
		n := signedCoeff(e)
		if e.Exponent > 0 {
			n.Mul(n, pow10(int(e.Exponent)))
		} else {
			n.Quo(n, pow10(int(-e.Exponent)))
		}
		if n.IsInt64() && n.Int64() >= math.MinInt32 && n.Int64() <= math.MaxInt32 {
			rscale := clampScale(max(minSigDigits, dscale(b)))
			return powerInt(b, n.Int64(), rscale)
		}
	}
	if bzero {
		return zeroNum(minSigDigits), nil
	}
	// exp(ln(|b|) * e), sign from an odd integral exponent
	neg := b.Negative && isOddInt(e)
	ab := new(apd.Decimal).Abs(b)
	lnd := estimateLnDweight(ab)
	lrs := clampScale(8 - lnd)
	lnb, err := lnAt(ab, lrs)
	if err != nil {
		return nil, err
	}
	var prod apd.Decimal
	if _, err := apdCtx(lrs+30).Mul(&prod, lnb, e); err != nil {
		return nil, errNumOverflow()
	}
	val := numToFloat(&prod)
	if math.Abs(val) > maxResultScale*3.01 {
		if val > 0 {
			return nil, errNumOverflow()
		}
		return zeroNum(maxDisplayScale), nil
	}
	val *= 0.434294481903252
	rscale := clampScale(max(minSigDigits-int(val), dscale(b), dscale(e)))
	// full-precision exponent: ln(|b|) * e with enough digits
	prec := precFor(math.Abs(val), rscale) + 10
	c := apdCtx(prec)
	var lnFull, p, r apd.Decimal
	if _, err := c.Ln(&lnFull, ab); err != nil {
		return nil, errNumOverflow()
	}
	if _, err := c.Mul(&p, &lnFull, e); err != nil {
		return nil, errNumOverflow()
	}
	if _, err := c.Exp(&r, &p); err != nil {
		return nil, errNumOverflow()
	}
	res := roundNum(&r, rscale, false)
	if neg {
		res.Negative = res.Coeff.Sign() != 0
	}
	return checkNum(res)
}

// powerInt mirrors power_var_int: b^n rounded to rscale digits.
func powerInt(b *apd.Decimal, n int64, rscale int) (*apd.Decimal, error) {
	if n == 0 {
		return bigNum(pow10(rscale), int32(-rscale)), nil
	}
	if b.Coeff.Sign() == 0 {
		return zeroNum(rscale), nil
	}
	// estimate the result's decimal weight to exit early on certain
	// overflow or underflow
	f := float64(n) * log10Abs(b)
	if f > 3*32767*4 {
		return nil, errNumOverflow()
	}
	if f+1 < float64(-rscale) || f+1 < -maxDisplayScale {
		return zeroNum(rscale), nil
	}
	an := n
	if an < 0 {
		an = -an
	}
	if int64(b.NumDigits())*an > 4000 {
		// too many exact digits: compute with a bounded precision
		var r apd.Decimal
		prec := precFor(math.Abs(f), rscale) + 10
		if _, err := apdCtx(prec).Pow(&r, b, apd.New(n, 0)); err != nil {
			return nil, errNumOverflow()
		}
		return checkNum(roundNum(&r, rscale, false))
	}
	c := signedCoeff(b)
	pc := new(big.Int).Exp(c, big.NewInt(an), nil)
	pe := int64(b.Exponent) * an
	if n > 0 {
		return checkNum(roundNum(bigNum(pc, int32(pe)), rscale, false))
	}
	// 1 / b^|n| at rscale digits
	num := big.NewInt(1)
	den := pc
	shift := -pe + int64(rscale) // 10^(-pe) / pc, scaled by 10^rscale
	if shift >= 0 {
		num.Mul(num, pow10(int(shift)))
	} else {
		den = new(big.Int).Mul(den, pow10(int(-shift)))
	}
	return checkNum(bigNum(roundQuo(num, den), int32(-rscale)))
}

// log10Abs approximates log10(|d|) of a nonzero finite decimal from its
// leading digits.
func log10Abs(d *apd.Decimal) float64 {
	c := d.Coeff.String()
	exp := int(d.Exponent)
	if len(c) > 17 {
		exp += len(c) - 17
		c = c[:17]
	}
	lead, _ := strconv.ParseFloat(c, 64)
	return math.Log10(lead) + float64(exp)
}
