package analyze

import (
	"github.com/tuskdb/tusk/sql/types"
)

// Simplify folds constants in e the way PostgreSQL's
// eval_const_expressions does, in the same order, so that the same
// expressions raise errors at planning and the same ones are never
// evaluated: strict operators over a NULL give NULL; immutable operators
// and casts over constants are computed; AND/OR drop constant inputs and
// stop at a deciding one; COALESCE stops at its first non-NULL constant;
// CASE drops arms whose condition is constantly false or NULL and stops
// at a constantly true one. Later arguments that are dropped are never
// simplified, hence never raise errors.
func Simplify(e Expr) (Expr, error) {
	if e == nil {
		return nil, nil
	}
	switch x := e.(type) {
	case *Const, *Var, *Param, *OuterVar, *CaseTestExpr:
		return e, nil
	case *OpExpr:
		cp := *x
		args, err := simplifyAll(x.Args)
		if err != nil {
			return nil, err
		}
		cp.Args = args
		return foldOp(&cp)
	case *BoolExpr:
		return simplifyBool(x)
	case *CoalesceExpr:
		var args []Expr
		for _, a := range x.Args {
			s, err := Simplify(a)
			if err != nil {
				return nil, err
			}
			if c, ok := s.(*Const); ok {
				if c.Val == nil {
					continue
				}
				args = append(args, s)
				break
			}
			args = append(args, s)
		}
		switch len(args) {
		case 0:
			return &Const{T: x.T, Mod: -1}, nil
		case 1:
			return args[0], nil
		}
		return &CoalesceExpr{Args: args, T: x.T}, nil
	case *CaseExpr:
		cp := &CaseExpr{T: x.T, Mod: x.Mod, ModSet: x.ModSet}
		var err error
		if cp.Arg, err = Simplify(x.Arg); err != nil {
			return nil, err
		}
		var def Expr = x.Else
		for _, w := range x.Whens {
			c, err := Simplify(w.Cond)
			if err != nil {
				return nil, err
			}
			if k, ok := c.(*Const); ok && cp.Arg == nil {
				if k.Val != true {
					continue // never taken
				}
				def = w.Result // always taken: the rest never is
				break
			}
			r, err := Simplify(w.Result)
			if err != nil {
				return nil, err
			}
			cp.Whens = append(cp.Whens, &CaseWhen{Cond: c, Result: r})
		}
		if def != nil {
			if cp.Else, err = Simplify(def); err != nil {
				return nil, err
			}
		}
		cp.Mod, cp.ModSet = caseTypmod(cp.Whens, cp.Else)
		if len(cp.Whens) == 0 && cp.Arg == nil {
			if cp.Else == nil {
				return &Const{T: x.T, Mod: -1}, nil
			}
			return cp.Else, nil
		}
		return cp, nil
	case *NullTest:
		a, err := Simplify(x.Arg)
		if err != nil {
			return nil, err
		}
		if c, ok := a.(*Const); ok {
			return &Const{T: types.Bool, Mod: -1, Val: (c.Val == nil) != x.Not}, nil
		}
		return &NullTest{Arg: a, Not: x.Not}, nil
	case *Cast:
		a, err := Simplify(x.Arg)
		if err != nil {
			return nil, err
		}
		if c, ok := a.(*Const); ok && x.T != types.Timestamptz && c.T != types.Timestamptz {
			if c.Val == nil {
				return &Const{T: x.T, Mod: x.Mod}, nil
			}
			v, err := types.Cast(c.Val, c.T, c.Mod, x.T, x.Mod, x.Explicit)
			if err != nil {
				return nil, err
			}
			return &Const{T: x.T, Mod: x.Mod, Val: v}, nil
		}
		cp := *x
		cp.Arg = a
		return &cp, nil
	case *ScalarArrayOpExpr:
		cp := *x
		var err error
		if cp.Left, err = Simplify(x.Left); err != nil {
			return nil, err
		}
		if c, ok := cp.Left.(*Const); ok && c.Val == nil {
			return &Const{T: types.Bool, Mod: -1}, nil // the operator is strict
		}
		if cp.Elems, err = simplifyAll(x.Elems); err != nil {
			return nil, err
		}
		if cp.Array, err = Simplify(x.Array); err != nil {
			return nil, err
		}
		return &cp, nil
	case *NullIfExpr:
		args, err := simplifyAll(x.Eq.Args)
		if err != nil {
			return nil, err
		}
		eq := *x.Eq
		eq.Args = args
		return &NullIfExpr{Eq: &eq}, nil
	case *FuncExpr:
		cp := *x
		args, err := simplifyAll(x.Args)
		if err != nil {
			return nil, err
		}
		cp.Args = args
		if x.Strict {
			for _, a := range args {
				if c, ok := a.(*Const); ok && c.Val == nil {
					return &Const{T: x.T, Mod: x.Mod}, nil
				}
			}
		}
		if x.Immutable && x.Fn != nil {
			vals := make([]types.Datum, len(args))
			for i, a := range args {
				c, ok := a.(*Const)
				if !ok {
					return &cp, nil
				}
				vals[i] = c.Val
			}
			v, err := x.Fn(vals)
			if err != nil {
				return nil, err
			}
			return &Const{T: x.T, Mod: x.Mod, Val: v}, nil
		}
		return &cp, nil
	}
	// Other nodes: simplify their children in place of a copy.
	var err error
	out := rebuild(e, func(c Expr) Expr {
		if err != nil || c == nil {
			return c
		}
		s, e2 := Simplify(c)
		if e2 != nil {
			err = e2
			return c
		}
		return s
	})
	return out, err
}

