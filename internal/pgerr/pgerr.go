package pgerr

import (
	"errors"
	"fmt"
)

// Code is a five-character SQLSTATE.
type Code string

// Class returns the two-character class of the code.
func (c Code) Class() string {
	if len(c) < 2 {
		return ""
	}
	return string(c[:2])
}

// Name returns the condition name, e.g. "UniqueViolation".
func (c Code) Name() string { return codeNames[c] }

// Error is a PostgreSQL-style error report.
type Error struct {
	Severity string // ERROR, FATAL, PANIC
	Code     Code
	Message  string
	Detail   string
	Hint     string
	Position int   // 1-based character position in the query text, 0 if none
	Err      error // underlying cause, if any
}

// Error formats like psql: "ERROR: message (SQLSTATE 42601)".
func (e *Error) Error() string {
	sev := e.Severity
	if sev == "" {
		sev = "ERROR"
	}
	return fmt.Sprintf("%s: %s (SQLSTATE %s)", sev, e.Message, e.Code)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches another *Error with the same code, so errors.Is(err,
// &pgerr.Error{Code: pgerr.UniqueViolation}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Message == ""
}

// New makes an ERROR with a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Severity: "ERROR", Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap makes an ERROR whose cause is err.
func Wrap(code Code, err error, format string, args ...any) *Error {
	return &Error{Severity: "ERROR", Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// WithDetail sets the detail and returns e.
func (e *Error) WithDetail(format string, args ...any) *Error {
	e.Detail = fmt.Sprintf(format, args...)
	return e
}

// WithHint sets the hint and returns e.
func (e *Error) WithHint(format string, args ...any) *Error {
	e.Hint = fmt.Sprintf(format, args...)
	return e
}

// WithPosition sets the 1-based cursor position and returns e.
func (e *Error) WithPosition(pos int) *Error {
	e.Position = pos
	return e
}

// CodeOf returns the SQLSTATE of err (E2): the code of the outermost *Error
// in its chain, or InternalError when there is none, "" for a nil error.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return InternalError
}

// As returns err as an *Error, wrapping a foreign error as InternalError.
func As(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Wrap(InternalError, err, "%s", err.Error())
}
