package analyze

import (
	"github.com/tuskdb/tusk/sql/types"
)

// Expr is a typed expression.
type Expr interface {
	Type() *types.T
	Typmod() int32
}

// Const is a constant; Val is nil for NULL.
type Const struct {
	T   *types.T
	Mod int32
	Val types.Datum
	Pos int // of the literal, for errors raised when it is coerced
}

// Var is a column of an input row: relation RTE (index into Query.RTable)
// and column Col (0-based). Index is its position in the row that the
// executor node evaluating it receives (set by the planner).
type Var struct {
	RTE   int
	Col   int
	Index int
	T     *types.T
	Mod   int32
	Name  string
}

// Param is $N.
type Param struct {
	N int // 1-based
	T *types.T
}

// OpExpr applies an operator; both operands (or the one, for a prefix
// operator: Args has one element) are evaluated first. Strict.
type OpExpr struct {
	Op   *types.Operator
	Args []Expr
	T    *types.T
}

// BoolOp is AND, OR, NOT.
type BoolOp uint8

// Boolean operators.
const (
	And BoolOp = iota
	Or
	Not
)

// BoolExpr combines booleans with SQL's three-valued logic.
type BoolExpr struct {
	Op   BoolOp
	Args []Expr
}

// NullTest is IS [NOT] NULL.
type NullTest struct {
	Arg Expr
	Not bool
}

// BoolTest is IS [NOT] TRUE/FALSE/UNKNOWN.
type BoolTest struct {
	Arg  Expr
	Kind int // ast.BoolTestKind
}

// Cast converts Arg to T/Mod.
type Cast struct {
	Arg      Expr
	T        *types.T
	Mod      int32
	Explicit bool
}

func (e *Const) Type() *types.T    { return e.T }
func (e *Const) Typmod() int32     { return e.Mod }
func (e *Var) Type() *types.T      { return e.T }
func (e *Var) Typmod() int32       { return e.Mod }
func (e *Param) Type() *types.T    { return e.T }
func (e *Param) Typmod() int32     { return -1 }
func (e *OpExpr) Type() *types.T   { return e.T }
func (e *OpExpr) Typmod() int32    { return -1 }
func (e *BoolExpr) Type() *types.T { return types.Bool }
func (e *BoolExpr) Typmod() int32  { return -1 }
func (e *NullTest) Type() *types.T { return types.Bool }
func (e *NullTest) Typmod() int32  { return -1 }
func (e *BoolTest) Type() *types.T { return types.Bool }
func (e *BoolTest) Typmod() int32  { return -1 }
func (e *Cast) Type() *types.T     { return e.T }
func (e *Cast) Typmod() int32      { return e.Mod }

// FuncExpr calls a scalar function. Strict functions return NULL for any
// NULL argument without being called.
type FuncExpr struct {
	Name   string
	OID    uint32
	Args   []Expr
	T      *types.T
	Mod    int32
	Strict bool
	// Immutable functions over constants are computed at planning.
	Immutable bool
	Fn        func(args []types.Datum) (types.Datum, error)
	// SRF starts a set-returning function (FROM items only).
	SRF func(args []types.Datum) (func() (types.Datum, bool, error), error)
	// OutCols, when set, makes the function return rows of these columns
	// (a record-returning function such as pg_stat_get_activity): every
	// value SRF yields is a []types.Datum of len(OutCols).
	OutCols []Column
}

// AggState accumulates one group's input of an aggregate.
type AggState interface {
	// Add feeds one row's argument values (after FILTER and DISTINCT).
	Add(args []types.Datum) error
	// Result computes the aggregate's value for the group.
	Result() (types.Datum, error)
}

// Aggref is an aggregate call; it is evaluated by the Agg plan node, and
// above it refers to the node's output column Index.
type Aggref struct {
	Name     string
	Args     []Expr
	Star     bool // count(*)
	Distinct bool
	Filter   Expr
	OrderBy  []*SortKey // ordered-set input order (string_agg(x, ',' ORDER BY y))
	T        *types.T
	// New starts the state of one group.
	New func() AggState
	// Index is the position of the aggregate's value in the Agg node's
	// output row (set by the planner).
	Index int
	// ID numbers the aggregate within its query level (Query.Aggs[ID]).
	ID int
}

// WindowFunc is a window function call: row_number(), rank(), an
// aggregate OVER (...). Evaluated by the WindowAgg plan node.
type WindowFunc struct {
	Name   string
	Args   []Expr
	Star   bool
	T      *types.T
	Window *WindowSpec
	Agg    *Aggref // set when an aggregate is used as a window function
	Index  int     // output column of the WindowAgg node
	ID     int     // position in Query.WindowFuncs
	// Impl is the window function's implementation (funcs.WindowFunc)
	// when it is not an aggregate.
	Impl any
}

// WindowSpec is a window definition: PARTITION BY, ORDER BY and frame.
type WindowSpec struct {
	PartitionBy []Expr
	OrderBy     []*SortKey
	// Frame: FrameMode 0 = default (RANGE UNBOUNDED PRECEDING .. CURRENT ROW
	// with ORDER BY, the whole partition without), 1 RANGE, 2 ROWS, 3 GROUPS.
	FrameMode   int
	StartKind   int // ast.BoundKind
	StartOffset Expr
	EndKind     int
	EndOffset   Expr
	// Exclude is the frame's EXCLUDE option (ast.FrameExclusion: 0 no
	// others, 1 current row, 2 group, 3 ties).
	Exclude int
}

