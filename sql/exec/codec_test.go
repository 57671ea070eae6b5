package exec

import (
	"fmt"
	"math"
	"os"
	"reflect"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

func codecRows() []*Row {
	num, _, _ := apd.NewFromString("-123.4500")
	return []*Row{
		{},
		{Vals: []types.Datum{nil, true, false, int64(-5), int64(math.MaxInt64), 3.25, math.Inf(-1)}},
		{Vals: []types.Datum{num, &apd.Decimal{Form: apd.NaN}, &apd.Decimal{Form: apd.Infinite, Negative: true}, "héllo", "", []byte{0, 1, 2}}},
		{Vals: []types.Datum{types.DateVal(-3), types.DatePosInfinity, types.TimeVal(86400000000), types.TimestampNegInfinity,
			types.IntervalVal{Months: -1, Days: 2, Micros: -3}, types.UUIDVal{1, 2, 3, 15: 9}, base.ItemPointer{Block: 7, Offset: 3}}},
		{Vals: []types.Datum{types.NewArray(types.Int4, []types.Datum{int64(1), nil, int64(3)}), types.NewArray(types.Text, nil),
			&types.Array{Elem: types.Int8, Elems: []types.Datum{int64(1), int64(2), int64(3), int64(4)}, Dims: []int32{2, 2}, LBounds: []int32{0, 1}}},
			TID: base.ItemPointer{Block: 1, Offset: 2}},
	}
}

func TestRowCodecRoundTrip(t *testing.T) {
	for i, r := range codecRows() {
		b, err := appendRow(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeRow(b)
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		if len(r.Vals) == 0 && len(got.Vals) == 0 && got.TID == r.TID {
			continue
		}
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("row %d:\n got  %#v\n want %#v", i, got, r)
		}
		for j := range r.Vals {
			if !datumEqual(nil, r.Vals[j], got.Vals[j]) {
				t.Fatalf("row %d col %d differs", i, j)
			}
		}
		// Every strict prefix is corrupt, never a panic.
		for k := 0; k < len(b); k++ {
			if _, err := decodeRow(b[:k]); pgerr.CodeOf(err) != pgerr.DataCorrupted {
				t.Fatalf("row %d prefix %d: %v", i, k, err)
			}
		}
	}
	if _, err := appendRow(nil, &Row{Vals: []types.Datum{struct{}{}}}); pgerr.CodeOf(err) != pgerr.InternalError {
		t.Fatalf("unknown datum: %v", err)
	}
}

func FuzzDecodeRow(f *testing.F) {
	for _, r := range codecRows() {
		b, _ := appendRow(nil, r)
		f.Add(b)
	}
	f.Add([]byte{0x01, tagArray, 0x17, 0x06, 0x7f, 0x02})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRow(b)
		if err != nil {
			if pgerr.CodeOf(err) != pgerr.DataCorrupted {
				t.Fatalf("error code %s", pgerr.CodeOf(err))
			}
			return
		}
		// What decodes encodes back to the same bytes' meaning.
		b2, err := appendRow(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := decodeRow(b2)
		if err != nil || len(r2.Vals) != len(r.Vals) || r2.TID != r.TID {
			t.Fatalf("re-decode: %v", err)
		}
	})
}

// TestTempFileNameTaken skips names a crashed process left behind.
func TestTempFileNameTaken(t *testing.T) {
	ec, fs := spillCtx(1 << 10)
	next := tempSeq.Load() + 1
	if err := fs.MkdirAll("/tmp", 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := fs.OpenFile(fmt.Sprintf("/tmp/%s%d", TempFilePrefix, next), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	tf, err := ec.newTempFile()
	if err != nil {
		t.Fatal(err)
	}
	if err := tf.appendRow(&Row{Vals: []types.Datum{int64(1)}}); err != nil {
		t.Fatal(err)
	}
	r, err := tf.reader().nextRow()
	if err != nil || r.Vals[0] != int64(1) {
		t.Fatalf("read back %v %v", r, err)
	}
	ec.Close()
	if names := tempFiles(t, fs); len(names) != 1 {
		t.Fatalf("files %v", names)
	}
}
