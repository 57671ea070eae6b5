package ast

// LiteralKind is the lexical kind of a Literal.
type LiteralKind uint8

const (
	LitNull      LiteralKind = iota // NULL
	LitBool                         // TRUE / FALSE; Val is "true" or "false"
	LitInteger                      // an integer that fits in int32, maybe with a leading '-' (PostgreSQL's Integer)
	LitNumeric                      // any other number: "1.5", "1e10", "-2147483648", "99999999999" (PostgreSQL's Float; make_const tries int8, then numeric)
	LitString                       // a string constant; Val is the decoded value
	LitBitString                    // B'0101' -> Val "b0101"; X'1F' -> Val "x1F" (PostgreSQL's BitString)
)

// Literal is a constant written in the query (PostgreSQL's A_Const). A
// typed literal such as DATE '2024-01-01' is a TypeCast of a LitString.
type Literal struct {
	Pos  int
	Kind LiteralKind
	Val  string
}

// Param is a positional parameter $n.
type Param struct {
	Pos    int
	Number int
}

// ColumnRef is a possibly qualified column reference: a, t.a, s.t.a,
// c.s.t.a; Star marks t.* (Names holds the qualifier) or a bare * (Names
// empty). Mirrors PostgreSQL's ColumnRef.
type ColumnRef struct {
	Pos   int
	Names []string
	Star  bool
}

// TypeName is a type reference. SQL-standard spellings are normalized as
// PostgreSQL's grammar does (SystemTypeName): INTEGER -> pg_catalog.int4,
// VARCHAR(10) -> pg_catalog.varchar with Typmods [10], CHAR -> bpchar(1) ...
// ArrayBounds has one entry per [] (-1 when no bound was written).
// IntervalFields is PostgreSQL's INTERVAL_MASK bit set for INTERVAL DAY TO
// SECOND and friends (0: none written).
type TypeName struct {
	Pos            int
	Names          []string
	Typmods        []Expr
	ArrayBounds    []int
	Setof          bool
	IntervalFields int
	PctType        bool // name%TYPE
}

// Interval field bits, as PostgreSQL's INTERVAL_MASK(b) = 1<<b with the
// datetime.h token numbers.
const (
	IntervalMonth  = 1 << 1
	IntervalYear   = 1 << 2
	IntervalDay    = 1 << 3
	IntervalHour   = 1 << 10
	IntervalMinute = 1 << 11
	IntervalSecond = 1 << 12
)

// TypeCast is expr::type or CAST(expr AS type).
type TypeCast struct {
	Pos  int
	Arg  Expr
	Type *TypeName
}

// CollateExpr is expr COLLATE name.
type CollateExpr struct {
	Pos       int
	Arg       Expr
	Collation []string
}

// UnaryExpr is a prefix operator: -x, +x, ~x, @x, |/x ... OpSchema is set
// for OPERATOR(schema.op).
type UnaryExpr struct {
	Pos      int
	Op       string
	OpSchema string
	Arg      Expr
}

// BinaryExpr is an infix operator: a + b, a = b, a || b, a -> 'k' ...
// OpSchema is set for OPERATOR(schema.op). != is stored as "<>".
type BinaryExpr struct {
	Pos      int
	Op       string
	OpSchema string
	Left     Expr
	Right    Expr
}

// BoolOp is AND, OR or NOT.
type BoolOp uint8

const (
	And BoolOp = iota
	Or
	Not
)

// BoolExpr is AND / OR (Args has two or more items: a AND b AND c is one
// node, as makeAndExpr builds it) or NOT (one item).
type BoolExpr struct {
	Pos  int
	Op   BoolOp
	Args []Expr
}

// NullTest is x IS [NOT] NULL, x ISNULL, x NOTNULL.
type NullTest struct {
	Pos int
	Arg Expr
	Not bool
}

// BoolTestKind is the test of a BooleanTest.
type BoolTestKind uint8

const (
	IsTrue BoolTestKind = iota
	IsNotTrue
	IsFalse
	IsNotFalse
	IsUnknown
	IsNotUnknown
)

var boolTestNames = [...]string{"IS TRUE", "IS NOT TRUE", "IS FALSE", "IS NOT FALSE", "IS UNKNOWN", "IS NOT UNKNOWN"}

func (k BoolTestKind) String() string { return boolTestNames[k] }

// BooleanTest is x IS [NOT] TRUE/FALSE/UNKNOWN.
type BooleanTest struct {
	Pos  int
	Arg  Expr
	Kind BoolTestKind
}

// DistinctExpr is a IS [NOT] DISTINCT FROM b.
type DistinctExpr struct {
	Pos   int
	Not   bool
	Left  Expr
	Right Expr
}

// BetweenExpr is x [NOT] BETWEEN [SYMMETRIC] lo AND hi.
type BetweenExpr struct {
	Pos       int
	Arg       Expr
	Not       bool
	Symmetric bool
	Low       Expr
	High      Expr
}

// InExpr is x [NOT] IN (list). x IN (subquery) is a SubLink.
type InExpr struct {
	Pos  int
	Arg  Expr
	Not  bool
	List []Expr
}

