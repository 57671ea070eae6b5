package mvcc

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/wal"
)

// Log is the part of the write-ahead log the transaction manager uses;
// *wal.Log satisfies it.
type Log interface {
	Insert(rec *wal.Record) (wal.LSN, error)
	Flush(upTo wal.LSN) error
	FlushedLSN() wal.LSN
}

// *wal.Log is the production Log.
var _ Log = (*wal.Log)(nil)

// XactOptions configure one transaction.
type XactOptions struct {
	// SynchronousCommit (synchronous_commit = on): Commit returns only
	// after the commit record is flushed (X2). Off: the WAL writer flushes
	// it later; a crash may lose the commit, never corrupt the database.
	SynchronousCommit bool
	// ReadOnly refuses xid assignment (transaction_read_only).
	ReadOnly bool
}

// DefaultXactOptions returns PostgreSQL's defaults: synchronous commit,
// read-write. (The zero XactOptions is an asynchronous commit.)
func DefaultXactOptions() XactOptions { return XactOptions{SynchronousCommit: true} }

// Options configure a Manager.
type Options struct {
	CLOG *clog.CLOG
	Log  Log
	// Next is the next xid to assign (from the last checkpoint; redo
	// advances it past every xid it replays).
	Next base.FullXID
	// Now is the clock for commit timestamps; time.Now when nil.
	Now func() time.Time
}

// Manager assigns transaction ids, keeps the set of running transactions,
// takes snapshots and records commits and aborts (PostgreSQL's varsup.c,
// procarray.c and the commit half of xact.c). It is safe for concurrent
// use; each Xact belongs to one goroutine.
type Manager struct {
	clog *clog.CLOG
	log  Log
	now  func() time.Time

	mu       sync.Mutex
	next     base.FullXID
	running  map[base.XID]*runEntry // X1
	active   []*Xact                // begun and not ended, with or without an xid (Xact.activeAt)
	trimmed  bool                   // clog.Trim done for the current next
	failed   error                  // X7
	failedCh chan struct{}          // closed when failed is set
	waiters  int                    // goroutines blocked in Wait (for tests)
}

// runEntry is one running xid; done is closed when its status is final.
type runEntry struct {
	done chan struct{}
}

// NewManager returns a manager that assigns next as its first xid.
func NewManager(c *clog.CLOG, log Log, next base.FullXID) *Manager {
	return NewManagerOptions(Options{CLOG: c, Log: log, Next: next})
}

// NewManagerOptions is NewManager with options.
func NewManagerOptions(opts Options) *Manager {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Manager{
		clog:     opts.CLOG,
		log:      opts.Log,
		now:      now,
		next:     normalize(opts.Next),
		running:  map[base.XID]*runEntry{},
		failedCh: make(chan struct{}),
	}
}

// normalize skips the special xids, which are never assigned (X4).
func normalize(f base.FullXID) base.FullXID {
	if f.XID() < base.FirstNormalXID {
		return base.MakeFullXID(f.Epoch(), base.FirstNormalXID)
	}
	return f
}

// advance returns the xid after f: past 2^32-1 the epoch goes up by one and
// the xid restarts at FirstNormalXID (X4); mirrors FullTransactionIdAdvance.
func advance(f base.FullXID) base.FullXID { return normalize(f + 1) }

// NextFullXID returns the next xid to be assigned, with its epoch (for
// checkpoints).
func (m *Manager) NextFullXID() base.FullXID {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.next
}

// Failed returns the error that put the manager in the failed state, or nil.
func (m *Manager) Failed() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.failed
}

// fail enters the failed state (X7): the outcome of a commit is unknown
// until recovery, so no later transaction may write or commit.
func (m *Manager) fail(err error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failed == nil {
		m.failed = pgerr.Wrap(pgerr.InternalError, err, "transaction manager failed: %v", err).
			WithHint("Restart the database to run crash recovery.")
		close(m.failedCh)
	}
	return m.failed
}

type xactState uint8

const (
	stateActive xactState = iota
	stateCommitted
	stateAborted
	stateFailed // commit outcome unknown (X7)
)

