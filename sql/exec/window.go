package exec

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// Frame bound kinds (ast.BoundKind) and modes (analyze.WindowSpec).
const (
	boundUnboundedPreceding = iota
	boundPreceding
	boundCurrentRow
	boundFollowing
	boundUnboundedFollowing
)

const (
	frameDefault = iota
	frameRange
	frameRows
	frameGroups
)

// windowIter is the WindowAgg node (mirrors nodeWindowAgg.c, X18). Its
// input arrives sorted by PARTITION BY then ORDER BY; it reads one
// partition at a time into memory, computes every window function for
// each of its rows, and returns child row ++ function values.
type windowIter struct {
	ec    *Context
	p     *plan.WindowAgg
	child Iter
	partT []*types.T
	ordT  []*types.T
	oks   []sortKey

	pending *Row // first row of the next partition
	eof     bool
	rows    []*Row
	vals    [][]types.Datum // per function, per row
	pos     int
}

func newWindowIter(ec *Context, p *plan.WindowAgg, child Iter) *windowIter {
	w := &windowIter{ec: ec, p: p, child: child}
	if p.Spec != nil {
		w.partT = exprTypes(p.Spec.PartitionBy)
		w.ordT = sortKeyTypes(p.Spec.OrderBy)
		w.oks = sortKeysOf(p.Spec.OrderBy)
	}
	return w
}

func (w *windowIter) spec() *analyze.WindowSpec {
	if w.p.Spec == nil {
		return &analyze.WindowSpec{}
	}
	return w.p.Spec
}

func (w *windowIter) Next() (*Row, error) {
	for w.pos >= len(w.rows) {
		if w.eof && w.pending == nil {
			return nil, nil
		}
		if err := w.readPartition(); err != nil {
			return nil, err
		}
		if err := w.compute(); err != nil {
			return nil, err
		}
	}
	r := w.rows[w.pos]
	out := make([]types.Datum, len(r.Vals), len(r.Vals)+len(w.p.Funcs))
	copy(out, r.Vals)
	for f := range w.p.Funcs {
		out = append(out, w.vals[f][w.pos])
	}
	w.rows[w.pos] = nil
	w.pos++
	return &Row{Vals: out, TID: r.TID}, nil
}

func (w *windowIter) readPartition() error {
	w.rows, w.pos = w.rows[:0], 0
	var partKeys []types.Datum
	if w.pending != nil {
		w.rows = append(w.rows, w.pending)
		var err error
		if partKeys, err = w.ec.evalAll(w.spec().PartitionBy, w.pending.Vals); err != nil {
			return err
		}
		w.pending = nil
	}
	for !w.eof {
		r, err := w.child.Next()
		if err != nil {
			return err
		}
		if r == nil {
			w.eof = true
			break
		}
		if err := w.ec.tick(); err != nil {
			return err
		}
		k, err := w.ec.evalAll(w.spec().PartitionBy, r.Vals)
		if err != nil {
			return err
		}
		if len(w.rows) > 0 && !keysEqual(w.partT, partKeys, k) {
			w.pending = r
			break
		}
		partKeys = k
		w.rows = append(w.rows, r)
	}
	return nil
}

// partition describes the current partition's peer groups.
type partition struct {
	n        int
	ordKeys  [][]types.Datum
	grp      []int // peer group of each row
	grpStart []int
	grpEnd   []int // exclusive
}

func (w *windowIter) peers() (*partition, error) {
	n := len(w.rows)
	pt := &partition{n: n, ordKeys: make([][]types.Datum, n), grp: make([]int, n)}
	for i, r := range w.rows {
		k := make([]types.Datum, len(w.spec().OrderBy))
		for j, sk := range w.spec().OrderBy {
			v, err := w.ec.Eval(sk.Expr, r.Vals)
			if err != nil {
				return nil, err
			}
			k[j] = v
		}
		pt.ordKeys[i] = k
		if i == 0 || !keysEqual(w.ordT, pt.ordKeys[i-1], k) {
			if i > 0 {
				pt.grpEnd = append(pt.grpEnd, i)
			}
			pt.grpStart = append(pt.grpStart, i)
		}
		pt.grp[i] = len(pt.grpStart) - 1
	}
	if n > 0 {
		pt.grpEnd = append(pt.grpEnd, n)
	}
	return pt, nil
}

func (w *windowIter) compute() error {
	if len(w.rows) == 0 {
		w.vals = nil
		return nil
	}
	pt, err := w.peers()
	if err != nil {
		return err
	}
	w.vals = make([][]types.Datum, len(w.p.Funcs))
	for f, wf := range w.p.Funcs {
		if w.vals[f], err = w.computeFunc(wf, pt); err != nil {
			return err
		}
	}
	return nil
}

