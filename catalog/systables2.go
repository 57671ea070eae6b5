package catalog

import (
	"context"
	"sort"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/funcs"
	"github.com/tuskdb/tusk/sql/types"
)

// More catalog relations with PostgreSQL 15's OIDs and columns (C1): the
// functions (pg_proc), the database, roles, access methods, tablespaces,
// collations, languages, comments (pg_description), and catalogs of
// features Tusk does not have (inheritance, triggers, policies, extended
// statistics, partitioning, publications, foreign tables, extensions,
// event triggers), which exist but stay empty so that the queries psql
// and drivers send find them (C8).
const (
	PgProcOID                 base.OID = 1255
	PgDatabaseOID             base.OID = 1262
	PgAuthidOID               base.OID = 1260
	PgAuthMembersOID          base.OID = 1261
	PgDescriptionOID          base.OID = 2609
	PgShdescriptionOID        base.OID = 2396
	PgAmOID                   base.OID = 2601
	PgTablespaceOID           base.OID = 1213
	PgCollationOID            base.OID = 3456
	PgLanguageOID             base.OID = 2612
	PgOperatorOID             base.OID = 2617
	PgInheritsOID             base.OID = 2611
	PgTriggerOID              base.OID = 2620
	PgPolicyOID               base.OID = 3256
	PgStatisticExtOID         base.OID = 3381
	PgPartitionedTableOID     base.OID = 3350
	PgPublicationOID          base.OID = 6104
	PgPublicationRelOID       base.OID = 6106
	PgPublicationNamespaceOID base.OID = 6237
	PgForeignTableOID         base.OID = 3118
	PgExtensionOID            base.OID = 3079
	PgEventTriggerOID         base.OID = 3466
)

// Built-in objects the new catalogs describe (PostgreSQL's OIDs).
const (
	// DatabaseOID is the OID of Tusk's one database (PostgreSQL's initdb
	// gives its "postgres" database 5), DatabaseName its name
	// (current_database()).
	DatabaseOID  base.OID = 5
	DatabaseName          = "tusk"
	// SuperuserName is the bootstrap superuser's name (current_user).
	SuperuserName = "postgres"
	// DatabaseOwnerRole is pg_database_owner, the owner of schema public.
	DatabaseOwnerRole base.OID = 6171

	DefaultTablespace base.OID = 1663
	GlobalTablespace  base.OID = 1664

	DefaultCollation base.OID = 100
	CCollation       base.OID = 950
	POSIXCollation   base.OID = 951

	LangInternal base.OID = 12
	LangC        base.OID = 13
	LangSQL      base.OID = 14

	HashAM   base.OID = 405
	GistAM   base.OID = 783
	GinAM    base.OID = 2742
	SpgistAM base.OID = 4000
	BrinAM   base.OID = 3580

	// EncodingUTF8 is pg_database.encoding of UTF8 (pg_encoding_to_char).
	EncodingUTF8 = 6
)

// More column types of the catalogs.
const (
	tBytea       base.OID = 17
	tCharArray   base.OID = 1002
	tTimestamptz base.OID = 1184
)

var pgProc = sysTable{PgProcOID, "pg_proc", []col{
	{"oid", tOid, true}, {"proname", tName, true}, {"pronamespace", tOid, true}, {"proowner", tOid, true},
	{"prolang", tOid, true}, {"procost", tFloat4, true}, {"prorows", tFloat4, true}, {"provariadic", tOid, true},
	{"prosupport", tRegproc, true}, {"prokind", tChar, true}, {"prosecdef", tBool, true},
	{"proleakproof", tBool, true}, {"proisstrict", tBool, true}, {"proretset", tBool, true},
	{"provolatile", tChar, true}, {"proparallel", tChar, true}, {"pronargs", tInt2, true},
	{"pronargdefaults", tInt2, true}, {"prorettype", tOid, true}, {"proargtypes", tOidVector, true},
	{"proallargtypes", tOidArray, false}, {"proargmodes", tCharArray, false}, {"proargnames", tTextArray, false},
	{"proargdefaults", tNodeTree, false}, {"protrftypes", tOidArray, false}, {"prosrc", tText, true},
	{"probin", tText, false}, {"prosqlbody", tNodeTree, false}, {"proconfig", tTextArray, false},
	{"proacl", tAclArray, false},
}}

