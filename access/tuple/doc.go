// Package tuple encodes a row's attribute values into the payload bytes
// that an access method stores after its own header (heap_form_tuple and
// heap_deform_tuple in PostgreSQL).
//
// Format of a payload:
//
//	uvarint natts | null bitmap, ceil(natts/8) bytes, bit set = NOT NULL |
//	for each non-null attribute: uvarint length | bytes
//
// The values are already the binary forms of their types (types.Encode);
// this package never interprets them.
//
// Invariants:
//
//	U1: Deform of any byte string returns values or a DataCorrupted error,
//	    never a panic, and never reads outside the input.
//	U2: A payload with fewer attributes than the relation now has (a row
//	    written before ALTER TABLE ADD COLUMN) deforms with the missing
//	    attributes NULL; the caller supplies the column's missing value.
//	U3: Values returned by Deform alias the input; copy before the page
//	    they came from is unlocked.
package tuple
