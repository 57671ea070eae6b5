package session

// COPY (mirrors commands/copy.c, copyfrom.c, copyfromparse.c, copyto.c).
//
// COPY FROM STDIN reads the caller's io.Reader (Session.CopyFrom), COPY TO
// STDOUT writes to the caller's io.Writer (Session.CopyTo); the statement
// runs like any other (S1, S2): in the session's transaction, all or
// nothing. Server-side files and programs are not supported: an embedded
// database has no server file system of its own to offer.
//
// COPY FROM feeds its rows to the executor's ModifyTable, the node INSERT
// uses, so a copied row gets the same column defaults, NOT NULL checks and
// index maintenance as an inserted one: the session plans
// `INSERT INTO t (cols) VALUES ($1, ..., $n)` with the columns' types as
// the parameter types, and for each input line parses the fields with
// the types' input functions (types.Parse with the column typmod), then
// evaluates that one VALUES row with the fields as the parameters (a
// field that is a parameter is taken as is). Errors carry PostgreSQL's
// CONTEXT line ("COPY t, line 3, column a: \"abc\"") in Detail, after any
// detail of their own.
//
// The text and CSV formats are in copy_format.go (rules CP1-CP6), the
// options in copy_options.go, client encodings in copy_encoding.go.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/exec"
	"github.com/tuskdb/tusk/sql/parser"
	"github.com/tuskdb/tusk/sql/plan"
	"github.com/tuskdb/tusk/sql/types"
)

// The caller's reader and writer travel to dispatch in the context.
type copyInKey struct{}
type copyOutKey struct{}

// CopyFrom runs sql, one COPY ... FROM STDIN statement, with its data read
// from r, and returns the statement's cursor, already closed: its Tag is
// "COPY n" and RowsAffected n.
func (s *Session) CopyFrom(ctx context.Context, sql string, r io.Reader) (*Cursor, error) {
	return s.copyStatement(context.WithValue(ctx, copyInKey{}, r), sql, true)
}

// CopyTo runs sql, one COPY ... TO STDOUT statement, writing its data to
// w, and returns the statement's closed cursor ("COPY n").
func (s *Session) CopyTo(ctx context.Context, sql string, w io.Writer) (*Cursor, error) {
	return s.copyStatement(context.WithValue(ctx, copyOutKey{}, w), sql, false)
}

func (s *Session) copyStatement(ctx context.Context, sql string, from bool) (_ *Cursor, err error) {
	defer s.call()(&err) // backend.go
	if s.closed {
		if s.closeErr != nil {
			return nil, s.closeErr
		}
		return nil, pgerr.New(pgerr.AdminShutdown, "terminating connection due to administrator command")
	}
	if s.cursor != nil {
		return nil, pgerr.New(pgerr.ObjectInUse, "another statement of this session is still open")
	}
	ctx = s.startCall(ctx, sql)
	stmts, err := parser.Parse(sql)
	if err != nil {
		if s.inBlock {
			s.failed = true
		}
		return nil, err
	}
	want, api := "COPY ... TO STDOUT", "CopyTo"
	if from {
		want, api = "COPY ... FROM STDIN", "CopyFrom"
	}
	if len(stmts) != 1 {
		return nil, pgerr.New(pgerr.ProtocolViolation, "%s takes exactly one %s statement, got %d statements", api, want, len(stmts))
	}
	if cs, ok := stmts[0].(*ast.CopyStmt); !ok || cs.IsFrom != from {
		return nil, pgerr.New(pgerr.ProtocolViolation, "%s takes a %s statement", api, want)
	}
	c, err := s.run(ctx, stmts[0], nil)
	if err != nil {
		return nil, err
	}
	return c, c.Close()
}

