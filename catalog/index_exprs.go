package catalog

import (
	"context"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// SetIndexExprs rewrites pg_index.indexprs and indpred of an index ("" is
// NULL), as ALTER TABLE RENAME COLUMN must for the SQL texts Tusk keeps
// there.
func (c *Catalog) SetIndexExprs(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, index base.OID, exprs, pred string) error {
	n, err := c.modifyRows(ctx, x, snap, &pgIndex, func(row []types.Datum) bool {
		return base.OID(i64(row[indIndexRelID])) == index
	}, func(row []types.Datum) {
		row[indExprs], row[indPred] = nil, nil
		if exprs != "" {
			row[indExprs] = exprs
		}
		if pred != "" {
			row[indPred] = pred
		}
	})
	if err == nil && n == 0 {
		err = pgerr.New(pgerr.InternalError, "cache lookup failed for index %d", index)
	}
	return err
}
