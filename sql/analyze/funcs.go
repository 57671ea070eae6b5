package analyze

import (
	"fmt"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/funcs"
	"github.com/tuskdb/tusk/sql/types"
)

// funcMatch is a candidate function with the argument types it would take.
type funcMatch struct {
	f        *funcs.Func
	declared []*types.T // per actual argument: the declared (possibly polymorphic) type
	ret      *types.T
	argTypes []*types.T // per actual argument: the type to coerce to
}

func isPoly(t *types.T) bool { return t != nil && t.IsPolymorphic() }

// matchFunc checks whether f accepts arguments of types in (unknown
// allowed) by implicit coercion, and resolves polymorphic types.
func matchFunc(f *funcs.Func, in []*types.T) (*funcMatch, bool) {
	n := len(f.Args)
	nin := len(in)
	switch {
	case f.Variadic != nil:
		if nin < n-1 {
			return nil, false
		}
	case nin > n || nin < n-len(f.Defaults):
		return nil, false
	}
	m := &funcMatch{f: f}
	for i := range in {
		var d *types.T
		if f.Variadic != nil && i >= n-1 {
			d = f.Variadic
		} else {
			d = f.Args[i]
		}
		m.declared = append(m.declared, d)
	}
	// Polymorphic binding (enforce_generic_type_consistency, simplified).
	var elem *types.T
	var compat []*types.T
	for i, t := range in {
		d := m.declared[i]
		if t == types.Unknown || !isPoly(d) {
			continue
		}
		switch d.OID {
		case types.AnyArray.OID, types.AnyCompatibleArray.OID:
			if !t.IsArray() {
				return nil, false
			}
			if d.OID == types.AnyCompatibleArray.OID {
				compat = append(compat, t.Elem)
				continue
			}
			if elem != nil && elem != t.Elem {
				return nil, false
			}
			elem = t.Elem
		case types.AnyCompatible.OID, types.AnyCompatibleNonArray.OID:
			compat = append(compat, t)
		default:
			if d.OID == types.AnyNonArray.OID && t.IsArray() {
				return nil, false
			}
			if elem != nil && elem != t {
				return nil, false
			}
			elem = t
		}
	}
	if len(compat) > 0 {
		var es []Expr
		for _, t := range compat {
			es = append(es, &Const{T: t, Mod: -1})
		}
		t, err := commonType(es, "function", 0)
		if err != nil {
			return nil, false
		}
		if elem == nil {
			elem = t
		}
	}
	if elem == nil {
		elem = types.Text
	}
	for i, t := range in {
		d := m.declared[i]
		var want *types.T
		switch {
		case d.OID == types.Any.OID:
			want = t
			if t == types.Unknown {
				want = types.Text
			}
		case d.OID == types.AnyArray.OID || d.OID == types.AnyCompatibleArray.OID:
			want = elem.Array()
			if want == nil {
				return nil, false
			}
		case isPoly(d):
			want = elem
		default:
			want = d
		}
		if t != want && t != types.Unknown && !canCoerce(t, want, 'i') {
			return nil, false
		}
		m.argTypes = append(m.argTypes, want)
	}
	m.ret = f.Ret
	switch {
	case f.Ret == nil:
	case f.Ret.OID == types.AnyArray.OID || f.Ret.OID == types.AnyCompatibleArray.OID:
		m.ret = elem.Array()
	case isPoly(f.Ret):
		m.ret = elem
	}
	return m, true
}

