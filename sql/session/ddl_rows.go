package session

import (
	"context"
	"reflect"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/exec"
	"github.com/tuskdb/tusk/sql/types"
)

// Row-level work of DDL: reading a table's rows to check them (SET NOT
// NULL, ADD CONSTRAINT) and rewriting them (ADD COLUMN ... DEFAULT, ALTER
// COLUMN TYPE), PostgreSQL's ATRewriteTable. Tusk rewrites in place with
// heap updates instead of into a new file, so older snapshots keep
// seeing the old versions, decoded with the catalog they see (S6).

// relColumns returns the column descriptors the executor's row codec
// uses for rel.
func relColumns(rel *catalog.Relation) []analyze.Column {
	cols := make([]analyze.Column, len(rel.Attrs))
	for i, a := range rel.Attrs {
		t, ok := types.ByOID(a.Type)
		if !ok {
			t = types.Text
		}
		cols[i] = analyze.Column{Name: a.Name, T: t, Mod: a.Typmod, NotNull: a.NotNull, Dropped: a.Dropped}
	}
	return cols
}

// evalContext is an executor context for evaluating DDL expressions
// (defaults, CHECK, USING) in the current transaction.
func (s *Session) evalContext(ctx context.Context, snap *mvcc.Snapshot) *exec.Context {
	return &exec.Context{Ctx: ctx, Heap: s.inst.Heap, Xact: s.xact, Snap: snap, Xacts: s.inst.Xacts, WorkMem: s.workMem(), TempFS: s.inst.FS, TempDir: s.inst.TempDir(), PgStat: s.pgStat()}
}

// scanRows calls fn with the tid and decoded values of each row of rel
// that snap sees.
func (s *Session) scanRows(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, cols []analyze.Column,
	fn func(tid base.ItemPointer, vals []types.Datum) error) error {
	sc, err := s.inst.Heap.NewScan(rel.Node, snap)
	if err != nil {
		return err
	}
	for tup := sc.Next(); tup != nil; tup = sc.Next() {
		if err := ctx.Err(); err != nil {
			return pgerr.Wrap(pgerr.QueryCanceled, err, "canceling statement due to user request")
		}
		vals, err := exec.DecodeRow(cols, tup.Payload)
		if err != nil {
			return err
		}
		if err := fn(tup.Header.Self, vals); err != nil {
			return err
		}
	}
	return sc.Err()
}

