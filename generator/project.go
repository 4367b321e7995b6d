// Package generator plans modgen's commands (new project, add module,
// extract module) on top of the machinery of package tree: it renders what
// each command writes and the manifest it leaves. It knows nothing about the
// command line.
package generator

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/modgen-dev/modgen/generator/tree"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/modgen-dev/modgen/generator/archrules"
	"github.com/modgen-dev/modgen/templates"
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
	// Root is the project folder, absolute and free of symbolic links once
	// the project is open.
	Root     string
	Manifest *tree.Manifest
	// Recovered describes what was undone of an interrupted command when the
	// project was opened, or is empty.
	Recovered string
	// FS is where writes go; tests wrap it to inject faults.
	FS tree.FS

	lock    *tree.Lock
	created []string // folders Init created for a new project, parents first
	cache   *tree.Cache
}

// Open opens the project whose root is dir for one command: it takes the
// project lock (see LockProject), undoes what a killed command left half
// done (see Writer.Recover), then loads and validates the manifest. Close
// releases the lock.
func Open(dir string) (*Project, error) {
	root, err := tree.RealRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, tree.NotProject(dir)
	} else if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(root, tree.ManifestFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, tree.NotProject(root)
	}
	p := &Project{Root: root, FS: tree.OS}
	if err := p.lockAndRecover(); err != nil {
		return nil, err
	}
	if p.Manifest, err = tree.LoadManifest(root); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *Project) lockAndRecover() error {
	lock, err := tree.LockProject(p.Root)
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		// A project modgen cannot write to (a read-only checkout): no
		// command can write there either, so check and graph run unlocked,
		// and a command that writes fails on its first write.
		if tree.Exists(filepath.Join(p.Root, tree.StateDir, tree.JournalFile)) {
			return fmt.Errorf("an interrupted modgen command left %s, and the project is read-only: make it writable and run modgen again to recover", filepath.Join(tree.StateDir, tree.JournalFile))
		}
		return nil
	}
	if err != nil {
		return err
	}
	p.lock = lock
	if p.Recovered, err = p.writer().Recover(); err != nil {
		p.Close()
		return err
	}
	return nil
}

// Close releases the project lock.
func (p *Project) Close() {
	p.lock.Release()
	p.lock = nil
}

func (p *Project) writer() tree.Writer {
	fsys := p.FS
	if fsys == nil {
		fsys = tree.OS
	}
	return tree.Writer{FS: fsys, Root: p.Root, Command: tree.CommandLine()}
}

// Write applies changes to the project, all or nothing (see Writer.Write).
func (p *Project) Write(changes []tree.Change) error {
	if err := p.writer().Write(changes); err != nil {
		return err
	}
	if p.cache != nil {
		// The project is written; a cache that cannot be saved only makes
		// the next command render again.
		p.cache.Save(p.Root)
	}
	return nil
}

// PrefetchCache starts loading the project's cache of rendered files in
// the background, with a stamp of every file it names (see
// tree.LoadCacheAhead), for a command that will Finish a plan: in a big
// project those stamps are then taken while the command plans. Nothing may
// be written in the project before Finish.
func (p *Project) PrefetchCache() {
	if p.cache == nil {
		p.cache = tree.LoadCacheAhead(p.Root)
	}
}

// renderCache returns the project's cache of rendered files, loaded on
// first use.
func (p *Project) renderCache() *tree.Cache {
	if p.cache == nil {
		p.cache = tree.LoadCache(p.Root)
	}
	return p.cache
}

// Init prepares the folder of a project planned by NewProject for writing:
// it creates the folder if needed and takes the project lock. If the
// command then fails, Abandon removes what Init created.
func (p *Project) Init() error {
	abs, err := filepath.Abs(p.Root)
	if err != nil {
		return err
	}
	var missing []string
	for d := abs; !tree.Exists(d); d = filepath.Dir(d) {
		missing = append([]string{d}, missing...)
	}
	for _, d := range missing {
		if err := os.Mkdir(d, 0o755); err != nil {
			p.Abandon()
			return fmt.Errorf("creating %s: %w", d, err)
		}
		p.created = append(p.created, d)
	}
	if p.Root, err = tree.RealRoot(abs); err != nil {
		p.Abandon()
		return err
	}
	if err := p.lockAndRecover(); err != nil {
		p.Abandon()
		return err
	}
	// Checked again under the lock: another `new project` may have won.
	if err := checkEmpty(p.Root); err != nil {
		p.Abandon()
		return err
	}
	return nil
}

