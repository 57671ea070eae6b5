package wal

import (
	"encoding/binary"
	"hash/crc32"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// Record layout (all integers little-endian; W2). A record is
//
//	header (RecordHeaderSize = 28 bytes):
//	   0  total length      uint32  (header + block refs + main data)
//	   4  CRC32C            uint32  (Castagnoli, over bytes 0..3 and 8..end)
//	   8  prev LSN          uint64  (start of the previous record)
//	  16  xid               uint32
//	  20  rmgr              uint8
//	  21  info              uint8
//	  22  block count       uint16  (at most MaxBlockRefs)
//	  24  main data length  uint32
//	block refs, each:
//	   0  relfilenode       uint32
//	   4  fork              uint8
//	   5  flags             uint8   (blkHasImage, blkWillInit, blkHasData)
//	   6  block number      uint32
//	  10  [blkHasData]  data length uint32
//	      [blkHasImage] hole offset uint16, hole length uint16,
//	                    image (BlockSize - hole length bytes)
//	      [blkHasData]  data
//	main data
//
// mirrors XLogRecord / XLogRecordBlockHeader of xlogrecord.h, without
// PostgreSQL's short-form headers.
const (
	// RecordHeaderSize is the size of the fixed record header.
	RecordHeaderSize = 28
	blockHeaderSize  = 10
	// MaxRecordSize bounds a record's total length; a header claiming more
	// marks the end of the valid log.
	MaxRecordSize = 256 << 20
	// MaxBlockRefs bounds the block references of one record.
	MaxBlockRefs = 64
)

// Block reference flags.
const (
	blkHasImage uint8 = 0x01
	blkWillInit uint8 = 0x02
	blkHasData  uint8 = 0x04
	blkAllFlags       = blkHasImage | blkWillInit | blkHasData
)

// Page header offsets of pd_lower and pd_upper (bufmgr's PageHeaderData).
const (
	pdLowerOff      = 12
	pdUpperOff      = 14
	pageHeaderBytes = 24
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// recordCRC computes a record's checksum: everything but the CRC field.
func recordCRC(b []byte) uint32 {
	c := crc32.Update(0, castagnoli, b[:4])
	return crc32.Update(c, castagnoli, b[8:])
}

// pageHole returns the unused gap between pd_lower and pd_upper of a
// standard page, which a full-page image leaves out (W4, like
// PostgreSQL's hole compression). The hole is taken only when the header
// is sane and the gap is all zeros, so leaving it out never loses a byte
// even for a page that is not in the standard layout.
func pageHole(p []byte) (off, length int) {
	lower := int(binary.LittleEndian.Uint16(p[pdLowerOff:]))
	upper := int(binary.LittleEndian.Uint16(p[pdUpperOff:]))
	if lower < pageHeaderBytes || upper <= lower || upper > base.BlockSize {
		return 0, 0
	}
	for _, c := range p[lower:upper] {
		if c != 0 {
			return 0, 0
		}
	}
	return lower, upper - lower
}

// blockImage describes the image Insert stores for one block ref.
type blockImage struct {
	take             bool
	holeOff, holeLen int
}

// encodedSize returns the length of rec encoded with the given images.
func encodedSize(rec *Record, imgs []blockImage) int {
	n := RecordHeaderSize + len(rec.Data)
	for i := range rec.Blocks {
		b := &rec.Blocks[i]
		n += blockHeaderSize
		if len(b.Data) > 0 {
			n += 4 + len(b.Data)
		}
		if imgs[i].take {
			n += 4 + base.BlockSize - imgs[i].holeLen
		}
	}
	return n
}

// encodeRecord writes rec into out (len(out) == encodedSize) with the given
// prev pointer and fills in the CRC.
func encodeRecord(out []byte, rec *Record, prev LSN, imgs []blockImage) {
	le := binary.LittleEndian
	le.PutUint32(out[0:], uint32(len(out)))
	le.PutUint64(out[8:], uint64(prev))
	le.PutUint32(out[16:], uint32(rec.XID))
	out[20] = byte(rec.Rmgr)
	out[21] = rec.Info
	le.PutUint16(out[22:], uint16(len(rec.Blocks)))
	le.PutUint32(out[24:], uint32(len(rec.Data)))
	p := out[RecordHeaderSize:]
	for i := range rec.Blocks {
		b := &rec.Blocks[i]
		var flags uint8
		if imgs[i].take {
			flags |= blkHasImage
		}
		if b.WillInit {
			flags |= blkWillInit
		}
		if len(b.Data) > 0 {
			flags |= blkHasData
		}
		le.PutUint32(p[0:], uint32(b.Tag.Node.Rel))
		p[4] = byte(b.Tag.Fork)
		p[5] = flags
		le.PutUint32(p[6:], uint32(b.Tag.Block))
		p = p[blockHeaderSize:]
		if len(b.Data) > 0 {
			le.PutUint32(p, uint32(len(b.Data)))
			p = p[4:]
		}
		if im := imgs[i]; im.take {
			le.PutUint16(p[0:], uint16(im.holeOff))
			le.PutUint16(p[2:], uint16(im.holeLen))
			p = p[4:]
			p = p[copy(p, b.Page[:im.holeOff]):]
			p = p[copy(p, b.Page[im.holeOff+im.holeLen:base.BlockSize]):]
		}
		if len(b.Data) > 0 {
			p = p[copy(p, b.Data):]
		}
	}
	copy(p, rec.Data)
	le.PutUint32(out[4:], recordCRC(out))
}

// recordLength reads the total length from a record header and checks it
// is plausible.
func recordLength(h []byte) (int, bool) {
	n := binary.LittleEndian.Uint32(h)
	if n < RecordHeaderSize || n > MaxRecordSize {
		return 0, false
	}
	return int(n), true
}

func corrupt(at LSN, format string, args ...any) error {
	e := pgerr.New(pgerr.DataCorrupted, format, args...)
	e.Detail = "at WAL position " + at.String()
	return e
}

// decodeRecord decodes the record in b, which must hold exactly one record
// that starts at LSN at. The record's slices alias b. It never panics on
// garbage; bad bytes give a pgerr.DataCorrupted error.
// mirrors DecodeXLogRecord (with ValidXLogRecord's CRC check).
func decodeRecord(b []byte, at LSN) (*Record, error) {
	le := binary.LittleEndian
	if len(b) < RecordHeaderSize {
		return nil, corrupt(at, "invalid record length: %d bytes", len(b))
	}
	tot, ok := recordLength(b)
	if !ok || tot != len(b) {
		return nil, corrupt(at, "invalid record length %d", le.Uint32(b))
	}
	if got, want := recordCRC(b), le.Uint32(b[4:]); got != want {
		return nil, corrupt(at, "incorrect resource manager data checksum in record")
	}
	rec := &Record{
		LSN:    at,
		EndLSN: at + LSN(tot),
		Prev:   LSN(le.Uint64(b[8:])),
		XID:    base.XID(le.Uint32(b[16:])),
		Rmgr:   RmgrID(b[20]),
		Info:   b[21],
	}
	nblocks := int(le.Uint16(b[22:]))
	mainLen := int64(le.Uint32(b[24:]))
	if nblocks > MaxBlockRefs {
		return nil, corrupt(at, "too many block references: %d", nblocks)
	}
	p := b[RecordHeaderSize:]
	if nblocks > 0 {
		rec.Blocks = make([]BlockRef, nblocks)
	}
	for i := range nblocks {
		if len(p) < blockHeaderSize {
			return nil, corrupt(at, "truncated block reference %d", i)
		}
		blk := &rec.Blocks[i]
		blk.Tag = base.BufferTag{
			Node:  base.RelFileNode{Rel: base.OID(le.Uint32(p[0:]))},
			Fork:  base.ForkNumber(p[4]),
			Block: base.BlockNumber(le.Uint32(p[6:])),
		}
		flags := p[5]
		p = p[blockHeaderSize:]
		if flags&^blkAllFlags != 0 {
			return nil, corrupt(at, "invalid flags 0x%02x in block reference %d", flags, i)
		}
		blk.WillInit = flags&blkWillInit != 0
		dataLen := int64(0)
		if flags&blkHasData != 0 {
			if len(p) < 4 {
				return nil, corrupt(at, "truncated block reference %d", i)
			}
			dataLen = int64(le.Uint32(p))
			p = p[4:]
			if dataLen == 0 {
				return nil, corrupt(at, "block reference %d has data flag but no data", i)
			}
		}
		if flags&blkHasImage != 0 {
			if len(p) < 4 {
				return nil, corrupt(at, "truncated block image %d", i)
			}
			holeOff, holeLen := int(le.Uint16(p[0:])), int(le.Uint16(p[2:]))
			p = p[4:]
			if holeOff+holeLen > base.BlockSize || (holeLen == 0 && holeOff != 0) {
				return nil, corrupt(at, "invalid hole offset %d length %d in block image %d", holeOff, holeLen, i)
			}
			imgLen := base.BlockSize - holeLen
			if len(p) < imgLen {
				return nil, corrupt(at, "truncated block image %d", i)
			}
			page := make([]byte, base.BlockSize)
			copy(page, p[:holeOff])
			copy(page[holeOff+holeLen:], p[holeOff:imgLen])
			blk.Image = page
			p = p[imgLen:]
		}
		if dataLen > 0 {
			if int64(len(p)) < dataLen {
				return nil, corrupt(at, "truncated data of block reference %d", i)
			}
			blk.Data = p[:dataLen:dataLen]
			p = p[dataLen:]
		}
	}
	if int64(len(p)) != mainLen {
		return nil, corrupt(at, "main data length %d does not match record length", mainLen)
	}
	if mainLen > 0 {
		rec.Data = p
	}
	return rec, nil
}
