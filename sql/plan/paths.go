package plan

import (
	"math"
	"sort"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/types"
)

// The cost-based part of the planner: access paths of base relations
// (allpaths.c, indxpath.c), join paths (joinpath.c) and the join search
// (joinrels.c, standard_join_search), then create_plan.

// optimizer is the cost-based planner's state for one query level.
type optimizer struct {
	p          *planner
	env        *Env
	s          *Settings
	rels       map[int]*baseRel // base relations and other FROM items, by RTE
	totalPages float64
	// queryKeys is the ordering the query wants (ORDER BY, else GROUP BY):
	// index paths giving it are kept.
	queryKeys []pathKey
	noIOS     bool // a correlated subquery may read any column: no index-only scans
	// considerStartup: the query has a LIMIT (or is a sublink), so paths
	// with a cheap start are kept even when their total is higher
	considerStartup bool
	pulled          map[*analyze.SubLink]bool // sublinks made semi/anti joins
	// needed are the columns the query reads, per RTE; extraNeeded are
	// expressions of pulled-up subqueries.
	needed      map[int]map[int]bool
	extraNeeded []analyze.Expr
	// mergeCols are the columns of mergeable join equalities.
	mergeCols  map[varKey]bool
	statsCache map[varKey]*ColStats
	refCache   map[analyze.Expr]refInfo
	selCache   map[analyze.Expr]float64
}

type refInfo struct {
	rtes   map[int]bool
	opaque bool
}

// refs is refs() remembered per expression.
func (o *optimizer) refs(e analyze.Expr) (map[int]bool, bool) {
	if o.refCache == nil {
		o.refCache = map[analyze.Expr]refInfo{}
	}
	if r, ok := o.refCache[e]; ok {
		return r.rtes, r.opaque
	}
	r, op := refs(e)
	o.refCache[e] = refInfo{r, op}
	return r, op
}

// equiKey is equiKey() with remembered references.
func (o *optimizer) equiKey(e analyze.Expr, outer, inner map[int]bool) (analyze.Expr, analyze.Expr, bool) {
	op, ok := e.(*analyze.OpExpr)
	if !ok || op.Op.Name != "=" || len(op.Args) != 2 || !hashable(op.Op) {
		return nil, nil, false
	}
	lr, lo := o.refs(op.Args[0])
	rr, ro := o.refs(op.Args[1])
	if lo || ro || len(lr) == 0 || len(rr) == 0 {
		return nil, nil, false
	}
	if subset(lr, outer) && subset(rr, inner) {
		return op.Args[0], op.Args[1], true
	}
	if subset(lr, inner) && subset(rr, outer) {
		return op.Args[1], op.Args[0], true
	}
	return nil, nil, false
}

// baseRel is a FROM item of one RTE: a table, or another item planned
// beforehand (subquery, function, VALUES, CTE).
type baseRel struct {
	ri         int
	rte        *analyze.RTE
	item       *rel // a non-table item, planned
	quals      []analyze.Expr
	tuples     float64
	pages      float64
	allVisFrac float64
	rows       float64
	width      int
	indexes    []*indexInfo
	emitCTID   bool
	needed     map[int]bool
}

type indexInfo struct {
	ref        *IndexRef
	info       *catalog.Index
	cols       []int // table column of each index column (keys, then INCLUDE); -1: expression
	nkeys      int
	pages      float64
	tuples     float64
	height     int
	desc       []bool
	nullsFirst []bool
}

// pathKey is one sort key of a path's output order.
type pathKey struct {
	expr       analyze.Expr
	desc       bool
	nullsFirst bool
}

type pathKind uint8

const (
	pSeq pathKind = iota
	pIndex
	pIndexOnly
	pBitmap
	pItem
	pNestLoop
	pHashJoin
	pMaterial
	pUnique
	pFilter
)

// idxClause is a clause an index scan evaluates: index column col
// compared by op with arg.
type idxClause struct {
	col    int
	op     ScanKeyOp
	arg    analyze.Expr
	clause analyze.Expr
	param  bool // arg reads the outer side of a nested loop
	// array: the clause is "col = ANY (arg)" (a ScalarArrayOpExpr, from
	// col IN (...)); nelems is estimate_array_length of arg.
	array  bool
	nelems int
	// shown is the clause as EXPLAIN prints it: the indexed column on
	// the left (commuted when written the other way).
	shown analyze.Expr
}

