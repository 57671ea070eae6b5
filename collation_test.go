package tusk

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A column's COLLATE is recorded in pg_attribute.attcollation (psql's \d
// shows it) as PostgreSQL records it; unknown collations and collations
// on types without them fail with PostgreSQL's SQLSTATE.
func TestColumnCollation(t *testing.T) {
	pg, db := startOracleAndTusk(t)
	execBoth(t, pg, db,
		`CREATE TABLE coll_t (a text COLLATE "C", b varchar(3) COLLATE "POSIX", c text, d int, e text COLLATE "default", f text COLLATE pg_catalog."C")`,
		`ALTER TABLE coll_t ADD COLUMN g text COLLATE "C"`,
	)
	q := "SELECT attname, attcollation FROM pg_attribute WHERE attrelid = 'coll_t'::regclass AND attnum > 0 ORDER BY attnum"
	require.Equal(t, pgQueryStrings(t, pg, q), queryStrings(t, db, q))
	q = "SELECT a.attname, c.collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation WHERE attrelid = 'coll_t'::regclass AND attnum > 0 ORDER BY attnum"
	require.Equal(t, pgQueryStrings(t, pg, q), queryStrings(t, db, q))
	for _, c := range []struct{ sql, code string }{
		{`CREATE TABLE coll_u (a int COLLATE "C")`, "42804"},
		{`CREATE TABLE coll_v (a text COLLATE "nope")`, "42704"},
	} {
		_, err := pg.Exec(ctx, c.sql)
		require.Error(t, err)
		_, terr := db.Exec(ctx, c.sql)
		require.Equal(t, c.code, ErrorCode(terr), c.sql)
	}
}
