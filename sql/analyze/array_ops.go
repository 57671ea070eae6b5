package analyze

import (
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/types"
)

// arrayOpRow is one of PostgreSQL's anyarray comparison operators.
type arrayOpRow struct {
	oid  base.OID
	proc string
	test func(c int) bool
}

var arrayCompareOps = map[string]arrayOpRow{
	"=":  {1070, "array_eq", func(c int) bool { return c == 0 }},
	"<>": {1071, "array_ne", func(c int) bool { return c != 0 }},
	"<":  {1072, "array_lt", func(c int) bool { return c < 0 }},
	">":  {1073, "array_gt", func(c int) bool { return c > 0 }},
	"<=": {1074, "array_le", func(c int) bool { return c <= 0 }},
	">=": {1075, "array_ge", func(c int) bool { return c >= 0 }},
}

// arrayOperator resolves the polymorphic array operators Tusk's operator
// table lacks: comparisons of two arrays of one type (array_eq,
// array_lt...; an unknown side is read as that array type) and ||
// (array_cat, array_append, array_prepend). ok is false when the
// operator is not one of these or an ordinary operator matches.
func (a *analyzer) arrayOperator(name string, l, r Expr, pos int) (e Expr, ok bool, err error) {
	if l == nil {
		return nil, false, nil
	}
	lt, rt := l.Type(), r.Type()
	if !lt.IsArray() && !rt.IsArray() {
		return nil, false, nil
	}
	if _, err := selectOperator(name, lt, rt); err == nil {
		return nil, false, nil
	}
	if name == "||" {
		fn := "array_cat"
		switch {
		case lt.IsArray() && !rt.IsArray() && rt != types.Unknown:
			fn = "array_append"
		case rt.IsArray() && !lt.IsArray() && lt != types.Unknown:
			fn = "array_prepend"
		}
		e, err := a.callFunc(fn, []Expr{l, r}, []int{pos, pos}, pos)
		return e, true, err
	}
	row, found := arrayCompareOps[name]
	if !found {
		return nil, false, nil
	}
	at := lt
	if !lt.IsArray() {
		at = rt
	}
	if !canCoerce(lt, at, 'i') || !canCoerce(rt, at, 'i') {
		return nil, false, nil
	}
	if l, err = a.coerce(l, at, -1, 'i', pos); err != nil {
		return nil, true, err
	}
	if r, err = a.coerce(r, at, -1, 'i', pos); err != nil {
		return nil, true, err
	}
	test := row.test
	op := &types.Operator{OID: row.oid, Name: name, Left: at.OID, Right: at.OID, Result: types.Bool.OID, Proc: row.proc,
		Fn: func(x, y types.Datum) (types.Datum, error) { return test(types.Compare(at, x, y)), nil }}
	return &OpExpr{Op: op, Args: []Expr{l, r}, T: types.Bool}, true, nil
}

// subscript analyzes arr[i], arr[i][j]... and slices arr[l:u] (1-D) as a
// strict function of the array and its subscripts (array_subscript_handler
// semantics: subscripts are int4; an element outside the array, or fewer
// or more subscripts than dimensions, is NULL).
func (a *analyzer) subscript(e *ast.Subscript) (Expr, error) {
	var chain []*ast.Subscript
	var base ast.Expr = e
	for {
		s, ok := base.(*ast.Subscript)
		if !ok {
			break
		}
		chain = append([]*ast.Subscript{s}, chain...)
		base = s.Arg
	}
	arr, err := a.expr(base)
	if err != nil {
		return nil, err
	}
	at := arr.Type()
	if !at.IsArray() {
		return nil, errAt(e.Pos, pgerr.DatatypeMismatch, "cannot subscript type %s because it does not support subscripting", typeLabel(at))
	}
	args := []Expr{arr}
	slice := false
	type bound struct{ lower, upper int } // argument positions, 0 when omitted
	var bounds []bound
	for _, s := range chain {
		var b bound
		for i, x := range []ast.Expr{s.Lower, s.Upper} {
			if x == nil || (i == 0 && !s.IsSlice) {
				continue
			}
			v, err := a.expr(x)
			if err != nil {
				return nil, err
			}
			if v, err = a.coerce(v, types.Int4, -1, 'i', x.Position()); err != nil {
				return nil, errAt(x.Position(), pgerr.DatatypeMismatch, "array subscript must have type integer")
			}
			args = append(args, v)
			if i == 0 {
				b.lower = len(args) - 1
			} else {
				b.upper = len(args) - 1
			}
		}
		slice = slice || s.IsSlice
		bounds = append(bounds, b)
	}
	ret := at.Elem
	if slice {
		ret = at
	}
	fn := func(vals []types.Datum) (types.Datum, error) {
		arr, _ := vals[0].(*types.Array)
		if arr == nil {
			return nil, nil
		}
		idx := func(p int) (int64, bool) {
			if p == 0 {
				return 0, false
			}
			v, _ := vals[p].(int64)
			return v, vals[p] != nil
		}
		if !slice {
			if len(bounds) != len(arr.Dims) {
				return nil, nil
			}
			off := int64(0)
			for d, b := range bounds {
				i, ok := idx(b.upper)
				if !ok {
					return nil, nil
				}
				i -= int64(arr.LBounds[d])
				if i < 0 || i >= int64(arr.Dims[d]) {
					return nil, nil
				}
				off = off*int64(arr.Dims[d]) + i
			}
			return arr.Elems[off], nil
		}
		if len(bounds) != 1 || len(arr.Dims) > 1 {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "slices of multidimensional arrays are not supported yet")
		}
		if len(arr.Dims) == 0 {
			return types.NewArray(arr.Elem, nil), nil
		}
		lb, ub := int64(arr.LBounds[0]), int64(arr.LBounds[0])+int64(arr.Dims[0])-1
		lo, hi := lb, ub
		if v, ok := idx(bounds[0].lower); ok {
			lo = max(v, lb)
		} else if bounds[0].lower != 0 {
			return nil, nil
		}
		if v, ok := idx(bounds[0].upper); ok {
			hi = min(v, ub)
		} else if bounds[0].upper != 0 {
			return nil, nil
		}
		if lo > hi {
			return types.NewArray(arr.Elem, nil), nil
		}
		return types.NewArray(arr.Elem, append([]types.Datum(nil), arr.Elems[lo-lb:hi-lb+1]...)), nil
	}
	return &FuncExpr{Name: "array_subscript", Args: args, T: ret, Mod: -1, Fn: fn}, nil
}
