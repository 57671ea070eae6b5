package main

import (
	"fmt"
	"strings"
)

// psql's backslash commands. Each sends the catalog queries psql 15 sends
// (recorded with psql -E in testdata/psql/describe.txt) and formats their
// rows as psql does (describe.c).

// meta runs one backslash command; false means quit.
func (t *term) meta(line string) bool {
	cmd, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	t.failed = false
	switch cmd {
	case `\q`:
		return false
	case `\?`:
		fmt.Fprint(t.out, help)
	case `\timing`:
		t.timing = toggle(t.timing, arg)
		fmt.Fprintf(t.out, "Timing is %s.\n", onOff(t.timing))
	case `\x`:
		t.expanded = toggle(t.expanded, arg)
		fmt.Fprintf(t.out, "Expanded display is %s.\n", onOff(t.expanded))
	case `\d`:
		if arg != "" {
			t.describe(arg)
		} else {
			t.listRelations("tvmsE", arg)
		}
	case `\dt`:
		t.listRelations("t", arg)
	case `\di`:
		t.listRelations("i", arg)
	case `\dv`:
		t.listRelations("v", arg)
	case `\ds`:
		t.listRelations("s", arg)
	case `\dn`:
		t.list("List of schemas", listSchemas)
	case `\df`:
		t.list("List of functions", listFunctions)
	case `\l`:
		t.list("List of databases", listDatabases)
	case `\du`:
		t.listRoles()
	default:
		t.failed = true
		fmt.Fprintf(t.out, "invalid command %s\nTry \\? for help.\n", cmd)
	}
	return true
}

const help = `General
  \q                     quit tusk
  \?                     show this help
  \timing [on|off]       toggle timing of commands
  \x [on|off]            toggle expanded output

Informational
  \d                     list tables, views and sequences
  \d NAME                describe table, view, sequence, or index
  \dt [PATTERN]          list tables
  \di [PATTERN]          list indexes
  \dv [PATTERN]          list views
  \ds [PATTERN]          list sequences
  \dn                    list schemas
  \df                    list functions
  \du                    list roles
  \l                     list databases

`