// Xact is one transaction. Its methods are for the goroutine that runs it;
// XID may be read by others.
type Xact struct {
	m     *Manager
	opts  XactOptions
	xid   atomic.Uint32
	cid   base.CommandID
	state xactState
	snap  *Snapshot // the transaction snapshot (Xact.Snapshot)
	xmin  base.XID  // xmin of its first snapshot; guarded by m.mu
	entry *runEntry
	// activeAt is 1 + its index in m.active while it is active, else 0;
	// guarded by m.mu.
	activeAt int
}

// Begin starts a transaction. It has no xid until AssignXID (X6).
func (m *Manager) Begin(opts XactOptions) *Xact {
	x := &Xact{m: m, opts: opts}
	m.mu.Lock()
	m.addActive(x)
	m.mu.Unlock()
	return x
}

// BeginReusing is Begin reusing the memory of old, a transaction of m
// that has ended (committed or aborted), when the caller holds the only
// use of it (nothing else acts for old any more; its XID may still be
// read, and reads InvalidXID until the new transaction is assigned one);
// otherwise, or with old nil, it is Begin.
func (m *Manager) BeginReusing(opts XactOptions, old *Xact) *Xact {
	if old == nil || old.m != m || (old.state != stateCommitted && old.state != stateAborted) {
		return m.Begin(opts)
	}
	x := old
	x.opts, x.cid, x.state, x.snap, x.entry = opts, 0, stateActive, nil, nil
	x.xid.Store(0)
	m.mu.Lock()
	x.xmin = base.InvalidXID
	m.addActive(x)
	m.mu.Unlock()
	return x
}

// addActive puts x in the active set; the caller holds m.mu.
func (m *Manager) addActive(x *Xact) {
	m.active = append(m.active, x)
	x.activeAt = len(m.active)
}

// removeActive takes x out of the active set (if in it): the last one
// takes its place. The caller holds m.mu.
func (m *Manager) removeActive(x *Xact) {
	i := x.activeAt - 1
	if i < 0 || i >= len(m.active) || m.active[i] != x {
		return
	}
	last := len(m.active) - 1
	m.active[i] = m.active[last]
	m.active[i].activeAt = i + 1
	m.active[last] = nil
	m.active = m.active[:last]
	x.activeAt = 0
}

// SetSynchronousCommit changes whether Commit waits for its record to be
// flushed: synchronous_commit is read at commit time, as in PostgreSQL, so
// a SET inside the transaction block counts.
func (x *Xact) SetSynchronousCommit(on bool) { x.opts.SynchronousCommit = on }

// Options returns the options the transaction began with.
func (x *Xact) Options() XactOptions { return x.opts }

// XID returns the transaction's xid, InvalidXID until assigned.
func (x *Xact) XID() base.XID { return base.XID(x.xid.Load()) }

// CID returns the current command id.
func (x *Xact) CID() base.CommandID { return x.cid }

// CommandCounterIncrement starts the next command of the transaction: its
// changes so far become visible to snapshots taken from now on (mirrors
// CommandCounterIncrement).
func (x *Xact) CommandCounterIncrement() error {
	if x.cid >= base.InvalidCommandID-1 {
		return pgerr.New(pgerr.ProgramLimitExceeded, "cannot have more than 2^32-2 commands in a transaction")
	}
	x.cid++
	return nil
}

func (x *Xact) checkActive() error {
	if x.state != stateActive {
		return pgerr.New(pgerr.InvalidTransactionState, "transaction is no longer active")
	}
	return nil
}

// AssignXID gives the transaction an xid, on its first write; mirrors
// GetNewTransactionId. The clog page of the xid exists before the xid is
// handed out (clog C1), and the xid is in the running set from now until
// its status is final (X1).
func (x *Xact) AssignXID() (base.XID, error) {
	if id := x.XID(); id.IsValid() {
		return id, nil
	}
	if err := x.checkActive(); err != nil {
		return 0, err
	}
	if x.opts.ReadOnly {
		return 0, pgerr.New(pgerr.ReadOnlySqlTransaction, "cannot modify data in a read-only transaction")
	}
	m := x.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failed != nil {
		return 0, m.failed
	}
	id := m.next.XID()
	if !m.trimmed {
		// X11: first assignment since startup or recovery (clog C7).
		if err := m.clog.Trim(id); err != nil {
			return 0, err
		}
		m.trimmed = true
	}
	if err := m.clog.ExtendTo(id); err != nil {
		return 0, err
	}
	// The vacuum issue adds xidStopLimit here: refuse new xids as the
	// counter nears 2^31 past the oldest unfrozen xid (see doc.go).
	e := &runEntry{done: make(chan struct{})}
	m.running[id] = e
	m.next = advance(m.next)
	x.entry = e
	x.xid.Store(uint32(id))
	return id, nil
}

