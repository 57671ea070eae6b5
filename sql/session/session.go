package session

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/instance"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/internal/pgstat"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/exec"
	"github.com/tuskdb/tusk/sql/explain"
	"github.com/tuskdb/tusk/sql/parser"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// TxStatus is the transaction status a backend reports (ReadyForQuery).
type TxStatus byte

// Transaction states.
const (
	TxIdle   TxStatus = 'I' // no transaction block
	TxActive TxStatus = 'T' // in a transaction block
	TxFailed TxStatus = 'E' // in a failed transaction block
)

// Session is a backend (S1).
type Session struct {
	fast fastState // per-session caches of the statement path (fastpath.go)
	// arena boxes the values its statements' scans decode (exec.Context.Arena):
	// its slabs outlive statements and are never reused.
	arena types.Arena
	// noticeHandler receives NOTICEs (notice.go).
	noticeHandler NoticeHandler
	inst          *instance.Instance
	id            int32
	Settings      *Settings

	xact      *mvcc.Xact
	inBlock   bool
	failed    bool
	isolation string
	snap      *mvcc.Snapshot // kept for REPEATABLE READ (S3)
	ddl       bool           // holds inst.DDL (S5)
	cursor    *Cursor        // the open cursor, if any
	closed    bool
	prepared  map[string]*prepared
	// plans caches statements' plans by SQL text (plancache.go); planKey
	// is the text of the single statement being run, "" when none.
	plans    map[string]*cachedPlan
	planKey  string
	dropping map[base.OID]bool // relations the running DROP statement names (ddl_constraint.go)
	seqs     *seqCache         // sequences used by this session (ddl_sequence.go)
	pgstat   *pgstat.Xact      // pending statistics of the transaction (pgstat_views.go)

	// endReported: pg_stat_database counted how the session ended
	// (session_end_stats.go).
	endReported bool

	// The backend (backend.go, S9-S11).
	be         *instance.Backend
	mu         sync.Mutex // held by the owner's outermost call (S10)
	depth      int        // nesting of the owner's calls
	closeErr   error      // what calls report after a terminate or crash
	stmtCancel func(cause error)
	queryText  string // the running (or last) query text
	// lastExplain is the tree the last EXPLAIN built (explain.go).
	lastExplain *explain.Explain

	// What the next statement reuses (doc.go S12): the statement context
	// (reuseStmtCtx) and its cancel function, an ended transaction and a
	// statement snapshot no one uses any more.
	sctx       *stmtCtx
	sctxCancel func(cause error)
	xactFree   *mvcc.Xact
	snapFree   *mvcc.Snapshot
	memFree    *stmtMem
	// idleReported is what the backend shows since the last idle report
	// (reportIdle).
	idleReported idleReport
	// cursorDst is QueryCursor's dst while its statement runs.
	cursorDst *Cursor
	// lastPlan is s.plans[lastPlanSQL] as cachedStmt last found it.
	lastPlan    *cachedPlan
	lastPlanSQL string
}

// New starts a session on an instance.
func New(inst *instance.Instance, settings *Settings) *Session {
	be := inst.Backends().Register(instance.ClientBackend)
	s := &Session{inst: inst, id: be.PID, Settings: settings, be: be}
	if name, err := settings.Get("application_name"); err == nil {
		be.SetAppName(name)
	}
	be.SetOnTerminate(s.terminateIdle)
	return s
}

// ID returns the backend id.
func (s *Session) ID() int32 { return s.id }

// Status reports the transaction state.
func (s *Session) Status() TxStatus {
	defer s.call()(nil)
	switch {
	case s.failed:
		return TxFailed
	case s.inBlock:
		return TxActive
	}
	return TxIdle
}

// Column describes a result column.
type Column struct {
	Name   string
	Type   *types.T
	Typmod int32
}

