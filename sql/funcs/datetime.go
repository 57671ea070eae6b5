package funcs

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// Date/time functions (timestamp.c, date.c).

func init() {
	now := func(ctx *FuncContext, _ []types.Datum) (types.Datum, error) { return ctx.sess().NowTimestamp(), nil }
	proc(1299, "ss", "now() timestamptz", "now", now)
	proc(2647, "ss", "transaction_timestamp() timestamptz", "now", now)
	proc(2648, "ss", "statement_timestamp() timestamptz", "statement_timestamp", func(ctx *FuncContext, _ []types.Datum) (types.Datum, error) {
		if ctx != nil && ctx.StatementStart != nil {
			return types.TimestampFromTime(ctx.StatementStart()), nil
		}
		return ctx.sess().NowTimestamp(), nil
	})
	proc(2649, "vs", "clock_timestamp() timestamptz", "clock_timestamp", func(ctx *FuncContext, _ []types.Datum) (types.Datum, error) {
		return types.TimestampFromTime(ctx.clock()), nil
	})
	proc(274, "vs", "timeofday() text", "timeofday", func(ctx *FuncContext, _ []types.Datum) (types.Datum, error) {
		t := ctx.clock().In(ctx.loc())
		return t.Format("Mon Jan 02 15:04:05.000000 2006 MST"), nil
	})

	proc(2020, "is", "date_trunc(text, timestamp) timestamp", "timestamp_trunc", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		return truncTimestamp(str(a[0]), a[1].(types.TimestampVal), nil)
	})
	proc(1217, "ss", "date_trunc(text, timestamptz) timestamptz", "timestamptz_trunc", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		return truncTimestamp(str(a[0]), a[1].(types.TimestampVal), ctx.loc())
	})
	proc(1284, "ss", "date_trunc(text, timestamptz, text) timestamptz", "timestamptz_trunc_zone", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		loc, ok := types.LoadLocation(str(a[2]))
		if !ok {
			return nil, errParam("time zone \"%s\" not recognized", str(a[2]))
		}
		return truncTimestamp(str(a[0]), a[1].(types.TimestampVal), loc)
	})
	proc(1218, "is", "date_trunc(text, interval) interval", "interval_trunc", truncInterval)

	for _, x := range []struct {
		oid, dpOid int
		typ, mode  string
	}{
		{6199, 0, "date", "is"}, {6200, 1385, "time", "is"}, {6202, 2021, "timestamp", "is"},
		{6203, 1171, "timestamptz", "ss"}, {6204, 1172, "interval", "is"},
	} {
		typ := mustType(x.typ)
		proc(oidOf(x.oid), x.mode, "extract(text, "+x.typ+") numeric", "extract_"+x.typ, extractFn(typ, true))
		if x.dpOid != 0 {
			proc(oidOf(x.dpOid), x.mode, "date_part(text, "+x.typ+") float8", x.typ+"_part", extractFn(typ, false))
		}
	}
	proc(1384, "is", "date_part(text, date) float8", "", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		// SQL function: date_part($1, $2::timestamp)
		ts, err := dateToTimestamp(a[1].(types.DateVal))
		if err != nil {
			return nil, err
		}
		return extractFn(types.Timestamp, false)(ctx, []types.Datum{a[0], ts})
	})

	proc(2058, "is", "age(timestamp, timestamp) interval", "timestamp_age", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		return age(a[0].(types.TimestampVal), a[1].(types.TimestampVal), nil)
	})
	proc(1199, "is", "age(timestamptz, timestamptz) interval", "timestamptz_age", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		return age(a[0].(types.TimestampVal), a[1].(types.TimestampVal), ctx.loc())
	})
	proc(2059, "ss", "age(timestamp) interval", "", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		p, _ := tzParts(ctx.sess().NowTimestamp(), ctx.loc())
		p.hour, p.min, p.sec, p.usec = 0, 0, 0, 0
		today, _ := partsToTimestamp(p, 0)
		return age(today, a[0].(types.TimestampVal), nil)
	})
	proc(1386, "ss", "age(timestamptz) interval", "", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		loc := ctx.loc()
		p, _ := tzParts(ctx.sess().NowTimestamp(), loc)
		p.hour, p.min, p.sec, p.usec = 0, 0, 0, 0
		today, _ := partsToTimestamp(p, localOffset(p, loc))
		return age(today, a[0].(types.TimestampVal), loc)
	})

	proc(3846, "is", "make_date(int4, int4, int4) date", "make_date", makeDate)
	proc(3847, "is", "make_time(int4, int4, float8) time", "make_time", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		t, err := makeTime(i64(a[0]), i64(a[1]), f64(a[2]))
		if err != nil {
			return nil, err
		}
		return types.TimeVal(t), nil
	})
	proc(3461, "is", "make_timestamp(int4, int4, int4, int4, int4, float8) timestamp", "make_timestamp", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		return makeTimestamp(a, nil)
	})
	proc(3462, "ss", "make_timestamptz(int4, int4, int4, int4, int4, float8) timestamptz", "make_timestamptz", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		return makeTimestamp(a, ctx.loc())
	})
	mi := proc(3464, "is", "make_interval(int4, int4, int4, int4, int4, int4, float8) interval", "make_interval", makeInterval)
	mi.ArgNames = []string{"years", "months", "weeks", "days", "hours", "mins", "secs"}
	mi.Defaults = []types.Datum{int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), 0.0}
	for name, args := range map[string][]string{
		"make_date":        {"year", "month", "day"},
		"make_time":        {"hour", "min", "sec"},
		"make_timestamp":   {"year", "month", "mday", "hour", "min", "sec"},
		"make_timestamptz": {"year", "month", "mday", "hour", "min", "sec"},
	} {
		for _, f := range Lookup(name) {
			f.ArgNames = args
		}
	}

	proc(1373, "is", "isfinite(date) bool", "date_finite", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return a[0].(types.DateVal).IsFinite(), nil
	})
	proc(2048, "is", "isfinite(timestamp) bool", "timestamp_finite", tsFinite)
	proc(1389, "is", "isfinite(timestamptz) bool", "timestamp_finite", tsFinite)
	proc(1390, "is", "isfinite(interval) bool", "interval_finite", func(*FuncContext, []types.Datum) (types.Datum, error) {
		return true, nil
	})
	proc(1295, "is", "justify_days(interval) interval", "interval_justify_days", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return justifyDays(a[0].(types.IntervalVal))
	})
	proc(1175, "is", "justify_hours(interval) interval", "interval_justify_hours", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return types.JustifyHours(a[0].(types.IntervalVal))
	})
	proc(2711, "is", "justify_interval(interval) interval", "interval_justify_interval", justifyInterval)
}

