package generator

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/modgen-dev/modgen/templates"
)

// moduleWiring is what the wiring files of one module in cmd/api are
// rendered from (templates/wiremodule): the project's Go module path, the
// module, and the modules it depends on. Nothing else goes in, so the files
// of a module whose moduleWiring is unchanged are unchanged, and a command
// takes them from the disk (tree.Cache) instead of rendering them again.
type moduleWiring struct {
	Module string
	M      tree.Module
	Deps   []tree.Module // in the order of M.DependsOn
}

// inputs is a canonical form of w: equal for equal wirings, whether a list
// is empty or absent.
func (w moduleWiring) inputs() string {
	b := []byte(w.Module)
	for _, m := range append([]tree.Module{w.M}, w.Deps...) {
		b = append(b, 0)
		b = strconv.AppendQuote(b, m.Name)
		b = strconv.AppendQuote(b, m.Entity)
		for _, list := range [][]string{m.DependsOn, m.Fields, m.Subscribes} {
			b = strconv.AppendInt(append(b, ' '), int64(len(list)), 10)
			for _, s := range list {
				b = strconv.AppendQuote(b, s)
			}
		}
		if m.Extracted != nil {
			b = strconv.AppendInt(append(b, " extracted "...), int64(m.Extracted.Port), 10)
		}
	}
	return string(b)
}

// Find returns dependency name.
func (d moduleWiring) Find(name string) *tree.Module {
	for i := range d.Deps {
		if d.Deps[i].Name == name {
			return &d.Deps[i]
		}
	}
	return nil
}

// IsExtracted reports whether dependency name is extracted.
func (d moduleWiring) IsExtracted(name string) bool {
	m := d.Find(name)
	return m != nil && m.Extracted != nil
}

// moduleWiringFiles returns, for every module, cmd/api/wire_<m>_gen.go (the
// function that builds it) and cmd/api/wire_<m>_gen_test.go (its tests in
// the composed application), taken from the disk when the cache says they
// were rendered from the same inputs.
func (p *Project) moduleWiringFiles(data projectData, cache *tree.Cache) ([]tree.File, error) {
	tmpls := wireModuleTemplates()
	n := len(tmpls)
	files := make([]tree.File, n*len(data.Modules))
	err := tree.ForEach(len(data.Modules), func(i int) error {
		mod := data.Modules[i]
		w := moduleWiring{Module: data.Module, M: mod}
		for _, d := range mod.DependsOn {
			if dm := data.Find(d); dm != nil {
				w.Deps = append(w.Deps, *dm)
			}
		}
		inputs := w.inputs()
		for j, t := range tmpls {
			rel := "cmd/api/wire_" + mod.Name + t.suffix
			key := tree.Key(t.identity(), inputs)
			if content, ok := cache.Lookup(p.Root, rel, key); ok {
				files[i*n+j] = tree.File{Path: rel, Content: content, Owner: tree.Generated, Template: t.name, Final: true, OnDisk: true, CacheKey: key}
				continue
			}
			f, err := tree.Render(t.name, t.src, rel, w)
			if err != nil {
				return err
			}
			f.CacheKey = key
			files[i*n+j] = f
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}

// staleWiring warns of the wiring files in cmd/api of modules that
// modgen.yaml no longer lists (removed by hand): they would not build
// without the module's package, and modgen deletes nothing. The folder is
// listed by name only: at 200 modules it holds 400 wiring files, all of
// listed modules.
func (p *Project) staleWiring(data projectData) []string {
	dir, err := os.Open(filepath.Join(p.Root, "cmd", "api"))
	if err != nil {
		return nil
	}
	names, _ := dir.Readdirnames(-1)
	dir.Close()
	slices.Sort(names)
	var warnings []string
	for _, name := range names {
		module, ok := strings.CutPrefix(strings.TrimSuffix(strings.TrimSuffix(name, "_test.go"), ".go"), "wire_")
		module, gen := strings.CutSuffix(module, "_gen")
		if !ok || !gen || module == "" || data.Find(module) != nil {
			continue
		}
		// A folder, or a file that cannot be read, is not read.
		if content, err := os.ReadFile(filepath.Join(p.Root, "cmd", "api", name)); err == nil && tree.IsGenerated(content) {
			warnings = append(warnings, fmt.Sprintf("cmd/api/%s wires module %s, which modgen.yaml does not list; delete it, or add the module back to modgen.yaml", name, module))
		}
	}
	return warnings
}

type wireModuleTemplate struct {
	name, src, suffix string
	// identity is the key of the modgen and the template that render, the
	// same for every module: computed once, not hashed with every key.
	identity func() string
}

// wireModuleTemplates are the templates of templates/wiremodule, read once.
var wireModuleTemplates = sync.OnceValue(func() []wireModuleTemplate {
	var out []wireModuleTemplate
	for _, name := range []string{"wire_module_gen.go.tmpl", "wire_module_gen_test.go.tmpl"} {
		p := "wiremodule/" + name
		src, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			panic(err) // embedded: present in every build
		}
		out = append(out, wireModuleTemplate{
			name: p, src: string(src), suffix: strings.TrimSuffix(strings.TrimPrefix(name, "wire_module"), ".tmpl"),
			identity: sync.OnceValue(func() string { return tree.Key(buildIdentity(), string(src)) }),
		})
	}
	return out
})

// buildIdentity identifies the modgen that renders, for the cache keys: its
// version, and for a development build also when and how big the binary
// was built, since its templates and generators change without a new
// version.
var buildIdentity = sync.OnceValue(func() string {
	id := Version
	if strings.HasSuffix(Version, "-dev") {
		if exe, err := os.Executable(); err == nil {
			if info, err := os.Stat(exe); err == nil {
				id += " " + info.ModTime().String() + " " + strconv.FormatInt(info.Size(), 10)
			}
		}
	}
	return id
})
