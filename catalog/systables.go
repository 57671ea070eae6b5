package catalog

import (
	"github.com/tuskdb/tusk/internal/base"
)

// Fixed OIDs of bootstrap objects (PostgreSQL's values, C1).
const (
	PgTypeOID      base.OID = 1247
	PgAttributeOID base.OID = 1249
	PgClassOID     base.OID = 1259
	PgNamespaceOID base.OID = 2615

	PgCatalogNamespace base.OID = 11
	PublicNamespace    base.OID = 2200
	BootstrapSuperuser base.OID = 10 // the "postgres" role
	HeapAM             base.OID = 2
	BtreeAM            base.OID = 403

	// FirstNormalObjectID is where user OIDs start (C4).
	FirstNormalObjectID base.OID = 16384
)

// Relation kinds (pg_class.relkind).
const (
	KindTable    byte = 'r'
	KindIndex    byte = 'i'
	KindView     byte = 'v'
	KindSequence byte = 'S'
)

// Type OIDs used by the catalog's own columns.
const (
	tBool      base.OID = 16
	tChar      base.OID = 18
	tName      base.OID = 19
	tInt2      base.OID = 21
	tInt4      base.OID = 23
	tRegproc   base.OID = 24
	tText      base.OID = 25
	tOid       base.OID = 26
	tXid       base.OID = 28
	tNodeTree  base.OID = 194
	tFloat4    base.OID = 700
	tAclArray  base.OID = 1034
	tTextArray base.OID = 1009
	tAnyArray  base.OID = 2277
	// int2vector and oidvector are stored as int2[] / oid[] arrays.
	tInt2Vector base.OID = 22
	tOidVector  base.OID = 30
)

// col is a column of a system table.
type col struct {
	name    string
	typ     base.OID
	notNull bool
}

// sysTable describes a bootstrap catalog relation (C1).
type sysTable struct {
	oid  base.OID
	name string
	cols []col
}

// Column numbers of pg_namespace.
const (
	nspOID = iota
	nspName
	nspOwner
	nspACL
)

var pgNamespace = sysTable{PgNamespaceOID, "pg_namespace", []col{
	{"oid", tOid, true}, {"nspname", tName, true}, {"nspowner", tOid, true}, {"nspacl", tAclArray, false},
}}

// Column numbers of pg_class.
const (
	relOID = iota
	relName
	relNamespace
	relType
	relOfType
	relOwner
	relAM
	relFilenode
	relTablespace
	relPages
	relTuples
	relAllVisible
	relToastRelID
	relHasIndex
	relIsShared
	relPersistence
	relKind
	relNatts
	relChecks
	relHasRules
	relHasTriggers
	relHasSubclass
	relRowSecurity
	relForceRowSecurity
	relIsPopulated
	relReplIdent
	relIsPartition
	relRewrite
	relFrozenXID
	relMinMXID
	relACL
	relOptions
	relPartBound
)

var pgClass = sysTable{PgClassOID, "pg_class", []col{
	{"oid", tOid, true}, {"relname", tName, true}, {"relnamespace", tOid, true}, {"reltype", tOid, true},
	{"reloftype", tOid, true}, {"relowner", tOid, true}, {"relam", tOid, true}, {"relfilenode", tOid, true},
	{"reltablespace", tOid, true}, {"relpages", tInt4, true}, {"reltuples", tFloat4, true},
	{"relallvisible", tInt4, true}, {"reltoastrelid", tOid, true}, {"relhasindex", tBool, true},
	{"relisshared", tBool, true}, {"relpersistence", tChar, true}, {"relkind", tChar, true},
	{"relnatts", tInt2, true}, {"relchecks", tInt2, true}, {"relhasrules", tBool, true},
	{"relhastriggers", tBool, true}, {"relhassubclass", tBool, true}, {"relrowsecurity", tBool, true},
	{"relforcerowsecurity", tBool, true}, {"relispopulated", tBool, true}, {"relreplident", tChar, true},
	{"relispartition", tBool, true}, {"relrewrite", tOid, true}, {"relfrozenxid", tXid, true},
	{"relminmxid", tXid, true}, {"relacl", tAclArray, false}, {"reloptions", tTextArray, false},
	{"relpartbound", tNodeTree, false},
}}

// Column numbers of pg_attribute.
const (
	attRelID = iota
	attName
	attTypID
	attStatTarget
	attLen
	attNum
	attNDims
	attCacheOff
	attTypMod
	attByVal
	attAlign
	attStorage
	attCompression
	attNotNull
	attHasDef
	attHasMissing
	attIdentity
	attGenerated
	attIsDropped
	attIsLocal
	attInhCount
	attCollation
	attACL
	attOptions
	attFdwOptions
	attMissingVal
)

var pgAttribute = sysTable{PgAttributeOID, "pg_attribute", []col{
	{"attrelid", tOid, true}, {"attname", tName, true}, {"atttypid", tOid, true},
	{"attstattarget", tInt4, true}, {"attlen", tInt2, true}, {"attnum", tInt2, true},
	{"attndims", tInt4, true}, {"attcacheoff", tInt4, true}, {"atttypmod", tInt4, true},
	{"attbyval", tBool, true}, {"attalign", tChar, true}, {"attstorage", tChar, true},
	{"attcompression", tChar, true}, {"attnotnull", tBool, true}, {"atthasdef", tBool, true},
	{"atthasmissing", tBool, true}, {"attidentity", tChar, true}, {"attgenerated", tChar, true},
	{"attisdropped", tBool, true}, {"attislocal", tBool, true}, {"attinhcount", tInt4, true},
	{"attcollation", tOid, true}, {"attacl", tAclArray, false}, {"attoptions", tTextArray, false},
	{"attfdwoptions", tTextArray, false}, {"attmissingval", tAnyArray, false},
}}