func oidOf(v int) base.OID { return base.OID(v) }

func (c *FuncContext) clock() time.Time {
	if c != nil && c.Clock != nil {
		return c.Clock()
	}
	return time.Now()
}

func tsFinite(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	return a[0].(types.TimestampVal).IsFinite(), nil
}

// unit codes, as DecodeUnits' DTK_* values.
const (
	uUnknown = iota
	uMicrosec
	uMillisec
	uSecond
	uMinute
	uHour
	uDay
	uWeek
	uMonth
	uQuarter
	uYear
	uDecade
	uCentury
	uMillennium
	uJulian
	uDow
	uIsodow
	uDoy
	uIsoyear
	uTZ
	uTZHour
	uTZMinute
	uEpoch // RESERV
)

var unitNames = map[string]int{}

func init() {
	for names, u := range map[string]int{
		"microsecond microseconds microsecon us usec usecs": uMicrosec,
		"millisecond milliseconds millisecon ms msec msecs": uMillisec,
		"second seconds s sec secs":                         uSecond,
		"minute minutes m min mins":                         uMinute,
		"hour hours h hr hrs":                               uHour,
		"day days d":                                        uDay,
		"week weeks w":                                      uWeek,
		"month months mon mons":                             uMonth,
		"quarter qtr":                                       uQuarter,
		"year years y yr yrs":                               uYear,
		"decade decades dec decs":                           uDecade,
		"century centuries c cent":                          uCentury,
		"millennium millennia mil mils":                     uMillennium,
		"julian j":                                          uJulian,
		"dow":                                               uDow,
		"isodow":                                            uIsodow,
		"doy":                                               uDoy,
		"isoyear":                                           uIsoyear,
		"timezone":                                          uTZ,
		"timezone_h":                                        uTZHour,
		"timezone_m":                                        uTZMinute,
		"epoch":                                             uEpoch,
	} {
		for _, n := range strings.Fields(names) {
			unitNames[n] = u
		}
	}
}

