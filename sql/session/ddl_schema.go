package session

import (
	"context"
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/ast"
)

// sessionUser is what "$user" in search_path stands for (roles come later).
const sessionUser = "postgres"

// searchPathNames parses the search_path setting into schema names.
func (s *Session) searchPathNames() []string {
	v, _ := s.Settings.Get("search_path")
	var out []string
	for _, part := range strings.Split(v, ",") {
		name := strings.TrimSpace(part)
		if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
			name = strings.ReplaceAll(name[1:len(name)-1], `""`, `"`)
		}
		if name == "$user" {
			name = sessionUser
		}
		if name != "" {
			out = append(out, name)
		}
	}
	return out
}

// searchPath returns the schemas an unqualified name is looked up in
// (recomputeNamespacePath): pg_catalog first unless search_path lists it,
// then the schemas of search_path that exist. explicit is the part that
// came from the setting (where new objects go).
func (s *Session) searchPath(snap *mvcc.Snapshot) (path, explicit []base.OID, err error) {
	seen := map[base.OID]bool{}
	for _, name := range s.searchPathNames() {
		ns, ok, err := s.inst.Catalog.LookupNamespaceX(s.xact, snap, name)
		if err != nil {
			return nil, nil, err
		}
		if ok && !seen[ns] {
			seen[ns] = true
			explicit = append(explicit, ns)
		}
	}
	if !seen[catalog.PgCatalogNamespace] {
		path = append(path, catalog.PgCatalogNamespace)
	}
	return append(path, explicit...), explicit, nil
}

// creationNamespace is the schema an unqualified new object goes into:
// the first existing schema of search_path (3F000 when there is none).
func (s *Session) creationNamespace(snap *mvcc.Snapshot, pos int) (base.OID, error) {
	_, explicit, err := s.searchPath(snap)
	if err != nil {
		return 0, err
	}
	if len(explicit) == 0 {
		return 0, pgerr.New(pgerr.InvalidSchemaName, "no schema has been selected to create in").WithPosition(pos + 1)
	}
	return explicit[0], nil
}

// relationDisplayName names a relation as PostgreSQL's messages and
// pg_get_constraintdef do: qualified when its schema is not on the
// search path (generate_relation_name).
func (s *Session) relationDisplayName(snap *mvcc.Snapshot, rel *catalog.Relation) string {
	path, _, err := s.searchPath(snap)
	if err == nil {
		for _, ns := range path {
			if ns == rel.Namespace {
				return ast.QuoteIdent(rel.Name)
			}
			if other, err := s.inst.Catalog.LookupRelation(s.xact, snap, ns, rel.Name); err == nil && other != nil {
				break // hidden by a relation earlier in the path
			}
		}
	}
	nsName, _ := s.inst.Catalog.NamespaceName(snap, rel.Namespace)
	return ast.QuoteIdent(nsName) + "." + ast.QuoteIdent(rel.Name)
}

// qualifiedName is schema.name, as PostgreSQL's dependency messages
// print objects outside the search path ("table s.x").
func (s *Session) qualifiedName(snap *mvcc.Snapshot, rel *catalog.Relation) string {
	path, _, _ := s.searchPath(snap)
	for _, ns := range path {
		if ns == rel.Namespace {
			return rel.Name
		}
	}
	nsName, _ := s.inst.Catalog.NamespaceName(snap, rel.Namespace)
	return nsName + "." + rel.Name
}