// bmNode is a bitmap index tree: an index scan, or AND / OR of others.
type bmNode struct {
	and, or []*bmNode
	ix      *indexInfo
	clauses []idxClause
	cost    float64
	sel     float64
	rows    float64
}

// path is one way to produce a relation's rows.
type path struct {
	kind    pathKind
	startup float64
	total   float64
	rows    float64
	width   int
	keys    []pathKey
	rtes    map[int]bool

	br       *baseRel
	ix       *indexInfo
	iclauses []idxClause
	backward bool
	quals    []analyze.Expr // filter quals (scans), join filter (joins)
	bitmap   *bmNode
	param    bool // a parameterized inner scan

	jkind      JoinKind
	outer      *path
	inner      *path
	hashOuter  []analyze.Expr
	hashInner  []analyze.Expr
	child      *path
	uniqueKeys []analyze.Expr
	node       Node    // pItem: prebuilt
	calls      float64 // pMemoize: expected lookups
	ndistinct  float64 // pMemoize: distinct keys
	lay        layout
	width0     int
}

func (o *optimizer) init(p *planner, env *Env) {
	o.p = p
	o.env = env
	if env == nil {
		d := DefaultSettings()
		o.s = &d
	} else {
		o.s = &env.S
	}
	o.rels = map[int]*baseRel{}
}

// setupRel computes a table's size (estimate_rel_size) and its indexes.
func (o *optimizer) setupRel(br *baseRel) {
	rel := br.rte.Rel
	var relpages, reltuples, relallvis float64 = 0, -1, 0
	if o.env != nil && o.env.Class != nil {
		relpages, reltuples, relallvis = o.env.Class(rel)
	}
	curpages := -1.0
	if o.env != nil && o.env.NBlocks != nil {
		curpages = o.env.NBlocks(rel)
	}
	if curpages < 0 {
		curpages = relpages
	}
	if curpages < 10 && reltuples < 0 {
		curpages = 10
	}
	br.pages = curpages
	br.width = o.tupleWidth(br)
	if curpages == 0 {
		br.tuples = 0
	} else {
		var density float64
		if reltuples >= 0 && relpages > 0 {
			density = reltuples / relpages
		} else {
			tw := float64(o.dataWidth(br)) + heapTupleOverhead
			tw = maxAlign(tw)
			density = math.Floor((blockSize - pageHeaderSize) * defaultFillFactor / 100 / tw)
		}
		br.tuples = math.RoundToEven(density * curpages)
	}
	switch {
	case relallvis == 0 || curpages <= 0:
		br.allVisFrac = 0
	case relallvis >= curpages:
		br.allVisFrac = 1
	default:
		br.allVisFrac = relallvis / curpages
	}
	if o.env == nil || o.env.Indexes == nil {
		return
	}
	refs := o.env.Indexes(rel)
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].Rel.OID > refs[j].Rel.OID })
	for _, ref := range refs {
		ii := &indexInfo{ref: ref, info: ref.Info, nkeys: ref.Info.NKeys}
		if ref.Info.Pred != "" || ref.Info.Exprs != "" {
			continue // partial and expression indexes: not matched yet
		}
		for i, k := range ref.Info.Keys {
			ii.cols = append(ii.cols, int(k)-1)
			var opt int16
			if i < len(ref.Info.Options) {
				opt = ref.Info.Options[i]
			}
			ii.desc = append(ii.desc, opt&1 != 0)
			ii.nullsFirst = append(ii.nullsFirst, opt&2 != 0)
		}
		ii.pages = -1
		if o.env.NBlocks != nil && ref.Rel != nil {
			ii.pages = o.env.NBlocks(ref.Rel)
		}
		if ii.pages < 0 {
			ii.pages = math.Max(1, math.Ceil(br.tuples*float64(16+8*ii.nkeys)/blockSize))
		}
		ii.tuples = br.tuples
		ii.height = -1
		if o.env.TreeHeight != nil {
			ii.height = o.env.TreeHeight(ref)
		}
		if ii.height < 0 {
			ii.height = 0
			for leaf := ii.pages - 1; leaf > 1; leaf /= 300 {
				ii.height++
			}
		}
		br.indexes = append(br.indexes, ii)
	}
}

