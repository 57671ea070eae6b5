package slt

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Postgres opens engines on a real PostgreSQL server, the reference the
// baseline was measured on: each Open creates a database slt_<pid>_<n>
// (S11), connects to it in autocommit mode and runs SQL with the simple
// query protocol, so every value comes back in its text form with its
// column's type OID; the engine's Close drops the database.
type Postgres struct {
	cfg *pgconn.Config

	mu    sync.Mutex
	admin *pgconn.PgConn
	n     int
}

// NewPostgres connects to the server at url (a postgres:// URL or a
// keyword/value string); the database it names is used only to create and
// drop the per-file databases.
func NewPostgres(ctx context.Context, url string) (*Postgres, error) {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	p := &Postgres{cfg: cfg}
	p.admin, err = pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// adminExec runs one statement on the admin connection, reconnecting if
// the connection was lost.
func (p *Postgres) adminExec(ctx context.Context, sql string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.admin == nil || p.admin.IsClosed() {
		c, err := pgconn.ConnectConfig(ctx, p.cfg)
		if err != nil {
			return err
		}
		p.admin = c
	}
	_, err := p.admin.Exec(ctx, sql).ReadAll()
	return err
}

// Open creates a fresh database and returns an engine on it; it is an
// OpenFunc.
func (p *Postgres) Open(ctx context.Context) (Engine, error) {
	p.mu.Lock()
	p.n++
	name := fmt.Sprintf("slt_%d_%d", os.Getpid(), p.n)
	p.mu.Unlock()
	if err := p.adminExec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return nil, err
	}
	if err := p.adminExec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, err
	}
	cfg := p.cfg.Copy()
	cfg.Database = name
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		_ = p.adminExec(ctx, "DROP DATABASE IF EXISTS "+name)
		return nil, err
	}
	return &pgEngine{p: p, conn: conn, db: name}, nil
}

// Close closes the admin connection.
func (p *Postgres) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.admin == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := p.admin.Close(ctx)
	p.admin = nil
	return err
}

type pgEngine struct {
	p    *Postgres
	conn *pgconn.PgConn
	db   string
}

// down marks errors after which the connection is gone (S13).
func (e *pgEngine) down(err error) error {
	if err != nil && e.conn.IsClosed() {
		return fmt.Errorf("%w: %w", ErrEngineDown, err)
	}
	return err
}

func (e *pgEngine) Exec(ctx context.Context, sql string) error {
	_, err := e.conn.Exec(ctx, sql).ReadAll()
	return e.down(err)
}

// PostgreSQL type OIDs (pg_type.dat) that are not rendered as text.
const (
	oidBool    = 16
	oidInt8    = 20
	oidInt2    = 21
	oidInt4    = 23
	oidOID     = 26
	oidFloat4  = 700
	oidFloat8  = 701
	oidNumeric = 1700
)

// KindOfOID maps a PostgreSQL type OID to a ValueKind.
func KindOfOID(oid uint32) ValueKind {
	switch oid {
	case oidBool:
		return KindBool
	case oidInt2, oidInt4, oidInt8, oidOID:
		return KindInt
	case oidFloat4, oidFloat8:
		return KindFloat
	case oidNumeric:
		return KindNumeric
	}
	return KindText
}

func (e *pgEngine) Query(ctx context.Context, sql string) ([][]Value, error) {
	results, err := e.conn.Exec(ctx, sql).ReadAll()
	if err != nil {
		return nil, e.down(err)
	}
	// the last result that has columns (one statement per record)
	var res *pgconn.Result
	for _, r := range results {
		if r.FieldDescriptions != nil {
			res = r
		}
	}
	if res == nil {
		return nil, nil
	}
	kinds := make([]ValueKind, len(res.FieldDescriptions))
	for i, fd := range res.FieldDescriptions {
		kinds[i] = KindOfOID(fd.DataTypeOID)
	}
	rows := make([][]Value, len(res.Rows))
	for i, raw := range res.Rows {
		row := make([]Value, len(raw))
		for j, b := range raw {
			if b == nil {
				row[j] = Null
			} else {
				row[j] = Text(kinds[j], string(b))
			}
		}
		rows[i] = row
	}
	return rows, nil
}

// Close closes the connection and drops the file's database, ending any
// backend still busy in it.
func (e *pgEngine) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cerr := e.conn.Close(ctx)
	if err := e.p.adminExec(ctx, "DROP DATABASE IF EXISTS "+e.db+" WITH (FORCE)"); err != nil {
		return err
	}
	if cerr != nil && !e.conn.IsClosed() {
		return cerr
	}
	return nil
}
