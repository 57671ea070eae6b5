package catalog

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/tuskdb/tusk/access/heap"
	"github.com/tuskdb/tusk/access/tuple"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// Relation describes a relation: its pg_class row and its columns.
type Relation struct {
	OID       base.OID
	Name      string
	Namespace base.OID
	Kind      byte
	Node      base.RelFileNode
	Attrs     []Attribute // by attnum, 1-based: Attrs[i].Num == i+1; dropped ones have Dropped set
	tid       base.ItemPointer

	Pages      int32   // relpages (statistic.go)
	Tuples     float64 // reltuples; -1 = never vacuumed/analyzed (PG 15)
	AllVisible int32   // relallvisible
}

// Attribute describes a column (a pg_attribute row).
type Attribute struct {
	Name       string
	Num        int16
	Type       base.OID
	Typmod     int32
	NotNull    bool
	HasDefault bool
	Dropped    bool
	Default    string // the DEFAULT expression as SQL text when HasDefault (pg_attrdef.adbin, C7)
	Identity   byte   // attidentity: IdentityAlways, IdentityByDefault or 0 (sequence.go)
	tid        base.ItemPointer

	StatTarget int32 // attstattarget: -1 = default_statistics_target (statistic.go)
	// Collation is attcollation when the column names one (COLLATE "C");
	// 0 takes its type's default (100 for the string types, else none).
	Collation base.OID
}

// Column is what CreateRelation needs to know of a new column.
type Column struct {
	Name    string
	Type    base.OID
	Typmod  int32
	NotNull bool
	Default string // DEFAULT expression as SQL text, "" for none (C7)
	// Collation is the column's COLLATE (0: the type's default).
	Collation base.OID
}

// Catalog reads and writes the system catalog.
type Catalog struct {
	heap *heap.Heap
	mgr  *mvcc.Manager

	nextOID atomic.Uint32
	seqs    seqMemo // sequence.go

	mu      sync.Mutex
	cache   map[relKey]*Relation
	nsCache map[string]nsEntry
	memo    map[string]any
	changed map[*mvcc.Xact]*xactChanges
	// committing counts catalog-changing transactions between PreCommit
	// and XactDone; lastDDL is the xid of the last one that committed.
	// Together they keep the cache away from snapshots it does not
	// match (C3).
	committing int
	lastDDL    base.XID
	// epoch counts cache resets: a plan built from the catalog as of one
	// epoch is stale in the next (PlanEpoch).
	epoch uint64
}

type relKey struct {
	ns   base.OID
	name string
}

// xactChanges are a transaction's catalog side effects (C3, C5).
type xactChanges struct {
	created    []base.RelFileNode // remove on abort
	dropped    []base.RelFileNode // remove on commit
	committing bool               // PreCommit was called
	// classFlags are relations whose pg_class flags (relchecks,
	// relhasindex, relhastriggers, relhasrules) SyncClassFlags must
	// recompute (class_flags.go).
	classFlags map[base.OID]bool
}

// New returns a catalog over the given heap.
func New(h *heap.Heap, mgr *mvcc.Manager) *Catalog {
	c := &Catalog{heap: h, mgr: mgr, cache: map[relKey]*Relation{}, changed: map[*mvcc.Xact]*xactChanges{}}
	c.nextOID.Store(uint32(FirstNormalObjectID))
	return c
}

// NextOID returns the next OID to assign (for checkpoint records).
func (c *Catalog) NextOID() base.OID { return base.OID(c.nextOID.Load()) }

// SetNextOID moves the OID counter forward to at least n (C4).
func (c *Catalog) SetNextOID(n base.OID) {
	for {
		cur := c.nextOID.Load()
		if uint32(n) <= cur || c.nextOID.CompareAndSwap(cur, uint32(n)) {
			return
		}
	}
}