func (w *windowIter) arg(wf *analyze.WindowFunc, i int, row int) (types.Datum, error) {
	if i >= len(wf.Args) {
		return nil, pgerr.New(pgerr.InternalError, "window function %s lacks argument %d", wf.Name, i+1)
	}
	return w.ec.Eval(wf.Args[i], w.rows[row].Vals)
}

func (w *windowIter) computeFunc(wf *analyze.WindowFunc, pt *partition) ([]types.Datum, error) {
	n := pt.n
	out := make([]types.Datum, n)
	if wf.Agg != nil {
		return out, w.computeAgg(wf, pt, out)
	}
	switch wf.Name {
	case "row_number":
		for i := range out {
			out[i] = int64(i + 1)
		}
	case "rank":
		for i := range out {
			out[i] = int64(pt.grpStart[pt.grp[i]] + 1)
		}
	case "dense_rank":
		for i := range out {
			out[i] = int64(pt.grp[i] + 1)
		}
	case "percent_rank":
		for i := range out {
			if n <= 1 {
				out[i] = float64(0)
			} else {
				out[i] = float64(pt.grpStart[pt.grp[i]]) / float64(n-1)
			}
		}
	case "cume_dist":
		for i := range out {
			out[i] = float64(pt.grpEnd[pt.grp[i]]) / float64(n)
		}
	case "ntile":
		// mirrors window_ntile: the bucket count is read on the first row.
		v, err := w.arg(wf, 0, 0)
		if err != nil || v == nil {
			return out, err
		}
		b, ok := v.(int64)
		if !ok || b <= 0 {
			return nil, pgerr.New(pgerr.InvalidArgumentForNtileFunction, "argument of ntile must be greater than zero")
		}
		per, extra := int64(n)/b, int64(n)%b
		bucket, inBucket := int64(1), int64(0)
		for i := range out {
			size := per
			if bucket <= extra {
				size++
			}
			if inBucket >= size {
				bucket++
				inBucket = 0
			}
			out[i] = bucket
			inBucket++
		}
	case "lag", "lead":
		for i := range out {
			off := int64(1)
			if len(wf.Args) > 1 {
				v, err := w.arg(wf, 1, i)
				if err != nil {
					return nil, err
				}
				if v == nil {
					continue // NULL offset: NULL
				}
				o, ok := v.(int64)
				if !ok {
					return nil, pgerr.New(pgerr.InternalError, "%s offset is not an integer", wf.Name)
				}
				off = o
			}
			j := int64(i) + off
			if wf.Name == "lag" {
				j = int64(i) - off
			}
			if j >= 0 && j < int64(n) {
				v, err := w.arg(wf, 0, int(j))
				if err != nil {
					return nil, err
				}
				out[i] = v
			} else if len(wf.Args) > 2 {
				v, err := w.arg(wf, 2, i)
				if err != nil {
					return nil, err
				}
				out[i] = v
			}
		}
	case "first_value", "last_value", "nth_value":
		if w.p.Spec.Exclude != 0 {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "%s with a frame EXCLUDE clause is not supported yet", wf.Name)
		}
		fr, err := w.newFrames(pt)
		if err != nil {
			return nil, err
		}
		for i := range out {
			s, e, err := fr.bounds(i)
			if err != nil {
				return nil, err
			}
			j := s
			switch wf.Name {
			case "last_value":
				j = e - 1
			case "nth_value":
				v, err := w.arg(wf, 1, i)
				if err != nil {
					return nil, err
				}
				if v == nil {
					continue
				}
				nth, _ := v.(int64)
				if nth <= 0 {
					return nil, pgerr.New(pgerr.InvalidArgumentForNthValueFunction, "argument of nth_value must be greater than zero")
				}
				j = s + int(nth) - 1
			}
			if s < e && j >= s && j < e {
				if out[i], err = w.arg(wf, 0, j); err != nil {
					return nil, err
				}
			}
		}
	default:
		return nil, pgerr.New(pgerr.FeatureNotSupported, "window function %s is not supported", wf.Name)
	}
	return out, nil
}