var pgDatabase = sysTable{PgDatabaseOID, "pg_database", []col{
	{"oid", tOid, true}, {"datname", tName, true}, {"datdba", tOid, true}, {"encoding", tInt4, true},
	{"datlocprovider", tChar, true}, {"datistemplate", tBool, true}, {"datallowconn", tBool, true},
	{"datconnlimit", tInt4, true}, {"datfrozenxid", tXid, true}, {"datminmxid", tXid, true},
	{"dattablespace", tOid, true}, {"datcollate", tText, true}, {"datctype", tText, true},
	{"daticulocale", tText, false}, {"datcollversion", tText, false}, {"datacl", tAclArray, false},
}}

var pgAuthid = sysTable{PgAuthidOID, "pg_authid", []col{
	{"oid", tOid, true}, {"rolname", tName, true}, {"rolsuper", tBool, true}, {"rolinherit", tBool, true},
	{"rolcreaterole", tBool, true}, {"rolcreatedb", tBool, true}, {"rolcanlogin", tBool, true},
	{"rolreplication", tBool, true}, {"rolbypassrls", tBool, true}, {"rolconnlimit", tInt4, true},
	{"rolpassword", tText, false}, {"rolvaliduntil", tTimestamptz, false},
}}

var pgAuthMembers = sysTable{PgAuthMembersOID, "pg_auth_members", []col{
	{"roleid", tOid, true}, {"member", tOid, true}, {"grantor", tOid, true}, {"admin_option", tBool, true},
}}

var pgDescription = sysTable{PgDescriptionOID, "pg_description", []col{
	{"objoid", tOid, true}, {"classoid", tOid, true}, {"objsubid", tInt4, true}, {"description", tText, true},
}}

var pgShdescription = sysTable{PgShdescriptionOID, "pg_shdescription", []col{
	{"objoid", tOid, true}, {"classoid", tOid, true}, {"description", tText, true},
}}

var pgAm = sysTable{PgAmOID, "pg_am", []col{
	{"oid", tOid, true}, {"amname", tName, true}, {"amhandler", tRegproc, true}, {"amtype", tChar, true},
}}

var pgTablespace = sysTable{PgTablespaceOID, "pg_tablespace", []col{
	{"oid", tOid, true}, {"spcname", tName, true}, {"spcowner", tOid, true}, {"spcacl", tAclArray, false},
	{"spcoptions", tTextArray, false},
}}

var pgCollation = sysTable{PgCollationOID, "pg_collation", []col{
	{"oid", tOid, true}, {"collname", tName, true}, {"collnamespace", tOid, true}, {"collowner", tOid, true},
	{"collprovider", tChar, true}, {"collisdeterministic", tBool, true}, {"collencoding", tInt4, true},
	{"collcollate", tText, false}, {"collctype", tText, false}, {"colliculocale", tText, false},
	{"collversion", tText, false},
}}

var pgLanguage = sysTable{PgLanguageOID, "pg_language", []col{
	{"oid", tOid, true}, {"lanname", tName, true}, {"lanowner", tOid, true}, {"lanispl", tBool, true},
	{"lanpltrusted", tBool, true}, {"lanplcallfoid", tOid, true}, {"laninline", tOid, true},
	{"lanvalidator", tOid, true}, {"lanacl", tAclArray, false},
}}

var pgOperator = sysTable{PgOperatorOID, "pg_operator", []col{
	{"oid", tOid, true}, {"oprname", tName, true}, {"oprnamespace", tOid, true}, {"oprowner", tOid, true},
	{"oprkind", tChar, true}, {"oprcanmerge", tBool, true}, {"oprcanhash", tBool, true}, {"oprleft", tOid, true},
	{"oprright", tOid, true}, {"oprresult", tOid, true}, {"oprcom", tOid, true}, {"oprnegate", tOid, true},
	{"oprcode", tRegproc, true}, {"oprrest", tRegproc, true}, {"oprjoin", tRegproc, true},
}}

var pgInherits = sysTable{PgInheritsOID, "pg_inherits", []col{
	{"inhrelid", tOid, true}, {"inhparent", tOid, true}, {"inhseqno", tInt4, true},
	{"inhdetachpending", tBool, true},
}}

