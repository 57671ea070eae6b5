package bufmgr

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

func newPage(special int) Page {
	p := make(Page, base.BlockSize)
	InitPage(p, special)
	return p
}

func TestInitPage(t *testing.T) {
	cases := []struct {
		special            int
		lower, upper, spec int
	}{
		{0, 24, 8192, 8192},
		{16, 24, 8176, 8176},
		{5, 24, 8184, 8184}, // MAXALIGNed
		{1 << 20, 24, 24, 24},
	}
	for _, c := range cases {
		p := newPage(c.special)
		if p.Lower() != c.lower || p.Upper() != c.upper || p.Special() != c.spec {
			t.Errorf("special %d: lower/upper/special = %d/%d/%d, want %d/%d/%d",
				c.special, p.Lower(), p.Upper(), p.Special(), c.lower, c.upper, c.spec)
		}
		if p.PageSizeVersion() != 0x2004 || p.MaxOffset() != 0 || p.IsNew() {
			t.Errorf("special %d: version %#x maxoff %d new %v", c.special, p.PageSizeVersion(), p.MaxOffset(), p.IsNew())
		}
		if err := DecodePage(p); err != nil {
			t.Errorf("special %d: DecodePage: %v", c.special, err)
		}
	}
	if !make(Page, base.BlockSize).IsNew() {
		t.Fatal("zero page is not new")
	}
}

func TestHeaderFields(t *testing.T) {
	p := newPage(0)
	p.SetLSN(0x0000001600B374D8)
	p.SetPruneXID(77)
	p.SetFlags(PDAllVisible)
	if p.LSN() != 0x0000001600B374D8 || p.PruneXID() != 77 || p.Flags() != PDAllVisible {
		t.Fatalf("got lsn %s prune %d flags %#x", p.LSN(), p.PruneXID(), p.Flags())
	}
	// pd_lsn is stored as xlogid (high) then xrecoff (low), little-endian.
	if !bytes.Equal(p[0:8], []byte{0x16, 0, 0, 0, 0xD8, 0x74, 0xB3, 0x00}) {
		t.Fatalf("lsn bytes % x", p[0:8])
	}
}

func TestAddItemAppendAndRead(t *testing.T) {
	p := newPage(0)
	var offs []base.OffsetNumber
	for i := range 10 {
		data := bytes.Repeat([]byte{byte('a' + i)}, 10+i)
		off, err := p.AddItem(data, base.InvalidOffset)
		if err != nil {
			t.Fatal(err)
		}
		offs = append(offs, off)
	}
	for i, off := range offs {
		if off != base.OffsetNumber(i+1) {
			t.Fatalf("item %d got offset %d", i, off)
		}
		want := bytes.Repeat([]byte{byte('a' + i)}, 10+i)
		if got := p.Item(off); !bytes.Equal(got, want) {
			t.Fatalf("item %d = %q, want %q", off, got, want)
		}
		lpOff, lpLen, flags := p.ItemID(off)
		if lpLen != 10+i || flags != LPNormal || lpOff%MaxAlign != 0 {
			t.Fatalf("item %d line pointer (%d,%d,%d)", off, lpOff, lpLen, flags)
		}
	}
	if p.MaxOffset() != 10 || p.Lower() != PageHeaderSize+10*ItemIDSize {
		t.Fatalf("maxoff %d lower %d", p.MaxOffset(), p.Lower())
	}
	if err := DecodePage(p); err != nil {
		t.Fatal(err)
	}
}

func TestAddItemAtOffsetShuffles(t *testing.T) {
	p := newPage(0)
	for _, s := range []string{"a", "c"} {
		if _, err := p.AddItem([]byte(s), base.InvalidOffset); err != nil {
			t.Fatal(err)
		}
	}
	off, err := p.AddItem([]byte("b"), 2)
	if err != nil || off != 2 {
		t.Fatalf("AddItem at 2: %d, %v", off, err)
	}
	var got []string
	for o := base.OffsetNumber(1); o <= p.MaxOffset(); o++ {
		got = append(got, string(p.Item(o)))
	}
	if fmt.Sprint(got) != "[a b c]" {
		t.Fatalf("items %v", got)
	}
	if _, err := p.AddItem([]byte("z"), 5); pgerr.CodeOf(err) != pgerr.InternalError {
		t.Fatalf("offset past limit: %v", err)
	}
}

