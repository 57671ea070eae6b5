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
	"github.com/tuskdb/tusk/sql/parser"
)

// env returns the analyzer's environment for a statement snapshot.
func (s *Session) env(snap *mvcc.Snapshot) *analyze.Env {
	env := &analyze.Env{}
	env.LookupRelation = func(schema, name string) (*catalog.Relation, error) {
		return s.lookupRelation(snap, schema, name)
	}
	env.ViewQuery = func(rel *catalog.Relation) (*analyze.Query, error) {
		def, err := s.inst.Catalog.ViewDefinition(snap, rel.OID)
		if err != nil {
			return nil, err
		}
		stmts, err := parser.Parse(def)
		if err != nil || len(stmts) != 1 {
			return nil, pgerr.New(pgerr.DataCorrupted, "definition of view %q does not parse: %v", rel.Name, err)
		}
		return analyze.Analyze(stmts[0], env)
	}
	env.ColumnDefault = func(rel *catalog.Relation, col int) (string, error) {
		return s.columnDefault(snap, rel, col)
	}
	s.sequenceEnv(env, snap) // nextval & co., regclass input, identity defaults
	// reg* input and output by name (introspect_reg.go).
	s.introspectEnv(env, snap)
	return env
}

// namespaceFor resolves the schema a new object goes into.
func (s *Session) namespaceFor(snap *mvcc.Snapshot, rv *ast.RangeVar) (base.OID, error) {
	if rv.Schema == "" {
		return s.creationNamespace(snap, rv.Pos)
	}
	o, ok, err := s.inst.Catalog.LookupNamespace(snap, rv.Schema)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", rv.Schema).WithPosition(rv.Pos + 1)
	}
	return o, nil
}

// queryRelations lists the relations (tables and views) a query reads.
func queryRelations(q *analyze.Query, out map[base.OID]bool) {
	if q == nil {
		return
	}
	for _, rte := range q.RTable {
		if rte.Rel != nil {
			out[rte.Rel.OID] = true
		}
		if rte.Kind == analyze.RTESubquery && (rte.Rel == nil || rte.Rel.Kind != catalog.KindView) {
			queryRelations(rte.Subquery, out)
		}
	}
	for _, c := range q.CTEs {
		queryRelations(c.Query, out)
		queryRelations(c.NonRecursive, out)
		queryRelations(c.RecursiveQ, out)
	}
	if q.SetOp != nil {
		queryRelations(q.SetOp.Left, out)
		queryRelations(q.SetOp.Right, out)
	}
	walk := func(e analyze.Expr) {
		analyze.Walk(e, func(x analyze.Expr) bool {
			if sl, ok := x.(*analyze.SubLink); ok {
				queryRelations(sl.Query, out)
			}
			return true
		})
	}
	walk(q.Where)
	walk(q.Having)
	for _, t := range q.Targets {
		walk(t.Expr)
	}
}

func (s *Session) createView(n *ast.CreateViewStmt) (*Cursor, error) {
	if n.Persistence == ast.PersistTemp {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "temporary views are not supported yet")
	}
	s.takeDDL()
	snap := s.snapshot()
	ns, err := s.namespaceFor(snap, n.View)
	if err != nil {
		return nil, err
	}
	q, err := analyze.Analyze(n.Query, s.env(snap))
	if err != nil {
		return nil, err
	}
	if len(n.Columns) > len(q.Targets) {
		return nil, pgerr.New(pgerr.SyntaxError, "CREATE VIEW specifies more column names than columns")
	}
	var cols []catalog.Column
	seen := map[string]bool{}
	for i, t := range q.Targets {
		name := t.Name
		if i < len(n.Columns) {
			name = n.Columns[i]
		}
		if seen[name] {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", name)
		}
		seen[name] = true
		cols = append(cols, catalog.Column{Name: name, Type: t.Expr.Type().OID, Typmod: t.Expr.Typmod()})
	}
	existing, err := s.lookupRelation(snap, n.View.Schema, n.View.Name)
	if err != nil {
		return nil, err
	}
	if existing != nil && existing.Namespace == ns {
		if !n.Replace || existing.Kind != catalog.KindView {
			return nil, pgerr.New(pgerr.DuplicateTable, "relation %q already exists", n.View.Name)
		}
		// CREATE OR REPLACE: the new query must keep the old columns (it may add more).
		for i, a := range existing.Attrs {
			if i >= len(cols) {
				return nil, pgerr.New(pgerr.InvalidTableDefinition, "cannot drop columns from view")
			}
			if cols[i].Name != a.Name {
				return nil, pgerr.New(pgerr.InvalidTableDefinition, "cannot change name of view column %q to %q", a.Name, cols[i].Name)
			}
			if cols[i].Type != a.Type {
				return nil, pgerr.New(pgerr.InvalidTableDefinition, "cannot change data type of view column %q", a.Name)
			}
		}
		if err := s.inst.Catalog.DropRelation(context.Background(), s.xact, snap, existing); err != nil {
			return nil, err
		}
		s.xact.CommandCounterIncrement()
		snap = s.snapshot()
	}
	refs := map[base.OID]bool{}
	queryRelations(q, refs)
	var refList []base.OID
	for r := range refs {
		refList = append(refList, r)
	}
	if _, err := s.inst.Catalog.CreateView(s.xact, snap, ns, n.View.Name, cols, ast.String(n.Query), refList); err != nil {
		return nil, err
	}
	return s.utilityDone("CREATE VIEW")
}

