package analyze

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/funcs"
	"github.com/tuskdb/tusk/sql/types"
)

// newAggState binds an aggregate's implementation (funcs.Agg) for the
// resolved argument types.
func newAggState(f *funcs.Func, argTypes []*types.T, ret *types.T) (func() AggState, *types.T, error) {
	if f.Agg == nil {
		return nil, nil, pgerr.New(pgerr.FeatureNotSupported, "aggregate %s is not implemented", f.Name)
	}
	return bindAgg(f, argTypes, ret)
}
