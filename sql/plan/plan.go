package plan

import (
	"github.com/tuskdb/tusk/access/btree"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/sql/analyze"
)

// PostgreSQL's default cost parameters.
const (
	SeqPageCost     = 1.0
	CPUTupleCost    = 0.01
	CPUOperatorCost = 0.0025
)

// Cost is a node's estimate, as EXPLAIN prints it.
type Cost struct {
	Startup float64
	Total   float64
	Rows    float64
	Width   int
}

// Node is a plan node.
type Node interface {
	Est() *Cost
	Children() []Node
}

// SeqScan reads a heap relation, keeping rows that satisfy Qual. Its rows
// hold every column of the relation, with the tuple's ctid.
type SeqScan struct {
	// EmitCTID appends the tuple's ctid as a last column (for UPDATE ...
	// FROM and DELETE ... USING, whose rows pass through joins).
	EmitCTID bool
	C        Cost
	Rel      *catalog.Relation
	Cols     []analyze.Column
	Qual     analyze.Expr
}

// Result produces one empty row (SELECT without FROM), filtered by Qual.
type Result struct {
	C    Cost
	Qual analyze.Expr
}

// Values produces rows of expressions.
type Values struct {
	C    Cost
	Rows [][]analyze.Expr
}

// Projection computes output columns from its child's rows.
type Projection struct {
	C       Cost
	Child   Node
	Targets []*analyze.Target
}

// ModifyTable inserts, updates or deletes the rows its child produces.
// For INSERT the child yields new rows (all columns); for UPDATE and
// DELETE it yields the current rows with their ctids, and Set gives the
// new values of UPDATE.
type ModifyTable struct {
	// Indexes are the table's indexes, maintained for every new row
	// version (set by the session after planning).
	Indexes []*IndexTarget
	// Constraints are the CHECK constraints and foreign keys to enforce
	// (set by the session after planning); nil when there are none.
	Constraints *Constraints
	// TargetCols and CTIDIndex locate the target table's columns and ctid
	// in the child's rows when the child joins other tables (UPDATE ...
	// FROM, DELETE ... USING); nil when the child's rows are the table's
	// rows (with Row.TID).
	TargetCols []int
	CTIDIndex  int
	// OnConflict is INSERT ... ON CONFLICT; nil otherwise.
	OnConflict *OnConflict
	C          Cost
	Cmd        analyze.CmdType
	Rel        *catalog.Relation
	Cols       []analyze.Column
	Child      Node
	Set        []analyze.SetItem
	Returning  []*analyze.Target
}

// OnConflict is the plan of INSERT ... ON CONFLICT. Set and Where are
// evaluated over the existing row ++ the proposed (excluded) row.
type OnConflict struct {
	DoUpdate    bool
	ArbiterCols []int
	Constraint  string
	Set         []analyze.SetItem
	Where       analyze.Expr
	// Arbiters are the unique indexes that decide conflicts (set by the
	// session from ArbiterCols / Constraint).
	Arbiters []*IndexTarget
}

// IndexTarget is an index that INSERT and UPDATE add entries to.
type IndexTarget struct {
	Name   string
	Index  *btree.Index
	Cols   []int // table column (0-based) of each index column, keys then INCLUDE; -1 for an expression
	Unique bool
	// Exprs holds, per index column, its expression over the table row
	// (nil for a plain column); nil when the index has no expression.
	// ExprText is each expression's SQL text, for error details.
	Exprs    []analyze.Expr
	ExprText []string
	// Pred is a partial index's predicate over the table row: a row
	// version gets an entry only if it is true.
	Pred analyze.Expr
}

func (n *SeqScan) Est() *Cost     { return &n.C }
func (n *Result) Est() *Cost      { return &n.C }
func (n *Values) Est() *Cost      { return &n.C }
func (n *Projection) Est() *Cost  { return &n.C }
func (n *ModifyTable) Est() *Cost { return &n.C }

func (n *SeqScan) Children() []Node     { return nil }
func (n *Result) Children() []Node      { return nil }
func (n *Values) Children() []Node      { return nil }
func (n *Projection) Children() []Node  { return []Node{n.Child} }
func (n *ModifyTable) Children() []Node { return []Node{n.Child} }

// Stmt is a planned statement.
type Stmt struct {
	Root    Node
	Columns []*analyze.Target // the output columns (SELECT list or RETURNING), nil if none
	Query   *analyze.Query
}

// seqScan estimates a scan with no statistics: PostgreSQL's defaults of
// 10 pages when a relation was never analyzed, a third of rows kept by a
// qual.
func seqScan(rte *analyze.RTE, qual analyze.Expr) *SeqScan {
	pages := 10.0
	rows := pages * 50
	s := &SeqScan{Rel: rte.Rel, Cols: rte.Cols, Qual: qual}
	s.C.Total = pages*SeqPageCost + rows*CPUTupleCost
	if qual != nil {
		s.C.Total += rows * CPUOperatorCost
		rows /= 3
	}
	s.C.Rows = rows
	s.C.Width = 8 * len(rte.Cols)
	return s
}
