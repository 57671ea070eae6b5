package session

import (
	"errors"

	"github.com/tuskdb/tusk/internal/instance"
	"github.com/tuskdb/tusk/internal/pgstat"
)

// pg_stat_database's session counters and times (pgstat_database.c):
// sessions counts a session once it runs its first statement (pgStat);
// how it ends counts in sessions_killed (pg_terminate_backend),
// sessions_fatal (a backend crash) or sessions_abandoned (closed in the
// middle of a transaction block: its client went away without ending it);
// session_time, active_time and idle_in_transaction_time come from the
// backend's state changes (instance.Backend.TakeTimes), added when the
// session goes idle outside a transaction and when it ends, as PostgreSQL
// reports them when idle (pgstat_report_stat) and at disconnect.

// reportSessionTimes adds the backend's times since its last report.
func (s *Session) reportSessionTimes() {
	if s.inst.Stats == nil || s.be == nil {
		return
	}
	session, active, idle := s.be.TakeTimes()
	s.inst.Stats.ReportSessionTimes(session, active, idle)
}

// reportSessionEnd counts how a session that was counted ended (one of
// pgstat's Session* kinds) and adds its last times.
func (s *Session) reportSessionEnd(how int) {
	if s.pgstat == nil || s.endReported {
		return
	}
	s.endReported = true
	s.reportSessionTimes()
	s.inst.Stats.ReportSessionEnd(how)
}

// closeHow is how Close ends the session: abandoned inside a transaction
// block, normal otherwise.
func (s *Session) closeHow() int {
	if s.inBlock {
		return pgstat.SessionAbandoned
	}
	return pgstat.SessionNormal
}

// shutdownHow is how shutdown with err ends the session: killed when
// terminated, fatal when it crashed.
func shutdownHow(err error) int {
	if errors.Is(err, instance.ErrTerminated) {
		return pgstat.SessionKilled
	}
	return pgstat.SessionFatal
}
