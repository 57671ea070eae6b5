package explain

import (
	"time"

	"github.com/tuskdb/tusk/sql/plan"
)

// Format is EXPLAIN's output format.
type Format uint8

// Output formats.
const (
	FormatText Format = iota
	FormatJSON
	FormatYAML
)

// Options are EXPLAIN's options. The zero value is not PostgreSQL's
// default (COSTS is on there): use Defaults.
type Options struct {
	Analyze  bool
	Verbose  bool
	Costs    bool
	Buffers  bool
	Timing   bool
	Summary  bool
	Settings bool
	Format   Format
}

// Defaults returns PostgreSQL's default options: COSTS on, TIMING on
// (used only with ANALYZE), SUMMARY on with ANALYZE.
func Defaults() Options {
	return Options{Costs: true, Timing: true}
}

// Node is one line of a plan as EXPLAIN shows it (PostgreSQL's plan node
// after the merges of E2): what the text and JSON printers render, and
// what the typed plan API of package tusk returns.
type Node struct {
	// Type is the JSON "Node Type" ("Seq Scan", "Hash Join", "Aggregate",
	// "ModifyTable", "SetOp"); Label is the start of the text line
	// ("Seq Scan", "Hash Left Join", "HashAggregate", "Insert",
	// "Index Scan Backward").
	Type  string
	Label string
	// Strategy is Aggregate's and SetOp's "Plain", "Sorted", "Hashed";
	// Operation is ModifyTable's "Insert", "Update", "Delete"; Command is
	// SetOp's "Intersect", "Except", ... .
	Strategy  string
	Operation string
	Command   string
	// JoinType is "Inner", "Left", "Full", "Right", "Semi", "Anti" for joins.
	JoinType string
	// Scan targets: Relation (and Schema), Alias, Index, Function, CTE.
	Relation, Schema, Alias, Index, Function, CTE string
	// ScanDirection is "Forward" or "Backward" for index scans.
	ScanDirection string
	// Relationship is how the node hangs below its parent: "Outer",
	// "Inner", "Member", "InitPlan", "SubPlan", "Subquery" ("" at the top);
	// SubplanName is "InitPlan 1 (returns $0)", "SubPlan 1", "CTE c".
	Relationship string
	SubplanName  string

	Cost   plan.Cost
	Actual *Actual // nil without ANALYZE
	// Output is VERBOSE's output column list.
	Output []string
	// Props are the detail lines, in PostgreSQL's order.
	Props    []Prop
	Children []*Node
	// Buffers is the node's buffer usage (with ANALYZE, BUFFERS).
	Buffers *Buffers

	// Plan is the Tusk plan node the line stands for (nil for the Hash
	// line a Hash Join prints).
	Plan plan.Node

	items []*item    // the node's output columns (build.go)
	phys  []*item    // a scan's columns before a merged projection
	own   []exprRef  // the node's own expressions (conditions, keys)
	out   []*item    // what VERBOSE shows as Output (prune.go)
	mode  outputMode // how the parent asked for the output (prune.go)
}

// Actual is what EXPLAIN ANALYZE measured: per-loop averages, as
// PostgreSQL prints them.
type Actual struct {
	Executed bool    // false: "(never executed)"
	Startup  float64 // ms, per loop
	Total    float64 // ms, per loop
	Rows     float64 // per loop
	Loops    int64
	// TotalRows is the row count over all loops.
	TotalRows int64
}

// Buffers is a node's buffer usage (PostgreSQL's BufferUsage, shared
// buffers only: Tusk has no local buffers; temp blocks are written by
// spilling nodes).
type Buffers struct {
	SharedHit, SharedRead, SharedDirtied, SharedWritten int64
	TempRead, TempWritten                               int64
}

func (b *Buffers) zero() bool {
	return b == nil || *b == Buffers{}
}

// Prop is one detail of a node: Key and a value (string, []string, int64
// or float64). Text, when set, is the whole text-format line (e.g.
// "Sort Method: quicksort  Memory: 25kB"), and JSON lists the keys the
// structured formats print instead of Key.
type Prop struct {
	Key  string
	Val  any
	Text string
	JSON []Prop
	// TextOnly / JSONOnly restrict the property to one kind of format.
	TextOnly, JSONOnly bool
}

// Explain is a whole EXPLAIN result.
type Explain struct {
	Root *Node
	// Planning and Execution are set with SUMMARY (Execution only with
	// ANALYZE); negative when not shown.
	Planning, Execution time.Duration
	ShowPlanning        bool
	ShowExecution       bool
	// Settings are the modified planner settings (SETTINGS on).
	Settings [][2]string
	Opts     Options
}

// Find returns the nodes of the tree at n (n included) whose Type or
// Label is name, in depth-first order.
func (n *Node) Find(name string) []*Node {
	var out []*Node
	n.Walk(func(x *Node) {
		if x.Type == name || x.Label == name {
			out = append(out, x)
		}
	})
	return out
}

// Walk calls f for n and every node below it, depth first.
func (n *Node) Walk(f func(*Node)) {
	if n == nil {
		return
	}
	f(n)
	for _, c := range n.Children {
		c.Walk(f)
	}
}

// Prop returns the value of the detail named key, or nil.
func (n *Node) Prop(key string) any {
	for _, p := range n.Props {
		if p.Key == key {
			return p.Val
		}
	}
	return nil
}

// Stats is what a plan node did in an EXPLAIN ANALYZE run (the session
// copies it from exec.Stats; package explain does not import exec).
type Stats struct {
	Rows, Loops    int64
	Startup, Total time.Duration // summed over loops

	SortMethod string
	MemoryKB   int64
	DiskKB     int64
	Batches    int

	RowsRemovedByFilter      int64
	RowsRemovedByRecheck     int64
	RowsRemovedByJoinFilter  int64
	HeapFetches              int64
	ExactBlocks, LossyBlocks int64
	CacheHits, CacheMisses   int64
	CacheEvictions           int64
	CacheOverflows           int64
}
