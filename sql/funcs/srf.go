package funcs

import (
	"math"
	"math/big"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/sql/types"
)

// Set-returning functions (F6): generate_series and unnest. Each call of
// SRF checks the arguments and returns an iterator; the iterator yields
// rows lazily, so a huge series costs nothing until it is read.

func init() {
	srf(1066, "is", "generate_series(int4, int4, int4) setof int4", "generate_series_step_int4", intSeries(math.MinInt32, math.MaxInt32))
	srf(1067, "is", "generate_series(int4, int4) setof int4", "generate_series_int4", intSeries(math.MinInt32, math.MaxInt32))
	srf(1068, "is", "generate_series(int8, int8, int8) setof int8", "generate_series_step_int8", intSeries(math.MinInt64, math.MaxInt64))
	srf(1069, "is", "generate_series(int8, int8) setof int8", "generate_series_int8", intSeries(math.MinInt64, math.MaxInt64))
	srf(3259, "is", "generate_series(numeric, numeric, numeric) setof numeric", "generate_series_step_numeric", numSeries)
	srf(3260, "is", "generate_series(numeric, numeric) setof numeric", "generate_series_numeric", numSeries)
	srf(938, "is", "generate_series(timestamp, timestamp, interval) setof timestamp", "generate_series_timestamp", tsSeries(false))
	srf(939, "ss", "generate_series(timestamptz, timestamptz, interval) setof timestamptz", "generate_series_timestamptz", tsSeries(true))
	srf(2331, "is", "unnest(anyarray) setof anyelement", "array_unnest", func(_ *FuncContext, a []types.Datum) (Next, error) {
		x := arr(a[0])
		i := 0
		return func() (types.Datum, bool, error) {
			if i >= len(x.Elems) {
				return nil, false, nil
			}
			i++
			return x.Elems[i-1], true, nil
		}, nil
	})
}

func done() (types.Datum, bool, error) { return nil, false, nil }

func errStepZero() error { return errParam("step size cannot equal zero") }

// intSeries mirrors generate_series_step_int4/int8: it stops before an
// increment would overflow.
func intSeries(lo, hi int64) SRF {
	return func(_ *FuncContext, a []types.Datum) (Next, error) {
		cur, stop, step := i64(a[0]), i64(a[1]), int64(1)
		if len(a) > 2 {
			step = i64(a[2])
		}
		if step == 0 {
			return nil, errStepZero()
		}
		finished := false
		return func() (types.Datum, bool, error) {
			if finished || (step > 0 && cur > stop) || (step < 0 && cur < stop) {
				return done()
			}
			v := cur
			next := cur + step
			if (step > 0 && (next < cur || next > hi)) || (step < 0 && (next > cur || next < lo)) {
				finished = true
			}
			cur = next
			return v, true, nil
		}, nil
	}
}

// numSeries mirrors generate_series_step_numeric.
func numSeries(_ *FuncContext, a []types.Datum) (Next, error) {
	start, stop := dec(a[0]), dec(a[1])
	step := intNum(1)
	if len(a) > 2 {
		step = dec(a[2])
	}
	for _, c := range []struct {
		d    *apd.Decimal
		what string
	}{{start, "start value"}, {stop, "stop value"}} {
		if isNaN(c.d) {
			return nil, errParam("%s cannot be NaN", c.what)
		}
		if isInf(c.d) {
			return nil, errParam("%s cannot be infinity", c.what)
		}
	}
	if len(a) > 2 {
		if isNaN(step) {
			return nil, errParam("step size cannot be NaN")
		}
		if isInf(step) {
			return nil, errParam("step size cannot be infinity")
		}
		if step.Sign() == 0 {
			return nil, errStepZero()
		}
	}
	cur := start
	return func() (types.Datum, bool, error) {
		c := cur.Cmp(stop)
		if (step.Sign() > 0 && c > 0) || (step.Sign() < 0 && c < 0) {
			return done()
		}
		v := cur
		next, err := types.NumericAdd(cur, step)
		if err != nil {
			return nil, false, err
		}
		cur = next
		return v, true, nil
	}, nil
}

// intervalSign compares an interval with zero as interval_cmp does:
// months count 30 days, days 24 hours (a 128-bit span in PostgreSQL).
func intervalSign(iv types.IntervalVal) int {
	days := big.NewInt(int64(iv.Months)*30 + int64(iv.Days))
	span := days.Mul(days, big.NewInt(usecsPerDay))
	span.Add(span, big.NewInt(iv.Micros))
	return span.Sign()
}

// tsSeries mirrors generate_series_timestamp(tz).
func tsSeries(withTZ bool) SRF {
	return func(ctx *FuncContext, a []types.Datum) (Next, error) {
		cur, stop, step := a[0].(types.TimestampVal), a[1].(types.TimestampVal), a[2].(types.IntervalVal)
		dir := intervalSign(step)
		if dir == 0 {
			return nil, errStepZero()
		}
		sess := ctx.sess()
		if !withTZ {
			sess = types.UTC
		}
		finished := false
		return func() (types.Datum, bool, error) {
			if finished || (dir > 0 && cur > stop) || (dir < 0 && cur < stop) {
				return done()
			}
			v := cur
			next, err := sess.TimestampAddInterval(cur, step, withTZ)
			if err != nil {
				return nil, false, err
			}
			cur = next.(types.TimestampVal)
			if !cur.IsFinite() {
				finished = true
			}
			return v, true, nil
		}, nil
	}
}
