package catalog

import (
	"context"
	"encoding/binary"
	"sync"

	"github.com/tuskdb/tusk/access/tuple"
	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
	"github.com/tuskdb/tusk/wal"
)

// Sequences, PostgreSQL's commands/sequence.c. A sequence is a relation
// of kind 'S' with two parts:
//
//   - its parameters (INCREMENT, MINVALUE, MAXVALUE, START, CACHE, CYCLE,
//     AS type) are a pg_sequence row, changed transactionally like any
//     catalog row;
//   - its state (last_value, log_cnt, is_called) is the one tuple of the
//     one page of the relation's file, changed in place and not
//     transactionally (SQ1...SQ4 in README.md), so that SELECT * FROM seq
//     reads it as a heap scan reads any table.

// PgSequenceOID is pg_sequence's OID (PostgreSQL's).
const PgSequenceOID base.OID = 2224

// Column numbers of pg_sequence.
const (
	seqRelID = iota
	seqTypID
	seqStart
	seqIncrement
	seqMax
	seqMin
	seqCache
	seqCycle
)

const tInt8 base.OID = 20

var pgSequence = sysTable{PgSequenceOID, "pg_sequence", []col{
	{"seqrelid", tOid, true}, {"seqtypid", tOid, true}, {"seqstart", tInt8, true},
	{"seqincrement", tInt8, true}, {"seqmax", tInt8, true}, {"seqmin", tInt8, true},
	{"seqcache", tInt8, true}, {"seqcycle", tBool, true},
}}

func init() { sysTables = append(sysTables, &pgSequence) }

// Sequence holds a sequence's parameters: its pg_sequence row
// (FormData_pg_sequence). Those returned by OwnedSequence and
// SequenceByOID are shared: callers must not change them.
type Sequence struct {
	Rel       base.OID
	Type      base.OID // int2, int4 or int8
	Start     int64
	Increment int64
	Max       int64
	Min       int64
	Cache     int64
	Cycle     bool
}

// SequenceColumns are the columns of every sequence relation, as in
// PostgreSQL 15.
var SequenceColumns = []Column{
	{Name: "last_value", Type: tInt8, Typmod: -1, NotNull: true},
	{Name: "log_cnt", Type: tInt8, Typmod: -1, NotNull: true},
	{Name: "is_called", Type: tBool, Typmod: -1, NotNull: true},
}

func sequenceRow(seq *Sequence) []types.Datum {
	row := make([]types.Datum, len(pgSequence.cols))
	row[seqRelID] = int64(seq.Rel)
	row[seqTypID] = int64(seq.Type)
	row[seqStart] = seq.Start
	row[seqIncrement] = seq.Increment
	row[seqMax] = seq.Max
	row[seqMin] = seq.Min
	row[seqCache] = seq.Cache
	row[seqCycle] = seq.Cycle
	return row
}

// CreateSequence creates sequence name in schema ns with parameters seq
// in x (DefineSequence's catalog part): the relation, with the columns of
// SequenceColumns and an empty file, and its pg_sequence row; seq.Rel is
// set. The caller writes the state page with SeqStore.Init.
func (c *Catalog) CreateSequence(x *mvcc.Xact, snap *mvcc.Snapshot, ns base.OID, name string, seq *Sequence) (*Relation, error) {
	rel, err := c.CreateRelation(x, snap, ns, name, KindSequence, SequenceColumns)
	if err != nil {
		return nil, err
	}
	seq.Rel = rel.OID
	if err := c.insert(x, &pgSequence, sequenceRow(seq)); err != nil {
		return nil, err
	}
	return rel, nil
}

// SequenceParams returns the pg_sequence row of sequence rel visible to
// snap, or nil.
func (c *Catalog) SequenceParams(snap *mvcc.Snapshot, rel base.OID) (*Sequence, error) {
	var out *Sequence
	err := c.scan(&pgSequence, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[seqRelID])) != rel {
			return true, nil
		}
		out = &Sequence{Rel: rel, Type: base.OID(i64(row[seqTypID])), Start: i64(row[seqStart]),
			Increment: i64(row[seqIncrement]), Max: i64(row[seqMax]), Min: i64(row[seqMin]),
			Cache: i64(row[seqCache]), Cycle: boolean(row[seqCycle])}
		return false, nil
	})
	return out, err
}