// typeWidth is get_typavgwidth.
func typeWidth(t *types.T, typmod int32) int {
	if t == nil {
		return 32
	}
	if t.Len > 0 {
		return int(t.Len)
	}
	if typmod > 0 && (t == types.Varchar || t.Name == "bpchar") {
		maxw := int(typmod-4)*4 + 4
		if t.Name == "bpchar" {
			return maxw
		}
		if maxw <= 32 {
			return maxw
		}
		if maxw < 1000 {
			return 32 + (maxw-32)/2
		}
		return 32 + (1000-32)/2
	}
	return 32
}

func (o *optimizer) colWidth(br *baseRel, col int) int {
	c := br.rte.Cols[col]
	if st := o.colStats(br, col); st != nil && st.AvgWidth > 0 {
		return int(st.AvgWidth)
	}
	return typeWidth(c.T, c.Mod)
}

// dataWidth is get_rel_data_width over all columns.
func (o *optimizer) dataWidth(br *baseRel) int {
	w := 0
	for i, c := range br.rte.Cols {
		if c.Dropped {
			continue
		}
		w += o.colWidth(br, i)
	}
	return w
}

// tupleWidth is the width of the columns the query reads.
func (o *optimizer) tupleWidth(br *baseRel) int {
	w := 0
	for i, c := range br.rte.Cols {
		if c.Dropped || (br.needed != nil && !br.needed[i]) {
			continue
		}
		w += o.colWidth(br, i)
	}
	return w
}

// ---- base relation paths ----

// scanPaths builds the paths of a table: Seq Scan, Index (Only) Scans,
// Bitmap Heap Scan.
func (o *optimizer) scanPaths(br *baseRel) []*path {
	rtes := map[int]bool{br.ri: true}
	var paths []*path
	seq := o.seqPath(br)
	seq.rtes = rtes
	paths = append(paths, seq)
	ex := o.env
	if ex == nil {
		return paths
	}
	var bitmapCands []*bmNode
	for _, ix := range br.indexes {
		clauses := o.matchIndexClauses(br, ix, br.quals, nil)
		fwd := indexKeys(br, ix, false)
		useful := usefulKeys(fwd, o.queryKeys)
		if useful == 0 {
			// an order a merge join can use (pathkeys_useful_for_merging)
			for useful < len(fwd) && o.mergeCols[varKey{br.ri, fwd[useful].expr.(*analyze.Var).Col}] {
				useful++
			}
		}
		bwd := indexKeys(br, ix, true)
		usefulB := usefulKeys(bwd, o.queryKeys)
		ios := o.indexOnlyOK(br, ix)
		// An "= ANY" clause on a later index column loses the index order
		// (build_index_paths' found_lower_saop_clause): ordered paths
		// leave it out; an unordered path uses it.
		ordered, lowerSA := clauses, false
		for _, c := range clauses {
			if c.array && c.col > 0 {
				lowerSA = true
			}
		}
		if lowerSA {
			ordered = nil
			for _, c := range clauses {
				if !(c.array && c.col > 0) {
					ordered = append(ordered, c)
				}
			}
		}
		if ex.Exec.IndexScan && (len(ordered) > 0 || useful > 0 || usefulB > 0 || ios) {
			ip := o.indexPath(br, ix, ordered, false, ios, 1)
			ip.keys = fwd[:useful]
			ip.rtes = rtes
			paths = append(paths, ip)
			if usefulB > 0 {
				bp := o.indexPath(br, ix, ordered, true, ios, 1)
				bp.keys = bwd[:usefulB]
				bp.rtes = rtes
				paths = append(paths, bp)
			}
		}
		if ex.Exec.IndexScan && lowerSA {
			ip := o.indexPath(br, ix, clauses, false, ios, 1)
			ip.rtes = rtes
			paths = append(paths, ip)
		}
		if ex.Exec.BitmapScan && len(clauses) > 0 {
			bitmapCands = append(bitmapCands, o.bitmapIndex(br, ix, clauses, 1))
		}
	}
	if ex.Exec.BitmapScan {
		bitmapCands = append(bitmapCands, o.bitmapOrs(br)...)
		if len(bitmapCands) > 0 {
			bm := o.chooseBitmapAnd(br, bitmapCands)
			bp := o.bitmapHeapPath(br, bm, 1)
			bp.rtes = rtes
			paths = append(paths, bp)
		}
	}
	return paths
}

