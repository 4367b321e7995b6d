package generator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/mod/module"
	"golang.org/x/tools/txtar"
)

func TestValidateName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want string // substring of the error; "" means valid
	}{
		{"estoque", ""},
		{"pedidos2", ""},
		{"a", ""},
		{"type", `project "type": a Go keyword cannot be a package name; try "types"`},
		{"func", `a Go keyword cannot be a package name; try "funcs"`},
		{"string", `shadows the predeclared Go identifier string; try "appstring"`},
		{"error", `shadows the predeclared Go identifier error; try "apperror"`},
		{"internal", `a folder or package name with a fixed meaning in Go projects; try "internals"`},
		{"cmd", "fixed meaning"},
		{"pkg", "fixed meaning"},
		{"api", "fixed meaning"},
		{"app", "fixed meaning"},
		{"vendor", "fixed meaning"},
		{"testdata", "fixed meaning"},
		{"http", `clashes with package http, which the generated code imports; try "https"`},
		{"sql", "clashes with package sql"},
		{"context", "clashes with package context"},
		{"errors", `clashes with package errors, which the generated code imports; try "apperrors"`},
		{"time", "clashes with package time"},
		{"../x", `a name is not a path; use a plain name such as "x"`},
		{"a/b", `a name is not a path; use a plain name such as "b"`},
		{"Pedidos", `Go package names are lower case; try "pedidos"`},
		{"notificações", `only ASCII letters and digits are allowed; try "notificacoes"`},
		{"1abc", `a name must start with a letter; try "abc"`},
		{"", `project name is empty`},
		{"my-mod", `only lower-case letters and digits are allowed, not '-'; try "mymod"`},
		{"my_mod", `not '_'`},
		{strings.Repeat("a", 65), "at most 64 characters"},
	} {
		err := ValidateName("project", tc.name)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ValidateName(%q) = %v; want nil", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("ValidateName(%q) = %v; want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestValidateModulePath(t *testing.T) {
	for _, ok := range []string{"github.com/acme/loja", "example.com/x/v2", "gitlab.com/a/b/c"} {
		if err := ValidateModulePath(ok); err != nil {
			t.Errorf("ValidateModulePath(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Not Valid", "github.com/acme/loja/", "/abs", "github.com/acme/loja.", "example.com/ü"} {
		if err := ValidateModulePath(bad); err == nil || !strings.Contains(err.Error(), "use a path such as") {
			t.Errorf("ValidateModulePath(%q) = %v; want an error with a suggestion", bad, err)
		}
	}
}

// FuzzValidateName checks that the validator never panics, that every
// accepted name is a plain lower-case ASCII identifier, and that every
// rejection is one line whose suggestion is itself valid.
func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"estoque", "faturas", "type", "../x", "notificações", "1abc", "", "Pedidos", "a/b", "http", "errors", "x\ny", "con", "com1", "min", "a1"} {
		f.Add(s)
	}
	root := seedProject(f)
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateName("module", name)
		if err == nil {
			if !validShape(name) {
				t.Fatalf("accepted %q", name)
			}
			checkModulePaths(t, root, name)
			return
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") {
			t.Fatalf("error for %q spans lines: %q", name, msg)
		}
		if !utf8.ValidString(name) {
			return
		}
		if s := suggest(name); ValidateName("module", s) != nil {
			t.Fatalf("suggestion %q for %q is itself invalid: %v", s, name, ValidateName("module", s))
		}
	})
}

// checkModulePaths plans module name in the project at root and checks
// every file path of the plan, and every import path of its Go files, with
// the Go toolchain's rules.
func checkModulePaths(t *testing.T, root, name string) {
	m, err := LoadManifest(root)
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

func validShape(name string) bool {
	if name == "" || len(name) > 64 || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func TestValidateNameToolchainRules(t *testing.T) {
	for name, want := range map[string]string{
		"con":     `module "con": internal/con would not be a valid Go import path ("con" disallowed as path element component on Windows); try "cons"`,
		"aux":     `"aux" disallowed as path element component on Windows`,
		"com1":    `"com1" disallowed as path element component on Windows`,
		"lpt9":    `"lpt9" disallowed as path element component on Windows`,
		"min":     `module "min": shadows the predeclared Go identifier min; try "mins"`,
		"uintptr": `shadows the predeclared Go identifier uintptr`,
	} {
		err := ValidateName("module", name)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateName(%q) = %v; want %q", name, err, want)
		}
	}
	if files := templateFiles("module"); !slices.Contains(files, "api.go") || len(files) < 8 {
		t.Errorf("templateFiles(module) = %v; want the module templates", files)
	}
}

// TestReservedCoversTemplateImports reads every Go file of the golden
// scenarios (the complete output of the templates and of extraction) and
// checks that no module name could clash with a package the output
// imports: each imported package name is rejected by ValidateName.
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
		if name == "_" || name == "." || !validShape(name) {
			continue
		}
		if ValidateName("module", name) == nil {
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
			if path.Base(f.Name) == ManifestFile {
				m, err := ParseManifest(f.Data)
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
				if !token.IsExported(name) || strings.HasPrefix(name, entity) || slices.ContainsFunc(deps[mod], func(d string) bool { return name == Exported(d)+"Service" }) {
					continue
				}
				checked++
				if validateEntity(name) == nil {
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
