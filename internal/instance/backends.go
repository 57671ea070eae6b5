package instance

import (
	"fmt"
	"log"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
)

// Backend types, as pg_stat_activity.backend_type shows them.
const (
	ClientBackend      = "client backend"
	WALWriterBackend   = "walwriter"
	CheckpointerType   = "checkpointer"
	BgWriterBackend    = "background writer"
	AutovacuumLauncher = "autovacuum launcher"
	AutovacuumWorker   = "autovacuum worker"
)

// Backend states, as pg_stat_activity.state shows them (BackendState).
const (
	StateIdle                = "idle"
	StateActive              = "active"
	StateIdleInXact          = "idle in transaction"
	StateIdleInXactAborted   = "idle in transaction (aborted)"
	firstBackendPID          = 1000
	maxBackendPID            = 1 << 22 // PostgreSQL's PID_MAX_LIMIT on Linux
	defaultWaitEventTypeMain = "Activity"
)

// Backend is one entry of the instance's backend table (PostgreSQL's
// PGPROC plus PgBackendStatus): a client session or a background worker
// (BK1). Its pid, type and start time never change; everything else is
// guarded by mu and read through Status. The owner updates it; other
// goroutines read it (pg_stat_activity) and signal it (Cancel,
// Terminate).
type Backend struct {
	PID   int32
	Type  string
	Start time.Time

	reg *Backends

	mu          sync.Mutex
	state       string // "" for background workers (NULL)
	query       string
	xactStart   time.Time
	queryStart  time.Time
	stateChange time.Time
	appName     string
	user, db    string
	waitEvent   string // background workers' main wait event
	client      bool
	xact        *mvcc.Xact
	xmin        base.XID
	cancel      func(error) // cancels the running statement (nil when none)
	onTerminate func()      // tries to end the owner's work when it is idle

	// Time spent per state since the last TakeTimes (pg_stat_database's
	// session_time, active_time, idle_in_transaction_time), counted up
	// to acctFrom; lastTake is when TakeTimes last ran.
	acctFrom, lastTake     time.Time
	activeDur, idleXactDur time.Duration

	terminated atomic.Bool
	gone       atomic.Bool
	done       chan struct{} // closed by Unregister
}

// BackendStatus is a copy of a backend's entry, for pg_stat_activity.
type BackendStatus struct {
	PID                                          int32
	Type                                         string
	Client                                       bool
	State                                        string
	Query                                        string
	AppName, User, Database                      string
	WaitEventType, WaitEvent                     string
	BackendStart, XactStart, QueryStart, Changed time.Time
	XID, Xmin                                    base.XID
}

// Backends is the instance's backend table (BK1-BK4).
type Backends struct {
	now  func() time.Time
	logf func(format string, args ...any)

	mu   sync.Mutex
	m    map[int32]*Backend
	next int32
}

func newBackends(now func() time.Time, logf func(string, ...any)) *Backends {
	return &Backends{now: now, logf: logf, m: map[int32]*Backend{}, next: firstBackendPID}
}

// Register adds a backend of type typ and gives it a pid unique among the
// live backends (BK1). Client backends start idle; background workers have
// no state.
func (r *Backends) Register(typ string) *Backend {
	now := r.now()
	b := &Backend{Type: typ, Start: now, reg: r, stateChange: now, done: make(chan struct{})}
	if typ == ClientBackend {
		b.client = true
		b.state = StateIdle
		b.acctFrom, b.lastTake = now, now
		b.user, b.db = "postgres", "tusk"
	} else {
		b.stateChange = time.Time{}
		b.waitEvent = backgroundWaitEvent[typ]
	}
	r.mu.Lock()
	for {
		pid := r.next
		r.next++
		if r.next >= maxBackendPID {
			r.next = firstBackendPID
		}
		if _, used := r.m[pid]; !used {
			b.PID = pid
			r.m[pid] = b
			break
		}
	}
	r.mu.Unlock()
	return b
}