func (o *optimizer) seqPath(br *baseRel) *path {
	st, pt := o.qualCost(br.quals)
	p := &path{kind: pSeq, br: br, quals: br.quals, rows: br.rows, width: br.width}
	p.startup = st
	if !o.s.EnableSeqScan {
		p.startup += disableCost
	}
	p.total = p.startup + o.s.SeqPageCost*br.pages + (o.s.CPUTupleCost+pt)*br.tuples
	return p
}

// indexKeys is the ordering an index scan gives, as path keys over the
// table's Vars.
func indexKeys(br *baseRel, ix *indexInfo, backward bool) []pathKey {
	var out []pathKey
	for i := 0; i < ix.nkeys; i++ {
		c := ix.cols[i]
		if c < 0 {
			break
		}
		col := br.rte.Cols[c]
		v := &analyze.Var{RTE: br.ri, Col: c, T: col.T, Mod: col.Mod, Name: col.Name}
		desc, nf := ix.desc[i], ix.nullsFirst[i]
		if backward {
			desc, nf = !desc, !nf
		}
		out = append(out, pathKey{expr: v, desc: desc, nullsFirst: nf})
	}
	return out
}

// usefulKeys is how many leading keys of have match want (all of want,
// or nothing).
func usefulKeys(have, want []pathKey) int {
	if len(want) == 0 || len(have) < len(want) {
		return 0
	}
	for i, w := range want {
		if !keyEqual(have[i], w) {
			return 0
		}
	}
	return len(want)
}

func keyEqual(a, b pathKey) bool {
	return a.desc == b.desc && a.nullsFirst == b.nullsFirst && sameVar(a.expr, b.expr)
}

func sameVar(a, b analyze.Expr) bool {
	a, b = stripRelabel(a), stripRelabel(b)
	va, ok1 := a.(*analyze.Var)
	vb, ok2 := b.(*analyze.Var)
	if ok1 && ok2 {
		return va.RTE == vb.RTE && va.Col == vb.Col
	}
	return analyze.ExprEqual(a, b)
}

// keysSatisfy reports whether an ordering have begins with want.
func keysSatisfy(have, want []pathKey) bool {
	if len(want) > len(have) {
		return false
	}
	for i, w := range want {
		if !keyEqual(have[i], w) {
			return false
		}
	}
	return true
}

func (o *optimizer) indexOnlyOK(br *baseRel, ix *indexInfo) bool {
	if o.noIOS || br.emitCTID || br.needed == nil || !o.env.Exec.IndexOnlyScan || !o.s.EnableIndexOnlyScan {
		return false
	}
	have := map[int]bool{}
	for _, c := range ix.cols {
		have[c] = true
	}
	for c := range br.needed {
		if !have[c] {
			return false
		}
	}
	return true
}

// matchIndexClauses finds the clauses an index can evaluate:
// col op pseudo-constant (or, with outer, op an expression of outer's
// relations), IS [NOT] NULL.
func (o *optimizer) matchIndexClauses(br *baseRel, ix *indexInfo, quals []analyze.Expr, outer map[int]bool) []idxClause {
	var out []idxClause
	for _, q := range quals {
		for k := 0; k < ix.nkeys; k++ {
			if c, ok := o.matchClause(br, ix.cols[k], q, outer); ok {
				c.col = k
				out = append(out, c)
				break
			}
		}
	}
	// in index column order, as PostgreSQL lists index conditions
	sort.SliceStable(out, func(i, j int) bool { return out[i].col < out[j].col })
	return out
}

func isCol(e analyze.Expr, ri, col int) bool {
	v, ok := stripRelabel(e).(*analyze.Var)
	return ok && v.RTE == ri && v.Col == col
}

