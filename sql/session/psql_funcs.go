package session

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/funcs"
	"github.com/tuskdb/tusk/sql/types"
)

// Functions and system views that psql's describe commands and drivers
// read besides the introspection functions of introspect_*.go:
// pg_show_all_settings (and the pg_settings view over it), pg_roles and
// pg_user over pg_authid, pg_encoding_to_char / pg_char_to_encoding,
// col_description, and the functions of features Tusk does not have,
// which answer as PostgreSQL does for a database without them
// (pg_partition_ancestors, pg_partition_root, pg_relation_is_publishable,
// pg_get_triggerdef, pg_get_statisticsobjdef_columns, pg_get_ruledef).
//
// guc_meta_gen.go holds PostgreSQL 15's descriptions of its parameters,
// generated with
//
//	SELECT json_agg(json_build_object('name', name, 'unit', unit, 'category', category,
//	  'short', short_desc, 'extra', extra_desc, 'context', context, 'vartype', vartype,
//	  'min', min_val, 'max', max_val, 'enumvals', enumvals, 'boot', boot_val) ORDER BY name)
//	FROM pg_settings

// gucInfo is a parameter's pg_settings columns other than its value.
type gucInfo struct {
	name, unit, category, short, extra, context, vartype, min, max string
	enumvals                                                       []string
	boot                                                           string
}

// PostgreSQL's OIDs of the functions here.
const (
	oidPgShowAllSettings           = 2084
	oidCurrentSetting              = 2077
	oidCurrentSettingMissingOK     = 3294
	oidSetConfig                   = 2078
	oidPgEncodingToChar            = 1597
	oidPgCharToEncoding            = 1264
	oidColDescription              = 1216
	oidPgPartitionAncestors        = 3425
	oidPgPartitionRoot             = 3424
	oidPgRelationIsPublishable     = 6121
	oidPgGetTriggerdef             = 1662
	oidPgGetTriggerdefExt          = 2730
	oidPgGetStatisticsobjdefCols   = 6174
	oidPgGetRuledef                = 1573
	oidPgGetRuledefExt             = 2504
	pgDescriptionClassOfRelation   = catalog.PgClassOID
	settingsSourceDefault          = "default"
	settingsSourceSession          = "session"
	settingsContextUnknownVartype  = "string"
	settingsContextUnknownCategory = "Customized Options"
)

var settingsCols = []analyze.Column{
	{Name: "name", T: types.Text, Mod: -1}, {Name: "setting", T: types.Text, Mod: -1},
	{Name: "unit", T: types.Text, Mod: -1}, {Name: "category", T: types.Text, Mod: -1},
	{Name: "short_desc", T: types.Text, Mod: -1}, {Name: "extra_desc", T: types.Text, Mod: -1},
	{Name: "context", T: types.Text, Mod: -1}, {Name: "vartype", T: types.Text, Mod: -1},
	{Name: "source", T: types.Text, Mod: -1}, {Name: "min_val", T: types.Text, Mod: -1},
	{Name: "max_val", T: types.Text, Mod: -1}, {Name: "enumvals", T: types.TextArray, Mod: -1},
	{Name: "boot_val", T: types.Text, Mod: -1}, {Name: "reset_val", T: types.Text, Mod: -1},
	{Name: "sourcefile", T: types.Text, Mod: -1}, {Name: "sourceline", T: types.Int4, Mod: -1},
	{Name: "pending_restart", T: types.Bool, Mod: -1},
}

