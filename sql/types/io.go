package types

import (
	"fmt"
	"math"
	"strconv"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// Parse converts text to a datum of type t, as t's input function does
// with the given typmod (-1 for none), in the UTC session. Errors carry
// PostgreSQL's SQLSTATE and message (22P02, 22003, 22007, 22008, ...).
func Parse(t *T, typmod int32, s string) (Datum, error) { return UTC.Parse(t, typmod, s) }

// Format renders a non-NULL datum as t's output function does, in the
// UTC session. A nil datum formats as "".
func Format(t *T, d Datum) string { return UTC.Format(t, d) }

// Parse is the input function of t in this session (time zone, 'now').
func (sess *Session) Parse(t *T, typmod int32, s string) (Datum, error) {
	if isVector(t) {
		return sess.parseVector(t, s)
	}
	if t.Elem != nil && t.Len == -1 {
		return sess.parseArray(t.Elem, typmod, s)
	}
	switch t.OID {
	case Bool.OID:
		return parseBool(s)
	case Int2.OID, Int4.OID, Int8.OID:
		return parseInt(t, s)
	case Oid.OID, Xid.OID, Cid.OID:
		return parseOid(t.Name, s)
	case Regproc.OID, Regprocedure.OID, Regoper.OID, Regoperator.OID, Regclass.OID, Regtype.OID,
		Regnamespace.OID, Regrole.OID:
		return parseReg(t, s)
	case Float4.OID, Float8.OID:
		return parseFloat(t, s)
	case Numeric.OID:
		return parseNumeric(s, typmod)
	case Text.OID, Unknown.OID, Cstring.OID:
		if err := checkUTF8(s); err != nil {
			return nil, err
		}
		return s, nil
	case Varchar.OID, Bpchar.OID:
		if err := checkUTF8(s); err != nil {
			return nil, err
		}
		return clipString(t, typmod, s, false)
	case Name.OID:
		if err := checkUTF8(s); err != nil {
			return nil, err
		}
		return clipName(s), nil
	case Char.OID:
		return parseChar(s), nil
	case Bytea.OID:
		return parseBytea(s)
	case UUID.OID:
		return parseUUID(s)
	case Inet.OID:
		return parseInet(s) // inet.go
	case JSON.OID, JSONB.OID:
		if err := checkUTF8(s); err != nil {
			return nil, err
		}
		if t.OID == JSON.OID {
			return parseJSONText(s)
		}
		return parseJSONB(s)
	case Date.OID:
		return sess.parseDate(s)
	case Time.OID:
		return sess.parseTime(s, typmod)
	case Timestamp.OID:
		return sess.parseTimestamp(s, typmod, false)
	case Timestamptz.OID:
		return sess.parseTimestamp(s, typmod, true)
	case Interval.OID:
		return parseInterval(s, typmod)
	case Tid.OID:
		return parseTid(s)
	case Void.OID:
		return "", nil
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot accept a value of type %s", FormatType(t, -1))
}

// parseReg accepts the numeric form of a reg* value. Names need the
// catalog, so the SQL layer resolves them before calling here (R1).
func parseReg(t *T, s string) (Datum, error) {
	v := trimSpace(s)
	if v == "-" {
		return int64(0), nil
	}
	if v != "" && (isDigit(v[0]) || v[0] == '-') {
		return parseOid("oid", s)
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "%s input by name needs the catalog: \"%s\"", t.Name, s)
}

// parseTid mirrors tidin: "(block,offset)".
func parseTid(s string) (Datum, error) {
	bad := func() (Datum, error) { return nil, errSyntax("tid", s) }
	var coord []int
	for i := 0; i < len(s) && len(coord) < 2 && s[i] != ')'; i++ {
		if s[i] == ',' || (s[i] == '(' && len(coord) == 0) {
			coord = append(coord, i+1)
		}
	}
	if len(coord) < 2 {
		return bad()
	}
	blk, rest, ok, _ := strtoi64(s[coord[0]:])
	if !ok || !(len(rest) > 0 && rest[0] == ',') || blk < -math.MaxUint32 || blk > math.MaxUint32 {
		return bad()
	}
	if blk < 0 { // strtoul wraps negative input
		blk = int64(uint32(blk))
	}
	off, rest, ok, _ := strtoi64(s[coord[1]:])
	if !ok || !(len(rest) > 0 && rest[0] == ')') || off < 0 || off > math.MaxUint16 {
		return bad()
	}
	return base.ItemPointer{Block: base.BlockNumber(blk), Offset: base.OffsetNumber(off)}, nil
}

// Format is the output function of t in this session.
func (sess *Session) Format(t *T, d Datum) string {
	if d == nil {
		return ""
	}
	if a, ok := d.(*Array); ok {
		if isVector(t) && len(a.Dims) <= 1 {
			return sess.formatVector(t, a)
		}
		return sess.formatArray(a)
	}
	switch v := d.(type) {
	case bool:
		return formatBool(v)
	case int64:
		switch t.OID {
		case Oid.OID, Xid.OID, Cid.OID, Regproc.OID, Regprocedure.OID, Regoper.OID, Regoperator.OID,
			Regclass.OID, Regtype.OID, Regnamespace.OID, Regrole.OID:
			if v == 0 && t.OID != Oid.OID && t.OID != Xid.OID && t.OID != Cid.OID {
				return "-"
			}
			if t.OID == Regtype.OID {
				// Built-in types print by name; others (catalog-aware
				// output is the catalog issue's) by OID.
				if bt, ok := ByOID(base.OID(uint32(v))); ok {
					return FormatType(bt, -1)
				}
			}
			return strconv.FormatUint(uint64(uint32(v)), 10)
		}
		return strconv.FormatInt(v, 10)
	case float64:
		if t.OID == Float4.OID {
			return formatFloat(v, 32)
		}
		return formatFloat(v, 64)
	case *apd.Decimal:
		return formatNumeric(v)
	case string:
		if t.OID == Char.OID {
			return formatChar(v)
		}
		return v
	case []byte:
		return formatBytea(v)
	case DateVal:
		return formatDate(v)
	case TimeVal:
		return formatTime(v)
	case TimestampVal:
		return sess.formatTimestamp(v, t.OID == Timestamptz.OID)
	case IntervalVal:
		return formatInterval(v)
	case UUIDVal:
		return v.String()
	case base.ItemPointer:
		return v.String()
	}
	return fmt.Sprint(d)
}
