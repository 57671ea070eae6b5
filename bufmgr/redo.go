package bufmgr

import (
	"encoding/binary"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/wal"
)

// Info values of RmgrSmgr records (XLOG_SMGR_CREATE, XLOG_SMGR_TRUNCATE).
const (
	InfoSmgrCreate   uint8 = 0x10
	InfoSmgrTruncate uint8 = 0x20
)

// SmgrCreate is the payload of an InfoSmgrCreate record (xl_smgr_create).
type SmgrCreate struct {
	Node base.RelFileNode
	Fork base.ForkNumber
}

// SmgrTruncate is the payload of an InfoSmgrTruncate record
// (xl_smgr_truncate, one fork per record).
type SmgrTruncate struct {
	Node    base.RelFileNode
	Fork    base.ForkNumber
	NBlocks base.BlockNumber
}

// EncodeSmgrCreate encodes a create record's data: rel(4) fork(1).
func EncodeSmgrCreate(c SmgrCreate) []byte {
	b := make([]byte, 5)
	binary.LittleEndian.PutUint32(b, uint32(c.Node.Rel))
	b[4] = byte(c.Fork)
	return b
}

// DecodeSmgrCreate decodes a create record's data; bad data is
// DataCorrupted.
func DecodeSmgrCreate(b []byte) (SmgrCreate, error) {
	if len(b) != 5 || b[4] >= byte(len(forkSuffix)) {
		return SmgrCreate{}, pgerr.New(pgerr.DataCorrupted, "invalid smgr create record (%d bytes)", len(b))
	}
	return SmgrCreate{Node: base.RelFileNode{Rel: base.OID(binary.LittleEndian.Uint32(b))}, Fork: base.ForkNumber(b[4])}, nil
}

// EncodeSmgrTruncate encodes a truncate record's data: rel(4) fork(1)
// nblocks(4).
func EncodeSmgrTruncate(t SmgrTruncate) []byte {
	b := make([]byte, 9)
	binary.LittleEndian.PutUint32(b, uint32(t.Node.Rel))
	b[4] = byte(t.Fork)
	binary.LittleEndian.PutUint32(b[5:], uint32(t.NBlocks))
	return b
}

// DecodeSmgrTruncate decodes a truncate record's data; bad data is
// DataCorrupted.
func DecodeSmgrTruncate(b []byte) (SmgrTruncate, error) {
	if len(b) != 9 || b[4] >= byte(len(forkSuffix)) {
		return SmgrTruncate{}, pgerr.New(pgerr.DataCorrupted, "invalid smgr truncate record (%d bytes)", len(b))
	}
	return SmgrTruncate{
		Node:    base.RelFileNode{Rel: base.OID(binary.LittleEndian.Uint32(b))},
		Fork:    base.ForkNumber(b[4]),
		NBlocks: base.BlockNumber(binary.LittleEndian.Uint32(b[5:])),
	}, nil
}

// LogCreate creates the main fork of a new relation and WAL-logs it;
// mirrors RelationCreateStorage (smgrcreate + log_smgrcreate). The record
// is not flushed: a crash before it is durable leaves at worst an orphan
// empty file.
func (p *Pool) LogCreate(node base.RelFileNode) error {
	return p.LogCreateFork(node, base.MainFork)
}

// LogCreateFork is LogCreate for any fork.
func (p *Pool) LogCreateFork(node base.RelFileNode, fork base.ForkNumber) error {
	if err := p.smgr.Create(node, fork); err != nil {
		return err
	}
	if p.wal == nil {
		return nil
	}
	_, err := p.wal.Insert(&wal.Record{
		Rmgr: wal.RmgrSmgr, Info: InfoSmgrCreate,
		Data: EncodeSmgrCreate(SmgrCreate{Node: node, Fork: fork}),
	})
	return err
}

// LogTruncate truncates the main fork of a relation to nblocks blocks,
// WAL-logged; mirrors RelationTruncate. The record is flushed before the
// file is cut, since a truncation cannot be undone (B11); the buffers of
// the removed blocks are discarded without being written.
func (p *Pool) LogTruncate(node base.RelFileNode, nblocks base.BlockNumber) error {
	return p.LogTruncateFork(node, base.MainFork, nblocks)
}

// LogTruncateFork is LogTruncate for any fork.
func (p *Pool) LogTruncateFork(node base.RelFileNode, fork base.ForkNumber, nblocks base.BlockNumber) error {
	if p.wal != nil {
		end, err := p.wal.Insert(&wal.Record{
			Rmgr: wal.RmgrSmgr, Info: InfoSmgrTruncate,
			Data: EncodeSmgrTruncate(SmgrTruncate{Node: node, Fork: fork, NBlocks: nblocks}),
		})
		if err != nil {
			return err
		}
		if err := p.wal.Flush(end); err != nil { // B11
			return err
		}
	}
	p.dropBuffersFrom(node, fork, nblocks)
	return p.smgr.Truncate(node, fork, nblocks)
}

