package slt

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseRecords(t *testing.T) {
	src := "# leading comment\r\n" +
		"hash-threshold 3\r\n" +
		"\r\n" +
		"statement ok\r\n" +
		"CREATE TABLE t1(a INTEGER,\r\n" +
		"# a comment inside a record does not split it (S2)\r\n" +
		"  b INTEGER)\r\n" +
		"\r\n\r\n" +
		"skipif mysql # not compatible\n" +
		"onlyif postgresql\n" +
		"statement error some text that is ignored\n" +
		"INSERT INTO nowhere VALUES(1)\n" +
		" \t \n" +
		"query IRT rowsort label-1\n" +
		"SELECT a, b,\n" +
		"  'x' FROM t1\n" +
		"----\n" +
		"1\n" +
		"2.000\n" +
		"a b\n" +
		"\n" +
		"query I valuesort\n" +
		"SELECT 1 WHERE false\n" +
		"\n" +
		"query T\n" +
		"SELECT ''\n" +
		"----\n" +
		"(empty)\n" +
		"\n" +
		"onlyif mssql\n" +
		"halt\n"
	s, err := Parse("x.test", []byte(src))
	require.NoError(t, err)
	require.Len(t, s.Records, 7)

	r := s.Records
	require.Equal(t, Record{Line: 2, Kind: HashThreshold, Threshold: 3}, r[0])
	require.Equal(t, Record{Line: 4, Kind: Statement, SQL: "CREATE TABLE t1(a INTEGER,\n  b INTEGER)"}, r[1])
	require.Equal(t, Record{Line: 10, Kind: Statement, ExpectError: true, SQL: "INSERT INTO nowhere VALUES(1)",
		Conditions: []Condition{{Only: false, Engine: "mysql"}, {Only: true, Engine: "postgresql"}}}, r[2])
	require.Equal(t, Record{Line: 15, Kind: Query, Types: "IRT", Sort: RowSort, Label: "label-1",
		SQL: "SELECT a, b,\n  'x' FROM t1", Expected: []string{"1", "2.000", "a b"}}, r[3])
	require.Equal(t, Record{Line: 23, Kind: Query, Types: "I", Sort: ValueSort, SQL: "SELECT 1 WHERE false"}, r[4])
	require.Equal(t, Record{Line: 26, Kind: Query, Types: "T", Sort: NoSort, SQL: "SELECT ''", Expected: []string{"(empty)"}}, r[5])
	require.Equal(t, Record{Line: 31, Kind: Halt, Conditions: []Condition{{Only: true, Engine: "mssql"}}}, r[6])
}

func TestApplies(t *testing.T) {
	for _, tc := range []struct {
		conds []Condition
		want  bool
	}{
		{nil, true},
		{[]Condition{{Only: false, Engine: "mysql"}}, true},
		{[]Condition{{Only: false, Engine: "postgresql"}}, false},
		{[]Condition{{Only: true, Engine: "postgresql"}}, true},
		{[]Condition{{Only: true, Engine: "mysql"}}, false},
		{[]Condition{{Only: false, Engine: "mssql"}, {Only: true, Engine: "sqlite"}}, false},
		{[]Condition{{Only: false, Engine: "mssql"}, {Only: false, Engine: "oracle"}}, true},
	} {
		r := Record{Conditions: tc.conds}
		require.Equal(t, tc.want, r.Applies(EngineName), "%+v", tc.conds)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
		msg  string
	}{
		{"statement ok\nSELECT 1\n\nfrobnicate\n", 4, "unknown record type"},
		{"statement maybe\nSELECT 1\n", 1, "statement ok"},
		{"statement ok\n", 1, "without SQL"},
		{"query I sideways\nSELECT 1\n", 1, "unknown sort method"},
		{"query IX\nSELECT 1\n", 1, "unknown column type"},
		{"query\nSELECT 1\n", 1, "without column types"},
		{"query I\n----\n1\n", 1, "without SQL"},
		{"\n\nskipif mysql\n", 3, "without a record"},
		{"skipif\nstatement ok\nSELECT 1\n", 1, "without an engine"},
		{"hash-threshold x\n", 1, "bad hash-threshold"},
		{"hash-threshold\n", 1, "without a value"},
	} {
		_, err := Parse("bad.test", []byte(tc.src))
		var pe *ParseError
		require.True(t, errors.As(err, &pe), "%q: %v", tc.src, err)
		require.Equal(t, tc.line, pe.Line, "%q", tc.src)
		require.Contains(t, pe.Error(), tc.msg)
		require.True(t, strings.HasPrefix(pe.Error(), "bad.test:"), pe.Error())
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "\n\n", "# only a comment\n", "\r\n \r\n"} {
		s, err := Parse("e.test", []byte(src))
		require.NoError(t, err)
		require.Empty(t, s.Records)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("statement ok\nCREATE TABLE t(a INT)\n\nquery I rowsort\nSELECT a FROM t\n----\n1\n"))
	f.Add([]byte("skipif mysql\nonlyif postgresql # c\nquery IT valuesort label-x\nSELECT 1, 'a'\n----\n2 values hashing to 00\n"))
	f.Add([]byte("hash-threshold 8\r\n\r\nhalt\r\n"))
	f.Add([]byte("skipif\n\nquery\n----\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("fuzz.test", src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a *ParseError: %v", err)
			}
			return
		}
		for _, r := range s.Records {
			switch r.Kind {
			case Statement, Query:
				if r.SQL == "" {
					t.Fatalf("record at line %d has no SQL", r.Line)
				}
			case HashThreshold, Halt:
			default:
				t.Fatalf("record at line %d has kind %v", r.Line, r.Kind)
			}
		}
	})
}
