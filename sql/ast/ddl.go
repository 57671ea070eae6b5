package ast

// CreateTableStmt is CREATE [TEMP|UNLOGGED] TABLE [IF NOT EXISTS] name
// (elements) [INHERITS (...)] [ON COMMIT ...].
type CreateTableStmt struct {
	Pos         int
	Table       *RangeVar
	Persistence Persistence
	IfNotExists bool
	Columns     []*ColumnDef
	Constraints []*Constraint // table constraints
	Inherits    []*RangeVar
	Options     []*DefElem // WITH (storage options)
	OnCommit    OnCommit
}

// OnCommit is the ON COMMIT action of a temporary table.
type OnCommit uint8

const (
	OnCommitNoop OnCommit = iota // not written
	OnCommitPreserveRows
	OnCommitDeleteRows
	OnCommitDrop
)

// ColumnDef is a column of CREATE TABLE / ALTER TABLE ADD COLUMN: name type
// [COLLATE c] [constraints]. Constraint attributes (DEFERRABLE ...) are
// folded into the constraint they follow.
type ColumnDef struct {
	Pos         int
	Name        string
	Type        *TypeName
	Collation   []string
	Constraints []*Constraint
}

// ConstrType is the kind of a Constraint.
type ConstrType uint8

const (
	ConstrNull ConstrType = iota
	ConstrNotNull
	ConstrDefault
	ConstrIdentity  // GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY [(seq options)]
	ConstrGenerated // GENERATED ALWAYS AS (expr) STORED
	ConstrCheck
	ConstrPrimary
	ConstrUnique
	ConstrForeign
	ConstrExclusion
)

var constrNames = [...]string{"NULL", "NOT NULL", "DEFAULT", "IDENTITY", "GENERATED", "CHECK",
	"PRIMARY KEY", "UNIQUE", "FOREIGN KEY", "EXCLUDE"}

func (c ConstrType) String() string { return constrNames[c] }

// FKAction is an ON DELETE / ON UPDATE action.
type FKAction uint8

const (
	FKNoAction FKAction = iota // default
	FKRestrict
	FKCascade
	FKSetNull
	FKSetDefault
)

var fkActionNames = [...]string{"NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"}

func (a FKAction) String() string { return fkActionNames[a] }

// FKMatch is the MATCH type of a foreign key.
type FKMatch uint8

const (
	MatchSimple FKMatch = iota // default
	MatchFull
	MatchPartial
)

// IdentityKind is GENERATED ALWAYS or BY DEFAULT.
type IdentityKind uint8

const (
	IdentityAlways IdentityKind = iota
	IdentityByDefault
)

// Constraint is a column or table constraint. Which fields are used depends
// on Kind:
//   - Default, Check, Generated: Expr (Check: NoInherit);
//   - Identity: Identity, SeqOptions;
//   - Primary, Unique: Keys (table constraint; empty on a column), Including,
//     NullsNotDistinct (UNIQUE NULLS NOT DISTINCT), IndexName (USING INDEX);
//   - Foreign: Keys (FOREIGN KEY (...); empty on a column), RefTable,
//     RefColumns, Match, OnDelete, OnUpdate.
//
// Deferrable/InitiallyDeferred/NotValid apply to the kinds PostgreSQL allows.
type Constraint struct {
	Pos               int
	Kind              ConstrType
	Name              string // CONSTRAINT name
	Expr              Expr
	Keys              []string
	Including         []string
	NullsNotDistinct  bool
	IndexName         string
	RefTable          *RangeVar
	RefColumns        []string
	Match             FKMatch
	OnDelete          FKAction
	OnUpdate          FKAction
	Deferrable        bool
	InitiallyDeferred bool
	NotValid          bool
	NoInherit         bool
	Identity          IdentityKind
	SeqOptions        []*DefElem
}

// CreateTableAsStmt is CREATE [TEMP] TABLE [IF NOT EXISTS] name [(cols)] AS
// query [WITH [NO] DATA], also what SELECT ... INTO becomes. Materialized is
// CREATE MATERIALIZED VIEW.
type CreateTableAsStmt struct {
	Pos          int
	Table        *RangeVar
	Columns      []string
	Persistence  Persistence
	IfNotExists  bool
	Query        Stmt // *SelectStmt, or *ExecuteStmt for CREATE TABLE AS EXECUTE
	WithNoData   bool
	Materialized bool
}

// DropStmt is DROP object-kind [CONCURRENTLY] [IF EXISTS] names [CASCADE |
// RESTRICT]. For schemas (and databases) Objects[i].Name holds the name.
type DropStmt struct {
	Pos          int
	Kind         ObjectType
	Objects      []*RangeVar
	IfExists     bool
	Behavior     DropBehavior
	Concurrently bool
}

