package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/modgen-dev/modgen/generator/archrules"
	"github.com/modgen-dev/modgen/templates"
	"golang.org/x/mod/module"
)

// Version is modgen's version, recorded in every manifest it writes.
var Version = "v0.1.0-dev"

// NewProjectOptions are the inputs of `modgen new project`.
type NewProjectOptions struct {
	Name   string // project name: folder and binary
	Module string // Go module path; defaults to Name
	Dir    string // target folder; defaults to Name
}

// Project is a planned or existing project: where it lives and its manifest.
type Project struct {
	Root     string
	Manifest *Manifest
}

// Open loads the project whose root is dir.
func Open(dir string) (*Project, error) {
	m, err := LoadManifest(dir)
	if err != nil {
		return nil, err
	}
	return &Project{Root: dir, Manifest: m}, nil
}

// NewProject plans a new project. It fails if the target folder exists and
// is not empty. base is the folder relative paths are resolved from.
func NewProject(base string, opts NewProjectOptions) (*Project, *Plan, error) {
	if err := ValidateName("project", opts.Name); err != nil {
		return nil, nil, err
	}
	if opts.Module == "" {
		opts.Module = opts.Name
		if err := module.CheckImportPath(opts.Module); err != nil {
			return nil, nil, ValidateModulePath(opts.Module)
		}
	} else if err := ValidateModulePath(opts.Module); err != nil {
		return nil, nil, err
	}
	dir := opts.Dir
	if dir == "" {
		dir = opts.Name
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(base, dir)
	}
	entries, err := os.ReadDir(dir)
	switch {
	case err == nil && len(entries) > 0:
		return nil, nil, fmt.Errorf("directory %s already exists and is not empty; choose another project name or --dir", dir)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, nil, err
	}
	p := &Project{Root: dir, Manifest: &Manifest{
		Modgen:   Version,
		Module:   opts.Module,
		Name:     opts.Name,
		Database: "sqlite",
		Modules:  []Module{},
		Files:    map[string]string{},
	}}
	files, err := renderTree(templates.FS, "project", p.data(), nil)
	if err != nil {
		return nil, nil, err
	}
	plan := &Plan{Files: files}
	return p, plan, nil
}

// projectData is what project and wiring templates see.
type projectData struct {
	Name    string
	Module  string
	Modules []Module // in dependency order: a module after those it depends on
}

func (p *Project) data() projectData {
	return projectData{Name: p.Manifest.Name, Module: p.Manifest.Module, Modules: p.ordered()}
}

// ordered returns the modules so that each comes after its dependencies,
// ties broken by name. The manifest is known to be acyclic.
func (p *Project) ordered() []Module {
	mods := slices.Clone(p.Manifest.Modules)
	slices.SortFunc(mods, func(a, b Module) int { return strings.Compare(a.Name, b.Name) })
	done := map[string]bool{}
	var out []Module
	var visit func(Module)
	visit = func(m Module) {
		if done[m.Name] {
			return
		}
		done[m.Name] = true
		for _, d := range m.DependsOn {
			if dm := p.Manifest.Find(d); dm != nil {
				visit(*dm)
			}
		}
		out = append(out, m)
	}
	for _, m := range mods {
		visit(m)
	}
	return out
}

// Finish completes a plan: it adds the files modgen recomputes from the
// manifest (wiring), formats the whole tree, records the hashes of
// scaffolded files, and adds the manifest itself. It returns the changes
// the plan would make to the disk.
func (p *Project) Finish(plan *Plan, force bool) ([]Change, error) {
	wiring, err := renderTree(templates.FS, "wiring", p.data(), func(rel string) string { return "cmd/api/" + rel })
	if err != nil {
		return nil, err
	}
	plan.Add(wiring...)
	plan.Add(p.architectureFiles()...)
	if err := Format(plan.Files); err != nil {
		return nil, err
	}
	// The hashes compared are those recorded before this command.
	previous := p.Manifest.Files
	next := maps.Clone(previous)
	if next == nil {
		next = map[string]string{}
	}
	for _, f := range plan.Files {
		if f.Owner == Scaffolded {
			next[f.Path] = Hash(f.Content)
		}
	}
	m := *p.Manifest
	m.Files = next
	m.Modgen = Version
	plan.Add(File{Path: ManifestFile, Content: m.Marshal(), Owner: Merged, Template: "manifest"})
	changes, err := plan.Compare(p.Root, previous, force)
	if err != nil {
		return nil, err
	}
	p.Manifest = &m
	return changes, nil
}

// ArchModules returns the manifest's modules as the module rules see them.
func (p *Project) ArchModules() []archrules.Module {
	mods := make([]archrules.Module, 0, len(p.Manifest.Modules))
	for _, m := range p.Manifest.Modules {
		mods = append(mods, archrules.Module{Name: m.Name, DependsOn: m.DependsOn, Extracted: m.Extracted != nil})
	}
	return mods
}

// architectureFiles are the module rules as a test of the project: the
// rules' own source, the test, and the module list from the manifest.
func (p *Project) architectureFiles() []File {
	test, modules := archrules.ProjectTest(p.Manifest.Module, p.ArchModules())
	return []File{
		{Path: archrules.ProjectSourceFile, Content: archrules.ProjectSource(), Owner: Generated, Template: "archrules.go"},
		{Path: archrules.ProjectTestFile, Content: test, Owner: Generated, Template: "archrules test"},
		{Path: archrules.ProjectModulesFile, Content: modules, Owner: Generated, Template: "archrules modules"},
	}
}
