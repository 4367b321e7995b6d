package extract

// This file is load's fast path. The full load (loadTypes) asks the go
// command for the export data of every package the module imports, which
// builds or finds hundreds of packages; the contract needs a few dozen
// declarations. loadSource parses the module package and the project
// packages it reaches, keeps the declarations the contract reads and those
// they name (at the level of syntax, without function bodies), and
// type-checks only those; standard-library packages come from export data,
// found by one `go list -export` of exactly the packages the kept
// declarations name. Whenever it cannot vouch for its answer, it says why
// and load runs the full load instead, so the result and the errors are
// those of the full load.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
)

// methodRoots are the methods the contract looks up in method sets:
// (*Module).API (readModule) and Error (readErrors, and the universe's
// error interface, whose method no source names).
var methodRoots = []string{"API", "Error"}

// moduleRoots are the names of the module package that the contract reads
// (besides every var whose name starts with Err, for readErrors): the API
// interface (readAPI), ValidationError (readErrors), and New, Deps, Module
// and Migrations (readModule).
var moduleRoots = []string{"API", "ValidationError", "New", "Deps", "Module", "Migrations"}

// fallbackError says why loadSource cannot vouch for its result; load then
// runs the full load.
type fallbackError struct{ why string }

func (e *fallbackError) Error() string { return "loading from source: " + e.why }

func fallback(format string, args ...any) error {
	return &fallbackError{why: fmt.Sprintf(format, args...)}
}

// sourceLoader holds the packages of one loadSource.
type sourceLoader struct {
	root       string // the project root, holding go.mod
	modulePath string
	goVersion  string // of go.mod, as types.Config wants it: "go1.26"
	ctxt       build.Context
	fset       *token.FileSet
	pkgs       map[string]*srcPackage // project packages, by import path
	std        map[string]bool        // standard-library packages the kept declarations import
	queue      []*unit                // kept declarations not yet walked
	// names holds every identifier of the kept declarations, and
	// methodRoots. A method of a kept type is kept when its name is among
	// them: one that no kept declaration names can be left out, for the
	// contract does not read it, and a check that needs it anyway (to
	// satisfy an interface of the standard library, say) fails and falls
	// back.
	names   map[string]bool
	err     error // the first reason to fall back
	exports *exportImporter
}

// srcPackage is a project package parsed from source.
type srcPackage struct {
	path  string
	dir   string
	files []*srcFile
	// decls holds each package-level name's declaration; methods, the
	// methods by their name; methodsOf, by the name of their receiver's
	// type.
	decls     map[string]*unit
	methods   map[string][]*unit
	methodsOf map[string][]*unit
	types     *types.Package
	// checking is set while the package is type-checked, to catch a cycle.
	checking bool
}

// srcFile is one parsed file of a package, with its imports by the name
// they have in the file.
type srcFile struct {
	syntax  *ast.File
	imports map[string]*srcImport
	kept    map[ast.Node]bool // the units of the file that are kept, by key
}

type srcImport struct {
	spec *ast.ImportSpec
	path string
	used bool // a kept declaration of the file names the package
}

// unit is what is kept or dropped as a whole: a function or method, one
// type or var spec, or a whole const declaration (whose specs may repeat
// the expression and iota of the ones before).
type unit struct {
	pkg  *srcPackage
	file *srcFile
	decl ast.Decl // *ast.FuncDecl or *ast.GenDecl
	spec ast.Spec // the type or var spec; nil for funcs and consts
	recv string   // for a method, the name of its receiver's type
	kept bool
}

// key is what filtered finds u by: its spec, or its declaration.
func (u *unit) key() ast.Node {
	if u.spec != nil {
		return u.spec
	}
	return u.decl
}

// keep marks u kept and queues it to be walked.
func (s *sourceLoader) keep(u *unit) {
	if u.kept {
		return
	}
	u.kept = true
	u.file.kept[u.key()] = true
	s.queue = append(s.queue, u)
}