// selectFunc picks the best candidate (func_select_candidate).
func selectFunc(name string, in []*types.T, kindOK func(*funcs.Func) bool) (*funcMatch, error) {
	var cands []*funcMatch
	for _, f := range funcs.Lookup(name) {
		if kindOK != nil && !kindOK(f) {
			continue
		}
		if m, ok := matchFunc(f, in); ok {
			cands = append(cands, m)
		}
	}
	keepMax := func(score func(*funcMatch) int) {
		best, out := -1, cands[:0:0]
		for _, c := range cands {
			s := score(c)
			if s > best {
				best, out = s, out[:0]
			}
			if s == best {
				out = append(out, c)
			}
		}
		cands = out
	}
	if len(cands) > 1 {
		keepMax(func(m *funcMatch) int {
			n := 0
			for i, t := range in {
				if t != types.Unknown && m.argTypes[i] == t {
					n++
				}
			}
			return n
		})
	}
	if len(cands) > 1 {
		keepMax(func(m *funcMatch) int {
			n := 0
			for i, t := range in {
				if t != types.Unknown && (m.argTypes[i] == t || m.argTypes[i].Preferred) {
					n++
				}
			}
			return n
		})
	}
	if len(cands) > 1 {
		keepMax(func(m *funcMatch) int {
			n := 0
			for i, t := range in {
				if t == types.Unknown {
					if m.argTypes[i].Category == 'S' {
						n += 2
					}
					if m.argTypes[i].Preferred {
						n++
					}
				}
			}
			return n
		})
	}
	if len(cands) > 1 {
		// Prefer non-variadic, then fewer defaults used, then the lowest OID (stable).
		keepMax(func(m *funcMatch) int {
			if m.f.Variadic == nil {
				return 1
			}
			return 0
		})
	}
	if len(cands) > 1 {
		// Prefer candidates whose unknown arguments match a known argument's type.
		var known *types.T
		for _, t := range in {
			if t != types.Unknown {
				known = t
			}
		}
		if known != nil {
			keepMax(func(m *funcMatch) int {
				n := 0
				for _, t := range m.argTypes {
					if t == known {
						n++
					}
				}
				return n
			})
		}
	}
	var labels []string
	for _, t := range in {
		labels = append(labels, typeLabel(t))
	}
	sig := fmt.Sprintf("%s(%s)", name, strings.Join(labels, ", "))
	switch len(cands) {
	case 1:
		return cands[0], nil
	case 0:
		return nil, pgerr.New(pgerr.UndefinedFunction, "function %s does not exist", sig).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	return nil, pgerr.New(pgerr.AmbiguousFunction, "function %s is not unique", sig).
		WithHint("Could not choose a best candidate function. You might need to add explicit type casts.")
}

// callFunc resolves and builds a scalar function call.
func (a *analyzer) callFunc(name string, args []Expr, pos []int, callPos int) (Expr, error) {
	var in []*types.T
	for _, x := range args {
		in = append(in, x.Type())
	}
	if a.env.SessionFunc != nil {
		if d := a.env.SessionFunc(name, in); d != nil {
			for i := range args {
				p := callPos
				if i < len(pos) {
					p = pos[i]
				}
				var err error
				if i < len(d.Args) {
					if args[i], err = a.coerce(args[i], d.Args[i], -1, 'i', p); err != nil {
						return nil, err
					}
				}
			}
			// A set-returning session function may stand in a target list
			// like a built-in one, unless it returns records (OutCols).
			if d.SRF != nil && a.clause != clauseFrom && (d.OutCols != nil || a.clause != clauseTarget) {
				return nil, errAt(callPos, pgerr.FeatureNotSupported, "set-returning function %s is only supported in FROM", name)
			}
			return &FuncExpr{Name: name, OID: d.OID, Args: args, T: d.Ret, Mod: -1, Strict: d.Strict, Fn: d.Fn, SRF: d.SRF, OutCols: d.OutCols}, nil
		}
	}
	m, err := selectFunc(name, in, func(f *funcs.Func) bool { return f.Kind == funcs.KindNormal })
	if err != nil {
		return nil, withPos(callPos, err)
	}
	for i := range args {
		p := callPos
		if i < len(pos) {
			p = pos[i]
		}
		if args[i], err = a.coerce(args[i], m.argTypes[i], -1, 'i', p); err != nil {
			return nil, err
		}
	}
	f := m.f
	for len(args) < len(f.Args) && f.Variadic == nil {
		d := f.Defaults[len(f.Defaults)-(len(f.Args)-len(args))]
		args = append(args, &Const{T: f.Args[len(args)], Mod: -1, Val: d})
		m.argTypes = append(m.argTypes, f.Args[len(args)-1])
	}
	if f.RetSet {
		switch a.clause {
		case clauseFrom, clauseTarget:
		default:
			return nil, errAt(callPos, pgerr.FeatureNotSupported, "set-returning functions are not allowed in %s", clauseNames[a.clause])
		}
	}
	fctx := &funcs.FuncContext{ArgTypes: m.argTypes, RetType: m.ret}
	if a.env.FuncContext != nil {
		base := *a.env.FuncContext
		base.ArgTypes, base.RetType = m.argTypes, m.ret
		fctx = &base
	}
	fe := &FuncExpr{Name: name, OID: uint32(f.OID), Args: args, T: m.ret, Mod: -1, Strict: f.Strict,
		Immutable: f.Volatility == funcs.Immutable && !f.RetSet}
	if f.RetSet {
		fe.SRF = func(vals []types.Datum) (func() (types.Datum, bool, error), error) {
			next, err := f.CallSRF(fctx, vals)
			if err != nil {
				return nil, err
			}
			return next, nil
		}
	} else {
		fe.Fn = func(vals []types.Datum) (types.Datum, error) { return f.Call(fctx, vals) }
	}
	return fe, nil
}

// rangeFunction analyzes a function call in FROM.
func (a *analyzer) rangeFunction(n *ast.RangeFunction, add func(*RTE) (*JoinNode, []nsItem), applyAlias func(*RTE, *ast.Alias) error) (*JoinNode, []nsItem, error) {
	if len(n.Funcs) != 1 {
		return nil, nil, errAt(n.Pos, pgerr.FeatureNotSupported, "ROWS FROM with several functions is not supported yet")
	}
	fc, ok := n.Funcs[0].(*ast.FuncCall)
	if !ok {
		return nil, nil, errAt(n.Pos, pgerr.FeatureNotSupported, "this function in FROM is not supported yet")
	}
	saved := a.clause
	a.clause = clauseFrom
	defer func() { a.clause = saved }()
	var args []Expr
	var pos []int
	for _, x := range fc.Args {
		v, err := a.expr(x)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, v)
		pos = append(pos, x.Position())
	}
	name := lowerName(fc.Names)
	e, err := a.callFunc(name, args, pos, fc.Pos)
	if err != nil {
		return nil, nil, err
	}
	fe := e.(*FuncExpr)
	rte := &RTE{Kind: RTEFunction, Func: fe, Alias: name, Lateral: true}
	rte.Cols = []Column{{Name: name, T: fe.T, Mod: -1}}
	if fe.OutCols != nil {
		rte.Cols = append([]Column(nil), fe.OutCols...)
	}
	if n.WithOrdinality {
		rte.Cols = append(rte.Cols, Column{Name: "ordinality", T: types.Int8, Mod: -1})
	}
	if err := applyAlias(rte, n.Alias); err != nil {
		return nil, nil, err
	}
	if n.Alias != nil && len(n.Alias.Columns) == 0 && len(rte.Cols) > 0 && fe.OutCols == nil {
		rte.Cols[0].Name = n.Alias.Name // a scalar function's column takes the alias
	}
	jn, items := add(rte)
	return jn, items, nil
}

