// Package vfs is Tusk's file layer: the one interface through which every
// byte of I/O passes (pebble's vfs, SQLite's VFS). It has three
// implementations:
//
//   - Default (OS): the operating system's files: ReadAt/WriteAt are
//     pread/pwrite, File.Sync is fdatasync on Linux (fsync elsewhere),
//     SyncDir fsyncs the directory, Lock is flock(LOCK_EX|LOCK_NB) on a
//     lock file.
//   - NewMem() *MemFS: an in-memory file system, for tusk.Open("") and
//     tests. Sync and SyncDir do nothing; a power cut is not modelled.
//   - NewCrash(seed) *CrashFS: an in-memory file system that remembers what
//     is durable (V3). Crash(CrashOptions) returns a new CrashFS holding
//     what a power cut would leave: directory entries made durable by
//     SyncDir, each file's content as of its last Sync, and each later
//     write kept, lost, or torn (some 512-byte sectors kept), driven by a
//     seeded random source so a seed replays the same crash.
//     SetSyncError makes Sync and SyncDir fail, to test the fsync-failure
//     path.
//
// The in-memory file systems use slash paths; a relative path is relative
// to "/". Like the OS, they require a file's directory to exist (MkdirAll)
// before the file is created, and ReadAt returns io.EOF with a short read.
//
// Errors are the standard library's (*fs.PathError with fs.ErrNotExist,
// fs.ErrExist, ...), so errors.Is(err, os.ErrNotExist) works for all three
// implementations; callers wrap them as pgerr.IoError. A held lock is reported as an
// error for which errors.Is(err, ErrLocked) holds.
//
// Invariants:
//
//	V1: No package of Tusk other than vfs calls os.Open, os.Create,
//	    os.WriteFile and the like on data files; they all take an FS.
//	V2: A File has no seek offset; ReadAt/WriteAt are safe for concurrent
//	    use on distinct ranges.
//	V3: A write is durable only after Sync of its file returned nil; a
//	    create, rename or remove is durable only after SyncDir of its
//	    directory returned nil. Crash enforces exactly this and no more.
//	    That includes directories: one made by MkdirAll survives a crash
//	    only after SyncDir of its parent, and a file survives only if every
//	    directory above it does. A Sync that failed leaves its writes
//	    pending (they may or may not survive), like Linux after an fsync
//	    error.
//	V4: Lock is exclusive across processes (OS uses flock), so two
//	    instances never write one data directory. flock belongs to the open
//	    file description, so a second Lock from the same process fails too;
//	    MemFS and CrashFS lock within the process.
//	V5: MemFS.Clone is a copy: changes on either side never show on the
//	    other. File contents are shared copy-on-write (an inode marked
//	    shared copies its bytes, spare capacity included, before its first
//	    write or truncation).
package vfs
