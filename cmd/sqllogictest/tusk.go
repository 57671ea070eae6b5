package main

// The Tusk engine, kept apart from main.go so the command still builds
// (go run ./cmd/sqllogictest/main.go -url ...) while package tusk does not.

import (
	"context"
	"fmt"

	"github.com/tuskdb/tusk"
	"github.com/tuskdb/tusk/internal/slt"
)

func init() { openTusk = openTuskEngine }

// tuskEngine runs a script on its own in-memory database (S11).
type tuskEngine struct{ db *tusk.DB }

func openTuskEngine(ctx context.Context) (slt.Engine, error) {
	db, err := tusk.Open("")
	if err != nil {
		return nil, err
	}
	return &tuskEngine{db: db}, nil
}

// admin_shutdown: the database was closed under us, nothing more can run.
const codeAdminShutdown = "57P01"

func (e *tuskEngine) down(err error) error {
	if err != nil && tusk.ErrorCode(err) == codeAdminShutdown {
		return fmt.Errorf("%w: %w", slt.ErrEngineDown, err)
	}
	return err
}

func (e *tuskEngine) Exec(ctx context.Context, sql string) error {
	_, err := e.db.Exec(ctx, sql)
	return e.down(err)
}

func (e *tuskEngine) Query(ctx context.Context, sql string) ([][]slt.Value, error) {
	rows, err := e.db.Query(ctx, sql)
	if err != nil {
		return nil, e.down(err)
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	kinds := make([]slt.ValueKind, len(types))
	for i, t := range types {
		kinds[i] = slt.KindOfType(t)
	}
	var out [][]slt.Value
	for rows.Next() {
		text := rows.Text()
		row := make([]slt.Value, len(text))
		for i, s := range text {
			switch {
			case s == nil:
				row[i] = slt.Null
			case i < len(kinds):
				row[i] = slt.Text(kinds[i], *s)
			default:
				row[i] = slt.Text(slt.KindText, *s)
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, e.down(err)
	}
	if err := rows.Close(); err != nil {
		return nil, e.down(err)
	}
	return out, nil
}

func (e *tuskEngine) Close() error { return e.db.Close() }
