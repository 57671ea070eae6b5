package exec

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// Eval evaluates e over a row (X1).
func Eval(e analyze.Expr, row []types.Datum, params []types.Datum) (types.Datum, error) {
	switch x := e.(type) {
	case *analyze.Const:
		return x.Val, nil
	case *analyze.Var:
		return row[x.Index], nil
	case *analyze.Param:
		if x.N-1 >= len(params) {
			return nil, pgerr.New(pgerr.UndefinedParameter, "there is no parameter $%d", x.N)
		}
		return params[x.N-1], nil
	case *analyze.OpExpr:
		var l, r types.Datum
		var err error
		if len(x.Args) == 2 {
			if l, err = Eval(x.Args[0], row, params); err != nil || l == nil {
				return nil, err
			}
			if r, err = Eval(x.Args[1], row, params); err != nil || r == nil {
				return nil, err
			}
		} else {
			if r, err = Eval(x.Args[0], row, params); err != nil || r == nil {
				return nil, err
			}
		}
		return x.Op.Fn(l, r)
	case *analyze.BoolExpr:
		return evalBool(x, row, params)
	case *analyze.NullTest:
		v, err := Eval(x.Arg, row, params)
		if err != nil {
			return nil, err
		}
		return (v == nil) != x.Not, nil
	case *analyze.BoolTest:
		v, err := Eval(x.Arg, row, params)
		if err != nil {
			return nil, err
		}
		switch x.Kind {
		case 0: // IS TRUE
			return v == true, nil
		case 1: // IS NOT TRUE
			return v != true, nil
		case 2: // IS FALSE
			return v == false, nil
		case 3: // IS NOT FALSE
			return v != false, nil
		case 4: // IS UNKNOWN
			return v == nil, nil
		default: // IS NOT UNKNOWN
			return v != nil, nil
		}
	case *analyze.Cast:
		v, err := Eval(x.Arg, row, params)
		if err != nil || v == nil {
			return nil, err
		}
		return types.Cast(v, x.Arg.Type(), x.Arg.Typmod(), x.T, x.Mod, x.Explicit)
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot evaluate %T", e)
}

// evalBool applies SQL's three-valued AND, OR and NOT.
func evalBool(x *analyze.BoolExpr, row, params []types.Datum) (types.Datum, error) {
	switch x.Op {
	case analyze.Not:
		v, err := Eval(x.Args[0], row, params)
		if err != nil || v == nil {
			return nil, err
		}
		return !v.(bool), nil
	case analyze.And:
		sawNull := false
		for _, a := range x.Args {
			v, err := Eval(a, row, params)
			if err != nil {
				return nil, err
			}
			if v == nil {
				sawNull = true
			} else if !v.(bool) {
				return false, nil
			}
		}
		if sawNull {
			return nil, nil
		}
		return true, nil
	default:
		sawNull := false
		for _, a := range x.Args {
			v, err := Eval(a, row, params)
			if err != nil {
				return nil, err
			}
			if v == nil {
				sawNull = true
			} else if v.(bool) {
				return true, nil
			}
		}
		if sawNull {
			return nil, nil
		}
		return false, nil
	}
}

// Qual reports whether a qualification passes (NULL fails).
func Qual(e analyze.Expr, row, params []types.Datum) (bool, error) {
	if e == nil {
		return true, nil
	}
	v, err := Eval(e, row, params)
	if err != nil {
		return false, err
	}
	return v == true, nil
}