// SetSequenceParams replaces the pg_sequence row of seq.Rel (AlterSequence).
func (c *Catalog) SetSequenceParams(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, seq *Sequence) error {
	n, err := c.modifyRows(ctx, x, snap, &pgSequence, func(row []types.Datum) bool {
		return base.OID(i64(row[seqRelID])) == seq.Rel
	}, func(row []types.Datum) { copy(row, sequenceRow(seq)) })
	if err == nil && n == 0 {
		err = pgerr.New(pgerr.InternalError, "cache lookup failed for sequence %d", seq.Rel)
	}
	return err
}

// dropSequenceRow deletes the pg_sequence row of rel (DropRelation calls
// it for sequences).
func (c *Catalog) dropSequenceRow(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID) error {
	_, err := c.deleteRows(ctx, x, snap, &pgSequence, func(row []types.Datum) bool {
		return base.OID(i64(row[seqRelID])) == rel
	})
	return err
}

// SetSequenceOwner records that sequence seq belongs to column attnum of
// table rel (process_owned_by): a pg_depend row of type typ, DepAuto for
// OWNED BY and SERIAL (the sequence goes with the column or table),
// DepInternal for an identity column's sequence. Any earlier owner of that
// type is forgotten first; attnum 0 (OWNED BY NONE) only forgets.
func (c *Catalog) SetSequenceOwner(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, seq, rel base.OID, attnum int16, typ byte) error {
	if _, err := c.deleteRows(ctx, x, snap, &pgDepend, func(row []types.Datum) bool {
		return base.OID(i64(row[depClassID])) == PgClassOID && base.OID(i64(row[depObjID])) == seq &&
			base.OID(i64(row[depRefClassID])) == PgClassOID && str(row[depType]) == string(typ)
	}); err != nil {
		return err
	}
	if attnum == 0 {
		return nil
	}
	return c.addDependency(x, PgClassOID, seq, 0, PgClassOID, rel, int32(attnum), typ)
}

// SequenceOwner returns the table and column that own sequence seq with a
// dependency of type typ (sequenceIsOwned); ok is false when none does.
func (c *Catalog) SequenceOwner(snap *mvcc.Snapshot, seq base.OID, typ byte) (rel base.OID, attnum int16, ok bool, err error) {
	err = c.scan(&pgDepend, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[depClassID])) == PgClassOID && base.OID(i64(row[depObjID])) == seq &&
			base.OID(i64(row[depRefClassID])) == PgClassOID && str(row[depType]) == string(typ) {
			rel, attnum, ok = base.OID(i64(row[depRefObjID])), int16(i64(row[depRefObjSubID])), true
			return false, nil
		}
		return true, nil
	})
	return rel, attnum, ok, err
}

// OwnedSequence returns the parameters of the sequence that column
// attnum of table rel owns with a dependency of type typ (DepAuto: SERIAL
// or OWNED BY; DepInternal: identity), or nil (getIdentitySequence,
// pg_get_serial_sequence), as snap sees them; x is the calling
// transaction. Answers are cached like relations (C3, SQ5): an INSERT
// into an identity column does not scan pg_depend each time.
func (c *Catalog) OwnedSequence(x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID, attnum int16, typ byte) (*Sequence, error) {
	key := ownedKey{rel, attnum, typ}
	gen, ok := c.seqCacheGen(x, snap)
	if ok {
		if seq, hit := c.seqs.owned(gen, key); hit {
			return seq, nil
		}
	}
	var cands []base.OID
	err := c.scan(&pgDepend, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[depClassID])) == PgClassOID && base.OID(i64(row[depRefClassID])) == PgClassOID &&
			base.OID(i64(row[depRefObjID])) == rel && int16(i64(row[depRefObjSubID])) == attnum &&
			str(row[depType]) == string(typ) {
			cands = append(cands, base.OID(i64(row[depObjID])))
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	var out *Sequence
	for _, o := range cands {
		if out, err = c.SequenceParams(snap, o); err != nil {
			return nil, err
		}
		if out != nil {
			break
		}
	}
	if ok {
		c.seqs.putOwned(c, gen, key, out)
	}
	return out, nil
}

