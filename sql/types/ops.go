package types

import (
	"math"
	"regexp"
	"strings"
	"sync"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// Operator is one row of pg_operator with its implementation (O4).
type Operator struct {
	OID        base.OID
	Name       string
	Left       base.OID // 0 for a prefix operator
	Right      base.OID
	Result     base.OID
	Proc       string // pg_proc name of oprcode, e.g. "int4pl"
	Commutator base.OID
	Negator    base.OID
	CanHash    bool // oprcanhash: usable in hash joins / hash aggregation
	CanMerge   bool // oprcanmerge
	// Fn computes the result in the UTC session. Arguments are non-NULL
	// (every built-in operator is strict). A prefix operator gets its
	// operand as r; l is nil.
	Fn func(l, r Datum) (Datum, error)

	impl opFunc
}

// Eval computes the operator in a session (timestamptz arithmetic and
// comparisons with timestamp use the session time zone).
func (o *Operator) Eval(sess *Session, l, r Datum) (Datum, error) { return o.impl(sess, l, r) }

type opFunc func(sess *Session, l, r Datum) (Datum, error)

type opRow struct {
	oid                 base.OID
	name                string
	left, right, result base.OID
	proc                string
	com, neg            base.OID
	canHash, canMerge   bool
}

type opKey struct {
	name        string
	left, right base.OID
}

var (
	operators []*Operator
	opByKey   = map[opKey]*Operator{}
	opByName  = map[string][]*Operator{}
	opByOID   = map[base.OID]*Operator{}
)

func init() {
	for _, row := range pgOperator {
		impl, ok := opImpls[row.proc]
		if !ok {
			continue
		}
		o := &Operator{OID: row.oid, Name: row.name, Left: row.left, Right: row.right, Result: row.result,
			Proc: row.proc, Commutator: row.com, Negator: row.neg, CanHash: row.canHash, CanMerge: row.canMerge, impl: impl}
		o.Fn = func(l, r Datum) (Datum, error) { return impl(UTC, l, r) }
		operators = append(operators, o)
		opByKey[opKey{o.Name, o.Left, o.Right}] = o
		opByName[o.Name] = append(opByName[o.Name], o)
		opByOID[o.OID] = o
	}
}

// Operators returns the built-in operators, ordered by implementing
// function name.
func Operators() []*Operator { return operators }

// LookupOperator finds the operator with exactly these argument types
// (left nil for a prefix operator).
func LookupOperator(name string, left, right *T) (*Operator, bool) {
	var l base.OID
	if left != nil {
		l = left.OID
	}
	o, ok := opByKey[opKey{name, l, right.OID}]
	return o, ok
}

// OperatorsNamed returns every built-in operator with this name, the
// candidates for operator resolution.
func OperatorsNamed(name string) []*Operator { return opByName[name] }

// OperatorByOID returns the operator with this pg_operator OID.
func OperatorByOID(oid base.OID) (*Operator, bool) {
	o, ok := opByOID[oid]
	return o, ok
}

// --- building blocks ---

func i64(d Datum) int64 {
	v, _ := d.(int64)
	return v
}

func f64(d Datum) float64 {
	v, _ := d.(float64)
	return v
}

func dec(d Datum) *apd.Decimal {
	v, _ := d.(*apd.Decimal)
	if v == nil {
		return nanDec()
	}
	return v
}

func str(d Datum) string {
	v, _ := d.(string)
	return v
}

func ivl(d Datum) IntervalVal {
	v, _ := d.(IntervalVal)
	return v
}

func tsv(d Datum) TimestampVal {
	v, _ := d.(TimestampVal)
	return v
}

func dtv(d Datum) DateVal {
	v, _ := d.(DateVal)
	return v
}

func tmv(d Datum) TimeVal {
	v, _ := d.(TimeVal)
	return v
}

// Comparison predicates by operator suffix.
var cmpPreds = map[string]func(int) bool{
	"eq": func(c int) bool { return c == 0 },
	"ne": func(c int) bool { return c != 0 },
	"lt": func(c int) bool { return c < 0 },
	"le": func(c int) bool { return c <= 0 },
	"gt": func(c int) bool { return c > 0 },
	"ge": func(c int) bool { return c >= 0 },
}

var cmpSuffixes = []string{"eq", "ne", "lt", "le", "gt", "ge"}

// addCmp registers prefix+{eq,ne,lt,le,gt,ge} (with sep between) using cmp.
func addCmp(m map[string]opFunc, prefix, sep string, cmp func(sess *Session, l, r Datum) int) {
	for _, s := range cmpSuffixes {
		pred := cmpPreds[s]
		m[prefix+sep+s] = func(sess *Session, l, r Datum) (Datum, error) { return pred(cmp(sess, l, r)), nil }
	}
}

func typeCmp(t *T) func(*Session, Datum, Datum) int {
	return func(_ *Session, l, r Datum) int { return Compare(t, l, r) }
}

func intCmp(_ *Session, l, r Datum) int { return cmp64(i64(l), i64(r)) }

func floatCmp(_ *Session, l, r Datum) int { return compareFloat(f64(l), f64(r)) }

func strCmp(_ *Session, l, r Datum) int { return strings.Compare(str(l), str(r)) }

var opImpls = buildOpImpls()

func buildOpImpls() map[string]opFunc {
	m := map[string]opFunc{}

	// comparisons
	addCmp(m, "bool", "", typeCmp(Bool))
	addCmp(m, "bytea", "", typeCmp(Bytea))
	addCmp(m, "char", "", strCmp)
	addCmp(m, "name", "", strCmp)
	m["texteq"] = func(_ *Session, l, r Datum) (Datum, error) { return str(l) == str(r), nil }
	m["textne"] = func(_ *Session, l, r Datum) (Datum, error) { return str(l) != str(r), nil }
	for _, s := range cmpSuffixes {
		pred := cmpPreds[s]
		f := func(_ *Session, l, r Datum) (Datum, error) { return pred(strings.Compare(str(l), str(r))), nil }
		if s != "eq" && s != "ne" {
			m["text_"+s] = f
		}
		m["name"+s+"text"] = f
		m["text"+s+"name"] = f
	}
	addCmp(m, "bpchar", "", typeCmp(Bpchar))
	addCmp(m, "oid", "", typeCmp(Oid))
	addCmp(m, "tid", "", typeCmp(Tid))
	addCmp(m, "uuid", "_", typeCmp(UUID))
	addCmp(m, "jsonb", "_", typeCmp(JSONB))
	addCmp(m, "interval", "_", typeCmp(Interval))
	addCmp(m, "numeric", "_", typeCmp(Numeric))
	addCmp(m, "date", "_", intCmp2(func(d Datum) int64 { return int64(dtv(d)) }))
	addCmp(m, "time", "_", intCmp2(func(d Datum) int64 { return int64(tmv(d)) }))
	addCmp(m, "timestamp", "_", intCmp2(func(d Datum) int64 { return int64(tsv(d)) }))
	addCmp(m, "timestamptz", "_", intCmp2(func(d Datum) int64 { return int64(tsv(d)) }))
	for _, p := range []string{"int2", "int4", "int8", "int24", "int42", "int28", "int82", "int48", "int84"} {
		addCmp(m, p, "", intCmp)
	}
	for _, p := range []string{"float4", "float8", "float48", "float84"} {
		addCmp(m, p, "", floatCmp)
	}
	m["xideq"] = func(_ *Session, l, r Datum) (Datum, error) { return uint32(i64(l)) == uint32(i64(r)), nil }
	m["xidneq"] = func(_ *Session, l, r Datum) (Datum, error) { return uint32(i64(l)) != uint32(i64(r)), nil }
	m["xideqint4"], m["xidneqint4"] = m["xideq"], m["xidneq"]
	m["cideq"] = m["xideq"]
	// date / timestamp / timestamptz cross-type comparisons
	dateTS := func(sess *Session, l, r Datum) int {
		return cmp64(int64(dateToTimestampNoOverflow(dtv(l))), int64(tsv(r)))
	}
	addCmpNamed(m, "date_%s_timestamp", dateTS)
	addCmpNamed(m, "timestamp_%s_date", func(sess *Session, l, r Datum) int { return -dateTS(sess, r, l) })
	dateTZ := func(sess *Session, l, r Datum) int {
		return cmp64(int64(sess.dateToTimestamptzNoOverflow(dtv(l))), int64(tsv(r)))
	}
	addCmpNamed(m, "date_%s_timestamptz", dateTZ)
	addCmpNamed(m, "timestamptz_%s_date", func(sess *Session, l, r Datum) int { return -dateTZ(sess, r, l) })
	tsTZ := func(sess *Session, l, r Datum) int {
		return cmp64(int64(sess.timestampToTimestamptzNoOverflow(tsv(l))), int64(tsv(r)))
	}
	addCmpNamed(m, "timestamp_%s_timestamptz", tsTZ)
	addCmpNamed(m, "timestamptz_%s_timestamp", func(sess *Session, l, r Datum) int { return -tsTZ(sess, r, l) })
	addCmp(m, "date", "_", intCmp2(func(d Datum) int64 { return int64(dtv(d)) }))

	// integer arithmetic; the result type is the wider operand
	intTypes := map[string][2]*T{
		"int2": {Int2, Int2}, "int4": {Int4, Int4}, "int8": {Int8, Int8},
		"int24": {Int4, Int4}, "int42": {Int4, Int4}, "int28": {Int8, Int8}, "int82": {Int8, Int8},
		"int48": {Int8, Int8}, "int84": {Int8, Int8},
	}
	for p, ts := range intTypes {
		rt := ts[0]
		m[p+"pl"] = func(_ *Session, l, r Datum) (Datum, error) { return IntAdd(rt, i64(l), i64(r)) }
		m[p+"mi"] = func(_ *Session, l, r Datum) (Datum, error) { return IntSub(rt, i64(l), i64(r)) }
		m[p+"mul"] = func(_ *Session, l, r Datum) (Datum, error) { return IntMul(rt, i64(l), i64(r)) }
		m[p+"div"] = func(_ *Session, l, r Datum) (Datum, error) { return IntDiv(rt, i64(l), i64(r)) }
	}
	for _, t := range []*T{Int2, Int4, Int8} {
		t := t
		p := t.Name
		m[p+"mod"] = func(_ *Session, l, r Datum) (Datum, error) { return IntMod(t, i64(l), i64(r)) }
		m[p+"um"] = func(_ *Session, _, r Datum) (Datum, error) { return IntSub(t, 0, i64(r)) }
		m[p+"up"] = func(_ *Session, _, r Datum) (Datum, error) { return r, nil }
		m[p+"abs"] = func(_ *Session, _, r Datum) (Datum, error) {
			if v := i64(r); v < 0 {
				return IntSub(t, 0, v)
			}
			return r, nil
		}
		m[p+"and"] = func(_ *Session, l, r Datum) (Datum, error) { return i64(l) & i64(r), nil }
		m[p+"or"] = func(_ *Session, l, r Datum) (Datum, error) { return i64(l) | i64(r), nil }
		m[p+"xor"] = func(_ *Session, l, r Datum) (Datum, error) { return i64(l) ^ i64(r), nil }
		m[p+"not"] = func(_ *Session, _, r Datum) (Datum, error) { return ^i64(r), nil }
		m[p+"shl"] = func(_ *Session, l, r Datum) (Datum, error) { return intShift(t, i64(l), i64(r), true), nil }
		m[p+"shr"] = func(_ *Session, l, r Datum) (Datum, error) { return intShift(t, i64(l), i64(r), false), nil }
	}

	// floating point
	floatOps := map[string]bool{"float4": true, "float8": false, "float48": false, "float84": false}
	for p, single := range floatOps {
		single := single
		for op, sfx := range map[byte]string{'+': "pl", '-': "mi", '*': "mul", '/': "div"} {
			op := op
			m[p+sfx] = func(_ *Session, l, r Datum) (Datum, error) { return FloatOp(op, f64(l), f64(r), single) }
		}
	}
	for _, p := range []string{"float4", "float8"} {
		m[p+"um"] = func(_ *Session, _, r Datum) (Datum, error) { return -f64(r), nil }
		m[p+"up"] = func(_ *Session, _, r Datum) (Datum, error) { return r, nil }
		m[p+"abs"] = func(_ *Session, _, r Datum) (Datum, error) {
			v := f64(r)
			if v < 0 || (v == 0 && 1/v < 0) {
				return -v, nil
			}
			return v, nil
		}
	}
	m["dpow"] = func(_ *Session, l, r Datum) (Datum, error) { return FloatPow(f64(l), f64(r)) }
	m["numeric_power"] = func(_ *Session, l, r Datum) (Datum, error) { return NumericPower(dec(l), dec(r)) }

	// numeric
	numBin := func(f func(a, b *apd.Decimal) (*apd.Decimal, error)) opFunc {
		return func(_ *Session, l, r Datum) (Datum, error) {
			v, err := f(dec(l), dec(r))
			if err != nil {
				return nil, err
			}
			return v, nil
		}
	}
	m["numeric_add"] = numBin(NumericAdd)
	m["numeric_sub"] = numBin(NumericSub)
	m["numeric_mul"] = numBin(NumericMul)
	m["numeric_div"] = numBin(NumericDiv)
	m["numeric_mod"] = numBin(NumericMod)
	m["numeric_uminus"] = func(_ *Session, _, r Datum) (Datum, error) { return NumericNeg(dec(r)), nil }
	m["numeric_uplus"] = func(_ *Session, _, r Datum) (Datum, error) { return r, nil }
	m["numeric_abs"] = func(_ *Session, _, r Datum) (Datum, error) { return NumericAbs(dec(r)), nil }

	// dates and times
	m["date_pli"] = func(_ *Session, l, r Datum) (Datum, error) { return DateAddDays(dtv(l), i64(r)) }
	m["integer_pl_date"] = func(_ *Session, l, r Datum) (Datum, error) { return DateAddDays(dtv(r), i64(l)) }
	m["date_mii"] = func(_ *Session, l, r Datum) (Datum, error) { return DateAddDays(dtv(l), -i64(r)) }
	m["date_mi"] = func(_ *Session, l, r Datum) (Datum, error) { return DateSub(dtv(l), dtv(r)) }
	m["date_pl_interval"] = func(sess *Session, l, r Datum) (Datum, error) {
		ts, err := dateToTimestamp(dtv(l))
		if err != nil {
			return nil, err
		}
		return sess.TimestampAddInterval(ts.(TimestampVal), ivl(r), false)
	}
	m["interval_pl_date"] = func(sess *Session, l, r Datum) (Datum, error) { return m["date_pl_interval"](sess, r, l) }
	m["date_mi_interval"] = func(sess *Session, l, r Datum) (Datum, error) {
		n, err := IntervalNeg(ivl(r))
		if err != nil {
			return nil, err
		}
		return m["date_pl_interval"](sess, l, n)
	}
	m["datetime_pl"] = func(_ *Session, l, r Datum) (Datum, error) {
		ts, err := dateToTimestamp(dtv(l))
		if err != nil {
			return nil, err
		}
		if !ts.(TimestampVal).IsFinite() {
			return ts, nil
		}
		v, ok := add64(int64(ts.(TimestampVal)), int64(tmv(r)))
		if !ok || !validTimestamp(v) {
			return nil, errTimestampRange()
		}
		return TimestampVal(v), nil
	}
	m["timedate_pl"] = func(sess *Session, l, r Datum) (Datum, error) { return m["datetime_pl"](sess, r, l) }
	m["time_pl_interval"] = func(_ *Session, l, r Datum) (Datum, error) { return TimeAddInterval(tmv(l), ivl(r)), nil }
	m["interval_pl_time"] = func(_ *Session, l, r Datum) (Datum, error) { return TimeAddInterval(tmv(r), ivl(l)), nil }
	m["time_mi_interval"] = func(_ *Session, l, r Datum) (Datum, error) {
		iv := ivl(r)
		return TimeAddInterval(tmv(l), IntervalVal{Micros: -(iv.Micros % usecsPerDay)}), nil
	}
	m["time_mi_time"] = func(_ *Session, l, r Datum) (Datum, error) {
		return IntervalVal{Micros: int64(tmv(l)) - int64(tmv(r))}, nil
	}
	for _, tz := range []bool{false, true} {
		tz := tz
		p := "timestamp"
		if tz {
			p = "timestamptz"
		}
		m[p+"_pl_interval"] = func(sess *Session, l, r Datum) (Datum, error) {
			return sess.TimestampAddInterval(tsv(l), ivl(r), tz)
		}
		m["interval_pl_"+p] = func(sess *Session, l, r Datum) (Datum, error) {
			return sess.TimestampAddInterval(tsv(r), ivl(l), tz)
		}
		m[p+"_mi_interval"] = func(sess *Session, l, r Datum) (Datum, error) {
			n, err := IntervalNeg(ivl(r))
			if err != nil {
				return nil, err
			}
			return sess.TimestampAddInterval(tsv(l), n, tz)
		}
		m[p+"_mi"] = func(_ *Session, l, r Datum) (Datum, error) { return TimestampSub(tsv(l), tsv(r)) }
	}
	m["interval_pl"] = func(_ *Session, l, r Datum) (Datum, error) { return wrapIv(IntervalAdd(ivl(l), ivl(r))) }
	m["interval_mi"] = func(_ *Session, l, r Datum) (Datum, error) { return wrapIv(IntervalSub(ivl(l), ivl(r))) }
	m["interval_um"] = func(_ *Session, _, r Datum) (Datum, error) { return wrapIv(IntervalNeg(ivl(r))) }
	m["interval_mul"] = func(_ *Session, l, r Datum) (Datum, error) { return wrapIv(IntervalMul(ivl(l), f64(r))) }
	m["mul_d_interval"] = func(_ *Session, l, r Datum) (Datum, error) { return wrapIv(IntervalMul(ivl(r), f64(l))) }
	m["interval_div"] = func(_ *Session, l, r Datum) (Datum, error) { return wrapIv(IntervalDiv(ivl(l), f64(r))) }

	// strings
	m["textcat"] = func(_ *Session, l, r Datum) (Datum, error) { return str(l) + str(r), nil }
	m["byteacat"] = func(_ *Session, l, r Datum) (Datum, error) {
		a, _ := l.([]byte)
		b, _ := r.([]byte)
		out := make([]byte, 0, len(a)+len(b))
		return append(append(out, a...), b...), nil
	}
	for _, p := range []string{"text", "bpchar", "name"} {
		m[p+"like"] = likeOp(false, false)
		m[p+"nlike"] = likeOp(false, true)
		m[p+"iclike"] = likeOp(true, false)
		m[p+"icnlike"] = likeOp(true, true)
	}
	m["bytealike"] = func(_ *Session, l, r Datum) (Datum, error) {
		a, _ := l.([]byte)
		b, _ := r.([]byte)
		return Like(string(a), string(b), false)
	}
	m["byteanlike"] = func(s *Session, l, r Datum) (Datum, error) { return notB(m["bytealike"](s, l, r)) }

	for _, s := range cmpSuffixes[2:] {
		pred := cmpPreds[s]
		m["text_pattern_"+s] = func(_ *Session, l, r Datum) (Datum, error) { return pred(strings.Compare(str(l), str(r))), nil }
		m["bpchar_pattern_"+s] = func(_ *Session, l, r Datum) (Datum, error) {
			return pred(strings.Compare(bpcharTrim(str(l)), bpcharTrim(str(r)))), nil
		}
	}
	m["starts_with"] = func(_ *Session, l, r Datum) (Datum, error) { return strings.HasPrefix(str(l), str(r)), nil }
	for _, p := range []string{"text", "bpchar", "name"} {
		m[p+"regexeq"] = regexOp(false, false)
		m[p+"regexne"] = regexOp(false, true)
		m[p+"icregexeq"] = regexOp(true, false)
		m[p+"icregexne"] = regexOp(true, true)
	}
	m["dsqrt"] = func(_ *Session, _, r Datum) (Datum, error) {
		v := f64(r)
		if v < 0 {
			return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "cannot take square root of a negative number")
		}
		return math.Sqrt(v), nil
	}
	m["dcbrt"] = func(_ *Session, _, r Datum) (Datum, error) { return math.Cbrt(f64(r)), nil }

	// jsonb
	m["jsonb_concat"] = func(_ *Session, l, r Datum) (Datum, error) { return jsonbConcat(str(l), str(r)) }
	m["jsonb_delete"] = func(_ *Session, l, r Datum) (Datum, error) { return jsonbDelete(str(l), r) }
	m["json_object_field"] = jsonField(false)
	m["json_object_field_text"] = jsonField(true)
	m["json_array_element"] = jsonElement(false)
	m["json_array_element_text"] = jsonElement(true)
	m["jsonb_object_field"] = jsonbField(false)
	m["jsonb_object_field_text"] = jsonbField(true)
	m["jsonb_array_element"] = jsonbElement(false)
	m["jsonb_array_element_text"] = jsonbElement(true)
	m["jsonb_contains"] = func(_ *Session, l, r Datum) (Datum, error) { return jsonbContains(str(l), str(r)) }
	m["jsonb_contained"] = func(_ *Session, l, r Datum) (Datum, error) { return jsonbContains(str(r), str(l)) }
	m["jsonb_exists"] = func(_ *Session, l, r Datum) (Datum, error) { return jsonbExists(str(l), str(r)) }
	return m
}

