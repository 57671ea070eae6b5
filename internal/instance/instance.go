package instance

import (
	"errors"
	"io"
	"path"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tuskdb/tusk/access/btree"
	"github.com/tuskdb/tusk/access/heap"
	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/internal/pgstat"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/vfs"
	"github.com/tuskdb/tusk/wal"
)

// Options configure an instance.
type Options struct {
	FS  vfs.FS
	Dir string
	// SharedBuffers is shared_buffers in bytes; default 128 MB.
	SharedBuffers int64
	// WALWriterDelay is wal_writer_delay; default 200 ms.
	WALWriterDelay time.Duration
	// WALSegmentSize is the WAL segment size; default 16 MB.
	WALSegmentSize int64
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logf writes a server log message (a crashed backend's panic and
	// stack, warnings); default the standard library's log.Printf.
	Logf func(format string, args ...any)
}

// Instance is one open database directory.
type Instance struct {
	opts    Options
	FS      vfs.FS
	Dir     string
	Log     *wal.Log
	Smgr    *bufmgr.Smgr
	Pool    *bufmgr.Pool
	CLOG    *clog.CLOG
	Xacts   *mvcc.Manager
	Heap    *heap.Heap
	Catalog *catalog.Catalog
	// Stats is the cumulative statistics collector (pg_stat_* views).
	Stats *pgstat.Collector

	lock    io.Closer
	control *wal.Control

	ckptMu sync.Mutex // one checkpoint at a time
	// DDL serializes transactions that change the catalog until they end:
	// the seam where the lock manager's AccessExclusiveLock on the catalog
	// will go.
	DDL sync.Mutex

	idxMu   sync.Mutex
	indexes map[base.RelFileNode]*btree.Index

	nextBackend atomic.Int32
	backends    *Backends // backends.go
	walWriter   *Backend
	closeOnce   sync.Once
	closeErr    error
	// Recovered reports whether Open replayed WAL after a crash.
	Recovered bool
}

func (o *Options) setDefaults() {
	if o.FS == nil {
		o.FS = vfs.Default
	}
	if o.SharedBuffers <= 0 {
		o.SharedBuffers = 128 << 20
	}
	if o.WALWriterDelay <= 0 {
		o.WALWriterDelay = 200 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logf == nil {
		o.Logf = defaultLogf
	}
}

func (i *Instance) path(p ...string) string { return path.Join(append([]string{i.Dir}, p...)...) }

// Open opens or creates the database in opts.Dir (I1, I2).
func Open(opts Options) (inst *Instance, err error) {
	opts.setDefaults()
	i := &Instance{opts: opts, FS: opts.FS, Dir: opts.Dir, backends: newBackends(opts.Now, opts.Logf)}
	fs := opts.FS
	for _, d := range []string{"", "global", "pg_wal", "pg_xact", "base", "base/pgsql_tmp"} {
		if err := fs.MkdirAll(i.path(d), 0o700); err != nil {
			return nil, pgerr.Wrap(pgerr.IoError, err, "could not create directory %q: %v", i.path(d), err)
		}
	}
	// The directories must survive a power cut before anything in them can.
	for _, d := range []string{path.Dir(path.Clean(opts.Dir)), i.path(""), i.path("global"), i.path("pg_wal"), i.path("pg_xact"), i.path("base")} {
		if err := fs.SyncDir(d); err != nil {
			return nil, pgerr.Wrap(pgerr.IoError, err, "could not fsync directory %q: %v", d, err)
		}
	}
	lock, err := fs.Lock(i.path("postmaster.pid"))
	if err != nil {
		if errors.Is(err, vfs.ErrLocked) {
			return nil, pgerr.New(pgerr.ObjectInUse, "lock file \"postmaster.pid\" already exists").
				WithHint("Another Tusk instance has the data directory %q open.", opts.Dir)
		}
		return nil, pgerr.Wrap(pgerr.IoError, err, "could not create lock file: %v", err)
	}
	i.lock = lock
	if err := i.removeTempFiles(); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			i.abandon()
		}
	}()
	control, err := wal.ReadControl(fs, i.path("global", "pg_control"))
	fresh := false
	if err != nil {
		if pgerr.CodeOf(err) == pgerr.DataCorrupted {
			return nil, err
		}
		if _, serr := fs.Stat(i.path("global", "pg_control")); serr == nil {
			return nil, err
		}
		fresh = true
	}
	i.Log, err = wal.Open(wal.Options{FS: fs, Dir: i.path("pg_wal"), SegmentSize: opts.WALSegmentSize, WriterDelay: opts.WALWriterDelay, Now: opts.Now})
	if err != nil {
		return nil, err
	}
	if i.Smgr, err = bufmgr.NewSmgr(fs, i.path("base")); err != nil {
		return nil, err
	}
	i.Pool = bufmgr.NewPool(bufmgr.PoolOptions{NBuffers: int(opts.SharedBuffers / base.BlockSize), Smgr: i.Smgr, WAL: i.Log})
	i.Stats = pgstat.New(opts.Now)
	i.CLOG, err = clog.Open(fs, i.path("pg_xact"), i.Log)
	if err != nil {
		return nil, err
	}
	if fresh {
		if err := i.initdb(); err != nil {
			return nil, err
		}
	} else {
		i.control = control
		if err := i.startup(); err != nil {
			return nil, err
		}
	}
	i.restoreStats() // IS1
	i.Log.StartWriter()
	i.walWriter = i.backends.Register(WALWriterBackend)
	return i, nil
}

