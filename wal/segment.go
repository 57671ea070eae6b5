package wal

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strconv"
)

// The WAL is one byte stream; the LSN of a byte is its position in it (W3).
// The stream is cut into segment files of SegmentSize bytes, segment n
// holding the bytes [n*SegmentSize, (n+1)*SegmentSize). The first
// FirstLSN bytes of the stream (the start of segment 0) hold a stream
// header, so no record starts at InvalidLSN:
//
//	0  magic "TWAL"
//	4  version        uint32
//	8  segment size   uint32 (log2)
//	12 CRC32C of bytes 0..11
const (
	// FirstLSN is where the first record of a new log starts.
	FirstLSN LSN = 16
	// DefaultSegmentSize is the segment size when Options leave it zero.
	DefaultSegmentSize = 16 << 20
	// MinSegmentSize and MaxSegmentSize bound Options.SegmentSize, which
	// must be a power of two (as PostgreSQL's wal_segment_size).
	MinSegmentSize = 512
	MaxSegmentSize = 1 << 30
	// Timeline is the timeline in segment file names; Tusk has only one.
	Timeline = 1

	streamMagic   = "TWAL"
	streamVersion = 1
)

// SegmentName returns the file name of segment segno, like PostgreSQL's
// XLogFileName: timeline, then the segment number split in two, each as
// 8 hex digits, e.g. "000000010000000000000003" for 16 MB segment 3.
func SegmentName(segno uint64, segSize int64) string {
	perID := uint64(1<<32) / uint64(segSize)
	return fmt.Sprintf("%08X%08X%08X", Timeline, segno/perID, segno%perID)
}

// parseSegmentName is the inverse of SegmentName.
func parseSegmentName(name string, segSize int64) (uint64, bool) {
	if len(name) != 24 {
		return 0, false
	}
	var parts [3]uint64
	for i := range parts {
		s := name[i*8 : i*8+8]
		for _, c := range s {
			if (c < '0' || c > '9') && (c < 'A' || c > 'F') {
				return 0, false
			}
		}
		v, err := strconv.ParseUint(s, 16, 32)
		if err != nil {
			return 0, false
		}
		parts[i] = v
	}
	perID := uint64(1<<32) / uint64(segSize)
	if parts[0] != Timeline || parts[2] >= perID {
		return 0, false
	}
	return parts[1]*perID + parts[2], true
}

func log2(n int64) uint32 {
	var k uint32
	for n > 1 {
		n >>= 1
		k++
	}
	return k
}

func encodeStreamHeader(segSize int64) []byte {
	b := make([]byte, FirstLSN)
	copy(b, streamMagic)
	binary.LittleEndian.PutUint32(b[4:], streamVersion)
	binary.LittleEndian.PutUint32(b[8:], log2(segSize))
	binary.LittleEndian.PutUint32(b[12:], crc32.Checksum(b[:12], castagnoli))
	return b
}

// decodeStreamHeader checks the header and returns the segment size it
// records.
func decodeStreamHeader(b []byte) (int64, error) {
	if len(b) < int(FirstLSN) || string(b[:4]) != streamMagic {
		return 0, corrupt(0, "invalid WAL stream header")
	}
	if crc32.Checksum(b[:12], castagnoli) != binary.LittleEndian.Uint32(b[12:]) {
		return 0, corrupt(0, "incorrect checksum in WAL stream header")
	}
	if v := binary.LittleEndian.Uint32(b[4:]); v != streamVersion {
		return 0, corrupt(0, "unsupported WAL version %d", v)
	}
	k := binary.LittleEndian.Uint32(b[8:])
	if k > 30 {
		return 0, corrupt(0, "invalid WAL segment size 2^%d", k)
	}
	return int64(1) << k, nil
}
