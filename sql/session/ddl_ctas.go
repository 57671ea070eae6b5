package session

import (
	"context"
	"fmt"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/types"
)

// createTableAs executes CREATE TABLE ... AS query and SELECT ... INTO
// (ExecCreateTableAs): a table with the query's output columns (unknown
// literals become text), filled by INSERT INTO it SELECT ... through the
// normal query path. The tag is SELECT n, or CREATE TABLE AS for WITH NO
// DATA and IF NOT EXISTS of an existing table.
func (s *Session) createTableAs(ctx context.Context, n *ast.CreateTableAsStmt, args []any) (*Cursor, error) {
	if n.Materialized {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "materialized views are not supported yet")
	}
	if n.Persistence == ast.PersistTemp {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "temporary tables are not supported yet")
	}
	sel, ok := n.Query.(*ast.SelectStmt)
	if !ok {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "CREATE TABLE AS EXECUTE is not supported yet")
	}
	s.takeDDL()
	snap := s.snapshot()
	ns, err := s.namespaceFor(snap, n.Table)
	if err != nil {
		return nil, err
	}
	if existing, err := s.inst.Catalog.LookupRelation(s.xact, snap, ns, n.Table.Name); err != nil {
		return nil, err
	} else if existing != nil {
		if n.IfNotExists {
			s.notice(pgerr.DuplicateTable, "relation %q already exists, skipping", n.Table.Name)
			return s.utilityDone("CREATE TABLE AS")
		}
		return nil, pgerr.New(pgerr.DuplicateTable, "relation %q already exists", n.Table.Name)
	}
	q, err := analyze.Analyze(sel, s.env(snap))
	if err != nil {
		return nil, err
	}
	if len(n.Columns) > len(q.Targets) {
		return nil, pgerr.New(pgerr.SyntaxError, "too many column names were specified")
	}
	var cols []catalog.Column
	for i, t := range q.Targets {
		name := t.Name
		if i < len(n.Columns) {
			name = n.Columns[i]
		}
		typ, mod := t.Expr.Type(), t.Expr.Typmod()
		if typ == types.Unknown {
			typ, mod = types.Text, -1
		}
		cols = append(cols, catalog.Column{Name: name, Type: typ.OID, Typmod: mod})
	}
	if _, err := s.inst.Catalog.CreateRelation(s.xact, snap, ns, n.Table.Name, catalog.KindTable, cols); err != nil {
		return nil, err
	}
	if n.WithNoData {
		return s.utilityDone("CREATE TABLE AS")
	}
	s.nextCommand()
	nsName, err := s.inst.Catalog.NamespaceName(s.snapshot(), ns)
	if err != nil {
		return nil, err
	}
	ins := &ast.InsertStmt{Pos: n.Pos, Table: &ast.RangeVar{Pos: n.Table.Pos, Schema: nsName, Name: n.Table.Name}, Source: sel}
	c, err := s.query(ctx, ins, args, nil)
	if err != nil {
		return nil, err
	}
	for {
		row, err := c.it.Next()
		if err != nil {
			c.it.Close()
			return nil, err
		}
		if row == nil {
			break
		}
	}
	count := c.RowsAffected()
	c.it.Close()
	return s.utilityDone(fmt.Sprintf("SELECT %d", count))
}
