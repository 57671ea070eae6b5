package types

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The date/time input decoder: ParseDateTime, DecodeDateTime,
// DecodeTimeOnly and their helpers from PostgreSQL's datetime.c.

// --- ParseDateTime ---

// Field types from ParseDateTime.
const (
	ftNumber = iota
	ftString
	ftDate
	ftTime
	ftTZ
	ftSpecial
)

type dtField struct {
	s    string // lower-cased text
	orig string // as written (time zone names keep their case)
	typ  int
}

// Date/time decoding errors, as PostgreSQL's DTERR codes.
type dtErr int

const (
	dtOK dtErr = iota
	dtBadFormat
	dtFieldOverflow
	dtMDFieldOverflow
	dtIntervalOverflow
	dtTZDispOverflow
	dtBadTimezone
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
func isPunct(c byte) bool { return c > ' ' && c < 0x7f && !isAlnum(c) }
func toLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

const maxDateFields = 25

// parseDateTime mirrors ParseDateTime.
func parseDateTime(str string) ([]dtField, dtErr) {
	var fields []dtField
	i := 0
	n := len(str)
	for i < n {
		c := str[i]
		if isSpace(c) {
			i++
			continue
		}
		if len(fields) >= maxDateFields {
			return nil, dtBadFormat
		}
		start := i
		var buf []byte
		typ := ftNumber
		switch {
		case isDigit(c):
			for i < n && isDigit(str[i]) {
				buf = append(buf, str[i])
				i++
			}
			if i < n && str[i] == ':' {
				typ = ftTime
				for i < n && (isDigit(str[i]) || str[i] == ':' || str[i] == '.') {
					buf = append(buf, str[i])
					i++
				}
			} else if i < n && (str[i] == '-' || str[i] == '/' || str[i] == '.') {
				delim := str[i]
				buf = append(buf, delim)
				i++
				if i < n && isDigit(str[i]) {
					if delim == '.' {
						typ = ftNumber
					} else {
						typ = ftDate
					}
					for i < n && isDigit(str[i]) {
						buf = append(buf, str[i])
						i++
					}
					if i < n && str[i] == delim {
						typ = ftDate
						buf = append(buf, delim)
						i++
						for i < n && (isDigit(str[i]) || str[i] == delim) {
							buf = append(buf, str[i])
							i++
						}
					}
				} else {
					typ = ftDate
					for i < n && (isAlnum(str[i]) || str[i] == delim) {
						buf = append(buf, toLower(str[i]))
						i++
					}
				}
			} else {
				typ = ftNumber
			}
		case c == '.':
			buf = append(buf, c)
			i++
			for i < n && isDigit(str[i]) {
				buf = append(buf, str[i])
				i++
			}
			typ = ftNumber
		case isAlpha(c):
			typ = ftString
			for i < n && isAlpha(str[i]) {
				buf = append(buf, toLower(str[i]))
				i++
			}
			isDate := false
			if i < n && (str[i] == '-' || str[i] == '/' || str[i] == '.') {
				isDate = true
			} else if i < n && (str[i] == '+' || isDigit(str[i])) {
				if _, ok := dateTokens[string(buf)]; !ok {
					isDate = true
				}
			}
			if isDate {
				typ = ftDate
				for {
					buf = append(buf, toLower(str[i]))
					i++
					if !(i < n && (str[i] == '+' || str[i] == '-' || str[i] == '/' || str[i] == '_' ||
						str[i] == '.' || str[i] == ':' || isAlnum(str[i]))) {
						break
					}
				}
			}
		case c == '+' || c == '-':
			buf = append(buf, c)
			i++
			for i < n && isSpace(str[i]) {
				i++
			}
			if i < n && isDigit(str[i]) {
				typ = ftTZ
				for i < n && (isDigit(str[i]) || str[i] == ':' || str[i] == '.' || str[i] == '-') {
					buf = append(buf, str[i])
					i++
				}
			} else if i < n && isAlpha(str[i]) {
				typ = ftSpecial
				for i < n && isAlpha(str[i]) {
					buf = append(buf, toLower(str[i]))
					i++
				}
			} else {
				return nil, dtBadFormat
			}
		case isPunct(c):
			i++
			continue
		default:
			return nil, dtBadFormat
		}
		fields = append(fields, dtField{s: string(buf), orig: str[start:i], typ: typ})
	}
	return fields, dtOK
}

// Token classes of datetktbl / deltatktbl (PostgreSQL's datetime.h).
const (
	tkReserv = iota
	tkMonth
	tkYear
	tkDay
	tkJulian
	tkTZ
	tkDTZ
	tkDynTZ
	tkIgnore
	tkAMPM
	tkHour
	tkMinute
	tkSecond
	tkMillisecond
	tkMicrosecond
	tkDOY
	tkDOW
	tkUnits
	tkADBC
	tkAgo
	tkAbsBefore
	tkAbsAfter
	tkISODate
	tkISOTime
	tkWeek
	tkDecade
	tkCentury
	tkMillennium
	tkDTZMod
	tkUnknown = 31
)

func dtkM(t int) int { return 1 << t }

var (
	dtkDateM    = dtkM(tkYear) | dtkM(tkMonth) | dtkM(tkDay)
	dtkTimeM    = dtkM(tkHour) | dtkM(tkMinute) | dtkM(tkSecond) | dtkM(tkMillisecond) | dtkM(tkMicrosecond)
	dtkAllSecsM = dtkM(tkSecond) | dtkM(tkMillisecond) | dtkM(tkMicrosecond)
)

// Token values (PostgreSQL's DTK_* codes) used by the tables.
const (
	dtkDate = iota + 100
	dtkTime
	dtkEarly
	dtkLate
	dtkEpoch
	dtkNow
	dtkYesterday
	dtkToday
	dtkTomorrow
	dtkZulu
	dtkDelta
	dtkSecond
	dtkMinute
	dtkHour
	dtkDay
	dtkWeek
	dtkMonth
	dtkQuarter
	dtkYear
	dtkDecade
	dtkCentury
	dtkMillennium
	dtkMillisec
	dtkMicrosec
	dtkJulian
	dtkDOW
	dtkDOY
	dtkTZHour
	dtkTZMinute
	dtkISOYear
	dtkISODOW
	dtkTZ
	dtkInvalid
	amVal  = 0
	pmVal  = 1
	hr24   = 2
	adVal  = 0
	bcVal  = 1
	dstOff = 3600
)

type dtToken struct{ typ, val int }

// dateTokens mirrors datetktbl.
var dateTokens = map[string]dtToken{
	"-infinity": {tkReserv, dtkEarly}, "ad": {tkADBC, adVal}, "allballs": {tkReserv, dtkZulu},
	"am": {tkAMPM, amVal}, "apr": {tkMonth, 4}, "april": {tkMonth, 4}, "at": {tkIgnore, 0},
	"aug": {tkMonth, 8}, "august": {tkMonth, 8}, "bc": {tkADBC, bcVal},
	"d": {tkUnits, dtkDay}, "dec": {tkMonth, 12}, "december": {tkMonth, 12},
	"dow": {tkReserv, dtkDOW}, "doy": {tkReserv, dtkDOY}, "dst": {tkDTZMod, dstOff},
	"epoch": {tkReserv, dtkEpoch}, "feb": {tkMonth, 2}, "february": {tkMonth, 2},
	"fri": {tkDOW, 5}, "friday": {tkDOW, 5}, "h": {tkUnits, dtkHour},
	"infinity": {tkReserv, dtkLate}, "isodow": {tkReserv, dtkISODOW}, "isoyear": {tkUnits, dtkISOYear},
	"j": {tkUnits, dtkJulian}, "jan": {tkMonth, 1}, "january": {tkMonth, 1}, "jd": {tkUnits, dtkJulian},
	"jul": {tkMonth, 7}, "julian": {tkUnits, dtkJulian}, "july": {tkMonth, 7}, "jun": {tkMonth, 6},
	"june": {tkMonth, 6}, "m": {tkUnits, dtkMonth}, "mar": {tkMonth, 3}, "march": {tkMonth, 3},
	"may": {tkMonth, 5}, "mm": {tkUnits, dtkMinute}, "mon": {tkDOW, 1}, "monday": {tkDOW, 1},
	"nov": {tkMonth, 11}, "november": {tkMonth, 11}, "now": {tkReserv, dtkNow},
	"oct": {tkMonth, 10}, "october": {tkMonth, 10}, "on": {tkIgnore, 0}, "pm": {tkAMPM, pmVal},
	"s": {tkUnits, dtkSecond}, "sat": {tkDOW, 6}, "saturday": {tkDOW, 6}, "sep": {tkMonth, 9},
	"sept": {tkMonth, 9}, "september": {tkMonth, 9}, "sun": {tkDOW, 0}, "sunday": {tkDOW, 0},
	"t": {tkISOTime, dtkTime}, "thu": {tkDOW, 4}, "thur": {tkDOW, 4}, "thurs": {tkDOW, 4},
	"thursday": {tkDOW, 4}, "today": {tkReserv, dtkToday}, "tomorrow": {tkReserv, dtkTomorrow},
	"tue": {tkDOW, 2}, "tues": {tkDOW, 2}, "tuesday": {tkDOW, 2}, "wed": {tkDOW, 3},
	"wednesday": {tkDOW, 3}, "weds": {tkDOW, 3}, "y": {tkUnits, dtkYear}, "yesterday": {tkReserv, dtkYesterday},
}

// deltaTokens mirrors deltatktbl (interval units).
var deltaTokens = map[string]dtToken{
	"@": {tkIgnore, 0}, "ago": {tkAgo, 0}, "c": {tkUnits, dtkCentury}, "cent": {tkUnits, dtkCentury},
	"centuries": {tkUnits, dtkCentury}, "century": {tkUnits, dtkCentury}, "d": {tkUnits, dtkDay},
	"day": {tkUnits, dtkDay}, "days": {tkUnits, dtkDay}, "dec": {tkUnits, dtkDecade},
	"decade": {tkUnits, dtkDecade}, "decades": {tkUnits, dtkDecade}, "decs": {tkUnits, dtkDecade},
	"h": {tkUnits, dtkHour}, "hour": {tkUnits, dtkHour}, "hours": {tkUnits, dtkHour},
	"hr": {tkUnits, dtkHour}, "hrs": {tkUnits, dtkHour}, "m": {tkUnits, dtkMinute},
	"microsecon": {tkUnits, dtkMicrosec}, "mil": {tkUnits, dtkMillennium},
	"millennia": {tkUnits, dtkMillennium}, "millennium": {tkUnits, dtkMillennium},
	"millisecon": {tkUnits, dtkMillisec}, "mils": {tkUnits, dtkMillennium},
	"min": {tkUnits, dtkMinute}, "mins": {tkUnits, dtkMinute}, "minute": {tkUnits, dtkMinute},
	"minutes": {tkUnits, dtkMinute}, "mon": {tkUnits, dtkMonth}, "mons": {tkUnits, dtkMonth},
	"month": {tkUnits, dtkMonth}, "months": {tkUnits, dtkMonth}, "ms": {tkUnits, dtkMillisec},
	"msec": {tkUnits, dtkMillisec}, "millisecond": {tkUnits, dtkMillisec},
	"mseconds": {tkUnits, dtkMillisec}, "msecs": {tkUnits, dtkMillisec},
	"qtr": {tkUnits, dtkQuarter}, "quarter": {tkUnits, dtkQuarter}, "s": {tkUnits, dtkSecond},
	"sec": {tkUnits, dtkSecond}, "second": {tkUnits, dtkSecond}, "seconds": {tkUnits, dtkSecond},
	"secs": {tkUnits, dtkSecond}, "timezone": {tkUnits, dtkTZ}, "timezone_h": {tkUnits, dtkTZHour},
	"timezone_m": {tkUnits, dtkTZMinute}, "us": {tkUnits, dtkMicrosec}, "usec": {tkUnits, dtkMicrosec},
	"microsecond": {tkUnits, dtkMicrosec}, "useconds": {tkUnits, dtkMicrosec},
	"usecs": {tkUnits, dtkMicrosec}, "w": {tkUnits, dtkWeek}, "week": {tkUnits, dtkWeek},
	"weeks": {tkUnits, dtkWeek}, "y": {tkUnits, dtkYear}, "year": {tkUnits, dtkYear},
	"years": {tkUnits, dtkYear}, "yr": {tkUnits, dtkYear}, "yrs": {tkUnits, dtkYear},
}

// lookupToken matches like datebsearch: tokens are compared on their
// first TOKMAXLEN (10) characters.
func lookupToken(tbl map[string]dtToken, s string) (dtToken, bool) {
	if len(s) > 10 {
		s = s[:10]
	}
	t, ok := tbl[s]
	return t, ok
}

// strtoi parses a leading decimal integer (optional sign) like strtol,
// returning the value, the rest, and whether it overflowed int32.
func strtoi(s string) (val int, rest string, ok, overflow bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	j := i
	var v int64
	for j < len(s) && isDigit(s[j]) {
		if v < 1<<40 {
			v = v*10 + int64(s[j]-'0')
		}
		j++
	}
	if j == i {
		return 0, s, false, false
	}
	if neg {
		v = -v
	}
	if v > math.MaxInt32 || v < math.MinInt32 {
		return 0, s[j:], true, true
	}
	return int(v), s[j:], true, false
}

// strtoi64 is strtoi for int64 values.
func strtoi64(s string) (val int64, rest string, ok, overflow bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	j := i
	var v uint64
	for j < len(s) && isDigit(s[j]) {
		d := uint64(s[j] - '0')
		if v > (math.MaxUint64-d)/10 {
			overflow = true
		} else {
			v = v*10 + d
		}
		j++
	}
	if j == i {
		return 0, s, false, false
	}
	if overflow || (!neg && v > math.MaxInt64) || (neg && v > 1<<63) {
		return 0, s[j:], true, true
	}
	if neg {
		return -int64(v), s[j:], true, false
	}
	return int64(v), s[j:], true, false
}

// parseFraction mirrors ParseFraction: "." followed by digits only.
func parseFraction(s string) (float64, dtErr) {
	if s == "." {
		return 0, dtOK
	}
	for i := 1; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, dtBadFormat
		}
	}
	f, err := strconv.ParseFloat("0"+s, 64)
	if err != nil {
		return 0, dtBadFormat
	}
	return f, dtOK
}