var commuteOp = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}
var keyOps = map[string]ScanKeyOp{"<": KeyLT, "<=": KeyLE, "=": KeyEQ, ">=": KeyGE, ">": KeyGT}

func (o *optimizer) matchClause(br *baseRel, col int, q analyze.Expr, outer map[int]bool) (idxClause, bool) {
	if col < 0 {
		return idxClause{}, false
	}
	switch x := q.(type) {
	case *analyze.NullTest:
		if isCol(x.Arg, br.ri, col) && outer == nil {
			op := KeyIsNull
			if x.Not {
				op = KeyIsNotNull
			}
			return idxClause{op: op, clause: q}, true
		}
	case *analyze.ScalarArrayOpExpr:
		// col = ANY (array) (match_saopclause_to_indexcol): not
		// parameterized by other relations
		if x.All || x.Op == nil || x.Op.Name != "=" || outer != nil || !indexableTypes(x.Op) || !isCol(x.Left, br.ri, col) {
			return idxClause{}, false
		}
		arg, n, ok := saopArray(x)
		if !ok {
			return idxClause{}, false
		}
		return idxClause{op: KeyEQ, arg: arg, clause: q, array: true, nelems: n}, true
	case *analyze.OpExpr:
		if len(x.Args) != 2 {
			return idxClause{}, false
		}
		name := x.Op.Name
		if _, ok := keyOps[name]; !ok {
			return idxClause{}, false
		}
		if !indexableTypes(x.Op) {
			return idxClause{}, false
		}
		argOK := func(e analyze.Expr) bool {
			if outer == nil {
				return isPseudoConst(e)
			}
			r, opaque := o.refs(e)
			if opaque || len(r) == 0 || !subset(r, outer) {
				return false
			}
			return !hasOuterRefs(e)
		}
		if isCol(x.Args[0], br.ri, col) && argOK(x.Args[1]) {
			return idxClause{op: keyOps[name], arg: x.Args[1], clause: q, param: outer != nil}, true
		}
		if isCol(x.Args[1], br.ri, col) && argOK(x.Args[0]) {
			c := idxClause{op: keyOps[commuteOp[name]], arg: x.Args[0], clause: q, param: outer != nil}
			if com, ok := types.OperatorByOID(x.Op.Commutator); ok && x.Op.Commutator != 0 {
				c.shown = &analyze.OpExpr{Op: com, Args: []analyze.Expr{x.Args[1], x.Args[0]}, T: x.T}
			}
			return c, true
		}
	}
	return idxClause{}, false
}

// saopArray is the array operand of x = ANY (...) as one expression (an
// IN list becomes an ARRAY[...] of its elements) when it is a
// pseudo-constant, and its estimated length (estimate_array_length: the
// elements of a constant or ARRAY[...], else 10).
func saopArray(x *analyze.ScalarArrayOpExpr) (analyze.Expr, int, bool) {
	if x.Array != nil {
		if !isPseudoConst(x.Array) {
			return nil, 0, false
		}
		n := 10
		switch a := stripRelabel(x.Array).(type) {
		case *analyze.ArrayExpr:
			n = len(a.Elems)
		case *analyze.Const:
			if v, ok := a.Val.(*types.Array); ok {
				n = len(v.Elems)
			}
		}
		return x.Array, n, true
	}
	if len(x.Elems) == 0 {
		return nil, 0, false
	}
	for _, e := range x.Elems {
		if !isPseudoConst(e) {
			return nil, 0, false
		}
	}
	et := x.Elems[0].Type()
	at := et.Array()
	if at == nil {
		return nil, 0, false
	}
	return &analyze.ArrayExpr{Elems: x.Elems, T: at}, len(x.Elems), true
}

// indexableTypes: the executor compares index keys across the integer
// types and within one type.
func indexableTypes(op *types.Operator) bool {
	if op.Left == op.Right {
		return true
	}
	l, _ := types.ByOID(op.Left)
	r, _ := types.ByOID(op.Right)
	ints := map[*types.T]bool{types.Int2: true, types.Int4: true, types.Int8: true}
	return ints[l] && ints[r]
}

