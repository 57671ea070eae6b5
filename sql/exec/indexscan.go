package exec

import (
	"slices"

	"github.com/tuskdb/tusk/access/btree"
	"github.com/tuskdb/tusk/access/heap"
	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/internal/pgstat"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// Index scans (X24-X26): IndexScan, IndexOnlyScan and the TID source of
// BitmapIndexScan share indexCursor, which evaluates the scan keys,
// positions a B-tree scan between the bounds they imply and filters the
// entries on the keys the bounds do not settle.

// ParamRescanner is an iterator that re-evaluates the outer-row
// references of its expressions (ScanKey args, Memoize keys) when
// restarted, so a LATERAL NestLoop restarts it per outer row instead of
// building it again (X7, X26).
type ParamRescanner interface {
	Iter
	RescanParams() error
}

// RescanParams restarts the wrapped iterator with new outer values.
func (w *instrumented) RescanParams() error {
	rs, ok := w.it.(ParamRescanner)
	if !ok {
		return pgerr.New(pgerr.InternalError, "plan node cannot be rescanned with parameters")
	}
	w.st.Loops++
	w.first = true
	return rs.RescanParams()
}

func canRescanParams(it Iter) bool {
	if w, ok := it.(*instrumented); ok {
		it = w.it
	}
	switch x := it.(type) {
	case *filter:
		return canRescanParams(x.child)
	case *projection:
		return canRescanParams(x.child)
	}
	_, ok := it.(ParamRescanner)
	return ok
}

// RescanParams restarts a filter over a parameterized child.
func (f *filter) RescanParams() error { return rescanParams(f.child) }

// RescanParams restarts a projection over a parameterized child.
func (p *projection) RescanParams() error { return rescanParams(p.child) }

func rescanParams(it Iter) error {
	if rs, ok := it.(ParamRescanner); ok {
		return rs.RescanParams()
	}
	return pgerr.New(pgerr.InternalError, "plan node %T cannot be rescanned with parameters", it)
}

// openIndex returns the B-tree of an index reference.
func (ec *Context) openIndex(ref *plan.IndexRef) (*btree.Index, error) {
	if ref == nil {
		return nil, pgerr.New(pgerr.InternalError, "index scan without an index")
	}
	if ref.Tree != nil {
		return ref.Tree, nil
	}
	open := ec.OpenIndex
	if open == nil && ec.IndexOpener != nil {
		open = ec.IndexOpener.OpenIndex
	}
	if open == nil {
		return nil, pgerr.New(pgerr.InternalError, "index %q is not open", relName(ref))
	}
	t, err := open(ref)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func relName(ref *plan.IndexRef) string {
	if ref.Rel != nil {
		return ref.Rel.Name
	}
	return "?"
}

// indexColTypes returns the types of an index's columns (key and INCLUDE)
// from the index relation's attributes.
func indexColTypes(ref *plan.IndexRef, n int, tableCols []analyze.Column, buf []*types.T) ([]*types.T, error) {
	var out []*types.T
	if n <= len(buf) {
		out = buf[:n:n]
	} else {
		out = make([]*types.T, n)
	}
	for i := range out {
		if (ref.Rel == nil || i >= len(ref.Rel.Attrs)) && ref.Info != nil && i < len(ref.Info.Keys) {
			// No index attributes: a plain column's type is its table column's.
			if k := int(ref.Info.Keys[i]); k > 0 && k <= len(tableCols) {
				out[i] = tableCols[k-1].T
				continue
			}
		}
		if ref.Rel == nil || i >= len(ref.Rel.Attrs) {
			return nil, pgerr.New(pgerr.InternalError, "index %q has no attribute %d", relName(ref), i+1)
		}
		t, ok := types.ByOID(ref.Rel.Attrs[i].Type)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "index %q: unknown type %d", relName(ref), ref.Rel.Attrs[i].Type)
		}
		out[i] = t
	}
	return out, nil
}

