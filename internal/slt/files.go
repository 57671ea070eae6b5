package slt

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/vfs"
)

// CollectFiles expands paths into script files: a directory contributes
// every *.test file below it (recursively, in name order), a file is taken
// as it is. Slashes are used as separators.
func CollectFiles(fsys vfs.FS, paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if err := collect(fsys, p, true, &out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func collect(fsys vfs.FS, p string, top bool, out *[]string) error {
	names, dirErr := fsys.ReadDir(p)
	if dirErr != nil {
		// not a directory (vfs.FS has no IsDir: a file fails ReadDir)
		if _, err := fsys.Stat(p); err != nil {
			return err
		}
		if top || strings.HasSuffix(p, ".test") {
			*out = append(*out, p)
		}
		return nil
	}
	for _, n := range names {
		if err := collect(fsys, path.Join(p, n), false, out); err != nil {
			return err
		}
	}
	return nil
}

// BaselineEntry is one row of PG15_BASELINE.tsv.
type BaselineEntry struct {
	File     string
	Executed int // records_run
	Passed   int
	Skipped  int // skipped_by_directives
	// Failures is the main_failure_kinds column.
	Failures string
}

// BaselineName is the file name of the reference counts beside the corpus.
const BaselineName = "PG15_BASELINE.tsv"

// ReadBaseline reads PG15_BASELINE.tsv (a header line, then file,
// records_run, passed, skipped_by_directives, pass_pct, main_failure_kinds;
// a TOTAL row is left out). Keys are paths relative to the corpus folder.
func ReadBaseline(r io.Reader) (map[string]BaselineEntry, error) {
	out := map[string]BaselineEntry{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		f := strings.Split(sc.Text(), "\t")
		if n == 1 || len(f) == 0 || f[0] == "TOTAL" || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if len(f) < 4 {
			return nil, fmt.Errorf("baseline line %d: want at least 4 tab-separated fields, got %d", n, len(f))
		}
		e := BaselineEntry{File: f[0]}
		var err error
		for i, dst := range []*int{&e.Executed, &e.Passed, &e.Skipped} {
			if *dst, err = strconv.Atoi(f[i+1]); err != nil {
				return nil, fmt.Errorf("baseline line %d: field %d: %v", n, i+2, err)
			}
		}
		if len(f) >= 6 {
			e.Failures = f[5]
		}
		out[e.File] = e
	}
	return out, sc.Err()
}

// FindBaseline looks for PG15_BASELINE.tsv in the directory of file and
// its parents; it returns the baseline's path and file's path relative to
// the baseline's directory (the key in ReadBaseline's map).
func FindBaseline(fsys vfs.FS, file string) (baseline, rel string, ok bool) {
	file = path.Clean(file)
	dir := path.Dir(file)
	for {
		b := path.Join(dir, BaselineName)
		if _, err := fsys.Stat(b); err == nil {
			r := strings.TrimPrefix(file, dir+"/")
			if dir == "." {
				r = strings.TrimPrefix(file, "./")
			}
			return b, r, true
		}
		parent := path.Dir(dir)
		if parent == dir {
			return "", "", false
		}
		dir = parent
	}
}

// LoadBaseline reads a baseline file through fsys.
func LoadBaseline(fsys vfs.FS, file string) (map[string]BaselineEntry, error) {
	src, err := ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	return ReadBaseline(bytes.NewReader(src))
}
