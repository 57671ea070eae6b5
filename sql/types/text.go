package types

import (
	"strings"
	"unicode/utf8"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// NameDataLen is NAMEDATALEN: a name holds at most 63 bytes.
const NameDataLen = 64

// checkUTF8 rejects what PostgreSQL's UTF8 server encoding cannot hold:
// invalid byte sequences and NUL (S1).
func checkUTF8(s string) error {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == 0 || (r == utf8.RuneError && n <= 1) {
			end := min(i+4, len(s))
			var hex strings.Builder
			for j := i; j < end; j++ {
				if j > i {
					hex.WriteByte(' ')
				}
				hex.WriteString("0x")
				hex.WriteString(hexByte(s[j]))
				if r == 0 {
					break
				}
			}
			return pgerr.New(pgerr.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": %s", hex.String())
		}
		i += n
	}
	return nil
}

func hexByte(b byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[b>>4], digits[b&15]})
}

// charPrefix returns the first n characters of s (S2: lengths of
// character types count characters, not bytes).
func charPrefix(s string, n int) (prefix, rest string) {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return s[:i], s[i:]
}

func allSpaces(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			return false
		}
	}
	return true
}

// clipString applies a varchar(n) / character(n) length: longer values
// lose their tail if it is all spaces or the coercion is explicit, and
// otherwise fail with 22001. bpchar values are then blank-padded to n.
// Mirrors varchar_input, bpchar_input, varchar() and bpchar().
func clipString(t *T, typmod int32, s string, explicit bool) (string, error) {
	n := CharLen(typmod)
	if n < 0 {
		return s, nil
	}
	head, tail := charPrefix(s, n)
	if tail != "" {
		if !explicit && !allSpaces(tail) {
			return "", pgerr.New(StringDataRightTruncation, "value too long for type %s", FormatType(t, typmod))
		}
		s = head
	}
	if t.OID == Bpchar.OID {
		if l := utf8.RuneCountInString(s); l < n {
			s += strings.Repeat(" ", n-l)
		}
	}
	return s, nil
}

// clipName truncates to NAMEDATALEN-1 bytes at a character boundary, as
// namein (via pg_mbcliplen).
func clipName(s string) string {
	if len(s) < NameDataLen {
		return s
	}
	i := NameDataLen - 1
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// parseChar mirrors charin: "\ooo" is an octal byte, otherwise the first
// byte (or none).
func parseChar(s string) string {
	if len(s) == 4 && s[0] == '\\' && isOctal(s[1]) && isOctal(s[2]) && isOctal(s[3]) {
		b := (s[1]-'0')<<6 | (s[2]-'0')<<3 | (s[3] - '0')
		if b == 0 {
			return ""
		}
		return string([]byte{b})
	}
	if s == "" || s[0] == 0 {
		return ""
	}
	return s[:1]
}

// formatChar mirrors charout: a byte with the high bit set prints as \ooo.
func formatChar(s string) string {
	if s == "" {
		return ""
	}
	b := s[0]
	if b >= 0x80 {
		return string([]byte{'\\', '0' + b>>6, '0' + (b>>3)&7, '0' + b&7})
	}
	return s[:1]
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// bpcharTrim drops trailing blanks: character(n) comparison, hashing and
// the cast to text ignore them (S3).
func bpcharTrim(s string) string { return strings.TrimRight(s, " ") }

// parseBytea mirrors byteain: "\x" hex (blanks allowed between byte
// pairs) or the escape format (\\ and \ooo).
func parseBytea(s string) (Datum, error) {
	if len(s) >= 2 && s[0] == '\\' && s[1] == 'x' {
		out := make([]byte, 0, (len(s)-2)/2)
		for i := 2; i < len(s); {
			c := s[i]
			if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
				i++
				continue
			}
			hi, ok := hexVal(c)
			if !ok {
				return nil, badHex(s[i:])
			}
			if i+1 >= len(s) {
				return nil, pgerr.New(pgerr.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
			}
			lo, ok := hexVal(s[i+1])
			if !ok {
				return nil, badHex(s[i+1:])
			}
			out = append(out, hi<<4|lo)
			i += 2
		}
		return out, nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			out = append(out, s[i])
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '\\' {
			out = append(out, '\\')
			i += 2
			continue
		}
		if i+3 < len(s) && s[i+1] >= '0' && s[i+1] <= '3' && isOctal(s[i+2]) && isOctal(s[i+3]) {
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 4
			continue
		}
		return nil, pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type bytea")
	}
	return out, nil
}

func badHex(rest string) error {
	_, n := utf8.DecodeRuneInString(rest)
	return pgerr.New(pgerr.InvalidParameterValue, "invalid hexadecimal digit: \"%s\"", rest[:n])
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// formatBytea mirrors byteaout with bytea_output = hex.
func formatBytea(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2+2*len(b))
	out[0], out[1] = '\\', 'x'
	for i, c := range b {
		out[2+2*i] = digits[c>>4]
		out[3+2*i] = digits[c&15]
	}
	return string(out)
}

// parseUUID mirrors string_to_uuid: optional braces, 32 hex digits with
// an optional hyphen after any group of four.
func parseUUID(s string) (Datum, error) {
	var u UUIDVal
	src := s
	braces := false
	if strings.HasPrefix(src, "{") {
		braces = true
		src = src[1:]
	}
	for i := 0; i < 16; i++ {
		if len(src) < 2 {
			return nil, errSyntax("uuid", s)
		}
		hi, ok1 := hexVal(src[0])
		lo, ok2 := hexVal(src[1])
		if !ok1 || !ok2 {
			return nil, errSyntax("uuid", s)
		}
		u[i] = hi<<4 | lo
		src = src[2:]
		if i%2 == 1 && i < 15 && strings.HasPrefix(src, "-") {
			src = src[1:]
		}
	}
	if braces {
		if !strings.HasPrefix(src, "}") {
			return nil, errSyntax("uuid", s)
		}
		src = src[1:]
	}
	if src != "" {
		return nil, errSyntax("uuid", s)
	}
	return u, nil
}

// String formats a UUID as uuid_out does.
func (u UUIDVal) String() string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
