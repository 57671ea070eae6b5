package types

import (
	"math"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// Date, time, timestamp and interval arithmetic (O3), mirroring
// PostgreSQL's date.c and timestamp.c.

func errTimestampRange() error {
	return pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp out of range")
}

func errIntervalRange() error {
	return pgerr.New(pgerr.DatetimeValueOutOfRange, "interval out of range")
}

func errDateRange() error {
	return pgerr.New(pgerr.DatetimeValueOutOfRange, "date out of range")
}

// DateAddDays mirrors date_pli: infinities stay put.
func DateAddDays(d DateVal, n int64) (Datum, error) {
	if !d.IsFinite() {
		return d, nil
	}
	r := int64(d) + n
	if r != int64(int32(r)) || !validDate(r) {
		return nil, errDateRange()
	}
	return DateVal(r), nil
}

// DateSub mirrors date_mi: the number of days between two dates.
func DateSub(a, b DateVal) (Datum, error) {
	if !a.IsFinite() || !b.IsFinite() {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "cannot subtract infinite dates")
	}
	return int64(int32(a) - int32(b)), nil
}

// TimestampAddInterval mirrors timestamp_pl_interval (withTZ false) and
// timestamptz_pl_interval: months first (clamping the day to the month's
// length), then days (in local time for timestamptz), then microseconds.
func (sess *Session) TimestampAddInterval(ts TimestampVal, iv IntervalVal, withTZ bool) (Datum, error) {
	if !ts.IsFinite() {
		return ts, nil
	}
	if iv.Months != 0 {
		var t tm
		if withTZ {
			t, _ = sess.timestampToLocal(ts)
		} else {
			t = timestamp2tm(ts)
		}
		m := int64(t.mon) + int64(iv.Months)
		if m > 12 {
			t.year += int((m - 1) / 12)
			m = (m-1)%12 + 1
		} else if m < 1 {
			t.year += int(m/12 - 1)
			m = m%12 + 12
		}
		t.mon = int(m)
		if dim := daysInMonth(t.year, t.mon); t.mday > dim {
			t.mday = dim
		}
		var ok bool
		if withTZ {
			ts, ok = sess.localToTimestamp(&t)
		} else {
			ts, ok = tm2timestamp(&t, 0, false)
		}
		if !ok {
			return nil, errTimestampRange()
		}
	}
	if iv.Days != 0 {
		var t tm
		if withTZ {
			t, _ = sess.timestampToLocal(ts)
		} else {
			t = timestamp2tm(ts)
		}
		j := int64(date2j(t.year, t.mon, t.mday)) + int64(iv.Days)
		if j < 0 || j > math.MaxInt32 {
			return nil, errTimestampRange()
		}
		t.year, t.mon, t.mday = j2date(int(j))
		var ok bool
		if withTZ {
			ts, ok = sess.localToTimestamp(&t)
		} else {
			ts, ok = tm2timestamp(&t, 0, false)
		}
		if !ok {
			return nil, errTimestampRange()
		}
	}
	r, ok := add64(int64(ts), iv.Micros)
	if !ok || !validTimestamp(r) {
		return nil, errTimestampRange()
	}
	return TimestampVal(r), nil
}

// IntervalNeg mirrors interval_um.
func IntervalNeg(iv IntervalVal) (IntervalVal, error) {
	if iv.Months == math.MinInt32 || iv.Days == math.MinInt32 || iv.Micros == math.MinInt64 {
		return IntervalVal{}, errIntervalRange()
	}
	return IntervalVal{Months: -iv.Months, Days: -iv.Days, Micros: -iv.Micros}, nil
}

// IntervalAdd mirrors interval_pl (component-wise).
func IntervalAdd(a, b IntervalVal) (IntervalVal, error) {
	m, ok1 := add32(a.Months, b.Months)
	d, ok2 := add32(a.Days, b.Days)
	u, ok3 := add64(a.Micros, b.Micros)
	if !ok1 || !ok2 || !ok3 {
		return IntervalVal{}, errIntervalRange()
	}
	return IntervalVal{Months: m, Days: d, Micros: u}, nil
}

// IntervalSub mirrors interval_mi.
func IntervalSub(a, b IntervalVal) (IntervalVal, error) {
	m := int64(a.Months) - int64(b.Months)
	d := int64(a.Days) - int64(b.Days)
	u := a.Micros - b.Micros
	if !fitsInt32(m) || !fitsInt32(d) || (b.Micros > 0 && u > a.Micros) || (b.Micros < 0 && u < a.Micros) {
		return IntervalVal{}, errIntervalRange()
	}
	return IntervalVal{Months: int32(m), Days: int32(d), Micros: u}, nil
}

func tsRound(f float64) float64 { return math.RoundToEven(f*1e6) / 1e6 }

func fitsFloatInt32(f float64) bool { return f >= math.MinInt32 && f < -float64(math.MinInt32) }