// loadSource loads the package rootPath of the project at root, and the
// packages otherPaths, as loadTypes does, but type-checks only the
// declarations the contract reads and those they depend on. otherPaths
// keep only the declarations readProject reads. The error is always a
// *fallbackError: the full load must run instead.
func loadSource(root, modulePath, rootPath string, otherPaths []string) (*typedPackage, map[string]*types.Package, error) {
	if fullLoadOnly {
		return nil, nil, fallback("fullLoadOnly is set")
	}
	s, err := newSourceLoader(root, modulePath)
	if err != nil {
		return nil, nil, err
	}
	rootPkg := s.keepContract(rootPath, otherPaths)
	if s.err != nil {
		return nil, nil, s.err
	}
	if err := s.listStd(); err != nil {
		return nil, nil, err
	}
	pkg := &typedPackage{Fset: s.fset, Types: s.check(rootPkg)}
	for _, f := range rootPkg.files {
		pkg.Syntax = append(pkg.Syntax, f.syntax)
	}
	others := map[string]*types.Package{}
	for _, path := range otherPaths {
		if p := s.pkg(path, 0); p != nil {
			others[path] = s.check(p)
		}
	}
	if s.err != nil {
		return nil, nil, s.err
	}
	return pkg, others, nil
}

// newSourceLoader sets up the loading of the project at root (see setup).
func newSourceLoader(root, modulePath string) (*sourceLoader, error) {
	s := &sourceLoader{root: root, modulePath: modulePath, fset: token.NewFileSet(),
		pkgs: map[string]*srcPackage{}, std: map[string]bool{}, names: map[string]bool{}}
	for _, name := range methodRoots {
		s.names[name] = true
	}
	return s, s.setup()
}

// keepContract parses the package rootPath and keeps the declarations the
// contract reads, those readProject reads of otherPaths, and every one
// they name, transitively, loading the project packages they reach.
func (s *sourceLoader) keepContract(rootPath string, otherPaths []string) *srcPackage {
	rootPkg := s.pkg(rootPath, parser.ParseComments)
	if rootPkg == nil {
		return nil
	}
	for _, name := range moduleRoots {
		s.reach(rootPkg, name)
	}
	for name, u := range rootPkg.decls {
		if _, ok := u.spec.(*ast.ValueSpec); ok && strings.HasPrefix(name, "Err") {
			s.reach(rootPkg, name)
		}
	}
	for _, path := range otherPaths {
		for _, f := range projectFuncs {
			if s.modulePath+"/"+f.pkg == path {
				s.reachImport(path, f.name)
			}
		}
	}
	for len(s.queue) > 0 && s.err == nil {
		u := s.queue[0]
		s.queue = s.queue[1:]
		s.walk(u)
	}
	return rootPkg
}

// setup checks that the go command would build the project as loadSource
// reads it (module mode, no workspace, no vendoring, go.mod at the root
// declaring modulePath) and sets up the build context from the environment.
// listStd checks the context against the go command's.
func (s *sourceLoader) setup() error {
	if !filepath.IsAbs(s.root) {
		return fallback("the project root %s is not an absolute path", s.root)
	}
	if v := os.Getenv("GO111MODULE"); v == "off" {
		return fallback("GO111MODULE=off")
	}
	switch w := os.Getenv("GOWORK"); w {
	case "off":
	case "":
		for dir := s.root; ; {
			if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
				return fallback("the workspace %s applies", filepath.Join(dir, "go.work"))
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	default:
		return fallback("GOWORK=%s", w)
	}
	s.ctxt = build.Default
	for _, flag := range strings.Fields(os.Getenv("GOFLAGS")) {
		name, value, _ := strings.Cut(strings.TrimLeft(flag, "-"), "=")
		switch {
		case name == "tags":
			s.ctxt.BuildTags = slices.DeleteFunc(strings.Split(value, ","), func(t string) bool { return t == "" })
		case name == "mod" && value == "vendor", name == "modfile", name == "overlay":
			return fallback("GOFLAGS has %s", flag)
		}
	}
	if st, err := os.Stat(filepath.Join(s.root, "vendor")); err == nil && st.IsDir() {
		return fallback("the project vendors its dependencies")
	}
	gomod := filepath.Join(s.root, "go.mod")
	data, err := os.ReadFile(gomod)
	if err != nil {
		return fallback("%v", err)
	}
	mf, err := modfile.ParseLax(gomod, data, nil)
	if err != nil {
		return fallback("%v", err)
	}
	if mf.Module == nil || mf.Module.Mod.Path != s.modulePath {
		return fallback("go.mod does not declare module %s", s.modulePath)
	}
	if mf.Go != nil {
		s.goVersion = "go" + mf.Go.Version
	}
	return nil
}

// fail records the first reason to fall back.
func (s *sourceLoader) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fallback(format, args...)
	}
}

