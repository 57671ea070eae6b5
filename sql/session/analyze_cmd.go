package session

import (
	"context"
	"math"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/access/heap"
	"github.com/tuskdb/tusk/access/tuple"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/exec"
	"github.com/tuskdb/tusk/sql/types"
)

// ANALYZE [VERBOSE] [table [(col, ...)], ...] (PostgreSQL's analyze.c,
// AZ1...AZ4 in README.md): samples each table, writes pg_statistic rows
// and pg_class.relpages/reltuples/relallvisible in the current
// transaction.

type analyzeTarget struct {
	rel  *catalog.Relation
	cols []int16 // nil: all columns
}

func (s *Session) analyzeCmd(ctx context.Context, n *ast.VacuumStmt) (*Cursor, error) {
	for _, o := range n.Options {
		switch o.Name {
		case "verbose", "skip_locked":
		default:
			return nil, pgerr.New(pgerr.SyntaxError, "unrecognized ANALYZE option %q", o.Name).WithPosition(o.Pos + 1)
		}
	}
	s.takeDDL()
	snap := s.snapshot()
	cat := s.inst.Catalog
	var targets []analyzeTarget
	if len(n.Rels) == 0 {
		rels, err := cat.RelationsOfKind(snap, catalog.KindTable)
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			targets = append(targets, analyzeTarget{rel: r})
		}
	}
	for _, vr := range n.Rels {
		rel, err := s.lookupRelation(snap, vr.Relation.Schema, vr.Relation.Name)
		if err != nil {
			return nil, err
		}
		if rel == nil {
			return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", vr.Relation.Name)
		}
		if rel.Kind != catalog.KindTable {
			// WARNING: skipping "v" --- cannot analyze non-tables or
			// special system tables
			continue
		}
		t := analyzeTarget{rel: rel}
		seen := map[int16]bool{}
		for _, c := range vr.Columns {
			num := int16(0)
			for _, a := range rel.Attrs {
				if !a.Dropped && a.Name == c {
					num = a.Num
				}
			}
			if num == 0 {
				return nil, pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", c, rel.Name)
			}
			if seen[num] {
				return nil, pgerr.New(pgerr.DuplicateColumn, "column %q of relation %q appears more than once", c, rel.Name)
			}
			seen[num] = true
			t.cols = append(t.cols, num)
		}
		targets = append(targets, t)
	}
	for _, t := range targets {
		if err := ctx.Err(); err != nil {
			return nil, pgerr.New(pgerr.QueryCanceled, "canceling statement due to user request")
		}
		rel, err := cat.RelationByOID(snap, t.rel.OID)
		if err != nil {
			return nil, err
		}
		if rel == nil {
			continue // dropped meanwhile
		}
		live, dead, err := s.analyzeRel(ctx, snap, rel, t.cols)
		if err != nil {
			return nil, err
		}
		snap = s.nextCommand()
		s.ReportAnalyze(rel.OID, int64(live), int64(dead), false)
	}
	return s.utilityDone("ANALYZE")
}

// statisticsTarget returns default_statistics_target.
func (s *Session) statisticsTarget() int {
	v, _ := s.Settings.Get("default_statistics_target")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 100
	}
	return min(n, 10000)
}

type heapSampleSource struct {
	h    *heap.Heap
	node base.RelFileNode
	snap *mvcc.Snapshot
}

func (src *heapSampleSource) block(blk int64, fn func(tid base.ItemPointer, payload []byte)) (int, error) {
	return src.h.VisitBlock(src.node, src.snap, base.BlockNumber(blk), func(hdr *mvcc.TupleHeader, payload []byte) {
		fn(hdr.Self, payload)
	})
}

// statOperators returns the "=" and "<" operators ANALYZE uses for a
// type (get_sort_group_operators), 0 when there is none.
func statOperators(t *types.T) (eq, lt base.OID) {
	if t.OID == types.JSON.OID {
		return 0, 0
	}
	try := []*types.T{t}
	switch {
	case t.Category == 'S':
		try = append(try, types.Text)
	case strings.HasPrefix(t.Name, "reg") && t.Len == 4:
		try = append(try, types.Oid) // reg* types sort as oid
	}
	for _, c := range try {
		if eq == 0 {
			if o, ok := types.LookupOperator("=", c, c); ok {
				eq = o.OID
			}
		}
		if lt == 0 {
			if o, ok := types.LookupOperator("<", c, c); ok {
				lt = o.OID
			}
		}
	}
	if t.IsArray() && eq == 0 {
		if e, l := statOperators(t.Elem); e != 0 {
			eq, lt = 1070, 0 // array_eq; array_lt when the elements have an ordering
			if l != 0 {
				lt = 1072
			}
		}
	}
	if eq == 0 {
		lt = 0
	}
	return eq, lt
}

