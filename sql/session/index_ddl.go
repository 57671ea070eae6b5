package session

import (
	"context"
	"strings"

	"github.com/tuskdb/tusk/access/btree"
	"github.com/tuskdb/tusk/access/heap"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/exec"
	"github.com/tuskdb/tusk/sql/parser"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// Expression and partial indexes, REINDEX, and the B-tree's part of
// CREATE/DROP INDEX [CONCURRENTLY] (S-rules in doc.go): pg_index keeps
// the expressions (indexprs) as their SQL texts joined by ", " and the
// predicate (indpred) as SQL text; every path that adds entries (INSERT,
// UPDATE, COPY, foreign key actions, CREATE INDEX, REINDEX) computes them
// with exec.IndexKey over the same analyzed expressions.

// parseIndexExprs parses pg_index.indexprs back into expressions.
func parseIndexExprs(text string) ([]ast.Expr, error) {
	stmts, err := parser.Parse("SELECT " + text)
	if err != nil {
		return nil, err
	}
	sel, ok := stmts[0].(*ast.SelectStmt)
	if len(stmts) != 1 || !ok {
		return nil, pgerr.New(pgerr.DataCorrupted, "malformed index expressions %q", text)
	}
	var out []ast.Expr
	for _, t := range sel.Targets {
		out = append(out, t.Val)
	}
	return out, nil
}

// indexExprs analyzes an index's expressions (one per expression column,
// nil for plain columns) and predicate over table's row.
func (s *Session) indexExprs(snap *mvcc.Snapshot, table *catalog.Relation, ix *catalog.Index) ([]analyze.Expr, []string, analyze.Expr, error) {
	var exprs []analyze.Expr
	var texts []string
	if ix.Exprs != "" {
		es, err := parseIndexExprs(ix.Exprs)
		if err != nil {
			return nil, nil, nil, err
		}
		exprs = make([]analyze.Expr, len(ix.Keys))
		texts = make([]string, len(ix.Keys))
		j := 0
		for i, k := range ix.Keys {
			if k != 0 {
				continue
			}
			if j >= len(es) {
				return nil, nil, nil, pgerr.New(pgerr.DataCorrupted, "index %q has fewer expressions than expression columns", ix.Rel.Name)
			}
			x, err := analyze.RelationExpr(s.env(snap), table, es[j], analyze.ExprIndex)
			if err != nil {
				return nil, nil, nil, err
			}
			exprs[i], texts[i] = x, ast.String(es[j])
			j++
		}
	}
	var pred analyze.Expr
	if ix.Pred != "" {
		e, err := parser.ParseExpr(ix.Pred)
		if err != nil {
			return nil, nil, nil, err
		}
		if pred, err = analyze.RelationExpr(s.env(snap), table, e, analyze.ExprIndexPred); err != nil {
			return nil, nil, nil, err
		}
	}
	return exprs, texts, pred, nil
}

// indexTarget opens an index for maintenance: its B-tree, columns,
// expressions and predicate.
func (s *Session) indexTarget(snap *mvcc.Snapshot, table *catalog.Relation, ix *catalog.Index) (*plan.IndexTarget, error) {
	bt, cols, err := s.openIndex(table, ix)
	if err != nil {
		return nil, err
	}
	it := &plan.IndexTarget{Name: ix.Rel.Name, Index: bt, Cols: cols, Unique: ix.Unique}
	if ix.Exprs != "" || ix.Pred != "" {
		if it.Exprs, it.ExprText, it.Pred, err = s.indexExprs(snap, table, ix); err != nil {
			return nil, err
		}
	}
	return it, nil
}

// indexElemExpr analyzes one expression column of CREATE INDEX and
// returns it with its pg_attribute column (named like PostgreSQL's
// FigureIndexColname: the function's name, else "expr").
func (s *Session) indexElemExpr(snap *mvcc.Snapshot, table *catalog.Relation, p *ast.IndexElem) (analyze.Expr, catalog.Column, error) {
	x, err := analyze.RelationExpr(s.env(snap), table, p.Expr, analyze.ExprIndex)
	if err != nil {
		return nil, catalog.Column{}, err
	}
	name := "expr"
	if f, ok := p.Expr.(*ast.FuncCall); ok && len(f.Names) > 0 {
		name = f.Names[len(f.Names)-1]
	}
	if x.Type() == nil {
		return nil, catalog.Column{}, pgerr.New(pgerr.DatatypeMismatch, "index expression has no type")
	}
	return x, catalog.Column{Name: name, Type: x.Type().OID, Typmod: x.Typmod()}, nil
}

// indexEntries computes the entries of every row version of table that is
// not dead, for CREATE INDEX and REINDEX (IndexBuildHeapScan), with live
// telling which ones a unique index must check.
func (s *Session) indexEntries(ctx context.Context, snap *mvcc.Snapshot, table *catalog.Relation, it *plan.IndexTarget) ([]btree.Entry, error) {
	cols := relColumns(table)
	ec := s.evalContext(ctx, snap)
	var entries []btree.Entry
	err := s.inst.Heap.ScanAll(table.Node, s.xact, func(t *heap.Tuple, st heap.State) error {
		vals, err := exec.DecodeRow(cols, t.Payload)
		if err != nil {
			return err
		}
		key, ok, err := exec.IndexKey(ec, it, cols, vals)
		if err != nil || !ok {
			return err
		}
		entries = append(entries, btree.Entry{Vals: key, TID: t.Header.Self})
		return nil
	})
	return entries, err
}

// describeTarget renders a key of an index for a duplicate-key detail.
func describeTarget(table *catalog.Relation, it *plan.IndexTarget, nkeys int, key [][]byte) (string, string) {
	var cs, vs []string
	for i, c := range it.Cols {
		if i >= len(key) || i >= nkeys {
			break
		}
		if c < 0 {
			name, val := "expr", "?"
			if i < len(it.ExprText) {
				name = it.ExprText[i]
			}
			if key[i] == nil {
				val = "null"
			} else if i < len(it.Exprs) && it.Exprs[i] != nil {
				if d, err := types.Decode(it.Exprs[i].Type(), key[i]); err == nil {
					val = types.Format(it.Exprs[i].Type(), d)
				}
			}
			cs, vs = append(cs, name), append(vs, val)
			continue
		}
		c1, v1 := describeKey(table, []int{c}, key[i:i+1])
		cs, vs = append(cs, c1), append(vs, v1)
	}
	return strings.Join(cs, ", "), strings.Join(vs, ", ")
}

// checkNotInBlock refuses a statement that PostgreSQL runs only outside a
// transaction block (PreventInTransactionBlock, 25001).
func (s *Session) checkNotInBlock(what string) error {
	if s.inBlock {
		return pgerr.New(pgerr.ActiveSqlTransaction, "%s cannot run inside a transaction block", what)
	}
	return nil
}

// reindex executes REINDEX INDEX | TABLE | SCHEMA | DATABASE | SYSTEM:
// each index gets a new file built from the table's rows
// (reindex_index with a new relfilenode); CONCURRENTLY builds the same
// way, but like PostgreSQL refuses to run in a transaction block.
func (s *Session) reindex(ctx context.Context, n *ast.ReindexStmt) (*Cursor, error) {
	if n.Concurrently {
		if err := s.checkNotInBlock("REINDEX CONCURRENTLY"); err != nil {
			return nil, err
		}
	}
	if n.Kind == ast.ReindexSchema || n.Kind == ast.ReindexDatabase || n.Kind == ast.ReindexSystem {
		what := map[ast.ReindexKind]string{ast.ReindexSchema: "REINDEX SCHEMA", ast.ReindexDatabase: "REINDEX DATABASE", ast.ReindexSystem: "REINDEX SYSTEM"}[n.Kind]
		if err := s.checkNotInBlock(what); err != nil {
			return nil, err
		}
		if n.Kind != ast.ReindexSchema && n.Name != "" && n.Name != "tusk" { // current_database()
			return nil, pgerr.New(pgerr.FeatureNotSupported, "can only reindex the currently open database")
		}
	}
	s.takeDDL()
	snap := s.snapshot()
	var tables []*catalog.Relation
	var only base.OID // REINDEX INDEX: that index only
	switch n.Kind {
	case ast.ReindexIndex:
		rel, err := s.lookupRelation(snap, n.Relation.Schema, n.Relation.Name)
		if err != nil {
			return nil, err
		}
		if rel == nil {
			return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", n.Relation.Name)
		}
		if rel.Kind != catalog.KindIndex {
			return nil, pgerr.New(pgerr.WrongObjectType, "%q is not an index", rel.Name)
		}
		ix, table, err := s.indexOf(snap, rel)
		if err != nil {
			return nil, err
		}
		if ix == nil {
			return nil, pgerr.New(pgerr.UndefinedObject, "index %q does not exist", rel.Name)
		}
		tables, only = []*catalog.Relation{table}, ix.Rel.OID
	case ast.ReindexTable:
		rel, err := s.lookupRelation(snap, n.Relation.Schema, n.Relation.Name)
		if err != nil {
			return nil, err
		}
		if rel == nil {
			return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", n.Relation.Name)
		}
		if rel.Kind != catalog.KindTable {
			return nil, pgerr.New(pgerr.WrongObjectType, "%q is not a table or materialized view", rel.Name)
		}
		tables = []*catalog.Relation{rel}
	default:
		all, err := s.inst.Catalog.RelationsOfKind(snap, catalog.KindTable)
		if err != nil {
			return nil, err
		}
		var ns base.OID
		if n.Kind == ast.ReindexSchema {
			oid, found, err := s.inst.Catalog.LookupNamespace(snap, n.Name)
			if err != nil {
				return nil, err
			}
			if !found {
				return nil, pgerr.New(pgerr.UndefinedSchema, "schema %q does not exist", n.Name)
			}
			ns = oid
		}
		for _, t := range all {
			switch {
			case n.Kind == ast.ReindexSchema && t.Namespace != ns:
				continue
			case n.Kind == ast.ReindexSystem && t.Namespace != catalog.PgCatalogNamespace:
				continue
			case t.Namespace == catalog.PgCatalogNamespace && n.Kind != ast.ReindexSystem:
				continue // PostgreSQL 15 skips system catalogs here too
			}
			tables = append(tables, t)
		}
	}
	for _, table := range tables {
		table, err := s.reloadRelation(snap, table.OID) // with its attributes
		if err != nil {
			return nil, err
		}
		ixs, err := s.inst.Catalog.Indexes(snap, table.OID)
		if err != nil {
			return nil, err
		}
		for _, ix := range ixs {
			if only != 0 && ix.Rel.OID != only {
				continue
			}
			if err := s.rebuildIndex(ctx, snap, table, ix); err != nil {
				return nil, err
			}
		}
	}
	return s.utilityDone("REINDEX")
}

// indexOf finds the pg_index entry of an index relation and its table.
func (s *Session) indexOf(snap *mvcc.Snapshot, rel *catalog.Relation) (*catalog.Index, *catalog.Relation, error) {
	tables, err := s.inst.Catalog.RelationsOfKind(snap, catalog.KindTable)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range tables {
		if t.Namespace != rel.Namespace {
			continue
		}
		ixs, err := s.inst.Catalog.Indexes(snap, t.OID)
		if err != nil {
			return nil, nil, err
		}
		for _, ix := range ixs {
			if ix.Rel.OID == rel.OID {
				full, err := s.reloadRelation(snap, t.OID)
				return ix, full, err
			}
		}
	}
	return nil, nil, nil
}

// rebuildIndex gives an index a new file built from its table's rows
// (reindex_index).
func (s *Session) rebuildIndex(ctx context.Context, snap *mvcc.Snapshot, table *catalog.Relation, ix *catalog.Index) error {
	node, err := s.inst.Catalog.NewRelFileNode(ctx, s.xact, snap, ix.Rel)
	if err != nil {
		return err
	}
	ixRel := *ix.Rel
	ixRel.Node = node
	return s.buildIndex(ctx, table, &ixRel, ix)
}

// openIndexRef opens the B-tree of an index a plan names without an open
// tree (exec.Context.OpenIndex).
func (s *Session) openIndexRef(snap *mvcc.Snapshot) func(ref *plan.IndexRef) (*btree.Index, error) {
	return indexOpener{s, snap}.OpenIndex
}

// indexOpener is openIndexRef as an exec.IndexOpener: a statement keeps it
// in its own allocation (query) instead of a closure.
type indexOpener struct {
	s    *Session
	snap *mvcc.Snapshot
}

// OpenIndex implements exec.IndexOpener.
func (o indexOpener) OpenIndex(ref *plan.IndexRef) (*btree.Index, error) {
	s, snap := o.s, o.snap
	if ref.Info == nil {
		return nil, pgerr.New(pgerr.InternalError, "index reference without pg_index entry")
	}
	table, err := s.reloadRelation(snap, ref.Info.Table)
	if err != nil {
		return nil, err
	}
	if table == nil {
		return nil, pgerr.New(pgerr.UndefinedTable, "could not open relation with OID %d", ref.Info.Table)
	}
	info := *ref.Info
	if info.Rel == nil {
		info.Rel = ref.Rel
	}
	bt, _, err := s.openIndex(table, &info)
	return bt, err
}

// renameInIndexes rewrites the expression and predicate texts of rel's
// indexes after a column rename (PostgreSQL keeps attnums; Tusk keeps SQL
// text, so the names are replaced, as renameInChecks does for CHECK).
func (s *Session) renameInIndexes(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, oldCol, newCol string) error {
	ixs, err := s.inst.Catalog.Indexes(snap, rel.OID)
	if err != nil {
		return err
	}
	rename := func(e ast.Expr) bool {
		changed := false
		ast.Inspect(e, func(n ast.Node) bool {
			cr, ok := n.(*ast.ColumnRef)
			if !ok || cr.Star || len(cr.Names) == 0 {
				return true
			}
			last := len(cr.Names) - 1
			if cr.Names[last] == oldCol && (last == 0 || cr.Names[last-1] == rel.Name) {
				cr.Names[last], changed = newCol, true
			}
			return true
		})
		return changed
	}
	for _, ix := range ixs {
		if ix.Exprs == "" && ix.Pred == "" {
			continue
		}
		exprs, pred, changed := ix.Exprs, ix.Pred, false
		if ix.Exprs != "" {
			es, err := parseIndexExprs(ix.Exprs)
			if err != nil {
				return err
			}
			var texts []string
			for _, e := range es {
				if rename(e) {
					changed = true
				}
				texts = append(texts, ast.String(e))
			}
			exprs = strings.Join(texts, ", ")
		}
		if ix.Pred != "" {
			e, err := parser.ParseExpr(ix.Pred)
			if err != nil {
				return err
			}
			if rename(e) {
				changed = true
				pred = ast.String(e)
			}
		}
		if changed {
			if err := s.inst.Catalog.SetIndexExprs(ctx, s.xact, snap, ix.Rel.OID, exprs, pred); err != nil {
				return err
			}
		}
	}
	return nil
}

// indexRefsColumn reports whether an index's expressions or predicate
// read column col (DROP COLUMN drops such an index, as PostgreSQL's
// dependencies do).
func indexRefsColumn(ix *catalog.Index, col string) bool {
	var es []ast.Expr
	if ix.Exprs != "" {
		if parsed, err := parseIndexExprs(ix.Exprs); err == nil {
			es = append(es, parsed...)
		}
	}
	if ix.Pred != "" {
		if e, err := parser.ParseExpr(ix.Pred); err == nil {
			es = append(es, e)
		}
	}
	found := false
	for _, e := range es {
		ast.Inspect(e, func(n ast.Node) bool {
			if cr, ok := n.(*ast.ColumnRef); ok && !cr.Star && len(cr.Names) > 0 && cr.Names[len(cr.Names)-1] == col {
				found = true
			}
			return !found
		})
	}
	return found
}