// evalKey is a scan key with its argument evaluated.
type evalKey struct {
	col  int
	op   plan.ScanKeyOp
	arg  types.Datum
	argT *types.T
	// cross is the cross-type comparison operator (column type, arg
	// type), nil when the arg has the column's type.
	cross *types.Operator
	// castCol: no such operator; the column value is cast to the arg's
	// type and compared there (an int column with a numeric arg).
	castCol bool
	// elems are an array key's distinct non-NULL elements in index
	// order; arg is the one the current primitive scan uses.
	elems []types.Datum
	isArr bool
	// filterOnly: an array key on a column after the equality prefix: a
	// membership test on each entry, so the scan stays in index order.
	filterOnly bool
	// settled: the bounds already hold every entry the scan reads to
	// this key (an equality of the column's own type on the equality
	// prefix, which both bounds carry), so match need not test it.
	settled bool
}

var keyOpNames = map[plan.ScanKeyOp]string{plan.KeyLT: "<", plan.KeyLE: "<=", plan.KeyEQ: "=", plan.KeyGE: ">=", plan.KeyGT: ">"}

// indexCursor walks the entries of one index that satisfy its scan keys.
type indexCursor struct {
	ec       *Context
	ref      *plan.IndexRef
	tree     *btree.Index
	keys     []plan.ScanKey
	backward bool
	colT     []*types.T // types of the index columns
	desc     btree.Desc

	ek    []evalKey
	ekBuf [2]evalKey     // ek's first backing array
	vbuf  [4]types.Datum // vals' backing array for small indexes
	tbuf  [4]*types.T    // colT's backing array for small indexes
	sc    *btree.Scan
	scBuf btree.Scan // sc's memory: each open starts the scan in it again
	empty bool       // the keys can match nothing
	vals  []types.Datum
	arrs  []int       // indexes in ek of array keys
	combo []int       // current element of each array key
	st    *pgstat.Rel // the index's idx_scan, idx_tup_read, idx_tup_fetch (XP1)

	// needVals: every entry's values are decoded into vals (an index-only
	// scan builds its rows from them); otherwise match decodes only the
	// columns of the keys the bounds do not settle.
	needVals bool
	// The scan bounds' storage (bounds): the B-tree scan made from them is
	// dropped before they are made again.
	bnd  [2]btree.Bound
	pbuf [4][]byte // the equality prefix
	lbuf [5][]byte // the lower bound's values when it extends the prefix
	ubuf [5][]byte // the upper bound's values when it extends the prefix
	kbuf [48]byte  // the encoded bound values
}

func newIndexCursor(ec *Context, ref *plan.IndexRef, keys []plan.ScanKey, backward bool, tableCols []analyze.Column) (*indexCursor, error) {
	c := &indexCursor{}
	if err := c.init(ec, ref, keys, backward, tableCols); err != nil {
		return nil, err
	}
	return c, nil
}

// init sets up a zero cursor (newIndexCursor, or one inside its node).
func (c *indexCursor) init(ec *Context, ref *plan.IndexRef, keys []plan.ScanKey, backward bool, tableCols []analyze.Column) error {
	tree, err := ec.openIndex(ref)
	if err != nil {
		return err
	}
	d := tree.Desc()
	c.ec, c.ref, c.tree, c.keys, c.backward, c.desc = ec, ref, tree, keys, backward, d
	colT, err := indexColTypes(ref, len(d.Keys)+d.NInclude, tableCols, c.tbuf[:])
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.Col < 0 || k.Col >= len(d.Keys) {
			return pgerr.New(pgerr.InternalError, "scan key on column %d of index %q with %d key columns", k.Col, d.Name, len(d.Keys))
		}
	}
	c.colT = colT
	if len(colT) <= len(c.vbuf) {
		c.vals = c.vbuf[:len(colT):len(colT)]
	} else {
		c.vals = make([]types.Datum, len(colT))
	}
	c.ek = c.ekBuf[:0]
	if ref.Rel != nil {
		c.st = ec.RelStats(ref.Rel.OID)
	} else {
		c.st = new(pgstat.Rel)
	}
	return nil
}

