package wal

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path"
	"time"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

// CheckpointSize is the length of an encoded Checkpoint.
const CheckpointSize = 33

// Checkpoint encoding (little-endian):
//
//	0  Redo         uint64
//	8  NextFullXID  uint64
//	16 NextOID      uint32
//	20 OldestXID    uint32
//	24 Time         int64 (Unix nanoseconds; 0 is the zero time)
//	32 Shutdown     uint8 (0 or 1)

// EncodeCheckpoint returns the main data of a checkpoint record.
func EncodeCheckpoint(cp Checkpoint) []byte {
	b := make([]byte, CheckpointSize)
	putCheckpoint(b, cp)
	return b
}

func putCheckpoint(b []byte, cp Checkpoint) {
	le := binary.LittleEndian
	le.PutUint64(b[0:], uint64(cp.Redo))
	le.PutUint64(b[8:], uint64(cp.NextFullXID))
	le.PutUint32(b[16:], uint32(cp.NextOID))
	le.PutUint32(b[20:], uint32(cp.OldestXID))
	le.PutUint64(b[24:], uint64(encodeTime(cp.Time)))
	if cp.Shutdown {
		b[32] = 1
	} else {
		b[32] = 0
	}
}

// DecodeCheckpoint decodes EncodeCheckpoint's output; bad input gives a
// pgerr.DataCorrupted error.
func DecodeCheckpoint(b []byte) (Checkpoint, error) {
	if len(b) != CheckpointSize {
		return Checkpoint{}, pgerr.New(pgerr.DataCorrupted, "invalid checkpoint record length %d", len(b))
	}
	le := binary.LittleEndian
	if b[32] > 1 {
		return Checkpoint{}, pgerr.New(pgerr.DataCorrupted, "invalid shutdown flag %d in checkpoint record", b[32])
	}
	return Checkpoint{
		Redo:        LSN(le.Uint64(b[0:])),
		NextFullXID: base.FullXID(le.Uint64(b[8:])),
		NextOID:     base.OID(le.Uint32(b[16:])),
		OldestXID:   base.XID(le.Uint32(b[20:])),
		Time:        decodeTime(int64(le.Uint64(b[24:]))),
		Shutdown:    b[32] == 1,
	}, nil
}