// LikeKind distinguishes LIKE, ILIKE and SIMILAR TO.
type LikeKind uint8

const (
	Like LikeKind = iota
	ILike
	SimilarTo
)

var likeNames = [...]string{"LIKE", "ILIKE", "SIMILAR TO"}

func (k LikeKind) String() string { return likeNames[k] }

// LikeExpr is x [NOT] LIKE|ILIKE|SIMILAR TO pattern [ESCAPE e].
type LikeExpr struct {
	Pos     int
	Kind    LikeKind
	Not     bool
	Arg     Expr
	Pattern Expr
	Escape  Expr
}

// AnyAllExpr is x op ANY|SOME|ALL (array expression). With a subquery it is
// a SubLink instead. x [NOT] LIKE/ILIKE ANY (...) has Op "~~", "!~~", "~~*"
// or "!~~*", as in PostgreSQL.
type AnyAllExpr struct {
	Pos   int
	Op    string
	All   bool
	Left  Expr
	Right Expr
}

// SubLinkKind is the kind of a subquery expression.
type SubLinkKind uint8

const (
	ExprSubLink   SubLinkKind = iota // (SELECT ...) as a scalar
	ExistsSubLink                    // EXISTS (SELECT ...)
	AnySubLink                       // x op ANY (SELECT ...); x IN (SELECT ...) has Op "="
	AllSubLink                       // x op ALL (SELECT ...)
	ArraySubLink                     // ARRAY(SELECT ...)
)

// SubLink is a subquery in an expression. Test and Op are set for ANY/ALL.
// x NOT IN (SELECT ...) is NOT (x = ANY (SELECT ...)) as in PostgreSQL.
// Mirrors PostgreSQL's SubLink.
type SubLink struct {
	Pos      int
	Kind     SubLinkKind
	Test     Expr
	Op       string
	Subquery *SelectStmt
}

// FuncCall is a function call, possibly an aggregate or window call:
// name([DISTINCT] args [ORDER BY ...]) [WITHIN GROUP (ORDER BY ...)]
// [FILTER (WHERE ...)] [OVER window]. Star is f(*). Special SQL syntaxes
// become plain calls of the pg_catalog function, as in PostgreSQL:
// EXTRACT(f FROM x) -> pg_catalog.extract('f', x), SUBSTRING(x FROM a FOR b)
// -> pg_catalog.substring(x, a, b), POSITION(a IN b) -> pg_catalog.position(b, a),
// TRIM(BOTH c FROM x) -> pg_catalog.btrim(x, c), x AT TIME ZONE z ->
// pg_catalog.timezone(z, x), OVERLAY(...) -> pg_catalog.overlay(...).
type FuncCall struct {
	Pos         int
	Names       []string
	Args        []Expr
	Star        bool
	Distinct    bool
	Variadic    bool // last argument written VARIADIC
	OrderBy     []*SortBy
	WithinGroup bool // OrderBy came from WITHIN GROUP (...)
	Filter      Expr
	Over        *WindowDef
}

// NamedArgExpr is name => value (or name := value) in a call's arguments.
type NamedArgExpr struct {
	Pos  int
	Name string
	Arg  Expr
}

// CaseWhen is one WHEN cond THEN result arm.
type CaseWhen struct {
	Pos    int
	Cond   Expr
	Result Expr
}

// CaseExpr is CASE [arg] WHEN ... THEN ... [ELSE ...] END.
type CaseExpr struct {
	Pos   int
	Arg   Expr
	Whens []*CaseWhen
	Else  Expr
}

// CoalesceExpr is COALESCE(args).
type CoalesceExpr struct {
	Pos  int
	Args []Expr
}

// NullIfExpr is NULLIF(a, b).
type NullIfExpr struct {
	Pos   int
	Left  Expr
	Right Expr
}

// MinMaxOp is GREATEST or LEAST.
type MinMaxOp uint8

const (
	Greatest MinMaxOp = iota
	Least
)

// MinMaxExpr is GREATEST(args) or LEAST(args).
type MinMaxExpr struct {
	Pos  int
	Op   MinMaxOp
	Args []Expr
}

// ArrayExpr is ARRAY[elems]; nested brackets in ARRAY[[1,2],[3,4]] are
// ArrayExprs too.
type ArrayExpr struct {
	Pos   int
	Elems []Expr
}

// RowExpr is ROW(args) (Explicit) or (a, b, ...).
type RowExpr struct {
	Pos      int
	Args     []Expr
	Explicit bool
}

// Subscript is arg[index] or arg[lower:upper] (IsSlice; either bound may be
// nil for an omitted one).
type Subscript struct {
	Pos     int
	Arg     Expr
	IsSlice bool
	Lower   Expr // nil unless IsSlice
	Upper   Expr // the index when !IsSlice
}

// FieldSelect is (arg).field or (arg).* (Star).
type FieldSelect struct {
	Pos   int
	Arg   Expr
	Field string
	Star  bool
}