// pkg returns the project package path, parsed (with comments when mode
// says so), or nil after recording why it cannot be.
func (s *sourceLoader) pkg(path string, mode parser.Mode) *srcPackage {
	if p, ok := s.pkgs[path]; ok {
		return p
	}
	s.pkgs[path] = nil
	rel := filepath.FromSlash(strings.TrimPrefix(strings.TrimPrefix(path, s.modulePath), "/"))
	if rel != "" && !filepath.IsLocal(rel) {
		s.fail("import path %s", path)
		return nil
	}
	dir := filepath.Join(s.root, rel)
	for d := dir; d != s.root; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			s.fail("%s is in another module", path)
			return nil
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		s.fail("package %s: %v", path, err)
		return nil
	}
	p := &srcPackage{path: path, dir: dir, decls: map[string]*unit{},
		methods: map[string][]*unit{}, methodsOf: map[string][]*unit{}}
	pkgName := ""
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || e.IsDir() {
			continue
		}
		if ok, err := s.ctxt.MatchFile(dir, name); err != nil {
			s.fail("%v", err)
			return nil
		} else if !ok {
			continue
		}
		f, err := parser.ParseFile(s.fset, filepath.Join(dir, name), nil, mode|parser.SkipObjectResolution)
		if err != nil {
			s.fail("%v", err)
			return nil
		}
		if pkgName == "" {
			pkgName = f.Name.Name
		} else if f.Name.Name != pkgName {
			s.fail("%s holds packages %s and %s", dir, pkgName, f.Name.Name)
			return nil
		}
		if !s.index(p, f) {
			return nil
		}
	}
	if len(p.files) == 0 {
		s.fail("package %s has no Go files to build", path)
		return nil
	}
	s.pkgs[path] = p
	return p
}

// index adds the file f to p: its imports, and its package-level
// declarations by name.
func (s *sourceLoader) index(p *srcPackage, f *ast.File) bool {
	sf := &srcFile{syntax: f, imports: map[string]*srcImport{}, kept: map[ast.Node]bool{}}
	p.files = append(p.files, sf)
	for _, spec := range f.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			s.fail("%v", err)
			return false
		}
		if path == "C" {
			s.fail("%s uses cgo", p.path)
			return false
		}
		name := importName(path)
		if spec.Name != nil {
			name = spec.Name.Name
		}
		switch name {
		case "_":
			continue
		case ".":
			s.fail("%s dot-imports %s", p.path, path)
			return false
		}
		sf.imports[name] = &srcImport{spec: spec, path: path}
	}
	declare := func(name string, u *unit) bool {
		if name == "_" || name == "init" && u.spec == nil {
			return true
		}
		if p.decls[name] != nil {
			s.fail("%s declares %s twice", p.path, name)
			return false
		}
		p.decls[name] = u
		return true
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			u := &unit{pkg: p, file: sf, decl: d}
			if d.Recv != nil {
				if len(d.Recv.List) == 1 {
					if u.recv = receiverBase(d.Recv.List[0].Type); u.recv != "" {
						p.methods[d.Name.Name] = append(p.methods[d.Name.Name], u)
						p.methodsOf[u.recv] = append(p.methodsOf[u.recv], u)
					}
				}
				continue
			}
			if !declare(d.Name.Name, u) {
				return false
			}
		case *ast.GenDecl:
			switch d.Tok {
			case token.CONST:
				u := &unit{pkg: p, file: sf, decl: d}
				for _, spec := range d.Specs {
					for _, n := range spec.(*ast.ValueSpec).Names {
						if !declare(n.Name, u) {
							return false
						}
					}
				}
			case token.VAR:
				for _, spec := range d.Specs {
					u := &unit{pkg: p, file: sf, decl: d, spec: spec}
					for _, n := range spec.(*ast.ValueSpec).Names {
						if !declare(n.Name, u) {
							return false
						}
					}
				}
			case token.TYPE:
				for _, spec := range d.Specs {
					u := &unit{pkg: p, file: sf, decl: d, spec: spec}
					if !declare(spec.(*ast.TypeSpec).Name.Name, u) {
						return false
					}
				}
			}
		}
	}
	return true
}

