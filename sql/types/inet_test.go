package types

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// inet's input, output and ordering agree with PostgreSQL 15's (values
// and order taken from psql against PostgreSQL 15).
func TestInet(t *testing.T) {
	in := []string{"10.0.0.2", "9.1.1.1", "::2", "10.0.0.0/8", "10.0.0.1/8", "192.168.1.5/24", "0.0.0.0/0",
		"::ffff:1.2.3.4", "2001:DB8::1/64", "10.0.0.0/16", "255.255.255.255", "10.0.0.1/16", "10.0.0.2/32"}
	var vals []Datum
	for _, s := range in {
		d, err := Parse(Inet, -1, s)
		require.NoError(t, err, s)
		vals = append(vals, d)
	}
	sort.SliceStable(vals, func(i, j int) bool { return Compare(Inet, vals[i], vals[j]) < 0 })
	var out []string
	for _, d := range vals {
		out = append(out, Format(Inet, d))
	}
	require.Equal(t, []string{"0.0.0.0/0", "9.1.1.1", "10.0.0.0/8", "10.0.0.1/8", "10.0.0.0/16", "10.0.0.1/16",
		"10.0.0.2", "10.0.0.2", "192.168.1.5/24", "255.255.255.255", "::2", "::ffff:1.2.3.4", "2001:db8::1/64"}, out)
	for _, bad := range []string{"1.2.3", " 1.2.3.4 ", "1.2.3.4/33", "x", "1.2.3.4/", "1.2.3.4/-1", "fe80::1%eth0", ""} {
		_, err := Parse(Inet, -1, bad)
		require.Error(t, err, bad)
		require.Equal(t, "22P02", string(pgerr.CodeOf(err)), bad)
	}
	txt, err := Cast(vals[1], Inet, -1, Text, -1, true)
	require.NoError(t, err)
	require.Equal(t, "9.1.1.1/32", txt, "text(inet) shows the netmask")
	b := Encode(Inet, vals[1])
	d, err := Decode(Inet, b)
	require.NoError(t, err)
	require.Equal(t, vals[1], d)
}
