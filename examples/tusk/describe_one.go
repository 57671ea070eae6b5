package main

import (
	"fmt"
	"strings"
)

// describe is \d NAME: psql's describeTableDetails. It finds the relations
// the pattern matches, then describes each by its kind.
func (t *term) describe(pattern string) {
	lookup := `SELECT c.oid,
  n.nspname,
  c.relname
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
` + namePattern(pattern, false, "n.nspname", "c.relname", "pg_catalog.pg_table_is_visible(c.oid)") + `ORDER BY 2, 3;`
	res := t.fetch(lookup)
	if res == nil {
		return
	}
	if len(res.rows) == 0 {
		fmt.Fprintf(t.out, "Did not find any relation named \"%s\".\n", pattern)
		t.failed = true
		return
	}
	for _, r := range res.rows {
		if !t.describeOne(r[0], r[1], r[2]) {
			return
		}
	}
}

// sub replaces psql's inlined OID in a recorded query.
func sub(q, oid string) string { return strings.ReplaceAll(q, "{{oid}}", oid) }

const relInfo = `SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, '', c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, am.amname
FROM pg_catalog.pg_class c
 LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)
LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)
WHERE c.oid = '{{oid}}';`

const relColumns = `SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
  a.attidentity,
  a.attgenerated
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '{{oid}}' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;`

const tableIndexes = `SELECT c2.relname, i.indisprimary, i.indisunique, i.indisclustered, i.indisvalid, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),
  pg_catalog.pg_get_constraintdef(con.oid, true), contype, condeferrable, condeferred, i.indisreplident, c2.reltablespace
FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i
  LEFT JOIN pg_catalog.pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x'))
WHERE c.oid = '{{oid}}' AND c.oid = i.indrelid AND i.indexrelid = c2.oid
ORDER BY i.indisprimary DESC, c2.relname;`

const tableChecks = `SELECT r.conname, pg_catalog.pg_get_constraintdef(r.oid, true)
FROM pg_catalog.pg_constraint r
WHERE r.conrelid = '{{oid}}' AND r.contype = 'c'
ORDER BY 1;`

const tableForeignKeys = `SELECT true as sametable, conname,
  pg_catalog.pg_get_constraintdef(r.oid, true) as condef,
  conrelid::pg_catalog.regclass AS ontable
FROM pg_catalog.pg_constraint r
WHERE r.conrelid = '{{oid}}' AND r.contype = 'f'
     AND conparentid = 0
ORDER BY conname`

const tableReferencedBy = `SELECT conname, conrelid::pg_catalog.regclass AS ontable,
       pg_catalog.pg_get_constraintdef(oid, true) AS condef
  FROM pg_catalog.pg_constraint c
 WHERE confrelid IN (SELECT pg_catalog.pg_partition_ancestors('{{oid}}')
                     UNION ALL VALUES ('{{oid}}'::pg_catalog.regclass))
       AND contype = 'f' AND conparentid = 0
ORDER BY conname;`

const sequenceInfo = `SELECT pg_catalog.format_type(seqtypid, NULL) AS "Type",
       seqstart AS "Start",
       seqmin AS "Minimum",
       seqmax AS "Maximum",
       seqincrement AS "Increment",
       CASE WHEN seqcycle THEN 'yes' ELSE 'no' END AS "Cycles?",
       seqcache AS "Cache"
FROM pg_catalog.pg_sequence
WHERE seqrelid = '{{oid}}';`

const sequenceOwner = `SELECT pg_catalog.quote_ident(nspname) || '.' ||
   pg_catalog.quote_ident(relname) || '.' ||
   pg_catalog.quote_ident(attname),
   d.deptype
FROM pg_catalog.pg_class c
INNER JOIN pg_catalog.pg_depend d ON c.oid=d.refobjid
INNER JOIN pg_catalog.pg_namespace n ON n.oid=c.relnamespace
INNER JOIN pg_catalog.pg_attribute a ON (
 a.attrelid=c.oid AND
 a.attnum=d.refobjsubid)
WHERE d.classid='pg_catalog.pg_class'::pg_catalog.regclass
 AND d.refclassid='pg_catalog.pg_class'::pg_catalog.regclass
 AND d.objid='{{oid}}'
 AND d.deptype IN ('a', 'i')`

