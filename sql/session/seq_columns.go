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
	"github.com/tuskdb/tusk/sql/types"
)

// SERIAL and GENERATED ... AS IDENTITY columns (the parts of
// parse_utilcmd.c's transformColumnDefinition and generateSerialExtraStmts
// that make and own their sequences), and what TRUNCATE ... RESTART
// IDENTITY and DROP COLUMN do to owned sequences. See ddl_sequence.go.

// serialTypes maps the SERIAL pseudo-types to their column types
// (transformColumnDefinition).
var serialTypes = map[string]*types.T{
	"smallserial": types.Int2, "serial2": types.Int2,
	"serial": types.Int4, "serial4": types.Int4,
	"bigserial": types.Int8, "serial8": types.Int8,
}

func serialType(tn *ast.TypeName) *types.T {
	if tn == nil || len(tn.Names) != 1 || tn.PctType {
		return nil
	}
	return serialTypes[tn.Names[0]]
}

// colSeq is a column of CREATE TABLE that gets a sequence: SERIAL or
// GENERATED ... AS IDENTITY.
type colSeq struct {
	ns       base.OID // the table's schema
	table    string
	col      string
	serial   bool
	identity byte
	opts     []*ast.DefElem // the sequence's options, AS first
	seqName  *ast.DefElem   // SEQUENCE NAME of an identity column
	seq      *catalog.Relation
}

// transformSeqColumn checks the constraints of a SERIAL or identity
// column as transformColumnDefinition does, and returns the column as
// defineTable sees it: a SERIAL column gets its integer type, DEFAULT
// nextval(...) (set by the caller once the sequence exists) and NOT
// NULL; an identity column loses its IDENTITY clause and gets NOT NULL.
func transformSeqColumn(ns base.OID, table string, cd *ast.ColumnDef) (*colSeq, *ast.ColumnDef, error) {
	out := *cd
	p := &colSeq{ns: ns, table: table, col: cd.Name}
	list := cd.Constraints
	colType := serialType(cd.Type)
	if colType != nil {
		if len(cd.Type.ArrayBounds) > 0 {
			return nil, nil, pgerr.New(pgerr.FeatureNotSupported, "array of %s is not implemented", cd.Type.Names[0]).WithPosition(cd.Type.Pos + 1)
		}
		p.serial = true
		out.Type = typeNameOf(colType)
		list = append(append([]*ast.Constraint(nil), list...),
			&ast.Constraint{Kind: ast.ConstrDefault, Pos: -1}, &ast.Constraint{Kind: ast.ConstrNotNull, Pos: -1})
	}
	sawNullable, notNull, sawDefault, sawIdentity := false, false, false, false
	errAt := func(c *ast.Constraint, format string) error {
		return pgerr.New(pgerr.SyntaxError, format, cd.Name, table).WithPosition(c.Pos + 1)
	}
	out.Constraints = nil
	for _, c := range list {
		switch c.Kind {
		case ast.ConstrNull:
			if sawNullable && notNull {
				return nil, nil, errAt(c, "conflicting NULL/NOT NULL declarations for column %q of table %q")
			}
			sawNullable, notNull = true, false
		case ast.ConstrNotNull:
			if sawNullable && !notNull {
				return nil, nil, errAt(c, "conflicting NULL/NOT NULL declarations for column %q of table %q")
			}
			sawNullable, notNull = true, true
		case ast.ConstrDefault:
			if sawDefault {
				return nil, nil, errAt(c, "multiple default values specified for column %q of table %q")
			}
			sawDefault = true
		case ast.ConstrIdentity:
			t := colType
			if t == nil {
				var err error
				if t, _, err = analyze.ResolveType(cd.Type); err != nil {
					return nil, nil, err
				}
			}
			if sawIdentity {
				return nil, nil, errAt(c, "multiple identity specifications for column %q of table %q")
			}
			p.identity = catalog.IdentityAlways
			if c.Identity == ast.IdentityByDefault {
				p.identity = catalog.IdentityByDefault
			}
			p.opts = append([]*ast.DefElem{{Pos: -1, Name: "as", Arg: typeNameOf(t)}}, c.SeqOptions...)
			sawIdentity = true
			if sawNullable && !notNull {
				return nil, nil, errAt(c, "conflicting NULL/NOT NULL declarations for column %q of table %q")
			}
			sawNullable, notNull = true, true
		}
		if sawDefault && sawIdentity {
			return nil, nil, errAt(c, "both default and identity specified for column %q of table %q")
		}
		if c.Kind != ast.ConstrIdentity && c.Pos >= 0 {
			out.Constraints = append(out.Constraints, c)
		}
	}
	if p.serial {
		p.opts = []*ast.DefElem{{Pos: -1, Name: "as", Arg: typeNameOf(colType)}}
	}
	if p.identity != 0 {
		o, err := parseSeqOptions(p.opts, true)
		if err != nil {
			return nil, nil, err
		}
		p.seqName = o.seqName
	}
	out.Constraints = append(out.Constraints, &ast.Constraint{Kind: ast.ConstrNotNull, Pos: -1})
	return p, &out, nil
}

