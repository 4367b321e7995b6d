package archrules_test

import (
	"bytes"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/internal/testtree"

	"github.com/modgen-dev/modgen/generator/archrules"
)

const mod = "github.com/acme/loja"

// goFile returns a Go file of package pkg whose i-th import is on line 4+i.
func goFile(pkg string, imports ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\nimport (\n", pkg)
	for _, imp := range imports {
		fmt.Fprintf(&b, "\t_ %q\n", imp)
	}
	b.WriteString(")\n\nfunc f() int { return 1 }\n")
	return b.String()
}

// in returns the import path of the project folder rel.
func in(rel string) string { return mod + "/" + rel }

func check(t *testing.T, files map[string]string, mods []archrules.Module) []string {
	t.Helper()
	root := t.TempDir()
	testtree.Write(t, root, files)
	vs, err := archrules.Check(root, mod, mods)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, v.String())
	}
	return got
}

func TestCheck(t *testing.T) {
	loja := []archrules.Module{
		{Name: "estoque", Extracted: true},
		{Name: "notificacoes"},
		{Name: "pedidos", DependsOn: []string{"estoque", "notificacoes"}},
	}
	tests := []struct {
		name  string
		files map[string]string
		mods  []archrules.Module
		want  []string
	}{{
		name: "clean project",
		files: map[string]string{
			"internal/doc.go":                       goFile("internal"),
			"internal/estoque/api.go":               goFile("estoque", "context", in("internal/estoque/domain")),
			"internal/estoque/domain/produto.go":    goFile("domain", "errors"),
			"internal/estoque/estoquepb/x.pb.go":    goFile("estoquepb"),
			"internal/estoque/estoquegrpc/s.go":     goFile("estoquegrpc", in("internal/estoque"), in("internal/estoque/estoquepb")),
			"internal/notificacoes/service.go":      goFile("notificacoes", in("pkg/eventbus")),
			"internal/pedidos/service.go":           goFile("pedidos", in("internal/estoque"), in("internal/notificacoes"), in("pkg/database")),
			"internal/pedidos/domain/pedido.go":     goFile("domain"),
			"internal/pedidos/service_test.go":      goFile("pedidos", in("internal/pedidos/domain")),
			"internal/pedidos/external_test.go":     goFile("pedidos_test", in("internal/pedidos"), in("internal/pedidos/domain"), in("internal/estoque")),
			"pkg/database/database.go":              goFile("database", "database/sql"),
			"pkg/eventbus/eventbus.go":              goFile("eventbus", in("pkg/database")),
			"cmd/api/wire_gen.go":                   goFile("main", in("internal/estoque"), in("internal/pedidos/domain"), in("internal/estoque/estoquegrpc")),
			"cmd/estoque/main.go":                   goFile("main", in("internal/estoque/estoquegrpc"), in("internal/estoque/estoquepb")),
			"internal/architecture/rules_gen.go":    goFile("architecture", "go/parser"),
			"internal/architecture/architecture.go": goFile("architecture", in("internal/estoque/domain")),
		},
		mods: loja,
	}, {
		// The article's example: pedidos calls estoque, estoque handles
		// pedidos' events. Calls one way, events the other: no cycle.
		name: "subscription against the calls",
		files: map[string]string{
			"internal/estoque/api.go":                       goFile("estoque", in("internal/estoque/events")),
			"internal/estoque/events/events.go":             goFile("events", "time"),
			"internal/estoque/on_pedidos_pedido_created.go": goFile("estoque", in("internal/pedidos/events")),
			"internal/pedidos/api.go":                       goFile("pedidos", in("internal/pedidos/events")),
			"internal/pedidos/events/events.go":             goFile("events", "time"),
			"internal/pedidos/service.go":                   goFile("pedidos", in("internal/estoque")),
		},
		mods: []archrules.Module{{Name: "estoque", SubscribesTo: []string{"pedidos"}}, {Name: "pedidos", DependsOn: []string{"estoque"}}},
	}, {
		name: "events without a subscription, events importing a module",
		files: map[string]string{
			"internal/estoque/on_pedidos.go":    goFile("estoque", in("internal/pedidos/events")),
			"internal/estoque/reserva.go":       goFile("estoque", in("internal/pedidos/events/internal")),
			"internal/pedidos/events/events.go": goFile("events", in("internal/estoque")),
			"internal/pedidos/service.go":       goFile("pedidos", in("internal/estoque")),
		},
		mods: []archrules.Module{{Name: "estoque"}, {Name: "pedidos", DependsOn: []string{"estoque"}}},
		want: []string{
			"internal/estoque/on_pedidos.go:4: estoque imports the events of pedidos without subscribing to them; run `modgen add subscription estoque pedidos.<Event>`",
			"internal/estoque/reserva.go:4: modules import each other in a cycle: estoque → pedidos → estoque; remove one of these imports: let one side declare the interface it needs and have cmd/api wire it, or have one side subscribe to the other's events (modgen add subscription)",
			"internal/estoque/reserva.go:4: estoque imports github.com/acme/loja/internal/pedidos/events/internal, a private package of pedidos; use pedidos's public API (package internal/pedidos)",
			"internal/pedidos/events/events.go:4: internal/pedidos/events imports github.com/acme/loja/internal/estoque: an events package must import no other module, so that any module can subscribe to it; copy the fields the event needs into its own types",
		},
	}, {
		name: "private packages of another module",
		files: map[string]string{
			"internal/estoque/api.go":            goFile("estoque"),
			"internal/estoque/domain/produto.go": goFile("domain"),
			"internal/pedidos/service.go":        goFile("pedidos", "context", in("internal/estoque/domain")),
			"internal/pedidos/client.go":         goFile("pedidos", in("internal/estoque/estoquepb")),
			// Private imports break the rule even when the dependency is undeclared: one violation each.
			"internal/notificacoes/x.go": goFile("notificacoes", in("internal/pedidos/domain")),
		},
		mods: loja,
		want: []string{
			"internal/notificacoes/x.go:4: notificacoes imports github.com/acme/loja/internal/pedidos/domain, a private package of pedidos; use pedidos's public API (package internal/pedidos)",
			"internal/pedidos/client.go:4: pedidos imports github.com/acme/loja/internal/estoque/estoquepb, a private package of estoque; use estoque's public API (package internal/estoque)",
			"internal/pedidos/service.go:5: pedidos imports github.com/acme/loja/internal/estoque/domain, a private package of estoque; use estoque's public API (package internal/estoque)",
		},
	}, {
		name: "undeclared dependency",
		files: map[string]string{
			"internal/estoque/api.go":          goFile("estoque"),
			"internal/notificacoes/service.go": goFile("notificacoes", "fmt", "strings", in("internal/estoque")),
			"internal/pedidos/service.go":      goFile("pedidos", in("internal/estoque"), in("internal/notificacoes")),
		},
		mods: loja,
		want: []string{
			"internal/notificacoes/service.go:6: notificacoes imports estoque without declaring it; add estoque to depends_on of notificacoes in modgen.yaml",
		},
	}, {
		name: "test files count, except a module's own",
		files: map[string]string{
			"internal/estoque/api.go":                goFile("estoque"),
			"internal/estoque/domain/produto.go":     goFile("domain"),
			"internal/estoque/service_test.go":       goFile("estoque", in("internal/estoque/domain")),
			"internal/estoque/contract_test.go":      goFile("estoque_test", in("internal/estoque"), in("internal/estoque/domain"), in("internal/pedidos")),
			"internal/pedidos/service.go":            goFile("pedidos", in("internal/estoque")),
			"internal/pedidos/service_test.go":       goFile("pedidos", in("internal/estoque/domain")),
			"internal/notificacoes/domain/x_test.go": goFile("domain", in("internal/notificacoes"), in("internal/notificacoes/domain")),
		},
		mods: loja,
		want: []string{
			"internal/estoque/contract_test.go:6: modules import each other in a cycle: estoque → pedidos → estoque; remove one of these imports: let one side declare the interface it needs and have cmd/api wire it, or have one side subscribe to the other's events (modgen add subscription)",
			"internal/estoque/contract_test.go:6: estoque imports pedidos without declaring it; add pedidos to depends_on of estoque in modgen.yaml",
			"internal/pedidos/service_test.go:4: pedidos imports github.com/acme/loja/internal/estoque/domain, a private package of estoque; use estoque's public API (package internal/estoque)",
		},
	}, {
		name: "pkg imports internal",
		files: map[string]string{
			"internal/doc.go":               goFile("internal"),
			"internal/estoque/api.go":       goFile("estoque"),
			"pkg/database/database.go":      goFile("database", "database/sql", in("internal/estoque")),
			"pkg/eventbus/eventbus_test.go": goFile("eventbus_test", in("pkg/eventbus"), in("internal")),
			"pkg/server/server.go":          goFile("server", in("pkg/database"), mod+"/internalx"),
		},
		mods: loja,
		want: []string{
			"pkg/database/database.go:5: pkg/database imports github.com/acme/loja/internal/estoque: pkg/ holds shared libraries and must not import anything under internal/; move what it needs into pkg/ or pass it in from cmd/api",
			"pkg/eventbus/eventbus_test.go:5: pkg/eventbus imports github.com/acme/loja/internal: pkg/ holds shared libraries and must not import anything under internal/; move what it needs into pkg/ or pass it in from cmd/api",
		},
	}, {
		name: "modules missing from modgen.yaml",
		files: map[string]string{
			"internal/estoque/api.go":        goFile("estoque"),
			"internal/legado/legado.go":      goFile("legado", in("internal/estoque")),
			"internal/legado/domain/x.go":    goFile("domain"),
			"internal/pedidos/service.go":    goFile("pedidos", in("internal/estoque"), in("internal/legado")),
			"internal/pedidos/repository.go": goFile("pedidos", in("internal/legado/domain")),
		},
		mods: loja,
		want: []string{
			"internal/legado/legado.go:4: legado imports estoque without declaring it; legado is not in modgen.yaml: add it there as a module with estoque in its depends_on",
			"internal/pedidos/repository.go:4: pedidos imports github.com/acme/loja/internal/legado/domain, a private package of legado (not in modgen.yaml); use legado's public API (package internal/legado)",
			"internal/pedidos/service.go:5: pedidos imports legado without declaring it, and legado is not in modgen.yaml; add legado to modgen.yaml as a module and to depends_on of pedidos",
		},
	}, {
		name: "skipped folders and files",
		files: map[string]string{
			"internal/estoque/api.go":              goFile("estoque"),
			"internal/pedidos/service.go":          goFile("pedidos"),
			"internal/pedidos/testdata/x.go":       goFile("x", in("internal/estoque/domain")),
			"internal/pedidos/vendor/y/y.go":       goFile("y", in("internal/estoque/domain")),
			"internal/pedidos/.cache/z.go":         goFile("z", in("internal/estoque/domain")),
			"internal/pedidos/_old/z.go":           goFile("z", in("internal/estoque/domain")),
			"internal/pedidos/_draft.go":           goFile("pedidos", in("internal/estoque/domain")),
			"internal/pedidos/.hidden.go":          goFile("pedidos", in("internal/estoque/domain")),
			"internal/pedidos/tools/go.mod":        "module tools\n",
			"internal/pedidos/tools/tools.go":      goFile("tools", in("internal/estoque/domain")),
			"pkg/testdata/fixture.go":              goFile("fixture", in("internal/estoque")),
			"internal/pedidos/notes.txt":           in("internal/estoque/domain"),
			"internal/pedidos/service_go_test.txt": goFile("pedidos", in("internal/estoque/domain")),
		},
		mods: loja,
	}, {
		name: "cycles, each once, from the smallest module",
		files: map[string]string{
			"internal/estoque/service.go":  goFile("estoque", in("internal/pedidos")),
			"internal/pedidos/service.go":  goFile("pedidos", "context", in("internal/estoque")),
			"internal/carrinho/service.go": goFile("carrinho", in("internal/cupons")),
			"internal/cupons/service.go":   goFile("cupons", in("internal/precos"), in("internal/carrinho")),
			"internal/precos/service.go":   goFile("precos", in("internal/carrinho")),
		},
		mods: []archrules.Module{
			{Name: "carrinho", DependsOn: []string{"cupons"}},
			{Name: "cupons", DependsOn: []string{"carrinho", "precos"}},
			{Name: "estoque", DependsOn: []string{"pedidos"}},
			{Name: "pedidos", DependsOn: []string{"estoque"}},
			{Name: "precos", DependsOn: []string{"carrinho"}},
		},
		want: []string{
			"internal/carrinho/service.go:4: modules import each other in a cycle: carrinho → cupons → carrinho; remove one of these imports: let one side declare the interface it needs and have cmd/api wire it, or have one side subscribe to the other's events (modgen add subscription)",
			"internal/carrinho/service.go:4: modules import each other in a cycle: carrinho → cupons → precos → carrinho; remove one of these imports: let one side declare the interface it needs and have cmd/api wire it, or have one side subscribe to the other's events (modgen add subscription)",
			"internal/estoque/service.go:4: modules import each other in a cycle: estoque → pedidos → estoque; remove one of these imports: let one side declare the interface it needs and have cmd/api wire it, or have one side subscribe to the other's events (modgen add subscription)",
		},
	}, {
		name: "a long cycle is printed whole",
		files: map[string]string{
			"internal/entrega/service.go":     goFile("entrega", in("internal/frete")),
			"internal/frete/service.go":       goFile("frete", in("internal/rotas")),
			"internal/rotas/service.go":       goFile("rotas", in("internal/transportes")),
			"internal/transportes/service.go": goFile("transportes", "context", in("internal/entrega/domain")),
		},
		mods: []archrules.Module{
			{Name: "entrega", DependsOn: []string{"frete"}},
			{Name: "frete", DependsOn: []string{"rotas"}},
			{Name: "rotas", DependsOn: []string{"transportes"}},
			{Name: "transportes", DependsOn: []string{"entrega"}},
		},
		want: []string{
			"internal/entrega/service.go:4: modules import each other in a cycle: entrega → frete → rotas → transportes → entrega; remove one of these imports: let one side declare the interface it needs and have cmd/api wire it, or have one side subscribe to the other's events (modgen add subscription)",
			"internal/transportes/service.go:5: transportes imports github.com/acme/loja/internal/entrega/domain, a private package of entrega; use entrega's public API (package internal/entrega)",
		},
	}, {
		name: "declared dependencies alone make no cycle",
		files: map[string]string{
			"internal/estoque/service.go": goFile("estoque"),
			"internal/pedidos/service.go": goFile("pedidos", in("internal/estoque")),
		},
		mods: []archrules.Module{
			{Name: "estoque", DependsOn: []string{"pedidos"}},
			{Name: "pedidos", DependsOn: []string{"estoque"}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(t, tt.files, tt.mods)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestAnalyze(t *testing.T) {
	root := t.TempDir()
	testtree.Write(t, root, map[string]string{
		"internal/estoque/api.go":        goFile("estoque"),
		"internal/estoque/domain/x.go":   goFile("domain"),
		"internal/pedidos/service.go":    goFile("pedidos", in("internal/estoque")),
		"internal/pedidos/repository.go": goFile("pedidos", "fmt", in("internal/estoque/domain")),
		"internal/fiscal/service.go":     goFile("fiscal", in("internal/pedidos")),
		"internal/pedidos/fiscal.go":     goFile("pedidos", in("internal/fiscal")),
		"internal/legado/legado.go":      goFile("legado"),
	})
	mods := []archrules.Module{
		{Name: "pedidos", DependsOn: []string{"estoque", "notificacoes"}},
		{Name: "estoque", Extracted: true},
		{Name: "fiscal", DependsOn: []string{"pedidos"}},
		{Name: "notificacoes"},
	}
	a, err := archrules.Analyze(root, mod, mods)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range a.Modules {
		names = append(names, m.Name)
	}
	if want := []string{"estoque", "fiscal", "legado", "notificacoes", "pedidos"}; !reflect.DeepEqual(names, want) {
		t.Errorf("modules = %v, want %v", names, want)
	}
	if want := []string{"legado"}; !reflect.DeepEqual(a.Unknown, want) {
		t.Errorf("unknown = %v, want %v", a.Unknown, want)
	}
	want := []archrules.Edge{
		{From: "fiscal", To: "pedidos", File: "internal/fiscal/service.go", Line: 4, Declared: true, Cycle: true},
		{From: "pedidos", To: "estoque", File: "internal/pedidos/repository.go", Line: 5, Declared: true, Private: true},
		{From: "pedidos", To: "fiscal", File: "internal/pedidos/fiscal.go", Line: 4, Cycle: true},
	}
	if !reflect.DeepEqual(a.Edges, want) {
		t.Errorf("edges:\n%+v\nwant:\n%+v", a.Edges, want)
	}
	if a.Files != 7 {
		t.Errorf("files = %d, want 7", a.Files)
	}
	if !a.Edges[0].Breaks() || !a.Edges[1].Breaks() || !a.Edges[2].Breaks() {
		t.Errorf("every edge breaks a rule: %+v", a.Edges)
	}
	if (archrules.Edge{Declared: true}).Breaks() {
		t.Error("a declared public import breaks no rule")
	}
	// The same tree gives the same answer: workers do not change the order.
	for range 5 {
		again, err := archrules.Analyze(root, mod, mods)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again, a) {
			t.Fatalf("second analysis differs:\n%+v\nfirst:\n%+v", again, a)
		}
	}
}

func TestCheckErrors(t *testing.T) {
	root := t.TempDir()
	testtree.Write(t, root, map[string]string{
		"internal/pedidos/bad.go": "package pedidos\n\nimport (\n\t\"github.com/acme/loja/internal/estoque\"\n\nfunc f() {}\n",
	})
	_, err := archrules.Check(root, mod, nil)
	if err == nil || !strings.Contains(err.Error(), "internal/pedidos/bad.go:6:1:") || !strings.Contains(err.Error(), "fix the package clause or imports") {
		t.Errorf("syntax error: got %v, want its file:line:col and the fix", err)
	}
	if _, err := archrules.Check(root, "", nil); err == nil || !strings.Contains(err.Error(), "module path is empty") {
		t.Errorf("empty module path: got %v", err)
	}
	missing := filepath.Join(root, "nope")
	if _, err := archrules.Check(missing, mod, nil); err == nil || !strings.Contains(err.Error(), "pass the project root") {
		t.Errorf("missing root: got %v", err)
	}
	// A project without internal/ and pkg/ has nothing to break.
	if vs, err := archrules.Check(t.TempDir(), mod, nil); err != nil || len(vs) != 0 {
		t.Errorf("empty project: %v, %v", vs, err)
	}
}

func TestFindRoot(t *testing.T) {
	root := t.TempDir()
	testtree.Write(t, root, map[string]string{"go.mod": "module x\n", "internal/architecture/doc.go": "package architecture\n"})
	got, err := archrules.FindRoot(filepath.Join(root, "internal", "architecture"))
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := filepath.Abs(root); got != want {
		t.Errorf("FindRoot = %s, want %s", got, want)
	}
	if _, err := archrules.FindRoot(string(filepath.Separator)); err == nil || !strings.Contains(err.Error(), "no go.mod") {
		t.Errorf("FindRoot(/) = %v, want an error naming go.mod", err)
	}
}

func TestBaseline(t *testing.T) {
	v := func(file string, line int, msg string) archrules.Violation {
		return archrules.Violation{File: file, Line: line, Rule: archrules.RuleUndeclaredDependency, Message: msg}
	}
	old := []archrules.Violation{v("b.go", 3, "one"), v("a.go", 9, "two"), v("a.go", 12, "two"), v("c.go", 1, "gone")}
	root := t.TempDir()
	if _, ok, err := archrules.ReadBaseline(root); ok || err != nil {
		t.Fatalf("no baseline: ok=%v err=%v", ok, err)
	}
	data := archrules.MarshalBaseline(archrules.BaselineOf(old))
	if bytes.Contains(data, []byte(`"line"`)) {
		t.Errorf("baseline holds line numbers:\n%s", data)
	}
	testtree.Write(t, root, map[string]string{archrules.BaselineFile: string(data)})
	entries, ok, err := archrules.ReadBaseline(root)
	if !ok || err != nil {
		t.Fatalf("ReadBaseline: ok=%v err=%v", ok, err)
	}
	if want := archrules.BaselineOf(old); !reflect.DeepEqual(entries, want) || want[0].File != "a.go" {
		t.Errorf("round trip:\n%v\nwant sorted:\n%v", entries, want)
	}
	// Lines moved, one "two" fixed, "gone" fixed, "new" appeared.
	now := []archrules.Violation{v("a.go", 40, "two"), v("b.go", 30, "one"), v("b.go", 31, "new")}
	fresh, known, fixed := archrules.Compare(now, entries)
	if want := []archrules.Violation{v("b.go", 31, "new")}; !reflect.DeepEqual(fresh, want) {
		t.Errorf("fresh = %v, want %v", fresh, want)
	}
	if want := []archrules.Violation{v("a.go", 40, "two"), v("b.go", 30, "one")}; !reflect.DeepEqual(known, want) {
		t.Errorf("known = %v, want %v", known, want)
	}
	wantFixed := []archrules.BaselineEntry{
		{File: "a.go", Rule: archrules.RuleUndeclaredDependency, Message: "two"},
		{File: "c.go", Rule: archrules.RuleUndeclaredDependency, Message: "gone"},
	}
	if !reflect.DeepEqual(fixed, wantFixed) {
		t.Errorf("fixed = %v, want %v", fixed, wantFixed)
	}
	// The rule is part of the match.
	other := []archrules.Violation{{File: "b.go", Line: 3, Rule: archrules.RuleCycle, Message: "one"}}
	if fresh, _, _ := archrules.Compare(other, entries); len(fresh) != 1 {
		t.Errorf("a violation of another rule matched the baseline: %v", fresh)
	}

	for name, content := range map[string]string{
		"not json":      "{",
		"unknown field": `{"violations": [], "extra": 1}`,
		"empty entry":   `{"violations": [{"file": "a.go"}]}`,
	} {
		testtree.Write(t, root, map[string]string{archrules.BaselineFile: content})
		if _, _, err := archrules.ReadBaseline(root); err == nil || !strings.Contains(err.Error(), "modgen check --baseline") {
			t.Errorf("%s: got %v, want an error with the fix", name, err)
		}
	}
	testtree.Write(t, root, map[string]string{archrules.BaselineFile: `{"violations": null}`})
	if entries, ok, err := archrules.ReadBaseline(root); !ok || err != nil || entries == nil || len(entries) != 0 {
		t.Errorf("empty baseline: %v %v %v", entries, ok, err)
	}
}

func TestCheckAgainstBaseline(t *testing.T) {
	root := t.TempDir()
	testtree.Write(t, root, map[string]string{
		"internal/pedidos/a.go": goFile("pedidos", in("internal/estoque")),
		"internal/pedidos/b.go": goFile("pedidos", in("internal/fiscal")),
	})
	mods := []archrules.Module{{Name: "estoque"}, {Name: "fiscal"}, {Name: "pedidos"}}
	vs, err := archrules.Check(root, mod, mods)
	if err != nil || len(vs) != 2 {
		t.Fatalf("Check = %v, %v; want 2 violations", vs, err)
	}
	accepted := append(archrules.BaselineOf(vs[:1]), archrules.BaselineEntry{File: "x.go", Rule: archrules.RuleCycle, Message: "old"})
	testtree.Write(t, root, map[string]string{archrules.BaselineFile: string(archrules.MarshalBaseline(accepted))})
	fresh, fixed, err := archrules.CheckAgainstBaseline(root, mod, mods)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh) != 1 || fresh[0] != vs[1] {
		t.Errorf("fresh = %v, want [%v]", fresh, vs[1])
	}
	if len(fixed) != 1 || fixed[0].File != "x.go" {
		t.Errorf("fixed = %v, want the x.go entry", fixed)
	}
}

func TestProjectSource(t *testing.T) {
	src := archrules.ProjectSource()
	if !bytes.HasPrefix(src, []byte("// Code generated by modgen. DO NOT EDIT.\n\n")) {
		t.Errorf("ProjectSource does not start with the generated header:\n%.200s", src)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "rules_gen.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name.Name != "architecture" {
		t.Errorf("package %s, want architecture", f.Name.Name)
	}
	if f.Doc != nil {
		t.Errorf("rules_gen.go has a package doc comment %q; it belongs in modules_gen.go", f.Doc.Text())
	}
	for _, imp := range f.Imports {
		if strings.Contains(imp.Path.Value, ".") {
			t.Errorf("rules_gen.go imports %s; generated projects get it without modgen's dependencies, so only the standard library is allowed", imp.Path.Value)
		}
	}
	own, err := os.ReadFile("archrules.go")
	if err != nil {
		t.Fatal(err)
	}
	// One source: the project file is archrules.go, header and package name aside.
	back := bytes.Replace(bytes.TrimPrefix(src, []byte("// Code generated by modgen. DO NOT EDIT.\n\n")), []byte("\npackage architecture\n"), []byte("\npackage archrules\n"), 1)
	if !bytes.Equal(back, own) {
		t.Error("ProjectSource is not archrules.go with the header and package clause changed")
	}
	if formatted, err := format.Source(src); err != nil || !bytes.Equal(formatted, src) {
		t.Errorf("ProjectSource is not gofmt-clean (err %v)", err)
	}
}

func TestProjectTest(t *testing.T) {
	testFile, modulesFile := archrules.ProjectTest(mod, []archrules.Module{
		{Name: "pedidos", DependsOn: []string{"estoque", "notificacoes"}},
		{Name: "estoque", Extracted: true},
		{Name: "notificacoes"},
	})
	wantModules := `// Code generated by modgen. DO NOT EDIT.

// Package architecture checks the module rules of modgen.yaml in go test:
// TestModuleBoundaries fails with the messages of ` + "`modgen check`" + `.
package architecture

// modulePath is the module path of go.mod.
const modulePath = "github.com/acme/loja"

// modules are the modules of modgen.yaml, their declared dependencies and
// the modules whose events they handle.
var modules = []Module{
	{Name: "estoque", Extracted: true},
	{Name: "notificacoes"},
	{Name: "pedidos", DependsOn: []string{"estoque", "notificacoes"}},
}
`
	if string(modulesFile) != wantModules {
		t.Errorf("modules_gen.go:\n%s\nwant:\n%s", modulesFile, wantModules)
	}
	_, empty := archrules.ProjectTest(mod, nil)
	for name, src := range map[string][]byte{"architecture_test.go": testFile, "modules_gen.go": modulesFile, "empty modules_gen.go": empty} {
		if !bytes.HasPrefix(src, []byte("// Code generated by modgen. DO NOT EDIT.\n")) {
			t.Errorf("%s lacks the generated header", name)
		}
		formatted, err := format.Source(src)
		if err != nil {
			t.Errorf("%s does not parse: %v\n%s", name, err, src)
			continue
		}
		if !bytes.Equal(formatted, src) {
			t.Errorf("%s is not gofmt-clean:\n%s\ngofmt:\n%s", name, src, formatted)
		}
	}
	if !bytes.Contains(empty, []byte("var modules = []Module{}\n")) {
		t.Errorf("no modules:\n%s", empty)
	}
}

// TestProjectArchitectureTest writes the architecture package into a module
// and runs its go test: it passes on a clean tree, fails with the messages of
// modgen check on a violation, and accepts a baselined one.
func TestProjectArchitectureTest(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on a generated module")
	}
	root := t.TempDir()
	mods := []archrules.Module{{Name: "estoque", Extracted: true}, {Name: "pedidos", DependsOn: []string{"estoque"}}}
	testFile, modulesFile := archrules.ProjectTest(mod, mods)
	testtree.Write(t, root, map[string]string{
		"go.mod":                                 "module " + mod + "\n\ngo 1.26\n",
		archrules.ProjectSourceFile:              string(archrules.ProjectSource()),
		archrules.ProjectTestFile:                string(testFile),
		archrules.ProjectModulesFile:             string(modulesFile),
		"internal/estoque/estoque.go":            "package estoque\n\n// Stock is the stock of a product.\ntype Stock int\n",
		"internal/estoque/domain/domain.go":      "package domain\n\n// Product is a product.\ntype Product struct{}\n",
		"internal/pedidos/pedidos.go":            "package pedidos\n\nimport \"" + mod + "/internal/estoque\"\n\n// Reserve reserves stock.\nfunc Reserve(s estoque.Stock) estoque.Stock { return s }\n",
		"pkg/database/database.go":               "package database\n\n// Open opens nothing.\nfunc Open() {}\n",
		"internal/estoque/domain/domain_test.go": "package domain\n\nimport \"testing\"\n\nfunc TestProduct(t *testing.T) { _ = Product{} }\n",
	})
	goTest := func() (string, error) {
		cmd := exec.Command("go", "test", "./...")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := goTest(); err != nil {
		t.Fatalf("go test on a clean project failed: %v\n%s", err, out)
	}

	// Seed a violation: pedidos reaches into estoque's domain.
	testtree.Write(t, root, map[string]string{
		"internal/pedidos/pedidos.go": "package pedidos\n\nimport (\n\t\"" + mod + "/internal/estoque\"\n\t\"" + mod + "/internal/estoque/domain\"\n)\n\n// Reserve reserves stock.\nfunc Reserve(s estoque.Stock, _ domain.Product) estoque.Stock { return s }\n",
	})
	want := "internal/pedidos/pedidos.go:5: pedidos imports github.com/acme/loja/internal/estoque/domain, a private package of estoque; use estoque's public API (package internal/estoque)"
	vs, err := archrules.Check(root, mod, mods)
	if err != nil || len(vs) != 1 || vs[0].String() != want {
		t.Fatalf("modgen's Check = %v, %v; want [%s]", vs, err, want)
	}
	out, err := goTest()
	if err == nil {
		t.Fatalf("go test passed on a violation:\n%s", out)
	}
	if !strings.Contains(out, want) || !strings.Contains(out, "FAIL") {
		t.Fatalf("go test output lacks the violation %q:\n%s", want, out)
	}

	// Baselined, the violation no longer fails the project's test.
	testtree.Write(t, root, map[string]string{archrules.BaselineFile: string(archrules.MarshalBaseline(archrules.BaselineOf(vs)))})
	if out, err := goTest(); err != nil {
		t.Fatalf("go test failed on a baselined violation: %v\n%s", err, out)
	}
}

// BenchmarkCheck200Modules checks a scaffold-shaped project of 200 modules:
// each has api.go, module.go, handler.go, service.go, repository.go, a
// domain package and tests; every tenth is extracted (pb and gRPC packages).
// Module i depends on i-1 (a chain) and on modules 0-4 (a fan-in).
func BenchmarkCheck200Modules(b *testing.B) {
	root := b.TempDir()
	mods := scaffold(b, root, 200)
	b.ResetTimer()
	for b.Loop() {
		vs, err := archrules.Check(root, mod, mods)
		if err != nil {
			b.Fatal(err)
		}
		if len(vs) != 0 {
			b.Fatalf("scaffold has %d violations, first %v", len(vs), vs[0])
		}
	}
}

// scaffold writes a project of n modules below root and returns its modules.
func scaffold(tb testing.TB, root string, n int) []archrules.Module {
	tb.Helper()
	body := strings.Repeat("// Lorem ipsum dolor sit amet, a line of the body of a real file.\nfunc g() error { return nil }\n\n", 40)
	files := map[string]string{
		"go.mod":                   "module " + mod + "\n\ngo 1.26\n",
		"internal/doc.go":          goFile("internal"),
		"pkg/database/database.go": goFile("database", "database/sql", "errors") + body,
		"pkg/eventbus/eventbus.go": goFile("eventbus", "context", "sync") + body,
		"pkg/server/server.go":     goFile("server", "net/http", in("pkg/database")) + body,
	}
	var mods []archrules.Module
	var wire []string
	for i := range n {
		name := fmt.Sprintf("modulo%03d", i)
		var deps []string
		if i > 0 {
			deps = append(deps, fmt.Sprintf("modulo%03d", i-1))
		}
		for j := 0; j < 5 && j < i-1; j++ {
			deps = append(deps, fmt.Sprintf("modulo%03d", j))
		}
		m := archrules.Module{Name: name, DependsOn: deps, Extracted: i%10 == 0}
		mods = append(mods, m)
		dir := "internal/" + name + "/"
		public := []string{"context", "errors", in("pkg/database"), in("pkg/eventbus"), in(dir + "domain")}
		for _, d := range deps {
			public = append(public, in("internal/"+d))
		}
		files[dir+"api.go"] = goFile(name, "context", "errors") + body
		files[dir+"module.go"] = goFile(name, "database/sql", "net/http", in("pkg/eventbus")) + body
		files[dir+"handler.go"] = goFile(name, "encoding/json", "net/http", in(dir+"domain")) + body
		files[dir+"service.go"] = goFile(name, public...) + body
		files[dir+"repository.go"] = goFile(name, "context", "database/sql", in(dir+"domain")) + body
		files[dir+"domain/"+name+".go"] = goFile("domain", "errors", "time") + body
		files[dir+"domain/"+name+"_test.go"] = goFile("domain", "testing") + body
		files[dir+"service_test.go"] = goFile(name, "testing", in(dir+"domain")) + body
		files[dir+"handler_test.go"] = goFile(name+"_test", "net/http/httptest", "testing", in(dir[:len(dir)-1])) + body
		files[dir+"repository_test.go"] = goFile(name, "testing", in("pkg/database")) + body
		if m.Extracted {
			pb := name + "pb"
			files[dir+pb+"/"+name+".pb.go"] = goFile(pb, "google.golang.org/protobuf/reflect/protoreflect") + strings.Repeat(body, 8)
			files[dir+pb+"/"+name+"_grpc.pb.go"] = goFile(pb, "google.golang.org/grpc") + strings.Repeat(body, 3)
			files[dir+name+"grpc/server.go"] = goFile(name+"grpc", in(dir[:len(dir)-1]), in(dir+pb)) + body
			files[dir+name+"grpc/client.go"] = goFile(name+"grpc", in(dir[:len(dir)-1]), in(dir+pb)) + body
			files["cmd/"+name+"/main.go"] = goFile("main", in(dir+name+"grpc")) + body
		}
		wire = append(wire, in(dir[:len(dir)-1]))
	}
	files["cmd/api/wire_gen.go"] = goFile("main", wire...)
	testtree.Write(tb, root, files)
	return mods
}

// TestScaffoldIsClean keeps the benchmark honest: its project has no
// violations, and Check reads every module file of it.
func TestScaffoldIsClean(t *testing.T) {
	root := t.TempDir()
	mods := scaffold(t, root, 20)
	a, err := archrules.Analyze(root, mod, mods)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Violations) != 0 {
		t.Fatalf("violations: %v", a.Violations)
	}
	// 20 modules × 10 files, 2 extracted × 4 more, internal/doc.go and 3 pkg files.
	if want := 20*10 + 2*4 + 1 + 3; a.Files != want {
		t.Errorf("files read = %d, want %d", a.Files, want)
	}
	if len(a.Edges) == 0 {
		t.Error("no edges between modules")
	}
}

// TestForeignTables: a module whose SQL, in its Go string literals or its
// .sql files, names a table that another module's migrations create breaks
// the tables rule, at the line that names it; its own tables, columns that
// merely start like another module's name, comments and SQL outside the
// modules do not.
func TestForeignTables(t *testing.T) {
	loja := []archrules.Module{
		{Name: "estoque"},
		{Name: "pedidos", DependsOn: []string{"estoque"}},
	}
	files := map[string]string{
		"internal/estoque/migrations/sqlite/0001_create.sql":   "-- owned by estoque\nCREATE TABLE estoque_items (id INTEGER PRIMARY KEY);\n",
		"internal/estoque/migrations/postgres/0001_create.sql": "CREATE TABLE IF NOT EXISTS estoque.estoque_reservas (\n\tid BIGINT PRIMARY KEY\n);\n",
		"internal/estoque/repository.go":                       "package estoque\n\nconst q = `SELECT id FROM estoque_items`\n",
		"internal/pedidos/migrations/sqlite/0001_create.sql": "CREATE TABLE pedidos_items (\n\tid INTEGER PRIMARY KEY,\n\testoque_id INTEGER NOT NULL -- refers to estoque_items by id\n);\n" +
			"CREATE VIEW pedidos_view AS SELECT * FROM pedidos_items JOIN ESTOQUE_ITEMS ON estoque_id = ESTOQUE_ITEMS.id;\n",
		"internal/pedidos/repository.go": "package pedidos\n\n// estoque_items is not ours: we ask estoque.\nconst own = `SELECT estoque_id FROM pedidos_items`\n\n" +
			"const stock = `SELECT COUNT(*)\n\tFROM estoque.estoque_reservas`\n\nvar joined = \"SELECT 1\\nFROM estoque_items\"\n",
		"pkg/database/report.go": "package database\n\nconst all = `SELECT * FROM estoque_items, pedidos_items`\n",
	}
	got := check(t, files, loja)
	want := []string{
		"internal/pedidos/migrations/sqlite/0001_create.sql:5: pedidos names ESTOQUE_ITEMS, a table of module estoque; a module reads and writes only its own tables: call estoque's API (internal/estoque) instead",
		"internal/pedidos/migrations/sqlite/0001_create.sql:5: pedidos names ESTOQUE_ITEMS, a table of module estoque; a module reads and writes only its own tables: call estoque's API (internal/estoque) instead",
		"internal/pedidos/repository.go:7: pedidos names estoque_reservas, a table of module estoque; a module reads and writes only its own tables: call estoque's API (internal/estoque) instead",
		"internal/pedidos/repository.go:9: pedidos names estoque_items, a table of module estoque; a module reads and writes only its own tables: call estoque's API (internal/estoque) instead",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
