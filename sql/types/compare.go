package types

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/base"
)

// Compare orders two non-NULL datums of type t as PostgreSQL's btree
// comparison function for the type does (C1): NaN sorts above every
// other float and numeric; text compares bytewise (C collation);
// character(n) ignores trailing blanks; intervals compare as a total
// span with 30-day months; arrays compare element by element with NULL
// above everything, then by size and dimensions.
func Compare(t *T, a, b Datum) int {
	switch x := a.(type) {
	case bool:
		y, _ := b.(bool)
		switch {
		case x == y:
			return 0
		case x:
			return 1
		}
		return -1
	case int64:
		y, _ := b.(int64)
		if t.OID == Oid.OID || t.OID == Xid.OID || t.OID == Cid.OID || isRegType(t) {
			return cmp64u(uint32(x), uint32(y))
		}
		return cmp64(x, y)
	case float64:
		y, _ := b.(float64)
		return compareFloat(x, y)
	case *apd.Decimal:
		y, _ := b.(*apd.Decimal)
		if y == nil {
			return 1
		}
		return compareNumeric(x, y)
	case string:
		y, _ := b.(string)
		switch t.OID {
		case Bpchar.OID:
			return strings.Compare(bpcharTrim(x), bpcharTrim(y))
		case Inet.OID:
			return compareInet(x, y) // inet.go
		case JSONB.OID:
			jx, err1 := parseJSON(x, true)
			jy, err2 := parseJSON(y, true)
			if err1 == nil && err2 == nil {
				return compareJSONB(jx, jy)
			}
		}
		return strings.Compare(x, y)
	case []byte:
		y, _ := b.([]byte)
		return bytes.Compare(x, y)
	case DateVal:
		y, _ := b.(DateVal)
		return cmp64(int64(x), int64(y))
	case TimeVal:
		y, _ := b.(TimeVal)
		return cmp64(int64(x), int64(y))
	case TimestampVal:
		y, _ := b.(TimestampVal)
		return cmp64(int64(x), int64(y))
	case IntervalVal:
		y, _ := b.(IntervalVal)
		dx, ux := intervalSpan(x)
		dy, uy := intervalSpan(y)
		if c := cmp64(dx, dy); c != 0 {
			return c
		}
		return cmp64(ux, uy)
	case UUIDVal:
		y, _ := b.(UUIDVal)
		return bytes.Compare(x[:], y[:])
	case base.ItemPointer:
		y, _ := b.(base.ItemPointer)
		switch {
		case x == y:
			return 0
		case x.Less(y):
			return -1
		}
		return 1
	case *Array:
		y, _ := b.(*Array)
		if y == nil {
			return 1
		}
		return compareArrays(x, y)
	}
	return 0
}

// Equal reports whether two non-NULL datums of type t are equal under
// Compare.
func Equal(t *T, a, b Datum) bool { return Compare(t, a, b) == 0 }