// NewOID assigns an OID (GetNewObjectId).
func (c *Catalog) NewOID() base.OID {
	for {
		o := c.nextOID.Add(1) - 1
		if base.OID(o) >= FirstNormalObjectID {
			return base.OID(o)
		}
		c.nextOID.CompareAndSwap(o+1, uint32(FirstNormalObjectID)) // wrapped: restart above system OIDs
	}
}

func (c *Catalog) changes(x *mvcc.Xact) *xactChanges {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.changed[x]
	if ch == nil {
		ch = &xactChanges{}
		c.changed[x] = ch
	}
	return ch
}

// XactDone must be called when a transaction ends; it invalidates the cache
// after a committed catalog change (C3) and returns the relation files to
// remove now (C5). The caller removes them.
func (c *Catalog) XactDone(x *mvcc.Xact, committed bool) []base.RelFileNode {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.changed[x]
	if !ok {
		return nil
	}
	delete(c.changed, x)
	if ch.committing {
		c.committing--
	}
	if committed {
		c.resetCaches()
		c.lastDDL = x.XID()
		return ch.dropped
	}
	return ch.created
}

// PreCommit must be called just before a transaction commits: if it
// changed the catalog, the relation cache is emptied and left unused
// until XactDone, so no snapshot that sees the commit can read an entry
// from before it (C3).
func (c *Catalog) PreCommit(x *mvcc.Xact) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.changed[x]; ok && !ch.committing {
		ch.committing = true
		c.committing++
		c.resetCaches()
	}
}

// cacheUsable reports whether the cache, which holds the catalog as of
// the last committed change, is what snap sees: no catalog change is
// committing, and snap was taken after the last one committed (C3).
// c.mu is held.
func (c *Catalog) cacheUsable(snap *mvcc.Snapshot) bool {
	if c.committing > 0 {
		return false
	}
	return !c.lastDDL.IsValid() || snap == nil || !snap.XIDRunning(c.lastDDL)
}

// PlanEpoch says which state of the catalog a plan built now, by x with
// snap, depends on: the number changes whenever a catalog change commits
// (or the caches are reset). ok is false when such a plan must not be
// cached at all: x changed the catalog itself, a change is committing, or
// snap does not see the last committed one (C3's rule for the relation
// cache, applied to the session's plan cache).
func (c *Catalog) PlanEpoch(x *mvcc.Xact, snap *mvcc.Snapshot) (epoch uint64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if x != nil {
		if _, changed := c.changed[x]; changed {
			return 0, false
		}
	}
	return c.epoch, c.cacheUsable(snap)
}

// Invalidate empties the relation cache.
func (c *Catalog) Invalidate() {
	c.mu.Lock()
	c.resetCaches()
	c.mu.Unlock()
}

func (c *Catalog) hasChanges(x *mvcc.Xact) bool {
	if x == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.changed[x]
	return ok
}

// scan calls fn with the decoded rows of a catalog table visible to snap.
func (c *Catalog) scan(t *sysTable, snap *mvcc.Snapshot, fn func(row []types.Datum, tid base.ItemPointer) (bool, error)) error {
	return c.scanKey(t, snap, -1, 0, fn)
}

// scanKey is scan limited to the rows whose column keyCol (an oid column)
// holds key: the other columns of a row are decoded only when it matches.
// keyCol -1 passes every row.
func (c *Catalog) scanKey(t *sysTable, snap *mvcc.Snapshot, keyCol int, key base.OID, fn func(row []types.Datum, tid base.ItemPointer) (bool, error)) error {
	s, err := c.heap.NewScan(base.RelFileNode{Rel: t.oid}, snap)
	if err != nil {
		return err
	}
	raw := make([][]byte, len(t.cols))
	row := make([]types.Datum, len(t.cols))
	for tup := s.Next(); tup != nil; tup = s.Next() {
		if err := tuple.DeformInto(tup.Payload, raw); err != nil {
			return err
		}
		if keyCol >= 0 {
			if raw[keyCol] == nil {
				continue
			}
			d, err := types.Decode(storageType(t.cols[keyCol].typ), raw[keyCol])
			if err != nil {
				return err
			}
			if base.OID(i64(d)) != key {
				continue
			}
		}
		for i, cl := range t.cols {
			row[i] = nil
			if raw[i] == nil {
				continue
			}
			d, err := types.Decode(storageType(cl.typ), raw[i])
			if err != nil {
				return err
			}
			row[i] = d
		}
		more, err := fn(row, tup.Header.Self)
		if err != nil || !more {
			return err
		}
	}
	return s.Err()
}