func hasOuterRefs(e analyze.Expr) bool {
	found := false
	analyze.Walk(e, func(x analyze.Expr) bool {
		switch x.(type) {
		case *analyze.OuterVar, *analyze.SubLink:
			found = true
		}
		return !found
	})
	return found
}

func clauseExprs(cs []idxClause) []analyze.Expr {
	var out []analyze.Expr
	for _, c := range cs {
		out = append(out, c.clause)
	}
	return out
}

// indexCost is btcostestimate + genericcostestimate.
func (o *optimizer) indexCost(br *baseRel, ix *indexInfo, clauses []idxClause, loops float64) (startup, total, sel, corr float64) {
	all := clauseExprs(clauses)
	// boundary quals: leading '=' columns and the next column's clauses.
	var bound []analyze.Expr
	eqHere := false
	lastCol := -1
	// num_sa_scans: an "= ANY (array)" clause makes one descent per
	// element; boundSA counts those among the boundary quals only.
	boundSA, numSA := 1.0, 1.0
	foundSAOP := false
	for _, c := range clauses {
		if c.array && c.nelems > 1 {
			numSA *= float64(c.nelems)
		}
	}
	for k := 0; k < ix.nkeys; k++ {
		var here []idxClause
		for _, c := range clauses {
			if c.col == k {
				here = append(here, c)
			}
		}
		if len(here) == 0 {
			break
		}
		eqHere = false
		for _, c := range here {
			bound = append(bound, c.clause)
			if c.op == KeyEQ || c.op == KeyIsNull {
				eqHere = true
			}
			if c.array {
				foundSAOP = true
				if c.nelems > 1 {
					boundSA *= float64(c.nelems)
				}
			}
		}
		lastCol = k
		if !eqHere {
			break
		}
	}
	hasNullOp := false
	for _, c := range clauses {
		if c.op == KeyIsNull || c.op == KeyIsNotNull {
			hasNullOp = true
		}
	}
	var numIndexTuples float64
	if ix.info.Unique && lastCol == ix.nkeys-1 && eqHere && !hasNullOp && !foundSAOP {
		numIndexTuples = 1
	} else {
		numIndexTuples = math.RoundToEven(o.clauseListSel(bound, JoinInner) * ix.tuples / boundSA)
	}
	sel = o.clauseListSel(all, JoinInner)
	if numIndexTuples <= 0 {
		numIndexTuples = math.RoundToEven(sel * br.tuples / numSA)
	}
	if numIndexTuples > ix.tuples {
		numIndexTuples = ix.tuples
	}
	if numIndexTuples < 1 {
		numIndexTuples = 1
	}
	var numIndexPages float64
	if ix.pages > 1 && ix.tuples > 1 {
		numIndexPages = math.Ceil(numIndexTuples * ix.pages / ix.tuples)
	} else {
		numIndexPages = 1
	}
	var indexTotal float64
	if loops*numSA > 1 {
		pf := o.indexPagesFetched(numIndexPages*loops*numSA, ix.pages, ix.pages)
		indexTotal = pf * o.s.RandomPageCost / loops
	} else {
		indexTotal = numIndexPages * o.s.RandomPageCost
	}
	// operands that are not constants are evaluated once per scan
	argCost := 0.0
	for _, c := range clauses {
		if c.arg != nil {
			_, pt := o.qualCost([]analyze.Expr{c.arg})
			argCost += pt
		}
	}
	qualOp := o.s.CPUOperatorCost * float64(len(clauses))
	startup = argCost
	indexTotal += argCost
	indexTotal += numIndexTuples * numSA * (o.s.CPUIndexTupleCost + qualOp)
	if ix.tuples > 1 {
		d := math.Ceil(math.Log(ix.tuples)/math.Log(2)) * o.s.CPUOperatorCost
		startup += d
		indexTotal += numSA * d
	}
	d := float64(ix.height+1) * 50 * o.s.CPUOperatorCost
	startup += d
	indexTotal += numSA * d
	if ix.cols[0] >= 0 {
		if st := o.colStats(br, ix.cols[0]); st != nil && st.HasCorrelation {
			corr = st.Correlation
			if ix.desc[0] {
				corr = -corr
			}
			if ix.nkeys > 1 {
				corr *= 0.75
			}
		}
	}
	return startup, indexTotal, sel, corr
}

