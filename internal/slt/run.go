package slt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/tuskdb/tusk/vfs"
)

// EngineName is the name skipif/onlyif lines must use to address us (S5).
const EngineName = "postgresql"

// DefaultThreshold is the hash threshold every file starts with (S10).
const DefaultThreshold = 8

// DefaultTimeout bounds one record when Runner.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// Engine runs SQL for one script. The runner calls it from one goroutine at
// a time, but may abandon a call that does not return in time (S13).
type Engine interface {
	// Exec runs a statement, discarding any rows.
	Exec(ctx context.Context, sql string) error
	// Query runs a query and returns its rows.
	Query(ctx context.Context, sql string) ([][]Value, error)
	// Close releases the engine and its database.
	Close() error
}

// OpenFunc returns an engine on a fresh, empty database (S11).
type OpenFunc func(ctx context.Context) (Engine, error)

// ErrEngineDown is wrapped by engine errors that mean the engine can run
// nothing more (a lost connection): the rest of the file fails (S13).
var ErrEngineDown = errors.New("sqllogictest: engine is down")

// ErrTimeout is wrapped by the failure of a record the engine did not
// answer in time.
var ErrTimeout = errors.New("sqllogictest: engine timed out")

// Failure describes one failing record.
type Failure struct {
	File string
	Line int
	SQL  string
	// Kind is Statement or Query.
	Kind        RecordKind
	ExpectError bool
	// Expected and Got are the expected and rendered lines of a query.
	Expected []string
	Got      []string
	// Err is the engine's error, or why the record did not run.
	Err error
}

// Format prints the failure for a failures file.
func (f *Failure) Format(w io.Writer) {
	fmt.Fprintf(w, "%s:%d: %s\n", f.File, f.Line, f.Kind)
	fmt.Fprintf(w, "%s\n", f.SQL)
	switch {
	case f.Kind == Statement:
		if f.ExpectError {
			fmt.Fprintf(w, "expected: error\ngot: ok\n")
		} else {
			fmt.Fprintf(w, "expected: ok\ngot error: %v\n", f.Err)
		}
	default:
		fmt.Fprintf(w, "expected:\n")
		for _, l := range f.Expected {
			fmt.Fprintf(w, "    %s\n", l)
		}
		if f.Err != nil {
			fmt.Fprintf(w, "got error: %v\n", f.Err)
		} else {
			fmt.Fprintf(w, "got:\n")
			for _, l := range f.Got {
				fmt.Fprintf(w, "    %s\n", l)
			}
		}
	}
	fmt.Fprintln(w)
}

// FileResult is the count of one file (S12).
type FileResult struct {
	File                              string
	Executed, Passed, Failed, Skipped int
	// Crash is why the rest of the file failed (S13), nil when it did not.
	Crash error
	// CrashLine is the line of the record at which the engine went down.
	CrashLine int
}

// Runner runs scripts on engines from Open.
type Runner struct {
	Open OpenFunc
	// Engine is the name for skipif/onlyif; EngineName when empty.
	Engine string
	// Timeout bounds each engine call; DefaultTimeout when zero.
	Timeout time.Duration
	// FS reads script files; vfs.Default when nil.
	FS vfs.FS
	// OnFailure, when set, is called for each failing record.
	OnFailure func(*Failure)
}

// RunFile parses and runs the script at path. A script that does not parse
// returns an error and no counts.
func (r *Runner) RunFile(ctx context.Context, path string) (FileResult, error) {
	fsys := r.FS
	if fsys == nil {
		fsys = vfs.Default
	}
	src, err := ReadFile(fsys, path)
	if err != nil {
		return FileResult{File: path}, err
	}
	s, err := Parse(path, src)
	if err != nil {
		return FileResult{File: path}, err
	}
	return r.RunScript(ctx, s)
}

// ReadFile reads a whole file through fsys.
func ReadFile(fsys vfs.FS, path string) ([]byte, error) {
	f, err := fsys.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, err := f.Size()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf, nil
}

