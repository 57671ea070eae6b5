package types

import (
	"encoding/binary"
	"math"
	"math/big"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/base"
)

// On-disk datum encoding (E1-E4 in README.md). Fixed-length types
// (t.Len > 0) encode to exactly t.Len bytes, little-endian; varlena types
// encode to a byte string whose length the tuple layer records.

// Encode returns the on-disk form of a non-NULL datum of type t. A datum
// of the wrong Go type for t encodes as nil.
func Encode(t *T, d Datum) []byte { return AppendEncode(nil, t, d) }

// AppendEncode appends the on-disk form of d to b.
func AppendEncode(b []byte, t *T, d Datum) []byte {
	if t.OID == AnyArray.OID {
		// anyarray (pg_statistic.stavalues): the array's own element type
		// is in the encoding (its first four bytes).
		a, ok := d.(*Array)
		if !ok || a.Elem == nil {
			return b
		}
		return appendArray(b, anyArrayOf(a.Elem), a)
	}
	if t.Elem != nil && t.Len == -1 {
		a, ok := d.(*Array)
		if !ok {
			return b
		}
		return appendArray(b, t, a)
	}
	switch v := d.(type) {
	case bool:
		if v {
			return append(b, 1)
		}
		return append(b, 0)
	case int64:
		switch t.Len {
		case 2:
			return binary.LittleEndian.AppendUint16(b, uint16(v))
		case 4:
			return binary.LittleEndian.AppendUint32(b, uint32(v))
		}
		return binary.LittleEndian.AppendUint64(b, uint64(v))
	case float64:
		if t.OID == Float4.OID {
			return binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(v)))
		}
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	case *apd.Decimal:
		return appendNumeric(b, v)
	case string:
		switch t.OID {
		case Name.OID:
			var buf [NameDataLen]byte
			copy(buf[:NameDataLen-1], v)
			return append(b, buf[:]...)
		case Char.OID:
			if v == "" {
				return append(b, 0)
			}
			return append(b, v[0])
		}
		return append(b, v...)
	case []byte:
		return append(b, v...)
	case DateVal:
		return binary.LittleEndian.AppendUint32(b, uint32(v))
	case TimeVal:
		return binary.LittleEndian.AppendUint64(b, uint64(v))
	case TimestampVal:
		return binary.LittleEndian.AppendUint64(b, uint64(v))
	case IntervalVal:
		b = binary.LittleEndian.AppendUint64(b, uint64(v.Micros))
		b = binary.LittleEndian.AppendUint32(b, uint32(v.Days))
		return binary.LittleEndian.AppendUint32(b, uint32(v.Months))
	case UUIDVal:
		return append(b, v[:]...)
	case base.ItemPointer:
		b = binary.LittleEndian.AppendUint32(b, uint32(v.Block))
		return binary.LittleEndian.AppendUint16(b, uint16(v.Offset))
	}
	return b
}

// Numeric forms in the first byte of an encoded numeric (E2).
const (
	numPos    = 0
	numNeg    = 1
	numNaN    = 2
	numPosInf = 3
	numNegInf = 4
)

// appendNumeric encodes form, display scale (uvarint) and the
// coefficient's big-endian bytes.
func appendNumeric(b []byte, d *apd.Decimal) []byte {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(b, numNaN)
	case apd.Infinite:
		if d.Negative {
			return append(b, numNegInf)
		}
		return append(b, numPosInf)
	}
	d2 := d
	if d.Exponent > 0 {
		var r apd.Decimal
		if _, err := quant.Quantize(&r, d, 0); err == nil {
			d2 = &r
		}
	}
	form := byte(numPos)
	if d2.Negative && d2.Coeff.Sign() != 0 {
		form = numNeg
	}
	b = append(b, form)
	b = binary.AppendUvarint(b, uint64(NumericDScale(d2)))
	return append(b, d2.Coeff.MathBigInt().Bytes()...)
}

