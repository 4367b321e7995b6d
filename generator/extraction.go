package generator

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/modgen-dev/modgen/generator/extract"
	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/modgen-dev/modgen/templates"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// DefaultPort is the gRPC port of the first extracted module; later ones
// get the next free port.
const DefaultPort = 50051

// requirement is a module that extracted code needs in go.mod.
type requirement struct {
	Path, Version string
	Indirect      bool
}

// grpcRequires are what a project needs once a module is served over gRPC,
// on top of what `new project` writes. TestGRPCRequirementsMatchDeps keeps
// them equal to testdata/deps/go.mod.
var grpcRequires = []requirement{
	// A new project already requires these (OpenTelemetry's OTLP exporter
	// needs them) as indirect; extraction makes them direct.
	{"google.golang.org/genproto/googleapis/rpc", "v0.0.0-20260928230214-8a89bd6388cc", false},
	{"google.golang.org/grpc", "v1.85.0", false},
	{"google.golang.org/protobuf", "v1.36.12", false},
	// gRPC client and server spans.
	{"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc", "v0.72.0", false},
}

// Extract plans the extraction of module name into a gRPC service: the
// files generated from its API (proto, pb code, adapters, contract tests),
// the shared pkg/grpcx and pkg/contract, the standalone server cmd/<name>
// (templates/extract), the wiring toggle and the go.mod/go.sum additions.
// port 0 keeps the module's recorded port, or picks the next free one.
func (p *Project) Extract(name string, port int) (*tree.Plan, error) {
	mod := p.Manifest.Find(name)
	if mod == nil {
		if err := tree.ValidateName("module", name); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("unknown module %q; extract one of the project's modules%s", name, known(p.Manifest))
	}
	if port < 0 || port > 65535 {
		return nil, fmt.Errorf("--port %d: not a TCP port; use a number from 1 to 65535", port)
	}
	var notExtracted []string
	for _, dep := range mod.DependsOn {
		if d := p.Manifest.Find(dep); d == nil || d.Extracted == nil {
			notExtracted = append(notExtracted, dep)
		}
	}
	if len(notExtracted) > 0 {
		first := "`modgen extract module " + strings.Join(notExtracted, "`, `modgen extract module ") + "`"
		return nil, fmt.Errorf("%s calls %s, which %s no gRPC service yet, so cmd/%s could not reach %s; run %s first (an extracted module can keep running in cmd/api, which serves it to other processes on GRPC_ADDR)",
			name, strings.Join(notExtracted, " and "), plural(len(notExtracted), "has", "have"), name, plural(len(notExtracted), "it", "them"), first)
	}
	used := map[int]string{}
	for _, m := range p.Manifest.Modules {
		if m.Extracted != nil && m.Name != name {
			used[m.Extracted.Port] = m.Name
		}
	}
	switch {
	case port != 0:
		if other, ok := used[port]; ok {
			return nil, fmt.Errorf("--port %d is already the port of module %s; pick another port", port, other)
		}
	case mod.Extracted != nil:
		port = mod.Extracted.Port
	default:
		port = DefaultPort
		for used[port] != "" {
			port++
		}
	}
	x, err := extract.Extract(extract.Config{Root: p.Root, ModulePath: p.Manifest.Module, Module: name, Port: port, Fields: mod.Fields})
	if err != nil {
		return nil, err
	}
	plan := &tree.Plan{Files: x.Files, Warnings: x.Warnings}
	around, warnings, err := p.serviceFiles(x.Service, mod, port)
	if err != nil {
		return nil, err
	}
	plan.Warnings = append(plan.Warnings, warnings...)
	plan.Add(around...)
	reqs, err := p.requirementFiles(grpcRequires, templates.GRPCSum)
	if err != nil {
		return nil, err
	}
	plan.Add(reqs...)
	plan.Manifest = p.Manifest.Clone()
	plan.Manifest.Find(name).Extracted = &tree.Extraction{Port: port}
	return plan, nil
}

// serviceData is what the extraction templates see.
type serviceData struct {
	extract.Service
	Module string // the project's Go module path
	Name   string // the module's name
	Port   int
	// Remotes are the modules this one calls, which its command reaches
	// over gRPC.
	Remotes []remoteModule
}

// remoteModule is a module that an extracted module calls: its command
// dials it at the address in Env and sets the module's Deps field Field.
type remoteModule struct {
	Name  string // estoque
	Field string // Estoque
	Env   string // ESTOQUE_REMOTE_ADDR
}