// SequenceByOID returns relation oid and, when it is a sequence, its
// parameters, as snap sees them (nil, nil, nil when there is no such
// relation); x is the calling transaction. Sequences are cached like
// relations (C3, SQ5), so nextval by OID does not scan pg_class and
// pg_sequence each time.
func (c *Catalog) SequenceByOID(x *mvcc.Xact, snap *mvcc.Snapshot, oid base.OID) (*Relation, *Sequence, error) {
	gen, ok := c.seqCacheGen(x, snap)
	if ok {
		if e, hit := c.seqs.byOID(gen, oid); hit {
			return e.rel, e.seq, nil
		}
	}
	rel, err := c.RelationByOID(snap, oid)
	if err != nil || rel == nil {
		return nil, nil, err
	}
	if rel.Kind != KindSequence {
		return rel, nil, nil
	}
	seq, err := c.SequenceParams(snap, oid)
	if err != nil {
		return nil, nil, err
	}
	if ok && seq != nil {
		c.seqs.putByOID(c, gen, oid, seqEntry{rel, seq})
	}
	return rel, seq, nil
}

// seqMemo holds sequences and column ownership as of the last committed
// catalog change (gen, the xid that committed it).
type seqMemo struct {
	mu     sync.Mutex
	gen    base.XID
	valid  bool
	seqs   map[base.OID]seqEntry
	owners map[ownedKey]*Sequence
}

type seqEntry struct {
	rel *Relation
	seq *Sequence
}

type ownedKey struct {
	rel    base.OID
	attnum int16
	typ    byte
}

// seqCacheGen reports whether x and snap may use the cache, as the
// relation cache decides (C3), and the generation they would see.
func (c *Catalog) seqCacheGen(x *mvcc.Xact, snap *mvcc.Snapshot) (base.XID, bool) {
	if c.hasChanges(x) {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastDDL, c.cacheUsable(snap)
}

// at empties the cache when it holds another generation; s.mu is held.
func (s *seqMemo) at(gen base.XID) {
	if !s.valid || s.gen != gen {
		s.gen, s.valid = gen, true
		s.seqs, s.owners = map[base.OID]seqEntry{}, map[ownedKey]*Sequence{}
	}
}

func (s *seqMemo) byOID(gen base.XID, oid base.OID) (seqEntry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at(gen)
	e, ok := s.seqs[oid]
	return e, ok
}

func (s *seqMemo) owned(gen base.XID, k ownedKey) (*Sequence, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at(gen)
	seq, ok := s.owners[k]
	return seq, ok
}

// put stores an entry read under generation gen if that is still the
// catalog's: a change that committed meanwhile makes it stale (SQ5).
func (s *seqMemo) put(c *Catalog, gen base.XID, store func()) {
	c.mu.Lock()
	current := c.lastDDL == gen && c.committing == 0
	c.mu.Unlock()
	if !current {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at(gen)
	store()
}

func (s *seqMemo) putByOID(c *Catalog, gen base.XID, oid base.OID, e seqEntry) {
	s.put(c, gen, func() { s.seqs[oid] = e })
}

func (s *seqMemo) putOwned(c *Catalog, gen base.XID, k ownedKey, seq *Sequence) {
	s.put(c, gen, func() { s.owners[k] = seq })
}

// OwnedSequences lists the sequences owned by column attnum of table rel,
// or by any of its columns when attnum is 0: by SERIAL or OWNED BY
// (DepAuto) or as an identity column's (DepInternal). TRUNCATE ...
// RESTART IDENTITY restarts them; DROP COLUMN drops them.
func (c *Catalog) OwnedSequences(snap *mvcc.Snapshot, rel base.OID, attnum int16) ([]*Sequence, error) {
	var cands []base.OID
	err := c.scan(&pgDepend, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		typ := str(row[depType])
		if base.OID(i64(row[depClassID])) == PgClassOID && base.OID(i64(row[depRefClassID])) == PgClassOID &&
			base.OID(i64(row[depRefObjID])) == rel && i64(row[depRefObjSubID]) > 0 &&
			(attnum == 0 || int16(i64(row[depRefObjSubID])) == attnum) &&
			(typ == string(DepAuto) || typ == string(DepInternal)) {
			cands = append(cands, base.OID(i64(row[depObjID])))
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	var out []*Sequence
	for _, o := range cands {
		seq, err := c.SequenceParams(snap, o)
		if err != nil {
			return nil, err
		}
		if seq != nil {
			out = append(out, seq)
		}
	}
	return out, nil
}

// AddDefaultDependency records that the DEFAULT of column attnum of rel
// uses sequence seq (recordDependencyOnExpr for nextval('seq')): a normal
// pg_depend row from the column's pg_attrdef row, so that DROP SEQUENCE
// needs CASCADE while the default exists. Recording it twice is a no-op.
func (c *Catalog) AddDefaultDependency(x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID, attnum int16, seq base.OID) error {
	ad, err := c.attrdefOID(snap, rel, attnum)
	if err != nil {
		return err
	}
	if ad == base.InvalidOID {
		return pgerr.New(pgerr.InternalError, "column %d of relation %d has no default", attnum, rel)
	}
	exists := false
	if err := c.scan(&pgDepend, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		exists = base.OID(i64(row[depClassID])) == PgAttrdefOID && base.OID(i64(row[depObjID])) == ad &&
			base.OID(i64(row[depRefObjID])) == seq
		return !exists, nil
	}); err != nil || exists {
		return err
	}
	c.changes(x)
	return c.addDependency(x, PgAttrdefOID, ad, 0, PgClassOID, seq, 0, DepNormal)
}

// DefaultsUsing returns the columns whose DEFAULT depends on relation
// ref (the pg_attrdef dependents of a sequence), as (table, attnum) pairs.
func (c *Catalog) DefaultsUsing(snap *mvcc.Snapshot, ref base.OID) ([][2]int64, error) {
	var ads []base.OID
	err := c.scan(&pgDepend, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[depClassID])) == PgAttrdefOID && base.OID(i64(row[depRefObjID])) == ref {
			ads = append(ads, base.OID(i64(row[depObjID])))
		}
		return true, nil
	})
	if err != nil || len(ads) == 0 {
		return nil, err
	}
	var out [][2]int64
	err = c.scan(&pgAttrdef, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		for _, ad := range ads {
			if base.OID(i64(row[adOID])) == ad {
				out = append(out, [2]int64{i64(row[adRelID]), i64(row[adNum])})
			}
		}
		return true, nil
	})
	return out, err
}

