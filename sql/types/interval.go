package types

import (
	"math"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// itmIn mirrors struct pg_itm_in: the interval being assembled.
type itmIn struct {
	usec            int64
	mday, mon, year int32
}

func (it *itmIn) addMicros(val int64, fval float64, scale int64) bool {
	v, ok := mulAdd64(val, scale, it.usec)
	if !ok {
		return false
	}
	it.usec = v
	return it.addFractMicros(fval, scale)
}

// addFractMicros mirrors AdjustFractMicroseconds.
func (it *itmIn) addFractMicros(frac float64, scale int64) bool {
	if frac == 0 {
		return true
	}
	frac *= float64(scale)
	usec := int64(frac)
	frac -= float64(usec)
	if frac > 0.5 {
		usec++
	} else if frac < -0.5 {
		usec--
	}
	v, ok := add64(it.usec, usec)
	it.usec = v
	return ok
}

// addFractDays mirrors AdjustFractDays.
func (it *itmIn) addFractDays(frac float64, scale int) bool {
	if frac == 0 {
		return true
	}
	frac *= float64(scale)
	extra := int32(frac)
	d, ok := add32(it.mday, extra)
	if !ok {
		return false
	}
	it.mday = d
	return it.addFractMicros(frac-float64(extra), usecsPerDay)
}

// addFractYears mirrors AdjustFractYears.
func (it *itmIn) addFractYears(frac float64, scale int) bool {
	extra := int32(math.RoundToEven(frac * float64(scale) * monthsPerYear))
	m, ok := add32(it.mon, extra)
	it.mon = m
	return ok
}

func fitsInt32(v int64) bool { return v >= math.MinInt32 && v <= math.MaxInt32 }

func (it *itmIn) addDays(val int64, scale int) bool {
	if !fitsInt32(val) {
		return false
	}
	p := val * int64(scale)
	if !fitsInt32(p) {
		return false
	}
	d, ok := add32(it.mday, int32(p))
	it.mday = d
	return ok
}

func (it *itmIn) addMonths(val int64) bool {
	if !fitsInt32(val) {
		return false
	}
	m, ok := add32(it.mon, int32(val))
	it.mon = m
	return ok
}

func (it *itmIn) addYears(val int64, scale int) bool {
	if !fitsInt32(val) {
		return false
	}
	p := val * int64(scale)
	if !fitsInt32(p) {
		return false
	}
	y, ok := add32(it.year, int32(p))
	it.year = y
	return ok
}

const unitNone = -1 // PostgreSQL's IGNORE_DTF as the "pending unit"

// decodeInterval mirrors PostgreSQL 15's DecodeInterval (IntervalStyle
// postgres): fields are read right to left so units precede values.
func decodeInterval(fields []dtField, rng int) (itmIn, dtErr) {
	var it itmIn
	fmask := 0
	isBefore := false
	typ := unitNone
	for i := len(fields) - 1; i >= 0; i-- {
		f := fields[i]
		tmask := 0
		switch f.typ {
		case ftTime:
			h, m, s, fs, e := decodeTimeCommon(f.s, rng)
			if e != dtOK {
				return it, e
			}
			v, ok := intervalTimeMicros(h, m, s, fs)
			if !ok {
				return it, dtFieldOverflow
			}
			it.usec = v
			tmask = dtkTimeM
			typ = dtkDay
		case ftTZ, ftDate, ftNumber:
			if f.typ == ftTZ && strings.IndexByte(f.s[1:], ':') >= 0 {
				if h, m, s, fs, e := decodeTimeCommon(f.s[1:], rng); e == dtOK {
					v, ok := intervalTimeMicros(h, m, s, fs)
					if !ok {
						return it, dtFieldOverflow
					}
					if f.s[0] == '-' {
						v = -v
					}
					it.usec = v
					tmask = dtkTimeM
					typ = dtkDay
					break
				}
			}
			if typ == unitNone {
				typ = defaultIntervalUnit(rng)
			}
			val, rest, ok, ovf := strtoi64(f.s)
			if ovf {
				return it, dtFieldOverflow
			}
			if !ok {
				return it, dtBadFormat
			}
			var fval float64
			switch {
			case strings.HasPrefix(rest, "-"):
				v2, rest2, ok2, ovf2 := strtoi(rest[1:])
				if !ok2 {
					v2, rest2 = 0, rest[1:]
				}
				if ovf2 || v2 < 0 || v2 >= monthsPerYear {
					return it, dtFieldOverflow
				}
				if rest2 != "" {
					return it, dtBadFormat
				}
				typ = dtkMonth
				if f.s[0] == '-' {
					v2 = -v2
				}
				v, ok := mulAdd64(val, monthsPerYear, int64(v2))
				if !ok {
					return it, dtFieldOverflow
				}
				val = v
			case strings.HasPrefix(rest, "."):
				fr, e := parseFraction(rest)
				if e != dtOK {
					return it, e
				}
				fval = fr
				if f.s[0] == '-' {
					fval = -fval
				}
			case rest == "":
			default:
				return it, dtBadFormat
			}
			ok = true
			switch typ {
			case dtkMicrosec:
				ok = it.addMicros(val, fval, 1)
				tmask = dtkM(tkMicrosecond)
			case dtkMillisec:
				ok = it.addMicros(val, fval, 1000)
				tmask = dtkM(tkMillisecond)
			case dtkSecond:
				ok = it.addMicros(val, fval, usecsPerSec)
				if fval == 0 {
					tmask = dtkM(tkSecond)
				} else {
					tmask = dtkAllSecsM
				}
			case dtkMinute:
				ok = it.addMicros(val, fval, usecsPerMinute)
				tmask = dtkM(tkMinute)
			case dtkHour:
				ok = it.addMicros(val, fval, usecsPerHour)
				tmask = dtkM(tkHour)
				typ = dtkDay
			case dtkDay:
				ok = it.addDays(val, 1) && it.addFractMicros(fval, usecsPerDay)
				tmask = dtkM(tkDay)
			case dtkWeek:
				ok = it.addDays(val, 7) && it.addFractDays(fval, 7)
				tmask = dtkM(tkWeek)
			case dtkMonth:
				ok = it.addMonths(val) && it.addFractDays(fval, daysPerMonth)
				tmask = dtkM(tkMonth)
			case dtkYear:
				ok = it.addYears(val, 1) && it.addFractYears(fval, 1)
				tmask = dtkM(tkYear)
			case dtkDecade:
				ok = it.addYears(val, 10) && it.addFractYears(fval, 10)
				tmask = dtkM(tkDecade)
			case dtkCentury:
				ok = it.addYears(val, 100) && it.addFractYears(fval, 100)
				tmask = dtkM(tkCentury)
			case dtkMillennium:
				ok = it.addYears(val, 1000) && it.addFractYears(fval, 1000)
				tmask = dtkM(tkMillennium)
			default:
				return it, dtBadFormat
			}
			if !ok {
				return it, dtFieldOverflow
			}
		case ftString, ftSpecial:
			tok, ok := lookupToken(deltaTokens, f.s)
			if !ok {
				return it, dtBadFormat
			}
			switch tok.typ {
			case tkIgnore:
				continue
			case tkUnits:
				typ = tok.val
			case tkAgo:
				isBefore = true
				typ = 0 // no unit: a number here is an error
			default:
				return it, dtBadFormat
			}
		default:
			return it, dtBadFormat
		}
		if tmask&fmask != 0 {
			return it, dtBadFormat
		}
		fmask |= tmask
	}
	if fmask == 0 {
		return it, dtBadFormat
	}
	if isBefore {
		if it.usec == math.MinInt64 || it.mday == math.MinInt32 || it.mon == math.MinInt32 || it.year == math.MinInt32 {
			return it, dtFieldOverflow
		}
		it.usec, it.mday, it.mon, it.year = -it.usec, -it.mday, -it.mon, -it.year
	}
	return it, dtOK
}

func intervalTimeMicros(h int64, m, s int, fsec int64) (int64, bool) {
	v := fsec
	var ok bool
	if v, ok = mulAdd64(h, usecsPerHour, v); !ok {
		return 0, false
	}
	if v, ok = mulAdd64(int64(m), usecsPerMinute, v); !ok {
		return 0, false
	}
	return mulAdd64(int64(s), usecsPerSec, v)
}

func defaultIntervalUnit(rng int) int {
	switch rng {
	case IntervalYear:
		return dtkYear
	case IntervalMonth, IntervalYear | IntervalMonth:
		return dtkMonth
	case IntervalDay:
		return dtkDay
	case IntervalHour, IntervalDay | IntervalHour:
		return dtkHour
	case IntervalMinute, IntervalHour | IntervalMinute, IntervalDay | IntervalHour | IntervalMinute:
		return dtkMinute
	}
	return dtkSecond
}

// parseISO8601Number mirrors ParseISO8601Number.
func parseISO8601Number(s string) (ipart int64, fpart float64, rest string, e dtErr) {
	if s == "" || !(isDigit(s[0]) || s[0] == '-' || s[0] == '.') {
		return 0, 0, s, dtBadFormat
	}
	// the longest prefix strtod accepts
	i := 0
	if s[i] == '-' || s[i] == '+' {
		i++
	}
	nd := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		nd++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			nd++
		}
	}
	if nd == 0 {
		return 0, 0, s, dtBadFormat
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k > j {
			i = k
		}
	}
	val, err := strconv.ParseFloat(s[:i], 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		return 0, 0, s, dtBadFormat
	}
	if math.IsNaN(val) || val < -1e15 || val > 1e15 {
		return 0, 0, s, dtFieldOverflow
	}
	if val >= 0 {
		ipart = int64(math.Floor(val))
	} else {
		ipart = -int64(math.Floor(-val))
	}
	return ipart, val - float64(ipart), s[i:], dtOK
}