// start evaluates the keys and positions a new B-tree scan (btrescan +
// _bt_first's preprocessing).
func (c *indexCursor) start() error {
	c.sc, c.empty = nil, false
	c.ek, c.arrs, c.combo = c.ek[:0], c.arrs[:0], c.combo[:0]
	for _, k := range c.keys {
		e := evalKey{col: k.Col, op: k.Op, argT: k.ArgType}
		if k.Op != plan.KeyIsNull && k.Op != plan.KeyIsNotNull {
			v, err := c.ec.Eval(k.Arg, nil)
			if err != nil {
				return err
			}
			if v == nil {
				c.empty = true // a strict comparison with NULL matches nothing
				return nil
			}
			e.arg = v
			if e.argT == nil && k.Arg != nil {
				e.argT = k.Arg.Type()
			}
			if k.Array {
				if k.Op != plan.KeyEQ {
					return pgerr.New(pgerr.FeatureNotSupported, "index scan keys with ANY support only =")
				}
				a, ok := v.(*types.Array)
				if !ok {
					return pgerr.New(pgerr.InternalError, "index scan array key is a %T", v)
				}
				if e.argT != nil && e.argT.Elem != nil {
					e.argT = e.argT.Elem
				}
				if e.argT == nil {
					e.argT = a.Elem
				}
				e.isArr = true
				for _, el := range a.Elems {
					if el != nil {
						e.elems = append(e.elems, el)
					}
				}
				if len(e.elems) == 0 {
					c.empty = true // = ANY of no non-NULL element matches nothing
					return nil
				}
				e.arg = e.elems[0]
			}
			if e.argT == nil {
				e.argT = c.colT[k.Col]
			}
			if e.argT != c.colT[k.Col] {
				o, ok := types.LookupOperator(keyOpNames[k.Op], c.colT[k.Col], e.argT)
				switch {
				case ok:
					e.cross = o
				case types.CastAllowed(c.colT[k.Col], e.argT, 'i'):
					e.castCol = true
				default:
					return pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", c.colT[k.Col], keyOpNames[k.Op], e.argT)
				}
			}
		}
		if e.isArr {
			c.sortElems(&e)
		}
		c.ek = append(c.ek, e)
	}
	// Array keys inside the equality prefix are iterated (one primitive
	// scan per element); the others only filter.
	var eqBuf [8]bool
	eqCol := eqBuf[:0]
	if len(c.desc.Keys) <= len(eqBuf) {
		eqCol = eqBuf[:len(c.desc.Keys)]
	} else {
		eqCol = make([]bool, len(c.desc.Keys))
	}
	for i := range c.ek {
		if k := &c.ek[i]; k.op == plan.KeyEQ || k.op == plan.KeyIsNull {
			eqCol[k.col] = true
		}
	}
	prefix := 0
	for prefix < len(eqCol) && eqCol[prefix] {
		prefix++
	}
	for i := range c.ek {
		if k := &c.ek[i]; k.isArr {
			if k.col < prefix {
				c.arrs = append(c.arrs, i)
				c.combo = append(c.combo, 0)
			} else {
				k.filterOnly = true
			}
		}
	}
	if c.backward { // the last combination first
		for i, a := range c.arrs {
			c.combo[i] = len(c.ek[a].elems) - 1
		}
	}
	return c.open()
}

// sortElems orders an array key's elements as the index orders their
// column (reversed for DESC) and drops duplicates.
func (c *indexCursor) sortElems(e *evalKey) {
	t := e.argT
	desc := c.desc.Keys[e.col].Desc
	slices.SortStableFunc(e.elems, func(a, b types.Datum) int {
		r := types.Compare(t, a, b)
		if desc {
			r = -r
		}
		return r
	})
	out := e.elems[:1]
	for _, el := range e.elems[1:] {
		if types.Compare(t, out[len(out)-1], el) != 0 {
			out = append(out, el)
		}
	}
	e.elems = out
}

