package plan

import (
	"github.com/tuskdb/tusk/sql/analyze"
)

// Row layout (P2): every node produces rows of a fixed width. A node with
// one child evaluates its expressions over the child's row; a join
// evaluates over outer ++ inner. Agg produces group keys ++ aggregate
// values (Aggref.Index); WindowAgg produces its child's row ++ window
// function values (WindowFunc.Index).

// JoinKind is the kind of a join node.
type JoinKind uint8

// Join kinds, as PostgreSQL's JoinType.
const (
	JoinInner JoinKind = iota
	JoinLeft           // outer rows without a match are kept, inner side NULL
	JoinRight          // inner rows without a match are kept, outer side NULL
	JoinFull
	JoinSemi // outer rows with at least one match, once (EXISTS, IN)
	JoinAnti // outer rows with no match (NOT EXISTS)
)

var joinNames = [...]string{"Inner", "Left", "Right", "Full", "Semi", "Anti"}

func (k JoinKind) String() string { return joinNames[k] }

// Filter keeps the child's rows that satisfy Qual.
type Filter struct {
	C     Cost
	Child Node
	Qual  analyze.Expr
}

// ValuesScan produces the rows of a VALUES list (Width columns).
type ValuesScan struct {
	C     Cost
	Rows  [][]analyze.Expr
	Width int
}

// FunctionScan produces the rows of a set-returning function in FROM
// (generate_series, unnest): one column per row.
type FunctionScan struct {
	C    Cost
	Name string
	Args []analyze.Expr
	// SRF starts the function; next yields values until ok is false.
	SRF func(args []any) (next func() (v any, ok bool, err error), err error)
	// Ordinality adds a bigint row-number column (WITH ORDINALITY).
	Ordinality bool
	// Record: each value SRF yields is a []types.Datum row of Width
	// columns (a record-returning function, analyze.FuncExpr.OutCols).
	Record bool
	Width  int
}

// NestLoop joins by evaluating Qual for every pair of outer and inner
// rows; the inner side is rescanned (or materialized) per outer row.
type NestLoop struct {
	C     Cost
	Kind  JoinKind
	Outer Node
	Inner Node
	Qual  analyze.Expr // join condition over outer ++ inner; nil = true
	// InnerWidth / OuterWidth give the column counts, for NULL-extension.
	OuterWidth, InnerWidth int
	// InnerUnique: each outer row matches at most one inner row (EXPLAIN
	// shows it as "Inner Unique"; set by the planner when it proves it).
	InnerUnique bool
	// Lateral: the inner side reads the current outer row (a LATERAL
	// item): it is rebuilt per outer row with that row pushed as the
	// enclosing row of OuterVar{Levels: 1}. A parameterized inner scan
	// (an IndexScan whose ScanKey.Arg reads the outer row, PostgreSQL's
	// "nested loop with parameters") is Lateral too; the executor may
	// rescan such an inner side with the new outer row instead of
	// rebuilding it.
	Lateral bool
}

// HashJoin builds a hash table on the inner side's InnerKeys and probes it
// with the outer side's OuterKeys (equality; NULL keys never match); Qual
// is the rest of the join condition over outer ++ inner.
type HashJoin struct {
	C          Cost
	Kind       JoinKind
	Outer      Node
	Inner      Node
	OuterKeys  []analyze.Expr // over the outer row
	InnerKeys  []analyze.Expr // over the inner row
	Qual       analyze.Expr
	OuterWidth int
	InnerWidth int
	// InnerUnique: see NestLoop.InnerUnique.
	InnerUnique bool
}

// Sort orders its child's rows by Keys (over the child's row). It spills
// to temporary files beyond work_mem.
type Sort struct {
	C     Cost
	Child Node
	Keys  []*analyze.SortKey
}

// Limit skips Offset rows and returns at most Count (nil: no limit); both
// are evaluated once, with no input row. WithTies keeps rows that tie the
// last one on Keys (FETCH ... WITH TIES).
type Limit struct {
	C        Cost
	Child    Node
	Offset   analyze.Expr
	Count    analyze.Expr
	WithTies bool
	Keys     []*analyze.SortKey
}

// AggStrategy is how Agg groups its input.
type AggStrategy uint8

// Aggregation strategies.
const (
	AggPlain  AggStrategy = iota // no GROUP BY: one row, even for empty input
	AggSorted                    // input sorted on the group keys
	AggHashed                    // hash table of groups, spills beyond work_mem
)

// Agg computes aggregates per group. Output: GroupKeys values ++ one
// value per Aggs entry (Aggref.Index = len(GroupKeys) + i).
// GroupingSets, when set, lists for each grouping set the indexes of the
// GroupKeys it groups by (the others are NULL in its rows).
type Agg struct {
	C            Cost
	Strategy     AggStrategy
	Child        Node
	GroupKeys    []analyze.Expr
	Aggs         []*analyze.Aggref
	GroupingSets [][]int
}