// indexPath is cost_index for a (possibly parameterized: loops > 1 and
// clauses with outer arguments) index scan.
func (o *optimizer) indexPath(br *baseRel, ix *indexInfo, clauses []idxClause, backward, indexOnly bool, loops float64) *path {
	p := &path{kind: pIndex, br: br, ix: ix, iclauses: clauses, backward: backward, width: br.width}
	if indexOnly {
		p.kind = pIndexOnly
	}
	used := map[analyze.Expr]bool{}
	for _, c := range clauses {
		used[c.clause] = true
	}
	for _, q := range br.quals {
		if !used[q] {
			p.quals = append(p.quals, q)
		}
	}
	p.rows = br.rows
	ist, itot, sel, corr := o.indexCost(br, ix, clauses, loops)
	startup := ist
	if !o.s.EnableIndexScan {
		startup += disableCost
	}
	run := itot - ist
	tuplesFetched := clampRows(sel * br.tuples)
	var maxIO, minIO float64
	if loops > 1 {
		pf := o.indexPagesFetched(tuplesFetched*loops, br.pages, ix.pages)
		if indexOnly {
			pf = math.Ceil(pf * (1 - br.allVisFrac))
		}
		maxIO = pf * o.s.RandomPageCost / loops
		pf = math.Ceil(sel * br.pages)
		pf = o.indexPagesFetched(pf*loops, br.pages, ix.pages)
		if indexOnly {
			pf = math.Ceil(pf * (1 - br.allVisFrac))
		}
		minIO = pf * o.s.RandomPageCost / loops
	} else {
		pf := o.indexPagesFetched(tuplesFetched, br.pages, ix.pages)
		if indexOnly {
			pf = math.Ceil(pf * (1 - br.allVisFrac))
		}
		maxIO = pf * o.s.RandomPageCost
		pf = math.Ceil(sel * br.pages)
		if indexOnly {
			pf = math.Ceil(pf * (1 - br.allVisFrac))
		}
		if pf > 0 {
			minIO = o.s.RandomPageCost
			if pf > 1 {
				minIO += (pf - 1) * o.s.SeqPageCost
			}
		}
	}
	run += maxIO + corr*corr*(minIO-maxIO)
	qs, qp := o.qualCost(p.quals)
	startup += qs
	run += (o.s.CPUTupleCost + qp) * tuplesFetched
	p.startup = startup
	p.total = startup + run
	return p
}

// bitmapIndex is a Bitmap Index Scan's cost (cost_bitmap_tree_node).
func (o *optimizer) bitmapIndex(br *baseRel, ix *indexInfo, clauses []idxClause, loops float64) *bmNode {
	_, itot, sel, _ := o.indexCost(br, ix, clauses, loops)
	rows := clampRows(sel * br.tuples)
	return &bmNode{ix: ix, clauses: clauses, sel: sel, rows: rows, cost: itot + 0.1*o.s.CPUOperatorCost*rows}
}

// bitmapOrs builds BitmapOr trees for OR clauses whose every arm an index
// can evaluate (generate_bitmap_or_paths).
func (o *optimizer) bitmapOrs(br *baseRel) []*bmNode {
	var out []*bmNode
	for _, q := range br.quals {
		b, ok := q.(*analyze.BoolExpr)
		if !ok || b.Op != analyze.Or {
			continue
		}
		var arms []*bmNode
		ok = true
		exact := true
		for _, arm := range b.Args {
			var best *bmNode
			bestExact := false
			for _, ix := range br.indexes {
				conj := splitAnd(arm)
				cs := o.matchIndexClauses(br, ix, conj, nil)
				if len(cs) == 0 {
					continue
				}
				n := o.bitmapIndex(br, ix, cs, 1)
				if best == nil || n.cost < best.cost {
					best = n
					bestExact = len(cs) == len(conj)
				}
			}
			if best == nil {
				ok = false
				break
			}
			exact = exact && bestExact
			arms = append(arms, best)
		}
		if !ok {
			continue
		}
		n := &bmNode{or: arms}
		sel := 0.0
		for i, a := range arms {
			n.cost += a.cost
			sel += a.sel
			if i > 0 {
				n.cost += 100 * o.s.CPUOperatorCost
			}
		}
		n.sel = math.Min(sel, 1)
		n.rows = clampRows(n.sel * br.tuples)
		if exact {
			// the bitmap finds exactly the rows of q: no need to filter by it
			n.clauses = []idxClause{{clause: q}}
		}
		out = append(out, n)
	}
	return out
}

