package extract_test

import (
	"path/filepath"
	"testing"

	"github.com/modgen-dev/modgen/generator"
	"github.com/modgen-dev/modgen/generator/extract"
	"github.com/modgen-dev/modgen/generator/tree"
)

// TestSourceLoadGeneratedProject checks, on a project that modgen
// generates, that extract takes the fast path (loadSource) for each module,
// and that its contract and generated files are those of the full load.
func TestSourceLoadGeneratedProject(t *testing.T) {
	root := generatedProject(t, []generator.AddModuleOptions{
		{Name: "estoque"},
		{Name: "notificacoes"},
		{Name: "pedidos", DependsOn: []string{"estoque", "notificacoes"}},
		{Name: "produtos", Fields: "sku:string(40):unique,quantidade:int,preco:decimal,validade:date?,codigo:uuid,extra:json?,estoque_id:ref(estoque)"},
	})
	manifest, err := tree.LoadManifest(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range manifest.Modules {
		if m.Name == "notificacoes" { // a module like estoque, there for pedidos
			continue
		}
		cfg := extract.Config{Root: root, ModulePath: "github.com/acme/loja", Module: m.Name, Port: 50051, Fields: m.Fields}
		fast, full, fellBack, err := extract.LoadBothWays(cfg)
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if fellBack != nil {
			t.Errorf("%s: load fell back to the full load: %v", m.Name, fellBack)
		}
		if fast != full {
			t.Errorf("%s: the contracts differ\n--- from source:\n%s\n--- full load:\n%s", m.Name, fast, full)
		}
		diff, fastErr, fullErr := extract.GenerateBothWays(cfg)
		if fastErr != nil || fullErr != nil {
			t.Fatalf("%s: %v; %v", m.Name, fastErr, fullErr)
		}
		if len(diff) > 0 {
			t.Errorf("%s: files differ between the two loads: %v", m.Name, diff)
		}
	}
}

// generatedProject makes project loja (module github.com/acme/loja) with
// mods, through the calls the commands make, and returns its root.
func generatedProject(t *testing.T, mods []generator.AddModuleOptions) string {
	t.Helper()
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, plan, err := generator.NewProject(base, generator.NewProjectOptions{Name: "loja", Module: "github.com/acme/loja"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Init(); err != nil {
		t.Fatal(err)
	}
	apply(t, p, plan)
	root := filepath.Join(base, "loja")
	for _, opts := range mods {
		p, err := generator.Open(root)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := p.AddModule(opts)
		if err != nil {
			t.Fatal(err)
		}
		apply(t, p, plan)
	}
	return root
}

func apply(t *testing.T, p *generator.Project, plan *tree.Plan) {
	t.Helper()
	defer p.Close()
	changes, err := p.Finish(plan, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Write(changes); err != nil {
		t.Fatal(err)
	}
}
