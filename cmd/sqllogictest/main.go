package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path"
	"strings"
	"time"

	"github.com/tuskdb/tusk/internal/slt"
	"github.com/tuskdb/tusk/vfs"
)

// openTusk opens an engine on a fresh in-memory Tusk database; tusk.go
// sets it.
var openTusk slt.OpenFunc

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type totals struct{ executed, passed, failed, skipped int }

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("sqllogictest", flag.ContinueOnError)
	fl.SetOutput(stderr)
	url := fl.String("url", "", "PostgreSQL URL to run on instead of Tusk")
	verbose := fl.Bool("v", false, "print each failing record")
	failuresPath := fl.String("failures", "", "write failing records to this file")
	baseline := fl.Bool("baseline", false, "compare per-file counts with "+slt.BaselineName)
	baselineFile := fl.String("baseline-file", "", "baseline file (default: "+slt.BaselineName+" beside the corpus)")
	timeout := fl.Duration("timeout", slt.DefaultTimeout, "time allowed for one record")
	fl.Usage = func() {
		fmt.Fprintf(stderr, "usage: sqllogictest [-url postgres://...] [-v] [-failures F] [-baseline] FILE_OR_DIR...\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() == 0 {
		fl.Usage()
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	files, err := slt.CollectFiles(vfs.Default, fl.Args())
	if err != nil {
		fmt.Fprintf(stderr, "sqllogictest: %v\n", err)
		return 2
	}

	r := &slt.Runner{Timeout: *timeout}
	switch {
	case *url != "":
		pg, err := slt.NewPostgres(ctx, *url)
		if err != nil {
			fmt.Fprintf(stderr, "sqllogictest: %v\n", err)
			return 2
		}
		defer pg.Close()
		r.Open = pg.Open
	case openTusk != nil:
		r.Open = openTusk
	default:
		fmt.Fprintf(stderr, "sqllogictest: built without the Tusk engine (tusk.go); use -url\n")
		return 2
	}

	var failures *bufio.Writer
	if *failuresPath != "" {
		f, err := vfs.Default.OpenFile(*failuresPath, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "sqllogictest: %v\n", err)
			return 2
		}
		defer f.Close()
		failures = bufio.NewWriterSize(io.NewOffsetWriter(f, 0), 1<<16)
		defer failures.Flush()
	}
	r.OnFailure = func(f *slt.Failure) {
		if failures != nil {
			f.Format(failures)
		}
		if *verbose {
			reason := "wrong result"
			switch {
			case f.Err != nil:
				reason = f.Err.Error()
			case f.Kind == slt.Statement && f.ExpectError:
				reason = "statement succeeded, error expected"
			}
			fmt.Fprintf(stdout, "%s:%d: %s\n", f.File, f.Line, reason)
		}
	}

	status := 0
	var tot totals
	cmp := newBaselineCmp(*baselineFile)
	for _, file := range files {
		start := time.Now()
		res, err := r.RunFile(ctx, file)
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "sqllogictest: interrupted in %s\n", file)
			status = 2
			break
		}
		if err != nil {
			fmt.Fprintf(stdout, "%s: error: %v\n", file, err)
			status = 2
			continue
		}
		tot.executed += res.Executed
		tot.passed += res.Passed
		tot.failed += res.Failed
		tot.skipped += res.Skipped
		fmt.Fprintf(stdout, "%s: executed %d, passed %d, failed %d, skipped %d\n", file, res.Executed, res.Passed, res.Failed, res.Skipped)
		if res.Crash != nil {
			fmt.Fprintf(stdout, "%s:%d: engine down, the rest of the file failed: %v\n", file, res.CrashLine, res.Crash)
		}
		if *verbose {
			fmt.Fprintf(stdout, "%s: took %v\n", file, time.Since(start).Round(time.Millisecond))
		}
		if *baseline {
			cmp.check(file, res, stdout)
		}
	}
	if *baseline {
		if !cmp.report(stdout) && status == 0 {
			status = 1
		}
	}
	if failures != nil {
		if err := failures.Flush(); err != nil {
			fmt.Fprintf(stderr, "sqllogictest: writing %s: %v\n", *failuresPath, err)
			status = 2
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed, %d skipped\n", tot.passed, tot.failed, tot.skipped)
	return status
}

// baselineCmp compares file counts with PG15_BASELINE.tsv.
type baselineCmp struct {
	file    string                                  // -baseline-file, or "" to search
	loaded  map[string]map[string]slt.BaselineEntry // by baseline path
	matched int
	diffs   []string
	missing []string
}

func newBaselineCmp(file string) *baselineCmp {
	return &baselineCmp{file: file, loaded: map[string]map[string]slt.BaselineEntry{}}
}

func (c *baselineCmp) check(file string, res slt.FileResult, w io.Writer) {
	bpath, rel, ok := c.file, "", true
	if bpath == "" {
		bpath, rel, ok = slt.FindBaseline(vfs.Default, file)
	} else {
		// with an explicit baseline, key by the path below its folder
		file := path.Clean(file)
		rel = strings.TrimPrefix(file, path.Dir(path.Clean(bpath))+"/")
	}
	var entries map[string]slt.BaselineEntry
	if ok {
		if entries, ok = c.loaded[bpath]; !ok {
			var err error
			entries, err = slt.LoadBaseline(vfs.Default, bpath)
			if err != nil {
				fmt.Fprintf(w, "baseline: %v\n", err)
				entries = map[string]slt.BaselineEntry{}
			}
			c.loaded[bpath] = entries
		}
	}
	e, ok := entries[rel]
	if !ok {
		c.missing = append(c.missing, file)
		fmt.Fprintf(w, "baseline: %s: not in %s\n", file, slt.BaselineName)
		return
	}
	if e.Executed == res.Executed && e.Passed == res.Passed && e.Skipped == res.Skipped {
		c.matched++
		return
	}
	d := fmt.Sprintf("%s: passed %d (PG15 %d, %+d), executed %d (PG15 %d), skipped %d (PG15 %d)",
		file, res.Passed, e.Passed, res.Passed-e.Passed, res.Executed, e.Executed, res.Skipped, e.Skipped)
	c.diffs = append(c.diffs, d)
	fmt.Fprintf(w, "baseline: %s\n", d)
}

// report prints the summary; it returns false when a file differs or was
// not found.
func (c *baselineCmp) report(w io.Writer) bool {
	fmt.Fprintf(w, "baseline: %d files match PG15, %d differ, %d not in the baseline\n", c.matched, len(c.diffs), len(c.missing))
	return len(c.diffs) == 0 && len(c.missing) == 0
}
