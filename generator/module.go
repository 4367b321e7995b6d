package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/modgen-dev/modgen/generator/field"
	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/modgen-dev/modgen/templates"
)

// AddModuleOptions are the inputs of `modgen add module`.
type AddModuleOptions struct {
	Name      string
	DependsOn []string
	Entity    string // defaults to the module name in the singular, exported
	// Fields is the --fields spec of the entity (see package field); empty
	// for the default Name and Description.
	Fields string
}

// AddModule plans a new module in the project and records it in the
// manifest. Adding a module that exists with the same dependencies and
// entity re-plans it (so nothing changes unless files were deleted).
func (p *Project) AddModule(opts AddModuleOptions) (*tree.Plan, error) {
	if err := tree.ValidateName("module", opts.Name); err != nil {
		return nil, err
	}
	if opts.Entity == "" {
		opts.Entity = defaultEntity(opts.Name)
		if existing := p.Manifest.Find(opts.Name); existing != nil {
			opts.Entity = existing.Entity // a module added before the default changed keeps its entity
		}
	}
	if err := tree.ValidateEntity(opts.Entity); err != nil {
		return nil, err
	}
	fields, err := p.parseFields(opts.Name, opts.Fields)
	if err != nil {
		return nil, err
	}
	deps := append(slices.Clone(opts.DependsOn), field.Refs(fields)...)
	slices.Sort(deps)
	deps = slices.Compact(deps)
	for _, d := range deps {
		switch {
		case d == opts.Name:
			return nil, fmt.Errorf("module %q cannot depend on itself; drop %q from --depends-on", opts.Name, d)
		case p.Manifest.Find(d) == nil:
			if err := tree.ValidateName("dependency", d); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("unknown module %q in --depends-on; add it first with `modgen add module %s`%s", d, d, known(p.Manifest))
		}
	}
	for _, d := range deps {
		if iface := tree.Exported(d) + "Service"; opts.Entity == iface {
			return nil, fmt.Errorf("entity %q: deps.go declares %s, the interface module %s uses of %s; try %q", opts.Entity, iface, opts.Name, d, opts.Entity+"Item")
		}
	}
	if cycle := p.cycleWith(opts.Name, deps); cycle != nil {
		return nil, fmt.Errorf("depending on %s would close a cycle: %s; a module cannot depend on a module that depends on it", strings.Join(deps, ","), strings.Join(cycle, " → "))
	}
	next := p.Manifest.Clone()
	specs := make([]string, len(fields))
	for i, f := range fields {
		specs[i] = f.String()
	}
	if existing := p.Manifest.Find(opts.Name); existing != nil {
		recorded, _ := field.Parse(strings.Join(existing.Fields, ",")) // the manifest was validated
		if !slices.Equal(existing.DependsOn, deps) || existing.Entity != opts.Entity || field.Format(recorded) != field.Format(fields) {
			withFields := ""
			if len(recorded) > 0 {
				withFields = ", fields " + field.Format(recorded)
			}
			return nil, fmt.Errorf("module %q already exists (entity %s, depends on [%s]%s); modgen does not change an existing module: edit internal/%s and modgen.yaml by hand",
				opts.Name, existing.Entity, strings.Join(existing.DependsOn, ","), withFields, opts.Name)
		}
	} else {
		dir := filepath.Join(p.Root, "internal", opts.Name)
		if _, err := os.Stat(dir); err == nil {
			return nil, fmt.Errorf("internal/%s already exists but modgen.yaml has no module %q; choose another name or move the folder away", opts.Name, opts.Name)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		next.Modules = append(next.Modules, tree.Module{Name: opts.Name, Entity: opts.Entity, DependsOn: deps, Fields: specs})
	}
	data := moduleData{Project: p.Manifest.Module, Pkg: opts.Name, Entity: opts.Entity, Table: opts.Name + "_items", Custom: len(fields) > 0}
	for _, d := range deps {
		dm := p.Manifest.Find(d)
		data.Deps = append(data.Deps, moduleDep{
			Name: d, Entity: dm.Entity, Field: tree.Exported(d), Iface: tree.Exported(d) + "Service", HasName: len(dm.Fields) == 0,
		})
	}
	if data.Custom {
		data.Fields = fieldsData(fields, data.Deps)
	} else {
		data.Fields = defaultFields(data.Deps)
	}
	data.Has = map[string]bool{}
	for _, t := range field.Types {
		data.Has[t.Name] = false
	}
	for _, f := range data.Fields {
		data.Has[f.Type.Name] = true
		data.HasMax = data.HasMax || f.MaxConst != ""
		data.HasChecks = data.HasChecks || len(f.Checks) > 0
		data.HasOptional = data.HasOptional || f.Optional
		if f.Ref != "" {
			data.Refs = append(data.Refs, f)
		}
		if f.Filter() {
			data.Filters = append(data.Filters, f)
		}
		data.Unique = data.Unique || f.Unique
		data.Scalar = data.Scalar || f.usesScalar()
		if f.Required && data.FirstRequired == nil {
			data.FirstRequired = &f
		}
	}
	files, err := tree.RenderTree(templates.FS, "module", data, func(rel string) string { return "internal/" + opts.Name + "/" + rel })
	if err != nil {
		return nil, err
	}
	if data.Scalar {
		support, err := tree.RenderTree(templates.FS, "fields", data, nil)
		if err != nil {
			return nil, err
		}
		files = append(files, support...)
	}
	plan := &tree.Plan{Files: files, Manifest: next}
	if w := p.oldMigrator(); w != "" {
		plan.Warnings = append(plan.Warnings, w)
	}
	return plan, nil
}

// oldMigrator returns a warning when the project's pkg/database/migrate.go
// predates migrations per dialect (it reads a module's migrations from the
// root of its folder, not from migrations/sqlite and migrations/postgres):
// the new module's tables would not be created.
func (p *Project) oldMigrator() string {
	src, err := os.ReadFile(filepath.Join(p.Root, "pkg", "database", "migrate.go"))
	if err != nil || strings.Contains(string(src), "DialectOf") {
		return ""
	}
	return "pkg/database/migrate.go predates migrations per dialect (migrations/sqlite, migrations/postgres): it will not create this module's tables; " +
		"replace pkg/database with the one `modgen new project` writes, or move the module's migrations/sqlite/*.sql up into migrations/"
}

// moduleData is what module templates see.
type moduleData struct {
	Project string // Go module path of the project
	Pkg     string // module (package) name
	Entity  string
	Table   string
	Deps    []moduleDep
	// Fields are the entity's fields besides ID, CreatedAt and UpdatedAt;
	// Custom says they come from --fields rather than being the default
	// Name, Description and references.
	Fields []fieldData
	Custom bool
	Refs   []fieldData // the fields referring to other modules' items
	// Filters are the fields List filters by: unique or indexed ones.
	Filters []fieldData
	Unique  bool // some field is unique: the module has ErrConflict
	Scalar  bool // the fields use pkg/scalar
	// HasMax: some field has a length limit; HasChecks: Validate has rules;
	// Has: the types of the fields, by name.
	HasMax, HasChecks, HasOptional bool
	Has                            map[string]bool
	// FirstRequired is the first field that must be given, or nil.
	FirstRequired *fieldData
}

// moduleDep is one dependency of a module, with the names generated for it.
type moduleDep struct {
	Name   string // the module depended on
	Entity string // its entity type
	Field  string // field of Deps holding it
	Iface  string // consumer-side interface declared by the dependent module
	// HasName: its entity is the default one, with a Name.
	HasName bool
}

// defaultEntity names the entity of module name: the name in the singular,
// exported (pedidos → Pedido), or the name itself when the singular would be
// a reserved identifier.
func defaultEntity(name string) string {
	if e := tree.Exported(Singular(name)); tree.ValidateEntity(e) == nil {
		return e
	}
	return tree.Exported(name)
}

// Singular guesses the singular of a lower-case plural, Portuguese or
// English, from its ending: pedidos → pedido, notificacoes → notificacao,
// categories → category, addresses → address, boxes → box. A name that does
// not end like a plural is returned unchanged; --entity overrides a bad guess.
func Singular(name string) string {
	for _, r := range []struct{ plural, singular string }{
		{"oes", "ao"}, {"ies", "y"}, {"sses", "ss"}, {"shes", "sh"}, {"ches", "ch"}, {"xes", "x"},
		{"ss", "ss"}, {"us", "us"}, {"is", "is"}, {"s", ""},
	} {
		if stem, ok := strings.CutSuffix(name, r.plural); ok && len(stem) >= 2 {
			return stem + r.singular
		}
	}
	return name
}

func known(m *tree.Manifest) string {
	if len(m.Modules) == 0 {
		return " (the project has no modules yet)"
	}
	names := make([]string, len(m.Modules))
	for i, mod := range m.Modules {
		names[i] = mod.Name
	}
	slices.Sort(names)
	return " (modules: " + strings.Join(names, ", ") + ")"
}

// cycleWith returns a dependency cycle through name if name depended on
// deps, as the path of module names, or nil. The manifest itself is
// acyclic (ParseManifest checks), so any cycle goes through name.
func (p *Project) cycleWith(name string, deps []string) []string {
	mods := slices.DeleteFunc(slices.Clone(p.Manifest.Modules), func(m tree.Module) bool { return m.Name == name })
	return tree.FindCycle(append(mods, tree.Module{Name: name, DependsOn: deps}))
}
