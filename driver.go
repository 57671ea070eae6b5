package tusk

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"sync"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/session"
	"github.com/tuskdb/tusk/sql/types"
)

// The database/sql driver "tusk". A DSN names a data directory (optionally
// with ?settings); every sql.DB opened on the same DSN in this process
// shares one *DB, since a directory has one instance (I1). Each driver
// connection is a session (a backend).

func init() { sql.Register("tusk", &Driver{}) }

// Driver is the database/sql driver.
type Driver struct{}

var (
	sharedMu sync.Mutex
	shared   = map[string]*sharedDB{}
)

type sharedDB struct {
	db   *DB
	refs int
}

// Open implements driver.Driver.
func (d *Driver) Open(dsn string) (driver.Conn, error) {
	c, err := d.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// OpenConnector implements driver.DriverContext.
func (d *Driver) OpenConnector(dsn string) (driver.Connector, error) {
	return &connector{dsn: dsn, drv: d}, nil
}

type connector struct {
	dsn string
	drv *Driver
}

func (c *connector) Driver() driver.Driver { return c.drv }

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	sh := shared[c.dsn]
	if sh == nil {
		db, err := OpenDSN(c.dsn)
		if err != nil {
			return nil, err
		}
		sh = &sharedDB{db: db}
		shared[c.dsn] = sh
	}
	s, err := sh.db.session()
	if err != nil {
		return nil, err
	}
	sh.refs++
	return &conn{sh: sh, dsn: c.dsn, s: s}, nil
}

// conn is one session.
type conn struct {
	sh     *sharedDB
	dsn    string
	s      *session.Session
	closed bool
	// rowsFree is the closed Rows of the last query, reused by the next.
	rowsFree *driverRows
	// colNames are the names of the columns colsOf (driverRows.Columns).
	colsOf   []session.Column
	colNames []string
}

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return &stmt{c: c, query: query}, nil
}

// Close ends the session; the last connection of a DSN closes the DB.
func (c *conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.sh.db.mu.Lock()
	delete(c.sh.db.active, c.s)
	c.sh.db.mu.Unlock()
	err := c.s.Close()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	c.sh.refs--
	if c.sh.refs == 0 {
		delete(shared, c.dsn)
		if cerr := c.sh.db.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	q := "BEGIN"
	switch sql.IsolationLevel(opts.Isolation) {
	case sql.LevelDefault:
	case sql.LevelReadCommitted, sql.LevelReadUncommitted:
		q += " ISOLATION LEVEL READ COMMITTED"
	case sql.LevelRepeatableRead, sql.LevelSnapshot:
		q += " ISOLATION LEVEL REPEATABLE READ"
	case sql.LevelSerializable:
		q += " ISOLATION LEVEL SERIALIZABLE"
	default:
		return nil, pgerr.New(pgerr.FeatureNotSupported, "isolation level %v is not supported", sql.IsolationLevel(opts.Isolation))
	}
	if opts.ReadOnly {
		q += " READ ONLY"
	}
	if _, err := c.s.Exec(ctx, q, nil); err != nil {
		return nil, err
	}
	return &tx{c: c}, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cur, err := c.s.Exec(ctx, query, namedArgs(args))
	if err != nil {
		return nil, err
	}
	return driver.RowsAffected(cur.RowsAffected()), nil
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	// The Rows of the connection's last query, once database/sql closed
	// it (it calls nothing on a closed driver.Rows), holds the cursor's
	// memory (QueryCursor).
	r := c.rowsFree
	if r != nil {
		c.rowsFree = nil
		*r = driverRows{}
	} else {
		r = new(driverRows)
	}
	r.conn = c
	cur, err := c.s.QueryCursor(ctx, query, namedArgs(args), &r.cur)
	if err != nil {
		return nil, err
	}
	cur.LendRows() // Next copies each row's values into dest
	r.c = cur
	return r, nil
}

// ResetSession implements driver.SessionResetter.
func (c *conn) ResetSession(ctx context.Context) error {
	if c.closed || !c.s.Usable() {
		return driver.ErrBadConn
	}
	return nil
}

// IsValid implements driver.Validator: a session that was terminated
// (pg_terminate_backend) or crashed is dropped from the pool once it has
// reported its error.
func (c *conn) IsValid() bool { return !c.closed && c.s.Usable() }

// CheckNamedValue accepts every value; the session converts it.
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error { return nil }

func namedArgs(args []driver.NamedValue) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

type stmt struct {
	c     *conn
	query string
}

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 }
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.c.ExecContext(context.Background(), s.query, values(args))
}
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.c.QueryContext(context.Background(), s.query, values(args))
}
func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.c.ExecContext(ctx, s.query, args)
}
func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.c.QueryContext(ctx, s.query, args)
}

func values(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

type tx struct{ c *conn }

func (t *tx) Commit() error {
	failed := t.c.s.Status() == session.TxFailed
	if _, err := t.c.s.Exec(context.Background(), "COMMIT", nil); err != nil {
		return err
	}
	if failed {
		return ErrTxAborted
	}
	return nil
}

func (t *tx) Rollback() error {
	_, err := t.c.s.Exec(context.Background(), "ROLLBACK", nil)
	return err
}

type driverRows struct {
	c      *session.Cursor
	cur    session.Cursor // c's memory when the session used it
	conn   *conn
	closed bool
}

// Columns returns the column names. The slice is shared by the Rows of
// the connection's queries whose cursors share their columns (one cached
// plan: a prepared statement run again), as lib/pq shares a prepared
// statement's; it is never written after it is made.
func (r *driverRows) Columns() []string {
	cols := r.c.Columns()
	cn := r.conn
	if len(cols) > 0 && len(cn.colsOf) == len(cols) && &cn.colsOf[0] == &cols[0] {
		return cn.colNames
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	if len(cols) > 0 {
		cn.colsOf, cn.colNames = cols, out[:len(out):len(out)]
	}
	return out[:len(out):len(out)]
}

// Close ends the query; the Rows then serves the connection's next one
// (conn.QueryContext).
func (r *driverRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.c.Close()
	r.conn.rowsFree = r
	return err
}

func (r *driverRows) Next(dest []driver.Value) error {
	row, err := r.c.Next()
	if err != nil {
		return err
	}
	if row == nil {
		return io.EOF
	}
	cols := r.c.Columns()
	for i, d := range row {
		dest[i] = toGo(cols[i].Type, d)
		if d != nil && session.IsRegType(cols[i].Type) {
			dest[i] = r.c.Text(i, d) // regclass & co. read as names
		}
	}
	return nil
}

// ColumnTypeDatabaseTypeName implements driver.RowsColumnTypeDatabaseTypeName.
func (r *driverRows) ColumnTypeDatabaseTypeName(i int) string {
	return types.FormatType(r.c.Columns()[i].Type, -1)
}
