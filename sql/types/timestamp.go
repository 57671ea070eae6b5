package types

import (
	"strconv"
	"strings"
	"time"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// TimestampFromTime converts a Go time to a timestamptz datum.
func TimestampFromTime(t time.Time) TimestampVal {
	return TimestampVal((t.Unix()-(postgresEpochJDate-unixEpochJDate)*secsPerDay)*usecsPerSec + int64(t.Nanosecond()/1000))
}

// Time converts a finite timestamptz datum to a Go time in UTC.
func (t TimestampVal) Time() time.Time {
	us := int64(t) + (postgresEpochJDate-unixEpochJDate)*usecsPerDay
	sec := floorDiv64(us, usecsPerSec)
	return time.Unix(sec, (us-sec*usecsPerSec)*1000).UTC()
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// dtError turns a decoder error into PostgreSQL's report, as
// DateTimeParseError.
func dtError(e dtErr, s, typ string, badZone string) error {
	switch e {
	case dtFieldOverflow:
		return pgerr.New(pgerr.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", s)
	case dtMDFieldOverflow:
		return pgerr.New(pgerr.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", s).
			WithHint("Perhaps you need a different \"datestyle\" setting.")
	case dtIntervalOverflow:
		return pgerr.New(pgerr.IntervalFieldOverflow, "interval field value out of range: \"%s\"", s)
	case dtTZDispOverflow:
		return pgerr.New(pgerr.InvalidTimeZoneDisplacementValue, "time zone displacement out of range: \"%s\"", s)
	case dtBadTimezone:
		return pgerr.New(pgerr.InvalidParameterValue, "time zone \"%s\" not recognized", badZone)
	}
	return pgerr.New(pgerr.InvalidDatetimeFormat, "invalid input syntax for type %s: \"%s\"", typ, s)
}

// badZoneName finds the field that named an unknown zone, for the
// message of dtBadTimezone.
func badZoneName(fields []dtField) string {
	for _, f := range fields {
		if f.typ == ftDate && !isDigit(f.s[0]) {
			if _, ok := LoadLocation(f.orig); !ok {
				return f.s
			}
		}
	}
	return ""
}

func decodeFields(s, typ string) ([]dtField, error) {
	fields, e := parseDateTime(s)
	if e != dtOK {
		return nil, dtError(e, s, typ, "")
	}
	return fields, nil
}

// parseDate mirrors date_in.
func (sess *Session) parseDate(s string) (Datum, error) {
	fields, err := decodeFields(s, "date")
	if err != nil {
		return nil, err
	}
	var t tm
	dtype, _, e := decodeDateTime(fields, sess, true, &t)
	if e != dtOK {
		return nil, dtError(e, s, "date", badZoneName(fields))
	}
	switch dtype {
	case dtkEpoch:
		return DateVal(unixEpochJDate - postgresEpochJDate), nil
	case dtkLate:
		return DatePosInfinity, nil
	case dtkEarly:
		return DateNegInfinity, nil
	}
	if !validJulian(t.year, t.mon, t.mday) {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "date out of range: \"%s\"", s)
	}
	d := int64(date2j(t.year, t.mon, t.mday) - postgresEpochJDate)
	if !validDate(d) {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "date out of range: \"%s\"", s)
	}
	return DateVal(d), nil
}

// parseTimestamp mirrors timestamp_in and timestamptz_in.
func (sess *Session) parseTimestamp(s string, typmod int32, withTZ bool) (Datum, error) {
	typ := "timestamp"
	if withTZ {
		typ = "timestamp with time zone"
	}
	fields, err := decodeFields(s, typ)
	if err != nil {
		return nil, err
	}
	var t tm
	dtype, tz, e := decodeDateTime(fields, sess, withTZ, &t)
	if e != dtOK {
		return nil, dtError(e, s, typ, badZoneName(fields))
	}
	var ts TimestampVal
	switch dtype {
	case dtkEpoch:
		ts = TimestampVal((unixEpochJDate - postgresEpochJDate) * usecsPerDay)
	case dtkLate:
		return TimestampPosInfinity, nil
	case dtkEarly:
		return TimestampNegInfinity, nil
	default:
		var ok bool
		ts, ok = tm2timestamp(&t, tz, withTZ)
		if !ok {
			return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp out of range: \"%s\"", s)
		}
	}
	return adjustTimestampTypmod(ts, typmod)
}

// parseTime mirrors time_in.
func (sess *Session) parseTime(s string, typmod int32) (Datum, error) {
	fields, err := decodeFields(s, "time")
	if err != nil {
		return nil, err
	}
	var t tm
	if e := decodeTimeOnly(fields, sess, &t); e != dtOK {
		return nil, dtError(e, s, "time", badZoneName(fields))
	}
	return adjustTimeTypmod(TimeVal(time2t(t.hour, t.min, t.sec, t.fsec)), typmod), nil
}

var timeScales = [7]int64{1000000, 100000, 10000, 1000, 100, 10, 1}

// roundToPrecision rounds microseconds to prec fractional digits, half
// away from zero, as AdjustTimestampForTypmod.
func roundToPrecision(v int64, prec int32) int64 {
	if prec < 0 || prec >= MaxTimePrecision {
		return v
	}
	scale := timeScales[prec]
	off := scale / 2
	if v >= 0 {
		return ((v + off) / scale) * scale
	}
	return -(((-v + off) / scale) * scale)
}

// adjustTimestampTypmod mirrors AdjustTimestampForTypmod.
func adjustTimestampTypmod(ts TimestampVal, typmod int32) (Datum, error) {
	if !ts.IsFinite() || typmod < 0 || typmod >= MaxTimePrecision {
		return ts, nil
	}
	r := TimestampVal(roundToPrecision(int64(ts), typmod))
	if !validTimestamp(int64(r)) {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp out of range")
	}
	return r, nil
}

// adjustTimeTypmod mirrors AdjustTimeForTypmod.
func adjustTimeTypmod(t TimeVal, typmod int32) TimeVal {
	return TimeVal(roundToPrecision(int64(t), typmod))
}

// appendSeconds mirrors AppendSeconds: two-digit seconds and up to six
// fractional digits without trailing zeros.
func appendSeconds(b []byte, sec int, fsec int64, fill bool) []byte {
	if sec < 0 {
		sec = -sec
	}
	if fill && sec < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(sec), 10)
	if fsec != 0 {
		if fsec < 0 {
			fsec = -fsec
		}
		frac := strconv.FormatInt(fsec+1000000, 10)[1:]
		b = append(b, '.')
		b = append(b, strings.TrimRight(frac, "0")...)
	}
	return b
}