func init() {
	RegisterFuncs(psqlFuncs)
	RegisterSystemView("pg_catalog", "pg_settings", `SELECT * FROM pg_catalog.pg_show_all_settings() a`)
	RegisterSystemView("pg_catalog", "pg_roles", `
SELECT pg_authid.rolname, pg_authid.rolsuper, pg_authid.rolinherit, pg_authid.rolcreaterole,
       pg_authid.rolcreatedb, pg_authid.rolcanlogin, pg_authid.rolreplication, pg_authid.rolconnlimit,
       '********'::text AS rolpassword, pg_authid.rolvaliduntil, pg_authid.rolbypassrls,
       NULL::text[] AS rolconfig, pg_authid.oid
FROM pg_catalog.pg_authid`)
	RegisterSystemView("pg_catalog", "pg_user", `
SELECT rolname AS usename, oid AS usesysid, rolcreatedb AS usecreatedb, rolsuper AS usesuper,
       rolreplication AS userepl, rolbypassrls AS usebypassrls, '********'::text AS passwd,
       rolvaliduntil AS valuntil, NULL::text[] AS useconfig
FROM pg_catalog.pg_authid WHERE rolcanlogin`)
	text, oid, i4, b, rc := types.Text, types.Oid, types.Int4, types.Bool, types.Regclass
	for _, f := range []*funcs.Func{
		{OID: oidPgShowAllSettings, Name: "pg_show_all_settings", Ret: types.Record, RetSet: true, Strict: true, Volatility: funcs.Stable, Src: "show_all_settings"},
		{OID: oidCurrentSetting, Name: "current_setting", Args: []*types.T{text}, Ret: text, Strict: true, Volatility: funcs.Stable, Src: "show_config_by_name"},
		{OID: oidCurrentSettingMissingOK, Name: "current_setting", Args: []*types.T{text, b}, Ret: text, Strict: true, Volatility: funcs.Stable, Src: "show_config_by_name_missing_ok"},
		{OID: oidSetConfig, Name: "set_config", Args: []*types.T{text, text, b}, Ret: text, Volatility: funcs.Volatile, Src: "set_config_by_name"},
		{OID: oidPgEncodingToChar, Name: "pg_encoding_to_char", Args: []*types.T{i4}, Ret: types.Name, Strict: true, Volatility: funcs.Stable, Src: "PG_encoding_to_char"},
		{OID: oidPgCharToEncoding, Name: "pg_char_to_encoding", Args: []*types.T{types.Name}, Ret: i4, Strict: true, Volatility: funcs.Stable, Src: "PG_char_to_encoding"},
		{OID: oidColDescription, Name: "col_description", Args: []*types.T{oid, i4}, Ret: text, Strict: true, Volatility: funcs.Stable},
		{OID: oidPgPartitionAncestors, Name: "pg_partition_ancestors", Args: []*types.T{rc}, ArgNames: []string{"partitionid", "relid"}, Ret: rc, RetSet: true, Strict: true, Volatility: funcs.Volatile, Src: "pg_partition_ancestors"},
		{OID: oidPgPartitionRoot, Name: "pg_partition_root", Args: []*types.T{rc}, Ret: rc, Strict: true, Volatility: funcs.Immutable, Src: "pg_partition_root"},
		{OID: oidPgRelationIsPublishable, Name: "pg_relation_is_publishable", Args: []*types.T{rc}, Ret: b, Strict: true, Volatility: funcs.Stable, Src: "pg_relation_is_publishable"},
		{OID: oidPgGetTriggerdef, Name: "pg_get_triggerdef", Args: []*types.T{oid}, Ret: text, Strict: true, Volatility: funcs.Stable, Src: "pg_get_triggerdef"},
		{OID: oidPgGetTriggerdefExt, Name: "pg_get_triggerdef", Args: []*types.T{oid, b}, Ret: text, Strict: true, Volatility: funcs.Stable, Src: "pg_get_triggerdef_ext"},
		{OID: oidPgGetStatisticsobjdefCols, Name: "pg_get_statisticsobjdef_columns", Args: []*types.T{oid}, Ret: text, Strict: true, Volatility: funcs.Stable, Src: "pg_get_statisticsobjdef_columns"},
		{OID: oidPgGetRuledef, Name: "pg_get_ruledef", Args: []*types.T{oid}, Ret: text, Strict: true, Volatility: funcs.Stable, Src: "pg_get_ruledef"},
		{OID: oidPgGetRuledefExt, Name: "pg_get_ruledef", Args: []*types.T{oid, b}, Ret: text, Strict: true, Volatility: funcs.Stable, Src: "pg_get_ruledef_ext"},
	} {
		catalog.RegisterProc(f)
	}
}