// importName is the name a package is known by where its import does not
// name it: the last element of its path, or the one before a major version
// suffix (math/rand/v2 is rand). A package whose clause says otherwise
// leaves its uses undefined in the filtered check, which then falls back.
func importName(importPath string) string {
	elems := strings.Split(importPath, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = elems[len(elems)-2]
	}
	return name
}

// receiverBase is the name of a method's receiver type: T of T, *T, T[P]
// and *T[P].
func receiverBase(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// reach keeps the declaration of name in p, if p declares it, and with a
// type, those of its methods that a kept declaration names.
func (s *sourceLoader) reach(p *srcPackage, name string) {
	u := p.decls[name]
	if u == nil || u.kept {
		return
	}
	s.keep(u)
	if _, ok := u.spec.(*ast.TypeSpec); ok {
		for _, m := range p.methodsOf[name] {
			if s.names[m.decl.(*ast.FuncDecl).Name.Name] {
				s.keep(m)
			}
		}
	}
}

// see notes an identifier of a kept declaration, and keeps the methods of
// that name of the kept types.
func (s *sourceLoader) see(name string) {
	if s.names[name] {
		return
	}
	s.names[name] = true
	for _, p := range s.pkgs {
		if p == nil {
			continue
		}
		for _, m := range p.methods[name] {
			if t := p.decls[m.recv]; t != nil && t.kept {
				s.keep(m)
			}
		}
	}
}

// reachImport notes that a kept declaration names name of the package
// path: a project package is loaded and keeps it, a standard one is
// listed; any other falls back.
func (s *sourceLoader) reachImport(path, name string) {
	switch {
	case path == "unsafe":
	case path == s.modulePath || strings.HasPrefix(path, s.modulePath+"/"):
		if p := s.pkg(path, 0); p != nil {
			s.reach(p, name)
		}
	case !strings.Contains(strings.Split(path, "/")[0], "."):
		s.std[path] = true
	default:
		s.fail("the contract's declarations use %s, which is not in the project or the standard library", path)
	}
}

// walk reaches every declaration that u names, leaving out function
// bodies, which the check ignores. A name is taken for a package-level
// one wherever it appears (a field or parameter of the same name keeps it
// too, which costs only time).
func (s *sourceLoader) walk(u *unit) {
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			ast.Inspect(n.Type, visit)
			return false
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok {
				if imp := u.file.imports[x.Name]; imp != nil {
					imp.used = true
					s.reachImport(imp.path, n.Sel.Name)
					return false
				}
			}
		case *ast.Ident:
			s.see(n.Name)
			s.reach(u.pkg, n.Name)
		}
		return true
	}
	switch d := u.decl.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil {
			ast.Inspect(d.Recv, visit)
		}
		ast.Inspect(d.Type, visit)
	case *ast.GenDecl:
		if u.spec != nil {
			ast.Inspect(u.spec, visit)
		} else {
			for _, spec := range d.Specs {
				ast.Inspect(spec, visit)
			}
		}
	}
}

// stdTemplate is what listStd asks go list of each package, one line of
// tab-separated fields, with the build context to compare with ours.
const stdTemplate = "{{.ImportPath}}\t{{.Standard}}\t{{printf \"%q\" .Export}}\t{{if or .Error .DepsErrors}}error{{end}}\t" +
	"{{with context}}{{.GOOS}}\t{{.GOARCH}}\t{{.CgoEnabled}}\t{{join .BuildTags \",\"}}\t{{join .ToolTags \",\"}}\t{{join .ReleaseTags \",\"}}{{end}}"