// decodeUnit lower-cases and truncates like downcase_truncate_identifier
// and looks the unit up.
func decodeUnit(s string) (string, int) {
	low := strings.ToLower(s)
	if len(low) > 63 {
		low = low[:63]
	}
	return low, unitNames[low]
}

func errUnitNotSupported(unit string, t *types.T) error {
	return pgerr.New(pgerr.FeatureNotSupported, "unit \"%s\" not supported for type %s", unit, types.FormatType(t, -1))
}

func errUnitUnknown(unit string, t *types.T) error {
	return errParam("unit \"%s\" not recognized for type %s", unit, types.FormatType(t, -1))
}

// truncTimestamp mirrors timestamp_trunc (loc nil) and timestamptz_trunc
// (loc the zone whose local time is truncated).
func truncTimestamp(units string, ts types.TimestampVal, loc *time.Location) (types.Datum, error) {
	t := types.Timestamp
	if loc != nil {
		t = types.Timestamptz
	}
	low, u := decodeUnit(units)
	if u == uUnknown {
		return nil, errUnitUnknown(low, t)
	}
	switch u {
	case uEpoch, uJulian, uDow, uIsodow, uDoy, uIsoyear, uTZ, uTZHour, uTZMinute:
		if u == uEpoch {
			return nil, errUnitUnknown(low, t)
		}
		return nil, errUnitNotSupported(low, t)
	}
	if !ts.IsFinite() {
		return ts, nil
	}
	var p dtParts
	off := 0
	if loc != nil {
		p, off = tzParts(ts, loc)
	} else {
		p = localParts(ts, 0)
	}
	switch u {
	case uWeek:
		woy := isoWeek(p.year, p.mon, p.mday)
		y := p.year
		if woy >= 52 && p.mon == 1 {
			y--
		}
		if woy <= 1 && p.mon == 12 {
			y++
		}
		p.year, p.mon, p.mday = j2date(isoWeek2j(y, woy))
		p.hour, p.min, p.sec, p.usec = 0, 0, 0, 0
	case uMillennium, uCentury, uDecade, uYear, uQuarter, uMonth, uDay, uHour, uMinute, uSecond, uMillisec, uMicrosec:
		if u == uMillennium {
			if p.year > 0 {
				p.year = ((p.year+999)/1000)*1000 - 999
			} else {
				p.year = -((999-(p.year-1))/1000)*1000 + 1
			}
		}
		if u == uCentury {
			if p.year > 0 {
				p.year = ((p.year+99)/100)*100 - 99
			} else {
				p.year = -((99-(p.year-1))/100)*100 + 1
			}
		}
		if u == uDecade {
			if p.year > 0 {
				p.year = (p.year / 10) * 10
			} else {
				p.year = -((8 - (p.year - 1)) / 10) * 10
			}
		}
		if u >= uYear {
			p.mon = 1
		}
		if u >= uQuarter {
			p.mon = 3*((p.mon-1)/3) + 1
		}
		if u >= uMonth {
			p.mday = 1
		}
		if u >= uDay {
			p.hour = 0
		}
		if u >= uHour {
			p.min = 0
		}
		if u >= uMinute {
			p.sec = 0
		}
		if u >= uSecond {
			p.usec = 0
		}
		if u == uMillisec {
			p.usec = (p.usec / 1000) * 1000
		}
	default:
		return nil, errUnitNotSupported(low, t)
	}
	if loc != nil && (u >= uDay || u == uWeek) {
		off = localOffset(p, loc)
	}
	r, ok := partsToTimestamp(p, off)
	if !ok {
		return nil, errTimestampRange()
	}
	return r, nil
}

