package types

import "testing"

func BenchmarkParseFormat(b *testing.B) {
	cases := []struct {
		t *T
		s string
	}{
		{Int4, "123456"}, {Float8, "3.141592653589793"}, {Numeric, "12345.6789"},
		{Timestamptz, "2024-01-15 10:20:30.5+02"}, {Interval, "1 day 02:03:04"}, {JSONB, `{"b": 1, "a": [1, 2]}`},
		{Int4Array, "{1,2,3,NULL}"},
	}
	for _, c := range cases {
		b.Run(c.t.Name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				d, err := Parse(c.t, -1, c.s)
				if err != nil {
					b.Fatal(err)
				}
				_ = Format(c.t, d)
			}
		})
	}
}

func BenchmarkEncodeDecodeNumeric(b *testing.B) {
	d, _ := Parse(Numeric, -1, "-12345678901234567890.0123456789")
	for i := 0; i < b.N; i++ {
		if _, err := Decode(Numeric, Encode(Numeric, d)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompareHash(b *testing.B) {
	x, _ := Parse(Numeric, -1, "1.50")
	y, _ := Parse(Numeric, -1, "1.5")
	for i := 0; i < b.N; i++ {
		if Compare(Numeric, x, y) != 0 || Hash(Numeric, x) != Hash(Numeric, y) {
			b.Fatal("unequal")
		}
	}
}