// aggCall analyzes an aggregate call (transformAggregateCall).
func (a *analyzer) aggCall(e *ast.FuncCall, name string) (Expr, error) {
	if a.inAgg {
		return nil, errAt(e.Pos, pgerr.GroupingError, "aggregate function calls cannot be nested")
	}
	switch a.clause {
	case clauseWhere, clauseGroupBy, clauseJoinOn, clauseValues, clauseFrom, clauseLimit:
		what := clauseNames[a.clause]
		return nil, errAt(e.Pos, pgerr.GroupingError, "aggregate functions are not allowed in %s", what)
	}
	a.inAgg = true
	defer func() { a.inAgg = false }()
	var args []Expr
	var in []*types.T
	for _, x := range e.Args {
		v, err := a.expr(x)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
		in = append(in, v.Type())
	}
	if e.Star {
		args, in = nil, nil
	}
	m, err := selectFunc(name, in, func(f *funcs.Func) bool { return f.Kind == funcs.KindAggregate })
	if err != nil {
		if e.Star {
			return nil, errAt(e.Pos, pgerr.UndefinedFunction, "function %s(*) does not exist", name)
		}
		return nil, withPos(e.Pos, err)
	}
	for i := range args {
		if args[i], err = a.coerce(args[i], m.argTypes[i], -1, 'i', e.Args[i].Position()); err != nil {
			return nil, err
		}
	}
	ag := &Aggref{Name: name, Args: args, Star: e.Star, Distinct: e.Distinct, T: m.ret}
	ag.New, ag.T, err = newAggState(m.f, m.argTypes, m.ret)
	if err != nil {
		return nil, errAt(e.Pos, pgerr.CodeOf(err), "%s", err.Error())
	}
	if e.Filter != nil {
		a.inAgg = false
		saved := a.clause
		a.clause = clauseTarget
		f, err := a.expr(e.Filter)
		a.clause = saved
		a.inAgg = true
		if err != nil {
			return nil, err
		}
		if ag.Filter, err = a.coerceBool(f, e.Filter.Position(), "FILTER"); err != nil {
			return nil, err
		}
	}
	for _, sb := range e.OrderBy {
		x, err := a.expr(sb.Expr)
		if err != nil {
			return nil, err
		}
		ag.OrderBy = append(ag.OrderBy, sortKey(sb, x))
	}
	ag.ID = len(a.q.Aggs)
	a.q.Aggs = append(a.q.Aggs, ag)
	a.q.HasAggs = true
	return ag, nil
}

