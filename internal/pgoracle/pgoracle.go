package pgoracle

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tuskdb/tusk/vfs"
)

// pgRoot is where Debian's postgresql packages put their binaries, one
// directory per major version (the tool takes the newest).
const pgRoot = "/usr/lib/postgresql"

// Unavailable skips t because something it needs from outside the
// repository is missing, or fails it when CI=true (O1).
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("pgoracle: %s (CI=true, so this fails instead of skipping)", msg)
		return
	}
	t.Skipf("pgoracle: %s; skipping", msg)
}

// RepoRoot returns the directory holding go.mod above the working
// directory (a test's working directory is its package's directory).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := vfs.Default.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// SharedDir returns the shared/ folder beside the repository root (O1).
func SharedDir(t testing.TB) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatalf("pgoracle: %v", err)
	}
	shared := filepath.Join(filepath.Dir(root), "shared")
	if _, err := vfs.Default.ReadDir(shared); err != nil {
		Unavailable(t, "the shared folder %s is missing (%v)", shared, err)
	}
	return shared
}

// havePostgres reports whether a PostgreSQL server binary is installed
// where pg-oracle looks for it.
func havePostgres() bool {
	versions, err := vfs.Default.ReadDir(pgRoot)
	if err != nil {
		return false
	}
	for _, v := range versions {
		if _, err := vfs.Default.Stat(filepath.Join(pgRoot, v, "bin", "postgres")); err == nil {
			return true
		}
	}
	return false
}

// Port is the port Start tries first for a test name (O2).
func Port(name string) int {
	h := fnv.New32a()
	h.Write([]byte(name))
	return 56000 + int(h.Sum32()%1000)
}

// Start starts a fresh PostgreSQL server for t and returns its URL
// (postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable). The
// server is stopped when t ends (O3).
func Start(t testing.TB) string {
	t.Helper()
	tool := filepath.Join(SharedDir(t), "tools", "pg-oracle")
	if _, err := vfs.Default.Stat(tool); err != nil {
		Unavailable(t, "%s is missing", tool)
	}
	if !havePostgres() {
		Unavailable(t, "no PostgreSQL server binaries under %s (apt-get install postgresql)", pgRoot)
	}
	first := Port(t.Name())
	var errs []string
	for i := 0; i < 3; i++ {
		port := fmt.Sprint(first + i)
		var stdout, stderr bytes.Buffer
		cmd := exec.Command("bash", tool, "start", port)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		stop := func() { _ = exec.Command("bash", tool, "stop", port).Run() }
		if err != nil {
			stop()
			errs = append(errs, fmt.Sprintf("port %s: %v: %s", port, err, strings.TrimSpace(stderr.String())))
			continue
		}
		t.Cleanup(stop)
		url := strings.TrimSpace(stdout.String())
		if !strings.HasPrefix(url, "postgres://") {
			t.Fatalf("pgoracle: %s start printed %q, want a postgres:// URL", tool, url)
		}
		return url
	}
	t.Fatalf("pgoracle: could not start PostgreSQL:\n%s", strings.Join(errs, "\n"))
	return ""
}