func (c *Catalog) attrdefOID(snap *mvcc.Snapshot, rel base.OID, attnum int16) (base.OID, error) {
	oid := base.InvalidOID
	err := c.scan(&pgAttrdef, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[adRelID])) == rel && int16(i64(row[adNum])) == attnum {
			oid = base.OID(i64(row[adOID]))
			return false, nil
		}
		return true, nil
	})
	return oid, err
}

// Identity kinds (pg_attribute.attidentity).
const (
	IdentityAlways    byte = 'a'
	IdentityByDefault byte = 'd'
)

// SetIdentity sets attidentity of column attnum of rel: IdentityAlways,
// IdentityByDefault, or 0 for none.
func (c *Catalog) SetIdentity(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel base.OID, attnum int16, kind byte) error {
	v := "\x00"
	if kind != 0 {
		v = string(kind)
	}
	return c.modifyAttr(ctx, x, snap, rel, attnum, func(row []types.Datum) { row[attIdentity] = v })
}

// identityOf decodes attidentity.
func identityOf(d types.Datum) byte {
	if s := str(d); s != "" && s[0] != 0 {
		return s[0]
	}
	return 0
}

// SeqState is the state of a sequence: the one tuple of its relation
// (FormData_pg_sequence_data).
type SeqState struct {
	LastValue int64
	LogCnt    int64
	IsCalled  bool
}

// SeqLogVals is how many values nextval logs ahead of what it hands out
// (SEQ_LOG_VALS, SQ2).
const SeqLogVals = 32

// seqMagic marks a sequence page in its special space (SEQ_MAGIC).
const seqMagic uint32 = 0x1717

// seqSpecial is the size of a sequence page's special space.
const seqSpecial = 8

