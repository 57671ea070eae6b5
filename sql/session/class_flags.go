package session

import "context"

// syncClassFlags brings the pg_class flags of the relations a DDL
// statement changed up to date (relchecks, relhasindex, relhastriggers,
// relhasrules: catalog.SyncClassFlags), under a new command that sees the
// statement's catalog changes (C6).
func (s *Session) syncClassFlags(ctx context.Context) error {
	if s.xact == nil || !s.inst.Catalog.ClassFlagsPending(s.xact) {
		return nil
	}
	return s.inst.Catalog.SyncClassFlags(ctx, s.xact, s.nextCommand())
}
