package tree

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"text/template"
)

// funcs are the template functions besides text/template's own. They are
// the few the templates use, not a library of them (sprig's, once): each
// template parsed is given the whole map, which costs in proportion to its
// size, and a template that calls a function not listed here fails to
// parse, in every test that renders it.
var funcs = template.FuncMap{
	"header":     func() string { return GeneratedHeader },
	"hashheader": func() string { return GeneratedHeaderHash },
	"exported":   Exported,
	"upper":      strings.ToUpper,
	"join":       func(sep string, elems []string) string { return strings.Join(elems, sep) },
	"add":        func(a, b int) int { return a + b },
}

// renderTree renders every *.tmpl file below dir in fsys. The output path of
// each is rename(path relative to dir, without .tmpl); the owner is
// Generated when the output starts with the generated header, Scaffolded
// otherwise. The templates are parsed and run in parallel (parsing is most
// of the work); the files come in the order of the tree.
func RenderTree(fsys fs.FS, dir string, data any, rename func(string) string) ([]File, error) {
	var paths []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tmpl") {
			return err
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	module := sync.OnceValues(func() (string, error) { return moduleOf(data) }) // for the static templates
	files := make([]File, len(paths))
	err = ForEach(len(paths), func(i int) error {
		p := paths[i]
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		static := isStatic(src)
		var out []byte
		if static {
			m, err := module()
			if err != nil {
				return fmt.Errorf("template %s: %w", p, err)
			}
			out = bytes.ReplaceAll(src, []byte(staticAction), []byte(m))
		} else if out, err = execute(p, string(src), data); err != nil {
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
		files[i] = File{Path: rel, Content: out, Owner: ownerOf(rel, out), Template: p, Final: static && strings.HasSuffix(rel, ".go")}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(files, func(f File) bool { return f.Path == "" }), nil
}

// Render renders the template name, whose source is src, as the file rel.
func Render(name, src, rel string, data any) (File, error) {
	out, err := execute(name, src, data)
	if err != nil {
		return File{}, err
	}
	return File{Path: rel, Content: out, Owner: ownerOf(rel, out), Template: name}, nil
}

// ownerOf is the owner of the file rel rendered as out: Generated when it
// starts with the generated header, Merged for go.mod and go.sum,
// Scaffolded otherwise.
func ownerOf(rel string, out []byte) Owner {
	switch {
	case IsGenerated(out):
		return Generated
	case rel == "go.mod" || rel == "go.sum":
		return Merged
	}
	return Scaffolded
}

func execute(name, src string, data any) ([]byte, error) {
	t, err := parse(name, src)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
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
}

func parse(name, src string) (*template.Template, error) {
	parsed.Lock()
	p, ok := parsed.m[name]
	parsed.Unlock()
	if ok && p.src == src {
		return p.t, nil
	}
	// Parsed unlocked: RenderTree parses several at once.
	t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	parsed.Lock()
	parsed.m[name] = &parsedTemplate{src, t}
	parsed.Unlock()
	return t, nil
}

// staticAction is the only action of a static template: the project's Go
// module path, in import paths.
const staticAction = "{{.Module}}"

// isStatic reports whether the template src is static: text whose only
// actions are {{.Module}}. A static template renders as src with the
// module path in place of each action, without text/template (whose
// parse costs more than the rendering), and is written gofmt-clean for
// every module path (TestStaticTemplatesFormatted): RenderTree marks its
// output Final and Format skips it. Formatting was most of the time of
// `new project`, and most of its Go files are static.
func isStatic(src []byte) bool {
	for {
		i := bytes.Index(src, []byte("{{"))
		if i < 0 {
			return true
		}
		if !bytes.HasPrefix(src[i:], []byte(staticAction)) {
			return false
		}
		src = src[i+len(staticAction):]
	}
}

// moduleTemplate looks up the module path in the templates' data, as
// text/template would.
var moduleTemplate = template.Must(template.New("module").Option("missingkey=error").Parse(staticAction))

func moduleOf(data any) (string, error) {
	var b strings.Builder
	err := moduleTemplate.Execute(&b, data)
	return b.String(), err
}

// Exported returns name with its first letter upper-cased: "estoque" -> "Estoque".
func Exported(name string) string {
	if name == "" {
		return ""
	}
	return strings.ToUpper(name[:1]) + name[1:]
}
