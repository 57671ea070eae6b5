package session

import (
	"time"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/instance"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/funcs"
	"github.com/tuskdb/tusk/sql/types"
)

// The backend functions and pg_stat_activity (PostgreSQL's pgstatfuncs.c,
// signalfuncs.c and system_views.sql).

// PostgreSQL's pg_proc OIDs.
const (
	oidPgStatGetActivity = 2022
	oidPgBackendPID      = 2026
	oidPgCancelBackend   = 2171
	oidPgTerminate       = 2096
)

// The database and role every client backend uses: the database Tusk
// opens and PostgreSQL's bootstrap superuser.
const (
	activityDatID     = catalog.DatabaseOID
	activityUserSysID = catalog.BootstrapSuperuser
)

// activityCols are pg_stat_get_activity's OUT parameters, in PostgreSQL
// 15's order.
var activityCols = []analyze.Column{
	{Name: "datid", T: types.Oid, Mod: -1},
	{Name: "pid", T: types.Int4, Mod: -1},
	{Name: "usesysid", T: types.Oid, Mod: -1},
	{Name: "application_name", T: types.Text, Mod: -1},
	{Name: "state", T: types.Text, Mod: -1},
	{Name: "query", T: types.Text, Mod: -1},
	{Name: "wait_event_type", T: types.Text, Mod: -1},
	{Name: "wait_event", T: types.Text, Mod: -1},
	{Name: "xact_start", T: types.Timestamptz, Mod: -1},
	{Name: "query_start", T: types.Timestamptz, Mod: -1},
	{Name: "backend_start", T: types.Timestamptz, Mod: -1},
	{Name: "state_change", T: types.Timestamptz, Mod: -1},
	{Name: "client_addr", T: inetType(), Mod: -1},
	{Name: "client_hostname", T: types.Text, Mod: -1},
	{Name: "client_port", T: types.Int4, Mod: -1},
	{Name: "backend_xid", T: types.Xid, Mod: -1},
	{Name: "backend_xmin", T: types.Xid, Mod: -1},
	{Name: "backend_type", T: types.Text, Mod: -1},
	{Name: "ssl", T: types.Bool, Mod: -1},
	{Name: "sslversion", T: types.Text, Mod: -1},
	{Name: "sslcipher", T: types.Text, Mod: -1},
	{Name: "sslbits", T: types.Int4, Mod: -1},
	{Name: "ssl_client_dn", T: types.Text, Mod: -1},
	{Name: "ssl_client_serial", T: types.Numeric, Mod: -1},
	{Name: "ssl_issuer_dn", T: types.Text, Mod: -1},
	{Name: "gss_auth", T: types.Bool, Mod: -1},
	{Name: "gss_princ", T: types.Text, Mod: -1},
	{Name: "gss_enc", T: types.Bool, Mod: -1},
	{Name: "leader_pid", T: types.Int4, Mod: -1},
	{Name: "query_id", T: types.Int8, Mod: -1},
}

// inetType is the type of client_addr: inet when Tusk has it.
func inetType() *types.T {
	if t, ok := types.ByName("inet"); ok {
		return t
	}
	return types.Text
}

func init() {
	RegisterFuncs(backendFuncs)
	// pg_proc's rows.
	catalog.RegisterProc(&funcs.Func{OID: oidPgStatGetActivity, Name: "pg_stat_get_activity", Args: []*types.T{types.Int4},
		ArgNames: []string{"pid"}, Ret: types.Record, RetSet: true, Volatility: funcs.Stable, Kind: funcs.KindNormal, Src: "pg_stat_get_activity"})
	catalog.RegisterProc(&funcs.Func{OID: oidPgBackendPID, Name: "pg_backend_pid", Ret: types.Int4, Strict: true,
		Volatility: funcs.Stable, Kind: funcs.KindNormal, Src: "pg_backend_pid"})
	catalog.RegisterProc(&funcs.Func{OID: oidPgTerminate, Name: "pg_terminate_backend", Args: []*types.T{types.Int4, types.Int8},
		ArgNames: []string{"pid", "timeout"}, Defaults: []types.Datum{int64(0)}, Ret: types.Bool, Strict: true,
		Volatility: funcs.Volatile, Kind: funcs.KindNormal, Src: "pg_terminate_backend"})
	catalog.RegisterProc(&funcs.Func{OID: oidPgCancelBackend, Name: "pg_cancel_backend", Args: []*types.T{types.Int4}, Ret: types.Bool,
		Strict: true, Volatility: funcs.Volatile, Kind: funcs.KindNormal, Src: "pg_cancel_backend"})
	// system_views.sql's pg_stat_activity.
	RegisterSystemView("pg_catalog", "pg_stat_activity", `
SELECT s.datid,
    d.datname,
    s.pid,
    s.leader_pid,
    s.usesysid,
    u.rolname AS usename,
    s.application_name,
    s.client_addr,
    s.client_hostname,
    s.client_port,
    s.backend_start,
    s.xact_start,
    s.query_start,
    s.state_change,
    s.wait_event_type,
    s.wait_event,
    s.state,
    s.backend_xid,
    s.backend_xmin,
    s.query_id,
    s.query,
    s.backend_type
   FROM pg_stat_get_activity(NULL::integer) s
     LEFT JOIN pg_database d ON s.datid = d.oid
     LEFT JOIN pg_authid u ON s.usesysid = u.oid`)
}

