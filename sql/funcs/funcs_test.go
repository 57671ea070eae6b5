package funcs

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

func one(t *testing.T, name string, argTypes ...*types.T) *Func {
	t.Helper()
	f, _, _, err := resolve(name, argTypes, KindNormal)
	require.NoError(t, err)
	return f
}

// TestRegistryShape checks the invariants every registered function keeps
// (README F1-F13).
func TestRegistryShape(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range All() {
		sig := f.Signature()
		require.False(t, seen[sig], "duplicate signature %s", sig)
		seen[sig] = true
		require.NotZero(t, f.OID, sig)
		got, ok := ByOID(f.OID)
		require.True(t, ok)
		require.Same(t, f, got)
		require.Contains(t, Lookup(f.Name), f)
		require.Contains(t, []Volatility{Immutable, Stable, Volatile}, f.Volatility, sig)
		impls := 0
		for _, set := range []bool{f.Impl != nil, f.SRF != nil, f.Agg != nil, f.Window != nil} {
			if set {
				impls++
			}
		}
		require.Equal(t, 1, impls, "%s must have exactly one implementation", sig)
		switch f.Kind {
		case KindNormal:
			require.Equal(t, f.RetSet, f.SRF != nil, sig)
		case KindAggregate:
			require.NotNil(t, f.Agg, sig)
			require.NotNil(t, f.Agg.Init, sig)
			require.NotNil(t, f.Agg.Trans, sig)
			require.NotNil(t, f.Agg.Final, sig)
			require.NotNil(t, f.Agg.TransType, sig)
		case KindWindow:
			require.NotNil(t, f.Window, sig)
		default:
			t.Fatalf("%s: kind %c", sig, f.Kind)
		}
		if f.Variadic != nil {
			last := f.Args[len(f.Args)-1]
			require.True(t, last.OID == types.Any.OID || last.Elem == f.Variadic, sig)
		}
		require.LessOrEqual(t, len(f.Defaults), len(f.Args), sig)
		for i, d := range f.Defaults {
			require.True(t, datumFits(f.Args[len(f.Args)-len(f.Defaults)+i], d), "%s default %d", sig, i)
		}
	}
	for _, name := range strings.Fields(`length substring position lower upper initcap btrim ltrim rtrim replace split_part
		concat concat_ws left right lpad rpad repeat reverse md5 starts_with string_to_array array_to_string regexp_replace
		abs ceil ceiling floor round trunc mod power pow sqrt cbrt exp ln log sign pi random now transaction_timestamp
		statement_timestamp clock_timestamp date_trunc extract date_part age to_char to_date to_timestamp make_date
		generate_series unnest array_length array_upper array_lower cardinality array_append array_prepend array_cat
		array_position jsonb_build_object jsonb_build_array to_jsonb jsonb_typeof jsonb_array_length json_build_object
		to_json gen_random_uuid version current_schema pg_typeof count sum avg min max bool_and bool_or every string_agg
		array_agg jsonb_agg jsonb_object_agg stddev stddev_samp stddev_pop variance var_samp var_pop row_number rank
		dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value`) {
		require.NotEmpty(t, Lookup(name), name)
	}
	require.Empty(t, Lookup("greatest"), "greatest/least/coalesce/nullif belong to the analyzer")
	require.Empty(t, Lookup("coalesce"))
}

// TestStrictNull: Call never runs a strict function's body with a NULL
// argument (F1); a non-strict one sees the NULL.
func TestStrictNull(t *testing.T) {
	f := one(t, "length", types.Text)
	require.True(t, f.Strict)
	d, err := f.Call(nil, []types.Datum{nil})
	require.NoError(t, err)
	require.Nil(t, d)

	c := one(t, "concat", types.Text)
	require.False(t, c.Strict)
	d, err = c.Call(&FuncContext{ArgTypes: []*types.T{types.Text, types.Text}}, []types.Datum{nil, "x"})
	require.NoError(t, err)
	require.Equal(t, "x", d)

	s := Lookup("generate_series")[0]
	next, err := s.CallSRF(nil, []types.Datum{nil, int64(3), int64(1)}[:len(s.Args)])
	require.NoError(t, err)
	_, ok, err := next()
	require.NoError(t, err)
	require.False(t, ok, "a strict SRF with a NULL argument returns no rows")
}

