package session

import (
	"context"
	"database/sql/driver"
	"fmt"
	"math"
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

// Sequences (PostgreSQL's commands/sequence.c and the SERIAL / IDENTITY
// parts of parse_utilcmd.c): CREATE / ALTER / DROP SEQUENCE, the
// functions nextval, currval, setval, lastval, pg_sequence_last_value and
// pg_get_serial_sequence, SERIAL and GENERATED ... AS IDENTITY columns.
// The storage side and its invariants (SQ1...) are in catalog/sequence.go
// and catalog/README.md.

// seqCache is what a session remembers of the sequences it used
// (PostgreSQL's SeqTable and last_used_seq).
type seqCache struct {
	elems map[base.OID]*seqElem
	last  *seqElem
}

// seqElem is one sequence's entry (SeqTableData).
type seqElem struct {
	oid       base.OID
	node      base.RelFileNode // the file the cached values came from
	lastValid bool             // last is set: currval works
	last      int64            // value last returned by nextval or set by setval
	cached    int64            // last value reserved; values after last up to here are the cache
	increment int64
}

// seqElem returns the session's entry for sequence rel (init_sequence):
// if the sequence got a new file since (ALTER SEQUENCE RESTART), values
// cached from the old one are forgotten.
func (s *Session) seqElem(rel *catalog.Relation) *seqElem {
	if s.seqs == nil {
		s.seqs = &seqCache{elems: map[base.OID]*seqElem{}}
	}
	e := s.seqs.elems[rel.OID]
	if e == nil {
		e = &seqElem{oid: rel.OID, node: rel.Node}
		s.seqs.elems[rel.OID] = e
	}
	if e.node != rel.Node {
		e.node = rel.Node
		e.cached = e.last
	}
	return e
}

func (s *Session) seqStore() *catalog.SeqStore {
	return catalog.NewSeqStore(s.inst.Pool, s.inst.Log)
}

// seqFuncs gives one statement's analyzer the sequence functions, regclass
// input and identity defaults; it remembers the relations and parameters
// the statement resolved, read under the statement's snapshot.
type seqFuncs struct {
	s      *Session
	snap   *mvcc.Snapshot
	rels   map[base.OID]*catalog.Relation
	params map[base.OID]*catalog.Sequence
}

// sequenceEnv installs the sequence hooks in env: SessionFunc, RegclassIn,
// and a ColumnDefault that gives identity columns nextval of their
// sequence before asking next.
func (s *Session) sequenceEnv(env *analyze.Env, snap *mvcc.Snapshot) {
	f := &seqFuncs{s: s, snap: snap, rels: map[base.OID]*catalog.Relation{}, params: map[base.OID]*catalog.Sequence{}}
	env.SessionFunc = f.lookup
	env.RegclassIn = f.regclassIn
	next := env.ColumnDefault
	env.ColumnDefault = func(rel *catalog.Relation, col int) (string, error) {
		if d, ok, err := f.identityDefault(rel, col); ok || err != nil {
			return d, err
		}
		if next == nil {
			return "", nil
		}
		return next(rel, col)
	}
}

// PostgreSQL's OIDs of the functions.
const (
	oidNextval             = 1574
	oidCurrval             = 1575
	oidSetval              = 1576
	oidSetval3             = 1765
	oidLastval             = 2559
	oidPgGetSerialSequence = 1665
	oidPgSequenceLastValue = 4032
)

// regclassArg says how a function's regclass argument given as type t is
// passed: as regclass (the analyzer coerces it, resolving a literal name
// through RegclassIn), or, for text types, as text resolved at run time
// (the text-to-regclass cast). Nil: no such function.
func regclassArg(t *types.T) (arg *types.T, byName bool) {
	switch t {
	case types.Regclass, types.Unknown, types.Oid, types.Int2, types.Int4, types.Int8:
		return types.Regclass, false
	case types.Text, types.Varchar, types.Name, types.Bpchar:
		return types.Text, true
	}
	return nil, false
}

// lookup implements analyze.Env.SessionFunc for the sequence functions.
func (f *seqFuncs) lookup(name string, argTypes []*types.T) *analyze.SessionFuncDef {
	switch name {
	case "nextval", "currval", "pg_sequence_last_value", "setval":
		if len(argTypes) < 1 {
			return nil
		}
		arg, byName := regclassArg(argTypes[0])
		if arg == nil {
			return nil
		}
		oid := func(d types.Datum) (base.OID, error) {
			if byName {
				rel, err := f.relationByText(d.(string))
				if err != nil {
					return 0, err
				}
				return rel.OID, nil
			}
			v, _ := d.(int64)
			return base.OID(uint32(v)), nil
		}
		def := &analyze.SessionFuncDef{Args: []*types.T{arg}, Ret: types.Int8, Strict: true}
		switch name {
		case "nextval", "currval", "pg_sequence_last_value":
			if len(argTypes) != 1 {
				return nil
			}
			call := map[string]func(base.OID) (types.Datum, error){"nextval": f.nextval, "currval": f.currval, "pg_sequence_last_value": f.lastValue}[name]
			def.OID = map[string]uint32{"nextval": oidNextval, "currval": oidCurrval, "pg_sequence_last_value": oidPgSequenceLastValue}[name]
			def.Fn = func(args []types.Datum) (types.Datum, error) {
				o, err := oid(args[0])
				if err != nil {
					return nil, err
				}
				return call(o)
			}
		case "setval":
			if len(argTypes) != 2 && len(argTypes) != 3 {
				return nil
			}
			def.OID = oidSetval
			def.Args = append(def.Args, types.Int8)
			if len(argTypes) == 3 {
				def.OID = oidSetval3
				def.Args = append(def.Args, types.Bool)
			}
			def.Fn = func(args []types.Datum) (types.Datum, error) {
				o, err := oid(args[0])
				if err != nil {
					return nil, err
				}
				called := true
				if len(args) == 3 {
					called, _ = args[2].(bool)
				}
				v, _ := args[1].(int64)
				return f.setval(o, v, called)
			}
		}
		return def
	case "lastval":
		if len(argTypes) != 0 {
			return nil
		}
		return &analyze.SessionFuncDef{OID: oidLastval, Ret: types.Int8, Strict: true, Fn: func([]types.Datum) (types.Datum, error) {
			return f.lastval()
		}}
	case "pg_get_serial_sequence":
		if len(argTypes) != 2 {
			return nil
		}
		return &analyze.SessionFuncDef{OID: oidPgGetSerialSequence, Args: []*types.T{types.Text, types.Text}, Ret: types.Text, Strict: true,
			Fn: func(args []types.Datum) (types.Datum, error) {
				return f.serialSequence(args[0].(string), args[1].(string))
			}}
	}
	return nil
}

// regclassIn implements analyze.Env.RegclassIn.
func (f *seqFuncs) regclassIn(name string) (base.OID, error) {
	rel, err := f.relationByText(name)
	if err != nil {
		return 0, err
	}
	return rel.OID, nil
}

// relationByText resolves a possibly qualified relation name written as
// text, as regclassin does (stringToQualifiedNameList +
// RangeVarGetRelid).
func (f *seqFuncs) relationByText(text string) (*catalog.Relation, error) {
	names, err := splitQualifiedName(text)
	if err != nil {
		return nil, err
	}
	var schema, name string
	switch len(names) {
	case 1:
		name = names[0]
	case 2:
		schema, name = names[0], names[1]
	case 3:
		if names[0] != "tusk" {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "cross-database references are not implemented: %s", strings.Join(names, "."))
		}
		schema, name = names[1], names[2]
	default:
		return nil, pgerr.New(pgerr.SyntaxError, "improper relation name (too many dotted names): %s", strings.Join(names, "."))
	}
	rel, err := f.s.lookupRelation(f.snap, schema, name)
	if err != nil {
		return nil, err
	}
	if rel == nil {
		if schema != "" {
			name = schema + "." + name
		}
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", name)
	}
	f.rels[rel.OID] = rel
	return rel, nil
}

