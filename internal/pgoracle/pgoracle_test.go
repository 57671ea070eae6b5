package pgoracle

import (
	"fmt"
	"strings"
	"testing"
)

func TestPort(t *testing.T) {
	seen := map[int]string{}
	for _, name := range []string{"TestA", "TestB", "TestPostgresBaseline", "TestPostgresBaseline/select1.test"} {
		p := Port(name)
		if p < 56000 || p > 56999 || p == 55432 {
			t.Errorf("Port(%q) = %d, want 56000..56999 (O2)", name, p)
		}
		if Port(name) != p {
			t.Errorf("Port(%q) is not deterministic", name)
		}
		seen[p] = name
	}
	if len(seen) < 3 {
		t.Errorf("ports collide too much: %v", seen)
	}
}

func TestRepoRoot(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if root == "" {
		t.Fatal("empty root")
	}
}

// recTB records Skipf and Fatalf instead of ending the test.
type recTB struct {
	testing.TB
	skipped, fatal string
}

func (r *recTB) Helper()                           {}
func (r *recTB) Skipf(format string, args ...any)  { r.skipped = fmt.Sprintf(format, args...) }
func (r *recTB) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func TestUnavailable(t *testing.T) {
	t.Setenv("CI", "")
	r := &recTB{TB: t}
	Unavailable(r, "no %s", "postgres")
	if r.fatal != "" || !strings.Contains(r.skipped, "no postgres") {
		t.Errorf("outside CI: skipped %q, fatal %q; want a skip (O1)", r.skipped, r.fatal)
	}

	t.Setenv("CI", "true")
	r = &recTB{TB: t}
	Unavailable(r, "no %s", "postgres")
	if r.skipped != "" || !strings.Contains(r.fatal, "no postgres") || !strings.Contains(r.fatal, "CI=true") {
		t.Errorf("on CI: skipped %q, fatal %q; want a failure (O1)", r.skipped, r.fatal)
	}
}
