package tusk

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A database whose catalog lacks system catalogs and pg_proc rows this
// build has (one made by an older build) gets them when it is opened
// (catalog.EnsureSystemTables, C8).
func TestOpenAddsMissingSystemCatalogs(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	require.NoError(t, err)
	want := queryStrings(t, db, "SELECT count(*) FROM pg_proc")
	// Make the catalog look older: no pg_event_trigger, no length(text).
	for _, q := range []string{
		"DELETE FROM pg_catalog.pg_attribute WHERE attrelid = 3466",
		"DELETE FROM pg_catalog.pg_class WHERE oid = 3466",
		"DELETE FROM pg_catalog.pg_proc WHERE oid = 1317",
		"INSERT INTO pg_catalog.pg_proc SELECT * FROM pg_catalog.pg_proc WHERE oid = 1318",
	} {
		_, err := db.Exec(ctx, q)
		require.NoError(t, err, q)
	}
	_, err = db.Query(ctx, "SELECT * FROM pg_catalog.pg_event_trigger")
	require.Error(t, err)
	require.NoError(t, db.Close())
	files, err := filepath.Glob(filepath.Join(dir, "base", "3466*"))
	require.NoError(t, err)
	for _, f := range files {
		require.NoError(t, os.Remove(f))
	}

	db, err = Open(dir)
	require.NoError(t, err)
	defer db.Close()
	require.Equal(t, want, queryStrings(t, db, "SELECT count(*) FROM pg_proc"))
	require.Equal(t, [][]string{{"1"}}, queryStrings(t, db, "SELECT count(*) FROM pg_proc WHERE oid = 1317 AND proname = 'length'"))
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM pg_catalog.pg_event_trigger"))
	require.Equal(t, [][]string{{"7"}}, queryStrings(t, db, "SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = 3466"))
}