var pgTrigger = sysTable{PgTriggerOID, "pg_trigger", []col{
	{"oid", tOid, true}, {"tgrelid", tOid, true}, {"tgparentid", tOid, true}, {"tgname", tName, true},
	{"tgfoid", tOid, true}, {"tgtype", tInt2, true}, {"tgenabled", tChar, true}, {"tgisinternal", tBool, true},
	{"tgconstrrelid", tOid, true}, {"tgconstrindid", tOid, true}, {"tgconstraint", tOid, true},
	{"tgdeferrable", tBool, true}, {"tginitdeferred", tBool, true}, {"tgnargs", tInt2, true},
	{"tgattr", tInt2Vector, true}, {"tgargs", tBytea, true}, {"tgqual", tNodeTree, false},
	{"tgoldtable", tName, false}, {"tgnewtable", tName, false},
}}

var pgPolicy = sysTable{PgPolicyOID, "pg_policy", []col{
	{"oid", tOid, true}, {"polname", tName, true}, {"polrelid", tOid, true}, {"polcmd", tChar, true},
	{"polpermissive", tBool, true}, {"polroles", tOidArray, true}, {"polqual", tNodeTree, false},
	{"polwithcheck", tNodeTree, false},
}}

var pgStatisticExt = sysTable{PgStatisticExtOID, "pg_statistic_ext", []col{
	{"oid", tOid, true}, {"stxrelid", tOid, true}, {"stxname", tName, true}, {"stxnamespace", tOid, true},
	{"stxowner", tOid, true}, {"stxstattarget", tInt4, true}, {"stxkeys", tInt2Vector, true},
	{"stxkind", tCharArray, true}, {"stxexprs", tNodeTree, false},
}}

var pgPartitionedTable = sysTable{PgPartitionedTableOID, "pg_partitioned_table", []col{
	{"partrelid", tOid, true}, {"partstrat", tChar, true}, {"partnatts", tInt2, true}, {"partdefid", tOid, true},
	{"partattrs", tInt2Vector, true}, {"partclass", tOidVector, true}, {"partcollation", tOidVector, true},
	{"partexprs", tNodeTree, false},
}}

var pgPublication = sysTable{PgPublicationOID, "pg_publication", []col{
	{"oid", tOid, true}, {"pubname", tName, true}, {"pubowner", tOid, true}, {"puballtables", tBool, true},
	{"pubinsert", tBool, true}, {"pubupdate", tBool, true}, {"pubdelete", tBool, true},
	{"pubtruncate", tBool, true}, {"pubviaroot", tBool, true},
}}

var pgPublicationRel = sysTable{PgPublicationRelOID, "pg_publication_rel", []col{
	{"oid", tOid, true}, {"prpubid", tOid, true}, {"prrelid", tOid, true}, {"prqual", tNodeTree, false},
	{"prattrs", tInt2Vector, false},
}}

var pgPublicationNamespace = sysTable{PgPublicationNamespaceOID, "pg_publication_namespace", []col{
	{"oid", tOid, true}, {"pnpubid", tOid, true}, {"pnnspid", tOid, true},
}}

var pgForeignTable = sysTable{PgForeignTableOID, "pg_foreign_table", []col{
	{"ftrelid", tOid, true}, {"ftserver", tOid, true}, {"ftoptions", tTextArray, false},
}}

var pgExtension = sysTable{PgExtensionOID, "pg_extension", []col{
	{"oid", tOid, true}, {"extname", tName, true}, {"extowner", tOid, true}, {"extnamespace", tOid, true},
	{"extrelocatable", tBool, true}, {"extversion", tText, true}, {"extconfig", tOidArray, false},
	{"extcondition", tTextArray, false},
}}

var pgEventTrigger = sysTable{PgEventTriggerOID, "pg_event_trigger", []col{
	{"oid", tOid, true}, {"evtname", tName, true}, {"evtevent", tName, true}, {"evtowner", tOid, true},
	{"evtfoid", tOid, true}, {"evtenabled", tChar, true}, {"evttags", tTextArray, false},
}}

func init() {
	sysTables = append(sysTables, &pgProc, &pgDatabase, &pgAuthid, &pgAuthMembers, &pgDescription, &pgShdescription,
		&pgAm, &pgTablespace, &pgCollation, &pgLanguage, &pgOperator, &pgInherits, &pgTrigger, &pgPolicy,
		&pgStatisticExt, &pgPartitionedTable, &pgPublication, &pgPublicationRel, &pgPublicationNamespace,
		&pgForeignTable, &pgExtension, &pgEventTrigger)
	bootstrapRows = append(bootstrapRows, func(c *Catalog, x *mvcc.Xact) error { return c.bootstrapRows2(x, nil) })
}

