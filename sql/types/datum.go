package types

import (
	"math"
)

// Datum is one SQL value (D1). nil is NULL; otherwise the Go type depends
// on the SQL type (the date/time and uuid datum types carry a Val suffix
// because Date, Time, Timestamp, Interval and UUID name the *T values):
//
//	bool                                       bool
//	int2, int4, int8, oid, xid, cid, reg*      int64
//	float4, float8                             float64
//	numeric                                    *apd.Decimal (D2)
//	text, varchar, bpchar, name, "char",
//	json, jsonb, unknown, cstring, void        string (D3; void is "")
//	inet                                       string (inet_out's form, inet.go)
//	bytea                                      []byte
//	date                                       DateVal
//	time                                       TimeVal
//	timestamp, timestamptz                     TimestampVal
//	interval                                   IntervalVal
//	uuid                                       UUIDVal
//	tid                                        base.ItemPointer
//	arrays                                     *Array
type Datum = any

// DateVal is a date: days since 2000-01-01 (PostgreSQL's DateADT), with
// DateNegInfinity and DatePosInfinity for -infinity and infinity.
type DateVal int32

// Date infinities, as DATEVAL_NOBEGIN and DATEVAL_NOEND.
const (
	DateNegInfinity DateVal = math.MinInt32
	DatePosInfinity DateVal = math.MaxInt32
)

// IsFinite reports whether d is neither infinity.
func (d DateVal) IsFinite() bool { return d != DateNegInfinity && d != DatePosInfinity }

// TimeVal is a time of day in microseconds since midnight, 0..86400000000
// (24:00:00 is allowed, as in PostgreSQL's TimeADT).
type TimeVal int64

// TimestampVal is microseconds since 2000-01-01 00:00:00 (UTC for
// timestamptz), PostgreSQL's Timestamp, with TimestampNegInfinity and
// TimestampPosInfinity.
type TimestampVal int64

// Timestamp infinities, as DT_NOBEGIN and DT_NOEND.
const (
	TimestampNegInfinity TimestampVal = math.MinInt64
	TimestampPosInfinity TimestampVal = math.MaxInt64
)

// IsFinite reports whether t is neither infinity.
func (t TimestampVal) IsFinite() bool {
	return t != TimestampNegInfinity && t != TimestampPosInfinity
}

// IntervalVal is PostgreSQL's Interval: months, days and microseconds are
// kept apart because their lengths vary (a month is not always 30 days).
type IntervalVal struct {
	Months int32
	Days   int32
	Micros int64
}

// UUIDVal is a UUID's 16 bytes.
type UUIDVal [16]byte

// Array is an array value (D4): Elems holds the elements in row-major
// order; Dims and LBounds give each dimension's length and lower bound.
// An empty array has no dimensions. len(Elems) is the product of Dims.
type Array struct {
	Elem    *T
	Elems   []Datum
	Dims    []int32
	LBounds []int32
}

// NewArray builds a one-dimensional array with lower bound 1, or an empty
// array when elems is empty.
func NewArray(elem *T, elems []Datum) *Array {
	if len(elems) == 0 {
		return &Array{Elem: elem}
	}
	return &Array{Elem: elem, Elems: elems, Dims: []int32{int32(len(elems))}, LBounds: []int32{1}}
}

// NDims returns the number of dimensions (0 for an empty array).
func (a *Array) NDims() int { return len(a.Dims) }
