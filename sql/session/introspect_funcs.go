package session

import (
	"fmt"
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/analyze"
	"github.com/tuskdb/tusk/sql/ast"
	"github.com/tuskdb/tusk/sql/funcs"
	"github.com/tuskdb/tusk/sql/types"
)

// The introspection functions that read the catalog, with PostgreSQL
// 15's OIDs and semantics: format_type, pg_get_indexdef/viewdef/
// constraintdef/expr, pg_get_userbyid, pg_*_is_visible, the relation size
// functions, current_schema(s), the *_description functions,
// has_*_privilege (one superuser: always true once the object exists),
// and pg_get_function_result/arguments/identity_arguments.

func init() {
	RegisterFuncs(introspectFuncs)
	for _, p := range introspectProcs {
		name, rest, _ := strings.Cut(p.sig, "(")
		sig, retName, _ := strings.Cut(rest, ") ")
		f := &funcs.Func{OID: base.OID(p.oid), Name: name, Ret: typeNamed(retName), Strict: p.strict,
			Volatility: funcs.Volatility(p.vol), Kind: funcs.KindNormal, Src: p.src}
		if sig != "" {
			for _, a := range strings.Split(sig, ",") {
				f.Args = append(f.Args, typeNamed(a))
			}
		}
		catalog.RegisterProc(f)
	}
}

// typeNamed returns the built-in type called name ("name[]" for arrays).
func typeNamed(name string) *types.T {
	arr := strings.HasSuffix(name, "[]")
	t, ok := types.ByName(strings.TrimSuffix(name, "[]"))
	if !ok {
		t = types.Text
	}
	if arr {
		t = t.Array()
	}
	return t
}

// introspectProcs are the pg_proc rows of this file's functions.
var introspectProcs = []struct {
	oid    uint32
	sig    string
	strict bool
	vol    byte
	src    string
}{
	{1081, "format_type(oid,int4) text", false, 's', "format_type"},
	{1643, "pg_get_indexdef(oid) text", true, 's', "pg_get_indexdef"},
	{2507, "pg_get_indexdef(oid,int4,bool) text", true, 's', "pg_get_indexdef_ext"},
	{1640, "pg_get_viewdef(text) text", true, 's', "pg_get_viewdef_name"},
	{1641, "pg_get_viewdef(oid) text", true, 's', "pg_get_viewdef"},
	{2505, "pg_get_viewdef(text,bool) text", true, 's', "pg_get_viewdef_name_ext"},
	{2506, "pg_get_viewdef(oid,bool) text", true, 's', "pg_get_viewdef_ext"},
	{3159, "pg_get_viewdef(oid,int4) text", true, 's', "pg_get_viewdef_wrap"},
	{1387, "pg_get_constraintdef(oid) text", true, 's', "pg_get_constraintdef"},
	{2508, "pg_get_constraintdef(oid,bool) text", true, 's', "pg_get_constraintdef_ext"},
	{1716, "pg_get_expr(pg_node_tree,oid) text", true, 's', "pg_get_expr"},
	{2509, "pg_get_expr(pg_node_tree,oid,bool) text", true, 's', "pg_get_expr_ext"},
	{1642, "pg_get_userbyid(oid) name", true, 's', "pg_get_userbyid"},
	{2079, "pg_table_is_visible(oid) bool", true, 's', "pg_table_is_visible"},
	{2080, "pg_type_is_visible(oid) bool", true, 's', "pg_type_is_visible"},
	{2081, "pg_function_is_visible(oid) bool", true, 's', "pg_function_is_visible"},
	{2325, "pg_relation_size(regclass) int8", true, 'v', "pg_relation_size"},
	{2332, "pg_relation_size(regclass,text) int8", true, 'v', "pg_relation_size"},
	{2997, "pg_table_size(regclass) int8", true, 'v', "pg_table_size"},
	{2998, "pg_indexes_size(regclass) int8", true, 'v', "pg_indexes_size"},
	{2286, "pg_total_relation_size(regclass) int8", true, 'v', "pg_total_relation_size"},
	{2999, "pg_relation_filenode(regclass) oid", true, 's', "pg_relation_filenode"},
	{1403, "current_schemas(bool) name[]", true, 's', "current_schemas"},
	{1215, "obj_description(oid,name) text", true, 's', ""},
	{1348, "obj_description(oid) text", true, 's', ""},
	{1216, "col_description(oid,int4) text", true, 's', ""},
	{1993, "shobj_description(oid,name) text", true, 's', ""},
	{1922, "has_table_privilege(name,text,text) bool", true, 's', "has_table_privilege_name_name"},
	{1923, "has_table_privilege(name,oid,text) bool", true, 's', "has_table_privilege_name_id"},
	{1924, "has_table_privilege(oid,text,text) bool", true, 's', "has_table_privilege_id_name"},
	{1925, "has_table_privilege(oid,oid,text) bool", true, 's', "has_table_privilege_id_id"},
	{1926, "has_table_privilege(text,text) bool", true, 's', "has_table_privilege_name"},
	{1927, "has_table_privilege(oid,text) bool", true, 's', "has_table_privilege_id"},
	{2268, "has_schema_privilege(name,text,text) bool", true, 's', "has_schema_privilege_name_name"},
	{2269, "has_schema_privilege(name,oid,text) bool", true, 's', "has_schema_privilege_name_id"},
	{2270, "has_schema_privilege(oid,text,text) bool", true, 's', "has_schema_privilege_id_name"},
	{2271, "has_schema_privilege(oid,oid,text) bool", true, 's', "has_schema_privilege_id_id"},
	{2272, "has_schema_privilege(text,text) bool", true, 's', "has_schema_privilege_name"},
	{2273, "has_schema_privilege(oid,text) bool", true, 's', "has_schema_privilege_id"},
	{2250, "has_database_privilege(name,text,text) bool", true, 's', "has_database_privilege_name_name"},
	{2251, "has_database_privilege(name,oid,text) bool", true, 's', "has_database_privilege_name_id"},
	{2252, "has_database_privilege(oid,text,text) bool", true, 's', "has_database_privilege_id_name"},
	{2253, "has_database_privilege(oid,oid,text) bool", true, 's', "has_database_privilege_id_id"},
	{2254, "has_database_privilege(text,text) bool", true, 's', "has_database_privilege_name"},
	{2255, "has_database_privilege(oid,text) bool", true, 's', "has_database_privilege_id"},
	{2165, "pg_get_function_result(oid) text", true, 's', "pg_get_function_result"},
	{2162, "pg_get_function_arguments(oid) text", true, 's', "pg_get_function_arguments"},
	{2232, "pg_get_function_identity_arguments(oid) text", true, 's', "pg_get_function_identity_arguments"},
}