func TestAddItemOverwriteAndRecycle(t *testing.T) {
	p := newPage(0)
	for _, s := range []string{"one", "two", "three"} {
		if _, err := p.AddItem([]byte(s), base.InvalidOffset); err != nil {
			t.Fatal(err)
		}
	}
	// Overwrite refuses a used slot.
	if _, err := p.AddItemExtended([]byte("x"), 2, PAIOverwrite); err == nil {
		t.Fatal("overwrote a used line pointer")
	}
	if err := p.SetItemFlags(2, LPUnused); err != nil {
		t.Fatal(err)
	}
	if off, err := p.AddItemExtended([]byte("TWO"), 2, PAIOverwrite|PAIIsHeap); err != nil || off != 2 {
		t.Fatalf("overwrite: %d %v", off, err)
	}
	if string(p.Item(2)) != "TWO" || string(p.Item(3)) != "three" || p.MaxOffset() != 3 {
		t.Fatalf("items %q %q maxoff %d", p.Item(2), p.Item(3), p.MaxOffset())
	}
	// Recycling with InvalidOffset follows the PD_HAS_FREE_LINES hint.
	if err := p.SetItemFlags(1, LPUnused); err != nil {
		t.Fatal(err)
	}
	if err := p.RepairFragmentation(); err != nil {
		t.Fatal(err)
	}
	if p.Flags()&PDHasFreeLines == 0 {
		t.Fatal("PDHasFreeLines not set")
	}
	if off, err := p.AddItem([]byte("uno"), base.InvalidOffset); err != nil || off != 1 {
		t.Fatalf("recycle: %d %v", off, err)
	}
}

func TestAddItemPageFull(t *testing.T) {
	p := newPage(0)
	item := make([]byte, 100)
	n := 0
	for {
		free := p.FreeSpace()
		_, err := p.AddItem(item, base.InvalidOffset)
		if err != nil {
			if !errors.Is(err, ErrNoSpace) || pgerr.CodeOf(err) != pgerr.ProgramLimitExceeded {
				t.Fatalf("full page error %v", err)
			}
			if free >= maxAlign(len(item)) {
				t.Fatalf("refused with %d bytes free", free)
			}
			break
		}
		n++
	}
	// (8192-24) / (104+4) = 75 items.
	if n != 75 {
		t.Fatalf("fit %d items", n)
	}
	if _, err := p.AddItem(nil, base.InvalidOffset); err == nil {
		t.Fatal("empty item accepted")
	}
}

func TestHeapFreeSpaceLimit(t *testing.T) {
	p := newPage(0)
	for i := range MaxHeapTuplesPerPage {
		if _, err := p.AddItemExtended([]byte{1}, base.InvalidOffset, PAIIsHeap); err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
	}
	if p.FreeSpace() == 0 || p.HeapFreeSpace() != 0 {
		t.Fatalf("free %d heap free %d", p.FreeSpace(), p.HeapFreeSpace())
	}
	if _, err := p.AddItemExtended([]byte{1}, base.InvalidOffset, PAIIsHeap); err == nil {
		t.Fatal("added past MaxHeapTuplesPerPage")
	}
}

func TestRepairFragmentation(t *testing.T) {
	p := newPage(8)
	for i := range 5 {
		if _, err := p.AddItem(bytes.Repeat([]byte{byte(i + 1)}, 50), base.InvalidOffset); err != nil {
			t.Fatal(err)
		}
	}
	copy(p.SpecialSpace(), "SPECIAL!")
	before := p.ExactFreeSpace()
	if err := p.SetItemFlags(2, LPUnused); err != nil {
		t.Fatal(err)
	}
	lpOff, _, _ := p.ItemID(4)
	if err := p.SetItemID(4, lpOff, 0, LPDead); err != nil { // dead, no storage
		t.Fatal(err)
	}
	if err := p.RepairFragmentation(); err != nil {
		t.Fatal(err)
	}
	if got := p.ExactFreeSpace(); got != before+2*56 {
		t.Fatalf("free space %d, want %d", got, before+2*56)
	}
	for _, o := range []base.OffsetNumber{1, 3, 5} {
		if !bytes.Equal(p.Item(o), bytes.Repeat([]byte{byte(o)}, 50)) {
			t.Fatalf("item %d = %v", o, p.Item(o))
		}
	}
	if string(p.SpecialSpace()) != "SPECIAL!" {
		t.Fatalf("special %q", p.SpecialSpace())
	}
	if err := DecodePage(p); err != nil {
		t.Fatal(err)
	}
	// A line pointer into the header is corruption.
	if err := p.SetItemID(1, 4, 50, LPNormal); err != nil {
		t.Fatal(err)
	}
	if err := p.RepairFragmentation(); pgerr.CodeOf(err) != pgerr.DataCorrupted {
		t.Fatalf("corrupt line pointer: %v", err)
	}
}

func TestAccessorsOnGarbageDoNotPanic(t *testing.T) {
	pages := []Page{nil, make(Page, 10), bytes.Repeat([]byte{0xFF}, base.BlockSize)}
	for _, p := range pages {
		_ = p.MaxOffset()
		_ = p.FreeSpace()
		_ = p.HeapFreeSpace()
		_ = p.SpecialSpace()
		_ = p.LSN()
		for o := base.OffsetNumber(0); o < 3000; o += 7 {
			_ = p.Item(o)
			_, _, _ = p.ItemID(o)
		}
		if _, err := p.AddItem([]byte("x"), base.InvalidOffset); err == nil {
			t.Errorf("AddItem on garbage of %d bytes succeeded", len(p))
		}
		if err := p.RepairFragmentation(); err == nil {
			t.Errorf("RepairFragmentation on garbage of %d bytes succeeded", len(p))
		}
		if err := DecodePage(p); pgerr.CodeOf(err) != pgerr.DataCorrupted {
			t.Errorf("DecodePage on garbage of %d bytes: %v", len(p), err)
		}
	}
}
