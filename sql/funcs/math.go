package funcs

import (
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// Mathematical functions (float.c, int.c, int8.c, numeric.c).

func init() {
	proc(1394, "is", "abs(float4) float4", "float4abs", fabs)
	proc(1395, "is", "abs(float8) float8", "float8abs", fabs)
	proc(1396, "is", "abs(int8) int8", "int8abs", intAbs(math.MinInt64, "bigint"))
	proc(1397, "is", "abs(int4) int4", "int4abs", intAbs(math.MinInt32, "integer"))
	proc(1398, "is", "abs(int2) int2", "int2abs", intAbs(math.MinInt16, "smallint"))
	proc(1705, "is", "abs(numeric) numeric", "numeric_abs", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return types.NumericAbs(dec(a[0])), nil
	})

	proc(2308, "is", "ceil(float8) float8", "dceil", floatFn(math.Ceil))
	proc(2320, "is", "ceiling(float8) float8", "dceil", floatFn(math.Ceil))
	proc(2309, "is", "floor(float8) float8", "dfloor", floatFn(math.Floor))
	proc(1342, "is", "round(float8) float8", "dround", floatFn(math.RoundToEven))
	proc(1343, "is", "trunc(float8) float8", "dtrunc", floatFn(math.Trunc))
	proc(1711, "is", "ceil(numeric) numeric", "numeric_ceil", numCeilFloor(true))
	proc(2167, "is", "ceiling(numeric) numeric", "numeric_ceil", numCeilFloor(true))
	proc(1712, "is", "floor(numeric) numeric", "numeric_floor", numCeilFloor(false))
	proc(1707, "is", "round(numeric, int4) numeric", "numeric_round", numRound(false))
	proc(1708, "is", "round(numeric) numeric", "", numRound(false))
	proc(1709, "is", "trunc(numeric, int4) numeric", "numeric_trunc", numRound(true))
	proc(1710, "is", "trunc(numeric) numeric", "", numRound(true))

	proc(940, "is", "mod(int2, int2) int2", "int2mod", intMod(types.Int2))
	proc(941, "is", "mod(int4, int4) int4", "int4mod", intMod(types.Int4))
	proc(947, "is", "mod(int8, int8) int8", "int8mod", intMod(types.Int8))
	proc(1728, "is", "mod(numeric, numeric) numeric", "numeric_mod", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return types.NumericMod(dec(a[0]), dec(a[1]))
	})
	proc(1973, "is", "div(numeric, numeric) numeric", "numeric_div_trunc", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return types.NumericDivTrunc(dec(a[0]), dec(a[1]))
	})

	fpow := func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return types.FloatPow(f64(a[0]), f64(a[1]))
	}
	npow := func(_ *FuncContext, a []types.Datum) (types.Datum, error) { return numPower(dec(a[0]), dec(a[1])) }
	proc(1368, "is", "power(float8, float8) float8", "dpow", fpow)
	proc(1346, "is", "pow(float8, float8) float8", "dpow", fpow)
	proc(2169, "is", "power(numeric, numeric) numeric", "numeric_power", npow)
	proc(1738, "is", "pow(numeric, numeric) numeric", "numeric_power", npow)

	proc(1344, "is", "sqrt(float8) float8", "dsqrt", dsqrt)
	proc(1730, "is", "sqrt(numeric) numeric", "numeric_sqrt", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return numSqrt(dec(a[0]))
	})
	proc(1345, "is", "cbrt(float8) float8", "dcbrt", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := f64(a[0])
		return checkFloat(math.Cbrt(x), math.IsInf(x, 0), x == 0)
	})
	proc(1347, "is", "exp(float8) float8", "dexp", dexp)
	proc(1732, "is", "exp(numeric) numeric", "numeric_exp", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return numExp(dec(a[0]))
	})
	proc(1341, "is", "ln(float8) float8", "dlog1", dlog(math.Log))
	proc(1734, "is", "ln(numeric) numeric", "numeric_ln", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return numLn(dec(a[0]))
	})
	proc(1340, "is", "log(float8) float8", "dlog10", dlog(math.Log10))
	proc(1194, "is", "log10(float8) float8", "dlog10", dlog(math.Log10))
	num10 := func(_ *FuncContext, a []types.Datum) (types.Datum, error) { return numLog(intNum(10), dec(a[0])) }
	proc(1741, "is", "log(numeric) numeric", "", num10)
	proc(1481, "is", "log10(numeric) numeric", "", num10)
	proc(1736, "is", "log(numeric, numeric) numeric", "numeric_log", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return numLog(dec(a[0]), dec(a[1]))
	})

	proc(2310, "is", "sign(float8) float8", "dsign", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		switch x := f64(a[0]); {
		case x > 0:
			return 1.0, nil
		case x < 0:
			return -1.0, nil
		}
		return 0.0, nil
	})
	proc(1706, "is", "sign(numeric) numeric", "numeric_sign", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := dec(a[0])
		switch {
		case isNaN(x):
			return nanNum(), nil
		case isInf(x) && x.Negative:
			return intNum(-1), nil
		case isInf(x):
			return intNum(1), nil
		}
		return intNum(int64(x.Sign())), nil
	})
	proc(3281, "is", "scale(numeric) int4", "numeric_scale", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := dec(a[0])
		if x.Form != apd.Finite {
			return nil, nil
		}
		return int64(dscale(x)), nil
	})
	proc(5042, "is", "min_scale(numeric) int4", "numeric_min_scale", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := dec(a[0])
		if x.Form != apd.Finite {
			return nil, nil
		}
		return int64(dscale(trimScale(x))), nil
	})
	proc(5043, "is", "trim_scale(numeric) numeric", "numeric_trim_scale", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return trimScale(dec(a[0])), nil
	})

	proc(1610, "is", "pi() float8", "dpi", func(*FuncContext, []types.Datum) (types.Datum, error) { return math.Pi, nil })
	proc(1598, "vs", "random() float8", "drandom", func(ctx *FuncContext, _ []types.Datum) (types.Datum, error) {
		return ctx.random(), nil
	})
	proc(1608, "is", "degrees(float8) float8", "degrees", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := f64(a[0])
		return checkFloat(x/(math.Pi/180), math.IsInf(x, 0), x == 0)
	})
	proc(1609, "is", "radians(float8) float8", "radians", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := f64(a[0])
		return checkFloat(x*(math.Pi/180), math.IsInf(x, 0), x == 0)
	})
	proc(1604, "is", "sin(float8) float8", "dsin", trig(math.Sin, false))
	proc(1605, "is", "cos(float8) float8", "dcos", trig(math.Cos, false))
	proc(1606, "is", "tan(float8) float8", "dtan", trig(math.Tan, false))
	proc(1600, "is", "asin(float8) float8", "dasin", trig(math.Asin, true))
	proc(1601, "is", "acos(float8) float8", "dacos", trig(math.Acos, true))
	proc(1602, "is", "atan(float8) float8", "datan", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return math.Atan(f64(a[0])), nil
	})
	proc(1603, "is", "atan2(float8, float8) float8", "datan2", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return math.Atan2(f64(a[0]), f64(a[1])), nil
	})
}

