package funcs

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// String functions (varlena.c, oracle_compat.c). Text is UTF-8 and
// positions count characters; bytea positions count bytes. Case mapping
// is Unicode's simple mapping, as libc's towlower/towupper in the
// C.UTF-8 locale (F8).

// maxAlloc is MaxAllocSize: results larger than this fail with 54000.
const maxAlloc = 1<<30 - 1

func init() {
	proc(1317, "is", "length(text) int4", "textlen", textLen)
	proc(1318, "is", "length(bpchar) int4", "bpcharlen", bpcharLen)
	proc(2010, "is", "length(bytea) int4", "byteaoctetlen", byteaLen)
	proc(1381, "is", "char_length(text) int4", "textlen", textLen)
	proc(1372, "is", "char_length(bpchar) int4", "bpcharlen", bpcharLen)
	proc(1369, "is", "character_length(text) int4", "textlen", textLen)
	proc(1367, "is", "character_length(bpchar) int4", "bpcharlen", bpcharLen)
	proc(1374, "is", "octet_length(text) int4", "textoctetlen", textOctetLen)
	proc(1375, "is", "octet_length(bpchar) int4", "bpcharoctetlen", textOctetLen)
	proc(720, "is", "octet_length(bytea) int4", "byteaoctetlen", byteaLen)
	proc(1811, "is", "bit_length(text) int4", "", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return int64(len(str(a[0]))) * 8, nil
	})
	proc(1810, "is", "bit_length(bytea) int4", "", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return int64(len(byt(a[0]))) * 8, nil
	})

	proc(936, "is", "substring(text, int4, int4) text", "text_substr", textSubstr)
	proc(937, "is", "substring(text, int4) text", "text_substr_no_len", textSubstr)
	proc(877, "is", "substr(text, int4, int4) text", "text_substr", textSubstr)
	proc(883, "is", "substr(text, int4) text", "text_substr_no_len", textSubstr)
	proc(2012, "is", "substring(bytea, int4, int4) bytea", "bytea_substr", byteaSubstr)
	proc(2013, "is", "substring(bytea, int4) bytea", "bytea_substr_no_len", byteaSubstr)
	proc(2085, "is", "substr(bytea, int4, int4) bytea", "bytea_substr", byteaSubstr)
	proc(2086, "is", "substr(bytea, int4) bytea", "bytea_substr_no_len", byteaSubstr)
	proc(2073, "is", "substring(text, text) text", "textregexsubstr", textRegexSubstr)

	proc(849, "is", "position(text, text) int4", "textpos", textPos)
	proc(868, "is", "strpos(text, text) int4", "textpos", textPos)
	proc(2014, "is", "position(bytea, bytea) int4", "byteapos", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return int64(bytes.Index(byt(a[0]), byt(a[1])) + 1), nil
	})

	proc(870, "is", "lower(text) text", "lower", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return mapRunes(str(a[0]), unicode.ToLower), nil
	})
	proc(871, "is", "upper(text) text", "upper", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return mapRunes(str(a[0]), unicode.ToUpper), nil
	})
	proc(872, "is", "initcap(text) text", "initcap", initcap)

	proc(884, "is", "btrim(text, text) text", "btrim", trimFunc(true, true))
	proc(885, "is", "btrim(text) text", "btrim1", trimFunc(true, true))
	proc(875, "is", "ltrim(text, text) text", "ltrim", trimFunc(true, false))
	proc(881, "is", "ltrim(text) text", "ltrim1", trimFunc(true, false))
	proc(876, "is", "rtrim(text, text) text", "rtrim", trimFunc(false, true))
	proc(882, "is", "rtrim(text) text", "rtrim1", trimFunc(false, true))
	proc(2015, "is", "btrim(bytea, bytea) bytea", "byteatrim", byteaTrim(true, true))
	proc(6195, "is", "ltrim(bytea, bytea) bytea", "bytealtrim", byteaTrim(true, false))
	proc(6196, "is", "rtrim(bytea, bytea) bytea", "byteartrim", byteaTrim(false, true))

	proc(2087, "is", "replace(text, text, text) text", "replace_text", replaceText)
	proc(2088, "is", "split_part(text, text, int4) text", "split_part", splitPart)
	proc(3058, "s", "concat(VARIADIC any) text", "text_concat", concat)
	proc(3059, "s", "concat_ws(text, VARIADIC any) text", "text_concat_ws", concatWS)
	proc(3060, "is", "left(text, int4) text", "text_left", textLeft)
	proc(3061, "is", "right(text, int4) text", "text_right", textRight)
	proc(873, "is", "lpad(text, int4, text) text", "lpad", padFunc(true))
	proc(879, "is", "lpad(text, int4) text", "", padFunc(true))
	proc(874, "is", "rpad(text, int4, text) text", "rpad", padFunc(false))
	proc(880, "is", "rpad(text, int4) text", "", padFunc(false))
	proc(1622, "is", "repeat(text, int4) text", "repeat", repeatText)
	proc(3062, "is", "reverse(text) text", "text_reverse", reverseText)
	proc(2311, "is", "md5(text) text", "md5_text", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		s := md5.Sum([]byte(str(a[0])))
		return hex.EncodeToString(s[:]), nil
	})
	proc(2321, "is", "md5(bytea) text", "md5_bytea", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		s := md5.Sum(byt(a[0]))
		return hex.EncodeToString(s[:]), nil
	})
	proc(3696, "is", "starts_with(text, text) bool", "text_starts_with", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return strings.HasPrefix(str(a[0]), str(a[1])), nil
	})
	proc(1620, "is", "ascii(text) int4", "ascii", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		r, n := utf8.DecodeRuneInString(str(a[0]))
		if n == 0 {
			return int64(0), nil
		}
		return int64(r), nil
	})
	proc(1621, "is", "chr(int4) text", "chr", chr)
	proc(878, "is", "translate(text, text, text) text", "translate", translate)
	proc(2089, "is", "to_hex(int4) text", "to_hex32", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return strconv.FormatUint(uint64(uint32(i64(a[0]))), 16), nil
	})
	proc(2090, "is", "to_hex(int8) text", "to_hex64", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return strconv.FormatUint(uint64(i64(a[0])), 16), nil
	})
	proc(1282, "is", "quote_ident(text) text", "quote_ident", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return quoteIdent(str(a[0])), nil
	})
	proc(1283, "is", "quote_literal(text) text", "quote_literal", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return quoteLiteral(str(a[0])), nil
	})
	proc(1289, "i", "quote_nullable(text) text", "quote_nullable", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		if a[0] == nil {
			return "NULL", nil
		}
		return quoteLiteral(str(a[0])), nil
	})
	proc(438, "i", "num_nulls(VARIADIC any) int4", "pg_num_nulls", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		n := 0
		for _, d := range a {
			if d == nil {
				n++
			}
		}
		return int64(n), nil
	})
	proc(440, "i", "num_nonnulls(VARIADIC any) int4", "pg_num_nonnulls", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		n := 0
		for _, d := range a {
			if d != nil {
				n++
			}
		}
		return int64(n), nil
	})
	proc(376, "i", "string_to_array(text, text, text) text[]", "text_to_array_null", stringToArray)
	proc(394, "i", "string_to_array(text, text) text[]", "text_to_array", stringToArray)
	proc(384, "s", "array_to_string(anyarray, text, text) text", "array_to_text_null", arrayToString)
	proc(395, "ss", "array_to_string(anyarray, text) text", "array_to_text", arrayToString)
}

