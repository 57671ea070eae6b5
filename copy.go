package tusk

import (
	"context"
	"io"
)

// Copier runs COPY with the caller's data. DB and Tx implement it, and so
// does the connection of the database/sql driver, reached with
// sql.Conn.Raw:
//
//	err := conn.Raw(func(dc any) error {
//		n, err = dc.(tusk.Copier).CopyFrom(ctx, "COPY t FROM STDIN (FORMAT csv)", r)
//		return err
//	})
type Copier interface {
	CopyFrom(ctx context.Context, sql string, r io.Reader) (int64, error)
	CopyTo(ctx context.Context, sql string, w io.Writer) (int64, error)
}

var (
	_ Copier = (*DB)(nil)
	_ Copier = (*Tx)(nil)
	_ Copier = (*conn)(nil)
)

// CopyFrom runs sql, one `COPY table [(columns)] FROM STDIN [options]`
// statement, reading its data from r in PostgreSQL's text or CSV format,
// and returns the number of rows copied (the count of the "COPY n" tag).
// The rows are inserted as INSERT inserts them (defaults, NOT NULL,
// indexes), all or nothing. Reading stops at the end of r or at a `\.`
// line; r is not drained beyond it.
func (db *DB) CopyFrom(ctx context.Context, sql string, r io.Reader) (int64, error) {
	s, err := db.session()
	if err != nil {
		return 0, err
	}
	defer db.release(s)
	c, err := s.CopyFrom(ctx, sql, r)
	if err != nil {
		return 0, err
	}
	return c.RowsAffected(), nil
}

// CopyTo runs sql, one `COPY table [(columns)] TO STDOUT [options]` or
// `COPY (query) TO STDOUT [options]` statement, writing its data to w,
// and returns the number of rows written.
func (db *DB) CopyTo(ctx context.Context, sql string, w io.Writer) (int64, error) {
	s, err := db.session()
	if err != nil {
		return 0, err
	}
	defer db.release(s)
	c, err := s.CopyTo(ctx, sql, w)
	if err != nil {
		return 0, err
	}
	return c.RowsAffected(), nil
}

// CopyFrom is DB.CopyFrom in the transaction.
func (tx *Tx) CopyFrom(ctx context.Context, sql string, r io.Reader) (int64, error) {
	if tx.done {
		return 0, errTxDone
	}
	c, err := tx.s.CopyFrom(ctx, sql, r)
	if err != nil {
		return 0, err
	}
	return c.RowsAffected(), nil
}

// CopyTo is DB.CopyTo in the transaction.
func (tx *Tx) CopyTo(ctx context.Context, sql string, w io.Writer) (int64, error) {
	if tx.done {
		return 0, errTxDone
	}
	c, err := tx.s.CopyTo(ctx, sql, w)
	if err != nil {
		return 0, err
	}
	return c.RowsAffected(), nil
}

// CopyFrom is DB.CopyFrom on the driver connection's session.
func (c *conn) CopyFrom(ctx context.Context, sql string, r io.Reader) (int64, error) {
	cur, err := c.s.CopyFrom(ctx, sql, r)
	if err != nil {
		return 0, err
	}
	return cur.RowsAffected(), nil
}

// CopyTo is DB.CopyTo on the driver connection's session.
func (c *conn) CopyTo(ctx context.Context, sql string, w io.Writer) (int64, error) {
	cur, err := c.s.CopyTo(ctx, sql, w)
	if err != nil {
		return 0, err
	}
	return cur.RowsAffected(), nil
}
