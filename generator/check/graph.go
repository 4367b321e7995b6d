package check

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/modgen-dev/modgen/generator/archrules"
)

// Graph formats.
const (
	FormatMermaid = "mermaid"
	FormatDOT     = "dot"
)

// Graph draws the module graph of the project at root from its code: one
// node per module, an arrow per module importing another, dotted arrows for
// dependencies declared in modgen.yaml that no code imports, extracted
// modules drawn apart, and red arrows where an import breaks a rule. format
// is mermaid (plain `flowchart LR` text, for a ```mermaid block) or dot.
func Graph(root, modulePath string, mods []archrules.Module, format string) ([]byte, error) {
	if format != FormatMermaid && format != FormatDOT {
		return nil, formatError(format)
	}
	a, err := archrules.Analyze(root, modulePath, mods)
	if err != nil {
		return nil, err
	}
	return RenderGraph(a, format)
}

func formatError(format string) error {
	return fmt.Errorf("unknown graph format %q; use %s or %s", format, FormatMermaid, FormatDOT)
}

// arrow is one edge of the drawing.
type arrow struct {
	from, to string
	unused   bool     // declared in depends_on, not imported
	event    bool     // events flowing from the publisher (from) to a subscriber (to)
	broken   []string // the rules the import breaks, in words
}

// node is one module of the drawing.
type node struct {
	name      string
	extracted bool
	unknown   bool // not in modgen.yaml
}

func drawing(a *archrules.Analysis) ([]node, []arrow) {
	unknown := map[string]bool{}
	for _, n := range a.Unknown {
		unknown[n] = true
	}
	exists := map[string]bool{}
	var nodes []node
	for _, m := range a.Modules {
		exists[m.Name] = true
		nodes = append(nodes, node{m.Name, m.Extracted, unknown[m.Name]})
	}
	imported := map[[2]string]bool{}
	var arrows []arrow
	for _, e := range a.Edges {
		if !e.Event { // importing a module's events is not using its API
			imported[[2]string{e.From, e.To}] = true
		}
		var broken []string
		if e.Private {
			broken = append(broken, "private import")
		}
		if !e.Declared {
			broken = append(broken, "undeclared")
		}
		if e.Cycle {
			broken = append(broken, "cycle")
		}
		if e.Event {
			// Drawn the way the events flow: from the publisher.
			arrows = append(arrows, arrow{from: e.To, to: e.From, event: true, broken: broken})
			continue
		}
		arrows = append(arrows, arrow{from: e.From, to: e.To, broken: broken})
	}
	for _, m := range a.Modules {
		for _, d := range m.DependsOn {
			// A dependency on a module that does not exist has no node to point at.
			if exists[d] && d != m.Name && !imported[[2]string{m.Name, d}] {
				imported[[2]string{m.Name, d}] = true
				arrows = append(arrows, arrow{from: m.Name, to: d, unused: true})
			}
		}
	}
	sort.SliceStable(arrows, func(i, j int) bool {
		if arrows[i].from != arrows[j].from {
			return arrows[i].from < arrows[j].from
		}
		if arrows[i].to != arrows[j].to {
			return arrows[i].to < arrows[j].to
		}
		return !arrows[i].event && arrows[j].event
	})
	return nodes, arrows
}

// RenderGraph draws an analysis in format mermaid or dot.
func RenderGraph(a *archrules.Analysis, format string) ([]byte, error) {
	nodes, arrows := drawing(a)
	switch format {
	case FormatMermaid:
		return mermaid(nodes, arrows), nil
	case FormatDOT:
		return dot(nodes, arrows), nil
	}
	return nil, formatError(format)
}

var mermaidID = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// mermaidKeywords cannot be node ids in a flowchart.
var mermaidKeywords = map[string]bool{
	"end": true, "graph": true, "flowchart": true, "subgraph": true, "class": true, "classDef": true,
	"click": true, "style": true, "linkStyle": true, "direction": true, "call": true, "href": true,
}