// introspector evaluates the functions for one statement.
type introspector struct {
	s    *Session
	snap *mvcc.Snapshot
}

// textish reports whether an argument of type t resolves to a text
// overload (unknown literals prefer the string category).
func textish(t *types.T) bool {
	switch t {
	case types.Text, types.Varchar, types.Name, types.Bpchar, types.Unknown:
		return true
	}
	return false
}

// oidish reports whether an argument of type t coerces to oid.
func oidish(t *types.T) bool {
	switch t {
	case types.Oid, types.Int2, types.Int4, types.Int8, types.Unknown:
		return true
	}
	return analyze.IsRegType(t)
}

func sdef(oid uint32, args []*types.T, ret *types.T, fn func([]types.Datum) (types.Datum, error)) *analyze.SessionFuncDef {
	return &analyze.SessionFuncDef{OID: oid, Args: args, Ret: ret, Strict: true, Fn: fn}
}

func oidArg(d types.Datum) base.OID {
	v, _ := d.(int64)
	return base.OID(uint32(v))
}

// regclassish reports whether an argument of type t converts implicitly
// to regclass (an OID type, an integer, text or an untyped literal).
func regclassish(t *types.T) bool {
	return oidish(t) || t == types.Text || t == types.Varchar
}

func introspectFuncs(s *Session, snap *mvcc.Snapshot, name string, in []*types.T) *analyze.SessionFuncDef {
	f := &introspector{s: s, snap: snap}
	n := len(in)
	switch name {
	case "pg_relation_size", "pg_table_size", "pg_indexes_size", "pg_total_relation_size", "pg_relation_filenode":
		if n == 0 || !regclassish(in[0]) {
			return nil // PostgreSQL's 42883: no implicit cast from, e.g., name
		}
	}
	switch name {
	case "format_type":
		if n != 2 {
			return nil
		}
		d := sdef(1081, []*types.T{types.Oid, types.Int4}, types.Text, f.formatType)
		d.Strict = false
		return d
	case "pg_get_indexdef":
		switch n {
		case 1:
			return sdef(1643, []*types.T{types.Oid}, types.Text, func(a []types.Datum) (types.Datum, error) {
				return f.indexDef(oidArg(a[0]), 0, false)
			})
		case 3:
			return sdef(2507, []*types.T{types.Oid, types.Int4, types.Bool}, types.Text, func(a []types.Datum) (types.Datum, error) {
				return f.indexDef(oidArg(a[0]), int(a[1].(int64)), a[2] == true)
			})
		}
	case "pg_get_viewdef":
		if n < 1 || n > 2 {
			return nil
		}
		byName := textish(in[0])
		args := []*types.T{types.Oid}
		oid := uint32(1641)
		if byName {
			args, oid = []*types.T{types.Text}, 1640
		}
		if n == 2 {
			if in[1] == types.Int4 || in[1] == types.Int2 || in[1] == types.Int8 {
				if byName {
					return nil
				}
				args, oid = append(args, types.Int4), 3159
			} else {
				args = append(args, types.Bool)
				oid = map[bool]uint32{true: 2505, false: 2506}[byName]
			}
		}
		return sdef(oid, args, types.Text, func(a []types.Datum) (types.Datum, error) {
			pretty := len(a) == 2 && a[1] == true
			if byName {
				rel, err := s.relationByName(snap, a[0].(string))
				if err != nil {
					return nil, err
				}
				return f.viewDef(rel.OID, pretty)
			}
			return f.viewDef(oidArg(a[0]), pretty)
		})
	case "pg_get_constraintdef":
		if n != 1 && n != 2 {
			return nil
		}
		args := []*types.T{types.Oid}
		oid := uint32(1387)
		if n == 2 {
			args, oid = append(args, types.Bool), 2508
		}
		return sdef(oid, args, types.Text, func(a []types.Datum) (types.Datum, error) {
			return f.constraintDef(oidArg(a[0]), len(a) == 2 && a[1] == true)
		})
	case "pg_get_expr":
		if n != 2 && n != 3 {
			return nil
		}
		args := []*types.T{types.Text, types.Oid}
		oid := uint32(1716)
		if n == 3 {
			args, oid = append(args, types.Bool), 2509
		}
		return sdef(oid, args, types.Text, func(a []types.Datum) (types.Datum, error) {
			// Tusk stores expressions as SQL text (catalog C7): analyze
			// and print them as PostgreSQL does; as stored when that fails.
			return f.expr(a[0].(string), oidArg(a[1]), len(a) == 3 && a[2] == true)
		})
	case "pg_get_userbyid":
		if n != 1 {
			return nil
		}
		return sdef(1642, []*types.T{types.Oid}, types.Name, func(a []types.Datum) (types.Datum, error) {
			return userName(oidArg(a[0])), nil
		})
	case "pg_table_is_visible", "pg_type_is_visible", "pg_function_is_visible":
		if n != 1 {
			return nil
		}
		oid := map[string]uint32{"pg_table_is_visible": 2079, "pg_type_is_visible": 2080, "pg_function_is_visible": 2081}[name]
		return sdef(oid, []*types.T{types.Oid}, types.Bool, func(a []types.Datum) (types.Datum, error) {
			return f.visible(name, oidArg(a[0]))
		})
	case "pg_relation_size":
		if n != 1 && n != 2 {
			return nil
		}
		args := []*types.T{types.Regclass}
		oid := uint32(2325)
		if n == 2 {
			args, oid = append(args, types.Text), 2332
		}
		return sdef(oid, args, types.Int8, func(a []types.Datum) (types.Datum, error) {
			fork := "main"
			if len(a) == 2 {
				fork = a[1].(string)
			}
			return f.relationSize(oidArg(a[0]), fork)
		})
	case "pg_table_size", "pg_indexes_size", "pg_total_relation_size":
		if n != 1 {
			return nil
		}
		oid := map[string]uint32{"pg_table_size": 2997, "pg_indexes_size": 2998, "pg_total_relation_size": 2286}[name]
		return sdef(oid, []*types.T{types.Regclass}, types.Int8, func(a []types.Datum) (types.Datum, error) {
			return f.sizeOf(name, oidArg(a[0]))
		})
	case "pg_relation_filenode":
		if n != 1 {
			return nil
		}
		return sdef(2999, []*types.T{types.Regclass}, types.Oid, func(a []types.Datum) (types.Datum, error) {
			rel, err := s.inst.Catalog.RelationByOID(snap, oidArg(a[0]))
			if err != nil || rel == nil || !hasStorage(rel) {
				return nil, err
			}
			return int64(rel.Node.Rel), nil
		})
	case "current_schema":
		if n != 0 {
			return nil
		}
		return sdef(1402, nil, types.Name, func([]types.Datum) (types.Datum, error) {
			names, err := f.schemas(false)
			if err != nil || len(names) == 0 {
				return nil, err
			}
			return names[0], nil
		})
	case "current_schemas":
		if n != 1 {
			return nil
		}
		return sdef(1403, []*types.T{types.Bool}, types.NameArray, func(a []types.Datum) (types.Datum, error) {
			names, err := f.schemas(a[0].(bool))
			if err != nil {
				return nil, err
			}
			elems := make([]types.Datum, len(names))
			for i, nm := range names {
				elems[i] = nm
			}
			return types.NewArray(types.Name, elems), nil
		})
	case "obj_description", "shobj_description":
		if n < 1 || n > 2 || name == "shobj_description" && n != 2 {
			return nil
		}
		args := []*types.T{types.Oid}
		oid := uint32(1348)
		if n == 2 {
			args, oid = append(args, types.Name), 1215
			if name == "shobj_description" {
				oid = 1993
			}
		}
		return sdef(oid, args, types.Text, func(a []types.Datum) (types.Datum, error) {
			return f.description(name, a)
		})
	case "col_description":
		if n != 2 {
			return nil
		}
		return sdef(1216, []*types.T{types.Oid, types.Int4}, types.Text, func(a []types.Datum) (types.Datum, error) {
			return f.description(name, a)
		})
	case "has_table_privilege", "has_schema_privilege", "has_database_privilege":
		return f.privilegeFunc(name, in)
	case "pg_get_function_result", "pg_get_function_arguments", "pg_get_function_identity_arguments":
		if n != 1 {
			return nil
		}
		oid := map[string]uint32{"pg_get_function_result": 2165, "pg_get_function_arguments": 2162, "pg_get_function_identity_arguments": 2232}[name]
		return sdef(oid, []*types.T{types.Oid}, types.Text, func(a []types.Datum) (types.Datum, error) {
			fn, ok := funcs.ByOID(oidArg(a[0]))
			if !ok {
				return nil, nil
			}
			if name == "pg_get_function_result" {
				ret := formatTypeBe(fn.Ret)
				if fn.RetSet {
					ret = "SETOF " + ret
				}
				return ret, nil
			}
			var parts []string
			firstDefault := len(fn.Args) - len(fn.Defaults)
			for i, t := range fn.Args {
				p := formatTypeBe(t)
				if i < len(fn.ArgNames) && fn.ArgNames[i] != "" {
					p = ast.QuoteIdent(fn.ArgNames[i]) + " " + p
				}
				if fn.Variadic != nil && i == len(fn.Args)-1 {
					p = "VARIADIC " + p
				}
				if name == "pg_get_function_arguments" && i >= firstDefault && fn.Defaults[i-firstDefault] != nil {
					d := types.Format(t, fn.Defaults[i-firstDefault])
					if (t == types.Float8 || t == types.Float4) && !strings.ContainsAny(d, ".eEn") {
						d += ".0" // the numeric literal the default was written as
					}
					if t.Category != 'N' && t != types.Bool {
						d = "'" + strings.ReplaceAll(d, "'", "''") + "'::" + formatTypeBe(t)
					}
					p += " DEFAULT " + d
				}
				parts = append(parts, p)
			}
			return strings.Join(parts, ", "), nil
		})
	}
	return nil
}

