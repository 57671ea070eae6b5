package funcs

import (
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// to_char for timestamps and intervals: formatting.c's DCH_* half. A
// format picture is parsed into keyword and literal nodes (parse_format)
// and each keyword prints one field of the broken-down time
// (DCH_to_char). Names are English; the TM prefix is accepted and
// ignored.

func init() {
	proc(2049, "ss", "to_char(timestamp, text) text", "timestamp_to_char", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		ts := a[0].(types.TimestampVal)
		if !ts.IsFinite() {
			return nil, nil
		}
		p := localParts(ts, 0)
		return dchFormat(str(a[1]), dchInput{p: p, tzKnown: false})
	})
	proc(1770, "ss", "to_char(timestamptz, text) text", "timestamptz_to_char", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		ts := a[0].(types.TimestampVal)
		if !ts.IsFinite() {
			return nil, nil
		}
		loc := ctx.loc()
		p, off := tzParts(ts, loc)
		abbr, _ := ts.Time().In(loc).Zone()
		return dchFormat(str(a[1]), dchInput{p: p, off: off, tzName: abbr, tzKnown: true})
	})
	proc(1768, "ss", "to_char(interval, text) text", "interval_to_char", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		iv := a[0].(types.IntervalVal)
		ip := intervalParts(iv)
		p := dtParts{year: int(ip.year), mon: int(ip.mon), mday: int(ip.mday), hour: int(ip.hour), min: ip.min, sec: ip.sec, usec: ip.usec}
		yday := (ip.year*12+ip.mon)*30 + ip.mday
		return dchFormat(str(a[1]), dchInput{p: p, interval: true, yday: int(yday)})
	})
}

type dchInput struct {
	p        dtParts
	off      int    // UTC offset, seconds east
	tzName   string // zone abbreviation (timestamptz only)
	tzKnown  bool
	interval bool
	yday     int // interval: approximate total days
}

// dchKeywords is DCH_keywords in search order: longer names first among
// those sharing a prefix.
var dchKeywords = []string{
	"A.D.", "A.M.", "AD", "AM", "B.C.", "BC", "CC", "DAY", "DDD", "DD", "DY", "Day", "Dy", "D",
	"FF1", "FF2", "FF3", "FF4", "FF5", "FF6", "FX", "HH24", "HH12", "HH", "IDDD", "ID", "IW", "IYYY", "IYY", "IY", "I",
	"J", "MI", "MM", "MONTH", "MON", "MS", "Month", "Mon", "OF", "P.M.", "PM", "Q", "RM", "SSSSS", "SSSS", "SS",
	"TZH", "TZM", "TZ", "US", "WW", "W", "Y,YYY", "YYYY", "YYY", "YY", "Y",
	"a.d.", "a.m.", "ad", "am", "b.c.", "bc", "cc", "day", "ddd", "dd", "dy", "d",
	"ff1", "ff2", "ff3", "ff4", "ff5", "ff6", "fx", "hh24", "hh12", "hh", "iddd", "id", "iw", "iyyy", "iyy", "iy", "i",
	"j", "mi", "mm", "month", "mon", "ms", "of", "p.m.", "pm", "q", "rm", "sssss", "ssss", "ss",
	"tzh", "tzm", "tz", "us", "ww", "w", "y,yyy", "yyyy", "yyy", "yy", "y",
}

type dchNode struct {
	key        string // keyword; "" for a literal
	lit        string
	fm, th, tH bool // FM prefix; th / TH suffix
	tm         bool // TM prefix: names print unpadded
	quoted     bool // a literal from a double-quoted string
}

func matchDCH(s string) string {
	for _, k := range dchKeywords {
		if strings.HasPrefix(s, k) {
			return k
		}
	}
	return ""
}

// parseDCH mirrors parse_format for DCH pictures.
func parseDCH(f string) []dchNode {
	var nodes []dchNode
	for len(f) > 0 {
		var n dchNode
		for {
			if strings.HasPrefix(f, "FM") || strings.HasPrefix(f, "fm") {
				n.fm = true
				f = f[2:]
				continue
			}
			if strings.HasPrefix(f, "TM") || strings.HasPrefix(f, "tm") {
				n.tm = true
				f = f[2:]
				continue
			}
			break
		}
		if k := matchDCH(f); k != "" {
			n.key = k
			f = f[len(k):]
			switch {
			case strings.HasPrefix(f, "TH"):
				n.tH = true
				f = f[2:]
			case strings.HasPrefix(f, "th"):
				n.th = true
				f = f[2:]
			}
			if strings.HasPrefix(f, "SP") || strings.HasPrefix(f, "sp") {
				f = f[2:]
			}
			nodes = append(nodes, n)
			continue
		}
		if n.fm && len(f) == 0 {
			break
		}
		if f[0] == '"' {
			f = f[1:]
			for len(f) > 0 {
				if f[0] == '"' {
					f = f[1:]
					break
				}
				if f[0] == '\\' && len(f) > 1 {
					f = f[1:]
				}
				l := charLen(f)
				nodes = append(nodes, dchNode{lit: f[:l], quoted: true})
				f = f[l:]
			}
			continue
		}
		if f[0] == '\\' && len(f) > 1 && f[1] == '"' {
			f = f[1:]
		}
		l := charLen(f)
		nodes = append(nodes, dchNode{lit: f[:l]})
		f = f[l:]
	}
	return nodes
}