// splitQualifiedName splits a name such as public."My Seq" into its parts
// (SplitIdentifierString with '.'): unquoted parts are folded to lower
// case, every part is cut to 63 bytes; 42602 when it does not parse.
func splitQualifiedName(s string) ([]string, error) {
	bad := pgerr.New(pgerr.InvalidName, "invalid name syntax")
	var out []string
	i := 0
	skip := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v') {
			i++
		}
	}
	skip()
	if i == len(s) {
		return nil, bad
	}
	for {
		var part string
		if s[i] == '"' {
			var b strings.Builder
			i++
			for {
				if i >= len(s) {
					return nil, bad
				}
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			part = b.String()
		} else {
			start := i
			for i < len(s) && s[i] != '.' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' {
				i++
			}
			if i == start {
				return nil, bad
			}
			part = strings.ToLower(s[start:i])
		}
		out = append(out, clipIdent(part, maxIdentLen))
		skip()
		if i == len(s) {
			return out, nil
		}
		if s[i] != '.' {
			return nil, bad
		}
		i++
		skip()
		if i == len(s) {
			return nil, bad
		}
	}
}

// relation returns relation oid as the statement sees it.
func (f *seqFuncs) relation(oid base.OID) (*catalog.Relation, error) {
	if rel := f.rels[oid]; rel != nil {
		return rel, nil
	}
	rel, err := f.s.inst.Catalog.RelationByOID(f.snap, oid)
	if err != nil {
		return nil, err
	}
	if rel == nil {
		return nil, pgerr.New(pgerr.InternalError, "could not open relation with OID %d", oid)
	}
	f.rels[oid] = rel
	return rel, nil
}