// hasSeqColumn reports whether cd is a SERIAL or identity column.
func hasSeqColumn(cd *ast.ColumnDef) bool {
	if serialType(cd.Type) != nil {
		return true
	}
	for _, c := range cd.Constraints {
		if c.Kind == ast.ConstrIdentity {
			return true
		}
	}
	return false
}

// createColumnSequence creates the sequence of column p
// (generateSerialExtraStmts' CREATE SEQUENCE, run before the table or
// column exists): named by SEQUENCE NAME or table_column_seq, not one of
// used. For a SERIAL column it returns cd with DEFAULT nextval(...) added.
func (s *Session) createColumnSequence(snap *mvcc.Snapshot, p *colSeq, cd *ast.ColumnDef, used map[string]bool) (*ast.ColumnDef, error) {
	cat := s.inst.Catalog
	o, err := parseSeqOptions(p.opts, true)
	if err != nil {
		return nil, err
	}
	o.ownedBy = nil // the column owns it
	sns, name := p.ns, ""
	if p.seqName != nil {
		cr, _ := p.seqName.Arg.(*ast.ColumnRef)
		if cr == nil || len(cr.Names) == 0 || len(cr.Names) > 2 {
			return nil, pgerr.New(pgerr.SyntaxError, "invalid SEQUENCE NAME").WithPosition(p.seqName.Pos + 1)
		}
		name = cr.Names[len(cr.Names)-1]
		if len(cr.Names) == 2 {
			if sns, err = s.namespaceFor(snap, &ast.RangeVar{Schema: cr.Names[0], Name: name, Pos: cr.Pos}); err != nil {
				return nil, err
			}
		}
	} else if name, err = chooseName(p.table, p.col, "seq", func(c string) (bool, error) {
		if used[c] {
			return true, nil
		}
		r, err := cat.LookupRelation(s.xact, snap, p.ns, c)
		return r != nil, err
	}); err != nil {
		return nil, err
	}
	used[name] = true
	if p.seq, err = s.newSequence(snap, sns, name, o, p.identity != 0); err != nil {
		return nil, err
	}
	if !p.serial {
		return cd, nil
	}
	snap = s.nextCommand()
	expr, err := parser.ParseExpr("nextval(" + quoteLiteral(s.relationDisplayName(snap, p.seq)) + "::regclass)")
	if err != nil {
		return nil, err
	}
	out := *cd
	out.Constraints = append([]*ast.Constraint{{Kind: ast.ConstrDefault, Pos: -1, Expr: expr}}, cd.Constraints...)
	return &out, nil
}

// ownColumnSequence makes column p own its sequence once the column exists
// (generateSerialExtraStmts' ALTER SEQUENCE OWNED BY): SERIAL with an
// automatic dependency, and its default a normal one on the sequence;
// identity with an internal one, and attidentity set.
func (s *Session) ownColumnSequence(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, p *colSeq) error {
	cat := s.inst.Catalog
	attnum := attnumOf(rel, p.col)
	if attnum == 0 {
		return pgerr.New(pgerr.InternalError, "column %q of relation %q vanished", p.col, rel.Name)
	}
	if p.serial {
		if err := cat.SetSequenceOwner(ctx, s.xact, snap, p.seq.OID, rel.OID, attnum, catalog.DepAuto); err != nil {
			return err
		}
		return cat.AddDefaultDependency(s.xact, snap, rel.OID, attnum, p.seq.OID)
	}
	if err := cat.SetSequenceOwner(ctx, s.xact, snap, p.seq.OID, rel.OID, attnum, catalog.DepInternal); err != nil {
		return err
	}
	return cat.SetIdentity(ctx, s.xact, snap, rel.OID, attnum, p.identity)
}