// analyzeRel is do_analyze_rel for one table; it returns the estimated
// numbers of live and dead rows.
func (s *Session) analyzeRel(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, cols []int16) (float64, float64, error) {
	cat := s.inst.Catalog
	if cols == nil {
		for _, a := range rel.Attrs {
			if !a.Dropped {
				cols = append(cols, a.Num)
			}
		}
	}
	def := s.statisticsTarget()
	maxTarget := 0
	var cas []*colAnalyzer
	for _, num := range cols {
		a := rel.Attrs[num-1]
		t, ok := types.ByOID(a.Type)
		if !ok || t.Pseudo {
			continue
		}
		target := def
		if a.StatTarget >= 0 {
			target = int(a.StatTarget)
		}
		if target == 0 {
			continue // SET STATISTICS 0: no statistics for the column
		}
		maxTarget = max(maxTarget, target)
		eq, lt := statOperators(t)
		ca := &colAnalyzer{attnum: num, typ: t, target: target, eqOp: eq, ltOp: lt, varlena: !t.ByVal && t.Len < 0}
		if t.Category == 'S' {
			ca.coll = 100 // the default collation
		}
		cas = append(cas, ca)
	}
	nblocks, err := s.inst.Heap.NBlocks(rel.Node)
	if err != nil {
		return 0, 0, err
	}
	src := &heapSampleSource{h: s.inst.Heap, node: rel.Node, snap: snap}
	if maxTarget == 0 {
		maxTarget = def // no columns: the sample only counts rows
	}
	sample, totalrows, totaldead, err := acquireSample(src, int64(nblocks), 300*maxTarget, newAnalyzeRand())
	if err != nil {
		return 0, 0, err
	}
	if len(sample) > 0 {
		natts := len(rel.Attrs)
		for _, ca := range cas {
			ca.values = make([]types.Datum, len(sample))
		}
		for i, st := range sample {
			raw, err := tuple.Deform(st.payload, natts)
			if err != nil {
				return 0, 0, err
			}
			for _, ca := range cas {
				b := raw[ca.attnum-1]
				if b == nil {
					continue
				}
				d, err := types.Decode(ca.typ, b)
				if err != nil {
					if rel.Namespace != catalog.PgCatalogNamespace {
						return 0, 0, err
					}
					// A catalog column stored in another form than its
					// declared type (catalog.storageType): no statistics.
					ca.failed = true
					continue
				}
				ca.values[i] = d
			}
		}
		var rows []catalog.StatRow
		for _, ca := range cas {
			if ca.failed {
				continue
			}
			if row, ok := ca.compute(totalrows); ok {
				rows = append(rows, row)
			}
			ca.values = nil
		}
		if err := cat.ReplaceStatistics(ctx, s.xact, snap, rel.OID, rows); err != nil {
			return 0, 0, err
		}
	}
	allVisible, err := s.inst.Heap.CountAllVisible(rel.Node, nblocks)
	if err != nil {
		return 0, 0, err
	}
	if err := cat.SetRelStats(ctx, s.xact, snap, rel.OID, int32(nblocks), totalrows, allVisible); err != nil {
		return 0, 0, err
	}
	// The table's indexes: their size, and as many entries as rows, or
	// for a partial index the fraction of the sample its predicate
	// accepts (compute_index_stats' tupleFract).
	ixs, err := cat.Indexes(snap, rel.OID)
	if err != nil {
		return 0, 0, err
	}
	for _, ix := range ixs {
		if ix.Rel == nil {
			continue
		}
		irel, err := cat.RelationByOID(snap, ix.Rel.OID)
		if err != nil {
			return 0, 0, err
		}
		if irel == nil {
			continue
		}
		entries := math.Ceil(totalrows)
		if ix.Pred != "" || ix.Exprs != "" {
			ix.Rel = irel
			frac, err := s.analyzeIndex(ctx, snap, rel, ix, sample, totalrows)
			if err != nil {
				return 0, 0, err
			}
			entries = math.Ceil(frac * totalrows)
		}
		ipages, err := s.inst.Smgr.NBlocks(irel.Node, base.MainFork)
		if err != nil {
			return 0, 0, err
		}
		if err := cat.SetRelStats(ctx, s.xact, snap, irel.OID, int32(ipages), entries, 0); err != nil {
			return 0, 0, err
		}
	}
	return totalrows, totaldead, nil
}

