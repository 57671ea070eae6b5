// Package exec is the executor of Tusk's SQL pipeline: the Volcano model,
// as PostgreSQL's executor. Each plan node becomes an iterator whose Next
// pulls rows from its children; expressions are evaluated over a row.
//
// API: Build(ec, root) returns the statement's Iter (Next until nil, then
// Close); Affected reports a ModifyTable's row count; Context.Eval and
// Context.Qual evaluate expressions with the statement's state (Eval and
// Qual without it); Context.Stats(node) returns what a node did, for
// EXPLAIN [ANALYZE]; DecodeRow/EncodeRow convert heap payloads. A Frame
// holds a Context with the statement's shared state, its root and a point
// query's node in one allocation (Frame.Init), reusable once the root is
// closed (X5); LendRows lets such a node build every row in one Row.
// Build runs a root Projection of plain columns over an IndexScan without
// a filter as that scan alone, decoding only those columns (frame.go).
//
// Nodes (package plan) and the PostgreSQL code each mirrors:
//
//	SeqScan, Result, Values, ValuesScan, Projection, Filter   nodeSeqscan, nodeResult, nodeValuesscan
//	FunctionScan   set-returning function in FROM, args evaluated once   nodeFunctionscan
//	ModifyTable    INSERT/UPDATE/DELETE through access/heap (X2, X3)       nodeModifyTable
//	               CHECK and FOREIGN KEY enforcement (X22, X23)           execMain.c, ri_triggers.c
//	NestLoop       every join kind; inner rescanned or materialized (X7)  nodeNestloop
//	HashJoin       every join kind; hybrid hash join with batches (X16)   nodeHashjoin, nodeHash
//	Sort           stable; external merge beyond work_mem (X14)           tuplesort.c
//	Limit          OFFSET/count once; WITH TIES                            nodeLimit
//	Agg            plain, sorted, hashed (spilling); grouping sets (X17)  nodeAgg
//	Unique         sorted-adjacent or hashed (spilling); DISTINCT ON      nodeUnique
//	SetOp          UNION/INTERSECT/EXCEPT [ALL] by counting               nodeSetOp
//	Append         each input in turn                                      nodeAppend
//	WindowAgg      per partition, frames ROWS/RANGE/GROUPS (X18)          nodeWindowAgg
//	Materialize    tuple store, replayed on rescan                         nodeMaterial
//	CTEScan        shared per statement (X19)                              nodeCtescan
//	RecursiveUnion + WorkTableScan (X20)                                   nodeRecursiveunion
//	IndexScan      B-tree entries for ScanKeys, heap tuples by ctid (X24)  nodeIndexscan
//	IndexOnlyScan  rows from index entries; heap only if not all-visible (X25) nodeIndexonlyscan
//	BitmapIndexScan, BitmapAnd, BitmapOr   TID bitmaps, lossy past work_mem (X27) nodeBitmap*, tidbitmap.c
//	BitmapHeapScan bitmap pages in block order, recheck when lossy (X27)  nodeBitmapHeapscan
//	MergeJoin      every join kind; inner key groups kept for replay (X28) nodeMergejoin
//	Memoize        parameterized inner rows cached by key, LRU (X29)      nodeMemoize
//
// Invariants:
//
//	X1: A row's values are datums of their column types (types.Datum); a
//	    nil value is SQL NULL. Operators are strict: a NULL argument gives
//	    NULL without calling the operator; so are FuncExprs marked Strict.
//	X2: Every row-changing action goes through access/heap with the
//	    session's transaction and current command id, so a statement never
//	    sees its own changes (Halloween protection by command id).
//	X3: Row checks (NOT NULL, then CHECK: X22) run before the heap is
//	    touched; a violation leaves nothing behind in the table.
//	X4: An iterator is closed exactly once, by whoever opened it. Closing
//	    the iterator Build returned also ends the statement's shared state
//	    (Context.Close: CTEs, work tables, leftover temporary files).
//	X5: A row is immutable once a Next returned it: consumers may keep it
//	    (sorts, hash tables, tuple stores do) but never change it, so a
//	    producer may return the same row more than once. The one exception
//	    is asked for by the statement's consumer (LendRows: it copies each
//	    row's values out before the next Next): the point-query node then
//	    builds every row in one Row. Rows never point into a Frame, so a
//	    Frame may serve another statement once its root is closed.
//	X6: Loops that consume rows call Context.tick, which checks Ctx every
//	    1024 rows; a cancelled statement fails with 57014.
//	X7: An iterator implementing Rescanner replays the same rows in the
//	    same order without recomputing its input (Values, Result,
//	    Materialize, Sort, CTEScan, WorkTableScan). A NestLoop rescans such
//	    an inner side per outer row, and otherwise materializes the inner
//	    side once into a tuple store; an inner side that reads outer-level
//	    rows (OuterVar) is built afresh per outer row.
//	X8: Evaluating a SubLink pushes the row it is evaluated over onto the
//	    Context's outer-row stack while the subquery runs; OuterVar{Levels:
//	    k} reads stack[len-k][Var.Index]. A correlated subquery is built
//	    and run anew per evaluation, so the stack never changes while an
//	    iterator of a subquery is open. A NestLoop with Lateral pushes its
//	    outer row only while it builds, restarts or reads a row of its
//	    inner side: the rows it returns are evaluated above it with the
//	    stack as it found it.
//	X9: CaseTestExpr reads the argument of the innermost CASE being
//	    evaluated; a nested CASE saves and restores it.
//	X10: Memory is counted roughly (bytes of the datums held plus a fixed
//	    overhead per row). Beyond Context.WorkMem, Sort writes sorted runs,
//	    hashed Agg and Unique send rows of new groups to partition files,
//	    HashJoin splits into batches, and tuple stores (Materialize, CTEs,
//	    work tables, NestLoop inner sides, grouping-set input) append to a
//	    file. Files live under TempDir of TempFS, named TempFilePrefix+n,
//	    and are removed when their node closes (X4 removes the rest). With
//	    TempFS nil nothing spills.
//	X11: Grouping treats NULLs as equal (Agg groups, DISTINCT aggregates,
//	    Unique, SetOp, RecursiveUnion without ALL, window partitions and
//	    peers); join keys never match a NULL. Keys compare with
//	    types.Equal under the key expression's type; whole rows compare
//	    each column under a type chosen by the datum's Go type.
//	X12: Rows spilled to temporary files use a self-describing encoding
//	    (codec.go: a tag per datum naming its Go type); decoding malformed
//	    bytes returns a DataCorrupted error, never panics.
//	X13: An uncorrelated SubLink (Correlated false) runs once per
//	    statement; its result is cached in the Context by the SubLink.
//	X14: Sort is stable. Each key compares with types.Compare of its
//	    expression's type, reversed for Desc; NULLs go first or last as
//	    NullsFirst says, whatever the direction (the planner fills it).
//	X15: Inner, left, right and full joins produce outer ++ inner rows,
//	    NULL-extended by OuterWidth/InnerWidth on the side without a match;
//	    semi and anti joins produce the outer row alone.
//	X16: HashJoin evaluates Qual only on pairs whose keys are equal. When
//	    batching, an outer row is probed in the batch its hash selects, so
//	    matching rows always meet; inner rows with a NULL key are kept
//	    aside and returned unmatched for right and full joins.
//	X17: Agg output is GroupKeys ++ one value per Aggs entry; keys outside
//	    a row's grouping set are NULL. Plain aggregation (and the empty
//	    grouping set) yields one row even for empty input. AggState.Add
//	    receives NULL arguments (strict aggregates skip them themselves),
//	    after FILTER and DISTINCT; ORDER BY inputs are buffered per group
//	    and fed in order. Hash aggregation returns groups in first-seen
//	    order per pass.
//	X18: WindowAgg output is the child row ++ one value per Funcs entry, in
//	    Funcs order. A partition is held in memory. An aggregate over
//	    frames that start at the partition's first row is fed
//	    incrementally and AggState.Result is read after each frame end, so
//	    such aggregates must allow Add after Result (PostgreSQL requires
//	    the same of window aggregates); other frames are recomputed.
//	X19: A CTE's plan runs at most once per statement, lazily, into a
//	    tuple store shared by every CTEScan with its ID; the rows stay
//	    until the statement ends. A CTE that reads rows of enclosing query
//	    levels runs once per evaluation of them instead (each sublink run
//	    and LATERAL outer row is named by a generation on the outer-row
//	    stack), its scans within one evaluation sharing the rows.
//	X20: RecursiveUnion returns the non-recursive rows, then runs the
//	    recursive term once per round, each reading the previous round's
//	    rows through WorkTableScan, until a round yields none; without ALL
//	    a row seen before is dropped. Only cancellation stops a runaway
//	    recursion (X6).
//	X22: CHECK constraints (plan.Constraints) are tested on every new row
//	    version: INSERT, COPY FROM, UPDATE, ON CONFLICT DO UPDATE (the
//	    proposed row, then the updated one) and a foreign key action's
//	    update; in name order, after NOT NULL; false fails with 23514, NULL
//	    passes (constraints.go).
//	X23: Foreign keys are enforced at the end of the statement, as
//	    PostgreSQL's RI triggers (AFTER ROW, fired by AfterTriggerEndQuery):
//	    each row change queues one event per foreign key it concerns, and
//	    when ModifyTable's input is exhausted the events fire in order, each
//	    after a CommandCounterIncrement if anything was written since the
//	    last, so it sees the statement's changes; the changes a CASCADE /
//	    SET NULL / SET DEFAULT action makes queue events that fire right
//	    after it. Deferrable constraints are checked as immediate ones
//	    (constraints.go).
//	X24: An IndexScan evaluates its ScanKey args when it starts (and at
//	    every rescan): a NULL arg matches nothing; equality keys on a
//	    prefix of the index columns and the range of the next column
//	    become B-tree bounds (in index order: DESC and NULLS FIRST
//	    respected, NULLs excluded by any comparison key); every key is
//	    also checked on each entry, across types with the (column type,
//	    arg type) operator, so an arg the column type cannot hold exactly
//	    (int8 beyond int4, 2.5 for an int column) bounds loosely or not
//	    at all and is filtered exactly. Each entry's heap tuple is
//	    fetched under the snapshot; the heap has no HOT chains, every row
//	    version has its own entries, so a fetched version is visible or
//	    skipped. Qual failures count Stats.RowsRemovedByFilter. An array
//	    key (ScanKey.Array, col = ANY (array)) on a column of the
//	    equality prefix runs one B-tree scan per distinct non-NULL
//	    element, in index order (reversed backward), so the output stays
//	    in index order; an array key after the prefix only filters.
//	X25: An IndexOnlyScan builds its row from the entry (table columns by
//	    pg_index.indkey; others NULL) and fetches the heap tuple only when
//	    the visibility map does not mark its page all-visible
//	    (heap.VisibilityOf, access/heap H7), counting Stats.HeapFetches.
//	X26: A node implementing ParamRescanner (IndexScan, IndexOnlyScan,
//	    BitmapHeapScan, Memoize, and Filter/Projection over one) re-reads
//	    its outer-row references when restarted: a LATERAL NestLoop (and
//	    one whose inner side reads an outer level) restarts such an inner
//	    side with the new outer row pushed instead of building it again.
//	X27: A TID bitmap keeps exact pages (a bit per line pointer) until it
//	    holds work_mem / 64 bytes of entries, then turns the lowest pages
//	    into lossy chunks (a bit per page) down to half of that. AND of an
//	    exact page with a lossy one stays exact but is rechecked; OR with
//	    a lossy page is lossy. BitmapHeapScan reads pages in block order,
//	    evaluates RecheckQual on every tuple of a lossy or rechecked page
//	    (Stats.RowsRemovedByRecheck), and counts Stats.ExactBlocks and
//	    LossyBlocks.
//	X28: MergeJoin's inputs are sorted on their keys (Desc per key); a row
//	    with a NULL key is returned unmatched at once (or dropped) and
//	    never compared, so NULLS FIRST/LAST does not matter. The inner rows
//	    of one key value are kept in memory and replayed for each outer
//	    row with that key; Qual failures on equal keys count
//	    Stats.RowsRemovedByJoinFilter. Keys of different types compare
//	    with the pair's "<" and "=" operators.
//	X29: Memoize evaluates Keys at each (re)scan; a complete cached entry
//	    is replayed (CacheHits), otherwise the child runs again
//	    (CacheMisses) and its rows are cached as they pass. The cache
//	    holds at most work_mem, evicting least recently used entries
//	    (CacheEvictions); an entry larger than work_mem is dropped
//	    (CacheOverflows); an entry not read to its end is not reused.
//	X30: IndexKey computes an index entry from a row (plain columns,
//	    expression columns, the partial index predicate) for every path
//	    that adds entries: ModifyTable, ON CONFLICT arbiters, COPY, CREATE
//	    INDEX, REINDEX and the heapallindexed checker.
//	X31: Scans and joins allocate in slabs (rowalloc.go): the values a
//	    sequential, bitmap heap or index scan decodes are boxed in the
//	    statement's types.Arena (or the session's, Context.Arena); its rows (Row and Vals), a join's and a
//	    Projection's output rows come from slabs of many rows; a hash
//	    join's inner keys and aggregates' argument lists from slabs of
//	    values; a TID bitmap's pages from a slab of pages. No slab is ever
//	    cleared or reused, so rows handed up stay valid as long as they
//	    are held (X5). The one Row a producer fills again is one that
//	    never left it: a row its Qual rejected (the expressions that saw
//	    it keep values, never the slice). A heap scan's tuple
//	    payloads are only read while its page is current (the decoded
//	    values are copies). Such a scan decodes only the columns its
//	    filter and the nodes above read (an index scan's conditions are
//	    evaluated on the index entries) (prune.go: Build walks Projection, Filter, Sort,
//	    Limit, Agg, Materialize, Memoize and the joins; any other node,
//	    an unknown expression, a correlated SubLink or an inner side
//	    reading the outer row keeps every column); the others are NULL.
//	XP1: Cumulative statistics (internal/pgstat, pgstat.go): every
//	    sequential scan started counts one seq_scan of its table and each
//	    tuple it reads one seq_tup_read; each row ModifyTable (and a
//	    foreign key action) inserts, updates or deletes counts one
//	    n_tup_ins / n_tup_upd / n_tup_del; index scans count idx_scan,
//	    idx_tup_read and idx_tup_fetch through Context.RelStats; a
//	    temporary file counts in temp_files / temp_bytes when removed.
//	    Counting is a field increment on the backend's own pgstat.Rel,
//	    taken once per node (Context.PgStat nil: counted nowhere).
package exec