// roleNames are the roles of pg_authid: the bootstrap superuser and
// PostgreSQL 15's predefined roles (fixed OIDs).
var roleNames = map[base.OID]string{catalog.BootstrapSuperuser: catalog.SuperuserName,
	3373: "pg_monitor", 3374: "pg_read_all_settings", 3375: "pg_read_all_stats", 3377: "pg_stat_scan_tables",
	4200: "pg_signal_backend", 4544: "pg_checkpoint", 4569: "pg_read_server_files", 4570: "pg_write_server_files",
	4571: "pg_execute_server_program", 6171: "pg_database_owner", 6181: "pg_read_all_data", 6182: "pg_write_all_data"}

// userName is pg_get_userbyid.
func userName(oid base.OID) string {
	if n, ok := roleNames[oid]; ok {
		return n
	}
	return fmt.Sprintf("unknown (OID=%d)", oid)
}

// formatType is format_type(oid, typmod): a NULL typmod is "not given"
// (bpchar then prints as character), -1 is given.
func (f *introspector) formatType(a []types.Datum) (types.Datum, error) {
	if a[0] == nil {
		return nil, nil
	}
	t, ok := types.ByOID(oidArg(a[0]))
	if !ok {
		return "???", nil
	}
	if a[1] == nil {
		return formatTypeBe(t), nil
	}
	return types.FormatType(t, int32(a[1].(int64))), nil
}

