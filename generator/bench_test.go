package generator

import (
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkNewProject measures `modgen new project` end to end: render,
// format, compare and write the whole tree.
func BenchmarkNewProject(b *testing.B) {
	base := b.TempDir()
	for i := 0; b.Loop(); i++ {
		name := "loja" + strconv.Itoa(i)
		p, plan, err := NewProject(base, NewProjectOptions{Name: name, Module: "github.com/acme/" + name})
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Init(); err != nil {
			b.Fatal(err)
		}
		changes, err := p.Finish(plan, false)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Write(changes); err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}

// BenchmarkAddModule measures `modgen add module` with two dependencies in
// a project that already has them.
func BenchmarkAddModule(b *testing.B) {
	base := b.TempDir()
	p, plan, err := NewProject(base, NewProjectOptions{Name: "loja", Module: "github.com/acme/loja"})
	if err != nil {
		b.Fatal(err)
	}
	apply := func(p *Project, plan *Plan) {
		changes, err := p.Finish(plan, false)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Write(changes); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.Init(); err != nil {
		b.Fatal(err)
	}
	apply(p, plan)
	p.Close()
	for _, m := range []string{"estoque", "notificacoes"} {
		p, err := Open(filepath.Join(base, "loja"))
		if err != nil {
			b.Fatal(err)
		}
		plan, err := p.AddModule(AddModuleOptions{Name: m})
		if err != nil {
			b.Fatal(err)
		}
		apply(p, plan)
		p.Close()
	}
	for i := 0; b.Loop(); i++ {
		p, err := Open(filepath.Join(base, "loja"))
		if err != nil {
			b.Fatal(err)
		}
		plan, err := p.AddModule(AddModuleOptions{Name: "pedidos" + strconv.Itoa(i), DependsOn: []string{"estoque", "notificacoes"}})
		if err != nil {
			b.Fatal(err)
		}
		apply(p, plan)
		p.Close()
	}
}
