package session

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

func textOpts(t testing.TB, csv bool) *copyOptions {
	var defs []*ast.DefElem
	if csv {
		defs = append(defs, &ast.DefElem{Name: "format", Arg: &ast.Literal{Kind: ast.LitString, Val: "csv"}})
	}
	o, err := parseCopyOptions(defs, true)
	require.NoError(t, err)
	return o
}

// readAllLines reads every line of in, returning the lines and the error
// that stopped the reader, if any.
func readAllLines(in []byte, o *copyOptions, oneByte bool) ([]string, error) {
	var r = bytes.NewReader(in)
	cr := newCopyReader(r, o)
	if oneByte {
		cr = newCopyReader(iotest.OneByteReader(r), o)
	}
	var lines []string
	for {
		ok, err := cr.next()
		if err != nil {
			return lines, err
		}
		if !ok {
			return lines, nil
		}
		lines = append(lines, string(cr.line))
	}
}

func TestCopyReaderLines(t *testing.T) {
	for _, tc := range []struct {
		in    string
		csv   bool
		lines []string
		err   string
	}{
		{in: "", lines: nil},
		{in: "a\nb\n", lines: []string{"a", "b"}},
		{in: "a\nb", lines: []string{"a", "b"}},
		{in: "\n\n", lines: []string{"", ""}},
		{in: "a\r\nb\r\n", lines: []string{"a", "b"}},
		{in: "a\rb\r", lines: []string{"a", "b"}},
		{in: "a\r\nb\n", lines: []string{"a"}, err: "literal newline found in data"},
		{in: "a\nb\rc\n", lines: []string{"a"}, err: "literal carriage return found in data"},
		{in: "a\r\nb\rc\r\n", lines: []string{"a"}, err: "literal carriage return found in data"},
		{in: "a\\\nb\n", lines: []string{"a\\\nb"}},
		{in: "a\\\r\nb\r\n", lines: []string{"a\\\r"}, err: "literal carriage return found in data"},
		{in: "a\n\\.\nb\n", lines: []string{"a"}},
		{in: "a\nb\\.\nc\n", lines: []string{"a", "b"}},
		{in: "a\r\n\\.\r\nb", lines: []string{"a"}},
		{in: "a\r\\.\rb", lines: []string{"a"}},
		{in: "a\n\\.", lines: []string{"a"}, err: "end-of-copy marker corrupt"},
		{in: "a\n\\.x\n", lines: []string{"a"}, err: "end-of-copy marker corrupt"},
		{in: "a\r\n\\.\n", lines: []string{"a"}, err: "end-of-copy marker does not match previous newline style"},
		{in: "a\n\\.\r", lines: []string{"a"}, err: "end-of-copy marker does not match previous newline style"},
		{in: "\\\\.\n", lines: []string{"\\\\."}},
		{in: "ab\\", lines: []string{"ab\\"}},
		// CSV
		{in: "a,\"b\nc\"\nd\n", csv: true, lines: []string{"a,\"b\nc\"", "d"}},
		{in: "\"a\"\"\nb\"\r\n", csv: true, lines: []string{"\"a\"\"\nb\""}},
		{in: "a\r\nb\nc", csv: true, lines: []string{"a"}, err: "unquoted newline found in data"},
		{in: "\"x\r\ny\"\r\nz\r\n", csv: true, lines: []string{"\"x\r\ny\"", "z"}},
		{in: "a\n\\.\nb\n", csv: true, lines: []string{"a"}},
		{in: "a\n\\.x\n\"\\.\"\n", csv: true, lines: []string{"a", "\\.x", "\"\\.\""}},
		{in: "a\n\\.", csv: true, lines: []string{"a", "\\."}},
		{in: "a,b\\.\n", csv: true, lines: []string{"a,b\\."}},
		{in: "\"unterminated\n", csv: true, lines: []string{"\"unterminated\n"}},
		{in: "a\nb\rc", csv: true, lines: []string{"a"}, err: "unquoted carriage return found in data"},
	} {
		for _, oneByte := range []bool{false, true} {
			lines, err := readAllLines([]byte(tc.in), textOpts(t, tc.csv), oneByte)
			require.Equal(t, tc.lines, lines, "%q csv=%v", tc.in, tc.csv)
			if tc.err == "" {
				require.NoError(t, err, "%q", tc.in)
			} else {
				require.Error(t, err, "%q", tc.in)
				require.Equal(t, tc.err, err.(*pgerr.Error).Message, "%q", tc.in)
				require.Equal(t, pgerr.BadCopyFileFormat, pgerr.CodeOf(err))
			}
		}
	}
}

