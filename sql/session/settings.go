package session

import (
	"sort"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// setting is a configuration parameter (GUC).
type setting struct {
	name  string
	def   string
	check func(string) (string, error) // normalizes a new value; nil accepts any
	// fixed settings are set at Open and cannot change in a session
	fixed bool
}

func boolSetting(v string) (string, error) {
	switch strings.ToLower(v) {
	case "on", "true", "yes", "1", "t", "y":
		return "on", nil
	case "off", "false", "no", "0", "f", "n":
		return "off", nil
	}
	return "", nil
}

var settings = map[string]*setting{}

func def(s *setting) { settings[s.name] = s }

func init() {
	def(&setting{name: "synchronous_commit", def: "on", check: func(v string) (string, error) {
		switch strings.ToLower(v) {
		case "on", "true", "yes", "1", "local", "remote_write", "remote_apply":
			return "on", nil
		case "off", "false", "no", "0":
			return "off", nil
		}
		return "", nil
	}})
	for _, b := range []string{"enable_seqscan", "enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan",
		"enable_hashjoin", "enable_mergejoin", "enable_nestloop", "enable_sort", "enable_hashagg", "enable_material"} {
		def(&setting{name: b, def: "on", check: boolSetting})
	}
	def(&setting{name: "work_mem", def: "4MB"})
	def(&setting{name: "maintenance_work_mem", def: "64MB"})
	def(&setting{name: "shared_buffers", def: "128MB", fixed: true})
	def(&setting{name: "wal_writer_delay", def: "200ms", fixed: true})
	def(&setting{name: "search_path", def: `"$user", public`})
	def(&setting{name: "default_transaction_isolation", def: "read committed", check: isolationSetting})
	def(&setting{name: "transaction_isolation", def: "read committed", check: isolationSetting})
	def(&setting{name: "application_name", def: ""})
	def(&setting{name: "client_encoding", def: "UTF8"})
	def(&setting{name: "server_encoding", def: "UTF8", fixed: true})
	def(&setting{name: "datestyle", def: "ISO, MDY"})
	def(&setting{name: "timezone", def: "UTC"})
	def(&setting{name: "intervalstyle", def: "postgres"})
	def(&setting{name: "server_version", def: "15.0", fixed: true})
	def(&setting{name: "server_version_num", def: "150000", fixed: true})
	def(&setting{name: "standard_conforming_strings", def: "on", check: boolSetting})
	def(&setting{name: "integer_datetimes", def: "on", fixed: true})
	def(&setting{name: "statement_timeout", def: "0"})
	def(&setting{name: "lock_timeout", def: "0"})
	def(&setting{name: "max_parallel_workers_per_gather", def: "2"})
	def(&setting{name: "default_statistics_target", def: "100"})
	def(&setting{name: "random_page_cost", def: "4"})
	def(&setting{name: "seq_page_cost", def: "1"})
	def(&setting{name: "extra_float_digits", def: "1"})
	def(&setting{name: "client_min_messages", def: "notice"})
}

func isolationSetting(v string) (string, error) {
	switch strings.ToLower(v) {
	case "read committed", "read uncommitted":
		return "read committed", nil
	case "repeatable read":
		return "repeatable read", nil
	case "serializable":
		return "serializable", nil
	}
	return "", nil
}

// Settings holds a session's values.
type Settings struct {
	vals map[string]string
	gen  uint64 // counts changes: cached plans depend on the settings
}

// NewSettings starts from the defaults, overridden by base (e.g. Open's
// options or the DSN).
func NewSettings(base map[string]string) (*Settings, error) {
	s := &Settings{vals: map[string]string{}}
	for k, v := range base {
		k = strings.ToLower(k)
		st, ok := settings[k]
		if !ok {
			return nil, unknownSetting(k)
		}
		if st.check != nil {
			nv, _ := st.check(v)
			if nv == "" {
				return nil, badValue(k, v)
			}
			v = nv
		}
		s.vals[k] = v
	}
	return s, nil
}

func unknownSetting(name string) error {
	return pgerr.New(pgerr.UndefinedObject, "unrecognized configuration parameter %q", name)
}

func badValue(name, v string) error {
	return pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter %q: %q", name, v)
}

// Get returns a setting's value.
func (s *Settings) Get(name string) (string, error) {
	name = strings.ToLower(name)
	st, ok := settings[name]
	if !ok {
		return "", unknownSetting(name)
	}
	if v, ok := s.vals[name]; ok {
		return v, nil
	}
	return st.def, nil
}

// Set changes a setting.
func (s *Settings) Set(name, v string) error {
	name = strings.ToLower(name)
	st, ok := settings[name]
	if !ok {
		return unknownSetting(name)
	}
	if st.fixed {
		return pgerr.New(pgerr.CantChangeRuntimeParam, "parameter %q cannot be changed without restarting the server", name)
	}
	if st.check != nil {
		nv, _ := st.check(v)
		if nv == "" {
			return badValue(name, v)
		}
		v = nv
	}
	s.vals[name] = v
	s.gen++
	return nil
}

// Reset returns a setting to its default.
func (s *Settings) Reset(name string) error {
	name = strings.ToLower(name)
	if _, ok := settings[name]; !ok {
		return unknownSetting(name)
	}
	delete(s.vals, name)
	s.gen++
	return nil
}

// Names lists every setting, sorted.
func Names() []string {
	var out []string
	for k := range settings {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