func iso8601IntegerWidth(s string) int {
	if strings.HasPrefix(s, "-") {
		s = s[1:]
	}
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}

// decodeISO8601Interval mirrors DecodeISO8601Interval: P1Y2M3DT4H5M6S and
// the alternative format P0001-02-03T04:05:06.
func decodeISO8601Interval(str string) (itmIn, dtErr) {
	var it itmIn
	if len(str) < 2 || str[0] != 'P' {
		return it, dtBadFormat
	}
	str = str[1:]
	datePart, haveField := true, false
	for str != "" {
		if str[0] == 'T' {
			datePart, haveField = false, false
			str = str[1:]
			continue
		}
		fieldStart := str
		val, fval, rest, e := parseISO8601Number(str)
		if e != dtOK {
			return it, e
		}
		str = rest
		var unit byte
		if str != "" {
			unit = str[0]
			str = str[1:]
		}
		if datePart {
			switch unit {
			case 'Y':
				if !it.addYears(val, 1) || !it.addFractYears(fval, 1) {
					return it, dtFieldOverflow
				}
			case 'M':
				if !it.addMonths(val) || !it.addFractDays(fval, daysPerMonth) {
					return it, dtFieldOverflow
				}
			case 'W':
				if !it.addDays(val, 7) || !it.addFractDays(fval, 7) {
					return it, dtFieldOverflow
				}
			case 'D':
				if !it.addDays(val, 1) || !it.addFractMicros(fval, usecsPerDay) {
					return it, dtFieldOverflow
				}
			case 'T', 0, '-':
				if unit != '-' && iso8601IntegerWidth(fieldStart) == 8 && !haveField {
					if !it.addYears(val/10000, 1) || !it.addMonths((val/100)%100) ||
						!it.addDays(val%100, 1) || !it.addFractMicros(fval, usecsPerDay) {
						return it, dtFieldOverflow
					}
					if unit == 0 {
						return it, dtOK
					}
					datePart, haveField = false, false
					continue
				}
				if haveField {
					return it, dtBadFormat
				}
				if !it.addYears(val, 1) || !it.addFractYears(fval, 1) {
					return it, dtFieldOverflow
				}
				if unit == 0 {
					return it, dtOK
				}
				if unit == 'T' {
					datePart, haveField = false, false
					continue
				}
				val, fval, str, e = parseISO8601Number(str)
				if e != dtOK {
					return it, e
				}
				if !it.addMonths(val) || !it.addFractDays(fval, daysPerMonth) {
					return it, dtFieldOverflow
				}
				if str == "" {
					return it, dtOK
				}
				if str[0] == 'T' {
					datePart, haveField = false, false
					continue
				}
				if str[0] != '-' {
					return it, dtBadFormat
				}
				val, fval, str, e = parseISO8601Number(str[1:])
				if e != dtOK {
					return it, e
				}
				if !it.addDays(val, 1) || !it.addFractMicros(fval, usecsPerDay) {
					return it, dtFieldOverflow
				}
				if str == "" {
					return it, dtOK
				}
				if str[0] == 'T' {
					datePart, haveField = false, false
					continue
				}
				return it, dtBadFormat
			default:
				return it, dtBadFormat
			}
		} else {
			switch unit {
			case 'H':
				if !it.addMicros(val, fval, usecsPerHour) {
					return it, dtFieldOverflow
				}
			case 'M':
				if !it.addMicros(val, fval, usecsPerMinute) {
					return it, dtFieldOverflow
				}
			case 'S':
				if !it.addMicros(val, fval, usecsPerSec) {
					return it, dtFieldOverflow
				}
			case 0, ':':
				if unit == 0 && iso8601IntegerWidth(fieldStart) == 6 && !haveField {
					if !it.addMicros(val/10000, 0, usecsPerHour) || !it.addMicros((val/100)%100, 0, usecsPerMinute) ||
						!it.addMicros(val%100, 0, usecsPerSec) || !it.addFractMicros(fval, 1) {
						return it, dtFieldOverflow
					}
					return it, dtOK
				}
				if haveField {
					return it, dtBadFormat
				}
				if !it.addMicros(val, fval, usecsPerHour) {
					return it, dtFieldOverflow
				}
				if unit == 0 {
					return it, dtOK
				}
				val, fval, str, e = parseISO8601Number(str)
				if e != dtOK {
					return it, e
				}
				if !it.addMicros(val, fval, usecsPerMinute) {
					return it, dtFieldOverflow
				}
				if str == "" {
					return it, dtOK
				}
				if str[0] != ':' {
					return it, dtBadFormat
				}
				val, fval, str, e = parseISO8601Number(str[1:])
				if e != dtOK {
					return it, e
				}
				if !it.addMicros(val, fval, usecsPerSec) {
					return it, dtFieldOverflow
				}
				if str == "" {
					return it, dtOK
				}
				return it, dtBadFormat
			default:
				return it, dtBadFormat
			}
		}
		haveField = true
	}
	return it, dtOK
}

