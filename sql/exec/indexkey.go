package exec

import (
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// IndexKey computes the entry a row version gets in an index
// (FormIndexDatum): the values of its plain columns and expressions,
// encoded; ok is false when the index is partial and the row does not
// satisfy its predicate (ExecInsertIndexTuples' ExecQual on the
// predicate). The session's CREATE INDEX and REINDEX use it too, so every
// path computes the same entries (X30).
func IndexKey(ec *Context, ix *plan.IndexTarget, cols []analyze.Column, vals []types.Datum) ([][]byte, bool, error) {
	if ix.Pred != nil {
		ok, err := ec.Qual(ix.Pred, vals)
		if err != nil || !ok {
			return nil, false, err
		}
	}
	key := make([][]byte, len(ix.Cols))
	for i, c := range ix.Cols {
		var d types.Datum
		var t *types.T
		if c < 0 || (i < len(ix.Exprs) && ix.Exprs[i] != nil) {
			if i >= len(ix.Exprs) || ix.Exprs[i] == nil {
				continue
			}
			v, err := ec.Eval(ix.Exprs[i], vals)
			if err != nil {
				return nil, false, err
			}
			d, t = v, ix.Exprs[i].Type()
		} else {
			d, t = vals[c], cols[c].T
		}
		if d != nil {
			key[i] = types.Encode(t, d)
			if key[i] == nil {
				key[i] = []byte{}
			}
		}
	}
	return key, true, nil
}

// describeExprKey renders an expression column of a duplicate key.
func describeExprKey(ix *plan.IndexTarget, i int, b []byte) (string, string) {
	name := "expr"
	if i < len(ix.ExprText) && ix.ExprText[i] != "" {
		name = ix.ExprText[i]
	}
	if b == nil {
		return name, "null"
	}
	if i >= len(ix.Exprs) || ix.Exprs[i] == nil {
		return name, "?"
	}
	t := ix.Exprs[i].Type()
	d, err := types.Decode(t, b)
	if err != nil {
		return name, "?"
	}
	return name, types.Format(t, d)
}