func intCmp2(f func(Datum) int64) func(*Session, Datum, Datum) int {
	return func(_ *Session, l, r Datum) int { return cmp64(f(l), f(r)) }
}

// addCmpNamed registers format-named comparisons such as
// "date_%s_timestamp".
func addCmpNamed(m map[string]opFunc, format string, cmp func(sess *Session, l, r Datum) int) {
	for _, s := range cmpSuffixes {
		pred := cmpPreds[s]
		m[strings.Replace(format, "%s", s, 1)] = func(sess *Session, l, r Datum) (Datum, error) {
			return pred(cmp(sess, l, r)), nil
		}
	}
}

func wrapIv(iv IntervalVal, err error) (Datum, error) {
	if err != nil {
		return nil, err
	}
	return iv, nil
}

func notB(d Datum, err error) (Datum, error) {
	if err != nil {
		return nil, err
	}
	b, _ := d.(bool)
	return !b, nil
}

func likeOp(fold, negate bool) opFunc {
	return func(_ *Session, l, r Datum) (Datum, error) {
		v, err := Like(str(l), str(r), fold)
		if err != nil {
			return nil, err
		}
		return v != negate, nil
	}
}

// Like mirrors PostgreSQL's LIKE with the default escape '\': '%' matches
// any run of characters, '_' one character. fold gives ILIKE.
func Like(s, pattern string, fold bool) (bool, error) {
	if fold {
		s, pattern = strings.ToLower(s), strings.ToLower(pattern)
	}
	return likeMatch([]rune(s), []rune(pattern))
}