func textLen(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	return int64(utf8.RuneCountInString(str(a[0]))), nil
}

func bpcharLen(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	return int64(utf8.RuneCountInString(strings.TrimRight(str(a[0]), " "))), nil
}

func textOctetLen(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	return int64(len(str(a[0]))), nil
}

func byteaLen(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	return int64(len(byt(a[0]))), nil
}

// substrBounds mirrors text_substring's arithmetic: 1-based start s and
// length l (l < 0 means "to the end" when !hasLen) give the 0-based
// half-open range [from, to) clipped to n items.
func substrBounds(s, l int64, hasLen bool, n int) (from, to int, err error) {
	if hasLen && l < 0 {
		return 0, 0, pgerr.New(pgerr.SubstringError, "negative substring length not allowed")
	}
	start := max(s, 1)
	end := int64(n) + 1
	if hasLen {
		if e := s + l; e < end { // int4 arguments cannot overflow int64
			end = e
		}
	}
	if end <= start || start > int64(n) {
		return 0, 0, nil
	}
	return int(start - 1), int(end - 1), nil
}

func textSubstr(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s := str(a[0])
	var l int64
	if len(a) > 2 {
		l = i64(a[2])
	}
	runes := utf8.RuneCountInString(s)
	from, to, err := substrBounds(i64(a[1]), l, len(a) > 2, runes)
	if err != nil {
		return nil, err
	}
	return runeSlice(s, from, to), nil
}

