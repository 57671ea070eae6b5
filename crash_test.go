package tusk

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/vfs"
)

var crashTrials = flag.Int("crash-trials", 50, "trials of the SIGKILL crash test (1000 for the long run)")

// The crash workload: every transaction inserts two rows with the same id
// and bumps a counter row, so a half-applied transaction shows as an odd
// count or a counter that disagrees with the rows.
const crashSchema = `CREATE TABLE pairs (id int8, part int4, sync bool);
CREATE TABLE counter (n int8);
INSERT INTO counter VALUES (0);
CREATE INDEX pairs_id ON pairs (id);
CREATE UNIQUE INDEX pairs_id_part ON pairs (id, part) INCLUDE (sync);
CREATE INDEX pairs_mod ON pairs ((id % 7) DESC) WHERE sync;
CREATE INDEX counter_n ON counter (n)`

// crashIndexes is how many indexes crashSchema creates.
const crashIndexes = 4

// checkCrashIndexes runs amcheck's bt_index_check(index, heapallindexed)
// on every index of the crash schema: keys ordered, links consistent,
// every heap tuple whose inserter did not abort indexed exactly once with
// its key, every entry pointing at a tuple (sql/session/amcheck_heap.go).
func checkCrashIndexes(t *testing.T, db *DB) {
	t.Helper()
	rows, err := db.Query(ctx, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'i' AND n.nspname = 'public' ORDER BY 1")
	require.NoError(t, err)
	var names []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		names = append(names, name)
	}
	require.NoError(t, rows.Close())
	require.Len(t, names, crashIndexes, "indexes %v", names)
	for _, name := range names {
		_, err := db.Exec(ctx, "SELECT bt_index_check($1::regclass, true)", name)
		require.NoError(t, err, "index %s", name)
	}
}

func crashTxn(db *DB, id int64, sync bool) error {
	tx, err := db.Begin(ctx, TxOptions{})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	mode := "off"
	if sync {
		mode = "on"
	}
	if _, err := tx.Exec(ctx, "SET synchronous_commit = "+mode); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "INSERT INTO pairs VALUES ($1, 1, $2), ($1, 2, $2)", id, sync); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE counter SET n = n + 1"); err != nil {
		return err
	}
	return tx.Commit()
}

// checkCrashInvariants verifies a reopened database: every acknowledged
// synchronous commit is present, no transaction is half applied, every
// page's checksum verifies.
func checkCrashInvariants(t *testing.T, db *DB, acked map[int64]bool) {
	t.Helper()
	got := map[int64]int{}
	rows, err := db.Query(ctx, "SELECT id, part FROM pairs")
	require.NoError(t, err)
	total := 0
	for rows.Next() {
		var id int64
		var part int
		require.NoError(t, rows.Scan(&id, &part))
		got[id]++
		total++
	}
	require.NoError(t, rows.Close())
	for id, n := range got {
		require.Equal(t, 2, n, "transaction %d is half applied", id)
	}
	for id := range acked {
		require.Equal(t, 2, got[id], "acknowledged synchronous commit %d was lost", id)
	}
	var n int64
	require.NoError(t, db.QueryRow(ctx, "SELECT n FROM counter").Scan(&n))
	require.Equal(t, int64(total/2), n, "counter disagrees with rows")
	checkCrashIndexes(t, db)
	require.NoError(t, db.inst.Check())
}

// TestCrashChild is the child process of TestCrashSIGKILL: it commits
// transactions until killed, printing "C id" after each synchronous commit
// returned.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv("TUSK_CRASH_CHILD")
	if dir == "" {
		t.Skip("child process of TestCrashSIGKILL")
	}
	seed, _ := strconv.ParseInt(os.Getenv("TUSK_CRASH_SEED"), 10, 64)
	rng := rand.New(rand.NewSource(seed))
	db, err := Open(dir, WithSharedBuffers(256<<10), WithSetting("wal_writer_delay", "10ms"))
	if err != nil {
		fmt.Println("E", err)
		os.Exit(3)
	}
	if _, err := db.Exec(ctx, "SELECT n FROM counter"); err != nil {
		if _, err := db.Exec(ctx, crashSchema); err != nil {
			fmt.Println("E", err)
			os.Exit(3)
		}
	}
	start, _ := strconv.ParseInt(os.Getenv("TUSK_CRASH_START"), 10, 64)
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, "R")
	out.Flush()
	for id := start; ; id++ {
		sync := rng.Intn(2) == 0
		if err := crashTxn(db, id, sync); err != nil {
			fmt.Fprintln(out, "E", err)
			out.Flush()
			os.Exit(3)
		}
		if id%89 == 0 {
			if _, err := db.Exec(ctx, "VACUUM pairs"); err != nil { // visibility map bits
				fmt.Fprintln(out, "E", err)
				out.Flush()
				os.Exit(3)
			}
		}
		if id%97 == 0 {
			if _, err := db.Exec(ctx, "CHECKPOINT"); err != nil {
				fmt.Fprintln(out, "E", err)
				out.Flush()
				os.Exit(3)
			}
		}
		if sync {
			fmt.Fprintln(out, "C", id)
			out.Flush()
		}
	}
}