const (
	likeFalse = iota
	likeTrue
	likeAbort // the text ran out: no later start position can match either
)

// likeMatch mirrors MatchText: the "abort" result keeps patterns with
// many '%' from backtracking exponentially.
func likeMatch(t, p []rune) (bool, error) {
	r, err := matchText(t, p)
	return r == likeTrue, err
}

func errLikeEscape() error {
	return pgerr.New(pgerr.InvalidEscapeSequence, "LIKE pattern must not end with escape character")
}

func matchText(t, p []rune) (int, error) {
	for len(t) > 0 && len(p) > 0 {
		switch p[0] {
		case '\\':
			p = p[1:]
			if len(p) == 0 {
				return likeFalse, errLikeEscape()
			}
			if p[0] != t[0] {
				return likeFalse, nil
			}
		case '%':
			p = p[1:]
			for len(p) > 0 {
				if p[0] == '%' {
					p = p[1:]
				} else if p[0] == '_' {
					if len(t) == 0 {
						return likeAbort, nil
					}
					t, p = t[1:], p[1:]
				} else {
					break
				}
			}
			if len(p) == 0 {
				return likeTrue, nil
			}
			first := p[0]
			if first == '\\' {
				if len(p) < 2 {
					return likeFalse, errLikeEscape()
				}
				first = p[1]
			}
			for len(t) > 0 {
				if t[0] == first {
					r, err := matchText(t, p)
					if err != nil || r != likeFalse {
						return r, err
					}
				}
				t = t[1:]
			}
			return likeAbort, nil
		case '_':
		default:
			if p[0] != t[0] {
				return likeFalse, nil
			}
		}
		t, p = t[1:], p[1:]
	}
	if len(t) > 0 {
		return likeFalse, nil
	}
	for len(p) > 0 && p[0] == '%' {
		p = p[1:]
	}
	if len(p) == 0 {
		return likeTrue, nil
	}
	return likeAbort, nil
}

