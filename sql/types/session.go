package types

import (
	"time"
)

// Session carries the settings type I/O depends on, as PostgreSQL's GUCs
// TimeZone and the transaction start time (for 'now', 'today', ...).
// DateStyle is ISO, MDY and IntervalStyle is postgres; they are not
// configurable. A nil *Session, or a zero one, means UTC and the wall
// clock.
type Session struct {
	// Location is the session time zone; nil means UTC.
	Location *time.Location
	// Now returns the current transaction's start time; nil means the
	// wall clock.
	Now func() time.Time
}

// UTC is the default session: time zone UTC, wall clock.
var UTC = &Session{}

func (s *Session) loc() *time.Location {
	if s == nil || s.Location == nil {
		return time.UTC
	}
	return s.Location
}

func (s *Session) now() time.Time {
	if s == nil || s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// NowTimestamp returns the session's current time as a timestamptz datum.
func (s *Session) NowTimestamp() TimestampVal { return TimestampFromTime(s.now()) }
