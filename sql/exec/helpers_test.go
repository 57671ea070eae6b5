package exec

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
	"github.com/tuskdb/tusk/vfs"
)

// Helpers that build plan trees by hand.

func newCtx() *Context { return &Context{Ctx: context.Background()} }

// spillCtx runs with a tiny work_mem on an in-memory file system.
func spillCtx(workMem int64) (*Context, *vfs.MemFS) {
	fs := vfs.NewMem()
	return &Context{Ctx: context.Background(), WorkMem: workMem, TempFS: fs, TempDir: "/tmp"}, fs
}

func tempFiles(t *testing.T, fs *vfs.MemFS) []string {
	t.Helper()
	names, err := fs.ReadDir("/tmp")
	if err != nil {
		return nil
	}
	return names
}

func c(v any) *analyze.Const {
	switch x := v.(type) {
	case nil:
		return &analyze.Const{T: types.Int8, Mod: -1}
	case int:
		return &analyze.Const{T: types.Int8, Mod: -1, Val: int64(x)}
	case int64:
		return &analyze.Const{T: types.Int8, Mod: -1, Val: x}
	case string:
		return &analyze.Const{T: types.Text, Mod: -1, Val: x}
	case bool:
		return &analyze.Const{T: types.Bool, Mod: -1, Val: x}
	case float64:
		return &analyze.Const{T: types.Float8, Mod: -1, Val: x}
	}
	panic(fmt.Sprintf("const of %T", v))
}

func tc(t *types.T, v types.Datum) *analyze.Const { return &analyze.Const{T: t, Mod: -1, Val: v} }

func iv(i int) *analyze.Var { return &analyze.Var{Index: i, T: types.Int8, Mod: -1} }
func tv(i int) *analyze.Var { return &analyze.Var{Index: i, T: types.Text, Mod: -1} }
func tyv(i int, t *types.T) *analyze.Var {
	return &analyze.Var{Index: i, T: t, Mod: -1}
}

// values makes a ValuesScan of rows of Go values (int, string, nil...).
func valuesOf(rows ...[]any) *plan.ValuesScan {
	vs := &plan.ValuesScan{}
	for _, r := range rows {
		var es []analyze.Expr
		for _, v := range r {
			es = append(es, c(v))
		}
		vs.Rows = append(vs.Rows, es)
		vs.Width = len(r)
	}
	return vs
}

// intRows makes a ValuesScan of one int column per value.
func intRows(vs ...any) *plan.ValuesScan {
	var rows [][]any
	for _, v := range vs {
		rows = append(rows, []any{v})
	}
	return valuesOf(rows...)
}

func op(name string, l, r analyze.Expr) *analyze.OpExpr {
	o, ok := types.LookupOperator(name, l.Type(), r.Type())
	if !ok {
		panic("no operator " + name + " for " + l.Type().String() + ", " + r.Type().String())
	}
	rt, _ := types.ByOID(o.Result)
	return &analyze.OpExpr{Op: o, Args: []analyze.Expr{l, r}, T: rt}
}

func eqOp(t *types.T) *types.Operator {
	o, ok := types.LookupOperator("=", t, t)
	if !ok {
		panic("no =")
	}
	return o
}

func asc(e analyze.Expr) *analyze.SortKey { return &analyze.SortKey{Expr: e} }
func desc(e analyze.Expr) *analyze.SortKey {
	return &analyze.SortKey{Expr: e, Desc: true, NullsFirst: true}
}

func fmtDatum(d types.Datum) string {
	switch x := d.(type) {
	case nil:
		return "NULL"
	case *types.Array:
		t := x.Elem.Array()
		return types.Format(t, x)
	case float64:
		return fmt.Sprintf("%g", x)
	}
	return fmt.Sprint(d)
}

func fmtRow(vals []types.Datum) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = fmtDatum(v)
	}
	return strings.Join(parts, ",")
}

// run builds and drains a plan, returning rows formatted as "a,b,c".
func run(t *testing.T, ec *Context, n plan.Node) []string {
	t.Helper()
	out, err := tryRun(ec, n)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return out
}

func tryRun(ec *Context, n plan.Node) ([]string, error) {
	it, err := Build(ec, n)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []string
	for {
		r, err := it.Next()
		if err != nil {
			return out, err
		}
		if r == nil {
			return out, nil
		}
		out = append(out, fmtRow(r.Vals))
	}
}

func eq(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

// Fake aggregates implementing analyze.AggState.

type sumState struct {
	sum  int64
	seen bool
}

func (s *sumState) Add(args []types.Datum) error {
	if args[0] == nil {
		return nil
	}
	s.sum += args[0].(int64)
	s.seen = true
	return nil
}

func (s *sumState) Result() (types.Datum, error) {
	if !s.seen {
		return nil, nil
	}
	return s.sum, nil
}

type countState struct {
	n    int64
	star bool
}

func (s *countState) Add(args []types.Datum) error {
	if s.star || args[0] != nil {
		s.n++
	}
	return nil
}

func (s *countState) Result() (types.Datum, error) { return s.n, nil }

// catState concatenates its argument's text form, like string_agg(x, ”).
type catState struct{ parts []string }

func (s *catState) Add(args []types.Datum) error {
	if args[0] != nil {
		s.parts = append(s.parts, fmtDatum(args[0]))
	}
	return nil
}

func (s *catState) Result() (types.Datum, error) {
	if s.parts == nil {
		return nil, nil
	}
	return strings.Join(s.parts, ":"), nil
}

func sumAgg(arg analyze.Expr) *analyze.Aggref {
	return &analyze.Aggref{Name: "sum", Args: []analyze.Expr{arg}, T: types.Int8, New: func() analyze.AggState { return &sumState{} }}
}

func countAgg(arg analyze.Expr) *analyze.Aggref {
	return &analyze.Aggref{Name: "count", Args: []analyze.Expr{arg}, T: types.Int8, New: func() analyze.AggState { return &countState{} }}
}

func countStar() *analyze.Aggref {
	return &analyze.Aggref{Name: "count", Star: true, T: types.Int8, New: func() analyze.AggState { return &countState{star: true} }}
}

func catAgg(arg analyze.Expr) *analyze.Aggref {
	return &analyze.Aggref{Name: "cat", Args: []analyze.Expr{arg}, T: types.Text, New: func() analyze.AggState { return &catState{} }}
}

// genSeries is a FunctionScan of generate_series(lo, hi).
func genSeries(lo, hi int) *plan.FunctionScan {
	return &plan.FunctionScan{Name: "generate_series", Args: []analyze.Expr{c(lo), c(hi)},
		SRF: func(args []any) (func() (any, bool, error), error) {
			i, end := args[0].(int64), args[1].(int64)
			return func() (any, bool, error) {
				if i > end {
					return nil, false, nil
				}
				i++
				return i - 1, true, nil
			}, nil
		}}
}