// Cursor is a running statement's result. Close it before the next
// statement of the session.
type Cursor struct {
	s        *Session
	cols     []Column
	it       exec.Iter
	tag      string
	affected int64
	count    int64
	rows     [][]types.Datum // precomputed rows of utility statements
	done     bool
	err      error
	implicit bool // the statement runs in its own transaction (S2)
	modify   bool // INSERT/UPDATE/DELETE: the count is of rows changed
	// snap is the statement's own snapshot (statementSnapshot) and mem
	// its executor's memory (takeStmtMem), given back to the session for
	// reuse when the cursor closes normally (S12).
	snap *mvcc.Snapshot
	mem  *stmtMem
}

// stmtMem is a statement's executor context, parameter values and index
// opener: one allocation, which the next statement reuses once the cursor
// that used it closed (S12).
type stmtMem struct {
	f      exec.Frame
	params [4]types.Datum
	opener indexOpener
}

// takeStmtMem returns zeroed memory for a statement's executor: what the
// last normally closed cursor gave back (zeroed then, so it keeps nothing
// of its statement alive), else new.
func (s *Session) takeStmtMem() *stmtMem {
	m := s.memFree
	if m == nil {
		return new(stmtMem)
	}
	s.memFree = nil
	return m
}

// LendRows tells the cursor that its caller reads each row Next returns
// before the next call of Next (or Close) and keeps neither the row nor
// its slice, only the values in it: the executor may then build every
// row in the same slice (exec.LendRows). Call it before the first Next.
func (c *Cursor) LendRows() {
	c.s.enter() // S9: a terminating goroutine may close c.it (S10)
	defer c.s.leave(nil)
	if c.it != nil {
		exec.LendRows(c.it)
	}
}

// Columns returns the result columns (empty for statements without rows).
func (c *Cursor) Columns() []Column { return c.cols }

// Tag returns the command tag, complete after the last row was read.
func (c *Cursor) Tag() string {
	if strings.Contains(c.tag, "%d") {
		return fmt.Sprintf(c.tag, c.RowsAffected())
	}
	return c.tag
}

// RowsAffected returns the number of rows the statement changed or returned.
func (c *Cursor) RowsAffected() int64 {
	defer c.s.call()(nil)
	if c.it != nil {
		if n, ok := exec.Affected(c.it); ok {
			c.affected = n
		}
	}
	if c.modify {
		return c.affected
	}
	return c.count
}

// Next returns the next row, or nil at the end.
func (c *Cursor) Next() (row []types.Datum, err error) {
	defer func() {
		if err != nil {
			row = nil
		}
	}()
	c.s.enter() // c.s.call() without its closure
	defer c.s.leave(&err)
	defer func() {
		if r := recover(); r != nil {
			row, err = nil, c.s.crashed(r)
		}
	}()
	if c.done {
		return nil, c.err
	}
	if c.it == nil {
		if len(c.rows) == 0 {
			c.done = true
			return nil, nil
		}
		r := c.rows[0]
		c.rows = c.rows[1:]
		c.count++
		return r, nil
	}
	r, err := c.it.Next()
	if err != nil {
		c.fail(err)
		return nil, err
	}
	if r == nil {
		c.done = true
		return nil, nil
	}
	c.count++
	return r.Vals, nil
}

func (c *Cursor) fail(err error) {
	c.done, c.err = true, err
	if c.it != nil {
		c.it.Close()
		c.it = nil
	}
	c.s.cursor = nil
	c.s.statementFailed()
}

// Close finishes the statement: it drains nothing, and commits an
// implicit transaction (S2). It returns the error that ended the cursor,
// or the commit's.
func (c *Cursor) Close() (err error) {
	c.s.enter() // c.s.call() without its closure
	defer c.s.leave(&err)
	defer func() {
		if r := recover(); r != nil {
			err = c.s.crashed(r)
		}
	}()
	if c.s.cursor != c {
		return c.err
	}
	c.s.cursor = nil
	if c.it != nil && c.modify {
		// A DML statement runs to completion even when the caller stops
		// reading its RETURNING rows, as in PostgreSQL.
		for !c.done {
			if _, err := c.Next(); err != nil {
				return err
			}
		}
	}
	if c.it != nil {
		c.RowsAffected()
		c.it.Close()
		c.it = nil
	}
	c.done = true
	// The statement is over: its iterators, the only users of its
	// snapshot and executor memory, are closed (S12).
	if c.snap != nil {
		c.s.snapFree, c.snap = c.snap, nil
	}
	if c.mem != nil {
		*c.mem = stmtMem{}
		c.s.memFree, c.mem = c.mem, nil
	}
	return c.s.statementDone()
}