func jsonbValueDatum(v *jv, asText bool) Datum {
	if v == nil {
		return nil
	}
	if asText {
		switch v.kind {
		case jbvNull:
			return nil
		case jbvString:
			return v.str
		}
	}
	return string(appendJSONB(nil, v))
}

// jsonValueDatum returns a json value's source text, or for ->> a
// string's contents and NULL for null.
func jsonValueDatum(v *jv, asText bool) Datum {
	if asText {
		switch v.kind {
		case jbvNull:
			return nil
		case jbvString:
			return v.str
		}
	}
	return v.text
}

// jsonField mirrors json_object_field(_text): the last duplicate key wins.
func jsonField(asText bool) opFunc {
	return func(_ *Session, l, r Datum) (Datum, error) {
		v, err := parseJSON(str(l), false)
		if err != nil || v.kind != jbvObject {
			return nil, err
		}
		key := str(r)
		for i := len(v.keys) - 1; i >= 0; i-- {
			if v.keys[i] == key {
				return jsonValueDatum(v.vals[i], asText), nil
			}
		}
		return nil, nil
	}
}

// jsonElement mirrors json_array_element(_text).
func jsonElement(asText bool) opFunc {
	return func(_ *Session, l, r Datum) (Datum, error) {
		v, err := parseJSON(str(l), false)
		if err != nil || v.kind != jbvArray {
			return nil, err
		}
		i := i64(r)
		if i < 0 {
			i += int64(len(v.elems))
		}
		if i < 0 || i >= int64(len(v.elems)) {
			return nil, nil
		}
		return jsonValueDatum(v.elems[i], asText), nil
	}
}