// TestCopyReaderLongLine reads lines much longer than the read buffer.
func TestCopyReaderLongLine(t *testing.T) {
	long := strings.Repeat("x\\\ty", copyBufSize)
	in := long + "\r\n" + long + "\r\n\\.\r\n"
	lines, err := readAllLines([]byte(in), textOpts(t, false), false)
	require.NoError(t, err)
	require.Equal(t, []string{long, long}, lines)
}

func fieldList(f *copyFields) []any {
	var out []any
	for i := 0; i < f.count(); i++ {
		v, null := f.get(i)
		if null {
			out = append(out, nil)
		} else {
			out = append(out, v)
		}
	}
	return out
}

func TestCopySplit(t *testing.T) {
	for _, tc := range []struct {
		line   string
		csv    bool
		max    int
		fields []any
		err    string
	}{
		{line: "", max: 1, fields: []any{""}},
		{line: "", max: 0, fields: nil},
		{line: "x", max: 0, err: "extra data after last expected column"},
		{line: "a\tb", max: 2, fields: []any{"a", "b"}},
		{line: "a\t\\N\t\\\\N\t", max: 2, fields: []any{"a", nil, `\N`, ""}},
		{line: `\b\f\n\r\t\v\q\\`, max: 1, fields: []any{"\b\f\n\r\t\v" + `q\`}},
		{line: `\101\1010\7\x41\x4\x4g\xg\x`, max: 1, fields: []any{"AA0\x07A\x04\x04gxgx"}},
		{line: `a\`, max: 1, fields: []any{"a"}},
		{line: "a\\\tb", max: 1, fields: []any{"a\tb"}},
		{line: `\000`, max: 1, err: `invalid byte sequence for encoding "UTF8": 0x00`},
		{line: `\303\251`, max: 1, fields: []any{"é"}},
		{line: `\xc3`, max: 1, err: `invalid byte sequence for encoding "UTF8": 0xc3`},
		// CSV
		{line: "", csv: true, max: 1, fields: []any{nil}},
		{line: `a,"b,c",,"",""""`, csv: true, max: 5, fields: []any{"a", "b,c", nil, "", `"`}},
		{line: `a"b"c, x ,"q""q"r`, csv: true, max: 3, fields: []any{"abc", " x ", `q"qr`}},
		{line: `"abc`, csv: true, max: 1, err: "unterminated CSV quoted field"},
		{line: `\N,\.`, csv: true, max: 2, fields: []any{`\N`, `\.`}},
	} {
		o := textOpts(t, tc.csv)
		var f copyFields
		var err error
		if tc.csv {
			err = splitCSV([]byte(tc.line), o, tc.max, &f)
		} else {
			err = splitText([]byte(tc.line), o, tc.max, &f)
		}
		if tc.err != "" {
			require.Error(t, err, "%q", tc.line)
			require.Equal(t, tc.err, err.(*pgerr.Error).Message, "%q", tc.line)
			continue
		}
		require.NoError(t, err, "%q", tc.line)
		require.Equal(t, tc.fields, fieldList(&f), "%q", tc.line)
	}
}

// TestCopySplitCSVEscape: a distinct escape only escapes the quote and
// itself, inside quotes.
func TestCopySplitCSVEscape(t *testing.T) {
	o := textOpts(t, true)
	o.escape = '\\'
	var f copyFields
	require.NoError(t, splitCSV([]byte(`"a\"b\\c\d",e\f`), o, 2, &f))
	require.Equal(t, []any{`a"b\c\d`, `e\f`}, fieldList(&f))
}

// encodeLine formats fields as COPY TO would (nil is NULL).
func encodeLine(fields []any, o *copyOptions) []byte {
	var line []byte
	for i, v := range fields {
		if i > 0 {
			line = append(line, o.delim)
		}
		if v == nil {
			line = append(line, o.null...)
			continue
		}
		if o.csv {
			line = appendCSV(line, v.(string), o, false, len(fields) == 1)
		} else {
			line = appendText(line, v.(string), o.delim)
		}
	}
	return line
}

// TestCopyOutputRoundTrip: what COPY TO writes, COPY FROM reads back
// unchanged, for random values over an alphabet of the special bytes.
func TestCopyOutputRoundTrip(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	alphabet := []string{"a", "\t", "\n", "\r", "\\", ",", `"`, "'", ".", "N", "é", "\x01", "\b", "\v", " ", "|"}
	for _, csv := range []bool{false, true} {
		for _, delim := range []byte{'\t', ',', '|', '\x01'} {
			o := textOpts(t, csv)
			o.delim = delim
			for iter := 0; iter < 2000; iter++ {
				n := 1 + rng.Intn(4)
				fields := make([]any, n)
				var all strings.Builder
				for i := range fields {
					if rng.Intn(8) == 0 {
						continue // NULL
					}
					var b strings.Builder
					for k := rng.Intn(6); k > 0; k-- {
						b.WriteString(alphabet[rng.Intn(len(alphabet))])
					}
					fields[i] = b.String()
				}
				line := encodeLine(fields, o)
				all.Write(line)
				all.WriteString("\n")
				lines, err := readAllLines([]byte(all.String()), o, false)
				require.NoError(t, err, "%q", all.String())
				require.Len(t, lines, 1, "%q", all.String())
				var f copyFields
				if csv {
					err = splitCSV([]byte(lines[0]), o, n, &f)
				} else {
					err = splitText([]byte(lines[0]), o, n, &f)
				}
				require.NoError(t, err)
				require.Equal(t, fields, fieldList(&f), "line %q", line)
			}
		}
	}
}

func TestCopyEncodings(t *testing.T) {
	for name, want := range map[string]string{"UTF8": "UTF8", "utf-8": "UTF8", "Unicode": "UTF8", "latin1": "LATIN1",
		"ISO-8859-1": "LATIN1", "iso_8859_1": "LATIN1", "SQL_ASCII": "SQL_ASCII", "win1252": "WIN1252", "Windows-1251": "WIN1251", "sjis": "SJIS"} {
		e := lookupEncoding(name)
		require.NotNil(t, e, name)
		require.Equal(t, want, e.name)
	}
	require.Nil(t, lookupEncoding("klingon"))
	require.Nil(t, lookupEncoding(""))
	e := lookupEncoding("latin1")
	var buf []byte
	out, err := e.toServer([]byte("a\xfc\xff"), "\n", &buf)
	require.NoError(t, err)
	require.Equal(t, "aüÿ", string(out))
	back, err := e.fromServer(out, &buf)
	require.NoError(t, err)
	require.Equal(t, "a\xfc\xff", string(back))
	_, err = e.fromServer([]byte("€"), &buf)
	require.Equal(t, pgerr.UntranslatableCharacter, pgerr.CodeOf(err))
	err = verifyUTF8([]byte("ok\xe2\x82"), "\n")
	require.Equal(t, `invalid byte sequence for encoding "UTF8": 0xe2 0x82 0x0a`, err.(*pgerr.Error).Message)
	require.Equal(t, strings.Repeat("x", 100), limitPrintout(strings.Repeat("x", 100)))
	require.Equal(t, strings.Repeat("x", 99)+"...", limitPrintout(strings.Repeat("x", 99)+"é"))
}

// FuzzCopyFormat reads arbitrary input as COPY text and CSV data: the
// reader and the field splitters never panic, and the fields of any line
// they accept survive being written out and read back.
func FuzzCopyFormat(f *testing.F) {
	f.Add([]byte("1\tx\\ty\\n\t\\N\n2\t\\101\\x41\\\n\\.\n"), false)
	f.Add([]byte("a,\"b\nc\"\"\",,\"\"\r\n\\.\r\n"), true)
	f.Add([]byte("a\rb\\.\r"), false)
	f.Add([]byte("\\.x\n\"unterminated\n"), true)
	f.Fuzz(func(t *testing.T, in []byte, csv bool) {
		o := textOpts(t, csv)
		cr := newCopyReader(bytes.NewReader(in), o)
		for i := 0; i < 1000; i++ {
			ok, err := cr.next()
			if err != nil || !ok {
				return
			}
			var f copyFields
			split := splitText
			if csv {
				split = splitCSV
			}
			if err := split(cr.line, o, 4, &f); err != nil {
				continue
			}
			fields := fieldList(&f)
			var again copyFields
			line := encodeLine(fields, o)
			require.NoError(t, split(line, o, 4, &again), "%q", line)
			require.Equal(t, fields, fieldList(&again), "%q -> %q", cr.line, line)
		}
	})
}