// open starts the B-tree scan of the current combination of array
// elements (all of the keys when there is no array key); a combination
// that can match nothing moves on to the next.
func (c *indexCursor) open() error {
	for {
		for i, a := range c.arrs {
			c.ek[a].arg = c.ek[a].elems[c.combo[i]]
		}
		lower, upper, empty, err := c.bounds()
		if err != nil {
			return err
		}
		if !empty {
			c.st.NumScans++ // pgstat_count_index_scan in _bt_first, once the keys can match
			// The entries of the last scan were consumed (next copies
			// what it keeps): its memory starts the new one.
			c.sc = &c.scBuf
			return c.tree.InitScan(c.sc, btree.ScanOptions{Lower: lower, Upper: upper, Backward: c.backward, Usage: c.ec.BufUsage})
		}
		if !c.advance() {
			c.empty = true
			return nil
		}
	}
}

// advance moves to the next combination of array elements, in index
// order (backward: reverse order); false when there is none.
func (c *indexCursor) advance() bool {
	for i := len(c.arrs) - 1; i >= 0; i-- {
		n := len(c.ek[c.arrs[i]].elems)
		if !c.backward {
			if c.combo[i]+1 < n {
				c.combo[i]++
				return true
			}
			c.combo[i] = 0
		} else {
			if c.combo[i] > 0 {
				c.combo[i]--
				return true
			}
			c.combo[i] = n - 1
		}
	}
	return false
}

// asColumn converts a key's argument to the column's type: exact tells
// whether the value is the same (so it can bound the scan exactly); an
// inexact conversion is the nearest value of the column type, good for an
// inclusive bound that the entry filter then refines.
func (c *indexCursor) asColumn(k *evalKey) (types.Datum, bool, bool) {
	colT := c.colT[k.col]
	if k.cross == nil && !k.castCol {
		return k.arg, true, true
	}
	v, err := types.Cast(k.arg, k.argT, -1, colT, -1, true)
	if err != nil || v == nil {
		return nil, false, false
	}
	back, err := types.Cast(v, colT, -1, k.argT, -1, true)
	if err != nil || back == nil {
		return v, false, true
	}
	return v, types.Compare(k.argT, back, k.arg) == 0, true
}

// colBound is one end of the range of values of a column, in value order.
type colBound struct {
	set  bool
	val  types.Datum
	incl bool
}

