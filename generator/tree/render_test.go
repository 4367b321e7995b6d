package tree

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/templates"

	"golang.org/x/tools/imports"
)

func TestIsStatic(t *testing.T) {
	for src, want := range map[string]bool{
		"package x\n":                          true,
		"import \"{{.Module}}/pkg/a\"\n":       true,
		"{{.Module}}{{.Module}}}}\n":           true,
		"import \"{{- .Module -}}/pkg/a\"\n":   false,
		"import \"{{ .Module }}/pkg/a\"\n":     false,
		"{{/* a comment */}}package x\n":       false,
		"import \"{{.Name}}/pkg/a\"\n":         false,
		"import \"{{$.Module}}/pkg/a\"\n":      false,
		"import \"{{.ModulePath}}/pkg/a\"\n":   false,
		"import \"{{.Module.Path}}/pkg/a\"\n":  false,
		"import \"{{{.Module}}/pkg/a\"\n":      false,
		"{{header}}\npackage x\n":              false,
		"{{if .Module}}package x{{end}}\n":     false,
		"package x\n\nvar _ = {{.Module}}\n{{": false,
	} {
		if got := isStatic([]byte(src)); got != want {
			t.Errorf("isStatic(%q) = %v, want %v", src, got, want)
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
	prefix := imports.LocalPrefix
	var static []string
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go.tmpl") {
			return err
		}
		src, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			return err
		}
		if !isStatic(src) {
			return nil
		}
		static = append(static, p)
		for _, module := range modules {
			files, err := RenderTree(templates.FS, p, struct{ Module string }{module}, nil)
			if err != nil {
				return err
			}
			if len(files) != 1 || !files[0].Final {
				t.Fatalf("RenderTree(%s) = %d files, want one, Final", p, len(files))
			}
			out := files[0].Content
			// The same as text/template renders it.
			if want, err := execute(p, string(src), struct{ Module string }{module}); err != nil {
				return err
			} else if string(out) != string(want) {
				t.Errorf("%s with module %s: rendered static, not as text/template does:\n%s", p, module, diffLines(want, out))
			}
			name := strings.TrimSuffix(p, ".tmpl")
			files = []File{{Path: name, Content: out, Template: p}}
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
			imports.LocalPrefix = prefix
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
