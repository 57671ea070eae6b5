package tusk

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tuskdb/tusk/internal/instance"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/session"
	"github.com/tuskdb/tusk/vfs"
)

// Error is the error type of every failing call: a PostgreSQL error report
// with its SQLSTATE in Code.
type Error = pgerr.Error

// ErrorCode returns the SQLSTATE of err ("" for nil, "XX000" for an error
// that carries none).
func ErrorCode(err error) string { return string(pgerr.CodeOf(err)) }

// Option configures Open.
type Option func(*config) error

type config struct {
	inst     instance.Options
	settings map[string]string
	notice   func(*Error)
}

// WithFS runs the database on a file system of your choosing (vfs.NewMem,
// vfs.NewCrash for tests).
func WithFS(fs vfs.FS) Option {
	return func(c *config) error { c.inst.FS = fs; return nil }
}

// WithSharedBuffers sets shared_buffers in bytes (default 128 MB).
func WithSharedBuffers(bytes int64) Option {
	return func(c *config) error {
		if bytes < 16*8192 {
			return pgerr.New(pgerr.InvalidParameterValue, "shared_buffers must be at least 128kB")
		}
		c.inst.SharedBuffers = bytes
		c.settings["shared_buffers"] = formatBytes(bytes)
		return nil
	}
}

// WithSynchronousCommit sets the default of synchronous_commit.
func WithSynchronousCommit(on bool) Option {
	return func(c *config) error {
		c.settings["synchronous_commit"] = map[bool]string{true: "on", false: "off"}[on]
		return nil
	}
}

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) Option {
	return func(c *config) error { c.inst.Now = now; return nil }
}

// WithLogf sets where the server log goes (a crashed backend's panic and
// stack, warnings); the default is the standard library's log.Printf.
func WithLogf(f func(format string, args ...any)) Option {
	return func(c *config) error { c.inst.Logf = f; return nil }
}

// WithNoticeHandler receives the notices statements raise (severity
// NOTICE, e.g. "relation \"t\" already exists, skipping" with SQLSTATE
// 42P07 for CREATE TABLE IF NOT EXISTS), as psql prints them; called on
// the goroutine running the statement, before it returns. client_min_messages
// = warning silences them.
func WithNoticeHandler(f func(*Error)) Option {
	return func(c *config) error { c.notice = f; return nil }
}

// WithSetting sets a configuration parameter by name, as in a DSN:
// WithSetting("shared_buffers", "16MB").
func WithSetting(name, value string) Option {
	return func(c *config) error { return c.apply(name, value) }
}

func (c *config) apply(name, value string) error {
	name = strings.ToLower(name)
	switch name {
	case "shared_buffers":
		n, err := parseBytes(value)
		if err != nil {
			return pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter \"shared_buffers\": %q", value)
		}
		return WithSharedBuffers(n)(c)
	case "wal_writer_delay":
		d, err := parseDuration(value)
		if err != nil {
			return pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter \"wal_writer_delay\": %q", value)
		}
		c.inst.WALWriterDelay = d
	}
	c.settings[name] = value
	return nil
}

func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suf string
		mul int64
	}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"kB", 1 << 10}, {"B", 1}}
	for _, u := range units {
		if strings.HasSuffix(s, u.suf) {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(s, u.suf)), 10, 64)
			return n * u.mul, err
		}
	}
	n, err := strconv.ParseInt(s, 10, 64) // PostgreSQL's unit for shared_buffers is 8 kB blocks
	return n * 8192, err
}

func formatBytes(n int64) string {
	switch {
	case n%(1<<30) == 0:
		return fmt.Sprintf("%dGB", n>>30)
	case n%(1<<20) == 0:
		return fmt.Sprintf("%dMB", n>>20)
	}
	return fmt.Sprintf("%dkB", n>>10)
}

func parseDuration(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return time.Duration(n) * time.Millisecond, nil
	}
	return time.ParseDuration(s)
}

// DB is an open database. It is safe for concurrent use; each call runs on
// a session (a backend) taken from an idle pool.
type DB struct {
	inst     *instance.Instance
	settings map[string]string
	notice   func(*Error)

	mu     sync.Mutex
	idle   []*session.Session
	active map[*session.Session]bool
	closed bool
}