// truncInterval mirrors interval_trunc.
func truncInterval(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	low, u := decodeUnit(str(a[0]))
	iv := a[1].(types.IntervalVal)
	p := intervalParts(iv)
	switch u {
	case uMillennium:
		p.year = (p.year / 1000) * 1000
	case uCentury:
		p.year = (p.year / 100) * 100
	case uDecade:
		p.year = (p.year / 10) * 10
	}
	switch u {
	case uMillennium, uCentury, uDecade, uYear:
		p.mon = 0
		fallthrough
	case uQuarter:
		if u == uQuarter {
			p.mon = 3 * (p.mon / 3)
		}
		fallthrough
	case uMonth:
		p.mday = 0
		fallthrough
	case uDay:
		p.hour = 0
		fallthrough
	case uHour:
		p.min = 0
		fallthrough
	case uMinute:
		p.sec = 0
		fallthrough
	case uSecond:
		p.usec = 0
	case uMillisec:
		p.usec = (p.usec / 1000) * 1000
	case uMicrosec:
	case uWeek:
		return nil, pgerr.New(pgerr.FeatureNotSupported, "unit \"%s\" not supported for type interval", low).
			WithDetail("Months usually have fractional weeks.")
	case uUnknown:
		return nil, errUnitUnknown(low, types.Interval)
	default:
		return nil, errUnitNotSupported(low, types.Interval)
	}
	return ivFromParts(p)
}

// extractResult builds extract's numeric (num true) or date_part's
// float8 result from an integer.
func intResult(v int64, num bool) types.Datum {
	if num {
		return intNum(v)
	}
	return float64(v)
}

// divFast mirrors int64_div_fast_to_numeric: v / 10^scale with that
// display scale.
func divFast(v int64, scale int) *apd.Decimal {
	return bigNum(big.NewInt(v), int32(-scale))
}

func infResult(neg, num bool) types.Datum {
	if num {
		return infNum(neg)
	}
	if neg {
		return math.Inf(-1)
	}
	return math.Inf(1)
}

// extractFn mirrors extract_date, extract_time, timestamp_part_common,
// timestamptz_part_common and interval_part_common; num selects
// extract's numeric result over date_part's float8.
func extractFn(t *types.T, num bool) Impl {
	return func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		low, u := decodeUnit(str(a[0]))
		switch v := a[1].(type) {
		case types.DateVal:
			return extractDate(low, u, v, num)
		case types.TimeVal:
			return extractTime(low, u, int64(v), num)
		case types.IntervalVal:
			return extractInterval(low, u, v, num)
		case types.TimestampVal:
			return extractTimestamp(ctx, low, u, v, t.OID == types.Timestamptz.OID, num)
		}
		return nil, errInternal("extract: unexpected datum")
	}
}

func yearOf(y int) int64 {
	if y > 0 {
		return int64(y)
	}
	return int64(y - 1)
}

func decadeOf(y int) int64 {
	if y >= 0 {
		return int64(y / 10)
	}
	return int64(-((8 - (y - 1)) / 10))
}

func centuryOf(y int) int64 {
	if y > 0 {
		return int64((y + 99) / 100)
	}
	return int64(-((99 - (y - 1)) / 100))
}

func millenniumOf(y int) int64 {
	if y > 0 {
		return int64((y + 999) / 1000)
	}
	return int64(-((999 - (y - 1)) / 1000))
}

// dateField computes the calendar fields shared by dates and timestamps.
func dateField(u int, p dtParts) (int64, bool) {
	switch u {
	case uDay:
		return int64(p.mday), true
	case uMonth:
		return int64(p.mon), true
	case uQuarter:
		return int64((p.mon-1)/3 + 1), true
	case uWeek:
		return int64(isoWeek(p.year, p.mon, p.mday)), true
	case uYear:
		return yearOf(p.year), true
	case uDecade:
		return decadeOf(p.year), true
	case uCentury:
		return centuryOf(p.year), true
	case uMillennium:
		return millenniumOf(p.year), true
	case uIsoyear:
		y := isoYear(p.year, p.mon, p.mday)
		if y <= 0 {
			y--
		}
		return int64(y), true
	case uDow, uIsodow:
		d := j2day(date2j(p.year, p.mon, p.mday))
		if u == uIsodow && d == 0 {
			d = 7
		}
		return int64(d), true
	case uDoy:
		return int64(date2j(p.year, p.mon, p.mday) - date2j(p.year, 1, 1) + 1), true
	}
	return 0, false
}

