package funcs

import (
	"math/big"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/sql/types"
)

// Catalog-free system information functions: pg_size_pretty. The ones that read the catalog are the session's
// (sql/session/introspect_funcs.go).

func init() {
	proc(2288, "is", "pg_size_pretty(int8) text", "pg_size_pretty", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return SizePretty(big.NewInt(a[0].(int64))), nil
	})
	proc(3166, "is", "pg_size_pretty(numeric) text", "pg_size_pretty_numeric", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		d := a[0].(*apd.Decimal)
		if d.Form != apd.Finite {
			// NaN and infinities pass every limit: the last unit.
			return types.Format(types.Numeric, d) + " PB", nil
		}
		if d.Exponent < 0 {
			// A fraction prints as it is while it is below the first
			// limit; larger values are divided (truncating) anyway.
			tr := new(apd.Decimal)
			c := apd.BaseContext.WithPrecision(1000)
			c.Rounding = apd.RoundDown
			_, _ = c.Quantize(tr, d, 0)
			abs := new(big.Int).Abs(bigOf(tr))
			if abs.Cmp(big.NewInt(10*1024)) < 0 {
				return types.Format(types.Numeric, d) + " bytes", nil
			}
			return SizePretty(bigOf(tr)), nil
		}
		return SizePretty(bigOf(d)), nil
	})
}

// bigOf returns an integral decimal as a big.Int.
func bigOf(d *apd.Decimal) *big.Int {
	v, ok := new(big.Int).SetString(strings.TrimSpace(d.Text('f')), 10)
	if !ok {
		return new(big.Int)
	}
	return v
}

// sizeUnits is PostgreSQL 15's size_pretty_units.
var sizeUnits = []struct {
	name  string
	limit int64
	round bool
	bits  uint
}{{"bytes", 10 * 1024, false, 0}, {"kB", 20*1024 - 1, true, 10}, {"MB", 20*1024 - 1, true, 20},
	{"GB", 20*1024 - 1, true, 30}, {"TB", 20*1024 - 1, true, 40}, {"PB", 20*1024 - 1, true, 50}}

// SizePretty renders a byte count as pg_size_pretty does: bytes below
// 10 kB, then kB, MB, GB, TB, PB, half-rounded.
func SizePretty(size *big.Int) string {
	size = new(big.Int).Set(size)
	for i, u := range sizeUnits {
		last := i == len(sizeUnits)-1
		if last || new(big.Int).Abs(size).Cmp(big.NewInt(u.limit)) < 0 {
			if u.round {
				one := big.NewInt(1)
				if size.Sign() < 0 {
					one.Neg(one)
				}
				size.Add(size, one)
				size.Quo(size, big.NewInt(2))
			}
			return size.String() + " " + u.name
		}
		next := sizeUnits[i+1]
		bits := next.bits - u.bits
		if next.round {
			bits--
		}
		if u.round {
			bits++
		}
		size.Quo(size, new(big.Int).Lsh(big.NewInt(1), bits))
	}
	return size.String()
}