// Abandon undoes Init after a failed command: it releases the lock and
// removes modgen's state folder and the folders Init created, if they are
// empty.
func (p *Project) Abandon() {
	held := p.lock != nil
	p.Close()
	if held && !tree.Exists(filepath.Join(p.Root, tree.StateDir, tree.JournalFile)) {
		os.Remove(filepath.Join(p.Root, tree.StateDir, tree.LockFile))
		os.Remove(filepath.Join(p.Root, tree.StateDir))
	}
	for _, d := range slices.Backward(p.created) {
		os.Remove(d)
	}
}

// checkEmpty fails unless dir has nothing in it but modgen's state folder,
// which a killed `new project` may have left.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, e := range entries {
		if e.Name() != tree.StateDir {
			return fmt.Errorf("directory %s already exists and is not empty; choose another project name or --dir", dir)
		}
	}
	return nil
}

// NewProject plans a new project. It fails if the target folder exists and
// is not empty. base is the folder relative paths are resolved from.
func NewProject(base string, opts NewProjectOptions) (*Project, *tree.Plan, error) {
	if err := tree.ValidateName("project", opts.Name); err != nil {
		return nil, nil, err
	}
	if opts.Module == "" {
		opts.Module = opts.Name
	}
	if err := tree.ValidateModulePath(opts.Module); err != nil {
		return nil, nil, err
	}
	dir := opts.Dir
	if dir == "" {
		dir = opts.Name
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(base, dir)
	}
	if err := checkEmpty(dir); err != nil {
		return nil, nil, err
	}
	p := &Project{Root: dir, FS: tree.OS, Manifest: &tree.Manifest{
		Modgen:   Version,
		Module:   opts.Module,
		Name:     opts.Name,
		Database: "sqlite",
		Modules:  []tree.Module{},
		Files:    &tree.Sums{},
	}}
	files, err := tree.RenderTree(templates.FS, "project", projectDataOf(p.Manifest), nil)
	if err != nil {
		return nil, nil, err
	}
	plan := &tree.Plan{Files: files, Manifest: p.Manifest}
	return p, plan, nil
}

// projectData is what project and wiring templates see.
type projectData struct {
	Name     string
	Module   string
	Database string
	Modules  []tree.Module // in dependency order: a module after those it depends on
	// Subscriptions are every module's, sorted.
	Subscriptions []tree.Subscription

	// Computed once: templates ask for each module.
	services []tree.Module
	index    map[string]int // of Modules, by name
	wires    []wire
}

// wire is what the wiring in cmd/api (templates/wiring) says of one module,
// worked out once: the wiring lists every module, and a template finds a
// field faster than it calls a function.
type wire struct {
	Name     string // estoque
	Exported string // Estoque: wireEstoque, testWiredEstoque
	Upper    string // ESTOQUE: ESTOQUE_REMOTE_ADDR
	// Args are the modules it depends on, as the arguments of its wire
	// function after the wiring (", estoqueModule, notificacoesModule").
	Args       string
	Extracted  bool
	DependedOn bool // some module depends on it: the wiring keeps it
}

// OnCreated reports whether s is of the event its publisher announces
// when an item is created (<Entity>Created), which the wiring test can
// cause with a POST.
func (d projectData) OnCreated(s tree.Subscription) bool {
	p := d.Find(s.Publisher)
	return p != nil && s.Event == p.Entity+"Created"
}

// Wires are the modules as the wiring sees them, in dependency order.
func (d projectData) Wires() []wire { return d.wires }

// AnyExtracted reports whether a module has been extracted: the wiring
// then serves their gRPC face on GRPC_ADDR.
func (d projectData) AnyExtracted() bool { return len(d.services) > 0 }

// Services are the extracted modules, in dependency order: each runs as a
// process of its own in compose.yaml and deploy/k8s.
func (d projectData) Services() []tree.Module { return d.services }

// Find returns module name.
func (d projectData) Find(name string) *tree.Module {
	if i, ok := d.index[name]; ok {
		return &d.Modules[i]
	}
	return nil
}

// Postgres reports whether the project's database is PostgreSQL, which
// compose.yaml then runs.
func (d projectData) Postgres() bool { return d.Database == "postgres" }

