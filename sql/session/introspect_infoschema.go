package session

import (
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/funcs"
	"github.com/tuskdb/tusk/sql/parser"
	"github.com/tuskdb/tusk/sql/types"
)

// The information_schema views (PostgreSQL's information_schema.sql, the
// part ORMs and migration tools read): schemata, tables, columns, views,
// table_constraints, key_column_usage, referential_constraints and
// constraint_column_usage. Tusk has no domains, so the columns PostgreSQL
// types as sql_identifier, character_data, yes_or_no and cardinal_number
// are name, varchar, varchar and int4. One superuser owns everything, so
// the privilege filters of PostgreSQL's definitions are left out.

func init() {
	RegisterFuncs(infoSchemaFuncs)
	for _, v := range infoSchemaViews {
		RegisterSystemView("information_schema", v[0], v[1])
	}
}

// infoSchemaFuncs are helpers the views use (PostgreSQL's
// information_schema._pg_* functions).
func infoSchemaFuncs(s *Session, snap *mvcc.Snapshot, name string, in []*types.T) *analyze.SessionFuncDef {
	switch name {
	case "_pg_view_updatable":
		// _pg_view_updatable(oid): the view is automatically updatable
		// (view_query_is_auto_updatable, structurally).
		if len(in) != 1 {
			return nil
		}
		return sdef(0, []*types.T{types.Oid}, types.Bool, func(a []types.Datum) (types.Datum, error) {
			return viewUpdatable(s, snap, oidArg(a[0]), 0), nil
		})
	case "_pg_column_updatable":
		// _pg_column_updatable(oid, attnum): the column of an updatable
		// view is a plain column of its base relation.
		if len(in) != 2 {
			return nil
		}
		return sdef(0, []*types.T{types.Oid, types.Int2}, types.Bool, func(a []types.Datum) (types.Datum, error) {
			sel := updatableView(s, snap, oidArg(a[0]), 0)
			n := int(a[1].(int64))
			if sel == nil {
				return false, nil
			}
			for _, t := range sel.Targets {
				if cr, ok := t.Val.(*ast.ColumnRef); ok && cr.Star {
					return true, nil // SELECT *: every column is one of the table's
				}
			}
			if n < 1 || n > len(sel.Targets) {
				return false, nil
			}
			cr, ok := sel.Targets[n-1].Val.(*ast.ColumnRef)
			return ok && !cr.Star, nil
		})
	case "_pg_fk_position":
		// _pg_fk_position(conindid, confkey, n): the position in the
		// referenced unique index of the n-th referenced column
		// (_pg_index_position(conindid, confkey[n])).
		if len(in) != 3 {
			return nil
		}
		return sdef(0, []*types.T{types.Oid, types.Int2Array, types.Int8}, types.Int4, func(a []types.Datum) (types.Datum, error) {
			keys, _ := a[1].(*types.Array)
			n := a[2].(int64)
			if keys == nil || n < 1 || int(n) > len(keys.Elems) {
				return nil, nil
			}
			col, _ := keys.Elems[n-1].(int64)
			ix, err := s.inst.Catalog.IndexByOID(snap, oidArg(a[0]))
			if err != nil || ix == nil {
				return nil, err
			}
			for i, k := range ix.Keys {
				if int64(k) == col {
					return int64(i + 1), nil
				}
			}
			return nil, nil
		})
	}
	return nil
}

