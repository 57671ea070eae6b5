package funcs

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/sql/types"
)

// datumGen makes random datums of a type from a seed: edge values
// (zero, extremes, NaN, infinities, empty strings and arrays) are
// frequent.
type datumGen struct {
	r *rand.Rand
}

var fuzzStrings = []string{"", "a", "abc", "héllo wörld", " x ", "%", "_", "\\", "(", "[a-", "a*", "9,999.99", "FM9.99EEEE",
	"YYYY-MM-DD HH24:MI:SS", "Day Month DDth IW", "RN", "S9999PR", "\"x\"", "{\"a\":1}", "[1,2]", "null", "1e5", "week",
	"epoch", "month", "microseconds", "America/New_York", "g", "gi", "\x00", "\xff", strings.Repeat("9", 40), "0000.00V99",
	"SSSS", "J", "TZH:TZM", "Y,YYY", "FX", "ÀÉ"}

func (g *datumGen) str() string {
	if g.r.IntN(3) == 0 {
		b := make([]byte, g.r.IntN(12))
		for i := range b {
			b[i] = byte(32 + g.r.IntN(95))
		}
		return string(b)
	}
	return fuzzStrings[g.r.IntN(len(fuzzStrings))]
}

func (g *datumGen) int(lo, hi int64) int64 {
	switch g.r.IntN(6) {
	case 0:
		return lo
	case 1:
		return hi
	case 2:
		return 0
	case 3:
		return int64(g.r.IntN(21)) - 10
	}
	return lo + int64(g.r.Uint64()%uint64(hi-lo))
}

func (g *datumGen) datum(t *types.T) types.Datum {
	if g.r.IntN(10) == 0 {
		return nil
	}
	if t.Elem != nil || t.OID == types.AnyArray.OID || t.OID == types.AnyCompatibleArray.OID {
		elem := t.Elem
		if elem == nil || elem.Pseudo {
			elem = types.Int4
		}
		n := g.r.IntN(5)
		elems := make([]types.Datum, n)
		for i := range elems {
			elems[i] = g.datum(elem)
		}
		a := types.NewArray(elem, elems)
		if n == 4 && g.r.IntN(2) == 0 {
			a.Dims, a.LBounds = []int32{2, 2}, []int32{1, 1}
		}
		if n > 0 && g.r.IntN(4) == 0 {
			a.LBounds[0] = int32(g.int(-3, 3))
		}
		return a
	}
	switch t.OID {
	case types.Bool.OID:
		return g.r.IntN(2) == 0
	case types.Int2.OID:
		return g.int(math.MinInt16, math.MaxInt16)
	case types.Int4.OID, types.Any.OID, types.AnyElement.OID, types.AnyCompatible.OID, types.AnyNonArray.OID:
		return g.int(math.MinInt32, math.MaxInt32)
	case types.Int8.OID:
		return g.int(math.MinInt64, math.MaxInt64)
	case types.Oid.OID, types.Regtype.OID:
		return g.int(0, math.MaxUint32)
	case types.Float4.OID, types.Float8.OID:
		fs := []float64{0, -0.0, 1, -1, 0.5, 2.5, 1e300, -1e300, 5e-324, math.NaN(), math.Inf(1), math.Inf(-1), 27, 123.456}
		f := fs[g.r.IntN(len(fs))]
		if t.OID == types.Float4.OID {
			f = float64(float32(f))
		}
		return f
	case types.Numeric.OID:
		ss := []string{"0", "1", "-1", "0.5", "2.5", "1e100", "-1e-100", "NaN", "Infinity", "-Infinity", "123456789.123456789",
			"0.000000000000000001", "99999999999999999999", "1e1000", "-0.0001", "3"}
		v, err := types.Parse(types.Numeric, -1, ss[g.r.IntN(len(ss))])
		if err != nil {
			return apd.New(0, 0)
		}
		return v
	case types.Text.OID, types.Varchar.OID, types.Name.OID, types.Unknown.OID, types.Cstring.OID:
		return g.str()
	case types.Bpchar.OID:
		return g.str() + "  "
	case types.Char.OID:
		return g.str()[:0]
	case types.Bytea.OID:
		return []byte(g.str())
	case types.JSON.OID, types.JSONB.OID:
		js := []string{`{}`, `[]`, `1`, `"x"`, `null`, `true`, `{"a": [1, 2, {"b": null}]}`, `[1, "a", 2.50]`}
		return js[g.r.IntN(len(js))]
	case types.Date.OID:
		ds := []types.DateVal{0, -1, 7000, types.DateNegInfinity, types.DatePosInfinity, -2451545, 2000000, -730000}
		return ds[g.r.IntN(len(ds))]
	case types.Time.OID:
		return types.TimeVal(g.int(0, 86400000000))
	case types.Timestamp.OID, types.Timestamptz.OID:
		ts := []types.TimestampVal{0, -1, 1e15, -1e15, types.TimestampNegInfinity, types.TimestampPosInfinity,
			-211813488000000000, 9223371331199999999, 631152000000000}
		return ts[g.r.IntN(len(ts))]
	case types.Interval.OID:
		return types.IntervalVal{Months: int32(g.int(math.MinInt32, math.MaxInt32)), Days: int32(g.int(-40, 40)),
			Micros: g.int(math.MinInt64, math.MaxInt64)}
	case types.UUID.OID:
		var u types.UUIDVal
		binary.LittleEndian.PutUint64(u[:], g.r.Uint64())
		return u
	}
	return g.str()
}

