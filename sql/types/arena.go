package types

import (
	"encoding/binary"
	"unicode/utf8"
	"unsafe"
)

// Arena boxes decoded values for a scan in slabs (D5): storing an int64
// or a string in a Datum (an interface) allocates the value on its own,
// one allocation per column of every row; an Arena places the values in
// shared slabs instead, one allocation per many values. The Datums it
// returns are ordinary: they compare, hash and convert like any other,
// and stay valid as long as they are referenced (a slab is never reused:
// a full one is replaced, not cleared). An Arena is for one goroutine;
// its zero value is ready.
type Arena struct {
	ints  []int64
	strs  []string
	bytes []byte
}

const (
	arenaInts  = 256
	arenaStrs  = 128
	arenaBytes = 4096
)

// eface is the layout of an interface{} value (the runtime's eface).
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

func typeOf(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

var (
	int64Type  = typeOf(int64(0))
	stringType = typeOf("")
)

// Int64 returns v as a Datum. Small non-negative values need no slab (the
// runtime keeps them boxed already).
func (a *Arena) Int64(v int64) Datum {
	if v >= 0 && v < 256 {
		return v
	}
	if len(a.ints) == cap(a.ints) {
		a.ints = make([]int64, 0, arenaInts)
	}
	a.ints = append(a.ints, v)
	var d Datum
	*(*eface)(unsafe.Pointer(&d)) = eface{typ: int64Type, data: unsafe.Pointer(&a.ints[len(a.ints)-1])}
	return d
}

// String returns a copy of b as a string Datum.
func (a *Arena) String(b []byte) Datum {
	if len(a.strs) == cap(a.strs) {
		a.strs = make([]string, 0, arenaStrs)
	}
	var s string
	switch {
	case len(b) == 0:
	case len(b) > arenaBytes/8:
		s = string(b) // a long value gets its own allocation
	default:
		if cap(a.bytes)-len(a.bytes) < len(b) {
			a.bytes = make([]byte, 0, arenaBytes)
		}
		start := len(a.bytes)
		a.bytes = append(a.bytes, b...)
		s = unsafe.String(&a.bytes[start], len(b))
	}
	a.strs = append(a.strs, s)
	var d Datum
	*(*eface)(unsafe.Pointer(&d)) = eface{typ: stringType, data: unsafe.Pointer(&a.strs[len(a.strs)-1])}
	return d
}

// Decode is Decode placing integers and text in the arena; other types
// decode as Decode does. a may be nil (plain Decode).
func (a *Arena) Decode(t *T, b []byte) (Datum, error) {
	if a == nil {
		return Decode(t, b)
	}
	switch t.OID {
	case Int4.OID:
		if len(b) == 4 {
			return a.Int64(int64(int32(binary.LittleEndian.Uint32(b)))), nil
		}
	case Int8.OID:
		if len(b) == 8 {
			return a.Int64(int64(binary.LittleEndian.Uint64(b))), nil
		}
	case Int2.OID:
		if len(b) == 2 {
			return a.Int64(int64(int16(binary.LittleEndian.Uint16(b)))), nil
		}
	case Text.OID, Varchar.OID, Bpchar.OID:
		if utf8.Valid(b) {
			return a.String(b), nil
		}
	}
	return Decode(t, b) // every other type, and the errors
}