// infiniteField mirrors NonFiniteTimestampTzPart / NonFiniteDatePart:
// +-Infinity for monotonic units, NULL for the others.
func infiniteField(u int, neg, num bool, isDate bool) (types.Datum, bool) {
	switch u {
	case uYear, uDecade, uCentury, uMillennium, uJulian, uIsoyear, uEpoch:
		return infResult(neg, num), true
	case uDay, uMonth, uQuarter, uWeek, uDow, uIsodow, uDoy:
		return nil, true
	case uMicrosec, uMillisec, uSecond, uMinute, uHour, uTZ, uTZHour, uTZMinute:
		return nil, !isDate
	}
	return nil, false
}

func extractDate(low string, u int, d types.DateVal, num bool) (types.Datum, error) {
	if u == uUnknown {
		return nil, errUnitUnknown(low, types.Date)
	}
	if !d.IsFinite() {
		if r, ok := infiniteField(u, d == types.DateNegInfinity, num, true); ok {
			return r, nil
		}
		return nil, errUnitNotSupported(low, types.Date)
	}
	if u == uEpoch {
		return intResult((int64(d)+pgEpochJDate-unixEpochJDate)*secsPerDay, num), nil
	}
	p := dateParts(d)
	if u == uJulian {
		return intResult(int64(date2j(p.year, p.mon, p.mday)), num), nil
	}
	if v, ok := dateField(u, p); ok {
		return intResult(v, num), nil
	}
	return nil, errUnitNotSupported(low, types.Date)
}

func extractTime(low string, u int, t int64, num bool) (types.Datum, error) {
	secUs := t % usecsPerMin
	switch u {
	case uMicrosec:
		return intResult(secUs, num), nil
	case uMillisec:
		if num {
			return divFast(secUs, 3), nil
		}
		return float64(secUs/usecsPerSec)*1000.0 + float64(secUs%usecsPerSec)/1000.0, nil
	case uSecond:
		if num {
			return divFast(secUs, 6), nil
		}
		return float64(secUs/usecsPerSec) + float64(secUs%usecsPerSec)/1000000.0, nil
	case uMinute:
		return intResult(t/usecsPerMin%60, num), nil
	case uHour:
		return intResult(t/usecsPerHour, num), nil
	case uEpoch:
		if num {
			return divFast(t, 6), nil
		}
		return float64(t) / 1000000.0, nil
	case uUnknown:
		return nil, errUnitUnknown(low, types.Time)
	}
	return nil, errUnitNotSupported(low, types.Time)
}