// bounds derives B-tree scan bounds from the keys: equality (or IS NULL)
// on a prefix of the key columns, then the range of the next column. Keys
// the bounds do not express are checked on each entry (match).
func (c *indexCursor) bounds() (lower, upper *btree.Bound, empty bool, err error) {
	prefix := c.pbuf[:0]
	kb := c.kbuf[:0]
	for i := range c.ek {
		c.ek[i].settled = false
	}
	for col := 0; col < len(c.desc.Keys); col++ {
		t := c.colT[col]
		var eqv types.Datum // the equality value, when eq
		eq := false
		isNull, notNull := false, false
		var lo, hi colBound
		found := false
		for i := range c.ek {
			k := &c.ek[i]
			if k.col != col {
				continue
			}
			found = true
			switch k.op {
			case plan.KeyIsNull:
				isNull = true
				continue
			case plan.KeyIsNotNull:
				notNull = true
				continue
			}
			notNull = true
			if k.filterOnly {
				continue
			}
			v, exact, ok := c.asColumn(k)
			switch k.op {
			case plan.KeyEQ:
				if !exact {
					return nil, nil, true, nil
				}
				if eq && types.Compare(t, eqv, v) != 0 {
					return nil, nil, true, nil
				}
				eqv, eq = v, true
			case plan.KeyGT, plan.KeyGE:
				if !ok {
					continue // out of the column's range: filter only
				}
				b := colBound{set: true, val: v, incl: k.op == plan.KeyGE || !exact}
				if !lo.set || tighter(t, b, lo, 1) {
					lo = b
				}
			case plan.KeyLT, plan.KeyLE:
				if !ok {
					continue
				}
				b := colBound{set: true, val: v, incl: k.op == plan.KeyLE || !exact}
				if !hi.set || tighter(t, b, hi, -1) {
					hi = b
				}
			}
		}
		if isNull && notNull {
			return nil, nil, true, nil
		}
		enc := func(v types.Datum) []byte {
			n := len(kb)
			kb = types.AppendEncode(kb, t, v)
			return kb[n:len(kb):len(kb)] // never nil: an empty value is not NULL
		}
		switch {
		case isNull:
			prefix = append(prefix, nil)
			continue
		case eq:
			if lo.set {
				if cmp := types.Compare(t, eqv, lo.val); cmp < 0 || (cmp == 0 && !lo.incl) {
					return nil, nil, true, nil
				}
			}
			if hi.set {
				if cmp := types.Compare(t, eqv, hi.val); cmp > 0 || (cmp == 0 && !hi.incl) {
					return nil, nil, true, nil
				}
			}
			prefix = append(prefix, enc(eqv))
			for i := range c.ek {
				if k := &c.ek[i]; k.col == col && k.op == plan.KeyEQ && !k.isArr && !k.filterOnly && k.cross == nil && !k.castCol {
					k.settled = true
				}
			}
			continue
		}
		// The range column ends the bounds.
		kc := c.desc.Keys[col]
		first, last := lo, hi // in index order
		if kc.Desc {
			first, last = hi, lo
		}
		// Each bound in its own storage (c.bnd, c.lbuf/c.ubuf), the
		// prefix shared.
		mk := func(dst *btree.Bound, vbuf [][]byte, b colBound) *btree.Bound {
			*dst = btree.Bound{Vals: append(append(vbuf[:0:len(vbuf)], prefix...), enc(b.val)), Inclusive: b.incl}
			return dst
		}
		nullExcl := func(dst *btree.Bound, vbuf [][]byte) *btree.Bound {
			*dst = btree.Bound{Vals: append(append(vbuf[:0:len(vbuf)], prefix...), nil), Inclusive: false}
			return dst
		}
		prefixBound := func(dst *btree.Bound) *btree.Bound {
			if len(prefix) == 0 {
				return nil
			}
			*dst = btree.Bound{Vals: prefix, Inclusive: true}
			return dst
		}
		if first.set {
			lower = mk(&c.bnd[0], c.lbuf[:], first)
		} else if notNull && found && kc.NullsFirst {
			lower = nullExcl(&c.bnd[0], c.lbuf[:])
		} else {
			lower = prefixBound(&c.bnd[0])
		}
		if last.set {
			upper = mk(&c.bnd[1], c.ubuf[:], last)
		} else if notNull && found && !kc.NullsFirst {
			upper = nullExcl(&c.bnd[1], c.ubuf[:])
		} else {
			upper = prefixBound(&c.bnd[1])
		}
		if lo.set && hi.set {
			if cmp := types.Compare(t, lo.val, hi.val); cmp > 0 || (cmp == 0 && !(lo.incl && hi.incl)) {
				return nil, nil, true, nil
			}
		}
		return lower, upper, false, nil
	}
	if len(prefix) == 0 {
		return nil, nil, false, nil
	}
	b := &c.bnd[0]
	*b = btree.Bound{Vals: prefix, Inclusive: true} // the scan only reads its bounds
	return b, b, false, nil
}

// tighter reports whether bound a restricts more than b; dir is 1 for
// lower bounds, -1 for upper bounds.
func tighter(t *types.T, a, b colBound, dir int) bool {
	cmp := types.Compare(t, a.val, b.val) * dir
	return cmp > 0 || (cmp == 0 && !a.incl && b.incl)
}