// Exec runs every statement in sql, discarding rows, and returns the last
// statement's cursor, already closed.
func (s *Session) Exec(ctx context.Context, sql string, args []any) (_ *Cursor, err error) {
	s.enter() // s.call() without its closure
	defer s.leave(&err)
	c, err := s.Query(ctx, sql, args)
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
	return c, c.Close()
}

// Query runs the statements in sql; all but the last run to completion and
// the last one's cursor is returned open (S1: close it before the next call).
func (s *Session) Query(ctx context.Context, sql string, args []any) (*Cursor, error) {
	return s.QueryCursor(ctx, sql, args, nil)
}

// QueryCursor is Query letting the caller provide the memory of the
// cursor: dst, a zero Cursor (e.g. inside the caller's own result
// object), becomes the cursor of a single SELECT, INSERT, UPDATE or
// DELETE; other statements return cursors of their own. Use the cursor
// returned, whichever it is; dst must not be used otherwise.
func (s *Session) QueryCursor(ctx context.Context, sql string, args []any, dst *Cursor) (_ *Cursor, err error) {
	s.enter() // s.call() without its closure
	defer s.leave(&err)
	if s.closed {
		if s.closeErr != nil {
			return nil, s.closeErr
		}
		return nil, pgerr.New(pgerr.AdminShutdown, "terminating connection due to administrator command")
	}
	if s.cursor != nil {
		return nil, pgerr.New(pgerr.ObjectInUse, "another statement of this session is still open")
	}
	ctx = s.startCall(ctx, sql)
	var stmts []ast.Stmt
	if st := s.cachedStmt(sql); st != nil {
		stmts = []ast.Stmt{st}
	} else if stmts, err = parser.Parse(sql); err != nil {
		if s.inBlock {
			s.failed = true
		}
		return nil, err
	}
	s.planKey = ""
	if len(stmts) == 1 {
		s.planKey = sql
		s.cursorDst = dst // taken by query
	}
	defer func() { s.planKey, s.cursorDst = "", nil }()
	if len(stmts) == 0 {
		return &Cursor{s: s, tag: "", done: true}, nil
	}
	if len(stmts) > 1 && len(args) > 0 {
		return nil, pgerr.New(pgerr.SyntaxError, "cannot insert multiple commands into a prepared statement")
	}
	for i, st := range stmts {
		c, err := s.run(ctx, st, args)
		if err != nil {
			return nil, err
		}
		if i == len(stmts)-1 {
			return c, nil
		}
		for {
			row, err := c.Next()
			if err != nil {
				return nil, err
			}
			if row == nil {
				break
			}
		}
		if err := c.Close(); err != nil {
			return nil, err
		}
	}
	panic("unreachable")
}

// begin starts a transaction if none is running.
func (s *Session) begin() {
	if s.xact != nil {
		return
	}
	iso := s.settingsCached().isolation
	if s.isolation != "" {
		iso = s.isolation
	}
	s.isolation = iso
	// The session's last transaction is over and nothing acts for it any
	// more (endXact): its memory serves the new one.
	s.xact = s.inst.Xacts.BeginReusing(mvcc.XactOptions{SynchronousCommit: s.syncCommit()}, s.xactFree)
	s.xactFree = nil
}

func (s *Session) syncCommit() bool {
	return s.settingsCached().syncCommit
}

