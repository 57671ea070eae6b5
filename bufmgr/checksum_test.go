package bufmgr

import (
	"bytes"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// The golden values were computed with PostgreSQL's pg_checksum_page
// (checksum_impl.h) compiled from C, so Tusk's pages carry the same
// checksum PostgreSQL would give them.
func TestChecksumMatchesPostgres(t *testing.T) {
	seq := make(Page, base.BlockSize)
	for i := range seq {
		seq[i] = byte(i)
	}
	cases := []struct {
		name string
		page Page
		blk  base.BlockNumber
		want uint16
	}{
		{"sequence blk 0", seq, 0, 59142},
		{"sequence blk 1", seq, 1, 59143},
		{"sequence blk 123456", seq, 123456, 34118},
		{"empty page blk 0", newPage(0), 0, 25952},
		{"empty page blk 7", newPage(0), 7, 25949},
	}
	for _, c := range cases {
		if got := Checksum(c.page, c.blk); got != c.want {
			t.Errorf("%s: checksum %d, want %d", c.name, got, c.want)
		}
	}
	// pd_checksum itself does not count, and Checksum does not modify it.
	cp := append(Page(nil), seq...)
	cp.setStoredChecksum(12345)
	if got := Checksum(cp, 0); got != 59142 || cp.StoredChecksum() != 12345 {
		t.Fatalf("with stored checksum: %d (stored %d)", got, cp.StoredChecksum())
	}
}

func checksummedPage(t *testing.T, blk base.BlockNumber) Page {
	t.Helper()
	p := newPage(16)
	for i := range 20 {
		if _, err := p.AddItem(bytes.Repeat([]byte{byte(i)}, 37), base.InvalidOffset); err != nil {
			t.Fatal(err)
		}
	}
	p.SetLSN(0x1234)
	setChecksum(p, blk)
	if err := VerifyPage(p, blk); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestChecksumDetectsFlippedBit(t *testing.T) {
	p := checksummedPage(t, 3)
	// Every bit of the header, the line pointers, the first and last
	// tuple, the special space, and a sample of all other bits.
	var bits []int
	for b := 0; b < (PageHeaderSize+20*ItemIDSize)*8; b++ {
		bits = append(bits, b)
	}
	for b := p.Upper() * 8; b < (p.Upper()+40)*8; b++ {
		bits = append(bits, b)
	}
	for b := (base.BlockSize - 64) * 8; b < base.BlockSize*8; b++ {
		bits = append(bits, b)
	}
	for b := 0; b < base.BlockSize*8; b += 97 {
		bits = append(bits, b)
	}
	for _, bit := range bits {
		q := append(Page(nil), p...)
		q[bit/8] ^= 1 << (bit % 8)
		err := VerifyPage(q, 3)
		if pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Fatalf("flipping bit %d (byte %d): err %v", bit, bit/8, err)
		}
	}
}

func TestChecksumDetectsTransposedBlock(t *testing.T) {
	p := checksummedPage(t, 3)
	if err := VerifyPage(p, 4); pgerr.CodeOf(err) != pgerr.DataCorrupted {
		t.Fatalf("page of block 3 read as block 4: %v", err)
	}
}

func TestVerifyPage(t *testing.T) {
	good := checksummedPage(t, 0)
	badHeader := append(Page(nil), good...)
	badHeader.setU16(offLower, 9000)
	setChecksum(badHeader, 0)
	badVersion := append(Page(nil), good...)
	badVersion.setU16(offPageSizeVersion, 0x2005)
	setChecksum(badVersion, 0)
	torn := append(Page(nil), good...)
	clear(torn[4096:]) // only the first 8 sectors made it
	cases := []struct {
		name string
		page Page
		ok   bool
	}{
		{"good", good, true},
		{"all zero (new)", make(Page, base.BlockSize), true},
		{"short", good[:100], false},
		{"insane header with valid checksum", badHeader, false},
		{"wrong layout version", badVersion, false},
		{"torn", torn, false},
	}
	for _, c := range cases {
		err := VerifyPage(c.page, 0)
		if c.ok != (err == nil) {
			t.Errorf("%s: err %v", c.name, err)
		}
		if err != nil && pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Errorf("%s: code %s", c.name, pgerr.CodeOf(err))
		}
	}
}

func FuzzDecodePage(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("garbage"))
	f.Add(make([]byte, base.BlockSize))
	empty := make(Page, base.BlockSize)
	InitPage(empty, 16)
	f.Add([]byte(empty))
	full := make(Page, base.BlockSize)
	InitPage(full, 0)
	for i := range 30 {
		_, _ = full.AddItem(bytes.Repeat([]byte{byte(i)}, 20+i), base.InvalidOffset)
	}
	_ = full.SetItemID(3, 5, 0, LPRedirect)
	_ = full.SetItemFlags(7, LPDead)
	f.Add([]byte(full))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := DecodePage(b)
		if err != nil {
			if pgerr.CodeOf(err) != pgerr.DataCorrupted {
				t.Fatalf("DecodePage error with code %s: %v", pgerr.CodeOf(err), err)
			}
		}
		// Whatever DecodePage said, nothing may panic.
		p := append(Page(nil), b...)
		_ = VerifyPage(p, 0)
		_ = Checksum(p, 0)
		for o := base.OffsetNumber(0); o <= p.MaxOffset()+1; o++ {
			_ = p.Item(o)
		}
		_, _ = p.AddItem([]byte("fuzz"), base.InvalidOffset)
		_, _ = p.AddItem([]byte("fuzz"), 1)
		_ = p.RepairFragmentation()
		if err == nil && len(b) == base.BlockSize && !Page(b).IsNew() {
			// A page that decodes has items inside the page.
			q := Page(b)
			for o := base.OffsetNumber(1); o <= q.MaxOffset(); o++ {
				if _, lpLen, fl := q.ItemID(o); fl != LPRedirect && lpLen > 0 && len(q.Item(o)) != lpLen {
					t.Fatalf("item %d: %d bytes, line pointer says %d", o, len(q.Item(o)), lpLen)
				}
			}
		}
	})
}