// next returns the next entry satisfying every key, with its decoded
// column values (c.vals, valid until the next call), or nil at the end.
func (c *indexCursor) next() (*btree.Entry, error) {
	if c.empty || c.sc == nil {
		return nil, nil
	}
	for {
		e := c.sc.Next()
		if e == nil {
			if err := c.sc.Err(); err != nil || len(c.arrs) == 0 {
				return nil, err
			}
			// The next array element (_bt_advance_array_keys).
			c.sc = nil
			if !c.advance() {
				c.empty = true
				return nil, nil
			}
			if err := c.open(); err != nil || c.empty {
				return nil, err
			}
			continue
		}
		if err := c.ec.tick(); err != nil {
			return nil, err
		}
		ok, err := c.match(e)
		if err != nil {
			return nil, err
		}
		if ok {
			c.st.TuplesReturned++ // idx_tup_read
			return e, nil
		}
	}
}

// decode fills c.vals from an entry.
func (c *indexCursor) decode(e *btree.Entry) error {
	for i := range c.vals {
		if err := c.decodeCol(e, i); err != nil {
			return err
		}
	}
	return nil
}

// decodeCol fills c.vals[i] from an entry.
func (c *indexCursor) decodeCol(e *btree.Entry, i int) error {
	c.vals[i] = nil
	if i < len(e.Vals) && e.Vals[i] != nil {
		v, err := c.ec.arena().Decode(c.colT[i], e.Vals[i])
		if err != nil {
			return err
		}
		c.vals[i] = v
	}
	return nil
}