func jsonbField(asText bool) opFunc {
	return func(_ *Session, l, r Datum) (Datum, error) {
		v, err := parseJSON(str(l), true)
		if err != nil {
			return nil, err
		}
		if v.kind != jbvObject {
			return nil, nil
		}
		key := str(r)
		for i, k := range v.keys {
			if k == key {
				return jsonbValueDatum(v.vals[i], asText), nil
			}
		}
		return nil, nil
	}
}

func jsonbElement(asText bool) opFunc {
	return func(_ *Session, l, r Datum) (Datum, error) {
		v, err := parseJSON(str(l), true)
		if err != nil {
			return nil, err
		}
		if v.kind != jbvArray {
			return nil, nil
		}
		i := i64(r)
		if i < 0 {
			i += int64(len(v.elems))
		}
		if i < 0 || i >= int64(len(v.elems)) {
			return nil, nil
		}
		return jsonbValueDatum(v.elems[i], asText), nil
	}
}

// jsonbContains mirrors JsonbDeepContains at the top level (@>).
func jsonbContains(a, b string) (Datum, error) {
	x, err := parseJSON(a, true)
	if err != nil {
		return nil, err
	}
	y, err := parseJSON(b, true)
	if err != nil {
		return nil, err
	}
	wrap := func(v *jv) *jv {
		if v.raw {
			return &jv{kind: jbvArray, raw: true, elems: []*jv{v}}
		}
		return v
	}
	x, y = wrap(x), wrap(y)
	if x.kind != y.kind {
		return false, nil
	}
	if x.kind == jbvArray && x.raw && !y.raw {
		return false, nil
	}
	return deepContains(x, y), nil
}

