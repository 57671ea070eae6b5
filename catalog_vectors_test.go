package tusk

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// pg_index.indkey, indoption, indclass and pg_proc.proargtypes are int2vector /
// oidvector as in PostgreSQL: printed "2 1", subscripts from 0, = ANY and
// unnest as arrays, casts to int2[] / oid[].
func TestCatalogVectors(t *testing.T) {
	pg, db := startOracleAndTusk(t)
	execBoth(t, pg, db, "create table ik(a int, b int)", "create index ik_ba on ik(b,a)")
	for _, q := range []string{
		"select indkey, indkey[0], indkey[1], array_lower(indkey,1), pg_typeof(indkey), indoption, indclass[0] is not null, array_length(indkey, 1) from pg_index where indrelid='ik'::regclass",
		"select '1 2'::int2vector, ('1 2'::int2vector)[0], array_lower('3 4'::oidvector, 1), '3 4'::oidvector::oid[], '1 2'::int2vector::int2[]",
		"select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) where i.indrelid = 'ik'::regclass order by 1",
		"select indkey::text, format_type(22, -1), format_type(30, -1) from pg_index where indrelid='ik'::regclass",
		"select proargtypes, proargtypes[0] from pg_proc where oid = 'upper(text)'::regprocedure",
		"select unnest(indkey) from pg_index where indrelid='ik'::regclass",
	} {
		require.Equal(t, pgQueryStrings(t, pg, q), queryStrings(t, db, q), q)
	}
}
