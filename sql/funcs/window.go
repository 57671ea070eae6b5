package funcs

import (
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// Window functions (windowfuncs.c). A WindowAgg executor sorts a
// partition, then calls the function once per row in order (W1) with a
// WindowObject describing the partition, the current row, its peers and
// its frame, and a state that lives for the partition (W2).

// WindowObject is what a window function sees of its partition
// (PostgreSQL's WindowObject API). Positions are 0-based within the
// partition.
type WindowObject interface {
	// PartitionRows returns the number of rows in the partition.
	PartitionRows() (int64, error)
	// Current returns the current row's position.
	Current() int64
	// Peers reports whether two rows are peers (equal in the window's
	// ORDER BY; every row is a peer of every other without ORDER BY).
	Peers(a, b int64) (bool, error)
	// Arg evaluates argument argno for the row at pos; out is true (and d
	// nil) when pos is outside the partition.
	Arg(argno int, pos int64) (d types.Datum, out bool, err error)
	// Frame returns the current row's frame as the half-open range of
	// partition positions [start, end) (start == end: empty frame).
	Frame() (start, end int64, err error)
}

// WindowFunc is a window function's implementation.
type WindowFunc struct {
	// Eval computes the value for the current row. state points to a
	// value that starts nil for each partition and is kept between the
	// calls for that partition's rows (W2).
	Eval func(ctx *FuncContext, w WindowObject, state *any) (types.Datum, error)
}

func window(oid base.OID, sig, src string, eval func(*FuncContext, WindowObject, *any) (types.Datum, error)) *Func {
	f := newFunc(oid, "i", sig, src, KindWindow)
	f.Window = &WindowFunc{Eval: eval}
	return f
}

// rankState follows rank_up: the last rank handed out and the row it
// belongs to.
type rankState struct {
	rank, dense, lastPos int64
}

// rankUp mirrors rank_up: the current row starts a new peer group
// unless it is a peer of the previous one.
func rankUp(w WindowObject, state *any) (*rankState, error) {
	pos := w.Current()
	st, _ := (*state).(*rankState)
	if st == nil {
		st = &rankState{rank: 1, dense: 1, lastPos: pos}
		*state = st
		return st, nil
	}
	if pos == st.lastPos {
		return st, nil
	}
	peer, err := w.Peers(st.lastPos, pos)
	if err != nil {
		return nil, err
	}
	if !peer {
		st.rank = pos + 1
		st.dense++
	}
	st.lastPos = pos
	return st, nil
}

// peerGroupEnd returns the position after the current row's last peer.
func peerGroupEnd(w WindowObject) (int64, error) {
	n, err := w.PartitionRows()
	if err != nil {
		return 0, err
	}
	pos := w.Current()
	end := pos + 1
	for end < n {
		p, err := w.Peers(pos, end)
		if err != nil {
			return 0, err
		}
		if !p {
			break
		}
		end++
	}
	return end, nil
}

func init() {
	window(3100, "row_number() int8", "window_row_number", func(_ *FuncContext, w WindowObject, _ *any) (types.Datum, error) {
		return w.Current() + 1, nil
	})
	window(3101, "rank() int8", "window_rank", func(_ *FuncContext, w WindowObject, s *any) (types.Datum, error) {
		st, err := rankUp(w, s)
		if err != nil {
			return nil, err
		}
		return st.rank, nil
	})
	window(3102, "dense_rank() int8", "window_dense_rank", func(_ *FuncContext, w WindowObject, s *any) (types.Datum, error) {
		st, err := rankUp(w, s)
		if err != nil {
			return nil, err
		}
		return st.dense, nil
	})
	window(3103, "percent_rank() float8", "window_percent_rank", func(_ *FuncContext, w WindowObject, s *any) (types.Datum, error) {
		st, err := rankUp(w, s)
		if err != nil {
			return nil, err
		}
		n, err := w.PartitionRows()
		if err != nil {
			return nil, err
		}
		if n <= 1 {
			return 0.0, nil
		}
		return float64(st.rank-1) / float64(n-1), nil
	})
	window(3104, "cume_dist() float8", "window_cume_dist", func(_ *FuncContext, w WindowObject, _ *any) (types.Datum, error) {
		n, err := w.PartitionRows()
		if err != nil {
			return nil, err
		}
		end, err := peerGroupEnd(w)
		if err != nil {
			return nil, err
		}
		return float64(end) / float64(n), nil
	})
	window(3105, "ntile(int4) int4", "window_ntile", ntile).Strict = true
	f := window(3106, "lag(anyelement) anyelement", "window_lag", leadLag(-1, false, false))
	f.Strict = true
	window(3107, "lag(anyelement, int4) anyelement", "window_lag_with_offset", leadLag(-1, true, false)).Strict = true
	window(3108, "lag(anycompatible, int4, anycompatible) anycompatible", "window_lag_with_offset_and_default",
		leadLag(-1, true, true)).Strict = true
	window(3109, "lead(anyelement) anyelement", "window_lead", leadLag(1, false, false)).Strict = true
	window(3110, "lead(anyelement, int4) anyelement", "window_lead_with_offset", leadLag(1, true, false)).Strict = true
	window(3111, "lead(anycompatible, int4, anycompatible) anycompatible", "window_lead_with_offset_and_default",
		leadLag(1, true, true)).Strict = true
	window(3112, "first_value(anyelement) anyelement", "window_first_value", func(_ *FuncContext, w WindowObject, _ *any) (types.Datum, error) {
		start, end, err := w.Frame()
		if err != nil || start >= end {
			return nil, err
		}
		d, _, err := w.Arg(0, start)
		return d, err
	}).Strict = true
	window(3113, "last_value(anyelement) anyelement", "window_last_value", func(_ *FuncContext, w WindowObject, _ *any) (types.Datum, error) {
		start, end, err := w.Frame()
		if err != nil || start >= end {
			return nil, err
		}
		d, _, err := w.Arg(0, end-1)
		return d, err
	}).Strict = true
	window(3114, "nth_value(anyelement, int4) anyelement", "window_nth_value", func(_ *FuncContext, w WindowObject, _ *any) (types.Datum, error) {
		nd, _, err := w.Arg(1, w.Current())
		if err != nil {
			return nil, err
		}
		if nd == nil {
			return nil, nil
		}
		n := i64(nd)
		if n <= 0 {
			return nil, pgerr.New(pgerr.InvalidArgumentForNthValueFunction, "argument of nth_value must be greater than zero")
		}
		start, end, err := w.Frame()
		if err != nil || start+n-1 >= end {
			return nil, err
		}
		d, _, err := w.Arg(0, start+n-1)
		return d, err
	}).Strict = true
}

// ntile mirrors window_ntile: the bucket count is read on the first row
// (and again on later rows while it is NULL).
func ntile(_ *FuncContext, w WindowObject, s *any) (types.Datum, error) {
	type st struct{ ntile, rowsPer, boundary, remainder int64 }
	x, _ := (*s).(*st)
	if x == nil || x.ntile == 0 {
		total, err := w.PartitionRows()
		if err != nil {
			return nil, err
		}
		d, _, err := w.Arg(0, w.Current())
		if err != nil || d == nil {
			return nil, err
		}
		b := i64(d)
		if b <= 0 {
			return nil, pgerr.New(pgerr.InvalidArgumentForNtileFunction, "argument of ntile must be greater than zero")
		}
		x = &st{ntile: 1, boundary: total / b}
		if x.boundary <= 0 {
			x.boundary = 1
		} else {
			x.remainder = total % b
			if x.remainder != 0 {
				x.boundary++
			}
		}
		*s = x
	}
	x.rowsPer++
	if x.boundary < x.rowsPer {
		if x.remainder != 0 && x.ntile == x.remainder {
			x.remainder = 0
			x.boundary--
		}
		x.ntile++
		x.rowsPer = 1
	}
	return x.ntile, nil
}

// leadLag mirrors leadlag_common: dir -1 for lag, 1 for lead.
func leadLag(dir int64, withOffset, withDefault bool) func(*FuncContext, WindowObject, *any) (types.Datum, error) {
	return func(_ *FuncContext, w WindowObject, _ *any) (types.Datum, error) {
		pos := w.Current()
		off := int64(1)
		if withOffset {
			d, _, err := w.Arg(1, pos)
			if err != nil {
				return nil, err
			}
			if d == nil {
				return nil, nil
			}
			off = i64(d)
		}
		d, out, err := w.Arg(0, pos+dir*off)
		if err != nil {
			return nil, err
		}
		if out {
			if withDefault {
				def, _, err := w.Arg(2, pos)
				return def, err
			}
			return nil, nil
		}
		return d, nil
	}
}

// Partition is a ready-made WindowObject over materialized rows, for
// executors that buffer the partition and for tests.
type Partition struct {
	// Args holds each row's evaluated arguments: Args[row][argno].
	Args [][]types.Datum
	// PeerGroup numbers each row's peer group; rows with equal numbers are
	// peers. nil means every row is a peer of every other.
	PeerGroup []int64
	// FrameOf returns the frame of a row; nil means the default frame
	// (RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW: up to the last
	// peer).
	FrameOf func(row int64) (start, end int64)

	cur int64
}

// SetCurrent moves to row pos.
func (p *Partition) SetCurrent(pos int64) { p.cur = pos }

// PartitionRows implements WindowObject.
func (p *Partition) PartitionRows() (int64, error) { return int64(len(p.Args)), nil }

// Current implements WindowObject.
func (p *Partition) Current() int64 { return p.cur }

// Peers implements WindowObject.
func (p *Partition) Peers(a, b int64) (bool, error) {
	if p.PeerGroup == nil {
		return true, nil
	}
	if a < 0 || b < 0 || a >= int64(len(p.PeerGroup)) || b >= int64(len(p.PeerGroup)) {
		return false, nil
	}
	return p.PeerGroup[a] == p.PeerGroup[b], nil
}

// Arg implements WindowObject.
func (p *Partition) Arg(argno int, pos int64) (types.Datum, bool, error) {
	if pos < 0 || pos >= int64(len(p.Args)) {
		return nil, true, nil
	}
	row := p.Args[pos]
	if argno < 0 || argno >= len(row) {
		return nil, false, errInternal("window argument %d out of range", argno)
	}
	return row[argno], false, nil
}

// Frame implements WindowObject.
func (p *Partition) Frame() (int64, int64, error) {
	if p.FrameOf != nil {
		s, e := p.FrameOf(p.cur)
		return s, e, nil
	}
	end := p.cur + 1
	for end < int64(len(p.Args)) {
		if peer, _ := p.Peers(p.cur, end); !peer {
			break
		}
		end++
	}
	return 0, end, nil
}

// EvalPartition runs window function f over every row of p in order and
// returns the results (W1, W2).
func (f *Func) EvalPartition(ctx *FuncContext, p *Partition) ([]types.Datum, error) {
	if f.Window == nil {
		return nil, errInternal("%s is not a window function", f.Signature())
	}
	var state any
	out := make([]types.Datum, len(p.Args))
	for i := range p.Args {
		p.SetCurrent(int64(i))
		d, err := f.Window.Eval(ctx, p, &state)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}
