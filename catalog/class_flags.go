package catalog

import (
	"context"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// pg_class flags that summarize other catalogs, as PostgreSQL keeps them
// (C9): relchecks is the number of CHECK constraints; relhasindex is set
// once the table has an index; relhastriggers once a FOREIGN KEY
// constraint is on or references it (PostgreSQL's RI triggers; Tusk
// enforces foreign keys without pg_trigger rows); relhasrules while a
// pg_rewrite rule (a view's _RETURN) exists. DDL that changes what they
// summarize marks the relation (touchClass); the session calls
// SyncClassFlags once the statement's changes are visible to a new
// command, which rewrites the pg_class rows whose flags changed.

// touchClass marks relations whose flags x must recompute.
func (c *Catalog) touchClass(x *mvcc.Xact, rels ...base.OID) {
	ch := c.changes(x)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range rels {
		if r == base.InvalidOID {
			continue
		}
		if ch.classFlags == nil {
			ch.classFlags = map[base.OID]bool{}
		}
		ch.classFlags[r] = true
	}
}

// ClassFlagsPending reports whether x marked relations whose flags
// SyncClassFlags must recompute.
func (c *Catalog) ClassFlagsPending(x *mvcc.Xact) bool {
	if x == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.changed[x]
	return ok && len(ch.classFlags) > 0
}

// SyncClassFlags recomputes the pg_class flags of the relations x marked,
// reading the catalog under snap (which must see x's changes: a new
// command, C6), and clears the marks.
func (c *Catalog) SyncClassFlags(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot) error {
	c.mu.Lock()
	ch := c.changed[x]
	var rels map[base.OID]bool
	if ch != nil {
		rels, ch.classFlags = ch.classFlags, nil
	}
	c.mu.Unlock()
	if len(rels) == 0 {
		return nil
	}
	type flags struct {
		checks             int64
		index, trig, rules bool
	}
	want := map[base.OID]*flags{}
	for r := range rels {
		want[r] = &flags{}
	}
	if err := c.scan(&pgConstraint, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		rel, ref := base.OID(i64(row[conRelID])), base.OID(i64(row[conFRelID]))
		typ := str(row[conType])
		if f := want[rel]; f != nil {
			if typ == string(ConCheck) {
				f.checks++
			}
			if typ == string(ConForeign) {
				f.trig = true
			}
		}
		if f := want[ref]; f != nil && typ == string(ConForeign) {
			f.trig = true
		}
		return true, nil
	}); err != nil {
		return err
	}
	if err := c.scan(&pgIndex, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if f := want[base.OID(i64(row[indRelID]))]; f != nil {
			f.index = true
		}
		return true, nil
	}); err != nil {
		return err
	}
	if err := c.scan(&pgRewrite, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if f := want[base.OID(i64(row[rwEvClass]))]; f != nil {
			f.rules = true
		}
		return true, nil
	}); err != nil {
		return err
	}
	rows, err := c.collect(&pgClass, snap, func(row []types.Datum) bool {
		f := want[base.OID(i64(row[relOID]))]
		if f == nil {
			return false
		}
		// relhasindex and relhastriggers stay set (PostgreSQL clears
		// them only in VACUUM).
		f.index = f.index || boolean(row[relHasIndex])
		f.trig = f.trig || boolean(row[relHasTriggers])
		return i64(row[relChecks]) != f.checks || boolean(row[relHasIndex]) != f.index ||
			boolean(row[relHasTriggers]) != f.trig || boolean(row[relHasRules]) != f.rules
	})
	if err != nil {
		return err
	}
	for _, r := range rows {
		f := want[base.OID(i64(r.row[relOID]))]
		r.row[relChecks], r.row[relHasIndex], r.row[relHasTriggers], r.row[relHasRules] = f.checks, f.index, f.trig, f.rules
		if err := c.update(ctx, x, &pgClass, r.tid, r.row); err != nil {
			return err
		}
	}
	return nil
}
