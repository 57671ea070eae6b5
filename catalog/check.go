package catalog

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/types"
)

// Catalog consistency check (CK1...CK3 in README.md), what pg_catcheck
// does for PostgreSQL: every reference between catalog rows visible to a
// snapshot points at an existing object. Crash tests run it after
// recovery (internal/instance CheckCatalog adds the relation files and
// the B-tree checks).

// maxCheckProblems bounds how many problems one Check reports.
const maxCheckProblems = 20

// CheckResult is what Check found besides problems: the relation files
// the catalog says exist, for the caller to compare with the data
// directory.
type CheckResult struct {
	// Nodes maps each relfilenode of a table, index or sequence visible
	// to the snapshot to its relation's name.
	Nodes map[base.OID]string
	// Indexes lists the B-tree indexes on user tables (OID >=
	// FirstNormalObjectID), for bt_index_check.
	Indexes []base.OID
}

type checkRel struct {
	oid   base.OID
	name  string
	ns    base.OID
	kind  byte
	node  base.OID
	natts int
	attrs map[int16]checkAttr
}

type checkAttr struct {
	name    string
	typ     base.OID
	dropped bool
	hasDef  bool
}

// Check verifies the catalog as snap sees it (CK1) and that the relation
// cache agrees with the catalog for snap (CK2). It returns the relation
// files the catalog names; problems come back as one DataCorrupted error
// listing up to 20 of them.
func (c *Catalog) Check(snap *mvcc.Snapshot) (*CheckResult, error) {
	var problems []string
	bad := func(format string, args ...any) {
		if len(problems) < maxCheckProblems {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	res := &CheckResult{Nodes: map[base.OID]string{}}

	// pg_namespace: unique OIDs and names.
	nss := map[base.OID]string{}
	nsNames := map[string]bool{}
	if err := c.scan(&pgNamespace, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		o, n := base.OID(i64(row[nspOID])), str(row[nspName])
		if _, dup := nss[o]; dup {
			bad("pg_namespace: OID %d appears twice", o)
		}
		if nsNames[n] {
			bad("pg_namespace: schema %q appears twice", n)
		}
		nss[o], nsNames[n] = n, true
		return true, nil
	}); err != nil {
		return nil, err
	}

	// pg_type: the types columns may have.
	typs := map[base.OID]bool{}
	if err := c.scan(&pgType, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		typs[base.OID(i64(row[typOID]))] = true
		if _, ok := nss[base.OID(i64(row[typNamespace]))]; !ok {
			bad("pg_type %q: schema %d does not exist", str(row[typName]), i64(row[typNamespace]))
		}
		return true, nil
	}); err != nil {
		return nil, err
	}
	// Types of catalog columns Tusk has no datum of, stored as other types
	// (storageType, C8), have no pg_type rows yet.
	for _, o := range []base.OID{tNodeTree, tInt2Vector, tOidVector, tAclArray} {
		typs[o] = true
	}

	// pg_class: a schema, a known kind, one row per OID and per
	// (relname, relnamespace), a relfilenode where the kind has storage.
	rels := map[base.OID]*checkRel{}
	names := map[relKey]base.OID{}
	nodes := map[base.OID]base.OID{}
	if err := c.scan(&pgClass, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		r := &checkRel{oid: base.OID(i64(row[relOID])), name: str(row[relName]), ns: base.OID(i64(row[relNamespace])),
			node: base.OID(i64(row[relFilenode])), natts: int(i64(row[relNatts])), attrs: map[int16]checkAttr{}}
		if k := str(row[relKind]); k != "" {
			r.kind = k[0]
		}
		if _, dup := rels[r.oid]; dup {
			bad("pg_class: OID %d appears twice", r.oid)
		}
		rels[r.oid] = r
		if _, ok := nss[r.ns]; !ok {
			bad("relation %q (%d): schema %d does not exist", r.name, r.oid, r.ns)
		}
		key := relKey{r.ns, r.name}
		if other, dup := names[key]; dup {
			bad("relations %d and %d are both named %q in schema %d", other, r.oid, r.name, r.ns)
		}
		names[key] = r.oid
		switch r.kind {
		case KindTable, KindIndex, KindSequence:
			if r.node == base.InvalidOID {
				bad("relation %q (%d) of kind %c has no relfilenode", r.name, r.oid, r.kind)
				break
			}
			if other, dup := nodes[r.node]; dup {
				bad("relations %d and %d share relfilenode %d", other, r.oid, r.node)
			}
			nodes[r.node] = r.oid
			res.Nodes[r.node] = r.name
		case KindView:
			if r.node != base.InvalidOID {
				bad("view %q (%d) has relfilenode %d", r.name, r.oid, r.node)
			}
		default:
			bad("relation %q (%d) has unknown relkind %q", r.name, r.oid, r.kind)
		}
		return true, nil
	}); err != nil {
		return nil, err
	}

	// pg_attribute: rows of existing relations, attnums 1..relnatts with
	// no gaps or repeats, existing types, unique names.
	if err := c.scan(&pgAttribute, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		relid, num := base.OID(i64(row[attRelID])), int16(i64(row[attNum]))
		r := rels[relid]
		if r == nil {
			bad("pg_attribute row %q (attnum %d) of relation %d, which does not exist", str(row[attName]), num, relid)
			return true, nil
		}
		if num <= 0 {
			return true, nil // system columns
		}
		a := checkAttr{name: str(row[attName]), typ: base.OID(i64(row[attTypID])), dropped: boolean(row[attIsDropped]), hasDef: boolean(row[attHasDef])}
		if _, dup := r.attrs[num]; dup {
			bad("relation %q: attnum %d appears twice", r.name, num)
		}
		r.attrs[num] = a
		if a.dropped {
			if a.typ != base.InvalidOID && !typs[a.typ] {
				bad("relation %q: dropped column %d has type %d, which does not exist", r.name, num, a.typ)
			}
		} else if !typs[a.typ] {
			bad("relation %q column %q: type %d does not exist", r.name, a.name, a.typ)
		}
		return true, nil
	}); err != nil {
		return nil, err
	}
	for _, r := range sortedRels(rels) {
		seen := map[string]int16{}
		for n := int16(1); int(n) <= r.natts; n++ {
			a, ok := r.attrs[n]
			if !ok {
				bad("relation %q (%d): pg_attribute lacks attnum %d of %d", r.name, r.oid, n, r.natts)
				continue
			}
			if a.dropped {
				continue
			}
			if prev, dup := seen[a.name]; dup {
				bad("relation %q: columns %d and %d are both named %q", r.name, prev, n, a.name)
			}
			seen[a.name] = n
		}
		for n := range r.attrs {
			if int(n) > r.natts {
				bad("relation %q (%d): pg_attribute has attnum %d past relnatts %d", r.name, r.oid, n, r.natts)
			}
		}
	}
	// col reports whether relation rel has a live column num (0 = the
	// relation itself).
	col := func(rel base.OID, num int64) bool {
		r := rels[rel]
		if r == nil {
			return false
		}
		if num == 0 {
			return true
		}
		a, ok := r.attrs[int16(num)]
		return ok && !a.dropped
	}

	// pg_index: both relations exist with the right kinds; keys are live
	// columns of the table; one row per index; every index has one.
	indexed := map[base.OID]bool{}
	if err := c.scan(&pgIndex, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		ix, tab := base.OID(i64(row[indIndexRelID])), base.OID(i64(row[indRelID]))
		if indexed[ix] {
			bad("pg_index: index %d has two rows", ix)
		}
		indexed[ix] = true
		ir, tr := rels[ix], rels[tab]
		switch {
		case ir == nil:
			bad("pg_index row of index %d, which does not exist (table %d)", ix, tab)
		case ir.kind != KindIndex:
			bad("pg_index row of %q, which is not an index", ir.name)
		}
		switch {
		case tr == nil:
			bad("index %d: its table %d does not exist", ix, tab)
			return true, nil
		case tr.kind != KindTable:
			bad("index %d: its table %q is of kind %c", ix, tr.name, tr.kind)
		}
		keys, _ := row[indKey].(*types.Array)
		nkeys := 0
		if keys != nil {
			nkeys = len(keys.Elems)
			for _, k := range keys.Elems {
				if k := i64(k); k != 0 && !col(tab, k) {
					bad("index %d: key column %d of table %q does not exist", ix, k, tr.name)
				}
			}
		}
		if int(i64(row[indNatts])) != nkeys {
			bad("index %d: indnatts %d but %d keys", ix, i64(row[indNatts]), nkeys)
		}
		if ir != nil && ir.natts != nkeys {
			bad("index %q: relnatts %d but %d keys", ir.name, ir.natts, nkeys)
		}
		if ir != nil && tab >= FirstNormalObjectID {
			res.Indexes = append(res.Indexes, ix)
		}
		return true, nil
	}); err != nil {
		return nil, err
	}
	sort.Slice(res.Indexes, func(i, j int) bool { return res.Indexes[i] < res.Indexes[j] })

	// pg_rewrite: a view's rule, one per view.
	ruled := map[base.OID]bool{}
	rewriteOIDs := map[base.OID]bool{}
	if err := c.scan(&pgRewrite, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		v := base.OID(i64(row[rwEvClass]))
		rewriteOIDs[base.OID(i64(row[rwOID]))] = true
		if r := rels[v]; r == nil {
			bad("pg_rewrite rule %d of relation %d, which does not exist", i64(row[rwOID]), v)
		} else if r.kind != KindView {
			bad("pg_rewrite rule %d of %q, which is not a view", i64(row[rwOID]), r.name)
		}
		if ruled[v] {
			bad("view %d has two rules", v)
		}
		ruled[v] = true
		return true, nil
	}); err != nil {
		return nil, err
	}

	// pg_sequence: one row per sequence.
	seqRows := map[base.OID]bool{}
	if err := c.scan(&pgSequence, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		s := base.OID(i64(row[seqRelID]))
		if r := rels[s]; r == nil || r.kind != KindSequence {
			bad("pg_sequence row of %d, which is not a sequence", s)
		}
		if seqRows[s] {
			bad("sequence %d has two pg_sequence rows", s)
		}
		seqRows[s] = true
		return true, nil
	}); err != nil {
		return nil, err
	}
	for _, r := range sortedRels(rels) {
		switch {
		case r.kind == KindIndex && !indexed[r.oid]:
			bad("index %q (%d) has no pg_index row", r.name, r.oid)
		case r.kind == KindView && !ruled[r.oid]:
			bad("view %q (%d) has no pg_rewrite rule", r.name, r.oid)
		case r.kind == KindSequence && !seqRows[r.oid]:
			bad("sequence %q (%d) has no pg_sequence row", r.name, r.oid)
		}
	}

	// pg_attrdef: one row per column with atthasdef, none for others.
	defs := map[[2]int64]bool{}
	attrdefOIDs := map[base.OID]bool{}
	if err := c.scan(&pgAttrdef, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		rel, num := i64(row[adRelID]), i64(row[adNum])
		attrdefOIDs[base.OID(i64(row[adOID]))] = true
		k := [2]int64{rel, num}
		if defs[k] {
			bad("pg_attrdef: column %d of relation %d has two defaults", num, rel)
		}
		defs[k] = true
		if !col(base.OID(rel), num) || num <= 0 {
			bad("pg_attrdef row %d: column %d of relation %d does not exist", i64(row[adOID]), num, rel)
		} else if !rels[base.OID(rel)].attrs[int16(num)].hasDef {
			bad("pg_attrdef row %d: column %d of relation %q has atthasdef false", i64(row[adOID]), num, rels[base.OID(rel)].name)
		}
		return true, nil
	}); err != nil {
		return nil, err
	}
	for _, r := range sortedRels(rels) {
		for n, a := range r.attrs {
			if a.hasDef && !a.dropped && !defs[[2]int64{int64(r.oid), int64(n)}] {
				bad("relation %q column %q: atthasdef but no pg_attrdef row", r.name, a.name)
			}
		}
	}

	// pg_constraint: its relation, schema, index and referenced table
	// exist, and so do the columns it names.
	conOIDs := map[base.OID]bool{}
	if err := c.scan(&pgConstraint, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		o, name := base.OID(i64(row[conOID])), str(row[conName])
		conOIDs[o] = true
		if _, ok := nss[base.OID(i64(row[conNamespace]))]; !ok {
			bad("constraint %q: schema %d does not exist", name, i64(row[conNamespace]))
		}
		rel := base.OID(i64(row[conRelID]))
		if rel != base.InvalidOID && rels[rel] == nil {
			bad("constraint %q: relation %d does not exist", name, rel)
		}
		if ix := base.OID(i64(row[conIndID])); ix != base.InvalidOID {
			if r := rels[ix]; r == nil || r.kind != KindIndex {
				bad("constraint %q: index %d does not exist", name, ix)
			}
		}
		frel := base.OID(i64(row[conFRelID]))
		if frel != base.InvalidOID && rels[frel] == nil {
			bad("constraint %q: referenced relation %d does not exist", name, frel)
		}
		for _, p := range []struct {
			rel base.OID
			ks  types.Datum
		}{{rel, row[conKey]}, {frel, row[conFKey]}} {
			if a, ok := p.ks.(*types.Array); ok && p.rel != base.InvalidOID && rels[p.rel] != nil {
				for _, k := range a.Elems {
					if !col(p.rel, i64(k)) {
						bad("constraint %q: column %d of %q does not exist", name, i64(k), rels[p.rel].name)
					}
				}
			}
		}
		return true, nil
	}); err != nil {
		return nil, err
	}

	// exists answers whether object obj (sub: column) of catalog class
	// exists, for pg_depend and pg_description.
	procs := map[base.OID]bool{}
	procsRead := false
	exists := func(class, obj base.OID, sub int64) (known, ok bool, err error) {
		switch class {
		case PgClassOID:
			return true, col(obj, sub), nil
		case PgNamespaceOID:
			_, ok := nss[obj]
			return true, ok, nil
		case PgTypeOID:
			return true, typs[obj], nil
		case PgConstraintOID:
			return true, conOIDs[obj], nil
		case PgAttrdefOID:
			return true, attrdefOIDs[obj], nil
		case PgRewriteOID:
			return true, rewriteOIDs[obj], nil
		case PgProcOID:
			if !procsRead {
				procsRead = true
				if err := c.scan(&pgProc, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
					procs[base.OID(i64(row[0]))] = true
					return true, nil
				}); err != nil {
					return false, false, err
				}
			}
			return true, procs[obj], nil
		}
		return false, false, nil
	}

	// pg_depend: both ends exist (dependencies on catalogs Tusk does not
	// check are skipped).
	if err := c.scan(&pgDepend, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		for _, e := range []struct {
			what       string
			class, obj base.OID
			sub        int64
		}{{"object", base.OID(i64(row[depClassID])), base.OID(i64(row[depObjID])), i64(row[depObjSubID])},
			{"referenced object", base.OID(i64(row[depRefClassID])), base.OID(i64(row[depRefObjID])), i64(row[depRefObjSubID])}} {
			if e.class == base.InvalidOID && e.obj == base.InvalidOID {
				continue // a pin
			}
			known, ok, err := exists(e.class, e.obj, e.sub)
			if err != nil {
				return false, err
			}
			if known && !ok {
				bad("pg_depend (%d,%d,%d)->(%d,%d,%d) %s: %s %d/%d (class %d) does not exist",
					i64(row[depClassID]), i64(row[depObjID]), i64(row[depObjSubID]),
					i64(row[depRefClassID]), i64(row[depRefObjID]), i64(row[depRefObjSubID]), str(row[depType]),
					e.what, e.obj, e.sub, e.class)
			}
		}
		return true, nil
	}); err != nil {
		return nil, err
	}

	// pg_description: the commented object exists.
	if err := c.scan(&pgDescription, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		obj, class, sub := base.OID(i64(row[0])), base.OID(i64(row[1])), i64(row[2])
		known, ok, err := exists(class, obj, sub)
		if err != nil {
			return false, err
		}
		if known && !ok {
			bad("pg_description of %d/%d (class %d), which does not exist", obj, sub, class)
		}
		return true, nil
	}); err != nil {
		return nil, err
	}

	// pg_statistic: of a live column of an existing relation.
	stats := map[[2]int64]bool{}
	if err := c.scan(&pgStatistic, snap, func(row []types.Datum, _ base.ItemPointer) (bool, error) {
		rel, num, inh := i64(row[staRelID]), i64(row[staAttNum]), boolean(row[staInherit])
		if !col(base.OID(rel), num) || num == 0 {
			bad("pg_statistic row of column %d of relation %d, which does not exist", num, rel)
		}
		k := [2]int64{rel, num}
		if !inh {
			if stats[k] {
				bad("pg_statistic: column %d of relation %d has two rows", num, rel)
			}
			stats[k] = true
		}
		return true, nil
	}); err != nil {
		return nil, err
	}

	c.checkCache(snap, rels, bad)

	if len(problems) > 0 {
		return res, pgerr.New(pgerr.DataCorrupted, "catalog is inconsistent: %s", strings.Join(problems, "; "))
	}
	return res, nil
}