// insert adds a row to a catalog table in transaction x.
func (c *Catalog) insert(x *mvcc.Xact, t *sysTable, row []types.Datum) error {
	raw := make([][]byte, len(t.cols))
	for i, cl := range t.cols {
		if row[i] == nil {
			if cl.notNull {
				return pgerr.New(pgerr.InternalError, "catalog %s.%s must not be null", t.name, cl.name)
			}
			continue
		}
		raw[i] = types.Encode(storageType(cl.typ), row[i])
		if raw[i] == nil {
			raw[i] = []byte{} // empty, not NULL
		}
	}
	_, err := c.heap.Insert(base.RelFileNode{Rel: t.oid}, x, tuple.Form(raw))
	return err
}

func (c *Catalog) delete(ctx context.Context, x *mvcc.Xact, t *sysTable, tid base.ItemPointer) error {
	res, _, err := c.heap.Delete(ctx, base.RelFileNode{Rel: t.oid}, x, tid)
	if err != nil {
		return err
	}
	if res != mvcc.TMOk && res != mvcc.TMSelfModified {
		return pgerr.New(pgerr.SerializationFailure, "could not serialize access due to concurrent update")
	}
	return nil
}

func i64(d types.Datum) int64 {
	v, _ := d.(int64)
	return v
}

func str(d types.Datum) string {
	v, _ := d.(string)
	return v
}

func boolean(d types.Datum) bool {
	v, _ := d.(bool)
	return v
}

// LookupNamespace returns the OID of a schema, or false.
func (c *Catalog) LookupNamespace(snap *mvcc.Snapshot, name string) (base.OID, bool, error) {
	var oid base.OID
	found := false
	err := c.scan(&pgNamespace, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if str(row[nspName]) == name {
			oid, found = base.OID(i64(row[nspOID])), true
			return false, nil
		}
		return true, nil
	})
	return oid, found, err
}

// LookupNamespaceX is LookupNamespace through the cache, for transaction
// x (which reads around the cache when it changed the catalog, C3).
func (c *Catalog) LookupNamespaceX(x *mvcc.Xact, snap *mvcc.Snapshot, name string) (base.OID, bool, error) {
	useCache := !c.hasChanges(x)
	if useCache {
		c.mu.Lock()
		e, ok := c.nsCache[name]
		ok = ok && c.cacheUsable(snap)
		c.mu.Unlock()
		if ok {
			return e.oid, e.found, nil
		}
	}
	oid, found, err := c.LookupNamespace(snap, name)
	if err == nil && useCache {
		c.mu.Lock()
		if c.cacheUsable(snap) {
			if c.nsCache == nil {
				c.nsCache = map[string]nsEntry{}
			}
			c.nsCache[name] = nsEntry{oid, found}
		}
		c.mu.Unlock()
	}
	return oid, found, err
}

type nsEntry struct {
	oid   base.OID
	found bool
}

// resetCaches empties the relation, namespace and derived caches; c.mu
// is held.
func (c *Catalog) resetCaches() {
	c.epoch++
	c.cache = map[relKey]*Relation{}
	c.nsCache = nil
	c.memo = nil
}