// statementSnapshot is snapshot for a statement whose cursor hands the
// snapshot back when it closes (query, Cursor.Close): a READ COMMITTED
// snapshot is then taken into the one the last such cursor gave back;
// owned reports that the snapshot is the statement's own to give back.
func (s *Session) statementSnapshot() (snap *mvcc.Snapshot, owned bool) {
	if s.isolation == "read committed" || s.isolation == "" {
		if f := s.snapFree; f != nil {
			s.snapFree = nil
			snap = s.inst.Xacts.GetSnapshotInto(s.xact, f)
		} else {
			snap = s.inst.Xacts.GetSnapshot(s.xact)
		}
		s.reportSnapshot(snap.Xmin)
		return snap, true
	}
	return s.snapshot(), false // its Xip is s.snap's
}

// snapshot returns the statement's snapshot (S3).
func (s *Session) snapshot() *mvcc.Snapshot {
	if s.isolation == "read committed" || s.isolation == "" {
		snap := s.inst.Xacts.GetSnapshot(s.xact)
		s.reportSnapshot(snap.Xmin)
		return snap
	}
	if s.snap == nil {
		s.snap = s.inst.Xacts.GetSnapshot(s.xact)
		s.reportSnapshot(s.snap.Xmin)
	}
	// Later commands of the transaction see its own earlier changes.
	snap := *s.snap
	snap.CurCID = s.xact.CID()
	return &snap
}

// run executes one statement. A panic inside it is a bug; it is reported
// as SQLSTATE XX000 and fails the statement's transaction instead of
// crashing the program: the backend crashes (S11, backend.go).
func (s *Session) run(ctx context.Context, st ast.Stmt, args []any) (c *Cursor, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, s.crashed(r) // S11
		}
	}()
	if tx, ok := st.(*ast.TransactionStmt); ok {
		return s.transaction(tx)
	}
	if s.failed {
		return nil, pgerr.New(pgerr.InFailedSqlTransaction, "current transaction is aborted, commands ignored until end of transaction block")
	}
	implicit := !s.inBlock
	s.begin()
	c, err = s.dispatch(ctx, st, args)
	if err == nil {
		err = s.syncClassFlags(ctx) // class_flags.go
	}
	if err != nil {
		s.statementFailed()
		return nil, err
	}
	c.implicit = implicit
	s.cursor = c
	return c, nil
}

// statementDone ends a statement that succeeded (S2, S4).
func (s *Session) statementDone() error {
	if s.xact == nil {
		return nil
	}
	s.xact.CommandCounterIncrement()
	if !s.inBlock {
		return s.endXact(true)
	}
	return nil
}

// statementFailed ends a statement that failed (S2).
func (s *Session) statementFailed() {
	if s.inBlock {
		s.failed = true
		return
	}
	s.endXact(false)
}

// endXact commits or aborts the current transaction (S5).
func (s *Session) endXact(commit bool) error {
	x := s.xact
	if x == nil {
		return nil
	}
	s.xact, s.snap, s.inBlock, s.failed, s.isolation = nil, nil, false, false, ""
	defer func() {
		// x has ended (committed or aborted: BeginReusing checks) and the
		// session keeps no use of it: the next transaction reuses it.
		s.xactFree = x
	}()
	var err error
	if commit {
		x.SetSynchronousCommit(s.syncCommit())
		s.inst.Catalog.PreCommit(x)
		err = x.Commit()
		if err != nil {
			commit = false
		}
	} else {
		err = x.Abort()
	}
	s.pgStat().Flush(commit) // PS2
	for _, node := range s.inst.Catalog.XactDone(x, commit) {
		s.inst.Heap.Forget(node)
		s.inst.ForgetIndex(node)
		s.inst.Pool.DropRelation(node)
		if uerr := s.inst.Smgr.Unlink(node); uerr != nil && err == nil {
			err = uerr
		}
	}
	if s.ddl {
		s.ddl = false
		s.inst.DDL.Unlock()
	}
	return err
}

