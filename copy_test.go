package tusk

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

// copyTypesDDL is a table with a column of every common type.
const copyTypesDDL = `(id int, i2 smallint, i8 bigint, f4 real, f8 double precision, n numeric(10,3),
  b bool, t text, vc varchar(10), c char(4), d date, tm time, ts timestamp, tstz timestamptz, iv interval,
  by bytea, u uuid, j json, jb jsonb, ia int[], ta text[])`

// TestCopyRoundTrip copies a table out and into a second table in every
// format; both must then hold the same rows and copy out the same bytes.
func TestCopyRoundTrip(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE ty "+copyTypesDDL)
	require.NoError(t, err)
	_, err = db.Exec(ctx, copySetupTypes[strings.Index(copySetupTypes, "INSERT"):])
	require.NoError(t, err)
	// Text values that need escaping or quoting in every format.
	for i, v := range []string{"tab\there", "line1\nline2", "cr\rx", `back\slash`, `quote"d`, "comma,sep", "",
		"ünïcödé €", `\.`, `\N`, "\x01ctl\v\b\f", "NULL", " lead and trail ", "it's", "|pipe|", ";", `\`, "\r\n", "a\\.\nb"} {
		_, err = db.Exec(ctx, "INSERT INTO ty (id, t, vc, ta) VALUES ($1, $2, left($2, 10), ARRAY[$2, NULL])", 100+i, v)
		require.NoError(t, err)
	}
	want := queryStrings(t, db, "SELECT * FROM ty ORDER BY id")
	require.Greater(t, len(want), 20)

	for _, opts := range []string{"", "(FORMAT text)", "(FORMAT csv)", "(FORMAT csv, HEADER)", "(HEADER)",
		"(DELIMITER '|', NULL 'NULL')", "(FORMAT csv, NULL 'N/A', FORCE_QUOTE *)", `(FORMAT csv, QUOTE '''', ESCAPE '\', DELIMITER ';')`,
		"(DELIMITER ',')", "WITH CSV HEADER"} {
		t.Run(opts, func(t *testing.T) {
			_, err := db.Exec(ctx, "DROP TABLE IF EXISTS dst; CREATE TABLE dst "+copyTypesDDL)
			require.NoError(t, err)
			var out bytes.Buffer
			n, err := db.CopyTo(ctx, "COPY ty TO STDOUT "+opts, &out)
			require.NoError(t, err)
			require.EqualValues(t, len(want), n)
			inOpts := strings.ReplaceAll(opts, ", FORCE_QUOTE *", "")
			n, err = db.CopyFrom(ctx, "COPY dst FROM STDIN "+inOpts, bytes.NewReader(out.Bytes()))
			require.NoError(t, err)
			require.EqualValues(t, len(want), n)
			require.Equal(t, want, queryStrings(t, db, "SELECT * FROM dst ORDER BY id"))
			var again bytes.Buffer
			_, err = db.CopyTo(ctx, "COPY (SELECT * FROM dst ORDER BY id) TO STDOUT "+opts, &again)
			require.NoError(t, err)
			var sorted bytes.Buffer
			_, err = db.CopyTo(ctx, "COPY (SELECT * FROM ty ORDER BY id) TO STDOUT "+opts, &sorted)
			require.NoError(t, err)
			require.Equal(t, sorted.String(), again.String())
		})
	}
}

// TestCopyOracleOneByte replays the COPY FROM oracle cases reading one
// byte at a time, so that every line end, escape and end marker straddles
// a buffer refill.
func TestCopyOracleOneByte(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	for _, c := range copyCases {
		if !strings.Contains(c.Stmt, "FROM STDIN") {
			continue
		}
		whole := runCopyCaseTusk(t, db, c)
		tx, err := db.Begin(ctx, TxOptions{})
		require.NoError(t, err)
		if c.Setup != "" {
			_, err = tx.Exec(ctx, c.Setup)
			require.NoError(t, err)
		}
		_, err = tx.CopyFrom(ctx, c.Stmt, iotest.OneByteReader(strings.NewReader(c.Input)))
		if whole.Code != "" {
			require.Equal(t, whole.Code, ErrorCode(err), c.Name)
		} else {
			require.NoError(t, err, c.Name)
			if c.Dump != "" {
				var out bytes.Buffer
				_, err = tx.CopyTo(ctx, c.Dump, &out)
				require.NoError(t, err)
				require.Equal(t, whole.Output, out.String(), c.Name)
			}
		}
		require.NoError(t, tx.Rollback())
	}
}

// TestCopyLongLines copies long lines, more than the read buffer holds
// together, so that lines straddle its refills.
func TestCopyLongLines(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE l (id int, v text)")
	require.NoError(t, err)
	long := strings.Repeat("ab\\tc", 1500) // 7.5 kB, with escapes
	var in bytes.Buffer
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&in, "%d\t%s\r\n", i, long)
	}
	input := in.String()
	n, err := db.CopyFrom(ctx, "COPY l FROM STDIN", &in)
	require.NoError(t, err)
	require.EqualValues(t, 30, n)
	var got int
	require.NoError(t, db.QueryRow(ctx, "SELECT sum(length(v)) FROM l").Scan(&got))
	require.Equal(t, 30*4*1500, got)
	var out bytes.Buffer
	_, err = db.CopyTo(ctx, "COPY l TO STDOUT", &out)
	require.NoError(t, err)
	require.Equal(t, strings.ReplaceAll(input, "\r\n", "\n"), out.String())
}

// TestCopyDefaultsAndDroppedColumns copies into a table with a dropped
// column and defaults for the columns left out.
func TestCopyDefaultsAndDroppedColumns(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE dd (a int, gone text, b text DEFAULT 'dflt', c int DEFAULT 7 NOT NULL); ALTER TABLE dd DROP COLUMN gone")
	require.NoError(t, err)
	n, err := db.CopyFrom(ctx, "COPY dd FROM STDIN", strings.NewReader("1\tx\t2\n"))
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	n, err = db.CopyFrom(ctx, "COPY dd (a) FROM STDIN", strings.NewReader("2\n3\n"))
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	require.Equal(t, [][]string{{"1", "x", "2"}, {"2", "dflt", "7"}, {"3", "dflt", "7"}}, queryStrings(t, db, "SELECT * FROM dd ORDER BY a"))
	var out bytes.Buffer
	_, err = db.CopyTo(ctx, "COPY dd TO STDOUT (FORMAT csv, HEADER)", &out)
	require.NoError(t, err)
	require.Equal(t, "a,b,c\n1,x,2\n2,dflt,7\n3,dflt,7\n", out.String())
	_, err = db.CopyFrom(ctx, "COPY dd (gone) FROM STDIN", strings.NewReader(""))
	require.Equal(t, "42703", ErrorCode(err))
}

// TestCopyAllOrNothing: a COPY that fails leaves no row behind, in its
// own transaction or in a transaction block, which it aborts.
func TestCopyAllOrNothing(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE an (a int PRIMARY KEY, b text NOT NULL)")
	require.NoError(t, err)
	var in strings.Builder
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&in, "%d\tv%d\n", i, i)
	}
	in.WriteString("5000\t\\N\n")
	_, err = db.CopyFrom(ctx, "COPY an FROM STDIN", strings.NewReader(in.String()))
	require.Equal(t, "23502", ErrorCode(err))
	var e *Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, "Failing row contains (5000, null).\nCOPY an, line 5001: \"5000\t\\N\"", e.Detail)
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM an"))

	tx, err := db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	n, err := tx.CopyFrom(ctx, "COPY an FROM STDIN", strings.NewReader("1\tone\n2\ttwo\n"))
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	var out bytes.Buffer
	n, err = tx.CopyTo(ctx, "COPY an TO STDOUT", &out)
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	require.Equal(t, "1\tone\n2\ttwo\n", out.String())
	_, err = tx.CopyFrom(ctx, "COPY an FROM STDIN", strings.NewReader("3\tthree\n1\tdup\n"))
	require.Equal(t, "23505", ErrorCode(err))
	_, err = tx.CopyFrom(ctx, "COPY an FROM STDIN", strings.NewReader("4\tfour\n"))
	require.Equal(t, "25P02", ErrorCode(err))
	require.ErrorIs(t, tx.Commit(), ErrTxAborted)
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM an"))

	tx, err = db.Begin(ctx, TxOptions{})
	require.NoError(t, err)
	_, err = tx.CopyFrom(ctx, "COPY an FROM STDIN", strings.NewReader("1\tone\n"))
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	require.Equal(t, [][]string{{"1", "one"}}, queryStrings(t, db, "SELECT * FROM an"))
	_, err = tx.CopyFrom(ctx, "COPY an FROM STDIN", strings.NewReader(""))
	require.Equal(t, "25P01", ErrorCode(err))
}

// TestCopyAPIErrors covers the statements and calls COPY refuses.
func TestCopyAPIErrors(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE ae (a int)")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		run  func() error
		code string
		msg  string
	}{
		{"exec from stdin", func() error { _, err := db.Exec(ctx, "COPY ae FROM STDIN"); return err }, "0A000", "COPY FROM STDIN needs CopyFrom"},
		{"query from stdin", func() error { _, err := db.Query(ctx, "COPY ae FROM STDIN"); return err }, "0A000", "COPY FROM STDIN needs CopyFrom"},
		{"exec to stdout", func() error { _, err := db.Exec(ctx, "COPY ae TO STDOUT"); return err }, "0A000", "COPY TO STDOUT needs CopyTo"},
		{"from file", func() error {
			_, err := db.CopyFrom(ctx, "COPY ae FROM '/etc/passwd'", strings.NewReader(""))
			return err
		}, "0A000", "COPY from a file is not supported in an embedded database"},
		{"to file", func() error { _, err := db.Exec(ctx, "COPY ae TO '/tmp/x'"); return err }, "0A000", "COPY to a file is not supported in an embedded database"},
		{"from program", func() error { _, err := db.Exec(ctx, "COPY ae FROM PROGRAM 'ls'"); return err }, "0A000", "COPY from a program is not supported in an embedded database"},
		{"binary", func() error {
			_, err := db.CopyFrom(ctx, "COPY ae FROM STDIN (FORMAT binary)", strings.NewReader(""))
			return err
		}, "0A000", "COPY BINARY is not supported yet"},
		{"copyfrom select", func() error { _, err := db.CopyFrom(ctx, "SELECT 1", strings.NewReader("")); return err }, "08P01", "CopyFrom takes a COPY ... FROM STDIN statement"},
		{"copyfrom copy to", func() error {
			_, err := db.CopyFrom(ctx, "COPY ae TO STDOUT", strings.NewReader(""))
			return err
		}, "08P01", "CopyFrom takes a COPY ... FROM STDIN statement"},
		{"copyto two statements", func() error { _, err := db.CopyTo(ctx, "COPY ae TO STDOUT; SELECT 1", io.Discard); return err }, "08P01",
			"CopyTo takes exactly one COPY ... TO STDOUT statement, got 2 statements"},
		{"syntax", func() error { _, err := db.CopyTo(ctx, "COPY ae TO", io.Discard); return err }, "42601", ""},
		{"unsupported encoding", func() error {
			_, err := db.CopyFrom(ctx, "COPY ae FROM STDIN (ENCODING 'SJIS')", strings.NewReader(""))
			return err
		}, "0A000", "conversion between SJIS and UTF8 is not supported yet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			require.Equal(t, tc.code, ErrorCode(err), "%v", err)
			if tc.msg != "" {
				var e *Error
				require.True(t, errors.As(err, &e))
				require.Equal(t, tc.msg, e.Message)
			}
		})
	}
	// The database is still usable, and nothing was copied.
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM ae"))
}

var errBroken = errors.New("broken pipe")

type failingReader struct {
	data []byte
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errBroken
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > 100 {
		return 0, errBroken
	}
	w.n += len(p)
	return len(p), nil
}

// TestCopyIOErrors: the reader's and writer's errors end the statement
// and stay reachable with errors.Is.
func TestCopyIOErrors(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE io (a int, b text)")
	require.NoError(t, err)
	_, err = db.CopyFrom(ctx, "COPY io FROM STDIN", &failingReader{data: []byte("1\tx\n2\ty\n3\t")})
	require.ErrorIs(t, err, errBroken)
	require.Equal(t, "58030", ErrorCode(err))
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM io"))

	_, err = db.Exec(ctx, "INSERT INTO io SELECT g, repeat('x', 10) FROM generate_series(1, 100000) g")
	require.NoError(t, err)
	_, err = db.CopyTo(ctx, "COPY io TO STDOUT", &failingWriter{})
	require.ErrorIs(t, err, errBroken)
	require.Equal(t, "58030", ErrorCode(err))
}

// cancelingReader cancels the statement after some lines.
type cancelingReader struct {
	cancel context.CancelFunc
	lines  int
}

func (r *cancelingReader) Read(p []byte) (int, error) {
	r.lines++
	if r.lines == 3000 {
		r.cancel()
	}
	return copy(p, fmt.Sprintf("%d\tx\n", r.lines)), nil
}

// TestCopyCancel: a canceled context stops an endless COPY FROM.
func TestCopyCancel(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE cx (a int, b text)")
	require.NoError(t, err)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	_, err = db.CopyFrom(cctx, "COPY cx FROM STDIN", &cancelingReader{cancel: cancel})
	require.Equal(t, "57014", ErrorCode(err))
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, [][]string{{"0"}}, queryStrings(t, db, "SELECT count(*) FROM cx"))
}

// BenchmarkCopyFrom1M copies a million rows of three columns into a
// table with a primary key, then copies them out again.
func BenchmarkCopyFrom1M(b *testing.B) {
	const rows = 1_000_000
	var buf bytes.Buffer
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&buf, "%d\tname %d\t%d.5\n", i, i, i)
	}
	data := buf.Bytes()
	for _, ddl := range []string{"(id int, name text, v float8)", "(id int PRIMARY KEY, name text, v float8)"} {
		b.Run(ddl, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db, err := Open("", WithSynchronousCommit(false))
				require.NoError(b, err)
				_, err = db.Exec(ctx, "CREATE TABLE t "+ddl)
				require.NoError(b, err)
				b.StartTimer()
				n, err := db.CopyFrom(ctx, "COPY t FROM STDIN", bytes.NewReader(data))
				require.NoError(b, err)
				require.EqualValues(b, rows, n)
				b.StopTimer()
				require.NoError(b, db.Close())
				b.StartTimer()
			}
		})
	}
}

// BenchmarkCopyTo1M copies a million rows out.
func BenchmarkCopyTo1M(b *testing.B) {
	db, err := Open("", WithSynchronousCommit(false))
	require.NoError(b, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE t (id int, name text, v float8); INSERT INTO t SELECT g, 'name ' || g, g + 0.5 FROM generate_series(1, 1000000) g")
	require.NoError(b, err)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n, err := db.CopyTo(ctx, "COPY t TO STDOUT", io.Discard)
		require.NoError(b, err)
		require.EqualValues(b, 1_000_000, n)
	}
}

// TestCopySerialDefault: columns left out of COPY FROM get their
// defaults, volatile ones (nextval, now()) evaluated per row.
func TestCopySerialDefault(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE sd (id serial PRIMARY KEY, v text, ts timestamptz DEFAULT now())")
	require.NoError(t, err)
	n, err := db.CopyFrom(ctx, "COPY sd (v) FROM STDIN", strings.NewReader("a\nb\n"))
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	require.Equal(t, [][]string{{"1", "a", "t"}, {"2", "b", "t"}}, queryStrings(t, db, "SELECT id, v, ts IS NOT NULL FROM sd ORDER BY id"))
}

// TestCopyDatabaseSQL runs COPY through database/sql's Conn.Raw.
func TestCopyDatabaseSQL(t *testing.T) {
	sdb, err := sql.Open("tusk", t.TempDir()+"?synchronous_commit=off&shared_buffers=16MB")
	require.NoError(t, err)
	defer sdb.Close()
	conn, err := sdb.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(ctx, "CREATE TABLE ds (a int, b text)")
	require.NoError(t, err)
	var n int64
	require.NoError(t, conn.Raw(func(dc any) error {
		n, err = dc.(Copier).CopyFrom(ctx, "COPY ds FROM STDIN (FORMAT csv)", strings.NewReader("1,x\n2,\"y,z\"\n"))
		return err
	}))
	require.EqualValues(t, 2, n)
	var out bytes.Buffer
	require.NoError(t, conn.Raw(func(dc any) error {
		n, err = dc.(Copier).CopyTo(ctx, "COPY ds TO STDOUT", &out)
		return err
	}))
	require.EqualValues(t, 2, n)
	require.Equal(t, "1\tx\n2\ty,z\n", out.String())
}

// TestCopyConcurrent runs COPY FROM and COPY TO on several sessions at
// once; each copy sees its own snapshot and all rows arrive.
func TestCopyConcurrent(t *testing.T) {
	db, err := Open("")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(ctx, "CREATE TABLE cc (a int PRIMARY KEY, b text)")
	require.NoError(t, err)
	const workers, rows = 4, 500
	errs := make(chan error, 2*workers)
	for w := 0; w < workers; w++ {
		go func(w int) {
			var in strings.Builder
			for i := 0; i < rows; i++ {
				fmt.Fprintf(&in, "%d\tw%d\n", w*rows+i, w)
			}
			_, err := db.CopyFrom(ctx, "COPY cc FROM STDIN", strings.NewReader(in.String()))
			errs <- err
		}(w)
		go func() {
			var out bytes.Buffer
			n, err := db.CopyTo(ctx, "COPY cc TO STDOUT", &out)
			if err == nil && int64(strings.Count(out.String(), "\n")) != n {
				err = fmt.Errorf("COPY %d wrote %d lines", n, strings.Count(out.String(), "\n"))
			}
			errs <- err
		}()
	}
	for i := 0; i < 2*workers; i++ {
		require.NoError(t, <-errs)
	}
	require.Equal(t, [][]string{{"2000", "4"}}, queryStrings(t, db, "SELECT count(*), count(DISTINCT b) FROM cc"))
}
