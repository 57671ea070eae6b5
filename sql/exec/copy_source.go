package exec

import "github.com/tuskdb/tusk/sql/plan"

// BuildModifyTable makes the iterator of an INSERT's ModifyTable whose
// new rows come from src instead of from m.Child: COPY FROM parses its
// rows from text and feeds them to the same insert path as INSERT (heap
// insert, NOT NULL checks, index maintenance), as PostgreSQL's CopyFrom
// calls table_tuple_insert and ExecInsertIndexTuples. src yields full
// table rows (one datum per column of m.Cols). Closing the result closes
// src and releases the statement's shared state, as Build's does; Affected
// reports the rows inserted.
func BuildModifyTable(ec *Context, m *plan.ModifyTable, src Iter) Iter {
	return &root{Iter: &modifyTable{ec: ec, p: m, child: src}, ec: ec}
}
