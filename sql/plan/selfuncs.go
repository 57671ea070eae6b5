package plan

import (
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// Selectivity estimation, after PostgreSQL's clausesel.c and selfuncs.c.

// PostgreSQL's default selectivities (selfuncs.h).
const (
	defaultEqSel        = 0.005
	defaultIneqSel      = 1.0 / 3.0
	defaultRangeIneqSel = 0.005
	defaultMatchSel     = 0.005
	defaultUnkSel       = 0.005
	defaultNotUnkSel    = 1 - defaultUnkSel
	defaultNumDistinct  = 200.0
	defaultBoolSel      = 0.5
)

func clampProb(s float64) float64 {
	if s < 0 || math.IsNaN(s) {
		return 0
	}
	if s > 1 {
		return 1
	}
	return s
}

// clampRows is clamp_row_est: at least one row, a whole number.
func clampRows(n float64) float64 {
	if n <= 1 || math.IsNaN(n) {
		return 1
	}
	return math.RoundToEven(n)
}

// varData is examine_variable's result: what is known of an expression
// compared in a clause.
type varData struct {
	rel      *baseRel // the base relation the expression reads (nil: several, none)
	stats    *ColStats
	t        *types.T
	isUnique bool // a single-column unique index on it
	isVar    bool
}

func stripRelabel(e analyze.Expr) analyze.Expr {
	for {
		c, ok := e.(*analyze.Cast)
		if !ok || !binaryCompatible(c.Arg.Type(), c.T) {
			return e
		}
		e = c.Arg
	}
}

func binaryCompatible(a, b *types.T) bool {
	if a == b {
		return true
	}
	texts := map[*types.T]bool{types.Text: true, types.Varchar: true}
	return texts[a] && texts[b]
}

func (o *optimizer) examine(e analyze.Expr) varData {
	e = stripRelabel(e)
	vd := varData{t: e.Type()}
	v, ok := e.(*analyze.Var)
	if !ok {
		r, _ := o.refs(e)
		if len(r) == 1 {
			for k := range r {
				vd.rel = o.rels[k]
			}
		}
		return vd
	}
	vd.isVar = true
	br := o.rels[v.RTE]
	if br == nil {
		return vd
	}
	vd.rel = br
	if br.rte.Kind != analyze.RTERelation || br.rte.Rel == nil {
		return vd
	}
	vd.stats = o.colStats(br, v.Col)
	for _, ix := range br.indexes {
		if ix.info.Unique && ix.info.NKeys == 1 && ix.cols[0] == v.Col && ix.info.Pred == "" {
			vd.isUnique = true
		}
	}
	return vd
}

// numDistinct is get_variable_numdistinct; isDefault reports a guess.
func (o *optimizer) numDistinct(vd varData) (float64, bool) {
	var stadistinct, nullfrac float64
	switch {
	case vd.stats != nil:
		stadistinct, nullfrac = vd.stats.NDistinct, vd.stats.NullFrac
	case vd.t == types.Bool:
		stadistinct = 2
	}
	if vd.isUnique {
		stadistinct = -1 * (1 - nullfrac)
	}
	if stadistinct > 0 {
		return clampRows(stadistinct), false
	}
	if vd.rel == nil || vd.rel.tuples <= 0 {
		return defaultNumDistinct, true
	}
	ntuples := vd.rel.tuples
	if stadistinct < 0 {
		return clampRows(-stadistinct * ntuples), false
	}
	if ntuples < defaultNumDistinct {
		return clampRows(ntuples), false
	}
	return defaultNumDistinct, true
}

func nullFrac(vd varData) float64 {
	if vd.stats != nil {
		return vd.stats.NullFrac
	}
	return 0
}

// clauseListSel is clauselist_selectivity for restriction clauses (and,
// with join set, join clauses of an inner join): the product of the
// clauses' selectivities, pairs of range conditions on one expression
// merged as PostgreSQL does.
func (o *optimizer) clauseListSel(cs []analyze.Expr, kind JoinKind) float64 {
	type rangeQ struct {
		expr     analyze.Expr
		lo, hi   float64
		haveLo   bool
		haveHi   bool
		vd       varData
		position int
	}
	var ranges []*rangeQ
	s := 1.0
	for _, c := range cs {
		if op, ok := c.(*analyze.OpExpr); ok && len(op.Args) == 2 && isIneq(op.Op.Name) {
			ve, _, onLeft, ok := o.varConst(op)
			if ok {
				sel := o.clauseSel(c, kind)
				isLT := op.Op.Name == "<" || op.Op.Name == "<="
				if !onLeft {
					isLT = !isLT
				}
				var r *rangeQ
				for _, x := range ranges {
					if analyze.ExprEqual(x.expr, ve) {
						r = x
					}
				}
				if r == nil {
					r = &rangeQ{expr: ve, vd: o.examine(ve)}
					ranges = append(ranges, r)
				}
				if isLT {
					if !r.haveHi || sel < r.hi {
						r.hi = sel
					}
					r.haveHi = true
				} else {
					if !r.haveLo || sel < r.lo {
						r.lo = sel
					}
					r.haveLo = true
				}
				continue
			}
		}
		s *= o.clauseSel(c, kind)
	}
	for _, r := range ranges {
		switch {
		case r.haveLo && r.haveHi:
			var s2 float64
			if r.hi == defaultIneqSel || r.lo == defaultIneqSel {
				s2 = defaultRangeIneqSel
			} else {
				s2 = r.hi + r.lo - 1
				s2 += nullFrac(r.vd)
				if s2 <= 0 {
					if s2 < -0.01 {
						s2 = defaultRangeIneqSel
					} else {
						s2 = 1e-10
					}
				}
			}
			s *= s2
		case r.haveLo:
			s *= r.lo
		default:
			s *= r.hi
		}
	}
	return s
}

func isIneq(name string) bool {
	return name == "<" || name == "<=" || name == ">" || name == ">="
}

// varConst splits a binary operator clause into the expression side and
// a pseudo-constant side (a Const, Param or an expression of neither this
// relation nor others: evaluated once). onLeft: the expression is the
// left operand.
func (o *optimizer) varConst(op *analyze.OpExpr) (ve analyze.Expr, c analyze.Expr, onLeft bool, ok bool) {
	l, r := op.Args[0], op.Args[1]
	if isPseudoConst(r) && !isPseudoConst(l) {
		return l, r, true, true
	}
	if isPseudoConst(l) && !isPseudoConst(r) {
		return r, l, false, true
	}
	return nil, nil, false, false
}

// isPseudoConst: no Var of this level, no volatile function, no subquery
// (it is evaluated once per scan).
func isPseudoConst(e analyze.Expr) bool {
	ok := true
	analyze.Walk(e, func(x analyze.Expr) bool {
		switch v := x.(type) {
		case *analyze.Var:
			if v.RTE >= 0 {
				ok = false
			}
		case *analyze.SubLink:
			ok = false
		case *analyze.FuncExpr:
			if !v.Immutable && v.SRF == nil {
				// stable/volatile functions: not folded, but still one value per scan for stable ones
			}
		}
		return ok
	})
	return ok
}

// constValue is constValue that also knows the custom plan's parameter
// values (Env.Params).
func (o *optimizer) constValue(e analyze.Expr) (types.Datum, bool) {
	if p, ok := stripRelabel(e).(*analyze.Param); ok && o.env != nil && p.N >= 1 && p.N <= len(o.env.Params) {
		return o.env.Params[p.N-1], true
	}
	return constValue(e)
}

func constValue(e analyze.Expr) (types.Datum, bool) {
	e = stripRelabel(e)
	if c, ok := e.(*analyze.Const); ok {
		return c.Val, true
	}
	if c, ok := e.(*analyze.Cast); ok {
		if k, ok := c.Arg.(*analyze.Const); ok && k.Val == nil {
			return nil, true
		}
	}
	return nil, false
}

// clauseSel is clause_selectivity for one clause.
func (o *optimizer) clauseSel(c analyze.Expr, kind JoinKind) float64 {
	if kind != JoinInner {
		return o.clauseSel1(c, kind)
	}
	if s, ok := o.selCache[c]; ok {
		return s
	}
	s := o.clauseSel1(c, kind)
	if o.selCache == nil {
		o.selCache = map[analyze.Expr]float64{}
	}
	o.selCache[c] = s
	return s
}

func (o *optimizer) clauseSel1(c analyze.Expr, kind JoinKind) float64 {
	switch x := c.(type) {
	case *analyze.Const:
		if b, ok := x.Val.(bool); ok && b {
			return 1
		}
		return 0
	case *analyze.BoolExpr:
		switch x.Op {
		case analyze.And:
			return o.clauseListSel(x.Args, kind)
		case analyze.Or:
			s := 0.0
			for _, a := range x.Args {
				s2 := o.clauseSel(a, kind)
				s = s + s2 - s*s2
			}
			return s
		case analyze.Not:
			return clampProb(1 - o.clauseSel(x.Args[0], kind))
		}
	case *analyze.NullTest:
		vd := o.examine(x.Arg)
		if vd.stats != nil {
			if x.Not {
				return clampProb(1 - vd.stats.NullFrac)
			}
			return clampProb(vd.stats.NullFrac)
		}
		if vd.isVar && vd.rel != nil && vd.rel.rte.Kind == analyze.RTERelation {
			v := stripRelabel(x.Arg).(*analyze.Var)
			if vd.rel.rte.Cols[v.Col].NotNull {
				if x.Not {
					return 1
				}
				return 0
			}
		}
		if x.Not {
			return defaultNotUnkSel
		}
		return defaultUnkSel
	case *analyze.Var:
		if x.T == types.Bool {
			return o.boolVarSel(x, true)
		}
	case *analyze.BoolTest:
		return defaultBoolSel
	case *analyze.ScalarArrayOpExpr:
		return o.scalarArraySel(x, kind)
	case *analyze.OpExpr:
		if len(x.Args) != 2 {
			return defaultBoolSel
		}
		return o.opSel(x, kind)
	case *analyze.SubLink:
		return defaultBoolSel
	case *analyze.FuncExpr:
		return 1.0 / 3.0
	}
	return defaultBoolSel
}

func (o *optimizer) boolVarSel(v analyze.Expr, val bool) float64 {
	vd := o.examine(v)
	if vd.stats != nil {
		return o.varEqConst(vd, val, types.Bool)
	}
	return defaultBoolSel
}

// opSel estimates a binary operator clause.
func (o *optimizer) opSel(op *analyze.OpExpr, kind JoinKind) float64 {
	name := op.Op.Name
	ve, c, onLeft, ok := o.varConst(op)
	if !ok {
		// Both sides vary: a join clause (or a clause within one relation).
		l, r := op.Args[0], op.Args[1]
		lr, _ := o.refs(l)
		rr, _ := o.refs(r)
		if len(lr) > 0 && len(rr) > 0 && !sameSet(lr, rr) {
			switch name {
			case "=":
				return o.eqJoinSel(l, r, kind)
			case "<>":
				return clampProb(1 - o.eqJoinSel(l, r, JoinInner))
			}
			if isIneq(name) {
				return defaultIneqSel
			}
			return defaultBoolSel
		}
		switch name {
		case "=":
			// var = expression of the same row: var_eq_non_const.
			return o.varEqNonConst(o.examine(l))
		case "<>":
			return clampProb(1 - o.varEqNonConst(o.examine(l)))
		}
		if isIneq(name) {
			return defaultIneqSel
		}
		return defaultBoolSel
	}
	vd := o.examine(ve)
	cv, isConst := o.constValue(c)
	switch name {
	case "=":
		if !isConst {
			return o.varEqNonConst(vd)
		}
		if cv == nil {
			return 0
		}
		return o.varEqConst(vd, cv, c.Type())
	case "<>":
		if !isConst {
			return clampProb(1 - o.varEqNonConst(vd) - nullFrac(vd))
		}
		if cv == nil {
			return 0
		}
		return clampProb(1 - o.varEqConst(vd, cv, c.Type()) - nullFrac(vd))
	case "<", "<=", ">", ">=":
		if !isConst || cv == nil {
			if cv == nil && isConst {
				return 0
			}
			return defaultIneqSel
		}
		isgt := name == ">" || name == ">="
		iseq := name == "<=" || name == ">="
		if !onLeft {
			isgt = !isgt
		}
		return o.scalarIneqSel(vd, isgt, iseq, cv)
	case "~~", "~~*", "!~~", "!~~*":
		s := o.likeSel(vd, cv, isConst, name == "~~*" || name == "!~~*")
		if strings.HasPrefix(name, "!") {
			return clampProb(1 - s - nullFrac(vd))
		}
		return s
	}
	return defaultBoolSel
}

func sameSet(a, b map[int]bool) bool { return subset(a, b) && subset(b, a) }

// varEqConst is var_eq_const.
func (o *optimizer) varEqConst(vd varData, c types.Datum, ct *types.T) float64 {
	if vd.isUnique && vd.rel != nil && vd.rel.tuples >= 1 {
		return clampProb(1 / vd.rel.tuples)
	}
	if st := vd.stats; st != nil {
		sumcommon := 0.0
		for i, m := range st.MCVals {
			if datumEq(vd.t, m, c) {
				return clampProb(st.MCFreqs[i])
			}
			sumcommon += st.MCFreqs[i]
		}
		sel := clampProb(1 - sumcommon - st.NullFrac)
		nd, _ := o.numDistinct(vd)
		other := nd - float64(len(st.MCFreqs))
		if other > 1 {
			sel /= other
		}
		if n := len(st.MCFreqs); n > 0 && sel > st.MCFreqs[n-1] {
			sel = st.MCFreqs[n-1]
		}
		return clampProb(sel)
	}
	nd, _ := o.numDistinct(vd)
	return clampProb(1 / nd)
}

// varEqNonConst is var_eq_non_const.
func (o *optimizer) varEqNonConst(vd varData) float64 {
	if vd.isUnique && vd.rel != nil && vd.rel.tuples >= 1 {
		return clampProb(1 / vd.rel.tuples)
	}
	nd, _ := o.numDistinct(vd)
	if st := vd.stats; st != nil {
		sel := 1 - st.NullFrac
		if nd > 1 {
			sel /= nd
		}
		if len(st.MCFreqs) > 0 && sel > st.MCFreqs[0] {
			sel = st.MCFreqs[0]
		}
		return clampProb(sel)
	}
	return clampProb(1 / nd)
}

// scalarIneqSel is scalarineqsel: MCVs, then the histogram.
func (o *optimizer) scalarIneqSel(vd varData, isgt, iseq bool, c types.Datum) float64 {
	st := vd.stats
	if st == nil {
		return defaultIneqSel
	}
	mcvSel, sumcommon := 0.0, 0.0
	for i, m := range st.MCVals {
		k := datumCmp(vd.t, m, c)
		var match bool
		switch {
		case !isgt && !iseq:
			match = k < 0
		case !isgt && iseq:
			match = k <= 0
		case isgt && !iseq:
			match = k > 0
		default:
			match = k >= 0
		}
		if match {
			mcvSel += st.MCFreqs[i]
		}
		sumcommon += st.MCFreqs[i]
	}
	histSel := o.ineqHistogramSel(vd, isgt, iseq, c)
	sel := 1 - st.NullFrac - sumcommon
	if histSel >= 0 {
		sel *= histSel
	} else {
		sel *= 0.5
	}
	sel += mcvSel
	return clampProb(sel)
}

// ineqHistogramSel is ineq_histogram_selectivity; -1 without a histogram.
func (o *optimizer) ineqHistogramSel(vd varData, isgt, iseq bool, c types.Datum) float64 {
	h := vd.stats.Histogram
	if len(h) < 2 {
		return -1
	}
	n := len(h)
	lo, hi := 0, n
	for lo < hi {
		probe := (lo + hi) / 2
		k := datumCmp(vd.t, h[probe], c)
		// probe op const, flipped for > and >=: true means go right.
		var lt bool
		if iseq != isgt { // <= and >: h <= c
			lt = k <= 0
		} else {
			lt = k < 0
		}
		if lt {
			lo = probe + 1
		} else {
			hi = probe
		}
	}
	var histfrac float64
	switch {
	case lo <= 0:
		histfrac = 0
	case lo >= n:
		histfrac = 1
	default:
		i := lo
		eqSel := 0.0
		if i == 1 || isgt == iseq {
			other, _ := o.numDistinct(vd)
			other -= float64(len(vd.stats.MCFreqs))
			if other > 1 {
				eqSel = 1 / other
			}
		}
		binfrac := 0.5
		if val, low, high, ok := convertToScalar(c, h[i-1], h[i]); ok {
			switch {
			case high <= low:
				binfrac = 0.5
			case val <= low:
				binfrac = 0
			case val >= high:
				binfrac = 1
			default:
				binfrac = (val - low) / (high - low)
				if math.IsNaN(binfrac) || binfrac < 0 || binfrac > 1 {
					binfrac = 0.5
				}
			}
		}
		histfrac = (float64(i-1) + binfrac) / float64(n-1)
		if i == 1 {
			histfrac += eqSel * (1 - binfrac)
		}
		if isgt == iseq {
			histfrac -= eqSel
		}
	}
	sel := histfrac
	if isgt {
		sel = 1 - histfrac
	}
	cutoff := 0.01 / float64(n-1)
	if sel < cutoff {
		sel = cutoff
	} else if sel > 1-cutoff {
		sel = 1 - cutoff
	}
	return sel
}

// scalarArraySel is scalararraysel for x = ANY (list) and x <> ALL (list).
func (o *optimizer) scalarArraySel(x *analyze.ScalarArrayOpExpr, kind JoinKind) float64 {
	elems := x.Elems
	if x.Array != nil {
		if c, ok := x.Array.(*analyze.Const); ok {
			if a, ok := c.Val.(*types.Array); ok {
				for _, v := range a.Elems {
					elems = append(elems, &analyze.Const{T: a.Elem, Val: v})
				}
			}
		}
		if elems == nil {
			// an array of unknown size: PostgreSQL assumes 10 elements
			for i := 0; i < 10; i++ {
				elems = append(elems, &analyze.Param{N: 0, T: x.Left.Type()})
			}
		}
	}
	isEq := x.Op.Name == "="
	useOr := !x.All
	var s1 float64
	if useOr {
		s1 = 0
	} else {
		s1 = 1
	}
	disjoint := 0.0
	if !useOr {
		disjoint = 1
	}
	for _, el := range elems {
		op := &analyze.OpExpr{Op: x.Op, Args: []analyze.Expr{x.Left, el}, T: types.Bool}
		s2 := o.clauseSel(op, kind)
		if useOr {
			s1 = s1 + s2 - s1*s2
			if isEq {
				disjoint += s2
			}
		} else {
			s1 = s1 * s2
			if x.Op.Name == "<>" {
				disjoint += s2 - 1
			}
		}
	}
	if (isEq && useOr) || (!useOr && x.Op.Name == "<>") {
		if disjoint >= 0 && disjoint <= 1 {
			s1 = disjoint
		}
	}
	return clampProb(s1)
}

// likeSel estimates LIKE: a fixed prefix as a range, the rest by
// PostgreSQL's pattern selectivity guesses.
func (o *optimizer) likeSel(vd varData, c types.Datum, isConst, ci bool) float64 {
	pat, ok := c.(string)
	if !isConst || !ok {
		return defaultMatchSel
	}
	prefix, rest, exact := likePrefix(pat)
	if ci {
		prefix = ""
		rest = pat
		exact = false
	}
	if exact {
		return o.varEqConst(vd, prefix, types.Text)
	}
	restSel := likeRestSel(rest)
	if prefix == "" {
		if vd.stats == nil {
			return clampProb(restSel)
		}
		return clampProb(restSel * (1 - vd.stats.NullFrac))
	}
	// prefix selectivity: prefix <= x < prefix-successor
	var psel float64
	if vd.stats != nil {
		ge := o.scalarIneqSel(vd, true, true, prefix)
		upper := prefix[:len(prefix)-1] + string(rune(prefix[len(prefix)-1]+1))
		lt := o.scalarIneqSel(vd, false, false, upper)
		psel = ge + lt - 1
		eq := o.varEqConst(vd, prefix, types.Text)
		if psel < eq {
			psel = eq
		}
	} else {
		psel = defaultRangeIneqSel
		eq := o.varEqConst(vd, prefix, types.Text)
		if psel < eq {
			psel = eq
		}
	}
	return clampProb(psel * restSel)
}

// likePrefix splits a LIKE pattern into its fixed prefix and the rest;
// exact: no wildcard at all.
func likePrefix(p string) (prefix, rest string, exact bool) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		ch := p[i]
		if ch == '%' || ch == '_' {
			return b.String(), p[i:], false
		}
		if ch == '\\' && i+1 < len(p) {
			i++
			ch = p[i]
		}
		b.WriteByte(ch)
	}
	return b.String(), "", true
}

