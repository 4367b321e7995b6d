package generator

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/modgen-dev/modgen/templates"
	"github.com/rogpeppe/go-internal/diff"
)

// TestWiringTemplatesCanonical: the templates of templates/wiring write
// what gofmt (and modgen's import grouping) would, for every shape of
// project, so Finish does not format them: at 200 modules formatting
// cmd/api/wire_gen.go alone took 0.7 ms of every command.
func TestWiringTemplatesCanonical(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 200))
	names := []string{"estoque", "pedidos", "notificacoes", "a", "b2", "catalogo", "pagamentos", "clientes", "x", "entregas", "faturas", "m10", "m9"}
	fields := []string{"sku:string(40):unique", "quantidade:int", "preco:decimal", "ativo:bool", "validade:date?", "nota:text", "dados:json?", "cliente_id:ref(clientes)", "id_externo:uuid:index"}
	// Module paths on both sides of the third-party paths the templates
	// import (go.opentelemetry.io, google.golang.org): the module's own
	// imports are a group of their own, sorted whatever the path.
	paths := []string{"github.com/acme/loja", "loja", "zz.example/loja", "go.example/loja/v2", "a.b/c"}
	manifests := []*tree.Manifest{{Name: "loja", Module: "github.com/acme/loja", Database: "sqlite"}}
	for range 400 {
		m := &tree.Manifest{Name: "loja", Module: paths[rng.IntN(len(paths))], Database: []string{"sqlite", "postgres"}[rng.IntN(2)]}
		n := rng.IntN(len(names) + 1)
		for _, i := range rng.Perm(len(names))[:n] {
			mod := tree.Module{Name: names[i], Entity: strings.ToUpper(names[i][:1]) + names[i][1:]}
			for _, d := range m.Modules { // earlier modules only: no cycles
				if rng.IntN(3) == 0 {
					mod.DependsOn = append(mod.DependsOn, d.Name)
				}
			}
			if rng.IntN(2) == 0 {
				for _, f := range rng.Perm(len(fields))[:1+rng.IntN(4)] {
					mod.Fields = append(mod.Fields, fields[f])
				}
			}
			if len(m.Modules) > 0 && rng.IntN(3) == 0 {
				p := m.Modules[rng.IntN(len(m.Modules))]
				mod.Subscribes = []string{p.Name + "." + p.Entity + "Created"}
			}
			if rng.IntN(4) == 0 {
				mod.Extracted = &tree.Extraction{Port: 50051 + len(m.Modules)}
			}
			m.Modules = append(m.Modules, mod)
		}
		manifests = append(manifests, m)
	}
	// Entities with only references (no sample body but {}).
	manifests = append(manifests, &tree.Manifest{Name: "loja", Module: "example.com/loja", Database: "sqlite", Modules: []tree.Module{
		{Name: "clientes", Entity: "Cliente", Fields: []string{"cliente_id:ref(clientes)"}}}})
	seen := map[string]bool{}
	for i, m := range manifests {
		files, err := tree.RenderTree(templates.FS, "wiring", projectDataOf(m), func(rel string) string { return "cmd/api/" + rel })
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			want, err := tree.FormatSource(f.Path, f.Content)
			if err != nil {
				t.Fatalf("manifest %d: %s: %v\n%s", i, f.Path, err, f.Content)
			}
			if string(want) != string(f.Content) && !seen[f.Path] {
				seen[f.Path] = true
				t.Errorf("manifest %d (%s): %s is not as gofmt writes it:\n%s", i, describe(m), f.Path, diff.Diff("rendered", f.Content, "formatted", want))
			}
		}
	}
}

func describe(m *tree.Manifest) string {
	var b strings.Builder
	for _, mod := range m.Modules {
		fmt.Fprintf(&b, "%s deps=%v subs=%v extracted=%v; ", mod.Name, mod.DependsOn, mod.Subscribes, mod.Extracted != nil)
	}
	return b.String()
}