func mermaid(nodes []node, arrows []arrow) []byte {
	ids := map[string]string{}
	used := map[string]bool{}
	for i, n := range nodes {
		id := n.name
		if !mermaidID.MatchString(id) || mermaidKeywords[id] || strings.HasPrefix(id, "m_") {
			id = fmt.Sprintf("m_%d", i)
		}
		for used[id] {
			id += "_"
		}
		used[id] = true
		ids[n.name] = id
	}
	var b bytes.Buffer
	b.WriteString("flowchart LR\n")
	b.WriteString("    %% modgen graph: arrows are imports in the code; dotted arrows are depends_on entries no code imports;\n")
	b.WriteString("    %% thick arrows labelled events go from a module to the modules that subscribe to its events;\n")
	b.WriteString("    %% red arrows break a module rule; [[double boxes]] are extracted modules; dashed boxes are not in modgen.yaml.\n")
	var extracted, unknown []string
	for _, n := range nodes {
		id := ids[n.name]
		switch {
		case n.extracted:
			fmt.Fprintf(&b, "    %s[[%s]]\n", id, mermaidText(n.name+" (extracted)"))
			extracted = append(extracted, id)
		case n.unknown:
			fmt.Fprintf(&b, "    %s[%s]\n", id, mermaidText(n.name+" (not in modgen.yaml)"))
			unknown = append(unknown, id)
		default:
			fmt.Fprintf(&b, "    %s[%s]\n", id, mermaidText(n.name))
		}
	}
	var red []string
	for i, a := range arrows {
		switch {
		case a.unused:
			fmt.Fprintf(&b, "    %s -.->|%s| %s\n", ids[a.from], mermaidText("not imported"), ids[a.to])
		case a.event:
			label := "events"
			if len(a.broken) > 0 {
				label += ": " + strings.Join(a.broken, ", ")
				red = append(red, strconv.Itoa(i))
			}
			fmt.Fprintf(&b, "    %s ==>|%s| %s\n", ids[a.from], mermaidText(label), ids[a.to])
		case len(a.broken) > 0:
			fmt.Fprintf(&b, "    %s -->|%s| %s\n", ids[a.from], mermaidText(strings.Join(a.broken, ", ")), ids[a.to])
			red = append(red, strconv.Itoa(i))
		default:
			fmt.Fprintf(&b, "    %s --> %s\n", ids[a.from], ids[a.to])
		}
	}
	if len(extracted) > 0 {
		b.WriteString("    classDef extracted fill:#e3f2fd,stroke:#1565c0,stroke-width:2px\n")
		fmt.Fprintf(&b, "    class %s extracted\n", strings.Join(extracted, ","))
	}
	if len(unknown) > 0 {
		b.WriteString("    classDef unknown stroke-dasharray:5 5\n")
		fmt.Fprintf(&b, "    class %s unknown\n", strings.Join(unknown, ","))
	}
	if len(red) > 0 {
		fmt.Fprintf(&b, "    linkStyle %s stroke:#d32f2f,stroke-width:2px,color:#d32f2f\n", strings.Join(red, ","))
	}
	return b.Bytes()
}

// mermaidText quotes a label; Mermaid has no escape for '"', so it becomes #quot;.
func mermaidText(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, "#quot;") + `"`
}

func dot(nodes []node, arrows []arrow) []byte {
	var b bytes.Buffer
	b.WriteString("// modgen graph: arrows are imports in the code; dashed arrows are depends_on entries no code imports;\n")
	b.WriteString("// bold blue arrows labelled events go from a module to the modules that subscribe to its events;\n")
	b.WriteString("// red arrows break a module rule; 3D boxes are extracted modules; dashed boxes are not in modgen.yaml.\n")
	b.WriteString("digraph modules {\n")
	b.WriteString("    rankdir=LR;\n")
	b.WriteString("    node [shape=box, fontname=\"Helvetica\"];\n")
	b.WriteString("    edge [fontname=\"Helvetica\", fontsize=10];\n")
	for _, n := range nodes {
		switch {
		case n.extracted:
			fmt.Fprintf(&b, "    %s [shape=box3d, label=%s];\n", strconv.Quote(n.name), strconv.Quote(n.name+"\n(extracted)"))
		case n.unknown:
			fmt.Fprintf(&b, "    %s [style=dashed, label=%s];\n", strconv.Quote(n.name), strconv.Quote(n.name+"\n(not in modgen.yaml)"))
		default:
			fmt.Fprintf(&b, "    %s;\n", strconv.Quote(n.name))
		}
	}
	for _, a := range arrows {
		fmt.Fprintf(&b, "    %s -> %s", strconv.Quote(a.from), strconv.Quote(a.to))
		switch {
		case a.unused:
			fmt.Fprintf(&b, " [style=dashed, color=gray40, label=%s]", strconv.Quote("not imported"))
		case a.event && len(a.broken) > 0:
			fmt.Fprintf(&b, " [style=bold, color=red, fontcolor=red, label=%s]", strconv.Quote("events: "+strings.Join(a.broken, ", ")))
		case a.event:
			fmt.Fprintf(&b, " [style=bold, color=blue, fontcolor=blue, label=%s]", strconv.Quote("events"))
		case len(a.broken) > 0:
			fmt.Fprintf(&b, " [color=red, fontcolor=red, penwidth=2, label=%s]", strconv.Quote(strings.Join(a.broken, ", ")))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}