// likeRestSel is like_selectivity of the pattern after the prefix
// (FIXED_CHAR_SEL 0.2, ANY_CHAR_SEL 0.9, FULL_WILDCARD_SEL 5.0).
func likeRestSel(rest string) float64 {
	sel := 1.0
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '%':
			// a full wildcard: no change here
		case '_':
			sel *= 0.9
		case '\\':
			i++
			sel *= 0.2
		default:
			sel *= 0.2
		}
	}
	if sel > 1 {
		sel = 1
	}
	return sel
}

// eqJoinSel is eqjoinsel for an inner (or semi/anti) equijoin.
func (o *optimizer) eqJoinSel(l, r analyze.Expr, kind JoinKind) float64 {
	v1, v2 := o.examine(l), o.examine(r)
	nd1, def1 := o.numDistinct(v1)
	nd2, def2 := o.numDistinct(v2)
	if kind == JoinSemi || kind == JoinAnti {
		return o.eqJoinSelSemi(v1, v2, nd1, nd2, def1, def2)
	}
	s1, s2 := v1.stats, v2.stats
	if s1 != nil && s2 != nil && len(s1.MCVals) > 0 && len(s2.MCVals) > 0 && v1.t == v2.t {
		nf1, nf2 := s1.NullFrac, s2.NullFrac
		match1 := make([]bool, len(s1.MCVals))
		match2 := make([]bool, len(s2.MCVals))
		matchprod, nmatches := 0.0, 0.0
		for i, a := range s1.MCVals {
			for j, b := range s2.MCVals {
				if match2[j] {
					continue
				}
				if datumEq(v1.t, a, b) {
					match1[i], match2[j] = true, true
					matchprod += s1.MCFreqs[i] * s2.MCFreqs[j]
					nmatches++
					break
				}
			}
		}
		matchprod = clampProb(matchprod)
		var mf1, uf1, mf2, uf2 float64
		for i, f := range s1.MCFreqs {
			if match1[i] {
				mf1 += f
			} else {
				uf1 += f
			}
		}
		for j, f := range s2.MCFreqs {
			if match2[j] {
				mf2 += f
			} else {
				uf2 += f
			}
		}
		other1 := clampProb(1 - nf1 - mf1 - uf1)
		other2 := clampProb(1 - nf2 - mf2 - uf2)
		t1 := matchprod
		if nd2 > float64(len(s2.MCVals)) {
			t1 += uf1 * other2 / (nd2 - float64(len(s2.MCVals)))
		}
		if nd2 > nmatches {
			t1 += other1 * (other2 + uf2) / (nd2 - nmatches)
		}
		t2 := matchprod
		if nd1 > float64(len(s1.MCVals)) {
			t2 += uf2 * other1 / (nd1 - float64(len(s1.MCVals)))
		}
		if nd1 > nmatches {
			t2 += other2 * (other1 + uf1) / (nd1 - nmatches)
		}
		if t1 < t2 {
			return clampProb(t1)
		}
		return clampProb(t2)
	}
	sel := (1 - nullFrac(v1)) * (1 - nullFrac(v2))
	if nd1 > nd2 {
		sel /= nd1
	} else {
		sel /= nd2
	}
	return clampProb(sel)
}

