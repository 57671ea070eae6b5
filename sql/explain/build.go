package explain

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// Input is what Build formats besides the plan.
type Input struct {
	// Stats returns what a node did (EXPLAIN ANALYZE); nil without ANALYZE.
	Stats func(plan.Node) *Stats
	// Buffers returns a node's buffer usage (ANALYZE, BUFFERS); may be nil.
	Buffers func(plan.Node) *Buffers
	// SchemaName names a namespace for VERBOSE ("public" when nil).
	SchemaName func(base.OID) string
	// Planning and Execution are the summary times.
	Planning, Execution time.Duration
	// Settings are the non-default planner settings (SETTINGS on).
	Settings [][2]string
}

// Build makes the EXPLAIN tree of a planned statement.
func Build(st *plan.Stmt, opts Options, in Input) *Explain {
	b := &builder{opts: opts, in: in, nm: newNames(st.Query), subs: map[*analyze.SubLink]*subInfo{}, ctes: map[int]bool{}, extras: map[*Node]*extra{}}
	b.prefix = b.nm.count > 1 || opts.Verbose
	root := b.node(st.Root, nil)
	b.cteOwner = root
	b.flushCTEs()
	if opts.Verbose {
		b.prune(root, root.items, outExact)
	}
	b.finalize(root)
	root.Relationship = ""
	e := &Explain{Root: root, Opts: opts, Settings: in.Settings}
	if opts.Summary {
		e.ShowPlanning, e.Planning = true, in.Planning
		if opts.Analyze {
			e.ShowExecution, e.Execution = true, in.Execution
		}
	}
	return e
}

// Text formats a planned statement as EXPLAIN's text, lines joined by
// newlines: the helper plan-shape tests call with Options{} (COSTS OFF).
func Text(st *plan.Stmt, opts Options) string {
	opts.Format = FormatText
	return strings.Join(Build(st, opts, Input{}).Lines(), "\n")
}

// passThrough are the node types that return their input's rows as they
// are: VERBOSE prints their outputs as references to the input's.
var passThrough = map[string]bool{"Sort": true, "Limit": true, "Unique": true, "Materialize": true, "Hash": true,
	"Memoize": true, "SetOp": true, "Recursive Union": true, "Incremental Sort": true}

type subInfo struct {
	n      int
	init   bool
	param  int
	hashed bool
}

type builder struct {
	opts     Options
	in       Input
	nm       *names
	prefix   bool // qualify column names in upper expressions (E4)
	nextSub  int
	nextPrm  int
	subs     map[*analyze.SubLink]*subInfo
	ctes     map[int]bool
	pendCTE  []*Node
	cteOwner *Node
	extras   map[*Node]*extra
}

// pre and post subplans of a node, merged into Children by finalize.
type extra struct {
	pre, post []*Node
}

func (b *builder) extra(n *Node) *extra {
	x := b.extras[n]
	if x == nil {
		x = &extra{}
		b.extras[n] = x
	}
	return x
}

// finalize puts each node's InitPlans before and SubPlans after its
// children, as PostgreSQL prints them.
func (b *builder) finalize(n *Node) {
	for _, c := range n.Children {
		b.finalize(c)
	}
	if b.opts.Verbose && n.Output == nil && n.Type != "Append" && n.Type != "Recursive Union" {
		d := b.ctx(nil, false, nil, b.nm.count > 1)
		pass := passThrough[n.Type]
		items := n.items
		if n.out != nil {
			items = n.out
		}
		for _, it := range items {
			if it == nil {
				continue
			}
			if pass {
				n.Output = append(n.Output, d.ref(it, false))
			} else {
				n.Output = append(n.Output, d.itemText(it))
			}
		}
	}
	if x, ok := b.extras[n]; ok {
		delete(b.extras, n)
		for _, c := range append(append([]*Node(nil), x.pre...), x.post...) {
			b.finalize(c)
		}
		kids := append(append(append([]*Node(nil), x.pre...), n.Children...), x.post...)
		n.Children = kids
	}
}

// actual converts a node's run statistics.
func (b *builder) actual(st *Stats) *Actual {
	if !b.opts.Analyze {
		return nil
	}
	if st == nil || st.Loops == 0 {
		return &Actual{}
	}
	l := float64(st.Loops)
	return &Actual{Executed: true, Loops: st.Loops, TotalRows: st.Rows,
		Rows:    float64(st.Rows) / l,
		Startup: float64(st.Startup.Nanoseconds()) / 1e6 / l,
		Total:   float64(st.Total.Nanoseconds()) / 1e6 / l}
}

func (b *builder) stats(n plan.Node) *Stats {
	if b.in.Stats == nil || n == nil {
		return nil
	}
	return b.in.Stats(n)
}

// newNode starts the line of plan node p.
func (b *builder) newNode(p plan.Node, typ string) *Node {
	n := &Node{Type: typ, Label: typ, Plan: p}
	if p != nil {
		n.Cost = *p.Est()
		n.Actual = b.actual(b.stats(p))
		if b.opts.Analyze && b.opts.Buffers && b.in.Buffers != nil {
			n.Buffers = b.in.Buffers(p)
		}
	}
	return n
}

// mergedBuffers gives a node the buffer counts of the Tusk node merged
// above it (E2): they include the node's own.
func (b *builder) mergedBuffers(n *Node, p plan.Node) {
	if b.opts.Analyze && b.opts.Buffers && b.in.Buffers != nil {
		if u := b.in.Buffers(p); u != nil {
			n.Buffers = u
		}
	}
}

func (b *builder) addProp(n *Node, key string, val any) {
	n.Props = append(n.Props, Prop{Key: key, Val: val})
}

// removed adds "Rows Removed by ..." (per loop; text only when nonzero).
func (b *builder) removed(n *Node, key string, count int64) {
	if !b.opts.Analyze || n.Actual == nil {
		return
	}
	loops := n.Actual.Loops
	if loops == 0 {
		loops = 1
	}
	v := float64(count) / float64(loops)
	p := Prop{Key: key, Val: v}
	if count <= 0 {
		p.JSONOnly = true
	}
	n.Props = append(n.Props, p)
}

