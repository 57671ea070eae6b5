//go:build copyoracle

package tusk

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

var copyPG = flag.String("copy.pg", "", "URL of a PostgreSQL 15 server (/work/shared/tools/pg-oracle start)")

// TestCopyOracleGen runs copyCases on PostgreSQL and writes its answers to
// testdata/copy/pg.json:
//
//	go test -tags copyoracle -run TestCopyOracleGen -copy.pg="$(/work/shared/tools/pg-oracle start 57401)" .
func TestCopyOracleGen(t *testing.T) {
	if *copyPG == "" {
		t.Skip("-copy.pg not set")
	}
	conn, err := pgconn.Connect(ctx, *copyPG)
	require.NoError(t, err)
	defer conn.Close(ctx)
	exec := func(sql string) error {
		_, err := conn.Exec(ctx, sql).ReadAll()
		return err
	}
	require.NoError(t, exec("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1; SET client_encoding = 'UTF8'"))
	var answers []copyAnswer
	for _, c := range copyCases {
		require.NoError(t, exec("BEGIN"))
		if c.Setup != "" {
			require.NoError(t, exec(c.Setup), c.Name)
		}
		ans := copyAnswer{Name: c.Name}
		var out bytes.Buffer
		var tag pgconn.CommandTag
		if strings.Contains(strings.ToUpper(c.Stmt), "FROM STDIN") {
			tag, err = conn.CopyFrom(ctx, strings.NewReader(c.Input), c.Stmt)
		} else {
			tag, err = conn.CopyTo(ctx, &out, c.Stmt)
		}
		if err != nil {
			var pe *pgconn.PgError
			require.True(t, errors.As(err, &pe), "%s: %v", c.Name, err)
			ans.Code, ans.Message, ans.Hint, ans.Position = pe.Code, pe.Message, pe.Hint, int(pe.Position)
			var detail []string
			for _, s := range []string{pe.Detail, pe.Where} {
				if s != "" {
					detail = append(detail, s)
				}
			}
			ans.Detail = strings.Join(detail, "\n")
		} else {
			ans.Tag = tag.String()
			if c.Dump != "" {
				_, err := conn.CopyTo(ctx, &out, c.Dump)
				require.NoError(t, err, c.Name)
			}
			ans.setOutput(out.String())
		}
		require.NoError(t, exec("ROLLBACK"))
		answers = append(answers, ans)
	}
	b, err := json.MarshalIndent(answers, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile("testdata/copy/pg.json", append(b, '\n'), 0o644))
}
