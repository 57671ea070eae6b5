package tusk

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/sql/explain"
	"github.com/tuskdb/tusk/sql/session"
)

// Plan is a node of a statement's plan as EXPLAIN shows it, for tests
// that assert how a query runs ("uses idx_users_created, no Seq Scan").
type Plan struct {
	// Node is PostgreSQL's node type: "Seq Scan", "Index Scan", "Index
	// Only Scan", "Bitmap Heap Scan", "Hash Join", "Nested Loop",
	// "Aggregate", "Sort", "Limit", "ModifyTable", ...
	Node string
	// Label is the start of the text line: "Hash Left Join",
	// "HashAggregate", "Index Scan Backward", "Insert".
	Label string
	// Relation, Alias, Index and Function name what a scan reads.
	Relation, Alias, Index, Function string
	// JoinType is "Inner", "Left", "Right", "Full", "Semi" or "Anti" for
	// joins; Strategy is "Plain", "Sorted" or "Hashed" for aggregates.
	JoinType, Strategy string
	// The planner's estimates.
	StartupCost, TotalCost, Rows float64
	Width                        int
	// Actual is set by ExplainAnalyze (nil otherwise).
	Actual *Actuals
	// Details are the node's detail lines: "Filter", "Index Cond", "Hash
	// Cond", "Sort Key", "Group Key", "Rows Removed by Filter", ...
	Details map[string]string
	// Buffers is the node's buffer usage (ExplainOptions.Buffers with
	// Analyze), its children's included, as PostgreSQL counts it.
	Buffers  *BufferUsage
	Children []*Plan

	ex   *explain.Explain
	node *explain.Node
}

// Actuals is what EXPLAIN ANALYZE measured for a node (per loop, as
// PostgreSQL prints it; TotalRows sums the loops).
type Actuals struct {
	StartupMs, TotalMs float64
	Rows               float64
	TotalRows          int64
	Loops              int64
	Executed           bool
}

// BufferUsage counts buffer accesses: pages found in shared buffers
// (SharedHit), read from their file (SharedRead), and temporary file
// blocks.
type BufferUsage struct {
	SharedHit, SharedRead, SharedDirtied, SharedWritten int64
	TempRead, TempWritten                               int64
}

// ExplainOptions select what Explain measures and shows.
type ExplainOptions struct {
	// Analyze runs the statement (an INSERT, UPDATE or DELETE really
	// changes rows) and fills Plan.Actual.
	Analyze bool
	Verbose bool
	Buffers bool
	// NoCosts leaves out the estimates in String (COSTS OFF).
	NoCosts bool
}

// Explain plans sql (without running it) and returns its plan tree.
func (db *DB) Explain(ctx context.Context, sql string, args ...any) (*Plan, error) {
	return db.ExplainWith(ctx, ExplainOptions{}, sql, args...)
}

// ExplainAnalyze runs sql and returns its plan tree with actual row
// counts, loops and times (EXPLAIN ANALYZE).
func (db *DB) ExplainAnalyze(ctx context.Context, sql string, args ...any) (*Plan, error) {
	return db.ExplainWith(ctx, ExplainOptions{Analyze: true}, sql, args...)
}

// ExplainWith is Explain with options.
func (db *DB) ExplainWith(ctx context.Context, opts ExplainOptions, sql string, args ...any) (*Plan, error) {
	s, err := db.session()
	if err != nil {
		return nil, err
	}
	defer db.release(s)
	return explainOn(ctx, s, opts, sql, args)
}

// Explain plans sql in the transaction and returns its plan tree.
func (tx *Tx) Explain(ctx context.Context, sql string, args ...any) (*Plan, error) {
	return tx.ExplainWith(ctx, ExplainOptions{}, sql, args...)
}

// ExplainWith is Explain with options, in the transaction.
func (tx *Tx) ExplainWith(ctx context.Context, opts ExplainOptions, sql string, args ...any) (*Plan, error) {
	if tx.done {
		return nil, errTxDone
	}
	return explainOn(ctx, tx.s, opts, sql, args)
}

func explainOn(ctx context.Context, s *session.Session, opts ExplainOptions, sql string, args []any) (*Plan, error) {
	o := explain.Defaults()
	o.Analyze, o.Verbose, o.Buffers, o.Costs = opts.Analyze, opts.Verbose, opts.Buffers, !opts.NoCosts
	o.Timing, o.Summary = opts.Analyze, opts.Analyze
	ex, err := s.Explain(ctx, sql, args, o)
	if err != nil {
		return nil, err
	}
	return toPlan(ex, ex.Root), nil
}

func toPlan(ex *explain.Explain, n *explain.Node) *Plan {
	p := &Plan{Node: n.Type, Label: n.Label, Relation: n.Relation, Alias: n.Alias, Index: n.Index, Function: n.Function,
		JoinType: n.JoinType, Strategy: n.Strategy,
		StartupCost: n.Cost.Startup, TotalCost: n.Cost.Total, Rows: n.Cost.Rows, Width: n.Cost.Width,
		Details: map[string]string{}, ex: ex, node: n}
	if a := n.Actual; a != nil {
		p.Actual = &Actuals{StartupMs: a.Startup, TotalMs: a.Total, Rows: a.Rows, TotalRows: a.TotalRows, Loops: a.Loops, Executed: a.Executed}
	}
	if b := n.Buffers; b != nil {
		p.Buffers = &BufferUsage{SharedHit: b.SharedHit, SharedRead: b.SharedRead, SharedDirtied: b.SharedDirtied,
			SharedWritten: b.SharedWritten, TempRead: b.TempRead, TempWritten: b.TempWritten}
		if s := b.String(); s != "" {
			p.Details["Buffers"] = s
		}
	}
	for _, pr := range n.Props {
		if pr.Text != "" {
			k, v, _ := strings.Cut(pr.Text, ": ")
			p.Details[k] = v
			continue
		}
		switch v := pr.Val.(type) {
		case string:
			p.Details[pr.Key] = v
		case []string:
			p.Details[pr.Key] = strings.Join(v, ", ")
		default:
			p.Details[pr.Key] = explainValue(v)
		}
	}
	for _, c := range n.Children {
		p.Children = append(p.Children, toPlan(ex, c))
	}
	return p
}

func explainValue(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// Walk calls f for p and every node below it, depth first.
func (p *Plan) Walk(f func(*Plan)) {
	if p == nil {
		return
	}
	f(p)
	for _, c := range p.Children {
		c.Walk(f)
	}
}

// Find returns the nodes (p included) whose Node or Label is name.
func (p *Plan) Find(name string) []*Plan {
	var out []*Plan
	p.Walk(func(x *Plan) {
		if x.Node == name || x.Label == name {
			out = append(out, x)
		}
	})
	return out
}

// Uses reports whether some node of the plan reads index name.
func (p *Plan) Uses(index string) bool {
	found := false
	p.Walk(func(x *Plan) {
		if x.Index == index {
			found = true
		}
	})
	return found
}

// Scans returns the relations the plan reads with a node of type node
// ("Seq Scan", "Index Scan", ...).
func (p *Plan) Scans(node string) []string {
	var out []string
	for _, x := range p.Find(node) {
		out = append(out, x.Relation)
	}
	return out
}

// String is the plan below and including p in EXPLAIN's text format.
func (p *Plan) String() string {
	if p.ex == nil || p.node == nil {
		return ""
	}
	e := *p.ex
	e.Root = p.node
	if p.node != p.ex.Root {
		e.ShowPlanning, e.ShowExecution, e.Settings = false, false, nil
	}
	return e.String()
}