// SeqStore reads and changes sequence state pages through the buffer
// pool, WAL-logging each change (SQ1...SQ4). It keeps no state of its own:
// the page's exclusive content lock serializes the callers of one
// sequence, whatever SeqStore value they use.
type SeqStore struct {
	pool *bufmgr.Pool
	log  *wal.Log
}

// NewSeqStore returns a SeqStore over pool and log.
func NewSeqStore(pool *bufmgr.Pool, log *wal.Log) *SeqStore {
	return &SeqStore{pool: pool, log: log}
}

// encodeSeqTuple forms the heap tuple holding st: a header whose xmin is
// FrozenXID, visible to every snapshot (as fill_seq_with_data freezes
// it), then the payload (last_value, log_cnt, is_called). The header
// layout is access/heap's (see its doc.go).
func encodeSeqTuple(st SeqState, self base.ItemPointer) []byte {
	payload := tuple.Form([][]byte{
		types.Encode(types.Int8, st.LastValue),
		types.Encode(types.Int8, st.LogCnt),
		types.Encode(types.Bool, st.IsCalled),
	})
	tup := make([]byte, 24+len(payload))
	binary.LittleEndian.PutUint32(tup[0:], uint32(base.FrozenXID))
	binary.LittleEndian.PutUint32(tup[16:], uint32(self.Block))
	binary.LittleEndian.PutUint16(tup[20:], uint16(self.Offset))
	binary.LittleEndian.PutUint16(tup[22:], mvcc.HeapXminFrozen|mvcc.HeapXmaxInvalid)
	copy(tup[24:], payload)
	return tup
}

var seqSelf = base.ItemPointer{Block: 0, Offset: 1}

// writeSeqTuple puts st into the tuple of a sequence page in place; the
// tuple's size never changes (fixed-width, never-null columns).
func writeSeqTuple(page bufmgr.Page, st SeqState) error {
	tup := encodeSeqTuple(st, seqSelf)
	item, err := seqItem(page)
	if err != nil {
		return err
	}
	if len(item) != len(tup) {
		return pgerr.New(pgerr.DataCorrupted, "sequence tuple has %d bytes, want %d", len(item), len(tup))
	}
	copy(item, tup)
	return nil
}

// seqItem checks that page is a sequence page and returns its tuple.
func seqItem(page bufmgr.Page) ([]byte, error) {
	if page.IsNew() || page.MaxOffset() != 1 {
		return nil, pgerr.New(pgerr.DataCorrupted, "bad sequence page: %d items", page.MaxOffset())
	}
	sp := page.SpecialSpace()
	if len(sp) < 4 || binary.LittleEndian.Uint32(sp) != seqMagic {
		return nil, pgerr.New(pgerr.DataCorrupted, "bad magic number in sequence page")
	}
	if _, _, flags := page.ItemID(1); flags != bufmgr.LPNormal {
		return nil, pgerr.New(pgerr.DataCorrupted, "bad sequence page: item 1 is not in use")
	}
	return page.Item(1), nil
}

// DecodeSeqPage reads the state from a sequence page; corrupt pages give
// DataCorrupted errors, never a panic.
func DecodeSeqPage(page []byte) (SeqState, error) {
	if len(page) != base.BlockSize {
		return SeqState{}, pgerr.New(pgerr.DataCorrupted, "sequence page of %d bytes", len(page))
	}
	if err := bufmgr.DecodePage(page); err != nil {
		return SeqState{}, err
	}
	item, err := seqItem(bufmgr.Page(page))
	if err != nil {
		return SeqState{}, err
	}
	if len(item) < 24 {
		return SeqState{}, pgerr.New(pgerr.DataCorrupted, "sequence tuple too short")
	}
	vals, err := tuple.Deform(item[24:], 3)
	if err != nil {
		return SeqState{}, err
	}
	var st SeqState
	for i, v := range vals {
		t := types.Int8
		if i == 2 {
			t = types.Bool
		}
		if v == nil {
			return SeqState{}, pgerr.New(pgerr.DataCorrupted, "sequence tuple has a NULL")
		}
		d, err := types.Decode(t, v)
		if err != nil {
			return SeqState{}, err
		}
		switch i {
		case 0:
			st.LastValue, _ = d.(int64)
		case 1:
			st.LogCnt, _ = d.(int64)
		case 2:
			st.IsCalled, _ = d.(bool)
		}
	}
	return st, nil
}

