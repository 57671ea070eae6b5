package types

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// inet: an IPv4 or IPv6 host address with an optional netmask length
// (PostgreSQL's network.c). A value is a string datum in inet_out's
// canonical form ("192.168.1.5", "10.0.0.1/8", "::1"), so it encodes,
// hashes and prints as text; Compare orders it as network_cmp does.
var (
	Inet      = register(&T{OID: 869, Name: "inet", Len: -1, Align: 'i', Category: 'I', Preferred: true})
	InetArray = arrayOf(1041, Inet)
)

// The comparison operators network_eq .. network_ge (PostgreSQL's OIDs).
var inetOps = func() bool {
	pgOperator = append(pgOperator,
		opRow{1201, "=", 869, 869, 16, "network_eq", 1201, 1202, true, true},
		opRow{1206, ">=", 869, 869, 16, "network_ge", 1204, 1203, false, false},
		opRow{1205, ">", 869, 869, 16, "network_gt", 1203, 1204, false, false},
		opRow{1204, "<=", 869, 869, 16, "network_le", 1206, 1205, false, false},
		opRow{1203, "<", 869, 869, 16, "network_lt", 1205, 1206, false, false},
		opRow{1202, "<>", 869, 869, 16, "network_ne", 1202, 1201, false, false},
	)
	addCmp(opImpls, "network", "_", typeCmp(Inet))
	return true
}()

// parseInet is inet_in: an address, optionally followed by /bits.
func parseInet(s string) (Datum, error) {
	p, ok := inetPrefix(s)
	if !ok {
		return nil, pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type inet: %q", s)
	}
	return formatInet(p), nil
}

// inetPrefix parses an inet value; the prefix keeps the host bits (inet,
// unlike cidr, does not mask them).
func inetPrefix(s string) (netip.Prefix, bool) {
	addr, bits, hasBits := strings.Cut(s, "/")
	a, err := netip.ParseAddr(addr)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	n := a.BitLen()
	if hasBits {
		v, err := strconv.Atoi(bits)
		if err != nil || v < 0 || v > a.BitLen() || bits == "" || bits[0] == '+' || bits[0] == '-' {
			return netip.Prefix{}, false
		}
		n = v
	}
	return netip.PrefixFrom(a, n), true
}

// formatInet is inet_out: the netmask is omitted when it covers the whole
// address.
func formatInet(p netip.Prefix) string {
	if p.Bits() == p.Addr().BitLen() {
		return p.Addr().String()
	}
	return p.Addr().String() + "/" + strconv.Itoa(p.Bits())
}

// inetText is text(inet) (network_show): the netmask is always shown.
func inetText(s string) string {
	p, ok := inetPrefix(s)
	if !ok {
		return s
	}
	return p.Addr().String() + "/" + strconv.Itoa(p.Bits())
}

// compareInet is network_cmp: IPv4 before IPv6, then the network part
// over the shorter netmask, then the netmask length, then the whole
// address.
func compareInet(x, y string) int {
	px, okx := inetPrefix(x)
	py, oky := inetPrefix(y)
	if !okx || !oky {
		return strings.Compare(x, y)
	}
	ax, ay := px.Addr(), py.Addr()
	if ax.Is4() != ay.Is4() {
		if ax.Is4() {
			return -1
		}
		return 1
	}
	bx, by := ax.AsSlice(), ay.AsSlice()
	if c := bitnCompare(bx, by, min(px.Bits(), py.Bits())); c != 0 {
		return c
	}
	if c := px.Bits() - py.Bits(); c != 0 {
		if c < 0 {
			return -1
		}
		return 1
	}
	return bitnCompare(bx, by, ax.BitLen())
}

// bitnCompare compares the first n bits of a and b (bitncmp).
func bitnCompare(a, b []byte, n int) int {
	for i := 0; n > 0; i++ {
		ma, mb := a[i], b[i]
		if n < 8 {
			mask := byte(0xff) << (8 - n)
			ma, mb = ma&mask, mb&mask
		}
		if ma != mb {
			if ma < mb {
				return -1
			}
			return 1
		}
		n -= 8
	}
	return 0
}
