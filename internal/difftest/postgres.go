package difftest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Postgres is the reference engine: a database of its own on a PostgreSQL
// server, queried with the simple protocol so every value arrives in its
// text form, with each column's type OID and typmod.
type Postgres struct {
	admin *pgconn.PgConn
	conn  *pgconn.PgConn
	db    string
	types map[[2]int64]string
}

// OpenPostgres connects to the server at url, (re)creates the database db
// and connects to it; settings are statements run once on the connection
// (e.g. "SET enable_hashjoin = off").
func OpenPostgres(ctx context.Context, url, db string, settings ...string) (*Postgres, error) {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	admin, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	p := &Postgres{admin: admin, db: db, types: map[[2]int64]string{}}
	for _, st := range []string{"DROP DATABASE IF EXISTS " + db + " WITH (FORCE)", "CREATE DATABASE " + db} {
		if _, err := admin.Exec(ctx, st).ReadAll(); err != nil {
			_ = admin.Close(ctx)
			return nil, err
		}
	}
	cfg = cfg.Copy()
	cfg.Database = db
	if p.conn, err = pgconn.ConnectConfig(ctx, cfg); err != nil {
		_ = admin.Close(ctx)
		return nil, err
	}
	for _, st := range append([]string{"SET statement_timeout = '20s'"}, settings...) {
		if err := p.Exec(ctx, st); err != nil {
			p.Close()
			return nil, fmt.Errorf("%s: %w", st, err)
		}
	}
	return p, nil
}

// Exec runs one statement.
func (p *Postgres) Exec(ctx context.Context, sql string) error {
	_, err := p.conn.Exec(ctx, sql).ReadAll()
	return err
}

// Query runs one query; SQL errors come back in the Result. The column
// types are read from the row description, which PostgreSQL sends even
// when there are no rows.
func (p *Postgres) Query(ctx context.Context, sql string) (Result, error) {
	mrr := p.conn.Exec(ctx, sql)
	var out Result
	var fds []pgconn.FieldDescription
	n := 0
	for mrr.NextResult() {
		n++
		rr := mrr.ResultReader()
		fds = append(fds[:0], rr.FieldDescriptions()...)
		for rr.NextRow() {
			row := make([]Value, len(rr.Values()))
			for i, b := range rr.Values() {
				if b == nil {
					row[i] = Value{Null: true}
				} else {
					row[i] = Value{S: string(b)}
				}
			}
			out.Rows = append(out.Rows, row)
		}
		if _, err := rr.Close(); err != nil {
			_ = mrr.Close()
			return sqlError(err)
		}
	}
	if err := mrr.Close(); err != nil {
		return sqlError(err)
	}
	if n != 1 {
		return Result{}, fmt.Errorf("%d results for one query", n)
	}
	for _, fd := range fds {
		name, err := p.typeName(ctx, fd.DataTypeOID, fd.TypeModifier)
		if err != nil {
			return Result{}, err
		}
		out.Types = append(out.Types, name)
	}
	return out, nil
}

// sqlError turns a PostgreSQL error into a failed Result; other errors
// (a lost connection) are returned as errors.
func sqlError(err error) (Result, error) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return Result{Failed: true, Code: pe.Code, Message: pe.Message}, nil
	}
	return Result{}, err
}

// typeName asks the server for format_type(oid, typmod), as Tusk's
// ColumnTypes prints it (a typmod of -1 passed as NULL, like psql).
func (p *Postgres) typeName(ctx context.Context, oid uint32, typmod int32) (string, error) {
	k := [2]int64{int64(oid), int64(typmod)}
	if n, ok := p.types[k]; ok {
		return n, nil
	}
	mod := "NULL"
	if typmod >= 0 {
		mod = fmt.Sprint(typmod)
	}
	res, err := p.conn.Exec(ctx, fmt.Sprintf("SELECT format_type(%d, %s)", oid, mod)).ReadAll()
	if err != nil {
		return "", err
	}
	if len(res) != 1 || len(res[0].Rows) != 1 || len(res[0].Rows[0]) != 1 {
		return "", fmt.Errorf("format_type(%d, %s): unexpected result", oid, mod)
	}
	n := string(res[0].Rows[0][0])
	p.types[k] = n
	return n, nil
}

// Close closes the connection and drops the database.
func (p *Postgres) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if p.conn != nil {
		_ = p.conn.Close(ctx)
	}
	_, _ = p.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+p.db+" WITH (FORCE)").ReadAll()
	_ = p.admin.Close(ctx)
}
