package plan

import (
	"math"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/analyze"
)

// layout maps a column of a range table entry to its position in a row.
type layout map[[2]int]int

type varKey = [2]int

// planner plans one query level.
type planner struct {
	q      *analyze.Query
	parent *planner
	shared *shared
	// cur is the layout of the row the expressions being fixed are
	// evaluated over; sublinks planned meanwhile resolve OuterVars with it.
	cur layout
	// ctes holds the plans of this level's WITH queries.
	ctes []*cteInfo
	// outCols are the planned output columns of a SELECT (names and types).
	outCols []*analyze.Target
	// push: this level is entered with a row pushed on the executor's
	// outer-row stack (a sublink, a LATERAL subquery).
	push bool
	// ctidFor is 1 + the RTE whose scan must emit its ctid as a last
	// column (UPDATE ... FROM), 0 for none.
	ctidFor int
	// opt is the cost-based planner of this level (cbo.go), nil when
	// FROM was planned by rules; upper is what it chose for the levels
	// above FROM.
	opt   *optimizer
	upper *upperChoice
}

type shared struct {
	nextCTE int
	env     *Env
}

type cteInfo struct {
	id        int
	plan      Node
	width     int
	recursive bool
	inBody    bool // planning the recursive term: references are WorkTableScans
}

// Plan builds the plan of a query with no knowledge of the database:
// every table never analyzed and without indexes.
func Plan(q *analyze.Query) (*Stmt, error) { return PlanWith(q, nil) }