func isRegType(t *T) bool {
	switch t.OID {
	case Regproc.OID, Regprocedure.OID, Regoper.OID, Regoperator.OID, Regclass.OID, Regtype.OID,
		Regnamespace.OID, Regrole.OID:
		return true
	}
	return false
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmp64u(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareFloat mirrors float8_cmp_internal: NaN equals NaN and sorts
// above everything; -0 equals 0.
func compareFloat(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareNumeric mirrors cmp_numerics: NaN > +Infinity > finite >
// -Infinity, NaN equals NaN.
func compareNumeric(a, b *apd.Decimal) int {
	rank := func(d *apd.Decimal) int {
		switch d.Form {
		case apd.NaN, apd.NaNSignaling:
			return 3
		case apd.Infinite:
			if d.Negative {
				return 0
			}
			return 2
		}
		return 1
	}
	ra, rb := rank(a), rank(b)
	if ra != rb || ra != 1 {
		return cmpInt(ra, rb)
	}
	return a.Cmp(b)
}

// intervalSpan returns an interval as (days, micros) with micros in
// [0, 1 day), treating a month as 30 days: interval_cmp_value (C2).
func intervalSpan(iv IntervalVal) (days, micros int64) {
	days = int64(iv.Months)*daysPerMonth + int64(iv.Days)
	extra := floorDiv64(iv.Micros, usecsPerDay)
	return days + extra, iv.Micros - extra*usecsPerDay
}

// compareArrays mirrors array_cmp.
func compareArrays(a, b *Array) int {
	n := min(len(a.Elems), len(b.Elems))
	for i := 0; i < n; i++ {
		x, y := a.Elems[i], b.Elems[i]
		switch {
		case x == nil && y == nil:
			continue
		case x == nil:
			return 1
		case y == nil:
			return -1
		}
		if c := Compare(a.Elem, x, y); c != 0 {
			return c
		}
	}
	if c := cmpInt(len(a.Elems), len(b.Elems)); c != 0 {
		return c
	}
	if c := cmpInt(len(a.Dims), len(b.Dims)); c != 0 {
		return c
	}
	for i := range a.Dims {
		if c := cmp64(int64(a.Dims[i]), int64(b.Dims[i])); c != 0 {
			return c
		}
	}
	for i := range a.LBounds {
		if i < len(b.LBounds) {
			if c := cmp64(int64(a.LBounds[i]), int64(b.LBounds[i])); c != 0 {
				return c
			}
		}
	}
	return 0
}

// Hash returns a 64-bit hash of a non-NULL datum such that datums equal
// under Compare hash equal (H1). int2, int4 and int8 values hash alike
// when equal, so cross-type integer joins can hash; float4 and float8
// likewise.
func Hash(t *T, d Datum) uint64 {
	h := fnv.New64a()
	hashInto(h, t, d)
	return h.Sum64()
}

type hasher interface {
	Write([]byte) (int, error)
}

func hashU64(h hasher, v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	h.Write(b[:])
}

func hashInto(h hasher, t *T, d Datum) {
	switch x := d.(type) {
	case nil:
		h.Write([]byte{0xff, 0})
	case bool:
		if x {
			hashU64(h, 1)
		} else {
			hashU64(h, 0)
		}
	case int64:
		if t.OID == Oid.OID || t.OID == Xid.OID || t.OID == Cid.OID || isRegType(t) {
			x = int64(uint32(x))
		}
		hashU64(h, uint64(x))
	case float64:
		switch {
		case x == 0:
			x = 0 // -0 hashes as 0
		case math.IsNaN(x):
			x = math.NaN()
		}
		hashU64(h, math.Float64bits(x))
	case *apd.Decimal:
		h.Write([]byte(numericReduced(x)))
	case string:
		switch t.OID {
		case Bpchar.OID:
			x = bpcharTrim(x)
		case JSONB.OID:
			if v, err := parseJSON(x, true); err == nil {
				x = string(appendJSONBCanonical(nil, v))
			}
		}
		h.Write([]byte(x))
	case []byte:
		h.Write(x)
	case DateVal:
		hashU64(h, uint64(x))
	case TimeVal:
		hashU64(h, uint64(x))
	case TimestampVal:
		hashU64(h, uint64(x))
	case IntervalVal:
		days, us := intervalSpan(x)
		hashU64(h, uint64(days))
		hashU64(h, uint64(us))
	case UUIDVal:
		h.Write(x[:])
	case base.ItemPointer:
		hashU64(h, uint64(x.Block)<<16|uint64(x.Offset))
	case *Array:
		hashU64(h, uint64(len(x.Dims)))
		for i := range x.Dims {
			hashU64(h, uint64(x.Dims[i]))
			hashU64(h, uint64(x.LBounds[i]))
		}
		for _, e := range x.Elems {
			hashU64(h, Hash(x.Elem, e))
		}
	}
}
