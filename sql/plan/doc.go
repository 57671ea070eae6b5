// Package plan is the planner stage of Tusk's SQL pipeline (PostgreSQL's
// optimizer): it turns an analyzed Query into a tree of plan nodes that
// package exec runs.
//
// The planner is cost-based, after PostgreSQL 15's (PLANNER.md at the
// repository root lists where it differs):
//
//   - env.go: Env, what it knows of the database (indexes, pg_statistic,
//     pg_class sizes, the file's current size in blocks, settings) and
//     which newer nodes the executor runs. PlanWith(q, env); Plan(q) is
//     PlanWith(q, nil): no indexes, never-analyzed tables.
//   - selfuncs.go: selectivities (clausesel.c, selfuncs.c): MCVs,
//     histograms with linear interpolation, n_distinct, null_frac, range
//     pairs, LIKE prefixes, IN lists, eqjoinsel (inner and semi), the
//     DEFAULT_* selectivities.
//   - costsize.go, paths.go, mergejoin.go: costs (costsize.c,
//     btcostestimate): seq scan, index scan with Mackert-Lohman page
//     fetches and correlation, index-only scan (relallvisible), bitmap
//     heap scan, sort (bounded for LIMIT), material, hash join with
//     buckets and batches, nested loop (semi/inner-unique early stop),
//     merge join with mergejoinscansel, memoize.
//   - cbo.go, joinsearch.go, semi.go, equivclass.go: FROM and WHERE: the
//     size of each relation (estimate_rel_size), its access paths, outer
//     joins reduced when WHERE rejects their NULLs, EXISTS / NOT EXISTS /
//     IN (SELECT) pulled up into semi and anti joins (or an inner join
//     when the subquery side is unique, or unique-ified by a HashAggregate),
//     equivalence classes (a = b = constant), and the join order by
//     dynamic programming over sets of relations (greedy above 12).
//   - upper.go: which FROM path to use given ORDER BY / LIMIT (an index
//     order, or a Sort, by fractional cost), and plain / sorted / hashed
//     aggregation with estimate_num_groups.
//   - create.go: the chosen paths become plan nodes (create_plan).
//   - inline_cte.go: a WITH query read once from its level's FROM is
//     planned as a subquery there (inline_cte), unless MATERIALIZED,
//     recursive or calling a non-immutable function.
//
// LATERAL queries and statements without FROM keep the rule-based
// planning of from.go (FROM order, hash join on an equality, else nested
// loop).
//
// Invariants:
//
//	P1: A plan is immutable once built; executing it never changes it, so
//	    a prepared statement's plan can be run many times. Planning does not
//	    change the analyzed Query either (pulling up a subquery plans a copy
//	    of the Query with a longer range table).
//	P2: Every Var in a node's expressions has Index set to its position in
//	    the row that node's input produces.
//	P3: Estimates never change results: whichever path wins, the rows are
//	    the same (up to order where the query gives none).
//	P4: Given the same Query, Env (statistics, sizes, settings) the
//	    planner builds the same plan: ties are broken by a fixed order
//	    (indexes newest first, as PostgreSQL lists them).
//	P5: The planner produces IndexScan, IndexOnlyScan, Bitmap*, MergeJoin,
//	    Memoize and parameterized nested loops only when Env.Exec says the
//	    executor runs them; with a nil Env it produces none of them.
//	P6: An inner side read per outer row (NestLoop.Lateral) reads the outer
//	    row only through OuterVar{Levels: 1} in its scan keys, Memoize keys,
//	    index conditions and filters; the executor pushes that row only
//	    while the inner side runs (sql/exec X8), so expressions above the
//	    join read enclosing levels as usual. Inside such an inner side,
//	    references to enclosing query levels are one level further
//	    (OuterVar.Levels + 1, shiftOuter); a parameterized inner scan is
//	    therefore never planned over a relation whose conditions hold a
//	    SubLink (its plan would read those levels unshifted).
package plan