// listStd runs one go list of the standard-library packages the kept
// declarations import, for their export data. It also checks that the go
// command selects files as s.ctxt does: same platform, cgo setting and
// tags.
func (s *sourceLoader) listStd() error {
	if len(s.std) == 0 {
		return fallback("the contract's declarations import no standard-library package")
	}
	paths := make([]string, 0, len(s.std))
	for p := range s.std {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	args := []string{"list", "-e", "-export=true", "-buildvcs=false", "-pgo=off", "-f", stdTemplate, "--"}
	cmd := exec.Command("go", append(args, paths...)...)
	cmd.Dir = s.root
	cmd.Env = append(os.Environ(), "PWD="+s.root)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fallback("go list: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	want := strings.Join([]string{s.ctxt.GOOS, s.ctxt.GOARCH, strconv.FormatBool(s.ctxt.CgoEnabled),
		strings.Join(s.ctxt.BuildTags, ","), strings.Join(s.ctxt.ToolTags, ","), strings.Join(s.ctxt.ReleaseTags, ",")}, "\t")
	listed := map[string]*listedPackage{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), "\t", 5)
		if len(fields) != 5 {
			return fallback("go list printed %q", sc.Text())
		}
		path, standard, export, failed, context := fields[0], fields[1], fields[2], fields[3], fields[4]
		if standard != "true" || failed != "" {
			return fallback("go list: %s is not a standard-library package that builds", path)
		}
		if context != want {
			return fallback("the go command builds for %q, not %q", context, want)
		}
		file, err := strconv.Unquote(export)
		if err != nil || file == "" {
			return fallback("go list gave no export data for %s", path)
		}
		listed[path] = &listedPackage{ImportPath: path, Export: file}
	}
	for _, p := range paths {
		if listed[p] == nil {
			return fallback("go list did not list %s", p)
		}
	}
	s.exports = &exportImporter{fset: s.fset, listed: listed, imported: map[string]*types.Package{}}
	return nil
}

// Import is the importer of the filtered checks: project packages are
// checked from source, the others read from export data.
func (s *sourceLoader) Import(path string) (*types.Package, error) {
	if p := s.pkgs[path]; p != nil {
		if t := s.check(p); t != nil {
			return t, nil
		}
		return nil, errors.New("package " + path + " does not type-check")
	}
	return s.exports.Import(path)
}

// check type-checks the kept declarations of p, once, and returns its
// types, or nil after recording why not.
func (s *sourceLoader) check(p *srcPackage) *types.Package {
	if p.types != nil || s.err != nil {
		return p.types
	}
	if p.checking {
		s.fail("import cycle through %s", p.path)
		return nil
	}
	p.checking = true
	defer func() { p.checking = false }()
	var files []*ast.File
	for _, f := range p.files {
		files = append(files, f.filtered())
	}
	var errs []string
	conf := types.Config{
		Importer:         s,
		Sizes:            types.SizesFor("gc", goarch()),
		GoVersion:        s.goVersion,
		IgnoreFuncBodies: true,
		Error:            func(err error) { errs = append(errs, err.Error()) },
	}
	t, _ := conf.Check(p.path, s.fset, files, nil)
	if len(errs) > 0 {
		s.fail("%s: %s", p.path, errs[0])
		return nil
	}
	p.types = t
	return t
}

// filtered is a copy of the file with only its kept declarations, and the
// imports they use.
func (f *srcFile) filtered() *ast.File {
	out := *f.syntax
	out.Decls = nil
	out.Imports = nil
	for _, d := range f.syntax.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if f.keeps(d, nil) {
				out.Decls = append(out.Decls, d)
			}
		case *ast.GenDecl:
			g := *d
			g.Specs = nil
			for _, spec := range d.Specs {
				if is, ok := spec.(*ast.ImportSpec); ok {
					if f.uses(is) {
						g.Specs = append(g.Specs, spec)
						out.Imports = append(out.Imports, is)
					}
				} else if f.keeps(d, spec) {
					g.Specs = append(g.Specs, spec)
				}
			}
			if len(g.Specs) > 0 {
				out.Decls = append(out.Decls, &g)
			}
		}
	}
	return &out
}

// uses reports whether a kept declaration of f names the package imported
// by spec.
func (f *srcFile) uses(spec *ast.ImportSpec) bool {
	for _, imp := range f.imports {
		if imp.spec == spec {
			return imp.used
		}
	}
	return false
}

// keeps reports whether the declaration d, or its spec for a type or var,
// is kept.
func (f *srcFile) keeps(d ast.Decl, spec ast.Spec) bool {
	if g, ok := d.(*ast.GenDecl); ok && g.Tok != token.CONST {
		return f.kept[spec]
	}
	return f.kept[d]
}
