package analyze

import (
	"github.com/tuskdb/tusk/sql/funcs"
	"github.com/tuskdb/tusk/sql/types"
)

// bindAgg makes the state constructor of an aggregate for its resolved
// argument and result types.
func bindAgg(f *funcs.Func, argTypes []*types.T, ret *types.T) (func() AggState, *types.T, error) {
	ctx := &funcs.FuncContext{ArgTypes: argTypes, RetType: ret}
	if _, err := f.NewAgg(ctx); err != nil {
		return nil, nil, err
	}
	return func() AggState {
		r, _ := f.NewAgg(ctx)
		return r
	}, ret, nil
}
