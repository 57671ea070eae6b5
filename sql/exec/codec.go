package exec

import (
	"encoding/binary"
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// Temp-file row format (X12). Rows spilled to temporary files are encoded
// without their column types: each datum starts with a tag naming its Go
// type (types/datum.go), so any row can be written and read back equal.
//
//	row   := uvarint(n) datum*n tid
//	tid   := tagNull | tagTID uvarint(block) uvarint(offset)
//	datum := tag payload
//
// Integers are zigzag varints; float64 is 8 bytes little-endian;
// strings and bytea are uvarint(len) bytes; numeric is form, sign,
// zigzag exponent and the coefficient's big-endian bytes; an array is its
// element type OID, dimensions, lower bounds and elements.
const (
	tagNull byte = iota
	tagFalse
	tagTrue
	tagInt
	tagFloat
	tagNumeric
	tagString
	tagBytes
	tagDate
	tagTime
	tagTimestamp
	tagInterval
	tagUUID
	tagTID
	tagArray
)

// appendRow encodes a row (X12).
func appendRow(b []byte, r *Row) ([]byte, error) {
	b = binary.AppendUvarint(b, uint64(len(r.Vals)))
	for _, d := range r.Vals {
		var err error
		if b, err = appendDatum(b, d); err != nil {
			return nil, err
		}
	}
	if r.TID == (base.ItemPointer{}) {
		return append(b, tagNull), nil
	}
	return appendDatum(b, r.TID)
}

func appendDatum(b []byte, d types.Datum) ([]byte, error) {
	switch x := d.(type) {
	case nil:
		return append(b, tagNull), nil
	case bool:
		if x {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case int64:
		return binary.AppendVarint(append(b, tagInt), x), nil
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, tagFloat), math.Float64bits(x)), nil
	case *apd.Decimal:
		b = append(b, tagNumeric, byte(x.Form))
		if x.Negative {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		b = binary.AppendVarint(b, int64(x.Exponent))
		c := x.Coeff.Bytes()
		b = binary.AppendUvarint(b, uint64(len(c)))
		return append(b, c...), nil
	case string:
		b = binary.AppendUvarint(append(b, tagString), uint64(len(x)))
		return append(b, x...), nil
	case []byte:
		b = binary.AppendUvarint(append(b, tagBytes), uint64(len(x)))
		return append(b, x...), nil
	case types.DateVal:
		return binary.AppendVarint(append(b, tagDate), int64(x)), nil
	case types.TimeVal:
		return binary.AppendVarint(append(b, tagTime), int64(x)), nil
	case types.TimestampVal:
		return binary.AppendVarint(append(b, tagTimestamp), int64(x)), nil
	case types.IntervalVal:
		b = binary.AppendVarint(append(b, tagInterval), int64(x.Months))
		b = binary.AppendVarint(b, int64(x.Days))
		return binary.AppendVarint(b, x.Micros), nil
	case types.UUIDVal:
		return append(append(b, tagUUID), x[:]...), nil
	case base.ItemPointer:
		b = binary.AppendUvarint(append(b, tagTID), uint64(x.Block))
		return binary.AppendUvarint(b, uint64(x.Offset)), nil
	case *types.Array:
		b = append(b, tagArray)
		var oid uint64
		if x.Elem != nil {
			oid = uint64(x.Elem.OID)
		}
		b = binary.AppendUvarint(b, oid)
		b = binary.AppendUvarint(b, uint64(len(x.Dims)))
		for i := range x.Dims {
			b = binary.AppendVarint(b, int64(x.Dims[i]))
			b = binary.AppendVarint(b, int64(x.LBounds[i]))
		}
		b = binary.AppendUvarint(b, uint64(len(x.Elems)))
		for _, e := range x.Elems {
			if y, nested := e.(*types.Array); nested {
				// An array of arrays is only pg_statistic.stavalues of an
				// array column (anyarray): one level.
				for _, ye := range y.Elems {
					if _, deeper := ye.(*types.Array); deeper {
						return nil, pgerr.New(pgerr.InternalError, "cannot spill an array nested in an array")
					}
				}
			}
			var err error
			if b, err = appendDatum(b, e); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return nil, pgerr.New(pgerr.InternalError, "cannot spill a datum of Go type %T", d)
}

// rowDecoder reads the format of appendRow; a malformed input is a
// DataCorrupted error, never a panic.
type rowDecoder struct {
	b   []byte
	err error

	nested bool // decoding an array inside an array (one level allowed)
}

func errCorruptTemp(what string) error {
	return pgerr.New(pgerr.DataCorrupted, "corrupt temporary file: %s", what)
}

// decodeRow decodes one row that fills b exactly.
func decodeRow(b []byte) (*Row, error) {
	d := &rowDecoder{b: b}
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.b)) {
		d.fail("row width")
	}
	if d.err != nil {
		return nil, d.err
	}
	r := &Row{Vals: make([]types.Datum, n)}
	for i := range r.Vals {
		r.Vals[i] = d.datum(false)
	}
	tid := d.datum(false)
	if d.err != nil {
		return nil, d.err
	}
	switch x := tid.(type) {
	case nil:
	case base.ItemPointer:
		r.TID = x
	default:
		return nil, errCorruptTemp("row ctid")
	}
	if len(d.b) != 0 {
		return nil, errCorruptTemp("trailing bytes")
	}
	return r, nil
}

func (d *rowDecoder) fail(what string) {
	if d.err == nil {
		d.err = errCorruptTemp(what)
	}
	d.b = nil
}

func (d *rowDecoder) byte1() byte {
	if len(d.b) == 0 {
		d.fail("truncated")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *rowDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *rowDecoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *rowDecoder) int32v(what string) int32 {
	v := d.varint()
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail(what)
		return 0
	}
	return int32(v)
}

func (d *rowDecoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("length")
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *rowDecoder) datum(inArray bool) types.Datum {
	if d.err != nil {
		return nil
	}
	switch tag := d.byte1(); tag {
	case tagNull:
		return nil
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagInt:
		return d.varint()
	case tagFloat:
		if len(d.b) < 8 {
			d.fail("truncated float")
			return nil
		}
		v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
		d.b = d.b[8:]
		return v
	case tagNumeric:
		form := d.byte1()
		neg := d.byte1()
		exp := d.int32v("numeric exponent")
		coeff := d.bytes()
		if d.err != nil {
			return nil
		}
		if form > byte(apd.NaN) || neg > 1 {
			d.fail("numeric form")
			return nil
		}
		x := &apd.Decimal{Form: apd.Form(form), Negative: neg == 1, Exponent: exp}
		x.Coeff.SetBytes(coeff)
		return x
	case tagString:
		v := d.bytes()
		if d.err != nil {
			return nil
		}
		return string(v)
	case tagBytes:
		v := d.bytes()
		if d.err != nil {
			return nil
		}
		return append([]byte{}, v...)
	case tagDate:
		return types.DateVal(d.int32v("date"))
	case tagTime:
		return types.TimeVal(d.varint())
	case tagTimestamp:
		return types.TimestampVal(d.varint())
	case tagInterval:
		m := d.int32v("interval")
		days := d.int32v("interval")
		us := d.varint()
		return types.IntervalVal{Months: m, Days: days, Micros: us}
	case tagUUID:
		if len(d.b) < 16 {
			d.fail("truncated uuid")
			return nil
		}
		var u types.UUIDVal
		copy(u[:], d.b)
		d.b = d.b[16:]
		return u
	case tagTID:
		blk := d.uvarint()
		off := d.uvarint()
		if blk > math.MaxUint32 || off > math.MaxUint16 {
			d.fail("ctid")
			return nil
		}
		return base.ItemPointer{Block: base.BlockNumber(blk), Offset: base.OffsetNumber(off)}
	case tagArray:
		if inArray && d.nested {
			d.fail("nested array")
			return nil
		}
		if inArray {
			d.nested = true
			defer func() { d.nested = false }()
		}
		return d.array()
	default:
		d.fail("datum tag")
	}
	return nil
}

func (d *rowDecoder) array() types.Datum {
	oid := d.uvarint()
	a := &types.Array{}
	if oid != 0 {
		t, ok := types.ByOID(base.OID(oid))
		if !ok || oid > math.MaxUint32 {
			d.fail("array element type")
			return nil
		}
		a.Elem = t
	}
	nd := d.uvarint()
	if nd > types.MaxArrayDims {
		d.fail("array dimensions")
		return nil
	}
	total := int64(1)
	for i := uint64(0); i < nd && d.err == nil; i++ {
		dim := d.int32v("array dimension")
		lb := d.int32v("array lower bound")
		if dim < 0 {
			d.fail("array dimension")
			return nil
		}
		total *= int64(dim)
		if total > int64(len(d.b))+1 {
			d.fail("array size")
			return nil
		}
		a.Dims = append(a.Dims, dim)
		a.LBounds = append(a.LBounds, lb)
	}
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if nd == 0 {
		total = 0
	}
	if n != uint64(total) || n > uint64(len(d.b)) {
		d.fail("array element count")
		return nil
	}
	if n > 0 {
		a.Elems = make([]types.Datum, n)
		for i := range a.Elems {
			a.Elems[i] = d.datum(true)
		}
	}
	if d.err != nil {
		return nil
	}
	return a
}
