package tusk

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/tuskdb/tusk/internal/pgoracle"
)

// TestAlterAddSerialColumn: ALTER TABLE ADD COLUMN of a serial or identity
// column creates the column's sequence, owned by it, and fills the
// existing rows with its next values in order, as PostgreSQL does; the
// rows, pg_get_serial_sequence, the defaults and the sequence position
// match PostgreSQL's.
func TestAlterAddSerialColumn(t *testing.T) {
	ctx := context.Background()
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	stmts := []string{
		"create table t(v text)",
		"insert into t values ('a'), ('b'), ('c')",
		"alter table t add column c serial",
		"alter table t add column b bigserial, add column i int generated always as identity (start 10)",
		"insert into t (v) values ('d')",
	}
	queries := []string{
		"select v, c, b, i from t order by c",
		"select pg_get_serial_sequence('t', 'c'), pg_get_serial_sequence('t', 'b'), pg_get_serial_sequence('t', 'i')",
		"select column_name, column_default, is_nullable, is_identity, data_type from information_schema.columns where table_name = 't' order by ordinal_position",
		"select pg_get_expr(adbin, adrelid) from pg_attrdef where adrelid = 't'::regclass order by adnum",
		"select relname from pg_class where relkind = 'S' order by relname",
		"select nextval('t_c_seq'), nextval('t_b_seq')",
	}
	for _, s := range stmts {
		_, err := db.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	var got []string
	for _, q := range queries {
		got = append(got, fmt.Sprint(queryStrings(t, db, q)))
	}
	// Dropping the column drops its sequence (owned by it).
	_, err = db.Exec(ctx, "alter table t drop column c")
	require.NoError(t, err)
	got = append(got, fmt.Sprint(queryStrings(t, db, "select relname from pg_class where relkind = 'S' order by relname")))
	// A failing ADD COLUMN leaves no sequence behind.
	_, err = db.Exec(ctx, "alter table t add column v serial")
	require.Error(t, err)
	got = append(got, fmt.Sprint(queryStrings(t, db, "select relname from pg_class where relkind = 'S' order by relname")))

	url := pgoracle.Start(t)
	pg, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer pg.Close(ctx)
	_, err = pg.Exec(ctx, "drop table if exists t")
	require.NoError(t, err)
	for _, s := range stmts {
		_, err := pg.Exec(ctx, s)
		require.NoError(t, err, s)
	}
	pgRows := func(q string) string {
		rows, err := pg.Query(ctx, q, pgx.QueryExecModeSimpleProtocol)
		require.NoError(t, err, q)
		defer rows.Close()
		var out [][]string
		for rows.Next() {
			vals := rows.RawValues()
			row := make([]string, len(vals))
			for i, v := range vals {
				if v == nil {
					row[i] = "NULL"
				} else {
					row[i] = string(v)
				}
			}
			out = append(out, row)
		}
		require.NoError(t, rows.Err())
		return fmt.Sprint(out)
	}
	var want []string
	for _, q := range queries {
		want = append(want, pgRows(q))
	}
	_, err = pg.Exec(ctx, "alter table t drop column c")
	require.NoError(t, err)
	want = append(want, pgRows("select relname from pg_class where relkind = 'S' order by relname"))
	_, err = pg.Exec(ctx, "alter table t add column v serial")
	require.Error(t, err)
	want = append(want, pgRows("select relname from pg_class where relkind = 'S' order by relname"))
	require.Equal(t, strings.Join(want, "\n"), strings.Join(got, "\n"))
}
