package exec

import (
	"strings"

	"github.com/tuskdb/tusk/access/btree"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/clog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// Enforcement of CHECK and FOREIGN KEY constraints (plan.Constraints).
//
// CHECK constraints are tested on each new row version before the heap is
// touched (X3, X22; ExecConstraints). Foreign keys are PostgreSQL's RI
// triggers: AFTER ROW triggers that fire at the end of the statement
// (AfterTriggerEndQuery). Each row change queues an event per foreign key
// it concerns, and when the statement's rows are done the events fire in
// order (X23):
//
//	riCheck     a referencing row was inserted, or its key updated
//	            (RI_FKey_check): a referenced row with that key must exist
//	riPKDelete  a referenced row was deleted (RI_FKey_*_del): NO ACTION
//	            and RESTRICT fail when referencing rows remain; CASCADE
//	            deletes them; SET NULL / SET DEFAULT updates them
//	riPKUpdate  a referenced row's key was updated (RI_FKey_*_upd): as
//	            riPKDelete, CASCADE updating the referencing keys
//
// Before each event fires, the command counter is advanced if anything
// was written since it last was (SPI's CommandCounterIncrement), so the
// event sees the statement's changes and those of earlier events. The
// changes an action makes queue events of their own, which fire right
// after it (a nested query's AfterTriggerEndQuery).
//
// Snapshots (ri_PerformCheck): READ COMMITTED uses a fresh snapshot for
// every event; REPEATABLE READ checks a referencing row against the
// transaction snapshot, and looks for referencing rows with a fresh one,
// failing with 40001 when an action would change a row the transaction
// snapshot does not see (the crosscheck snapshot).
//
// Row locks: PostgreSQL locks the rows a check finds FOR KEY SHARE. Tusk
// has no shared row locks yet, so lockKeyShare only waits as the lock
// would (for a transaction deleting the row or changing its key) and
// records nothing. Hence the one thing PostgreSQL prevents that Tusk does
// not: a transaction that checked a referenced row, and has not
// committed, does not stop another from deleting that row (the deleter
// does not see the uncommitted referencing row).

// riKind is the kind of a foreign key event.
type riKind uint8

const (
	riCheck riKind = iota
	riPKDelete
	riPKUpdate
)

// riEvent is a queued foreign key event (an AfterTriggerEvent).
type riEvent struct {
	kind riKind
	fk   *plan.ForeignKey
	tid  base.ItemPointer // riCheck: the new referencing row version
	old  []types.Datum    // riPK*: the referenced row before the change
	new  []types.Datum    // riPKUpdate: the referenced row after it
}

// conState is a modifyTable's queue of foreign key events.
type conState struct {
	events []riEvent
	done   bool
}

func (m *modifyTable) table() *plan.ConstrainedTable {
	if m.p.Constraints == nil {
		return nil
	}
	return m.p.Constraints.Table
}

// checkConstraints tests the CHECK constraints of the table on a new row
// version, in name order: a false result is a violation, NULL passes
// (ExecRelCheck).
func (m *modifyTable) checkConstraints(vals []types.Datum) error {
	t := m.table()
	if t == nil {
		return nil
	}
	for _, c := range t.Checks {
		v, err := m.ec.Eval(c.Expr, vals)
		if err != nil {
			return err
		}
		if v == false {
			return pgerr.New(pgerr.CheckViolation, "new row for relation %q violates check constraint %q", t.Rel.Name, c.Name).
				WithDetail("Failing row contains %s.", rowString(t.Cols, vals))
		}
	}
	return nil
}

// keyNulls counts the NULLs among vals' columns keys.
func keyNulls(vals []types.Datum, keys []int) int {
	n := 0
	for _, k := range keys {
		if vals[k] == nil {
			n++
		}
	}
	return n
}

// fkNeedsCheck says whether a referencing row with vals must be checked:
// not when its key is all NULL, nor, with MATCH SIMPLE, partly NULL.
func fkNeedsCheck(fk *plan.ForeignKey, vals []types.Datum) bool {
	switch keyNulls(vals, fk.Keys) {
	case 0:
		return true
	case len(fk.Keys):
		return false
	}
	return fk.Match == catalog.FKMatchFull // mixing NULLs fails
}

// afterInsert queues the checks of a new row's foreign keys.
func (m *modifyTable) afterInsert(tid base.ItemPointer, vals []types.Datum) {
	t := m.table()
	if t == nil {
		return
	}
	for _, fk := range t.ForeignKeys {
		if fkNeedsCheck(fk, vals) {
			m.con.events = append(m.con.events, riEvent{kind: riCheck, fk: fk, tid: tid})
		}
	}
}

// afterUpdate queues the events of an updated row: an action of each
// foreign key referencing it whose key changed in its bytes
// (RI_FKey_pk_upd_check_required compares images), then a check of each
// of its foreign keys whose key changed under the column type's equality
// (RI_FKey_fk_upd_check_required); PostgreSQL fires them in that order,
// by trigger name.
func (m *modifyTable) afterUpdate(old []types.Datum, tid base.ItemPointer, vals []types.Datum) {
	t := m.table()
	if t == nil {
		return
	}
	for _, fk := range t.ReferencedBy {
		if keyNulls(old, fk.RefKeys) > 0 || sameImage(t, fk.RefKeys, old, vals) {
			continue
		}
		m.con.events = append(m.con.events, riEvent{kind: riPKUpdate, fk: fk, old: old, new: vals})
	}
	for _, fk := range t.ForeignKeys {
		if !fkNeedsCheck(fk, vals) {
			continue
		}
		if keyNulls(vals, fk.Keys) == 0 && keyNulls(old, fk.Keys) == 0 && sameKey(t, fk.Keys, old, vals) {
			continue
		}
		m.con.events = append(m.con.events, riEvent{kind: riCheck, fk: fk, tid: tid})
	}
}

// afterDelete queues the actions of the foreign keys referencing a
// deleted row (a key with a NULL cannot be referenced).
func (m *modifyTable) afterDelete(old []types.Datum) {
	t := m.table()
	if t == nil {
		return
	}
	for _, fk := range t.ReferencedBy {
		if keyNulls(old, fk.RefKeys) == 0 {
			m.con.events = append(m.con.events, riEvent{kind: riPKDelete, fk: fk, old: old})
		}
	}
}

func sameImage(t *plan.ConstrainedTable, keys []int, a, b []types.Datum) bool {
	for _, k := range keys {
		if a[k] == nil || b[k] == nil {
			if a[k] != nil || b[k] != nil {
				return false
			}
			continue
		}
		if string(types.Encode(t.Cols[k].T, a[k])) != string(types.Encode(t.Cols[k].T, b[k])) {
			return false
		}
	}
	return true
}

func sameKey(t *plan.ConstrainedTable, keys []int, a, b []types.Datum) bool {
	for _, k := range keys {
		if !types.Equal(t.Cols[k].T, a[k], b[k]) {
			return false
		}
	}
	return true
}

// finish fires the statement's foreign key events once its rows are done
// (AfterTriggerEndQuery).
func (m *modifyTable) finish() error {
	if m.con.done || len(m.con.events) == 0 {
		m.con.done = true
		return nil
	}
	m.con.done = true
	if m.ec.Xacts == nil {
		return pgerr.New(pgerr.InternalError, "foreign key checks need the transaction manager")
	}
	events := m.con.events
	m.con.events = nil
	r := &riRun{ec: m.ec, dirty: true}
	return r.fire(events)
}

// riRun fires foreign key events.
type riRun struct {
	ec    *Context
	dirty bool // written since the last CommandCounterIncrement
}

func (r *riRun) fire(events []riEvent) error {
	for i := range events {
		if err := checkCancel(r.ec); err != nil {
			return err
		}
		if err := r.fireOne(&events[i]); err != nil {
			return err
		}
	}
	return nil
}

// nextCommand advances the command counter if anything was written since
// it last was.
func (r *riRun) nextCommand() error {
	if !r.dirty {
		return nil
	}
	r.dirty = false
	return r.ec.Xact.CommandCounterIncrement()
}

// latest is a fresh snapshot that sees the transaction's changes up to
// the current command.
func (r *riRun) latest() *mvcc.Snapshot {
	return r.ec.Xacts.GetSnapshot(r.ec.Xact)
}

// xactSnap is the snapshot a referencing row is checked with: fresh in
// READ COMMITTED, the transaction's in REPEATABLE READ (with the current
// command).
func (r *riRun) xactSnap() *mvcc.Snapshot {
	if !r.ec.SerializableConflicts || r.ec.Snap == nil {
		return r.latest()
	}
	s := *r.ec.Snap
	s.CurCID = r.ec.Xact.CID()
	return &s
}

// fireOne fires one event, then the events its changes queued.
func (r *riRun) fireOne(ev *riEvent) error {
	if err := r.nextCommand(); err != nil {
		return err
	}
	if ev.kind == riCheck {
		return r.checkReferencing(ev)
	}
	action := ev.fk.OnDelete
	if ev.kind == riPKUpdate {
		action = ev.fk.OnUpdate
	}
	switch action {
	case catalog.FKNoAction, catalog.FKRestrict:
		return r.restrict(ev, action == catalog.FKNoAction)
	case catalog.FKCascade, catalog.FKSetNull, catalog.FKSetDefault:
		nested, err := r.act(ev, action)
		if err != nil {
			return err
		}
		if err := r.fire(nested); err != nil {
			return err
		}
		if action != catalog.FKSetDefault {
			return nil
		}
		// Rows set to a default equal to the old key still reference it
		// and were not checked (their key did not change): ri_set runs
		// the NO ACTION check.
		if err := r.nextCommand(); err != nil {
			return err
		}
		return r.restrict(ev, true)
	}
	return pgerr.New(pgerr.InternalError, "foreign key constraint %q has unknown action %q", ev.fk.Name, action)
}

// restrict is ri_restrict: NO ACTION and RESTRICT fail when rows still
// reference the old key of the referenced row; for NO ACTION (noAction)
// another row now providing that key satisfies the constraint.
func (r *riRun) restrict(ev *riEvent, noAction bool) error {
	fk := ev.fk
	snap := r.latest()
	if noAction {
		key := make([]types.Datum, len(fk.RefKeys))
		for i, k := range fk.RefKeys {
			key[i] = ev.old[k]
		}
		found, err := r.findKey(fk.RefTable, fk.RefIndex, fk.RefKeys, key, snap) // ri_Check_Pk_Match
		if err != nil || found {
			return err
		}
	}
	rows, err := r.referencing(fk, ev.old, snap)
	if err != nil {
		return err
	}
	match := r.referencesKey(fk, ev.old)
	for _, row := range rows {
		ok, err := r.lockKeyShare(fk.Table, row.tid, snap, match)
		if err != nil {
			return err
		}
		if ok {
			return pgerr.New(pgerr.ForeignKeyViolation, "update or delete on table %q violates foreign key constraint %q on table %q",
				fk.RefTable.Rel.Name, fk.Name, fk.Table.Rel.Name).
				WithDetail("Key (%s)=(%s) is still referenced from table %q.", keyColumns(fk.RefTable, fk.RefKeys),
					keyValues(fk.RefTable, fk.RefKeys, ev.old), fk.Table.Rel.Name)
		}
	}
	return nil
}

// checkReferencing is RI_FKey_check: the referencing row version at
// ev.tid, if still live, must find a referenced row with its key.
func (r *riRun) checkReferencing(ev *riEvent) error {
	ec, fk := r.ec, ev.fk
	ft, pt := fk.Table, fk.RefTable
	snap := r.xactSnap()
	t, vis, err := ec.Heap.Fetch(ft.Rel.Node, snap, ev.tid)
	if err != nil || !vis {
		return err // deleted or updated again later in the statement
	}
	vals, err := DecodeRow(ft.Cols, t.Payload)
	if err != nil {
		return err
	}
	violation := func() *pgerr.Error {
		return pgerr.New(pgerr.ForeignKeyViolation, "insert or update on table %q violates foreign key constraint %q", ft.Rel.Name, fk.Name)
	}
	switch keyNulls(vals, fk.Keys) {
	case 0:
	case len(fk.Keys):
		return nil
	default:
		if fk.Match == catalog.FKMatchFull {
			return violation().WithDetail("MATCH FULL does not allow mixing of null and nonnull key values.")
		}
		return nil
	}
	key := make([]types.Datum, len(fk.Keys))
	found := true
	for i, k := range fk.Keys {
		pc := pt.Cols[fk.RefKeys[i]]
		v, err := types.Cast(vals[k], ft.Cols[k].T, ft.Cols[k].Mod, pc.T, -1, false)
		if err != nil {
			found = false // no referenced value can equal it
			break
		}
		key[i] = v
	}
	if found {
		if found, err = r.findKey(pt, fk.RefIndex, fk.RefKeys, key, snap); err != nil {
			return err
		}
	}
	if !found {
		return violation().WithDetail("Key (%s)=(%s) is not present in table %q.", keyColumns(ft, fk.Keys),
			keyValues(ft, fk.Keys, vals), pt.Rel.Name)
	}
	return nil
}

// findKey reports whether table t has a row visible to snap whose columns
// cols equal key (values of those columns' types), looking it up in
// index ix and locking it as FOR KEY SHARE would.
func (r *riRun) findKey(t *plan.ConstrainedTable, ix *plan.IndexTarget, cols []int, key []types.Datum, snap *mvcc.Snapshot) (bool, error) {
	match := func(vals []types.Datum) bool {
		for i, c := range cols {
			if vals[c] == nil || !types.Equal(t.Cols[c].T, vals[c], key[i]) {
				return false
			}
		}
		return true
	}
	tids, err := indexLookup(t, ix, cols, key)
	if err != nil {
		return false, err
	}
	for _, tid := range tids {
		ok, err := r.lockKeyShare(t, tid, snap, match)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// indexLookup returns the heap TIDs of the entries of ix whose leading
// columns equal key (key[i] is the value of table column cols[i]).
func indexLookup(t *plan.ConstrainedTable, ix *plan.IndexTarget, cols []int, key []types.Datum) ([]base.ItemPointer, error) {
	if ix == nil || len(ix.Cols) < len(cols) {
		return nil, pgerr.New(pgerr.InternalError, "no index to look up a key of table %q", t.Rel.Name)
	}
	bound := make([][]byte, len(cols))
	for i := range cols {
		c := ix.Cols[i]
		j := indexOf(cols, c)
		if j < 0 {
			return nil, pgerr.New(pgerr.InternalError, "index %q does not lead with the key columns", ix.Name)
		}
		b := types.Encode(t.Cols[c].T, key[j])
		if b == nil {
			b = []byte{}
		}
		bound[i] = b
	}
	sc, err := ix.Index.NewScan(btree.ScanOptions{Lower: &btree.Bound{Vals: bound, Inclusive: true}, Upper: &btree.Bound{Vals: bound, Inclusive: true}})
	if err != nil {
		return nil, err
	}
	var tids []base.ItemPointer
	for e := sc.Next(); e != nil; e = sc.Next() {
		tids = append(tids, e.TID)
	}
	return tids, sc.Err()
}

func indexOf(list []int, v int) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}

// xmaxState is what the xmax of a row version says.
type xmaxState uint8

const (
	xmaxNone      xmaxState = iota // not deleted (or only locked, or by an aborted transaction)
	xmaxOwn                        // deleted or updated by this transaction
	xmaxRunning                    // by a transaction still running
	xmaxCommitted                  // by a committed transaction
)

func (r *riRun) xmax(h *mvcc.TupleHeader) (xmaxState, error) {
	if !h.Xmax.IsValid() || h.Infomask&mvcc.HeapXmaxInvalid != 0 || mvcc.XmaxIsLockedOnly(h.Infomask) {
		return xmaxNone, nil
	}
	if h.Xmax == r.ec.Xact.XID() {
		return xmaxOwn, nil
	}
	if h.Infomask&mvcc.HeapXmaxCommitted != 0 {
		return xmaxCommitted, nil
	}
	if r.ec.Xacts.IsRunning(h.Xmax) {
		return xmaxRunning, nil
	}
	st, err := r.ec.Xacts.Status(h.Xmax)
	if err != nil {
		return xmaxNone, err
	}
	if st == clog.StatusCommitted {
		return xmaxCommitted, nil
	}
	return xmaxNone, nil
}

// lockKeyShare reports whether the row version at tid, visible to snap,
// still holds a key that match accepts, acting as heap_lock_tuple with
// LockTupleKeyShare and ExecLockRows: a row being deleted, or updated
// with a new key, by a running transaction is waited for; an update that
// keeps the key does not conflict (its newer versions are followed); a
// row deleted or re-keyed by a committed transaction is gone (READ
// COMMITTED) or a serialization failure (REPEATABLE READ). No lock is
// recorded (see the top of this file).
func (r *riRun) lockKeyShare(t *plan.ConstrainedTable, tid base.ItemPointer, snap *mvcc.Snapshot, match func([]types.Datum) bool) (bool, error) {
	ec := r.ec
	tup, vis, err := ec.Heap.Fetch(t.Rel.Node, snap, tid)
	if err != nil || !vis {
		return false, err
	}
	for {
		vals, err := DecodeRow(t.Cols, tup.Payload)
		if err != nil {
			return false, err
		}
		if !match(vals) {
			return false, nil
		}
		st, err := r.xmax(&tup.Header)
		if err != nil {
			return false, err
		}
		if st == xmaxNone {
			return true, nil
		}
		updated := tup.Header.Ctid != tup.Header.Self
		if updated {
			newer, err := ec.Heap.FetchLatest(t.Rel.Node, tup.Header.Ctid)
			if err != nil {
				return false, err
			}
			var nvals []types.Datum
			if newer != nil {
				if nvals, err = DecodeRow(t.Cols, newer.Payload); err != nil {
					return false, err
				}
			}
			if newer != nil && match(nvals) {
				// The update kept the key: KEY SHARE does not conflict
				// with it; the newer version decides.
				if st == xmaxRunning {
					return true, nil
				}
				tup = newer
				continue
			}
		}
		switch st {
		case xmaxRunning:
			if err := ec.Xacts.Wait(ec.Ctx, tup.Header.Xmax); err != nil {
				return false, err
			}
			if tup, err = ec.Heap.FetchLatest(t.Rel.Node, tup.Header.Self); err != nil || tup == nil {
				return false, err
			}
			continue
		case xmaxCommitted:
			if ec.SerializableConflicts {
				return false, pgerr.New(pgerr.SerializationFailure, "could not serialize access due to concurrent update")
			}
		}
		return false, nil // deleted, or its key changed
	}
}

// riRow is a referencing row found by referencing.
type riRow struct {
	tid  base.ItemPointer
	vals []types.Datum
}

// referencesKey returns a test of whether a row of fk.Table references
// the key of the referenced row pk (under the referenced columns'
// equality, as the pk = fk operators compare).
func (r *riRun) referencesKey(fk *plan.ForeignKey, pk []types.Datum) func([]types.Datum) bool {
	return func(vals []types.Datum) bool {
		for i, k := range fk.Keys {
			pc := fk.RefTable.Cols[fk.RefKeys[i]]
			if vals[k] == nil {
				return false
			}
			v, err := types.Cast(vals[k], fk.Table.Cols[k].T, fk.Table.Cols[k].Mod, pc.T, -1, false)
			if err != nil || !types.Equal(pc.T, v, pk[fk.RefKeys[i]]) {
				return false
			}
		}
		return true
	}
}

// referencing returns the rows of fk.Table visible to snap that reference
// the key of the referenced row pk: through fk.KeyIndex, or by scanning
// the table.
func (r *riRun) referencing(fk *plan.ForeignKey, pk []types.Datum, snap *mvcc.Snapshot) ([]riRow, error) {
	ec, ft := r.ec, fk.Table
	match := r.referencesKey(fk, pk)
	var out []riRow
	if fk.KeyIndex != nil {
		key := make([]types.Datum, len(fk.Keys))
		for i := range fk.Keys {
			key[i] = pk[fk.RefKeys[i]] // the same types (KeyIndex requires it)
		}
		tids, err := indexLookup(ft, fk.KeyIndex, fk.Keys, key)
		if err != nil {
			return nil, err
		}
		for _, tid := range tids {
			t, vis, err := ec.Heap.Fetch(ft.Rel.Node, snap, tid)
			if err != nil {
				return nil, err
			}
			if !vis {
				continue
			}
			vals, err := DecodeRow(ft.Cols, t.Payload)
			if err != nil {
				return nil, err
			}
			if match(vals) {
				out = append(out, riRow{tid, vals})
			}
		}
		return out, nil
	}
	sc, err := ec.Heap.NewScan(ft.Rel.Node, snap)
	if err != nil {
		return nil, err
	}
	for n := 1; ; n++ {
		if n%1024 == 0 {
			if err := checkCancel(ec); err != nil {
				return nil, err
			}
		}
		t := sc.Next()
		if t == nil {
			break
		}
		vals, err := DecodeRow(ft.Cols, t.Payload)
		if err != nil {
			return nil, err
		}
		if match(vals) {
			out = append(out, riRow{t.Header.Self, vals})
		}
	}
	return out, sc.Err()
}

// act runs a CASCADE, SET NULL or SET DEFAULT action on the rows
// referencing ev.old (RI_FKey_cascade_del, RI_FKey_cascade_upd, ri_set)
// and returns the events its changes queued.
func (r *riRun) act(ev *riEvent, action byte) ([]riEvent, error) {
	ec, fk := r.ec, ev.fk
	ft := fk.Table
	rows, err := r.referencing(fk, ev.old, r.latest())
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	var cross *mvcc.Snapshot
	if ec.SerializableConflicts {
		cross = r.xactSnap()
	}
	sub := &modifyTable{ec: ec, p: &plan.ModifyTable{Rel: ft.Rel, Cols: ft.Cols, Indexes: ft.Indexes,
		Constraints: &plan.Constraints{Table: ft}}}
	match := r.referencesKey(fk, ev.old)
	set := func(old []types.Datum) ([]types.Datum, error) {
		vals := append([]types.Datum(nil), old...)
		for i, k := range fk.Keys {
			switch action {
			case catalog.FKCascade:
				pc := fk.RefTable.Cols[fk.RefKeys[i]]
				v, err := types.Cast(ev.new[fk.RefKeys[i]], pc.T, pc.Mod, ft.Cols[k].T, ft.Cols[k].Mod, false)
				if err != nil {
					return nil, err
				}
				vals[k] = v
			case catalog.FKSetNull:
				vals[k] = nil
			case catalog.FKSetDefault:
				vals[k] = nil
				if k < len(ft.Defaults) && ft.Defaults[k] != nil {
					v, err := ec.Eval(ft.Defaults[k], nil)
					if err != nil {
						return nil, err
					}
					vals[k] = v
				}
			}
		}
		return vals, nil
	}
	for _, row := range rows {
		if cross != nil {
			// The crosscheck snapshot: a row the transaction cannot see
			// was changed concurrently.
			if _, vis, err := ec.Heap.Fetch(ft.Rel.Node, cross, row.tid); err != nil {
				return nil, err
			} else if !vis {
				return nil, pgerr.New(pgerr.SerializationFailure, "could not serialize access due to concurrent update")
			}
		}
		if ev.kind == riPKDelete && action == catalog.FKCascade {
			err = sub.riDelete(row.tid, row.vals, match)
		} else {
			err = sub.riUpdate(row.tid, row.vals, match, set)
		}
		if err != nil {
			return nil, err
		}
	}
	r.dirty = true
	return sub.con.events, nil
}

// riDelete deletes a referencing row for ON DELETE CASCADE, following a
// concurrent update to the newer version when it still references the
// key (EvalPlanQual).
func (m *modifyTable) riDelete(tid base.ItemPointer, vals []types.Datum, match func([]types.Datum) bool) error {
	ec := m.ec
	for {
		res, link, err := ec.Heap.Delete(ec.Ctx, m.p.Rel.Node, ec.Xact, tid)
		if err != nil {
			return err
		}
		if res == mvcc.TMOk {
			m.stats().Deleted++
			m.afterDelete(vals)
			return nil
		}
		next, nvals, ok, err := m.riConflict(res, link, match)
		if err != nil || !ok {
			return err
		}
		tid, vals = next, nvals
	}
}

// riUpdate updates a referencing row for a CASCADE, SET NULL or SET
// DEFAULT action: set computes the new version, which must pass NOT NULL
// and CHECK; its index entries are added and its own events queued.
func (m *modifyTable) riUpdate(tid base.ItemPointer, vals []types.Datum, match func([]types.Datum) bool,
	set func([]types.Datum) ([]types.Datum, error)) error {
	ec := m.ec
	if m.p.Indexes == nil {
		return pgerr.New(pgerr.InternalError, "the indexes of table %q were not loaded for a foreign key action", m.p.Rel.Name)
	}
	for {
		newVals, err := set(vals)
		if err != nil {
			return err
		}
		if err := m.checkNotNull(newVals); err != nil {
			return err
		}
		if err := m.checkConstraints(newVals); err != nil {
			return err
		}
		res, link, err := ec.Heap.Update(ec.Ctx, m.p.Rel.Node, ec.Xact, tid, EncodeRow(m.p.Cols, newVals))
		if err != nil {
			return err
		}
		if res == mvcc.TMOk {
			m.stats().Updated++
			if err := m.insertIndexes(newVals, link); err != nil {
				return err
			}
			m.afterUpdate(vals, link, newVals)
			return nil
		}
		next, nvals, ok, err := m.riConflict(res, link, match)
		if err != nil || !ok {
			return err
		}
		tid, vals = next, nvals
	}
}

// riConflict decides what an action does after heap.Delete/Update
// reported res: a row this command already changed is skipped; a row a
// committed transaction changed is a serialization failure (REPEATABLE
// READ) or, when updated, re-checked in its newest version (READ
// COMMITTED).
func (m *modifyTable) riConflict(res mvcc.TMResult, link base.ItemPointer, match func([]types.Datum) bool) (base.ItemPointer, []types.Datum, bool, error) {
	switch res {
	case mvcc.TMUpdated, mvcc.TMDeleted:
		if m.ec.SerializableConflicts {
			what := "delete"
			if res == mvcc.TMUpdated {
				what = "update"
			}
			return link, nil, false, pgerr.New(pgerr.SerializationFailure, "could not serialize access due to concurrent %s", what)
		}
		if res == mvcc.TMDeleted {
			return link, nil, false, nil
		}
		t, err := m.ec.Heap.FetchLatest(m.p.Rel.Node, link)
		if err != nil || t == nil {
			return link, nil, false, err
		}
		nvals, err := DecodeRow(m.p.Cols, t.Payload)
		if err != nil || !match(nvals) {
			return link, nil, false, err
		}
		return link, nvals, true, nil
	}
	return link, nil, false, nil // TMSelfModified, TMInvisible: nothing to do
}

func keyColumns(t *plan.ConstrainedTable, keys []int) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = t.Cols[k].Name
	}
	return strings.Join(names, ", ")
}

func keyValues(t *plan.ConstrainedTable, keys []int, vals []types.Datum) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		if vals[k] == nil {
			out[i] = "null"
		} else {
			out[i] = types.Format(t.Cols[k].T, vals[k])
		}
	}
	return strings.Join(out, ", ")
}
