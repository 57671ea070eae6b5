package pgstat

import "github.com/tuskdb/tusk/internal/base"

// Rel is a backend's pending counts for one relation in its current
// transaction (PgStat_TableStatus with its PgStat_TableXactStatus). Only
// the owning backend touches it, without locks (PS1): executor nodes keep
// the pointer and increment the fields.
type Rel struct {
	NumScans       int64 // a sequential scan (table) or index scan (index) started
	TuplesReturned int64 // tuples a seq scan read, or index entries an index scan returned
	TuplesFetched  int64 // heap tuples fetched through an index (index) or a bitmap (table)

	Inserted, Updated, Deleted int64 // this transaction's attempted changes (PS2)
	HotUpdated                 int64

	truncated              bool // a TRUNCATE ran in this transaction (PS3)
	insPre, updPre, delPre int64

	// Bookkeeping kept across transactions (the Rel is reused).
	oid     base.OID
	touched bool      // in Xact.list
	entry   *relEntry // the collector's entry, valid while gen matches
	gen     uint64
}

// CountTruncate records a TRUNCATE of the relation (pgstat_count_truncate,
// PS3): the changes counted so far are forgotten if the transaction
// commits, and kept if it aborts.
func (r *Rel) CountTruncate() {
	if !r.truncated {
		r.insPre, r.updPre, r.delPre = r.Inserted, r.Updated, r.Deleted
		r.truncated = true
	}
	r.Inserted, r.Updated, r.Deleted = 0, 0, 0
}

// Xact is a backend's pending statistics: what its current transaction
// counted, flushed into the Collector when it ends. It is not safe for
// concurrent use; each session has its own.
type Xact struct {
	c    *Collector
	rels map[base.OID]*Rel // every Rel handed out (reused across transactions)
	list []*Rel            // the ones touched by the current transaction
}

// maxKeptRels bounds how many relations' Rels an Xact keeps for reuse.
const maxKeptRels = 256

// NewXact returns a backend's accumulator.
// A nil collector gives a nil Xact, which counts nothing.
func (c *Collector) NewXact() *Xact {
	if c == nil {
		return nil
	}
	return &Xact{c: c, rels: make(map[base.OID]*Rel)}
}

// Collector returns the collector x flushes into (nil if x is nil).
func (x *Xact) Collector() *Collector {
	if x == nil {
		return nil
	}
	return x.c
}

// Rel returns the pending counts of relation oid (a table or an index),
// to be incremented by the caller. With x nil it returns a throwaway Rel,
// so callers need not check.
func (x *Xact) Rel(oid base.OID) *Rel {
	if x == nil {
		return new(Rel)
	}
	r := x.rels[oid]
	if r == nil {
		r = &Rel{oid: oid}
		x.rels[oid] = r
	}
	if !r.touched {
		r.touched = true
		x.list = append(x.list, r)
	}
	return r
}

// Pending returns the transaction's pending counts of a relation, or nil
// (pg_stat_get_xact_* functions).
func (x *Xact) Pending(oid base.OID) *Rel {
	if x == nil {
		return nil
	}
	if r := x.rels[oid]; r != nil && r.touched {
		return r
	}
	return nil
}

// Flush adds the transaction's counts into the collector, as its commit
// or abort decides (PS2, PS3, PS4), counts the transaction, and starts
// the next one empty.
func (x *Xact) Flush(commit bool) {
	if x == nil {
		return
	}
	c := x.c
	d := &c.db
	if commit {
		d.xactCommit.Add(1)
	} else {
		d.xactRollback.Add(1)
	}
	if len(x.list) == 0 {
		return
	}
	gen := c.gen.Load()
	var ret, fetch, ins, upd, del int64
	for _, p := range x.list {
		if !commit && p.truncated {
			p.Inserted, p.Updated, p.Deleted = p.insPre, p.updPre, p.delPre
		}
		if p.entry == nil || p.gen != gen {
			p.entry, p.gen = c.entry(p.oid), gen
		}
		e := p.entry
		e.mu.Lock()
		rc := &e.c
		rc.NumScans += p.NumScans
		rc.TuplesReturned += p.TuplesReturned
		rc.TuplesFetched += p.TuplesFetched
		rc.Inserted += p.Inserted
		rc.Updated += p.Updated
		rc.Deleted += p.Deleted
		rc.HotUpdated += p.HotUpdated
		if commit {
			if p.truncated {
				rc.Live, rc.Dead, rc.InsSinceVacuum = 0, 0, 0
			}
			rc.Live += p.Inserted - p.Deleted
			rc.Dead += p.Updated + p.Deleted
			rc.ModSinceAnalyze += p.Inserted + p.Updated + p.Deleted
		} else {
			rc.Dead += p.Inserted + p.Updated
		}
		rc.InsSinceVacuum += p.Inserted
		rc.Live, rc.Dead = max(rc.Live, 0), max(rc.Dead, 0)
		e.mu.Unlock()
		ret += p.TuplesReturned
		fetch += p.TuplesFetched
		ins += p.Inserted
		upd += p.Updated
		del += p.Deleted
		*p = Rel{oid: p.oid, entry: p.entry, gen: p.gen}
	}
	clear(x.list)
	x.list = x.list[:0]
	if len(x.rels) > maxKeptRels {
		x.rels = make(map[base.OID]*Rel)
	}
	add := func(a interface{ Add(int64) int64 }, n int64) {
		if n != 0 {
			a.Add(n)
		}
	}
	add(&d.tupReturned, ret)
	add(&d.tupFetched, fetch)
	add(&d.tupInserted, ins)
	add(&d.tupUpdated, upd)
	add(&d.tupDeleted, del)
}