func projectDataOf(m *tree.Manifest) projectData {
	d := projectData{Name: m.Name, Module: m.Module, Database: m.Database, Modules: ordered(m), Subscriptions: m.Subscriptions(),
		index: make(map[string]int, len(m.Modules))}
	dependedOn := map[string]bool{}
	for i, mod := range d.Modules {
		d.index[mod.Name] = i
		for _, dep := range mod.DependsOn {
			dependedOn[dep] = true
		}
		if mod.Extracted != nil {
			d.services = append(d.services, mod)
		}
	}
	d.wires = make([]wire, len(d.Modules))
	for i, mod := range d.Modules {
		var args strings.Builder
		for _, dep := range mod.DependsOn {
			args.WriteString(", " + dep + "Module")
		}
		d.wires[i] = wire{Name: mod.Name, Exported: tree.Exported(mod.Name), Upper: strings.ToUpper(mod.Name),
			Args: args.String(), Extracted: mod.Extracted != nil, DependedOn: dependedOn[mod.Name]}
	}
	return d
}

// ordered returns the modules so that each comes after its dependencies,
// ties broken by name. The manifest is known to be acyclic.
func ordered(m *tree.Manifest) []tree.Module {
	mods := slices.Clone(m.Modules)
	slices.SortFunc(mods, func(a, b tree.Module) int { return strings.Compare(a.Name, b.Name) })
	byName := make(map[string]*tree.Module, len(mods))
	for i := range mods {
		byName[mods[i].Name] = &mods[i]
	}
	done := make(map[string]bool, len(mods))
	out := make([]tree.Module, 0, len(mods))
	var visit func(tree.Module)
	visit = func(mod tree.Module) {
		if done[mod.Name] {
			return
		}
		done[mod.Name] = true
		for _, d := range mod.DependsOn {
			if dm := byName[d]; dm != nil {
				visit(*dm)
			}
		}
		out = append(out, mod)
	}
	for _, mod := range mods {
		visit(mod)
	}
	return out
}

// Finish completes a plan: it adds the files modgen recomputes from the
// manifest the plan leaves (wiring, architecture test), formats the whole
// tree, records the hashes of scaffolded files, and adds the manifest
// itself, which it also leaves in plan.Manifest. It returns the changes the
// plan would make to the disk; the project itself is not changed.
func (p *Project) Finish(plan *tree.Plan, force bool) ([]tree.Change, error) {
	m := plan.Manifest
	if m == nil {
		m = p.Manifest
	}
	m = m.Clone()
	data := projectDataOf(m)
	// What follows only the manifest (warnings, the subscribers' and the
	// extracted modules' files, the architecture test) is planned on
	// another goroutine, beside the wiring and the decorators: each of
	// those steps runs on one core.
	var side struct {
		warnings                    []string
		subscribers, commands, arch []tree.File
		err                         error
	}
	sideDone := make(chan struct{})
	go func() {
		defer close(sideDone)
		side.warnings = append(p.oldEventBus(m), p.staleWiring(data)...)
		if side.subscribers, side.err = subscriberFiles(m); side.err != nil {
			return
		}
		if side.commands, side.err = eventCommandFiles(m); side.err != nil {
			return
		}
		side.arch = architectureFiles(m)
	}()
	files, err := p.derivedFiles(m, data, plan)
	<-sideDone
	if err == nil {
		err = side.err
	}
	if err != nil {
		return nil, err
	}
	plan.Add(files...)
	plan.Warnings = append(plan.Warnings, side.warnings...)
	plan.Add(side.subscribers...)
	plan.Add(side.commands...)
	plan.Add(side.arch...)
	for {
		// Shared packages the plan imports and the project lacks, and
		// those they import in turn.
		support, err := p.supportFiles(m, plan)
		if err != nil {
			return nil, err
		}
		if len(support) == 0 {
			break
		}
		plan.Add(support...)
		if slices.ContainsFunc(support, func(f tree.File) bool { return f.Path == "pkg/telemetry/telemetry.go" }) {
			if err := p.requireTelemetry(plan); err != nil {
				return nil, err
			}
		}
	}
	if err := tree.Format(plan.Files); err != nil {
		return nil, err
	}
	keyPlannedObserved(m.Module, plan.Files)
	cache := p.renderCache()
	for _, f := range plan.Files {
		if f.CacheKey != "" && !f.OnDisk { // Lookup recorded those it found
			cache.Put(f.Path, f.CacheKey, f.Content)
		}
	}
	for _, f := range plan.Files {
		if f.Owner == tree.Scaffolded {
			m.Files.Set(f.Path, tree.Hash(f.Content))
		}
	}
	m.Modgen = Version
	plan.Add(tree.File{Path: tree.ManifestFile, Content: m.Marshal(), Owner: tree.Merged, Template: "manifest", Disk: p.Manifest.Read(tree.ManifestFile)},
		tree.File{Path: tree.SumFile, Content: m.MarshalSums(), Owner: tree.Merged, Template: "manifest hashes", Disk: p.Manifest.Read(tree.SumFile)})
	plan.Manifest = m
	// The hashes compared are those recorded before this command.
	return plan.Compare(p.Root, p.Manifest.Files, force)
}

