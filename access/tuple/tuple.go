package tuple

import (
	"encoding/binary"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// Form builds a payload from attribute values; a nil value is NULL.
func Form(vals [][]byte) []byte {
	n := len(vals)
	size := binary.MaxVarintLen64 + (n+7)/8
	for _, v := range vals {
		if v != nil {
			size += binary.MaxVarintLen32 + len(v)
		}
	}
	buf := make([]byte, 0, size)
	return AppendForm(buf, vals)
}

// AppendForm appends the payload of vals to dst.
func AppendForm(dst []byte, vals [][]byte) []byte {
	n := len(vals)
	dst = binary.AppendUvarint(dst, uint64(n))
	bm := len(dst)
	for i := 0; i < (n+7)/8; i++ {
		dst = append(dst, 0)
	}
	for i, v := range vals {
		if v == nil {
			continue
		}
		dst[bm+i/8] |= 1 << (i % 8)
		dst = binary.AppendUvarint(dst, uint64(len(v)))
		dst = append(dst, v...)
	}
	return dst
}

// Natts returns the attribute count stored in a payload.
func Natts(b []byte) (int, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > 1<<16 {
		return 0, corrupt("bad attribute count")
	}
	return int(n), nil
}

// Deform decodes a payload into want values (U1, U2, U3). Attributes past
// the stored count are NULL; stored attributes past want are ignored.
func Deform(b []byte, want int) ([][]byte, error) {
	out := make([][]byte, want)
	return out, DeformInto(b, out)
}

// DeformInto is Deform writing into out (len(out) attributes wanted).
func DeformInto(b []byte, out [][]byte) error {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > 1<<16 {
		return corrupt("bad attribute count")
	}
	natts := int(n)
	pos := k
	bmLen := (natts + 7) / 8
	if len(b)-pos < bmLen {
		return corrupt("truncated null bitmap")
	}
	bm := b[pos : pos+bmLen]
	pos += bmLen
	for i := range out {
		out[i] = nil
	}
	for i := 0; i < natts; i++ {
		if bm[i/8]&(1<<(i%8)) == 0 {
			continue
		}
		l, k := binary.Uvarint(b[pos:])
		if k <= 0 || l > uint64(len(b)-pos-k) {
			return corrupt("bad attribute length")
		}
		pos += k
		if i < len(out) {
			out[i] = b[pos : pos+int(l) : pos+int(l)]
		}
		pos += int(l)
	}
	if pos != len(b) {
		return corrupt("trailing bytes after attributes")
	}
	return nil
}

func corrupt(what string) error {
	return pgerr.New(pgerr.DataCorrupted, "invalid tuple payload: %s", what)
}