// qual adds a condition property.
func (b *builder) qual(n *Node, key string, e analyze.Expr, d *dctx) {
	if e == nil {
		return
	}
	b.subplans(n, d, e)
	b.addProp(n, key, d.expr(e))
}

// scanCtx is the context of a scan's own conditions: names unqualified
// unless VERBOSE (show_scan_qual).
func (b *builder) scanCtx(items []*item, outer [][]*item) *dctx {
	return b.ctx(items, false, outer, b.opts.Verbose)
}

func (b *builder) upperCtx(items []*item, outer [][]*item) *dctx {
	return b.ctx(items, false, outer, b.prefix)
}

// innerUnique adds "Inner Unique": always in JSON and YAML, in text with
// VERBOSE when true ("try not to be too chatty about this in text mode").
func (b *builder) innerUnique(n *Node, u bool) {
	n.Props = append(n.Props, Prop{Key: "Inner Unique", Val: u, JSONOnly: !(b.opts.Verbose && u)})
}

// groupedOn reports whether rows of p are unique on keys: p aggregates
// (or de-duplicates) by exactly the columns keys read (a semi join turned
// into a join with a unique inner side, as PostgreSQL's inner_unique).
func groupedOn(p plan.Node, keys []analyze.Expr) bool {
	pos := map[int]bool{}
	for _, k := range keys {
		v, ok := k.(*analyze.Var)
		if !ok {
			return false
		}
		pos[v.Index] = true
	}
	for {
		switch x := p.(type) {
		case *plan.Projection:
			next := map[int]bool{}
			for i := range pos {
				if i >= len(x.Targets) {
					return false
				}
				v, ok := x.Targets[i].Expr.(*analyze.Var)
				if !ok {
					return false
				}
				next[v.Index] = true
			}
			pos, p = next, x.Child
		case *plan.Sort:
			p = x.Child
		case *plan.Limit:
			p = x.Child
		case *plan.Agg:
			if x.GroupingSets != nil || len(x.GroupKeys) == 0 {
				return false
			}
			for i := range x.GroupKeys {
				if !pos[i] {
					return false
				}
			}
			return true
		case *plan.Unique:
			if len(x.Keys) > 0 {
				return false
			}
			return len(pos) > 0 && len(pos) >= countCols(x.Child)
		default:
			return false
		}
	}
}

// countCols is the width of a node's rows where it is known.
func countCols(p plan.Node) int {
	if pr, ok := p.(*plan.Projection); ok {
		return len(pr.Targets)
	}
	return 1 << 30
}

// joinLabel is a Hash or Merge join's name: "Hash Join", "Hash Left Join".
func joinLabel(method string, k plan.JoinKind) string {
	if k == plan.JoinInner {
		return method + " Join"
	}
	return method + joinSuffix(k)
}

// joinFilter prints a join's Join Filter over the outer and inner rows and,
// under ANALYZE, the rows it removed.
func (b *builder) joinFilter(n *Node, p plan.Node, qual analyze.Expr, outerItems, innerItems []*item, outer [][]*item) {
	all := append(append([]*item(nil), outerItems...), innerItems...)
	b.qual(n, "Join Filter", qual, b.upperCtx(all, outer))
	if qual != nil {
		if st := b.stats(p); st != nil {
			b.removed(n, "Rows Removed by Join Filter", st.RowsRemovedByJoinFilter)
		}
	}
}

func joinSuffix(k plan.JoinKind) string {
	if k == plan.JoinInner {
		return ""
	}
	return " " + k.String() + " Join"
}

func (b *builder) relItems(ri *rteInfo, cols []analyze.Column, ctid bool) []*item {
	name := ""
	if ri != nil {
		name = ri.name
	}
	items := make([]*item, 0, len(cols)+1)
	for _, c := range cols {
		items = append(items, colItem(name, c.Name))
	}
	if ctid {
		items = append(items, colItem(name, "ctid"))
	}
	return items
}

// boundItems are the columns of a CTE or function scan, tentatively of
// entry ri until a Var above names the entry (binding).
func (b *builder) boundItems(n *Node, ri *rteInfo, ok func(*rteInfo) bool) []*item {
	bd := &binding{node: n, ri: ri, ok: ok}
	var items []*item
	for _, c := range ri.rte.Cols {
		items = append(items, &item{rel: ri.name, col: c.Name, bind: bd})
	}
	return items
}

func (b *builder) schema(oid base.OID) string {
	if b.in.SchemaName != nil {
		if s := b.in.SchemaName(oid); s != "" {
			return s
		}
	}
	if oid == 11 {
		return "pg_catalog"
	}
	return "public"
}

// setRel fills Relation, Schema and Alias of a scan of relation rel.
func (b *builder) setRel(n *Node, name string, ns base.OID, ri *rteInfo) {
	n.Relation = name
	if b.opts.Verbose {
		n.Schema = b.schema(ns)
	}
	n.Alias = name
	if ri != nil {
		n.Alias = ri.name
	}
}

