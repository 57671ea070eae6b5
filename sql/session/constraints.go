package session

import (
	"sort"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/parser"
	"github.com/tuskdb/tusk/sql/plan"
)

// Enforcement of CHECK and FOREIGN KEY constraints: the session gives a
// ModifyTable plan the constraints of its table (plan.Constraints), which
// the executor enforces (sql/exec/constraints.go). PostgreSQL finds them
// in the relcache (CHECK) and as RI triggers on both tables of a foreign
// key (CreateFKCheckTrigger, createForeignKeyActionTriggers).

// What a statement may do to a table's rows.
const (
	opInsert uint8 = 1 << iota
	opUpdate
	opDelete
)

// conGraph builds the plan.Constraints of one statement.
type conGraph struct {
	s      *Session
	snap   *mvcc.Snapshot
	env    *analyze.Env
	tables map[base.OID]*conTable
	fks    map[base.OID]*plan.ForeignKey
}

// conTable is a table of the graph and what was loaded for it.
type conTable struct {
	ct       *plan.ConstrainedTable
	ops      uint8 // the operations propagated so far
	own      bool  // Checks and ForeignKeys loaded
	refs     bool  // ReferencedBy loaded
	indexes  []*catalog.Index
	targets  map[base.OID]*plan.IndexTarget // opened indexes by index OID
	defaults bool
}

// attachConstraints gives a ModifyTable plan the CHECK constraints and
// foreign keys it must enforce: those of its table for the rows it
// inserts or updates, those referencing its table for the rows it updates
// or deletes, and, following ON DELETE / ON UPDATE actions, those of the
// tables the actions change. Called by attachIndexes, after the indexes.
func (s *Session) attachConstraints(snap *mvcc.Snapshot, root plan.Node) error {
	m, ok := root.(*plan.ModifyTable)
	if !ok || m.Rel == nil || m.Rel.Kind != catalog.KindTable {
		return nil
	}
	var ops uint8
	switch m.Cmd {
	case analyze.CmdInsert:
		ops = opInsert
		if m.OnConflict != nil && m.OnConflict.DoUpdate {
			ops |= opUpdate
		}
	case analyze.CmdUpdate:
		ops = opUpdate
	case analyze.CmdDelete:
		ops = opDelete
	default:
		return nil
	}
	g := &conGraph{s: s, snap: snap, tables: map[base.OID]*conTable{}, fks: map[base.OID]*plan.ForeignKey{}}
	t := &conTable{ct: &plan.ConstrainedTable{Rel: m.Rel, Cols: m.Cols}}
	if m.Cmd != analyze.CmdDelete {
		t.ct.Indexes = m.Indexes
		if t.ct.Indexes == nil {
			t.ct.Indexes = []*plan.IndexTarget{}
		}
	}
	g.tables[m.Rel.OID] = t
	if err := g.need(t, ops); err != nil {
		return err
	}
	if len(t.ct.Checks) > 0 || len(t.ct.ForeignKeys) > 0 || len(t.ct.ReferencedBy) > 0 {
		m.Constraints = &plan.Constraints{Table: t.ct}
	}
	return nil
}

// table returns the graph's table oid, reading it on first use.
func (g *conGraph) table(oid base.OID) (*conTable, error) {
	if t := g.tables[oid]; t != nil {
		return t, nil
	}
	rel, err := g.s.reloadRelation(g.snap, oid)
	if err != nil {
		return nil, err
	}
	t := &conTable{ct: &plan.ConstrainedTable{Rel: rel, Cols: relColumns(rel)}}
	g.tables[oid] = t
	return t, nil
}

// need records that the statement may apply ops to t's rows, loading
// what enforcing them needs and following foreign key actions to the
// tables they change.
func (g *conGraph) need(t *conTable, ops uint8) error {
	added := ops &^ t.ops
	if added == 0 {
		return nil
	}
	t.ops |= added
	if t.ops&(opInsert|opUpdate) != 0 && !t.own {
		t.own = true
		if err := g.loadOwn(t); err != nil {
			return err
		}
	}
	if t.ops&(opUpdate|opDelete) != 0 && !t.refs {
		t.refs = true
		if err := g.loadReferencing(t); err != nil {
			return err
		}
	}
	for _, fk := range t.ct.ReferencedBy {
		var child uint8
		if t.ops&opDelete != 0 {
			child |= actionOps(fk.OnDelete, opDelete)
		}
		if t.ops&opUpdate != 0 {
			child |= actionOps(fk.OnUpdate, opUpdate)
		}
		if child == 0 {
			continue
		}
		ft, err := g.table(fk.Table.Rel.OID)
		if err != nil {
			return err
		}
		if fk.OnDelete == catalog.FKSetDefault || fk.OnUpdate == catalog.FKSetDefault {
			if err := g.loadDefaults(ft); err != nil {
				return err
			}
		}
		if err := g.need(ft, child); err != nil {
			return err
		}
	}
	return nil
}