func (s *Session) createIndex(ctx context.Context, n *ast.CreateIndexStmt) (*Cursor, error) {
	if n.Method != "" && n.Method != "btree" {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "access method %q is not supported", n.Method)
	}
	if n.Concurrently {
		// Built like a plain CREATE INDEX (under the table lock), but
		// refused in a transaction block as PostgreSQL does (index_ddl.go).
		if err := s.checkNotInBlock("CREATE INDEX CONCURRENTLY"); err != nil {
			return nil, err
		}
	}
	s.takeDDL()
	snap := s.snapshot()
	table, err := s.lookupRelation(snap, n.Table.Schema, n.Table.Name)
	if err != nil {
		return nil, err
	}
	if table == nil {
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", n.Table.Name).WithPosition(n.Table.Pos + 1)
	}
	if table.Kind != catalog.KindTable {
		return nil, pgerr.New(pgerr.WrongObjectType, "cannot create index on relation %q", table.Name).
			WithDetail("This operation is not supported for %s.", kindName(table.Kind))
	}
	ix := &catalog.Index{Table: table.OID, Unique: n.Unique, NKeys: len(n.Params)}
	var names, exprTexts []string
	for i, p := range append(append([]*ast.IndexElem(nil), n.Params...), n.Include...) {
		if p.Expr != nil {
			if i >= len(n.Params) {
				return nil, pgerr.New(pgerr.FeatureNotSupported, "expressions are not supported in included columns")
			}
			_, col, err := s.indexElemExpr(snap, table, p) // index_ddl.go
			if err != nil {
				return nil, err
			}
			ix.Keys = append(ix.Keys, 0)
			ix.ExprCols = append(ix.ExprCols, col)
			ix.Options = append(ix.Options, indexOption(p))
			exprTexts = append(exprTexts, ast.String(p.Expr))
			names = append(names, col.Name)
			continue
		}
		k := int16(0)
		for _, a := range table.Attrs {
			if !a.Dropped && a.Name == p.Name {
				k = a.Num
			}
		}
		if k == 0 {
			return nil, pgerr.New(pgerr.UndefinedColumn, "column %q does not exist", p.Name).WithPosition(p.Pos + 1)
		}
		ix.Keys = append(ix.Keys, k)
		var opt int16
		if p.Dir == ast.SortDesc {
			opt |= 1
			if p.Nulls != ast.NullsLast {
				opt |= 2
			}
		} else if p.Nulls == ast.NullsFirst {
			opt |= 2
		}
		ix.Options = append(ix.Options, opt)
		names = append(names, p.Name)
	}
	if len(exprTexts) > 0 {
		ix.Exprs = strings.Join(exprTexts, ", ")
	}
	if n.Where != nil {
		ix.Pred = ast.String(n.Where)
		if _, _, _, err := s.indexExprs(snap, table, &catalog.Index{Pred: ix.Pred}); err != nil {
			return nil, err
		}
	}
	name := n.Name
	if name == "" {
		name = chooseIndexName(table.Name, names[:len(n.Params)])
	}
	if existing, err := s.inst.Catalog.LookupRelation(s.xact, snap, table.Namespace, name); err != nil {
		return nil, err
	} else if existing != nil {
		if n.IfNotExists {
			s.notice(pgerr.DuplicateTable, "relation %q already exists, skipping", name)
			return s.utilityDone("CREATE INDEX")
		}
		return nil, pgerr.New(pgerr.DuplicateTable, "relation %q already exists", name)
	}
	rel, err := s.inst.Catalog.CreateIndex(s.xact, snap, name, table, ix)
	if err != nil {
		return nil, err
	}
	if err := s.buildIndex(ctx, table, rel, ix); err != nil {
		return nil, err
	}
	if err := s.indexBuildStats(ctx, table, rel); err != nil {
		return nil, err
	}
	return s.utilityDone("CREATE INDEX")
}

// indexOption is pg_index.indoption of one key: bit 1 DESC, bit 2 NULLS
// FIRST (DESC defaults to NULLS FIRST).
func indexOption(p *ast.IndexElem) int16 {
	var opt int16
	if p.Dir == ast.SortDesc {
		opt |= 1
		if p.Nulls != ast.NullsLast {
			opt |= 2
		}
	} else if p.Nulls == ast.NullsFirst {
		opt |= 2
	}
	return opt
}