// runeSlice returns characters [from, to) of s.
func runeSlice(s string, from, to int) string {
	if from >= to {
		return ""
	}
	i, bfrom, bto := 0, len(s), len(s)
	for off := range s {
		if i == from {
			bfrom = off
		}
		if i == to {
			bto = off
			break
		}
		i++
	}
	return s[bfrom:bto]
}

func byteaSubstr(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	b := byt(a[0])
	var l int64
	if len(a) > 2 {
		l = i64(a[2])
	}
	from, to, err := substrBounds(i64(a[1]), l, len(a) > 2, len(b))
	if err != nil {
		return nil, err
	}
	return append([]byte{}, b[from:to]...), nil
}

// textPos mirrors textpos: the 1-based character position of the first
// occurrence, 1 for an empty needle, 0 when absent.
func textPos(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s, sub := str(a[0]), str(a[1])
	i := strings.Index(s, sub)
	if i < 0 {
		return int64(0), nil
	}
	return int64(utf8.RuneCountInString(s[:i]) + 1), nil
}

func mapRunes(s string, f func(rune) rune) string {
	return strings.Map(f, s)
}

// initcap mirrors str_initcap: a letter after a non-alphanumeric
// character is upper-cased, every other letter lower-cased.
func initcap(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	var b strings.Builder
	wasAlnum := false
	for _, r := range str(a[0]) {
		if wasAlnum {
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(unicode.ToUpper(r))
		}
		wasAlnum = unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return b.String(), nil
}

// trimFunc mirrors btrim/ltrim/rtrim: remove characters in the set (a
// blank when no set is given) from the chosen ends.
func trimFunc(left, right bool) Impl {
	return func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		s, set := str(a[0]), " "
		if len(a) > 1 {
			set = str(a[1])
		}
		if left {
			s = strings.TrimLeft(s, set)
		}
		if right {
			s = strings.TrimRight(s, set)
		}
		return s, nil
	}
}

func byteaTrim(left, right bool) Impl {
	return func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		b, set := byt(a[0]), byt(a[1])
		in := func(c byte) bool { return bytes.IndexByte(set, c) >= 0 }
		i, j := 0, len(b)
		if left {
			for i < j && in(b[i]) {
				i++
			}
		}
		if right {
			for j > i && in(b[j-1]) {
				j--
			}
		}
		return append([]byte{}, b[i:j]...), nil
	}
}

func replaceText(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s, from, to := str(a[0]), str(a[1]), str(a[2])
	if from == "" || s == "" {
		return s, nil
	}
	if n := strings.Count(s, from); n > 0 && int64(len(s))+int64(n)*(int64(len(to))-int64(len(from))) > maxAlloc {
		return nil, errTooLarge()
	}
	return strings.ReplaceAll(s, from, to), nil
}

// splitPart mirrors split_part, with negative positions counting from
// the end (PostgreSQL 14+).
func splitPart(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s, delim, n := str(a[0]), str(a[1]), i64(a[2])
	if n == 0 {
		return nil, errParam("field position must not be zero")
	}
	if s == "" {
		return "", nil
	}
	if delim == "" {
		if n == 1 || n == -1 {
			return s, nil
		}
		return "", nil
	}
	parts := strings.Split(s, delim)
	if n > 0 {
		if n > int64(len(parts)) {
			return "", nil
		}
		return parts[n-1], nil
	}
	if -n > int64(len(parts)) {
		return "", nil
	}
	return parts[int64(len(parts))+n], nil
}

