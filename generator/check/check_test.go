package check_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/internal/testtree"

	"github.com/modgen-dev/modgen/generator/archrules"
	"github.com/modgen-dev/modgen/generator/check"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const mod = "github.com/acme/loja"

// goFile returns a Go file of package pkg whose i-th import is on line 4+i.
func goFile(pkg string, imports ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\nimport (\n", pkg)
	for _, imp := range imports {
		fmt.Fprintf(&b, "\t_ %q\n", mod+"/"+imp)
	}
	b.WriteString(")\n")
	return b.String()
}

// loja is a project that breaks every rule once or more.
var lojaModules = []archrules.Module{
	{Name: "estoque", Extracted: true},
	{Name: "fiscal", DependsOn: []string{"pedidos"}},
	{Name: "notificacoes"},
	{Name: "pagamentos", DependsOn: []string{"estoque"}},
	{Name: "pedidos", DependsOn: []string{"estoque", "notificacoes"}},
}

func loja(t *testing.T) string {
	root := t.TempDir()
	testtree.Write(t, root, map[string]string{
		"internal/estoque/api.go":            goFile("estoque", "internal/estoque/domain"),
		"internal/estoque/domain/produto.go": goFile("domain"),
		"internal/fiscal/service.go":         goFile("fiscal", "internal/pedidos"),
		"internal/notificacoes/service.go":   goFile("notificacoes", "pkg/eventbus"),
		"internal/pagamentos/service.go":     goFile("pagamentos", "internal/estoque"),
		"internal/pedidos/service.go":        goFile("pedidos", "internal/estoque", "internal/fiscal"),
		"internal/pedidos/repository.go":     goFile("pedidos", "internal/estoque/domain"),
		"internal/legado/legado.go":          goFile("legado", "internal/estoque"),
		"pkg/database/database.go":           goFile("database", "internal/estoque"),
		"pkg/eventbus/eventbus.go":           goFile("eventbus"),
		"cmd/api/wire_gen.go":                goFile("main", "internal/estoque/domain", "internal/legado"),
	})
	return root
}

const lojaText = `internal/fiscal/service.go:4: modules import each other in a cycle: fiscal → pedidos → fiscal; remove one of these imports: let one side declare the interface it needs and have cmd/api wire it, or have one side subscribe to the other's events (modgen add subscription)
internal/legado/legado.go:4: legado imports estoque without declaring it; legado is not in modgen.yaml: add it there as a module with estoque in its depends_on
internal/pedidos/repository.go:4: pedidos imports github.com/acme/loja/internal/estoque/domain, a private package of estoque; use estoque's public API (package internal/estoque)
internal/pedidos/service.go:5: pedidos imports fiscal without declaring it; add fiscal to depends_on of pedidos in modgen.yaml
pkg/database/database.go:4: pkg/database imports github.com/acme/loja/internal/estoque: pkg/ holds shared libraries and must not import anything under internal/; move what it needs into pkg/ or pass it in from cmd/api
`

func run(t *testing.T, root string) *check.Report {
	t.Helper()
	r, err := check.Run(root, mod, lojaModules)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func text(t *testing.T, r *check.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.Write(&b, check.FormatText); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestReportText(t *testing.T) {
	r := run(t, loja(t))
	if got := text(t, r); got != lojaText {
		t.Errorf("text report:\n%s\nwant:\n%s", got, lojaText)
	}
	if got, want := r.Summary(), "5 violations in 6 modules"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if !r.Failed() {
		t.Error("a report with violations and no baseline must fail")
	}

	clean := t.TempDir()
	testtree.Write(t, clean, map[string]string{"internal/estoque/api.go": goFile("estoque")})
	r, err := check.Run(clean, mod, []archrules.Module{{Name: "estoque"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Failed() || text(t, r) != "" || r.Summary() != "0 violations in 1 module" {
		t.Errorf("clean project: failed=%v summary=%q text=%q", r.Failed(), r.Summary(), text(t, r))
	}
	if err := r.Write(&bytes.Buffer{}, "xml"); err == nil || !strings.Contains(err.Error(), "use text or json") {
		t.Errorf("unknown format: %v", err)
	}
}

type jsonReport struct {
	Summary    string `json:"summary"`
	Failed     bool   `json:"failed"`
	Modules    int    `json:"modules"`
	New        int    `json:"new"`
	InBaseline int    `json:"in_baseline"`
	Violations []struct {
		File     string `json:"file"`
		Line     int    `json:"line"`
		Rule     string `json:"rule"`
		Message  string `json:"message"`
		Baseline bool   `json:"baseline"`
	} `json:"violations"`
	Fixed []archrules.BaselineEntry `json:"fixed"`
}

func decode(t *testing.T, r *check.Report) (jsonReport, string) {
	t.Helper()
	var b bytes.Buffer
	if err := r.Write(&b, check.FormatJSON); err != nil {
		t.Fatal(err)
	}
	var out jsonReport
	dec := json.NewDecoder(bytes.NewReader(b.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("report is not the expected JSON: %v\n%s", err, b.String())
	}
	return out, b.String()
}

func TestReportJSON(t *testing.T) {
	root := loja(t)
	out, raw := decode(t, run(t, root))
	if out.Summary != "5 violations in 6 modules" || !out.Failed || out.Modules != 6 || out.New != 5 || out.InBaseline != 0 {
		t.Errorf("header fields: %+v", out)
	}
	if out.Fixed == nil || len(out.Fixed) != 0 || !strings.Contains(raw, `"fixed": []`) {
		t.Errorf("fixed must be an empty list, not null:\n%s", raw)
	}
	var lines []string
	for _, v := range out.Violations {
		if v.Baseline {
			t.Errorf("no baseline, yet %v is in it", v)
		}
		lines = append(lines, fmt.Sprintf("%s:%d: %s", v.File, v.Line, v.Message))
	}
	if got := strings.Join(lines, "\n") + "\n"; got != lojaText {
		t.Errorf("JSON violations:\n%s\nwant:\n%s", got, lojaText)
	}
	if out.Violations[0].Rule != archrules.RuleCycle || out.Violations[4].Rule != archrules.RulePkgImportsInternal {
		t.Errorf("rules: %+v", out.Violations)
	}
	if strings.Contains(raw, `\u2192`) || !strings.Contains(raw, "fiscal → pedidos → fiscal") {
		t.Errorf("cycle arrows must stay readable:\n%s", raw)
	}

	// With a baseline holding the first violation.
	r := run(t, root)
	writeBaseline(t, root, check.Baseline(r.Violations[:1]))
	out, _ = decode(t, run(t, root))
	if out.New != 4 || out.InBaseline != 1 || !out.Violations[0].Baseline || out.Violations[1].Baseline {
		t.Errorf("with a baseline: %+v", out)
	}
	if want := "5 violations in 6 modules (4 new, 1 in baseline)"; out.Summary != want {
		t.Errorf("summary %q, want %q", out.Summary, want)
	}
}

func TestBaseline(t *testing.T) {
	root := loja(t)
	r := run(t, root)
	data := check.Baseline(r.Violations)
	writeBaseline(t, root, data)
	if bytes.Contains(data, []byte(`"line"`)) || !bytes.Contains(data, []byte(`"file": "internal/pedidos/repository.go"`)) {
		t.Errorf("baseline content:\n%s", data)
	}

	r = run(t, root)
	if r.Failed() || len(r.Known) != 5 || text(t, r) != "" {
		t.Errorf("everything baselined: failed=%v known=%d text=%q", r.Failed(), len(r.Known), text(t, r))
	}
	if got, want := r.Summary(), "5 violations in 6 modules (0 new, 5 in baseline)"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}

	// Lines move in one file, one violation is fixed, a new one appears.
	testtree.Write(t, root, map[string]string{
		"internal/pedidos/repository.go":   "// Package pedidos.\n\n" + goFile("pedidos", "internal/estoque/domain"),
		"internal/legado/legado.go":        goFile("legado"),
		"internal/notificacoes/service.go": goFile("notificacoes", "pkg/eventbus", "internal/pagamentos"),
	})
	r = run(t, root)
	wantText := `internal/notificacoes/service.go:5: notificacoes imports pagamentos without declaring it; add pagamentos to depends_on of notificacoes in modgen.yaml
fixed, still in modgen-baseline.json (drop with modgen check --prune):
  internal/legado/legado.go: legado imports estoque without declaring it; legado is not in modgen.yaml: add it there as a module with estoque in its depends_on
`
	if got := text(t, r); got != wantText {
		t.Errorf("text after edits:\n%s\nwant:\n%s", got, wantText)
	}
	if got, want := r.Summary(), "5 violations in 6 modules (1 new, 4 in baseline, 1 baseline entry fixed: run modgen check --prune)"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if !r.Failed() {
		t.Error("a new violation must fail")
	}

	data, removed, err := check.Prune(r)
	if err != nil || removed != 1 || r.Fixed != nil {
		t.Fatalf("Prune = %d, %v (fixed %v); want 1 removed", removed, err, r.Fixed)
	}
	writeBaseline(t, root, data)
	pruned, _, err := archrules.ReadBaseline(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := archrules.BaselineOf(r.Known); !reflect.DeepEqual(pruned, want) || len(pruned) != 4 {
		t.Errorf("pruned baseline:\n%v\nwant:\n%v", pruned, want)
	}
	r = run(t, root)
	if got, want := r.Summary(), "5 violations in 6 modules (1 new, 4 in baseline)"; got != want {
		t.Errorf("after prune: summary %q, want %q (prune adds no new entries)", got, want)
	}

	if _, _, err := check.Prune(&check.Report{}); err == nil || !strings.Contains(err.Error(), "modgen check --baseline") {
		t.Errorf("prune without a baseline: %v", err)
	}
	testtree.Write(t, root, map[string]string{archrules.BaselineFile: "not json"})
	if _, err := check.Run(root, mod, lojaModules); err == nil || !strings.Contains(err.Error(), archrules.BaselineFile) {
		t.Errorf("broken baseline: %v", err)
	}
}

func TestGraphGolden(t *testing.T) {
	root := loja(t)
	for _, format := range []string{check.FormatMermaid, check.FormatDOT} {
		t.Run(format, func(t *testing.T) {
			got, err := check.Graph(root, mod, lojaModules, format)
			if err != nil {
				t.Fatal(err)
			}
			again, err := check.Graph(root, mod, lojaModules, format)
			if err != nil || !bytes.Equal(got, again) {
				t.Fatalf("a second drawing differs (err %v)", err)
			}
			golden := filepath.Join("testdata", "graph", "loja."+format+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v; run go test ./generator/check -run TestGraphGolden -update", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (rerun with -update and review the diff):\n%s", format, golden, got)
			}
		})
	}
	if _, err := check.Graph(root, mod, lojaModules, "svg"); err == nil || !strings.Contains(err.Error(), "use mermaid or dot") {
		t.Errorf("unknown format: %v", err)
	}
}

// TestGraphMarks checks the properties the goldens show, so that an -update
// cannot bless a drawing that lost them.
func TestGraphMarks(t *testing.T) {
	root := loja(t)
	m, err := check.Graph(root, mod, lojaModules, check.FormatMermaid)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"flowchart LR\n",
		`    estoque[["estoque (extracted)"]]` + "\n",
		`    legado["legado (not in modgen.yaml)"]` + "\n",
		`    pagamentos --> estoque` + "\n",
		`    pedidos -->|"undeclared, cycle"| fiscal` + "\n",
		`    pedidos -->|"private import"| estoque` + "\n",
		`    pedidos -.->|"not imported"| notificacoes` + "\n",
		"    class estoque extracted\n",
	} {
		if !bytes.Contains(m, []byte(want)) {
			t.Errorf("mermaid lacks %q:\n%s", want, m)
		}
	}
	if bytes.HasPrefix(m, []byte("```")) {
		t.Error("mermaid output must be plain flowchart text")
	}
	d, err := check.Graph(root, mod, lojaModules, check.FormatDOT)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`    "estoque" [shape=box3d, label="estoque\n(extracted)"];`,
		`    "legado" [style=dashed, label="legado\n(not in modgen.yaml)"];`,
		`    "pedidos" -> "fiscal" [color=red, fontcolor=red, penwidth=2, label="undeclared, cycle"];`,
		`    "pedidos" -> "notificacoes" [style=dashed, color=gray40, label="not imported"];`,
		`    "pagamentos" -> "estoque";`,
	} {
		if !bytes.Contains(d, []byte(want+"\n")) {
			t.Errorf("dot lacks %q:\n%s", want, d)
		}
	}
}

func TestMermaidIDs(t *testing.T) {
	a := &archrules.Analysis{
		Modules: []archrules.Module{{Name: "end"}, {Name: "m_0"}, {Name: "old-stuff"}, {Name: "vendas"}},
		Unknown: []string{"old-stuff"},
		Edges:   []archrules.Edge{{From: "vendas", To: "end", Declared: true}, {From: "vendas", To: "old-stuff"}},
	}
	got, err := check.RenderGraph(a, check.FormatMermaid)
	if err != nil {
		t.Fatal(err)
	}
	want := `flowchart LR
    %% modgen graph: arrows are imports in the code; dotted arrows are depends_on entries no code imports;
    %% thick arrows labelled events go from a module to the modules that subscribe to its events;
    %% red arrows break a module rule; [[double boxes]] are extracted modules; dashed boxes are not in modgen.yaml.
    m_0["end"]
    m_1["m_0"]
    m_2["old-stuff (not in modgen.yaml)"]
    vendas["vendas"]
    vendas --> m_0
    vendas -->|"undeclared"| m_2
    classDef unknown stroke-dasharray:5 5
    class m_2 unknown
    linkStyle 1 stroke:#d32f2f,stroke-width:2px,color:#d32f2f
`
	if string(got) != want {
		t.Errorf("mermaid:\n%s\nwant:\n%s", got, want)
	}
}

func writeBaseline(t *testing.T, root string, data []byte) {
	t.Helper()
	testtree.Write(t, root, map[string]string{archrules.BaselineFile: string(data)})
}

// TestGraphEventEdges: a subscription is drawn as an event arrow from the
// publisher to the subscriber, apart from the call arrow between the same
// modules, and an events import without a subscription is red.
func TestGraphEventEdges(t *testing.T) {
	a := &archrules.Analysis{
		Modules: []archrules.Module{{Name: "estoque", SubscribesTo: []string{"pedidos"}}, {Name: "fiscal"}, {Name: "pedidos", DependsOn: []string{"estoque"}}},
		Edges: []archrules.Edge{
			{From: "estoque", To: "pedidos", Declared: true, Event: true},
			{From: "fiscal", To: "pedidos", Event: true},
			{From: "pedidos", To: "estoque", Declared: true},
		},
	}
	m, err := check.RenderGraph(a, check.FormatMermaid)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`    pedidos --> estoque` + "\n",
		`    pedidos ==>|"events"| estoque` + "\n",
		`    pedidos ==>|"events: undeclared"| fiscal` + "\n",
		"    linkStyle 2 stroke:#d32f2f",
	} {
		if !bytes.Contains(m, []byte(want)) {
			t.Errorf("mermaid lacks %q:\n%s", want, m)
		}
	}
	d, err := check.RenderGraph(a, check.FormatDOT)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`    "pedidos" -> "estoque";`,
		`    "pedidos" -> "estoque" [style=bold, color=blue, fontcolor=blue, label="events"];`,
		`    "pedidos" -> "fiscal" [style=bold, color=red, fontcolor=red, label="events: undeclared"];`,
	} {
		if !bytes.Contains(d, []byte(want+"\n")) {
			t.Errorf("dot lacks %q:\n%s", want, d)
		}
	}
}
