package exec

import (
	"github.com/tuskdb/tusk/access/tuple"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// newRow returns a Row with n zero values, made with one allocation (the
// Row and its values together) when n is small. The values have no spare
// capacity, so an append copies them.
func newRow(n int) *Row {
	switch {
	case n <= 2:
		x := &struct {
			r Row
			v [2]types.Datum
		}{}
		x.r.Vals = x.v[:n:n]
		return &x.r
	case n <= 4:
		x := &struct {
			r Row
			v [4]types.Datum
		}{}
		x.r.Vals = x.v[:n:n]
		return &x.r
	case n <= 8:
		x := &struct {
			r Row
			v [8]types.Datum
		}{}
		x.r.Vals = x.v[:n:n]
		return &x.r
	}
	return &Row{Vals: make([]types.Datum, n)}
}

// decodeColsInto decodes the columns proj of cols only (with raw as a
// reusable scratch for the deformed attributes):
// out[i] is column proj[i] of the row.
func decodeColsInto(out []types.Datum, proj []int, cols []analyze.Column, payload []byte, raw *[][]byte, a *types.Arena) error {
	if cap(*raw) < len(cols) {
		*raw = make([][]byte, len(cols))
	}
	r := (*raw)[:len(cols)]
	if err := tuple.DeformInto(payload, r); err != nil {
		return err
	}
	defer clear(r) // drop the references to the payload
	for i, c := range proj {
		out[i] = nil
		if b := r[c]; b != nil && !cols[c].Dropped {
			var err error
			if out[i], err = a.Decode(cols[c].T, b); err != nil {
				return err
			}
		}
	}
	return nil
}

// Slabs of rows (X31): a scan (and a join's output) hands out its rows
// from slabs of many rows and values, one allocation per many rows. A
// slab is never reused: the rows handed out stay valid as long as someone
// holds them (sorts, hash tables, tuple stores keep rows, X5). The slab
// grows from minSlabRows to maxSlabRows rows per slab, so a scan built
// anew per outer row (X7) that returns few rows allocates little.
const (
	minSlabRows = 4
	maxSlabRows = 128
	maxSlabVals = 2048 // values per slab: wide rows get fewer rows per slab
)

type rowSlab struct {
	rows []Row
	vals []types.Datum
	size int // rows in the last slab
}

// grow says how many rows of n values the next slab holds: twice the
// last, within minSlabRows..maxSlabRows and maxSlabVals.
func (s *rowSlab) grow(n int) int {
	s.size = min(max(s.size*2, minSlabRows), maxSlabRows)
	if n > 0 && n*s.size > maxSlabVals {
		return max(1, maxSlabVals/n)
	}
	return s.size
}

// take returns a new Row with n zero values.
func (s *rowSlab) take(n int) *Row {
	if len(s.rows) == 0 || len(s.vals) < n {
		k := s.grow(n)
		s.rows = make([]Row, k)
		s.vals = make([]types.Datum, k*n)
	}
	r := &s.rows[0]
	s.rows = s.rows[1:]
	r.Vals = s.vals[:n:n]
	s.vals = s.vals[n:]
	return r
}

// takeVals returns n zero values (a row's Vals without a Row).
func (s *rowSlab) takeVals(n int) []types.Datum {
	if len(s.vals) < n {
		s.vals = make([]types.Datum, s.grow(n)*n)
	}
	v := s.vals[:n:n]
	s.vals = s.vals[n:]
	return v
}

// scanDecoder turns a heap scan's payloads into rows (seqScan,
// bitmapHeapScan): the attributes are deformed into a reusable scratch,
// the values boxed in the statement's arena (types.Arena: slabs, never
// reused) and the rows taken from a rowSlab. A row a qual rejects never
// leaves the scan, so its Row is filled again by the next tuple (spare).
// need, when set, names the columns anything above the scan reads: the
// others stay NULL (neededCols, prune.go).
type scanDecoder struct {
	cols  []analyze.Column
	need  []bool
	width int // len(cols), plus one for an emitted ctid
	raw   [][]byte
	slab  rowSlab
	spare *Row
	arena *types.Arena
}

func (ec *Context) newScanDecoder(d *scanDecoder, n plan.Node, cols []analyze.Column, emitCTID bool) {
	d.cols = cols
	d.width = scanWidth(cols, emitCTID)
	d.arena = ec.arena()
	d.need = ec.neededCols(n)
}

// decode returns the row of payload; keep hands it out for good.
func (d *scanDecoder) decode(payload []byte) (*Row, error) {
	r := d.spare
	if r == nil {
		r = d.slab.take(d.width)
		d.spare = r
	} else {
		clear(r.Vals)
		r.TID = base.ItemPointer{}
	}
	cols := d.cols
	if cap(d.raw) < len(cols) {
		d.raw = make([][]byte, len(cols))
	}
	raw := d.raw[:len(cols)]
	if err := tuple.DeformInto(payload, raw); err != nil {
		return nil, err
	}
	out := r.Vals
	for i, b := range raw {
		if b == nil || cols[i].Dropped || (d.need != nil && !d.need[i]) {
			continue
		}
		v, err := d.arena.Decode(cols[i].T, b)
		if err != nil {
			clear(raw)
			return nil, err
		}
		out[i] = v
	}
	clear(raw) // drop the references to the payload
	return r, nil
}

// keep hands the last decoded row out: the next one takes a new Row.
func (d *scanDecoder) keep() { d.spare = nil }

// arena is where the statement's scans box decoded values: the session's
// (Context.Arena) or the statement's own.
func (ec *Context) arena() *types.Arena {
	if ec.Arena != nil {
		return ec.Arena
	}
	return &ec.state().arena
}
