package session

import (
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// NoticeHandler receives the notices a session raises (PostgreSQL's
// NoticeResponse: severity NOTICE or WARNING), in order, on the goroutine
// running the statement, before the statement returns (S13).
type NoticeHandler func(*pgerr.Error)

// SetNoticeHandler sets where the session's notices go (nil: nowhere).
func (s *Session) SetNoticeHandler(h NoticeHandler) { s.noticeHandler = h }

// notice raises a NOTICE when client_min_messages lets it through.
func (s *Session) notice(code pgerr.Code, format string, args ...any) {
	if s.noticeHandler == nil {
		return
	}
	switch lvl, _ := s.Settings.Get("client_min_messages"); strings.ToLower(lvl) {
	case "warning", "error":
		return
	}
	e := pgerr.New(code, format, args...)
	e.Severity = "NOTICE"
	s.noticeHandler(e)
}
