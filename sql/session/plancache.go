package session

import (
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// A session keeps the plans of the statements it ran, by their SQL text,
// and reuses them when the same text comes again (PostgreSQL's plan cache
// of prepared statements, applied to every single-statement call, so a
// database/sql prepared statement or a repeated db.Query skips parsing,
// analysis and planning). A cached plan is generic: it holds $n
// parameters, not their values, so one plan serves every execution.
//
// PC1: A cached plan is used only while the catalog is in the state it was
// built from (Catalog.PlanEpoch: no catalog change has committed since,
// including ANALYZE's statistics), with the same settings (Settings.gen
// counts every SET/RESET: search_path, enable_*, cost parameters), and
// never by a transaction that changed the catalog itself. Otherwise the
// statement is analyzed and planned again.
//
// PC2: Statements that call session functions (nextval, catalog and
// statistics functions) are not cached: their implementations hold the
// snapshot of the statement that analyzed them.
//
// PC3: Only SELECT, INSERT, UPDATE and DELETE without declared parameter
// types are cached; the cache holds at most planCacheSize entries and is
// emptied when full.
//
// PC4: A statement with parameters is planned with their values first
// (custom plans: the values are constants in the plan, plan.bindParams),
// as PostgreSQL's plan cache does: after five custom plans the generic
// plan is made once and used from then on if it costs less than the
// custom plans did on average, their planning included; otherwise every
// execution gets its custom plan (parsing is still skipped).
const planCacheSize = 256

type cachedPlan struct {
	stmt  ast.Stmt
	q     *analyze.Query
	p     *plan.Stmt // the generic plan; nil while custom plans are made (PC4)
	epoch uint64
	gen   uint64
	cols  []Column // the result columns, shared by the cursors (planColumns)
	// Custom plans made so far, their summed cost (with the planning
	// overhead PostgreSQL adds), and whether the generic plan lost.
	nCustom         int
	customCost      float64
	genericRejected bool
}

// PostgreSQL makes this many custom plans before it considers the generic
// one (choose_custom_plan).
const customPlansFirst = 5

// cachedStmt returns the parsed statement cached for sql, if any: the
// caller skips the parser. Whether its plan is still usable is decided
// by cachedPlanFor when the statement runs.
func (s *Session) cachedStmt(sql string) ast.Stmt {
	if cp := s.plans[sql]; cp != nil {
		s.lastPlanSQL, s.lastPlan = sql, cp // for cachedPlanFor
		return cp.stmt
	}
	s.lastPlanSQL, s.lastPlan = "", nil
	return nil
}

// cachedPlanEntry returns s.plans[key], without the map lookup when cachedStmt
// just found it (every change of s.plans forgets that).
func (s *Session) cachedPlanEntry(key string) *cachedPlan {
	if cp := s.lastPlan; cp != nil && s.lastPlanSQL == key {
		return cp
	}
	return s.plans[key]
}

// cachedPlanFor returns the cached analysis and plan of st (the statement
// of SQL text key) when they are still valid for snap (PC1).
func (s *Session) cachedPlanFor(key string, st ast.Stmt, snap *mvcc.Snapshot) *cachedPlan {
	cp := s.cachedPlanEntry(key)
	if cp == nil || cp.stmt != st || cp.gen != s.Settings.gen {
		return nil
	}
	epoch, ok := s.inst.Catalog.PlanEpoch(s.xact, snap)
	if !ok || epoch != cp.epoch {
		delete(s.plans, key)
		s.lastPlanSQL, s.lastPlan = "", nil
		return nil
	}
	return cp
}

// notePlan records a plan just made for the statement of SQL text key, if
// the catalog allows (PC1); epoch is PlanEpoch as of before the analysis.
// A plan without parameters is cached as the generic plan. A custom plan
// (PC4) is counted; after customPlansFirst of them, generic makes the
// generic plan once, and it is kept if it costs less than the custom
// plans did on average, planning included.
func (s *Session) notePlan(key string, st ast.Stmt, q *analyze.Query, p *plan.Stmt, custom bool, snap *mvcc.Snapshot, epoch uint64, gen uint64,
	generic func() (*analyze.Query, *plan.Stmt, error)) {
	if now, ok := s.inst.Catalog.PlanEpoch(s.xact, snap); !ok || now != epoch || gen != s.Settings.gen {
		return
	}
	cp := s.plans[key]
	if cp == nil || cp.stmt != st || cp.epoch != epoch || cp.gen != gen {
		if s.plans == nil || len(s.plans) >= planCacheSize {
			s.plans = map[string]*cachedPlan{}
		}
		cp = &cachedPlan{stmt: st, epoch: epoch, gen: gen}
		s.plans[key] = cp
		s.lastPlanSQL, s.lastPlan = "", nil
	}
	if !custom {
		cp.q, cp.p, cp.cols = q, p, planColumns(p)
		return
	}
	// cached_plan_cost: a custom plan also pays its planning.
	cp.nCustom++
	cp.customCost += p.Root.Est().Total + 1000*plan.CPUOperatorCost*float64(len(q.RTable)+1)
	if cp.nCustom < customPlansFirst || cp.genericRejected {
		return
	}
	gq, gp, err := generic()
	if err != nil || gp.Root.Est().Total >= cp.customCost/float64(cp.nCustom) {
		cp.genericRejected = true
		return
	}
	cp.q, cp.p, cp.cols = gq, gp, planColumns(gp)
}

// cachedPlan returns the cached plan for the statement st of SQL text key
// when it may be used now (PC1, PC3).
func (s *Session) cachedPlan(key string, st ast.Stmt, ptypes []*types.T, snap *mvcc.Snapshot) *cachedPlan {
	if key == "" || ptypes != nil {
		return nil
	}
	return s.cachedPlanFor(key, st, snap)
}

// hasRegParams reports whether a parameter is of a reg* type: its text
// argument is resolved by name with the analyzing statement's catalog
// hooks (regclassParams), so the plan is not cached.
func hasRegParams(ts []*types.T) bool {
	for _, t := range ts {
		if analyze.IsRegType(t) {
			return true
		}
	}
	return false
}

// planColumns returns the result columns of p, with no spare capacity so
// that an append to a cursor's columns never writes into a shared slice.
func planColumns(p *plan.Stmt) []Column {
	cols := make([]Column, len(p.Columns))
	for i, t := range p.Columns {
		cols[i] = Column{Name: t.Name, Type: t.Expr.Type(), Typmod: t.Expr.Typmod()}
	}
	return cols[:len(cols):len(cols)]
}
