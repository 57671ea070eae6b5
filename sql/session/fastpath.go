package session

// fastState caches what every statement would otherwise recompute from
// settings or the instance: work_mem (valid while Settings.gen is
// unchanged) and the temporary file directory.
type fastState struct {
	workMemOf  *Settings
	workMemGen uint64
	workMem    int64
	tempDir    string
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

// tempDir returns the instance's temporary file directory.
func (s *Session) tempDir() string {
	if s.fast.tempDir == "" {
		s.fast.tempDir = s.inst.TempDir()
	}
	return s.fast.tempDir
}
