package analyze

import (
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/sql/types"
)

// catalogColumnType is the type a catalog column of a type Tusk has no
// datum of reads as: the type the catalog stores it as (catalog's
// storageType). int2vector and oidvector columns (pg_index.indkey,
// pg_proc.proargtypes, ...) are stored as int2[] and oid[] arrays and read
// as the vector types (types.Int2Vector), aclitem[] columns
// text[]; pg_node_tree and the rest are text.
func catalogColumnType(oid base.OID) *types.T {
	switch oid {
	case 22: // int2vector: stored as int2[], read with subscripts from 0
		return types.Int2Vector
	case 30: // oidvector: stored as oid[]
		return types.OidVector
	case 1034: // aclitem[]: stored as text[]
		return types.TextArray
	}
	return types.Text
}
