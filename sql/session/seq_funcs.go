package session

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/types"
)

// The sequence functions a session provides (Env.SessionFunc): nextval,
// currval, setval, lastval, pg_sequence_last_value and
// pg_get_serial_sequence; regclass input by name (Env.RegclassIn); and the
// default of identity columns (Env.ColumnDefault). See ddl_sequence.go.

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
	env.SessionFunc = s.chainFuncs(snap, f.lookup)
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

// sequence returns sequence oid and its parameters as the statement
// sees them (init_sequence): 42809 when the relation is not a sequence.
func (f *seqFuncs) sequence(oid base.OID) (*catalog.Relation, *catalog.Sequence, error) {
	rel, seq := f.rels[oid], f.params[oid]
	if rel == nil || (seq == nil && rel.Kind == catalog.KindSequence) {
		var err error
		if rel, seq, err = f.s.inst.Catalog.SequenceByOID(f.s.xact, f.snap, oid); err != nil {
			return nil, nil, err
		}
		if rel == nil {
			return nil, nil, pgerr.New(pgerr.InternalError, "could not open relation with OID %d", oid)
		}
		f.rels[oid] = rel
	}
	if rel.Kind != catalog.KindSequence {
		return nil, nil, pgerr.New(pgerr.WrongObjectType, "%q is not a sequence", rel.Name)
	}
	if seq == nil {
		return nil, nil, pgerr.New(pgerr.InternalError, "cache lookup failed for sequence %d", oid)
	}
	f.params[oid] = seq
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
		if rel, _, err = f.s.inst.Catalog.SequenceByOID(f.s.xact, f.snap, elm.oid); err != nil {
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
		seq, err := cat.OwnedSequence(f.s.xact, f.snap, rel.OID, attnum, typ)
		if err != nil {
			return nil, err
		}
		if seq == nil {
			continue
		}
		srel, _, err := f.sequence(seq.Rel)
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
	seq, err := f.s.inst.Catalog.OwnedSequence(f.s.xact, f.snap, rel.OID, rel.Attrs[col].Num, catalog.DepInternal)
	if err != nil {
		return "", true, err
	}
	if seq == nil {
		return "", true, pgerr.New(pgerr.InternalError, "no owned sequence found for identity column %q of relation %q", rel.Attrs[col].Name, rel.Name)
	}
	f.params[seq.Rel] = seq
	return fmt.Sprintf("nextval('%d'::regclass)", seq.Rel), true, nil
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