// Close ends the session, rolling back an open transaction.
func (s *Session) Close() (err error) {
	defer s.call()(nil)
	if s.closed {
		return nil
	}
	if s.cursor != nil {
		s.cursor.Close()
	}
	s.closed = true
	defer s.be.Unregister()
	defer s.reportSessionEnd(s.closeHow()) // after endXact, before Unregister
	if s.stmtCancel != nil {
		s.stmtCancel(nil)
		s.stmtCancel = nil
	}
	return s.endXact(false)
}

func (s *Session) transaction(tx *ast.TransactionStmt) (*Cursor, error) {
	switch tx.Kind {
	case ast.TransBegin, ast.TransStart:
		if s.inBlock {
			// PostgreSQL warns "there is already a transaction in progress" and goes on.
			return &Cursor{s: s, tag: "BEGIN", done: true}, nil
		}
		for _, o := range tx.Options {
			if o.Name == "transaction_isolation" {
				if lit, ok := o.Arg.(*ast.Literal); ok {
					iso, _ := isolationSetting(lit.Val)
					s.isolation = iso
				}
			}
		}
		s.inBlock = true
		s.begin()
		return s.utilityDone("BEGIN")
	case ast.TransCommit:
		if !s.inBlock {
			// PostgreSQL warns "there is no transaction in progress".
			return s.utilityDone("COMMIT")
		}
		if s.failed {
			return s.utilityDone2("ROLLBACK", s.endXact(false))
		}
		return s.utilityDone2("COMMIT", s.endXact(true))
	case ast.TransRollback:
		return s.utilityDone2("ROLLBACK", s.endXact(false))
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "%s is not supported yet", "this transaction command")
}

func (s *Session) utilityDone(tag string) (*Cursor, error) {
	c := &Cursor{s: s, tag: tag}
	s.cursor = c
	return c, nil
}

func (s *Session) utilityDone2(tag string, err error) (*Cursor, error) {
	if err != nil {
		return nil, err
	}
	return s.utilityDone(tag)
}

// lookupRelation resolves a relation name through search_path.
func (s *Session) lookupRelation(snap *mvcc.Snapshot, schema, name string) (*catalog.Relation, error) {
	cat := s.inst.Catalog
	if schema != "" {
		ns, ok, err := cat.LookupNamespace(snap, schema)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", schema)
		}
		return cat.LookupRelation(s.xact, snap, ns, name)
	}
	path, _, err := s.searchPath(snap)
	if err != nil {
		return nil, err
	}
	for _, ns := range path {
		rel, err := cat.LookupRelation(s.xact, snap, ns, name)
		if err != nil || rel != nil {
			return rel, err
		}
	}
	return nil, nil
}

func (s *Session) dispatch(ctx context.Context, st ast.Stmt, args []any) (*Cursor, error) {
	switch n := st.(type) {
	case *ast.SelectStmt, *ast.InsertStmt, *ast.UpdateStmt, *ast.DeleteStmt:
		return s.query(ctx, st, args, nil)
	case *ast.PrepareStmt:
		return s.prepare(n)
	case *ast.ExecuteStmt:
		return s.execute(ctx, n)
	case *ast.DeallocateStmt:
		return s.deallocate(n)
	case *ast.CreateTableStmt:
		return s.defineTableSeqs(ctx, n)
	case *ast.CreateTableAsStmt:
		return s.createTableAs(ctx, n, args)
	case *ast.AlterTableStmt:
		return s.alterTable(ctx, n)
	case *ast.RenameStmt:
		return s.rename(ctx, n)
	case *ast.CreateSchemaStmt:
		return s.createSchema(ctx, n)
	case *ast.TruncateStmt:
		return s.truncate(ctx, n)
	case *ast.DropStmt:
		if n.Kind == ast.ObjectSequence {
			return s.dropSequence(ctx, n)
		}
		return s.drop(ctx, n)
	case *ast.CreateSeqStmt:
		return s.createSequence(ctx, n)
	case *ast.AlterSeqStmt:
		return s.alterSequence(ctx, n)
	case *ast.CreateViewStmt:
		return s.createView(n)
	case *ast.CreateIndexStmt:
		return s.createIndex(ctx, n)
	case *ast.ReindexStmt:
		return s.reindex(ctx, n) // index_ddl.go
	case *ast.CommentStmt:
		return s.comment(ctx, n) // comment.go
	case *ast.CheckpointStmt:
		return s.utilityDone2("CHECKPOINT", s.inst.Checkpoint(false))
	case *ast.CopyStmt:
		return s.copyStmt(ctx, n)
	case *ast.VariableSetStmt:
		return s.set(n)
	case *ast.VariableShowStmt:
		return s.show(n)
	case *ast.ExplainStmt:
		return s.explainStmt(ctx, n, args)
	case *ast.VacuumStmt:
		if !n.IsVacuum {
			return s.analyzeCmd(ctx, n)
		}
		return s.vacuum(ctx, n) // vacuum.go
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "statement %s is not supported yet", strings.TrimPrefix(fmt.Sprintf("%T", st), "*ast."))
}