// outText renders argument i with its type's output function, as
// concat() does.
func outText(ctx *FuncContext, i int, d types.Datum) string {
	if s, ok := d.(string); ok {
		t := ctx.argType(i, types.Text)
		if t.OID != types.Char.OID {
			return s
		}
	}
	return ctx.sess().Format(ctx.argType(i, guessType(d)), d)
}

// guessType picks a type for a datum whose type the caller did not give
// (only used when ctx.ArgTypes is missing).
func guessType(d types.Datum) *types.T {
	switch v := d.(type) {
	case bool:
		return types.Bool
	case int64:
		return types.Int8
	case float64:
		return types.Float8
	case []byte:
		return types.Bytea
	case types.DateVal:
		return types.Date
	case types.TimeVal:
		return types.Time
	case types.TimestampVal:
		return types.Timestamptz
	case types.IntervalVal:
		return types.Interval
	case types.UUIDVal:
		return types.UUID
	case *types.Array:
		if v.Elem != nil && v.Elem.Array() != nil {
			return v.Elem.Array()
		}
		return types.TextArray
	case *apd.Decimal:
		return types.Numeric
	}
	return types.Text
}

func concat(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
	var b strings.Builder
	for i, d := range a {
		if d != nil {
			b.WriteString(outText(ctx, i, d))
		}
	}
	return b.String(), nil
}

func concatWS(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
	if a[0] == nil {
		return nil, nil
	}
	sep := str(a[0])
	var b strings.Builder
	first := true
	for i := 1; i < len(a); i++ {
		if a[i] == nil {
			continue
		}
		if !first {
			b.WriteString(sep)
		}
		first = false
		b.WriteString(outText(ctx, i, a[i]))
	}
	return b.String(), nil
}

func textLeft(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s, n := str(a[0]), i64(a[1])
	cnt := int64(utf8.RuneCountInString(s))
	if n < 0 {
		n = max(cnt+n, 0)
	}
	return runeSlice(s, 0, int(min(n, cnt))), nil
}

func textRight(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s, n := str(a[0]), i64(a[1])
	cnt := int64(utf8.RuneCountInString(s))
	var from int64
	if n < 0 {
		from = min(-n, cnt)
	} else {
		from = max(cnt-n, 0)
	}
	return runeSlice(s, int(from), int(cnt)), nil
}

// padFunc mirrors lpad/rpad: the result has exactly n characters, the
// string cut to n or filled with repetitions of fill (a blank by
// default); an empty fill leaves a short string as it is.
func padFunc(left bool) Impl {
	return func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		s, n, fill := str(a[0]), i64(a[1]), " "
		if len(a) > 2 {
			fill = str(a[2])
		}
		if n <= 0 {
			return "", nil
		}
		cnt := int64(utf8.RuneCountInString(s))
		if cnt >= n {
			return runeSlice(s, 0, int(n)), nil
		}
		if fill == "" {
			return s, nil
		}
		if n*int64(utf8.UTFMax) > maxAlloc {
			return nil, errTooLarge()
		}
		fr := []rune(fill)
		var b strings.Builder
		if !left {
			b.WriteString(s)
		}
		for i := int64(0); i < n-cnt; i++ {
			b.WriteRune(fr[i%int64(len(fr))])
		}
		if left {
			b.WriteString(s)
		}
		return b.String(), nil
	}
}

func repeatText(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s, n := str(a[0]), i64(a[1])
	if n <= 0 || s == "" {
		return "", nil
	}
	if n*int64(len(s)) > maxAlloc {
		return nil, errTooLarge()
	}
	return strings.Repeat(s, int(n)), nil
}

func reverseText(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	r := []rune(str(a[0]))
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r), nil
}

// chr mirrors chr() for a UTF-8 database.
func chr(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	c := i64(a[0])
	switch {
	case c < 0:
		return nil, errParam("character number must be positive")
	case c == 0:
		return nil, codeErr(pgerr.ProgramLimitExceeded, "null character not permitted")
	case c > 0x10FFFF:
		return nil, codeErr(pgerr.ProgramLimitExceeded, "requested character too large for encoding: %d", c)
	case c >= 0xD800 && c <= 0xDFFF:
		return nil, codeErr(pgerr.ProgramLimitExceeded, "requested character not valid for encoding: %d", c)
	}
	return string(rune(c)), nil
}

