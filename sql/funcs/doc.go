// Package funcs is Tusk's catalog of built-in functions, aggregates and
// window functions: the part of PostgreSQL 15's pg_proc (and
// pg_aggregate) that the SQL engine uses, each row with a Go
// implementation. It owns function metadata and behavior; overload
// resolution, coercion of arguments, GREATEST/LEAST/COALESCE/NULLIF and
// the CURRENT_DATE family of keywords belong to the analyzer.
//
// Registry:
//
//	Lookup(name) []*Func          the overloads named name (lower case), for overload resolution
//	ByOID(oid) (*Func, bool)      by pg_proc OID (PostgreSQL's OIDs)
//	All() []*Func                 every function, by name then OID
//	ResolveReturn(f, argTypes)    the result type of a polymorphic call (a helper; the analyzer decides)
//
// A Func is a pg_proc row: OID, Name, Args (declared types, with the
// pseudo-types anyelement/anyarray/anycompatible... and "any"),
// ArgNames, Variadic, Defaults, Ret, RetSet, Strict, Volatility, Kind
// ('f' normal, 'a' aggregate, 'w' window), Src (the C function
// mirrored), and exactly one implementation:
//
//	Impl    func(ctx *FuncContext, args []types.Datum) (types.Datum, error)      normal functions
//	SRF     func(ctx, args) (next func() (types.Datum, bool, error), error)     set-returning functions
//	Agg     *Agg{Init, Trans, Final, Combine, StrictTrans, TransType, SortOp}   aggregates (pg_aggregate)
//	Window  *WindowFunc{Eval(ctx, WindowObject, *state)}                        window functions
//
// Safe entry points that check arguments first: (*Func).Call,
// (*Func).CallSRF, (*Func).NewAgg (AggRun.Add/Merge/Result) and
// (*Func).EvalPartition over a Partition (a ready WindowObject).
//
// FuncContext carries what a call needs besides arguments: the session
// (time zone, transaction start for now()), the statement start and
// wall clock, an injectable random source, the current schema and
// database, and the resolved argument and result types of polymorphic
// calls.
//
// The rules callers and implementations keep (strict functions are
// never called with NULL arguments, variadic and default arguments,
// aggregate and window state) are numbered F1-F13 and W1-W3 in
// README.md. testdata/cases.txt records PostgreSQL 15's answers for
// each function (TUSK_FUNCS_ORACLE=rewrite regenerates them from a live
// server, TUSK_FUNCS_ORACLE=1 compares); TestOracleCatalog compares the
// metadata with pg_proc.
package funcs