var infoSchemaViews = [][2]string{
	{"schemata", `
SELECT CAST(current_database() AS name) AS catalog_name,
       CAST(n.nspname AS name) AS schema_name,
       CAST(pg_get_userbyid(n.nspowner) AS name) AS schema_owner,
       CAST(NULL AS name) AS default_character_set_catalog,
       CAST(NULL AS name) AS default_character_set_schema,
       CAST(NULL AS name) AS default_character_set_name,
       CAST(NULL AS varchar) AS sql_path
FROM pg_namespace n`},
	{"tables", `
SELECT CAST(current_database() AS name) AS table_catalog,
       CAST(nc.nspname AS name) AS table_schema,
       CAST(c.relname AS name) AS table_name,
       CAST(CASE WHEN nc.nspname LIKE 'pg!_temp%' ESCAPE '!' THEN 'LOCAL TEMPORARY'
                 WHEN c.relkind IN ('r', 'p') THEN 'BASE TABLE'
                 WHEN c.relkind = 'v' THEN 'VIEW'
                 WHEN c.relkind = 'f' THEN 'FOREIGN'
                 ELSE NULL END AS varchar) AS table_type,
       CAST(NULL AS name) AS self_referencing_column_name,
       CAST(NULL AS varchar) AS reference_generation,
       CAST(NULL AS name) AS user_defined_type_catalog,
       CAST(NULL AS name) AS user_defined_type_schema,
       CAST(NULL AS name) AS user_defined_type_name,
       CAST(CASE WHEN c.relkind IN ('r', 'p') OR c.relkind = 'v' AND _pg_view_updatable(c.oid) THEN 'YES' ELSE 'NO' END AS varchar) AS is_insertable_into,
       CAST('NO' AS varchar) AS is_typed,
       CAST(NULL AS varchar) AS commit_action
FROM pg_namespace nc JOIN pg_class c ON nc.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'f', 'p')`},
	{"views", `
SELECT CAST(current_database() AS name) AS table_catalog,
       CAST(nc.nspname AS name) AS table_schema,
       CAST(c.relname AS name) AS table_name,
       CAST(pg_get_viewdef(c.oid) AS varchar) AS view_definition,
       CAST('NONE' AS varchar) AS check_option,
       CAST(CASE WHEN _pg_view_updatable(c.oid) THEN 'YES' ELSE 'NO' END AS varchar) AS is_updatable,
       CAST(CASE WHEN _pg_view_updatable(c.oid) THEN 'YES' ELSE 'NO' END AS varchar) AS is_insertable_into,
       CAST('NO' AS varchar) AS is_trigger_updatable,
       CAST('NO' AS varchar) AS is_trigger_deletable,
       CAST('NO' AS varchar) AS is_trigger_insertable_into
FROM pg_namespace nc JOIN pg_class c ON nc.oid = c.relnamespace
WHERE c.relkind = 'v'`},
	{"columns", `
SELECT CAST(current_database() AS name) AS table_catalog,
       CAST(nc.nspname AS name) AS table_schema,
       CAST(c.relname AS name) AS table_name,
       CAST(a.attname AS name) AS column_name,
       CAST(a.attnum AS int4) AS ordinal_position,
       CAST(CASE WHEN a.atthasdef THEN (SELECT pg_get_expr(ad.adbin, ad.adrelid) FROM pg_attrdef ad WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum) END AS varchar) AS column_default,
       CAST(CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS varchar) AS is_nullable,
       CAST(CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN 'ARRAY'
                 WHEN t.typnamespace = 11 THEN format_type(a.atttypid, NULL)
                 ELSE 'USER-DEFINED' END AS varchar) AS data_type,
       CAST(CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod <> -1 THEN a.atttypmod - 4 END AS int4) AS character_maximum_length,
       CAST(CASE WHEN a.atttypid IN (25, 1042, 1043) THEN
                 CASE WHEN a.atttypmod = -1 THEN 1073741824 ELSE (a.atttypmod - 4) * 4 END END AS int4) AS character_octet_length,
       CAST(CASE a.atttypid WHEN 21 THEN 16 WHEN 23 THEN 32 WHEN 20 THEN 64 WHEN 700 THEN 24 WHEN 701 THEN 53
                 WHEN 1700 THEN CASE WHEN a.atttypmod = -1 THEN NULL ELSE ((a.atttypmod - 4) / 65536) % 65536 END
                 ELSE NULL END AS int4) AS numeric_precision,
       CAST(CASE WHEN a.atttypid IN (21, 23, 20, 700, 701) THEN 2 WHEN a.atttypid = 1700 THEN 10 END AS int4) AS numeric_precision_radix,
       CAST(CASE WHEN a.atttypid IN (21, 23, 20) THEN 0
                 WHEN a.atttypid = 1700 THEN CASE WHEN a.atttypmod = -1 THEN NULL ELSE (a.atttypmod - 4) % 65536 END
                 ELSE NULL END AS int4) AS numeric_scale,
       CAST(CASE WHEN a.atttypid = 1082 THEN 0
                 WHEN a.atttypid IN (1083, 1114, 1184, 1266) THEN CASE WHEN a.atttypmod < 0 THEN 6 ELSE a.atttypmod END
                 WHEN a.atttypid = 1186 THEN CASE WHEN a.atttypmod < 0 OR a.atttypmod % 65536 = 65535 THEN 6 ELSE a.atttypmod % 65536 END
                 ELSE NULL END AS int4) AS datetime_precision,
       CAST(NULL AS varchar) AS interval_type,
       CAST(NULL AS int4) AS interval_precision,
       CAST(NULL AS name) AS character_set_catalog,
       CAST(NULL AS name) AS character_set_schema,
       CAST(NULL AS name) AS character_set_name,
       CAST(NULL AS name) AS collation_catalog,
       CAST(NULL AS name) AS collation_schema,
       CAST(NULL AS name) AS collation_name,
       CAST(NULL AS name) AS domain_catalog,
       CAST(NULL AS name) AS domain_schema,
       CAST(NULL AS name) AS domain_name,
       CAST(current_database() AS name) AS udt_catalog,
       CAST('pg_catalog' AS name) AS udt_schema,
       CAST(t.typname AS name) AS udt_name,
       CAST(NULL AS name) AS scope_catalog,
       CAST(NULL AS name) AS scope_schema,
       CAST(NULL AS name) AS scope_name,
       CAST(NULL AS int4) AS maximum_cardinality,
       CAST(a.attnum AS name) AS dtd_identifier,
       CAST('NO' AS varchar) AS is_self_referencing,
       CAST(CASE WHEN a.attidentity IN ('a', 'd') THEN 'YES' ELSE 'NO' END AS varchar) AS is_identity,
       CAST(CASE a.attidentity WHEN 'a' THEN 'ALWAYS' WHEN 'd' THEN 'BY DEFAULT' END AS varchar) AS identity_generation,
       CAST(CASE WHEN a.attidentity IN ('a', 'd') THEN (SELECT s.seqstart FROM pg_depend dep JOIN pg_sequence s ON dep.objid = s.seqrelid
            WHERE dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i') END AS varchar) AS identity_start,
       CAST(CASE WHEN a.attidentity IN ('a', 'd') THEN (SELECT s.seqincrement FROM pg_depend dep JOIN pg_sequence s ON dep.objid = s.seqrelid
            WHERE dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i') END AS varchar) AS identity_increment,
       CAST(CASE WHEN a.attidentity IN ('a', 'd') THEN (SELECT s.seqmax FROM pg_depend dep JOIN pg_sequence s ON dep.objid = s.seqrelid
            WHERE dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i') END AS varchar) AS identity_maximum,
       CAST(CASE WHEN a.attidentity IN ('a', 'd') THEN (SELECT s.seqmin FROM pg_depend dep JOIN pg_sequence s ON dep.objid = s.seqrelid
            WHERE dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i') END AS varchar) AS identity_minimum,
       CAST(CASE WHEN a.attidentity IN ('a', 'd') AND (SELECT s.seqcycle FROM pg_depend dep JOIN pg_sequence s ON dep.objid = s.seqrelid
            WHERE dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i') THEN 'YES' ELSE 'NO' END AS varchar) AS identity_cycle,
       CAST('NEVER' AS varchar) AS is_generated,
       CAST(NULL AS varchar) AS generation_expression,
       CAST(CASE WHEN c.relkind IN ('r', 'p') OR c.relkind = 'v' AND _pg_column_updatable(c.oid, a.attnum) THEN 'YES' ELSE 'NO' END AS varchar) AS is_updatable
FROM pg_attribute a
     JOIN pg_class c ON a.attrelid = c.oid
     JOIN pg_namespace nc ON c.relnamespace = nc.oid
     JOIN pg_type t ON a.atttypid = t.oid
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v', 'f', 'p')`},
	{"table_constraints", `
SELECT CAST(current_database() AS name) AS constraint_catalog,
       CAST(nc.nspname AS name) AS constraint_schema,
       CAST(c.conname AS name) AS constraint_name,
       CAST(current_database() AS name) AS table_catalog,
       CAST(nr.nspname AS name) AS table_schema,
       CAST(r.relname AS name) AS table_name,
       CAST(CASE c.contype WHEN 'c' THEN 'CHECK' WHEN 'f' THEN 'FOREIGN KEY' WHEN 'p' THEN 'PRIMARY KEY'
                 WHEN 'u' THEN 'UNIQUE' END AS varchar) AS constraint_type,
       CAST(CASE WHEN c.condeferrable THEN 'YES' ELSE 'NO' END AS varchar) AS is_deferrable,
       CAST(CASE WHEN c.condeferred THEN 'YES' ELSE 'NO' END AS varchar) AS initially_deferred,
       CAST('YES' AS varchar) AS enforced,
       CAST(CASE WHEN c.contype = 'u' THEN 'YES' END AS varchar) AS nulls_distinct
FROM pg_namespace nc, pg_namespace nr, pg_constraint c, pg_class r
WHERE nc.oid = c.connamespace AND nr.oid = r.relnamespace AND c.conrelid = r.oid
  AND c.contype IN ('c', 'f', 'p', 'u') AND r.relkind IN ('r', 'p')
UNION ALL
SELECT CAST(current_database() AS name) AS constraint_catalog,
       CAST(nr.nspname AS name) AS constraint_schema,
       CAST(CAST(nr.oid AS text) || '_' || CAST(r.oid AS text) || '_' || CAST(a.attnum AS text) || '_not_null' AS name) AS constraint_name,
       CAST(current_database() AS name) AS table_catalog,
       CAST(nr.nspname AS name) AS table_schema,
       CAST(r.relname AS name) AS table_name,
       CAST('CHECK' AS varchar) AS constraint_type,
       CAST('NO' AS varchar) AS is_deferrable,
       CAST('NO' AS varchar) AS initially_deferred,
       CAST('YES' AS varchar) AS enforced,
       CAST(NULL AS varchar) AS nulls_distinct
FROM pg_namespace nr, pg_class r, pg_attribute a
WHERE nr.oid = r.relnamespace AND r.oid = a.attrelid AND a.attnotnull AND a.attnum > 0
  AND NOT a.attisdropped AND r.relkind IN ('r', 'p')`},
	{"key_column_usage", `
SELECT CAST(current_database() AS name) AS constraint_catalog,
       CAST(nc.nspname AS name) AS constraint_schema,
       CAST(c.conname AS name) AS constraint_name,
       CAST(current_database() AS name) AS table_catalog,
       CAST(nr.nspname AS name) AS table_schema,
       CAST(r.relname AS name) AS table_name,
       CAST(a.attname AS name) AS column_name,
       CAST(k.n AS int4) AS ordinal_position,
       CAST(CASE WHEN c.contype = 'f' THEN _pg_fk_position(c.conindid, c.confkey, k.n) END AS int4) AS position_in_unique_constraint
FROM pg_namespace nc, pg_namespace nr, pg_class r, pg_constraint c,
     unnest(c.conkey) WITH ORDINALITY AS k(attnum, n), pg_attribute a
WHERE nc.oid = c.connamespace AND nr.oid = r.relnamespace AND r.oid = c.conrelid
  AND c.contype IN ('p', 'u', 'f') AND r.relkind IN ('r', 'p')
  AND a.attrelid = r.oid AND a.attnum = k.attnum AND NOT a.attisdropped`},
	{"referential_constraints", `
SELECT CAST(current_database() AS name) AS constraint_catalog,
       CAST(ncon.nspname AS name) AS constraint_schema,
       CAST(con.conname AS name) AS constraint_name,
       CAST(CASE WHEN npkc.nspname IS NULL THEN NULL ELSE current_database() END AS name) AS unique_constraint_catalog,
       CAST(npkc.nspname AS name) AS unique_constraint_schema,
       CAST(pkc.conname AS name) AS unique_constraint_name,
       CAST(CASE con.confmatchtype WHEN 'f' THEN 'FULL' WHEN 'p' THEN 'PARTIAL' WHEN 's' THEN 'NONE' END AS varchar) AS match_option,
       CAST(CASE con.confupdtype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT'
                 WHEN 'r' THEN 'RESTRICT' WHEN 'a' THEN 'NO ACTION' END AS varchar) AS update_rule,
       CAST(CASE con.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT'
                 WHEN 'r' THEN 'RESTRICT' WHEN 'a' THEN 'NO ACTION' END AS varchar) AS delete_rule
FROM pg_namespace ncon
     JOIN pg_constraint con ON ncon.oid = con.connamespace
     JOIN pg_class c ON con.conrelid = c.oid AND con.contype = 'f'
     LEFT JOIN pg_constraint pkc ON con.conindid = pkc.conindid AND pkc.contype IN ('p', 'u') AND pkc.conrelid = con.confrelid
     LEFT JOIN pg_namespace npkc ON pkc.connamespace = npkc.oid`},
	{"constraint_column_usage", `
SELECT CAST(current_database() AS name) AS table_catalog,
       CAST(tblschema AS name) AS table_schema,
       CAST(tblname AS name) AS table_name,
       CAST(colname AS name) AS column_name,
       CAST(current_database() AS name) AS constraint_catalog,
       CAST(cstrschema AS name) AS constraint_schema,
       CAST(cstrname AS name) AS constraint_name
FROM (SELECT DISTINCT nr.nspname AS tblschema, r.relname AS tblname, a.attname AS colname,
             nc.nspname AS cstrschema, c.conname AS cstrname
      FROM pg_namespace nr, pg_class r, pg_attribute a, pg_namespace nc, pg_constraint c
      WHERE nr.oid = r.relnamespace AND r.oid = a.attrelid AND nc.oid = c.connamespace
        AND r.oid = CASE c.contype WHEN 'f' THEN c.confrelid ELSE c.conrelid END
        AND a.attnum = ANY (CASE c.contype WHEN 'f' THEN c.confkey ELSE c.conkey END)
        AND NOT a.attisdropped AND c.contype IN ('p', 'u', 'f', 'c') AND r.relkind IN ('r', 'p')) AS x`},
}

