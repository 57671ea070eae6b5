package exec

import (
	"math/bits"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// dynamicType returns a type whose Compare and Hash fit datum d by its Go
// type, for comparing whole rows whose column types the node does not
// know (SetOp, Unique without keys, RecursiveUnion). Equality under it
// agrees with the column type's equality for every type Tusk stores
// canonically (bpchar values of one column carry the same padding, jsonb
// is kept in canonical text).
func dynamicType(d types.Datum) *types.T {
	switch x := d.(type) {
	case bool:
		return types.Bool
	case int64:
		return types.Int8
	case float64:
		return types.Float8
	case *apd.Decimal:
		return types.Numeric
	case string:
		return types.Text
	case []byte:
		return types.Bytea
	case types.DateVal:
		return types.Date
	case types.TimeVal:
		return types.Time
	case types.TimestampVal:
		return types.Timestamp
	case types.IntervalVal:
		return types.Interval
	case types.UUIDVal:
		return types.UUID
	case base.ItemPointer:
		return types.Tid
	case *types.Array:
		if a := x.Elem.Array(); a != nil {
			return a
		}
		return types.AnyArray
	}
	return types.Text
}

// datumEqual compares two datums for grouping: NULL equals NULL (X11),
// otherwise types.Equal under t, or under the datums' dynamic type when t
// is nil.
func datumEqual(t *types.T, a, b types.Datum) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if t == nil {
		t = dynamicType(a)
		if dynamicType(b) != t {
			return false
		}
	}
	return types.Equal(t, a, b)
}

// datumHash hashes a datum consistently with datumEqual.
func datumHash(t *types.T, d types.Datum) uint64 {
	if d == nil {
		return 0x9e3779b97f4a7c15
	}
	if t == nil {
		t = dynamicType(d)
	}
	// Integers and text hash here as types.Hash does (FNV-1a of the same
	// bytes), without its hasher's allocations.
	switch x := d.(type) {
	case int64:
		if t.OID == types.Int8.OID || t.OID == types.Int4.OID || t.OID == types.Int2.OID {
			h := uint64(fnvOffset)
			for i := 0; i < 8; i++ {
				h = (h ^ uint64(byte(x>>(8*i)))) * fnvPrime
			}
			return h
		}
	case string:
		if t.OID == types.Text.OID || t.OID == types.Varchar.OID {
			h := uint64(fnvOffset)
			for i := 0; i < len(x); i++ {
				h = (h ^ uint64(x[i])) * fnvPrime
			}
			return h
		}
	}
	return types.Hash(t, d)
}

// FNV-1a's 64-bit parameters (hash/fnv).
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// keysHash combines the hashes of a key tuple; ts may be nil or hold nil
// entries for dynamic typing.
func keysHash(ts []*types.T, keys []types.Datum) uint64 {
	h := uint64(len(keys))
	for i, d := range keys {
		var t *types.T
		if i < len(ts) {
			t = ts[i]
		}
		h = bits.RotateLeft64(h, 5) ^ datumHash(t, d)
		h *= 0x100000001b3
	}
	return fmix64(h)
}

// keysEqual compares key tuples with datumEqual.
func keysEqual(ts []*types.T, a, b []types.Datum) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		var t *types.T
		if i < len(ts) {
			t = ts[i]
		}
		if !datumEqual(t, a[i], b[i]) {
			return false
		}
	}
	return true
}

// fmix64 is MurmurHash3's finalizer: it spreads every input bit over the
// output, so low bits can select partitions.
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// rehash derives an independent hash for partitioning level depth, so a
// spilled partition splits again at the next level.
func rehash(h uint64, depth int) uint64 {
	return fmix64(h ^ uint64(depth+1)*0x9e3779b97f4a7c15)
}

// exprTypes returns the result types of exprs.
func exprTypes(es []analyze.Expr) []*types.T {
	out := make([]*types.T, len(es))
	for i, e := range es {
		out[i] = e.Type()
	}
	return out
}

// Memory accounting (X10): a rough count of the bytes a datum holds, as
// PostgreSQL counts tuple sizes against work_mem.
const (
	rowOverhead   = 48 // Row header, slice header
	datumOverhead = 16 // interface value
)

func datumSize(d types.Datum) int64 {
	switch x := d.(type) {
	case nil:
		return datumOverhead
	case string:
		return datumOverhead + 16 + int64(len(x))
	case []byte:
		return datumOverhead + 24 + int64(len(x))
	case *apd.Decimal:
		return datumOverhead + 48 + int64(x.Coeff.BitLen()/8)
	case types.IntervalVal, types.UUIDVal:
		return datumOverhead + 16
	case *types.Array:
		n := int64(datumOverhead + 96)
		for _, e := range x.Elems {
			n += datumSize(e)
		}
		return n
	}
	return datumOverhead + 8
}

func datumsSize(ds []types.Datum) int64 {
	n := int64(24)
	for _, d := range ds {
		n += datumSize(d)
	}
	return n
}

func rowSize(r *Row) int64 { return rowOverhead + datumsSize(r.Vals) }

// hashTable maps key tuples to entries, keeping insertion order (hash
// aggregation, Unique, SetOp and the duplicate check of RecursiveUnion).
type hashTable[V any] struct {
	ts      []*types.T
	buckets map[uint64][]int32
	keys    [][]types.Datum
	vals    []V
}

func newHashTable[V any](ts []*types.T) *hashTable[V] {
	return &hashTable[V]{ts: ts, buckets: map[uint64][]int32{}}
}

// find returns the index of key, or -1.
func (t *hashTable[V]) find(h uint64, key []types.Datum) int {
	for _, i := range t.buckets[h] {
		if keysEqual(t.ts, t.keys[i], key) {
			return int(i)
		}
	}
	return -1
}

// insert adds key (not present) and returns its index.
func (t *hashTable[V]) insert(h uint64, key []types.Datum, v V) int {
	i := len(t.keys)
	t.keys = append(t.keys, key)
	t.vals = append(t.vals, v)
	t.buckets[h] = append(t.buckets[h], int32(i))
	return i
}

func (t *hashTable[V]) len() int { return len(t.keys) }
