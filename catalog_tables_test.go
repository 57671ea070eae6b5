package tusk

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The system catalogs bootstrapped in catalog/systables2.go have
// PostgreSQL 15's OIDs, columns and built-in rows; pg_proc's rows agree
// with PostgreSQL's for every function Tusk has; pg_settings describes
// Tusk's parameters as PostgreSQL does; pg_roles shows the superuser.
func TestCatalogTablesMatchPostgres(t *testing.T) {
	pg, db := startOracleAndTusk(t)
	pgRows := func(q string) [][]string { return pgQueryStrings(t, pg, q) }
	// same requires the same rows of q on both; a mismatch lists only the
	// rows that differ.
	same := func(q string) {
		t.Helper()
		want, got := pgRows(q), queryStrings(t, db, q)
		if len(want) == len(got) {
			var diff []string
			for i := range want {
				if strings.Join(want[i], "|") != strings.Join(got[i], "|") {
					diff = append(diff, fmt.Sprintf("PostgreSQL %v\nTusk       %v", want[i], got[i]))
				}
			}
			require.Empty(t, diff, q)
		}
		require.Equal(t, want, got, q)
	}
	for _, name := range []string{"pg_proc", "pg_database", "pg_authid", "pg_auth_members", "pg_description",
		"pg_shdescription", "pg_am", "pg_tablespace", "pg_collation", "pg_language", "pg_operator", "pg_inherits",
		"pg_trigger", "pg_policy", "pg_statistic_ext", "pg_partitioned_table", "pg_publication", "pg_publication_rel",
		"pg_publication_namespace", "pg_foreign_table", "pg_extension", "pg_event_trigger"} {
		same(fmt.Sprintf(`SELECT c.oid, c.relname, c.relkind, a.attnum, a.attname, a.atttypid, a.attnotnull
			FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
			WHERE c.relname = '%s' AND c.relnamespace = 11 AND a.attnum > 0 ORDER BY a.attnum`, name))
	}
	same("SELECT oid, amname, amtype FROM pg_am ORDER BY oid")
	same("SELECT oid, spcname, spcowner, spcacl, spcoptions FROM pg_tablespace ORDER BY oid")
	same("SELECT oid, lanname, lanispl, lanpltrusted, lanvalidator FROM pg_language WHERE oid < 100 ORDER BY oid")
	same("SELECT * FROM pg_authid ORDER BY oid")
	same("SELECT * FROM pg_auth_members ORDER BY roleid")
	same("SELECT * FROM pg_roles ORDER BY oid")
	same(`SELECT oid, collname, collnamespace, collprovider, collisdeterministic, collencoding, collcollate, collctype
		FROM pg_collation WHERE collname IN ('default', 'C', 'POSIX', 'ucs_basic') ORDER BY oid`)
	same(`SELECT datdba, encoding, pg_encoding_to_char(encoding), datlocprovider, datistemplate, datallowconn, datconnlimit,
		dattablespace, datcollate, datctype, daticulocale, datacl FROM pg_database WHERE datname = current_database()`)
	same("SELECT nspname, nspowner FROM pg_namespace WHERE nspname IN ('pg_catalog', 'public') ORDER BY 1")

	// pg_proc: every function Tusk lists is PostgreSQL's function of that OID.
	cols := "oid, proname, pronamespace, prokind, proretset, pronargs, prorettype, array_to_string(proargtypes, ' ')"
	var oids []string
	// pg_get_expr takes pg_node_tree, a type Tusk reads as text (the
	// catalog stores expressions as SQL text, C7): its signature differs.
	for _, r := range queryStrings(t, db, "SELECT oid FROM pg_proc WHERE proname <> 'pg_get_expr'") {
		oids = append(oids, r[0])
	}
	require.Greater(t, len(oids), 300)
	q := fmt.Sprintf("SELECT %s FROM pg_proc WHERE oid IN (%s) ORDER BY oid", cols, strings.Join(oids, ","))
	same(q)

	// pg_settings describes each of Tusk's parameters as PostgreSQL does.
	var names []string
	for _, r := range queryStrings(t, db, "SELECT name FROM pg_settings") {
		names = append(names, "'"+r[0]+"'")
	}
	require.Greater(t, len(names), 20)
	same(fmt.Sprintf(`SELECT name, unit, category, short_desc, extra_desc, vartype, min_val, max_val, enumvals
		FROM pg_settings WHERE name IN (%s) ORDER BY name`, strings.Join(names, ",")))
	same(`SELECT name, setting, unit, boot_val, reset_val, source FROM pg_settings
		WHERE name IN ('work_mem', 'maintenance_work_mem', 'enable_seqscan', 'random_page_cost',
		'statement_timeout', 'wal_writer_delay', 'default_statistics_target', 'search_path') ORDER BY name`)
}

// pg_operator lists Tusk's operators as PostgreSQL's rows of the same OIDs.
func TestPgOperatorMatchesPostgres(t *testing.T) {
	pg, db := startOracleAndTusk(t)
	var oids []string
	for _, r := range queryStrings(t, db, "SELECT oid FROM pg_operator") {
		oids = append(oids, r[0])
	}
	require.Greater(t, len(oids), 100)
	q := fmt.Sprintf(`SELECT oid, oprname, oprnamespace, oprkind, oprcanmerge, oprcanhash, oprleft, oprright, oprresult,
		oprcom, oprnegate FROM pg_operator WHERE oid IN (%s) ORDER BY oid`, strings.Join(oids, ","))
	want := pgQueryStrings(t, pg, q)
	got := queryStrings(t, db, q)
	require.Equal(t, len(want), len(got))
	for i := range want {
		require.Equal(t, want[i], got[i])
	}
}