func parseFractionalSecond(s string) (int64, dtErr) {
	f, e := parseFraction(s)
	if e != dtOK {
		return 0, e
	}
	return int64(math.RoundToEven(f * 1000000)), dtOK
}

// decodeTimezone mirrors DecodeTimezone: "+hh", "+hhmm", "+hh:mm[:ss]".
// The result uses PostgreSQL's sign (seconds west).
func decodeTimezone(s string) (int, dtErr) {
	if s == "" || (s[0] != '+' && s[0] != '-') {
		return 0, dtBadFormat
	}
	hr, rest, ok, ovf := strtoi(s[1:])
	if ovf {
		return 0, dtTZDispOverflow
	}
	if !ok {
		hr, rest = 0, s[1:]
	}
	min, sec := 0, 0
	if strings.HasPrefix(rest, ":") {
		var ovf bool
		min, rest, _, ovf = strtoi(rest[1:])
		if ovf {
			return 0, dtTZDispOverflow
		}
		if strings.HasPrefix(rest, ":") {
			sec, rest, _, ovf = strtoi(rest[1:])
			if ovf {
				return 0, dtTZDispOverflow
			}
		}
	} else if rest == "" && len(s) > 3 {
		min = hr % 100
		hr = hr / 100
	}
	if hr < 0 || hr > 15 || min < 0 || min >= 60 || sec < 0 || sec >= 60 {
		return 0, dtTZDispOverflow
	}
	tz := (hr*60+min)*60 + sec
	if s[0] == '-' {
		tz = -tz
	}
	if rest != "" {
		return -tz, dtBadFormat
	}
	return -tz, dtOK
}

