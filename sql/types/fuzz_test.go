package types

import (
	"testing"
)

// storable lists the types whose datums go to disk.
var storable = []*T{
	Bool, Bytea, Char, Name, Int8, Int2, Int4, Regproc, Text, Oid, Tid, Xid, Cid, JSON, Float4, Float8,
	Bpchar, Varchar, Date, Time, Timestamp, Timestamptz, Interval, Numeric, Regclass, Regtype, UUID, JSONB,
	Int4Array, TextArray, NumericArray, Float8Array, BoolArray, ByteaArray, DateArray, IntervalArray, JSONBArray,
	NameArray, UUIDArray, TimestamptzArray,
}

// FuzzDecode feeds arbitrary bytes to Decode (E4): it must never panic,
// and whatever it accepts must survive Encode/Decode and Format.
func FuzzDecode(f *testing.F) {
	f.Add(byte(23), []byte{23, 0, 0, 0, 1, 2, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0})
	f.Add(byte(0), []byte{1})
	f.Add(byte(23), []byte{0, 2, 0x30, 0x39})
	f.Add(byte(22), []byte{0x10, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0})
	f.Add(byte(27), []byte(`{"a": 1}`))
	for i, typ := range storable {
		if d, err := Parse(typ, -1, sampleText(typ)); err == nil {
			f.Add(byte(i), Encode(typ, d))
		}
	}
	f.Fuzz(func(t *testing.T, which byte, b []byte) {
		typ := storable[int(which)%len(storable)]
		d, err := Decode(typ, b)
		if err != nil {
			return
		}
		s := Format(typ, d)
		d2, err := Decode(typ, Encode(typ, d))
		if err != nil {
			t.Fatalf("%s: re-decode of %q: %v", typ.Name, s, err)
		}
		if typ.OID != JSONB.OID && typ.OID != JSONBArray.OID && Compare(typ, d, d2) != 0 {
			t.Fatalf("%s: %q changed through Encode/Decode", typ.Name, s)
		}
		_ = Hash(typ, d)
	})
}

func sampleText(t *T) string {
	switch t.OID {
	case Bool.OID:
		return "t"
	case Bytea.OID:
		return `\x0102`
	case Tid.OID:
		return "(1,2)"
	case JSON.OID, JSONB.OID:
		return `{"a": [1, "x", null]}`
	case Date.OID:
		return "2024-01-15"
	case Time.OID:
		return "10:20:30.5"
	case Timestamp.OID, Timestamptz.OID:
		return "2024-01-15 10:20:30.5"
	case Interval.OID:
		return "1 year 2 days 03:04:05"
	case UUID.OID:
		return "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
	case Text.OID, Varchar.OID, Bpchar.OID, Name.OID, Char.OID:
		return "abc"
	}
	if t.IsArray() {
		return "{" + sampleText(t.Elem) + ",NULL}"
	}
	return "12.5"
}

// roundTrip checks the I/O invariant (I1): what Parse accepts formats to
// text that parses back to an equal datum.
func roundTrip(t *testing.T, typ *T, typmod int32, s string) {
	d, err := Parse(typ, typmod, s)
	if err != nil {
		return
	}
	out := Format(typ, d)
	d2, err := Parse(typ, typmod, out)
	if err != nil {
		t.Fatalf("%s: %q formats as %q, which does not parse: %v", typ.Name, s, out, err)
	}
	if Compare(typ, d, d2) != 0 {
		t.Fatalf("%s: %q -> %q -> %q changed", typ.Name, s, out, Format(typ, d2))
	}
	if Hash(typ, d) != Hash(typ, d2) {
		t.Fatalf("%s: %q hash changed", typ.Name, s)
	}
	d3, err := Decode(typ, Encode(typ, d))
	if err != nil || Compare(typ, d, d3) != 0 {
		t.Fatalf("%s: %q does not survive Encode/Decode: %v", typ.Name, s, err)
	}
}

func fuzzParse(f *testing.F, types []*T, seeds []string) {
	for _, s := range seeds {
		f.Add(byte(0), s)
	}
	f.Fuzz(func(t *testing.T, which byte, s string) {
		typ := types[int(which)%len(types)]
		roundTrip(t, typ, -1, s)
	})
}

func FuzzParseNumber(f *testing.F) {
	fuzzParse(f, []*T{Int2, Int4, Int8, Oid, Float4, Float8, Bool},
		[]string{"0", "-32768", " 12 ", "1e308", "0x1p-3", "nan", "-inf", "4.9e-324", "1.5", "yes"})
}

func FuzzParseNumeric(f *testing.F) {
	f.Add(byte(0), "12.345", int32(-1))
	f.Add(byte(1), "-1e-5", NumericTypmod(5, 2))
	f.Add(byte(2), "NaN", NumericTypmod(3, -1))
	f.Fuzz(func(t *testing.T, _ byte, s string, typmod int32) {
		if typmod >= 0 {
			p, sc, _ := NumericPrecScale(typmod)
			if p < 1 || p > NumericMaxPrecision || sc < NumericMinScale || sc > NumericMaxScale {
				typmod = -1
			}
		}
		roundTrip(t, Numeric, typmod, s)
		d, err := Parse(Numeric, -1, s)
		if err != nil {
			return
		}
		// arithmetic never panics
		n := dec(d)
		_, _ = NumericDiv(n, n)
		_, _ = NumericMod(n, n)
		_, _ = NumericMul(n, n)
		_, _ = NumericAdd(n, n)
	})
}

func FuzzParseString(f *testing.F) {
	fuzzParse(f, []*T{Text, Varchar, Bpchar, Name, Char, Bytea, UUID, Tid},
		[]string{"abc", `\x0aff`, `ab\\c\001`, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", `\344`, "(1,2)", "日本"})
}

func FuzzParseDateTime(f *testing.F) {
	fuzzParse(f, []*T{Date, Time, Timestamp, Timestamptz},
		[]string{"2024-01-15 10:20:30.5+02", "J2451187", "January 8, 1999 BC", "epoch", "040506", "20011225T040506.789",
			"1999.008", "2024-01-15 America/New_York", "12:00 PM", "infinity", "99-01-08 z"})
}

func FuzzParseInterval(f *testing.F) {
	fuzzParse(f, []*T{Interval},
		[]string{"1 day 02:00:00", "@ 1 minute ago", "P1Y2M3DT4H5M6S", "1-2", "-1 2:03:04", "1.5 months", "P0002-06-07T01:30:00"})
}

func FuzzParseJSON(f *testing.F) {
	fuzzParse(f, []*T{JSONB, JSON},
		[]string{`{"b":1, "a":[1,2.50,{"c":null}], "a": "x"}`, `"\ud83d\ude00"`, `[[],{}]`, `-1.5e-2`, `"\u001f"`})
}

func FuzzParseArray(f *testing.F) {
	fuzzParse(f, []*T{Int4Array, TextArray, NumericArray, DateArray, BoolArray, JSONBArray},
		[]string{"{1,2,NULL}", "[0:1][2:2]={{1},{2}}", `{"a b",c,"",NULL,"NULL",x\,y}`, "{}", `{"{\"a\":1}"}`})
}
