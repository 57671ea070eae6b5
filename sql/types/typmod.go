package types

import (
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// A typmod is PostgreSQL's int32 type modifier (pg_attribute.atttypmod);
// -1 means none (M1).
const (
	// VarHdrSz is PostgreSQL's VARHDRSZ, added to lengths in typmods.
	VarHdrSz = 4
	// NoTypmod is the typmod of a column without a modifier.
	NoTypmod int32 = -1
	// MaxTimePrecision is the largest fractional-seconds precision (6).
	MaxTimePrecision = 6
	// NumericMaxPrecision is the largest declared numeric precision.
	NumericMaxPrecision = 1000
	// NumericMinScale and NumericMaxScale bound a declared numeric scale.
	NumericMinScale = -1000
	NumericMaxScale = 1000
	// MaxVarcharLen is the largest declared length of varchar/bpchar.
	MaxVarcharLen = 10485760
)

// CharTypmod returns the typmod of varchar(n) or character(n): n+4.
func CharTypmod(n int) int32 { return int32(n) + VarHdrSz }

// CharLen returns n for a varchar(n)/character(n) typmod, or -1.
func CharLen(typmod int32) int {
	if typmod < VarHdrSz {
		return -1
	}
	return int(typmod - VarHdrSz)
}

// NumericTypmod returns the typmod of numeric(p,s): ((p<<16)|(s&0x7ff))+4,
// as make_numeric_typmod.
func NumericTypmod(p, s int) int32 { return int32(p<<16|(s&0x7ff)) + VarHdrSz }

// NumericPrecScale decodes a numeric typmod; ok is false for -1.
// Mirrors NUMERIC_TYPMOD_PRECISION / NUMERIC_TYPMOD_SCALE (the scale is an
// 11-bit signed field).
func NumericPrecScale(typmod int32) (p, s int, ok bool) {
	if typmod < VarHdrSz {
		return 0, 0, false
	}
	t := typmod - VarHdrSz
	p = int(t>>16) & 0xffff
	s = int(((t & 0x7ff) ^ 1024) - 1024)
	return p, s, true
}

// Interval range bits, as in PostgreSQL's datetime.h (INTERVAL_MASK).
const (
	IntervalMonth  = 1 << 1
	IntervalYear   = 1 << 2
	IntervalDay    = 1 << 3
	IntervalHour   = 1 << 10
	IntervalMinute = 1 << 11
	IntervalSecond = 1 << 12
	// IntervalFullRange means no field restriction.
	IntervalFullRange = 0x7FFF
	// IntervalFullPrecision means no fractional-seconds restriction.
	IntervalFullPrecision = 0xFFFF
)

// IntervalTypmod builds an interval typmod from range bits and a
// precision (IntervalFullPrecision for none), as INTERVAL_TYPMOD.
func IntervalTypmod(rangeBits, prec int) int32 {
	return int32((rangeBits&0x7fff)<<16 | (prec & 0xffff))
}

// IntervalRangePrec decodes an interval typmod; -1 gives full range and
// full precision.
func IntervalRangePrec(typmod int32) (rangeBits, prec int) {
	if typmod < 0 {
		return IntervalFullRange, IntervalFullPrecision
	}
	return int(typmod>>16) & 0x7fff, int(typmod) & 0xffff
}

var intervalFieldNames = map[int]string{
	IntervalYear:                 " year",
	IntervalMonth:                " month",
	IntervalDay:                  " day",
	IntervalHour:                 " hour",
	IntervalMinute:               " minute",
	IntervalSecond:               " second",
	IntervalYear | IntervalMonth: " year to month",
	IntervalDay | IntervalHour:   " day to hour",
	IntervalDay | IntervalHour | IntervalMinute:                  " day to minute",
	IntervalDay | IntervalHour | IntervalMinute | IntervalSecond: " day to second",
	IntervalHour | IntervalMinute:                                " hour to minute",
	IntervalHour | IntervalMinute | IntervalSecond:               " hour to second",
	IntervalMinute | IntervalSecond:                              " minute to second",
	IntervalFullRange:                                            "",
}

// TypmodOut renders the "(...)" modifier suffix of t, as the type's
// typmodout function; "" when typmod is -1 or t takes no modifier.
func TypmodOut(t *T, typmod int32) string {
	if typmod < 0 {
		return ""
	}
	switch t.OID {
	case Varchar.OID, Bpchar.OID:
		if typmod < VarHdrSz {
			return ""
		}
		return "(" + strconv.Itoa(CharLen(typmod)) + ")"
	case Numeric.OID:
		p, s, ok := NumericPrecScale(typmod)
		if !ok {
			return ""
		}
		return "(" + strconv.Itoa(p) + "," + strconv.Itoa(s) + ")"
	case Time.OID, Timestamp.OID, Timestamptz.OID:
		return "(" + strconv.Itoa(int(typmod)) + ")"
	case Interval.OID:
		r, p := IntervalRangePrec(typmod)
		s := intervalFieldNames[r]
		if p != IntervalFullPrecision {
			s += "(" + strconv.Itoa(p) + ")"
		}
		return s
	}
	return ""
}

// FormatType renders a type and typmod as SQL, exactly as PostgreSQL's
// format_type(oid, typmod) does: "integer", "character varying(10)",
// "numeric(10,2)", "timestamp(3) without time zone", "text[]". A typmod of
// -1 counts as given, so bpchar without a length prints as "bpchar".
// Mirrors format_type_extended with FORMAT_TYPE_TYPEMOD_GIVEN.
func FormatType(t *T, typmod int32) string {
	if t == nil {
		return "-"
	}
	if t.Elem != nil && t.Len == -1 && !isVector(t) {
		return FormatType(t.Elem, typmod) + "[]"
	}
	mod := TypmodOut(t, typmod)
	switch t.OID {
	case Bool.OID:
		return "boolean"
	case Bpchar.OID:
		if typmod < 0 {
			return "bpchar"
		}
		return "character" + mod
	case Varchar.OID:
		return "character varying" + mod
	case Char.OID:
		return `"char"`
	case Float4.OID:
		return "real"
	case Float8.OID:
		return "double precision"
	case Int2.OID:
		return "smallint"
	case Int4.OID:
		return "integer"
	case Int8.OID:
		return "bigint"
	case Numeric.OID:
		return "numeric" + mod
	case Interval.OID:
		return "interval" + mod
	case Time.OID:
		return "time" + mod + " without time zone"
	case Timestamp.OID:
		return "timestamp" + mod + " without time zone"
	case Timestamptz.OID:
		return "timestamp" + mod + " with time zone"
	case Any.OID:
		return `"any"`
	}
	return quoteIdentIfNeeded(t.Name) + mod
}

// quoteIdentIfNeeded double-quotes a name that is not a plain lower-case
// identifier, as quote_identifier does (keywords are not checked).
func quoteIdentIfNeeded(s string) string {
	ok := s != ""
	for i := 0; i < len(s) && ok; i++ {
		c := s[i]
		ok = c == '_' || (c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9')
	}
	if ok {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// TypmodIn turns the modifiers written after a type name into a typmod,
// as the type's typmodin function does: varchar(n), character(n),
// numeric(p[,s]), time(p), timestamp(p), interval with the grammar's
// (range[, precision]) pair. A precision above the maximum is reduced
// with a warning (returned, Severity "WARNING"), as PostgreSQL does.
// Mirrors varchartypmodin, bpchartypmodin, numerictypmodin,
// anytime_typmodin and intervaltypmodin.
func TypmodIn(t *T, args []int32) (typmod int32, warning *pgerr.Error, err error) {
	if t.IsArray() {
		return TypmodIn(t.Elem, args)
	}
	switch t.OID {
	case Varchar.OID, Bpchar.OID:
		name := "varchar"
		if t.OID == Bpchar.OID {
			name = "char"
		}
		if len(args) != 1 {
			return 0, nil, pgerr.New(pgerr.InvalidParameterValue, "invalid type modifier")
		}
		if args[0] < 1 {
			return 0, nil, pgerr.New(pgerr.InvalidParameterValue, "length for type %s must be at least 1", name)
		}
		if args[0] > MaxVarcharLen {
			return 0, nil, pgerr.New(pgerr.InvalidParameterValue, "length for type %s cannot exceed %d", name, MaxVarcharLen)
		}
		return CharTypmod(int(args[0])), nil, nil
	case Numeric.OID:
		if len(args) < 1 || len(args) > 2 {
			return 0, nil, pgerr.New(pgerr.InvalidParameterValue, "invalid NUMERIC type modifier")
		}
		p, s := args[0], int32(0)
		if len(args) == 2 {
			s = args[1]
		}
		if p < 1 || p > NumericMaxPrecision {
			return 0, nil, pgerr.New(pgerr.InvalidParameterValue, "NUMERIC precision %d must be between 1 and %d", p, NumericMaxPrecision)
		}
		if s < NumericMinScale || s > NumericMaxScale {
			return 0, nil, pgerr.New(pgerr.InvalidParameterValue, "NUMERIC scale %d must be between %d and %d", s, NumericMinScale, NumericMaxScale)
		}
		return NumericTypmod(int(p), int(s)), nil, nil
	case Time.OID, Timestamp.OID, Timestamptz.OID:
		name := "TIME"
		switch t.OID {
		case Timestamp.OID:
			name = "TIMESTAMP"
		case Timestamptz.OID:
			name = "TIMESTAMP(%d) WITH TIME ZONE"
		}
		if len(args) != 1 {
			return 0, nil, pgerr.New(pgerr.InvalidParameterValue, "invalid type modifier")
		}
		return timePrecision(name, args[0])
	case Interval.OID:
		switch len(args) {
		case 1:
			if intervalFieldNames[int(args[0])] == "" && args[0] != IntervalFullRange {
				return 0, nil, pgerr.New(pgerr.InvalidParameterValue, "invalid INTERVAL type modifier")
			}
			return IntervalTypmod(int(args[0]), IntervalFullPrecision), nil, nil
		case 2:
			rng := int(args[0])
			if intervalFieldNames[rng] == "" && rng != IntervalFullRange {
				return 0, nil, pgerr.New(pgerr.InvalidParameterValue, "invalid INTERVAL type modifier")
			}
			if args[1] < 0 {
				return 0, nil, pgerr.New(pgerr.InvalidParameterValue, "INTERVAL(%d) precision must not be negative", args[1])
			}
			p := args[1]
			var w *pgerr.Error
			if p > MaxTimePrecision {
				w = pgerr.New(pgerr.InvalidParameterValue, "INTERVAL(%d) precision reduced to maximum allowed, %d", p, MaxTimePrecision)
				w.Severity = "WARNING"
				p = MaxTimePrecision
			}
			return IntervalTypmod(rng, int(p)), w, nil
		}
		return 0, nil, pgerr.New(pgerr.InvalidParameterValue, "invalid INTERVAL type modifier")
	}
	return 0, nil, pgerr.New(pgerr.SyntaxError, "type modifier is not allowed for type \"%s\"", t.Name)
}

// timePrecision mirrors anytime_typmod_check.
func timePrecision(name string, p int32) (int32, *pgerr.Error, error) {
	label := func(v int32) string {
		if strings.Contains(name, "%d") {
			return strings.Replace(name, "%d", strconv.Itoa(int(v)), 1)
		}
		return name + "(" + strconv.Itoa(int(v)) + ")"
	}
	if p < 0 {
		return 0, nil, pgerr.New(pgerr.InvalidParameterValue, "%s precision must not be negative", label(p))
	}
	if p > MaxTimePrecision {
		w := pgerr.New(pgerr.InvalidParameterValue, "%s precision reduced to maximum allowed, %d", label(p), MaxTimePrecision)
		w.Severity = "WARNING"
		return MaxTimePrecision, w, nil
	}
	return p, nil, nil
}