// initdb creates a new database: catalog bootstrap, then a checkpoint.
func (i *Instance) initdb() error {
	i.Xacts = mvcc.NewManager(i.CLOG, i.Log, base.MakeFullXID(0, base.FirstNormalXID))
	i.Heap = heap.New(i.Pool, i.Log, i.Xacts)
	i.Catalog = catalog.New(i.Heap, i.Xacts)
	x := i.Xacts.Begin(mvcc.XactOptions{SynchronousCommit: true})
	if err := i.Catalog.Bootstrap(x); err != nil {
		x.Abort()
		return err
	}
	if err := x.Commit(); err != nil {
		return err
	}
	i.control = &wal.Control{SystemID: uint64(i.opts.Now().UnixNano())}
	return i.Checkpoint(false)
}

// startup runs crash recovery when needed (I2).
func (i *Instance) startup() error {
	ckpt := i.control.Checkpoint
	i.Xacts = mvcc.NewManager(i.CLOG, i.Log, ckpt.NextFullXID)
	i.Heap = heap.New(i.Pool, i.Log, i.Xacts)
	i.Catalog = catalog.New(i.Heap, i.Xacts)
	i.Catalog.SetNextOID(ckpt.NextOID)
	var rmgrs []wal.Rmgr
	rmgrs = append(rmgrs, i.Pool.Rmgrs()...)
	rmgrs = append(rmgrs, i.CLOG.Rmgr(), i.Xacts.Rmgr(), i.Heap.Rmgr(), btree.Rmgr(i.Pool))
	// New xids start past every xid in the log, committed or not (X10).
	for k := range rmgrs {
		redo := rmgrs[k].Redo
		rmgrs[k].Redo = func(rec *wal.Record) error {
			i.Xacts.AdvancePast(rec.XID)
			return redo(rec)
		}
	}
	i.Recovered = i.control.State != wal.StateShutdown
	if i.Recovered {
		i.control.State = wal.StateInCrashRecovery
		if err := wal.WriteControl(i.FS, i.path("global", "pg_control"), i.control); err != nil {
			return err
		}
	}
	if _, err := wal.Replay(i.Log, ckpt.Redo, rmgrs); err != nil {
		return err
	}
	// Relation files of transactions that never committed may hold OIDs
	// past the checkpoint's counter: start above them too (C4).
	names, err := i.FS.ReadDir(i.path("base"))
	if err != nil {
		return pgerr.Wrap(pgerr.IoError, err, "could not read directory %q: %v", i.path("base"), err)
	}
	for _, n := range names {
		if v, err := strconv.ParseUint(trimFork(n), 10, 32); err == nil {
			i.Catalog.SetNextOID(base.OID(v + 1))
		}
	}
	x := i.Xacts.Begin(mvcc.XactOptions{ReadOnly: true})
	err = i.Catalog.Load(i.Xacts.GetSnapshot(x))
	x.Abort()
	if err != nil {
		return err
	}
	if err := i.upgradeCatalog(); err != nil { // upgrade.go
		return err
	}
	if i.Recovered {
		if err := i.removeOrphanFiles(); err != nil { // I5, check.go
			return err
		}
		return i.Checkpoint(false) // end-of-recovery checkpoint
	}
	// Cleanly shut down: from now on a crash must be seen as one at the
	// next Open (PostgreSQL writes DB_IN_PRODUCTION here), or recovery's
	// end-of-recovery work would be skipped.
	c := *i.control
	c.State = wal.StateInProduction
	if err := wal.WriteControl(i.FS, i.path("global", "pg_control"), &c); err != nil {
		return err
	}
	i.control = &c
	return nil
}

func trimFork(name string) string {
	for k := 0; k < len(name); k++ {
		if name[k] < '0' || name[k] > '9' {
			return name[:k]
		}
	}
	return name
}

