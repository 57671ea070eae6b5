package session

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/exec"
	"github.com/tuskdb/tusk/sql/explain"
	"github.com/tuskdb/tusk/sql/parser"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// ExplainOptions parses EXPLAIN's option list as PostgreSQL does
// (ExplainQuery): booleans take true/false/on/off/1/0 or nothing, FORMAT
// takes text/json/yaml; BUFFERS without ANALYZE is allowed, TIMING
// without ANALYZE is an error.
func ExplainOptions(list []*ast.DefElem) (explain.Options, error) {
	o := explain.Defaults()
	timingSet, summarySet := false, false
	for _, d := range list {
		val := ""
		switch a := d.Arg.(type) {
		case nil:
		case *ast.Literal:
			val = strings.ToLower(a.Val)
		case *ast.ColumnRef:
			if len(a.Names) == 1 {
				val = strings.ToLower(a.Names[0])
			}
		default:
			val = strings.ToLower(ast.String(a))
		}
		boolVal := func() (bool, error) {
			switch val {
			case "", "true", "on", "1", "t", "yes":
				return true, nil
			case "false", "off", "0", "f", "no":
				return false, nil
			}
			return false, pgerr.New(pgerr.InvalidParameterValue, "%s requires a Boolean value", d.Name).WithPosition(d.Pos + 1)
		}
		var err error
		switch strings.ToLower(d.Name) {
		case "analyze":
			o.Analyze, err = boolVal()
		case "verbose":
			o.Verbose, err = boolVal()
		case "costs":
			o.Costs, err = boolVal()
		case "buffers":
			o.Buffers, err = boolVal()
		case "timing":
			timingSet = true
			o.Timing, err = boolVal()
		case "summary":
			summarySet = true
			o.Summary, err = boolVal()
		case "settings":
			o.Settings, err = boolVal()
		case "wal":
			_, err = boolVal()
		case "format":
			switch val {
			case "text":
				o.Format = explain.FormatText
			case "json":
				o.Format = explain.FormatJSON
			case "yaml":
				o.Format = explain.FormatYAML
			default:
				return o, pgerr.New(pgerr.InvalidParameterValue, "unrecognized value for EXPLAIN option \"format\": \"%s\"", val).WithPosition(d.Pos + 1)
			}
		default:
			return o, pgerr.New(pgerr.SyntaxError, "unrecognized EXPLAIN option \"%s\"", d.Name).WithPosition(d.Pos + 1)
		}
		if err != nil {
			return o, err
		}
	}
	if timingSet && o.Timing && !o.Analyze {
		return o, pgerr.New(pgerr.InvalidParameterValue, "EXPLAIN option TIMING requires ANALYZE")
	}
	if !timingSet {
		o.Timing = o.Analyze
	}
	if !summarySet {
		o.Summary = o.Analyze
	}
	return o, nil
}

// explainStmt runs EXPLAIN: one row per text line (or one JSON / YAML
// document) in a column "QUERY PLAN".
func (s *Session) explainStmt(ctx context.Context, n *ast.ExplainStmt, args []any) (*Cursor, error) {
	opts, err := ExplainOptions(n.Options)
	if err != nil {
		return nil, err
	}
	ex, err := s.explainTree(ctx, n.Query, args, opts)
	if err != nil {
		return nil, err
	}
	s.lastExplain = ex
	t := types.Text
	if opts.Format == explain.FormatJSON {
		t = types.JSON
	}
	c := &Cursor{s: s, tag: "EXPLAIN", cols: []Column{{Name: "QUERY PLAN", Type: t, Typmod: -1}}}
	for _, l := range ex.Lines() {
		c.rows = append(c.rows, []types.Datum{l})
	}
	return c, nil
}

// planFor plans an analyzed statement as query does (keep the two in
// step: the planner's environment, attached indexes).
func (s *Session) planFor(snap *mvcc.Snapshot, q *analyze.Query, params []types.Datum) (*plan.Stmt, error) {
	penv := s.planEnv(snap)
	if len(q.Params) > 0 {
		penv.Params = params // a custom plan, as query makes first (plancache.go PC4)
	}
	p, err := plan.PlanWith(q, penv)
	if err != nil {
		return nil, err
	}
	if err := s.attachIndexes(snap, p.Root); err != nil {
		return nil, err
	}
	return p, nil
}

