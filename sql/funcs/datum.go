package funcs

import (
	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// Call checks the arguments against f's signature (count, NULLs of a
// strict function, Go representation of each datum) and runs f's Impl.
// Executors that have already type-checked their plans may call Impl
// directly; Call is the safe entry point (F5) for tests, fuzzing and
// constant folding.
func (f *Func) Call(ctx *FuncContext, args []types.Datum) (types.Datum, error) {
	if f.Impl == nil {
		return nil, errInternal("function %s is not a plain function", f.Signature())
	}
	if null, err := f.check(ctx, args); err != nil || null {
		return nil, err
	}
	return f.Impl(ctx, args)
}

// CallSRF is Call for a set-returning function. A strict SRF with a NULL
// argument returns no rows (F1).
func (f *Func) CallSRF(ctx *FuncContext, args []types.Datum) (Next, error) {
	if f.SRF == nil {
		return nil, errInternal("function %s does not return a set", f.Signature())
	}
	null, err := f.check(ctx, args)
	if err != nil {
		return nil, err
	}
	if null {
		return func() (types.Datum, bool, error) { return nil, false, nil }, nil
	}
	return f.SRF(ctx, args)
}

// check validates args; null reports a NULL argument of a strict function.
func (f *Func) check(ctx *FuncContext, args []types.Datum) (null bool, err error) {
	n := len(f.Args)
	if f.Variadic != nil && f.Variadic.OID == types.Any.OID {
		if len(args) < n-1 {
			return false, errInternal("%s: %d arguments, want at least %d", f.Signature(), len(args), n-1)
		}
	} else if len(args) != n {
		return false, errInternal("%s: %d arguments, want %d", f.Signature(), len(args), n)
	}
	for i, a := range args {
		if a == nil {
			if f.Strict {
				null = true
			}
			continue
		}
		decl := types.Any
		if i < n {
			decl = f.Args[i]
		}
		t := ctx.argType(i, decl)
		if !datumFits(t, a) || !datumFits(decl, a) {
			return false, errInternal("%s: argument %d is not a %s datum", f.Signature(), i+1, t)
		}
	}
	return null, nil
}

// datumFits reports whether d has the Go representation of type t
// (types.Datum's table, D1); pseudo-types accept what they stand for.
func datumFits(t *types.T, d types.Datum) bool {
	if d == nil {
		return true
	}
	switch t.OID {
	case types.Any.OID, types.AnyElement.OID, types.AnyCompatible.OID, types.Unknown.OID, types.Record.OID:
		return true
	case types.AnyNonArray.OID, types.AnyCompatibleNonArray.OID:
		_, isArr := d.(*types.Array)
		return !isArr
	case types.AnyArray.OID, types.AnyCompatibleArray.OID:
		a, ok := d.(*types.Array)
		return ok && arrayShapeOK(a) && (a.Elem == nil || arrayFits(a.Elem, a))
	}
	if t.Elem != nil {
		a, ok := d.(*types.Array)
		return ok && arrayShapeOK(a) && arrayFits(t.Elem, a)
	}
	switch d.(type) {
	case bool:
		return t.OID == types.Bool.OID
	case int64:
		switch t.OID {
		case types.Int2.OID, types.Int4.OID, types.Int8.OID, types.Oid.OID, types.Xid.OID, types.Cid.OID,
			types.Regproc.OID, types.Regprocedure.OID, types.Regoper.OID, types.Regoperator.OID,
			types.Regclass.OID, types.Regtype.OID, types.Regnamespace.OID, types.Regrole.OID:
			return true
		}
	case float64:
		return t.OID == types.Float4.OID || t.OID == types.Float8.OID
	case *apd.Decimal:
		return t.OID == types.Numeric.OID && d.(*apd.Decimal) != nil
	case string:
		switch t.OID {
		case types.Text.OID, types.Varchar.OID, types.Bpchar.OID, types.Name.OID, types.Char.OID,
			types.JSON.OID, types.JSONB.OID, types.Cstring.OID, types.Inet.OID:
			return true
		}
	case []byte:
		return t.OID == types.Bytea.OID
	case types.DateVal:
		return t.OID == types.Date.OID
	case types.TimeVal:
		return t.OID == types.Time.OID
	case types.TimestampVal:
		return t.OID == types.Timestamp.OID || t.OID == types.Timestamptz.OID
	case types.IntervalVal:
		return t.OID == types.Interval.OID
	case types.UUIDVal:
		return t.OID == types.UUID.OID
	case base.ItemPointer:
		return t.OID == types.Tid.OID
	}
	return false
}

func arrayShapeOK(a *types.Array) bool {
	if a == nil || len(a.Dims) != len(a.LBounds) || len(a.Dims) > types.MaxArrayDims {
		return false
	}
	n := int64(1)
	if len(a.Dims) == 0 {
		n = 0
	}
	for _, d := range a.Dims {
		if d < 0 {
			return false
		}
		n *= int64(d)
		if n > 1<<27 {
			return false
		}
	}
	return n == int64(len(a.Elems))
}

func arrayFits(elem *types.T, a *types.Array) bool {
	for _, e := range a.Elems {
		if _, nested := e.(*types.Array); nested || !datumFits(elem, e) {
			return false
		}
	}
	return true
}

// --- accessors: the argument checks (F5) make the assertions safe; the
// zero values only guard against misuse of Impl. ---

func i64(d types.Datum) int64 {
	v, _ := d.(int64)
	return v
}

func f64(d types.Datum) float64 {
	v, _ := d.(float64)
	return v
}

func str(d types.Datum) string {
	v, _ := d.(string)
	return v
}

func byt(d types.Datum) []byte {
	v, _ := d.([]byte)
	return v
}

func dec(d types.Datum) *apd.Decimal {
	if v, ok := d.(*apd.Decimal); ok && v != nil {
		return v
	}
	return apd.New(0, 0)
}

func arr(d types.Datum) *types.Array {
	if v, ok := d.(*types.Array); ok && v != nil {
		return v
	}
	return &types.Array{Elem: types.Text}
}

// int4 checks that v fits int4.
func int4(v int64) (types.Datum, error) {
	if v < -1<<31 || v > 1<<31-1 {
		return nil, errIntRange()
	}
	return v, nil
}

func codeErr(code pgerr.Code, format string, args ...any) error {
	return pgerr.New(code, format, args...)
}