// viewUpdatable reports whether a view is automatically updatable: one
// table (or updatable view) in FROM, and no DISTINCT, GROUP BY, HAVING,
// window, LIMIT, set operation, WITH or aggregate in its query.
func viewUpdatable(s *Session, snap *mvcc.Snapshot, oid base.OID, depth int) bool {
	return updatableView(s, snap, oid, depth) != nil
}

// updatableView returns the query of an automatically updatable view,
// nil when oid is not one.
func updatableView(s *Session, snap *mvcc.Snapshot, oid base.OID, depth int) *ast.SelectStmt {
	rel, err := s.inst.Catalog.RelationByOID(snap, oid)
	if err != nil || rel == nil || rel.Kind != catalog.KindView || depth > 20 {
		return nil
	}
	def, err := s.inst.Catalog.ViewDefinition(snap, oid)
	if err != nil {
		return nil
	}
	stmts, err := parser.Parse(def)
	if err != nil || len(stmts) != 1 {
		return nil
	}
	sel, ok := stmts[0].(*ast.SelectStmt)
	if !ok || sel.With != nil || sel.Distinct || sel.DistinctOn != nil || sel.GroupBy != nil || sel.Having != nil ||
		sel.Windows != nil || sel.Values != nil || sel.Op != ast.SetOpNone || sel.Limit != nil || sel.Offset != nil ||
		len(sel.From) != 1 {
		return nil
	}
	for _, t := range sel.Targets {
		if fc, ok := t.Val.(*ast.FuncCall); ok {
			for _, f := range funcs.Lookup(fc.Names[len(fc.Names)-1]) {
				if f.Kind != funcs.KindNormal || f.RetSet {
					return nil
				}
			}
		}
	}
	rv, ok := sel.From[0].(*ast.RangeVar)
	if !ok {
		return nil
	}
	base, err := s.lookupRelation(snap, rv.Schema, rv.Name)
	if err != nil || base == nil {
		return nil
	}
	if base.Kind == catalog.KindTable || viewUpdatable(s, snap, base.OID, depth+1) {
		return sel
	}
	return nil
}