// copyStmt runs a COPY statement (DoCopy).
func (s *Session) copyStmt(ctx context.Context, n *ast.CopyStmt) (*Cursor, error) {
	if n.Filename != "" || n.IsProgram {
		what, dir := "a file", "from"
		if n.IsProgram {
			what = "a program"
		}
		if !n.IsFrom {
			dir = "to"
		}
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY %s %s is not supported in an embedded database", dir, what).
			WithHint("Use COPY ... FROM STDIN with CopyFrom or COPY ... TO STDOUT with CopyTo, and let the application read or write the file.")
	}
	var count int64
	var err error
	if n.IsFrom {
		count, err = s.copyFrom(ctx, n)
	} else {
		count, err = s.copyTo(ctx, n)
	}
	if err != nil {
		return nil, err
	}
	return &Cursor{s: s, tag: fmt.Sprintf("COPY %d", count), modify: true, affected: count}, nil
}

// copyRelation opens the table of COPY table (table_openrv).
func (s *Session) copyRelation(snap *mvcc.Snapshot, rv *ast.RangeVar) (*catalog.Relation, error) {
	rel, err := s.lookupRelation(snap, rv.Schema, rv.Name)
	if err != nil {
		return nil, err
	}
	if rel == nil {
		name := rv.Name
		if rv.Schema != "" {
			name = rv.Schema + "." + rv.Name
		}
		return nil, pgerr.New(pgerr.UndefinedTable, "relation \"%s\" does not exist", name)
	}
	if rel.Kind == catalog.KindIndex {
		return nil, pgerr.New(pgerr.WrongObjectType, "cannot open relation \"%s\"", rel.Name).
			WithDetail("This operation is not supported for indexes.")
	}
	return rel, nil
}

// copyAttnums mirrors CopyGetAttnums: the positions (in all) of the named
// columns, or of every live column when names is empty. relName "" is a
// query's columns.
func copyAttnums(all []string, dropped []bool, relName string, names []string) ([]int, error) {
	var out []int
	if len(names) == 0 {
		for i := range all {
			if !dropped[i] {
				out = append(out, i)
			}
		}
		return out, nil
	}
	for _, name := range names {
		at := -1
		for i, c := range all {
			if !dropped[i] && c == name {
				at = i
				break
			}
		}
		if at < 0 {
			if relName != "" {
				return nil, pgerr.New(pgerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, relName)
			}
			return nil, pgerr.New(pgerr.UndefinedColumn, "column \"%s\" does not exist", name)
		}
		for _, o := range out {
			if o == at {
				return nil, pgerr.New(pgerr.DuplicateColumn, "column \"%s\" specified more than once", name)
			}
		}
		out = append(out, at)
	}
	return out, nil
}

// copyForce turns a FORCE_* column list into one flag per copied column
// (attnums), checking that each named column is copied.
func copyForce(all []string, dropped []bool, relName string, attnums []int, names []string, what string) ([]bool, error) {
	flags := make([]bool, len(attnums))
	if len(names) == 0 {
		return flags, nil
	}
	forced, err := copyAttnums(all, dropped, relName, names)
	if err != nil {
		return nil, err
	}
	for _, f := range forced {
		found := false
		for k, a := range attnums {
			if a == f {
				flags[k], found = true, true
			}
		}
		if !found {
			return nil, pgerr.New(pgerr.InvalidColumnReference, "%s column \"%s\" not referenced by COPY", what, all[f])
		}
	}
	return flags, nil
}

// relNames lists a relation's column names and which are dropped.
func relNames(rel *catalog.Relation) ([]string, []bool) {
	names := make([]string, len(rel.Attrs))
	dropped := make([]bool, len(rel.Attrs))
	for i, a := range rel.Attrs {
		names[i], dropped[i] = a.Name, a.Dropped
	}
	return names, dropped
}

// copyEncodingOf is the encoding of the COPY data: the ENCODING option,
// else client_encoding.
func (s *Session) copyEncodingOf(o *copyOptions) (*copyEncoding, error) {
	enc := o.encoding
	if enc == nil {
		v, _ := s.Settings.Get("client_encoding")
		if enc = lookupEncoding(v); enc == nil {
			enc = encUTF8Default
		}
	}
	return enc, enc.check()
}