// TestCallChecksArguments: wrong counts or representations are errors,
// never panics (F5).
func TestCallChecksArguments(t *testing.T) {
	f := one(t, "length", types.Text)
	_, err := f.Call(nil, nil)
	require.Equal(t, pgerr.InternalError, pgerr.CodeOf(err))
	_, err = f.Call(nil, []types.Datum{int64(3)})
	require.Equal(t, pgerr.InternalError, pgerr.CodeOf(err))
	_, err = one(t, "array_length", types.Int4Array, types.Int4).Call(nil,
		[]types.Datum{&types.Array{Elem: types.Int4, Elems: []types.Datum{int64(1)}, Dims: []int32{2}, LBounds: []int32{1}}, int64(1)})
	require.Equal(t, pgerr.InternalError, pgerr.CodeOf(err), "array shape must be checked")
}

func TestClockFunctions(t *testing.T) {
	txn := time.Date(2024, 3, 10, 12, 30, 0, 0, time.UTC)
	stmt := txn.Add(2 * time.Second)
	wall := txn.Add(5 * time.Second)
	ctx := &FuncContext{
		Session:        &types.Session{Now: func() time.Time { return txn }},
		StatementStart: func() time.Time { return stmt },
		Clock:          func() time.Time { return wall },
	}
	for name, want := range map[string]time.Time{"now": txn, "transaction_timestamp": txn, "statement_timestamp": stmt,
		"clock_timestamp": wall} {
		d, err := one(t, name).Call(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, types.TimestampFromTime(want), d, name)
	}
	// without a statement clock, statement_timestamp is the transaction's
	d, err := one(t, "statement_timestamp").Call(&FuncContext{Session: ctx.Session}, nil)
	require.NoError(t, err)
	require.Equal(t, types.TimestampFromTime(txn), d)
	// age(ts) measures from midnight of the session's current date
	d, err = one(t, "age", types.Timestamp).Call(ctx, []types.Datum{types.TimestampFromTime(time.Date(2024, 1, 9, 0, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	require.Equal(t, types.IntervalVal{Months: 2, Days: 1}, d)
	d, err = one(t, "timeofday").Call(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, "Sun Mar 10 12:30:05.000000 2024 UTC", d)
}

func TestRandomAndUUID(t *testing.T) {
	ctx := &FuncContext{Rand: rand.New(rand.NewPCG(7, 7))}
	ctx2 := &FuncContext{Rand: rand.New(rand.NewPCG(7, 7))}
	r := one(t, "random")
	for i := 0; i < 100; i++ {
		a, err := r.Call(ctx, nil)
		require.NoError(t, err)
		b, _ := r.Call(ctx2, nil)
		require.Equal(t, a, b, "an injected source makes random() reproducible")
		require.GreaterOrEqual(t, a.(float64), 0.0)
		require.Less(t, a.(float64), 1.0)
	}
	u := one(t, "gen_random_uuid")
	a, err := u.Call(ctx, nil)
	require.NoError(t, err)
	s := types.Format(types.UUID, a)
	require.Equal(t, byte('4'), s[14], "version 4: %s", s)
	require.Contains(t, "89ab", string(s[19]), "RFC 4122 variant: %s", s)
	b, err := u.Call(nil, nil)
	require.NoError(t, err)
	require.NotEqual(t, a, b)
}

func TestSessionInfo(t *testing.T) {
	d, err := one(t, "version").Call(nil, nil)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(d.(string), "PostgreSQL 15."), d)
	d, _ = one(t, "current_schema").Call(nil, nil)
	require.Equal(t, "public", d)
	d, _ = one(t, "current_schema").Call(&FuncContext{Schema: "app"}, nil)
	require.Equal(t, "app", d)
	d, _ = one(t, "current_database").Call(&FuncContext{Database: "db1"}, nil)
	require.Equal(t, "db1", d)
	d, _ = one(t, "pg_typeof", types.Int4).Call(&FuncContext{ArgTypes: []*types.T{types.Int8Array}}, []types.Datum{nil})
	require.Equal(t, int64(types.Int8Array.OID), d, "pg_typeof is not strict and reports the static type")
}

func TestResolveReturn(t *testing.T) {
	for _, c := range []struct {
		name string
		args []*types.T
		want *types.T
	}{
		{"unnest", []*types.T{types.TextArray}, types.Text},
		{"array_agg", []*types.T{types.Int8}, types.Int8Array},
		{"array_append", []*types.T{types.Int4Array, types.Int4}, types.Int4Array},
		{"array_cat", []*types.T{types.Int4Array, types.Int8Array}, types.Int8Array},
		{"lag", []*types.T{types.Numeric, types.Int4, types.Numeric}, types.Numeric},
		{"length", []*types.T{types.Text}, types.Int4},
	} {
		var f *Func
		for _, k := range []Kind{KindNormal, KindAggregate, KindWindow} {
			if g, _, _, err := resolve(c.name, c.args, k); err == nil {
				f = g
				break
			}
		}
		require.NotNil(t, f, c.name)
		got, err := ResolveReturn(f, c.args)
		require.NoError(t, err, c.name)
		require.Equal(t, c.want, got, c.name)
	}
	f := Lookup("array_fill")
	require.Empty(t, f)
	_, err := ResolveReturn(Lookup("unnest")[0], []*types.T{types.Unknown})
	require.Equal(t, pgerr.DatatypeMismatch, pgerr.CodeOf(err))
}

// TestSeriesIsLazy: a huge series costs nothing until read (F6).
func TestSeriesIsLazy(t *testing.T) {
	f, _, _, err := resolve("generate_series", []*types.T{types.Int8, types.Int8}, KindNormal)
	require.NoError(t, err)
	next, err := f.CallSRF(nil, []types.Datum{int64(1), int64(1) << 62})
	require.NoError(t, err)
	for i := int64(1); i <= 3; i++ {
		d, ok, err := next()
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, i, d)
	}
}

// TestAggCombine: merging partial states gives the sequential result
// (F13), and Final can be called repeatedly (F12).
func TestAggCombine(t *testing.T) {
	rows := []string{"1.5", "2", "-3.25", "10", "0", "7.125"}
	for _, c := range []struct {
		name string
		typ  *types.T
	}{
		{"sum", types.Numeric}, {"avg", types.Numeric}, {"variance", types.Numeric}, {"stddev_pop", types.Float8},
		{"var_samp", types.Float8}, {"min", types.Numeric}, {"max", types.Float8}, {"count", types.Numeric},
		{"sum", types.Int8}, {"avg", types.Int4}, {"bool_or", types.Bool}, {"sum", types.Float4},
	} {
		f, _, ret, err := resolve(c.name, []*types.T{c.typ}, KindAggregate)
		require.NoError(t, err, c.name)
		require.NotNil(t, f.Agg.Combine, c.name)
		ctx := &FuncContext{ArgTypes: []*types.T{c.typ}, RetType: ret}
		whole, _ := f.NewAgg(ctx)
		left, _ := f.NewAgg(ctx)
		right, _ := f.NewAgg(ctx)
		for i, r := range rows {
			v := r
			if c.typ == types.Bool {
				v = map[bool]string{true: "t", false: "f"}[i%2 == 0]
			}
			if c.typ == types.Int8 || c.typ == types.Int4 {
				v = strings.Split(v, ".")[0]
			}
			d, err := types.Parse(c.typ, -1, v)
			require.NoError(t, err)
			require.NoError(t, whole.Add([]types.Datum{d}))
			if i < 2 {
				require.NoError(t, left.Add([]types.Datum{d}))
			} else {
				require.NoError(t, right.Add([]types.Datum{d}))
			}
			_, err = whole.Result() // F12: Final does not disturb the state
			require.NoError(t, err)
		}
		require.NoError(t, left.Merge(right))
		a, err := whole.Result()
		require.NoError(t, err)
		b, err := left.Result()
		require.NoError(t, err)
		require.Equal(t, types.Format(ret, a), types.Format(ret, b), "%s(%s)", c.name, c.typ)
	}
}

// TestWindowPartitionState: state is per partition (W2) and the default
// frame ends at the current row's last peer.
func TestWindowPartitionState(t *testing.T) {
	f, _, _, err := resolve("dense_rank", nil, KindWindow)
	require.NoError(t, err)
	p := &Partition{Args: make([][]types.Datum, 4), PeerGroup: []int64{1, 1, 2, 3}}
	for round := 0; round < 2; round++ {
		out, err := f.EvalPartition(nil, p)
		require.NoError(t, err)
		require.Equal(t, []types.Datum{int64(1), int64(1), int64(2), int64(3)}, out)
	}
	lv, _, _, err := resolve("last_value", []*types.T{types.Int4}, KindWindow)
	require.NoError(t, err)
	q := &Partition{Args: [][]types.Datum{{int64(10)}, {int64(20)}, {int64(30)}}, PeerGroup: []int64{1, 1, 2}}
	out, err := lv.EvalPartition(nil, q)
	require.NoError(t, err)
	require.Equal(t, []types.Datum{int64(20), int64(20), int64(30)}, out)
	q.PeerGroup = nil // no ORDER BY: every row is a peer
	out, err = lv.EvalPartition(nil, q)
	require.NoError(t, err)
	require.Equal(t, []types.Datum{int64(30), int64(30), int64(30)}, out)
}
