package types

import "github.com/tuskdb/tusk/internal/pgerr"

// StringDataRightTruncation is SQLSTATE 22001 (string_data_right_truncation,
// the error). pgerr's generated table names only the 01004 warning of the
// same name, so the code is spelled out here.
const StringDataRightTruncation pgerr.Code = "22001"

// errSyntax is PostgreSQL's "invalid input syntax for type %s" (22P02).
func errSyntax(typ, s string) error {
	return pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", typ, s)
}

// errValueRange is "value \"%s\" is out of range for type %s" (22003), the
// integer input functions' overflow error.
func errValueRange(s, typ string) error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "value \"%s\" is out of range for type %s", s, typ)
}

var (
	errIntOutOfRange      = pgerr.New(pgerr.NumericValueOutOfRange, "integer out of range")
	errSmallintOutOfRange = pgerr.New(pgerr.NumericValueOutOfRange, "smallint out of range")
	errBigintOutOfRange   = pgerr.New(pgerr.NumericValueOutOfRange, "bigint out of range")
	errOidOutOfRange      = pgerr.New(pgerr.NumericValueOutOfRange, "OID out of range")
	errDivByZero          = pgerr.New(pgerr.DivisionByZero, "division by zero")
)

// fresh copies a shared error value so callers can decorate it (position).
func fresh(e *pgerr.Error) error {
	c := *e
	return &c
}

func corrupt(t *T, format string, args ...any) error {
	e := pgerr.New(pgerr.DataCorrupted, format, args...)
	e.Message = "invalid stored " + t.Name + " datum: " + e.Message
	return e
}