func (s *Session) query(ctx context.Context, st ast.Stmt, args []any, ptypes []*types.T) (*Cursor, error) {
	snap, ownSnap := s.statementSnapshot()
	key := s.planKey
	s.planKey = "" // statements this one runs (EXECUTE's arguments) are not it
	var q *analyze.Query
	var p *plan.Stmt
	var params []types.Datum
	var cols []Column
	var err error
	both := s.takeStmtMem()
	if cp := s.cachedPlan(key, st, ptypes, snap); cp != nil && cp.p != nil {
		q, p, cols = cp.q, cp.p, cp.cols
		if params, err = bindParamsInto(both.params[:0], q.Params, args); err != nil {
			return nil, err
		}
	} else {
		epoch, _ := s.inst.Catalog.PlanEpoch(s.xact, snap)
		gen := s.Settings.gen
		env := s.env(snap)
		env.ParamTypes = ptypes
		usesSession := false
		if sf := env.SessionFunc; sf != nil {
			env.SessionFunc = func(name string, argTypes []*types.T) *analyze.SessionFuncDef {
				d := sf(name, argTypes)
				usesSession = usesSession || d != nil
				return d
			}
		}
		if q, err = analyze.Analyze(st, env); err != nil {
			return nil, err
		}
		if params, err = bindParamsInto(both.params[:0], q.Params, regclassParams(env, q.Params, args)); err != nil {
			return nil, err
		}
		// With parameters this is a custom plan: its estimates use their
		// values (plancache.go PC4).
		penv := s.planEnv(snap)
		custom := len(q.Params) > 0
		if custom {
			penv.Params = params
		}
		if p, err = plan.PlanWith(q, penv); err != nil {
			return nil, err
		}
		if err := s.attachIndexes(snap, p.Root); err != nil {
			return nil, err
		}
		if key != "" && ptypes == nil && !usesSession && !hasRegParams(q.Params) {
			s.notePlan(key, st, q, p, custom, snap, epoch, gen, func() (*analyze.Query, *plan.Stmt, error) {
				gq, err := analyze.Analyze(st, s.env(snap))
				if err != nil {
					return nil, nil, err
				}
				gp, err := plan.PlanWith(gq, s.planEnv(snap))
				if err == nil {
					err = s.attachIndexes(snap, gp.Root)
				}
				return gq, gp, err
			})
		}
	}
	both.f.Context = exec.Context{Ctx: ctx, Heap: s.inst.Heap, Xact: s.xact, Snap: snap, Params: params, Xacts: s.inst.Xacts, PgStat: s.pgStat(),
		SerializableConflicts: s.isolation != "read committed",
		WorkMem:               s.workMemCached(), TempFS: s.inst.FS, TempDir: s.tempDir(), Arena: &s.arena}
	ec := both.f.Init()
	both.opener = indexOpener{s, snap}
	ec.IndexOpener = &both.opener // index_ddl.go
	it, err := exec.Build(ec, p.Root)
	if err != nil {
		return nil, err
	}
	c := s.cursorDst
	if c != nil {
		s.cursorDst = nil
	} else {
		c = new(Cursor)
	}
	*c = Cursor{s: s, it: it, modify: q.Cmd != analyze.CmdSelect, cols: cols, mem: both}
	if ownSnap {
		c.snap = snap
	}
	if c.cols == nil {
		c.cols = planColumns(p)
	}
	switch q.Cmd {
	case analyze.CmdSelect:
		c.tag = "SELECT %d"
	case analyze.CmdInsert:
		c.tag = "INSERT 0 %d"
	case analyze.CmdUpdate:
		c.tag = "UPDATE %d"
	case analyze.CmdDelete:
		c.tag = "DELETE %d"
	}
	return c, nil
}

