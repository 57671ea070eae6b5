package explain

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// kv is one key of a structured-format object, in PostgreSQL's order;
// v is raw (a preformatted number or bool), string, []string, obj or
// []obj.
type kv struct {
	k string
	v any
}

type obj []kv

type raw string

// keyLists is a list of key lists: a grouping set's "Hash Keys" or
// "Group Keys".
type keyLists [][]string

func num(f float64, prec int) raw { return raw(strconv.FormatFloat(f, 'f', prec, 64)) }

func boolRaw(b bool) raw {
	if b {
		return "true"
	}
	return "false"
}

// structured builds the object of one node (ExplainNode's non-text
// properties, E6).
func (e *Explain) structured(n *Node) obj {
	o := e.Opts
	var out obj
	add := func(k string, v any) { out = append(out, kv{k, v}) }
	add("Node Type", n.Type)
	if n.Strategy != "" {
		add("Strategy", n.Strategy)
	}
	if n.Type == "Aggregate" {
		add("Partial Mode", "Simple")
	}
	if n.Operation != "" {
		add("Operation", n.Operation)
	}
	if n.Relationship != "" {
		add("Parent Relationship", n.Relationship)
	}
	if n.SubplanName != "" {
		add("Subplan Name", n.SubplanName)
	}
	add("Parallel Aware", raw("false"))
	add("Async Capable", raw("false"))
	target := func(relKey, name string) {
		add(relKey, name)
		if o.Verbose && n.Schema != "" {
			add("Schema", n.Schema)
		}
		add("Alias", n.Alias)
	}
	switch n.Type {
	case "Index Scan", "Index Only Scan":
		add("Scan Direction", n.ScanDirection)
		add("Index Name", n.Index)
		target("Relation Name", n.Relation)
	case "Bitmap Index Scan":
		add("Index Name", n.Index)
	case "Seq Scan", "Bitmap Heap Scan", "ModifyTable", "Sample Scan", "Tid Scan":
		target("Relation Name", n.Relation)
	case "Function Scan":
		target("Function Name", n.Function)
	case "CTE Scan", "WorkTable Scan":
		add("CTE Name", n.CTE)
		add("Alias", n.Alias)
	case "Subquery Scan", "Values Scan":
		add("Alias", n.Alias)
	case "Nested Loop", "Hash Join", "Merge Join":
		add("Join Type", n.JoinType)
	case "SetOp":
		add("Command", n.Command)
	}
	if o.Costs {
		add("Startup Cost", num(n.Cost.Startup, 2))
		add("Total Cost", num(n.Cost.Total, 2))
		add("Plan Rows", num(n.Cost.Rows, 0))
		add("Plan Width", raw(strconv.Itoa(n.Cost.Width)))
	}
	if a := n.Actual; a != nil {
		if a.Executed {
			if o.Timing {
				add("Actual Startup Time", num(a.Startup, 3))
				add("Actual Total Time", num(a.Total, 3))
			}
			add("Actual Rows", num(a.Rows, 0))
			add("Actual Loops", raw(strconv.FormatInt(a.Loops, 10)))
		} else {
			if o.Timing {
				add("Actual Startup Time", raw("0.000"))
				add("Actual Total Time", raw("0.000"))
			}
			add("Actual Rows", raw("0"))
			add("Actual Loops", raw("0"))
		}
	}
	if o.Verbose && n.Output != nil {
		add("Output", n.Output)
	}
	for _, p := range n.Props {
		if p.TextOnly {
			continue
		}
		if p.JSON != nil {
			for _, q := range p.JSON {
				add(q.Key, jsonVal(q.Val))
			}
			continue
		}
		add(p.Key, jsonVal(p.Val))
	}
	if n.Type == "Aggregate" && n.Strategy == "Hashed" && o.Costs && !hasKey(out, "Planned Partitions") {
		// PostgreSQL lists it before the run-time report.
		pos := len(out)
		for i, x := range out {
			if x.k == "HashAgg Batches" {
				pos = i
				break
			}
		}
		out = append(out[:pos], append(obj{{"Planned Partitions", raw("0")}}, out[pos:]...)...)
	}
	if o.Buffers && n.Actual != nil {
		b := n.Buffers
		if b == nil {
			b = &Buffers{}
		}
		out = append(out, bufferKeys(b)...)
	}
	if len(n.Children) > 0 {
		var kids []obj
		for _, c := range n.Children {
			kids = append(kids, e.structured(c))
		}
		add("Plans", kids)
	}
	return out
}

func hasKey(o obj, k string) bool {
	for _, x := range o {
		if x.k == k {
			return true
		}
	}
	return false
}

func bufferKeys(b *Buffers) obj {
	i := func(v int64) raw { return raw(strconv.FormatInt(v, 10)) }
	return obj{{"Shared Hit Blocks", i(b.SharedHit)}, {"Shared Read Blocks", i(b.SharedRead)},
		{"Shared Dirtied Blocks", i(b.SharedDirtied)}, {"Shared Written Blocks", i(b.SharedWritten)},
		{"Local Hit Blocks", i(0)}, {"Local Read Blocks", i(0)}, {"Local Dirtied Blocks", i(0)}, {"Local Written Blocks", i(0)},
		{"Temp Read Blocks", i(b.TempRead)}, {"Temp Written Blocks", i(b.TempWritten)}}
}