// bootstrapRows are steps of Bootstrap that insert the rows of catalogs
// defined outside systables.go, after the bootstrap relations exist.
var bootstrapRows []func(c *Catalog, x *mvcc.Xact) error

// extraProcs are functions provided above the catalog (by the session:
// nextval, pg_backend_pid, format_type...) that pg_proc lists besides
// sql/funcs' (RegisterProc).
var extraProcs []*funcs.Func

// RegisterProc adds a function that pg_proc lists although sql/funcs does
// not implement it: the session's functions describe themselves here from
// an init function (only the pg_proc columns of f are used: OID, Name,
// Args, ArgNames, Variadic, Defaults, Ret, RetSet, Strict, Volatility,
// Kind, Src). OIDs already in sql/funcs or registered before are ignored.
func RegisterProc(f *funcs.Func) { extraProcs = append(extraProcs, f) }

// Procs lists the functions pg_proc describes, by OID.
func Procs() []*funcs.Func {
	seen := map[base.OID]bool{}
	var out []*funcs.Func
	for _, f := range append(funcs.All(), extraProcs...) {
		if f.OID == 0 || seen[f.OID] {
			continue
		}
		seen[f.OID] = true
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OID < out[j].OID })
	return out
}

// namedRow builds a row of t from column values by name; a column not
// given is NULL. An unknown name is an internal error.
func namedRow(t *sysTable, vals map[string]types.Datum) ([]types.Datum, error) {
	row := make([]types.Datum, len(t.cols))
	n := 0
	for i, cl := range t.cols {
		if v, ok := vals[cl.name]; ok {
			row[i] = v
			n++
		}
	}
	if n != len(vals) {
		return nil, pgerr.New(pgerr.InternalError, "catalog %s: unknown column in %v", t.name, vals)
	}
	return row, nil
}

func (c *Catalog) insertNamed(x *mvcc.Xact, t *sysTable, vals map[string]types.Datum) error {
	row, err := namedRow(t, vals)
	if err != nil {
		return err
	}
	return c.insert(x, t, row)
}

type oid = int64

// Column numbers of pg_proc that EnsureSystemTables compares.
const (
	procNArgs   = 16
	procRetType = 18
)