// Memo caches a value computed from the catalog (a table's indexes, its
// constraints) under the relation cache's rules (C3): dropped when a
// catalog change commits, bypassed by a transaction that changed the
// catalog. Callers must not modify what it returns.
func (c *Catalog) Memo(x *mvcc.Xact, snap *mvcc.Snapshot, key string, compute func() (any, error)) (any, error) {
	useCache := !c.hasChanges(x)
	if useCache {
		c.mu.Lock()
		v, ok := c.memo[key]
		ok = ok && c.cacheUsable(snap)
		c.mu.Unlock()
		if ok {
			return v, nil
		}
	}
	v, err := compute()
	if err == nil && useCache {
		c.mu.Lock()
		if c.cacheUsable(snap) {
			if c.memo == nil {
				c.memo = map[string]any{}
			}
			c.memo[key] = v
		}
		c.mu.Unlock()
	}
	return v, err
}

// LookupRelation finds a relation by schema and name; nil if there is none.
// x is the calling transaction (may be nil): when it changed the catalog
// the cache is bypassed (C3).
func (c *Catalog) LookupRelation(x *mvcc.Xact, snap *mvcc.Snapshot, ns base.OID, name string) (*Relation, error) {
	key := relKey{ns, name}
	useCache := !c.hasChanges(x)
	if useCache {
		c.mu.Lock()
		r, ok := c.cache[key]
		ok = ok && c.cacheUsable(snap)
		c.mu.Unlock()
		if ok {
			return r, nil
		}
	}
	var rel *Relation
	err := c.scan(&pgClass, snap, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		if base.OID(i64(row[relNamespace])) == ns && str(row[relName]) == name {
			rel = relFromRow(row, tid)
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	if rel == nil {
		// Misses are cached too: every unqualified name is first looked
		// for in pg_catalog.
		if useCache {
			c.mu.Lock()
			if c.cacheUsable(snap) {
				c.cache[key] = nil
			}
			c.mu.Unlock()
		}
		return nil, nil
	}
	if err := c.loadAttrs(snap, rel); err != nil {
		return nil, err
	}
	if useCache {
		c.mu.Lock()
		if c.cacheUsable(snap) {
			c.cache[key] = rel
		}
		c.mu.Unlock()
	}
	return rel, nil
}

// RelationByOID finds a relation by OID; nil if there is none.
func (c *Catalog) RelationByOID(snap *mvcc.Snapshot, oid base.OID) (*Relation, error) {
	var rel *Relation
	err := c.scan(&pgClass, snap, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		if base.OID(i64(row[relOID])) == oid {
			rel = relFromRow(row, tid)
			return false, nil
		}
		return true, nil
	})
	if err != nil || rel == nil {
		return nil, err
	}
	return rel, c.loadAttrs(snap, rel)
}

func relFromRow(row []types.Datum, tid base.ItemPointer) *Relation {
	return &Relation{
		OID:       base.OID(i64(row[relOID])),
		Name:      str(row[relName]),
		Namespace: base.OID(i64(row[relNamespace])),
		Kind:      str(row[relKind])[0],
		Node:      base.RelFileNode{Rel: base.OID(i64(row[relFilenode]))},
		tid:       tid,

		Pages:      int32(i64(row[relPages])),
		Tuples:     f64(row[relTuples]),
		AllVisible: int32(i64(row[relAllVisible])),
	}
}

func (c *Catalog) loadAttrs(snap *mvcc.Snapshot, rel *Relation) error {
	var attrs []Attribute
	err := c.scanKey(&pgAttribute, snap, attRelID, rel.OID, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		if base.OID(i64(row[attRelID])) != rel.OID || i64(row[attNum]) <= 0 {
			return true, nil
		}
		attrs = append(attrs, Attribute{
			Name:       str(row[attName]),
			Num:        int16(i64(row[attNum])),
			Type:       base.OID(i64(row[attTypID])),
			Typmod:     int32(i64(row[attTypMod])),
			NotNull:    boolean(row[attNotNull]),
			HasDefault: boolean(row[attHasDef]),
			Dropped:    boolean(row[attIsDropped]),
			Identity:   identityOf(row[attIdentity]),
			tid:        tid,
			StatTarget: int32(i64(row[attStatTarget])),
			Collation:  base.OID(i64(row[attCollation])),
		})
		return true, nil
	})
	if err != nil {
		return err
	}
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].Num < attrs[j].Num })
	for i := range attrs {
		if int(attrs[i].Num) != i+1 {
			return pgerr.New(pgerr.DataCorrupted, "catalog is corrupt: relation %q lacks attribute %d", rel.Name, i+1)
		}
	}
	rel.Attrs = attrs
	return c.loadDefaults(snap, rel)
}

