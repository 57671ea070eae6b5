package session

import (
	"context"
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

// comment runs COMMENT ON: the comment goes to pg_description (read by
// obj_description and col_description), as CommentObject does.
func (s *Session) comment(ctx context.Context, n *ast.CommentStmt) (*Cursor, error) {
	s.takeDDL()
	snap := s.snapshot()
	cat := s.inst.Catalog
	if n.Kind == ast.ObjectSchema {
		ns, ok, err := cat.LookupNamespace(snap, n.Object[0])
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", n.Object[0])
		}
		return s.utilityDone2("COMMENT", cat.SetDescription(ctx, s.xact, snap, ns, catalog.PgNamespaceOID, 0, n.Comment))
	}
	names := n.Object
	if n.Kind == ast.ObjectColumn {
		names = names[:len(names)-1]
	}
	var schema, name string
	switch len(names) {
	case 1:
		name = names[0]
	case 2:
		schema, name = names[0], names[1]
	default:
		if names[0] != catalog.DatabaseName {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "cross-database references are not implemented: %s", joinDotted(names))
		}
		schema, name = names[1], names[2]
	}
	rel, err := s.lookupRelation(snap, schema, name)
	if err != nil {
		return nil, err
	}
	if rel == nil {
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", joinDotted(names))
	}
	var sub int32
	switch n.Kind {
	case ast.ObjectTable, ast.ObjectView, ast.ObjectIndex, ast.ObjectSequence:
		want := map[ast.ObjectType]struct {
			kind byte
			what string
		}{ast.ObjectTable: {catalog.KindTable, "a table"}, ast.ObjectView: {catalog.KindView, "a view"},
			ast.ObjectIndex: {catalog.KindIndex, "an index"}, ast.ObjectSequence: {catalog.KindSequence, "a sequence"}}[n.Kind]
		if rel.Kind != want.kind {
			return nil, pgerr.New(pgerr.WrongObjectType, "%q is not %s", rel.Name, want.what)
		}
	case ast.ObjectColumn:
		switch rel.Kind {
		case catalog.KindSequence:
			return nil, pgerr.New(pgerr.WrongObjectType, "cannot set comment on relation %q", rel.Name).
				WithDetail("This operation is not supported for sequences.")
		case catalog.KindIndex:
			return nil, pgerr.New(pgerr.WrongObjectType, "cannot set comment on relation %q", rel.Name).
				WithDetail("This operation is not supported for indexes.")
		}
		col := n.Object[len(n.Object)-1]
		for _, a := range rel.Attrs {
			if a.Name == col && !a.Dropped {
				sub = int32(a.Num)
			}
		}
		if sub == 0 {
			return nil, pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", col, rel.Name)
		}
	default:
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COMMENT ON %s is not supported", n.Kind)
	}
	return s.utilityDone2("COMMENT", cat.SetDescription(ctx, s.xact, snap, rel.OID, catalog.PgClassOID, sub, n.Comment))
}

func joinDotted(names []string) string { return strings.Join(names, ".") }