// chooseBitmapAnd picks the cheapest bitmap heap scan among single index
// scans and ANDs of them (choose_bitmap_and, simplified: indexes sorted
// by cost, each added while it lowers the heap scan's cost).
func (o *optimizer) chooseBitmapAnd(br *baseRel, cands []*bmNode) *bmNode {
	sort.SliceStable(cands, func(i, j int) bool {
		ci := o.bitmapHeapPath(br, cands[i], 1).total
		cj := o.bitmapHeapPath(br, cands[j], 1).total
		if ci != cj {
			return ci < cj
		}
		return cands[i].sel < cands[j].sel
	})
	best := cands[0]
	bestCost := o.bitmapHeapPath(br, best, 1).total
	cur := []*bmNode{best}
	usedClauses := map[analyze.Expr]bool{}
	for _, c := range best.clauses {
		usedClauses[c.clause] = true
	}
	for _, c := range cands[1:] {
		dup := false
		for _, cl := range c.clauses {
			if usedClauses[cl.clause] {
				dup = true
			}
		}
		if dup {
			continue
		}
		trial := append(append([]*bmNode{}, cur...), c)
		and := o.bitmapAndNode(trial)
		cost := o.bitmapHeapPath(br, and, 1).total
		if cost < bestCost {
			cur, best, bestCost = trial, and, cost
			for _, cl := range c.clauses {
				usedClauses[cl.clause] = true
			}
		}
	}
	return best
}

func (o *optimizer) bitmapAndNode(ns []*bmNode) *bmNode {
	n := &bmNode{and: ns, sel: 1}
	for i, x := range ns {
		n.cost += x.cost
		n.sel *= x.sel
		if i > 0 {
			n.cost += 100 * o.s.CPUOperatorCost
		}
		n.clauses = append(n.clauses, x.clauses...)
	}
	n.rows = 1
	return n
}

// bitmapHeapPath is cost_bitmap_heap_scan.
func (o *optimizer) bitmapHeapPath(br *baseRel, bm *bmNode, loops float64) *path {
	p := &path{kind: pBitmap, br: br, bitmap: bm, rows: br.rows, width: br.width}
	used := map[analyze.Expr]bool{}
	var collect func(n *bmNode)
	collect = func(n *bmNode) {
		for _, c := range n.clauses {
			used[c.clause] = true
		}
		for _, x := range n.and {
			collect(x)
		}
	}
	collect(bm)
	for _, q := range br.quals {
		if !used[q] {
			p.quals = append(p.quals, q)
		}
	}
	startup := bm.cost
	if !o.s.EnableBitmapScan {
		startup += disableCost
	}
	T := br.pages
	if T < 1 {
		T = 1
	}
	tuplesFetched := clampRows(bm.sel * br.tuples)
	var pagesFetched float64
	if loops > 1 {
		pagesFetched = o.indexPagesFetched(tuplesFetched*loops, br.pages, 0) / loops
	} else {
		pagesFetched = (2 * T * tuplesFetched) / (2*T + tuplesFetched)
	}
	if pagesFetched >= T {
		pagesFetched = T
	} else {
		pagesFetched = math.Ceil(pagesFetched)
	}
	costPerPage := o.s.RandomPageCost
	if pagesFetched >= 2 {
		costPerPage = o.s.RandomPageCost - (o.s.RandomPageCost-o.s.SeqPageCost)*math.Sqrt(pagesFetched/T)
	}
	run := pagesFetched * costPerPage
	qs, qp := o.qualCost(br.quals)
	startup += qs
	run += (o.s.CPUTupleCost + qp) * tuplesFetched
	p.startup = startup
	p.total = startup + run
	return p
}
