package types

import (
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// int2vector and oidvector (pg_index.indkey, pg_proc.proargtypes, ...):
// one-dimensional arrays of int2 / oid whose subscripts start at 0, and
// whose text form is the elements separated by spaces ("1 2"), as
// PostgreSQL's int2vectorout and oidvectorout print them (T5). They are
// arrays in every other respect: subscripts, = ANY, casts to int2[] and
// oid[] (which keep the lower bound 0).
var (
	Int2Vector = register(&T{OID: 22, Name: "int2vector", Len: -1, Align: 'i', Category: 'A', Elem: Int2})
	OidVector  = register(&T{OID: 30, Name: "oidvector", Len: -1, Align: 'i', Category: 'A', Elem: Oid})
)

// isVector reports whether t is int2vector or oidvector.
func isVector(t *T) bool { return t != nil && (t.OID == 22 || t.OID == 30) }

// asVector gives a one-dimensional array the vectors' lower bound, 0.
func asVector(d Datum) Datum {
	a, ok := d.(*Array)
	if !ok || len(a.Dims) != 1 || a.LBounds[0] == 0 {
		return d
	}
	c := *a
	c.LBounds = []int32{0}
	return &c
}

// formatVector prints a vector's elements separated by spaces.
func (sess *Session) formatVector(t *T, a *Array) string {
	var sb strings.Builder
	for i, e := range a.Elems {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(sess.Format(t.Elem, e))
	}
	return sb.String()
}

// parseVector reads elements separated by spaces.
func (sess *Session) parseVector(t *T, s string) (Datum, error) {
	fields := strings.Fields(s)
	a := &Array{Elem: t.Elem}
	if len(fields) == 0 {
		return a, nil
	}
	for _, f := range fields {
		v, err := sess.Parse(t.Elem, -1, f)
		if err != nil {
			return nil, err
		}
		a.Elems = append(a.Elems, v)
	}
	if len(a.Elems) > 1<<16 {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "%s has too many elements", t.Name)
	}
	a.Dims, a.LBounds = []int32{int32(len(a.Elems))}, []int32{0}
	return a, nil
}