// psqlFuncs resolves the functions of this file.
func psqlFuncs(s *Session, snap *mvcc.Snapshot, name string, argTypes []*types.T) *analyze.SessionFuncDef {
	n := len(argTypes)
	text, oid, i4, b, rc := types.Text, types.Oid, types.Int4, types.Bool, types.Regclass
	null := func([]types.Datum) (types.Datum, error) { return nil, nil }
	switch {
	case name == "pg_show_all_settings" && n == 0:
		return &analyze.SessionFuncDef{OID: oidPgShowAllSettings, Ret: types.Record, OutCols: settingsCols,
			SRF: func([]types.Datum) (func() (types.Datum, bool, error), error) {
				rows := s.allSettings()
				return func() (types.Datum, bool, error) {
					if len(rows) == 0 {
						return nil, false, nil
					}
					r := rows[0]
					rows = rows[1:]
					return r, true, nil
				}, nil
			}}
	case name == "current_setting" && (n == 1 || n == 2):
		return &analyze.SessionFuncDef{OID: map[int]uint32{1: oidCurrentSetting, 2: oidCurrentSettingMissingOK}[n],
			Args: []*types.T{text, b}[:n], Ret: text, Strict: true,
			Fn: func(a []types.Datum) (types.Datum, error) {
				v, err := s.Settings.Get(fmt.Sprint(a[0]))
				if err != nil {
					if missingOK, _ := a[len(a)-1].(bool); n == 2 && missingOK {
						return nil, nil
					}
					return nil, err
				}
				return v, nil
			}}
	case name == "set_config" && n == 3:
		return &analyze.SessionFuncDef{OID: oidSetConfig, Args: []*types.T{text, text, b}, Ret: text,
			Fn: func(a []types.Datum) (types.Datum, error) {
				if a[0] == nil {
					return nil, pgerr.New(pgerr.InvalidParameterValue, "SET requires parameter name")
				}
				if local, _ := a[2].(bool); local {
					return nil, pgerr.New(pgerr.FeatureNotSupported, "set_config with is_local true is not supported yet")
				}
				name := fmt.Sprint(a[0])
				var err error
				if a[1] == nil {
					err = s.Settings.Reset(name)
				} else {
					err = s.Settings.Set(name, fmt.Sprint(a[1]))
				}
				if err != nil {
					return nil, err
				}
				return s.Settings.Get(name)
			}}
	case name == "pg_encoding_to_char" && n == 1:
		return &analyze.SessionFuncDef{OID: oidPgEncodingToChar, Args: []*types.T{i4}, Ret: types.Name, Strict: true,
			Fn: func(a []types.Datum) (types.Datum, error) {
				if v, _ := a[0].(int64); v == catalog.EncodingUTF8 {
					return "UTF8", nil
				} else if v == 0 {
					return "SQL_ASCII", nil
				}
				return "", nil
			}}
	case name == "pg_char_to_encoding" && n == 1:
		return &analyze.SessionFuncDef{OID: oidPgCharToEncoding, Args: []*types.T{types.Name}, Ret: i4, Strict: true,
			Fn: func(a []types.Datum) (types.Datum, error) {
				switch strings.ToUpper(strings.ReplaceAll(fmt.Sprint(a[0]), "-", "")) {
				case "UTF8", "UNICODE":
					return int64(catalog.EncodingUTF8), nil
				case "SQL_ASCII":
					return int64(0), nil
				}
				return int64(-1), nil
			}}
	case name == "col_description" && n == 2:
		return &analyze.SessionFuncDef{OID: oidColDescription, Args: []*types.T{oid, i4}, Ret: text, Strict: true,
			Fn: func(a []types.Datum) (types.Datum, error) {
				rel, _ := a[0].(int64)
				col, _ := a[1].(int64)
				d, ok, err := s.inst.Catalog.Description(snap, base.OID(rel), pgDescriptionClassOfRelation, int32(col))
				if err != nil || !ok {
					return nil, err
				}
				return d, nil
			}}
	case name == "pg_partition_ancestors" && n == 1:
		// Tusk has no partitioning: no relation is a partition or a
		// partitioned table, so there are no rows (as PostgreSQL for
		// such relations).
		return &analyze.SessionFuncDef{OID: oidPgPartitionAncestors, Args: []*types.T{rc}, Ret: rc, Strict: true,
			SRF: func([]types.Datum) (func() (types.Datum, bool, error), error) {
				return func() (types.Datum, bool, error) { return nil, false, nil }, nil
			}}
	case name == "pg_partition_root" && n == 1:
		return &analyze.SessionFuncDef{OID: oidPgPartitionRoot, Args: []*types.T{rc}, Ret: rc, Strict: true, Fn: null}
	case name == "pg_relation_is_publishable" && n == 1:
		return &analyze.SessionFuncDef{OID: oidPgRelationIsPublishable, Args: []*types.T{rc}, Ret: b, Strict: true,
			Fn: func(a []types.Datum) (types.Datum, error) {
				o, _ := a[0].(int64)
				rel, err := s.inst.Catalog.RelationByOID(snap, base.OID(o))
				if err != nil || rel == nil {
					return nil, err
				}
				// is_publishable_class: a permanent user table.
				return rel.Kind == catalog.KindTable && rel.OID >= catalog.FirstNormalObjectID &&
					rel.Namespace != catalog.PgCatalogNamespace, nil
			}}
	case name == "pg_get_triggerdef" && (n == 1 || n == 2):
		// No triggers exist: PostgreSQL returns NULL for an unknown OID.
		return &analyze.SessionFuncDef{OID: map[int]uint32{1: oidPgGetTriggerdef, 2: oidPgGetTriggerdefExt}[n],
			Args: []*types.T{oid, b}[:n], Ret: text, Strict: true, Fn: null}
	case name == "pg_get_statisticsobjdef_columns" && n == 1:
		return &analyze.SessionFuncDef{OID: oidPgGetStatisticsobjdefCols, Args: []*types.T{oid}, Ret: text, Strict: true, Fn: null}
	case name == "pg_get_ruledef" && (n == 1 || n == 2):
		return &analyze.SessionFuncDef{OID: map[int]uint32{1: oidPgGetRuledef, 2: oidPgGetRuledefExt}[n],
			Args: []*types.T{oid, b}[:n], Ret: text, Strict: true,
			Fn: func(a []types.Datum) (types.Datum, error) {
				o, _ := a[0].(int64)
				return s.ruleDef(snap, base.OID(o))
			}}
	}
	return nil
}

