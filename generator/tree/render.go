package tree

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"text/template"
	"text/template/parse"

	"github.com/Masterminds/sprig/v3"
)

// funcs are the template functions: sprig's hermetic set (no clock, no
// randomness, no environment) plus modgen's own.
var funcs = func() template.FuncMap {
	f := sprig.HermeticTxtFuncMap()
	f["header"] = func() string { return GeneratedHeader }
	f["hashheader"] = func() string { return GeneratedHeaderHash }
	f["exported"] = Exported
	return f
}()

// renderTree renders every *.tmpl file below dir in fsys. The output path of
// each is rename(path relative to dir, without .tmpl); the owner is
// Generated when the output starts with the generated header, Scaffolded
// otherwise.
func RenderTree(fsys fs.FS, dir string, data any, rename func(string) string) ([]File, error) {
	var files []File
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tmpl") {
			return err
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		t, err := load(p, string(src))
		if err != nil {
			return err
		}
		out, err := execute(t, data)
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(out)) == 0 {
			return nil // the template chose to emit nothing
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, dir+"/"), ".tmpl")
		if base := path.Base(rel); strings.HasPrefix(base, "dot-") {
			rel = path.Join(path.Dir(rel), "."+strings.TrimPrefix(base, "dot-"))
		}
		if rename != nil {
			rel = rename(rel)
		}
		owner := Scaffolded
		switch {
		case IsGenerated(out):
			owner = Generated
		case rel == "go.mod" || rel == "go.sum":
			owner = Merged
		}
		files = append(files, File{Path: rel, Content: out, Owner: owner, Template: p, Final: t.static && strings.HasSuffix(rel, ".go")})
		return nil
	})
	return files, err
}

func execute(t *parsedTemplate, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := t.t.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", t.t.Name(), err)
	}
	return buf.Bytes(), nil
}

// parsed holds every template parsed so far, by name: the templates are
// embedded, so each is parsed once per process, not once per file written.
var parsed = struct {
	sync.Mutex
	m map[string]*parsedTemplate
}{m: map[string]*parsedTemplate{}}

type parsedTemplate struct {
	src string
	t   *template.Template
	// static: every action of the template is {{.Module}} (see static).
	static bool
}

func load(name, src string) (*parsedTemplate, error) {
	parsed.Lock()
	defer parsed.Unlock()
	if p, ok := parsed.m[name]; ok && p.src == src {
		return p, nil
	}
	t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	p := &parsedTemplate{src: src, t: t, static: static(t)}
	parsed.m[name] = p
	return p, nil
}

// moduleField is the field of the templates' data that holds the project's
// Go module path.
const moduleField = "Module"

// static reports whether t is text whose only actions are {{.Module}},
// the project's module path (in import paths).
// Such a template is written gofmt-clean for every module path (see
// TestStaticTemplatesFormatted), so RenderTree marks its output Final and
// Format skips it: formatting was most of the time of `new project`, and
// most of its Go files are static.
func static(t *template.Template) bool {
	if len(t.Templates()) != 1 || t.Tree == nil || t.Tree.Root == nil {
		return false // {{define}} or {{block}}: not text and the module path only
	}
	for _, n := range t.Tree.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
		case *parse.ActionNode:
			if len(n.Pipe.Decl) != 0 || len(n.Pipe.Cmds) != 1 || len(n.Pipe.Cmds[0].Args) != 1 {
				return false
			}
			f, ok := n.Pipe.Cmds[0].Args[0].(*parse.FieldNode)
			if !ok || len(f.Ident) != 1 || f.Ident[0] != moduleField {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Exported returns name with its first letter upper-cased: "estoque" -> "Estoque".
func Exported(name string) string {
	if name == "" {
		return ""
	}
	return strings.ToUpper(name[:1]) + name[1:]
}
