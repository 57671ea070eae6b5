package session

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/types"
)

// CREATE / ALTER / DROP SEQUENCE (PostgreSQL's commands/sequence.c):
// options (init_params), OWNED BY (process_owned_by) and the drop rules of
// sequences that column defaults and identity columns use. The session's
// sequence functions are in seq_funcs.go, SERIAL and identity columns in
// seq_columns.go; the storage side and its invariants (SQ1...) are in
// catalog/sequence.go and catalog/README.md.

// seqOptions are the options of CREATE / ALTER SEQUENCE or of an identity
// column, each given at most once.
type seqOptions struct {
	asType, increment, start, restart, max, min, cache, cycle, ownedBy, seqName *ast.DefElem

	rewrite bool // an option that changes the sequence's values (need_seq_rewrite)
}

// parseSeqOptions sorts options (the first loop of init_params): 42601
// for an option given twice, or SEQUENCE NAME outside an identity column.
func parseSeqOptions(opts []*ast.DefElem, forIdentity bool) (*seqOptions, error) {
	o := &seqOptions{}
	for _, d := range opts {
		var slot **ast.DefElem
		switch d.Name {
		case "as":
			slot = &o.asType
		case "increment":
			slot = &o.increment
		case "start":
			slot = &o.start
		case "restart":
			slot = &o.restart
		case "maxvalue":
			slot = &o.max
		case "minvalue":
			slot = &o.min
		case "cache":
			slot = &o.cache
		case "cycle":
			slot = &o.cycle
		case "owned_by":
			slot = &o.ownedBy
		case "sequence_name":
			if !forIdentity {
				return nil, pgerr.New(pgerr.SyntaxError, "invalid sequence option SEQUENCE NAME").WithPosition(d.Pos + 1)
			}
			slot = &o.seqName
		default:
			return nil, pgerr.New(pgerr.InternalError, "option %q not recognized", d.Name)
		}
		if *slot != nil {
			return nil, pgerr.New(pgerr.SyntaxError, "conflicting or redundant options").WithPosition(d.Pos + 1)
		}
		*slot = d
		if d.Name != "owned_by" && d.Name != "sequence_name" {
			o.rewrite = true
		}
	}
	return o, nil
}

// defInt64 is the value of a numeric option (defGetInt64).
func defInt64(d *ast.DefElem) (int64, error) {
	lit, ok := d.Arg.(*ast.Literal)
	if !ok {
		return 0, pgerr.New(pgerr.SyntaxError, "%s requires a numeric value", d.Name)
	}
	v, err := types.Parse(types.Int8, -1, lit.Val)
	if err != nil {
		return 0, err
	}
	return v.(int64), nil
}