func backendFuncs(s *Session, _ *mvcc.Snapshot, name string, argTypes []*types.T) *analyze.SessionFuncDef {
	switch name {
	case "pg_backend_pid":
		if len(argTypes) != 0 {
			return nil
		}
		return &analyze.SessionFuncDef{OID: oidPgBackendPID, Ret: types.Int4,
			Fn: func([]types.Datum) (types.Datum, error) { return int64(s.id), nil }}
	case "pg_stat_get_activity":
		if len(argTypes) != 1 {
			return nil
		}
		return &analyze.SessionFuncDef{OID: oidPgStatGetActivity, Args: []*types.T{types.Int4}, Ret: types.Record,
			OutCols: activityCols, SRF: func(args []types.Datum) (func() (types.Datum, bool, error), error) {
				rows := s.activity(args[0])
				return func() (types.Datum, bool, error) {
					if len(rows) == 0 {
						return nil, false, nil
					}
					r := rows[0]
					rows = rows[1:]
					return r, true, nil
				}, nil
			}}
	case "pg_cancel_backend":
		if len(argTypes) != 1 {
			return nil
		}
		return &analyze.SessionFuncDef{OID: oidPgCancelBackend, Args: []*types.T{types.Int4}, Ret: types.Bool, Strict: true,
			Fn: func(args []types.Datum) (types.Datum, error) {
				b := s.signalTarget(args[0])
				if b == nil {
					return false, nil
				}
				b.Cancel()
				return true, nil
			}}
	case "pg_terminate_backend":
		if len(argTypes) != 1 && len(argTypes) != 2 {
			return nil
		}
		args := []*types.T{types.Int4, types.Int8}[:len(argTypes)]
		return &analyze.SessionFuncDef{OID: oidPgTerminate, Args: args, Ret: types.Bool, Strict: true,
			Fn: func(args []types.Datum) (types.Datum, error) { return s.terminateBackend(args) }}
	}
	return nil
}

// signalTarget returns the client backend pid names, or nil after a
// WARNING like PostgreSQL's pg_signal_backend.
func (s *Session) signalTarget(pid types.Datum) *instance.Backend {
	p, _ := pid.(int64)
	b := s.inst.Backends().Lookup(int32(p))
	if b == nil || b.Type != instance.ClientBackend || int64(int32(p)) != p {
		s.inst.Logf("WARNING:  PID %d is not a PostgreSQL backend process", p)
		return nil
	}
	return b
}

// terminateBackend is pg_terminate_backend(pid, timeout): with a positive
// timeout (ms) it waits for the backend to end and returns false, with a
// WARNING, if it did not in time.
func (s *Session) terminateBackend(args []types.Datum) (types.Datum, error) {
	var timeout int64
	if len(args) == 2 {
		timeout, _ = args[1].(int64)
		if timeout < 0 {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "\"timeout\" must not be negative")
		}
	}
	b := s.signalTarget(args[0])
	if b == nil {
		return false, nil
	}
	b.Terminate()
	if timeout == 0 || b == s.be {
		return true, nil
	}
	t := time.NewTimer(time.Duration(timeout) * time.Millisecond)
	defer t.Stop()
	select {
	case <-b.Done():
		return true, nil
	case <-t.C:
		s.inst.Logf("WARNING:  backend with PID %d did not terminate within %d milliseconds", b.PID, timeout)
		return false, nil
	}
}

// activity returns pg_stat_get_activity's rows: every backend, or the one
// with pid (none if it does not exist).
func (s *Session) activity(pidArg types.Datum) []types.Datum {
	var out []types.Datum
	for _, st := range s.inst.Backends().List() {
		if pidArg != nil {
			if p, _ := pidArg.(int64); int64(st.PID) != p {
				continue
			}
		}
		out = append(out, activityRow(st))
	}
	return out
}

func activityRow(st instance.BackendStatus) []types.Datum {
	row := make([]types.Datum, len(activityCols))
	set := func(name string, v types.Datum) {
		for i, c := range activityCols {
			if c.Name == name {
				row[i] = v
				return
			}
		}
		panic("pg_stat_get_activity: no column " + name)
	}
	set("pid", int64(st.PID))
	set("application_name", st.AppName)
	set("query", st.Query)
	set("backend_type", st.Type)
	set("backend_start", tsDatum(st.BackendStart))
	set("xact_start", tsDatum(st.XactStart))
	set("query_start", tsDatum(st.QueryStart))
	set("state_change", tsDatum(st.Changed))
	if st.WaitEvent != "" {
		set("wait_event_type", st.WaitEventType)
		set("wait_event", st.WaitEvent)
	}
	if st.Client {
		set("datid", int64(activityDatID))
		set("usesysid", int64(activityUserSysID))
		set("state", st.State)
		set("client_port", int64(-1)) // a local connection, like a Unix socket
		set("ssl", false)
		set("gss_auth", false)
		set("gss_enc", false)
		if st.XID.IsValid() {
			set("backend_xid", int64(st.XID))
		}
		if st.Xmin.IsValid() {
			set("backend_xmin", int64(st.Xmin))
		}
	}
	return row
}

func tsDatum(t time.Time) types.Datum {
	if t.IsZero() {
		return nil
	}
	return types.TimestampVal(t.Sub(activityEpoch) / time.Microsecond)
}

// activityEpoch is PostgreSQL's timestamp epoch.
var activityEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
