package funcs

import (
	"math"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// to_date and to_timestamp(text, text): formatting.c's DCH_from_char and
// do_to_timestamp (PostgreSQL 12+ separator rules, non-FX mode by
// default). The picture's fields fill a tmFromChar; the date is then
// assembled and range-checked.

func init() {
	proc(1780, "ss", "to_date(text, text) date", "to_date", toDate)
	proc(1778, "ss", "to_timestamp(text, text) timestamptz", "to_timestamp", toTimestamp)
	proc(1158, "is", "to_timestamp(float8) timestamptz", "float8_timestamptz", floatToTimestamp)
}

// tmFromChar is TmFromChar: the values read, 0 meaning unset.
type tmFromChar struct {
	hh, pm, mi, ss, ssss, d, dd, ddd, mm, ms, year, bc, ww, w, cc, j, us, yysz, ff int
	clock12, isoWeek                                                               bool
	tzsign, tzh, tzm                                                               int
}

var digitKeys = map[string]bool{
	"CC": true, "DDD": true, "DD": true, "D": true, "FF1": true, "FF2": true, "FF3": true, "FF4": true, "FF5": true,
	"FF6": true, "HH24": true, "HH12": true, "HH": true, "IDDD": true, "ID": true, "IW": true, "IYYY": true, "IYY": true,
	"IY": true, "I": true, "J": true, "MI": true, "MM": true, "MS": true, "Q": true, "SSSSS": true, "SSSS": true,
	"SS": true, "TZH": true, "TZM": true, "US": true, "WW": true, "W": true, "Y,YYY": true, "YYYY": true, "YYY": true,
	"YY": true, "Y": true,
}

func isSeparatorChar(c byte) bool {
	return c > 0x20 && c < 0x7f && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func errFormat(format string, args ...any) *pgerr.Error {
	return pgerr.New(pgerr.InvalidDatetimeFormat, format, args...)
}

// nextIsSeparator mirrors is_next_separator.
func nextIsSeparator(nodes []dchNode, i int) bool {
	n := nodes[i]
	if n.th || n.tH {
		return true
	}
	if i+1 >= len(nodes) {
		return true
	}
	m := nodes[i+1]
	if m.key != "" {
		return !digitKeys[strings.ToUpper(m.key)]
	}
	return !(len(m.lit) == 1 && m.lit[0] >= '0' && m.lit[0] <= '9')
}

// setInt mirrors from_char_set_int.
func setInt(dest *int, v int, n dchNode) error {
	if *dest != 0 && *dest != v {
		return errFormat("conflicting values for \"%s\" field in formatting string", n.key).
			WithDetail("This value contradicts a previous setting for the same field type.")
	}
	*dest = v
	return nil
}

// strtol parses a C long prefix of s after blanks: value, bytes used.
func strtol(s string) (int64, int, bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	j := i
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	k := j
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	if k == j {
		return 0, 0, false
	}
	v, err := strconv.ParseInt(s[i:k], 10, 64)
	if err != nil {
		v = math.MaxInt64
		if s[i] == '-' {
			v = math.MinInt64
		}
	}
	return v, k, true
}

// parseIntLen mirrors from_char_parse_int_len; dest may be nil.
func parseIntLen(dest *int, s *string, length int, nodes []dchNode, i int) (int, error) {
	n := nodes[i]
	src := strings.TrimLeft(*s, " \t\n\r\f\v")
	init := len(src)
	cp := src
	if len(cp) > length {
		cp = cp[:length]
	}
	var result int64
	if n.fm || nextIsSeparator(nodes, i) {
		v, used, ok := strtol(src)
		if ok {
			result = v
			src = src[used:]
		}
	} else {
		if len(src) < length {
			return 0, errFormat("source string too short for \"%s\" formatting field", n.key).
				WithDetail("Field requires %d characters, but only %d remain.", length, len(src)).
				WithHint("If your source string is not fixed-width, try using the \"FM\" modifier.")
		}
		v, used, ok := strtol(cp)
		if ok {
			if used < length {
				return 0, errFormat("invalid value \"%s\" for \"%s\"", cp, n.key).
					WithDetail("Field requires %d characters, but only %d could be parsed.", length, used).
					WithHint("If your source string is not fixed-width, try using the \"FM\" modifier.")
			}
			result = v
			src = src[used:]
		}
	}
	if len(src) == init {
		return 0, errFormat("invalid value \"%s\" for \"%s\"", cp, n.key).WithDetail("Value must be an integer.")
	}
	if result < math.MinInt32 || result > math.MaxInt32 {
		return 0, pgerr.New(pgerr.DatetimeFieldOverflow, "value for \"%s\" in source string is out of range", n.key).
			WithDetail("Value must be in the range %d to %d.", math.MinInt32, math.MaxInt32)
	}
	*s = src
	if dest != nil {
		if err := setInt(dest, int(result), n); err != nil {
			return 0, err
		}
	}
	return init - len(src), nil
}

// seqSearch mirrors from_char_seq_search: a case-insensitive match of
// one of the words at the start of s.
func seqSearch(s *string, words []string, n dchNode) (int, error) {
	for i, w := range words {
		if len(*s) >= len(w) && strings.EqualFold((*s)[:len(w)], w) {
			*s = (*s)[len(w):]
			return i, nil
		}
	}
	cp := *s
	if len(cp) > 12 {
		cp = cp[:12]
	}
	return 0, errFormat("invalid value \"%s\" for \"%s\"", cp, n.key).
		WithDetail("The given value did not match any of the allowed values for this field.")
}

func skipTH(s *string, n dchNode) {
	if n.th || n.tH {
		for k := 0; k < 2 && len(*s) > 0; k++ {
			*s = (*s)[charLen(*s):]
		}
	}
}

// adjustYear mirrors adjust_partial_year_to_2020.
func adjustYear(y int) int {
	switch {
	case y < 70:
		return y + 2000
	case y < 100:
		return y + 1900
	case y < 520:
		return y + 2000
	case y < 1000:
		return y + 1000
	}
	return y
}

var (
	monthAbbr   = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	dayAbbr     = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	romanSearch = []string{"XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I"}
)

// fromChar mirrors DCH_from_char.
func fromChar(format, in string) (*tmFromChar, error) {
	nodes := parseDCH(format)
	out := &tmFromChar{}
	s := in
	fx := false
	extraSkip := 0
	for i := 0; i < len(nodes) && s != ""; i++ {
		n := nodes[i]
		up := strings.ToUpper(n.key)
		if !fx && up != "FX" && (n.key != "" || i == 0) {
			for s != "" && isSpace(s[0]) {
				s = s[1:]
				extraSkip++
			}
		}
		if n.key == "" {
			space := !n.quoted && len(n.lit) == 1 && isSpace(n.lit[0])
			sep := !n.quoted && len(n.lit) == 1 && isSeparatorChar(n.lit[0])
			switch {
			case (space || sep) && !fx:
				extraSkip--
				if s != "" && (isSpace(s[0]) || isSeparatorChar(s[0])) {
					s = s[1:]
					extraSkip++
				}
			case fx:
				s = s[charLen(s):]
			case extraSkip > 0:
				extraSkip--
			default:
				s = s[charLen(s):]
			}
			continue
		}
		var err error
		switch up {
		case "FX":
			fx = true
		case "A.M.", "P.M.":
			var v int
			if v, err = seqSearch(&s, []string{"a.m.", "p.m."}, n); err == nil {
				err = setInt(&out.pm, v%2, n)
				out.clock12 = true
			}
		case "AM", "PM":
			var v int
			if v, err = seqSearch(&s, []string{"am", "pm"}, n); err == nil {
				err = setInt(&out.pm, v%2, n)
				out.clock12 = true
			}
		case "HH", "HH12":
			_, err = parseIntLen(&out.hh, &s, 2, nodes, i)
			out.clock12 = true
			skipTH(&s, n)
		case "HH24":
			_, err = parseIntLen(&out.hh, &s, 2, nodes, i)
			skipTH(&s, n)
		case "MI":
			_, err = parseIntLen(&out.mi, &s, 2, nodes, i)
			skipTH(&s, n)
		case "SS":
			_, err = parseIntLen(&out.ss, &s, 2, nodes, i)
			skipTH(&s, n)
		case "MS":
			var l int
			if l, err = parseIntLen(&out.ms, &s, 3, nodes, i); err == nil {
				switch l { // 25 is 0.25 and 250 is 0.25 too; 025 is 0.025
				case 1:
					out.ms *= 100
				case 2:
					out.ms *= 10
				}
			}
			skipTH(&s, n)
		case "FF1", "FF2", "FF3", "FF4", "FF5", "FF6", "US":
			l := 6
			if up != "US" {
				out.ff = int(up[2] - '0')
				l = out.ff
			}
			var got int
			if got, err = parseIntLen(&out.us, &s, l, nodes, i); err == nil {
				mult := 1
				for k := got; k < 6; k++ {
					mult *= 10
				}
				out.us *= mult
			}
			skipTH(&s, n)
		case "SSSS", "SSSSS":
			_, err = parseIntLen(&out.ssss, &s, len(up), nodes, i)
			skipTH(&s, n)
		case "TZ", "OF":
			err = pgerr.New(pgerr.FeatureNotSupported, "formatting field \"%s\" is only supported in to_char", n.key)
		case "TZH":
			switch {
			case s != "" && (s[0] == '+' || s[0] == '-' || s[0] == ' '):
				out.tzsign = 1
				if s[0] == '-' {
					out.tzsign = -1
				}
				s = s[1:]
			case extraSkip > 0 && len(in)-len(s) > 0 && in[len(in)-len(s)-1] == '-':
				out.tzsign = -1
			default:
				out.tzsign = 1
			}
			_, err = parseIntLen(&out.tzh, &s, 2, nodes, i)
		case "TZM":
			if out.tzsign == 0 {
				out.tzsign = 1
			}
			_, err = parseIntLen(&out.tzm, &s, 2, nodes, i)
		case "A.D.", "B.C.":
			var v int
			if v, err = seqSearch(&s, []string{"a.d.", "b.c."}, n); err == nil {
				err = setInt(&out.bc, v%2, n)
			}
		case "AD", "BC":
			var v int
			if v, err = seqSearch(&s, []string{"ad", "bc"}, n); err == nil {
				err = setInt(&out.bc, v%2, n)
			}
		case "MONTH":
			var v int
			if v, err = seqSearch(&s, monthNames, n); err == nil {
				err = setInt(&out.mm, v+1, n)
			}
		case "MON":
			var v int
			if v, err = seqSearch(&s, monthAbbr, n); err == nil {
				err = setInt(&out.mm, v+1, n)
			}
		case "MM":
			_, err = parseIntLen(&out.mm, &s, 2, nodes, i)
			skipTH(&s, n)
		case "DAY", "DY":
			words := dayNames
			if up == "DY" {
				words = dayAbbr
			}
			var v int
			if v, err = seqSearch(&s, words, n); err == nil {
				if err = setInt(&out.d, v, n); err == nil {
					out.d++
				}
			}
		case "DDD":
			_, err = parseIntLen(&out.ddd, &s, 3, nodes, i)
			skipTH(&s, n)
		case "IDDD":
			out.isoWeek = true
			_, err = parseIntLen(&out.ddd, &s, 3, nodes, i)
			skipTH(&s, n)
		case "DD":
			_, err = parseIntLen(&out.dd, &s, 2, nodes, i)
			skipTH(&s, n)
		case "D":
			_, err = parseIntLen(&out.d, &s, 1, nodes, i)
			skipTH(&s, n)
		case "ID":
			out.isoWeek = true
			if _, err = parseIntLen(&out.d, &s, 1, nodes, i); err == nil {
				if out.d++; out.d > 7 {
					out.d = 1
				}
			}
			skipTH(&s, n)
		case "WW", "IW":
			if up == "IW" {
				out.isoWeek = true
			}
			_, err = parseIntLen(&out.ww, &s, 2, nodes, i)
			skipTH(&s, n)
		case "Q":
			_, err = parseIntLen(nil, &s, 1, nodes, i)
			skipTH(&s, n)
		case "CC":
			_, err = parseIntLen(&out.cc, &s, 2, nodes, i)
			skipTH(&s, n)
		case "Y,YYY":
			mil, used, ok := strtol(s)
			rest := ""
			if ok {
				rest = s[used:]
			}
			if !ok || !strings.HasPrefix(rest, ",") {
				err = errFormat("invalid input string for \"Y,YYY\"")
				break
			}
			yrs, used2, ok2 := strtol(rest[1:])
			if !ok2 {
				err = errFormat("invalid input string for \"Y,YYY\"")
				break
			}
			s = rest[1+used2:]
			if err = setInt(&out.year, int(yrs+mil*1000), n); err == nil {
				out.yysz = 4
			}
		case "YYYY", "IYYY":
			if up[0] == 'I' {
				out.isoWeek = true
			}
			_, err = parseIntLen(&out.year, &s, 4, nodes, i)
			out.yysz = 4
			skipTH(&s, n)
		case "YYY", "IYY", "YY", "IY", "Y", "I":
			if up[0] == 'I' {
				out.isoWeek = true
			}
			var got int
			if got, err = parseIntLen(&out.year, &s, len(up), nodes, i); err == nil && got < 4 {
				out.year = adjustYear(out.year)
			}
			out.yysz = len(strings.TrimPrefix(up, "I"))
			if up == "I" {
				out.yysz = 1
			}
			skipTH(&s, n)
		case "RM":
			var v int
			if v, err = seqSearch(&s, romanSearch, n); err == nil {
				err = setInt(&out.mm, 12-v, n)
			}
		case "W":
			_, err = parseIntLen(&out.w, &s, 1, nodes, i)
			skipTH(&s, n)
		case "J":
			_, err = parseIntLen(&out.j, &s, 1, nodes, i)
			skipTH(&s, n)
		}
		if err != nil {
			return nil, err
		}
		if !fx {
			extraSkip = 0
			for s != "" && isSpace(s[0]) {
				s = s[1:]
				extraSkip++
			}
		}
	}
	return out, nil
}

var ysum = [2][13]int{
	{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365},
	{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366},
}

// doToTimestamp mirrors do_to_timestamp: the fields, the fraction in
// microseconds and the explicit zone offset (seconds east) if any.
func doToTimestamp(in, format string) (p dtParts, tz *int, err error) {
	t, err := fromChar(format, in)
	if err != nil {
		return p, nil, err
	}
	p = dtParts{mon: 1, mday: 1}
	rangeErr := func() error {
		return pgerr.New(pgerr.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", in)
	}
	if t.ssss != 0 {
		p.hour, p.min, p.sec = t.ssss/3600, t.ssss%3600/60, t.ssss%60
	}
	if t.ss != 0 {
		p.sec = t.ss
	}
	if t.mi != 0 {
		p.min = t.mi
	}
	if t.hh != 0 {
		p.hour = t.hh
	}
	if t.clock12 {
		if p.hour < 1 || p.hour > 12 {
			return p, nil, errFormat("hour \"%d\" is invalid for the 12-hour clock", p.hour).
				WithHint("Use the 24-hour clock, or give an hour between 1 and 12.")
		}
		if t.pm != 0 && p.hour < 12 {
			p.hour += 12
		} else if t.pm == 0 && p.hour == 12 {
			p.hour = 0
		}
	}
	const (
		mYear = 1 << iota
		mMonth
		mDay
	)
	fmask := 0
	switch {
	case t.year != 0:
		if t.cc != 0 && t.yysz <= 2 {
			cc := t.cc
			if t.bc != 0 {
				cc = -cc
			}
			p.year = t.year % 100
			if p.year != 0 {
				if cc >= 0 {
					p.year += (cc - 1) * 100
				} else {
					p.year = (cc+1)*100 - p.year + 1
				}
			} else if cc >= 0 {
				p.year = cc * 100
			} else {
				p.year = cc*100 + 1
			}
		} else {
			p.year = t.year
			if t.bc != 0 {
				p.year = -p.year
			}
			if p.year < 0 {
				p.year++
			}
		}
		fmask |= mYear
	case t.cc != 0:
		cc := t.cc
		if t.bc != 0 {
			cc = -cc
		}
		if cc >= 0 {
			p.year = (cc-1)*100 + 1
		} else {
			p.year = cc*100 + 1
		}
		fmask |= mYear
	}
	if t.j != 0 {
		p.year, p.mon, p.mday = j2date(t.j)
		fmask |= mYear | mMonth | mDay
	}
	if t.ww != 0 {
		if t.isoWeek {
			jd := isoWeek2j(p.year, t.ww)
			if t.d > 1 { // isoweekdate2date: d counts from Sunday = 1
				jd += t.d - 2
			} else if t.d == 1 {
				jd += 6
			}
			p.year, p.mon, p.mday = j2date(jd)
			fmask |= mYear | mMonth | mDay
		} else {
			t.ddd = (t.ww-1)*7 + 1
		}
	}
	if t.w != 0 {
		t.dd = (t.w-1)*7 + 1
	}
	if t.dd != 0 {
		p.mday = t.dd
		fmask |= mDay
	}
	if t.mm != 0 {
		p.mon = t.mm
		fmask |= mMonth
	}
	if t.ddd != 0 && (p.mon <= 1 || p.mday <= 1) {
		if p.year == 0 && t.bc == 0 {
			return p, nil, errFormat("cannot calculate day of year without year information")
		}
		if t.isoWeek {
			j0 := isoWeek2j(p.year, 1) - 1
			p.year, p.mon, p.mday = j2date(j0 + t.ddd)
			fmask |= mYear | mMonth | mDay
		} else {
			leap := 0
			if isLeap(p.year) {
				leap = 1
			}
			y := ysum[leap]
			i := 1
			for ; i <= 12; i++ {
				if t.ddd <= y[i] {
					break
				}
			}
			if p.mon <= 1 {
				p.mon = i
			}
			if p.mday <= 1 && i <= 12 {
				p.mday = t.ddd - y[i-1]
			}
			fmask |= mMonth | mDay
		}
	}
	p.usec = int64(t.ms)*1000 + int64(t.us)
	if fmask != 0 {
		if fmask&mMonth != 0 && (p.mon < 1 || p.mon > 12) {
			return p, nil, rangeErr()
		}
		if fmask&mDay != 0 && (p.mday < 1 || p.mday > 31) {
			return p, nil, rangeErr()
		}
		if fmask == mYear|mMonth|mDay && p.mday > daysIn(p.year, p.mon) {
			return p, nil, rangeErr()
		}
	}
	if p.hour < 0 || p.hour >= 24 || p.min < 0 || p.min >= 60 || p.sec < 0 || p.sec >= 60 || p.usec < 0 || p.usec >= usecsPerSec {
		return p, nil, rangeErr()
	}
	if t.tzsign != 0 {
		if t.tzh < 0 || t.tzh > 15 || t.tzm < 0 || t.tzm >= 60 {
			return p, nil, pgerr.New(pgerr.InvalidTimeZoneDisplacementValue, "time zone displacement out of range: \"%s\"", in)
		}
		off := t.tzsign * (t.tzh*3600 + t.tzm*60)
		tz = &off
	}
	if t.ff > 0 && t.ff < 6 {
		div := int64(1)
		for k := t.ff; k < 6; k++ {
			div *= 10
		}
		p.usec = (p.usec + div/2) / div * div
	}
	return p, tz, nil
}

func validJulian(y, m int) bool {
	return (y > -4713 || (y == -4713 && m >= 11)) && (y < 5874898 || (y == 5874898 && m < 6))
}

func toDate(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	in := str(a[0])
	p, _, err := doToTimestamp(in, str(a[1]))
	if err != nil {
		return nil, err
	}
	outErr := pgerr.New(pgerr.DatetimeValueOutOfRange, "date out of range: \"%s\"", in)
	if !validJulian(p.year, p.mon) {
		return nil, outErr
	}
	jd := int64(date2j(p.year, p.mon, p.mday))
	if jd < 0 || jd >= dateEndJDate {
		return nil, outErr
	}
	return types.DateVal(jd - pgEpochJDate), nil
}

func toTimestamp(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
	p, tz, err := doToTimestamp(str(a[0]), str(a[1]))
	if err != nil {
		return nil, err
	}
	var off int
	if tz != nil {
		off = *tz
	} else {
		if !validJulian(p.year, p.mon) {
			return nil, errTimestampRange()
		}
		off = localOffset(p, ctx.loc())
	}
	ts, ok := partsToTimestamp(p, off)
	if !ok {
		return nil, errTimestampRange()
	}
	return ts, nil
}

// floatToTimestamp mirrors float8_timestamptz: Unix epoch seconds.
func floatToTimestamp(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	f := f64(a[0])
	switch {
	case math.IsNaN(f):
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp cannot be NaN")
	case math.IsInf(f, 1):
		return types.TimestampPosInfinity, nil
	case math.IsInf(f, -1):
		return types.TimestampNegInfinity, nil
	}
	const minEpoch = float64(minTimestamp)/1e6 + float64((pgEpochJDate-unixEpochJDate)*secsPerDay)
	const maxEpoch = float64(endTimestamp)/1e6 + float64((pgEpochJDate-unixEpochJDate)*secsPerDay)
	if f < minEpoch || f >= maxEpoch {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp out of range: \"%s\"", strconv.FormatFloat(f, 'g', -1, 64))
	}
	f -= float64((pgEpochJDate - unixEpochJDate) * secsPerDay)
	us := math.RoundToEven(f * 1e6)
	if us < minTimestamp || us >= endTimestamp {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp out of range: \"%s\"", strconv.FormatFloat(a[0].(float64), 'g', -1, 64))
	}
	return types.TimestampVal(int64(us)), nil
}
