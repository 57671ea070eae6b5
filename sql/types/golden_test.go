package types

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// The *.golden files hold PostgreSQL 15's answers for the cases in
// testdata/*_cases.txt; testdata/gen.sh regenerates them from a live
// server. Each line ends with the output text or "ERROR <code> <msg>".

//go:embed testdata/io.golden
var ioGolden string

//go:embed testdata/cast.golden
var castGolden string

//go:embed testdata/op.golden
var opGolden string

func goldenLines(t *testing.T, data string, fields int) [][]string {
	t.Helper()
	var out [][]string
	for i, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != fields {
			t.Fatalf("golden line %d has %d fields: %q", i+1, len(f), line)
		}
		out = append(out, f)
	}
	return out
}

func mustType(t *testing.T, name string) *T {
	t.Helper()
	typ, ok := ByTypname(name)
	if !ok {
		t.Fatalf("unknown type %q", name)
	}
	return typ
}

func mustAtoi(t *testing.T, s string) int32 {
	t.Helper()
	v, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return int32(v)
}

// answer renders a result the way the golden files spell it.
func answer(typ *T, d Datum, err error) string {
	if err != nil {
		e := pgerr.As(err)
		return fmt.Sprintf("ERROR %s %s", e.Code, e.Message)
	}
	if d == nil {
		return "NULL"
	}
	return Format(typ, d)
}

func TestParseFormatGolden(t *testing.T) {
	for _, f := range goldenLines(t, ioGolden, 4) {
		typ := mustType(t, f[0])
		mod := mustAtoi(t, f[1])
		d, err := Parse(typ, mod, f[2])
		got := answer(typ, d, err)
		want := f[3]
		if got != want {
			t.Errorf("Parse(%s, %d, %q) = %q, want %q", f[0], mod, f[2], got, want)
			continue
		}
		if err != nil {
			continue
		}
		// round trips: output reads back to an equal datum; the on-disk
		// form decodes to the same output.
		d2, err := Parse(typ, mod, got)
		if err != nil {
			t.Errorf("re-Parse(%s, %q): %v", f[0], got, err)
		} else if !Equal(typ, d, d2) {
			t.Errorf("re-Parse(%s, %q) not equal to original", f[0], got)
		}
		d3, err := Decode(typ, Encode(typ, d))
		if err != nil {
			t.Errorf("Decode(Encode(%s %q)): %v", f[0], got, err)
		} else if s := Format(typ, d3); s != got {
			t.Errorf("Decode(Encode(%s %q)) formats as %q", f[0], got, s)
		}
		if Hash(typ, d) != Hash(typ, d2) {
			t.Errorf("Hash(%s %q) differs after re-Parse", f[0], got)
		}
	}
}

func TestCastGolden(t *testing.T) {
	for _, f := range goldenLines(t, castGolden, 7) {
		from, to := mustType(t, f[0]), mustType(t, f[2])
		fmod, tmod := mustAtoi(t, f[1]), mustAtoi(t, f[3])
		explicit := f[4] == "e"
		ctx := CastAssignment
		if explicit {
			ctx = CastExplicit
		}
		if !CastAllowed(from, to, ctx) {
			t.Errorf("CastAllowed(%s, %s, %c) = false", f[0], f[2], ctx)
		}
		d, err := Parse(from, NoTypmod, f[5])
		if err == nil {
			d, err = Cast(d, from, NoTypmod, from, fmod, true)
		}
		if err != nil {
			t.Errorf("Parse(%s, %q): %v", f[0], f[5], err)
			continue
		}
		r, err := Cast(d, from, fmod, to, tmod, explicit)
		got := answer(to, r, err)
		if got != f[6] {
			t.Errorf("Cast(%s %q -> %s(%d), %s) = %q, want %q", f[0], f[5], f[2], tmod, f[4], got, f[6])
		}
	}
}

func TestOperatorGolden(t *testing.T) {
	for _, f := range goldenLines(t, opGolden, 6) {
		var lt *T
		if f[1] != "-" {
			lt = mustType(t, f[1])
		}
		rt := mustType(t, f[2])
		op, ok := LookupOperator(f[0], lt, rt)
		if !ok {
			t.Errorf("no operator %s %s %s", f[1], f[0], f[2])
			continue
		}
		var l Datum
		var err error
		if lt != nil {
			if l, err = Parse(lt, NoTypmod, f[3]); err != nil {
				t.Errorf("Parse(%s, %q): %v", f[1], f[3], err)
				continue
			}
		}
		r, err := Parse(rt, NoTypmod, f[4])
		if err != nil {
			t.Errorf("Parse(%s, %q): %v", f[2], f[4], err)
			continue
		}
		res, _ := ByOID(op.Result)
		v, err := op.Fn(l, r)
		if got := answer(res, v, err); got != f[5] {
			t.Errorf("%q %s %q (%s) = %q, want %q", f[3], f[0], f[4], op.Proc, got, f[5])
		}
	}
}