// Unique removes duplicate rows (all columns). Hashed selects a hash
// table; otherwise the input is sorted and adjacent duplicates go. With
// Keys (DISTINCT ON), only those expressions are compared and the first
// row of each group is kept (input sorted).
type Unique struct {
	C      Cost
	Child  Node
	Hashed bool
	Keys   []analyze.Expr
}

// SetOpKind is UNION, INTERSECT or EXCEPT.
type SetOpKind uint8

// Set operations.
const (
	SetUnion SetOpKind = iota
	SetIntersect
	SetExcept
)

// SetOp combines two inputs of the same width: UNION [ALL], INTERSECT
// [ALL], EXCEPT [ALL] with SQL's duplicate counting.
type SetOp struct {
	C     Cost
	Op    SetOpKind
	All   bool
	Left  Node
	Right Node
}

// Append returns all rows of each child in turn (UNION ALL).
type Append struct {
	C      Cost
	Inputs []Node
}

// WindowAgg computes window functions over its child's rows, which arrive
// sorted by PARTITION BY then ORDER BY of Spec. Output: child row ++ one
// value per Funcs entry.
type WindowAgg struct {
	C     Cost
	Child Node
	Spec  *analyze.WindowSpec
	Funcs []*analyze.WindowFunc
}

// Materialize stores its child's rows so they can be read again cheaply.
type Materialize struct {
	C     Cost
	Child Node
}

// CTEScan reads the rows of common table expression number ID, computed
// once per statement by Plan and shared by every CTEScan of it.
type CTEScan struct {
	C     Cost
	ID    int
	Plan  Node
	Width int
}

// RecursiveUnion evaluates WITH RECURSIVE: NonRecursive once, then
// Recursive repeatedly over the rows the previous round produced (read by
// WorkTableScan with the same ID) until a round produces none. Without All,
// duplicate rows are discarded.
type RecursiveUnion struct {
	C            Cost
	ID           int
	NonRecursive Node
	Recursive    Node
	All          bool
	Width        int
}

// WorkTableScan reads the previous round's rows of RecursiveUnion ID.
type WorkTableScan struct {
	C     Cost
	ID    int
	Width int
}

func (n *Filter) Est() *Cost         { return &n.C }
func (n *ValuesScan) Est() *Cost     { return &n.C }
func (n *FunctionScan) Est() *Cost   { return &n.C }
func (n *NestLoop) Est() *Cost       { return &n.C }
func (n *HashJoin) Est() *Cost       { return &n.C }
func (n *Sort) Est() *Cost           { return &n.C }
func (n *Limit) Est() *Cost          { return &n.C }
func (n *Agg) Est() *Cost            { return &n.C }
func (n *Unique) Est() *Cost         { return &n.C }
func (n *SetOp) Est() *Cost          { return &n.C }
func (n *Append) Est() *Cost         { return &n.C }
func (n *WindowAgg) Est() *Cost      { return &n.C }
func (n *Materialize) Est() *Cost    { return &n.C }
func (n *CTEScan) Est() *Cost        { return &n.C }
func (n *RecursiveUnion) Est() *Cost { return &n.C }
func (n *WorkTableScan) Est() *Cost  { return &n.C }

func (n *Filter) Children() []Node         { return []Node{n.Child} }
func (n *ValuesScan) Children() []Node     { return nil }
func (n *FunctionScan) Children() []Node   { return nil }
func (n *NestLoop) Children() []Node       { return []Node{n.Outer, n.Inner} }
func (n *HashJoin) Children() []Node       { return []Node{n.Outer, n.Inner} }
func (n *Sort) Children() []Node           { return []Node{n.Child} }
func (n *Limit) Children() []Node          { return []Node{n.Child} }
func (n *Agg) Children() []Node            { return []Node{n.Child} }
func (n *Unique) Children() []Node         { return []Node{n.Child} }
func (n *SetOp) Children() []Node          { return []Node{n.Left, n.Right} }
func (n *Append) Children() []Node         { return n.Inputs }
func (n *WindowAgg) Children() []Node      { return []Node{n.Child} }
func (n *Materialize) Children() []Node    { return []Node{n.Child} }
func (n *CTEScan) Children() []Node        { return nil }
func (n *RecursiveUnion) Children() []Node { return []Node{n.NonRecursive, n.Recursive} }
func (n *WorkTableScan) Children() []Node  { return nil }

// ProjectSet is a Projection whose targets may be set-returning function
// calls (SELECT generate_series(1, 3), unnest(a)): for each input row the
// functions run in lockstep, one output row per step until all are done,
// shorter ones giving NULL (PostgreSQL's ProjectSet).
type ProjectSet struct {
	C       Cost
	Child   Node
	Targets []*analyze.Target
}

func (n *ProjectSet) Est() *Cost       { return &n.C }
func (n *ProjectSet) Children() []Node { return []Node{n.Child} }