// computeAgg evaluates an aggregate over each row's frame. When every
// frame starts at the partition's first row the state is fed
// incrementally as the frame end advances (frame ends never move back),
// reading Result between Adds (X18); otherwise each distinct frame is
// aggregated afresh.
func (w *windowIter) computeAgg(wf *analyze.WindowFunc, pt *partition, out []types.Datum) error {
	agg := wf.Agg
	if agg.New == nil {
		return pgerr.New(pgerr.InternalError, "aggregate %s has no implementation", agg.Name)
	}
	fr, err := w.newFrames(pt)
	if err != nil {
		return err
	}
	feed := func(st analyze.AggState, j int) error {
		row := w.rows[j].Vals
		if agg.Filter != nil {
			ok, err := w.ec.Qual(agg.Filter, row)
			if err != nil || !ok {
				return err
			}
		}
		args, err := w.ec.evalAll(agg.Args, row)
		if err != nil {
			return err
		}
		return st.Add(args)
	}
	if ex := w.p.Spec.Exclude; ex != 0 {
		// EXCLUDE CURRENT ROW / GROUP / TIES: each row's frame minus the
		// excluded rows, aggregated afresh.
		for i := range out {
			s, e, err := fr.bounds(i)
			if err != nil {
				return err
			}
			st := agg.New()
			for j := s; j < e; j++ {
				if err := w.ec.tick(); err != nil {
					return err
				}
				peer := pt.grp[j] == pt.grp[i]
				if (ex == 1 && j == i) || (ex == 2 && peer) || (ex == 3 && peer && j != i) {
					continue
				}
				if err := feed(st, j); err != nil {
					return err
				}
			}
			if out[i], err = st.Result(); err != nil {
				return err
			}
		}
		return nil
	}
	if fr.fromStart() {
		st := agg.New()
		fed := 0
		var last types.Datum
		lastEnd := -1
		for i := range out {
			_, e, err := fr.bounds(i)
			if err != nil {
				return err
			}
			if e == lastEnd {
				out[i] = last
				continue
			}
			for ; fed < e; fed++ {
				if err := w.ec.tick(); err != nil {
					return err
				}
				if err := feed(st, fed); err != nil {
					return err
				}
			}
			if last, err = st.Result(); err != nil {
				return err
			}
			lastEnd = e
			out[i] = last
		}
		return nil
	}
	ls, le := -1, -1
	var last types.Datum
	for i := range out {
		s, e, err := fr.bounds(i)
		if err != nil {
			return err
		}
		if s >= e {
			s, e = 0, 0
		}
		if s != ls || e != le {
			st := agg.New()
			for j := s; j < e; j++ {
				if err := w.ec.tick(); err != nil {
					return err
				}
				if err := feed(st, j); err != nil {
					return err
				}
			}
			if last, err = st.Result(); err != nil {
				return err
			}
			ls, le = s, e
		}
		out[i] = last
	}
	return nil
}

// frames computes each row's frame [start, end) in a partition.
type frames struct {
	w                *windowIter
	pt               *partition
	mode             int
	startK, endK     int
	startOff, endOff types.Datum
}

func (w *windowIter) newFrames(pt *partition) (*frames, error) {
	sp := w.spec()
	f := &frames{w: w, pt: pt, mode: sp.FrameMode, startK: sp.StartKind, endK: sp.EndKind}
	if f.mode == frameDefault {
		f.mode, f.startK, f.endK = frameRange, boundUnboundedPreceding, boundCurrentRow
		if len(sp.OrderBy) == 0 {
			f.endK = boundUnboundedFollowing
		}
	}
	var err error
	if f.startOff, err = w.frameOffset(sp.StartOffset, f.startK, "starting"); err != nil {
		return nil, err
	}
	if f.endOff, err = w.frameOffset(sp.EndOffset, f.endK, "ending"); err != nil {
		return nil, err
	}
	if f.mode == frameRange && (f.startOff != nil || f.endOff != nil) && len(sp.OrderBy) != 1 {
		return nil, pgerr.New(pgerr.WindowingError, "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column")
	}
	return f, nil
}

// frameOffset evaluates an offset once per partition (no input row).
func (w *windowIter) frameOffset(e analyze.Expr, kind int, which string) (types.Datum, error) {
	if kind != boundPreceding && kind != boundFollowing {
		return nil, nil
	}
	if e == nil {
		return nil, pgerr.New(pgerr.InternalError, "frame %s offset missing", which)
	}
	v, err := w.ec.Eval(e, nil)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, pgerr.New(pgerr.NullValueNotAllowed, "frame %s offset must not be null", which)
	}
	neg := false
	switch x := v.(type) {
	case int64:
		neg = x < 0
	case float64:
		neg = x < 0
	case types.IntervalVal:
		neg = types.Compare(types.Interval, x, types.IntervalVal{}) < 0
	default:
		neg = types.Compare(e.Type(), v, zeroOf(v)) < 0
	}
	if neg {
		return nil, pgerr.New(pgerr.InvalidPrecedingOrFollowingSize, "frame %s offset must not be negative", which)
	}
	return v, nil
}

func zeroOf(v types.Datum) types.Datum {
	if _, ok := v.(int64); ok {
		return int64(0)
	}
	d, err := types.Cast(int64(0), types.Int8, -1, dynamicType(v), -1, false)
	if err != nil {
		return v
	}
	return d
}

// fromStart reports whether every frame starts at the partition's start.
func (f *frames) fromStart() bool { return f.startK == boundUnboundedPreceding }

