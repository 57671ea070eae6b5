package types

import (
	"math"
	"math/big"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// Integer and floating-point arithmetic with PostgreSQL's overflow
// checks (O1), and numeric arithmetic with its scale rules (O2).

// intResult checks that v fits the integer type t.
func intResult(t *T, v int64, ok bool) (Datum, error) {
	lo, hi, _ := intRange(t)
	if !ok || v < lo || v > hi {
		return nil, intRangeErr(t)
	}
	return v, nil
}

// IntAdd adds two integers, the result typed t (int2, int4 or int8).
func IntAdd(t *T, a, b int64) (Datum, error) {
	s, ok := add64(a, b)
	return intResult(t, s, ok)
}

// IntSub subtracts two integers with overflow checking.
func IntSub(t *T, a, b int64) (Datum, error) {
	s := a - b
	ok := !((b > 0 && s > a) || (b < 0 && s < a))
	return intResult(t, s, ok)
}

// IntMul multiplies two integers with overflow checking.
func IntMul(t *T, a, b int64) (Datum, error) {
	if a == 0 || b == 0 {
		return int64(0), nil
	}
	p := a * b
	ok := p/b == a && !(a == -1 && b == math.MinInt64) && !(b == -1 && a == math.MinInt64)
	return intResult(t, p, ok)
}

// IntDiv divides, truncating toward zero (22012 on zero divisor).
func IntDiv(t *T, a, b int64) (Datum, error) {
	if b == 0 {
		return nil, fresh(errDivByZero)
	}
	if b == -1 {
		return IntSub(t, 0, a)
	}
	return intResult(t, a/b, true)
}

// IntMod is the remainder with the dividend's sign.
func IntMod(t *T, a, b int64) (Datum, error) {
	if b == 0 {
		return nil, fresh(errDivByZero)
	}
	if b == -1 {
		return int64(0), nil
	}
	return a % b, nil
}

func intShift(t *T, a, n int64, left bool) Datum {
	bits := uint(31)
	if t.OID == Int8.OID {
		bits = 63
	}
	s := uint(n) & bits
	var r int64
	if left {
		r = a << s
	} else {
		r = a >> s
	}
	switch t.OID {
	case Int2.OID:
		return int64(int16(r))
	case Int4.OID:
		return int64(int32(r))
	}
	return r
}

func errFloatOverflow() error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")
}

func errFloatUnderflow() error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: underflow")
}

// floatResult mirrors check_float8_val / check_float4_val: an infinite
// result from finite inputs overflows, a zero result from nonzero inputs
// underflows.
func floatResult(r float64, single, infOK, zeroOK bool) (Datum, error) {
	if single {
		r = float64(float32(r))
	}
	if math.IsInf(r, 0) && !infOK {
		return nil, errFloatOverflow()
	}
	if r == 0 && !zeroOK {
		return nil, errFloatUnderflow()
	}
	return r, nil
}

// FloatOp applies + - * / to floats; single selects float4 arithmetic.
func FloatOp(op byte, a, b float64, single bool) (Datum, error) {
	inf := math.IsInf(a, 0) || math.IsInf(b, 0)
	switch op {
	case '+':
		return floatResult(a+b, single, inf, true)
	case '-':
		return floatResult(a-b, single, inf, true)
	case '*':
		return floatResult(a*b, single, inf, a == 0 || b == 0)
	case '/':
		if b == 0 && !math.IsNaN(a) {
			return nil, fresh(errDivByZero)
		}
		return floatResult(a/b, single, math.IsInf(a, 0), a == 0 || math.IsInf(b, 0))
	}
	return nil, pgerr.New(pgerr.InternalError, "unknown float operator %c", op)
}

// FloatPow mirrors dpow.
func FloatPow(a, b float64) (Datum, error) {
	if math.IsNaN(a) || math.IsNaN(b) {
		if a == 1 || b == 0 {
			return 1.0, nil
		}
		return math.NaN(), nil
	}
	if a == 0 && b < 0 {
		return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "zero raised to a negative power is undefined")
	}
	if a < 0 && math.Floor(b) != b {
		return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "a negative number raised to a non-integer power yields a complex result")
	}
	r := math.Pow(a, b)
	if math.IsInf(r, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) && a != 0 {
		return nil, errFloatOverflow()
	}
	if r == 0 && a != 0 && !math.IsInf(b, 0) && !math.IsInf(a, 0) {
		return nil, errFloatUnderflow()
	}
	return r, nil
}