// CreateRelation creates a table (kind 'r') in schema ns: its file and its
// catalog rows, in transaction x (C2, C5). It fails with 42P07 when the
// name is taken. snap must see x's earlier commands.
func (c *Catalog) CreateRelation(x *mvcc.Xact, snap *mvcc.Snapshot, ns base.OID, name string, kind byte, cols []Column) (*Relation, error) {
	if existing, err := c.LookupRelation(x, snap, ns, name); err != nil {
		return nil, err
	} else if existing != nil {
		return nil, pgerr.New(pgerr.DuplicateTable, "relation %q already exists", name)
	}
	if len(cols) > 1600 {
		return nil, pgerr.New(pgerr.TooManyColumns, "tables can have at most 1600 columns")
	}
	seen := map[string]bool{}
	for _, cl := range cols {
		if seen[cl.Name] {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", cl.Name)
		}
		seen[cl.Name] = true
	}
	oid := c.NewOID()
	rel := &Relation{OID: oid, Name: name, Namespace: ns, Kind: kind, Node: base.RelFileNode{Rel: oid}}
	ch := c.changes(x)
	if kind == KindTable || kind == KindIndex || kind == KindSequence {
		// An index's file is made by its access method (btree.Create).
		if kind != KindIndex {
			if err := c.heap.Create(rel.Node); err != nil {
				return nil, err
			}
		}
		c.mu.Lock()
		ch.created = append(ch.created, rel.Node)
		c.mu.Unlock()
	} else {
		rel.Node = base.RelFileNode{}
	}
	if err := c.insert(x, &pgClass, classRow(rel, len(cols))); err != nil {
		return nil, err
	}
	for i, cl := range cols {
		a := Attribute{Name: cl.Name, Num: int16(i + 1), Type: cl.Type, Typmod: cl.Typmod, NotNull: cl.NotNull,
			HasDefault: cl.Default != "", Default: cl.Default, Collation: cl.Collation}
		if err := c.insert(x, &pgAttribute, attrRow(oid, &a)); err != nil {
			return nil, err
		}
		if a.HasDefault {
			if err := c.insertDefault(x, oid, a.Num, a.Default); err != nil {
				return nil, err
			}
		}
		rel.Attrs = append(rel.Attrs, a)
	}
	return rel, nil
}

// DropRelation removes a relation's catalog rows in x; its file goes when
// x commits (C5).
func (c *Catalog) DropRelation(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, rel *Relation) error {
	ch := c.changes(x)
	if err := c.dropObjectRows(ctx, x, snap, rel.OID); err != nil {
		return err
	}
	if rel.Kind == KindSequence {
		if err := c.dropSequenceRow(ctx, x, snap, rel.OID); err != nil {
			return err
		}
	}
	if err := c.delete(ctx, x, &pgClass, rel.tid); err != nil {
		return err
	}
	for _, a := range rel.Attrs {
		if err := c.delete(ctx, x, &pgAttribute, a.tid); err != nil {
			return err
		}
	}
	if rel.Node.Rel != base.InvalidOID {
		c.mu.Lock()
		ch.dropped = append(ch.dropped, rel.Node)
		c.mu.Unlock()
	}
	return nil
}