// CreateSchemaStmt is CREATE SCHEMA [IF NOT EXISTS] [name] [AUTHORIZATION
// role] [elements].
type CreateSchemaStmt struct {
	Pos           int
	Name          string
	IfNotExists   bool
	Authorization string
	Elements      []Stmt
}

// ViewCheckOption is WITH [CASCADED|LOCAL] CHECK OPTION.
type ViewCheckOption uint8

const (
	NoCheckOption ViewCheckOption = iota
	LocalCheckOption
	CascadedCheckOption
)

// CreateViewStmt is CREATE [OR REPLACE] [TEMP] [RECURSIVE] VIEW name [(cols)]
// [WITH (options)] AS query [WITH ... CHECK OPTION]. CREATE RECURSIVE VIEW
// v (cols) AS q is turned into WITH RECURSIVE v (cols) AS (q) SELECT cols
// FROM v, as PostgreSQL's makeRecursiveViewSelect does.
type CreateViewStmt struct {
	Pos         int
	View        *RangeVar
	Columns     []string
	Query       *SelectStmt
	Replace     bool
	Persistence Persistence
	Options     []*DefElem
	CheckOption ViewCheckOption
}

// AlterTableKind is the subcommand of an AlterTableCmd.
type AlterTableKind uint8

const (
	ATAddColumn          AlterTableKind = iota // Def *ColumnDef; IfNotExists
	ATDropColumn                               // Name; IfExists; Behavior
	ATAlterColumnType                          // Name; Def *TypeName; Using; Collation
	ATSetNotNull                               // Name
	ATDropNotNull                              // Name
	ATSetDefault                               // Name; Def Expr
	ATDropDefault                              // Name
	ATAddConstraint                            // Def *Constraint
	ATDropConstraint                           // Name; IfExists; Behavior
	ATValidateConstraint                       // Name
	ATAddIdentity                              // Name; Def *Constraint (ConstrIdentity)
	ATDropIdentity                             // Name; IfExists
	ATSetIdentity                              // Name; Options (sequence options, incl. "generated")
	ATSetStatistics                            // Name; Def *Literal
	ATSetLogged
	ATSetUnlogged
	ATOwnerTo // Name = new owner
)

var atNames = [...]string{"ADD COLUMN", "DROP COLUMN", "ALTER COLUMN TYPE", "SET NOT NULL", "DROP NOT NULL",
	"SET DEFAULT", "DROP DEFAULT", "ADD CONSTRAINT", "DROP CONSTRAINT", "VALIDATE CONSTRAINT",
	"ADD IDENTITY", "DROP IDENTITY", "SET IDENTITY", "SET STATISTICS", "SET LOGGED", "SET UNLOGGED",
	"OWNER TO"}

func (k AlterTableKind) String() string { return atNames[k] }

// AlterTableCmd is one subcommand of ALTER TABLE; the comment on each
// AlterTableKind says which fields it uses.
type AlterTableCmd struct {
	Pos         int
	Kind        AlterTableKind
	Name        string
	Def         Node
	Using       Expr
	Collation   []string
	Options     []*DefElem
	IfExists    bool
	IfNotExists bool
	Behavior    DropBehavior
}

// AlterTableStmt is ALTER TABLE|INDEX|VIEW|SEQUENCE [IF EXISTS] [ONLY] name
// cmd, ... (Table.Only is ONLY).
type AlterTableStmt struct {
	Pos      int
	Kind     ObjectType
	Table    *RangeVar
	IfExists bool
	Cmds     []*AlterTableCmd
}

// RenameStmt is ALTER ... RENAME: of a relation (Kind table/view/index/
// sequence: Relation -> NewName), of a column or constraint (Kind
// ObjectColumn/ObjectConstraint, RelKind the relation's kind: Relation,
// SubName -> NewName) or of a schema (SubName -> NewName).
type RenameStmt struct {
	Pos      int
	Kind     ObjectType
	RelKind  ObjectType
	Relation *RangeVar
	SubName  string
	NewName  string
	IfExists bool
}

// AlterObjectSchemaStmt is ALTER TABLE|VIEW|SEQUENCE|INDEX name SET SCHEMA s.
type AlterObjectSchemaStmt struct {
	Pos       int
	Kind      ObjectType
	Relation  *RangeVar
	NewSchema string
	IfExists  bool
}

// IndexElem is a key of CREATE INDEX (or ON CONFLICT): a column Name or an
// Expr, with its options.
type IndexElem struct {
	Pos       int
	Name      string
	Expr      Expr
	Collation []string
	Opclass   []string
	Dir       SortDir
	Nulls     NullsOrder
}

