package generator

import (
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
		mustApply(b, p, plan)
		p.Close()
	}
}

// BenchmarkAddModule measures `modgen add module` with two dependencies in
// a project that already has them.
func BenchmarkAddModule(b *testing.B) {
	root := seedProject(b)
	for i := 0; b.Loop(); i++ {
		p, err := Open(root)
		if err != nil {
			b.Fatal(err)
		}
		plan, err := p.AddModule(AddModuleOptions{Name: "pedidos" + strconv.Itoa(i), DependsOn: []string{"estoque", "notificacoes"}})
		if err != nil {
			b.Fatal(err)
		}
		mustApply(b, p, plan)
		p.Close()
	}
}

// benchProject makes a project with n modules, each after the first
// depending on the one before.
func benchProject(b *testing.B, n int) string {
	mods := make([]AddModuleOptions, n)
	for i := range mods {
		mods[i].Name = "m" + strconv.Itoa(i)
		if i > 0 {
			mods[i].DependsOn = []string{"m" + strconv.Itoa(i-1)}
		}
	}
	return makeProject(b, mods)
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