// chooseIndexName mirrors ChooseIndexName: table_col1_col2_idx.
func chooseIndexName(table string, cols []string) string {
	name := table + "_" + strings.Join(cols, "_") + "_idx"
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}

func kindName(k byte) string {
	switch k {
	case catalog.KindView:
		return "views"
	case catalog.KindIndex:
		return "indexes"
	case catalog.KindSequence:
		return "sequences"
	}
	return "tables"
}

// drop executes DROP TABLE / VIEW / INDEX, following dependencies.
func (s *Session) drop(ctx context.Context, n *ast.DropStmt) (*Cursor, error) {
	var want byte
	tag := "DROP " + n.Kind.String()
	switch n.Kind {
	case ast.ObjectTable:
		want = catalog.KindTable
	case ast.ObjectView:
		want = catalog.KindView
	case ast.ObjectIndex:
		want = catalog.KindIndex
	case ast.ObjectSchema:
		return s.dropSchema(ctx, n)
	default:
		return nil, pgerr.New(pgerr.FeatureNotSupported, "DROP %s is not supported yet", n.Kind)
	}
	if n.Concurrently && want == catalog.KindIndex { // RemoveRelations' checks
		if len(n.Objects) > 1 {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "DROP INDEX CONCURRENTLY does not support dropping multiple objects")
		}
		if n.Behavior == ast.DropCascade {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "DROP INDEX CONCURRENTLY does not support CASCADE")
		}
		if err := s.checkNotInBlock("DROP INDEX CONCURRENTLY"); err != nil {
			return nil, err
		}
	}
	s.takeDDL()
	snap := s.snapshot()
	s.dropping = map[base.OID]bool{}
	defer func() { s.dropping = nil }()
	for _, rv := range n.Objects {
		if rel, err := s.lookupRelation(snap, rv.Schema, rv.Name); err == nil && rel != nil {
			s.dropping[rel.OID] = true
		}
	}
	for _, rv := range n.Objects {
		rel, err := s.lookupRelation(snap, rv.Schema, rv.Name)
		if err != nil {
			return nil, err
		}
		if rel == nil {
			what := strings.ToLower(n.Kind.String())
			if n.IfExists {
				s.notice(pgerr.SuccessfulCompletion, "%s %q does not exist, skipping", what, rv.Name)
				continue
			}
			if want == catalog.KindIndex {
				return nil, pgerr.New(pgerr.UndefinedObject, "index %q does not exist", rv.Name)
			}
			return nil, pgerr.New(pgerr.UndefinedTable, "%s %q does not exist", what, rv.Name)
		}
		if rel.Kind != want {
			return nil, pgerr.New(pgerr.WrongObjectType, "%q is not a%s %s", rel.Name, map[bool]string{true: "n", false: ""}[want == catalog.KindIndex], strings.ToLower(n.Kind.String())).
				WithHint("Use DROP %s to remove a %s.", strings.ToUpper(kindWord(rel.Kind)), kindWord(rel.Kind))
		}
		if rel.Namespace == catalog.PgCatalogNamespace {
			return nil, pgerr.New(pgerr.InsufficientPrivilege, "permission denied: %q is a system catalog", rel.Name)
		}
		if err := s.checkDropIndex(snap, rel); err != nil {
			return nil, err
		}
		if err := s.dropCascade(ctx, snap, rel, n.Behavior == ast.DropCascade, map[base.OID]bool{}); err != nil {
			return nil, err
		}
	}
	return s.utilityDone(tag)
}

func kindWord(k byte) string {
	switch k {
	case catalog.KindView:
		return "view"
	case catalog.KindIndex:
		return "index"
	case catalog.KindSequence:
		return "sequence"
	}
	return "table"
}

// dropCascade drops rel after its dependents: automatic ones (indexes)
// always, normal ones (views) only with CASCADE (2BP01 otherwise).
func (s *Session) dropCascade(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, cascade bool, done map[base.OID]bool) error {
	if done[rel.OID] {
		return nil
	}
	done[rel.OID] = true
	if err := s.dropReferencingConstraints(ctx, snap, rel, cascade, done); err != nil {
		return err
	}
	deps, err := s.inst.Catalog.Dependents(snap, rel.OID)
	if err != nil {
		return err
	}
	for _, d := range deps {
		dep, err := s.inst.Catalog.RelationByOID(snap, d.Obj)
		if err != nil {
			return err
		}
		if dep == nil || done[dep.OID] {
			continue
		}
		if d.Type == catalog.DepNormal && !cascade {
			return pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop %s %s because other objects depend on it", kindWord(rel.Kind), rel.Name).
				WithDetail("%s %s depends on %s %s", kindWord(dep.Kind), dep.Name, kindWord(rel.Kind), rel.Name).
				WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
		}
		if err := s.dropCascade(ctx, snap, dep, cascade, done); err != nil {
			return err
		}
	}
	return s.inst.Catalog.DropRelation(ctx, s.xact, snap, rel)
}
