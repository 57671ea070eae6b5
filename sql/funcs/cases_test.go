package funcs

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// testdata/cases.txt holds one call per line with PostgreSQL 15's answer
// after "=>" (rewritten from a live server by TUSK_FUNCS_ORACLE=rewrite):
//
//	length(text 'abc') => 3
//	setof generate_series(int4 '1', int4 '3') => 1 | 2 | 3
//	agg sum(int4): ('1') ('2') (NULL) => 3
//	win lag(int4) full: 1 ('5') ; 2 ('6') => NULL | 5
//	@tz=America/New_York to_char(timestamptz '2020-01-01 00:00+00', text 'TZ') => EST
//
// Arguments are "type 'literal'" or "type NULL" (type: a pg_type name).
// Aggregate rows are parenthesized literal lists of the signature's
// types; window rows are "orderkey (literals)" separated by ";" (rows
// with equal keys are peers; "full" selects the whole-partition frame).
// Errors read "ERROR <sqlstate> <message>".

//go:embed testdata/cases.txt
var casesFile string

type tcase struct {
	line   int
	raw    string // the line up to "=>"
	kind   string // "", "setof", "agg", "win"
	tz     string
	name   string
	types  []*types.T
	vals   []*string // per argument (nil: NULL)
	rows   [][]*string
	keys   []int64
	full   bool
	want   string
	hasArg bool
}

func unquote(s string) (val string, rest string, err error) {
	if !strings.HasPrefix(s, "'") {
		return "", s, fmt.Errorf("expected a quoted literal at %q", s)
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] == '\'' {
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return b.String(), s[i+1:], nil
		}
		b.WriteByte(s[i])
	}
	return "", "", fmt.Errorf("unterminated literal")
}

// literal reads 'x' or NULL.
func literal(s string) (*string, string, error) {
	s = strings.TrimLeft(s, " ")
	if rest, ok := strings.CutPrefix(s, "NULL"); ok {
		return nil, rest, nil
	}
	v, rest, err := unquote(s)
	if err != nil {
		return nil, "", err
	}
	return &v, rest, nil
}

func parseCase(n int, line string) (*tcase, error) {
	c := &tcase{line: n}
	body, want, ok := strings.Cut(line, " => ")
	if !ok {
		if b, ok2 := strings.CutSuffix(line, " =>"); ok2 {
			body = b
		} else {
			return nil, fmt.Errorf("no =>")
		}
	}
	c.raw, c.want = body, want
	if rest, ok := strings.CutPrefix(body, "@tz="); ok {
		c.tz, body, _ = strings.Cut(rest, " ")
	}
	for _, k := range []string{"setof ", "agg ", "win "} {
		if rest, ok := strings.CutPrefix(body, k); ok {
			c.kind = strings.TrimSpace(k)
			body = rest
		}
	}
	open := strings.IndexByte(body, '(')
	if open < 0 {
		return nil, fmt.Errorf("no (")
	}
	c.name = body[:open]
	s := body[open+1:]
	switch c.kind {
	case "", "setof":
		for {
			s = strings.TrimLeft(s, " ")
			if strings.HasPrefix(s, ")") {
				break
			}
			sp := strings.IndexByte(s, ' ')
			if sp < 0 {
				return nil, fmt.Errorf("bad argument at %q", s)
			}
			t, ok := types.ByName(s[:sp])
			if !ok {
				return nil, fmt.Errorf("unknown type %q", s[:sp])
			}
			v, rest, err := literal(s[sp+1:])
			if err != nil {
				return nil, err
			}
			c.types = append(c.types, t)
			c.vals = append(c.vals, v)
			s = strings.TrimLeft(rest, " ")
			s = strings.TrimPrefix(s, ",")
		}
	default:
		close := strings.IndexByte(s, ')')
		for _, tn := range strings.Split(s[:close], ",") {
			if tn = strings.TrimSpace(tn); tn == "" {
				continue
			}
			t, ok := types.ByName(tn)
			if !ok {
				return nil, fmt.Errorf("unknown type %q", tn)
			}
			c.types = append(c.types, t)
		}
		s = s[close+1:]
		if rest, ok := strings.CutPrefix(s, " full"); ok {
			c.full = true
			s = rest
		}
		s = strings.TrimPrefix(s, ":")
		for {
			s = strings.TrimLeft(s, " ;")
			if s == "" {
				break
			}
			if c.kind == "win" {
				sp := strings.IndexByte(s, ' ')
				k, err := strconv.ParseInt(s[:sp], 10, 64)
				if err != nil {
					return nil, err
				}
				c.keys = append(c.keys, k)
				s = s[sp+1:]
			}
			if !strings.HasPrefix(s, "(") {
				return nil, fmt.Errorf("expected ( at %q", s)
			}
			s = s[1:]
			var row []*string
			for {
				s = strings.TrimLeft(s, " ,")
				if strings.HasPrefix(s, ")") {
					s = s[1:]
					break
				}
				v, rest, err := literal(s)
				if err != nil {
					return nil, err
				}
				row = append(row, v)
				s = rest
			}
			c.rows = append(c.rows, row)
		}
	}
	return c, nil
}

