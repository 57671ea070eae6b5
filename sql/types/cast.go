package types

import (
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// Cast contexts, as pg_cast.castcontext.
const (
	CastImplicit   byte = 'i'
	CastAssignment byte = 'a'
	CastExplicit   byte = 'e'
)

type castKey struct{ from, to base.OID }

var castIndex = func() map[castKey]castEntry {
	m := make(map[castKey]castEntry, len(pgCast))
	for _, c := range pgCast {
		m[castKey{c.from, c.to}] = c
	}
	return m
}()

// isStringCategory reports PostgreSQL's TYPCATEGORY_STRING types, the
// targets and sources of automatic I/O conversion casts.
func isStringCategory(t *T) bool { return t.Category == 'S' }

// CastContext returns the weakest context in which from can be cast to
// to, as find_coercion_pathway decides (K1): CastImplicit,
// CastAssignment, CastExplicit, or 0 when no cast exists. A type casts
// to itself implicitly (a length coercion); unknown literals cast
// implicitly to anything; pg_cast rows come next; arrays cast when
// their elements do; any type casts to a string type by assignment and
// from one explicitly, through its I/O functions.
func CastContext(from, to *T) byte {
	if from == nil || to == nil {
		return 0
	}
	if from.OID == to.OID {
		return CastImplicit
	}
	if from.OID == Unknown.OID {
		return CastImplicit
	}
	if c, ok := castIndex[castKey{from.OID, to.OID}]; ok {
		return c.context
	}
	if from.IsArray() && to.IsArray() {
		if from.Elem.Pseudo || to.Elem.Pseudo {
			return 0
		}
		return CastContext(from.Elem, to.Elem)
	}
	if from.Pseudo || to.Pseudo {
		return 0
	}
	if isStringCategory(to) {
		return CastAssignment
	}
	if isStringCategory(from) {
		return CastExplicit
	}
	return 0
}

// CastAllowed reports whether a cast from -> to is allowed in ctx
// ('i', 'a' or 'e').
func CastAllowed(from, to *T, ctx byte) bool {
	c := CastContext(from, to)
	switch c {
	case CastImplicit:
		return true
	case CastAssignment:
		return ctx == CastAssignment || ctx == CastExplicit
	case CastExplicit:
		return ctx == CastExplicit
	}
	return false
}

// Cast converts a datum of type from (with typmod fromMod) to type to
// with typmod toMod, in the UTC session. explicit selects the semantics
// of an explicit CAST where they differ from assignment (varchar(n) and
// character(n) truncate silently instead of failing with 22001). Cast
// performs the conversion without checking the context; callers check
// CastContext first. A nil datum (NULL) casts to nil.
func Cast(d Datum, from *T, fromMod int32, to *T, toMod int32, explicit bool) (Datum, error) {
	return UTC.Cast(d, from, fromMod, to, toMod, explicit)
}

// Cast is the session-aware form of the package-level Cast (timestamptz
// conversions use the session time zone).
func (sess *Session) Cast(d Datum, from *T, fromMod int32, to *T, toMod int32, explicit bool) (Datum, error) {
	if d == nil {
		return nil, nil
	}
	if from.OID == to.OID {
		if toMod < 0 || toMod == fromMod {
			return d, nil
		}
		return sess.ApplyTypmod(to, d, toMod, explicit)
	}
	if from.OID == Unknown.OID || from.OID == Cstring.OID {
		s, _ := d.(string)
		v, err := sess.Parse(to, NoTypmod, s)
		if err != nil {
			return nil, err
		}
		return sess.ApplyTypmod(to, v, toMod, explicit)
	}
	if from.IsArray() && to.IsArray() {
		a, ok := d.(*Array)
		if !ok {
			return nil, errCannotCast(from, to)
		}
		out := &Array{Elem: to.Elem, Dims: a.Dims, LBounds: a.LBounds, Elems: make([]Datum, len(a.Elems))}
		for i, e := range a.Elems {
			v, err := sess.Cast(e, from.Elem, fromMod, to.Elem, toMod, explicit)
			if err != nil {
				return nil, err
			}
			out.Elems[i] = v
		}
		if len(out.Elems) == 0 {
			out.Elems = nil
		}
		return out, nil
	}
	v, handled, err := sess.castFunc(d, from, to)
	if err != nil {
		return nil, err
	}
	if !handled {
		switch {
		case isStringCategory(to):
			v = sess.Format(from, d)
			if to.OID == Name.OID {
				v = clipName(v.(string))
			}
		case isStringCategory(from):
			s, _ := d.(string)
			if from.OID == Bpchar.OID {
				s = bpcharTrim(s)
			}
			v, err = sess.Parse(to, toMod, s)
			if err != nil {
				return nil, err
			}
		default:
			return nil, errCannotCast(from, to)
		}
	}
	return sess.ApplyTypmod(to, v, toMod, explicit)
}

func errCannotCast(from, to *T) error {
	return pgerr.New(pgerr.CannotCoerce, "cannot cast type %s to %s", FormatType(from, -1), FormatType(to, -1))
}

// ApplyTypmod coerces a datum of type t to typmod, as the type's length
// coercion function (varchar(), bpchar(), numeric(), timestamp(), ...)
// does. typmod -1 leaves d unchanged.
func (sess *Session) ApplyTypmod(t *T, d Datum, typmod int32, explicit bool) (Datum, error) {
	if d == nil || typmod < 0 {
		return d, nil
	}
	if t.IsArray() {
		a, ok := d.(*Array)
		if !ok {
			return d, nil
		}
		out := &Array{Elem: a.Elem, Dims: a.Dims, LBounds: a.LBounds, Elems: make([]Datum, len(a.Elems))}
		for i, e := range a.Elems {
			v, err := sess.ApplyTypmod(t.Elem, e, typmod, explicit)
			if err != nil {
				return nil, err
			}
			out.Elems[i] = v
		}
		if len(out.Elems) == 0 {
			out.Elems = nil
		}
		return out, nil
	}
	switch v := d.(type) {
	case string:
		if t.OID == Varchar.OID || t.OID == Bpchar.OID {
			return clipString(t, typmod, v, explicit)
		}
	case *apd.Decimal:
		return applyNumericTypmod(v, typmod)
	case TimestampVal:
		return adjustTimestampTypmod(v, typmod)
	case TimeVal:
		return adjustTimeTypmod(v, typmod), nil
	case IntervalVal:
		return adjustIntervalTypmod(v, typmod)
	}
	return d, nil
}

// ApplyTypmod coerces d to typmod in the UTC session.
func ApplyTypmod(t *T, d Datum, typmod int32, explicit bool) (Datum, error) {
	return UTC.ApplyTypmod(t, d, typmod, explicit)
}

// castFunc implements the pg_cast function and binary casts between
// built-in types. handled is false when the cast goes through I/O.
func (sess *Session) castFunc(d Datum, from, to *T) (Datum, bool, error) {
	switch x := d.(type) {
	case int64:
		return sess.castFromInt(x, from, to)
	case float64:
		return castFromFloat(x, from, to)
	case *apd.Decimal:
		return castFromNumeric(x, to)
	case bool:
		switch to.OID {
		case Int4.OID:
			if x {
				return int64(1), true, nil
			}
			return int64(0), true, nil
		case Text.OID, Varchar.OID, Bpchar.OID: // booltext
			if x {
				return "true", true, nil
			}
			return "false", true, nil
		}
	case string:
		return sess.castFromString(x, from, to)
	case DateVal:
		switch to.OID {
		case Timestamp.OID:
			r, err := dateToTimestamp(x)
			return r, true, err
		case Timestamptz.OID:
			r, err := sess.dateToTimestamptz(x)
			return r, true, err
		}
	case TimestampVal:
		return sess.castFromTimestamp(x, from, to)
	case TimeVal:
		if to.OID == Interval.OID {
			return IntervalVal{Micros: int64(x)}, true, nil
		}
	case IntervalVal:
		if to.OID == Time.OID {
			t := x.Micros % usecsPerDay
			if t < 0 {
				t += usecsPerDay
			}
			return TimeVal(t), true, nil
		}
	}
	return nil, false, nil
}

func (sess *Session) castFromInt(x int64, from, to *T) (Datum, bool, error) {
	switch to.OID {
	case Int2.OID:
		if x < math.MinInt16 || x > math.MaxInt16 {
			return nil, true, fresh(errSmallintOutOfRange)
		}
		if from.OID == Oid.OID || isRegType(from) {
			break
		}
		return x, true, nil
	case Int4.OID:
		if from.OID == Oid.OID || isRegType(from) {
			return int64(int32(uint32(x))), true, nil // binary coercible
		}
		if from.OID == Char.OID {
			return x, true, nil
		}
		if x < math.MinInt32 || x > math.MaxInt32 {
			return nil, true, fresh(errIntOutOfRange)
		}
		return x, true, nil
	case Int8.OID:
		if from.OID == Oid.OID || isRegType(from) {
			return int64(uint32(x)), true, nil
		}
		return x, true, nil
	case Float4.OID:
		return float64(float32(x)), true, nil
	case Float8.OID:
		return float64(x), true, nil
	case Numeric.OID:
		return NumericFromInt(x), true, nil
	case Bool.OID:
		return x != 0, true, nil
	case Char.OID:
		if x < math.MinInt8 || x > math.MaxInt8 {
			return nil, true, pgerr.New(pgerr.NumericValueOutOfRange, "\"char\" out of range")
		}
		if x == 0 {
			return "", true, nil
		}
		return string([]byte{byte(int8(x))}), true, nil
	case Oid.OID, Regproc.OID, Regprocedure.OID, Regoper.OID, Regoperator.OID, Regclass.OID, Regtype.OID,
		Regnamespace.OID, Regrole.OID:
		if from.OID == Int8.OID && (x < 0 || x > math.MaxUint32) {
			return nil, true, fresh(errOidOutOfRange)
		}
		return int64(uint32(x)), true, nil
	}
	return nil, false, nil
}

// castFromFloat implements float4/float8 to integer (rint: half to
// even), numeric and each other.
func castFromFloat(x float64, from, to *T) (Datum, bool, error) {
	switch to.OID {
	case Int2.OID, Int4.OID, Int8.OID:
		r := math.RoundToEven(x)
		lo, hi, _ := intRange(to)
		if math.IsNaN(r) || r < float64(lo) || r >= -float64(lo) || (to.OID != Int8.OID && r > float64(hi)) {
			return nil, true, intRangeErr(to)
		}
		return int64(r), true, nil
	case Float4.OID:
		f := float32(x)
		if math.IsInf(float64(f), 0) && !math.IsInf(x, 0) {
			return nil, true, pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")
		}
		if f == 0 && x != 0 {
			return nil, true, pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: underflow")
		}
		return float64(f), true, nil
	case Float8.OID:
		return x, true, nil
	case Numeric.OID:
		switch {
		case math.IsNaN(x):
			return &apd.Decimal{Form: apd.NaN}, true, nil
		case math.IsInf(x, 1):
			return &apd.Decimal{Form: apd.Infinite}, true, nil
		case math.IsInf(x, -1):
			return &apd.Decimal{Form: apd.Infinite, Negative: true}, true, nil
		}
		digits := 15
		if from.OID == Float4.OID {
			digits = 6
		}
		r, err := numericFromFloat(x, digits)
		return r, true, err
	}
	return nil, false, nil
}

func intRangeErr(t *T) error {
	switch t.OID {
	case Int2.OID:
		return fresh(errSmallintOutOfRange)
	case Int4.OID:
		return fresh(errIntOutOfRange)
	}
	return fresh(errBigintOutOfRange)
}

// castFromNumeric implements numeric to integer (half away from zero),
// float and numeric.
func castFromNumeric(x *apd.Decimal, to *T) (Datum, bool, error) {
	switch to.OID {
	case Int2.OID, Int4.OID, Int8.OID:
		_, _, name := intRange(to)
		switch x.Form {
		case apd.NaN, apd.NaNSignaling:
			return nil, true, pgerr.New(pgerr.FeatureNotSupported, "cannot convert NaN to %s", name)
		case apd.Infinite:
			return nil, true, pgerr.New(pgerr.FeatureNotSupported, "cannot convert infinity to %s", name)
		}
		var r apd.Decimal
		if _, err := quant.Quantize(&r, x, 0); err != nil {
			return nil, true, intRangeErr(to)
		}
		v, err := r.Int64()
		lo, hi, _ := intRange(to)
		if err != nil || v < lo || v > hi {
			return nil, true, intRangeErr(to)
		}
		return v, true, nil
	case Float4.OID, Float8.OID:
		switch x.Form {
		case apd.NaN, apd.NaNSignaling:
			return math.NaN(), true, nil
		case apd.Infinite:
			if x.Negative {
				return math.Inf(-1), true, nil
			}
			return math.Inf(1), true, nil
		}
		v, err := parseFloat(to, formatNumeric(x))
		return v, true, err
	case Numeric.OID:
		return x, true, nil
	}
	return nil, false, nil
}

func (sess *Session) castFromString(x string, from, to *T) (Datum, bool, error) {
	switch from.OID {
	case Inet.OID:
		switch to.OID {
		case Text.OID, Varchar.OID, Bpchar.OID:
			return inetText(x), true, nil // inet.go
		}
	case Bpchar.OID:
		switch to.OID {
		case Text.OID, Varchar.OID:
			return bpcharTrim(x), true, nil
		case Name.OID:
			return clipName(bpcharTrim(x)), true, nil
		case Char.OID:
			return parseChar(x), true, nil
		}
	case Text.OID, Varchar.OID, Name.OID, Unknown.OID:
		switch to.OID {
		case Text.OID, Varchar.OID, Bpchar.OID:
			return x, true, nil
		case Name.OID:
			return clipName(x), true, nil
		case Char.OID:
			return parseChar(x), true, nil
		case Regclass.OID:
			v, err := parseReg(to, x)
			return v, true, err
		}
	case Char.OID:
		switch to.OID {
		case Text.OID, Varchar.OID, Bpchar.OID:
			return formatChar(x), true, nil
		case Int4.OID:
			if x == "" {
				return int64(0), true, nil
			}
			return int64(int8(x[0])), true, nil
		}
	case JSON.OID:
		if to.OID == JSONB.OID {
			v, err := parseJSONB(x)
			return v, true, err
		}
	case JSONB.OID:
		return castFromJSONB(x, to)
	}
	return nil, false, nil
}

// castFromJSONB implements jsonb to json, numeric types and boolean.
func castFromJSONB(x string, to *T) (Datum, bool, error) {
	if to.OID == JSON.OID {
		return x, true, nil
	}
	var want int
	switch to.OID {
	case Bool.OID:
		want = jbvBool
	case Numeric.OID, Int2.OID, Int4.OID, Int8.OID, Float4.OID, Float8.OID:
		want = jbvNumeric
	default:
		return nil, false, nil
	}
	v, err := parseJSON(x, true)
	if err != nil {
		return nil, true, err
	}
	if v.kind != want {
		names := map[int]string{jbvNull: "null", jbvString: "string", jbvNumeric: "numeric", jbvBool: "boolean", jbvArray: "array", jbvObject: "object"}
		return nil, true, pgerr.New(pgerr.InvalidParameterValue, "cannot cast jsonb %s to type %s", names[v.kind], FormatType(to, -1))
	}
	if want == jbvBool {
		return v.b, true, nil
	}
	r, _, err := castFromNumeric(v.num, to)
	return r, true, err
}

func dateToTimestamp(d DateVal) (Datum, error) {
	switch d {
	case DateNegInfinity:
		return TimestampNegInfinity, nil
	case DatePosInfinity:
		return TimestampPosInfinity, nil
	}
	if int64(d) >= timestampEndJulian-postgresEpochJDate {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "date out of range for timestamp")
	}
	return TimestampVal(int64(d) * usecsPerDay), nil
}

