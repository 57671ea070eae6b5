package session

import (
	"io"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// COPY's text and CSV formats (copyfromparse.c and copyto.c). The rules
// the code below keeps, cited as CPn:
//
//   - CP1 Lines end at \n, \r or \r\n; the first line fixes which, and a
//     different line end later is an error (22P04, "literal carriage
//     return found in data" ...). In CSV a line end inside quotes is data.
//   - CP2 `\.` followed by the line end ends the data. In text format it
//     does so anywhere on a line (text before it is the last line), and a
//     `\.` followed by anything else is "end-of-copy marker corrupt"; in
//     CSV only `\.` alone at the start of a line counts, otherwise it is
//     data.
//   - CP3 The NULL string is matched against a field's raw text, before
//     de-escaping (text) or unquoting (CSV: a quoted field is never NULL).
//   - CP4 Text format de-escapes \b \f \n \r \t \v, octal \ooo, hex \xhh,
//     and takes any other escaped byte literally; bytes made by octal and
//     hex escapes must form valid UTF8 (no NUL).
//   - CP5 Output escapes the backslash, the delimiter and the control
//     characters \b \f \n \r \t \v in text format; in CSV a value is quoted
//     when it contains the delimiter, the quote, \r or \n, equals the NULL
//     string, is `\.` as the only column, or its column is FORCE_QUOTE.
//     Quotes and escapes inside are preceded by the escape character.
//   - CP6 Input is verified (UTF8, no NUL) or converted (LATIN1) line by
//     line before it is split into fields.

// eolType is the line end a COPY input uses (CP1).
type eolType uint8

const (
	eolUnknown eolType = iota
	eolNL
	eolCR
	eolCRNL
)

const copyBufSize = 64 << 10

// copyReader splits COPY FROM input into lines (mirrors CopyReadLine and
// CopyReadLineText).
type copyReader struct {
	r      io.Reader
	buf    []byte
	pos, n int // unread input is buf[pos:n]
	start  int // buf[start:pos] belongs to the current line but is not in line yet
	eof    bool
	rerr   error

	csv    bool
	quote  byte
	escape byte
	hasEsc bool // CSV escape differs from the quote

	eol    eolType
	line   []byte // the current line, without its end
	term   string // the current line's end as read ("" at the end of data)
	lineno int64  // the current line's number (cur_lineno)
	done   bool   // the end of the data was reached
}

func newCopyReader(r io.Reader, o *copyOptions) *copyReader {
	return &copyReader{r: r, buf: make([]byte, copyBufSize), csv: o.csv, quote: o.quote, escape: o.escape,
		hasEsc: o.csv && o.quote != o.escape}
}

// flush moves the scanned part of the line out of the buffer.
func (cr *copyReader) flush() {
	cr.line = append(cr.line, cr.buf[cr.start:cr.pos]...)
	cr.start = cr.pos
}

// fill reads more input after flushing, keeping the unread bytes. It
// returns false at the end of the input.
func (cr *copyReader) fill() bool {
	cr.flush()
	if cr.eof {
		return false
	}
	copy(cr.buf, cr.buf[cr.pos:cr.n])
	cr.n -= cr.pos
	cr.pos, cr.start = 0, 0
	for {
		m, err := cr.r.Read(cr.buf[cr.n:])
		cr.n += m
		if err != nil {
			cr.eof = true
			if err != io.EOF {
				cr.rerr = err
			}
			return m > 0
		}
		if m > 0 {
			return true
		}
	}
}

// peek returns the byte i places after the next unread one, or 0 and
// false at the end of the input.
func (cr *copyReader) peek(i int) (byte, bool) {
	for cr.pos+i >= cr.n {
		if !cr.fill() {
			return 0, false
		}
	}
	return cr.buf[cr.pos+i], true
}

// lineLen is the length the line has once buf[start:pos] is moved.
func (cr *copyReader) lineLen() int { return len(cr.line) + cr.pos - cr.start }

// next reads the next line. It returns false when the data has ended
// with nothing on the line (NextCopyFromRawFields: EOF at the start of a
// line means we are done). The reader's error, if any, is returned as is.
func (cr *copyReader) next() (bool, error) {
	if cr.done {
		return false, nil
	}
	cr.lineno++
	cr.line = cr.line[:0]
	cr.term = ""
	end, err := cr.readLineText()
	if err != nil {
		cr.done = true
		return false, err
	}
	if end {
		cr.done = true
		return len(cr.line) > 0, nil
	}
	return true, nil
}

func copyFormatError(msg, hint string) error {
	e := pgerr.New(pgerr.BadCopyFileFormat, "%s", msg)
	if hint != "" {
		e.Hint = hint
	}
	return e
}

// readLineText mirrors CopyReadLineText: it reads one line into cr.line
// and reports whether the data ended (end of input or \.).
func (cr *copyReader) readLineText() (bool, error) {
	inQuote, lastWasEsc, first := false, false, true
	cr.start = cr.pos
	for {
		if cr.pos >= cr.n && !cr.fill() {
			return true, cr.rerr
		}
		c := cr.buf[cr.pos]
		cr.pos++
		if cr.csv {
			// The quote toggles; a distinct escape only counts inside
			// quotes, right before a quote, and not when it is itself
			// escaped.
			if inQuote && cr.hasEsc && c == cr.escape {
				lastWasEsc = !lastWasEsc
			}
			if c == cr.quote && !lastWasEsc {
				inQuote = !inQuote
			}
			if !cr.hasEsc || c != cr.escape {
				lastWasEsc = false
			}
			if inQuote && ((cr.eol == eolNL && c == '\n') || (cr.eol != eolNL && c == '\r')) {
				cr.lineno++
			}
		}
		if c == '\r' && (!cr.csv || !inQuote) { // CP1
			cut := cr.lineLen() - 1
			switch cr.eol {
			case eolUnknown, eolCRNL:
				if c2, ok := cr.peek(0); ok && c2 == '\n' {
					cr.pos++
					cr.eol = eolCRNL
					cr.term = "\r\n"
				} else {
					if cr.eol == eolCRNL {
						return false, crError(cr.csv)
					}
					cr.eol = eolCR
					cr.term = "\r"
				}
			case eolNL:
				return false, crError(cr.csv)
			default:
				cr.term = "\r"
			}
			cr.flush()
			cr.line = cr.line[:cut]
			return false, nil
		}
		if c == '\n' && (!cr.csv || !inQuote) { // CP1
			if cr.eol == eolCR || cr.eol == eolCRNL {
				if cr.csv {
					return false, copyFormatError("unquoted newline found in data", "Use quoted CSV field to represent newline.")
				}
				return false, copyFormatError("literal newline found in data", `Use "\n" to represent newline.`)
			}
			cr.eol = eolNL
			cr.term = "\n"
			cut := cr.lineLen() - 1
			cr.flush()
			cr.line = cr.line[:cut]
			return false, nil
		}
		if c == '\\' && (!cr.csv || first) { // CP2
			cut := cr.lineLen() - 1
			c2, ok := cr.peek(0)
			if !ok {
				return true, cr.rerr // the backslash stays on the last line
			}
			if c2 == '.' {
				end, err := cr.endMarker()
				if err != nil {
					return false, err
				}
				if end {
					cr.flush()
					cr.line = cr.line[:cut]
					return true, nil
				}
				// CSV: \. with more after it is data; go on after the backslash.
			} else if !cr.csv {
				cr.pos++ // a backslash escapes the next byte, even a line end
			}
		}
		first = false
	}
}

// endMarker checks what follows `\.` (the unread input starts at the
// '.'): it consumes the marker and its line end and returns true, or
// (CSV) returns false leaving the input alone when it is data.
func (cr *copyReader) endMarker() (bool, error) {
	corrupt := func() (bool, error) {
		if cr.csv {
			return false, nil
		}
		return false, copyFormatError("end-of-copy marker corrupt", "")
	}
	style := copyFormatError("end-of-copy marker does not match previous newline style", "")
	k := 1
	if cr.eol == eolCRNL {
		c, _ := cr.peek(k)
		k++
		if c == '\n' {
			if cr.csv {
				return false, nil
			}
			return false, style
		}
		if c != '\r' {
			return corrupt()
		}
	}
	c, _ := cr.peek(k)
	k++
	if c != '\r' && c != '\n' {
		return corrupt()
	}
	if (cr.eol == eolNL && c != '\n') || (cr.eol == eolCRNL && c != '\n') || (cr.eol == eolCR && c != '\r') {
		return false, style
	}
	cr.pos += k
	return true, nil
}

func crError(csv bool) error {
	if csv {
		return copyFormatError("unquoted carriage return found in data", "Use quoted CSV field to represent carriage return.")
	}
	return copyFormatError("literal carriage return found in data", `Use "\r" to represent carriage return.`)
}

// copyFields are the fields of one line: field i is str[starts[i]:ends[i]]
// unless null[i].
type copyFields struct {
	buf    []byte
	starts []int
	ends   []int
	null   []bool
	str    string
}

func (f *copyFields) reset() {
	f.buf, f.starts, f.ends, f.null = f.buf[:0], f.starts[:0], f.ends[:0], f.null[:0]
}

func (f *copyFields) count() int { return len(f.ends) }

// get returns field i and whether it is NULL.
func (f *copyFields) get(i int) (string, bool) {
	if f.null[i] {
		return "", true
	}
	return f.str[f.starts[i]:f.ends[i]], false
}

func (f *copyFields) finish() {
	f.str = string(f.buf)
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func hexValue(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// splitText mirrors CopyReadAttributesText (CP3, CP4). maxFields is the
// number of columns copied: with none, the line must be empty.
func splitText(line []byte, o *copyOptions, maxFields int, f *copyFields) error {
	f.reset()
	if maxFields <= 0 {
		if len(line) != 0 {
			return copyFormatError("extra data after last expected column", "")
		}
		f.finish()
		return nil
	}
	delim := o.delim
	p := 0
	for {
		start := p
		fstart := len(f.buf)
		sawNonASCII := false
		foundDelim := false
		end := p
		for {
			end = p
			if p >= len(line) {
				break
			}
			c := line[p]
			p++
			if c == delim {
				foundDelim = true
				break
			}
			if c == '\\' {
				if p >= len(line) {
					break // a backslash at the end of the line is dropped
				}
				c = line[p]
				p++
				switch c {
				case '0', '1', '2', '3', '4', '5', '6', '7':
					val := int(c - '0')
					if p < len(line) && isOctal(line[p]) {
						val = val<<3 + int(line[p]-'0')
						p++
						if p < len(line) && isOctal(line[p]) {
							val = val<<3 + int(line[p]-'0')
							p++
						}
					}
					c = byte(val & 0xff)
					if c == 0 || c >= 0x80 {
						sawNonASCII = true
					}
				case 'x':
					if p < len(line) {
						if v, ok := hexValue(line[p]); ok {
							p++
							if p < len(line) {
								if v2, ok := hexValue(line[p]); ok {
									p++
									v = v<<4 + v2
								}
							}
							c = byte(v)
							if c == 0 || c >= 0x80 {
								sawNonASCII = true
							}
						}
					}
				case 'b':
					c = '\b'
				case 'f':
					c = '\f'
				case 'n':
					c = '\n'
				case 'r':
					c = '\r'
				case 't':
					c = '\t'
				case 'v':
					c = '\v'
				}
			}
			f.buf = append(f.buf, c)
		}
		isNull := end-start == len(o.null) && string(line[start:end]) == o.null
		if isNull {
			f.buf = f.buf[:fstart]
		} else if sawNonASCII {
			if err := verifyUTF8(f.buf[fstart:], ""); err != nil {
				return err
			}
		}
		f.starts = append(f.starts, fstart)
		f.ends = append(f.ends, len(f.buf))
		f.null = append(f.null, isNull)
		if !foundDelim {
			break
		}
	}
	f.finish()
	return nil
}

// splitCSV mirrors CopyReadAttributesCSV (CP3).
func splitCSV(line []byte, o *copyOptions, maxFields int, f *copyFields) error {
	f.reset()
	if maxFields <= 0 {
		if len(line) != 0 {
			return copyFormatError("extra data after last expected column", "")
		}
		f.finish()
		return nil
	}
	delim, quote, escape := o.delim, o.quote, o.escape
	p := 0
	for {
		start := p
		fstart := len(f.buf)
		sawQuote, foundDelim := false, false
		end := p
	field:
		for {
			// Not in quotes.
			for {
				end = p
				if p >= len(line) {
					break field
				}
				c := line[p]
				p++
				if c == delim {
					foundDelim = true
					break field
				}
				if c == quote {
					sawQuote = true
					break
				}
				f.buf = append(f.buf, c)
			}
			// In quotes.
			for {
				end = p
				if p >= len(line) {
					return copyFormatError("unterminated CSV quoted field", "")
				}
				c := line[p]
				p++
				if c == escape && p < len(line) && (line[p] == escape || line[p] == quote) {
					f.buf = append(f.buf, line[p])
					p++
					continue
				}
				if c == quote {
					break
				}
				f.buf = append(f.buf, c)
			}
		}
		isNull := !sawQuote && end-start == len(o.null) && string(line[start:end]) == o.null
		if isNull {
			f.buf = f.buf[:fstart]
		}
		f.starts = append(f.starts, fstart)
		f.ends = append(f.ends, len(f.buf))
		f.null = append(f.null, isNull)
		if !foundDelim {
			break
		}
	}
	f.finish()
	return nil
}

// appendText mirrors CopyAttributeOutText (CP5).
func appendText(dst []byte, s string, delim byte) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 {
			var e byte
			switch c {
			case '\b':
				e = 'b'
			case '\f':
				e = 'f'
			case '\n':
				e = 'n'
			case '\r':
				e = 'r'
			case '\t':
				e = 't'
			case '\v':
				e = 'v'
			default:
				if c != delim {
					continue
				}
				e = c
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', e)
			start = i + 1
		} else if c == '\\' || c == delim {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\')
			start = i
		}
	}
	return append(dst, s[start:]...)
}

// appendCSV mirrors CopyAttributeOutCSV (CP5).
func appendCSV(dst []byte, s string, o *copyOptions, force, single bool) []byte {
	useQuote := force || s == o.null
	if !useQuote {
		if single && s == `\.` {
			useQuote = true
		} else {
			for i := 0; i < len(s); i++ {
				if c := s[i]; c == o.delim || c == o.quote || c == '\n' || c == '\r' {
					useQuote = true
					break
				}
			}
		}
	}
	if !useQuote {
		return append(dst, s...)
	}
	dst = append(dst, o.quote)
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == o.quote || c == o.escape {
			dst = append(dst, s[start:i]...)
			dst = append(dst, o.escape)
			start = i
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, o.quote)
}
