package tusk

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/tuskdb/tusk/internal/pgoracle"
)

var regexpHitRead = regexp.MustCompile(`(hit|read)=(\d+)`)

var regexpScanBuffers = regexp.MustCompile(`(Index(?: Only)? Scan[^\n]*\n(?:[^\n]*\n)*?\s*Buffers: shared [^\n]*)`)

// scanBufferTotal is hit+read of the first Index (Only) Scan of an
// EXPLAIN (ANALYZE, BUFFERS) text.
func scanBufferTotal(t *testing.T, text string) int64 {
	t.Helper()
	m := regexpScanBuffers.FindString(text)
	require.NotEmpty(t, m, text)
	var total int64
	for _, kv := range regexpHitRead.FindAllStringSubmatch(m[strings.Index(m, "Buffers:"):], -1) {
		n, err := strconv.ParseInt(kv[2], 10, 64)
		require.NoError(t, err)
		total += n
	}
	return total
}

// TestExplainBuffersBtreePages: an Index Scan counts the B-tree pages of
// its descent (one per level) and of its leaf steps, plus the heap pages,
// as in PostgreSQL: a point lookup in a two-level index is root + leaf +
// one heap page, the same as PostgreSQL shows for the same data.
func TestExplainBuffersBtreePages(t *testing.T) {
	ctx := context.Background()
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	setup := []string{
		"set max_parallel_workers_per_gather = 0",
		"create table bt(a int, b text)",
		"insert into bt select g, 'x' from generate_series(1, 20000) g",
		"create index bt_a on bt(a)",
		"analyze bt",
		"vacuum bt",
	}
	for _, s := range setup[1:] {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	opts := ExplainOptions{Analyze: true, Buffers: true}
	// 20000 int4 entries fill ~55 leaves under one root: height 2.
	p, err := db.ExplainWith(ctx, opts, "select * from bt where a = 777")
	require.NoError(t, err)
	scans := p.Find("Index Scan")
	require.Len(t, scans, 1, p.String())
	b := scans[0].Buffers
	require.NotNil(t, b, p.String())
	require.Equal(t, int64(3), b.SharedHit+b.SharedRead, p.String())

	// The same counts as PostgreSQL, for a point lookup and for an index
	// only range scan over several leaves (heap pages differ: Tusk's heap
	// tuples are laid out differently, so its table has more pages).
	queries := []string{
		"explain (analyze, buffers, costs off, timing off) select * from bt where a = 777",
		"explain (analyze, buffers, costs off, timing off) select a from bt where a between 100 and 1500",
	}
	var got []int64
	for _, q := range queries {
		got = append(got, scanBufferTotal(t, explainText(t, db, q)))
	}
	url := pgoracle.Start(t)
	pg, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer pg.Close(ctx)
	for _, s := range append([]string{"drop table if exists bt"}, setup...) {
		_, err := pg.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	var want []int64
	for _, q := range queries {
		pgExplainText(t, pg, q) // the first run in a backend also reads the metapage
		want = append(want, scanBufferTotal(t, pgExplainText(t, pg, q)))
	}
	require.Equal(t, want, got)
}