var backgroundWaitEvent = map[string]string{
	WALWriterBackend:   "WalWriterMain",
	CheckpointerType:   "CheckpointerMain",
	BgWriterBackend:    "BgWriterMain",
	AutovacuumLauncher: "AutoVacuumMain",
}

// Unregister removes the backend from the table; its pid may be reused.
func (b *Backend) Unregister() {
	if b == nil || b.gone.Swap(true) {
		return
	}
	r := b.reg
	r.mu.Lock()
	if r.m[b.PID] == b {
		delete(r.m, b.PID)
	}
	r.mu.Unlock()
	close(b.done)
}

// Done is closed when the backend has left the table.
func (b *Backend) Done() <-chan struct{} { return b.done }

// Lookup returns the live backend with pid, or nil.
func (r *Backends) Lookup(pid int32) *Backend {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[pid]
}

// List returns the status of every live backend, by pid.
func (r *Backends) List() []BackendStatus {
	r.mu.Lock()
	bs := make([]*Backend, 0, len(r.m))
	for _, b := range r.m {
		bs = append(bs, b)
	}
	r.mu.Unlock()
	sort.Slice(bs, func(i, j int) bool { return bs[i].PID < bs[j].PID })
	out := make([]BackendStatus, len(bs))
	for i, b := range bs {
		out[i] = b.Status()
	}
	return out
}

// Logf writes a message to the instance's log.
func (r *Backends) Logf(format string, args ...any) { r.logf(format, args...) }

// Status returns a copy of the backend's entry.
func (b *Backend) Status() BackendStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := BackendStatus{PID: b.PID, Type: b.Type, Client: b.client, State: b.state, Query: b.query,
		AppName: b.appName, User: b.user, Database: b.db,
		BackendStart: b.Start, XactStart: b.xactStart, QueryStart: b.queryStart, Changed: b.stateChange,
		Xmin: b.xmin}
	if b.waitEvent != "" {
		st.WaitEventType, st.WaitEvent = defaultWaitEventTypeMain, b.waitEvent
	}
	if b.xact != nil {
		st.XID = b.xact.XID()
	}
	return st
}

// SetAppName records application_name.
func (b *Backend) SetAppName(name string) {
	b.mu.Lock()
	b.appName = name
	b.mu.Unlock()
}

// StartStatement records that the backend runs query: state active, with
// cancel the way to stop it (pgstat_report_activity(STATE_RUNNING)).
// xactStarted tells whether the statement starts a transaction.
func (b *Backend) StartStatement(query string, x *mvcc.Xact, xactStarted bool, cancel func(error)) {
	now := b.reg.now()
	b.mu.Lock()
	b.query = query
	b.queryStart = now
	if xactStarted || b.xactStart.IsZero() {
		b.xactStart = now
	}
	b.xact = x
	b.setState(StateActive, now)
	b.cancel = cancel
	b.mu.Unlock()
	if b.terminated.Load() && cancel != nil {
		cancel(ErrTerminated)
	}
}

// SetXact records the backend's transaction (its xid, once assigned, is
// backend_xid) and the xmin of the snapshot it uses.
func (b *Backend) SetXact(x *mvcc.Xact, xmin base.XID) {
	b.mu.Lock()
	b.xact = x
	b.xmin = xmin
	b.mu.Unlock()
}

// Idle records that the backend waits for its client: state is one of
// the idle states; x is the open transaction (nil outside one) and xmin
// the snapshot it keeps (REPEATABLE READ).
func (b *Backend) Idle(state string, x *mvcc.Xact, xmin base.XID) {
	b.IdleTimes(state, x, xmin, false)
}

// IdleTimes is Idle, and with takeTimes also TakeTimes when the state
// changes (took reports it), under one lock and one clock reading; the
// clock is read only when the state changes (a backend already in state
// keeps its state_change time, as with Idle).
func (b *Backend) IdleTimes(state string, x *mvcc.Xact, xmin base.XID, takeTimes bool) (session, active, idleInXact time.Duration, took bool) {
	b.mu.Lock()
	b.cancel = nil
	b.xact = x
	b.xmin = xmin
	if x == nil {
		b.xactStart = time.Time{}
	}
	if b.state != state {
		now := b.reg.now()
		b.setState(state, now)
		if takeTimes && b.client {
			session, active, idleInXact = now.Sub(b.lastTake), b.activeDur, b.idleXactDur
			b.lastTake, b.activeDur, b.idleXactDur = now, 0, 0
			took = true
		}
	}
	b.mu.Unlock()
	return session, active, idleInXact, took
}