// serviceFiles renders what surrounds the generated code of an extracted
// module: the shared packages pkg/grpcx and pkg/contract (generated, the
// same for every module, rewritten on every extraction) and the service's
// command: cmd/<m>/wire_gen.go (generated) beside main.go and main_test.go,
// which are scaffolded and then the user's: one the user edited is left
// alone (with a warning when main.go no longer fits wire_gen.go), one still
// as modgen wrote it is kept in step with the templates, and one that is
// missing is written again, since wire_gen.go needs a main beside it.
func (p *Project) serviceFiles(svc extract.Service, mod *tree.Module, port int) ([]tree.File, []string, error) {
	data := serviceData{Service: svc, Module: p.Manifest.Module, Name: svc.Module, Port: port}
	for _, dep := range mod.DependsOn {
		field := tree.Exported(dep)
		if !slices.Contains(svc.Deps, field) {
			continue // the module no longer has the field: nothing to pass
		}
		data.Remotes = append(data.Remotes, remoteModule{Name: dep, Field: field, Env: strings.ToUpper(dep) + "_REMOTE_ADDR"})
	}
	shared, err := tree.RenderTree(templates.FS, "extract/pkg", data, func(rel string) string { return "pkg/" + rel })
	if err != nil {
		return nil, nil, err
	}
	cmd, err := tree.RenderTree(templates.FS, "extract/cmd", data, func(rel string) string { return "cmd/" + svc.Module + "/" + rel })
	if err != nil {
		return nil, nil, err
	}
	files := shared
	var warnings []string
	for _, f := range cmd {
		if f.Owner == tree.Scaffolded {
			old, err := os.ReadFile(filepath.Join(p.Root, filepath.FromSlash(f.Path)))
			switch {
			case err != nil:
				// Missing: written (again).
			case recorded(p.Manifest.Files, f.Path) == tree.Hash(old):
				// As modgen wrote it: kept in step with wire_gen.go.
			default:
				// Edited: the user's. Say so if it no longer fits.
				if path.Base(f.Path) == "main.go" && !usesWireModule(old) {
					warnings = append(warnings, fmt.Sprintf("%s is yours and does not call wireModule as wire_gen.go now declares it: `closeRemotes, err := wireModule(ctx, srv, wiring{..., Getenv: getenv})`, then `defer closeRemotes()`", f.Path))
				}
				continue
			}
		}
		files = append(files, f)
	}
	return files, warnings, nil
}

// usesWireModule reports whether a command's main.go calls wireModule the
// way the current wire_gen.go declares it: two results, the first a
// function that closes the connections to remote modules.
func usesWireModule(src []byte) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, 0)
	if err != nil {
		return false
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
			return true
		}
		if call, ok := as.Rhs[0].(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "wireModule" {
				found = true
			}
		}
		return !found
	})
	return found
}

// requirementFiles returns go.mod with reqs and go.sum with the lines of
// sum: what a project needs on top of what `new project` writes once it
// uses the packages they stand for (gRPC on extraction, NATS with the first
// subscription).
func (p *Project) requirementFiles(reqs []requirement, sum []byte) ([]tree.File, error) {
	gomod, err := p.requireModules(reqs)
	if err != nil {
		return nil, err
	}
	gosum, err := p.mergeGoSum(sum)
	if err != nil {
		return nil, err
	}
	return []tree.File{gomod, gosum}, nil
}

// requireModules returns go.mod with reqs added or raised to their version,
// keeping everything the user wrote.
func (p *Project) requireModules(reqs []requirement) (tree.File, error) {
	data, err := os.ReadFile(filepath.Join(p.Root, "go.mod"))
	if err != nil {
		return tree.File{}, fmt.Errorf("go.mod: %w", err)
	}
	return requireModulesIn(data, reqs)
}

// requireModulesIn is requireModules on the go.mod data.
func requireModulesIn(data []byte, reqs []requirement) (tree.File, error) {
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return tree.File{}, fmt.Errorf("%w; fix go.mod so that `go build` accepts it", err)
	}
	for _, r := range reqs {
		i := slices.IndexFunc(f.Require, func(have *modfile.Require) bool { return have.Mod.Path == r.Path })
		switch {
		case i < 0:
			f.AddNewRequire(r.Path, r.Version, r.Indirect)
		case semver.Compare(f.Require[i].Mod.Version, r.Version) < 0:
			if err := f.AddRequire(r.Path, r.Version); err != nil {
				return tree.File{}, err
			}
			fallthrough
		default: // required already: direct if either says so
			f.Require[i].Indirect = r.Indirect && f.Require[i].Indirect
		}
	}
	f.SetRequireSeparateIndirect(f.Require)
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return tree.File{}, err
	}
	return tree.File{Path: "go.mod", Content: out, Owner: tree.Merged, Template: "go.mod"}, nil
}

// mergeGoSum returns go.sum with the lines of add it lacks, in go's order.
func (p *Project) mergeGoSum(add []byte) (tree.File, error) {
	data, err := os.ReadFile(filepath.Join(p.Root, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return tree.File{}, err
	}
	return mergeGoSumIn(data, add), nil
}

// mergeGoSumIn is mergeGoSum on the go.sum data.
func mergeGoSumIn(data, add []byte) tree.File {
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	lines = append(lines, strings.Split(strings.TrimSpace(string(add)), "\n")...)
	lines = slices.DeleteFunc(lines, func(s string) bool { return strings.TrimSpace(s) == "" })
	slices.SortFunc(lines, compareSumLines)
	lines = slices.Compact(lines)
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(l + "\n")
	}
	return tree.File{Path: "go.sum", Content: buf.Bytes(), Owner: tree.Merged, Template: "go.sum"}
}

// compareSumLines orders go.sum lines as the go command writes them: by
// module path, then version (semver), the module's zip hash before its
// go.mod hash.
func compareSumLines(a, b string) int {
	fa, fb := strings.Fields(a), strings.Fields(b)
	if len(fa) < 2 || len(fb) < 2 {
		return strings.Compare(a, b)
	}
	if c := strings.Compare(fa[0], fb[0]); c != 0 {
		return c
	}
	va, vb := strings.TrimSuffix(fa[1], "/go.mod"), strings.TrimSuffix(fb[1], "/go.mod")
	if c := semver.Compare(va, vb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// recorded is the hash recorded for path, or "".
func recorded(sums *tree.Sums, path string) string {
	h, _ := sums.Get(path)
	return h
}
