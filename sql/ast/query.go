package ast

// SetOp is the set operation of a SelectStmt.
type SetOp uint8

const (
	SetOpNone SetOp = iota // a simple SELECT or VALUES
	Union
	Intersect
	Except
)

var setOpNames = [...]string{"", "UNION", "INTERSECT", "EXCEPT"}

func (o SetOp) String() string { return setOpNames[o] }

// SelectStmt is a query, shaped like PostgreSQL's SelectStmt:
//   - a simple SELECT (Op == SetOpNone, Values == nil): Distinct/DistinctOn,
//     Targets, From, Where, GroupBy, Having, Windows;
//   - a VALUES list (Op == SetOpNone, Values != nil);
//   - a set operation (Op != SetOpNone): Left Op [ALL] Right.
//
// With, OrderBy, Limit, Offset and Locking apply to the whole statement at
// any of the three shapes (they are on the outermost node they were written
// on: in (SELECT 1 ORDER BY 1) UNION SELECT 2 the ORDER BY is on Left).
type SelectStmt struct {
	Pos  int
	With *WithClause

	Distinct        bool   // SELECT DISTINCT (without ON)
	DistinctOn      []Expr // SELECT DISTINCT ON (...)
	Targets         []*ResTarget
	Into            *IntoClause // SELECT ... INTO t (only at top level)
	From            []TableExpr
	Where           Expr
	GroupBy         []Expr // may contain *GroupingSet
	GroupByDistinct bool
	Having          Expr
	Windows         []*WindowDef // WINDOW w AS (...)

	Values [][]Expr // VALUES (...), (...)

	Op    SetOp
	All   bool
	Left  *SelectStmt
	Right *SelectStmt

	OrderBy       []*SortBy
	Limit         Expr // LIMIT n / FETCH FIRST n ROWS; nil for none; LIMIT ALL is a LitNull (as in PostgreSQL)
	Offset        Expr
	LimitWithTies bool // FETCH FIRST ... WITH TIES
	Locking       []*LockingClause
}

// IntoClause is the target of SELECT ... INTO [TEMP] [TABLE] name.
type IntoClause struct {
	Pos         int
	Rel         *RangeVar
	Persistence Persistence
}

// ResTarget is an output column (SELECT list, RETURNING: Val and optional
// Name = alias) or an assignment target (INSERT column list, UPDATE SET:
// Name, Indirection and, for SET, Val). Mirrors PostgreSQL's ResTarget.
type ResTarget struct {
	Pos         int
	Name        string
	Indirection []Expr // subscripts / field names written after an INSERT/UPDATE target column: *Subscript or *FieldSelect with nil Arg
	Val         Expr
}

// SortBy is one ORDER BY item.
type SortBy struct {
	Pos     int
	Expr    Expr
	Dir     SortDir
	UsingOp string // for SortUsing
	Nulls   NullsOrder
}

// FrameMode is ROWS, RANGE or GROUPS of a window frame.
type FrameMode uint8

const (
	FrameDefault FrameMode = iota // no frame clause
	FrameRange
	FrameRows
	FrameGroups
)

// BoundKind is a frame bound.
type BoundKind uint8

const (
	BoundUnboundedPreceding BoundKind = iota
	BoundPreceding                    // Offset PRECEDING
	BoundCurrentRow
	BoundFollowing // Offset FOLLOWING
	BoundUnboundedFollowing
)

// FrameExclusion is the EXCLUDE option of a frame.
type FrameExclusion uint8

const (
	ExcludeNoOthers FrameExclusion = iota // default
	ExcludeCurrentRow
	ExcludeGroup
	ExcludeTies
)

// FrameBound is one end of a window frame.
type FrameBound struct {
	Kind   BoundKind
	Offset Expr
}

// WindowFrame is "ROWS|RANGE|GROUPS BETWEEN start AND end [EXCLUDE ...]".
// A frame written with only a start has End = CURRENT ROW, as in PostgreSQL.
type WindowFrame struct {
	Pos     int
	Mode    FrameMode
	Start   FrameBound
	End     FrameBound
	Exclude FrameExclusion
}

// WindowDef is a window specification: OVER name (RefName only, no parens),
// OVER ([refname] [PARTITION BY ...] [ORDER BY ...] [frame]), or an item of
// the WINDOW clause (Name set).
type WindowDef struct {
	Pos         int
	Name        string
	RefName     string
	PartitionBy []Expr
	OrderBy     []*SortBy
	Frame       *WindowFrame
}

// WithClause is WITH [RECURSIVE] cte, ...
type WithClause struct {
	Pos       int
	Recursive bool
	CTEs      []*CTE
}