// indexBuildStats is index_update_stats after CREATE INDEX: the table's
// relpages/reltuples/relallvisible and the index's relpages/reltuples
// (its entries), from a count of the rows snap sees. A table never
// analyzed whose build found no rows keeps reltuples -1; an index's is
// the count (0 when empty, as in PostgreSQL).
func (s *Session) indexBuildStats(ctx context.Context, table, index *catalog.Relation) error {
	snap := s.nextCommand()
	cat := s.inst.Catalog
	// A partial index holds the rows its predicate accepts.
	var pred analyze.Expr
	ixs, err := cat.Indexes(snap, table.OID)
	if err != nil {
		return err
	}
	for _, ix := range ixs {
		if ix.Rel != nil && ix.Rel.OID == index.OID && ix.Pred != "" {
			ix.Rel = index
			if _, _, pred, err = s.indexExprs(snap, table, ix); err != nil {
				return err
			}
		}
	}
	ec := s.evalContext(ctx, snap)
	cols := relColumns(table)
	scan, err := s.inst.Heap.NewScan(table.Node, snap)
	if err != nil {
		return err
	}
	n, entries := 0.0, 0.0
	for tup := scan.Next(); tup != nil; tup = scan.Next() {
		n++
		if pred == nil {
			continue
		}
		vals, err := exec.DecodeRow(cols, tup.Payload)
		if err != nil {
			return err
		}
		ok, err := ec.Qual(pred, vals)
		if err != nil {
			return err
		}
		if ok {
			entries++
		}
	}
	if err := scan.Err(); err != nil {
		return err
	}
	if pred == nil {
		entries = n
	}
	tuples := n
	if n == 0 && table.Tuples < 0 {
		tuples = -1
	}
	nblocks, err := s.inst.Heap.NBlocks(table.Node)
	if err != nil {
		return err
	}
	allVisible, err := s.inst.Heap.CountAllVisible(table.Node, nblocks)
	if err != nil {
		return err
	}
	if err := cat.SetRelStats(ctx, s.xact, snap, table.OID, int32(nblocks), tuples, allVisible); err != nil {
		return err
	}
	ipages, err := s.inst.Smgr.NBlocks(index.Node, base.MainFork)
	if err != nil {
		return err
	}
	return cat.SetRelStats(ctx, s.xact, snap, index.OID, int32(ipages), entries, 0)
}

// setStatistics is ALTER TABLE ... ALTER COLUMN ... SET STATISTICS n
// (ATExecSetStatistics): -1 restores the default; above 10000 is lowered
// to 10000 (PostgreSQL warns).
func (s *Session) setStatistics(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, cmd *ast.AlterTableCmd) error {
	a, err := liveColumn(rel, cmd.Name)
	if err != nil {
		return err
	}
	lit, ok := cmd.Def.(*ast.Literal)
	if !ok {
		return pgerr.New(pgerr.SyntaxError, "syntax error in SET STATISTICS")
	}
	n, err := strconv.ParseInt(lit.Val, 10, 32)
	if err != nil {
		return pgerr.New(pgerr.InvalidParameterValue, "invalid statistics target %q", lit.Val)
	}
	if n < -1 {
		return pgerr.New(pgerr.InvalidParameterValue, "statistics target %d is too low", n)
	}
	if n > 10000 {
		n = 10000 // WARNING: lowering statistics target to 10000
	}
	return s.inst.Catalog.SetStatisticsTarget(ctx, s.xact, snap, rel.OID, a.Num, int32(n))
}

// analyzeIndex is compute_index_stats for a partial or expression index:
// it returns the fraction of the sampled rows its predicate accepts (1 for
// an empty sample), and stores statistics of its expression columns under
// the index's OID, over the accepted rows.
func (s *Session) analyzeIndex(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, ix *catalog.Index, sample []sampleTuple, totalrows float64) (float64, error) {
	if len(sample) == 0 {
		return 1, nil
	}
	exprs, _, pred, err := s.indexExprs(snap, rel, ix)
	if err != nil {
		return 0, err
	}
	def := s.statisticsTarget()
	var cas []*colAnalyzer
	var colExprs []analyze.Expr
	for i, x := range exprs {
		if x == nil || i >= len(ix.Rel.Attrs) {
			continue
		}
		t := x.Type()
		a := ix.Rel.Attrs[i]
		target := def
		if a.StatTarget >= 0 {
			target = int(a.StatTarget)
		}
		if t == nil || t.Pseudo || target == 0 {
			continue
		}
		eq, lt := statOperators(t)
		ca := &colAnalyzer{attnum: int16(i + 1), typ: t, target: target, eqOp: eq, ltOp: lt, varlena: !t.ByVal && t.Len < 0, unpacked: true}
		if t.Category == 'S' {
			ca.coll = 100
		}
		cas = append(cas, ca)
		colExprs = append(colExprs, x)
	}
	ec := s.evalContext(ctx, snap)
	cols := relColumns(rel)
	n := 0
	for _, st := range sample {
		vals, err := exec.DecodeRow(cols, st.payload)
		if err != nil {
			return 0, err
		}
		if pred != nil {
			ok, err := ec.Qual(pred, vals)
			if err != nil {
				return 0, err
			}
			if !ok {
				continue
			}
		}
		n++
		for k, ca := range cas {
			v, err := ec.Eval(colExprs[k], vals)
			if err != nil {
				return 0, err
			}
			ca.values = append(ca.values, v)
		}
	}
	frac := float64(n) / float64(len(sample))
	if n > 0 && len(cas) > 0 {
		var rows []catalog.StatRow
		for _, ca := range cas {
			if row, ok := ca.compute(math.Ceil(frac * totalrows)); ok {
				rows = append(rows, row)
			}
			ca.values = nil
		}
		if err := s.inst.Catalog.ReplaceStatistics(ctx, s.xact, snap, ix.Rel.OID, rows); err != nil {
			return 0, err
		}
	}
	return frac, nil
}