// concrete replaces pseudo-types with a consistent concrete choice.
func concrete(f *Func, g *datumGen) []*types.T {
	elem := []*types.T{types.Int4, types.Text, types.Numeric, types.Float8, types.Date, types.Bool}[g.r.IntN(6)]
	out := make([]*types.T, len(f.Args))
	for i, a := range f.Args {
		switch a.OID {
		case types.AnyElement.OID, types.AnyCompatible.OID, types.AnyNonArray.OID:
			out[i] = elem
		case types.AnyArray.OID, types.AnyCompatibleArray.OID:
			out[i] = elem.Array()
		case types.Any.OID:
			out[i] = []*types.T{types.Int4, types.Text, types.Numeric, types.Bool, types.JSONB, types.Int4Array}[g.r.IntN(6)]
		default:
			out[i] = a
		}
	}
	return out
}

func fuzzOne(t *testing.T, seed uint64) {
	g := &datumGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	fs := All()
	f := fs[g.r.IntN(len(fs))]
	argTypes := concrete(f, g)
	if f.Variadic != nil && f.Variadic.OID == types.Any.OID {
		for k := g.r.IntN(4); k > 0; k-- {
			argTypes = append(argTypes, []*types.T{types.Int4, types.Text, types.Float8}[g.r.IntN(3)])
		}
	}
	ret, err := ResolveReturn(f, argTypes)
	if err != nil {
		ret = f.Ret
	}
	sess := &types.Session{Now: func() time.Time { return time.Unix(1700000000, 0) }}
	if g.r.IntN(2) == 0 {
		sess.Location, _ = types.LoadLocation("America/New_York")
	}
	ctx := &FuncContext{Session: sess, ArgTypes: argTypes, RetType: ret, Rand: rand.New(rand.NewPCG(1, 2))}
	args := make([]types.Datum, len(argTypes))
	for i, at := range argTypes {
		args[i] = g.datum(at)
	}
	switch f.Name {
	case "lpad", "rpad", "repeat":
		// valid but slow: results up to 1 GB are allowed, as in PostgreSQL
		if v, ok := args[1].(int64); ok && v > 100000 {
			args[1] = int64(100000)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s%v panicked: %v", f.Signature(), args, r)
		}
	}()
	switch {
	case f.Impl != nil:
		_, _ = f.Call(ctx, args)
	case f.SRF != nil:
		next, err := f.CallSRF(ctx, args)
		for i := 0; err == nil && i < 50; i++ {
			var ok bool
			if _, ok, err = next(); !ok {
				break
			}
		}
	case f.Agg != nil:
		run, _ := f.NewAgg(ctx)
		for i := 0; i < 4; i++ {
			row := make([]types.Datum, len(argTypes))
			for k, at := range argTypes {
				row[k] = g.datum(at)
			}
			if run.Add(row) != nil {
				break
			}
			_, _ = run.Result()
		}
		other, _ := f.NewAgg(ctx)
		_ = other.Add(args)
		if f.Agg.Combine != nil {
			_ = run.Merge(other)
		}
		_, _ = run.Result()
	case f.Window != nil:
		p := &Partition{}
		for i := 0; i < 1+g.r.IntN(5); i++ {
			row := make([]types.Datum, len(argTypes))
			for k, at := range argTypes {
				row[k] = g.datum(at)
			}
			p.Args = append(p.Args, row)
			p.PeerGroup = append(p.PeerGroup, int64(g.r.IntN(3)))
		}
		_, _ = f.EvalPartition(ctx, p)
	}
}

// FuzzFuncs calls a random function with random arguments of its
// argument types: no call may panic (F5).
func FuzzFuncs(f *testing.F) {
	for _, s := range []uint64{1, 2, 3, 42, 1000, 123456789} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) { fuzzOne(t, seed) })
}

// TestRandomCalls runs the fuzz body over many seeds in the normal test
// run (every function gets called with many argument mixes).
func TestRandomCalls(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 2000
	}
	for s := 0; s < n; s++ {
		fuzzOne(t, uint64(s))
	}
}
