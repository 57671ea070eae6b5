package catalog

import (
	"context"

	"github.com/tuskdb/tusk/access/tuple"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// Row-level helpers for DDL that changes catalog rows in place. A changed
// row is a heap update like any other (C2): the old version stays visible
// to older snapshots, the new one to the transaction's later commands and,
// after commit, to everyone (C3 takes care of the relation cache).
//
// C6: a command updates a catalog row at most once. The new version has
// the command's cid, so it is invisible to the command's own snapshot; a
// DDL statement that changes the same row twice calls
// CommandCounterIncrement and takes a new snapshot in between, as
// PostgreSQL's ALTER TABLE does between subcommands.

// formRow encodes a catalog row (heap_form_tuple on a catalog descriptor).
func formRow(t *sysTable, row []types.Datum) ([]byte, error) {
	raw := make([][]byte, len(t.cols))
	for i, cl := range t.cols {
		if row[i] == nil {
			if cl.notNull {
				return nil, pgerr.New(pgerr.InternalError, "catalog %s.%s must not be null", t.name, cl.name)
			}
			continue
		}
		raw[i] = types.Encode(storageType(cl.typ), row[i])
		if raw[i] == nil {
			raw[i] = []byte{} // empty, not NULL
		}
	}
	return tuple.Form(raw), nil
}

// update replaces the catalog row at tid with row in x (mirrors
// CatalogTupleUpdate). A row already changed by the same command breaks
// C6 and is an internal error.
func (c *Catalog) update(ctx context.Context, x *mvcc.Xact, t *sysTable, tid base.ItemPointer, row []types.Datum) error {
	payload, err := formRow(t, row)
	if err != nil {
		return err
	}
	res, _, err := c.heap.Update(ctx, base.RelFileNode{Rel: t.oid}, x, tid, payload)
	if err != nil {
		return err
	}
	switch res {
	case mvcc.TMOk:
		return nil
	case mvcc.TMSelfModified:
		return pgerr.New(pgerr.InternalError, "%s row updated twice in one command", t.name) // C6
	}
	return pgerr.New(pgerr.InternalError, "tuple concurrently updated")
}

// catRow is a copy of a catalog row and where it is.
type catRow struct {
	row []types.Datum
	tid base.ItemPointer
}

// collect returns copies of the rows of t visible to snap that match.
func (c *Catalog) collect(t *sysTable, snap *mvcc.Snapshot, match func(row []types.Datum) bool) ([]catRow, error) {
	var out []catRow
	err := c.scan(t, snap, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		if match(row) {
			out = append(out, catRow{append([]types.Datum(nil), row...), tid})
		}
		return true, nil
	})
	return out, err
}

// modifyRows applies change to every row of t visible to snap that
// matches, and writes the new versions (C6). It returns how many rows
// changed.
func (c *Catalog) modifyRows(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, t *sysTable,
	match func(row []types.Datum) bool, change func(row []types.Datum)) (int, error) {
	rows, err := c.collect(t, snap, match)
	if err != nil {
		return 0, err
	}
	c.changes(x)
	for _, r := range rows {
		change(r.row)
		if err := c.update(ctx, x, t, r.tid, r.row); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// deleteRows deletes every row of t visible to snap that matches.
func (c *Catalog) deleteRows(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, t *sysTable, match func(row []types.Datum) bool) (int, error) {
	rows, err := c.collect(t, snap, match)
	if err != nil {
		return 0, err
	}
	c.changes(x)
	for _, r := range rows {
		if err := c.delete(ctx, x, t, r.tid); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// modifyClass changes the pg_class row of relation oid.
func (c *Catalog) modifyClass(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, oid base.OID, change func(row []types.Datum)) error {
	n, err := c.modifyRows(ctx, x, snap, &pgClass, func(row []types.Datum) bool {
		return base.OID(i64(row[relOID])) == oid
	}, change)
	if err == nil && n == 0 {
		err = pgerr.New(pgerr.InternalError, "cache lookup failed for relation %d", oid)
	}
	return err
}

// modifyAttr changes the pg_attribute row of column attnum of relation rel.
func (c *Catalog) modifyAttr(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID, attnum int16, change func(row []types.Datum)) error {
	n, err := c.modifyRows(ctx, x, snap, &pgAttribute, func(row []types.Datum) bool {
		return base.OID(i64(row[attRelID])) == rel && int16(i64(row[attNum])) == attnum
	}, change)
	if err == nil && n == 0 {
		err = pgerr.New(pgerr.InternalError, "cache lookup failed for attribute %d of relation %d", attnum, rel)
	}
	return err
}