// defineTableSeqs executes CREATE TABLE whose columns include SERIAL or
// identity columns (transformCreateStmt + generateSerialExtraStmts): the
// columns are checked, their sequences created, then the table
// (defineTable), then each column owns its sequence. Other tables go
// straight to defineTable.
func (s *Session) defineTableSeqs(ctx context.Context, n *ast.CreateTableStmt) (*Cursor, error) {
	var idx []int
	for i, cd := range n.Columns {
		if hasSeqColumn(cd) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 || n.Persistence == ast.PersistTemp || len(n.Inherits) > 0 {
		return s.defineTable(ctx, n)
	}
	s.takeDDL()
	snap := s.snapshot()
	ns, err := s.namespaceFor(snap, n.Table)
	if err != nil {
		return nil, err
	}
	cat := s.inst.Catalog
	if n.IfNotExists {
		if rel, err := cat.LookupRelation(s.xact, snap, ns, n.Table.Name); err != nil {
			return nil, err
		} else if rel != nil {
			return s.defineTable(ctx, n) // which raises the NOTICE
		}
	}
	cp := *n
	cp.Columns = append([]*ast.ColumnDef(nil), n.Columns...)
	plans := make([]*colSeq, len(idx))
	for k, i := range idx {
		if plans[k], cp.Columns[i], err = transformSeqColumn(ns, n.Table.Name, n.Columns[i]); err != nil {
			return nil, err
		}
	}
	used := map[string]bool{}
	for k, i := range idx {
		if cp.Columns[i], err = s.createColumnSequence(snap, plans[k], cp.Columns[i], used); err != nil {
			return nil, err
		}
	}
	s.nextCommand()
	c, err := s.defineTable(ctx, &cp)
	if err != nil {
		return nil, err
	}
	snap = s.nextCommand()
	rel, err := cat.LookupRelation(s.xact, snap, ns, n.Table.Name)
	if err == nil && rel == nil {
		err = pgerr.New(pgerr.InternalError, "relation %q vanished", n.Table.Name)
	}
	for _, p := range plans {
		if err != nil {
			break
		}
		err = s.ownColumnSequence(ctx, snap, rel, p)
	}
	if err != nil {
		s.cursor = nil // defineTable's cursor
		return nil, err
	}
	return c, nil
}

// prepareSeqColumn is ALTER TABLE ADD COLUMN's part of SERIAL and identity
// columns (PostgreSQL runs the same generateSerialExtraStmts): for such a
// column of rel it checks cd, creates the sequence and returns the column
// definition to add instead (integer type, DEFAULT nextval for SERIAL, NOT
// NULL) and own, to call once the column exists and is visible (after
// CommandCounterIncrement) and before existing rows get their values: it
// records the ownership and, for identity, attidentity, which makes the
// column's default nextval. For other columns it returns cd and nil.
func (s *Session) prepareSeqColumn(snap *mvcc.Snapshot, rel *catalog.Relation, cd *ast.ColumnDef) (*ast.ColumnDef, func(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation) error, error) {
	if !hasSeqColumn(cd) {
		return cd, nil, nil
	}
	p, out, err := transformSeqColumn(rel.Namespace, rel.Name, cd)
	if err != nil {
		return nil, nil, err
	}
	if out, err = s.createColumnSequence(snap, p, out, map[string]bool{}); err != nil {
		return nil, nil, err
	}
	return out, func(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation) error {
		return s.ownColumnSequence(ctx, snap, rel, p)
	}, nil
}

// restartOwnedSequences restarts the sequences that rel's columns own
// (TRUNCATE ... RESTART IDENTITY, ResetSequence): each gets a new file
// holding its START value, so this rolls back with the transaction (SQ4).
func (s *Session) restartOwnedSequences(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation) error {
	cat := s.inst.Catalog
	seqs, err := cat.OwnedSequences(snap, rel.OID, 0)
	if err != nil {
		return err
	}
	for _, seq := range seqs {
		srel, err := cat.RelationByOID(snap, seq.Rel)
		if err != nil {
			return err
		}
		if srel == nil {
			continue
		}
		node, err := cat.NewRelFileNode(ctx, s.xact, snap, srel)
		if err != nil {
			return err
		}
		if err := s.seqStore().Init(node, catalog.SeqState{LastValue: seq.Start}); err != nil {
			return err
		}
	}
	return nil
}

// dropColumnSequences drops the sequences that column attnum of rel owns
// (SERIAL, OWNED BY, identity), as ALTER TABLE DROP COLUMN's dependency
// walk does; objects that depend on them need cascade.
func (s *Session) dropColumnSequences(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, attnum int16, cascade bool) error {
	cat := s.inst.Catalog
	seqs, err := cat.OwnedSequences(snap, rel.OID, attnum)
	if err != nil {
		return err
	}
	for _, seq := range seqs {
		srel, err := cat.RelationByOID(snap, seq.Rel)
		if err != nil {
			return err
		}
		if srel == nil {
			continue
		}
		if err := s.dropCascade(ctx, snap, srel, cascade, map[base.OID]bool{rel.OID: true}); err != nil {
			return err
		}
	}
	return nil
}

// recordDefaultSequences records that the DEFAULT of column attnum of rel,
// analyzed as def, uses the sequences it names by regclass constants
// (nextval('s')), as recordDependencyOnExpr does: DROP SEQUENCE then needs
// CASCADE, which drops the default. Call it once the pg_attrdef row exists
// and is visible to snap (CREATE TABLE, ADD COLUMN, SET DEFAULT).
func (s *Session) recordDefaultSequences(snap *mvcc.Snapshot, rel base.OID, attnum int16, def analyze.Expr) error {
	cat := s.inst.Catalog
	var oids []base.OID
	analyze.Walk(def, func(e analyze.Expr) bool {
		if c, ok := e.(*analyze.Const); ok && c.T == types.Regclass && c.Val != nil {
			if v, ok := c.Val.(int64); ok {
				oids = append(oids, base.OID(uint32(v)))
			}
		}
		return true
	})
	for _, oid := range oids {
		srel, seq, err := cat.SequenceByOID(s.xact, snap, oid)
		if err != nil {
			return err
		}
		if srel == nil || seq == nil {
			continue // not a sequence: nothing checks those dependencies yet
		}
		if err := cat.AddDefaultDependency(s.xact, snap, rel, attnum, oid); err != nil {
			return err
		}
	}
	return nil
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
