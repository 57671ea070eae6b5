package session

import (
	"context"
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/types"
)

// defineTable executes CREATE TABLE (transformCreateStmt + DefineRelation):
// the relation with its columns and defaults, then its constraints.
func (s *Session) defineTable(ctx context.Context, n *ast.CreateTableStmt) (*Cursor, error) {
	if n.Persistence == ast.PersistTemp || len(n.Inherits) > 0 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "temporary and inherited tables are not supported yet")
	}
	s.takeDDL()
	snap := s.snapshot()
	ns, err := s.namespaceFor(snap, n.Table)
	if err != nil {
		return nil, err
	}
	if n.IfNotExists {
		if rel, err := s.inst.Catalog.LookupRelation(s.xact, snap, ns, n.Table.Name); err != nil {
			return nil, err
		} else if rel != nil {
			s.notice(pgerr.DuplicateTable, "relation %q already exists, skipping", n.Table.Name)
			return s.utilityDone("CREATE TABLE")
		}
	}
	var cols []catalog.Column
	var cons []*ast.Constraint
	for _, cd := range n.Columns {
		c, colCons, err := s.columnDef(snap, n.Table.Name, cd, false)
		if err != nil {
			return nil, err
		}
		cols = append(cols, c)
		cons = append(cons, colCons...)
	}
	cons = append(cons, n.Constraints...)
	for _, con := range cons { // a primary key's columns are NOT NULL
		if con.Kind != ast.ConstrPrimary {
			continue
		}
		for _, k := range con.Keys {
			for i := range cols {
				if cols[i].Name == k {
					cols[i].NotNull = true
				}
			}
		}
	}
	rel, err := s.inst.Catalog.CreateRelation(s.xact, snap, ns, n.Table.Name, catalog.KindTable, cols)
	if err != nil {
		return nil, err
	}
	if snap, rel, err = s.recordTableDefaults(snap, rel); err != nil {
		return nil, err
	}
	if len(cons) > 0 {
		snap = s.nextCommand()
		if rel, err = s.reloadRelation(snap, rel.OID); err != nil {
			return nil, err
		}
		if err := s.newConAdder(ctx, snap, rel, false).addAll(cons); err != nil {
			return nil, err
		}
	}
	return s.utilityDone("CREATE TABLE")
}

// columnDef turns a column definition into a catalog column
// (transformColumnDefinition): its type, NOT NULL and DEFAULT, and its
// CHECK / PRIMARY KEY / UNIQUE / REFERENCES constraints as table
// constraints on that column. In ALTER TABLE ADD COLUMN (alter), DEFAULT
// errors have no position, as PostgreSQL's.
func (s *Session) columnDef(snap *mvcc.Snapshot, table string, cd *ast.ColumnDef, alter bool) (catalog.Column, []*ast.Constraint, error) {
	t, mod, err := analyze.ResolveType(cd.Type)
	if err != nil {
		return catalog.Column{}, nil, err
	}
	c := catalog.Column{Name: cd.Name, Type: t.OID, Typmod: mod}
	if cd.Collation != nil {
		if c.Collation, err = columnCollation(t, cd); err != nil {
			return c, nil, err
		}
	}
	var cons []*ast.Constraint
	sawNull, sawNotNull, sawDefault := false, false, false
	for _, con := range cd.Constraints {
		switch con.Kind {
		case ast.ConstrNull, ast.ConstrNotNull:
			if (con.Kind == ast.ConstrNull && sawNotNull) || (con.Kind == ast.ConstrNotNull && sawNull) {
				return c, nil, pgerr.New(pgerr.SyntaxError, "conflicting NULL/NOT NULL declarations for column %q of table %q", cd.Name, table).
					WithPosition(con.Pos + 1)
			}
			sawNull = sawNull || con.Kind == ast.ConstrNull
			sawNotNull = sawNotNull || con.Kind == ast.ConstrNotNull
			c.NotNull = sawNotNull
		case ast.ConstrDefault:
			if sawDefault {
				return c, nil, pgerr.New(pgerr.SyntaxError, "multiple default values specified for column %q of table %q", cd.Name, table).
					WithPosition(con.Pos + 1)
			}
			sawDefault = true
			x, err := analyze.DefaultExpr(s.env(snap), con.Expr, cd.Name, t, mod)
			if err != nil {
				if alter {
					err = noPosition(err)
				}
				return c, nil, err
			}
			c.Default = ""
			if !isNullConst(x) { // a NULL default is no default (AddRelationNewConstraints)
				c.Default = ast.String(con.Expr)
			}
		case ast.ConstrCheck:
			cons = append(cons, con)
		case ast.ConstrPrimary, ast.ConstrUnique, ast.ConstrForeign:
			k := *con
			k.Keys = []string{cd.Name}
			cons = append(cons, &k)
		case ast.ConstrIdentity, ast.ConstrGenerated:
			return c, nil, pgerr.New(pgerr.FeatureNotSupported, "%s columns are not supported yet", con.Kind).WithPosition(con.Pos + 1)
		default:
			return c, nil, pgerr.New(pgerr.FeatureNotSupported, "column constraint %s is not supported yet", con.Kind).WithPosition(con.Pos + 1)
		}
	}
	return c, cons, nil
}

// isNullConst reports whether e is a NULL constant.
func isNullConst(e analyze.Expr) bool {
	c, ok := e.(*analyze.Const)
	return ok && c.Val == nil
}

// recordTableDefaults records the sequences the new table rel's DEFAULTs
// use (nextval('s'): recordDependencyOnExpr), so that DROP SEQUENCE needs
// CASCADE. It returns the snapshot and relation to go on with.
func (s *Session) recordTableDefaults(snap *mvcc.Snapshot, rel *catalog.Relation) (*mvcc.Snapshot, *catalog.Relation, error) {
	any := false
	for _, a := range rel.Attrs {
		any = any || a.HasDefault
	}
	if !any {
		return snap, rel, nil
	}
	snap = s.nextCommand()
	rel, err := s.reloadRelation(snap, rel.OID)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range rel.Attrs {
		if !a.HasDefault || a.Dropped {
			continue
		}
		def, err := s.defaultExpr(snap, rel, a.Num)
		if err != nil {
			return nil, nil, err
		}
		if err := s.recordDefaultSequences(snap, rel.OID, a.Num, def); err != nil {
			return nil, nil, err
		}
	}
	return snap, rel, nil
}

// columnCollation resolves a column's COLLATE: the collations pg_collation
// has (default, C, POSIX), for a type that has collations (the string
// types), as DefineRelation's GetColumnDefCollation checks.
func columnCollation(t *types.T, cd *ast.ColumnDef) (base.OID, error) {
	name := cd.Collation[len(cd.Collation)-1]
	if len(cd.Collation) > 1 && cd.Collation[0] != "pg_catalog" {
		return 0, pgerr.New(pgerr.UndefinedObject, "collation %q for encoding \"UTF8\" does not exist", strings.Join(cd.Collation, "."))
	}
	var oid base.OID
	switch name {
	case "default":
		oid = 100
	case "C":
		oid = 950
	case "POSIX":
		oid = 951
	default:
		return 0, pgerr.New(pgerr.UndefinedObject, "collation %q for encoding \"UTF8\" does not exist", name)
	}
	if t.Category != 'S' {
		return 0, pgerr.New(pgerr.DatatypeMismatch, "collations are not supported by type %s", t)
	}
	return oid, nil
}