// sequence returns sequence oid and its parameters (init_sequence): 42809
// when the relation is not a sequence.
func (f *seqFuncs) sequence(oid base.OID) (*catalog.Relation, *catalog.Sequence, error) {
	rel, err := f.relation(oid)
	if err != nil {
		return nil, nil, err
	}
	if rel.Kind != catalog.KindSequence {
		return nil, nil, pgerr.New(pgerr.WrongObjectType, "%q is not a sequence", rel.Name)
	}
	seq := f.params[oid]
	if seq == nil {
		if seq, err = f.s.inst.Catalog.SequenceParams(f.snap, oid); err != nil {
			return nil, nil, err
		}
		if seq == nil {
			return nil, nil, pgerr.New(pgerr.InternalError, "cache lookup failed for sequence %d", oid)
		}
		f.params[oid] = seq
	}
	return rel, seq, nil
}

// nextval mirrors nextval_internal: a value from the session's cache, or
// a new batch from the sequence's page (catalog.SeqStore.Next).
func (f *seqFuncs) nextval(oid base.OID) (types.Datum, error) {
	rel, seq, err := f.sequence(oid)
	if err != nil {
		return nil, err
	}
	s := f.s
	elm := s.seqElem(rel)
	if elm.last != elm.cached { // some numbers were cached
		elm.last += elm.increment
		s.seqs.last = elm
		return elm.last, nil
	}
	result, last, err := s.seqStore().Next(rel.Node, rel.Name, seq, s.syncCommit())
	if err != nil {
		return nil, err
	}
	elm.increment = seq.Increment
	elm.last, elm.cached, elm.lastValid = result, last, true
	s.seqs.last = elm
	return result, nil
}

// currval mirrors currval_oid.
func (f *seqFuncs) currval(oid base.OID) (types.Datum, error) {
	rel, _, err := f.sequence(oid)
	if err != nil {
		return nil, err
	}
	elm := f.s.seqElem(rel)
	if !elm.lastValid {
		return nil, pgerr.New(pgerr.ObjectNotInPrerequisiteState, "currval of sequence %q is not yet defined in this session", rel.Name)
	}
	return elm.last, nil
}

// lastval mirrors lastval: the value nextval last returned in this
// session, if that sequence still exists.
func (f *seqFuncs) lastval() (types.Datum, error) {
	undefined := pgerr.New(pgerr.ObjectNotInPrerequisiteState, "lastval is not yet defined in this session")
	if f.s.seqs == nil || f.s.seqs.last == nil || !f.s.seqs.last.lastValid {
		return nil, undefined
	}
	elm := f.s.seqs.last
	rel := f.rels[elm.oid]
	if rel == nil {
		var err error
		if rel, err = f.s.inst.Catalog.RelationByOID(f.snap, elm.oid); err != nil {
			return nil, err
		}
		if rel == nil {
			return nil, undefined // dropped since
		}
	}
	return elm.last, nil
}