func extractTimestamp(ctx *FuncContext, low string, u int, ts types.TimestampVal, withTZ, num bool) (types.Datum, error) {
	t := types.Timestamp
	if withTZ {
		t = types.Timestamptz
	}
	if u == uUnknown {
		return nil, errUnitUnknown(low, t)
	}
	if !ts.IsFinite() {
		if r, ok := infiniteField(u, ts == types.TimestampNegInfinity, num, false); ok &&
			(withTZ || (u != uTZ && u != uTZHour && u != uTZMinute)) {
			return r, nil
		}
		return nil, errUnitNotSupported(low, t)
	}
	if u == uEpoch {
		epoch := int64(unixEpochJDate-pgEpochJDate) * usecsPerDay
		if num {
			return divFast(int64(ts)-epoch, 6), nil
		}
		return float64(int64(ts)-epoch) / 1000000.0, nil
	}
	var p dtParts
	off := 0
	if withTZ {
		p, off = tzParts(ts, ctx.loc())
	} else {
		p = localParts(ts, 0)
	}
	secUs := int64(p.sec)*usecsPerSec + p.usec
	switch u {
	case uMicrosec:
		return intResult(secUs, num), nil
	case uMillisec:
		if num {
			return divFast(secUs, 3), nil
		}
		return float64(p.sec)*1000.0 + float64(p.usec)/1000.0, nil
	case uSecond:
		if num {
			return divFast(secUs, 6), nil
		}
		return float64(p.sec) + float64(p.usec)/1000000.0, nil
	case uMinute:
		return intResult(int64(p.min), num), nil
	case uHour:
		return intResult(int64(p.hour), num), nil
	case uJulian:
		jd := int64(date2j(p.year, p.mon, p.mday))
		dayUs := ((int64(p.hour)*60+int64(p.min))*60+int64(p.sec))*usecsPerSec + p.usec
		if num {
			frac, err := numDiv(intNum(dayUs), intNum(secsPerDay*usecsPerSec))
			if err != nil {
				return nil, err
			}
			return types.NumericAdd(intNum(jd), frac)
		}
		return float64(jd) + (float64((int64(p.hour)*60+int64(p.min))*60+int64(p.sec))+float64(p.usec)/1000000.0)/secsPerDay, nil
	case uTZ, uTZHour, uTZMinute:
		if !withTZ {
			return nil, errUnitNotSupported(low, t)
		}
		switch u {
		case uTZ:
			return intResult(int64(off), num), nil
		case uTZHour:
			return intResult(int64(off/3600), num), nil
		}
		return intResult(int64((off/60)%60), num), nil
	}
	if v, ok := dateField(u, p); ok {
		return intResult(v, num), nil
	}
	return nil, errUnitNotSupported(low, t)
}

func extractInterval(low string, u int, iv types.IntervalVal, num bool) (types.Datum, error) {
	p := intervalParts(iv)
	secUs := int64(p.sec)*usecsPerSec + p.usec
	switch u {
	case uMicrosec:
		return intResult(secUs, num), nil
	case uMillisec:
		if num {
			return divFast(secUs, 3), nil
		}
		return float64(p.sec)*1000.0 + float64(p.usec)/1000.0, nil
	case uSecond:
		if num {
			return divFast(secUs, 6), nil
		}
		return float64(p.sec) + float64(p.usec)/1000000.0, nil
	case uMinute:
		return intResult(int64(p.min), num), nil
	case uHour:
		return intResult(p.hour, num), nil
	case uDay:
		return intResult(p.mday, num), nil
	case uMonth:
		return intResult(p.mon, num), nil
	case uQuarter:
		return intResult(p.mon/3+1, num), nil
	case uYear:
		return intResult(p.year, num), nil
	case uDecade:
		return intResult(p.year/10, num), nil
	case uCentury:
		return intResult(p.year/100, num), nil
	case uMillennium:
		return intResult(p.year/1000, num), nil
	case uEpoch:
		if num {
			m := int64(iv.Months)
			secs := (int64(4*365.25)*(m/12) + int64(4*30)*(m%12) + 4*int64(iv.Days)) * (secsPerDay / 4)
			v := new(big.Int).Mul(big.NewInt(secs), big.NewInt(usecsPerSec))
			v.Add(v, big.NewInt(iv.Micros))
			return bigNum(v, -6), nil
		}
		r := float64(iv.Micros) / 1000000.0
		r += 365.25 * secsPerDay * float64(iv.Months/12)
		r += 30.0 * secsPerDay * float64(iv.Months%12)
		r += secsPerDay * float64(iv.Days)
		return r, nil
	case uUnknown:
		return nil, errUnitUnknown(low, types.Interval)
	}
	return nil, errUnitNotSupported(low, types.Interval)
}

func dateToTimestamp(d types.DateVal) (types.Datum, error) {
	switch d {
	case types.DateNegInfinity:
		return types.TimestampNegInfinity, nil
	case types.DatePosInfinity:
		return types.TimestampPosInfinity, nil
	}
	if int64(d) >= (endTimestamp/usecsPerDay) || int64(d) < minTimestamp/usecsPerDay {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "date out of range for timestamp")
	}
	return types.TimestampVal(int64(d) * usecsPerDay), nil
}