// parseInterval mirrors interval_in.
func parseInterval(s string, typmod int32) (Datum, error) {
	rng, _ := IntervalRangePrec(typmod)
	fields, e := parseDateTime(s)
	var it itmIn
	if e == dtOK {
		it, e = decodeInterval(fields, rng)
	}
	if e == dtBadFormat {
		it, e = decodeISO8601Interval(s)
	}
	if e != dtOK {
		if e == dtFieldOverflow {
			e = dtIntervalOverflow
		}
		return nil, dtError(e, s, "interval", "")
	}
	months := int64(it.year)*monthsPerYear + int64(it.mon)
	if !fitsInt32(months) {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "interval out of range")
	}
	iv := IntervalVal{Months: int32(months), Days: it.mday, Micros: it.usec}
	return adjustIntervalTypmod(iv, typmod)
}

// adjustIntervalTypmod mirrors AdjustIntervalForTypmod: drop the fields
// below the declared range and round the fractional seconds.
func adjustIntervalTypmod(iv IntervalVal, typmod int32) (Datum, error) {
	if typmod < 0 {
		return iv, nil
	}
	rng, prec := IntervalRangePrec(typmod)
	trunc := func(unit int64) { iv.Micros = (iv.Micros / unit) * unit }
	switch rng {
	case IntervalFullRange, IntervalSecond, IntervalDay | IntervalHour | IntervalMinute | IntervalSecond,
		IntervalHour | IntervalMinute | IntervalSecond, IntervalMinute | IntervalSecond:
	case IntervalYear:
		iv.Months = (iv.Months / monthsPerYear) * monthsPerYear
		iv.Days, iv.Micros = 0, 0
	case IntervalMonth, IntervalYear | IntervalMonth:
		iv.Days, iv.Micros = 0, 0
	case IntervalDay:
		iv.Micros = 0
	case IntervalHour, IntervalDay | IntervalHour:
		trunc(usecsPerHour)
	case IntervalMinute, IntervalDay | IntervalHour | IntervalMinute, IntervalHour | IntervalMinute:
		trunc(usecsPerMinute)
	default:
		return nil, pgerr.New(pgerr.InternalError, "unrecognized interval typmod: %d", typmod)
	}
	if prec != IntervalFullPrecision {
		if prec > MaxTimePrecision {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "interval(%d) precision must be between %d and %d", prec, 0, MaxTimePrecision)
		}
		iv.Micros = roundToPrecision(iv.Micros, int32(prec))
	}
	return iv, nil
}