// eqJoinSelSemi is eqjoinsel_semi: the fraction of outer rows (v1) with
// a match in the inner side (v2).
func (o *optimizer) eqJoinSelSemi(v1, v2 varData, nd1, nd2 float64, def1, def2 bool) float64 {
	if v2.rel != nil && nd2 >= v2.rel.rows {
		nd2 = v2.rel.rows
		def2 = false
	}
	s1, s2 := v1.stats, v2.stats
	nf1 := nullFrac(v1)
	if s1 != nil && s2 != nil && len(s1.MCVals) > 0 && len(s2.MCVals) > 0 && v1.t == v2.t {
		clamped := len(s2.MCVals)
		if float64(clamped) > nd2 {
			clamped = int(nd2)
		}
		match2 := make([]bool, clamped)
		var mf1, uf1, nmatches float64
		for i, a := range s1.MCVals {
			found := false
			for j := 0; j < clamped; j++ {
				if !match2[j] && datumEq(v1.t, a, s2.MCVals[j]) {
					match2[j] = true
					found = true
					nmatches++
					break
				}
			}
			if found {
				mf1 += s1.MCFreqs[i]
			} else {
				uf1 += s1.MCFreqs[i]
			}
		}
		mf1 = clampProb(mf1)
		uf1 = clampProb(uf1)
		other1 := clampProb(1 - nf1 - mf1 - uf1)
		var uncert float64
		if !def1 && !def2 {
			nd1m := nd1 - float64(len(s1.MCVals))
			nd2m := nd2 - nmatches
			if nd1m <= nd2m || nd2m < 0 {
				uncert = 1
			} else {
				uncert = nd2m / nd1m
			}
		} else {
			uncert = 0.5
		}
		return clampProb(mf1 + uncert*other1)
	}
	if !def1 && !def2 {
		if nd1 <= nd2 || nd2 < 0 {
			return clampProb(1 - nf1)
		}
		return clampProb(nd2 / nd1 * (1 - nf1))
	}
	return clampProb(0.5 * (1 - nf1))
}

