package funcs

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// ResolveReturn returns f's result type for a call whose arguments have
// the given (already coerced) types: the declared type, or for a
// polymorphic result the type the polymorphic arguments bind, as
// enforce_generic_type_consistency does for the common cases. The
// anycompatible family resolves to the arguments' common type when they
// are all alike or all numeric (the analyzer does the full
// select_common_type). It is a helper for the analyzer and tests; the
// analyzer remains the authority on overload resolution.
func ResolveReturn(f *Func, argTypes []*types.T) (*types.T, error) {
	if !f.Ret.IsPolymorphic() {
		return f.Ret, nil
	}
	var elem *types.T
	var compat []*types.T
	for i, t := range argTypes {
		if i >= len(f.Args) || t == nil || t.OID == types.Unknown.OID {
			continue
		}
		switch f.Args[i].OID {
		case types.AnyElement.OID, types.AnyNonArray.OID:
			if elem != nil && elem.OID != t.OID {
				return nil, pgerr.New(pgerr.DatatypeMismatch, "arguments declared \"anyelement\" are not all alike")
			}
			elem = t
		case types.AnyArray.OID:
			if t.Elem == nil {
				return nil, pgerr.New(pgerr.DatatypeMismatch, "argument declared anyarray is not an array but type %s", t)
			}
			if elem != nil && elem.OID != t.Elem.OID {
				return nil, pgerr.New(pgerr.DatatypeMismatch, "argument declared anyarray is not consistent with argument declared anyelement")
			}
			elem = t.Elem
		case types.AnyCompatible.OID, types.AnyCompatibleNonArray.OID:
			compat = append(compat, t)
		case types.AnyCompatibleArray.OID:
			if t.Elem == nil {
				return nil, pgerr.New(pgerr.DatatypeMismatch, "argument declared anycompatiblearray is not an array but type %s", t)
			}
			compat = append(compat, t.Elem)
		}
	}
	switch f.Ret.OID {
	case types.AnyElement.OID, types.AnyNonArray.OID, types.AnyArray.OID:
		if elem == nil {
			return nil, pgerr.New(pgerr.DatatypeMismatch, "could not determine polymorphic type because input has type unknown")
		}
		if f.Ret.OID == types.AnyArray.OID {
			a := elem.Array()
			if a == nil {
				return nil, pgerr.New(pgerr.UndefinedObject, "could not find array type for data type %s", elem)
			}
			return a, nil
		}
		return elem, nil
	case types.AnyCompatible.OID, types.AnyCompatibleArray.OID, types.AnyCompatibleNonArray.OID:
		c, err := commonType(compat)
		if err != nil {
			return nil, err
		}
		if f.Ret.OID == types.AnyCompatibleArray.OID {
			if a := c.Array(); a != nil {
				return a, nil
			}
			return nil, pgerr.New(pgerr.UndefinedObject, "could not find array type for data type %s", c)
		}
		return c, nil
	}
	return f.Ret, nil
}

var numericRank = map[string]int{"int2": 1, "int4": 2, "int8": 3, "numeric": 4, "float4": 5, "float8": 6}

func commonType(ts []*types.T) (*types.T, error) {
	if len(ts) == 0 {
		return types.Text, nil
	}
	c := ts[0]
	for _, t := range ts[1:] {
		if t.OID == c.OID {
			continue
		}
		rc, okc := numericRank[c.Name]
		rt, okt := numericRank[t.Name]
		switch {
		case okc && okt:
			if rt > rc {
				c = t
			}
		case c.Category == 'S' && t.Category == 'S':
			c = types.Text
		default:
			return nil, pgerr.New(pgerr.DatatypeMismatch, "arguments of anycompatible family cannot be cast to a common type")
		}
	}
	return c, nil
}