// decodeTimeCommon mirrors DecodeTimeCommon: "h:m", "h:m:s[.f]", "m:s.f".
func decodeTimeCommon(s string, rng int) (hour int64, min, sec int, fsec int64, e dtErr) {
	h, rest, _, ovf := strtoi64(s)
	if ovf {
		return 0, 0, 0, 0, dtFieldOverflow
	}
	if !strings.HasPrefix(rest, ":") {
		return 0, 0, 0, 0, dtBadFormat
	}
	hour = h
	m, rest, _, ovf := strtoi(rest[1:])
	if ovf {
		return 0, 0, 0, 0, dtFieldOverflow
	}
	min = m
	switch {
	case rest == "":
		if rng == IntervalMinute|IntervalSecond {
			if hour > math.MaxInt32 || hour < math.MinInt32 {
				return 0, 0, 0, 0, dtFieldOverflow
			}
			sec, min, hour = min, int(hour), 0
		}
	case rest[0] == '.':
		f, e := parseFractionalSecond(rest)
		if e != dtOK {
			return 0, 0, 0, 0, e
		}
		if hour > math.MaxInt32 || hour < math.MinInt32 {
			return 0, 0, 0, 0, dtFieldOverflow
		}
		fsec = f
		sec, min, hour = min, int(hour), 0
	case rest[0] == ':':
		var ovf bool
		sec, rest, _, ovf = strtoi(rest[1:])
		if ovf {
			return 0, 0, 0, 0, dtFieldOverflow
		}
		if strings.HasPrefix(rest, ".") {
			f, e := parseFractionalSecond(rest)
			if e != dtOK {
				return 0, 0, 0, 0, e
			}
			fsec = f
		} else if rest != "" {
			return 0, 0, 0, 0, dtBadFormat
		}
	default:
		return 0, 0, 0, 0, dtBadFormat
	}
	if hour < 0 || min < 0 || min > 59 || sec < 0 || sec > 60 || fsec < 0 || fsec > usecsPerSec {
		return 0, 0, 0, 0, dtFieldOverflow
	}
	return hour, min, sec, fsec, dtOK
}