// qualifiedRelName is generate_qualified_relation_name: schema.name,
// each part quoted as needed.
func (f *introspector) qualifiedRelName(rel *catalog.Relation) string {
	ns, _ := f.s.inst.Catalog.NamespaceName(f.snap, rel.Namespace)
	return ast.QuoteIdent(ns) + "." + ast.QuoteIdent(rel.Name)
}

// indexDef is pg_get_indexdef: the CREATE INDEX statement of an index, or
// with col > 0 that key column's definition; NULL when oid is no index.
// Pretty mode names the table as the search path sees it.
func (f *introspector) indexDef(oid base.OID, col int, pretty bool) (types.Datum, error) {
	cat := f.s.inst.Catalog
	irel, err := cat.RelationByOID(f.snap, oid)
	if err != nil || irel == nil || irel.Kind != catalog.KindIndex {
		return nil, err
	}
	ix, err := cat.IndexByOID(f.snap, oid)
	if err != nil || ix == nil {
		return nil, err
	}
	table, err := cat.RelationByOID(f.snap, ix.Table)
	if err != nil || table == nil {
		return nil, err
	}
	// Expression columns: pg_index.indexprs holds their SQL texts, in
	// order (index_ddl.go).
	var exprTexts []string
	if ix.Exprs != "" {
		es, err := parseIndexExprs(ix.Exprs)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			exprTexts = append(exprTexts, ast.String(e))
		}
	}
	keyDef := func(i int) string {
		k := ix.Keys[i]
		if k > 0 && int(k) <= len(table.Attrs) {
			return ast.QuoteIdent(table.Attrs[k-1].Name)
		}
		j := 0
		for _, kk := range ix.Keys[:i] {
			if kk == 0 {
				j++
			}
		}
		if j >= len(exprTexts) {
			return "?"
		}
		out, ok := f.s.deparseExpr(f.snap, table, exprTexts[j], nil, -1, pretty)
		if !ok {
			return "(" + exprTexts[j] + ")"
		}
		if looksLikeFunction(out) {
			return out
		}
		return "(" + out + ")"
	}
	if col > 0 {
		if col > len(ix.Keys) {
			return "", nil
		}
		return keyDef(col - 1), nil
	}
	var b strings.Builder
	b.WriteString("CREATE ")
	if ix.Unique {
		b.WriteString("UNIQUE ")
	}
	tableName := f.qualifiedRelName(table)
	if pretty {
		tableName = f.s.relationDisplayName(f.snap, table)
	}
	b.WriteString("INDEX " + ast.QuoteIdent(irel.Name) + " ON " + tableName + " USING btree (")
	for i := 0; i < ix.NKeys && i < len(ix.Keys); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(keyDef(i))
		opt := int16(0)
		if i < len(ix.Options) {
			opt = ix.Options[i]
		}
		if opt&1 != 0 {
			b.WriteString(" DESC")
			if opt&2 == 0 {
				b.WriteString(" NULLS LAST")
			}
		} else if opt&2 != 0 {
			b.WriteString(" NULLS FIRST")
		}
	}
	b.WriteString(")")
	if ix.NKeys < len(ix.Keys) {
		b.WriteString(" INCLUDE (")
		for i := ix.NKeys; i < len(ix.Keys); i++ {
			if i > ix.NKeys {
				b.WriteString(", ")
			}
			b.WriteString(keyDef(i))
		}
		b.WriteString(")")
	}
	if ix.Pred != "" {
		if out, ok := f.s.deparseExpr(f.snap, table, ix.Pred, nil, -1, pretty); ok {
			b.WriteString(" WHERE " + out)
		} else {
			b.WriteString(" WHERE (" + ix.Pred + ")")
		}
	}
	return b.String(), nil
}