func loadCases(t *testing.T) []*tcase {
	var out []*tcase
	for i, line := range strings.Split(casesFile, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c, err := parseCase(i+1, line)
		if err != nil {
			t.Fatalf("cases.txt:%d: %v", i+1, err)
		}
		out = append(out, c)
	}
	return out
}

// resolve picks the overload the analyzer would for these exact types
// and the resolved result type.
func resolve(name string, argTypes []*types.T, kind Kind) (*Func, []*types.T, *types.T, error) {
	var best *Func
	bestExact := -1
	for _, f := range Lookup(name) {
		if f.Kind != kind && !(kind == KindNormal && f.Kind == KindNormal) {
			continue
		}
		exact, ok := matchArgs(f, argTypes)
		if ok && exact > bestExact {
			best, bestExact = f, exact
		}
	}
	if best == nil {
		return nil, nil, nil, fmt.Errorf("no overload of %s for %v", name, argTypes)
	}
	ret, err := ResolveReturn(best, argTypes)
	return best, argTypes, ret, err
}

func matchArgs(f *Func, at []*types.T) (exact int, ok bool) {
	n := len(f.Args)
	variadicAny := f.Variadic != nil && f.Variadic.OID == types.Any.OID
	if variadicAny {
		if len(at) < n-1 {
			return 0, false
		}
	} else if len(at) > n || len(at) < n-len(f.Defaults) {
		return 0, false
	}
	for i, t := range at {
		d := types.Any
		if i < n {
			d = f.Args[i]
		}
		switch {
		case d.OID == t.OID:
			exact++
		case d.OID == types.Any.OID, d.OID == types.AnyElement.OID, d.OID == types.AnyCompatible.OID:
		case d.OID == types.AnyNonArray.OID:
			if t.Elem != nil {
				return 0, false
			}
		case d.OID == types.AnyArray.OID, d.OID == types.AnyCompatibleArray.OID:
			if t.Elem == nil {
				return 0, false
			}
		default:
			return 0, false
		}
	}
	return exact, true
}

// answer renders a result as the cases spell it.
func answer(sess *types.Session, t *types.T, d types.Datum, err error) string {
	if err != nil {
		e := pgerr.As(err)
		if e == nil {
			return "ERROR " + err.Error()
		}
		return fmt.Sprintf("ERROR %s %s", e.Code, e.Message)
	}
	if d == nil {
		return "NULL"
	}
	if b, ok := d.(bool); ok { // as bool::text
		if b {
			return "true"
		}
		return "false"
	}
	if t.OID == types.Regtype.OID {
		if rt, ok := types.ByOID(baseOIDOf(d)); ok {
			return types.FormatType(rt, -1)
		}
	}
	return sess.Format(t, d)
}

func baseOIDOf(d types.Datum) base.OID {
	v, _ := d.(int64)
	return base.OID(v)
}

