package analyze

import (
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/sql/types"
)

// catalogColumnType is the type a catalog column of a type Tusk has no
// datum of reads as: the type the catalog stores it as (catalog's
// storageType). int2vector and oidvector columns (pg_index.indkey,
// pg_proc.proargtypes, ...) are int2[] and oid[] arrays, aclitem[] columns
// text[]; pg_node_tree and the rest are text.
func catalogColumnType(oid base.OID) *types.T {
	switch oid {
	case 22: // int2vector
		return types.Int2Array
	case 30: // oidvector
		return types.OidArray
	case 1034: // aclitem[]: stored as text[]
		return types.TextArray
	}
	return types.Text
}