// node builds the EXPLAIN node of plan node p; outer are the rows of the
// enclosing levels its OuterVars read.
func (b *builder) node(p plan.Node, outer [][]*item) *Node {
	switch x := p.(type) {
	case *plan.Projection:
		c := b.node(x.Child, outer)
		items := make([]*item, len(x.Targets))
		d := b.ctx(c.items, true, outer, b.prefix)
		for i, t := range x.Targets {
			b.subplans(c, d, t.Expr)
			if v, ok := t.Expr.(*analyze.Var); ok && v.Index >= 0 && v.Index < len(c.items) {
				items[i] = c.items[v.Index]
				continue
			}
			items[i] = &item{e: t.Expr, in: c.items, merge: true, outer: outer}
		}
		c.items = items
		b.mergedBuffers(c, x)
		return c
	case *plan.Filter:
		c := b.node(x.Child, outer)
		if !qualCapable(c) {
			c = b.subqueryScan(x, c, outer)
		}
		d := b.ctx(c.items, true, outer, b.prefix)
		if strings.HasSuffix(c.Type, "Scan") {
			d.prefix = b.opts.Verbose || c.Type == "Subquery Scan" // show_scan_qual
		}
		if c.Type == "Result" {
			b.qual(c, "One-Time Filter", x.Qual, d)
		} else {
			b.mergeFilter(c, x.Qual, d)
		}
		if b.opts.Analyze && c.Actual != nil {
			below := c.Actual.TotalRows
			c.Actual = b.actual(b.stats(x))
			if c.Actual != nil {
				b.removed(c, "Rows Removed by Filter", below-c.Actual.TotalRows)
			}
		}
		b.mergedBuffers(c, x)
		return c
	case *plan.SeqScan:
		n := b.newNode(p, "Seq Scan")
		ri := b.scanRTE(x.Cols)
		b.setRel(n, x.Rel.Name, x.Rel.Namespace, ri)
		n.items = b.relItems(ri, x.Cols, x.EmitCTID)
		n.phys = n.items
		b.qual(n, "Filter", x.Qual, b.scanCtx(n.items, outer))
		if x.Qual != nil {
			if st := b.stats(p); st != nil {
				b.removed(n, "Rows Removed by Filter", st.RowsRemovedByFilter)
			}
		}
		return n
	case *plan.IndexScan:
		n := b.newNode(p, "Index Scan")
		ri := b.scanRTE(x.Cols)
		b.setRel(n, x.Rel.Name, x.Rel.Namespace, ri)
		n.Index = indexName(x.Index)
		n.ScanDirection = "Forward"
		if x.Backward {
			n.ScanDirection = "Backward"
			n.Label = "Index Scan Backward"
		}
		n.items = b.relItems(ri, x.Cols, x.EmitCTID)
		n.phys = n.items
		b.indexProps(n, p, x.IndexQual, x.Qual, outer)
		return n
	case *plan.IndexOnlyScan:
		n := b.newNode(p, "Index Only Scan")
		ri := b.scanRTE(x.Cols)
		b.setRel(n, x.Rel.Name, x.Rel.Namespace, ri)
		n.Index = indexName(x.Index)
		n.ScanDirection = "Forward"
		if x.Backward {
			n.ScanDirection = "Backward"
			n.Label = "Index Only Scan Backward"
		}
		n.items = b.relItems(ri, x.Cols, false)
		n.phys = n.items
		b.indexProps(n, p, x.IndexQual, x.Qual, outer)
		if b.opts.Analyze {
			var f int64
			if st := b.stats(p); st != nil {
				f = st.HeapFetches
			}
			loops := int64(1)
			if n.Actual != nil && n.Actual.Loops > 0 {
				loops = n.Actual.Loops
			}
			b.addProp(n, "Heap Fetches", float64(f)/float64(loops))
		}
		return n
	case *plan.BitmapHeapScan:
		n := b.newNode(p, "Bitmap Heap Scan")
		ri := b.scanRTE(x.Cols)
		b.setRel(n, x.Rel.Name, x.Rel.Namespace, ri)
		n.items = b.relItems(ri, x.Cols, x.EmitCTID)
		n.phys = n.items
		d := b.scanCtx(n.items, outer)
		b.qual(n, "Recheck Cond", x.RecheckQual, d)
		st := b.stats(p)
		if x.RecheckQual != nil && st != nil {
			b.removed(n, "Rows Removed by Index Recheck", st.RowsRemovedByRecheck)
		}
		b.qual(n, "Filter", x.Qual, d)
		if x.Qual != nil && st != nil {
			b.removed(n, "Rows Removed by Filter", st.RowsRemovedByFilter)
		}
		if b.opts.Analyze && st != nil && (st.ExactBlocks > 0 || st.LossyBlocks > 0) {
			line := "Heap Blocks:"
			if st.ExactBlocks > 0 {
				line += " exact=" + strconv.FormatInt(st.ExactBlocks, 10)
			}
			if st.LossyBlocks > 0 {
				line += " lossy=" + strconv.FormatInt(st.LossyBlocks, 10)
			}
			n.Props = append(n.Props, Prop{Key: "Heap Blocks", Text: line, JSON: []Prop{
				{Key: "Exact Heap Blocks", Val: st.ExactBlocks}, {Key: "Lossy Heap Blocks", Val: st.LossyBlocks}}})
		}
		c := b.bitmapNode(x.Bitmap, n.items, outer)
		c.Relationship = "Outer"
		n.Children = append(n.Children, c)
		return n
	case *plan.BitmapIndexScan, *plan.BitmapAnd, *plan.BitmapOr:
		return b.bitmapNode(p, nil, outer)
	case *plan.Result:
		n := b.newNode(p, "Result")
		b.qual(n, "One-Time Filter", x.Qual, b.upperCtx(nil, outer))
		return n
	case *plan.Values:
		if len(x.Rows) == 1 {
			n := b.newNode(p, "Result")
			n.items = b.valueItems(x.Rows[0], outer)
			return n
		}
		n := b.newNode(p, "Values Scan")
		n.Alias = "*VALUES*"
		if len(x.Rows) > 0 {
			n.items = b.valuesCols(len(x.Rows[0]))
		}
		return n
	case *plan.ValuesScan:
		if len(x.Rows) == 0 {
			n := b.newNode(p, "Result")
			b.addProp(n, "One-Time Filter", "false")
			for i := 0; i < x.Width; i++ {
				n.items = append(n.items, &item{e: &analyze.Const{}})
			}
			return n
		}
		n := b.newNode(p, "Values Scan")
		n.Alias = "*VALUES*"
		n.items = b.valuesCols(x.Width)
		for _, r := range x.Rows {
			for _, e := range r {
				b.subplans(n, b.upperCtx(nil, outer), e)
			}
		}
		return n
	case *plan.FunctionScan:
		n := b.newNode(p, "Function Scan")
		n.Function = x.Name
		ri := b.nm.next(func(r *rteInfo) bool {
			return r.rte.Kind == analyze.RTEFunction && r.rte.Func != nil && r.rte.Func.Name == x.Name
		})
		n.Alias = x.Name
		if ri != nil {
			n.Alias = ri.name
			fn := x.Name
			n.items = b.boundItems(n, ri, func(r *rteInfo) bool {
				return r.rte.Kind == analyze.RTEFunction && r.rte.Func != nil && r.rte.Func.Name == fn
			})
		} else {
			for i := 0; i < x.Width; i++ {
				n.items = append(n.items, colItem(x.Name, x.Name))
			}
		}
		if b.opts.Verbose {
			n.Schema = "pg_catalog"
			d := b.ctx(nil, false, outer, true)
			b.addProp(n, "Function Call", funcName(x.Name)+"("+d.list(x.Args, ", ")+")")
		}
		return n
	case *plan.NestLoop:
		n := b.newNode(p, "Nested Loop")
		n.Label = "Nested Loop" + joinSuffix(x.Kind)
		n.JoinType = x.Kind.String()
		b.innerUnique(n, x.InnerUnique)
		o := b.node(x.Outer, outer)
		innerOuter := outer
		if x.Lateral {
			innerOuter = append(append([][]*item(nil), outer...), o.items)
		}
		i := b.node(x.Inner, innerOuter)
		o.Relationship, i.Relationship = "Outer", "Inner"
		n.Children = []*Node{o, i}
		n.items = joinItems(x.Kind, o.items, i.items)
		b.joinFilter(n, p, x.Qual, o.items, i.items, outer)
		return n
	case *plan.HashJoin:
		n := b.newNode(p, "Hash Join")
		n.Label = joinLabel("Hash", x.Kind)
		n.JoinType = x.Kind.String()
		b.innerUnique(n, x.InnerUnique || x.Kind == plan.JoinInner && groupedOn(x.Inner, x.InnerKeys))
		o := b.node(x.Outer, outer)
		i := b.node(x.Inner, outer)
		h := b.hashNode(x, i)
		o.Relationship = "Outer"
		n.Children = []*Node{o, h}
		n.items = joinItems(x.Kind, o.items, i.items)
		b.addProp(n, "Hash Cond", b.keyConds(x.OuterKeys, x.InnerKeys, o.items, i.items, outer, n))
		b.joinFilter(n, p, x.Qual, o.items, i.items, outer)
		return n
	case *plan.MergeJoin:
		n := b.newNode(p, "Merge Join")
		n.Label = joinLabel("Merge", x.Kind)
		n.JoinType = x.Kind.String()
		b.innerUnique(n, x.InnerUnique || x.Kind == plan.JoinInner && groupedOn(x.Inner, x.InnerKeys))
		o := b.node(x.Outer, outer)
		i := b.node(x.Inner, outer)
		o.Relationship, i.Relationship = "Outer", "Inner"
		n.Children = []*Node{o, i}
		n.items = joinItems(x.Kind, o.items, i.items)
		b.addProp(n, "Merge Cond", b.keyConds(x.OuterKeys, x.InnerKeys, o.items, i.items, outer, n))
		b.joinFilter(n, p, x.Qual, o.items, i.items, outer)
		return n
	case *plan.Memoize:
		n := b.newNode(p, "Memoize")
		c := b.child(n, x.Child, outer)
		n.items = c.items
		d := b.upperCtx(nil, outer)
		keys := make([]string, len(x.Keys))
		for i, k := range x.Keys {
			keys[i] = d.expr(k)
		}
		b.addProp(n, "Cache Key", strings.Join(keys, ", "))
		b.addProp(n, "Cache Mode", "logical")
		if st := b.stats(p); b.opts.Analyze && st != nil && st.CacheMisses > 0 {
			n.Props = append(n.Props, Prop{Key: "Cache Hits",
				Text: fmt.Sprintf("Hits: %d  Misses: %d  Evictions: %d  Overflows: %d  Memory Usage: %dkB", st.CacheHits, st.CacheMisses, st.CacheEvictions, st.CacheOverflows, st.MemoryKB),
				JSON: []Prop{{Key: "Cache Hits", Val: st.CacheHits}, {Key: "Cache Misses", Val: st.CacheMisses}, {Key: "Cache Evictions", Val: st.CacheEvictions},
					{Key: "Cache Overflows", Val: st.CacheOverflows}, {Key: "Peak Memory Usage", Val: st.MemoryKB}}})
		}
		return n
	case *plan.Sort:
		n := b.newNode(p, "Sort")
		c := b.child(n, x.Child, outer)
		n.items = c.items
		d := b.upperCtx(c.items, outer)
		keys := make([]string, len(x.Keys))
		for i, k := range x.Keys {
			b.subplans(n, d, k.Expr)
			keys[i] = d.expr(k.Expr) + sortSuffix(k)
		}
		b.addProp(n, "Sort Key", keys)
		if st := b.stats(p); b.opts.Analyze && st != nil && st.SortMethod != "" {
			space, kb := "Memory", st.MemoryKB
			if st.DiskKB > 0 && st.SortMethod == "external merge" {
				space, kb = "Disk", st.DiskKB
			}
			n.Props = append(n.Props, Prop{Key: "Sort Method", Text: fmt.Sprintf("Sort Method: %s  %s: %dkB", st.SortMethod, space, kb),
				JSON: []Prop{{Key: "Sort Method", Val: st.SortMethod}, {Key: "Sort Space Used", Val: kb}, {Key: "Sort Space Type", Val: space}}})
		}
		return n
	case *plan.Limit:
		n := b.newNode(p, "Limit")
		c := b.child(n, x.Child, outer)
		n.items = c.items
		return n
	case *plan.Materialize:
		n := b.newNode(p, "Materialize")
		c := b.child(n, x.Child, outer)
		n.items = c.items
		return n
	case *plan.Agg:
		n := b.newNode(p, "Aggregate")
		switch x.Strategy {
		case plan.AggSorted:
			n.Label, n.Strategy = "GroupAggregate", "Sorted"
		case plan.AggHashed:
			n.Label, n.Strategy = "HashAggregate", "Hashed"
			if x.GroupingSets != nil {
				n.Label, n.Strategy = "MixedAggregate", "Mixed"
			}
		default:
			n.Strategy = "Plain"
		}
		c := b.child(n, x.Child, outer)
		d := b.upperCtx(c.items, outer)
		keys := make([]string, len(x.GroupKeys))
		for i, k := range x.GroupKeys {
			keys[i] = d.expr(k)
			n.own = append(n.own, exprRef{e: k, in: c.items})
		}
		if x.GroupingSets != nil {
			// Hashed sets show as "Hash Key", the empty set (never hashed)
			// as "Group Key: ()": HashAggregate, or MixedAggregate with both.
			hasEmpty := false
			for _, set := range x.GroupingSets {
				hasEmpty = hasEmpty || len(set) == 0
			}
			if x.Strategy == plan.AggHashed && !hasEmpty {
				n.Label, n.Strategy = "HashAggregate", "Hashed"
			}
			var groups []obj
			var sorted keyLists
			for _, set := range x.GroupingSets {
				ks := []string{}
				for _, i := range set {
					ks = append(ks, keys[i])
				}
				if len(ks) == 0 {
					n.Props = append(n.Props, Prop{Key: "Group Key", Val: []string{}, Text: "Group Key: ()", TextOnly: true})
					sorted = append(sorted, ks)
					continue
				}
				if x.Strategy == plan.AggHashed {
					n.Props = append(n.Props, Prop{Key: "Hash Key", Val: ks, TextOnly: true})
					groups = append(groups, obj{{"Hash Keys", keyLists{ks}}})
					continue
				}
				n.Props = append(n.Props, Prop{Key: "Group Key", Val: ks, TextOnly: true})
				sorted = append(sorted, ks)
			}
			if len(sorted) > 0 {
				groups = append(groups, obj{{"Group Keys", sorted}})
			}
			n.Props = append(n.Props, Prop{Key: "Grouping Sets", Val: groups, JSONOnly: true})
		} else if len(keys) > 0 {
			b.addProp(n, "Group Key", keys)
		}
		for _, k := range x.GroupKeys {
			if v, ok := k.(*analyze.Var); ok && v.Index >= 0 && v.Index < len(c.items) {
				n.items = append(n.items, c.items[v.Index])
				continue
			}
			n.items = append(n.items, &item{e: k, in: c.items, outer: outer})
		}
		for _, a := range x.Aggs {
			b.subplans(n, d, a)
			for len(n.items) <= a.Index {
				n.items = append(n.items, nil)
			}
			n.items[a.Index] = &item{e: a, in: c.items, outer: outer}
		}
		if x.Strategy == plan.AggHashed {
			b.hashAggInfo(n, p)
		}
		return n
	case *plan.Unique:
		if x.Hashed {
			n := b.newNode(p, "Aggregate")
			n.Label, n.Strategy = "HashAggregate", "Hashed"
			c := b.child(n, x.Child, outer)
			n.items = c.items
			d := b.upperCtx(c.items, outer)
			var keys []string
			for _, it := range c.items {
				keys = append(keys, d.ref(it, false))
			}
			b.addProp(n, "Group Key", keys)
			b.hashAggInfo(n, p)
			return n
		}
		n := b.newNode(p, "Unique")
		c := b.child(n, x.Child, outer)
		n.items = c.items
		return n
	case *plan.SetOp:
		return b.setOp(x, outer)
	case *plan.Append:
		n := b.newNode(p, "Append")
		n.Props = append(n.Props, Prop{Key: "Subplans Removed", Val: int64(0), JSONOnly: true})
		for _, in := range x.Inputs {
			c := b.node(in, outer)
			c.Relationship = "Member"
			n.Children = append(n.Children, c)
			if n.items == nil {
				n.items = c.items
			}
		}
		return n
	case *plan.WindowAgg:
		n := b.newNode(p, "WindowAgg")
		c := b.child(n, x.Child, outer)
		n.items = append([]*item(nil), c.items...)
		d := b.upperCtx(c.items, outer)
		if x.Spec != nil {
			for _, e := range x.Spec.PartitionBy {
				n.own = append(n.own, exprRef{e: e, in: c.items})
			}
			for _, k := range x.Spec.OrderBy {
				n.own = append(n.own, exprRef{e: k.Expr, in: c.items})
			}
		}
		for _, f := range x.Funcs {
			b.subplans(n, d, f)
			for len(n.items) <= f.Index {
				n.items = append(n.items, nil)
			}
			n.items[f.Index] = &item{e: f, in: c.items, outer: outer}
		}
		return n
	case *plan.CTEScan:
		n := b.newNode(p, "CTE Scan")
		name, ri := b.cteRef(x.ID)
		n.CTE, n.Alias = name, name
		if ri != nil {
			n.Alias = ri.name
			def := ri.cte
			n.items = b.boundItems(n, ri, func(r *rteInfo) bool { return r.cte == def })
		}
		for len(n.items) < x.Width {
			n.items = append(n.items, colItem(n.Alias, "?column?"))
		}
		if !b.ctes[x.ID] {
			b.ctes[x.ID] = true
			c := b.node(x.Plan, nil)
			b.nextSub++
			c.Relationship, c.SubplanName = "InitPlan", "CTE "+name
			b.pendCTE = append(b.pendCTE, c)
		}
		return n
	case *plan.RecursiveUnion:
		n := b.newNode(p, "Recursive Union")
		nr := b.node(x.NonRecursive, outer)
		r := b.node(x.Recursive, outer)
		nr.Relationship, r.Relationship = "Outer", "Inner"
		n.Children = []*Node{nr, r}
		n.items = nr.items
		return n
	case *plan.WorkTableScan:
		n := b.newNode(p, "WorkTable Scan")
		name := "cte"
		if x.ID >= 0 && x.ID < len(b.nm.ctes) {
			name = b.nm.ctes[x.ID].cte.Name
		}
		n.CTE, n.Alias = name, name
		ri := b.nm.next(func(r *rteInfo) bool {
			return r.cte != nil && r.cte.Name == name && r.q != nil
		})
		if ri != nil {
			n.Alias = ri.name
			n.items = b.relItems(ri, ri.rte.Cols, false)
		}
		for len(n.items) < x.Width {
			n.items = append(n.items, colItem(n.Alias, "?column?"))
		}
		return n
	case *plan.ProjectSet:
		n := b.newNode(p, "ProjectSet")
		c := b.child(n, x.Child, outer)
		for _, t := range x.Targets {
			b.subplans(n, b.upperCtx(c.items, outer), t.Expr)
			if v, ok := t.Expr.(*analyze.Var); ok && v.Index >= 0 && v.Index < len(c.items) {
				n.items = append(n.items, c.items[v.Index])
				continue
			}
			n.items = append(n.items, &item{e: t.Expr, in: c.items, outer: outer})
		}
		return n
	case *plan.ModifyTable:
		return b.modify(x, outer)
	}
	n := b.newNode(p, strings.TrimPrefix(fmt.Sprintf("%T", p), "*plan."))
	for _, c := range p.Children() {
		cn := b.node(c, outer)
		cn.Relationship = "Outer"
		n.Children = append(n.Children, cn)
	}
	return n
}