// logPage WAL-logs image as the new content of buf's page (an XLOG_FPI
// record, as log_newpage writes; redo restores it whole, SQ1) and returns
// the record's end. The caller holds buf exclusively.
func (s *SeqStore) logPage(buf *bufmgr.Buffer, image []byte) (wal.LSN, error) {
	rec := &wal.Record{Rmgr: wal.RmgrXLOG, Info: wal.InfoFPI, Blocks: []wal.BlockRef{{
		Tag: buf.Tag(), PageLSN: buf.Page().LSN(), Page: image, ForceImage: true,
	}}}
	return s.log.Insert(rec)
}

// Init writes the first and only page of a new sequence relation file
// with state st (fill_seq_with_data). The file exists and is empty.
func (s *SeqStore) Init(node base.RelFileNode, st SeqState) error {
	buf, err := s.pool.NewPage(node, base.MainFork)
	if err != nil {
		return err
	}
	defer s.pool.Release(buf)
	buf.Lock()
	defer buf.Unlock()
	if buf.Tag().Block != 0 {
		return pgerr.New(pgerr.InternalError, "sequence relation %d is not empty", node.Rel)
	}
	page := buf.Page()
	bufmgr.InitPage(page, seqSpecial)
	binary.LittleEndian.PutUint32(page.SpecialSpace(), seqMagic)
	if _, err := page.AddItem(encodeSeqTuple(st, seqSelf), base.InvalidOffset); err != nil {
		return err
	}
	lsn, err := s.logPage(buf, page)
	if err != nil {
		return err
	}
	page.SetLSN(lsn)
	buf.MarkDirty()
	return nil
}

// lockPage returns the sequence page of node pinned and exclusively locked.
func (s *SeqStore) lockPage(node base.RelFileNode) (*bufmgr.Buffer, SeqState, error) {
	buf, err := s.pool.ReadBuffer(base.BufferTag{Node: node, Fork: base.MainFork, Block: 0})
	if err != nil {
		return nil, SeqState{}, err
	}
	buf.Lock()
	st, err := DecodeSeqPage(buf.Page())
	if err != nil {
		buf.Unlock()
		s.pool.Release(buf)
		return nil, SeqState{}, err
	}
	return buf, st, nil
}

// Read returns the current state of a sequence.
func (s *SeqStore) Read(node base.RelFileNode) (SeqState, error) {
	buf, st, err := s.lockPage(node)
	if err != nil {
		return SeqState{}, err
	}
	buf.Unlock()
	s.pool.Release(buf)
	return st, nil
}

// set changes the page of buf to st; when logged is not nil it is first
// WAL-logged as *logged (SQ1, SQ2). It returns the page LSN.
func (s *SeqStore) set(buf *bufmgr.Buffer, st SeqState, logged *SeqState) (wal.LSN, error) {
	page := buf.Page()
	if logged != nil {
		img := make([]byte, base.BlockSize)
		copy(img, page)
		if err := writeSeqTuple(img, *logged); err != nil {
			return 0, err
		}
		lsn, err := s.logPage(buf, img)
		if err != nil {
			return 0, err
		}
		page.SetLSN(lsn)
	}
	if err := writeSeqTuple(page, st); err != nil {
		return 0, err
	}
	buf.MarkDirty()
	return page.LSN(), nil
}

// flush makes the WAL durable through lsn when sync is set (SQ3).
func (s *SeqStore) flush(lsn wal.LSN, sync bool) error {
	if !sync {
		return nil
	}
	return s.log.Flush(lsn)
}