// Open opens the database in dir, creating it if needed; "" or "memory:"
// opens a new in-memory database.
func Open(dir string, opts ...Option) (*DB, error) {
	c := &config{settings: map[string]string{}}
	var mem *vfs.MemFS
	if dir == "" || dir == "memory:" {
		mem = vfs.NewMem()
		c.inst.FS = mem
		dir = "/tusk"
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if mem != nil && c.inst.FS == vfs.FS(mem) && c.inst.Now == nil {
		// A new in-memory database starts as a copy of one made once per
		// process (initdb and the system views cost ~40 ms; the copy
		// shares the files until it writes them).
		if t, err := memTemplate(); err == nil {
			c.inst.FS = t.Clone()
		}
	}
	if _, err := session.NewSettings(c.settings); err != nil {
		return nil, err
	}
	c.inst.Dir = dir
	inst, err := instance.Open(c.inst)
	if err != nil {
		return nil, err
	}
	db := &DB{inst: inst, settings: c.settings, notice: c.notice, active: map[*session.Session]bool{}}
	// initdb's system_views.sql: the views over the catalog and the
	// statistics every database has.
	s, err := db.session()
	if err == nil {
		err = s.EnsureSystemViews(context.Background())
		db.release(s)
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

var template struct {
	once sync.Once
	fs   *vfs.MemFS
	err  error
}

// memTemplate returns the in-memory data directory ("/tusk") of a new
// database, shut down cleanly, that Open("") copies.
func memTemplate() (*vfs.MemFS, error) {
	template.once.Do(func() {
		fs := vfs.NewMem()
		db, err := Open("/tusk", WithFS(fs))
		if err == nil {
			err = db.Close()
		}
		template.fs, template.err = fs, err
	})
	return template.fs, template.err
}

// OpenDSN opens a database from a DSN: a directory, optionally followed by
// "?name=value&..." settings; more options may follow.
func OpenDSN(dsn string, more ...Option) (*DB, error) {
	dir, opts, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return Open(dir, append(opts, more...)...)
}

func parseDSN(dsn string) (string, []Option, error) {
	dir, query, _ := strings.Cut(dsn, "?")
	var opts []Option
	if query != "" {
		vals, err := url.ParseQuery(query)
		if err != nil {
			return "", nil, pgerr.New(pgerr.InvalidParameterValue, "invalid DSN %q: %v", dsn, err)
		}
		for k, vs := range vals {
			opts = append(opts, WithSetting(k, vs[len(vs)-1]))
		}
	}
	return dir, opts, nil
}

var errClosed = pgerr.New(pgerr.AdminShutdown, "database is closed")

// session takes an idle session or starts one.
func (db *DB) session() (*session.Session, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil, errClosed
	}
	var s *session.Session
	for s == nil && len(db.idle) > 0 {
		n := len(db.idle)
		s, db.idle = db.idle[n-1], db.idle[:n-1]
		if !s.Usable() { // terminated while idle (pg_terminate_backend)
			s.Close()
			s = nil
		}
	}
	if s == nil {
		st, err := session.NewSettings(db.settings)
		if err != nil {
			return nil, err
		}
		s = session.New(db.inst, st)
		if db.notice != nil {
			s.SetNoticeHandler(db.notice)
		}
	}
	db.active[s] = true
	return s, nil
}

// release returns a session to the pool, or ends it when it is unusable.
func (db *DB) release(s *session.Session) {
	db.mu.Lock()
	defer db.mu.Unlock()
	delete(db.active, s)
	if db.closed || !s.Usable() || s.Status() != session.TxIdle || len(db.idle) >= 64 {
		s.Close()
		return
	}
	db.idle = append(db.idle, s)
}

// Result is what Exec returns.
type Result struct {
	// Tag is the command tag, e.g. "INSERT 0 3".
	Tag string
	// RowsAffected is the number of rows changed (or returned).
	RowsAffected int64
}

// Exec runs statements that return no rows (rows are discarded).
func (db *DB) Exec(ctx context.Context, sql string, args ...any) (Result, error) {
	s, err := db.session()
	if err != nil {
		return Result{}, err
	}
	defer db.release(s)
	return execOn(ctx, s, sql, args)
}

func execOn(ctx context.Context, s *session.Session, sql string, args []any) (Result, error) {
	c, err := s.Exec(ctx, sql, args)
	if err != nil {
		return Result{}, err
	}
	return Result{Tag: c.Tag(), RowsAffected: c.RowsAffected()}, nil
}

// Query runs a query and returns its rows.
func (db *DB) Query(ctx context.Context, sql string, args ...any) (*Rows, error) {
	s, err := db.session()
	if err != nil {
		return nil, err
	}
	c, err := s.Query(ctx, sql, args)
	if err != nil {
		db.release(s)
		return nil, err
	}
	return &Rows{c: c, release: func() { db.release(s) }}, nil
}

// QueryRow runs a query expected to return at most one row.
func (db *DB) QueryRow(ctx context.Context, sql string, args ...any) *Row {
	rows, err := db.Query(ctx, sql, args...)
	return &Row{rows: rows, err: err}
}

// Checkpoint forces a checkpoint.
func (db *DB) Checkpoint() error {
	_, err := db.Exec(context.Background(), "CHECKPOINT")
	return err
}

// Close ends every session (rolling back open transactions), takes a
// shutdown checkpoint and stops every goroutine the DB started.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return nil
	}
	db.closed = true
	for _, s := range db.idle {
		s.Close()
	}
	db.idle = nil
	// A fast shutdown: every backend is terminated first (running
	// statements stop with 57P01, idle transactions roll back and release
	// their locks), then each is closed once its running call returned.
	for s := range db.active {
		s.Backend().Terminate()
	}
	for s := range db.active {
		s.Close()
	}
	db.mu.Unlock()
	return db.inst.Close()
}