// match checks every key the bounds do not settle against an entry. The
// values of an entry are decoded whole with needVals, else only the
// columns such keys test.
func (c *indexCursor) match(e *btree.Entry) (bool, error) {
	if c.needVals {
		if err := c.decode(e); err != nil {
			return false, err
		}
	}
	var decoded uint64 // columns < 64 decoded for this entry
	for i := range c.ek {
		k := &c.ek[i]
		if k.settled {
			continue
		}
		if !c.needVals {
			if bit := uint64(1) << uint(k.col); k.col >= 64 || decoded&bit == 0 {
				if err := c.decodeCol(e, k.col); err != nil {
					return false, err
				}
				if k.col < 64 {
					decoded |= bit
				}
			}
		}
		v := c.vals[k.col]
		switch k.op {
		case plan.KeyIsNull:
			if v != nil {
				return false, nil
			}
			continue
		case plan.KeyIsNotNull:
			if v == nil {
				return false, nil
			}
			continue
		}
		if v == nil {
			return false, nil
		}
		if k.filterOnly {
			in := false
			for _, el := range k.elems {
				ok, err := c.compareKey(k, v, el)
				if err != nil {
					return false, err
				}
				if ok {
					in = true
					break
				}
			}
			if !in {
				return false, nil
			}
			continue
		}
		ok, err := c.compareKey(k, v, k.arg)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// compareKey applies a key's operator to an index value and an argument.
func (c *indexCursor) compareKey(k *evalKey, v, arg types.Datum) (bool, error) {
	if k.cross != nil {
		r, err := k.cross.Fn(v, arg)
		return r == true, err
	}
	var cmp int
	if k.castCol {
		cv, err := types.Cast(v, c.colT[k.col], -1, k.argT, -1, false)
		if err != nil {
			return false, err
		}
		cmp = types.Compare(k.argT, cv, arg)
	} else {
		cmp = types.Compare(c.colT[k.col], v, arg)
	}
	switch k.op {
	case plan.KeyLT:
		return cmp < 0, nil
	case plan.KeyLE:
		return cmp <= 0, nil
	case plan.KeyEQ:
		return cmp == 0, nil
	case plan.KeyGE:
		return cmp >= 0, nil
	case plan.KeyGT:
		return cmp > 0, nil
	}
	return false, nil
}

// indexScan mirrors nodeIndexscan: heap tuples in index order.
type indexScan struct {
	ec      *Context
	p       *plan.IndexScan
	cur     *indexCursor // &curv
	stats   *Stats
	started bool
	raw     [][]byte    // decodeColsInto's scratch
	dec     scanDecoder // rows of the unprojected path, from slabs (X31)
	tup     heap.Tuple  // the tuple fetched last: its payload array is reused
	// proj, when set, are the columns a Projection of plain columns over
	// this scan outputs (buildProjectedIndexScan): only they are decoded,
	// straight into the output row.
	proj    []int
	projBuf [maxFusedCols]int
	// lend: every row is brow, made again by each Next (LendRows).
	lend   bool
	brow   Row
	bvals  [maxFusedCols]types.Datum
	curv   indexCursor
	rawBuf [8][]byte
	payBuf [64]byte // tup.Payload's first array
}

func (ec *Context) buildIndexScan(p *plan.IndexScan) (Iter, error) {
	s := &indexScan{}
	if err := s.init(ec, p); err != nil {
		return nil, err
	}
	return s, nil
}

// init sets up a zero indexScan.
func (s *indexScan) init(ec *Context, p *plan.IndexScan) error {
	s.ec, s.p = ec, p
	if err := s.curv.init(ec, p.Index, p.Keys, p.Backward, p.Cols); err != nil {
		return err
	}
	s.cur, s.raw, s.stats = &s.curv, s.rawBuf[:0], ec.statsFor(p)
	ec.newScanDecoder(&s.dec, p, p.Cols, p.EmitCTID)
	s.tup.Payload = s.payBuf[:0]
	return nil
}

func (s *indexScan) Next() (*Row, error) {
	if !s.started {
		s.started = true
		if err := s.cur.start(); err != nil {
			return nil, err
		}
	}
	for {
		e, err := s.cur.next()
		if err != nil || e == nil {
			return nil, err
		}
		t := &s.tup
		vis, err := s.ec.Heap.FetchInto(s.p.Rel.Node, s.ec.Snap, e.TID, s.ec.BufUsage, t, false)
		if err != nil {
			return nil, err
		}
		if !vis {
			continue
		}
		s.cur.st.TuplesFetched++ // idx_tup_fetch
		if s.proj != nil {
			var row *Row
			if s.lend {
				row = &s.brow
				row.Vals = s.bvals[:len(s.proj):len(s.proj)]
			} else {
				row = newRow(len(s.proj))
			}
			if err := decodeColsInto(row.Vals, s.proj, s.p.Cols, t.Payload, &s.raw, s.ec.arena()); err != nil {
				return nil, err
			}
			return row, nil
		}
		row, err := s.dec.decode(t.Payload)
		if err != nil {
			return nil, err
		}
		ok, err := s.ec.Qual(s.p.Qual, row.Vals[:len(s.p.Cols)])
		if err != nil {
			return nil, err
		}
		if !ok {
			s.stats.RowsRemovedByFilter++
			continue // the decoder fills the same row again (X31)
		}
		if s.p.EmitCTID {
			row.Vals[len(s.p.Cols)] = t.Header.Self
		}
		row.TID = t.Header.Self
		s.dec.keep()
		return row, nil
	}
}

// Rescan starts the scan again, re-evaluating the keys (X7).
func (s *indexScan) Rescan() error {
	s.started = false
	return nil
}

// RescanParams starts the scan again with the current outer row (X26).
func (s *indexScan) RescanParams() error { return s.Rescan() }

func (s *indexScan) Close() {}

// indexOnlyScan mirrors nodeIndexonlyscan: rows built from the index
// entries, the heap visited only for pages the visibility map does not
// mark all-visible (X25).
type indexOnlyScan struct {
	ec      *Context
	p       *plan.IndexOnlyScan
	cur     *indexCursor
	stats   *Stats
	tableOf []int // index column -> table column (-1: expression)
	started bool
	vmBlk   base.BlockNumber
	vmOK    bool
	vmValid bool
	vmUsage bufmgr.Usage // EXPLAIN BUFFERS: the map pages read
	tup     heap.Tuple   // a heap fetch's header (its payload is not read)
}

func (ec *Context) buildIndexOnlyScan(p *plan.IndexOnlyScan) (Iter, error) {
	cur, err := newIndexCursor(ec, p.Index, p.Keys, p.Backward, p.Cols)
	if err != nil {
		return nil, err
	}
	cur.needVals = true // the rows come from the entries
	s := &indexOnlyScan{ec: ec, p: p, cur: cur, stats: ec.statsFor(p)}
	for i := range cur.colT {
		col := -1
		if p.Index.Info != nil && i < len(p.Index.Info.Keys) {
			if k := int(p.Index.Info.Keys[i]); k > 0 && k <= len(p.Cols) {
				col = k - 1
			}
		}
		s.tableOf = append(s.tableOf, col)
	}
	return s, nil
}

func (s *indexOnlyScan) Next() (*Row, error) {
	if !s.started {
		s.started = true
		s.vmValid = false
		if err := s.cur.start(); err != nil {
			return nil, err
		}
	}
	for {
		e, err := s.cur.next()
		if err != nil || e == nil {
			return nil, err
		}
		allVis, err := s.allVisible(e.TID.Block)
		if err != nil {
			return nil, err
		}
		if !allVis {
			s.stats.HeapFetches++
			vis, err := s.ec.Heap.FetchInto(s.p.Rel.Node, s.ec.Snap, e.TID, s.ec.BufUsage, &s.tup, true)
			if err != nil {
				return nil, err
			}
			if !vis {
				continue
			}
			s.cur.st.TuplesFetched++ // idx_tup_fetch
		}
		vals := make([]types.Datum, len(s.p.Cols))
		for i, col := range s.tableOf {
			if col >= 0 {
				vals[col] = s.cur.vals[i]
			}
		}
		ok, err := s.ec.Qual(s.p.Qual, vals)
		if err != nil {
			return nil, err
		}
		if !ok {
			s.stats.RowsRemovedByFilter++
			continue
		}
		return &Row{Vals: vals, TID: e.TID}, nil
	}
}

// allVisible reads the visibility bit of a heap page, remembering the
// last page asked about for consecutive entries of one page.
func (s *indexOnlyScan) allVisible(blk base.BlockNumber) (bool, error) {
	if s.vmValid && s.vmBlk == blk {
		return s.vmOK, nil
	}
	var st uint8
	var err error
	if u := s.ec.BufUsage; u != nil {
		// The map page counts once while it stays the same, as
		// PostgreSQL keeps it pinned (vmbuffer): s.vmUsage remembers it
		// apart from the heap pages.
		h0, r0 := s.vmUsage.Hit, s.vmUsage.Read
		st, err = s.ec.Heap.VisibilityOfUsage(s.p.Rel.Node, blk, &s.vmUsage)
		u.Hit += s.vmUsage.Hit - h0
		u.Read += s.vmUsage.Read - r0
	} else {
		st, err = s.ec.Heap.VisibilityOf(s.p.Rel.Node, blk)
	}
	if err != nil {
		return false, err
	}
	s.vmBlk, s.vmOK, s.vmValid = blk, st&heap.VMAllVisible != 0, true
	return s.vmOK, nil
}

// Rescan starts the scan again (X7).
func (s *indexOnlyScan) Rescan() error {
	s.started = false
	return nil
}

// RescanParams starts the scan again with the current outer row (X26).
func (s *indexOnlyScan) RescanParams() error { return s.Rescan() }

func (s *indexOnlyScan) Close() {}

// scanRecheckQual is the whole condition of an index or bitmap scan over
// the table row (index conditions and filter), for EvalPlanQual's re-check
// of a concurrently updated row version under a ModifyTable.
func scanRecheckQual(n plan.Node) analyze.Expr {
	var parts []analyze.Expr
	switch s := n.(type) {
	case *plan.IndexScan:
		parts = []analyze.Expr{s.IndexQual, s.Qual}
	case *plan.BitmapHeapScan:
		parts = []analyze.Expr{s.RecheckQual, s.Qual}
	default:
		return nil
	}
	var args []analyze.Expr
	for _, p := range parts {
		if p != nil {
			args = append(args, p)
		}
	}
	switch len(args) {
	case 0:
		return nil
	case 1:
		return args[0]
	}
	return &analyze.BoolExpr{Op: analyze.And, Args: args}
}