// looksLikeFunction mirrors ruleutils' looks_like_function for a printed
// index expression: a function call (name(...)) needs no parentheses.
func looksLikeFunction(s string) bool {
	open := strings.IndexByte(s, '(')
	if open <= 0 || !strings.HasSuffix(s, ")") || strings.HasPrefix(s, "(") {
		return false
	}
	for _, c := range s[:open] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '"' || c == '.') {
			return false
		}
	}
	return stripParens(s[open:]) != s[open:] // the parenthesis after the name closes at the end
}

// viewDef is pg_get_viewdef: the view's query; NULL when oid is no view.
func (f *introspector) viewDef(oid base.OID, pretty bool) (types.Datum, error) {
	rel, err := f.s.inst.Catalog.RelationByOID(f.snap, oid)
	if err != nil || rel == nil || rel.Kind != catalog.KindView {
		return nil, err
	}
	def, err := f.s.inst.Catalog.ViewDefinition(f.snap, oid)
	if err != nil {
		return nil, err
	}
	return f.s.deparseView(f.snap, def, pretty), nil
}

// constraintDef is pg_get_constraintdef; 42704-free: NULL when oid is no
// constraint.
func (f *introspector) constraintDef(oid base.OID, pretty bool) (types.Datum, error) {
	con, err := f.s.inst.Catalog.ConstraintByOID(f.snap, oid)
	if err != nil || con == nil {
		return nil, err
	}
	if con.Type == catalog.ConCheck {
		c := *con
		rel, err := f.s.inst.Catalog.RelationByOID(f.snap, con.Rel)
		if err != nil {
			return nil, err
		}
		if out, ok := f.s.deparseExpr(f.snap, rel, c.Check, nil, -1, pretty); ok {
			c.Check = out
			if !pretty && !strings.HasPrefix(out, "(") {
				c.Check = "(" + out + ")"
			}
		} else if pretty {
			c.Check = stripParens(c.Check)
		}
		con = &c
	}
	return f.s.constraintDef(f.snap, con)
}