// windowCall analyzes f(...) OVER (...).
func (a *analyzer) windowCall(e *ast.FuncCall, name string) (Expr, error) {
	if a.clause != clauseTarget && a.clause != clauseOrderBy {
		return nil, errAt(e.Pos, pgerr.WindowingError, "window functions are not allowed in %s", clauseNames[a.clause])
	}
	var args []Expr
	var in []*types.T
	for _, x := range e.Args {
		v, err := a.expr(x)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
		in = append(in, v.Type())
	}
	m, err := selectFunc(name, in, func(f *funcs.Func) bool { return f.Kind == funcs.KindWindow || f.Kind == funcs.KindAggregate })
	if err != nil {
		return nil, withPos(e.Pos, err)
	}
	for i := range args {
		if args[i], err = a.coerce(args[i], m.argTypes[i], -1, 'i', e.Args[i].Position()); err != nil {
			return nil, err
		}
	}
	spec, err := a.windowSpec(e.Over)
	if err != nil {
		return nil, err
	}
	wf := &WindowFunc{Name: name, Args: args, Star: e.Star, T: m.ret, Window: spec}
	if m.f.Kind == funcs.KindAggregate {
		ag := &Aggref{Name: name, Args: args, Star: e.Star, T: m.ret}
		if ag.New, ag.T, err = newAggState(m.f, m.argTypes, m.ret); err != nil {
			return nil, errAt(e.Pos, pgerr.CodeOf(err), "%s", err.Error())
		}
		wf.Agg, wf.T = ag, ag.T
	} else {
		wf.Impl = m.f.Window
	}
	wf.ID = len(a.q.WindowFuncs)
	a.q.WindowFuncs = append(a.q.WindowFuncs, wf)
	return wf, nil
}

func (a *analyzer) windowSpec(w *ast.WindowDef) (*WindowSpec, error) {
	if w.RefName != "" {
		// OVER w / OVER (w ORDER BY ...): start from the named window
		// (transformWindowDefinitions' copy rules).
		base, ok := a.windows[w.RefName]
		if !ok {
			return nil, errAt(w.Pos, pgerr.UndefinedObject, "window %q does not exist", w.RefName)
		}
		if len(w.PartitionBy) > 0 {
			return nil, errAt(w.Pos, pgerr.WindowingError, "cannot override PARTITION BY clause of window %q", w.RefName)
		}
		if len(w.OrderBy) > 0 && len(base.OrderBy) > 0 {
			return nil, errAt(w.Pos, pgerr.WindowingError, "cannot override ORDER BY clause of window %q", w.RefName)
		}
		if base.Frame != nil {
			return nil, errAt(w.Pos, pgerr.WindowingError, "cannot copy window %q because it has a frame clause", w.RefName)
		}
		merged := &ast.WindowDef{Pos: w.Pos, PartitionBy: base.PartitionBy, OrderBy: base.OrderBy, Frame: w.Frame}
		if len(w.OrderBy) > 0 {
			merged.OrderBy = w.OrderBy
		}
		if base.RefName != "" {
			merged.RefName = base.RefName
		}
		w = merged
		if w.RefName != "" {
			return a.windowSpec(w)
		}
	}
	spec := &WindowSpec{}
	for _, p := range w.PartitionBy {
		x, err := a.expr(p)
		if err != nil {
			return nil, err
		}
		spec.PartitionBy = append(spec.PartitionBy, x)
	}
	for _, sb := range w.OrderBy {
		x, err := a.expr(sb.Expr)
		if err != nil {
			return nil, err
		}
		spec.OrderBy = append(spec.OrderBy, sortKey(sb, x))
	}
	if f := w.Frame; f != nil {
		spec.FrameMode = int(f.Mode)
		spec.Exclude = int(f.Exclude)
		spec.StartKind, spec.EndKind = int(f.Start.Kind), int(f.End.Kind)
		var err error
		if f.Start.Offset != nil {
			if spec.StartOffset, err = a.expr(f.Start.Offset); err != nil {
				return nil, err
			}
		}
		if f.End.Offset != nil {
			if spec.EndOffset, err = a.expr(f.End.Offset); err != nil {
				return nil, err
			}
		}
	}
	return spec, nil
}
