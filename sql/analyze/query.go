package analyze

import (
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/sql/types"
)

// Column is a column of a range table entry.
type Column struct {
	Name    string
	T       *types.T
	Mod     int32
	NotNull bool
	Dropped bool
}

// RTEKind is the kind of a range table entry.
type RTEKind uint8

// Range table entry kinds.
const (
	RTERelation RTEKind = iota
	RTESubquery         // (SELECT ...) in FROM, or an expanded view
	RTEValues           // VALUES in FROM
	RTEFunction         // a set-returning function in FROM
	RTEJoin             // the result of a JOIN; its columns are aliases
	RTECTE              // a reference to a WITH query
)

// RTE is a range table entry (PostgreSQL's RangeTblEntry).
type RTE struct {
	Kind  RTEKind
	Rel   *catalog.Relation
	Alias string
	Cols  []Column

	Subquery *Query    // RTESubquery
	Values   [][]Expr  // RTEValues
	Func     *FuncExpr // RTEFunction: the call; Func.SRF yields the rows
	CTE      int       // RTECTE: index into the defining query's CTEs
	CTELevel int       // RTECTE: how many query levels up the WITH is
	Lateral  bool
	// JoinCols maps each column of an RTEJoin to the expression it stands
	// for (a Var of one side, or COALESCE of both for FULL JOIN USING).
	JoinCols []Expr
}

// JoinNode is an item of a FROM clause: a range table reference (Left
// and Right nil) or a join of two items.
type JoinNode struct {
	RTE   int // the item's RTE (for a join: its RTEJoin entry)
	Kind  JoinKind
	Left  *JoinNode
	Right *JoinNode
	Quals Expr // ON / USING condition
}

// JoinKind is the kind of a JOIN.
type JoinKind uint8

// Join kinds.
const (
	JoinInner JoinKind = iota
	JoinLeft
	JoinRight
	JoinFull
)

// CTE is a WITH query.
type CTE struct {
	Name      string
	Query     *Query
	Recursive bool
	// For a recursive CTE: the non-recursive and recursive terms, and
	// whether they are combined with UNION ALL.
	NonRecursive *Query
	RecursiveQ   *Query
	UnionAll     bool
	Cols         []Column
	// Materialized: written AS MATERIALIZED (never inlined by the planner).
	Materialized bool
}

// SetOperation is UNION / INTERSECT / EXCEPT of two queries.
type SetOperation struct {
	Op    uint8 // 1 union, 2 intersect, 3 except (ast.SetOp)
	All   bool
	Left  *Query
	Right *Query
}

// Query is an analyzed statement (PostgreSQL's Query).
type Query struct {
	Cmd     CmdType
	RTable  []*RTE
	From    []*JoinNode
	Where   Expr
	Targets []*Target // SELECT list (output columns)

	GroupBy      []Expr
	GroupingSets [][]int // indexes into GroupBy per grouping set; nil: plain GROUP BY
	Having       Expr
	Aggs         []*Aggref // aggregate calls of this level (targets, HAVING, ORDER BY)
	HasAggs      bool
	WindowFuncs  []*WindowFunc

	Distinct   bool
	DistinctOn []Expr
	Sort       []*SortKey // ORDER BY, over the same scope as Targets
	Limit      Expr
	Offset     Expr
	WithTies   bool

	SetOp *SetOperation // set: this query is Left op Right; Targets describe the result
	CTEs  []*CTE

	// Result is the RTable index of the INSERT/UPDATE/DELETE target, -1 otherwise.
	Result     int
	Values     [][]Expr // INSERT rows, one Expr per table column
	Source     *Query   // INSERT ... SELECT
	InsertCols []int    // INSERT ... SELECT: table column of each source column
	// InsertDefaults are the DEFAULTs of every table column (INSERT ... SELECT).
	InsertDefaults []Expr
	Set            []SetItem
	OnConflict     *OnConflict
	Returning      []*Target
	Params         []*types.T
}

// Target is an output column.
type Target struct {
	Expr Expr
	Name string
}

// SetItem is one assignment of UPDATE.
type SetItem struct {
	Col  int
	Expr Expr
}
