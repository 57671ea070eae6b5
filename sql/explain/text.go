package explain

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/sql/ast"
)

// Lines renders e in its format: one string per text line, or the whole
// JSON / YAML document as one element (PostgreSQL returns one row).
func (e *Explain) Lines() []string {
	switch e.Opts.Format {
	case FormatJSON:
		return []string{e.JSON()}
	case FormatYAML:
		return []string{e.YAML()}
	}
	var out []string
	e.textNode(e.Root, 0, false, &out)
	if len(e.Settings) > 0 {
		var parts []string
		for _, s := range e.Settings {
			parts = append(parts, s[0]+" = "+ast.QuoteString(s[1]))
		}
		out = append(out, "Settings: "+strings.Join(parts, ", "))
	}
	if e.ShowPlanning {
		out = append(out, fmt.Sprintf("Planning Time: %.3f ms", ms(e.Planning)))
	}
	if e.ShowExecution {
		out = append(out, fmt.Sprintf("Execution Time: %.3f ms", ms(e.Execution)))
	}
	return out
}

// String is the text form.
func (e *Explain) String() string {
	o := *e
	o.Opts.Format = FormatText
	return strings.Join(o.Lines(), "\n")
}

// Title is the node's text line without costs: "Index Scan using idx on t u".
func (n *Node) Title(verbose bool) string {
	var sb strings.Builder
	sb.WriteString(n.Label)
	rel := func(name string) string {
		q := ast.QuoteIdent(name)
		if verbose && n.Schema != "" {
			q = ast.QuoteIdent(n.Schema) + "." + q
		}
		return q
	}
	alias := func(name string) {
		if n.Alias != "" && n.Alias != name {
			sb.WriteString(" " + ast.QuoteIdent(n.Alias))
		}
	}
	switch n.Type {
	case "Index Scan", "Index Only Scan":
		sb.WriteString(" using " + ast.QuoteIdent(n.Index) + " on " + rel(n.Relation))
		alias(n.Relation)
	case "Bitmap Index Scan":
		sb.WriteString(" on " + ast.QuoteIdent(n.Index))
	case "Seq Scan", "Bitmap Heap Scan", "Tid Scan", "Sample Scan", "ModifyTable":
		sb.WriteString(" on " + rel(n.Relation))
		alias(n.Relation)
	case "Function Scan":
		sb.WriteString(" on " + rel(n.Function))
		alias(n.Function)
	case "CTE Scan", "WorkTable Scan":
		sb.WriteString(" on " + ast.QuoteIdent(n.CTE))
		alias(n.CTE)
	case "Subquery Scan", "Values Scan":
		sb.WriteString(" on " + ast.QuoteIdent(n.Alias))
	}
	return sb.String()
}

func ms(d interface{ Nanoseconds() int64 }) float64 { return float64(d.Nanoseconds()) / 1e6 }

// textNode renders n with its name at column col (E5): details at col+2,
// children's arrows at col+2, a labelled subplan's label at col+2 and
// its arrow at col+4.
func (e *Explain) textNode(n *Node, col int, arrow bool, out *[]string) {
	o := e.Opts
	var sb strings.Builder
	if arrow {
		sb.WriteString(strings.Repeat(" ", col-4) + "->  ")
	}
	sb.WriteString(n.Title(o.Verbose))
	if o.Costs {
		fmt.Fprintf(&sb, "  (cost=%.2f..%.2f rows=%.0f width=%d)", n.Cost.Startup, n.Cost.Total, n.Cost.Rows, n.Cost.Width)
	}
	if a := n.Actual; a != nil {
		switch {
		case !a.Executed:
			sb.WriteString(" (never executed)")
		case o.Timing:
			fmt.Fprintf(&sb, " (actual time=%.3f..%.3f rows=%.0f loops=%d)", a.Startup, a.Total, a.Rows, a.Loops)
		default:
			fmt.Fprintf(&sb, " (actual rows=%.0f loops=%d)", a.Rows, a.Loops)
		}
	}
	*out = append(*out, sb.String())
	pad := strings.Repeat(" ", col+2)
	if o.Verbose && len(n.Output) > 0 {
		*out = append(*out, pad+"Output: "+strings.Join(n.Output, ", "))
	}
	for _, p := range n.Props {
		if p.JSONOnly {
			continue
		}
		if p.Text != "" {
			*out = append(*out, pad+p.Text)
			continue
		}
		*out = append(*out, pad+p.Key+": "+textVal(p.Val))
	}
	if o.Buffers && !n.Buffers.zero() {
		*out = append(*out, pad+"Buffers: "+bufferText(n.Buffers))
	}
	for _, c := range n.Children {
		if c.SubplanName != "" {
			*out = append(*out, pad+c.SubplanName)
			e.textNode(c, col+8, true, out)
			continue
		}
		e.textNode(c, col+6, true, out)
	}
}

func textVal(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []string:
		return strings.Join(x, ", ")
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return fmt.Sprint(v)
}

// String is the text of a Buffers line after "Buffers: ".
func (b *Buffers) String() string { return bufferText(b) }

// bufferText is "shared hit=N read=N dirtied=N written=N, temp read=N
// written=N", leaving out zero counts (show_buffer_usage).
func bufferText(b *Buffers) string {
	var parts []string
	var sh []string
	for _, kv := range []struct {
		k string
		v int64
	}{{"hit", b.SharedHit}, {"read", b.SharedRead}, {"dirtied", b.SharedDirtied}, {"written", b.SharedWritten}} {
		if kv.v > 0 {
			sh = append(sh, kv.k+"="+strconv.FormatInt(kv.v, 10))
		}
	}
	if len(sh) > 0 {
		parts = append(parts, "shared "+strings.Join(sh, " "))
	}
	var tmp []string
	if b.TempRead > 0 {
		tmp = append(tmp, "read="+strconv.FormatInt(b.TempRead, 10))
	}
	if b.TempWritten > 0 {
		tmp = append(tmp, "written="+strconv.FormatInt(b.TempWritten, 10))
	}
	if len(tmp) > 0 {
		parts = append(parts, "temp "+strings.Join(tmp, " "))
	}
	return strings.Join(parts, ", ")
}