// age mirrors timestamp_age / timestamptz_age (loc non-nil: fields in
// that zone): the symbolic difference in years, months, days and time.
func age(t1, t2 types.TimestampVal, loc *time.Location) (types.Datum, error) {
	if !t1.IsFinite() || !t2.IsFinite() {
		return nil, errTimestampRange()
	}
	var p1, p2 dtParts
	if loc != nil {
		p1, _ = tzParts(t1, loc)
		p2, _ = tzParts(t2, loc)
	} else {
		p1, p2 = localParts(t1, 0), localParts(t2, 0)
	}
	fsec := p1.usec - p2.usec
	sec := p1.sec - p2.sec
	min := p1.min - p2.min
	hour := p1.hour - p2.hour
	mday := p1.mday - p2.mday
	mon := p1.mon - p2.mon
	year := p1.year - p2.year
	neg := t1 < t2
	if neg {
		fsec, sec, min, hour, mday, mon, year = -fsec, -sec, -min, -hour, -mday, -mon, -year
	}
	for fsec < 0 {
		fsec += usecsPerSec
		sec--
	}
	for sec < 0 {
		sec += 60
		min--
	}
	for min < 0 {
		min += 60
		hour--
	}
	for hour < 0 {
		hour += 24
		mday--
	}
	for mday < 0 {
		if neg {
			mday += daysIn(p1.year, p1.mon)
		} else {
			mday += daysIn(p2.year, p2.mon)
		}
		mon--
	}
	for mon < 0 {
		mon += 12
		year--
	}
	if neg {
		fsec, sec, min, hour, mday, mon, year = -fsec, -sec, -min, -hour, -mday, -mon, -year
	}
	return ivFromParts(ivParts{year: int64(year), mon: int64(mon), mday: int64(mday), hour: int64(hour), min: min, sec: sec, usec: fsec})
}

