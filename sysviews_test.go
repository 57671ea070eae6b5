package tusk

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/session"
	"github.com/tuskdb/tusk/sql/types"
)

// A registered record-returning session function and a system view over
// it exist in every database and survive a reopen; a changed definition
// is replaced.
func TestSystemViewRegistry(t *testing.T) {
	session.RegisterFuncs(func(s *session.Session, _ *mvcc.Snapshot, name string, _ []*types.T) *analyze.SessionFuncDef {
		if name != "tusk_test_rows" {
			return nil
		}
		return &analyze.SessionFuncDef{Ret: types.Record,
			OutCols: []analyze.Column{{Name: "n", T: types.Int8, Mod: -1}, {Name: "who", T: types.Text, Mod: -1}},
			SRF: func([]types.Datum) (func() (types.Datum, bool, error), error) {
				i := int64(0)
				return func() (types.Datum, bool, error) {
					i++
					if i > 3 {
						return nil, false, nil
					}
					return []types.Datum{i, "backend"}, true, nil
				}, nil
			}}
	})
	session.RegisterSystemView("tusk_test_schema", "v_rows", "SELECT n, who FROM pg_catalog.tusk_test_rows() WHERE n > 1")
	dir := t.TempDir()
	for round := 0; round < 2; round++ {
		db, err := Open(dir)
		require.NoError(t, err)
		var sum int64
		var who string
		require.NoError(t, db.QueryRow(ctx, "SELECT sum(n)::int8, min(who) FROM tusk_test_schema.v_rows").Scan(&sum, &who))
		require.Equal(t, int64(5), sum)
		require.Equal(t, "backend", who)
		require.NoError(t, db.Close())
	}
}
