package analyze

import (
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// typmodIn computes a typmod from the integers written after a type name
// (the typmodin functions: varchartypmodin, numerictypmodin, ...).
func typmodIn(t *types.T, mods []int) (int32, error) {
	name := types.FormatType(t, -1)
	switch t {
	case types.Varchar, types.Bpchar:
		if len(mods) != 1 {
			return 0, pgerr.New(pgerr.InvalidParameterValue, "invalid type modifier")
		}
		if mods[0] < 1 {
			return 0, pgerr.New(pgerr.InvalidParameterValue, "length for type %s must be at least 1", t.Name)
		}
		if mods[0] > 10485760 {
			return 0, pgerr.New(pgerr.InvalidParameterValue, "length for type %s cannot exceed 10485760", t.Name)
		}
		return types.CharTypmod(mods[0]), nil
	case types.Numeric:
		if len(mods) < 1 || len(mods) > 2 {
			return 0, pgerr.New(pgerr.InvalidParameterValue, "invalid NUMERIC type modifier")
		}
		p, s := mods[0], 0
		if len(mods) == 2 {
			s = mods[1]
		}
		if p < 1 || p > 1000 {
			return 0, pgerr.New(pgerr.InvalidParameterValue, "NUMERIC precision %d must be between 1 and 1000", p)
		}
		if s < -1000 || s > 1000 {
			return 0, pgerr.New(pgerr.InvalidParameterValue, "NUMERIC scale %d must be between -1000 and 1000", s)
		}
		return types.NumericTypmod(p, s), nil
	case types.Timestamp, types.Timestamptz, types.Time:
		if len(mods) != 1 {
			return 0, pgerr.New(pgerr.InvalidParameterValue, "invalid type modifier")
		}
		if mods[0] < 0 {
			return 0, pgerr.New(pgerr.InvalidParameterValue, "%s(%d) precision must not be negative", name, mods[0])
		}
		if mods[0] > 6 {
			return 6, nil // PostgreSQL warns and reduces to the maximum
		}
		return int32(mods[0]), nil
	}
	return 0, pgerr.New(pgerr.SyntaxError, "type modifier is not allowed for type %q", t.Name)
}
