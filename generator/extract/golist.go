package extract

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/tools/go/gcexportdata"
)

// listedPackage is what `go list -json` says of one package, in the fields
// loadTypes reads.
type listedPackage struct {
	ImportPath      string
	Name            string
	Dir             string
	Export          string // file of export data, built (or found) in the build cache
	GoFiles         []string
	CompiledGoFiles []string
	ImportMap       map[string]string // import path in the source → package path, when they differ (vendoring)
	Module          *struct{ GoVersion string }
	Error           *struct{ Err string }
	DepsErrors      []*struct{ Err string }
}

// typedPackage is the package to extract, type-checked from its source.
type typedPackage struct {
	Types  *types.Package
	Fset   *token.FileSet
	Syntax []*ast.File
	Errors []string // "file:line:col: message", or the go command's words
}

// loadTypes runs one `go list` of patterns in root, then loads the package
// rootPath from source, with its syntax and types, and the packages
// otherPaths (which patterns must name) from export data, their types only.
// Every dependency is read from the export data that `go list -export`
// leaves in the build cache, so only the module's own package is
// type-checked. others holds those of otherPaths that load without errors.
//
// This is what golang.org/x/tools/go/packages does for this mode, without
// its two other runs of the go command (its version, and the sizes of the
// target), which cost about as much again before anything is read.
func loadTypes(root, rootPath string, patterns, otherPaths []string) (pkg *typedPackage, others map[string]*types.Package, err error) {
	listed, err := goList(root, patterns)
	byPath := map[string]*listedPackage{}
	for _, p := range listed {
		byPath[p.ImportPath] = p
	}
	lp := byPath[rootPath]
	if lp == nil {
		return nil, nil, &notFoundError{goList: err}
	}
	fset := token.NewFileSet()
	imp := &exportImporter{fset: fset, listed: byPath, imported: map[string]*types.Package{}}
	pkg = &typedPackage{Fset: fset}
	if lp.Error != nil {
		pkg.Errors = append(pkg.Errors, lp.Error.Err)
	}
	files := lp.CompiledGoFiles
	if len(files) == 0 {
		files = lp.GoFiles
	}
	for _, name := range files {
		if !filepath.IsAbs(name) {
			name = filepath.Join(lp.Dir, name)
		}
		f, perr := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		var list scanner.ErrorList
		if errors.As(perr, &list) {
			for _, e := range list {
				pkg.Errors = append(pkg.Errors, e.Error())
			}
		} else if perr != nil {
			pkg.Errors = append(pkg.Errors, perr.Error())
		}
		if f != nil {
			pkg.Syntax = append(pkg.Syntax, f)
		}
	}
	conf := types.Config{
		Importer: importerFor(imp, lp.ImportMap),
		Sizes:    types.SizesFor("gc", goarch()),
		Error:    func(err error) { pkg.Errors = append(pkg.Errors, err.Error()) },
	}
	if lp.Module != nil && lp.Module.GoVersion != "" {
		conf.GoVersion = "go" + lp.Module.GoVersion
	}
	pkg.Types, _ = conf.Check(lp.ImportPath, fset, pkg.Syntax, nil)
	others = map[string]*types.Package{}
	for _, path := range otherPaths {
		if p := byPath[path]; p != nil && p.Error == nil && len(p.DepsErrors) == 0 {
			if t, err := imp.Import(path); err == nil {
				others[path] = t
			}
		}
	}
	return pkg, others, nil
}

// notFoundError is a package that go list did not list; goList is why,
// when the go command failed.
type notFoundError struct{ goList error }

func (e *notFoundError) Error() string {
	if e.goList != nil {
		return "package not found: " + e.goList.Error()
	}
	return "package not found"
}

// goList runs `go list -deps -export` on patterns in root and returns every
// package it lists: those of patterns and all their dependencies.
func goList(root string, patterns []string) ([]*listedPackage, error) {
	args := []string{"list", "-e",
		"-json=ImportPath,Name,Dir,Export,GoFiles,CompiledGoFiles,ImportMap,Module,Error,DepsErrors",
		"-compiled=true", "-export=true", "-deps=true", "-buildvcs=false", "-pgo=off", "--"}
	cmd := exec.Command("go", append(args, patterns...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "PWD="+root)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var listed []*listedPackage
	dec := json.NewDecoder(&stdout)
	for {
		p := new(listedPackage)
		if err := dec.Decode(p); err == io.EOF {
			break
		} else if err != nil {
			return listed, fmt.Errorf("reading the output of go list: %w", err)
		}
		listed = append(listed, p)
	}
	if runErr != nil {
		return listed, fmt.Errorf("go list: %v: %s", runErr, strings.TrimSpace(stderr.String()))
	}
	return listed, nil
}

// exportImporter imports packages from the export data go list named,
// sharing one map of packages so that every package is read once and a
// type is the same object wherever it is reached from.
type exportImporter struct {
	fset     *token.FileSet
	listed   map[string]*listedPackage
	imported map[string]*types.Package
}

func (imp *exportImporter) Import(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	if p := imp.imported[path]; p != nil && p.Complete() {
		return p, nil
	}
	lp := imp.listed[path]
	switch {
	case lp == nil:
		return nil, fmt.Errorf("package %s is not among those go list loaded", path)
	case lp.Export == "":
		why := "it does not compile"
		if lp.Error != nil {
			why = lp.Error.Err
		} else if len(lp.DepsErrors) > 0 {
			why = lp.DepsErrors[0].Err
		}
		return nil, fmt.Errorf("no export data for %s: %s", path, why)
	}
	f, err := os.Open(lp.Export)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := gcexportdata.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("reading export data for %s: %w", path, err)
	}
	return gcexportdata.Read(r, imp.fset, imp.imported, path)
}

// importerFor resolves the import paths of one package's source through
// its ImportMap before importing.
func importerFor(imp *exportImporter, importMap map[string]string) types.Importer {
	return importFunc(func(path string) (*types.Package, error) {
		if mapped, ok := importMap[path]; ok {
			path = mapped
		}
		return imp.Import(path)
	})
}

type importFunc func(string) (*types.Package, error)

func (f importFunc) Import(path string) (*types.Package, error) { return f(path) }

// goarch is the architecture the go command builds for: sizes of types
// depend on it (only unsafe.Sizeof and friends can tell).
func goarch() string {
	if a := os.Getenv("GOARCH"); a != "" {
		return a
	}
	return runtime.GOARCH
}