func jsonVal(v any) any {
	switch x := v.(type) {
	case string, []string, obj, []obj, keyLists:
		return x
	case int64:
		return raw(strconv.FormatInt(x, 10))
	case int:
		return raw(strconv.Itoa(x))
	case float64:
		return num(x, 0)
	case bool:
		return boolRaw(x)
	}
	return fmt.Sprint(v)
}

// top is the document's one object: Plan, then the summary.
func (e *Explain) top() obj {
	out := obj{{"Plan", e.structured(e.Root)}}
	if e.Opts.Buffers && e.Opts.Summary {
		out = append(out, kv{"Planning", bufferKeys(&Buffers{})})
	}
	if len(e.Settings) > 0 {
		var s obj
		for _, kvp := range e.Settings {
			s = append(s, kv{kvp[0], kvp[1]})
		}
		out = append(out, kv{"Settings", s})
	}
	if e.ShowPlanning {
		out = append(out, kv{"Planning Time", num(ms(e.Planning), 3)})
	}
	if e.Opts.Analyze {
		out = append(out, kv{"Triggers", []obj{}})
	}
	if e.ShowExecution {
		out = append(out, kv{"Execution Time", num(ms(e.Execution), 3)})
	}
	return out
}

// JSON renders e as FORMAT JSON, laid out as PostgreSQL does.
func (e *Explain) JSON() string {
	var sb strings.Builder
	sb.WriteString("[\n")
	writeJSONObj(&sb, e.top(), 1)
	sb.WriteString("\n]")
	return sb.String()
}

func jstr(s string) string {
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(sb.String(), "\n")
}

func writeJSONObj(sb *strings.Builder, o obj, depth int) {
	pad := strings.Repeat("  ", depth)
	sb.WriteString(pad + "{\n")
	for i, x := range o {
		sb.WriteString(pad + "  " + jstr(x.k) + ": ")
		writeJSONVal(sb, x.v, depth+1)
		if i < len(o)-1 {
			sb.WriteString(",")
		}
		sb.WriteString("\n")
	}
	sb.WriteString(pad + "}")
}

func writeJSONVal(sb *strings.Builder, v any, depth int) {
	pad := strings.Repeat("  ", depth)
	switch x := v.(type) {
	case raw:
		sb.WriteString(string(x))
	case string:
		sb.WriteString(jstr(x))
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = jstr(s)
		}
		sb.WriteString("[" + strings.Join(parts, ", ") + "]")
	case obj:
		sb.WriteString("{\n")
		for i, y := range x {
			sb.WriteString(pad + "  " + jstr(y.k) + ": ")
			writeJSONVal(sb, y.v, depth+1)
			if i < len(x)-1 {
				sb.WriteString(",")
			}
			sb.WriteString("\n")
		}
		sb.WriteString(pad + "}")
	case keyLists:
		sb.WriteString("[\n")
		for i, l := range x {
			sb.WriteString(pad + "  ")
			writeJSONVal(sb, l, depth+1)
			if i < len(x)-1 {
				sb.WriteString(",")
			}
			sb.WriteString("\n")
		}
		sb.WriteString(pad + "]")
	case []obj:
		if len(x) == 0 {
			sb.WriteString("[\n" + pad + "]")
			return
		}
		sb.WriteString("[\n")
		for i, y := range x {
			writeJSONObj(sb, y, depth+1)
			if i < len(x)-1 {
				sb.WriteString(",")
			}
			sb.WriteString("\n")
		}
		sb.WriteString(pad + "]")
	}
}

// YAML renders e as FORMAT YAML.
func (e *Explain) YAML() string {
	var sb strings.Builder
	writeYAMLObj(&sb, e.top(), 0, "- ")
	return strings.TrimRight(sb.String(), "\n")
}

func yamlScalar(v any) string {
	switch x := v.(type) {
	case raw:
		return string(x)
	case string:
		return jstr(x)
	}
	return fmt.Sprint(v)
}

// writeYAMLObj writes o's keys; the first line starts with lead (the
// list dash) and the rest are indented to line up with it.
func writeYAMLObj(sb *strings.Builder, o obj, indent int, lead string) {
	pad := strings.Repeat(" ", indent)
	for i, x := range o {
		if i == 0 {
			sb.WriteString(pad + lead)
		} else {
			sb.WriteString(pad + strings.Repeat(" ", len(lead)))
		}
		sb.WriteString(x.k + ": ")
		inner := indent + len(lead) + 2
		switch y := x.v.(type) {
		case obj:
			sb.WriteString("\n")
			writeYAMLObj(sb, y, inner, "")
		case []obj:
			sb.WriteString("\n")
			for _, z := range y {
				writeYAMLObj(sb, z, inner, "- ")
			}
		case []string:
			sb.WriteString("\n")
			for _, s := range y {
				sb.WriteString(strings.Repeat(" ", inner) + "- " + jstr(s) + "\n")
			}
		case keyLists:
			sb.WriteString("\n")
			for _, l := range y {
				parts := make([]string, len(l))
				for i, k := range l {
					parts[i] = jstr(k)
				}
				sb.WriteString(strings.Repeat(" ", inner) + "- [" + strings.Join(parts, ", ") + "]\n")
			}
		default:
			sb.WriteString(yamlScalar(y) + "\n")
		}
	}
}
