// Package exec is the executor of Tusk's SQL pipeline: the Volcano model,
// as PostgreSQL's executor. Each plan node becomes an iterator whose Next
// pulls rows from its children; expressions are evaluated over a row.
//
// Invariants:
//
//	X1: A row's values are datums of their column types (types.Datum); a
//	    nil value is SQL NULL. Operators are strict: a NULL argument gives
//	    NULL without calling the operator.
//	X2: Every row-changing action goes through access/heap with the
//	    session's transaction and current command id, so a statement never
//	    sees its own changes (Halloween protection by command id).
//	X3: Constraint checks (NOT NULL today) run before the heap is
//	    touched; a violation leaves nothing behind in the table.
//	X4: An iterator is closed exactly once, by whoever opened it.
package exec
