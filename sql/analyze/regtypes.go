package analyze

import (
	"strings"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/sql/types"
)

// The reg* types (regclass, regtype, regnamespace, regproc...) are OIDs
// that read and print as names, which needs the catalog: literals and
// casts from text resolve names through Env.RegclassIn / Env.RegIn, and
// casts to text print through Env.RegOut (regtypes.go).

// IsRegType reports whether t is one of the OID alias types.
func IsRegType(t *types.T) bool {
	switch t {
	case types.Regclass, types.Regtype, types.Regnamespace, types.Regproc, types.Regprocedure,
		types.Regoper, types.Regoperator, types.Regrole:
		return true
	}
	return false
}

// regByName reports whether s is reg* input by name: "-" and all-digit
// input are OIDs (as in regclassin and its kin).
func regByName(s string) bool {
	v := strings.TrimSpace(s)
	return v == "" || v != "-" && strings.Trim(v, "0123456789") != ""
}

// isStringType reports whether t is one of the text types a reg* value
// casts to and from by its I/O functions.
func isStringType(t *types.T) bool {
	switch t {
	case types.Text, types.Varchar, types.Bpchar, types.Name:
		return true
	}
	return false
}

// regCast builds the catalog-aware casts between reg* types and text
// types (an I/O conversion in PostgreSQL): nil when e to t is not one, or
// when the environment has no catalog hooks.
func (a *analyzer) regCast(e Expr, t *types.T, mod int32) Expr {
	if a.env == nil {
		return nil
	}
	from := e.Type()
	var fn func(types.Datum) (types.Datum, error)
	switch {
	case IsRegType(from) && isStringType(t) && a.env.RegOut != nil:
		out := a.env.RegOut
		fn = func(d types.Datum) (types.Datum, error) {
			v, _ := d.(int64)
			s, err := out(from, base.OID(uint32(v)))
			if err != nil {
				return nil, err
			}
			return types.Cast(s, types.Text, -1, t, mod, true)
		}
	case isStringType(from) && IsRegType(t) && (a.env.RegIn != nil || t == types.Regclass && a.env.RegclassIn != nil):
		in, clsIn := a.env.RegIn, a.env.RegclassIn
		fn = func(d types.Datum) (types.Datum, error) {
			s, _ := d.(string)
			if !regByName(s) {
				return types.Parse(t, -1, s)
			}
			var oid base.OID
			var err error
			if t == types.Regclass && clsIn != nil {
				oid, err = clsIn(s)
			} else if in != nil {
				oid, err = in(t, s)
			} else {
				return types.Parse(t, -1, s)
			}
			if err != nil {
				return nil, err
			}
			return int64(oid), nil
		}
	default:
		return nil
	}
	if c, ok := e.(*Const); ok {
		if c.Val == nil {
			return &Const{T: t, Mod: mod, Pos: c.Pos}
		}
		if v, err := fn(c.Val); err == nil {
			return &Const{T: t, Mod: mod, Val: v, Pos: c.Pos}
		}
		// Errors surface when the expression runs, as for other casts.
	}
	return &FuncExpr{Name: t.Name, Args: []Expr{e}, T: t, Mod: mod, Strict: true,
		Fn: func(args []types.Datum) (types.Datum, error) { return fn(args[0]) }}
}

// textCast converts e to text for concatenation (textanycat): through
// the reg* output function for reg* values.
func (a *analyzer) textCast(e Expr) Expr {
	if rc := a.regCast(e, types.Text, -1); rc != nil {
		return rc
	}
	return &Cast{Arg: e, T: types.Text, Mod: -1, Explicit: true}
}

// regArrayIn reads an array literal of reg* type elem ('{users,orders}'::
// regclass[]): the elements as text, each resolved by name.
func (a *analyzer) regArrayIn(elem *types.T, s string) (types.Datum, error) {
	d, err := types.Parse(types.TextArray, -1, s)
	if err != nil {
		return nil, err
	}
	arr := d.(*types.Array)
	out := &types.Array{Elem: elem, Dims: arr.Dims, LBounds: arr.LBounds, Elems: make([]types.Datum, len(arr.Elems))}
	for i, e := range arr.Elems {
		str, ok := e.(string)
		if !ok {
			continue // NULL
		}
		if !regByName(str) {
			if out.Elems[i], err = types.Parse(elem, -1, str); err != nil {
				return nil, err
			}
			continue
		}
		var oid base.OID
		if elem == types.Regclass && a.env.RegclassIn != nil {
			oid, err = a.env.RegclassIn(str)
		} else {
			oid, err = a.env.RegIn(elem, str)
		}
		if err != nil {
			return nil, err
		}
		out.Elems[i] = int64(oid)
	}
	return out, nil
}