func testSession(tz string) (*FuncContext, *types.Session, error) {
	sess := &types.Session{Now: func() time.Time { return time.Date(2024, 3, 10, 12, 30, 0, 0, time.UTC) }}
	if tz != "" {
		loc, ok := types.LoadLocation(tz)
		if !ok {
			return nil, nil, fmt.Errorf("unknown zone %s", tz)
		}
		sess.Location = loc
	}
	return &FuncContext{Session: sess, TimeZone: tz}, sess, nil
}

func parseVals(sess *types.Session, ts []*types.T, vals []*string) ([]types.Datum, error) {
	out := make([]types.Datum, len(vals))
	for i, v := range vals {
		if v == nil {
			continue
		}
		d, err := sess.Parse(ts[i], -1, *v)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %v", i+1, err)
		}
		out[i] = d
	}
	return out, nil
}

// run evaluates a case with Tusk's implementation.
func (c *tcase) run() (string, error) {
	ctx, sess, err := testSession(c.tz)
	if err != nil {
		return "", err
	}
	kind := KindNormal
	switch c.kind {
	case "agg":
		kind = KindAggregate
	case "win":
		kind = KindWindow
	}
	f, at, ret, err := resolve(c.name, c.types, kind)
	if err != nil {
		return "", err
	}
	ctx.ArgTypes, ctx.RetType = at, ret
	switch c.kind {
	case "":
		args, err := parseVals(sess, c.types, c.vals)
		if err != nil {
			return "", err
		}
		if missing := len(f.Args) - len(args); missing > 0 && f.Variadic == nil {
			args = append(args, f.Defaults[len(f.Defaults)-missing:]...) // F3
		}
		d, err := f.Call(ctx, args)
		return answer(sess, ret, d, err), nil
	case "setof":
		args, err := parseVals(sess, c.types, c.vals)
		if err != nil {
			return "", err
		}
		next, err := f.CallSRF(ctx, args)
		if err != nil {
			return answer(sess, ret, nil, err), nil
		}
		var rows []string
		for {
			d, ok, err := next()
			if err != nil {
				return answer(sess, ret, nil, err), nil
			}
			if !ok {
				break
			}
			rows = append(rows, answer(sess, ret, d, nil))
			if len(rows) > 10000 {
				return "", fmt.Errorf("runaway series")
			}
		}
		if len(rows) == 0 {
			return "(empty)", nil
		}
		return strings.Join(rows, " | "), nil
	case "agg":
		run, err := f.NewAgg(ctx)
		if err != nil {
			return "", err
		}
		for _, r := range c.rows {
			args, err := parseVals(sess, c.types, r)
			if err != nil {
				return "", err
			}
			if err := run.Add(args); err != nil {
				return answer(sess, ret, nil, err), nil
			}
		}
		d, err := run.Result()
		return answer(sess, ret, d, err), nil
	default:
		p := &Partition{PeerGroup: c.keys}
		for _, r := range c.rows {
			args, err := parseVals(sess, c.types, r)
			if err != nil {
				return "", err
			}
			p.Args = append(p.Args, args)
		}
		if c.full {
			n := int64(len(c.rows))
			p.FrameOf = func(int64) (int64, int64) { return 0, n }
		}
		out, err := f.EvalPartition(ctx, p)
		if err != nil {
			return answer(sess, ret, nil, err), nil
		}
		if len(out) == 0 {
			return "(empty)", nil
		}
		var rows []string
		for _, d := range out {
			rows = append(rows, answer(sess, ret, d, nil))
		}
		return strings.Join(rows, " | "), nil
	}
}

func TestCases(t *testing.T) {
	cases := loadCases(t)
	if len(cases) < 100 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		got, err := c.run()
		if err != nil {
			t.Errorf("cases.txt:%d %s: %v", c.line, c.raw, err)
			continue
		}
		if got != c.want {
			t.Errorf("cases.txt:%d %s\n got: %s\nwant: %s", c.line, c.raw, got, c.want)
		}
	}
}
