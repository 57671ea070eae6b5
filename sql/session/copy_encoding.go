package session

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tuskdb/tusk/internal/pgerr"
)

// copyEncoding is a client encoding COPY can read and write (the ENCODING
// option, or client_encoding). The server encoding is always UTF8.
type copyEncoding struct {
	name string // PostgreSQL's canonical name, e.g. "LATIN1"
	// kind says how bytes convert to and from UTF8: encUTF8 needs no
	// conversion (only verification), encLatin1 maps bytes to code points
	// U+0000..U+00FF, encUnsupported is a valid PostgreSQL encoding that
	// Tusk cannot convert yet.
	kind uint8
}

const (
	encUTF8 uint8 = iota
	encLatin1
	encUnsupported
)

var encUTF8Default = &copyEncoding{name: "UTF8", kind: encUTF8}

// encodingNames maps clean_encoding_name's form of PostgreSQL's encoding
// names and aliases (pg_encname_tbl) to the canonical name.
var encodingNames = map[string]string{
	"abc": "WIN1258", "alt": "WIN866", "big5": "BIG5", "euccn": "EUC_CN", "eucjis2004": "EUC_JIS_2004",
	"eucjp": "EUC_JP", "euckr": "EUC_KR", "euctw": "EUC_TW", "gb18030": "GB18030", "gbk": "GBK",
	"iso88591": "LATIN1", "iso885910": "LATIN6", "iso885913": "LATIN7", "iso885914": "LATIN8",
	"iso885915": "LATIN9", "iso885916": "LATIN10", "iso88592": "LATIN2", "iso88593": "LATIN3",
	"iso88594": "LATIN4", "iso88595": "ISO_8859_5", "iso88596": "ISO_8859_6", "iso88597": "ISO_8859_7",
	"iso88598": "ISO_8859_8", "iso88599": "LATIN5", "johab": "JOHAB", "koi8": "KOI8R", "koi8r": "KOI8R",
	"koi8u": "KOI8U", "latin1": "LATIN1", "latin10": "LATIN10", "latin2": "LATIN2", "latin3": "LATIN3",
	"latin4": "LATIN4", "latin5": "LATIN5", "latin6": "LATIN6", "latin7": "LATIN7", "latin8": "LATIN8",
	"latin9": "LATIN9", "mskanji": "SJIS", "muleinternal": "MULE_INTERNAL", "shiftjis": "SJIS",
	"shiftjis2004": "SHIFT_JIS_2004", "sjis": "SJIS", "sqlascii": "SQL_ASCII", "tcvn": "WIN1258",
	"tcvn5712": "WIN1258", "uhc": "UHC", "unicode": "UTF8", "utf8": "UTF8", "vscii": "WIN1258",
	"win": "WIN1251", "win1250": "WIN1250", "win1251": "WIN1251", "win1252": "WIN1252", "win1253": "WIN1253",
	"win1254": "WIN1254", "win1255": "WIN1255", "win1256": "WIN1256", "win1257": "WIN1257",
	"win1258": "WIN1258", "win866": "WIN866", "win874": "WIN874", "win932": "SJIS", "win936": "GBK",
	"win949": "UHC", "win950": "BIG5", "windows1250": "WIN1250", "windows1251": "WIN1251",
	"windows1252": "WIN1252", "windows1253": "WIN1253", "windows1254": "WIN1254", "windows1255": "WIN1255",
	"windows1256": "WIN1256", "windows1257": "WIN1257", "windows1258": "WIN1258", "windows866": "WIN866",
	"windows874": "WIN874", "windows932": "SJIS", "windows936": "GBK", "windows949": "UHC", "windows950": "BIG5",
}

// lookupEncoding mirrors pg_char_to_encoding: names compare ignoring case
// and every character but letters and digits. It returns nil for a name
// PostgreSQL does not know.
func lookupEncoding(name string) *copyEncoding {
	if len(name) >= 64 {
		return nil
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
	canon, ok := encodingNames[b.String()]
	if !ok {
		return nil
	}
	switch canon {
	case "UTF8", "SQL_ASCII":
		// SQL_ASCII input is verified as the server encoding and not
		// converted, as pg_any_to_server does.
		return &copyEncoding{name: canon, kind: encUTF8}
	case "LATIN1":
		return &copyEncoding{name: canon, kind: encLatin1}
	}
	return &copyEncoding{name: canon, kind: encUnsupported}
}

// check reports an encoding Tusk cannot convert.
func (e *copyEncoding) check() error {
	if e.kind == encUnsupported {
		return pgerr.New(pgerr.FeatureNotSupported, "conversion between %s and UTF8 is not supported yet", e.name)
	}
	return nil
}

// toServer converts one input line to UTF8, or verifies it when it is
// UTF8 already (pg_any_to_server). next is what follows the line in the
// input (its terminator), used only to print an incomplete sequence as
// PostgreSQL does.
func (e *copyEncoding) toServer(line []byte, next string, bufp *[]byte) ([]byte, error) {
	switch e.kind {
	case encLatin1:
		ascii := true
		for _, c := range line {
			if c == 0 {
				return nil, invalidByteSequence(e.name, []byte{0})
			}
			if c >= 0x80 {
				ascii = false
			}
		}
		if ascii {
			return line, nil
		}
		buf := (*bufp)[:0]
		for _, c := range line {
			buf = utf8.AppendRune(buf, rune(c))
		}
		*bufp = buf
		return buf, nil
	}
	if err := verifyUTF8(line, next); err != nil {
		return nil, err
	}
	return line, nil
}

// verifyUTF8 mirrors pg_verify_mbstr for UTF8: valid sequences, no NUL.
func verifyUTF8(b []byte, next string) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return invalidByteSequence("UTF8", []byte{0})
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return invalidByteSequence("UTF8", append(append([]byte(nil), b[i:]...), next...))
		}
		i += size
	}
	return nil
}

// invalidByteSequence mirrors report_invalid_encoding: it prints as many
// bytes as the first byte says the character has (at most 8).
func invalidByteSequence(enc string, b []byte) error {
	n := 1
	if enc == "UTF8" && len(b) > 0 {
		switch c := b[0]; {
		case c&0xe0 == 0xc0:
			n = 2
		case c&0xf0 == 0xe0:
			n = 3
		case c&0xf8 == 0xf0:
			n = 4
		}
	}
	n = min(n, len(b), 8)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("0x%02x", b[i])
	}
	return pgerr.New(pgerr.CharacterNotInRepertoire, "invalid byte sequence for encoding \"%s\": %s", enc, strings.Join(parts, " "))
}

// fromServer converts output to the client encoding (pg_server_to_any),
// in *bufp when it must.
func (e *copyEncoding) fromServer(b []byte, bufp *[]byte) ([]byte, error) {
	if e.kind != encLatin1 {
		return b, nil
	}
	buf := (*bufp)[:0]
	defer func() { *bufp = buf }()
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			buf = append(buf, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r > 0xff {
			parts := make([]string, size)
			for k := range parts {
				parts[k] = fmt.Sprintf("0x%02x", b[i+k])
			}
			return nil, pgerr.New(pgerr.UntranslatableCharacter, "character with byte sequence %s in encoding \"UTF8\" has no equivalent in encoding \"%s\"",
				strings.Join(parts, " "), e.name)
		}
		buf = append(buf, byte(r))
		i += size
	}
	return buf, nil
}