func (b *Backend) setState(state string, now time.Time) {
	if b.state != state {
		b.account(now)
		b.state = state
		b.stateChange = now
	}
}

// account adds the time in the current state since acctFrom to its
// bucket (active: running or fastpath; idle in transaction, aborted or
// not), as pgstat_report_activity does on a state change. Caller holds mu.
func (b *Backend) account(now time.Time) {
	if b.acctFrom.IsZero() {
		return
	}
	d := now.Sub(b.acctFrom)
	switch b.state {
	case StateActive:
		b.activeDur += d
	case StateIdleInXact, StateIdleInXactAborted:
		b.idleXactDur += d
	}
	b.acctFrom = now
}

// TakeTimes returns the time the client backend existed, was active and
// was idle in a transaction since the previous call (or its start), and
// starts counting again from now; zeros for a background worker.
func (b *Backend) TakeTimes() (session, active, idleInXact time.Duration) {
	if b == nil || !b.client {
		return 0, 0, 0
	}
	now := b.reg.now()
	b.mu.Lock()
	b.account(now)
	session, active, idleInXact = now.Sub(b.lastTake), b.activeDur, b.idleXactDur
	b.lastTake, b.activeDur, b.idleXactDur = now, 0, 0
	b.mu.Unlock()
	return session, active, idleInXact
}

// SetOnTerminate sets what Terminate calls, after it marked the backend
// terminated and cancelled its statement, to end the owner's transaction
// if the owner is between calls (BK3).
func (b *Backend) SetOnTerminate(f func()) {
	b.mu.Lock()
	b.onTerminate = f
	b.mu.Unlock()
}

// ErrCanceled is the cause a cancelled statement stops with
// (pg_cancel_backend).
var ErrCanceled = pgerr.New(pgerr.QueryCanceled, "canceling statement due to user request")

// ErrTerminated is the error a terminated backend reports
// (pg_terminate_backend).
var ErrTerminated = pgerr.New(pgerr.AdminShutdown, "terminating connection due to administrator command")

// Cancel stops the backend's running statement, if any (BK2). The cancel
// function runs under mu, so once Idle (or StartStatement) has replaced
// it, it is not called any more: an owner may reuse what it cancels.
func (b *Backend) Cancel() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		b.cancel(ErrCanceled)
	}
}

// Terminate marks the backend terminated, stops its running statement and
// lets its owner end the session (BK3).
func (b *Backend) Terminate() {
	b.terminated.Store(true)
	b.mu.Lock()
	f := b.onTerminate
	if b.cancel != nil {
		b.cancel(ErrTerminated) // under mu, as in Cancel
	}
	b.mu.Unlock()
	if f != nil {
		f()
	}
}

// Terminated reports whether Terminate was called.
func (b *Backend) Terminated() bool { return b.terminated.Load() }

// Backends returns the instance's backend table.
func (i *Instance) Backends() *Backends { return i.backends }

// Logf writes a message to the instance's log (Options.Logf).
func (i *Instance) Logf(format string, args ...any) { i.backends.logf(format, args...) }

func defaultLogf(format string, args ...any) { log.Output(2, fmt.Sprintf(format, args...)) }

// CheckNoPins verifies that no buffer is pinned, as must hold when no
// backend runs a statement (BK4): a backend that ended, was cancelled or
// crashed released every pin it held.
func (i *Instance) CheckNoPins() error {
	if ids := i.Pool.PinnedBuffers(); len(ids) > 0 {
		return pgerr.New(pgerr.InternalError, "%d buffers are still pinned (buffer ids %v)", len(ids), ids)
	}
	return nil
}
