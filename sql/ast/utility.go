package ast

// TransactionKind is the kind of a TransactionStmt.
type TransactionKind uint8

const (
	TransBegin            TransactionKind = iota // BEGIN [WORK|TRANSACTION] [modes]
	TransStart                                   // START TRANSACTION [modes]
	TransCommit                                  // COMMIT / END [AND [NO] CHAIN]
	TransRollback                                // ROLLBACK / ABORT [AND [NO] CHAIN]
	TransSavepoint                               // SAVEPOINT name
	TransRelease                                 // RELEASE [SAVEPOINT] name
	TransRollbackTo                              // ROLLBACK TO [SAVEPOINT] name
	TransPrepare                                 // PREPARE TRANSACTION 'gid'
	TransCommitPrepared                          // COMMIT PREPARED 'gid'
	TransRollbackPrepared                        // ROLLBACK PREPARED 'gid'
)

// TransactionStmt is a transaction control statement. Options are the
// transaction modes: transaction_isolation (Arg: *Literal string "read
// committed", "repeatable read", "serializable", "read uncommitted"),
// transaction_read_only and transaction_deferrable (Arg: *Literal bool),
// as PostgreSQL's transaction_mode_item makes them.
type TransactionStmt struct {
	Pos       int
	Kind      TransactionKind
	Options   []*DefElem
	Savepoint string
	Gid       string
	Chain     bool
}

// CheckpointStmt is CHECKPOINT.
type CheckpointStmt struct {
	Pos int
}

// VarSetKind is the kind of a VariableSetStmt.
type VarSetKind uint8

const (
	VarSetValue   VarSetKind = iota // SET name TO/= values
	VarSetDefault                   // SET name TO DEFAULT
	VarSetCurrent                   // SET name FROM CURRENT
	VarSetMulti                     // SET TRANSACTION ... / SET SESSION CHARACTERISTICS AS TRANSACTION ...
	VarReset                        // RESET name
	VarResetAll                     // RESET ALL
)

// VariableSetStmt is SET [SESSION|LOCAL] name {TO|=} value, ... and RESET.
// Special forms are mapped to their variable as PostgreSQL does: SET TIME
// ZONE x -> timezone, SET NAMES x -> client_encoding, SET SCHEMA 'x' ->
// search_path, SET ROLE -> role, SET SESSION AUTHORIZATION ->
// session_authorization, SET TRANSACTION -> Name "TRANSACTION",
// SET SESSION CHARACTERISTICS AS TRANSACTION -> "SESSION CHARACTERISTICS"
// (both VarSetMulti with Options as in TransactionStmt). Values are
// *Literal: words and ON/OFF become LitString, numbers LitInteger /
// LitNumeric; SET TIME ZONE INTERVAL '...' gives a *TypeCast.
type VariableSetStmt struct {
	Pos     int
	Kind    VarSetKind
	Name    string
	Args    []Expr
	Options []*DefElem
	Local   bool
}

// VariableShowStmt is SHOW name | SHOW ALL (Name "all"); SHOW TIME ZONE ->
// "timezone", SHOW TRANSACTION ISOLATION LEVEL -> "transaction_isolation",
// SHOW SESSION AUTHORIZATION -> "session_authorization".
type VariableShowStmt struct {
	Pos  int
	Name string
}

// CopyStmt is COPY table [(cols)] FROM|TO {'file' | PROGRAM 'cmd' | STDIN |
// STDOUT} [[WITH] (options) | legacy options] [WHERE ...], or COPY (query)
// TO .... Filename is "" for STDIN/STDOUT. Legacy options are converted to
// the same DefElems as PostgreSQL's copy_opt_item does (format 'csv',
// header true, delimiter 'x', null 'x', quote, escape, force_quote,
// force_not_null, freeze, format 'binary').
type CopyStmt struct {
	Pos       int
	Table     *RangeVar
	Query     Stmt
	Columns   []string
	IsFrom    bool
	IsProgram bool
	Filename  string
	Options   []*DefElem
	Where     Expr
}

// PrepareStmt is PREPARE name [(types)] AS statement.
type PrepareStmt struct {
	Pos      int
	Name     string
	ArgTypes []*TypeName
	Query    Stmt
}

// ExecuteStmt is EXECUTE name [(params)].
type ExecuteStmt struct {
	Pos    int
	Name   string
	Params []Expr
}

// DeallocateStmt is DEALLOCATE [PREPARE] name | ALL (Name "").
type DeallocateStmt struct {
	Pos  int
	Name string
}

// ExplainStmt is EXPLAIN [(option [value], ...)] statement, or the legacy
// EXPLAIN [ANALYZE] [VERBOSE] statement (options analyze / verbose).
type ExplainStmt struct {
	Pos     int
	Query   Stmt
	Options []*DefElem
}

// VacuumRelation is one table [(columns)] of VACUUM / ANALYZE.
type VacuumRelation struct {
	Pos      int
	Relation *RangeVar
	Columns  []string
}

// VacuumStmt is VACUUM [(options)] [tables] or ANALYZE [(options)] [tables]
// (IsVacuum false). Legacy VACUUM FULL FREEZE VERBOSE ANALYZE keywords
// become options full, freeze, verbose, analyze.
type VacuumStmt struct {
	Pos      int
	IsVacuum bool
	Options  []*DefElem
	Rels     []*VacuumRelation
}

// LockStmt is LOCK [TABLE] [ONLY] t, ... [IN mode MODE] [NOWAIT]. Mode is
// the upper-case mode name, e.g. "ACCESS EXCLUSIVE" (the default).
type LockStmt struct {
	Pos    int
	Tables []*RangeVar
	Mode   string
	NoWait bool
}

// DiscardStmt is DISCARD ALL|PLANS|SEQUENCES|TEMP (Target upper case; TEMPORARY
// is "TEMP").
type DiscardStmt struct {
	Pos    int
	Target string
}

func (*TransactionStmt) stmtNode()  {}
func (*CheckpointStmt) stmtNode()   {}
func (*VariableSetStmt) stmtNode()  {}
func (*VariableShowStmt) stmtNode() {}
func (*CopyStmt) stmtNode()         {}
func (*PrepareStmt) stmtNode()      {}
func (*ExecuteStmt) stmtNode()      {}
func (*DeallocateStmt) stmtNode()   {}
func (*ExplainStmt) stmtNode()      {}
func (*VacuumStmt) stmtNode()       {}
func (*LockStmt) stmtNode()         {}
func (*DiscardStmt) stmtNode()      {}

func (n *TransactionStmt) Position() int  { return n.Pos }
func (n *CheckpointStmt) Position() int   { return n.Pos }
func (n *VariableSetStmt) Position() int  { return n.Pos }
func (n *VariableShowStmt) Position() int { return n.Pos }
func (n *CopyStmt) Position() int         { return n.Pos }
func (n *PrepareStmt) Position() int      { return n.Pos }
func (n *ExecuteStmt) Position() int      { return n.Pos }
func (n *DeallocateStmt) Position() int   { return n.Pos }
func (n *ExplainStmt) Position() int      { return n.Pos }
func (n *VacuumRelation) Position() int   { return n.Pos }
func (n *VacuumStmt) Position() int       { return n.Pos }
func (n *LockStmt) Position() int         { return n.Pos }
func (n *DiscardStmt) Position() int      { return n.Pos }