const indexColumns = `SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  CASE WHEN a.attnum <= (SELECT i.indnkeyatts FROM pg_catalog.pg_index i WHERE i.indexrelid = '{{oid}}') THEN 'yes' ELSE 'no' END AS is_key,
  pg_catalog.pg_get_indexdef(a.attrelid, a.attnum, TRUE) AS indexdef
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '{{oid}}' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;`

const indexInfo = `SELECT i.indisunique, i.indisprimary, i.indisclustered, i.indisvalid,
  (NOT i.indimmediate) AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x') AND condeferrable) AS condeferrable,
  (NOT i.indimmediate) AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x') AND condeferred) AS condeferred,
i.indisreplident,
i.indnullsnotdistinct,
  a.amname, c2.relname, pg_catalog.pg_get_expr(i.indpred, i.indrelid, true)
FROM pg_catalog.pg_index i, pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_am a
WHERE i.indexrelid = c.oid AND c.oid = '{{oid}}' AND c.relam = a.oid
AND i.indrelid = c2.oid;`

// kindTitles names a relation kind in the title of \d NAME.
var kindTitles = map[string]string{
	"r": "Table", "p": "Partitioned table", "v": "View", "m": "Materialized view",
	"S": "Sequence", "i": "Index", "I": "Partitioned index", "f": "Foreign table",
	"t": "TOAST table", "c": "Composite type",
}

// describeOne prints one relation; false after an error.
func (t *term) describeOne(oid, schema, name string) bool {
	info := t.fetch(sub(relInfo, oid))
	if info == nil {
		return false
	}
	if len(info.rows) == 0 {
		// Dropped between the two queries, as psql reports it.
		fmt.Fprintf(t.out, "Did not find any relation with OID %s.\n", oid)
		return true
	}
	kind, persistence := info.rows[0][1], info.rows[0][12]
	title := kindTitles[kind]
	if persistence == "u" {
		title = "Unlogged " + strings.ToLower(title[:1]) + title[1:]
	}
	title += fmt.Sprintf(" \"%s\"", schema+"."+name)

	switch kind {
	case "S":
		return t.describeSequence(oid, title)
	case "i", "I":
		return t.describeIndex(oid, schema, title)
	}

	cols := t.fetch(sub(relColumns, oid))
	if cols == nil {
		return false
	}
	out := &result{title: title, noCount: true,
		cols: []string{"Column", "Type", "Collation", "Nullable", "Default"}}
	for _, r := range cols.rows {
		def := r[2]
		switch {
		case r[5] == "a":
			def = "generated always as identity"
		case r[5] == "d":
			def = "generated by default as identity"
		case r[6] == "s":
			def = "generated always as (" + r[2] + ") stored"
		}
		nullable := ""
		if r[3] == "t" {
			nullable = "not null"
		}
		out.rows = append(out.rows, []string{r[0], r[1], r[4], nullable, def})
	}
	if kind == "r" || kind == "p" || kind == "f" || kind == "m" {
		if !t.tableFooters(oid, kind, out) {
			return false
		}
	}
	t.print(out)
	return true
}