// Snapshot returns the transaction snapshot, taken at the first call and
// kept for the whole transaction (REPEATABLE READ), with CurCID set to the
// current command. READ COMMITTED statements use Manager.GetSnapshot.
func (x *Xact) Snapshot() *Snapshot {
	if x.snap == nil {
		x.snap = x.m.GetSnapshot(x)
	}
	s := *x.snap
	s.CurXID = x.XID()
	s.CurCID = x.cid
	return &s
}

// GetSnapshot takes a new snapshot for x (nil outside a transaction);
// mirrors GetSnapshotData. It is taken under the manager's lock, so it
// sees each commit or abort entirely or not at all (X5).
func (m *Manager) GetSnapshot(x *Xact) *Snapshot {
	return m.GetSnapshotInto(x, new(Snapshot))
}

// GetSnapshotInto is GetSnapshot writing the snapshot into dst, whose Xip
// array it reuses, and returning dst. The caller owns dst: nothing else
// may still use it or its Xip.
func (m *Manager) GetSnapshotInto(x *Xact, dst *Snapshot) *Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	xmax := m.next.XID()
	xmin := xmax
	xip := dst.Xip[:0]
	if cap(xip) < len(m.running) {
		xip = make([]base.XID, 0, len(m.running))
	}
	var own base.XID
	if x != nil {
		own = x.XID()
	}
	for id := range m.running {
		if id.Precedes(xmin) {
			xmin = id
		}
		if id != own {
			xip = append(xip, id)
		}
	}
	if len(xip) > 1 {
		slices.SortFunc(xip, func(a, b base.XID) int {
			switch {
			case a.Precedes(b):
				return -1
			case b.Precedes(a):
				return 1
			}
			return 0
		})
	}
	s := dst
	*s = Snapshot{Xmin: xmin, Xmax: xmax, Xip: xip, CurXID: own, xact: x}
	if x != nil {
		s.CurCID = x.cid
		if x.activeAt != 0 && !x.xmin.IsValid() {
			x.xmin = xmin
		}
	}
	return s
}

// Commit commits the transaction; mirrors RecordTransactionCommit and
// CommitTransaction. A transaction without an xid writes nothing. With an
// xid: the commit record is inserted and, when SynchronousCommit, flushed
// before anything else (X2); then the clog says committed (with the record
// as the page's group LSN for an asynchronous commit, clog C2), and only
// then does the xid leave the running set and wake its waiters (X1).
func (x *Xact) Commit() error {
	if err := x.checkActive(); err != nil {
		return err
	}
	m := x.m
	id := x.XID()
	if !id.IsValid() {
		x.state = stateCommitted
		m.end(x, id)
		return nil
	}
	if err := m.Failed(); err != nil {
		x.abort() // no commit record was written: it aborts
		return err
	}
	rec := &wal.Record{Rmgr: wal.RmgrXact, Info: InfoCommit, XID: id, Data: EncodeXactTime(m.now())}
	lsn, err := m.log.Insert(rec)
	if err != nil {
		// No commit record: the transaction aborts.
		x.abort()
		return pgerr.Wrap(pgerr.IoError, err, "could not write commit record: %v", err)
	}
	var asyncLSN base.LSN
	if x.opts.SynchronousCommit {
		if err := m.log.Flush(lsn); err != nil { // X2
			x.state = stateFailed
			return m.fail(err)
		}
	} else {
		asyncLSN = lsn
	}
	if err := m.clog.Set(id, clog.StatusCommitted, asyncLSN); err != nil {
		x.state = stateFailed
		return m.fail(err)
	}
	x.state = stateCommitted
	m.end(x, id) // X1
	return nil
}

