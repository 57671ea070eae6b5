package tusk

import (
	"database/sql"
	"fmt"
	"reflect"
	"time"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/session"
	"github.com/tuskdb/tusk/sql/types"
)

// Rows is the result of a query. Close it, or read it to the end.
type Rows struct {
	c       *session.Cursor
	release func()
	cur     []types.Datum
	err     error
	closed  bool
}

// Columns returns the column names.
func (r *Rows) Columns() []string {
	var out []string
	for _, c := range r.c.Columns() {
		out = append(out, c.Name)
	}
	return out
}

// ColumnTypes returns each column's PostgreSQL type name as format_type
// prints it, e.g. "integer", "character varying(10)".
func (r *Rows) ColumnTypes() []string {
	var out []string
	for _, c := range r.c.Columns() {
		out = append(out, types.FormatType(c.Type, c.Typmod))
	}
	return out
}

// Next advances to the next row; false at the end or on error (see Err).
func (r *Rows) Next() bool {
	if r.closed {
		return false
	}
	row, err := r.c.Next()
	if err != nil {
		r.err = err
		r.Close()
		return false
	}
	if row == nil {
		r.Close()
		return false
	}
	r.cur = row
	return true
}

// Values returns the current row's values as Go values: nil, bool, int64,
// float64, string, []byte, time.Time, or the types package's datums for
// other types (numeric as *apd.Decimal).
func (r *Rows) Values() []any {
	out := make([]any, len(r.cur))
	cols := r.c.Columns()
	for i, d := range r.cur {
		out[i] = toGo(cols[i].Type, d)
		if d != nil && session.IsRegType(cols[i].Type) {
			out[i] = r.c.Text(i, d) // regclass & co. print as names
		}
	}
	return out
}

// Text returns the current row's values in PostgreSQL's text output form;
// NULL is nil.
func (r *Rows) Text() []*string {
	out := make([]*string, len(r.cur))
	for i, d := range r.cur {
		if d != nil {
			s := r.c.Text(i, d)
			out[i] = &s
		}
	}
	return out
}

// Scan copies the current row into dest pointers.
func (r *Rows) Scan(dest ...any) error {
	if r.cur == nil {
		return pgerr.New(pgerr.InvalidCursorState, "Scan called without a current row")
	}
	if len(dest) != len(r.cur) {
		return pgerr.New(pgerr.DatatypeMismatch, "Scan expects %d destinations, got %d", len(r.cur), len(dest))
	}
	cols := r.c.Columns()
	for i, d := range r.cur {
		t := cols[i].Type
		if d != nil && session.IsRegType(t) {
			t, d = types.Text, r.c.Text(i, d) // regclass & co. read as names
		}
		if err := scanValue(t, d, dest[i]); err != nil {
			return pgerr.New(pgerr.DatatypeMismatch, "cannot scan column %q (%s) into %T: %v", cols[i].Name, types.FormatType(cols[i].Type, -1), dest[i], err)
		}
	}
	return nil
}

// Err returns the error that ended iteration, if any.
func (r *Rows) Err() error { return r.err }

// Tag returns the command tag after the rows were read.
func (r *Rows) Tag() string { return r.c.Tag() }

// Close ends the query; in autocommit mode it commits the statement's
// transaction and returns a commit error.
func (r *Rows) Close() error {
	if r.closed {
		return r.err
	}
	r.closed = true
	err := r.c.Close()
	if r.err == nil {
		r.err = err
	}
	if r.release != nil {
		r.release()
	}
	return r.err
}

// Row is the result of QueryRow.
type Row struct {
	rows *Rows
	err  error
}

// ErrNoRows is returned by Row.Scan when the query returned no row.
var ErrNoRows = sql.ErrNoRows

// Scan copies the first row into dest and closes the rows.
func (r *Row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	return r.rows.Close()
}

// toGo converts a datum to the plain Go value database/sql expects.
func toGo(t *types.T, d types.Datum) any {
	switch v := d.(type) {
	case nil, bool, int64, float64, string, []byte:
		return v
	case types.TimestampVal, types.DateVal:
		if tm, ok := toTime(d); ok {
			return tm
		}
	}
	return types.Format(t, d)
}

func scanValue(t *types.T, d types.Datum, dest any) error {
	if sc, ok := dest.(sql.Scanner); ok {
		return sc.Scan(toGo(t, d))
	}
	switch p := dest.(type) {
	case *any:
		*p = toGo(t, d)
		return nil
	case *string:
		if d == nil {
			return fmt.Errorf("NULL")
		}
		*p = types.Format(t, d)
		return nil
	case *[]byte:
		if d == nil {
			*p = nil
			return nil
		}
		if b, ok := d.([]byte); ok {
			*p = append([]byte(nil), b...)
		} else {
			*p = []byte(types.Format(t, d))
		}
		return nil
	case *time.Time:
		tm, ok := toTime(d)
		if !ok {
			return fmt.Errorf("not a time")
		}
		*p = tm
		return nil
	}
	// Pointers to numbers and bools, and pointers to pointers for NULLs.
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("destination is not a non-nil pointer")
	}
	ev := rv.Elem()
	if ev.Kind() == reflect.Pointer {
		if d == nil {
			ev.Set(reflect.Zero(ev.Type()))
			return nil
		}
		nv := reflect.New(ev.Type().Elem())
		if err := scanValue(t, d, nv.Interface()); err != nil {
			return err
		}
		ev.Set(nv)
		return nil
	}
	if d == nil {
		return fmt.Errorf("NULL")
	}
	switch ev.Kind() {
	case reflect.Bool:
		b, ok := d.(bool)
		if !ok {
			return fmt.Errorf("not a boolean")
		}
		ev.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := d.(int64)
		if !ok {
			return fmt.Errorf("not an integer")
		}
		if ev.OverflowInt(n) {
			return fmt.Errorf("value %d overflows", n)
		}
		ev.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := d.(int64)
		if !ok || n < 0 || ev.OverflowUint(uint64(n)) {
			return fmt.Errorf("not an unsigned integer in range")
		}
		ev.SetUint(uint64(n))
	case reflect.Float32, reflect.Float64:
		switch n := d.(type) {
		case float64:
			ev.SetFloat(n)
		case int64:
			ev.SetFloat(float64(n))
		default:
			return fmt.Errorf("not a number")
		}
	default:
		return fmt.Errorf("unsupported destination")
	}
	return nil
}

var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// toTime converts a finite date or timestamp datum to a UTC time.Time.
func toTime(d types.Datum) (time.Time, bool) {
	switch v := d.(type) {
	case types.TimestampVal:
		if v.IsFinite() {
			return pgEpoch.Add(time.Duration(v) * time.Microsecond), true
		}
	case types.DateVal:
		if v.IsFinite() {
			return pgEpoch.AddDate(0, 0, int(v)), true
		}
	}
	return time.Time{}, false
}