// child builds the single (outer) child of n.
func (b *builder) child(n *Node, p plan.Node, outer [][]*item) *Node {
	c := b.node(p, outer)
	c.Relationship = "Outer"
	n.Children = append(n.Children, c)
	return c
}

func indexName(ix *plan.IndexRef) string {
	if ix == nil || ix.Rel == nil {
		return "?"
	}
	return ix.Rel.Name
}

func (b *builder) indexProps(n *Node, p plan.Node, indexQual, qual analyze.Expr, outer [][]*item) {
	d := b.scanCtx(n.items, outer)
	b.qual(n, "Index Cond", indexQual, d)
	st := b.stats(p)
	if indexQual != nil && st != nil && st.RowsRemovedByRecheck > 0 {
		b.removed(n, "Rows Removed by Index Recheck", st.RowsRemovedByRecheck)
	}
	b.qual(n, "Filter", qual, d)
	if qual != nil && st != nil {
		b.removed(n, "Rows Removed by Filter", st.RowsRemovedByFilter)
	}
}

// bitmapNode builds a bitmap tree; its conditions read the heap row of
// the Bitmap Heap Scan above (items).
func (b *builder) bitmapNode(p plan.Node, items []*item, outer [][]*item) *Node {
	switch x := p.(type) {
	case *plan.BitmapIndexScan:
		n := b.newNode(p, "Bitmap Index Scan")
		n.Index = indexName(x.Index)
		b.qual(n, "Index Cond", x.IndexQual, b.scanCtx(items, outer))
		return n
	case *plan.BitmapAnd, *plan.BitmapOr:
		typ := "BitmapAnd"
		if _, ok := p.(*plan.BitmapOr); ok {
			typ = "BitmapOr"
		}
		n := b.newNode(p, typ)
		for _, c := range p.Children() {
			cn := b.bitmapNode(c, items, outer)
			cn.Relationship = "Member"
			n.Children = append(n.Children, cn)
		}
		return n
	}
	return b.node(p, outer)
}

