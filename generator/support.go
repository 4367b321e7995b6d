package generator

import (
	"fmt"
	"github.com/modgen-dev/modgen/generator/tree"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/modgen-dev/modgen/templates"
)

// supportFiles returns the files of the project template's shared packages
// (pkg/...) that the Go files of the plan import and that the project
// lacks, so that a project made by an older modgen gets, on first need, the
// shared code that newer module templates use. A file that modgen wrote
// before (recorded in modgen.sum) and the user then deleted is left out:
// it was removed on purpose; the plan gets a warning naming it instead.
func (p *Project) supportFiles(m *tree.Manifest, plan *tree.Plan) ([]tree.File, error) {
	planned := plan.Files
	inPlan := map[string]bool{} // of pkg/, the only files asked about
	for _, f := range planned {
		if strings.HasPrefix(f.Path, "pkg/") {
			inPlan[f.Path] = true
		}
	}
	prefix := m.Module + "/"
	needed := map[string]bool{}
	for _, f := range planned {
		if !strings.HasSuffix(f.Path, ".go") || f.OnDisk {
			continue // a file taken from the disk as an earlier command wrote it: that command added what it imports
		}
		file, err := parser.ParseFile(token.NewFileSet(), f.Path, f.Content, parser.ImportsOnly)
		if err != nil {
			continue // Format reports it, with the template's lines
		}
		for _, imp := range file.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			if rel, ok := strings.CutPrefix(ip, prefix); ok && strings.HasPrefix(rel, "pkg/") {
				needed[rel] = true
			}
		}
	}
	var out []tree.File
	for dir := range needed {
		missing := false
		for _, f := range tree.TemplateFiles("project") {
			if path.Dir(f) == dir && !inPlan[f] && !tree.Exists(filepath.Join(p.Root, filepath.FromSlash(f))) {
				missing = true
			}
		}
		if !missing {
			continue
		}
		files, err := tree.RenderTree(templates.FS, "project/"+dir, projectDataOf(m), func(rel string) string { return dir + "/" + rel })
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if path.Dir(f.Path) != dir || inPlan[f.Path] || tree.Exists(filepath.Join(p.Root, filepath.FromSlash(f.Path))) {
				continue
			}
			if _, deleted := m.Files.Get(f.Path); deleted {
				plan.Warnings = append(plan.Warnings, fmt.Sprintf("%s is missing (you deleted it after modgen wrote it) and the code this command writes uses package %s; restore it from version control", f.Path, dir))
				continue
			}
			out = append(out, f)
		}
	}
	return out, nil
}
