package catalog

import (
	"context"
	"fmt"

	"github.com/tuskdb/tusk/access/heap"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// pg_statistic (ANALYZE's output, ST1...ST3 in README.md) and the
// statistics columns of pg_class.

// PgStatisticOID is pg_statistic's OID (PostgreSQL's).
const PgStatisticOID base.OID = 2619

// Slot kinds (pg_statistic.stakindN), PostgreSQL's STATISTIC_KIND_*.
const (
	StatKindMCV         int16 = 1
	StatKindHistogram   int16 = 2
	StatKindCorrelation int16 = 3
	StatKindMCElem      int16 = 4
	StatKindDECHist     int16 = 5
)

// StatSlots is the number of slots of a pg_statistic row.
const StatSlots = 5

const tFloat4Array base.OID = 1021

// Column numbers of pg_statistic.
const (
	staRelID = iota
	staAttNum
	staInherit
	staNullFrac
	staWidth
	staDistinct
	staKind1
	staOp1   = staKind1 + StatSlots
	staColl1 = staOp1 + StatSlots
	staNums1 = staColl1 + StatSlots
	staVals1 = staNums1 + StatSlots
	staNCols = staVals1 + StatSlots
)

var pgStatistic = func() sysTable {
	cols := []col{
		{"starelid", tOid, true}, {"staattnum", tInt2, true}, {"stainherit", tBool, true},
		{"stanullfrac", tFloat4, true}, {"stawidth", tInt4, true}, {"stadistinct", tFloat4, true},
	}
	for _, p := range []struct {
		name    string
		typ     base.OID
		notNull bool
	}{{"stakind", tInt2, true}, {"staop", tOid, true}, {"stacoll", tOid, true},
		{"stanumbers", tFloat4Array, false}, {"stavalues", tAnyArray, false}} {
		for i := 1; i <= StatSlots; i++ {
			cols = append(cols, col{fmt.Sprintf("%s%d", p.name, i), p.typ, p.notNull})
		}
	}
	return sysTable{PgStatisticOID, "pg_statistic", cols}
}()

func init() {
	sysTables = append(sysTables, &pgStatistic)
}

// StatSlot is one slot of a pg_statistic row.
type StatSlot struct {
	Kind    int16
	Op      base.OID // staop: the "=" operator (MCV) or "<" (histogram, correlation)
	Coll    base.OID // stacoll
	Numbers []float64
	Values  []types.Datum // of type ValType
	ValType *types.T
}

// StatRow is a pg_statistic row as ANALYZE computes it.
type StatRow struct {
	Attnum   int16
	NullFrac float64
	Width    int32
	Distinct float64
	Slots    []StatSlot // at most StatSlots
}

// ColumnStats is one column's pg_statistic row, decoded for the planner
// (CONTRACTS.md).
type ColumnStats struct {
	NullFrac       float64
	AvgWidth       int32
	NDistinct      float64       // stadistinct: >0 count, <0 -fraction of rows, 0 unknown
	MCVals         []types.Datum // most common values (nil if none), in the column's type
	MCFreqs        []float64
	Histogram      []types.Datum // histogram bounds (nil if none)
	Correlation    float64
	HasCorrelation bool
}

func statRowDatums(rel base.OID, r *StatRow) []types.Datum {
	row := make([]types.Datum, staNCols)
	row[staRelID] = int64(rel)
	row[staAttNum] = int64(r.Attnum)
	row[staInherit] = false
	row[staNullFrac] = float64(float32(r.NullFrac))
	row[staWidth] = int64(r.Width)
	row[staDistinct] = float64(float32(r.Distinct))
	for i := 0; i < StatSlots; i++ {
		row[staKind1+i], row[staOp1+i], row[staColl1+i] = int64(0), int64(0), int64(0)
		if i >= len(r.Slots) {
			continue
		}
		s := &r.Slots[i]
		row[staKind1+i], row[staOp1+i], row[staColl1+i] = int64(s.Kind), int64(s.Op), int64(s.Coll)
		if s.Numbers != nil {
			nums := make([]types.Datum, len(s.Numbers))
			for k, f := range s.Numbers {
				nums[k] = float64(float32(f))
			}
			row[staNums1+i] = types.NewArray(types.Float4, nums)
		}
		if s.Values != nil && s.ValType != nil {
			row[staVals1+i] = types.NewArray(s.ValType, s.Values)
		}
	}
	return row
}

// ReplaceStatistics stores ANALYZE's rows for relation rel in x: the rows
// of the columns in rows replace those columns' earlier rows (ST1).
func (c *Catalog) ReplaceStatistics(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID, rows []StatRow) error {
	cols := map[int16]bool{}
	for i := range rows {
		cols[rows[i].Attnum] = true
	}
	if _, err := c.deleteRows(ctx, x, snap, &pgStatistic, func(row []types.Datum) bool {
		return base.OID(i64(row[staRelID])) == rel && cols[int16(i64(row[staAttNum]))]
	}); err != nil {
		return err
	}
	for i := range rows {
		row, err := fitStatRow(rel, &rows[i])
		if err != nil {
			return err
		}
		if err := c.insert(x, &pgStatistic, row); err != nil {
			return err
		}
	}
	return nil
}

// fitStatRow forms r's catalog row, thinning its value lists until the row
// fits on a page: Tusk has no TOAST (ST1). A histogram keeps its first
// and last bounds and every other one between; an MCV list loses its
// least common half.
func fitStatRow(rel base.OID, r *StatRow) ([]types.Datum, error) {
	for {
		row := statRowDatums(rel, r)
		b, err := formRow(&pgStatistic, row)
		if err != nil {
			return nil, err
		}
		if len(b)+heap.HeaderSize <= heap.MaxTupleSize {
			return row, nil
		}
		longest, n := -1, 0
		for i := range r.Slots {
			if l := len(r.Slots[i].Values); l > n {
				longest, n = i, l
			}
		}
		if longest < 0 || n <= 2 {
			return row, nil // the insert reports the size
		}
		s := &r.Slots[longest]
		if s.Kind == StatKindHistogram {
			var v []types.Datum
			for k := 0; k < n-1; k += 2 {
				v = append(v, s.Values[k])
			}
			s.Values = append(v, s.Values[n-1])
		} else {
			s.Values = s.Values[:n/2]
			if len(s.Numbers) > n/2 {
				s.Numbers = s.Numbers[:n/2]
			}
		}
	}
}

// DeleteStatistics removes the pg_statistic rows of rel (attnum 0: all
// columns), as RemoveStatistics does when a table or column is dropped or
// a column changes type.
func (c *Catalog) DeleteStatistics(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID, attnum int16) error {
	_, err := c.deleteRows(ctx, x, snap, &pgStatistic, func(row []types.Datum) bool {
		return base.OID(i64(row[staRelID])) == rel && (attnum == 0 || int16(i64(row[staAttNum])) == attnum)
	})
	return err
}

// SetRelStats sets pg_class.relpages, reltuples and relallvisible of
// relation rel (vac_update_relstats): in place, like PostgreSQL, so the
// values are seen at once and survive the abort of x (ST2). snap must see
// x's latest version of the row (callers take a new command first).
func (c *Catalog) SetRelStats(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID, pages int32, tuples float64, allVisible int32) error {
	rows, err := c.collect(&pgClass, snap, func(row []types.Datum) bool { return base.OID(i64(row[relOID])) == rel })
	if err != nil {
		return err
	}
	if len(rows) != 1 {
		return pgerr.New(pgerr.InternalError, "cache lookup failed for relation %d", rel)
	}
	row := rows[0].row
	if i64(row[relPages]) == int64(pages) && f64(row[relTuples]) == float64(float32(tuples)) && i64(row[relAllVisible]) == int64(allVisible) {
		return nil
	}
	row[relPages] = int64(pages)
	row[relTuples] = float64(float32(tuples))
	row[relAllVisible] = int64(allVisible)
	payload, err := formRow(&pgClass, row)
	if err != nil {
		return err
	}
	if err := c.heap.InplaceUpdate(base.RelFileNode{Rel: PgClassOID}, x, rows[0].tid, payload); err != nil {
		return err
	}
	// Cached relations carry the old values; nothing else changed.
	c.Invalidate()
	return nil
}

// ColumnStats returns column attnum's statistics of relation rel as snap
// sees them; nil, nil when it has none (never analyzed). The answer is
// cached per relation under the relation cache's rules (C3, ST3); callers
// must not modify it.
func (c *Catalog) ColumnStats(snap *mvcc.Snapshot, rel base.OID, attnum int16) (*ColumnStats, error) {
	m, err := c.relStats(c.xactOfSnapshot(snap), snap, rel)
	if err != nil || m == nil {
		return nil, err
	}
	return m[attnum], nil
}

// xactOfSnapshot returns the catalog-changing transaction that took snap,
// if any, so that a transaction reading its own ANALYZE's rows reads
// around the cache (C3).
func (c *Catalog) xactOfSnapshot(snap *mvcc.Snapshot) *mvcc.Xact {
	if snap == nil || !snap.CurXID.IsValid() {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for x := range c.changed {
		if x.XID() == snap.CurXID {
			return x
		}
	}
	return nil
}

// ColumnStatsX is ColumnStats for transaction x, which reads around the
// cache when it changed the catalog (its own ANALYZE, C3).
func (c *Catalog) ColumnStatsX(x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID, attnum int16) (*ColumnStats, error) {
	m, err := c.relStats(x, snap, rel)
	if err != nil || m == nil {
		return nil, err
	}
	return m[attnum], nil
}

func (c *Catalog) relStats(x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID) (map[int16]*ColumnStats, error) {
	v, err := c.Memo(x, snap, fmt.Sprintf("pg_statistic:%d", rel), func() (any, error) {
		var m map[int16]*ColumnStats
		err := c.scan(&pgStatistic, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
			if base.OID(i64(row[staRelID])) != rel || boolean(row[staInherit]) {
				return true, nil
			}
			if m == nil {
				m = map[int16]*ColumnStats{}
			}
			m[int16(i64(row[staAttNum]))] = decodeStats(row)
			return true, nil
		})
		return m, err
	})
	if err != nil || v == nil {
		return nil, err
	}
	return v.(map[int16]*ColumnStats), nil
}

func f64(d types.Datum) float64 {
	v, _ := d.(float64)
	return v
}

func arrayElems(d types.Datum) []types.Datum {
	if a, ok := d.(*types.Array); ok {
		return a.Elems
	}
	return nil
}

func floats(d types.Datum) []float64 {
	el := arrayElems(d)
	if el == nil {
		return nil
	}
	out := make([]float64, len(el))
	for i, e := range el {
		out[i] = f64(e)
	}
	return out
}

func decodeStats(row []types.Datum) *ColumnStats {
	cs := &ColumnStats{NullFrac: f64(row[staNullFrac]), AvgWidth: int32(i64(row[staWidth])), NDistinct: f64(row[staDistinct])}
	for i := 0; i < StatSlots; i++ {
		switch int16(i64(row[staKind1+i])) {
		case StatKindMCV:
			cs.MCVals = arrayElems(row[staVals1+i])
			cs.MCFreqs = floats(row[staNums1+i])
		case StatKindHistogram:
			cs.Histogram = arrayElems(row[staVals1+i])
		case StatKindCorrelation:
			if n := floats(row[staNums1+i]); len(n) > 0 {
				cs.Correlation, cs.HasCorrelation = n[0], true
			}
		}
	}
	return cs
}

// RelationsOfKind returns the relations of one relkind visible to snap,
// in pg_class order, without their columns (RelationByOID loads them).
func (c *Catalog) RelationsOfKind(snap *mvcc.Snapshot, kind byte) ([]*Relation, error) {
	var out []*Relation
	err := c.scan(&pgClass, snap, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		if k := str(row[relKind]); k != "" && k[0] == kind {
			out = append(out, relFromRow(row, tid))
		}
		return true, nil
	})
	return out, err
}

// SetStatisticsTarget sets attstattarget of column attnum of rel (ALTER
// TABLE ... ALTER COLUMN ... SET STATISTICS; -1 is the default).
func (c *Catalog) SetStatisticsTarget(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID, attnum int16, target int32) error {
	return c.modifyAttr(ctx, x, snap, rel, attnum, func(row []types.Datum) { row[attStatTarget] = int64(target) })
}