// bootstrapRows2 inserts the built-in rows of the catalogs above; with
// only, of those catalogs only.
func (c *Catalog) bootstrapRows2(x *mvcc.Xact, only map[*sysTable]bool) error {
	type named = map[string]types.Datum
	var rows []struct {
		t    *sysTable
		vals named
	}
	add := func(t *sysTable, vals named) {
		if only != nil && !only[t] {
			return
		}
		rows = append(rows, struct {
			t    *sysTable
			vals named
		}{t, vals})
	}
	// pg_am: handler OIDs are PostgreSQL's (heap_tableam_handler, bthandler...).
	for _, am := range []struct {
		oid     base.OID
		name    string
		handler oid
		typ     string
	}{{HeapAM, "heap", 3, "t"}, {BtreeAM, "btree", 330, "i"}, {HashAM, "hash", 331, "i"}, {GistAM, "gist", 332, "i"},
		{GinAM, "gin", 333, "i"}, {SpgistAM, "spgist", 334, "i"}, {BrinAM, "brin", 335, "i"}} {
		add(&pgAm, named{"oid": oid(am.oid), "amname": am.name, "amhandler": am.handler, "amtype": am.typ})
	}
	add(&pgTablespace, named{"oid": oid(DefaultTablespace), "spcname": "pg_default", "spcowner": oid(BootstrapSuperuser)})
	add(&pgTablespace, named{"oid": oid(GlobalTablespace), "spcname": "pg_global", "spcowner": oid(BootstrapSuperuser)})
	// pg_collation: the default collation and the byte-order ones Tusk's
	// text comparison is (C, POSIX, ucs_basic).
	for _, co := range []struct {
		oid      base.OID
		name     string
		provider string
		enc      int64
		locale   types.Datum
	}{{DefaultCollation, "default", "d", -1, nil}, {CCollation, "C", "c", -1, "C"}, {POSIXCollation, "POSIX", "c", -1, "POSIX"},
		{12340, "ucs_basic", "c", EncodingUTF8, "C"}} {
		add(&pgCollation, named{"oid": oid(co.oid), "collname": co.name, "collnamespace": oid(PgCatalogNamespace),
			"collowner": oid(BootstrapSuperuser), "collprovider": co.provider, "collisdeterministic": true,
			"collencoding": co.enc, "collcollate": co.locale, "collctype": co.locale})
	}
	for _, l := range []struct {
		oid       base.OID
		name      string
		trusted   bool
		validator oid
	}{{LangInternal, "internal", false, 2246}, {LangC, "c", false, 2247}, {LangSQL, "sql", true, 2248}} {
		add(&pgLanguage, named{"oid": oid(l.oid), "lanname": l.name, "lanowner": oid(BootstrapSuperuser), "lanispl": false,
			"lanpltrusted": l.trusted, "lanplcallfoid": oid(0), "laninline": oid(0), "lanvalidator": l.validator})
	}
	add(&pgDatabase, named{"oid": oid(DatabaseOID), "datname": DatabaseName, "datdba": oid(BootstrapSuperuser),
		"encoding": int64(EncodingUTF8), "datlocprovider": "c", "datistemplate": false, "datallowconn": true,
		"datconnlimit": int64(-1), "datfrozenxid": int64(base.FirstNormalXID), "datminmxid": int64(1),
		"dattablespace": oid(DefaultTablespace), "datcollate": "C.UTF-8", "datctype": "C.UTF-8"})
	// pg_authid: the bootstrap superuser and PostgreSQL 15's predefined roles.
	add(&pgAuthid, named{"oid": oid(BootstrapSuperuser), "rolname": SuperuserName, "rolsuper": true, "rolinherit": true,
		"rolcreaterole": true, "rolcreatedb": true, "rolcanlogin": true, "rolreplication": true, "rolbypassrls": true,
		"rolconnlimit": int64(-1)})
	for _, r := range []struct {
		oid  base.OID
		name string
	}{{3373, "pg_monitor"}, {3374, "pg_read_all_settings"}, {3375, "pg_read_all_stats"}, {3377, "pg_stat_scan_tables"},
		{4200, "pg_signal_backend"}, {4544, "pg_checkpoint"}, {4569, "pg_read_server_files"}, {4570, "pg_write_server_files"},
		{4571, "pg_execute_server_program"}, {DatabaseOwnerRole, "pg_database_owner"}, {6181, "pg_read_all_data"},
		{6182, "pg_write_all_data"}} {
		add(&pgAuthid, named{"oid": oid(r.oid), "rolname": r.name, "rolsuper": false, "rolinherit": true,
			"rolcreaterole": false, "rolcreatedb": false, "rolcanlogin": false, "rolreplication": false, "rolbypassrls": false,
			"rolconnlimit": int64(-1)})
	}
	add(&pgDescription, named{"objoid": oid(PublicNamespace), "classoid": oid(PgNamespaceOID), "objsubid": int64(0),
		"description": "standard public schema"})
	for _, role := range []oid{3374, 3375, 3377} { // pg_monitor is a member of these
		add(&pgAuthMembers, named{"roleid": role, "member": oid(3373), "grantor": oid(BootstrapSuperuser), "admin_option": false})
	}
	for _, r := range rows {
		if err := c.insertNamed(x, r.t, r.vals); err != nil {
			return err
		}
	}
	if only == nil || only[&pgOperator] {
		for _, op := range types.Operators() {
			if err := c.insert(x, &pgOperator, operatorRow(op)); err != nil {
				return err
			}
		}
	}
	if only != nil && !only[&pgProc] {
		return nil
	}
	for _, f := range Procs() {
		if err := c.insert(x, &pgProc, procRow(f)); err != nil {
			return err
		}
	}
	return nil
}