func appendArray(b []byte, t *T, a *Array) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(t.Elem.OID))
	b = append(b, byte(len(a.Dims)))
	for i := range a.Dims {
		b = binary.LittleEndian.AppendUint32(b, uint32(a.Dims[i]))
		b = binary.LittleEndian.AppendUint32(b, uint32(a.LBounds[i]))
	}
	n := len(a.Elems)
	bitmap := make([]byte, (n+7)/8)
	for i, e := range a.Elems {
		if e == nil {
			bitmap[i/8] |= 1 << (i % 8)
		}
	}
	b = append(b, bitmap...)
	for _, e := range a.Elems {
		if e == nil {
			continue
		}
		if t.Elem.Len > 0 {
			b = AppendEncode(b, t.Elem, e)
			continue
		}
		enc := AppendEncode(nil, t.Elem, e)
		b = binary.AppendUvarint(b, uint64(len(enc)))
		b = append(b, enc...)
	}
	return b
}

// anyArrayOf is the array type of elem, or for an element type without
// one (an array type: pg_statistic.stavalues of an array column holds an
// array of arrays, as in PostgreSQL) an unnamed array type of it.
func anyArrayOf(elem *T) *T {
	if at, ok := ByOID(elem.ArrayOID); ok && at.Elem != nil {
		return at
	}
	return &T{Name: "anyarray", Len: -1, Align: 'd', Category: 'A', Elem: elem}
}

// Decode reverses Encode. Bytes that no Encode could have produced give
// a pgerr.DataCorrupted error; Decode never panics (E4).
func Decode(t *T, b []byte) (Datum, error) {
	if t.OID == AnyArray.OID && len(b) >= 4 {
		// anyarray: decode as the array type of the element type it names.
		if et, ok := ByOID(base.OID(binary.LittleEndian.Uint32(b))); ok {
			return decodeArray(anyArrayOf(et), b)
		}
		return nil, corrupt(t, "unknown element type")
	}
	if isVector(t) {
		d, err := decodeArray(t, b)
		return asVector(d), err
	}
	if t.Elem != nil && t.Len == -1 {
		return decodeArray(t, b)
	}
	if t.Len > 0 && len(b) != int(t.Len) {
		return nil, corrupt(t, "length %d, want %d", len(b), t.Len)
	}
	switch t.OID {
	case Bool.OID:
		if b[0] > 1 {
			return nil, corrupt(t, "byte %d", b[0])
		}
		return b[0] == 1, nil
	case Int2.OID:
		return int64(int16(binary.LittleEndian.Uint16(b))), nil
	case Int4.OID:
		return int64(int32(binary.LittleEndian.Uint32(b))), nil
	case Int8.OID:
		return int64(binary.LittleEndian.Uint64(b)), nil
	case Oid.OID, Xid.OID, Cid.OID, Regproc.OID, Regprocedure.OID, Regoper.OID, Regoperator.OID,
		Regclass.OID, Regtype.OID, Regnamespace.OID, Regrole.OID:
		return int64(binary.LittleEndian.Uint32(b)), nil
	case Float4.OID:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), nil
	case Float8.OID:
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
	case Numeric.OID:
		return decodeNumeric(t, b)
	case Name.OID:
		n := 0
		for n < len(b) && b[n] != 0 {
			n++
		}
		if n == len(b) {
			return nil, corrupt(t, "missing terminator")
		}
		return string(b[:n]), nil
	case Char.OID:
		if b[0] == 0 {
			return "", nil
		}
		return string(b[:1]), nil
	case Text.OID, Varchar.OID, Bpchar.OID, JSON.OID, JSONB.OID, Unknown.OID, Cstring.OID, Inet.OID:
		if !utf8.Valid(b) {
			return nil, corrupt(t, "invalid UTF-8")
		}
		return string(b), nil
	case Bytea.OID:
		return append([]byte{}, b...), nil
	case Date.OID:
		return DateVal(int32(binary.LittleEndian.Uint32(b))), nil
	case Time.OID:
		v := int64(binary.LittleEndian.Uint64(b))
		if v < 0 || v > usecsPerDay {
			return nil, corrupt(t, "time %d out of range", v)
		}
		return TimeVal(v), nil
	case Timestamp.OID, Timestamptz.OID:
		return TimestampVal(int64(binary.LittleEndian.Uint64(b))), nil
	case Interval.OID:
		return IntervalVal{
			Micros: int64(binary.LittleEndian.Uint64(b)),
			Days:   int32(binary.LittleEndian.Uint32(b[8:])),
			Months: int32(binary.LittleEndian.Uint32(b[12:])),
		}, nil
	case UUID.OID:
		var u UUIDVal
		copy(u[:], b)
		return u, nil
	case Tid.OID:
		return base.ItemPointer{
			Block:  base.BlockNumber(binary.LittleEndian.Uint32(b)),
			Offset: base.OffsetNumber(binary.LittleEndian.Uint16(b[4:])),
		}, nil
	case Void.OID:
		return "", nil
	}
	return nil, corrupt(t, "type cannot be stored")
}

