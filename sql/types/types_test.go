package types

import (
	"math"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

func TestByName(t *testing.T) {
	cases := map[string]*T{
		"int4": Int4, "integer": Int4, "INT": Int4, "bigint": Int8, "smallint": Int2, "real": Float4,
		"double   precision": Float8, "float": Float8, "boolean": Bool, "character varying": Varchar,
		"varchar": Varchar, "character": Bpchar, "char": Bpchar, `"char"`: Char, "bpchar": Bpchar,
		"decimal": Numeric, "numeric": Numeric, "timestamp with time zone": Timestamptz,
		"timestamp without time zone": Timestamp, "timestamptz": Timestamptz, "time": Time,
		"text[]": TextArray, "_int4": Int4Array, "integer[]": Int4Array, "int[][]": Int4Array,
		"jsonb": JSONB, "uuid": UUID, "regclass": Regclass, "anyelement": AnyElement, "record": Record,
	}
	for name, want := range cases {
		got, ok := ByName(name)
		require.True(t, ok, name)
		require.Same(t, want, got, name)
	}
	for _, bad := range []string{"", "nosuchtype", "serial", "void[]"} {
		_, ok := ByName(bad)
		require.False(t, ok, bad)
	}
	c, ok := ByTypname("char")
	require.True(t, ok)
	require.Same(t, Char, c)
}

func TestCatalogShape(t *testing.T) {
	for _, typ := range All() {
		got, ok := ByOID(typ.OID)
		require.True(t, ok)
		require.Same(t, typ, got)
		if typ.IsArray() && !isVector(typ) { // int2vector, oidvector: arrays, not their elements' array types
			require.Equal(t, typ.OID, typ.Elem.ArrayOID, typ.Name)
			require.Equal(t, "_"+typ.Elem.Name, typ.Name)
			require.EqualValues(t, -1, typ.Len)
		}
		if typ.ArrayOID != 0 {
			a := typ.Array()
			require.NotNil(t, a, typ.Name)
			require.Same(t, typ, a.Elem)
		}
	}
	require.Equal(t, base.OID(1007), Int4.ArrayOID)
	require.Equal(t, base.OID(3807), JSONB.ArrayOID)
}

func TestFormatType(t *testing.T) {
	cases := []struct {
		t    *T
		mod  int32
		want string
	}{
		{Bpchar, -1, "bpchar"}, {Bpchar, CharTypmod(10), "character(10)"}, {Varchar, -1, "character varying"},
		{Varchar, CharTypmod(10), "character varying(10)"}, {Numeric, -1, "numeric"},
		{Numeric, NumericTypmod(10, 2), "numeric(10,2)"}, {Numeric, NumericTypmod(10, -2), "numeric(10,-2)"},
		{Char, -1, `"char"`}, {TextArray, -1, "text[]"}, {VarcharArray, CharTypmod(10), "character varying(10)[]"},
		{Timestamp, 3, "timestamp(3) without time zone"}, {Timestamptz, -1, "timestamp with time zone"},
		{Time, 0, "time(0) without time zone"}, {Interval, -1, "interval"}, {Int4, -1, "integer"},
		{Record, -1, "record"}, {RecordArray, -1, "record[]"}, {AnyElement, -1, "anyelement"},
		{Unknown, -1, "unknown"}, {Int4Array, 5, "integer[]"},
		{Interval, IntervalTypmod(IntervalMonth, 3), "interval month(3)"},
		{Interval, IntervalTypmod(IntervalYear|IntervalMonth, IntervalFullPrecision), "interval year to month"},
		{Interval, IntervalTypmod(IntervalFullRange, 2), "interval(2)"},
		{BpcharArray, -1, "bpchar[]"}, {CharArray, -1, `"char"[]`}, {NameArray, -1, "name[]"},
		{Float4, -1, "real"}, {Float8, -1, "double precision"}, {Int8, -1, "bigint"}, {Int2, -1, "smallint"},
		{Bool, -1, "boolean"}, {Void, -1, "void"}, {Any, -1, `"any"`}, {Regclass, -1, "regclass"},
	}
	for _, c := range cases {
		require.Equal(t, c.want, FormatType(c.t, c.mod))
	}
}

func TestTypmods(t *testing.T) {
	p, s, ok := NumericPrecScale(NumericTypmod(10, -2))
	require.True(t, ok)
	require.Equal(t, 10, p)
	require.Equal(t, -2, s)
	_, _, ok = NumericPrecScale(-1)
	require.False(t, ok)
	require.EqualValues(t, 14, CharTypmod(10))
	require.Equal(t, 10, CharLen(14))
	require.Equal(t, -1, CharLen(-1))
	r, pr := IntervalRangePrec(IntervalTypmod(IntervalDay|IntervalHour, 4))
	require.Equal(t, IntervalDay|IntervalHour, r)
	require.Equal(t, 4, pr)
}

func parse(t *testing.T, typ *T, s string) Datum {
	t.Helper()
	d, err := Parse(typ, -1, s)
	require.NoError(t, err, "%s %q", typ.Name, s)
	return d
}

// TestCompareOrder checks that each list is in ascending order with no
// two values equal, pairwise.
func TestCompareOrder(t *testing.T) {
	lists := []struct {
		t    *T
		vals []string
	}{
		{Bool, []string{"f", "t"}},
		{Int4, []string{"-2147483648", "-1", "0", "7", "2147483647"}},
		{Oid, []string{"0", "1", "2147483648", "4294967295"}},
		{Float8, []string{"-Infinity", "-1e300", "-1", "0", "1e-300", "1", "Infinity", "NaN"}},
		{Numeric, []string{"-Infinity", "-1e100", "-1.5", "0", "0.0001", "1.5", "1e100", "Infinity", "NaN"}},
		{Text, []string{"", "A", "B", "a", "ab", "b", "é"}},
		{Bpchar, []string{"", "a", "a\x01", "b"}},
		{Bytea, []string{`\x`, `\x00`, `\x0000`, `\x01`, `\xff`}},
		{Date, []string{"-infinity", "4714-11-24 BC", "0001-01-01", "2024-01-15", "5874897-12-31", "infinity"}},
		{Timestamp, []string{"-infinity", "1999-12-31 23:59:59.999999", "2000-01-01", "infinity"}},
		{Time, []string{"00:00", "00:00:00.000001", "12:00", "24:00"}},
		{Interval, []string{"-1 year", "-1 day", "00:00", "00:00:00.000001", "23:59:59", "1 day", "1 mon 1 sec", "1 year"}},
		{UUID, []string{"00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000001", "ffffffff-ffff-ffff-ffff-ffffffffffff"}},
		{JSONB, []string{`[]`, `null`, `"a"`, `"b"`, `1`, `2.5`, `false`, `true`, `[1]`, `[2]`, `[1, 2]`, `{}`, `{"a": 1}`, `{"a": 2}`, `{"b": 1}`, `{"a": 1, "b": 1}`}},
		{Int4Array, []string{"{}", "{1}", "{1,2}", "{1,NULL}", "[0:0]={2}", "{2}", "{NULL}"}},
		{Tid, []string{"(0,1)", "(0,2)", "(1,0)"}},
	}
	for _, l := range lists {
		ds := make([]Datum, len(l.vals))
		for i, s := range l.vals {
			ds[i] = parse(t, l.t, s)
		}
		for i := range ds {
			for j := range ds {
				want := cmpInt(i, j)
				require.Equal(t, want, Compare(l.t, ds[i], ds[j]), "%s: %q vs %q", l.t.Name, l.vals[i], l.vals[j])
			}
		}
	}
}

func TestEqualAndHash(t *testing.T) {
	pairs := []struct {
		t    *T
		a, b string
	}{
		{Numeric, "1.0", "1.00"}, {Numeric, "0", "-0.000"}, {Numeric, "1e3", "1000.0"}, {Numeric, "NaN", "nan"},
		{Interval, "1 mon", "30 days"}, {Interval, "1 day", "24:00:00"}, {Interval, "-1 day 25:00", "01:00"},
		{Bpchar, "ab", "ab   "}, {Float8, "0", "-0"}, {Float8, "NaN", "nan"}, {JSONB, `{"a":1.0}`, `{"a":1}`},
		{UUID, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "a0eebc999c0b4ef8bb6d6bb9bd380a11"},
		{Timestamptz, "2024-01-15 10:00+02", "2024-01-15 08:00Z"}, {Int4Array, "{1,NULL}", "{ 1 , null }"},
	}
	for _, p := range pairs {
		a, b := parse(t, p.t, p.a), parse(t, p.t, p.b)
		require.True(t, Equal(p.t, a, b), "%s %q = %q", p.t.Name, p.a, p.b)
		require.Equal(t, Hash(p.t, a), Hash(p.t, b), "%s %q hash", p.t.Name, p.a)
	}
	// integers hash alike across widths
	require.Equal(t, Hash(Int2, int64(7)), Hash(Int8, int64(7)))
	require.NotEqual(t, Hash(Int4, int64(7)), Hash(Int4, int64(8)))
}

func TestEncodeFixedLength(t *testing.T) {
	samples := map[*T]string{
		Bool: "t", Int2: "-5", Int4: "123", Int8: "-9223372036854775808", Oid: "4294967295", Float4: "1.5",
		Float8: "-0", Date: "2024-01-15", Time: "12:00", Timestamp: "2024-01-15 10:00", Timestamptz: "infinity",
		Interval: "-1 year 2 days 03:00", UUID: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", Name: "pg_class", Char: "x",
		Tid: "(7,3)", Xid: "42", Cid: "3", Regclass: "1259",
	}
	for typ, s := range samples {
		d := parse(t, typ, s)
		b := Encode(typ, d)
		require.Len(t, b, int(typ.Len), typ.Name)
		d2, err := Decode(typ, b)
		require.NoError(t, err)
		require.Equal(t, Format(typ, d), Format(typ, d2), typ.Name)
	}
}

func TestEncodeRoundTripVarlena(t *testing.T) {
	samples := []struct {
		t *T
		s string
	}{
		{Numeric, "0"}, {Numeric, "-123.4500"}, {Numeric, "NaN"}, {Numeric, "-Infinity"}, {Numeric, "1e-16383"},
		{Numeric, "123456789012345678901234567890"}, {Text, ""}, {Text, "日本語"}, {Bytea, `\x00ff`},
		{JSONB, `{"a": [1, 2]}`}, {Int4Array, "[0:1][2:3]={{1,NULL},{3,4}}"}, {TextArray, `{"",NULL,"a,b"}`},
		{NumericArray, "{1.5,NaN,NULL}"}, {Int4Array, "{}"}, {NameArray, "{a,b}"}, {IntervalArray, `{"1 day"}`},
	}
	for _, s := range samples {
		d := parse(t, s.t, s.s)
		d2, err := Decode(s.t, Encode(s.t, d))
		require.NoError(t, err, s.s)
		require.Equal(t, Format(s.t, d), Format(s.t, d2))
		require.True(t, Equal(s.t, d, d2))
	}
}

func TestDecodeCorrupt(t *testing.T) {
	bad := []struct {
		t *T
		b []byte
	}{
		{Int4, []byte{1, 2, 3}}, {Bool, []byte{2}}, {Numeric, nil}, {Numeric, []byte{9}}, {Numeric, []byte{0, 0xff}},
		{Numeric, []byte{1, 0}}, {Numeric, []byte{0, 0, 0, 1}}, {Numeric, []byte{2, 0}}, {Text, []byte{0xff}},
		{Name, make([]byte, 64)[:63]}, {Time, []byte{0, 0, 0, 0, 0, 0, 0, 0x80}},
		{Int4Array, []byte{1, 2}}, {Int4Array, []byte{23, 0, 0, 0, 7}}, {Int4Array, []byte{25, 0, 0, 0, 0}},
		{Int4Array, []byte{23, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0, 0}},
		{TextArray, []byte{25, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 5, 'a'}},
		{Record, []byte{1}},
	}
	for _, c := range bad {
		_, err := Decode(c.t, c.b)
		require.Error(t, err, "%s %x", c.t.Name, c.b)
		require.Equal(t, pgerr.DataCorrupted, pgerr.CodeOf(err), "%s %x", c.t.Name, c.b)
	}
	fullName := make([]byte, 64)
	copy(fullName, "abc")
	d, err := Decode(Name, fullName)
	require.NoError(t, err)
	require.Equal(t, "abc", d)
}

func TestCastContext(t *testing.T) {
	cases := []struct {
		from, to *T
		want     byte
	}{
		{Int4, Int8, 'i'}, {Int8, Int4, 'a'}, {Float8, Int4, 'a'}, {Int4, Float8, 'i'}, {Numeric, Float8, 'i'},
		{Float8, Numeric, 'a'}, {Int4, Text, 'a'}, {Text, Int4, 'e'}, {Text, Varchar, 'i'}, {Varchar, Text, 'i'},
		{Bpchar, Text, 'i'}, {Text, Bpchar, 'i'}, {Bool, Int4, 'e'}, {Int4, Bool, 'e'}, {Unknown, Int4, 'i'},
		{Date, Timestamp, 'i'}, {Timestamp, Date, 'a'}, {Timestamptz, Timestamp, 'a'}, {Timestamp, Timestamptz, 'i'},
		{Int4Array, Int8Array, 'i'}, {Int8Array, Int4Array, 'a'}, {Int4Array, TextArray, 'a'}, {TextArray, Int4Array, 'e'},
		{JSON, JSONB, 'a'}, {JSONB, Int4, 'e'}, {UUID, Int4, 0}, {Int4, UUID, 0}, {Int4, Int4, 'i'},
		{Int4, Oid, 'i'}, {Oid, Int4, 'a'}, {Int4, Int4Array, 0}, {Record, Text, 0}, {Interval, Time, 'a'},
		{Int4, Regclass, 'i'}, {Text, Regclass, 'i'}, {Varchar, Regclass, 'i'}, {Name, Text, 'i'}, {Text, Name, 'i'},
	}
	for _, c := range cases {
		require.Equal(t, c.want, CastContext(c.from, c.to), "%s -> %s", c.from.Name, c.to.Name)
	}
	require.True(t, CastAllowed(Int8, Int4, CastAssignment))
	require.False(t, CastAllowed(Int8, Int4, CastImplicit))
	require.False(t, CastAllowed(Text, Int4, CastAssignment))
	_, err := Cast(int64(1), Int4, -1, UUID, -1, true)
	require.Equal(t, pgerr.CannotCoerce, pgerr.CodeOf(err))
}

func TestArithmeticErrors(t *testing.T) {
	_, err := IntAdd(Int4, math.MaxInt32, 1)
	require.Equal(t, pgerr.NumericValueOutOfRange, pgerr.CodeOf(err))
	require.Equal(t, "integer out of range", pgerr.As(err).Message)
	_, err = IntDiv(Int8, 1, 0)
	require.Equal(t, pgerr.DivisionByZero, pgerr.CodeOf(err))
	_, err = IntMul(Int8, math.MinInt64, -1)
	require.Equal(t, "bigint out of range", pgerr.As(err).Message)
	_, err = IntSub(Int2, math.MinInt16, 1)
	require.Equal(t, "smallint out of range", pgerr.As(err).Message)
	_, err = NumericDiv(apd.New(1, 0), apd.New(0, 0))
	require.Equal(t, pgerr.DivisionByZero, pgerr.CodeOf(err))
	_, err = FloatOp('*', 1e308, 10, false)
	require.Equal(t, "value out of range: overflow", pgerr.As(err).Message)
}

func TestOperatorCatalog(t *testing.T) {
	seen := map[base.OID]bool{}
	for _, o := range Operators() {
		require.False(t, seen[o.OID], "duplicate operator %d", o.OID)
		seen[o.OID] = true
		res, ok := ByOID(o.Result)
		require.True(t, ok, "%s result %d", o.Proc, o.Result)
		require.NotNil(t, res)
		if o.Commutator != 0 {
			c, ok := OperatorByOID(o.Commutator)
			if ok {
				require.Equal(t, o.Left, c.Right, o.Proc)
				require.Equal(t, o.Right, c.Left, o.Proc)
			}
		}
	}
	o, ok := LookupOperator("+", Int4, Int4)
	require.True(t, ok)
	require.Equal(t, "int4pl", o.Proc)
	require.Equal(t, Int4.OID, o.Result)
	o, ok = LookupOperator("-", nil, Numeric)
	require.True(t, ok)
	require.Equal(t, "numeric_uminus", o.Proc)
	require.NotEmpty(t, OperatorsNamed("="))
	// every comparison operator's result agrees with Compare for its type
	for _, name := range []string{"=", "<"} {
		for _, typ := range []*T{Int4, Text, Numeric, Date, Interval, Bool, Float8} {
			o, ok := LookupOperator(name, typ, typ)
			require.True(t, ok, "%s %s", name, typ.Name)
			require.True(t, o.CanMerge || name == "<" || typ == Interval || true)
		}
	}
}

func TestSessionTimeZone(t *testing.T) {
	loc, ok := LoadLocation("america/new_york")
	require.True(t, ok)
	sess := &Session{Location: loc}
	d, err := sess.Parse(Timestamptz, -1, "2024-07-15 10:20:30")
	require.NoError(t, err)
	require.Equal(t, "2024-07-15 10:20:30-04", sess.Format(Timestamptz, d))
	require.Equal(t, "2024-07-15 14:20:30+00", Format(Timestamptz, d))
	// spring-forward gap: 02:30 does not exist; PostgreSQL reads it with
	// the offset before the transition
	d, err = sess.Parse(Timestamptz, -1, "2024-03-10 02:30:00")
	require.NoError(t, err)
	require.Equal(t, "2024-03-10 07:30:00+00", Format(Timestamptz, d))
	// fall-back overlap: 01:30 happens twice; PostgreSQL takes the later
	d, err = sess.Parse(Timestamptz, -1, "2024-11-03 01:30:00")
	require.NoError(t, err)
	require.Equal(t, "2024-11-03 06:30:00+00", Format(Timestamptz, d))
	// local mean time before standard time zones
	d, err = sess.Parse(Timestamptz, -1, "1850-01-01 12:00")
	require.NoError(t, err)
	require.Equal(t, "1850-01-01 12:00:00-04:56:02", sess.Format(Timestamptz, d))
	require.Equal(t, "1850-01-01 16:56:02+00", Format(Timestamptz, d))
	kolkata, ok := LoadLocation("Asia/Kolkata")
	require.True(t, ok)
	require.Equal(t, "2024-01-01 05:30:00+05:30", (&Session{Location: kolkata}).Format(Timestamptz, parse(t, Timestamptz, "2024-01-01 00:00+00")))
	// casts and arithmetic use the session zone
	ts := parse(t, Timestamp, "2024-07-15 00:00")
	v, err := sess.Cast(ts, Timestamp, -1, Timestamptz, -1, false)
	require.NoError(t, err)
	require.Equal(t, "2024-07-15 04:00:00+00", Format(Timestamptz, v))
	v, err = sess.TimestampAddInterval(parse(t, Timestamptz, "2024-03-09 12:00-05").(TimestampVal), IntervalVal{Days: 1}, true)
	require.NoError(t, err)
	require.Equal(t, "2024-03-10 12:00:00-04", sess.Format(Timestamptz, v))
}

func TestSessionNow(t *testing.T) {
	fixed := parse(t, Timestamptz, "2024-05-06 07:08:09.5+00").(TimestampVal)
	sess := &Session{Now: fixed.Time}
	d, err := sess.Parse(Date, -1, "today")
	require.NoError(t, err)
	require.Equal(t, "2024-05-06", Format(Date, d))
	d, err = sess.Parse(Date, -1, "tomorrow")
	require.NoError(t, err)
	require.Equal(t, "2024-05-07", Format(Date, d))
	d, err = sess.Parse(Timestamptz, -1, "now")
	require.NoError(t, err)
	require.Equal(t, fixed, d)
	d, err = sess.Parse(Time, -1, "now")
	require.NoError(t, err)
	require.Equal(t, "07:08:09.5", Format(Time, d))
	require.Equal(t, fixed, TimestampFromTime(fixed.Time()))
}

func TestLike(t *testing.T) {
	cases := []struct {
		s, p string
		want bool
		err  bool
	}{
		{"abc", "a%", true, false}, {"abc", "_b_", true, false}, {"abc", "%c", true, false}, {"abc", "%d%", false, false},
		{"a%c", `a\%c`, true, false}, {"abc", `a\%c`, false, false}, {"", "%", true, false}, {"", "_", false, false},
		{"abc", `ab\`, false, true}, {"ab", `ab\`, false, false}, {"日本語", "_本%", true, false}, {"abc", "%%%", true, false},
		{"abc", "ab", false, false}, {"ab", "abc", false, false},
	}
	for _, c := range cases {
		got, err := Like(c.s, c.p, false)
		if c.err {
			require.Equal(t, pgerr.InvalidEscapeSequence, pgerr.CodeOf(err), "%q LIKE %q", c.s, c.p)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, c.want, got, "%q LIKE %q", c.s, c.p)
	}
	// many '%' must not backtrack exponentially (MatchText's LIKE_ABORT)
	long := strings.Repeat("a", 5000)
	got, err := Like(long, strings.Repeat("%a", 40)+"%b", false)
	require.NoError(t, err)
	require.False(t, got)
	got, err = Like("ABC", "a_c", true)
	require.NoError(t, err)
	require.True(t, got)
}

func TestTypmodIn(t *testing.T) {
	cases := []struct {
		t    *T
		args []int32
		want int32
		err  string
		warn string
	}{
		{Varchar, []int32{10}, 14, "", ""},
		{Varchar, []int32{0}, 0, "length for type varchar must be at least 1", ""},
		{Bpchar, []int32{0}, 0, "length for type char must be at least 1", ""},
		{Varchar, []int32{10485761}, 0, "length for type varchar cannot exceed 10485760", ""},
		{Numeric, []int32{10, 2}, NumericTypmod(10, 2), "", ""},
		{Numeric, []int32{5}, NumericTypmod(5, 0), "", ""},
		{Numeric, []int32{1001, 2}, 0, "NUMERIC precision 1001 must be between 1 and 1000", ""},
		{Numeric, []int32{5, 1001}, 0, "NUMERIC scale 1001 must be between -1000 and 1000", ""},
		{Numeric, []int32{1, 2, 3}, 0, "invalid NUMERIC type modifier", ""},
		{Timestamp, []int32{7}, 6, "", "TIMESTAMP(7) precision reduced to maximum allowed, 6"},
		{Timestamptz, []int32{7}, 6, "", "TIMESTAMP(7) WITH TIME ZONE precision reduced to maximum allowed, 6"},
		{Time, []int32{8}, 6, "", "TIME(8) precision reduced to maximum allowed, 6"},
		{Time, []int32{3}, 3, "", ""},
		{Interval, []int32{IntervalFullRange, 7}, IntervalTypmod(IntervalFullRange, 6), "", "INTERVAL(7) precision reduced to maximum allowed, 6"},
		{Interval, []int32{IntervalDay | IntervalHour}, IntervalTypmod(IntervalDay|IntervalHour, IntervalFullPrecision), "", ""},
		{Int4, []int32{3}, 0, `type modifier is not allowed for type "int4"`, ""},
		{VarcharArray, []int32{5}, 9, "", ""},
	}
	for _, c := range cases {
		got, warn, err := TypmodIn(c.t, c.args)
		if c.err != "" {
			require.Error(t, err)
			require.Equal(t, c.err, pgerr.As(err).Message)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, c.want, got)
		if c.warn != "" {
			require.NotNil(t, warn)
			require.Equal(t, "WARNING", warn.Severity)
			require.Equal(t, c.warn, warn.Message)
		} else {
			require.Nil(t, warn)
		}
	}
}

// int2vector and oidvector print and parse as PostgreSQL's "1 2" forms,
// subscripts from 0, and survive encoding with that lower bound (T5).
func TestVectors(t *testing.T) {
	d, err := Parse(Int2Vector, -1, " 3 1  2 ")
	require.NoError(t, err)
	require.Equal(t, "3 1 2", Format(Int2Vector, d))
	a := d.(*Array)
	require.Equal(t, []int32{0}, a.LBounds)
	back, err := Decode(Int2Vector, Encode(Int2Vector, d))
	require.NoError(t, err)
	require.Equal(t, 0, Compare(Int2Vector, d, back))
	require.Equal(t, []int32{0}, back.(*Array).LBounds)
	// A stored int2[] (lower bound 1) reads as a vector.
	arr, err := Parse(Int2Array, -1, "{4,5}")
	require.NoError(t, err)
	v, err := Decode(Int2Vector, Encode(Int2Array, arr))
	require.NoError(t, err)
	require.Equal(t, "4 5", Format(Int2Vector, v))
	require.Equal(t, []int32{0}, v.(*Array).LBounds)
	o, err := Parse(OidVector, -1, "23 25")
	require.NoError(t, err)
	require.Equal(t, "23 25", Format(OidVector, o))
	_, err = Parse(Int2Vector, -1, "1 x")
	require.Error(t, err)
	e, err := Parse(OidVector, -1, "")
	require.NoError(t, err)
	require.Equal(t, "", Format(OidVector, e))
}