// datumCmp orders two datums that may be of different (comparable)
// types.
func datumCmp(t *types.T, a, b types.Datum) (res int) {
	defer func() {
		if recover() != nil {
			res = 0
		}
	}()
	if fa, ok := numericValue(a); ok {
		if fb, ok := numericValue(b); ok {
			switch {
			case fa < fb:
				return -1
			case fa > fb:
				return 1
			}
			return 0
		}
	}
	if sa, ok := a.(string); ok {
		if sb, ok := b.(string); ok {
			return strings.Compare(sa, sb)
		}
	}
	return types.Compare(t, a, b)
}

func datumEq(t *types.T, a, b types.Datum) bool {
	if a == nil || b == nil {
		return false
	}
	defer func() { _ = recover() }()
	return datumCmp(t, a, b) == 0
}

func numericValue(d types.Datum) (float64, bool) {
	switch v := d.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case *apd.Decimal:
		f, err := v.Float64()
		return f, err == nil
	case types.DateVal:
		return float64(v), true
	case types.TimestampVal:
		return float64(v), true
	case types.TimeVal:
		return float64(v), true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// convertToScalar maps a value and two histogram bounds onto a common
// numeric scale (convert_to_scalar).
func convertToScalar(v, lo, hi types.Datum) (float64, float64, float64, bool) {
	if a, ok := numericValue(v); ok {
		b, ok1 := numericValue(lo)
		c, ok2 := numericValue(hi)
		if ok1 && ok2 {
			return a, b, c, true
		}
		return 0, 0, 0, false
	}
	s, ok := v.(string)
	l, ok1 := lo.(string)
	h, ok2 := hi.(string)
	if !ok || !ok1 || !ok2 {
		return 0, 0, 0, false
	}
	rangelo, rangehi := int(firstByte(h)), int(firstByte(h))
	for _, str := range []string{l, h} {
		for i := 0; i < len(str); i++ {
			c := int(str[i])
			if c < rangelo {
				rangelo = c
			}
			if c > rangehi {
				rangehi = c
			}
		}
	}
	if rangelo <= 'Z' && rangehi >= 'A' {
		if rangelo > 'A' {
			rangelo = 'A'
		}
		if rangehi < 'Z' {
			rangehi = 'Z'
		}
	}
	if rangelo <= 'z' && rangehi >= 'a' {
		if rangelo > 'a' {
			rangelo = 'a'
		}
		if rangehi < 'z' {
			rangehi = 'z'
		}
	}
	if rangelo <= '9' && rangehi >= '0' {
		if rangelo > '0' {
			rangelo = '0'
		}
		if rangehi < '9' {
			rangehi = '9'
		}
	}
	if rangehi-rangelo < 9 {
		rangelo, rangehi = ' ', 127
	}
	for len(l) > 0 && len(h) > 0 && len(s) > 0 && l[0] == h[0] && l[0] == s[0] {
		l, h, s = l[1:], h[1:], s[1:]
	}
	return oneString(s, rangelo, rangehi), oneString(l, rangelo, rangehi), oneString(h, rangelo, rangehi), true
}

func firstByte(s string) byte {
	if s == "" {
		return 0
	}
	return s[0]
}

func oneString(s string, lo, hi int) float64 {
	n := len(s)
	if n == 0 {
		return 0
	}
	if n > 12 {
		n = 12
	}
	base := float64(hi - lo + 1)
	num, denom := 0.0, base
	for i := 0; i < n; i++ {
		ch := int(s[i])
		if ch < lo {
			ch = lo - 1
		} else if ch > hi {
			ch = hi + 1
		}
		num += float64(ch-lo) / denom
		denom *= base
	}
	return num
}

// colStats reads a column's statistics once per planning.
func (o *optimizer) colStats(br *baseRel, col int) *ColStats {
	if o.env == nil || o.env.Stats == nil || br.rte.Rel == nil {
		return nil
	}
	if o.statsCache == nil {
		o.statsCache = map[varKey]*ColStats{}
	}
	k := varKey{br.ri, col}
	if st, ok := o.statsCache[k]; ok {
		return st
	}
	st := o.env.Stats(br.rte.Rel, int16(col+1))
	o.statsCache[k] = st
	return st
}
