package session

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/instance"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
)

// A session is a backend (S9-S11): it registers in the instance's backend
// table when it starts and leaves it when it ends, reports its state there
// at every call, and can be cancelled, terminated or crash without
// harming the other sessions.
//
// Every exported entry point (Query, Exec, Close, Status, Cursor.Next,
// Cursor.Close, ...) runs between enter and leave. The outermost call holds
// s.mu, so another goroutine terminating the session (pg_terminate_backend)
// can end its transaction when no call is running (S10).

// TestHookInterrupt, when set (tests only), is called at every interrupt
// check of a running statement (the executor's CHECK_FOR_INTERRUPTS,
// every 1024 rows) with the backend's pid and the statement's query text;
// a panic from it is a backend crash mid-statement (S11). Set it before
// the sessions it concerns start and clear it after they end.
var TestHookInterrupt func(pid int32, query string)

// enter starts a call of the session's owner.
func (s *Session) enter() {
	if s.depth == 0 {
		s.mu.Lock()
	}
	s.depth++
}

// leave ends a call: the outermost one reports the session's state and,
// when the session was terminated, ends it (S10); *errp becomes the
// terminated session's error.
func (s *Session) leave(errp *error) {
	terminated := s.be.Terminated()
	if terminated && errp != nil && *errp != nil {
		*errp = instance.ErrTerminated
	}
	s.depth--
	if s.depth > 0 {
		return
	}
	if terminated && !s.closed {
		s.shutdown(instance.ErrTerminated)
	}
	if !s.closed && s.cursor == nil {
		s.reportIdle()
	}
	s.mu.Unlock()
	if s.be.Terminated() {
		s.terminateIdle()
	}
}

// call wraps an exported method: defer s.call()(&err).
func (s *Session) call() func(*error) {
	s.enter()
	return s.leave
}

// terminateIdle ends a terminated session from any goroutine when no call
// of its owner is running (S10); otherwise the running call ends it.
func (s *Session) terminateIdle() {
	if !s.mu.TryLock() {
		return
	}
	defer s.mu.Unlock()
	if !s.closed {
		s.shutdown(instance.ErrTerminated)
	}
}

// shutdown ends the session as its backend exits: the open statement is
// closed (releasing its buffer pins), the transaction aborted (releasing
// its locks), and the backend leaves the table; every later call fails
// with err. The caller holds s.mu.
func (s *Session) shutdown(err error) {
	if c := s.cursor; c != nil {
		s.cursor = nil
		c.done, c.err = true, err
		if c.it != nil {
			it := c.it
			c.it = nil
			s.safely("closing the statement", it.Close)
		}
	}
	s.safely("aborting the transaction", func() { _ = s.endXact(false) })
	s.closed, s.closeErr = true, err
	if s.stmtCancel != nil {
		s.stmtCancel(err)
		s.stmtCancel = nil
	}
	s.reportSessionEnd(shutdownHow(err))
	s.be.Unregister()
}

// safely runs f, logging a panic instead of propagating it (cleanup after
// a crash must not crash again).
func (s *Session) safely(what string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			s.inst.Logf("LOG:  backend %d: panic while %s: %v", s.id, what, r)
		}
	}()
	f()
}

// crashed turns a panic recovered at the session boundary into a backend
// crash (S11): the panic and its stack go to the log, the session shuts
// down (statement closed, transaction aborted, locks and pins released)
// and the statement fails with XX000. Every later call fails too.
func (s *Session) crashed(r any) error {
	s.inst.Logf("LOG:  client backend (PID %d) was terminated by a panic: %v\nDETAIL:  Failed process was running: %s\n%s",
		s.id, r, s.queryText, debug.Stack())
	err := pgerr.New(pgerr.InternalError, "internal error: %v", r).
		WithDetail("The backend (PID %d) crashed and was terminated; its transaction was rolled back.", s.id)
	s.shutdown(pgerr.New(pgerr.InternalError, "terminating connection because its backend crashed"))
	return err
}

// Usable reports whether the session can run statements: false once it
// was closed, terminated or crashed (a pool drops it, like
// driver.ErrBadConn).
func (s *Session) Usable() bool {
	s.enter()
	defer s.leave(nil)
	return !s.closed && !s.be.Terminated()
}

// Terminated reports whether the session ended through
// pg_terminate_backend or a crash rather than Close.
func (s *Session) Terminated() bool {
	return s.be.Terminated()
}