// setval mirrors do_setval.
func (f *seqFuncs) setval(oid base.OID, next int64, called bool) (types.Datum, error) {
	rel, seq, err := f.sequence(oid)
	if err != nil {
		return nil, err
	}
	if next < seq.Min || next > seq.Max {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "setval: value %d is out of bounds for sequence %q (%d..%d)",
			next, rel.Name, seq.Min, seq.Max)
	}
	elm := f.s.seqElem(rel)
	if called {
		elm.last, elm.lastValid = next, true
	}
	elm.cached = elm.last // forget any cached values
	if err := f.s.seqStore().Set(rel.Node, next, called, f.s.syncCommit()); err != nil {
		return nil, err
	}
	return next, nil
}

// lastValue mirrors pg_sequence_last_value: last_value, or NULL before
// the first nextval.
func (f *seqFuncs) lastValue(oid base.OID) (types.Datum, error) {
	rel, _, err := f.sequence(oid)
	if err != nil {
		return nil, err
	}
	st, err := f.s.seqStore().Read(rel.Node)
	if err != nil || !st.IsCalled {
		return nil, err
	}
	return st.LastValue, nil
}

// serialSequence mirrors pg_get_serial_sequence: the qualified name of
// the sequence a column owns (SERIAL, OWNED BY or identity), or NULL.
func (f *seqFuncs) serialSequence(table, column string) (types.Datum, error) {
	rel, err := f.relationByText(table)
	if err != nil {
		return nil, err
	}
	attnum := attnumOf(rel, column)
	if attnum == 0 {
		return nil, pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", column, rel.Name)
	}
	cat := f.s.inst.Catalog
	for _, typ := range []byte{catalog.DepAuto, catalog.DepInternal} {
		seq, err := cat.OwnedSequence(f.snap, rel.OID, attnum, typ)
		if err != nil {
			return nil, err
		}
		if seq == nil {
			continue
		}
		srel, err := f.relation(seq.Rel)
		if err != nil {
			return nil, err
		}
		ns, err := cat.NamespaceName(f.snap, srel.Namespace)
		if err != nil {
			return nil, err
		}
		return ast.QuoteIdent(ns) + "." + ast.QuoteIdent(srel.Name), nil
	}
	return nil, nil
}

// identityDefault is the default of an identity column: nextval of its
// sequence (build_column_default's identity case).
func (f *seqFuncs) identityDefault(rel *catalog.Relation, col int) (string, bool, error) {
	if col < 0 || col >= len(rel.Attrs) || rel.Attrs[col].Identity == 0 || rel.Attrs[col].Dropped {
		return "", false, nil
	}
	seq, err := f.s.inst.Catalog.OwnedSequence(f.snap, rel.OID, rel.Attrs[col].Num, catalog.DepInternal)
	if err != nil {
		return "", true, err
	}
	if seq == nil {
		return "", true, pgerr.New(pgerr.InternalError, "no owned sequence found for identity column %q of relation %q", rel.Attrs[col].Name, rel.Name)
	}
	f.params[seq.Rel] = seq
	return fmt.Sprintf("nextval('%d'::regclass)", seq.Rel), true, nil
}

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
			return s.utilityDone("CREATE SEQUENCE") // NOTICE: relation already exists, skipping
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
			return s.utilityDone("ALTER SEQUENCE") // NOTICE: relation does not exist, skipping
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
				continue // NOTICE: sequence does not exist, skipping
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
func transformSeqColumn(table string, cd *ast.ColumnDef) (*colSeq, *ast.ColumnDef, error) {
	out := *cd
	p := &colSeq{col: cd.Name}
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
	out.Constraints = append(out.Constraints, &ast.Constraint{Kind: ast.ConstrNotNull, Pos: -1})
	return p, &out, nil
}

