// Package catalog is Tusk's system catalog: pg_namespace, pg_class,
// pg_attribute and pg_type (and pg_index, pg_rewrite, pg_depend,
// pg_attrdef, pg_constraint) as ordinary heap relations, read through MVCC
// snapshots like any table, so DDL is transactional. On the first Open,
// Bootstrap creates their files and inserts their own rows (PostgreSQL's
// initdb bootstrap mode); afterwards every DDL statement is heap inserts
// and deletes on them.
//
// A relation cache sits in front of pg_class/pg_attribute: entries are
// built from catalog rows and dropped whenever a transaction that changed
// the catalog commits (Invalidate). A transaction that changed the catalog
// itself reads around the cache, so it sees its own uncommitted DDL.
//
// DDL API beyond CREATE/DROP (alter.go, attrdef.go, constraint.go):
// AddColumn, DropColumn, RenameColumn, RenameRelation, SetNotNull,
// SetColumnType, SetColumnDefault / ColumnDefault (pg_attrdef),
// NewRelFileNode (TRUNCATE), CreateNamespace / DropNamespace /
// RelationsInNamespace, and constraints: AddConstraint, Constraints(snap,
// rel) and ForeignKeysReferencing (what the executor enforces),
// ConstraintOfIndex, DropConstraint, RenameConstraint, ConstraintDef
// (pg_get_constraintdef). Rows change by heap updates (update.go, C6).
//
// Sequences (sequence.go): CreateSequence, SequenceParams /
// SetSequenceParams (pg_sequence), ownership in pg_depend
// (SetSequenceOwner, SequenceOwner, OwnedSequence(s),
// AddDefaultDependency, DefaultsUsing), SetIdentity (attidentity), and
// SeqStore, which reads and advances a sequence's state page outside
// transactions (Init, Read, Next, Set, ResetLog; SQ1...SQ4).
//
// Statistics (statistic.go): pg_statistic rows written by ANALYZE
// (ReplaceStatistics, DeleteStatistics), decoded for the planner by
// ColumnStats / ColumnStatsX (cached, ST3); pg_class.relpages, reltuples
// and relallvisible (SetRelStats, read into Relation.Pages, Tuples,
// AllVisible); attstattarget (SetStatisticsTarget, Attribute.StatTarget).
//
// More catalogs (systables2.go, C8): pg_proc (Procs, RegisterProc),
// pg_database, pg_authid, pg_auth_members, pg_description (Description,
// SetDescription: COMMENT ON, C10), pg_am, pg_tablespace, pg_collation,
// pg_language, pg_operator, and empty catalogs of features Tusk lacks
// (pg_inherits, pg_trigger, pg_policy, pg_statistic_ext, ...);
// EnsureSystemTables adds what a database of an older build lacks.
// pg_class flags summarizing other catalogs (relchecks, relhasindex,
// relhastriggers, relhasrules) are kept by SyncClassFlags (class_flags.go,
// C9).
//
// Consistency (check.go): Check verifies every reference between catalog
// rows a snapshot sees and the relation cache (pg_catcheck's job, CK1,
// CK2); internal/instance CheckCatalog adds the relation files (CK3).
//
// Invariants: see README.md (C1...).
package catalog