// typeBounds are the limits of a sequence data type.
func typeBounds(t base.OID) (lo, hi int64) {
	switch t {
	case types.Int2.OID:
		return math.MinInt16, math.MaxInt16
	case types.Int4.OID:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

func typeDisplayName(t base.OID) string {
	if ty, ok := types.ByOID(t); ok {
		return types.FormatType(ty, -1)
	}
	return fmt.Sprint(t)
}

// apply sets seq and st from the options (init_params; isInit for CREATE,
// where seq and st start zero). forIdentity words the type error as
// PostgreSQL does for identity columns.
func (o *seqOptions) apply(seq *catalog.Sequence, st *catalog.SeqState, isInit, forIdentity bool) error {
	invalid := func(format string, args ...any) error {
		return pgerr.New(pgerr.InvalidParameterValue, format, args...)
	}
	resetMax, resetMin := false, false
	if isInit {
		st.LogCnt = 0
	}
	if o.asType != nil {
		tn, ok := o.asType.Arg.(*ast.TypeName)
		if !ok {
			return pgerr.New(pgerr.SyntaxError, "AS requires a type name")
		}
		t, _, err := analyze.ResolveType(tn)
		if err != nil {
			return err
		}
		if t != types.Int2 && t != types.Int4 && t != types.Int8 {
			if forIdentity {
				return invalid("identity column type must be smallint, integer, or bigint")
			}
			return invalid("sequence type must be smallint, integer, or bigint")
		}
		if !isInit {
			lo, hi := typeBounds(seq.Type)
			resetMax, resetMin = seq.Max == hi, seq.Min == lo
		}
		seq.Type = t.OID
	} else if isInit {
		seq.Type = types.Int8.OID
	}
	if o.increment != nil {
		v, err := defInt64(o.increment)
		if err != nil {
			return err
		}
		if v == 0 {
			return invalid("INCREMENT must not be zero")
		}
		seq.Increment, st.LogCnt = v, 0
	} else if isInit {
		seq.Increment = 1
	}
	if o.cycle != nil {
		lit, _ := o.cycle.Arg.(*ast.Literal)
		seq.Cycle, st.LogCnt = lit != nil && lit.Val == "true", 0
	} else if isInit {
		seq.Cycle = false
	}
	lo, hi := typeBounds(seq.Type)
	if o.max != nil && o.max.Arg != nil {
		v, err := defInt64(o.max)
		if err != nil {
			return err
		}
		seq.Max, st.LogCnt = v, 0
	} else if isInit || o.max != nil || resetMax {
		if seq.Increment > 0 || resetMax {
			seq.Max = hi
		} else {
			seq.Max = -1
		}
		st.LogCnt = 0
	}
	if seq.Max < lo || seq.Max > hi {
		return invalid("MAXVALUE (%d) is out of range for sequence data type %s", seq.Max, typeDisplayName(seq.Type))
	}
	if o.min != nil && o.min.Arg != nil {
		v, err := defInt64(o.min)
		if err != nil {
			return err
		}
		seq.Min, st.LogCnt = v, 0
	} else if isInit || o.min != nil || resetMin {
		if seq.Increment < 0 || resetMin {
			seq.Min = lo
		} else {
			seq.Min = 1
		}
		st.LogCnt = 0
	}
	if seq.Min < lo || seq.Min > hi {
		return invalid("MINVALUE (%d) is out of range for sequence data type %s", seq.Min, typeDisplayName(seq.Type))
	}
	if seq.Min >= seq.Max {
		return invalid("MINVALUE (%d) must be less than MAXVALUE (%d)", seq.Min, seq.Max)
	}
	if o.start != nil {
		v, err := defInt64(o.start)
		if err != nil {
			return err
		}
		seq.Start = v
	} else if isInit {
		if seq.Increment > 0 {
			seq.Start = seq.Min
		} else {
			seq.Start = seq.Max
		}
	}
	if seq.Start < seq.Min {
		return invalid("START value (%d) cannot be less than MINVALUE (%d)", seq.Start, seq.Min)
	}
	if seq.Start > seq.Max {
		return invalid("START value (%d) cannot be greater than MAXVALUE (%d)", seq.Start, seq.Max)
	}
	if o.restart != nil {
		st.LastValue = seq.Start
		if o.restart.Arg != nil {
			v, err := defInt64(o.restart)
			if err != nil {
				return err
			}
			st.LastValue = v
		}
		st.IsCalled, st.LogCnt = false, 0
	} else if isInit {
		st.LastValue, st.IsCalled = seq.Start, false
	}
	if st.LastValue < seq.Min {
		return invalid("RESTART value (%d) cannot be less than MINVALUE (%d)", st.LastValue, seq.Min)
	}
	if st.LastValue > seq.Max {
		return invalid("RESTART value (%d) cannot be greater than MAXVALUE (%d)", st.LastValue, seq.Max)
	}
	if o.cache != nil {
		v, err := defInt64(o.cache)
		if err != nil {
			return err
		}
		if v <= 0 {
			return invalid("CACHE (%d) must be greater than zero", v)
		}
		seq.Cache, st.LogCnt = v, 0
	} else if isInit {
		seq.Cache = 1
	}
	return nil
}

// newSequence creates sequence name in ns from options (DefineSequence):
// its catalog rows and its state page.
func (s *Session) newSequence(snap *mvcc.Snapshot, ns base.OID, name string, o *seqOptions, forIdentity bool) (*catalog.Relation, error) {
	var seq catalog.Sequence
	var st catalog.SeqState
	if err := o.apply(&seq, &st, true, forIdentity); err != nil {
		return nil, err
	}
	rel, err := s.inst.Catalog.CreateSequence(s.xact, snap, ns, name, &seq)
	if err != nil {
		return nil, err
	}
	if err := s.seqStore().Init(rel.Node, st); err != nil {
		return nil, err
	}
	return rel, nil
}

// createSequence executes CREATE SEQUENCE.
func (s *Session) createSequence(ctx context.Context, n *ast.CreateSeqStmt) (*Cursor, error) {
	if n.Persistence == ast.PersistTemp {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "temporary sequences are not supported yet")
	}
	s.takeDDL()
	snap := s.snapshot()
	ns, err := s.namespaceFor(snap, n.Seq)
	if err != nil {
		return nil, err
	}
	if n.IfNotExists {
		if rel, err := s.inst.Catalog.LookupRelation(s.xact, snap, ns, n.Seq.Name); err != nil {
			return nil, err
		} else if rel != nil {
			s.notice(pgerr.DuplicateTable, "relation %q already exists, skipping", n.Seq.Name)
			return s.utilityDone("CREATE SEQUENCE")
		}
	}
	o, err := parseSeqOptions(n.Options, false)
	if err != nil {
		return nil, err
	}
	rel, err := s.newSequence(snap, ns, n.Seq.Name, o, false)
	if err != nil {
		return nil, err
	}
	if o.ownedBy != nil {
		if err := s.processOwnedBy(ctx, s.nextCommand(), rel, o.ownedBy); err != nil {
			return nil, err
		}
	}
	return s.utilityDone("CREATE SEQUENCE")
}

// alterSequence executes ALTER SEQUENCE (AlterSequence): new parameters
// in pg_sequence; RESTART gives the sequence a new file with the new
// state, so that it rolls back; other changes of how values advance make
// the next nextval log again (SQ4).
func (s *Session) alterSequence(ctx context.Context, n *ast.AlterSeqStmt) (*Cursor, error) {
	s.takeDDL()
	snap := s.snapshot()
	rel, err := s.lookupRelation(snap, n.Seq.Schema, n.Seq.Name)
	if err != nil {
		return nil, err
	}
	if rel == nil {
		if n.IfExists {
			s.notice(pgerr.SuccessfulCompletion, "relation %q does not exist, skipping", n.Seq.Name)
			return s.utilityDone("ALTER SEQUENCE")
		}
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", rvName(n.Seq))
	}
	if rel.Kind != catalog.KindSequence {
		return nil, pgerr.New(pgerr.WrongObjectType, "%q is not a sequence", rel.Name)
	}
	o, err := parseSeqOptions(n.Options, false)
	if err != nil {
		return nil, err
	}
	cat := s.inst.Catalog
	old, err := cat.SequenceParams(snap, rel.OID)
	if err != nil {
		return nil, err
	}
	if old == nil {
		return nil, pgerr.New(pgerr.InternalError, "cache lookup failed for sequence %d", rel.OID)
	}
	store := s.seqStore()
	st, err := store.Read(rel.Node)
	if err != nil {
		return nil, err
	}
	seq, newSt := *old, st
	if err := o.apply(&seq, &newSt, false, false); err != nil {
		return nil, err
	}
	if o.rewrite {
		if err := cat.SetSequenceParams(ctx, s.xact, snap, &seq); err != nil {
			return nil, err
		}
		if o.restart != nil {
			node, err := cat.NewRelFileNode(ctx, s.xact, snap, rel)
			if err != nil {
				return nil, err
			}
			if err := store.Init(node, newSt); err != nil {
				return nil, err
			}
		} else if newSt.LogCnt != st.LogCnt {
			if err := store.ResetLog(rel.Node); err != nil {
				return nil, err
			}
		}
	}
	if o.ownedBy != nil {
		if err := s.processOwnedBy(ctx, s.nextCommand(), rel, o.ownedBy); err != nil {
			return nil, err
		}
	}
	return s.utilityDone("ALTER SEQUENCE")
}

func rvName(rv *ast.RangeVar) string {
	if rv.Schema != "" {
		return rv.Schema + "." + rv.Name
	}
	return rv.Name
}

// processOwnedBy executes OWNED BY table.column or OWNED BY NONE
// (process_owned_by): the sequence is dropped with the column.
func (s *Session) processOwnedBy(ctx context.Context, snap *mvcc.Snapshot, seq *catalog.Relation, d *ast.DefElem) error {
	cr, ok := d.Arg.(*ast.ColumnRef)
	if !ok {
		return pgerr.New(pgerr.SyntaxError, "invalid OWNED BY option")
	}
	cat := s.inst.Catalog
	names := cr.Names
	var table *catalog.Relation
	var attnum int16
	if len(names) == 1 {
		if names[0] != "none" {
			return pgerr.New(pgerr.SyntaxError, "invalid OWNED BY option").
				WithHint("Specify OWNED BY table.column or OWNED BY NONE.")
		}
	} else {
		rv := &ast.RangeVar{Name: names[len(names)-2]}
		switch len(names) {
		case 2:
		case 3:
			rv.Schema = names[0]
		default:
			return pgerr.New(pgerr.SyntaxError, "improper relation name (too many dotted names): %s", strings.Join(names[:len(names)-1], "."))
		}
		var err error
		if table, err = s.lookupRelation(snap, rv.Schema, rv.Name); err != nil {
			return err
		}
		if table == nil {
			return pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", rvName(rv))
		}
		if table.Kind != catalog.KindTable && table.Kind != catalog.KindView {
			return pgerr.New(pgerr.WrongObjectType, "sequence cannot be owned by relation %q", table.Name).
				WithDetail("This operation is not supported for %s.", kindName(table.Kind))
		}
		if table.Namespace != seq.Namespace {
			return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "sequence must be in same schema as table it is linked to")
		}
		col := names[len(names)-1]
		if attnum = attnumOf(table, col); attnum == 0 {
			return pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", col, table.Name)
		}
	}
	if owner, _, ok, err := cat.SequenceOwner(snap, seq.OID, catalog.DepInternal); err != nil {
		return err
	} else if ok {
		name := fmt.Sprint(owner)
		if t, err := cat.RelationByOID(snap, owner); err == nil && t != nil {
			name = t.Name
		}
		return pgerr.New(pgerr.FeatureNotSupported, "cannot change ownership of identity sequence").
			WithDetail("Sequence %q is linked to table %q.", seq.Name, name)
	}
	ref := base.InvalidOID
	if table != nil {
		ref = table.OID
	}
	return cat.SetSequenceOwner(ctx, s.xact, snap, seq.OID, ref, attnum, catalog.DepAuto)
}

