package funcs

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// Regular expressions. PostgreSQL's engine is Henry Spencer's ARE; Tusk
// compiles patterns with Go's RE2, which agrees on the common syntax
// (classes, bracket expressions, quantifiers, groups, alternation) but
// lacks back-references and lookaround (F9: such patterns fail with
// 2201B). As in PostgreSQL, '.' matches a newline unless a
// newline-sensitive flag is given.

func init() {
	proc(2284, "is", "regexp_replace(text, text, text) text", "textregexreplace_noopt", regexpReplace)
	proc(2285, "is", "regexp_replace(text, text, text, text) text", "textregexreplace", regexpReplace)
	proc(3396, "is", "regexp_match(text, text) text[]", "regexp_match_no_flags", regexpMatch)
	proc(3397, "is", "regexp_match(text, text, text) text[]", "regexp_match", regexpMatch)
	proc(2767, "is", "regexp_split_to_array(text, text) text[]", "regexp_split_to_array_no_flags", regexpSplit)
	proc(2768, "is", "regexp_split_to_array(text, text, text) text[]", "regexp_split_to_array", regexpSplit)
}

type reKey struct {
	pat   string
	flags string
}

var reCache sync.Map // reKey -> *regexp.Regexp

// compileRE mirrors RE_compile_and_cache with parse_re_flags' options:
// i (case-insensitive), c (sensitive), n/m (newline-sensitive), p, w, s,
// x (expanded), q (literal). g is accepted when global is allowed.
func compileRE(pat, flags string, allowGlobal bool, fn string) (re *regexp.Regexp, global bool, err error) {
	icase, dotNL, multiLine, literal, expanded := false, true, false, false, false
	for _, f := range flags {
		switch f {
		case 'g':
			if !allowGlobal {
				return nil, false, errParam("%s() does not support the \"global\" option", fn)
			}
			global = true
		case 'i':
			icase = true
		case 'c':
			icase = false
		case 'n', 'm':
			dotNL, multiLine = false, true
		case 'p':
			dotNL, multiLine = false, false
		case 'w':
			dotNL, multiLine = true, true
		case 's':
			dotNL, multiLine = true, false
		case 'x':
			expanded = true
		case 't':
			expanded = false
		case 'q':
			literal = true
		case 'b', 'e':
			// basic / extended: treated as ARE
		default:
			return nil, false, errParam("invalid regular expression option: \"%c\"", f)
		}
	}
	key := reKey{pat, flags}
	if v, ok := reCache.Load(key); ok {
		return v.(*regexp.Regexp), global, nil
	}
	p := pat
	if literal {
		p = regexp.QuoteMeta(p)
	} else if expanded {
		p = stripExpanded(p)
	}
	var prefix strings.Builder
	if icase || dotNL || multiLine {
		prefix.WriteString("(?")
		if icase {
			prefix.WriteByte('i')
		}
		if dotNL {
			prefix.WriteByte('s')
		}
		if multiLine {
			prefix.WriteByte('m')
		}
		prefix.WriteByte(')')
	}
	re, cerr := regexp.Compile(prefix.String() + p)
	if cerr != nil {
		return nil, false, pgerr.New(pgerr.InvalidRegularExpression, "invalid regular expression: %s", reMessage(cerr))
	}
	reCache.Store(key, re)
	return re, global, nil
}