// ruleDef is pg_get_ruledef of a view's _RETURN rule (the only rules Tusk
// has); "-" for an OID that is not a rule, as PostgreSQL.
func (s *Session) ruleDef(snap *mvcc.Snapshot, rule base.OID) (types.Datum, error) {
	view, ok, err := s.inst.Catalog.RuleRelation(snap, rule)
	if err != nil || !ok {
		return "-", err
	}
	rel, err := s.inst.Catalog.RelationByOID(snap, view)
	if err != nil || rel == nil {
		return "-", err
	}
	def, err := s.inst.Catalog.ViewDefinition(snap, view)
	if err != nil {
		return nil, err
	}
	nsName := s.namespaceName(snap, rel.Namespace)
	return fmt.Sprintf("CREATE RULE \"_RETURN\" AS\n    ON SELECT TO %s.%s DO INSTEAD  %s;", ast.QuoteIdent(nsName), ast.QuoteIdent(rel.Name), def), nil
}

// namespaceName is the name of schema ns ("" if there is none).
func (s *Session) namespaceName(snap *mvcc.Snapshot, ns base.OID) string {
	name, _ := s.inst.Catalog.NamespaceName(snap, ns)
	return name
}

// allSettings are the rows of pg_show_all_settings: every parameter the
// session has, with PostgreSQL's description of it.
func (s *Session) allSettings() []types.Datum {
	var out []types.Datum
	for _, name := range Names() {
		st := settings[name]
		v, _ := s.Settings.Get(name)
		source := settingsSourceDefault
		if _, set := s.Settings.vals[name]; set {
			source = settingsSourceSession
		}
		m, ok := gucMeta[name]
		if !ok {
			m = gucInfo{name: name, category: settingsContextUnknownCategory, context: "user", vartype: settingsContextUnknownVartype}
		}
		if st.fixed && m.context == "user" {
			m.context = "postmaster"
		}
		opt := func(v string) types.Datum {
			if v == "" {
				return nil
			}
			return v
		}
		var enums types.Datum
		if m.enumvals != nil {
			es := make([]types.Datum, len(m.enumvals))
			for i, e := range m.enumvals {
				es[i] = e
			}
			enums = types.NewArray(types.Text, es)
		}
		out = append(out, []types.Datum{m.name, inUnit(v, m.unit), opt(m.unit), m.category, m.short, opt(m.extra),
			m.context, m.vartype, source, opt(m.min), opt(m.max), enums, inUnit(st.def, m.unit), inUnit(st.def, m.unit),
			nil, nil, false})
	}
	return out
}

// inUnit converts a memory or time value written with a unit ("4MB",
// "200ms", "1min") to a number of the parameter's base unit ("4096" for
// kB), as pg_settings.setting shows it. Values without a unit, and
// parameters without one, are shown as they are.
func inUnit(v, unit string) string {
	if unit == "" {
		return v
	}
	t := strings.TrimSpace(v)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.' || t[i] == '-') {
		i++
	}
	num, err := strconv.ParseFloat(t[:i], 64)
	suffix := strings.TrimSpace(t[i:])
	if err != nil || suffix == "" {
		return v
	}
	mem := map[string]float64{"B": 1.0 / 1024, "kB": 1, "MB": 1024, "GB": 1024 * 1024, "TB": 1024 * 1024 * 1024}
	tm := map[string]float64{"us": 0.001, "ms": 1, "s": 1000, "min": 60000, "h": 3600000, "d": 86400000}
	var have, base float64
	var ok1, ok2 bool
	if have, ok1 = mem[suffix]; ok1 {
		switch unit {
		case "8kB":
			base, ok2 = 8, true
		default:
			base, ok2 = mem[unit]
		}
	} else if have, ok1 = tm[suffix]; ok1 {
		base, ok2 = tm[unit]
	}
	if !ok1 || !ok2 {
		return v
	}
	return strconv.FormatInt(int64(num*have/base), 10)
}