// checkFloat mirrors check_float8_val.
func checkFloat(r float64, infOK, zeroOK bool) (types.Datum, error) {
	if math.IsInf(r, 0) && !infOK {
		return nil, errRange("value out of range: overflow")
	}
	if r == 0 && !zeroOK {
		return nil, errRange("value out of range: underflow")
	}
	return r, nil
}

func fabs(_ *FuncContext, a []types.Datum) (types.Datum, error) { return math.Abs(f64(a[0])), nil }

func floatFn(f func(float64) float64) Impl {
	return func(_ *FuncContext, a []types.Datum) (types.Datum, error) { return f(f64(a[0])), nil }
}

func intAbs(minVal int64, name string) Impl {
	return func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := i64(a[0])
		if x == minVal {
			return nil, errRange("%s out of range", name)
		}
		if x < 0 {
			x = -x
		}
		return x, nil
	}
}

func intMod(t *types.T) Impl {
	return func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return types.IntMod(t, i64(a[0]), i64(a[1]))
	}
}

func numCeilFloor(ceil bool) Impl {
	return func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := dec(a[0])
		if x.Form != apd.Finite {
			return x, nil
		}
		r := roundNum(x, 0, true)
		if r.Cmp(x) != 0 && (x.Negative != ceil) {
			var s apd.Decimal
			step := intNum(1)
			if !ceil {
				step.Negative = true
			}
			_, _ = apd.BaseContext.Add(&s, r, step)
			return normNum(&s), nil
		}
		return r, nil
	}
}

// numRound mirrors numeric_round / numeric_trunc: the scale is clamped
// to +-NUMERIC_MAX_RESULT_SCALE.
func numRound(trunc bool) Impl {
	return func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := dec(a[0])
		s := int64(0)
		if len(a) > 1 {
			s = i64(a[1])
		}
		s = min(max(s, -maxResultScale), maxResultScale)
		if x.Form != apd.Finite {
			return x, nil
		}
		return checkNum(roundNum(x, int(s), trunc))
	}
}

func trimScale(x *apd.Decimal) *apd.Decimal {
	if x.Form != apd.Finite {
		return x
	}
	var r apd.Decimal
	r.Reduce(x)
	if r.Exponent > 0 {
		return roundNum(&r, 0, false)
	}
	return normNum(&r)
}

func dsqrt(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	x := f64(a[0])
	if x < 0 {
		return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "cannot take square root of a negative number")
	}
	return checkFloat(math.Sqrt(x), math.IsInf(x, 0), x == 0)
}

// dexp mirrors dexp: overflow and underflow are errors.
func dexp(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	x := f64(a[0])
	switch {
	case math.IsNaN(x):
		return x, nil
	case math.IsInf(x, 1):
		return x, nil
	case math.IsInf(x, -1):
		return 0.0, nil
	}
	r := math.Exp(x)
	if math.IsInf(r, 0) {
		return nil, errRange("value out of range: overflow")
	}
	if r == 0 {
		return nil, errRange("value out of range: underflow")
	}
	return r, nil
}

func dlog(f func(float64) float64) Impl {
	return func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := f64(a[0])
		if x == 0 {
			return nil, pgerr.New(pgerr.InvalidArgumentForLogarithm, "cannot take logarithm of zero")
		}
		if x < 0 {
			return nil, pgerr.New(pgerr.InvalidArgumentForLogarithm, "cannot take logarithm of a negative number")
		}
		return checkFloat(f(x), math.IsInf(x, 0), x == 1)
	}
}

// trig mirrors dsin/dcos/dtan (infinite input is out of range) and
// dasin/dacos (|x| > 1 is out of range).
func trig(f func(float64) float64, inverse bool) Impl {
	return func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := f64(a[0])
		if math.IsNaN(x) {
			return x, nil
		}
		if (inverse && (x < -1 || x > 1)) || (!inverse && math.IsInf(x, 0)) {
			return nil, errRange("input is out of range")
		}
		r := f(x)
		if math.IsInf(r, 0) {
			return nil, errRange("value out of range: overflow")
		}
		return r, nil
	}
}
