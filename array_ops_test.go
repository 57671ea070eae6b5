package tusk

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Array comparison and concatenation operators, subscripts and slices,
// and the column names PostgreSQL gives them, compared with PostgreSQL 15.
func TestArrayOperatorsMatchPostgres(t *testing.T) {
	queries := []string{
		`SELECT ARRAY[1,2] = ARRAY[1,2], ARRAY[1,2] <> ARRAY[1,3], ARRAY[1,2] < ARRAY[1,3], ARRAY[2] > ARRAY[1,9],
			ARRAY[1] <= ARRAY[1], ARRAY[1,2] >= ARRAY[1], ARRAY[NULL::int] = ARRAY[NULL::int], '{0}'::oid[] = '{0}'`,
		`SELECT ARRAY['a'] || ARRAY['b','c'], ARRAY[1] || 2, 0 || ARRAY[1], NULL::text[] || ARRAY['x'], '{{1,2}}'::int[] || ARRAY[3,4]`,
		`SELECT (ARRAY[1,2,3])[2], (ARRAY[1,2,3])[5], (ARRAY[1,2,3])[2:3], (ARRAY[1,2,3])[:2], (ARRAY[1,2,3])[2:],
			('{{1,2},{3,4}}'::int[])[2][1], ('{{1,2},{3,4}}'::int[])[2], (ARRAY[1,2,3])[0:1], (ARRAY[1,2,3])[3:2], (ARRAY[1,2])[NULL]`,
		`SELECT a[1] AS first, a[2:2] FROM (VALUES (ARRAY['x','y']), (NULL::text[])) v(a) ORDER BY 1`,
		`SELECT CASE WHEN true THEN 1 ELSE x::int END, CASE WHEN true THEN 1 ELSE 2 END::text,
			CASE WHEN true THEN 'a' ELSE upper('b') END::text, CASE WHEN true THEN 1 ELSE CASE WHEN false THEN x END END FROM (SELECT 1 x) s`,
	}
	pg, db := startOracleAndTusk(t)
	for _, q := range queries {
		wantCols, want := pgQueryColsStrings(t, pg, q)
		r, err := db.Query(ctx, q)
		require.NoError(t, err, q)
		require.Equal(t, wantCols, r.Columns(), q)
		require.NoError(t, r.Close())
		require.Equal(t, want, queryStrings(t, db, q), q)
	}
}