func (f *frames) bounds(i int) (int, int, error) {
	s, err := f.edge(i, f.startK, f.startOff, true)
	if err != nil {
		return 0, 0, err
	}
	e, err := f.edge(i, f.endK, f.endOff, false)
	if err != nil {
		return 0, 0, err
	}
	return s, max(s, e), nil
}

// edge is the first row of the frame (start) or the row after its last.
func (f *frames) edge(i, kind int, off types.Datum, start bool) (int, error) {
	pt := f.pt
	n := pt.n
	g := pt.grp[i]
	switch kind {
	case boundUnboundedPreceding:
		return 0, nil
	case boundUnboundedFollowing:
		return n, nil
	case boundCurrentRow:
		switch {
		case f.mode == frameRows && start:
			return i, nil
		case f.mode == frameRows:
			return i + 1, nil
		case start:
			return pt.grpStart[g], nil
		}
		return pt.grpEnd[g], nil
	}
	sign := int64(1)
	if kind == boundPreceding {
		sign = -1
	}
	switch f.mode {
	case frameRows:
		k, _ := off.(int64)
		j := int64(i) + sign*k
		if !start {
			j++
		}
		return int(min(max(j, 0), int64(n))), nil
	case frameGroups:
		k, _ := off.(int64)
		gg := int64(g) + sign*k
		ng := int64(len(pt.grpStart))
		if start {
			if gg < 0 {
				return 0, nil
			}
			if gg >= ng {
				return n, nil
			}
			return pt.grpStart[gg], nil
		}
		if gg < 0 {
			return 0, nil
		}
		if gg >= ng {
			return n, nil
		}
		return pt.grpEnd[gg], nil
	}
	return f.rangeEdge(i, sign, off, start)
}

// rangeEdge finds a RANGE offset bound (mirrors in_range): with one
// ORDER BY key v, the frame holds rows whose key lies within v -/+ off
// in the sort direction. A NULL current key frames exactly its NULL
// peers; NULL keys are outside any other row's offset frame.
func (f *frames) rangeEdge(i int, sign int64, off types.Datum, start bool) (int, error) {
	pt := f.pt
	k := f.w.oks[0]
	cur := pt.ordKeys[i][0]
	if cur == nil {
		if start {
			return pt.grpStart[pt.grp[i]], nil
		}
		return pt.grpEnd[pt.grp[i]], nil
	}
	if k.desc {
		sign = -sign
	}
	bound, err := addOffset(k.t, cur, off, sign)
	if err != nil {
		return 0, err
	}
	// inside reports whether row j lies on the frame's side of bound.
	inside := func(j int) (bool, error) {
		v := pt.ordKeys[j][0]
		if v == nil {
			return false, nil
		}
		c, err := compareAcross(k.t, v, bound)
		if err != nil {
			return false, err
		}
		if k.desc {
			c = -c
		}
		if start {
			return c >= 0, nil
		}
		return c <= 0, nil
	}
	if start {
		for j := 0; j < pt.n; j++ {
			ok, err := inside(j)
			if err != nil {
				return 0, err
			}
			if ok {
				return j, nil
			}
		}
		return pt.n, nil
	}
	for j := pt.n - 1; j >= 0; j-- {
		ok, err := inside(j)
		if err != nil {
			return 0, err
		}
		if ok {
			return j + 1, nil
		}
	}
	return 0, nil
}

// addOffset computes v + sign*off with the type's + or - operator.
func addOffset(t *types.T, v, off types.Datum, sign int64) (types.Datum, error) {
	name := "+"
	if sign < 0 {
		name = "-"
	}
	op, ok := types.LookupOperator(name, t, dynamicOffsetType(t, off))
	if !ok {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s", t)
	}
	return op.Fn(v, off)
}

// dynamicOffsetType picks the offset's type: the column's own type for
// numbers, interval for date and time columns.
func dynamicOffsetType(t *types.T, off types.Datum) *types.T {
	if _, ok := off.(types.IntervalVal); ok {
		return types.Interval
	}
	switch off.(type) {
	case int64:
		if t.Category == 'N' && t != types.Numeric && t != types.Float4 && t != types.Float8 {
			return t
		}
		return types.Int8
	case float64:
		return types.Float8
	}
	return dynamicType(off)
}

// compareAcross compares a key with a bound that may have another type
// (date + interval gives a timestamp).
func compareAcross(t *types.T, v, bound types.Datum) (int, error) {
	bt := dynamicType(bound)
	if dynamicType(v) == bt {
		return types.Compare(t, v, bound), nil
	}
	cv, err := types.Cast(v, t, -1, bt, -1, false)
	if err != nil {
		return 0, err
	}
	return types.Compare(bt, cv, bound), nil
}

func (w *windowIter) Close() { w.child.Close() }