func simplifyAll(es []Expr) ([]Expr, error) {
	if es == nil {
		return nil, nil
	}
	out := make([]Expr, len(es))
	for i, e := range es {
		s, err := Simplify(e)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// simplifyBool mirrors simplify_and_arguments / simplify_or_arguments.
func simplifyBool(x *BoolExpr) (Expr, error) {
	if x.Op == Not {
		a, err := Simplify(x.Args[0])
		if err != nil {
			return nil, err
		}
		if c, ok := a.(*Const); ok {
			if c.Val == nil {
				return c, nil
			}
			return &Const{T: types.Bool, Mod: -1, Val: !c.Val.(bool)}, nil
		}
		return &BoolExpr{Op: Not, Args: []Expr{a}}, nil
	}
	decide := x.Op == Or // OR stops at true, AND at false
	var args []Expr
	haveNull := false
	for _, a := range x.Args {
		s, err := Simplify(a)
		if err != nil {
			return nil, err
		}
		if c, ok := s.(*Const); ok {
			if c.Val == nil {
				haveNull = true
				continue
			}
			if c.Val.(bool) == decide {
				return &Const{T: types.Bool, Mod: -1, Val: decide}, nil
			}
			continue
		}
		if b, ok := s.(*BoolExpr); ok && b.Op == x.Op {
			args = append(args, b.Args...)
			continue
		}
		args = append(args, s)
	}
	if haveNull {
		args = append(args, &Const{T: types.Bool, Mod: -1})
	}
	switch len(args) {
	case 0:
		return &Const{T: types.Bool, Mod: -1, Val: !decide}, nil
	case 1:
		return args[0], nil
	}
	return &BoolExpr{Op: x.Op, Args: args}, nil
}

// caseTypmod is the typmod a CASE keeps: the one every arm and the ELSE
// share (no ELSE: a NULL without typmod).
func caseTypmod(whens []*CaseWhen, els Expr) (int32, bool) {
	if els == nil {
		return -1, false
	}
	mod := els.Typmod()
	for _, w := range whens {
		if w.Result.Typmod() != mod {
			return -1, false
		}
	}
	return mod, mod >= 0
}
