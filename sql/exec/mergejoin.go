package exec

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// mergeJoin mirrors nodeMergejoin (X28): both inputs arrive sorted on
// their keys; the inner rows of one key value form a group that is kept
// in a tuple store (PostgreSQL's mark and restore; it spills beyond
// work_mem, X10) and replayed for every outer row with that key. A row with a NULL key matches nothing: it is returned
// unmatched at once (left, full, anti for the outer side; right, full for
// the inner side) without taking part in the merge, so the rest stay in
// order whatever NULLS FIRST/LAST says.
type mergeJoin struct {
	ec    *Context
	p     *plan.MergeJoin
	stats *Stats
	outer Iter
	inner Iter
	cmp   []func(a, b types.Datum) int // per key: outer value vs inner value

	out []*Row // rows ready to return

	group     *tupleStore // inner rows of the current key
	groupN    int
	groupKeys []types.Datum
	matched   []bool
	innerNext *Row // first inner row after the group
	innerKeys []types.Datum
	innerEOF  bool
	outerEOF  bool
	done      bool
}

func (ec *Context) buildMergeJoin(p *plan.MergeJoin) (Iter, error) {
	if len(p.OuterKeys) == 0 || len(p.OuterKeys) != len(p.InnerKeys) {
		return nil, pgerr.New(pgerr.InternalError, "merge join needs as many outer as inner keys (%d, %d)", len(p.OuterKeys), len(p.InnerKeys))
	}
	j := &mergeJoin{ec: ec, p: p, stats: ec.statsFor(p)}
	for i := range p.OuterKeys {
		c, err := mergeCompare(p.OuterKeys[i].Type(), p.InnerKeys[i].Type(), i < len(p.Desc) && p.Desc[i])
		if err != nil {
			return nil, err
		}
		j.cmp = append(j.cmp, c)
	}
	var err error
	if j.outer, err = ec.build(p.Outer); err != nil {
		return nil, err
	}
	if j.inner, err = ec.build(p.Inner); err != nil {
		j.outer.Close()
		return nil, err
	}
	return j, nil
}

// mergeCompare orders a value of type lt against one of type rt in the
// merge order (reversed for DESC), across types through the "<" and "="
// operators of the pair.
func mergeCompare(lt, rt *types.T, desc bool) (func(a, b types.Datum) int, error) {
	sign := 1
	if desc {
		sign = -1
	}
	if lt == rt || lt == nil || rt == nil {
		t := lt
		if t == nil {
			t = rt
		}
		return func(a, b types.Datum) int {
			if t == nil {
				t = dynamicType(a)
			}
			return sign * types.Compare(t, a, b)
		}, nil
	}
	lto, ok1 := types.LookupOperator("<", lt, rt)
	eqo, ok2 := types.LookupOperator("=", lt, rt)
	if !ok1 || !ok2 {
		return nil, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s < %s", lt, rt)
	}
	return func(a, b types.Datum) int {
		if r, err := eqo.Fn(a, b); err == nil && r == true {
			return 0
		}
		if r, err := lto.Fn(a, b); err == nil && r == true {
			return -sign
		}
		return sign
	}, nil
}

func (j *mergeJoin) compare(o, i []types.Datum) int {
	for k, c := range j.cmp {
		if r := c(o[k], i[k]); r != 0 {
			return r
		}
	}
	return 0
}

// readInner returns the next inner row with non-NULL keys, handing those
// with a NULL key to the unmatched-inner output.
func (j *mergeJoin) readInner() (*Row, []types.Datum, error) {
	for {
		r, err := j.inner.Next()
		if err != nil || r == nil {
			return nil, nil, err
		}
		keys, err := j.ec.evalAll(j.p.InnerKeys, r.Vals)
		if err != nil {
			return nil, nil, err
		}
		if !hasNull(keys) {
			return r, keys, nil
		}
		j.unmatchedInner(r)
	}
}

func (j *mergeJoin) unmatchedInner(r *Row) {
	if keepsUnmatchedInner(j.p.Kind) {
		j.out = append(j.out, &Row{Vals: concatRow(nullRow(j.p.OuterWidth), r.Vals)})
	}
}

func (j *mergeJoin) unmatchedOuter(r *Row) {
	switch {
	case keepsUnmatchedOuter(j.p.Kind):
		j.out = append(j.out, &Row{Vals: concatRow(r.Vals, nullRow(j.p.InnerWidth))})
	case j.p.Kind == plan.JoinAnti:
		j.out = append(j.out, r)
	}
}

// dropGroup ends the current inner group, returning its unmatched rows
// for right and full joins.
func (j *mergeJoin) dropGroup() error {
	if j.group != nil {
		if keepsUnmatchedInner(j.p.Kind) {
			rd := j.group.reader()
			for i := 0; ; i++ {
				r, err := rd.next()
				if err != nil {
					return err
				}
				if r == nil {
					break
				}
				if !j.matched[i] {
					j.unmatchedInner(r)
				}
			}
		}
		j.group.close()
	}
	j.group, j.groupN, j.groupKeys, j.matched = nil, 0, nil, j.matched[:0]
	return nil
}