func nanDec() *apd.Decimal { return &apd.Decimal{Form: apd.NaN} }

func isNaNDec(d *apd.Decimal) bool { return d.Form == apd.NaN || d.Form == apd.NaNSignaling }

func isInfDec(d *apd.Decimal) bool { return d.Form == apd.Infinite }

func infDec(neg bool) *apd.Decimal { return &apd.Decimal{Form: apd.Infinite, Negative: neg} }

// signOf returns -1, 0 or 1 for a non-NaN decimal.
func signOf(d *apd.Decimal) int {
	if d.Form == apd.Infinite {
		if d.Negative {
			return -1
		}
		return 1
	}
	return d.Sign()
}

// NumericAdd mirrors numeric_add: exact, display scale the larger of the
// inputs'.
func NumericAdd(a, b *apd.Decimal) (*apd.Decimal, error) {
	if isNaNDec(a) || isNaNDec(b) {
		return nanDec(), nil
	}
	if isInfDec(a) || isInfDec(b) {
		if isInfDec(a) && isInfDec(b) && a.Negative != b.Negative {
			return nanDec(), nil
		}
		if isInfDec(a) {
			return infDec(a.Negative), nil
		}
		return infDec(b.Negative), nil
	}
	var r apd.Decimal
	if _, err := exact.Add(&r, a, b); err != nil {
		return nil, errNumericOverflow()
	}
	return normNumeric(&r)
}

// NumericSub mirrors numeric_sub.
func NumericSub(a, b *apd.Decimal) (*apd.Decimal, error) {
	return NumericAdd(a, NumericNeg(b))
}

// NumericNeg mirrors numeric_uminus.
func NumericNeg(a *apd.Decimal) *apd.Decimal {
	if isNaNDec(a) {
		return a
	}
	r := new(apd.Decimal).Set(a)
	if r.Form == apd.Infinite || r.Coeff.Sign() != 0 {
		r.Negative = !r.Negative
	}
	return r
}

// NumericAbs mirrors numeric_abs.
func NumericAbs(a *apd.Decimal) *apd.Decimal {
	r := new(apd.Decimal).Set(a)
	r.Negative = false
	return r
}

// NumericMul mirrors numeric_mul: exact, display scale the sum of the
// inputs' (at most NUMERIC_DSCALE_MAX).
func NumericMul(a, b *apd.Decimal) (*apd.Decimal, error) {
	if isNaNDec(a) || isNaNDec(b) {
		return nanDec(), nil
	}
	if isInfDec(a) || isInfDec(b) {
		s := signOf(a) * signOf(b)
		if s == 0 {
			return nanDec(), nil
		}
		return infDec(s < 0), nil
	}
	var r apd.Decimal
	if _, err := exact.Mul(&r, a, b); err != nil {
		return nil, errNumericOverflow()
	}
	if -r.Exponent > numericMaxDScale {
		q := new(apd.Decimal)
		if _, err := quant.Quantize(q, &r, -numericMaxDScale); err != nil {
			return nil, errNumericOverflow()
		}
		return normNumeric(q)
	}
	return normNumeric(&r)
}

// NumericDiv mirrors numeric_div: the quotient rounded half away from
// zero at select_div_scale's scale.
func NumericDiv(a, b *apd.Decimal) (*apd.Decimal, error) {
	if isNaNDec(a) || isNaNDec(b) {
		return nanDec(), nil
	}
	if isInfDec(a) {
		if isInfDec(b) {
			return nanDec(), nil
		}
		s := b.Sign()
		if s == 0 {
			return nil, fresh(errDivByZero)
		}
		return infDec((signOf(a) * s) < 0), nil
	}
	if isInfDec(b) {
		return apd.New(0, 0), nil
	}
	if b.Coeff.Sign() == 0 {
		return nil, fresh(errDivByZero)
	}
	return numericDivScale(a, b, selectDivScale(a, b))
}