// actionOps is what a foreign key action does to referencing rows when a
// referenced row is deleted (op opDelete) or updated (opUpdate).
func actionOps(action byte, op uint8) uint8 {
	switch action {
	case catalog.FKCascade:
		return op
	case catalog.FKSetNull, catalog.FKSetDefault:
		return opUpdate
	}
	return 0
}

// loadOwn loads t's CHECK constraints and foreign keys, and its indexes
// (which an action that updates its rows maintains).
func (g *conGraph) loadOwn(t *conTable) error {
	cons, err := g.s.constraintsOf(g.snap, t.ct.Rel.OID)
	if err != nil {
		return err
	}
	for _, con := range cons {
		switch con.Type {
		case catalog.ConCheck:
			e, err := parser.ParseExpr(con.Check)
			if err != nil {
				return pgerr.Wrap(pgerr.DataCorrupted, err, "check constraint %q of relation %q does not parse", con.Name, t.ct.Rel.Name)
			}
			if g.env == nil {
				g.env = g.s.env(g.snap)
			}
			x, err := analyze.CheckExpr(g.env, t.ct.Rel, e)
			if err != nil {
				return err
			}
			t.ct.Checks = append(t.ct.Checks, &plan.CheckConstraint{Name: con.Name, Expr: x})
		case catalog.ConForeign:
			fk, err := g.foreignKey(con)
			if err != nil {
				return err
			}
			t.ct.ForeignKeys = append(t.ct.ForeignKeys, fk)
		}
	}
	// CheckConstraintCmp: PostgreSQL tests CHECK constraints in name order.
	sort.SliceStable(t.ct.Checks, func(i, j int) bool { return t.ct.Checks[i].Name < t.ct.Checks[j].Name })
	if t.ct.Indexes == nil {
		ixs, err := g.catalogIndexes(t)
		if err != nil {
			return err
		}
		t.ct.Indexes = []*plan.IndexTarget{}
		for _, ix := range ixs {
			it, err := g.indexTarget(t, ix.Rel.OID)
			if err != nil {
				return err
			}
			t.ct.Indexes = append(t.ct.Indexes, it)
		}
	}
	return nil
}

// loadReferencing loads the foreign keys that reference t, with an index
// of each referencing table to find its referencing rows by.
func (g *conGraph) loadReferencing(t *conTable) error {
	cons, err := g.s.foreignKeysTo(g.snap, t.ct.Rel.OID)
	if err != nil {
		return err
	}
	for _, con := range cons {
		fk, err := g.foreignKey(con)
		if err != nil {
			return err
		}
		ft, err := g.table(con.Rel)
		if err != nil {
			return err
		}
		if fk.KeyIndex, err = g.keyIndex(ft, fk); err != nil {
			return err
		}
		t.ct.ReferencedBy = append(t.ct.ReferencedBy, fk)
	}
	return nil
}

