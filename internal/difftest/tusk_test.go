//go:build !difftest_pgonly

package difftest

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tuskdb/tusk"
)

func init() { openTusk = openTuskEngine }

// tuskTimeout bounds one query on Tusk; a query that takes longer is
// reported as failed with the pseudo-SQLSTATE "TIMEOUT".
const tuskTimeout = 10 * time.Second

// tuskEngine runs queries on an in-memory Tusk database. A query that
// panics or hangs leaves the database in an unknown state, so the engine
// then abandons it and loads a fresh one.
type tuskEngine struct {
	schema *Schema
	db     *tusk.DB
}

func openTuskEngine(ctx context.Context, s *Schema) (Engine, error) {
	e := &tuskEngine{schema: s}
	if err := e.reopen(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *tuskEngine) reopen(ctx context.Context) error {
	if old := e.db; old != nil {
		go func() { _ = old.Close() }() // may hang after a panic; do not wait
	}
	db, err := tusk.Open("")
	if err != nil {
		return err
	}
	e.db = db
	if err := Load(ctx, e, e.schema, false); err != nil {
		return fmt.Errorf("loading the tables into Tusk: %w", err)
	}
	return nil
}

func (e *tuskEngine) Close() error { return e.db.Close() }

func (e *tuskEngine) Exec(ctx context.Context, sql string) error {
	_, err := e.db.Exec(ctx, sql)
	return err
}

func (e *tuskEngine) Query(ctx context.Context, sql string) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, tuskTimeout)
	defer cancel()
	done := make(chan Result, 1)
	db := e.db
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- Result{Failed: true, Code: "PANIC", Message: fmt.Sprintf("%v at %s", p, panicSite(debug.Stack()))}
			}
		}()
		done <- runTusk(ctx, db, sql)
	}()
	select {
	case res := <-done:
		if res.Code == "PANIC" {
			if err := e.reopen(context.Background()); err != nil {
				return Result{}, err
			}
		}
		return res, nil
	case <-time.After(tuskTimeout + 2*time.Second):
		if err := e.reopen(context.Background()); err != nil {
			return Result{}, err
		}
		return Result{Failed: true, Code: "TIMEOUT", Message: fmt.Sprintf("no answer in %v", tuskTimeout)}, nil
	}
}

// runTusk runs a query and reads its column types and text values.
func runTusk(ctx context.Context, db *tusk.DB, sql string) Result {
	fail := func(err error) Result {
		msg := err.Error()
		var te *tusk.Error
		if errors.As(err, &te) {
			msg = te.Message
		}
		return Result{Failed: true, Code: tusk.ErrorCode(err), Message: msg}
	}
	rows, err := db.Query(ctx, sql)
	if err != nil {
		return fail(err)
	}
	defer rows.Close()
	res := Result{Types: rows.ColumnTypes()}
	for rows.Next() {
		var row []Value
		for _, s := range rows.Text() {
			if s == nil {
				row = append(row, Value{Null: true})
			} else {
				row = append(row, Value{S: *s})
			}
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	if err := rows.Close(); err != nil {
		return fail(err)
	}
	return res
}

// panicSite returns the innermost frames below the runtime's panic
// machinery of a debug.Stack trace, as "function (file:line) < caller...".
func panicSite(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	start := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			start = i + 2 // skip the panic frame and its file line
		}
	}
	var frames []string
	for i := start; i+1 < len(lines) && len(frames) < 3; i += 2 {
		fn := lines[i]
		if j := strings.LastIndex(fn, "("); j > 0 {
			fn = fn[:j]
		}
		fn = fn[strings.LastIndex(fn, "/")+1:]
		file := strings.TrimSpace(lines[i+1])
		if j := strings.Index(file, " +"); j > 0 {
			file = file[:j]
		}
		if j := strings.Index(file, "/tusk/"); j >= 0 {
			file = file[j+len("/tusk/"):]
		} else if j := strings.Index(file, "/main/"); j >= 0 {
			file = file[j+len("/main/"):]
		}
		frames = append(frames, fmt.Sprintf("%s (%s)", fn, file))
	}
	return strings.Join(frames, " < ")
}
