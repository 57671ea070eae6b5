package session

import (
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/funcs"
	"github.com/tuskdb/tusk/sql/parser"
	"github.com/tuskdb/tusk/sql/types"
)

// The reg* types with the catalog (regclassin/out, regtypein/out,
// regnamespacein/out, regprocin/out, regprocedurein/out, regrolein/out):
// names resolve to OIDs under the statement's snapshot, and OIDs print
// as names in casts to text (analyze.Env.RegIn/RegOut) and in results
// (Cursor.Text).

// introspectEnv installs the reg* hooks in env.
func (s *Session) introspectEnv(env *analyze.Env, snap *mvcc.Snapshot) {
	env.RegIn = func(t *types.T, name string) (base.OID, error) { return s.regIn(snap, t, name) }
	env.RegOut = func(t *types.T, oid base.OID) (string, error) { return s.regOut(snap, t, oid), nil }
}

// relationByName resolves a relation name written as text (regclassin):
// 42P01 when there is none.
func (s *Session) relationByName(snap *mvcc.Snapshot, text string) (*catalog.Relation, error) {
	f := &seqFuncs{s: s, snap: snap, rels: map[base.OID]*catalog.Relation{}}
	return f.relationByText(text)
}

// regIn resolves name as input of reg* type t.
func (s *Session) regIn(snap *mvcc.Snapshot, t *types.T, name string) (base.OID, error) {
	switch t {
	case types.Regclass:
		rel, err := s.relationByName(snap, name)
		if err != nil {
			return 0, err
		}
		return rel.OID, nil
	case types.Regnamespace:
		names, err := splitQualifiedName(name)
		if err != nil {
			return 0, err
		}
		if len(names) != 1 {
			return 0, pgerr.New(pgerr.InvalidName, "invalid name syntax")
		}
		ns, ok, err := s.inst.Catalog.LookupNamespaceX(s.xact, snap, names[0])
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", names[0])
		}
		return ns, nil
	case types.Regtype:
		typ, err := parseTypeString(name)
		if err != nil {
			return 0, err
		}
		return typ.OID, nil
	case types.Regrole:
		names, err := splitQualifiedName(name)
		if err != nil {
			return 0, err
		}
		if len(names) != 1 {
			return 0, pgerr.New(pgerr.InvalidName, "invalid name syntax")
		}
		if names[0] != sessionUser {
			return 0, pgerr.New(pgerr.UndefinedObject, "role %q does not exist", names[0])
		}
		return catalog.BootstrapSuperuser, nil
	case types.Regproc:
		names, err := splitQualifiedName(name)
		if err != nil {
			return 0, err
		}
		if len(names) > 2 || len(names) == 2 && names[0] != "pg_catalog" {
			return 0, pgerr.New(pgerr.UndefinedFunction, "function %q does not exist", name)
		}
		fs := funcs.Lookup(names[len(names)-1])
		switch {
		case len(fs) == 0:
			return 0, pgerr.New(pgerr.UndefinedFunction, "function %q does not exist", name)
		case len(fs) > 1:
			return 0, pgerr.New(pgerr.AmbiguousFunction, "more than one function named %q", name)
		}
		return fs[0].OID, nil
	case types.Regprocedure:
		return regprocedureIn(name)
	case types.Regoper:
		ops := types.OperatorsNamed(strings.TrimPrefix(strings.TrimSpace(name), "pg_catalog."))
		switch {
		case len(ops) == 0:
			return 0, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s", name)
		case len(ops) > 1:
			return 0, pgerr.New(pgerr.AmbiguousFunction, "more than one operator named %s", name)
		}
		return ops[0].OID, nil
	case types.Regoperator:
		return regoperatorIn(name)
	}
	return 0, pgerr.New(pgerr.FeatureNotSupported, "%s input by name is not supported: %q", t.Name, name)
}