// foreignKey returns the graph's node for a FOREIGN KEY constraint.
func (g *conGraph) foreignKey(con *catalog.Constraint) (*plan.ForeignKey, error) {
	if fk := g.fks[con.OID]; fk != nil {
		return fk, nil
	}
	ft, err := g.table(con.Rel)
	if err != nil {
		return nil, err
	}
	pt, err := g.table(con.RefRel)
	if err != nil {
		return nil, err
	}
	if len(con.Keys) == 0 || len(con.Keys) != len(con.RefKeys) {
		return nil, pgerr.New(pgerr.DataCorrupted, "foreign key constraint %q has %d referencing and %d referenced columns", con.Name, len(con.Keys), len(con.RefKeys))
	}
	fk := &plan.ForeignKey{Name: con.Name, Table: ft.ct, RefTable: pt.ct,
		OnUpdate: con.OnUpdate, OnDelete: con.OnDelete, Match: con.Match}
	for i := range con.Keys {
		k, r := int(con.Keys[i])-1, int(con.RefKeys[i])-1
		if k < 0 || k >= len(ft.ct.Cols) || r < 0 || r >= len(pt.ct.Cols) {
			return nil, pgerr.New(pgerr.DataCorrupted, "foreign key constraint %q names a column that does not exist", con.Name)
		}
		fk.Keys = append(fk.Keys, k)
		fk.RefKeys = append(fk.RefKeys, r)
	}
	if fk.RefIndex, err = g.indexTarget(pt, con.Index); err != nil {
		return nil, err
	}
	if fk.RefIndex == nil {
		return nil, pgerr.New(pgerr.InternalError, "could not find the unique index of foreign key constraint %q", con.Name)
	}
	g.fks[con.OID] = fk
	return fk, nil
}

func (g *conGraph) catalogIndexes(t *conTable) ([]*catalog.Index, error) {
	if t.indexes == nil {
		ixs, err := g.s.indexesOf(g.snap, t.ct.Rel.OID)
		if err != nil {
			return nil, err
		}
		t.indexes = append([]*catalog.Index{}, ixs...)
	}
	return t.indexes, nil
}

// indexTarget opens index oid of t (nil if t has no such index).
func (g *conGraph) indexTarget(t *conTable, oid base.OID) (*plan.IndexTarget, error) {
	if it := t.targets[oid]; it != nil {
		return it, nil
	}
	ixs, err := g.catalogIndexes(t)
	if err != nil {
		return nil, err
	}
	for _, ix := range ixs {
		if ix.Rel.OID != oid {
			continue
		}
		it, err := g.s.indexTarget(g.snap, t.ct.Rel, ix) // index_ddl.go
		if err != nil {
			return nil, err
		}
		if t.targets == nil {
			t.targets = map[base.OID]*plan.IndexTarget{}
		}
		t.targets[oid] = it
		return it, nil
	}
	return nil, nil
}

// keyIndex finds an index of the referencing table ft whose leading key
// columns are fk's columns (in any order), of the referenced columns'
// types, so that referencing rows are found by an index scan; nil if
// none, and they are found by a sequential scan.
func (g *conGraph) keyIndex(ft *conTable, fk *plan.ForeignKey) (*plan.IndexTarget, error) {
	for i, k := range fk.Keys {
		if ft.ct.Cols[k].T.OID != fk.RefTable.Cols[fk.RefKeys[i]].T.OID {
			return nil, nil
		}
	}
	ixs, err := g.catalogIndexes(ft)
	if err != nil {
		return nil, err
	}
	for _, ix := range ixs {
		if ix.Exprs != "" || ix.Pred != "" || ix.NKeys < len(fk.Keys) {
			continue
		}
		lead := map[int]bool{}
		for _, k := range ix.Keys[:len(fk.Keys)] {
			lead[int(k)-1] = true
		}
		match := true
		for _, k := range fk.Keys {
			match = match && lead[k]
		}
		if match && len(lead) == len(fk.Keys) {
			return g.indexTarget(ft, ix.Rel.OID)
		}
	}
	return nil, nil
}

// loadDefaults analyzes the DEFAULT of each column of t, for ON DELETE /
// ON UPDATE SET DEFAULT (NULL when a column has none).
func (g *conGraph) loadDefaults(t *conTable) error {
	if t.defaults {
		return nil
	}
	t.defaults = true
	if g.env == nil {
		g.env = g.s.env(g.snap)
	}
	t.ct.Defaults = make([]analyze.Expr, len(t.ct.Cols))
	for i, c := range t.ct.Cols {
		if c.Dropped {
			continue
		}
		text, err := g.env.ColumnDefault(t.ct.Rel, i)
		if err != nil {
			return err
		}
		if text == "" {
			continue
		}
		e, err := parser.ParseExpr(text)
		if err != nil {
			return pgerr.Wrap(pgerr.DataCorrupted, err, "default of column %q of relation %q does not parse", c.Name, t.ct.Rel.Name)
		}
		if t.ct.Defaults[i], err = analyze.DefaultExpr(g.env, e, c.Name, c.T, c.Mod); err != nil {
			return err
		}
	}
	return nil
}
