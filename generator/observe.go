package generator

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/modgen-dev/modgen/templates"
	"golang.org/x/mod/modfile"
)

// observeFiles returns, for every module, internal/<m>/observe_gen.go: a
// decorator of the module's API that gives each call a span named
// "<module>.<Method>" and a duration measure (pkg/telemetry.StartCall),
// marked local or remote. It is written from the methods declared in the
// module's api.go (the plan's, or the one on disk), read as syntax only,
// on every command, so it follows the API as the user edits it. A method
// that does not take a context.Context first and return an error last is
// passed through untraced (the decorator embeds API).
//
// A module's decorator is taken from the disk (see tree.Cache) when its
// api.go is the one it was written from.
func (p *Project) observeFiles(m *tree.Manifest, plan *tree.Plan, cache *tree.Cache) ([]tree.File, error) {
	planned := map[string][]byte{} // the APIs this command writes
	for _, f := range plan.Files {
		if strings.HasSuffix(f.Path, "/api.go") {
			planned[f.Path] = f.Content
		}
	}
	out := make([]tree.File, len(m.Modules))
	err := tree.ForEach(len(m.Modules), func(i int) error {
		mod := m.Modules[i]
		apiPath := "internal/" + mod.Name + "/api.go"
		keyOf := func(apiHash string) string { return observeKey(m.Module, mod.Name, apiHash) }
		unreadable := func(err error) error {
			return fmt.Errorf("%s: %w; the module's API is needed to write internal/%s/observe_gen.go", apiPath, err, mod.Name)
		}
		rel := "internal/" + mod.Name + "/observe_gen.go"
		// An API this command writes is not formatted yet, and no cached
		// decorator is keyed by it as rendered: the decorator is rendered,
		// and keyed once the API is formatted (keyPlannedObserved).
		src, inPlan := planned[apiPath]
		var key string
		if !inPlan {
			// The hash of api.go, read or vouched for by its stamp.
			hash, data, err := cache.Read(p.Root, apiPath)
			if err != nil {
				return unreadable(err)
			}
			src, key = data, keyOf(hash)
			if content, ok := cache.Lookup(p.Root, rel, key); ok {
				out[i] = tree.File{Path: rel, Content: content, Owner: tree.Generated, Template: "observe_gen.go", Final: true, OnDisk: true, CacheKey: key}
				return nil
			}
		}
		if src == nil {
			// api.go was not read, but its decorator must be written again
			// (deleted, edited, or rendered by another modgen).
			data, err := os.ReadFile(filepath.Join(p.Root, filepath.FromSlash(apiPath)))
			if err != nil {
				return unreadable(err)
			}
			src, key = data, keyOf(tree.Hash(data))
		}
		content, err := observeSource(m.Module, mod.Name, apiPath, src)
		if err != nil {
			return err
		}
		out[i] = tree.File{Path: rel, Content: content, Owner: tree.Generated, Template: "observe_gen.go", CacheKey: key}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// observeKey is the cache key of module name's decorator, written from an
// api.go of hash apiHash.
func observeKey(project, name, apiHash string) string {
	return tree.Key(buildIdentity(), "observe_gen.go", project, name, apiHash)
}

// keyPlannedObserved gives each decorator written from an api.go of the
// plan its cache key, from that api.go as formatted, once files are: the
// next command reads the API from the disk, formatted, and a decorator
// keyed by the API as rendered would be written again by the next command.
func keyPlannedObserved(project string, files []tree.File) {
	apis := map[string][]byte{}
	for _, f := range files {
		if strings.HasSuffix(f.Path, "/api.go") {
			apis[f.Path] = f.Content
		}
	}
	for i, f := range files {
		if f.Template != "observe_gen.go" || f.OnDisk {
			continue
		}
		dir := path.Dir(f.Path)
		if api, ok := apis[dir+"/api.go"]; ok {
			files[i].CacheKey = observeKey(project, path.Base(dir), tree.Hash(api))
		}
	}
}

// observeSource writes the decorator of module name's API from the source
// of its api.go.
func observeSource(project, name, apiPath string, api []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, apiPath, api, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("%w; fix it so modgen can trace the module's calls", err)
	}
	iface := apiInterface(file)
	if iface == nil {
		return nil, fmt.Errorf("%s: no `type API interface`; the module's contract must be declared there", apiPath)
	}
	contextName := "context"
	var imports bytes.Buffer
	for _, imp := range file.Imports {
		if imp.Path.Value == `"context"` && imp.Name != nil {
			contextName = imp.Name.Name
		}
		if imp.Name != nil {
			imports.WriteString(imp.Name.Name + " ")
		}
		imports.WriteString(imp.Path.Value + "\n")
	}
	expr := func(e ast.Expr) string {
		var b bytes.Buffer
		printer.Fprint(&b, fset, e)
		return b.String()
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n\npackage %s\n\nimport (\n%s%q\n)\n\n", tree.GeneratedHeader, file.Name.Name, imports.String(), project+"/pkg/telemetry")
	fmt.Fprintf(&b, `// observed is an implementation of API that gives each call a span and a
// duration measure (telemetry.StartCall) and passes it on. modgen writes
// this file from api.go on every command; a method added to API since then
// passes through untraced until the next one.
type observed struct {
	API
	location string
}

// observe returns api with its calls traced and measured, as made in this
// process (telemetry.Local) or over gRPC (telemetry.Remote).
func observe(api API, location string) API { return observed{API: api, location: location} }
`)
	for _, method := range iface.Methods.List {
		fn, ok := method.Type.(*ast.FuncType)
		if !ok || len(method.Names) != 1 || !traceable(fn, contextName) {
			continue
		}
		mname := method.Names[0].Name
		var params, args []string
		i := 0
		for _, field := range fn.Params.List {
			names := field.Names
			if len(names) == 0 {
				names = []*ast.Ident{nil}
			}
			for _, n := range names {
				arg := fmt.Sprintf("a%d", i)
				if i == 0 {
					arg = "ctx"
				} else if n != nil && !slices.Contains([]string{"_", "o", "end", "err", "ctx", "telemetry"}, n.Name) {
					arg = n.Name
				}
				i++
				params = append(params, arg+" "+expr(field.Type))
				if _, variadic := field.Type.(*ast.Ellipsis); variadic {
					arg += "..."
				}
				args = append(args, arg)
			}
		}
		var results []string
		for _, field := range fn.Results.List {
			for range max(1, len(field.Names)) {
				results = append(results, "_ "+expr(field.Type))
			}
		}
		results[len(results)-1] = "err error"
		fmt.Fprintf(&b, "\nfunc (o observed) %s(%s) (%s) {\n", mname, strings.Join(params, ", "), strings.Join(results, ", "))
		fmt.Fprintf(&b, "\tctx, end := telemetry.StartCall(ctx, %q, %q, o.location)\n\tdefer end(&err)\n", name, mname)
		fmt.Fprintf(&b, "\treturn o.API.%s(%s)\n}\n", mname, strings.Join(args, ", "))
	}
	return b.Bytes(), nil
}

// apiInterface finds `type API interface { ... }` in file.
func apiInterface(file *ast.File) *ast.InterfaceType {
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.TYPE {
			continue
		}
		for _, spec := range gen.Specs {
			ts := spec.(*ast.TypeSpec)
			if it, ok := ts.Type.(*ast.InterfaceType); ok && ts.Name.Name == "API" && ts.TypeParams == nil {
				return it
			}
		}
	}
	return nil
}

// traceable reports whether a method takes a context.Context first and
// returns an error last, as a module call does.
func traceable(fn *ast.FuncType, contextName string) bool {
	if fn.TypeParams != nil || len(fn.Params.List) == 0 || fn.Results == nil || len(fn.Results.List) == 0 {
		return false
	}
	sel, ok := fn.Params.List[0].Type.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Context" {
		return false
	}
	if x, ok := sel.X.(*ast.Ident); !ok || x.Name != contextName {
		return false
	}
	last := fn.Results.List[len(fn.Results.List)-1]
	id, ok := last.Type.(*ast.Ident)
	return ok && id.Name == "error" && len(last.Names) <= 1
}

// requireTelemetry adds to go.mod and go.sum, in the plan or on disk, what
// a new project requires (OpenTelemetry, the Prometheus client): a project
// made before pkg/telemetry existed gets the package with the plan, and
// would not build without them.
func (p *Project) requireTelemetry(plan *tree.Plan) error {
	current := func(path string) ([]byte, error) {
		for i := len(plan.Files) - 1; i >= 0; i-- {
			if plan.Files[i].Path == path {
				return plan.Files[i].Content, nil
			}
		}
		data, err := os.ReadFile(filepath.Join(p.Root, path))
		if os.IsNotExist(err) && path == "go.sum" {
			return nil, nil
		}
		return data, err
	}
	base, err := templates.FS.ReadFile("project/go.mod.tmpl")
	if err != nil {
		return err
	}
	f, err := modfile.Parse("go.mod.tmpl", bytes.Replace(base, []byte("{{.Module}}"), []byte("example.com/base"), 1), nil)
	if err != nil {
		return err
	}
	var reqs []requirement
	for _, r := range f.Require {
		reqs = append(reqs, requirement{r.Mod.Path, r.Mod.Version, r.Indirect})
	}
	gomod, err := current("go.mod")
	if err != nil {
		return fmt.Errorf("go.mod: %w", err)
	}
	modFile, err := requireModulesIn(gomod, reqs)
	if err != nil {
		return err
	}
	gosum, err := current("go.sum")
	if err != nil {
		return fmt.Errorf("go.sum: %w", err)
	}
	baseSum, err := templates.FS.ReadFile("project/go.sum.tmpl")
	if err != nil {
		return err
	}
	plan.Files = slices.DeleteFunc(plan.Files, func(f tree.File) bool { return f.Path == "go.mod" || f.Path == "go.sum" })
	plan.Add(modFile, mergeGoSumIn(gosum, baseSum))
	return nil
}
