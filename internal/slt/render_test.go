package slt

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		v    Value
		typ  byte
		want string
	}{
		// S6
		{Null, 'I', "NULL"},
		{Null, 'R', "NULL"},
		{Null, 'T', "NULL"},
		{Text(KindBool, "t"), 'I', "1"},
		{Text(KindBool, "f"), 'I', "0"},
		{Text(KindBool, "t"), 'T', "1"},
		{Text(KindBool, "f"), 'R', "0.000"},
		// S7: I
		{Text(KindInt, "42"), 'I', "42"},
		{Text(KindInt, "-9223372036854775808"), 'I', "-9223372036854775808"},
		{Text(KindNumeric, "-12.75"), 'I', "-12"},
		{Text(KindNumeric, "12.99"), 'I', "12"},
		{Text(KindNumeric, "-0.5"), 'I', "0"},
		{Text(KindNumeric, "0"), 'I', "0"},
		{Text(KindNumeric, "007.0"), 'I', "7"},
		{Text(KindNumeric, "12345678901234567890123.9"), 'I', "12345678901234567890123"},
		{Text(KindNumeric, "NaN"), 'I', "0"},
		{Text(KindFloat, "3.7"), 'I', "3"},
		{Text(KindFloat, "-3.7"), 'I', "-3"},
		{Text(KindFloat, "1e+20"), 'I', "9223372036854775807"},
		{Text(KindFloat, "-Infinity"), 'I', "-9223372036854775808"},
		{Text(KindFloat, "NaN"), 'I', "0"},
		{Text(KindText, "12abc"), 'I', "12"},
		{Text(KindText, "hello"), 'I', "0"},
		{Text(KindText, " -7"), 'I', "-7"},
		{Text(KindText, "2.5"), 'I', "2"},
		// S7: R
		{Text(KindInt, "42"), 'R', "42.000"},
		{Text(KindInt, "-3"), 'R', "-3.000"},
		{Text(KindNumeric, "-12.75"), 'R', "-12.750"},
		{Text(KindNumeric, "1.0005"), 'R', "1.000"},
		{Text(KindFloat, "0.1"), 'R', "0.100"},
		{Text(KindFloat, "2.6666666666666665"), 'R', "2.667"},
		{Text(KindText, "3.5xyz"), 'R', "3.500"},
		{Text(KindText, "abc"), 'R', "0.000"},
		// S8
		{Text(KindText, ""), 'T', "(empty)"},
		{Text(KindText, "a b"), 'T', "a b"},
		{Text(KindText, "a\tb\x7f"), 'T', "a@b@"},
		{Text(KindText, "é"), 'T', "@@"},
		{Text(KindInt, "10"), 'T', "10"},
		{Text(KindNumeric, "1.50"), 'T', "1.50"},
	} {
		require.Equal(t, tc.want, Render(tc.v, tc.typ), "Render(%+v, %c)", tc.v, tc.typ)
	}
}

func TestKindOfType(t *testing.T) {
	for name, want := range map[string]ValueKind{
		"integer":               KindInt,
		"bigint":                KindInt,
		"smallint":              KindInt,
		"oid":                   KindInt,
		"numeric":               KindNumeric,
		"numeric(10,2)":         KindNumeric,
		"double precision":      KindFloat,
		"real":                  KindFloat,
		"boolean":               KindBool,
		"text":                  KindText,
		"character varying(10)": KindText,
		"date":                  KindText,
	} {
		require.Equal(t, want, KindOfType(name), name)
	}
	require.Equal(t, KindBool, KindOfOID(16))
	require.Equal(t, KindInt, KindOfOID(23))
	require.Equal(t, KindFloat, KindOfOID(701))
	require.Equal(t, KindNumeric, KindOfOID(1700))
	require.Equal(t, KindText, KindOfOID(25))
}

func TestSortValues(t *testing.T) {
	rows := []string{"10", "b", "9", "a", "10", "a", "NULL", "z"}
	SortValues(rows, 2, RowSort) // S9: strcmp order, "10" < "9"
	require.Equal(t, []string{"10", "a", "10", "b", "9", "a", "NULL", "z"}, rows)

	vals := []string{"10", "b", "9", "a", "10", "a"}
	SortValues(vals, 2, ValueSort)
	require.Equal(t, []string{"10", "10", "9", "a", "a", "b"}, vals)

	kept := []string{"3", "1", "2"}
	SortValues(kept, 1, NoSort)
	require.Equal(t, []string{"3", "1", "2"}, kept)
}

func TestHash(t *testing.T) {
	// printf '1\n2\n' | md5sum
	require.Equal(t, "6ddb4095eb719e2a9f0a3f95677d24e0", HashValues([]string{"1", "2"}))
	require.Equal(t, "2 values hashing to 6ddb4095eb719e2a9f0a3f95677d24e0", HashLine([]string{"1", "2"}))
	// an empty input hashes the empty string
	require.Equal(t, "d41d8cd98f00b204e9800998ecf8427e", HashValues(nil))
}

func TestResult(t *testing.T) {
	i := func(s string) Value { return Text(KindInt, s) }
	rows := [][]Value{{i("2"), Null}, {i("1"), Text(KindText, "x")}}

	got, err := Result(rows, "IT", RowSort, 8)
	require.NoError(t, err)
	require.Equal(t, []string{"1", "x", "2", "NULL"}, got)

	// S10: hashing only past the threshold, after sorting
	got, err = Result(rows, "IT", RowSort, 3)
	require.NoError(t, err)
	require.Equal(t, []string{HashLine([]string{"1", "x", "2", "NULL"})}, got)
	got, err = Result(rows, "IT", RowSort, 4)
	require.NoError(t, err)
	require.Len(t, got, 4)
	got, err = Result(rows, "IT", RowSort, 0) // 0 turns hashing off
	require.NoError(t, err)
	require.Len(t, got, 4)

	// S9: a row whose width differs from the types fails
	_, err = Result(rows, "I", NoSort, 8)
	require.ErrorContains(t, err, "has 2 columns")

	got, err = Result(nil, "I", NoSort, 8)
	require.NoError(t, err)
	require.Empty(t, got)
}
