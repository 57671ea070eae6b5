package funcs

import (
	"bytes"
	"math"
	"math/big"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// Agg is one row of pg_aggregate with its implementation (F10-F13). The
// state is a Go value owned by one aggregation (one group, one window
// partition); its representation is private to the aggregate.
type Agg struct {
	// TransFn, FinalFn and CombineFn name the pg_aggregate support
	// functions mirrored ("" when PostgreSQL has none).
	TransFn, FinalFn, CombineFn string
	// TransType is aggtranstype (types.Internal for an opaque state).
	TransType *types.T
	// SortOp is aggsortop: the operator whose first row gives the result
	// (min: <, max: >), so a planner can use an index; 0 for none.
	SortOp base.OID
	// StrictTrans: the transition function is strict, so the caller skips
	// rows where any argument is NULL (F11).
	StrictTrans bool
	// Init returns a fresh state (agginitval).
	Init func(ctx *FuncContext) any
	// Trans folds one row into the state and returns it (it may update the
	// state in place).
	Trans func(ctx *FuncContext, state any, args []types.Datum) (any, error)
	// Final computes the result from the state without changing it, so it
	// may be called again after more rows (F12).
	Final func(ctx *FuncContext, state any) (types.Datum, error)
	// Combine merges two partial states (for parallel or partial
	// aggregation); nil when the aggregate has none (F13).
	Combine func(ctx *FuncContext, a, b any) (any, error)
}

// AggRun is one running aggregation, a convenience for executors and
// tests: Add applies the strictness rule (F11), Result runs Final.
type AggRun struct {
	f     *Func
	ctx   *FuncContext
	state any
}

// NewAgg starts an aggregation of the aggregate function f.
func (f *Func) NewAgg(ctx *FuncContext) (*AggRun, error) {
	if f.Agg == nil {
		return nil, errInternal("%s is not an aggregate", f.Signature())
	}
	return &AggRun{f: f, ctx: ctx, state: f.Agg.Init(ctx)}, nil
}

// Add folds one input row.
func (r *AggRun) Add(args []types.Datum) error {
	if len(args) != len(r.f.Args) {
		return errInternal("%s: %d arguments, want %d", r.f.Signature(), len(args), len(r.f.Args))
	}
	for i, a := range args {
		if a == nil {
			if r.f.Agg.StrictTrans {
				return nil
			}
			continue
		}
		if !datumFits(r.ctx.argType(i, r.f.Args[i]), a) || !datumFits(r.f.Args[i], a) {
			return errInternal("%s: argument %d is not a %s datum", r.f.Signature(), i+1, r.f.Args[i])
		}
	}
	s, err := r.f.Agg.Trans(r.ctx, r.state, args)
	if err != nil {
		return err
	}
	r.state = s
	return nil
}

// Merge combines another run's state into this one (F13).
func (r *AggRun) Merge(o *AggRun) error {
	if r.f.Agg.Combine == nil {
		return errInternal("%s has no combine function", r.f.Signature())
	}
	s, err := r.f.Agg.Combine(r.ctx, r.state, o.state)
	if err != nil {
		return err
	}
	r.state = s
	return nil
}

// Result returns the aggregate's value for the rows added so far.
func (r *AggRun) Result() (types.Datum, error) { return r.f.Agg.Final(r.ctx, r.state) }

// aggregate registers an aggregate function.
func aggregate(oid base.OID, mode, sig string, a *Agg) *Func {
	f := newFunc(oid, mode, sig, "aggregate_dummy", KindAggregate)
	f.Agg = a
	return f
}

func init() {
	// count
	cnt := func(strict bool, trans string) *Agg {
		return &Agg{TransFn: trans, CombineFn: "int8pl", TransType: types.Int8, StrictTrans: strict,
			Init: func(*FuncContext) any { return new(int64) },
			Trans: func(_ *FuncContext, s any, _ []types.Datum) (any, error) {
				*s.(*int64)++
				return s, nil
			},
			Final: func(_ *FuncContext, s any) (types.Datum, error) { return *s.(*int64), nil },
			Combine: func(_ *FuncContext, a, b any) (any, error) {
				*a.(*int64) += *b.(*int64)
				return a, nil
			},
		}
	}
	aggregate(2803, "i", "count() int8", cnt(false, "int8inc"))
	aggregate(2147, "i", "count(any) int8", cnt(true, "int8inc_any"))

	// sum
	aggregate(2108, "i", "sum(int4) int8", intSum("int4_sum"))
	aggregate(2109, "i", "sum(int2) int8", intSum("int2_sum"))
	aggregate(2107, "i", "sum(int8) numeric", bigSum(false))
	aggregate(2110, "i", "sum(float4) float4", floatSum(true))
	aggregate(2111, "i", "sum(float8) float8", floatSum(false))
	aggregate(2114, "i", "sum(numeric) numeric", numSum(false))
	aggregate(2113, "i", "sum(interval) interval", intervalSum(false))

	// avg
	aggregate(2101, "i", "avg(int4) numeric", bigSum(true))
	aggregate(2102, "i", "avg(int2) numeric", bigSum(true))
	aggregate(2100, "i", "avg(int8) numeric", bigSum(true))
	aggregate(2103, "i", "avg(numeric) numeric", numSum(true))
	aggregate(2104, "i", "avg(float4) float8", floatStats(statAvg, "float4_accum"))
	aggregate(2105, "i", "avg(float8) float8", floatStats(statAvg, "float8_accum"))
	aggregate(2106, "i", "avg(interval) interval", intervalSum(true))

	// min / max
	for _, m := range []struct {
		min, max     base.OID
		typ          string
		ltOp, gtOp   base.OID
		transSmaller string
	}{
		{2131, 2115, "int8", 412, 413, "int8"}, {2132, 2116, "int4", 97, 521, "int4"}, {2133, 2117, "int2", 95, 520, "int2"},
		{2134, 2118, "oid", 609, 610, "oid"}, {2135, 2119, "float4", 622, 623, "float4"},
		{2136, 2120, "float8", 672, 674, "float8"}, {2138, 2122, "date", 1095, 1097, "date_"},
		{2139, 2123, "time", 1110, 1112, "time_"}, {2142, 2126, "timestamp", 2062, 2064, "timestamp_"},
		{2143, 2127, "timestamptz", 1322, 1324, "timestamptz_"}, {2144, 2128, "interval", 1332, 1334, "interval_"},
		{2145, 2129, "text", 664, 666, "text_"}, {2146, 2130, "numeric", 1754, 1756, "numeric_"},
		{2245, 2244, "bpchar", 1058, 1060, "bpchar_"}, {2798, 2797, "tid", 2799, 2800, "tid"},
		{2051, 2050, "anyarray", 1072, 1073, "array_"},
	} {
		smaller, larger := m.transSmaller+"smaller", m.transSmaller+"larger"
		aggregate(m.min, "i", "min("+m.typ+") "+m.typ, minMax(false, m.ltOp, smaller))
		aggregate(m.max, "i", "max("+m.typ+") "+m.typ, minMax(true, m.gtOp, larger))
	}

	// bool_and / bool_or / every
	aggregate(2517, "i", "bool_and(bool) bool", boolAgg(true, 58, "booland_statefunc"))
	aggregate(2518, "i", "bool_or(bool) bool", boolAgg(false, 59, "boolor_statefunc"))
	aggregate(2519, "i", "every(bool) bool", boolAgg(true, 58, "booland_statefunc"))

	// string_agg, array_agg, json
	aggregate(3538, "i", "string_agg(text, text) text", stringAgg(false))
	aggregate(3545, "i", "string_agg(bytea, bytea) bytea", stringAgg(true))
	aggregate(2335, "i", "array_agg(anynonarray) anyarray", arrayAgg())
	aggregate(4053, "i", "array_agg(anyarray) anyarray", arrayAggArray())
	aggregate(3267, "s", "jsonb_agg(anyelement) jsonb", jsonAgg(true))
	aggregate(3175, "s", "json_agg(anyelement) json", jsonAgg(false))
	aggregate(3270, "i", "jsonb_object_agg(any, any) jsonb", jsonObjectAgg(true))
	aggregate(3197, "s", "json_object_agg(any, any) json", jsonObjectAgg(false))

	// statistics
	for _, s := range []struct {
		name                    string
		kind                    int
		i8, i4, i2, f4, f8, num base.OID
	}{
		{"variance", statVarSamp, 2148, 2149, 2150, 2151, 2152, 2153},
		{"var_samp", statVarSamp, 2641, 2642, 2643, 2644, 2645, 2646},
		{"var_pop", statVarPop, 2718, 2719, 2720, 2721, 2722, 2723},
		{"stddev", statStddevSamp, 2154, 2155, 2156, 2157, 2158, 2159},
		{"stddev_samp", statStddevSamp, 2712, 2713, 2714, 2715, 2716, 2717},
		{"stddev_pop", statStddevPop, 2724, 2725, 2726, 2727, 2728, 2729},
	} {
		aggregate(s.i8, "i", s.name+"(int8) numeric", numStats(s.kind, "int8_accum"))
		aggregate(s.i4, "i", s.name+"(int4) numeric", numStats(s.kind, "int4_accum"))
		aggregate(s.i2, "i", s.name+"(int2) numeric", numStats(s.kind, "int2_accum"))
		aggregate(s.f4, "i", s.name+"(float4) float8", floatStats(s.kind, "float4_accum"))
		aggregate(s.f8, "i", s.name+"(float8) float8", floatStats(s.kind, "float8_accum"))
		aggregate(s.num, "i", s.name+"(numeric) numeric", numStats(s.kind, "numeric_accum"))
	}
}

// --- sum and avg ---

type intSumState struct {
	sum int64
	any bool
}

func intSum(trans string) *Agg {
	return &Agg{TransFn: trans, CombineFn: "int8pl", TransType: types.Int8, StrictTrans: true,
		Init: func(*FuncContext) any { return &intSumState{} },
		Trans: func(_ *FuncContext, s any, a []types.Datum) (any, error) {
			st := s.(*intSumState)
			st.sum += i64(a[0])
			st.any = true
			return st, nil
		},
		Final: func(_ *FuncContext, s any) (types.Datum, error) {
			st := s.(*intSumState)
			if !st.any {
				return nil, nil
			}
			return st.sum, nil
		},
		Combine: func(_ *FuncContext, a, b any) (any, error) {
			x, y := a.(*intSumState), b.(*intSumState)
			x.sum += y.sum
			x.any = x.any || y.any
			return x, nil
		},
	}
}

// bigState sums integers exactly (int8_avg_accum's int128 state).
type bigState struct {
	n   int64
	sum big.Int
}

func bigSum(avg bool) *Agg {
	a := &Agg{TransFn: "int8_avg_accum", CombineFn: "int8_avg_combine", TransType: types.Internal, StrictTrans: true,
		Init: func(*FuncContext) any { return &bigState{} },
		Trans: func(_ *FuncContext, s any, a []types.Datum) (any, error) {
			st := s.(*bigState)
			st.n++
			st.sum.Add(&st.sum, big.NewInt(i64(a[0])))
			return st, nil
		},
		Combine: func(_ *FuncContext, a, b any) (any, error) {
			x, y := a.(*bigState), b.(*bigState)
			x.n += y.n
			x.sum.Add(&x.sum, &y.sum)
			return x, nil
		},
	}
	if avg {
		a.FinalFn = "numeric_poly_avg"
		a.Final = func(_ *FuncContext, s any) (types.Datum, error) {
			st := s.(*bigState)
			if st.n == 0 {
				return nil, nil
			}
			return numDiv(bigNum(new(big.Int).Set(&st.sum), 0), intNum(st.n))
		}
	} else {
		a.FinalFn = "numeric_poly_sum"
		a.Final = func(_ *FuncContext, s any) (types.Datum, error) {
			st := s.(*bigState)
			if st.n == 0 {
				return nil, nil
			}
			return bigNum(new(big.Int).Set(&st.sum), 0), nil
		}
	}
	return a
}

func floatSum(single bool) *Agg {
	name := "float8pl"
	if single {
		name = "float4pl"
	}
	type st struct {
		sum float64
		any bool
	}
	add := func(a, b float64) (float64, error) {
		r := a + b
		if single {
			r = float64(float32(r))
		}
		if math.IsInf(r, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
			return 0, errRange("value out of range: overflow")
		}
		return r, nil
	}
	return &Agg{TransFn: name, CombineFn: name, TransType: mustType(map[bool]string{true: "float4", false: "float8"}[single]),
		StrictTrans: true,
		Init:        func(*FuncContext) any { return &st{} },
		Trans: func(_ *FuncContext, s any, a []types.Datum) (any, error) {
			x := s.(*st)
			if !x.any {
				x.sum, x.any = f64(a[0]), true
				return x, nil
			}
			r, err := add(x.sum, f64(a[0]))
			x.sum = r
			return x, err
		},
		Final: func(_ *FuncContext, s any) (types.Datum, error) {
			x := s.(*st)
			if !x.any {
				return nil, nil
			}
			return x.sum, nil
		},
		Combine: func(_ *FuncContext, a, b any) (any, error) {
			x, y := a.(*st), b.(*st)
			if !y.any {
				return x, nil
			}
			if !x.any {
				*x = *y
				return x, nil
			}
			r, err := add(x.sum, y.sum)
			x.sum = r
			return x, err
		},
	}
}

type numSumState struct {
	n   int64
	sum *apd.Decimal
}

func numSum(avg bool) *Agg {
	a := &Agg{TransFn: "numeric_avg_accum", CombineFn: "numeric_avg_combine", TransType: types.Internal, StrictTrans: true,
		Init: func(*FuncContext) any { return &numSumState{sum: intNum(0)} },
		Trans: func(_ *FuncContext, s any, a []types.Datum) (any, error) {
			st := s.(*numSumState)
			r, err := types.NumericAdd(st.sum, dec(a[0]))
			if err != nil {
				return nil, err
			}
			st.n++
			st.sum = r
			return st, nil
		},
		Combine: func(_ *FuncContext, a, b any) (any, error) {
			x, y := a.(*numSumState), b.(*numSumState)
			r, err := types.NumericAdd(x.sum, y.sum)
			if err != nil {
				return nil, err
			}
			x.n += y.n
			x.sum = r
			return x, nil
		},
	}
	if avg {
		a.FinalFn = "numeric_avg"
		a.Final = func(_ *FuncContext, s any) (types.Datum, error) {
			st := s.(*numSumState)
			if st.n == 0 {
				return nil, nil
			}
			return types.NumericDiv(st.sum, intNum(st.n))
		}
	} else {
		a.FinalFn = "numeric_sum"
		a.Final = func(_ *FuncContext, s any) (types.Datum, error) {
			st := s.(*numSumState)
			if st.n == 0 {
				return nil, nil
			}
			return st.sum, nil
		}
	}
	return a
}

type ivSumState struct {
	n   int64
	sum types.IntervalVal
}

func intervalSum(avg bool) *Agg {
	a := &Agg{TransFn: "interval_pl", CombineFn: "interval_pl", TransType: types.Interval, StrictTrans: true,
		Init: func(*FuncContext) any { return &ivSumState{} },
		Trans: func(_ *FuncContext, s any, a []types.Datum) (any, error) {
			st := s.(*ivSumState)
			r, err := types.IntervalAdd(st.sum, a[0].(types.IntervalVal))
			if err != nil {
				return nil, err
			}
			st.n++
			st.sum = r
			return st, nil
		},
		Combine: func(_ *FuncContext, a, b any) (any, error) {
			x, y := a.(*ivSumState), b.(*ivSumState)
			r, err := types.IntervalAdd(x.sum, y.sum)
			if err != nil {
				return nil, err
			}
			x.n += y.n
			x.sum = r
			return x, nil
		},
		Final: func(_ *FuncContext, s any) (types.Datum, error) {
			st := s.(*ivSumState)
			if st.n == 0 {
				return nil, nil
			}
			if !avg {
				return st.sum, nil
			}
			return types.IntervalDiv(st.sum, float64(st.n))
		},
	}
	if avg {
		a.TransFn, a.FinalFn, a.CombineFn, a.TransType = "interval_accum", "interval_avg", "interval_combine", types.IntervalArray
	}
	return a
}

// --- min / max ---

type minMaxState struct {
	v types.Datum
}

func minMax(isMax bool, sortOp base.OID, fn string) *Agg {
	pick := func(ctx *FuncContext, st *minMaxState, v types.Datum) {
		if st.v == nil {
			st.v = v
			return
		}
		t := ctx.argType(0, guessType(v))
		c := types.Compare(t, v, st.v)
		// int8larger etc. return the second argument on ties
		if (isMax && c >= 0) || (!isMax && c <= 0) {
			st.v = v
		}
	}
	return &Agg{TransFn: fn, CombineFn: fn, TransType: types.AnyElement, SortOp: sortOp, StrictTrans: true,
		Init: func(*FuncContext) any { return &minMaxState{} },
		Trans: func(ctx *FuncContext, s any, a []types.Datum) (any, error) {
			st := s.(*minMaxState)
			pick(ctx, st, a[0])
			return st, nil
		},
		Final: func(_ *FuncContext, s any) (types.Datum, error) { return s.(*minMaxState).v, nil },
		Combine: func(ctx *FuncContext, a, b any) (any, error) {
			x, y := a.(*minMaxState), b.(*minMaxState)
			if y.v != nil {
				pick(ctx, x, y.v)
			}
			return x, nil
		},
	}
}

func boolAgg(and bool, sortOp base.OID, fn string) *Agg {
	type st struct{ v, any bool }
	return &Agg{TransFn: fn, CombineFn: fn, TransType: types.Bool, SortOp: sortOp, StrictTrans: true,
		Init: func(*FuncContext) any { return &st{v: and} },
		Trans: func(_ *FuncContext, s any, a []types.Datum) (any, error) {
			x := s.(*st)
			b, _ := a[0].(bool)
			if and {
				x.v = x.v && b
			} else {
				x.v = x.v || b
			}
			x.any = true
			return x, nil
		},
		Final: func(_ *FuncContext, s any) (types.Datum, error) {
			x := s.(*st)
			if !x.any {
				return nil, nil
			}
			return x.v, nil
		},
		Combine: func(_ *FuncContext, a, b any) (any, error) {
			x, y := a.(*st), b.(*st)
			if !y.any {
				return x, nil
			}
			if !x.any {
				*x = *y
				return x, nil
			}
			if and {
				x.v = x.v && y.v
			} else {
				x.v = x.v || y.v
			}
			return x, nil
		},
	}
}

// --- string_agg, array_agg ---

type strAggState struct {
	buf bytes.Buffer
	any bool
}

// stringAgg mirrors string_agg_transfn (PostgreSQL 15): NULL values are
// skipped; the first value's delimiter is not written; a NULL delimiter
// adds nothing.
func stringAgg(bytea bool) *Agg {
	trans, final := "string_agg_transfn", "string_agg_finalfn"
	if bytea {
		trans, final = "bytea_string_agg_transfn", "bytea_string_agg_finalfn"
	}
	get := func(d types.Datum) []byte {
		if bytea {
			return byt(d)
		}
		return []byte(str(d))
	}
	return &Agg{TransFn: trans, FinalFn: final, TransType: types.Internal,
		Init: func(*FuncContext) any { return &strAggState{} },
		Trans: func(_ *FuncContext, s any, a []types.Datum) (any, error) {
			st := s.(*strAggState)
			if a[0] == nil {
				return st, nil
			}
			if st.any && a[1] != nil {
				st.buf.Write(get(a[1]))
			}
			st.any = true
			st.buf.Write(get(a[0]))
			if st.buf.Len() > maxAlloc {
				return nil, pgerr.New(pgerr.ProgramLimitExceeded, "out of memory").
					WithDetail("Cannot enlarge string buffer containing %d bytes.", st.buf.Len())
			}
			return st, nil
		},
		Final: func(_ *FuncContext, s any) (types.Datum, error) {
			st := s.(*strAggState)
			if !st.any {
				return nil, nil
			}
			if bytea {
				return append([]byte{}, st.buf.Bytes()...), nil
			}
			return st.buf.String(), nil
		},
	}
}

type arrAggState struct {
	elems []types.Datum
	any   bool
	// array_agg(anyarray): the common inner shape
	dims, lbounds []int32
}

func elemOf(ctx *FuncContext, d types.Datum) *types.T {
	return ctx.argType(0, guessType(d))
}

func arrayAgg() *Agg {
	return &Agg{TransFn: "array_agg_transfn", FinalFn: "array_agg_finalfn", TransType: types.Internal,
		Init: func(*FuncContext) any { return &arrAggState{} },
		Trans: func(_ *FuncContext, s any, a []types.Datum) (any, error) {
			st := s.(*arrAggState)
			st.elems = append(st.elems, a[0])
			st.any = true
			return st, nil
		},
		Final: func(ctx *FuncContext, s any) (types.Datum, error) {
			st := s.(*arrAggState)
			if !st.any {
				return nil, nil
			}
			var elem *types.T
			for _, e := range st.elems {
				if e != nil {
					elem = elemOf(ctx, e)
					break
				}
			}
			if elem == nil {
				elem = ctx.argType(0, types.Text)
			}
			return types.NewArray(elem, append([]types.Datum(nil), st.elems...)), nil
		},
	}
}

// arrayAggArray mirrors accumArrayResultArr: the inputs become slices of
// a one-dimension-higher array and must all have the same shape.
func arrayAggArray() *Agg {
	return &Agg{TransFn: "array_agg_array_transfn", FinalFn: "array_agg_array_finalfn", TransType: types.Internal,
		Init: func(*FuncContext) any { return &arrAggState{} },
		Trans: func(_ *FuncContext, s any, a []types.Datum) (any, error) {
			st := s.(*arrAggState)
			if a[0] == nil {
				return nil, pgerr.New(pgerr.NullValueNotAllowed, "cannot accumulate null arrays")
			}
			x := arr(a[0])
			if len(x.Dims) == 0 {
				return nil, pgerr.New(pgerr.ArraySubscriptError, "cannot accumulate empty arrays")
			}
			if !st.any {
				if len(x.Dims)+1 > types.MaxArrayDims {
					return nil, pgerr.New(pgerr.ProgramLimitExceeded, "number of array dimensions (%d) exceeds the maximum allowed (%d)",
						len(x.Dims)+1, types.MaxArrayDims)
				}
				st.dims = append([]int32(nil), x.Dims...)
				st.lbounds = append([]int32(nil), x.LBounds...)
			} else {
				same := len(x.Dims) == len(st.dims)
				for i := 0; same && i < len(x.Dims); i++ {
					same = x.Dims[i] == st.dims[i] && x.LBounds[i] == st.lbounds[i]
				}
				if !same {
					return nil, pgerr.New(pgerr.ArraySubscriptError, "cannot accumulate arrays of different dimensionality")
				}
			}
			st.any = true
			st.elems = append(st.elems, x.Elems...)
			return st, nil
		},
		Final: func(ctx *FuncContext, s any) (types.Datum, error) {
			st := s.(*arrAggState)
			if !st.any {
				return nil, nil
			}
			n := int32(len(st.elems)) / max(product(st.dims), 1)
			at := ctx.argType(0, nil)
			var elem *types.T
			if at != nil && at.Elem != nil {
				elem = at.Elem
			}
			return &types.Array{Elem: elem, Elems: append([]types.Datum(nil), st.elems...),
				Dims: append([]int32{n}, st.dims...), LBounds: append([]int32{1}, st.lbounds...)}, nil
		},
	}
}

func product(d []int32) int32 {
	p := int32(1)
	for _, x := range d {
		p *= x
	}
	return p
}

// --- json aggregates ---

type jsonAggState struct {
	nodes []*jnode // jsonb
	texts []string // json
	keys  []string // object aggregates
	any   bool
}

func jsonAgg(jsonb bool) *Agg {
	trans, final := "json_agg_transfn", "json_agg_finalfn"
	if jsonb {
		trans, final = "jsonb_agg_transfn", "jsonb_agg_finalfn"
	}
	return &Agg{TransFn: trans, FinalFn: final, TransType: types.Internal,
		Init: func(*FuncContext) any { return &jsonAggState{} },
		Trans: func(ctx *FuncContext, s any, a []types.Datum) (any, error) {
			st := s.(*jsonAggState)
			t := ctx.argType(0, guessType(a[0]))
			st.any = true
			if jsonb {
				n, err := toJSONNode(ctx, t, a[0])
				if err != nil {
					return nil, err
				}
				st.nodes = append(st.nodes, n)
				return st, nil
			}
			txt, err := toJSONText(ctx, t, a[0])
			if err != nil {
				return nil, err
			}
			st.texts = append(st.texts, txt)
			return st, nil
		},
		Final: func(_ *FuncContext, s any) (types.Datum, error) {
			st := s.(*jsonAggState)
			if !st.any {
				return nil, nil
			}
			if jsonb {
				return jsonbText(&jnode{kind: 'a', elems: st.nodes}), nil
			}
			return "[" + strings.Join(st.texts, ", ") + "]", nil
		},
	}
}

func jsonObjectAgg(jsonb bool) *Agg {
	trans, final := "json_object_agg_transfn", "json_object_agg_finalfn"
	if jsonb {
		trans, final = "jsonb_object_agg_transfn", "jsonb_object_agg_finalfn"
	}
	return &Agg{TransFn: trans, FinalFn: final, TransType: types.Internal,
		Init: func(*FuncContext) any { return &jsonAggState{} },
		Trans: func(ctx *FuncContext, s any, a []types.Datum) (any, error) {
			st := s.(*jsonAggState)
			k, err := jsonKey(ctx, ctx.argType(0, guessType(a[0])), a[0], 1, true, jsonb)
			if err != nil {
				return nil, err
			}
			vt := ctx.argType(1, guessType(a[1]))
			st.any = true
			st.keys = append(st.keys, k)
			if jsonb {
				n, err := toJSONNode(ctx, vt, a[1])
				if err != nil {
					return nil, err
				}
				st.nodes = append(st.nodes, n)
				return st, nil
			}
			txt, err := toJSONText(ctx, vt, a[1])
			if err != nil {
				return nil, err
			}
			st.texts = append(st.texts, txt)
			return st, nil
		},
		Final: func(_ *FuncContext, s any) (types.Datum, error) {
			st := s.(*jsonAggState)
			if !st.any {
				return nil, nil
			}
			if jsonb {
				n := &jnode{kind: 'o', keys: append([]string(nil), st.keys...), vals: append([]*jnode(nil), st.nodes...)}
				canonObject(n)
				return jsonbText(n), nil
			}
			var b strings.Builder
			b.WriteString("{ ")
			for i, k := range st.keys {
				if i > 0 {
					b.WriteString(", ")
				}
				escapeJSON(&b, k)
				b.WriteString(" : ")
				b.WriteString(st.texts[i])
			}
			b.WriteString(" }")
			return b.String(), nil
		},
	}
}

// --- variance and standard deviation ---

const (
	statAvg = iota
	statVarSamp
	statVarPop
	statStddevSamp
	statStddevPop
)

// floatStats mirrors float8_accum (Youngs-Cramer N, Sx, Sxx) and the
// float8_avg / float8_var_* / float8_stddev_* finals.
func floatStats(kind int, trans string) *Agg {
	type st struct{ n, sx, sxx float64 }
	finals := []string{"float8_avg", "float8_var_samp", "float8_var_pop", "float8_stddev_samp", "float8_stddev_pop"}
	return &Agg{TransFn: trans, FinalFn: finals[kind], CombineFn: "float8_combine", TransType: types.Float8Array,
		StrictTrans: true,
		Init:        func(*FuncContext) any { return &st{} },
		Trans: func(_ *FuncContext, s any, a []types.Datum) (any, error) {
			x := s.(*st)
			v := f64(a[0])
			n := x.n + 1
			sx := x.sx + v
			sxx := x.sxx
			if x.n > 0 {
				tmp := v*n - sx
				sxx += tmp * tmp / (n * x.n)
				if math.IsInf(sx, 0) || math.IsInf(sxx, 0) {
					if !math.IsInf(x.sx, 0) && !math.IsInf(v, 0) {
						return nil, errRange("value out of range: overflow")
					}
					sxx = math.NaN()
				}
			} else if math.IsInf(v, 0) || math.IsNaN(v) {
				sxx = math.NaN()
			}
			x.n, x.sx, x.sxx = n, sx, sxx
			return x, nil
		},
		Combine: func(_ *FuncContext, a, b any) (any, error) {
			x, y := a.(*st), b.(*st)
			switch {
			case y.n == 0:
			case x.n == 0:
				*x = *y
			default:
				n := x.n + y.n
				sx := x.sx + y.sx
				if math.IsInf(sx, 0) && !math.IsInf(x.sx, 0) && !math.IsInf(y.sx, 0) {
					return nil, errRange("value out of range: overflow")
				}
				tmp := x.sx/x.n - y.sx/y.n
				sxx := x.sxx + y.sxx + x.n*y.n*tmp*tmp/n
				if math.IsInf(sxx, 0) && !math.IsInf(x.sxx, 0) && !math.IsInf(y.sxx, 0) {
					return nil, errRange("value out of range: overflow")
				}
				x.n, x.sx, x.sxx = n, sx, sxx
			}
			return x, nil
		},
		Final: func(_ *FuncContext, s any) (types.Datum, error) {
			x := s.(*st)
			switch kind {
			case statAvg:
				if x.n == 0 {
					return nil, nil
				}
				return x.sx / x.n, nil
			case statVarPop, statStddevPop:
				if x.n == 0 {
					return nil, nil
				}
				r := x.sxx / x.n
				if kind == statStddevPop {
					r = math.Sqrt(r)
				}
				return r, nil
			}
			if x.n <= 1 {
				return nil, nil
			}
			r := x.sxx / (x.n - 1)
			if kind == statStddevSamp {
				r = math.Sqrt(r)
			}
			return r, nil
		},
	}
}

// numStatState is NumericAggState's N, sumX, sumX2 and the special
// value counts.
type numStatState struct {
	n           int64
	sumX, sumX2 *apd.Decimal
	nan, inf    int64
}

// numStats mirrors numeric_accum / int8_accum / int4_accum and
// numeric_stddev_internal.
func numStats(kind int, trans string) *Agg {
	finals := map[int]string{statVarSamp: "numeric_var_samp", statVarPop: "numeric_var_pop",
		statStddevSamp: "numeric_stddev_samp", statStddevPop: "numeric_stddev_pop"}
	combine := "numeric_combine"
	if trans == "int4_accum" || trans == "int2_accum" {
		finals = map[int]string{statVarSamp: "numeric_poly_var_samp", statVarPop: "numeric_poly_var_pop",
			statStddevSamp: "numeric_poly_stddev_samp", statStddevPop: "numeric_poly_stddev_pop"}
		combine = "numeric_poly_combine"
	}
	return &Agg{TransFn: trans, FinalFn: finals[kind], CombineFn: combine, TransType: types.Internal, StrictTrans: true,
		Init: func(*FuncContext) any { return &numStatState{sumX: intNum(0), sumX2: intNum(0)} },
		Trans: func(_ *FuncContext, s any, a []types.Datum) (any, error) {
			st := s.(*numStatState)
			var x *apd.Decimal
			if v, ok := a[0].(int64); ok {
				x = intNum(v)
			} else {
				x = dec(a[0])
			}
			st.n++
			switch {
			case isNaN(x):
				st.nan++
				return st, nil
			case isInf(x):
				st.inf++
				return st, nil
			}
			sq, err := types.NumericMul(x, x)
			if err != nil {
				return nil, err
			}
			if st.sumX, err = types.NumericAdd(st.sumX, x); err != nil {
				return nil, err
			}
			if st.sumX2, err = types.NumericAdd(st.sumX2, sq); err != nil {
				return nil, err
			}
			return st, nil
		},
		Combine: func(_ *FuncContext, a, b any) (any, error) {
			x, y := a.(*numStatState), b.(*numStatState)
			var err error
			x.n += y.n
			x.nan += y.nan
			x.inf += y.inf
			if x.sumX, err = types.NumericAdd(x.sumX, y.sumX); err != nil {
				return nil, err
			}
			if x.sumX2, err = types.NumericAdd(x.sumX2, y.sumX2); err != nil {
				return nil, err
			}
			return x, nil
		},
		Final: func(_ *FuncContext, s any) (types.Datum, error) {
			st := s.(*numStatState)
			sample := kind == statVarSamp || kind == statStddevSamp
			if st.n == 0 || (sample && st.n == 1) {
				return nil, nil
			}
			if st.nan > 0 || st.inf > 0 {
				return nanNum(), nil
			}
			n := intNum(st.n)
			sq, err := types.NumericMul(st.sumX, st.sumX)
			if err != nil {
				return nil, err
			}
			nx2, err := types.NumericMul(n, st.sumX2)
			if err != nil {
				return nil, err
			}
			num, err := types.NumericSub(nx2, sq)
			if err != nil {
				return nil, err
			}
			if num.Sign() <= 0 {
				return intNum(0), nil
			}
			m := st.n // N * N, or N * (N - 1) for the sample statistics
			if sample {
				m = st.n - 1
			}
			dd := bigNum(new(big.Int).Mul(big.NewInt(st.n), big.NewInt(m)), 0)
			rscale := selectDivScale(num, dd)
			v, err := divScale(num, dd, rscale)
			if err != nil {
				return nil, err
			}
			if kind == statStddevSamp || kind == statStddevPop {
				return sqrtScale(v, rscale)
			}
			return v, nil
		},
	}
}

// sqrtScale is sqrt_var at a given scale.
func sqrtScale(x *apd.Decimal, rscale int) (*apd.Decimal, error) {
	c := x.Coeff.MathBigInt()
	shift := 2*(rscale+1) + int(x.Exponent)
	if shift >= 0 {
		c.Mul(c, pow10(shift))
	} else {
		c.Quo(c, pow10(-shift))
	}
	r := new(big.Int).Sqrt(c)
	return checkNum(bigNum(roundQuo(r, big.NewInt(10)), int32(-rscale)))
}
