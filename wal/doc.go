// Package wal is Tusk's write-ahead log (PostgreSQL's xlog.c, xloginsert.c,
// xlogreader.c and pg_control): every change to a data page is described by
// a record here before the page may reach disk, and crash recovery replays
// the records. The rules are numbered W1.. in README.md.
//
// # API
//
//   - Open(Options) opens or creates the log directory (pg_wal). A new log
//     is ready to append at FirstLSN; an existing one must be replayed
//     first: Replay(l, from, rmgrs) reads from `from` (a checkpoint's redo
//     pointer), calls each record's resource manager, stops at the end of
//     the valid log and positions l there.
//   - (*Log).Insert(rec) appends a record (copying its bytes, adding
//     full-page images per W4) and returns its end LSN; Flush(lsn) makes
//     the log durable through lsn, with group commit (W6); StartWriter runs
//     the background WAL writer; Close flushes and stops it.
//   - NewReader(from).Next() reads records, io.EOF at the end of the valid
//     log (W8).
//   - RedoPointer / SetRedoPointer / BeginCheckpoint drive full-page images.
//   - RemoveSegmentsBefore(redo) removes the segments a checkpoint no
//     longer needs (W12).
//   - Failed() reports the failed state entered on any write or fsync error
//     (W7).
//   - EncodeCheckpoint / DecodeCheckpoint: the payload of RmgrXLOG
//     checkpoint records. ReadControl / WriteControl: pg_control (W10).
//
// # On disk
//
// The log is one byte stream; an LSN is a byte position in it (W3). It is
// cut into segment files of Options.SegmentSize bytes (16 MB by default, a
// power of two) named like PostgreSQL's on timeline 1, e.g.
// 000000010000000000000003. The first 16 bytes of segment 0 are a stream
// header (magic, version, segment size, CRC), so the first record starts
// at FirstLSN = 16 and no record starts at InvalidLSN. Records follow one
// another with no padding and no page headers, and may span segments.
// Segment files are created whole and zero-filled before use, the next one
// in the background (W11), so the log ends where the zeros start; segments
// before the last checkpoint's redo pointer are removed (W12), not
// recycled. The record layout is described in record.go; full-page
// images leave out the all-zero hole between pd_lower and pd_upper of a
// standard page (W4).
//
// # Concurrency
//
// Insert, Flush, the getters and Stats are safe for concurrent use. Three
// locks, taken in this order when nested: flushMu (who is the flusher;
// never held while taking the others), writeMu (writing and fsyncing
// segment files, PostgreSQL's WALWriteLock) and insMu (the insert position
// and the in-memory WAL buffer, PostgreSQL's WAL insertion lock); the
// writer takes prealMu (creating segment files) under writeMu, the
// preallocator goroutine takes it alone. A Reader is for one goroutine and
// reads what has been written to the files.
// Replay runs once, before any Insert, single-threaded.
//
// Errors are *pgerr.Error: pgerr.IoError for I/O (wrapping the vfs error,
// so errors.Is(err, os.ErrNotExist) still works), pgerr.DataCorrupted for
// bad bytes. Decoders never panic on garbage.
package wal