// SQLValueFunc is one of the parameterless SQL functions: CURRENT_DATE,
// CURRENT_TIME[(p)], CURRENT_TIMESTAMP[(p)], LOCALTIME[(p)],
// LOCALTIMESTAMP[(p)], CURRENT_ROLE, CURRENT_USER, USER, SESSION_USER,
// CURRENT_CATALOG, CURRENT_SCHEMA. Name is the lower-case keyword;
// Precision is -1 when not written.
type SQLValueFunc struct {
	Pos       int
	Name      string
	Precision int
}

// SetToDefault is DEFAULT as a value in INSERT ... VALUES or UPDATE SET.
type SetToDefault struct {
	Pos int
}

// GroupingSetKind is the kind of a GroupingSet.
type GroupingSetKind uint8

const (
	GroupingEmpty  GroupingSetKind = iota // ()
	GroupingSimple                        // a parenthesized list inside GROUPING SETS
	GroupingRollup
	GroupingCube
	GroupingSets
)

// GroupingSet is ROLLUP(...), CUBE(...), GROUPING SETS(...) or () in GROUP
// BY. Items of ROLLUP/CUBE are expressions or *RowExpr for (a, b) groups
// (PostgreSQL keeps them as lists too).
type GroupingSet struct {
	Pos   int
	Kind  GroupingSetKind
	Items []Expr
}

// GroupingFunc is GROUPING(args).
type GroupingFunc struct {
	Pos  int
	Args []Expr
}

// MultiAssignRef is the source of one column of UPDATE ... SET (a, b) =
// (SELECT ...) or = ROW(...): column Colno (1-based) of Ncols.
type MultiAssignRef struct {
	Pos    int
	Source Expr
	Colno  int
	Ncols  int
}

func (*Literal) exprNode()        {}
func (*Param) exprNode()          {}
func (*ColumnRef) exprNode()      {}
func (*TypeCast) exprNode()       {}
func (*CollateExpr) exprNode()    {}
func (*UnaryExpr) exprNode()      {}
func (*BinaryExpr) exprNode()     {}
func (*BoolExpr) exprNode()       {}
func (*NullTest) exprNode()       {}
func (*BooleanTest) exprNode()    {}
func (*DistinctExpr) exprNode()   {}
func (*BetweenExpr) exprNode()    {}
func (*InExpr) exprNode()         {}
func (*LikeExpr) exprNode()       {}
func (*AnyAllExpr) exprNode()     {}
func (*SubLink) exprNode()        {}
func (*FuncCall) exprNode()       {}
func (*NamedArgExpr) exprNode()   {}
func (*CaseExpr) exprNode()       {}
func (*CoalesceExpr) exprNode()   {}
func (*NullIfExpr) exprNode()     {}
func (*MinMaxExpr) exprNode()     {}
func (*ArrayExpr) exprNode()      {}
func (*RowExpr) exprNode()        {}
func (*Subscript) exprNode()      {}
func (*FieldSelect) exprNode()    {}
func (*SQLValueFunc) exprNode()   {}
func (*SetToDefault) exprNode()   {}
func (*GroupingSet) exprNode()    {}
func (*GroupingFunc) exprNode()   {}
func (*MultiAssignRef) exprNode() {}

func (n *Literal) Position() int        { return n.Pos }
func (n *Param) Position() int          { return n.Pos }
func (n *ColumnRef) Position() int      { return n.Pos }
func (n *TypeName) Position() int       { return n.Pos }
func (n *TypeCast) Position() int       { return n.Pos }
func (n *CollateExpr) Position() int    { return n.Pos }
func (n *UnaryExpr) Position() int      { return n.Pos }
func (n *BinaryExpr) Position() int     { return n.Pos }
func (n *BoolExpr) Position() int       { return n.Pos }
func (n *NullTest) Position() int       { return n.Pos }
func (n *BooleanTest) Position() int    { return n.Pos }
func (n *DistinctExpr) Position() int   { return n.Pos }
func (n *BetweenExpr) Position() int    { return n.Pos }
func (n *InExpr) Position() int         { return n.Pos }
func (n *LikeExpr) Position() int       { return n.Pos }
func (n *AnyAllExpr) Position() int     { return n.Pos }
func (n *SubLink) Position() int        { return n.Pos }
func (n *FuncCall) Position() int       { return n.Pos }
func (n *NamedArgExpr) Position() int   { return n.Pos }
func (n *CaseWhen) Position() int       { return n.Pos }
func (n *CaseExpr) Position() int       { return n.Pos }
func (n *CoalesceExpr) Position() int   { return n.Pos }
func (n *NullIfExpr) Position() int     { return n.Pos }
func (n *MinMaxExpr) Position() int     { return n.Pos }
func (n *ArrayExpr) Position() int      { return n.Pos }
func (n *RowExpr) Position() int        { return n.Pos }
func (n *Subscript) Position() int      { return n.Pos }
func (n *FieldSelect) Position() int    { return n.Pos }
func (n *SQLValueFunc) Position() int   { return n.Pos }
func (n *SetToDefault) Position() int   { return n.Pos }
func (n *GroupingSet) Position() int    { return n.Pos }
func (n *GroupingFunc) Position() int   { return n.Pos }
func (n *MultiAssignRef) Position() int { return n.Pos }
