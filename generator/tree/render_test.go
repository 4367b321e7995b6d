package tree

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/templates"

	"golang.org/x/tools/imports"
)

func TestStatic(t *testing.T) {
	for src, want := range map[string]bool{
		"package x\n":                                          true,
		"import \"{{.Module}}/pkg/a\"\n":                       true,
		"import \"{{- .Module -}}/pkg/a\"\n":                   true,
		"{{/* a comment */}}package x\n":                       true,
		"import \"{{.Name}}/pkg/a\"\n":                         false,
		"import \"{{$.Module}}/pkg/a\"\n":                      false,
		"import \"{{.Module.Path}}/pkg/a\"\n":                  false,
		"import \"{{.Module | printf \"%s\"}}/pkg/a\"\n":       false,
		"{{header}}\npackage x\n":                              false,
		"{{if .Module}}package x{{end}}\n":                     false,
		"{{$m := .Module}}package x\n":                         false,
		"{{define \"t\"}}{{.Name}}{{end}}package x\n":          false,
		"{{block \"t\" .}}{{.Name}}{{end}}package x\n":         false,
		"package x\n\nvar _ = {{.Module}}\n{{template \"t\"}}": false,
	} {
		p, err := load("static_test/"+src, src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if p.static != want {
			t.Errorf("static(%q) = %v, want %v", src, p.static, want)
		}
	}
}

// TestStaticTemplatesFormatted renders every static template (text and
// {{.Module}} only: RenderTree marks its output Final, Format skips it)
// with module paths with and without a dot, short and long, and checks
// that Format and goimports -local <module> would leave each output as it
// is. Imports sort by path within a group, so only the project's own
// imports in a group of their own, last, sort the same for every module
// path; goimports puts a dotless module path among the standard library.
func TestStaticTemplatesFormatted(t *testing.T) {
	modules := []string{"loja", "z", "github.com/acme/loja", "a.io/x", "zzz.example/very/long/path/v2"}
	defer func(prefix string) { imports.LocalPrefix = prefix }(imports.LocalPrefix)
	var static []string
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go.tmpl") {
			return err
		}
		src, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			return err
		}
		tmpl, err := load(p, string(src))
		if err != nil || !tmpl.static {
			return err
		}
		static = append(static, p)
		for _, module := range modules {
			out, err := execute(tmpl, struct{ Module string }{module})
			if err != nil {
				return err
			}
			name := strings.TrimSuffix(p, ".tmpl")
			files := []File{{Path: name, Content: out, Template: p}}
			if err := Format(files); err != nil {
				t.Errorf("module %s: %v", module, err)
				continue
			}
			if formatted := files[0].Content; string(formatted) != string(out) {
				t.Errorf("%s with module %s: Format changes it; format the template as Format does:\n%s", p, module, diffLines(out, formatted))
				continue
			}
			imports.LocalPrefix = module
			local, err := imports.Process(name, out, &imports.Options{Comments: true, TabIndent: true, TabWidth: 8, FormatOnly: true})
			imports.LocalPrefix = ""
			if err != nil {
				t.Errorf("goimports -local %s %s: %v", module, name, err)
			} else if string(local) != string(out) {
				t.Errorf("%s with module %s: goimports -local %[2]s changes it; put the project's imports in a group of their own, last:\n%s", p, module, diffLines(out, local))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(static) < 20 {
		t.Errorf("%d static templates, want the 20 and more of a new project's pkg/: %v", len(static), static)
	}
	t.Logf("%d static templates", len(static))
}

// diffLines returns the lines of a and b from the first that differs,
// a few of each.
func diffLines(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	i := 0
	for i < len(la) && i < len(lb) && la[i] == lb[i] {
		i++
	}
	var s strings.Builder
	for j := i; j < min(len(la), i+6); j++ {
		s.WriteString("- " + la[j] + "\n")
	}
	for j := i; j < min(len(lb), i+6); j++ {
		s.WriteString("+ " + lb[j] + "\n")
	}
	return s.String()
}