// makeDate mirrors make_date: a negative year is BC. Error messages
// show the year as ValidateDate left it (BC years converted).
func makeDate(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	y, m, d := i64(a[0]), i64(a[1]), i64(a[2])
	yy := y
	if y < 0 {
		yy = y + 1 // -(|y| - 1)
	}
	fieldErr := func(year int64) error {
		return pgerr.New(pgerr.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", year, m, d)
	}
	if y == 0 {
		return nil, fieldErr(0)
	}
	if m < 1 || m > 12 || d < 1 || d > 31 || yy < -5000000 || yy > 6000000 || d > int64(daysIn(int(yy), int(m))) {
		return nil, fieldErr(yy)
	}
	rangeErr := pgerr.New(pgerr.DatetimeValueOutOfRange, "date out of range: %d-%02d-%02d", yy, m, d)
	if !(yy > -4713 || (yy == -4713 && m >= 11)) || !(yy < 5874898 || (yy == 5874898 && m < 6)) {
		return nil, rangeErr
	}
	jd := int64(date2j(int(yy), int(m), int(d)))
	if jd < 0 || jd >= dateEndJDate {
		return nil, rangeErr
	}
	return types.DateVal(jd - pgEpochJDate), nil
}

// makeTime mirrors make_time's field checks.
func makeTime(h, m int64, s float64) (int64, error) {
	if h < 0 || m < 0 || m > 59 || s < 0 || s > 60 || math.IsNaN(s) || h > 24 ||
		(h == 24 && (m > 0 || s > 0)) {
		return 0, pgerr.New(pgerr.DatetimeFieldOverflow, "time field value out of range: %d:%02d:%s", h, m, cG02(s))
	}
	us := int64(math.RoundToEven(s * 1e6))
	return h*usecsPerHour + m*usecsPerMin + us, nil
}

// cG02 is C's printf("%02g", s).
func cG02(s float64) string {
	switch {
	case math.IsNaN(s):
		return "nan"
	case math.IsInf(s, 1):
		return "inf"
	case math.IsInf(s, -1):
		return "-inf"
	}
	t := strconv.FormatFloat(s, 'g', 6, 64)
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	if len(t) < 2 {
		t = "0" + t
	}
	if neg {
		t = "-" + t
	}
	return t
}

// makeTimestamp mirrors make_timestamp_internal.
func makeTimestamp(a []types.Datum, loc *time.Location) (types.Datum, error) {
	y, m, d := i64(a[0]), i64(a[1]), i64(a[2])
	bc := false
	if y < 0 {
		bc = true
		y = -y
	}
	yy := y
	if bc {
		yy = -(y - 1)
	}
	if y == 0 || m < 1 || m > 12 || d < 1 || yy < -4713 || yy > 294277 || d > int64(daysIn(int(yy), int(m))) {
		return nil, pgerr.New(pgerr.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", i64(a[0]), m, d)
	}
	t, err := makeTime(i64(a[3]), i64(a[4]), f64(a[5]))
	if err != nil {
		return nil, err
	}
	p := dtParts{year: int(yy), mon: int(m), mday: int(d)}
	base, ok := partsToTimestamp(p, 0)
	if !ok {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp out of range: %d-%02d-%02d %d:%02d:%s",
			i64(a[0]), m, d, i64(a[3]), i64(a[4]), cG02(f64(a[5])))
	}
	ts := int64(base) + t
	if loc != nil {
		lp := localParts(types.TimestampVal(ts), 0)
		ts -= int64(localOffset(lp, loc)) * usecsPerSec
	}
	if ts < minTimestamp || ts >= endTimestamp {
		return nil, errTimestampRange()
	}
	return types.TimestampVal(ts), nil
}

// makeInterval mirrors make_interval of PostgreSQL 15, whose month and
// day arithmetic wraps around in int32 instead of failing.
func makeInterval(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	years, months, weeks, days := int32(i64(a[0])), int32(i64(a[1])), int32(i64(a[2])), int32(i64(a[3]))
	hours, mins, secs := i64(a[4]), i64(a[5]), f64(a[6])
	if math.IsInf(secs, 0) || math.IsNaN(secs) {
		return nil, errIntervalRange()
	}
	us := math.RoundToEven(secs * 1e6)
	if us >= 9.2233720368547758e18 || us < -9.2233720368547758e18 {
		return nil, errIntervalRange()
	}
	return types.IntervalVal{Months: years*12 + months, Days: weeks*7 + days,
		Micros: hours*usecsPerHour + mins*usecsPerMin + int64(us)}, nil
}

func justifyDays(iv types.IntervalVal) (types.Datum, error) {
	wholeMonth := iv.Days / 30
	days := iv.Days - wholeMonth*30
	months := int64(iv.Months) + int64(wholeMonth)
	if months < math.MinInt32 || months > math.MaxInt32 {
		return nil, errIntervalRange()
	}
	if months > 0 && days < 0 {
		days += 30
		months--
	} else if months < 0 && days > 0 {
		days -= 30
		months++
	}
	return types.IntervalVal{Months: int32(months), Days: days, Micros: iv.Micros}, nil
}

// justifyInterval mirrors interval_justify_interval.
func justifyInterval(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	iv := a[0].(types.IntervalVal)
	months, days, t := int64(iv.Months), int64(iv.Days), iv.Micros
	wholeMonth := days / 30
	days -= wholeMonth * 30
	months += wholeMonth
	wholeDay := t / usecsPerDay
	t -= wholeDay * usecsPerDay
	days += wholeDay
	wholeMonth = days / 30
	days -= wholeMonth * 30
	months += wholeMonth
	if months < math.MinInt32 || months > math.MaxInt32 || days < math.MinInt32 || days > math.MaxInt32 {
		return nil, errIntervalRange()
	}
	if months > 0 && (days < 0 || (days == 0 && t < 0)) {
		days += 30
		months--
	} else if months < 0 && (days > 0 || (days == 0 && t > 0)) {
		days -= 30
		months++
	}
	if days > 0 && t < 0 {
		t += usecsPerDay
		days--
	} else if days < 0 && t > 0 {
		t -= usecsPerDay
		days++
	}
	return types.IntervalVal{Months: int32(months), Days: int32(days), Micros: t}, nil
}
