package main

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/tuskdb/tusk/internal/pgoracle"
	"github.com/tuskdb/tusk/internal/slt"
	"github.com/tuskdb/tusk/vfs"
)

// TestConformance runs the whole sqllogictest corpus of ../shared on Tusk
// and requires that every record PostgreSQL 15 passes, Tusk passes too.
// testdata/pg15_failures.txt lists the records PostgreSQL fails (file:line),
// made with:
//
//	url=$(../shared/tools/pg-oracle start 55990)
//	go run ./cmd/sqllogictest -url "$url" -failures /tmp/pg.txt ../shared/conformance/sqllogictest
//	grep -E '^[^ ]+\.test:[0-9]+: ' /tmp/pg.txt | cut -d: -f1,2 | sort > cmd/sqllogictest/testdata/pg15_failures.txt
//
// (run from the corpus directory so the names are relative). CONFORMANCE.md
// records both counts.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("the corpus run is skipped in -short mode")
	}
	corpus := filepath.Join(pgoracle.SharedDir(t), "conformance", "sqllogictest")
	allowed := map[string]bool{}
	list, err := slt.ReadFile(vfs.Default, "testdata/pg15_failures.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(list), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			allowed[line] = true
		}
	}
	files, err := slt.CollectFiles(vfs.Default, []string{corpus})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu                       sync.Mutex
		unexpected               []string
		executed, passed, failed int
	)
	work := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for path := range work {
				rel, _ := filepath.Rel(corpus, path)
				r := &slt.Runner{Open: openTusk, OnFailure: func(fl *slt.Failure) {
					key := fmt.Sprintf("%s:%d", rel, fl.Line)
					if !allowed[key] {
						mu.Lock()
						unexpected = append(unexpected, key+": "+strings.SplitN(fl.SQL, "\n", 2)[0])
						mu.Unlock()
					}
				}}
				res, err := r.RunFile(context.Background(), path)
				mu.Lock()
				if err != nil {
					unexpected = append(unexpected, rel+": "+err.Error())
				}
				executed += res.Executed
				passed += res.Passed
				failed += res.Failed
				mu.Unlock()
			}
		}()
	}
	for _, p := range files {
		work <- p
	}
	close(work)
	wg.Wait()
	t.Logf("sqllogictest corpus on Tusk: %d executed, %d passed, %d failed; PostgreSQL 15 fails %d", executed, passed, failed, len(allowed))
	if len(unexpected) > 0 {
		if len(unexpected) > 40 {
			unexpected = append(unexpected[:40], fmt.Sprintf("... and %d more", len(unexpected)-40))
		}
		t.Fatalf("%d records fail on Tusk that PostgreSQL 15 passes:\n%s", len(unexpected), strings.Join(unexpected, "\n"))
	}
}
