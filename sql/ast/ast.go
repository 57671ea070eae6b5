package ast

// Node is any syntax tree node. Position is the 0-based byte offset in the
// statement text of the token that starts the node (A1).
type Node interface {
	Position() int
}

// Stmt is a statement: what parser.Parse returns, one per ';'-separated
// statement of the input.
type Stmt interface {
	Node
	stmtNode()
}

// Expr is a value expression (PostgreSQL's a_expr and friends).
type Expr interface {
	Node
	exprNode()
}

// TableExpr is an item of a FROM list: *RangeVar, *RangeSubselect,
// *RangeFunction or *JoinExpr.
type TableExpr interface {
	Node
	tableExprNode()
}

// SortDir is the direction of an ORDER BY or index key.
type SortDir uint8

const (
	SortDefault SortDir = iota // not specified (ascending)
	SortAsc
	SortDesc
	SortUsing // ORDER BY x USING op
)

// NullsOrder is the NULLS FIRST / NULLS LAST option.
type NullsOrder uint8

const (
	NullsDefault NullsOrder = iota // not specified: LAST for ASC, FIRST for DESC
	NullsFirst
	NullsLast
)

// DropBehavior is CASCADE / RESTRICT.
type DropBehavior uint8

const (
	DropDefault DropBehavior = iota // not written (RESTRICT)
	DropRestrict
	DropCascade
)

// Persistence of a relation.
type Persistence uint8

const (
	PersistPermanent Persistence = iota
	PersistTemp
	PersistUnlogged
)

// ObjectType names the kind of object a DROP / RENAME / ALTER acts on.
type ObjectType uint8

const (
	ObjectTable ObjectType = iota
	ObjectView
	ObjectMatView
	ObjectIndex
	ObjectSequence
	ObjectSchema
	ObjectColumn
	ObjectConstraint
	ObjectDataType
	ObjectDatabase
	ObjectFunction
	ObjectExtension
)

var objectTypeNames = [...]string{
	ObjectTable:      "TABLE",
	ObjectView:       "VIEW",
	ObjectMatView:    "MATERIALIZED VIEW",
	ObjectIndex:      "INDEX",
	ObjectSequence:   "SEQUENCE",
	ObjectSchema:     "SCHEMA",
	ObjectColumn:     "COLUMN",
	ObjectConstraint: "CONSTRAINT",
	ObjectDataType:   "TYPE",
	ObjectDatabase:   "DATABASE",
	ObjectFunction:   "FUNCTION",
	ObjectExtension:  "EXTENSION",
}

// String returns the SQL keyword(s) of the object type.
func (o ObjectType) String() string {
	if int(o) < len(objectTypeNames) {
		return objectTypeNames[o]
	}
	return "?"
}

// Alias is "AS name (col, ...)" after a FROM item.
type Alias struct {
	Pos     int
	Name    string
	Columns []string
}

// RangeVar names a relation, optionally qualified: [catalog.][schema.]name.
// As a FROM item it may carry an alias; Only is the ONLY keyword (no
// inheritance children). Mirrors PostgreSQL's RangeVar.
type RangeVar struct {
	Pos     int
	Catalog string
	Schema  string
	Name    string
	Only    bool
	Alias   *Alias
}

// RangeSubselect is "[LATERAL] (query) [AS] alias" in FROM.
type RangeSubselect struct {
	Pos      int
	Lateral  bool
	Subquery *SelectStmt
	Alias    *Alias
}

// RangeFunction is "[LATERAL] func(args) [WITH ORDINALITY] [AS] alias" in
// FROM. ROWS FROM (...) puts several calls in Funcs.
type RangeFunction struct {
	Pos            int
	Lateral        bool
	Funcs          []Expr // usually *FuncCall; also *SQLValueFunc, *CoalesceExpr...
	RowsFrom       bool
	WithOrdinality bool
	Alias          *Alias
	ColDefs        []*ColumnDef // AS alias(col type, ...) for record-returning functions
}

// JoinType is the kind of a JoinExpr.
type JoinType uint8

const (
	JoinInner JoinType = iota // [INNER] JOIN ... ON/USING, and NATURAL JOIN
	JoinLeft
	JoinRight
	JoinFull
	JoinCross // CROSS JOIN; also the implicit join of a FROM list is not a JoinExpr
)

var joinTypeNames = [...]string{JoinInner: "JOIN", JoinLeft: "LEFT JOIN", JoinRight: "RIGHT JOIN",
	JoinFull: "FULL JOIN", JoinCross: "CROSS JOIN"}

func (j JoinType) String() string { return joinTypeNames[j] }

// JoinExpr is "left [NATURAL] type JOIN right [ON qual | USING (cols)]",
// optionally parenthesized with an alias. Mirrors PostgreSQL's JoinExpr.
type JoinExpr struct {
	Pos        int
	Type       JoinType
	Natural    bool
	Left       TableExpr
	Right      TableExpr
	Using      []string
	UsingAlias *Alias // USING (...) AS alias
	On         Expr
	Alias      *Alias
}

func (n *RangeVar) tableExprNode()       {}
func (n *RangeSubselect) tableExprNode() {}
func (n *RangeFunction) tableExprNode()  {}
func (n *JoinExpr) tableExprNode()       {}

// Position implementations.

func (n *Alias) Position() int          { return n.Pos }
func (n *RangeVar) Position() int       { return n.Pos }
func (n *RangeSubselect) Position() int { return n.Pos }
func (n *RangeFunction) Position() int  { return n.Pos }
func (n *JoinExpr) Position() int       { return n.Pos }