// Checkpoint writes every dirty page and CLOG page and records a
// checkpoint (I3). shutdown marks the control file cleanly shut down.
func (i *Instance) Checkpoint(shutdown bool) error {
	i.ckptMu.Lock()
	defer i.ckptMu.Unlock()
	redo := i.Log.BeginCheckpoint()
	if err := i.CLOG.Checkpoint(); err != nil {
		return err
	}
	// FlushAll, timed in its two halves for pg_stat_bgwriter.
	written0, start := i.Pool.TotalStats().Writes, time.Now()
	if err := i.Pool.FlushDirty(); err != nil {
		return err
	}
	wrote := time.Now()
	if err := i.Smgr.SyncAll(); err != nil {
		return err
	}
	i.Stats.ReportCheckpoint(false, i.Pool.TotalStats().Writes-written0, wrote.Sub(start), time.Since(wrote))
	ckpt := wal.Checkpoint{
		Redo:        redo,
		NextFullXID: i.Xacts.NextFullXID(),
		NextOID:     i.Catalog.NextOID(),
		OldestXID:   base.FirstNormalXID,
		Time:        i.opts.Now(),
		Shutdown:    shutdown,
	}
	info := wal.InfoCheckpointOnline
	if shutdown {
		info = wal.InfoCheckpointShutdown
	}
	rec := &wal.Record{Rmgr: wal.RmgrXLOG, Info: info, Data: wal.EncodeCheckpoint(ckpt)}
	end, err := i.Log.Insert(rec)
	if err != nil {
		return err
	}
	if err := i.Log.Flush(end); err != nil {
		return err
	}
	c := *i.control
	c.CheckpointLSN = rec.LSN
	c.RedoLSN = redo
	c.Checkpoint = ckpt
	c.Time = ckpt.Time
	c.State = wal.StateInProduction
	if shutdown {
		c.State = wal.StateShutdown
	}
	if err := wal.WriteControl(i.FS, i.path("global", "pg_control"), &c); err != nil {
		return err
	}
	i.control = &c
	// Crash recovery now starts at redo: the segments before it are not
	// needed any more (W12).
	return i.Log.RemoveSegmentsBefore(redo)
}

// TempDir is where executors spill sorts and hash tables
// (base/pgsql_tmp); Open empties it.
func (i *Instance) TempDir() string { return i.path("base", "pgsql_tmp") }

// removeTempFiles deletes spill files a crashed process left behind.
func (i *Instance) removeTempFiles() error {
	names, err := i.FS.ReadDir(i.TempDir())
	if err != nil {
		return nil
	}
	for _, n := range names {
		if err := i.FS.Remove(i.path("base", "pgsql_tmp", n)); err != nil {
			return pgerr.Wrap(pgerr.IoError, err, "could not remove temporary file %q: %v", n, err)
		}
	}
	return nil
}

// NewBackendID returns a new backend id for a session.
func (i *Instance) NewBackendID() int32 { return i.nextBackend.Add(1) }

// Close takes a shutdown checkpoint, stops background work and releases
// the directory (I4). Sessions must be closed first.
func (i *Instance) Close() error {
	i.closeOnce.Do(func() {
		i.walWriter.Unregister()
		err := i.Checkpoint(true)
		if err == nil {
			if serr := i.saveStats(); serr != nil { // IS1
				i.Logf("LOG:  could not write statistics file %q: %v", i.statsFile(), serr)
			}
		}
		if cerr := i.Log.Close(); err == nil {
			err = cerr
		}
		if cerr := i.lock.Close(); err == nil {
			err = cerr
		}
		i.closeErr = err
	})
	return i.closeErr
}

// abandon releases what a failed Open acquired, without a checkpoint.
func (i *Instance) abandon() {
	if i.Log != nil {
		i.Log.Close()
	}
	if i.lock != nil {
		i.lock.Close()
	}
}

// Crash stops the instance as a power failure would, for tests: no
// checkpoint, no flush; goroutines stop and the lock is released.
func (i *Instance) Crash() {
	i.closeOnce.Do(func() {
		i.walWriter.Unregister()
		i.Log.Abandon()
		i.lock.Close()
		i.closeErr = pgerr.New(pgerr.AdminShutdown, "instance crashed")
	})
}

// OpenIndex returns the cached B-tree of an index relation, opening it
// with open on first use.
func (i *Instance) OpenIndex(node base.RelFileNode, open func() (*btree.Index, error)) (*btree.Index, error) {
	i.idxMu.Lock()
	defer i.idxMu.Unlock()
	if ix, ok := i.indexes[node]; ok {
		return ix, nil
	}
	ix, err := open()
	if err != nil {
		return nil, err
	}
	if i.indexes == nil {
		i.indexes = map[base.RelFileNode]*btree.Index{}
	}
	i.indexes[node] = ix
	return ix, nil
}

// CacheIndex remembers a B-tree just built.
func (i *Instance) CacheIndex(node base.RelFileNode, ix *btree.Index) {
	i.idxMu.Lock()
	defer i.idxMu.Unlock()
	if i.indexes == nil {
		i.indexes = map[base.RelFileNode]*btree.Index{}
	}
	i.indexes[node] = ix
}

// ForgetIndex drops a cached B-tree (its relation was dropped).
func (i *Instance) ForgetIndex(node base.RelFileNode) {
	i.idxMu.Lock()
	delete(i.indexes, node)
	i.idxMu.Unlock()
}