// SortKey is one ORDER BY item.
type SortKey struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

// CaseExpr is CASE [arg] WHEN ... THEN ... [ELSE ...] END. With Arg, each
// When is a boolean expression comparing CaseTestExpr to the WHEN value.
type CaseExpr struct {
	Arg   Expr
	Whens []*CaseWhen
	Else  Expr // nil: NULL
	T     *types.T
	// Mod is the common typmod of the results when ModSet (they all
	// have it), as PostgreSQL keeps numeric(10,2) through a CASE.
	Mod    int32
	ModSet bool
}

// CaseWhen is one arm of a CASE.
type CaseWhen struct {
	Cond   Expr
	Result Expr
}

// CaseTestExpr stands for the CASE argument inside WHEN comparisons.
type CaseTestExpr struct {
	T *types.T
}

// CoalesceExpr returns its first non-NULL argument.
type CoalesceExpr struct {
	Args []Expr
	T    *types.T
}

// MinMaxExpr is GREATEST (Least false) or LEAST.
type MinMaxExpr struct {
	Least bool
	Args  []Expr
	T     *types.T
}

// NullIfExpr is NULLIF(a, b): NULL when Eq(a, b) is true, else a.
type NullIfExpr struct {
	Eq *OpExpr
}

// ScalarArrayOpExpr is x op ANY/ALL (list or array): x IN (...) is
// x = ANY (...). Elems are the list elements, or Array one array value.
type ScalarArrayOpExpr struct {
	Op    *types.Operator
	All   bool
	Left  Expr
	Elems []Expr
	Array Expr
}

// ArrayExpr is ARRAY[...].
type ArrayExpr struct {
	Elems []Expr
	T     *types.T // the array type
}

// SubLinkKind is the kind of a subquery expression.
type SubLinkKind uint8

// Subquery kinds.
const (
	ExistsSubLink SubLinkKind = iota
	ExprSubLink               // scalar (SELECT ...)
	AnySubLink                // x op ANY (SELECT ...), x IN (SELECT ...)
	AllSubLink                // x op ALL (SELECT ...)
	ArraySubLink              // ARRAY(SELECT ...)
)

// SubLink is a subquery used as an expression; the planner turns its
// Query into a plan (Plan, of type any to keep analyze below plan). The
// subquery may refer to columns of enclosing queries through OuterVar.
type SubLink struct {
	Kind       SubLinkKind
	Test       Expr // left operand for ANY/ALL
	Op         *types.Operator
	Query      *Query
	T          *types.T
	Plan       any // *plan.Stmt, set by the planner
	Correlated bool
}

// OuterVar refers to a column of an enclosing query level (PARAM_EXEC):
// Levels up, then Var within that level's row.
type OuterVar struct {
	Levels int
	Var    *Var
}

// RowExpr is ROW(a, b) / (a, b); used for row comparisons.
type RowExpr struct {
	Args []Expr
}

func (e *FuncExpr) Type() *types.T   { return e.T }
func (e *FuncExpr) Typmod() int32    { return e.Mod }
func (e *Aggref) Type() *types.T     { return e.T }
func (e *Aggref) Typmod() int32      { return -1 }
func (e *WindowFunc) Type() *types.T { return e.T }
func (e *WindowFunc) Typmod() int32  { return -1 }
func (e *CaseExpr) Type() *types.T   { return e.T }
func (e *CaseExpr) Typmod() int32 {
	if e.ModSet {
		return e.Mod
	}
	return -1
}
func (e *CaseTestExpr) Type() *types.T      { return e.T }
func (e *CaseTestExpr) Typmod() int32       { return -1 }
func (e *CoalesceExpr) Type() *types.T      { return e.T }
func (e *CoalesceExpr) Typmod() int32       { return commonTypmod(e.Args) }
func (e *MinMaxExpr) Type() *types.T        { return e.T }
func (e *MinMaxExpr) Typmod() int32         { return commonTypmod(e.Args) }
func (e *NullIfExpr) Type() *types.T        { return e.Eq.Args[0].Type() }
func (e *NullIfExpr) Typmod() int32         { return e.Eq.Args[0].Typmod() }
func (e *ScalarArrayOpExpr) Type() *types.T { return types.Bool }
func (e *ScalarArrayOpExpr) Typmod() int32  { return -1 }
func (e *ArrayExpr) Type() *types.T         { return e.T }
func (e *ArrayExpr) Typmod() int32          { return commonTypmod(e.Elems) }
func (e *SubLink) Type() *types.T           { return e.T }
func (e *SubLink) Typmod() int32 {
	if (e.Kind == ExprSubLink || e.Kind == ArraySubLink) && e.Query != nil && len(e.Query.Targets) == 1 {
		return e.Query.Targets[0].Expr.Typmod()
	}
	return -1
}

// commonTypmod is the typmod all of es share, or -1 (as
// exprTypmod does for COALESCE, GREATEST and ARRAY[]).
func commonTypmod(es []Expr) int32 {
	if len(es) == 0 {
		return -1
	}
	m := es[0].Typmod()
	for _, e := range es[1:] {
		if e.Typmod() != m {
			return -1
		}
	}
	return m
}
func (e *OuterVar) Type() *types.T { return e.Var.T }
func (e *OuterVar) Typmod() int32  { return e.Var.Mod }
func (e *RowExpr) Type() *types.T  { return types.Record }
func (e *RowExpr) Typmod() int32   { return -1 }