// PlanWith builds the plan of a query, cost-based with what env tells of
// the database's indexes, statistics and settings.
func PlanWith(q *analyze.Query, env *Env) (*Stmt, error) {
	p := &planner{q: q, shared: &shared{env: env}}
	switch q.Cmd {
	case analyze.CmdSelect:
		root, err := p.planSelect()
		if err != nil {
			return nil, err
		}
		cols := q.Targets
		if p.outCols != nil {
			cols = p.outCols // types as planned (after constant folding), like PostgreSQL's
		}
		return &Stmt{Root: root, Columns: cols, Query: q}, nil
	case analyze.CmdInsert:
		rte := q.RTable[q.Result]
		var child Node
		if q.Source != nil {
			sp := &planner{q: q.Source, shared: p.shared}
			src, err := sp.planSelect()
			if err != nil {
				return nil, err
			}
			// Spread the source columns over the table's columns.
			targets := make([]*analyze.Target, len(rte.Cols))
			for i, c := range rte.Cols {
				var def analyze.Expr = &analyze.Const{T: c.T, Mod: c.Mod}
				if i < len(q.InsertDefaults) {
					d, err := p.fix(q.InsertDefaults[i], layout{})
					if err != nil {
						return nil, err
					}
					def = d
				}
				targets[i] = &analyze.Target{Expr: def, Name: c.Name}
			}
			for k, ci := range q.InsertCols {
				t := q.Source.Targets[k]
				targets[ci] = &analyze.Target{Expr: &analyze.Var{RTE: -1, Col: k, Index: k, T: t.Expr.Type(), Mod: t.Expr.Typmod()}, Name: rte.Cols[ci].Name}
			}
			child = &Projection{Child: src, Targets: targets, C: *src.Est()}
		} else {
			vals := make([][]analyze.Expr, len(q.Values))
			p.cur = layout{}
			for i, row := range q.Values {
				for _, e := range row {
					fe, err := p.fix(e, layout{})
					if err != nil {
						return nil, err
					}
					vals[i] = append(vals[i], fe)
				}
			}
			child = &Values{Rows: vals, C: Cost{Total: CPUOperatorCost * float64(len(vals)), Rows: float64(len(vals))}}
		}
		st, err := p.modify(rte, child, layoutOf(q.Result, len(rte.Cols)))
		if err != nil || q.OnConflict == nil {
			return st, err
		}
		oc := q.OnConflict
		poc := &OnConflict{DoUpdate: oc.DoUpdate, ArbiterCols: oc.ArbiterCols, Constraint: oc.Constraint}
		lay := layoutOf(q.Result, len(rte.Cols))
		for c := range rte.Cols {
			lay[varKey{oc.Excluded, c}] = len(rte.Cols) + c
		}
		for _, s := range oc.Set {
			e, err := p.fix(s.Expr, lay)
			if err != nil {
				return nil, err
			}
			poc.Set = append(poc.Set, analyze.SetItem{Col: s.Col, Expr: e})
		}
		if poc.Where, err = p.fix(oc.Where, lay); err != nil {
			return nil, err
		}
		st.Root.(*ModifyTable).OnConflict = poc
		return st, nil
	case analyze.CmdUpdate, analyze.CmdDelete:
		rte := q.RTable[q.Result]
		if len(q.From) > 1 {
			// UPDATE ... FROM / DELETE ... USING: join, carrying the target's ctid.
			p.ctidFor = q.Result + 1
			node, lay, err := p.planFrom()
			if err != nil {
				return nil, err
			}
			st, err := p.modify(rte, node, lay)
			if err != nil {
				return nil, err
			}
			m := st.Root.(*ModifyTable)
			for c := range rte.Cols {
				m.TargetCols = append(m.TargetCols, lay[varKey{q.Result, c}])
			}
			m.CTIDIndex = lay[varKey{q.Result, len(rte.Cols)}]
			return st, nil
		}
		lay := layoutOf(q.Result, len(rte.Cols))
		if node, ok, err := p.planModifyScan(); ok || err != nil {
			if err != nil {
				return nil, err
			}
			return p.modify(rte, node, lay)
		}
		qual, err := p.fix(q.Where, lay)
		if err != nil {
			return nil, err
		}
		scan := seqScan(rte, qual)
		return p.modify(rte, scan, lay)
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot plan this statement")
}

func layoutOf(rte, width int) layout {
	l := layout{}
	for c := 0; c < width; c++ {
		l[varKey{rte, c}] = c
	}
	return l
}

func (p *planner) modify(rte *analyze.RTE, child Node, lay layout) (*Stmt, error) {
	q := p.q
	m := &ModifyTable{Cmd: q.Cmd, Rel: rte.Rel, Cols: rte.Cols, Child: child}
	for _, s := range q.Set {
		e, err := p.fix(s.Expr, lay)
		if err != nil {
			return nil, err
		}
		m.Set = append(m.Set, analyze.SetItem{Col: s.Col, Expr: e})
	}
	var cols []*analyze.Target
	for _, t := range q.Returning {
		e, err := p.fix(t.Expr, lay)
		if err != nil {
			return nil, err
		}
		m.Returning = append(m.Returning, &analyze.Target{Expr: e, Name: t.Name})
		cols = append(cols, t)
	}
	m.C = *child.Est()
	m.C.Total += CPUTupleCost * m.C.Rows
	return &Stmt{Root: m, Columns: cols, Query: q}, nil
}

// fix copies e with every Var's Index set from lay (P2), planning the
// subqueries it contains.
func (p *planner) fix(e analyze.Expr, lay layout) (analyze.Expr, error) {
	if e == nil {
		return nil, nil
	}
	saved := p.cur
	p.cur = lay
	defer func() { p.cur = saved }()
	e, err := analyze.Simplify(p.bindParams(e))
	if err != nil {
		return nil, err
	}
	out := analyze.MapExpr(e, func(x analyze.Expr) analyze.Expr {
		if err != nil {
			return nil
		}
		switch v := x.(type) {
		case *analyze.Var:
			if v.RTE < 0 {
				return nil // already positional (set-operation outputs)
			}
			i, ok := lay[varKey{v.RTE, v.Col}]
			if !ok {
				err = pgerr.New(pgerr.InternalError, "variable %s not found in plan row", v.Name)
				return nil
			}
			v.Index = i
		case *analyze.OuterVar:
			// The executor keeps a stack of enclosing rows, pushed only where
			// a level is entered per row (a sublink, a LATERAL item), so the
			// stack distance counts those crossings only.
			anc := p
			execLevels := 0
			for k := 0; k < v.Levels && anc != nil; k++ {
				if anc.push {
					execLevels++
				}
				anc = anc.parent
			}
			v.Levels = execLevels
			if anc == nil || anc.cur == nil {
				err = pgerr.New(pgerr.InternalError, "outer reference %s has no enclosing row", v.Var.Name)
				return nil
			}
			i, ok := anc.cur[varKey{v.Var.RTE, v.Var.Col}]
			if !ok {
				err = pgerr.New(pgerr.FeatureNotSupported, "outer reference to %s is not supported in this position", v.Var.Name)
				return nil
			}
			v.Var.Index = i
		case *analyze.SubLink:
			child := &planner{q: v.Query, parent: p, shared: p.shared, push: true}
			root, perr := child.planSelect()
			if perr != nil {
				err = perr
				return nil
			}
			v.Plan = &Stmt{Root: root, Columns: v.Query.Targets, Query: v.Query}
		}
		return nil
	})
	return out, err
}

func (p *planner) fixAll(es []analyze.Expr, lay layout) ([]analyze.Expr, error) {
	var out []analyze.Expr
	for _, e := range es {
		f, err := p.fix(e, lay)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// planSelect plans a SELECT, VALUES or set operation query.
func (p *planner) planSelect() (Node, error) {
	var inlined []bool
	p.q, inlined = inlineCTEs(p.q)
	q := p.q
	if err := p.planCTEs(inlined); err != nil {
		return nil, err
	}
	if q.SetOp != nil {
		return p.planSetOp()
	}
	if n, ok, err := p.planMinMax(); ok || err != nil {
		return n, err
	}
	node, lay, err := p.planFrom()
	if err != nil {
		return nil, err
	}
	// Upper expressions: targets, sort keys, HAVING, DISTINCT ON.
	targets := make([]analyze.Expr, len(q.Targets))
	for i, t := range q.Targets {
		targets[i] = t.Expr
	}
	having := q.Having
	var sortExprs []analyze.Expr
	for _, k := range q.Sort {
		sortExprs = append(sortExprs, k.Expr)
	}
	distinctOn := q.DistinctOn

	if q.HasAggs {
		keys, err := p.fixAll(q.GroupBy, lay)
		if err != nil {
			return nil, err
		}
		agg := &Agg{Child: node, GroupKeys: keys, GroupingSets: q.GroupingSets, Strategy: AggHashed}
		if len(keys) == 0 && q.GroupingSets == nil {
			agg.Strategy = AggPlain
		}
		if u := p.upper; u != nil && u.aggSorted && agg.Strategy == AggHashed {
			// GroupAggregate: its input sorted by the group keys.
			agg.Strategy = AggSorted
			if u.sortNeeds {
				var sk []*analyze.SortKey
				for _, k := range u.groupKeys {
					fe, err := p.fix(k.expr, lay)
					if err != nil {
						return nil, err
					}
					sk = append(sk, &analyze.SortKey{Expr: fe, Desc: k.desc, NullsFirst: k.nullsFirst})
				}
				c := *node.Est()
				c.Startup, c.Total = p.opt.sortCost(c.Startup, c.Total, c.Rows, c.Width, -1)
				node = &Sort{Child: node, Keys: sk, C: c}
				agg.Child = node
			}
		}
		for _, a := range q.Aggs {
			fa, err := p.fix(a, lay)
			if err != nil {
				return nil, err
			}
			ag := fa.(*analyze.Aggref)
			ag.Index = len(keys) + a.ID
			agg.Aggs = append(agg.Aggs, ag)
		}
		agg.C = Cost{Total: node.Est().Total + node.Est().Rows*CPUOperatorCost, Rows: 200, Width: 8 * (len(keys) + len(q.Aggs))}
		if agg.Strategy == AggPlain {
			agg.C.Rows = 1
		} else if p.upper != nil && p.upper.numGroups > 0 {
			agg.C.Rows = p.upper.numGroups
		}
		if o := p.opt; o != nil {
			// cost_agg
			in := node.Est()
			_, trans := o.aggTransCost(agg.Aggs)
			ncols := float64(len(keys))
			switch agg.Strategy {
			case AggPlain:
				agg.C.Startup = in.Total + trans*in.Rows
				agg.C.Total = agg.C.Startup + o.s.CPUTupleCost
			case AggSorted:
				agg.C.Startup = in.Startup
				agg.C.Total = in.Total + (trans+o.s.CPUOperatorCost*ncols)*in.Rows + o.s.CPUTupleCost*agg.C.Rows
			default:
				agg.C.Startup = in.Total + (trans+o.s.CPUOperatorCost*ncols)*in.Rows
				agg.C.Total = agg.C.Startup + o.s.CPUTupleCost*agg.C.Rows
			}
		}
		node = agg
		// Above the Agg, group keys and aggregates are columns of its row.
		up := func(e analyze.Expr) analyze.Expr {
			return analyze.MapTopDown(e, func(x analyze.Expr) (analyze.Expr, bool) {
				for i, g := range q.GroupBy {
					if analyze.ExprEqual(g, x) {
						return &analyze.Var{RTE: -1, Col: i, Index: i, T: x.Type(), Mod: x.Typmod()}, true
					}
				}
				if a, ok := x.(*analyze.Aggref); ok {
					i := len(q.GroupBy) + a.ID
					return &analyze.Var{RTE: -1, Col: i, Index: i, T: a.T, Mod: -1}, true
				}
				return nil, false
			})
		}
		for i := range targets {
			targets[i] = up(targets[i])
		}
		having = up(having)
		for i := range sortExprs {
			sortExprs[i] = up(sortExprs[i])
		}
		for i := range distinctOn {
			distinctOn[i] = up(distinctOn[i])
		}
		for _, w := range q.WindowFuncs {
			for i := range w.Args {
				w.Args[i] = up(w.Args[i])
			}
			for i := range w.Window.PartitionBy {
				w.Window.PartitionBy[i] = up(w.Window.PartitionBy[i])
			}
			for _, k := range w.Window.OrderBy {
				k.Expr = up(k.Expr)
			}
		}
		// Only positional Vars remain above the Agg; outer references from
		// subqueries in HAVING or the targets may still name grouped
		// columns, found at their group key's position.
		lay = layout{}
		for i, g := range q.GroupBy {
			if v, ok := g.(*analyze.Var); ok && v.RTE >= 0 {
				lay[varKey{v.RTE, v.Col}] = i
			}
		}
		if having != nil {
			h, err := p.fix(having, lay)
			if err != nil {
				return nil, err
			}
			node = &Filter{Child: node, Qual: h, C: *node.Est()}
		}
	}
	if len(q.WindowFuncs) > 0 {
		width0 := widthOf(lay)
		if q.HasAggs {
			width0 = len(q.GroupBy) + len(q.Aggs)
		}
		node, targets, sortExprs, err = p.planWindows(node, lay, width0, targets, sortExprs)
		if err != nil {
			return nil, err
		}
	}
	// Projection: the targets, then junk columns for sort keys that are not targets.
	width := len(targets)
	proj := &Projection{Child: node, C: *node.Est()}
	for i, t := range targets {
		ft, err := p.fix(t, lay)
		if err != nil {
			return nil, err
		}
		proj.Targets = append(proj.Targets, &analyze.Target{Expr: ft, Name: q.Targets[i].Name})
	}
	findOrAdd := func(e analyze.Expr) (int, error) {
		for i := range targets {
			if analyze.ExprEqual(targets[i], e) {
				return i, nil
			}
		}
		fe, err := p.fix(e, lay)
		if err != nil {
			return 0, err
		}
		targets = append(targets, e)
		proj.Targets = append(proj.Targets, &analyze.Target{Expr: fe, Name: "?junk?"})
		return len(proj.Targets) - 1, nil
	}
	var sortKeys []*analyze.SortKey
	for i, k := range q.Sort {
		idx, err := findOrAdd(sortExprs[i])
		if err != nil {
			return nil, err
		}
		sortKeys = append(sortKeys, &analyze.SortKey{Expr: posVar(idx, sortExprs[i]), Desc: k.Desc, NullsFirst: k.NullsFirst})
	}
	var onKeys []analyze.Expr
	for _, d := range distinctOn {
		idx, err := findOrAdd(d)
		if err != nil {
			return nil, err
		}
		onKeys = append(onKeys, posVar(idx, d))
	}
	proj.C.Width = 8 * len(proj.Targets)
	p.outCols = proj.Targets[:width:width]
	node = proj
	for _, t := range proj.Targets {
		if f, ok := t.Expr.(*analyze.FuncExpr); ok && f.SRF != nil {
			node = &ProjectSet{Child: proj.Child, Targets: proj.Targets, C: proj.C}
			break
		}
	}
	if len(onKeys) > 0 {
		// DISTINCT ON: sort by the ON keys (then ORDER BY), keep each group's first row.
		var keys []*analyze.SortKey
		for i, k := range onKeys {
			if i < len(sortKeys) {
				keys = append(keys, sortKeys[i])
			} else {
				keys = append(keys, &analyze.SortKey{Expr: k})
			}
		}
		if len(sortKeys) > len(onKeys) {
			keys = append(keys, sortKeys[len(onKeys):]...)
		}
		node = &Sort{Child: node, Keys: keys, C: *node.Est()}
		node = &Unique{Child: node, Keys: onKeys, C: *node.Est()}
		sortKeys = nil
	} else if q.Distinct {
		node = &Unique{Child: node, Hashed: true, C: *node.Est()}
	}
	if len(sortKeys) > 0 && !(p.upper != nil && p.upper.skipSort) {
		c := *node.Est()
		if p.opt != nil {
			bound := -1.0
			if n := constCount(q.Limit); q.Limit != nil && n >= 0 {
				bound = n + math.Max(constCount(q.Offset), 0)
			}
			c.Startup, c.Total = p.opt.sortCost(c.Startup, c.Total, c.Rows, c.Width, bound)
		}
		node = &Sort{Child: node, Keys: sortKeys, C: c}
	}
	if q.Limit != nil || q.Offset != nil {
		lim, err := p.fix(q.Limit, layout{})
		if err != nil {
			return nil, err
		}
		off, err := p.fix(q.Offset, layout{})
		if err != nil {
			return nil, err
		}
		lc := *node.Est()
		if p.opt != nil {
			cnt := constCount(q.Limit)
			if q.Limit == nil {
				cnt = -1
			}
			lc.Startup, lc.Total, lc.Rows = limitCost(lc.Startup, lc.Total, lc.Rows, cnt, math.Max(constCount(q.Offset), 0))
		}
		node = &Limit{Child: node, Count: lim, Offset: off, WithTies: q.WithTies, Keys: sortKeys, C: lc}
	}
	if len(proj.Targets) > width {
		strip := &Projection{Child: node, C: *node.Est()}
		for i := 0; i < width; i++ {
			strip.Targets = append(strip.Targets, &analyze.Target{Expr: posVar(i, targets[i]), Name: q.Targets[i].Name})
		}
		node = strip
	}
	return node, nil
}

// posVar is a positional reference to column i of the input row.
func posVar(i int, like analyze.Expr) *analyze.Var {
	return &analyze.Var{RTE: -1, Col: i, Index: i, T: like.Type(), Mod: like.Typmod()}
}

// planWindows adds Sort + WindowAgg nodes, one per window function (a
// simple strategy: each gets its own sort), and maps window calls in the
// upper expressions to their output columns. A WindowAgg's row is its
// input row plus one column, so the input layout stays valid above it.
func (p *planner) planWindows(node Node, lay layout, width0 int, targets, sortExprs []analyze.Expr) (Node, []analyze.Expr, []analyze.Expr, error) {
	q := p.q
	for k, w := range q.WindowFuncs {
		fw, err := p.fix(w, lay)
		if err != nil {
			return nil, nil, nil, err
		}
		wf := fw.(*analyze.WindowFunc)
		spec := &analyze.WindowSpec{FrameMode: w.Window.FrameMode, StartKind: w.Window.StartKind, EndKind: w.Window.EndKind, Exclude: w.Window.Exclude}
		if spec.StartOffset, err = p.fix(w.Window.StartOffset, layout{}); err != nil {
			return nil, nil, nil, err
		}
		if spec.EndOffset, err = p.fix(w.Window.EndOffset, layout{}); err != nil {
			return nil, nil, nil, err
		}
		var keys []*analyze.SortKey
		for _, e := range w.Window.PartitionBy {
			fe, err := p.fix(e, lay)
			if err != nil {
				return nil, nil, nil, err
			}
			spec.PartitionBy = append(spec.PartitionBy, fe)
			keys = append(keys, &analyze.SortKey{Expr: fe})
		}
		for _, sk := range w.Window.OrderBy {
			fe, err := p.fix(sk.Expr, lay)
			if err != nil {
				return nil, nil, nil, err
			}
			key := &analyze.SortKey{Expr: fe, Desc: sk.Desc, NullsFirst: sk.NullsFirst}
			spec.OrderBy = append(spec.OrderBy, key)
			keys = append(keys, key)
		}
		if len(keys) > 0 {
			node = &Sort{Child: node, Keys: keys, C: *node.Est()}
		}
		wf.Index = width0 + k
		wf.Window = spec
		node = &WindowAgg{Child: node, Spec: spec, Funcs: []*analyze.WindowFunc{wf}, C: *node.Est()}
	}
	up := func(e analyze.Expr) analyze.Expr {
		return analyze.MapTopDown(e, func(x analyze.Expr) (analyze.Expr, bool) {
			if w, ok := x.(*analyze.WindowFunc); ok {
				i := width0 + w.ID
				return &analyze.Var{RTE: -1, Col: i, Index: i, T: w.T, Mod: -1}, true
			}
			return nil, false
		})
	}
	for i := range targets {
		targets[i] = up(targets[i])
	}
	for i := range sortExprs {
		sortExprs[i] = up(sortExprs[i])
	}
	return node, targets, sortExprs, nil
}

func widthOf(lay layout) int {
	max := -1
	for _, i := range lay {
		if i > max {
			max = i
		}
	}
	return max + 1
}

// planSetOp plans UNION / INTERSECT / EXCEPT and the ORDER BY / LIMIT on top.
func (p *planner) planSetOp() (Node, error) {
	q := p.q
	so := q.SetOp
	lp := &planner{q: so.Left, parent: p, shared: p.shared}
	left, err := lp.planSelect()
	if err != nil {
		return nil, err
	}
	rp := &planner{q: so.Right, parent: p, shared: p.shared}
	right, err := rp.planSelect()
	if err != nil {
		return nil, err
	}
	var node Node
	switch {
	case so.Op == 1 && so.All:
		node = &Append{Inputs: []Node{left, right}}
	default:
		kind := map[uint8]SetOpKind{1: SetUnion, 2: SetIntersect, 3: SetExcept}[so.Op]
		node = &SetOp{Op: kind, All: so.All, Left: left, Right: right}
	}
	c := Cost{Total: left.Est().Total + right.Est().Total, Rows: left.Est().Rows + right.Est().Rows}
	switch n := node.(type) {
	case *Append:
		n.C = c
	case *SetOp:
		n.C = c
	}
	var keys []*analyze.SortKey
	for _, k := range q.Sort {
		keys = append(keys, &analyze.SortKey{Expr: k.Expr, Desc: k.Desc, NullsFirst: k.NullsFirst})
	}
	if len(keys) > 0 {
		node = &Sort{Child: node, Keys: keys, C: *node.Est()}
	}
	if q.Limit != nil || q.Offset != nil {
		lim, err := p.fix(q.Limit, layout{})
		if err != nil {
			return nil, err
		}
		off, err := p.fix(q.Offset, layout{})
		if err != nil {
			return nil, err
		}
		node = &Limit{Child: node, Count: lim, Offset: off, WithTies: q.WithTies, Keys: keys, C: *node.Est()}
	}
	return node, nil
}

// planCTEs plans this level's WITH queries.
func (p *planner) planCTEs(inlined []bool) error {
	for i, c := range p.q.CTEs {
		info := &cteInfo{id: p.shared.nextCTE, width: len(c.Cols)}
		p.shared.nextCTE++
		p.ctes = append(p.ctes, info)
		if inlined != nil && inlined[i] {
			continue // planned where it is read, as a subquery
		}
		if !c.Recursive {
			cp := &planner{q: c.Query, parent: p, shared: p.shared}
			root, err := cp.planSelect()
			if err != nil {
				return err
			}
			info.plan = root
			continue
		}
		info.recursive = true
		np := &planner{q: c.NonRecursive, parent: p, shared: p.shared}
		nonRec, err := np.planSelect()
		if err != nil {
			return err
		}
		info.inBody = true
		rp := &planner{q: c.RecursiveQ, parent: p, shared: p.shared}
		rec, err := rp.planSelect()
		info.inBody = false
		if err != nil {
			return err
		}
		info.plan = &RecursiveUnion{ID: info.id, NonRecursive: nonRec, Recursive: rec, All: c.UnionAll, Width: info.width, C: *nonRec.Est()}
	}
	return nil
}

// cteRef returns the plan node reading CTE idx of the level `levels` up.
func (p *planner) cteRef(idx, levels int) (Node, error) {
	l := p
	for k := 0; k < levels && l != nil; k++ {
		l = l.parent
	}
	if l == nil || idx < 0 || idx >= len(l.ctes) {
		return nil, pgerr.New(pgerr.InternalError, "WITH query reference not found")
	}
	info := l.ctes[idx]
	if info.inBody {
		return &WorkTableScan{ID: info.id, Width: info.width}, nil
	}
	return &CTEScan{ID: info.id, Plan: info.plan, Width: info.width, C: *info.plan.Est()}, nil
}
