package session

// fastState caches what every statement would otherwise recompute from
// settings or the instance: work_mem, default_transaction_isolation,
// synchronous_commit and application_name (valid while the session's
// Settings is the same and its gen unchanged), the temporary file
// directory, and the application_name last given to the backend.
type fastState struct {
	workMemOf  *Settings
	workMemGen uint64
	workMem    int64
	tempDir    string

	setOf      *Settings
	setGen     uint64
	isolation  string // default_transaction_isolation
	syncCommit bool   // synchronous_commit is not off
	appName    string // application_name ("", appOK false: unknown)
	appOK      bool

	appReported    string // the name the backend shows (reportIdle)
	appReportedSet bool
}

// workMemCached returns workMem(), parsed again only after a setting
// changed (Settings.gen moves on every SET and RESET).
func (s *Session) workMemCached() int64 {
	f := &s.fast
	if f.workMemOf != s.Settings || f.workMemGen != s.Settings.gen {
		f.workMem, f.workMemGen, f.workMemOf = s.workMem(), s.Settings.gen, s.Settings
	}
	return f.workMem
}

// settingsCached returns the fast state with the settings every
// statement reads up to date (read again after any SET or RESET, or when
// the session was given other Settings).
func (s *Session) settingsCached() *fastState {
	f := &s.fast
	if f.setOf != s.Settings || f.setGen != s.Settings.gen {
		f.isolation, _ = s.Settings.Get("default_transaction_isolation")
		v, _ := s.Settings.Get("synchronous_commit")
		f.syncCommit = v != "off"
		var err error
		f.appName, err = s.Settings.Get("application_name")
		f.appOK = err == nil
		f.setOf, f.setGen = s.Settings, s.Settings.gen
	}
	return f
}

// tempDir returns the instance's temporary file directory.
func (s *Session) tempDir() string {
	if s.fast.tempDir == "" {
		s.fast.tempDir = s.inst.TempDir()
	}
	return s.fast.tempDir
}
