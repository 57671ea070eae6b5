package session

import (
	"context"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

// vacuum executes a minimal VACUUM [(options)] [table, ...]: it sets the
// visibility map bits of every page whose tuples are all visible to
// everyone (heap.MarkAllVisible, what lazy_scan_heap does per page) and
// updates pg_class.relpages, reltuples (live tuples counted under the
// statement's snapshot) and relallvisible, so index-only scans can skip
// the heap. Pruning dead tuples, freezing and truncation are the
// maintenance issue's: a page with a dead tuple stays not all-visible.
// VACUUM ANALYZE then runs ANALYZE on the same tables. Like PostgreSQL it
// refuses to run in a transaction block (25001).
func (s *Session) vacuum(ctx context.Context, n *ast.VacuumStmt) (*Cursor, error) {
	doAnalyze := false
	for _, o := range n.Options {
		switch o.Name {
		case "analyze":
			doAnalyze = o.Arg == nil || defTrue(o.Arg)
		case "verbose", "freeze", "skip_locked", "index_cleanup", "truncate", "process_toast",
			"disable_page_skipping", "parallel", "skip_database_stats", "only_database_stats":
		case "full":
			if o.Arg == nil || defTrue(o.Arg) {
				return nil, pgerr.New(pgerr.FeatureNotSupported, "VACUUM FULL is not supported yet")
			}
		default:
			return nil, pgerr.New(pgerr.SyntaxError, "unrecognized VACUUM option %q", o.Name).WithPosition(o.Pos + 1)
		}
	}
	if err := s.checkNotInBlock("VACUUM"); err != nil {
		return nil, err
	}
	s.takeDDL()
	snap := s.snapshot()
	cat := s.inst.Catalog
	var rels []*catalog.Relation
	if len(n.Rels) == 0 {
		all, err := cat.RelationsOfKind(snap, catalog.KindTable)
		if err != nil {
			return nil, err
		}
		rels = all
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
			continue // WARNING: skipping "v" --- cannot vacuum non-tables or special system tables
		}
		rels = append(rels, rel)
	}
	horizon := s.inst.Xacts.OldestRunningXmin()
	for _, rel := range rels {
		if err := ctx.Err(); err != nil {
			return nil, pgerr.New(pgerr.QueryCanceled, "canceling statement due to user request")
		}
		nblocks, err := s.inst.Smgr.NBlocks(rel.Node, base.MainFork)
		if err != nil {
			return nil, err
		}
		var allVisible int32
		var live float64
		var dead int64
		for blk := base.BlockNumber(0); blk < nblocks; blk++ {
			ok, err := s.inst.Heap.MarkAllVisible(rel.Node, blk, horizon)
			if err != nil {
				return nil, err
			}
			if ok {
				allVisible++
			}
			ts, nd, err := s.inst.Heap.ReadBlock(rel.Node, snap, blk, nil)
			if err != nil {
				return nil, err
			}
			live += float64(len(ts))
			dead += int64(nd)
		}
		if err := cat.SetRelStats(ctx, s.xact, snap, rel.OID, int32(nblocks), live, allVisible); err != nil {
			return nil, err
		}
		// last_vacuum, vacuum_count; nothing is pruned yet, so the dead
		// tuples are still there (pgstat PS5).
		s.ReportVacuum(rel.OID, int64(live), dead, false)
		snap = s.nextCommand()
	}
	if doAnalyze {
		if _, err := s.analyzeCmd(ctx, &ast.VacuumStmt{Pos: n.Pos, Rels: n.Rels}); err != nil {
			return nil, err
		}
	}
	return s.utilityDone("VACUUM")
}

// defTrue reads a boolean option value (true, on, 1).
func defTrue(a ast.Node) bool {
	switch v := a.(type) {
	case *ast.Literal:
		switch v.Val {
		case "false", "off", "0", "no":
			return false
		}
	case *ast.ColumnRef:
		if len(v.Names) == 1 {
			switch v.Names[0] {
			case "false", "off", "no":
				return false
			}
		}
	}
	return true
}