// stripExpanded drops white space and #-comments outside brackets, as
// the x flag does.
func stripExpanded(p string) string {
	var b strings.Builder
	inBracket := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			b.WriteByte(c)
			b.WriteByte(p[i+1])
			i++
			continue
		case inBracket:
			if c == ']' {
				inBracket = false
			}
		case c == '[':
			inBracket = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		case c == '#':
			for i < len(p) && p[i] != '\n' {
				i++
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// matches returns the submatch index lists PostgreSQL's search loop
// finds: after a match the search resumes at its end (one past it for an
// empty match), so unlike Go an empty match right after a non-empty one
// counts.
func matches(re *regexp.Regexp, s string, global bool) [][]int {
	n := 1
	if global {
		n = -1
	}
	ms := re.FindAllStringSubmatchIndex(s, n)
	if !global || len(ms) == 0 || strings.HasPrefix(re.String(), "^") {
		return ms
	}
	var out [][]int
	for i, m := range ms {
		out = append(out, m)
		if m[1] > m[0] {
			next := len(s) + 1
			if i+1 < len(ms) {
				next = ms[i+1][0]
			}
			if next > m[1] {
				if e := re.FindStringSubmatchIndex(s[m[1]:]); e != nil && e[0] == 0 && e[1] == 0 {
					for k := range e {
						if e[k] >= 0 {
							e[k] += m[1]
						}
					}
					out = append(out, e)
				}
			}
		}
	}
	return out
}

// regexpReplace mirrors replace_text_regexp: \1..\9 insert a group, \&
// the whole match, \\ a backslash.
func regexpReplace(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s, pat, repl := str(a[0]), str(a[1]), str(a[2])
	flags := ""
	if len(a) > 3 {
		flags = str(a[3])
	}
	re, global, err := compileRE(pat, flags, true, "regexp_replace")
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	last := 0
	for _, m := range matches(re, s, global) {
		b.WriteString(s[last:m[0]])
		for i := 0; i < len(repl); i++ {
			c := repl[i]
			if c != '\\' || i+1 >= len(repl) {
				b.WriteByte(c)
				continue
			}
			nc := repl[i+1]
			switch {
			case nc >= '1' && nc <= '9':
				g := int(nc - '0')
				if 2*g+1 < len(m) && m[2*g] >= 0 {
					b.WriteString(s[m[2*g]:m[2*g+1]])
				}
				i++
			case nc == '&':
				b.WriteString(s[m[0]:m[1]])
				i++
			case nc == '\\':
				b.WriteByte('\\')
				i++
			default:
				b.WriteByte('\\')
			}
		}
		last = m[1]
		if b.Len() > maxAlloc {
			return nil, errTooLarge()
		}
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

// textRegexSubstr mirrors textregexsubstr: the first parenthesized
// group's match if there is a group, else the whole match; NULL when
// nothing matches.
func textRegexSubstr(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s := str(a[0])
	re, _, err := compileRE(str(a[1]), "", false, "substring")
	if err != nil {
		return nil, err
	}
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, nil
	}
	if len(m) > 2 {
		if m[2] < 0 {
			return nil, nil
		}
		return s[m[2]:m[3]], nil
	}
	return s[m[0]:m[1]], nil
}

func regexpMatch(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s := str(a[0])
	flags := ""
	if len(a) > 2 {
		flags = str(a[2])
	}
	re, _, err := compileRE(str(a[1]), flags, false, "regexp_match")
	if err != nil {
		return nil, err
	}
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, nil
	}
	if len(m) == 2 {
		return types.NewArray(types.Text, []types.Datum{s[m[0]:m[1]]}), nil
	}
	elems := make([]types.Datum, len(m)/2-1)
	for g := 1; g < len(m)/2; g++ {
		if m[2*g] >= 0 {
			elems[g-1] = s[m[2*g]:m[2*g+1]]
		}
	}
	return types.NewArray(types.Text, elems), nil
}

// regexpSplit mirrors regexp_split_to_array: empty matches at the start
// or end of the string, or right after a previous match, do not split.
func regexpSplit(_ *FuncContext, a []types.Datum) (types.Datum, error) {
	s := str(a[0])
	flags := ""
	if len(a) > 2 {
		flags = str(a[2])
	}
	re, _, err := compileRE(str(a[1]), flags, false, "regexp_split_to_array")
	if err != nil {
		return nil, err
	}
	var elems []types.Datum
	start, prevEnd := 0, 0
	for _, m := range matches(re, s, true) {
		// setup_regexp_matches with ignore_degenerate
		if !(m[0] < len(s) && m[1] > prevEnd) {
			continue
		}
		elems = append(elems, s[start:m[0]])
		start, prevEnd = m[1], m[1]
	}
	elems = append(elems, s[start:])
	return types.NewArray(types.Text, elems), nil
}

// reMessage translates a Go regexp error into the Spencer library's
// wording where there is one (regerror's messages).
func reMessage(err error) string {
	var se *syntax.Error
	if !errors.As(err, &se) {
		return err.Error()
	}
	switch se.Code {
	case syntax.ErrMissingParen, syntax.ErrUnexpectedParen:
		return "parentheses () not balanced"
	case syntax.ErrMissingBracket:
		return "brackets [] not balanced"
	case syntax.ErrMissingRepeatArgument, syntax.ErrInvalidRepeatOp:
		return "quantifier operand invalid"
	case syntax.ErrInvalidRepeatSize:
		return "invalid repetition count(s)"
	case syntax.ErrInvalidEscape, syntax.ErrTrailingBackslash:
		return "invalid escape \\ sequence"
	case syntax.ErrInvalidCharRange:
		return "invalid character range"
	case syntax.ErrInvalidCharClass:
		return "invalid character class"
	}
	return string(se.Code)
}

func init() {
	proc(1986, "is", "similar_to_escape(text, text) text", "similar_to_escape_2", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return similarToEscape(str(a[0]), str(a[1]), true)
	})
	proc(1987, "is", "similar_to_escape(text) text", "similar_to_escape_1", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return similarToEscape(str(a[0]), `\`, true)
	})
	// substring(x SIMILAR pat ESCAPE esc), a SQL function in PostgreSQL:
	// substring($1, similar_to_escape($2, $3))
	proc(2074, "is", "substring(text, text, text) text", "", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		re, err := similarToEscape(str(a[1]), str(a[2]), true)
		if err != nil {
			return nil, err
		}
		return textRegexSubstr(ctx, []types.Datum{a[0], re})
	})
}

// similarToEscape mirrors similar_escape_internal: a SQL regular
// expression becomes an anchored POSIX one; % is .*, _ is ., parentheses
// do not capture, and the escape-double-quote separators mark the part
// substring() returns.
func similarToEscape(pat, esc string, hasEsc bool) (string, error) {
	var e rune = -1
	if hasEsc && esc != "" {
		if len([]rune(esc)) != 1 {
			return "", pgerr.New(pgerr.InvalidEscapeSequence, "invalid escape string").
				WithHint("Escape string must be empty or one character.")
		}
		e = []rune(esc)[0]
	}
	var b strings.Builder
	b.WriteString("^(?:")
	afterEscape, inClass, quotes := false, false, 0
	classStart := 0 // characters since '[' (to keep a leading ']' or '^')
	for _, c := range pat {
		switch {
		case afterEscape:
			if c == '"' && !inClass {
				switch quotes {
				case 0:
					b.WriteString("){1,1}?(")
				case 1:
					b.WriteString("){1,1}(?:")
				default:
					return "", pgerr.New(pgerr.InvalidUseOfEscapeCharacter, "SQL regular expression may not contain more than two escape-double-quote separators")
				}
				quotes++
			} else {
				b.WriteByte('\\')
				b.WriteRune(c)
			}
			afterEscape = false
		case c == e:
			afterEscape = true
		case inClass:
			if c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(c)
			classStart++
			if c == ']' && classStart > 1 {
				inClass = false
			} else if c == '^' && classStart == 1 {
				classStart = 0
			}
		case c == '[':
			b.WriteRune(c)
			inClass, classStart = true, 0
		case c == '%':
			b.WriteString(".*")
		case c == '_':
			b.WriteByte('.')
		case c == '(':
			b.WriteString("(?:")
		case c == '\\' || c == '.' || c == '^' || c == '$':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteString(")$")
	return b.String(), nil
}