// workMem returns work_mem in bytes.
func (s *Session) workMem() int64 {
	v, _ := s.Settings.Get("work_mem")
	n, err := ParseMemory(v)
	if err != nil || n <= 0 {
		return 4 << 20
	}
	return n
}

// ParseMemory parses a memory setting: a number with an optional unit
// (B, kB, MB, GB, TB); a bare number is in kB, like work_mem.
func ParseMemory(v string) (int64, error) {
	v = strings.TrimSpace(v)
	units := []struct {
		suf string
		mul int64
	}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"kB", 1 << 10}, {"B", 1}}
	for _, u := range units {
		if strings.HasSuffix(v, u.suf) {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, u.suf)), 10, 64)
			return n * u.mul, err
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n << 10, err
}

// takeDDL acquires the catalog lock for the rest of the transaction (S5).
func (s *Session) takeDDL() {
	if !s.ddl {
		s.inst.DDL.Lock()
		s.ddl = true
	}
}

func (s *Session) set(n *ast.VariableSetStmt) (*Cursor, error) {
	switch n.Kind {
	case ast.VarReset, ast.VarSetDefault:
		if n.Name == "all" {
			s.Settings.vals = map[string]string{}
			s.Settings.gen++
			return s.utilityDone("RESET")
		}
		if err := s.Settings.Reset(n.Name); err != nil {
			return nil, err
		}
		if n.Kind == ast.VarReset {
			return s.utilityDone("RESET")
		}
		return s.utilityDone("SET")
	case ast.VarSetValue:
		var parts []string
		for _, a := range n.Args {
			lit, ok := a.(*ast.Literal)
			if !ok {
				if cr, ok := a.(*ast.ColumnRef); ok && len(cr.Names) == 1 {
					parts = append(parts, cr.Names[0])
					continue
				}
				return nil, pgerr.New(pgerr.SyntaxError, "SET requires constant values").WithPosition(a.Position() + 1)
			}
			parts = append(parts, lit.Val)
		}
		name := n.Name
		if name == "transaction_isolation" && s.xact != nil {
			iso, _ := isolationSetting(strings.Join(parts, ", "))
			if iso == "" {
				return nil, badValue(name, strings.Join(parts, ", "))
			}
			s.isolation = iso
			return s.utilityDone("SET")
		}
		if err := s.Settings.Set(name, strings.Join(parts, ", ")); err != nil {
			return nil, err
		}
		return s.utilityDone("SET")
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "this form of SET is not supported yet")
}

func (s *Session) show(n *ast.VariableShowStmt) (*Cursor, error) {
	if n.Name == "all" {
		c := &Cursor{s: s, tag: "SHOW", cols: []Column{{"name", types.Text, -1}, {"setting", types.Text, -1}, {"description", types.Text, -1}}}
		for _, name := range Names() {
			v, _ := s.Settings.Get(name)
			c.rows = append(c.rows, []types.Datum{name, v, ""})
		}
		s.cursor = c
		return c, nil
	}
	v, err := s.Settings.Get(n.Name)
	if n.Name == "transaction_isolation" && s.isolation != "" {
		v, err = s.isolation, nil
	}
	if err != nil {
		return nil, err
	}
	c := &Cursor{s: s, tag: "SHOW", cols: []Column{{n.Name, types.Text, -1}}, rows: [][]types.Datum{{v}}}
	s.cursor = c
	return c, nil
}
