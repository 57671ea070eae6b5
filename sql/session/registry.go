package session

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/parser"
	"github.com/tuskdb/tusk/sql/types"
)

// FuncResolver resolves SQL functions that need the session or the
// catalog (pg_backend_pid, format_type, pg_stat_get_*...): a
// definition, or nil when name with these argument types is not one of
// its functions. snap is the statement's snapshot.
type FuncResolver func(s *Session, snap *mvcc.Snapshot, name string, argTypes []*types.T) *analyze.SessionFuncDef

var funcResolvers []FuncResolver

// RegisterFuncs adds a resolver of session functions. Each part of the
// session that provides SQL functions registers one from an init
// function in its own file; they are asked in registration order after
// the sequence functions.
func RegisterFuncs(r FuncResolver) { funcResolvers = append(funcResolvers, r) }

// chainFuncs puts the registered resolvers after first.
func (s *Session) chainFuncs(snap *mvcc.Snapshot, first func(string, []*types.T) *analyze.SessionFuncDef) func(string, []*types.T) *analyze.SessionFuncDef {
	return func(name string, argTypes []*types.T) *analyze.SessionFuncDef {
		if first != nil {
			if d := first(name, argTypes); d != nil {
				return d
			}
		}
		for _, r := range funcResolvers {
			if d := r(s, snap, name, argTypes); d != nil {
				return d
			}
		}
		return nil
	}
}

// systemView is a view every database has (PostgreSQL's
// system_views.sql and information_schema.sql, run by initdb).
type systemView struct {
	schema, name, query string
}

var systemViews []systemView

// RegisterSystemView adds a view that EnsureSystemViews creates in
// schema (pg_catalog or information_schema): CREATE VIEW schema.name AS
// query. Parts register theirs from init functions in their own files;
// a view may use views registered elsewhere, in any order.
func RegisterSystemView(schema, name, query string) {
	systemViews = append(systemViews, systemView{schema, name, strings.TrimSpace(query)})
}

// EnsureSystemViews creates the registered system views a database does
// not have yet, and re-creates those whose stored definition differs from
// the registered one (a database made by an older build), each in a
// transaction of its own. The database's Open calls it.
func (s *Session) EnsureSystemViews(ctx context.Context) error {
	// DROP ... CASCADE of a changed view drops views over it that an
	// earlier pass made: go round until nothing is missing.
	for round := 0; ; round++ {
		n, err := s.ensureSystemViews(ctx)
		if err != nil || n == 0 {
			return err
		}
		if round == 5 {
			return pgerr.New(pgerr.InternalError, "system views keep changing")
		}
	}
}

// ensureSystemViews makes one round of EnsureSystemViews and says how many
// views it created.
func (s *Session) ensureSystemViews(ctx context.Context) (int, error) {
	snap := s.inst.Xacts.GetSnapshot(nil)
	var todo []systemView
	schemas := map[string]bool{}
	// Every view's definition in two catalog scans: looking each view up
	// would load its columns (a pg_attribute scan apiece at Open).
	defs, err := s.inst.Catalog.ViewDefinitions(snap)
	if err != nil {
		return 0, err
	}
	nsOIDs := map[string]base.OID{}
	for i, v := range systemViews {
		ns, ok := nsOIDs[v.schema]
		if !ok {
			oid, found, err := s.inst.Catalog.LookupNamespace(snap, v.schema)
			if err != nil {
				return 0, err
			}
			if !found {
				schemas[v.schema] = true
				todo = append(todo, v)
				continue
			}
			ns, nsOIDs[v.schema] = oid, oid
		}
		if def, ok := defs[catalog.ViewName{NS: ns, Name: v.name}]; ok && def == systemViewText(i) {
			continue
		}
		todo = append(todo, v)
	}
	for sch := range schemas {
		if _, err := s.exec(ctx, fmt.Sprintf("CREATE SCHEMA IF NOT EXISTS %s", sch)); err != nil {
			return 0, err
		}
	}
	// Each view is made in a transaction of its own. Views may read each
	// other: create in passes until none is left or a pass makes no
	// progress.
	made := 0
	for len(todo) > 0 {
		var next []systemView
		var lastErr error
		for _, v := range todo {
			err := s.execAll(ctx, "BEGIN",
				fmt.Sprintf("DROP VIEW IF EXISTS %s.%s CASCADE", v.schema, v.name),
				fmt.Sprintf("CREATE VIEW %s.%s AS %s", v.schema, v.name, v.query),
				"COMMIT")
			if err != nil {
				_, _ = s.exec(ctx, "ROLLBACK")
				next = append(next, v)
				lastErr = fmt.Errorf("system view %s.%s: %w", v.schema, v.name, err)
			}
		}
		made += len(todo) - len(next)
		if len(next) == len(todo) {
			return made, lastErr
		}
		todo = next
	}
	return made, nil
}

// execAll runs statements in turn, stopping at the first error.
func (s *Session) execAll(ctx context.Context, sqls ...string) error {
	for _, q := range sqls {
		if _, err := s.exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// exec runs one statement to completion.
func (s *Session) exec(ctx context.Context, sql string) (*Cursor, error) {
	c, err := s.Exec(ctx, sql, nil)
	if err != nil {
		return nil, err
	}
	return c, c.Close()
}

// deparsed is a view query as CREATE VIEW stores it (pg_rewrite holds the
// deparsed query, not the text written).
// systemViewText is deparsed(systemViews[i].query), computed once.
func systemViewText(i int) string {
	deparsedOnce.Do(func() {
		deparsedViews = make([]string, len(systemViews))
		for j, v := range systemViews {
			deparsedViews[j] = deparsed(v.query)
		}
	})
	if i >= len(deparsedViews) { // registered after the first Open
		return deparsed(systemViews[i].query)
	}
	return deparsedViews[i]
}

var (
	deparsedOnce  sync.Once
	deparsedViews []string
)

func deparsed(query string) string {
	stmts, err := parser.Parse(query)
	if err != nil || len(stmts) != 1 {
		return query
	}
	if sel, ok := stmts[0].(*ast.SelectStmt); ok {
		return ast.String(sel)
	}
	return query
}