func appendPad(b []byte, v int, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func appendYMD(b []byte, y, m, d int) []byte {
	if y > 0 {
		b = appendPad(b, y, 4)
	} else {
		b = appendPad(b, -(y - 1), 4)
	}
	b = append(b, '-')
	b = appendPad(b, m, 2)
	b = append(b, '-')
	return appendPad(b, d, 2)
}

// formatDate mirrors date_out (DateStyle ISO).
func formatDate(d DateVal) string {
	switch d {
	case DateNegInfinity:
		return "-infinity"
	case DatePosInfinity:
		return "infinity"
	}
	y, m, dd := j2date(int(d) + postgresEpochJDate)
	b := appendYMD(nil, y, m, dd)
	if y <= 0 {
		b = append(b, " BC"...)
	}
	return string(b)
}

// formatTime mirrors time_out.
func formatTime(t TimeVal) string {
	h, m, s, f := dt2time(int64(t))
	b := appendPad(nil, h, 2)
	b = append(b, ':')
	b = appendPad(b, m, 2)
	b = append(b, ':')
	return string(appendSeconds(b, s, f, true))
}

// formatTimestamp mirrors timestamp_out / timestamptz_out (DateStyle
// ISO): timestamptz is shown in the session time zone with its offset.
func (sess *Session) formatTimestamp(ts TimestampVal, withTZ bool) string {
	switch ts {
	case TimestampNegInfinity:
		return "-infinity"
	case TimestampPosInfinity:
		return "infinity"
	}
	off := 0
	if withTZ {
		off = sess.offsetAt(ts)
		ts += TimestampVal(int64(off) * usecsPerSec)
	}
	t := timestamp2tm(ts)
	b := appendYMD(nil, t.year, t.mon, t.mday)
	b = append(b, ' ')
	b = appendPad(b, t.hour, 2)
	b = append(b, ':')
	b = appendPad(b, t.min, 2)
	b = append(b, ':')
	b = appendSeconds(b, t.sec, t.fsec, true)
	if withTZ {
		b = appendTimezone(b, -off)
	}
	if t.year <= 0 {
		b = append(b, " BC"...)
	}
	return string(b)
}

// offsetAt is the session zone's offset (east-positive seconds) at ts.
func (sess *Session) offsetAt(ts TimestampVal) int {
	loc := sess.loc()
	if loc == time.UTC {
		return 0
	}
	us := int64(ts) + (postgresEpochJDate-unixEpochJDate)*usecsPerDay
	return zoneOffsetAt(loc, floorDiv64(us, usecsPerSec))
}

// appendTimezone mirrors EncodeTimezone; tz uses PostgreSQL's sign
// (seconds west).
func appendTimezone(b []byte, tz int) []byte {
	sec := tz
	if sec < 0 {
		sec = -sec
	}
	min := sec / 60
	sec -= min * 60
	hour := min / 60
	min -= hour * 60
	if tz <= 0 {
		b = append(b, '+')
	} else {
		b = append(b, '-')
	}
	b = appendPad(b, hour, 2)
	if sec != 0 {
		b = append(b, ':')
		b = appendPad(b, min, 2)
		b = append(b, ':')
		return appendPad(b, sec, 2)
	}
	if min != 0 {
		b = append(b, ':')
		return appendPad(b, min, 2)
	}
	return b
}

// timestampToLocal breaks a timestamptz into local fields in the session
// zone, returning them and the offset (PostgreSQL sign).
func (sess *Session) timestampToLocal(ts TimestampVal) (tm, int) {
	off := sess.offsetAt(ts)
	return timestamp2tm(ts + TimestampVal(int64(off)*usecsPerSec)), -off
}

// localToTimestamp converts local fields in the session zone to a
// timestamptz, as tm2timestamp with DetermineTimeZoneOffset.
func (sess *Session) localToTimestamp(t *tm) (TimestampVal, bool) {
	tz := determineTimeZoneOffset(t, sess.loc())
	return tm2timestamp(t, tz, true)
}