// parseTypeString mirrors parseTypeString: a type name as SQL writes it
// ("int4", "character varying(10)", "text[]"); 42704 when unknown.
func parseTypeString(name string) (*types.T, error) {
	stmts, err := parser.Parse("SELECT NULL::" + name)
	bad := func() (*types.T, error) {
		if err != nil {
			if pe, ok := err.(*pgerr.Error); ok {
				e := *pe
				e.Position = 0
				return nil, &e
			}
		}
		return nil, pgerr.New(pgerr.InvalidTextRepresentation, "invalid type name %q", name)
	}
	if err != nil || len(stmts) != 1 {
		return bad()
	}
	sel, ok := stmts[0].(*ast.SelectStmt)
	if !ok || len(sel.Targets) != 1 || sel.From != nil {
		return bad()
	}
	tc, ok := sel.Targets[0].Val.(*ast.TypeCast)
	if !ok {
		return bad()
	}
	if lit, ok := tc.Arg.(*ast.Literal); !ok || lit.Kind != ast.LitNull {
		return bad()
	}
	t, _, err := analyze.ResolveType(tc.Type)
	if err != nil {
		e := *pgerr.As(err)
		e.Position = 0
		return nil, &e
	}
	return t, nil
}

// regprocedureIn resolves "name(type, ...)" (regprocedurein).
func regprocedureIn(text string) (base.OID, error) {
	open := strings.IndexByte(text, '(')
	if open < 0 || !strings.HasSuffix(strings.TrimSpace(text), ")") {
		return 0, pgerr.New(pgerr.InvalidTextRepresentation, "expected a left parenthesis")
	}
	names, err := splitQualifiedName(text[:open])
	if err != nil {
		return 0, err
	}
	inner := strings.TrimSpace(text[open+1:])
	inner = strings.TrimSpace(inner[:len(inner)-1])
	var args []*types.T
	if inner != "" {
		depth, start := 0, 0
		for i := 0; i <= len(inner); i++ {
			if i == len(inner) || inner[i] == ',' && depth == 0 {
				t, err := parseTypeString(inner[start:i])
				if err != nil {
					return 0, err
				}
				args = append(args, t)
				start = i + 1
				continue
			}
			switch inner[i] {
			case '(':
				depth++
			case ')':
				depth--
			}
		}
	}
	if len(names) <= 2 && (len(names) == 1 || names[0] == "pg_catalog") {
	next:
		for _, f := range funcs.Lookup(names[len(names)-1]) {
			if len(f.Args) != len(args) {
				continue
			}
			for i, a := range f.Args {
				if a != args[i] {
					continue next
				}
			}
			return f.OID, nil
		}
	}
	return 0, pgerr.New(pgerr.UndefinedFunction, "function %q does not exist", text)
}

// regOut prints oid as t's output function does: a name, or the number
// when no object has that OID; 0 prints "-".
func (s *Session) regOut(snap *mvcc.Snapshot, t *types.T, oid base.OID) string {
	if oid == 0 {
		return "-"
	}
	num := strconv.FormatUint(uint64(oid), 10)
	cat := s.inst.Catalog
	switch t {
	case types.Regclass:
		rel, err := cat.RelationByOID(snap, oid)
		if err != nil || rel == nil {
			return num
		}
		return s.relationDisplayName(snap, rel)
	case types.Regnamespace:
		name, err := cat.NamespaceName(snap, oid)
		if err != nil || name == "" {
			return num
		}
		return ast.QuoteIdent(name)
	case types.Regtype:
		if bt, ok := types.ByOID(oid); ok {
			return formatTypeBe(bt)
		}
		return num
	case types.Regrole:
		if oid == catalog.BootstrapSuperuser {
			return sessionUser
		}
		return num
	case types.Regoper, types.Regoperator:
		op, ok := types.OperatorByOID(oid)
		if !ok {
			return num
		}
		if t == types.Regoperator {
			l := "NONE"
			if lt, ok := types.ByOID(op.Left); ok {
				l = formatTypeBe(lt)
			}
			r := "NONE"
			if rt, ok := types.ByOID(op.Right); ok {
				r = formatTypeBe(rt)
			}
			return op.Name + "(" + l + "," + r + ")"
		}
		if len(types.OperatorsNamed(op.Name)) == 1 {
			return op.Name
		}
		return "pg_catalog." + op.Name
	case types.Regproc, types.Regprocedure:
		f, ok := funcs.ByOID(oid)
		if !ok {
			return num
		}
		name := ast.QuoteIdent(f.Name)
		if t == types.Regproc {
			return name
		}
		return name + "(" + funcArgTypes(f) + ")"
	}
	return num
}