// IntervalMul mirrors interval_mul: whole months and days multiply
// directly; fractions cascade down to days and seconds.
func IntervalMul(iv IntervalVal, factor float64) (IntervalVal, error) {
	return intervalScale(iv, func(x float64) float64 { return x * factor })
}

// IntervalDiv mirrors interval_div.
func IntervalDiv(iv IntervalVal, factor float64) (IntervalVal, error) {
	if factor == 0 {
		return IntervalVal{}, fresh(errDivByZero)
	}
	return intervalScale(iv, func(x float64) float64 { return x / factor })
}

func intervalScale(iv IntervalVal, f func(float64) float64) (IntervalVal, error) {
	var r IntervalVal
	md := f(float64(iv.Months))
	if math.IsNaN(md) || !fitsFloatInt32(md) {
		return r, errIntervalRange()
	}
	r.Months = int32(md)
	dd := f(float64(iv.Days))
	if math.IsNaN(dd) || !fitsFloatInt32(dd) {
		return r, errIntervalRange()
	}
	r.Days = int32(dd)
	monthRemDays := tsRound((md - float64(r.Months)) * daysPerMonth)
	secRem := tsRound((dd - float64(r.Days) + monthRemDays - float64(int32(monthRemDays))) * secsPerDay)
	if math.Abs(secRem) >= secsPerDay {
		extra := int32(secRem / secsPerDay)
		d, ok := add32(r.Days, extra)
		if !ok {
			return r, errIntervalRange()
		}
		r.Days = d
		secRem -= float64(extra) * secsPerDay
	}
	d, ok := add32(r.Days, int32(monthRemDays))
	if !ok {
		return r, errIntervalRange()
	}
	r.Days = d
	t := math.RoundToEven(f(float64(iv.Micros)) + secRem*float64(usecsPerSec))
	if math.IsNaN(t) || t < math.MinInt64 || t >= -float64(math.MinInt64) {
		return r, errIntervalRange()
	}
	r.Micros = int64(t)
	return r, nil
}

// JustifyHours mirrors interval_justify_hours: whole days move from the
// time part to the day part, signs made consistent.
func JustifyHours(iv IntervalVal) (IntervalVal, error) {
	wholeDays := iv.Micros / usecsPerDay
	iv.Micros -= wholeDays * usecsPerDay
	d := int64(iv.Days) + wholeDays
	if !fitsInt32(d) {
		return iv, errIntervalRange()
	}
	iv.Days = int32(d)
	if iv.Days > 0 && iv.Micros < 0 {
		iv.Micros += usecsPerDay
		iv.Days--
	} else if iv.Days < 0 && iv.Micros > 0 {
		iv.Micros -= usecsPerDay
		iv.Days++
	}
	return iv, nil
}

// TimestampSub mirrors timestamp_mi: the difference, justified so that
// whole days show as days.
func TimestampSub(a, b TimestampVal) (Datum, error) {
	if !a.IsFinite() || !b.IsFinite() {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "cannot subtract infinite timestamps")
	}
	d, ok := add64(int64(a), -int64(b))
	if !ok {
		return nil, errIntervalRange()
	}
	r, err := JustifyHours(IntervalVal{Micros: d})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// TimeAddInterval mirrors time_pl_interval: wraps around midnight.
func TimeAddInterval(t TimeVal, iv IntervalVal) TimeVal {
	r := (int64(t) + iv.Micros%usecsPerDay) % usecsPerDay
	if r < 0 {
		r += usecsPerDay
	}
	return TimeVal(r)
}

// dateToTimestampNoOverflow mirrors date2timestamp_no_overflow, used to
// compare dates with timestamps: out-of-range dates become infinities.
func dateToTimestampNoOverflow(d DateVal) TimestampVal {
	switch {
	case d == DateNegInfinity:
		return TimestampNegInfinity
	case d == DatePosInfinity || int64(d) >= timestampEndJulian-postgresEpochJDate:
		return TimestampPosInfinity
	}
	return TimestampVal(int64(d) * usecsPerDay)
}

// dateToTimestamptzNoOverflow mirrors date2timestamptz_opt_overflow
// without the error.
func (sess *Session) dateToTimestamptzNoOverflow(d DateVal) TimestampVal {
	switch {
	case d == DateNegInfinity:
		return TimestampNegInfinity
	case d == DatePosInfinity || int64(d) >= timestampEndJulian-postgresEpochJDate:
		return TimestampPosInfinity
	}
	v, err := sess.dateToTimestamptz(d)
	if err != nil {
		return TimestampPosInfinity
	}
	return v.(TimestampVal)
}

// timestampToTimestamptzNoOverflow converts local time to timestamptz for
// cross-type comparison.
func (sess *Session) timestampToTimestamptzNoOverflow(ts TimestampVal) TimestampVal {
	if !ts.IsFinite() {
		return ts
	}
	t := timestamp2tm(ts)
	r, ok := sess.localToTimestamp(&t)
	if !ok {
		if ts < 0 {
			return TimestampNegInfinity
		}
		return TimestampPosInfinity
	}
	return r
}