// encodeTime stores a time as Unix nanoseconds, the zero time as 0.
func encodeTime(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func decodeTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// DBState is the cluster state recorded in pg_control (PostgreSQL's
// DBState, with the same numbers).
type DBState uint32

// Database states.
const (
	StateShutdown        DBState = 1
	StateInCrashRecovery DBState = 4
	StateInProduction    DBState = 6
)

// String names the state like pg_controldata.
func (s DBState) String() string {
	switch s {
	case StateShutdown:
		return "shut down"
	case StateInCrashRecovery:
		return "in crash recovery"
	case StateInProduction:
		return "in production"
	}
	return "unrecognized status code"
}

// Control is the content of pg_control: where recovery starts (W10).
type Control struct {
	SystemID      uint64
	State         DBState
	CheckpointLSN LSN // start of the last checkpoint record
	RedoLSN       LSN // its redo pointer, where replay starts
	Checkpoint    Checkpoint
	Time          time.Time // when the file was last written
}

// ControlFileSize is the size of pg_control: one 512-byte sector, so the
// file fits in the smallest unit a disk writes.
const ControlFileSize = 512

// Control file layout (little-endian):
//
//	0   magic "TUSKCTRL"
//	8   version       uint32
//	12  State         uint32
//	16  SystemID      uint64
//	24  CheckpointLSN uint64
//	32  RedoLSN       uint64
//	40  Time          int64 (Unix nanoseconds, 0 = zero time)
//	48  Checkpoint    (CheckpointSize bytes)
//	81  zeros
//	508 CRC32C of bytes 0..507
const (
	controlMagic   = "TUSKCTRL"
	controlVersion = 1
	controlCRCOff  = ControlFileSize - 4
)

// EncodeControl returns the bytes of pg_control.
func EncodeControl(c *Control) []byte {
	le := binary.LittleEndian
	b := make([]byte, ControlFileSize)
	copy(b, controlMagic)
	le.PutUint32(b[8:], controlVersion)
	le.PutUint32(b[12:], uint32(c.State))
	le.PutUint64(b[16:], c.SystemID)
	le.PutUint64(b[24:], uint64(c.CheckpointLSN))
	le.PutUint64(b[32:], uint64(c.RedoLSN))
	le.PutUint64(b[40:], uint64(encodeTime(c.Time)))
	putCheckpoint(b[48:48+CheckpointSize], c.Checkpoint)
	le.PutUint32(b[controlCRCOff:], crc32.Checksum(b[:controlCRCOff], castagnoli))
	return b
}

// DecodeControl decodes pg_control; damage gives pgerr.DataCorrupted.
func DecodeControl(b []byte) (*Control, error) {
	le := binary.LittleEndian
	if len(b) != ControlFileSize {
		return nil, pgerr.New(pgerr.DataCorrupted, "invalid control file size %d, expected %d", len(b), ControlFileSize)
	}
	if string(b[:8]) != controlMagic {
		return nil, pgerr.New(pgerr.DataCorrupted, "invalid control file: bad magic number")
	}
	if crc32.Checksum(b[:controlCRCOff], castagnoli) != le.Uint32(b[controlCRCOff:]) {
		return nil, pgerr.New(pgerr.DataCorrupted, "incorrect checksum in control file")
	}
	if v := le.Uint32(b[8:]); v != controlVersion {
		return nil, pgerr.New(pgerr.DataCorrupted, "control file version %d is not supported", v)
	}
	cp, err := DecodeCheckpoint(b[48 : 48+CheckpointSize])
	if err != nil {
		return nil, err
	}
	c := &Control{
		State:         DBState(le.Uint32(b[12:])),
		SystemID:      le.Uint64(b[16:]),
		CheckpointLSN: LSN(le.Uint64(b[24:])),
		RedoLSN:       LSN(le.Uint64(b[32:])),
		Time:          decodeTime(int64(le.Uint64(b[40:]))),
		Checkpoint:    cp,
	}
	switch c.State {
	case StateShutdown, StateInCrashRecovery, StateInProduction:
	default:
		return nil, pgerr.New(pgerr.DataCorrupted, "invalid database state %d in control file", c.State)
	}
	return c, nil
}

// ReadControl reads and verifies pg_control at path. A missing file is a
// pgerr.IoError for which errors.Is(err, os.ErrNotExist) holds.
func ReadControl(fsys vfs.FS, path string) (*Control, error) {
	f, err := fsys.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, ioErr(err, "could not open file \"%s\"", path)
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return nil, ioErr(err, "could not stat file \"%s\"", path)
	}
	if size != ControlFileSize {
		return nil, pgerr.New(pgerr.DataCorrupted, "invalid size %d of control file \"%s\"", size, path)
	}
	b := make([]byte, size)
	if n, err := f.ReadAt(b, 0); n != len(b) {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, ioErr(err, "could not read file \"%s\"", path)
	}
	return DecodeControl(b)
}

// WriteControl replaces pg_control at path atomically and durably (W10):
// it writes a temporary file, fsyncs it, renames it over path and fsyncs
// the directory. After a crash the file is either the old or the new one.
// mirrors UpdateControlFile / durable_rename.
func WriteControl(fsys vfs.FS, path string, c *Control) error {
	tmp := path + ".tmp"
	f, err := fsys.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return ioErr(err, "could not create file \"%s\"", tmp)
	}
	if _, err := f.WriteAt(EncodeControl(c), 0); err != nil {
		f.Close()
		return ioErr(err, "could not write file \"%s\"", tmp)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return ioErr(err, "could not fsync file \"%s\"", tmp)
	}
	if err := f.Close(); err != nil {
		return ioErr(err, "could not close file \"%s\"", tmp)
	}
	if err := fsys.Rename(tmp, path); err != nil {
		return ioErr(err, "could not rename file \"%s\" to \"%s\"", tmp, path)
	}
	if err := fsys.SyncDir(dirOf(path)); err != nil {
		return ioErr(err, "could not fsync directory \"%s\"", dirOf(path))
	}
	return nil
}

func dirOf(p string) string { return path.Dir(p) }
