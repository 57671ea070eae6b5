package plan

import (
	"github.com/tuskdb/tusk/access/btree"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// IndexRef is an index a scan reads: its catalog entry, its relation (for
// its name) and the open B-tree. The executor opens the B-tree when Tree
// is nil (a plan built before the index file was opened).
type IndexRef struct {
	Rel  *catalog.Relation // the index's pg_class entry (Rel.Name is what EXPLAIN prints)
	Info *catalog.Index    // pg_index: key columns, options, uniqueness
	Tree *btree.Index
}

// ScanKeyOp is the strategy of an index scan key (B-tree strategies).
type ScanKeyOp uint8

// B-tree strategies, and IS NULL / IS NOT NULL.
const (
	KeyLT ScanKeyOp = iota + 1
	KeyLE
	KeyEQ
	KeyGE
	KeyGT
	KeyIsNull
	KeyIsNotNull
)

// ScanKey is one condition an index scan evaluates in the index: index
// column Col (0-based) compared by Op with Arg. Arg is evaluated when the
// scan starts or is rescanned: it is a constant, a Param, or (in the inner
// side of a NestLoop with Params) an expression over the NestLoop's outer
// row, written as analyze.OuterVar{Levels: 1}. Arg is nil for KeyIsNull
// and KeyIsNotNull. ArgType is Arg's type; when it differs from the index
// column's type the executor compares across types (int4 key, int8 arg).
type ScanKey struct {
	Col     int
	Op      ScanKeyOp
	Arg     analyze.Expr
	ArgType *types.T
	// Array: Arg is an array and the key is "col = ANY (Arg)" (Op KeyEQ;
	// PostgreSQL's SK_SEARCHARRAY, from "col IN (...)"); ArgType may be the
	// array's type or its element type. The scan visits the distinct
	// non-NULL elements in index order, one B-tree descent each.
	Array bool
}

// IndexScan reads the heap tuples an index returns for Keys, in index
// order (Backward: reverse order), keeping those that satisfy Qual.
// Rows are laid out like SeqScan's: every column of Rel (and, with
// EmitCTID, the ctid last). IndexQual is the indexed condition as an
// expression over that row, for EXPLAIN's "Index Cond"; the executor
// does not evaluate it (it is Keys).
type IndexScan struct {
	C         Cost
	Rel       *catalog.Relation
	Cols      []analyze.Column
	Index     *IndexRef
	Keys      []ScanKey
	IndexQual analyze.Expr
	Qual      analyze.Expr
	Backward  bool
	EmitCTID  bool
}

// IndexOnlyScan is an IndexScan whose output comes from the index tuple:
// the heap is read only for pages not marked all-visible in the
// visibility map. Rows still have Rel's width (columns not in the index
// are NULL; the planner uses it only when no such column is read).
type IndexOnlyScan struct {
	C         Cost
	Rel       *catalog.Relation
	Cols      []analyze.Column
	Index     *IndexRef
	Keys      []ScanKey
	IndexQual analyze.Expr
	Qual      analyze.Expr
	Backward  bool
}

// BitmapIndexScan collects the TIDs an index returns for Keys into a
// bitmap; it produces no rows and is only a child of BitmapHeapScan,
// BitmapAnd or BitmapOr.
type BitmapIndexScan struct {
	C         Cost
	Index     *IndexRef
	Keys      []ScanKey
	IndexQual analyze.Expr
}

// BitmapAnd intersects its children's bitmaps; BitmapOr unites them.
type BitmapAnd struct {
	C      Cost
	Inputs []Node
}

// BitmapOr unites its children's bitmaps.
type BitmapOr struct {
	C      Cost
	Inputs []Node
}

// BitmapHeapScan reads, in physical order, the heap tuples of the bitmap
// its Bitmap child builds, re-checking RecheckQual where the bitmap is
// lossy and keeping those that satisfy Qual. Rows are laid out as
// SeqScan's.
type BitmapHeapScan struct {
	C           Cost
	Rel         *catalog.Relation
	Cols        []analyze.Column
	Bitmap      Node // BitmapIndexScan, BitmapAnd or BitmapOr
	RecheckQual analyze.Expr
	Qual        analyze.Expr
	EmitCTID    bool
}

// MergeJoin joins two inputs sorted on OuterKeys / InnerKeys (equality,
// ascending unless Desc[i]; NULLs never match). Qual is the rest of the
// join condition over outer ++ inner. Kinds: inner, left, right, full,
// semi, anti.
type MergeJoin struct {
	C          Cost
	Kind       JoinKind
	Outer      Node
	Inner      Node
	OuterKeys  []analyze.Expr
	InnerKeys  []analyze.Expr
	Desc       []bool
	NullsFirst []bool
	Qual       analyze.Expr
	OuterWidth int
	InnerWidth int
	// InnerUnique: see NestLoop.InnerUnique.
	InnerUnique bool
}

// Memoize caches the inner side of a parameterized NestLoop by the values
// of Keys (expressions over the NestLoop's outer row, as OuterVar{Levels:
// 1}): a repeated key returns the cached rows instead of rescanning Child.
type Memoize struct {
	C     Cost
	Child Node
	Keys  []analyze.Expr
	// EstEntries is the planner's estimate of distinct keys (EXPLAIN does
	// not print it; the executor may size its cache by it).
	EstEntries float64
}

func (n *IndexScan) Est() *Cost       { return &n.C }
func (n *IndexOnlyScan) Est() *Cost   { return &n.C }
func (n *BitmapIndexScan) Est() *Cost { return &n.C }
func (n *BitmapAnd) Est() *Cost       { return &n.C }
func (n *BitmapOr) Est() *Cost        { return &n.C }
func (n *BitmapHeapScan) Est() *Cost  { return &n.C }
func (n *MergeJoin) Est() *Cost       { return &n.C }
func (n *Memoize) Est() *Cost         { return &n.C }

func (n *IndexScan) Children() []Node       { return nil }
func (n *IndexOnlyScan) Children() []Node   { return nil }
func (n *BitmapIndexScan) Children() []Node { return nil }
func (n *BitmapAnd) Children() []Node       { return n.Inputs }
func (n *BitmapOr) Children() []Node        { return n.Inputs }
func (n *BitmapHeapScan) Children() []Node  { return []Node{n.Bitmap} }
func (n *MergeJoin) Children() []Node       { return []Node{n.Outer, n.Inner} }
func (n *Memoize) Children() []Node         { return []Node{n.Child} }
