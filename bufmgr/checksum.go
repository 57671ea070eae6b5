package bufmgr

import (
	"encoding/binary"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// The page checksum is PostgreSQL's (storage/checksum_impl.h), bit for bit:
// the page is read as 32 interleaved columns of little-endian 32-bit words,
// each folded into its own FNV-1a-like hash
//
//	tmp = sum ^ value; sum = tmp*FNV_PRIME ^ (tmp >> 17)
//
// starting from a fixed base offset, followed by two rounds of zeros; the 32
// partial sums are xor-ed together, xor-ed with the block number (so a page
// written to the wrong block fails), and reduced to 1..65535. pd_checksum
// itself counts as zero.
const (
	nSums    = 32
	fnvPrime = 16777619
)

var checksumBaseOffsets = [nSums]uint32{
	0x5B1F36E9, 0xB8525960, 0x02AB50AA, 0x1DE66D2A,
	0x79FF467A, 0x9BB9F8A3, 0x217E7CD2, 0x83E13D2C,
	0xF8D4474F, 0xE39EB970, 0x42C6AE16, 0x993216FA,
	0x7B093B5D, 0x98DAFF3C, 0xF718902A, 0x0B1C9CDB,
	0xE58F764B, 0x187636BC, 0x5D7B3BB1, 0xE73DE7DE,
	0x92BEC979, 0xCCA6C0B2, 0x304A0979, 0x85AA43D4,
	0x783125BB, 0x6CA8EAA2, 0xE407EAC6, 0x4B5CFC3E,
	0x9FBF8C76, 0x15CA20BE, 0xF2CA9FD3, 0x959BD756,
}

func checksumComp(sum, value uint32) uint32 {
	tmp := sum ^ value
	return tmp*fnvPrime ^ tmp>>17
}

// Checksum computes the checksum of p as block blkno, treating pd_checksum
// as zero; mirrors pg_checksum_page. It does not modify p. A page that is
// not BlockSize long has checksum 0, which no real page has.
func Checksum(p Page, blkno base.BlockNumber) uint16 {
	if len(p) != base.BlockSize {
		return 0
	}
	sums := checksumBaseOffsets
	for row := 0; row < base.BlockSize; row += 4 * nSums {
		r := p[row : row+4*nSums : row+4*nSums]
		for j := range nSums {
			w := binary.LittleEndian.Uint32(r[4*j:])
			if row == 0 && j == offChecksum/4 {
				w &^= 0xFFFF // pd_checksum counts as zero (it is the low half of word 2)
			}
			sums[j] = checksumComp(sums[j], w)
		}
	}
	var result uint32
	for j := range nSums {
		s := checksumComp(checksumComp(sums[j], 0), 0)
		result ^= s
	}
	result ^= uint32(blkno)
	return uint16(result%65535 + 1)
}

// setChecksum stores the checksum of p as block blkno in pd_checksum; a new
// (all-zero) page is left as it is, like PageSetChecksumInplace.
func setChecksum(p Page, blkno base.BlockNumber) {
	if p.IsNew() {
		return
	}
	p.setStoredChecksum(Checksum(p, blkno))
}

// VerifyPage checks a page read from block blkno: an all-zero page is a
// valid new page; any other page must have a sane header and a matching
// checksum. Mirrors PageIsVerifiedExtended. The error is DataCorrupted.
func VerifyPage(p Page, blkno base.BlockNumber) error {
	if len(p) != base.BlockSize {
		return pgerr.New(pgerr.DataCorrupted, "page has size %d, want %d", len(p), base.BlockSize)
	}
	if p.IsNew() {
		return nil
	}
	if want, got := p.StoredChecksum(), Checksum(p, blkno); want != got {
		return pgerr.New(pgerr.DataCorrupted,
			"page verification failed, calculated checksum %d but expected %d", got, want)
	}
	if p.PageSizeVersion() != base.BlockSize|LayoutVersion {
		return pgerr.New(pgerr.DataCorrupted, "page has size/version %#04x, want %#04x",
			p.PageSizeVersion(), base.BlockSize|LayoutVersion)
	}
	return p.checkHeader()
}

// DecodePage checks that b is a well-formed page: BlockSize long, a sane
// header, and every line pointer either without storage or pointing inside
// the item area, redirects pointing at existing line pointers. It does not
// check the checksum (VerifyPage does, given the block number). It never
// panics; a malformed page is DataCorrupted.
func DecodePage(b []byte) error {
	p := Page(b)
	if len(p) != base.BlockSize {
		return pgerr.New(pgerr.DataCorrupted, "page has size %d, want %d", len(p), base.BlockSize)
	}
	if p.IsNew() {
		return nil
	}
	if p.PageSizeVersion() != base.BlockSize|LayoutVersion {
		return pgerr.New(pgerr.DataCorrupted, "page has size/version %#04x, want %#04x",
			p.PageSizeVersion(), base.BlockSize|LayoutVersion)
	}
	if err := p.checkHeader(); err != nil {
		return err
	}
	if (p.Lower()-PageHeaderSize)%ItemIDSize != 0 {
		return pgerr.New(pgerr.DataCorrupted, "pd_lower %d is not at a line pointer boundary", p.Lower())
	}
	maxOff := p.MaxOffset()
	for off := base.OffsetNumber(1); off <= maxOff; off++ {
		lpOff, lpLen, flags := p.ItemID(off)
		switch {
		case flags == LPUnused && (lpLen != 0 || lpOff != 0):
			return pgerr.New(pgerr.DataCorrupted, "unused line pointer %d has storage", off)
		case flags == LPRedirect:
			if lpLen != 0 || lpOff < 1 || lpOff > int(maxOff) {
				return pgerr.New(pgerr.DataCorrupted, "line pointer %d redirects to invalid offset %d", off, lpOff)
			}
		case lpLen != 0:
			if lpOff < p.Upper() || lpOff+lpLen > p.Special() {
				return pgerr.New(pgerr.DataCorrupted, "corrupted line pointer %d: offset = %d, size = %d", off, lpOff, lpLen)
			}
		case flags == LPNormal:
			return pgerr.New(pgerr.DataCorrupted, "normal line pointer %d has no storage", off)
		}
	}
	return nil
}
