package btree

import (
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// MaxColumns is the most columns (key and INCLUDE) an index may have
// (PostgreSQL's INDEX_MAX_KEYS).
const MaxColumns = 32

// KeyCol orders one key column of an index (one entry of PostgreSQL's
// index scan keys: the opclass comparison proc plus the SK_BT_DESC and
// SK_BT_NULLS_FIRST flags).
type KeyCol struct {
	// Name is the column name, used in error details.
	Name string
	// Compare orders two non-NULL values (raw attribute bytes): negative,
	// zero or positive as PostgreSQL's btree support function 1. It must be
	// a total order, must not retain its arguments, and must not panic on
	// malformed bytes (a corrupted page can hand it any bytes; BT12).
	Compare func(a, b []byte) int
	// Desc reverses the order of non-NULL values (DESC).
	Desc bool
	// NullsFirst puts NULLs before every non-NULL value in index order;
	// otherwise they come after (BT6). It is independent of Desc, as in
	// PostgreSQL, where DESC merely defaults to NULLS FIRST: the SQL layer
	// sets it.
	NullsFirst bool
}

// Desc describes an index: its key columns, in order, and how many
// INCLUDE columns follow them in leaf tuples.
type Desc struct {
	// Name is the index name, used in error messages.
	Name string
	// Table is the indexed table's name, used in error details.
	Table string
	// Keys are the key columns; at least one.
	Keys []KeyCol
	// NInclude is the number of INCLUDE (non-key payload) columns. Their
	// values are stored in leaf tuples only, after the key columns, and
	// never compared.
	NInclude int
}

func (d *Desc) validate() error {
	if len(d.Keys) == 0 {
		return pgerr.New(pgerr.InvalidParameterValue, "index %q must have at least one key column", d.Name)
	}
	if d.NInclude < 0 || len(d.Keys)+d.NInclude > MaxColumns {
		return pgerr.New(pgerr.TooManyColumns, "cannot use more than %d columns in an index", MaxColumns)
	}
	for i, k := range d.Keys {
		if k.Compare == nil {
			return pgerr.New(pgerr.InvalidParameterValue, "key column %d of index %q has no comparison function", i+1, d.Name)
		}
	}
	return nil
}

// cmpCol orders two values of key column i in index order: NULLs at the
// start or the end as NullsFirst says, non-NULL values by Compare,
// reversed for Desc (BT6). Mirrors the per-attribute step of _bt_compare.
func (d *Desc) cmpCol(i int, a, b []byte) int {
	k := &d.Keys[i]
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		if k.NullsFirst {
			return -1
		}
		return 1
	case b == nil:
		if k.NullsFirst {
			return 1
		}
		return -1
	}
	c := k.Compare(a, b)
	switch {
	case c < 0:
		c = -1
	case c > 0:
		c = 1
	}
	if k.Desc {
		c = -c
	}
	return c
}

// cmpPrefix compares the first len(b) key columns of vals with b (a scan
// bound); vals must have at least len(b) values.
func (d *Desc) cmpPrefix(vals, b [][]byte) int {
	for i := range b {
		if c := d.cmpCol(i, vals[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

// cmpTID orders heap TIDs, the implicit last key column (BT5).
func cmpTID(a, b base.ItemPointer) int {
	switch {
	case a == b:
		return 0
	case a.Less(b):
		return -1
	}
	return 1
}

// scanKey is a position in the key space (PostgreSQL's BTScanInsert):
// values of a prefix of the key columns, perhaps followed by a heap TID;
// the columns it lacks (and the TID) stand for minus infinity (fill < 0) or
// plus infinity (fill > 0). Pivot tuples whose attributes were truncated
// are treated the same way, with minus infinity (BT4).
type scanKey struct {
	vals   [][]byte
	tid    base.ItemPointer
	hasTID bool // only with len(vals) == nkeys
	fill   int  // -1 or +1
}

// compareKey compares sk with a tuple's key: its values (len(tvals) <=
// nkeys, truncated attributes being minus infinity) and its heap TID if it
// has one; mirrors _bt_compare. A positive result means sk sorts after the
// tuple.
func (d *Desc) compareKey(sk *scanKey, tvals [][]byte, thasTID bool, ttid base.ItemPointer) int {
	n := min(len(sk.vals), len(tvals))
	for i := 0; i < n; i++ {
		if c := d.cmpCol(i, sk.vals[i], tvals[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(sk.vals) < len(tvals):
		return sk.fill // sk's missing column vs a real value
	case len(tvals) < len(sk.vals):
		return 1 // a truncated column is minus infinity
	case len(sk.vals) < len(d.Keys):
		// Both end at the same column: the rest is missing on both sides.
		if sk.fill > 0 {
			return 1
		}
		return 0
	}
	switch {
	case sk.hasTID && thasTID:
		return cmpTID(sk.tid, ttid)
	case sk.hasTID:
		return 1 // a pivot without a heap TID: minus infinity
	case thasTID:
		return sk.fill
	case sk.fill > 0:
		return 1
	}
	return 0
}