// rewriteRows replaces every row of rel that snap sees by change(values),
// encoded with newCols (S6). The new versions belong to the current
// command, so the scan does not see them. A concurrent update of a row
// is a serialization failure: DDL does not chase update chains.
func (s *Session) rewriteRows(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, oldCols, newCols []analyze.Column,
	change func(vals []types.Datum) ([]types.Datum, error)) error {
	type upd struct {
		tid     base.ItemPointer
		payload []byte
	}
	var batch []upd
	flush := func() error {
		for _, u := range batch {
			res, _, err := s.inst.Heap.Update(ctx, rel.Node, s.xact, u.tid, u.payload)
			if err != nil {
				return err
			}
			if res != mvcc.TMOk {
				return pgerr.New(pgerr.SerializationFailure, "could not serialize access due to concurrent update")
			}
		}
		batch = batch[:0]
		return nil
	}
	err := s.scanRows(ctx, snap, rel, oldCols, func(tid base.ItemPointer, vals []types.Datum) error {
		nv, err := change(vals)
		if err != nil {
			return err
		}
		batch = append(batch, upd{tid, exec.EncodeRow(newCols, nv)})
		if len(batch) >= 256 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// nullsIn reports 23502 when some row of rel has NULL in column attnum
// (the check of SET NOT NULL and of ADD COLUMN ... NOT NULL).
func (s *Session) checkNoNulls(ctx context.Context, snap *mvcc.Snapshot, rel *catalog.Relation, attnum int16) error {
	cols := relColumns(rel)
	return s.scanRows(ctx, snap, rel, cols, func(_ base.ItemPointer, vals []types.Datum) error {
		if vals[attnum-1] == nil {
			return notNullsErr(rel, rel.Attrs[attnum-1].Name)
		}
		return nil
	})
}

func notNullsErr(rel *catalog.Relation, col string) error {
	return pgerr.New(pgerr.NotNullViolation, "column %q of relation %q contains null values", col, rel.Name)
}

// viewsUsingColumn returns the views that read column attnum of rel (0:
// any column), as PostgreSQL's per-column pg_depend rows of a view's
// rule would tell. Tusk's views depend on whole relations, so each
// dependent view's query is analyzed and searched for the column.
func (s *Session) viewsUsingColumn(snap *mvcc.Snapshot, rel *catalog.Relation, attnum int16) ([]*catalog.Relation, error) {
	deps, err := s.inst.Catalog.Dependents(snap, rel.OID)
	if err != nil {
		return nil, err
	}
	var out []*catalog.Relation
	seen := map[base.OID]bool{}
	for _, d := range deps {
		if d.Class != catalog.PgClassOID || seen[d.Obj] {
			continue
		}
		seen[d.Obj] = true
		v, err := s.inst.Catalog.RelationByOID(snap, d.Obj)
		if err != nil {
			return nil, err
		}
		if v == nil || v.Kind != catalog.KindView {
			continue
		}
		if attnum == 0 {
			out = append(out, v)
			continue
		}
		q, err := s.env(snap).ViewQuery(v)
		if err != nil {
			out = append(out, v) // cannot tell: assume it does
			continue
		}
		if queryUsesColumn(q, rel.OID, int(attnum-1)) {
			out = append(out, v)
		}
	}
	return out, nil
}

// queryUsesColumn reports whether an analyzed query reads column col of
// relation rel: a Var (or OuterVar) of any query level whose range
// table entry is rel.
func queryUsesColumn(q *analyze.Query, rel base.OID, col int) bool {
	found := false
	visited := map[uintptr]bool{}
	var stack []*analyze.Query
	isRel := func(level *analyze.Query, rte int) bool {
		if rte < 0 || rte >= len(level.RTable) {
			return false
		}
		r := level.RTable[rte]
		return r.Rel != nil && r.Rel.OID == rel && r.Kind == analyze.RTERelation
	}
	var visit func(v reflect.Value)
	visit = func(v reflect.Value) {
		if found || !v.IsValid() {
			return
		}
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				return
			}
			switch x := v.Interface().(type) {
			case *catalog.Relation, *types.T, *types.Operator:
				return
			case *analyze.Query:
				if visited[v.Pointer()] {
					return
				}
				visited[v.Pointer()] = true
				stack = append(stack, x)
				visit(v.Elem())
				stack = stack[:len(stack)-1]
				return
			case *analyze.Var:
				if len(stack) > 0 && x.Col == col && isRel(stack[len(stack)-1], x.RTE) {
					found = true
				}
				return
			case *analyze.OuterVar:
				if l := len(stack) - 1 - x.Levels; l >= 0 && x.Var.Col == col && isRel(stack[l], x.Var.RTE) {
					found = true
				}
				return
			}
			if visited[v.Pointer()] {
				return
			}
			visited[v.Pointer()] = true
			visit(v.Elem())
		case reflect.Interface:
			visit(v.Elem())
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					visit(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				visit(v.Index(i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				visit(v.MapIndex(k))
			}
		}
	}
	visit(reflect.ValueOf(q))
	return found
}

// noPosition drops the cursor position of an error: PostgreSQL analyzes
// the expressions of ALTER TABLE's DEFAULT and CHECK, and some of its
// other checks, without the statement's text, so their errors point at
// nothing.
func noPosition(err error) error {
	if pe, ok := err.(*pgerr.Error); ok && pe.Position != 0 {
		c := *pe
		c.Position = 0
		return &c
	}
	return err
}