// CTEMaterialize is the [NOT] MATERIALIZED option of a CTE.
type CTEMaterialize uint8

const (
	MaterializeDefault CTEMaterialize = iota
	MaterializeAlways
	MaterializeNever
)

// CTE is name [(cols)] AS [[NOT] MATERIALIZED] (query). Query is a
// *SelectStmt, *InsertStmt, *UpdateStmt or *DeleteStmt.
type CTE struct {
	Pos         int
	Name        string
	Columns     []string
	Materialize CTEMaterialize
	Query       Stmt
}

// LockStrength is the strength of a FOR UPDATE/SHARE clause.
type LockStrength uint8

const (
	ForUpdate LockStrength = iota
	ForNoKeyUpdate
	ForShare
	ForKeyShare
)

var lockStrengthNames = [...]string{"FOR UPDATE", "FOR NO KEY UPDATE", "FOR SHARE", "FOR KEY SHARE"}

func (s LockStrength) String() string { return lockStrengthNames[s] }

// LockWaitPolicy is NOWAIT / SKIP LOCKED.
type LockWaitPolicy uint8

const (
	LockWaitBlock LockWaitPolicy = iota
	LockWaitSkip
	LockWaitError // NOWAIT
)

// LockingClause is FOR UPDATE [OF t, ...] [NOWAIT | SKIP LOCKED].
type LockingClause struct {
	Pos      int
	Strength LockStrength
	Tables   []*RangeVar
	Wait     LockWaitPolicy
}

// InsertStmt is [WITH ...] INSERT INTO table [AS alias] [(cols)]
// [OVERRIDING ...] {DEFAULT VALUES | query} [ON CONFLICT ...] [RETURNING ...].
// Source is nil for DEFAULT VALUES.
type InsertStmt struct {
	Pos        int
	With       *WithClause
	Table      *RangeVar
	Columns    []*ResTarget
	Overriding Overriding
	Source     *SelectStmt
	OnConflict *OnConflict
	Returning  []*ResTarget
}

// Overriding is OVERRIDING SYSTEM|USER VALUE of INSERT.
type Overriding uint8

const (
	OverridingNotSet Overriding = iota
	OverridingUser
	OverridingSystem
)

// OnConflictAction is DO NOTHING or DO UPDATE.
type OnConflictAction uint8

const (
	DoNothing OnConflictAction = iota
	DoUpdate
)

// OnConflict is ON CONFLICT [(index elems) [WHERE pred] | ON CONSTRAINT name]
// DO NOTHING | DO UPDATE SET ... [WHERE ...].
type OnConflict struct {
	Pos         int
	Columns     []*IndexElem
	IndexWhere  Expr
	Constraint  string
	Action      OnConflictAction
	Set         []*ResTarget
	UpdateWhere Expr
}

// UpdateStmt is [WITH ...] UPDATE [ONLY] table [[AS] alias] SET ... [FROM ...]
// [WHERE ...] [RETURNING ...]. SET (a, b) = src expands to one ResTarget per
// column whose Val is a *MultiAssignRef, as in PostgreSQL.
type UpdateStmt struct {
	Pos       int
	With      *WithClause
	Table     *RangeVar
	Set       []*ResTarget
	From      []TableExpr
	Where     Expr
	Returning []*ResTarget
}

// DeleteStmt is [WITH ...] DELETE FROM [ONLY] table [[AS] alias]
// [USING ...] [WHERE ...] [RETURNING ...].
type DeleteStmt struct {
	Pos       int
	With      *WithClause
	Table     *RangeVar
	Using     []TableExpr
	Where     Expr
	Returning []*ResTarget
}

func (*SelectStmt) stmtNode() {}
func (*InsertStmt) stmtNode() {}
func (*UpdateStmt) stmtNode() {}
func (*DeleteStmt) stmtNode() {}

func (n *SelectStmt) Position() int    { return n.Pos }
func (n *IntoClause) Position() int    { return n.Pos }
func (n *ResTarget) Position() int     { return n.Pos }
func (n *SortBy) Position() int        { return n.Pos }
func (n *WindowFrame) Position() int   { return n.Pos }
func (n *WindowDef) Position() int     { return n.Pos }
func (n *WithClause) Position() int    { return n.Pos }
func (n *CTE) Position() int           { return n.Pos }
func (n *LockingClause) Position() int { return n.Pos }
func (n *InsertStmt) Position() int    { return n.Pos }
func (n *OnConflict) Position() int    { return n.Pos }
func (n *UpdateStmt) Position() int    { return n.Pos }
func (n *DeleteStmt) Position() int    { return n.Pos }