func (sess *Session) dateToTimestamptz(d DateVal) (Datum, error) {
	switch d {
	case DateNegInfinity:
		return TimestampNegInfinity, nil
	case DatePosInfinity:
		return TimestampPosInfinity, nil
	}
	if int64(d) >= timestampEndJulian-postgresEpochJDate {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "date out of range for timestamp")
	}
	var t tm
	t.year, t.mon, t.mday = j2date(int(d) + postgresEpochJDate)
	r, ok := sess.localToTimestamp(&t)
	if !ok {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "date out of range for timestamp")
	}
	return r, nil
}

func (sess *Session) castFromTimestamp(x TimestampVal, from, to *T) (Datum, bool, error) {
	withTZ := from.OID == Timestamptz.OID
	switch to.OID {
	case Date.OID:
		switch x {
		case TimestampNegInfinity:
			return DateNegInfinity, true, nil
		case TimestampPosInfinity:
			return DatePosInfinity, true, nil
		}
		var t tm
		if withTZ {
			t, _ = sess.timestampToLocal(x)
		} else {
			t = timestamp2tm(x)
		}
		return DateVal(date2j(t.year, t.mon, t.mday) - postgresEpochJDate), true, nil
	case Time.OID:
		if !x.IsFinite() {
			return nil, true, nil
		}
		var t tm
		if withTZ {
			t, _ = sess.timestampToLocal(x)
		} else {
			t = timestamp2tm(x)
		}
		return TimeVal(time2t(t.hour, t.min, t.sec, t.fsec)), true, nil
	case Timestamp.OID:
		if !withTZ || !x.IsFinite() {
			return x, true, nil
		}
		t, _ := sess.timestampToLocal(x)
		r, ok := tm2timestamp(&t, 0, false)
		if !ok {
			return nil, true, pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp out of range")
		}
		return r, true, nil
	case Timestamptz.OID:
		if withTZ || !x.IsFinite() {
			return x, true, nil
		}
		t := timestamp2tm(x)
		r, ok := sess.localToTimestamp(&t)
		if !ok {
			return nil, true, pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp out of range")
		}
		return r, true, nil
	}
	return nil, false, nil
}