// formatInterval mirrors interval_out with IntervalStyle postgres.
func formatInterval(iv IntervalVal) string {
	year := int64(iv.Months / monthsPerYear)
	mon := int64(iv.Months % monthsPerYear)
	mday := int64(iv.Days)
	t := iv.Micros
	hour := t / usecsPerHour
	t -= hour * usecsPerHour
	min := t / usecsPerMinute
	t -= min * usecsPerMinute
	sec := t / usecsPerSec
	fsec := t - sec*usecsPerSec

	var b []byte
	isZero, isBefore := true, false
	addPart := func(v int64, unit string) {
		if v == 0 {
			return
		}
		if !isZero {
			b = append(b, ' ')
		}
		if isBefore && v > 0 {
			b = append(b, '+')
		}
		b = strconv.AppendInt(b, v, 10)
		b = append(b, ' ')
		b = append(b, unit...)
		if v != 1 {
			b = append(b, 's')
		}
		isBefore = v < 0
		isZero = false
	}
	addPart(year, "year")
	addPart(mon, "mon")
	addPart(mday, "day")
	if isZero || hour != 0 || min != 0 || sec != 0 || fsec != 0 {
		minus := hour < 0 || min < 0 || sec < 0 || fsec < 0
		if !isZero {
			b = append(b, ' ')
		}
		if minus {
			b = append(b, '-')
		} else if isBefore {
			b = append(b, '+')
		}
		if hour < 0 {
			hour = -hour
		}
		if min < 0 {
			min = -min
		}
		if hour < 10 {
			b = append(b, '0')
		}
		b = strconv.AppendUint(b, uint64(hour), 10)
		b = append(b, ':')
		b = appendPad(b, int(min), 2)
		b = append(b, ':')
		b = appendSeconds(b, int(sec), fsec, true)
	}
	return string(b)
}