// operatorRow is op's pg_operator row. oprcode is the pg_proc OID of its
// function when Tusk lists that function (most operator functions, such
// as int4pl, are not callable by name in Tusk: 0).
func operatorRow(op *types.Operator) []types.Datum {
	kind := "b"
	if op.Left == 0 {
		kind = "l"
	}
	code := int64(0)
	nargs := 2
	if op.Left == 0 {
		nargs = 1
	}
	for _, f := range funcs.Lookup(op.Proc) {
		if len(f.Args) == nargs {
			code = int64(f.OID)
			break
		}
	}
	row, _ := namedRow(&pgOperator, map[string]types.Datum{
		"oid": int64(op.OID), "oprname": op.Name, "oprnamespace": int64(PgCatalogNamespace),
		"oprowner": int64(BootstrapSuperuser), "oprkind": kind, "oprcanmerge": op.CanMerge, "oprcanhash": op.CanHash,
		"oprleft": int64(op.Left), "oprright": int64(op.Right), "oprresult": int64(op.Result),
		"oprcom": int64(op.Commutator), "oprnegate": int64(op.Negator), "oprcode": code,
		"oprrest": int64(0), "oprjoin": int64(0),
	})
	return row
}

// vector is an oidvector or int2vector value: a one-dimensional array
// whose subscripts start at 0, as PostgreSQL's.
func vector(elem *types.T, elems []types.Datum) *types.Array {
	a := types.NewArray(elem, elems)
	if len(elems) > 0 {
		a.LBounds = []int32{0}
	}
	return a
}

// procRow is f's pg_proc row.
func procRow(f *funcs.Func) []types.Datum {
	argTypes := make([]types.Datum, len(f.Args))
	for i, a := range f.Args {
		argTypes[i] = int64(a.OID)
	}
	var argNames types.Datum
	if len(f.ArgNames) > 0 {
		names := make([]types.Datum, len(f.ArgNames))
		for i, n := range f.ArgNames {
			names[i] = n
		}
		argNames = types.NewArray(types.Text, names)
	}
	lang, src := LangInternal, f.Src
	if src == "" { // PostgreSQL defines it in SQL; Tusk implements it in Go
		lang, src = LangSQL, f.Name
	}
	variadic := int64(0)
	if f.Variadic != nil {
		variadic = int64(f.Variadic.OID)
	}
	kind := f.Kind
	if kind == 0 {
		kind = funcs.KindNormal
	}
	vol := f.Volatility
	if vol == 0 {
		vol = funcs.Volatile
	}
	rows := float64(0)
	if f.RetSet {
		rows = 1000
	}
	ret := int64(0)
	if f.Ret != nil {
		ret = int64(f.Ret.OID)
	}
	row, _ := namedRow(&pgProc, map[string]types.Datum{
		"oid": int64(f.OID), "proname": f.Name, "pronamespace": int64(PgCatalogNamespace),
		"proowner": int64(BootstrapSuperuser), "prolang": int64(lang), "procost": float64(1), "prorows": rows,
		"provariadic": variadic, "prosupport": int64(0), "prokind": string(rune(kind)), "prosecdef": false,
		"proleakproof": false, "proisstrict": f.Strict, "proretset": f.RetSet, "provolatile": string(rune(vol)),
		"proparallel": "s", "pronargs": int64(len(f.Args)), "pronargdefaults": int64(len(f.Defaults)),
		"prorettype": ret, "proargtypes": vector(types.Oid, argTypes), "proargnames": argNames, "prosrc": src,
	})
	return row
}

// Description returns the comment on an object (pg_description: objoid,
// classoid, objsubid), and whether there is one.
func (c *Catalog) Description(snap *mvcc.Snapshot, obj, class base.OID, sub int32) (string, bool, error) {
	text, found := "", false
	err := c.scan(&pgDescription, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[0])) == obj && base.OID(i64(row[1])) == class && int32(i64(row[2])) == sub {
			text, found = str(row[3]), true
			return false, nil
		}
		return true, nil
	})
	return text, found, err
}

// RuleRelation returns the relation a pg_rewrite rule belongs to
// (ev_class), and whether rule is one.
func (c *Catalog) RuleRelation(snap *mvcc.Snapshot, rule base.OID) (base.OID, bool, error) {
	var rel base.OID
	found := false
	err := c.scan(&pgRewrite, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if base.OID(i64(row[rwOID])) == rule {
			rel, found = base.OID(i64(row[rwEvClass])), true
			return false, nil
		}
		return true, nil
	})
	return rel, found, err
}