func (j *mergeJoin) addToGroup(r *Row) error {
	if j.group == nil {
		j.group = newTupleStore(j.ec, j.stats)
	}
	j.groupN++
	j.matched = append(j.matched, false)
	return j.group.add(r)
}

// nextGroup reads the inner rows of the next key value.
func (j *mergeJoin) nextGroup() error {
	if err := j.dropGroup(); err != nil {
		return err
	}
	if j.innerNext == nil && !j.innerEOF {
		r, keys, err := j.readInner()
		if err != nil {
			return err
		}
		j.innerNext, j.innerKeys, j.innerEOF = r, keys, r == nil
	}
	if j.innerNext == nil {
		return nil
	}
	if err := j.addToGroup(j.innerNext); err != nil {
		return err
	}
	j.groupKeys = j.innerKeys
	j.innerNext = nil
	for {
		r, keys, err := j.readInner()
		if err != nil {
			return err
		}
		if r == nil {
			j.innerEOF = true
			return nil
		}
		if err := j.ec.tick(); err != nil {
			return err
		}
		if j.compareInner(j.groupKeys, keys) != 0 {
			j.innerNext, j.innerKeys = r, keys
			return nil
		}
		if err := j.addToGroup(r); err != nil {
			return err
		}
	}
}

// compareInner compares two inner key tuples (same types).
func (j *mergeJoin) compareInner(a, b []types.Datum) int {
	for k, e := range j.p.InnerKeys {
		c := types.Compare(e.Type(), a[k], b[k])
		if k < len(j.p.Desc) && j.p.Desc[k] {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func (j *mergeJoin) Next() (*Row, error) {
	for {
		if len(j.out) > 0 {
			r := j.out[0]
			j.out = j.out[1:]
			return r, nil
		}
		if j.done {
			return nil, nil
		}
		if err := j.ec.tick(); err != nil {
			return nil, err
		}
		if err := j.step(); err != nil {
			return nil, err
		}
	}
}

// step consumes one outer row (or, at the end, the rest of the inner
// side), queueing what it produces.
func (j *mergeJoin) step() error {
	var o *Row
	if !j.outerEOF {
		var err error
		if o, err = j.outer.Next(); err != nil {
			return err
		}
		j.outerEOF = o == nil
	}
	if o == nil {
		// The inner rows left over are unmatched.
		if err := j.dropGroup(); err != nil {
			return err
		}
		if keepsUnmatchedInner(j.p.Kind) {
			if j.innerNext != nil {
				j.unmatchedInner(j.innerNext)
				j.innerNext = nil
			}
			for !j.innerEOF {
				r, _, err := j.readInner()
				if err != nil {
					return err
				}
				if r == nil {
					j.innerEOF = true
					break
				}
				j.unmatchedInner(r)
				if len(j.out) >= 1024 {
					return nil // come back for the rest
				}
			}
		}
		j.done = true
		return nil
	}
	okeys, err := j.ec.evalAll(j.p.OuterKeys, o.Vals)
	if err != nil {
		return err
	}
	if hasNull(okeys) {
		j.unmatchedOuter(o)
		return nil
	}
	// Advance the inner groups until one is not below the outer key.
	for {
		if j.groupKeys == nil {
			if j.innerEOF && j.innerNext == nil {
				break
			}
			if err := j.nextGroup(); err != nil {
				return err
			}
			if j.groupKeys == nil {
				break
			}
		}
		if j.compare(okeys, j.groupKeys) <= 0 {
			break
		}
		if err := j.nextGroup(); err != nil {
			return err
		}
	}
	if j.groupKeys == nil || j.compare(okeys, j.groupKeys) != 0 {
		j.unmatchedOuter(o)
		return nil
	}
	matched := false
	rd := j.group.reader()
	for i := 0; ; i++ {
		r, err := rd.next()
		if err != nil {
			return err
		}
		if r == nil {
			break
		}
		joined := concatRow(o.Vals, r.Vals)
		ok, err := j.ec.Qual(j.p.Qual, joined)
		if err != nil {
			return err
		}
		if !ok {
			j.stats.RowsRemovedByJoinFilter++
			continue
		}
		matched = true
		j.matched[i] = true
		switch j.p.Kind {
		case plan.JoinSemi:
			j.out = append(j.out, o)
			return nil
		case plan.JoinAnti:
			return nil
		}
		j.out = append(j.out, &Row{Vals: joined})
	}
	if !matched {
		j.unmatchedOuter(o)
	}
	return nil
}

func (j *mergeJoin) Close() {
	if j.group != nil {
		j.group.close()
		j.group = nil
	}
	j.outer.Close()
	j.inner.Close()
}