func toggle(cur bool, arg string) bool {
	switch strings.ToLower(arg) {
	case "on":
		return true
	case "off":
		return false
	}
	return !cur
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// fetch runs a catalog query; on error it prints it and returns nil.
func (t *term) fetch(sql string) *result {
	res, err := t.query(sql)
	if err != nil {
		printErr(t.out, err)
		t.failed = true
		return nil
	}
	return res
}

// list prints a listing query under a title.
func (t *term) list(title, sql string) {
	if res := t.fetch(sql); res != nil {
		res.title = title
		t.print(res)
	}
}

// listRelations is psql's listTables: kinds holds t(ables), v(iews),
// m(aterialized views), i(ndexes), s(equences) and E (foreign tables).
func (t *term) listRelations(kinds, pattern string) {
	has := func(k string) bool { return strings.Contains(kinds, k) }
	var b strings.Builder
	b.WriteString(`SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"`)
	if has("i") {
		b.WriteString(",\n  c2.relname as \"Table\"")
	}
	b.WriteString("\nFROM pg_catalog.pg_class c\n     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace")
	if has("t") || has("m") || has("i") {
		b.WriteString("\n     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam")
	}
	if has("i") {
		b.WriteString("\n     LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid\n     LEFT JOIN pg_catalog.pg_class c2 ON i.indrelid = c2.oid")
	}
	b.WriteString("\nWHERE c.relkind IN (")
	if has("t") {
		b.WriteString("'r','p',")
		if pattern != "" {
			b.WriteString("'t',")
		}
	}
	if has("v") {
		b.WriteString("'v',")
	}
	if has("m") {
		b.WriteString("'m',")
	}
	if has("i") {
		b.WriteString("'i','I',")
	}
	if has("s") {
		b.WriteString("'S',")
	}
	if pattern != "" {
		b.WriteString("'s',")
	}
	if has("E") {
		b.WriteString("'f',")
	}
	b.WriteString("'')\n")
	if pattern == "" {
		b.WriteString("      AND n.nspname <> 'pg_catalog'\n      AND n.nspname !~ '^pg_toast'\n      AND n.nspname <> 'information_schema'\n")
	}
	b.WriteString(namePattern(pattern, true, "n.nspname", "c.relname", "pg_catalog.pg_table_is_visible(c.oid)"))
	b.WriteString("ORDER BY 1,2;")
	res := t.fetch(b.String())
	if res == nil {
		return
	}
	if len(res.rows) == 0 {
		if pattern != "" {
			fmt.Fprintf(t.out, "Did not find any relation named \"%s\".\n", pattern)
		} else {
			fmt.Fprintln(t.out, "Did not find any relations.")
		}
		return
	}
	res.title = "List of relations"
	t.print(res)
}

// namePattern is psql's processSQLNamePattern: a pattern "[schema.]name"
// with * and ? wildcards becomes regular-expression conditions on the
// schema and name columns; without a schema the visibility rule applies.
func namePattern(pattern string, haveWhere bool, schemaCol, nameCol, visibility string) string {
	if pattern == "" {
		return "  AND " + visibility + "\n"
	}
	schema, name, qualified := splitPattern(pattern)
	var b strings.Builder
	cond := func(s string) {
		if haveWhere {
			b.WriteString("  AND ")
		} else {
			b.WriteString("WHERE ")
			haveWhere = true
		}
		b.WriteString(s + "\n")
	}
	if name != "^(.*)$" {
		cond(nameCol + " OPERATOR(pg_catalog.~) " + literal(name) + " COLLATE pg_catalog.default")
	}
	if qualified {
		if schema != "^(.*)$" {
			cond(schemaCol + " OPERATOR(pg_catalog.~) " + literal(schema) + " COLLATE pg_catalog.default")
		}
	} else {
		cond(visibility)
	}
	return b.String()
}

// splitPattern converts a psql pattern to anchored regular expressions:
// unquoted letters are lowercased, * matches anything, ? one character,
// and a dot outside quotes separates the schema from the name.
func splitPattern(p string) (schema, name string, qualified bool) {
	var cur, prev strings.Builder
	inQuotes := false
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '"':
			if inQuotes && i+1 < len(rs) && rs[i+1] == '"' {
				cur.WriteRune('"')
				i++
			} else {
				inQuotes = !inQuotes
			}
		case !inQuotes && c == '.':
			prev.Reset()
			prev.WriteString(cur.String())
			cur.Reset()
			qualified = true
		case !inQuotes && c == '*':
			cur.WriteString(".*")
		case !inQuotes && c == '?':
			cur.WriteRune('.')
		case strings.ContainsRune(`|*+?()[]{}.^$\`, c):
			cur.WriteRune('\\')
			cur.WriteRune(c)
		case !inQuotes:
			cur.WriteString(strings.ToLower(string(c)))
		default:
			cur.WriteRune(c)
		}
	}
	return "^(" + prev.String() + ")$", "^(" + cur.String() + ")$", qualified
}

// literal quotes s as an SQL string literal.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

const listSchemas = `SELECT n.nspname AS "Name",
  pg_catalog.pg_get_userbyid(n.nspowner) AS "Owner"
FROM pg_catalog.pg_namespace n
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY 1;`

const listFunctions = `SELECT n.nspname as "Schema",
  p.proname as "Name",
  pg_catalog.pg_get_function_result(p.oid) as "Result data type",
  pg_catalog.pg_get_function_arguments(p.oid) as "Argument data types",
 CASE p.prokind
  WHEN 'a' THEN 'agg'
  WHEN 'w' THEN 'window'
  WHEN 'p' THEN 'proc'
  ELSE 'func'
 END as "Type"
FROM pg_catalog.pg_proc p
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE pg_catalog.pg_function_is_visible(p.oid)
      AND n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
ORDER BY 1, 2, 4;`

const listDatabases = `SELECT d.datname as "Name",
       pg_catalog.pg_get_userbyid(d.datdba) as "Owner",
       pg_catalog.pg_encoding_to_char(d.encoding) as "Encoding",
       d.datcollate as "Collate",
       d.datctype as "Ctype",
       d.daticulocale as "ICU Locale",
       CASE d.datlocprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS "Locale Provider",
       pg_catalog.array_to_string(d.datacl, E'\n') AS "Access privileges"
FROM pg_catalog.pg_database d
ORDER BY 1;`

const listRoles = `SELECT r.rolname, r.rolsuper, r.rolinherit,
  r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
  r.rolconnlimit, r.rolvaliduntil,
  ARRAY(SELECT b.rolname
        FROM pg_catalog.pg_auth_members m
        JOIN pg_catalog.pg_roles b ON (m.roleid = b.oid)
        WHERE m.member = r.oid) as memberof
, r.rolreplication
, r.rolbypassrls
FROM pg_catalog.pg_roles r
WHERE r.rolname !~ '^pg_'
ORDER BY 1;`

// listRoles is \du: psql turns the role's flags into "Attributes".
func (t *term) listRoles() {
	res := t.fetch(listRoles)
	if res == nil {
		return
	}
	out := &result{title: "List of roles", cols: []string{"Role name", "Attributes", "Member of"}}
	for _, r := range res.rows {
		var attrs []string
		add := func(cond bool, s string) {
			if cond {
				attrs = append(attrs, s)
			}
		}
		add(r[1] == "t", "Superuser")
		add(r[2] != "t", "No inheritance")
		add(r[3] == "t", "Create role")
		add(r[4] == "t", "Create DB")
		add(r[5] != "t", "Cannot login")
		add(r[9] == "t", "Replication")
		add(r[10] == "t", "Bypass RLS")
		switch r[6] {
		case "-1":
		case "0":
			attrs = append(attrs, "No connections")
		case "1":
			attrs = append(attrs, "1 connection")
		default:
			attrs = append(attrs, r[6]+" connections")
		}
		add(r[7] != "", "Password valid until "+r[7])
		out.rows = append(out.rows, []string{r[0], strings.Join(attrs, ", "), r[8]})
	}
	out.noCount = true
	t.print(out)
}