func decodeTime(s string, t *tm) (int, dtErr) {
	h, m, sec, f, e := decodeTimeCommon(s, IntervalFullRange)
	if e != dtOK {
		return 0, e
	}
	if h > math.MaxInt32 {
		return 0, dtFieldOverflow
	}
	t.hour, t.min, t.sec, t.fsec = int(h), m, sec, f
	return dtkTimeM, dtOK
}

// decodeNumberField mirrors DecodeNumberField: run-together dates and
// times such as 20011225, 040506, 040506.789.
func decodeNumberField(str string, fmask int, t *tm, is2digits *bool) (tmask int, kind int, e dtErr) {
	for i := 0; i < len(str); i++ {
		if !isDigit(str[i]) && str[i] != '.' {
			return 0, 0, dtBadFormat
		}
	}
	if dot := strings.IndexByte(str, '.'); dot >= 0 {
		f, e := parseFractionalSecond(str[dot:])
		if e != dtOK {
			return 0, 0, e
		}
		t.fsec = f
		str = str[:dot]
	} else if fmask&dtkDateM != dtkDateM {
		if len(str) >= 6 {
			n := len(str)
			t.mday = atoi(str[n-2:])
			t.mon = atoi(str[n-4 : n-2])
			t.year = atoi(str[:n-4])
			if n-4 == 2 {
				*is2digits = true
			}
			return dtkDateM, dtkDate, dtOK
		}
	}
	if fmask&dtkTimeM != dtkTimeM {
		switch len(str) {
		case 6:
			t.sec = atoi(str[4:])
			t.min = atoi(str[2:4])
			t.hour = atoi(str[:2])
			return dtkTimeM, dtkTime, dtOK
		case 4:
			t.sec = 0
			t.min = atoi(str[2:])
			t.hour = atoi(str[:2])
			return dtkTimeM, dtkTime, dtOK
		}
	}
	return 0, 0, dtBadFormat
}

// atoi is C's atoi on a digit string (0 on junk, saturating).
func atoi(s string) int {
	v, _, _, ovf := strtoi(s)
	if ovf {
		return math.MaxInt32
	}
	return v
}