// expr is pg_get_expr: text is an expression over relation relid (0 for
// none); a column default's untyped literal takes the column's type.
func (f *introspector) expr(text string, relid base.OID, pretty bool) (types.Datum, error) {
	var rel *catalog.Relation
	if relid != 0 {
		var err error
		if rel, err = f.s.inst.Catalog.RelationByOID(f.snap, relid); err != nil {
			return nil, err
		}
	}
	var colType *types.T
	colMod := int32(-1)
	if rel != nil {
		for _, a := range rel.Attrs {
			if !a.Dropped && a.HasDefault && a.Default == text {
				colType, _ = types.ByOID(a.Type)
				colMod = a.Typmod
				break
			}
		}
	}
	if out, ok := f.s.deparseExpr(f.snap, rel, text, colType, colMod, pretty); ok {
		return out, nil
	}
	if pretty {
		return stripParens(text), nil
	}
	return text, nil
}

// stripParens removes one pair of parentheses around all of s (the
// pretty printer's PRETTY_PAREN at the top level).
func stripParens(s string) string {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return s
	}
	depth, quote := 0, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 && i != len(s)-1 {
				return s // the first parenthesis closes before the end
			}
		}
	}
	return s[1 : len(s)-1]
}

// visible answers pg_table_is_visible & co.: NULL for a missing object.
func (f *introspector) visible(name string, oid base.OID) (types.Datum, error) {
	switch name {
	case "pg_type_is_visible":
		if _, ok := types.ByOID(oid); ok {
			return true, nil // built-in types live in pg_catalog, always searched
		}
		return nil, nil
	case "pg_function_is_visible":
		if _, ok := funcs.ByOID(oid); ok {
			return true, nil
		}
		return nil, nil
	}
	rel, err := f.s.inst.Catalog.RelationByOID(f.snap, oid)
	if err != nil || rel == nil {
		return nil, err
	}
	path, _, err := f.s.searchPath(f.snap)
	if err != nil {
		return nil, err
	}
	for _, ns := range path {
		if ns == rel.Namespace {
			return true, nil
		}
		other, err := f.s.inst.Catalog.LookupRelation(f.s.xact, f.snap, ns, rel.Name)
		if err != nil {
			return nil, err
		}
		if other != nil {
			return false, nil // hidden by an earlier schema
		}
	}
	return false, nil
}