// TxOptions are the options of Begin.
type TxOptions struct {
	// Isolation is "read committed" (default), "repeatable read" or
	// "serializable".
	Isolation string
	ReadOnly  bool
}

// Tx is a transaction on one session.
type Tx struct {
	db   *DB
	s    *session.Session
	done bool
}

// Begin starts a transaction.
func (db *DB) Begin(ctx context.Context, opts TxOptions) (*Tx, error) {
	s, err := db.session()
	if err != nil {
		return nil, err
	}
	q := "BEGIN"
	if opts.Isolation != "" {
		switch strings.ToLower(opts.Isolation) {
		case "read committed", "repeatable read", "serializable", "read uncommitted":
			q += " ISOLATION LEVEL " + strings.ToUpper(opts.Isolation)
		default:
			db.release(s)
			return nil, pgerr.New(pgerr.InvalidParameterValue, "invalid isolation level %q", opts.Isolation)
		}
	}
	if opts.ReadOnly {
		q += " READ ONLY"
	}
	if _, err := execOn(ctx, s, q, nil); err != nil {
		db.release(s)
		return nil, err
	}
	return &Tx{db: db, s: s}, nil
}

var errTxDone = pgerr.New(pgerr.NoActiveSqlTransaction, "transaction has already been committed or rolled back")

// Exec runs statements in the transaction.
func (tx *Tx) Exec(ctx context.Context, sql string, args ...any) (Result, error) {
	if tx.done {
		return Result{}, errTxDone
	}
	return execOn(ctx, tx.s, sql, args)
}

// Query runs a query in the transaction. Close the rows before the next
// call on tx.
func (tx *Tx) Query(ctx context.Context, sql string, args ...any) (*Rows, error) {
	if tx.done {
		return nil, errTxDone
	}
	c, err := tx.s.Query(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	return &Rows{c: c}, nil
}

// QueryRow runs a query expected to return at most one row.
func (tx *Tx) QueryRow(ctx context.Context, sql string, args ...any) *Row {
	rows, err := tx.Query(ctx, sql, args...)
	return &Row{rows: rows, err: err}
}

// Commit commits the transaction. If the transaction had failed, it is
// rolled back and Commit returns an error with SQLSTATE 40P00-like
// semantics: PostgreSQL reports ROLLBACK; Tusk returns ErrTxAborted.
func (tx *Tx) Commit() error {
	if tx.done {
		return errTxDone
	}
	tx.done = true
	defer tx.db.release(tx.s)
	failed := tx.s.Status() == session.TxFailed
	_, err := execOn(context.Background(), tx.s, "COMMIT", nil)
	if err == nil && failed {
		err = ErrTxAborted
	}
	return err
}

// ErrTxAborted is returned by Commit of a transaction that had failed and
// was rolled back instead.
var ErrTxAborted = pgerr.New(pgerr.TransactionRollback, "current transaction was aborted; COMMIT rolled it back")

// Rollback aborts the transaction; after Commit it is a no-op.
func (tx *Tx) Rollback() error {
	if tx.done {
		return nil
	}
	tx.done = true
	defer tx.db.release(tx.s)
	_, err := execOn(context.Background(), tx.s, "ROLLBACK", nil)
	return err
}

// crash stops the DB as a power failure would (tests only): no checkpoint,
// nothing flushed; background goroutines stop.
func (db *DB) crash() {
	db.mu.Lock()
	db.closed = true
	db.idle = nil
	db.mu.Unlock()
	db.inst.Crash()
}
