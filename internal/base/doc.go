// Package base holds the low-level types every layer of Tusk shares:
// transaction ids, log sequence numbers, object ids, block numbers and item
// pointers. It imports nothing from Tusk and only the standard library, so
// any package may depend on it (pebble's internal/base plays the same part).
//
// Invariants:
//
//	T1: XID is 32 bits, as in PostgreSQL. Comparison between normal xids is
//	    modulo 2^32 (XID.Precedes mirrors TransactionIdPrecedes); the special
//	    xids 0, 1, 2 sort before every normal xid.
//	T2: FullXID = epoch<<32 | xid never wraps; it is what the transaction
//	    manager counts with, and a 32-bit XID is derived from it. Tuples store
//	    32-bit xids, so a table must be frozen (xmin := FrozenXID) before the
//	    counter advances 2^31 past its oldest xid; the vacuum issue adds that.
//	T3: LSN is a byte position in the write-ahead log; 0 is invalid.
package base