// explainTree plans (and with ANALYZE runs) st and builds its EXPLAIN tree.
func (s *Session) explainTree(ctx context.Context, st ast.Stmt, args []any, opts explain.Options) (*explain.Explain, error) {
	var ptypes []*types.T
	if c, ok := st.(*ast.CreateTableAsStmt); ok && !opts.Analyze {
		// EXPLAIN CREATE TABLE AS / CREATE MATERIALIZED VIEW / SELECT
		// INTO shows the query's plan (nothing is created).
		st = c.Query
	}
	switch q := st.(type) {
	case *ast.SelectStmt, *ast.InsertStmt, *ast.UpdateStmt, *ast.DeleteStmt:
	case *ast.ExecuteStmt:
		pst, pargs, pt, err := s.executeArgs(ctx, q)
		if err != nil {
			return nil, err
		}
		st, args, ptypes = pst, pargs, pt
	default:
		return nil, pgerr.New(pgerr.FeatureNotSupported, "EXPLAIN of this statement is not supported yet")
	}
	start := time.Now()
	snap := s.snapshot()
	env := s.env(snap)
	env.ParamTypes = ptypes
	q, err := analyze.Analyze(st, env)
	if err != nil {
		return nil, err
	}
	params, err := bindParams(q.Params, regclassParams(env, q.Params, args))
	if err != nil {
		return nil, err
	}
	p, err := s.planFor(snap, q, params)
	if err != nil {
		return nil, err
	}
	planning := time.Since(start)
	in := explain.Input{Planning: planning, SchemaName: func(oid base.OID) string { return s.schemaName(snap, oid) }}
	if opts.Settings {
		in.Settings = s.changedPlannerSettings()
	}
	if opts.Analyze {
		ec := &exec.Context{Ctx: ctx, Heap: s.inst.Heap, Xact: s.xact, Snap: snap, Params: params, Xacts: s.inst.Xacts, PgStat: s.pgStat(),
			SerializableConflicts: s.isolation != "read committed",
			WorkMem:               s.workMem(), TempFS: s.inst.FS, TempDir: s.inst.TempDir(),
			Instrument: true}
		ec.OpenIndex = s.openIndexRef(snap) // as query does
		if opts.Timing {
			ec.Clock = time.Now
		}
		if opts.Buffers {
			ec.BufUsage = &bufmgr.Usage{}
		}
		t0 := time.Now()
		it, err := exec.Build(ec, p.Root)
		if err != nil {
			return nil, err
		}
		for {
			row, err := it.Next()
			if err != nil {
				it.Close()
				return nil, err
			}
			if row == nil {
				break
			}
		}
		it.Close()
		in.Execution = time.Since(t0)
		in.Stats = func(n plan.Node) *explain.Stats {
			st := ec.Stats(n)
			if st == nil {
				return nil
			}
			return &explain.Stats{Rows: st.Rows, Loops: st.Loops, Startup: st.Startup, Total: st.Total,
				SortMethod: st.SortMethod, MemoryKB: st.MemoryKB, DiskKB: st.DiskKB, Batches: st.Batches,
				RowsRemovedByFilter: st.RowsRemovedByFilter, RowsRemovedByRecheck: st.RowsRemovedByRecheck,
				RowsRemovedByJoinFilter: st.RowsRemovedByJoinFilter, HeapFetches: st.HeapFetches,
				ExactBlocks: st.ExactBlocks, LossyBlocks: st.LossyBlocks, CacheHits: st.CacheHits, CacheMisses: st.CacheMisses,
				CacheEvictions: st.CacheEvictions, CacheOverflows: st.CacheOverflows}
		}
		if opts.Buffers {
			in.Buffers = func(n plan.Node) *explain.Buffers {
				st := ec.Stats(n)
				if st == nil {
					return nil
				}
				u := st.Buffers
				return &explain.Buffers{SharedHit: u.Hit, SharedRead: u.Read, SharedDirtied: u.Dirtied, SharedWritten: u.Written}
			}
		}
	}
	return explain.Build(p, opts, in), nil
}