// dropSequence executes DROP SEQUENCE. A sequence an identity column
// needs cannot be dropped; one that column defaults use needs CASCADE,
// which drops those defaults.
func (s *Session) dropSequence(ctx context.Context, n *ast.DropStmt) (*Cursor, error) {
	s.takeDDL()
	snap := s.snapshot()
	cat := s.inst.Catalog
	cascade := n.Behavior == ast.DropCascade
	done := map[base.OID]bool{}
	var rels []*catalog.Relation
	for _, rv := range n.Objects {
		rel, err := s.lookupRelation(snap, rv.Schema, rv.Name)
		if err != nil {
			return nil, err
		}
		if rel == nil {
			if n.IfExists {
				s.notice(pgerr.SuccessfulCompletion, "sequence %q does not exist, skipping", rv.Name)
				continue
			}
			return nil, pgerr.New(pgerr.UndefinedTable, "sequence %q does not exist", rv.Name)
		}
		if rel.Kind != catalog.KindSequence {
			return nil, pgerr.New(pgerr.WrongObjectType, "%q is not a sequence", rel.Name).
				WithHint("Use DROP %s to remove a %s.", strings.ToUpper(kindWord(rel.Kind)), kindWord(rel.Kind))
		}
		rels = append(rels, rel)
	}
	for _, rel := range rels {
		if done[rel.OID] {
			continue
		}
		if owner, attnum, ok, err := cat.SequenceOwner(snap, rel.OID, catalog.DepInternal); err != nil {
			return nil, err
		} else if ok {
			table, col := fmt.Sprint(owner), fmt.Sprint(attnum)
			if t, err := cat.RelationByOID(snap, owner); err == nil && t != nil {
				table = t.Name
				if attnum >= 1 && int(attnum) <= len(t.Attrs) {
					col = t.Attrs[attnum-1].Name
				}
			}
			return nil, pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop sequence %s because column %s of table %s requires it", rel.Name, col, table).
				WithHint("You can drop column %s of table %s instead.", col, table)
		}
		uses, err := cat.DefaultsUsing(snap, rel.OID)
		if err != nil {
			return nil, err
		}
		if len(uses) > 0 {
			if !cascade {
				var lines []string
				for _, u := range uses {
					t, err := cat.RelationByOID(snap, base.OID(u[0]))
					if err != nil {
						return nil, err
					}
					if t != nil && u[1] >= 1 && int(u[1]) <= len(t.Attrs) {
						lines = append(lines, fmt.Sprintf("default value for column %s of table %s depends on sequence %s", t.Attrs[u[1]-1].Name, t.Name, rel.Name))
					}
				}
				return nil, pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop sequence %s because other objects depend on it", rel.Name).
					WithDetail("%s", strings.Join(lines, "\n")).
					WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
			}
			for _, u := range uses { // NOTICE: drop cascades to default value for column ...
				if err := cat.SetColumnDefault(ctx, s.xact, snap, base.OID(u[0]), int16(u[1]), ""); err != nil {
					return nil, err
				}
			}
		}
		if err := s.dropCascade(ctx, snap, rel, cascade, done); err != nil {
			return nil, err
		}
	}
	return s.utilityDone("DROP SEQUENCE")
}