// tableFooters adds the indexes and constraints below a table's columns.
func (t *term) tableFooters(oid, kind string, out *result) bool {
	idx := t.fetch(sub(tableIndexes, oid))
	if idx == nil {
		return false
	}
	if len(idx.rows) > 0 {
		out.footers = append(out.footers, "Indexes:")
	}
	for _, r := range idx.rows {
		line := fmt.Sprintf("    \"%s\"", r[0])
		if r[7] == "x" {
			line += " " + r[6]
		} else {
			if r[1] == "t" {
				line += " PRIMARY KEY,"
			} else if r[2] == "t" {
				if r[7] == "u" {
					line += " UNIQUE CONSTRAINT,"
				} else {
					line += " UNIQUE,"
				}
			}
			def := r[5]
			if _, after, ok := strings.Cut(def, " USING "); ok {
				def = after
			}
			line += " " + def
			if r[8] == "t" {
				line += " DEFERRABLE"
			}
			if r[9] == "t" {
				line += " INITIALLY DEFERRED"
			}
		}
		if r[3] == "t" {
			line += " CLUSTER"
		}
		if r[4] != "t" {
			line += " INVALID"
		}
		if r[10] == "t" {
			line += " REPLICA IDENTITY"
		}
		out.footers = append(out.footers, line)
	}

	checks := t.fetch(sub(tableChecks, oid))
	if checks == nil {
		return false
	}
	if len(checks.rows) > 0 {
		out.footers = append(out.footers, "Check constraints:")
	}
	for _, r := range checks.rows {
		out.footers = append(out.footers, fmt.Sprintf("    \"%s\" %s", r[0], r[1]))
	}

	fks := t.fetch(sub(tableForeignKeys, oid))
	if fks == nil {
		return false
	}
	if len(fks.rows) > 0 {
		out.footers = append(out.footers, "Foreign-key constraints:")
	}
	for _, r := range fks.rows {
		if r[0] == "t" {
			out.footers = append(out.footers, fmt.Sprintf("    \"%s\" %s", r[1], r[2]))
		} else {
			out.footers = append(out.footers, fmt.Sprintf("    TABLE \"%s\" CONSTRAINT \"%s\" %s", r[3], r[1], r[2]))
		}
	}

	refs := t.fetch(sub(tableReferencedBy, oid))
	if refs == nil {
		return false
	}
	if len(refs.rows) > 0 {
		out.footers = append(out.footers, "Referenced by:")
	}
	for _, r := range refs.rows {
		out.footers = append(out.footers, fmt.Sprintf("    TABLE \"%s\" CONSTRAINT \"%s\" %s", r[1], r[0], r[2]))
	}
	return true
}

// describeSequence prints a sequence's parameters and its owner.
func (t *term) describeSequence(oid, title string) bool {
	seq := t.fetch(sub(sequenceInfo, oid))
	if seq == nil {
		return false
	}
	owner := t.fetch(sub(sequenceOwner, oid))
	if owner == nil {
		return false
	}
	seq.title, seq.noCount = title, true
	for _, r := range owner.rows {
		switch r[1] {
		case "a":
			seq.footers = append(seq.footers, "Owned by: "+r[0])
		case "i":
			seq.footers = append(seq.footers, "Sequence for identity column: "+r[0])
		}
	}
	t.print(seq)
	return true
}

// describeIndex prints an index's columns and what it indexes.
func (t *term) describeIndex(oid, schema, title string) bool {
	cols := t.fetch(sub(indexColumns, oid))
	if cols == nil {
		return false
	}
	info := t.fetch(sub(indexInfo, oid))
	if info == nil {
		return false
	}
	cols.title, cols.noCount = title, true
	cols.cols = []string{"Column", "Type", "Key?", "Definition"}
	if len(info.rows) == 1 {
		r := info.rows[0]
		var f strings.Builder
		if r[1] == "t" {
			f.WriteString("primary key, ")
		} else if r[0] == "t" {
			f.WriteString("unique")
			if r[7] == "t" {
				f.WriteString(" nulls not distinct")
			}
			f.WriteString(", ")
		}
		fmt.Fprintf(&f, "%s, for table \"%s\"", r[8], schema+"."+r[9])
		if r[10] != "" {
			fmt.Fprintf(&f, ", predicate (%s)", r[10])
		}
		for _, x := range []struct {
			on   bool
			text string
		}{{r[2] == "t", ", clustered"}, {r[3] != "t", ", invalid"}, {r[4] == "t", ", deferrable"},
			{r[5] == "t", ", initially deferred"}, {r[6] == "t", ", replica identity"}} {
			if x.on {
				f.WriteString(x.text)
			}
		}
		cols.footers = append(cols.footers, f.String())
	}
	t.print(cols)
	return true
}
