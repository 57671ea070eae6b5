package funcs

import (
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// Kind is pg_proc.prokind.
type Kind byte

// Function kinds.
const (
	KindNormal    Kind = 'f'
	KindAggregate Kind = 'a'
	KindWindow    Kind = 'w'
)

// Volatility is pg_proc.provolatile.
type Volatility byte

// Volatilities.
const (
	Immutable Volatility = 'i'
	Stable    Volatility = 's'
	Volatile  Volatility = 'v'
)

// Impl computes a normal function (F1-F5).
type Impl func(ctx *FuncContext, args []types.Datum) (types.Datum, error)

// Next returns the next row of a set-returning function: ok is false (and
// d nil) once the set is exhausted.
type Next func() (d types.Datum, ok bool, err error)

// SRF starts a set-returning function (F6). The arguments are checked
// when SRF is called; rows come from the returned iterator.
type SRF func(ctx *FuncContext, args []types.Datum) (next Next, err error)

// Func is one row of pg_proc with its implementation.
type Func struct {
	OID  base.OID // pg_proc.oid
	Name string   // proname
	// Args are proargtypes, the declared input types. For a VARIADIC
	// function the last one is the variadic parameter: an array type, or
	// types.Any for VARIADIC "any".
	Args []*types.T
	// ArgNames are proargnames (nil when PostgreSQL has none).
	ArgNames []string
	// Variadic is provariadic: the element type of the VARIADIC parameter
	// (types.Any for VARIADIC "any"), nil when the function is not variadic.
	Variadic *types.T
	// Defaults are the values of the last len(Defaults) arguments when a
	// call omits them (pronargdefaults, F3).
	Defaults   []types.Datum
	Ret        *types.T // prorettype
	RetSet     bool     // proretset: a set-returning function (SRF is set)
	Strict     bool     // proisstrict (F1)
	Volatility Volatility
	Kind       Kind
	// Src is prosrc: the C function this mirrors ("" for PostgreSQL's
	// SQL-language functions).
	Src string

	Impl   Impl        // KindNormal, not RetSet
	SRF    SRF         // KindNormal, RetSet
	Agg    *Agg        // KindAggregate
	Window *WindowFunc // KindWindow
}

// Signature renders the function as pg_get_function_identity_arguments
// would, prefixed by its name: "length(text)", "concat(VARIADIC "any")".
func (f *Func) Signature() string {
	var b strings.Builder
	b.WriteString(f.Name)
	b.WriteByte('(')
	for i, a := range f.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		if f.Variadic != nil && i == len(f.Args)-1 {
			b.WriteString("VARIADIC ")
		}
		b.WriteString(sqlTypeName(a))
	}
	b.WriteByte(')')
	return b.String()
}

// sqlTypeName is format_type_be's spelling of an argument type.
func sqlTypeName(t *types.T) string {
	switch t.OID {
	case types.Any.OID:
		return `"any"`
	case types.Bpchar.OID:
		return "character"
	}
	return types.FormatType(t, -1)
}

// IsPolymorphic reports whether any argument or the result is a
// polymorphic pseudo-type, so ctx.ArgTypes/ctx.RetType carry the resolved
// types (F4).
func (f *Func) IsPolymorphic() bool {
	if f.Ret.IsPolymorphic() {
		return true
	}
	for _, a := range f.Args {
		if a.IsPolymorphic() {
			return true
		}
	}
	return false
}

// FuncContext is what a call needs besides its arguments.
type FuncContext struct {
	// Session gives the time zone and the transaction's start time (now(),
	// transaction_timestamp()); nil means UTC and the wall clock.
	Session *types.Session
	// TimeZone is the TimeZone setting's name ("" means "UTC").
	TimeZone string
	// StatementStart returns the current statement's start time
	// (statement_timestamp()); nil means the transaction start.
	StatementStart func() time.Time
	// Clock returns the current time for clock_timestamp() and
	// timeofday(); nil means time.Now.
	Clock func() time.Time
	// Rand is the source of random() and gen_random_uuid(); nil means a
	// process-wide source.
	Rand *rand.Rand
	// ArgTypes are the actual types of the arguments passed (after the
	// analyzer's coercions) and RetType the resolved result type; they
	// must be set for polymorphic and "any" functions (F4) and may be nil
	// otherwise.
	ArgTypes []*types.T
	RetType  *types.T
	// Schema is current_schema() ("" means "public"); Database is
	// current_database() ("" means "tusk").
	Schema   string
	Database string
}

func (c *FuncContext) sess() *types.Session {
	if c == nil || c.Session == nil {
		return types.UTC
	}
	return c.Session
}

func (c *FuncContext) loc() *time.Location {
	if c == nil || c.Session == nil || c.Session.Location == nil {
		return time.UTC
	}
	return c.Session.Location
}