// decodeNumber mirrors DecodeNumber (DateStyle MDY).
func decodeNumber(str string, haveTextMonth bool, fmask int, t *tm, is2digits *bool) (int, dtErr) {
	flen := len(str)
	val, rest, ok, ovf := strtoi(str)
	if ovf {
		return 0, dtFieldOverflow
	}
	if !ok {
		return 0, dtBadFormat
	}
	if strings.HasPrefix(rest, ".") {
		if len(str)-len(rest) > 2 {
			tmask, _, e := decodeNumberField(str, fmask|dtkDateM, t, is2digits)
			return tmask, e
		}
		f, e := parseFractionalSecond(rest)
		if e != dtOK {
			return 0, e
		}
		t.fsec = f
	} else if rest != "" {
		return 0, dtBadFormat
	}
	if flen == 3 && fmask&dtkDateM == dtkM(tkYear) && val >= 1 && val <= 366 {
		t.yday = val
		return dtkM(tkDOY) | dtkM(tkMonth) | dtkM(tkDay), dtOK
	}
	tmask := 0
	switch fmask & dtkDateM {
	case 0:
		if flen >= 3 {
			tmask = dtkM(tkYear)
			t.year = val
		} else {
			tmask = dtkM(tkMonth)
			t.mon = val
		}
	case dtkM(tkYear):
		tmask = dtkM(tkMonth)
		t.mon = val
	case dtkM(tkMonth):
		if haveTextMonth {
			if flen >= 3 {
				tmask = dtkM(tkYear)
				t.year = val
			} else {
				tmask = dtkM(tkDay)
				t.mday = val
			}
		} else {
			tmask = dtkM(tkDay)
			t.mday = val
		}
	case dtkM(tkYear) | dtkM(tkMonth):
		if haveTextMonth && flen >= 3 && *is2digits {
			tmask = dtkM(tkDay)
			t.mday = t.year
			t.year = val
			*is2digits = false
		} else {
			tmask = dtkM(tkDay)
			t.mday = val
		}
	case dtkM(tkDay):
		tmask = dtkM(tkMonth)
		t.mon = val
	case dtkM(tkMonth) | dtkM(tkDay):
		tmask = dtkM(tkYear)
		t.year = val
	case dtkDateM:
		tm2, _, e := decodeNumberField(str, fmask, t, is2digits)
		return tm2, e
	default:
		return 0, dtBadFormat
	}
	if tmask == dtkM(tkYear) {
		*is2digits = flen <= 2
	}
	return tmask, dtOK
}

// decodeDate mirrors DecodeDate: a field with delimiters, e.g. 2024-01-15,
// 1/8/1999, 1999-jan-08.
func decodeDate(str string, fmask int, is2digits *bool, t *tm) (int, dtErr) {
	var fields []string
	i := 0
	for i < len(str) && len(fields) < maxDateFields {
		for i < len(str) && !isAlnum(str[i]) {
			i++
		}
		if i >= len(str) {
			return 0, dtBadFormat
		}
		j := i
		if isDigit(str[i]) {
			for j < len(str) && isDigit(str[j]) {
				j++
			}
		} else {
			for j < len(str) && isAlpha(str[j]) {
				j++
			}
		}
		fields = append(fields, str[i:j])
		i = j
		if i < len(str) {
			i++ // the C code overwrites one delimiter with NUL
		}
	}
	tmask := 0
	haveTextMonth := false
	done := make([]bool, len(fields))
	for k, f := range fields {
		if f != "" && isAlpha(f[0]) {
			tok, ok := lookupToken(dateTokens, f)
			if ok && tok.typ == tkIgnore {
				continue
			}
			if !ok || tok.typ != tkMonth {
				return 0, dtBadFormat
			}
			t.mon = tok.val
			haveTextMonth = true
			dmask := dtkM(tkMonth)
			if fmask&dmask != 0 {
				return 0, dtBadFormat
			}
			fmask |= dmask
			tmask |= dmask
			done[k] = true
		}
	}
	for k, f := range fields {
		if done[k] {
			continue
		}
		if f == "" {
			return 0, dtBadFormat
		}
		dmask, e := decodeNumber(f, haveTextMonth, fmask, t, is2digits)
		if e != dtOK {
			return 0, e
		}
		if fmask&dmask != 0 {
			return 0, dtBadFormat
		}
		fmask |= dmask
		tmask |= dmask
	}
	if fmask&^(dtkM(tkDOY)|dtkM(tkTZ)) != dtkDateM {
		return 0, dtBadFormat
	}
	return tmask, dtOK
}

// validateDate mirrors ValidateDate.
func validateDate(fmask int, isJulian, is2digits, bc bool, t *tm) dtErr {
	if fmask&dtkM(tkYear) != 0 {
		switch {
		case isJulian:
		case bc:
			if t.year <= 0 {
				return dtFieldOverflow
			}
			t.year = -(t.year - 1)
		case is2digits:
			if t.year < 0 {
				return dtFieldOverflow
			}
			if t.year < 70 {
				t.year += 2000
			} else if t.year < 100 {
				t.year += 1900
			}
		default:
			if t.year <= 0 {
				return dtFieldOverflow
			}
		}
	}
	if fmask&dtkM(tkDOY) != 0 {
		t.year, t.mon, t.mday = j2date(date2j(t.year, 1, 1) + t.yday - 1)
	}
	if fmask&dtkM(tkMonth) != 0 && (t.mon < 1 || t.mon > 12) {
		return dtMDFieldOverflow
	}
	if fmask&dtkM(tkDay) != 0 && (t.mday < 1 || t.mday > 31) {
		return dtMDFieldOverflow
	}
	if fmask&dtkDateM == dtkDateM {
		if t.mday > daysInMonth(t.year, t.mon) {
			return dtFieldOverflow
		}
	}
	return dtOK
}

// timeOverflows mirrors time_overflows.
func timeOverflows(h, m, s int, fsec int64) bool {
	if h < 0 || h > 24 || m < 0 || m > 59 || s < 0 || s > 60 || fsec < 0 || fsec > usecsPerSec {
		return true
	}
	return time2t(h, m, s, fsec) > usecsPerDay
}

