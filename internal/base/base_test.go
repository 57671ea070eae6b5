package base

import "testing"

func TestXIDPrecedesWraparound(t *testing.T) {
	cases := []struct {
		x, y XID
		want bool
	}{
		{3, 4, true},
		{4, 3, false},
		{0xFFFFFFF0, 5, true}, // 5 is after the wrap
		{5, 0xFFFFFFF0, false},
		{FrozenXID, 3, true},
		{3, FrozenXID, false},
		{InvalidXID, BootstrapXID, true},
		{7, 7, false},
	}
	for _, c := range cases {
		if got := c.x.Precedes(c.y); got != c.want {
			t.Errorf("%d.Precedes(%d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

func TestFullXID(t *testing.T) {
	f := MakeFullXID(7, 12345)
	if f.Epoch() != 7 || f.XID() != 12345 {
		t.Fatalf("got epoch %d xid %d", f.Epoch(), f.XID())
	}
}

func TestLSNString(t *testing.T) {
	if s := LSN(0x16B374D848).String(); s != "16/B374D848" {
		t.Fatalf("got %s", s)
	}
}
