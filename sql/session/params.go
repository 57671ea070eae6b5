package session

import (
	"database/sql/driver"
	"fmt"
	"math"
	"time"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// bindParams converts Go argument values to datums of the parameters'
// types, as PostgreSQL's Bind converts text-format parameters.
func bindParams(ptypes []*types.T, args []any) ([]types.Datum, error) {
	return bindParamsInto(nil, ptypes, args)
}

// bindParamsInto is bindParams appending to dst (of length 0), whose
// array the caller owns for as long as the statement runs.
func bindParamsInto(dst []types.Datum, ptypes []*types.T, args []any) ([]types.Datum, error) {
	if len(args) < len(ptypes) {
		return nil, pgerr.New(pgerr.ProtocolViolation, "bind message supplies %d parameters, but prepared statement requires %d", len(args), len(ptypes))
	}
	out := dst[:0]
	if cap(out) < len(args) {
		out = make([]types.Datum, 0, len(args))
	}
	out = out[:len(args)]
	for i, a := range args {
		t := types.Text
		if i < len(ptypes) {
			t = ptypes[i]
		}
		d, err := FromGo(a, t)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// FromGo converts a Go value to a datum of type t.
func FromGo(v any, t *types.T) (types.Datum, error) {
	if val, ok := v.(driver.Valuer); ok {
		nv, err := val.Value()
		if err != nil {
			return nil, err
		}
		v = nv
	}
	var d types.Datum
	var from *types.T
	switch x := v.(type) {
	case nil:
		return nil, nil
	case datumArg:
		if x.d == nil || x.t == t {
			return x.d, nil
		}
		return types.Cast(x.d, x.t, -1, t, -1, false)
	case string:
		return types.Parse(t, -1, x)
	case []byte:
		if t == types.Bytea {
			return append([]byte(nil), x...), nil
		}
		return types.Parse(t, -1, string(x))
	case bool:
		d, from = x, types.Bool
	case int:
		d, from = int64(x), types.Int8
	case int8:
		d, from = int64(x), types.Int8
	case int16:
		d, from = int64(x), types.Int8
	case int32:
		d, from = int64(x), types.Int8
	case int64:
		d, from = v, types.Int8 // v holds x: no new box
	case uint:
		if uint64(x) > math.MaxInt64 {
			return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value %d is out of range for type bigint", x)
		}
		d, from = int64(x), types.Int8
	case uint8:
		d, from = int64(x), types.Int8
	case uint16:
		d, from = int64(x), types.Int8
	case uint32:
		d, from = int64(x), types.Int8
	case uint64:
		if x > math.MaxInt64 {
			return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value %d is out of range for type bigint", x)
		}
		d, from = int64(x), types.Int8
	case float32:
		d, from = float64(x), types.Float8
	case float64:
		d, from = x, types.Float8
	case time.Time:
		return types.Parse(t, -1, x.UTC().Format("2006-01-02 15:04:05.999999Z07:00"))
	default:
		return nil, pgerr.New(pgerr.DatatypeMismatch, "cannot convert Go value of type %T to %s", v, types.FormatType(t, -1))
	}
	if from == t {
		return d, nil
	}
	if from == types.Int8 && (t == types.Int4 || t == types.Int2) {
		// In range, the cast returns the same int64 (types castFromInt):
		// keep d's box.
		n := d.(int64)
		if t == types.Int4 && n >= math.MinInt32 && n <= math.MaxInt32 || t == types.Int2 && n >= math.MinInt16 && n <= math.MaxInt16 {
			return d, nil
		}
	}
	if types.CastContext(from, t) == 0 {
		// Go through the text form, as a text-format parameter would.
		return types.Parse(t, -1, fmt.Sprint(v))
	}
	return types.Cast(d, from, -1, t, -1, true)
}
