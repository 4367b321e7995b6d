package generator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/generator/tree"
	"golang.org/x/mod/module"
	"golang.org/x/tools/txtar"
)

// FuzzNamePaths checks that for every name the validator accepts, every
// file path of the module modgen plans and every import path of its Go
// files pass the Go toolchain's checks.
func FuzzNamePaths(f *testing.F) {
	for _, s := range []string{"estoque", "faturas", "a1", "con", "com1", "min", "x", "zz9"} {
		f.Add(s)
	}
	root := seedProject(f)
	f.Fuzz(func(t *testing.T, name string) {
		if tree.ValidateName("module", name) == nil {
			checkModulePaths(t, root, name)
		}
	})
}

// checkModulePaths plans module name in the project at root and checks
// every file path of the plan, and every import path of its Go files, with
// the Go toolchain's rules.
func checkModulePaths(t *testing.T, root, name string) {
	m, err := tree.LoadManifest(root)
	if err != nil {
		t.Fatal(err)
	}
	p := &Project{Root: root, Manifest: m}
	opts := AddModuleOptions{Name: name, DependsOn: []string{"estoque"}}
	if existing := m.Find(name); existing != nil {
		opts.DependsOn = existing.DependsOn
	}
	plan, err := p.AddModule(opts)
	if err != nil {
		t.Fatalf("accepted %q, then AddModule: %v", name, err)
	}
	if _, err := p.Finish(plan, false); err != nil {
		t.Fatalf("accepted %q, then Finish: %v", name, err)
	}
	for _, f := range plan.Files {
		if err := module.CheckFilePath(f.Path); err != nil {
			t.Fatalf("accepted %q, which gives file path %s: %v", name, f.Path, err)
		}
		if !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f.Path, f.Content, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("accepted %q: %s: %v", name, f.Path, err)
		}
		for _, imp := range file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if err := module.CheckImportPath(p); err != nil {
				t.Fatalf("accepted %q, which gives import path %s in %s: %v", name, p, f.Path, err)
			}
		}
	}
}

// TestReservedCoversTemplateImports reads every Go file of the golden
// scenarios (the complete output of the templates and of extraction) and
// checks that no module name could clash with a package the output
// imports: each imported package name is rejected by tree.ValidateName.
func TestReservedCoversTemplateImports(t *testing.T) {
	goldens, _ := filepath.Glob("../testdata/golden/*.txtar")
	if len(goldens) == 0 {
		t.Fatal("no golden scenarios")
	}
	names := map[string]string{}
	for _, g := range goldens {
		ar, err := txtar.ParseFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if !strings.HasSuffix(f.Name, ".go") {
				continue
			}
			file, err := parser.ParseFile(token.NewFileSet(), f.Name, f.Data, parser.ImportsOnly)
			if err != nil {
				t.Fatalf("%s: %s: %v", g, f.Name, err)
			}
			for _, imp := range file.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if strings.Contains(p, "/acme/loja/internal/") {
					continue // the modules' own packages, named after them
				}
				name := path.Base(p)
				if imp.Name != nil {
					name = imp.Name.Name
				} else if v := strings.TrimPrefix(name, "v"); v != name && strings.Trim(v, "0123456789") == "" {
					name = path.Base(path.Dir(p)) // example.com/x/v3 is package x
				}
				names[name] = f.Name
			}
		}
	}
	for name, file := range names {
		if !plainName.MatchString(name) {
			continue
		}
		if tree.ValidateName("module", name) == nil {
			t.Errorf("module name %q is accepted, yet the generated %s imports a package of that name", name, file)
		}
	}
}

// TestReservedEntitiesCoverTemplates reads the module packages of the
// golden scenarios that have no hand edits and checks that every exported
// top-level identifier a module package declares, besides those named after
// its entity or after the modules it depends on (deps.go, checked by
// AddModule), is refused as an entity name: an entity with that name would
// clash with it.
func TestReservedEntitiesCoverTemplates(t *testing.T) {
	checked := 0
	for _, g := range []string{"../testdata/golden/add_modules.txtar", "../testdata/golden/extract.txtar"} {
		ar, err := txtar.ParseFile(g)
		if err != nil {
			t.Fatal(err)
		}
		entities := map[string]string{}
		deps := map[string][]string{}
		for _, f := range ar.Files {
			if path.Base(f.Name) == tree.ManifestFile {
				m, err := tree.ParseManifest(f.Data)
				if err != nil {
					t.Fatalf("%s: %s: %v", g, f.Name, err)
				}
				for _, mod := range m.Modules {
					entities[mod.Name] = mod.Entity
					deps[mod.Name] = mod.DependsOn
				}
			}
		}
		for _, f := range ar.Files {
			dir, base := path.Split(f.Name)
			mod := path.Base(dir)
			entity, ok := entities[mod]
			if !ok || !strings.HasSuffix(dir, "internal/"+mod+"/") || !strings.HasSuffix(base, ".go") || strings.HasSuffix(base, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(token.NewFileSet(), f.Name, f.Data, parser.SkipObjectResolution)
			if err != nil {
				t.Fatalf("%s: %s: %v", g, f.Name, err)
			}
			for _, name := range topLevelNames(file) {
				if !token.IsExported(name) || strings.HasPrefix(name, entity) || slices.ContainsFunc(deps[mod], func(d string) bool { return name == tree.Exported(d)+"Service" }) {
					continue
				}
				checked++
				if tree.ValidateEntity(name) == nil {
					t.Errorf("%s declares %s, yet %q is accepted as an entity name", f.Name, name, name)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no module package found in the goldens")
	}
}

func topLevelNames(file *ast.File) []string {
	var names []string
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				names = append(names, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names = append(names, s.Name.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names = append(names, n.Name)
					}
				}
			}
		}
	}
	return names
}

// plainName matches the names that could be module names at all.
var plainName = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