// RunScript runs a parsed script on a fresh engine (S11) and counts its
// records (S12). It returns an error only when ctx ends.
func (r *Runner) RunScript(ctx context.Context, s *Script) (FileResult, error) {
	res := FileResult{File: s.Name}
	name := r.Engine
	if name == "" {
		name = EngineName
	}
	var eng Engine
	engineDown := func(line int, err error) {
		if res.Crash == nil {
			res.Crash, res.CrashLine = err, line
		}
	}
	if len(s.Records) > 0 {
		var err error
		var late <-chan outcome[Engine]
		eng, err, late = guard(ctx, r.Timeout, func(ctx context.Context) (Engine, error) { return r.Open(ctx) })
		if late != nil {
			go func() { // close an engine that arrives after we gave up on it
				if o := <-late; o.v != nil {
					_ = o.v.Close()
				}
			}()
		}
		if err != nil {
			eng = nil
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			engineDown(s.Records[0].Line, fmt.Errorf("%w: opening the engine: %w", ErrEngineDown, err))
		}
	}
	// abandoned is the outcome of a call given up on (S13); the engine is
	// closed only after that call returns, as one call runs at a time.
	var abandoned <-chan outcome[[][]Value]
	if eng != nil {
		defer func() {
			if abandoned != nil {
				select {
				case <-abandoned:
				case <-time.After(r.timeout()):
					return // still stuck: leave the engine alone
				}
			}
			_, _, _ = guard(context.WithoutCancel(ctx), r.Timeout, func(context.Context) (struct{}, error) { return struct{}{}, eng.Close() })
		}()
	}
	threshold := DefaultThreshold
loop:
	for i := range s.Records {
		rec := &s.Records[i]
		counted := rec.Kind == Statement || rec.Kind == Query
		if !rec.Applies(name) { // S5
			if counted {
				res.Skipped++
			}
			continue
		}
		switch rec.Kind {
		case Halt:
			break loop
		case HashThreshold:
			threshold = rec.Threshold
			continue
		}
		res.Executed++
		f := &Failure{File: s.Name, Line: rec.Line, SQL: rec.SQL, Kind: rec.Kind, ExpectError: rec.ExpectError, Expected: rec.Expected}
		if res.Crash != nil { // S13
			f.Err = fmt.Errorf("not run: the engine went down at line %d: %w", res.CrashLine, res.Crash)
			r.fail(&res, f)
			continue
		}
		rows, err, late := guard(ctx, r.Timeout, func(ctx context.Context) ([][]Value, error) {
			if rec.Kind == Statement {
				return nil, eng.Exec(ctx, rec.SQL)
			}
			return eng.Query(ctx, rec.SQL)
		})
		if late != nil {
			abandoned = late
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if errors.Is(err, ErrEngineDown) || errors.Is(err, ErrTimeout) {
			engineDown(rec.Line, err)
			f.Err = err
			r.fail(&res, f)
			continue
		}
		if rec.Kind == Statement { // S14
			if (err != nil) != rec.ExpectError {
				f.Err = err
				r.fail(&res, f)
				continue
			}
			res.Passed++
			continue
		}
		if err != nil {
			f.Err = err
			r.fail(&res, f)
			continue
		}
		got, err := Result(rows, rec.Types, rec.Sort, threshold)
		if err != nil || !slices.Equal(got, rec.Expected) {
			f.Got, f.Err = got, err
			r.fail(&res, f)
			continue
		}
		res.Passed++
	}
	return res, nil
}

func (r *Runner) fail(res *FileResult, f *Failure) {
	res.Failed++
	if r.OnFailure != nil {
		r.OnFailure(f)
	}
}

func (r *Runner) timeout() time.Duration {
	if r.Timeout <= 0 {
		return DefaultTimeout
	}
	return r.Timeout
}

// outcome is what an engine call returned.
type outcome[T any] struct {
	v   T
	err error
}

// guard runs call with a deadline, turning a panic into ErrEngineDown and
// an unanswered call into ErrTimeout (S13). An unanswered call is
// abandoned: late then delivers its outcome once it returns (nil when the
// call answered in time).
func guard[T any](ctx context.Context, timeout time.Duration, call func(context.Context) (T, error)) (v T, err error, late <-chan outcome[T]) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel() // an abandoned call's context is already done
	done := make(chan outcome[T], 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome[T]{err: fmt.Errorf("%w: panic: %v", ErrEngineDown, p)}
			}
		}()
		v, err := call(cctx)
		done <- outcome[T]{v, err}
	}()
	var zero T
	select {
	case o := <-done:
		if o.err != nil && errors.Is(cctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			return zero, fmt.Errorf("%w after %v: %w", ErrTimeout, timeout, o.err), nil
		}
		return o.v, o.err, nil
	case <-cctx.Done():
		if ctx.Err() != nil {
			return zero, ctx.Err(), done
		}
		return zero, fmt.Errorf("%w after %v", ErrTimeout, timeout), done
	}
}