// defineTableSeqs executes CREATE TABLE whose columns include SERIAL or
// identity columns (generateSerialExtraStmts): their sequences first,
// then the table, then the sequences' ownership (and for identity
// columns attidentity). Other tables go straight to defineTable.
func (s *Session) defineTableSeqs(ctx context.Context, n *ast.CreateTableStmt) (*Cursor, error) {
	var idx []int
	for i, cd := range n.Columns {
		has := serialType(cd.Type) != nil
		for _, c := range cd.Constraints {
			has = has || c.Kind == ast.ConstrIdentity
		}
		if has {
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
			return s.defineTable(ctx, n) // NOTICE: relation already exists, skipping
		}
	}
	cp := *n
	cp.Columns = append([]*ast.ColumnDef(nil), n.Columns...)
	plans := make([]*colSeq, len(idx))
	for k, i := range idx {
		p, cd, err := transformSeqColumn(n.Table.Name, n.Columns[i])
		if err != nil {
			return nil, err
		}
		if p.identity != 0 {
			o, err := parseSeqOptions(p.opts, true)
			if err != nil {
				return nil, err
			}
			p.seqName = o.seqName
		}
		plans[k], cp.Columns[i] = p, cd
	}
	used := map[string]bool{}
	for k, i := range idx {
		p := plans[k]
		o, err := parseSeqOptions(p.opts, true)
		if err != nil {
			return nil, err
		}
		o.ownedBy = nil // the column owns it
		sns, name := ns, ""
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
		} else if name, err = chooseName(n.Table.Name, p.col, "seq", func(c string) (bool, error) {
			if used[c] {
				return true, nil
			}
			r, err := cat.LookupRelation(s.xact, snap, ns, c)
			return r != nil, err
		}); err != nil {
			return nil, err
		}
		used[name] = true
		if p.seq, err = s.newSequence(snap, sns, name, o, p.identity != 0); err != nil {
			return nil, err
		}
		if p.serial {
			snap = s.nextCommand()
			text := "nextval(" + quoteLiteral(s.relationDisplayName(snap, p.seq)) + "::regclass)"
			expr, err := parser.ParseExpr(text)
			if err != nil {
				return nil, err
			}
			cd := *cp.Columns[i]
			cd.Constraints = append([]*ast.Constraint{{Kind: ast.ConstrDefault, Pos: -1, Expr: expr}}, cd.Constraints...)
			cp.Columns[i] = &cd
		}
	}
	s.nextCommand()
	c, err := s.defineTable(ctx, &cp)
	if err != nil {
		return nil, err
	}
	if err := s.ownColumnSequences(ctx, ns, n.Table.Name, plans); err != nil {
		s.cursor = nil
		return nil, err
	}
	return c, nil
}

// ownColumnSequences makes each column of plans own its sequence: SERIAL
// with an automatic dependency (and its default a normal one on the
// sequence), identity with an internal one and attidentity.
func (s *Session) ownColumnSequences(ctx context.Context, ns base.OID, table string, plans []*colSeq) error {
	snap := s.nextCommand()
	cat := s.inst.Catalog
	rel, err := cat.LookupRelation(s.xact, snap, ns, table)
	if err != nil {
		return err
	}
	if rel == nil {
		return pgerr.New(pgerr.InternalError, "relation %q vanished", table)
	}
	for _, p := range plans {
		attnum := attnumOf(rel, p.col)
		if p.serial {
			if err := cat.SetSequenceOwner(ctx, s.xact, snap, p.seq.OID, rel.OID, attnum, catalog.DepAuto); err != nil {
				return err
			}
			if err := cat.AddDefaultDependency(s.xact, snap, rel.OID, attnum, p.seq.OID); err != nil {
				return err
			}
			continue
		}
		if err := cat.SetSequenceOwner(ctx, s.xact, snap, p.seq.OID, rel.OID, attnum, catalog.DepInternal); err != nil {
			return err
		}
		if err := cat.SetIdentity(ctx, s.xact, snap, rel.OID, attnum, p.identity); err != nil {
			return err
		}
	}
	return nil
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// regclassParams resolves the relation names given as string arguments
// of regclass parameters (SELECT nextval($1)), as Bind's regclassin does;
// a name that does not resolve is left for bindParams to reject.
func regclassParams(env *analyze.Env, ptypes []*types.T, args []any) []any {
	var out []any
	for i, t := range ptypes {
		if t != types.Regclass || i >= len(args) || env.RegclassIn == nil {
			continue
		}
		name, ok := args[i].(string)
		if !ok || name == "-" || strings.Trim(name, "0123456789") == "" {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		if oid, err := env.RegclassIn(name); err == nil {
			out[i] = int64(oid)
		} else {
			out[i] = regclassErr{err}
		}
	}
	if out == nil {
		return args
	}
	return out
}

// regclassErr carries a name resolution error to bindParams.
type regclassErr struct{ err error }

// Value reports the error (driver.Valuer, which FromGo calls).
func (e regclassErr) Value() (driver.Value, error) { return nil, e.err }