// Next advances sequence node, named name, with parameters seq by up to
// seq.Cache values (nextval_internal): it returns the first value for the
// caller (result) and the last one it reserved (last); the values after
// result up to last are the caller's cache. When the values run past the
// logged ones, or the page was last logged before the latest checkpoint's
// redo pointer, SeqLogVals more are logged ahead (SQ2); with sync the
// WAL is flushed through the record that covers result before Next
// returns (SQ3).
func (s *SeqStore) Next(node base.RelFileNode, name string, seq *Sequence, sync bool) (result, last int64, err error) {
	buf, st, err := s.lockPage(node)
	if err != nil {
		return 0, 0, err
	}
	lsn, result, last, err := s.next(buf, st, name, seq)
	buf.Unlock()
	s.pool.Release(buf)
	if err != nil {
		return 0, 0, err
	}
	return result, last, s.flush(lsn, sync)
}

func (s *SeqStore) next(buf *bufmgr.Buffer, st SeqState, name string, seq *Sequence) (lsn wal.LSN, result, last int64, err error) {
	incby, maxv, minv, cache := seq.Increment, seq.Max, seq.Min, seq.Cache
	if cache < 1 {
		cache = 1
	}
	last, next := st.LastValue, st.LastValue
	result = st.LastValue
	fetch, log := cache, st.LogCnt
	var rescnt int64
	if !st.IsCalled {
		rescnt++ // return last_value if not is_called
		fetch--
	}
	logit := false
	if log < fetch || !st.IsCalled {
		fetch += SeqLogVals // forced log to satisfy local demand for values
		log = fetch
		logit = true
	} else if buf.Page().LSN() <= s.log.RedoPointer() {
		// Last logged before the checkpoint: replay from the checkpoint
		// would not advance the sequence past the logged values (SQ2).
		fetch += SeqLogVals
		log = fetch
		logit = true
	}
	for fetch > 0 {
		if incby > 0 {
			if (maxv >= 0 && next > maxv-incby) || (maxv < 0 && next+incby > maxv) {
				if rescnt > 0 {
					break // stop fetching
				}
				if !seq.Cycle {
					return 0, 0, 0, pgerr.New(pgerr.SequenceGeneratorLimitExceeded,
						"nextval: reached maximum value of sequence \"%s\" (%d)", name, maxv)
				}
				next = minv
			} else {
				next += incby
			}
		} else {
			if (minv < 0 && next < minv-incby) || (minv >= 0 && next+incby < minv) {
				if rescnt > 0 {
					break
				}
				if !seq.Cycle {
					return 0, 0, 0, pgerr.New(pgerr.SequenceGeneratorLimitExceeded,
						"nextval: reached minimum value of sequence \"%s\" (%d)", name, minv)
				}
				next = maxv
			} else {
				next += incby
			}
		}
		fetch--
		if rescnt < cache {
			log--
			rescnt++
			last = next
			if rescnt == 1 {
				result = next
			}
		}
	}
	log -= fetch // adjust for any unfetched numbers
	var logged *SeqState
	if logit {
		// Log the state as it will be after log more fetches, not the
		// current one: the next log values need no WAL (SQ2).
		logged = &SeqState{LastValue: next, LogCnt: 0, IsCalled: true}
	}
	lsn, err = s.set(buf, SeqState{LastValue: last, LogCnt: log, IsCalled: true}, logged)
	return lsn, result, last, err
}

// Set sets the state of sequence node to value (do_setval): isCalled
// false makes the next nextval return value itself. The new state is
// logged as it is (log_cnt 0) and, with sync, flushed (SQ3). The bounds
// check is the caller's.
func (s *SeqStore) Set(node base.RelFileNode, value int64, isCalled, sync bool) error {
	buf, _, err := s.lockPage(node)
	if err != nil {
		return err
	}
	st := SeqState{LastValue: value, IsCalled: isCalled}
	lsn, err := s.set(buf, st, &st)
	buf.Unlock()
	s.pool.Release(buf)
	if err != nil {
		return err
	}
	return s.flush(lsn, sync)
}

// ResetLog sets log_cnt of sequence node to 0, so that the next nextval
// logs again (ALTER SEQUENCE changing how values advance, SQ4).
func (s *SeqStore) ResetLog(node base.RelFileNode) error {
	buf, st, err := s.lockPage(node)
	if err != nil {
		return err
	}
	defer s.pool.Release(buf)
	defer buf.Unlock()
	if st.LogCnt == 0 {
		return nil
	}
	st.LogCnt = 0
	_, err = s.set(buf, st, &st)
	return err
}
