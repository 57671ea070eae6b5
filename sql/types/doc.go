// Package types is Tusk's SQL type system: the built-in types with
// PostgreSQL 15's OIDs, their datums, and the per-type functions
// PostgreSQL keeps in pg_type, pg_cast and pg_operator — input and output,
// comparison and hashing, on-disk encoding, casts and operators. It
// imports only internal/base and internal/pgerr.
//
// # Types
//
// A *T is a pg_type row (OID, typname, typlen, typbyval, typalign,
// typcategory, typispreferred, element and array types). The built-in
// types are package variables named after the SQL type (Int4, Text,
// Numeric, Timestamptz, JSONB, Int4Array, AnyElement, ...). ByOID finds a
// type by OID, ByTypname by pg_type name, ByName by any SQL spelling
// ("integer", "character varying", "timestamp with time zone", "int[]").
// A typmod is PostgreSQL's int32 modifier (-1 for none): CharTypmod,
// NumericTypmod, IntervalTypmod build one, TypmodIn validates the
// grammar's modifier list, and FormatType prints a type exactly as
// format_type does ("character varying(10)", "numeric(10,2)", "text[]").
//
// # Datums
//
// A Datum is a Go value whose dynamic type depends on the SQL type (see
// Datum); nil is NULL. Datum values are immutable once built: functions
// never modify their arguments, so datums may be shared (D5).
//
// # Functions
//
//   - Parse and Format are the input and output functions, with
//     PostgreSQL's syntax, messages and SQLSTATEs (DateStyle ISO/MDY,
//     IntervalStyle postgres, extra_float_digits 1, bytea_output hex).
//   - Compare, Equal and Hash follow the btree and hash operator classes.
//   - Encode and Decode are the compact on-disk form; Decode rejects
//     corrupt bytes with pgerr.DataCorrupted and never panics.
//   - CastContext and Cast follow pg_cast and find_coercion_pathway;
//     ApplyTypmod is the length coercion (varchar(n), numeric(p,s), ...).
//   - Operators lists pg_operator rows with implementations; the
//     analyzer resolves operators with OperatorsNamed / LookupOperator.
//     Arithmetic helpers (IntAdd, NumericDiv, TimestampAddInterval, ...)
//     apply PostgreSQL's overflow checks and scale rules.
//
// Functions that depend on session settings — the TimeZone and the
// transaction start time read by 'now' and 'today' — are methods of
// *Session; the package-level functions use the UTC session with the
// wall clock.
//
// See README.md for the invariants (D1..., I1..., K1...) that comments
// cite.
package types
