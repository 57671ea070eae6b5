package analyze

import (
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/types"
)

// Identity columns, sequence relations and regclass input: the parts of
// PostgreSQL's rewriter (rewriteTargetListIU) and executor start-up
// (CheckValidResultRel) that concern sequences, and regclassin. An
// identity column's default (nextval of its sequence) comes from
// Env.ColumnDefault like any DEFAULT; here are only the checks.

// identityAttr returns the attidentity of column ci of a result relation.
func identityAttr(rte *RTE, ci int) byte {
	if rte.Rel == nil || ci < 0 || ci >= len(rte.Rel.Attrs) {
		return 0
	}
	return rte.Rel.Attrs[ci].Identity
}

// identityInsert decides what INSERT does with an explicit (non-DEFAULT)
// value for column ci (rewriteTargetListIU): useDefault when OVERRIDING
// USER VALUE replaces it with the identity default; 428C9 for a GENERATED
// ALWAYS column without OVERRIDING SYSTEM VALUE.
func identityInsert(rte *RTE, ci int, over ast.Overriding) (useDefault bool, err error) {
	switch identityAttr(rte, ci) {
	case catalog.IdentityAlways:
		switch over {
		case ast.OverridingUser:
			return true, nil
		case ast.OverridingSystem:
			return false, nil
		}
		name := rte.Cols[ci].Name
		return false, pgerr.New(pgerr.GeneratedAlways, "cannot insert a non-DEFAULT value into column %q", name).
			WithDetail("Column %q is an identity column defined as GENERATED ALWAYS.", name).
			WithHint("Use OVERRIDING SYSTEM VALUE to override.")
	case catalog.IdentityByDefault:
		return over == ast.OverridingUser, nil
	}
	return false, nil
}

// identityUpdate rejects UPDATE of a GENERATED ALWAYS identity column to
// anything but DEFAULT (428C9).
func identityUpdate(rte *RTE, ci int) error {
	if identityAttr(rte, ci) != catalog.IdentityAlways {
		return nil
	}
	name := rte.Cols[ci].Name
	return pgerr.New(pgerr.GeneratedAlways, "column %q can only be updated to DEFAULT", name).
		WithDetail("Column %q is an identity column defined as GENERATED ALWAYS.", name)
}

// checkResultRel rejects INSERT, UPDATE and DELETE on a sequence
// (CheckValidResultRel).
func checkResultRel(rte *RTE) error {
	if rte.Rel != nil && rte.Rel.Kind == catalog.KindSequence {
		return pgerr.New(pgerr.WrongObjectType, "cannot change sequence %q", rte.Rel.Name)
	}
	return nil
}

// parseUnknown converts the text of an unknown-type literal to type t: the
// type's input function, or for regclass given a name, Env.RegclassIn
// (regclassin needs the catalog).
func (a *analyzer) parseUnknown(t *types.T, mod int32, s string) (types.Datum, error) {
	// regclassin: "-" and all-digit input are OIDs, anything else a name.
	if t == types.Regclass && a.env != nil && a.env.RegclassIn != nil && (s == "" || s != "-" && strings.Trim(s, "0123456789") != "") {
		oid, err := a.env.RegclassIn(s)
		if err != nil {
			return nil, err
		}
		return int64(oid), nil
	}
	if t.Elem != nil && IsRegType(t.Elem) && a.env != nil && a.env.RegIn != nil {
		return a.regArrayIn(t.Elem, s)
	}
	if IsRegType(t) && a.env != nil && a.env.RegIn != nil && regByName(s) {
		oid, err := a.env.RegIn(t, s)
		if err != nil {
			return nil, err
		}
		return int64(oid), nil
	}
	return types.Parse(t, mod, s)
}