// Column numbers of pg_type.
const (
	typOID = iota
	typName
	typNamespace
	typOwner
	typLen
	typByVal
	typType
	typCategory
	typIsPreferred
	typIsDefined
	typDelim
	typRelID
	typSubscript
	typElem
	typArray
	typInput
	typOutput
	typReceive
	typSend
	typModIn
	typModOut
	typAnalyze
	typAlign
	typStorage
	typNotNull
	typBaseType
	typTypMod
	typNDims
	typCollation
	typDefaultBin
	typDefault
	typACL
)

var pgType = sysTable{PgTypeOID, "pg_type", []col{
	{"oid", tOid, true}, {"typname", tName, true}, {"typnamespace", tOid, true}, {"typowner", tOid, true},
	{"typlen", tInt2, true}, {"typbyval", tBool, true}, {"typtype", tChar, true}, {"typcategory", tChar, true},
	{"typispreferred", tBool, true}, {"typisdefined", tBool, true}, {"typdelim", tChar, true},
	{"typrelid", tOid, true}, {"typsubscript", tRegproc, true}, {"typelem", tOid, true},
	{"typarray", tOid, true}, {"typinput", tRegproc, true}, {"typoutput", tRegproc, true},
	{"typreceive", tRegproc, true}, {"typsend", tRegproc, true}, {"typmodin", tRegproc, true},
	{"typmodout", tRegproc, true}, {"typanalyze", tRegproc, true}, {"typalign", tChar, true},
	{"typstorage", tChar, true}, {"typnotnull", tBool, true}, {"typbasetype", tOid, true},
	{"typtypmod", tInt4, true}, {"typndims", tInt4, true}, {"typcollation", tOid, true},
	{"typdefaultbin", tNodeTree, false}, {"typdefault", tText, false}, {"typacl", tAclArray, false},
}}

// sysTables lists the bootstrap relations in creation order.
var sysTables = []*sysTable{&pgNamespace, &pgClass, &pgAttribute, &pgType}

// More catalog relations, PostgreSQL's OIDs.
const (
	PgIndexOID   base.OID = 2610
	PgRewriteOID base.OID = 2618
	PgDependOID  base.OID = 2608
)

// Column numbers of pg_index.
const (
	indIndexRelID = iota
	indRelID
	indNatts
	indNKeyAtts
	indIsUnique
	indNullsNotDistinct
	indIsPrimary
	indIsExclusion
	indImmediate
	indIsClustered
	indIsValid
	indCheckXmin
	indIsReady
	indIsLive
	indIsReplident
	indKey
	indCollation
	indClass
	indOption
	indExprs
	indPred
)

var pgIndex = sysTable{PgIndexOID, "pg_index", []col{
	{"indexrelid", tOid, true}, {"indrelid", tOid, true}, {"indnatts", tInt2, true}, {"indnkeyatts", tInt2, true},
	{"indisunique", tBool, true}, {"indnullsnotdistinct", tBool, true}, {"indisprimary", tBool, true},
	{"indisexclusion", tBool, true}, {"indimmediate", tBool, true}, {"indisclustered", tBool, true},
	{"indisvalid", tBool, true}, {"indcheckxmin", tBool, true}, {"indisready", tBool, true},
	{"indislive", tBool, true}, {"indisreplident", tBool, true}, {"indkey", tInt2Vector, true},
	{"indcollation", tOidVector, true}, {"indclass", tOidVector, true}, {"indoption", tInt2Vector, true},
	{"indexprs", tNodeTree, false}, {"indpred", tNodeTree, false},
}}

// Column numbers of pg_rewrite.
const (
	rwOID = iota
	rwName
	rwEvClass
	rwEvType
	rwEvEnabled
	rwIsInstead
	rwEvQual
	rwEvAction
)

// pg_rewrite holds view definitions. Tusk keeps ev_action as the view's
// query text (PostgreSQL stores a node tree); pg_get_viewdef prints it.
var pgRewrite = sysTable{PgRewriteOID, "pg_rewrite", []col{
	{"oid", tOid, true}, {"rulename", tName, true}, {"ev_class", tOid, true}, {"ev_type", tChar, true},
	{"ev_enabled", tChar, true}, {"is_instead", tBool, true}, {"ev_qual", tNodeTree, true}, {"ev_action", tNodeTree, true},
}}

// Column numbers of pg_depend.
const (
	depClassID = iota
	depObjID
	depObjSubID
	depRefClassID
	depRefObjID
	depRefObjSubID
	depType
)

var pgDepend = sysTable{PgDependOID, "pg_depend", []col{
	{"classid", tOid, true}, {"objid", tOid, true}, {"objsubid", tInt4, true}, {"refclassid", tOid, true},
	{"refobjid", tOid, true}, {"refobjsubid", tInt4, true}, {"deptype", tChar, true},
}}

func init() {
	sysTables = append(sysTables, &pgIndex, &pgRewrite, &pgDepend, &pgAttrdef, &pgConstraint)
}
