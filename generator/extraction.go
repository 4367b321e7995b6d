package generator

import (
	"bytes"
	"fmt"
	"github.com/modgen-dev/modgen/generator/tree"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/modgen-dev/modgen/generator/extract"
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
	{"google.golang.org/genproto/googleapis/rpc", "v0.0.0-20260817212433-ac3dfec99bb1", false},
	{"google.golang.org/grpc", "v1.85.0", false},
	{"google.golang.org/protobuf", "v1.36.12", false},
	{"golang.org/x/net", "v0.62.0", true},
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
	x, err := extract.Extract(extract.Config{Root: p.Root, ModulePath: p.Manifest.Module, Module: name, Port: port})
	if err != nil {
		return nil, err
	}
	plan := &tree.Plan{Files: x.Files, Warnings: x.Warnings}
	around, err := p.serviceFiles(x.Service, port)
	if err != nil {
		return nil, err
	}
	plan.Add(around...)
	gomod, err := p.requireModules(grpcRequires)
	if err != nil {
		return nil, err
	}
	gosum, err := p.mergeGoSum(templates.GRPCSum)
	if err != nil {
		return nil, err
	}
	plan.Add(gomod, gosum)
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
	// Unset are the Deps fields that are other modules and that the
	// command cannot pass in: they stay nil.
	Unset []string
}

// serviceFiles renders what surrounds the generated code of an extracted
// module: the shared packages pkg/grpcx and pkg/contract (generated, the
// same for every module, rewritten on every extraction) and the service's
// command: cmd/<m>/wire_gen.go (generated) beside main.go and main_test.go,
// which are scaffolded and then the user's: one that exists is left alone,
// even when edited; one that is missing is written again, since the
// generated wire_gen.go needs a main beside it.
func (p *Project) serviceFiles(svc extract.Service, port int) ([]tree.File, error) {
	data := serviceData{Service: svc, Module: p.Manifest.Module, Name: svc.Module, Port: port}
	for _, f := range svc.Unwired {
		if !slices.ContainsFunc(svc.Deps, func(d extract.Dep) bool { return d.Field == f }) {
			data.Unset = append(data.Unset, f)
		}
	}
	shared, err := tree.RenderTree(templates.FS, "extract/pkg", data, func(rel string) string { return "pkg/" + rel })
	if err != nil {
		return nil, err
	}
	cmd, err := tree.RenderTree(templates.FS, "extract/cmd", data, func(rel string) string { return "cmd/" + svc.Module + "/" + rel })
	if err != nil {
		return nil, err
	}
	files := shared
	for _, f := range cmd {
		if f.Owner == tree.Scaffolded {
			if _, err := os.Lstat(filepath.Join(p.Root, filepath.FromSlash(f.Path))); err == nil {
				continue
			}
		}
		files = append(files, f)
	}
	return files, nil
}

// requireModules returns go.mod with reqs added or raised to their version,
// keeping everything the user wrote.
func (p *Project) requireModules(reqs []requirement) (tree.File, error) {
	data, err := os.ReadFile(filepath.Join(p.Root, "go.mod"))
	if err != nil {
		return tree.File{}, fmt.Errorf("go.mod: %w", err)
	}
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
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	lines = append(lines, strings.Split(strings.TrimSpace(string(add)), "\n")...)
	lines = slices.DeleteFunc(lines, func(s string) bool { return strings.TrimSpace(s) == "" })
	slices.SortFunc(lines, compareSumLines)
	lines = slices.Compact(lines)
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(l + "\n")
	}
	return tree.File{Path: "go.sum", Content: buf.Bytes(), Owner: tree.Merged, Template: "go.sum"}, nil
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
