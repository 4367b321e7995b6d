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

// benchProject makes a project with n modules through the same calls the
// commands make, each module after the first depending on the one before.
func benchProject(b *testing.B, n int) string {
	b.Helper()
	base := b.TempDir()
	p, plan, err := NewProject(base, NewProjectOptions{Name: "loja", Module: "github.com/acme/loja"})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Init(); err != nil {
		b.Fatal(err)
	}
	mustApply(b, p, plan)
	p.Close()
	root := filepath.Join(base, "loja")
	for i := range n {
		opts := AddModuleOptions{Name: "m" + strconv.Itoa(i)}
		if i > 0 {
			opts.DependsOn = []string{"m" + strconv.Itoa(i-1)}
		}
		p, err := Open(root)
		if err != nil {
			b.Fatal(err)
		}
		plan, err := p.AddModule(opts)
		if err != nil {
			b.Fatal(err)
		}
		mustApply(b, p, plan)
		p.Close()
	}
	return root
}

// BenchmarkAddModuleSize measures add module (open, plan, finish, write)
// in projects of 3 and of 200 modules: the cost should not grow with the
// project beyond the wiring, which lists every module.
func BenchmarkAddModuleSize(b *testing.B) {
	for _, n := range []int{3, 200} {
		b.Run(strconv.Itoa(n)+"modules", func(b *testing.B) {
			root := benchProject(b, n)
			for i := 0; b.Loop(); i++ {
				p, err := Open(root)
				if err != nil {
					b.Fatal(err)
				}
				plan, err := p.AddModule(AddModuleOptions{Name: "x" + strconv.Itoa(i), DependsOn: []string{"m0", "m1"}})
				if err != nil {
					b.Fatal(err)
				}
				mustApply(b, p, plan)
				p.Close()
			}
		})
	}
}