// checkCache verifies CK2: every relation cache entry usable by snap
// (C3) describes what the catalog holds for snap.
func (c *Catalog) checkCache(snap *mvcc.Snapshot, rels map[base.OID]*checkRel, bad func(string, ...any)) {
	c.mu.Lock()
	type entry struct {
		key relKey
		rel *Relation
	}
	var entries []entry
	if c.cacheUsable(snap) {
		for k, r := range c.cache {
			entries = append(entries, entry{k, r})
		}
	}
	c.mu.Unlock()
	byName := map[relKey]*checkRel{}
	for _, r := range rels {
		byName[relKey{r.ns, r.name}] = r
	}
	for _, e := range entries {
		r := byName[e.key]
		switch {
		case e.rel == nil && r != nil:
			bad("relation cache: %q in schema %d cached as missing but exists (%d)", e.key.name, e.key.ns, r.oid)
		case e.rel == nil:
		case r == nil:
			bad("relation cache: %q in schema %d (%d) cached but does not exist", e.key.name, e.key.ns, e.rel.OID)
		case r.oid != e.rel.OID || r.node != e.rel.Node.Rel || r.kind != e.rel.Kind || len(e.rel.Attrs) != r.natts:
			bad("relation cache: %q (%d, file %d, %d columns) is %d, file %d, %d columns in the catalog",
				e.key.name, e.rel.OID, e.rel.Node.Rel, len(e.rel.Attrs), r.oid, r.node, r.natts)
		default:
			for _, a := range e.rel.Attrs {
				ca := r.attrs[a.Num]
				if ca.name != a.Name || ca.typ != a.Type || ca.dropped != a.Dropped {
					bad("relation cache: %q column %d is %q type %d, %q type %d in the catalog", e.key.name, a.Num, a.Name, a.Type, ca.name, ca.typ)
				}
			}
		}
	}
}

func sortedRels(rels map[base.OID]*checkRel) []*checkRel {
	out := make([]*checkRel, 0, len(rels))
	for _, r := range rels {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].oid < out[j].oid })
	return out
}
