package base

import "fmt"

// BlockSize is the size of every page: heap, index, CLOG and WAL pages alike.
const BlockSize = 8192

// XID is a 32-bit transaction id (PostgreSQL's TransactionId).
type XID uint32

// Special transaction ids, as in PostgreSQL's transam.h.
const (
	InvalidXID     XID = 0
	BootstrapXID   XID = 1
	FrozenXID      XID = 2
	FirstNormalXID XID = 3
	MaxXID         XID = 0xFFFFFFFF
)

// IsNormal reports whether x is an ordinary (not special) xid.
func (x XID) IsNormal() bool { return x >= FirstNormalXID }

// IsValid reports whether x is not InvalidXID.
func (x XID) IsValid() bool { return x != InvalidXID }

// Precedes reports whether x is logically before y (T1);
// mirrors TransactionIdPrecedes.
func (x XID) Precedes(y XID) bool {
	if !x.IsNormal() || !y.IsNormal() {
		return x < y
	}
	return int32(x-y) < 0
}

// PrecedesOrEquals mirrors TransactionIdPrecedesOrEquals.
func (x XID) PrecedesOrEquals(y XID) bool { return x == y || x.Precedes(y) }

// Follows reports whether x is logically after y.
func (x XID) Follows(y XID) bool { return y.Precedes(x) }

// FullXID is a 64-bit transaction id: epoch in the high 32 bits (T2).
type FullXID uint64

// MakeFullXID builds a FullXID from an epoch and an xid.
func MakeFullXID(epoch uint32, x XID) FullXID { return FullXID(uint64(epoch)<<32 | uint64(x)) }

// XID returns the low 32 bits.
func (f FullXID) XID() XID { return XID(uint32(f)) }

// Epoch returns the high 32 bits.
func (f FullXID) Epoch() uint32 { return uint32(f >> 32) }

// CommandID numbers the commands inside one transaction (cmin/cmax).
type CommandID uint32

// InvalidCommandID marks an absent command id.
const InvalidCommandID CommandID = 0xFFFFFFFF

// LSN is a byte position in the write-ahead log (T3).
type LSN uint64

// InvalidLSN is the zero LSN.
const InvalidLSN LSN = 0

// String formats an LSN like PostgreSQL: "16/B374D848".
func (l LSN) String() string { return fmt.Sprintf("%X/%X", uint32(l>>32), uint32(l)) }

// OID is a 32-bit object identifier.
type OID uint32

// InvalidOID is the zero OID.
const InvalidOID OID = 0

// BlockNumber numbers the 8 KB blocks of one relation fork.
type BlockNumber uint32

// InvalidBlock is the invalid block number.
const InvalidBlock BlockNumber = 0xFFFFFFFF

// OffsetNumber numbers the line pointers of a page, from 1.
type OffsetNumber uint16

// InvalidOffset is offset 0, which no item has.
const InvalidOffset OffsetNumber = 0

// ItemPointer (ctid) addresses a tuple: block and line pointer.
type ItemPointer struct {
	Block  BlockNumber
	Offset OffsetNumber
}

// IsValid reports whether p addresses an item.
func (p ItemPointer) IsValid() bool { return p.Block != InvalidBlock && p.Offset != InvalidOffset }

// String formats like PostgreSQL's ctid: "(0,1)".
func (p ItemPointer) String() string { return fmt.Sprintf("(%d,%d)", p.Block, p.Offset) }

// Less orders item pointers by block then offset.
func (p ItemPointer) Less(q ItemPointer) bool {
	if p.Block != q.Block {
		return p.Block < q.Block
	}
	return p.Offset < q.Offset
}

// ForkNumber selects one file of a relation.
type ForkNumber uint8

// Relation forks, as in PostgreSQL.
const (
	MainFork ForkNumber = 0
	FSMFork  ForkNumber = 1
	VMFork   ForkNumber = 2
)

// RelFileNode names the files of one relation on disk. Tusk has one
// tablespace and one database per data directory, so the relfilenode
// number alone identifies the files; the struct leaves room for more.
type RelFileNode struct {
	Rel OID
}

// String is the file name stem, e.g. "16384".
func (r RelFileNode) String() string { return fmt.Sprintf("%d", r.Rel) }

// BufferTag identifies one page: relation, fork and block.
type BufferTag struct {
	Node  RelFileNode
	Fork  ForkNumber
	Block BlockNumber
}
