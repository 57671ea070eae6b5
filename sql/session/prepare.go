package session

import (
	"context"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/types"
)

// prepared is a statement of PREPARE: its syntax tree and declared
// parameter types (nil entries are inferred at each EXECUTE).
type prepared struct {
	stmt  ast.Stmt
	types []*types.T
}

// datumArg passes an already-typed value as a parameter (EXECUTE's
// arguments), converted to the parameter's type with an assignment cast.
type datumArg struct {
	d types.Datum
	t *types.T
}

func (s *Session) prepare(n *ast.PrepareStmt) (*Cursor, error) {
	if s.prepared == nil {
		s.prepared = map[string]*prepared{}
	}
	if _, ok := s.prepared[n.Name]; ok {
		return nil, pgerr.New(pgerr.DuplicatePreparedStatement, "prepared statement %q already exists", n.Name)
	}
	p := &prepared{stmt: n.Query}
	for _, tn := range n.ArgTypes {
		t, _, err := analyze.ResolveType(tn)
		if err != nil {
			return nil, err
		}
		p.types = append(p.types, t)
	}
	switch n.Query.(type) {
	case *ast.SelectStmt, *ast.InsertStmt, *ast.UpdateStmt, *ast.DeleteStmt:
	default:
		return nil, pgerr.New(pgerr.SyntaxError, "only SELECT, INSERT, UPDATE and DELETE can be prepared")
	}
	s.prepared[n.Name] = p
	return s.utilityDone("PREPARE")
}

func (s *Session) execute(ctx context.Context, n *ast.ExecuteStmt) (*Cursor, error) {
	p, ok := s.prepared[n.Name]
	if !ok {
		return nil, pgerr.New(pgerr.UndefinedPstatement, "prepared statement %q does not exist", n.Name)
	}
	if len(n.Params) != len(p.types) {
		return nil, pgerr.New(pgerr.SyntaxError, "wrong number of parameters for prepared statement %q", n.Name).
			WithDetail("Expected %d parameters but got %d.", len(p.types), len(n.Params))
	}
	var args []any
	for i, e := range n.Params {
		// Evaluate each argument as SELECT expr, typed as the parameter.
		c, err := s.query(ctx, &ast.SelectStmt{Targets: []*ast.ResTarget{{Val: &ast.TypeCast{Arg: e, Type: typeNameOf(p.types[i])}}}}, nil, nil)
		if err != nil {
			return nil, err
		}
		row, err := c.it.Next()
		c.it.Close()
		c.it = nil
		if err != nil {
			return nil, err
		}
		args = append(args, datumArg{d: row.Vals[0], t: p.types[i]})
	}
	return s.query(ctx, p.stmt, args, p.types)
}

func typeNameOf(t *types.T) *ast.TypeName {
	return &ast.TypeName{Names: []string{"pg_catalog", t.Name}}
}

func (s *Session) deallocate(n *ast.DeallocateStmt) (*Cursor, error) {
	if n.Name == "" {
		s.prepared = nil
		return s.utilityDone("DEALLOCATE ALL")
	}
	if _, ok := s.prepared[n.Name]; !ok {
		return nil, pgerr.New(pgerr.UndefinedPstatement, "prepared statement %q does not exist", n.Name)
	}
	delete(s.prepared, n.Name)
	return s.utilityDone("DEALLOCATE")
}
