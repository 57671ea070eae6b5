package session

import (
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
)

// headerChoice is COPY's HEADER option (CopyHeaderChoice).
type headerChoice uint8

const (
	headerFalse headerChoice = iota
	headerTrue
	headerMatch // COPY FROM only: the header line must name the columns
)

// copyOptions are the options of a COPY statement after
// ProcessCopyOptions: defaults filled in and combinations checked.
type copyOptions struct {
	csv    bool
	binary bool
	freeze bool
	delim  byte
	null   string // NULL string (null_print)
	header headerChoice
	quote  byte // CSV only
	escape byte // CSV only

	forceQuoteAll bool
	forceQuote    []string // column names (COPY TO, CSV)
	forceNotNull  []string // COPY FROM, CSV
	forceNull     []string // COPY FROM, CSV
	forceQuoteSet bool
	forceNNSet    bool
	forceNullSet  bool

	encoding *copyEncoding // nil: client_encoding
}

// parseCopyOptions mirrors ProcessCopyOptions: it reads the DefElems the
// parser made of both the generic (WITH (...)) and the legacy option
// syntax, fills in the defaults, and rejects what PostgreSQL rejects with
// its SQLSTATEs and messages.
func parseCopyOptions(defs []*ast.DefElem, isFrom bool) (*copyOptions, error) {
	o := &copyOptions{}
	var formatSet, freezeSet, headerSet, delimSet, nullSet, quoteSet, escapeSet, encSet bool
	var delim, quote, escape string
	conflict := func(d *ast.DefElem) error {
		return pgerr.New(pgerr.SyntaxError, "conflicting or redundant options").WithPosition(d.Pos + 1)
	}
	for _, d := range defs {
		switch d.Name {
		case "format":
			if formatSet {
				return nil, conflict(d)
			}
			formatSet = true
			f, err := defString(d)
			if err != nil {
				return nil, err
			}
			switch f {
			case "text":
			case "csv":
				o.csv = true
			case "binary":
				o.binary = true
			default:
				return nil, pgerr.New(pgerr.InvalidParameterValue, "COPY format \"%s\" not recognized", f).WithPosition(d.Pos + 1)
			}
		case "freeze":
			if freezeSet {
				return nil, conflict(d)
			}
			freezeSet = true
			b, err := defBool(d)
			if err != nil {
				return nil, err
			}
			o.freeze = b
		case "delimiter":
			if delimSet {
				return nil, conflict(d)
			}
			delimSet = true
			s, err := defString(d)
			if err != nil {
				return nil, err
			}
			delim = s
		case "null":
			if nullSet {
				return nil, conflict(d)
			}
			nullSet = true
			s, err := defString(d)
			if err != nil {
				return nil, err
			}
			o.null = s
		case "header":
			if headerSet {
				return nil, conflict(d)
			}
			headerSet = true
			h, err := defHeader(d, isFrom)
			if err != nil {
				return nil, err
			}
			o.header = h
		case "quote":
			if quoteSet {
				return nil, conflict(d)
			}
			quoteSet = true
			s, err := defString(d)
			if err != nil {
				return nil, err
			}
			quote = s
		case "escape":
			if escapeSet {
				return nil, conflict(d)
			}
			escapeSet = true
			s, err := defString(d)
			if err != nil {
				return nil, err
			}
			escape = s
		case "force_quote":
			if o.forceQuoteSet {
				return nil, conflict(d)
			}
			o.forceQuoteSet = true
			if c, ok := d.Arg.(*ast.ColumnRef); ok && c.Star {
				o.forceQuoteAll = true
				break
			}
			names, err := defColumnList(d)
			if err != nil {
				return nil, err
			}
			o.forceQuote = names
		case "force_not_null":
			if o.forceNNSet {
				return nil, conflict(d)
			}
			o.forceNNSet = true
			names, err := defColumnList(d)
			if err != nil {
				return nil, err
			}
			o.forceNotNull = names
		case "force_null":
			if o.forceNullSet {
				return nil, conflict(d)
			}
			o.forceNullSet = true
			names, err := defColumnList(d)
			if err != nil {
				return nil, err
			}
			o.forceNull = names
		case "encoding":
			if encSet {
				return nil, conflict(d)
			}
			encSet = true
			s, err := defString(d)
			if err != nil {
				return nil, err
			}
			enc := lookupEncoding(s)
			if enc == nil {
				return nil, pgerr.New(pgerr.InvalidParameterValue, "argument to option \"%s\" must be a valid encoding name", d.Name).WithPosition(d.Pos + 1)
			}
			o.encoding = enc
		default:
			return nil, pgerr.New(pgerr.SyntaxError, "option \"%s\" not recognized", d.Name).WithPosition(d.Pos + 1)
		}
	}

	// Incompatible options (before the defaults go in).
	if o.binary && delimSet {
		return nil, pgerr.New(pgerr.SyntaxError, "cannot specify DELIMITER in BINARY mode")
	}
	if o.binary && nullSet {
		return nil, pgerr.New(pgerr.SyntaxError, "cannot specify NULL in BINARY mode")
	}
	// Defaults.
	if !delimSet {
		delim = "\t"
		if o.csv {
			delim = ","
		}
	}
	if !nullSet {
		o.null = `\N`
		if o.csv {
			o.null = ""
		}
	}
	if o.csv {
		if !quoteSet {
			quote = `"`
		}
		if !escapeSet {
			escape = quote
		}
	}
	if len(delim) != 1 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY delimiter must be a single one-byte character")
	}
	o.delim = delim[0]
	if o.delim == '\r' || o.delim == '\n' {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "COPY delimiter cannot be newline or carriage return")
	}
	if strings.ContainsAny(o.null, "\r\n") {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "COPY null representation cannot use newline or carriage return")
	}
	// In text mode a backslash, a period, lower case letters and digits
	// would be ambiguous with the escapes.
	if !o.csv && strings.IndexByte(`\.abcdefghijklmnopqrstuvwxyz0123456789`, o.delim) >= 0 {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "COPY delimiter cannot be \"%s\"", delim)
	}
	if o.binary && o.header != headerFalse {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot specify HEADER in BINARY mode")
	}
	if !o.csv && quoteSet {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY quote available only in CSV mode")
	}
	if o.csv && len(quote) != 1 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY quote must be a single one-byte character")
	}
	if o.csv {
		o.quote = quote[0]
		if o.delim == o.quote {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "COPY delimiter and quote must be different")
		}
	}
	if !o.csv && escapeSet {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY escape available only in CSV mode")
	}
	if o.csv && len(escape) != 1 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY escape must be a single one-byte character")
	}
	if o.csv {
		o.escape = escape[0]
	}
	if !o.csv && o.forceQuoteSet {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY force quote available only in CSV mode")
	}
	if o.forceQuoteSet && isFrom {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY force quote only available using COPY TO")
	}
	if !o.csv && o.forceNNSet {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY force not null available only in CSV mode")
	}
	if o.forceNNSet && !isFrom {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY force not null only available using COPY FROM")
	}
	if !o.csv && o.forceNullSet {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY force null available only in CSV mode")
	}
	if o.forceNullSet && !isFrom {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY force null only available using COPY FROM")
	}
	if strings.IndexByte(o.null, o.delim) >= 0 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY delimiter must not appear in the NULL specification")
	}
	if o.csv && strings.IndexByte(o.null, o.quote) >= 0 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "CSV quote character must not appear in the NULL specification")
	}
	return o, nil
}

