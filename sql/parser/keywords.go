package parser

//go:generate sh -c "go run ./internal/genkw ../ast/keywords_gen.go < keywords.txt > keywords_gen.go && gofmt -w keywords_gen.go ../ast/keywords_gen.go"

// kwCategory is a keyword's reservation class (PostgreSQL's kwlist.h).
type kwCategory uint8

const (
	notKw          kwCategory = iota
	unreservedKw              // usable as any name
	colNameKw                 // usable as a column/table name, not as a function or type name
	typeFuncNameKw            // usable as a function or type name, not as a column name
	reservedKw                // usable only as a column label after AS (and after '.')
)

var keywordByName = func() map[string]keyword {
	m := make(map[string]keyword, len(keywordInfo))
	for i := 1; i < len(keywordInfo); i++ {
		m[keywordInfo[i].name] = keyword(i)
	}
	return m
}()

// lookupKeyword returns the keyword spelled by the (already lower-cased)
// identifier, or kwNone. Mirrors ScanKeywordLookup.
func lookupKeyword(s string) keyword {
	if len(s) > 17 { // longest keyword is "current_timestamp"
		return kwNone
	}
	return keywordByName[s]
}

func (k keyword) category() kwCategory { return keywordInfo[k].cat }
func (k keyword) bareLabel() bool      { return keywordInfo[k].bare }
func (k keyword) String() string       { return keywordInfo[k].name }