// executeArgs resolves EXPLAIN EXECUTE: the prepared statement and its
// evaluated arguments, as execute does.
func (s *Session) executeArgs(ctx context.Context, n *ast.ExecuteStmt) (ast.Stmt, []any, []*types.T, error) {
	p, ok := s.prepared[n.Name]
	if !ok {
		return nil, nil, nil, pgerr.New(pgerr.UndefinedPstatement, "prepared statement %q does not exist", n.Name)
	}
	if len(n.Params) != len(p.types) {
		return nil, nil, nil, pgerr.New(pgerr.SyntaxError, "wrong number of parameters for prepared statement %q", n.Name).
			WithDetail("Expected %d parameters but got %d.", len(p.types), len(n.Params))
	}
	var args []any
	for i, e := range n.Params {
		c, err := s.query(ctx, &ast.SelectStmt{Targets: []*ast.ResTarget{{Val: &ast.TypeCast{Arg: e, Type: typeNameOf(p.types[i])}}}}, nil, nil)
		if err != nil {
			return nil, nil, nil, err
		}
		row, err := c.it.Next()
		c.it.Close()
		c.it = nil
		if err != nil {
			return nil, nil, nil, err
		}
		args = append(args, datumArg{d: row.Vals[0], t: p.types[i]})
	}
	return p.stmt, args, p.types, nil
}

// changedPlannerSettings lists the planner settings that differ from
// their defaults (EXPLAIN's SETTINGS option).
func (s *Session) changedPlannerSettings() [][2]string {
	var out [][2]string
	for _, name := range Names() {
		if !plannerSetting(name) {
			continue
		}
		v, err := s.Settings.Get(name)
		if err != nil {
			continue
		}
		if st, ok := settings[name]; ok && st.def == v {
			continue
		}
		out = append(out, [2]string{name, v})
	}
	return out
}

func plannerSetting(name string) bool {
	return strings.HasPrefix(name, "enable_") || strings.HasSuffix(name, "_cost") || name == "work_mem" ||
		name == "effective_cache_size" || name == "max_parallel_workers_per_gather" || name == "default_statistics_target" ||
		name == "random_page_cost" || name == "seq_page_cost"
}

// Explain plans (and with opts.Analyze runs) one statement and returns
// its EXPLAIN tree, as the statement EXPLAIN (options) sql would.
func (s *Session) Explain(ctx context.Context, sql string, args []any, opts explain.Options) (*explain.Explain, error) {
	stmts, err := parser.Parse(sql)
	if err != nil {
		return nil, err
	}
	if len(stmts) != 1 {
		return nil, pgerr.New(pgerr.SyntaxError, "Explain takes exactly one statement, got %d", len(stmts))
	}
	var o []string
	flag := func(name string, on bool) {
		o = append(o, name+" "+strconv.FormatBool(on))
	}
	flag("analyze", opts.Analyze)
	flag("verbose", opts.Verbose)
	flag("costs", opts.Costs)
	flag("buffers", opts.Buffers)
	if opts.Analyze {
		flag("timing", opts.Timing)
	}
	flag("summary", opts.Summary)
	flag("settings", opts.Settings)
	s.lastExplain = nil
	c, err := s.Query(ctx, "EXPLAIN ("+strings.Join(o, ", ")+") "+sql, args)
	if err != nil {
		return nil, err
	}
	for {
		row, err := c.Next()
		if err != nil {
			c.Close()
			return nil, err
		}
		if row == nil {
			break
		}
	}
	if err := c.Close(); err != nil {
		return nil, err
	}
	ex := s.lastExplain
	s.lastExplain = nil
	if ex == nil {
		return nil, pgerr.New(pgerr.InternalError, "EXPLAIN produced no plan")
	}
	ex.Opts.Format = opts.Format
	return ex, nil
}

// schemaName names namespace oid for VERBOSE.
func (s *Session) schemaName(snap *mvcc.Snapshot, oid base.OID) string {
	name, err := s.inst.Catalog.NamespaceName(snap, oid)
	if err != nil {
		return ""
	}
	return name
}
