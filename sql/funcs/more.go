package funcs

import (
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// gcd, lcm, factorial, overlay and width_bucket (PostgreSQL 13+ / 9.x).
func init() {
	proc(5044, "is", "gcd(int4, int4) int4", "int4gcd", intGCD(math.MinInt32, "integer"))
	proc(5045, "is", "gcd(int8, int8) int8", "int8gcd", intGCD(math.MinInt64, "bigint"))
	proc(5046, "is", "lcm(int4, int4) int4", "int4lcm", intLCM(math.MinInt32, math.MaxInt32, "integer"))
	proc(5047, "is", "lcm(int8, int8) int8", "int8lcm", intLCM(math.MinInt64, math.MaxInt64, "bigint"))
	proc(1376, "is", "factorial(int8) numeric", "numeric_fac", factorial)
	proc(1404, "is", "overlay(text, text, int4, int4) text", "textoverlay", overlay)
	proc(1405, "is", "overlay(text, text, int4) text", "textoverlay_no_len", overlay)
	proc(320, "is", "width_bucket(float8, float8, float8, int4) int4", "width_bucket_float8", widthBucketFloat)
}

func gcd64(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	if a < 0 {
		a = -a
	}
	return a
}

func intGCD(min int64, name string) Impl {
	return func(_ *FuncContext, args []types.Datum) (types.Datum, error) {
		a, b := i64(args[0]), i64(args[1])
		if (a == min && (b == 0 || b == min)) || (b == min && a == 0) {
			return nil, errRange("%s out of range", name)
		}
		if a == min || b == min {
			// |min| does not fit; gcd with it is gcd(|other|, min mod other).
			if a == min {
				a, b = b, a
			}
			return gcd64(a, b%a), nil
		}
		return gcd64(a, b), nil
	}
}

func intLCM(min, max int64, name string) Impl {
	return func(_ *FuncContext, args []types.Datum) (types.Datum, error) {
		a, b := i64(args[0]), i64(args[1])
		if a == 0 || b == 0 {
			return int64(0), nil
		}
		g := gcd64(a, b)
		q := a / g
		r := q * b
		if q != 0 && (r/q != b || r > max || r < min) {
			return nil, errRange("%s out of range", name)
		}
		if r < 0 {
			if r == min {
				return nil, errRange("%s out of range", name)
			}
			r = -r
		}
		return r, nil
	}
}

func factorial(_ *FuncContext, args []types.Datum) (types.Datum, error) {
	n := i64(args[0])
	if n < 0 {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "factorial of a negative number is undefined")
	}
	if n > 1000 {
		return nil, errRange("value overflows numeric format")
	}
	r := apd.New(1, 0)
	ctx := apd.BaseContext.WithPrecision(3000)
	for k := int64(2); k <= n; k++ {
		if _, err := ctx.Mul(r, r, apd.New(k, 0)); err != nil {
			return nil, errRange("value overflows numeric format")
		}
	}
	return r, nil
}

// overlay(s placing r from start [for count]) mirrors text_overlay.
func overlay(_ *FuncContext, args []types.Datum) (types.Datum, error) {
	s, r := []rune(str(args[0])), str(args[1])
	start := i64(args[2])
	count := int64(len([]rune(r)))
	if len(args) > 3 {
		count = i64(args[3])
	}
	if start <= 0 {
		return nil, pgerr.New(pgerr.SubstringError, "negative substring length not allowed")
	}
	var b strings.Builder
	head := start - 1
	if head > int64(len(s)) {
		head = int64(len(s))
	}
	b.WriteString(string(s[:head]))
	b.WriteString(r)
	tail := start - 1 + count
	if tail < 0 {
		return nil, pgerr.New(pgerr.SubstringError, "negative substring length not allowed")
	}
	if tail < int64(len(s)) {
		b.WriteString(string(s[tail:]))
	}
	return b.String(), nil
}

// width_bucket(operand, low, high, count) mirrors width_bucket_float8.
func widthBucketFloat(_ *FuncContext, args []types.Datum) (types.Datum, error) {
	x, lo, hi, n := f64(args[0]), f64(args[1]), f64(args[2]), i64(args[3])
	if n <= 0 {
		return nil, pgerr.New(pgerr.InvalidArgumentForWidthBucketFunction, "count must be greater than zero")
	}
	if math.IsNaN(x) || math.IsNaN(lo) || math.IsNaN(hi) {
		return nil, pgerr.New(pgerr.InvalidArgumentForWidthBucketFunction, "operand, lower bound, and upper bound cannot be NaN")
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil, pgerr.New(pgerr.InvalidArgumentForWidthBucketFunction, "lower and upper bounds must be finite")
	}
	if lo == hi {
		return nil, pgerr.New(pgerr.InvalidArgumentForWidthBucketFunction, "lower bound cannot equal upper bound")
	}
	var r int64
	if lo < hi {
		switch {
		case x < lo:
			r = 0
		case x >= hi:
			r = n + 1
		default:
			r = int64(float64(n)*((x-lo)/(hi-lo))) + 1
		}
	} else {
		switch {
		case x > lo:
			r = 0
		case x <= hi:
			r = n + 1
		default:
			r = int64(float64(n)*((lo-x)/(lo-hi))) + 1
		}
	}
	if r > math.MaxInt32 {
		return nil, errRange("integer out of range")
	}
	return r, nil
}