// EnsureSystemTables brings the catalog of a database made by an older
// build up to this one's, in transaction x (C8): it creates the system
// catalogs it lacks, with their built-in rows, and makes pg_proc's
// built-in rows (OIDs below FirstNormalObjectID) match the functions
// this build has. snap must see x's earlier commands. It reports whether
// it changed anything.
func (c *Catalog) EnsureSystemTables(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot) (bool, error) {
	have := map[base.OID]bool{}
	if err := c.scan(&pgClass, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		if o := base.OID(i64(row[relOID])); o < FirstNormalObjectID {
			have[o] = true
		}
		return true, nil
	}); err != nil {
		return false, err
	}
	missing := map[*sysTable]bool{}
	for _, t := range sysTables {
		if have[t.oid] {
			continue
		}
		missing[t] = true
		ch := c.changes(x)
		if err := c.heap.Create(base.RelFileNode{Rel: t.oid}); err != nil {
			return false, err
		}
		c.mu.Lock()
		ch.created = append(ch.created, base.RelFileNode{Rel: t.oid}) // C5
		c.mu.Unlock()
		rel := &Relation{OID: t.oid, Name: t.name, Namespace: PgCatalogNamespace, Kind: KindTable, Node: base.RelFileNode{Rel: t.oid}}
		if err := c.insert(x, &pgClass, classRow(rel, len(t.cols))); err != nil {
			return false, err
		}
		for i, cl := range t.cols {
			a := Attribute{Name: cl.name, Num: int16(i + 1), Type: cl.typ, Typmod: -1, NotNull: cl.notNull}
			if err := c.insert(x, &pgAttribute, attrRow(t.oid, &a)); err != nil {
				return false, err
			}
		}
	}
	if len(missing) > 0 {
		if err := c.bootstrapRows2(x, missing); err != nil {
			return false, err
		}
	}
	if missing[&pgProc] {
		return true, nil
	}
	// pg_proc: rows of functions this build lacks go, new ones come.
	want := map[base.OID]*funcs.Func{}
	for _, f := range Procs() {
		want[f.OID] = f
	}
	changed := len(missing) > 0
	var gone []base.ItemPointer
	if err := c.scan(&pgProc, snap, func(row []types.Datum, tid base.ItemPointer) (bool, error) {
		o := base.OID(i64(row[0]))
		if o >= FirstNormalObjectID {
			return true, nil
		}
		if f, ok := want[o]; ok && str(row[1]) == f.Name && procRow(f)[procNArgs] == row[procNArgs] &&
			procRow(f)[procRetType] == row[procRetType] {
			delete(want, o)
		} else {
			gone = append(gone, tid)
		}
		return true, nil
	}); err != nil {
		return false, err
	}
	for _, tid := range gone {
		c.changes(x)
		if err := c.delete(ctx, x, &pgProc, tid); err != nil {
			return false, err
		}
		changed = true
	}
	for _, f := range Procs() {
		if _, ok := want[f.OID]; !ok {
			continue
		}
		c.changes(x)
		if err := c.insert(x, &pgProc, procRow(f)); err != nil {
			return false, err
		}
		changed = true
	}
	return changed, nil
}

// SetDescription sets the comment on an object in x (COMMENT ON): text
// nil removes it. snap must see x's earlier commands.
func (c *Catalog) SetDescription(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, obj, class base.OID, sub int32, text *string) error {
	c.changes(x)
	if _, err := c.deleteRows(ctx, x, snap, &pgDescription, func(row []types.Datum) bool {
		return base.OID(i64(row[0])) == obj && base.OID(i64(row[1])) == class && int32(i64(row[2])) == sub
	}); err != nil {
		return err
	}
	if text == nil || *text == "" { // an empty comment is no comment, as in PostgreSQL
		return nil
	}
	return c.insertNamed(x, &pgDescription, map[string]types.Datum{
		"objoid": int64(obj), "classoid": int64(class), "objsubid": int64(sub), "description": *text})
}

// dropDescriptions deletes the comments on obj and its columns
// (DeleteComments), when obj is dropped.
func (c *Catalog) dropDescriptions(ctx context.Context, x *mvcc.Xact, snap *mvcc.Snapshot, obj base.OID) error {
	_, err := c.deleteRows(ctx, x, snap, &pgDescription, func(row []types.Datum) bool {
		return base.OID(i64(row[0])) == obj
	})
	return err
}
