package analyze

import (
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/funcs"
	"github.com/tuskdb/tusk/sql/types"
)

// moreExpr analyzes the expression kinds beyond the first slice's.
func (a *analyzer) moreExpr(n ast.Expr) (Expr, error) {
	switch e := n.(type) {
	case *ast.FuncCall:
		return a.funcCall(e)
	case *ast.CaseExpr:
		return a.caseExpr(e)
	case *ast.CoalesceExpr:
		args, t, err := a.commonArgs(e.Args, "COALESCE", e.Pos)
		if err != nil {
			return nil, err
		}
		return &CoalesceExpr{Args: args, T: t}, nil
	case *ast.MinMaxExpr:
		name := "GREATEST"
		if e.Op == ast.Least {
			name = "LEAST"
		}
		args, t, err := a.commonArgs(e.Args, name, e.Pos)
		if err != nil {
			return nil, err
		}
		return &MinMaxExpr{Least: e.Op == ast.Least, Args: args, T: t}, nil
	case *ast.NullIfExpr:
		l, err := a.expr(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := a.expr(e.Right)
		if err != nil {
			return nil, err
		}
		eq, err := a.operatorExpr("=", l, r, e.Pos)
		if err != nil {
			return nil, err
		}
		return &NullIfExpr{Eq: eq}, nil
	case *ast.DistinctExpr:
		l, err := a.expr(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := a.expr(e.Right)
		if err != nil {
			return nil, err
		}
		eq, err := a.operatorExpr("=", l, r, e.Pos)
		if err != nil {
			return nil, err
		}
		// a IS DISTINCT FROM b: like a <> b, with NULL equal to NULL and
		// unequal to any value: CASE WHEN a IS NULL THEN b IS NOT NULL
		// WHEN b IS NULL THEN true ELSE NOT (a = b) END.
		op := eq
		l, r = op.Args[0], op.Args[1]
		var out Expr = &CaseExpr{T: types.Bool, Whens: []*CaseWhen{
			{Cond: &NullTest{Arg: copyExpr(l)}, Result: &NullTest{Arg: copyExpr(r), Not: true}},
			{Cond: &NullTest{Arg: copyExpr(r)}, Result: &Const{T: types.Bool, Mod: -1, Val: true}},
		}, Else: &BoolExpr{Op: Not, Args: []Expr{op}}}
		if e.Not {
			out = &BoolExpr{Op: Not, Args: []Expr{out}}
		}
		return out, nil
	case *ast.BetweenExpr:
		return a.between(e)
	case *ast.InExpr:
		return a.inList(e)
	case *ast.LikeExpr:
		return a.like(e)
	case *ast.SubLink:
		return a.subLink(e)
	case *ast.AnyAllExpr:
		l, err := a.expr(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := a.expr(e.Right)
		if err != nil {
			return nil, err
		}
		if r.Type() == types.Unknown {
			// '{1,2}' takes the array type of the left side.
			if arr := l.Type().Array(); arr != nil {
				if r, err = a.coerce(r, arr, -1, 'i', e.Right.Position()); err != nil {
					return nil, err
				}
			}
		}
		if !r.Type().IsArray() {
			return nil, errAt(e.Pos, pgerr.WrongObjectType, "op ANY/ALL (array) requires array on right side")
		}
		op, err := selectOperator(e.Op, l.Type(), r.Type().Elem)
		if err != nil {
			return nil, withPos(e.Pos, err)
		}
		lt, _ := types.ByOID(op.Left)
		if l, err = a.coerce(l, lt, -1, 'i', e.Pos); err != nil {
			return nil, err
		}
		return &ScalarArrayOpExpr{Op: op, All: e.All, Left: l, Array: r}, nil
	case *ast.ArrayExpr:
		var elems []Expr
		for _, x := range e.Elems {
			v, err := a.expr(x)
			if err != nil {
				return nil, err
			}
			elems = append(elems, v)
		}
		t, err := commonType(elems, "ARRAY", e.Pos)
		if err != nil {
			return nil, err
		}
		for i := range elems {
			if elems[i], err = a.coerce(elems[i], t, -1, 'i', e.Pos); err != nil {
				return nil, err
			}
		}
		arr := t.Array()
		if arr == nil {
			return nil, errAt(e.Pos, pgerr.UndefinedObject, "could not find array type for data type %s", types.FormatType(t, -1))
		}
		return &ArrayExpr{Elems: elems, T: arr}, nil
	case *ast.SQLValueFunc:
		return a.sqlValueFunc(e)
	case *ast.CollateExpr:
		return a.expr(e.Arg) // one collation (C) for now
	case *ast.RowExpr:
		var args []Expr
		for _, x := range e.Args {
			v, err := a.expr(x)
			if err != nil {
				return nil, err
			}
			args = append(args, v)
		}
		return &RowExpr{Args: args}, nil
	}
	return nil, errAt(n.Position(), pgerr.FeatureNotSupported, "expression %T is not supported yet", n)
}

// DistinctExpr is IS [NOT] DISTINCT FROM.
type DistinctExpr struct {
	Eq  *OpExpr
	Not bool
}

func (e *DistinctExpr) Type() *types.T { return types.Bool }
func (e *DistinctExpr) Typmod() int32  { return -1 }

// commonArgs analyzes arguments and coerces them to their common type.
func (a *analyzer) commonArgs(list []ast.Expr, context string, pos int) ([]Expr, *types.T, error) {
	var args []Expr
	for _, x := range list {
		v, err := a.expr(x)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, v)
	}
	t, err := commonType(args, context, pos)
	if err != nil {
		return nil, nil, err
	}
	for i := range args {
		if args[i], err = a.coerce(args[i], t, -1, 'i', list[i].Position()); err != nil {
			return nil, nil, err
		}
	}
	return args, t, nil
}

func (a *analyzer) caseExpr(e *ast.CaseExpr) (Expr, error) {
	out := &CaseExpr{}
	var arg Expr
	var err error
	if e.Arg != nil {
		if arg, err = a.expr(e.Arg); err != nil {
			return nil, err
		}
	}
	var results []Expr
	var resultPos []int
	for _, w := range e.Whens {
		var cond Expr
		if arg != nil {
			v, err := a.expr(w.Cond)
			if err != nil {
				return nil, err
			}
			test := &CaseTestExpr{T: arg.Type()}
			c, err := a.operator("=", test, v, w.Pos)
			if err != nil {
				return nil, err
			}
			cond = c
		} else {
			c, err := a.expr(w.Cond)
			if err != nil {
				return nil, err
			}
			if cond, err = a.coerceBool(c, w.Cond.Position(), "CASE/WHEN"); err != nil {
				return nil, err
			}
		}
		r, err := a.expr(w.Result)
		if err != nil {
			return nil, err
		}
		out.Whens = append(out.Whens, &CaseWhen{Cond: cond, Result: r})
		results = append(results, r)
		resultPos = append(resultPos, w.Result.Position())
	}
	if e.Else != nil {
		el, err := a.expr(e.Else)
		if err != nil {
			return nil, err
		}
		out.Else = el
		results = append([]Expr{el}, results...)
		resultPos = append([]int{e.Else.Position()}, resultPos...)
	}
	t, err := commonType(results, "CASE", e.Pos)
	if err != nil {
		return nil, err
	}
	out.T = t
	for _, w := range out.Whens {
		if w.Result, err = a.coerce(w.Result, t, -1, 'i', e.Pos); err != nil {
			return nil, err
		}
	}
	if out.Else != nil {
		if out.Else, err = a.coerce(out.Else, t, -1, 'i', e.Pos); err != nil {
			return nil, err
		}
	}
	// The result keeps a typmod all arms share.
	out.Mod, out.ModSet = caseTypmod(out.Whens, out.Else)
	if arg != nil {
		out.Arg = arg
		// The comparisons were typed against the argument's type; coerce
		// the test placeholder's consumers if the operator wanted another.
	}
	return out, nil
}

func (a *analyzer) between(e *ast.BetweenExpr) (Expr, error) {
	x, err := a.expr(e.Arg)
	if err != nil {
		return nil, err
	}
	lo, err := a.expr(e.Low)
	if err != nil {
		return nil, err
	}
	hi, err := a.expr(e.High)
	if err != nil {
		return nil, err
	}
	ge, err := a.operator(">=", x, lo, e.Pos)
	if err != nil {
		return nil, err
	}
	le, err := a.operator("<=", copyExpr(x), hi, e.Pos)
	if err != nil {
		return nil, err
	}
	var out Expr = &BoolExpr{Op: And, Args: []Expr{ge, le}}
	if e.Symmetric {
		ge2, err := a.operator(">=", copyExpr(x), copyExpr(hi), e.Pos)
		if err != nil {
			return nil, err
		}
		le2, err := a.operator("<=", copyExpr(x), copyExpr(lo), e.Pos)
		if err != nil {
			return nil, err
		}
		out = &BoolExpr{Op: Or, Args: []Expr{out, &BoolExpr{Op: And, Args: []Expr{ge2, le2}}}}
	}
	if e.Not {
		out = &BoolExpr{Op: Not, Args: []Expr{out}}
	}
	return out, nil
}

func (a *analyzer) inList(e *ast.InExpr) (Expr, error) {
	x, err := a.expr(e.Arg)
	if err != nil {
		return nil, err
	}
	var elems []Expr
	for _, it := range e.List {
		v, err := a.expr(it)
		if err != nil {
			return nil, err
		}
		elems = append(elems, v)
	}
	all := append([]Expr{x}, elems...)
	t, err := commonType(all, "IN", e.Pos)
	if err != nil {
		// Mixed types: fall back to x = e1 OR x = e2 ..., each resolved on its own.
		var ors []Expr
		for _, v := range elems {
			eq, err := a.operator("=", copyExpr(x), v, e.Pos)
			if err != nil {
				return nil, err
			}
			ors = append(ors, eq)
		}
		var out Expr = &BoolExpr{Op: Or, Args: ors}
		if e.Not {
			out = &BoolExpr{Op: Not, Args: []Expr{out}}
		}
		return out, nil
	}
	if x, err = a.coerce(x, t, -1, 'i', e.Arg.Position()); err != nil {
		return nil, err
	}
	for i := range elems {
		if elems[i], err = a.coerce(elems[i], t, -1, 'i', e.List[i].Position()); err != nil {
			return nil, err
		}
	}
	name := "="
	if e.Not {
		name = "<>"
	}
	op, err := selectOperator(name, t, t)
	if err != nil {
		return nil, withPos(e.Pos, err)
	}
	return &ScalarArrayOpExpr{Op: op, All: e.Not, Left: x, Elems: elems}, nil
}

func (a *analyzer) like(e *ast.LikeExpr) (Expr, error) {
	x, err := a.expr(e.Arg)
	if err != nil {
		return nil, err
	}
	p, err := a.expr(e.Pattern)
	if err != nil {
		return nil, err
	}
	if e.Escape != nil {
		esc, err := a.expr(e.Escape)
		if err != nil {
			return nil, err
		}
		// pattern := like_escape(pattern, escape), done now for constants.
		pc, ok1 := p.(*Const)
		ec, ok2 := esc.(*Const)
		if !ok1 || !ok2 {
			return nil, errAt(e.Escape.Position(), pgerr.FeatureNotSupported, "LIKE ... ESCAPE with a non-constant pattern or escape is not supported yet")
		}
		if pc.Val == nil || ec.Val == nil {
			p = &Const{T: types.Text, Mod: -1, Pos: pc.Pos}
		} else {
			conv, err := likeEscape(pc.Val.(string), ec.Val.(string))
			if err != nil {
				return nil, withPos(e.Escape.Position(), err)
			}
			p = &Const{T: types.Text, Mod: -1, Val: conv, Pos: pc.Pos}
		}
	}
	op := "~~"
	switch e.Kind {
	case ast.ILike:
		op = "~~*"
	case ast.SimilarTo:
		f, err := a.callFunc("similar_to_escape", []Expr{p}, []int{e.Pattern.Position()}, e.Pos)
		if err != nil {
			return nil, err
		}
		p, op = f, "~"
	}
	if e.Not {
		op = "!" + op
	}
	return a.operator(op, x, p, e.Pos)
}

func (a *analyzer) sqlValueFunc(e *ast.SQLValueFunc) (Expr, error) {
	name := map[string]string{
		"current_date": "current_date", "current_timestamp": "now", "localtimestamp": "localtimestamp",
		"current_time": "current_time", "localtime": "localtime",
		"current_user": "current_user", "current_role": "current_user", "user": "current_user",
		"session_user": "session_user", "current_catalog": "current_database", "current_schema": "current_schema",
	}[e.Name]
	if name == "" {
		return nil, errAt(e.Pos, pgerr.FeatureNotSupported, "%s is not supported yet", strings.ToUpper(e.Name))
	}
	switch name {
	case "current_user", "session_user":
		return &Const{T: types.Name, Mod: -1, Val: "postgres", Pos: e.Pos}, nil
	case "current_database":
		return &Const{T: types.Name, Mod: -1, Val: "tusk", Pos: e.Pos}, nil
	}
	return a.callFunc(name, nil, nil, e.Pos)
}

// subLink analyzes a subquery expression at a new query level.
func (a *analyzer) subLink(e *ast.SubLink) (Expr, error) {
	if row, ok := e.Test.(*ast.RowExpr); ok && e.Kind == ast.AnySubLink && e.Op == "=" {
		return a.rowInSubquery(e, row)
	}
	sa := a.child()
	sa.ctes = a.visibleCTEs()
	q, err := sa.selectStmt(e.Subquery)
	if err != nil {
		return nil, err
	}
	out := &SubLink{Query: q, Correlated: sa.correlated}
	switch e.Kind {
	case ast.ExistsSubLink:
		out.Kind, out.T = ExistsSubLink, types.Bool
	case ast.ExprSubLink:
		if len(q.Targets) != 1 {
			return nil, errAt(e.Pos, pgerr.SyntaxError, "subquery must return only one column")
		}
		out.Kind, out.T = ExprSubLink, q.Targets[0].Expr.Type()
	case ast.ArraySubLink:
		if len(q.Targets) != 1 {
			return nil, errAt(e.Pos, pgerr.SyntaxError, "subquery must return only one column")
		}
		out.Kind = ArraySubLink
		out.T = q.Targets[0].Expr.Type().Array()
	case ast.AnySubLink, ast.AllSubLink:
		out.Kind = AnySubLink
		if e.Kind == ast.AllSubLink {
			out.Kind = AllSubLink
		}
		out.T = types.Bool
		if len(q.Targets) != 1 {
			return nil, errAt(e.Pos, pgerr.SyntaxError, "subquery has too many columns")
		}
		test, err := a.expr(e.Test)
		if err != nil {
			return nil, err
		}
		sub := q.Targets[0].Expr
		op, err := selectOperator(e.Op, test.Type(), sub.Type())
		if err != nil {
			return nil, withPos(e.Pos, err)
		}
		lt, _ := types.ByOID(op.Left)
		rt, _ := types.ByOID(op.Right)
		if test, err = a.coerce(test, lt, -1, 'i', e.Pos); err != nil {
			return nil, err
		}
		if sub.Type() != rt {
			if q.Targets[0].Expr, err = sa.coerce(sub, rt, -1, 'i', e.Pos); err != nil {
				return nil, err
			}
		}
		out.Test, out.Op = test, op
	}
	return out, nil
}

// funcCall analyzes a function or aggregate call.
func (a *analyzer) funcCall(e *ast.FuncCall) (Expr, error) {
	name := strings.ToLower(e.Names[len(e.Names)-1])
	if len(e.Names) > 1 && e.Names[0] != "pg_catalog" {
		return nil, errAt(e.Pos, pgerr.UndefinedFunction, "function %s does not exist", strings.Join(e.Names, "."))
	}
	cands := funcs.Lookup(name)
	isAgg := false
	for _, c := range cands {
		if c.Kind == funcs.KindAggregate || c.Kind == funcs.KindWindow {
			isAgg = true
		}
	}
	if e.Over != nil {
		return a.windowCall(e, name)
	}
	windowOnly := len(cands) > 0
	for _, c := range cands {
		if c.Kind != funcs.KindWindow {
			windowOnly = false
		}
	}
	if windowOnly {
		return nil, errAt(e.Pos, pgerr.WrongObjectType, "window function %s requires an OVER clause", name)
	}
	if isAgg {
		return a.aggCall(e, name)
	}
	if e.Star || e.Distinct || e.Filter != nil || len(e.OrderBy) > 0 {
		return nil, errAt(e.Pos, pgerr.WrongObjectType, "%s is not an aggregate function", name)
	}
	var args []Expr
	var pos []int
	for _, x := range e.Args {
		if na, ok := x.(*ast.NamedArgExpr); ok {
			x = na.Arg
		}
		v, err := a.expr(x)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
		pos = append(pos, x.Position())
	}
	return a.callFunc(name, args, pos, e.Pos)
}

// rowInSubquery analyzes (a, b) IN (SELECT x, y ...) as a scalar subquery
// with the same three-valued result: true when some row matches on every
// column, NULL when none does but some comparison was NULL, else false.
//
//	(SELECT CASE WHEN bool_or(m) THEN true WHEN bool_or(m IS NULL) THEN NULL ELSE false END
//	 FROM (SELECT a = s.c1 AND b = s.c2 AS m FROM (subquery) s(c1, c2)) q)
func (a *analyzer) rowInSubquery(e *ast.SubLink, row *ast.RowExpr) (Expr, error) {
	n := len(row.Args)
	sub := e.Subquery
	if sub.Op == ast.SetOpNone && sub.Values == nil {
		star := false
		for _, t := range sub.Targets {
			if cr, ok := t.Val.(*ast.ColumnRef); ok && cr.Star {
				star = true
			}
		}
		if !star && len(sub.Targets) > n {
			return nil, errAt(e.Pos, pgerr.SyntaxError, "subquery has too many columns")
		}
		if !star && len(sub.Targets) < n {
			return nil, errAt(e.Pos, pgerr.SyntaxError, "subquery has too few columns")
		}
	}
	pos := e.Pos
	var cols []string
	var cond ast.Expr
	for i, x := range row.Args {
		c := "__c" + strconv.Itoa(i+1)
		cols = append(cols, c)
		eq := &ast.BinaryExpr{Pos: pos, Op: "=", Left: x, Right: &ast.ColumnRef{Pos: pos, Names: []string{"__s", c}}}
		if cond == nil {
			cond = eq
		} else {
			cond = &ast.BoolExpr{Pos: pos, Op: ast.And, Args: []ast.Expr{cond, eq}}
		}
	}
	m := &ast.ColumnRef{Pos: pos, Names: []string{"__m"}}
	inner := &ast.SelectStmt{Pos: pos,
		Targets: []*ast.ResTarget{{Pos: pos, Name: "__m", Val: cond}},
		From:    []ast.TableExpr{&ast.RangeSubselect{Pos: pos, Subquery: sub, Alias: &ast.Alias{Pos: pos, Name: "__s", Columns: cols}}}}
	boolOr := func(x ast.Expr) ast.Expr {
		return &ast.FuncCall{Pos: pos, Names: []string{"bool_or"}, Args: []ast.Expr{x}}
	}
	caseExpr := &ast.CaseExpr{Pos: pos, Whens: []*ast.CaseWhen{
		{Pos: pos, Cond: boolOr(m), Result: &ast.Literal{Pos: pos, Kind: ast.LitBool, Val: "true"}},
		{Pos: pos, Cond: boolOr(&ast.NullTest{Pos: pos, Arg: m}), Result: &ast.Literal{Pos: pos, Kind: ast.LitNull}},
	}, Else: &ast.Literal{Pos: pos, Kind: ast.LitBool, Val: "false"}}
	outer := &ast.SelectStmt{Pos: pos,
		Targets: []*ast.ResTarget{{Pos: pos, Val: caseExpr}},
		From:    []ast.TableExpr{&ast.RangeSubselect{Pos: pos, Subquery: inner, Alias: &ast.Alias{Pos: pos, Name: "__q"}}}}
	out, err := a.subLink(&ast.SubLink{Pos: pos, Kind: ast.ExprSubLink, Subquery: outer})
	if err != nil {
		return nil, err
	}
	if sl, ok := out.(*SubLink); ok {
		sl.T = types.Bool
	}
	return out, nil
}

// likeEscape rewrites a LIKE pattern written with escape character esc
// into the default backslash form (like_escape); an empty esc means no
// escape character at all.
func likeEscape(pat, esc string) (string, error) {
	if len([]rune(esc)) > 1 {
		return "", pgerr.New(pgerr.InvalidEscapeSequence, "invalid escape string").
			WithHint("Escape string must be empty or one character.")
	}
	var b strings.Builder
	r := []rune(pat)
	var e rune = -1
	if esc != "" {
		e = []rune(esc)[0]
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case e >= 0 && c == e:
			if i+1 >= len(r) {
				return "", pgerr.New(pgerr.InvalidEscapeSequence, "LIKE pattern must not end with escape character")
			}
			i++
			b.WriteByte('\\')
			b.WriteRune(r[i])
		case c == '\\':
			b.WriteString("\\\\")
		default:
			b.WriteRune(c)
		}
	}
	return b.String(), nil
}

// rowCompare analyzes (a, b) op (c, d) with PostgreSQL's row comparison
// semantics: = is all pairs equal, <> any pair different; the ordering
// operators compare pairwise from the left, the first unequal pair
// deciding, a NULL before that making the result NULL.
func (a *analyzer) rowCompare(e *ast.BinaryExpr, l, r *ast.RowExpr) (Expr, error) {
	if len(l.Args) != len(r.Args) {
		return nil, errAt(e.Pos, pgerr.SyntaxError, "unequal number of entries in row expressions")
	}
	var ls, rs []Expr
	for i := range l.Args {
		x, err := a.expr(l.Args[i])
		if err != nil {
			return nil, err
		}
		y, err := a.expr(r.Args[i])
		if err != nil {
			return nil, err
		}
		ls, rs = append(ls, x), append(rs, y)
	}
	op := e.Op
	if op == "!=" {
		op = "<>"
	}
	pair := func(name string, i int) (Expr, error) {
		return a.operator(name, copyExpr(ls[i]), copyExpr(rs[i]), e.Pos)
	}
	switch op {
	case "=", "<>":
		var parts []Expr
		for i := range ls {
			p, err := pair(op, i)
			if err != nil {
				return nil, err
			}
			parts = append(parts, p)
		}
		if len(parts) == 1 {
			return parts[0], nil
		}
		b := And
		if op == "<>" {
			b = Or
		}
		return &BoolExpr{Op: b, Args: parts}, nil
	case "<", "<=", ">", ">=":
		strict := op[:1]
		out := &CaseExpr{T: types.Bool, Else: &Const{T: types.Bool, Mod: -1, Val: len(op) == 2}}
		for i := range ls {
			ne, err := pair("<>", i)
			if err != nil {
				return nil, err
			}
			cmp, err := pair(strict, i)
			if err != nil {
				return nil, err
			}
			anyNull := &BoolExpr{Op: Or, Args: []Expr{&NullTest{Arg: copyExpr(ls[i])}, &NullTest{Arg: copyExpr(rs[i])}}}
			out.Whens = append(out.Whens,
				&CaseWhen{Cond: anyNull, Result: &Const{T: types.Bool, Mod: -1}},
				&CaseWhen{Cond: ne, Result: cmp})
		}
		return out, nil
	}
	return nil, errAt(e.Pos, pgerr.FeatureNotSupported, "operator %s is not supported for row expressions", e.Op)
}