// TestCrashSIGKILL kills a writing child process at random moments and
// checks recovery (the crash test). -crash-trials=1000 for the long run.
func TestCrashSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	seed := time.Now().UnixNano()
	if s := os.Getenv("TUSK_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("seed %d (TUSK_CRASH_SEED=%d to repeat)", seed, seed)
	rng := rand.New(rand.NewSource(seed))
	dir := t.TempDir()
	acked := map[int64]bool{}
	next := int64(1)
	for trial := 0; trial < *crashTrials; trial++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v=false")
		cmd.Env = append(os.Environ(), "TUSK_CRASH_CHILD="+dir, fmt.Sprint("TUSK_CRASH_SEED=", rng.Int63()),
			fmt.Sprint("TUSK_CRASH_START=", next))
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		sc := bufio.NewScanner(stdout)
		killAfter := rng.Intn(40)
		seen := 0
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "E") {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("trial %d: child failed: %s", trial, line)
			}
			if strings.HasPrefix(line, "C ") {
				id, _ := strconv.ParseInt(line[2:], 10, 64)
				acked[id] = true
				seen++
			}
			if seen >= killAfter {
				// Let the child run on for a random moment, then kill it mid-flight.
				time.Sleep(time.Duration(rng.Intn(3000)) * time.Microsecond)
				break
			}
		}
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		for sc.Scan() { // acknowledgements printed before the kill landed
			if line := sc.Text(); strings.HasPrefix(line, "C ") {
				id, _ := strconv.ParseInt(line[2:], 10, 64)
				acked[id] = true
			}
		}
		cmd.Wait()
		db, err := Open(dir)
		require.NoError(t, err, "trial %d: reopen", trial)
		checkCrashInvariants(t, db, acked)
		var maxID int64
		rows, err := db.Query(ctx, "SELECT id FROM pairs")
		require.NoError(t, err)
		for rows.Next() {
			var id int64
			require.NoError(t, rows.Scan(&id))
			if id > maxID {
				maxID = id
			}
		}
		require.NoError(t, rows.Close())
		for id := range acked {
			if id > maxID {
				maxID = id
			}
		}
		next = maxID + 1000 // ids of lost async commits are never reused
		require.NoError(t, db.Close())
	}
}

// TestCrashFS runs the workload on the crash-simulating file system: at a
// random point the machine "loses power": unsynced writes are dropped or
// torn at 512-byte sectors. Recovery must repair torn pages from full-page
// images.
func TestCrashFS(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	fs := vfs.NewCrash(seed)
	acked := map[int64]bool{}
	id := int64(1)
	trials := 20
	if testing.Short() {
		trials = 5
	}
	for trial := 0; trial < trials; trial++ {
		db, err := Open("/db", WithFS(fs), WithSharedBuffers(128<<10))
		require.NoError(t, err, "trial %d", trial)
		if trial == 0 {
			_, err = db.Exec(ctx, crashSchema)
			require.NoError(t, err)
		} else {
			checkCrashInvariants(t, db, acked)
		}
		n := rng.Intn(60)
		for k := 0; k < n; k++ {
			sync := rng.Intn(2) == 0
			require.NoError(t, crashTxn(db, id, sync))
			if sync {
				acked[id] = true
			}
			if rng.Intn(25) == 0 {
				require.NoError(t, db.Checkpoint())
			}
			if rng.Intn(20) == 0 {
				_, err := db.Exec(ctx, "VACUUM pairs") // visibility map bits
				require.NoError(t, err)
			}
			id++
		}
		db.crash()
		fs = fs.Crash(vfs.CrashOptions{TearProb: 0.5, Rand: rng})
	}
}
