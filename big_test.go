package tusk

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBigSortAndGroupBy is the SQL engine issue's memory check: a 10 M-row
// ORDER BY and a 10 M-group GROUP BY complete with work_mem = 4MB while
// the process's peak resident memory stays under 500 MB. Opt in with
// TUSK_BIG=1 (it takes minutes):
//
//	TUSK_BIG=1 go test -run TestBigSortAndGroupBy -v -timeout 30m .
func TestBigSortAndGroupBy(t *testing.T) {
	if os.Getenv("TUSK_BIG") == "" {
		t.Skip("set TUSK_BIG=1 to run the 10 M-row sort and group-by")
	}
	n := 10_000_000
	if s := os.Getenv("TUSK_BIG_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	db, err := Open(t.TempDir(), WithSetting("work_mem", "4MB"))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "SET work_mem = '4MB'")
	require.NoError(t, err)

	rows, err := db.Query(ctx, "SELECT g FROM generate_series(1, $1) g ORDER BY (g::int8 * 7919) % $1, g", n)
	require.NoError(t, err)
	count, prev := 0, int64(-1)
	for rows.Next() {
		var g int64
		require.NoError(t, rows.Scan(&g))
		key := (g * 7919) % int64(n)
		require.GreaterOrEqual(t, key, prev)
		prev = key
		count++
	}
	require.NoError(t, rows.Close())
	require.Equal(t, n, count)
	t.Logf("sorted %d rows; peak RSS %d MB", count, peakRSS()>>20)

	var groups, total int64
	require.NoError(t, db.QueryRow(ctx,
		"SELECT count(*), sum(c)::int8 FROM (SELECT g % $1 AS k, count(*) AS c FROM generate_series(1, $1) g GROUP BY 1) s", n).Scan(&groups, &total))
	require.Equal(t, int64(n), groups)
	require.Equal(t, int64(n), total)
	rss := peakRSS()
	t.Logf("grouped %d groups; peak RSS %d MB", groups, rss>>20)
	require.Less(t, rss, int64(500<<20), "peak resident memory")
}

// peakRSS returns the process's peak resident set size (VmHWM), or the Go
// runtime's view of it where /proc is absent.
func peakRSS() int64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				f := strings.Fields(line)
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.Sys)
}
