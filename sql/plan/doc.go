// Package plan is the planner stage of Tusk's SQL pipeline (PostgreSQL's
// optimizer): it turns an analyzed Query into a tree of plan nodes that
// package exec runs.
//
// Today the planner is rule-based and knows Seq Scan, Result, Values,
// Projection and ModifyTable: enough for single-table statements. Every
// node carries a Cost (startup, total, rows, width) computed with
// PostgreSQL's cost parameters, so the cost-based planner of the index
// issue can compare paths without changing the node types.
//
// Invariants:
//
//	P1: A plan is immutable once built; executing it never changes it, so
//	    a prepared statement's plan can be run many times.
//	P2: Every Var in a node's expressions has Index set to its position in
//	    the row that node's input produces.
package plan
