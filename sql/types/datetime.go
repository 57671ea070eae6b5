package types

import (
	"strconv"
	"strings"
	"time"
)

// This file holds the calendar arithmetic and the date/time input
// machinery shared by date, time, timestamp, timestamptz and interval. It
// follows PostgreSQL's datetime.c: ParseDateTime breaks the input into
// typed fields, DecodeDateTime / DecodeTimeOnly / DecodeInterval give them
// meaning (DT1-DT3 in README.md).

const (
	usecsPerSec    = int64(1000000)
	usecsPerMinute = 60 * usecsPerSec
	usecsPerHour   = 60 * usecsPerMinute
	usecsPerDay    = 24 * usecsPerHour
	secsPerDay     = 86400
	daysPerMonth   = 30
	monthsPerYear  = 12

	postgresEpochJDate = 2451545 // date2j(2000, 1, 1)
	unixEpochJDate     = 2440588 // date2j(1970, 1, 1)

	julianMinYear  = -4713
	julianMaxYear  = 5874898
	julianMaxMonth = 6

	dateEndJulian      = 2147483494 // date2j(5874898, 1, 1)
	timestampEndJulian = 109203528  // date2j(294277, 1, 1)

	minTimestamp = -211813488000000000 // 4714-11-24 BC 00:00:00
	endTimestamp = 9223371331200000000 // 294277-01-01 00:00:00
)

// date2j returns the Julian day number of a proleptic Gregorian date
// (year 0 is 1 BC); valid for Julian days 0 (4714-11-24 BC) and later.
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

// j2date is the inverse of date2j.
func j2date(jd int) (year, month, day int) {
	julian := uint32(jd) + 32044
	quad := julian / 146097
	extra := (julian-quad*146097)*4 + 3
	julian += 60 + quad*3 + extra/146097
	quad = julian / 1461
	julian -= quad * 1461
	y := julian * 4 / 1461
	if y != 0 {
		julian = (julian+305)%365 + 123
	} else {
		julian = (julian+306)%366 + 123
	}
	y += quad * 4
	year = int(y) - 4800
	quad = julian * 2141 / 65536
	day = int(julian - 7834*quad/256)
	month = int((quad+10)%12 + 1)
	return
}

// j2day returns the day of the week (0 = Sunday).
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

func daysInMonth(y, m int) int {
	if isLeap(y) {
		return dayTab[1][m-1]
	}
	return dayTab[0][m-1]
}

// validJulian mirrors IS_VALID_JULIAN.
func validJulian(y, m, d int) bool {
	return (y > julianMinYear || (y == julianMinYear && (m > 11 || (m == 11 && d >= 24)))) &&
		(y < julianMaxYear || (y == julianMaxYear && m < julianMaxMonth))
}

// validDate mirrors IS_VALID_DATE for days since 2000-01-01.
func validDate(d int64) bool {
	return d >= -postgresEpochJDate && d < dateEndJulian-postgresEpochJDate
}

// validTimestamp mirrors IS_VALID_TIMESTAMP.
func validTimestamp(t int64) bool { return t >= minTimestamp && t < endTimestamp }

// tm is PostgreSQL's struct pg_tm plus fsec: a broken-down date and time.
type tm struct {
	year, mon, mday int
	hour, min, sec  int
	fsec            int64 // microseconds
	yday, wday      int
	isdst           int
}

func time2t(h, m, s int, fsec int64) int64 {
	return ((int64(h)*60+int64(m))*60+int64(s))*usecsPerSec + fsec
}

// dt2time splits microseconds since midnight.
func dt2time(t int64) (h, m, s int, fsec int64) {
	h = int(t / usecsPerHour)
	t -= int64(h) * usecsPerHour
	m = int(t / usecsPerMinute)
	t -= int64(m) * usecsPerMinute
	s = int(t / usecsPerSec)
	fsec = t - int64(s)*usecsPerSec
	return
}

// tm2timestamp mirrors tm2timestamp: tz is the zone offset in seconds
// west of Greenwich (PostgreSQL's sign), applied when withTZ.
func tm2timestamp(t *tm, tz int, withTZ bool) (TimestampVal, bool) {
	if !validJulian(t.year, t.mon, t.mday) {
		return 0, false
	}
	date := int64(date2j(t.year, t.mon, t.mday) - postgresEpochJDate)
	tim := time2t(t.hour, t.min, t.sec, t.fsec)
	r, ok := mulAdd64(date, usecsPerDay, tim)
	if !ok {
		return 0, false
	}
	if withTZ {
		r2 := r + int64(tz)*usecsPerSec
		if (tz > 0 && r2 < r) || (tz < 0 && r2 > r) {
			return 0, false
		}
		r = r2
	}
	if !validTimestamp(r) {
		return 0, false
	}
	return TimestampVal(r), true
}

// timestamp2tm breaks a finite timestamp (already in local time) apart.
func timestamp2tm(ts TimestampVal) tm {
	t := int64(ts)
	date := t / usecsPerDay
	tim := t - date*usecsPerDay
	if tim < 0 {
		tim += usecsPerDay
		date--
	}
	var r tm
	r.year, r.mon, r.mday = j2date(int(date + postgresEpochJDate))
	r.hour, r.min, r.sec, r.fsec = dt2time(tim)
	return r
}

