package exec

import (
	"github.com/tuskdb/tusk/access/tuple"
	"github.com/tuskdb/tusk/sql/analyze"
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

// decodeRowInto is DecodeRow writing into out (len(cols) values), with
// raw as a reusable scratch for the deformed attributes.
func decodeRowInto(out []types.Datum, cols []analyze.Column, payload []byte, raw *[][]byte) error {
	if cap(*raw) < len(cols) {
		*raw = make([][]byte, len(cols))
	}
	r := (*raw)[:len(cols)]
	if err := tuple.DeformInto(payload, r); err != nil {
		return err
	}
	for i, b := range r {
		if b == nil || cols[i].Dropped {
			continue
		}
		var err error
		if out[i], err = types.Decode(cols[i].T, b); err != nil {
			return err
		}
	}
	clear(r) // drop the references to the page
	return nil
}

// decodeColsInto is decodeRowInto for the columns proj of cols only:
// out[i] is column proj[i] of the row.
func decodeColsInto(out []types.Datum, proj []int, cols []analyze.Column, payload []byte, raw *[][]byte) error {
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
			if out[i], err = types.Decode(cols[c].T, b); err != nil {
				return err
			}
		}
	}
	return nil
}
