package plan

import (
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/sql/analyze"
)

// Constraints is what a ModifyTable enforces beyond NOT NULL and unique
// indexes: the CHECK constraints and foreign keys of its table, and the
// foreign keys of other tables that reference it (set by the session
// after planning, like ModifyTable.Indexes). Table links to every table
// the enforcement may read or change through foreign keys: the
// referenced tables of its foreign keys, the referencing tables of the
// keys that reference it, and, through ON DELETE / ON UPDATE actions,
// the tables those actions change in turn (the graph may have cycles).
type Constraints struct {
	Table *ConstrainedTable
}

// ConstrainedTable is one table of a Constraints graph. Which fields are
// filled depends on what the statement may do to the table: Checks,
// ForeignKeys and Indexes when rows may be inserted or updated in it,
// ReferencedBy when rows may be updated or deleted, Defaults when a
// foreign key action may SET DEFAULT its columns. A table that is only
// read (a referenced table, or a referencing table checked by NO ACTION)
// has Rel and Cols.
type ConstrainedTable struct {
	Rel  *catalog.Relation
	Cols []analyze.Column
	// Indexes are the table's indexes, maintained when a foreign key
	// action updates its rows (for the target, ModifyTable.Indexes).
	Indexes []*IndexTarget
	// Checks are the CHECK constraints in name order, the order
	// PostgreSQL evaluates them (CheckConstraintCmp).
	Checks []*CheckConstraint
	// ForeignKeys are the table's own foreign keys (it is the
	// referencing side), in creation order.
	ForeignKeys []*ForeignKey
	// ReferencedBy are the foreign keys (of any table, this one included)
	// that reference this table, in creation order.
	ReferencedBy []*ForeignKey
	// Defaults are the columns' DEFAULT expressions (nil: NULL); set only
	// when some foreign key action may SET DEFAULT.
	Defaults []analyze.Expr
}

// CheckConstraint is a CHECK constraint: Expr is boolean over the table's
// row (its Vars index the row's columns: analyze.CheckExpr).
type CheckConstraint struct {
	Name string
	Expr analyze.Expr
}

// ForeignKey is a FOREIGN KEY constraint seen from both sides. Keys and
// RefKeys are parallel lists of 0-based column numbers of Table and
// RefTable.
type ForeignKey struct {
	Name     string
	Table    *ConstrainedTable // the referencing table (conrelid)
	Keys     []int
	RefTable *ConstrainedTable // the referenced table (confrelid)
	RefKeys  []int
	// RefIndex is the referenced table's unique index on RefKeys
	// (conindid), used to look up referenced rows.
	RefIndex *IndexTarget
	// KeyIndex is an index of Table whose leading key columns are Keys,
	// used to find referencing rows; nil when there is none (or the key
	// types differ) and Table is scanned instead.
	KeyIndex *IndexTarget
	// OnUpdate and OnDelete are catalog.FKNoAction ... FKSetDefault;
	// Match is catalog.FKMatchSimple or FKMatchFull.
	OnUpdate, OnDelete, Match byte
}