// joinItems is a join's output: references to its inputs' columns (a
// join projects Vars of its inputs, so a computed input column shows in
// parentheses, E3).
func joinItems(k plan.JoinKind, o, i []*item) []*item {
	out := refItems(o)
	if k == plan.JoinSemi || k == plan.JoinAnti {
		return out
	}
	return append(out, refItems(i)...)
}

// refItems wraps the computed items of a node's input as references.
func refItems(in []*item) []*item {
	out := make([]*item, len(in))
	for i, it := range in {
		if it == nil || it.col != "" {
			out[i] = it
			continue
		}
		out[i] = &item{e: &analyze.Var{RTE: -1, Col: i, Index: i}, in: in}
	}
	return out
}

// keyConds prints hash or merge clauses: (outer = inner) [AND ...].
func (b *builder) keyConds(ok, ik []analyze.Expr, oi, ii []*item, outer [][]*item, n *Node) string {
	od, id := b.upperCtx(oi, outer), b.upperCtx(ii, outer)
	var parts []string
	for k := range ok {
		b.subplans(n, od, ok[k])
		b.subplans(n, id, ik[k])
		parts = append(parts, "("+od.expr(ok[k])+" = "+id.expr(ik[k])+")")
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

// hashNode is the Hash line PostgreSQL prints as a Hash Join's inner
// child (E2).
func (b *builder) hashNode(x *plan.HashJoin, inner *Node) *Node {
	h := &Node{Type: "Hash", Label: "Hash", Relationship: "Inner", items: inner.items}
	ic := inner.Cost
	h.Cost = plan.Cost{Startup: ic.Total, Total: ic.Total, Rows: ic.Rows, Width: ic.Width}
	inner.Relationship = "Outer"
	h.Children = []*Node{inner}
	h.Buffers = inner.Buffers
	if b.opts.Analyze {
		if inner.Actual != nil {
			a := *inner.Actual
			a.Startup = a.Total
			h.Actual = &a
		}
		if st := b.stats(x); st != nil && h.Actual != nil && h.Actual.Executed {
			buckets := int64(1024)
			for float64(buckets) < x.Inner.Est().Rows || float64(buckets) < float64(inner.Actual.TotalRows) {
				buckets *= 2
			}
			batches := st.Batches
			if batches < 1 {
				batches = 1
			}
			mem := st.MemoryKB
			if mem < 1 {
				mem = 1
			}
			h.Props = append(h.Props, Prop{Key: "Hash Buckets",
				Text: fmt.Sprintf("Buckets: %d  Batches: %d  Memory Usage: %dkB", buckets, batches, mem),
				JSON: []Prop{{Key: "Hash Buckets", Val: buckets}, {Key: "Original Hash Buckets", Val: buckets},
					{Key: "Hash Batches", Val: int64(batches)}, {Key: "Original Hash Batches", Val: int64(batches)},
					{Key: "Peak Memory Usage", Val: mem}}})
		}
	}
	return h
}

func (b *builder) hashAggInfo(n *Node, p plan.Node) {
	st := b.stats(p)
	if !b.opts.Analyze || st == nil || n.Actual == nil || !n.Actual.Executed {
		return
	}
	batches := st.Batches
	if batches < 1 {
		batches = 1
	}
	line := fmt.Sprintf("Batches: %d  Memory Usage: %dkB", batches, st.MemoryKB)
	js := []Prop{{Key: "HashAgg Batches", Val: int64(batches)}, {Key: "Peak Memory Usage", Val: st.MemoryKB}}
	if st.DiskKB > 0 {
		line += fmt.Sprintf("  Disk Usage: %dkB", st.DiskKB)
	}
	js = append(js, Prop{Key: "Disk Usage", Val: st.DiskKB})
	n.Props = append(n.Props, Prop{Key: "HashAgg Batches", Text: line, JSON: js})
}

func (b *builder) valuesCols(w int) []*item {
	var items []*item
	for i := 0; i < w; i++ {
		items = append(items, colItem("*VALUES*", "column"+strconv.Itoa(i+1)))
	}
	return items
}

func (b *builder) valueItems(row []analyze.Expr, outer [][]*item) []*item {
	var items []*item
	for _, e := range row {
		items = append(items, &item{e: e, outer: outer})
	}
	return items
}

// qualCapable reports whether a PostgreSQL node of n's type evaluates a
// qual of its own (otherwise a filter above needs a Subquery Scan).
func qualCapable(n *Node) bool {
	switch n.Type {
	case "Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Function Scan", "Values Scan",
		"CTE Scan", "WorkTable Scan", "Subquery Scan", "Nested Loop", "Hash Join", "Merge Join",
		"Aggregate", "Result", "Group":
		return true
	}
	return false
}

// mergeFilter adds a Filter node's condition to the node it merges into.
func (b *builder) mergeFilter(n *Node, e analyze.Expr, d *dctx) {
	b.subplans(n, d, e)
	s := d.expr(e)
	for i, p := range n.Props {
		if p.Key == "Filter" {
			prev := p.Val.(string)
			if strings.HasPrefix(prev, "(") && strings.HasSuffix(prev, ")") {
				n.Props[i].Val = "(" + strings.TrimSuffix(strings.TrimPrefix(prev, "("), ")") + " AND " + s + ")"
			} else {
				n.Props[i].Val = "(" + prev + " AND " + s + ")"
			}
			return
		}
	}
	// PostgreSQL prints Filter after the node's join/group conditions and
	// before the run-time reports.
	pos := len(n.Props)
	for i, p := range n.Props {
		if p.Text != "" || strings.HasPrefix(p.Key, "Rows Removed") {
			pos = i
			break
		}
	}
	n.Props = append(n.Props[:pos], append([]Prop{{Key: "Filter", Val: s}}, n.Props[pos:]...)...)
}

// subqueryScan wraps a subquery's plan whose rows are filtered: PostgreSQL
// keeps a Subquery Scan there (E2).
func (b *builder) subqueryScan(f *plan.Filter, c *Node, outer [][]*item) *Node {
	var ri *rteInfo
	analyze.Walk(f.Qual, func(x analyze.Expr) bool {
		if ri != nil {
			return false
		}
		if v, ok := x.(*analyze.Var); ok && v.RTE >= 0 {
			for _, r := range b.nm.all {
				if r.idx == v.RTE && r.rte.Kind == analyze.RTESubquery && v.Col < len(r.rte.Cols) && r.rte.Cols[v.Col].Name == v.Name {
					ri = r
					break
				}
			}
		}
		return true
	})
	n := &Node{Type: "Subquery Scan", Label: "Subquery Scan", Cost: c.Cost, Actual: c.Actual}
	n.Alias = "unnamed_subquery"
	if ri != nil {
		n.Alias = ri.name
		n.items = b.relItems(ri, ri.rte.Cols, false)
	}
	for len(n.items) < len(c.items) {
		n.items = append(n.items, colItem(n.Alias, "?column?"))
	}
	c.Relationship = "Subquery"
	n.Children = []*Node{c}
	return n
}

func (b *builder) setOp(x *plan.SetOp, outer [][]*item) *Node {
	l := b.node(x.Left, outer)
	r := b.node(x.Right, outer)
	app := &Node{Type: "Append", Label: "Append", Cost: plan.Cost{Total: l.Cost.Total + r.Cost.Total, Rows: l.Cost.Rows + r.Cost.Rows, Width: l.Cost.Width}, items: l.items}
	app.Props = []Prop{{Key: "Subplans Removed", Val: int64(0), JSONOnly: true}}
	if x.Op == plan.SetUnion {
		l.Relationship, r.Relationship = "Member", "Member"
		app.Children = []*Node{l, r}
		n := b.newNode(x, "Aggregate")
		n.Label, n.Strategy = "HashAggregate", "Hashed"
		n.items = l.items
		d := b.upperCtx(l.items, outer)
		var keys []string
		for _, it := range l.items {
			keys = append(keys, d.ref(it, false))
		}
		b.addProp(n, "Group Key", keys)
		app.Relationship = "Outer"
		n.Children = []*Node{app}
		return n
	}
	for i, c := range []*Node{l, r} {
		s := &Node{Type: "Subquery Scan", Label: "Subquery Scan", Alias: "*SELECT* " + strconv.Itoa(i+1), Cost: c.Cost, Actual: c.Actual, Relationship: "Member"}
		c.Relationship = "Subquery"
		for _, it := range c.items {
			name := "?column?"
			if it != nil && it.col != "" {
				name = it.col
			}
			s.items = append(s.items, colItem(s.Alias, name))
		}
		// The flag column SetOp counts the two sides with.
		s.items = append(s.items, &item{e: &analyze.Const{T: types.Int4, Mod: -1, Val: int64(i)}})
		if i == 0 {
			app.items = s.items
		}
		s.Children = []*Node{c}
		app.Children = append(app.Children, s)
	}
	n := b.newNode(x, "SetOp")
	n.Strategy = "Hashed"
	cmd := map[plan.SetOpKind]string{plan.SetIntersect: "Intersect", plan.SetExcept: "Except"}[x.Op]
	if x.All {
		cmd += " All"
	}
	n.Command = cmd
	n.Label = "HashSetOp " + cmd
	n.items = app.items
	app.Relationship = "Outer"
	n.Children = []*Node{app}
	return n
}

func (b *builder) modify(x *plan.ModifyTable, outer [][]*item) *Node {
	op := map[analyze.CmdType]string{analyze.CmdInsert: "Insert", analyze.CmdUpdate: "Update", analyze.CmdDelete: "Delete"}[x.Cmd]
	n := b.newNode(x, "ModifyTable")
	n.Label, n.Operation = op, op
	var ri *rteInfo
	if q := b.nm; q != nil {
		ri = q.forCols(x.Cols)
	}
	b.setRel(n, x.Rel.Name, x.Rel.Namespace, ri)
	c := b.child(n, x.Child, outer)
	rowItems := b.relItems(ri, x.Cols, false)
	if len(x.TargetCols) == 0 && x.Cmd != analyze.CmdInsert {
		rowItems = c.items
	}
	n.Output = []string{} // no Output line unless RETURNING
	if len(x.Returning) > 0 {
		n.Output = nil
		for _, t := range x.Returning {
			n.items = append(n.items, &item{e: t.Expr, in: rowItems, merge: true, outer: outer})
		}
	}
	if b.opts.Verbose {
		// The input of UPDATE is the new values and the ctid, of DELETE
		// the ctid (PostgreSQL 15).
		d := b.ctx(c.items, true, outer, b.prefix)
		// The ctids of the target and, joined in (UPDATE ... FROM,
		// DELETE ... USING), of the other tables.
		ctids := []string{"ctid"}
		if b.nm.count > 1 {
			ctids = []string{ast.QuoteIdent(n.Alias) + ".ctid"}
			c.Walk(func(s *Node) {
				if s.Relation != "" && s.Alias != n.Alias && s.Type != "ModifyTable" {
					ctids = append(ctids, ast.QuoteIdent(s.Alias)+".ctid")
				}
			})
		}
		switch x.Cmd {
		case analyze.CmdUpdate:
			c.Output = []string{}
			for _, set := range x.Set {
				c.Output = append(c.Output, d.expr(set.Expr))
			}
			c.Output = append(c.Output, ctids...)
		case analyze.CmdDelete:
			c.Output = ctids
		}
	}
	if oc := x.OnConflict; oc != nil {
		if oc.DoUpdate {
			b.addProp(n, "Conflict Resolution", "UPDATE")
		} else {
			b.addProp(n, "Conflict Resolution", "NOTHING")
		}
		var arb []string
		for _, a := range oc.Arbiters {
			arb = append(arb, a.Name)
		}
		if len(arb) > 0 {
			b.addProp(n, "Conflict Arbiter Indexes", arb)
		}
		if oc.Where != nil {
			// Over the existing row ++ the proposed one (excluded).
			all := b.relItems(ri, x.Cols, false)
			for _, col := range x.Cols {
				all = append(all, colItem("excluded", col.Name))
			}
			b.qual(n, "Conflict Filter", oc.Where, b.upperCtx(all, outer))
		}
	}
	return n
}

// cteRef returns the name of WITH query id and its next unmatched
// reference.
func (b *builder) cteRef(id int) (string, *rteInfo) {
	if id < 0 || id >= len(b.nm.ctes) {
		return "cte", nil
	}
	d := b.nm.ctes[id]
	for _, r := range d.refs {
		if !r.used {
			r.used = true
			return d.cte.Name, r
		}
	}
	if len(d.refs) > 0 {
		return d.cte.Name, d.refs[0]
	}
	return d.cte.Name, nil
}

// flushCTEs attaches the WITH queries' plans as InitPlans of the top node.
func (b *builder) flushCTEs() {
	if len(b.pendCTE) == 0 || b.cteOwner == nil {
		return
	}
	x := b.extra(b.cteOwner)
	x.pre = append(append([]*Node(nil), b.pendCTE...), x.pre...)
	b.pendCTE = nil
}

// subplans registers the sublinks of e as InitPlans or SubPlans of n,
// building their plans with d's row pushed as the enclosing row.
func (b *builder) subplans(n *Node, d *dctx, e analyze.Expr) {
	if e != nil {
		n.own = append(n.own, exprRef{e: e, in: d.in})
	}
	analyze.Walk(e, func(x analyze.Expr) bool {
		sl, ok := x.(*analyze.SubLink)
		if !ok {
			return true
		}
		if _, done := b.subs[sl]; done {
			return true
		}
		st, _ := sl.Plan.(*plan.Stmt)
		if st == nil {
			return true
		}
		info := &subInfo{}
		info.init = !sl.Correlated && (sl.Kind == analyze.ExprSubLink || sl.Kind == analyze.ArraySubLink || sl.Kind == analyze.ExistsSubLink)
		info.hashed = !sl.Correlated && sl.Kind == analyze.AnySubLink
		b.subs[sl] = info
		outer := append(append([][]*item(nil), d.outer...), d.in)
		// The sublinks inside are planned, and numbered, first.
		c := b.node(st.Root, outer)
		b.nextSub++
		info.n = b.nextSub
		if info.init {
			info.param = b.nextPrm
			b.nextPrm++
			c.Relationship = "InitPlan"
			c.SubplanName = fmt.Sprintf("InitPlan %d (returns $%d)", info.n, info.param)
			b.extra(n).pre = append(b.extra(n).pre, c)
		} else {
			c.Relationship = "SubPlan"
			c.SubplanName = fmt.Sprintf("SubPlan %d", info.n)
			b.extra(n).post = append(b.extra(n).post, c)
		}
		return true
	})
}

// sublinkText is how an expression shows a sublink: $n for an InitPlan,
// (SubPlan n) or (hashed SubPlan n) otherwise.
func (b *builder) sublinkText(sl *analyze.SubLink) string {
	info := b.subs[sl]
	if info == nil {
		return "(SubPlan ?)"
	}
	if info.init {
		return "$" + strconv.Itoa(info.param)
	}
	if info.hashed {
		return fmt.Sprintf("(hashed SubPlan %d)", info.n)
	}
	return fmt.Sprintf("(SubPlan %d)", info.n)
}

// scanRTE is the range table entry a scan of cols reads. A second scan of
// the same entry (the InitPlans of min/max via an index each scan the
// table) is a copy with a name of its own, as PostgreSQL's planner copies
// the entry into each subquery and set_rtable_names tells them apart
// ("huge", then "huge huge_1").
func (b *builder) scanRTE(cols []analyze.Column) *rteInfo {
	ri := b.nm.forCols(cols)
	if ri == nil {
		return nil
	}
	if !ri.scanned {
		ri.scanned = true
		return ri
	}
	c := *ri
	c.name = b.nm.unique(refName(ri.rte))
	return &c
}