// translate mirrors translate(): each character of s found in from is
// replaced by the character at the same position in to, or removed when
// to is shorter.
func translate(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s, from, to := str(a[0]), []rune(str(a[1])), []rune(str(a[2]))
	var b strings.Builder
	for _, r := range s {
		i := -1
		for k, f := range from {
			if f == r {
				i = k
				break
			}
		}
		switch {
		case i < 0:
			b.WriteRune(r)
		case i < len(to):
			b.WriteRune(to[i])
		}
	}
	return b.String(), nil
}

// quoteIdent mirrors quote_identifier: quotes unless the name is a plain
// lower-case identifier (keywords are quoted only for the reserved words
// listed here).
func quoteIdent(s string) string {
	safe := s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] == '_')
	for i := 0; safe && i < len(s); i++ {
		c := s[i]
		safe = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
	}
	if safe && !reservedWords[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// reservedWords are the keywords quote_ident quotes (PostgreSQL quotes
// every keyword that is not UNRESERVED_KEYWORD).
var reservedWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric authorization between bigint binary
		bit boolean both case cast char character check coalesce collate collation column concurrently constraint create
		cross current_catalog current_date current_role current_schema current_time current_timestamp current_user dec
		decimal default deferrable desc distinct do else end except exists extract false fetch float for foreign freeze
		from full grant greatest group grouping having ilike in initially inner inout int integer intersect interval into
		is isnull join lateral leading least left like limit localtime localtimestamp national natural nchar none
		normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay placing position
		precision primary real references returning right row select session_user setof similar smallint some substring
		symmetric table tablesample then time timestamp to trailing treat trim true union unique user using values
		varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest
		xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`) {
		reservedWords[w] = true
	}
}

// quoteLiteral mirrors quote_literal: doubled quotes, and an E” string
// with doubled backslashes when there is a backslash.
func quoteLiteral(s string) string {
	var b strings.Builder
	if strings.ContainsRune(s, '\\') {
		b.WriteByte('E')
	}
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' || c == '\\' {
			b.WriteByte(c)
		}
		b.WriteByte(c)
	}
	b.WriteByte('\'')
	return b.String()
}

// stringToArray mirrors text_to_array(_null): not strict; a NULL string
// gives NULL, a NULL delimiter splits into characters, an empty one
// keeps the string whole; elements equal to null_string become NULL.
func stringToArray(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	if a[0] == nil {
		return nil, nil
	}
	s := str(a[0])
	var nullStr *string
	if len(a) > 2 && a[2] != nil {
		v := str(a[2])
		nullStr = &v
	}
	var parts []string
	switch {
	case s == "":
	case a[1] == nil:
		for _, r := range s {
			parts = append(parts, string(r))
		}
	case str(a[1]) == "":
		parts = []string{s}
	default:
		parts = strings.Split(s, str(a[1]))
	}
	elems := make([]types.Datum, len(parts))
	for i, p := range parts {
		if nullStr != nil && p == *nullStr {
			continue
		}
		elems[i] = p
	}
	return types.NewArray(types.Text, elems), nil
}

// arrayToString mirrors array_to_text(_null): NULL elements are skipped
// unless a null string is given.
func arrayToString(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
	if a[0] == nil || a[1] == nil {
		return nil, nil
	}
	arr, sep := arr(a[0]), str(a[1])
	var nullStr *string
	if len(a) > 2 && a[2] != nil {
		v := str(a[2])
		nullStr = &v
	}
	elem := arr.Elem
	if at := ctx.argType(0, nil); at != nil && at.Elem != nil {
		elem = at.Elem
	}
	if elem == nil {
		elem = types.Text
	}
	var b strings.Builder
	first := true
	for _, e := range arr.Elems {
		var s string
		if e == nil {
			if nullStr == nil {
				continue
			}
			s = *nullStr
		} else {
			s = ctx.sess().Format(elem, e)
		}
		if !first {
			b.WriteString(sep)
		}
		first = false
		b.WriteString(s)
		if b.Len() > maxAlloc {
			return nil, errTooLarge()
		}
	}
	return b.String(), nil
}
