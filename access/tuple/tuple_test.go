package tuple

import (
	"bytes"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
)

func TestRoundTrip(t *testing.T) {
	cases := [][][]byte{
		{},
		{nil},
		{[]byte{1, 2, 3, 4}, nil, []byte("hello"), {}},
		make([][]byte, 17),
	}
	long := bytes.Repeat([]byte("x"), 300)
	cases = append(cases, [][]byte{long, nil, long})
	for i, vals := range cases {
		b := Form(vals)
		got, err := Deform(b, len(vals))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		for j := range vals {
			if (vals[j] == nil) != (got[j] == nil) || !bytes.Equal(vals[j], got[j]) {
				t.Fatalf("case %d attr %d: got %q want %q", i, j, got[j], vals[j])
			}
		}
	}
}

func TestMissingAttributesAreNull(t *testing.T) { // U2
	b := Form([][]byte{[]byte("a")})
	got, err := Deform(b, 3)
	if err != nil {
		t.Fatal(err)
	}
	if string(got[0]) != "a" || got[1] != nil || got[2] != nil {
		t.Fatalf("got %q", got)
	}
}

func TestGarbageIsCorrupt(t *testing.T) {
	for _, b := range [][]byte{nil, {0xff}, {2, 3, 200}, {1, 1, 5, 'a'}, {1, 1, 1, 'a', 'b'}} {
		_, err := Deform(b, 2)
		if pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Errorf("%v: err = %v", b, err)
		}
	}
}

func FuzzDeform(f *testing.F) {
	f.Add(Form([][]byte{[]byte("abc"), nil, {1}}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		vals, err := Deform(b, 4)
		if err == nil {
			// Whatever decoded re-forms and decodes to the same values.
			again, err := Deform(Form(vals), 4)
			if err != nil {
				t.Fatal(err)
			}
			for i := range vals {
				if !bytes.Equal(vals[i], again[i]) || (vals[i] == nil) != (again[i] == nil) {
					t.Fatalf("attr %d changed", i)
				}
			}
		}
	})
}
