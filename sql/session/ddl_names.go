package session

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
)

// maxIdentLen is NAMEDATALEN-1: the longest identifier, in bytes.
const maxIdentLen = 63

// clipIdent shortens s to at most n bytes without splitting a character
// (pg_mbcliplen).
func clipIdent(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// makeObjectName mirrors makeObjectName: name1_name2_label, shortening
// the longer of name1 and name2 until the result fits in 63 bytes.
func makeObjectName(name1, name2, label string) string {
	overhead := 0
	if label != "" {
		overhead += len(label) + 1
	}
	if name2 != "" {
		overhead += 1
	}
	avail := maxIdentLen - overhead
	n1, n2 := len(name1), len(name2)
	for n1+n2 > avail {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	out := clipIdent(name1, n1)
	if name2 != "" {
		out += "_" + clipIdent(name2, n2)
	}
	if label != "" {
		out += "_" + label
	}
	return out
}

// nameAddition joins column names for an index or constraint name
// (ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition).
func nameAddition(cols []string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteByte('_')
		}
		b.WriteString(c)
		if b.Len() >= maxIdentLen {
			break
		}
	}
	return b.String()
}

// chooseName tries name1_name2_label, then with label1, label2 ... until
// taken reports a free name (ChooseConstraintName / ChooseRelationName).
func chooseName(name1, name2, label string, taken func(string) (bool, error)) (string, error) {
	for pass := 0; ; pass++ {
		l := label
		if pass > 0 {
			l = label + strconv.Itoa(pass)
		}
		name := makeObjectName(name1, name2, l)
		used, err := taken(name)
		if err != nil {
			return "", err
		}
		if !used {
			return name, nil
		}
	}
}

// chooseConstraintName picks a constraint name unused in schema ns and
// in this statement so far (used), as ChooseConstraintName.
func (s *Session) chooseConstraintName(snap *mvcc.Snapshot, ns base.OID, name1, name2, label string, used map[string]bool) (string, error) {
	return chooseName(name1, name2, label, func(n string) (bool, error) {
		if used[n] {
			return true, nil
		}
		return s.inst.Catalog.ConstraintNameExists(snap, ns, n)
	})
}

// chooseIndexName picks the name of a constraint's index, free both as a
// relation and as a constraint name in ns (ChooseRelationName with
// isconstraint).
func (s *Session) chooseRelationName(snap *mvcc.Snapshot, ns base.OID, name1, name2, label string, used map[string]bool) (string, error) {
	return chooseName(name1, name2, label, func(n string) (bool, error) {
		if used[n] {
			return true, nil
		}
		if r, err := s.inst.Catalog.LookupRelation(s.xact, snap, ns, n); err != nil || r != nil {
			return r != nil, err
		}
		return s.inst.Catalog.ConstraintNameExists(snap, ns, n)
	})
}