// numericDivScale divides finite a by nonzero b, rounding to rscale
// digits after the point, half away from zero.
func numericDivScale(a, b *apd.Decimal, rscale int) (*apd.Decimal, error) {
	num := bigOf(a)
	den := bigOf(b)
	shift := int(a.Exponent) + rscale - int(b.Exponent)
	if shift >= 0 {
		num.Mul(num, pow10(shift))
	} else {
		den.Mul(den, pow10(-shift))
	}
	q := roundQuo(num, den)
	return normNumeric(decOf(q, int32(-rscale)))
}

// NumericDivTrunc divides truncating to an integer, as div().
func NumericDivTrunc(a, b *apd.Decimal) (*apd.Decimal, error) {
	if b.Form == apd.Finite && b.Coeff.Sign() == 0 {
		return nil, fresh(errDivByZero)
	}
	if a.Form != apd.Finite || b.Form != apd.Finite {
		return NumericDiv(a, b)
	}
	e := min(a.Exponent, b.Exponent)
	x := bigOf(a)
	x.Mul(x, pow10(int(a.Exponent-e)))
	y := bigOf(b)
	y.Mul(y, pow10(int(b.Exponent-e)))
	return normNumeric(decOf(new(big.Int).Quo(x, y), 0))
}

// NumericMod mirrors numeric_mod: a - b*trunc(a/b), display scale the
// larger of the inputs'.
func NumericMod(a, b *apd.Decimal) (*apd.Decimal, error) {
	if isNaNDec(a) || isNaNDec(b) {
		return nanDec(), nil
	}
	if b.Form == apd.Finite && b.Coeff.Sign() == 0 {
		return nil, fresh(errDivByZero)
	}
	if isInfDec(a) {
		return nanDec(), nil
	}
	if isInfDec(b) {
		return a, nil
	}
	e := min(a.Exponent, b.Exponent)
	x := bigOf(a)
	x.Mul(x, pow10(int(a.Exponent-e)))
	y := bigOf(b)
	y.Mul(y, pow10(int(b.Exponent-e)))
	return normNumeric(decOf(new(big.Int).Rem(x, y), e))
}

// NumericPower mirrors numeric_power: the result scale is what PostgreSQL's
// power_var picks, NUMERIC_MIN_SIG_DIGITS (16) minus the result's
// estimated decimal weight, at least the inputs' scales, at most 1000.
func NumericPower(base, exp *apd.Decimal) (*apd.Decimal, error) {
	if base.Form != apd.Finite || exp.Form != apd.Finite {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "power of NaN or infinity is not supported yet")
	}
	isInt := func(d *apd.Decimal) bool {
		var i apd.Decimal
		_, _ = apd.BaseContext.RoundToIntegralExact(&i, d)
		return i.Cmp(d) == 0
	}
	if base.IsZero() && exp.Negative {
		return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "zero raised to a negative power is undefined")
	}
	if base.Negative && !isInt(exp) {
		return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "a negative number raised to a non-integer power yields a complex result")
	}
	if base.IsZero() {
		if exp.IsZero() {
			return apd.New(1, 0), nil
		}
		return apd.New(0, 0), nil
	}
	bf, _ := base.Float64()
	ef, _ := exp.Float64()
	val := ef * math.Log10(math.Abs(bf))
	if val > 2000 || val < -2000 {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	rscale := 16 - int(val)
	if s := NumericDScale(base); rscale < s {
		rscale = s
	}
	if s := NumericDScale(exp); rscale < s {
		rscale = s
	}
	if rscale < 0 {
		rscale = 0
	}
	if rscale > 1000 {
		rscale = 1000
	}
	ctx := apd.BaseContext.WithPrecision(uint32(rscale + 40 + int(math.Abs(val))))
	res := new(apd.Decimal)
	if _, err := ctx.Pow(res, base, exp); err != nil {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	out := new(apd.Decimal)
	rc := apd.BaseContext.WithPrecision(2000)
	rc.Rounding = apd.RoundHalfUp
	if _, err := rc.Quantize(out, res, int32(-rscale)); err != nil {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	return out, nil
}
