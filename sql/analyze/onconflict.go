package analyze

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

// OnConflict is INSERT's ON CONFLICT clause.
type OnConflict struct {
	DoUpdate bool
	// ArbiterCols are the table columns (0-based) of the unique index that
	// decides conflicts; Constraint names it instead; both empty: any
	// unique index (DO NOTHING only).
	ArbiterCols []int
	Constraint  string
	// Set and Where of DO UPDATE, over the existing row (the target RTE)
	// and the proposed row (the Excluded RTE).
	Set      []SetItem
	Where    Expr
	Excluded int // RTE index of "excluded"
}

// onConflict analyzes ON CONFLICT (transformOnConflictClause).
func (a *analyzer) onConflict(oc *ast.OnConflict, target int) error {
	q := a.q
	rte := q.RTable[target]
	out := &OnConflict{DoUpdate: oc.Action == ast.DoUpdate, Constraint: oc.Constraint}
	for _, el := range oc.Columns {
		if el.Expr != nil {
			return errAt(el.Pos, pgerr.FeatureNotSupported, "ON CONFLICT with an expression is not supported yet")
		}
		ci := a.findColumn(rte, el.Name)
		if ci < 0 {
			return errAt(el.Pos, pgerr.UndefinedColumn, "column %q does not exist", el.Name)
		}
		out.ArbiterCols = append(out.ArbiterCols, ci)
	}
	if out.DoUpdate && len(out.ArbiterCols) == 0 && out.Constraint == "" {
		return errAt(oc.Pos, pgerr.SyntaxError, "ON CONFLICT DO UPDATE requires inference specification or constraint name").
			WithHint("For example, ON CONFLICT (column_name).")
	}
	if out.DoUpdate {
		ex := &RTE{Kind: RTERelation, Rel: rte.Rel, Alias: "excluded", Cols: append([]Column(nil), rte.Cols...)}
		q.RTable = append(q.RTable, ex)
		out.Excluded = len(q.RTable) - 1
		saved := a.ns
		a.ns = append(append([]nsItem(nil), a.ns...), nsItem{rte: out.Excluded, name: "excluded", relVisible: true})
		defer func() { a.ns = saved }()
		assigned := map[int]bool{}
		for _, rt := range oc.Set {
			ci := a.findColumn(rte, rt.Name)
			if ci < 0 {
				return errAt(rt.Pos, pgerr.UndefinedColumn, "column %q of relation %q does not exist", rt.Name, rte.Rel.Name)
			}
			if assigned[ci] {
				return errAt(rt.Pos, pgerr.SyntaxError, "multiple assignments to same column %q", rt.Name)
			}
			assigned[ci] = true
			var e Expr
			var err error
			if _, ok := rt.Val.(*ast.SetToDefault); ok {
				e, err = a.columnDefault(rte, ci)
			} else {
				e, err = a.assign(rte, ci, rt.Val)
			}
			if err != nil {
				return err
			}
			out.Set = append(out.Set, SetItem{Col: ci, Expr: e})
		}
		if oc.UpdateWhere != nil {
			w, err := a.expr(oc.UpdateWhere)
			if err != nil {
				return err
			}
			if out.Where, err = a.coerceBool(w, oc.UpdateWhere.Position(), "WHERE"); err != nil {
				return err
			}
		}
	}
	q.OnConflict = out
	return nil
}