func charLen(s string) int {
	c := s[0]
	n := 1
	switch {
	case c&0xe0 == 0xc0:
		n = 2
	case c&0xf0 == 0xe0:
		n = 3
	case c&0xf8 == 0xf0:
		n = 4
	}
	return min(n, len(s))
}

var (
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September",
		"October", "November", "December"}
	dayNames   = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	romanMonth = []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}
)

// padInt is sprintf("%0*d", fm ? 0 : width, v).
func padInt(v, width int, fm bool) string {
	if fm {
		return strconv.Itoa(v)
	}
	// PostgreSQL widens the field by one for a negative value, so the
	// digits keep their width after the sign
	return string(appendInt(nil, v, width))
}

// padName is sprintf("%*s", fm ? 0 : -9, name).
func padName(name string, width int, fm bool) string {
	if fm || len(name) >= width {
		return name
	}
	return name + strings.Repeat(" ", width-len(name))
}

// ordinal mirrors get_th: st, nd, rd or th for the number ending s.
func ordinal(s string, upper bool) string {
	if s == "" || s[len(s)-1] < '0' || s[len(s)-1] > '9' {
		return ""
	}
	last := s[len(s)-1]
	suf := "th"
	if !(len(s) > 1 && s[len(s)-2] == '1') {
		switch last {
		case '1':
			suf = "st"
		case '2':
			suf = "nd"
		case '3':
			suf = "rd"
		}
	}
	if upper {
		return strings.ToUpper(suf)
	}
	return suf
}

func errBadIntervalFormat() error {
	return pgerr.New(pgerr.InvalidDatetimeFormat, "invalid format specification for an interval value").
		WithHint("Intervals are not tied to specific calendar dates.")
}

func caseOf(key, name string) string {
	switch {
	case key == strings.ToUpper(key):
		return strings.ToUpper(name)
	case key == strings.ToLower(key):
		return strings.ToLower(name)
	}
	return name
}

