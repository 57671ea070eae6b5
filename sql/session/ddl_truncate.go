package session

import (
	"context"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/ast"
)

// truncate executes TRUNCATE (ExecuteTruncate): each table, and each of
// its indexes, gets a new empty relation file (C5: the old file goes when
// the transaction commits, the new one if it aborts), so TRUNCATE is
// transactional. Like PostgreSQL's, it is not MVCC-safe: a snapshot taken
// before the commit sees the table empty afterwards.
func (s *Session) truncate(ctx context.Context, n *ast.TruncateStmt) (*Cursor, error) {
	s.takeDDL()
	snap := s.snapshot()
	cat := s.inst.Catalog
	var rels []*catalog.Relation
	in := map[base.OID]bool{}
	for _, rv := range n.Tables {
		rel, err := s.lookupRelation(snap, rv.Schema, rv.Name)
		if err != nil {
			return nil, err
		}
		if rel == nil {
			return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", rv.Name)
		}
		if rel.Kind != catalog.KindTable {
			return nil, pgerr.New(pgerr.WrongObjectType, "%q is not a table", rel.Name)
		}
		if rel.Namespace == catalog.PgCatalogNamespace {
			return nil, pgerr.New(pgerr.InsufficientPrivilege, "permission denied: %q is a system catalog", rel.Name)
		}
		if !in[rel.OID] {
			in[rel.OID] = true
			rels = append(rels, rel)
		}
	}
	// Tables referencing a truncated one by foreign key must be truncated
	// too: with CASCADE they are added, otherwise it is an error
	// (heap_truncate_check_FKs).
	for i := 0; i < len(rels); i++ {
		fks, err := cat.ForeignKeysReferencing(snap, rels[i].OID)
		if err != nil {
			return nil, err
		}
		for _, fk := range fks {
			if in[fk.Rel] {
				continue
			}
			other, err := s.reloadRelation(snap, fk.Rel)
			if err != nil {
				return nil, err
			}
			if n.Behavior != ast.DropCascade {
				return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot truncate a table referenced in a foreign key constraint").
					WithDetail("Table %q references %q.", other.Name, rels[i].Name).
					WithHint("Truncate table %q at the same time, or use TRUNCATE ... CASCADE.", other.Name)
			}
			in[other.OID] = true // NOTICE: truncate cascades to table ...
			rels = append(rels, other)
		}
	}
	for _, rel := range rels {
		if _, err := cat.NewRelFileNode(ctx, s.xact, snap, rel); err != nil {
			return nil, err
		}
		s.CountTruncate(rel.OID) // pgstat PS3
	}
	snap = s.nextCommand()
	for _, rel := range rels {
		rel, err := s.reloadRelation(snap, rel.OID)
		if err != nil {
			return nil, err
		}
		if err := s.reindexTable(ctx, snap, rel); err != nil {
			return nil, err
		}
	}
	return s.utilityDone("TRUNCATE TABLE")
}

// reindexTable rebuilds every index of rel into a new relation file
// (reindex_relation), after its rows were rewritten or truncated.
func (s *Session) reindexTable(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation) error {
	ixs, err := s.inst.Catalog.Indexes(snap, rel.OID)
	if err != nil {
		return err
	}
	for _, ix := range ixs {
		node, err := s.inst.Catalog.NewRelFileNode(ctx, s.xact, snap, ix.Rel)
		if err != nil {
			return err
		}
		ixRel := *ix.Rel
		ixRel.Node = node
		if err := s.buildIndex(ctx, rel, &ixRel, ix); err != nil {
			return err
		}
	}
	return nil
}