func decodeNumeric(t *T, b []byte) (Datum, error) {
	if len(b) == 0 {
		return nil, corrupt(t, "empty")
	}
	switch b[0] {
	case numNaN, numPosInf, numNegInf:
		if len(b) != 1 {
			return nil, corrupt(t, "trailing bytes")
		}
		switch b[0] {
		case numNaN:
			return &apd.Decimal{Form: apd.NaN}, nil
		case numPosInf:
			return &apd.Decimal{Form: apd.Infinite}, nil
		}
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
	case numPos, numNeg:
	default:
		return nil, corrupt(t, "form byte %d", b[0])
	}
	scale, n := binary.Uvarint(b[1:])
	if n <= 0 || scale > numericMaxDScale {
		return nil, corrupt(t, "bad scale")
	}
	coeff := b[1+n:]
	if len(coeff) > 0 && coeff[0] == 0 {
		return nil, corrupt(t, "non-minimal coefficient")
	}
	// 131072 integer digits plus the scale need at most ~61000 bytes
	if len(coeff) > 62000 {
		return nil, corrupt(t, "coefficient too long")
	}
	bi := new(big.Int).SetBytes(coeff)
	if b[0] == numNeg {
		if bi.Sign() == 0 {
			return nil, corrupt(t, "negative zero")
		}
		bi.Neg(bi)
	}
	d := decOf(bi, -int32(scale))
	if d.Coeff.Sign() != 0 && int64(d.NumDigits())-int64(scale) > numericMaxIntDigits {
		return nil, corrupt(t, "too many digits")
	}
	return d, nil
}

func decodeArray(t *T, b []byte) (Datum, error) {
	if len(b) < 5 {
		return nil, corrupt(t, "short header")
	}
	if oid := base.OID(binary.LittleEndian.Uint32(b)); oid != t.Elem.OID {
		return nil, corrupt(t, "element type %d, want %d", oid, t.Elem.OID)
	}
	nd := int(b[4])
	if nd > MaxArrayDims {
		return nil, corrupt(t, "%d dimensions", nd)
	}
	p := 5
	if len(b) < p+8*nd {
		return nil, corrupt(t, "short dimensions")
	}
	a := &Array{Elem: t.Elem}
	total := int64(1)
	if nd == 0 {
		total = 0
	}
	for i := 0; i < nd; i++ {
		dim := int32(binary.LittleEndian.Uint32(b[p:]))
		lb := int32(binary.LittleEndian.Uint32(b[p+4:]))
		p += 8
		if dim <= 0 || int64(lb)+int64(dim)-1 > math.MaxInt32 {
			return nil, corrupt(t, "bad dimension")
		}
		total *= int64(dim)
		if total > int64(len(b))*8 {
			return nil, corrupt(t, "too many elements")
		}
		a.Dims = append(a.Dims, dim)
		a.LBounds = append(a.LBounds, lb)
	}
	n := int(total)
	nb := (n + 7) / 8
	if len(b) < p+nb {
		return nil, corrupt(t, "short null bitmap")
	}
	bitmap := b[p : p+nb]
	p += nb
	a.Elems = make([]Datum, n)
	for i := 0; i < n; i++ {
		if bitmap[i/8]&(1<<(i%8)) != 0 {
			continue
		}
		var enc []byte
		if t.Elem.Len > 0 {
			l := int(t.Elem.Len)
			if len(b)-p < l {
				return nil, corrupt(t, "short element")
			}
			enc = b[p : p+l]
			p += l
		} else {
			l, k := binary.Uvarint(b[p:])
			if k <= 0 || l > uint64(len(b)-p-k) {
				return nil, corrupt(t, "bad element length")
			}
			p += k
			enc = b[p : p+int(l)]
			p += int(l)
		}
		e, err := Decode(t.Elem, enc)
		if err != nil {
			return nil, err
		}
		a.Elems[i] = e
	}
	if p != len(b) {
		return nil, corrupt(t, "trailing bytes")
	}
	if n == 0 {
		a.Elems = nil
	}
	return a, nil
}
