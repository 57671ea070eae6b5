package types

import (
	"strings"

	"github.com/tuskdb/tusk/internal/base"
)

// T describes one SQL type, as a row of PostgreSQL's pg_type (T1).
type T struct {
	OID       base.OID
	Name      string // pg_type.typname, e.g. "int4"
	Len       int16  // typlen: >0 fixed length, -1 varlena, -2 cstring
	ByVal     bool   // typbyval
	Align     byte   // typalign: 'c', 's', 'i', 'd'
	Category  byte   // typcategory: 'A' array, 'B' boolean, 'D' date/time, 'N' numeric, 'S' string, 'T' timespan, 'U' user, 'P' pseudo, 'X' unknown, 'Z' internal
	Preferred bool   // typispreferred
	Elem      *T     // element type of an array type; nil otherwise (T2)
	ArrayOID  base.OID
	Pseudo    bool // typtype = 'p'
}

// String returns the SQL name as format_type prints it without a typmod.
func (t *T) String() string { return FormatType(t, -1) }

// IsArray reports whether t is an array type (T2).
func (t *T) IsArray() bool { return t != nil && t.Elem != nil }

// Array returns the array type whose elements are t, or nil.
func (t *T) Array() *T {
	if t == nil || t.ArrayOID == 0 {
		return nil
	}
	a, _ := ByOID(t.ArrayOID)
	return a
}

// IsPolymorphic reports whether t is one of the polymorphic pseudo-types
// (anyelement, anyarray, anycompatible, ...).
func (t *T) IsPolymorphic() bool {
	switch t.OID {
	case AnyElement.OID, AnyArray.OID, AnyNonArray.OID, AnyEnum.OID,
		AnyCompatible.OID, AnyCompatibleArray.OID, AnyCompatibleNonArray.OID:
		return true
	}
	return false
}

var (
	byOID  = map[base.OID]*T{}
	byName = map[string]*T{}
)

func register(t *T) *T {
	byOID[t.OID] = t
	byName[t.Name] = t
	return t
}

// arrayOf registers the array type named "_"+elem.Name with the given OID
// (typlen -1, category 'A', alignment 'd' for double-aligned elements).
func arrayOf(oid base.OID, elem *T) *T {
	align := byte('i')
	if elem.Align == 'd' {
		align = 'd'
	}
	cat := byte('A')
	if elem.Pseudo {
		cat = 'P'
	}
	elem.ArrayOID = oid
	return register(&T{OID: oid, Name: "_" + elem.Name, Len: -1, Align: align, Category: cat, Elem: elem})
}

// ByOID returns the built-in type with the given OID.
func ByOID(oid base.OID) (*T, bool) {
	t, ok := byOID[oid]
	return t, ok
}

// ByName resolves a type name as the SQL grammar spells it: the pg_type
// name ("int4", "_int4"), the SQL standard and PostgreSQL aliases
// ("integer", "int", "bigint", "double precision", "character varying",
// "timestamp with time zone", "decimal", ...) and the "[]" suffix for an
// array. Names are matched case-insensitively with runs of blanks folded.
// serial/bigserial/smallserial are left to the caller (they imply a
// sequence).
func ByName(name string) (*T, bool) {
	n := strings.ToLower(strings.Join(strings.Fields(name), " "))
	if strings.HasSuffix(n, "[]") {
		e, ok := ByName(strings.TrimSpace(strings.TrimSuffix(n, "[]")))
		if !ok {
			return nil, false
		}
		if e.IsArray() {
			return e, true // PG treats int[][] as int[]
		}
		a := e.Array()
		return a, a != nil
	}
	if t, ok := aliases[n]; ok {
		return t, true
	}
	if t, ok := byName[n]; ok {
		return t, true
	}
	if strings.HasPrefix(n, `"`) && strings.HasSuffix(n, `"`) && len(n) >= 2 {
		t, ok := byName[n[1:len(n)-1]]
		return t, ok
	}
	return nil, false
}

// ByTypname returns the built-in type whose pg_type.typname is name
// exactly ("int4", "_text", "char" is the one-byte "char" type).
func ByTypname(name string) (*T, bool) {
	t, ok := byName[name]
	return t, ok
}

// All returns every built-in type, ordered by OID.
func All() []*T {
	out := make([]*T, 0, len(byOID))
	for _, t := range byOID {
		out = append(out, t)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].OID < out[j-1].OID; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
