package funcs

import (
	"crypto/rand"

	"github.com/tuskdb/tusk/sql/types"
)

// Miscellaneous functions: system information and UUIDs.

// Version is what version() reports. Clients parse the leading
// "PostgreSQL 15.x" to pick features, so Tusk presents itself as 15.
const Version = "PostgreSQL 15.0 (Tusk) on Go, 64-bit"

func init() {
	proc(3432, "vs", "gen_random_uuid() uuid", "gen_random_uuid", func(ctx *FuncContext, _ []types.Datum) (types.Datum, error) {
		var u types.UUIDVal
		if ctx != nil && ctx.Rand != nil {
			for i := 0; i < 16; i += 8 {
				v := ctx.Rand.Uint64()
				for k := 0; k < 8; k++ {
					u[i+k] = byte(v >> (8 * k))
				}
			}
		} else if _, err := rand.Read(u[:]); err != nil {
			return nil, errInternal("could not generate random values: %v", err)
		}
		u[6] = u[6]&0x0f | 0x40 // version 4
		u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
		return u, nil
	})
	proc(89, "ss", "version() text", "pgsql_version", func(*FuncContext, []types.Datum) (types.Datum, error) {
		return Version, nil
	})
	proc(1402, "ss", "current_schema() name", "current_schema", func(ctx *FuncContext, _ []types.Datum) (types.Datum, error) {
		if ctx == nil || ctx.Schema == "" {
			return "public", nil
		}
		return ctx.Schema, nil
	})
	proc(861, "ss", "current_database() name", "current_database", func(ctx *FuncContext, _ []types.Datum) (types.Datum, error) {
		if ctx == nil || ctx.Database == "" {
			return "tusk", nil
		}
		return ctx.Database, nil
	})
	// pg_typeof returns the OID of its argument's type as a regtype (F4).
	proc(1619, "s", "pg_typeof(any) regtype", "pg_typeof", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		t := ctx.argType(0, nil)
		if t == nil {
			t = guessType(a[0])
			if a[0] == nil {
				t = types.Unknown
			}
		}
		return int64(t.OID), nil
	})
}