// derivedFiles renders what every module's entry in the manifest gives:
// the wiring of cmd/api, each module's wiring and decorator (taken from
// the disk when the cache has them), and the deployment files.
func (p *Project) derivedFiles(m *tree.Manifest, data projectData, plan *tree.Plan) ([]tree.File, error) {
	// A writing command loads the cache ahead (PrefetchCache).
	cache := p.renderCache()
	wiring, err := tree.RenderTree(templates.FS, "wiring", data, func(rel string) string { return "cmd/api/" + rel })
	if err != nil {
		return nil, err
	}
	for i := range wiring {
		// The wiring templates write what gofmt would, whatever the
		// project (TestWiringTemplatesCanonical): not formatted again, as
		// they list every module (0.7 ms for wire_gen.go at 200 modules).
		wiring[i].Final = true
	}
	moduleWiring, err := p.moduleWiringFiles(data, cache)
	if err != nil {
		return nil, err
	}
	// compose.yaml and deploy/: the processes follow the extracted modules.
	deploy, err := tree.RenderTree(templates.FS, "deploy", data, nil)
	if err != nil {
		return nil, err
	}
	observed, err := p.observeFiles(m, plan, cache)
	if err != nil {
		return nil, err
	}
	return slices.Concat(wiring, moduleWiring, deploy, observed), nil
}

// ArchModules returns the manifest's modules as the module rules see them.
func (p *Project) ArchModules() []archrules.Module { return archModules(p.Manifest) }

func archModules(m *tree.Manifest) []archrules.Module {
	mods := make([]archrules.Module, 0, len(m.Modules))
	for _, mod := range m.Modules {
		var publishers []string
		for _, s := range mod.Subscribes {
			if p, _, _ := strings.Cut(s, "."); !slices.Contains(publishers, p) {
				publishers = append(publishers, p)
			}
		}
		mods = append(mods, archrules.Module{Name: mod.Name, DependsOn: mod.DependsOn, SubscribesTo: publishers, Extracted: mod.Extracted != nil})
	}
	return mods
}

// architectureFiles are the module rules as a test of the project: the
// rules' own source, the test, and the module list from the manifest.
func architectureFiles(m *tree.Manifest) []tree.File {
	// The three are gofmt-clean as built (archrules' tests check it), so
	// Format skips them: rules_gen.go is the largest Go file of a new
	// project, and modules_gen.go grows with the project.
	test, modules := archrules.ProjectTest(m.Module, archModules(m))
	return []tree.File{
		{Path: archrules.ProjectSourceFile, Content: archrules.ProjectSource(), Owner: tree.Generated, Template: "archrules.go", Final: true},
		{Path: archrules.ProjectTestFile, Content: test, Owner: tree.Generated, Template: "archrules test", Final: true},
		{Path: archrules.ProjectModulesFile, Content: modules, Owner: tree.Generated, Template: "archrules modules", Final: true},
	}
}

// oldEventBus returns a warning for each module written by a modgen that
// published events through pkg/eventbus, which pkg/outbox (a transactional
// outbox) has replaced: the wiring now hands modules an *outbox.Bus, so
// such a module no longer builds until it is moved over by hand.
func (p *Project) oldEventBus(m *tree.Manifest) []string {
	if _, err := os.Stat(filepath.Join(p.Root, "pkg", "eventbus")); err != nil {
		return nil // a project that never had pkg/eventbus: nothing to read
	}
	var warnings []string
	for _, mod := range m.Modules {
		src, err := os.ReadFile(filepath.Join(p.Root, "internal", mod.Name, "module.go"))
		if err != nil || !bytes.Contains(src, []byte(`/pkg/eventbus"`)) {
			continue
		}
		warnings = append(warnings, fmt.Sprintf("internal/%s uses pkg/eventbus, which this modgen replaced by pkg/outbox (events written in the transaction of the change): "+
			"the project will not build until Deps.Bus is *outbox.Bus and the service publishes with Outbox.Publish inside Outbox.InTx; "+
			"compare with a module that `modgen add module` writes now", mod.Name))
	}
	return warnings
}