// Abort rolls the transaction back; mirrors RecordTransactionAbort. The
// abort record is not flushed: after a crash a transaction without a
// commit record counts as aborted anyway. Abort of a finished transaction
// is a no-op, so it may be deferred; after a failed Commit whose outcome
// is unknown (X7) it does nothing either.
func (x *Xact) Abort() error {
	switch x.state {
	case stateAborted, stateFailed:
		return nil
	case stateCommitted:
		return pgerr.New(pgerr.InvalidTransactionState, "cannot abort a committed transaction")
	}
	return x.abort()
}

func (x *Xact) abort() error {
	m := x.m
	id := x.XID()
	x.state = stateAborted
	if !id.IsValid() {
		m.end(x, id)
		return nil
	}
	var first error
	rec := &wal.Record{Rmgr: wal.RmgrXact, Info: InfoAbort, XID: id, Data: EncodeXactTime(m.now())}
	if _, err := m.log.Insert(rec); err != nil {
		first = err
	}
	if err := m.clog.Set(id, clog.StatusAborted, 0); err != nil && first == nil {
		first = err
	}
	// Even if the clog could not say so, an xid that is not running and
	// not committed counts as aborted (X1), so it may leave the set.
	m.end(x, id)
	return first
}

// end removes x from the active set and its xid from the running set, and
// wakes the xid's waiters; mirrors ProcArrayEndTransaction.
func (m *Manager) end(x *Xact, id base.XID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.removeActive(x)
	if !id.IsValid() {
		return
	}
	if e := m.running[id]; e != nil {
		delete(m.running, id)
		close(e.done)
	}
}

// IsRunning reports whether xid is in the running set; mirrors
// TransactionIdIsInProgress.
func (m *Manager) IsRunning(xid base.XID) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.running[xid]
	return ok
}

// Status returns the clog status of xid. An xid that is neither running
// nor committed aborted or crashed, whatever the clog says.
func (m *Manager) Status(xid base.XID) (clog.Status, error) {
	return m.clog.Get(xid)
}

// Wait blocks until xid is no longer running: its commit or abort is
// final (for UPDATE/DELETE conflicts; PostgreSQL's XactLockTableWait).
// It returns early with a QueryCanceled error, wrapping ctx.Err(), when ctx
// is done, and with the manager's error if the manager fails. Waiting for
// one's own xid never returns before ctx is done.
func (m *Manager) Wait(ctx context.Context, xid base.XID) error {
	m.mu.Lock()
	e := m.running[xid]
	if e == nil {
		m.mu.Unlock()
		return nil
	}
	failedCh := m.failedCh
	m.waiters++
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		m.waiters--
		m.mu.Unlock()
	}()
	select {
	case <-e.done:
		return nil
	case <-ctx.Done():
		msg := "canceling statement due to user request"
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			msg = "canceling statement due to statement timeout"
		}
		return pgerr.Wrap(pgerr.QueryCanceled, ctx.Err(), "%s", msg).
			WithDetail("while waiting for transaction %d", xid)
	case <-failedCh:
		return m.Failed()
	}
}

// OldestRunningXmin returns the oldest xid that some running transaction
// or some transaction's snapshot may still consider running: tuples
// deleted by xids before it are dead to everyone (the vacuum horizon;
// mirrors GetOldestNonRemovableTransactionId). A transaction's first
// snapshot holds the horizon back until the transaction ends.
func (m *Manager) OldestRunningXmin() base.XID {
	m.mu.Lock()
	defer m.mu.Unlock()
	oldest := m.next.XID()
	for id := range m.running {
		if id.Precedes(oldest) {
			oldest = id
		}
	}
	for _, x := range m.active {
		if x.xmin.IsValid() && x.xmin.Precedes(oldest) {
			oldest = x.xmin
		}
	}
	return oldest
}

// Waiters returns how many goroutines are blocked in Wait (tests use it to
// order a conflict without sleeping).
func (m *Manager) Waiters() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.waiters
}