// copyWhere analyzes the WHERE clause of COPY FROM over the table's row
// (EXPR_KIND_COPY_WHERE, coerce_to_boolean).
func (s *Session) copyWhere(snap *mvcc.Snapshot, rel *catalog.Relation, e ast.Expr) (analyze.Expr, error) {
	var err error
	ast.Inspect(e, func(n ast.Node) bool {
		if sl, ok := n.(*ast.SubLink); ok && err == nil {
			err = pgerr.New(pgerr.FeatureNotSupported, "cannot use subquery in COPY FROM WHERE condition").WithPosition(sl.Pos + 1)
		}
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	env := s.env(snap)
	x, err := analyze.RelationExpr(env, rel, e, analyze.ExprCheck)
	if err != nil {
		if pe, ok := err.(*pgerr.Error); ok {
			switch pe.Code {
			case pgerr.GroupingError:
				return nil, pgerr.New(pe.Code, "aggregate functions are not allowed in COPY FROM WHERE conditions").WithPosition(pe.Position)
			case pgerr.WindowingError:
				return nil, pgerr.New(pe.Code, "window functions are not allowed in COPY FROM WHERE conditions").WithPosition(pe.Position)
			}
		}
		return nil, err
	}
	switch x.Type() {
	case types.Bool:
		return x, nil
	case types.Unknown:
		return analyze.CheckExpr(env, rel, e)
	}
	return nil, pgerr.New(pgerr.DatatypeMismatch, "argument of WHERE must be type boolean, not type %s", types.FormatType(x.Type(), -1)).
		WithPosition(leftmostPos(e) + 1)
}

// leftmostPos is the position of the leftmost token of e, where
// PostgreSQL's exprLocation points.
func leftmostPos(e ast.Expr) int {
	pos := e.Position()
	ast.Inspect(e, func(n ast.Node) bool {
		if p, ok := n.(interface{ Position() int }); ok && p.Position() >= 0 && p.Position() < pos {
			pos = p.Position()
		}
		_, sub := n.(*ast.SelectStmt)
		return !sub
	})
	return pos
}

// copyFrom runs COPY table FROM STDIN (BeginCopyFrom, CopyFrom).
func (s *Session) copyFrom(ctx context.Context, n *ast.CopyStmt) (int64, error) {
	snap := s.snapshot()
	rel, err := s.copyRelation(snap, n.Table)
	if err != nil {
		return 0, err
	}
	var where analyze.Expr
	if n.Where != nil {
		if where, err = s.copyWhere(snap, rel, n.Where); err != nil {
			return 0, err
		}
	}
	o, err := parseCopyOptions(n.Options, true)
	if err != nil {
		return 0, err
	}
	if o.binary {
		return 0, pgerr.New(pgerr.FeatureNotSupported, "COPY BINARY is not supported yet")
	}
	names, dropped := relNames(rel)
	cols, err := copyAttnums(names, dropped, rel.Name, n.Columns)
	if err != nil {
		return 0, err
	}
	forceNN, err := copyForce(names, dropped, rel.Name, cols, o.forceNotNull, "FORCE_NOT_NULL")
	if err != nil {
		return 0, err
	}
	forceNull, err := copyForce(names, dropped, rel.Name, cols, o.forceNull, "FORCE_NULL")
	if err != nil {
		return 0, err
	}
	enc, err := s.copyEncodingOf(o)
	if err != nil {
		return 0, err
	}
	in, _ := ctx.Value(copyInKey{}).(io.Reader)
	if in == nil {
		return 0, pgerr.New(pgerr.FeatureNotSupported, "COPY FROM STDIN needs CopyFrom").
			WithHint("Exec and Query cannot supply COPY data: call CopyFrom with an io.Reader.")
	}
	switch rel.Kind {
	case catalog.KindTable:
	case catalog.KindView:
		return 0, pgerr.New(pgerr.WrongObjectType, "cannot copy to view \"%s\"", rel.Name).
			WithHint("To enable copying to a view, provide an INSTEAD OF INSERT trigger.")
	case catalog.KindSequence:
		return 0, pgerr.New(pgerr.WrongObjectType, "cannot copy to sequence \"%s\"", rel.Name)
	default:
		return 0, pgerr.New(pgerr.WrongObjectType, "cannot copy to non-table relation \"%s\"", rel.Name)
	}

	// Plan INSERT INTO t (cols) VALUES ($1, ..., $n).
	ins := &ast.InsertStmt{Pos: n.Pos, Table: &ast.RangeVar{Pos: n.Table.Pos, Schema: n.Table.Schema, Name: n.Table.Name}}
	row := make([]ast.Expr, len(cols))
	ptypes := make([]*types.T, len(cols))
	src := &copyFromSource{s: s, relName: rel.Name, o: o, enc: enc, cr: newCopyReader(in, o),
		cols: cols, forceNN: forceNN, forceNull: forceNull, where: where, width: len(rel.Attrs)}
	for k, ci := range cols {
		a := rel.Attrs[ci]
		t, ok := types.ByOID(a.Type)
		if !ok {
			return 0, pgerr.New(pgerr.UndefinedObject, "type %d of column \"%s\" does not exist", a.Type, a.Name)
		}
		ins.Columns = append(ins.Columns, &ast.ResTarget{Pos: n.Pos, Name: a.Name})
		row[k] = &ast.Param{Pos: n.Pos, Number: k + 1}
		ptypes[k] = t
		src.names = append(src.names, a.Name)
		src.types = append(src.types, t)
		src.typmods = append(src.typmods, a.Typmod)
	}
	if len(cols) > 0 {
		ins.Source = &ast.SelectStmt{Pos: n.Pos, Values: [][]ast.Expr{row}}
	}
	env := s.env(snap)
	env.ParamTypes = ptypes
	q, err := analyze.Analyze(ins, env)
	if err != nil {
		return 0, err
	}
	p, err := plan.Plan(q)
	if err != nil {
		return 0, err
	}
	if err := s.attachIndexes(snap, p.Root); err != nil {
		return 0, err
	}
	m, ok := p.Root.(*plan.ModifyTable)
	var vals *plan.Values
	if ok {
		vals, ok = m.Child.(*plan.Values)
	}
	if !ok || len(vals.Rows) != 1 || len(vals.Rows[0]) != len(rel.Attrs) {
		return 0, pgerr.New(pgerr.InternalError, "COPY FROM: unexpected plan %T for the insert of its rows", p.Root)
	}
	src.setExprs(vals.Rows[0])

	ec := s.copyExecContext(ctx, snap)
	ec.Params = src.params
	src.ec = ec
	it := exec.BuildModifyTable(ec, m, src)
	defer it.Close()
	for {
		row, err := it.Next()
		if err != nil {
			if err != src.err {
				err = src.insertError(err)
			}
			return 0, err
		}
		if row == nil {
			break
		}
	}
	count, _ := exec.Affected(it)
	return count, nil
}

// copyExecContext is the executor context of a COPY statement, as query
// makes it (with the transaction manager, which unique checks wait on).
func (s *Session) copyExecContext(ctx context.Context, snap *mvcc.Snapshot) *exec.Context {
	return &exec.Context{Ctx: ctx, Heap: s.inst.Heap, Xact: s.xact, Snap: snap, Xacts: s.inst.Xacts, PgStat: s.pgStat(),
		SerializableConflicts: s.isolation != "read committed",
		WorkMem:               s.workMem(), TempFS: s.inst.FS, TempDir: s.inst.TempDir()}
}

// copyFromSource is the child of COPY FROM's ModifyTable: it reads lines,
// splits them into fields, parses the fields and yields table rows
// (NextCopyFrom).
type copyFromSource struct {
	s       *Session
	ec      *exec.Context
	relName string
	o       *copyOptions
	enc     *copyEncoding
	cr      *copyReader
	fields  copyFields

	cols      []int // table column of each field
	names     []string
	types     []*types.T
	typmods   []int32
	forceNN   []bool
	forceNull []bool

	exprs  []analyze.Expr // the VALUES row: one expression per table column
	direct []int          // per table column: 1 + the field it takes as is, or 0
	consts []bool         // per table column: exprs[i] is a Const
	where  analyze.Expr
	width  int
	params []types.Datum // the current line's values, as $1..$n

	line      []byte // the current line in UTF8
	lineValid bool   // line holds the whole current line
	conv      []byte
	header    bool // the header line was read
	n         int
	err       error // the error Next returned, with its context
	exhausted bool  // Next returned the end of the rows
}

// setExprs takes the planned VALUES row, noting the columns that are a
// parameter as is, or under a typmod coercion the input function already
// applied.
func (src *copyFromSource) setExprs(exprs []analyze.Expr) {
	src.exprs = exprs
	src.direct = make([]int, len(exprs))
	src.consts = make([]bool, len(exprs))
	src.params = make([]types.Datum, len(src.cols))
	for i, e := range exprs {
		if c, ok := e.(*analyze.Cast); ok && !c.Explicit {
			if p, ok := c.Arg.(*analyze.Param); ok && p.T == c.T {
				e = p
			}
		}
		switch x := e.(type) {
		case *analyze.Param:
			if x.N >= 1 && x.N <= len(src.cols) && src.cols[x.N-1] == i && x.T == src.types[x.N-1] {
				src.direct[i] = x.N
			}
		case *analyze.Const:
			src.consts[i] = true
		}
	}
}

func (src *copyFromSource) Close() {}

func (src *copyFromSource) Next() (*exec.Row, error) {
	row, err := src.next()
	if err != nil {
		src.err = err
	}
	return row, err
}

func (src *copyFromSource) next() (*exec.Row, error) {
	o := src.o
	if !src.header && o.header != headerFalse {
		src.header = true
		if _, err := src.readLine(); err != nil {
			return nil, err
		}
		if o.header == headerMatch {
			if err := src.matchHeader(); err != nil {
				return nil, err
			}
		}
		if src.cr.done {
			src.exhausted = true
			return nil, nil
		}
	}
	for {
		src.n++
		if src.n%1024 == 0 && src.ec.Ctx != nil {
			if err := src.ec.Ctx.Err(); err != nil {
				return nil, src.contextError(pgerr.Wrap(pgerr.QueryCanceled, err, "canceling statement due to user request"), false)
			}
		}
		ok, err := src.readLine()
		if err != nil {
			return nil, err
		}
		if !ok {
			src.exhausted = true
			return nil, nil
		}
		if err := src.split(); err != nil {
			return nil, src.contextError(err, true)
		}
		nf := src.fields.count()
		if len(src.cols) > 0 && nf > len(src.cols) {
			return nil, src.contextError(copyFormatError("extra data after last expected column", ""), true)
		}
		params := src.params
		for k := range src.cols {
			if k >= nf {
				return nil, src.contextError(copyFormatError(fmt.Sprintf("missing data for column \"%s\"", src.names[k]), ""), true)
			}
			v, isNull := src.fields.get(k)
			if o.csv {
				if isNull && src.forceNN[k] {
					v, isNull = o.null, false
				} else if !isNull && src.forceNull[k] && v == o.null {
					isNull = true
				}
			}
			if isNull {
				params[k] = nil
				continue
			}
			d, err := types.Parse(src.types[k], src.typmods[k], v)
			if err != nil {
				return nil, withCopyContext(err, fmt.Sprintf("COPY %s, line %d, column %s: \"%s\"", src.relName, src.cr.lineno, src.names[k], limitPrintout(v)))
			}
			params[k] = d
		}
		vals := make([]types.Datum, src.width)
		for i, e := range src.exprs {
			if j := src.direct[i]; j > 0 {
				vals[i] = params[j-1]
				continue
			}
			if src.consts[i] {
				vals[i] = e.(*analyze.Const).Val
				continue
			}
			d, err := src.ec.Eval(e, nil)
			if err != nil {
				return nil, src.contextError(err, true)
			}
			vals[i] = d
		}
		if src.where != nil {
			ok, err := src.ec.Qual(src.where, vals)
			if err != nil {
				return nil, src.contextError(err, true)
			}
			if !ok {
				continue
			}
		}
		return &exec.Row{Vals: vals}, nil
	}
}

// readLine reads the next line and brings it to UTF8 (CP6).
func (src *copyFromSource) readLine() (bool, error) {
	src.line, src.lineValid = nil, false
	ok, err := src.cr.next()
	if err != nil {
		if _, isPG := err.(*pgerr.Error); !isPG {
			err = pgerr.Wrap(pgerr.IoError, err, "could not read COPY data: %v", err)
		}
		return false, src.contextError(err, false)
	}
	line, err := src.enc.toServer(src.cr.line, src.cr.term, &src.conv)
	if err != nil {
		return false, src.contextError(err, false)
	}
	src.line, src.lineValid = line, true
	return ok, nil
}

func (src *copyFromSource) split() error {
	if src.o.csv {
		return splitCSV(src.line, src.o, len(src.cols), &src.fields)
	}
	return splitText(src.line, src.o, len(src.cols), &src.fields)
}

// matchHeader checks the header line against the column names (HEADER
// MATCH).
func (src *copyFromSource) matchHeader() error {
	if err := src.split(); err != nil {
		return src.contextError(err, true)
	}
	if nf := src.fields.count(); nf != len(src.cols) {
		return src.contextError(copyFormatError(fmt.Sprintf("wrong number of fields in header line: got %d, expected %d", nf, len(src.cols)), ""), true)
	}
	for k, name := range src.names {
		v, isNull := src.fields.get(k)
		if isNull {
			return src.contextError(copyFormatError(fmt.Sprintf("column name mismatch in header line field %d: got null value (\"%s\"), expected \"%s\"", k+1, src.o.null, name), ""), true)
		}
		if v != name {
			return src.contextError(copyFormatError(fmt.Sprintf("column name mismatch in header line field %d: got \"%s\", expected \"%s\"", k+1, v, name), ""), true)
		}
	}
	return nil
}

// contextError adds the CONTEXT of an error about the current line
// (CopyFromErrorCallback), with the line's text when it was read whole.
func (src *copyFromSource) contextError(err error, withLine bool) error {
	if withLine && src.lineValid {
		return withCopyContext(err, fmt.Sprintf("COPY %s, line %d: \"%s\"", src.relName, src.cr.lineno, limitPrintout(string(src.line))))
	}
	return withCopyContext(err, fmt.Sprintf("COPY %s, line %d", src.relName, src.cr.lineno))
}

// insertError adds the context of an error ModifyTable raised for the
// current row. PostgreSQL checks NOT NULL and CHECK as it reads the row,
// while the line is at hand, but inserts index entries in batches, when
// it is not: a unique violation names only the line number. Foreign keys
// are checked after the last row (AfterTriggerEndQuery), out of COPY's
// error context.
func (src *copyFromSource) insertError(err error) error {
	if src.exhausted {
		return err
	}
	return src.contextError(err, pgerr.CodeOf(err) != pgerr.UniqueViolation)
}

// withCopyContext returns a copy of err with context appended to its
// Detail (Tusk's errors have no CONTEXT field).
func withCopyContext(err error, context string) error {
	pe := pgerr.As(err)
	e := *pe
	if e.Detail == "" {
		e.Detail = context
	} else {
		e.Detail += "\n" + context
	}
	return &e
}

// limitPrintout mirrors limit_printout_length: at most 100 bytes, cut at
// a character boundary, then "...".
func limitPrintout(s string) string {
	const max = 100
	if len(s) <= max {
		return s
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// copyTo runs COPY table TO STDOUT and COPY (query) TO STDOUT
// (BeginCopyTo, DoCopyTo).
func (s *Session) copyTo(ctx context.Context, n *ast.CopyStmt) (int64, error) {
	snap := s.snapshot()
	var (
		rel     *catalog.Relation
		o       *copyOptions
		err     error
		all     []string // the source's columns
		dropped []bool
		ctypes  []*types.T
		attnums []int
	)
	if n.Table != nil {
		if rel, err = s.copyRelation(snap, n.Table); err != nil {
			return 0, err
		}
		switch rel.Kind {
		case catalog.KindTable:
		case catalog.KindView:
			return 0, pgerr.New(pgerr.WrongObjectType, "cannot copy from view \"%s\"", rel.Name).
				WithHint("Try the COPY (SELECT ...) TO variant.")
		case catalog.KindSequence:
			return 0, pgerr.New(pgerr.WrongObjectType, "cannot copy from sequence \"%s\"", rel.Name)
		default:
			return 0, pgerr.New(pgerr.WrongObjectType, "cannot copy from non-table relation \"%s\"", rel.Name)
		}
		if o, err = parseCopyOptions(n.Options, false); err != nil {
			return 0, err
		}
		all, dropped = relNames(rel)
		for _, c := range relColumns(rel) {
			ctypes = append(ctypes, c.T)
		}
	} else if o, err = parseCopyOptions(n.Options, false); err != nil {
		return 0, err
	}
	if o.binary {
		return 0, pgerr.New(pgerr.FeatureNotSupported, "COPY BINARY is not supported yet")
	}

	// The rows: a scan of the table, or the query's iterator.
	var it exec.Iter
	if rel == nil {
		if it, all, ctypes, err = s.copyQuery(ctx, snap, n.Query); err != nil {
			return 0, err
		}
		defer it.Close()
		dropped = make([]bool, len(all))
	}
	relName := ""
	if rel != nil {
		relName = rel.Name
	}
	if attnums, err = copyAttnums(all, dropped, relName, n.Columns); err != nil {
		return 0, err
	}
	forceQuote := make([]bool, len(attnums))
	if o.forceQuoteAll {
		for i := range forceQuote {
			forceQuote[i] = true
		}
	} else if forceQuote, err = copyForce(all, dropped, relName, attnums, o.forceQuote, "FORCE_QUOTE"); err != nil {
		return 0, err
	}
	enc, err := s.copyEncodingOf(o)
	if err != nil {
		return 0, err
	}
	out, _ := ctx.Value(copyOutKey{}).(io.Writer)
	if out == nil {
		return 0, pgerr.New(pgerr.FeatureNotSupported, "COPY TO STDOUT needs CopyTo").
			WithHint("Exec and Query cannot take COPY data: call CopyTo with an io.Writer.")
	}

	w := &copyWriter{w: bufio.NewWriterSize(out, copyBufSize), o: o, enc: enc, attnums: attnums, types: ctypes, force: forceQuote}
	w.regOut = func(t *types.T, oid base.OID) string { return s.regOut(snap, t, oid) } // introspect_reg.go
	if o.header != headerFalse {
		if err := w.header(all); err != nil {
			return 0, err
		}
	}
	var count int64
	if rel != nil {
		err = s.scanRows(ctx, snap, rel, relColumns(rel), func(_ base.ItemPointer, vals []types.Datum) error {
			count++
			return w.row(vals)
		})
	} else {
		for {
			row, rerr := it.Next()
			if rerr != nil || row == nil {
				err = rerr
				break
			}
			count++
			if err = w.row(row.Vals); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = w.flush()
	}
	if err != nil {
		return 0, err
	}
	return count, nil
}

// copyQuery plans and starts the query of COPY (query) TO.
func (s *Session) copyQuery(ctx context.Context, snap *mvcc.Snapshot, st ast.Stmt) (exec.Iter, []string, []*types.T, error) {
	noReturning := pgerr.New(pgerr.FeatureNotSupported, "COPY query must have a RETURNING clause")
	switch q := st.(type) {
	case *ast.SelectStmt:
		if q.Into != nil {
			return nil, nil, nil, pgerr.New(pgerr.FeatureNotSupported, "COPY (SELECT INTO) is not supported")
		}
	case *ast.InsertStmt:
		if len(q.Returning) == 0 {
			return nil, nil, nil, noReturning
		}
	case *ast.UpdateStmt:
		if len(q.Returning) == 0 {
			return nil, nil, nil, noReturning
		}
	case *ast.DeleteStmt:
		if len(q.Returning) == 0 {
			return nil, nil, nil, noReturning
		}
	default:
		return nil, nil, nil, pgerr.New(pgerr.FeatureNotSupported, "COPY of this statement is not supported")
	}
	q, err := analyze.Analyze(st, s.env(snap))
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := plan.Plan(q)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := s.attachIndexes(snap, p.Root); err != nil {
		return nil, nil, nil, err
	}
	it, err := exec.Build(s.copyExecContext(ctx, snap), p.Root)
	if err != nil {
		return nil, nil, nil, err
	}
	var names []string
	var ctypes []*types.T
	for _, t := range p.Columns {
		names = append(names, t.Name)
		ctypes = append(ctypes, t.Expr.Type())
	}
	return it, names, ctypes, nil
}

// copyWriter formats rows for COPY TO (CopyOneRowTo).
type copyWriter struct {
	w       *bufio.Writer
	o       *copyOptions
	enc     *copyEncoding
	attnums []int
	types   []*types.T // of the source's columns
	force   []bool     // per copied column
	line    []byte
	conv    []byte
	regOut  func(*types.T, base.OID) string // reg* values print as names
}

// header writes the names of the copied columns.
func (w *copyWriter) header(names []string) error {
	line := w.line[:0]
	for k, a := range w.attnums {
		if k > 0 {
			line = append(line, w.o.delim)
		}
		if w.o.csv {
			line = appendCSV(line, names[a], w.o, false, len(w.attnums) == 1)
		} else {
			line = appendText(line, names[a], w.o.delim)
		}
	}
	return w.write(line)
}

// row writes the copied columns of vals as one line.
func (w *copyWriter) row(vals []types.Datum) error {
	o := w.o
	line := w.line[:0]
	single := len(w.attnums) == 1
	for k, a := range w.attnums {
		if k > 0 {
			line = append(line, o.delim)
		}
		v := vals[a]
		if v == nil {
			line = append(line, o.null...)
			continue
		}
		s := types.Format(w.types[a], v)
		if i, ok := v.(int64); ok && w.regOut != nil && IsRegType(w.types[a]) {
			s = w.regOut(w.types[a], base.OID(uint32(i)))
		}
		if o.csv {
			line = appendCSV(line, s, o, w.force[k], single)
		} else {
			line = appendText(line, s, o.delim)
		}
	}
	return w.write(line)
}

// write ends a line and sends it in the client encoding.
func (w *copyWriter) write(line []byte) error {
	line = append(line, '\n')
	w.line = line
	out, err := w.enc.fromServer(line, &w.conv)
	if err != nil {
		return err
	}
	if _, err := w.w.Write(out); err != nil {
		return pgerr.Wrap(pgerr.IoError, err, "could not write COPY data: %v", err)
	}
	return nil
}

func (w *copyWriter) flush() error {
	if err := w.w.Flush(); err != nil {
		return pgerr.Wrap(pgerr.IoError, err, "could not write COPY data: %v", err)
	}
	return nil
}
