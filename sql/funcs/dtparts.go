package funcs

import (
	"strconv"
	"time"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// Calendar arithmetic for the date/time functions (PostgreSQL's
// datetime.c and timestamp.c). types keeps its copies private, so the
// few routines needed are repeated here.

const (
	usecsPerSec  = int64(1000000)
	usecsPerMin  = 60 * usecsPerSec
	usecsPerHour = 60 * usecsPerMin
	usecsPerDay  = 24 * usecsPerHour
	secsPerDay   = 86400

	pgEpochJDate   = 2451545 // date2j(2000, 1, 1)
	unixEpochJDate = 2440588 // date2j(1970, 1, 1)

	minTimestamp = -211813488000000000 // 4714-11-24 BC 00:00:00
	endTimestamp = 9223371331200000000 // 294277-01-01 00:00:00
	dateEndJDate = 2147483494          // date2j(5874898, 1, 1)
)

// dtParts is PostgreSQL's struct pg_tm with fsec: year 0 is 1 BC.
type dtParts struct {
	year, mon, mday, hour, min, sec int
	usec                            int64
}

func date2j(y, m, d int) int {
	if m > 2 {
		m++
		y += 4800
	} else {
		m += 13
		y += 4799
	}
	century := y / 100
	j := y*365 - 32167
	j += y/4 - century + century/4
	j += 7834*m/256 + d
	return j
}

func j2date(jd int) (year, month, day int) {
	julian := uint32(jd) + 32044
	quad := julian / 146097
	extra := (julian-quad*146097)*4 + 3
	julian += 60 + quad*3 + extra/146097
	quad = julian / 1461
	julian -= quad * 1461
	y := int(julian * 4 / 1461)
	if y != 0 {
		julian = (julian+305)%365 + 123
	} else {
		julian = (julian+306)%366 + 123
	}
	y += int(quad * 4)
	year = y - 4800
	quad = julian * 2141 / 65536
	day = int(julian - 7834*quad/256)
	month = int((quad+10)%12 + 1)
	return
}

// j2day returns the day of the week, 0 = Sunday.
func j2day(jd int) int {
	d := (jd + 1) % 7
	if d < 0 {
		d += 7
	}
	return d
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

var dayTab = [2][12]int{
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
}

func daysIn(y, m int) int {
	l := 0
	if isLeap(y) {
		l = 1
	}
	return dayTab[l][m-1]
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// localParts breaks a finite timestamp shifted by off seconds into
// fields (timestamp2tm).
func localParts(ts types.TimestampVal, off int) dtParts {
	us := int64(ts) + int64(off)*usecsPerSec
	days := floorDiv64(us, usecsPerDay)
	t := us - days*usecsPerDay
	var p dtParts
	p.year, p.mon, p.mday = j2date(int(days) + pgEpochJDate)
	p.hour = int(t / usecsPerHour)
	t -= int64(p.hour) * usecsPerHour
	p.min = int(t / usecsPerMin)
	t -= int64(p.min) * usecsPerMin
	p.sec = int(t / usecsPerSec)
	p.usec = t - int64(p.sec)*usecsPerSec
	return p
}

// tzParts breaks a timestamptz into local fields in loc, returning the
// UTC offset in seconds east.
func tzParts(ts types.TimestampVal, loc *time.Location) (dtParts, int) {
	off := zoneOffset(ts, loc)
	return localParts(ts, off), off
}

func zoneOffset(ts types.TimestampVal, loc *time.Location) int {
	if loc == time.UTC {
		return 0
	}
	sec := floorDiv64(int64(ts), usecsPerSec) + (pgEpochJDate-unixEpochJDate)*secsPerDay
	_, off := time.Unix(sec, 0).In(loc).Zone()
	return off
}

// partsToTimestamp is tm2timestamp with offset off (seconds east); ok is
// false out of range.
func partsToTimestamp(p dtParts, off int) (types.TimestampVal, bool) {
	if p.mon < 1 || p.mon > 12 || p.year < -4713 || p.year > 294277 {
		return 0, false
	}
	days := int64(date2j(p.year, p.mon, p.mday) - pgEpochJDate)
	t := ((int64(p.hour)*60+int64(p.min))*60+int64(p.sec))*usecsPerSec + p.usec
	us := days*usecsPerDay + t - int64(off)*usecsPerSec
	if us < minTimestamp || us >= endTimestamp {
		return 0, false
	}
	return types.TimestampVal(us), true
}

// localOffset mirrors DetermineTimeZoneOffset: the offset (seconds east)
// that local time p has in loc. In a spring-forward gap the offset
// before the transition applies, in a fall-back overlap the later one.
func localOffset(p dtParts, loc *time.Location) int {
	if loc == time.UTC || loc == nil {
		return 0
	}
	day := int64(date2j(p.year, p.mon, p.mday)-unixEpochJDate) * secsPerDay
	mytime := day + int64(p.sec+(p.min+p.hour*60)*60)
	prev := time.Unix(mytime-secsPerDay, 0).In(loc)
	_, beforeOff := prev.Zone()
	_, end := prev.ZoneBounds()
	if end.IsZero() {
		return beforeOff
	}
	boundary := end.Unix()
	_, afterOff := time.Unix(boundary, 0).In(loc).Zone()
	beforeTime := mytime - int64(beforeOff)
	afterTime := mytime - int64(afterOff)
	if beforeTime < boundary && afterTime < boundary {
		return beforeOff
	}
	if beforeTime > boundary && afterTime >= boundary {
		return afterOff
	}
	if beforeTime > afterTime {
		return beforeOff
	}
	return afterOff
}

// dateParts returns the fields of a finite date.
func dateParts(d types.DateVal) dtParts {
	var p dtParts
	p.year, p.mon, p.mday = j2date(int(d) + pgEpochJDate)
	return p
}

// isoWeek mirrors date2isoweek.
func isoWeek(year, mon, mday int) int {
	dayn := date2j(year, mon, mday)
	day4 := date2j(year, 1, 4)
	day0 := j2day(day4 - 1)
	if dayn < day4-day0 {
		day4 = date2j(year-1, 1, 4)
		day0 = j2day(day4 - 1)
	}
	result := (dayn-(day4-day0))/7 + 1
	if result >= 52 {
		day4 = date2j(year+1, 1, 4)
		day0 = j2day(day4 - 1)
		if dayn >= day4-day0 {
			result = (dayn-(day4-day0))/7 + 1
		}
	}
	return result
}

// isoYear mirrors date2isoyear.
func isoYear(year, mon, mday int) int {
	dayn := date2j(year, mon, mday)
	day4 := date2j(year, 1, 4)
	day0 := j2day(day4 - 1)
	if dayn < day4-day0 {
		day4 = date2j(year-1, 1, 4)
		day0 = j2day(day4 - 1)
		year--
	}
	result := (dayn-(day4-day0))/7 + 1
	if result >= 52 {
		day4 = date2j(year+1, 1, 4)
		day0 = j2day(day4 - 1)
		if dayn >= day4-day0 {
			year++
		}
	}
	return year
}

// isoWeek2j mirrors isoweek2j: the Julian day of the Monday of ISO week
// `week` of ISO year `year`.
func isoWeek2j(year, week int) int {
	day4 := date2j(year, 1, 4)
	day0 := j2day(day4 - 1)
	return (week-1)*7 + (day4 - day0)
}

func errTimestampRange() error {
	return pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp out of range")
}

func errIntervalRange() error {
	return pgerr.New(pgerr.DatetimeValueOutOfRange, "interval out of range")
}

// --- output helpers ---

func appendInt(b []byte, v int, width int) []byte {
	s := strconv.Itoa(abs(v))
	if v < 0 {
		b = append(b, '-')
	}
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// appendYear writes a year as PostgreSQL does: BC years as positive
// numbers (the caller adds " BC"), at least four digits.
func appendYear(b []byte, y int) []byte {
	if y <= 0 {
		y = -(y - 1)
	}
	return appendInt(b, y, 4)
}

// appendSecs writes seconds with the fraction's trailing zeros removed.
func appendSecs(b []byte, sec int, usec int64) []byte {
	b = appendInt(b, sec, 2)
	if usec == 0 {
		return b
	}
	f := strconv.FormatInt(usec+1000000, 10)[1:]
	for len(f) > 0 && f[len(f)-1] == '0' {
		f = f[:len(f)-1]
	}
	b = append(b, '.')
	return append(b, f...)
}

// intervalParts mirrors interval2itm.
type ivParts struct {
	year, mon, mday int64
	hour            int64
	min, sec        int
	usec            int64
}

func intervalParts(iv types.IntervalVal) ivParts {
	var p ivParts
	p.year = int64(iv.Months / 12)
	p.mon = int64(iv.Months % 12)
	p.mday = int64(iv.Days)
	t := iv.Micros
	p.hour = t / usecsPerHour
	t -= p.hour * usecsPerHour
	p.min = int(t / usecsPerMin)
	t -= int64(p.min) * usecsPerMin
	p.sec = int(t / usecsPerSec)
	p.usec = t - int64(p.sec)*usecsPerSec
	return p
}

// ivFromParts mirrors itm2interval.
func ivFromParts(p ivParts) (types.IntervalVal, error) {
	months := p.year*12 + p.mon
	if months < -1<<31 || months > 1<<31-1 || p.mday < -1<<31 || p.mday > 1<<31-1 {
		return types.IntervalVal{}, errIntervalRange()
	}
	t := p.hour*usecsPerHour + int64(p.min)*usecsPerMin + int64(p.sec)*usecsPerSec + p.usec
	return types.IntervalVal{Months: int32(months), Days: int32(p.mday), Micros: t}, nil
}