func deepContains(x, y *jv) bool {
	switch x.kind {
	case jbvObject:
		for i, k := range y.keys {
			var lv *jv
			for j, k2 := range x.keys {
				if k2 == k {
					lv = x.vals[j]
					break
				}
			}
			if lv == nil {
				return false
			}
			rv := y.vals[i]
			if rv.kind != lv.kind {
				return false
			}
			if rv.kind == jbvObject || rv.kind == jbvArray {
				if !deepContains(lv, rv) {
					return false
				}
			} else if compareJSONBScalar(lv, rv) != 0 {
				return false
			}
		}
		return true
	case jbvArray:
		for _, rv := range y.elems {
			found := false
			for _, lv := range x.elems {
				if lv.kind != rv.kind {
					continue
				}
				if rv.kind == jbvObject || rv.kind == jbvArray {
					if deepContains(lv, rv) {
						found = true
					}
				} else if compareJSONBScalar(lv, rv) == 0 {
					found = true
				}
				if found {
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	return compareJSONBScalar(x, y) == 0
}

// jsonbExists mirrors jsonb_exists (?): an object key, or a string
// element of an array or scalar.
func jsonbExists(a, key string) (Datum, error) {
	x, err := parseJSON(a, true)
	if err != nil {
		return nil, err
	}
	switch x.kind {
	case jbvObject:
		for _, k := range x.keys {
			if k == key {
				return true, nil
			}
		}
	case jbvArray:
		for _, e := range x.elems {
			if e.kind == jbvString && e.str == key {
				return true, nil
			}
		}
	case jbvString:
		return x.str == key, nil
	}
	return false, nil
}

var regexCache sync.Map // pattern -> *regexp.Regexp

// regexOp implements ~, !~, ~*, !~* with Go's RE2 engine: PostgreSQL's
// advanced regular expressions are close for ordinary patterns, but back
// references and lookaround are not supported (O5).
func regexOp(fold, negate bool) opFunc {
	return func(_ *Session, l, r Datum) (Datum, error) {
		pat := str(r)
		if fold {
			pat = "(?i)" + pat
		}
		var re *regexp.Regexp
		if v, ok := regexCache.Load(pat); ok {
			re = v.(*regexp.Regexp)
		} else {
			var err error
			re, err = regexp.Compile(pat)
			if err != nil {
				return nil, pgerr.New(pgerr.InvalidRegularExpression, "invalid regular expression: %s", err.Error())
			}
			regexCache.Store(pat, re)
		}
		return re.MatchString(str(l)) != negate, nil
	}
}

// jsonbConcat mirrors jsonb_concat (||): objects merge (right wins),
// otherwise both sides become arrays and are appended.
func jsonbConcat(a, b string) (Datum, error) {
	x, err := parseJSON(a, true)
	if err != nil {
		return nil, err
	}
	y, err := parseJSON(b, true)
	if err != nil {
		return nil, err
	}
	if x.kind == jbvObject && y.kind == jbvObject {
		o := &jv{kind: jbvObject, keys: append(append([]string{}, x.keys...), y.keys...),
			vals: append(append([]*jv{}, x.vals...), y.vals...)}
		uniqueifyObject(o)
		return string(appendJSONB(nil, o)), nil
	}
	elems := func(v *jv) []*jv {
		if v.kind == jbvArray {
			return v.elems
		}
		return []*jv{v}
	}
	arr := &jv{kind: jbvArray, elems: append(append([]*jv{}, elems(x)...), elems(y)...)}
	return string(appendJSONB(nil, arr)), nil
}

// jsonbDelete mirrors jsonb_delete (- text) and jsonb_delete_idx (- int).
func jsonbDelete(a string, key Datum) (Datum, error) {
	x, err := parseJSON(a, true)
	if err != nil {
		return nil, err
	}
	switch k := key.(type) {
	case string:
		switch x.kind {
		case jbvObject:
			o := &jv{kind: jbvObject}
			for i, kk := range x.keys {
				if kk != k {
					o.keys = append(o.keys, kk)
					o.vals = append(o.vals, x.vals[i])
				}
			}
			x = o
		case jbvArray:
			arr := &jv{kind: jbvArray}
			for _, e := range x.elems {
				if !(e.kind == jbvString && e.str == k) {
					arr.elems = append(arr.elems, e)
				}
			}
			x = arr
		default:
			return nil, pgerr.New(pgerr.InvalidParameterValue, "cannot delete from scalar")
		}
	case int64:
		switch x.kind {
		case jbvArray:
			n := int64(len(x.elems))
			if k < 0 {
				k += n
			}
			if k >= 0 && k < n {
				arr := &jv{kind: jbvArray}
				arr.elems = append(append(arr.elems, x.elems[:k]...), x.elems[k+1:]...)
				x = arr
			}
		case jbvObject:
			return nil, pgerr.New(pgerr.InvalidParameterValue, "cannot delete from object using integer index")
		default:
			return nil, pgerr.New(pgerr.InvalidParameterValue, "cannot delete from scalar")
		}
	}
	return string(appendJSONB(nil, x)), nil
}
