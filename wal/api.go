package wal

// This file holds the types of package wal's contract that the packages
// above it code against; the Log is in log.go, Replay in replay.go.

import (
	"time"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/vfs"
)

// LSN is a byte position in the log.
type LSN = base.LSN

// RmgrID names a resource manager: the package that owns a kind of record
// and its redo routine (PostgreSQL's rmgrlist.h).
type RmgrID uint8

// Resource managers. wal knows only their numbers and names; each owning
// package registers its redo routine (W5).
const (
	RmgrXLOG  RmgrID = 0  // wal itself: checkpoint, full-page image, no-op
	RmgrXact  RmgrID = 1  // mvcc: commit, abort
	RmgrSmgr  RmgrID = 2  // bufmgr: relation file create, truncate, unlink
	RmgrCLOG  RmgrID = 3  // clog: zero page
	RmgrHeap  RmgrID = 10 // access/heap
	RmgrBtree RmgrID = 11 // access/btree (the index issue)
	RmgrSeq   RmgrID = 12 // sequences (the SQL engine issue)
)

// Info values of RmgrXLOG records.
const (
	InfoCheckpointShutdown uint8 = 0x00
	InfoCheckpointOnline   uint8 = 0x10
	InfoFPI                uint8 = 0x20 // a record of block images only (e.g. hint-bit FPI)
	InfoNoop               uint8 = 0x30
)

// BlockRef is a page a record changes (PostgreSQL's XLogRegisterBuffer).
type BlockRef struct {
	Tag base.BufferTag
	// PageLSN is the page's LSN before this change. When it is at or
	// before the redo pointer of the last checkpoint, Insert stores a full
	// image of Page in the record (W4).
	PageLSN LSN
	// Page is the 8 KB page with the change already applied; Insert reads
	// it only to copy a full-page image. Nil when WillInit.
	Page []byte
	// WillInit says redo rebuilds the page from scratch: no image needed.
	WillInit bool
	// ForceImage stores an image whatever PageLSN says.
	ForceImage bool
	// Data is per-block data for the redo routine.
	Data []byte
	// Image is set on decoded records that carry a full-page image.
	Image []byte
}

// Record is one WAL record.
type Record struct {
	LSN    LSN // start of the record; set by Insert and by the reader
	EndLSN LSN // first byte after the record; pages changed by it get this as their LSN
	Prev   LSN // start of the previous record
	XID    base.XID
	Rmgr   RmgrID
	Info   uint8
	Data   []byte // main data
	Blocks []BlockRef
}

// Options configure a Log.
type Options struct {
	FS  vfs.FS
	Dir string // the pg_wal directory
	// SegmentSize is the size of one segment file; default 16 MB.
	SegmentSize int64
	// BufferSize is the in-memory WAL buffer (wal_buffers); default 4 MB.
	BufferSize int
	// WriterDelay is wal_writer_delay; default 200 ms. Zero means default.
	WriterDelay time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// NoPreallocate turns off creating segment files whole and
	// zero-filled before use (W11), so they grow as they are written.
	// Preallocation is off by itself on a *vfs.MemFS, where it would only
	// cost memory.
	NoPreallocate bool
}

// Rmgr is a resource manager's redo entry.
type Rmgr struct {
	ID   RmgrID
	Name string
	// Redo applies rec. It is called in LSN order, single-threaded.
	Redo func(rec *Record) error
}

// Checkpoint is the payload of a checkpoint record (PostgreSQL's
// CheckPoint struct).
type Checkpoint struct {
	Redo        LSN          // where redo starts
	NextFullXID base.FullXID // next xid to assign
	NextOID     base.OID     // next OID to assign
	OldestXID   base.XID     // oldest xid still needing clog (for wraparound)
	Time        time.Time
	Shutdown    bool
}
