package mvcc

import (
	"sync"
	"testing"
	"time"

	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

// fakeLog is an in-memory stand-in for *wal.Log.
type fakeLog struct {
	mu       sync.Mutex
	recs     []*wal.Record
	insert   wal.LSN
	flushed  wal.LSN
	flushErr error
	// onFlush, when set, runs at the start of every Flush (without the
	// lock), so tests can block a flush half-way.
	onFlush func(upTo wal.LSN)
}

func newFakeLog() *fakeLog { return &fakeLog{insert: 1000} }

func (l *fakeLog) Insert(rec *wal.Record) (wal.LSN, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rec.LSN = l.insert
	l.insert += wal.LSN(24 + len(rec.Data))
	rec.EndLSN = l.insert
	l.recs = append(l.recs, rec)
	return rec.EndLSN, nil
}

func (l *fakeLog) Flush(upTo wal.LSN) error {
	l.mu.Lock()
	hook, ferr := l.onFlush, l.flushErr
	l.mu.Unlock()
	if hook != nil {
		hook(upTo)
	}
	if ferr != nil {
		return ferr
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if upTo > l.flushed {
		l.flushed = upTo
	}
	return nil
}

// flushAll is what the WAL writer does for asynchronous commits.
func (l *fakeLog) flushAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushed = l.insert
}

func (l *fakeLog) FlushedLSN() wal.LSN {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.flushed
}

func (l *fakeLog) records() []*wal.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*wal.Record(nil), l.recs...)
}

// env is a manager on an in-memory clog.
type env struct {
	fs  vfs.FS
	log *fakeLog
	c   *clog.CLOG
	m   *Manager
}

var testNow = time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)

func newEnv(t testing.TB, next base.FullXID) *env {
	return newEnvFS(t, vfs.NewMem(), next)
}

func newEnvFS(t testing.TB, fs vfs.FS, next base.FullXID) *env {
	t.Helper()
	log := newFakeLog()
	c, err := clog.Open(fs, "/db/pg_xact", log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	m := NewManagerOptions(Options{CLOG: c, Log: log, Next: next, Now: func() time.Time { return testNow }})
	return &env{fs: fs, log: log, c: c, m: m}
}

// begin starts a transaction with an xid.
func (e *env) begin(t testing.TB, opts XactOptions) *Xact {
	t.Helper()
	x := e.m.Begin(opts)
	if _, err := x.AssignXID(); err != nil {
		t.Fatal(err)
	}
	return x
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
