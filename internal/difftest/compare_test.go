package difftest

import "testing"

func vals(ss ...string) []Value {
	var out []Value
	for _, s := range ss {
		if s == "NULL" {
			out = append(out, Value{Null: true})
		} else {
			out = append(out, Value{S: s})
		}
	}
	return out
}

func res(types []string, rows ...[]Value) Result { return Result{Types: types, Rows: rows} }

func TestCompare(t *testing.T) {
	ints := []string{"integer", "text"}
	base := res(ints, vals("1", "a"), vals("2", "NULL"), vals("2", "b"))
	failed := func(code string) Result { return Result{Failed: true, Code: code, Message: "boom"} }
	tests := []struct {
		name string
		q    Query
		want Result
		got  Result
		kind string // "" = match
	}{
		{"same", Query{}, base, base, ""},
		{"multiset ignores order", Query{}, base, res(ints, vals("2", "b"), vals("1", "a"), vals("2", "NULL")), ""},
		{"NULL is not the string NULL", Query{}, res(ints, vals("1", "NULL")), res(ints, []Value{{S: "1"}, {S: "NULL"}}), KindValues},
		{"duplicates count", Query{}, res(ints, vals("1", "a"), vals("1", "a")), res(ints, vals("1", "a"), vals("1", "b")), KindValues},
		{"row count", Query{}, base, res(ints, vals("1", "a")), KindRowCount},
		{"types", Query{}, base, res([]string{"bigint", "text"}, base.Rows...), KindColumnTypes},
		{"column count", Query{}, base, res([]string{"integer"}), KindColumnTypes},
		{"float text exact", Query{}, res([]string{"double precision"}, vals("0.30000000000000004")), res([]string{"double precision"}, vals("0.3")), KindValues},
		{"ordered by key", Query{Ordered: true, Keys: []int{0}}, base, res(ints, vals("2", "NULL"), vals("1", "a"), vals("2", "b")), KindOrder},
		{"ties in any order", Query{Ordered: true, Keys: []int{0}}, base, res(ints, vals("1", "a"), vals("2", "b"), vals("2", "NULL")), ""},
		{"total order", Query{Ordered: true, Keys: []int{0, 1}}, base, res(ints, vals("1", "a"), vals("2", "b"), vals("2", "NULL")), KindOrder},
		{"numeric peers by value", Query{Ordered: true, Keys: []int{0}}, res([]string{"numeric"}, vals("0.00"), vals("0"), vals("1")),
			res([]string{"numeric"}, vals("0"), vals("0.00"), vals("1")), ""},
		{"float -0 and 0 are peers", Query{Ordered: true, Keys: []int{0}}, res([]string{"double precision"}, vals("-0"), vals("0"), vals("1.5")),
			res([]string{"double precision"}, vals("0"), vals("-0"), vals("1.5")), ""},
		{"numeric text still exact", Query{Ordered: true, Keys: []int{0}}, res([]string{"numeric"}, vals("0.00"), vals("1")),
			res([]string{"numeric"}, vals("0"), vals("1")), KindValues},
		{"text peers are not by value", Query{Ordered: true, Keys: []int{0}}, res([]string{"text"}, vals("0.00"), vals("0")),
			res([]string{"text"}, vals("0"), vals("0.00")), KindOrder},
		{"same error code", Query{}, failed("22012"), failed("22012"), ""},
		{"wrong code", Query{}, failed("22012"), failed("22003"), KindWrongSQLSTATE},
		{"missing error", Query{}, failed("22012"), base, KindMissingError},
		{"unexpected error", Query{}, base, failed("42601"), KindUnexpectedError},
	}
	for _, tc := range tests {
		m := Compare(tc.q, tc.want, tc.got)
		kind := ""
		if m != nil {
			kind = m.Kind
		}
		if kind != tc.kind {
			t.Errorf("%s: kind %q, want %q (%v)", tc.name, kind, tc.kind, m)
		}
	}
}

func TestClass(t *testing.T) {
	a := &Mismatch{Kind: KindUnexpectedError, Got: Result{Failed: true, Code: "0A000", Message: `function "foo" with 3 arguments is not supported`}}
	b := &Mismatch{Kind: KindUnexpectedError, Got: Result{Failed: true, Code: "0A000", Message: `function "bar" with 12 arguments is not supported`}}
	if a.Class() != b.Class() {
		t.Errorf("classes differ: %q vs %q", a.Class(), b.Class())
	}
}