// tzInfo collects the zone a datetime string named.
type tzInfo struct {
	tz      int // seconds west (PostgreSQL sign)
	named   *time.Location
	hasZone bool
}

// decodeDateTime mirrors DecodeDateTime. It returns the kind of value
// (dtkDate for an ordinary value, or dtkEpoch/dtkLate/dtkEarly) and, for
// timestamptz (wantTZ), the zone offset to apply.
func decodeDateTime(fields []dtField, sess *Session, wantTZ bool, t *tm) (dtype int, tz int, e dtErr) {
	fmask := 0
	ptype := 0
	mer := hr24
	haveTextMonth, isJulian, is2digits, bc := false, false, false, false
	var namedTz *time.Location
	dtype = dtkDate
	t.isdst = -1
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		tmask := 0
		switch f.typ {
		case ftDate:
			if ptype == dtkJulian {
				jday, rest, ok, ovf := strtoi(f.s)
				if ovf || !ok || jday < 0 {
					return 0, 0, dtFieldOverflow
				}
				t.year, t.mon, t.mday = j2date(jday)
				isJulian = true
				z, e := decodeTimezone(rest)
				if e != dtOK {
					return 0, 0, e
				}
				tz = z
				tmask = dtkDateM | dtkTimeM | dtkM(tkTZ)
				ptype = 0
			} else if ptype != 0 || fmask&(dtkM(tkMonth)|dtkM(tkDay)) == dtkM(tkMonth)|dtkM(tkDay) {
				if isDigit(f.s[0]) || ptype != 0 {
					if ptype != 0 {
						if ptype != dtkTime {
							return 0, 0, dtBadFormat
						}
						ptype = 0
					}
					if fmask&dtkTimeM == dtkTimeM {
						return 0, 0, dtBadFormat
					}
					cp := strings.IndexByte(f.s, '-')
					if cp < 0 {
						return 0, 0, dtBadFormat
					}
					z, e := decodeTimezone(f.s[cp:])
					if e != dtOK {
						return 0, 0, e
					}
					tz = z
					m, _, e := decodeNumberField(f.s[:cp], fmask, t, &is2digits)
					if e != dtOK {
						return 0, 0, e
					}
					tmask = m | dtkM(tkTZ)
				} else {
					loc, ok := LoadLocation(f.orig)
					if !ok {
						return 0, 0, dtBadTimezone
					}
					namedTz = loc
					tmask = dtkM(tkTZ)
				}
			} else {
				m, e := decodeDate(f.s, fmask, &is2digits, t)
				if e != dtOK {
					return 0, 0, e
				}
				tmask = m
			}
		case ftTime:
			if ptype != 0 {
				if ptype != dtkTime {
					return 0, 0, dtBadFormat
				}
				ptype = 0
			}
			m, e := decodeTime(f.s, t)
			if e != dtOK {
				return 0, 0, e
			}
			tmask = m
			if timeOverflows(t.hour, t.min, t.sec, t.fsec) {
				return 0, 0, dtFieldOverflow
			}
		case ftTZ:
			z, e := decodeTimezone(f.s)
			if e != dtOK {
				return 0, 0, e
			}
			tz = z
			tmask = dtkM(tkTZ)
		case ftNumber:
			if ptype != 0 {
				value, rest, ok, ovf := strtoi(f.s)
				if ovf {
					return 0, 0, dtFieldOverflow
				}
				if !ok || (rest != "" && rest[0] != '.') {
					return 0, 0, dtBadFormat
				}
				switch ptype {
				case dtkJulian:
					if value < 0 {
						return 0, 0, dtFieldOverflow
					}
					tmask = dtkDateM
					t.year, t.mon, t.mday = j2date(value)
					isJulian = true
					if rest != "" {
						fr, e := parseFraction(rest)
						if e != dtOK {
							return 0, 0, e
						}
						us := int64(fr * float64(usecsPerDay))
						t.hour, t.min, t.sec, t.fsec = dt2time(us)
						tmask |= dtkTimeM
					}
				case dtkTime:
					m, _, e := decodeNumberField(f.s, fmask|dtkDateM, t, &is2digits)
					if e != dtOK {
						return 0, 0, e
					}
					tmask = m
					if tmask != dtkTimeM {
						return 0, 0, dtBadFormat
					}
				default:
					return 0, 0, dtBadFormat
				}
				ptype = 0
				dtype = dtkDate
			} else {
				flen := len(f.s)
				dot := strings.IndexByte(f.s, '.')
				switch {
				case dot >= 0 && fmask&dtkDateM == 0:
					m, e := decodeDate(f.s, fmask, &is2digits, t)
					if e != dtOK {
						return 0, 0, e
					}
					tmask = m
				case dot >= 0 && dot > 2:
					m, _, e := decodeNumberField(f.s, fmask, t, &is2digits)
					if e != dtOK {
						return 0, 0, e
					}
					tmask = m
				case flen >= 6 && (fmask&dtkDateM == 0 || fmask&dtkTimeM == 0):
					m, _, e := decodeNumberField(f.s, fmask, t, &is2digits)
					if e != dtOK {
						return 0, 0, e
					}
					tmask = m
				default:
					m, e := decodeNumber(f.s, haveTextMonth, fmask, t, &is2digits)
					if e != dtOK {
						return 0, 0, e
					}
					tmask = m
				}
			}
		case ftString, ftSpecial:
			typ, val := tkUnknown, 0
			if a, ok := tzAbbrevs[f.s]; ok {
				if a.dst {
					typ = tkDTZ
				} else {
					typ = tkTZ
				}
				val = -a.off
			} else if tok, ok := lookupToken(dateTokens, f.s); ok {
				typ, val = tok.typ, tok.val
			}
			if typ == tkIgnore {
				continue
			}
			tmask = dtkM(typ)
			switch typ {
			case tkReserv:
				switch val {
				case dtkNow:
					tmask = dtkDateM | dtkTimeM | dtkM(tkTZ)
					dtype = dtkDate
					now := TimestampFromTime(sess.now())
					off := zoneOffsetAt(sess.loc(), sess.now().Unix())
					*t = timestamp2tm(now + TimestampVal(int64(off)*usecsPerSec))
					tz = -off
				case dtkYesterday, dtkToday, dtkTomorrow:
					tmask = dtkDateM
					dtype = dtkDate
					now := sess.now().In(sess.loc())
					j := date2j(now.Year(), int(now.Month()), now.Day())
					switch val {
					case dtkYesterday:
						j--
					case dtkTomorrow:
						j++
					}
					t.year, t.mon, t.mday = j2date(j)
				case dtkZulu:
					tmask = dtkTimeM | dtkM(tkTZ)
					dtype = dtkDate
					t.hour, t.min, t.sec = 0, 0, 0
					tz = 0
				case dtkEpoch, dtkLate, dtkEarly:
					// PostgreSQL 15 lets other fields follow and ignores them
					dtype = val
				default:
					return 0, 0, dtBadFormat
				}
			case tkMonth:
				if fmask&dtkM(tkMonth) != 0 && !haveTextMonth && fmask&dtkM(tkDay) == 0 && t.mon >= 1 && t.mon <= 31 {
					t.mday = t.mon
					tmask = dtkM(tkDay)
				}
				haveTextMonth = true
				t.mon = val
			case tkDTZMod:
				tmask |= dtkM(tkDTZ)
				t.isdst = 1
				tz -= val
			case tkDTZ:
				tmask |= dtkM(tkTZ)
				t.isdst = 1
				tz = val
			case tkTZ:
				t.isdst = 0
				tz = val
			case tkAMPM:
				mer = val
			case tkADBC:
				bc = val == bcVal
			case tkDOW:
				t.wday = val
			case tkUnits:
				tmask = 0
				if ptype != 0 {
					return 0, 0, dtBadFormat
				}
				ptype = val
			case tkISOTime:
				tmask = 0
				if fmask&dtkDateM != dtkDateM {
					return 0, 0, dtBadFormat
				}
				if ptype != 0 {
					return 0, 0, dtBadFormat
				}
				ptype = val
			case tkUnknown:
				loc, ok := LoadLocation(f.orig)
				if !ok {
					return 0, 0, dtBadFormat
				}
				namedTz = loc
				tmask = dtkM(tkTZ)
			default:
				return 0, 0, dtBadFormat
			}
		default:
			return 0, 0, dtBadFormat
		}
		if tmask&fmask != 0 {
			return 0, 0, dtBadFormat
		}
		fmask |= tmask
	}
	if ptype != 0 {
		return 0, 0, dtBadFormat
	}
	if dtype == dtkDate {
		if e := validateDate(fmask, isJulian, is2digits, bc, t); e != dtOK {
			return 0, 0, e
		}
		if mer != hr24 && t.hour > 12 {
			return 0, 0, dtFieldOverflow
		}
		if mer == amVal && t.hour == 12 {
			t.hour = 0
		} else if mer == pmVal && t.hour != 12 {
			t.hour += 12
		}
		if fmask&dtkDateM != dtkDateM {
			return 0, 0, dtBadFormat
		}
		if namedTz != nil {
			if fmask&dtkM(tkDTZMod) != 0 {
				return 0, 0, dtBadFormat
			}
			tz = determineTimeZoneOffset(t, namedTz)
		}
		if fmask&dtkM(tkTZ) == 0 {
			if fmask&dtkM(tkDTZMod) != 0 {
				return 0, 0, dtBadFormat
			}
			if wantTZ {
				tz = determineTimeZoneOffset(t, sess.loc())
			}
		}
	}
	return dtype, tz, dtOK
}