// createSchema executes CREATE SCHEMA (CreateSchemaCommand).
func (s *Session) createSchema(ctx context.Context, n *ast.CreateSchemaStmt) (*Cursor, error) {
	if n.Name == "" {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "CREATE SCHEMA AUTHORIZATION without a schema name is not supported yet")
	}
	if strings.HasPrefix(n.Name, "pg_") {
		return nil, pgerr.New(pgerr.ReservedName, "unacceptable schema name %q", n.Name).
			WithDetail("The prefix \"pg_\" is reserved for system schemas.")
	}
	s.takeDDL()
	snap := s.snapshot()
	if _, ok, err := s.inst.Catalog.LookupNamespace(snap, n.Name); err != nil {
		return nil, err
	} else if ok && n.IfNotExists {
		s.notice(pgerr.DuplicateSchema, "schema %q already exists, skipping", n.Name)
		return s.utilityDone("CREATE SCHEMA")
	}
	if _, err := s.inst.Catalog.CreateNamespace(s.xact, snap, n.Name); err != nil {
		return nil, err
	}
	// Schema elements are created in the new schema, in order.
	for _, el := range n.Elements {
		var rv *ast.RangeVar
		switch e := el.(type) {
		case *ast.CreateTableStmt:
			rv = e.Table
		case *ast.CreateViewStmt:
			rv = e.View
		case *ast.CreateIndexStmt:
			rv = e.Table
		case *ast.CreateTableAsStmt:
			rv = e.Table
		default:
			return nil, pgerr.New(pgerr.FeatureNotSupported, "this CREATE SCHEMA element is not supported yet")
		}
		if rv.Schema != "" && rv.Schema != n.Name {
			return nil, pgerr.New(pgerr.InvalidSchemaDefinition, "CREATE specifies a schema (%s) different from the one being created (%s)", rv.Schema, n.Name).
				WithPosition(rv.Pos + 1)
		}
		rv.Schema = n.Name
		s.xact.CommandCounterIncrement()
		if _, err := s.dispatch(ctx, el, nil); err != nil {
			return nil, err
		}
		s.cursor = nil
	}
	return s.utilityDone("CREATE SCHEMA")
}

// dropSchema executes DROP SCHEMA (RemoveObjects + performDeletion on
// namespaces): without CASCADE a schema that holds relations cannot go
// (2BP01); with it its relations go first, following their dependents.
func (s *Session) dropSchema(ctx context.Context, n *ast.DropStmt) (*Cursor, error) {
	s.takeDDL()
	snap := s.snapshot()
	cat := s.inst.Catalog
	type target struct {
		oid  base.OID
		name string
	}
	var targets []target
	for _, rv := range n.Objects {
		ns, ok, err := cat.LookupNamespace(snap, rv.Name)
		if err != nil {
			return nil, err
		}
		if !ok {
			if n.IfExists {
				s.notice(pgerr.SuccessfulCompletion, "schema %q does not exist, skipping", rv.Name)
				continue
			}
			return nil, pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", rv.Name)
		}
		if ns == catalog.PgCatalogNamespace || rv.Name == "pg_toast" {
			return nil, pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop schema %s because it is required by the database system", rv.Name)
		}
		targets = append(targets, target{ns, rv.Name})
	}
	done := map[base.OID]bool{}
	for _, t := range targets {
		rels, err := cat.RelationsInNamespace(snap, t.oid)
		if err != nil {
			return nil, err
		}
		var lines []string
		for _, r := range rels {
			if r.Kind == catalog.KindIndex {
				continue
			}
			lines = append(lines, kindWord(r.Kind)+" "+t.name+"."+r.Name+" depends on schema "+t.name)
			// Views elsewhere on it are listed too (reportDependentObjects).
			views, err := s.viewsUsingColumn(snap, r, 0)
			if err != nil {
				return nil, err
			}
			for _, v := range views {
				if v.Namespace != t.oid {
					lines = append(lines, "view "+s.qualifiedName(snap, v)+" depends on "+kindWord(r.Kind)+" "+t.name+"."+r.Name)
				}
			}
		}
		if len(lines) > 0 && n.Behavior != ast.DropCascade {
			return nil, pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop schema %s because other objects depend on it", t.name).
				WithDetail("%s", strings.Join(lines, "\n")).
				WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
		}
		for _, r := range rels {
			if r.Kind == catalog.KindIndex || done[r.OID] {
				continue
			}
			if err := s.dropCascade(ctx, snap, r, true, done); err != nil {
				return nil, err
			}
		}
		if err := cat.DropNamespace(ctx, s.xact, snap, t.oid); err != nil {
			return nil, err
		}
	}
	return s.utilityDone("DROP SCHEMA")
}