// hasStorage reports whether a relation has files (not a view).
func hasStorage(rel *catalog.Relation) bool { return rel.Kind != catalog.KindView }

// forkSize is the size in bytes of one fork of a relation (0 when the
// file does not exist).
func (f *introspector) forkSize(rel *catalog.Relation, fork base.ForkNumber) (int64, error) {
	if !hasStorage(rel) {
		return 0, nil
	}
	smgr := f.s.inst.Smgr
	ok, err := smgr.Exists(rel.Node, fork)
	if err != nil || !ok {
		return 0, err
	}
	nb, err := smgr.NBlocks(rel.Node, fork)
	if err != nil {
		return 0, err
	}
	return int64(nb) * base.BlockSize, nil
}

// relationSize is pg_relation_size(rel, fork).
func (f *introspector) relationSize(oid base.OID, forkName string) (types.Datum, error) {
	forks := map[string]base.ForkNumber{"main": base.MainFork, "fsm": base.FSMFork, "vm": base.VMFork, "init": 3}
	fork, ok := forks[forkName]
	if !ok {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "invalid fork name").
			WithHint("Valid fork names are \"main\", \"fsm\", \"vm\", and \"init\".")
	}
	rel, err := f.s.inst.Catalog.RelationByOID(f.snap, oid)
	if err != nil || rel == nil {
		return nil, err
	}
	if fork == 3 {
		return int64(0), nil
	}
	n, err := f.forkSize(rel, fork)
	if err != nil {
		return nil, err
	}
	return n, nil
}