// argType returns the resolved type of argument i, or def when unknown.
func (c *FuncContext) argType(i int, def *types.T) *types.T {
	if c != nil && i < len(c.ArgTypes) && c.ArgTypes[i] != nil {
		return c.ArgTypes[i]
	}
	return def
}

func (c *FuncContext) random() float64 {
	if c != nil && c.Rand != nil {
		return c.Rand.Float64()
	}
	return rand.Float64()
}

var (
	byName = map[string][]*Func{}
	byOID  = map[base.OID]*Func{}
	all    []*Func
)

// Lookup returns every function named name (case-sensitive, as stored:
// lower case), the candidates for overload resolution; nil when none.
func Lookup(name string) []*Func { return byName[name] }

// ByOID returns the function with this pg_proc OID.
func ByOID(oid base.OID) (*Func, bool) {
	f, ok := byOID[oid]
	return f, ok
}

// All returns every function, ordered by name then OID.
func All() []*Func {
	out := append([]*Func(nil), all...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].OID < out[j].OID
	})
	return out
}

func register(f *Func) *Func {
	if _, dup := byOID[f.OID]; dup {
		panic("funcs: duplicate OID " + f.Signature())
	}
	byOID[f.OID] = f
	byName[f.Name] = append(byName[f.Name], f)
	all = append(all, f)
	return f
}

// parseSig reads a signature written like pg_proc's identity arguments:
// "name(type, type, VARIADIC type) rettype", with "setof rettype" for a
// set-returning function. Type names are pg_type names or SQL aliases;
// "any" is the pseudo-type "any". It panics on a typo: the table is
// static and checked by tests.
func parseSig(sig string) (name string, args []*types.T, variadic *types.T, ret *types.T, setof bool) {
	open := strings.IndexByte(sig, '(')
	close := strings.LastIndexByte(sig, ')')
	name = sig[:open]
	if inner := strings.TrimSpace(sig[open+1 : close]); inner != "" {
		for _, a := range strings.Split(inner, ",") {
			a = strings.TrimSpace(a)
			if rest, ok := strings.CutPrefix(a, "VARIADIC "); ok {
				t := mustType(rest)
				args = append(args, t)
				if t.Elem != nil {
					variadic = t.Elem
				} else {
					variadic = t
				}
				continue
			}
			args = append(args, mustType(a))
		}
	}
	r := strings.TrimSpace(sig[close+1:])
	if rest, ok := strings.CutPrefix(r, "setof "); ok {
		setof = true
		r = rest
	}
	ret = mustType(r)
	return
}

func mustType(name string) *types.T {
	if t, ok := types.ByTypname(name); ok {
		return t
	}
	if t, ok := types.ByName(name); ok {
		return t
	}
	panic("funcs: unknown type " + name)
}

// proc registers a normal function. mode is the volatility letter
// (i, s, v) followed by "s" when the function is strict: "is" is
// immutable and strict, "s" stable and not strict.
func proc(oid base.OID, mode, sig, src string, impl Impl) *Func {
	f := newFunc(oid, mode, sig, src, KindNormal)
	f.Impl = impl
	return f
}

// srf registers a set-returning function.
func srf(oid base.OID, mode, sig, src string, impl SRF) *Func {
	f := newFunc(oid, mode, sig, src, KindNormal)
	f.SRF = impl
	return f
}

func newFunc(oid base.OID, mode, sig, src string, kind Kind) *Func {
	name, args, variadic, ret, setof := parseSig(sig)
	return register(&Func{OID: oid, Name: name, Args: args, Variadic: variadic, Ret: ret, RetSet: setof,
		Strict: len(mode) > 1 && mode[1] == 's', Volatility: Volatility(mode[0]), Kind: kind, Src: src})
}

// --- errors shared by many functions ---

func errInternal(format string, args ...any) error {
	return pgerr.New(pgerr.InternalError, format, args...)
}

func errParam(format string, args ...any) error {
	return pgerr.New(pgerr.InvalidParameterValue, format, args...)
}

func errRange(format string, args ...any) error {
	return pgerr.New(pgerr.NumericValueOutOfRange, format, args...)
}

var (
	errIntRange    = func() error { return errRange("integer out of range") }
	errBigintRange = func() error { return errRange("bigint out of range") }
)

func errTooLarge() error {
	return pgerr.New(pgerr.ProgramLimitExceeded, "requested length too large")
}

// SQLSignature renders the function as PostgreSQL's
// pg_get_function_identity_arguments does, with argument names:
// "make_date(year integer, month integer, day integer)".
func (f *Func) SQLSignature() string {
	var b strings.Builder
	b.WriteString(f.Name)
	b.WriteByte('(')
	for i, a := range f.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		if f.Variadic != nil && i == len(f.Args)-1 {
			b.WriteString("VARIADIC ")
		}
		if i < len(f.ArgNames) && f.ArgNames[i] != "" {
			b.WriteString(f.ArgNames[i] + " ")
		}
		b.WriteString(sqlTypeName(a))
	}
	b.WriteByte(')')
	return b.String()
}