// startCall records the statements of a Query call as the backend's
// activity, and returns their context: cancelling the backend cancels it
// (S10).
func (s *Session) startCall(ctx context.Context, sql string) context.Context {
	if s.stmtCancel != nil {
		s.stmtCancel(nil)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	sctx := s.reuseStmtCtx(ctx)
	if h := TestHookInterrupt; h != nil {
		sctx.hook = func() { h(s.id, sql) }
	}
	cancel := s.sctxCancel
	s.stmtCancel = cancel
	s.queryText = sql
	s.idleReported.ok = false
	s.be.StartStatement(sql, s.xact, !s.inBlock, cancel)
	return sctx
}

// stmtCtx is the context of a call's statements: the caller's context,
// also done when the backend is cancelled or terminated. Unlike
// context.WithCancel it looks at the caller's Done channel only when
// someone waits on its own (a statement that never blocks never calls the
// caller's Done).
type stmtCtx struct {
	context.Context
	hook func() // TestHookInterrupt, bound to the backend and query

	canceled atomic.Bool // set by cancel; Err reads it without the lock

	mu     sync.Mutex
	done   chan struct{} // made by Done (a statement that never waits needs none), closed by cancel
	cause  error
	merged chan struct{} // Done's channel when the caller's context has one
}

// reuseStmtCtx returns the session's statement context set up for a new
// call on ctx. The previous call's is reused when nothing can reach it
// any more: the session reported idle since (reportIdle, so the backend
// dropped its cancel function, and Backend.Cancel calls it only under the
// backend's lock, BK2) and no one asked for its Done channel (whose
// goroutine may still wait). Otherwise a new one is made. The statement
// that used it is over: its cursor was closed (S1).
func (s *Session) reuseStmtCtx(ctx context.Context) *stmtCtx {
	c := s.sctx
	if c != nil && s.stmtCancel == nil {
		c.mu.Lock()
		ok := c.done == nil && c.merged == nil
		if ok {
			c.Context, c.hook, c.cause = ctx, nil, nil
			c.canceled.Store(false)
		}
		c.mu.Unlock()
		if ok {
			return c
		}
	}
	c = &stmtCtx{Context: ctx}
	s.sctx, s.sctxCancel = c, c.cancel
	return c
}

func (c *stmtCtx) cancel(cause error) {
	if cause == nil {
		cause = context.Canceled
	}
	c.mu.Lock()
	if c.cause == nil {
		c.cause = cause
		c.canceled.Store(true)
		if c.done != nil {
			close(c.done)
		}
	}
	c.mu.Unlock()
}

// Err is the executor's interrupt check (CHECK_FOR_INTERRUPTS).
func (c *stmtCtx) Err() error {
	if c.hook != nil {
		c.hook()
	}
	if c.canceled.Load() {
		return context.Canceled
	}
	return c.Context.Err()
}

func (c *stmtCtx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.merged != nil {
		return c.merged
	}
	if c.done == nil {
		c.done = make(chan struct{})
		if c.cause != nil {
			close(c.done)
		}
	}
	pd := c.Context.Done()
	if pd == nil {
		return c.done
	}
	c.merged = make(chan struct{})
	go func(merged, done chan struct{}) {
		select {
		case <-pd:
		case <-done:
		}
		close(merged)
	}(c.merged, c.done)
	return c.merged
}

// reportIdle records that the session waits for its client.
func (s *Session) reportIdle() {
	if s.stmtCancel != nil {
		s.stmtCancel(nil)
		s.stmtCancel = nil
	}
	state := instance.StateIdle
	switch {
	case s.failed:
		state = instance.StateIdleInXactAborted
	case s.inBlock:
		state = instance.StateIdleInXact
	}
	xmin := base.InvalidXID
	if s.snap != nil {
		xmin = s.snap.Xmin
	}
	x := s.xact
	if !s.inBlock {
		x = nil
	}
	if r := &s.idleReported; r.ok && r.state == state && r.x == x && r.xmin == xmin {
		// The backend shows this already and nothing changed it since
		// (startCall and reportSnapshot clear ok): a call between
		// statements (Status, Usable) reports nothing new.
		s.reportAppName()
		return
	}
	s.idleReported = idleReport{ok: true, state: state, x: x, xmin: xmin}
	// pgstat_report_stat when idle outside a transaction: the times are
	// taken with the state change, under one clock reading; a call that
	// finds the session idle already (Status, Usable) leaves them to the
	// next report.
	took := false
	var session, active, idle time.Duration
	if x == nil && s.inst.Stats != nil {
		session, active, idle, took = s.be.IdleTimes(state, x, xmin, true)
	} else {
		s.be.IdleTimes(state, x, xmin, false)
	}
	if took {
		s.inst.Stats.ReportSessionTimes(session, active, idle)
	}
	s.reportAppName()
}

// idleReport is what reportIdle last gave the backend.
type idleReport struct {
	ok    bool
	state string
	x     *mvcc.Xact
	xmin  base.XID
}

// reportAppName gives the backend application_name when it changed.
func (s *Session) reportAppName() {
	if f := s.settingsCached(); f.appOK && (!f.appReportedSet || f.appReported != f.appName) {
		s.be.SetAppName(f.appName)
		f.appReported, f.appReportedSet = f.appName, true
	}
}

// reportSnapshot records the statement's transaction and snapshot xmin.
func (s *Session) reportSnapshot(xmin base.XID) {
	s.idleReported.ok = false
	s.be.SetXact(s.xact, xmin)
}

// Backend returns the session's entry in the backend table.
func (s *Session) Backend() *instance.Backend { return s.be }

func (s *Session) String() string { return fmt.Sprintf("backend %d", s.id) }