// allForks is the size of every fork of a relation.
func (f *introspector) allForks(rel *catalog.Relation) (int64, error) {
	var total int64
	for _, fork := range []base.ForkNumber{base.MainFork, base.FSMFork, base.VMFork} {
		n, err := f.forkSize(rel, fork)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// sizeOf is pg_table_size, pg_indexes_size and pg_total_relation_size.
func (f *introspector) sizeOf(name string, oid base.OID) (types.Datum, error) {
	cat := f.s.inst.Catalog
	rel, err := cat.RelationByOID(f.snap, oid)
	if err != nil || rel == nil {
		return nil, err
	}
	var total int64
	if name != "pg_indexes_size" {
		n, err := f.allForks(rel)
		if err != nil {
			return nil, err
		}
		total += n
	}
	if name != "pg_table_size" && rel.Kind == catalog.KindTable {
		ixs, err := cat.Indexes(f.snap, rel.OID)
		if err != nil {
			return nil, err
		}
		for _, ix := range ixs {
			if ix.Rel == nil || ix.Rel.Name == "" {
				continue
			}
			n, err := f.allForks(ix.Rel)
			if err != nil {
				return nil, err
			}
			total += n
		}
	}
	return total, nil
}

// schemas is current_schemas(implicit): the schemas of the search path
// that exist, with pg_catalog first when implicit asks for it.
func (f *introspector) schemas(implicit bool) ([]string, error) {
	path, explicit, err := f.s.searchPath(f.snap)
	if err != nil {
		return nil, err
	}
	if !implicit {
		path = explicit
	}
	var out []string
	for _, ns := range path {
		name, err := f.s.inst.Catalog.NamespaceName(f.snap, ns)
		if err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, nil
}

// description reads a comment from pg_description (obj_description,
// col_description); shared objects have none (shobj_description).
func (f *introspector) description(name string, a []types.Datum) (types.Datum, error) {
	cat := f.s.inst.Catalog
	obj := oidArg(a[0])
	classes := []string{"pg_class", "pg_namespace", "pg_proc", "pg_type", "pg_constraint"}
	sub := int32(0)
	switch {
	case name == "shobj_description":
		return nil, nil
	case name == "col_description":
		classes, sub = []string{"pg_class"}, int32(a[1].(int64))
	case len(a) == 2:
		classes = []string{a[1].(string)}
	}
	for _, cl := range classes {
		rel, err := f.s.lookupRelation(f.snap, "pg_catalog", cl)
		if err != nil || rel == nil {
			return nil, err
		}
		text, ok, err := cat.Description(f.snap, obj, rel.OID, sub)
		if err != nil || ok {
			if err != nil {
				return nil, err
			}
			return text, nil
		}
	}
	return nil, nil
}

// privilegeFunc resolves has_table_privilege, has_schema_privilege and
// has_database_privilege in their six forms: ([user,] object, privilege)
// where user and object are a name or an OID.
func (f *introspector) privilegeFunc(name string, in []*types.T) *analyze.SessionFuncDef {
	n := len(in)
	if n != 2 && n != 3 {
		return nil
	}
	base := map[string]uint32{"has_table_privilege": 1922, "has_schema_privilege": 2268, "has_database_privilege": 2250}[name]
	var args []*types.T
	userByName, objByName := false, false
	if n == 3 {
		userByName = textish(in[0])
		if !userByName && !oidish(in[0]) {
			return nil
		}
		args = append(args, map[bool]*types.T{true: types.Name, false: types.Oid}[userByName])
	}
	objByName = textish(in[n-2])
	if !objByName && !oidish(in[n-2]) {
		return nil
	}
	args = append(args, map[bool]*types.T{true: types.Text, false: types.Oid}[objByName], types.Text)
	// PostgreSQL's OIDs: name/text, name/oid, oid/text, oid/oid, text, oid.
	var oid uint32
	switch {
	case n == 3 && userByName && objByName:
		oid = base
	case n == 3 && userByName:
		oid = base + 1
	case n == 3 && objByName:
		oid = base + 2
	case n == 3:
		oid = base + 3
	case objByName:
		oid = base + 4
	default:
		oid = base + 5
	}
	return sdef(oid, args, types.Bool, func(a []types.Datum) (types.Datum, error) {
		if n == 3 {
			if userByName {
				found := false
				for _, r := range roleNames {
					found = found || r == a[0].(string)
				}
				if !found {
					return nil, pgerr.New(pgerr.UndefinedObject, "role %q does not exist", a[0].(string))
				}
			} else if _, ok := roleNames[oidArg(a[0])]; !ok {
				return nil, nil
			}
			a = a[1:]
		}
		if err := checkPrivileges(name, a[1].(string)); err != nil {
			return nil, err
		}
		exists, err := f.privilegeObject(name, a[0], objByName)
		if err != nil || !exists {
			return nil, err
		}
		return true, nil
	})
}

// privilegeObject checks the object of a has_*_privilege call exists:
// by name an error when not (42P01, 3F000, 3D000), by OID false (NULL).
func (f *introspector) privilegeObject(name string, obj types.Datum, byName bool) (bool, error) {
	cat := f.s.inst.Catalog
	switch name {
	case "has_table_privilege":
		if byName {
			_, err := f.s.relationByName(f.snap, obj.(string))
			return err == nil, err
		}
		rel, err := cat.RelationByOID(f.snap, oidArg(obj))
		return rel != nil, err
	case "has_schema_privilege":
		if byName {
			_, ok, err := cat.LookupNamespaceX(f.s.xact, f.snap, obj.(string))
			if err == nil && !ok {
				err = pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", obj.(string))
			}
			return ok, err
		}
		nm, err := cat.NamespaceName(f.snap, oidArg(obj))
		return nm != "", err
	default:
		if byName {
			if db := obj.(string); db != catalog.DatabaseName {
				return false, pgerr.New(pgerr.UndefinedDatabase, "database %q does not exist", db)
			}
			return true, nil
		}
		return oidArg(obj) == catalog.DatabaseOID, nil
	}
}

// checkPrivileges validates a privilege list ("SELECT, INSERT WITH
// GRANT OPTION"): 22023 for an unknown privilege.
func checkPrivileges(fn, list string) error {
	valid := map[string][]string{
		"has_table_privilege":    {"select", "insert", "update", "delete", "truncate", "references", "trigger"},
		"has_schema_privilege":   {"create", "usage"},
		"has_database_privilege": {"create", "connect", "temporary", "temp"},
	}[fn]
	for _, p := range strings.Split(list, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		p = strings.TrimSpace(strings.TrimSuffix(p, "with grant option"))
		ok := false
		for _, v := range valid {
			ok = ok || p == v
		}
		if !ok {
			return pgerr.New(pgerr.InvalidParameterValue, "unrecognized privilege type: %q", strings.TrimSpace(p))
		}
	}
	return nil
}
