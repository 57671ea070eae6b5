package types

// The built-in types, copied from PostgreSQL 15's pg_type with
//
//	select oid, typname, typlen, typbyval, typalign, typcategory,
//	       typispreferred, typarray, typtype from pg_type where ...
//
// Array types follow their element types. OIDs are PostgreSQL's, so
// clients that look types up by OID (drivers, psql) see what they expect.

// Scalar types.
var (
	Bool         = register(&T{OID: 16, Name: "bool", Len: 1, ByVal: true, Align: 'c', Category: 'B', Preferred: true})
	Bytea        = register(&T{OID: 17, Name: "bytea", Len: -1, Align: 'i', Category: 'U'})
	Char         = register(&T{OID: 18, Name: "char", Len: 1, ByVal: true, Align: 'c', Category: 'Z'})
	Name         = register(&T{OID: 19, Name: "name", Len: 64, Align: 'c', Category: 'S'})
	Int8         = register(&T{OID: 20, Name: "int8", Len: 8, ByVal: true, Align: 'd', Category: 'N'})
	Int2         = register(&T{OID: 21, Name: "int2", Len: 2, ByVal: true, Align: 's', Category: 'N'})
	Int4         = register(&T{OID: 23, Name: "int4", Len: 4, ByVal: true, Align: 'i', Category: 'N'})
	Regproc      = register(&T{OID: 24, Name: "regproc", Len: 4, ByVal: true, Align: 'i', Category: 'N'})
	Text         = register(&T{OID: 25, Name: "text", Len: -1, Align: 'i', Category: 'S', Preferred: true})
	Oid          = register(&T{OID: 26, Name: "oid", Len: 4, ByVal: true, Align: 'i', Category: 'N', Preferred: true})
	Tid          = register(&T{OID: 27, Name: "tid", Len: 6, Align: 's', Category: 'U'})
	Xid          = register(&T{OID: 28, Name: "xid", Len: 4, ByVal: true, Align: 'i', Category: 'U'})
	Cid          = register(&T{OID: 29, Name: "cid", Len: 4, ByVal: true, Align: 'i', Category: 'U'})
	JSON         = register(&T{OID: 114, Name: "json", Len: -1, Align: 'i', Category: 'U'})
	Float4       = register(&T{OID: 700, Name: "float4", Len: 4, ByVal: true, Align: 'i', Category: 'N'})
	Float8       = register(&T{OID: 701, Name: "float8", Len: 8, ByVal: true, Align: 'd', Category: 'N', Preferred: true})
	Unknown      = register(&T{OID: 705, Name: "unknown", Len: -2, Align: 'c', Category: 'X', Pseudo: true})
	Bpchar       = register(&T{OID: 1042, Name: "bpchar", Len: -1, Align: 'i', Category: 'S'})
	Varchar      = register(&T{OID: 1043, Name: "varchar", Len: -1, Align: 'i', Category: 'S'})
	Date         = register(&T{OID: 1082, Name: "date", Len: 4, ByVal: true, Align: 'i', Category: 'D'})
	Time         = register(&T{OID: 1083, Name: "time", Len: 8, ByVal: true, Align: 'd', Category: 'D'})
	Timestamp    = register(&T{OID: 1114, Name: "timestamp", Len: 8, ByVal: true, Align: 'd', Category: 'D'})
	Timestamptz  = register(&T{OID: 1184, Name: "timestamptz", Len: 8, ByVal: true, Align: 'd', Category: 'D', Preferred: true})
	Interval     = register(&T{OID: 1186, Name: "interval", Len: 16, Align: 'd', Category: 'T', Preferred: true})
	Numeric      = register(&T{OID: 1700, Name: "numeric", Len: -1, Align: 'i', Category: 'N'})
	Regprocedure = register(&T{OID: 2202, Name: "regprocedure", Len: 4, ByVal: true, Align: 'i', Category: 'N'})
	Regoper      = register(&T{OID: 2203, Name: "regoper", Len: 4, ByVal: true, Align: 'i', Category: 'N'})
	Regoperator  = register(&T{OID: 2204, Name: "regoperator", Len: 4, ByVal: true, Align: 'i', Category: 'N'})
	Regclass     = register(&T{OID: 2205, Name: "regclass", Len: 4, ByVal: true, Align: 'i', Category: 'N'})
	Regtype      = register(&T{OID: 2206, Name: "regtype", Len: 4, ByVal: true, Align: 'i', Category: 'N'})
	UUID         = register(&T{OID: 2950, Name: "uuid", Len: 16, Align: 'c', Category: 'U'})
	JSONB        = register(&T{OID: 3802, Name: "jsonb", Len: -1, Align: 'i', Category: 'U'})
	Regnamespace = register(&T{OID: 4089, Name: "regnamespace", Len: 4, ByVal: true, Align: 'i', Category: 'N'})
	Regrole      = register(&T{OID: 4096, Name: "regrole", Len: 4, ByVal: true, Align: 'i', Category: 'N'})
)