// ReadForRedo returns the buffer of block reference i of rec, pinned and
// exclusively locked, and whether the caller must apply the record's
// change to it; mirrors XLogReadBufferForRedoExtended. A missing fork file
// is created and a missing block added (zeroed), as
// XLogReadBufferExtended does. If the reference carries a full-page image
// the page is restored from it (page LSN := rec.EndLSN) and apply is
// false; otherwise apply is false when the page LSN is already at or past
// rec.EndLSN (B6). When apply is true the caller changes the page, sets
// its LSN to rec.EndLSN, calls MarkDirty, Unlock and Release; otherwise
// just Unlock and Release.
func (p *Pool) ReadForRedo(rec *wal.Record, i int) (*Buffer, bool, error) {
	if rec == nil || i < 0 || i >= len(rec.Blocks) {
		return nil, false, pgerr.New(pgerr.InternalError, "record has no block reference %d", i)
	}
	ref := &rec.Blocks[i]
	tag := ref.Tag
	if int(tag.Fork) >= len(forkSuffix) || tag.Block == base.InvalidBlock {
		return nil, false, pgerr.New(pgerr.DataCorrupted, "invalid block reference %d (fork %d, block %d) in record at %s",
			i, tag.Fork, tag.Block, rec.LSN)
	}
	if ref.Image != nil && len(ref.Image) != base.BlockSize {
		return nil, false, pgerr.New(pgerr.DataCorrupted, "full-page image of %d bytes in record at %s", len(ref.Image), rec.LSN)
	}
	if err := p.smgr.createIfMissing(tag.Node, tag.Fork); err != nil {
		return nil, false, err
	}
	if err := p.smgr.ExtendTo(tag.Node, tag.Fork, tag.Block+1); err != nil {
		return nil, false, err
	}
	mode := readNormal
	if ref.Image != nil || ref.WillInit {
		mode = readZero
	}
	b, err := p.readBuffer(tag, mode)
	if err != nil {
		return nil, false, err
	}
	b.Lock()
	if ref.Image != nil {
		copy(b.page, ref.Image) // RestoreBlockImage
		if !b.page.IsNew() {
			b.page.SetLSN(rec.EndLSN)
		}
		b.MarkDirty()
		return b, false, nil
	}
	return b, b.page.LSN() < rec.EndLSN, nil
}

// RedoFPI replays an RmgrXLOG InfoFPI record: every block reference
// carries an image, restored by ReadForRedo. Other RmgrXLOG records
// (checkpoints, no-ops) change no page and are ignored.
func (p *Pool) RedoFPI(rec *wal.Record) error {
	if rec.Info != wal.InfoFPI {
		return nil
	}
	for i := range rec.Blocks {
		if rec.Blocks[i].Image == nil {
			return pgerr.New(pgerr.DataCorrupted, "XLOG_FPI record at %s did not contain a full-page image", rec.LSN)
		}
		b, _, err := p.ReadForRedo(rec, i)
		if err != nil {
			return err
		}
		b.Unlock()
		p.Release(b)
	}
	return nil
}

// RedoSmgr replays an RmgrSmgr record; mirrors smgr_redo.
func (p *Pool) RedoSmgr(rec *wal.Record) error {
	switch rec.Info {
	case InfoSmgrCreate:
		c, err := DecodeSmgrCreate(rec.Data)
		if err != nil {
			return err
		}
		return p.smgr.createIfMissing(c.Node, c.Fork)
	case InfoSmgrTruncate:
		t, err := DecodeSmgrTruncate(rec.Data)
		if err != nil {
			return err
		}
		if err := p.smgr.createIfMissing(t.Node, t.Fork); err != nil {
			return err
		}
		p.dropBuffersFrom(t.Node, t.Fork, t.NBlocks)
		return p.smgr.Truncate(t.Node, t.Fork, t.NBlocks)
	default:
		return pgerr.New(pgerr.DataCorrupted, "smgr_redo: unknown op code %#x in record at %s", rec.Info, rec.LSN)
	}
}

// Rmgrs returns the resource managers bufmgr owns: RmgrXLOG (full-page
// image records; see RedoFPI) and RmgrSmgr (file create and truncate). An
// owner that also needs RmgrXLOG records (checkpoints) can call RedoFPI
// from its own entry instead.
func (p *Pool) Rmgrs() []wal.Rmgr {
	return []wal.Rmgr{
		{ID: wal.RmgrXLOG, Name: "XLOG", Redo: p.RedoFPI},
		{ID: wal.RmgrSmgr, Name: "Storage", Redo: p.RedoSmgr},
	}
}
