package exec

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// sublinkResult caches what an uncorrelated sublink computed (X13).
type sublinkResult struct {
	value  types.Datum   // EXISTS, EXPR, ARRAY
	values []types.Datum // ANY, ALL: the subquery's first column
}

// evalSubLink runs a subquery for one evaluation (mirrors ExecSubPlan).
// The current row is pushed on the outer-row stack while the subquery
// runs, so its OuterVars can read it (X8). An uncorrelated subquery runs
// once per statement and its result is reused (X13).
func (ec *Context) evalSubLink(x *analyze.SubLink, row []types.Datum) (types.Datum, error) {
	var test types.Datum
	if x.Kind == analyze.AnySubLink || x.Kind == analyze.AllSubLink {
		if x.Test == nil || x.Op == nil {
			return nil, pgerr.New(pgerr.InternalError, "ANY/ALL sublink without test or operator")
		}
		var err error
		if test, err = ec.Eval(x.Test, row); err != nil {
			return nil, err
		}
	}
	st := ec.state()
	if !x.Correlated {
		if c := st.sublinks[x]; c != nil {
			return finishSubLink(x, c, test)
		}
	}
	stmt, ok := x.Plan.(*plan.Stmt)
	if !ok || stmt == nil || stmt.Root == nil {
		return nil, pgerr.New(pgerr.InternalError, "subquery has no plan")
	}
	st.pushOuter(row, st.newGen())
	defer st.popOuter()
	it, err := ec.build(stmt.Root)
	if err != nil {
		return nil, err
	}
	defer it.Close()

	res := &sublinkResult{}
	switch x.Kind {
	case analyze.ExistsSubLink:
		r, err := it.Next()
		if err != nil {
			return nil, err
		}
		res.value = r != nil
	case analyze.ExprSubLink:
		r, err := it.Next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			break
		}
		if res.value, err = column(r.Vals, 0); err != nil {
			return nil, err
		}
		r2, err := it.Next()
		if err != nil {
			return nil, err
		}
		if r2 != nil {
			return nil, pgerr.New(pgerr.CardinalityViolation, "more than one row returned by a subquery used as an expression")
		}
	case analyze.ArraySubLink:
		var elems []types.Datum
		for {
			r, err := it.Next()
			if err != nil {
				return nil, err
			}
			if r == nil {
				break
			}
			v, err := column(r.Vals, 0)
			if err != nil {
				return nil, err
			}
			elems = append(elems, v)
		}
		// Array elements make a multidimensional array (arrays of
		// arrays do not exist).
		sub := false
		for _, e := range elems {
			if e != nil {
				_, sub = e.(*types.Array)
				break
			}
		}
		if res.value, err = buildArray(x.T, elems, sub); err != nil {
			return nil, err
		}
	case analyze.AnySubLink, analyze.AllSubLink:
		if x.Correlated {
			// Stop at the first row that decides the outcome.
			acc := anyAll{all: x.Kind == analyze.AllSubLink}
			for !acc.done {
				r, err := it.Next()
				if err != nil {
					return nil, err
				}
				if r == nil {
					break
				}
				v, err := column(r.Vals, 0)
				if err != nil {
					return nil, err
				}
				c, err := compareOp(x.Op, test, v)
				if err != nil {
					return nil, err
				}
				acc.add(c)
			}
			return acc.value(), nil
		}
		for {
			r, err := it.Next()
			if err != nil {
				return nil, err
			}
			if r == nil {
				break
			}
			v, err := column(r.Vals, 0)
			if err != nil {
				return nil, err
			}
			res.values = append(res.values, v)
		}
	default:
		return nil, pgerr.New(pgerr.FeatureNotSupported, "sublink kind %d", x.Kind)
	}
	if !x.Correlated {
		if st.sublinks == nil {
			st.sublinks = map[*analyze.SubLink]*sublinkResult{}
		}
		st.sublinks[x] = res
	}
	return finishSubLink(x, res, test)
}

func finishSubLink(x *analyze.SubLink, res *sublinkResult, test types.Datum) (types.Datum, error) {
	if x.Kind != analyze.AnySubLink && x.Kind != analyze.AllSubLink {
		return res.value, nil
	}
	acc := anyAll{all: x.Kind == analyze.AllSubLink}
	for _, v := range res.values {
		c, err := compareOp(x.Op, test, v)
		if err != nil {
			return nil, err
		}
		if acc.add(c) {
			break
		}
	}
	return acc.value(), nil
}