// decodeTimeOnly mirrors DecodeTimeOnly for type time (no zone kept).
func decodeTimeOnly(fields []dtField, sess *Session, t *tm) dtErr {
	fmask := 0
	ptype := 0
	mer := hr24
	isJulian, is2digits, bc := false, false, false
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		tmask := 0
		switch f.typ {
		case ftDate:
			if i == 0 && len(fields) >= 2 && (fields[len(fields)-1].typ == ftDate || fields[1].typ == ftTime) {
				m, e := decodeDate(f.s, fmask, &is2digits, t)
				if e != dtOK {
					return e
				}
				tmask = m
			} else if isDigit(f.s[0]) {
				if fmask&dtkTimeM == dtkTimeM {
					return dtBadFormat
				}
				cp := strings.IndexByte(f.s, '-')
				if cp < 0 {
					return dtBadFormat
				}
				if _, e := decodeTimezone(f.s[cp:]); e != dtOK {
					return e
				}
				m, kind, e := decodeNumberField(f.s[:cp], fmask|dtkDateM, t, &is2digits)
				if e != dtOK {
					return e
				}
				_ = kind
				tmask = m | dtkM(tkTZ)
			} else {
				if _, ok := LoadLocation(f.orig); !ok {
					return dtBadTimezone
				}
				tmask = dtkM(tkTZ)
			}
		case ftTime:
			if ptype != 0 {
				if ptype != dtkTime {
					return dtBadFormat
				}
				ptype = 0
			}
			m, e := decodeTime(f.s, t)
			if e != dtOK {
				return e
			}
			tmask = m
		case ftTZ:
			if _, e := decodeTimezone(f.s); e != dtOK {
				return e
			}
			tmask = dtkM(tkTZ)
		case ftNumber:
			if ptype != 0 {
				value, rest, ok, ovf := strtoi(f.s)
				if ovf {
					return dtFieldOverflow
				}
				if !ok || (rest != "" && rest[0] != '.') {
					return dtBadFormat
				}
				switch ptype {
				case dtkJulian:
					if value < 0 {
						return dtFieldOverflow
					}
					tmask = dtkDateM
					t.year, t.mon, t.mday = j2date(value)
					isJulian = true
					if rest != "" {
						fr, e := parseFraction(rest)
						if e != dtOK {
							return e
						}
						t.hour, t.min, t.sec, t.fsec = dt2time(int64(fr * float64(usecsPerDay)))
						tmask |= dtkTimeM
					}
				case dtkTime:
					m, _, e := decodeNumberField(f.s, fmask|dtkDateM, t, &is2digits)
					if e != dtOK {
						return e
					}
					tmask = m
					if tmask != dtkTimeM {
						return dtBadFormat
					}
				default:
					return dtBadFormat
				}
				ptype = 0
			} else {
				flen := len(f.s)
				dot := strings.IndexByte(f.s, '.')
				switch {
				case dot >= 0:
					if i == 0 && len(fields) >= 2 && fields[len(fields)-1].typ == ftDate {
						m, e := decodeDate(f.s, fmask, &is2digits, t)
						if e != dtOK {
							return e
						}
						tmask = m
					} else if dot > 2 {
						m, _, e := decodeNumberField(f.s, fmask|dtkDateM, t, &is2digits)
						if e != dtOK {
							return e
						}
						tmask = m
					} else {
						return dtBadFormat
					}
				case flen > 4:
					m, _, e := decodeNumberField(f.s, fmask|dtkDateM, t, &is2digits)
					if e != dtOK {
						return e
					}
					tmask = m
				default:
					m, e := decodeNumber(f.s, false, fmask|dtkDateM, t, &is2digits)
					if e != dtOK {
						return e
					}
					tmask = m
				}
			}
		case ftString, ftSpecial:
			typ, val := tkUnknown, 0
			if a, ok := tzAbbrevs[f.s]; ok {
				typ = tkTZ
				if a.dst {
					typ = tkDTZ
				}
			} else if tok, ok := lookupToken(dateTokens, f.s); ok {
				typ, val = tok.typ, tok.val
			}
			if typ == tkIgnore {
				continue
			}
			tmask = dtkM(typ)
			switch typ {
			case tkReserv:
				switch val {
				case dtkNow:
					tmask = dtkTimeM
					now := sess.now()
					off := zoneOffsetAt(sess.loc(), now.Unix())
					lt := timestamp2tm(TimestampFromTime(now) + TimestampVal(int64(off)*usecsPerSec))
					t.hour, t.min, t.sec, t.fsec = lt.hour, lt.min, lt.sec, lt.fsec
				case dtkZulu:
					tmask = dtkTimeM | dtkM(tkTZ)
					t.hour, t.min, t.sec = 0, 0, 0
				default:
					return dtBadFormat
				}
			case tkDTZMod:
				tmask |= dtkM(tkDTZ)
			case tkDTZ:
				tmask |= dtkM(tkTZ)
			case tkTZ:
			case tkAMPM:
				mer = val
			case tkADBC:
				bc = val == bcVal
			case tkUnits, tkISOTime:
				tmask = 0
				if ptype != 0 {
					return dtBadFormat
				}
				ptype = val
			case tkUnknown:
				if _, ok := LoadLocation(f.orig); !ok {
					return dtBadFormat
				}
				tmask = dtkM(tkTZ)
			default:
				return dtBadFormat
			}
		default:
			return dtBadFormat
		}
		if tmask&fmask != 0 {
			return dtBadFormat
		}
		fmask |= tmask
	}
	if ptype != 0 {
		return dtBadFormat
	}
	if e := validateDate(fmask, isJulian, is2digits, bc, t); e != dtOK {
		return e
	}
	if mer != hr24 && t.hour > 12 {
		return dtFieldOverflow
	}
	if mer == amVal && t.hour == 12 {
		t.hour = 0
	} else if mer == pmVal && t.hour != 12 {
		t.hour += 12
	}
	if timeOverflows(t.hour, t.min, t.sec, t.fsec) {
		return dtFieldOverflow
	}
	if fmask&dtkTimeM != dtkTimeM {
		return dtBadFormat
	}
	return dtOK
}
