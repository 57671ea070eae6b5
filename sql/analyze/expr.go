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