func classRow(rel *Relation, natts int) []types.Datum {
	row := make([]types.Datum, len(pgClass.cols))
	row[relOID] = int64(rel.OID)
	row[relName] = rel.Name
	row[relNamespace] = int64(rel.Namespace)
	row[relType] = int64(0)
	row[relOfType] = int64(0)
	row[relOwner] = int64(BootstrapSuperuser)
	am := int64(0)
	switch rel.Kind {
	case KindTable: // a sequence has no access method (relam 0, as PostgreSQL 15)
		am = int64(HeapAM)
	case KindIndex:
		am = int64(BtreeAM)
	}
	row[relAM] = am
	row[relFilenode] = int64(rel.Node.Rel)
	row[relTablespace] = int64(0)
	row[relPages] = int64(0)
	row[relTuples] = float64(-1)
	if rel.Kind == KindIndex {
		row[relTuples] = float64(0) // PostgreSQL's new index row starts at 0 (RelationBuildLocalRelation)
	}
	row[relAllVisible] = int64(0)
	row[relToastRelID] = int64(0)
	row[relHasIndex] = false
	row[relIsShared] = false
	row[relPersistence] = "p"
	row[relKind] = string(rel.Kind)
	row[relNatts] = int64(natts)
	row[relChecks] = int64(0)
	row[relHasRules] = false
	row[relHasTriggers] = false
	row[relHasSubclass] = false
	row[relRowSecurity] = false
	row[relForceRowSecurity] = false
	row[relIsPopulated] = true
	row[relReplIdent] = "d"
	if rel.Kind != KindTable {
		row[relReplIdent] = "n"
	}
	row[relIsPartition] = false
	row[relRewrite] = int64(0)
	row[relFrozenXID] = int64(0)
	if rel.Kind == KindTable {
		row[relFrozenXID] = int64(base.FirstNormalXID)
	}
	row[relMinMXID] = int64(0)
	if rel.Kind == KindTable {
		row[relMinMXID] = int64(1)
	}
	return row
}

func attrRow(relid base.OID, a *Attribute) []types.Datum {
	row := make([]types.Datum, len(pgAttribute.cols))
	ty, ok := types.ByOID(a.Type)
	length, byval, align, storage := int64(-1), false, "i", "x"
	if ok {
		length, byval, align = int64(ty.Len), ty.ByVal, string(ty.Align)
		if ty.Len > 0 {
			storage = "p"
		}
		if ty.OID == 1700 { // numeric is typstorage 'm' (main)
			storage = "m"
		}
	}
	row[attRelID] = int64(relid)
	row[attName] = a.Name
	row[attTypID] = int64(a.Type)
	row[attStatTarget] = int64(-1)
	row[attLen] = length
	row[attNum] = int64(a.Num)
	row[attNDims] = int64(0)
	if ok && ty.IsArray() {
		row[attNDims] = int64(1)
	}
	row[attCacheOff] = int64(-1)
	row[attTypMod] = int64(a.Typmod)
	row[attByVal] = byval
	row[attAlign] = align
	row[attStorage] = storage
	row[attCompression] = "\x00"
	row[attNotNull] = a.NotNull
	row[attHasDef] = a.HasDefault
	row[attHasMissing] = false
	row[attIdentity] = "\x00"
	row[attGenerated] = "\x00"
	row[attIsDropped] = a.Dropped
	row[attIsLocal] = true
	row[attInhCount] = int64(0)
	row[attCollation] = int64(0)
	switch {
	case a.Collation != 0:
		row[attCollation] = int64(a.Collation)
	case ok && ty.Category == 'S':
		row[attCollation] = int64(100) // default collation
	}
	return row
}

// storageType is the type whose binary form a catalog column uses: its
// own, or for types Tusk has no datum of (pg_node_tree, int2vector,
// oidvector) the type with the same content (text, int2[], oid[]).
func storageType(oid base.OID) *types.T {
	switch oid {
	case tNodeTree:
		return types.Text
	case tInt2Vector:
		t, _ := types.ByOID(1005)
		return t
	case tOidVector:
		t, _ := types.ByOID(1028)
		return t
	case tAclArray: // aclitem[] (always NULL: Tusk has no GRANT) as text[]
		return types.TextArray
	}
	if t, ok := types.ByOID(oid); ok {
		return t
	}
	return types.Text
}