// defString mirrors defGetString.
func defString(d *ast.DefElem) (string, error) {
	switch a := d.Arg.(type) {
	case nil:
		return "", pgerr.New(pgerr.SyntaxError, "%s requires a parameter", d.Name)
	case *ast.Literal:
		return a.Val, nil
	case *ast.ColumnRef:
		if a.Star {
			return "*", nil
		}
		return strings.Join(a.Names, "."), nil
	case *ast.RowExpr:
		var parts []string
		for _, e := range a.Args {
			if l, ok := e.(*ast.Literal); ok {
				parts = append(parts, l.Val)
			}
		}
		return strings.Join(parts, "."), nil
	}
	return "", pgerr.New(pgerr.SyntaxError, "%s requires a parameter", d.Name)
}

// defBool mirrors defGetBoolean.
func defBool(d *ast.DefElem) (bool, error) {
	if d.Arg == nil {
		return true, nil
	}
	if l, ok := d.Arg.(*ast.Literal); ok && l.Kind == ast.LitInteger {
		switch n, _ := strconv.Atoi(l.Val); n {
		case 0:
			return false, nil
		case 1:
			return true, nil
		}
		return false, pgerr.New(pgerr.SyntaxError, "%s requires a Boolean value", d.Name)
	}
	s, err := defString(d)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(s) {
	case "true", "on":
		return true, nil
	case "false", "off":
		return false, nil
	}
	return false, pgerr.New(pgerr.SyntaxError, "%s requires a Boolean value", d.Name)
}

// defHeader mirrors defGetCopyHeaderChoice.
func defHeader(d *ast.DefElem, isFrom bool) (headerChoice, error) {
	if d.Arg == nil {
		return headerTrue, nil
	}
	if l, ok := d.Arg.(*ast.Literal); ok && l.Kind == ast.LitInteger {
		switch n, _ := strconv.Atoi(l.Val); n {
		case 0:
			return headerFalse, nil
		case 1:
			return headerTrue, nil
		}
	} else {
		s, err := defString(d)
		if err != nil {
			return 0, err
		}
		switch strings.ToLower(s) {
		case "true", "on":
			return headerTrue, nil
		case "false", "off":
			return headerFalse, nil
		case "match":
			if !isFrom {
				return 0, pgerr.New(pgerr.FeatureNotSupported, "cannot use \"%s\" with HEADER in COPY TO", s)
			}
			return headerMatch, nil
		}
	}
	return 0, pgerr.New(pgerr.SyntaxError, "%s requires a Boolean value or \"match\"", d.Name)
}

// defColumnList reads the column list of FORCE_QUOTE, FORCE_NOT_NULL and
// FORCE_NULL.
func defColumnList(d *ast.DefElem) ([]string, error) {
	r, ok := d.Arg.(*ast.RowExpr)
	if !ok {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "argument to option \"%s\" must be a list of column names", d.Name).WithPosition(d.Pos + 1)
	}
	var names []string
	for _, e := range r.Args {
		l, ok := e.(*ast.Literal)
		if !ok {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "argument to option \"%s\" must be a list of column names", d.Name).WithPosition(d.Pos + 1)
		}
		names = append(names, l.Val)
	}
	return names, nil
}