// Pseudo-types.
var (
	Record                = register(&T{OID: 2249, Name: "record", Len: -1, Align: 'd', Category: 'P', Pseudo: true})
	Cstring               = register(&T{OID: 2275, Name: "cstring", Len: -2, Align: 'c', Category: 'P', Pseudo: true})
	Any                   = register(&T{OID: 2276, Name: "any", Len: 4, ByVal: true, Align: 'i', Category: 'P', Pseudo: true})
	AnyArray              = register(&T{OID: 2277, Name: "anyarray", Len: -1, Align: 'd', Category: 'P', Pseudo: true})
	Void                  = register(&T{OID: 2278, Name: "void", Len: 4, ByVal: true, Align: 'i', Category: 'P', Pseudo: true})
	Trigger               = register(&T{OID: 2279, Name: "trigger", Len: 4, ByVal: true, Align: 'i', Category: 'P', Pseudo: true})
	Internal              = register(&T{OID: 2281, Name: "internal", Len: 8, ByVal: true, Align: 'd', Category: 'P', Pseudo: true})
	AnyElement            = register(&T{OID: 2283, Name: "anyelement", Len: 4, ByVal: true, Align: 'i', Category: 'P', Pseudo: true})
	AnyNonArray           = register(&T{OID: 2776, Name: "anynonarray", Len: 4, ByVal: true, Align: 'i', Category: 'P', Pseudo: true})
	AnyEnum               = register(&T{OID: 3500, Name: "anyenum", Len: 4, ByVal: true, Align: 'i', Category: 'P', Pseudo: true})
	AnyCompatible         = register(&T{OID: 5077, Name: "anycompatible", Len: 4, ByVal: true, Align: 'i', Category: 'P', Pseudo: true})
	AnyCompatibleArray    = register(&T{OID: 5078, Name: "anycompatiblearray", Len: -1, Align: 'd', Category: 'P', Pseudo: true})
	AnyCompatibleNonArray = register(&T{OID: 5079, Name: "anycompatiblenonarray", Len: 4, ByVal: true, Align: 'i', Category: 'P', Pseudo: true})
)

// Array types (pg_type rows named "_" + element name).
var (
	JSONArray         = arrayOf(199, JSON)
	BoolArray         = arrayOf(1000, Bool)
	ByteaArray        = arrayOf(1001, Bytea)
	CharArray         = arrayOf(1002, Char)
	NameArray         = arrayOf(1003, Name)
	Int2Array         = arrayOf(1005, Int2)
	Int4Array         = arrayOf(1007, Int4)
	RegprocArray      = arrayOf(1008, Regproc)
	TextArray         = arrayOf(1009, Text)
	TidArray          = arrayOf(1010, Tid)
	XidArray          = arrayOf(1011, Xid)
	CidArray          = arrayOf(1012, Cid)
	BpcharArray       = arrayOf(1014, Bpchar)
	VarcharArray      = arrayOf(1015, Varchar)
	Int8Array         = arrayOf(1016, Int8)
	Float4Array       = arrayOf(1021, Float4)
	Float8Array       = arrayOf(1022, Float8)
	OidArray          = arrayOf(1028, Oid)
	TimestampArray    = arrayOf(1115, Timestamp)
	DateArray         = arrayOf(1182, Date)
	TimeArray         = arrayOf(1183, Time)
	TimestamptzArray  = arrayOf(1185, Timestamptz)
	IntervalArray     = arrayOf(1187, Interval)
	NumericArray      = arrayOf(1231, Numeric)
	CstringArray      = arrayOf(1263, Cstring)
	RegprocedureArray = arrayOf(2207, Regprocedure)
	RegoperArray      = arrayOf(2208, Regoper)
	RegoperatorArray  = arrayOf(2209, Regoperator)
	RegclassArray     = arrayOf(2210, Regclass)
	RegtypeArray      = arrayOf(2211, Regtype)
	RecordArray       = arrayOf(2287, Record)
	UUIDArray         = arrayOf(2951, UUID)
	JSONBArray        = arrayOf(3807, JSONB)
	RegnamespaceArray = arrayOf(4090, Regnamespace)
	RegroleArray      = arrayOf(4097, Regrole)
)

// aliases maps the SQL spellings the grammar accepts to pg_type rows
// (PostgreSQL's gram.y turns them into the pg_catalog names).
var aliases = map[string]*T{
	"boolean":                     Bool,
	"smallint":                    Int2,
	"integer":                     Int4,
	"int":                         Int4,
	"bigint":                      Int8,
	"real":                        Float4,
	"float":                       Float8,
	"double precision":            Float8,
	"decimal":                     Numeric,
	"dec":                         Numeric,
	"character varying":           Varchar,
	"char varying":                Varchar,
	"character":                   Bpchar,
	"char":                        Bpchar,
	"\"char\"":                    Char,
	"timestamp without time zone": Timestamp,
	"timestamp with time zone":    Timestamptz,
	"time without time zone":      Time,
	"any":                         Any,
}