// CreateIndexStmt is CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS]
// name] ON [ONLY] table [USING method] (keys) [INCLUDE (...)] [NULLS [NOT]
// DISTINCT] [WITH (options)] [WHERE pred]. Name is "" when not written.
type CreateIndexStmt struct {
	Pos              int
	Name             string
	Table            *RangeVar
	Unique           bool
	Concurrently     bool
	IfNotExists      bool
	Method           string // "" when not written (btree)
	Params           []*IndexElem
	Include          []*IndexElem
	NullsNotDistinct bool
	Options          []*DefElem
	Where            Expr
}

// ReindexKind is what REINDEX rebuilds.
type ReindexKind uint8

const (
	ReindexIndex ReindexKind = iota
	ReindexTable
	ReindexSchema
	ReindexSystem
	ReindexDatabase
)

// ReindexStmt is REINDEX [(options)] INDEX|TABLE|SCHEMA|SYSTEM|DATABASE
// [CONCURRENTLY] name.
type ReindexStmt struct {
	Pos          int
	Kind         ReindexKind
	Relation     *RangeVar // INDEX, TABLE
	Name         string    // SCHEMA, SYSTEM, DATABASE (may be "")
	Concurrently bool
	Options      []*DefElem
}

// DefElem is a name [= value] option item: of sequences, EXPLAIN, COPY,
// VACUUM, WITH (...) storage options, transaction modes. Arg is nil when no
// value was written; else a *Literal, *TypeName (sequence AS type),
// *ColumnRef (OWNED BY, or a bare word value), or another Expr.
type DefElem struct {
	Pos  int
	Name string
	Arg  Node
}

// CreateSeqStmt is CREATE [TEMP|UNLOGGED] SEQUENCE [IF NOT EXISTS] name
// [options]. Option names: as, increment, minvalue, maxvalue, start, cache,
// cycle (Arg LitBool), owned_by, restart; NO MINVALUE/MAXVALUE have Arg nil.
type CreateSeqStmt struct {
	Pos         int
	Seq         *RangeVar
	Persistence Persistence
	IfNotExists bool
	Options     []*DefElem
}

// AlterSeqStmt is ALTER SEQUENCE [IF EXISTS] name options.
type AlterSeqStmt struct {
	Pos      int
	Seq      *RangeVar
	IfExists bool
	Options  []*DefElem
}

// TruncateStmt is TRUNCATE [TABLE] [ONLY] t, ... [RESTART|CONTINUE IDENTITY]
// [CASCADE|RESTRICT].
type TruncateStmt struct {
	Pos             int
	Tables          []*RangeVar
	RestartIdentity bool
	Behavior        DropBehavior
}

func (*CreateTableStmt) stmtNode()       {}
func (*CreateTableAsStmt) stmtNode()     {}
func (*DropStmt) stmtNode()              {}
func (*CreateSchemaStmt) stmtNode()      {}
func (*CreateViewStmt) stmtNode()        {}
func (*AlterTableStmt) stmtNode()        {}
func (*RenameStmt) stmtNode()            {}
func (*AlterObjectSchemaStmt) stmtNode() {}
func (*CreateIndexStmt) stmtNode()       {}
func (*ReindexStmt) stmtNode()           {}
func (*CreateSeqStmt) stmtNode()         {}
func (*AlterSeqStmt) stmtNode()          {}
func (*TruncateStmt) stmtNode()          {}

func (n *CreateTableStmt) Position() int       { return n.Pos }
func (n *ColumnDef) Position() int             { return n.Pos }
func (n *Constraint) Position() int            { return n.Pos }
func (n *CreateTableAsStmt) Position() int     { return n.Pos }
func (n *DropStmt) Position() int              { return n.Pos }
func (n *CreateSchemaStmt) Position() int      { return n.Pos }
func (n *CreateViewStmt) Position() int        { return n.Pos }
func (n *AlterTableCmd) Position() int         { return n.Pos }
func (n *AlterTableStmt) Position() int        { return n.Pos }
func (n *RenameStmt) Position() int            { return n.Pos }
func (n *AlterObjectSchemaStmt) Position() int { return n.Pos }
func (n *IndexElem) Position() int             { return n.Pos }
func (n *CreateIndexStmt) Position() int       { return n.Pos }
func (n *ReindexStmt) Position() int           { return n.Pos }
func (n *DefElem) Position() int               { return n.Pos }
func (n *CreateSeqStmt) Position() int         { return n.Pos }
func (n *AlterSeqStmt) Position() int          { return n.Pos }
func (n *TruncateStmt) Position() int          { return n.Pos }