func mulAdd64(a, b, c int64) (int64, bool) {
	if a != 0 && (a*b)/a != b {
		return 0, false
	}
	p := a * b
	s := p + c
	if (c > 0 && s < p) || (c < 0 && s > p) {
		return 0, false
	}
	return s, true
}

func add64(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}

func add32(a, b int32) (int32, bool) {
	s := int64(a) + int64(b)
	return int32(s), s == int64(int32(s))
}

// --- time zones ---

// zoneOffsetAt returns the offset of loc at unix second t, east-positive.
func zoneOffsetAt(loc *time.Location, t int64) int {
	_, off := time.Unix(t, 0).In(loc).Zone()
	return off
}

// determineTimeZoneOffset mirrors DetermineTimeZoneOffset: the offset
// (PostgreSQL sign: seconds west) that local time t has in loc. In a
// spring-forward gap the earlier offset wins, in a fall-back overlap the
// later one (DT4).
func determineTimeZoneOffset(t *tm, loc *time.Location) int {
	if loc == time.UTC {
		return 0
	}
	if !validJulian(t.year, t.mon, t.mday) {
		return 0
	}
	day := int64(date2j(t.year, t.mon, t.mday)-unixEpochJDate) * secsPerDay
	mytime := day + int64(t.sec+(t.min+t.hour*60)*60)
	prev := time.Unix(mytime-secsPerDay, 0).In(loc)
	_, beforeOff := prev.Zone()
	_, end := prev.ZoneBounds()
	if end.IsZero() {
		return -beforeOff
	}
	boundary := end.Unix()
	afterOff := zoneOffsetAt(loc, boundary)
	beforeTime := mytime - int64(beforeOff)
	afterTime := mytime - int64(afterOff)
	if beforeTime < boundary && afterTime < boundary {
		return -beforeOff
	}
	if beforeTime > boundary && afterTime >= boundary {
		return -afterOff
	}
	if beforeTime > afterTime {
		return -beforeOff
	}
	return -afterOff
}

// tzAbbrevs is a subset of PostgreSQL's Default timezone_abbreviations:
// offsets in seconds east of Greenwich, and whether it is a DST name.
var tzAbbrevs = map[string]struct {
	off int
	dst bool
}{
	"utc": {0, false}, "ut": {0, false}, "gmt": {0, false}, "z": {0, false}, "zulu": {0, false},
	"est": {-5 * 3600, false}, "edt": {-4 * 3600, true},
	"cst": {-6 * 3600, false}, "cdt": {-5 * 3600, true},
	"mst": {-7 * 3600, false}, "mdt": {-6 * 3600, true},
	"pst": {-8 * 3600, false}, "pdt": {-7 * 3600, true},
	"akst": {-9 * 3600, false}, "akdt": {-8 * 3600, true},
	"hst": {-10 * 3600, false},
	"ast": {-4 * 3600, false}, "adt": {-3 * 3600, true},
	"nst": {-(3*3600 + 1800), false}, "ndt": {-(2*3600 + 1800), true},
	"wet": {0, false}, "west": {3600, true},
	"cet": {3600, false}, "cest": {2 * 3600, true}, "met": {3600, false}, "mest": {2 * 3600, true},
	"eet": {2 * 3600, false}, "eest": {3 * 3600, true},
	"bst": {3600, true}, "ist": {2 * 3600, false},
	"msk": {3 * 3600, false},
	"jst": {9 * 3600, false}, "kst": {9 * 3600, false}, "hkt": {8 * 3600, false},
	"awst": {8 * 3600, false}, "acst": {9*3600 + 1800, false}, "acdt": {10*3600 + 1800, true},
	"aest": {10 * 3600, false}, "aedt": {11 * 3600, true},
	"nzst": {12 * 3600, false}, "nzdt": {13 * 3600, true},
	"sgt": {8 * 3600, false},
}

// LoadLocation resolves a time zone name as PostgreSQL's pg_tzset does:
// IANA names match case-insensitively ("america/new_york"), and POSIX-style
// "UTC+3" / "GMT-5" mean hours west / east of Greenwich.
func LoadLocation(name string) (*time.Location, bool) {
	if name == "" {
		return nil, false
	}
	low := strings.ToLower(name)
	switch low {
	case "utc", "gmt", "z", "zulu", "uct", "universal", "etc/utc", "etc/gmt":
		return time.UTC, true
	}
	for _, p := range []string{"utc", "gmt"} {
		if strings.HasPrefix(low, p) && len(low) > 3 && (low[3] == '+' || low[3] == '-') {
			if off, ok := parsePosixOffset(low[3:]); ok {
				return time.FixedZone(strings.ToUpper(name), -off), true
			}
		}
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc, true
	}
	if loc, err := time.LoadLocation(canonicalZoneName(low)); err == nil {
		return loc, true
	}
	return nil, false
}

func parsePosixOffset(s string) (int, bool) {
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	parts := strings.Split(s[1:], ":")
	if len(parts) > 3 {
		return 0, false
	}
	mult := []int{3600, 60, 1}
	total := 0
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || (i == 0 && v > 24) || (i > 0 && v > 59) {
			return 0, false
		}
		total += v * mult[i]
	}
	return sign * total, true
}

// canonicalZoneName capitalizes a lower-cased IANA name the usual way
// ("america/new_york" -> "America/New_York").
func canonicalZoneName(low string) string {
	b := []byte(low)
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
		up = c == '/' || c == '_' || c == '-'
	}
	return string(b)
}