// funcArgTypes lists a function's argument types as format_type_be
// prints them.
func funcArgTypes(f *funcs.Func) string {
	var parts []string
	for _, a := range f.Args {
		parts = append(parts, formatTypeBe(a))
	}
	return strings.Join(parts, ",")
}

// Text renders the value d of result column i as its type's output
// function does (types.Format), with the catalog for reg* types:
// regclass prints the relation's name, regtype the type's, and so on.
func (c *Cursor) Text(i int, d types.Datum) string {
	if d == nil {
		return ""
	}
	t := c.cols[i].Type
	if analyze.IsRegType(t) {
		if v, ok := d.(int64); ok {
			return c.s.regOut(c.s.inst.Xacts.GetSnapshot(c.s.xact), t, base.OID(uint32(v)))
		}
	}
	if a, ok := d.(*types.Array); ok && analyze.IsRegType(a.Elem) {
		// regclass[] & co.: the elements' names, quoted as text[] does.
		snap := c.s.inst.Xacts.GetSnapshot(c.s.xact)
		names := &types.Array{Elem: types.Text, Dims: a.Dims, LBounds: a.LBounds, Elems: make([]types.Datum, len(a.Elems))}
		for k, e := range a.Elems {
			if v, ok := e.(int64); ok {
				names.Elems[k] = c.s.regOut(snap, a.Elem, base.OID(uint32(v)))
			}
		}
		return types.Format(types.TextArray, names)
	}
	return types.Format(t, d)
}

// IsRegType reports whether values of t print through the catalog
// (Cursor.Text): the reg* types and their arrays.
func IsRegType(t *types.T) bool {
	return analyze.IsRegType(t) || t != nil && t.Elem != nil && analyze.IsRegType(t.Elem)
}

// formatTypeBe is format_type_be: the type without a typmod ("not
// given", so bpchar prints as character).
func formatTypeBe(t *types.T) string {
	if t == types.Bpchar {
		return "character"
	}
	return types.FormatType(t, -1)
}

// regoperatorIn resolves "op(lefttype,righttype)" (regoperatorin; NONE
// for the missing side of a prefix operator).
func regoperatorIn(text string) (base.OID, error) {
	t := strings.TrimSpace(text)
	open := strings.IndexByte(t, '(')
	if open <= 0 || !strings.HasSuffix(t, ")") {
		return 0, pgerr.New(pgerr.InvalidTextRepresentation, "expected a left parenthesis")
	}
	name := strings.TrimPrefix(strings.TrimSpace(t[:open]), "pg_catalog.")
	args := strings.Split(t[open+1:len(t)-1], ",")
	if len(args) != 2 {
		return 0, pgerr.New(pgerr.TooManyArguments, "expected two type names")
	}
	var side [2]base.OID
	for i, a := range args {
		a = strings.TrimSpace(a)
		if strings.EqualFold(a, "none") {
			continue
		}
		typ, err := parseTypeString(a)
		if err != nil {
			return 0, err
		}
		side[i] = typ.OID
	}
	for _, op := range types.OperatorsNamed(name) {
		if op.Left == side[0] && op.Right == side[1] {
			return op.OID, nil
		}
	}
	return 0, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s", text)
}
