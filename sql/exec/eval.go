package exec

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// Eval evaluates e over a row (X1) with only the given parameters: no
// statement state, so a SubLink runs without sharing CTEs or caches.
func Eval(e analyze.Expr, row []types.Datum, params []types.Datum) (types.Datum, error) {
	return (&Context{Params: params}).Eval(e, row)
}

// Qual reports whether a qualification passes (NULL fails).
func Qual(e analyze.Expr, row, params []types.Datum) (bool, error) {
	return (&Context{Params: params}).Qual(e, row)
}

// Qual reports whether a qualification passes over row (NULL fails).
func (ec *Context) Qual(e analyze.Expr, row []types.Datum) (bool, error) {
	if e == nil {
		return true, nil
	}
	v, err := ec.Eval(e, row)
	if err != nil {
		return false, err
	}
	return v == true, nil
}

// evalAll evaluates exprs over row into a new slice.
func (ec *Context) evalAll(es []analyze.Expr, row []types.Datum) ([]types.Datum, error) {
	out := make([]types.Datum, len(es))
	for i, e := range es {
		d, err := ec.Eval(e, row)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// Eval evaluates e over row in the statement's context (X1): Var reads
// row[Index], Aggref and WindowFunc read the column their node computed,
// OuterVar reads a row of an enclosing query (X8).
func (ec *Context) Eval(e analyze.Expr, row []types.Datum) (types.Datum, error) {
	switch x := e.(type) {
	case *analyze.Const:
		return x.Val, nil
	case *analyze.Var:
		return column(row, x.Index)
	case *analyze.Param:
		if x.N < 1 || x.N-1 >= len(ec.Params) {
			return nil, pgerr.New(pgerr.UndefinedParameter, "there is no parameter $%d", x.N)
		}
		return ec.Params[x.N-1], nil
	case *analyze.OpExpr:
		var l, r types.Datum
		var err error
		if len(x.Args) == 2 {
			if l, err = ec.Eval(x.Args[0], row); err != nil || l == nil {
				return nil, err
			}
			if r, err = ec.Eval(x.Args[1], row); err != nil || r == nil {
				return nil, err
			}
		} else {
			if r, err = ec.Eval(x.Args[0], row); err != nil || r == nil {
				return nil, err
			}
		}
		return x.Op.Fn(l, r)
	case *analyze.BoolExpr:
		return ec.evalBool(x, row)
	case *analyze.NullTest:
		v, err := ec.Eval(x.Arg, row)
		if err != nil {
			return nil, err
		}
		return (v == nil) != x.Not, nil
	case *analyze.BoolTest:
		v, err := ec.Eval(x.Arg, row)
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
		v, err := ec.Eval(x.Arg, row)
		if err != nil || v == nil {
			return nil, err
		}
		return types.Cast(v, x.Arg.Type(), x.Arg.Typmod(), x.T, x.Mod, x.Explicit)
	case *analyze.FuncExpr:
		return ec.evalFunc(x, row)
	case *analyze.Aggref:
		return column(row, x.Index)
	case *analyze.WindowFunc:
		return column(row, x.Index)
	case *analyze.CaseExpr:
		return ec.evalCase(x, row)
	case *analyze.CaseTestExpr:
		st := ec.state()
		if !st.inCase {
			return nil, pgerr.New(pgerr.InternalError, "CaseTestExpr outside CASE")
		}
		return st.caseVal, nil
	case *analyze.CoalesceExpr:
		for _, a := range x.Args {
			v, err := ec.Eval(a, row)
			if err != nil || v != nil {
				return v, err
			}
		}
		return nil, nil
	case *analyze.MinMaxExpr:
		return ec.evalMinMax(x, row)
	case *analyze.NullIfExpr:
		return ec.evalNullIf(x, row)
	case *analyze.ScalarArrayOpExpr:
		return ec.evalScalarArrayOp(x, row)
	case *analyze.ArrayExpr:
		elems, err := ec.evalAll(x.Elems, row)
		if err != nil {
			return nil, err
		}
		sub := len(x.Elems) > 0 && x.Elems[0].Type().IsArray()
		return buildArray(x.T, elems, sub)
	case *analyze.SubLink:
		return ec.evalSubLink(x, row)
	case *analyze.OuterVar:
		st := ec.state()
		if x.Levels < 1 || x.Levels > len(st.outer) {
			return nil, pgerr.New(pgerr.InternalError, "outer reference %d levels up has no row", x.Levels)
		}
		return column(st.outer[len(st.outer)-x.Levels], x.Var.Index)
	case *analyze.RowExpr:
		return nil, pgerr.New(pgerr.FeatureNotSupported, "row expressions are supported only in row comparisons expanded by the analyzer")
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot evaluate %T", e)
}

// column reads row[i], reporting a planner bug instead of panicking.
func column(row []types.Datum, i int) (types.Datum, error) {
	if i < 0 || i >= len(row) {
		return nil, pgerr.New(pgerr.InternalError, "column index %d out of range for a row of %d columns", i, len(row))
	}
	return row[i], nil
}

// evalBool applies SQL's three-valued AND, OR and NOT.
func (ec *Context) evalBool(x *analyze.BoolExpr, row []types.Datum) (types.Datum, error) {
	switch x.Op {
	case analyze.Not:
		v, err := ec.Eval(x.Args[0], row)
		if err != nil || v == nil {
			return nil, err
		}
		return !v.(bool), nil
	case analyze.And:
		sawNull := false
		for _, a := range x.Args {
			v, err := ec.Eval(a, row)
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
			v, err := ec.Eval(a, row)
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

// evalFunc calls a scalar function; a strict one returns NULL for a NULL
// argument without being called (X1).
func (ec *Context) evalFunc(x *analyze.FuncExpr, row []types.Datum) (types.Datum, error) {
	args := make([]types.Datum, len(x.Args))
	for i, a := range x.Args {
		v, err := ec.Eval(a, row)
		if err != nil {
			return nil, err
		}
		if v == nil && x.Strict {
			return nil, nil
		}
		args[i] = v
	}
	if x.Fn == nil {
		return nil, pgerr.New(pgerr.InternalError, "function %s has no implementation", x.Name)
	}
	return x.Fn(args)
}

// evalCase mirrors ExecEvalCase: the CASE argument is evaluated once and
// read by CaseTestExpr in the WHEN conditions (X9).
func (ec *Context) evalCase(x *analyze.CaseExpr, row []types.Datum) (types.Datum, error) {
	if x.Arg != nil {
		v, err := ec.Eval(x.Arg, row)
		if err != nil {
			return nil, err
		}
		st := ec.state()
		saved, savedIn := st.caseVal, st.inCase
		st.caseVal, st.inCase = v, true
		defer func() { st.caseVal, st.inCase = saved, savedIn }()
	}
	for _, w := range x.Whens {
		ok, err := ec.Qual(w.Cond, row)
		if err != nil {
			return nil, err
		}
		if ok {
			return ec.Eval(w.Result, row)
		}
	}
	if x.Else == nil {
		return nil, nil
	}
	return ec.Eval(x.Else, row)
}

// evalMinMax is GREATEST/LEAST: NULL arguments are ignored; all NULL gives
// NULL.
func (ec *Context) evalMinMax(x *analyze.MinMaxExpr, row []types.Datum) (types.Datum, error) {
	var best types.Datum
	for _, a := range x.Args {
		v, err := ec.Eval(a, row)
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		if best == nil {
			best = v
			continue
		}
		c := types.Compare(x.T, v, best)
		if (x.Least && c < 0) || (!x.Least && c > 0) {
			best = v
		}
	}
	return best, nil
}

// evalNullIf is NULLIF(a, b): NULL when a = b is true, else a.
func (ec *Context) evalNullIf(x *analyze.NullIfExpr, row []types.Datum) (types.Datum, error) {
	if len(x.Eq.Args) != 2 {
		return nil, pgerr.New(pgerr.InternalError, "NULLIF needs two arguments")
	}
	a, err := ec.Eval(x.Eq.Args[0], row)
	if err != nil {
		return nil, err
	}
	b, err := ec.Eval(x.Eq.Args[1], row)
	if err != nil || a == nil || b == nil {
		return a, err
	}
	eq, err := x.Eq.Op.Fn(a, b)
	if err != nil {
		return nil, err
	}
	if eq == true {
		return nil, nil
	}
	return a, nil
}

// anyAll folds the results of op(x, v) over values v with SQL's NULL
// semantics (mirrors ExecEvalScalarArrayOp): ANY is true on a true, else
// NULL if a comparison was NULL, else false; ALL the converse. No values
// give false (ANY) or true (ALL), even for a NULL x.
type anyAll struct {
	all     bool
	sawNull bool
	done    bool
	result  types.Datum
}

// add folds one comparison result; it reports whether the outcome is
// decided.
func (a *anyAll) add(v types.Datum) bool {
	switch {
	case v == nil:
		a.sawNull = true
	case v.(bool) != a.all:
		a.done, a.result = true, !a.all
	}
	return a.done
}

func (a *anyAll) value() types.Datum {
	if a.done {
		return a.result
	}
	if a.sawNull {
		return nil
	}
	return a.all
}

// compare applies op to x and v as a strict operator.
func compareOp(op *types.Operator, x, v types.Datum) (types.Datum, error) {
	if x == nil || v == nil {
		return nil, nil
	}
	return op.Fn(x, v)
}

func (ec *Context) evalScalarArrayOp(x *analyze.ScalarArrayOpExpr, row []types.Datum) (types.Datum, error) {
	left, err := ec.Eval(x.Left, row)
	if err != nil {
		return nil, err
	}
	acc := anyAll{all: x.All}
	if x.Array != nil {
		av, err := ec.Eval(x.Array, row)
		if err != nil || av == nil {
			return nil, err
		}
		arr, ok := av.(*types.Array)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "ANY/ALL operand is not an array")
		}
		for _, v := range arr.Elems {
			r, err := compareOp(x.Op, left, v)
			if err != nil {
				return nil, err
			}
			if acc.add(r) {
				break
			}
		}
		return acc.value(), nil
	}
	for _, e := range x.Elems {
		v, err := ec.Eval(e, row)
		if err != nil {
			return nil, err
		}
		r, err := compareOp(x.Op, left, v)
		if err != nil {
			return nil, err
		}
		if acc.add(r) {
			break
		}
	}
	return acc.value(), nil
}

// buildArray makes an array value of type arrT from elems; with sub the
// elements are arrays themselves and become the subarrays of a
// multidimensional array (mirrors ExecEvalArrayExpr: NULL and empty
// subarrays are skipped, and mixing them with non-empty ones, or
// subarrays of different dimensions, is an error).
func buildArray(arrT *types.T, elems []types.Datum, sub bool) (types.Datum, error) {
	elemT := arrT
	if arrT != nil && arrT.Elem != nil {
		elemT = arrT.Elem
	}
	if !sub {
		return types.NewArray(elemT, elems), nil
	}
	var dims, lbs []int32
	var out []types.Datum
	haveEmpty, n := false, int32(0)
	for _, e := range elems {
		a, _ := e.(*types.Array)
		if a == nil || a.NDims() == 0 {
			haveEmpty = true
			continue
		}
		if dims == nil {
			if a.NDims()+1 > types.MaxArrayDims {
				return nil, pgerr.New(pgerr.ProgramLimitExceeded, "number of array dimensions (%d) exceeds the maximum allowed (%d)", a.NDims()+1, types.MaxArrayDims)
			}
			dims, lbs = a.Dims, a.LBounds
		} else if !sameDims(dims, lbs, a) {
			return nil, errArrayDims()
		}
		out = append(out, a.Elems...)
		n++
	}
	if n == 0 {
		return types.NewArray(elemT, nil), nil
	}
	if haveEmpty {
		return nil, errArrayDims()
	}
	res := &types.Array{Elem: elemT, Elems: out}
	res.Dims = append([]int32{n}, dims...)
	res.LBounds = append([]int32{1}, lbs...)
	return res, nil
}

func sameDims(dims, lbs []int32, a *types.Array) bool {
	if len(dims) != a.NDims() {
		return false
	}
	for i := range dims {
		if dims[i] != a.Dims[i] || lbs[i] != a.LBounds[i] {
			return false
		}
	}
	return true
}

func errArrayDims() error {
	return pgerr.New(pgerr.ArraySubscriptError, "multidimensional arrays must have array expressions with matching dimensions")
}