// dchFormat mirrors DCH_to_char.
func dchFormat(format string, in dchInput) (types.Datum, error) {
	if format == "" {
		return nil, nil
	}
	p := in.p
	adj := p.year // ADJUST_YEAR
	if !in.interval && adj <= 0 {
		adj = -(adj - 1)
	}
	var jd, wday, yday int
	if !in.interval {
		jd = date2j(p.year, p.mon, p.mday)
		wday = j2day(jd)
		yday = jd - date2j(p.year, 1, 1) + 1
	} else {
		yday = in.yday
	}
	var b strings.Builder
	for _, n := range parseDCH(format) {
		if n.key == "" {
			b.WriteString(n.lit)
			continue
		}
		up := strings.ToUpper(n.key)
		var s string
		numeric := true
		switch up {
		case "A.D.", "B.C.", "AD", "BC":
			if in.interval {
				return nil, errBadIntervalFormat()
			}
			numeric = false
			bc := p.year <= 0
			switch {
			case strings.Contains(up, "."):
				s = "A.D."
				if bc {
					s = "B.C."
				}
			default:
				s = "AD"
				if bc {
					s = "BC"
				}
			}
			if n.key[0] >= 'a' {
				s = strings.ToLower(s)
			}
		case "A.M.", "P.M.", "AM", "PM":
			numeric = false
			pm := p.hour%24 >= 12
			if strings.Contains(up, ".") {
				s = "A.M."
				if pm {
					s = "P.M."
				}
			} else {
				s = "AM"
				if pm {
					s = "PM"
				}
			}
			if n.key[0] >= 'a' {
				s = strings.ToLower(s)
			}
		case "HH", "HH12":
			h := p.hour % 12
			if h == 0 {
				h = 12
			}
			s = padInt(h, 2, n.fm)
		case "HH24":
			s = padInt(p.hour, 2, n.fm)
		case "MI":
			s = padInt(p.min, 2, n.fm)
		case "SS":
			s = padInt(p.sec, 2, n.fm)
		case "FF1", "FF2", "FF3", "FF4", "FF5", "FF6":
			d := int(up[2] - '0')
			v := p.usec
			for i := d; i < 6; i++ {
				v /= 10
			}
			s = string(appendInt(nil, int(v), d))
		case "MS":
			s = string(appendInt(nil, int(p.usec/1000), 3))
		case "US":
			s = string(appendInt(nil, int(p.usec), 6))
		case "SSSS", "SSSSS":
			s = strconv.Itoa(p.hour*3600 + p.min*60 + p.sec)
		case "TZ":
			numeric = false
			if in.tzKnown {
				s = caseOf(n.key, in.tzName)
			}
		case "TZH":
			sign := byte('+')
			if in.off < 0 {
				sign = '-'
			}
			s = string(sign) + string(appendInt(nil, abs(in.off)/3600, 2))
		case "TZM":
			s = string(appendInt(nil, abs(in.off)%3600/60, 2))
		case "OF":
			sign := "+"
			if in.off < 0 {
				sign = "-"
			}
			s = sign + padInt(abs(in.off)/3600, 2, n.fm)
			if abs(in.off)%3600 != 0 {
				s += ":" + string(appendInt(nil, abs(in.off)%3600/60, 2))
			}
		case "MONTH", "MON":
			numeric = false
			if in.interval {
				return nil, errBadIntervalFormat()
			}
			if p.mon == 0 {
				continue
			}
			name := monthNames[p.mon-1]
			if up == "MON" {
				s = caseOf(n.key, name[:3])
			} else {
				s = padName(caseOf(n.key, name), 9, n.fm || n.tm)
			}
		case "MM":
			s = padInt(p.mon, 2, n.fm)
		case "DAY", "DY":
			numeric = false
			if in.interval {
				return nil, errBadIntervalFormat()
			}
			name := dayNames[wday]
			if up == "DY" {
				s = caseOf(n.key, name[:3])
			} else {
				s = padName(caseOf(n.key, name), 9, n.fm || n.tm)
			}
		case "DDD":
			s = padInt(yday, 3, n.fm)
		case "IDDD":
			if in.interval {
				return nil, errBadIntervalFormat()
			}
			s = padInt(jd-isoWeek2j(isoYear(p.year, p.mon, p.mday), 1)+1, 3, n.fm)
		case "DD":
			s = padInt(p.mday, 2, n.fm)
		case "D":
			if in.interval {
				return nil, errBadIntervalFormat()
			}
			s = strconv.Itoa(wday + 1)
		case "ID":
			if in.interval {
				return nil, errBadIntervalFormat()
			}
			d := wday
			if d == 0 {
				d = 7
			}
			s = strconv.Itoa(d)
		case "WW":
			s = padInt((yday-1)/7+1, 2, n.fm)
		case "IW":
			if in.interval {
				return nil, errBadIntervalFormat()
			}
			s = padInt(isoWeek(p.year, p.mon, p.mday), 2, n.fm)
		case "Q":
			if p.mon == 0 {
				continue
			}
			s = strconv.Itoa((p.mon-1)/3 + 1)
		case "CC":
			var i int
			switch {
			case in.interval:
				i = p.year / 100
			case p.year > 0:
				i = (p.year-1)/100 + 1
			default:
				i = p.year/100 - 1
			}
			if i <= 99 && i >= -99 {
				s = padInt(i, 2, n.fm)
			} else {
				s = strconv.Itoa(i)
			}
		case "Y,YYY":
			i := adj / 1000
			s = strconv.Itoa(i) + "," + string(appendInt(nil, adj-i*1000, 3))
		case "YYYY", "IYYY":
			y := adj
			if up == "IYYY" {
				if in.interval {
					return nil, errBadIntervalFormat()
				}
				y = isoAdj(p)
			}
			s = yearPad(y, 4, n.fm)
		case "YYY", "IYY":
			y := adj
			if up == "IYY" {
				if in.interval {
					return nil, errBadIntervalFormat()
				}
				y = isoAdj(p)
			}
			s = yearPad(y%1000, 3, n.fm)
		case "YY", "IY":
			y := adj
			if up == "IY" {
				if in.interval {
					return nil, errBadIntervalFormat()
				}
				y = isoAdj(p)
			}
			s = yearPad(y%100, 2, n.fm)
		case "Y", "I":
			y := adj
			if up == "I" {
				if in.interval {
					return nil, errBadIntervalFormat()
				}
				y = isoAdj(p)
			}
			s = strconv.Itoa(y % 10)
		case "RM":
			numeric = false
			if in.interval {
				return nil, errBadIntervalFormat()
			}
			if p.mon == 0 {
				continue
			}
			s = padName(caseOf(n.key, romanMonth[p.mon-1]), 4, n.fm)
		case "W":
			s = strconv.Itoa((p.mday-1)/7 + 1)
		case "J":
			if in.interval {
				return nil, errBadIntervalFormat()
			}
			s = strconv.Itoa(jd)
		case "FX":
			continue
		}
		if numeric && (n.th || n.tH) {
			s += ordinal(s, n.tH)
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

func isoAdj(p dtParts) int {
	y := isoYear(p.year, p.mon, p.mday)
	if y <= 0 {
		y = -(y - 1)
	}
	return y
}

// yearPad is sprintf("%0*d", fm ? 0 : (y >= 0 ? w : w+1), y).
func yearPad(y, w int, fm bool) string {
	if fm {
		return strconv.Itoa(y)
	}
	if y < 0 {
		return string(appendInt(nil, y, w))
	}
	return string(appendInt(nil, y, w))
}
