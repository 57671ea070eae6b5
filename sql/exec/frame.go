package exec

import (
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/plan"
)

// Frame is a statement's Context together with the state its iterators
// share (stmtState), the root iterator Build returns and the node of a
// point query, so that a statement's executor takes one allocation. A
// Frame serves one statement at a time, like its Context. Nothing the
// iterators return points into it (rows are allocated apart, X5), so once
// the root iterator is closed and no one else holds the Context or its
// iterators, the owner may zero the Frame and use it for another
// statement.
type Frame struct {
	Context Context
	st      stmtState
	root    root
	rootSet bool
	// scan is the node of a point query (buildProjectedScan).
	scan     indexScan
	scanUsed bool
}

// Init returns the frame's Context, set to use the frame's statement
// state. Set the Context's fields (not the whole struct) afterwards, or
// before calling Init.
func (f *Frame) Init() *Context {
	f.st.stats = f.st.statsBuf[:0]
	f.st.statsSlab = f.st.slabBuf[:]
	f.Context.st = &f.st
	f.Context.frame = f
	return &f.Context
}

// newRoot returns the iterator Build returns for it: the frame's root
// the first time, else a new one.
func (ec *Context) newRoot(it Iter) *root {
	if f := ec.frame; f != nil && !f.rootSet {
		f.rootSet = true
		f.root = root{Iter: it, ec: ec}
		return &f.root
	}
	return &root{Iter: it, ec: ec}
}

// maxFusedCols bounds the columns a fused Projection (buildProjectedScan)
// outputs: their positions live in the scan node.
const maxFusedCols = 8

// buildProjectedScan builds a statement's root Projection that only
// picks columns (plain Vars) of an IndexScan without a filter as that
// scan alone, which decodes just those columns straight into the rows
// it returns (the point query's shape). It returns nil when the plan is
// not of that shape, or EXPLAIN ANALYZE instruments the nodes.
func (ec *Context) buildProjectedScan(n plan.Node) (Iter, error) {
	p, ok := n.(*plan.Projection)
	if !ok || ec.Instrument || len(p.Targets) > maxFusedCols {
		return nil, nil
	}
	sc, ok := p.Child.(*plan.IndexScan)
	if !ok || sc.Qual != nil || sc.EmitCTID {
		return nil, nil
	}
	var proj [maxFusedCols]int
	for i, t := range p.Targets {
		v, ok := t.Expr.(*analyze.Var)
		if !ok || v.Index < 0 || v.Index >= len(sc.Cols) {
			return nil, nil
		}
		proj[i] = v.Index
	}
	var s *indexScan
	if f := ec.frame; f != nil && !f.scanUsed {
		f.scanUsed = true
		s = &f.scan
	} else {
		s = &indexScan{}
	}
	if err := s.init(ec, sc); err != nil {
		return nil, err
	}
	s.projBuf = proj
	s.proj = s.projBuf[:len(p.Targets):len(p.Targets)]
	return s, nil
}

// LendRows tells the iterator Build returned that its caller reads each
// row before it asks for the next and keeps none of them (nor its Vals):
// X5 does not hold for it then, a node may return the same Row, made
// again, from every Next. Only the point-query node (buildProjectedScan)
// does so. Call it before the first Next.
func LendRows(it Iter) {
	if r, ok := it.(*root); ok {
		if s, ok := r.Iter.(*indexScan); ok && s.proj != nil {
			s.lend = true
		}
	}
}
