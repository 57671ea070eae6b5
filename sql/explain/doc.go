// Package explain formats a planned statement (plan.Stmt) as PostgreSQL
// 15's EXPLAIN does: the text layout with its arrows and detail lines,
// and FORMAT JSON / YAML with PostgreSQL's keys. With ANALYZE it adds
// what each node did (Input.Stats, copied by the session from
// exec.Stats: the package does not import exec) and with BUFFERS the
// buffer usage.
//
// API:
//
//	Text(stmt, Options{})          EXPLAIN (COSTS OFF) text, for plan-shape tests
//	Build(stmt, opts, Input) *Explain
//	(*Explain).Lines() []string    rows of the "QUERY PLAN" column
//	(*Explain).JSON(), YAML(), String()
//	(*Node).Find(name), Walk, Prop  the tree the typed API of package tusk wraps
//
// The session parses EXPLAIN's options (session.ExplainOptions), plans,
// runs the statement with exec.Context.Instrument for ANALYZE, and calls
// Build.
//
// Invariants:
//
//	E1: Build never changes the plan and never executes anything; the
//	    same plan.Stmt formats the same way every time (with the same
//	    Input).
//	E2: Tusk nodes PostgreSQL has no line for are merged the way
//	    PostgreSQL's planner merges them: a Projection is the target list
//	    of its child; a Filter is the child's "Filter" (a scan's, a
//	    join's or an Aggregate's HAVING), or a "Subquery Scan" when the
//	    child cannot filter (Limit, Sort, ...); a HashJoin prints a "Hash"
//	    line over its inner side; Unique{Hashed} and a UNION SetOp print
//	    as HashAggregate, INTERSECT/EXCEPT as HashSetOp over an Append of
//	    Subquery Scans "*SELECT* n"; INSERT's one-row Values is "Result".
//	    With ANALYZE a merged node shows the topmost node's row count and
//	    a merged Filter's dropped rows as "Rows Removed by Filter".
//	E3: Expressions print as ruleutils' deparse_expression without
//	    pretty-printing: every operator, AND/OR/NOT, IS [NOT] NULL in
//	    parentheses; constants as get_const_expr ('-4'::integer, 1.5,
//	    '10'::numeric, 'x'::text); a reference to a column of the node
//	    below that is not a plain column is parenthesized ("(count(*))"),
//	    except inside the node it merges into (E2); an outer-level column
//	    is always qualified (o.user_id); an uncorrelated scalar or EXISTS
//	    sublink is an InitPlan printed as $n, other sublinks "(SubPlan
//	    n)", an uncorrelated IN "(hashed SubPlan n)".
//	E4: Names: every range table entry of every query level gets a
//	    unique reference name, repeats suffixed "_N" in the order of
//	    PostgreSQL's flattened range table (the main level, its FROM
//	    subqueries, then WITH queries and sublinks; an empty FROM counts
//	    as PostgreSQL's RTE_RESULT). A scan finds its entry by its column
//	    list (SeqScan.Cols is the entry's Cols); a CTE or function scan,
//	    whose plan node does not name its entry, takes the one the Vars
//	    above it name (binding), else the next unused one. A scan's own
//	    conditions are unqualified unless VERBOSE (show_scan_qual); upper
//	    conditions, sort and group keys are qualified when the statement
//	    has more than one range table entry, or with VERBOSE.
//	E5: Text layout: a node's line at column c, its details at c+2, a
//	    child's "->  " at c+2 (its name at c+6), a labelled subplan
//	    (InitPlan, SubPlan, CTE) label at c+2 and its arrow at c+4.
//	    InitPlans print before the node's children, SubPlans after.
//	    Costs "  (cost=%.2f..%.2f rows=%.0f width=%d)", actuals
//	    " (actual time=%.3f..%.3f rows=%.0f loops=%d)" per loop.
//	E6: FORMAT JSON / YAML list a node's keys in PostgreSQL's order:
//	    Node Type, Strategy, Partial Mode, Operation, Parent Relationship,
//	    Subplan Name, Parallel Aware, Async Capable, scan target keys,
//	    Join Type, costs, actuals, Output, details, buffers, Plans.
//	E7: Options follow PostgreSQL: COSTS on by default, TIMING and
//	    SUMMARY default to ANALYZE, TIMING without ANALYZE is an error;
//	    BUFFERS counts appear only with ANALYZE.
//	E8: VERBOSE's Output emulates PostgreSQL's target lists
//	    (createplan.c): a node shows the columns its parent reads (plus,
//	    for a WindowAgg, those its window reads); a scan whose parent does
//	    not ask for a small list (Sort, Hash, Materialize, Memoize and
//	    WindowAgg do, and the top node asks for an exact one) shows its
//	    table's whole row unless it computes something or a ctid is
//	    needed. Known gap: the ctids of the other tables of UPDATE ...
//	    FROM are not carried.
//	    A join's "Inner Unique" is the plan's InnerUnique, or true when
//	    its inner side is grouped on exactly the join keys (a semi join
//	    made unique); such a de-duplicating Aggregate asks its input for
//	    an exact list.
//	E9: BUFFERS counts are exact per statement: the session gives
//	    exec.Context a bufmgr.Usage that scans pass to the buffer pool,
//	    and the instrumented iterator adds each Next's delta to its node,
//	    so a node's count includes its children's, as in PostgreSQL.
//	    Heap pages of Seq, Index, Index Only and Bitmap Heap Scans are
//	    counted, consecutive accesses to one page once (a PostgreSQL scan
//	    keeps its page pinned); so are the visibility map pages of an
//	    Index Only Scan (once while the same) and every B-tree page an
//	    index, index-only or bitmap index scan locks (descent, leaf
//	    steps), as each is a ReadBuffer in PostgreSQL. The B-tree metapage
//	    (cached), dirtied and written blocks are not counted yet.
package explain
