package pgerr

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestCodeOf(t *testing.T) {
	e := New(SyntaxError, "syntax error at or near %q", "SELCT").WithPosition(1)
	wrapped := fmt.Errorf("exec: %w", e)
	if got := CodeOf(wrapped); got != "42601" {
		t.Fatalf("CodeOf = %q", got)
	}
	if got := CodeOf(io.EOF); got != InternalError {
		t.Fatalf("CodeOf(foreign) = %q", got)
	}
	if CodeOf(nil) != "" {
		t.Fatal("CodeOf(nil) should be empty")
	}
	if !errors.Is(wrapped, &Error{Code: SyntaxError}) {
		t.Fatal("errors.Is by code failed")
	}
	if errors.Is(wrapped, &Error{Code: UndefinedTable}) {
		t.Fatal("errors.Is matched another code")
	}
	if e.Error() != `ERROR: syntax error at or near "SELCT" (SQLSTATE 42601)` {
		t.Fatalf("Error() = %s", e.Error())
	}
	if UniqueViolation.Class() != "23" || UniqueViolation.Name() != "UniqueViolation" {
		t.Fatal("class/name")
	}
}
