package session

import (
	"fmt"
	"strings"
)

// pg_stats over pg_statistic, PostgreSQL 15's definition (system_views.sql)
// without the privilege and row-security filters (Tusk has one role).
func init() {
	slot := func(kind int, col string, subscript string) string {
		var b strings.Builder
		b.WriteString("CASE")
		for i := 1; i <= 5; i++ {
			if subscript != "" {
				fmt.Fprintf(&b, " WHEN s.stakind%d = %d THEN (SELECT x FROM unnest(s.%s%d) x LIMIT 1)", i, kind, col, i)
				continue
			}
			fmt.Fprintf(&b, " WHEN s.stakind%d = %d THEN s.%s%d", i, kind, col, i)
		}
		b.WriteString(" END")
		return b.String()
	}
	RegisterSystemView("pg_catalog", "pg_stats", "SELECT n.nspname AS schemaname, c.relname AS tablename, a.attname,"+
		" s.stainherit AS inherited, s.stanullfrac AS null_frac, s.stawidth AS avg_width, s.stadistinct AS n_distinct, "+
		slot(1, "stavalues", "")+" AS most_common_vals, "+
		slot(1, "stanumbers", "")+" AS most_common_freqs, "+
		slot(2, "stavalues", "")+" AS histogram_bounds, "+
		slot(3, "stanumbers", "[1]")+" AS correlation, "+
		slot(4, "stavalues", "")+" AS most_common_elems, "+
		slot(4, "stanumbers", "")+" AS most_common_elem_freqs, "+
		slot(5, "stanumbers", "")+" AS elem_count_histogram"+
		" FROM pg_catalog.pg_statistic s JOIN pg_catalog.pg_class c ON c.oid = s.starelid"+
		" JOIN pg_catalog.pg_attribute a ON c.oid = a.attrelid AND a.attnum = s.staattnum"+
		" LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"+
		" WHERE NOT a.attisdropped")
}
